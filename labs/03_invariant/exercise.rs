// Exercise 03 — keep an invariant across two counters.
//
// Money moves from account `a` to account `b`, one unit per transfer, while
// an observer checks that `a + b` never changes. Making each account atomic
// (`per_variable_atomic` in reference.rs, beside this file) keeps each number right
// and still lets the observer see a transfer half done. Make a transfer and
// an observation each one indivisible step: with one lock over both accounts,
// with both accounts packed into one atomic word, and with one owner process
// that applies transfers sent to it as messages. Replace each `todo!()` below
// its `// TODO:`.
//
//   cargo run -- verify 3           check your work (loom, proptest, real threads and processes)
//   cargo run -- hint 3             a hint; `--more` for the next one
//   cargo test --test exercise_03   the same checks, as plain cargo tests
//
// The lab's `sync` types have what loom can model — `lock`, `try_lock`, the
// atomics — and no time-outs (`try_lock_for`): loom has no clock.
//
// solution.rs is this file's twin with every TODO done (marked `SOLVED:`).

use super::sync::Mutex;
use super::sync::atomic::{AtomicU64, Ordering};
use super::sync::parking_lot;

/// Fix 1: move one unit from `a` to `b` (the tuple `(a, b)`) under one `std::sync::Mutex`.
pub fn mutex_transfer(accounts: &Mutex<(u64, u64)>) {
    // TODO: lock once; while holding the guard, take one from a and add one to b.
    todo!()
}

/// Fix 1: what an observer sees, `a + b`, read under the same lock.
pub fn mutex_total(accounts: &Mutex<(u64, u64)>) -> u64 {
    // TODO: read both accounts under one guard and return their sum.
    todo!()
}

/// Fix 1b: the transfer with `parking_lot::Mutex`.
pub fn parking_lot_transfer(accounts: &parking_lot::Mutex<(u64, u64)>) {
    // TODO: the same with parking_lot; its lock() returns the guard directly.
    todo!()
}

/// Fix 1b: the observation with `parking_lot::Mutex`.
pub fn parking_lot_total(accounts: &parking_lot::Mutex<(u64, u64)>) -> u64 {
    // TODO: read both accounts under one parking_lot guard.
    todo!()
}

/// Packs both accounts into one word: `a` in the high 32 bits, `b` in the low 32 bits.
pub fn pack(a: u64, b: u64) -> u64 {
    (a << 32) | (b & 0xFFFF_FFFF)
}

/// Splits a packed word back into `(a, b)`.
pub fn unpack(word: u64) -> (u64, u64) {
    (word >> 32, word & 0xFFFF_FFFF)
}

/// Fix 2: the transfer as one compare-and-swap of the packed word.
pub fn atomic_transfer(accounts: &AtomicU64) {
    // TODO: update the packed word with fetch_update (or a compare_exchange loop): (a, b) → (a - 1, b + 1).
    todo!()
}

/// Fix 2: the observation: one load of the packed word.
pub fn atomic_total(accounts: &AtomicU64) -> u64 {
    // TODO: load the word once, unpack it, and return a + b.
    todo!()
}

/// Fix 3, in each worker process: decide on `transfers` transfers and report them as a message.
pub fn worker(transfers: u64) -> u64 {
    // TODO: count the transfers this worker wants to make, in its own memory, and return the count.
    todo!()
}

/// Fix 3, in the owner: start with one unit of money per requested transfer,
/// all in `a`; apply every requested transfer, one unit at a time; return the
/// final accounts `(a, b)`.
pub fn combine(reports: &[u64]) -> (u64, u64) {
    // TODO: own the accounts here; apply each report's transfers and return (a, b).
    todo!()
}
