//! Lab 05 — message passing: share by communicating.
//!
//! "Do not communicate by sharing memory; share memory by communicating."
//! Instead of N threads writing one counter, N workers **send** their
//! increments over a channel to one **owner** thread that alone holds the
//! count — one message per increment (`channel`), or one per batch
//! (`batched`); or each thread counts alone and hands a **partial count**
//! back when it is joined (`partials`, scoped threads). Nothing is shared, so
//! nothing can be lost — as long as the owner reads everything: its count is
//! final only once every sender has hung up, a full bounded channel can
//! deadlock, and a batch left unsent is a batch lost.
//!
//! Compiled once per backend like every lab: on real threads the channel is
//! crossbeam's; under loom and in the stepper it is the swap module's own
//! (crossbeam's API, loom's mutex and condition variable), so every send and
//! receive is a step of the schedule.
//!
//! ```text
//! racelab run 5 --variant channel      # real threads, crossbeam channel
//! racelab check 5 --variant channel    # loom: every interleaving of workers and owner
//! racelab bench 5                      # per-message vs batched vs fetch_add vs partials
//! cargo test --test lab_05             # all of the lab's claims
//! ```

use crate::lab::{Backend, Card, Case, Kind::*, Lab, Limits, State, Variant};

crate::backends!("reference.rs", answers: "answers.rs");

/// How the judge checks this lab's exercises.
#[path = "judge.rs"]
pub mod judge;

/// Lab 05.
#[derive(Debug)]
pub struct MessagePassing;

/// Lab 05, as the registry lists it.
pub static LAB: MessagePassing = MessagePassing;

static CARD: Card = Card {
    number: 5,
    slug: "message_passing",
    title: "Message passing: share by communicating",
    unit: "increments",
    measure: "final",
    variants: &[
        Variant {
            name: "racy",
            kind: Racy,
            summary: "one shared counter, separate load and store: a race condition",
        },
        Variant { name: "mutex", kind: Fix, summary: "one shared std::sync::Mutex" },
        Variant { name: "parking_lot", kind: Fix, summary: "one shared parking_lot::Mutex" },
        Variant { name: "atomic", kind: Fix, summary: "one shared AtomicU64::fetch_add" },
        Variant {
            name: "process",
            kind: Fix,
            summary: "worker processes count alone and send one report each over a pipe",
        },
        Variant {
            name: "channel",
            kind: Fix,
            summary: "workers send one message per increment to one owner thread (crossbeam channel)",
        },
        Variant {
            name: "bounded",
            kind: Fix,
            summary: "the same over a channel of capacity 1: senders wait while the owner catches up",
        },
        Variant { name: "batched_10", kind: Fix, summary: "workers send batches of 10 increments to the owner" },
        Variant {
            name: "batched",
            kind: Fix,
            summary: "workers send batches of 100 increments to the owner (the last batch smaller)",
        },
        Variant {
            name: "batched_1000",
            kind: Fix,
            summary: "workers send batches of 1000 increments to the owner",
        },
        Variant {
            name: "partials",
            kind: Fix,
            summary: "scoped threads count alone and return partial counts, merged at join",
        },
        Variant {
            name: "wrong_early_read",
            kind: WrongFix,
            summary: "the owner's published count read before it has received everything",
        },
        Variant {
            name: "wrong_bounded_deadlock",
            kind: WrongFix,
            summary: "a channel of capacity 1 and an owner started only after the workers are joined",
        },
        Variant {
            name: "wrong_lost_final_batch",
            kind: WrongFix,
            summary: "batches sent only when full: each worker's last, partial batch is lost",
        },
        Variant {
            name: "wrong_try_recv_owner",
            kind: WrongFix,
            summary: "an owner that stops polling the first time the channel is empty",
        },
    ],
    // Lab 05's loom limits (measured in a debug build on 2 cores; see `tests.rs`).
    //
    // Every send and receive is a scheduling point, and the owner and the parent
    // are threads too: `channel` takes 1 131 executions at 2×1 and 60 078 (9 s) at
    // 2×2, and had not finished 3×1 after 60 s (468 968 executions).
    limits: Limits {
        racy: &[8, 3, 1],
        fix: &[8, 3, 2],
        by_variant: &[
            ("channel", &[3, 2]),
            ("bounded", &[3, 1]),
            ("batched_10", &[8, 8]),
            ("batched", &[8, 8]),
            ("batched_1000", &[8, 8]),
            ("partials", &[8, 8, 8]),
            ("process", &[8, 8, 8]),
            ("wrong_early_read", &[2, 1]),
            ("wrong_bounded_deadlock", &[8, 8, 8]),
            ("wrong_lost_final_batch", &[8, 8, 1]),
            ("wrong_try_recv_owner", &[8, 2]),
        ],
    },
    max_total: crate::runner::MAX_TOTAL,
    run_size: (2, 1_000_000),
    check_size: (2, 1),
    catalogue_size: (2, 1),
    names: &[],
};

impl Lab for MessagePassing {
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

    fn explain(&self, value: u64, expected: u64) -> String {
        match expected.checked_sub(value) {
            Some(lost) if value == 0 && lost > 0 => format!("all {lost} increments lost: the count is 0"),
            Some(1) => "1 increment lost".to_string(),
            Some(lost) => format!("{lost} increments lost"),
            None => format!("{} more than the exact total", value - expected),
        }
    }
}
