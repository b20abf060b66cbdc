//! The registry: every lab, in course order — the one place that names them.
//!
//! Each line below is a lab's folder; its `lab.rs` declares everything else
//! the folder holds (see [`crate::lab`]). The engine finds labs only through
//! [`LABS`], [`find`] and [`exercises`], so adding a lab is its folder, one
//! line here, and its two test targets in `Cargo.toml` (see CONTRIBUTING.md).
//!
//! # Examples
//!
//! ```
//! use racelab::labs;
//!
//! let lab = labs::find("1").unwrap();
//! assert_eq!(lab.slug(), "lost_update");
//! assert_eq!(lab.real("atomic", 2, 1000), Ok(2000));
//! assert_eq!(labs::find("lost_update").unwrap().number(), 1);
//! assert!(labs::find("99").is_err());
//! ```

use crate::judge::Exercises;
use crate::lab::{Lab, Puzzle};

macro_rules! registry {
    ($($(#[$doc:meta])* $name:ident = $path:literal;)*) => {
        $(
            $(#[$doc])*
            #[path = $path]
            pub mod $name;
        )*

        /// Every lab, in course order.
        pub static LABS: &[&dyn Lab] = &[$(&$name::LAB),*];

        /// Every lab's exercises, as the judge sees them, in course order.
        static EXERCISES: &[&dyn Exercises] = &[$(&$name::LAB),*];
    };
}

registry! {
    /// Lab 01 — the lost update: `count += 1` from N threads.
    lost_update = "../../labs/01_lost_update/lab.rs";
    /// Lab 02 — check-then-act: never sell more tickets than exist.
    check_then_act = "../../labs/02_check_then_act/lab.rs";
    /// Lab 03 — an invariant across two counters.
    invariant = "../../labs/03_invariant/lab.rs";
    /// Lab 04 — processes: fork, spawn, a page shared on purpose.
    processes = "../../labs/04_processes/lab.rs";
    /// Lab 05 — message passing: workers send to one owner; scoped threads return partial counts.
    message_passing = "../../labs/05_message_passing/lab.rs";
    /// Lab 06 — contention: one hot counter, shards padded and false-shared, thread-local counts.
    contention = "../../labs/06_contention/lab.rs";
    /// Lab 07 — the GIL: a bytecode interpreter under one global lock.
    gil = "../../labs/07_gil/lab.rs";
    /// Lab 08 — pools and pipelines: claim each job once, shut down losing nothing, prefetch in order.
    pools = "../../labs/08_pools/lab.rs";
    /// Lab 09 — async: a race with no second thread, a blocking call that stalls every task, 1 000 waits.
    async_lab = "../../labs/09_async/lab.rs";
}

/// Finds a lab by number (`1`, `01`) or name (`lost_update`, `01_lost_update`).
pub fn find(name: &str) -> Result<&'static dyn Lab, String> {
    let wanted = name.trim();
    LABS.iter()
        .copied()
        .find(|lab| wanted.parse::<u8>().ok() == Some(lab.number()) || wanted == lab.slug() || wanted == lab.folder())
        .ok_or_else(|| {
            let numbers: Vec<String> = LABS.iter().map(|lab| lab.number().to_string()).collect();
            format!("no lab `{wanted}`; the labs are {} (`cargo run -- list` shows them)", numbers.join(", "))
        })
}

/// Lab `number`'s exercises, as the judge sees them.
pub fn exercises(number: u8) -> Option<&'static dyn Exercises> {
    EXERCISES.iter().copied().find(|e| e.lab().number() == number)
}

/// Every stepper puzzle, in course order, with its lab.
pub fn puzzles() -> impl Iterator<Item = (&'static dyn Lab, &'static Puzzle)> {
    LABS.iter().flat_map(|&lab| lab.puzzles().iter().map(move |puzzle| (lab, puzzle)))
}

/// Finds a puzzle by id.
pub fn puzzle(id: &str) -> Result<(&'static dyn Lab, &'static Puzzle), String> {
    puzzles().find(|(_, p)| p.id == id).ok_or_else(|| {
        let ids: Vec<&str> = puzzles().map(|(_, p)| p.id).collect();
        format!("no puzzle `{id}`; the puzzles: {}", ids.join(", "))
    })
}
