//! Real runs: the labs on OS threads and OS processes, reporting what they saw.
//!
//! A real run can show that updates were lost; it can never show that they
//! cannot be — that is loom's job ([`crate::check`]). So a real run reports
//! honestly: expected, observed, lost, per trial. For a racy variant it
//! repeats trials (each started from a barrier so the threads overlap) until a
//! loss is seen or the time budget is spent, and says so when none was seen.
//!
//! # Examples
//!
//! ```
//! use racelab::labs;
//! use racelab::runner::{RunOptions, run};
//!
//! let lab = labs::find("1").unwrap();
//! let options = RunOptions { threads: 4, iters: 10_000, ..RunOptions::default() };
//! let report = run(lab, "atomic", &options, |_, _| {}).unwrap();
//! assert_eq!(report.observed, 40_000);
//! assert_eq!(report.lost, 0);
//! ```

pub mod process;

use crate::lab::{Kind, Lab};
use process::{WorkerCommand, run_workers};
use serde::Serialize;
use std::time::{Duration, Instant};

/// Largest thread (or worker-process) count a real run accepts.
pub const MAX_THREADS: usize = 1024;
/// Largest worker-process count a process run accepts.
pub const MAX_PROCESSES: usize = 64;
/// Largest total number of steps (threads × iterations) per trial.
pub const MAX_TOTAL: u64 = 10_000_000_000;

/// How to run.
#[derive(Clone, Debug)]
pub struct RunOptions {
    /// Threads, or worker processes for `process`.
    pub threads: usize,
    /// Steps per thread.
    pub iters: u64,
    /// Exactly this many trials; `None`: racy variants repeat until a loss
    /// is seen (within `budget`), fixes run once.
    pub trials: Option<usize>,
    /// Time budget for repeating racy trials.
    pub budget: Duration,
    /// How to start a worker process (needed by `process`).
    pub worker: Option<WorkerCommand>,
    /// How long one trial may take: its worker processes are killed after it, and threads
    /// still running then are reported as stuck (a deadlock).
    pub worker_timeout: Duration,
}

impl Default for RunOptions {
    fn default() -> Self {
        RunOptions {
            threads: 2,
            iters: 1_000_000,
            trials: None,
            budget: Duration::from_secs(2),
            worker: None,
            worker_timeout: Duration::from_secs(30),
        }
    }
}

/// One trial's result.
#[derive(Clone, Debug, Serialize, PartialEq)]
pub struct Trial {
    /// The final value.
    pub observed: u64,
    /// Updates lost (expected − observed, never negative).
    pub lost: u64,
    /// Wall-clock seconds.
    pub seconds: f64,
    /// Why the trial's whole result is wrong although its final value is right
    /// (a buyer told "sold" without a ticket); checked for a learner's answers.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub wrong: Option<String>,
}

impl Trial {
    fn is_exact(&self, expected: u64) -> bool {
        self.observed == expected && self.wrong.is_none()
    }
}

/// What one trial saw: the final value, and whether the lab's whole result
/// was wrong even if that value is right.
#[derive(Clone, Debug, PartialEq)]
pub struct Observation {
    /// The final value (the lab's headline number).
    pub value: u64,
    /// Why the whole result is wrong, when it is.
    pub wrong: Option<String>,
}

/// How to run one trial of a variant with given options.
pub type TrialFn<'a> = dyn FnMut(&RunOptions) -> Result<Observation, String> + 'a;

/// What a real run saw.
#[derive(Clone, Debug, Serialize)]
pub struct RunReport {
    /// Lab number.
    pub lab: u8,
    /// Variant name.
    pub variant: String,
    /// Threads (or worker processes).
    pub threads: usize,
    /// Steps per thread.
    pub iters: u64,
    /// The correct final value of one trial.
    pub expected: u64,
    /// The final value of the trial shown: the first that lost updates, else the last.
    pub observed: u64,
    /// Updates lost in that trial.
    pub lost: u64,
    /// Trials run.
    pub trials: usize,
    /// Trials whose value was not the expected one (updates lost, tickets oversold, a torn sum seen).
    pub wrong_trials: usize,
    /// Total wall-clock seconds.
    pub seconds: f64,
    /// Every trial, in order.
    pub runs: Vec<Trial>,
    /// The exercise file, when these are the learner's own functions (`--yours`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub yours: Option<String>,
}

/// Checks a run's size before anything starts.
pub fn validate(lab: &'static dyn Lab, variant: &str, options: &RunOptions) -> Result<Kind, String> {
    let kind = lab.variant(variant)?.kind;
    if kind == Kind::DataRace {
        return Err(format!(
            "`{variant}` is a data race (undefined behaviour) and runs only under loom: racelab check {} --variant {variant}",
            lab.number()
        ));
    }
    if variant == "process" {
        if options.threads == 0 || options.threads > MAX_PROCESSES {
            return Err(format!(
                "--threads must be between 1 and {MAX_PROCESSES} for `process`, one worker process each (got {})",
                options.threads
            ));
        }
    } else if options.threads == 0 || options.threads > MAX_THREADS {
        return Err(format!("--threads must be between 1 and {MAX_THREADS} (got {})", options.threads));
    }
    let max_total = lab.card().max_total.min(MAX_TOTAL);
    if (options.threads as u64).saturating_mul(options.iters) > max_total {
        return Err(format!(
            "{} × {} {} is too many for one trial of lab {:02} (at most {max_total}); lower --iters",
            options.threads,
            options.iters,
            lab.card().unit,
            lab.number()
        ));
    }
    if options.trials == Some(0) {
        return Err("--trials must be at least 1".to_string());
    }
    Ok(kind)
}

/// Runs one variant for real. `progress(done, planned)` is called after each trial.
pub fn run(
    lab: &'static dyn Lab,
    variant: &str,
    options: &RunOptions,
    progress: impl FnMut(usize, usize),
) -> Result<RunReport, String> {
    let kind = validate(lab, variant, options)?;
    // Racy versions repeat until they show the race; fixes need one trial.
    let until_wrong = matches!(kind, Kind::Racy | Kind::WrongFix);
    run_with(lab, variant, options, until_wrong, &mut |o| trial(lab, variant, o), progress)
}

/// Runs `trial` as a run of `variant`: with `until_wrong` (and no trial count
/// set), trials repeat until one goes wrong or the budget is spent.
pub fn run_with(
    lab: &'static dyn Lab,
    variant: &str,
    options: &RunOptions,
    until_wrong: bool,
    trial: &mut TrialFn,
    mut progress: impl FnMut(usize, usize),
) -> Result<RunReport, String> {
    validate(lab, variant, options)?;
    let expected = lab.expected(options.threads, options.iters);
    let until_wrong = options.trials.is_none() && until_wrong;
    // The budget, not the count, ends a racy run: 10 000 is only a backstop.
    let planned = options.trials.unwrap_or(if until_wrong { 10_000 } else { 1 });
    let started = Instant::now();
    let mut runs = Vec::new();
    while runs.len() < planned {
        let t0 = Instant::now();
        let seen = trial(options)?;
        let observed = seen.value;
        let seconds = t0.elapsed().as_secs_f64();
        runs.push(Trial { observed, lost: expected.saturating_sub(observed), seconds, wrong: seen.wrong });
        progress(runs.len(), planned);
        let wrong = runs.last().is_some_and(|t: &Trial| !t.is_exact(expected));
        if until_wrong && (wrong || started.elapsed() >= options.budget) {
            break;
        }
    }
    let shown = runs.iter().find(|t| !t.is_exact(expected)).or(runs.last()).cloned().unwrap_or(Trial {
        observed: 0,
        lost: 0,
        seconds: 0.0,
        wrong: None,
    });
    Ok(RunReport {
        lab: lab.number(),
        variant: variant.to_string(),
        threads: options.threads,
        iters: options.iters,
        expected,
        observed: shown.observed,
        lost: shown.lost,
        trials: runs.len(),
        wrong_trials: runs.iter().filter(|t| !t.is_exact(expected)).count(),
        seconds: started.elapsed().as_secs_f64(),
        runs,
        yours: None,
    })
}

pub(crate) fn trial(lab: &'static dyn Lab, variant: &str, options: &RunOptions) -> Result<Observation, String> {
    if variant == "process" {
        let worker = options.worker.as_ref().ok_or("the process variant needs the racelab binary to start workers")?;
        let reports = run_workers(worker, &lab.jobs(options.threads, options.iters), options.worker_timeout)
            .map_err(|e| e.to_string())?;
        return Ok(Observation { value: lab.combine(&reports), wrong: None });
    }
    // Threads that deadlock (lab 03's `wrong_lock_order`) never return: run the trial on a
    // thread of its own and give up on it after the timeout. The stuck threads cannot be
    // killed; they end with the process, which the message says is the only way out.
    let (name, threads, iters) = (variant.to_string(), options.threads, options.iters);
    let (tx, rx) = std::sync::mpsc::channel();
    let handle = std::thread::Builder::new()
        .name("trial".to_string())
        .spawn(move || {
            let _ = tx.send(lab.real_observed(&name, threads, iters));
        })
        .map_err(|e| format!("the system refused to start a thread ({e}): try fewer --threads"))?;
    let value = match rx.recv_timeout(options.worker_timeout) {
        Ok(value) => value,
        Err(std::sync::mpsc::RecvTimeoutError::Timeout) => Err(format!(
            "a trial of `{variant}` did not finish within {:.0} s (--timeout): either its threads are stuck, each \
             waiting for another — a deadlock? `cargo run -- check {} --variant {variant}` shows the schedule that \
             gets there — or it is slower than that: try fewer --iters or a longer --timeout",
            options.worker_timeout.as_secs_f64(),
            lab.number()
        )),
        // The trial panicked (the system refused a thread, say): carry on unwinding here, as if
        // it had run on this thread, so the caller reports it as before.
        Err(std::sync::mpsc::RecvTimeoutError::Disconnected) => match handle.join() {
            Err(payload) => std::panic::resume_unwind(payload),
            Ok(()) => Err(format!("a trial of `{variant}` ended without a result")),
        },
    }?;
    let (value, wrong) = value;
    Ok(Observation { value, wrong })
}

impl RunReport {
    /// The report as a learner reads it.
    pub fn render(&self, lab: &'static dyn Lab) -> String {
        use std::fmt::Write as _;
        let mut out = String::new();
        // Lab 04 runs every variant in worker processes that share a page.
        let what = match (&self.yours, self.variant.as_str(), lab.number()) {
            (_, "process", _) => ("worker process", "worker processes"),
            // Lab 04's reference variants run in worker processes sharing a page; a
            // learner's answer runs on threads sharing it, as in the judge's real stage.
            (None, _, 4) => ("worker process", "worker processes"),
            _ => ("thread", "threads"),
        };
        let what = if self.threads == 1 { what.0 } else { what.1 };
        let all =
            if self.trials == 1 { "in the one trial".to_string() } else { format!("in all {} trials", self.trials) };
        let wrong = if self.trials == 1 {
            "Wrong in the one trial".to_string()
        } else {
            format!("Wrong in {} of {} trials", self.wrong_trials, self.trials)
        };
        let whose = self.yours.as_ref().map_or(String::new(), |file| format!(" — your answer in {file}"));
        let _ = writeln!(
            out,
            "lab {:02} · {}{whose} · {} {what} × {} {}, on real hardware",
            self.lab,
            self.variant,
            self.threads,
            self.iters,
            lab.card().unit
        );
        for (i, t) in self.runs.iter().enumerate() {
            let verdict = match &t.wrong {
                _ if t.is_exact(self.expected) => "exact".to_string(),
                Some(why) if t.observed == self.expected => format!("wrong: {why}"),
                _ => lab.explain(t.observed, self.expected),
            };
            let _ = writeln!(
                out,
                "  trial {:>3}: expected {}, observed {} — {verdict} ({:.3} s)",
                i + 1,
                self.expected,
                t.observed,
                t.seconds
            );
        }
        if let Some(file) = &self.yours {
            let verify = format!("`cargo run -- verify {} {}`", self.lab, self.variant);
            let _ = if self.wrong_trials > 0 {
                writeln!(out, "{wrong}: {verify} shows why, pointing at your lines in {file}.")
            } else {
                writeln!(
                    out,
                    "Right {all} ({:.1} s). A run cannot prove your answer, though: {verify} checks every \
                     interleaving.",
                    self.seconds
                )
            };
        } else if self.wrong_trials > 0 {
            let _ = writeln!(
                out,
                "{wrong}. `cargo run -- check {} --variant {}` shows an interleaving that goes wrong.",
                self.lab, self.variant
            );
        } else if lab.variant(&self.variant).is_ok_and(|v| v.kind == Kind::Fix) {
            let _ = writeln!(
                out,
                "Exact {all}, as a fix must be. A run cannot prove a fix, though: \
                 `cargo run -- check {} --variant {}` explores every interleaving.",
                self.lab, self.variant
            );
        } else {
            let _ = writeln!(
                out,
                "Right {all} ({:.1} s) — this time. The race is still there: \
                 `cargo run -- check {} --variant {}` finds the interleaving that goes wrong.",
                self.seconds, self.lab, self.variant
            );
        }
        out
    }
}
