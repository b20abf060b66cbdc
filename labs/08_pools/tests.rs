//! Lab 08 — pools and pipelines. Every claim of the lesson that is about
//! behaviour, as a test; speed belongs to `cargo run --release -- bench 8`.
//!
//! ```text
//! cargo test --test lab_08
//! ```
//!
//! Tests named `loom_*` explore every interleaving of the very code in
//! `labs/08_pools/reference.rs` (the channels are the swap module's own, traced);
//! tests named `real_*` run it on OS threads with crossbeam's channels, or on
//! real worker processes (`racelab worker 8 …`), and assert only what a real run
//! can show.

#[path = "../../tests/common/mod.rs"]
mod common;

use common::{reachable, wrong_fixes};
use proptest::prelude::*;
use racelab::check::{FailureKind, Model, Report, explore, explore_body};
use racelab::lab::{Case, Lab, State};
use racelab::labs::pools::{model, os, real};
use std::time::Duration;

fn lab() -> &'static dyn Lab {
    common::lab(8)
}

/// Explores `variant` at `case` with loom (exhaustively).
fn loom(variant: &str, case: Case) -> Report {
    explore(&Model::of_case(lab(), variant, &case)).unwrap_or_else(|e| panic!("{variant} at {case}: {e}"))
}

/// The states loom found, as text.
fn states(report: &Report) -> Vec<String> {
    report.outcomes.keys().map(State::to_string).collect()
}

// ---------------------------------------------------------------------------
// Part 1a: claiming a job
// ---------------------------------------------------------------------------

#[test]
fn loom_catches_the_racy_claim_running_a_job_twice() {
    let report = common::loom(lab(), "racy", 2, 1);
    report.assert_fail();
    assert_eq!(states(&report), ["right=0 runs=2", "right=1 runs=1"]);
    assert_eq!(report.executions, 48);
    let report = common::loom(lab(), "racy", 2, 2);
    assert_eq!(report.executions, 1_032);
    // Only 9 of the 1 032 interleavings run each job once; a late store moves `next` back.
    assert_eq!(report.outcomes.iter().find(|(s, _)| s.value() == 2).map(|(_, n)| *n), Some(9));
    assert!(states(&report).contains(&"right=0 runs=[2,3]".to_string()), "{:?}", states(&report));
}

#[test]
fn loom_racy_schedule_shows_two_workers_reading_the_same_next() {
    let report = common::loom(lab(), "racy", 2, 1);
    let failure = report.failure.as_ref().expect("racy fails");
    assert_eq!(failure.kind, FailureKind::WrongValue);
    assert!(failure.message.contains("job 0 ran twice"), "{}", failure.message);
    let summary = failure.schedule.summary();
    assert!(summary.starts_with("T1 load 0 · T2 load 0"), "{summary}");
    assert!(report.render().contains("← overwrites"), "{}", report.render());
    assert!(report.replay.as_deref().is_some_and(|r| r.contains("--schedule")), "{:?}", report.replay);
}

#[test]
fn loom_claim_fixes_hand_each_job_to_exactly_one_worker() {
    for (variant, threads, iters, executions) in
        [("claim", 2, 2, 45), ("claim", 3, 1, 1_590), ("bounded_claim", 2, 2, 288), ("bounded_claim", 3, 1, 14_190)]
    {
        let report = common::loom(lab(), variant, threads, iters);
        report.assert_pass();
        assert_eq!(reachable(&report), vec![iters], "{variant}");
        assert_eq!(report.executions, executions, "{variant} {threads}×{iters}");
    }
    // From the top of the range: `end` = 2^63, and `next` may overshoot it without wrapping.
    loom("claim", Case::new(2, 2).with("first", (1 << 63) - 2)).assert_pass();
}

#[test]
fn loom_add_then_load_skips_one_job_and_runs_another_twice() {
    let report = common::loom(lab(), "wrong_add_then_load", 2, 2);
    report.assert_fail();
    assert!(states(&report).contains(&"right=0 runs=[0,2]".to_string()), "{:?}", states(&report));
}

// ---------------------------------------------------------------------------
// Part 1b: the pool's shutdown
// ---------------------------------------------------------------------------

#[test]
fn loom_shutdown_finishes_every_job_and_leaves_no_worker_running() {
    common::in_its_own_process(|| {
        for (case, executions) in [
            (Case::new(2, 2), 14_756),
            (Case::new(2, 1).with("queued", 0), 12_022),
            (Case::new(1, 2).with("queued", 0).with("first", (1 << 32) - 1), 224),
        ] {
            let report = loom("shutdown", case.clone());
            report.assert_pass();
            assert_eq!(report.executions, executions, "{case}");
            assert!(states(&report).iter().all(|s| s.ends_with("alive=0")), "{case}: {:?}", states(&report));
        }
    });
}

#[test]
fn loom_joining_before_closing_deadlocks_in_the_first_execution() {
    let report = common::loom(lab(), "wrong_join_before_close", 2, 2);
    let failure = report.failure.as_ref().expect("a deadlock");
    assert_eq!(failure.kind, FailureKind::Deadlock);
    assert_eq!(report.executions, 1);
    assert!(
        failure.message.contains("to receive: the channel is empty and 1 sender is still alive"),
        "{}",
        failure.message
    );
}

/// Gathers every output, never joins.
fn gather_without_join(pool: model::Pool) -> Vec<u64> {
    let model::Pool { jobs, results, first, submitted, .. } = pool;
    drop(jobs);
    let mut outputs = vec![0; submitted as usize];
    for done in &results {
        outputs[(done.ticket - first) as usize] = done.output;
    }
    outputs
}

#[test]
fn loom_sees_a_worker_still_running_after_a_shutdown_that_never_joins() {
    // Dropping a sender is no step loom schedules: each worker's last step is `exited += 1`,
    // which loom can place after `shutdown` returned.
    let case = Case::new(1, 2).with("queued", 0);
    let model = Model::of_case(lab(), "shutdown", &case);
    let body = || model::pool_run(1, 0, 2, false, model::solution::work, gather_without_join);
    let report = explore_body(&model, body).expect("loom finishes");
    report.assert_fail();
    assert!(states(&report).contains(&"right=2 outputs=[51,41] alive=1".to_string()), "{:?}", states(&report));
}

// ---------------------------------------------------------------------------
// Part 2: the process pool
// ---------------------------------------------------------------------------

#[test]
fn loom_a_crashed_workers_job_is_retried_once_and_a_poison_job_is_reported_by_name() {
    for (case, executions) in [(Case::new(1, 2), 1_458), (Case::new(2, 1), 513)] {
        let report = loom("process_pool", case.clone());
        report.assert_pass();
        assert_eq!(report.executions, executions, "{case}");
    }
    // Job 0 kills every worker that runs it: reported as job 0 by name, job 1 still runs.
    let poison = Case::new(1, 2).with("flaky", u64::MAX).with("poison", 0);
    let report = loom("process_pool", poison);
    report.assert_pass();
    assert_eq!(states(&report), ["right=2 failed=1"]);
}

#[test]
fn loom_forgetting_a_crashed_workers_job_waits_for_ever_and_a_broken_pool_fails_innocent_jobs() {
    let forgot = common::loom(lab(), "wrong_forget_crashed_job", 2, 2);
    assert_eq!(forgot.failure.as_ref().map(|f| f.kind), Some(FailureKind::Deadlock));
    let broken = common::loom(lab(), "wrong_break_pool", 2, 2);
    assert!(states(&broken).contains(&"right=0 failed=2".to_string()), "{:?}", states(&broken));
}

// ---------------------------------------------------------------------------
// Part 3: the pipeline
// ---------------------------------------------------------------------------

#[test]
fn loom_the_in_order_consumer_trains_every_batch_once_within_the_depth() {
    for (case, executions) in [
        (Case::new(2, 2).with("depth", 2), 2_916),
        (Case::new(2, 3).with("depth", 1), 6_831),
        (Case::new(2, 2).with("depth", 2).with("stop", 1), 2_160),
    ] {
        let report = loom("in_order", case.clone());
        report.assert_pass();
        assert_eq!(report.executions, executions, "{case}");
    }
}

#[test]
fn loom_catches_training_in_arrival_order_and_prefetching_past_the_depth() {
    let arrival = common::loom(lab(), "wrong_arrival_order", 2, 2);
    assert!(states(&arrival).iter().any(|s| s.contains("trained=[1,0]")), "{:?}", states(&arrival));
    let over = common::loom(lab(), "wrong_prefetch_one_too_many", 2, 2);
    assert_eq!(states(&over), ["right=2 trained=[0,1] held=2 over=1"]);
}

#[test]
fn loom_stopping_mid_epoch_and_joining_the_loaders_first_deadlocks() {
    let report = common::loom(lab(), "wrong_join_loaders_first", 2, 2);
    assert_eq!(report.failure.as_ref().map(|f| f.kind), Some(FailureKind::Deadlock));
}

/// Every catalogued wrong fix, explored once at the catalogue's size, with what the lesson says of some.
#[test]
fn loom_rejects_every_catalogued_wrong_fix() {
    let (threads, iters) = lab().card().catalogue_size;
    common::in_processes(&wrong_fixes(lab()), |variant| {
        let report = common::loom(lab(), variant, threads, iters);
        report.assert_fail();
        let seen = states(&report);
        match variant {
            // Jobs still queued when `stop` is set are dropped: 279 of 30 330 executions.
            "wrong_stop_flag_first" => assert_eq!(
                seen,
                ["right=0 outputs=[0,0] alive=0", "right=1 outputs=[51,0] alive=0", "right=2 outputs=[51,41] alive=0"]
            ),
            "wrong_results_dropped" => {
                assert!(seen.contains(&"right=0 outputs=[0,0] alive=0".to_string()), "{seen:?}");
            }
            "wrong_completion_order" => {
                assert_eq!(seen, ["right=0 outputs=[41,51] alive=0", "right=2 outputs=[51,41] alive=0"]);
                let failure = report.failure.as_ref().expect("fails");
                assert!(failure.message.contains("outputs in the wrong order"), "{}", failure.message);
            }
            _ => {}
        }
    });
}

// ---------------------------------------------------------------------------
// Real threads
// ---------------------------------------------------------------------------

fn real_case(variant: &str, case: Case) -> State {
    lab().run(racelab::lab::Backend::Real, variant, &case).expect("a variant")
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 24, ..ProptestConfig::default() })]

    #[test]
    fn real_claims_and_pools_do_every_job_once_in_submission_order(
        workers in 1usize..=8,
        count in 0u64..=2_000,
        first in prop::sample::select(vec![0, 1, (1 << 32) - 2, (1 << 62) + 5]),
        queued in 0u64..=1,
    ) {
        for variant in ["claim", "bounded_claim", "shutdown"] {
            let case = Case::new(workers, count).with("first", first).with("queued", queued);
            let state = real_case(variant, case.clone());
            prop_assert!(lab().judge(&case, &state).is_ok(), "{} {}: {}", variant, case, state);
        }
    }

    #[test]
    fn real_pipelines_train_every_batch_once_in_order_within_the_depth(
        workers in 1usize..=8,
        count in 0u64..=1_000,
        depth in 1u64..=16,
        first in prop::sample::select(vec![0, (1 << 32) - 3, u64::MAX - 1_000]),
    ) {
        let case = Case::new(workers, count).with("first", first).with("depth", depth);
        let state = real_case("in_order", case.clone());
        prop_assert!(lab().judge(&case, &state).is_ok(), "{}: {}", case, state);
        prop_assert!(state.get("held").unwrap_or(0) <= depth);
    }

    #[test]
    fn real_racy_claims_never_lose_a_job_without_running_another_twice(workers in 2usize..=4, count in 1u64..=20_000) {
        // A real run reports what it saw (loom proves the race); what it can never show is a
        // skipped job: the racy claim repeats jobs, it does not skip them.
        let state = real_case("racy", Case::new(workers, count));
        prop_assert_eq!(state.get("skipped").unwrap_or(0), 0, "{}", state);
    }
}

// ---------------------------------------------------------------------------
// Real processes
// ---------------------------------------------------------------------------

#[test]
fn real_process_pool_retries_a_crash_names_a_poison_job_and_leaves_nothing_running() {
    let command = common::worker_command(lab());
    let inputs = real::process_inputs(6, Some(1), Some(3));
    let (results, crew) = os::process_pool(&command, 2, 0, &inputs, real::OnCrash::RetryOnce, os::Cost::Free);
    assert_eq!(results[1], Ok(real::output_of(real::FLAKY)), "the flaky job is retried and succeeds");
    let poison = results[3].as_ref().expect_err("the poison job fails");
    assert!(poison.starts_with("job 3 (input 1000002) crashed 2 workers"), "{poison}");
    assert!(poison.contains("SIGKILL"), "{poison}");
    for k in [0, 2, 4, 5] {
        assert_eq!(results[k], Ok(real::output_of(k as u64)), "job {k} did nothing wrong");
    }
    // Three crashes (one flaky, two poison): three workers replaced, every one reaped.
    assert_eq!(crew.ended.iter().filter(|(_, _, how)| how.contains("SIGKILL")).count(), 3, "{:?}", crew.ended);
    assert!(crew.running().is_empty());
    assert!(crew.started.iter().all(|&(_, pid)| !os::still_running(pid)), "{:?}", crew.started);
}

#[test]
fn real_process_crew_dropped_by_a_panic_kills_its_workers() {
    let command = common::worker_command(lab());
    let pids = std::sync::Mutex::new(Vec::new());
    let panicked = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        let mut crew = os::ProcessCrew::new(&command, 2, os::Cost::Free);
        for w in 0..2 {
            real::Crew::start(&mut crew, w).expect("a worker");
        }
        pids.lock().unwrap().extend(crew.running());
        panic!("the parent fails while its workers wait for jobs");
    }));
    assert!(panicked.is_err());
    let pids = pids.into_inner().unwrap();
    assert_eq!(pids.len(), 2);
    assert!(pids.iter().all(|&pid| !os::still_running(pid)), "{pids:?}");
}

#[test]
fn real_pipeline_over_processes_trains_in_order_and_a_shutdown_mid_epoch_leaves_nothing_running() {
    let command = common::worker_command(lab());
    let consume = real::solution::consume_in_order;
    let (_, order, endings) =
        os::pipeline_epoch(&command, 3, 40, 4, os::Cost::Io(200), Duration::ZERO, consume).expect("an epoch");
    assert_eq!(order, (0..40).collect::<Vec<_>>());
    assert!(endings.iter().all(|e| e == "exited with status 0"), "{endings:?}");
    // Stop after 3 of 40 batches with 4 in flight: the loaders are shut down mid-epoch.
    let mut loader = os::ProcessLoader::start(&command, 2, os::Cost::Io(20_000)).expect("loaders");
    let pids = loader.pids();
    let mut trained = 0;
    consume(&mut loader, 0, 40, 4, &mut |_, _| {
        trained += 1;
        trained < 3
    });
    assert_eq!(trained, 3);
    let endings = loader.shutdown();
    assert_eq!(endings.len(), 2);
    assert!(pids.iter().all(|&pid| !os::still_running(pid)), "{pids:?} {endings:?}");
}

#[test]
fn the_stepper_puzzles_have_the_fewest_moves_the_lesson_says() {
    let fewest = |id| racelab::labs::puzzle(id).and_then(|(lab, p)| p.fewest_moves(lab));
    assert_eq!(fewest("claim-twice"), Ok(Some(6)));
    assert_eq!(fewest("lose-the-last-job"), Ok(Some(3)));
}

/// The reference answer (`solution.rs`) passes every check `verify` runs (`dev check`
/// checks it too; here it is part of a plain `cargo test`).
#[test]
fn the_solution_passes_every_exercise_check() {
    common::assert_the_solution_passes_every_check(&racelab::labs::pools::LAB);
}
