// Lab 01's catalogue of learner answers: plausible wrong ones the judge must
// reject, and unusual right ones it must accept (mutation tests of the judge).
//
// Compiled once per backend like the lab code, and run through the very
// checks `racelab verify 1` runs (`cargo test --test judge`).

use super::Fixes;
use super::sync::atomic::{AtomicU64, Ordering::Relaxed, Ordering::SeqCst};
use super::sync::{Mutex, hint, parking_lot};
use crate::judge::Answer;

const S: Fixes = Fixes::SOLUTION;

// --- wrong --------------------------------------------------------------

/// Locks to read, unlocks, locks again to write: the gap is unlocked.
fn split_lock(counter: &Mutex<u64>) {
    let seen = *counter.lock().expect("poisoned");
    *counter.lock().expect("poisoned") = seen + 1;
}

/// Takes the lock and forgets to add.
fn lock_only(counter: &Mutex<u64>) {
    let _guard = counter.lock();
}

/// Locks twice in one thread: waits for itself forever.
fn lock_twice(counter: &Mutex<u64>) {
    let _held = counter.lock().expect("poisoned");
    *counter.lock().expect("poisoned") += 1;
}

/// Gives up when the lock is busy: an increment is lost under contention.
fn try_lock_give_up(counter: &Mutex<u64>) {
    if let Ok(mut count) = counter.try_lock() {
        *count += 1;
    }
}

/// parking_lot's `try_lock`, giving up when busy.
fn parking_lot_try_lock_give_up(counter: &parking_lot::Mutex<u64>) {
    if let Some(mut count) = counter.try_lock() {
        *count += 1;
    }
}

/// parking_lot, split into a locked read and a locked write.
fn parking_lot_split(counter: &parking_lot::Mutex<u64>) {
    let seen = *counter.lock();
    *counter.lock() = seen + 1;
}

/// A separate load and store: the racy counter again.
fn load_then_store(counter: &AtomicU64) {
    let seen = counter.load(Relaxed);
    counter.store(seen + 1, Relaxed);
}

/// SeqCst does not make two steps one.
fn seqcst_load_store(counter: &AtomicU64) {
    let seen = counter.load(SeqCst);
    counter.store(seen + 1, SeqCst);
}

/// An atomic swap of a value read earlier.
fn load_then_swap(counter: &AtomicU64) {
    let seen = counter.load(Relaxed);
    counter.swap(seen + 1, Relaxed);
}

/// One compare-exchange; a lost race loses the increment.
fn cas_once(counter: &AtomicU64) {
    let seen = counter.load(Relaxed);
    let _ = counter.compare_exchange(seen, seen + 1, Relaxed, Relaxed);
}

/// Retries when another thread got in, but treats a weak failure that found
/// the expected value as "done": a spurious failure loses the increment.
fn weak_cas_spurious_give_up(counter: &AtomicU64) {
    loop {
        let seen = counter.load(Relaxed);
        match counter.compare_exchange_weak(seen, seen + 1, Relaxed, Relaxed) {
            Ok(_) => return,
            Err(now) if now != seen => continue,
            Err(_) => return, // "cannot happen": it can, on real hardware
        }
    }
}

/// Retries after lost races and after spurious failures, but after the third spurious
/// failure in a row takes the hardware for stuck and gives up: the increment is lost
/// (a reviewer's answer, once solved: loom's pass makes two in a row).
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

/// Retries with the value it read once, never the new one: right alone, but once another
/// thread got in first the expected value is stale for ever and the loop spins.
fn cas_stale_expected(counter: &AtomicU64) {
    let seen = counter.load(Relaxed);
    while counter.compare_exchange(seen, seen + 1, Relaxed, Relaxed).is_err() {}
}

/// Retries a few times, then gives up: right until a fourth thread gets in first.
fn cas_three_tries(counter: &AtomicU64) {
    for _ in 0..3 {
        let seen = counter.load(Relaxed);
        if counter.compare_exchange(seen, seen + 1, Relaxed, Relaxed).is_ok() {
            return;
        }
    }
}

/// A 16-bit count: right for small jobs, wraps at 65 536.
fn worker_u16(iters: u64) -> u64 {
    let mut count: u16 = 0;
    for _ in 0..iters {
        count = count.wrapping_add(1);
    }
    u64::from(count)
}

/// Spins on `try_lock` until it gets the lock: never gives up.
fn try_lock_spin(counter: &Mutex<u64>) {
    loop {
        if let Ok(mut count) = counter.try_lock() {
            *count += 1;
            return;
        }
        std::hint::spin_loop();
    }
}

/// Adds the wrong amount.
fn fetch_add_two(counter: &AtomicU64) {
    counter.fetch_add(2, Relaxed);
}

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

/// Caps its job at 2^32 ("no worker is given four billion"): right for every
/// job up to 2^32, wrong past it. It names no narrow type; the number itself
/// makes the judge count past 2^32 (see `Reading::may_wrap_past_u32`).
fn worker_capped_at_2_pow_32(iters: u64) -> u64 {
    iters.min(1 << 32)
}

/// Ignores its job.
fn worker_ignores_job(_iters: u64) -> u64 {
    1
}

/// Spins on `try_lock`, but gives up after 10 000 tries ("surely long enough"):
/// when another thread holds the lock longer, the increment is lost.
fn try_lock_spin_gives_up(counter: &Mutex<u64>) {
    for _ in 0..10_000 {
        if let Ok(mut count) = counter.try_lock() {
            *count += 1;
            return;
        }
        hint::spin_loop();
    }
}

/// Spins on `try_lock` a million times — "far longer than any real wait" —
/// then gives up: a holder that is descheduled for a moment outlasts a million
/// tries, and the increment is lost.
fn try_lock_million_tries(counter: &Mutex<u64>) {
    for _ in 0..1_000_000 {
        if let Ok(mut count) = counter.try_lock() {
            *count += 1;
            return;
        }
        hint::spin_loop();
    }
}

/// Waits for the lock at most 100 ms ("if it takes longer, something is
/// stuck"), then gives up: a holder that is slow loses the increment.
fn try_lock_for_100ms(counter: &Mutex<u64>) {
    let deadline = std::time::Instant::now() + std::time::Duration::from_millis(100);
    while std::time::Instant::now() < deadline {
        if let Ok(mut count) = counter.try_lock() {
            *count += 1;
            return;
        }
        hint::spin_loop();
    }
}

/// Tries 20 000 times, politely yielding the processor between tries, then
/// gives up: each yield lets the holder run, but a holder that is itself
/// descheduled, or busy for longer, still outlasts them.
fn try_lock_yielding_gives_up(counter: &Mutex<u64>) {
    for _ in 0..20_000 {
        if let Ok(mut count) = counter.try_lock() {
            *count += 1;
            return;
        }
        super::sync::thread::yield_now();
    }
}

/// parking_lot's `try_lock`, a million tries, then gives up.
fn parking_lot_million_tries(counter: &parking_lot::Mutex<u64>) {
    for _ in 0..1_000_000 {
        if let Some(mut count) = counter.try_lock() {
            *count += 1;
            return;
        }
        hint::spin_loop();
    }
}

/// Retries a lost compare-exchange, but only 100 times: a longer run of lost
/// races loses the increment.
fn cas_hundred_tries(counter: &AtomicU64) {
    for _ in 0..100 {
        let seen = counter.load(Relaxed);
        if counter.compare_exchange_weak(seen, seen + 1, Relaxed, Relaxed).is_ok() {
            return;
        }
    }
}

/// How many lost races `cas_gives_up_after_a_named_limit` allows for, in thirds.
const LIMIT: u64 = 25_000;

/// Gives up after `LIMIT * 3` lost races, a limit written with a named constant:
/// 75 000 is more than a fixed rival of 50 000 wins, so the judge reads the
/// constant (as it reads `1 << 26` or `1e5 as u64`) and outlasts it.
fn cas_gives_up_after_a_named_limit(counter: &AtomicU64) {
    let mut lost = 0;
    while lost < LIMIT * 3 {
        let seen = counter.load(Relaxed);
        if counter.compare_exchange(seen, seen + 1, Relaxed, Relaxed).is_ok() {
            return;
        }
        lost += 1;
    }
}

/// Gives up after `1e5 as u64` lost races: a float literal is a number too.
fn cas_gives_up_after_1e5(counter: &AtomicU64) {
    let mut lost = 0_u64;
    while lost < 1e5 as u64 {
        let seen = counter.load(Relaxed);
        if counter.compare_exchange_weak(seen, seen + 1, Relaxed, Relaxed).is_ok() {
            return;
        }
        lost += 1;
    }
}

/// Gives up after a limit computed at run time, `[60, 1000].iter().product()`:
/// no number in the code is more than 1 000, so the judge's rival outlasts the
/// product of its literals (see `Reading::retry_bound`; a reviewer's answer,
/// once solved).
fn cas_gives_up_after_a_computed_limit(counter: &AtomicU64) {
    let limit: u64 = [60_u64, 1000].iter().product();
    for _ in 0..limit {
        let seen = counter.load(Relaxed);
        if counter.compare_exchange(seen, seen + 1, Relaxed, Relaxed).is_ok() {
            return;
        }
    }
}

/// Gives up after `1 << shift` lost races, the shift counted up at run time: the
/// code writes no number above 20, so only a rival as patient as the judge's
/// rivals ever are (for code that computes numbers, `Reading::computes_large_numbers`)
/// outlasts its 2^20 tries.
fn cas_gives_up_after_a_shifted_limit(counter: &AtomicU64) {
    let mut shift = 0;
    while shift < 20 {
        shift += 1;
    }
    let mut seen = counter.load(Relaxed);
    for _ in 0..1_u64 << shift {
        match counter.compare_exchange(seen, seen + 1, Relaxed, Relaxed) {
            Ok(_) => return,
            Err(now) => seen = now,
        }
    }
}

/// Retries for ever with an exponential back-off (1, 2, 4 … 65 536 spins
/// between tries): right, however long the rival wins. Its large number makes
/// the judge's rival patient, and the back-off makes each lost race costly: the
/// rival lets go after a few seconds of the call's CPU time.
fn cas_exponential_backoff(counter: &AtomicU64) {
    const MAX_SPIN: u32 = 1 << 16;
    let mut spin = 1_u32;
    loop {
        let seen = counter.load(Relaxed);
        if counter.compare_exchange(seen, seen + 1, Relaxed, Relaxed).is_ok() {
            return;
        }
        for _ in 0..spin {
            hint::spin_loop();
        }
        spin = (spin * 2).min(MAX_SPIN);
    }
}

/// Adds with `fetch_add`, but past 2^40 "the count is so large that no other
/// thread is near it" and loads, then stores (a reviewer's answer, once solved in
/// lab 04: loom started near the code's own number only below the lab's largest
/// total, 10^10; a counter must be right for every count it can hold).
fn store_past_2_pow_40(counter: &AtomicU64) {
    let seen = counter.load(Relaxed);
    if seen >= 1 << 40 {
        counter.store(seen + 1, Relaxed);
    } else {
        counter.fetch_add(1, Relaxed);
    }
}

/// Sums the distinct reports: two workers with equal jobs are counted once.
fn combine_dedup(reports: &[u64]) -> u64 {
    let mut distinct = reports.to_vec();
    distinct.sort_unstable();
    distinct.dedup();
    distinct.iter().sum()
}

/// Adds the first three reports: right while there are at most three workers.
fn combine_first_three(reports: &[u64]) -> u64 {
    reports.iter().take(3).sum()
}

/// Three `try_lock`s, then a read under one locking and a write under another
/// (a reviewer's answer, once solved): loom's two threads rarely make three
/// `try_lock`s fail, and real threads only sometimes lose an update there.
fn try_lock_thrice_then_two_lockings(counter: &Mutex<u64>) {
    for _ in 0..3 {
        if let Ok(mut count) = counter.try_lock() {
            *count += 1;
            return;
        }
    }
    let seen = *counter.lock().expect("poisoned");
    *counter.lock().expect("poisoned") = seen + 1;
}

/// The same with parking_lot, after five busy `try_lock`s.
fn parking_lot_try_lock_then_two_lockings(counter: &parking_lot::Mutex<u64>) {
    for _ in 0..5 {
        if let Some(mut count) = counter.try_lock() {
            *count += 1;
            return;
        }
    }
    let seen = *counter.lock();
    *counter.lock() = seen + 1;
}

thread_local! {
    /// How many times this thread has called `warm_up_then_two_lockings`.
    static CALLS_01: std::cell::Cell<u64> = const { std::cell::Cell::new(0) };
}

/// Counts its calls in a `thread_local!` and, after 5 000 of them on one thread,
/// reads under one locking and writes under another (a reviewer's answer, once
/// solved): no one-thread check, loom case or ordinary trial makes 5 000 calls on
/// one thread; the judge's long trials, past the number the code names, do.
fn warm_up_then_two_lockings(counter: &Mutex<u64>) {
    CALLS_01.set(CALLS_01.get() + 1);
    if CALLS_01.get() <= 5_000 {
        *counter.lock().expect("poisoned") += 1;
        return;
    }
    let seen = *counter.lock().expect("poisoned");
    *counter.lock().expect("poisoned") = seen + 1;
}

thread_local! {
    /// How many times this thread has called one of the `every_…` answers below.
    static CALLS_EVERY: std::cell::Cell<u64> = const { std::cell::Cell::new(0) };
}

/// This thread's calls of the `every_…` answers so far, this one included.
fn calls_every() -> u64 {
    CALLS_EVERY.set(CALLS_EVERY.get() + 1);
    CALLS_EVERY.get()
}

/// On every 1 000th call of a thread, "a quick check, no waiting": a busy lock
/// skips the increment (a reviewer's periodic path: the judge's unchecked warm-up
/// calls passed through call 1 000 without a rival, and ordinary trials rarely
/// found the lock busy just then).
fn every_thousandth_call_skips_a_busy_lock(counter: &Mutex<u64>) {
    if calls_every().is_multiple_of(1_000) {
        if let Ok(mut count) = counter.try_lock() {
            *count += 1;
        }
        return;
    }
    *counter.lock().expect("poisoned") += 1;
}

/// On every 1 024th call of a thread (its call count's low ten bits zero), a busy
/// lock is read under one locking and written under another (solved before the
/// judge checked every call of a long run against a rival).
fn every_1024th_call_splits_a_busy_lock(counter: &parking_lot::Mutex<u64>) {
    if calls_every().trailing_zeros() >= 10 {
        if let Some(mut count) = counter.try_lock() {
            *count += 1;
            return;
        }
        let seen = *counter.lock();
        *counter.lock() = seen + 1;
        return;
    }
    *counter.lock() += 1;
}

/// On every 1 000th call of a thread, a load and a store ("one slow call in a
/// thousand cannot matter").
fn every_thousandth_call_loads_and_stores(counter: &AtomicU64) {
    if calls_every().is_multiple_of(1_000) {
        let seen = counter.load(Relaxed);
        counter.store(seen + 1, Relaxed);
    } else {
        counter.fetch_add(1, Relaxed);
    }
}

/// Optimistic: reads under one locking, writes under the next only if the count has
/// not changed, and gives up after 20 tries: an increment lost when other threads
/// keep getting in between.
fn optimistic_gives_up(counter: &Mutex<u64>) {
    for _ in 0..20 {
        let seen = *counter.lock().expect("poisoned");
        let mut now = counter.lock().expect("poisoned");
        if *now == seen {
            *now = seen + 1;
            return;
        }
    }
}

// --- right, if unusual ------------------------------------------------------

/// Optimistic, and patient: reads under one locking, writes under the next only if
/// the count has not changed, and tries again until it has not.
fn optimistic_until_unchanged(counter: &Mutex<u64>) {
    loop {
        let seen = *counter.lock().expect("poisoned");
        let mut now = counter.lock().expect("poisoned");
        if *now == seen {
            *now = seen + 1;
            return;
        }
    }
}

/// Three `try_lock`s, then one blocking `lock`: every path adds under one locking.
fn try_lock_thrice_then_lock(counter: &Mutex<u64>) {
    for _ in 0..3 {
        if let Ok(mut count) = counter.try_lock() {
            *count += 1;
            return;
        }
    }
    *counter.lock().expect("poisoned") += 1;
}

/// A named guard, read and written through it.
#[allow(clippy::assign_op_pattern, reason = "written as a learner might")]
fn guard_in_a_variable(counter: &Mutex<u64>) {
    let mut count = counter.lock().expect("poisoned");
    *count = *count + 1;
}

/// `try_lock` first, then the blocking `lock`: never gives up.
fn try_lock_then_lock(counter: &Mutex<u64>) {
    match counter.try_lock() {
        Ok(mut count) => *count += 1,
        Err(_) => *counter.lock().expect("poisoned") += 1,
    }
}

/// An explicit guard dropped at the end.
fn parking_lot_explicit_drop(counter: &parking_lot::Mutex<u64>) {
    let mut count = counter.lock();
    *count += 1;
    drop(count);
}

/// A weak compare-exchange loop that retries on every failure.
fn weak_cas_loop(counter: &AtomicU64) {
    let mut seen = counter.load(Relaxed);
    while let Err(now) = counter.compare_exchange_weak(seen, seen + 1, Relaxed, Relaxed) {
        seen = now;
    }
}

/// `fetch_update`, which loops for you.
fn fetch_update(counter: &AtomicU64) {
    let _ = counter.fetch_update(Relaxed, Relaxed, |n| Some(n + 1));
}

/// Two steps that only ever add: over by one for an instant, exact at the end.
fn add_two_take_one(counter: &AtomicU64) {
    counter.fetch_add(2, Relaxed);
    counter.fetch_sub(1, Relaxed);
}

/// The count without a loop.
fn worker_returns_job(iters: u64) -> u64 {
    iters
}

/// A loop instead of `sum`.
fn combine_loop(reports: &[u64]) -> u64 {
    let mut total = 0;
    for report in reports {
        total += report;
    }
    total
}

/// The textbook compare-and-swap loop: load, try, and on failure load again.
fn cas_loop_reloading(counter: &AtomicU64) {
    loop {
        let seen = counter.load(Relaxed);
        if counter.compare_exchange(seen, seen + 1, Relaxed, Relaxed).is_ok() {
            return;
        }
    }
}

/// Counts in a `u32`: right up to 2^32 increments, wrong past them — and a real run counts up to 10^10.
fn worker_u32(iters: u64) -> u64 {
    let mut count: u32 = 0;
    for _ in 0..iters {
        count = count.wrapping_add(1);
    }
    u64::from(count)
}

/// Adds the reports in a `u32`: right for small totals, wrong past 2^32.
fn combine_u32(reports: &[u64]) -> u64 {
    u64::from(reports.iter().fold(0_u32, |sum, &r| sum.wrapping_add(r as u32)))
}

/// The increment done on a `u32` copy of the count: wrong once the count passes 2^32.
fn atomic_via_u32(counter: &AtomicU64) {
    let _ = counter.fetch_update(Relaxed, Relaxed, |n| Some(u64::from((n as u32).wrapping_add(1))));
}

/// A `load` and a `store` once the count is past a million, `fetch_add` below:
/// loom's counts stay small, and so no two threads take the shortcut together there
/// (caught by another thread adding 1 just after the look, from every count).
fn store_when_the_count_is_large(counter: &AtomicU64) {
    let seen = counter.load(Relaxed);
    if seen > 1_000_000 {
        counter.store(seen + 1, Relaxed);
    } else {
        counter.fetch_add(1, Relaxed);
    }
}

/// A compare-and-swap loop that, after two lost races, "just stores it": the
/// other threads' increments since its last look are lost.
fn cas_then_store_after_two_losses(counter: &AtomicU64) {
    let mut seen = counter.load(Relaxed);
    for _ in 0..2 {
        match counter.compare_exchange(seen, seen + 1, Relaxed, Relaxed) {
            Ok(_) => return,
            Err(now) => seen = now,
        }
    }
    counter.store(seen + 1, Relaxed);
}

/// Past 30 000 it reads under the lock, lets go, and writes under a second
/// locking: the split lock, taken only where loom's small counts never go (a
/// reviewer's answer, once solved; loom now also starts a case at 2^32 − 1).
fn split_lock_when_large(counter: &Mutex<u64>) {
    let seen = *counter.lock().expect("poisoned");
    if seen > 30_000 {
        *counter.lock().expect("poisoned") = seen + 1;
    } else {
        *counter.lock().expect("poisoned") += 1;
    }
}

/// Trusts the first two reports to stand for all when they agree: `first × len`
/// (a reviewer's answer, once solved: no report list had two equal reports and a
/// third that differs).
fn combine_first_two_equal(reports: &[u64]) -> u64 {
    match reports {
        [a, b, ..] if reports.len() > 2 && a == b => a * reports.len() as u64,
        _ => reports.iter().sum(),
    }
}

/// Reads under one locking and writes under the next, but every call first takes one
/// `static` lock of its own and holds it throughout: no other increment can run between
/// the two lockings. Right (if slower than one locking).
fn split_under_one_static_lock(counter: &Mutex<u64>) {
    static TURN: Mutex<()> = Mutex::new(());
    let _turn = TURN.lock().expect("poisoned");
    let seen = *counter.lock().expect("poisoned");
    *counter.lock().expect("poisoned") = seen + 1;
}

/// Every answer in the catalogue.
pub fn catalogue() -> Vec<Answer<Fixes>> {
    vec![
        Answer::wrong("worker_u32", "process", Fixes { worker: worker_u32, ..S }),
        Answer::wrong("combine_u32", "process", Fixes { combine: combine_u32, ..S }),
        Answer::wrong("atomic_via_u32", "atomic", Fixes { atomic: atomic_via_u32, ..S }),
        Answer::wrong("store_past_2_pow_40", "atomic", Fixes { atomic: store_past_2_pow_40, ..S }),
        Answer::wrong("split_lock", "mutex", Fixes { mutex: split_lock, ..S }),
        Answer::wrong("lock_only", "mutex", Fixes { mutex: lock_only, ..S }),
        Answer::wrong("lock_twice", "mutex", Fixes { mutex: lock_twice, ..S }),
        Answer::wrong("try_lock_give_up", "mutex", Fixes { mutex: try_lock_give_up, ..S }),
        Answer::wrong("parking_lot_try_lock_give_up", "parking_lot", Fixes { parking_lot: parking_lot_try_lock_give_up, ..S }),
        Answer::wrong("parking_lot_split", "parking_lot", Fixes { parking_lot: parking_lot_split, ..S }),
        Answer::wrong("load_then_store", "atomic", Fixes { atomic: load_then_store, ..S }),
        Answer::wrong("seqcst_load_store", "atomic", Fixes { atomic: seqcst_load_store, ..S }),
        Answer::wrong("load_then_swap", "atomic", Fixes { atomic: load_then_swap, ..S }),
        Answer::wrong("cas_once", "atomic", Fixes { atomic: cas_once, ..S }),
        Answer::wrong("weak_cas_spurious_give_up", "atomic", Fixes { atomic: weak_cas_spurious_give_up, ..S }),
        Answer::wrong(
            "weak_cas_spurious_twice_then_store",
            "atomic",
            Fixes { atomic: weak_cas_spurious_twice_then_store, ..S },
        ),
        Answer::wrong("cas_catches_up_with_a_store", "atomic", Fixes { atomic: cas_catches_up_with_a_store, ..S }),
        Answer::wrong(
            "weak_cas_gives_up_after_three_spurious",
            "atomic",
            Fixes { atomic: weak_cas_gives_up_after_three_spurious, ..S },
        ),
        Answer::wrong("fetch_add_two", "atomic", Fixes { atomic: fetch_add_two, ..S }),
        Answer::wrong("cas_three_tries", "atomic", Fixes { atomic: cas_three_tries, ..S }),
        Answer::wrong("cas_stale_expected", "atomic", Fixes { atomic: cas_stale_expected, ..S }),
        Answer::wrong("worker_u16", "process", Fixes { worker: worker_u16, ..S }),
        Answer::wrong("combine_first_times_count", "process", Fixes { combine: combine_first_times_count, ..S }),
        Answer::wrong("combine_max", "process", Fixes { combine: combine_max, ..S }),
        Answer::wrong("worker_off_by_one", "process", Fixes { worker: worker_off_by_one, ..S }),
        Answer::wrong("worker_ignores_job", "process", Fixes { worker: worker_ignores_job, ..S }),
        Answer::wrong("worker_capped_at_2_pow_32", "process", Fixes { worker: worker_capped_at_2_pow_32, ..S }),
        Answer::wrong("cas_gives_up_after_a_computed_limit", "atomic", Fixes { atomic: cas_gives_up_after_a_computed_limit, ..S }),
        Answer::wrong("cas_gives_up_after_a_shifted_limit", "atomic", Fixes { atomic: cas_gives_up_after_a_shifted_limit, ..S }),
        Answer::wrong("store_when_the_count_is_large", "atomic", Fixes { atomic: store_when_the_count_is_large, ..S }),
        Answer::wrong("split_lock_when_large", "mutex", Fixes { mutex: split_lock_when_large, ..S }),
        Answer::wrong("combine_first_two_equal", "process", Fixes { combine: combine_first_two_equal, ..S }),
        Answer::wrong("cas_then_store_after_two_losses", "atomic", Fixes { atomic: cas_then_store_after_two_losses, ..S }),
        Answer::wrong("try_lock_spin_gives_up", "mutex", Fixes { mutex: try_lock_spin_gives_up, ..S }),
        Answer::wrong("try_lock_million_tries", "mutex", Fixes { mutex: try_lock_million_tries, ..S }),
        Answer::wrong("try_lock_for_100ms", "mutex", Fixes { mutex: try_lock_for_100ms, ..S }),
        Answer::wrong("try_lock_yielding_gives_up", "mutex", Fixes { mutex: try_lock_yielding_gives_up, ..S }),
        Answer::wrong("parking_lot_million_tries", "parking_lot", Fixes { parking_lot: parking_lot_million_tries, ..S }),
        Answer::wrong("cas_hundred_tries", "atomic", Fixes { atomic: cas_hundred_tries, ..S }),
        Answer::wrong(
            "cas_gives_up_after_a_named_limit",
            "atomic",
            Fixes { atomic: cas_gives_up_after_a_named_limit, ..S },
        ),
        Answer::wrong("cas_gives_up_after_1e5", "atomic", Fixes { atomic: cas_gives_up_after_1e5, ..S }),
        Answer::wrong("combine_dedup", "process", Fixes { combine: combine_dedup, ..S }),
        Answer::wrong("combine_first_three", "process", Fixes { combine: combine_first_three, ..S }),
        Answer::wrong("try_lock_thrice_then_two_lockings", "mutex", Fixes { mutex: try_lock_thrice_then_two_lockings, ..S }),
        Answer::wrong(
            "parking_lot_try_lock_then_two_lockings",
            "parking_lot",
            Fixes { parking_lot: parking_lot_try_lock_then_two_lockings, ..S },
        ),
        Answer::wrong("warm_up_then_two_lockings", "mutex", Fixes { mutex: warm_up_then_two_lockings, ..S }),
        Answer::wrong("every_thousandth_call_skips_a_busy_lock", "mutex", Fixes { mutex: every_thousandth_call_skips_a_busy_lock, ..S }),
        Answer::wrong("every_1024th_call_splits_a_busy_lock", "parking_lot", Fixes { parking_lot: every_1024th_call_splits_a_busy_lock, ..S }),
        Answer::wrong("every_thousandth_call_loads_and_stores", "atomic", Fixes { atomic: every_thousandth_call_loads_and_stores, ..S }),
        Answer::wrong("optimistic_gives_up", "mutex", Fixes { mutex: optimistic_gives_up, ..S }),
        Answer::right("guard_in_a_variable", "mutex", Fixes { mutex: guard_in_a_variable, ..S }),
        Answer::right("split_under_one_static_lock", "mutex", Fixes { mutex: split_under_one_static_lock, ..S }),
        Answer::right("optimistic_until_unchanged", "mutex", Fixes { mutex: optimistic_until_unchanged, ..S }),
        Answer::right("try_lock_thrice_then_lock", "mutex", Fixes { mutex: try_lock_thrice_then_lock, ..S }),
        Answer::right("try_lock_then_lock", "mutex", Fixes { mutex: try_lock_then_lock, ..S }),
        Answer::right("try_lock_spin", "mutex", Fixes { mutex: try_lock_spin, ..S }),
        Answer::right("cas_exponential_backoff", "atomic", Fixes { atomic: cas_exponential_backoff, ..S }),
        Answer::right("parking_lot_explicit_drop", "parking_lot", Fixes { parking_lot: parking_lot_explicit_drop, ..S }),
        Answer::right("weak_cas_loop", "atomic", Fixes { atomic: weak_cas_loop, ..S }),
        Answer::right("fetch_update", "atomic", Fixes { atomic: fetch_update, ..S }),
        Answer::right("add_two_take_one", "atomic", Fixes { atomic: add_two_take_one, ..S }),
        Answer::right("worker_returns_job_combine_loop", "process", Fixes { worker: worker_returns_job, combine: combine_loop, ..S }),
        Answer::right("cas_loop_reloading", "atomic", Fixes { atomic: cas_loop_reloading, ..S }),
    ]
}
