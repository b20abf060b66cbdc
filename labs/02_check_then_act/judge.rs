//! The judge of lab 02's exercises: `mutex`, `parking_lot`, `atomic`, `process`.
//!
//! The whole specification is checked: tickets sold *and* every buyer's
//! answer, at capacities that leave no slack — equal to the demand (every
//! buyer must hear yes: a buyer who gives up is caught), one less, above it,
//! and 0:
//!
//! * sequential: one buy on (sold, capacity) = (0, 2), (1, 2), (2, 2), (0, 0)
//!   must answer yes, yes, no, no and leave 1, 2, 2, 0; `worker` and `combine`
//!   on unequal jobs, with shares larger and smaller than the attempts;
//! * loom at 2×1 (capacity 2, 1, 0, 5), 2×2 (4, 3) and, for `atomic`, 3×1 (3 and 2), with
//!   `try_lock` contention and spurious weak compare-exchange failures;
//! * 150 trials on 1–8 real threads with capacities around the demand;
//! * for `process`, the learner's `worker` in real processes, unequal jobs.
//!
//! # Examples
//!
//! ```
//! use racelab::judge::Status;
//! use racelab::judge::{Judge as _, Spec as _};
//! use racelab::labs::check_then_act::LAB;
//!
//! let mut learner = LAB.solution(None);
//! assert_eq!(LAB.check("atomic", &learner).status, Status::Solved);
//! learner.model.atomic = racelab::labs::check_then_act::model::racy_buy;
//! assert_eq!(LAB.check("atomic", &learner).status, Status::Failing);
//! ```

use crate::judge::contention::*;
use crate::trace::Rival;
use crate::judge::sequential::*;
use crate::judge::values;
use crate::judge::{Exercise, Learner, Spec};
use super::{LAB, CheckThenAct, model, real};
use crate::lab::{Case, State};
use crate::sync::model::{Mutex, atomic::AtomicU64, atomic::Ordering::Relaxed, parking_lot};

/// A learner's answers to lab 02.
pub type Answers = Learner<real::Fixes, model::Fixes>;

impl Spec for CheckThenAct {
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
        sized_case(exercise, 1, threads, iters)
    }

    fn process_cases(&self) -> Vec<Case> {
        process_cases()
    }

    fn sequential(&self, exercise: &str, real: &real::Fixes, model: &model::Fixes) -> Result<(), Sequential> {
        sequential(exercise, real, model)?;
        if exercise != "atomic" {
            return Ok(());
        }
        // A rival buyer at every call of a long run, with tickets to spare: each call sells one.
        let buy = model.atomic;
        count_rivalled_at_every_call("atomic_buy", || AtomicU64::new(0), |sold| sold, move |sold| {
            buy(sold, MAX);
        })
    }

    fn beyond_loom(&self, exercise: &str, model: &model::Fixes) -> Result<(), Sequential> {
        beyond_loom(exercise, model)
    }

    fn held_for_real(&self, exercise: &str, real: &real::Fixes) -> Result<(), String> {
        held_for_real(exercise, real)
    }

    fn combine(&self, fixes: &real::Fixes, reports: &[u64]) -> State {
            State::default().with("sold", (fixes.combine)(reports)).with_list("got", reports.to_vec())
    }

    fn report(&self, fixes: &real::Fixes, job: &[u64]) -> Option<u64> {
        let arg = |i: usize| job.get(i).copied().unwrap_or(0);
        Some((fixes.worker)(arg(0), arg(1)))
    }
}

/// The exercises and the functions each asks for.
const EXERCISES: &[Exercise] = &[
    Exercise { name: "mutex", functions: &["mutex_buy"] },
    Exercise { name: "parking_lot", functions: &["parking_lot_buy"] },
    Exercise { name: "atomic", functions: &["atomic_buy"] },
    Exercise { name: "process", functions: &["worker", "combine"] },
];



fn cases(exercise: &str) -> Vec<Case> {
    let mut cases = match exercise {
        "process" => {
            vec![Case::workers(vec![vec![2, 5], vec![3, 0]]), Case::workers(vec![vec![1, 1], vec![4, 2], vec![0, 3]])]
        }
        _ => vec![
            Case::new(2, 1).with_stock(2),
            Case::new(2, 1).with_stock(1),
            Case::new(2, 1).with_stock(0),
            Case::new(2, 1).with_stock(5),
            Case::new(2, 2).with_stock(4),
            Case::new(2, 2).with_stock(3),
        ],
    };
    // A buyer that gives up after a few lost races is caught on one thread, under
    // simulated contention, so one three-buyer case is enough for a CAS loop; lock
    // answers skip it (a busy `try_lock` yields, which multiplies loom's search).
    if exercise == "atomic" {
        cases.push(Case::new(3, 1).with_stock(3));
        // Three buyers for two tickets: a shortcut (`fetch_add` while a look says fewer than
        // half are sold) taken by all three on the same stale look sells three.
        cases.push(Case::new(3, 1).with_stock(2));
    }
    cases
}

fn real_case(exercise: &str, trial: u32) -> Case {
    const ITERS: [u64; 5] = [1, 3, 10, 100, 500];
    sized_case(exercise, trial, 1 + (trial % 8) as usize, ITERS[(trial % 5) as usize])
}

/// A trial's case at a given size: the stock as trial `trial` sets it (1: one less than the demand).
fn sized_case(_exercise: &str, trial: u32, threads: usize, iters: u64) -> Case {
    let case = Case::new(threads, iters);
    let demand = case.demand();
    let stock = match trial % 4 {
        0 => demand,
        1 => demand.saturating_sub(1),
        2 => demand + 3,
        _ => demand / 2,
    };
    case.with_stock(stock)
}

fn process_cases() -> Vec<Case> {
    vec![
        Case::workers(vec![vec![2, 5], vec![3, 0]]),
        Case::workers(vec![vec![1, 1], vec![4, 2], vec![0, 3]]),
        Case::workers(vec![vec![500, 100], vec![50, 400]]),
        // Equal jobs: a `combine` that drops repeated reports is caught.
        Case::workers(vec![vec![3, 3], vec![3, 3]]),
    ]
}

/// The most tickets a run sells.
const MAX: u64 = crate::runner::MAX_TOTAL;

/// One purchase from `sold` of `capacity` — `(sold, capacity, answer, sold after)` —
/// with capacities over the whole range (a count kept in a `u32` goes wrong past
/// 2^32), each with nothing, all but one, and all of it sold.
///
/// Then the same purchases in the opposite order, each on a stock of its own: a
/// buyer that remembers, from call to call, how many were left ("plenty last time:
/// just add one") meets a sold-out stock right after a call with plenty left.
fn buys() -> Vec<(u64, u64, bool, u64)> {
    let mut all = vec![(0, 2, true, 1), (1, 2, true, 2), (2, 2, false, 2), (0, 0, false, 0)];
    for capacity in values::across(MAX).into_iter().filter(|&c| c > 0) {
        all.extend([(0, capacity, true, 1), (capacity - 1, capacity, true, capacity), (capacity, capacity, false, capacity)]);
    }
    all.dedup();
    let back: Vec<_> = all.iter().rev().copied().collect();
    all.extend(back);
    all
}

/// `worker(attempts, tickets)` cases, `(attempts, tickets, sold)`: a worker sells
/// what it is asked for, up to its share. Shares span the whole range (a share
/// kept in a `u32` goes wrong past 2^32, whatever the attempts); attempts are
/// counted one by one, each a check-then-act, so they stay below 2^17 — but for
/// one case past 2^32, for code that could wrap there.
fn worker_cases() -> Vec<(u64, u64, u64)> {
    let mut all = vec![(3, 5, 3), (5, 3, 3), (0, 4, 0), (4, 0, 0), (2, 2, 2)];
    for attempts in values::loop_counts(1 << 17) {
        let mut shares = vec![0, attempts.saturating_sub(1), attempts, attempts + 1];
        shares.extend(values::across(MAX).into_iter().filter(|&t| t > 1 << 17));
        all.extend(shares.into_iter().map(|tickets| (attempts, tickets, attempts.min(tickets))));
    }
    // Attempts and share both past 2^32, for code that could wrap there (see
    // `values::may_wrap_past_u32`): `attempts.min(tickets) as u32` is right whenever either
    // fits. Last: a worker that counts its attempts one by one takes seconds to get there.
    if values::may_wrap_past_u32() {
        all.push((values::PAST_U32, values::PAST_U32 + 1, values::PAST_U32));
    }
    all
}

fn one_buy(name: &str, sold: u64, capacity: u64, answer: bool, after: u64, want: (bool, u64)) -> Result<(), String> {
    let yes_no = |b: bool| if b { "yes" } else { "no" };
    // Both halves of the result, always: a buyer told yes with the count at 3 (an
    // off-by-one check) and one told yes with the count left at 2 (a sale capped at
    // the capacity) are different mistakes, and are named apart.
    if answer != want.0 {
        return Err(format!(
            "`{name}` with {sold} of {capacity} tickets sold answered {} and left the count at {after}, expected {} \
             and {}",
            yes_no(answer),
            yes_no(want.0),
            want.1
        ));
    }
    expect_that(&format!("after `{name}` with {sold} of {capacity} tickets sold, the count is"), after, want.1)
}

/// Refusals in a row, then a ticket left (`buy(sold, capacity)` makes the count, calls the
/// buyer and returns its answer and the count after): a buyer that remembers on its thread
/// that it was refused ("sold out" after a few refusals) must still sell when a ticket is
/// left. As many refusals as the code's own largest number and one more (at least 4; past
/// [`WARM_UP_MOST`], 4: each call costs the one-thread run a few of its steps).
fn sells_after_refusals(name: &str, buy: impl Fn(u64, u64) -> Result<(bool, u64), String>) -> Result<(), String> {
    let own = crate::trace::patience();
    let refusals = if own <= WARM_UP_MOST { own + 1 } else { 0 }.max(4);
    for _ in 0..refusals {
        let (answer, after) = buy(5, 5)?;
        one_buy(name, 5, 5, answer, after, (false, 5))?;
    }
    let (answer, after) = buy(0, 5)?;
    one_buy(name, 0, 5, answer, after, (true, 1))
        .map_err(|e| format!("after {refusals} calls in a row that found every ticket sold, {e}"))
}

fn sequential(exercise: &str, real: &real::Fixes, model: &model::Fixes) -> Result<(), Sequential> {
    let f = *model;
    match exercise {
        "mutex" => once_in_model(move || {
            for (sold, capacity, yes, after) in buys() {
                let counter = Mutex::new(sold);
                let answer = (f.mutex)(&counter, capacity);
                let now = *counter.lock().map_err(|_| "the mutex is poisoned")?;
                one_buy("mutex_buy", sold, capacity, answer, now, (yes, after))?;
            }
            sells_after_refusals("mutex_buy", |sold, capacity| {
                let counter = Mutex::new(sold);
                let answer = (f.mutex)(&counter, capacity);
                let now = *counter.lock().map_err(|_| "the mutex is poisoned")?;
                Ok((answer, now))
            })?;
            let counter = Mutex::new(0);
            let mut answer = false;
            with_lock_held_elsewhere("mutex_buy", || {
                answer = (f.mutex)(&counter, 1);
                Ok(())
            })?;
            let now = *counter.lock().map_err(|_| "the mutex is poisoned")?;
            one_buy("mutex_buy", 0, 1, answer, now, (true, 1))
                .map_err(|e| format!("when another buyer held the lock for a while, {e}"))
        }),
        "parking_lot" => once_in_model(move || {
            for (sold, capacity, yes, after) in buys() {
                let counter = parking_lot::Mutex::new(sold);
                let answer = (f.parking_lot)(&counter, capacity);
                one_buy("parking_lot_buy", sold, capacity, answer, *counter.lock(), (yes, after))?;
            }
            sells_after_refusals("parking_lot_buy", |sold, capacity| {
                let counter = parking_lot::Mutex::new(sold);
                let answer = (f.parking_lot)(&counter, capacity);
                Ok((answer, *counter.lock()))
            })?;
            let counter = parking_lot::Mutex::new(0);
            let mut answer = false;
            with_lock_held_elsewhere("parking_lot_buy", || {
                answer = (f.parking_lot)(&counter, 1);
                Ok(())
            })?;
            one_buy("parking_lot_buy", 0, 1, answer, *counter.lock(), (true, 1))
                .map_err(|e| format!("when another buyer held the lock for a while, {e}"))
        }),
        "atomic" => once_in_model(move || {
            for (sold, capacity, yes, after) in buys() {
                let counter = AtomicU64::new(sold);
                let answer = (f.atomic)(&counter, capacity);
                one_buy("atomic_buy", sold, capacity, answer, counter.load(Relaxed), (yes, after))?;
            }
            sells_after_refusals("atomic_buy", |sold, capacity| {
                let counter = AtomicU64::new(sold);
                let answer = (f.atomic)(&counter, capacity);
                Ok((answer, counter.load(Relaxed)))
            })?;
            // Contended: other buyers sell between this buyer's check and its exchange.
            let counter = AtomicU64::new(0);
            // More tickets than lost races: a ticket is always left for this buyer.
            let tickets = u64::from(lost_races_due()) * 2;
            let (answer, other) = against_rival(lost_races_due(), |v| v + 1, || (f.atomic)(&counter, tickets));
            let what = format!(
                "with {tickets} tickets, when other buyers got in first {}, `atomic_buy` must still sell:",
                in_a_row(other)
            );
            if !answer {
                return Err(format!("{what} it answered no"));
            }
            expect_that(&format!("{what} the count is"), counter.load(Relaxed), other + 1)
        }),
        _ => {
            let f = *real;
            once_for_real(|| {
                each_call(
                    &worker_cases(),
                    |(attempts, tickets, _)| format!("worker({attempts}, {tickets})"),
                    |(attempts, tickets, _)| (f.worker)(attempts, tickets),
                    |(_, _, sells)| sells,
                )?;
                check_summing_combine(f.combine, MAX)?;
                Ok(())
            })
        }
    }
}

/// After loom, on one thread, what loom would need more buyers than it models
/// to show. Other buyers win `k` races in a row, for every `k` of
/// [`race_counts`], and then:
///
/// * leave the last ticket: this buyer must get it (a loop whose patience
///   runs out first turns a buyer away with a ticket left);
/// * sell every ticket left just after this buyer's next look: it must say no
///   (a loop that "just takes one" with `fetch_add` after losing `k` races, or a
///   `fetch_add` while a look says plenty are left, oversells).
fn beyond_loom(exercise: &str, model: &model::Fixes) -> Result<(), Sequential> {
    match exercise {
        "mutex" => sold_out_between_lockings("mutex_buy", model.mutex),
        "parking_lot" => sold_out_between_lockings("parking_lot_buy", model.parking_lot),
        "atomic" => atomic_beyond_loom(model.atomic),
        _ => Ok(()),
    }
}

/// After loom, for the lock exercises, on one thread: other buyers wait for the
/// lock and get it between this buyer's unlocking and its next locking, and sell
/// every ticket left (see [`between_two_lockings`]), after the first `k` `try_lock`s
/// found it busy, for every `k` of [`race_sweep`]. A buyer that checks under one
/// locking and sells under another (a fast path "while plenty are left", a fallback
/// after a few busy `try_lock`s) oversells; loom's two or three buyers cannot empty
/// a stock of four between a look and a sale.
fn sold_out_between_lockings<L: ModelLock<u64>>(name: &'static str, buy: fn(&L, u64) -> bool) -> Result<(), Sequential> {
    for busy in race_sweep() {
        once_in_model(move || {
            // Every stock once (a fast path taken only while very many are left, or for large
            // counts, or near the end), a few after busy tries.
            let stocks = if busy == 0 { values::stocks(MAX) } else { [1, 2, 3, 4, 5, 1 << 40].map(|c| (0, c)).to_vec() };
            warm_up(|| {
                buy(&L::holding(0), 2);
            });
            for (sold, capacity) in stocks {
                let lock = L::holding(sold);
                let before = std::rc::Rc::new(std::cell::Cell::new(0));
                let seen = std::rc::Rc::clone(&before);
                let (answer, acted) = between_two_lockings(
                    &lock,
                    busy,
                    move |sold: &mut u64| {
                        seen.set(*sold);
                        *sold = capacity;
                    },
                    || buy(&lock, capacity),
                );
                if !acted {
                    // No second locking: with a ticket left, the buyer must have sold it (not
                    // turned away because the lock was busy).
                    let now = lock.into_value();
                    if busy > 0 && (!answer || now != sold + 1) {
                        return Err(format!(
                            "{}, when another thread held the lock for `{name}`'s first {busy} `try_lock`s, it \
                             answered {} and left the count at {now}, expected yes and {}: a buyer waits for the \
                             lock, it does not give up",
                            stock_words(sold, capacity),
                            if answer { "yes" } else { "no" },
                            sold + 1
                        ));
                    }
                    continue;
                }
                // The buyer may have sold already, under its first locking: then yes is right.
                let sold_first = before.get() > sold;
                let busy_first = if busy == 0 { String::new() } else { format!(" (its first {busy} `try_lock`s found the lock busy)") };
                let what = format!(
                    "{}, when other buyers took the lock between `{name}`'s two lockings of it{busy_first} \
                     and sold all that were left",
                    stock_words(sold, capacity)
                );
                if answer != sold_first {
                    let said = if answer { "yes: it sold on what it saw under its first locking" } else { "no, although it had sold a ticket" };
                    return Err(format!("{what}, it answered {said} — check and sell under one locking"));
                }
                expect_that(&format!("{what}, the count is"), lock.into_value(), capacity)?;
            }
            // Before each of the buyer's next `busy` lockings, another buyer sells one ticket;
            // one is always left for this buyer: a loop that looks, then sells under the next
            // locking only if nothing changed, must not give up while tickets are left.
            if busy > 0 {
                let capacity = u64::from(busy) + 2;
                let lock = L::holding(0);
                let sells_one = move |sold: &mut u64| *sold = (*sold + 1).min(capacity);
                let (answer, used) = between_lockings_times(&lock, 0, busy, sells_one, || buy(&lock, capacity));
                let sold = lock.into_value();
                if used > 0 && (!answer || sold != u64::from(used) + 1) {
                    return Err(format!(
                        "with {capacity} tickets, when other buyers took the lock between `{name}`'s lockings {}, \
                         selling one ticket each time, it answered {} and left the count at {sold}, expected yes and \
                         {}: a buyer must not give up while tickets are left",
                        in_a_row(u64::from(used)),
                        if answer { "yes" } else { "no" },
                        u64::from(used) + 1
                    ));
                }
            }
            Ok(())
        })?;
    }
    Ok(())
}

/// "with 5 tickets", or "from 3 of 5 tickets sold".
fn stock_words(sold: u64, capacity: u64) -> String {
    match (sold, capacity) {
        (0, 1) => "with 1 ticket".to_string(),
        (0, capacity) => format!("with {capacity} tickets"),
        (sold, capacity) => format!("from {sold} of {capacity} tickets sold"),
    }
}

/// For `atomic`: another buyer acts just after the buyer's look, from stocks over the
/// whole range (see [`values::stocks`]); then other buyers win `k` races in a row, for every
/// `k` of [`race_sweep`] (see [`beyond_loom`]).
fn atomic_beyond_loom(buy: fn(&AtomicU64, u64) -> bool) -> Result<(), Sequential> {
    once_in_model(move || {
        warm_up(|| {
            buy(&AtomicU64::new(0), 2);
        });
        for (sold, capacity) in values::stocks(MAX) {
            // Others sell every ticket left just after the look: the buyer must answer no.
            let counter = AtomicU64::new(sold);
            let (answer, _, looked) =
                after_races_then_a_stale_look(&counter, 0, |v| v, Rival::Writes(capacity), || buy(&counter, capacity));
            if looked {
                let what = format!(
                    "{}, when other buyers sold all that were left just after `atomic_buy` looked at the count, it \
                     must answer no and leave the count at {capacity}:",
                    stock_words(sold, capacity)
                );
                if answer {
                    return Err(format!("{what} it answered yes (it sold on a stale look)"));
                }
                expect_that(&format!("{what} the count is"), counter.load(Relaxed), capacity)?;
            }
            // Another buyer sells one just after the look, one or more still left: the buyer
            // must sell one too, and neither sale is lost.
            if capacity - sold >= 2 {
                let counter = AtomicU64::new(sold);
                let (answer, _, looked) =
                    after_races_then_a_stale_look(&counter, 0, |v| v, Rival::Applies(|v| v + 1), || buy(&counter, capacity));
                if looked && (!answer || counter.load(Relaxed) != sold + 2) {
                    return Err(format!(
                        "{}, when another buyer sold one just after `atomic_buy` looked at the count, it answered {} \
                         and left the count at {}, expected yes and {}: both sales must count",
                        stock_words(sold, capacity),
                        if answer { "yes" } else { "no" },
                        counter.load(Relaxed),
                        sold + 2
                    ));
                }
            }
        }
        Ok(())
    })?;
    // One race lost to buyers that sold many tickets at once, then one more sells just
    // after the next look: a loop that "catches up" with a store when the count is far
    // ahead of what it saw overwrites that sale (see `contention::JUMPS`).
    for (jump, rival) in crate::judge::contention::JUMPS {
        once_in_model(move || {
            let capacity = jump + 1_000;
            let counter = AtomicU64::new(0);
            let (answer, lost, looked) =
                after_races_then_a_stale_look(&counter, 1, rival, Rival::Applies(|v| v + 1), || buy(&counter, capacity));
            let what = format!(
                "with {capacity} tickets, when other buyers sold {jump} between `atomic_buy`'s look and its exchange{}:",
                if looked { " and one more sold just after it looked" } else { "" }
            );
            if !answer {
                return Err(format!("{what} it answered no, with tickets left"));
            }
            expect_that(&format!("{what} the count is"), counter.load(Relaxed), jump * lost + u64::from(looked) + 1)
        })?;
    }
    for races in race_sweep_long() {
        once_in_model(move || {
            warm_up(|| {
                buy(&AtomicU64::new(0), 2);
            });
            let k = u64::from(races);
            let counter = AtomicU64::new(0);
            let (answer, lost) = against_rival(races, |v| v + 1, || buy(&counter, k + 1));
            if lost > 0 {
                let what = format!(
                    "with {} tickets, when other buyers got in first {} (one ticket left), `atomic_buy` must sell it:",
                    k + 1,
                    in_a_row(lost)
                );
                if !answer {
                    return Err(format!("{what} it answered no"));
                }
                expect_that(&format!("{what} the count is"), counter.load(Relaxed), lost + 1)?;
            }
            for capacity in [k + 3, k + (1 << 40)] {
                let counter = AtomicU64::new(0);
                let (answer, lost, looked) = after_races_then_a_stale_look(
                    &counter,
                    races,
                    |v| v + 1,
                    Rival::Writes(capacity),
                    || buy(&counter, capacity),
                );
                if !looked {
                    continue;
                }
                let first = if lost == 0 { String::new() } else { format!("got in first {} and ", in_a_row(lost)) };
                let what = format!(
                    "with {capacity} tickets, when other buyers {first}sold all that were left just after \
                     `atomic_buy` looked at the count, it must answer no and leave the count at {capacity}:"
                );
                if answer {
                    return Err(format!("{what} it answered yes (it sold on a stale look)"));
                }
                expect_that(&format!("{what} the count is"), counter.load(Relaxed), capacity)?;
            }
            Ok(())
        })?;
    }
    Ok(())
}

/// The check with the lock held by a real thread for a while (see
/// [`with_lock_held_for_real`]): run after loom, for the lock exercises.
fn held_for_real(exercise: &str, real: &real::Fixes) -> Result<(), String> {
    match exercise {
        "mutex" => {
            let buy = real.mutex;
            real_mutex_held(
                "mutex_buy",
                0,
                move |m| buy(m, 1),
                |&now, answer| one_buy("mutex_buy", 0, 1, answer, now, (true, 1)),
            )
        }
        "parking_lot" => {
            let buy = real.parking_lot;
            real_parking_lot_held(
                "parking_lot_buy",
                0,
                move |m| buy(m, 1),
                |&now, answer| one_buy("parking_lot_buy", 0, 1, answer, now, (true, 1)),
            )
        }
        _ => Ok(()),
    }
}

