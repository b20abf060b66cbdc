//! Lab 02 — check-then-act: a capped counter that must never oversell.
//!
//! A box office has `capacity` tickets. Each buyer thread makes purchase
//! attempts: *if a ticket is left, sell it*, and tell the buyer yes or no.
//! Checking with one atomic load and selling with a separate `fetch_add`
//! makes each step atomic and the pair not: two buyers see the last ticket
//! free and both take it. By default the capacity is one less than the demand,
//! so buyers compete for the last ticket; the exercise checks also use a
//! capacity equal to the demand (every buyer must get a yes), above it, and 0.
//!
//! A box office is right when it sold `min(capacity, demand)` tickets *and*
//! the buyers' yeses add up to exactly that: no ticket sold twice, none left
//! unsold while a buyer was turned away.
//!
//! ```text
//! racelab check 2 --variant racy     # loom: the oversell, step by step
//! racelab run 2                      # real threads: rare — the window is one ticket wide
//! cargo test --test lab_02
//! ```

use crate::lab::{Backend, Card, Case, Goal, Kind::*, Lab, Limits, Puzzle, State, Variant};

crate::backends!("reference.rs", answers: "answers.rs");

/// How the judge checks this lab's exercises.
#[path = "judge.rs"]
pub mod judge;

/// Lab 02.
#[derive(Debug)]
pub struct CheckThenAct;

/// Lab 02, as the registry lists it.
pub static LAB: CheckThenAct = CheckThenAct;

static CARD: Card = Card {
    number: 2,
    slug: "check_then_act",
    title: "Check-then-act: never sell more tickets than exist",
    unit: "purchase attempts",
    measure: "sold",
    variants: &[
        Variant { name: "racy", kind: Racy, summary: "check with a load, then sell with fetch_add" },
        Variant { name: "mutex", kind: Fix, summary: "check and sell under one std::sync::Mutex guard" },
        Variant { name: "parking_lot", kind: Fix, summary: "check and sell under one parking_lot::Mutex guard" },
        Variant { name: "atomic", kind: Fix, summary: "fetch_update: a compare-and-swap loop" },
        Variant { name: "process", kind: Fix, summary: "tickets split among worker processes up front" },
        Variant {
            name: "wrong_ignored_cas",
            kind: WrongFix,
            summary: "compare_exchange whose failure is ignored: undersells",
        },
        Variant {
            name: "wrong_check_under_lock",
            kind: WrongFix,
            summary: "check under the lock, sell under a second locking",
        },
        Variant {
            name: "wrong_fetch_add_then_check",
            kind: WrongFix,
            summary: "take a number first, check after: the count overshoots",
        },
    ],
    limits: Limits { racy: &[8, 3, 1], fix: &[8, 3, 1], by_variant: &[] },
    max_total: crate::runner::MAX_TOTAL,
    // Many short trials: each has one race for the last ticket.
    run_size: (4, 1_000),
    check_size: (2, 2),
    catalogue_size: (2, 2),
    names: &[],
};

impl Lab for CheckThenAct {
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

    /// "2 threads × 1, 3 tickets on sale": the case's stock is the capacity.
    fn describe(&self, case: &Case) -> String {
        case.describe(self.unit(), &|name, value| (name == "stock").then(|| format!("{value} ticket{} on sale", if value == 1 { "" } else { "s" })))
    }

    fn jobs(&self, threads: usize, iters: u64) -> Vec<Vec<u64>> {
        real::jobs(threads, iters)
    }

    fn worker(&self, job: &[u64]) -> Result<u64, String> {
        real::worker(job)
    }

    fn combine(&self, reports: &[u64]) -> u64 {
        real::solution::combine(reports)
    }

    fn explain(&self, value: u64, expected: u64) -> String {
        match value.cmp(&expected) {
            std::cmp::Ordering::Greater => format!("{} oversold", crate::lab::counting::plural(value - expected, "ticket")),
            _ => format!("{} left unsold although buyers wanted them", crate::lab::counting::plural(expected - value, "ticket")),
        }
    }
}

/// The stepper's puzzles (`racelab step --puzzle ID`).
static PUZZLES: &[Puzzle] = &[
    Puzzle {
    id: "oversell",
    variant: "racy",
    size: (2, 1),
    goal: "sell a ticket past capacity (1 ticket, 2 buyers)",
    reached: Goal::Final(|s| s.value() > 1),
    },
    Puzzle {
    id: "undersell",
    variant: "wrong_ignored_cas",
    size: (2, 2),
    goal: "leave a ticket unsold while a buyer wanted it (3 tickets, 4 attempts)",
    reached: Goal::Final(|s| s.value() < 3),
    },
];
