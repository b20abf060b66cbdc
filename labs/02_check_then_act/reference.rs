// The reference code of this lab: compiled once per backend (see `lab.rs`),
// so it imports `sync::…` and `harness::…`, never `std::sync`.

use self::harness::{isolated, race_answers};
use crate::lab::{Case, State};
use self::sync::atomic::{AtomicU64, Ordering::Relaxed};
use self::sync::{Mutex, parking_lot, wait_for_io};

/// The reference fixes: the learner's exercise with every `TODO:` done.
pub mod solution {
    include!("solution.rs");
}

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
pub fn racy_buy(sold: &AtomicU64, capacity: u64) -> bool {
    if sold.load(Relaxed) < capacity {
        // check ... (then take the payment: the window in which another buyer can act)
        take_payment();
        sold.fetch_add(1, Relaxed); // ... then act, on a check that may be stale
        return true;
    }
    false
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
pub fn wrong_ignored_cas(sold: &AtomicU64, capacity: u64) -> bool {
    let seen = sold.load(Relaxed);
    seen < capacity && sold.compare_exchange(seen, seen + 1, Relaxed, Relaxed).is_ok()
}

/// Wrong fix: check under the lock, then sell under a second locking.
pub fn wrong_check_under_lock(sold: &Mutex<u64>, capacity: u64) -> bool {
    let available = *sold.lock().expect("poisoned") < capacity; // lock, check, unlock
    if available {
        *sold.lock().expect("poisoned") += 1; // lock again: the check is stale
    }
    available
}

/// Wrong fix: take a ticket number first, check it afterwards.
///
/// The buyer is turned away correctly, but the counter has already counted
/// them: it ends above capacity.
pub fn wrong_fetch_add_then_check(sold: &AtomicU64, capacity: u64) -> bool {
    // Sold out: the buyer hears no, but the count has already gone up.
    sold.fetch_add(1, Relaxed) < capacity
}

// ---------------------------------------------------------------------------
// Running a variant
// ---------------------------------------------------------------------------

/// The fixes a variant can be built from: the solution's, or a learner's.
#[derive(Clone, Copy, Debug)]
pub struct Fixes {
    /// Fix 1: `std::sync::Mutex`.
    pub mutex: fn(&Mutex<u64>, u64) -> bool,
    /// Fix 1b: `parking_lot::Mutex`.
    pub parking_lot: fn(&parking_lot::Mutex<u64>, u64) -> bool,
    /// Fix 2: a compare-and-swap loop.
    pub atomic: fn(&AtomicU64, u64) -> bool,
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
    buy: fn(&C, u64) -> bool,
}

impl<C> BoxOffice<C> {
    fn new(sold: C, capacity: u64, buy: fn(&C, u64) -> bool) -> Self {
        BoxOffice { sold, capacity, buy }
    }

    fn attempt(&self) -> bool {
        (self.buy)(&self.sold, self.capacity)
    }
}

/// The process fix's jobs: `[attempts, tickets]` per worker: `iters`
/// attempts each, and the tickets split among the workers up front, as evenly
/// as possible (so every share is at most the attempts, and together they sell
/// the whole capacity). The judge adds unequal jobs of its own.
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

/// The tickets on sale in a case: its stock, else one fewer than the demand.
pub fn stock(case: &Case) -> u64 {
    case.stock.unwrap_or_else(|| capacity(case.threads, case.iters))
}

/// What each worker of the process fix must sell: no more than its attempts,
/// no more than its own share of tickets.
fn worker_sales(jobs: &[Vec<u64>]) -> Vec<u64> {
    jobs.iter().map(|job| job.iter().copied().take(2).min().unwrap_or(0)).collect()
}

/// The specification: exactly `min(capacity, demand)` sold, and the buyers'
/// yeses add up to the tickets sold (for processes: each worker sold
/// `min(attempts, its tickets)`).
pub fn judge(case: &Case, state: &State) -> Result<(), String> {
    let sold = state.value();
    let got = state.list("got");
    let told: u64 = got.iter().sum();
    let (want, capacity) = match &case.jobs {
        Some(jobs) => {
            let each = worker_sales(jobs);
            if let Some(i) = (0..jobs.len()).find(|&i| got.get(i) != each.get(i)) {
                let job = &jobs[i];
                return Err(format!(
                    "worker {} reported {}, but with {} and {} of its own it sells {}",
                    i + 1,
                    got.get(i).map_or("nothing".to_string(), u64::to_string),
                    plural(job[0], "attempt"),
                    plural(job.get(1).copied().unwrap_or(0), "ticket"),
                    each[i]
                ));
            }
            (each.iter().sum::<u64>(), jobs.iter().map(|j| j.get(1).copied().unwrap_or(0)).sum::<u64>())
        }
        None => (stock(case).min(case.demand()), stock(case)),
    };
    if sold > capacity {
        return Err(format!("{} oversold", plural(sold - capacity, "ticket")));
    }
    if case.jobs.is_none() && told != sold {
        return Err(format!("buyers were told yes {} but {sold} sold", plural(told, "time")));
    }
    match sold.cmp(&want) {
        std::cmp::Ordering::Equal => Ok(()),
        std::cmp::Ordering::Less => {
            Err(format!("{} left unsold although buyers wanted them", plural(want - sold, "ticket")))
        }
        std::cmp::Ordering::Greater => Err(format!("{} more sold than buyers asked for", sold - want)),
    }
}

/// The right final state for a case, as shown to the learner.
pub fn spec(case: &Case) -> String {
    match &case.jobs {
        Some(jobs) => {
            let each = worker_sales(jobs);
            State::default().with("sold", each.iter().sum()).with_list("got", each).to_string()
        }
        None => {
            let want = stock(case).min(case.demand());
            format!("sold={want}, got adding up to {want}")
        }
    }
}

/// `1 ticket`, `2 tickets`.
fn plural(n: u64, noun: &str) -> String {
    if n == 1 { format!("1 {noun}") } else { format!("{n} {noun}s") }
}

/// Runs `variant` and returns the tickets sold and each buyer's yeses, or
/// `None` for a variant this lab does not have.
pub fn run(variant: &str, fixes: &Fixes, case: &Case) -> Option<State> {
    let (threads, iters, cap) = (case.threads, case.iters, stock(case));
    let atomic = |buy| BoxOffice::new(AtomicU64::new(0), cap, buy);
    let sold_atomic = |b: &BoxOffice<AtomicU64>| b.sold.load(Relaxed);
    let sold_std = |b: &BoxOffice<Mutex<u64>>| *b.sold.lock().expect("poisoned");
    let (got, sold) = match variant {
        "racy" => race_answers(threads, iters, atomic(racy_buy), BoxOffice::attempt, sold_atomic),
        "mutex" => race_answers(threads, iters, BoxOffice::new(Mutex::new(0), cap, fixes.mutex), BoxOffice::attempt, sold_std),
        "parking_lot" => {
            let office = BoxOffice::new(parking_lot::Mutex::new(0), cap, fixes.parking_lot);
            race_answers(threads, iters, office, BoxOffice::attempt, |b| *b.sold.lock())
        }
        "atomic" => race_answers(threads, iters, atomic(fixes.atomic), BoxOffice::attempt, sold_atomic),
        "process" => {
            let worker = fixes.worker;
            let jobs = case.jobs.clone().unwrap_or_else(|| jobs(threads, iters));
            let reports = isolated(jobs, move |job| worker(job[0], job[1]));
            let sold = (fixes.combine)(&reports);
            (reports, sold)
        }
        "wrong_ignored_cas" => race_answers(threads, iters, atomic(wrong_ignored_cas), BoxOffice::attempt, sold_atomic),
        "wrong_check_under_lock" => {
            let office = BoxOffice::new(Mutex::new(0), cap, wrong_check_under_lock);
            race_answers(threads, iters, office, BoxOffice::attempt, sold_std)
        }
        "wrong_fetch_add_then_check" => {
            race_answers(threads, iters, atomic(wrong_fetch_add_then_check), BoxOffice::attempt, sold_atomic)
        }
        _ => return None,
    };
    Some(State::default().with("sold", sold).with_list("got", got))
}
