// Lab 06's catalogue of learner answers: plausible wrong ones the judge must
// reject, and unusual right ones it must accept (mutation tests of the judge).
//
// Compiled once per backend like the lab code, and run through the very
// checks `racelab verify 6` runs (`cargo test --test judge`). Several wrong
// answers here are *fast*: speed is not the judge's business, correctness is.

use super::Fixes;
use super::sync::CachePadded;
use super::sync::atomic::{AtomicU64, Ordering::Relaxed, Ordering::SeqCst};
use crate::judge::Answer;

const S: Fixes = Fixes::SOLUTION;
type Shards = [CachePadded<AtomicU64>];

// --- wrong --------------------------------------------------------------

/// Every thread on shard 0: the total is right, but it is one hot counter again.
fn all_on_shard_zero(shards: &Shards, _me: usize) {
    shards[0].fetch_add(1, Relaxed);
}

/// The neighbour's shard: exclusive, but not the thread's own.
fn neighbours_shard(shards: &Shards, me: usize) {
    shards[(me + 1) % shards.len()].fetch_add(1, Relaxed);
}

/// Shard 0 with a separate load and store: the racy hot counter.
fn shard_zero_load_store(shards: &Shards, _me: usize) {
    let seen = shards[0].load(Relaxed);
    shards[0].store(seen + 1, Relaxed);
}

/// Two threads per shard, plain load and store.
fn half_the_shards_load_store(shards: &Shards, me: usize) {
    let shard = &shards[me / 2];
    let seen = shard.load(Relaxed);
    shard.store(seen + 1, Relaxed);
}

/// Overwrites instead of adding.
fn store_one(shards: &Shards, me: usize) {
    shards[me].store(1, Relaxed);
}

/// Only the first shard: right only with one thread.
fn total_first_shard(shards: &Shards) -> u64 {
    shards.first().map_or(0, |s| s.load(Relaxed))
}

/// The first shard times the number of shards: right only for equal threads.
fn total_first_times_len(shards: &Shards) -> u64 {
    shards.first().map_or(0, |s| s.load(Relaxed) * shards.len() as u64)
}

/// The largest shard, not the sum.
fn total_max(shards: &Shards) -> u64 {
    shards.iter().map(|s| s.load(Relaxed)).max().unwrap_or(0)
}

/// Skips the last shard (an off-by-one range).
fn total_skips_last(shards: &Shards) -> u64 {
    (0..shards.len().saturating_sub(1)).map(|i| shards[i].load(Relaxed)).sum()
}

/// Publishes with `store`: the last thread wins.
fn publish_store(total: &AtomicU64, iters: u64) {
    total.store(iters, Relaxed);
}

/// Publishes with a separate load and store.
fn publish_load_store(total: &AtomicU64, iters: u64) {
    let seen = total.load(SeqCst);
    total.store(seen + iters, SeqCst);
}

/// One compare-exchange; losing the race loses the whole thread's count.
fn publish_cas_once(total: &AtomicU64, iters: u64) {
    let seen = total.load(Relaxed);
    let _ = total.compare_exchange(seen, seen + iters, Relaxed, Relaxed);
}

/// Publishes with a compare-exchange loop that gives up after eight lost races.
fn publish_cas_eight_tries(total: &AtomicU64, iters: u64) {
    let mut seen = total.load(Relaxed);
    for _ in 0..8 {
        match total.compare_exchange(seen, seen + iters, Relaxed, Relaxed) {
            Ok(_) => return,
            Err(now) => seen = now,
        }
    }
}

/// Its own shard by a compare-exchange loop that retries with the value it read once: a loop
/// that could never succeed once another thread got in first — but no other thread writes
/// `shards[me]`, so the first (strong) exchange always succeeds. Right, if odd.
fn own_shard_cas_stale_expected(shards: &Shards, me: usize) {
    let seen = shards[me].load(Relaxed);
    while shards[me].compare_exchange(seen, seen + 1, Relaxed, Relaxed).is_err() {}
}

/// Its own shard by a compare-exchange loop that gives up after a thousand lost races: no
/// other thread writes `shards[me]`, so it never loses one. Right.
fn own_shard_cas_thousand_tries(shards: &Shards, me: usize) {
    for _ in 0..1_000 {
        let seen = shards[me].load(Relaxed);
        if shards[me].compare_exchange(seen, seen + 1, Relaxed, Relaxed).is_ok() {
            return;
        }
    }
}

/// Counts from 1: one short per thread.
fn publish_off_by_one(total: &AtomicU64, iters: u64) {
    let mut mine = 0;
    for _ in 1..iters {
        mine += 1;
    }
    total.fetch_add(mine, Relaxed);
}

/// Publishes one per thread, not the count.
fn publish_one(total: &AtomicU64, _iters: u64) {
    total.fetch_add(1, Relaxed);
}

/// Publishes every increment as it happens: right in total, but it is the one hot counter
/// the exercise replaces (a reviewer's answer, once "not judged" after 40 s of counting
/// past 2^32 on real threads).
fn publish_every_increment(total: &AtomicU64, iters: u64) {
    for _ in 0..iters {
        total.fetch_add(1, Relaxed);
    }
}

/// The largest report, not the sum.
fn combine_max(reports: &[u64]) -> u64 {
    reports.iter().copied().max().unwrap_or(0)
}

/// Right only when every worker had the same job.
fn combine_first_times_count(reports: &[u64]) -> u64 {
    reports.first().map_or(0, |first| first * reports.len() as u64)
}

/// Keeps the low 32 bits of its count by two shifts, a mask built at run time (a
/// reviewer's answer, once solved: no type narrower than 64 bits, no large number).
fn worker_shifts_to_32_bits(iters: u64) -> u64 {
    iters << 32 >> 32
}

/// Publishes with `fetch_add`, but onto a total past 2^40 by a load and a store
/// (a reviewer's answer, once solved: the code's own number was past the lab's
/// largest total and no total started there).
fn publish_by_store_past_2_pow_40(total: &AtomicU64, iters: u64) {
    let mut mine = 0_u64;
    for _ in 0..iters {
        mine += 1;
    }
    let seen = total.load(Relaxed);
    if seen >= 1 << 40 {
        total.store(seen + mine, Relaxed);
    } else {
        total.fetch_add(mine, Relaxed);
    }
}

/// Reads the first 64 shards only: "one per core is plenty" — right up to 64
/// threads, short beyond (a run allows 1 024; a reviewer's answer, once solved).
fn total_first_64(shards: &Shards) -> u64 {
    shards.iter().take(64).map(|s| s.load(Relaxed)).sum()
}

/// Ignores its job.
fn worker_ignores_job(_iters: u64) -> u64 {
    1
}

/// "Eight shards fill one cache line": sums only the first eight, right up
/// to eight threads and short beyond.
fn total_first_eight(shards: &Shards) -> u64 {
    shards.iter().take(8).map(|s| s.load(Relaxed)).sum()
}

/// Totals by taking each shard's count (`swap(0)`): right once, but the
/// shards are emptied, so every total after it — and every count — is wrong.
fn total_empties_the_shards(shards: &[CachePadded<AtomicU64>]) -> u64 {
    shards.iter().map(|shard| shard.swap(0, Relaxed)).sum()
}

/// The shard by `me % 16`: right for up to 16 threads; from 17 on, two threads share a shard
/// (the lab runs up to 1024).
fn shard_me_mod_16(shards: &Shards, me: usize) {
    shards[me % 16].fetch_add(1, Relaxed);
}

/// The shard by `me & 15`, read and written back: two threads on one shard from 17 on, and
/// then a load and a store lose updates.
fn shard_me_and_15_load_store(shards: &Shards, me: usize) {
    let shard = &shards[me & 15];
    shard.store(shard.load(Relaxed) + 1, Relaxed);
}

/// One weak compare-exchange on its own shard, its result ignored: no thread races it, but a
/// weak exchange may fail spuriously (real ARM hardware does), and the increment is lost.
fn own_shard_weak_cas_once(shards: &Shards, me: usize) {
    let seen = shards[me].load(Relaxed);
    let _ = shards[me].compare_exchange_weak(seen, seen + 1, Relaxed, Relaxed);
}

// --- right, if unusual ------------------------------------------------------

/// Adds the reports with `reduce`, expecting at least one: every run has a worker
/// (`--threads 0` is refused), so the `expect` never fires.
fn combine_reduce_expect(reports: &[u64]) -> u64 {
    reports.iter().copied().reduce(|a, b| a + b).expect("at least one worker")
}

/// One strong compare-exchange on its own shard, its result ignored: no other thread writes
/// `shards[me]`, and a strong exchange fails only when the value changed.
fn own_shard_cas_once(shards: &Shards, me: usize) {
    let seen = shards[me].load(Relaxed);
    let _ = shards[me].compare_exchange(seen, seen + 1, Relaxed, Relaxed);
}

/// A plain load and store on the thread's *own* shard: no other thread ever
/// writes it, so there is nothing to race with (and `fetch_add` is not needed).
fn own_shard_load_store(shards: &Shards, me: usize) {
    let seen = shards[me].load(Relaxed);
    shards[me].store(seen + 1, Relaxed);
}

/// `fetch_update` on the own shard.
fn own_shard_fetch_update(shards: &Shards, me: usize) {
    let _ = shards[me].fetch_update(Relaxed, Relaxed, |n| Some(n + 1));
}

/// A loop over the shards, SeqCst loads.
fn total_loop(shards: &Shards) -> u64 {
    let mut sum = 0;
    for shard in shards {
        sum += shard.load(SeqCst);
    }
    sum
}

/// Publishes with a weak compare-exchange, but after the third failure in a row that found
/// its own value takes the hardware for stuck and gives up: the count is never published (a
/// reviewer's answer in labs 01 to 03, once solved: loom's pass makes two in a row).
fn publish_weak_gives_up_after_three_spurious(total: &AtomicU64, iters: u64) {
    let mut spurious = 0;
    loop {
        let seen = total.load(Relaxed);
        match total.compare_exchange_weak(seen, seen + iters, Relaxed, Relaxed) {
            Ok(_) => return,
            Err(now) if now != seen => spurious = 0,
            Err(_) if spurious == 2 => return,
            Err(_) => spurious += 1,
        }
    }
}

/// Publishes with a weak compare-exchange, but after two failures in a row that found its own
/// value it decides nobody else is publishing and stores the sum: another thread's count
/// published between that look and the store is overwritten.
fn publish_weak_spurious_twice_then_store(total: &AtomicU64, iters: u64) {
    let mut spurious = 0;
    loop {
        let seen = total.load(Relaxed);
        match total.compare_exchange_weak(seen, seen + iters, Relaxed, Relaxed) {
            Ok(_) => return,
            Err(now) if now != seen => spurious = 0,
            Err(_) => {
                spurious += 1;
                if spurious == 2 {
                    total.store(seen + iters, Relaxed);
                    return;
                }
            }
        }
    }
}

/// Publishes with a compare-exchange loop, but finding the total far ahead of what it saw
/// it "catches up" with a plain store of what it found plus its count: a thread that
/// publishes between that failed exchange and the store is overwritten (a reviewer's
/// answer, once judged solved: the simulated rivals published 1 per race, never 1 000).
fn publish_catches_up_with_a_store(total: &AtomicU64, iters: u64) {
    let mut seen = total.load(Relaxed);
    while let Err(now) = total.compare_exchange(seen, seen + iters, Relaxed, Relaxed) {
        if now > seen + 1000 {
            total.store(now + iters, Relaxed);
            return;
        }
        seen = now;
    }
}

/// No loop at all: the count *is* `iters`.
fn publish_iters(total: &AtomicU64, iters: u64) {
    total.fetch_add(iters, Relaxed);
}

/// A compare-exchange loop that retries until the count is in.
fn publish_cas_loop(total: &AtomicU64, iters: u64) {
    let mut seen = total.load(Relaxed);
    while let Err(now) = total.compare_exchange_weak(seen, seen + iters, Relaxed, Relaxed) {
        seen = now;
    }
}

thread_local! {
    /// This thread's count before it is published (`publish_from_a_thread_local`).
    static MINE: std::cell::Cell<u64> = const { std::cell::Cell::new(0) };
}

/// Counts in a `thread_local!` one increment at a time, as the lesson's idea
/// says, and publishes once. Right; four billion increments of it take 20 s, so
/// the judge counts past 2^32 only for code that names a narrow type.
fn publish_from_a_thread_local(total: &AtomicU64, iters: u64) {
    MINE.set(0);
    for _ in 0..iters {
        MINE.set(MINE.get() + 1);
    }
    total.fetch_add(MINE.get(), Relaxed);
}

thread_local! {
    /// This thread's count, never reset (`publish_thread_local_never_reset`).
    static KEPT: std::cell::Cell<u64> = const { std::cell::Cell::new(0) };
}

/// Counts in a `thread_local!` and publishes once, but never resets it: a thread's
/// second call publishes its first call's increments again.
fn publish_thread_local_never_reset(total: &AtomicU64, iters: u64) {
    for _ in 0..iters {
        KEPT.set(KEPT.get() + 1);
    }
    total.fetch_add(KEPT.get(), Relaxed);
}

/// Publishes in two halves: more shared writes, still exact.
fn publish_in_halves(total: &AtomicU64, iters: u64) {
    total.fetch_add(iters / 2, Relaxed);
    total.fetch_add(iters - iters / 2, Relaxed);
}

/// The count without a loop.
fn worker_returns_job(iters: u64) -> u64 {
    iters
}

/// A checked fold instead of `sum`.
fn combine_fold(reports: &[u64]) -> u64 {
    reports.iter().try_fold(0_u64, |a, &b| a.checked_add(b)).unwrap_or(u64::MAX)
}

/// Counts in 16 bits before publishing: wraps at 65 536.
fn publish_u16(total: &AtomicU64, iters: u64) {
    let mut mine: u16 = 0;
    for _ in 0..iters {
        mine = mine.wrapping_add(1);
    }
    total.fetch_add(u64::from(mine), Relaxed);
}

/// Counts in a local whose type nothing fixes (`let mut mine = 0`, then `mine as u64`):
/// Rust makes it an `i32`, which overflows past 2^31 increments. It names no narrow
/// type; the `as` makes the judge count past 2^32 (a reviewer's answer, once solved).
#[allow(clippy::cast_sign_loss, reason = "the mistake this answer makes")]
fn publish_inferred_i32(total: &AtomicU64, iters: u64) {
    let mut mine = 0;
    for _ in 0..iters {
        mine += 1;
    }
    total.fetch_add(mine as u64, Relaxed);
}

/// Sums in 32 bits: right until the total passes 4 294 967 295.
fn combine_u32(reports: &[u64]) -> u64 {
    u64::from(reports.iter().map(|&r| r as u32).fold(0_u32, u32::wrapping_add))
}

/// Sums the shards in a `u32`: right until the total passes 2^32.
fn sharded_total_u32(shards: &Shards) -> u64 {
    u64::from(shards.iter().fold(0_u32, |sum, s| sum.wrapping_add(s.load(Relaxed) as u32)))
}

/// Counts locally in a `u32`: right until a thread counts past 2^32.
fn publish_from_u32(total: &AtomicU64, iters: u64) {
    let mut mine: u32 = 0;
    for _ in 0..iters {
        mine = mine.wrapping_add(1);
    }
    total.fetch_add(u64::from(mine), Relaxed);
}

/// Publishes with a `load` and a `store` when the count is odd and above 2:
/// loom's threads count 1 or 2 each, and real threads publish once each, so
/// neither meets the race (a reviewer's answer, once solved; caught by a thread
/// that publishes just after the look, at counts 3 to 9).
fn publish_by_store_for_odd_counts(total: &AtomicU64, iters: u64) {
    let mine = iters;
    if mine % 2 == 1 && mine > 2 {
        let seen = total.load(Relaxed);
        total.store(seen + mine, Relaxed);
    } else {
        total.fetch_add(mine, Relaxed);
    }
}

/// Publishes half with `fetch_add` and the rest with a `load` and a `store`: the
/// look comes after its own first write (a reviewer's answer, once solved).
fn publish_half_then_load_store(total: &AtomicU64, iters: u64) {
    if iters <= 2 {
        total.fetch_add(iters, Relaxed);
        return;
    }
    let half = iters / 2;
    total.fetch_add(half, Relaxed);
    let seen = total.load(Relaxed);
    total.store(seen + (iters - half), Relaxed);
}

/// Publishes with a `load` and a `store` from 2^20 increments on: a branch
/// only a count the code itself names takes (a reviewer's answer, once solved;
/// the judge counts to the code's own largest number).
fn publish_by_store_from_a_million(total: &AtomicU64, iters: u64) {
    let mut mine = 0_u64;
    for _ in 0..iters {
        mine += 1;
    }
    if iters >= 1 << 20 {
        let seen = total.load(Relaxed);
        total.store(seen + mine, Relaxed);
    } else {
        total.fetch_add(mine, Relaxed);
    }
}

/// Counts in the `u32` that `count_ones` returns, naming no narrow type: wrong
/// past 2^32 increments (a reviewer's answer, once solved).
fn publish_count_ones_u32(total: &AtomicU64, iters: u64) {
    let mut mine = iters.count_ones() - iters.count_ones();
    for _ in 0..iters {
        mine = mine.wrapping_add(1);
    }
    total.fetch_add(mine.into(), Relaxed);
}

/// Every answer in the catalogue.
pub fn catalogue() -> Vec<Answer<Fixes>> {
    vec![
        Answer::wrong("sharded_total_u32", "sharded", Fixes { sharded_total: sharded_total_u32, ..S }),
        Answer::wrong("publish_by_store_past_2_pow_40", "thread_local", Fixes { count_then_publish: publish_by_store_past_2_pow_40, ..S }),
        Answer::wrong("total_first_64", "sharded", Fixes { sharded_total: total_first_64, ..S }),
        Answer::wrong("publish_from_u32", "thread_local", Fixes { count_then_publish: publish_from_u32, ..S }),
        Answer::wrong(
            "publish_thread_local_never_reset",
            "thread_local",
            Fixes { count_then_publish: publish_thread_local_never_reset, ..S },
        ),
        Answer::wrong("publish_by_store_for_odd_counts", "thread_local", Fixes { count_then_publish: publish_by_store_for_odd_counts, ..S }),
        Answer::wrong("publish_half_then_load_store", "thread_local", Fixes { count_then_publish: publish_half_then_load_store, ..S }),
        Answer::wrong("publish_by_store_from_a_million", "thread_local", Fixes { count_then_publish: publish_by_store_from_a_million, ..S }),
        Answer::wrong("publish_count_ones_u32", "thread_local", Fixes { count_then_publish: publish_count_ones_u32, ..S }),
        Answer::wrong("all_on_shard_zero", "sharded", Fixes { sharded_increment: all_on_shard_zero, ..S }),
        Answer::wrong("neighbours_shard", "sharded", Fixes { sharded_increment: neighbours_shard, ..S }),
        Answer::wrong("shard_me_mod_16", "sharded", Fixes { sharded_increment: shard_me_mod_16, ..S }),
        Answer::wrong(
            "shard_me_and_15_load_store",
            "sharded",
            Fixes { sharded_increment: shard_me_and_15_load_store, ..S },
        ),
        Answer::wrong("own_shard_weak_cas_once", "sharded", Fixes { sharded_increment: own_shard_weak_cas_once, ..S }),
        Answer::wrong("publish_cas_eight_tries", "thread_local", Fixes { count_then_publish: publish_cas_eight_tries, ..S }),
        Answer::wrong("shard_zero_load_store", "sharded", Fixes { sharded_increment: shard_zero_load_store, ..S }),
        Answer::wrong(
            "half_the_shards_load_store",
            "sharded",
            Fixes { sharded_increment: half_the_shards_load_store, ..S },
        ),
        Answer::wrong("store_one", "sharded", Fixes { sharded_increment: store_one, ..S }),
        Answer::wrong("total_first_shard", "sharded", Fixes { sharded_total: total_first_shard, ..S }),
        Answer::wrong("total_first_times_len", "sharded", Fixes { sharded_total: total_first_times_len, ..S }),
        Answer::wrong("total_max", "sharded", Fixes { sharded_total: total_max, ..S }),
        Answer::wrong("total_skips_last", "sharded", Fixes { sharded_total: total_skips_last, ..S }),
        Answer::wrong("publish_store", "thread_local", Fixes { count_then_publish: publish_store, ..S }),
        Answer::wrong("publish_load_store", "thread_local", Fixes { count_then_publish: publish_load_store, ..S }),
        Answer::wrong("publish_cas_once", "thread_local", Fixes { count_then_publish: publish_cas_once, ..S }),
        Answer::wrong("publish_off_by_one", "thread_local", Fixes { count_then_publish: publish_off_by_one, ..S }),
        Answer::wrong("publish_one", "thread_local", Fixes { count_then_publish: publish_one, ..S }),
        Answer::wrong(
            "publish_every_increment",
            "thread_local",
            Fixes { count_then_publish: publish_every_increment, ..S },
        ),
        Answer::wrong("combine_max", "process", Fixes { combine: combine_max, ..S }),
        Answer::wrong("combine_first_times_count", "process", Fixes { combine: combine_first_times_count, ..S }),
        Answer::wrong("worker_ignores_job", "process", Fixes { worker: worker_ignores_job, ..S }),
        Answer::wrong("worker_shifts_to_32_bits", "process", Fixes { worker: worker_shifts_to_32_bits, ..S }),
        Answer::wrong("publish_u16", "thread_local", Fixes { count_then_publish: publish_u16, ..S }),
        Answer::wrong("publish_inferred_i32", "thread_local", Fixes { count_then_publish: publish_inferred_i32, ..S }),
        Answer::wrong("combine_u32", "process", Fixes { combine: combine_u32, ..S }),
        Answer::wrong("total_first_eight", "sharded", Fixes { sharded_total: total_first_eight, ..S }),
        Answer::wrong("total_empties_the_shards", "sharded", Fixes { sharded_total: total_empties_the_shards, ..S }),
        Answer::right("own_shard_cas_once", "sharded", Fixes { sharded_increment: own_shard_cas_once, ..S }),
        Answer::right(
            "own_shard_cas_thousand_tries",
            "sharded",
            Fixes { sharded_increment: own_shard_cas_thousand_tries, ..S },
        ),
        Answer::right(
            "own_shard_cas_stale_expected",
            "sharded",
            Fixes { sharded_increment: own_shard_cas_stale_expected, ..S },
        ),
        Answer::right("own_shard_load_store", "sharded", Fixes { sharded_increment: own_shard_load_store, ..S }),
        Answer::right("own_shard_fetch_update", "sharded", Fixes { sharded_increment: own_shard_fetch_update, ..S }),
        Answer::right("total_loop", "sharded", Fixes { sharded_total: total_loop, ..S }),
        Answer::right("publish_iters", "thread_local", Fixes { count_then_publish: publish_iters, ..S }),
        Answer::right("publish_cas_loop", "thread_local", Fixes { count_then_publish: publish_cas_loop, ..S }),
        Answer::wrong(
            "publish_weak_gives_up_after_three_spurious",
            "thread_local",
            Fixes { count_then_publish: publish_weak_gives_up_after_three_spurious, ..S },
        ),
        Answer::wrong(
            "publish_weak_spurious_twice_then_store",
            "thread_local",
            Fixes { count_then_publish: publish_weak_spurious_twice_then_store, ..S },
        ),
        Answer::wrong(
            "publish_catches_up_with_a_store",
            "thread_local",
            Fixes { count_then_publish: publish_catches_up_with_a_store, ..S },
        ),
        Answer::right("publish_in_halves", "thread_local", Fixes { count_then_publish: publish_in_halves, ..S }),
        Answer::right(
            "publish_from_a_thread_local",
            "thread_local",
            Fixes { count_then_publish: publish_from_a_thread_local, ..S },
        ),
        Answer::right("combine_reduce_expect", "process", Fixes { combine: combine_reduce_expect, ..S }),
        Answer::right(
            "worker_returns_job_combine_fold",
            "process",
            Fixes { worker: worker_returns_job, combine: combine_fold, ..S },
        ),
    ]
}
