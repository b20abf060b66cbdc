//! Real OS threads: std's and `parking_lot`'s types under std's own paths.
//!
//! Everything here is the genuine article, so `racelab run` measures what a
//! real program does. The only additions are [`StartLine`] (a barrier, so that
//! threads start racing together) and a [`cell::UnsafeCell`] that refuses to
//! run: a true data race is undefined behaviour, so it exists only in the
//! [`model`](super::model) backend, where loom detects it without running it.
//!
//! # Examples
//!
//! ```
//! use racelab::sync::real::{Arc, Mutex, thread};
//!
//! let total = Arc::new(Mutex::new(0_u64));
//! let t = {
//!     let total = Arc::clone(&total);
//!     thread::spawn(move || *total.lock().unwrap() += 1)
//! };
//! t.join().unwrap();
//! assert_eq!(*total.lock().unwrap(), 1);
//! ```

pub use std::sync::{Arc, Mutex, MutexGuard};
pub use std::thread;
/// std's `thread_local!`: on real threads each OS thread has its own value. A
/// learner's plain `thread_local!` is this one (see `racelab::learner_backends!`).
pub use std::thread_local;

/// Atomic integers and orderings: `std::sync::atomic`, unchanged.
pub mod atomic {
    pub use std::sync::atomic::{
        AtomicBool, AtomicI32, AtomicI64, AtomicIsize, AtomicU32, AtomicU64, AtomicUsize, Ordering, fence,
    };
}

/// Channels: crossbeam's (multi-producer, multi-consumer), unchanged.
///
/// The tracing backends offer the same names (`unbounded`, `bounded`,
/// `Sender::send`, `Receiver::recv`, `try_recv`, `iter`, `for msg in &rx`),
/// built over their own mutex and condition variable so that loom and the
/// stepper see every send and receive.
pub mod channel {
    pub use crossbeam::channel::{
        IntoIter, Iter, Receiver, RecvError, SendError, Sender, TryRecvError, bounded, unbounded,
    };
}

/// `parking_lot`'s poison-free mutex, unchanged.
pub mod parking_lot {
    pub use parking_lot::{Mutex, MutexGuard};
}

/// Cells whose access is checked only inside loom's model.
pub mod cell {
    /// std's `Cell`: a value shared by the tasks of one thread (lab 09).
    pub use std::cell::Cell;

    /// The cell's value, read without a trace (here: its `get`).
    ///
    /// # Examples
    ///
    /// ```
    /// use racelab::sync::real::cell::{Cell, peek};
    /// assert_eq!(peek(&Cell::new(7)), 7);
    /// ```
    pub fn peek(cell: &Cell<u64>) -> u64 {
        cell.get()
    }
    /// A cell that is never accessed on real threads.
    ///
    /// Unsynchronised access to plain memory from two threads is a *data race*:
    /// undefined behaviour, not merely a wrong answer. The lab that shows one
    /// runs it only under loom (`racelab check 1 --variant unsafe_cell`); on
    /// real threads this type exists so that the same source compiles, and its
    /// accessor refuses to run.
    ///
    /// # Examples
    ///
    /// ```
    /// use racelab::sync::real::cell::UnsafeCell;
    ///
    /// let cell = UnsafeCell::new(0_u64);
    /// let refused = std::panic::catch_unwind(|| cell.with_mut(|_| ()));
    /// assert!(refused.is_err());
    /// ```
    #[derive(Debug, Default)]
    pub struct UnsafeCell<T>(std::marker::PhantomData<T>);

    // Safety: the cell never hands out access to a `T` (see `with_mut`), so
    // sharing it between threads cannot race.
    unsafe impl<T: Send> Sync for UnsafeCell<T> {}

    impl<T> UnsafeCell<T> {
        /// Creates the cell, dropping `value` at once: it will never be read.
        pub fn new(value: T) -> Self {
            drop(value);
            UnsafeCell(std::marker::PhantomData)
        }

        /// Always panics: a data race runs only under loom's model.
        pub fn with_mut<R>(&self, _f: impl FnOnce(*mut T) -> R) -> R {
            panic!("a data race on plain memory is undefined behaviour; it runs only under loom")
        }

        /// Always panics: a data race runs only under loom's model.
        pub fn with<R>(&self, _f: impl FnOnce(*const T) -> R) -> R {
            panic!("a data race on plain memory is undefined behaviour; it runs only under loom")
        }
    }
}

/// Stands in for waiting on I/O (lab 02's payment). On real threads: give the
/// CPU away with `yield_now`. A thread really blocked on I/O would *sleep*
/// until its reply came; a 20 µs sleep here showed the oversell in 9 of 10
/// default runs against 20 of 20 with a yield, so the lesson keeps the yield.
pub fn wait_for_io() {
    std::thread::yield_now();
}

/// Whether this backend explores schedules (small cases) rather than runs
/// one at full size. Real threads: a run is one schedule the machine picked, at any size.
pub const EXPLORED: bool = false;

/// How many times an observer thread looks at shared state (lab 03).
///
/// On real threads a torn state lasts an instant, so the observer looks a
/// million times; under loom every look multiplies the interleavings, and one
/// look already meets every state the others can produce.
pub const OBSERVER_LOOKS: u64 = 1_000_000;

/// A start line that releases all racing threads at the same moment.
///
/// Without it the first thread may finish before the last one starts, and a
/// race that is really there goes unseen. Under loom it is a no-op, because
/// loom already explores every start order. If a thread cannot be started
/// (the system's thread limit), [`abandon`](Self::abandon) releases the ones
/// already waiting, and [`wait`](Self::wait) tells them not to run.
///
/// # Examples
///
/// ```
/// use racelab::sync::real::{Arc, StartLine, thread};
///
/// let line = Arc::new(StartLine::new(2));
/// let other = { let line = Arc::clone(&line); thread::spawn(move || line.wait()) };
/// assert!(line.wait()); // returns `true` once both threads have arrived
/// assert!(other.join().unwrap());
/// ```
#[derive(Debug)]
pub struct StartLine {
    state: std::sync::Mutex<(usize, bool)>,
    go: std::sync::Condvar,
    threads: usize,
}

impl StartLine {
    /// A start line for `threads` threads.
    pub fn new(threads: usize) -> Self {
        StartLine { state: std::sync::Mutex::new((0, false)), go: std::sync::Condvar::new(), threads }
    }

    /// Blocks until every thread has arrived (`true`), or the race was abandoned (`false`).
    pub fn wait(&self) -> bool {
        let mut state = self.state.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        state.0 += 1;
        if state.0 >= self.threads {
            self.go.notify_all();
        }
        while state.0 < self.threads && !state.1 {
            state = self.go.wait(state).unwrap_or_else(std::sync::PoisonError::into_inner);
        }
        !state.1
    }

    /// Releases every waiting thread without a race: they return `false` from `wait`.
    pub fn abandon(&self) {
        self.state.lock().unwrap_or_else(std::sync::PoisonError::into_inner).1 = true;
        self.go.notify_all();
    }
}

/// `std::hint::spin_loop`, for locks that spin (lab 04's lock in shared memory).
pub mod hint {
    pub use std::hint::spin_loop;
}

/// A value alone on its cache line (`crossbeam_utils::CachePadded`), so two
/// threads writing neighbouring values do not fight over one line (lab 06).
/// Padding is layout only: the same type serves every backend.
pub use crossbeam::utils::CachePadded;

/// Lab 07's GIL: how many bytecode instructions a thread runs before it hands
/// the GIL to a waiting thread (CPython's switch interval, counted in
/// instructions: about 0.1–0.3 ms of interpretation here).
pub const GIL_SWITCH_INTERVAL: u64 = 50_000;

/// Lab 07's blocking I/O: the thread really sleeps (a blocking read that takes `d`).
pub fn block_for(d: std::time::Duration) {
    std::thread::sleep(d);
}

/// Tasks on one thread (lab 09): tokio's current-thread runtime, under the names
/// the checker's backends give their own executor.
///
/// `block_on` runs a future on a new current-thread runtime inside a
/// `LocalSet`, so `spawn` (tokio's `spawn_local`) takes futures that are not
/// `Send` (an `Rc<Cell<u64>>`), and every task runs on this one OS thread. Tasks
/// still running when `block_on` returns are dropped, as tokio drops them.
///
/// # Examples
///
/// ```
/// use racelab::sync::real::task;
/// use std::{cell::Cell, rc::Rc};
///
/// let balance = Rc::new(Cell::new(0));
/// let total = task::block_on(async {
///     let b = Rc::clone(&balance);
///     task::spawn(async move { b.set(b.get() + 1) }).await.unwrap();
///     balance.get()
/// });
/// assert_eq!(total, 1);
/// assert!(!task::on_executor());
/// ```
pub mod task {
    pub use tokio::sync::{Mutex, MutexGuard, mpsc};
    pub use tokio::task::{JoinError, JoinHandle, spawn_blocking, spawn_local as spawn, yield_now};

    std::thread_local! {
        /// Whether this OS thread is running an executor's tasks right now.
        static ON_EXECUTOR: std::cell::Cell<bool> = const { std::cell::Cell::new(false) };
        /// Whether a `sleep` on this thread only lets the other tasks run (see [`sleeps_only_yield`]).
        static SLEEPS_YIELD: std::cell::Cell<bool> = const { std::cell::Cell::new(false) };
    }

    /// Waits `duration` (tokio's `sleep`): the other tasks run meanwhile. In the
    /// judge's runs on tokio (see [`sleeps_only_yield`]) it lets them run once and
    /// goes on, as the checker's `sleep` does.
    ///
    /// # Examples
    ///
    /// ```
    /// use racelab::sync::real::task;
    /// task::block_on(task::sleep(std::time::Duration::from_millis(1)));
    /// ```
    pub async fn sleep(duration: std::time::Duration) {
        if SLEEPS_YIELD.get() {
            tokio::task::yield_now().await;
        } else {
            tokio::time::sleep(duration).await;
        }
    }

    /// Makes every `sleep` on this thread one yield (`true`), or a real wait again
    /// (`false`). The judge's trials on tokio: a right answer that "pretends latency"
    /// with a 1 ms sleep per deposit waited 40 s over 150 trials; a sleep's place
    /// among the await points, which is what can make an answer wrong, is kept.
    pub fn sleeps_only_yield(on: bool) {
        SLEEPS_YIELD.set(on);
    }

    /// Runs `future` on a new current-thread runtime (time enabled) and returns its output.
    ///
    /// # Panics
    ///
    /// If the runtime cannot be built (no file descriptors left for its driver).
    pub fn block_on<F: std::future::Future>(future: F) -> F::Output {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_time()
            .build()
            .expect("tokio's current-thread runtime could not be built");
        let tasks = tokio::task::LocalSet::new();
        let was = ON_EXECUTOR.replace(true);
        let out = tasks.block_on(&runtime, future);
        // Tasks still running stop here, on this thread, as they would in a real program.
        drop(tasks);
        ON_EXECUTOR.set(was);
        out
    }

    /// Whether the running code is a task's, on the executor's thread (not `spawn_blocking`'s).
    pub fn on_executor() -> bool {
        ON_EXECUTOR.get()
    }
}
