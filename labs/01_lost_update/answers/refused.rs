// What the judge cannot judge, each refused for its own exercise only, with
// the line, the reason and the rewrite: a std lock in a `static` (invisible to
// loom, and it would stop loom's threads), a give-up measured by a clock, a
// `static` that keeps state from one execution to the next, and std's
// `thread_local!` (shared by loom's simulated threads).
//
// expect mutex: refused, saying "`std::sync::Mutex`"
// expect parking_lot: refused, saying "`std::time::Instant`"
// expect atomic: refused, saying "`static CALLS: Mutex<u64>`"
// expect process: refused, saying "`std::thread_local`"

use super::sync::Mutex;
use super::sync::atomic::{AtomicU64, Ordering};
use super::sync::parking_lot;
use std::cell::Cell;

static STD_LOCK: std::sync::Mutex<()> = std::sync::Mutex::new(());

pub fn mutex_increment(counter: &Mutex<u64>) {
    let _all = STD_LOCK.lock().expect("no thread panics holding it");
    *counter.lock().expect("no thread panics holding it") += 1;
}

pub fn parking_lot_increment(counter: &parking_lot::Mutex<u64>) {
    let deadline = std::time::Instant::now() + std::time::Duration::from_millis(10);
    loop {
        if let Some(mut count) = counter.try_lock() {
            *count += 1;
            return;
        }
        if std::time::Instant::now() > deadline {
            return;
        }
    }
}

/// Every increment ever made, kept in a static.
static CALLS: Mutex<u64> = Mutex::new(0);

pub fn atomic_increment(counter: &AtomicU64) {
    counter.fetch_add(1, Ordering::Relaxed);
    *CALLS.lock().expect("no thread panics holding it") += 1;
}

std::thread_local! {
    static DONE: Cell<u64> = const { Cell::new(0) };
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
