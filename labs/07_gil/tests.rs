//! Lab 07 — the GIL. Every claim of the lesson that is about behaviour, as a
//! test; claims about speed belong to `cargo run --release -- bench 7`.
//!
//! ```text
//! cargo test --test lab_07
//! ```
//!
//! Tests named `loom_*` explore every interleaving of the very interpreter in
//! `labs/07_gil/reference.rs`; tests named `real_*` run it on OS threads or
//! processes under a real GIL and assert only what a real run can show.

#[path = "../../tests/common/mod.rs"]
mod common;

use common::{assert_fix_is_exact, reachable, wrong_fixes};
use proptest::prelude::*;
use racelab::judge::Status;
use racelab::lab::Lab;
use racelab::labs::gil::real::{self as gil, Op, Policy};
use racelab::runner::process::run_workers;
use std::time::Duration;

fn lab() -> &'static dyn Lab {
    common::lab(7)
}

// ---------------------------------------------------------------------------
// The two switching policies
// ---------------------------------------------------------------------------

#[test]
fn policies_differ_only_inside_an_increment() {
    use Op::*;
    for op in [Load, AddConst(1), Call, Add, Store, InplaceAdd(1), LockUser, UnlockUser, Io, JumpBack] {
        assert!(Policy::EveryInstruction.may_switch_before(op), "{op:?}");
    }
    let switching: Vec<Op> = gil::plus_call()
        .into_iter()
        .chain([JumpBack])
        .filter(|op| Policy::CallsAndBackEdges.may_switch_before(*op))
        .collect();
    assert_eq!(switching, [Call, JumpBack], "3.10+ switches at the call and the back-edge only");
    assert!(gil::plus_one().iter().all(|op| !Policy::CallsAndBackEdges.may_switch_before(*op)));
}

#[test]
fn loom_catches_the_lost_update_when_any_bytecode_may_switch() {
    common::in_its_own_process(|| {
        let report = common::loom(lab(), "racy", 2, 1);
        report.assert_fail();
        assert!(report.exhaustive);
        assert_eq!(reachable(&report), vec![1, 2]);
        assert_eq!(reachable(&common::loom(lab(), "racy", 2, 2)), vec![2, 3, 4]);
        assert_eq!(reachable(&common::loom(lab(), "racy", 3, 1)), vec![1, 2, 3]);
    });
}

#[test]
fn loom_a_bare_increment_never_loses_when_only_calls_and_back_edges_switch() {
    assert_fix_is_exact(lab(), "backedges", &[(2, 1), (2, 2), (3, 1)]);
}

#[test]
fn loom_a_call_on_the_right_hand_side_loses_updates_even_with_310_switching() {
    let report = common::loom(lab(), "wrong_call_rhs", 2, 1);
    report.assert_fail();
    assert_eq!(reachable(&report), vec![1, 2]);
    assert_eq!(reachable(&common::loom(lab(), "wrong_call_rhs", 2, 2)), vec![2, 3, 4]);
}

#[test]
fn loom_every_fix_is_exact_with_any_bytecode_switching() {
    common::in_processes(&["mutex", "parking_lot", "acquire", "atomic", "process"], |variant| {
        // The locks at three threads take minutes; the lock-free fixes take seconds.
        let three = matches!(variant, "atomic" | "process");
        assert_fix_is_exact(lab(), variant, if three { &[(2, 1), (2, 2), (3, 1)] } else { &[(2, 1), (2, 2)] });
    });
}

#[test]
fn loom_rejects_every_catalogued_wrong_fix() {
    common::in_processes(&wrong_fixes(lab()), |variant| {
        let (threads, iters) = lab().card().catalogue_size;
        let report = common::loom(lab(), variant, threads, iters);
        report.assert_fail();
        let failure = report.failure.as_ref().expect("a failure");
        assert!(failure.message.contains("lost"), "{variant}: {}", failure.message);
    });
}

#[test]
fn loom_explores_as_many_executions_as_measured() {
    common::in_its_own_process(|| {
        let count = |v: &str, sizes: &[(usize, u64)]| -> Vec<u64> {
            sizes.iter().map(|&(t, k)| common::loom(lab(), v, t, k).executions).collect()
        };
        let three = [(2, 1), (2, 2), (3, 1)];
        let table = [
            ("racy", count("racy", &three)),
            ("backedges", count("backedges", &three)),
            ("wrong_call_rhs", count("wrong_call_rhs", &three[..2])),
            ("mutex", count("mutex", &three[..2])),
        ];
        println!("{table:?}");
        assert_eq!(table[0].1, vec![42, 546, 21_848], "racy");
        assert_eq!(table[1].1, vec![12, 42, 920], "backedges");
        assert_eq!(table[2].1, vec![42, 546], "wrong_call_rhs: the call is one more switch point, as in racy");
        assert_eq!(table[3].1, vec![231, 26_694], "mutex");
    });
}

// ---------------------------------------------------------------------------
// Waiting for the user's lock: the GIL must be released
// ---------------------------------------------------------------------------

#[test]
fn blocking_on_the_lock_while_holding_the_gil_deadlocks() {
    let verdict = racelab::labs::exercises(7)
        .expect("a lab with exercises")
        .judge_answer("blocks_holding_gil", None)
        .expect("catalogued");
    assert_eq!(verdict.outcome.status, Status::Failing);
    assert!(verdict.outcome.summary.contains("deadlock"), "{}", verdict.outcome.summary);
}

#[test]
fn blocking_on_the_lock_with_the_gil_released_is_solved() {
    common::in_its_own_process(|| {
        use racelab::judge::{Judge as _, Spec as _};
        let outcome = racelab::labs::gil::LAB.check("acquire", &racelab::labs::gil::LAB.solution(None));
        assert_eq!(outcome.status, Status::Solved, "{}", outcome.summary);
    });
}

#[test]
fn returning_from_acquire_without_the_gil_is_caught_on_one_thread() {
    let verdict = racelab::labs::exercises(7)
        .expect("a lab with exercises")
        .judge_answer("forgets_the_gil", None)
        .expect("catalogued");
    assert_eq!(verdict.outcome.status, Status::Failing);
    assert!(verdict.outcome.summary.contains("logic error"), "{}", verdict.outcome.summary);
}

// ---------------------------------------------------------------------------
// Real threads under a real GIL, and real processes
// ---------------------------------------------------------------------------

proptest! {
    #![proptest_config(ProptestConfig::with_cases(24))]

    #[test]
    fn real_fixes_are_exact_for_any_threads_and_iterations(threads in 1usize..=8, iters in 0u64..=3_000) {
        for variant in ["backedges", "mutex", "parking_lot", "acquire", "atomic"] {
            prop_assert_eq!(common::real(lab(), variant, threads, iters), threads as u64 * iters, "{}", variant);
        }
    }

    #[test]
    fn real_racy_never_exceeds_the_exact_total(threads in 1usize..=8, iters in 0u64..=3_000) {
        prop_assert!(common::real(lab(), "racy", threads, iters) <= threads as u64 * iters);
        prop_assert!(common::real(lab(), "wrong_call_rhs", threads, iters) <= threads as u64 * iters);
    }
}

#[test]
fn real_cpu_bound_threads_under_one_gil_count_exactly() {
    assert_eq!(gil::cpu_threads(4, 100_000), 400_000);
}

#[test]
fn real_io_bound_threads_run_every_task_once() {
    for threads in [1, 3, 10, 25] {
        assert_eq!(gil::io_threads(threads, 20, Duration::from_millis(1)), 20, "{threads} threads");
    }
}

#[test]
fn real_processes_each_with_its_own_gil_merge_unequal_counts_exactly() {
    let jobs = vec![vec![3], vec![50_000], vec![0]];
    let reports = run_workers(&common::worker_command(lab()), &jobs, Duration::from_secs(30)).expect("workers");
    assert_eq!(lab().combine(&reports), 50_003);
    let timed = run_workers(&common::worker_command(lab()), &[vec![gil::JOB_CPU, 10_000]], Duration::from_secs(30));
    assert!(timed.expect("a timed worker")[0] > 0, "a timed job reports the nanoseconds its work took");
}

#[test]
fn a_worker_refuses_a_job_it_does_not_know() {
    assert!(gil::worker(&[1, 2, 3]).is_err());
}

// ---------------------------------------------------------------------------
// The judge: the solution passes, and the exercise ships unsolved
// ---------------------------------------------------------------------------

mod judge {
    use racelab::judge::Spec as _;
    use racelab::judge::Status;
    use racelab::labs::gil::LAB;

    #[test]
    fn the_solution_passes_every_exercise_check() {
        super::common::assert_the_solution_passes_every_check(&LAB);
    }

    /// A lock taken again says why: never released by the program's previous
    /// run, or taken twice in one run (the interpreter tracks the loop's back-edge).
    #[test]
    fn a_lock_taken_again_is_explained_by_where_it_was_taken() {
        let exercises = racelab::labs::exercises(7).expect("lab 07's exercises");
        for (answer, why) in
            [("never_unlock", "previous run took it and never released it"), ("lock_twice", "takes it twice")]
        {
            let verdict = exercises.judge_answer(answer, None).expect("a catalogued answer");
            assert_ne!(verdict.outcome.status, Status::Solved);
            assert!(verdict.outcome.summary.contains(why), "{answer}: {}", verdict.outcome.summary);
        }
    }

    #[test]
    fn every_exercise_has_hints() {
        let info = racelab::course::info().expect("every lab's info.toml parses");
        let lab = info.labs.iter().find(|l| l.number == 7).expect("lab 07 in info.toml");
        let names: Vec<&str> = lab.exercises.iter().map(|e| e.name.as_str()).collect();
        assert_eq!(names, LAB.exercises().iter().map(|e| e.name).collect::<Vec<_>>());
        assert!(lab.exercises.iter().all(|e| e.hints.len() >= 3));
    }
}

#[test]
fn real_cpu_table_pairs_every_speedup_with_its_own_round() {
    use racelab::labs::gil::bench::{Sizes, cpu_table};
    let sizes = Sizes { cpu_total: 60_000, cpu_workers: vec![1, 3], trials: 2, ..Sizes::default() };
    let rows = cpu_table(&sizes, &common::worker_command(lab())).expect("the table");
    let configs: Vec<&str> = rows.iter().map(|r| r.config.as_str()).collect();
    assert_eq!(
        configs,
        [
            "1 thread alone",
            "threads = 1, one GIL",
            "threads = 3, one GIL",
            "processes = 1, a GIL each",
            "processes = 3, a GIL each"
        ]
    );
    // The baseline has no speedup; threads have one; processes also count only the work.
    assert!(rows[0].speedup.is_none() && rows[0].work_speedup.is_none());
    for (i, row) in rows.iter().enumerate().skip(1) {
        let speedup = row.speedup.expect("a speedup");
        assert!(speedup.min > 0.0 && speedup.min <= speedup.median && speedup.median <= speedup.max, "{row:?}");
        assert_eq!(row.work_speedup.is_some(), i >= 3, "{row:?}");
    }
}
