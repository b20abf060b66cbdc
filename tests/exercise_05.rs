//! Checks YOUR answers in `labs/05_message_passing/exercise.rs`.
//!
//! ```text
//! cargo test --test exercise_05    # these checks, as plain cargo tests
//! cargo run -- verify 5            # the same, summarised, and your progress saved
//! ```
//!
//! This target is not part of a plain `cargo test` (`test = false` in
//! Cargo.toml): a half-written exercise that does not compile can never break
//! the course's own tests, `racelab list` or `racelab hint`.

use racelab::exercise::message_passing::{Answers, SUITE};
use racelab::exercise::{Learner, Source};

/// Your exercise, on real threads.
#[allow(unused_variables, unused_imports, dead_code)]
mod real {
    pub use racelab::sync::real as sync;
    pub mod exercise {
        include!("../labs/05_message_passing/exercise.rs");
    }
}

/// Your exercise, inside loom's model (the very same source).
#[allow(unused_variables, unused_imports, dead_code)]
mod model {
    pub use racelab::sync::model as sync;
    pub mod exercise {
        include!("../labs/05_message_passing/exercise.rs");
    }
}

/// Your functions, as the lab's variants use them on one backend.
macro_rules! your_fixes {
    ($backend:ident) => {
        racelab::labs::$backend::message_passing::Fixes {
            count_by_messages: $backend::exercise::count_by_messages,
            send_batched: $backend::exercise::send_batched,
            count_in_partials: $backend::exercise::count_in_partials,
        }
    };
}

fn you() -> Answers {
    Learner {
        real: your_fixes!(real),
        model: your_fixes!(model),
        worker: None,
        source: Some(Source {
            path: "labs/05_message_passing/exercise.rs",
            text: include_str!("../labs/05_message_passing/exercise.rs"),
        }),
    }
}

#[test]
fn channel_owner_counts_every_message_exactly() {
    SUITE.judge("channel", "channel_owner_counts_every_message_exactly", you).conclude();
}

#[test]
fn batched_sends_add_up_exactly() {
    SUITE.judge("batched", "batched_sends_add_up_exactly", you).conclude();
}

#[test]
fn partial_counts_merge_exactly() {
    SUITE.judge("partials", "partial_counts_merge_exactly", you).conclude();
}

/// `cargo run -- run 5 --variant V --yours` and `cargo run -- bench 5 --yours` start this test
/// to run your answers on real threads; it does nothing on its own.
#[test]
#[ignore = "started by `cargo run -- run 5 --yours` and `cargo run -- bench 5 --yours`"]
fn your_answers_for_real() {
    SUITE.serve_yours(you);
}
