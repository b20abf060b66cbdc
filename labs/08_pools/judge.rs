//! The judge of lab 08's exercises: `claim`, `shutdown` (`work` and
//! `shutdown`), `in_order` (`consume_in_order`).
//!
//! Job and batch numbers come from the whole allowed range, edges included
//! (`FIRSTS`: 0, 1, 2^8, 2^16, 2^32 ± 1, up to the top of each function's
//! range), with no jobs, one job and unequal jobs:
//!
//! * `claim`: on one thread, every first number and 0, 1 and 3 jobs (each claim
//!   once, then `None`, and `None` again); with a simulated rival that claims a
//!   job just before each of the answer's exchanges, `lost_races_due` times in a
//!   row (a loop that gives up after 3 or 1 000 tries is caught), and one that
//!   takes the last jobs meanwhile (a loop that stops checking the end is caught);
//!   the same again with every weak exchange failing spuriously many times in a
//!   row (the engine's rule for every exercise); then loom at 2×1, 2×2 and 3×1 (the
//!   first job at 2^32 − 1 and 2^63 − 1); then 150 real trials;
//! * `shutdown`: one execution of a pool of one worker, live and queued, 0, 1 and
//!   3 jobs, at every first ticket; loom at 2 workers × 1 job and 1 × 2 with the
//!   workers started first, 2 × 2 with the jobs queued first; every output in
//!   place and no worker running when `shutdown` returns; then 150 real trials;
//! * `in_order`: an adversary plays the loader's workers and tries **every**
//!   order in which requested batches can arrive (0–5 batches, depth 1–3 and
//!   more than the batches — up to 2^64 − 1 —, early stops), then 300 batches in
//!   random orders, with and without a stop, and depths up to 2^17 with a stop;
//!   each run must train every batch once, in order, never hold more than the
//!   depth, never wait while fewer batches are requested than allowed, and stop
//!   at once when `train` says so; then loom (2 loaders × 2 batches at depth 2,
//!   × 3 at depth 1, an early stop); then 150 real trials.
//!
//! # Examples
//!
//! ```
//! use racelab::judge::Status;
//! use racelab::judge::{Judge as _, Spec as _};
//! use racelab::labs::pools::LAB;
//!
//! let mut learner = LAB.solution(None);
//! assert_eq!(LAB.check("claim", &learner).status, Status::Solved);
//! learner.model.claim = racelab::labs::pools::model::racy_claim;
//! learner.real.claim = racelab::labs::pools::real::racy_claim;
//! assert_eq!(LAB.check("claim", &learner).status, Status::Failing);
//! ```

use super::real::{Consume, Ledger, load};
use super::{Batch, LAB, Loader, Pools, model, real};
use crate::judge::contention::{after_races_then_a_stale_look, against_rival, in_a_row, lost_races_due, race_sweep_long, warm_up};
use crate::trace::Rival;
use crate::judge::sequential::*;
use crate::judge::values;
use crate::judge::{Exercise, Learner, Spec};
use crate::lab::{Case, State};
use crate::sync::model::atomic::{AtomicU64, Ordering::SeqCst};

/// A learner's answers to lab 08.
pub type Answers = Learner<real::Fixes, model::Fixes>;

impl Spec for Pools {
    crate::spec_plumbing!();

    fn exercises(&self) -> &'static [Exercise] {
        EXERCISES
    }

    fn cases(&self, exercise: &str) -> Vec<Case> {
        cases(exercise)
    }

    fn real_case(&self, exercise: &str, trial: u32) -> Case {
        real_case(exercise, trial)
    }

    fn sized_case(&self, exercise: &str, threads: usize, iters: u64) -> Case {
        sized_case(exercise, 3, threads, iters)
    }

    fn process_cases(&self) -> Vec<Case> {
        Vec::new()
    }

    fn sequential(&self, exercise: &str, real: &real::Fixes, model: &model::Fixes) -> Result<(), Sequential> {
        sequential(exercise, real, model)
    }

    fn beyond_loom(&self, exercise: &str, model: &model::Fixes) -> Result<(), Sequential> {
        let claim = model.claim;
        if exercise != "claim" {
            return Ok(());
        }
        claim_after_a_stale_look(claim)
    }

    fn combine(&self, _fixes: &real::Fixes, reports: &[u64]) -> State {
        State::count(reports.iter().sum())
    }

    fn report(&self, _fixes: &real::Fixes, _job: &[u64]) -> Option<u64> {
        None
    }
}

/// The exercises and the functions each asks for.
const EXERCISES: &[Exercise] = &[
    Exercise { name: "claim", functions: &["claim"] },
    Exercise { name: "shutdown", functions: &["work", "shutdown"] },
    Exercise { name: "in_order", functions: &["consume_in_order"] },
];

/// The largest `end` a `claim` or a pool is given: 2^63 (`next` may then overshoot without wrapping).
pub const MAX_END: u64 = 1 << 63;

/// First job or batch numbers the judge starts from: the edges of the range.
pub const FIRSTS: [u64; 9] =
    [0, 1, 1 << 8, 1 << 16, (1 << 32) - 2, (1 << 32) - 1, 1 << 32, (1 << 32) + 1, (1 << 62) + 3];

fn cases(exercise: &str) -> Vec<Case> {
    match exercise {
        // Workers started first (`queued 0`), then jobs queued before the workers start: the three
        // shapes that between them show every catalogued shutdown mistake (a live 2 × 2 pool takes
        // loom minutes).
        "shutdown" => vec![
            Case::new(1, 2).with("queued", 0),
            Case::new(2, 1).with("queued", 0).with("first", (1 << 32) - 1),
            Case::new(2, 2).with("queued", 1),
        ],
        "in_order" => vec![
            Case::new(2, 2).with("depth", 2),
            Case::new(2, 2).with("depth", 2).with("stop", 1).with("first", u64::MAX - 2),
            Case::new(2, 3).with("depth", 1).with("first", (1 << 32) - 2),
        ],
        _ => vec![
            Case::new(2, 1),
            Case::new(2, 2).with("first", (1 << 32) - 1),
            Case::new(3, 1).with("first", MAX_END - 1),
        ],
    }
}

fn real_case(exercise: &str, trial: u32) -> Case {
    const COUNTS: [u64; 7] = [0, 1, 2, 7, 100, 1_000, 3_000];
    sized_case(exercise, trial, 1 + (trial % 8) as usize, COUNTS[(trial % 7) as usize])
}

/// A trial's case at a given size: where jobs start, the depth, a stop and a queue as trial `trial` sets them.
fn sized_case(exercise: &str, trial: u32, workers: usize, count: u64) -> Case {
    let at = FIRSTS[(trial % FIRSTS.len() as u32) as usize];
    let first = if exercise == "in_order" { at.min(u64::MAX - count) } else { at.min(MAX_END - count) };
    let case = Case::new(workers, count).with("first", first);
    match exercise {
        "shutdown" => case.with("queued", u64::from(trial.is_multiple_of(2))),
        "in_order" => {
            let depth = [1, 2, 3, 8, 16][(trial % 5) as usize];
            let stop = if trial % 6 == 5 && count > 1 { count / 2 } else { u64::MAX };
            case.with("depth", depth).with("stop", stop)
        }
        _ => case,
    }
}

fn sequential(exercise: &str, real: &real::Fixes, model: &model::Fixes) -> Result<(), Sequential> {
    let f = *model;
    match exercise {
        // One model execution per pool: loom numbers every thread an execution starts.
        "shutdown" => {
            for first in [0, (1 << 32) - 2, MAX_END - 3] {
                for count in [0, 1, 3] {
                    for queued in [true, false] {
                        once_in_model(move || one_pool(f, 1, first, count, queued))
                            .map_err(|e| e.naming(&pool_words(1, first, count, queued)))?;
                    }
                }
            }
            // Pools of three and four workers, in one plain run each: loom's cases have one or two
            // (three would take it minutes), so a `shutdown` that joins only the first two workers
            // (`take(2)`) is caught here.
            for workers in [3, 4] {
                for queued in [true, false] {
                    once_in_model(move || model::letting_the_pool_run_first(|| one_pool(f, workers, 0, 5, queued)))
                        .map_err(|e| e.naming(&pool_words(workers, 0, 5, queued)))?;
                }
            }
            // Past 2^16 jobs, for code that could wrap there (see `values::may_wrap_past_u32`):
            // an index kept in a `u16` puts job 65 536's output over job 0's. On real threads:
            // in the model every job is steps of loom's.
            if values::may_wrap_past_u32() {
                let (work, shutdown) = (real.work, real.shutdown);
                let count = values::PAST_U16;
                once_for_real(|| {
                    let state = real::pool_run(2, 0, count, true, work, shutdown);
                    let words = pool_words(2, 0, count, true);
                    expect_that(&format!("{words}, jobs with the right output in place"), state.get("right"), Some(count))
                })?;
            }
            Ok(())
        }
        "in_order" => every_arrival_order(real.consume),
        _ => once_in_model(move || claim_alone(f.claim)),
    }
}

/// A pool of `workers` workers, `count` jobs from ticket `first`, submitted before the workers start or after.
fn one_pool(f: model::Fixes, workers: usize, first: u64, count: u64, queued: bool) -> Result<(), String> {
    let state = model::pool_run(workers, first, count, queued, f.work, f.shutdown);
    let case = Case::new(workers, count).with("first", first);
    super::judge_state(&case, &state)
        .map_err(|why| format!("{}, `shutdown` ended {state}: {why}", pool_words(workers, first, count, queued)))
}

/// The pool [`one_pool`] runs, in words: "with one worker and 3 jobs submitted to a running
/// worker (tickets from 0)".
fn pool_words(workers: usize, first: u64, count: u64, queued: bool) -> String {
    let (who, whom) = if workers == 1 { ("one worker".to_string(), "worker") } else { (format!("{workers} workers"), "workers") };
    let how = if queued { format!("submitted before the {whom} started") } else { format!("submitted to running {whom}") };
    let how = if workers == 1 && !queued { "submitted to a running worker".to_string() } else { how };
    let jobs = if count == 1 { "1 job".to_string() } else { format!("{count} jobs") };
    format!("with {who} and {jobs} {how} (tickets from {first})")
}

/// `claim` on one thread: every first number, then against rivals.
fn claim_alone(claim: fn(&AtomicU64, u64) -> Option<u64>) -> Result<(), String> {
    for first in crate::judge::values::across(MAX_END - 3) {
        for count in [0, 1, 3] {
            let end = first + count;
            let next = AtomicU64::new(first);
            for k in 0..count {
                expect_eq(&format!("claim(next = {}, end = {end})", first + k), claim(&next, end), Some(first + k))?;
            }
            for _ in 0..2 {
                let now = next.load(SeqCst);
                expect_eq(&format!("claim(next = {now}, end = {end}) with every job claimed"), claim(&next, end), None)?;
            }
        }
    }
    let end = MAX_END;
    let next = AtomicU64::new(end - 1);
    expect_eq(&format!("claim(next = {}, end = {end})", end - 1), claim(&next, end), Some(end - 1))?;
    expect_eq(&format!("claim(next = {end}, end = {end})"), claim(&next, end), None)?;

    // A rival claims a job just before each of this worker's exchanges, many times in a row.
    let (first, end) = (1 << 32, (1 << 32) + 2 * u64::from(lost_races_due()));
    let next = AtomicU64::new(first);
    let (got, lost) = against_rival(lost_races_due(), |v| v + 1, || claim(&next, end));
    let times = in_a_row(lost);
    expect_that(
        &format!("when other workers got in first {times}, with jobs {first}..{end} to claim, `claim` returned"),
        got,
        Some(first + lost),
    )?;

    // The rival takes the last jobs meanwhile: `None`, not a job past the end.
    let next = AtomicU64::new(first);
    let (got, lost) = against_rival(10, |v| v + 1, || claim(&next, first + 2));
    if lost > 0 {
        let want = if lost >= 2 { None } else { Some(first + 1) };
        expect_that(
            &format!(
                "when other workers got in first {lost} times while jobs {first}..{} were left, `claim` returned",
                first + 2
            ),
            got,
            want,
        )?;
    }

    // A weak compare-exchange failing spuriously (as ARM's may) is the engine's rule for
    // every exercise: the pipeline runs this check again with each weak exchange failing
    // many times in a row (`trace::set_spurious_run`).
    Ok(())
}

/// After loom, on one thread, what loom would need more workers than it models
/// to show. Other workers win `k` races in a row, for every `k` of
/// [`race_counts`], and then:
///
/// * leave the last job: this worker must get it (a loop whose patience runs out
///   first, `(end - next) / 2` tries say, sends a worker home with a job left);
/// * claim every job left just after this worker's next look: it must hear
///   `None` (a `fetch_add` because a look said many jobs are left, or "just take
///   one" after losing `k` races, hands out a job past the end).
fn claim_after_a_stale_look(claim: fn(&AtomicU64, u64) -> Option<u64>) -> Result<(), Sequential> {
    // From every `next` over the whole range, with one, two, three or very many jobs left
    // (see [`values::stocks`]): a shortcut taken only near the end or for large numbers.
    once_in_model(move || {
        warm_up(|| {
            claim(&AtomicU64::new(0), 2);
        });
        for (at, end) in crate::judge::values::stocks(MAX_END) {
            let next = AtomicU64::new(at);
            let (got, _, looked) =
                after_races_then_a_stale_look(&next, 0, |v| v, Rival::Writes(end), || claim(&next, end));
            if looked {
                expect_that(
                    &format!(
                        "with `next` at {at} of {at}..{end}, when other workers claimed every job left just after \
                         `claim` looked at `next`, `claim` returned"
                    ),
                    got,
                    None,
                )?;
            }
            if end - at >= 2 {
                let next = AtomicU64::new(at);
                let (got, _, looked) =
                    after_races_then_a_stale_look(&next, 0, |v| v, Rival::Applies(|v| v + 1), || claim(&next, end));
                if looked {
                    let what = format!(
                        "with `next` at {at} of {at}..{end}, when another worker claimed job {at} just after `claim` \
                         looked at `next`"
                    );
                    expect_that(&format!("{what}, `claim` returned"), got, Some(at + 1))?;
                    expect_that(&format!("{what}, `next` is"), next.load(SeqCst), at + 2)?;
                }
            }
        }
        Ok(())
    })?;
    let first: u64 = 1 << 32;
    // One race lost to workers that claimed many jobs at once, then one more claims just
    // after the next look: a loop that "catches up" with a store when `next` is far ahead
    // of what it saw hands out that worker's job again (see `contention::JUMPS`).
    for (jump, rival) in crate::judge::contention::JUMPS {
        once_in_model(move || {
            let next = AtomicU64::new(first);
            let (got, lost, looked) =
                after_races_then_a_stale_look(&next, 1, rival, Rival::Applies(|v| v + 1), || claim(&next, MAX_END));
            let what = format!(
                "with jobs {first}..{MAX_END}, when other workers claimed {jump} between `claim`'s look at `next` and its \
                 exchange{}",
                if looked { " and one more claimed the next just after it looked" } else { "" }
            );
            let want = first + jump * lost + u64::from(looked);
            expect_that(&format!("{what}, `claim` returned"), got, Some(want))?;
            expect_that(&format!("{what}, `next` is"), next.load(SeqCst), want + 1)
        })?;
    }
    for races in race_sweep_long() {
        once_in_model(move || {
            warm_up(|| {
                claim(&AtomicU64::new(0), 2);
            });
            let k = u64::from(races);
            let next = AtomicU64::new(first);
            let end = first + k + 1;
            let (got, lost) = against_rival(races, |v| v + 1, || claim(&next, end));
            // (No race lost: `claim` alone, checked before loom.)
            if lost > 0 { expect_that(
                &format!(
                    "when other workers got in first {} with jobs {first}..{end} to claim (one left for this worker), `claim` returned",
                    in_a_row(lost)
                ),
                got,
                Some(first + lost),
            )?; }
            for end in [first + k + 3, MAX_END] {
                let next = AtomicU64::new(first);
                let (got, lost, looked) =
                    after_races_then_a_stale_look(&next, races, |v| v + 1, Rival::Writes(end), || claim(&next, end));
                if looked {
                    let before = if lost == 0 { String::new() } else { format!("got in first {} and ", in_a_row(lost)) };
                    expect_that(
                        &format!(
                            "when other workers {before}claimed every job of {first}..{end} left just after `claim` looked at `next`, `claim` returned"
                        ),
                        got,
                        None,
                    )?;
                }
            }
            Ok(())
        })?;
    }
    Ok(())
}

// ---------------------------------------------------------------------------
// The consumer: every arrival order, by an adversary that plays the workers
// ---------------------------------------------------------------------------

/// A loader with no threads: the judge decides which requested batch arrives at
/// each wait (the choices in `script`, then the first outstanding), and writes
/// down how many it could have chosen from.
struct Adversary {
    outstanding: Vec<u64>,
    script: Vec<usize>,
    at: usize,
    options: Vec<usize>,
    arrived: Vec<u64>,
    ledger: std::rc::Rc<std::cell::RefCell<Ledger>>,
    calls: u64,
    limit: u64,
    /// A seeded random choice instead of the script (long epochs).
    random: Option<u64>,
}

impl Adversary {
    fn tick(&mut self) {
        self.calls += 1;
        if self.calls > self.limit {
            panic!("{} calls of `request` and `next_loaded` for an epoch of this size: a loop that never ends?", self.limit);
        }
    }
}

impl Loader for Adversary {
    fn request(&mut self, index: u64) {
        self.tick();
        if self.ledger.borrow_mut().request(index) {
            self.outstanding.push(index);
        }
    }

    fn next_loaded(&mut self) -> (u64, Batch) {
        self.tick();
        if !self.ledger.borrow_mut().wait() {
            let why = self.ledger.borrow().why().unwrap_or_default().to_string();
            panic!("{why}");
        }
        let choice = match &mut self.random {
            Some(seed) => {
                *seed ^= *seed << 13;
                *seed ^= *seed >> 7;
                *seed ^= *seed << 17;
                (*seed % self.outstanding.len() as u64) as usize
            }
            None => {
                let choice = self.script.get(self.at).copied().unwrap_or(0);
                self.options.push(self.outstanding.len());
                self.at += 1;
                choice
            }
        };
        let index = self.outstanding.remove(choice.min(self.outstanding.len() - 1));
        self.ledger.borrow_mut().arrived(index);
        self.arrived.push(index);
        (index, load(index))
    }
}

/// One run of `consume` against the adversary; the choices it had at each wait, or what went wrong.
fn one_order(
    consume: Consume,
    (first, count, depth, stop): (u64, u64, u64, Option<u64>),
    script: Vec<usize>,
    random: Option<u64>,
) -> Result<Vec<usize>, Sequential> {
    let ledger = std::rc::Rc::new(std::cell::RefCell::new(Ledger::new(first, count, depth)));
    let mut adversary = Adversary {
        outstanding: Vec::new(),
        script,
        at: 0,
        options: Vec::new(),
        arrived: Vec::new(),
        ledger: std::rc::Rc::clone(&ledger),
        calls: 0,
        limit: count.saturating_mul(4).saturating_add(16),
        random,
    };
    let mut trained = 0;
    let record = std::rc::Rc::clone(&ledger);
    let mut train = |index: u64, batch: Batch| {
        record.borrow_mut().train(index, batch);
        trained += 1;
        let go_on = stop.is_none_or(|s| trained < s);
        if !go_on {
            record.borrow_mut().stop_said();
        }
        go_on
    };
    let stops = stop.map_or(String::new(), |s| format!(", `train` saying stop at the {}", ordinal(s)));
    let call = format!("consume_in_order(loader, first = {first}, count = {count}, depth = {depth}{stops})");
    let ran = crate::check::quietly_catch(std::panic::AssertUnwindSafe(|| {
        calling(&call, || consume(&mut adversary, first, count, depth, &mut train));
    }));
    let order = arrival_order(&adversary.arrived);
    let logic = |why: String| Sequential::Logic(why);
    if let Err((message, at)) = ran {
        if message.contains("not yet implemented") {
            return Err(Sequential::NotAttempted(at));
        }
        return Err(logic(format!("`{call}` panicked{at}: {message}{order}")));
    }
    let mut ledger = ledger.borrow_mut();
    ledger.finish(stop);
    if let Some(why) = ledger.why() {
        return Err(logic(format!("`{call}`: {why}{order}")));
    }
    if let Some(why) = &ledger.first_over {
        return Err(logic(format!("`{call}`: {why}{order}")));
    }
    if ledger.lazy > 0 {
        return Err(logic(format!(
            "`{call}` waited for a batch while fewer were requested than the depth allows: a worker sat idle \
             (request up to `depth` batches ahead before each wait){order}"
        )));
    }
    if let Some(due) = ledger.waited_with_due {
        return Err(logic(format!(
            "`{call}` waited for another batch while batch {due}, the next to train, had already arrived: train \
             each batch as soon as it is due (and refill) before waiting again — a consumer that waits for a \
             whole group leaves the loaders idle at every group's end{order}"
        )));
    }
    Ok(adversary.options)
}

fn ordinal(n: u64) -> String {
    match n {
        1 => "first batch".to_string(),
        2 => "second batch".to_string(),
        3 => "third batch".to_string(),
        n => format!("{n}th batch"),
    }
}

/// ` (batches arrived in the order 1, 0)`, when they did not arrive in index order.
fn arrival_order(arrived: &[u64]) -> String {
    if arrived.windows(2).all(|w| w[0] < w[1]) {
        return String::new();
    }
    let shown: Vec<String> = arrived.iter().take(12).map(u64::to_string).collect();
    let more = if arrived.len() > 12 { ", …" } else { "" };
    format!(" (batches arrived in the order {}{more})", shown.join(", "))
}

/// Every arrival order of every small epoch, then long epochs in random orders.
fn every_arrival_order(consume: Consume) -> Result<(), Sequential> {
    let mut settings = Vec::new();
    for count in 0..=5_u64 {
        for depth in [1, 2, 3, 8] {
            // Batch numbers across each width's edge: 2^32 (a `u32`), 2^63 (an `i64` offset), 2^64.
            for first in [0, (1 << 32) - 2, (1 << 63) - 1, u64::MAX - count] {
                settings.push((first, count, depth, None));
            }
            if count >= 2 {
                settings.push(((1 << 32) - 1, count, depth, Some(1)));
                settings.push((1 << 8, count, depth, Some(count - 1)));
            }
        }
    }
    // Epochs over the whole range of `count`, `train` saying stop after a few batches: a
    // count kept in a `u32` (`count as u32`) stops at 2^32 + 1 after one batch, at 2^32 at once.
    for count in crate::judge::values::across(u64::MAX).into_iter().filter(|&c| c > 5) {
        for first in [0, u64::MAX - count] {
            for depth in [1, 3] {
                settings.push((first, count, depth, Some(3)));
            }
        }
    }
    // Depths over the whole range, edges included: more depth than batches must request every
    // batch at once (a depth kept in a `u32` is 0 at 2^32 and requests nothing).
    let depths: Vec<u64> = crate::judge::values::across(u64::MAX).into_iter().filter(|&d| d > 3).collect();
    for &depth in &depths {
        for first in [0, u64::MAX - 5] {
            settings.push((first, 5, depth, None));
        }
    }
    for setting in settings {
        // Depth first over the adversary's choices: each run replays a prefix and reports its options.
        let mut stack: Vec<Vec<usize>> = vec![Vec::new()];
        let mut runs = 0;
        while let Some(script) = stack.pop() {
            runs += 1;
            if runs > 5_000 {
                break;
            }
            let options = one_order(consume, setting, script.clone(), None)?;
            for (i, &n) in options.iter().enumerate().skip(script.len()) {
                for choice in 1..n {
                    let mut longer: Vec<usize> = options[..i].iter().map(|_| 0).collect();
                    longer[..script.len().min(i)].copy_from_slice(&script[..script.len().min(i)]);
                    longer.push(choice);
                    stack.push(longer);
                }
            }
        }
    }
    for (first, depth, seed) in [(0, 8, 1), (1 << 16, 3, 2), (u64::MAX - 300, 16, 3), ((1 << 32) - 150, 5, 4)] {
        one_order(consume, (first, 300, depth, None), Vec::new(), Some(0x9E37_79B9_7F4A_7C15 ^ seed))?;
    }
    // A stop in a long run too: code that handles a stop one way for few batches and another
    // for many ("train one more when the run is long") meets it.
    for (stop, seed) in [(1, 5), (6, 6), (150, 7), (299, 8)] {
        one_order(consume, (1 << 8, 300, 5, Some(stop)), Vec::new(), Some(0x9E37_79B9_7F4A_7C15 ^ seed))?;
    }
    // Fewer batches than the depth would be judged at every depth, but a right answer requests
    // `depth` batches before its first wait: up to 2^17 of them (a depth capped at 64, or at
    // 2^16, waits with fewer requested than allowed), three trained, then a stop.
    for (seed, &depth) in (9..).zip(depths.iter().filter(|&&d| d <= 1 << 17)) {
        one_order(consume, (1 << 8, depth + 3, depth, Some(3)), Vec::new(), Some(0x9E37_79B9_7F4A_7C15 ^ seed))?;
    }
    Ok(())
}
