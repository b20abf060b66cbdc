//! The labs: each lab's code, compiled once per backend, and the catalogue.
//!
//! Every lab file (`src/labs/NN_slug.rs`) and the shared [`harness`](real::harness)
//! are listed once, in `src/labs/each_lab.rs`, and that list is included into
//! two modules, [`real`] and [`model`]. Each of those re-exports its backend
//! as `sync`, and the lab code imports only `super::sync::…`, so the same
//! source runs on OS threads and under loom.
//!
//! # Examples
//!
//! ```
//! use racelab::labs;
//!
//! let lab = labs::find("1").unwrap();
//! assert_eq!(lab.slug, "lost_update");
//! assert_eq!((lab.real)("atomic", 2, 1000), Some(2000));
//! ```

pub mod model;
pub mod os;
pub mod real;
mod state;
pub mod step;

pub use state::{Case, State};

/// One learner answer in a lab's catalogue: a lab's fixes with one
/// exercise's functions replaced by a plausible answer, right or wrong.
#[derive(Clone, Copy, Debug)]
pub struct Answer<F> {
    /// A short name, e.g. `split_lock`.
    pub name: &'static str,
    /// The exercise it answers.
    pub exercise: &'static str,
    /// `true` for a right answer the judge must accept.
    pub right: bool,
    /// The fixes, with the answer in place.
    pub fixes: F,
}

impl<F> Answer<F> {
    /// A wrong answer: the judge must reject it.
    pub fn wrong(name: &'static str, exercise: &'static str, fixes: F) -> Self {
        Answer { name, exercise, right: false, fixes }
    }

    /// A right answer: the judge must accept it.
    pub fn right(name: &'static str, exercise: &'static str, fixes: F) -> Self {
        Answer { name, exercise, right: true, fixes }
    }
}

/// What role a variant plays in its lab.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Kind {
    /// The deliberately unsynchronised version: loom must catch it.
    Racy,
    /// A correct fix: loom must pass every interleaving.
    Fix,
    /// A plausible but wrong fix from the catalogue: loom must reject it.
    WrongFix,
    /// A true data race on plain memory: run only under loom.
    DataRace,
}

/// One version of a lab's scenario.
#[derive(Debug)]
pub struct Variant {
    /// The name used on the command line (`--variant racy`).
    pub name: &'static str,
    /// Its role.
    pub kind: Kind,
    /// One line on what it does.
    pub summary: &'static str,
}

/// A lab: its lesson, its variants and how to run them.
#[derive(Debug)]
pub struct Lab {
    /// 1-based lab number.
    pub number: u8,
    /// The folder name after the number, e.g. `lost_update`.
    pub slug: &'static str,
    /// A short title.
    pub title: &'static str,
    /// What one step of a thread is called: "increments", "purchase attempts", …
    pub unit: &'static str,
    /// What a run's value measures, as schedules print it: "final", "sold", "a + b seen".
    pub measure: &'static str,
    /// The lesson (`labs/NN_slug/README.md`), embedded at build time.
    pub lesson: &'static str,
    /// The lab's variants, racy first.
    pub variants: &'static [Variant],
    /// The correct final value for `threads` threads of `iters` steps.
    pub expected: fn(usize, u64) -> u64,
    /// Runs a variant on real threads and returns its headline value, e.g.
    /// the final count (`None`: no such variant).
    pub real: fn(&str, usize, u64) -> Option<u64>,
    /// Runs a variant inside loom's model and returns the whole observable
    /// [`State`] (`None`: no such variant).
    pub model: fn(&str, &Case) -> Option<State>,
    /// Runs a variant on shuttle's threads with the learner as the scheduler
    /// (see [`crate::stepper`]; `None`: no such variant).
    pub step: fn(&str, &Case) -> Option<State>,
    /// The lab's specification: `Ok` when a state is right for the case, else
    /// what is wrong with it, in words ("1 update lost").
    pub judge: fn(&Case, &State) -> Result<(), String>,
    /// The right state for a case, as the learner reads it ("2", "sold=3 …").
    pub spec: fn(&Case) -> String,
    /// How to show a value of the lab's one atomic word, when it packs
    /// several numbers (lab 03: `a=2 b=0`); `None` shows numbers as they are.
    pub decode: Option<fn(u64) -> String>,
    /// The jobs of the process fix's workers for `threads` × `iters`, one list of numbers each.
    pub jobs: fn(usize, u64) -> Vec<Vec<u64>>,
    /// What one worker process computes from its job (the process fix).
    pub worker: fn(&[u64]) -> Result<u64, String>,
    /// How the parent combines the workers' reports (the process fix).
    pub combine: fn(&[u64]) -> u64,
    /// Describes a wrong final value, e.g. "2 updates lost".
    pub explain: fn(u64, u64) -> String,
    /// The largest sizes loom finishes exhaustively (in seconds to a minute here).
    pub limits: Limits,
    /// The largest threads × iterations a real run accepts.
    pub max_total: u64,
    /// `cargo run -- run`'s default threads × iterations: big enough to show the race on real hardware.
    pub run_size: (usize, u64),
    /// The size at which loom must reject every catalogued wrong fix.
    pub catalogue_size: (usize, u64),
    /// `cargo run -- check`'s default threads × iterations.
    pub check_size: (usize, u64),
    /// Names for the objects in a schedule, per kind, in order of first use
    /// (mutexes: in order of address, since locks may be taken in any order).
    pub names: &'static [(&'static str, &'static [&'static str])],
}

/// The largest iteration count loom explores exhaustively, per thread count
/// (index 0 is one thread): larger models are refused unless bounded.
///
/// Measured on a 2-core machine: lab 01's racy counter takes 12 546
/// executions at 2×3 and was still going after 2.8 million executions (4 min) at 3×2; lab 03's
/// observer thread makes its models far larger (racy 2×1: 267 380).
#[derive(Clone, Copy, Debug)]
pub struct Limits {
    /// For racy variants, wrong fixes and data races.
    pub racy: &'static [u64],
    /// For fixes.
    pub fix: &'static [u64],
    /// Variants whose models grow faster or slower than their kind's, with their own table.
    pub by_variant: &'static [(&'static str, &'static [u64])],
}

impl Limits {
    /// The table for `variant` of kind `kind`: index `t - 1` is the most
    /// iterations loom explores exhaustively with `t` threads.
    pub fn table(&self, variant: &str, kind: Kind) -> &'static [u64] {
        if let Some((_, table)) = self.by_variant.iter().find(|(name, _)| *name == variant) {
            return table;
        }
        if matches!(kind, Kind::Racy | Kind::WrongFix | Kind::DataRace) { self.racy } else { self.fix }
    }
}

impl Lab {
    /// The lab's folder under `labs/`, e.g. `01_lost_update`.
    pub fn folder(&self) -> String {
        format!("{:02}_{}", self.number, self.slug)
    }

    /// Looks up a variant by name.
    pub fn variant(&self, name: &str) -> Result<&'static Variant, String> {
        self.variants.iter().find(|v| v.name == name).ok_or_else(|| {
            let names: Vec<_> = self.variants.iter().map(|v| v.name).collect();
            format!("lab {} has no variant `{name}`; try one of: {}", self.number, names.join(", "))
        })
    }
}

use Kind::*;

/// Every lab, in course order.
pub static LABS: &[Lab] = &[
    Lab {
        number: 1,
        slug: "lost_update",
        title: "The lost update: count += 1 from N threads",
        unit: "increments",
        measure: "final",
        lesson: include_str!("../../labs/01_lost_update/README.md"),
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
        expected: real::lost_update::expected,
        real: |v, t, k| {
            real::lost_update::run(v, &real::lost_update::Fixes::SOLUTION, &Case::new(t, k)).map(|s| s.value())
        },
        model: |v, case| model::lost_update::run(v, &model::lost_update::Fixes::SOLUTION, case),
        step: |v, case| step::lost_update::run(v, &step::lost_update::Fixes::SOLUTION, case),
        judge: real::lost_update::judge,
        spec: real::lost_update::spec,
        decode: None,
        jobs: real::lost_update::jobs,
        worker: real::lost_update::worker,
        combine: real::lost_update::solution::combine,
        limits: Limits { racy: &[8, 3, 1], fix: &[8, 3, 2], by_variant: &[] },
        max_total: crate::runner::MAX_TOTAL,
        run_size: (2, 1_000_000),
        check_size: (2, 2),
        catalogue_size: (2, 2),
        names: &[],
        explain: |value, expected| match expected.checked_sub(value) {
            Some(1) => "1 update lost".to_string(),
            Some(lost) => format!("{lost} updates lost"),
            None => format!("{} more than the exact total", value - expected),
        },
    },
    Lab {
        number: 2,
        slug: "check_then_act",
        title: "Check-then-act: never sell more tickets than exist",
        unit: "purchase attempts",
        measure: "sold",
        lesson: include_str!("../../labs/02_check_then_act/README.md"),
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
        expected: real::check_then_act::expected,
        real: |v, t, k| {
            real::check_then_act::run(v, &real::check_then_act::Fixes::SOLUTION, &Case::new(t, k)).map(|s| s.value())
        },
        model: |v, case| model::check_then_act::run(v, &model::check_then_act::Fixes::SOLUTION, case),
        step: |v, case| step::check_then_act::run(v, &step::check_then_act::Fixes::SOLUTION, case),
        judge: real::check_then_act::judge,
        spec: real::check_then_act::spec,
        decode: None,
        jobs: real::check_then_act::jobs,
        worker: real::check_then_act::worker,
        combine: real::check_then_act::solution::combine,
        limits: Limits { racy: &[8, 3, 1], fix: &[8, 3, 1], by_variant: &[] },
        max_total: crate::runner::MAX_TOTAL,
        // Many short trials: each has one race for the last ticket.
        run_size: (4, 1_000),
        check_size: (2, 2),
        catalogue_size: (2, 2),
        names: &[],
        explain: |value, expected| match value.cmp(&expected) {
            std::cmp::Ordering::Greater => format!("{} oversold", plural(value - expected, "ticket")),
            _ => format!("{} left unsold although buyers wanted them", plural(expected - value, "ticket")),
        },
    },
    Lab {
        number: 3,
        slug: "invariant",
        title: "An invariant across two counters: a + b stays constant",
        unit: "transfers",
        measure: "a + b seen",
        lesson: include_str!("../../labs/03_invariant/README.md"),
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
        expected: real::invariant::expected,
        real: |v, t, k| real::invariant::run(v, &real::invariant::Fixes::SOLUTION, &Case::new(t, k)).map(|s| s.value()),
        model: |v, case| model::invariant::run(v, &model::invariant::Fixes::SOLUTION, case),
        step: |v, case| step::invariant::run(v, &step::invariant::Fixes::SOLUTION, case),
        judge: real::invariant::judge,
        spec: real::invariant::spec,
        decode: Some(real::invariant::decode),
        jobs: real::invariant::jobs,
        worker: real::invariant::worker,
        combine: |reports| {
            let (a, b) = real::invariant::solution::combine(reports);
            a.saturating_add(b)
        },
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
        explain: |value, expected| {
            if value < expected {
                format!(
                    "an observer saw a + b = {value}: {} in flight between the accounts",
                    plural(expected - value, "unit")
                )
            } else {
                format!("an observer saw a + b = {value}: {} counted twice", plural(value - expected, "unit"))
            }
        },
    },
    Lab {
        number: 4,
        slug: "processes",
        title: "Processes: isolation fixes races only while nothing is shared",
        unit: "increments",
        measure: "final",
        lesson: include_str!("../../labs/04_processes/README.md"),
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
        expected: real::processes::expected,
        real: os::real,
        model: |v, case| model::processes::run(v, &model::processes::Fixes::SOLUTION, case),
        step: |v, case| step::processes::run(v, &step::processes::Fixes::SOLUTION, case),
        judge: real::processes::judge,
        spec: real::processes::spec,
        decode: None,
        jobs: real::processes::jobs,
        worker: os::serve,
        combine: real::processes::solution::combine,
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
        explain: |value, expected| match expected.checked_sub(value) {
            Some(lost) if value == 0 && lost > 0 => {
                format!("all {lost} increments lost: the parent's counter is still 0")
            }
            Some(1) => "1 update lost".to_string(),
            Some(lost) => format!("{lost} updates lost"),
            None => format!("{} more than the exact total", value - expected),
        },
    },
    Lab {
        number: 5,
        slug: "message_passing",
        title: "Message passing: share by communicating",
        unit: "increments",
        measure: "final",
        lesson: include_str!("../../labs/05_message_passing/README.md"),
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
        expected: real::message_passing::expected,
        real: |v, t, k| {
            real::message_passing::run(v, &real::message_passing::Fixes::SOLUTION, &Case::new(t, k)).map(|s| s.value())
        },
        model: |v, case| model::message_passing::run(v, &model::message_passing::Fixes::SOLUTION, case),
        step: |v, case| step::message_passing::run(v, &step::message_passing::Fixes::SOLUTION, case),
        judge: real::message_passing::judge,
        spec: real::message_passing::spec,
        decode: None,
        jobs: real::message_passing::jobs,
        worker: real::lost_update::worker,
        combine: real::lost_update::solution::combine,
        limits: LIMITS_05,
        max_total: crate::runner::MAX_TOTAL,
        run_size: (2, 1_000_000),
        check_size: (2, 1),
        catalogue_size: (2, 1),
        names: &[],
        explain: |value, expected| match expected.checked_sub(value) {
            Some(lost) if value == 0 && lost > 0 => format!("all {lost} increments lost: the count is 0"),
            Some(1) => "1 increment lost".to_string(),
            Some(lost) => format!("{lost} increments lost"),
            None => format!("{} more than the exact total", value - expected),
        },
    },
    Lab {
        number: 6,
        slug: "contention",
        title: "Contention: correctness is not speed",
        unit: "increments",
        measure: "final",
        lesson: include_str!("../../labs/06_contention/README.md"),
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
        expected: real::contention::expected,
        real: |v, t, k| {
            real::contention::run(v, &real::contention::Fixes::SOLUTION, &Case::new(t, k)).map(|s| s.value())
        },
        model: |v, case| model::contention::run(v, &model::contention::Fixes::SOLUTION, case),
        step: |v, case| step::contention::run(v, &step::contention::Fixes::SOLUTION, case),
        judge: real::contention::judge,
        spec: real::contention::spec,
        decode: None,
        jobs: real::contention::jobs,
        worker: real::contention::worker,
        combine: real::contention::solution::combine,
        limits: LIMITS_06,
        max_total: crate::runner::MAX_TOTAL,
        run_size: (2, 1_000_000),
        check_size: (2, 2),
        catalogue_size: (2, 1),
        names: &[],
        explain: |value, expected| match expected.checked_sub(value) {
            Some(1) => "1 update lost".to_string(),
            Some(lost) => format!("{lost} updates lost"),
            None => format!("{} more than the exact total", value - expected),
        },
    },
    Lab {
        number: 7,
        slug: "gil",
        title: "The GIL: one global lock serialises CPU work but does not make += atomic",
        unit: "increments",
        measure: "final",
        lesson: include_str!("../../labs/07_gil/README.md"),
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
        expected: real::gil::expected,
        real: |v, t, k| real::gil::run(v, &real::gil::Fixes::SOLUTION, &Case::new(t, k)).map(|s| s.value()),
        model: |v, case| model::gil::run(v, &model::gil::Fixes::SOLUTION, case),
        step: |v, case| step::gil::run(v, &step::gil::Fixes::SOLUTION, case),
        judge: real::gil::judge,
        spec: real::gil::spec,
        decode: None,
        jobs: real::gil::jobs,
        worker: real::gil::worker,
        combine: real::gil::solution::combine,
        limits: LIMITS_07,
        max_total: crate::runner::MAX_TOTAL,
        run_size: (2, 1_000_000),
        check_size: (2, 1),
        catalogue_size: (2, 1),
        names: &[("mutex", &["gil"]), ("mutex", &["gil", "lock"]), ("atomic", &["count"])],
        explain: lost_updates,
    },
];

/// "1 update lost", "2 updates lost", or how far above the exact total a count is.
fn lost_updates(value: u64, expected: u64) -> String {
    match expected.checked_sub(value) {
        Some(1) => "1 update lost".to_string(),
        Some(lost) => format!("{lost} updates lost"),
        None => format!("{} more than the exact total", value - expected),
    }
}

/// `1 ticket`, `2 tickets`.
fn plural(n: u64, noun: &str) -> String {
    if n == 1 { format!("1 {noun}") } else { format!("{n} {noun}s") }
}

/// Finds a lab by number (`1`, `01`) or name (`lost_update`, `01_lost_update`).
pub fn find(name: &str) -> Result<&'static Lab, String> {
    let wanted = name.trim();
    LABS.iter()
        .find(|lab| wanted.parse::<u8>().ok() == Some(lab.number) || wanted == lab.slug || wanted == lab.folder())
        .ok_or_else(|| {
            let numbers: Vec<String> = LABS.iter().map(|lab| lab.number.to_string()).collect();
            format!("no lab `{wanted}`; the labs are {} (`cargo run -- list` shows them)", numbers.join(", "))
        })
}

/// Lab 05's loom limits (measured in a debug build on 2 cores; see `tests/lab_05.rs`).
///
/// Every send and receive is a scheduling point, and the owner and the parent
/// are threads too: `channel` takes 1 131 executions at 2×1 and 60 078 (9 s) at
/// 2×2, and had not finished 3×1 after 60 s (468 968 executions).
const LIMITS_05: Limits = Limits {
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
};

/// Lab 06's loom limits (measured in a debug build on 2 cores; see `tests/lab_06.rs`).
const LIMITS_06: Limits = Limits { racy: &[8, 3, 1], fix: &[8, 3, 2], by_variant: &[] };

/// Lab 07's loom limits (measured in a debug build on 2 cores; see `tests/lab_07.rs`).
///
/// Every thread-based variant: 2×1 / 2×2 / 3×1 executions — racy 42 / 546 / 21 848;
/// backedges 12 / 42 / 920; the user's lock (`mutex`, `parking_lot`, `acquire`) 231 / 26 694 /
/// not finished in 45 s; wrong_lock_load_only 861 / not finished in 45 s.
const LIMITS_07: Limits = Limits {
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
};
