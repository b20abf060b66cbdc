//! The checks for lab 02's exercises: `mutex`, `parking_lot`, `atomic`, `process`.
//!
//! loom at 2×1, 2×2 and 3×1 (capacity one less than the demand, so every
//! check races for the last ticket); proptest on 1–8 real threads × 0–500
//! attempts; for `process`, the learner's `worker` in real processes.
//!
//! # Examples
//!
//! ```
//! use racelab::course::Status;
//! use racelab::exercise::check_then_act::{SUITE, solution};
//!
//! let mut learner = solution(None);
//! assert_eq!(SUITE.check("atomic", &learner).status, Status::Solved);
//! learner.model.atomic = racelab::labs::model::check_then_act::racy_buy;
//! assert_eq!(SUITE.check("atomic", &learner).status, Status::Failing);
//! ```

use super::{Learner, Suite};
use crate::labs::{model::check_then_act as model, real::check_then_act as real};
use crate::runner::process::WorkerCommand;

/// A learner's answers to lab 02.
pub type Answers = Learner<real::Fixes, model::Fixes>;

/// Lab 02's exercise checks.
pub static SUITE: Suite<real::Fixes, model::Fixes> = Suite {
    lab: 1,
    exercises: &["mutex", "parking_lot", "atomic", "process"],
    sizes: &[(2, 1), (2, 2), (3, 1)],
    max_threads: 8,
    // Each racy attempt yields the CPU on real threads; keep the property quick.
    max_iters: 500,
    model_run: model::run,
    real_run: real::run,
    combine: |fixes| fixes.combine,
};

/// The reference solution's answers; `worker` starts `racelab worker 2`, when given.
pub fn solution(worker: Option<WorkerCommand>) -> Answers {
    Learner { real: real::Fixes::SOLUTION, model: model::Fixes::SOLUTION, worker }
}
