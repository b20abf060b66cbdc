//! Lab 02 — check-then-act: a capped counter that must never oversell.
//!
//! A box office has `capacity` tickets. Each buyer thread makes purchase
//! attempts: *if a ticket is left, sell it*. Checking with one atomic load and
//! selling with a separate `fetch_add` makes each step atomic and the pair
//! not: two buyers see the last ticket free and both take it. The capacity is
//! always one less than the demand, so buyers compete for the last ticket and
//! a correct box office ends with exactly `capacity` sold.
//!
//! ```text
//! racelab check 2 --variant racy     # loom: the oversell, step by step
//! racelab run 2                      # real threads: rare — the window is one ticket wide
//! cargo test --test lab_02
//! ```

use super::harness::{isolated, race};
use super::sync::atomic::{AtomicU64, Ordering::Relaxed};
use super::sync::{Mutex, parking_lot, wait_for_io};

/// The reference fixes: the learner's exercise with every `TODO:` done.
#[path = "../../labs/02_check_then_act/solution.rs"]
pub mod solution;

/// The swap module, re-exported so `solution.rs` can write `super::sync`.
pub(crate) use super::sync;

/// Tickets on sale for `threads` buyers of `iters` attempts each: one fewer
/// than the demand, so there is always a race for the last ticket.
pub fn capacity(threads: usize, iters: u64) -> u64 {
    (threads as u64 * iters).saturating_sub(1)
}

/// The correct number sold: every ticket, never more.
pub fn expected(threads: usize, iters: u64) -> u64 {
    capacity(threads, iters)
}

// ---------------------------------------------------------------------------
// The race
// ---------------------------------------------------------------------------

/// The racy purchase: check with a load, then sell with `fetch_add`.
///
/// The increment cannot lose an update (it is one atomic step), yet the box
/// office oversells: the *decision* to sell was made on a value that another
/// buyer may have changed since.
pub fn racy_buy(sold: &AtomicU64, capacity: u64) {
    if sold.load(Relaxed) < capacity {
        // check ... (then take the payment: the window in which another buyer can act)
        take_payment();
        sold.fetch_add(1, Relaxed); // ... then act, on a check that may be stale
    }
}

/// The work a box office does between "a ticket is free" and "sold": it
/// calls a payment service, and while it waits the CPU runs someone else.
///
/// On real threads that is a `yield_now` (under loom, nothing: loom already
/// tries every pause). Without it the window between check and act is a few
/// nanoseconds and a real run almost never catches the oversell (0 of 1 200
/// trials here) — which is exactly why check-then-act bugs survive testing.
fn take_payment() {
    wait_for_io();
}

// ---------------------------------------------------------------------------
// Wrong fixes
// ---------------------------------------------------------------------------

/// Wrong fix: a compare-exchange whose failure is ignored.
///
/// It never oversells, but a buyer who loses the race gives up instead of
/// retrying, so tickets stay unsold while buyers wanted them.
pub fn wrong_ignored_cas(sold: &AtomicU64, capacity: u64) {
    let seen = sold.load(Relaxed);
    if seen < capacity {
        let _ = sold.compare_exchange(seen, seen + 1, Relaxed, Relaxed);
    }
}

/// Wrong fix: check under the lock, then sell under a second locking.
pub fn wrong_check_under_lock(sold: &Mutex<u64>, capacity: u64) {
    let available = *sold.lock().expect("poisoned") < capacity; // lock, check, unlock
    if available {
        *sold.lock().expect("poisoned") += 1; // lock again: the check is stale
    }
}

/// Wrong fix: take a ticket number first, check it afterwards.
///
/// The buyer is turned away correctly, but the counter has already counted
/// them: it ends above capacity.
pub fn wrong_fetch_add_then_check(sold: &AtomicU64, capacity: u64) {
    if sold.fetch_add(1, Relaxed) >= capacity {
        // sold out: the buyer leaves, but the count stays too high
    }
}

// ---------------------------------------------------------------------------
// Running a variant
// ---------------------------------------------------------------------------

/// The fixes a variant can be built from: the solution's, or a learner's.
#[derive(Clone, Copy, Debug)]
pub struct Fixes {
    /// Fix 1: `std::sync::Mutex`.
    pub mutex: fn(&Mutex<u64>, u64),
    /// Fix 1b: `parking_lot::Mutex`.
    pub parking_lot: fn(&parking_lot::Mutex<u64>, u64),
    /// Fix 2: a compare-and-swap loop.
    pub atomic: fn(&AtomicU64, u64),
    /// Fix 3: one worker selling `attempts` times from its own `tickets`.
    pub worker: fn(u64, u64) -> u64,
    /// Fix 3: how the parent combines the workers' sales.
    pub combine: fn(&[u64]) -> u64,
}

impl Fixes {
    /// The reference solution's fixes.
    pub const SOLUTION: Fixes = Fixes {
        mutex: solution::mutex_buy,
        parking_lot: solution::parking_lot_buy,
        atomic: solution::atomic_buy,
        worker: solution::worker,
        combine: solution::combine,
    };
}

/// A box office: the sold counter, the capacity, and how a purchase is made.
struct BoxOffice<C> {
    sold: C,
    capacity: u64,
    buy: fn(&C, u64),
}

impl<C> BoxOffice<C> {
    fn new(sold: C, capacity: u64, buy: fn(&C, u64)) -> Self {
        BoxOffice { sold, capacity, buy }
    }

    fn attempt(&self) {
        (self.buy)(&self.sold, self.capacity);
    }
}

/// The process fix's jobs: each worker gets `iters` attempts and its share of
/// the tickets, split as evenly as possible up front.
pub fn jobs(threads: usize, iters: u64) -> Vec<Vec<u64>> {
    let (total, n) = (capacity(threads, iters), threads.max(1) as u64);
    (0..n).map(|i| vec![iters, total / n + u64::from(i < total % n)]).collect()
}

/// The registry's worker: a job is `[attempts, tickets]`.
pub fn worker(job: &[u64]) -> Result<u64, String> {
    match job {
        [attempts, tickets] => Ok(solution::worker(*attempts, *tickets)),
        _ => Err(format!("a lab 02 worker takes two numbers (attempts, tickets), got {job:?}")),
    }
}

/// Runs `variant` with `threads` buyers of `iters` attempts each and returns
/// the number of tickets sold, or `None` for a variant this lab does not have.
pub fn run(variant: &str, fixes: &Fixes, threads: usize, iters: u64) -> Option<u64> {
    let cap = capacity(threads, iters);
    let atomic = |buy| BoxOffice::new(AtomicU64::new(0), cap, buy);
    let sold_atomic = |b: &BoxOffice<AtomicU64>| b.sold.load(Relaxed);
    Some(match variant {
        "racy" => race(threads, iters, atomic(racy_buy), BoxOffice::attempt, sold_atomic),
        "mutex" => race(threads, iters, BoxOffice::new(Mutex::new(0), cap, fixes.mutex), BoxOffice::attempt, |b| {
            *b.sold.lock().expect("poisoned")
        }),
        "parking_lot" => {
            let office = BoxOffice::new(parking_lot::Mutex::new(0), cap, fixes.parking_lot);
            race(threads, iters, office, BoxOffice::attempt, |b| *b.sold.lock())
        }
        "atomic" => race(threads, iters, atomic(fixes.atomic), BoxOffice::attempt, sold_atomic),
        "process" => {
            let worker = fixes.worker;
            (fixes.combine)(&isolated(jobs(threads, iters), move |job| worker(job[0], job[1])))
        }
        "wrong_ignored_cas" => race(threads, iters, atomic(wrong_ignored_cas), BoxOffice::attempt, sold_atomic),
        "wrong_check_under_lock" => {
            let office = BoxOffice::new(Mutex::new(0), cap, wrong_check_under_lock);
            race(threads, iters, office, BoxOffice::attempt, |b| *b.sold.lock().expect("poisoned"))
        }
        "wrong_fetch_add_then_check" => {
            race(threads, iters, atomic(wrong_fetch_add_then_check), BoxOffice::attempt, sold_atomic)
        }
        _ => return None,
    })
}
