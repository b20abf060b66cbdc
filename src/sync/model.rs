//! loom's model threads, with every shared-memory operation written to a trace.
//!
//! Inside [`loom::model`](fn@loom::model) the lab code runs on loom's simulated threads, and
//! loom replays it once for every distinct interleaving. The types here are
//! loom's, wrapped so that each operation (load, store, `fetch_add`, lock, …)
//! is appended to [`crate::trace`] together with the thread that did
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

use crate::trace::{self, Op};
use std::fmt::Debug;
use std::mem::ManuallyDrop;
use std::ops::{Deref, DerefMut};
use std::panic::Location;
use std::sync::atomic::Ordering::SeqCst;
use std::sync::{LockResult, PoisonError, TryLockError, TryLockResult};

pub use std::sync::Arc;

/// loom's threads, plus the `thread::scope` loom 0.7 lacks (see [`scoped`]).
pub mod thread {
    pub use super::scoped::{Scope, ScopedJoinHandle, scope};
    pub use loom::thread::*;

    /// `std::thread::sleep` in the model: a point where loom may run any other
    /// thread (as a sleeping thread lets them), and no time passes — loom has
    /// no clock, and a pause changes no outcome, only which thread runs next.
    /// Nothing to let run while the thread is alone in the judge's contended run (see
    /// [`crate::trace::contended_alone`]), as for [`yield_now`]: a `try_lock` loop that
    /// sleeps between tries would otherwise spend one of the run's steps per busy try.
    pub fn sleep(_duration: std::time::Duration) {
        if !crate::trace::contended_alone() {
            loom::thread::yield_now();
        }
    }

    /// Lets loom run another thread; nothing to do while the thread is alone in
    /// the judge's contended run (see [`crate::trace::contended_alone`]).
    pub fn yield_now() {
        if !crate::trace::contended_alone() {
            loom::thread::yield_now();
        }
    }

    /// loom's `spawn`, counted for the judge (see [`crate::trace::spawned`]).
    pub fn spawn<F, T>(f: F) -> JoinHandle<T>
    where
        F: FnOnce() -> T + Send + 'static,
        T: Send + 'static,
    {
        crate::trace::note_spawn();
        JoinHandle(loom::thread::spawn(f))
    }

    /// loom's `JoinHandle`, whose `join` a deadlock report names: `main waits at … for T2
    /// to finish (join)` — the other side of a cycle whose first side is a thread waiting
    /// for a lock or a channel.
    #[derive(Debug)]
    pub struct JoinHandle<T>(loom::thread::JoinHandle<T>);

    impl<T> JoinHandle<T> {
        /// Waits for the thread to finish; `Err` if it panicked.
        #[track_caller]
        pub fn join(self) -> std::thread::Result<T> {
            joining(self.0.thread().id(), std::panic::Location::caller(), || self.0.join())
        }

        /// The thread it joins.
        pub fn thread(&self) -> &Thread {
            self.0.thread()
        }
    }

    /// Runs `join` (of the thread `id`) noted as a wait for that thread, from `location`.
    pub(super) fn joining<R>(
        id: ThreadId,
        location: &'static std::panic::Location<'static>,
        join: impl FnOnce() -> R,
    ) -> R {
        let me = super::waiting_thread();
        let joined = super::thread_number(id);
        crate::trace::wait_begin_join(me, joined, location);
        let result = join();
        crate::trace::wait_end_join(me, joined);
        crate::trace::note_joined();
        result
    }

    /// loom's thread `Builder` (a name for the thread), its handles' `join` named as
    /// [`JoinHandle`]'s is.
    #[derive(Debug)]
    pub struct Builder(loom::thread::Builder);

    impl Builder {
        /// A builder for a thread with no name yet.
        #[allow(clippy::new_without_default, reason = "std's Builder has no Default either")]
        pub fn new() -> Builder {
            Builder(loom::thread::Builder::new())
        }

        /// Names the thread (schedules then call it by that name).
        pub fn name(self, name: String) -> Builder {
            Builder(self.0.name(name))
        }

        /// Sets the thread's stack size.
        pub fn stack_size(self, size: usize) -> Builder {
            Builder(self.0.stack_size(size))
        }

        /// Spawns the thread, counted for the judge as [`spawn`] is.
        pub fn spawn<F, T>(self, f: F) -> std::io::Result<JoinHandle<T>>
        where
            F: FnOnce() -> T + Send + 'static,
            T: Send + 'static,
        {
            crate::trace::note_spawn();
            self.0.spawn(f).map(JoinHandle)
        }
    }
}

/// The number loom gives the running model thread (0 is the model's main thread).
fn current_thread() -> usize {
    thread_number(loom::thread::current().id())
}

/// [`current_thread`], its name noted for a deadlock report: called just before it may block.
fn waiting_thread() -> usize {
    let me = loom::thread::current();
    let number = thread_number(me.id());
    crate::trace::name_waiter(number, me.name());
    number
}

/// The number loom gives the thread `id`.
fn thread_number(id: loom::thread::ThreadId) -> usize {
    /// The digits of what is written to it, as a number (no allocation: this runs at
    /// every traced operation of every execution).
    struct Digits(Option<usize>);
    impl std::fmt::Write for Digits {
        fn write_str(&mut self, s: &str) -> std::fmt::Result {
            for digit in s.bytes().filter(u8::is_ascii_digit) {
                let n = self.0.unwrap_or(0);
                self.0 = Some(n.saturating_mul(10).saturating_add(usize::from(digit - b'0')));
            }
            Ok(())
        }
    }
    // loom's ThreadId prints as `ThreadId(N)` and has no accessor for N.
    let mut digits = Digits(None);
    let _ = std::fmt::write(&mut digits, format_args!("{id:?}"));
    digits.0.unwrap_or(usize::MAX)
}

/// Under loom nothing happens before an operation: loom itself decides who runs.
fn before(_op: &'static str, _location: &'static Location<'static>) {}

/// loom needs no announcement of a write either.
fn before_writing(_op: &'static str, _value: u64, _location: &'static Location<'static>) {}

/// Records one operation on the shared object at `addr`.
fn record(addr: usize, init: &str, op: Op, location: &'static Location<'static>) {
    if !trace::recording() {
        return;
    }
    let me = loom::thread::current();
    trace::record_named(current_thread(), me.name(), addr, init, op, location);
}

/// Atomic integers and flags that record every operation, and std's `Ordering`.
///
/// Every method of std's atomics that a learner is likely to reach for is
/// here, traced: `load`, `store`, `swap`, `compare_exchange` (and `_weak`,
/// which fails spuriously in the checker's second pass, as it may on real
/// hardware), `fetch_add`, `fetch_sub`, `fetch_and`, `fetch_nand`, `fetch_or`,
/// `fetch_xor`, `fetch_max`, `fetch_min`, `fetch_update` and `into_inner`.
pub mod atomic {
    use super::{Location, Op, before, before_writing, current_thread, record};
    use crate::sync::traced::{Traced, traced_common, traced_int};
    use crate::trace;
    /// A memory fence, as the model checks it (std's own would be invisible to it).
    pub use loom::sync::atomic::fence;
    pub use std::sync::atomic::Ordering;

    traced_int!(
        /// loom's `AtomicU64`, traced.
        AtomicU64, u64, loom::sync::atomic::AtomicU64
    );
    traced_int!(
        /// loom's `AtomicU32`, traced.
        AtomicU32, u32, loom::sync::atomic::AtomicU32
    );
    traced_int!(
        /// loom's `AtomicUsize`, traced.
        AtomicUsize, usize, loom::sync::atomic::AtomicUsize
    );
    traced_int!(
        /// loom's `AtomicI64`, traced (negative values show as their bits).
        AtomicI64, i64, loom::sync::atomic::AtomicI64
    );
    traced_int!(
        /// loom's `AtomicI32`, traced (negative values show as their bits).
        AtomicI32, i32, loom::sync::atomic::AtomicI32
    );
    traced_int!(
        /// loom's `AtomicIsize`, traced (negative values show as their bits).
        AtomicIsize, isize, loom::sync::atomic::AtomicIsize
    );

    /// loom's `AtomicBool`, traced (values shown as 0 and 1).
    #[derive(Debug)]
    pub struct AtomicBool {
        inner: loom::sync::atomic::AtomicBool,
        init: bool,
    }

    traced_common!(AtomicBool, bool, loom::sync::atomic::AtomicBool);

    impl AtomicBool {
        /// Creates a new atomic flag.
        pub fn new(value: bool) -> Self {
            Self { inner: loom::sync::atomic::AtomicBool::new(value), init: value }
        }
    }
}

/// loom's mutex, with `lock` and `unlock` traced (std's poisoning API).
///
/// Three additions make loom see what real hardware does:
///
/// * **`try_lock` contention.** In loom 0.7 releasing a mutex is not a
///   scheduling point, so a `try_lock` never finds the lock taken unless the
///   critical section happens to contain some other loom operation. Each mutex
///   here keeps a mirror flag, set just after the lock is taken and cleared
///   just before it is released, that `try_lock` reads first: both are loom
///   operations, so loom places other threads' `try_lock`s inside every
///   critical section. It keeps every outcome and costs ~1.5–2.2× executions.
/// * **An exact `try_lock`, when loom needs it.** loom 0.7 blocks a thread
///   whose pending `try_lock` meets another thread taking the lock
///   (tokio-rs/loom#376): a deadlock no real `try_lock` can have, when the
///   holder then waits for the thread that tried. After such a deadlock the
///   checker explores again with [`trace::set_exact_try_lock`] on: the lock is
///   the flag alone, claimed and released under a loom mutex that no thread
///   holds while it waits, and waited for on a loom condition variable, so a
///   `try_lock` never waits. It costs more executions, so it is not the default.
/// * **No abort on a deadlock.** loom reports a deadlock by panicking; a guard
///   dropped while that panic unwinds would call into loom again and abort the
///   whole process. While panicking, a guard leaves the lock as it is.
/// * **A `static` lock.** `new` is a `const fn`, as std's is, so a learner's
///   `static LOCK: Mutex<()> = Mutex::new(());` compiles in the model too. loom
///   objects belong to one execution, so the model's lock (a loom mutex and
///   the mirror flag) is one of loom's lazy statics, keyed by the mutex's
///   address: made at its first use in each execution, and ordered before
///   every other use as loom orders a lazy static's initialisation. The
///   *value* is not remade: a static must hold no state (`()`), which the
///   judge's reading of the exercise checks (see `judge::reading`).
pub struct Mutex<T> {
    data: std::cell::UnsafeCell<T>,
    /// The model's lock in the running execution.
    parts: loom::lazy_static::Lazy<Parts>,
}

struct Parts {
    lock: loom::sync::Mutex<()>,
    /// `true` while some thread holds the lock (not traced: an implementation detail).
    held: loom::sync::atomic::AtomicBool,
    /// In the exact `try_lock` mode: signalled when `held` is cleared. `lock`
    /// then guards only `held`, for a moment, never while a thread waits.
    freed: Option<loom::sync::Condvar>,
}

impl Parts {
    fn new() -> Parts {
        Parts {
            lock: loom::sync::Mutex::new(()),
            held: loom::sync::atomic::AtomicBool::new(false),
            freed: trace::exact_try_lock().then(loom::sync::Condvar::new),
        }
    }

    /// `lock` for a moment, in the exact mode (never poisoned: nothing runs under it but the flag).
    fn briefly(&self) -> loom::sync::MutexGuard<'_, ()> {
        self.lock.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

// Safety: the value is reached only through a `MutexGuard`, which holds the
// model's lock (loom's mutex) for as long as it lives, as std's `Mutex` does.
unsafe impl<T: Send> Send for Mutex<T> {}
// Safety: as above.
unsafe impl<T: Send> Sync for Mutex<T> {}

impl<T> Debug for Mutex<T> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Mutex { .. }")
    }
}

impl<T: Default> Default for Mutex<T> {
    fn default() -> Self {
        Mutex::new(T::default())
    }
}

/// The guard of a [`Mutex`]; dropping it records the unlock.
pub struct MutexGuard<'a, T: Debug> {
    /// loom's guard; `None` in the exact `try_lock` mode, where `held` is the lock.
    inner: ManuallyDrop<Option<loom::sync::MutexGuard<'a, ()>>>,
    parts: &'a Parts,
    data: &'a std::cell::UnsafeCell<T>,
    addr: usize,
    location: &'static Location<'static>,
    /// Whether the holder wrote through the guard.
    wrote: bool,
}

impl<T> Mutex<T> {
    /// Creates an unlocked mutex.
    pub const fn new(value: T) -> Self {
        Mutex {
            data: std::cell::UnsafeCell::new(value),
            parts: loom::lazy_static::Lazy { init: Parts::new, _p: std::marker::PhantomData },
        }
    }

    /// The model's lock in the running execution, made at its first use there.
    fn parts(&self) -> &Parts {
        // Safety: loom keys the value by this address and keeps it until the execution
        // ends; the reference handed out lives no longer than `self`, which a local
        // mutex's execution outlives and a `static`'s address is.
        let lazy: &'static loom::lazy_static::Lazy<Parts> = unsafe { &*std::ptr::from_ref(&self.parts) };
        lazy.get()
    }

    /// Acquires the lock, blocking (in the model) until it is free.
    #[track_caller]
    pub fn lock(&self) -> LockResult<MutexGuard<'_, T>>
    where
        T: Debug,
    {
        let location = Location::caller();
        // In the judge's contended run, waiting outlasts the simulated holder.
        trace::interference_waited();
        // If loom finds every thread blocked, this says who waited where.
        trace::wait_begin(waiting_thread(), self.addr(), location);
        let parts = self.parts();
        if let Some(freed) = &parts.freed {
            let mut claim = parts.briefly();
            while parts.held.load(SeqCst) {
                claim = freed.wait(claim).unwrap_or_else(PoisonError::into_inner);
            }
            parts.held.store(true, SeqCst);
            drop(claim);
            trace::wait_end(current_thread(), self.addr());
            return Ok(self.guard(parts, None, location));
        }
        let result = parts.lock.lock();
        trace::wait_end(current_thread(), self.addr());
        match result {
            Ok(guard) => Ok(self.guard(parts, Some(guard), location)),
            Err(poisoned) => Err(PoisonError::new(self.guard(parts, Some(poisoned.into_inner()), location))),
        }
    }

    /// Acquires the lock if it is free right now.
    #[track_caller]
    pub fn try_lock(&self) -> TryLockResult<MutexGuard<'_, T>>
    where
        T: Debug,
    {
        let location = Location::caller();
        let busy = || {
            record(self.addr(), "", Op::TryLockBusy, location);
            // A thread that found the lock taken lets the others run, as a spinning
            // thread does on hardware; it also lets loom finish a `try_lock` spin loop.
            thread::yield_now();
            Err(TryLockError::WouldBlock)
        };
        let parts = self.parts();
        // The judge's contended run (see `trace::interfere_briefly`): another thread holds it.
        if trace::interference(location).is_some() {
            return busy();
        }
        if parts.freed.is_some() {
            // Exact: the flag is the lock, claimed under loom's mutex, which no thread
            // holds for longer than a look at the flag.
            let claim = parts.briefly();
            let free = !parts.held.swap(true, SeqCst);
            drop(claim);
            return if free { Ok(self.guard(parts, None, location)) } else { busy() };
        }
        if parts.held.load(SeqCst) {
            return busy();
        }
        // loom may block this thread here if another takes the lock meanwhile: a deadlock
        // that follows is loom's, not the code's (see `trace::IN_TRY_LOCK`).
        trace::wait_begin_for(waiting_thread(), self.addr(), location, trace::IN_TRY_LOCK.to_string());
        let result = parts.lock.try_lock();
        trace::wait_end(current_thread(), self.addr());
        match result {
            Ok(guard) => Ok(self.guard(parts, Some(guard), location)),
            Err(TryLockError::WouldBlock) => busy(),
            Err(TryLockError::Poisoned(p)) => {
                Err(TryLockError::Poisoned(PoisonError::new(self.guard(parts, Some(p.into_inner()), location))))
            }
        }
    }

    /// Consumes the mutex and returns the value.
    pub fn into_inner(self) -> LockResult<T> {
        Ok(self.data.into_inner())
    }

    /// Whether a thread panicked while holding the lock. In the model a panic
    /// ends the execution, so a running check never sees a poisoned lock.
    pub fn is_poisoned(&self) -> bool {
        false
    }

    fn addr(&self) -> usize {
        self as *const Self as usize
    }

    fn guard<'a>(
        &'a self,
        parts: &'a Parts,
        inner: Option<loom::sync::MutexGuard<'a, ()>>,
        location: &'static Location<'static>,
    ) -> MutexGuard<'a, T>
    where
        T: Debug,
    {
        // The judge's simulated thread that waited for this lock gets it first, if it is
        // armed and the code let the lock go before (see `trace::between_lockings`).
        crate::trace::locking(self.addr(), self.data.get().cast());
        // Safety: the lock is held: no other guard reaches the value now.
        let holds = format!("{:?}", unsafe { &*self.data.get() });
        record(self.addr(), "", Op::Lock { holds }, location);
        crate::trace::lock_taken();
        if inner.is_some() {
            parts.held.store(true, SeqCst);
        }
        MutexGuard {
            inner: ManuallyDrop::new(inner),
            parts,
            data: &self.data,
            addr: self.addr(),
            location,
            wrote: false,
        }
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
        // Safety: this guard holds the lock.
        unsafe { &*self.data.get() }
    }
}

impl<T: Debug> DerefMut for MutexGuard<'_, T> {
    fn deref_mut(&mut self) -> &mut T {
        self.wrote = true;
        // Safety: this guard holds the lock, and `&mut self` makes this the only reference.
        unsafe { &mut *self.data.get() }
    }
}

impl<T: Debug> Drop for MutexGuard<'_, T> {
    fn drop(&mut self) {
        if std::thread::panicking() {
            // loom is unwinding this execution (a deadlock, a failed check):
            // touching loom now would panic again and abort the process.
            return;
        }
        let leaves = format!("{:?}", **self);
        if let Some(freed) = &self.parts.freed {
            let claim = self.parts.briefly();
            self.parts.held.store(false, SeqCst);
            freed.notify_one();
            drop(claim);
        } else {
            self.parts.held.store(false, SeqCst);
        }
        // Safety: `inner` is dropped exactly once, here, and never used again.
        unsafe { ManuallyDrop::drop(&mut self.inner) };
        crate::trace::lock_released();
        crate::trace::unlocked(self.addr);
        // Recorded once the lock is free: a `try_lock` that found it busy in between
        // shows before this unlock, as it happened.
        record(self.addr, "", Op::Unlock { leaves, wrote: self.wrote }, self.location);
    }
}

/// `thread_local!` in the model: loom's own, so that each simulated thread
/// has its own value (loom runs all of them on one OS thread, where std's
/// would be shared), with std's `LocalKey` methods. A learner's plain
/// `thread_local!` is this one (see `racelab::learner_backends!`).
///
/// ```
/// racelab::sync::model::thread_local! {
///     static COUNT: std::cell::Cell<u64> = const { std::cell::Cell::new(0) };
/// }
/// loom::model(|| {
///     COUNT.set(COUNT.get() + 1);
///     let other = racelab::sync::model::thread::spawn(|| COUNT.get());
///     assert_eq!(other.join().unwrap(), 0, "another thread has its own");
///     assert_eq!(COUNT.get(), 1);
/// });
/// ```
pub use crate::__model_thread_local as thread_local;

/// A key of the model's [`thread_local!`](crate::__model_thread_local).
pub struct LocalKey<T: 'static>(loom::thread::LocalKey<T>);

impl<T: 'static> LocalKey<T> {
    #[doc(hidden)]
    pub const fn new(init: fn() -> T) -> Self {
        LocalKey(loom::thread::LocalKey { init, _p: std::marker::PhantomData })
    }

    /// Runs `f` with this thread's value.
    pub fn with<F, R>(&'static self, f: F) -> R
    where
        F: FnOnce(&T) -> R,
    {
        self.0.with(f)
    }
}

impl<T: 'static> Debug for LocalKey<T> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("LocalKey { .. }")
    }
}

impl<T: 'static> LocalKey<std::cell::Cell<T>> {
    /// Sets this thread's value.
    pub fn set(&'static self, value: T) {
        self.with(|cell| cell.set(value));
    }

    /// This thread's value.
    pub fn get(&'static self) -> T
    where
        T: Copy,
    {
        self.with(std::cell::Cell::get)
    }

    /// Takes this thread's value, leaving the default.
    pub fn take(&'static self) -> T
    where
        T: Default,
    {
        self.with(std::cell::Cell::take)
    }

    /// Replaces this thread's value, returning the old one.
    pub fn replace(&'static self, value: T) -> T {
        self.with(|cell| cell.replace(value))
    }
}

impl<T: 'static> LocalKey<std::cell::RefCell<T>> {
    /// Runs `f` with a borrow of this thread's value.
    pub fn with_borrow<F, R>(&'static self, f: F) -> R
    where
        F: FnOnce(&T) -> R,
    {
        self.with(|cell| f(&cell.borrow()))
    }

    /// Runs `f` with a mutable borrow of this thread's value.
    pub fn with_borrow_mut<F, R>(&'static self, f: F) -> R
    where
        F: FnOnce(&mut T) -> R,
    {
        self.with(|cell| f(&mut cell.borrow_mut()))
    }

    /// Sets this thread's value.
    pub fn set(&'static self, value: T) {
        self.with(|cell| *cell.borrow_mut() = value);
    }

    /// Takes this thread's value, leaving the default.
    pub fn take(&'static self) -> T
    where
        T: Default,
    {
        self.with(std::cell::RefCell::take)
    }

    /// Replaces this thread's value, returning the old one.
    pub fn replace(&'static self, value: T) -> T {
        self.with(|cell| cell.replace(value))
    }
}

/// The model's `thread_local!` (see [`sync::model::thread_local`](crate::sync::model::thread_local)).
#[doc(hidden)]
#[macro_export]
macro_rules! __model_thread_local {
    () => {};
    ($(#[$attr:meta])* $vis:vis static $name:ident: $t:ty = $init:expr; $($rest:tt)*) => {
        $(#[$attr])* $vis static $name: $crate::sync::model::LocalKey<$t> = $crate::sync::model::LocalKey::new(|| $init);
        $crate::__model_thread_local!($($rest)*);
    };
    ($(#[$attr:meta])* $vis:vis static $name:ident: $t:ty = $init:expr) => {
        $(#[$attr])* $vis static $name: $crate::sync::model::LocalKey<$t> = $crate::sync::model::LocalKey::new(|| $init);
    };
}

/// `parking_lot`'s API (no poisoning) over loom's mutex.
pub mod parking_lot {
    crate::sync::traced::parking_lot_api!(const);

    impl<T> Mutex<T> {
        /// The std-style model mutex inside (the judge's rivals find it by its address).
        pub fn model(&self) -> &super::Mutex<T> {
            &self.0
        }
    }
}

/// Channels (crossbeam's API) over loom's mutex and condition variable, every
/// send, receive, wait and hang-up traced.
///
/// loom 0.7's own `loom::sync::mpsc` never reports a disconnection, so an
/// owner that receives `for msg in rx` would wait forever in the model; this
/// one disconnects when the last `Sender` is dropped, as crossbeam's does.
pub mod channel {
    use super::{Location, Op, before, current_thread, record};
    use crate::trace;
    use loom::sync::atomic::AtomicUsize as RawAtomicUsize;
    use loom::thread::Thread as Handle;

    /// Blocks until unparked (loom wakes no one spuriously).
    fn park(_me: &Handle) {
        loom::thread::park();
    }

    /// The running thread's handle, to unpark it later.
    fn current() -> Handle {
        loom::thread::current()
    }

    /// A thread that polls an empty channel lets the others run.
    fn spin() {
        loom::thread::yield_now();
    }

    crate::sync::traced::channel_api!();
}

/// `std::thread::scope` for loom's threads: spawn threads that borrow from the
/// caller, all joined before `scope` returns.
///
/// loom 0.7 has no scope, and its `spawn` wants `'static` closures. This one
/// hands loom each closure with its lifetime erased, which is sound for the
/// same reason std's scope is: `scope` joins every thread it started before it
/// returns, so nothing borrowed outlives the borrow. (If the model panics
/// first, loom abandons the whole execution and never runs the threads again.)
pub mod scoped {
    use std::marker::PhantomData;
    use std::sync::{Arc, Mutex, PoisonError};

    type Handles = Mutex<Vec<Option<loom::thread::JoinHandle<()>>>>;

    /// The scope threads are spawned in (see [`scope`]).
    pub struct Scope<'scope, 'env: 'scope> {
        handles: Handles,
        _scope: PhantomData<&'scope mut &'scope ()>,
        _env: PhantomData<&'env mut &'env ()>,
    }

    /// A scoped thread: `join` it for its result.
    pub struct ScopedJoinHandle<'scope, T> {
        handles: &'scope Handles,
        index: usize,
        result: Arc<Mutex<Option<T>>>,
    }

    impl<T> std::fmt::Debug for ScopedJoinHandle<'_, T> {
        fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
            f.write_str("ScopedJoinHandle { .. }")
        }
    }

    impl std::fmt::Debug for Scope<'_, '_> {
        fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
            f.write_str("Scope { .. }")
        }
    }

    impl<'scope> Scope<'scope, '_> {
        /// Spawns a thread that may borrow anything that outlives the scope.
        pub fn spawn<F, T>(&'scope self, f: F) -> ScopedJoinHandle<'scope, T>
        where
            F: FnOnce() -> T + Send + 'scope,
            T: Send + 'scope,
        {
            crate::trace::note_spawn();
            let result = Arc::new(Mutex::new(None));
            let slot = Arc::clone(&result);
            let job: Box<dyn FnOnce() + Send + 'scope> = Box::new(move || {
                let value = f();
                *slot.lock().unwrap_or_else(PoisonError::into_inner) = Some(value);
            });
            // Safety: `scope` joins this thread before it returns (and before `'scope` ends), so
            // the closure never outlives what it borrows.
            let job: Box<dyn FnOnce() + Send + 'static> = unsafe { std::mem::transmute(job) };
            let handle = loom::thread::spawn(job);
            let mut handles = self.handles.lock().unwrap_or_else(PoisonError::into_inner);
            handles.push(Some(handle));
            ScopedJoinHandle { handles: &self.handles, index: handles.len() - 1, result }
        }
    }

    impl<T> ScopedJoinHandle<'_, T> {
        /// Waits for the thread and returns its result (`Err` if it panicked).
        #[track_caller]
        pub fn join(self) -> std::thread::Result<T> {
            let handle = self.handles.lock().unwrap_or_else(PoisonError::into_inner)[self.index].take();
            if let Some(handle) = handle {
                super::thread::joining(handle.thread().id(), std::panic::Location::caller(), || handle.join())?;
            }
            let value = self.result.lock().unwrap_or_else(PoisonError::into_inner).take();
            value.ok_or_else(|| Box::new("the scoped thread panicked") as Box<dyn std::any::Any + Send>)
        }
    }

    /// Runs `f` with a scope to spawn threads in; every thread is joined before it returns.
    #[track_caller]
    pub fn scope<'env, F, T>(f: F) -> T
    where
        F: for<'scope> FnOnce(&'scope Scope<'scope, 'env>) -> T,
    {
        let location = std::panic::Location::caller();
        let scope = Scope { handles: Mutex::new(Vec::new()), _scope: PhantomData, _env: PhantomData };
        let result = f(&scope);
        let left: Vec<_> =
            scope.handles.lock().unwrap_or_else(PoisonError::into_inner).iter_mut().filter_map(Option::take).collect();
        for handle in left {
            // The end of the scope joins: a deadlock report names the scope's line.
            if super::thread::joining(handle.thread().id(), location, || handle.join()).is_err() {
                panic!("a scoped thread panicked");
            }
        }
        result
    }
}

/// loom's checked `UnsafeCell`: a data race here is reported, not run.
pub mod cell {
    /// std's `Cell` for tasks on one thread, its `get` and `set` traced (lab 09).
    pub use super::task::{Cell, peek};
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

/// Tasks on one thread (lab 09): an executor whose every switch between tasks,
/// at an `.await`, is a choice loom explores (see `src/sync/tasks.rs`).
pub mod task {
    use super::{before, current_thread, record};
    use loom::sync::{Condvar as RawCondvar, Mutex as RawMutex, MutexGuard as RawGuard};

    /// Starts one of loom's threads for a task or a blocking call.
    fn raw_spawn(name: String, f: impl FnOnce() + Send + 'static) {
        crate::trace::starting_task(true);
        loom::thread::Builder::new().name(name).spawn(f).expect("loom starts its threads");
        crate::trace::starting_task(false);
    }

    /// Lets loom run another thread (a spin that would otherwise never end).
    fn yield_thread() {
        loom::thread::yield_now();
    }

    include!("tasks.rs");
}

/// Stands in for waiting on I/O (lab 02's payment). Under loom: nothing; loom already explores every point at which another thread can run.
pub fn wait_for_io() {}

/// Whether this backend explores schedules (small cases) rather than runs
/// one at full size. loom explores every schedule, and so only small cases (a handful of threads).
pub const EXPLORED: bool = true;

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

    /// Returns at once: the race goes ahead.
    pub fn wait(&self) -> bool {
        true
    }

    /// Nothing to release.
    pub fn abandon(&self) {}
}

/// Spin-loop hints: under loom a spin is a yield, so that loom runs another
/// thread instead of exploring an endless spin (lab 04's lock in shared memory).
pub mod hint {
    /// Tells loom this thread is waiting for another: loom schedules someone else.
    pub fn spin_loop() {
        if !crate::trace::contended_alone() {
            loom::hint::spin_loop();
        }
    }
}

/// A value alone on its cache line (`crossbeam_utils::CachePadded`), so two
/// threads writing neighbouring values do not fight over one line (lab 06).
/// Padding is layout only: the same type serves every backend.
pub use crossbeam::utils::CachePadded;

/// Lab 07's GIL: 0 means "the running thread may lose the GIL at every switch
/// point"; loom then explores every thread that could take it there.
pub const GIL_SWITCH_INTERVAL: u64 = 0;

/// Lab 07's blocking I/O: nothing to wait for in the model; the GIL is
/// released and retaken around it, which is where other threads get in.
pub fn block_for(_d: std::time::Duration) {}
