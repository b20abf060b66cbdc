//! The judge's own tests: each lab's catalogue of learner answers, run through
//! the very checks `racelab verify` runs.
//!
//! A judge that calls a wrong answer right teaches the wrong thing with
//! authority, so every lab ships plausible *wrong* answers (split critical
//! sections, load-then-store, a one-shot or spuriously-failing CAS, `try_lock`
//! and give up, a worker or `combine` right only for equal jobs, an observer
//! that looks twice, off-by-one on capacity, …) and unusual *right* ones. The
//! answers are in each lab's `labs/NN_slug/answers.rs`, compiled for both
//! backends like the lab's reference code. `cargo test --test judge` asserts
//! that every wrong one is rejected and every right one accepted;
//! `racelab dev check` prints the kill rate per lab.
//!
//! # Examples
//!
//! ```
//! let answers = racelab::labs::exercises(1).unwrap().catalogue();
//! assert!(answers.iter().filter(|a| !a.right).count() >= 10);
//! assert!(answers.iter().filter(|a| a.right).count() >= 5);
//! ```

use super::outcome::{Likeness, Outcome, Resemblance, Signature, Status};
use super::pipeline;
use super::spec::{Learner, Spec};
use crate::runner::process::WorkerCommand;
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

/// What is wrong with catalogued answer `name`, from the catalogue's source
/// `answers`: the doc comment of its function (`fn name`), on one line.
///
/// ```
/// let answers = "/// Locks to read, unlocks,\n/// locks again to write.\nfn split_lock() {}\n";
/// let why = racelab::judge::catalogue::explanation_in(answers, "split_lock").unwrap();
/// assert_eq!(why, "Locks to read, unlocks, locks again to write.");
/// let answers = "/// Sells in `u32`s (a reviewer's answer, once solved): wrong past 2^32.\nfn narrow() {}\n";
/// assert_eq!(racelab::judge::catalogue::explanation_in(answers, "narrow").unwrap(), "Sells in `u32`s: wrong past 2^32.");
/// let answers = "/// Awaits between the read and the write.\nasync fn await_between() {}\n";
/// assert!(racelab::judge::catalogue::explanation_in(answers, "await_between").is_some());
/// ```
pub fn explanation_in(answers: &str, name: &str) -> Option<String> {
    let lines: Vec<&str> = answers.lines().collect();
    let at = lines.iter().position(|l| {
        let l = l.strip_prefix("async ").unwrap_or(l);
        l.starts_with(&format!("fn {name}(")) || l.starts_with(&format!("fn {name}<"))
    })?;
    let docs: Vec<&str> = lines[..at]
        .iter()
        .rev()
        .take_while(|l| l.starts_with("///") || l.starts_with("#["))
        .filter_map(|l| l.strip_prefix("///"))
        .map(str::trim)
        .collect();
    let text = without_maintainers_notes(&docs.into_iter().rev().collect::<Vec<_>>().join(" "));
    (!text.is_empty()).then_some(text)
}

/// `text` without the notes a catalogue keeps for its maintainers — a
/// parenthesis that says where an answer came from ("(a reviewer's answer, once
/// solved)"): a learner told "this is a mistake the course knows" reads the rest.
fn without_maintainers_notes(text: &str) -> String {
    let mut kept = String::new();
    let mut rest = text;
    while let Some(open) = rest.find(" (") {
        let Some(close) = rest[open..].find(')') else { break };
        let note = &rest[open..open + close + 1];
        kept.push_str(&rest[..open]);
        if !(note.contains("reviewer") || note.contains("once solved")) {
            kept.push_str(note);
        }
        rest = &rest[open + close + 1..];
    }
    kept.push_str(rest);
    kept
}

/// The catalogued mistakes that fail like `signature`: the same check
/// failing the same way with the same operations in the same order; for
/// functions that touch no shared memory (no operations to compare), the
/// same message from exactly one catalogued mistake. Results alone (the same
/// final states by other steps) name nothing: several unlike mistakes share
/// them, and naming the wrong one would teach the wrong fix.
///
/// `answers` is the catalogue's source (whose doc comments explain each
/// answer); `candidates` are catalogued wrong answers with the signature the
/// judge gave each.
pub fn closest(answers: &str, signature: &Signature, candidates: &[(Entry, Signature)]) -> Vec<Resemblance> {
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
        .map(|e| Resemblance {
            name: e.name.to_string(),
            why: explanation_in(answers, e.name).unwrap_or_default(),
            likeness,
        })
        .collect()
}

/// How long naming a learner's mistake may take: it runs after the verdict
/// is recorded, inside the judge's own time limit.
pub const NAMING_BUDGET: Duration = Duration::from_secs(12);

/// The catalogued mistakes of `exercise` that a learner's failure with
/// `signature` behaves like: each catalogued wrong answer to the same
/// exercise is judged again (within [`NAMING_BUDGET`]) and its signature
/// compared (see [`closest`]).
///
/// The signatures are read first from the lab's `signatures.json` (computed by
/// `cargo test --test judge`, which fails when it is stale): naming then takes
/// no time. Only when none matches are the answers missing there, or failing the
/// same check in another schedule, judged again here.
pub fn resembling<S: Spec>(spec: &'static S, exercise: &str, signature: &Signature) -> Vec<Resemblance> {
    let started = Instant::now();
    let stored = stored_signatures(spec.catalogue_signatures());
    let wrong: Vec<Entry> = entries(spec).into_iter().filter(|e| !e.right && e.exercise == exercise).collect();
    let from_store: Vec<(Entry, Signature)> =
        wrong.iter().filter_map(|e| stored.get(e.name).map(|s| (*e, s.clone()))).collect();
    let named = closest(spec.catalogue_source(), signature, &from_store);
    if !named.is_empty() {
        return named;
    }
    // Judged again: answers not stored, and those that failed the same check
    // in a schedule whose length depends on the process (a shard picked by
    // thread id): the same mistake, seen again here.
    let mut candidates = Vec::new();
    for entry in wrong {
        let again = stored.get(entry.name).is_none_or(|s| s.behaviour == signature.behaviour);
        if !again || started.elapsed() > NAMING_BUDGET {
            continue;
        }
        if let Some(found) = judge_answer(spec, entry.name, None).and_then(|v| v.outcome.signature) {
            candidates.push((entry, *found));
        }
    }
    closest(spec.catalogue_source(), signature, &candidates)
}

/// The catalogued wrong answers' signatures as a lab stores them
/// (`signatures.json`: answer name → signature); empty when unreadable.
pub fn stored_signatures(json: &str) -> std::collections::BTreeMap<String, Signature> {
    serde_json::from_str(json).unwrap_or_default()
}

/// The text of a `signatures.json` holding `signatures`, as `cargo test --test judge` writes it.
pub fn signatures_json(signatures: &std::collections::BTreeMap<String, Signature>) -> String {
    serde_json::to_string_pretty(signatures).map(|text| format!("{text}\n")).unwrap_or_default()
}

/// The catalogue of `spec`'s lab, without its code.
pub fn entries<S: Spec>(spec: &S) -> Vec<Entry> {
    let (real, _) = spec.catalogue();
    real.into_iter().map(|a| Entry { name: a.name, exercise: a.exercise, right: a.right }).collect()
}

/// Runs catalogued answer `name` through the judge (in this process); `worker`
/// starts a worker process running that answer's worker (for the process exercise).
pub fn judge_answer<S: Spec>(spec: &'static S, name: &str, worker: Option<WorkerCommand>) -> Option<Verdict> {
    let (reals, models) = spec.catalogue();
    let i = reals.iter().position(|a| a.name == name)?;
    let (r, m) = (reals[i], models[i]);
    let learner = Learner { real: r.fixes, model: m.fixes, worker, source: None };
    let entry = Entry { name: r.name, exercise: r.exercise, right: r.right };
    // The answer's code is read as a learner's file is (the answer is the function of its
    // name, and what that calls): the rivals' patience, the counts past 2^32.
    pipeline::judge_as_written(&super::Reading::of(spec.catalogue_source()), &[name]);
    let outcome = pipeline::check(spec, r.exercise, &learner);
    pipeline::judge_as_written(&super::Reading::default(), &[]);
    Some(Verdict { entry, outcome })
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
