//! Issue 8: nothing lost, nothing left running, no panics, limits that mean
//! what they say. Each test reproduces one case a learner (or an unkind user)
//! met, with the real binary where a person would type the command.

mod common;

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
    // `racelab run 1 | true`: the reader is gone before racelab writes. (The
    // read end is closed before racelab starts: a `Stdio::piped()` dropped
    // afterwards could still be open in another test's child between fork and exec.)
    let (reader, writer) = std::io::pipe().expect("a pipe");
    drop(reader);
    let out = racelab()
        .args(["run", "1", "--trials", "1", "--iters", "10"])
        .stdout(writer)
        .stderr(Stdio::piped())
        .output()
        .expect("racelab runs");
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
fn a_report_the_answer_printed_itself_cannot_stand_in_for_the_workers_own() {
    // The learner's worker printed `report 11` before racelab's worker printed its real report.
    let chatty = WorkerCommand::new("sh", ["-c", "echo 'report 11'; echo 'report 10'", "sh"]);
    let reports = run_workers(&chatty, &[vec![1]], Duration::from_secs(10)).expect("a report");
    assert_eq!(reports, [10]);
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

// ── verify and watch, with a stand-in for cargo ─────────────────────────────
//
// `verify` asks `$CARGO` to build the checks and runs the test binary cargo
// names. Here `$CARGO` is a script that names a shell script as the "test
// binary", so each test decides what the learner's checks do (report, crash,
// hang, leave a child holding the output open) without building anything.

/// Lab `n`'s folder, relative to the course root.
fn lab_dir(n: u8) -> String {
    format!("labs/{}", racelab::labs::find(&n.to_string()).expect("a lab").folder())
}
const EXERCISES: [&str; 4] = ["mutex", "parking_lot", "atomic", "process"];

/// A course folder whose "checks" for lab N are the shell script `checks`(N).
struct FakeCourse {
    dir: tempfile::TempDir,
}

impl FakeCourse {
    fn new(checks: &[(u8, &str)]) -> FakeCourse {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().expect("temp dir");
        let root = dir.path();
        std::fs::create_dir_all(root.join("tmp")).expect("folder");
        common::course_skeleton(root);
        // Answers written (the solution): `verify` reads the file too, and would call a
        // `todo!()` "not attempted" whatever the checks said.
        for folder in [lab_dir(1), lab_dir(2)] {
            let solution = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join(&folder).join("solution.rs");
            std::fs::copy(solution, root.join(folder).join("exercise.rs")).expect("exercise");
        }
        let executable = |path: &std::path::Path, text: &str| {
            std::fs::write(path, text).expect("script");
            std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o755)).expect("chmod");
        };
        let cargo = format!(
            "#!/bin/sh\nfor a; do t=$a; done\n\
             echo \"{{\\\"reason\\\":\\\"compiler-artifact\\\",\\\"target\\\":{{\\\"name\\\":\\\"$t\\\"}},\\\"executable\\\":\\\"{}/checks_$t\\\"}}\"\n",
            root.display()
        );
        executable(&root.join("cargo"), &cargo);
        for (lab, script) in checks {
            executable(&root.join(format!("checks_exercise_{lab:02}")), &format!("#!/bin/sh\n{script}\n"));
        }
        FakeCourse { dir }
    }

    fn root(&self) -> &std::path::Path {
        self.dir.path()
    }

    fn racelab(&self, args: &[&str]) -> Command {
        let mut command = racelab();
        command
            .current_dir(self.root())
            .args(args)
            .env("CARGO", self.root().join("cargo"))
            .env("TMPDIR", self.root().join("tmp"))
            .stdout(Stdio::piped())
            .stderr(Stdio::piped());
        command
    }

    /// What racelab left in its temporary folder.
    fn temp_files(&self) -> Vec<String> {
        std::fs::read_dir(self.root().join("tmp"))
            .expect("tmp")
            .flatten()
            .map(|e| e.file_name().to_string_lossy().into_owned())
            .collect()
    }

    /// The pids the checks wrote to `pids` (one a line).
    fn pids(&self) -> Vec<u32> {
        let text = std::fs::read_to_string(self.root().join("pids")).unwrap_or_default();
        text.lines().filter_map(|l| l.trim().parse().ok()).collect()
    }

    fn progress(&self) -> racelab::course::Progress {
        racelab::course::Progress::load(self.root()).expect("progress")
    }
}

/// One outcome line for `verify`'s channel (`$1`: its descriptor, `$2`: its token, from
/// `set -- $RACELAB_VERIFY_CHANNEL`), or with `token` in place of the run's. The outcome
/// names the code it judged: the fake course's exercise file (the lab's solution).
fn sending(lab: u8, exercise: &str, status: &str, token: &str) -> String {
    let solution = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join(lab_dir(lab)).join("solution.rs");
    let text = std::fs::read_to_string(solution).expect("the solution");
    let code = racelab::labs::exercises(lab).expect("a lab with exercises").code_fingerprint(exercise, &text);
    format!(
        "printf '%s\\t%s\\n' \"{token}\" '{{\"lab\":{lab},\"exercise\":\"{exercise}\",\"status\":\"{status}\",\"summary\":\"fake\",\"details\":\"\",\"code\":\"{code}\"}}' >&$1"
    )
}

/// A check script that reports `status` for every exercise of `lab` after `pause` seconds.
fn reporting(lab: u8, status: &str, pause: &str) -> String {
    let lines: Vec<String> = EXERCISES.iter().map(|e| sending(lab, e, status, "$2")).collect();
    format!("set -- $RACELAB_VERIFY_CHANNEL\nsleep {pause}\n{}", lines.join("\n"))
}

/// Writes its own pid and that of a child holding stdout open to `pids`, then waits.
const HANG_HOLDING_THE_PIPE: &str = "sleep 300 &\necho $$ >> pids\necho $! >> pids\nwait";

/// Waits (up to 10 s) until the checks have written `n` pids.
fn wait_for_pids(course: &FakeCourse, n: usize) -> Vec<u32> {
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        let pids = course.pids();
        if pids.len() >= n || Instant::now() > deadline {
            return pids;
        }
        std::thread::sleep(Duration::from_millis(20));
    }
}

fn wait_at_most(child: &mut std::process::Child, limit: Duration) -> Option<std::process::ExitStatus> {
    let deadline = Instant::now() + limit;
    loop {
        if let Ok(Some(status)) = child.try_wait() {
            return Some(status);
        }
        if Instant::now() > deadline {
            let _ = child.kill();
            let _ = child.wait();
            return None;
        }
        std::thread::sleep(Duration::from_millis(20));
    }
}

#[test]
fn two_verifies_at_once_keep_both_results() {
    for round in 0..3 {
        let course = FakeCourse::new(&[(1, &reporting(1, "solved", "0.3")), (2, &reporting(2, "failing", "0.3"))]);
        let one = course.racelab(&["verify", "1"]).spawn().expect("verify 1");
        let two = course.racelab(&["verify", "2"]).spawn().expect("verify 2");
        let (one, two) = (one.wait_with_output().expect("verify 1"), two.wait_with_output().expect("verify 2"));
        assert_eq!(one.status.code(), Some(0), "{}", String::from_utf8_lossy(&one.stderr));
        assert_eq!(two.status.code(), Some(1), "{}", String::from_utf8_lossy(&two.stderr));
        let progress = course.progress();
        for e in EXERCISES {
            assert_eq!(progress.status(1, e), racelab::course::Status::Solved, "round {round}: lab 1 {e} kept");
            assert_eq!(progress.status(2, e), racelab::course::Status::Failing, "round {round}: lab 2 {e} kept");
        }
    }
}

#[test]
fn a_crash_never_turns_solved_into_failing_but_a_verdict_does() {
    let course = FakeCourse::new(&[(1, &reporting(1, "solved", "0"))]);
    assert!(course.racelab(&["verify", "1"]).status().expect("verify").success());
    std::fs::write(course.root().join("checks_exercise_01"), "#!/bin/sh\necho 'thread panicked' >&2\nkill -ABRT $$\n")
        .expect("a crashing check");
    let out = course.racelab(&["verify", "1"]).output().expect("verify");
    let text = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(1), "not solved this time: {text}");
    assert!(text.contains("not judged: the check crashed before reporting a result: thread panicked"), "{text}");
    assert!(text.contains("your earlier \"solved\" stands"), "{text}");
    assert_eq!(course.progress().status(1, "mutex"), racelab::course::Status::Solved, "still solved");

    std::fs::write(course.root().join("checks_exercise_01"), format!("#!/bin/sh\n{}\n", reporting(1, "failing", "0")))
        .expect("a failing check");
    assert_eq!(course.racelab(&["verify", "1"]).status().expect("verify").code(), Some(1));
    assert_eq!(course.progress().status(1, "mutex"), racelab::course::Status::Failing, "a verdict counts");
}

#[test]
fn the_time_limit_covers_a_child_that_holds_the_output_open() {
    let course = FakeCourse::new(&[(1, HANG_HOLDING_THE_PIPE)]);
    let started = Instant::now();
    let out = course.racelab(&["verify", "1", "--timeout", "1"]).output().expect("verify");
    assert!(started.elapsed() < Duration::from_secs(10), "took {:?}", started.elapsed());
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("did not finish in 1 s"), "{text}");
    assert!(!text.contains("--preemption-bound"), "verify advises only its own flags: {text}");
    let pids = course.pids();
    assert_eq!(pids.len(), 2, "the checks and their child started");
    assert!(pids.iter().all(|&pid| !alive(pid)), "nothing left running: {pids:?}");
    assert_eq!(course.temp_files(), Vec::<String>::new(), "no temporary file left");
}

#[test]
fn checks_that_exit_leaving_a_child_behind_end_with_nothing_left_running() {
    let course = FakeCourse::new(&[(1, "sleep 300 &\necho $! >> pids\nexit 0")]);
    let started = Instant::now();
    let out = course.racelab(&["verify", "1"]).output().expect("verify");
    assert!(started.elapsed() < Duration::from_secs(10), "took {:?}", started.elapsed());
    assert_eq!(out.status.code(), Some(1), "{}", String::from_utf8_lossy(&out.stdout));
    let pids = course.pids();
    assert!(!pids.is_empty() && pids.iter().all(|&pid| !alive(pid)), "the stray child was killed: {pids:?}");
}

#[test]
fn sigint_or_sigterm_on_verify_stops_the_checks_and_removes_temp_files() {
    for signal in [libc::SIGINT, libc::SIGTERM] {
        let course = FakeCourse::new(&[(1, HANG_HOLDING_THE_PIPE)]);
        racelab::course::Progress::update(course.root(), |p| {
            p.status.insert(racelab::course::key(1, "mutex"), racelab::course::Status::Solved)
        })
        .expect("earlier progress");
        let mut verify = course.racelab(&["verify", "1"]).spawn().expect("verify");
        let pids = wait_for_pids(&course, 2);
        assert_eq!(pids.len(), 2, "the checks started");
        // Safety: kill only sends a signal to the racelab we started.
        unsafe {
            libc::kill(verify.id() as libc::pid_t, signal);
        }
        let status = wait_at_most(&mut verify, Duration::from_secs(10));
        // 128 + the signal, as a shell reports a command the signal stopped: 130 for SIGINT, 143 for SIGTERM.
        assert_eq!(status.and_then(|s| s.code()), Some(128 + signal), "signal {signal}: racelab stops at once");
        assert!(pids.iter().all(|&pid| !alive(pid)), "signal {signal}: nothing left running: {pids:?}");
        assert_eq!(course.temp_files(), Vec::<String>::new(), "signal {signal}: no temporary file left");
        assert_eq!(course.progress().status(1, "mutex"), racelab::course::Status::Solved, "nothing lost");
    }
}

#[test]
fn q_in_watch_stops_a_running_check_at_once() {
    use std::io::Write as _;
    let course = FakeCourse::new(&[(1, HANG_HOLDING_THE_PIPE)]);
    let mut watch = course.racelab(&["watch", "1"]).stdin(Stdio::piped()).spawn().expect("watch");
    std::thread::sleep(Duration::from_millis(500)); // let it start watching
    std::fs::write(course.root().join(lab_dir(1)).join("exercise.rs"), "// saved\n").expect("save");
    let pids = wait_for_pids(&course, 2);
    assert_eq!(pids.len(), 2, "the save started a check");
    writeln!(watch.stdin.take().expect("stdin"), "q").expect("q");
    let status = wait_at_most(&mut watch, Duration::from_secs(10));
    assert!(status.is_some_and(|s| s.success()), "watch left at once: {status:?}");
    assert!(pids.iter().all(|&pid| !alive(pid)), "nothing left running: {pids:?}");
    assert_eq!(course.temp_files(), Vec::<String>::new(), "no temporary file left");
}

#[test]
fn a_missing_exercise_points_to_reset_and_a_missing_info_toml_is_named() {
    let course = FakeCourse::new(&[(1, &reporting(1, "solved", "0"))]);
    std::fs::remove_file(course.root().join(lab_dir(1)).join("exercise.rs")).expect("remove");
    let out = course.racelab(&["verify", "1"]).output().expect("verify");
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(2), "{err}");
    let missing = format!("{}/exercise.rs is missing; `cargo run -- reset 1` restores it", lab_dir(1));
    assert!(err.contains(&missing), "{err}");

    std::fs::remove_file(course.root().join(lab_dir(2)).join("info.toml")).expect("remove");
    let out = course.racelab(&["list"]).output().expect("list");
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(2), "{err}");
    assert!(err.contains(&format!("{}/info.toml is missing", lab_dir(2))), "{err}");
    assert_eq!(err.trim_end().lines().count(), 1, "{err}");
}

#[test]
fn the_temp_folder_of_a_verify_killed_outright_is_removed_by_the_next() {
    let course = FakeCourse::new(&[(1, &reporting(1, "solved", "0"))]);
    // A racelab that is gone: a process we started and reaped.
    let mut gone = Command::new("true").spawn().expect("true");
    let gone_pid = gone.id();
    gone.wait().expect("reaped");
    let stale = course.root().join(format!("tmp/racelab-verify-{gone_pid}-abc123"));
    let live = course.root().join(format!("tmp/racelab-verify-{}-def456", std::process::id()));
    for dir in [&stale, &live] {
        std::fs::create_dir_all(dir).expect("folder");
        std::fs::write(dir.join("outcomes.jsonl"), "").expect("file");
    }
    assert!(course.racelab(&["verify", "1"]).status().expect("verify").success());
    assert!(!stale.exists(), "the dead racelab's folder is removed");
    assert!(live.exists(), "a live racelab's folder is kept");
}

/// Starts a child in a session of its own (out of reach of the checks' group,
/// as the judge's per-exercise processes are), makes a temp file, then waits.
const HANG_WITH_A_CHILD_ELSEWHERE: &str =
    "setsid sleep 300 &\necho $! >> pids\nmktemp > /dev/null\necho $$ >> pids\nwait";

#[test]
#[cfg(target_os = "linux")]
fn what_the_checks_start_in_another_group_is_stopped_too() {
    // On a time-out…
    let course = FakeCourse::new(&[(1, HANG_WITH_A_CHILD_ELSEWHERE)]);
    let out = course.racelab(&["verify", "1", "--timeout", "1"]).output().expect("verify");
    assert!(String::from_utf8_lossy(&out.stdout).contains("did not finish in 1 s"));
    let pids = course.pids();
    assert_eq!(pids.len(), 2, "the checks and their child started");
    assert!(pids.iter().all(|&pid| !alive(pid)), "time-out: nothing left running: {pids:?}");
    assert_eq!(course.temp_files(), Vec::<String>::new(), "time-out: no temporary file left");

    // …and on Ctrl-C.
    let course = FakeCourse::new(&[(1, HANG_WITH_A_CHILD_ELSEWHERE)]);
    let mut verify = course.racelab(&["verify", "1"]).spawn().expect("verify");
    let pids = wait_for_pids(&course, 2);
    // Safety: kill only sends a signal to the racelab we started.
    unsafe {
        libc::kill(verify.id() as libc::pid_t, libc::SIGINT);
    }
    assert_eq!(wait_at_most(&mut verify, Duration::from_secs(10)).and_then(|s| s.code()), Some(130));
    assert!(pids.iter().all(|&pid| !alive(pid)), "Ctrl-C: nothing left running: {pids:?}");
    assert_eq!(course.temp_files(), Vec::<String>::new(), "Ctrl-C: no temporary file left");
}

#[test]
fn run_yours_hands_the_request_to_the_exercise_target_and_prints_its_answer() {
    let script =
        "echo \"$@\" > args\necho \"$RACELAB_YOURS\" > request.json\nprintf 'the answer\\n' > \"$RACELAB_YOURS_OUT\"";
    let course = FakeCourse::new(&[(1, script)]);
    let out = course.racelab(&["run", "1", "--variant", "atomic", "--yours", "--trials", "2"]).output().expect("run");
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert_eq!(String::from_utf8_lossy(&out.stdout), "the answer\n");
    let args = std::fs::read_to_string(course.root().join("args")).expect("args");
    assert!(args.starts_with("your_answers_for_real --exact --ignored"), "{args}");
    let request: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(course.root().join("request.json")).expect("request"))
            .expect("json");
    assert_eq!(
        (request["command"].as_str(), request["variant"].as_str(), request["trials"].as_u64()),
        (Some("run"), Some("atomic"), Some(2))
    );
    assert!(course.temp_files().is_empty(), "left behind: {:?}", course.temp_files());
}

#[test]
fn run_yours_reports_what_stops_your_answers_in_one_line() {
    let script = "printf 'error: `mutex` is still `todo!()` at labs/01_x/exercise.rs:21: write it first\\n' > \"$RACELAB_YOURS_OUT\"";
    let course = FakeCourse::new(&[(1, script)]);
    let out = course.racelab(&["run", "1", "--variant", "mutex", "--yours"]).output().expect("run");
    assert_eq!(out.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.lines().last().is_some_and(|l| l.starts_with("error: `mutex` is still `todo!()`")), "{stderr}");
    let out = course.racelab(&["run", "1", "--variant", "racy", "--yours"]).output().expect("run");
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("add --variant with one of lab 1's exercises"));
}

#[test]
fn the_full_screen_stepper_exits_128_plus_the_signal() {
    use std::io::Read as _;
    use std::os::fd::FromRawFd as _;
    for (signal, status) in [(libc::SIGTERM, 143), (libc::SIGINT, 130), (libc::SIGHUP, 129)] {
        let (mut master, mut slave) = (0, 0);
        // Safety: openpty writes two descriptors it opened into the two integers given.
        let opened =
            unsafe { libc::openpty(&mut master, &mut slave, std::ptr::null_mut(), std::ptr::null(), std::ptr::null()) };
        assert_eq!(opened, 0, "a pseudo-terminal");
        // Safety: each descriptor was just opened and is owned by one File only.
        let (mut master, slave) = unsafe { (std::fs::File::from_raw_fd(master), std::fs::File::from_raw_fd(slave)) };
        let mut step = racelab()
            .args(["step", "1"])
            .stdin(slave.try_clone().expect("tty"))
            .stdout(slave.try_clone().expect("tty"))
            .stderr(Stdio::null())
            .spawn()
            .expect("racelab step");
        drop(slave);
        let screen = std::sync::Arc::new(std::sync::Mutex::new(Vec::new()));
        let shown = std::sync::Arc::clone(&screen);
        std::thread::spawn(move || {
            let mut chunk = [0_u8; 4096];
            while let Ok(n @ 1..) = master.read(&mut chunk) {
                shown.lock().expect("screen").extend_from_slice(&chunk[..n]);
            }
        });
        // The full screen is up once the terminal is switched to the alternate screen.
        let deadline = Instant::now() + Duration::from_secs(30);
        while !String::from_utf8_lossy(&screen.lock().expect("screen")).contains("\x1b[?1049h") {
            assert!(Instant::now() < deadline, "no full screen");
            std::thread::sleep(Duration::from_millis(20));
        }
        // Safety: a signal to the child this test started.
        unsafe { libc::kill(step.id() as libc::pid_t, signal) };
        let code = wait_at_most(&mut step, Duration::from_secs(10)).and_then(|s| s.code());
        assert_eq!(code, Some(status), "signal {signal}");
    }
}

#[test]
fn show_on_a_small_terminal_wraps_the_prose_and_pages_through_the_pager() {
    use std::os::fd::FromRawFd as _;
    let dir = tempfile::tempdir().expect("a temp dir");
    let paged = dir.path().join("paged.txt");
    let size = libc::winsize { ws_row: 20, ws_col: 60, ws_xpixel: 0, ws_ypixel: 0 };
    let (mut master, mut slave) = (0, 0);
    // Safety: openpty writes two descriptors it opened into the two integers given, and reads `size`.
    let opened = unsafe { libc::openpty(&mut master, &mut slave, std::ptr::null_mut(), std::ptr::null(), &size) };
    assert_eq!(opened, 0, "a pseudo-terminal");
    // Safety: each descriptor was just opened and is owned by one File only.
    let (master, slave) = unsafe { (std::fs::File::from_raw_fd(master), std::fs::File::from_raw_fd(slave)) };
    // The pager: a command that keeps what it is given, as `less` would show it.
    let status = racelab()
        .args(["show", "1"])
        .env("PAGER", format!("cat > '{}'", paged.display()))
        .env_remove("NO_COLOR")
        .stdout(slave.try_clone().expect("tty"))
        .stderr(Stdio::null())
        .status()
        .expect("racelab show");
    drop((slave, master));
    assert!(status.success());
    let text = std::fs::read_to_string(&paged).expect("the lesson went through $PAGER");
    assert!(text.lines().count() > 20, "the lesson is taller than the screen");
    // Prose, headings and list items fit the 60 columns (tables and code keep their lines).
    let plain = |line: &str| {
        let mut out = String::new();
        let mut escape = false;
        for c in line.chars() {
            match (escape, c) {
                (false, '\x1b') => escape = true,
                (true, 'm') => escape = false,
                (false, c) if !escape => out.push(c),
                _ => {}
            }
        }
        out
    };
    let prose: Vec<String> =
        text.lines().map(plain).filter(|l| !l.contains('│') && !l.contains('─') && !l.starts_with("    ")).collect();
    let too_wide: Vec<&String> = prose.iter().filter(|l| l.chars().count() > 60).collect();
    assert!(too_wide.is_empty(), "lines wider than the terminal: {too_wide:#?}");
    assert!(prose.iter().any(|l| l.chars().count() > 45), "the prose fills the width");
}

/// An answer that never returns: the exercise target sleeps where it would run it.
const STUCK: &str = "sleep 300";

#[test]
fn a_long_wait_says_so_on_stderr_and_ends_at_its_limit() {
    // A run of your answers that takes 3 s: a line after 2 s, and the answer.
    let slow = "sleep 3\nprintf 'the answer\\n' > \"$RACELAB_YOURS_OUT\"";
    let runs: [&[&str]; 2] =
        [&["run", "1", "--variant", "mutex", "--yours"], &["bench", "1", "--yours", "--threads", "1"]];
    let courses = runs.map(|_| FakeCourse::new(&[(1, slow)]));
    // The checks of `verify`, 3 s long.
    let checks = FakeCourse::new(&[(1, &reporting(1, "solved", "3"))]);
    // The three waits side by side, each in a course of its own: each is 3 s of sleep.
    let (runs, verify) = std::thread::scope(|scope| {
        let verify = scope.spawn(|| checks.racelab(&["verify", "1"]).output().expect("verify"));
        let started: Vec<_> = runs
            .iter()
            .zip(&courses)
            .map(|(&args, course)| (args, scope.spawn(move || course.racelab(args).output().expect("racelab runs"))))
            .collect();
        let runs: Vec<_> = started.into_iter().map(|(args, run)| (args, run.join().expect("a run"))).collect();
        (runs, verify.join().expect("verify"))
    });
    for (args, out) in runs {
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(out.status.success(), "{args:?}: {stderr}");
        assert_eq!(String::from_utf8_lossy(&out.stdout), "the answer\n");
        assert!(
            stderr.contains("… still running your answers: ") && stderr.contains(" s so far (stops at "),
            "{args:?}: {stderr}"
        );
    }
    assert!(verify.status.success());
    let stderr = String::from_utf8_lossy(&verify.stderr);
    assert!(
        stderr.contains("… still checking your answers: ") && stderr.contains(" s so far (stops at 180 s)"),
        "{stderr}"
    );
}

#[test]
fn run_yours_of_a_stuck_process_answer_ends_at_its_limit() {
    // --budget 0.1 and --timeout 0.1: stopped at 0.1 + 2 × 0.1 + 20 s.
    let course = FakeCourse::new(&[(1, STUCK)]);
    let args = ["run", "1", "--variant", "process", "--yours", "--budget", "0.1", "--timeout", "0.1"];
    let out = course.racelab(&args).output().expect("run");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(stderr.lines().last().is_some_and(|l| l.contains("your answers did not finish in 20 s")), "{stderr}");
    assert!(stderr.contains(" s so far (stops at 21 s)"), "{stderr}");
}

#[test]
fn bench_yours_of_a_stuck_answer_ends_at_its_limit() {
    // One thread count, one trial, lab 01's 4 exercises and 2 references: 20 + 3 × 6 s by default.
    let course = FakeCourse::new(&[(1, STUCK)]);
    let args = ["bench", "1", "--yours", "--threads", "1", "--trials", "1", "--timeout", "5"];
    let out = course.racelab(&args).output().expect("bench");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(stderr.lines().last().is_some_and(|l| l.contains("your answers did not finish in 5 s")), "{stderr}");
    assert!(stderr.contains(" s so far (stops at 5 s)"), "{stderr}");
}

#[test]
fn run_yours_says_when_your_answer_ended_the_process() {
    // What an answer that calls `exit(0)` leaves: a successful exit and nothing written.
    let course = FakeCourse::new(&[(1, "exit 0")]);
    let out = course.racelab(&["run", "1", "--variant", "mutex", "--yours"]).output().expect("run");
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(String::from_utf8_lossy(&out.stdout), "");
    let stderr = String::from_utf8_lossy(&out.stderr);
    let last = stderr.lines().last().unwrap_or_default();
    assert!(last.starts_with("error: your answer ended the process before anything was printed"), "{stderr}");
    assert!(!stderr.contains("exit status"), "{stderr}");
}

// ── No verdict without solving: only the run's channel counts, once per exercise ──

#[test]
fn a_verdict_written_anywhere_but_the_runs_own_channel_counts_for_nothing() {
    let lines: Vec<String> = EXERCISES
        .iter()
        .flat_map(|e| {
            [
                // The right descriptor, another token.
                sending(1, e, "solved", "0123456789abcdef0123456789abcdef"),
                // The file the checks used to be named in the environment, stdout and stderr.
                sending(1, e, "solved", "$2").replace(">&$1", ">> \"${RACELAB_VERIFY_OUT:-outcomes.jsonl}\""),
                sending(1, e, "solved", "$2").replace(">&$1", ""),
                sending(1, e, "solved", "$2").replace(">&$1", ">&2"),
            ]
        })
        .collect();
    let course = FakeCourse::new(&[(1, &format!("set -- $RACELAB_VERIFY_CHANNEL\n{}", lines.join("\n")))]);
    let out = course.racelab(&["verify", "1"]).output().expect("verify");
    let text = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(1), "{text}");
    assert!(!text.contains("solved:"), "{text}");
    assert_eq!(text.matches("not judged: the check crashed before reporting a result").count(), 4, "{text}");
    for e in EXERCISES {
        assert_ne!(course.progress().status(1, e), racelab::course::Status::Solved, "{e}");
    }
}

#[test]
fn two_verdicts_for_one_exercise_void_it() {
    let script = format!(
        "set -- $RACELAB_VERIFY_CHANNEL\n{}\n{}\n{}",
        reporting(1, "solved", "0").lines().skip(1).collect::<Vec<_>>().join("\n"),
        sending(1, "mutex", "solved", "$2"),
        sending(1, "atomic", "failing", "$2"),
    );
    let course = FakeCourse::new(&[(1, &script)]);
    let out = course.racelab(&["verify", "1"]).output().expect("verify");
    let text = String::from_utf8_lossy(&out.stdout);
    for e in ["mutex", "atomic"] {
        let line = text.lines().find(|l| l.split_whitespace().nth(1) == Some(e)).unwrap_or_default();
        assert!(line.contains("not judged: 2 verdicts arrived for this one exercise"), "{text}");
        assert_ne!(course.progress().status(1, e), racelab::course::Status::Solved, "{e}");
    }
    assert_eq!(course.progress().status(1, "parking_lot"), racelab::course::Status::Solved, "one verdict counts");
}

#[test]
fn a_solved_for_an_exercise_still_todo_is_not_believed() {
    let course = FakeCourse::new(&[(1, &reporting(1, "solved", "0"))]);
    let shipped = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join(lab_dir(1)).join("exercise.rs");
    std::fs::copy(shipped, course.root().join(lab_dir(1)).join("exercise.rs")).expect("the shipped exercise");
    let out = course.racelab(&["verify", "1"]).output().expect("verify");
    let text = String::from_utf8_lossy(&out.stdout);
    assert_eq!(text.matches("not attempted: still `todo!()` at").count(), 4, "{text}");
    for e in EXERCISES {
        assert_eq!(course.progress().status(1, e), racelab::course::Status::NotAttempted, "{e}");
    }
}

#[test]
fn a_verdict_on_other_code_than_the_file_holds_is_not_judged() {
    // The checks answer for the solution; the file has been edited since (a stale build).
    let course = FakeCourse::new(&[(1, &reporting(1, "solved", "0"))]);
    let file = course.root().join(lab_dir(1)).join("exercise.rs");
    let edited =
        std::fs::read_to_string(&file).expect("exercise").replace("*counter.lock() += 1;", "*counter.lock() += 2;");
    std::fs::write(&file, edited).expect("edited");
    let out = course.racelab(&["verify", "1"]).output().expect("verify");
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("not judged: the checks judged other code than"), "{text}");
    assert_ne!(course.progress().status(1, "parking_lot"), racelab::course::Status::Solved, "{text}");
    assert_eq!(course.progress().status(1, "mutex"), racelab::course::Status::Solved, "mutex's code is unchanged");
}
