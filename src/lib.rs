//! # racelab — why threads need synchronisation, and what each fix costs
//!
//! Threads share one address space. That is their power — no copying, no
//! messages — and their danger: two threads that update the same memory
//! without coordination lose updates. Processes each own their memory, so they
//! cannot race on it — but only while nothing is shared: two processes that
//! update the same file, database row or shared mapping race again. And they
//! pay to start and must send their results back.
//!
//! racelab turns those claims into code you can run, measure and check:
//!
//! * **run it** on real threads and see updates lost
//!   ([`runner`], `racelab run 1`);
//! * **prove it** with [loom], which explores every interleaving of the very
//!   same source and prints the failing one as a schedule ([`check`],
//!   `racelab check 1`);
//! * **fix it** three ways — a mutex (std and `parking_lot`), an atomic
//!   read-modify-write, and process isolation — and let loom prove each fix;
//! * **measure** what each fix costs ([`bench`](mod@bench), `racelab bench 1`).
//!
//! ## A first look
//!
//! The racy counter reads, adds and writes in three separate steps. loom finds
//! the interleaving where two threads both read 0 and both write 1:
//!
//! ```
//! use racelab::check::{Model, explore};
//! use racelab::labs;
//!
//! let lab = labs::find("lost_update").unwrap();
//! let report = explore(&Model::new(lab, "racy", 2, 1)).unwrap();
//! assert_eq!(report.verdict, "fail");
//! // Of loom's 30 executions, 24 lose an update and 6 count correctly.
//! use racelab::lab::State;
//! assert_eq!(report.outcomes.get(&State::count(1)), Some(&24));
//! assert_eq!(report.outcomes.get(&State::count(2)), Some(&6));
//! ```
//!
//! and `fetch_add` passes every interleaving with exactly one outcome:
//!
//! ```
//! # use racelab::check::{Model, explore};
//! # use racelab::labs;
//! let lab = labs::find("1").unwrap();
//! let report = explore(&Model::new(lab, "atomic", 3, 1)).unwrap();
//! assert_eq!(report.verdict, "pass");
//! assert_eq!(report.outcomes.keys().map(|s| s.to_string()).collect::<Vec<_>>(), vec!["3"]);
//! ```
//!
//! ## How the crate is laid out
//!
//! * A lab is one folder, `labs/NN_slug/`: lesson, exercise, solution,
//!   reference code, the judge's spec, the catalogue of learner answers,
//!   hints and tests. [`labs`] is the registry — one line per lab — and
//!   [`lab`] says what a lab is (the [`Lab`](lab::Lab) trait).
//! * [`sync`] is the swap: the only module that names std, `parking_lot`,
//!   loom or shuttle. Lab code imports `sync::…` and is compiled three times,
//!   once per backend (real threads, loom's model, the stepper).
//! * [`check`] drives loom and records the schedule ([`trace`]); [`runner`]
//!   runs real threads and worker processes; [`stepper`] lets a learner be the
//!   scheduler; [`bench`](mod@bench) measures; [`judge`] checks a learner's answers
//!   (`racelab verify N`); [`course`] keeps progress and hints; [`cli`] is the
//!   `racelab` command.
//!
//! The engine never names a lab: it is handed one by the registry. See
//! `ARCHITECTURE.md` for the rooms and arrows, `CONTRIBUTING.md` for adding a lab.
//!
//! [loom]: https://docs.rs/loom

#![warn(missing_docs)]

pub mod bench;
pub mod check;
pub mod cli;
pub mod course;
pub mod judge;
pub mod lab;
pub mod labs;
pub mod runner;
pub mod stepper;
pub mod sync;
pub mod trace;
