//! The judge of lab 06's exercises: `sharded`, `thread_local`, `process`.
//!
//! * sequential: `sharded_increment` must add one to `shards[me]` and touch no
//!   other shard, for every `me` the lab allows (0 to 1023, edges included; no
//!   simulated rival: no other thread writes `shards[me]`); `sharded_total` must add every shard (unequal values);
//!   `count_then_publish` must add exactly `iters` to a total that is not 0;
//!   `worker(k)` must return `k`; `combine` must add unequal reports;
//! * loom at 2×1, 2×2 and 3×1: the total exact in every execution and, for
//!   `sharded`, every shard holding exactly its own thread's count;
//! * 150 trials on 1–8 real threads with unequal counts per thread;
//! * for `process`, the learner's `worker` in real processes with unequal jobs.
//!
//! # Examples
//!
//! ```
//! use racelab::judge::Status;
//! use racelab::judge::{Judge as _, Spec as _};
//! use racelab::labs::contention::LAB;
//!
//! let mut learner = LAB.solution(None);
//! assert_eq!(LAB.check("sharded", &learner).status, Status::Solved);
//! learner.model.count_then_publish = racelab::labs::contention::model::wrong_publish_store;
//! assert_eq!(LAB.check("thread_local", &learner).status, Status::Failing);
//! ```

use crate::judge::contention::{after_races_then_a_stale_look, lost_races, race_sweep_long};
use crate::trace::Rival;
use crate::judge::sequential::*;
use crate::judge::values;
use crate::judge::{Exercise, Learner, Spec};
use crate::lab::counting::unequal_split;
use super::{LAB, Contention, model, real};
use crate::lab::{Case, State};
use crate::sync::model::CachePadded;
use crate::sync::model::atomic::{AtomicU64, Ordering::Relaxed};

/// A learner's answers to lab 06.
pub type Answers = Learner<real::Fixes, model::Fixes>;

impl Spec for Contention {
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

    fn process_cases(&self) -> Vec<Case> {
        process_cases()
    }

    fn sequential(&self, exercise: &str, real: &real::Fixes, model: &model::Fixes) -> Result<(), Sequential> {
        sequential(exercise, real, model)
    }

    fn beyond_loom(&self, exercise: &str, model: &model::Fixes) -> Result<(), Sequential> {
        if exercise == "thread_local" { publish_after_a_stale_look(model.count_then_publish) } else { Ok(()) }
    }

    fn needs_no_rival(&self, exercise: &str) -> Option<&'static str> {
        (exercise == "sharded").then_some("`shards[me]` is the calling thread's own: no other thread writes it")
    }

    fn combine(&self, fixes: &real::Fixes, reports: &[u64]) -> State {
        State::count((fixes.combine)(reports))
    }

    fn report(&self, fixes: &real::Fixes, job: &[u64]) -> Option<u64> {
        let arg = |i: usize| job.get(i).copied().unwrap_or(0);
        Some((fixes.worker)(arg(0)))
    }
}

/// The exercises and the functions each asks for.
const EXERCISES: &[Exercise] = &[
    Exercise { name: "sharded", functions: &["sharded_increment", "sharded_total"] },
    Exercise { name: "thread_local", functions: &["count_then_publish"] },
    Exercise { name: "process", functions: &["worker", "combine"] },
];



fn threads(jobs: &[u64]) -> Case {
    Case::workers(jobs.iter().map(|&k| vec![k]).collect())
}

fn cases(exercise: &str) -> Vec<Case> {
    match exercise {
        "process" => vec![threads(&[0, 2]), threads(&[3, 1, 2])],
        // loom judges thread variants at equal sizes (the checker's case carries jobs only
        // for `process`); unequal shards are the sequential check's and the real trials' job.
        _ => vec![Case::new(2, 1), Case::new(2, 2), Case::new(3, 1)],
    }
}

fn real_case(_exercise: &str, trial: u32) -> Case {
    const ITERS: [u64; 6] = [0, 1, 7, 100, 1_000, 3_000];
    // Up to 16 threads: more shards than one cache line holds, more than loom's cases.
    let n = 1 + (trial % 16) as usize;
    let total = ITERS[(trial % 6) as usize] * n as u64;
    threads(&unequal_split(total, n))
}

fn process_cases() -> Vec<Case> {
    // Equal jobs too: a `combine` that drops repeated reports is caught.
    vec![threads(&[3, 5]), threads(&[0, 2, 1]), threads(&[1_000, 1]), threads(&[4, 4, 4])]
}

fn padded(values: &[u64]) -> Vec<CachePadded<AtomicU64>> {
    values.iter().map(|&v| CachePadded::new(AtomicU64::new(v))).collect()
}

fn loads(shards: &[CachePadded<AtomicU64>]) -> Vec<u64> {
    shards.iter().map(|s| s.load(Relaxed)).collect()
}

fn sequential(exercise: &str, real: &real::Fixes, model: &model::Fixes) -> Result<(), Sequential> {
    let f = *model;
    match exercise {
        "sharded" => once_in_model(move || {
            let shards = padded(&[0, 41, 0]);
            (f.sharded_increment)(&shards, 1);
            (f.sharded_increment)(&shards, 1);
            (f.sharded_increment)(&shards, 2);
            expect_that(
                "after `sharded_increment` on shard 1 twice and on shard 2 once, from shards [0, 41, 0], the shards are",
                loads(&shards),
                vec![0, 43, 1],
            )?;
            // Past one cache line's worth of counters, and past the thread counts loom checks.
            let twelve: Vec<u64> = (1..=12).collect();
            let mut lists = vec![vec![3, 5, 0], vec![0, 2, 1, 9], twelve];
            // Shards over the whole range: a total kept in a `u32` goes wrong past 2^32.
            lists.extend(values::report_lists(MAX_JOB));
            // As many shards as threads, up to the most a run allows (1024): a total that
            // reads the first 64 ("one per core is plenty") is right up to 64 threads only.
            let counts = values::across(crate::runner::MAX_THREADS as u64).into_iter().filter(|&n| n > 12);
            lists.extend(counts.map(|n| (1..=n).collect::<Vec<u64>>()));
            for values in &lists {
                let shards = padded(values);
                let want: u64 = values.iter().sum();
                let shown = if values.len() > 12 && values.iter().all(|&v| v == values[0]) {
                    format!("{} shards of {}", values.len(), values[0])
                } else if values.len() > 12 {
                    format!("{} shards holding 1, 2, … {}", values.len(), values[values.len() - 1])
                } else {
                    format!("{values:?}")
                };
                let call = format!("sharded_total({shown})");
                let total = calling(&call, || (f.sharded_total)(&shards));
                expect_eq(&call, total, want)?;
                // A total only reads: one that empties the shards makes the next total wrong.
                expect_that(
                    &format!("after `sharded_total({shown})` the shards are"),
                    loads(&shards),
                    values.to_vec(),
                )?;
            }
            for start in values::shared_counts() {
                let shards = padded(&[0, start]);
                (f.sharded_increment)(&shards, 1);
                expect_that(
                    &format!("after `sharded_increment` on shard 1 of [0, {start}], the shards are"),
                    loads(&shards),
                    vec![0, start + 1],
                )?;
            }
            // Every thread index the lab allows (1–1024 threads), edges included: a shard picked
            // by `me % 16` or `me & 15` is right for up to 16 threads and wrong from 17. One
            // shard past `me` too, so that a write to a neighbour shows.
            for me in values::across(crate::runner::MAX_THREADS as u64 - 1) {
                let me = me as usize;
                let shards = padded(&vec![0; me + 2]);
                (f.sharded_increment)(&shards, me);
                let mut want = vec![0; me + 2];
                want[me] = 1;
                let got = loads(&shards);
                if got != want {
                    let changed: Vec<String> = got
                        .iter()
                        .enumerate()
                        .filter(|&(i, &v)| v != want[i])
                        .map(|(i, v)| format!("shard {i} holds {v}"))
                        .collect();
                    return Err(format!(
                        "after `sharded_increment(shards, {me})` on {} shards of 0, {}: expected shard {me} to hold 1 \
                         and every other 0 — thread `me` counts on `shards[me]`, whatever the number of threads",
                        me + 2,
                        changed.join(", ")
                    ));
                }
            }
            // No simulated rival here (unlike every other retry loop; see `needs_no_rival`):
            // `shards[me]` is this thread's own and no other thread writes it (the exercise and
            // its hint say so), so a single compare-exchange on it cannot lose a race. A weak one
            // can still fail spuriously: loom's second pass makes it (see `trace::set_spurious`).
            Ok(())
        }),
        "thread_local" => {
            // The model first: an atomic operation per increment runs out of loom's steps at
            // 70 000 increments, in a second, with a message that names it; on real threads
            // the same answer would take 40 s to count past 2^32.
            thread_local_in_model(f)?;
            // Counting past 2^32 one by one is done for real: in the model a learner's
            // `thread_local!` is loom's, and four billion accesses would take minutes. Only
            // for code that could wrap there: a right `thread_local!` count takes 20 s.
            if !values::may_wrap_past_u32() {
                return Ok(());
            }
            let publish = real.count_then_publish;
            once_for_real(|| {
                let total = crate::sync::real::atomic::AtomicU64::new(0);
                publish(&total, values::PAST_U32);
                expect_that(
                    &format!("after `count_then_publish` of {} increments on a total of 0, the total is", values::PAST_U32),
                    total.load(Relaxed),
                    values::PAST_U32,
                )
            })
        }
        _ => check_counting_worker(real.worker, real.combine, MAX_JOB, crate::runner::MAX_TOTAL),
    }
}

/// The one-thread check of `count_then_publish` in the model: counts past a
/// `u8` and a `u16`, totals over the whole range, and lost races.
fn thread_local_in_model(f: model::Fixes) -> Result<(), Sequential> {
    once_in_model(move || {
            // Every call here is on one thread: what its earlier calls counted.
            let mut earlier = 0_u64;
            for (start, iters) in publish_cases() {
                let total = AtomicU64::new(start);
                (f.count_then_publish)(&total, iters);
                let got = total.load(Relaxed);
                let what = format!("after `count_then_publish` of {iters} increments on a total of {start}, the total is");
                if let Some(kept) = kept_between_calls(got, start + iters, earlier) {
                    return Err(format!("{what} {got}, expected {}{kept}", start + iters));
                }
                expect_that(&what, got, start + iters)?;
                earlier += iters;
            }
            // Contended: other threads publish between this thread's read and its exchange.
            lost_races("count_then_publish", || {
                let total = AtomicU64::new(0);
                (f.count_then_publish)(&total, 1);
                total.load(Relaxed)
            })
    })
}


/// The (total, increments) pairs `count_then_publish` is checked at, alone and
/// with another thread publishing just after it looked at the total.
fn publish_cases() -> Vec<(u64, u64)> {
    let mut cases = vec![(10, 3), (10, 0), (0, 1_000), (0, 70_000)];
    // Counts past each width's edge, published onto totals over the whole range.
    // (Up to 2^20 + 1: the code's own number too, `if iters >= 1 << 20`.)
    cases.extend(values::loop_counts((1 << 20) + 1).into_iter().map(|iters| (0, iters)));
    // A start past 2^32: a total kept in a `u32` goes wrong there.
    cases.extend(values::shared_counts().into_iter().map(|start| (start, 2)));
    // Odd and even counts: a shortcut taken for some counts only.
    cases.extend((3..=9).map(|iters| (values::PAST_U16, iters)));
    cases
}

/// Another thread publishes its 7 (see [`publish_after_a_stale_look`]).
fn publishes_seven(total: u64) -> u64 {
    total + 7
}

/// After loom, on one thread, what loom's two or three increments per thread
/// cannot show: another thread publishes just after this one looked at the
/// total, at every count and total of [`publish_cases`] (a publish by `load`
/// and `store` taken only for odd counts, large counts or a large total loses
/// it), and after other threads won `k` races for every `k` of [`race_counts`]
/// (a loop that falls back to a `store` after a few lost races loses it too).
fn publish_after_a_stale_look(publish: fn(&AtomicU64, u64)) -> Result<(), Sequential> {
    once_in_model(move || {
        for (start, iters) in publish_cases() {
            let total = AtomicU64::new(start);
            let ((), _, looked) =
                after_races_then_a_stale_look(&total, 0, |v| v, Rival::Applies(publishes_seven), || publish(&total, iters));
            let other = if looked { 7 } else { 0 };
            expect_that(
                &format!(
                    "after `count_then_publish` of {iters} increments on a total of {start}{}, the total is",
                    if looked { ", when another thread published 7 just after it looked at the total" } else { "" }
                ),
                total.load(Relaxed),
                start + iters + other,
            )?;
        }
        Ok(())
    })?;
    // One race lost to threads that moved the total far (a "catch up with a store" taken
    // when the total is far ahead), then another publishes 7 just after the next look.
    for (jump, rival) in crate::judge::contention::JUMPS {
        once_in_model(move || {
            let total = AtomicU64::new(0);
            let ((), lost, looked) =
                after_races_then_a_stale_look(&total, 1, rival, Rival::Applies(publishes_seven), || publish(&total, 3));
            expect_that(
                &format!(
                    "after `count_then_publish` of 3 increments on a total of 0, when other threads published {jump} \
                     between its look and its exchange{}, the total is",
                    if looked { " and another published 7 just after it looked" } else { "" }
                ),
                total.load(Relaxed),
                3 + jump * lost + if looked { 7 } else { 0 },
            )
        })?;
    }
    // Without a lost race, the cases above.
    for races in race_sweep_long().filter(|&k| k > 0) {
        once_in_model(move || {
            let total = AtomicU64::new(0);
            let ((), lost, looked) = after_races_then_a_stale_look(
                &total,
                races,
                |v| v + 1,
                Rival::Applies(publishes_seven),
                || publish(&total, 3),
            );
            let other = lost + if looked { 7 } else { 0 };
            expect_that(
                &format!(
                    "after `count_then_publish` of 3 increments on a total of 0, when other threads got in first {}{}, the total is",
                    crate::judge::contention::in_a_row(lost),
                    if looked { " and another published 7 just after it looked" } else { "" }
                ),
                total.load(Relaxed),
                3 + other,
            )
        })?;
    }
    Ok(())
}

/// The largest job a worker is given: a real run counts up to this many increments.
const MAX_JOB: u64 = crate::runner::MAX_TOTAL;
