//! Exercise 01 — fix the lost update. (Solution: each changed spot says `SOLVED:`.)
//!
//! `racy_increment` loses updates because "read, add one, write" is three
//! steps and another thread can run between them. Fix it three ways:
//! with a lock, with one indivisible atomic step, and by not sharing at all.
//!
//! Check your work:   cargo run -- verify 1
//! Ask for a hint:    cargo run -- hint 1

use super::sync::Mutex;
use super::sync::atomic::{AtomicU64, Ordering};
use super::sync::parking_lot;

/// Fix 1: hold a `std::sync::Mutex` across the read, the add and the write.
pub fn mutex_increment(counter: &Mutex<u64>) {
    // SOLVED: the guard lives until the end of the statement, so the read and the write happen under one lock.
    *counter.lock().expect("a thread panicked while holding the lock") += 1;
}

/// Fix 1b: the same with `parking_lot::Mutex` (its `lock()` cannot fail).
pub fn parking_lot_increment(counter: &parking_lot::Mutex<u64>) {
    // SOLVED: one guard, one critical section.
    *counter.lock() += 1;
}

/// Fix 2: one indivisible read-modify-write instruction instead of three steps.
pub fn atomic_increment(counter: &AtomicU64) {
    // SOLVED: `fetch_add` reads and writes in one step; `Relaxed` is enough for a lone counter.
    counter.fetch_add(1, Ordering::Relaxed);
}

/// Fix 3, in the worker: count `iters` times in memory that no one else can see.
pub fn worker(iters: u64) -> u64 {
    // SOLVED: a plain local variable; this worker owns it, so nothing can race.
    let mut count = 0;
    for _ in 0..iters {
        count += 1;
    }
    count
}

/// Fix 3, in the parent: combine the workers' reports into the total.
pub fn combine(reports: &[u64]) -> u64 {
    // SOLVED: the reports are independent counts, so the total is their sum.
    reports.iter().sum()
}
