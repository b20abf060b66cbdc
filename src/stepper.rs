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
//! use racelab::lab::Case;
//! use racelab::labs;
//! use racelab::stepper::{Stepping, replay};
//!
//! let lab = labs::find("1").unwrap();
//! let stepping = Stepping::new(lab, "racy", Case::new(2, 1));
//! // T1 reads, T2 reads, T2 writes, T1 writes: one update lost.
//! let ending = replay(&stepping, &[1, 2, 2, 1]);
//! assert_eq!(ending.state.map(|s| s.value()), Some(1));
//! assert!(ending.verdict.is_err());
//! ```

use crate::lab::{Case, Goal, Lab, Puzzle, State};
use crate::trace::{self, Event, Schedule};
use shuttle::scheduler::{Schedule as ShuttleSchedule, Scheduler, Task, TaskId};
use std::sync::{Arc, Mutex};

/// What to step: a lab, one of its variants, a size.
#[derive(Clone, Debug)]
pub struct Stepping {
    /// The lab.
    pub lab: &'static dyn Lab,
    /// The variant's name.
    pub variant: String,
    /// The size (and stock, jobs).
    pub case: Case,
}

impl Stepping {
    /// Steps `variant` of `lab` at `case`.
    pub fn new(lab: &'static dyn Lab, variant: &str, case: Case) -> Stepping {
        Stepping { lab, variant: variant.to_string(), case }
    }

    /// The command that replays `moves`, as a learner types it.
    pub fn command(&self, moves: &[usize]) -> String {
        let list: Vec<String> = moves.iter().map(usize::to_string).collect();
        format!(
            "cargo run -- step {} --variant {} --threads {} --iters {} --schedule {}",
            self.lab.number(),
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
    /// The value the operation will write, when it is known before it runs (`store 1`).
    pub writes: Option<u64>,
}

/// A thread that cannot move: it waits for a lock another thread holds.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Waiting {
    /// Its number.
    pub thread: usize,
    /// `T1`, `observer`, …
    pub label: String,
    /// The lock it waits for, as schedules name it (`b`, `mutex`).
    pub lock: String,
    /// Who holds that lock (the thread itself, for a lock taken twice).
    pub holder: String,
    /// The step at which the holder took it.
    pub since: usize,
    /// `file:line` of the `lock()` call.
    pub at: String,
}

impl std::fmt::Display for Waiting {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        if self.holder == self.label {
            write!(
                f,
                "{} waits for lock {}, which it holds itself (since step {}), at {}",
                self.label, self.lock, self.since, self.at
            )
        } else {
            write!(
                f,
                "{} waits for lock {}, held by {} since step {}, at {}",
                self.label, self.lock, self.holder, self.since, self.at
            )
        }
    }
}

/// A point where the learner chooses.
#[derive(Debug)]
pub struct Choice<'a> {
    /// What happened so far.
    pub events: &'a [Event],
    /// The threads that can move, lowest number first (a thread waiting for a
    /// lock, or joining others, cannot).
    pub next: Vec<Next>,
    /// The threads waiting for a lock (shown, never offered as a move).
    pub waiting: Vec<Waiting>,
    /// shuttle's tasks behind `next`, in the same order (for a shuttle scheduler that decides).
    pub tasks: &'a [&'a Task],
    /// The thread that made the last move, if any.
    pub current: Option<usize>,
    /// Whether that thread gave way since (a spin loop's `spin_loop()`, a `yield_now()`).
    pub yielded: bool,
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
    /// `true` when the execution ended in a deadlock: every thread left was waiting.
    pub deadlock: bool,
}

/// The first line of every deadlocked ending's verdict.
pub const DEADLOCK: &str = "deadlock: every thread is waiting";

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
    deadlock: Arc<Mutex<Option<String>>>,
    /// How schedules name the lab's objects (to name the lock a thread waits for).
    names: &'static [(&'static str, &'static [&'static str])],
    /// The thread that moved last, and whether it gave way since.
    last: Option<usize>,
    yielded: bool,
    /// Who holds each mutex, as of the first `scanned` events.
    held: Vec<(usize, usize, usize)>,
    scanned: usize,
}

impl Learner {
    /// The threads whose next step is a `lock` of a mutex that is held: they wait.
    fn waiting(
        &mut self,
        pending: &[trace::Pending],
        events: &[Event],
        label: impl Fn(usize) -> String,
    ) -> Vec<Waiting> {
        // Who holds what, kept up to date one new event at a time (a step never re-reads the whole trace).
        if events.len() < self.scanned {
            (self.held, self.scanned) = (Vec::new(), 0);
        }
        trace::track_locks(&mut self.held, events, self.scanned);
        self.scanned = events.len();
        let locking: Vec<usize> = pending.iter().filter_map(|p| p.object).collect();
        let mut waiting: Vec<Waiting> = pending
            .iter()
            .filter(|p| p.op == "lock")
            .filter_map(|p| {
                let &(addr, holder, since) = self.held.iter().find(|(addr, _, _)| Some(*addr) == p.object)?;
                Some(Waiting {
                    thread: p.thread,
                    label: label(p.thread),
                    lock: trace::name_of_mutex(events, &locking, self.names, addr),
                    holder: label(holder),
                    since,
                    at: format!("{}:{}", trace::tidy_path(p.location.file()), p.location.line()),
                })
            })
            .collect();
        waiting.sort_by_key(|w| w.thread);
        waiting
    }
}

impl Scheduler for Learner {
    fn new_execution(&mut self) -> Option<ShuttleSchedule> {
        if std::mem::replace(&mut self.started, true) { None } else { Some(ShuttleSchedule::new(0)) }
    }

    fn next_task(&mut self, runnable: &[&Task], current: Option<TaskId>, yielding: bool) -> Option<TaskId> {
        let pending = trace::pending();
        let at_op = |t: &Task| pending.iter().find(|p| p.thread == usize::from(t.id())).cloned();
        // A thread that gives way between operations (a spin loop) tells a scheduler that decides
        // by priority (PCT) to let others go first; the unlock's own yield is only a step.
        if yielding && current.is_some_and(|c| usize::from(c) == self.last.unwrap_or(usize::MAX)) {
            self.yielded |= !pending.iter().any(|p| Some(p.thread) == self.last && p.op == "unlock");
        }
        // Threads not at a shared operation run on by themselves.
        if let Some(free) = runnable.iter().find(|t| at_op(t).is_none()) {
            return Some(free.id());
        }
        let label = |thread: usize| {
            runnable
                .iter()
                .find(|t| usize::from(t.id()) == thread)
                .map_or_else(|| trace::with_events(|events| trace::thread_label(events, thread)), |t| label_of(t))
        };
        let waiting = trace::with_events(|events| self.waiting(&pending, events, label));
        let movable: Vec<&Task> =
            runnable.iter().copied().filter(|t| !waiting.iter().any(|w| w.thread == usize::from(t.id()))).collect();
        if movable.is_empty() {
            // Nobody can move and the execution is not over: every thread left waits.
            let list: Vec<String> = waiting.iter().map(Waiting::to_string).collect();
            *self.deadlock.lock().unwrap_or_else(|p| p.into_inner()) =
                Some(format!("{DEADLOCK} — {}", list.join("; ")));
            return None;
        }
        // A lone thread that can move moves without asking.
        if movable.len() == 1 {
            return Some(movable[0].id());
        }
        let runnable = &movable[..];
        let next: Vec<Next> = runnable
            .iter()
            .filter_map(|t| {
                let p = at_op(t)?;
                Some(Next {
                    thread: usize::from(t.id()),
                    label: label_of(t),
                    op: p.op,
                    at: format!("{}:{}", trace::tidy_path(p.location.file()), p.location.line()),
                    writes: p.writes,
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
                let (current, yielded) = (self.last, self.yielded);
                let decision = trace::with_events(|events| {
                    chooser(&Choice { events, next: next.clone(), waiting, tasks: runnable, current, yielded })
                });
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
        (self.last, self.yielded) = (Some(pick), false);
        Some(TaskId::from(pick))
    }

    fn next_u64(&mut self) -> u64 {
        0
    }
}

/// A finished execution: its final state and every operation.
type Finished = (State, Vec<Event>);

/// Runs `f` with the process's stderr sent to `/dev/null`: shuttle writes its own lines there
/// on a deadlock or a panic in a task ("Test deadlocked, and SHUTTLE_CAPTURE_BACKTRACE is not
/// set…", "test panicked in task…") with `eprintln!`, which no hook silences; the stepper
/// reports both itself, in one line. (On a failure to redirect, `f` runs with stderr as it is.)
fn without_stderr<R>(f: impl FnOnce() -> R) -> R {
    use std::os::fd::AsRawFd as _;
    let Ok(null) = std::fs::OpenOptions::new().write(true).open("/dev/null") else { return f() };
    // Safety: `dup` of this process's own stderr; the copy is closed below.
    let saved = unsafe { libc::dup(libc::STDERR_FILENO) };
    // Safety: both descriptors are open (`null` lives until the end of this function).
    if saved < 0 || unsafe { libc::dup2(null.as_raw_fd(), libc::STDERR_FILENO) } < 0 {
        if saved >= 0 {
            // Safety: `saved` was opened by the `dup` above and is used nowhere else.
            unsafe { libc::close(saved) };
        }
        return f();
    }
    struct Restore(i32);
    impl Drop for Restore {
        fn drop(&mut self) {
            // Safety: `self.0` is the copy of stderr made above, put back and closed once (also
            // when `f` panics).
            unsafe {
                libc::dup2(self.0, libc::STDERR_FILENO);
                libc::close(self.0);
            }
        }
    }
    let _restore = Restore(saved);
    f()
}

/// Runs one execution: the `moves` first, then whatever `chooser` decides at
/// every further choice.
pub fn run(stepping: &Stepping, moves: &[usize], chooser: impl FnMut(&Choice) -> Decision + 'static) -> Ending {
    let recorded = Arc::new(Mutex::new(Vec::new()));
    let stopped = Arc::new(Mutex::new(false));
    let bad_move = Arc::new(Mutex::new(None));
    let deadlock = Arc::new(Mutex::new(None));
    let slot: Arc<Mutex<Option<Finished>>> = Arc::new(Mutex::new(None));
    let scheduler = Learner {
        started: false,
        replay: moves.iter().copied().collect(),
        chooser: Box::new(chooser),
        moves: Arc::clone(&recorded),
        stopped: Arc::clone(&stopped),
        bad_move: Arc::clone(&bad_move),
        deadlock: Arc::clone(&deadlock),
        names: stepping.lab.card().names,
        last: None,
        yielded: false,
        held: Vec::new(),
        scanned: 0,
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
    let result = without_stderr(|| {
        std::panic::catch_unwind(std::panic::AssertUnwindSafe(move || {
            let runner = shuttle::Runner::new(scheduler, config);
            runner.run(move || {
                trace::clear();
                let state = lab.run(crate::lab::Backend::Step, &variant, &case).unwrap_or_default();
                *body_slot.lock().unwrap_or_else(|p| p.into_inner()) = Some((state, trace::snapshot()));
            });
        }))
    })
    .map_err(|payload| (crate::trace::panic_message(&*payload), String::new()));
    std::panic::set_hook(previous);
    let moves = std::mem::take(&mut *recorded.lock().unwrap_or_else(|p| p.into_inner()));
    let stopped = *stopped.lock().unwrap_or_else(|p| p.into_inner());
    let bad_move = bad_move.lock().unwrap_or_else(|p| p.into_inner()).take();
    let deadlock = deadlock.lock().unwrap_or_else(|p| p.into_inner()).take();
    let finished = slot.lock().unwrap_or_else(|p| p.into_inner()).take();
    match (finished, result) {
        (Some((state, events)), Ok(())) => {
            let verdict = stepping.lab.judge(&stepping.case, &state);
            Ending { moves, events, state: Some(state), verdict, stopped: false, bad_move, deadlock: false }
        }
        (_, outcome) => {
            let events = trace::snapshot();
            let why = match (outcome, deadlock) {
                (Ok(()), Some(why)) => why,
                // shuttle's own check: a thread that takes a lock it already holds.
                (Err((message, _)), _) if message.contains("deadlock") => DEADLOCK.to_string(),
                (Err((message, at)), _) => format!("a thread panicked{at}: {}", first_line(&message)),
                (Ok(()), None) if stopped => "stopped".to_string(),
                (Ok(()), None) => bad_move.clone().unwrap_or_else(|| "the execution stopped early".to_string()),
            };
            let deadlock = why.starts_with(DEADLOCK);
            Ending { moves, events, state: None, verdict: Err(why), stopped, bad_move, deadlock }
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
    /// `true` when the code offered no choice at all: one schedule is all there is.
    pub only_one_schedule: bool,
    /// Final state → executions that ended with it (an execution without one, a deadlock, is not counted).
    pub outcomes: std::collections::BTreeMap<State, u64>,
}

/// How `check --random` picks among the threads that can move.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Sampler {
    /// Uniformly at random at every choice.
    Random,
    /// Probabilistic concurrency testing (Burckhardt et al., ASPLOS 2010; shuttle's
    /// `PctScheduler`): random thread priorities, the highest-priority thread always
    /// moves, and `depth - 1` random points in the execution where the running thread
    /// drops to the lowest priority. Finds a bug that needs `depth` ordering
    /// constraints with probability at least 1/(n·k^(depth-1)) per execution.
    Pct {
        /// The bug depth it aims at (1–10).
        depth: usize,
    },
}

impl std::fmt::Display for Sampler {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Sampler::Random => write!(f, "random"),
            Sampler::Pct { depth } => write!(f, "PCT depth {depth}"),
        }
    }
}

/// A chooser that picks at random (xorshift64*, seeded: the same seed gives the same picks).
fn uniform(seed: u64) -> impl FnMut(&Choice) -> Decision + 'static {
    let mut x = seed.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407) | 1;
    move |choice: &Choice| {
        x ^= x >> 12;
        x ^= x << 25;
        x ^= x >> 27;
        let r = x.wrapping_mul(2685821657736338717);
        Decision::Pick(choice.next[(r % choice.next.len() as u64) as usize].thread)
    }
}

/// Explores `stepping` with random schedules (not exhaustive); stops at the first failure.
pub fn random(stepping: &Stepping, iterations: u64, seed: u64) -> Random {
    explore(stepping, Sampler::Random, iterations, seed)
}

/// Explores `stepping` with `iterations` schedules that `sampler` picks from `seed` (not
/// exhaustive); stops at the first failure, whose moves replay it.
pub fn explore(stepping: &Stepping, sampler: Sampler, iterations: u64, seed: u64) -> Random {
    use shuttle::scheduler::{PctScheduler, Scheduler as _};
    use std::{cell::Cell, cell::RefCell, rc::Rc};
    let mut report = Random {
        executions: 0,
        failures: 0,
        first_failure: None,
        only_one_schedule: false,
        outcomes: Default::default(),
    };
    let iterations_usize = usize::try_from(iterations).unwrap_or(usize::MAX);
    let pct = match sampler {
        Sampler::Pct { depth } => {
            Some(Rc::new(RefCell::new(PctScheduler::new_from_seed(seed, depth.max(1), iterations_usize))))
        }
        Sampler::Random => None,
    };
    // One stream of random picks across the executions.
    let picks = Rc::new(RefCell::new(uniform(seed)));
    let asked = Rc::new(Cell::new(false));
    for _ in 0..iterations {
        let chooser: Box<dyn FnMut(&Choice) -> Decision> = match &pct {
            Some(pct) => {
                // PCT learns the length of an execution from the first one; an execution
                // that offered no choice leaves it nothing to place its change points in.
                if report.executions > 0 && !asked.get() {
                    report.only_one_schedule = true;
                    break;
                }
                if pct.borrow_mut().new_execution().is_none() {
                    break;
                }
                let (pct, asked) = (Rc::clone(pct), Rc::clone(&asked));
                Box::new(move |choice: &Choice| {
                    asked.set(true);
                    let current = choice.current.map(shuttle::scheduler::TaskId::from);
                    match pct.borrow_mut().next_task(choice.tasks, current, choice.yielded) {
                        Some(task) => Decision::Pick(usize::from(task)),
                        None => Decision::Stop,
                    }
                })
            }
            None => {
                let picks = Rc::clone(&picks);
                Box::new(move |choice: &Choice| (picks.borrow_mut())(choice))
            }
        };
        let ending = run(stepping, &[], chooser);
        report.executions += 1;
        if let Some(state) = &ending.state {
            *report.outcomes.entry(state.clone()).or_default() += 1;
        }
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
    let replayed = Schedule::from_events_decoded(&ending.events, stepping.lab.card().names, stepping.lab.decoder());
    let got: Vec<(String, String)> = replayed.steps.iter().map(|s| (s.thread.clone(), s.operation.clone())).collect();
    if ending.stopped || got != wanted {
        if std::env::var_os("RACELAB_DEBUG_STEP").is_some() {
            eprintln!("wanted {wanted:?}\ngot {got:?}\n{:?}", ending.verdict);
        }
        let stale: Vec<String> = schedule
            .steps
            .iter()
            .filter(|s| s.note.as_deref().is_some_and(|n| n.starts_with("stale")))
            .map(|s| format!("step {}", s.step))
            .collect();
        let which = if stale.is_empty() {
            "a load reading an older value".to_string()
        } else {
            format!("the load at {} reads an older value", stale.join(" and "))
        };
        return Err(format!(
            "the stepper cannot replay this schedule: {which}, which loom's model allows and the stepper \
             does not (its loads always read the latest store, so you cannot choose an older value there)"
        ));
    }
    Ok(ending.moves)
}

impl Puzzle {
    /// Whether an execution reached the goal.
    pub fn reached_by(&self, ending: &Ending) -> bool {
        match self.reached {
            Goal::Final(property) => ending.state.as_ref().is_some_and(property),
            Goal::Deadlock => ending.deadlock,
        }
    }

    /// What to step for this puzzle of `lab`.
    pub fn stepping(&self, lab: &'static dyn Lab) -> Stepping {
        Stepping::new(lab, self.variant, Case::new(self.size.0, self.size.1))
    }

    /// The fewest moves that reach the goal, found by trying every schedule
    /// (the sizes are small: at most a few thousand executions).
    pub fn fewest_moves(&self, lab: &'static dyn Lab) -> Result<Option<usize>, String> {
        let stepping = self.stepping(lab);
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
            } else if self.reached_by(&ending) {
                best = Some(best.map_or(ending.moves.len(), |b| b.min(ending.moves.len())));
            }
        }
        Ok(best)
    }
}
