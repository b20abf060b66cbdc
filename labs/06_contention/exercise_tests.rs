//! Checks YOUR answers in `labs/06_contention/exercise.rs`.
//!
//! ```text
//! cargo test --test exercise_06    # these checks, as plain cargo tests
//! cargo run -- verify 6            # the same, summarised, and your progress saved
//! ```
//!
//! This target is not part of a plain `cargo test` (`test = false` in
//! Cargo.toml): a half-written exercise that does not compile can never break
//! the course's own tests, `racelab list` or `racelab hint`.

use racelab::judge::Judge as _;
use racelab::judge::{Learner, Source, self_as_worker, worker_job};
use racelab::labs::contention::{LAB, judge::Answers};

// Your exercise, compiled for real threads (`real::exercise`) and for loom (`model::exercise`).
racelab::learner_backends!("exercise.rs");

/// Your functions, as the lab's variants use them on one backend.
macro_rules! your_fixes {
    ($backend:ident) => {
        racelab::labs::contention::$backend::Fixes {
            sharded_increment: $backend::exercise::sharded_increment,
            sharded_total: $backend::exercise::sharded_total,
            count_then_publish: $backend::exercise::count_then_publish,
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
        source: Some(Source { path: "labs/06_contention/exercise.rs", text: include_str!("exercise.rs") }),
    }
}

#[test]
fn sharded_counter_is_exact_with_each_thread_on_its_own_shard() {
    LAB.judge("sharded", "sharded_counter_is_exact_with_each_thread_on_its_own_shard", you).conclude();
}

#[test]
fn thread_local_counts_publish_exactly() {
    LAB.judge("thread_local", "thread_local_counts_publish_exactly", you).conclude();
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

/// `cargo run -- run 6 --variant V --yours` and `cargo run -- bench 6 --yours` start this test
/// to run your answers on real threads (and processes); it does nothing on its own.
#[test]
#[ignore = "started by `cargo run -- run 6 --yours` and `cargo run -- bench 6 --yours`"]
fn your_answers_for_real() {
    LAB.serve_yours(you);
}
