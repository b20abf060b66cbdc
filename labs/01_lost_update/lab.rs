//! Lab 01 — the lost update: `count += 1` from several threads.
//!
//! `count += 1` looks like one step but is three: **read** the count, **add**
//! one in a register, **write** it back. Two threads that both read 5 both
//! write 6, and one increment is lost. This file holds the racy counter, its
//! fixes (from `labs/01_lost_update/solution.rs`) and a catalogue of
//! plausible wrong fixes. It is compiled twice — for real threads and for
//! loom — so every claim below is checked on the very code you read.
//!
//! ```text
//! racelab run 1                      # real threads: watch updates get lost
//! racelab check 1 --variant racy     # loom: every interleaving, the failing one printed
//! cargo test --test lab_01           # all of the lab's claims
//! ```

use crate::lab::{Backend, Card, Case, Goal, Kind::*, Lab, Limits, Puzzle, State, Variant};

crate::backends!("reference.rs", answers: "answers.rs");

/// How the judge checks this lab's exercises.
#[path = "judge.rs"]
pub mod judge;

/// Lab 01.
#[derive(Debug)]
pub struct LostUpdate;

/// Lab 01, as the registry lists it.
pub static LAB: LostUpdate = LostUpdate;

static CARD: Card = Card {
    number: 1,
    slug: "lost_update",
    title: "The lost update: count += 1 from N threads",
    unit: "increments",
    measure: "final",
    variants: &[
        Variant { name: "racy", kind: Racy, summary: "separate atomic load and store: a race condition" },
        Variant { name: "mutex", kind: Fix, summary: "std::sync::Mutex held across read-add-write" },
        Variant { name: "parking_lot", kind: Fix, summary: "parking_lot::Mutex held across read-add-write" },
        Variant { name: "atomic", kind: Fix, summary: "AtomicU64::fetch_add: one indivisible step" },
        Variant { name: "process", kind: Fix, summary: "worker processes count alone; the parent sums" },
        Variant {
            name: "unsafe_cell",
            kind: DataRace,
            summary: "+= 1 on plain shared memory: a data race (loom only)",
        },
        Variant { name: "wrong_split_lock", kind: WrongFix, summary: "lock to read, unlock, lock again to write" },
        Variant { name: "wrong_swap", kind: WrongFix, summary: "atomic swap of a value read earlier" },
        Variant { name: "wrong_private_lock", kind: WrongFix, summary: "each call locks its own new mutex" },
        Variant {
            name: "wrong_early_read",
            kind: WrongFix,
            summary: "fetch_add, but the total is read before joining",
        },
    ],
    limits: Limits { racy: &[8, 3, 1], fix: &[8, 3, 2], by_variant: &[] },
    max_total: crate::runner::MAX_TOTAL,
    run_size: (2, 1_000_000),
    check_size: (2, 2),
    catalogue_size: (2, 2),
    names: &[],
};

impl Lab for LostUpdate {
    fn card(&self) -> &'static Card {
        &CARD
    }

    fn lesson(&self) -> &'static str {
        include_str!("README.md")
    }

    fn info(&self) -> &'static str {
        include_str!("info.toml")
    }

    fn run(&self, on: Backend, variant: &str, case: &Case) -> Option<State> {
        run_solution(on, variant, case)
    }

    fn puzzles(&self) -> &'static [Puzzle] {
        PUZZLES
    }

    fn worker(&self, job: &[u64]) -> Result<u64, String> {
        real::worker(job)
    }

    fn combine(&self, reports: &[u64]) -> u64 {
        real::solution::combine(reports)
    }
}

/// The stepper's puzzles (`racelab step --puzzle ID`).
static PUZZLES: &[Puzzle] = &[
    Puzzle {
    id: "lose-one",
    variant: "racy",
    size: (2, 1),
    goal: "make two increments end at 1",
    reached: Goal::Final(|s| s.value() == 1),
    },
    Puzzle {
    id: "two-of-six",
    variant: "racy",
    size: (2, 3),
    goal: "make two threads of 3 increments end at 2 (not 1: why?)",
    reached: Goal::Final(|s| s.value() == 2),
    },
    Puzzle {
    id: "locked-and-lost",
    variant: "wrong_split_lock",
    size: (2, 1),
    goal: "lose an update although every read and every write holds the lock",
    reached: Goal::Final(|s| s.value() == 1),
    },
];
