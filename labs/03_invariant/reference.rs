// The reference code of this lab: compiled once per backend (see `lab.rs`),
// so it imports `sync::…` and `harness::…`, never `std::sync`.

use self::harness::{Observer, isolated, race_observed, unequal_split};
use crate::lab::{Case, State};
use self::sync::atomic::{AtomicU64, Ordering::Relaxed, Ordering::SeqCst};
use self::sync::{Mutex, parking_lot};

/// The reference fixes: the learner's exercise with every `TODO:` done.
pub mod solution {
    include!("solution.rs");
}

/// The money in the bank: every transfer moves one unit, so `threads × iters` units.
pub fn expected(threads: usize, iters: u64) -> u64 {
    (threads as u64).saturating_mul(iters)
}

/// Two accounts, each its own atomic.
pub struct Split {
    a: AtomicU64,
    b: AtomicU64,
}

impl Split {
    fn new(total: u64) -> Self {
        Split { a: AtomicU64::new(total), b: AtomicU64::new(0) }
    }

    fn total(&self) -> u64 {
        self.a.load(Relaxed) + self.b.load(Relaxed)
    }

    fn accounts(&self) -> (u64, u64) {
        (self.a.load(Relaxed), self.b.load(Relaxed))
    }
}

// ---------------------------------------------------------------------------
// The race
// ---------------------------------------------------------------------------

/// The racy transfer: a separate load and store on each account.
///
/// Two races at once: updates to one account can be lost (lab 01), and an
/// observer can look between the two accounts' updates.
pub fn racy_transfer(bank: &Split) {
    let a = bank.a.load(Relaxed);
    bank.a.store(a - 1, Relaxed); // the unit has left a …
    let b = bank.b.load(Relaxed);
    bank.b.store(b + 1, Relaxed); // … and only now reaches b
}

/// The lesson: each account atomic, each update indivisible — and still a
/// moment in which an observer sees `a + b` one short.
pub fn per_variable_atomic_transfer(bank: &Split) {
    bank.a.fetch_sub(1, Relaxed);
    bank.b.fetch_add(1, Relaxed);
}

// ---------------------------------------------------------------------------
// Wrong fixes
// ---------------------------------------------------------------------------

/// Wrong fix: the strongest memory ordering. Ordering says in which order
/// other threads see the two updates; it cannot make two updates one.
pub fn wrong_seqcst_transfer(bank: &Split) {
    bank.a.fetch_sub(1, SeqCst);
    bank.b.fetch_add(1, SeqCst);
}

fn seqcst_total(bank: &Split) -> u64 {
    bank.a.load(SeqCst) + bank.b.load(SeqCst)
}

/// Two accounts, each behind its own lock (`repr(C)`: `a` lies before `b`
/// in memory, which is how schedules tell the two locks apart).
#[repr(C)]
pub struct TwoLocks {
    a: Mutex<u64>,
    b: Mutex<u64>,
}

/// Wrong fix: one lock per account. Each update is safe; between the two
/// lockings the unit is in neither account.
pub fn wrong_two_locks_transfer(bank: &TwoLocks) {
    *bank.a.lock().expect("poisoned") -= 1;
    *bank.b.lock().expect("poisoned") += 1;
}

fn two_locks_total(bank: &TwoLocks) -> u64 {
    let a = *bank.a.lock().expect("poisoned");
    a + *bank.b.lock().expect("poisoned")
}

fn two_locks_accounts(bank: &TwoLocks) -> (u64, u64) {
    (*bank.a.lock().expect("poisoned"), *bank.b.lock().expect("poisoned"))
}

/// Wrong fix: the transfer holds both locks, so no observer sees the unit in
/// neither account — but it takes `a` then `b`, and the observer takes `b`
/// then `a`. A transfer holding `a` and an observer holding `b` each wait for
/// the other's lock, forever: a deadlock. (The fix: every thread takes the
/// locks in one agreed order, or one lock covers both.)
pub fn wrong_lock_order_transfer(bank: &TwoLocks) {
    let mut a = bank.a.lock().expect("poisoned");
    let mut b = bank.b.lock().expect("poisoned");
    *a -= 1;
    *b += 1;
}

fn lock_order_total(bank: &TwoLocks) -> u64 {
    // The other order: b first.
    let b = bank.b.lock().expect("poisoned");
    let a = bank.a.lock().expect("poisoned");
    *a + *b
}

/// Atomic accounts plus a lock that only the writers take.
pub struct WritersLocked {
    lock: Mutex<()>,
    accounts: Split,
}

/// Wrong fix: transfers hold a lock, the observer does not take it.
/// A lock protects only against threads that take it too.
pub fn wrong_unlocked_reader_transfer(bank: &WritersLocked) {
    let _guard = bank.lock.lock().expect("poisoned");
    per_variable_atomic_transfer(&bank.accounts);
}

// ---------------------------------------------------------------------------
// Running a variant
// ---------------------------------------------------------------------------

/// The fixes a variant can be built from: the solution's, or a learner's.
#[derive(Clone, Copy, Debug)]
pub struct Fixes {
    /// Fix 1: transfer under one `std::sync::Mutex` over both accounts.
    pub mutex_transfer: fn(&Mutex<(u64, u64)>),
    /// Fix 1: observe under the same mutex.
    pub mutex_total: fn(&Mutex<(u64, u64)>) -> u64,
    /// Fix 1b: transfer under one `parking_lot::Mutex`.
    pub parking_lot_transfer: fn(&parking_lot::Mutex<(u64, u64)>),
    /// Fix 1b: observe under it.
    pub parking_lot_total: fn(&parking_lot::Mutex<(u64, u64)>) -> u64,
    /// Fix 2: both accounts packed into one atomic word, updated by CAS.
    pub atomic_transfer: fn(&AtomicU64),
    /// Fix 2: observe with one load.
    pub atomic_total: fn(&AtomicU64) -> u64,
    /// Fix 3: a worker process's transfer requests.
    pub worker: fn(u64) -> u64,
    /// Fix 3: the owner applying them (returns the final accounts `(a, b)`).
    pub combine: fn(&[u64]) -> (u64, u64),
}

impl Fixes {
    /// The reference solution's fixes.
    pub const SOLUTION: Fixes = Fixes {
        mutex_transfer: solution::mutex_transfer,
        mutex_total: solution::mutex_total,
        parking_lot_transfer: solution::parking_lot_transfer,
        parking_lot_total: solution::parking_lot_total,
        atomic_transfer: solution::atomic_transfer,
        atomic_total: solution::atomic_total,
        worker: solution::worker,
        combine: solution::combine,
    };
}

/// A bank: its accounts, how a transfer is made, how an observer looks, and
/// how the accounts are read once every thread has finished.
struct Bank<S> {
    accounts: S,
    transfer: fn(&S),
    total: fn(&S) -> u64,
    end: fn(&S) -> (u64, u64),
}

impl<S> Bank<S> {
    fn transfer(&self) {
        (self.transfer)(&self.accounts);
    }

    fn total(&self) -> u64 {
        (self.total)(&self.accounts)
    }

    fn end(&self) -> (u64, u64) {
        (self.end)(&self.accounts)
    }
}

/// The bank's money for a case: its stock, else one unit per transfer.
pub fn money(case: &Case) -> u64 {
    case.stock.unwrap_or_else(|| expected(case.threads, case.iters))
}

/// `threads` transfer threads of `iters` transfers each, watched by one observer.
fn watched<S: Send + Sync + 'static>(
    case: &Case,
    accounts: S,
    transfer: fn(&S),
    total: fn(&S) -> u64,
    end: fn(&S) -> (u64, u64),
) -> State {
    let bank = Bank { accounts, transfer, total, end };
    let money = money(case);
    let (torn, (a, b)) = {
        let observer = Observer { watch: Bank::total, invariant: money, looks: case.looks };
        race_observed(case.threads, case.iters, bank, Bank::transfer, observer, Bank::end)
    };
    State::default().with("seen", torn.unwrap_or(money)).with("a", a).with("b", b)
}

/// The process fix's jobs: each worker requests some transfers; together
/// `threads × iters`, split unequally.
pub fn jobs(threads: usize, iters: u64) -> Vec<Vec<u64>> {
    unequal_split(expected(threads, iters), threads).into_iter().map(|share| vec![share]).collect()
}

/// The registry's worker: a job is one number, the transfers to request.
pub fn worker(job: &[u64]) -> Result<u64, String> {
    match job {
        [transfers] => Ok(solution::worker(*transfers)),
        _ => Err(format!("a lab 03 worker takes one number (transfers), got {job:?}")),
    }
}

/// The right `(seen, a, b)` for a case: the observer always sees all the
/// money; every transfer moved one unit from `a` to `b`.
fn right(case: &Case) -> (u64, u64, u64) {
    match &case.jobs {
        // The owner starts with one unit per requested transfer, all in `a`.
        Some(jobs) => {
            let moved = jobs.iter().map(|j| j.first().copied().unwrap_or(0)).fold(0, u64::saturating_add);
            (moved, 0, moved)
        }
        None => {
            let (money, moved) = (money(case), case.demand());
            (money, money.saturating_sub(moved), moved)
        }
    }
}

/// The specification: every look at `a + b` saw all the money, and at the
/// end every transfer has moved one unit from `a` to `b`.
pub fn judge(case: &Case, state: &State) -> Result<(), String> {
    let (money, want_a, want_b) = right(case);
    let (seen, a, b) = (state.value(), state.get("a").unwrap_or(u64::MAX), state.get("b").unwrap_or(u64::MAX));
    if seen < money {
        return Err(format!("an observer saw a + b = {seen}: {} in flight between the accounts", plural(money - seen, "unit")));
    }
    if seen > money {
        return Err(format!("an observer saw a + b = {seen}: {} counted twice", plural(seen - money, "unit")));
    }
    if (a, b) != (want_a, want_b) {
        let moved = want_b;
        return Err(format!(
            "the accounts ended a={a} b={b}, but {} should leave a={want_a} b={want_b}",
            plural(moved, "transfer")
        ));
    }
    Ok(())
}

/// The right final state for a case, as shown to the learner.
pub fn spec(case: &Case) -> String {
    let (money, a, b) = right(case);
    State::default().with("seen", money).with("a", a).with("b", b).to_string()
}

/// Shows a packed word as the two accounts it holds.
pub fn decode(word: u64) -> String {
    let (a, b) = solution::unpack(word);
    format!("a={a} b={b}")
}

/// `1 unit`, `2 units`.
fn plural(n: u64, noun: &str) -> String {
    if n == 1 { format!("1 {noun}") } else { format!("{n} {noun}s") }
}

/// Runs `variant` and returns what the observer saw and both accounts at the
/// end (see the module docs), or `None` for a variant this lab does not have.
pub fn run(variant: &str, fixes: &Fixes, case: &Case) -> Option<State> {
    let money = money(case);
    let split = || Split::new(money);
    let std_end = |m: &Mutex<(u64, u64)>| *m.lock().expect("poisoned");
    Some(match variant {
        "racy" => watched(case, split(), racy_transfer, Split::total, Split::accounts),
        "per_variable_atomic" => watched(case, split(), per_variable_atomic_transfer, Split::total, Split::accounts),
        "mutex" => watched(case, Mutex::new((money, 0)), fixes.mutex_transfer, fixes.mutex_total, std_end),
        "parking_lot" => {
            let accounts = parking_lot::Mutex::new((money, 0));
            watched(case, accounts, fixes.parking_lot_transfer, fixes.parking_lot_total, |m| *m.lock())
        }
        "atomic" => {
            let accounts = AtomicU64::new(solution::pack(money, 0));
            watched(case, accounts, fixes.atomic_transfer, fixes.atomic_total, |w| solution::unpack(w.load(Relaxed)))
        }
        "process" => {
            let worker = fixes.worker;
            let jobs = case.jobs.clone().unwrap_or_else(|| jobs(case.threads, case.iters));
            let (a, b) = (fixes.combine)(&isolated(jobs, move |job| worker(job[0])));
            State::default().with("seen", a.saturating_add(b)).with("a", a).with("b", b)
        }
        "wrong_seqcst" => watched(case, split(), wrong_seqcst_transfer, seqcst_total, Split::accounts),
        "wrong_two_locks" => {
            let accounts = TwoLocks { a: Mutex::new(money), b: Mutex::new(0) };
            watched(case, accounts, wrong_two_locks_transfer, two_locks_total, two_locks_accounts)
        }
        "wrong_lock_order" => {
            let accounts = TwoLocks { a: Mutex::new(money), b: Mutex::new(0) };
            watched(case, accounts, wrong_lock_order_transfer, lock_order_total, two_locks_accounts)
        }
        "wrong_unlocked_reader" => {
            let accounts = WritersLocked { lock: Mutex::new(()), accounts: split() };
            watched(case, accounts, wrong_unlocked_reader_transfer, |bank| bank.accounts.total(), |bank| {
                bank.accounts.accounts()
            })
        }
        _ => return None,
    })
}
