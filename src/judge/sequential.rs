//! The one-thread pre-check: each of the learner's functions called on one
//! thread, against the specification, before any interleaving is explored.
//! A mismatch here is a logic error, not a race, and is reported as such.

use crate::check::CheckError;
use crate::lab::Case;
use std::sync::Arc;

/// Why a sequential check failed: the code is wrong even with one thread.
#[derive(Debug)]
pub enum Sequential {
    /// Still `todo!()` (with ` at file:line`, when known).
    NotAttempted(String),
    /// A logic error: the function, its inputs, what it gave, what was right.
    Logic(String),
    /// The checker cannot model what the answer does (more tasks than loom has
    /// threads): no verdict, and the reason.
    NotJudged(String),
}

impl Sequential {
    /// Names the input a failure happened with, when its message does not already
    /// start with it: a panic (`attempt to subtract with overflow at …`) says where,
    /// not with what.
    ///
    /// ```
    /// use racelab::judge::Sequential;
    /// let named = Sequential::Logic("it panicked: overflow".into()).naming("with 0 jobs");
    /// assert!(matches!(named, Sequential::Logic(why) if why == "with 0 jobs: it panicked: overflow"));
    /// let kept = Sequential::Logic("with 0 jobs, it ended early".into()).naming("with 0 jobs");
    /// assert!(matches!(kept, Sequential::Logic(why) if why == "with 0 jobs, it ended early"));
    /// ```
    pub fn naming(self, input: &str) -> Sequential {
        match self {
            Sequential::Logic(why) if !why.starts_with(input) => Sequential::Logic(format!("{input}: {why}")),
            other => other,
        }
    }
}

/// Calls `check` once inside loom's model, on a single thread: a plain
/// sequential run, except that a self-deadlock, a spin loop or a `todo!()`
/// is reported with the learner's line instead of hanging or crashing.
///
/// # Examples
///
/// ```
/// use racelab::judge::once_in_model;
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
    once_in_model_shared(Arc::new(check))
}

/// [`once_in_model`], for a check that may be run twice.
fn once_in_model_shared(check: Arc<dyn Fn() -> Result<(), String> + Send + Sync>) -> Result<(), Sequential> {
    let verdict = Arc::new(std::sync::Mutex::new(Ok(())));
    let (shared, again) = (Arc::clone(&verdict), Arc::clone(&check));
    CALLING.with(|c| c.borrow_mut().take());
    crate::sync::model::task::take_ended_in_panic();
    let result = crate::check::run_once(move || {
        let outcome = check();
        *shared.lock().unwrap_or_else(|p| p.into_inner()) = outcome;
    });
    // Whether the call that ran away had lost a race to a simulated rival (no when it returned).
    let lost = crate::trace::interference_used();
    // The call a check named with [`calling`] (loom runs the model on this OS thread): the
    // one that ran away, when it did not return.
    let call = CALLING.with(|c| c.borrow_mut().take());
    let one_call = call.as_ref().map_or("one call".to_string(), |call| format!("`{call}`"));
    crate::trace::interfere(0, |v| v);
    // A rival made patient by a large number in the learner's code (`contention::patience`)
    // can outlast loom's steps when each retry costs loom some (a lock taken and let go): that
    // says nothing of the answer. Judged again with the usual rivals.
    if matches!(result, Err(CheckError::RunawayLoop(_))) && crate::trace::patience_raised() {
        crate::trace::set_patience(0, false, false);
        return once_in_model_shared(again);
    }
    match result {
        Err(CheckError::NotAttempted(at)) => Err(Sequential::NotAttempted(at)),
        Err(CheckError::RunawayLoop(at)) if lost > 0 => Err(Sequential::Logic(format!(
            "alone it finishes, but when another thread got in first (a simulated rival changed the value just \
             before its exchange), {one_call} never finished — more than {} operations on shared objects (loom's \
             steps){at}: a retry loop \
             that tries again with the value it read before the rival wrote can never succeed. A failed \
             `compare_exchange` returns the current value in its `Err`: retry with that (or load again)",
            crate::check::SEQUENTIAL_MAX_BRANCHES
        ))),
        // Stopped inside `block_on`: the loop was a task's, on the executor's one thread.
        Err(CheckError::RunawayLoop(at)) if crate::sync::model::task::take_ended_in_panic() => {
            Err(Sequential::Logic(format!(
                "{one_call} did more than {} operations on shared objects (loom's steps){at} without returning, in \
                 async code: a loop with no `.await` in it \
                 keeps the executor's one thread, so no other task runs and nothing the loop waits for (a task's \
                 end, a `spawn_blocking` result, a message, a flag another task sets) can arrive — `.await` it \
                 instead",
                crate::check::SEQUENTIAL_MAX_BRANCHES
            )))
        }
        Err(CheckError::RunawayLoop(at)) => Err(Sequential::Logic(format!(
            "{one_call} did more than {} operations on shared objects (loom's steps){at} without returning: \
             either a loop that waits for something no \
             thread will ever do (a lock this thread holds, a value no one writes), or a shared-memory \
             operation per step of work where the exercise needs a few — count in a local variable, share \
             once{}",
            crate::check::SEQUENTIAL_MAX_BRANCHES,
            narrowed_hint(call.as_deref())
        ))),
        Err(CheckError::ModelLimit(why)) => Err(Sequential::NotJudged(why)),
        // A panic inside a call a check named (an overflow in the learner's sum, say): its input.
        Err(CheckError::Failed(why)) if call.is_some() => Err(Sequential::Logic(format!("{one_call} panicked: {why}"))),
        Err(other) => Err(Sequential::Logic(other.to_string())),
        Ok(()) => {
            let verdict = std::mem::replace(&mut *verdict.lock().unwrap_or_else(|p| p.into_inner()), Ok(()));
            verdict.map_err(Sequential::Logic)
        }
    }
}

/// For a call that ran away with an input past 2^32, in code that converts or names a
/// narrow type: a number narrowed on the way (`batch as u32`: 2^32 + 2 becomes 2) is a
/// third way to take billions of steps.
fn narrowed_hint(call: Option<&str>) -> &'static str {
    let past_u32 = call.is_some_and(|call| {
        call.split(|c: char| !c.is_ascii_digit()).filter_map(|n| n.parse::<u64>().ok()).any(|n| n > u64::from(u32::MAX))
    });
    if past_u32 && super::values::may_wrap_past_u32() {
        "; or, with an input past 2^32, a number narrowed on the way (`as u32` turns 2^32 + 2 into 2: a loop \
         then runs billions of times where it should run a few)"
    } else {
        ""
    }
}

/// Runs `f` (pure functions: a worker, a `combine`), turning a `todo!()` or
/// a panic into a [`Sequential`] error.
pub fn once_for_real<F: FnOnce() -> Result<(), String>>(f: F) -> Result<(), Sequential> {
    CALLING.with(|c| c.borrow_mut().take());
    let result = crate::check::quietly_catch(f);
    let call = CALLING.with(|c| c.borrow_mut().take());
    match result {
        Ok(result) => result.map_err(Sequential::Logic),
        Err((message, at)) if message.contains("not yet implemented") => Err(Sequential::NotAttempted(at)),
        Err((message, at)) => Err(Sequential::Logic(match call {
            Some(call) => format!("`{call}` panicked{at}: {message}"),
            None => format!("it panicked{at}: {message}"),
        })),
    }
}

thread_local! {
    /// The call [`calling`] is making now: a panic in it is named with its input.
    static CALLING: std::cell::RefCell<Option<String>> = const { std::cell::RefCell::new(None) };
}

/// Makes the call `call` names (`"combine([1, 2])"`) by running `f`: if it panics
/// inside [`once_for_real`], the failure names the call and its input — an `i32`
/// sum that overflows in `combine` is not blamed on `worker`.
///
/// ```
/// use racelab::judge::{Sequential, calling, once_for_real};
/// let failed = once_for_real(|| {
///     calling("combine([1, 2])", || -> u64 { panic!("attempt to add with overflow") });
///     Ok(())
/// });
/// assert!(matches!(failed, Err(Sequential::Logic(why)) if why.starts_with("`combine([1, 2])` panicked")));
/// ```
pub fn calling<T>(call: &str, f: impl FnOnce() -> T) -> T {
    CALLING.with(|c| *c.borrow_mut() = Some(call.to_string()));
    // A judging child tells its parent too: a call that kills the process (an allocation no
    // machine can give, a stack overflow) is named by its input there.
    super::channel::calling_now(call);
    let result = f();
    // Not reached when `f` panics: the panic's handler reads the call first (see
    // `once_for_real`), and the next `calling` replaces it.
    super::channel::calling_now("");
    CALLING.with(|c| c.borrow_mut().take());
    result
}

/// Compares a state after a call with the right one: `what` says which, e.g.
/// "after two calls of `f` on 0 the count is".
///
/// ```
/// use racelab::judge::expect_that;
/// let why = expect_that("after `f` the count is", 1, 2).unwrap_err();
/// assert_eq!(why, "after `f` the count is 1, expected 2");
/// ```
pub fn expect_that<T: PartialEq + std::fmt::Debug>(what: &str, got: T, want: T) -> Result<(), String> {
    if got == want { Ok(()) } else { Err(format!("{what} {got:?}, expected {want:?}")) }
}

/// The one-thread checks of a counting `worker` and a summing `combine`
/// (labs 01, 04, 06, 07): counts from 0 to past 2^32 (at most `max_job`, the
/// largest job the lab's worker can be given), report lists up to the lab's
/// largest total (see [`values`](super::values)).
pub fn check_counting_worker(
    worker: fn(u64) -> u64,
    combine: fn(&[u64]) -> u64,
    max_job: u64,
    max_total: u64,
) -> Result<(), Sequential> {
    once_for_real(|| {
        // `combine` first: its report lists take microseconds, where a counting `worker`
        // of code that may wrap counts past 2^32 (seconds) — a wrong `combine` is named at once.
        check_summing_combine(combine, max_total)?;
        let jobs = super::values::loop_counts(max_job);
        let wrong: Vec<(u64, u64)> = jobs
            .iter()
            .map(|&k| (k, calling(&format!("worker({k})"), || worker(k))))
            .filter(|&(k, got)| got != k)
            .collect();
        if let Some(&(k, got)) = wrong.first() {
            // Which jobs it gets wrong tells mistakes apart: one edge (0) or every job. Told
            // from the jobs up to 2^16 + 1, which every answer is given (see
            // `values::loop_counts`), so the same mistake reads the same (and is named)
            // whatever else the file names.
            let small = |j: u64| j <= super::values::PAST_U16;
            let below: Vec<u64> = jobs.iter().copied().filter(|&j| small(j)).collect();
            let wrong_below: Vec<&(u64, u64)> = wrong.iter().filter(|(j, _)| small(*j)).collect();
            let up_to = below.last().copied().unwrap_or(k);
            let others = match wrong_below.as_slice() {
                [] => format!("right for every job tried up to {up_to}, wrong past it"),
                [_] => format!("right for every other job tried, up to {up_to}"),
                [.., (last, its)] => format!(
                    "wrong for {} of the {} jobs tried up to {up_to}; `worker({last})` returned {its}",
                    wrong_below.len(),
                    below.len()
                ),
            };
            let earlier: u64 = jobs.iter().take_while(|&&j| j != k).fold(0, |sum, &j| sum.wrapping_add(j));
            let kept = kept_between_calls(got, k, earlier).unwrap_or_default();
            return Err(format!("`worker({k})` returned {got}, expected {k} ({others}){kept}"));
        }
        Ok(())
    })
}

/// When a call's wrong count `got` is the right one, `want`, plus `earlier` (what
/// the earlier calls on this thread counted): the diagnosis, that the code keeps its
/// count between calls (a `static` or a `thread_local!` never reset).
///
/// ```
/// use racelab::judge::sequential::kept_between_calls;
/// assert!(kept_between_calls(13, 10, 3).is_some_and(|why| why.starts_with(": 3 too many")));
/// assert_eq!(kept_between_calls(14, 10, 3), None);
/// assert_eq!(kept_between_calls(10, 10, 0), None);
/// ```
pub fn kept_between_calls(got: u64, want: u64, earlier: u64) -> Option<String> {
    (earlier > 0 && got != want && got == want.wrapping_add(earlier)).then(|| {
        format!(
            ": {earlier} too many — every count of this thread's earlier calls, counted again. A count kept \
             between calls (a `static`, a `thread_local!` never reset) must start from 0 at each call: take it \
             (`replace(0)`) when you use it"
        )
    })
}

/// Calls the learner's function once per case, one after another on this thread
/// (`call` makes the call, `name` says it: `worker(7)`), comparing each count with
/// `want`; a wrong count that is the right one plus the earlier calls' counts is
/// said to be kept between calls (see [`kept_between_calls`]).
///
/// ```
/// use racelab::judge::sequential::each_call;
/// let twice = |k: u64| k * 2;
/// let why = each_call(&[1, 2], |k| format!("worker({k})"), twice, |k| k).unwrap_err();
/// assert_eq!(why, "`worker(1)` returned 2, expected 1");
/// ```
pub fn each_call<C: Copy>(
    cases: &[C],
    name: impl Fn(C) -> String,
    call: impl Fn(C) -> u64,
    want: impl Fn(C) -> u64,
) -> Result<(), String> {
    let mut earlier = 0_u64;
    for &case in cases {
        let (what, want) = (name(case), want(case));
        let got = calling(&what, || call(case));
        if let Some(kept) = kept_between_calls(got, want, earlier) {
            return Err(format!("`{what}` returned {got}, expected {want}{kept}"));
        }
        expect_eq(&what, got, want)?;
        earlier = earlier.wrapping_add(want);
    }
    Ok(())
}

/// A `combine` that adds the workers' reports, for every report list of
/// [`values::report_lists`](super::values::report_lists) up to `max_total`.
pub(crate) fn check_summing_combine(combine: fn(&[u64]) -> u64, max_total: u64) -> Result<(), String> {
    for reports in super::values::report_lists(max_total) {
        let total = reports.iter().sum();
        let call = format!("combine({})", shown(&reports));
        expect_eq(&call, calling(&call, || combine(&reports)), total)?;
    }
    Ok(())
}

/// A list as a failure names it: in full when short, else its length and first values.
pub fn shown(list: &[u64]) -> String {
    if list.len() <= 6 {
        format!("{list:?}")
    } else {
        format!("[{}, {}, … {} numbers]", list[0], list[1], list.len())
    }
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

/// Compares what a function call returned with the right answer.
///
/// ```
/// use racelab::judge::expect_eq;
/// assert!(expect_eq("combine([3, 5])", 8, 8).is_ok());
/// assert_eq!(expect_eq("combine([3, 5])", 3, 8).unwrap_err(), "`combine([3, 5])` returned 3, expected 8");
/// ```
pub fn expect_eq<T: PartialEq + std::fmt::Debug>(call: &str, got: T, want: T) -> Result<(), String> {
    if got == want { Ok(()) } else { Err(format!("`{call}` returned {got:?}, expected {want:?}")) }
}
