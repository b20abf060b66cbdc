// Exercise 01 — fix the lost update.
//
// `racy_increment` (in reference.rs, beside this file) loses updates because
// "read, add one, write" is three steps and another thread can run between
// them. Fix it three ways: with a lock, with one indivisible atomic step,
// and by not sharing at all. Replace each `todo!()` below its `// TODO:`.
//
//   cargo run -- verify 1           check your work (loom, proptest, real threads and processes)
//   cargo run -- hint 1             a hint; `--more` for the next one
//   cargo test --test exercise_01   the same checks, as plain cargo tests
//
// The lab's `sync` types have what loom can model — `lock`, `try_lock`, the
// atomics — and no time-outs (`try_lock_for`): loom has no clock.
//
// solution.rs is this file's twin with every TODO done (marked `SOLVED:`).

use super::sync::Mutex;
use super::sync::atomic::{AtomicU64, Ordering};
use super::sync::parking_lot;

/// Fix 1: hold a `std::sync::Mutex` across the read, the add and the write.
pub fn mutex_increment(counter: &Mutex<u64>) {
    // TODO: lock the mutex and add one to the value it guards, in one critical section.
    // SOLVED: the guard lives until the end of the statement, so read and write happen under one lock.
    *counter.lock().expect("a thread panicked while holding the lock") += 1;
}

/// Fix 1b: the same with `parking_lot::Mutex` (its `lock()` cannot fail).
pub fn parking_lot_increment(counter: &parking_lot::Mutex<u64>) {
    // TODO: the same with parking_lot; its lock() returns the guard directly.
    // SOLVED: one guard, one critical section.
    *counter.lock() += 1;
}

/// Fix 2: one indivisible read-modify-write instead of a separate load and store.
pub fn atomic_increment(counter: &AtomicU64) {
    // TODO: replace the separate load and store with one atomic read-modify-write.
    // SOLVED: `fetch_add` reads and writes in one step; `Relaxed` is enough for a lone counter.
    counter.fetch_add(1, Ordering::Relaxed);
}

/// Fix 3, in each worker: count `iters` times in memory that no one else can see.
pub fn worker(iters: u64) -> u64 {
    // TODO: count to `iters` in a variable only this worker can see, and return the count.
    // SOLVED: a plain local variable; this worker owns it, so nothing can race.
    let mut count = 0;
    for _ in 0..iters {
        count += 1;
    }
    count
}

/// Fix 3, in the parent: combine the workers' reports into the total.
pub fn combine(reports: &[u64]) -> u64 {
    // TODO: combine the workers' counts into the total.
    // SOLVED: the reports are independent counts, so the total is their sum.
    reports.iter().sum()
}
