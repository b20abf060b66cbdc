// Exercise 02 — check-then-act: never sell more tickets than there are.
//
// `racy_buy` (in reference.rs, beside this file) checks `sold < capacity` with
// one atomic load and then sells with a separate `fetch_add`. Each step is
// atomic; the pair is not, so two buyers can both see the last ticket free
// and both take it. Make "check, then sell" one indivisible step three ways,
// and once more by giving each worker process its own share of the tickets.
// Replace each `todo!()` below its `// TODO:`.
//
//   cargo run -- verify 2           check your work (loom, proptest, real threads and processes)
//   cargo run -- hint 2             a hint; `--more` for the next one
//   cargo test --test exercise_02   the same checks, as plain cargo tests
//
// The lab's `sync` types have what loom can model — `lock`, `try_lock`, the
// atomics — and no time-outs (`try_lock_for`): loom has no clock.
//
// solution.rs is this file's twin with every TODO done (marked `SOLVED:`).

use super::sync::Mutex;
use super::sync::atomic::{AtomicU64, Ordering};
use super::sync::parking_lot;

/// Fix 1: sell one ticket if any is left, checking and selling under one
/// `std::sync::Mutex` guard. Returns whether the buyer got a ticket.
pub fn mutex_buy(sold: &Mutex<u64>, capacity: u64) -> bool {
    // TODO: take the lock once; while holding it, check that a ticket is left, sell it, and say yes.
    // SOLVED: one guard covers the check and the increment, so no buyer can act on a stale check.
    let mut sold = sold.lock().expect("a thread panicked while holding the lock");
    if *sold < capacity {
        *sold += 1;
        return true;
    }
    false
}

/// Fix 1b: the same with `parking_lot::Mutex`.
pub fn parking_lot_buy(sold: &parking_lot::Mutex<u64>, capacity: u64) -> bool {
    // TODO: the same with parking_lot; its lock() returns the guard directly.
    // SOLVED: one guard, one critical section.
    let mut sold = sold.lock();
    if *sold < capacity {
        *sold += 1;
        return true;
    }
    false
}

/// Fix 2: a compare-and-swap loop: sell only if `sold` is still the value you checked.
pub fn atomic_buy(sold: &AtomicU64, capacity: u64) -> bool {
    // TODO: use compare_exchange in a loop (or fetch_update) so the check and the increment are one step.
    // SOLVED: fetch_update retries its compare-exchange until no other buyer got in between; Err = sold out.
    sold.fetch_update(Ordering::Relaxed, Ordering::Relaxed, |now| (now < capacity).then_some(now + 1)).is_ok()
}

/// Fix 3, in each worker process: make `attempts` purchase attempts against
/// this worker's own share of `tickets`; return how many it sold.
pub fn worker(attempts: u64, tickets: u64) -> u64 {
    // TODO: make `attempts` purchase attempts against a private count of `tickets`; return how many sold.
    // SOLVED: the share is this process's alone, so a plain check-then-act is safe here.
    let mut sold = 0;
    for _ in 0..attempts {
        if sold < tickets {
            sold += 1;
        }
    }
    sold
}

/// Fix 3, in the parent: combine the workers' sales into the total sold.
pub fn combine(reports: &[u64]) -> u64 {
    // TODO: combine the workers' counts into the total.
    // SOLVED: the shares never overlap, so the total is the sum.
    reports.iter().sum()
}
