//! The checks for lab 03's exercises: `mutex`, `parking_lot`, `atomic`, `process`.
//!
//! loom at 1×1, 1×2 and 2×1 transfer threads, always with one observer thread
//! (which makes these models much larger than lab 01's); proptest on 1–4 real
//! threads × 0–2 000 transfers with an observer looking up to a million
//! times; for `process`, the learner's worker and owner in real processes.
//!
//! # Examples
//!
//! ```
//! use racelab::course::Status;
//! use racelab::exercise::invariant::{SUITE, solution};
//!
//! let learner = solution(None);
//! assert_eq!(SUITE.check("mutex", &learner).status, Status::Solved);
//! ```

use super::{Learner, Suite};
use crate::labs::{model::invariant as model, real::invariant as real};
use crate::runner::process::WorkerCommand;

/// A learner's answers to lab 03.
pub type Answers = Learner<real::Fixes, model::Fixes>;

/// Lab 03's exercise checks.
pub static SUITE: Suite<real::Fixes, model::Fixes> = Suite {
    lab: 2,
    exercises: &["mutex", "parking_lot", "atomic", "process"],
    sizes: &[(1, 1), (1, 2), (2, 1)],
    max_threads: 4,
    max_iters: 2_000,
    model_run: model::run,
    real_run: real::run,
    combine: |fixes| fixes.combine,
};

/// The reference solution's answers; `worker` starts `racelab worker 3`, when given.
pub fn solution(worker: Option<WorkerCommand>) -> Answers {
    Learner { real: real::Fixes::SOLUTION, model: model::Fixes::SOLUTION, worker }
}
