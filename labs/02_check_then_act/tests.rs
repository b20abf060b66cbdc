//! Lab 02 — check-then-act. Every claim of the lesson, as a test.
//!
//! ```text
//! cargo test --test lab_02
//! ```
//!
//! A box office sells `capacity` = demand − 1 tickets, so buyers always race
//! for the last one and a correct box office sells exactly `capacity`.

#[path = "../../tests/common/mod.rs"]
mod common;

use common::{assert_fix_is_exact, lab, loom, reachable, real, worker_command, wrong_fixes};
use proptest::prelude::*;
use racelab::check::FailureKind;
use racelab::lab::Lab;
use racelab::runner::process::run_workers;
use std::time::Duration;

fn tickets() -> &'static dyn Lab {
    lab(2)
}

/// 2 buyers × 1 attempt (1 ticket), 2 × 2 (3 tickets), 3 × 1 (2 tickets).
const SIZES: [(usize, u64); 3] = [(2, 1), (2, 2), (3, 1)];

// ---------------------------------------------------------------------------
// loom: the oversell is caught, with a readable schedule
// ---------------------------------------------------------------------------

#[test]
#[should_panic(expected = "loom found a failing interleaving")]
fn loom_catches_check_then_fetch_add_overselling() {
    loom(tickets(), "racy", 2, 1).assert_pass();
}

#[test]
fn loom_catches_racy_at_every_size() {
    for (threads, iters) in SIZES {
        loom(tickets(), "racy", threads, iters).assert_fail();
    }
}

#[test]
fn loom_racy_only_oversells_and_by_fewer_tickets_than_there_are_buyers() {
    // The increment itself never loses a sale (it is a fetch_add); the racy
    // box office only ever sells too many — at most one per extra buyer.
    assert_eq!(reachable(&loom(tickets(), "racy", 2, 1)), vec![1, 2]);
    assert_eq!(reachable(&loom(tickets(), "racy", 2, 2)), vec![3, 4]);
    assert_eq!(reachable(&loom(tickets(), "racy", 3, 1)), vec![2, 3]);
}

#[test]
fn loom_schedule_shows_both_buyers_passing_the_check() {
    let report = loom(tickets(), "racy", 2, 1);
    let failure = report.failure.as_ref().expect("racy fails");
    assert_eq!(failure.kind, FailureKind::WrongValue);
    assert_eq!(failure.message, "1 ticket oversold");
    let checks: Vec<_> = failure.schedule.steps.iter().filter(|s| s.operation == "load 0").collect();
    assert_eq!(checks.len(), 2, "both buyers saw 0 sold:\n{}", failure.schedule.table());
    let sells = failure.schedule.steps.iter().filter(|s| s.operation.starts_with("fetch_add")).count();
    assert_eq!(sells, 2, "and both sold:\n{}", failure.schedule.table());
    let text = report.render();
    assert!(text.contains("→ sold=2 got=[1,1], expected sold=1, got adding up to 1 (1 ticket oversold)"), "{text}");
}

// ---------------------------------------------------------------------------
// loom: every fix sells exactly the capacity, in every interleaving
// ---------------------------------------------------------------------------

#[test]
fn loom_mutex_makes_check_and_sell_one_step() {
    assert_fix_is_exact(tickets(), "mutex", &SIZES);
}

#[test]
fn loom_parking_lot_mutex_makes_check_and_sell_one_step() {
    assert_fix_is_exact(tickets(), "parking_lot", &SIZES);
}

#[test]
fn loom_compare_and_swap_loop_never_oversells_or_undersells() {
    common::in_its_own_process(|| {
        assert_fix_is_exact(tickets(), "atomic", &SIZES);
    });
}

#[test]
fn loom_tickets_split_among_isolated_workers_sell_exactly() {
    assert_fix_is_exact(tickets(), "process", &SIZES);
}

// ---------------------------------------------------------------------------
// loom: the catalogue of wrong fixes is rejected
// ---------------------------------------------------------------------------

#[test]
fn loom_rejects_every_catalogued_wrong_fix() {
    for variant in wrong_fixes(tickets()) {
        let report = loom(tickets(), variant, 2, 2);
        assert!(!report.passed(), "{variant} must be rejected:\n{}", report.render());
    }
}

#[test]
fn loom_shows_an_ignored_cas_failure_leaves_tickets_unsold() {
    // Not an oversell: the other failure mode. A buyer who loses the CAS gives up.
    let report = loom(tickets(), "wrong_ignored_cas", 2, 2);
    assert_eq!(reachable(&report), vec![2, 3]);
    let failure = report.failure.expect("rejected");
    assert_eq!(failure.message, "1 ticket left unsold although buyers wanted them");
    assert!(
        failure.schedule.steps.iter().any(|s| s.operation.starts_with("cas failed")),
        "{}",
        failure.schedule.table()
    );
}

#[test]
#[should_panic(expected = "loom found a failing interleaving")]
fn loom_rejects_checking_under_the_lock_and_selling_outside_it() {
    loom(tickets(), "wrong_check_under_lock", 2, 1).assert_pass();
}

// ---------------------------------------------------------------------------
// real threads and processes
// ---------------------------------------------------------------------------

proptest! {
    #![proptest_config(ProptestConfig::with_cases(32))]

    #[test]
    fn real_fixes_sell_exactly_the_capacity(threads in 1usize..=8, iters in 0u64..=300) {
        let capacity = (threads as u64 * iters).saturating_sub(1);
        for variant in ["mutex", "parking_lot", "atomic"] {
            prop_assert_eq!(real(tickets(), variant, threads, iters), capacity, "{}", variant);
        }
    }

    #[test]
    fn real_racy_never_undersells_and_oversells_less_than_the_buyers(threads in 1usize..=6, iters in 0u64..=300) {
        let capacity = (threads as u64 * iters).saturating_sub(1);
        let sold = real(tickets(), "racy", threads, iters);
        prop_assert!(sold >= capacity, "sold {} of {}", sold, capacity);
        prop_assert!(sold < capacity + threads as u64, "sold {} of {}", sold, capacity);
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(12))]

    #[test]
    fn real_worker_processes_sell_their_shares_exactly(workers in 1usize..=4, iters in 0u64..=50_000) {
        let jobs = tickets().jobs(workers, iters);
        let reports = run_workers(&worker_command(tickets()), &jobs, Duration::from_secs(30)).expect("workers report");
        prop_assert_eq!(tickets().combine(&reports), tickets().expected(workers, iters));
    }
}

#[test]
fn real_racy_run_reports_what_it_saw() {
    let sold = real(tickets(), "racy", 4, 1_000);
    assert!((3_999..=4_002).contains(&sold), "never undersells, oversells by at most 3: {sold}");
    println!("racy 4 buyers × 1000 attempts on real threads: sold {sold} of 3999");
}

#[test]
fn real_split_shares_cost_sales_when_demand_is_uneven() {
    // The price of splitting up front: a worker whose buyers never come
    // keeps its tickets while another worker turns buyers away.
    let shares = [vec![0, 5], vec![10, 5]]; // [attempts, tickets]
    let reports = run_workers(&worker_command(tickets()), &shares, Duration::from_secs(30)).expect("workers report");
    assert_eq!(reports, vec![0, 5], "10 buyers wanted tickets, 10 tickets existed, 5 were sold");
}

// ---------------------------------------------------------------------------
// exercises
// ---------------------------------------------------------------------------

mod learner_checks {
    use racelab::judge::Status;
    use racelab::judge::{Judge as _, Spec as _};
    use racelab::labs::check_then_act::LAB;
    use racelab::sync::model::Mutex;
    use racelab::sync::model::atomic::{AtomicU64, Ordering::Relaxed};

    #[test]
    fn the_solution_passes_every_exercise_check() {
        super::common::assert_the_solution_passes_every_check(&LAB);
    }

    fn cas_once(sold: &AtomicU64, capacity: u64) -> bool {
        let seen = sold.load(Relaxed);
        seen < capacity && sold.compare_exchange(seen, seen + 1, Relaxed, Relaxed).is_ok()
    }

    #[test]
    fn a_cas_that_gives_up_is_rejected_as_underselling() {
        let mut learner = LAB.solution(None);
        learner.model.atomic = cas_once;
        let outcome = LAB.check("atomic", &learner);
        assert_eq!(outcome.status, Status::Failing);
        // Caught on one thread already: a lost race makes it answer no with tickets left.
        assert!(outcome.summary.contains("answered no"), "{}", outcome.summary);
    }

    fn lock_to_check_then_lock_to_sell(sold: &Mutex<u64>, capacity: u64) -> bool {
        let free = *sold.lock().expect("poisoned") < capacity;
        if free {
            *sold.lock().expect("poisoned") += 1;
        }
        free
    }

    #[test]
    fn a_check_under_one_lock_and_a_sale_under_another_is_rejected() {
        let mut learner = LAB.solution(None);
        learner.model.mutex = lock_to_check_then_lock_to_sell;
        let outcome = LAB.check("mutex", &learner);
        assert_eq!(outcome.status, Status::Failing);
        assert!(outcome.summary.contains("oversold"), "{}", outcome.summary);
    }
}
