//! Checks YOUR answers in `labs/08_pools/exercise.rs`.
//!
//! ```text
//! cargo test --test exercise_08    # these checks, as plain cargo tests
//! cargo run -- verify 8            # the same, summarised, and your progress saved
//! ```
//!
//! This target is not part of a plain `cargo test` (`test = false` in
//! Cargo.toml): a half-written exercise that does not compile can never break
//! the course's own tests, `racelab list` or `racelab hint`.

use racelab::judge::Judge as _;
use racelab::judge::{Learner, Source};
use racelab::labs::pools::{LAB, judge::Answers};

/// Your exercise, on real threads.
#[allow(unused_variables, unused_imports, dead_code)]
mod real {
    pub use racelab::labs::pools::real::{Batch, Done, Job, Loader, Pool};
    pub use racelab::sync::real as sync;
    pub mod exercise {
        include!("exercise.rs");
    }
}

/// Your exercise, inside loom's model (the very same source).
#[allow(unused_variables, unused_imports, dead_code)]
mod model {
    pub use racelab::labs::pools::model::{Batch, Done, Job, Loader, Pool};
    pub use racelab::sync::model as sync;
    pub mod exercise {
        include!("exercise.rs");
    }
}

/// Your functions, as the lab's variants use them on one backend.
macro_rules! your_fixes {
    ($backend:ident) => {
        racelab::labs::pools::$backend::Fixes {
            claim: $backend::exercise::claim,
            work: $backend::exercise::work,
            shutdown: $backend::exercise::shutdown,
            consume: $backend::exercise::consume_in_order,
        }
    };
}

fn you() -> Answers {
    Learner {
        real: your_fixes!(real),
        model: your_fixes!(model),
        worker: None,
        source: Some(Source { path: "labs/08_pools/exercise.rs", text: include_str!("exercise.rs") }),
    }
}

#[test]
fn claim_hands_each_job_to_exactly_one_worker() {
    LAB.judge("claim", "claim_hands_each_job_to_exactly_one_worker", you).conclude();
}

#[test]
fn shutdown_finishes_every_job_and_leaves_no_worker() {
    LAB.judge("shutdown", "shutdown_finishes_every_job_and_leaves_no_worker", you).conclude();
}

#[test]
fn consumer_trains_every_batch_once_in_order() {
    LAB.judge("in_order", "consumer_trains_every_batch_once_in_order", you).conclude();
}

/// `cargo run -- run 8 --variant V --yours` and `cargo run -- bench 8 --yours` start this test
/// to run your answers on real threads; it does nothing on its own.
#[test]
#[ignore = "started by `cargo run -- run 8 --yours` and `cargo run -- bench 8 --yours`"]
fn your_answers_for_real() {
    LAB.serve_yours(you);
}
