//! Lab 06 — contention: correctness is not speed.
//!
//! Every variant here except `racy` counts exactly; they differ only in how
//! fast. One hot counter — an atomic or a mutex — is one cache line that
//! every core must own in turn to write, so more threads can make the count
//! *slower*: not "because of race conditions" (a race makes a result wrong,
//! not slow) but because of contention and cache-line ping-pong. Shards
//! padded onto cache lines of their own, and counts kept in a thread's own
//! variable and merged at the end, take the shared line out of the loop.
//! Shards packed side by side are just as correct and share one line
//! anyway: *false sharing*. Compiled once per backend like every lab, so
//! loom checks the very code that `racelab bench 6` times.
//!
//! ```text
//! cargo run --release -- bench 6     # throughput of every variant at 1, 2, 4, … threads
//! cargo run -- check 6 --variant sharded
//! cargo test --test lab_06           # all of the lab's claims
//! ```

use crate::lab::{Backend, Card, Case, Kind::*, Lab, Limits, State, Variant};

crate::backends!("reference.rs", answers: "answers.rs");

/// How the judge checks this lab's exercises.
#[path = "judge.rs"]
pub mod judge;

/// Lab 06.
#[derive(Debug)]
pub struct Contention;

/// Lab 06, as the registry lists it.
pub static LAB: Contention = Contention;

static CARD: Card = Card {
    number: 6,
    slug: "contention",
    title: "Contention: correctness is not speed",
    unit: "increments",
    measure: "final",
    variants: &[
        Variant { name: "racy", kind: Racy, summary: "one hot counter, separate load and store: fast and wrong" },
        Variant { name: "atomic", kind: Fix, summary: "one hot AtomicU64::fetch_add that every thread hammers" },
        Variant { name: "mutex", kind: Fix, summary: "one hot std::sync::Mutex" },
        Variant { name: "parking_lot", kind: Fix, summary: "one hot parking_lot::Mutex" },
        Variant {
            name: "sharded",
            kind: Fix,
            summary: "a shard per thread, each on its own cache line (CachePadded); summed at the end",
        },
        Variant {
            name: "false_shared",
            kind: Fix,
            summary: "a shard per thread, side by side: right, but one cache line (false sharing)",
        },
        Variant {
            name: "thread_local",
            kind: Fix,
            summary: "each thread counts in a local variable and publishes once",
        },
        Variant { name: "process", kind: Fix, summary: "worker processes count alone; the parent merges" },
        Variant {
            name: "wrong_too_few_shards",
            kind: WrongFix,
            summary: "two threads per shard, updated by load and store as if private",
        },
        Variant {
            name: "wrong_publish_store",
            kind: WrongFix,
            summary: "thread-local counts published with store: the last one wins",
        },
        Variant {
            name: "wrong_publish_load_store",
            kind: WrongFix,
            summary: "thread-local counts published with a separate load and store",
        },
    ],
    // Measured in a debug build on 2 cores; see `tests.rs`.
    limits: Limits { racy: &[8, 3, 1], fix: &[8, 3, 2], by_variant: &[] },
    max_total: crate::runner::MAX_TOTAL,
    run_size: (2, 1_000_000),
    check_size: (2, 2),
    catalogue_size: (2, 1),
    names: &[],
};

impl Lab for Contention {
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

    fn judge(&self, case: &Case, state: &State) -> Result<(), String> {
        real::judge(case, state)
    }

    fn worker(&self, job: &[u64]) -> Result<u64, String> {
        real::worker(job)
    }

    fn combine(&self, reports: &[u64]) -> u64 {
        real::solution::combine(reports)
    }
}
