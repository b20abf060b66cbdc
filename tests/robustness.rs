//! Issue 8: nothing lost, nothing left running, no panics, limits that mean
//! what they say. Each test reproduces one case a learner (or an unkind user)
//! met, with the real binary where a person would type the command.

use racelab::runner::process::{WorkerCommand, run_workers};
use std::io::Read;
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

fn racelab() -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_racelab"));
    command.stdin(Stdio::null());
    command
}

fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

// ── No panics ───────────────────────────────────────────────────────────────

#[test]
fn a_closed_stdout_ends_the_command_quietly() {
    // `racelab run 1 | true`: the reader is gone before racelab writes.
    let mut child = racelab()
        .args(["run", "1", "--trials", "1", "--iters", "10"])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("racelab runs");
    drop(child.stdout.take());
    let out = child.wait_with_output().expect("racelab ends");
    assert_eq!(stderr(&out), "", "nothing on stderr, like a Unix tool");
    assert_eq!(out.status.code(), Some(141), "the status a shell shows for a closed pipe");

    // `racelab check 1 --json | head -c 100`: the reader leaves after 100 bytes.
    let mut child = racelab()
        .args(["check", "1", "--json"])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("racelab runs");
    let mut first = [0u8; 100];
    child.stdout.take().expect("stdout").read_exact(&mut first).expect("100 bytes");
    let out = child.wait_with_output().expect("racelab ends");
    assert_eq!(stderr(&out), "", "nothing on stderr");
    assert!(matches!(out.status.code(), Some(1 | 141)), "the verdict (1) or a closed pipe (141): {:?}", out.status);
}

#[test]
#[cfg(target_os = "linux")]
fn threads_beyond_the_process_limit_end_in_one_line() {
    use std::os::unix::process::CommandExt;
    let mut command = racelab();
    command.current_dir("/").args(["run", "1", "--threads", "1024", "--iters", "10"]);
    // Safety: only async-signal-safe calls between fork and exec.
    unsafe {
        command.pre_exec(|| {
            // RLIMIT_NPROC does not bind root: run as nobody, as a learner would not be root.
            if libc::geteuid() == 0 && (libc::setgid(65534) != 0 || libc::setuid(65534) != 0) {
                return Err(std::io::Error::last_os_error());
            }
            let limit = libc::rlimit { rlim_cur: 60, rlim_max: 60 };
            if libc::setrlimit(libc::RLIMIT_NPROC, &limit) != 0 {
                return Err(std::io::Error::last_os_error());
            }
            Ok(())
        });
    }
    let out = command.output().expect("racelab runs");
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(2), "{err}");
    assert_eq!(err.trim_end().lines().count(), 1, "one line: {err}");
    assert!(err.starts_with("error: the system refused to start another thread"), "{err}");
    assert!(!err.contains("panicked"), "{err}");
}

#[test]
fn a_panic_prints_one_line_even_with_rust_backtrace_set() {
    // An overflow that used to panic in a debug build: the CLI now refuses the size.
    let out = racelab()
        .args(["check", "1", "--iters", "18446744073709551615", "--preemption-bound", "0"])
        .env("RUST_BACKTRACE", "1")
        .output()
        .expect("racelab runs");
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(2), "{err}");
    assert_eq!(err.trim_end().lines().count(), 1, "{err}");
    assert!(err.contains("--iters must be at most"), "{err}");
}

// ── Workers ─────────────────────────────────────────────────────────────────

/// A worker per job: job 0 sleeps (as itself, via exec), any other job kills itself.
fn sleeper_and_suicide() -> WorkerCommand {
    WorkerCommand::new("sh", ["-c", "if [ \"$1\" = 0 ]; then exec sleep 60; else kill -9 $$; fi", "sh"])
}

#[test]
fn a_killed_worker_is_reported_at_once_not_after_the_others() {
    let started = Instant::now();
    let error = run_workers(&sleeper_and_suicide(), &[vec![0], vec![1]], Duration::from_secs(60))
        .expect_err("no total without worker 2");
    assert!(error.0.contains("worker 2") && error.0.contains("SIGKILL"), "{error}");
    assert!(started.elapsed() < Duration::from_secs(10), "reported while worker 1 still sleeps: {error}");
}

#[test]
fn garbage_from_a_worker_is_quoted_as_printed() {
    let garbage = WorkerCommand::new("sh", ["-c", "printf 'hello,\\tparent\\n  second line'", "sh"]);
    let error = run_workers(&garbage, &[vec![1]], Duration::from_secs(10)).expect_err("no report");
    assert!(error.0.contains(r#"got "hello,\tparent\n  second line""#), "{error}");
}

#[test]
fn a_worker_whose_child_holds_the_pipe_open_cannot_stretch_the_time_limit() {
    // The worker reports, then leaves a grandchild holding its stdout for 8 s.
    let holder = WorkerCommand::new("sh", ["-c", "echo report 1; sleep 8 & exit 0", "sh"]);
    let started = Instant::now();
    let result = run_workers(&holder, &[vec![1]], Duration::from_secs(2));
    assert!(started.elapsed() < Duration::from_secs(10), "the 2 s limit holds: {result:?}");
    let error = result.expect_err("the output never closed");
    assert!(error.0.contains("output stayed open"), "{error}");
}

#[test]
#[cfg(target_os = "linux")]
fn workers_die_with_their_parent() {
    // A parent `racelab run` killed outright (SIGKILL: no clean-up runs) leaves no worker.
    let mut parent = racelab()
        .args(["run", "1", "--variant", "process", "--threads", "3", "--fault", "hang", "--timeout", "120"])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("racelab runs");
    let parent_pid = parent.id();
    // Workers 1 and 2 report at once; worker 3 hangs until its parent is gone.
    let deadline = Instant::now() + Duration::from_secs(10);
    let workers = loop {
        let hanging: Vec<u32> = children_of(parent_pid)
            .into_iter()
            .filter(|&pid| alive(pid))
            .filter(|pid| {
                std::fs::read(format!("/proc/{pid}/cmdline"))
                    .is_ok_and(|c| c.split(|&b| b == 0).any(|arg| arg == b"hang"))
            })
            .collect();
        if !hanging.is_empty() || Instant::now() > deadline {
            break hanging;
        }
        std::thread::sleep(Duration::from_millis(50));
    };
    assert_eq!(workers.len(), 1, "the hanging worker started");
    parent.kill().expect("kill the parent");
    parent.wait().expect("reap the parent");
    let deadline = Instant::now() + Duration::from_secs(10);
    while workers.iter().any(|&pid| alive(pid)) && Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(50));
    }
    let left: Vec<u32> = workers.into_iter().filter(|&pid| alive(pid)).collect();
    assert!(left.is_empty(), "workers still running after their parent died: {left:?}");
}

/// The pids whose parent is `parent` (from /proc).
fn children_of(parent: u32) -> Vec<u32> {
    let Ok(entries) = std::fs::read_dir("/proc") else { return Vec::new() };
    entries
        .flatten()
        .filter_map(|e| e.file_name().to_str()?.parse::<u32>().ok())
        .filter(|&pid| stat(pid).is_some_and(|(_, ppid)| ppid == parent))
        .collect()
}

/// State and parent pid of `pid`, from /proc/PID/stat.
fn stat(pid: u32) -> Option<(char, u32)> {
    let text = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
    let rest = &text[text.rfind(')')? + 2..];
    let mut fields = rest.split_whitespace();
    let state = fields.next()?.chars().next()?;
    let ppid = fields.next()?.parse().ok()?;
    Some((state, ppid))
}

/// Running (a zombie waiting for its reaper has stopped running).
fn alive(pid: u32) -> bool {
    stat(pid).is_some_and(|(state, _)| state != 'Z')
}
