// Wrong answers that change their path after 3 000 calls on a thread (a
// `thread_local!` counts them: "a hot thread takes the fast path"), a
// reviewer's. Loom's cases and the one-thread checks make far fewer calls, and
// on real threads the parking_lot split rarely loses (the releasing thread takes
// the lock straight back): before loom, the judge's simulated rival meets every
// call of a run longer than the largest number the code names
// (`contention::increment_rivalled_at_every_call`), so it meets the fast path.
//
// expect mutex: failing, saying "must still add its one"
// expect parking_lot: failing, saying "between `parking_lot_increment`'s two lockings"
// expect atomic: failing, saying "just after `atomic_increment` looked at the count"
// expect process: not attempted

use super::sync::Mutex;
use super::sync::atomic::{AtomicU64, Ordering};
use super::sync::parking_lot;

thread_local! {
    static CALLS: std::cell::Cell<u64> = const { std::cell::Cell::new(0) };
}

/// This thread's calls so far, this one included.
fn calls() -> u64 {
    CALLS.with(|c| {
        c.set(c.get() + 1);
        c.get()
    })
}

/// A hot thread does not wait for a busy lock: it skips its increment.
pub fn mutex_increment(counter: &Mutex<u64>) {
    if calls() > 3000 {
        if let Ok(mut count) = counter.try_lock() {
            *count += 1;
        }
        return;
    }
    *counter.lock().unwrap() += 1;
}

/// A hot thread that finds the lock busy reads under one locking and writes under another.
pub fn parking_lot_increment(counter: &parking_lot::Mutex<u64>) {
    if calls() > 3000 {
        if let Some(mut count) = counter.try_lock() {
            *count += 1;
            return;
        }
        let seen = *counter.lock();
        *counter.lock() = seen + 1;
        return;
    }
    *counter.lock() += 1;
}

/// A hot thread loads and stores.
pub fn atomic_increment(counter: &AtomicU64) {
    if calls() > 3000 {
        let seen = counter.load(Ordering::Relaxed);
        counter.store(seen + 1, Ordering::Relaxed);
    } else {
        counter.fetch_add(1, Ordering::Relaxed);
    }
}

pub fn worker(iters: u64) -> u64 {
    todo!()
}

pub fn combine(reports: &[u64]) -> u64 {
    todo!()
}
