//! loom's model threads, with every shared-memory operation written to a trace.
//!
//! Inside [`loom::model`] the lab code runs on loom's simulated threads, and
//! loom replays it once for every distinct interleaving. The types here are
//! loom's, wrapped so that each operation (load, store, `fetch_add`, lock, …)
//! is appended to [`crate::check::trace`] together with the thread that did
//! it, the value it read or wrote and the source line (`#[track_caller]`).
//! When loom finds a bad interleaving, that trace is the schedule the learner
//! reads.
//!
//! Two deliberate differences from loom's defaults:
//!
//! * [`Arc`] is `std::sync::Arc`. loom's own `Arc` makes every reference-count
//!   change a scheduling point, multiplying the executions 3–15× for no
//!   lesson, and a deadlock inside a loom `Arc` aborts the whole test binary.
//! * [`parking_lot::Mutex`] is loom's mutex behind `parking_lot`'s
//!   poison-free `lock()`; loom has no `parking_lot` of its own.
//!
//! Values held by a [`Mutex`] are shown in the trace with `Debug`, so
//! [`Mutex::lock`] asks for `T: Debug` (std's does not).
//!
//! # Examples
//!
//! ```
//! use racelab::sync::model::atomic::{AtomicU64, Ordering};
//!
//! loom::model(|| {
//!     let counter = AtomicU64::new(0);
//!     counter.fetch_add(1, Ordering::Relaxed);
//!     assert_eq!(counter.load(Ordering::Relaxed), 1);
//! });
//! ```

use crate::check::trace::{self, Op};
use std::fmt::Debug;
use std::ops::{Deref, DerefMut};
use std::panic::Location;
use std::sync::{LockResult, PoisonError, TryLockError, TryLockResult};

pub use loom::thread;
pub use std::sync::Arc;

/// The number loom gives the running model thread (0 is the model's main thread).
fn current_thread() -> usize {
    // loom's ThreadId prints as `ThreadId(N)` and has no accessor for N.
    let id = format!("{:?}", loom::thread::current().id());
    id.trim_start_matches("ThreadId(").trim_end_matches(')').parse().unwrap_or(usize::MAX)
}

/// Records one operation on the shared object at `addr`.
fn record(addr: usize, init: &str, op: Op, location: &'static Location<'static>) {
    let me = loom::thread::current();
    trace::record_named(current_thread(), me.name(), addr, init, op, location);
}

/// Atomic integers that record every operation, and std's `Ordering`.
pub mod atomic {
    use super::{Location, Op, record};
    pub use std::sync::atomic::Ordering;

    macro_rules! traced_atomic {
        ($(#[$doc:meta])* $name:ident, $int:ty) => {
            $(#[$doc])*
            #[derive(Debug)]
            pub struct $name {
                inner: loom::sync::atomic::$name,
                init: $int,
            }

            impl $name {
                /// Creates a new atomic integer.
                pub fn new(value: $int) -> Self {
                    Self { inner: loom::sync::atomic::$name::new(value), init: value }
                }

                fn note(&self, op: Op, location: &'static Location<'static>) {
                    record(self as *const Self as usize, &self.init.to_string(), op, location);
                }

                /// Records a read-modify-write that replaced `old` with `new`; returns `old`.
                fn rmw(&self, name: &'static str, old: $int, new: $int, location: &'static Location<'static>) -> $int {
                    self.note(Op::Rmw { name, read: old as u64, wrote: new as u64 }, location);
                    old
                }

                /// Loads the value (traced).
                #[track_caller]
                pub fn load(&self, order: Ordering) -> $int {
                    let value = self.inner.load(order);
                    self.note(Op::Load { read: value as u64 }, Location::caller());
                    value
                }

                /// Stores a value (traced).
                #[track_caller]
                pub fn store(&self, value: $int, order: Ordering) {
                    self.inner.store(value, order);
                    self.note(Op::Store { wrote: value as u64 }, Location::caller());
                }

                /// Swaps in a value, returning the old one (traced).
                #[track_caller]
                pub fn swap(&self, value: $int, order: Ordering) -> $int {
                    self.rmw("swap", self.inner.swap(value, order), value, Location::caller())
                }

                /// Adds to the value in one indivisible step, returning the old value (traced).
                #[track_caller]
                pub fn fetch_add(&self, value: $int, order: Ordering) -> $int {
                    let old = self.inner.fetch_add(value, order);
                    self.rmw("fetch_add", old, old.wrapping_add(value), Location::caller())
                }

                /// Subtracts from the value in one indivisible step, returning the old value (traced).
                #[track_caller]
                pub fn fetch_sub(&self, value: $int, order: Ordering) -> $int {
                    let old = self.inner.fetch_sub(value, order);
                    self.rmw("fetch_sub", old, old.wrapping_sub(value), Location::caller())
                }

                /// Stores `new` if the value is still `current` (traced).
                #[track_caller]
                pub fn compare_exchange(
                    &self,
                    current: $int,
                    new: $int,
                    success: Ordering,
                    failure: Ordering,
                ) -> Result<$int, $int> {
                    let result = self.inner.compare_exchange(current, new, success, failure);
                    let op = match result {
                        Ok(old) => Op::CasOk { read: old as u64, wrote: new as u64 },
                        Err(seen) => Op::CasFail { read: seen as u64, expected: current as u64 },
                    };
                    self.note(op, Location::caller());
                    result
                }

                /// Like [`compare_exchange`](Self::compare_exchange); loom never fails it spuriously.
                #[track_caller]
                pub fn compare_exchange_weak(
                    &self,
                    current: $int,
                    new: $int,
                    success: Ordering,
                    failure: Ordering,
                ) -> Result<$int, $int> {
                    self.compare_exchange(current, new, success, failure)
                }

                /// Applies `f` with a compare-exchange loop, as std does (each step traced).
                #[track_caller]
                pub fn fetch_update<F>(
                    &self,
                    set_order: Ordering,
                    fetch_order: Ordering,
                    mut f: F,
                ) -> Result<$int, $int>
                where
                    F: FnMut($int) -> Option<$int>,
                {
                    let mut seen = self.load(fetch_order);
                    while let Some(new) = f(seen) {
                        match self.compare_exchange_weak(seen, new, set_order, fetch_order) {
                            Ok(old) => return Ok(old),
                            Err(actual) => seen = actual,
                        }
                    }
                    Err(seen)
                }

                /// Consumes the atomic and returns the value (not traced: nothing is shared any more).
                pub fn into_inner(self) -> $int {
                    self.inner.into_inner()
                }
            }

            impl Default for $name {
                fn default() -> Self {
                    Self::new(0)
                }
            }
        };
    }

    traced_atomic!(
        /// loom's `AtomicU64`, traced.
        AtomicU64, u64
    );
    traced_atomic!(
        /// loom's `AtomicUsize`, traced.
        AtomicUsize, usize
    );

    /// loom's `AtomicBool`, traced (values shown as 0 and 1).
    #[derive(Debug)]
    pub struct AtomicBool {
        inner: loom::sync::atomic::AtomicBool,
        init: bool,
    }

    impl AtomicBool {
        /// Creates a new atomic flag.
        pub fn new(value: bool) -> Self {
            Self { inner: loom::sync::atomic::AtomicBool::new(value), init: value }
        }

        fn note(&self, op: Op, location: &'static Location<'static>) {
            record(self as *const Self as usize, &u64::from(self.init).to_string(), op, location);
        }

        /// Loads the flag (traced).
        #[track_caller]
        pub fn load(&self, order: Ordering) -> bool {
            let value = self.inner.load(order);
            self.note(Op::Load { read: value.into() }, Location::caller());
            value
        }

        /// Stores the flag (traced).
        #[track_caller]
        pub fn store(&self, value: bool, order: Ordering) {
            self.inner.store(value, order);
            self.note(Op::Store { wrote: value.into() }, Location::caller());
        }

        /// Swaps in a value, returning the old one (traced).
        #[track_caller]
        pub fn swap(&self, value: bool, order: Ordering) -> bool {
            let old = self.inner.swap(value, order);
            self.note(Op::Rmw { name: "swap", read: old.into(), wrote: value.into() }, Location::caller());
            old
        }
    }
}

/// loom's mutex, with `lock` and `unlock` traced (std's poisoning API).
#[derive(Debug, Default)]
pub struct Mutex<T> {
    inner: loom::sync::Mutex<T>,
}

/// The guard of a [`Mutex`]; dropping it records the unlock.
pub struct MutexGuard<'a, T: Debug> {
    inner: loom::sync::MutexGuard<'a, T>,
    addr: usize,
    location: &'static Location<'static>,
}

impl<T> Mutex<T> {
    /// Creates an unlocked mutex.
    pub fn new(value: T) -> Self {
        Mutex { inner: loom::sync::Mutex::new(value) }
    }

    /// Acquires the lock, blocking (in the model) until it is free.
    #[track_caller]
    pub fn lock(&self) -> LockResult<MutexGuard<'_, T>>
    where
        T: Debug,
    {
        let location = Location::caller();
        // If loom finds every thread blocked, this says who waited where.
        trace::wait_begin(current_thread(), self.addr(), location);
        let result = self.inner.lock();
        trace::wait_end(current_thread(), self.addr());
        match result {
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

    fn addr(&self) -> usize {
        self as *const Self as usize
    }

    fn guard<'a>(
        &'a self,
        inner: loom::sync::MutexGuard<'a, T>,
        location: &'static Location<'static>,
    ) -> MutexGuard<'a, T>
    where
        T: Debug,
    {
        let holds = format!("{:?}", *inner);
        record(self.addr(), "", Op::Lock { holds }, location);
        MutexGuard { inner, addr: self.addr(), location }
    }
}

impl<T: Debug> Deref for MutexGuard<'_, T> {
    type Target = T;
    fn deref(&self) -> &T {
        &self.inner
    }
}

impl<T: Debug> DerefMut for MutexGuard<'_, T> {
    fn deref_mut(&mut self) -> &mut T {
        &mut self.inner
    }
}

impl<T: Debug> Drop for MutexGuard<'_, T> {
    fn drop(&mut self) {
        // The unlock itself happens just after this, when `inner` is dropped.
        let leaves = format!("{:?}", *self.inner);
        record(self.addr, "", Op::Unlock { leaves }, self.location);
    }
}

/// `parking_lot`'s API (no poisoning) over loom's mutex.
pub mod parking_lot {
    use std::fmt::Debug;

    /// A mutex whose `lock()` returns the guard directly, like `parking_lot`'s.
    #[derive(Debug, Default)]
    pub struct Mutex<T>(super::Mutex<T>);

    /// The guard of a `parking_lot`-style [`Mutex`].
    pub type MutexGuard<'a, T> = super::MutexGuard<'a, T>;

    impl<T> Mutex<T> {
        /// Creates an unlocked mutex.
        pub fn new(value: T) -> Self {
            Mutex(super::Mutex::new(value))
        }

        /// Acquires the lock; there is no poisoning to handle.
        #[track_caller]
        pub fn lock(&self) -> MutexGuard<'_, T>
        where
            T: Debug,
        {
            self.0.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
        }

        /// Acquires the lock if it is free right now.
        #[track_caller]
        pub fn try_lock(&self) -> Option<MutexGuard<'_, T>>
        where
            T: Debug,
        {
            self.0.try_lock().ok()
        }

        /// Consumes the mutex and returns the value.
        pub fn into_inner(self) -> T {
            self.0.into_inner().unwrap_or_else(std::sync::PoisonError::into_inner)
        }
    }
}

/// loom's checked `UnsafeCell`: a data race here is reported, not run.
pub mod cell {
    use super::{Location, Op, record};

    /// Plain memory whose every access loom checks for data races.
    #[derive(Debug)]
    pub struct UnsafeCell<T>(loom::cell::UnsafeCell<T>);

    // Safety: sharing the cell is what the data-race lesson needs; loom checks
    // every access through `with`/`with_mut` and panics with "Causality
    // violation" instead of letting two unsynchronised accesses happen.
    unsafe impl<T: Send> Sync for UnsafeCell<T> {}

    impl<T> UnsafeCell<T> {
        /// Wraps a value.
        pub fn new(value: T) -> Self {
            UnsafeCell(loom::cell::UnsafeCell::new(value))
        }

        /// Gives `f` a pointer for writing; loom panics with "Causality
        /// violation" if another thread accesses the cell concurrently.
        #[track_caller]
        pub fn with_mut<R>(&self, f: impl FnOnce(*mut T) -> R) -> R {
            record(self as *const Self as usize, "", Op::CellWrite, Location::caller());
            self.0.with_mut(f)
        }

        /// Gives `f` a pointer for reading; loom checks it as [`with_mut`](Self::with_mut) does.
        #[track_caller]
        pub fn with<R>(&self, f: impl FnOnce(*const T) -> R) -> R {
            record(self as *const Self as usize, "", Op::CellRead, Location::caller());
            self.0.with(f)
        }
    }
}

/// Stands in for waiting on I/O (lab 02's payment). Under loom: nothing; loom already explores every point at which another thread can run.
pub fn wait_for_io() {}

/// How many times an observer thread looks at shared state: once under loom,
/// which already places that one look at every point of every interleaving.
pub const OBSERVER_LOOKS: u64 = 1;

/// The real backend's start barrier; a no-op here, since loom already tries every start order.
#[derive(Debug)]
pub struct StartLine;

impl StartLine {
    /// A start line for `threads` threads (ignored under loom).
    pub fn new(_threads: usize) -> Self {
        StartLine
    }

    /// Returns at once.
    pub fn wait(&self) {}
}
