//! Lab 09 — async. Every claim of the lesson that is about behaviour, as a
//! test; the timings belong to `cargo run --release -- bench 9`.
//!
//! ```text
//! cargo test --test lab_09
//! ```
//!
//! Tests named `loom_*` explore every order in which the tasks of
//! `labs/09_async/reference.rs` can resume at their await points (each task is
//! one of loom's threads; a baton lets one run at a time and changes hands only
//! at an `.await`, see `src/sync/tasks.rs`); tests named `tokio_*` run the same
//! code on tokio's current-thread runtime and assert only what such a run shows.

#[path = "../../tests/common/mod.rs"]
mod common;

use common::wrong_fixes;
use racelab::check::{FailureKind, Model, Report, explore};
use racelab::lab::{Case, Lab, State};
use racelab::labs::async_lab::real;
use racelab::sync::real::task;
use std::rc::Rc;

fn lab() -> &'static dyn Lab {
    common::lab(9)
}

/// Explores `variant` at `case` with loom (exhaustively).
fn loom(variant: &str, case: Case) -> Report {
    explore(&Model::of_case(lab(), variant, &case)).unwrap_or_else(|e| panic!("{variant} at {case}: {e}"))
}

/// The deposits counted in every state loom reached, sorted.
fn counted(report: &Report) -> Vec<u64> {
    let mut all: Vec<u64> = report.outcomes.keys().map(State::value).collect();
    all.sort_unstable();
    all.dedup();
    all
}

/// Runs `variant` once on tokio's current-thread runtime.
fn tokio(variant: &str, tasks: usize, deposits: u64) -> State {
    lab().run(racelab::lab::Backend::Real, variant, &Case::new(tasks, deposits)).expect("a variant of lab 09")
}

// ---------------------------------------------------------------------------
// Part 1: a race with no second thread
// ---------------------------------------------------------------------------

#[test]
fn loom_catches_a_lost_deposit_between_two_tasks_on_one_thread() {
    let report = common::loom(lab(), "racy", 2, 1);
    report.assert_fail();
    assert_eq!(counted(&report), [1, 2]);
    let failure = report.failure.as_ref().expect("racy fails");
    assert_eq!(failure.kind, FailureKind::WrongValue);
    assert!(failure.message.contains("1 of 2 deposits lost"), "{}", failure.message);
    // The schedule is written in await points: a task reads, awaits, the other runs.
    let summary = failure.schedule.summary();
    assert!(summary.contains("task1 balance load 0 · task1 executor .await"), "{summary}");
    assert!(report.render().contains("← overwrites"), "{}", report.render());
}

#[test]
fn loom_every_lost_deposit_needs_two_round_trips_in_flight() {
    // Tasks switch only at an await: a deposit is lost only when both were between
    // their read and their write, i.e. both round trips were in flight at once.
    let report = loom("racy", Case::new(2, 2));
    report.assert_fail();
    for state in report.outcomes.keys().filter(|s| s.value() < 4) {
        assert!(state.get("peak").is_some_and(|p| p >= 2), "{state}");
    }
    assert_eq!(counted(&report), [2, 3, 4]);
}

#[test]
fn loom_no_await_between_read_and_write_counts_every_deposit() {
    for (tasks, deposits) in [(1, 3), (2, 1), (2, 2)] {
        let report = common::loom(lab(), "no_await", tasks, deposits);
        report.assert_pass();
        assert_eq!(counted(&report), [tasks as u64 * deposits]);
    }
}

#[test]
fn loom_async_mutex_counts_every_deposit_one_round_trip_at_a_time() {
    let report = loom("async_mutex", Case::new(2, 2));
    report.assert_pass();
    // The cost: the lock is held across the round trip, so the trips never overlap.
    assert!(report.outcomes.keys().all(|s| s.get("peak") == Some(1)));
    let free = loom("no_await", Case::new(2, 2));
    assert!(free.outcomes.keys().any(|s| s.get("peak") == Some(2)));
}

#[test]
fn loom_owner_task_counts_every_coin() {
    // Two tasks: the owner and one depositor (the main task is loom's third thread).
    for deposits in [1, 2] {
        let report = loom("owner", Case::new(2, deposits).with("start", u64::MAX - 8));
        report.assert_pass();
        assert_eq!(counted(&report), [deposits]);
    }
}

#[test]
fn loom_refuses_a_third_task_it_cannot_finish() {
    let refused = explore(&Model::of_case(lab(), "racy", &Case::new(3, 1)));
    assert!(refused.is_err());
}

#[test]
fn loom_rejects_every_wrong_fix() {
    for variant in wrong_fixes(lab()) {
        loom(variant, Case::new(2, 1)).assert_fail();
    }
}

#[test]
#[should_panic(expected = "deposits lost")]
fn loom_split_async_lock_loses_deposits() {
    loom("wrong_split_lock", Case::new(2, 1)).assert_pass();
}

#[test]
fn loom_unawaited_tasks_count_nothing_not_even_a_race() {
    // Spawned, never awaited: the main task reads the balance before either starts,
    // and they are dropped with the executor. No interleaving at all — just no deposits.
    let report = loom("wrong_unawaited", Case::new(2, 1));
    assert_eq!(counted(&report), [0]);
    assert!(report.outcomes.keys().all(|s| s.get("trips") == Some(0)));
}

#[test]
fn tokio_loses_deposits_with_one_thread() {
    // tokio runs ready tasks in order: every task reads before any writes, each round.
    let state = tokio("racy", 2, 1_000);
    assert!(state.value() < 2_000, "{state}");
    assert_eq!(tokio("no_await", 2, 1_000).value(), 2_000);
    assert_eq!(tokio("owner", 3, 1_000).value(), 3_000, "the owner and 3 depositors (on real threads)");
    assert_eq!(tokio("async_mutex", 2, 100).get("peak"), Some(1));
    assert_eq!(tokio("no_await", 4, 10).get("peak"), Some(4));
}

#[test]
fn tokio_and_loom_run_the_tasks_on_one_os_thread() {
    let here = std::thread::current().id();
    let seen =
        task::block_on(
            async move { task::spawn(async move { std::thread::current().id() }).await.expect("the task ran") },
        );
    assert_eq!(seen, here);
    // In the model the tasks are loom threads, but loom runs them all on this OS thread too.
    loom::model(move || {
        let seen = racelab::sync::model::task::block_on(async {
            racelab::sync::model::task::spawn(async { std::thread::current().id() }).await.expect("ran")
        });
        assert_eq!(seen, std::thread::current().id());
    });
}

// ---------------------------------------------------------------------------
// Part 2: a blocking call
// ---------------------------------------------------------------------------

#[test]
fn loom_blocking_checksum_in_a_task_is_a_stall() {
    let report = loom("blocking", Case::new(1, 1));
    report.assert_fail();
    let failure = report.failure.as_ref().expect("blocking fails");
    assert!(failure.message.contains("ran on the executor's thread"), "{}", failure.message);
}

#[test]
fn loom_spawn_blocking_runs_the_checksum_off_the_executor() {
    for deposits in [1, 2] {
        loom("offload", Case::new(2, deposits).with("statement", 1 << 32)).assert_pass();
    }
}

#[test]
fn tokio_blocking_call_delays_the_other_tasks_and_spawn_blocking_does_not() {
    // A ticker task wakes every 1 ms; a 30 ms blocking call on the executor's
    // thread holds it for the whole 30 ms, the same call on `spawn_blocking` does not.
    let gap = |offload: bool| {
        task::block_on(async move {
            let ticker = task::spawn(async {
                let mut longest = std::time::Duration::ZERO;
                let mut last = std::time::Instant::now();
                for _ in 0..40 {
                    task::sleep(std::time::Duration::from_millis(1)).await;
                    longest = longest.max(last.elapsed());
                    last = std::time::Instant::now();
                }
                longest
            });
            task::sleep(std::time::Duration::from_millis(3)).await;
            let block = || std::thread::sleep(std::time::Duration::from_millis(30));
            if offload {
                task::spawn_blocking(block).await.expect("ran");
            } else {
                block();
            }
            ticker.await.expect("ticked")
        })
    };
    assert!(gap(false) >= std::time::Duration::from_millis(25), "{:?}", gap(false));
    assert!(gap(true) < std::time::Duration::from_millis(25), "{:?}", gap(true));
}

// ---------------------------------------------------------------------------
// The checker's executor itself
// ---------------------------------------------------------------------------

#[test]
fn loom_owner_whose_channel_is_never_closed_is_a_deadlock_with_its_line() {
    let result = std::panic::catch_unwind(|| {
        loom::model(|| {
            use racelab::sync::model::task::{self, mpsc};
            task::block_on(async {
                let (coins, mut received) = mpsc::unbounded_channel::<u64>();
                let owner = task::spawn(async move { while received.recv().await.is_some() {} });
                coins.send(1).expect("the owner is alive");
                // `coins` is never dropped: the owner waits for ever.
                owner.await.expect("the owner ended");
            });
        });
    });
    let message = result.err().and_then(|e| e.downcast::<String>().ok()).map(|s| *s).unwrap_or_default();
    assert!(message.contains("deadlock: every task waits"), "{message}");
    assert!(message.contains("recv() on an empty channel"), "{message}");
}

#[test]
fn the_sequential_owner_does_not_overlap_round_trips() {
    let account = real::Account::new(0);
    let a = Rc::clone(&account);
    task::block_on(async move {
        for _ in 0..3 {
            a.confirm().await;
        }
    });
    assert_eq!((account.trips(), account.peak()), (3, 1));
}

#[test]
fn a_std_thread_in_async_code_is_refused_pointing_at_spawn_blocking() {
    let text = "use super::checksum;\npub async fn post_statement(s: u64) -> u64 {\n    \
                std::thread::spawn(move || checksum(s)).join().unwrap()\n}\n";
    let refusal = racelab::judge::Reading::of(text).refusal_for(&["post_statement"]).expect("refused");
    assert!(refusal.instead.contains("spawn_blocking"), "{refusal:?}");
    assert!(!refusal.why.contains("loom"), "{refusal:?}");
}

/// A `thread::sleep` written in async code blocks the executor: the reading sees it
/// and the exercise is "failing" at that line (not "refused": the judge judged it);
/// the same sleep inside `spawn_blocking`'s closure runs off the executor and is right.
#[test]
fn a_blocking_sleep_in_async_code_fails_at_its_line_but_not_inside_spawn_blocking() {
    use racelab::judge::{Judge as _, Source, Spec as _, Status};
    use racelab::labs::async_lab::LAB;
    const WRONG: &str = "use super::sync::task;\nuse super::checksum;\nuse std::thread;\n\
                         pub async fn post_statement(s: u64) -> u64 {\n    \
                         thread::sleep(std::time::Duration::from_millis(1));\n    \
                         task::spawn_blocking(move || checksum(s)).await.expect(\"checksum\")\n}\n";
    const RIGHT: &str = "use super::sync::task;\nuse super::checksum;\nuse std::thread::sleep;\n\
                         pub async fn post_statement(s: u64) -> u64 {\n    \
                         task::spawn_blocking(move || {\n        \
                         sleep(std::time::Duration::from_millis(1));\n        checksum(s)\n    })\n    \
                         .await\n    .expect(\"checksum\")\n}\n";
    let mut learner = LAB.solution(None);
    learner.source = Some(Source { path: "x.rs", text: WRONG });
    let outcome = LAB.check("offload", &learner);
    assert_eq!(outcome.status, Status::Failing, "{}", outcome.summary);
    assert!(outcome.summary.starts_with("x.rs:5 uses `thread::sleep` in async code"), "{}", outcome.summary);
    assert!(outcome.summary.contains("task::sleep"), "{}", outcome.summary);
    // The same sleep in a plain helper the async code calls.
    const HELPER: &str = "use super::sync::task;\nuse super::checksum;\n\
                          fn pause() {\n    std::thread::sleep(std::time::Duration::from_millis(1));\n}\n\
                          fn settle() {\n    pause();\n}\n\
                          pub async fn post_statement(s: u64) -> u64 {\n    let h = task::spawn_blocking(move || \
                          checksum(s));\n    settle();\n    h.await.expect(\"checksum\")\n}\n";
    learner.source = Some(Source { path: "x.rs", text: HELPER });
    let outcome = LAB.check("offload", &learner);
    assert_eq!(outcome.status, Status::Failing, "{}", outcome.summary);
    assert!(
        outcome.summary.starts_with("x.rs:11 uses `settle(…)` (it calls `thread::sleep`) in async code"),
        "{}",
        outcome.summary
    );
    learner.source = Some(Source { path: "x.rs", text: RIGHT });
    assert_eq!(racelab::judge::Reading::of(RIGHT).refusal_for(&["post_statement"]), None);
    assert_eq!(LAB.check("offload", &learner).status, Status::Solved);
}

/// Blocking in async code however it is spelled: through a closure called there, a
/// function pointer, a method, or the swap module's own `thread`, lock and channel.
/// A closure handed to `spawn_blocking`, directly or by name, runs off the executor.
#[test]
fn blocking_in_async_code_is_seen_however_it_is_written() {
    const HEAD: &str = "use super::sync::task;\nuse std::time::Duration;\n";
    let read = |body: &str| {
        let text = format!("{HEAD}pub async fn post_statement(s: u64) -> u64 {{\n{body}\n}}\n");
        racelab::judge::Reading::of(&text).refusal_for(&["post_statement"])
    };
    let mistake = |body: &str| read(body).is_some_and(|r| r.mistake);
    let refused = |body: &str| read(body).is_some_and(|r| !r.mistake);
    let sleep = "std::thread::sleep(Duration::from_micros(50))";
    assert!(mistake(&format!("let settle = || {sleep};\nsettle();\ns")), "a closure called in async code");
    assert!(mistake(&format!("let _ = Some(1).map(|_| {sleep});\ns")), "a closure `map` calls");
    assert!(mistake("let nap: fn(Duration) = std::thread::sleep;\nnap(Duration::from_micros(5));\ns"), "a pointer");
    assert!(mistake("super::sync::thread::sleep(Duration::from_micros(5));\ns"), "the swap module's sleep");
    assert!(refused("super::sync::thread::spawn(move || s).join().unwrap()"), "the swap module's thread");
    assert!(refused("let m = super::sync::Mutex::new(0_u64);\n*m.lock().unwrap() + s"), "a thread's lock");
    assert!(refused("let (tx, rx) = super::sync::channel::unbounded();\ntx.send(s).unwrap();\nrx.recv().unwrap()"));
    // A method that sleeps, called from async code.
    let text = format!(
        "{HEAD}struct Bank;\nimpl Bank {{\n    fn settle(&self) {{\n        {sleep};\n    }}\n}}\n\
         pub async fn post_statement(s: u64) -> u64 {{\n    Bank.settle();\n    s\n}}\n"
    );
    let method = racelab::judge::Reading::of(&text).refusal_for(&["post_statement"]);
    assert!(method.as_ref().is_some_and(|r| r.mistake && r.what.contains(".settle(")), "{method:?}");
    // Off the executor: right.
    assert_eq!(read(&format!("task::spawn_blocking(move || {{ {sleep}; s }}).await.unwrap()")), None);
    assert_eq!(read(&format!("let work = move || {{ {sleep}; s }};\ntask::spawn_blocking(work).await.unwrap()")), None);
    // A clock in async code points at the task's pause, not a thread's.
    let clock = read("std::thread::park_timeout(Duration::from_micros(5));\ns").expect("refused");
    assert!(clock.instead.contains("task::sleep") && !clock.instead.contains("thread::sleep"), "{clock:?}");
}

/// In async code, std's channel and lock are refused pointing at the executor's own.
#[test]
fn std_channels_and_locks_in_async_code_point_at_the_executors_own() {
    for (text, instead) in [
        ("pub async fn f() {\n    let (_tx, _rx) = std::sync::mpsc::channel::<u64>();\n}\n", "task::mpsc"),
        ("pub async fn f() {\n    let _m = std::sync::Mutex::new(0_u64);\n}\n", "task::Mutex"),
    ] {
        let refusal = racelab::judge::Reading::of(text).refusal_for(&["f"]).expect("refused");
        assert!(refusal.instead.contains(instead), "{refusal:?}");
    }
}

/// `run 9` counts what its header promises: the owner and the statement parts
/// run `threads` depositors on real threads (one beside their other task only
/// under the checker), so every fix is exact at threads × iters.
#[test]
fn every_fix_counts_every_deposit_on_real_threads() {
    for variant in ["no_await", "async_mutex", "owner", "offload"] {
        assert_eq!(lab().real_observed(variant, 3, 1_000), Ok((3_000, None)), "{variant}");
    }
}

/// A blocking call counts every deposit yet stalls every other task: a real
/// run says so, instead of "right in all trials".
#[test]
fn a_blocking_call_is_wrong_on_real_threads_though_no_deposit_is_lost() {
    let (value, wrong) = lab().real_observed("blocking", 2, 10).expect("a variant");
    assert_eq!(value, 20);
    assert!(wrong.is_some_and(|why| why.contains("spawn_blocking")));
}

/// The reference answer (`solution.rs`) passes every check `verify` runs (`dev check`
/// checks it too; here it is part of a plain `cargo test`).
#[test]
fn the_solution_passes_every_exercise_check() {
    common::assert_the_solution_passes_every_check(&racelab::labs::async_lab::LAB);
}
