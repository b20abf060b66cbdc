// Right answers with a pause and a `static` lock: the observer sleeps a
// microsecond while it holds the lock (the judge's observer stops looking once
// the transfers are done, so the pause costs little), and one bank-wide
// `static` lock of the lab's `parking_lot::Mutex<()>` wraps both the transfer
// and the observation (loom sees it; redundant, and right).
//
// expect mutex: solved
// expect parking_lot: solved
// expect atomic: not attempted
// expect process: not attempted

use super::sync::Mutex;
use super::sync::atomic::{AtomicU64, Ordering};
use super::sync::parking_lot;
use std::time::Duration;

/// One lock for the whole bank.
static BANK: parking_lot::Mutex<()> = parking_lot::Mutex::new(());

/// Fix 1: move one unit from `a` to `b` (the tuple `(a, b)`) under one `std::sync::Mutex`.
pub fn mutex_transfer(accounts: &Mutex<(u64, u64)>) {
    let mut accounts = accounts.lock().expect("no thread panics holding it");
    accounts.0 -= 1;
    accounts.1 += 1;
}

/// Fix 1: what an observer sees, `a + b`, read under the same lock.
pub fn mutex_total(accounts: &Mutex<(u64, u64)>) -> u64 {
    let accounts = accounts.lock().expect("no thread panics holding it");
    // The observer pauses a microsecond while it holds the lock: slower, never torn.
    std::thread::sleep(Duration::from_micros(1));
    accounts.0 + accounts.1
}

/// Fix 1b: the transfer with `parking_lot::Mutex`.
pub fn parking_lot_transfer(accounts: &parking_lot::Mutex<(u64, u64)>) {
    let _bank = BANK.lock();
    let mut accounts = accounts.lock();
    accounts.0 -= 1;
    accounts.1 += 1;
}

/// Fix 1b: the observation with `parking_lot::Mutex`.
pub fn parking_lot_total(accounts: &parking_lot::Mutex<(u64, u64)>) -> u64 {
    let _bank = BANK.lock();
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
