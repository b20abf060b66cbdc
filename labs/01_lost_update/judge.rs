//! The judge of lab 01's exercises: `mutex`, `parking_lot`, `atomic`, `process`.
//!
//! * sequential: each increment called twice on counts of 0 and 41 must add
//!   exactly 2; `worker(k)` must return `k`; `combine` must add unequal reports;
//! * loom at 2×1, 2×2 and (`atomic`) 3×1 (every final count exact), and the process fix
//!   as isolated workers with unequal jobs (`[0] [2]`, `[3] [1] [2]`);
//! * 150 trials on 1–8 real threads × 0–3 000 increments;
//! * for `process`, the learner's `worker` in real processes with unequal jobs.
//!
//! # Examples
//!
//! ```
//! use racelab::judge::Status;
//! use racelab::judge::{Judge as _, Spec as _};
//! use racelab::labs::lost_update::LAB;
//!
//! // The reference fixes pass; a "fix" that is still the racy code does not.
//! let mut learner = LAB.solution(None);
//! assert_eq!(LAB.check("mutex", &learner).status, Status::Solved);
//! learner.model.atomic = racelab::labs::lost_update::model::racy_increment;
//! assert_eq!(LAB.check("atomic", &learner).status, Status::Failing);
//! ```

use crate::judge::contention::*;
use crate::judge::sequential::*;
use crate::judge::{Exercise, Learner, Spec};
use super::{LAB, LostUpdate, model, real};
use crate::lab::{Case, State};
use crate::sync::model::{Mutex, atomic::AtomicU64, atomic::Ordering::Relaxed, parking_lot};

/// A learner's answers to lab 01.
pub type Answers = Learner<real::Fixes, model::Fixes>;

impl Spec for LostUpdate {
    crate::spec_plumbing!();

    fn exercises(&self) -> &'static [Exercise] {
        EXERCISES
    }

    fn cases(&self, exercise: &str) -> Vec<Case> {
        cases(exercise)
    }

    fn real_case(&self, exercise: &str, trial: u32) -> Case {
        real_case(exercise, trial)
    }

    fn sequential(&self, exercise: &str, real: &real::Fixes, model: &model::Fixes) -> Result<(), Sequential> {
        sequential(exercise, real, model)?;
        match exercise {
            "mutex" => locked_increment_rivalled_at_every_call("mutex_increment", model.mutex),
            "parking_lot" => locked_increment_rivalled_at_every_call("parking_lot_increment", model.parking_lot),
            "atomic" => increment_rivalled_at_every_call("atomic_increment", model.atomic),
            _ => Ok(()),
        }
    }

    fn beyond_loom(&self, exercise: &str, model: &model::Fixes) -> Result<(), Sequential> {
        match exercise {
            "mutex" => increment_between_lockings("mutex_increment", model.mutex),
            "parking_lot" => increment_between_lockings("parking_lot_increment", model.parking_lot),
            "atomic" => increment_beyond_loom("atomic_increment", model.atomic, crate::judge::values::shared_counts()),
            _ => Ok(()),
        }
    }

    fn held_for_real(&self, exercise: &str, real: &real::Fixes) -> Result<(), String> {
        held_for_real(exercise, real)
    }

    fn combine(&self, fixes: &real::Fixes, reports: &[u64]) -> State {
        State::count((fixes.combine)(reports))
    }

    fn report(&self, fixes: &real::Fixes, job: &[u64]) -> Option<u64> {
        let arg = |i: usize| job.get(i).copied().unwrap_or(0);
        Some((fixes.worker)(arg(0)))
    }
}

/// The exercises and the functions each asks for.
const EXERCISES: &[Exercise] = &[
    Exercise { name: "mutex", functions: &["mutex_increment"] },
    Exercise { name: "parking_lot", functions: &["parking_lot_increment"] },
    Exercise { name: "atomic", functions: &["atomic_increment"] },
    Exercise { name: "process", functions: &["worker", "combine"] },
];



fn cases(exercise: &str) -> Vec<Case> {
    let mut cases = match exercise {
        "process" => return vec![Case::workers(vec![vec![0], vec![2]]), Case::workers(vec![vec![3], vec![1], vec![2]])],
        // Lock answers at 2×1 and 2×2 only: a thread that finds the lock busy in
        // `try_lock` yields, which multiplies loom's search at three threads, and two
        // threads already show every `try_lock` mistake.
        "mutex" | "parking_lot" => vec![Case::new(2, 1), Case::new(2, 2)],
        _ => vec![Case::new(2, 1), Case::new(2, 2), Case::new(3, 1)],
    };
    // From large counts too: a shortcut taken only there (`if seen > 30_000`) races there.
    cases.extend(crate::judge::values::large_starts());
    cases
}

fn real_case(_exercise: &str, trial: u32) -> Case {
    const ITERS: [u64; 6] = [0, 1, 7, 100, 1_000, 3_000];
    Case::new(1 + (trial % 8) as usize, ITERS[(trial % 6) as usize])
}

fn sequential(exercise: &str, real: &real::Fixes, model: &model::Fixes) -> Result<(), Sequential> {
    let f = *model;
    match exercise {
        "mutex" => once_in_model(move || {
            for start in crate::judge::values::shared_counts() {
                let counter = Mutex::new(start);
                (f.mutex)(&counter);
                (f.mutex)(&counter);
                counted_twice("mutex_increment", start, *counter.lock().map_err(|_| "the mutex is poisoned")?)?;
            }
            let counter = Mutex::new(0);
            with_lock_held_elsewhere("mutex_increment", || {
                (f.mutex)(&counter);
                Ok(())
            })?;
            expect_that(
                "when another thread held the lock for a while, after one call of `mutex_increment` the count is",
                *counter.lock().map_err(|_| "the mutex is poisoned")?,
                1,
            )
        }),
        "parking_lot" => once_in_model(move || {
            for start in crate::judge::values::shared_counts() {
                let counter = parking_lot::Mutex::new(start);
                (f.parking_lot)(&counter);
                (f.parking_lot)(&counter);
                counted_twice("parking_lot_increment", start, *counter.lock())?;
            }
            let counter = parking_lot::Mutex::new(0);
            with_lock_held_elsewhere("parking_lot_increment", || {
                (f.parking_lot)(&counter);
                Ok(())
            })?;
            expect_that(
                "when another thread held the lock for a while, after one call of `parking_lot_increment` the count is",
                *counter.lock(),
                1,
            )
        }),
        "atomic" => once_in_model(move || {
            for start in crate::judge::values::shared_counts() {
                let counter = AtomicU64::new(start);
                (f.atomic)(&counter);
                (f.atomic)(&counter);
                counted_twice("atomic_increment", start, counter.load(Relaxed))?;
            }
            // Contended: other threads increment between this thread's read and its exchange.
            let counter = AtomicU64::new(0);
            lost_races("atomic_increment", || {
                (f.atomic)(&counter);
                counter.load(Relaxed)
            })
        }),
        _ => check_counting_worker(real.worker, real.combine, MAX_JOB, crate::runner::MAX_TOTAL),
    }
}

/// After one increment of a count of 0 on a real thread.
fn one_more(count: u64) -> Result<(), String> {
    expect_that("after one call the count is", count, 1)
}

/// The check with the lock held by a real thread for a while (see
/// [`with_lock_held_for_real`]): run after loom, for the lock exercises.
fn held_for_real(exercise: &str, real: &real::Fixes) -> Result<(), String> {
    match exercise {
        "mutex" => {
            let increment = real.mutex;
            real_mutex_held("mutex_increment", 0, increment, |&count, ()| one_more(count))
        }
        "parking_lot" => {
            let increment = real.parking_lot;
            real_parking_lot_held("parking_lot_increment", 0, increment, |&count, ()| one_more(count))
        }
        _ => Ok(()),
    }
}


/// The largest job a worker is given: a real run counts up to this many increments.
const MAX_JOB: u64 = crate::runner::MAX_TOTAL;

