// The reference code of this lab: compiled once per backend (see `lab.rs`), so it
// imports `sync::…`, never `std::sync` or tokio. On real threads `task` is tokio's
// current-thread runtime; in loom's model (and the stepper) it is an executor whose
// every switch between tasks, at an `.await`, is a choice the checker explores.

use self::sync::cell::Cell;
use self::sync::task;
use crate::lab::{Case, State};
use std::future::Future;
use std::pin::Pin;
use std::rc::Rc;

/// The reference fixes: the learner's exercise with every `TODO:` done.
pub mod solution {
    include!("solution.rs");
}

/// A task's work as a value: what an `async fn` of the exercise returns, boxed.
pub type Task<T> = Pin<Box<dyn Future<Output = T>>>;

// ---------------------------------------------------------------------------
// The account and the bank
// ---------------------------------------------------------------------------

/// A bank account shared by the tasks of one thread.
///
/// `balance` is the shared state. `confirm` is a round trip to the bank (on real
/// threads the shortest wait there is, a `yield_now`; a real client would sleep
/// until the reply): the await point at which the executor may run another task.
pub struct Account {
    /// The balance, in coins (traced in the checker: `get` and `set` show in a schedule).
    pub balance: Cell<u64>,
    /// An async mutex, for the fix that holds a lock across the round trip.
    pub lock: task::Mutex<()>,
    /// Round trips in flight right now.
    in_flight: std::cell::Cell<u64>,
    /// The most round trips in flight at once.
    peak: std::cell::Cell<u64>,
    /// Round trips made.
    trips: std::cell::Cell<u64>,
    /// The balance the account was opened with.
    start: u64,
    /// Round trips completed: the deposits the bank has confirmed.
    confirmed: std::cell::Cell<u64>,
    /// Times a round trip began or ended with more coins counted than the bank had
    /// confirmed: a coin credited before its confirmation came back.
    early: std::cell::Cell<u64>,
}

impl std::fmt::Debug for Account {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Account").field("trips", &self.trips.get()).field("peak", &self.peak.get()).finish()
    }
}

impl Account {
    /// A new account holding `balance` coins, shared with `Rc`.
    pub fn new(balance: u64) -> Rc<Account> {
        Rc::new(Account {
            balance: Cell::new(balance),
            lock: task::Mutex::new(()),
            in_flight: std::cell::Cell::new(0),
            peak: std::cell::Cell::new(0),
            trips: std::cell::Cell::new(0),
            start: balance,
            confirmed: std::cell::Cell::new(0),
            early: std::cell::Cell::new(0),
        })
    }

    /// One round trip to the bank, to confirm a deposit: `.await` it. Other tasks may run meanwhile.
    #[track_caller]
    pub fn confirm(&self) -> impl Future<Output = ()> + '_ {
        let reply = task::yield_now();
        async move {
            self.audit();
            self.in_flight.set(self.in_flight.get() + 1);
            self.peak.set(self.peak.get().max(self.in_flight.get()));
            self.trips.set(self.trips.get() + 1);
            reply.await;
            self.in_flight.set(self.in_flight.get() - 1);
            self.audit();
            self.confirmed.set(self.confirmed.get() + 1);
        }
    }

    /// The bank's audit, as a round trip starts and as its reply arrives: no more coins
    /// may be counted than deposits confirmed. A coin credited before `confirm().await`
    /// (or sent to the owner before it) is seen here. Read untraced: no schedule shows it.
    fn audit(&self) {
        let counted = self::sync::cell::peek(&self.balance).wrapping_sub(self.start);
        if counted > self.confirmed.get() && counted <= u64::MAX / 2 {
            self.early.set(self.early.get() + 1);
        }
    }

    /// Times the audit found coins counted before the bank confirmed them (0 for a right answer).
    pub fn early(&self) -> u64 {
        self.early.get()
    }

    /// Round trips completed: deposits the bank confirmed.
    pub fn confirmed(&self) -> u64 {
        self.confirmed.get()
    }

    /// The most round trips that were in flight at once.
    pub fn peak(&self) -> u64 {
        self.peak.get()
    }

    /// How many round trips were made.
    pub fn trips(&self) -> u64 {
        self.trips.get()
    }
}

// ---------------------------------------------------------------------------
// Part 2: a blocking call
// ---------------------------------------------------------------------------

std::thread_local! {
    /// Blocking calls made on an executor's thread since the last [`take_stalls`]. An
    /// executor runs all its tasks on the thread that called `block_on`, so that
    /// thread's count is the executor's (the checker's threads all share one).
    static STALLS: std::cell::Cell<u64> = const { std::cell::Cell::new(0) };
}

/// Takes the count of blocking calls made on this thread's executor.
pub fn take_stalls() -> u64 {
    STALLS.replace(0)
}

/// How long one [`checksum`] blocks on real threads.
pub const CHECKSUM_BLOCKS: std::time::Duration = std::time::Duration::from_millis(2);

/// The statement's checksum, the answer [`checksum`] computes.
pub fn mix(statement: u64) -> u64 {
    statement.wrapping_mul(0x9E37_79B9_7F4A_7C15).rotate_left(29) ^ 0x5EED
}

/// A blocking call: the checksum of a statement, which keeps its thread busy
/// ([`CHECKSUM_BLOCKS`] on real threads). Called from a task, it stalls every
/// other task of the executor; call it through `task::spawn_blocking`.
pub fn checksum(statement: u64) -> u64 {
    if task::on_executor() {
        STALLS.set(STALLS.get() + 1);
    }
    sync::block_for(CHECKSUM_BLOCKS);
    mix(statement)
}

// ---------------------------------------------------------------------------
// The race, and the wrong fixes
// ---------------------------------------------------------------------------

/// The racy deposit: read the balance, `.await` the bank, write what was read plus one.
///
/// One thread, no data race — yet another task can run at the `.await` and
/// deposit too; this write then erases its deposit.
pub async fn racy_deposit(account: Rc<Account>) {
    let seen = account.balance.get();
    account.confirm().await;
    account.balance.set(seen + 1);
}

/// The async-mutex fix: the lock is held across the round trip, so no other
/// deposit reads in between — and no other deposit's round trip overlaps either.
pub async fn mutex_deposit(account: Rc<Account>) {
    let _held = account.lock.lock().await;
    let seen = account.balance.get();
    account.confirm().await;
    account.balance.set(seen + 1);
}

/// Wrong fix: the async mutex taken to read and again to write; the round trip between is unlocked.
pub async fn wrong_split_lock(account: Rc<Account>) {
    let seen = {
        let _held = account.lock.lock().await;
        account.balance.get()
    };
    account.confirm().await;
    let _held = account.lock.lock().await;
    account.balance.set(seen + 1);
}

/// Wrong fix: after the round trip, write only if the balance did not change — and
/// drop the deposit when it did (a check with no retry).
pub async fn wrong_check_after(account: Rc<Account>) {
    let seen = account.balance.get();
    account.confirm().await;
    if account.balance.get() == seen {
        account.balance.set(seen + 1);
    }
}

/// Wrong fix of part 2: the statement's checksum called inside the task, on the executor's thread.
pub async fn blocking_post(statement: u64) -> u64 {
    checksum(statement)
}

// ---------------------------------------------------------------------------
// Running a variant
// ---------------------------------------------------------------------------

/// The learner's functions, as the variants use them (each `async fn`, boxed).
#[derive(Clone, Copy, Debug)]
pub struct Fixes {
    /// Exercise 1: one deposit with no `.await` between the read and the write.
    pub deposit: fn(Rc<Account>) -> Task<()>,
    /// Exercise 2: `depositors` tasks × `deposits` coins, counted by one owner task.
    pub owner: fn(Rc<Account>, usize, u64) -> Task<()>,
    /// Exercise 3: the statement's checksum, computed off the executor's thread.
    pub post: fn(u64) -> Task<u64>,
}

impl Fixes {
    /// The reference solution's fixes.
    pub const SOLUTION: Fixes = Fixes {
        deposit: |account| Box::pin(solution::deposit(account)),
        owner: |account, depositors, deposits| Box::pin(solution::owner_deposits(account, depositors, deposits)),
        post: |statement| Box::pin(solution::post_statement(statement)),
    };
}

/// The balance a case starts from (`start`, 0 by default).
pub fn start_of(case: &Case) -> u64 {
    case.param("start").unwrap_or(0)
}

/// The case's tasks, each making its deposits with `deposit`; `wait` whether the
/// main task awaits them before it reads the balance.
fn depositors(case: &Case, deposit: fn(Rc<Account>) -> Task<()>, wait: bool) -> State {
    let start = start_of(case);
    let (tasks, deposits) = (case.threads, case.iters);
    task::block_on(async move {
        let account = Account::new(start);
        let handles: Vec<_> = (0..tasks)
            .map(|_| {
                let account = Rc::clone(&account);
                task::spawn(async move {
                    for _ in 0..deposits {
                        deposit(Rc::clone(&account)).await;
                    }
                })
            })
            .collect();
        if wait {
            for handle in handles {
                handle.await.expect("a depositor task failed");
            }
        }
        state_of(&account, start)
    })
}

/// What the account ends with: the coins counted, and the round trips made and overlapping.
fn state_of(account: &Account, start: u64) -> State {
    let state = State::count(account.balance.get().wrapping_sub(start))
        .with("trips", account.trips())
        .with("peak", account.peak());
    let state = if account.early() > 0 { state.with("early", account.early()) } else { state };
    match take_stalls() {
        0 => state,
        stalls => state.with("stalls", stalls),
    }
}

/// Runs `variant` with `case.threads` depositor tasks of `case.iters` deposits each
/// on one thread, and returns the whole account (`None`: no such variant).
pub fn run(variant: &str, fixes: &Fixes, case: &Case) -> Option<State> {
    take_stalls();
    let state = match variant {
        "racy" => depositors(case, |account| Box::pin(racy_deposit(account)), true),
        "no_await" => depositors(case, fixes.deposit, true),
        "async_mutex" => depositors(case, |account| Box::pin(mutex_deposit(account)), true),
        "wrong_split_lock" => depositors(case, |account| Box::pin(wrong_split_lock(account)), true),
        "wrong_check_after" => depositors(case, |account| Box::pin(wrong_check_after(account)), true),
        "wrong_unawaited" => depositors(case, fixes.deposit, false),
        "owner" => {
            let start = start_of(case);
            let owner = fixes.owner;
            let (tasks, deposits) = (depositors_beside_one(case), case.iters);
            task::block_on(async move {
                let account = Account::new(start);
                owner(Rc::clone(&account), tasks, deposits).await;
                state_of(&account, start).with("made", tasks as u64 * deposits)
            })
        }
        "offload" => statement(case, fixes.post),
        "blocking" => statement(case, |s| Box::pin(blocking_post(s))),
        _ => return None,
    };
    Some(state)
}

/// The depositors of a case that has one more task (the owner, the statement's
/// poster). Explored (loom, the stepper): `threads − 1`, at least 1 — the checker
/// explores at most three of its threads at once here (the main task and two
/// others), so a case of 2 is one depositor beside the other task. On real
/// threads: `threads` depositors, so `run 9 --variant owner` makes the deposits
/// its header promises (threads × iters).
pub fn depositors_beside_one(case: &Case) -> usize {
    if self::sync::EXPLORED { case.threads.saturating_sub(1).max(1) } else { case.threads }
}

/// Part 2: the case's depositor tasks run while one more task posts a statement
/// with `post`; a blocking call on the executor's thread is counted as a stall.
fn statement(case: &Case, post: fn(u64) -> Task<u64>) -> State {
    let start = start_of(case);
    let statement = case.param("statement").unwrap_or(start);
    let (tasks, deposits) = (depositors_beside_one(case), case.iters);
    task::block_on(async move {
        let account = Account::new(start);
        let poster = task::spawn(post(statement));
        let handles: Vec<_> = (0..tasks)
            .map(|_| {
                let account = Rc::clone(&account);
                task::spawn(async move {
                    for _ in 0..deposits {
                        solution::deposit(Rc::clone(&account)).await;
                    }
                })
            })
            .collect();
        for handle in handles {
            handle.await.expect("a depositor task failed");
        }
        let posted = poster.await.expect("the statement task failed");
        let state = state_of(&account, start).with("made", tasks as u64 * deposits);
        if posted == mix(statement) { state } else { state.with("checksum", posted).with("due", mix(statement)) }
    })
}
