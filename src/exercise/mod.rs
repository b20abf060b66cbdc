//! Checking a learner's exercise with the same loom, proptest and real-thread
//! checks as the reference code.
//!
//! Each lab has a suite here (e.g. [`lost_update`]) that takes the learner's
//! functions — compiled for both backends by `tests/exercise_NN.rs` — and
//! returns one [`Outcome`] per exercise: not attempted (still `todo!()`),
//! failing (with the failing schedule of the learner's own code), or solved.
//! The very same suite runs on the reference solution in `tests/lab_NN.rs`.
//!
//! `racelab verify N` runs `cargo test --test exercise_NN` with
//! [`OUT_ENV`] set; every [`Outcome::conclude`] appends one JSON line there,
//! which is how `verify` learns the results without parsing test output.
//!
//! # Examples
//!
//! ```
//! use racelab::course::Status;
//! use racelab::exercise::lost_update::{Learner, check};
//!
//! let outcome = check("atomic", &Learner::solution(None));
//! assert_eq!(outcome.status, Status::Solved);
//! ```

pub mod lost_update;

use crate::check::CheckError;
use crate::course::Status;
use crate::runner::process::WorkerCommand;
use serde::{Deserialize, Serialize};

/// Set by `racelab verify`: the file each outcome is appended to, one JSON line each.
pub const OUT_ENV: &str = "RACELAB_VERIFY_OUT";
/// Set in a worker process started by an exercise check (see [`self_as_worker`]).
pub const WORKER_ENV: &str = "RACELAB_EXERCISE_WORKER";

/// The result of checking one exercise.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq, Eq)]
pub struct Outcome {
    /// Lab number.
    pub lab: u8,
    /// Exercise name (as in `labs/info.toml`).
    pub exercise: String,
    /// Not attempted, failing, or solved.
    pub status: Status,
    /// One line: what passed, or the first thing that failed.
    pub summary: String,
    /// The full report of a failure (a failing schedule, a counterexample).
    pub details: String,
}

impl Outcome {
    /// Records the outcome for `racelab verify` (when asked to) and fails
    /// the calling test unless the exercise is solved.
    #[track_caller]
    pub fn conclude(&self) {
        if let Some(path) = std::env::var_os(OUT_ENV) {
            use std::io::Write as _;
            let line = serde_json::to_string(self).expect("an outcome serialises");
            let file = std::fs::OpenOptions::new().create(true).append(true).open(&path);
            // One short write per line with O_APPEND: parallel tests never interleave.
            if let Err(e) = file.and_then(|mut f| f.write_all(format!("{line}\n").as_bytes())) {
                panic!("cannot record the result in {}: {e}", path.to_string_lossy());
            }
        }
        match self.status {
            Status::Solved => println!("lab {:02} · {}: solved — {}", self.lab, self.exercise, self.summary),
            Status::NotAttempted => panic!(
                "lab {:02} · {}: not attempted yet — {}\n(`racelab hint {}` when you are stuck)",
                self.lab, self.exercise, self.summary, self.lab
            ),
            Status::Failing => panic!("lab {:02} · {}: {}\n\n{}", self.lab, self.exercise, self.summary, self.details),
        }
    }

    fn new(lab: u8, exercise: &str, status: Status, summary: String, details: String) -> Outcome {
        Outcome { lab, exercise: exercise.to_string(), status, summary, details }
    }

    /// The outcome of a loom check that could not give a verdict.
    fn from_check_error(lab: u8, exercise: &str, error: CheckError) -> Outcome {
        let status = match error {
            CheckError::NotAttempted(_) => Status::NotAttempted,
            _ => Status::Failing,
        };
        let summary = match &error {
            CheckError::NotAttempted(at) => format!("still `todo!()`{at}"),
            other => other.to_string(),
        };
        Outcome::new(lab, exercise, status, summary, String::new())
    }
}

/// The exercises of lab `lab` that have checks, in order.
pub fn exercises(lab: u8) -> &'static [&'static str] {
    match lab {
        1 => &lost_update::EXERCISES,
        _ => &[],
    }
}

/// Checks the reference solution of one exercise (the instructor's dev check).
///
/// `worker` starts a worker process running the solution's `worker`.
pub fn check_solution(lab: u8, exercise: &str, worker: Option<WorkerCommand>) -> Option<Outcome> {
    match lab {
        1 => Some(lost_update::check(exercise, &lost_update::Learner::solution(worker))),
        _ => None,
    }
}

/// In a worker process started by an exercise check: the work to do.
///
/// The exercise's process check re-runs its own test binary, filtered to one
/// test, with [`WORKER_ENV`] set and the work as the last argument; that test
/// then calls the learner's `worker` and prints `report <n>` instead of
/// checking anything.
pub fn worker_iters() -> Option<u64> {
    std::env::var_os(WORKER_ENV)?;
    std::env::args().next_back()?.parse().ok()
}

/// How to start this test binary as a worker: only `test_name` runs, in worker mode.
pub fn self_as_worker(test_name: &str) -> Result<WorkerCommand, String> {
    let exe = std::env::current_exe().map_err(|e| format!("cannot find the test binary: {e}"))?;
    Ok(WorkerCommand::new(exe, ["--exact", test_name, "--nocapture", "--quiet", "--test-threads", "1"])
        .env(WORKER_ENV, "1"))
}
