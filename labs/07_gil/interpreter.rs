// Lab 07's model of CPython: bytecodes, the GIL and its switch policies,
// the user's lock, and the interpreter loop that runs one thread. Included
// once per backend (inside `reference.rs`), like the rest of the lab's code.

use super::sync::atomic::{AtomicU64, AtomicUsize, Ordering::Relaxed};
use super::sync::{GIL_SWITCH_INTERVAL, Mutex, MutexGuard, block_for, parking_lot};
use std::time::Duration;

// ---------------------------------------------------------------------------
// The bytecode
// ---------------------------------------------------------------------------

/// One bytecode instruction of the model interpreter.
///
/// A thread has a value stack; `count` is the one global variable.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Op {
    /// Push the global `count` (`LOAD_GLOBAL count`).
    Load,
    /// Pop a value, push it plus a constant (`LOAD_CONST k; BINARY_OP +`).
    AddConst(u64),
    /// Call `one()` and push what it returns, 1. Entering a function is a
    /// switch point under both policies.
    Call,
    /// Pop two values, push their sum (`BINARY_OP +`).
    Add,
    /// Pop a value into the global `count` (`STORE_GLOBAL count`).
    Store,
    /// Add a constant to `count` inside ONE instruction (a C-level in-place
    /// add, like `itertools.count`'s `next()`): no switch point inside it.
    InplaceAdd(u64),
    /// `lock.acquire()` on the user's lock (a `threading.Lock`).
    LockUser,
    /// `lock.release()`.
    UnlockUser,
    /// A blocking read: release the GIL, wait, retake the GIL.
    Io,
    /// The loop's jump back to its start: a switch point under both policies.
    /// The interpreter adds one after every iteration of a program.
    JumpBack,
}

/// Where the running thread may hand the GIL to another thread.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Policy {
    /// Before any instruction (CPython before 3.10, roughly: a "check
    /// interval" of instructions, and most instructions could switch).
    EveryInstruction,
    /// Only on entering a call and on a loop's back-edge (CPython 3.10+).
    CallsAndBackEdges,
}

impl Policy {
    /// `true` when the running thread may lose the GIL just before `op`.
    pub fn may_switch_before(self, op: Op) -> bool {
        match self {
            Policy::EveryInstruction => true,
            Policy::CallsAndBackEdges => matches!(op, Op::Call | Op::JumpBack),
        }
    }
}

/// `count += 1`: load, add, store.
pub fn plus_one() -> Vec<Op> {
    vec![Op::Load, Op::AddConst(1), Op::Store]
}

/// `count += one()`: load, call, add, store — the call is a switch point.
pub fn plus_call() -> Vec<Op> {
    vec![Op::Load, Op::Call, Op::Add, Op::Store]
}

/// One in-place add instruction: the whole `+=` inside one bytecode.
pub fn inplace() -> Vec<Op> {
    vec![Op::InplaceAdd(1)]
}

// ---------------------------------------------------------------------------
// The GIL and the user's lock
// ---------------------------------------------------------------------------

/// What the GIL protects: the interpreter (shown as such in schedules).
#[derive(Default)]
pub struct Interpreter;

impl std::fmt::Debug for Interpreter {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("the interpreter")
    }
}

/// The global interpreter lock: a `parking_lot` mutex, handed over fairly.
#[derive(Debug, Default)]
pub struct Gil {
    lock: parking_lot::Mutex<Interpreter>,
    /// Threads blocked waiting for the GIL (real threads only: under loom
    /// every switch point is a hand-over loom may take).
    waiting: AtomicUsize,
}

/// Holding the GIL.
pub type GilGuard<'a> = parking_lot::MutexGuard<'a, Interpreter>;

impl Gil {
    /// Takes the GIL, waiting for it if another thread holds it.
    fn acquire(&self) -> GilGuard<'_> {
        if GIL_SWITCH_INTERVAL == 0 {
            return self.lock.lock();
        }
        if let Some(held) = self.lock.try_lock() {
            return held;
        }
        // Tell the holder someone waits: it will hand over at its next switch point.
        self.waiting.fetch_add(1, Relaxed);
        let held = self.lock.lock();
        self.waiting.fetch_sub(1, Relaxed);
        held
    }
}

/// The user's lock, a `threading.Lock`: std's mutex or `parking_lot`'s.
#[derive(Debug)]
pub enum UserLock {
    /// A `std::sync::Mutex`.
    Std(Mutex<()>),
    /// A `parking_lot::Mutex`.
    ParkingLot(parking_lot::Mutex<()>),
}

/// Holding the user's lock; dropping it releases the lock.
pub enum UserGuard<'a> {
    /// std's guard.
    Std(MutexGuard<'a, ()>),
    /// `parking_lot`'s guard.
    ParkingLot(parking_lot::MutexGuard<'a, ()>),
}

impl UserLock {
    /// Blocks until this thread holds the lock. It does *not* touch the GIL:
    /// a thread that blocks here while holding the GIL stops every thread.
    #[track_caller]
    pub fn lock(&self) -> UserGuard<'_> {
        match self {
            UserLock::Std(m) => UserGuard::Std(m.lock().unwrap_or_else(std::sync::PoisonError::into_inner)),
            UserLock::ParkingLot(m) => UserGuard::ParkingLot(m.lock()),
        }
    }

    /// Takes the lock if it is free right now (`lock.acquire(blocking=False)`).
    #[track_caller]
    pub fn try_lock(&self) -> Option<UserGuard<'_>> {
        match self {
            UserLock::Std(m) => m.try_lock().ok().map(UserGuard::Std),
            UserLock::ParkingLot(m) => m.try_lock().map(UserGuard::ParkingLot),
        }
    }
}

/// How `Op::LockUser` waits for the user's lock (exercise `acquire`).
pub type Acquire = for<'a> fn(&mut PyThread<'a>, &'a UserLock) -> UserGuard<'a>;

// ---------------------------------------------------------------------------
// The interpreter
// ---------------------------------------------------------------------------

/// One Python thread: whether it holds the GIL, its value stack, its lock.
pub struct PyThread<'a> {
    gil: &'a Gil,
    held: Option<GilGuard<'a>>,
    user: Option<UserGuard<'a>>,
    policy: Policy,
    stack: Vec<u64>,
    /// Whether this thread has touched shared state (`count`, the user's
    /// lock) since it last took the GIL. A switch point before that is
    /// skipped: handing the GIL over when only private steps (the value
    /// stack) ran since taking it cannot change any outcome — those steps
    /// commute with everything the other threads do — and loom would
    /// explore every such hand-over all the same.
    touched: bool,
    /// Whether the user's lock it holds was taken in an earlier run of the
    /// program (the program never released it): said so when it is taken again.
    held_from_last_run: bool,
    /// Instructions left before this thread offers the GIL (real threads).
    budget: u64,
    /// A little randomness for the interval, so that hand-overs do not always
    /// fall on the same instruction of a loop.
    seed: u64,
}

impl<'a> PyThread<'a> {
    /// A new Python thread (number `me`), holding the GIL.
    pub fn start(gil: &'a Gil, policy: Policy, me: usize) -> PyThread<'a> {
        let mut thread = PyThread {
            gil,
            held: None,
            user: None,
            policy,
            stack: Vec::new(),
            touched: false,
            held_from_last_run: false,
            budget: GIL_SWITCH_INTERVAL,
            seed: 0x9E37_79B9_7F4A_7C15 ^ (me as u64 + 1),
        };
        thread.take_gil();
        thread
    }

    /// Takes the GIL (waiting for it). Panics if this thread holds it already.
    #[track_caller]
    pub fn take_gil(&mut self) {
        assert!(self.held.is_none(), "this thread already holds the GIL: taking it again waits for itself forever");
        self.held = Some(self.gil.acquire());
        self.touched = false;
    }

    /// Releases the GIL, so other threads can run bytecode (while this one blocks).
    #[track_caller]
    pub fn release_gil(&mut self) {
        let held = self.held.take().expect("this thread does not hold the GIL: there is nothing to release");
        drop(held);
    }

    /// `true` while this thread holds the GIL.
    pub fn holds_gil(&self) -> bool {
        self.held.is_some()
    }

    /// A switch point: hand the GIL to a waiting thread and queue for it again.
    fn switch_point(&mut self) {
        if GIL_SWITCH_INTERVAL != 0 {
            if self.budget > 0 {
                return;
            }
            self.seed ^= self.seed << 13;
            self.seed ^= self.seed >> 7;
            self.seed ^= self.seed << 17;
            self.budget = GIL_SWITCH_INTERVAL + self.seed % 8;
            if self.gil.waiting.load(Relaxed) == 0 {
                return;
            }
        }
        if let Some(held) = self.held.take() {
            // A fair unlock hands the GIL straight to a waiting thread, as CPython forces a switch.
            parking_lot::MutexGuard::unlock_fair(held);
        }
        self.take_gil();
    }

    fn pop(&mut self, op: Op) -> u64 {
        self.stack.pop().unwrap_or_else(|| panic!("`{op:?}` found the value stack empty: the program is not valid"))
    }

    /// Runs one instruction (after the switch point before it, if the policy has one).
    #[track_caller]
    pub fn exec(&mut self, op: Op, shared: &'a Shared, acquire: Acquire) {
        if self.policy.may_switch_before(op) && self.touched {
            self.switch_point();
        }
        self.touched |= matches!(op, Op::Load | Op::Store | Op::InplaceAdd(_) | Op::LockUser | Op::UnlockUser);
        self.budget = self.budget.saturating_sub(1);
        assert!(self.held.is_some(), "bytecode `{op:?}` ran without the GIL: the interpreter's memory is unprotected");
        match op {
            Op::Load => self.stack.push(shared.count.load(Relaxed)),
            Op::AddConst(k) => {
                let value = self.pop(op);
                self.stack.push(value.wrapping_add(k));
            }
            Op::Call => self.stack.push(1),
            Op::Add => {
                let (b, a) = (self.pop(op), self.pop(op));
                self.stack.push(a.wrapping_add(b));
            }
            Op::Store => {
                let value = self.pop(op);
                shared.count.store(value, Relaxed);
            }
            Op::InplaceAdd(k) => {
                // One instruction: the GIL is held from the load to the store.
                let value = shared.count.load(Relaxed);
                shared.count.store(value.wrapping_add(k), Relaxed);
            }
            Op::LockUser => {
                let why = if self.held_from_last_run {
                    "the program's previous run took it and never released it"
                } else {
                    "the program takes it twice"
                };
                assert!(
                    self.user.is_none(),
                    "`lock.acquire()` by the thread that holds the lock ({why}): a `threading.Lock` waits for \
                     itself forever"
                );
                let guard = acquire(self, &shared.lock);
                assert!(self.held.is_some(), "`lock.acquire()` returned without the GIL: no bytecode can run after it");
                self.user = Some(guard);
            }
            Op::UnlockUser => {
                self.held_from_last_run = false;
                let guard = self.user.take();
                assert!(guard.is_some(), "`lock.release()` of a lock this thread does not hold (RuntimeError)");
                drop(guard);
            }
            Op::Io => {
                self.release_gil();
                block_for(shared.io);
                self.take_gil();
            }
            Op::JumpBack => self.held_from_last_run = self.user.is_some(),
        }
    }

    /// Runs `body` `iters` times, with a back-edge between iterations.
    ///
    /// The back-edge after the last iteration leaves the loop; the model has
    /// no switch point there, since a hand-over with nothing left to run
    /// changes nothing (and loom would explore it all the same).
    pub fn run(&mut self, shared: &'a Shared, body: &[Op], iters: u64, acquire: Acquire) {
        for i in 0..iters {
            if i > 0 {
                self.exec(Op::JumpBack, shared, acquire);
            }
            for &op in body {
                self.exec(op, shared, acquire);
            }
        }
    }

    /// Runs `body` `iters` more times after an earlier run: each starts with the loop's jump back.
    fn run_more(&mut self, shared: &'a Shared, body: &[Op], iters: u64, acquire: Acquire) {
        for _ in 0..iters {
            self.exec(Op::JumpBack, shared, acquire);
            for &op in body {
                self.exec(op, shared, acquire);
            }
        }
    }

    /// The thread ends: it releases the GIL. Ending while holding the user's
    /// lock would leave every thread that waits for it waiting forever.
    pub fn finish(mut self) {
        assert!(
            self.user.is_none(),
            "a thread ended still holding the lock: every thread that waits for it waits forever"
        );
        assert!(self.stack.is_empty(), "a thread ended with {:?} left on its value stack", self.stack);
        self.held = None;
    }
}

/// What the Python threads share: the interpreter's GIL, the global `count`,
/// the user's lock, and how long a blocking read takes.
#[derive(Debug)]
// In declaration order in memory: schedules name locks by their addresses, so the
// GIL must come before the user's lock to be called `gil` (and it, `lock`).
#[repr(C)]
pub struct Shared {
    /// The GIL.
    pub gil: Gil,
    /// The global variable `count`.
    pub count: AtomicU64,
    /// The user's `threading.Lock`.
    pub lock: UserLock,
    /// How long `Op::Io` blocks (real threads).
    pub io: Duration,
}

impl Shared {
    /// A fresh interpreter with `count = start` and the given user lock.
    pub fn new(start: u64, lock: UserLock) -> Shared {
        Shared { gil: Gil::default(), count: AtomicU64::new(start), lock, io: Duration::ZERO }
    }

    /// A fresh interpreter whose user lock is a std mutex.
    pub fn with_std_lock(start: u64) -> Shared {
        Shared::new(start, UserLock::Std(Mutex::new(())))
    }
}

/// Runs `body` `iters` times in an interpreter of its own (its own GIL, its
/// own `count`): what one worker process does. Returns its `count`.
pub fn run_alone(body: &[Op], iters: u64) -> u64 {
    let shared = Shared::with_std_lock(0);
    let mut thread = PyThread::start(&shared.gil, Policy::CallsAndBackEdges, 0);
    if FAST_FORWARD.with(std::cell::Cell::get) && iters > 2 {
        thread.run(&shared, body, 1, alone);
        let once = shared.count.load(Relaxed);
        let first_clean = thread.stack.is_empty() && thread.user.is_none();
        thread.exec(Op::JumpBack, &shared, alone);
        for &op in body {
            thread.exec(op, &shared, alone);
        }
        let twice = shared.count.load(Relaxed);
        // Every bytecode computes values affine in `count` (x -> a*x + b, mod 2^64). With
        // the stack empty after each run of the body, the first run gives b; if the second
        // gave 2b, then b*(a-1) = 0 and n runs give n*b exactly.
        let clean = first_clean && thread.stack.is_empty() && thread.user.is_none();
        if clean && twice == once.wrapping_mul(2) {
            shared.count.store(once.wrapping_mul(iters), Relaxed);
        } else {
            thread.run_more(&shared, body, iters - 2, alone);
        }
    } else {
        thread.run(&shared, body, iters, alone);
    }
    thread.finish();
    shared.count.load(Relaxed)
}

thread_local! {
    /// Set while the judge checks a `worker` on one thread (see [`fast_forward`]).
    static FAST_FORWARD: std::cell::Cell<bool> = const { std::cell::Cell::new(false) };
}

/// Runs `f` with [`run_alone`] computing a long run from its first two runs of
/// the program when they show how each run changes `count` (the same `+b` each
/// time, nothing left on the stack or locked): the judge gives a learner's
/// `worker` jobs past 2^32, three interpreted bytecodes each, which would
/// otherwise take minutes. Only the judge calls it; `run 7` and `bench 7`
/// interpret every bytecode.
pub fn fast_forward<R>(f: impl FnOnce() -> R) -> R {
    struct Reset;
    impl Drop for Reset {
        fn drop(&mut self) {
            FAST_FORWARD.with(|on| on.set(false));
        }
    }
    FAST_FORWARD.with(|on| on.set(true));
    let _reset = Reset;
    f()
}

/// How a thread alone in its interpreter takes the user's lock: no other
/// thread can hold it, so waiting for it with the GIL held cannot stop anyone.
fn alone<'a>(_thread: &mut PyThread<'a>, lock: &'a UserLock) -> UserGuard<'a> {
    lock.lock()
}
