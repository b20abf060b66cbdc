//! The swap: the one place that knows std, `parking_lot` and loom exist.
//!
//! Lab code never names `std::sync`, `parking_lot` or `loom`. It imports
//! `super::sync::…`, and the crate compiles every lab file **twice in the same
//! build**, once inside each backend:
//!
//! | backend    | threads                | atomics, mutexes                          | used by               |
//! |------------|------------------------|-------------------------------------------|-----------------------|
//! | [`real`]   | `std::thread` (real OS)| std, `parking_lot`                        | `racelab run`, proptest |
//! | [`model`]  | loom's model threads   | loom's, wrapped to record a trace         | `racelab check`, loom tests |
//!
//! Both backends expose the same paths as std (`atomic::AtomicU64`,
//! `Mutex`, `parking_lot::Mutex`, `thread::spawn`, `Arc`, …), so the lab code
//! reads exactly like ordinary Rust.
//!
//! ## Why "one file, two modules" and not `cfg(loom)`
//!
//! The usual loom recipe (`#[cfg(loom)]` + `RUSTFLAGS="--cfg loom"`) gives one
//! backend per build. A learner must then remember a flag, and the real-thread
//! and the loom checks can never run in the same `cargo test`. Here
//! `src/labs/mod.rs` declares each lab file once per backend with `#[path]`,
//! so `cargo test --test lab_NN` runs real threads *and* loom on the very same
//! source, with no flags. A `macro_rules!` wrapper would do the same but hide
//! the code from the learner; a `#[path]` include keeps the file an ordinary,
//! readable Rust file.
//!
//! ## Adding a backend
//!
//! A third backend (say, a stepping scheduler where the learner chooses which
//! thread moves next) is a new module here exposing the same names, plus one
//! more `pub mod` block in `src/labs/mod.rs`. Nothing in the labs changes.
//!
//! # Examples
//!
//! The same function, written once against `sync`, runs on either backend:
//!
//! ```
//! use racelab::sync::real::atomic::{AtomicU64, Ordering};
//!
//! let counter = AtomicU64::new(0);
//! counter.fetch_add(1, Ordering::Relaxed);
//! assert_eq!(counter.load(Ordering::Relaxed), 1);
//! ```

pub mod model;
pub mod real;
pub mod step;
mod traced;
