//! Each exercise judged in a process of its own, under a time limit.
//!
//! A learner's answer can do what no check should have to survive: spin
//! forever, overflow its stack, abort. So `tests/exercise_NN.rs` never judges
//! in its own process: `judge_in_child` starts the same test binary again,
//! filtered to the one test, with [`CHILD_ENV`] naming the exercise. That
//! child sends each stage it enters, then its one outcome (and, time
//! allowing, the catalogued mistakes it resembles), one line each, on a pipe
//! the parent opened for that child alone ([`channel`]): a
//! second outcome voids the verdict, and a line written anywhere else counts
//! for nothing. The parent waits at most
//! [`JUDGE_TIME_LIMIT`] (or `RACELAB_JUDGE_TIME_LIMIT`
//! seconds); a child that does not finish, or dies without an outcome, is
//! reported with the stage it was in, as an *inconclusive* failure.

use super::channel::{self, Channel, JUDGE_CHANNEL, VERIFY_CHANNEL};
use super::outcome::{Outcome, Resemblance, Status};
use std::io::{Read, Seek};
use std::os::unix::process::{CommandExt, ExitStatusExt};
use std::process::{Command, Stdio};
use std::time::Duration;
use wait_timeout::ChildExt;

/// How the stage of a loom case starts (`loom at 2 threads × 1`): a time-out there
/// is told apart from one in the one-thread check.
pub(crate) const LOOM_STAGE: &str = "loom at";

/// Set in the child: the exercise it judges.
pub const CHILD_ENV: &str = "RACELAB_JUDGE_CHILD";
/// How long one exercise's check may take, in its own process, before it is
/// stopped and reported as an endless loop (with the stage it was in).
pub const JUDGE_TIME_LIMIT: Duration = Duration::from_secs(40);

/// Overrides the time limit, in seconds (the tests of the time limit use it).
pub const LIMIT_ENV: &str = "RACELAB_JUDGE_TIME_LIMIT";

/// `true` in the child process that judges `exercise`.
pub fn is_child_for(exercise: &str) -> bool {
    std::env::var_os(JUDGE_CHANNEL).is_some() && std::env::var(CHILD_ENV).is_ok_and(|e| e == exercise)
}

/// Notes the stage the judge enters (only in a judging child).
pub fn stage(what: &str) {
    if std::env::var_os(CHILD_ENV).is_some() {
        channel::send(JUDGE_CHANNEL, &format!("stage\t{what}"));
    }
}

/// Sends the child's verdict to the parent: once per child.
pub fn record_child_outcome(outcome: &Outcome) {
    if let Ok(json) = serde_json::to_string(outcome) {
        channel::send(JUDGE_CHANNEL, &format!("outcome\t{json}"));
    }
}

/// Sends the catalogued mistakes a failing verdict resembles (named after the
/// verdict is sent, time allowing): they name the mistake, never change the verdict.
pub fn record_child_resemblances(resembles: &[Resemblance]) {
    if let Ok(json) = serde_json::to_string(resembles) {
        channel::send(JUDGE_CHANNEL, &format!("named\t{json}"));
    }
}

/// The time limit: `RACELAB_JUDGE_TIME_LIMIT` seconds, else the default.
pub fn time_limit() -> Duration {
    std::env::var(LIMIT_ENV).ok().and_then(|s| s.parse::<u64>().ok()).map_or(JUDGE_TIME_LIMIT, Duration::from_secs)
}

/// Names the environment variable when the limit came from it: a learner's shell that sets
/// it changes the judge, and the time-out must not read as the answer's fault alone.
fn limit_from_env(limit: Duration) -> String {
    match std::env::var(LIMIT_ENV) {
        Ok(value) if limit != JUDGE_TIME_LIMIT && time_limit() == limit => format!(
            " (this limit is {LIMIT_ENV}={value}, set in your environment: unset it for the judge's own {} s)",
            JUDGE_TIME_LIMIT.as_secs()
        ),
        _ => String::new(),
    }
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
    let (Ok(results), Ok(mut stderr)) = (Channel::open(), tempfile::tempfile()) else {
        return inconclusive("cannot open a channel and a temporary file to judge in".to_string(), String::new());
    };
    // This process's own channel to `verify` is closed on exec from here on: the child never inherits it.
    let _ = channel::writer(VERIFY_CHANNEL);
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
        .env("RUST_BACKTRACE", "0")
        .env_remove(VERIFY_CHANNEL)
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
    results.hand_to(&mut command, JUDGE_CHANNEL);
    let mut child = match command.spawn() {
        Ok(child) => child,
        Err(e) => return inconclusive(format!("cannot start the judge: {e}"), String::new()),
    };
    let results = results.listen();
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

    // Every process that held the write end is gone: the pipe ends at once.
    let lines = results.take(Duration::from_secs(2));
    let tagged = |tag: &str| -> Vec<&str> {
        lines.iter().filter_map(|l| l.strip_prefix(tag).and_then(|l| l.strip_prefix('\t'))).collect()
    };
    let last = |tag: &str| tagged(tag).last().map(|l| l.to_string());
    let verdicts = tagged("outcome");
    if verdicts.len() > 1 {
        return inconclusive(
            format!(
                "the check sent {} verdicts for one exercise, where the judge sends one: none counts",
                verdicts.len()
            ),
            String::new(),
        );
    }
    if let Some(mut outcome) = verdicts.first().and_then(|json| serde_json::from_str::<Outcome>(json).ok()) {
        if outcome.exercise != exercise || outcome.lab != lab {
            return inconclusive(
                format!("the check answered for another exercise (`{}`)", outcome.exercise),
                String::new(),
            );
        }
        let named = last("named").and_then(|json| serde_json::from_str::<Vec<Resemblance>>(&json).ok());
        if let Some(named) = named.filter(|_| outcome.status == Status::Failing) {
            outcome.resembles = named;
        }
        return outcome;
    }
    let during = last("stage").map_or_else(String::new, |s| format!(" during {s}"));
    // The learner's call the child was in when it died, if the check named it (`calling`).
    let in_call = last("calling").filter(|c| !c.is_empty());
    let functions_or_call = in_call.as_ref().map_or_else(|| functions.to_string(), |c| format!("`{c}`"));
    if timed_out {
        // Past the one-thread check, an answer is right alone: in loom, what runs out of time is
        // most often a loop that polls (each poll multiplies the interleavings), not a bug.
        let why = if during.starts_with(&format!(" during {LOOM_STAGE} ")) {
            format!(
                "it was right on one thread; loom explores every interleaving, and a loop that polls (`try_lock`, \
                 `try_recv`, `is_empty` or a flag, tried again and again) multiplies them past what it can finish in \
                 time — if yours polls, wait instead (`lock()`, `recv()`) to have it judged; if it waits for something \
                 only another thread does, {functions} may loop for ever in some order"
            )
        } else {
            format!("is there an endless loop in {functions_or_call}, or in a function it calls?")
        };
        return inconclusive(
            format!("the check did not finish in {} s{during}: {why}{}", limit.as_secs(), limit_from_env(limit)),
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
            summary: format!(
                "the stack overflowed{during}: deep recursion in {functions_or_call}? count with a loop instead"
            ),
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
                "out of memory{during}: {functions_or_call} asked for {:.1} GiB at once and the allocation \
                 failed — size what you allocate by what the call needs at once, not by the largest number it \
                 may be given (inputs reach 2^64 − 1), or grow it as you go",
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
