//! Checks YOUR answers in `labs/04_processes/exercise.rs`.
//!
//! ```text
//! cargo test --test exercise_04    # these checks, as plain cargo tests
//! cargo run -- verify 4            # the same, summarised, and your progress saved
//! ```
//!
//! This target is not part of a plain `cargo test` (`test = false` in
//! Cargo.toml): a half-written exercise that does not compile can never break
//! the course's own tests, `racelab list` or `racelab hint`.

use racelab::judge::Judge as _;
use racelab::judge::{Learner, Source, self_as_worker, worker_job};
use racelab::labs::processes::{LAB, judge::Answers};

// Your exercise, compiled for real threads (`real::exercise`) and for loom (`model::exercise`).
racelab::learner_backends!("exercise.rs");

/// Your functions, as the lab's variants use them on one backend.
macro_rules! your_fixes {
    ($backend:ident) => {
        racelab::labs::processes::$backend::Fixes {
            atomic: $backend::exercise::atomic_increment,
            lock: $backend::exercise::locked_increment,
            worker: $backend::exercise::worker,
            combine: $backend::exercise::combine,
        }
    };
}

const PROCESS_TEST: &str = "process_fix_counts_exactly_in_real_processes";

fn you() -> Answers {
    Learner {
        real: your_fixes!(real),
        model: your_fixes!(model),
        worker: self_as_worker(PROCESS_TEST).ok(),
        source: Some(Source { path: "labs/04_processes/exercise.rs", text: include_str!("exercise.rs") }),
    }
}

#[test]
fn atomic_fix_is_exact_in_every_interleaving() {
    LAB.judge("atomic", "atomic_fix_is_exact_in_every_interleaving", you).conclude();
}

#[test]
fn lock_in_the_shared_page_is_exact_in_every_interleaving() {
    LAB.judge("lock", "lock_in_the_shared_page_is_exact_in_every_interleaving", you).conclude();
}

#[test]
fn process_fix_counts_exactly_in_real_processes() {
    // Started again by the check below as a worker process: run only `worker`.
    if let Some(job) = worker_job() {
        println!("report {}", real::exercise::worker(job[0]));
        return;
    }
    LAB.judge("process", "process_fix_counts_exactly_in_real_processes", you).conclude();
}

/// `cargo run -- run 4 --variant V --yours` and `cargo run -- bench 4 --yours` start this test
/// to run your answers on real threads (and processes); it does nothing on its own.
#[test]
#[ignore = "started by `cargo run -- run 4 --yours` and `cargo run -- bench 4 --yours`"]
fn your_answers_for_real() {
    LAB.serve_yours(you);
}
