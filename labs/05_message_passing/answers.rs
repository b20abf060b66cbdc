// Lab 05's catalogue of learner answers: plausible wrong ones the judge must
// reject, and unusual right ones it must accept (mutation tests of the judge).
//
// Compiled once per backend like the lab code, and run through the very
// checks `racelab verify 5` runs (`cargo test --test judge`).

use super::{Fixes, own, send_each};
use super::sync::atomic::{AtomicU64, Ordering::Relaxed};
use super::sync::channel::{self, Sender, TryRecvError};
use super::sync::{Arc, thread};
use crate::judge::Answer;

const S: Fixes = Fixes::SOLUTION;

/// Starts a worker per entry of `steps`, each with its own clone of `tx`, sending one `1` per increment.
fn spawn_workers(steps: &[u64], tx: &Sender<u64>) -> Vec<thread::JoinHandle<()>> {
    steps
        .iter()
        .map(|&n| {
            let tx = tx.clone();
            thread::spawn(move || send_each(&tx, n))
        })
        .collect()
}

fn join_all(workers: Vec<thread::JoinHandle<()>>) {
    for worker in workers {
        worker.join().expect("a worker panicked");
    }
}

// --- wrong: channel ---------------------------------------------------------

/// A worker with more than 1 000 increments sends its whole count as one message
/// ("that many messages is wasteful"): not a `1` per increment, and the trials on
/// real threads check only the total (a reviewer's answer, once solved).
fn one_message_when_many(steps: &[u64]) -> u64 {
    let (tx, rx) = channel::unbounded::<u64>();
    let owner = thread::spawn(move || rx.iter().sum::<u64>());
    let workers: Vec<_> = steps
        .iter()
        .map(|&n| {
            let tx = tx.clone();
            thread::spawn(move || {
                if n > 1_000 {
                    tx.send(n).expect("the owner hung up");
                } else {
                    for _ in 0..n {
                        tx.send(1).expect("the owner hung up");
                    }
                }
            })
        })
        .collect();
    drop(tx);
    join_all(workers);
    owner.join().expect("the owner panicked")
}

/// The owner takes as many messages as there are workers: a guess.
fn owner_takes_one_per_worker(steps: &[u64]) -> u64 {
    let (tx, rx) = channel::unbounded::<u64>();
    let expected = steps.len();
    let owner = thread::spawn(move || rx.iter().take(expected).sum::<u64>());
    let workers = spawn_workers(steps, &tx);
    drop(tx);
    join_all(workers);
    owner.join().expect("the owner panicked")
}

/// The owner sums in a `u16`: right until 65 535 messages (a reviewer's answer,
/// once solved: no channel case sent that many).
fn owner_sums_in_u16(steps: &[u64]) -> u64 {
    let (tx, rx) = channel::unbounded::<u64>();
    let owner = thread::spawn(move || rx.iter().fold(0_u16, |total, n| total.wrapping_add(n as u16)));
    let workers = spawn_workers(steps, &tx);
    drop(tx);
    join_all(workers);
    owner.join().expect("the owner panicked").into()
}

/// The owner polls with `try_recv` and stops the first time the channel is empty.
fn try_recv_quits_when_empty(steps: &[u64]) -> u64 {
    let (tx, rx) = channel::unbounded::<u64>();
    let owner = thread::spawn(move || {
        let mut total = 0;
        while let Ok(n) = rx.try_recv() {
            total += n;
        }
        total
    });
    let workers = spawn_workers(steps, &tx);
    drop(tx);
    join_all(workers);
    owner.join().expect("the owner panicked")
}

/// Forgets to drop its own sender: the owner's `iter()` never ends.
fn sender_kept_alive(steps: &[u64]) -> u64 {
    let (tx, rx) = channel::unbounded::<u64>();
    let owner = thread::spawn(move || rx.iter().sum::<u64>());
    let workers = spawn_workers(steps, &tx);
    join_all(workers);
    let total = owner.join().expect("the owner panicked");
    drop(tx);
    total
}

/// Joins the owner first, and drops the sender only after: the owner waits for the sender, main for the owner.
fn join_owner_before_dropping_sender(steps: &[u64]) -> u64 {
    let (tx, rx) = channel::unbounded::<u64>();
    let owner = thread::spawn(move || rx.iter().sum::<u64>());
    let workers = spawn_workers(steps, &tx);
    let total = owner.join().expect("the owner panicked");
    drop(tx);
    join_all(workers);
    total
}

/// The owner publishes its count in an atomic; main reads it once the workers are joined.
fn read_count_before_owner_is_done(steps: &[u64]) -> u64 {
    let (tx, rx) = channel::unbounded::<u64>();
    let count = Arc::new(AtomicU64::new(0));
    let published = Arc::clone(&count);
    let owner = thread::spawn(move || {
        for n in rx.iter() {
            published.fetch_add(n, Relaxed);
        }
    });
    let workers = spawn_workers(steps, &tx);
    drop(tx);
    join_all(workers);
    let total = count.load(Relaxed);
    owner.join().expect("the owner panicked");
    total
}

/// A channel of capacity 1, received from only after the workers are joined.
fn bounded_owner_after_join(steps: &[u64]) -> u64 {
    let (tx, rx) = channel::bounded::<u64>(1);
    let workers = spawn_workers(steps, &tx);
    drop(tx);
    join_all(workers);
    own(rx)
}

// --- wrong: batched -----------------------------------------------------------

/// Sends a batch only when it is full: the last, partial batch is lost.
fn flush_only_when_full(tx: &Sender<u64>, iters: u64, batch: u64) {
    let mut pending = 0;
    for _ in 0..iters {
        pending += 1;
        if pending == batch {
            let _ = tx.send(pending);
            pending = 0;
        }
    }
}

/// Never resets its counter: every batch resends the ones before it.
#[allow(clippy::manual_is_multiple_of, reason = "written as a learner might: `%` is what learners reach for")]
fn counter_not_reset(tx: &Sender<u64>, iters: u64, batch: u64) {
    let mut pending = 0;
    for _ in 0..iters {
        pending += 1;
        if pending % batch == 0 {
            let _ = tx.send(pending);
        }
    }
    if pending % batch != 0 {
        let _ = tx.send(pending % batch);
    }
}

/// Sends the running total instead of what was added since the last send.
fn running_total(tx: &Sender<u64>, iters: u64, batch: u64) {
    let mut done = 0;
    let mut since = 0;
    for _ in 0..iters {
        done += 1;
        since += 1;
        if since == batch {
            let _ = tx.send(done);
            since = 0;
        }
    }
    if since > 0 {
        let _ = tx.send(done);
    }
}

/// Flushes when more than a batch is pending: every message one too big.
fn flush_after_batch_plus_one(tx: &Sender<u64>, iters: u64, batch: u64) {
    let mut pending = 0;
    for _ in 0..iters {
        pending += 1;
        if pending > batch {
            let _ = tx.send(pending);
            pending = 0;
        }
    }
    if pending > 0 {
        let _ = tx.send(pending);
    }
}

/// Ignores the batch: one message per increment, as before.
fn one_message_per_increment(tx: &Sender<u64>, iters: u64, _batch: u64) {
    for _ in 0..iters {
        let _ = tx.send(1);
    }
}

/// Sends everything as one message, however large.
fn one_message_of_everything(tx: &Sender<u64>, iters: u64, _batch: u64) {
    if iters > 0 {
        let _ = tx.send(iters);
    }
}

// --- wrong: partials ----------------------------------------------------------

fn count_alone(n: u64) -> u64 {
    let mut mine = 0;
    for _ in 0..n {
        mine += 1;
    }
    mine
}

/// Merges the partials with `max`.
fn partials_max(steps: &[u64]) -> u64 {
    thread::scope(|s| {
        let handles: Vec<_> = steps.iter().map(|&n| s.spawn(move || count_alone(n))).collect();
        handles.into_iter().map(|h| h.join().expect("panicked")).max().unwrap_or(0)
    })
}

/// The first partial times the number of threads: right only for equal jobs.
fn first_partial_times_threads(steps: &[u64]) -> u64 {
    thread::scope(|s| {
        let handles: Vec<_> = steps.iter().map(|&n| s.spawn(move || count_alone(n))).collect();
        let partials: Vec<u64> = handles.into_iter().map(|h| h.join().expect("panicked")).collect();
        partials.first().map_or(0, |first| first * partials.len() as u64)
    })
}

/// Scoped threads, but all adding to one shared counter with a load and a store.
fn shared_counter_in_scope(steps: &[u64]) -> u64 {
    let total = AtomicU64::new(0);
    thread::scope(|s| {
        for &n in steps {
            let total = &total;
            s.spawn(move || {
                for _ in 0..n {
                    let seen = total.load(Relaxed);
                    total.store(seen + 1, Relaxed);
                }
            });
        }
    });
    total.load(Relaxed)
}

/// Keeps the last partial joined, not the sum.
fn last_partial_wins(steps: &[u64]) -> u64 {
    thread::scope(|s| {
        let handles: Vec<_> = steps.iter().map(|&n| s.spawn(move || count_alone(n))).collect();
        let mut total = 0;
        for h in handles {
            total = h.join().expect("panicked");
        }
        total
    })
}

/// Adds the steps up in the owner: the right total, with no worker and no message.
fn sums_without_messages(steps: &[u64]) -> u64 {
    steps.iter().sum()
}

/// Adds the partials in the caller: the right total, with no thread.
fn partials_without_threads(steps: &[u64]) -> u64 {
    steps.iter().sum()
}

/// A thread per worker sends its whole count as one message: the right total,
/// but not a message per increment — the batched exercise's idea, unasked.
fn one_message_per_worker(steps: &[u64]) -> u64 {
    let (tx, rx) = channel::unbounded();
    let owner = thread::spawn(move || rx.iter().sum::<u64>());
    let workers: Vec<_> = steps
        .iter()
        .map(|&n| {
            let tx = tx.clone();
            thread::spawn(move || tx.send(n).expect("the owner is alive"))
        })
        .collect();
    drop(tx);
    for worker in workers {
        worker.join().expect("a worker panicked");
    }
    owner.join().expect("the owner panicked")
}

// --- right, if unusual ----------------------------------------------------------

/// `for n in &rx` in the owner; the original sender moved into the last worker instead of dropped.
fn sender_moved_into_last_worker(steps: &[u64]) -> u64 {
    let (tx, rx) = channel::unbounded::<u64>();
    let owner = thread::spawn(move || {
        let mut total = 0;
        for n in &rx {
            total += n;
        }
        total
    });
    let mut workers = Vec::new();
    let mut tx = Some(tx);
    for (i, &n) in steps.iter().enumerate() {
        let mine = if i + 1 == steps.len() { tx.take() } else { tx.clone() };
        let Some(mine) = mine else { continue };
        workers.push(thread::spawn(move || send_each(&mine, n)));
    }
    drop(tx);
    join_all(workers);
    owner.join().expect("the owner panicked")
}

/// Polls with `try_recv`, stopping only when every sender has gone.
fn try_recv_until_disconnected(steps: &[u64]) -> u64 {
    let (tx, rx) = channel::unbounded::<u64>();
    let owner = thread::spawn(move || {
        let mut total = 0;
        loop {
            match rx.try_recv() {
                Ok(n) => total += n,
                Err(TryRecvError::Empty) => continue,
                Err(TryRecvError::Disconnected) => return total,
            }
        }
    });
    let workers = spawn_workers(steps, &tx);
    drop(tx);
    join_all(workers);
    owner.join().expect("the owner panicked")
}

/// A rendezvous channel (`bounded(0)`): every send waits for the owner to take it.
fn rendezvous(steps: &[u64]) -> u64 {
    let (tx, rx) = channel::bounded::<u64>(0);
    let owner = thread::spawn(move || own(rx));
    let workers = spawn_workers(steps, &tx);
    drop(tx);
    join_all(workers);
    owner.join().expect("the owner panicked")
}

/// Workers in a `thread::scope`; the owner outside it, joined once the scope (and every sender) is gone.
fn scoped_workers(steps: &[u64]) -> u64 {
    let (tx, rx) = channel::unbounded::<u64>();
    let owner = thread::spawn(move || rx.iter().sum::<u64>());
    thread::scope(|s| {
        for &n in steps {
            let tx = tx.clone();
            s.spawn(move || send_each(&tx, n));
        }
    });
    drop(tx);
    owner.join().expect("the owner panicked")
}

/// Full batches by arithmetic, then the remainder.
#[allow(clippy::manual_is_multiple_of, reason = "written as a learner might: `%` is what learners reach for")]
fn chunks_by_division(tx: &Sender<u64>, iters: u64, batch: u64) {
    for _ in 0..iters / batch {
        let _ = tx.send(batch);
    }
    if iters % batch > 0 {
        let _ = tx.send(iters % batch);
    }
}

/// The remainder first, then full batches.
#[allow(clippy::manual_is_multiple_of, reason = "written as a learner might: `%` is what learners reach for")]
fn remainder_first(tx: &Sender<u64>, iters: u64, batch: u64) {
    if iters % batch > 0 {
        let _ = tx.send(iters % batch);
    }
    let mut pending = 0;
    for _ in 0..iters - iters % batch {
        pending += 1;
        if pending == batch {
            let _ = tx.send(pending);
            pending = 0;
        }
    }
}

/// Always flushes at the end, even an empty batch.
fn always_flush(tx: &Sender<u64>, iters: u64, batch: u64) {
    let mut pending = 0;
    for _ in 0..iters {
        pending += 1;
        if pending == batch {
            let _ = tx.send(pending);
            pending = 0;
        }
    }
    let _ = tx.send(pending);
}

/// Partials sent over a channel from the scoped threads, summed after the scope.
fn partials_over_a_channel(steps: &[u64]) -> u64 {
    let (tx, rx) = channel::unbounded::<u64>();
    thread::scope(|s| {
        for &n in steps {
            let tx = tx.clone();
            s.spawn(move || {
                let _ = tx.send(count_alone(n));
            });
        }
    });
    drop(tx);
    rx.iter().sum()
}

/// A fold over the joined partials.
#[allow(clippy::unnecessary_fold, reason = "written as a learner might")]
fn fold_partials(steps: &[u64]) -> u64 {
    thread::scope(|s| {
        let handles: Vec<_> = steps.iter().map(|&n| s.spawn(move || count_alone(n))).collect();
        handles.into_iter().fold(0, |total, h| total + h.join().expect("panicked"))
    })
}

/// A `0` sent by the caller as a "stop" message, before the workers are done:
/// the owner stops counting at it, and whatever arrives after is lost.
fn stop_message_before_workers_finish(steps: &[u64]) -> u64 {
    let (tx, rx) = channel::unbounded::<u64>();
    let owner = thread::spawn(move || {
        let mut total = 0;
        for n in rx.iter() {
            if n == 0 {
                break;
            }
            total += n;
        }
        total
    });
    let workers = spawn_workers(steps, &tx);
    let _ = tx.send(0);
    drop(tx);
    join_all(workers);
    owner.join().expect("the owner panicked")
}

/// The caller receives the workers' messages itself: no owner thread holds the count.
fn owner_in_the_callers_thread(steps: &[u64]) -> u64 {
    let (tx, rx) = channel::unbounded::<u64>();
    let workers = spawn_workers(steps, &tx);
    drop(tx);
    let total = rx.iter().sum();
    join_all(workers);
    total
}

/// The caller receives the messages of its scoped workers itself, inside the scope: no
/// owner thread holds the count (a reviewer's answer, once told "worker threads sent 0
/// messages" because the caller's channel was taken for an owner's reply).
fn owner_in_the_callers_scope(steps: &[u64]) -> u64 {
    let (tx, rx) = channel::unbounded::<u64>();
    thread::scope(|s| {
        for &n in steps {
            let tx = tx.clone();
            s.spawn(move || send_each(&tx, n));
        }
        drop(tx);
        rx.iter().sum::<u64>()
    })
}

/// The owner sends its total back to the caller over a second channel.
fn owner_replies_on_a_second_channel(steps: &[u64]) -> u64 {
    let (tx, rx) = channel::unbounded::<u64>();
    let (reply, total) = channel::bounded::<u64>(1);
    let owner = thread::spawn(move || {
        let _ = reply.send(rx.iter().sum());
    });
    let workers = spawn_workers(steps, &tx);
    drop(tx);
    join_all(workers);
    let sum = total.recv().expect("the owner replies");
    owner.join().expect("the owner panicked");
    sum
}

/// Computes how many messages first, `(iters + batch - 1) / batch`: the sum
/// overflows for a batch near `u64::MAX` (a reviewer's answer, once solved).
#[allow(clippy::manual_div_ceil, reason = "the mistake this answer makes")]
fn batches_by_ceiling(tx: &Sender<u64>, iters: u64, batch: u64) {
    let messages = (iters + batch - 1) / batch;
    let mut left = iters;
    for _ in 0..messages {
        let message = left.min(batch);
        let _ = tx.send(message);
        left -= message;
    }
}

/// Counts the pending increments in a `u8`: right for batches up to 255, and
/// past that the count wraps (or panics) before a batch is full.
fn batch_counter_u8(tx: &Sender<u64>, iters: u64, batch: u64) {
    let mut pending: u8 = 0;
    for _ in 0..iters {
        pending = pending.wrapping_add(1);
        if u64::from(pending) == batch {
            let _ = tx.send(u64::from(pending));
            pending = 0;
        }
    }
    if pending > 0 {
        let _ = tx.send(u64::from(pending));
    }
}

/// Each thread's partial count kept in a `u32`: wrong once a thread counts past 2^32.
fn partials_in_u32(steps: &[u64]) -> u64 {
    thread::scope(|s| {
        let handles: Vec<_> = steps
            .iter()
            .map(|&n| {
                s.spawn(move || {
                    let mut mine: u32 = 0;
                    for _ in 0..n {
                        mine = mine.wrapping_add(1);
                    }
                    u64::from(mine)
                })
            })
            .collect();
        handles.into_iter().fold(0, |total, h| total + h.join().expect("panicked"))
    })
}

/// Full batches and the remainder by arithmetic done in `u32`: right up to 2^32 − 1
/// increments (the lab counts up to 10^10), then the count is cut to its low 32 bits.
#[allow(clippy::cast_possible_truncation, reason = "the mistake this answer makes")]
fn batches_in_u32(tx: &Sender<u64>, iters: u64, batch: u64) {
    let (iters, batch) = (iters as u32, batch as u32);
    for _ in 0..iters / batch {
        let _ = tx.send(u64::from(batch));
    }
    if iters % batch > 0 {
        let _ = tx.send(u64::from(iters % batch));
    }
}

/// One worker thread sends every entry's increments: the right total and a `1` per
/// increment, but one worker, not one per entry.
fn one_worker_for_every_entry(steps: &[u64]) -> u64 {
    let (tx, rx) = channel::unbounded();
    let owner = thread::spawn(move || rx.iter().sum::<u64>());
    let all: u64 = steps.iter().sum();
    let worker = thread::spawn(move || send_each(&tx, all));
    worker.join().expect("the worker panicked");
    owner.join().expect("the owner panicked")
}

/// One scoped thread counts every entry: the right total, in one thread.
fn partials_in_one_thread(steps: &[u64]) -> u64 {
    thread::scope(|s| s.spawn(|| steps.iter().map(|&n| count_alone(n)).sum::<u64>()).join().expect("panicked"))
}

/// The caller counts the first entry itself while a scoped thread counts each of the others
/// (as `rayon::join` does): a thread per entry but one.
fn partials_caller_counts_the_first(steps: &[u64]) -> u64 {
    let (first, rest) = steps.split_first().expect("at least one thread");
    thread::scope(|s| {
        let handles: Vec<_> = rest.iter().map(|&n| s.spawn(move || count_alone(n))).collect();
        let mine = count_alone(*first);
        handles.into_iter().fold(mine, |total, h| total + h.join().expect("panicked"))
    })
}

/// Full batches by arithmetic, the remainder kept in a `u32`: right for every batch up
/// to 2^32, then a remainder past 2^32 (a batch bigger than the increments) is cut.
#[allow(clippy::cast_possible_truncation, reason = "the mistake this answer makes")]
fn remainder_in_u32(tx: &Sender<u64>, iters: u64, batch: u64) {
    for _ in 0..iters / batch {
        let _ = tx.send(batch);
    }
    let rest = (iters % batch) as u32;
    if rest > 0 {
        let _ = tx.send(u64::from(rest));
    }
}

/// One scoped thread per pair of entries (`chunks(2)`): fewer threads than entries.
fn partials_in_pairs(steps: &[u64]) -> u64 {
    thread::scope(|s| {
        let handles: Vec<_> =
            steps.chunks(2).map(|pair| s.spawn(move || pair.iter().map(|&n| count_alone(n)).sum::<u64>())).collect();
        handles.into_iter().map(|h| h.join().expect("panicked")).sum()
    })
}

/// A thread per entry, each joined before the next is spawned (here a lazy
/// `map(spawn).map(join)`; `for … { spawn(…).join() }` is the same): the entries are
/// counted one after another.
fn partials_joined_one_by_one(steps: &[u64]) -> u64 {
    thread::scope(|s| steps.iter().map(|&n| s.spawn(move || count_alone(n))).map(|h| h.join().expect("panicked")).sum())
}

/// The owner first, then each worker joined right after it is spawned: a `1` per
/// increment from a worker per entry, but the workers never run at once.
fn workers_joined_one_by_one(steps: &[u64]) -> u64 {
    let (tx, rx) = channel::unbounded::<u64>();
    let owner = thread::spawn(move || rx.iter().sum::<u64>());
    for &n in steps {
        let tx = tx.clone();
        thread::spawn(move || send_each(&tx, n)).join().expect("the worker panicked");
    }
    drop(tx);
    owner.join().expect("the owner panicked")
}

/// Every answer in the catalogue.
pub fn catalogue() -> Vec<Answer<Fixes>> {
    let channel = |f: fn(&[u64]) -> u64| Fixes { count_by_messages: f, ..S };
    let batched = |f: fn(&Sender<u64>, u64, u64)| Fixes { send_batched: f, ..S };
    let partials = |f: fn(&[u64]) -> u64| Fixes { count_in_partials: f, ..S };
    vec![
        Answer::wrong("owner_takes_one_per_worker", "channel", channel(owner_takes_one_per_worker)),
        Answer::wrong("owner_sums_in_u16", "channel", channel(owner_sums_in_u16)),
        Answer::wrong("try_recv_quits_when_empty", "channel", channel(try_recv_quits_when_empty)),
        Answer::wrong("sender_kept_alive", "channel", channel(sender_kept_alive)),
        Answer::wrong("sums_without_messages", "channel", channel(sums_without_messages)),
        Answer::wrong("one_message_per_worker", "channel", channel(one_message_per_worker)),
        Answer::wrong("one_message_when_many", "channel", channel(one_message_when_many)),
        Answer::wrong("join_owner_before_dropping_sender", "channel", channel(join_owner_before_dropping_sender)),
        Answer::wrong("read_count_before_owner_is_done", "channel", channel(read_count_before_owner_is_done)),
        Answer::wrong("bounded_owner_after_join", "channel", channel(bounded_owner_after_join)),
        Answer::wrong("stop_message_before_workers_finish", "channel", channel(stop_message_before_workers_finish)),
        Answer::wrong("owner_in_the_callers_thread", "channel", channel(owner_in_the_callers_thread)),
        Answer::wrong("owner_in_the_callers_scope", "channel", channel(owner_in_the_callers_scope)),
        Answer::wrong("batch_counter_u8", "batched", batched(batch_counter_u8)),
        Answer::wrong("batches_by_ceiling", "batched", batched(batches_by_ceiling)),
        Answer::wrong("partials_in_u32", "partials", partials(partials_in_u32)),
        Answer::wrong("flush_only_when_full", "batched", batched(flush_only_when_full)),
        Answer::wrong("counter_not_reset", "batched", batched(counter_not_reset)),
        Answer::wrong("running_total", "batched", batched(running_total)),
        Answer::wrong("flush_after_batch_plus_one", "batched", batched(flush_after_batch_plus_one)),
        Answer::wrong("one_message_per_increment", "batched", batched(one_message_per_increment)),
        Answer::wrong("one_message_of_everything", "batched", batched(one_message_of_everything)),
        Answer::wrong("partials_max", "partials", partials(partials_max)),
        Answer::wrong("partials_without_threads", "partials", partials(partials_without_threads)),
        Answer::wrong("first_partial_times_threads", "partials", partials(first_partial_times_threads)),
        Answer::wrong("shared_counter_in_scope", "partials", partials(shared_counter_in_scope)),
        Answer::wrong("last_partial_wins", "partials", partials(last_partial_wins)),
        Answer::wrong("batches_in_u32", "batched", batched(batches_in_u32)),
        Answer::wrong("one_worker_for_every_entry", "channel", channel(one_worker_for_every_entry)),
        Answer::wrong("partials_in_one_thread", "partials", partials(partials_in_one_thread)),
        Answer::wrong("remainder_in_u32", "batched", batched(remainder_in_u32)),
        Answer::wrong("partials_in_pairs", "partials", partials(partials_in_pairs)),
        Answer::wrong("partials_joined_one_by_one", "partials", partials(partials_joined_one_by_one)),
        Answer::wrong("workers_joined_one_by_one", "channel", channel(workers_joined_one_by_one)),
        Answer::right("partials_caller_counts_the_first", "partials", partials(partials_caller_counts_the_first)),
        Answer::right("sender_moved_into_last_worker", "channel", channel(sender_moved_into_last_worker)),
        Answer::right("try_recv_until_disconnected", "channel", channel(try_recv_until_disconnected)),
        Answer::right("rendezvous", "channel", channel(rendezvous)),
        Answer::right("scoped_workers", "channel", channel(scoped_workers)),
        Answer::right("owner_replies_on_a_second_channel", "channel", channel(owner_replies_on_a_second_channel)),
        Answer::right("chunks_by_division", "batched", batched(chunks_by_division)),
        Answer::right("remainder_first", "batched", batched(remainder_first)),
        Answer::right("always_flush", "batched", batched(always_flush)),
        Answer::right("partials_over_a_channel", "partials", partials(partials_over_a_channel)),
        Answer::right("fold_partials", "partials", partials(fold_partials)),
    ]
}
