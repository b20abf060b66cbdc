//! The loom driver: explore every interleaving, tally the outcomes, keep the
//! shortest failing schedule.
//!
//! [`explore`] runs a model body — a closure that runs one variant on loom's
//! threads and returns the final value — under [`loom::model::Builder`].
//! Unlike a plain `loom::model`, a wrong final value does not stop the search:
//! every execution is run to the end, so the result is the full set of
//! reachable outcomes with how many executions reach each (like a jcstress
//! table), plus the shortest execution that ended wrong, as a [`Schedule`].
//! What loom itself detects (a data race, a deadlock, a runaway loop) stops
//! the search and is reported with the schedule up to that point.
//!
//! # Examples
//!
//! ```
//! use racelab::check::{Model, explore};
//! use racelab::labs;
//!
//! let lab = labs::find("1").unwrap();
//! let model = Model::new(lab, "racy", 2, 1);
//! let report = explore(&model).unwrap();
//! assert!(!report.passed());
//! let finals: Vec<u64> = report.outcomes.keys().map(|state| state.value()).collect();
//! assert_eq!(finals, vec![1, 2]);
//! ```
//!
//! Each execution's result is the lab's whole [`State`] (lab 02: tickets sold
//! *and* every buyer's answer), judged by the lab's specification.

pub mod clock;
pub mod html;

use crate::lab::counting::plural;
use crate::lab::{Case, Kind, Lab, State};
use crate::trace;
use serde::Serialize;
use std::cell::{Cell, RefCell};
use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::panic::{self, AssertUnwindSafe};
use std::sync::{Arc, Mutex, Once};
use std::time::{Duration, Instant};
pub use trace::Schedule;

/// What to explore: which lab and variant, at what size, within what limits.
#[derive(Clone, Debug)]
pub struct Model {
    /// The lab.
    pub lab: &'static dyn Lab,
    /// The variant's name.
    pub variant: String,
    /// Threads (or isolated workers).
    pub threads: usize,
    /// Steps per thread.
    pub iters: u64,
    /// Explore only executions with at most this many preemptions (not exhaustive).
    pub preemption_bound: Option<usize>,
    /// Give up (with an error) after this long.
    pub time_budget: Duration,
    /// The lab's stock (tickets, money), when not its default.
    pub stock: Option<u64>,
    /// The process variant's jobs, when not the lab's split.
    pub jobs: Option<Vec<Vec<u64>>>,
    /// The lab's own named numbers (see [`Case::params`]).
    pub params: Vec<(&'static str, u64)>,
    /// Run a second pass in which weak compare-exchanges fail spuriously
    /// (only when the code uses one). On by default.
    pub spurious: bool,
    /// Obey loom's environment variables (`LOOM_MAX_PERMUTATIONS`, …), which
    /// cut the search: the report then says "bounded" and by what. The judge
    /// turns this off, so a learner's shell cannot turn a proof into a guess.
    pub obey_loom_env: bool,
}

/// loom's environment variables that cut or change a search.
pub const LOOM_ENV: [&str; 5] =
    ["LOOM_MAX_PERMUTATIONS", "LOOM_MAX_PREEMPTIONS", "LOOM_MAX_DURATION", "LOOM_CHECKPOINT_FILE", "LOOM_MAX_BRANCHES"];

/// The most threads × iterations a bounded search takes: past it a single
/// execution outgrows loom's 1 000 scheduling steps ("a loop that spins?").
pub const MAX_BOUNDED_STEPS: u64 = 64;

/// loom's own limit of scheduling steps in one execution.
const LOOM_DEFAULT_MAX_BRANCHES: usize = 1_000;
/// The branch limit of [`run_once`]'s single execution: room for the judge's
/// contended runs (tens of thousands of steps), below the 65 535 operations
/// loom can number in one thread (past that it fails with an overflow, which
/// would read as the learner's).
pub const SEQUENTIAL_MAX_BRANCHES: usize = 60_000;

/// The largest preemption bound loom accepts (it is a `u8`; 256 panics).
pub const MAX_PREEMPTION_BOUND: usize = 255;

impl Model {
    /// A model of `variant` at `threads` × `iters`, exhaustive, with a 60 s budget.
    pub fn new(lab: &'static dyn Lab, variant: &str, threads: usize, iters: u64) -> Model {
        Model {
            lab,
            variant: variant.to_string(),
            threads,
            iters,
            preemption_bound: None,
            time_budget: Duration::from_secs(60),
            stock: None,
            jobs: None,
            params: Vec::new(),
            spurious: true,
            obey_loom_env: true,
        }
    }

    /// A model of `variant` at exactly this case (the judge's sizes).
    pub fn of_case(lab: &'static dyn Lab, variant: &str, case: &Case) -> Model {
        let mut model = Model::new(lab, variant, case.threads, case.iters);
        model.stock = case.stock;
        model.jobs = case.jobs.clone();
        model.params = case.params.clone();
        model
    }

    /// The case this model runs: its size, stock and jobs.
    pub fn case(&self) -> Case {
        // Explicit jobs (the judge's unequal workers) hold for any variant that reads them;
        // `process` always has jobs, the lab's split when none are given.
        let jobs = match &self.jobs {
            Some(jobs) => Some(jobs.clone()),
            None if self.variant == "process" => Some(self.lab.jobs(self.threads, self.iters)),
            None => None,
        };
        Case {
            threads: self.threads,
            iters: self.iters,
            stock: self.stock,
            jobs,
            looks: None,
            params: self.params.clone(),
        }
    }

    /// The right final state, in words.
    pub fn expected(&self) -> String {
        self.lab.spec(&self.case())
    }
}

/// Why loom could not give a verdict.
#[derive(Debug, Clone, PartialEq)]
pub enum CheckError {
    /// The size is outside what loom can explore exhaustively here.
    TooLarge(String),
    /// An argument loom cannot take (a preemption bound over 255).
    BadInput(String),
    /// The time budget ran out before every interleaving was explored.
    OutOfTime {
        /// Executions explored before giving up.
        executions: u64,
        /// Seconds spent.
        seconds: f64,
    },
    /// One execution took more than loom's branch limit: usually a spin loop.
    RunawayLoop(String),
    /// The code under test is still `todo!()`.
    NotAttempted(String),
    /// The lab has no such variant, or it cannot run under loom.
    NoSuchVariant(String),
    /// A single run went wrong (a deadlock, a panic), in words.
    Failed(String),
    /// loom stopped at something its model gets wrong, not the code: a
    /// deadlock with a thread blocked inside `try_lock` (tokio-rs/loom#376).
    ModelLimit(String),
}

impl std::fmt::Display for CheckError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            CheckError::TooLarge(why)
            | CheckError::BadInput(why)
            | CheckError::Failed(why)
            | CheckError::ModelLimit(why) => write!(f, "{why}"),
            CheckError::OutOfTime { executions, seconds } => write!(
                f,
                "loom did not finish: {executions} executions in {seconds:.1} s and still going; \
                 use fewer threads or iterations, or bound the search with --preemption-bound 2"
            ),
            CheckError::RunawayLoop(at) => write!(
                f,
                "loom gave up on one execution after too many steps (a loop that waits for another \
                 thread to make progress?){at}"
            ),
            CheckError::NotAttempted(at) => write!(f, "not attempted yet: still `todo!()`{at}"),
            CheckError::NoSuchVariant(why) => write!(f, "{why}"),
        }
    }
}

impl std::error::Error for CheckError {}

/// What went wrong in the failing execution.
#[derive(Clone, Copy, Debug, Serialize, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
pub enum FailureKind {
    /// The execution finished with the wrong final value.
    WrongValue,
    /// loom saw two unsynchronised accesses to plain memory.
    DataRace,
    /// Every thread was blocked.
    Deadlock,
    /// The code panicked (an assertion, an `expect`).
    Panic,
}

/// The failing execution that the report shows.
#[derive(Clone, Debug, Serialize)]
pub struct Failure {
    /// What went wrong.
    pub kind: FailureKind,
    /// loom's or the panic's message, or the lab's explanation of the value.
    pub message: String,
    /// The headline value, when the execution finished.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub value: Option<u64>,
    /// The whole final state, when the execution finished.
    #[serde(skip_serializing_if = "Option::is_none", serialize_with = "state_as_string")]
    pub state: Option<State>,
    /// The steps of the execution (in JSON once, as the report's top-level `schedule`).
    #[serde(skip)]
    pub schedule: Schedule,
}

/// The result of exploring one variant.
#[derive(Clone, Debug, Serialize)]
pub struct Report {
    /// Lab number.
    pub lab: u8,
    /// Variant name.
    pub variant: String,
    /// Threads.
    pub threads: usize,
    /// Steps per thread.
    pub iters: u64,
    /// Each worker's own job, when the case gives unequal ones (the judge's `[2] [0]`):
    /// then `threads` and `iters` say nothing of the size.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub jobs: Option<Vec<Vec<u64>>>,
    /// The right final state, in words (`"4"`, `"seen=2 a=0 b=2"`).
    pub expected: String,
    /// What the headline value measures: `final`, `sold`, `a + b seen`.
    #[serde(skip)]
    pub measure: &'static str,
    /// What one of the `threads` is called: "thread", or lab 09's "task".
    #[serde(skip)]
    pub unit: &'static str,
    /// Executions loom ran.
    pub executions: u64,
    /// `"pass"` or `"fail"`.
    pub verdict: &'static str,
    /// Final state → executions that ended with it. In JSON the keys are
    /// the states as text: lab 01's are plain numbers (`"2"`), others name
    /// their parts (`"sold=2 got=[1,1]"`).
    #[serde(serialize_with = "keys_as_strings")]
    pub outcomes: BTreeMap<State, u64>,
    /// `true` when every interleaving was explored (no preemption bound, no early stop).
    pub exhaustive: bool,
    /// What cut the search, when something did (a preemption bound, loom's
    /// environment variables, a stop at the first failure).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub bounded_by: Vec<String>,
    /// loom environment variables that were set but ignored (the judge ignores them).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub ignored_env: Vec<String>,
    /// Executions of the second pass, in which weak compare-exchanges fail
    /// spuriously (0 when the code uses none); included in `executions`.
    pub spurious_executions: u64,
    /// The preemption bound, if the search was bounded.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub preemption_bound: Option<usize>,
    /// Wall-clock seconds.
    pub seconds: f64,
    /// The shortest failing execution, when there is one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub failure: Option<Failure>,
    /// The failing execution's steps (also inside `failure`), for `--json` readers.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub schedule: Option<Schedule>,
    /// The outcome states the lab's specification rejects.
    #[serde(skip)]
    pub failing_states: Vec<State>,
    /// The `cargo run -- step` command that replays the failing schedule (or why it cannot be replayed).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub replay: Option<String>,
}

pub(crate) fn keys_as_strings<S: serde::Serializer>(map: &BTreeMap<State, u64>, s: S) -> Result<S::Ok, S::Error> {
    use serde::ser::SerializeMap;
    let mut out = s.serialize_map(Some(map.len()))?;
    for (k, v) in map {
        out.serialize_entry(&k.to_string(), v)?;
    }
    out.end()
}

fn state_as_string<S: serde::Serializer>(state: &Option<State>, s: S) -> Result<S::Ok, S::Error> {
    match state {
        Some(state) => s.serialize_str(&state.to_string()),
        None => s.serialize_none(),
    }
}

impl Report {
    /// `true` when no execution failed.
    pub fn passed(&self) -> bool {
        self.failure.is_none()
    }

    /// Panics with the readable report unless every execution passed.
    #[track_caller]
    pub fn assert_pass(&self) {
        assert!(self.passed(), "loom found a failing interleaving\n{}", self.render());
    }

    /// Panics with the readable report unless loom found a failing execution.
    #[track_caller]
    pub fn assert_fail(&self) {
        assert!(!self.passed(), "expected loom to find a failing interleaving, but all passed\n{}", self.render());
    }

    /// The report as a learner reads it.
    pub fn render(&self) -> String {
        let mut out = String::new();
        let scope = if self.exhaustive {
            "every interleaving".to_string()
        } else if self.bounded_by.is_empty() {
            "interleavings until the first failure".to_string()
        } else {
            format!("interleavings — bounded by {}, not exhaustive", self.bounded_by.join(", "))
        };
        let size = match &self.jobs {
            Some(jobs) => Case::workers(jobs.clone()).to_string(),
            None => format!("{} × {}", plural(self.threads as u64, self.unit), plural(self.iters, "iteration")),
        };
        let _ = writeln!(
            out,
            "lab {:02} · {} · {size}: loom explored {} ({scope}) in {:.2} s",
            self.lab,
            self.variant,
            plural(self.executions, "execution"),
            self.seconds
        );
        if self.spurious_executions > 0 {
            let _ = writeln!(
                out,
                "  (of which {} with weak compare-exchanges failing spuriously, as real hardware may)",
                plural(self.spurious_executions, "execution")
            );
        }
        if !self.ignored_env.is_empty() {
            let _ = writeln!(out, "  (ignored to keep the search exhaustive: {})", self.ignored_env.join(", "));
        }
        let verdict = if self.passed() { "PASS" } else { "FAIL" };
        let _ = writeln!(out, "verdict: {verdict}");
        if !self.outcomes.is_empty() {
            let total: u64 = self.outcomes.values().sum();
            let _ = writeln!(
                out,
                "\nreachable outcomes (final state: executions ending with it; right: {})",
                self.expected
            );
            let texts: Vec<String> = self.outcomes.keys().map(State::to_string).collect();
            let width = texts.iter().map(|t| t.chars().count()).max().unwrap_or(6).max(6);
            for ((state, count), text) in self.outcomes.iter().zip(&texts) {
                let bar = "█".repeat(((count * 30).div_ceil(total.max(1))) as usize);
                let mark = if self.failing_states.contains(state) { "" } else { "  ← right" };
                let _ = writeln!(out, "  {text:>width$}: {count:>7}  {bar}{mark}");
            }
        }
        if let Some(failure) = &self.failure {
            let label = match failure.kind {
                FailureKind::WrongValue => "the clearest failing execution (fewest stale reads, then fewest steps)",
                FailureKind::DataRace => "loom stopped at a data race",
                FailureKind::Deadlock => "loom stopped at a deadlock",
                FailureKind::Panic => "loom stopped at a panic",
            };
            let _ = writeln!(out, "\n{label}:");
            out.push_str(&failure.schedule.table());
            let summary = failure.schedule.summary();
            match failure.value {
                Some(value) => {
                    let state = match &failure.state {
                        Some(state) if !state.is_count() => state.to_string(),
                        _ => format!("{} {value}", self.measure),
                    };
                    let _ = writeln!(out, "\n  {summary} → {state}, expected {} ({})", self.expected, failure.message);
                }
                None => {
                    let _ = writeln!(out, "\n  {summary}\n  {}", failure.message);
                }
            }
            if let Some(replay) = &self.replay {
                let _ = writeln!(out, "\nstep through it yourself:\n  {replay}");
            }
        }
        out
    }
}

// ---------------------------------------------------------------------------
// Quiet panics: failures the checker expects are reported by the checker.
// ---------------------------------------------------------------------------

thread_local! {
    static QUIET: Cell<bool> = const { Cell::new(false) };
    static LAST_PANIC: RefCell<Option<(String, String)>> = const { RefCell::new(None) };
}

/// Runs `f` with the panic hook silenced on this thread, remembering the last
/// panic's message and location. Other threads keep the normal hook.
fn quietly<R>(f: impl FnOnce() -> R) -> std::thread::Result<R> {
    static INSTALL: Once = Once::new();
    INSTALL.call_once(|| {
        let previous = panic::take_hook();
        panic::set_hook(Box::new(move |info| {
            if QUIET.with(Cell::get) {
                let message = panic_message(info.payload());
                let location =
                    info.location().map(|l| format!("{}:{}", trace::tidy_path(l.file()), l.line())).unwrap_or_default();
                LAST_PANIC.with(|last| *last.borrow_mut() = Some((message, location)));
            } else {
                previous(info);
            }
        }));
    });
    let was = QUIET.with(|q| q.replace(true));
    let result = panic::catch_unwind(AssertUnwindSafe(f));
    QUIET.with(|q| q.set(was));
    result
}

pub use crate::trace::panic_message;

/// Panic payload used to stop loom when the time budget runs out.
struct OutOfTime;

#[derive(Default)]
struct Tally {
    executions: u64,
    outcomes: BTreeMap<State, u64>,
    /// The clearest failing execution so far.
    shortest_failure: Option<Clearest>,
}

/// A failing execution: its state, why it is wrong, its events, its clarity score.
type Clearest = (State, String, Vec<trace::Event>, (usize, usize));

/// (stale reads, steps): lower is easier to read.
fn clarity(events: &[trace::Event]) -> (usize, usize) {
    let schedule = Schedule::from_events(events); // names do not change the score
    let stale = schedule.steps.iter().filter(|s| s.note.as_deref().is_some_and(|n| n.starts_with("stale"))).count();
    (stale, events.len())
}

/// Explores `model` with loom and reports every reachable outcome.
pub fn explore(model: &Model) -> Result<Report, CheckError> {
    let lab = model.lab;
    let variant = lab.variant(&model.variant).map_err(CheckError::NoSuchVariant)?;
    let (name, case) = (variant.name, model.case());
    let body_case = case.clone();
    let body = move || lab.run(crate::lab::Backend::Model, name, &body_case).unwrap_or_default();
    let mut report = explore_body(model, body)?;
    // A failing schedule of the lab's own code can be replayed by the stepper, move by move.
    if let Some(failure) =
        report.failure.as_ref().filter(|f| matches!(f.kind, FailureKind::WrongValue | FailureKind::Deadlock))
    {
        let stepping = crate::stepper::Stepping::new(lab, name, case);
        report.replay = Some(match crate::stepper::moves_for(&stepping, &failure.schedule) {
            Ok(moves) => stepping.command(&moves),
            Err(why) => why,
        });
    }
    Ok(report)
}

/// The loom environment variables that are set, as `NAME=value`.
fn loom_env_set() -> Vec<String> {
    LOOM_ENV.iter().filter_map(|name| std::env::var(name).ok().map(|value| format!("{name}={value}"))).collect()
}

/// Explores an arbitrary model body (a learner's code, say) as [`explore`] does.
///
/// `body` runs one execution on loom's threads and returns its final state,
/// which the lab's specification judges. Every execution runs to the end, so
/// the report has every reachable state. When the body uses a weak
/// compare-exchange, a second pass explores every interleaving again with each
/// thread's first weak compare-exchanges per call site failing spuriously, twice in a
/// row ([`trace::SPURIOUS_IN_A_ROW`]).
pub fn explore_body<F>(model: &Model, body: F) -> Result<Report, CheckError>
where
    F: Fn() -> State + Send + Sync + 'static,
{
    let body: Arc<dyn Fn() -> State + Send + Sync> = Arc::new(body);
    match explore_once(model, Arc::clone(&body)) {
        // loom's own `try_lock` deadlock: explore again with every `try_lock` exact (slower).
        Err(CheckError::ModelLimit(why)) if why.contains(trace::LOOM_376) => {
            trace::set_exact_try_lock(true);
            let report = explore_once(model, body);
            trace::set_exact_try_lock(false);
            report
        }
        report => report,
    }
}

/// One exploration of [`explore_body`], with the model's mutexes as they are set now.
fn explore_once(model: &Model, body: Arc<dyn Fn() -> State + Send + Sync>) -> Result<Report, CheckError> {
    check_size(model)?;
    // Waiting here is not spent: the clock below starts once this model has the process.
    let _alone = one_model_at_a_time();
    let case = model.case();
    let expected = model.expected();
    let tally = Arc::new(Mutex::new(Tally::default()));
    // Counted in this thread's CPU time: the same verdict however loaded the machine is.
    let started = clock::WorkClock::start();
    let wall = Instant::now();
    let budget = model.time_budget;
    let env = loom_env_set();
    let obeyed = model.obey_loom_env && !env.is_empty();

    let mut builder = loom::model::Builder::new();
    if !model.obey_loom_env {
        builder.max_permutations = None;
        builder.max_duration = None;
        builder.checkpoint_file = None;
        builder.max_branches = LOOM_DEFAULT_MAX_BRANCHES;
    }
    if model.preemption_bound.is_some() || !model.obey_loom_env {
        builder.preemption_bound = model.preemption_bound;
    }
    // loom 0.7 reads LOOM_LOG itself but prints only through a `tracing`
    // subscriber; install one (as `loom::model` does) when it is asked for.
    let subscriber = loom_log_subscriber();

    let lab = model.lab;
    let pass = |spurious: bool| {
        let (shared, body, case) = (Arc::clone(&tally), Arc::clone(&body), case.clone());
        let run = move || {
            trace::clear();
            if started.spent() > budget {
                panic::panic_any(OutOfTime);
            }
            let state = body();
            let events = trace::take();
            let mut tally = shared.lock().unwrap_or_else(|p| p.into_inner());
            tally.executions += 1;
            *tally.outcomes.entry(state.clone()).or_default() += 1;
            if let Err(why) = lab.judge(&case, &state) {
                // Keep the clearest failing execution: fewest stale reads (so the
                // order of the steps is the order values became visible), then
                // fewest steps.
                let score = clarity(&events);
                if tally.shortest_failure.as_ref().is_none_or(|(_, _, _, best)| score < *best) {
                    // The second pass runs only after a first with no failure: its failures are
                    // the spurious exchange's doing.
                    let why = if spurious {
                        format!(
                            "{why}, once a weak compare-exchange failed spuriously (the value matched, and it \
                             failed anyway, as it may on real hardware such as ARM's)"
                        )
                    } else {
                        why
                    };
                    tally.shortest_failure = Some((state, why, events, score));
                }
            }
        };
        trace::set_spurious(spurious);
        let result = quietly(|| match &subscriber {
            Some(subscriber) => tracing::subscriber::with_default(subscriber.clone(), || builder.check(run)),
            None => builder.check(run),
        });
        let used = trace::weak_cas_used();
        trace::set_spurious(false);
        (result, used)
    };
    let (mut result, weak_used) = pass(false);
    let first_pass = tally.lock().unwrap_or_else(|p| p.into_inner()).executions;
    let mut spurious_executions = 0;
    let failed = tally.lock().unwrap_or_else(|p| p.into_inner()).shortest_failure.is_some();
    if result.is_ok() && !failed && weak_used && model.spurious {
        result = pass(true).0;
        spurious_executions = tally.lock().unwrap_or_else(|p| p.into_inner()).executions - first_pass;
    }
    let seconds = wall.elapsed().as_secs_f64();
    let mut tally = std::mem::take(&mut *tally.lock().unwrap_or_else(|p| p.into_inner()));

    let mut bounded_by = Vec::new();
    if let Some(bound) = model.preemption_bound {
        bounded_by.push(format!("--preemption-bound {bound}"));
    }
    if obeyed {
        bounded_by.extend(env.iter().cloned());
    }
    let failing_states =
        tally.outcomes.keys().filter(|state| lab.judge(&case, state).is_err()).cloned().collect::<Vec<_>>();
    let mut report = Report {
        lab: model.lab.number(),
        variant: model.variant.clone(),
        threads: model.threads,
        iters: model.iters,
        jobs: model.jobs.clone(),
        expected,
        measure: model.lab.card().measure,
        unit: model.lab.unit(),
        executions: tally.executions,
        verdict: "pass",
        outcomes: std::mem::take(&mut tally.outcomes),
        exhaustive: bounded_by.is_empty(),
        bounded_by,
        ignored_env: if model.obey_loom_env { Vec::new() } else { env },
        spurious_executions,
        preemption_bound: model.preemption_bound,
        seconds,
        failure: None,
        schedule: None,
        failing_states,
        replay: None,
    };

    let schedule =
        |events: &[trace::Event]| Schedule::from_events_decoded(events, model.lab.card().names, model.lab.decoder());
    match result {
        Ok(()) => {
            if let Some((state, why, events, _)) = tally.shortest_failure {
                report.failure = Some(Failure {
                    kind: FailureKind::WrongValue,
                    message: why,
                    value: Some(state.value()),
                    state: Some(state),
                    schedule: schedule(&events),
                });
            }
        }
        Err(payload) => {
            if payload.is::<OutOfTime>() {
                return Err(CheckError::OutOfTime { executions: tally.executions, seconds });
            }
            report.executions += 1;
            report.exhaustive = false;
            let failure = failure_of_panic(&*payload, model.lab.card().names, model.lab.decoder());
            report.failure = Some(failure.map_err(|e| if obeyed { blame_loom_env(e) } else { e })?);
        }
    }
    if let Some(failure) = &report.failure {
        report.verdict = "fail";
        report.schedule = Some(failure.schedule.clone());
    }
    Ok(report)
}

/// A runaway loop that loom stopped at a branch limit set in the environment: the limit is
/// named, since it is the environment's, not the code's (loom's own is
/// [`LOOM_DEFAULT_MAX_BRANCHES`]).
fn blame_loom_env(error: CheckError) -> CheckError {
    match (error, std::env::var("LOOM_MAX_BRANCHES")) {
        (CheckError::RunawayLoop(at), Ok(value)) => CheckError::BadInput(format!(
            "loom gave up on one execution after LOOM_MAX_BRANCHES={value} steps{at}: that limit is set in your \
             environment (loom's own is {LOOM_DEFAULT_MAX_BRANCHES}); unset LOOM_MAX_BRANCHES and check again"
        )),
        (error, _) => error,
    }
}

/// What a panic that stopped loom means: a data race, a deadlock or a
/// panic in the code (a [`Failure`]), or no verdict at all (`todo!()`, a
/// runaway loop: a [`CheckError`]).
fn failure_of_panic(
    payload: &(dyn std::any::Any + Send),
    names: &[(&str, &[&'static str])],
    decode: Option<fn(u64) -> String>,
) -> Result<Failure, CheckError> {
    let message = panic_message(payload);
    let events = trace::take();
    // A panic inside loom itself (a data race, a deadlock) points into
    // loom's source; the learner wants the line of their own code.
    let location = LAST_PANIC
        .with(|l| l.borrow_mut().take())
        .map(|(_, at)| at)
        .filter(|at| !at.contains("/.cargo/registry/"))
        .or_else(|| events.last().map(|e| format!("{}:{}", trace::tidy_path(e.location.file()), e.location.line())))
        .filter(|at| trace::worth_pointing_at(at))
        .unwrap_or_default();
    let at = if location.is_empty() { String::new() } else { format!(" at {location}") };
    if message.contains("not yet implemented") {
        return Err(CheckError::NotAttempted(at));
    }
    if message.contains("maximum number of branches") {
        return Err(CheckError::RunawayLoop(at));
    }
    let starting_task = trace::stopped_starting_task();
    let out_of_threads = message.contains("self.threads.len() < self.max()");
    if out_of_threads && starting_task {
        // Tasks are cheap and an answer may rightly start one more: not the learner's mistake.
        return Err(CheckError::ModelLimit(format!(
            "more tasks in one run than the checker can model{at}: each task is one of loom's {} threads (the \
             main task included), and this answer starts more — right or wrong, the checker cannot judge it; an \
             `.await` in the task itself needs no task of its own",
            loom::MAX_THREADS
        )));
    }
    if out_of_threads {
        // A worker that splits its job over two threads is right: no verdict, as for tasks.
        return Err(CheckError::ModelLimit(format!(
            "more threads at once than loom can model ({} with the main thread){at}: loom simulates a handful, \
             and this answer starts more — right or wrong, the checker cannot judge it; one thread per worker \
             (not one per step of work) keeps it within reach",
            loom::MAX_THREADS
        )));
    }
    let kind = if message.contains("Causality violation") {
        FailureKind::DataRace
    } else if message.contains("deadlock") {
        FailureKind::Deadlock
    } else {
        FailureKind::Panic
    };
    let first_line = message.lines().find(|l| !l.trim().is_empty()).unwrap_or("").trim();
    let message = if kind == FailureKind::Deadlock {
        let waiting = trace::take_waiting();
        if let Some(w) = waiting.iter().find(|w| w.what.as_deref() == Some(trace::IN_TRY_LOCK)) {
            return Err(CheckError::ModelLimit(format!(
                "loom stopped at a deadlock of its own: a thread was inside a `try_lock` at {}:{} when another \
                 thread took that lock, and loom 0.7 makes it wait for the lock ({}); a real \
                 `try_lock` fails at once. loom cannot judge this answer",
                trace::tidy_path(w.location.file()),
                w.location.line(),
                trace::LOOM_376
            )));
        }
        trace::explain_deadlock(&events, &waiting)
    } else {
        format!("{first_line}{at}")
    };
    Ok(Failure {
        kind,
        message,
        value: None,
        state: None,
        schedule: Schedule::from_events_decoded(&events, names, decode),
    })
}

/// One loom model at a time in this process. loom maps a fresh stack for every thread of
/// every execution and unmaps it after; two models at once in one process (tests on
/// parallel threads) contend for the process's memory map, and every unmap interrupts the
/// other core to flush its TLB: lab 07's tests took 36 s on two threads and 28 s on one
/// (sys time 31 s and 7 s). Other work — real threads, worker processes — still runs beside
/// a model. (The catalogues are judged in processes for the same reason, `judge::apart`, and
/// the labs' slowest tests run in processes of their own: `tests/common::in_processes`.)
fn one_model_at_a_time() -> std::sync::MutexGuard<'static, ()> {
    static MODEL: Mutex<()> = Mutex::new(());
    MODEL.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
}

/// Runs `body` as one loom execution on a single thread (loom runs exactly
/// one): a plain sequential run in which a self-deadlock, a spin loop or a
/// `todo!()` becomes an error with the line, not a hang or a crash.
///
/// # Examples
///
/// ```
/// use racelab::check::{CheckError, run_once};
/// use racelab::sync::model::Mutex;
///
/// assert!(run_once(|| { let _ = Mutex::new(1_u64).lock(); }).is_ok());
/// let twice = run_once(|| {
///     let m = Mutex::new(0_u64);
///     let _held = m.lock();
///     let _again = m.lock(); // waits for itself
/// });
/// assert!(matches!(twice, Err(CheckError::Failed(why)) if why.contains("already holds")));
/// ```
pub fn run_once(body: impl Fn() + Send + Sync + 'static) -> Result<(), CheckError> {
    let _alone = one_model_at_a_time();
    let mut builder = loom::model::Builder::new();
    // Exactly one execution, even when the body starts threads: exploring their
    // interleavings is loom's stage, and a check "on one thread" must not take minutes.
    // loom 0.7 compares its count with `max_permutations` only every `checkpoint_interval`
    // executions (20 000 by default), and before running the next: an interval of 1 and a
    // limit of 2 stop it after exactly one. (With a limit of 1 alone it ran up to 20 000: a
    // one-thread check of code that starts threads explored hundreds of orders, for seconds.)
    builder.checkpoint_interval = 1;
    builder.max_permutations = Some(2);
    builder.max_duration = None;
    builder.checkpoint_file = None;
    builder.preemption_bound = None;
    // One execution: the branch limit only bounds how long a loop may run.
    builder.max_branches = SEQUENTIAL_MAX_BRANCHES;
    let result = quietly(|| {
        builder.check(move || {
            trace::clear();
            body();
        })
    });
    match result {
        Ok(()) => Ok(()),
        Err(payload) => Err(CheckError::Failed(failure_of_panic(&*payload, &[], None)?.message)),
    }
}

/// Runs `f` catching a panic quietly: `Err((message, " at file:line"))`.
pub fn quietly_catch<R>(f: impl FnOnce() -> R) -> Result<R, (String, String)> {
    quietly(f).map_err(|payload| {
        let at = LAST_PANIC.with(|l| l.borrow_mut().take()).map(|(_, at)| at).filter(|at| trace::worth_pointing_at(at));
        let at = at.map(|at| format!(" at {at}")).unwrap_or_default();
        (panic_message(&*payload), at)
    })
}

fn loom_log_subscriber() -> Option<Arc<dyn tracing::Subscriber + Send + Sync>> {
    std::env::var_os("LOOM_LOG")?;
    Some(Arc::new(
        tracing_subscriber::fmt::Subscriber::builder()
            .with_env_filter(tracing_subscriber::EnvFilter::from_env("LOOM_LOG"))
            // loom's log is diagnostics: stderr, so stdout stays the report (`--json` one document).
            .with_writer(std::io::stderr)
            // Colour codes only where a terminal shows them.
            .with_ansi(std::io::IsTerminal::is_terminal(&std::io::stderr()))
            .without_time()
            .finish(),
    ))
}

fn check_size(model: &Model) -> Result<(), CheckError> {
    let (threads, iters) = (model.threads, model.iters);
    if threads == 0 {
        return Err(CheckError::TooLarge("--threads must be at least 1".to_string()));
    }
    if let Some(bound) = model.preemption_bound.filter(|b| *b > MAX_PREEMPTION_BOUND) {
        return Err(CheckError::BadInput(format!(
            "--preemption-bound {bound} is more than loom can take (at most {MAX_PREEMPTION_BOUND})"
        )));
    }
    let kind = model.lab.variant(&model.variant).map(|v| v.kind).unwrap_or(Kind::Racy);
    let table = model.lab.card().limits.table(&model.variant, kind);
    if threads > table.len() {
        return Err(CheckError::TooLarge(format!(
            "loom models at most {} threads in lab {:02} (asked for {threads}); use `cargo run -- run` for real threads",
            table.len(),
            model.lab.number()
        )));
    }
    if model.preemption_bound.is_some() && (threads as u64).saturating_mul(iters) > MAX_BOUNDED_STEPS {
        return Err(CheckError::TooLarge(format!(
            "{threads} threads × {iters} is too large even for a bounded search: one execution would take more \
             scheduling steps than loom allows (threads × iterations at most {MAX_BOUNDED_STEPS})"
        )));
    }
    if iters > table[threads - 1] && model.preemption_bound.is_none() && model.jobs.is_none() {
        let finishes: Vec<String> =
            table.iter().enumerate().filter(|(_, k)| **k > 0).map(|(t, k)| format!("{}×{k}", t + 1)).collect();
        return Err(CheckError::TooLarge(format!(
            "{threads} threads × {iters} is too large for an exhaustive search of `{}` (it finishes up to {}); \
             add --preemption-bound 2 for a bounded one",
            model.variant,
            finishes.join(", ")
        )));
    }
    Ok(())
}
