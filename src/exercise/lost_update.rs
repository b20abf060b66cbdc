//! The checks for lab 01's exercises: `mutex`, `parking_lot`, `atomic`, `process`.
//!
//! loom at 2×1, 2×2 and 3×1; proptest on 1–8 real threads × 0–5 000
//! increments; for `process`, the learner's `worker` in real processes.
//!
//! # Examples
//!
//! ```
//! use racelab::course::Status;
//! use racelab::exercise::lost_update::{SUITE, solution};
//!
//! // The reference fixes pass; a "fix" that is still the racy code does not.
//! let mut learner = solution(None);
//! assert_eq!(SUITE.check("mutex", &learner).status, Status::Solved);
//! learner.model.atomic = racelab::labs::model::lost_update::racy_increment;
//! assert_eq!(SUITE.check("atomic", &learner).status, Status::Failing);
//! ```

use super::{Learner, Suite};
use crate::labs::{model::lost_update as model, real::lost_update as real};
use crate::runner::process::WorkerCommand;

/// A learner's answers to lab 01.
pub type Answers = Learner<real::Fixes, model::Fixes>;

/// Lab 01's exercise checks.
pub static SUITE: Suite<real::Fixes, model::Fixes> = Suite {
    lab: 0,
    exercises: &["mutex", "parking_lot", "atomic", "process"],
    sizes: &[(2, 1), (2, 2), (3, 1)],
    max_threads: 8,
    max_iters: 5_000,
    model_run: model::run,
    real_run: real::run,
    combine: |fixes| fixes.combine,
};

/// The reference solution's answers; `worker` starts `racelab worker 1`, when given.
pub fn solution(worker: Option<WorkerCommand>) -> Answers {
    Learner { real: real::Fixes::SOLUTION, model: model::Fixes::SOLUTION, worker }
}
