//! Exercise 01 — fix the lost update. Edit the five `TODO:` spots below.
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
    // TODO: lock the mutex and add one to the value it guards, in one critical section.
    todo!()
}

/// Fix 1b: the same with `parking_lot::Mutex` (its `lock()` cannot fail).
pub fn parking_lot_increment(counter: &parking_lot::Mutex<u64>) {
    // TODO: the same with parking_lot (its lock() returns the guard directly).
    todo!()
}

/// Fix 2: one indivisible read-modify-write instruction instead of three steps.
pub fn atomic_increment(counter: &AtomicU64) {
    // TODO: replace the separate load and store with one atomic read-modify-write.
    todo!()
}

/// Fix 3, in the worker: count `iters` times in memory that no one else can see.
pub fn worker(iters: u64) -> u64 {
    // TODO: count to `iters` in a variable only this worker can see, and return the count.
    todo!()
}

/// Fix 3, in the parent: combine the workers' reports into the total.
pub fn combine(reports: &[u64]) -> u64 {
    // TODO: combine the workers' counts into the total.
    todo!()
}
