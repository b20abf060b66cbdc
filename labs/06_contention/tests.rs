//! Lab 06 — contention. Every claim of the lesson that is about behaviour, as
//! a test; claims about speed belong to `cargo run --release -- bench 6`.
//!
//! ```text
//! cargo test --test lab_06
//! ```
//!
//! Tests named `loom_*` explore every interleaving of the very code in
//! `labs/06_contention/reference.rs`; tests named `real_*` run it on OS threads or
//! processes and assert only what a real run can show.

#[path = "../../tests/common/mod.rs"]
mod common;

use common::{assert_fix_is_exact, reachable, wrong_fixes};
use proptest::prelude::*;
use racelab::lab::{Case, Lab, State};
use racelab::runner::process::run_workers;
use std::time::Duration;

fn lab() -> &'static dyn Lab {
    common::lab(6)
}

const SIZES: [(usize, u64); 3] = [(2, 1), (2, 2), (3, 1)];
const FIXES: [&str; 7] = ["atomic", "mutex", "parking_lot", "sharded", "false_shared", "thread_local", "process"];

// ---------------------------------------------------------------------------
// loom: every fast variant is right; the hot racy counter is not
// ---------------------------------------------------------------------------

#[test]
fn loom_catches_the_racy_hot_counter_with_the_known_outcomes() {
    let report = common::loom(lab(), "racy", 2, 1);
    report.assert_fail();
    assert!(report.exhaustive);
    assert_eq!(reachable(&report), vec![1, 2]);
    assert_eq!(reachable(&common::loom(lab(), "racy", 2, 2)), vec![2, 3, 4]);
}

#[test]
fn loom_every_fix_is_exact_however_slow() {
    for variant in FIXES {
        assert_fix_is_exact(lab(), variant, &SIZES);
    }
}

#[test]
fn loom_sharded_keeps_every_thread_on_its_own_shard() {
    for variant in ["sharded", "false_shared"] {
        let report = common::loom(lab(), variant, 3, 1);
        let states: Vec<String> = report.outcomes.keys().map(State::to_string).collect();
        assert_eq!(states, ["total=3 shards=[1,1,1]"], "{variant}");
    }
}

#[test]
fn loom_explores_as_many_executions_as_measured() {
    // Shards are separate atomics and a thread-local count is one fetch_add per thread:
    // loom's executions stay small where one hot counter's grow with every increment.
    let count = |v: &str| SIZES.iter().map(|&(t, k)| common::loom(lab(), v, t, k).executions).collect::<Vec<u64>>();
    let table: Vec<(&str, Vec<u64>)> = ["atomic", "sharded", "thread_local"].iter().map(|v| (*v, count(v))).collect();
    println!("{table:?}");
    assert_eq!(table[0].1, vec![9, 30, 414], "one hot fetch_add, as in lab 01");
    assert!(table[1].1[2] <= table[0].1[2], "shards are no harder to check than a hot counter: {table:?}");
    assert!(table[2].1[1] < table[0].1[1], "one publish per thread: {table:?}");
}

#[test]
fn loom_rejects_every_catalogued_wrong_fix() {
    for variant in wrong_fixes(lab()) {
        let (threads, iters) = lab().card().catalogue_size;
        let report = common::loom(lab(), variant, threads, iters);
        report.assert_fail();
        let failure = report.failure.as_ref().expect("a failure");
        assert!(failure.message.contains("lost"), "{variant}: {}", failure.message);
    }
}

#[test]
fn the_spec_rejects_a_right_total_on_the_wrong_shards() {
    let case = Case::new(2, 2);
    let judge = |case: &Case, state: &State| lab().judge(case, state);
    assert!(judge(&case, &State::count(4)).is_ok());
    let good = State::default().with("total", 4).with_list("shards", vec![2, 2]);
    assert!(judge(&case, &good).is_ok());
    let hot = State::default().with("total", 4).with_list("shards", vec![4, 0]);
    let why = judge(&case, &hot).expect_err("one shard for everyone is one hot counter");
    assert!(why.contains("shard 0 holds 4 while thread 0 counted 2"), "{why}");
    assert_eq!(judge(&case, &State::count(3)).expect_err("lost"), "1 update lost");
}

// ---------------------------------------------------------------------------
// real threads and processes: right at every size (speed is `bench`'s business)
// ---------------------------------------------------------------------------

proptest! {
    #![proptest_config(ProptestConfig::with_cases(32))]

    #[test]
    fn real_fixes_are_exact_for_any_threads_and_iterations(threads in 1usize..=8, iters in 0u64..=5_000) {
        for variant in FIXES.iter().filter(|v| **v != "process") {
            prop_assert_eq!(common::real(lab(), variant, threads, iters), threads as u64 * iters, "{}", variant);
        }
    }

    #[test]
    fn real_racy_never_exceeds_the_exact_total(threads in 1usize..=8, iters in 0u64..=5_000) {
        prop_assert!(common::real(lab(), "racy", threads, iters) <= threads as u64 * iters);
    }

    #[test]
    fn real_unequal_threads_fill_exactly_their_own_shards(steps in prop::collection::vec(0u64..=2_000, 1..=6)) {
        let case = Case::workers(steps.iter().map(|&k| vec![k]).collect());
        let fixes = racelab::labs::contention::real::Fixes::SOLUTION;
        let state = racelab::labs::contention::real::run("sharded", &fixes, &case).expect("sharded");
        prop_assert_eq!(state.list("shards"), steps.as_slice());
        prop_assert!(lab().judge(&case, &state).is_ok());
    }
}

#[test]
fn real_processes_merge_unequal_counts_exactly() {
    let jobs = vec![vec![3], vec![50_000], vec![0]];
    let reports = run_workers(&common::worker_command(lab()), &jobs, Duration::from_secs(30)).expect("workers");
    assert_eq!(lab().combine(&reports), 50_003);
}

// ---------------------------------------------------------------------------
// The judge: the solution passes, and the exercise ships unsolved
// ---------------------------------------------------------------------------

mod judge {
    use racelab::judge::Spec as _;
    use racelab::labs::contention::LAB;

    #[test]
    fn the_solution_passes_every_exercise_check() {
        super::common::assert_the_solution_passes_every_check(&LAB);
    }

    #[test]
    fn every_exercise_has_hints() {
        let info = racelab::course::info().expect("every lab's info.toml parses");
        let lab = info.labs.iter().find(|l| l.number == 6).expect("lab 06 in info.toml");
        let names: Vec<&str> = lab.exercises.iter().map(|e| e.name.as_str()).collect();
        assert_eq!(names, LAB.exercises().iter().map(|e| e.name).collect::<Vec<_>>());
        assert!(lab.exercises.iter().all(|e| e.hints.len() >= 3));
    }
}
