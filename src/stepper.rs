//! Be the scheduler: run a lab's own code and choose which thread moves next.
//!
//! [`run`] executes one variant of a lab on the [`step`](crate::sync::step)
//! backend (shuttle's threads). At every point where two or more threads are
//! about to perform a shared-memory operation it asks a chooser — the learner
//! at the terminal (`racelab step`), a list of moves (`--schedule 1,2,2,1`),
//! or a seeded random pick ([`random`], `racelab check --random`). Threads that
//! are not at an operation yet (just spawned, or between operations) run on by
//! themselves, and a thread that is the only one able to move moves without
//! asking, so every choice is a real choice and maps one-to-one onto a step.
//!
//! The same moves always give the same execution, which makes every schedule
//! replayable: `racelab check` ends a failing schedule with the `step` command
//! that replays it ([`moves_for`]).
//!
//! # Examples
//!
//! ```
//! use racelab::labs::{self, Case};
//! use racelab::stepper::{Stepping, replay};
//!
//! let lab = labs::find("1").unwrap();
//! let stepping = Stepping::new(lab, "racy", Case::new(2, 1));
//! // T1 reads, T2 reads, T2 writes, T1 writes: one update lost.
//! let ending = replay(&stepping, &[1, 2, 2, 1]);
//! assert_eq!(ending.state.map(|s| s.value()), Some(1));
//! assert!(ending.verdict.is_err());
//! ```

use crate::check::trace::{self, Event, Schedule};
use crate::labs::{Case, Lab, State};
use shuttle::scheduler::{Schedule as ShuttleSchedule, Scheduler, Task, TaskId};
use std::sync::{Arc, Mutex};

/// What to step: a lab, one of its variants, a size.
#[derive(Clone, Debug)]
pub struct Stepping {
    /// The lab.
    pub lab: &'static Lab,
    /// The variant's name.
    pub variant: String,
    /// The size (and stock, jobs).
    pub case: Case,
}

impl Stepping {
    /// Steps `variant` of `lab` at `case`.
    pub fn new(lab: &'static Lab, variant: &str, case: Case) -> Stepping {
        Stepping { lab, variant: variant.to_string(), case }
    }

    /// The command that replays `moves`, as a learner types it.
    pub fn command(&self, moves: &[usize]) -> String {
        let list: Vec<String> = moves.iter().map(usize::to_string).collect();
        format!(
            "cargo run -- step {} --variant {} --threads {} --iters {} --schedule {}",
            self.lab.number,
            self.variant,
            self.case.threads,
            self.case.iters,
            list.join(",")
        )
    }
}

/// A thread that can move now, and the operation it is about to perform.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Next {
    /// Its number: what the learner types (0 is `main`).
    pub thread: usize,
    /// `main`, `T1`, `observer`, …
    pub label: String,
    /// `load`, `lock`, `fetch_add`, …
    pub op: &'static str,
    /// `file:line`.
    pub at: String,
}

/// A point where the learner chooses.
#[derive(Debug)]
pub struct Choice<'a> {
    /// What happened so far.
    pub events: &'a [Event],
    /// The threads that can move, lowest number first (a thread waiting for a
    /// lock, or joining others, cannot).
    pub next: Vec<Next>,
}

/// The chooser's answer.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Decision {
    /// Move this thread (its number).
    Pick(usize),
    /// Stop the execution here.
    Stop,
}

/// How one stepped execution ended.
#[derive(Debug)]
pub struct Ending {
    /// Every move made, in order (replayed and chosen).
    pub moves: Vec<usize>,
    /// Every operation performed.
    pub events: Vec<Event>,
    /// The final state, when the execution ran to its end.
    pub state: Option<State>,
    /// The lab's verdict on the state (or why there is none: a deadlock, a panic, a stop).
    pub verdict: Result<(), String>,
    /// `true` when the chooser stopped it.
    pub stopped: bool,
    /// The moves of a replay that named a thread that could not move, with the reason.
    pub bad_move: Option<String>,
}

/// `main`, a thread's name, or `T1`.
fn label_of(task: &Task) -> String {
    let id = usize::from(task.id());
    match task.name() {
        Some(name) if !name.is_empty() && !name.starts_with("main") => name,
        _ if id == 0 => "main".to_string(),
        _ => format!("T{id}"),
    }
}

struct Learner {
    started: bool,
    replay: std::collections::VecDeque<usize>,
    chooser: Box<dyn FnMut(&Choice) -> Decision>,
    moves: Arc<Mutex<Vec<usize>>>,
    stopped: Arc<Mutex<bool>>,
    bad_move: Arc<Mutex<Option<String>>>,
}

impl Scheduler for Learner {
    fn new_execution(&mut self) -> Option<ShuttleSchedule> {
        if std::mem::replace(&mut self.started, true) { None } else { Some(ShuttleSchedule::new(0)) }
    }

    fn next_task(&mut self, runnable: &[&Task], _current: Option<TaskId>, _yielding: bool) -> Option<TaskId> {
        let pending = trace::pending();
        let at_op = |t: &Task| pending.iter().find(|p| p.thread == usize::from(t.id())).cloned();
        // Threads not at a shared operation run on by themselves; so does a lone thread.
        if let Some(free) = runnable.iter().find(|t| at_op(t).is_none()) {
            return Some(free.id());
        }
        if runnable.len() == 1 {
            return Some(runnable[0].id());
        }
        let next: Vec<Next> = runnable
            .iter()
            .filter_map(|t| {
                let p = at_op(t)?;
                Some(Next {
                    thread: usize::from(t.id()),
                    label: label_of(t),
                    op: p.op,
                    at: format!("{}:{}", trace::tidy_path(p.location.file()), p.location.line()),
                })
            })
            .collect();
        let pick = match self.replay.pop_front() {
            Some(wanted) => {
                if !next.iter().any(|n| n.thread == wanted) {
                    let can: Vec<String> = next.iter().map(|n| n.thread.to_string()).collect();
                    let step = self.moves.lock().unwrap_or_else(|p| p.into_inner()).len() + 1;
                    *self.bad_move.lock().unwrap_or_else(|p| p.into_inner()) = Some(format!(
                        "move {step}: thread {wanted} cannot move now (the threads that can: {})",
                        can.join(", ")
                    ));
                    return None;
                }
                wanted
            }
            None => {
                let chooser = &mut self.chooser;
                let decision = trace::with_events(|events| chooser(&Choice { events, next: next.clone() }));
                match decision {
                    Decision::Pick(t) if next.iter().any(|n| n.thread == t) => t,
                    Decision::Pick(_) | Decision::Stop => {
                        *self.stopped.lock().unwrap_or_else(|p| p.into_inner()) = true;
                        return None;
                    }
                }
            }
        };
        self.moves.lock().unwrap_or_else(|p| p.into_inner()).push(pick);
        Some(TaskId::from(pick))
    }

    fn next_u64(&mut self) -> u64 {
        0
    }
}

/// A finished execution: its final state and every operation.
type Finished = (State, Vec<Event>);

/// Runs one execution: the `moves` first, then whatever `chooser` decides at
/// every further choice.
pub fn run(stepping: &Stepping, moves: &[usize], chooser: impl FnMut(&Choice) -> Decision + 'static) -> Ending {
    let recorded = Arc::new(Mutex::new(Vec::new()));
    let stopped = Arc::new(Mutex::new(false));
    let bad_move = Arc::new(Mutex::new(None));
    let slot: Arc<Mutex<Option<Finished>>> = Arc::new(Mutex::new(None));
    let scheduler = Learner {
        started: false,
        replay: moves.iter().copied().collect(),
        chooser: Box::new(chooser),
        moves: Arc::clone(&recorded),
        stopped: Arc::clone(&stopped),
        bad_move: Arc::clone(&bad_move),
    };
    let (lab, variant, case) = (stepping.lab, stepping.variant.clone(), stepping.case.clone());
    let body_slot = Arc::clone(&slot);
    let mut config = shuttle::Config::new();
    config.silence_warnings = true;
    config.failure_persistence = shuttle::FailurePersistence::None;
    trace::clear();
    // shuttle installs a panic hook that prints "Task failed, serializing schedule" for every
    // panic; a deadlock or a failed check is the stepper's to report, in one line. So no hook
    // runs while stepping (the one before is put back after).
    let previous = std::panic::take_hook();
    std::panic::set_hook(Box::new(|_| {}));
    let result = std::panic::catch_unwind(std::panic::AssertUnwindSafe(move || {
        let runner = shuttle::Runner::new(scheduler, config);
        runner.run(move || {
            trace::clear();
            let state = (lab.step)(&variant, &case).unwrap_or_default();
            *body_slot.lock().unwrap_or_else(|p| p.into_inner()) = Some((state, trace::snapshot()));
        });
    }))
    .map_err(|payload| (crate::check::panic_message(&*payload), String::new()));
    std::panic::set_hook(previous);
    let moves = std::mem::take(&mut *recorded.lock().unwrap_or_else(|p| p.into_inner()));
    let stopped = *stopped.lock().unwrap_or_else(|p| p.into_inner());
    let bad_move = bad_move.lock().unwrap_or_else(|p| p.into_inner()).take();
    let finished = slot.lock().unwrap_or_else(|p| p.into_inner()).take();
    match (finished, result) {
        (Some((state, events)), Ok(())) => {
            let verdict = (stepping.lab.judge)(&stepping.case, &state);
            Ending { moves, events, state: Some(state), verdict, stopped: false, bad_move }
        }
        (_, outcome) => {
            let events = trace::snapshot();
            let why = match outcome {
                Err((message, _)) if message.contains("deadlock") => {
                    "deadlock: every thread that is left waits for a lock".to_string()
                }
                Err((message, at)) => format!("a thread panicked{at}: {}", first_line(&message)),
                Ok(()) if stopped => "stopped".to_string(),
                Ok(()) => bad_move.clone().unwrap_or_else(|| "the execution stopped early".to_string()),
            };
            Ending { moves, events, state: None, verdict: Err(why), stopped, bad_move }
        }
    }
}

fn first_line(text: &str) -> &str {
    text.lines().find(|l| !l.trim().is_empty()).unwrap_or("").trim()
}

/// Replays `moves`; when they run out, the lowest-numbered thread that can move moves.
pub fn replay(stepping: &Stepping, moves: &[usize]) -> Ending {
    run(stepping, moves, |choice: &Choice| Decision::Pick(choice.next[0].thread))
}

/// A random exploration: `iterations` executions with seeded random choices.
#[derive(Debug)]
pub struct Random {
    /// Executions run.
    pub executions: u64,
    /// Executions whose state the specification rejected (or that deadlocked).
    pub failures: u64,
    /// The first failing execution.
    pub first_failure: Option<Ending>,
}

/// Explores `stepping` with random schedules (not exhaustive); stops at the first failure.
pub fn random(stepping: &Stepping, iterations: u64, seed: u64) -> Random {
    let rng = std::rc::Rc::new(std::cell::Cell::new(
        seed.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407) | 1,
    ));
    let mut report = Random { executions: 0, failures: 0, first_failure: None };
    for _ in 0..iterations {
        let rng = std::rc::Rc::clone(&rng);
        let ending = run(stepping, &[], move |choice: &Choice| {
            // xorshift64*: small, seeded, reproducible.
            let mut x = rng.get();
            x ^= x >> 12;
            x ^= x << 25;
            x ^= x >> 27;
            rng.set(x);
            let r = x.wrapping_mul(2685821657736338717);
            Decision::Pick(choice.next[(r % choice.next.len() as u64) as usize].thread)
        });
        report.executions += 1;
        if ending.verdict.is_err() {
            report.failures += 1;
            report.first_failure = Some(ending);
            break;
        }
    }
    report
}

/// The moves that make the stepper replay a loom schedule, or why it cannot
/// (a load in it read an older value, which shuttle, like every sequentially
/// consistent machine, never does).
pub fn moves_for(stepping: &Stepping, schedule: &Schedule) -> Result<Vec<usize>, String> {
    let wanted: Vec<(String, String)> =
        schedule.steps.iter().map(|s| (s.thread.clone(), s.operation.clone())).collect();
    let follow = wanted.clone();
    let ending = run(stepping, &[], move |choice: &Choice| {
        let done = choice.events.len();
        match follow.get(done).and_then(|(thread, _)| choice.next.iter().find(|n| &n.label == thread)) {
            Some(next) => Decision::Pick(next.thread),
            None => Decision::Stop,
        }
    });
    let replayed = Schedule::from_events_decoded(&ending.events, stepping.lab.names, stepping.lab.decode);
    let got: Vec<(String, String)> = replayed.steps.iter().map(|s| (s.thread.clone(), s.operation.clone())).collect();
    if ending.stopped || got != wanted {
        if std::env::var_os("RACELAB_DEBUG_STEP").is_some() {
            eprintln!("wanted {wanted:?}\ngot {got:?}\n{:?}", ending.verdict);
        }
        return Err("the stepper cannot replay this schedule exactly: it relies on what loom models and \
                    shuttle does not (a load reading an older value)"
            .to_string());
    }
    Ok(ending.moves)
}

/// A goal to reach by stepping: a lab, a variant, a size, and a state to make.
#[derive(Debug)]
pub struct Puzzle {
    /// Its name on the command line, e.g. `lose-one`.
    pub id: &'static str,
    /// Lab number.
    pub lab: u8,
    /// The variant to step.
    pub variant: &'static str,
    /// Threads and steps per thread.
    pub size: (usize, u64),
    /// The goal, in words.
    pub goal: &'static str,
    /// Whether a final state reaches the goal.
    pub reached: fn(&State) -> bool,
}

/// Every puzzle, in course order.
pub static PUZZLES: &[Puzzle] = &[
    Puzzle {
        id: "lose-one",
        lab: 1,
        variant: "racy",
        size: (2, 1),
        goal: "make two increments end at 1",
        reached: |s| s.value() == 1,
    },
    Puzzle {
        id: "two-of-six",
        lab: 1,
        variant: "racy",
        size: (2, 3),
        goal: "make two threads of 3 increments end at 2 (not 1: why?)",
        reached: |s| s.value() == 2,
    },
    Puzzle {
        id: "locked-and-lost",
        lab: 1,
        variant: "wrong_split_lock",
        size: (2, 1),
        goal: "lose an update although every read and every write holds the lock",
        reached: |s| s.value() == 1,
    },
    Puzzle {
        id: "oversell",
        lab: 2,
        variant: "racy",
        size: (2, 1),
        goal: "sell a ticket past capacity (1 ticket, 2 buyers)",
        reached: |s| s.value() > 1,
    },
    Puzzle {
        id: "undersell",
        lab: 2,
        variant: "wrong_ignored_cas",
        size: (2, 2),
        goal: "leave a ticket unsold while a buyer wanted it (3 tickets, 4 attempts)",
        reached: |s| s.value() < 3,
    },
    Puzzle {
        id: "torn",
        lab: 3,
        variant: "per_variable_atomic",
        size: (1, 1),
        goal: "make the observer see a + b ≠ 1 with atomic accounts",
        reached: |s| s.value() != 1,
    },
    Puzzle {
        id: "counted-twice",
        lab: 3,
        variant: "per_variable_atomic",
        size: (1, 1),
        goal: "make the observer count the unit twice: a + b = 2",
        reached: |s| s.value() == 2,
    },
    Puzzle {
        id: "two-locks",
        lab: 3,
        variant: "wrong_two_locks",
        size: (1, 1),
        goal: "with a lock per account, make the observer see the unit in neither",
        reached: |s| s.value() == 0,
    },
];

impl Puzzle {
    /// Finds a puzzle by id.
    pub fn find(id: &str) -> Result<&'static Puzzle, String> {
        PUZZLES.iter().find(|p| p.id == id).ok_or_else(|| {
            let ids: Vec<&str> = PUZZLES.iter().map(|p| p.id).collect();
            format!("no puzzle `{id}`; the puzzles: {}", ids.join(", "))
        })
    }

    /// What to step for this puzzle.
    pub fn stepping(&self) -> Result<Stepping, String> {
        let lab = crate::labs::find(&self.lab.to_string())?;
        Ok(Stepping::new(lab, self.variant, Case::new(self.size.0, self.size.1)))
    }

    /// The fewest moves that reach the goal, found by trying every schedule
    /// (the sizes are small: at most a few thousand executions).
    pub fn fewest_moves(&self) -> Result<Option<usize>, String> {
        let stepping = self.stepping()?;
        let mut best: Option<usize> = None;
        // Depth-first over move sequences: each run replays a prefix and reports the choices there.
        let mut stack: Vec<Vec<usize>> = vec![Vec::new()];
        let mut runs = 0;
        while let Some(prefix) = stack.pop() {
            runs += 1;
            if runs > 20_000 {
                return Err(format!("puzzle `{}` has too many schedules to search", self.id));
            }
            let options: std::rc::Rc<std::cell::RefCell<Vec<usize>>> = std::rc::Rc::default();
            let seen = std::rc::Rc::clone(&options);
            let ending = run(&stepping, &prefix, move |choice: &Choice| {
                *seen.borrow_mut() = choice.next.iter().map(|n| n.thread).collect();
                Decision::Stop
            });
            if ending.stopped {
                if best.is_none_or(|b| prefix.len() < b) {
                    for option in options.borrow().iter() {
                        let mut longer = prefix.clone();
                        longer.push(*option);
                        stack.push(longer);
                    }
                }
            } else if ending.state.as_ref().is_some_and(self.reached) {
                best = Some(best.map_or(ending.moves.len(), |b| b.min(ending.moves.len())));
            }
        }
        Ok(best)
    }
}
