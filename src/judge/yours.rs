//! `cargo run -- run N --yours` and `cargo run -- bench N --yours`: the
//! learner's own answers on real threads (and processes), measured like the
//! reference fixes.
//!
//! The `racelab` binary never compiles `exercise.rs` (a half-written exercise
//! must not break it), so `--yours` builds the lab's exercise test target, as
//! `verify` does, and starts its ignored test `your_answers_for_real` with a
//! [`Request`] in [`REQUEST_ENV`]. That test calls [`Judge::serve_yours`](super::Judge::serve_yours),
//! which runs the request with the learner's functions and writes what the
//! learner reads (text, or one JSON document) to the file in [`OUT_ENV`].
//!
//! # Examples
//!
//! ```
//! use racelab::judge::yours::Request;
//!
//! let request = Request::Run { variant: "atomic".into(), threads: 2, iters: 1000, trials: Some(3), budget: 2.0, json: false };
//! let text = serde_json::to_string(&request).unwrap();
//! assert!(text.contains(r#""command":"run""#));
//! ```

use super::spec::{Learner, Spec};
use crate::bench::{self, Line};
use crate::lab::{Case, Kind, State};
use crate::runner::process::run_workers;
use crate::runner::{self, Observation, RunOptions};
use serde::{Deserialize, Serialize};
use std::path::PathBuf;
use std::time::Duration;

/// Set for the exercise test binary: the [`Request`] as JSON.
pub const REQUEST_ENV: &str = "RACELAB_YOURS";
/// Set for the exercise test binary: the file the answer is written to.
pub const OUT_ENV: &str = "RACELAB_YOURS_OUT";
/// The ignored test in every `tests/exercise_NN.rs` that serves requests.
pub const TEST: &str = "your_answers_for_real";

/// What to do with the learner's answers.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
#[serde(tag = "command", rename_all = "snake_case")]
pub enum Request {
    /// `run N --variant V --yours`: trials of one answer.
    Run {
        /// The exercise (a variant of the lab).
        variant: String,
        /// Threads (worker processes for `process`).
        threads: usize,
        /// Steps per thread.
        iters: u64,
        /// Exactly this many trials (default: until one goes wrong or `budget` is spent).
        trials: Option<usize>,
        /// Seconds to keep trying to see it go wrong.
        budget: f64,
        /// One JSON document instead of text.
        json: bool,
    },
    /// `bench N --yours`: every attempted answer beside the reference baseline.
    Bench {
        /// Thread counts.
        threads: Vec<usize>,
        /// Steps per thread.
        iters: u64,
        /// Trials per point.
        trials: usize,
        /// One JSON document instead of text.
        json: bool,
        /// An SVG to draw (an absolute path).
        plot: Option<PathBuf>,
    },
}

/// One JSON document, as `--json` prints it.
fn pretty(value: &impl Serialize) -> Result<String, String> {
    serde_json::to_string_pretty(value).map(|text| format!("{text}\n")).map_err(|e| e.to_string())
}

/// The label of a learner's line in a bench table.
fn yours(exercise: &str) -> String {
    format!("{exercise} (yours)")
}

/// Serves the [`Request`] in [`REQUEST_ENV`] with the learner's answers
/// (the ignored test `your_answers_for_real` of each exercise target).
pub(crate) fn serve<S: Spec>(spec: &'static S, learner: impl FnOnce() -> Learner<S::Real, S::Model>) {
    Yours(spec).serve_yours(learner)
}

/// What `request` prints with the learner's answers, or why it cannot run
/// (`tests/judge.rs` runs it on the course's first lab).
pub fn answer<S: Spec>(
    spec: &'static S,
    request: &Request,
    learner: &Learner<S::Real, S::Model>,
) -> Result<String, String> {
    Yours(spec).answer(request, learner)
}

/// A spec serving `--yours` requests.
struct Yours<S: 'static>(&'static S);

impl<S: Spec> Yours<S> {
    fn serve_yours(&self, learner: impl FnOnce() -> Learner<S::Real, S::Model>) {
        let Some(request) = std::env::var(REQUEST_ENV).ok().and_then(|r| serde_json::from_str::<Request>(&r).ok())
        else {
            panic!(
                "this test runs your answers for `cargo run -- run N --yours` and `bench N --yours`; start it that way"
            );
        };
        let text = self.answer(&request, &learner()).unwrap_or_else(|e| format!("error: {e}"));
        if let Some(path) = std::env::var_os(OUT_ENV) {
            if let Err(e) = std::fs::write(&path, text) {
                panic!("cannot write {}: {e}", path.to_string_lossy());
            }
        } else {
            print!("{text}");
        }
    }

    /// What `request` prints with the learner's answers, or why it cannot run.
    fn answer(&self, request: &Request, learner: &Learner<S::Real, S::Model>) -> Result<String, String> {
        match request.clone() {
            Request::Run { variant, threads, iters, trials, budget, json } => {
                let options = RunOptions {
                    threads,
                    iters,
                    trials,
                    budget: Duration::from_secs_f64(budget),
                    ..RunOptions::default()
                };
                self.run_yours(learner, &variant, &options, json)
            }
            Request::Bench { threads, iters, trials, json, plot } => {
                let options = RunOptions { threads: 1, iters, trials: Some(trials), ..RunOptions::default() };
                self.bench_yours(learner, &threads, &options, json, plot)
            }
        }
    }

    /// `Err` when exercise `variant` is still `todo!()`, or wrong on one
    /// thread (its sequential check, in loom: a self-deadlock is found there,
    /// not left to hang real threads).
    fn attempted(&self, learner: &Learner<S::Real, S::Model>, variant: &str) -> Result<(), String> {
        let number = self.0.lab().number();
        match self.0.sequential(variant, &learner.real, &learner.model) {
            Ok(()) => Ok(()),
            Err(super::sequential::Sequential::NotAttempted(at)) => {
                Err(format!("`{variant}` is still `todo!()`{at}: write it first"))
            }
            // The checker could not model it; real threads can run it.
            Err(super::sequential::Sequential::NotJudged(_)) => Ok(()),
            Err(super::sequential::Sequential::Logic(why)) => Err(format!(
                "your `{variant}` goes wrong even on one thread, so it is not run on many: {why} \
                 (`cargo run -- verify {number} {variant}` says more)"
            )),
        }
    }

    /// One trial of exercise `variant` with the learner's answer: its value,
    /// and the lab's verdict on its whole result.
    fn your_trial(
        &self,
        learner: &Learner<S::Real, S::Model>,
        variant: &str,
        options: &RunOptions,
    ) -> Result<Observation, String> {
        let lab = self.0.lab();
        let mut case = Case::new(options.threads, options.iters);
        let state: State = if variant == "process" {
            let worker = learner.worker.as_ref().ok_or("cannot start your worker in worker processes")?;
            let jobs = lab.jobs(options.threads, options.iters);
            let reports = run_workers(worker, &jobs, options.worker_timeout).map_err(|e| e.to_string())?;
            case.jobs = Some(jobs);
            self.0.combine(&learner.real, &reports)
        } else {
            let (spec, real) = (self.0, learner.real);
            let ran = crate::check::quietly_catch(|| spec.run_real(variant, &real, &case));
            match ran {
                Ok(state) => state.ok_or_else(|| format!("lab {} has no exercise `{variant}`", lab.number()))?,
                Err((message, at)) => return Err(format!("your `{variant}` panicked{at}: {message}")),
            }
        };
        Ok(Observation { value: state.value(), wrong: lab.judge(&case, &state).err() })
    }

    fn source_path(&self, learner: &Learner<S::Real, S::Model>) -> String {
        learner.source.map_or_else(|| format!("lab {}'s exercise", self.0.lab().number()), |s| s.path.to_string())
    }

    fn run_yours(
        &self,
        learner: &Learner<S::Real, S::Model>,
        variant: &str,
        options: &RunOptions,
        json: bool,
    ) -> Result<String, String> {
        let lab = self.0.lab();
        let names: Vec<&str> = self.0.exercises().iter().map(|e| e.name).collect();
        if !names.contains(&variant) {
            return Err(format!(
                "lab {} has no exercise `{variant}`: --yours runs one of {}",
                lab.number(),
                names.join(", ")
            ));
        }
        self.attempted(learner, variant)?;
        // A learner's answer may be wrong: repeat until it is seen wrong, or the budget is spent.
        let mut trial = |o: &RunOptions| self.your_trial(learner, variant, o);
        let mut report = runner::run_with(lab, variant, options, true, &mut trial, |_, _| {})?;
        report.yours = Some(self.source_path(learner));
        if json { pretty(&report) } else { Ok(report.render(lab)) }
    }

    fn bench_yours(
        &self,
        learner: &Learner<S::Real, S::Model>,
        threads: &[usize],
        options: &RunOptions,
        json: bool,
        plot: Option<PathBuf>,
    ) -> Result<String, String> {
        let lab = self.0.lab();
        // The reference baseline (and the racy version, for scale), then each answer written so far.
        let baseline = bench::default_baseline(lab);
        let mut skipped = Vec::new();
        let probe = RunOptions { threads: 1, iters: 1, ..options.clone() };
        let mut lines = Vec::new();
        for line in bench::reference_lines(lab).into_iter().filter(|l| l.variant == baseline || l.kind == Kind::Racy) {
            // Lab 04 runs its reference variants in worker processes of the racelab binary,
            // which the exercise's test binary cannot start.
            match runner::trial(lab, line.variant, &probe) {
                Ok(_) => lines.push(line),
                Err(_) => skipped.push(format!(
                    "  the reference `{}`: it runs in the racelab binary's worker processes; `cargo run -- bench {}` \
                     measures it",
                    line.label,
                    lab.number()
                )),
            }
        }
        let reference: Vec<String> = lines.iter().map(|l| format!("`{}`", l.label)).collect();
        for exercise in self.0.exercises().iter().map(|e| e.name) {
            match self.attempted(learner, exercise) {
                Ok(_) => lines.push(Line { label: yours(exercise), variant: exercise, kind: Kind::Fix }),
                Err(why) => skipped.push(format!("  {exercise}: {why}")),
            }
        }
        if lines.iter().all(|l| !l.label.ends_with("(yours)")) {
            return Err(format!("none of your answers runs yet:\n{}", skipped.join("\n")));
        }
        let mut trial = |line: &Line, o: &RunOptions| {
            if line.label.ends_with("(yours)") {
                self.your_trial(learner, line.variant, o)
            } else {
                runner::trial(lab, line.variant, o)
            }
        };
        // Ratios against the reference baseline, else against the learner's answer to the same exercise.
        let baseline = if lines.iter().any(|l| l.label == baseline) { baseline.to_string() } else { yours(baseline) };
        let measured = bench::run_lines(lab, options, threads, &baseline, &lines, &mut trial, |_, _| {})?;
        if let Some(path) = &plot {
            measured.plot(path)?;
        }
        if json {
            return pretty(&measured);
        }
        let beside = if reference.is_empty() {
            String::new()
        } else {
            format!(" beside the reference {}", reference.join(" and "))
        };
        let mut text = format!("Your answers in {}{beside}.\n", self.source_path(learner));
        text.push_str(&measured.render());
        if !skipped.is_empty() {
            text.push_str(&format!("Not measured:\n{}\n", skipped.join("\n")));
        }
        Ok(text)
    }
}
