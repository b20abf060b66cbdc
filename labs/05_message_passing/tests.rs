//! Lab 05 — message passing. Every claim of the lesson that is about
//! behaviour, as a test; speed belongs to `cargo run --release -- bench 5`.
//!
//! ```text
//! cargo test --test lab_05
//! ```
//!
//! Tests named `loom_*` explore every interleaving of the very code in
//! `labs/05_message_passing/reference.rs` (the channel is the swap module's own,
//! traced); tests named `real_*` run it on OS threads with crossbeam's channel.

#[path = "../../tests/common/mod.rs"]
mod common;

use common::{assert_fix_is_exact, reachable, wrong_fixes};
use proptest::prelude::*;
use racelab::check::FailureKind;
use racelab::judge::once_in_model;
use racelab::lab::{Case, Lab};
use racelab::stepper::{Stepping, replay};
use racelab::sync::model::atomic::{AtomicBool, Ordering::SeqCst};
use racelab::sync::model::{Arc, channel, thread};

fn lab() -> &'static dyn Lab {
    common::lab(5)
}

// ---------------------------------------------------------------------------
// loom: the shared counter races; the owner and the partials do not
// ---------------------------------------------------------------------------

#[test]
fn loom_catches_the_racy_shared_counter() {
    let report = common::loom(lab(), "racy", 2, 1);
    report.assert_fail();
    assert_eq!(reachable(&report), vec![1, 2]);
}

#[test]
fn loom_every_fix_is_exact_in_every_interleaving() {
    for variant in ["mutex", "parking_lot", "atomic"] {
        assert_fix_is_exact(lab(), variant, &[(2, 1), (2, 2)]);
    }
    assert_fix_is_exact(lab(), "channel", &[(2, 1), (1, 3)]);
    assert_fix_is_exact(lab(), "bounded", &[(2, 1), (1, 3)]);
    for variant in ["batched_10", "batched", "batched_1000"] {
        assert_fix_is_exact(lab(), variant, &[(2, 2)]);
    }
    assert_fix_is_exact(lab(), "partials", &[(2, 3), (3, 1)]);
    assert_fix_is_exact(lab(), "process", &[(2, 3), (3, 1)]);
}

#[test]
fn loom_executions_are_as_the_lesson_says() {
    let executions = |v, t, k| common::loom(lab(), v, t, k).executions;
    assert_eq!(executions("channel", 2, 1), 1_131);
    assert_eq!(executions("bounded", 2, 1), 2_427);
    assert_eq!(executions("batched", 2, 2), 1_083);
    assert_eq!(executions("partials", 3, 1), 26);
}

#[test]
fn loom_rejects_every_catalogued_wrong_fix() {
    for variant in wrong_fixes(lab()) {
        let (threads, iters) = lab().card().catalogue_size;
        common::loom(lab(), variant, threads, iters).assert_fail();
    }
}

#[test]
fn loom_reports_the_bounded_deadlock_in_one_line_without_aborting() {
    let report = common::loom(lab(), "wrong_bounded_deadlock", 2, 1);
    let failure = report.failure.as_ref().expect("a deadlock");
    assert_eq!(failure.kind, FailureKind::Deadlock);
    assert_eq!(failure.message.lines().count(), 1, "{}", failure.message);
    assert!(failure.message.contains("to send: the channel is full (capacity 1)"), "{}", failure.message);
    assert!(failure.schedule.table().contains("blocked: channel full"), "{}", failure.schedule.table());
}

#[test]
fn loom_the_early_read_misses_what_the_owner_has_not_received_yet() {
    let report = common::loom(lab(), "wrong_early_read", 2, 1);
    assert_eq!(reachable(&report), vec![0, 1, 2], "0, 1 or 2 of the 2 messages received by then");
}

#[test]
fn loom_the_polling_owner_can_stop_before_any_message() {
    let report = common::loom(lab(), "wrong_try_recv_owner", 2, 1);
    assert!(reachable(&report).contains(&0), "{:?}", report.outcomes);
    assert!(report.exhaustive, "a wrong count, not a crash: every interleaving explored");
}

#[test]
fn loom_the_lost_final_batch_sends_nothing_below_a_batch() {
    assert_eq!(reachable(&common::loom(lab(), "wrong_lost_final_batch", 2, 3)), vec![0]);
}

#[test]
fn a_schedule_shows_sends_receives_and_the_hang_ups() {
    let report = common::loom(lab(), "wrong_try_recv_owner", 2, 1);
    let table = report.failure.as_ref().expect("fails").schedule.table();
    assert!(table.contains("try_recv: empty"), "{table}");
}

// ---------------------------------------------------------------------------
// The model's channel behaves as crossbeam's
// ---------------------------------------------------------------------------

#[test]
fn the_model_channel_disconnects_when_the_last_sender_is_dropped() {
    once_in_model(|| {
        let (tx, rx) = channel::unbounded::<u64>();
        let tx2 = tx.clone();
        tx.send(1).map_err(|e| e.to_string())?;
        drop(tx);
        tx2.send(2).map_err(|e| e.to_string())?;
        drop(tx2);
        let got: Vec<u64> = rx.iter().collect();
        if got != vec![1, 2] {
            return Err(format!("received {got:?}"));
        }
        if rx.recv().is_ok() || rx.try_recv() != Err(channel::TryRecvError::Disconnected) {
            return Err("no disconnection".to_string());
        }
        Ok(())
    })
    .unwrap_or_else(|e| panic!("{e:?}"));
}

#[test]
fn the_model_send_fails_once_the_receiver_is_gone() {
    once_in_model(|| {
        let (tx, rx) = channel::bounded::<u64>(1);
        drop(rx);
        match tx.send(7) {
            Err(channel::SendError(7)) => Ok(()),
            other => Err(format!("{other:?}")),
        }
    })
    .unwrap_or_else(|e| panic!("{e:?}"));
}

#[test]
fn loom_a_rendezvous_send_returns_only_after_the_receiver_took_it() {
    loom::model(|| {
        let (tx, rx) = channel::bounded::<u64>(0);
        let sent = Arc::new(AtomicBool::new(false));
        let flag = Arc::clone(&sent);
        let sender = thread::spawn(move || {
            tx.send(1).expect("the receiver is alive");
            flag.store(true, SeqCst);
        });
        assert!(!sent.load(SeqCst), "a rendezvous send returned before anyone received");
        assert_eq!(rx.recv(), Ok(1));
        sender.join().expect("the sender");
    });
}

// ---------------------------------------------------------------------------
// The stepper runs the lab: every send and receive is a move
// ---------------------------------------------------------------------------

#[test]
fn the_stepper_replays_the_channel_to_the_exact_count() {
    let stepping = Stepping::new(lab(), "channel", Case::new(2, 1));
    let ending = replay(&stepping, &[]);
    assert_eq!(ending.state.map(|s| s.value()), Some(2), "{:?}", ending.verdict);
    let stepping = Stepping::new(lab(), "wrong_bounded_deadlock", Case::new(2, 1));
    let ending = replay(&stepping, &[]);
    let why = ending.verdict.expect_err("a deadlock");
    assert!(why.contains("deadlock"), "{why}");
}

// ---------------------------------------------------------------------------
// Real threads: crossbeam's channel, std's scoped threads
// ---------------------------------------------------------------------------

proptest! {
    #![proptest_config(ProptestConfig::with_cases(24))]

    #[test]
    fn real_fixes_are_exact_for_any_threads_and_iterations(threads in 1usize..=6, iters in 0u64..=3_000) {
        for v in ["channel", "bounded", "batched_10", "batched", "batched_1000", "partials", "atomic"] {
            prop_assert_eq!(common::real(lab(), v, threads, iters), threads as u64 * iters, "{}", v);
        }
    }

    #[test]
    fn real_unequal_workers_are_counted_exactly(steps in prop::collection::vec(0u64..=2_000, 1..=6)) {
        let case = Case::workers(steps.iter().map(|&k| vec![k]).collect());
        let fixes = racelab::labs::message_passing::real::Fixes::SOLUTION;
        for v in ["channel", "batched", "partials"] {
            let state = racelab::labs::message_passing::real::run(v, &fixes, &case).expect("a variant");
            prop_assert_eq!(state.value(), steps.iter().sum::<u64>(), "{}", v);
        }
    }
}

// ---------------------------------------------------------------------------
// The judge: the solution passes, and every exercise has hints
// ---------------------------------------------------------------------------

mod judge {
    use racelab::judge::Spec as _;
    use racelab::labs::message_passing::{LAB, judge::batches_wrong};

    #[test]
    fn the_solution_passes_every_exercise_check() {
        super::common::assert_the_solution_passes_every_check(&LAB);
    }

    #[test]
    fn batches_are_judged_by_every_message() {
        assert_eq!(batches_wrong(&[3, 3, 1], 7, 3), None);
        assert_eq!(batches_wrong(&[1, 3, 3, 0], 7, 3), None);
        assert!(batches_wrong(&[3, 3], 7, 3).expect("lost").contains("6 increments in all"));
        assert!(batches_wrong(&[7], 7, 3).expect("too big").contains("more than a batch"));
        assert!(batches_wrong(&[1; 7], 7, 3).expect("not batched").contains("7 messages, expected 3"));
    }

    #[test]
    fn every_exercise_has_hints() {
        let info = racelab::course::info().expect("every lab's info.toml parses");
        let lab = info.labs.iter().find(|l| l.number == 5).expect("lab 05 in info.toml");
        let names: Vec<&str> = lab.exercises.iter().map(|e| e.name.as_str()).collect();
        assert_eq!(names, LAB.exercises().iter().map(|e| e.name).collect::<Vec<_>>());
        assert!(lab.exercises.iter().all(|e| e.hints.len() >= 3));
    }
}

#[test]
fn a_deadlock_is_drawn_with_both_sides_of_the_cycle_and_the_channel_between_them() {
    let dir = tempfile::tempdir().expect("temp dir");
    let page = dir.path().join("deadlock.html");
    let path = page.to_str().expect("a path");
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_racelab"))
        .args(["check", "5", "--variant", "wrong_bounded_deadlock", "--html", path])
        .output()
        .expect("racelab runs");
    assert_eq!(out.status.code(), Some(1));
    // The verdict names both threads: the worker blocked on the full channel, the parent in join.
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("main waits at labs/05_message_passing/reference.rs:"), "{text}");
    assert!(text.contains("for T2 to finish (join); T2 waits at"), "{text}");
    // shuttle's own lines (it replays the schedule for the step command) stay out of sight.
    assert_eq!(String::from_utf8_lossy(&out.stderr), "");
    let html = std::fs::read_to_string(&page).expect("the page");
    assert!(html.contains("channel: holds [1] (full), 1 sender left"), "the shared column shows the channel");
    assert!(html.contains("<td class=\"step\">stuck</td>"), "a last row with the waiting threads");
    assert!(html.contains("waits for T2 to finish (join)") && html.contains("waits to send: the channel is full"));
}
