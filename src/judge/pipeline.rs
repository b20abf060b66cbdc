//! The order of the judge's stages, the same for every lab: the refusals
//! (the file read as Rust: see [`reading`](super::reading)),
//! the one-thread pre-check (with its simulated rivals), loom, the real lock
//! holder, real threads or real processes. Each stage is a file of this room.

use super::Reading;
use super::contention::LOCK_HELD_FOR;
use super::isolate::{LOOM_STAGE, stage};
use super::outcome::{Outcome, Signature, Status};
use super::real_stage::REAL_TRIALS;
use super::sequential::Sequential;
use super::source::Source;
use super::spec::{Learner, Spec, functions_of, others_of};
use super::{loom_stage, real_stage};

/// What the judge says when an exercise's code retries an exchange (a
/// compare-and-swap, a `try_lock`, a `swap`) and the lab's one-thread check
/// armed no rival to make it retry: a gap in the course, never a "solved".
pub const NO_RIVAL: &str = "retries an exchange (a compare-and-swap, a `try_lock` or a `swap`), and this exercise's \
                            one-thread check has no simulated rival to make it retry";

/// ` (`combine` at labs/…/exercise.rs:52)` for the functions that `why`
/// names (all of the exercise's, if it names none), when the source is known.
fn where_is<S: Spec>(spec: &S, exercise: &str, learner: &Learner<S::Real, S::Model>, why: &str) -> String {
    let Some(source) = learner.source else { return String::new() };
    let functions = functions_of(spec.exercises(), exercise);
    let named: Vec<&str> = functions.iter().copied().filter(|f| why.contains(&format!("`{f}"))).collect();
    let shown = if named.is_empty() { functions.to_vec() } else { named };
    let lines: Vec<String> =
        shown.iter().filter_map(|f| source.line_of(f).map(|at| format!("`{f}` at {at}"))).collect();
    if lines.is_empty() { String::new() } else { format!(" ({})", lines.join(", ")) }
}

pub(crate) fn function_names<S: Spec>(spec: &S, exercise: &str) -> String {
    let names: Vec<String> = functions_of(spec.exercises(), exercise).iter().map(|f| format!("`{f}`")).collect();
    names.join(" and ")
}

/// Judges one exercise, in this process (see [`Judge::judge`](super::Judge::judge) for the isolated form).
/// Sets what the one-thread checks take from the code `functions` use, as `reading`
/// read it: the rivals' patience (its [`retry_bound`](Reading::retry_bound)) and
/// whether counts past 2^32 are run ([`may_wrap_past_u32`](Reading::may_wrap_past_u32)).
/// An empty reading sets the defaults back (usual rivals; every count).
pub(crate) fn judge_as_written(reading: &Reading, functions: &[&str]) {
    super::contention::patience(reading.retry_bound(functions), reading.computes_large_numbers(functions));
    super::values::code_may_wrap_past_u32(functions.is_empty() || reading.may_wrap_past_u32(functions));
    super::values::code_numbers(reading.numbers(functions));
}

/// What [`judge_as_written`] set for one check, set back to the defaults when the
/// check ends, however it ends.
struct AsWritten;

impl AsWritten {
    fn set(reading: &Reading, functions: &[&str]) -> AsWritten {
        judge_as_written(reading, functions);
        AsWritten
    }
}

impl Drop for AsWritten {
    fn drop(&mut self) {
        judge_as_written(&Reading::default(), &[]);
    }
}

pub(crate) fn check<S: Spec>(spec: &'static S, exercise: &str, learner: &Learner<S::Real, S::Model>) -> Outcome {
    let others = others_of(spec.exercises(), exercise);
    let mut outcome = check_code(spec, exercise, learner);
    outcome.code = learner.source.map(|source| source.fingerprint_without(&others).into());
    outcome
}

fn check_code<S: Spec>(spec: &'static S, exercise: &str, learner: &Learner<S::Real, S::Model>) -> Outcome {
    let number = spec.lab().number();
    let Some(variant) = spec.exercises().iter().map(|e| e.name).find(|e| *e == exercise) else {
        let names: Vec<&str> = spec.exercises().iter().map(|e| e.name).collect();
        let summary = format!("no exercise `{exercise}` in lab {number}; its exercises: {}", names.join(", "));
        return Outcome::new(number, exercise, Status::Failing, summary, String::new());
    };
    let failing = |summary: String, details: String| Outcome::new(number, variant, Status::Failing, summary, details);

    // What the judge cannot judge is refused before any of the exercise's code runs; an
    // exercise not started yet is "not attempted", whatever the rest of the file uses.
    let functions = functions_of(spec.exercises(), variant);
    let attempted = |source: &Source| source.attempted(functions);
    if let Some(source) = learner.source.filter(attempted)
        && let Some(refusal) = source.read().refusal_for(functions)
    {
        let summary = refusal.summary(source.path, functions);
        return Outcome::new(number, variant, refusal.status(), summary, String::new());
    }

    stage(&format!("the sequential check of {}", function_names(spec, variant)));
    crate::trace::clear();
    crate::trace::reset_rivals();
    // The learner's file tells the one-thread checks (here and after loom) how patient a
    // rival must be and whether counts past 2^32 are worth running (the catalogue sets
    // both from the answer's code); the defaults are back when this check ends.
    let _as_written = learner.source.map(|source| AsWritten::set(&source.read(), functions));
    // Spurious failures for every weak compare-exchange, from the start: each call site's first
    // weak exchanges in each model run fail although the value matched, many times in a row
    // (loom's second pass makes two; a loop that gives up after the third was solved). Right
    // code retries and never notices; the check costs nothing more.
    crate::trace::set_spurious(false);
    let in_a_row = spurious_in_a_row();
    crate::trace::set_spurious_run(Some(in_a_row));
    let mut sequential = spec.sequential(variant, &learner.real, &learner.model);
    crate::trace::set_spurious_run(None);
    let weak_cas_used = crate::trace::weak_cas_used();
    let (contendable, rival_armed) = crate::trace::rivals();
    // Threads (or tasks) the learner's code started in the failing run, if it was in the model.
    let mut own_threads = crate::trace::spawned() > 0;
    // What the one-thread run did (empty for functions that touch no shared memory).
    let mut shape = Signature::shape_of_events(&crate::trace::take());
    // A failure with weak exchanges failing spuriously: judged again without them. Right then,
    // the spurious failures were its cause, and the message says so; wrong still, the plain
    // run's failure is the one reported.
    let mut spurious_cause = false;
    if weak_cas_used && matches!(sequential, Err(Sequential::Logic(_))) {
        crate::trace::clear();
        let plain = spec.sequential(variant, &learner.real, &learner.model);
        if plain.is_ok() {
            spurious_cause = true;
        } else {
            sequential = plain;
            own_threads = crate::trace::spawned() > 0;
            shape = Signature::shape_of_events(&crate::trace::take());
        }
    }
    // A one-thread check that went wrong: a logic error, or a race met on one thread.
    let logic_failure = |why: String, own_threads: bool, shape: String| {
        let at = where_is(spec, variant, learner, &why);
        // The contended runs simulate the other thread: that is a race, met on one real thread.
        let contended = why.contains("when other") || why.contains("when another");
        let (summary, explain) = if why.starts_with(SPURIOUS_RUN_SAYS) {
            (
                format!("wrong when a weak compare-exchange fails spuriously{at}: {why}"),
                "The judge ran your function on one thread, alone, while the hardware made its \
                 `compare_exchange_weak` fail again and again although the value matched — as ARM's \
                 load-linked/store-conditional may. Only a retry with the value the exchange returned is right \
                 whatever the count. Fix this first.",
            )
        } else if contended {
            (
                format!("loses a race against a simulated thread{at}: {why}"),
                "The judge ran your function on one thread while a simulated other thread got in first — \
                 winning the race many times in a row, holding the lock for a long while, or changing the \
                 value just after your code looked at it — as real threads may. Fix this first.",
            )
        } else if own_threads {
            // The exercise's own threads ran, in one order: a race can show there already.
            (
                format!("wrong in the first run, its threads in one fixed order{at}: {why}"),
                "This goes wrong in the judge's first, plain run: the threads (or tasks) your code starts, \
                 run in one fixed order of events. That order may already show a race (a result read before \
                 the thread that makes it is done, a message lost) or a logic error: fix it first; loom's \
                 other orders and real threads only check code that is right in this one.",
            )
        } else {
            (
                format!("not a race — a logic error{at}: {why}"),
                "This goes wrong in the judge's first, plain run — on one thread, in one fixed order of \
                 events (of tasks, in async code), with no race needed: fix it first; loom and real threads \
                 only check code that is right there.",
            )
        };
        let details = format!("{summary}\n\n{explain}");
        // A rival at every call fails on a call whose number depends on how many calls the
        // thread made before (a catalogue's judging process, a learner's run): its numbers
        // are left out, as a real trial's are.
        let behaviour = Signature::without_locations(&why);
        let behaviour = if why.starts_with(super::contention::ON_CALL) {
            Signature::without_numbers(&behaviour)
        } else {
            behaviour
        };
        failing(summary, details).signed(format!("the sequential check: {behaviour}"), shape)
    };
    match sequential {
        Ok(()) => {}
        Err(Sequential::NotAttempted(at)) => {
            let summary = format!("still `todo!()`{at}");
            return Outcome::new(number, variant, Status::NotAttempted, summary, String::new());
        }
        Err(Sequential::NotJudged(why)) => {
            let mut outcome = failing(why, String::new());
            outcome.inconclusive = true;
            return outcome;
        }
        Err(Sequential::Logic(why)) if spurious_cause => {
            let why = format!(
                "{SPURIOUS_RUN_SAYS} many times in a row (up to {in_a_row}: the value matched and it failed anyway, \
                 as real hardware such as ARM's may, for as long as it likes), {why} — a spurious failure is no \
                 reason to give up or to write without an exchange: retry"
            );
            return logic_failure(why, false, shape);
        }
        Err(Sequential::Logic(why)) => return logic_failure(why, own_threads, shape),
    }

    // A rival for every retry loop: an exercise whose code could retry an exchange is "solved"
    // only if its one-thread check made it lose races (see `contention`).
    if contendable && !rival_armed && spec.needs_no_rival(variant).is_none() {
        let mut outcome = failing(
            format!(
                "{} {NO_RIVAL} — a loop that gives up after a few lost races would pass unseen. \
                 This is a gap in the course's checks, not in your answer: please report it",
                function_names(spec, variant)
            ),
            String::new(),
        );
        outcome.inconclusive = true;
        return outcome;
    }

    let cases = spec.cases(variant);
    let mut executions = 0;
    // loom running out of time (or meeting a loop it cannot finish) is no verdict:
    // the real stages still run, and a failure there is one.
    let mut undecided: Option<Outcome> = None;
    let stage_clock = crate::check::clock::WorkClock::start();
    let mut bounded = None;
    for case in &cases {
        stage(&format!("{LOOM_STAGE} {}", spec.lab().describe(case)));
        match loom_stage::explore(spec, variant, learner.model, case, &stage_clock, &mut bounded) {
            Ok(report) => executions += report.executions,
            Err(outcome) if outcome.inconclusive => {
                undecided = Some(*outcome);
                break;
            }
            Err(outcome) => return *outcome,
        }
    }
    let loom = format!("loom: {} cases, {executions} executions", cases.len());
    // Too many interleavings to explore them all: every one with few preemptions, said as such.
    let (every, loom) = match bounded {
        Some(loom_stage::Bounded { bound, endless: true }) => (
            format!("every interleaving with at most {bound} preemptions"),
            format!(
                "{loom}; with more, one schedule never ends: a loop that the threads keep going only when one \
                 is preempted in every round (taking a lock just before the other tries it, say), a livelock no \
                 fair scheduler keeps up"
            ),
        ),
        Some(loom_stage::Bounded { bound, .. }) => (
            format!("every interleaving with at most {bound} preemptions"),
            format!(
                "{loom}; exploring every interleaving would take more than {} s of CPU time",
                loom_stage::LOOM_BUDGET.as_secs()
            ),
        ),
        None => ("every interleaving".to_string(), loom),
    };
    let loom_said =
        if undecided.is_some() { "loom could not finish".to_string() } else { format!("loom passed {every}") };
    let passed_for_real = |undecided: Option<Outcome>, solved: String| match undecided {
        Some(mut outcome) => {
            outcome.summary =
                format!("{}; the real-thread stage found nothing wrong, but cannot prove it", outcome.summary);
            outcome
        }
        None => Outcome::new(number, variant, Status::Solved, solved, String::new()),
    };

    stage("a rival acting just after a look");
    crate::trace::clear();
    let beyond = spec.beyond_loom(variant, &learner.model);
    let shape_beyond = Signature::shape_of_events(&crate::trace::take());
    match beyond {
        Ok(()) | Err(Sequential::NotAttempted(_)) => {}
        Err(Sequential::NotJudged(why)) => {
            let mut outcome = failing(why, String::new());
            outcome.inconclusive = true;
            return outcome;
        }
        Err(Sequential::Logic(why)) => return logic_failure(why, false, shape_beyond),
    }

    stage("one call while a real thread holds the lock");
    if let Err(why) = spec.held_for_real(variant, &learner.real) {
        let summary = format!("{loom_said}, but {why}");
        let details = format!(
            "{summary}\n\nloom's threads and the one-thread check hold a lock for a bounded number of attempts; \
             here a real thread held it for as long as yours kept trying, up to {} s of your thread's CPU time. \
             A lock that gives up after some tries or some time is a lock that is sometimes not one.",
            LOCK_HELD_FOR.as_secs_f64()
        );
        let behaviour = format!("a real thread holding the lock: {}", Signature::without_locations(&why));
        return failing(summary, details).signed(behaviour, shape);
    }

    if variant == "process" {
        let Some(worker) = &learner.worker else {
            return failing("cannot start worker processes to check the worker for real".to_string(), String::new());
        };
        stage("the worker in real processes");
        if let Err(error) = real_stage::in_real_processes(spec, worker, learner.real) {
            let behaviour = format!("real processes: {}", Signature::without_locations(&error));
            return failing(error, String::new()).signed(behaviour, String::new());
        }
        let summary = format!("right in {every} ({loom}) and in real worker processes with unequal jobs");
        return passed_for_real(undecided, summary);
    }
    stage(&format!("{REAL_TRIALS} trials on real threads"));
    if let Err((why, long)) = real_stage::on_real_threads(spec, variant, learner.real) {
        let summary = format!(
            "{loom_said}, but on real threads {why} — the answer does something loom cannot see, goes \
             wrong only with more threads than loom's cases, or only after more calls than they make (a \
             path a call counter takes every Nth call or after N calls; see \"When loom passes and real \
             threads fail\" in lab 01's lesson)"
        );
        let failed = failing(summary, String::new());
        // A long trial fails the same way every time (code that takes another path past its
        // own number): named as the catalogue's mistakes are, its counts left out.
        return if long {
            failed.signed(format!("real threads: {}", Signature::without_numbers(&why)), String::new())
        } else {
            failed
        };
    }
    let summary = format!("right in {every} ({loom}) and in {REAL_TRIALS} trials on real threads");
    passed_for_real(undecided, summary)
}

/// How a failure in the spurious run starts.
const SPURIOUS_RUN_SAYS: &str = "when its `compare_exchange_weak` failed spuriously";

/// How many spurious failures in a row the one-thread check's spurious run makes
/// (see [`crate::trace::set_spurious_run`]): [`crate::trace::SPURIOUS_RUN`], or two
/// more than the code's own largest number up to 40 000 (`> limit` gives up after
/// `limit + 1`; a loop that reloads before
/// each retry spends one of the run's 60 000 steps per failure).
fn spurious_in_a_row() -> u32 {
    let own = crate::trace::patience().saturating_add(2);
    let own = u32::try_from(own).unwrap_or(u32::MAX);
    if own <= 40_000 { own.max(crate::trace::SPURIOUS_RUN) } else { crate::trace::SPURIOUS_RUN }
}
