// The one shared counter that labs compare their scenarios against: lab 01's
// racy increment and its three fixes, for every lab to reuse (message passing
// against a shared counter, contention of one hot counter, …) without
// reaching into lab 01's folder. Included once per backend, like the harness.

use self::sync::atomic::{AtomicU64, Ordering::Relaxed};
use self::sync::{Mutex, parking_lot};

/// The racy increment: read, add, write as three separate atomic steps — a
/// race condition (updates are lost), never a data race.
pub fn racy_increment(counter: &AtomicU64) {
    let seen = counter.load(Relaxed);
    // `black_box` keeps the optimiser from fusing the steps into one `add`.
    let next = std::hint::black_box(seen) + 1;
    counter.store(next, Relaxed);
}

/// Read, add and write under one `std::sync::Mutex` guard.
pub fn mutex_increment(counter: &Mutex<u64>) {
    *counter.lock().expect("a thread panicked while holding the lock") += 1;
}

/// Read, add and write under one `parking_lot::Mutex` guard.
pub fn parking_lot_increment(counter: &parking_lot::Mutex<u64>) {
    *counter.lock() += 1;
}

/// One indivisible read-modify-write.
pub fn atomic_increment(counter: &AtomicU64) {
    counter.fetch_add(1, Relaxed);
}
