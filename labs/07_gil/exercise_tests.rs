//! Checks YOUR answers in `labs/07_gil/exercise.rs`.
//!
//! ```text
//! cargo test --test exercise_07    # these checks, as plain cargo tests
//! cargo run -- verify 7            # the same, summarised, and your progress saved
//! ```
//!
//! This target is not part of a plain `cargo test` (`test = false` in
//! Cargo.toml): a half-written exercise that does not compile can never break
//! the course's own tests, `racelab list` or `racelab hint`.

use racelab::judge::Judge as _;
use racelab::judge::{Learner, Source, self_as_worker, worker_job};
use racelab::labs::gil::{LAB, judge::Answers};

/// Your exercise, on real threads.
#[allow(unused_variables, unused_imports, unused_macros, dead_code)]
mod real {
    pub use racelab::labs::gil::real::{Op, PyThread, UserGuard, UserLock, run_alone};
    pub use racelab::sync::real as sync;
    pub mod exercise {
        // A plain `thread_local!` is the backend's (see `racelab::learner_backends!`).
        macro_rules! thread_local {
            ($($tokens:tt)*) => { racelab::sync::real::thread_local!($($tokens)*); };
        }
        include!("exercise.rs");
    }
}

/// Your exercise, inside loom's model (the very same source).
#[allow(unused_variables, unused_imports, unused_macros, dead_code)]
mod model {
    pub use racelab::labs::gil::model::{Op, PyThread, UserGuard, UserLock, run_alone};
    pub use racelab::sync::model as sync;
    pub mod exercise {
        // A plain `thread_local!` is the backend's (see `racelab::learner_backends!`).
        macro_rules! thread_local {
            ($($tokens:tt)*) => { racelab::sync::model::thread_local!($($tokens)*); };
        }
        include!("exercise.rs");
    }
}

/// Your functions, as the lab's variants use them on one backend.
macro_rules! your_fixes {
    ($backend:ident) => {
        racelab::labs::gil::$backend::Fixes {
            locked_program: $backend::exercise::locked_program,
            acquire_user_lock: $backend::exercise::acquire_user_lock,
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
        source: Some(Source { path: "labs/07_gil/exercise.rs", text: include_str!("exercise.rs") }),
    }
}

#[test]
fn user_lock_covers_the_whole_increment() {
    LAB.judge("mutex", "user_lock_covers_the_whole_increment", you).conclude();
}

#[test]
fn acquire_waits_with_the_gil_released() {
    LAB.judge("acquire", "acquire_waits_with_the_gil_released", you).conclude();
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

/// `cargo run -- run 7 --variant V --yours` and `cargo run -- bench 7 --yours` start this test
/// to run your answers on real threads (and processes); it does nothing on its own.
#[test]
#[ignore = "started by `cargo run -- run 7 --yours` and `cargo run -- bench 7 --yours`"]
fn your_answers_for_real() {
    LAB.serve_yours(you);
}
