//! Lab 03 — an invariant across two counters: a transfer between two accounts.
//!
//! All the money starts in account `a`; transfer threads each move `iters`
//! units to account `b`, one at a time, and an observer thread checks that
//! `a + b` is always the total. Two separate updates leave a moment where the
//! unit has left `a` but not reached `b` — and making each account atomic
//! does not remove that moment. Only a single indivisible step over *both*
//! accounts (one lock, one packed atomic word, or one owner) keeps the
//! invariant for every observer.
//!
//! The state of one execution is what the observer saw (the first wrong
//! `a + b`, or the right one if every look was right) *and* both accounts at
//! the end: a transfer that keeps `a + b` but moves nothing is wrong too.
//!
//! ```text
//! racelab check 3 --variant per_variable_atomic   # loom: the torn observation
//! racelab run 3 --variant per_variable_atomic     # real threads: how often an observer sees it
//! cargo test --test lab_03
//! ```

use crate::lab::{Backend, Card, Case, Goal, Kind::*, Lab, Limits, Puzzle, State, Variant};

crate::backends!("reference.rs", answers: "answers.rs");

/// How the judge checks this lab's exercises.
#[path = "judge.rs"]
pub mod judge;

/// Lab 03.
#[derive(Debug)]
pub struct Invariant;

/// Lab 03, as the registry lists it.
pub static LAB: Invariant = Invariant;

static CARD: Card = Card {
    number: 3,
    slug: "invariant",
    title: "An invariant across two counters: a + b stays constant",
    unit: "transfers",
    measure: "a + b seen",
    variants: &[
        Variant { name: "racy", kind: Racy, summary: "separate load and store on each account" },
        Variant {
            name: "mutex",
            kind: Fix,
            summary: "one std::sync::Mutex over both accounts, for writers and readers",
        },
        Variant { name: "parking_lot", kind: Fix, summary: "one parking_lot::Mutex over both accounts" },
        Variant { name: "atomic", kind: Fix, summary: "both accounts packed in one AtomicU64, updated by CAS" },
        Variant { name: "process", kind: Fix, summary: "one owner applies transfers sent as messages" },
        Variant {
            name: "per_variable_atomic",
            kind: WrongFix,
            summary: "each account atomic: the invariant still tears",
        },
        Variant {
            name: "wrong_seqcst",
            kind: WrongFix,
            summary: "per-account atomics with SeqCst: ordering is not atomicity",
        },
        Variant { name: "wrong_two_locks", kind: WrongFix, summary: "one lock per account" },
        Variant { name: "wrong_unlocked_reader", kind: WrongFix, summary: "writers lock, the observer does not" },
        Variant {
            name: "wrong_lock_order",
            kind: WrongFix,
            summary: "a lock per account, both held, taken in opposite orders: a deadlock",
        },
    ],
    // Measured in a debug build (as `cargo run` runs it), 2 cores: racy 2×1 had not
    // finished after 60 s (216 806 executions); mutex 3×1 took 36 s, 2×2 2 s; the
    // packed atomic 2×2 had not finished after 60 s, 2×1 takes ~1 s.
    limits: Limits {
        racy: &[2, 1],
        fix: &[4, 2],
        by_variant: &[("racy", &[2]), ("atomic", &[4, 1]), ("process", &[8, 8, 8, 8])],
    },
    // The packed-atomic fix keeps each account in 32 bits.
    max_total: u32::MAX as u64,
    run_size: (2, 1_000_000),
    // Every thread touches account a before account b, so first use names the atomics;
    // the two locks of `TwoLocks` are named by address (a comes first: `repr(C)`).
    check_size: (1, 2),
    catalogue_size: (1, 1),
    names: &[("atomic", &["a", "b"]), ("mutex", &["a", "b"])],
};

impl Lab for Invariant {
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

    fn expected(&self, threads: usize, iters: u64) -> u64 {
        real::expected(threads, iters)
    }

    fn judge(&self, case: &Case, state: &State) -> Result<(), String> {
        real::judge(case, state)
    }

    fn spec(&self, case: &Case) -> String {
        real::spec(case)
    }

    /// "2 threads × 1, 3 units in the bank": the case's stock is the money to move.
    fn describe(&self, case: &Case) -> String {
        case.describe(self.unit(), &|name, value| (name == "stock").then(|| format!("{value} unit{} in the bank", if value == 1 { "" } else { "s" })))
    }

    fn decoder(&self) -> Option<fn(u64) -> String> {
        Some(real::decode)
    }

    fn jobs(&self, threads: usize, iters: u64) -> Vec<Vec<u64>> {
        real::jobs(threads, iters)
    }

    fn worker(&self, job: &[u64]) -> Result<u64, String> {
        real::worker(job)
    }

    fn combine(&self, reports: &[u64]) -> u64 {
        let (a, b) = real::solution::combine(reports);
        a.saturating_add(b)
    }

    fn explain(&self, value: u64, expected: u64) -> String {
        if value < expected {
            format!(
                "an observer saw a + b = {value}: {} in flight between the accounts",
                crate::lab::counting::plural(expected - value, "unit")
            )
        } else {
            format!("an observer saw a + b = {value}: {} counted twice", crate::lab::counting::plural(value - expected, "unit"))
        }
    }
}

/// The stepper's puzzles (`racelab step --puzzle ID`).
static PUZZLES: &[Puzzle] = &[
    Puzzle {
    id: "torn",
    variant: "per_variable_atomic",
    size: (1, 1),
    goal: "make the observer see a + b ≠ 1 with atomic accounts",
    reached: Goal::Final(|s| s.value() != 1),
    },
    Puzzle {
    id: "counted-twice",
    variant: "per_variable_atomic",
    size: (1, 1),
    goal: "make the observer count the unit twice: a + b = 2",
    reached: Goal::Final(|s| s.value() == 2),
    },
    Puzzle {
    id: "two-locks",
    variant: "wrong_two_locks",
    size: (1, 1),
    goal: "with a lock per account, make the observer see the unit in neither",
    reached: Goal::Final(|s| s.value() == 0),
    },
    Puzzle {
    id: "deadlock",
    variant: "wrong_lock_order",
    size: (1, 1),
    goal: "deadlock the two threads: the transfer locks a then b, the observer b then a",
    reached: Goal::Deadlock,
    },
];
