//! The judge of lab 04's exercises: `atomic`, `lock`, `process`.
//!
//! * sequential: each increment called twice on counts of 0 and 41 must add
//!   exactly 2, and a lock must be free again afterwards; `worker(k)` must
//!   return `k`; `combine` must add unequal reports;
//! * loom at 2×1, 2×2 and 3×1 (the lock at 2×3 instead of 3×1): workers whose only shared state is the page
//!   (the counter and the lock in it); the process fix as isolated workers
//!   with unequal jobs (`[0] [2]`, `[3] [1] [2]`);
//! * 150 trials on real threads sharing a page (1–8 threads × 0–3 000
//!   increments; the spin lock at 1–4 threads × 0–1 000, since a spinning
//!   thread on a 2-core machine waits out the holder's time slice);
//! * for `process`, the learner's `worker` in real processes with unequal jobs.
//!
//! # Examples
//!
//! ```
//! use racelab::judge::Status;
//! use racelab::judge::{Judge as _, Spec as _};
//! use racelab::labs::processes::LAB;
//!
//! let mut learner = LAB.solution(None);
//! assert_eq!(LAB.check("lock", &learner).status, Status::Solved);
//! learner.model.atomic = racelab::labs::processes::model::racy_increment;
//! assert_eq!(LAB.check("atomic", &learner).status, Status::Failing);
//! ```

use crate::judge::contention::*;
use crate::judge::sequential::*;
use crate::judge::{Exercise, Learner, Spec};
use super::{LAB, Processes, model, real};
use crate::lab::{Case, State};
use crate::sync::model::atomic::{AtomicBool, AtomicU64, Ordering::Relaxed};

/// A learner's answers to lab 04.
pub type Answers = Learner<real::Fixes, model::Fixes>;

impl Spec for Processes {
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
        if exercise == "atomic" { increment_rivalled_at_every_call("atomic_increment", model.atomic) } else { Ok(()) }
    }

    fn beyond_loom(&self, exercise: &str, model: &model::Fixes) -> Result<(), Sequential> {
        if exercise == "atomic" { increment_beyond_loom("atomic_increment", model.atomic, crate::judge::values::shared_counts()) } else { Ok(()) }
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
    Exercise { name: "atomic", functions: &["atomic_increment"] },
    Exercise { name: "lock", functions: &["locked_increment"] },
    Exercise { name: "process", functions: &["worker", "combine"] },
];



fn cases(exercise: &str) -> Vec<Case> {
    let mut cases = match exercise {
        "process" => return vec![Case::workers(vec![vec![0], vec![2]]), Case::workers(vec![vec![3], vec![1], vec![2]])],
        // A spin lock with three workers exceeds loom's branch limit (one waits while two run).
        "lock" => vec![Case::new(2, 1), Case::new(2, 2), Case::new(2, 3)],
        _ => vec![Case::new(2, 1), Case::new(2, 2), Case::new(3, 1)],
    };
    // From large counts too: a shortcut taken only there (`if seen > 30_000`) races there.
    cases.extend(crate::judge::values::large_starts());
    cases
}

fn real_case(exercise: &str, trial: u32) -> Case {
    const ITERS: [u64; 6] = [0, 1, 7, 100, 1_000, 3_000];
    match exercise {
        "lock" => Case::new(1 + (trial % 4) as usize, ITERS[(trial % 5) as usize]),
        _ => Case::new(1 + (trial % 8) as usize, ITERS[(trial % 6) as usize]),
    }
}

fn sequential(exercise: &str, real: &real::Fixes, model: &model::Fixes) -> Result<(), Sequential> {
    let f = *model;
    match exercise {
        "atomic" => once_in_model(move || {
            for start in crate::judge::values::shared_counts() {
                let counter = AtomicU64::new(start);
                (f.atomic)(&counter);
                (f.atomic)(&counter);
                counted_twice("atomic_increment", start, counter.load(Relaxed))?;
            }
            // Contended: other workers increment between this worker's read and its exchange.
            lost_races("atomic_increment", || {
                let counter = AtomicU64::new(0);
                (f.atomic)(&counter);
                counter.load(Relaxed)
            })
        }),
        "lock" => once_in_model(move || {
            for start in crate::judge::values::shared_counts() {
                let (lock, counter) = (AtomicBool::new(false), AtomicU64::new(start));
                (f.lock)(&lock, &counter);
                (f.lock)(&lock, &counter);
                counted_twice("locked_increment", start, counter.load(Relaxed))?;
                if lock.load(Relaxed) {
                    return Err("`locked_increment` left the lock taken: no other worker could ever take it".into());
                }
            }
            // Contended: another worker holds the lock for a moment at each of the first
            // attempts, then lets go. A spin lock that gives up before it gets the lock is caught.
            let (lock, counter) = (AtomicBool::new(false), AtomicU64::new(0));
            with_lock_held_elsewhere("locked_increment", || {
                (f.lock)(&lock, &counter);
                Ok(())
            })?;
            expect_that(
                "when another worker held the lock for a while, after one call of `locked_increment` the count is",
                counter.load(Relaxed),
                1,
            )
        }),
        _ => check_counting_worker(real.worker, real.combine, MAX_JOB, crate::runner::MAX_TOTAL),
    }
}

/// The check with the lock held by a real thread for a while (see
/// [`with_lock_held_for_real`]): run after loom, for the lock exercises.
fn held_for_real(exercise: &str, real: &real::Fixes) -> Result<(), String> {
    match exercise {
        "lock" => {
            use crate::sync::real::atomic::{AtomicBool, AtomicU64, Ordering::SeqCst};
            let locked = real.lock;
            let shared = (AtomicBool::new(false), AtomicU64::new(0));
            let hold = |(lock, _): &(AtomicBool, AtomicU64), wait: &mut dyn FnMut()| {
                lock.store(true, SeqCst);
                wait();
                lock.store(false, SeqCst);
            };
            with_lock_held_for_real(
                "locked_increment",
                shared,
                hold,
                move |(lock, counter)| locked(lock, counter),
                |(lock, counter), ()| {
                    let count = counter.load(SeqCst);
                    let left_taken = lock.load(SeqCst);
                    expect_that("after one call of `locked_increment` the count is", count, 1)
                        .and_then(|()| match left_taken {
                            true => Err("`locked_increment` left the lock taken".into()),
                            false => Ok(()),
                        })
                        .map_err(after_the_hold)
                },
            )
        }
        _ => Ok(()),
    }
}


/// The largest job a worker is given: a real run counts up to this many increments.
const MAX_JOB: u64 = crate::runner::MAX_TOTAL;

