//! What the judge says about one exercise: an [`Outcome`] with its [`Status`],
//! and the [`Signature`] that compares a failure with the catalogued mistakes.

use super::channel::{self, VERIFY_CHANNEL};
use crate::check::CheckError;
use serde::{Deserialize, Serialize};

/// Where a learner stands on one exercise.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    /// Still `todo!()`.
    #[default]
    NotAttempted,
    /// Attempted, and a check rejects it (or it does not compile).
    Failing,
    /// Every check passes.
    Solved,
    /// Attempted, and its code uses something the judge cannot judge (with
    /// the line, the reason and how to rewrite it): no check ran.
    Refused,
}

impl Status {
    /// How `list` and `verify` show it.
    pub fn label(self) -> &'static str {
        match self {
            Status::NotAttempted => "not attempted",
            Status::Failing => "failing",
            Status::Solved => "solved",
            Status::Refused => "refused",
        }
    }

    /// A one-character mark.
    pub fn mark(self) -> &'static str {
        match self {
            Status::NotAttempted => "·",
            Status::Failing => "✗",
            Status::Solved => "✓",
            Status::Refused => "⊘",
        }
    }
}

/// The result of checking one exercise.
#[derive(Clone, Debug, Default, Serialize, Deserialize, PartialEq, Eq)]
pub struct Outcome {
    /// Lab number.
    pub lab: u8,
    /// Exercise name (as in the lab's `info.toml`).
    pub exercise: String,
    /// Not attempted, failing, or solved.
    pub status: Status,
    /// One line: what passed, or the first thing that failed.
    pub summary: String,
    /// The full report of a failure (a failing schedule, a counterexample).
    pub details: String,
    /// `true` when no verdict was reached (the check crashed, timed out or was
    /// interrupted): such an outcome must never downgrade an earned "solved".
    #[serde(default)]
    pub inconclusive: bool,
    /// How the failure behaved, to compare with the catalogued mistakes (see [`Signature`]).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub signature: Option<Box<Signature>>,
    /// The catalogued mistakes this failure behaves like (see [`resembling`](super::catalogue::resembling)).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub resembles: Vec<Resemblance>,
    /// A fingerprint of the code judged ([`Source::fingerprint_without`](super::Source::fingerprint_without)), when the judge had the source.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub code: Option<Box<str>>,
}

impl Outcome {
    /// Sends the outcome to `cargo run -- verify` (on the channel it opened
    /// for this run, when there is one) and fails the calling test unless the
    /// exercise is solved.
    #[track_caller]
    pub fn conclude(&self) {
        if channel::writer(VERIFY_CHANNEL).is_some() {
            let line = serde_json::to_string(self).expect("an outcome serialises");
            assert!(channel::send(VERIFY_CHANNEL, &line), "cannot send the result to `racelab verify`");
        }
        match self.status {
            Status::Solved => println!("lab {:02} · {}: solved — {}", self.lab, self.exercise, self.summary),
            Status::NotAttempted => panic!(
                "lab {:02} · {}: not attempted yet — {}\n(`cargo run -- hint {}` when you are stuck)",
                self.lab, self.exercise, self.summary, self.lab
            ),
            Status::Refused => panic!("lab {:02} · {}: refused: {}", self.lab, self.exercise, self.summary),
            Status::Failing => {
                let named: String = self.resemblance_lines().iter().map(|l| format!("\n  ↳ {l}")).collect();
                panic!("lab {:02} · {}: {}{named}\n\n{}", self.lab, self.exercise, self.summary, self.details)
            }
        }
    }

    pub(crate) fn new(lab: u8, exercise: &str, status: Status, summary: String, details: String) -> Outcome {
        Outcome { lab, exercise: exercise.to_string(), status, summary, details, ..Outcome::default() }
    }

    /// The outcome with its behaviour recorded (see [`Signature`]).
    pub(crate) fn signed(mut self, behaviour: String, shape: String) -> Outcome {
        self.signature = Some(Box::new(Signature { behaviour, shape }));
        self
    }

    /// The line naming the catalogued mistake this failure behaves like
    /// (empty if none). When several behave alike, step for step, their
    /// explanations may describe code the learner did not write: only the
    /// names are given.
    pub fn resemblance_lines(&self) -> Vec<String> {
        match self.resembles.as_slice() {
            [] => Vec::new(),
            [one] => vec![one.line()],
            several => {
                let names: Vec<String> = several.iter().map(|r| format!("`{}`", r.name)).collect();
                vec![format!(
                    "this does what several mistakes the course knows do, step for step: {}",
                    names.join(", ")
                )]
            }
        }
    }

    /// The outcome of a loom check that could not give a verdict.
    pub(crate) fn from_check_error(lab: u8, exercise: &str, error: CheckError) -> Outcome {
        let status = match error {
            CheckError::NotAttempted(_) => Status::NotAttempted,
            _ => Status::Failing,
        };
        let summary = match &error {
            CheckError::NotAttempted(at) => format!("still `todo!()`{at}"),
            CheckError::RunawayLoop(at) => format!(
                "loom could not finish one execution: a loop that waits{at}. Either it waits for something that \
                 never comes (a lock left taken, a value no one writes) — a bug — or it spins in a way loom cannot \
                 schedule: wait with `compare_exchange` or a `load` (not `swap` or `fetch_or`) and call `hint::spin_loop()` from \
                 the lab's `sync` in the loop, once per try (loom explores every spin: a back-off of hundreds of \
                 `spin_loop()`s between tries is right on hardware and too many steps for it)"
            ),
            CheckError::OutOfTime { executions, seconds } => format!(
                "loom did not finish within its budget ({executions} executions in {seconds:.0} s; the reference \
                 answer needs a few thousand): the answer may well be right, but every extra atomic operation or \
                 lock per step multiplies the interleavings — one compare-and-swap loop, or one lock, per step \
                 keeps it checkable"
            ),
            other => other.to_string(),
        };
        let mut outcome = Outcome::new(lab, exercise, status, summary, String::new());
        // Running out of time on a slow or busy machine is no verdict.
        // Nor is a loop loom cannot finish: a correct spin lock without a spin hint is one.
        // Nor is a deadlock loom's model makes up (a `try_lock` made to wait).
        outcome.inconclusive =
            matches!(error, CheckError::OutOfTime { .. } | CheckError::RunawayLoop(_) | CheckError::ModelLimit(_));
        outcome
    }
}

/// How a failing answer behaved, in terms that do not depend on where its
/// code lives: used to tell a learner which catalogued mistake their answer
/// behaves like.
///
/// `behaviour` is the stage that failed and what it saw (for loom: the case,
/// the kind of failure and the whole set of final states reached; for the
/// sequential check: the message without source locations). `shape` is the
/// clearest failing schedule with values and lines left out: each step's
/// thread, object and operation. Two answers with the same behaviour end in
/// the same results; with the same shape as well, they do the same
/// operations in the same order — the same mistake, whatever it is called.
#[derive(Clone, Debug, Default, Serialize, Deserialize, PartialEq, Eq)]
pub struct Signature {
    /// The failing stage and what it saw.
    pub behaviour: String,
    /// The failing schedule's operations, without values or source lines.
    pub shape: String,
}

impl Signature {
    /// `text` with every source location (`labs/x/exercise.rs:12:5`) and
    /// backticked function location left out.
    ///
    /// ```
    /// use racelab::judge::Signature;
    /// assert_eq!(Signature::without_locations("it panicked at labs/a/exercise.rs:12:5: boom"), "it panicked at …: boom");
    /// ```
    pub fn without_locations(text: &str) -> String {
        let words: Vec<String> = text
            .split(' ')
            .map(|word| {
                let core = word.trim_end_matches([':', ',', ')', '.']);
                if core.contains(".rs:") { word.replacen(core, "…", 1) } else { word.to_string() }
            })
            .collect();
        words.join(" ")
    }

    /// `text` with every run of digits as `#`: what a failure on real threads says, the
    /// same from run to run (how many updates a trial lost is chance).
    ///
    /// ```
    /// use racelab::judge::Signature;
    /// assert_eq!(Signature::without_numbers("ended 808285, expected 1058578"), "ended #, expected #");
    /// ```
    pub fn without_numbers(text: &str) -> String {
        let mut out = String::with_capacity(text.len());
        for c in text.chars() {
            if !c.is_ascii_digit() {
                out.push(c);
            } else if !out.ends_with('#') {
                out.push('#');
            }
        }
        out
    }

    /// The shape of what a one-thread run did: a fingerprint of its
    /// operations (digits and lines left out); empty if it touched no shared memory.
    pub fn shape_of_events(events: &[crate::trace::Event]) -> String {
        use std::hash::{Hash, Hasher};
        if events.is_empty() {
            return String::new();
        }
        let schedule = crate::trace::Schedule::from_events_decoded(events, &[], None);
        // A contended run has tens of thousands of steps: keep a fingerprint, not the text.
        let mut hasher = std::collections::hash_map::DefaultHasher::new();
        Self::shape_of(&schedule).hash(&mut hasher);
        format!("one thread, {} steps, #{:016x}", schedule.steps.len(), hasher.finish())
    }

    /// The shape of a schedule: `thread object operation` per step, digits left out.
    pub fn shape_of(schedule: &crate::trace::Schedule) -> String {
        let steps: Vec<String> = schedule
            .steps
            .iter()
            .map(|s| {
                let op: String = s.operation.chars().map(|c| if c.is_ascii_digit() { '#' } else { c }).collect();
                format!("{} {} {op}", s.thread, s.object)
            })
            .collect();
        steps.join("; ")
    }
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
    /// use racelab::judge::{Likeness, Resemblance};
    /// let r = Resemblance { name: "split_lock".into(), why: "The gap is unlocked.".into(), likeness: Likeness::SameSteps };
    /// assert_eq!(r.line(), "this is a mistake the course knows, `split_lock`: The gap is unlocked.");
    /// let r = Resemblance { likeness: Likeness::SameCheck, ..r };
    /// assert!(r.line().starts_with("a mistake the course knows gives the same wrong result here — `split_lock`"));
    /// ```
    pub fn line(&self) -> String {
        let (name, why) = (&self.name, &self.why);
        match self.likeness {
            Likeness::SameSteps => format!("this is a mistake the course knows, `{name}`: {why}"),
            // The same result by perhaps another road (a `u32` cast and a 32-bit shift both turn
            // 2^32 into 0): say it is a likeness, not a diagnosis.
            Likeness::SameCheck => format!(
                "a mistake the course knows gives the same wrong result here — `{name}`: {why} Yours may get \
                 there another way; look for the same symptom"
            ),
        }
    }
}
