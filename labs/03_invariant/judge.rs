//! The judge of lab 03's exercises: `mutex`, `parking_lot`, `atomic`, `process`.
//!
//! The whole specification is checked: every observer reading of `a + b`
//! *and* both accounts at the end (every transfer moved one unit), with more
//! money than transfers in some cases, so a transfer that moves everything at
//! once, or nothing, is caught:
//!
//! * sequential: a transfer on (5, 0) and (3, 5) must leave (4, 1) and (2, 6);
//!   an observation of (3, 5) must say 8 and change nothing; `worker(k)` must
//!   request `k`; `combine` must apply unequal requests;
//! * loom at 1×1, 1×2 and 2×1 transfer threads (with 1–2 units to spare),
//!   always with one observer thread;
//! * 150 trials on 1–4 real threads × 1–1 000 transfers, watched by an
//!   observer that looks 20 000 times;
//! * for `process`, the learner's worker and owner in real processes.
//!
//! # Examples
//!
//! ```
//! use racelab::judge::Status;
//! use racelab::judge::{Judge as _, Spec as _};
//! use racelab::labs::invariant::LAB;
//!
//! let learner = LAB.solution(None);
//! assert_eq!(LAB.check("mutex", &learner).status, Status::Solved);
//! ```

use crate::judge::contention::*;
use crate::trace::Rival;
use crate::judge::sequential::*;
use crate::judge::values;
use crate::judge::{Exercise, Learner, Spec};
use super::{LAB, Invariant, model, real};
use crate::lab::{Case, State};
use crate::sync::model::{Mutex, atomic::AtomicU64, atomic::Ordering::Relaxed, parking_lot};

/// A learner's answers to lab 03.
pub type Answers = Learner<real::Fixes, model::Fixes>;

impl Spec for Invariant {
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
        sized_case(exercise, 0, threads, iters)
    }

    fn sequential(&self, exercise: &str, real: &real::Fixes, model: &model::Fixes) -> Result<(), Sequential> {
        sequential(exercise, real, model)
    }

    fn beyond_loom(&self, exercise: &str, model: &model::Fixes) -> Result<(), Sequential> {
        beyond_loom(exercise, model)
    }

    fn held_for_real(&self, exercise: &str, real: &real::Fixes) -> Result<(), String> {
        held_for_real(exercise, real)
    }

    fn combine(&self, fixes: &real::Fixes, reports: &[u64]) -> State {
            let (a, b) = (fixes.combine)(reports);
            State::default().with("seen", a.saturating_add(b)).with("a", a).with("b", b)
    }

    fn report(&self, fixes: &real::Fixes, job: &[u64]) -> Option<u64> {
        let arg = |i: usize| job.get(i).copied().unwrap_or(0);
        Some((fixes.worker)(arg(0)))
    }
}

/// The exercises and the functions each asks for.
const EXERCISES: &[Exercise] = &[
    Exercise { name: "mutex", functions: &["mutex_transfer", "mutex_total"] },
    Exercise { name: "parking_lot", functions: &["parking_lot_transfer", "parking_lot_total"] },
    Exercise { name: "atomic", functions: &["atomic_transfer", "atomic_total"] },
    Exercise { name: "process", functions: &["worker", "combine"] },
];



fn cases(exercise: &str) -> Vec<Case> {
    match exercise {
        "process" => vec![Case::workers(vec![vec![0], vec![2]]), Case::workers(vec![vec![3], vec![1], vec![2]])],
        _ => vec![
            Case::new(1, 1).with_stock(2),
            Case::new(1, 2).with_stock(3),
            Case::new(2, 1).with_stock(2),
            Case::new(2, 1).with_stock(3),
        ],
    }
}

fn real_case(exercise: &str, trial: u32) -> Case {
    const ITERS: [u64; 4] = [1, 10, 200, 1_000];
    sized_case(exercise, trial, 1 + (trial % 4) as usize, ITERS[(trial % 4 + trial / 4 % 2) as usize % 4])
}

/// A trial's case at a given size: money for every transfer (and `trial % 3` more), an observer looking.
fn sized_case(_exercise: &str, trial: u32, threads: usize, iters: u64) -> Case {
    let mut case = Case::new(threads, iters);
    let demand = case.demand();
    case = case.with_stock(demand + u64::from(trial % 3));
    case.looks = Some(20_000);
    case
}

/// (a, b) before a transfer → after it.
/// The largest sum of both accounts: the packed fix keeps each in 32 bits.
const MAX: u64 = u32::MAX as u64;

/// Transfers of one unit from `a` to `b`, `(before, after)`, over the whole
/// range: `a` at every edge (a 16-bit mask or an `i32` balance goes wrong past
/// 2^16 or 2^31), `b` at 0, small, and as large as the sum allows.
fn transfers() -> Vec<((u64, u64), (u64, u64))> {
    let mut all = vec![((5, 0), (4, 1)), ((3, 5), (2, 6))];
    for a in values::across(MAX).into_iter().filter(|&a| a > 0) {
        for b in [0, 5, MAX - a] {
            if a.checked_add(b).is_some_and(|sum| sum <= MAX) && !all.iter().any(|(before, _)| *before == (a, b)) {
                all.push(((a, b), (a - 1, b + 1)));
            }
        }
    }
    all
}

/// Pairs of accounts a total is read from, over the whole range.
fn totals() -> Vec<(u64, u64)> {
    transfers().into_iter().map(|(before, _)| before).collect()
}

fn sequential(exercise: &str, real: &real::Fixes, model: &model::Fixes) -> Result<(), Sequential> {
    let f = *model;
    let pack = real::solution::pack;
    let unpack = real::solution::unpack;
    match exercise {
        "mutex" => once_in_model(move || {
            for (before, after) in transfers() {
                let accounts = Mutex::new(before);
                (f.mutex_transfer)(&accounts);
                let now = *accounts.lock().map_err(|_| "the mutex is poisoned")?;
                expect_that(&format!("after `mutex_transfer` on (a, b) = {before:?} the accounts are"), now, after)?;
            }
            for (a, b) in totals() {
                let accounts = Mutex::new((a, b));
                expect_eq(&format!("mutex_total on (a, b) = ({a}, {b})"), (f.mutex_total)(&accounts), a + b)?;
                let now = *accounts.lock().map_err(|_| "the mutex is poisoned")?;
                expect_that(&format!("after `mutex_total` on (a, b) = ({a}, {b}) the accounts are"), now, (a, b))?;
            }
            let (before, after) = transfers()[0];
            let accounts = Mutex::new(before);
            with_lock_held_elsewhere("mutex_transfer", || {
                (f.mutex_transfer)(&accounts);
                Ok(())
            })?;
            let now = *accounts.lock().map_err(|_| "the mutex is poisoned")?;
            expect_that(
                &format!(
                    "when another thread held the lock for a while, after a `mutex_transfer` on (a, b) = {before:?} the accounts are"
                ),
                now,
                after,
            )?;
            with_lock_held_elsewhere("mutex_total", || {
                expect_eq(
                    &format!("mutex_total on (a, b) = {after:?}, after waiting"),
                    (f.mutex_total)(&accounts),
                    after.0 + after.1,
                )
            })
        }),
        "parking_lot" => once_in_model(move || {
            for (before, after) in transfers() {
                let accounts = parking_lot::Mutex::new(before);
                (f.parking_lot_transfer)(&accounts);
                let now = *accounts.lock();
                expect_that(
                    &format!("after `parking_lot_transfer` on (a, b) = {before:?} the accounts are"),
                    now,
                    after,
                )?;
            }
            for (a, b) in totals() {
                let accounts = parking_lot::Mutex::new((a, b));
                expect_eq(&format!("parking_lot_total on (a, b) = ({a}, {b})"), (f.parking_lot_total)(&accounts), a + b)?;
                let now = *accounts.lock();
                expect_that(&format!("after `parking_lot_total` on (a, b) = ({a}, {b}) the accounts are"), now, (a, b))?;
            }
            let (before, after) = transfers()[0];
            let accounts = parking_lot::Mutex::new(before);
            with_lock_held_elsewhere("parking_lot_transfer", || {
                (f.parking_lot_transfer)(&accounts);
                Ok(())
            })?;
            let now = *accounts.lock();
            expect_that(
                &format!(
                    "when another thread held the lock for a while, after a `parking_lot_transfer` on (a, b) = {before:?} the accounts are"
                ),
                now,
                after,
            )?;
            with_lock_held_elsewhere("parking_lot_total", || {
                expect_eq(
                    &format!("parking_lot_total on (a, b) = {after:?}, after waiting"),
                    (f.parking_lot_total)(&accounts),
                    after.0 + after.1,
                )
            })
        }),
        "atomic" => once_in_model(move || {
            for (before, after) in transfers() {
                let word = AtomicU64::new(pack(before.0, before.1));
                (f.atomic_transfer)(&word);
                let now = unpack(word.load(Relaxed));
                expect_that(&format!("after `atomic_transfer` on (a, b) = {before:?} the accounts are"), now, after)?;
            }
            for (a, b) in totals() {
                let word = AtomicU64::new(pack(a, b));
                expect_eq(&format!("atomic_total on (a, b) = ({a}, {b})"), (f.atomic_total)(&word), a + b)?;
                expect_that(
                    &format!("after `atomic_total` on (a, b) = ({a}, {b}) the accounts are"),
                    unpack(word.load(Relaxed)),
                    (a, b),
                )?;
            }
            // Contended: other transfers land between this transfer's load and its exchange.
            // More money than lost races: a unit is always left for this transfer.
            let start = u64::from(lost_races_due()) * 2;
            let word = AtomicU64::new(pack(start, 0));
            let other_transfer = |word| {
                let (a, b) = real::solution::unpack(word);
                real::solution::pack(a - 1, b + 1)
            };
            let ((), other) = against_rival(lost_races_due(), other_transfer, || (f.atomic_transfer)(&word));
            expect_that(
                &format!(
                    "from ({start}, 0), when other transfers got in first {}, `atomic_transfer` \
                     must still move its unit: the accounts are",
                    in_a_row(other)
                ),
                unpack(word.load(Relaxed)),
                (start - other - 1, other + 1),
            )
        }),
        _ => {
            let f = *real;
            once_for_real(|| {
                each_call(&values::loop_counts(MAX), |k| format!("worker({k})"), f.worker, |k| k)?;
                for reports in values::report_lists(MAX) {
                    let end = (0, reports.iter().sum());
                    let call = format!("combine({})", shown(&reports));
                    expect_eq(&call, calling(&call, || (f.combine)(&reports)), end)?;
                }
                Ok(())
            })
        }
    }
}

/// The check with the lock held by a real thread for a while (see
/// [`with_lock_held_for_real`]): run after loom, for the lock exercises.
/// Another transfer, as a simulated rival makes it: one unit from `a` to `b`.
fn other_transfer(word: u64) -> u64 {
    let (a, b) = real::solution::unpack(word);
    real::solution::pack(a - 1, b + 1)
}

/// Many transfers at once, as a simulated rival makes them in one lost race: [`jump`]
/// units from `a` to `b`.
fn many_transfers(word: u64) -> u64 {
    let (a, b) = real::solution::unpack(word);
    real::solution::pack(a.wrapping_sub(jump()), b.wrapping_add(jump()))
}

/// The sum of the two accounts packed in a word: what every transfer keeps.
fn sum_of(word: u64) -> u64 {
    let (a, b) = real::solution::unpack(word);
    a + b
}

/// After loom, on one thread, what loom would need more transfers than it
/// models to show. Other transfers win `k` races in a row, for every `k` of
/// [`race_counts`], and then one more lands just after this transfer's next look,
/// while a simulated observer reads the word after each of this transfer's writes:
/// a loop that falls back, after some lost races, to a `store` of what it last saw
/// loses the other transfer; one that falls back to two steps (`fetch_sub`, then
/// `fetch_add`) shows the observer a sum that is off.
fn beyond_loom(exercise: &str, model: &model::Fixes) -> Result<(), Sequential> {
    match exercise {
        "mutex" => {
            let names = ("mutex_transfer", "mutex_total");
            between_lockings_of_the_accounts(names, model.mutex_transfer, model.mutex_total)
        }
        "parking_lot" => {
            let names = ("parking_lot_transfer", "parking_lot_total");
            between_lockings_of_the_accounts(names, model.parking_lot_transfer, model.parking_lot_total)
        }
        "atomic" => atomic_beyond_loom(model),
        _ => Ok(()),
    }
}

/// After loom, for the lock exercises, on one thread: another thread waits for
/// the lock and gets it between the call's unlocking and its next locking (see
/// [`between_two_lockings`]), after the first `k` `try_lock`s found it busy, for
/// every `k` of [`race_sweep`]. Between two lockings of a transfer it reads the
/// accounts (a + b must be whole) or makes a transfer of its own (which must not
/// be lost); between two lockings of an observer it makes a transfer (the sum
/// read must still be whole). A transfer or a sum split over two lockings — in a
/// fallback taken after a few busy `try_lock`s, where loom's two threads rarely
/// go — is caught.
fn between_lockings_of_the_accounts<L: ModelLock<(u64, u64)>>(
    (transfer_name, total_name): (&'static str, &'static str),
    transfer: fn(&L),
    total: fn(&L) -> u64,
) -> Result<(), Sequential> {
    use std::cell::Cell;
    use std::rc::Rc;
    let busy_first = |busy: u32| if busy == 0 { String::new() } else { format!(" (its first {busy} `try_lock`s found it busy)") };
    for busy in race_sweep() {
        once_in_model(move || {
            warm_up(|| {
                transfer(&L::holding((2, 0)));
                total(&L::holding((2, 0)));
            });
            // Every pair of balances once, each account across its range (a split taken only
            // when `a`, or `b`, is large), a few after busy tries.
            let pairs: Vec<(u64, u64)> = if busy == 0 {
                let mut pairs: Vec<(u64, u64)> = values::across(MAX).into_iter().map(|a| (a, 0)).collect();
                pairs.extend(totals().into_iter().filter(|&(_, b)| b > 0));
                pairs
            } else {
                vec![(2, 0), (3, 0), (1 << 20, 0), (MAX, 0), (2, MAX - 2)]
            };
            for (a, b) in pairs.into_iter().filter(|&(a, _)| a >= 2) {
                let whole = a + b;
                // An observer between the transfer's two lockings.
                let accounts = L::holding((a, b));
                let seen = Rc::new(Cell::new(None));
                let saw = Rc::clone(&seen);
                let ((), acted) = between_two_lockings(&accounts, busy, move |v: &mut (u64, u64)| saw.set(Some(*v)), || transfer(&accounts));
                if acted && let Some((x, y)) = seen.get() && x.wrapping_add(y) != whole {
                    return Err(format!(
                        "from ({a}, {b}), when another thread took the lock between `{transfer_name}`'s two lockings of it{} \
                         and read the accounts, it saw (a, b) = ({x}, {y}): a + b = {}, not {whole} — money missing or \
                         made; move it under one locking",
                        busy_first(busy),
                        x.wrapping_add(y)
                    ));
                }
                // Another transfer between the transfer's two lockings.
                let accounts = L::holding((a, b));
                let ((), acted) =
                    between_two_lockings(&accounts, busy, |v: &mut (u64, u64)| *v = (v.0.wrapping_sub(1), v.1.wrapping_add(1)), || transfer(&accounts));
                if acted {
                    expect_that(
                        &format!(
                            "from ({a}, {b}), when another thread took the lock between `{transfer_name}`'s two lockings of it{} \
                             and made a transfer, the accounts are",
                            busy_first(busy)
                        ),
                        accounts.into_value(),
                        (a - 2, b + 2),
                    )?;
                } else if busy > 0 {
                    // No second locking: the transfer must still have moved its unit.
                    expect_that(
                        &format!(
                            "from ({a}, {b}), when another thread held the lock for `{transfer_name}`'s first {busy} \
                             `try_lock`s, the transfer must still move its unit: the accounts are"
                        ),
                        accounts.into_value(),
                        (a - 1, b + 1),
                    )?;
                }
                // A transfer between the observer's two lockings.
                let accounts = L::holding((a, b));
                let (sum, acted) =
                    between_two_lockings(&accounts, busy, |v: &mut (u64, u64)| *v = (v.0.wrapping_sub(1), v.1.wrapping_add(1)), || total(&accounts));
                if acted || busy > 0 {
                    let when = if acted {
                        format!(
                            "when another thread took the lock between `{total_name}`'s two lockings of it{} and made \
                             a transfer",
                            busy_first(busy)
                        )
                    } else {
                        format!("when another thread held the lock for `{total_name}`'s first {busy} `try_lock`s")
                    };
                    expect_that(&format!("from ({a}, {b}), {when}, it returned"), sum, whole)?;
                }
            }
            // Another transfer before each of the next `busy` lockings: a transfer that moves
            // under the next locking only if nothing changed must not give up, and an observer
            // that sums again until two looks agree must still return the whole sum.
            if busy > 0 {
                let a = u64::from(busy) + 2;
                let moves_one = |v: &mut (u64, u64)| *v = (v.0.saturating_sub(1), v.1 + u64::from(v.0 > 0));
                let accounts = L::holding((a, 0));
                let ((), used) = between_lockings_times(&accounts, 0, busy, moves_one, || transfer(&accounts));
                if used > 0 {
                    let used = u64::from(used);
                    expect_that(
                        &format!(
                            "from ({a}, 0), when other transfers took the lock between `{transfer_name}`'s lockings {}, \
                             the accounts are",
                            in_a_row(used)
                        ),
                        accounts.into_value(),
                        (a - used - 1, used + 1),
                    )?;
                }
                let accounts = L::holding((a, 0));
                let (sum, used) = between_lockings_times(&accounts, 0, busy, moves_one, || total(&accounts));
                if used > 0 {
                    expect_that(
                        &format!(
                            "from ({a}, 0), when other transfers took the lock between `{total_name}`'s lockings {}, \
                             it returned",
                            in_a_row(u64::from(used))
                        ),
                        sum,
                        a,
                    )?;
                }
            }
            Ok(())
        })?;
    }
    Ok(())
}

/// For `atomic`: a transfer after a stale look, from balances over the whole range
/// and after lost races (see [`beyond_loom`]).
fn atomic_beyond_loom(model: &model::Fixes) -> Result<(), Sequential> {
    use real::solution::{pack, unpack};
    let (transfer, total) = (model.atomic_transfer, model.atomic_total);
    // From accounts over the whole range (`a` at every edge, `b` at 0, small and as large as
    // the sum allows), with one transfer landing between this one's look and its write and an
    // observer after each write: a shortcut taken only for a large `a` (two steps "when there
    // is plenty") or near the end (a `store` "when a is nearly empty") is taken there.
    once_in_model(move || {
        warm_up(|| {
            transfer(&AtomicU64::new(pack(2, 0)));
            total(&AtomicU64::new(pack(2, 0)));
        });
        for (a, b) in totals().into_iter().filter(|&(a, _)| a >= 2) {
            let sum = a + b;
            let word = AtomicU64::new(pack(a, b));
            let ((_, _, looked), wrote) = watching(&word, (sum_of, sum), || {
                after_races_then_a_stale_look(&word, 0, |v| v, Rival::Applies(other_transfer), || transfer(&word))
            });
            let when = if looked { ", when another transfer landed just after it looked at the word" } else { "" };
            if let Some(wrote) = wrote {
                let (x, y) = unpack(wrote);
                return Err(format!(
                    "from ({a}, {b}){when}, `atomic_transfer` wrote (a, b) = ({x}, {y}): a + b = {}, not {sum} — a \
                     thread reading the word then sees money missing or made; every write must be a whole transfer",
                    x.wrapping_add(y)
                ));
            }
            let moved = 1 + u64::from(looked);
            expect_that(
                &format!("from ({a}, {b}){when}, `atomic_transfer` must move its unit: the accounts are"),
                unpack(word.load(Relaxed)),
                (a - moved, b + moved),
            )?;
        }
        // An observer with a transfer landing just after its first look: a sum read in
        // two loads (one per account, "when the bank is big") adds a unit that moved.
        for (a, b) in totals().into_iter().filter(|&(a, _)| a >= 1) {
            let word = AtomicU64::new(pack(a, b));
            let (sum, _, looked) =
                after_races_then_a_stale_look(&word, 0, |v| v, Rival::BetweenLooks(other_transfer), || total(&word));
            let when = if looked { ", when another transfer landed between its first and second look at the word" } else { "" };
            expect_eq(&format!("atomic_total on (a, b) = ({a}, {b}){when}"), sum, a + b)?;
        }
        Ok(())
    })?;
    // One race lost to other transfers that moved many units at once, then one more lands just
    // after this transfer's next look: a loop that, finding the word far from what it saw,
    // "catches up" with a `store` computed from an older look loses that transfer. Every size
    // of `JUMPS` that leaves room in `b`'s 32 bits.
    jumping(
        |size| size + 3 <= u64::from(u32::MAX),
        |size| {
            once_in_model(move || {
                warm_up(|| transfer(&AtomicU64::new(pack(2, 0))));
                let start = size + 2;
                let word = AtomicU64::new(pack(start, 0));
                let ((_, lost, looked), wrote) = watching(&word, (sum_of, start), || {
                    after_races_then_a_stale_look(&word, 1, many_transfers, Rival::Applies(other_transfer), || {
                        transfer(&word)
                    })
                });
                let when = format!(
                    "from ({start}, 0), when other transfers moved {size} units between `atomic_transfer`'s look and \
                     its exchange{}",
                    if looked { " and one more landed just after it looked again" } else { "" }
                );
                if let Some(wrote) = wrote {
                    let (a, b) = unpack(wrote);
                    return Err(format!(
                        "{when}, `atomic_transfer` wrote (a, b) = ({a}, {b}): a + b = {}, not {start} — a thread \
                         reading the word then sees money missing or made; every write must be a whole transfer",
                        a.wrapping_add(b)
                    ));
                }
                let moved = size * lost + u64::from(looked) + 1;
                expect_that(
                    &format!("{when}, `atomic_transfer` must still move its unit: the accounts are"),
                    unpack(word.load(Relaxed)),
                    (start - moved, moved),
                )
            })
        },
    )?;
    for races in race_sweep_long() {
        once_in_model(move || {
            warm_up(|| transfer(&AtomicU64::new(pack(2, 0))));
            // An observer with a transfer between each of its next `races` pairs of looks: one
            // that reads until two looks agree, and after some mismatches reads `a` and `b` in
            // two loads, adds a unit that moved.
            if races > 0 {
                let (a, b) = (u64::from(races) + 2, 5);
                let word = AtomicU64::new(pack(a, b));
                crate::trace::after_next_look(Some((std::ptr::from_ref(&word) as usize, Rival::BetweenLooks(other_transfer))));
                crate::trace::between_looks_times(races);
                let sum = total(&word);
                crate::trace::after_next_look(None);
                expect_eq(
                    &format!("atomic_total on (a, b) = ({a}, {b}), when other transfers landed between its looks {}", in_a_row(u64::from(races))),
                    sum,
                    a + b,
                )?;
            }
            let start = u64::from(races) + 2;
            let word = AtomicU64::new(pack(start, 0));
            let ((_, lost, looked), wrote) = watching(&word, (sum_of, start), || {
                after_races_then_a_stale_look(&word, races, other_transfer, Rival::Applies(other_transfer), || {
                    transfer(&word)
                })
            });
            let others = lost + u64::from(looked);
            let when = match (lost, looked) {
                (0, true) => format!("from ({start}, 0), when another transfer landed just after it looked at the word"),
                (0, false) => format!("from ({start}, 0)"),
                (_, looked) => format!(
                    "from ({start}, 0), when other transfers got in first {}{}",
                    in_a_row(lost),
                    if looked { " and one more landed just after it looked at the word" } else { "" }
                ),
            };
            if let Some(wrote) = wrote {
                let (a, b) = unpack(wrote);
                return Err(format!(
                    "{when}, `atomic_transfer` wrote (a, b) = ({a}, {b}): a + b = {}, not {start} — a thread \
                     reading the word then sees money missing or made; every write must be a whole transfer",
                    a.wrapping_add(b)
                ));
            }
            expect_that(
                &format!("{when}, `atomic_transfer` must still move its unit: the accounts are"),
                unpack(word.load(Relaxed)),
                (start - others - 1, others + 1),
            )
        })?;
    }
    Ok(())
}

fn held_for_real(exercise: &str, real: &real::Fixes) -> Result<(), String> {
    match exercise {
        "mutex" => {
            let (transfer, total) = (real.mutex_transfer, real.mutex_total);
            let (before, after) = transfers()[0];
            real_mutex_held("mutex_transfer", before, transfer, |&now, ()| {
                expect_that(&format!("after a `mutex_transfer` on (a, b) = {before:?} the accounts are"), now, after)
            })?;
            real_mutex_held("mutex_total", after, total, |_, sum| {
                expect_eq(&format!("mutex_total on (a, b) = {after:?}"), sum, after.0 + after.1)
            })
        }
        "parking_lot" => {
            let (transfer, total) = (real.parking_lot_transfer, real.parking_lot_total);
            let (before, after) = transfers()[0];
            real_parking_lot_held("parking_lot_transfer", before, transfer, |&now, ()| {
                expect_that(
                    &format!("after a `parking_lot_transfer` on (a, b) = {before:?} the accounts are"),
                    now,
                    after,
                )
            })?;
            real_parking_lot_held("parking_lot_total", after, total, |_, sum| {
                expect_eq(&format!("parking_lot_total on (a, b) = {after:?}"), sum, after.0 + after.1)
            })
        }
        _ => Ok(()),
    }
}

