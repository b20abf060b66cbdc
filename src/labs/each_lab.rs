// The labs' source files, included once per backend (see `src/labs/mod.rs`).
// Adding a lab is one more line here.

/// How every lab starts, joins and isolates its threads.
#[path = "harness.rs"]
pub mod harness;

/// Lab 01 — the lost update.
#[path = "01_lost_update.rs"]
pub mod lost_update;

/// Lab 02 — check-then-act.
#[path = "02_check_then_act.rs"]
pub mod check_then_act;

/// Lab 03 — an invariant across two counters.
#[path = "03_invariant.rs"]
pub mod invariant;

/// Lab 01's catalogue of learner answers (mutation tests of the judge).
#[path = "../exercise/answers/01_lost_update.rs"]
pub mod answers_lost_update;

/// Lab 02's catalogue of learner answers.
#[path = "../exercise/answers/02_check_then_act.rs"]
pub mod answers_check_then_act;

/// Lab 03's catalogue of learner answers.
#[path = "../exercise/answers/03_invariant.rs"]
pub mod answers_invariant;

/// Lab 04 — processes: fork, spawn, a page shared on purpose.
#[path = "04_processes.rs"]
pub mod processes;

/// Lab 04's catalogue of learner answers.
#[path = "../exercise/answers/04_processes.rs"]
pub mod answers_processes;

/// Lab 05 — message passing: workers send to one owner; scoped threads return partial counts.
#[path = "05_message_passing.rs"]
pub mod message_passing;

/// Lab 05's catalogue of learner answers.
#[path = "../exercise/answers/05_message_passing.rs"]
pub mod answers_message_passing;

/// Lab 06 — contention: one hot counter, shards padded and false-shared, thread-local counts.
#[path = "06_contention.rs"]
pub mod contention;

/// Lab 06's catalogue of learner answers.
#[path = "../exercise/answers/06_contention.rs"]
pub mod answers_contention;

/// Lab 07 — the GIL: a bytecode interpreter under one global lock.
#[path = "07_gil.rs"]
pub mod gil;

/// Lab 07's catalogue of learner answers.
#[path = "../exercise/answers/07_gil.rs"]
pub mod answers_gil;
