//! The judge of lab 05's exercises: `channel`, `batched`, `partials`.
//!
//! * one thread first (a single run in loom's model, so a deadlock or a
//!   `todo!()` is named with its line): `count_by_messages` on one worker (`[1]`, `[3]`), two
//!   (`[2, 1]`) and three (`[1, 2, 1]`; never none: a lab runs at least one thread) and
//!   `count_in_partials` on unequal jobs (`[3]`, `[0]`, `[2, 0, 5]`, `[1000, 1]`, `[3, 1, 2]`,
//!   `[1, 2, 3, 4]`, past 2^32); `send_batched` on its own, every message it sends looked at:
//!   they must add up to the increments, none may exceed the batch, and there
//!   must be exactly ⌈increments ÷ batch⌉ of them (empty messages aside), up to
//!   2^32 + 1 increments and a batch past 2^32; every exercise must start a thread per entry
//!   with work (`partials`: the caller may count one entry itself), and those threads must be
//!   started and not yet joined at one time (see `trace::most_threads_at_once`);
//! * loom, every interleaving, unequal workers: `[1] [1]`, `[2] [0]` (batches
//!   of 2: `[3] [0]`, `[1] [2]`; partials `[3] [5]`, `[0] [2] [1]`); the count
//!   exact in every execution, a deadlock reported as one;
//! * 150 trials on 1–8 real threads with unequal counts per thread
//!   (crossbeam's channel, std's scoped threads).
//!
//! # Examples
//!
//! ```
//! use racelab::judge::Status;
//! use racelab::judge::{Judge as _, Spec as _};
//! use racelab::labs::message_passing::LAB;
//!
//! let mut learner = LAB.solution(None);
//! assert_eq!(LAB.check("batched", &learner).status, Status::Solved);
//! learner.model.send_batched = racelab::labs::message_passing::model::wrong_lost_final_batch;
//! learner.real.send_batched = racelab::labs::message_passing::real::wrong_lost_final_batch;
//! assert_eq!(LAB.check("batched", &learner).status, Status::Failing);
//! ```

use crate::judge::sequential::*;
use crate::judge::values;
use crate::lab::counting::plural;
use crate::judge::{Exercise, Learner, Spec};
use crate::trace;
use crate::lab::counting::unequal_split;
use super::{LAB, MessagePassing, model, real};
use crate::lab::{Case, State};
use crate::sync::model::channel;

/// A learner's answers to lab 05.
pub type Answers = Learner<real::Fixes, model::Fixes>;

impl Spec for MessagePassing {
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

    fn combine(&self, _fixes: &real::Fixes, reports: &[u64]) -> State {
        State::count(reports.iter().sum())
    }

    fn report(&self, _fixes: &real::Fixes, _job: &[u64]) -> Option<u64> {
        None
    }
}

/// The exercises and the functions each asks for.
const EXERCISES: &[Exercise] = &[
    Exercise { name: "channel", functions: &["count_by_messages"] },
    Exercise { name: "batched", functions: &["send_batched"] },
    Exercise { name: "partials", functions: &["count_in_partials"] },
];


/// The batch size the judge checks `batched` with: small, so that loom sees full batches and a remainder.
pub const JUDGE_BATCH: u64 = 2;


fn workers(steps: &[u64]) -> Case {
    Case::workers(steps.iter().map(|&k| vec![k]).collect())
}

fn cases(exercise: &str) -> Vec<Case> {
    match exercise {
        "batched" => [&[3, 0][..], &[1, 2][..]].iter().map(|s| workers(s).with_stock(JUDGE_BATCH)).collect(),
        "partials" => vec![workers(&[3, 5]), workers(&[0, 2, 1]), workers(&[1_000, 1])],
        _ => vec![workers(&[1, 1]), workers(&[2, 0])],
    }
}

fn real_case(exercise: &str, trial: u32) -> Case {
    const ITERS: [u64; 6] = [0, 1, 7, 100, 1_000, 3_000];
    sized_case(exercise, trial, 1 + (trial % 8) as usize, ITERS[(trial % 6) as usize])
}

/// A trial's case at a given size: the total split unequally, batches as trial `trial` sets them.
fn sized_case(exercise: &str, trial: u32, n: usize, iters: u64) -> Case {
    let total = iters * n as u64;
    let case = workers(&unequal_split(total, n));
    // Batches of 1, 2, 3, 10 and 64 in turn.
    let batch = [1, 2, 3, 10, 64][(trial % 5) as usize];
    if exercise == "batched" { case.with_stock(batch) } else { case }
}

/// `send_batched(iters, batch)` on one thread: the messages it sent, in order.
fn messages_of(send: fn(&channel::Sender<u64>, u64, u64), iters: u64, batch: u64) -> Vec<u64> {
    let (tx, rx) = channel::unbounded();
    // Named: a call that never returns (a batch narrowed to 0) is reported with its input.
    calling(&format!("send_batched(tx, {iters}, {batch})"), || send(&tx, iters, batch));
    drop(tx);
    rx.iter().collect()
}

/// What is wrong with `sent` as the messages of `iters` increments in batches of `batch`.
pub fn batches_wrong(sent: &[u64], iters: u64, batch: u64) -> Option<String> {
    let call = format!("send_batched(tx, {iters}, {batch})");
    let total: u64 = sent.iter().fold(0, |a, &m| a.saturating_add(m));
    // An empty message (a final flush of nothing) costs a send but loses nothing: not counted.
    let messages = sent.iter().filter(|&&m| m > 0).count() as u64;
    let want = iters.div_ceil(batch.max(1));
    if total != iters {
        Some(format!("`{call}` sent {}: {} in all, expected {iters}", shown(sent), plural(total, "increment")))
    } else if let Some(big) = sent.iter().find(|&&m| m > batch) {
        Some(format!("`{call}` sent {}: a message of {big}, more than a batch of {batch}", shown(sent)))
    } else if messages != want {
        Some(format!(
            "`{call}` sent {}: {}, expected {want} (full batches of {batch}, the last one \
             smaller) — the point of batching is fewer messages",
            shown(sent),
            plural(messages, "message")
        ))
    } else {
        None
    }
}

/// The one-thread checks of `count_by_messages` in the model. One worker at a time:
/// in the model every interleaving of a run is explored, and several workers are
/// loom's stage. Large entries too (a worker that sends its whole count as one
/// message "when it has many": the trials on real threads check only the total).
fn channel_in_model(f: model::Fixes) -> Result<(), Sequential> {
    each_in_model(&[&[1], &[3], &[2, 1], &[1, 2, 1], &[1_500], &[2, 1_100]], move |steps| {
            expect_eq(&format!("count_by_messages(&{steps:?})"), (f.count_by_messages)(steps), steps.iter().sum())?;
            // The right total another way is another exercise (or none): this one counts by messages,
            // a `1` per increment, sent by worker threads to an owner thread. Each message is judged
            // by its role: the caller (loom's main thread, 0) may send nothing that counts, and a
            // channel the caller receives from carries the owner's reply, not increments.
            let (ones, others, owners, senders) = trace::with_events(|events| {
                let recv = |e: &&trace::Event| matches!(e.op, trace::Op::Recv { .. });
                let replies: std::collections::BTreeSet<usize> =
                    events.iter().filter(recv).filter(|e| e.thread == 0).map(|e| e.addr).collect();
                let receivers: std::collections::BTreeSet<usize> =
                    events.iter().filter(recv).filter(|e| e.thread != 0).map(|e| e.thread).collect();
                let by_workers: Vec<(usize, &str)> = events
                    .iter()
                    .filter_map(|e| match &e.op {
                        trace::Op::Send { msg } if e.thread != 0 && !replies.contains(&e.addr) => {
                            Some((e.thread, msg.as_str()))
                        }
                        _ => None,
                    })
                    .collect();
                let senders: std::collections::BTreeSet<usize> = by_workers.iter().map(|&(t, _)| t).collect();
                let ones = by_workers.iter().filter(|&&(_, msg)| msg == "1").count() as u64;
                (ones, by_workers.len() as u64 - ones, receivers.len(), senders.len())
            });
            let want: u64 = steps.iter().sum();
            // The owner first: when the caller receives the workers' messages itself, its channel
            // would otherwise be taken for an owner's reply, and the workers' sends not counted.
            if want > 0 && owners == 0 {
                return Err(format!(
                    "`count_by_messages(&{steps:?})` returned the right total, but no thread but the caller \
                     received the workers' messages: the exercise's owner is a thread of its own, which alone \
                     holds the count"
                ));
            }
            let entries = nonzero(steps);
            if ones == want && others == 0 && senders < entries {
                return Err(format!(
                    "`count_by_messages(&{steps:?})` returned the right total, but {} sent the messages of {entries} \
                     workers: the exercise starts a worker thread per entry, each sending its own increments",
                    if senders == 1 { "one thread".to_string() } else { format!("{senders} threads") }
                ));
            }
            if ones != want || others > 0 {
                return Err(format!(
                    "`count_by_messages(&{steps:?})` returned the right total, but worker threads sent {}, \
                     {ones} of them `1`: the exercise sends one message `1` per increment from a worker thread per \
                     entry, {want} here",
                    plural(ones + others, "message")
                ));
            }
            one_after_another(&format!("count_by_messages(&{steps:?})"), entries, 0)
        })
}

fn sequential(exercise: &str, real: &real::Fixes, model: &model::Fixes) -> Result<(), Sequential> {
    let f = *model;
    if exercise == "channel" {
        channel_in_model(f)?;
        // Past 2^16 messages to one owner, for code that could wrap there (see
        // `values::may_wrap_past_u32`): an owner that sums in a `u16` is right for every
        // smaller run. On real threads: in the model each message is a step of loom's.
        if values::may_wrap_past_u32() {
            let count = real.count_by_messages;
            let halves = [values::PAST_U16 / 2, values::PAST_U16 - values::PAST_U16 / 2];
            for steps in [&[values::PAST_U16][..], &halves[..]] {
                once_for_real(|| expect_eq(&format!("count_by_messages(&{steps:?})"), count(steps), values::PAST_U16))?;
            }
        }
        return Ok(());
    }
    match exercise {
        "batched" => once_in_model(move || {
            // A batch as large as a `u64` holds, too: `(iters + batch - 1) / batch` overflows.
            let mut cases = vec![(7, 3), (6, 3), (2, 5), (0, 4), (5, 1), (250, 100), (7, u64::MAX), (0, u64::MAX)];
            // Batches past each width's edge (a `u8` or `u16` pending count wraps), with a
            // remainder. (Batches past 2^32 would take seconds to count, and no batch is that big.)
            for batch in [255, 256, 257, 1_000, 65_537] {
                cases.push((2 * batch + 1, batch));
            }
            // Increments past 2^32 (the lab counts up to 10^10), in three messages, and in one
            // batch bigger than them (a `u64` argument may be): a count, a division or a pending
            // count done in `u32` goes wrong. Last, and only for code that could wrap there (see
            // `values::may_wrap_past_u32`): a loop per increment takes ~2.6 s each.
            if values::may_wrap_past_u32() {
                cases.push((values::PAST_U32, 1 << 31));
                cases.push((values::PAST_U32, values::PAST_U32 + 1));
            }
            for (iters, batch) in cases {
                if let Some(why) = batches_wrong(&messages_of(f.send_batched, iters, batch), iters, batch) {
                    return Err(why);
                }
            }
            Ok(())
        }),
        // Partial counts past 2^32: a partial kept in a `u32` is wrong there.
        // Four entries: one thread per pair of entries is fewer threads than entries less one.
        // Past 2^32 last, and only for code that could wrap there (`values::may_wrap_past_u32`):
        // a right count one by one takes seconds to get there.
        _ => each_in_model(if values::may_wrap_past_u32() { PARTIALS } else { &PARTIALS[..PARTIALS.len() - 1] }, move |steps| {
            expect_eq(&format!("count_in_partials(&{steps:?})"), (f.count_in_partials)(steps), steps.iter().sum())?;
            // A thread per entry; the caller may count one entry itself (as `rayon::join` does).
            let started = trace::spawned() as usize;
            if nonzero(steps) > 1 && started + 1 < nonzero(steps) {
                return Err(format!(
                    "`count_in_partials(&{steps:?})` returned the right total, but counted {} entries in {}: the \
                     exercise counts each entry in a scoped thread of its own and adds the partials at the join",
                    nonzero(steps),
                    match started {
                        0 => "the caller alone, starting no thread".to_string(),
                        1 => "one thread".to_string(),
                        n => format!("{n} threads"),
                    }
                ));
            }
            one_after_another(&format!("count_in_partials(&{steps:?})"), nonzero(steps), 1)
        }),
    }
}

/// Whether the threads of a call that returned the right total ran at once: at
/// least `entries − by_caller` of them started and not yet joined at one time
/// (`by_caller`: how many entries the caller may count itself). A thread joined
/// before the next one starts (`for … { spawn(…).join() }`, or a lazy
/// `map(spawn).map(join)`) counts the entries one after another: threads, and
/// no concurrency.
fn one_after_another(call: &str, entries: usize, by_caller: usize) -> Result<(), String> {
    let most = trace::most_threads_at_once() as usize;
    if entries < 2 || most + by_caller >= entries {
        return Ok(());
    }
    Err(format!(
        "`{call}` returned the right total, but its threads never ran at once: at most {most} of the threads it \
         started (an owner thread among them, if it has one) were running at one time, for {entries} entries with \
         work — each worker was joined before the next started, so the entries were counted one after another. \
         Start every thread first, then join them"
    ))
}

/// The one-thread inputs of `count_in_partials`, one past 2^32 last.
const PARTIALS: &[&[u64]] = &[&[3], &[0], &[2, 0, 5], &[1_000, 1], &[3, 1, 2], &[1, 2, 3, 4], &[values::PAST_U32, 1]];

/// How many entries of `steps` have work to do: a worker per entry, but one with nothing to
/// count may be skipped.
fn nonzero(steps: &[u64]) -> usize {
    steps.iter().filter(|&&k| k > 0).count()
}

/// `check` on each of `inputs`, each in a model run of its own (loom counts every thread an execution starts).
fn each_in_model(
    inputs: &'static [&'static [u64]],
    check: impl Fn(&[u64]) -> Result<(), String> + Copy + Send + Sync + 'static,
) -> Result<(), Sequential> {
    for &steps in inputs {
        once_in_model(move || check(steps))?;
    }
    Ok(())
}

