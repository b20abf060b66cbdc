// Wrong answers that give up after a count larger than any fixed rival: the
// judge reads the largest number in each exercise's code and makes its
// simulated rival outlast it (`contention::patience`).
//
// expect atomic: failing, saying "got in first 1048576 times in a row"
// expect lock: failing, saying "stopped trying after 67108864 attempts"
// expect process: not attempted

use super::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use super::sync::hint;

/// Gives up after 2^20 lost races: a busy page loses more.
pub fn atomic_increment(counter: &AtomicU64) {
    for _ in 0..1 << 20 {
        let seen = counter.load(Ordering::Relaxed);
        if counter.compare_exchange(seen, seen + 1, Ordering::Relaxed, Ordering::Relaxed).is_ok() {
            return;
        }
    }
}

/// Takes the lock by force after 2^26 failed tries: a holder stopped that long (swapped out,
/// SIGSTOPped) shares the counter with it.
pub fn locked_increment(lock: &AtomicBool, counter: &AtomicU64) {
    let mut spins: u32 = 0;
    while lock.compare_exchange(false, true, Ordering::Acquire, Ordering::Relaxed).is_err() {
        spins += 1;
        if spins >= 1 << 26 {
            lock.store(true, Ordering::Release);
            break;
        }
        hint::spin_loop();
    }
    let seen = counter.load(Ordering::Relaxed);
    counter.store(seen + 1, Ordering::Relaxed);
    lock.store(false, Ordering::Release);
}

pub fn worker(iters: u64) -> u64 {
    todo!()
}

pub fn combine(reports: &[u64]) -> u64 {
    todo!()
}
