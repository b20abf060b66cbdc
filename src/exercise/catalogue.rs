//! The judge's own tests: each lab's catalogue of learner answers, run through
//! the very checks `racelab verify` runs.
//!
//! A judge that calls a wrong answer right teaches the wrong thing with
//! authority, so every lab ships plausible *wrong* answers (split critical
//! sections, load-then-store, a one-shot or spuriously-failing CAS, `try_lock`
//! and give up, a worker or `combine` right only for equal jobs, an observer
//! that looks twice, off-by-one on capacity, …) and unusual *right* ones. The
//! answers are in `src/exercise/answers/NN_slug.rs`, compiled for both
//! backends like the labs. `cargo test --test judge` asserts that every wrong
//! one is rejected and every right one accepted; `racelab dev check` prints
//! the kill rate per lab.
//!
//! # Examples
//!
//! ```
//! let answers = racelab::exercise::catalogue::answers(1);
//! assert!(answers.iter().filter(|a| !a.right).count() >= 10);
//! assert!(answers.iter().filter(|a| a.right).count() >= 5);
//! ```

use super::{
    Learner, Outcome, Signature, check_then_act, contention, gil, invariant, lost_update, message_passing, processes,
};
use crate::course::Status;
use crate::labs::{model, real};
use crate::runner::process::WorkerCommand;
use serde::{Deserialize, Serialize};
use std::time::{Duration, Instant};

/// One catalogued answer, without its code.
#[derive(Clone, Copy, Debug)]
pub struct Entry {
    /// Its name.
    pub name: &'static str,
    /// The exercise it answers.
    pub exercise: &'static str,
    /// `true` if the judge must accept it.
    pub right: bool,
}

/// The catalogue of lab `lab` (empty for a lab without one).
pub fn answers(lab: u8) -> Vec<Entry> {
    fn entries<F>(list: Vec<crate::labs::Answer<F>>) -> Vec<Entry> {
        list.into_iter().map(|a| Entry { name: a.name, exercise: a.exercise, right: a.right }).collect()
    }
    match lab {
        1 => entries(real::answers_lost_update::catalogue()),
        2 => entries(real::answers_check_then_act::catalogue()),
        3 => entries(real::answers_invariant::catalogue()),
        4 => entries(real::answers_processes::catalogue()),
        5 => entries(real::answers_message_passing::catalogue()),
        6 => entries(real::answers_contention::catalogue()),
        7 => entries(real::answers_gil::catalogue()),
        _ => Vec::new(),
    }
}

/// The source of lab `lab`'s catalogue: each answer's doc comment is what a
/// learner is told when their answer behaves like it.
fn source(lab: u8) -> &'static str {
    match lab {
        1 => include_str!("answers/01_lost_update.rs"),
        2 => include_str!("answers/02_check_then_act.rs"),
        3 => include_str!("answers/03_invariant.rs"),
        4 => include_str!("answers/04_processes.rs"),
        5 => include_str!("answers/05_message_passing.rs"),
        6 => include_str!("answers/06_contention.rs"),
        7 => include_str!("answers/07_gil.rs"),
        _ => "",
    }
}

/// What is wrong with catalogued answer `name` of lab `lab`: the doc comment
/// of its function (`fn name`), on one line.
///
/// ```
/// let why = racelab::exercise::catalogue::explanation(1, "split_lock").unwrap();
/// assert!(why.starts_with("Locks to read, unlocks, locks again to write"));
/// ```
pub fn explanation(lab: u8, name: &str) -> Option<String> {
    let lines: Vec<&str> = source(lab).lines().collect();
    let at =
        lines.iter().position(|l| l.starts_with(&format!("fn {name}(")) || l.starts_with(&format!("fn {name}<")))?;
    let docs: Vec<&str> = lines[..at]
        .iter()
        .rev()
        .take_while(|l| l.starts_with("///") || l.starts_with("#["))
        .filter_map(|l| l.strip_prefix("///"))
        .map(str::trim)
        .collect();
    let text = docs.into_iter().rev().collect::<Vec<_>>().join(" ");
    (!text.is_empty()).then_some(text)
}

/// How closely a learner's failure matches a catalogued mistake.
#[derive(Clone, Copy, Debug, Serialize, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
pub enum Likeness {
    /// The same check fails the same way, and the same operations were done
    /// in the same order (loom's failing schedule, or the one-thread run).
    SameSteps,
    /// The same check of functions that touch no shared memory (a `worker`,
    /// a `combine`) fails with the same message, and no other catalogued
    /// mistake does.
    SameCheck,
}

/// A catalogued mistake that a learner's failing answer behaves like.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq, Eq)]
pub struct Resemblance {
    /// The catalogued answer's name, e.g. `split_lock`.
    pub name: String,
    /// What is wrong with it, from its doc comment.
    pub why: String,
    /// How closely it matches.
    pub likeness: Likeness,
}

impl Resemblance {
    /// One line for the learner.
    ///
    /// ```
    /// use racelab::exercise::catalogue::{Likeness, Resemblance};
    /// let r = Resemblance { name: "split_lock".into(), why: "The gap is unlocked.".into(), likeness: Likeness::SameSteps };
    /// assert_eq!(r.line(), "this is a mistake the course knows, `split_lock`: The gap is unlocked.");
    /// ```
    pub fn line(&self) -> String {
        let (name, why) = (&self.name, &self.why);
        match self.likeness {
            Likeness::SameSteps => format!("this is a mistake the course knows, `{name}`: {why}"),
            Likeness::SameCheck => format!("it fails the same check as a mistake the course knows, `{name}`: {why}"),
        }
    }
}

/// The catalogued mistakes that fail like `signature`: the same check
/// failing the same way with the same operations in the same order; for
/// functions that touch no shared memory (no operations to compare), the
/// same message from exactly one catalogued mistake. Results alone (the same
/// final states by other steps) name nothing: several unlike mistakes share
/// them, and naming the wrong one would teach the wrong fix.
///
/// `candidates` are catalogued wrong answers with the signature the judge
/// gave each.
pub fn closest(lab: u8, signature: &Signature, candidates: &[(Entry, Signature)]) -> Vec<Resemblance> {
    let same: Vec<&Entry> = candidates
        .iter()
        .filter(|(_, s)| s.behaviour == signature.behaviour && s.shape == signature.shape)
        .map(|(e, _)| e)
        .collect();
    let likeness = if signature.shape.is_empty() { Likeness::SameCheck } else { Likeness::SameSteps };
    if likeness == Likeness::SameCheck && same.len() != 1 {
        return Vec::new();
    }
    same.into_iter()
        .map(|e| Resemblance { name: e.name.to_string(), why: explanation(lab, e.name).unwrap_or_default(), likeness })
        .collect()
}

/// How long naming a learner's mistake may take: it runs after the verdict
/// is recorded, inside the judge's own time limit.
pub const NAMING_BUDGET: Duration = Duration::from_secs(12);

/// The catalogued mistakes of lab `lab`'s `exercise` that a learner's
/// failure with `signature` behaves like: each catalogued wrong answer to
/// the same exercise is judged again (within [`NAMING_BUDGET`]) and its
/// signature compared (see [`closest`]).
pub fn resembling(lab: u8, exercise: &str, signature: &Signature) -> Vec<Resemblance> {
    let started = Instant::now();
    let mut candidates = Vec::new();
    for entry in answers(lab).into_iter().filter(|e| !e.right && e.exercise == exercise) {
        if started.elapsed() > NAMING_BUDGET {
            break;
        }
        if let Some(found) = judge(lab, entry.name, None).and_then(|v| v.outcome.signature) {
            candidates.push((entry, *found));
        }
    }
    closest(lab, signature, &candidates)
}

/// The verdict on one catalogued answer.
#[derive(Clone, Debug)]
pub struct Verdict {
    /// The answer.
    pub entry: Entry,
    /// What the judge said.
    pub outcome: Outcome,
}

impl Verdict {
    /// `true` when the judge got it right: a wrong answer rejected, a right one accepted.
    ///
    /// A right answer that loom could not finish within its time budget (an
    /// expensive one, on a busy machine) got no verdict, not a wrong one: the
    /// learner is told it was not judged, and an earlier "solved" stands.
    pub fn judged_correctly(&self) -> bool {
        if self.entry.right && self.outcome.inconclusive {
            return true;
        }
        (self.outcome.status == Status::Solved) == self.entry.right
    }
}

/// Runs lab `lab`'s answer `name` through the judge. `worker` starts a worker
/// process running that answer's worker (for the process exercise).
pub fn judge(lab: u8, name: &str, worker: Option<WorkerCommand>) -> Option<Verdict> {
    macro_rules! run {
        ($suite:path, $answers:ident) => {{
            let reals = real::$answers::catalogue();
            let models = model::$answers::catalogue();
            let i = reals.iter().position(|a| a.name == name)?;
            let (r, m) = (reals[i], models[i]);
            let learner = Learner { real: r.fixes, model: m.fixes, worker, source: None };
            let entry = Entry { name: r.name, exercise: r.exercise, right: r.right };
            Some(Verdict { entry, outcome: $suite.check(r.exercise, &learner) })
        }};
    }
    match lab {
        1 => run!(lost_update::SUITE, answers_lost_update),
        2 => run!(check_then_act::SUITE, answers_check_then_act),
        3 => run!(invariant::SUITE, answers_invariant),
        4 => run!(processes::SUITE, answers_processes),
        5 => run!(message_passing::SUITE, answers_message_passing),
        6 => run!(contention::SUITE, answers_contention),
        7 => run!(gil::SUITE, answers_gil),
        _ => None,
    }
}

/// What a catalogued answer's worker reports for `job`, in a worker process.
pub fn worker_report(lab: u8, name: &str, job: &[u64]) -> Option<u64> {
    let arg = |i: usize| job.get(i).copied().unwrap_or(0);
    match lab {
        1 => real::answers_lost_update::catalogue()
            .into_iter()
            .find(|a| a.name == name)
            .map(|a| (a.fixes.worker)(arg(0))),
        2 => real::answers_check_then_act::catalogue()
            .into_iter()
            .find(|a| a.name == name)
            .map(|a| (a.fixes.worker)(arg(0), arg(1))),
        3 => {
            real::answers_invariant::catalogue().into_iter().find(|a| a.name == name).map(|a| (a.fixes.worker)(arg(0)))
        }
        4 => {
            real::answers_processes::catalogue().into_iter().find(|a| a.name == name).map(|a| (a.fixes.worker)(arg(0)))
        }
        6 => {
            real::answers_contention::catalogue().into_iter().find(|a| a.name == name).map(|a| (a.fixes.worker)(arg(0)))
        }
        7 => real::answers_gil::catalogue().into_iter().find(|a| a.name == name).map(|a| (a.fixes.worker)(arg(0))),
        _ => None,
    }
}
