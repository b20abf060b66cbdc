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
    todo!()
}

/// Fix 1b: the same with `parking_lot::Mutex` (its `lock()` cannot fail).
pub fn parking_lot_increment(counter: &parking_lot::Mutex<u64>) {
    // TODO: the same with parking_lot; its lock() returns the guard directly.
    todo!()
}

/// Fix 2: one indivisible read-modify-write instead of a separate load and store.
pub fn atomic_increment(counter: &AtomicU64) {
    // TODO: replace the separate load and store with one atomic read-modify-write.
    todo!()
}

/// Fix 3, in each worker: count `iters` times in memory that no one else can see.
pub fn worker(iters: u64) -> u64 {
    // TODO: count to `iters` in a variable only this worker can see, and return the count.
    todo!()
}

/// Fix 3, in the parent: combine the workers' reports into the total.
pub fn combine(reports: &[u64]) -> u64 {
    // TODO: combine the workers' counts into the total.
    todo!()
}
