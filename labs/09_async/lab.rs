//! Lab 09 — async: a race with no second thread, and a call that blocks them all.
//!
//! Tasks on one thread switch only at `.await`. Three parts:
//!
//! 1. **a race without threads**: depositor tasks read the balance, await the
//!    bank's confirmation, and write back — deposits are lost although one thread
//!    runs them all. Fixes: no await between the read and the write; an async mutex
//!    held across the await (right, and the round trips queue up); one owner task
//!    that receives coins over a channel;
//! 2. **a blocking call** inside a task stalls every task of the executor; the fix
//!    runs it on `spawn_blocking`;
//! 3. **waits at scale** (`racelab bench 9`): 1 000 sleeps as tasks, as OS threads
//!    and on a pool of 8 threads, beside CPython's asyncio and threads.
//!
//! A case is `threads` depositor tasks of `iters` deposits each, on one thread.
//! On real threads the executor is tokio's current-thread runtime; in loom's model
//! each task is one of loom's threads and a baton lets one run at a time, handed
//! over only at an await (`src/sync/tasks.rs`), so loom explores exactly the orders
//! in which the tasks can resume.
//!
//! ```text
//! racelab check 9 --variant racy   # a lost deposit, as a schedule of await points
//! racelab run 9                    # tokio: deposits lost on one thread
//! racelab bench 9 --plot waits.svg # 1 000 waits: tasks, threads, a pool, CPython
//! cargo test --test lab_09         # all of the lab's claims
//! ```

use crate::lab::{Backend, Bench, Card, Case, Goal, Kind::*, Lab, Limits, Puzzle, State, Variant};

crate::backends!("reference.rs", answers: "answers.rs");

/// How the judge checks this lab's exercises.
#[path = "judge.rs"]
pub mod judge;

/// `racelab bench 9`: a blocking call's stall as a timeline, and 1 000 waits, beside CPython.
#[path = "bench.rs"]
pub mod bench;

/// Lab 09.
#[derive(Debug)]
pub struct Async;

/// Lab 09, as the registry lists it.
pub static LAB: Async = Async;

static CARD: Card = Card {
    number: 9,
    slug: "async",
    title: "Async: a race with no second thread, and a call that blocks them all",
    unit: "deposits",
    measure: "deposits counted",
    variants: &[
        Variant {
            name: "racy",
            kind: Racy,
            summary: "read the balance, `.await` the bank, write: tasks on ONE thread lose deposits",
        },
        Variant {
            name: "no_await",
            kind: Fix,
            summary: "await the bank first, then read and write with no `.await` between (your `deposit`)",
        },
        Variant {
            name: "async_mutex",
            kind: Fix,
            summary: "an async mutex held across the `.await`: right, but one round trip at a time",
        },
        Variant {
            name: "owner",
            kind: Fix,
            summary: "depositor tasks send coins over a channel to one owner task (your `owner_deposits`)",
        },
        Variant {
            name: "offload",
            kind: Fix,
            summary: "the blocking checksum on `spawn_blocking`, off the executor's thread (your `post_statement`)",
        },
        Variant {
            name: "wrong_split_lock",
            kind: WrongFix,
            summary: "the async mutex taken to read, released for the round trip, taken again to write",
        },
        Variant {
            name: "wrong_check_after",
            kind: WrongFix,
            summary: "after the round trip, write only if the balance did not change (and drop the deposit if it did)",
        },
        Variant {
            name: "wrong_unawaited",
            kind: WrongFix,
            summary: "the depositor tasks are spawned and never awaited: the balance is read before they run",
        },
        Variant {
            name: "blocking",
            kind: WrongFix,
            summary: "the blocking checksum called inside a task: every other task waits for it",
        },
    ],
    // Measured on the 2-core machine (`racelab check 9 --variant V --threads T --iters K`):
    // each task is one of loom's threads, and loom explores every hand-over of the baton;
    // with the main task, 3 of loom's threads finish in under a second (racy 2×1: 839
    // executions, no_await 2×2: 4 849, async_mutex 2×2: 10 294), 4 do not finish in a
    // minute. So 2 tasks at most; the owner and statement parts count their owner or
    // poster as one of them (see `depositors_beside_one`).
    limits: Limits { racy: &[8, 2], fix: &[8, 2], by_variant: &[] },
    max_total: 10_000_000,
    run_size: (2, 100_000),
    check_size: (2, 1),
    catalogue_size: (2, 1),
    names: &[("atomic", &["balance"])],
};

impl Lab for Async {
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

    /// A run's whole account judged: `blocking` counts every deposit but stalls the
    /// other tasks, which `run` must say rather than "right in all trials".
    fn real_observed(&self, variant: &str, threads: usize, iters: u64) -> Result<(u64, Option<String>), String> {
        let case = Case::new(threads, iters);
        let state = self.run(Backend::Real, variant, &case).ok_or_else(|| format!("lab 09 has no variant `{variant}`"))?;
        Ok((state.value(), judge_state(&case, &state).err()))
    }

    fn spec(&self, case: &Case) -> String {
        format!("every deposit counted ({} tasks × {}), no blocking call on the executor", case.threads, case.iters)
    }

    /// Its threads are tasks on one thread.
    fn unit(&self) -> &'static str {
        "task"
    }

    /// "2 tasks × 1, balance 41 at the start".
    fn describe(&self, case: &Case) -> String {
        case.describe(self.unit(), &|name, value| (name == "start").then(|| format!("balance {value} at the start")))
    }

    fn explain(&self, value: u64, expected: u64) -> String {
        let lost = expected.saturating_sub(value);
        if lost == 1 { "1 deposit lost".to_string() } else { format!("{lost} deposits lost") }
    }

    fn puzzles(&self) -> &'static [Puzzle] {
        PUZZLES
    }

    fn bench(&self) -> Option<Bench> {
        Some(bench::serve)
    }
}

/// The specification: every deposit counted once, the statement's checksum right,
/// and no blocking call made on the executor's thread.
pub fn judge_state(case: &Case, state: &State) -> Result<(), String> {
    // The owner and the statement parts count one task that makes no deposits.
    let due = state.get("made").unwrap_or_else(|| crate::lab::counting::expected(case.threads, case.iters));
    let mut wrong = Vec::new();
    let counted = state.value();
    if counted != due {
        wrong.push(if counted < due {
            let lost = due - counted;
            if lost == 1 { format!("1 of {due} deposits lost") } else { format!("{lost} of {due} deposits lost") }
        } else {
            format!("{counted} deposits counted for {due} made")
        });
    }
    if let Some(trips) = state.get("trips").filter(|&t| t < due && counted >= due) {
        let missing = due - trips;
        let deposits = if missing == 1 { "1 deposit was".to_string() } else { format!("{missing} deposits were") };
        wrong.push(format!("{deposits} counted without a round trip to the bank (`account.confirm().await`)"));
    }
    if let Some(trips) = state.get("trips").filter(|&t| t > due && due > 0) {
        wrong.push(format!("{trips} round trips to the bank for {due} deposits: each deposit is confirmed once"));
    }
    if state.get("early").is_some_and(|n| n > 0) {
        wrong.push(EARLY.to_string());
    }
    if let (Some(got), Some(want)) = (state.get("checksum"), state.get("due")) {
        wrong.push(format!("the statement's checksum came back as {got}, not {want}"));
    }
    if let Some(n) = state.get("stalls").filter(|&n| n > 0) {
        let calls = if n == 1 { "1 blocking call".to_string() } else { format!("{n} blocking calls") };
        wrong.push(format!(
            "{calls} ran on the executor's thread: every other task waited until it returned (use `task::spawn_blocking`)"
        ));
    }
    if wrong.is_empty() { Ok(()) } else { Err(wrong.join("; ")) }
}

/// A coin counted before the bank confirmed it (see `Account::confirm`'s audit).
pub const EARLY: &str = "the balance held more coins than the bank had confirmed, as a round trip began or \
     ended: a coin was counted before its `account.confirm().await` returned, or counted more than once, or the \
     sum itself went wrong (in an `f64`, which rounds past 2^53) — count each coin once, in a `u64`, after its \
     confirmation";

/// The stepper's puzzles (`racelab step --puzzle ID`): at each step you pick the
/// task that runs next; a task that is not at an await point keeps running.
static PUZZLES: &[Puzzle] = &[
    Puzzle {
        id: "lose-a-deposit",
        variant: "racy",
        size: (2, 1),
        goal: "make two tasks on ONE thread deposit a coin each and end with 1 coin (pick who resumes at each .await)",
        reached: Goal::Final(|s| s.value() == 1),
    },
    Puzzle {
        id: "lose-a-checked-deposit",
        variant: "wrong_check_after",
        size: (2, 1),
        goal: "make the 'check before writing' deposit lose a coin (2 tasks, 1 deposit each)",
        reached: Goal::Final(|s| s.value() < 2),
    },
];
