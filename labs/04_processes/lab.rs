//! Lab 04 — processes: isolation fixes races only while nothing is shared.
//!
//! Each process owns its memory. A child made by `fork` gets a *copy* of the
//! parent's memory, a child started by spawn (`racelab worker`) starts fresh
//! from `main`: either way its increments never reach the parent. Processes
//! that share a page on purpose (a shared mapping) race on it exactly as
//! threads do, and need the same fixes: one atomic step, or a lock that lives
//! in the shared page.
//!
//! Under loom the worker processes are model threads whose **only** shared
//! state is the `Page` (loom cannot run processes); on real hardware the
//! same functions run in real processes that map one page
//! (`crate::labs::os`), and on real threads for the judge's real stage.
//!
//! ```text
//! racelab run 4                      # real processes sharing a page: updates lost
//! racelab check 4 --variant racy     # loom: the workers' interleaving that loses one
//! cargo test --test lab_04           # all of the lab's claims
//! ```

use crate::lab::{Backend, Card, Case, Demo, Kind::*, Lab, Limits, State, Variant};

crate::backends!("reference.rs", answers: "answers.rs");

/// Lab 04 on real processes: a page shared between processes, `fork` versus spawn.
#[path = "os.rs"]
pub mod os;

/// How the judge checks this lab's exercises.
#[path = "judge.rs"]
pub mod judge;

/// Lab 04.
#[derive(Debug)]
pub struct Processes;

/// Lab 04, as the registry lists it.
pub static LAB: Processes = Processes;

static CARD: Card = Card {
    number: 4,
    slug: "processes",
    title: "Processes: isolation fixes races only while nothing is shared",
    unit: "increments",
    measure: "final",
    variants: &[
        Variant {
            name: "racy",
            kind: Racy,
            summary: "worker processes share a page; separate load and store on its counter",
        },
        Variant { name: "atomic", kind: Fix, summary: "fetch_add on the counter in the shared page" },
        Variant { name: "lock", kind: Fix, summary: "a spin lock that lives in the shared page" },
        Variant { name: "process", kind: Fix, summary: "share nothing: workers count alone; the parent sums" },
        Variant {
            name: "wrong_fork_copy",
            kind: WrongFix,
            summary: "children count in their fork copy: the parent sees none of it",
        },
        Variant {
            name: "wrong_locked_parts",
            kind: WrongFix,
            summary: "each read and each write locked on its own (CPython's v.value += 1)",
        },
        Variant {
            name: "wrong_test_then_set",
            kind: WrongFix,
            summary: "wait until the lock is free, then take it: two workers take it",
        },
        Variant {
            name: "wrong_relaxed_lock",
            kind: WrongFix,
            summary: "a spin lock with Relaxed orderings: the next holder may read a stale count",
        },
    ],
    // Measured in a debug build, 2 cores: the spin lock passes 2×1 / 2×2 / 2×3 in 21 / 309 /
    // 7 104 executions (0.7 s) and exceeds loom's branch limit at 3×1 (a waiting worker spins
    // while two others run); wrong_locked_parts takes 43 s at 2×2, wrong_relaxed_lock 0.9 s.
    limits: Limits {
        racy: &[8, 3, 1],
        fix: &[8, 3, 1],
        by_variant: &[
            ("lock", &[8, 3]),
            ("wrong_locked_parts", &[8, 1]),
            ("wrong_test_then_set", &[8, 1]),
            ("wrong_relaxed_lock", &[8, 2]),
        ],
    },
    max_total: crate::runner::MAX_TOTAL,
    run_size: (2, 1_000_000),
    check_size: (2, 1),
    catalogue_size: (2, 1),
    // With two objects, a worker always takes the lock before it touches the counter.
    names: &[("atomic", &["lock", "counter"])],
};

impl Lab for Processes {
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

    fn real(&self, variant: &str, threads: usize, iters: u64) -> Result<u64, String> {
        os::real(variant, threads, iters)
    }

    fn judge(&self, case: &Case, state: &State) -> Result<(), String> {
        real::judge(case, state)
    }

    fn spec(&self, case: &Case) -> String {
        real::spec(case)
    }

    fn worker(&self, job: &[u64]) -> Result<u64, String> {
        os::serve(job)
    }

    fn combine(&self, reports: &[u64]) -> u64 {
        real::solution::combine(reports)
    }

    fn demo(&self) -> Option<Demo> {
        Some(os::serve_demo)
    }

    fn explain(&self, value: u64, expected: u64) -> String {
        match expected.checked_sub(value) {
            Some(lost) if value == 0 && lost > 0 => {
                format!("all {lost} increments lost: the parent's counter is still 0")
            }
            Some(1) => "1 update lost".to_string(),
            Some(lost) => format!("{lost} updates lost"),
            None => format!("{} more than the exact total", value - expected),
        }
    }
}
