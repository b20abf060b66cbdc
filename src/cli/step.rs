//! `racelab step`: the learner is the scheduler, one line per move.
//!
//! Plain line mode, so it works in any terminal, over a pipe and from a
//! script: the screen shows the steps so far, the shared state and every
//! thread that can move with its next operation and line; the learner types
//! a thread's number (`u` undoes, `q` quits). With `--schedule 1,2,2,1` the
//! moves are replayed without asking.

use crate::check::trace::{Event, Op, Schedule};
use crate::stepper::{self, Choice, Decision, Ending, Stepping};
use std::cell::RefCell;
use std::fmt::Write as _;
use std::io::{BufRead, Write};
use std::rc::Rc;

/// What the learner asked for besides a move.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Action {
    Undo,
    Quit,
}

/// The shared objects as the steps so far left them: `atomic = 1`, `mutex: held by T1 (holds 0)`.
fn shared_state(stepping: &Stepping, events: &[Event]) -> String {
    let schedule = Schedule::from_events_decoded(events, stepping.lab.names, stepping.lab.decode);
    let mut objects: Vec<(String, String)> = Vec::new();
    for (step, event) in schedule.steps.iter().zip(events) {
        let now = match &event.op {
            Op::Lock { holds } => format!("held by {} (holds {holds})", step.thread),
            Op::Unlock { leaves, .. } => format!("free (holds {leaves})"),
            Op::TryLockBusy => continue,
            _ => match (step.wrote, step.read) {
                (Some(v), _) | (None, Some(v)) => {
                    stepping.lab.decode.filter(|_| step.object == "atomic").map_or(v.to_string(), |d| d(v))
                }
                _ => continue,
            },
        };
        match objects.iter_mut().find(|(name, _)| *name == step.object) {
            Some(entry) => entry.1 = now,
            None => objects.push((step.object.clone(), now)),
        }
    }
    if objects.is_empty() {
        return "  shared: nothing touched yet\n".to_string();
    }
    let list: Vec<String> = objects.iter().map(|(name, value)| format!("{name} = {value}")).collect();
    format!("  shared: {}\n", list.join(" · "))
}

fn screen(stepping: &Stepping, choice: &Choice) -> String {
    let mut text = String::new();
    if !choice.events.is_empty() {
        let schedule = Schedule::from_events_decoded(choice.events, stepping.lab.names, stepping.lab.decode);
        text.push_str(&schedule.table());
    }
    text.push_str(&shared_state(stepping, choice.events));
    let _ = writeln!(text, "  who moves next?");
    let width = choice.next.iter().map(|n| n.label.len()).max().unwrap_or(2);
    for next in &choice.next {
        let _ = writeln!(text, "    {:>2}  {:<width$}  {:<22} {}", next.thread, next.label, next.op, next.at);
    }
    for waiting in &choice.waiting {
        let _ = writeln!(text, "    (waiting, cannot move: {waiting})");
    }
    text
}

fn outcome(stepping: &Stepping, ending: &Ending) -> String {
    let mut text = String::new();
    let schedule = Schedule::from_events_decoded(&ending.events, stepping.lab.names, stepping.lab.decode);
    text.push_str(&schedule.table());
    let expected = (stepping.lab.spec)(&stepping.case);
    let shown = |state: &crate::labs::State| {
        if state.is_count() { format!("{} {}", stepping.lab.measure, state.value()) } else { state.to_string() }
    };
    match (&ending.state.as_ref().map(shown), &ending.verdict) {
        (Some(state), Ok(())) => {
            let _ = writeln!(text, "\noutcome: {state} — right (expected {expected})");
        }
        (Some(state), Err(why)) => {
            let _ = writeln!(text, "\noutcome: {state}, expected {expected} — {why}");
        }
        (None, Err(why)) if ending.deadlock => {
            let _ = writeln!(text, "\noutcome: {why}\n(expected {expected}: a run that ends)");
        }
        (None, Err(why)) => {
            let _ = writeln!(text, "\noutcome: {why}");
        }
        (None, Ok(())) => {}
    }
    if !ending.moves.is_empty() {
        let _ = writeln!(text, "replay: {}", stepping.command(&ending.moves));
    }
    text
}

/// Replays `moves` without asking; the schedule and the outcome as text, and the ending.
pub(super) fn replay(stepping: &Stepping, moves: &[usize]) -> Result<(String, Ending), String> {
    let ending = stepper::replay(stepping, moves);
    if let Some(bad) = &ending.bad_move {
        return Err(format!("--schedule {}: {bad}", join(moves)));
    }
    let mut text = format!("{}\n", title(stepping));
    if ending.moves.len() > moves.len() {
        let _ = writeln!(
            text,
            "(the schedule gave {} moves; the lowest-numbered thread that could move made the rest)",
            moves.len()
        );
    }
    text.push_str(&outcome(stepping, &ending));
    Ok((text, ending))
}

fn join(moves: &[usize]) -> String {
    moves.iter().map(usize::to_string).collect::<Vec<_>>().join(",")
}

fn title(stepping: &Stepping) -> String {
    format!(
        "lab {:02} · {} · {} — you are the scheduler (shuttle's threads: every load reads the latest store)",
        stepping.lab.number, stepping.variant, stepping.case
    )
}

/// Steps interactively: reads moves from `input`, writes screens to `output`.
pub(super) fn interactive(
    stepping: &Stepping,
    input: Box<dyn BufRead>,
    output: Box<dyn Write>,
) -> Result<Option<Ending>, String> {
    let input = Rc::new(RefCell::new(input));
    let output = Rc::new(RefCell::new(output));
    let say = |out: &Rc<RefCell<Box<dyn Write>>>, text: &str| {
        let mut out = out.borrow_mut();
        let _ = out.write_all(text.as_bytes());
        let _ = out.flush();
    };
    say(
        &output,
        &format!("{}\nType a thread's number to move it; u undoes the last move, q quits.\n", title(stepping)),
    );
    let mut moves: Vec<usize> = Vec::new();
    loop {
        let action: Rc<RefCell<Option<Action>>> = Rc::new(RefCell::new(None));
        let (reader, writer, asked, view) =
            (Rc::clone(&input), Rc::clone(&output), Rc::clone(&action), stepping.clone());
        let chooser = move |choice: &Choice| -> Decision {
            let mut out = writer.borrow_mut();
            let _ = write!(out, "\n{}> ", screen(&view, choice));
            let _ = out.flush();
            loop {
                let mut line = String::new();
                match reader.borrow_mut().read_line(&mut line) {
                    Ok(0) | Err(_) => {
                        *asked.borrow_mut() = Some(Action::Quit);
                        return Decision::Stop;
                    }
                    Ok(_) => {}
                }
                let word = line.trim();
                match word {
                    "q" | "quit" => {
                        *asked.borrow_mut() = Some(Action::Quit);
                        return Decision::Stop;
                    }
                    "u" | "undo" => {
                        *asked.borrow_mut() = Some(Action::Undo);
                        return Decision::Stop;
                    }
                    "" => {}
                    _ => match word.parse::<usize>() {
                        Ok(t) if choice.next.iter().any(|n| n.thread == t) => return Decision::Pick(t),
                        _ => {
                            let can: Vec<String> = choice.next.iter().map(|n| n.thread.to_string()).collect();
                            let _ = writeln!(
                                out,
                                "`{word}` is not a thread that can move now; type one of {}, u or q",
                                can.join(", ")
                            );
                        }
                    },
                }
                let _ = write!(out, "> ");
                let _ = out.flush();
            }
        };
        let ending = stepper::run(stepping, &moves, chooser);
        let asked = *action.borrow();
        match asked {
            Some(Action::Undo) => {
                moves = ending.moves;
                if moves.pop().is_none() {
                    say(&output, "nothing to undo\n");
                }
            }
            Some(Action::Quit) => {
                say(&output, &format!("\nstopped after {} moves", ending.moves.len()));
                if !ending.moves.is_empty() {
                    say(&output, &format!("; to come back: {}", stepping.command(&ending.moves)));
                }
                say(&output, "\n");
                return Ok(None);
            }
            None => {
                say(&output, &format!("\n{}", outcome(stepping, &ending)));
                return Ok(Some(ending));
            }
        }
    }
}

/// The puzzles, with the learner's best for each.
pub(super) fn puzzles(best: &std::collections::BTreeMap<String, usize>) -> String {
    let mut text =
        String::from("Stepping puzzles: you are the scheduler; reach the goal in as few moves as you can.\n\n");
    let width = stepper::PUZZLES.iter().map(|p| p.id.len()).max().unwrap_or(10);
    let what = |p: &stepper::Puzzle| format!("{} {}×{}", p.variant, p.size.0, p.size.1);
    let what_width = stepper::PUZZLES.iter().map(|p| what(p).chars().count()).max().unwrap_or(22);
    for puzzle in stepper::PUZZLES {
        let mark = best.get(puzzle.id).map_or("·".to_string(), |moves| format!("✓ {moves} moves"));
        let _ = writeln!(
            text,
            "  {:<width$}  lab {:02} {:<what_width$}  {:<11}  {}",
            puzzle.id,
            puzzle.lab,
            what(puzzle),
            mark,
            puzzle.goal
        );
    }
    text.push_str("\nStart one: cargo run -- step --puzzle lose-one\n");
    text
}

/// How a puzzle attempt went, and the fewest moves possible.
pub(super) fn judge_puzzle(puzzle: &stepper::Puzzle, ending: &Ending) -> (String, Option<usize>) {
    let fewest = puzzle.fewest_moves().ok().flatten();
    let best = fewest.map_or(String::new(), |n| format!(" (the fewest possible: {n})"));
    if puzzle.reached_by(ending) {
        (format!("puzzle `{}` solved in {} moves{best}\n", puzzle.id, ending.moves.len()), Some(ending.moves.len()))
    } else {
        (format!("puzzle `{}` not solved: the goal was to {}{best}\n", puzzle.id, puzzle.goal), None)
    }
}

/// A random exploration, as `check --random` prints it.
pub(super) fn random(stepping: &Stepping, sampler: stepper::Sampler, iterations: u64, seed: u64) -> (String, bool) {
    let report = stepper::explore(stepping, sampler, iterations, seed);
    let mut text = format!(
        "lab {:02} · {} · {}: {} {sampler} schedules (seed {seed}) — not exhaustive: a pass is evidence, not proof\n",
        stepping.lab.number, stepping.variant, stepping.case, report.executions
    );
    if report.only_one_schedule {
        let _ = writeln!(text, "(no thread ever had a choice to make: this size has one schedule, and it ran)");
    }
    match &report.first_failure {
        None => {
            let _ = writeln!(text, "verdict: no failure found");
            (text, true)
        }
        Some(ending) => {
            let _ = writeln!(text, "verdict: FAIL (schedule {} of {})\n", report.executions, iterations);
            text.push_str(&outcome(stepping, ending));
            (text, false)
        }
    }
}
