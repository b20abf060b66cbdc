//! Checking a learner's exercise with the same loom, proptest and real-thread
//! checks as the reference code.
//!
//! Each lab has a suite here (e.g. [`lost_update`]) that takes the learner's
//! functions — compiled for both backends by `tests/exercise_NN.rs` — and
//! returns one [`Outcome`] per exercise: not attempted (still `todo!()`),
//! failing (with the failing schedule of the learner's own code), or solved.
//! The very same suite runs on the reference solution in `tests/lab_NN.rs`.
//!
//! `cargo run -- verify N` runs `cargo test --test exercise_NN` with
//! [`OUT_ENV`] set; every [`Outcome::conclude`] appends one JSON line there,
//! which is how `verify` learns the results without parsing test output.
//!
//! # Examples
//!
//! ```
//! use racelab::course::Status;
//! use racelab::exercise::lost_update::{SUITE, solution};
//!
//! let outcome = SUITE.check("atomic", &solution(None));
//! assert_eq!(outcome.status, Status::Solved);
//! ```

pub mod check_then_act;
pub mod contention;
pub mod gil;
pub mod invariant;
pub mod lost_update;
pub mod message_passing;
pub mod processes;

pub mod catalogue;
pub mod isolate;
pub mod yours;

use crate::check::{CheckError, FailureKind, Model, explore_body};
use crate::course::Status;
use crate::labs::{Case, State};
use crate::runner::process::{WorkerCommand, run_workers};
use isolate::stage;
use serde::{Deserialize, Serialize};
use std::sync::Arc;
use std::time::Duration;

/// Set by `cargo run -- verify`: the file each outcome is appended to, one JSON line each.
pub const OUT_ENV: &str = "RACELAB_VERIFY_OUT";
/// Set in a worker process started by an exercise check (see [`self_as_worker`]).
pub const WORKER_ENV: &str = "RACELAB_EXERCISE_WORKER";

/// The result of checking one exercise.
#[derive(Clone, Debug, Default, Serialize, Deserialize, PartialEq, Eq)]
pub struct Outcome {
    /// Lab number.
    pub lab: u8,
    /// Exercise name (as in `labs/info.toml`).
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
    /// The catalogued mistakes this failure behaves like (see [`catalogue::resembling`]).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub resembles: Vec<catalogue::Resemblance>,
    /// A fingerprint of the code judged ([`Source::fingerprint_without`]), when the judge had the source.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub code: Option<Box<str>>,
}

impl Outcome {
    /// Records the outcome for `cargo run -- verify` (when asked to) and fails
    /// the calling test unless the exercise is solved.
    #[track_caller]
    pub fn conclude(&self) {
        if let Some(path) = std::env::var_os(OUT_ENV) {
            use std::io::Write as _;
            let line = serde_json::to_string(self).expect("an outcome serialises");
            let file = std::fs::OpenOptions::new().create(true).append(true).open(&path);
            // One short write per line with O_APPEND: parallel tests never interleave.
            if let Err(e) = file.and_then(|mut f| f.write_all(format!("{line}\n").as_bytes())) {
                panic!("cannot record the result in {}: {e}", path.to_string_lossy());
            }
        }
        match self.status {
            Status::Solved => println!("lab {:02} · {}: solved — {}", self.lab, self.exercise, self.summary),
            Status::NotAttempted => panic!(
                "lab {:02} · {}: not attempted yet — {}\n(`cargo run -- hint {}` when you are stuck)",
                self.lab, self.exercise, self.summary, self.lab
            ),
            Status::Failing => {
                let named: String = self.resemblance_lines().iter().map(|l| format!("\n  ↳ {l}")).collect();
                panic!("lab {:02} · {}: {}{named}\n\n{}", self.lab, self.exercise, self.summary, self.details)
            }
        }
    }

    fn new(lab: u8, exercise: &str, status: Status, summary: String, details: String) -> Outcome {
        Outcome { lab, exercise: exercise.to_string(), status, summary, details, ..Outcome::default() }
    }

    /// The outcome with its behaviour recorded (see [`Signature`]).
    fn signed(mut self, behaviour: String, shape: String) -> Outcome {
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
    fn from_check_error(lab: u8, exercise: &str, error: CheckError) -> Outcome {
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
                 the lab's `sync` in the loop"
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
    /// use racelab::exercise::Signature;
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

    /// The shape of what a one-thread run did: a fingerprint of its
    /// operations (digits and lines left out); empty if it touched no shared memory.
    pub fn shape_of_events(events: &[crate::check::trace::Event]) -> String {
        use std::hash::{Hash, Hasher};
        if events.is_empty() {
            return String::new();
        }
        let schedule = crate::check::trace::Schedule::from_events_decoded(events, &[], None);
        // A contended run has tens of thousands of steps: keep a fingerprint, not the text.
        let mut hasher = std::collections::hash_map::DefaultHasher::new();
        Self::shape_of(&schedule).hash(&mut hasher);
        format!("one thread, {} steps, #{:016x}", schedule.steps.len(), hasher.finish())
    }

    /// The shape of a schedule: `thread object operation` per step, digits left out.
    pub fn shape_of(schedule: &crate::check::trace::Schedule) -> String {
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

/// A lab's exercises and the functions each asks for, from its suite.
type Exercises = (&'static [&'static str], fn(&str) -> &'static [&'static str]);

/// Lab `lab`'s [`Exercises`], when it has checks.
fn exercises_of(lab: u8) -> Option<Exercises> {
    Some(match lab {
        1 => (lost_update::SUITE.exercises, lost_update::SUITE.functions),
        2 => (check_then_act::SUITE.exercises, check_then_act::SUITE.functions),
        3 => (invariant::SUITE.exercises, invariant::SUITE.functions),
        4 => (processes::SUITE.exercises, processes::SUITE.functions),
        5 => (message_passing::SUITE.exercises, message_passing::SUITE.functions),
        6 => (contention::SUITE.exercises, contention::SUITE.functions),
        7 => (gil::SUITE.exercises, gil::SUITE.functions),
        _ => return None,
    })
}

/// The exercises of lab `lab` that have checks, in order.
pub fn exercises(lab: u8) -> &'static [&'static str] {
    exercises_of(lab).map_or(&[], |(exercises, _)| exercises)
}

/// The functions of a lab's other exercises than `exercise`.
fn others_of(
    exercises: &'static [&'static str],
    functions: fn(&str) -> &'static [&'static str],
    exercise: &str,
) -> Vec<&'static str> {
    let mine = functions(exercise);
    exercises.iter().flat_map(|e| functions(e).iter().copied()).filter(|f| !mine.contains(f)).collect()
}

/// The fingerprint of `exercise`'s code in lab `lab`'s exercise file `text`
/// ([`Source::fingerprint_without`]): what a "solved" is kept for. `None` for
/// an unknown lab.
///
/// ```
/// let file = include_str!("../../labs/01_lost_update/solution.rs");
/// let edited = file.replace("reports.iter().sum()", "reports.iter().sum::<u64>()");
/// let code = |text: &str, exercise| racelab::exercise::code_fingerprint(1, exercise, text);
/// assert_eq!(code(file, "mutex"), code(&edited, "mutex"), "combine is not mutex's code");
/// assert_ne!(code(file, "process"), code(&edited, "process"));
/// ```
pub fn code_fingerprint(lab: u8, exercise: &str, text: &str) -> Option<String> {
    let (exercises, functions) = exercises_of(lab)?;
    Some(Source { path: "", text }.fingerprint_without(&others_of(exercises, functions, exercise)))
}

/// Checks the reference solution of one exercise (the instructor's dev check).
///
/// `worker` starts a worker process running the solution's `worker`.
pub fn check_solution(lab: u8, exercise: &str, worker: Option<WorkerCommand>) -> Option<Outcome> {
    match lab {
        1 => Some(lost_update::SUITE.check(exercise, &lost_update::solution(worker))),
        2 => Some(check_then_act::SUITE.check(exercise, &check_then_act::solution(worker))),
        3 => Some(invariant::SUITE.check(exercise, &invariant::solution(worker))),
        4 => Some(processes::SUITE.check(exercise, &processes::solution(worker))),
        5 => Some(message_passing::SUITE.check(exercise, &message_passing::solution())),
        6 => Some(contention::SUITE.check(exercise, &contention::solution(worker))),
        7 => Some(gil::SUITE.check(exercise, &gil::solution(worker))),
        _ => None,
    }
}

/// A learner's answers to one lab, compiled for both backends.
///
/// `R` and `M` are the lab's `Fixes` type on the real and the model backend.
#[derive(Clone, Debug)]
pub struct Learner<R, M> {
    /// The functions on real threads.
    pub real: R,
    /// The same functions inside loom's model.
    pub model: M,
    /// How to start a worker process running the learner's worker (the `process` exercise).
    pub worker: Option<WorkerCommand>,
    /// The file the answers were written in, to point at a function's line.
    pub source: Option<Source<'static>>,
}

/// A source file: its path (as the learner sees it) and its text — compiled
/// in (`Source<'static>`, the judge's) or read at run time (`list`, `verify`).
#[derive(Clone, Copy, Debug)]
pub struct Source<'a> {
    /// Path relative to the repository, e.g. `labs/01_lost_update/exercise.rs`.
    pub path: &'a str,
    /// The file's text.
    pub text: &'a str,
}

/// What an exercise never needs and the judge cannot check, as whole words:
/// `unsafe` (a pointer kept past its guard is a data race loom does not see),
/// state outside the shared object (`static`, `thread_local!`: loom sees
/// neither), and a clock (a lock or a retry loop that gives up after a time
/// passes on a quiet machine and fails on a busy one; loom has no clock).
const OFF_LIMITS: [(&str, &str); 10] = [
    ("unsafe", "`unsafe` code: a pointer kept past its guard is a data race that loom's model does not see"),
    (
        "thread_local",
        "a `thread_local!`: loom runs all its simulated threads on one OS thread, so they would share it — a \
         local variable in your function is already each thread's own",
    ),
    ("static", "a `static`: state outside the shared object, which loom does not see"),
    ("Instant", CLOCK),
    ("SystemTime", CLOCK),
    ("elapsed", CLOCK),
    ("sleep", CLOCK),
    ("park_timeout", CLOCK),
    ("recv_timeout", CLOCK),
    ("wait_timeout", CLOCK),
];

const CLOCK: &str = "a clock: a wait or a give-up measured in time passes on a quiet machine and fails on a busy \
                     one, and loom has no clock to judge it";

/// Where `fn name` begins in `code`: `fn`, white space, the name, then `(` or `<`.
fn find_fn(code: &str, name: &str) -> Option<usize> {
    let is_word = |c: char| c.is_alphanumeric() || c == '_';
    code.match_indices("fn").map(|(i, _)| i).find(|&i| {
        let before_ok = !code[..i].chars().next_back().is_some_and(is_word);
        let rest = &code[i + 2..];
        let named = rest.trim_start();
        let spaced = named.len() < rest.len();
        let after = named.strip_prefix(name).map(str::trim_start);
        before_ok && spaced && after.is_some_and(|a| a.starts_with('(') || a.starts_with('<'))
    })
}

/// `text` with every comment (`//`, nested `/* */`) and every string or char
/// literal (`"…"`, `r#"…"#`, `'x'`) blanked to spaces, newlines and byte
/// offsets kept: what is left is code.
///
/// ```
/// let text = "let s = \"// static\"; /* unsafe */ x // sleep\nfn f<'a>(c: char) { '{' }";
/// let code = racelab::exercise::code_only(text);
/// assert_eq!(code.len(), text.len());
/// assert_eq!(code, "let s =            ;              x         \nfn f<'a>(c: char) {     }");
/// ```
pub fn code_only(text: &str) -> String {
    let b = text.as_bytes();
    let mut out = b.to_vec();
    let blank = |out: &mut Vec<u8>, from: usize, to: usize| {
        out[from..to.min(b.len())].iter_mut().filter(|c| **c != b'\n').for_each(|c| *c = b' ');
    };
    let ident = |i: usize| i > 0 && (b[i - 1].is_ascii_alphanumeric() || b[i - 1] == b'_');
    let mut i = 0;
    while i < b.len() {
        let end = match b[i] {
            b'/' if b.get(i + 1) == Some(&b'/') => b[i..].iter().position(|&c| c == b'\n').map_or(b.len(), |n| i + n),
            b'/' if b.get(i + 1) == Some(&b'*') => {
                let (mut depth, mut j) = (0usize, i);
                while j < b.len() {
                    if b[j..].starts_with(b"/*") {
                        depth += 1;
                        j += 2;
                    } else if b[j..].starts_with(b"*/") {
                        depth -= 1;
                        j += 2;
                        if depth == 0 {
                            break;
                        }
                    } else {
                        j += 1;
                    }
                }
                j
            }
            b'r' if !ident(i) && matches!(b.get(i + 1), Some(b'"' | b'#')) => {
                let hashes = b[i + 1..].iter().take_while(|&&c| c == b'#').count();
                if b.get(i + 1 + hashes) != Some(&b'"') {
                    i += 1;
                    continue;
                }
                let close: Vec<u8> = std::iter::once(b'"').chain(std::iter::repeat_n(b'#', hashes)).collect();
                let body = i + 2 + hashes;
                b[body..]
                    .windows(close.len())
                    .position(|w| w == close.as_slice())
                    .map_or(b.len(), |n| body + n + close.len())
            }
            b'"' => {
                let mut j = i + 1;
                while j < b.len() && b[j] != b'"' {
                    j += if b[j] == b'\\' { 2 } else { 1 };
                }
                j + 1
            }
            b'\'' => {
                // A char literal ('x', '\n', 'é'), not a lifetime ('a, 'static).
                let width = text[i + 1..].chars().next().map_or(1, char::len_utf8);
                if b.get(i + 1) == Some(&b'\\') {
                    b[i + 2..].iter().position(|&c| c == b'\'').map_or(b.len(), |n| i + 3 + n)
                } else if b.get(i + 1 + width) == Some(&b'\'') {
                    i + 2 + width
                } else {
                    i += 1;
                    continue;
                }
            }
            _ => {
                i += 1;
                continue;
            }
        };
        blank(&mut out, i, end);
        i = end.max(i + 1);
    }
    String::from_utf8(out).unwrap_or_default()
}

/// Where `word` occurs in `code` as a whole word (`'static` is a lifetime, not a `static`).
fn find_word(code: &str, word: &str) -> Option<usize> {
    let is_word = |c: char| c.is_alphanumeric() || c == '_';
    code.match_indices(word).map(|(i, _)| i).find(|&i| {
        let before = code[..i].chars().next_back();
        let after = code[i + word.len()..].chars().next();
        !before.is_some_and(|c| is_word(c) || c == '\'') && !after.is_some_and(is_word)
    })
}

impl<'a> Source<'a> {
    /// The text of `fn name` (from its signature to its closing brace), when
    /// the file has it (`fn name(`, `fn name <T>(`, in code, not in a comment).
    pub fn body_of(&self, function: &str) -> Option<&'a str> {
        let (start, end) = self.span_of(function, &code_only(self.text))?;
        Some(&self.text[start..end])
    }

    /// Byte range of `fn name … }` in `code` (the text with comments and strings blanked).
    fn span_of(&self, function: &str, code: &str) -> Option<(usize, usize)> {
        let start = find_fn(code, function)?;
        let open = start + code[start..].find('{')?;
        let mut depth = 0usize;
        for (i, c) in code[open..].char_indices() {
            match c {
                '{' => depth += 1,
                '}' => {
                    depth -= 1;
                    if depth == 0 {
                        return Some((start, open + i + 1));
                    }
                }
                _ => {}
            }
        }
        None
    }

    /// Why the judge will not judge an exercise, if the file uses something off
    /// limits anywhere but in the bodies of `others` (the other exercises'
    /// functions): `path:line` and why. Helpers and module items count for every
    /// exercise, since any of them may call them; comments do not count.
    ///
    /// ```
    /// use racelab::exercise::Source;
    /// let text = "fn f() {\n    // unsafe in a comment is fine\n    unsafe { g() }\n}\nfn h(s: &'static str) {}\n";
    /// let source = Source { path: "x.rs", text };
    /// let (at, why) = source.off_limits(&[]).unwrap();
    /// assert_eq!(at, "x.rs:3");
    /// assert!(why.contains("`unsafe`"));
    /// // `f` is another exercise's function: its body does not count, and `'static` is a lifetime.
    /// assert_eq!(source.off_limits(&["f"]), None);
    /// ```
    pub fn off_limits(&self, others: &[&str]) -> Option<(String, &'static str)> {
        let code = self.code_without(others);
        let (offset, why) = OFF_LIMITS
            .iter()
            .filter_map(|(word, why)| find_word(&code, word).map(|i| (i, *why)))
            .min_by_key(|(i, _)| *i)?;
        let line = code[..offset].matches('\n').count() + 1;
        Some((format!("{}:{line}", self.path), why))
    }

    /// A fingerprint of the code an exercise is judged on: the file without
    /// `others` (the other exercises' functions) and without comments. A
    /// "solved" belongs to this code: editing another exercise or a comment
    /// keeps it, editing this exercise or a helper does not.
    ///
    /// ```
    /// use racelab::exercise::Source;
    /// let a = Source { path: "x.rs", text: "fn f() { 1 }\nfn g() { 2 }\n" };
    /// let b = Source { path: "x.rs", text: "fn f() { 1 } // one\nfn g() { 3 }\n" };
    /// assert_eq!(a.fingerprint_without(&["g"]), b.fingerprint_without(&["g"]));
    /// assert_ne!(a.fingerprint_without(&["f"]), b.fingerprint_without(&["f"]));
    /// ```
    pub fn fingerprint_without(&self, others: &[&str]) -> String {
        let code = self.code_without(others);
        let words: Vec<&str> = code.split_whitespace().collect();
        crate::course::fingerprint(&words.join(" "))
    }

    /// The code with comments, strings and the bodies of `others` blanked out
    /// (byte offsets and line numbers kept) — except the functions of `others`
    /// that the rest still calls: code an exercise calls is that exercise's code.
    fn code_without(&self, others: &[&str]) -> String {
        let code = code_only(self.text);
        let mut left_out: Vec<&str> = others.to_vec();
        loop {
            let mut kept = code.clone().into_bytes();
            for function in &left_out {
                if let Some((start, end)) = self.span_of(function, &code) {
                    kept[start..end].iter_mut().filter(|b| **b != b'\n').for_each(|b| *b = b' ');
                }
            }
            // Only ASCII bytes were replaced, by spaces: still UTF-8.
            let kept = String::from_utf8(kept).unwrap_or_default();
            let before = left_out.len();
            left_out.retain(|function| find_word(&kept, function).is_none());
            if left_out.len() == before {
                return kept;
            }
        }
    }

    /// `path:line` of `fn name`, when the file defines it.
    ///
    /// ```
    /// use racelab::exercise::Source;
    /// let source = Source { path: "x.rs", text: "// one\npub fn combine(r: &[u64]) -> u64 {\n" };
    /// assert_eq!(source.line_of("combine").as_deref(), Some("x.rs:2"));
    /// ```
    pub fn line_of(&self, function: &str) -> Option<String> {
        let start = find_fn(&code_only(self.text), function)?;
        Some(format!("{}:{}", self.path, self.text[..start].matches('\n').count() + 1))
    }
}

/// How long one real-thread trial may take before it counts as stuck: the
/// largest takes milliseconds.
const REAL_TRIAL_LIMIT: Duration = Duration::from_secs(10);

/// How many real-thread trials the judge runs after loom has passed.
///
/// loom proves a fix over every interleaving of the model; the real-thread
/// stage is a backstop for what the model cannot see (a `static`, a type from
/// `std::sync` used directly). It can only add failures, never remove them.
/// An answer that goes wrong in 5 % of trials slips through all 150 with
/// probability 0.95^150 ≈ 0.05 % (≤ 0.1 %).
pub const REAL_TRIALS: u32 = 150;

/// How long one exercise's check may take, in its own process, before it is
/// stopped and reported as an endless loop (with the stage it was in).
pub const JUDGE_TIME_LIMIT: Duration = Duration::from_secs(40);

/// Why a sequential check failed: the code is wrong even with one thread.
#[derive(Debug)]
pub enum Sequential {
    /// Still `todo!()` (with ` at file:line`, when known).
    NotAttempted(String),
    /// A logic error: the function, its inputs, what it gave, what was right.
    Logic(String),
}

/// Calls `check` once inside loom's model, on a single thread: a plain
/// sequential run, except that a self-deadlock, a spin loop or a `todo!()`
/// is reported with the learner's line instead of hanging or crashing.
///
/// # Examples
///
/// ```
/// use racelab::exercise::once_in_model;
/// use racelab::sync::model::Mutex;
///
/// let ok = once_in_model(|| {
///     let m = Mutex::new(1_u64);
///     *m.lock().unwrap() += 1;
///     if *m.lock().unwrap() == 2 { Ok(()) } else { Err("wrong".to_string()) }
/// });
/// assert!(ok.is_ok());
/// ```
pub fn once_in_model<F>(check: F) -> Result<(), Sequential>
where
    F: Fn() -> Result<(), String> + Send + Sync + 'static,
{
    let verdict = Arc::new(std::sync::Mutex::new(Ok(())));
    let shared = Arc::clone(&verdict);
    let result = crate::check::run_once(move || {
        let outcome = check();
        *shared.lock().unwrap_or_else(|p| p.into_inner()) = outcome;
    });
    match result {
        Err(CheckError::NotAttempted(at)) => Err(Sequential::NotAttempted(at)),
        Err(CheckError::RunawayLoop(at)) => Err(Sequential::Logic(format!(
            "one call took more than {} of loom's steps{at}: either a loop that waits for something no \
             thread will ever do (a lock this thread holds, a value no one writes), or a shared-memory \
             operation per step of work where the exercise needs a few — count in a local variable, share once",
            crate::check::SEQUENTIAL_MAX_BRANCHES
        ))),
        Err(other) => Err(Sequential::Logic(other.to_string())),
        Ok(()) => {
            let verdict = std::mem::replace(&mut *verdict.lock().unwrap_or_else(|p| p.into_inner()), Ok(()));
            verdict.map_err(Sequential::Logic)
        }
    }
}

/// Runs `f` (pure functions: a worker, a `combine`), turning a `todo!()` or
/// a panic into a [`Sequential`] error.
pub fn once_for_real<F: FnOnce() -> Result<(), String>>(f: F) -> Result<(), Sequential> {
    match crate::check::quietly_catch(f) {
        Ok(result) => result.map_err(Sequential::Logic),
        Err((message, at)) if message.contains("not yet implemented") => Err(Sequential::NotAttempted(at)),
        Err((message, at)) => Err(Sequential::Logic(format!("it panicked{at}: {message}"))),
    }
}

/// Compares a state after a call with the right one: `what` says which, e.g.
/// "after two calls of `f` on 0 the count is".
///
/// ```
/// use racelab::exercise::expect_that;
/// let why = expect_that("after `f` the count is", 1, 2).unwrap_err();
/// assert_eq!(why, "after `f` the count is 1, expected 2");
/// ```
pub fn expect_that<T: PartialEq + std::fmt::Debug>(what: &str, got: T, want: T) -> Result<(), String> {
    if got == want { Ok(()) } else { Err(format!("{what} {got:?}, expected {want:?}")) }
}

/// The one-thread checks of a counting `worker` and a summing `combine`
/// (labs 01, 04, 06): jobs up to a million, sums past `u32::MAX`.
pub fn check_counting_worker(worker: fn(u64) -> u64, combine: fn(&[u64]) -> u64) -> Result<(), Sequential> {
    once_for_real(|| {
        for k in [0, 1, 3, 1_000, 1_000_000] {
            expect_eq(&format!("worker({k})"), worker(k), k)?;
        }
        check_summing_combine(combine)
    })
}

/// A `combine` that adds the workers' reports: unequal ones, equal ones (a
/// `combine` that drops repeats is caught), none, and sums past `u32::MAX`.
pub(crate) fn check_summing_combine(combine: fn(&[u64]) -> u64) -> Result<(), String> {
    let big = 1_u64 << 32;
    for (reports, total) in [
        (&[3, 5][..], 8),
        (&[0, 2, 1][..], 3),
        (&[1, 2, 3, 4, 5][..], 15),
        (&[1, 1, 1, 1, 1, 1, 1, 1][..], 8),
        (&[7][..], 7),
        (&[][..], 0),
        (&[5, 5][..], 10),
        (&[2, 2, 2][..], 6),
        (&[big, 1][..], big + 1),
    ] {
        expect_eq(&format!("combine({reports:?})"), combine(reports), total)?;
    }
    Ok(())
}

/// The process cases of the counting labs (01, 03, 04): real workers with
/// unequal jobs, one of them empty, one large.
pub(crate) fn unequal_jobs() -> Vec<Case> {
    vec![
        Case::workers(vec![vec![3], vec![5]]),
        Case::workers(vec![vec![0], vec![2], vec![1]]),
        Case::workers(vec![vec![1_000], vec![1]]),
        // Equal jobs: a `combine` that drops repeated reports is caught.
        Case::workers(vec![vec![4], vec![4], vec![4]]),
    ]
}

/// Two increments from `start` on one thread must add exactly 2.
pub(crate) fn counted_twice(name: &str, start: u64, after: u64) -> Result<(), String> {
    expect_that(&format!("after two calls of `{name}` on a count of {start} the count is"), after, start + 2)
}

/// How many lost races the judge's contended run puts before each
/// compare-and-swap answer (see [`crate::check::trace::interfere`]): more
/// than a give-up limit a learner plausibly writes ("after 3 tries", "after
/// 100"). The one-thread run allows loom 60 000 steps (it numbers a thread's
/// operations in 16 bits), and a lost race costs a retry loop up to ten: the
/// textbook loop that loads again after each failure must get through.
pub const LOST_RACES: u32 = 5_000;

/// How many `try_lock`s or lock exchanges find the lock held elsewhere in the
/// judge's contended run (see [`with_lock_held_elsewhere`]): more than a
/// give-up limit a learner plausibly writes ("after 10 000 spins"); each costs
/// loom an operation or a few (the busy `try_lock`'s yield, the answer's spin
/// hint, a load), within the one-thread run's 60 000 steps.
pub const LOCK_HELD_TRIES: u32 = 12_000;

/// Runs `call` (one call of a learner's locking function, and its own check)
/// while another, simulated, thread holds the lock for the first
/// [`LOCK_HELD_TRIES`] `try_lock`s or exchanges: an answer that stops trying
/// before the lock is free is caught; one that waits (spinning, or blocking in
/// `lock()`) gets through.
pub(crate) fn with_lock_held_elsewhere(name: &str, call: impl FnOnce() -> Result<(), String>) -> Result<(), String> {
    use crate::check::trace;
    trace::interfere_briefly(LOCK_HELD_TRIES, |_| 1);
    let result = call();
    let (used, left) = (trace::interference_used(), trace::interference_left());
    trace::interfere(0, |v| v);
    if used > 0 && left > 0 {
        return Err(format!(
            "when another thread held the lock, `{name}` stopped trying after {used} attempts and went on without \
             it: a lock must wait until it is free, however long that takes"
        ));
    }
    result
}

/// How long the judge's real-thread check holds the lock (see [`with_lock_held_for_real`]).
pub const LOCK_HELD_FOR: Duration = Duration::from_secs(1);

/// How long, after the lock is free again, a learner's call may take to return.
const RETURN_AFTER_RELEASE: Duration = Duration::from_secs(3);

/// Calls `call(&lock)` once on a real thread while this thread holds the lock
/// for [`LOCK_HELD_FOR`], then `after(&lock, result)` once it returned.
///
/// [`with_lock_held_elsewhere`] simulates a holder for [`LOCK_HELD_TRIES`]
/// attempts, inside loom's step limit; a lock that gives up after more tries
/// than that, or after a time-out, spins millions of times in a second and is
/// caught here: it returns while the lock is still held. `hold(&lock, wait)`
/// takes the lock, calls `wait()` (which starts the call and waits), and lets
/// the lock go.
///
/// ```
/// use racelab::exercise::with_lock_held_for_real;
/// use std::sync::Mutex;
///
/// let waits = with_lock_held_for_real(
///     "add_one",
///     Mutex::new(0_u64),
///     |m, wait| {
///         let _guard = m.lock();
///         wait();
///     },
///     |m| *m.lock().unwrap() += 1,
///     |m, ()| if *m.lock().unwrap() == 1 { Ok(()) } else { Err("lost".into()) },
/// );
/// assert!(waits.is_ok());
///
/// let gives_up = with_lock_held_for_real(
///     "add_one",
///     Mutex::new(0_u64),
///     |m, wait| {
///         let _guard = m.lock();
///         wait();
///     },
///     |m| (0..1_000_000).any(|_| m.try_lock().map(|mut g| *g += 1).is_ok()),
///     |_, _| Ok(()),
/// );
/// assert!(gives_up.unwrap_err().contains("returned while"));
/// ```
pub fn with_lock_held_for_real<L, T>(
    name: &str,
    lock: L,
    hold: impl FnOnce(&L, &mut dyn FnMut()),
    call: impl FnOnce(&L) -> T + Send + 'static,
    after: impl FnOnce(&L, T) -> Result<(), String>,
) -> Result<(), String>
where
    L: Send + Sync + 'static,
    T: Send + 'static,
{
    use std::sync::atomic::{AtomicBool, Ordering::SeqCst};
    type Returned<T> = (Result<T, (String, String)>, bool);
    let shared = Arc::new((lock, AtomicBool::new(false)));
    let (done, finished) = std::sync::mpsc::channel::<Returned<T>>();
    let mut call = Some(call);
    let mut early: Option<Result<Returned<T>, String>> = None;
    hold(&shared.0, &mut || {
        let (Some(call), None) = (call.take(), &early) else { return };
        let theirs = Arc::clone(&shared);
        let done = done.clone();
        let started = std::thread::Builder::new().name(format!("judge: {name}")).spawn(move || {
            let result = crate::check::quietly_catch(|| call(&theirs.0));
            // `released` is set before the lock is let go: a call that got the lock sees it.
            let while_held = !theirs.1.load(SeqCst);
            let _ = done.send((result, while_held));
        });
        early = match started {
            Err(e) => Some(Err(format!("cannot start a thread to call `{name}`: {e}"))),
            Ok(_) => finished.recv_timeout(LOCK_HELD_FOR).ok().map(Ok),
        };
        shared.1.store(true, SeqCst);
    });
    let seconds = LOCK_HELD_FOR.as_secs_f64();
    let (result, while_held) = match early {
        Some(returned) => returned?,
        None if call.is_some() => return Err(format!("the judge never called `{name}`")),
        None => finished.recv_timeout(RETURN_AFTER_RELEASE).map_err(|_| {
            format!(
                "when another thread held the lock for {seconds} s and then let it go, `{name}` had not returned \
                 {} s later",
                RETURN_AFTER_RELEASE.as_secs()
            )
        })?,
    };
    let value = result.map_err(|(message, at)| format!("`{name}` panicked{at}: {message}"))?;
    if while_held {
        return Err(format!(
            "when another thread held the lock for {seconds} s, `{name}` returned while it was still held: it did \
             not wait for it (it gave up, or never took it). A lock must wait until it is free, however long that \
             takes"
        ));
    }
    after(&shared.0, value)
}

/// A guard of a real mutex, whichever kind: what [`held_mutex`] needs to read the value.
type AnyGuard<'a, V> = Box<dyn std::ops::Deref<Target = V> + 'a>;

/// [`with_lock_held_for_real`] around a real mutex `lock` (`take` locks it);
/// `after` sees the guarded value and what the call returned.
fn held_mutex<L, V, T>(
    name: &str,
    lock: L,
    take: for<'a> fn(&'a L) -> AnyGuard<'a, V>,
    call: impl FnOnce(&L) -> T + Send + 'static,
    after: impl FnOnce(&V, T) -> Result<(), String>,
) -> Result<(), String>
where
    L: Send + Sync + 'static,
    T: Send + 'static,
{
    let hold = |m: &L, wait: &mut dyn FnMut()| {
        let _guard = take(m);
        wait();
    };
    with_lock_held_for_real(name, lock, hold, call, |m, t| after(&take(m), t).map_err(after_the_hold))
}

/// [`with_lock_held_for_real`] around a real `std::sync::Mutex` holding
/// `value`; `after` sees the value and what the call returned.
pub(crate) fn real_mutex_held<V: Send + 'static, T: Send + 'static>(
    name: &str,
    value: V,
    call: impl FnOnce(&crate::sync::real::Mutex<V>) -> T + Send + 'static,
    after: impl FnOnce(&V, T) -> Result<(), String>,
) -> Result<(), String> {
    fn take<V>(m: &crate::sync::real::Mutex<V>) -> AnyGuard<'_, V> {
        Box::new(m.lock().unwrap_or_else(std::sync::PoisonError::into_inner))
    }
    held_mutex(name, crate::sync::real::Mutex::new(value), take::<V>, call, after)
}

/// [`real_mutex_held`] for a real `parking_lot::Mutex`.
pub(crate) fn real_parking_lot_held<V: Send + 'static, T: Send + 'static>(
    name: &str,
    value: V,
    call: impl FnOnce(&crate::sync::real::parking_lot::Mutex<V>) -> T + Send + 'static,
    after: impl FnOnce(&V, T) -> Result<(), String>,
) -> Result<(), String> {
    fn take<V>(m: &crate::sync::real::parking_lot::Mutex<V>) -> AnyGuard<'_, V> {
        Box::new(m.lock())
    }
    held_mutex(name, crate::sync::real::parking_lot::Mutex::new(value), take::<V>, call, after)
}

/// [`Suite::held_for_real`] of a lab whose exercises take no lock.
pub(crate) fn no_lock_to_hold<R>(_exercise: &str, _real: &R) -> Result<(), String> {
    Ok(())
}

/// What went wrong after [`with_lock_held_for_real`], said as what happened first.
pub(crate) fn after_the_hold(why: String) -> String {
    format!("when another thread held the lock for {} s and then let it go, {why}", LOCK_HELD_FOR.as_secs_f64())
}

/// Compares what a function call returned with the right answer.
///
/// ```
/// use racelab::exercise::expect_eq;
/// assert!(expect_eq("combine([3, 5])", 8, 8).is_ok());
/// assert_eq!(expect_eq("combine([3, 5])", 3, 8).unwrap_err(), "`combine([3, 5])` returned 3, expected 8");
/// ```
pub fn expect_eq<T: PartialEq + std::fmt::Debug>(call: &str, got: T, want: T) -> Result<(), String> {
    if got == want { Ok(()) } else { Err(format!("`{call}` returned {got:?}, expected {want:?}")) }
}

/// How one lab's exercises are judged: the lab's whole specification, at
/// sizes that leave no slack, in this order:
///
/// 1. **a sequential check**: each of the learner's functions on one thread,
///    on a few inputs, against the specification. A mismatch is a logic error,
///    not a race, and is reported as such, naming the function and its line;
/// 2. **loom**, every interleaving of every case, smallest first (stopping at
///    the first failure): every execution's whole [`State`] must satisfy the
///    lab's specification. `try_lock` contention and spurious weak
///    compare-exchange failures are part of the model;
/// 3. for an exercise that takes a lock, **one call on a real thread while
///    another real thread holds the lock** for [`LOCK_HELD_FOR`]: a lock that
///    gives up after more tries than loom's step limit allows, or after a
///    time-out, returns too early;
/// 4. **real threads**: [`REAL_TRIALS`] trials, which can add a failure, never
///    remove one;
/// 5. for `process`, **real OS processes** running the learner's worker, with
///    unequal jobs, and the learner's `combine` in the parent.
#[derive(Debug)]
pub struct Suite<R: 'static, M: 'static> {
    /// The lab's index in [`crate::labs::LABS`].
    pub lab: usize,
    /// The exercises, in order; each is checked through the lab variant of the same name.
    pub exercises: &'static [&'static str],
    /// The cases loom checks an exercise at, smallest first.
    pub cases: fn(&str) -> Vec<Case>,
    /// The case of real-thread trial `i` (0-based) of an exercise.
    pub real_case: fn(&str, u32) -> Case,
    /// The unequal jobs the `process` exercise runs as real worker processes.
    pub process_cases: fn() -> Vec<Case>,
    /// Runs a variant with given fixes inside loom's model.
    pub model_run: fn(&str, &M, &Case) -> Option<State>,
    /// Runs a variant with given fixes on real threads.
    pub real_run: fn(&str, &R, &Case) -> Option<State>,
    /// The sequential check of one exercise's functions.
    pub sequential: fn(&str, &R, &M) -> Result<(), Sequential>,
    /// After loom: one call of an exercise's locking function on a real thread
    /// while another real thread holds the lock ([`with_lock_held_for_real`]).
    pub held_for_real: fn(&str, &R) -> Result<(), String>,
    /// The parent's half of the process fix: the state from the workers' reports.
    pub combine: fn(&R, &[u64]) -> State,
    /// The functions each exercise asks for (to name them in reports).
    pub functions: fn(&str) -> &'static [&'static str],
}

impl<R, M> Suite<R, M>
where
    R: Copy + Send + std::panic::RefUnwindSafe + 'static,
    M: Copy + Send + Sync + 'static,
{
    fn lab(&self) -> &'static crate::labs::Lab {
        &crate::labs::LABS[self.lab]
    }

    /// ` (`combine` at labs/…/exercise.rs:52)` for the functions that `why`
    /// names (all of the exercise's, if it names none), when the source is known.
    fn where_is(&self, exercise: &str, learner: &Learner<R, M>, why: &str) -> String {
        let Some(source) = learner.source else { return String::new() };
        let functions = (self.functions)(exercise);
        let named: Vec<&str> = functions.iter().copied().filter(|f| why.contains(&format!("`{f}"))).collect();
        let shown = if named.is_empty() { functions.to_vec() } else { named };
        let lines: Vec<String> =
            shown.iter().filter_map(|f| source.line_of(f).map(|at| format!("`{f}` at {at}"))).collect();
        if lines.is_empty() { String::new() } else { format!(" ({})", lines.join(", ")) }
    }

    fn function_names(&self, exercise: &str) -> String {
        let names: Vec<String> = (self.functions)(exercise).iter().map(|f| format!("`{f}`")).collect();
        names.join(" and ")
    }

    /// Judges one exercise, in this process (see [`judge`](Self::judge) for the isolated form).
    pub fn check(&self, exercise: &str, learner: &Learner<R, M>) -> Outcome {
        let others = others_of(self.exercises, self.functions, exercise);
        let mut outcome = self.check_code(exercise, learner, &others);
        outcome.code = learner.source.map(|source| source.fingerprint_without(&others).into());
        outcome
    }

    fn check_code(&self, exercise: &str, learner: &Learner<R, M>, others: &[&str]) -> Outcome {
        let number = self.lab().number;
        let Some(variant) = self.exercises.iter().copied().find(|e| *e == exercise) else {
            let summary =
                format!("no exercise `{exercise}` in lab {number}; its exercises: {}", self.exercises.join(", "));
            return Outcome::new(number, exercise, Status::Failing, summary, String::new());
        };
        let failing =
            |summary: String, details: String| Outcome::new(number, variant, Status::Failing, summary, details);

        // An exercise not started yet is "not attempted", whatever a helper elsewhere uses.
        let started = |source: &Source| {
            (self.functions)(variant).iter().any(|f| source.body_of(f).is_some_and(|body| !body.contains("todo!(")))
        };
        if let Some((at, why)) = learner.source.filter(started).and_then(|source| source.off_limits(others)) {
            return failing(
                format!("{at} uses {why}; the exercise never needs it — rewrite it without"),
                String::new(),
            );
        }

        stage(&format!("the sequential check of {}", self.function_names(variant)));
        crate::check::trace::clear();
        let sequential = (self.sequential)(variant, &learner.real, &learner.model);
        // What the one-thread run did (empty for functions that touch no shared memory).
        let shape = Signature::shape_of_events(&crate::check::trace::take());
        match sequential {
            Ok(()) => {}
            Err(Sequential::NotAttempted(at)) => {
                let summary = format!("still `todo!()`{at}");
                return Outcome::new(number, variant, Status::NotAttempted, summary, String::new());
            }
            Err(Sequential::Logic(why)) => {
                let at = self.where_is(variant, learner, &why);
                // The contended runs simulate the other thread: that is a race, met on one real thread.
                let contended = why.contains("when other") || why.contains("when another");
                let (summary, explain) = if contended {
                    (
                        format!("loses a race against a simulated thread{at}: {why}"),
                        "The judge ran your function on one thread while a simulated other thread kept winning \
                         the race (or held the lock) for a long while — as real threads may. Fix this first.",
                    )
                } else {
                    (
                        format!("not a race — a logic error{at}: {why}"),
                        "This goes wrong with one thread, before any other thread runs: fix it first; loom and \
                         real threads only check code that is right on one thread.",
                    )
                };
                let details = format!("{summary}\n\n{explain}");
                return failing(summary, details)
                    .signed(format!("the sequential check: {}", Signature::without_locations(&why)), shape);
            }
        }

        let cases = (self.cases)(variant);
        let mut executions = 0;
        // loom running out of time (or meeting a loop it cannot finish) is no verdict:
        // the real stages still run, and a failure there is one.
        let mut undecided: Option<Outcome> = None;
        for case in &cases {
            stage(&format!("loom at {case}"));
            match self.with_loom(variant, learner.model, case) {
                Ok(report) => executions += report.executions,
                Err(outcome) if outcome.inconclusive => {
                    undecided = Some(*outcome);
                    break;
                }
                Err(outcome) => return *outcome,
            }
        }
        let loom = format!("loom: {} cases, {executions} executions", cases.len());
        let loom_said = if undecided.is_some() { "loom could not finish" } else { "loom passed every interleaving" };
        let passed_for_real = |undecided: Option<Outcome>, solved: String| match undecided {
            Some(mut outcome) => {
                outcome.summary =
                    format!("{}; the real-thread stage found nothing wrong, but cannot prove it", outcome.summary);
                outcome
            }
            None => Outcome::new(number, variant, Status::Solved, solved, String::new()),
        };

        stage("one call while a real thread holds the lock");
        if let Err(why) = (self.held_for_real)(variant, &learner.real) {
            let summary = format!("{loom_said}, but {why}");
            let details = format!(
                "{summary}\n\nloom's threads and the one-thread check hold a lock for a bounded number of attempts; \
                 here a real thread held it for {} s. A lock that gives up after some tries or some time is a lock \
                 that is sometimes not one.",
                LOCK_HELD_FOR.as_secs_f64()
            );
            let behaviour = format!("a real thread holding the lock: {}", Signature::without_locations(&why));
            return failing(summary, details).signed(behaviour, shape);
        }

        if variant == "process" {
            let Some(worker) = &learner.worker else {
                return failing(
                    "cannot start worker processes to check the worker for real".to_string(),
                    String::new(),
                );
            };
            stage("the worker in real processes");
            if let Err(error) = self.in_real_processes(worker, learner.real) {
                let behaviour = format!("real processes: {}", Signature::without_locations(&error));
                return failing(error, String::new()).signed(behaviour, String::new());
            }
            let summary =
                format!("right in every interleaving ({loom}) and in real worker processes with unequal jobs");
            return passed_for_real(undecided, summary);
        }
        stage(&format!("{REAL_TRIALS} trials on real threads"));
        if let Err(why) = self.on_real_threads(variant, learner.real) {
            let summary = format!(
                "{loom_said}, but on real threads {why} — the answer does something loom cannot see, or goes \
                 wrong only with more threads than loom's cases (see \"When loom passes and real threads fail\" \
                 in lab 01's lesson)"
            );
            return failing(summary, String::new());
        }
        let summary = format!("right in every interleaving ({loom}) and in {REAL_TRIALS} trials on real threads");
        passed_for_real(undecided, summary)
    }

    fn with_loom(&self, variant: &'static str, fixes: M, case: &Case) -> Result<crate::check::Report, Box<Outcome>> {
        let number = self.lab().number;
        let run = self.model_run;
        let mut config = Model::of_case(self.lab(), variant, case);
        config.time_budget = Duration::from_secs(30);
        // The judge's verdict must not depend on the learner's shell.
        config.obey_loom_env = false;
        let body_case = case.clone();
        let report =
            explore_body(&config, move || run(variant, &fixes, &body_case).unwrap_or_default()).map_err(|e| {
                let outcome = Outcome::from_check_error(number, variant, e);
                let behaviour = format!("loom at {case}: {}", Signature::without_locations(&outcome.summary));
                Box::new(outcome.signed(behaviour, String::new()))
            })?;
        if let Some(failure) = &report.failure {
            let what = match failure.kind {
                FailureKind::WrongValue => "an interleaving that ends wrong",
                FailureKind::Deadlock => "a deadlock",
                FailureKind::DataRace => "a data race",
                FailureKind::Panic => "a panic",
            };
            let summary = format!("loom found {what} ({case}: {})", failure.message);
            // A wrong value: every final state reached (loom explored them all).
            // A deadlock or a panic stops loom at the first one: its message says what happened.
            let seen = match failure.kind {
                FailureKind::WrongValue => {
                    let states: Vec<String> = report.outcomes.keys().map(ToString::to_string).collect();
                    format!("ends in {{{}}}", states.join(", "))
                }
                _ => Signature::without_locations(&failure.message),
            };
            let outcome = Outcome::new(number, variant, Status::Failing, summary, report.render());
            let behaviour = format!("loom found {what} at {case}: {seen}");
            return Err(Box::new(outcome.signed(behaviour, Signature::shape_of(&failure.schedule))));
        }
        Ok(report)
    }

    fn on_real_threads(&self, variant: &'static str, fixes: R) -> Result<(), String> {
        let lab = self.lab();
        for trial in 0..REAL_TRIALS {
            let case = (self.real_case)(variant, trial);
            // On a thread of its own: threads that deadlock never return, and the verdict must not wait for them.
            let (run, theirs) = (self.real_run, case.clone());
            let (done, result) = std::sync::mpsc::channel();
            let trial_thread = std::thread::Builder::new()
                .name("judge: real trial".into())
                .spawn(move || {
                    let _ = done.send(run(variant, &fixes, &theirs));
                })
                .map_err(|e| format!("cannot start a trial's thread: {e}"))?;
            let state = match result.recv_timeout(REAL_TRIAL_LIMIT) {
                Ok(state) => state.unwrap_or_default(),
                Err(std::sync::mpsc::RecvTimeoutError::Timeout) => {
                    return Err(format!(
                        "trial {} of {REAL_TRIALS} ({case}) did not finish in {} s: its threads are stuck waiting \
                         for each other — a deadlock that loom's small cases do not reach",
                        trial + 1,
                        REAL_TRIAL_LIMIT.as_secs()
                    ));
                }
                Err(std::sync::mpsc::RecvTimeoutError::Disconnected) => match trial_thread.join() {
                    Err(payload) => std::panic::resume_unwind(payload),
                    Ok(()) => State::default(),
                },
            };
            if let Err(why) = (lab.judge)(&case, &state) {
                return Err(format!(
                    "trial {} of {REAL_TRIALS} ({case}) ended {state}, expected {}: {why}",
                    trial + 1,
                    (lab.spec)(&case)
                ));
            }
        }
        Ok(())
    }

    fn in_real_processes(&self, worker: &WorkerCommand, fixes: R) -> Result<(), String> {
        let lab = self.lab();
        for case in (self.process_cases)() {
            let jobs = case.jobs.clone().unwrap_or_default();
            let reports = run_workers(worker, &jobs, Duration::from_secs(20))
                .map_err(|e| format!("in real worker processes ({case}): {e}"))?;
            let state = (self.combine)(&fixes, &reports);
            if let Err(why) = (lab.judge)(&case, &state) {
                return Err(format!(
                    "in real worker processes ({case}): ended {state}, expected {}: {why}",
                    (lab.spec)(&case)
                ));
            }
        }
        Ok(())
    }

    /// Judges one exercise in a process of its own, under [`JUDGE_TIME_LIMIT`].
    ///
    /// Called from the test named `test_name` in `tests/exercise_NN.rs`: the
    /// test binary is started again, filtered to that one test, with
    /// [`isolate::CHILD_ENV`] set; that child runs [`check`](Self::check) and
    /// writes its outcome to a file. A crash (an abort, a stack overflow) or a
    /// time-out of the child becomes an *inconclusive* failing outcome that
    /// names the stage it was in, and never downgrades earned progress.
    pub fn judge(&self, exercise: &str, test_name: &str, learner: impl FnOnce() -> Learner<R, M>) -> Outcome {
        self.judge_within(exercise, test_name, isolate::time_limit(), learner)
    }

    /// Like [`judge`](Self::judge), with a time limit of `limit`.
    pub fn judge_within(
        &self,
        exercise: &str,
        test_name: &str,
        limit: Duration,
        learner: impl FnOnce() -> Learner<R, M>,
    ) -> Outcome {
        if isolate::is_child_for(exercise) {
            let mut outcome = self.check(exercise, &learner());
            isolate::record_child_outcome(&outcome);
            // The verdict is recorded; now, time allowing, name the catalogued
            // mistake it behaves like (a later outcome line replaces the first).
            if let Some(signature) = outcome.signature.as_ref().filter(|_| outcome.status == Status::Failing) {
                isolate::stage("comparing with the mistakes the course knows");
                outcome.resembles = catalogue::resembling(self.lab().number, exercise, signature);
                if !outcome.resembles.is_empty() {
                    isolate::record_child_outcome(&outcome);
                }
            }
            return outcome;
        }
        isolate::judge_in_child(self.lab().number, exercise, test_name, &self.function_names(exercise), limit)
    }
}

/// The fixed arguments [`self_as_worker`] passes before the job's numbers.
const WORKER_ARGS: [&str; 6] = ["--exact", "", "--nocapture", "--quiet", "--test-threads", "1"];

/// In a worker process started by an exercise check: the job to do.
///
/// The exercise's process check re-runs its own test binary, filtered to one
/// test, with [`WORKER_ENV`] set and the job's numbers as the last arguments;
/// that test then calls the learner's worker and prints `report <n>` instead
/// of checking anything.
pub fn worker_job() -> Option<Vec<u64>> {
    std::env::var_os(WORKER_ENV)?;
    std::env::args().skip(1 + WORKER_ARGS.len()).map(|a| a.parse().ok()).collect()
}

/// How to start this test binary as a worker: only `test_name` runs, in worker mode.
pub fn self_as_worker(test_name: &str) -> Result<WorkerCommand, String> {
    let exe = std::env::current_exe().map_err(|e| format!("cannot find the test binary: {e}"))?;
    let mut args = WORKER_ARGS;
    args[1] = test_name;
    Ok(WorkerCommand::new(exe, args).env(WORKER_ENV, "1"))
}
