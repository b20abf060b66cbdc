//! Checks YOUR answers in `labs/09_async/exercise.rs`.
//!
//! ```text
//! cargo test --test exercise_09    # these checks, as plain cargo tests
//! cargo run -- verify 9            # the same, summarised, and your progress saved
//! ```
//!
//! This target is not part of a plain `cargo test` (`test = false` in
//! Cargo.toml): a half-written exercise that does not compile can never break
//! the course's own tests, `racelab list` or `racelab hint`.

use racelab::judge::Judge as _;
use racelab::judge::{Learner, Source};
use racelab::labs::async_lab::{LAB, judge::Answers};

/// Your exercise, on tokio's current-thread runtime.
#[allow(unused_variables, unused_imports, dead_code)]
mod real {
    pub use racelab::labs::async_lab::real::{Account, checksum};
    pub use racelab::sync::real as sync;
    pub mod exercise {
        include!("exercise.rs");
    }
}

/// Your exercise, inside loom's model (the very same source).
#[allow(unused_variables, unused_imports, dead_code)]
mod model {
    pub use racelab::labs::async_lab::model::{Account, checksum};
    pub use racelab::sync::model as sync;
    pub mod exercise {
        include!("exercise.rs");
    }
}

/// Your functions, as the lab's variants use them on one backend.
macro_rules! your_fixes {
    ($backend:ident) => {
        racelab::labs::async_lab::$backend::Fixes {
            deposit: |account| Box::pin($backend::exercise::deposit(account)),
            owner: |account, depositors, deposits| {
                Box::pin($backend::exercise::owner_deposits(account, depositors, deposits))
            },
            post: |statement| Box::pin($backend::exercise::post_statement(statement)),
        }
    };
}

fn you() -> Answers {
    Learner {
        real: your_fixes!(real),
        model: your_fixes!(model),
        worker: None,
        source: Some(Source { path: "labs/09_async/exercise.rs", text: include_str!("exercise.rs") }),
    }
}

#[test]
fn deposit_loses_no_coin_in_any_order_of_the_tasks() {
    LAB.judge("no_await", "deposit_loses_no_coin_in_any_order_of_the_tasks", you).conclude();
}

#[test]
fn owner_task_counts_every_coin_from_concurrent_depositors() {
    LAB.judge("owner", "owner_task_counts_every_coin_from_concurrent_depositors", you).conclude();
}

#[test]
fn statement_checksum_never_blocks_the_executor() {
    LAB.judge("offload", "statement_checksum_never_blocks_the_executor", you).conclude();
}

/// `cargo run -- run 9 --variant V --yours` and `cargo run -- bench 9 --yours` start this test
/// to run your answers on tokio; it does nothing on its own.
#[test]
#[ignore = "started by `cargo run -- run 9 --yours` and `cargo run -- bench 9 --yours`"]
fn your_answers_for_real() {
    LAB.serve_yours(you);
}
