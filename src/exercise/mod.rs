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
//! use racelab::exercise::lost_update::{SUITE, solution};
//!
//! let outcome = SUITE.check("atomic", &solution(None));
//! assert_eq!(outcome.status, Status::Solved);
//! ```

pub mod check_then_act;
pub mod invariant;
pub mod lost_update;

use crate::check::{CheckError, FailureKind, Model, explore_body};
use crate::course::Status;
use crate::runner::process::{WorkerCommand, run_workers};
use proptest::prelude::*;
use proptest::test_runner::{Config, TestRunner};
use serde::{Deserialize, Serialize};
use std::time::Duration;

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
    /// `true` when no verdict was reached (the check crashed, timed out or was
    /// interrupted): such an outcome must never downgrade an earned "solved".
    #[serde(default)]
    pub inconclusive: bool,
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
        Outcome { lab, exercise: exercise.to_string(), status, summary, details, inconclusive: false }
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
        1 => lost_update::SUITE.exercises,
        2 => check_then_act::SUITE.exercises,
        3 => invariant::SUITE.exercises,
        _ => &[],
    }
}

/// Checks the reference solution of one exercise (the instructor's dev check).
///
/// `worker` starts a worker process running the solution's `worker`.
pub fn check_solution(lab: u8, exercise: &str, worker: Option<WorkerCommand>) -> Option<Outcome> {
    match lab {
        1 => Some(lost_update::SUITE.check(exercise, &lost_update::solution(worker))),
        2 => Some(check_then_act::SUITE.check(exercise, &check_then_act::solution(worker))),
        3 => Some(invariant::SUITE.check(exercise, &invariant::solution(worker))),
        _ => None,
    }
}

/// A learner's answers to one lab, compiled for both backends.
///
/// `R` and `M` are the lab's `Fixes` type on the real and the model backend.
#[derive(Clone, Debug)]
pub struct Learner<R, M> {
    /// The functions on real threads.
    pub real: R,
    /// The same functions inside loom's model.
    pub model: M,
    /// How to start a worker process running the learner's worker (the `process` exercise).
    pub worker: Option<WorkerCommand>,
}

/// How a parent combines its workers' reports.
pub type Combine = fn(&[u64]) -> u64;

/// How one lab's exercises are checked: the same checks as its reference fixes.
///
/// 1. **loom**, every interleaving at each of `sizes`: every execution must
///    end with the lab's expected value;
/// 2. **proptest on real threads**: exact for any 1..=`max_threads` threads ×
///    0..=`max_iters` steps;
/// 3. for `process`, **real OS processes** running the learner's worker, and
///    the learner's `combine` in the parent.
///
/// loom runs first: it is the only check that can prove a fix, and a fix
/// that passes it cannot deadlock the real-thread checks that follow.
#[derive(Debug)]
pub struct Suite<R: 'static, M: 'static> {
    /// The lab's index in [`crate::labs::LABS`].
    pub lab: usize,
    /// The exercises, in order; each is checked through the lab variant of the same name.
    pub exercises: &'static [&'static str],
    /// The sizes loom checks at.
    pub sizes: &'static [(usize, u64)],
    /// Largest thread count of the real-thread property.
    pub max_threads: usize,
    /// Largest step count of the real-thread property.
    pub max_iters: u64,
    /// Runs a variant with given fixes inside loom's model.
    pub model_run: fn(&str, &M, usize, u64) -> Option<u64>,
    /// Runs a variant with given fixes on real threads.
    pub real_run: fn(&str, &R, usize, u64) -> Option<u64>,
    /// The fixes' `combine` (the parent's half of the process fix).
    pub combine: fn(&R) -> Combine,
}

impl<R, M> Suite<R, M>
where
    R: Copy + std::panic::RefUnwindSafe + 'static,
    M: Copy + Send + Sync + 'static,
{
    fn lab(&self) -> &'static crate::labs::Lab {
        &crate::labs::LABS[self.lab]
    }

    fn sizes_text(&self) -> String {
        self.sizes.iter().map(|(t, k)| format!("{t}×{k}")).collect::<Vec<_>>().join(", ")
    }

    /// Checks one exercise.
    pub fn check(&self, exercise: &str, learner: &Learner<R, M>) -> Outcome {
        let number = self.lab().number;
        let Some(variant) = self.exercises.iter().copied().find(|e| *e == exercise) else {
            let summary =
                format!("no exercise `{exercise}` in lab {number}; its exercises: {}", self.exercises.join(", "));
            return Outcome::new(number, exercise, Status::Failing, summary, String::new());
        };
        if let Err(outcome) = self.with_loom(variant, learner.model) {
            return outcome;
        }
        if let Err(counterexample) = self.on_real_threads(variant, learner.real) {
            return Outcome::new(number, exercise, Status::Failing, counterexample, String::new());
        }
        let mut summary =
            format!("exact in every interleaving (loom: {}) and on real threads (proptest)", self.sizes_text());
        if variant == "process" {
            let Some(worker) = &learner.worker else {
                let summary = "cannot start worker processes to check the worker for real".to_string();
                return Outcome::new(number, exercise, Status::Failing, summary, String::new());
            };
            if let Err(error) = self.in_real_processes(worker, learner.real) {
                return Outcome::new(number, exercise, Status::Failing, error, String::new());
            }
            summary.push_str(" and real processes");
        }
        Outcome::new(number, exercise, Status::Solved, summary, String::new())
    }

    fn with_loom(&self, variant: &'static str, fixes: M) -> Result<(), Outcome> {
        let number = self.lab().number;
        let run = self.model_run;
        for &(threads, iters) in self.sizes {
            let mut config = Model::new(self.lab(), variant, threads, iters);
            config.time_budget = Duration::from_secs(30);
            let report = explore_body(&config, move || run(variant, &fixes, threads, iters).unwrap_or(u64::MAX))
                .map_err(|e| Outcome::from_check_error(number, variant, e))?;
            if let Some(failure) = &report.failure {
                let what = match failure.kind {
                    FailureKind::WrongValue => "an interleaving that ends wrong",
                    FailureKind::Deadlock => "a deadlock",
                    FailureKind::DataRace => "a data race",
                    FailureKind::Panic => "a panic",
                };
                let summary = format!("loom found {what} ({threads} threads × {iters}: {})", failure.message);
                return Err(Outcome::new(number, variant, Status::Failing, summary, report.render()));
            }
        }
        Ok(())
    }

    fn on_real_threads(&self, variant: &'static str, fixes: R) -> Result<(), String> {
        let (run, expected) = (self.real_run, self.lab().expected);
        let mut runner = TestRunner::new(Config { cases: 32, failure_persistence: None, ..Config::default() });
        let result = runner.run(&(1usize..=self.max_threads, 0u64..=self.max_iters), |(threads, iters)| {
            let (got, want) = (run(variant, &fixes, threads, iters).unwrap_or(u64::MAX), expected(threads, iters));
            if got == want {
                Ok(())
            } else {
                Err(TestCaseError::fail(format!("{threads} threads × {iters} gave {got}, expected {want}")))
            }
        });
        result.map_err(|e| one_line("on real threads", e))
    }

    fn in_real_processes(&self, worker: &WorkerCommand, fixes: R) -> Result<(), String> {
        let (lab, combine) = (self.lab(), (self.combine)(&fixes));
        let mut runner = TestRunner::new(Config { cases: 8, failure_persistence: None, ..Config::default() });
        let result = runner.run(&(1usize..=4, 0u64..=self.max_iters), |(workers, iters)| {
            let reports = run_workers(worker, &(lab.jobs)(workers, iters), Duration::from_secs(60))
                .map_err(|e| TestCaseError::fail(e.to_string()))?;
            let (got, want) = (combine(&reports), (lab.expected)(workers, iters));
            if got == want {
                Ok(())
            } else {
                Err(TestCaseError::fail(format!("{workers} worker processes × {iters} gave {got}, expected {want}")))
            }
        });
        result.map_err(|e| one_line("in real worker processes", e))
    }
}

/// A proptest failure as one line: where, the smallest failing case, what went wrong.
fn one_line<T: std::fmt::Debug>(place: &str, error: proptest::test_runner::TestError<T>) -> String {
    use proptest::test_runner::TestError;
    let why = match error {
        TestError::Fail(reason, _) => format!("{reason} (the smallest failing case proptest found)"),
        TestError::Abort(reason) => format!("the property was abandoned: {reason}"),
    };
    let why = why.lines().map(str::trim).filter(|l| !l.is_empty()).collect::<Vec<_>>().join(" ");
    format!("{place}: {why}")
}

/// The fixed arguments [`self_as_worker`] passes before the job's numbers.
const WORKER_ARGS: [&str; 6] = ["--exact", "", "--nocapture", "--quiet", "--test-threads", "1"];

/// In a worker process started by an exercise check: the job to do.
///
/// The exercise's process check re-runs its own test binary, filtered to one
/// test, with [`WORKER_ENV`] set and the job's numbers as the last arguments;
/// that test then calls the learner's worker and prints `report <n>` instead
/// of checking anything.
pub fn worker_job() -> Option<Vec<u64>> {
    std::env::var_os(WORKER_ENV)?;
    std::env::args().skip(1 + WORKER_ARGS.len()).map(|a| a.parse().ok()).collect()
}

/// How to start this test binary as a worker: only `test_name` runs, in worker mode.
pub fn self_as_worker(test_name: &str) -> Result<WorkerCommand, String> {
    let exe = std::env::current_exe().map_err(|e| format!("cannot find the test binary: {e}"))?;
    let mut args = WORKER_ARGS;
    args[1] = test_name;
    Ok(WorkerCommand::new(exe, args).env(WORKER_ENV, "1"))
}
