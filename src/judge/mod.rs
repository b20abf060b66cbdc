//! The judge: a learner's answers checked with the same loom, one-thread and
//! real-thread checks as the reference code — one room, a file per stage.
//!
//! ```text
//! verify.rs      `racelab verify N`: build the lab's exercise target, run it, collect outcomes
//!   isolate.rs   each exercise in a process of its own, under a time limit
//!     pipeline.rs  the stages, in order, the same for every lab:
//!       source.rs      the learner's file as text: functions, fingerprints
//!       reading.rs     the file read as Rust (syn): what each exercise uses, what is refused
//!       sequential.rs  the one-thread pre-check: a logic error is not a race
//!       values.rs      the inputs every check draws from: the whole range, edges included
//!       contention.rs  simulated rivals (lost CAS races, a lock held) and a real lock holder
//!       loom_stage.rs  every interleaving of every case, the lab's whole state judged
//!       real_stage.rs  real threads, then real worker processes
//!   outcome.rs   what the judge says: not attempted, failing (why, where), refused, solved
//!   channel.rs   how outcomes travel: a pipe opened for each run, a token, one verdict per exercise
//! catalogue.rs   the judge's own tests: each lab's right and wrong learner answers
//! yours.rs       `run N --yours`, `bench N --yours`: the learner's answers measured
//! spec.rs        what a lab tells the judge: the `Spec` trait each `labs/NN_slug/judge.rs` implements
//! exercises.rs   the judge's two faces for every `Spec`: `Judge` (typed) and `Exercises` (through the registry)
//! apart.rs       every catalogue judged in processes of one thread each (loom's stacks make threads contend)
//! ```
//!
//! Each file uses only the files listed below it in this order (no import circles):
//! channel → outcome, reading → source, sequential, contention → spec → loom_stage,
//! real_stage, isolate → pipeline → catalogue, yours → exercises → apart; verify uses
//! channel, outcome, reading, source, spec and yours.
//!
//! A lab says *what* is right ([`Spec`], [`crate::lab::Lab::judge`]); the
//! judge decides *how* it is checked, once for every lab.
//!
//! `cargo run -- verify N` runs the lab's exercise test target with a pipe
//! opened for that run ([`channel`]); every [`Outcome::conclude`] sends one
//! JSON line on it, which is how `verify` learns the results without parsing
//! test output — and why a line written anywhere else counts for nothing.
//!
//! # Examples
//!
//! ```
//! use racelab::judge::Status;
//!
//! let lab = racelab::labs::exercises(1).unwrap();
//! let outcome = lab.check_solution("atomic", None);
//! assert_eq!(outcome.status, Status::Solved);
//! ```

pub mod apart;
pub mod catalogue;
pub mod channel;
pub mod contention;
mod exercises;
pub mod isolate;
pub mod loom_stage;
mod outcome;
pub mod pipeline;
pub mod reading;
pub mod real_stage;
pub mod sequential;
mod source;
mod spec;
pub mod values;
pub mod verify;
pub mod yours;

pub use apart::judge_catalogues_apart;
pub use exercises::{Exercises, Judge};
pub use outcome::{Likeness, Outcome, Resemblance, Signature, Status};
pub use reading::{Reading, Refusal};
pub use real_stage::{REAL_TRIALS, WORKER_ENV, self_as_worker, worker_job};
pub use sequential::{Sequential, calling, expect_eq, expect_that, once_for_real, once_in_model};
pub use source::{Source, code_only, fingerprint};
pub use spec::{Answer, Catalogue, Exercise, Learner, Spec};
