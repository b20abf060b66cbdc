//! Checks YOUR answers in `labs/02_check_then_act/exercise.rs`.
//!
//! ```text
//! cargo test --test exercise_02    # these checks, as plain cargo tests
//! cargo run -- verify 2            # the same, summarised, and your progress saved
//! ```
//!
//! Not part of a plain `cargo test` (`test = false` in Cargo.toml), so a
//! half-written exercise never breaks the course's own tests.

use racelab::judge::Judge as _;
use racelab::judge::{Learner, Source, self_as_worker, worker_job};
use racelab::labs::check_then_act::{LAB, judge::Answers};

// Your exercise, compiled for real threads (`real::exercise`) and for loom (`model::exercise`).
racelab::learner_backends!("exercise.rs");

/// Your functions, as the lab's variants use them on one backend.
macro_rules! your_fixes {
    ($backend:ident) => {
        racelab::labs::check_then_act::$backend::Fixes {
            mutex: $backend::exercise::mutex_buy,
            parking_lot: $backend::exercise::parking_lot_buy,
            atomic: $backend::exercise::atomic_buy,
            worker: $backend::exercise::worker,
            combine: $backend::exercise::combine,
        }
    };
}

const PROCESS_TEST: &str = "process_fix_sells_every_ticket_once_in_real_processes";

fn you() -> Answers {
    Learner {
        real: your_fixes!(real),
        model: your_fixes!(model),
        worker: self_as_worker(PROCESS_TEST).ok(),
        source: Some(Source { path: "labs/02_check_then_act/exercise.rs", text: include_str!("exercise.rs") }),
    }
}

#[test]
fn mutex_fix_never_oversells_in_any_interleaving() {
    LAB.judge("mutex", "mutex_fix_never_oversells_in_any_interleaving", you).conclude();
}

#[test]
fn parking_lot_fix_never_oversells_in_any_interleaving() {
    LAB.judge("parking_lot", "parking_lot_fix_never_oversells_in_any_interleaving", you).conclude();
}

#[test]
fn atomic_fix_never_oversells_in_any_interleaving() {
    LAB.judge("atomic", "atomic_fix_never_oversells_in_any_interleaving", you).conclude();
}

#[test]
fn process_fix_sells_every_ticket_once_in_real_processes() {
    // Started again by the check below as a worker process: run only `worker`.
    if let Some(job) = worker_job() {
        println!("report {}", real::exercise::worker(job[0], job[1]));
        return;
    }
    LAB.judge("process", "process_fix_sells_every_ticket_once_in_real_processes", you).conclude();
}

/// `cargo run -- run 2 --variant V --yours` and `cargo run -- bench 2 --yours` start this test
/// to run your answers on real threads (and processes); it does nothing on its own.
#[test]
#[ignore = "started by `cargo run -- run 2 --yours` and `cargo run -- bench 2 --yours`"]
fn your_answers_for_real() {
    LAB.serve_yours(you);
}
