//! The checks for lab 01's exercises: `mutex`, `parking_lot`, `atomic`, `process`.
//!
//! Each exercise is checked as the reference fix is:
//!
//! 1. **loom**, every interleaving at 2×1, 2×2 and 3×1: every execution must
//!    end with exactly threads × iterations;
//! 2. **proptest on real threads**: exact for any 1–8 threads × 0–5 000 increments;
//! 3. for `process`, **real OS processes**: the learner's `worker` in separate
//!    processes, the learner's `combine` in the parent, for any partition of
//!    the work among 1–4 workers.
//!
//! loom runs first: it is the only check that can prove a fix, and a fix that
//! passes it cannot deadlock the real-thread checks that follow.
//!
//! # Examples
//!
//! ```
//! use racelab::course::Status;
//! use racelab::exercise::lost_update::{Learner, check};
//!
//! // The reference fixes pass; a "fix" that is still the racy code does not.
//! let mut learner = Learner::solution(None);
//! assert_eq!(check("mutex", &learner).status, Status::Solved);
//! learner.model.atomic = racelab::labs::model::lost_update::racy_increment;
//! assert_eq!(check("atomic", &learner).status, Status::Failing);
//! ```

use super::Outcome;
use crate::check::{FailureKind, Model, explore_body};
use crate::course::Status;
use crate::labs::{self, Lab, model::lost_update as model, real::lost_update as real};
use crate::runner::process::{WorkerCommand, run_workers};
use proptest::prelude::*;
use proptest::test_runner::{Config, TestRunner};
use std::time::Duration;

/// The exercises, in order.
pub const EXERCISES: [&str; 4] = ["mutex", "parking_lot", "atomic", "process"];

/// The sizes loom checks a fix at.
pub const SIZES: [(usize, u64); 3] = [(2, 1), (2, 2), (3, 1)];

/// A learner's answers, compiled for both backends.
#[derive(Clone, Debug)]
pub struct Learner {
    /// The functions on real threads.
    pub real: real::Fixes,
    /// The same functions inside loom's model.
    pub model: model::Fixes,
    /// How to start a worker process running the learner's `worker` (the `process` exercise).
    pub worker: Option<WorkerCommand>,
}

impl Learner {
    /// The reference solution; `worker` starts `racelab worker 1`, when given.
    pub fn solution(worker: Option<WorkerCommand>) -> Learner {
        Learner { real: real::Fixes::SOLUTION, model: model::Fixes::SOLUTION, worker }
    }
}

fn lab() -> &'static Lab {
    &labs::LABS[0]
}

/// Checks one exercise.
pub fn check(exercise: &str, learner: &Learner) -> Outcome {
    let number = lab().number;
    // Each exercise is checked through the lab variant of the same name.
    let Some(variant) = EXERCISES.iter().copied().find(|e| *e == exercise) else {
        let summary = format!("no exercise `{exercise}` in lab {number}; its exercises: {}", EXERCISES.join(", "));
        return Outcome::new(number, exercise, Status::Failing, summary, String::new());
    };
    if let Err(outcome) = check_with_loom(variant, learner) {
        return outcome;
    }
    if let Err(counterexample) = check_on_real_threads(variant, learner) {
        return Outcome::new(number, exercise, Status::Failing, counterexample, String::new());
    }
    if exercise == "process" {
        match &learner.worker {
            Some(worker) => {
                if let Err(error) = check_in_real_processes(worker, learner) {
                    return Outcome::new(number, exercise, Status::Failing, error, String::new());
                }
            }
            None => {
                let summary = "cannot start worker processes to check `worker` for real".to_string();
                return Outcome::new(number, exercise, Status::Failing, summary, String::new());
            }
        }
    }
    let mut summary = "exact in every interleaving (loom: 2×1, 2×2, 3×1) and on real threads (proptest)".to_string();
    if exercise == "process" {
        summary.push_str(" and real processes");
    }
    Outcome::new(number, exercise, Status::Solved, summary, String::new())
}

fn check_with_loom(variant: &'static str, learner: &Learner) -> Result<(), Outcome> {
    let number = lab().number;
    let fixes = learner.model;
    for (threads, iters) in SIZES {
        let mut config = Model::new(lab(), variant, threads, iters);
        config.time_budget = Duration::from_secs(30);
        let report = explore_body(&config, move || model::run(variant, &fixes, threads, iters).unwrap_or(u64::MAX))
            .map_err(|e| Outcome::from_check_error(number, variant, e))?;
        if let Some(failure) = &report.failure {
            let what = match failure.kind {
                FailureKind::WrongValue => "an interleaving that loses an update",
                FailureKind::Deadlock => "a deadlock",
                FailureKind::DataRace => "a data race",
                FailureKind::Panic => "a panic",
            };
            let summary = format!("loom found {what} ({threads} threads × {iters})");
            return Err(Outcome::new(number, variant, Status::Failing, summary, report.render()));
        }
    }
    Ok(())
}

fn check_on_real_threads(variant: &'static str, learner: &Learner) -> Result<(), String> {
    let fixes = learner.real;
    let mut runner = TestRunner::new(Config { cases: 32, failure_persistence: None, ..Config::default() });
    runner
        .run(&(1usize..=8, 0u64..=5_000), |(threads, iters)| {
            let got = real::run(variant, &fixes, threads, iters).unwrap_or(u64::MAX);
            prop_assert_eq!(got, threads as u64 * iters, "{} threads × {} increments", threads, iters);
            Ok(())
        })
        .map_err(|e| format!("on real threads (proptest, smallest failing case): {e}"))
}

fn check_in_real_processes(worker: &WorkerCommand, learner: &Learner) -> Result<(), String> {
    let combine = learner.real.combine;
    let mut runner = TestRunner::new(Config { cases: 8, failure_persistence: None, ..Config::default() });
    runner
        .run(&prop::collection::vec(0u64..=20_000, 1..=4), |work| {
            let reports =
                run_workers(worker, &work, Duration::from_secs(60)).map_err(|e| TestCaseError::fail(e.to_string()))?;
            prop_assert_eq!(&reports, &work, "each worker reports exactly its own count");
            prop_assert_eq!(combine(&reports), work.iter().sum::<u64>(), "the parent's total");
            Ok(())
        })
        .map_err(|e| format!("in real worker processes (proptest): {e}"))
}
