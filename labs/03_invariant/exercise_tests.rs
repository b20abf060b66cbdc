//! Checks YOUR answers in `labs/03_invariant/exercise.rs`.
//!
//! ```text
//! cargo test --test exercise_03    # these checks, as plain cargo tests
//! cargo run -- verify 3            # the same, summarised, and your progress saved
//! ```
//!
//! Not part of a plain `cargo test` (`test = false` in Cargo.toml), so a
//! half-written exercise never breaks the course's own tests.

use racelab::judge::Judge as _;
use racelab::judge::{Learner, Source, self_as_worker, worker_job};
use racelab::labs::invariant::{LAB, judge::Answers};

// Your exercise, compiled for real threads (`real::exercise`) and for loom (`model::exercise`).
racelab::learner_backends!("exercise.rs");

/// Your functions, as the lab's variants use them on one backend.
macro_rules! your_fixes {
    ($backend:ident) => {
        racelab::labs::invariant::$backend::Fixes {
            mutex_transfer: $backend::exercise::mutex_transfer,
            mutex_total: $backend::exercise::mutex_total,
            parking_lot_transfer: $backend::exercise::parking_lot_transfer,
            parking_lot_total: $backend::exercise::parking_lot_total,
            atomic_transfer: $backend::exercise::atomic_transfer,
            atomic_total: $backend::exercise::atomic_total,
            worker: $backend::exercise::worker,
            combine: $backend::exercise::combine,
        }
    };
}

const PROCESS_TEST: &str = "process_fix_keeps_the_sum_with_one_owner";

fn you() -> Answers {
    Learner {
        real: your_fixes!(real),
        model: your_fixes!(model),
        worker: self_as_worker(PROCESS_TEST).ok(),
        source: Some(Source { path: "labs/03_invariant/exercise.rs", text: include_str!("exercise.rs") }),
    }
}

#[test]
fn mutex_fix_keeps_the_sum_for_every_observer() {
    LAB.judge("mutex", "mutex_fix_keeps_the_sum_for_every_observer", you).conclude();
}

#[test]
fn parking_lot_fix_keeps_the_sum_for_every_observer() {
    LAB.judge("parking_lot", "parking_lot_fix_keeps_the_sum_for_every_observer", you).conclude();
}

#[test]
fn atomic_fix_keeps_the_sum_for_every_observer() {
    LAB.judge("atomic", "atomic_fix_keeps_the_sum_for_every_observer", you).conclude();
}

#[test]
fn process_fix_keeps_the_sum_with_one_owner() {
    // Started again by the check below as a worker process: run only `worker`.
    if let Some(job) = worker_job() {
        println!("report {}", real::exercise::worker(job[0]));
        return;
    }
    LAB.judge("process", "process_fix_keeps_the_sum_with_one_owner", you).conclude();
}

/// `cargo run -- run 3 --variant V --yours` and `cargo run -- bench 3 --yours` start this test
/// to run your answers on real threads (and processes); it does nothing on its own.
#[test]
#[ignore = "started by `cargo run -- run 3 --yours` and `cargo run -- bench 3 --yours`"]
fn your_answers_for_real() {
    LAB.serve_yours(you);
}
