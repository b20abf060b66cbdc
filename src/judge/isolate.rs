//! Each exercise judged in a process of its own, under a time limit.
//!
//! A learner's answer can do what no check should have to survive: spin
//! forever, overflow its stack, abort. So `tests/exercise_NN.rs` never judges
//! in its own process: [`judge_in_child`] starts the same test binary again,
//! filtered to the one test, with [`CHILD_ENV`] naming the exercise. That
//! child writes each stage it enters and then its outcome, one line each, to
//! the file named by [`RESULT_ENV`]. The parent waits at most
//! [`JUDGE_TIME_LIMIT`] (or `RACELAB_JUDGE_TIME_LIMIT`
//! seconds); a child that does not finish, or dies without an outcome, is
//! reported with the stage it was in, as an *inconclusive* failure.

use super::outcome::{OUT_ENV, Outcome, Status};
use std::io::{Read, Seek, Write};
use std::os::unix::process::{CommandExt, ExitStatusExt};
use std::path::PathBuf;
use std::process::{Command, Stdio};
use std::time::Duration;
use wait_timeout::ChildExt;

/// Set in the child: the exercise it judges.
pub const CHILD_ENV: &str = "RACELAB_JUDGE_CHILD";
/// Set in the child: the file it writes its stages and outcome to.
pub const RESULT_ENV: &str = "RACELAB_JUDGE_RESULT";
/// How long one exercise's check may take, in its own process, before it is
/// stopped and reported as an endless loop (with the stage it was in).
pub const JUDGE_TIME_LIMIT: Duration = Duration::from_secs(40);

/// Overrides the time limit, in seconds (the tests of the time limit use it).
pub const LIMIT_ENV: &str = "RACELAB_JUDGE_TIME_LIMIT";

/// `true` in the child process that judges `exercise`.
pub fn is_child_for(exercise: &str) -> bool {
    std::env::var_os(RESULT_ENV).is_some() && std::env::var(CHILD_ENV).is_ok_and(|e| e == exercise)
}

fn append(line: &str) {
    let Some(path) = std::env::var_os(RESULT_ENV) else { return };
    if let Ok(mut file) = std::fs::OpenOptions::new().create(true).append(true).open(path) {
        let _ = file.write_all(format!("{line}\n").as_bytes());
    }
}

/// Notes the stage the judge enters (only in a judging child).
pub fn stage(what: &str) {
    if std::env::var_os(CHILD_ENV).is_some() {
        append(&format!("stage\t{what}"));
    }
}

/// Writes the child's outcome for the parent.
pub fn record_child_outcome(outcome: &Outcome) {
    if let Ok(json) = serde_json::to_string(outcome) {
        append(&format!("outcome\t{json}"));
    }
}

/// The time limit: `RACELAB_JUDGE_TIME_LIMIT` seconds, else the default.
pub fn time_limit() -> Duration {
    std::env::var(LIMIT_ENV).ok().and_then(|s| s.parse::<u64>().ok()).map_or(JUDGE_TIME_LIMIT, Duration::from_secs)
}

/// Judges `exercise` of lab `lab` in a child process (the test `test_name` of
/// this test binary); `functions` names the learner's functions for messages.
pub(crate) fn judge_in_child(lab: u8, exercise: &str, test_name: &str, functions: &str, limit: Duration) -> Outcome {
    let inconclusive = |summary: String, details: String| Outcome {
        lab,
        exercise: exercise.to_string(),
        status: Status::Failing,
        summary,
        details,
        inconclusive: true,
        ..Outcome::default()
    };
    let files = (tempfile::NamedTempFile::new(), tempfile::tempfile());
    let (Ok(results), Ok(mut stderr)) = files else {
        return inconclusive("cannot create a temporary file to judge in".to_string(), String::new());
    };
    let exe = match std::env::current_exe() {
        Ok(exe) => exe,
        Err(e) => return inconclusive(format!("cannot find the test binary: {e}"), String::new()),
    };
    let stderr_for_child = match stderr.try_clone() {
        Ok(file) => file,
        Err(e) => return inconclusive(format!("cannot set up the judge's output: {e}"), String::new()),
    };
    let mut command = Command::new(exe);
    command
        .args([test_name, "--exact", "--quiet", "--test-threads", "1"])
        .env(CHILD_ENV, exercise)
        .env(RESULT_ENV, results.path())
        .env("RUST_BACKTRACE", "0")
        .env_remove(OUT_ENV)
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::from(stderr_for_child))
        // Its own group, so a time-out kills it with every worker it started.
        .process_group(0);
    // Safety: `prctl` is async-signal-safe; the child asks to be killed when
    // the thread that started it dies, so an interrupted parent leaves no judge behind.
    unsafe {
        command.pre_exec(|| {
            libc::prctl(libc::PR_SET_PDEATHSIG, libc::SIGKILL);
            Ok(())
        });
    }
    let mut child = match command.spawn() {
        Ok(child) => child,
        Err(e) => return inconclusive(format!("cannot start the judge: {e}"), String::new()),
    };
    let status = child.wait_timeout(limit);
    let timed_out = !matches!(status, Ok(Some(_)));
    if timed_out {
        // Safety: killpg only sends a signal, to the group this child leads.
        unsafe {
            libc::killpg(child.id() as libc::pid_t, libc::SIGKILL);
        }
        let _ = child.wait();
    } else {
        // Workers the child left behind, if any.
        // Safety: as above.
        unsafe {
            libc::killpg(child.id() as libc::pid_t, libc::SIGKILL);
        }
    }

    let text = std::fs::read_to_string(results.path()).unwrap_or_default();
    let last = |tag: &str| {
        text.lines().rev().find_map(|l| l.strip_prefix(tag).and_then(|l| l.strip_prefix('\t'))).map(str::to_string)
    };
    if let Some(outcome) = last("outcome").and_then(|json| serde_json::from_str::<Outcome>(&json).ok()) {
        return outcome;
    }
    let during = last("stage").map_or_else(String::new, |s| format!(" during {s}"));
    if timed_out {
        return inconclusive(
            format!(
                "the check did not finish in {} s{during}: is there an endless loop in {functions}, or in a function it calls?",
                limit.as_secs()
            ),
            String::new(),
        );
    }
    let mut output = String::new();
    let _ = stderr.rewind();
    let _ = stderr.read_to_string(&mut output);
    let tail: Vec<&str> = output.lines().filter(|l| !l.trim().is_empty()).collect();
    let tail = tail[tail.len().saturating_sub(8)..].join("\n");
    if output.contains("has overflowed its stack") {
        // A learner's deep recursion is a verdict, not an accident of the machine.
        return Outcome {
            lab,
            exercise: exercise.to_string(),
            status: Status::Failing,
            summary: format!("the stack overflowed{during}: deep recursion in {functions}? count with a loop instead"),
            details: tail,
            inconclusive: false,
            ..Outcome::default()
        };
    }
    if let Some(line) = output.lines().find(|l| l.starts_with("memory allocation of") && l.ends_with("failed")) {
        // An allocation the learner's code asked for and no machine can give: a verdict too.
        let bytes = line.split_whitespace().nth(3).and_then(|n| n.parse::<u64>().ok()).unwrap_or(0);
        return Outcome {
            lab,
            exercise: exercise.to_string(),
            status: Status::Failing,
            summary: format!(
                "out of memory{during}: {functions} asked for {:.1} GiB at once and the allocation failed — the \
                 exercise needs a few counters, not a buffer per step",
                bytes as f64 / f64::from(1 << 30)
            ),
            details: String::new(),
            inconclusive: false,
            ..Outcome::default()
        };
    }
    let how = match status {
        Ok(Some(s)) => match s.signal() {
            Some(libc::SIGABRT) => "aborted (SIGABRT)".to_string(),
            Some(libc::SIGSEGV) => "crashed (SIGSEGV: a stack overflow?)".to_string(),
            Some(signal) => format!("was killed by signal {signal}"),
            None => format!("exited with {s}"),
        },
        _ => "could not be waited for".to_string(),
    };
    inconclusive(format!("the check {how}{during}, before giving a verdict"), tail)
}

/// The path of a judging child's result file (for tests).
pub fn result_path() -> Option<PathBuf> {
    std::env::var_os(RESULT_ENV).map(PathBuf::from)
}
