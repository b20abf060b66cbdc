// Wrong answers with the same constructs, judged and failing for their own
// bugs: an observer that pauses between its two looks (under loom the pause
// is a point where a transfer runs), and a `static` lock that only transfers
// take, while each transfer leaves the accounts unlocked between its two steps.
//
// expect mutex: failing
// expect parking_lot: failing
// expect atomic: not attempted
// expect process: not attempted

use super::sync::Mutex;
use super::sync::atomic::{AtomicU64, Ordering};
use super::sync::parking_lot;
use std::time::Duration;

/// Taken by transfers only.
static BANK: parking_lot::Mutex<()> = parking_lot::Mutex::new(());

/// Fix 1: move one unit from `a` to `b` (the tuple `(a, b)`) under one `std::sync::Mutex`.
pub fn mutex_transfer(accounts: &Mutex<(u64, u64)>) {
    let mut accounts = accounts.lock().expect("no thread panics holding it");
    accounts.0 -= 1;
    accounts.1 += 1;
}

/// Fix 1: what an observer sees, `a + b`, read under the same lock.
pub fn mutex_total(accounts: &Mutex<(u64, u64)>) -> u64 {
    let a = accounts.lock().expect("no thread panics holding it").0;
    // A pause between the two looks: a transfer fits in it.
    std::thread::sleep(Duration::from_micros(1));
    let b = accounts.lock().expect("no thread panics holding it").1;
    a + b
}

/// Fix 1b: the transfer with `parking_lot::Mutex`.
pub fn parking_lot_transfer(accounts: &parking_lot::Mutex<(u64, u64)>) {
    let _bank = BANK.lock();
    accounts.lock().0 -= 1;
    accounts.lock().1 += 1;
}

/// Fix 1b: the observation with `parking_lot::Mutex`.
pub fn parking_lot_total(accounts: &parking_lot::Mutex<(u64, u64)>) -> u64 {
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
