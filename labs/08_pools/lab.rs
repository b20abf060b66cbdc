//! Lab 08 — pools and pipelines: every job once, nothing lost, nothing left running.
//!
//! Real programs start their workers once and feed them jobs: a *pool*
//! (`ThreadPoolExecutor`, `multiprocessing.Pool`, rayon), or a *pipeline*
//! (PyTorch's `DataLoader`: worker processes load batches ahead while the
//! training loop consumes them in order). Three parts, each with its racy or
//! wrong versions and its fix:
//!
//! 1. **a thread pool**: workers claim jobs from a shared `next` (racy: a load
//!    and a store; fixed: one `fetch_add`), or take them from a channel and send
//!    results back, with a `shutdown` that finishes every job, returns the outputs
//!    in submission order and leaves no thread running;
//! 2. **a process pool**: the same jobs in worker processes over pipes; a worker
//!    that dies mid-job has its job retried once, then reported by name, and is
//!    replaced — never a job silently lost, never a worker left running;
//! 3. **a prefetching pipeline**: loader workers → at most `depth` batches
//!    requested and not yet trained → one consumer that trains strictly in order.
//!
//! A case is `threads` workers and `iters` jobs (or batches), with the lab's own
//! parameters (see `real::run`). Compiled once per backend like every lab; the
//! process pool and the pipeline also run on real processes (`os.rs`).
//!
//! ```text
//! racelab check 8 --variant racy       # loom: two workers claim the same job
//! racelab run 8 --variant process_pool # real worker processes, one crashing mid-job
//! racelab bench 8 --plot pools.svg     # workers and prefetch depth, beside CPython
//! cargo test --test lab_08             # all of the lab's claims
//! ```

use crate::lab::{Backend, Bench, Card, Case, Demo, Goal, Kind::*, Lab, Limits, Puzzle, State, Variant};

crate::backends!("reference.rs", answers: "answers.rs");

/// The process pool and the pipeline on real worker processes.
#[path = "os.rs"]
pub mod os;

/// `racelab bench 8`: pools and the pipeline measured, beside CPython.
#[path = "bench.rs"]
pub mod bench;

/// How the judge checks this lab's exercises.
#[path = "judge.rs"]
pub mod judge;

/// What a loaded batch is: a number standing for its data (batch `i` holds `10 i + 1`).
pub type Batch = u64;

/// What the pipeline's consumer sees of the loader's workers. Declared once (not
/// per backend), so real threads, loom, the judge's adversary and real processes
/// all hand the same consumer batches through it.
pub trait Loader {
    /// Asks for batch `index` (worker `index % workers` loads it).
    fn request(&mut self, index: u64);
    /// Waits for a requested batch — whichever a worker finishes first — and returns `(index, batch)`.
    fn next_loaded(&mut self) -> (u64, Batch);
}

/// Lab 08.
#[derive(Debug)]
pub struct Pools;

/// Lab 08, as the registry lists it.
pub static LAB: Pools = Pools;

static CARD: Card = Card {
    number: 8,
    slug: "pools",
    title: "Pools and pipelines: every job once, nothing lost, nothing left running",
    unit: "jobs",
    measure: "jobs right",
    variants: &[
        Variant {
            name: "racy",
            kind: Racy,
            summary: "workers claim jobs through a shared `next`, read and written in two steps",
        },
        Variant { name: "claim", kind: Fix, summary: "each claim is one `fetch_add` (your `claim`)" },
        Variant {
            name: "bounded_claim",
            kind: Fix,
            summary: "each claim is a compare-and-swap loop that never moves `next` past the end",
        },
        Variant {
            name: "wrong_add_then_load",
            kind: WrongFix,
            summary: "`fetch_add`, then a separate `load` to learn which job it was",
        },
        Variant {
            name: "shutdown",
            kind: Fix,
            summary: "a pool on channels: close the queue, gather by ticket, join (your `work` and `shutdown`)",
        },
        Variant {
            name: "wrong_stop_flag_first",
            kind: WrongFix,
            summary: "workers check a stop flag before each job; shutdown sets it: queued jobs are lost",
        },
        Variant {
            name: "wrong_join_before_close",
            kind: WrongFix,
            summary: "shutdown joins the workers before closing the queue: a deadlock",
        },
        Variant {
            name: "wrong_results_dropped",
            kind: WrongFix,
            summary: "shutdown takes results with `try_recv` until empty and drops the channel: results lost",
        },
        Variant {
            name: "wrong_completion_order",
            kind: WrongFix,
            summary: "outputs in the order they came back, not in submission order",
        },
        Variant {
            name: "process_pool",
            kind: Fix,
            summary: "worker processes over pipes; a crashed worker's job is retried once, then reported by name",
        },
        Variant {
            name: "wrong_forget_crashed_job",
            kind: WrongFix,
            summary: "a crashed worker is replaced and its job forgotten: the caller waits for ever",
        },
        Variant {
            name: "wrong_break_pool",
            kind: WrongFix,
            summary: "a crash fails its job and every job not finished yet (a broken pool)",
        },
        Variant {
            name: "in_order",
            kind: Fix,
            summary: "a prefetching pipeline: at most `depth` batches ahead, trained in order (your consumer)",
        },
        Variant {
            name: "wrong_arrival_order",
            kind: WrongFix,
            summary: "the consumer trains batches in the order they arrive",
        },
        Variant {
            name: "wrong_prefetch_one_too_many",
            kind: WrongFix,
            summary: "the consumer requests `depth + 1` batches before its first wait",
        },
        Variant {
            name: "wrong_join_loaders_first",
            kind: WrongFix,
            summary: "stopping mid-epoch, the pipeline joins its loaders before closing their queues",
        },
    ],
    // Measured in a debug build on the 2-core machine (see `tests.rs` and the lesson): the
    // pool's channels make every send and receive a step, and a live pool (workers started
    // before the jobs are submitted) grows fastest.
    limits: Limits {
        racy: &[8, 3, 1],
        fix: &[8, 4, 2],
        by_variant: &[
            ("racy", &[8, 3, 1]),
            ("wrong_add_then_load", &[8, 3, 1]),
            ("shutdown", &[8, 2, 1]),
            ("wrong_stop_flag_first", &[8, 2, 1]),
            ("wrong_join_before_close", &[8, 8, 8]),
            ("wrong_results_dropped", &[8, 2, 1]),
            ("wrong_completion_order", &[8, 2, 1]),
            ("process_pool", &[3, 2]),
            ("wrong_forget_crashed_job", &[3, 2]),
            ("wrong_break_pool", &[3, 2]),
            ("in_order", &[4, 3]),
            ("wrong_arrival_order", &[4, 2]),
            ("wrong_prefetch_one_too_many", &[4, 2]),
            ("wrong_join_loaders_first", &[4, 3]),
        ],
    },
    max_total: 100_000_000,
    run_size: (2, 1_000_000),
    check_size: (2, 2),
    catalogue_size: (2, 2),
    names: &[("atomic", &["next"]), ("atomic", &["stop", "exited"]), ("channel", &["jobs", "results"])],
};

impl Lab for Pools {
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
        judge_state(case, state)
    }

    fn spec(&self, case: &Case) -> String {
        let stop = case.param("stop").filter(|&s| s != u64::MAX).map_or(case.iters, |s| s.min(case.iters));
        format!("right={stop}, nothing else wrong")
    }

    /// The pool's settings in words: "2 threads × 2, numbered from 4294967295, the
    /// workers started before any job is queued".
    fn describe(&self, case: &Case) -> String {
        case.describe("thread", &|name, value| match (name, value) {
            ("first", _) => Some(format!("numbered from {value}")),
            ("queued", 0) => Some("the workers started before any job is queued".to_string()),
            ("queued", _) => Some("every job queued before the workers start".to_string()),
            ("depth", _) => Some(format!("{value} batches prefetched")),
            ("stop", _) => Some(format!("training stops after {value} batches")),
            _ => None,
        })
    }

    fn expected(&self, _threads: usize, iters: u64) -> u64 {
        iters
    }

    fn explain(&self, value: u64, expected: u64) -> String {
        format!("{} of {expected} jobs not done right", expected.saturating_sub(value))
    }

    fn real(&self, variant: &str, threads: usize, iters: u64) -> Result<u64, String> {
        let case = Case::new(threads, iters);
        let state = match variant {
            // Real worker processes: this binary, started as `racelab worker 8 …`.
            "process_pool" | "wrong_forget_crashed_job" | "wrong_break_pool" => os::process_pool_state(variant, &case)
                .ok_or_else(|| format!("`{variant}` starts worker processes: only the racelab binary runs it")),
            _ => self.run(Backend::Real, variant, &case)
                .ok_or_else(|| format!("lab {} has no variant `{variant}`", self.number())),
        }?;
        Ok(if self.judge(&case, &state).is_ok() { state.value() } else { state.value().min(iters.saturating_sub(1)) })
    }

    fn worker(&self, job: &[u64]) -> Result<u64, String> {
        os::worker(job)
    }

    fn puzzles(&self) -> &'static [Puzzle] {
        PUZZLES
    }

    fn demo(&self) -> Option<Demo> {
        Some(os::demo)
    }

    fn bench(&self) -> Option<Bench> {
        Some(bench::serve)
    }
}

/// The specification of every part: every job (or batch) done right — run
/// exactly once, its output in its place, trained in order — no worker left
/// running, no claim outside the jobs, the prefetch bound kept, no wait while
/// fewer batches were requested than allowed.
pub fn judge_state(case: &Case, state: &State) -> Result<(), String> {
    let count = case.iters;
    let first = case.param("first").unwrap_or(0);
    let mut wrong = Vec::new();
    let runs = state.list("runs");
    for (k, &r) in runs.iter().enumerate() {
        let job = first + k as u64;
        match r {
            0 => wrong.push(format!("job {job} never ran")),
            1 => {}
            2 => wrong.push(format!("job {job} ran twice")),
            r => wrong.push(format!("job {job} ran {r} times")),
        }
    }
    for (part, what) in [("skipped", "jobs never ran"), ("repeated", "jobs ran more than once")] {
        if let Some(n) = state.get(part).filter(|&n| n > 0) {
            wrong.push(format!("{n} {what}"));
        }
    }
    if let Some(n) = state.get("outside") {
        wrong.push(format!("{n} claims returned a job outside {first}..{}", first.saturating_add(count)));
    }
    let outputs = state.list("outputs");
    let pool = state.get("alive").is_some();
    let returned = state.get("returned").or_else(|| (pool && count <= real::SHOWN).then_some(outputs.len() as u64));
    if let Some(n) = returned.filter(|&n| n != count) {
        wrong.push(format!("{n} outputs returned for {count} jobs"));
    } else if pool {
        // The first output out of place: another job's (an order mistake), or none at all (a job lost).
        let want = |k: u64| real::output_of(real::input_of(k));
        if let Some((k, &got)) = outputs.iter().enumerate().find(|&(k, &got)| got != want(k as u64)) {
            let ticket = first + k as u64;
            let wrong_place = (0..count).find(|&j| want(j) == got);
            wrong.push(match wrong_place {
                Some(j) => format!(
                    "index {k} holds the output of ticket {} where ticket {ticket}'s was due (outputs in the wrong order)",
                    first + j
                ),
                None => format!("ticket {ticket}'s output is missing (index {k} holds {got}, expected {})", want(k as u64)),
            });
        }
    }
    let trained = state.list("trained");
    if trained.iter().enumerate().any(|(k, &t)| t != k as u64) {
        let shown: Vec<String> = trained.iter().map(|t| first.wrapping_add(*t).to_string()).collect();
        wrong.push(format!("batches trained in the order {}", shown.join(", ")));
    }
    if let (Some(held), Some(over)) = (state.get("held"), state.get("over")) {
        wrong.push(format!("{held} batches requested and not yet trained at once, {over} more than the depth allows"));
    }
    if let Some(n) = state.get("lazy") {
        let waits = if n == 1 { "1 wait".to_string() } else { format!("{n} waits") };
        wrong.push(format!("{waits} with fewer batches requested than the depth allows (a worker left idle)"));
    }
    if let Some(code) = state.get("broke") {
        wrong.push(real::broken_rule(code).to_string());
    }
    if let Some(n) = state.get("alive").filter(|&n| n > 0) {
        let threads = if n == 1 { "1 worker was".to_string() } else { format!("{n} workers were") };
        wrong.push(format!("{threads} still running when `shutdown` returned"));
    }
    // A pipeline told to stop early trains only up to the stop.
    let stop = case.param("stop").filter(|&s| s != u64::MAX && state.get("held").is_some());
    let due = stop.map_or(count, |s| s.min(count));
    let right = state.get("right").unwrap_or(0);
    if wrong.is_empty() && right != due {
        let noun = if state.get("held").is_some() { "batches" } else { "jobs" };
        wrong.push(format!("{} of {due} {noun} not done right", due.saturating_sub(right)));
    }
    if wrong.is_empty() { Ok(()) } else { Err(wrong.join("; ")) }
}

/// The stepper's puzzles (`racelab step --puzzle ID`).
static PUZZLES: &[Puzzle] = &[
    Puzzle {
        id: "claim-twice",
        variant: "racy",
        size: (2, 2),
        goal: "make two workers run the same job (2 workers, 2 jobs)",
        reached: Goal::Final(|s| s.list("runs").iter().any(|&r| r > 1)),
    },
    Puzzle {
        id: "lose-the-last-job",
        variant: "wrong_stop_flag_first",
        size: (2, 2),
        goal: "make `shutdown` return with a submitted job never run (2 workers, 2 queued jobs)",
        reached: Goal::Final(|s| s.get("right").is_some_and(|r| r < 2)),
    },
    Puzzle {
        id: "out-of-order",
        variant: "wrong_arrival_order",
        size: (2, 2),
        goal: "make the consumer train batch 1 before batch 0 (2 loaders, 2 batches, depth 2)",
        reached: Goal::Final(|s| s.list("trained").first().is_some_and(|&t| t != 0)),
    },
];
