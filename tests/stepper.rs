//! Be the scheduler: the stepper runs the labs' own code on shuttle's threads
//! and lets a learner (here: a list of moves) choose who moves next.

mod common;

use racelab::check::{Model, explore};
use racelab::lab::{Case, Lab};
use racelab::labs;
use racelab::stepper::{self, Stepping, replay};

fn lab(n: u8) -> &'static dyn Lab {
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

// ---------------------------------------------------------------------------
// `racelab step` and `racelab check --random`, as a learner types them
// ---------------------------------------------------------------------------

fn racelab(args: &[&str], stdin: &str) -> (String, String, Option<i32>) {
    use std::io::Write as _;
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_racelab"))
        .args(args)
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("racelab runs");
    child.stdin.take().expect("stdin").write_all(stdin.as_bytes()).expect("moves written");
    let out = child.wait_with_output().expect("racelab ends");
    (
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
        out.status.code(),
    )
}

#[test]
fn a_learner_steps_the_racy_counter_to_a_lost_update() {
    let (out, err, code) = racelab(&["step", "1", "--threads", "2", "--iters", "1"], "1\n2\n9\n2\n");
    assert_eq!(code, Some(0), "{err}");
    assert!(out.contains("who moves next?"), "{out}");
    assert!(
        out.contains("`9` is not a thread that can move now"),
        "a bad move gets one line and the prompt again:\n{out}"
    );
    assert!(out.contains("outcome: final 1, expected 2 — 1 update lost"), "{out}");
    assert!(out.contains("--schedule 1,2,2"), "{out}");
}

#[test]
fn undo_takes_back_a_move_and_end_of_input_quits() {
    let (out, _, code) = racelab(&["step", "1"], "1\nu\n1\n1\n");
    assert_eq!(code, Some(0));
    assert!(out.contains("stopped after"), "end of input stops cleanly:\n{out}");
}

#[test]
fn a_replayed_schedule_prints_the_same_outcome_as_check() {
    let (check, _, _) = racelab(&["check", "2", "--variant", "racy", "--threads", "2", "--iters", "1"], "");
    let command = check.lines().rev().find(|l| l.contains("cargo run -- step")).expect("check prints a replay command");
    let args: Vec<&str> = command.trim().trim_start_matches("cargo run -- ").split_whitespace().collect();
    let (replayed, err, code) = racelab(&args, "");
    assert_eq!(code, Some(0), "{err}");
    assert!(replayed.contains("outcome: sold=2 got=[1,1]"), "{replayed}");
    assert!(check.contains("→ sold=2 got=[1,1]"), "{check}");
}

#[test]
fn random_schedules_past_looms_reach_fail_the_race_and_pass_the_fix() {
    let args = ["check", "1", "--random", "--threads", "4", "--iters", "100", "--iterations", "200", "--seed", "3"];
    let (out, _, code) = racelab(&args, "");
    assert_eq!(code, Some(1), "{out}");
    assert!(out.contains("not exhaustive") && out.contains("verdict: FAIL") && out.contains("--schedule "), "{out}");
    let mut fix = args.to_vec();
    fix.extend(["--variant", "mutex"]);
    let (out, _, code) = racelab(&fix, "");
    assert_eq!(code, Some(0), "{out}");
    assert!(out.contains("no failure found"), "{out}");
}

#[test]
fn check_writes_a_self_contained_html_page_of_the_schedule() {
    let dir = tempfile::tempdir().expect("a temp dir");
    let file = dir.path().join("racy.html");
    let path = file.to_str().expect("a UTF-8 path");
    let (_, err, code) =
        racelab(&["check", "1", "--variant", "racy", "--threads", "2", "--iters", "1", "--html", path], "");
    assert_eq!(code, Some(1), "{err}");
    let page = std::fs::read_to_string(&file).expect("the page is written");
    assert!(page.starts_with("<!DOCTYPE html>") && page.ends_with("</html>\n"));
    for lane in ["<th>T1</th>", "<th>T2</th>", "<th>main</th>"] {
        assert!(page.contains(lane), "a lane per thread: {lane}");
    }
    assert!(page.contains("overwrites T2") && page.contains("1 update lost") && page.contains("--schedule 1,2,2"));
    assert!(!page.contains("<script") && !page.contains("http"), "self-contained: no scripts, no links");
}

#[test]
fn every_puzzle_can_be_solved_and_knows_its_fewest_moves() {
    for (lab, puzzle) in labs::puzzles() {
        let fewest =
            puzzle.fewest_moves(lab).expect("a small search").unwrap_or_else(|| panic!("{} is solvable", puzzle.id));
        assert!(fewest >= 1, "{}", puzzle.id);
    }
    // Two increments end at 1 in three moves: T1 reads, T2 reads, T2 writes (T1's write is forced).
    assert_eq!(labs::puzzle("lose-one").and_then(|(lab, p)| p.fewest_moves(lab)), Ok(Some(3)));
}

#[test]
fn a_puzzle_solved_by_replay_is_recorded_with_its_moves() {
    let dir = tempfile::tempdir().expect("a course folder");
    common::course_skeleton(dir.path());
    let run = |args: &[&str]| {
        let out = std::process::Command::new(env!("CARGO_BIN_EXE_racelab"))
            .current_dir(dir.path())
            .args(args)
            .output()
            .expect("runs");
        String::from_utf8_lossy(&out.stdout).into_owned()
    };
    let solved = run(&["step", "--puzzle", "oversell", "--schedule", "1,2,1"]);
    assert!(solved.contains("puzzle `oversell` solved in"), "{solved}");
    let list = run(&["step"]);
    assert!(list.lines().any(|l| l.contains("oversell") && l.contains("✓")), "{list}");
}

// ---------------------------------------------------------------------------
// Deadlocks: a thread waiting for a lock is not a move; nobody able to move is a deadlock
// ---------------------------------------------------------------------------

#[test]
fn locks_taken_in_opposite_orders_deadlock_when_each_thread_holds_one() {
    let stepping = Stepping::new(lab(3), "wrong_lock_order", Case::new(1, 1));
    // T1 (the transfer) locks a, the observer locks b: each now waits for the other.
    let ending = replay(&stepping, &[1, 2]);
    assert!(ending.deadlock, "{:?}", ending.verdict);
    let why = ending.verdict.expect_err("a deadlock is no outcome");
    assert!(why.starts_with(stepper::DEADLOCK), "{why}");
    assert!(why.contains("T1 waits for lock b, held by observer since step 2"), "{why}");
    assert!(why.contains("observer waits for lock a, held by T1 since step 1"), "{why}");
    assert_eq!(ending.state, None);
    // The same code, the transfer first to the end: no deadlock.
    let fine = replay(&stepping, &[1, 1, 1]);
    assert!(!fine.deadlock && fine.verdict.is_ok(), "{:?}", fine.verdict);
}

#[test]
fn a_thread_waiting_for_a_lock_is_shown_but_not_offered_as_a_move() {
    // Two transfers and the observer: T1 takes a, so T2's `lock` of a must wait.
    let stepping = Stepping::new(lab(3), "wrong_lock_order", Case::new(2, 1));
    let seen = std::rc::Rc::new(std::cell::RefCell::new(None));
    let keep = std::rc::Rc::clone(&seen);
    stepper::run(&stepping, &[1], move |choice: &stepper::Choice| {
        *keep.borrow_mut() = Some((choice.next.clone(), choice.waiting.clone()));
        stepper::Decision::Stop
    });
    let (next, waiting) = seen.borrow_mut().take().expect("a choice after the first move");
    assert!(next.iter().all(|n| n.thread != 2), "T2 waits, so it is not a move: {next:?}");
    assert_eq!(waiting.len(), 1, "{waiting:?}");
    assert_eq!(waiting[0].to_string().split(", at").next(), Some("T2 waits for lock a, held by T1 since step 1"));
    // A replay that names the waiting thread is refused with one line.
    let bad = replay(&stepping, &[1, 2]).bad_move.expect("T2 cannot move");
    assert!(bad.contains("thread 2 cannot move now"), "{bad}");
}

#[test]
fn the_deadlock_puzzle_is_solved_in_two_moves_and_loom_replays_to_the_same_deadlock() {
    assert_eq!(labs::puzzle("deadlock").and_then(|(lab, p)| p.fewest_moves(lab)), Ok(Some(2)));
    let report = explore(&Model::new(lab(3), "wrong_lock_order", 1, 1)).expect("a verdict");
    let failure = report.failure.expect("loom finds the deadlock");
    let stepping = Stepping::new(lab(3), "wrong_lock_order", Case::new(1, 1));
    let moves = stepper::moves_for(&stepping, &failure.schedule).expect("replayable");
    assert!(replay(&stepping, &moves).deadlock, "{}", stepping.command(&moves));
}

// ---------------------------------------------------------------------------
// PCT next to random
// ---------------------------------------------------------------------------

#[test]
fn pct_schedules_find_the_race_past_looms_reach_and_their_moves_replay_it() {
    let racy = Stepping::new(lab(1), "racy", Case::new(4, 20));
    let pct = stepper::Sampler::Pct { depth: 3 };
    let found = stepper::explore(&racy, pct, 200, 7);
    let failure = found.first_failure.expect("a PCT schedule loses an update");
    let again = replay(&racy, &failure.moves);
    assert_eq!(again.state, failure.state);
    assert!(again.verdict.is_err());
    // The same seed gives the same schedules.
    let twice = stepper::explore(&racy, pct, 200, 7);
    assert_eq!(twice.first_failure.map(|f| f.moves), Some(failure.moves));
    let fix = Stepping::new(lab(1), "mutex", Case::new(4, 20));
    let report = stepper::explore(&fix, pct, 100, 7);
    assert_eq!((report.executions, report.failures), (100, 0));
}

#[test]
fn pct_runs_a_spin_lock_to_the_end() {
    // A waiting thread spins; PCT, which always runs the highest-priority thread, must let
    // the holder go when the spinner gives way, or it would spin for ever.
    let lock = Stepping::new(lab(4), "lock", Case::new(3, 2));
    let report = stepper::explore(&lock, stepper::Sampler::Pct { depth: 2 }, 50, 1);
    assert_eq!((report.executions, report.failures), (50, 0), "{:?}", report.first_failure.map(|f| f.verdict));
}

#[test]
fn a_pct_failure_printed_by_check_replays_to_the_same_outcome() {
    let args =
        ["check", "1", "--random", "--scheduler", "pct", "--threads", "4", "--iters", "100", "--iterations", "100"];
    let (out, err, code) = racelab(&args, "");
    assert_eq!(code, Some(1), "{out}{err}");
    assert!(out.contains("PCT depth 3 schedules") && out.contains("not exhaustive"), "{out}");
    let command = out.lines().find_map(|l| l.strip_prefix("replay: cargo run -- ")).expect("a replay command");
    let (replayed, err, code) = racelab(&command.split_whitespace().collect::<Vec<_>>(), "");
    assert_eq!(code, Some(0), "{err}");
    let outcome = |text: &str| text.lines().find(|l| l.starts_with("outcome:")).map(str::to_string);
    assert_eq!(outcome(&replayed), outcome(&out));
    assert!(outcome(&out).is_some_and(|o| o.contains("updates lost") || o.contains("update lost")), "{out}");
}

#[test]
fn step_writes_the_same_kind_of_html_page_for_the_execution_it_ran() {
    let dir = tempfile::tempdir().expect("a temp dir");
    let file = dir.path().join("deadlock.html");
    let path = file.to_str().expect("a UTF-8 path");
    let args = ["step", "3", "--variant", "wrong_lock_order", "--threads", "1", "--iters", "1", "--schedule", "1,2"];
    let (out, err, code) = racelab(&[&args[..], &["--html", path]].concat(), "");
    assert_eq!(code, Some(0), "{err}");
    assert!(out.contains("outcome: deadlock: every thread is waiting"), "{out}");
    let page = std::fs::read_to_string(&file).expect("the page is written");
    assert!(page.starts_with("<!DOCTYPE html>") && page.ends_with("</html>\n"));
    for lane in ["<th>T1</th>", "<th>observer</th>"] {
        assert!(page.contains(lane), "a lane per thread: {lane}");
    }
    assert!(page.contains("Never ends") && page.contains("deadlock: every thread is waiting"), "{page}");
    assert!(page.contains("--schedule 1,2"));
    assert!(!page.contains("<script") && !page.contains("http"), "self-contained: no scripts, no links");
    // An interactive run writes its page when it ends, here with moves from a pipe.
    let (_, err, code) = racelab(&["step", "1", "--threads", "2", "--iters", "1", "--html", path], "1\n2\n2\n");
    assert_eq!(code, Some(0), "{err}");
    let page = std::fs::read_to_string(&file).expect("the page is written");
    assert!(page.contains("overwrites T2") && page.contains("1 update lost"), "{page}");
}
