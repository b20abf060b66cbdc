//! The stepper's backend: shuttle's threads, with the learner as the scheduler.
//!
//! [shuttle](https://docs.rs/shuttle) runs the lab code on its own simulated
//! threads and asks a [`Scheduler`](shuttle::scheduler::Scheduler) which
//! thread moves at every shared-memory operation. racelab's scheduler
//! ([`crate::stepper`]) asks the learner. The types here are shuttle's,
//! wrapped like the [`model`](super::model) backend's: before each operation
//! the thread announces it (so the screen can show every thread's next step
//! and its line), and after it the operation is written to the trace.
//!
//! shuttle treats every atomic as sequentially consistent: a load always reads
//! the latest store. The stepper therefore never shows a stale read; loom's
//! model does (`racelab check`), and the stepper says so when a loom schedule
//! depends on one.
//!
//! # Examples
//!
//! ```
//! use racelab::sync::step::atomic::{AtomicU64, Ordering};
//!
//! shuttle::check_random(|| {
//!     let counter = AtomicU64::new(0);
//!     counter.fetch_add(1, Ordering::Relaxed);
//!     assert_eq!(counter.load(Ordering::Relaxed), 1);
//! }, 1);
//! ```

use crate::trace::{self, Op};
use std::fmt::Debug;
use std::ops::{Deref, DerefMut};
use std::panic::Location;
use std::sync::{LockResult, PoisonError, TryLockError, TryLockResult};

pub use shuttle::thread;
pub use std::sync::Arc;

/// shuttle's number for the running task (0 is the main thread).
fn current_thread() -> usize {
    usize::from(shuttle::current::me())
}

/// Announces the operation the running thread is about to perform.
fn before(op: &'static str, location: &'static Location<'static>) {
    trace::set_pending(current_thread(), op, location);
}

/// Announces an operation that will write `value` (the stepper shows `store 1`).
fn before_writing(op: &'static str, value: u64, location: &'static Location<'static>) {
    trace::set_pending_write(current_thread(), op, value, location);
}

/// Announces a `lock` of the mutex at `addr`: a thread whose mutex is held waits, and the
/// stepper does not offer it as a move.
fn before_lock(addr: usize, location: &'static Location<'static>) {
    trace::set_pending_on(current_thread(), "lock", Some(addr), location);
}

/// Records one operation on the shared object at `addr`.
fn record(addr: usize, init: &str, op: Op, location: &'static Location<'static>) {
    let me = shuttle::thread::current();
    // shuttle calls the main thread "main-thread"; schedules call it `main`, as loom's do.
    let name = me.name().filter(|name| !name.starts_with("main"));
    trace::record_named(current_thread(), name, addr, init, op, location);
}

/// Atomic integers and flags over shuttle's, announced and traced.
pub mod atomic {
    use super::{Location, Op, before, before_writing, current_thread, record};
    use crate::sync::traced::{Traced, traced_common, traced_int};
    use crate::trace;
    /// A memory fence, as the model checks it (std's own would be invisible to it).
    pub use shuttle::sync::atomic::fence;
    pub use std::sync::atomic::Ordering;

    traced_int!(
        /// shuttle's `AtomicU64`, traced.
        AtomicU64, u64, shuttle::sync::atomic::AtomicU64
    );
    traced_int!(
        /// shuttle's `AtomicU32`, traced.
        AtomicU32, u32, shuttle::sync::atomic::AtomicU32
    );
    traced_int!(
        /// shuttle's `AtomicUsize`, traced.
        AtomicUsize, usize, shuttle::sync::atomic::AtomicUsize
    );
    traced_int!(
        /// shuttle's `AtomicI64`, traced (negative values show as their bits).
        AtomicI64, i64, shuttle::sync::atomic::AtomicI64
    );
    traced_int!(
        /// shuttle's `AtomicI32`, traced (negative values show as their bits).
        AtomicI32, i32, shuttle::sync::atomic::AtomicI32
    );
    traced_int!(
        /// shuttle's `AtomicIsize`, traced (negative values show as their bits).
        AtomicIsize, isize, shuttle::sync::atomic::AtomicIsize
    );

    /// shuttle's `AtomicBool`, traced (values shown as 0 and 1).
    #[derive(Debug)]
    pub struct AtomicBool {
        inner: shuttle::sync::atomic::AtomicBool,
        init: bool,
    }

    traced_common!(AtomicBool, bool, shuttle::sync::atomic::AtomicBool);

    impl AtomicBool {
        /// Creates a new atomic flag.
        pub fn new(value: bool) -> Self {
            Self { inner: shuttle::sync::atomic::AtomicBool::new(value), init: value }
        }
    }
}

/// shuttle's mutex, with `lock`, `try_lock` and the unlock announced and traced.
#[derive(Debug, Default)]
pub struct Mutex<T> {
    inner: shuttle::sync::Mutex<T>,
}

/// The guard of a [`Mutex`]; dropping it is a step of its own (the unlock).
pub struct MutexGuard<'a, T: Debug> {
    inner: Option<shuttle::sync::MutexGuard<'a, T>>,
    addr: usize,
    location: &'static Location<'static>,
    /// Whether the holder wrote through the guard.
    wrote: bool,
}

impl<T> Mutex<T> {
    /// Creates an unlocked mutex.
    pub fn new(value: T) -> Self {
        Mutex { inner: shuttle::sync::Mutex::new(value) }
    }

    /// Acquires the lock; a thread that finds it taken waits (and cannot be picked).
    #[track_caller]
    pub fn lock(&self) -> LockResult<MutexGuard<'_, T>>
    where
        T: Debug,
    {
        let location = Location::caller();
        before_lock(self.addr(), location);
        match self.inner.lock() {
            Ok(guard) => Ok(self.guard(guard, location)),
            Err(poisoned) => Err(PoisonError::new(self.guard(poisoned.into_inner(), location))),
        }
    }

    /// Acquires the lock if it is free right now.
    #[track_caller]
    pub fn try_lock(&self) -> TryLockResult<MutexGuard<'_, T>>
    where
        T: Debug,
    {
        let location = Location::caller();
        before("try_lock", location);
        match self.inner.try_lock() {
            Ok(guard) => Ok(self.guard(guard, location)),
            Err(TryLockError::WouldBlock) => {
                record(self.addr(), "", Op::TryLockBusy, location);
                Err(TryLockError::WouldBlock)
            }
            Err(TryLockError::Poisoned(p)) => {
                Err(TryLockError::Poisoned(PoisonError::new(self.guard(p.into_inner(), location))))
            }
        }
    }

    /// Consumes the mutex and returns the value.
    pub fn into_inner(self) -> LockResult<T> {
        self.inner.into_inner()
    }

    /// Whether a thread panicked while holding the lock (never, while stepping).
    pub fn is_poisoned(&self) -> bool {
        false
    }

    fn addr(&self) -> usize {
        self as *const Self as usize
    }

    fn guard<'a>(
        &'a self,
        inner: shuttle::sync::MutexGuard<'a, T>,
        location: &'static Location<'static>,
    ) -> MutexGuard<'a, T>
    where
        T: Debug,
    {
        record(self.addr(), "", Op::Lock { holds: format!("{:?}", *inner) }, location);
        MutexGuard { inner: Some(inner), addr: self.addr(), location, wrote: false }
    }
}

impl<'a, T: Debug> MutexGuard<'a, T> {
    /// `parking_lot`'s fair unlock: here, an ordinary unlock.
    pub fn unlock_fair(guard: Self) {
        drop(guard);
    }
}

impl<T: Debug> Deref for MutexGuard<'_, T> {
    type Target = T;
    fn deref(&self) -> &T {
        self.inner.as_deref().expect("the guard is held until dropped")
    }
}

impl<T: Debug> DerefMut for MutexGuard<'_, T> {
    fn deref_mut(&mut self) -> &mut T {
        self.wrote = true;
        self.inner.as_deref_mut().expect("the guard is held until dropped")
    }
}

impl<T: Debug> Drop for MutexGuard<'_, T> {
    fn drop(&mut self) {
        let Some(inner) = self.inner.take() else { return };
        if std::thread::panicking() {
            drop(inner);
            return;
        }
        // The unlock is a step the learner picks, like any other operation.
        before("unlock", self.location);
        shuttle::thread::yield_now();
        record(self.addr, "", Op::Unlock { leaves: format!("{:?}", *inner), wrote: self.wrote }, self.location);
        drop(inner);
    }
}

/// `parking_lot`'s API (no poisoning) over shuttle's mutex.
pub mod parking_lot {
    crate::sync::traced::parking_lot_api!();
}

/// Channels (crossbeam's API) over shuttle's mutex and condition variable:
/// every send, receive, wait and hang-up is a step the learner picks.
pub mod channel {
    use super::{Location, Op, before, current_thread, record};
    use crate::trace;
    use shuttle::sync::atomic::AtomicUsize as RawAtomicUsize;
    use shuttle::sync::{Condvar, Mutex};
    use std::sync::Arc;

    /// One wait's parking spot. shuttle's own `park` may wake spuriously, and a
    /// thread that could wake at any moment would be offered to the learner at
    /// every move; a flag under shuttle's mutex and condition variable cannot.
    #[derive(Clone)]
    struct Handle(Arc<(Mutex<bool>, Condvar)>);

    impl Handle {
        fn unpark(&self) {
            let (woken, wake) = &*self.0;
            *woken.lock().unwrap_or_else(PoisonError::into_inner) = true;
            wake.notify_all();
        }
    }

    /// A fresh parking spot for the running thread's next wait.
    fn current() -> Handle {
        Handle(Arc::new((Mutex::new(false), Condvar::new())))
    }

    /// Blocks until `me` is unparked.
    fn park(me: &Handle) {
        let (woken, wake) = &*me.0;
        let mut flag = woken.lock().unwrap_or_else(PoisonError::into_inner);
        while !*flag {
            flag = wake.wait(flag).unwrap_or_else(PoisonError::into_inner);
        }
    }

    /// A thread that polls an empty channel lets the others move.
    fn spin() {
        shuttle::thread::yield_now();
    }

    crate::sync::traced::channel_api!();
}

/// Plain memory: a data race is not stepped (it is undefined behaviour); loom checks it.
pub mod cell {
    pub use super::super::real::cell::UnsafeCell;
    /// std's `Cell` for tasks on one thread, its `get` and `set` traced (lab 09).
    pub use super::task::{Cell, peek};
}

/// Tasks on one thread (lab 09): at every `.await` the learner picks the task that runs next.
pub mod task {
    use super::{before, current_thread, record};
    use shuttle::sync::{Condvar as RawCondvar, Mutex as RawMutex, MutexGuard as RawGuard};

    /// Starts one of shuttle's threads for a task or a blocking call.
    fn raw_spawn(name: String, f: impl FnOnce() + Send + 'static) {
        shuttle::thread::Builder::new().name(name).spawn(f).expect("shuttle starts its threads");
    }

    /// Lets shuttle run another thread.
    fn yield_thread() {
        shuttle::thread::yield_now();
    }

    include!("tasks.rs");
}

/// Hints to the scheduler.
pub mod hint {
    /// A thread that spins lets others move: when stepping, a yield point.
    pub fn spin_loop() {
        shuttle::thread::yield_now();
    }
}

/// Waiting on I/O: nothing here, the learner decides who runs meanwhile.
pub fn wait_for_io() {}

/// Whether this backend explores schedules (small cases) rather than runs
/// one at full size. The stepper: the learner picks every step, at the small sizes of the model.
pub const EXPLORED: bool = true;

/// An observer looks once per step the learner gives it.
pub const OBSERVER_LOOKS: u64 = 1;

/// The real backend's start barrier; a no-op here, since the learner picks who starts.
#[derive(Debug)]
pub struct StartLine;

impl StartLine {
    /// A start line for `threads` threads (ignored when stepping).
    pub fn new(_threads: usize) -> Self {
        StartLine
    }

    /// Returns at once: the race goes ahead.
    pub fn wait(&self) -> bool {
        true
    }

    /// Nothing to release.
    pub fn abandon(&self) {}
}

/// A value alone on its cache line (`crossbeam_utils::CachePadded`), so two
/// threads writing neighbouring values do not fight over one line (lab 06).
/// Padding is layout only: the same type serves every backend.
pub use crossbeam::utils::CachePadded;

/// Lab 07's GIL: 0 means "the running thread may lose the GIL at every switch
/// point"; the learner picks who takes it there.
pub const GIL_SWITCH_INTERVAL: u64 = 0;

/// Lab 07's blocking I/O: nothing to wait for in the model; the GIL is
/// released and retaken around it, which is where other threads get in.
pub fn block_for(_d: std::time::Duration) {}
