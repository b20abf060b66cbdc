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

use racelab::judge::Judge as _;
use racelab::judge::{Learner, Source};
use racelab::labs::message_passing::{LAB, judge::Answers};

// Your exercise, compiled for real threads (`real::exercise`) and for loom (`model::exercise`).
racelab::learner_backends!("exercise.rs");

/// Your functions, as the lab's variants use them on one backend.
macro_rules! your_fixes {
    ($backend:ident) => {
        racelab::labs::message_passing::$backend::Fixes {
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
        source: Some(Source { path: "labs/05_message_passing/exercise.rs", text: include_str!("exercise.rs") }),
    }
}

#[test]
fn channel_owner_counts_every_message_exactly() {
    LAB.judge("channel", "channel_owner_counts_every_message_exactly", you).conclude();
}

#[test]
fn batched_sends_add_up_exactly() {
    LAB.judge("batched", "batched_sends_add_up_exactly", you).conclude();
}

#[test]
fn partial_counts_merge_exactly() {
    LAB.judge("partials", "partial_counts_merge_exactly", you).conclude();
}

/// `cargo run -- run 5 --variant V --yours` and `cargo run -- bench 5 --yours` start this test
/// to run your answers on real threads; it does nothing on its own.
#[test]
#[ignore = "started by `cargo run -- run 5 --yours` and `cargo run -- bench 5 --yours`"]
fn your_answers_for_real() {
    LAB.serve_yours(you);
}
