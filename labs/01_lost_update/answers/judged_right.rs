// Right answers that use what the judge used to refuse by its word: a
// `static` lock (of the lab's `Mutex<()>`, which loom sees), a short sleep,
// and a per-job `thread_local!` counter (loom's own under the model, so each
// simulated thread has its own). The judge judges them, and they are right.
//
// expect mutex: solved
// expect parking_lot: solved
// expect atomic: solved
// expect process: solved

use super::sync::Mutex;
use super::sync::atomic::{AtomicU64, Ordering};
use super::sync::parking_lot;
use std::cell::Cell;
use std::time::Duration;

/// One lock for every increment in the program, around a lock that is already right.
static EVERY_INCREMENT: Mutex<()> = Mutex::new(());

thread_local! {
    /// This worker's count of its current job.
    static DONE: Cell<u64> = const { Cell::new(0) };
}

pub fn mutex_increment(counter: &Mutex<u64>) {
    let _all = EVERY_INCREMENT.lock().expect("no thread panics holding it");
    *counter.lock().expect("no thread panics holding it") += 1;
}

pub fn parking_lot_increment(counter: &parking_lot::Mutex<u64>) {
    // A pause before taking the lock (a back-off): under loom, a point where another
    // thread may run; on real threads, a real pause. Still exact.
    std::thread::sleep(Duration::from_micros(1));
    *counter.lock() += 1;
}

pub fn atomic_increment(counter: &AtomicU64) {
    let _all = EVERY_INCREMENT.lock().expect("no thread panics holding it");
    counter.fetch_add(1, Ordering::Relaxed);
}

pub fn worker(iters: u64) -> u64 {
    DONE.set(0);
    for _ in 0..iters {
        DONE.set(DONE.get() + 1);
    }
    DONE.get()
}

pub fn combine(reports: &[u64]) -> u64 {
    reports.iter().sum()
}
