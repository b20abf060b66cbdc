// The labs' source files, included once per backend (see `src/labs/mod.rs`).
// Adding a lab is one more line here.

/// How every lab starts, joins and isolates its threads.
#[path = "harness.rs"]
pub mod harness;

/// Lab 01 — the lost update.
#[path = "01_lost_update.rs"]
pub mod lost_update;
