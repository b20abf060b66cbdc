//! The loom stage: every interleaving of one case of an exercise, the
//! learner's functions in place of the reference fixes, each execution's
//! whole state judged by the lab's specification.

use super::outcome::{Outcome, Signature, Status};
use super::spec::Spec;
use crate::check::{FailureKind, Model, Report, explore_body};
use crate::lab::Case;
use std::time::Duration;

/// How long loom may explore one case before the stage gives up (no verdict).
pub const LOOM_BUDGET: Duration = Duration::from_secs(30);

/// Explores `variant` with `fixes` at `case`; a failure is the failing outcome,
/// with the clearest schedule and the behaviour the catalogue compares.
pub(crate) fn explore<S: Spec>(
    spec: &'static S,
    variant: &'static str,
    fixes: S::Model,
    case: &Case,
) -> Result<Report, Box<Outcome>> {
    let lab = spec.lab();
    let number = lab.number();
    let mut config = Model::of_case(lab, variant, case);
    config.time_budget = LOOM_BUDGET;
    // The judge's verdict must not depend on the learner's shell.
    config.obey_loom_env = false;
    let body_case = case.clone();
    let body = move || spec.run_model(variant, &fixes, &body_case).unwrap_or_default();
    let report = explore_body(&config, body).map_err(|e| {
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
