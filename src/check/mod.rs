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
//! assert_eq!(report.outcomes.keys().copied().collect::<Vec<_>>(), vec![1, 2]);
//! ```

pub mod trace;

use crate::labs::{Kind, Lab};
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
    pub lab: &'static Lab,
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
}

impl Model {
    /// A model of `variant` at `threads` × `iters`, exhaustive, with a 60 s budget.
    pub fn new(lab: &'static Lab, variant: &str, threads: usize, iters: u64) -> Model {
        Model {
            lab,
            variant: variant.to_string(),
            threads,
            iters,
            preemption_bound: None,
            time_budget: Duration::from_secs(60),
        }
    }

    /// The correct final value.
    pub fn expected(&self) -> u64 {
        (self.lab.expected)(self.threads, self.iters)
    }
}

/// Why loom could not give a verdict.
#[derive(Debug, Clone, PartialEq)]
pub enum CheckError {
    /// The size is outside what loom can explore exhaustively here.
    TooLarge(String),
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
}

impl std::fmt::Display for CheckError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            CheckError::TooLarge(why) => write!(f, "{why}"),
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
    /// The final value, when the execution finished.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub value: Option<u64>,
    /// The steps of the execution.
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
    /// The correct final value.
    pub expected: u64,
    /// What the value measures: `final`, `sold`, `a + b seen`.
    #[serde(skip)]
    pub measure: &'static str,
    /// Executions loom ran.
    pub executions: u64,
    /// `"pass"` or `"fail"`.
    pub verdict: &'static str,
    /// Final value → executions that ended with it.
    #[serde(serialize_with = "keys_as_strings")]
    pub outcomes: BTreeMap<u64, u64>,
    /// `true` when every interleaving was explored (no preemption bound, no early stop).
    pub exhaustive: bool,
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
}

fn keys_as_strings<S: serde::Serializer>(map: &BTreeMap<u64, u64>, s: S) -> Result<S::Ok, S::Error> {
    use serde::ser::SerializeMap;
    let mut out = s.serialize_map(Some(map.len()))?;
    for (k, v) in map {
        out.serialize_entry(&k.to_string(), v)?;
    }
    out.end()
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
        } else {
            match self.preemption_bound {
                Some(bound) => format!("interleavings with at most {bound} preemptions (bounded, not exhaustive)"),
                None => "interleavings until the first failure".to_string(),
            }
        };
        let _ = writeln!(
            out,
            "lab {:02} · {} · {} × {}: loom explored {} ({scope}) in {:.2} s",
            self.lab,
            self.variant,
            plural(self.threads as u64, "thread"),
            plural(self.iters, "iteration"),
            plural(self.executions, "execution"),
            self.seconds
        );
        let verdict = if self.passed() { "PASS" } else { "FAIL" };
        let _ = writeln!(out, "verdict: {verdict}");
        if !self.outcomes.is_empty() {
            let total: u64 = self.outcomes.values().sum();
            let _ = writeln!(out, "\nreachable outcomes ({}: executions ending with it)", self.measure);
            for (value, count) in &self.outcomes {
                let bar = "█".repeat(((count * 30).div_ceil(total.max(1))) as usize);
                let mark = if *value == self.expected { "  ← correct" } else { "" };
                let _ = writeln!(out, "  {value:>6}: {count:>7}  {bar}{mark}");
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
                    let _ = writeln!(
                        out,
                        "\n  {summary} → {} {value}, expected {} ({})",
                        self.measure, self.expected, failure.message
                    );
                }
                None => {
                    let _ = writeln!(out, "\n  {summary}\n  {}", failure.message);
                }
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

/// `1 thread`, `2 threads`.
fn plural(n: u64, noun: &str) -> String {
    if n == 1 { format!("1 {noun}") } else { format!("{n} {noun}s") }
}

/// The text of a panic payload.
pub fn panic_message(payload: &(dyn std::any::Any + Send)) -> String {
    payload
        .downcast_ref::<&str>()
        .map(|s| s.to_string())
        .or_else(|| payload.downcast_ref::<String>().cloned())
        .unwrap_or_else(|| "(a panic with no message)".to_string())
}

/// Panic payload used to stop loom when the time budget runs out.
struct OutOfTime;

#[derive(Default)]
struct Tally {
    executions: u64,
    outcomes: BTreeMap<u64, u64>,
    shortest_failure: Option<(u64, Vec<trace::Event>, (usize, usize))>,
}

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
    let (lab_model, name, threads, iters) = (lab.model, variant.name, model.threads, model.iters);
    explore_body(model, move || lab_model(name, threads, iters).unwrap_or(u64::MAX))
}

/// Explores an arbitrary model body (a learner's code, say) as [`explore`] does.
///
/// `body` runs one execution on loom's threads and returns the final value.
pub fn explore_body<F>(model: &Model, body: F) -> Result<Report, CheckError>
where
    F: Fn() -> u64 + Send + Sync + 'static,
{
    check_size(model)?;
    let expected = model.expected();
    let tally = Arc::new(Mutex::new(Tally::default()));
    let started = Instant::now();
    let budget = model.time_budget;

    let mut builder = loom::model::Builder::new();
    builder.preemption_bound = model.preemption_bound;
    // loom 0.7 reads LOOM_LOG itself but prints only through a `tracing`
    // subscriber; install one (as `loom::model` does) when it is asked for.
    let subscriber = loom_log_subscriber();

    let shared = Arc::clone(&tally);
    let run = move || {
        trace::clear();
        if started.elapsed() > budget {
            panic::panic_any(OutOfTime);
        }
        let value = body();
        let events = trace::take();
        let mut tally = shared.lock().unwrap_or_else(|p| p.into_inner());
        tally.executions += 1;
        *tally.outcomes.entry(value).or_default() += 1;
        if value != expected {
            // Keep the clearest failing execution: fewest stale reads (so the
            // order of the steps is the order values became visible), then
            // fewest steps.
            let score = clarity(&events);
            if tally.shortest_failure.as_ref().is_none_or(|(_, _, best)| score < *best) {
                tally.shortest_failure = Some((value, events, score));
            }
        }
    };
    let result = quietly(|| match subscriber {
        Some(subscriber) => tracing::subscriber::with_default(subscriber, || builder.check(run)),
        None => builder.check(run),
    });
    let seconds = started.elapsed().as_secs_f64();
    let mut tally = std::mem::take(&mut *tally.lock().unwrap_or_else(|p| p.into_inner()));

    let mut report = Report {
        lab: model.lab.number,
        variant: model.variant.clone(),
        threads: model.threads,
        iters: model.iters,
        expected,
        measure: model.lab.measure,
        executions: tally.executions,
        verdict: "pass",
        outcomes: std::mem::take(&mut tally.outcomes),
        exhaustive: model.preemption_bound.is_none(),
        preemption_bound: model.preemption_bound,
        seconds,
        failure: None,
        schedule: None,
    };

    match result {
        Ok(()) => {
            if let Some((value, events, _)) = tally.shortest_failure {
                report.failure = Some(Failure {
                    kind: FailureKind::WrongValue,
                    message: (model.lab.explain)(value, expected),
                    value: Some(value),
                    schedule: Schedule::from_events_named(&events, model.lab.names),
                });
            }
        }
        Err(payload) => {
            if payload.is::<OutOfTime>() {
                return Err(CheckError::OutOfTime { executions: tally.executions, seconds });
            }
            let message = panic_message(&*payload);
            let events = trace::take();
            // A panic inside loom itself (a data race, a deadlock) points into
            // loom's source; the learner wants the line of their own code.
            let location = LAST_PANIC
                .with(|l| l.borrow_mut().take())
                .map(|(_, at)| at)
                .filter(|at| !at.contains("/.cargo/registry/"))
                .or_else(|| {
                    events.last().map(|e| format!("{}:{}", trace::tidy_path(e.location.file()), e.location.line()))
                })
                .unwrap_or_default();
            let at = if location.is_empty() { String::new() } else { format!(" at {location}") };
            if message.contains("not yet implemented") {
                return Err(CheckError::NotAttempted(at));
            }
            if message.contains("maximum number of branches") {
                return Err(CheckError::RunawayLoop(at));
            }
            let kind = if message.contains("Causality violation") {
                FailureKind::DataRace
            } else if message.contains("deadlock") {
                FailureKind::Deadlock
            } else {
                FailureKind::Panic
            };
            let first_line = message.lines().find(|l| !l.trim().is_empty()).unwrap_or("").trim();
            let first_line = if kind == FailureKind::Deadlock {
                trace::explain_deadlock(&events, &trace::take_waiting())
            } else {
                first_line.to_string()
            };
            report.executions += 1;
            report.exhaustive = false;
            report.failure = Some(Failure {
                kind,
                message: if kind == FailureKind::Deadlock { first_line } else { format!("{first_line}{at}") },
                value: None,
                schedule: Schedule::from_events_named(&events, model.lab.names),
            });
        }
    }
    if let Some(failure) = &report.failure {
        report.verdict = "fail";
        report.schedule = Some(failure.schedule.clone());
    }
    Ok(report)
}

fn loom_log_subscriber() -> Option<impl tracing::Subscriber + Send + Sync> {
    std::env::var_os("LOOM_LOG")?;
    Some(
        tracing_subscriber::fmt::Subscriber::builder()
            .with_env_filter(tracing_subscriber::EnvFilter::from_env("LOOM_LOG"))
            .with_test_writer()
            .without_time()
            .finish(),
    )
}

fn check_size(model: &Model) -> Result<(), CheckError> {
    let (threads, iters) = (model.threads, model.iters);
    if threads == 0 {
        return Err(CheckError::TooLarge("--threads must be at least 1".to_string()));
    }
    let kind = model.lab.variant(&model.variant).map(|v| v.kind).unwrap_or(Kind::Racy);
    let limits = model.lab.limits;
    let table = if matches!(kind, Kind::Racy | Kind::WrongFix | Kind::DataRace) { limits.racy } else { limits.fix };
    if threads > table.len() {
        return Err(CheckError::TooLarge(format!(
            "loom models at most {} threads in lab {:02} (asked for {threads}); use `racelab run` for real threads",
            table.len(),
            model.lab.number
        )));
    }
    if iters > table[threads - 1] && model.preemption_bound.is_none() {
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
