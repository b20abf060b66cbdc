//! Lab 07 — the GIL: a global interpreter lock serialises CPU work, but does
//! not make `count += 1` atomic.
//!
//! A small model of CPython's interpreter. Each "Python thread" runs a tiny
//! bytecode program (`Op`) and may run an instruction only while it holds
//! the one global lock, the `Gil`. `count += 1` compiles to three
//! instructions — `Load`, `AddConst(1)`, `Store` — and the running thread
//! hands the GIL over only at *switch points*, which a `Policy` decides:
//!
//! * `Policy::EveryInstruction`: before any instruction (the old model):
//!   a switch between `Load` and `Store` loses an update, GIL or not;
//! * `Policy::CallsAndBackEdges`: only at function calls and loop
//!   back-edges (CPython 3.10 and later): a bare `count += 1` never has a
//!   switch inside it, but `count += one()` does — the call.
//!
//! Blocking I/O (`Op::Io`) releases the GIL while the thread waits, so
//! threads that mostly wait run side by side; threads that compute take
//! turns. Under loom the GIL is a model mutex and dropping and retaking it
//! at a switch point is where another model thread can get in; on real
//! threads the holder hands it over every `GIL_SWITCH_INTERVAL`
//! instructions when another thread is waiting (with a fair hand-off, as
//! CPython forces a switch). Compiled once per backend like every lab.
//!
//! ```text
//! cargo run -- run 7                        # real threads under one GIL: updates lost
//! cargo run -- check 7 --variant backedges  # loom: 3.10+ switching, count += 1 never loses
//! cargo run --release -- bench 7            # CPU-bound vs IO-bound, threads vs processes, beside CPython
//! cargo test --test lab_07                  # all of the lab's claims
//! ```

use crate::lab::{Backend, Bench, Card, Case, Kind::*, Lab, Limits, State, Variant};

crate::backends!("reference.rs", answers: "answers.rs");

/// `racelab bench 7`: the interpreter under its GIL measured beside CPython.
#[path = "bench.rs"]
pub mod bench;

/// How the judge checks this lab's exercises.
#[path = "judge.rs"]
pub mod judge;

/// Lab 07.
#[derive(Debug)]
pub struct Gil;

/// Lab 07, as the registry lists it.
pub static LAB: Gil = Gil;

static CARD: Card = Card {
    number: 7,
    slug: "gil",
    title: "The GIL: one global lock serialises CPU work but does not make += atomic",
    unit: "increments",
    measure: "final",
    variants: &[
        Variant {
            name: "racy",
            kind: Racy,
            summary: "count += 1 as Load, AddConst, Store under the GIL; a switch may come before any bytecode",
        },
        Variant {
            name: "backedges",
            kind: Fix,
            summary: "the same, switching only at calls and loop back-edges (CPython 3.10+): no switch inside +=",
        },
        Variant {
            name: "mutex",
            kind: Fix,
            summary: "with lock: count += 1 (a std::sync::Mutex as threading.Lock)",
        },
        Variant {
            name: "parking_lot",
            kind: Fix,
            summary: "with lock: count += 1 (a parking_lot::Mutex as threading.Lock)",
        },
        Variant {
            name: "acquire",
            kind: Fix,
            summary: "with lock: count += 1, where lock.acquire() blocks with the GIL released",
        },
        Variant {
            name: "atomic",
            kind: Fix,
            summary: "one in-place-add bytecode: the GIL makes one bytecode atomic",
        },
        Variant {
            name: "process",
            kind: Fix,
            summary: "worker processes, each its own interpreter and GIL; the parent sums",
        },
        Variant {
            name: "wrong_call_rhs",
            kind: WrongFix,
            summary: "count += one() with 3.10+ switching: entering the call is a switch point inside the +=",
        },
        Variant { name: "wrong_lock_load_only", kind: WrongFix, summary: "the user's lock around the load only" },
        Variant { name: "wrong_lock_store_only", kind: WrongFix, summary: "the user's lock around the store only" },
        Variant {
            name: "wrong_locked_parts",
            kind: WrongFix,
            summary: "the read locked and the write locked, each on its own (multiprocessing.Value's v.value += 1)",
        },
    ],
    // Lab 07's loom limits (measured in a debug build on 2 cores; see `tests.rs`).
    //
    // Every thread-based variant: 2×1 / 2×2 / 3×1 executions — racy 42 / 546 / 21 848;
    // backedges 12 / 42 / 920; the user's lock (`mutex`, `parking_lot`, `acquire`) 231 / 26 694 /
    // not finished in 45 s; wrong_lock_load_only 861 / not finished in 45 s.
    limits: Limits {
        racy: &[8, 2, 1],
        fix: &[8, 2, 1],
        by_variant: &[
            ("mutex", &[8, 2]),
            ("parking_lot", &[8, 2]),
            ("acquire", &[8, 2]),
            ("wrong_lock_load_only", &[8, 1]),
            ("wrong_lock_store_only", &[8, 1]),
            ("wrong_locked_parts", &[8, 1]),
        ],
    },
    max_total: crate::runner::MAX_TOTAL,
    run_size: (2, 1_000_000),
    check_size: (2, 1),
    catalogue_size: (2, 1),
    names: &[("mutex", &["gil"]), ("mutex", &["gil", "lock"]), ("atomic", &["count"])],
};

impl Lab for Gil {
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

    /// The case's lock in words: "2 threads × 1, the user lock a parking_lot::Mutex".
    fn describe(&self, case: &Case) -> String {
        case.describe("thread", &|name, value| {
            (name == real::PARKING_LOT).then(|| {
                let kind = if value == 1 { "a parking_lot::Mutex" } else { "std's Mutex" };
                format!("the user lock {kind}")
            })
        })
    }

    fn bench(&self) -> Option<Bench> {
        Some(bench::serve)
    }

    fn worker(&self, job: &[u64]) -> Result<u64, String> {
        real::worker(job)
    }

    fn combine(&self, reports: &[u64]) -> u64 {
        real::solution::combine(reports)
    }
}
