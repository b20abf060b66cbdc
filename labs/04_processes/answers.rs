// Lab 04's catalogue of learner answers: plausible wrong ones the judge must
// reject, and unusual right ones it must accept (mutation tests of the judge).
//
// Compiled once per backend like the lab code, and run through the very
// checks `racelab verify 4` runs (`cargo test --test judge`).

use super::Fixes;
use super::sync::atomic::{
    AtomicBool, AtomicU64, Ordering::Acquire, Ordering::Relaxed, Ordering::Release, Ordering::SeqCst, fence,
};
use super::sync::{hint, thread};
use crate::judge::Answer;

const S: Fixes = Fixes::SOLUTION;

// --- wrong: atomic --------------------------------------------------------

/// A separate load and store: the racy counter again.
fn load_then_store(counter: &AtomicU64) {
    let seen = counter.load(Relaxed);
    counter.store(seen + 1, Relaxed);
}

/// An atomic swap of a value read earlier.
fn load_then_swap(counter: &AtomicU64) {
    let seen = counter.load(SeqCst);
    counter.swap(seen + 1, SeqCst);
}

/// One compare-exchange; a lost race loses the increment.
fn cas_once(counter: &AtomicU64) {
    let seen = counter.load(Relaxed);
    let _ = counter.compare_exchange(seen, seen + 1, Relaxed, Relaxed);
}

/// A compare-exchange loop that gives up after three lost races: under contention the increment is lost.
fn cas_three_tries(counter: &AtomicU64) {
    for _ in 0..3 {
        let seen = counter.load(Relaxed);
        if counter.compare_exchange(seen, seen + 1, Relaxed, Relaxed).is_ok() {
            return;
        }
    }
}

/// A compare-exchange loop that gives up after a thousand lost races: rarer, and just as wrong.
fn cas_thousand_tries(counter: &AtomicU64) {
    let mut seen = counter.load(Relaxed);
    for _ in 0..1_000 {
        match counter.compare_exchange_weak(seen, seen + 1, Relaxed, Relaxed) {
            Ok(_) => return,
            Err(now) => seen = now,
        }
    }
}

/// Gives up after `10.pow(6)` lost races: no number in the code passes 10, so
/// the judge's rival is as patient as it ever is for code that computes numbers
/// (`Reading::computes_large_numbers`).
fn cas_gives_up_after_ten_to_the_sixth(counter: &AtomicU64) {
    let mut seen = counter.load(Relaxed);
    for _ in 0..10_u64.pow(6) {
        match counter.compare_exchange_weak(seen, seen + 1, Relaxed, Relaxed) {
            Ok(_) => return,
            Err(now) => seen = now,
        }
    }
}

/// A weak compare-exchange that treats a spurious failure as "done".
fn weak_cas_spurious_give_up(counter: &AtomicU64) {
    loop {
        let seen = counter.load(Relaxed);
        match counter.compare_exchange_weak(seen, seen + 1, Relaxed, Relaxed) {
            Ok(_) => return,
            Err(now) if now != seen => continue,
            Err(_) => return,
        }
    }
}

/// A compare-exchange loop that, finding the count far ahead of what it saw (other threads
/// got in many times), "catches up" with a plain store of what it found plus one: a thread
/// that adds between that failed exchange and the store is overwritten (a reviewer's answer,
/// once judged solved: the simulated rivals added 1 per race, never 1 000).
fn cas_catches_up_with_a_store(counter: &AtomicU64) {
    let mut seen = counter.load(Relaxed);
    while let Err(now) = counter.compare_exchange(seen, seen + 1, Relaxed, Relaxed) {
        if now > seen + 1000 {
            counter.store(now + 1, Relaxed);
            return;
        }
        seen = now;
    }
}

/// Retries after lost races and after spurious failures, but after the third spurious
/// failure in a row takes the hardware for stuck and gives up: the increment is lost
/// (a reviewer's answer in labs 01 to 03, once solved: loom's pass makes two in a row).
fn weak_cas_gives_up_after_three_spurious(counter: &AtomicU64) {
    let mut spurious = 0;
    loop {
        let seen = counter.load(Relaxed);
        match counter.compare_exchange_weak(seen, seen + 1, Relaxed, Relaxed) {
            Ok(_) => return,
            Err(now) if now != seen => spurious = 0,
            Err(_) => {
                spurious += 1;
                if spurious == 3 {
                    return;
                }
            }
        }
    }
}

/// Tells a spurious failure (it found the value it expected) from a lost race, and after
/// the second spurious failure in a row takes the hardware for stuck and stores its
/// `seen + 1` with a plain `store`: another thread's increment between its look and that
/// store is lost.
fn weak_cas_spurious_twice_then_store(counter: &AtomicU64) {
    let mut spurious = 0;
    loop {
        let seen = counter.load(Relaxed);
        match counter.compare_exchange_weak(seen, seen + 1, Relaxed, Relaxed) {
            Ok(_) => return,
            Err(now) if now != seen => spurious = 0,
            Err(_) => {
                spurious += 1;
                if spurious == 2 {
                    counter.store(seen + 1, Relaxed);
                    return;
                }
            }
        }
    }
}

// --- wrong: lock ----------------------------------------------------------

/// The CPython trap: the read locked, the write locked, the gap not.
fn locked_parts(lock: &AtomicBool, counter: &AtomicU64) {
    while lock.compare_exchange(false, true, Acquire, Relaxed).is_err() {
        hint::spin_loop();
    }
    let seen = counter.load(Relaxed);
    lock.store(false, Release);
    while lock.compare_exchange(false, true, Acquire, Relaxed).is_err() {
        hint::spin_loop();
    }
    counter.store(seen + 1, Relaxed);
    lock.store(false, Release);
}

/// Waits until the lock looks free, then takes it with a store: two can take it.
fn test_then_set(lock: &AtomicBool, counter: &AtomicU64) {
    while lock.load(Acquire) {
        hint::spin_loop();
    }
    lock.store(true, Relaxed);
    load_then_store(counter);
    lock.store(false, Release);
}

/// The lock's steps are right but an ordering is Relaxed (taking, releasing, or
/// both): the next holder may read a stale count — take with Acquire, release with Release.
fn relaxed_lock(lock: &AtomicBool, counter: &AtomicU64) {
    while lock.compare_exchange(false, true, Relaxed, Relaxed).is_err() {
        hint::spin_loop();
    }
    load_then_store(counter);
    lock.store(false, Relaxed);
}

/// Tries the lock once and skips the increment when it is taken.
fn try_once_give_up(lock: &AtomicBool, counter: &AtomicU64) {
    if !lock.swap(true, Acquire) {
        load_then_store(counter);
        lock.store(false, Release);
    }
}

/// Releases the lock before writing the count back.
fn release_before_store(lock: &AtomicBool, counter: &AtomicU64) {
    while lock.compare_exchange(false, true, Acquire, Relaxed).is_err() {
        hint::spin_loop();
    }
    let seen = counter.load(Relaxed);
    lock.store(false, Release);
    counter.store(seen + 1, Relaxed);
}

/// Takes the lock and forgets to increment.
fn lock_only(lock: &AtomicBool, _counter: &AtomicU64) {
    while lock.compare_exchange(false, true, Acquire, Relaxed).is_err() {
        hint::spin_loop();
    }
    lock.store(false, Release);
}

// --- wrong: process ---------------------------------------------------------

/// Right only when every worker had the same job.
fn combine_first_times_count(reports: &[u64]) -> u64 {
    reports.first().map_or(0, |first| first * reports.len() as u64)
}

/// The largest report, not the sum.
fn combine_max(reports: &[u64]) -> u64 {
    reports.iter().copied().max().unwrap_or(0)
}

/// Counts from 1: one short.
fn worker_off_by_one(iters: u64) -> u64 {
    (1..iters).count() as u64
}

/// "The parent has the counter": the worker reports nothing of its own.
fn worker_reports_nothing(_iters: u64) -> u64 {
    0
}

/// "The holder may have died": after 10 000 spins it goes in without the
/// lock, racing with the worker that still holds it.
fn spin_then_enter_anyway(lock: &AtomicBool, counter: &AtomicU64) {
    let mut spins = 0;
    while lock.compare_exchange_weak(false, true, Acquire, Relaxed).is_err() {
        spins += 1;
        if spins == 10_000 {
            break;
        }
        hint::spin_loop();
    }
    let seen = counter.load(Relaxed);
    counter.store(seen + 1, Relaxed);
    lock.store(false, Release);
}

/// Skips the lock: one `fetch_add` is right on its own — but it is the
/// `atomic` exercise, and a worker that ignores the lock breaks every worker
/// that relies on it.
fn ignores_the_lock(_lock: &AtomicBool, counter: &AtomicU64) {
    counter.fetch_add(1, Relaxed);
}

/// "The holder may have died", with a patient limit: a million spins, then it
/// goes in without the lock — a holder descheduled for a moment outlasts them.
fn spin_million_then_enter_anyway(lock: &AtomicBool, counter: &AtomicU64) {
    let mut spins = 0;
    while lock.compare_exchange_weak(false, true, Acquire, Relaxed).is_err() {
        spins += 1;
        if spins == 1_000_000 {
            break;
        }
        hint::spin_loop();
    }
    let seen = counter.load(Relaxed);
    counter.store(seen + 1, Relaxed);
    lock.store(false, Release);
}

/// Waits with loads (test and test-and-set), but only for three spins: then
/// it goes in without the lock.
fn ttas_three_spins_then_enter(lock: &AtomicBool, counter: &AtomicU64) {
    let mut spins = 0;
    loop {
        while lock.load(Relaxed) && spins < 3 {
            spins += 1;
            hint::spin_loop();
        }
        if lock.compare_exchange(false, true, Acquire, Relaxed).is_ok() || spins >= 3 {
            break;
        }
    }
    let seen = counter.load(Relaxed);
    counter.store(seen + 1, Relaxed);
    lock.store(false, Release);
}

/// Sums the distinct reports: two workers with equal jobs are counted once.
fn combine_dedup(reports: &[u64]) -> u64 {
    let mut distinct = reports.to_vec();
    distinct.sort_unstable();
    distinct.dedup();
    distinct.iter().sum()
}

thread_local! {
    /// How many times this thread has called `warm_up_then_load_store`.
    static CALLS_04: std::cell::Cell<u64> = const { std::cell::Cell::new(0) };
}

/// Counts its calls in a `thread_local!` and, after 5 000 of them on one thread,
/// increments by a `load` and a `store` (a reviewer's answer, once solved): caught
/// by the judge's long trials, past the number the code names.
fn warm_up_then_load_store(counter: &AtomicU64) {
    CALLS_04.set(CALLS_04.get() + 1);
    if CALLS_04.get() <= 5_000 {
        counter.fetch_add(1, Relaxed);
        return;
    }
    let seen = counter.load(Relaxed);
    counter.store(seen + 1, Relaxed);
}

// --- right, if unusual ------------------------------------------------------

/// `fetch_update`, which loops for you.
fn fetch_update(counter: &AtomicU64) {
    let _ = counter.fetch_update(SeqCst, SeqCst, |n| Some(n + 1));
}

/// A weak compare-exchange loop that retries on every failure.
fn weak_cas_loop(counter: &AtomicU64) {
    let mut seen = counter.load(Relaxed);
    while let Err(now) = counter.compare_exchange_weak(seen, seen + 1, Relaxed, Relaxed) {
        seen = now;
    }
}

/// A compare-exchange spin lock, yielding while it waits.
fn cas_lock(lock: &AtomicBool, counter: &AtomicU64) {
    while lock.compare_exchange_weak(false, true, Acquire, Relaxed).is_err() {
        thread::yield_now();
    }
    load_then_store(counter);
    lock.store(false, Release);
}

/// Two steps that only ever add: over by one for an instant, exact at the end.
fn add_two_take_one(counter: &AtomicU64) {
    counter.fetch_add(2, Relaxed);
    counter.fetch_sub(1, Relaxed);
}

/// SeqCst everywhere, and `fetch_add` under the lock.
fn seqcst_lock_fetch_add(lock: &AtomicBool, counter: &AtomicU64) {
    while lock.compare_exchange(false, true, SeqCst, SeqCst).is_err() {
        hint::spin_loop();
    }
    counter.fetch_add(1, SeqCst);
    lock.store(false, SeqCst);
}

/// The count without a loop.
fn worker_returns_job(iters: u64) -> u64 {
    iters
}

/// A fold instead of `sum`.
#[allow(clippy::unnecessary_fold, reason = "written as a learner might")]
fn combine_fold(reports: &[u64]) -> u64 {
    reports.iter().fold(0, |total, r| total + r)
}

/// A spin lock that gives up after four attempts: the increment is dropped.
fn lock_four_tries(lock: &AtomicBool, counter: &AtomicU64) {
    for _ in 0..4 {
        if lock.compare_exchange(false, true, Acquire, Relaxed).is_ok() {
            let seen = counter.load(Relaxed);
            counter.store(seen + 1, Relaxed);
            lock.store(false, Release);
            return;
        }
        hint::spin_loop();
    }
}

/// A lock whose orderings come from fences: Relaxed exchanges, an Acquire fence
/// after taking it, a Release fence before giving it back.
fn lock_with_fences(lock: &AtomicBool, counter: &AtomicU64) {
    while lock.compare_exchange(false, true, Relaxed, Relaxed).is_err() {
        hint::spin_loop();
    }
    fence(Acquire);
    let seen = counter.load(Relaxed);
    counter.store(seen + 1, Relaxed);
    fence(Release);
    lock.store(false, Relaxed);
}

/// Sums in 32 bits: right until the total passes 4 294 967 295.
fn combine_u32(reports: &[u64]) -> u64 {
    u64::from(reports.iter().map(|&r| r as u32).fold(0_u32, u32::wrapping_add))
}

/// A `load` and a `store` once the count passes 2^32, `fetch_add` below: the
/// shortcut is taken only where loom's small counts never go.
fn store_past_two_to_the_32(counter: &AtomicU64) {
    let seen = counter.load(SeqCst);
    if seen >= 1 << 32 {
        counter.store(seen + 1, SeqCst);
    } else {
        counter.fetch_add(1, SeqCst);
    }
}

/// Past 100 000 it adds with `fetch_add` and skips the lock, racing with a holder
/// that adds with a load and a store: both paths are taken only in a run that
/// crosses the code's own number (a reviewer's answer, once solved; loom now also
/// starts a case one below it).
fn lock_skipped_past_a_threshold(lock: &AtomicBool, counter: &AtomicU64) {
    if counter.load(Relaxed) > 100_000 {
        counter.fetch_add(1, Relaxed);
        return;
    }
    while lock.compare_exchange(false, true, Acquire, Relaxed).is_err() {
        hint::spin_loop();
    }
    let seen = counter.load(Relaxed);
    counter.store(seen + 1, Relaxed);
    lock.store(false, Release);
}

/// The same shortcut with its threshold written in bits: from 2^16 on (fewer than
/// 48 leading zeros) it adds with `fetch_add` and skips the lock (a reviewer's answer,
/// once solved: the code names 48, and 2^16 only in bits).
fn lock_skipped_past_a_threshold_in_bits(lock: &AtomicBool, counter: &AtomicU64) {
    if counter.load(Relaxed).leading_zeros() < 48 {
        counter.fetch_add(1, Relaxed);
        return;
    }
    while lock.compare_exchange(false, true, Acquire, Relaxed).is_err() {
        hint::spin_loop();
    }
    let seen = counter.load(Relaxed);
    counter.store(seen + 1, Relaxed);
    lock.store(false, Release);
}

/// Past 2^40 it loads and stores (a reviewer's answer, once solved: the code's own
/// number was past the lab's largest total, 10^10, and loom started below it only).
fn store_past_2_pow_40(counter: &AtomicU64) {
    let seen = counter.load(Relaxed);
    if seen >= 1 << 40 {
        counter.store(seen + 1, Relaxed);
    } else {
        counter.fetch_add(1, Relaxed);
    }
}

thread_local! {
    /// How many times this thread has called `every_1024th_call_loads_and_stores`.
    static CALLS_EVERY_04: std::cell::Cell<u64> = const { std::cell::Cell::new(0) };
}

/// On every 1 024th call of a thread (`trailing_zeros() >= 10`), a load and a store
/// (lab 01's periodic path: the judge checks every call of a long run against a rival).
fn every_1024th_call_loads_and_stores(counter: &AtomicU64) {
    CALLS_EVERY_04.set(CALLS_EVERY_04.get() + 1);
    if CALLS_EVERY_04.get().trailing_zeros() >= 10 {
        let seen = counter.load(Relaxed);
        counter.store(seen + 1, Relaxed);
    } else {
        counter.fetch_add(1, Relaxed);
    }
}

/// Past half the range it skips the lock (`u64::MAX / 2`: "no run gets that far").
fn lock_skipped_past_half_the_range(lock: &AtomicBool, counter: &AtomicU64) {
    if counter.load(Relaxed) >= u64::MAX / 2 {
        let seen = counter.load(Relaxed);
        counter.store(seen + 1, Relaxed);
        return;
    }
    while lock.compare_exchange(false, true, Acquire, Relaxed).is_err() {
        hint::spin_loop();
    }
    let seen = counter.load(Relaxed);
    counter.store(seen + 1, Relaxed);
    lock.store(false, Release);
}

/// A compare-and-swap loop that, after three lost races, "just stores it" (a
/// reviewer's answer, once solved).
fn cas_then_store_after_three_losses(counter: &AtomicU64) {
    for _ in 0..3 {
        let seen = counter.load(Relaxed);
        if counter.compare_exchange(seen, seen + 1, Relaxed, Relaxed).is_ok() {
            return;
        }
    }
    let seen = counter.load(Relaxed);
    counter.store(seen + 1, Relaxed);
}

/// Every answer in the catalogue.
pub fn catalogue() -> Vec<Answer<Fixes>> {
    vec![
        Answer::wrong("load_then_store", "atomic", Fixes { atomic: load_then_store, ..S }),
        Answer::wrong("store_past_2_pow_40", "atomic", Fixes { atomic: store_past_2_pow_40, ..S }),
        Answer::wrong("every_1024th_call_loads_and_stores", "atomic", Fixes { atomic: every_1024th_call_loads_and_stores, ..S }),
        Answer::wrong("lock_skipped_past_half_the_range", "lock", Fixes { lock: lock_skipped_past_half_the_range, ..S }),
        Answer::wrong("load_then_swap", "atomic", Fixes { atomic: load_then_swap, ..S }),
        Answer::wrong("cas_three_tries", "atomic", Fixes { atomic: cas_three_tries, ..S }),
        Answer::wrong("cas_thousand_tries", "atomic", Fixes { atomic: cas_thousand_tries, ..S }),
        Answer::wrong("cas_gives_up_after_ten_to_the_sixth", "atomic", Fixes { atomic: cas_gives_up_after_ten_to_the_sixth, ..S }),
        Answer::wrong("store_past_two_to_the_32", "atomic", Fixes { atomic: store_past_two_to_the_32, ..S }),
        Answer::wrong("lock_skipped_past_a_threshold", "lock", Fixes { lock: lock_skipped_past_a_threshold, ..S }),
        Answer::wrong("lock_skipped_past_a_threshold_in_bits", "lock", Fixes { lock: lock_skipped_past_a_threshold_in_bits, ..S }),
        Answer::wrong("cas_then_store_after_three_losses", "atomic", Fixes { atomic: cas_then_store_after_three_losses, ..S }),
        Answer::wrong("cas_once", "atomic", Fixes { atomic: cas_once, ..S }),
        Answer::wrong("weak_cas_spurious_give_up", "atomic", Fixes { atomic: weak_cas_spurious_give_up, ..S }),
        Answer::wrong(
            "weak_cas_gives_up_after_three_spurious",
            "atomic",
            Fixes { atomic: weak_cas_gives_up_after_three_spurious, ..S },
        ),
        Answer::wrong(
            "weak_cas_spurious_twice_then_store",
            "atomic",
            Fixes { atomic: weak_cas_spurious_twice_then_store, ..S },
        ),
        Answer::wrong("cas_catches_up_with_a_store", "atomic", Fixes { atomic: cas_catches_up_with_a_store, ..S }),
        Answer::wrong("locked_parts", "lock", Fixes { lock: locked_parts, ..S }),
        Answer::wrong("test_then_set", "lock", Fixes { lock: test_then_set, ..S }),
        Answer::wrong("relaxed_lock", "lock", Fixes { lock: relaxed_lock, ..S }),
        Answer::wrong("try_once_give_up", "lock", Fixes { lock: try_once_give_up, ..S }),
        Answer::wrong("release_before_store", "lock", Fixes { lock: release_before_store, ..S }),
        Answer::wrong("lock_only", "lock", Fixes { lock: lock_only, ..S }),
        Answer::wrong("combine_first_times_count", "process", Fixes { combine: combine_first_times_count, ..S }),
        Answer::wrong("combine_max", "process", Fixes { combine: combine_max, ..S }),
        Answer::wrong("worker_off_by_one", "process", Fixes { worker: worker_off_by_one, ..S }),
        Answer::wrong("worker_reports_nothing", "process", Fixes { worker: worker_reports_nothing, ..S }),
        Answer::wrong("lock_four_tries", "lock", Fixes { lock: lock_four_tries, ..S }),
        Answer::wrong("combine_u32", "process", Fixes { combine: combine_u32, ..S }),
        Answer::wrong("spin_then_enter_anyway", "lock", Fixes { lock: spin_then_enter_anyway, ..S }),
        Answer::wrong("ttas_three_spins_then_enter", "lock", Fixes { lock: ttas_three_spins_then_enter, ..S }),
        Answer::wrong("spin_million_then_enter_anyway", "lock", Fixes { lock: spin_million_then_enter_anyway, ..S }),
        Answer::wrong("ignores_the_lock", "lock", Fixes { lock: ignores_the_lock, ..S }),
        Answer::wrong("combine_dedup", "process", Fixes { combine: combine_dedup, ..S }),
        Answer::wrong("warm_up_then_load_store", "atomic", Fixes { atomic: warm_up_then_load_store, ..S }),
        Answer::right("lock_with_fences", "lock", Fixes { lock: lock_with_fences, ..S }),
        Answer::right("fetch_update", "atomic", Fixes { atomic: fetch_update, ..S }),
        Answer::right("weak_cas_loop", "atomic", Fixes { atomic: weak_cas_loop, ..S }),
        Answer::right("cas_lock", "lock", Fixes { lock: cas_lock, ..S }),
        Answer::right("add_two_take_one", "atomic", Fixes { atomic: add_two_take_one, ..S }),
        Answer::right("seqcst_lock_fetch_add", "lock", Fixes { lock: seqcst_lock_fetch_add, ..S }),
        Answer::right(
            "worker_returns_job_combine_fold",
            "process",
            Fixes { worker: worker_returns_job, combine: combine_fold, ..S },
        ),
    ]
}
