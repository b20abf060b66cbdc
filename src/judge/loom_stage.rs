//! The loom stage: every interleaving of one case of an exercise, the
//! learner's functions in place of the reference fixes, each execution's
//! whole state judged by the lab's specification.

use super::outcome::{Outcome, Signature, Status};
use super::spec::Spec;
use crate::check::CheckError;
use crate::check::clock::WorkClock;
use crate::check::{FailureKind, Model, Report, explore_body};
use crate::lab::Case;
use std::time::Duration;

/// How long loom may explore every interleaving of one case, in the judging
/// thread's CPU time (see [`WorkClock`]); past it, the stage explores the case
/// again with at most [`FALLBACK_BOUND`] preemptions. Six seconds: the right answers
/// whose whole space is larger (a rendezvous channel among four threads, a task that
/// offloads to a blocking pool) spent 12 s each at twelve before the bounded
/// exploration, which then took them 0.3–1.6 s; the catalogue's races all show
/// within the bound.
pub const LOOM_BUDGET: Duration = Duration::from_secs(6);

/// How long the loom stage of one exercise may work in all (CPU time, as
/// [`LOOM_BUDGET`]), every case and the bounded exploration included (no
/// verdict past it).
pub const LOOM_STAGE_BUDGET: Duration = Duration::from_secs(25);

/// The preemption bound of the fallback: loom explores every schedule that
/// switches threads at most this often where a thread could have run on —
/// the bound loom's own documentation recommends; the races of the labs'
/// catalogues all show within 2.
pub const FALLBACK_BOUND: usize = 3;

/// Why and how far the loom stage bounded its search (see [`FALLBACK_BOUND`]).
#[derive(Clone, Copy, Debug)]
pub(crate) struct Bounded {
    /// The preemption bound.
    pub bound: usize,
    /// Whether an unbounded search met a schedule that never ended (else it ran out of time).
    pub endless: bool,
}

/// Explores `variant` with `fixes` at `case` while `stage` has spent less
/// than [`LOOM_STAGE_BUDGET`]: every
/// interleaving, or — once a case's whole space was too large to finish in
/// [`LOOM_BUDGET`] (`bounded` then holds [`FALLBACK_BOUND`], for this case and
/// the next) — every interleaving with at most that many preemptions. A
/// failure is the failing outcome, with the clearest schedule and the
/// behaviour the catalogue compares.
pub(crate) fn explore<S: Spec>(
    spec: &'static S,
    variant: &'static str,
    fixes: S::Model,
    case: &Case,
    stage: &WorkClock,
    bounded: &mut Option<Bounded>,
) -> Result<Report, Box<Outcome>> {
    let lab = spec.lab();
    let number = lab.number();
    let said = lab.describe(case);
    let mut config = Model::of_case(lab, variant, case);
    // The judge's verdict must not depend on the learner's shell.
    config.obey_loom_env = false;
    let body = || {
        let body_case = case.clone();
        move || spec.run_model(variant, &fixes, &body_case).unwrap_or_default()
    };
    let left = || LOOM_STAGE_BUDGET.saturating_sub(stage.spent());
    config.preemption_bound = bounded.map(|b| b.bound);
    config.time_budget = if bounded.is_some() { left() } else { left().min(LOOM_BUDGET) };
    let mut explored = explore_body(&config, body());
    // Too many interleavings, or one that never ends: the bounded search. A loop whose
    // endless schedule needs a preemption in every round (two threads that keep taking a
    // lock from each other in the instant between `lock()` and `drop`, a livelock no fair
    // scheduler keeps up) finishes under the bound, and is judged there.
    let unfinished = matches!(explored, Err(CheckError::OutOfTime { .. } | CheckError::RunawayLoop(_)));
    if bounded.is_none() && unfinished && !left().is_zero() {
        let endless = matches!(explored, Err(CheckError::RunawayLoop(_)));
        *bounded = Some(Bounded { bound: FALLBACK_BOUND, endless });
        config.preemption_bound = Some(FALLBACK_BOUND);
        config.time_budget = left();
        let again = explore_body(&config, body());
        // A spin loop cannot finish once the bound forbids switching away from it (a
        // `try_lock` loop): that is the bound's doing, not the answer's — no verdict,
        // as when every interleaving was too many.
        if !matches!(again, Err(CheckError::RunawayLoop(_))) {
            explored = again;
        }
    }
    let report = explored.map_err(|e| {
        let outcome = Outcome::from_check_error(number, variant, e);
        let behaviour = format!("loom at {said}: {}", Signature::without_locations(&outcome.summary));
        Box::new(outcome.signed(behaviour, String::new()))
    })?;
    if let Some(failure) = &report.failure {
        let what = match failure.kind {
            FailureKind::WrongValue => "an interleaving that ends wrong",
            FailureKind::Deadlock => "a deadlock",
            FailureKind::DataRace => "a data race",
            FailureKind::Panic => "a panic",
        };
        let summary = format!("loom found {what} ({said}: {})", failure.message);
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
        let behaviour = format!("loom found {what} at {said}: {seen}");
        return Err(Box::new(outcome.signed(behaviour, Signature::shape_of(&failure.schedule))));
    }
    Ok(report)
}
