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
    // SOLVED: both updates happen under one guard, so no observer can see one without the other.
    let mut accounts = accounts.lock().expect("a thread panicked while holding the lock");
    accounts.0 -= 1;
    accounts.1 += 1;
}

/// Fix 1: what an observer sees, `a + b`, read under the same lock.
pub fn mutex_total(accounts: &Mutex<(u64, u64)>) -> u64 {
    // TODO: read both accounts under one guard and return their sum.
    // SOLVED: readers need the lock too, or they can look between the two updates.
    let accounts = accounts.lock().expect("a thread panicked while holding the lock");
    accounts.0 + accounts.1
}

/// Fix 1b: the transfer with `parking_lot::Mutex`.
pub fn parking_lot_transfer(accounts: &parking_lot::Mutex<(u64, u64)>) {
    // TODO: the same with parking_lot; its lock() returns the guard directly.
    // SOLVED: one guard for both updates.
    let mut accounts = accounts.lock();
    accounts.0 -= 1;
    accounts.1 += 1;
}

/// Fix 1b: the observation with `parking_lot::Mutex`.
pub fn parking_lot_total(accounts: &parking_lot::Mutex<(u64, u64)>) -> u64 {
    // TODO: read both accounts under one parking_lot guard.
    // SOLVED: one guard for both reads.
    let accounts = accounts.lock();
    accounts.0 + accounts.1
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
    // SOLVED: both accounts change in one atomic write of one word; a lost race retries.
    let _ = accounts.fetch_update(Ordering::Relaxed, Ordering::Relaxed, |word| {
        let (a, b) = unpack(word);
        (a > 0).then(|| pack(a - 1, b + 1))
    });
}

/// Fix 2: the observation: one load of the packed word.
pub fn atomic_total(accounts: &AtomicU64) -> u64 {
    // TODO: load the word once, unpack it, and return a + b.
    // SOLVED: one load sees both accounts at the same instant.
    let (a, b) = unpack(accounts.load(Ordering::Relaxed));
    a + b
}

/// Fix 3, in each worker process: decide on `transfers` transfers and report them as a message.
pub fn worker(transfers: u64) -> u64 {
    // TODO: count the transfers this worker wants to make, in its own memory, and return the count.
    // SOLVED: the worker never touches the accounts; it only sends a request.
    let mut requested = 0;
    for _ in 0..transfers {
        requested += 1;
    }
    requested
}

/// Fix 3, in the owner: start with one unit of money per requested transfer,
/// all in `a`; apply every requested transfer, one unit at a time; return the
/// final accounts `(a, b)`.
pub fn combine(reports: &[u64]) -> (u64, u64) {
    // TODO: own the accounts here; apply each report's transfers and return (a, b).
    // SOLVED: only the owner touches the accounts, so no one can see them half-updated.
    let total: u64 = reports.iter().sum();
    let (mut a, mut b) = (total, 0);
    for &transfers in reports {
        for _ in 0..transfers {
            a -= 1;
            b += 1;
        }
    }
    (a, b)
}
