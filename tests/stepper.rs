//! Be the scheduler: the stepper runs the labs' own code on shuttle's threads
//! and lets a learner (here: a list of moves) choose who moves next.

use racelab::check::{Model, explore};
use racelab::labs::{self, Case, Lab};
use racelab::stepper::{self, Stepping, replay};

fn lab(n: u8) -> &'static Lab {
    labs::find(&n.to_string()).expect("a lab")
}

#[test]
fn moves_1_2_2_1_lose_an_update_and_1_1_2_2_do_not() {
    let racy = Stepping::new(lab(1), "racy", Case::new(2, 1));
    let lost = replay(&racy, &[1, 2, 2, 1]);
    assert_eq!(lost.state.map(|s| s.value()), Some(1));
    assert_eq!(lost.verdict, Err("1 update lost".to_string()));
    assert_eq!(lost.moves, vec![1, 2, 2], "the last move is forced: only T1 can move");
    let kept = replay(&racy, &[1, 1, 2, 2]);
    assert_eq!(kept.state.map(|s| s.value()), Some(2));
    assert!(kept.verdict.is_ok());
}

#[test]
fn a_move_for_a_thread_that_cannot_move_is_named() {
    let racy = Stepping::new(lab(1), "racy", Case::new(2, 1));
    let ending = replay(&racy, &[3]);
    let why = ending.bad_move.expect("thread 3 does not exist");
    assert!(why.contains("thread 3 cannot move now"), "{why}");
}

#[test]
fn every_failing_loom_schedule_replays_to_the_same_state() {
    for (n, variant, threads, iters) in [
        (1, "racy", 2, 1),
        (1, "racy", 2, 2),
        (2, "racy", 2, 1),
        (3, "per_variable_atomic", 1, 1),
        (1, "wrong_split_lock", 2, 1),
    ] {
        let report = explore(&Model::new(lab(n), variant, threads, iters)).expect("a verdict");
        let failure = report.failure.expect("loom finds the race");
        let stepping = Stepping::new(lab(n), variant, Case::new(threads, iters));
        let moves = stepper::moves_for(&stepping, &failure.schedule).expect("replayable");
        let ending = replay(&stepping, &moves);
        assert_eq!(ending.state, failure.state, "lab {n} {variant}: {}", stepping.command(&moves));
    }
}

#[test]
fn random_schedules_find_the_race_past_looms_reach_and_none_in_a_fix() {
    let racy = Stepping::new(lab(1), "racy", Case::new(4, 20));
    let found = stepper::random(&racy, 200, 7);
    let failure = found.first_failure.expect("a random schedule loses an update");
    // The failure replays from its moves.
    let again = replay(&racy, &failure.moves);
    assert_eq!(again.state, failure.state);
    let fix = Stepping::new(lab(1), "mutex", Case::new(4, 20));
    let report = stepper::random(&fix, 100, 7);
    assert_eq!((report.executions, report.failures), (100, 0));
}

#[test]
fn a_lock_held_across_both_threads_reaches_no_wrong_state() {
    // Whatever the learner picks, the mutex fix ends exact.
    let fix = Stepping::new(lab(1), "mutex", Case::new(2, 1));
    for moves in [&[1, 1, 2, 2][..], &[2, 2, 1, 1], &[1, 2, 1, 2]] {
        let ending = replay(&fix, moves);
        assert!(ending.verdict.is_ok(), "{moves:?}: {:?}", ending.verdict);
    }
}
