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

use super::{Learner, Outcome, check_then_act, contention, invariant, lost_update, message_passing, processes};
use crate::course::Status;
use crate::labs::{model, real};
use crate::runner::process::WorkerCommand;

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
        _ => Vec::new(),
    }
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
    pub fn judged_correctly(&self) -> bool {
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
        _ => None,
    }
}
