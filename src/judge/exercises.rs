//! The judge's two faces, on top of every other file of the room:
//!
//! * [`Judge`]: a lab's typed entry points — `check`, `judge` (in a process of
//!   its own), `serve_yours` — used by each `exercise_tests.rs` and the lab's tests;
//! * [`Exercises`]: the same lab without its types, as the registry hands it to
//!   `verify`, `list`, `dev check` and the catalogue's tests.
//!
//! Both are implemented for every [`Spec`]: a lab implements `Spec` only.

use super::catalogue::{self, Entry, Verdict};
use super::channel;
use super::isolate::{self, record_child_outcome, record_child_resemblances, stage};
use super::outcome::{Outcome, Resemblance, Signature, Status};
use super::pipeline::{self, function_names};
use super::source::Source;
use super::spec::{Exercise, Learner, Spec, others_of};
use super::yours;
use crate::lab::Lab;
use crate::runner::process::WorkerCommand;
use std::time::Duration;

/// The judge's typed entry points, for every [`Spec`].
pub trait Judge: Spec + Sized {
    /// Judges one exercise, in this process (see [`judge`](Judge::judge) for the isolated form).
    fn check(&'static self, exercise: &str, learner: &Learner<Self::Real, Self::Model>) -> Outcome {
        pipeline::check(self, exercise, learner)
    }

    /// Judges one exercise in a process of its own, under the judge's time
    /// limit (see [`isolate`]).
    ///
    /// Called from the test named `test_name` in the lab's `exercise_tests.rs`.
    fn judge(
        &'static self,
        exercise: &str,
        test_name: &str,
        learner: impl FnOnce() -> Learner<Self::Real, Self::Model>,
    ) -> Outcome {
        self.judge_within(exercise, test_name, isolate::time_limit(), learner)
    }

    /// Like [`judge`](Judge::judge), with a time limit of `limit`.
    ///
    /// The test binary is started again, filtered to the test `test_name`,
    /// with [`isolate::CHILD_ENV`] set; that child runs [`check`](Judge::check)
    /// and writes its outcome to a file. A crash (an abort, a stack overflow)
    /// or a time-out of the child becomes an *inconclusive* failing outcome that
    /// names the stage it was in, and never downgrades earned progress.
    fn judge_within(
        &'static self,
        exercise: &str,
        test_name: &str,
        limit: Duration,
        learner: impl FnOnce() -> Learner<Self::Real, Self::Model>,
    ) -> Outcome {
        if isolate::is_child_for(exercise) {
            // Before any of the learner's code runs: the channel is closed on exec, so
            // no process started from here (a worker) inherits it.
            let _ = channel::writer(channel::JUDGE_CHANNEL);
            let mut outcome = self.check(exercise, &learner());
            record_child_outcome(&outcome);
            // The verdict is sent; now, time allowing, name the catalogued
            // mistake it behaves like (the names never change the verdict).
            if let Some(signature) = outcome.signature.as_ref().filter(|_| outcome.status == Status::Failing) {
                stage("comparing with the mistakes the course knows");
                outcome.resembles = catalogue::resembling(self, exercise, signature);
                if !outcome.resembles.is_empty() {
                    record_child_resemblances(&outcome.resembles);
                }
            }
            return outcome;
        }
        let mut outcome =
            isolate::judge_in_child(self.lab().number(), exercise, test_name, &function_names(self, exercise), limit);
        if outcome.code.is_none() && !outcome.inconclusive {
            // A verdict the child could not send itself (its stack or its memory ran out, see
            // `isolate`) is for the code it ran: this build's, which `verify` compares with the file.
            let others = super::spec::others_of(self.exercises(), exercise);
            outcome.code = learner().source.map(|source| source.fingerprint_without(&others).into());
        }
        outcome
    }

    /// Serves `run N --yours` and `bench N --yours` with the learner's answers
    /// (the ignored test `your_answers_for_real` of each exercise target).
    fn serve_yours(&'static self, learner: impl FnOnce() -> Learner<Self::Real, Self::Model>) {
        yours::serve(self, learner)
    }
}

impl<S: Spec> Judge for S {}

/// A lab's exercises without their types: what the registry hands to
/// `verify`, `list`, `dev check` and the catalogue's tests. Every [`Spec`] is one.
pub trait Exercises: Sync {
    /// The lab.
    fn lab(&self) -> &'static dyn Lab;

    /// The exercises, in order.
    fn list(&self) -> &'static [Exercise];

    /// Checks the reference solution of one exercise (the instructor's dev check);
    /// `worker` starts a worker process running the solution's `worker`.
    fn check_solution(&'static self, exercise: &str, worker: Option<WorkerCommand>) -> Outcome;

    /// The catalogue of learner answers, without their code.
    fn catalogue(&self) -> Vec<Entry>;

    /// Runs catalogued answer `name` through the judge; `worker` starts a worker
    /// process running that answer's worker (for the process exercise).
    fn judge_answer(&'static self, name: &str, worker: Option<WorkerCommand>) -> Option<Verdict>;

    /// What catalogued answer `name`'s worker reports for `job`, in a worker process.
    fn answer_report(&self, name: &str, job: &[u64]) -> Option<u64>;

    /// What is wrong with catalogued answer `name`: its doc comment, on one line.
    fn explanation(&self, name: &str) -> Option<String>;

    /// The catalogue's source, `answers.rs`, whose doc comments explain each answer.
    fn answers_text(&self) -> &'static str;

    /// The stored signatures of the catalogued wrong answers (`signatures.json`).
    fn signatures_text(&self) -> &'static str;

    /// The names of the exercises, in order.
    fn names(&self) -> Vec<&'static str> {
        self.list().iter().map(|e| e.name).collect()
    }

    /// The fingerprint of `exercise`'s code in the exercise file `text`
    /// ([`Source::fingerprint_without`]): what a "solved" is kept for.
    ///
    /// ```
    /// let lab = racelab::labs::exercises(1).unwrap();
    /// let path = format!("{}/labs/{}/solution.rs", env!("CARGO_MANIFEST_DIR"), lab.lab().folder());
    /// let file = std::fs::read_to_string(path).unwrap();
    /// let edited = file.replace("reports.iter().sum()", "reports.iter().sum::<u64>()");
    /// let code = |text: &str, exercise| lab.code_fingerprint(exercise, text);
    /// assert_eq!(code(&file, "mutex"), code(&edited, "mutex"), "combine is not mutex's code");
    /// assert_ne!(code(&file, "process"), code(&edited, "process"));
    /// ```
    fn code_fingerprint(&self, exercise: &str, text: &str) -> String {
        Source { path: "", text }.fingerprint_without(&others_of(self.list(), exercise))
    }

    /// The catalogued mistakes of `exercise` that a learner's failure with
    /// `signature` behaves like (see [`catalogue::resembling`]).
    fn resembling(&'static self, exercise: &str, signature: &Signature) -> Vec<Resemblance>;
}

impl<S: Spec> Exercises for S {
    fn lab(&self) -> &'static dyn Lab {
        Spec::lab(self)
    }

    fn list(&self) -> &'static [Exercise] {
        self.exercises()
    }

    fn check_solution(&'static self, exercise: &str, worker: Option<WorkerCommand>) -> Outcome {
        // Judged as `verify` judges the solution copied into the exercise file: its code read
        // for the rivals' patience and whether counts past 2^32 are worth running. Without
        // the file the judge assumes the worst: lab 03's owner, which applies transfers one
        // unit at a time, ran totals past 2^32 for 17 s instead of a fraction of a second.
        let source = Source { path: "solution.rs", text: self.solution_source() };
        pipeline::check(self, exercise, &Learner { source: Some(source), ..self.solution(worker) })
    }

    fn catalogue(&self) -> Vec<Entry> {
        catalogue::entries(self)
    }

    fn judge_answer(&'static self, name: &str, worker: Option<WorkerCommand>) -> Option<Verdict> {
        catalogue::judge_answer(self, name, worker)
    }

    fn answer_report(&self, name: &str, job: &[u64]) -> Option<u64> {
        let (reals, _) = Spec::catalogue(self);
        let answer = reals.into_iter().find(|a| a.name == name)?;
        self.report(&answer.fixes, job)
    }

    fn explanation(&self, name: &str) -> Option<String> {
        catalogue::explanation_in(self.catalogue_source(), name)
    }

    fn answers_text(&self) -> &'static str {
        self.catalogue_source()
    }

    fn signatures_text(&self) -> &'static str {
        self.catalogue_signatures()
    }

    fn resembling(&'static self, exercise: &str, signature: &Signature) -> Vec<Resemblance> {
        catalogue::resembling(self, exercise, signature)
    }
}

/// Every (lab, answer) of `labs` as indices, in the order to judge them: likely slow first
/// (right answers, and those whose stored verdict came after an exhaustive loom stage), so
/// that the last answers to finish are quick ones.
pub(crate) fn catalogue_queue(labs: &[&'static dyn Exercises]) -> Vec<(usize, usize)> {
    let mut queue: Vec<(usize, usize, bool)> = Vec::new();
    for (l, lab) in labs.iter().enumerate() {
        let stored = catalogue::stored_signatures(lab.signatures_text());
        for (a, entry) in lab.catalogue().iter().enumerate() {
            let explored = stored
                .get(entry.name)
                .is_some_and(|s| s.behaviour.starts_with("loom could not") || s.behaviour.starts_with("loom passed"));
            queue.push((l, a, entry.right || explored));
        }
    }
    queue.sort_by_key(|&(_, _, slow)| !slow);
    queue.into_iter().map(|(l, a, _)| (l, a)).collect()
}

/// Judges answer `a` of lab `l` of `labs`; a panic of the judge, or no such answer, is an `Err`.
pub(crate) fn judge_one(
    labs: &[&'static dyn Exercises],
    l: usize,
    a: usize,
    worker: &(dyn Fn(&'static dyn Exercises, &Entry) -> Option<WorkerCommand> + Sync),
) -> Result<Verdict, String> {
    let lab = labs[l];
    let entry = lab.catalogue()[a];
    let verdict =
        std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| lab.judge_answer(entry.name, worker(lab, &entry))));
    match verdict {
        Ok(Some(v)) => Ok(v),
        Ok(None) => Err(format!("lab {:02} has no answer `{}`", lab.lab().number(), entry.name)),
        Err(payload) => Err(format!(
            "lab {:02} {}: the judge panicked: {}",
            lab.lab().number(),
            entry.name,
            crate::trace::panic_message(&*payload)
        )),
    }
}

/// Verdicts as (lab, answer, verdict) in any order, as each lab's list in catalogue order.
pub(crate) fn by_lab(
    labs: &[&'static dyn Exercises],
    judged: Vec<(usize, usize, Result<Verdict, String>)>,
) -> Vec<Vec<Result<Verdict, String>>> {
    let mut by_lab: Vec<Vec<(usize, Result<Verdict, String>)>> = labs.iter().map(|_| Vec::new()).collect();
    for (l, a, verdict) in judged {
        by_lab[l].push((a, verdict));
    }
    by_lab
        .into_iter()
        .map(|mut verdicts| {
            verdicts.sort_by_key(|(a, _)| *a);
            verdicts.into_iter().map(|(_, v)| v).collect()
        })
        .collect()
}
