//! `racelab step`: the learner is the scheduler, one line per move.
//!
//! Plain line mode, so it works in any terminal, over a pipe and from a
//! script: the screen shows the steps so far, the shared state and every
//! thread that can move with its next operation and line; the learner types
//! a thread's number (`u` undoes, `q` quits). With `--schedule 1,2,2,1` the
//! moves are replayed without asking.

use crate::lab::{Lab, Puzzle};
use crate::stepper::{self, Choice, Decision, Ending, Stepping};
use crate::trace::{Event, Op, Schedule};
use std::cell::RefCell;
use std::fmt::Write as _;
use std::io::{BufRead, Write};
use std::rc::Rc;

/// The shared objects as the steps so far left them: `atomic = 1`, `mutex: held by T1 (holds 0)`.
pub(super) fn shared_state(stepping: &Stepping, events: &[Event]) -> String {
    let schedule = Schedule::from_events_decoded(events, stepping.lab.card().names, stepping.lab.decoder());
    let mut objects: Vec<(String, String)> = Vec::new();
    for (step, event) in schedule.steps.iter().zip(events) {
        let now = match &event.op {
            Op::Lock { holds } => format!("held by {} (holds {holds})", step.thread),
            Op::Unlock { leaves, .. } => format!("free (holds {leaves})"),
            Op::TryLockBusy => continue,
            _ => match (step.wrote, step.read) {
                (Some(v), _) | (None, Some(v)) => {
                    stepping.lab.decoder().filter(|_| step.object == "atomic").map_or(v.to_string(), |d| d(v))
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

/// Each thread that can move, as the screens show it: its next operation with the value it
/// will write (`store 1`), and what it keeps to itself (`read 0`: its private copy).
pub(super) fn moves(stepping: &Stepping, choice: &Choice) -> Vec<(String, String)> {
    let schedule = Schedule::from_events_decoded(choice.events, stepping.lab.card().names, stepping.lab.decoder());
    let private = crate::trace::private_now(&schedule.steps, stepping.lab.decoder());
    choice
        .next
        .iter()
        .map(|next| {
            let op = match next.writes {
                Some(value) => {
                    format!("{} {}", next.op, stepping.lab.decoder().map_or(value.to_string(), |d| d(value)))
                }
                None => next.op.to_string(),
            };
            let kept: Vec<&str> =
                private.iter().filter(|(thread, _)| *thread == next.label).map(|(_, read)| read.as_str()).collect();
            (op, if kept.is_empty() { String::new() } else { format!("(it {})", kept.join(", ")) })
        })
        .collect()
}

fn screen(stepping: &Stepping, choice: &Choice) -> String {
    let mut text = String::new();
    if !choice.events.is_empty() {
        let schedule = Schedule::from_events_decoded(choice.events, stepping.lab.card().names, stepping.lab.decoder());
        text.push_str(&schedule.table());
    }
    text.push_str(&shared_state(stepping, choice.events));
    let _ = writeln!(text, "  who moves next?");
    let width = choice.next.iter().map(|n| n.label.len()).max().unwrap_or(2);
    for (next, (op, kept)) in choice.next.iter().zip(moves(stepping, choice)) {
        let line = format!("    {:>2}  {:<width$}  {:<22} {}  {kept}", next.thread, next.label, op, next.at);
        let _ = writeln!(text, "{}", line.trim_end());
    }
    for waiting in &choice.waiting {
        let _ = writeln!(text, "    (waiting, cannot move: {waiting})");
    }
    text
}

pub(super) fn outcome(stepping: &Stepping, ending: &Ending) -> String {
    let mut text = String::new();
    let schedule = Schedule::from_events_decoded(&ending.events, stepping.lab.card().names, stepping.lab.decoder());
    text.push_str(&schedule.table());
    let expected = stepping.lab.spec(&stepping.case);
    let shown = |state: &crate::lab::State| {
        if state.is_count() { format!("{} {}", stepping.lab.card().measure, state.value()) } else { state.to_string() }
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

pub(super) fn title(stepping: &Stepping) -> String {
    format!(
        "lab {:02} · {} · {} — you are the scheduler (shuttle's threads: every load reads the latest store)",
        stepping.lab.number(),
        stepping.variant,
        stepping.lab.describe(&stepping.case)
    )
}

/// What the learner answers at a choice.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Answer {
    /// Move this thread.
    Move(usize),
    /// Take back the last move.
    Undo,
    /// Leave (also Ctrl-C and the end of input).
    Quit,
}

/// Where the learner steps: a line per move ([`Lines`]) or the full screen (`tui`).
pub(super) trait Ui {
    /// Shows `choice` and waits for the learner's answer (a thread that can move, undo or quit).
    fn ask(&mut self, stepping: &Stepping, choice: &Choice) -> Answer;
    /// A short note, e.g. "nothing to undo".
    fn note(&mut self, text: &str);
    /// The run is over: `text` says how (the outcome, or where the learner stopped).
    fn end(&mut self, stepping: &Stepping, ending: &Ending, text: &str);
}

/// Steps with `ui` until the execution ends or the learner quits; undo replays all moves but the last.
pub(super) fn play(stepping: &Stepping, ui: Rc<RefCell<dyn Ui>>) -> Ending {
    let mut moves: Vec<usize> = Vec::new();
    loop {
        let answer: Rc<RefCell<Option<Answer>>> = Rc::new(RefCell::new(None));
        let (asked, view, chooser_ui) = (Rc::clone(&answer), stepping.clone(), Rc::clone(&ui));
        let chooser = move |choice: &Choice| -> Decision {
            let said = chooser_ui.borrow_mut().ask(&view, choice);
            match said {
                Answer::Move(t) => Decision::Pick(t),
                other => {
                    *asked.borrow_mut() = Some(other);
                    Decision::Stop
                }
            }
        };
        let ending = stepper::run(stepping, &moves, chooser);
        let said = *answer.borrow();
        match said {
            Some(Answer::Undo) => {
                moves = ending.moves;
                if moves.pop().is_none() {
                    ui.borrow_mut().note("nothing to undo");
                }
            }
            Some(Answer::Quit) => {
                let mut text = format!("stopped after {} moves", ending.moves.len());
                if !ending.moves.is_empty() {
                    text.push_str(&format!("; to come back: {}", stepping.command(&ending.moves)));
                }
                ui.borrow_mut().end(stepping, &ending, &format!("{text}\n"));
                return ending;
            }
            Some(Answer::Move(_)) | None => {
                ui.borrow_mut().end(stepping, &ending, &outcome(stepping, &ending));
                return ending;
            }
        }
    }
}

/// Line mode: a screen of text per choice, a move per line; works over a pipe.
struct Lines {
    input: Box<dyn BufRead>,
    output: Box<dyn Write>,
}

impl Lines {
    fn say(&mut self, text: &str) {
        let _ = self.output.write_all(text.as_bytes());
        let _ = self.output.flush();
    }
}

impl Ui for Lines {
    fn ask(&mut self, stepping: &Stepping, choice: &Choice) -> Answer {
        self.say(&format!("\n{}> ", screen(stepping, choice)));
        loop {
            let mut line = String::new();
            match self.input.read_line(&mut line) {
                Ok(0) | Err(_) => return Answer::Quit,
                Ok(_) => {}
            }
            let word = line.trim();
            match word {
                "q" | "quit" => return Answer::Quit,
                "u" | "undo" => return Answer::Undo,
                "" => {}
                _ => match word.parse::<usize>() {
                    Ok(t) if choice.next.iter().any(|n| n.thread == t) => return Answer::Move(t),
                    _ => {
                        let can: Vec<String> = choice.next.iter().map(|n| n.thread.to_string()).collect();
                        self.say(&format!(
                            "`{word}` is not a thread that can move now; type one of {}, u or q\n",
                            can.join(", ")
                        ));
                    }
                },
            }
            self.say("> ");
        }
    }

    fn note(&mut self, text: &str) {
        self.say(&format!("{text}\n"));
    }

    fn end(&mut self, _: &Stepping, _: &Ending, text: &str) {
        self.say(&format!("\n{text}"));
    }
}

/// Steps in line mode: reads moves from `input`, writes screens to `output`. The ending is
/// `stopped` when the learner quit (or the input ended) before the execution did.
pub(super) fn interactive(stepping: &Stepping, input: Box<dyn BufRead>, output: Box<dyn Write>) -> Ending {
    let mut lines = Lines { input, output };
    lines.say(&format!("{}\nType a thread's number to move it; u undoes the last move, q quits.\n", title(stepping)));
    play(stepping, Rc::new(RefCell::new(lines)))
}

/// The puzzles, with the learner's best for each.
pub(super) fn puzzles(best: &std::collections::BTreeMap<String, usize>) -> String {
    let mut text =
        String::from("Stepping puzzles: you are the scheduler; reach the goal in as few moves as you can.\n\n");
    let width = crate::labs::puzzles().map(|(_, p)| p.id.len()).max().unwrap_or(10);
    let what = |p: &Puzzle| format!("{} {}×{}", p.variant, p.size.0, p.size.1);
    let what_width = crate::labs::puzzles().map(|(_, p)| what(p).chars().count()).max().unwrap_or(22);
    for (lab, puzzle) in crate::labs::puzzles() {
        let mark = best.get(puzzle.id).map_or("·".to_string(), |moves| format!("✓ {moves} moves"));
        let _ = writeln!(
            text,
            "  {:<width$}  lab {:02} {:<what_width$}  {:<11}  {}",
            puzzle.id,
            lab.number(),
            what(puzzle),
            mark,
            puzzle.goal
        );
    }
    if let Some((_, first)) = crate::labs::puzzles().next() {
        let _ = writeln!(text, "\nStart one: cargo run -- step --puzzle {}", first.id);
    }
    text
}

/// How a puzzle attempt went, and the fewest moves possible.
pub(super) fn judge_puzzle(lab: &'static dyn Lab, puzzle: &Puzzle, ending: &Ending) -> (String, Option<usize>) {
    let fewest = puzzle.fewest_moves(lab).ok().flatten();
    let best = fewest.map_or(String::new(), |n| format!(" (the fewest possible: {n})"));
    if puzzle.reached_by(ending) {
        (format!("puzzle `{}` solved in {} moves{best}\n", puzzle.id, ending.moves.len()), Some(ending.moves.len()))
    } else {
        (format!("puzzle `{}` not solved: the goal was to {}{best}\n", puzzle.id, puzzle.goal), None)
    }
}

/// A random exploration as `check --random --json` prints it: `check --json`'s fields, and how
/// the schedules were picked.
#[derive(serde::Serialize)]
pub(super) struct RandomReport {
    lab: u8,
    variant: String,
    threads: usize,
    iters: u64,
    /// Schedules run (it stops at the first failure).
    executions: u64,
    /// `"pass"` (no failure found: evidence, not proof) or `"fail"`.
    verdict: &'static str,
    /// Always `false`: random schedules are a sample.
    exhaustive: bool,
    scheduler: String,
    seed: u64,
    #[serde(serialize_with = "crate::check::keys_as_strings")]
    outcomes: std::collections::BTreeMap<crate::lab::State, u64>,
    /// The failing schedule's steps.
    #[serde(skip_serializing_if = "Option::is_none")]
    schedule: Option<Schedule>,
    /// Why the failing schedule fails.
    #[serde(skip_serializing_if = "Option::is_none")]
    why: Option<String>,
    /// The `cargo run -- step` command that replays it.
    #[serde(skip_serializing_if = "Option::is_none")]
    replay: Option<String>,
}

impl RandomReport {
    /// `true` when no schedule failed.
    pub(super) fn passed(&self) -> bool {
        self.verdict == "pass"
    }
}

/// A random exploration: its text, as `check --random` prints it, and its JSON document.
pub(super) fn random(
    stepping: &Stepping,
    sampler: stepper::Sampler,
    iterations: u64,
    seed: u64,
) -> (String, RandomReport) {
    let report = stepper::explore(stepping, sampler, iterations, seed);
    let failure = report.first_failure.as_ref();
    let json = RandomReport {
        lab: stepping.lab.number(),
        variant: stepping.variant.clone(),
        threads: stepping.case.threads,
        iters: stepping.case.iters,
        executions: report.executions,
        verdict: if failure.is_some() { "fail" } else { "pass" },
        exhaustive: false,
        scheduler: sampler.to_string(),
        seed,
        outcomes: report.outcomes.clone(),
        schedule: failure.map(|ending| {
            Schedule::from_events_decoded(&ending.events, stepping.lab.card().names, stepping.lab.decoder())
        }),
        why: failure.and_then(|ending| ending.verdict.clone().err()),
        replay: failure.filter(|ending| !ending.moves.is_empty()).map(|ending| stepping.command(&ending.moves)),
    };
    let mut text = format!(
        "lab {:02} · {} · {}: {} {sampler} schedules (seed {seed}) — not exhaustive: a pass is evidence, not proof\n",
        stepping.lab.number(),
        stepping.variant,
        stepping.lab.describe(&stepping.case),
        report.executions
    );
    if report.only_one_schedule {
        let _ = writeln!(text, "(no thread ever had a choice to make: this size has one schedule, and it ran)");
    }
    match &report.first_failure {
        None => {
            let _ = writeln!(text, "verdict: no failure found");
            (text, json)
        }
        Some(ending) => {
            let _ = writeln!(text, "verdict: FAIL (schedule {} of {})\n", report.executions, iterations);
            text.push_str(&outcome(stepping, ending));
            (text, json)
        }
    }
}
