//! Lab 01 — the lost update. Every claim of the lesson, as a test.
//!
//! ```text
//! cargo test --test lab_01                         # the reference code
//! LOOM_LOG=info cargo test --test lab_01 loom_mutex -- --nocapture   # watch loom explore
//! ```
//!
//! Tests named `loom_*` explore every interleaving of the very code in
//! `labs/01_lost_update/reference.rs`; tests named `real_*` run it on OS threads or
//! processes and assert only what a real run can show.

#[path = "../../tests/common/mod.rs"]
mod common;

use common::{assert_fix_is_exact, reachable, wrong_fixes};
use proptest::prelude::*;
use racelab::check::{FailureKind, Model, Report, explore};
use racelab::lab::Lab;
use racelab::runner::process::{WorkerCommand, run_workers};
use std::time::Duration;

fn lab() -> &'static dyn Lab {
    common::lab(1)
}

/// Explores `variant` at `threads` × `iters` with loom.
fn loom(variant: &str, threads: usize, iters: u64) -> Report {
    common::loom(lab(), variant, threads, iters)
}

/// The sizes every loom claim is checked at: 2×1, 2×2, 3×1.
const SIZES: [(usize, u64); 3] = [(2, 1), (2, 2), (3, 1)];

// ---------------------------------------------------------------------------
// loom: the race is caught, with a readable schedule
// ---------------------------------------------------------------------------

#[test]
#[should_panic(expected = "loom found a failing interleaving")]
fn loom_catches_racy_load_then_store_losing_updates() {
    for (threads, iters) in SIZES {
        loom("racy", threads, iters).assert_pass();
    }
}

#[test]
fn loom_catches_racy_at_every_size() {
    for (threads, iters) in SIZES {
        let report = loom("racy", threads, iters);
        report.assert_fail();
        assert!(report.exhaustive, "the racy search must be exhaustive");
    }
}

#[test]
fn loom_racy_outcomes_are_the_known_sets() {
    common::in_its_own_process(|| {
        // Two threads of K increments can end anywhere from 2 (not 1!) to 2K;
        // N threads of one increment anywhere from 1 to N.
        assert_eq!(reachable(&loom("racy", 2, 1)), vec![1, 2]);
        assert_eq!(reachable(&loom("racy", 2, 2)), vec![2, 3, 4]);
        assert_eq!(reachable(&loom("racy", 2, 3)), vec![2, 3, 4, 5, 6]);
        assert_eq!(reachable(&loom("racy", 3, 1)), vec![1, 2, 3]);
    });
}

#[test]
fn loom_racy_outcome_counts_add_up_to_the_executions() {
    common::in_its_own_process(|| {
        let report = loom("racy", 2, 2);
        assert_eq!(report.outcomes.values().sum::<u64>(), report.executions);
        // The lesson's table: 30 / 477 / 12 546 / 10 305 executions at 2×1 / 2×2 / 2×3 / 3×1.
        let counts: Vec<u64> =
            [(2, 1), (2, 2), (2, 3), (3, 1)].iter().map(|&(t, k)| loom("racy", t, k).executions).collect();
        assert_eq!(counts, vec![30, 477, 12_546, 10_305]);
    });
}

#[test]
fn loom_executions_are_not_interleavings() {
    // Two threads of one load and one store have C(4, 2) = 6 interleavings, yet loom
    // runs 30 executions: a relaxed load may return more than one value, and the
    // harness's spawns and joins are steps too. 24 of the 30 lose an update; that is
    // a count of model executions, not a probability on hardware.
    let report = loom("racy", 2, 1);
    assert_eq!(report.executions, 30);
    let lost: u64 = report.outcomes.iter().filter(|(s, _)| s.value() == 1).map(|(_, n)| n).sum();
    assert_eq!(lost, 24);
}

#[test]
fn loom_schedule_shows_the_overwrite_that_loses_the_update() {
    let report = loom("racy", 2, 1);
    let failure = report.failure.as_ref().expect("racy fails");
    assert_eq!(failure.kind, FailureKind::WrongValue);
    assert_eq!(failure.value, Some(1));
    assert_eq!(failure.message, "1 update lost");
    let steps = &failure.schedule.steps;
    let loads_of_zero = steps.iter().filter(|s| s.operation == "load 0" && s.thread != "main").count();
    assert_eq!(loads_of_zero, 2, "both threads read 0:\n{}", failure.schedule.table());
    let overwrite = steps.iter().find(|s| s.note.as_deref().is_some_and(|n| n.starts_with("overwrites")));
    let overwrite = overwrite.expect("one store is marked as overwriting the other");
    assert_eq!(overwrite.operation, "store 1");
    assert!(
        overwrite.at.starts_with("labs/01_lost_update/reference.rs:"),
        "points at the lab source: {}",
        overwrite.at
    );
    let text = report.render();
    assert!(text.contains("→ final 1, expected 2 (1 update lost)"), "{text}");
}

#[test]
fn loom_shows_the_data_race_on_plain_memory() {
    let report = loom("unsafe_cell", 2, 1);
    let failure = report.failure.expect("a data race is a failure");
    assert_eq!(failure.kind, FailureKind::DataRace);
    assert!(failure.message.contains("Causality violation"), "{}", failure.message);
    assert!(failure.message.contains("labs/01_lost_update/reference.rs"), "points at the lab: {}", failure.message);
    let last = failure.schedule.steps.last().expect("the racing access is recorded");
    assert!(last.note.as_deref().is_some_and(|n| n.starts_with("data race")), "{last:?}");
}

// ---------------------------------------------------------------------------
// loom: every fix passes every interleaving, with exactly one outcome
// ---------------------------------------------------------------------------

#[test]
fn loom_mutex_enforces_mutual_exclusion() {
    assert_fix_is_exact(lab(), "mutex", &SIZES);
}

#[test]
fn loom_parking_lot_mutex_enforces_mutual_exclusion() {
    assert_fix_is_exact(lab(), "parking_lot", &SIZES);
}

#[test]
fn loom_fetch_add_is_one_indivisible_step() {
    assert_fix_is_exact(lab(), "atomic", &SIZES);
}

#[test]
fn loom_isolated_workers_share_nothing_and_sum_exactly() {
    assert_fix_is_exact(lab(), "process", &SIZES);
}

#[test]
fn loom_explores_as_many_executions_as_measured() {
    // With std::sync::Arc (not explored) a mutex fix takes 12 / 42 / 920
    // executions at 2×1 / 2×2 / 3×1: 9 / 30 / 414 in plain loom, more because
    // the model makes releasing a lock visible to `try_lock` (see `sync::model`).
    let counts: Vec<u64> = SIZES.iter().map(|&(t, k)| loom("mutex", t, k).executions).collect();
    assert_eq!(counts, vec![12, 42, 920]);
    // fetch_add never touches a lock: 9 / 30 / 414, as in plain loom.
    let counts: Vec<u64> = SIZES.iter().map(|&(t, k)| loom("atomic", t, k).executions).collect();
    assert_eq!(counts, vec![9, 30, 414]);
}

// ---------------------------------------------------------------------------
// loom: the catalogue of wrong fixes is rejected
// ---------------------------------------------------------------------------

#[test]
fn loom_rejects_every_catalogued_wrong_fix() {
    for variant in wrong_fixes(lab()) {
        let report = loom(variant, 2, 2);
        assert!(!report.passed(), "{variant} must be rejected:\n{}", report.render());
        assert!(report.outcomes.keys().any(|v| v.value() < 4), "{variant} loses an update");
    }
}

#[test]
#[should_panic(expected = "loom found a failing interleaving")]
fn loom_rejects_locking_the_read_and_the_write_separately() {
    loom("wrong_split_lock", 2, 1).assert_pass();
}

#[test]
fn loom_refuses_sizes_it_cannot_finish() {
    let error = explore(&Model::new(lab(), "racy", 3, 2)).expect_err("3×2 racy is too large");
    assert!(error.to_string().contains("too large"), "{error}");
    let mut bounded = Model::new(lab(), "racy", 3, 2);
    bounded.preemption_bound = Some(1);
    let report = explore(&bounded).expect("a bounded search finishes");
    assert!(!report.exhaustive);
    report.assert_fail();
}

// ---------------------------------------------------------------------------
// real threads and processes: what a real run can show
// ---------------------------------------------------------------------------

fn real(variant: &str, threads: usize, iters: u64) -> u64 {
    common::real(lab(), variant, threads, iters)
}

#[test]
fn real_racy_run_reports_what_it_saw() {
    // A real run may or may not lose updates; it reports which, and never
    // counts more than the exact total.
    let observed = real("racy", 2, 200_000);
    assert!(observed <= 400_000);
    println!("racy 2×200 000 on real threads: observed {observed}, lost {}", 400_000 - observed);
}

fn worker_command() -> WorkerCommand {
    common::worker_command(lab())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(48))]

    #[test]
    fn real_fixes_are_exact_for_any_threads_and_iterations(threads in 1usize..=8, iters in 0u64..=10_000) {
        for variant in ["mutex", "parking_lot", "atomic"] {
            prop_assert_eq!(real(variant, threads, iters), threads as u64 * iters, "{}", variant);
        }
    }

    #[test]
    fn real_racy_never_exceeds_the_exact_total(threads in 1usize..=8, iters in 0u64..=10_000) {
        prop_assert!(real("racy", threads, iters) <= threads as u64 * iters);
    }

    #[test]
    fn real_racy_with_one_thread_is_exact(iters in 0u64..=10_000) {
        // No one to race with: the same code is correct when nothing is shared.
        prop_assert_eq!(real("racy", 1, iters), iters);
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(24))]

    #[test]
    fn real_processes_sum_exactly_for_any_partition(work in prop::collection::vec(0u64..=100_000, 1..=4)) {
        let jobs: Vec<Vec<u64>> = work.iter().map(|&n| vec![n]).collect();
        let reports = run_workers(&worker_command(), &jobs, Duration::from_secs(30)).expect("workers report");
        prop_assert_eq!(&reports, &work, "each worker counts exactly its share");
        prop_assert_eq!(lab().combine(&reports), work.iter().sum::<u64>());
    }
}

/// Child processes of this test binary named `name` that are zombies (exited, not reaped).
fn zombie_children(name: &str) -> Vec<String> {
    let me = std::process::id().to_string();
    let mut zombies = Vec::new();
    for entry in std::fs::read_dir("/proc").into_iter().flatten().flatten() {
        let Ok(stat) = std::fs::read_to_string(entry.path().join("stat")) else { continue };
        // Fields after the command name: state, ppid, …
        let Some(rest) = stat.rsplit_once(')').map(|(_, r)| r) else { continue };
        let fields: Vec<&str> = rest.split_whitespace().collect();
        let named = stat.contains(&format!("({name})"));
        if named && fields.get(1) == Some(&me.as_str()) && fields.first() == Some(&"Z") {
            zombies.push(stat);
        }
    }
    zombies
}

#[test]
fn real_hung_worker_is_named_killed_and_reaped() {
    // `sleep N` stands in for a worker that never reports; its process name
    // tells its zombie (if any) apart from other tests' short-lived workers.
    let sleepers = WorkerCommand::new("sleep", Vec::<String>::new());
    let error =
        run_workers(&sleepers, &[vec![60], vec![60], vec![60]], Duration::from_millis(500)).expect_err("hung workers");
    assert!(error.0.contains("worker 1") && error.0.contains("did not report"), "{error}");
    assert_eq!(zombie_children("sleep"), Vec::<String>::new(), "every killed worker was reaped");

    let hang = worker_command().last_worker_args(["--fault", "hang"]);
    let error =
        run_workers(&hang, &[vec![10], vec![10], vec![10]], Duration::from_millis(500)).expect_err("a hung worker");
    assert!(error.0.contains("worker 3") && error.0.contains("did not report"), "{error}");
}

#[test]
fn real_crashed_worker_is_named_and_no_partial_total_is_given() {
    let crash = worker_command().last_worker_args(["--fault", "crash"]);
    let error = run_workers(&crash, &[vec![10], vec![10]], Duration::from_secs(30)).expect_err("a crashed worker");
    assert!(error.0.contains("worker 2") && error.0.contains("SIGABRT"), "{error}");
    assert!(error.0.contains("no total"), "{error}");
}

#[test]
fn real_worker_that_reports_nonsense_is_rejected() {
    let garbage = worker_command().last_worker_args(["--fault", "garbage"]);
    let error = run_workers(&garbage, &[vec![10]], Duration::from_secs(30)).expect_err("no report");
    assert!(error.0.contains("sent no report"), "{error}");
}

// ---------------------------------------------------------------------------
// exercises: the checks a learner's answers go through
// ---------------------------------------------------------------------------

mod learner_checks {
    use super::worker_command;
    use racelab::check::FailureKind;
    use racelab::judge::Status;
    use racelab::judge::{Judge as _, Spec as _};
    use racelab::lab::Case;
    use racelab::labs::lost_update::model;
    use racelab::labs::lost_update::{LAB, judge::Answers};
    use racelab::sync::model::Mutex;
    use racelab::sync::model::atomic::{AtomicU64, Ordering::Relaxed};

    #[test]
    fn the_solution_passes_every_exercise_check() {
        super::common::assert_the_solution_passes_every_check(&LAB);
    }

    fn with_model(edit: impl FnOnce(&mut model::Fixes)) -> Answers {
        let mut learner = LAB.solution(Some(worker_command()));
        edit(&mut learner.model);
        learner
    }

    fn not_yet(_: &AtomicU64) {
        todo!()
    }

    #[test]
    fn an_exercise_still_todo_is_not_attempted_not_a_crash() {
        let outcome = LAB.check("atomic", &with_model(|f| f.atomic = not_yet));
        assert_eq!(outcome.status, Status::NotAttempted);
        assert!(
            outcome.summary.contains("labs/01_lost_update/tests.rs:"),
            "points at the todo!(): {}",
            outcome.summary
        );
    }

    fn load_then_store(counter: &AtomicU64) {
        let seen = counter.load(Relaxed);
        counter.store(seen + 1, Relaxed); // the learner's line loom must point at
    }

    #[test]
    fn a_wrong_attempt_fails_with_a_schedule_of_the_learners_own_lines() {
        let outcome = LAB.check("atomic", &with_model(|f| f.atomic = load_then_store));
        assert_eq!(outcome.status, Status::Failing);
        assert!(
            outcome.summary.contains("ends wrong") && outcome.summary.contains("1 update lost"),
            "{}",
            outcome.summary
        );
        // The step marked as the lost update names this file and the line of the store.
        let marked = outcome.details.lines().find(|l| l.contains("← overwrites")).expect("an overwrite is marked");
        let line: usize = marked
            .split("labs/01_lost_update/tests.rs:")
            .nth(1)
            .and_then(|rest| rest.split_whitespace().next())
            .and_then(|n| n.parse().ok())
            .unwrap_or_else(|| panic!("the marked step names labs/01_lost_update/tests.rs: {marked}"));
        let source = include_str!("tests.rs").lines().nth(line - 1).unwrap_or_default();
        assert!(source.contains("the learner's line loom must point at"), "line {line} is `{source}`");
    }

    fn lock_twice(counter: &Mutex<u64>) {
        let _held = counter.lock().expect("poisoned");
        *counter.lock().expect("poisoned") += 1;
    }

    #[test]
    fn a_deadlocking_attempt_is_explained_not_hung() {
        let outcome = LAB.check("mutex", &with_model(|f| f.mutex = lock_twice));
        assert_eq!(outcome.status, Status::Failing);
        assert!(outcome.summary.contains("deadlock"), "{}", outcome.summary);
        assert!(outcome.details.contains("for a lock it already holds"), "{}", outcome.details);
        let report = racelab::check::explore_body(&racelab::check::Model::new(&LAB, "mutex", 2, 1), || {
            model::run("mutex", &model::Fixes { mutex: lock_twice, ..model::Fixes::SOLUTION }, &Case::new(2, 1))
                .unwrap_or_default()
        })
        .expect("a verdict");
        assert_eq!(report.failure.map(|f| f.kind), Some(FailureKind::Deadlock));
    }

    fn spin_on_a_stale_value(counter: &AtomicU64) {
        let seen = counter.load(Relaxed);
        while counter.compare_exchange(seen, seen + 1, Relaxed, Relaxed).is_err() {}
    }

    #[test]
    fn a_spinning_attempt_gets_a_one_line_error_not_a_hang() {
        let outcome = LAB.check("atomic", &with_model(|f| f.atomic = spin_on_a_stale_value));
        assert_eq!(outcome.status, Status::Failing);
        assert!(outcome.summary.contains("operations on shared objects (loom's steps)"), "{}", outcome.summary);
        assert!(!outcome.summary.contains('\n'));
    }

    fn biggest_report(reports: &[u64]) -> u64 {
        reports.iter().copied().max().unwrap_or(0)
    }

    #[test]
    fn a_parent_that_does_not_add_the_reports_is_rejected() {
        let mut learner = with_model(|f| f.combine = biggest_report);
        learner.real.combine = biggest_report;
        assert_eq!(LAB.check("process", &learner).status, Status::Failing);
    }
}

// ---------------------------------------------------------------------------
// the model backend: std's atomic API, traced; loom's environment reported
// ---------------------------------------------------------------------------

#[test]
fn model_atomics_offer_std_api_and_trace_every_call() {
    use racelab::sync::model::atomic::{AtomicBool, AtomicU64, Ordering::Relaxed};
    use racelab::trace;
    loom::model(|| {
        trace::clear();
        let n = AtomicU64::new(5);
        assert_eq!(n.fetch_max(9, Relaxed), 5);
        assert_eq!(n.fetch_min(7, Relaxed), 9);
        assert_eq!(n.fetch_and(0b110, Relaxed), 7);
        assert_eq!(n.fetch_or(0b001, Relaxed), 6);
        assert_eq!(n.fetch_xor(0b010, Relaxed), 7);
        assert_eq!(n.fetch_nand(0b101, Relaxed), 5);
        assert_eq!(n.swap(3, Relaxed), !5);
        assert_eq!(n.fetch_update(Relaxed, Relaxed, |v| Some(v * 2)), Ok(3));
        assert_eq!(n.load(Relaxed), 6);
        let flag = AtomicBool::new(false);
        assert!(!flag.fetch_or(true, Relaxed));
        assert_eq!(flag.compare_exchange(true, false, Relaxed, Relaxed), Ok(true));
        let names: Vec<String> = trace::take().iter().map(|e| format!("{:?}", e.op)).collect();
        for op in ["fetch_max", "fetch_min", "fetch_and", "fetch_or", "fetch_xor", "fetch_nand", "swap"] {
            assert!(names.iter().any(|n| n.contains(op)), "{op} is traced: {names:?}");
        }
    });
}

#[test]
fn a_search_cut_by_loom_environment_variables_is_labelled_bounded() {
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_racelab"))
        .args(["check", "1", "--variant", "racy", "--threads", "2", "--iters", "2", "--json"])
        .env("LOOM_MAX_PERMUTATIONS", "5")
        .output()
        .expect("racelab runs");
    let doc: serde_json::Value = serde_json::from_slice(&out.stdout).expect("one JSON document");
    assert_eq!(doc["exhaustive"], false, "{doc}");
    // loom tests this limit only every LOOM_CHECKPOINT_INTERVAL executions, so it
    // may not have cut this small search: the label is conservative, never optimistic.
    assert_eq!(doc["bounded_by"][0], "LOOM_MAX_PERMUTATIONS=5", "{doc}");
}

#[test]
fn a_preemption_bound_loom_cannot_take_is_an_input_error() {
    let model = Model { preemption_bound: Some(256), ..Model::new(lab(), "racy", 2, 1) };
    assert!(matches!(explore(&model), Err(racelab::check::CheckError::BadInput(_))));
    let model = Model { preemption_bound: Some(2), ..Model::new(lab(), "racy", 2, 1_000) };
    let error = explore(&model).expect_err("too large even bounded");
    assert!(error.to_string().contains("too large even for a bounded search"), "{error}");
}

#[test]
fn loom_marks_the_update_lost_under_a_split_lock() {
    let report = loom("wrong_split_lock", 2, 1);
    let failure = report.failure.as_ref().expect("the split lock loses an update");
    let marked = failure.schedule.steps.iter().find(|s| s.note.as_deref().is_some_and(|n| n.starts_with("overwrites")));
    let marked =
        marked.unwrap_or_else(|| panic!("a lost write under the lock is marked:\n{}", failure.schedule.table()));
    assert!(marked.operation.starts_with("unlock"), "{}", marked.operation);
    assert!(marked.note.as_deref().is_some_and(|n| n.contains("read under an earlier lock")), "{:?}", marked.note);
}
