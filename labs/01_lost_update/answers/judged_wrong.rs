// Wrong answers built with the same constructs: the judge judges them — loom
// sees the static lock and the sleep's scheduling point, the one-thread check
// sees a thread-local that keeps counting — and each fails for its own bug.
//
// expect mutex: failing
// expect parking_lot: failing
// expect atomic: failing
// expect process: failing, saying "worker"

use super::sync::Mutex;
use super::sync::atomic::{AtomicU64, Ordering};
use super::sync::parking_lot;
use std::cell::Cell;
use std::time::Duration;

/// A lock around the read only: the write happens after it is released.
static READING: Mutex<()> = Mutex::new(());

thread_local! {
    static DONE: Cell<u64> = const { Cell::new(0) };
}

pub fn mutex_increment(counter: &Mutex<u64>) {
    let seen = {
        let _reading = READING.lock().expect("no thread panics holding it");
        *counter.lock().expect("no thread panics holding it")
    };
    *counter.lock().expect("no thread panics holding it") = seen + 1;
}

pub fn parking_lot_increment(counter: &parking_lot::Mutex<u64>) {
    let seen = *counter.lock();
    // "Wait a moment for the others": the gap is still unlocked.
    std::thread::sleep(Duration::from_micros(1));
    *counter.lock() = seen + 1;
}

pub fn atomic_increment(counter: &AtomicU64) {
    let seen = {
        let _reading = READING.lock().expect("no thread panics holding it");
        counter.load(Ordering::Relaxed)
    };
    counter.store(seen + 1, Ordering::Relaxed);
}

/// Never reset: right for a worker process's first job only.
pub fn worker(iters: u64) -> u64 {
    for _ in 0..iters {
        DONE.set(DONE.get() + 1);
    }
    DONE.get()
}

pub fn combine(reports: &[u64]) -> u64 {
    reports.iter().sum()
}
