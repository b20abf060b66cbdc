// Tasks on one thread, for the backends that explore schedules (lab 09's async).
//
// Included into `model::task` (loom) and `step::task` (shuttle), which bring into
// scope `RawMutex`, `RawCondvar`, `raw_spawn(name, f)`, `current_thread()`,
// `record(addr, init, op, location)` and `before(op, location)`.
//
// How a single-threaded executor becomes something loom can explore: each task
// is one of the checker's threads, and a *baton* says which task runs. A task
// runs only while it holds the baton and gives it back only at an `.await` that
// waits (`yield_now`, `sleep`, `recv` on an empty channel, `lock` of a held
// mutex, a `JoinHandle`), exactly where tokio's current-thread runtime switches
// tasks. Which waiting task takes the baton next is the checker's choice, so
// every order of the tasks at their await points is explored, and only those:
// between two awaits a task runs alone, as it does on one thread.
//
// Futures need not be `Send` (a task may hold an `Rc<StdCell<u64>>`, as with tokio's
// `spawn_local`): loom and shuttle run all their threads as coroutines on the one
// OS thread that runs the check, and the baton lets one task at a time touch
// the tasks' data, so a value is never used by two OS threads ([`OneThread`]).

use crate::trace::{self, Op};
use std::cell::{Cell as StdCell, RefCell};
use std::collections::VecDeque;
use std::fmt;
use std::future::Future;
use std::ops::{Deref, DerefMut};
use std::panic::{AssertUnwindSafe, Location};
use std::pin::Pin;
use std::rc::Rc;
use std::task::{Context, Poll, Waker};

/// One executor: the baton (a mutex its running task holds) and what its tasks wait for.
///
/// Field order matters: the guard is dropped before the mutex it borrows.
struct Exec {
    /// The running task's hold on [`baton`](Self::baton), if a task runs.
    guard: StdCell<Option<RawGuard<'static, ()>>>,
    baton: RawMutex<()>,
    /// The tasks waiting for something, each with what it waits for and its own signal.
    waiting: RefCell<Vec<Waiter>>,
    /// The baton's holder, readable without a checker operation (see [`on_executor`]).
    owner: StdCell<Option<usize>>,
    /// Tasks spawned so far, to name them `task1`, `task2`, …
    spawned: StdCell<usize>,
    /// The thread that called `block_on`: its task is never cancelled.
    main: usize,
    /// `block_on` returned: tasks still waiting are cancelled, as tokio drops them.
    shutdown: StdCell<bool>,
    /// Tasks not finished (the main task included).
    live: StdCell<usize>,
    /// Times the baton was given back.
    releases: StdCell<u64>,
    /// `is_finished()` calls that found a task running since the baton last changed hands.
    spins: StdCell<u32>,
    /// The task that last gave the baton back.
    owner_before: StdCell<Option<usize>>,
    /// The task at the last await point, and [`Exec::progress`] there.
    last_yield: StdCell<Option<(usize, u64)>>,
    /// Messages sent or received and cells written so far (see [`progressed`]).
    progress: StdCell<u64>,
    /// The task that had given the baton back when its holder took it (itself: no task ran between).
    took_after: StdCell<Option<usize>>,
    /// `spawn_blocking` work not run yet: it runs when the task that started it next
    /// gives the executor away (or ends), as a blocking pool's thread runs beside it.
    blocking: RefCell<Vec<Box<dyn FnOnce()>>>,
}

/// What a waiting task waits for, as a pointer into its own (suspended) frame.
type Ready = *const (dyn Fn() -> bool + 'static);

/// A task waiting for something: its thread, what it waits for (and where, in words),
/// and the signal that wakes it.
struct Waiter {
    thread: usize,
    ready: Ready,
    what: String,
    location: &'static Location<'static>,
    signal: Rc<RawCondvar>,
}

/// The payload of a task cancelled at an await point after `block_on` returned.
struct Cancelled;

impl Exec {
    fn new(main: usize) -> Exec {
        Exec {
            guard: StdCell::new(None),
            baton: RawMutex::new(()),
            waiting: RefCell::new(Vec::new()),
            owner: StdCell::new(None),
            spawned: StdCell::new(0),
            main,
            shutdown: StdCell::new(false),
            live: StdCell::new(1),
            releases: StdCell::new(0),
            spins: StdCell::new(0),
            owner_before: StdCell::new(None),
            last_yield: StdCell::new(None),
            progress: StdCell::new(0),
            took_after: StdCell::new(None),
            blocking: RefCell::new(Vec::new()),
        }
    }

    /// Runs the `spawn_blocking` work started so far, with no task holding the executor.
    fn run_blocking(&self) {
        loop {
            let jobs = std::mem::take(&mut *self.blocking.borrow_mut());
            if jobs.is_empty() {
                return;
            }
            let running = self.owner.take();
            for job in jobs {
                job();
            }
            self.owner.set(running);
        }
    }

    fn addr(&self) -> usize {
        std::ptr::from_ref(self) as usize
    }

    /// Takes the baton once `ready()` holds (`false`: the executor shut down meanwhile).
    ///
    /// Taking the baton is the choice the checker explores: every task waiting for it
    /// may be the one that gets it. A task whose `ready()` is false waits until the
    /// baton is given back (something may have changed); when every live task waits
    /// so and no blocking call runs, nothing can ever change: a deadlock, reported
    /// with each task's line.
    fn acquire(&self, me: usize, location: &'static Location<'static>, what: &str, ready: &dyn Fn() -> bool) -> bool {
        let mut guard = self.baton.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        loop {
            if self.shutdown.get() && me != self.main {
                return false;
            }
            if ready() {
                // Safety: the guard is kept in `self.guard`, which is dropped before `self.baton`
                // (field order) and emptied by `release`: it never outlives the mutex it borrows.
                let guard = unsafe { std::mem::transmute::<RawGuard<'_, ()>, RawGuard<'static, ()>>(guard) };
                self.guard.set(Some(guard));
                self.took_after.set(self.owner_before.get());
                self.owner.set(Some(me));
                self.spins.set(0);
                return true;
            }
            // Every other live task waits too, and none of them can go on: nothing will
            // ever change (no task runs, and the checker's blocking calls end at once).
            // Safety: each pointer is a waiting task's `ready`, alive while it waits.
            let deadlock = {
                let waiting = self.waiting.borrow();
                waiting.len() + 1 >= self.live.get() && !waiting.iter().any(|w| unsafe { (*w.ready)() })
            };
            if deadlock {
                drop(guard);
                let mut parts = self.waiters(Some((me, what, location)));
                parts.sort();
                panic!("deadlock: every task waits and no task can run — {}", parts.join("; "));
            }
            // Safety: the pointer is removed below, before `ready` (borrowed for this call) ends;
            // only `release` calls it, while this task waits here and its frame is intact.
            let ready_ptr: Ready = unsafe { std::mem::transmute::<&dyn Fn() -> bool, Ready>(ready) };
            let signal = Rc::new(RawCondvar::new());
            self.waiting.borrow_mut().push(Waiter {
                thread: me,
                ready: ready_ptr,
                what: what.to_string(),
                location,
                signal: Rc::clone(&signal),
            });
            guard = signal.wait(guard).unwrap_or_else(std::sync::PoisonError::into_inner);
            self.waiting.borrow_mut().retain(|w| w.thread != me);
        }
    }

    /// Each waiting task and where it waits, with `also` (a task about to wait), in words;
    /// also handed to the trace, so the checker's report of the deadlock names them.
    fn waiters(&self, also: Option<(usize, &str, &'static Location<'static>)>) -> Vec<String> {
        let waiting = self.waiting.borrow();
        waiting
            .iter()
            .map(|w| (w.thread, w.what.as_str(), w.location))
            .chain(also)
            .map(|(t, what, at)| {
                trace::wait_begin_for(t, self.addr(), at, what.to_string());
                format!("{} waits at {}:{} {what}", task_name(t, self.main), trace::tidy_path(at.file()), at.line())
            })
            .collect()
    }

    /// Gives the baton back: any task waiting for it may run next.
    fn release(&self, shutdown: bool) {
        self.shutdown.set(self.shutdown.get() || shutdown);
        self.owner_before.set(self.owner.take());
        self.releases.set(self.releases.get() + 1);
        // Wake only the waiting tasks that can go on: a wake-up that changes nothing
        // would be one more choice for the checker to explore, for nothing.
        // Safety: each pointer is a waiting task's `ready`, alive while it waits (see `acquire`).
        let wake: Vec<Rc<RawCondvar>> = self
            .waiting
            .borrow()
            .iter()
            .filter(|w| shutdown || unsafe { (*w.ready)() })
            .map(|w| Rc::clone(&w.signal))
            .collect();
        let nobody = !shutdown && wake.is_empty() && self.waiting.borrow().len() >= self.live.get();
        drop(self.guard.take());
        if nobody && self.live.get() > 0 {
            let parts = self.waiters(None);
            panic!("deadlock: every task waits and no task can run — {}", parts.join("; "));
        }
        for signal in wake {
            signal.notify_one();
        }
    }
}

/// What a schedule calls the task on checker thread `thread`.
fn task_name(thread: usize, main: usize) -> String {
    if thread == main { "main".to_string() } else { format!("task{thread}") }
}

/// A value used by one OS thread only, although the checker's threads pass it around.
///
/// The checker's threads are coroutines on one OS thread (see the top of this file).
struct OneThread<T>(T);

// Safety: loom and shuttle run every thread of a check on the OS thread that runs
// the check, so the value never reaches another OS thread; the baton lets one
// task at a time run, so it is never used by two tasks at once either.
unsafe impl<T> Send for OneThread<T> {}

impl<T> OneThread<T> {
    /// The value (a method, so that a closure captures the whole wrapper, not its fields).
    fn into_inner(self) -> T {
        self.0
    }
}

std::thread_local! {
    /// The executor of the running `block_on` (one per check execution).
    static CURRENT: RefCell<Option<Rc<Exec>>> = const { RefCell::new(None) };
}

std::thread_local! {
    /// Whether a `block_on` on this thread ended by a panic since [`take_ended_in_panic`]
    /// last looked: loom stopping an execution that ran away inside a task is one.
    static ENDED_IN_PANIC: StdCell<bool> = const { StdCell::new(false) };
}

/// Whether a `block_on` on this thread ended by a panic (loom stopping a runaway
/// execution among them) since the last call: the judge then knows the loop that ran
/// away was in async code. Clears the note.
pub fn take_ended_in_panic() -> bool {
    ENDED_IN_PANIC.with(|ended| ended.replace(false))
}

fn current() -> Rc<Exec> {
    CURRENT.with(|c| c.borrow().clone()).expect("an `.await` or `task::spawn` outside `task::block_on`")
}

/// Notes that a task changed something another task could be waiting for (a message
/// sent or taken, a cell written): a yield after it is no spin.
fn progressed() {
    if let Some(exec) = CURRENT.with(|c| c.borrow().clone()) {
        exec.progress.set(exec.progress.get() + 1);
    }
}

/// What [`yield_now`] waits for, in words.
const YIELD: &str = "yield_now()";

/// Gives the baton away at an await point and waits until `ready()` holds and the
/// checker picks this task again; a task cancelled meanwhile unwinds from here.
fn suspend(what: &'static str, location: &'static Location<'static>, ready: &dyn Fn() -> bool) {
    let exec = current();
    let me = current_thread();
    record(exec.addr(), "", Op::Await { what }, location);
    exec.run_blocking();
    exec.release(false);
    // A yield right after this task's previous one — no other task ran between, and nothing
    // was sent, received or written since (a loop of `try_recv` and `yield_now().await`) —
    // is a spin: tokio puts a yielding task at the back of its queue, so the others run
    // first, and the checker's scheduler is told so, or one task could take the baton for
    // ever. (Not at every yield: each is one more choice the checker would explore.)
    let now = (me, exec.progress.get());
    let spin = exec.last_yield.replace(Some(now)) == Some(now);
    if what == YIELD && spin && exec.took_after.get() == Some(me) {
        yield_thread();
    }
    before("resume", location);
    if !exec.acquire(me, location, &format!("in `{what}`"), ready) {
        std::panic::resume_unwind(Box::new(Cancelled))
    }
}

/// Polls `future` to the end. Every future of this module finishes in one poll
/// (it waits inside, as [`suspend`] does); one that returns `Pending` on its own
/// waits for a wake-up that will never come, as it would on tokio.
fn drive<F: Future>(future: F) -> F::Output {
    let mut future = std::pin::pin!(future);
    let mut cx = Context::from_waker(Waker::noop());
    loop {
        if let Poll::Ready(out) = future.as_mut().poll(&mut cx) {
            return out;
        }
        suspend("a future that no one wakes", Location::caller(), &|| false);
    }
}

/// Runs `future` as the main task of a new executor; tasks still unfinished when it
/// returns are cancelled at their next await point, as tokio's `LocalSet` drops them.
pub fn block_on<F: Future>(future: F) -> F::Output {
    let me = current_thread();
    let exec = Rc::new(Exec::new(me));
    // An executor left by a check that panicked belongs to an execution that is over:
    // dropping its checker objects now would panic, so it is leaked.
    if let Some(stale) = CURRENT.with(|c| c.borrow_mut().replace(Rc::clone(&exec))) {
        std::mem::forget(stale);
    }
    let _installed = Installed;
    exec.acquire(me, Location::caller(), "to start", &|| true);
    let out = drive(future);
    exec.run_blocking();
    exec.release(true);
    out
}

/// Uninstalls the running executor when `block_on` ends, also by a panic (then the
/// executor is leaked: its checker objects must not be dropped while the check unwinds,
/// nor later, by the thread-local's destructor, outside the check).
struct Installed;

impl Drop for Installed {
    fn drop(&mut self) {
        if std::thread::panicking() {
            ENDED_IN_PANIC.with(|ended| ended.set(true));
        }
        if let Some(exec) = CURRENT.with(|c| c.borrow_mut().take())
            && std::thread::panicking()
        {
            std::mem::forget(exec);
        }
    }
}

/// Whether the running code holds an executor's thread: a task's code, not `spawn_blocking`'s.
pub fn on_executor() -> bool {
    CURRENT.with(|c| c.borrow().as_ref().is_some_and(|exec| exec.owner.get() == Some(current_thread())))
}

/// Why awaiting a [`JoinHandle`] gave no value.
#[derive(Debug)]
pub struct JoinError;

impl fmt::Display for JoinError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("task was cancelled")
    }
}

impl std::error::Error for JoinError {}

impl JoinError {
    /// Whether the task panicked (tokio's): never here — a task that panics ends the
    /// checker's run with its panic, so an awaited handle only fails when cancelled.
    pub fn is_panic(&self) -> bool {
        false
    }

    /// Whether the task was cancelled (dropped before it finished).
    pub fn is_cancelled(&self) -> bool {
        true
    }

    /// The panic's payload (tokio's); like tokio's, it panics when the error is no panic.
    pub fn into_panic(self) -> Box<dyn std::any::Any + Send + 'static> {
        panic!("`JoinError::into_panic` on an error that is not a panic (the task was cancelled)")
    }

    /// The panic's payload, or the error back when it is no panic (tokio's).
    pub fn try_into_panic(self) -> Result<Box<dyn std::any::Any + Send + 'static>, JoinError> {
        Err(self)
    }
}

type Slot<T> = Rc<RefCell<Option<Result<T, JoinError>>>>;

/// A spawned task (or blocking call): `.await` it for its output.
pub struct JoinHandle<T> {
    slot: Slot<T>,
    /// The executor's releases when a blocking call was spawned: its result shows after the next.
    after: u64,
}

impl<T> fmt::Debug for JoinHandle<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("JoinHandle { .. }")
    }
}

fn filled<T>(slot: &Slot<T>, after: u64) -> bool {
    slot.borrow().is_some() && current().releases.get() >= after
}

impl<T> JoinHandle<T> {
    /// Whether the task has finished (never waits; a loop on it alone never lets the task run).
    #[track_caller]
    pub fn is_finished(&self) -> bool {
        let done = filled(&self.slot, self.after + 1);
        if !done && on_executor() {
            let exec = current();
            exec.spins.set(exec.spins.get() + 1);
            assert!(
                exec.spins.get() < 2,
                "a loop on `JoinHandle::is_finished()` with no `.await` in it (at {}): it keeps the executor's \
                 thread busy, so no other task runs until the awaited work ends — `.await` the handle instead",
                Location::caller()
            );
        }
        if !done {
            // A checker step: a loop that only asks again is seen to spin, not to hang.
            record(current().addr(), "", Op::Await { what: "is_finished() without .await" }, Location::caller());
            yield_thread();
        }
        done
    }
}

impl<T> Future for JoinHandle<T> {
    type Output = Result<T, JoinError>;

    #[track_caller]
    fn poll(self: Pin<&mut Self>, _cx: &mut Context<'_>) -> Poll<Self::Output> {
        if !filled(&self.slot, self.after + 1) {
            let (slot, after) = (Rc::clone(&self.slot), self.after + 1);
            suspend("join (the task's end)", Location::caller(), &move || filled(&slot, after));
        }
        let out = self.slot.borrow_mut().take();
        Poll::Ready(out.unwrap_or(Err(JoinError)))
    }
}

/// Spawns `future` as a task on the running executor; it starts at the spawner's next await.
#[track_caller]
pub fn spawn<F>(future: F) -> JoinHandle<F::Output>
where
    F: Future + 'static,
    F::Output: 'static,
{
    let exec = current();
    let n = exec.spawned.get() + 1;
    exec.spawned.set(n);
    // Counted as a thread is: the judge words a failure of code that starts tasks as one of
    // an order of events that may show a race (see `trace::spawned`).
    crate::trace::note_spawn();
    let slot: Slot<F::Output> = Rc::default();
    let theirs = OneThread((Rc::clone(&slot), future, Rc::clone(&exec)));
    let location = Location::caller();
    exec.live.set(exec.live.get() + 1);
    raw_spawn(format!("task{n}"), move || {
        let (slot, future, exec) = theirs.into_inner();
        let me = current_thread();
        before("start", location);
        if !exec.acquire(me, location, "to start", &|| true) {
            exec.live.set(exec.live.get() - 1);
            return;
        }
        let out = std::panic::catch_unwind(AssertUnwindSafe(|| drive(future)));
        exec.run_blocking();
        exec.live.set(exec.live.get() - 1);
        match out {
            Ok(out) => {
                *slot.borrow_mut() = Some(Ok(out));
                exec.release(false);
            }
            // Cancelled at an await point: this task no longer holds the baton.
            Err(payload) if payload.is::<Cancelled>() => {}
            Err(payload) => std::panic::resume_unwind(payload),
        }
    });
    JoinHandle { slot, after: 0 }
}

/// Runs `f` off the executor; `.await` the handle for its result.
///
/// In the checker `f` runs when the spawning task next gives the executor away at an
/// `.await` (or ends), with no task holding the executor (a blocking call there takes
/// no time and changes no other task's order); its handle reports it finished only
/// after that: a loop with no await in it — on `is_finished()`, or on a flag `f` sets —
/// never sees it finish, as on tokio it would keep the executor's thread busy meanwhile.
#[track_caller]
pub fn spawn_blocking<F, R>(f: F) -> JoinHandle<R>
where
    F: FnOnce() -> R + Send + 'static,
    R: Send + 'static,
{
    let exec = current();
    let slot: Slot<R> = Rc::default();
    let theirs = Rc::clone(&slot);
    exec.blocking.borrow_mut().push(Box::new(move || *theirs.borrow_mut() = Some(Ok(f()))));
    JoinHandle { slot, after: exec.releases.get() }
}

/// Lets the other tasks run, then carries on (tokio's `task::yield_now`).
#[track_caller]
pub fn yield_now() -> impl Future<Output = ()> {
    let location = Location::caller();
    async move { suspend(YIELD, location, &|| true) }
}

/// Waits `_duration`: in the checker no time passes, but every other task may run first.
#[track_caller]
pub fn sleep(_duration: std::time::Duration) -> impl Future<Output = ()> {
    let location = Location::caller();
    async move { suspend("sleep(…)", location, &|| true) }
}

/// An async mutex (tokio's `sync::Mutex`): `lock().await` waits without blocking the thread.
#[derive(Debug, Default)]
pub struct Mutex<T> {
    held: StdCell<bool>,
    value: RefCell<T>,
}

impl<T> Mutex<T> {
    /// A new, unlocked mutex.
    pub fn new(value: T) -> Self {
        Mutex { held: StdCell::new(false), value: RefCell::new(value) }
    }

    /// Waits (at an await point) until the mutex is free, then holds it until the guard drops.
    #[track_caller]
    pub fn lock(&self) -> impl Future<Output = MutexGuard<'_, T>> {
        let location = Location::caller();
        async move {
            if self.held.get() {
                let held = &self.held;
                suspend("lock() of a held mutex", location, &|| !held.get());
            }
            self.held.set(true);
            MutexGuard { value: self.value.borrow_mut(), held: &self.held }
        }
    }

    /// The value, when no one can lock the mutex any more.
    pub fn into_inner(self) -> T {
        self.value.into_inner()
    }
}

/// Holds a [`Mutex`] until dropped.
pub struct MutexGuard<'a, T> {
    value: std::cell::RefMut<'a, T>,
    held: &'a StdCell<bool>,
}

impl<T> Deref for MutexGuard<'_, T> {
    type Target = T;
    fn deref(&self) -> &T {
        &self.value
    }
}

impl<T> DerefMut for MutexGuard<'_, T> {
    fn deref_mut(&mut self) -> &mut T {
        &mut self.value
    }
}

impl<T> Drop for MutexGuard<'_, T> {
    fn drop(&mut self) {
        self.held.set(false);
    }
}

/// Channels between tasks (tokio's `sync::mpsc`): `send` and `recv().await`.
pub mod mpsc {
    use super::*;

    struct Chan<T> {
        queue: VecDeque<T>,
        senders: usize,
        receiver: bool,
        capacity: usize,
        /// How many times it answered "closed and empty", which it then stays.
        closed_answers: u32,
    }

    /// How many "closed and empty" answers a channel gives before the checker calls
    /// the receiving loop endless: none of them waits, so the task would never
    /// give the executor back (`loop { if let Some(c) = rx.recv().await { … } }`).
    const CLOSED_ANSWERS: u32 = 1_000;

    /// Counts one more "closed and empty" answer, and stops a loop that asks for ever.
    fn closed_again<T>(chan: &RefCell<Chan<T>>, call: &str, location: &'static Location<'static>) {
        let mut c = chan.borrow_mut();
        c.closed_answers += 1;
        if c.closed_answers >= CLOSED_ANSWERS {
            drop(c);
            panic!(
                "`{call}` at {}:{} answered {CLOSED_ANSWERS} times in a row that the channel is closed (every \
                 sender gone) and empty, which it stays: a loop that does not stop there never ends — end it at the \
                 first `None` or `Disconnected` (`while let Some(coin) = rx.recv().await {{ … }}`)",
                location.file(),
                location.line()
            );
        }
    }

    /// Why a send failed: the receiver is gone; the message comes back.
    #[derive(Debug)]
    pub struct SendError<T>(pub T);

    /// The channel's errors, where tokio keeps them (`mpsc::error::TryRecvError`).
    pub mod error {
        pub use super::SendError;

        /// Why `try_recv` gave no message.
        #[derive(Debug, Clone, Copy, PartialEq, Eq)]
        pub enum TryRecvError {
            /// Nothing queued, and a sender is still alive.
            Empty,
            /// Nothing queued, and every sender is gone.
            Disconnected,
        }

        impl std::fmt::Display for TryRecvError {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(match self {
                    TryRecvError::Empty => "receiving on an empty channel",
                    TryRecvError::Disconnected => "receiving on an empty and closed channel",
                })
            }
        }

        impl std::error::Error for TryRecvError {}
    }

    impl<T> fmt::Display for SendError<T> {
        fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str("channel closed")
        }
    }

    impl<T: fmt::Debug> std::error::Error for SendError<T> {}

    /// The sending half of a bounded channel.
    pub struct Sender<T>(Rc<RefCell<Chan<T>>>);
    /// The sending half of an unbounded channel.
    pub struct UnboundedSender<T>(Rc<RefCell<Chan<T>>>);
    /// The receiving half of either channel.
    pub struct Receiver<T>(Rc<RefCell<Chan<T>>>);
    /// The receiving half of an unbounded channel.
    pub type UnboundedReceiver<T> = Receiver<T>;

    fn new<T>(capacity: usize) -> Rc<RefCell<Chan<T>>> {
        Rc::new(RefCell::new(Chan { queue: VecDeque::new(), senders: 1, receiver: true, capacity, closed_answers: 0 }))
    }

    /// A channel that holds at most `capacity` messages (`send().await` waits when full).
    pub fn channel<T>(capacity: usize) -> (Sender<T>, Receiver<T>) {
        assert!(capacity > 0, "mpsc bounded channel requires buffer > 0");
        let chan = new(capacity);
        (Sender(Rc::clone(&chan)), Receiver(chan))
    }

    /// A channel with no bound (`send` never waits).
    pub fn unbounded_channel<T>() -> (UnboundedSender<T>, UnboundedReceiver<T>) {
        let chan = new(usize::MAX);
        (UnboundedSender(Rc::clone(&chan)), Receiver(chan))
    }

    std::thread_local! {
        /// Messages sent on this thread's channels so far (see [`sent`]).
        static SENT: std::cell::Cell<u64> = const { std::cell::Cell::new(0) };
        /// Sends refused so far because every receiver was gone (see [`refused`]).
        static REFUSED: std::cell::Cell<u64> = const { std::cell::Cell::new(0) };
    }

    /// How many messages the channels of this thread have taken so far: the judge
    /// reads it around a call to see whether the call's tasks talked at all.
    pub fn sent() -> u64 {
        SENT.with(std::cell::Cell::get)
    }

    /// How many sends on this thread's channels failed so far because the receiver
    /// was gone: coins sent to an owner that had already stopped receiving.
    pub fn refused() -> u64 {
        REFUSED.with(std::cell::Cell::get)
    }

    fn push<T>(chan: &RefCell<Chan<T>>, value: T) -> Result<(), SendError<T>> {
        let mut c = chan.borrow_mut();
        if !c.receiver {
            REFUSED.with(|refused| refused.set(refused.get() + 1));
            return Err(SendError(value));
        }
        SENT.with(|sent| sent.set(sent.get() + 1));
        c.queue.push_back(value);
        progressed();
        Ok(())
    }

    impl<T> Sender<T> {
        /// Sends `value`, waiting (at an await point) while the channel is full.
        #[track_caller]
        pub fn send(&self, value: T) -> impl Future<Output = Result<(), SendError<T>>> + '_ {
            let location = Location::caller();
            async move {
                let full = |c: &Chan<T>| c.receiver && c.queue.len() >= c.capacity;
                if full(&self.0.borrow()) {
                    let chan = &self.0;
                    suspend("send() on a full channel", location, &|| !full(&chan.borrow()));
                }
                push(&self.0, value)
            }
        }
    }

    impl<T> UnboundedSender<T> {
        /// Sends `value` at once (no await).
        pub fn send(&self, value: T) -> Result<(), SendError<T>> {
            push(&self.0, value)
        }
    }

    macro_rules! sender_common {
        ($name:ident) => {
            impl<T> Clone for $name<T> {
                fn clone(&self) -> Self {
                    self.0.borrow_mut().senders += 1;
                    $name(Rc::clone(&self.0))
                }
            }
            impl<T> Drop for $name<T> {
                fn drop(&mut self) {
                    self.0.borrow_mut().senders -= 1;
                }
            }
            impl<T> fmt::Debug for $name<T> {
                fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                    f.write_str(concat!(stringify!($name), " { .. }"))
                }
            }
        };
    }
    sender_common!(Sender);
    sender_common!(UnboundedSender);

    impl<T> Receiver<T> {
        /// The next message, waiting (at an await point) while the channel is empty;
        /// `None` once it is empty and every sender is gone.
        #[track_caller]
        pub fn recv(&mut self) -> impl Future<Output = Option<T>> + '_ {
            let location = Location::caller();
            async move {
                let idle = |c: &Chan<T>| c.queue.is_empty() && c.senders > 0;
                if idle(&self.0.borrow()) {
                    let chan = &self.0;
                    suspend("recv() on an empty channel", location, &|| !idle(&chan.borrow()));
                }
                let message = self.0.borrow_mut().queue.pop_front();
                if message.is_none() {
                    closed_again(&self.0, "recv().await", location);
                }
                progressed();
                message
            }
        }
    }

    impl<T> Receiver<T> {
        /// Waits for messages as [`recv`](Self::recv) does, then moves up to
        /// `limit` of the queued ones into `buffer`; returns how many (0 once
        /// the channel is empty and every sender is gone), as tokio's does.
        #[track_caller]
        pub fn recv_many<'a>(&'a mut self, buffer: &'a mut Vec<T>, limit: usize) -> impl Future<Output = usize> + 'a {
            let location = Location::caller();
            async move {
                if limit == 0 {
                    return 0;
                }
                let idle = |c: &Chan<T>| c.queue.is_empty() && c.senders > 0;
                if idle(&self.0.borrow()) {
                    let chan = &self.0;
                    suspend("recv_many() on an empty channel", location, &|| !idle(&chan.borrow()));
                }
                let mut chan = self.0.borrow_mut();
                let taken = limit.min(chan.queue.len());
                buffer.extend(chan.queue.drain(..taken));
                drop(chan);
                if taken == 0 {
                    closed_again(&self.0, "recv_many().await", location);
                }
                progressed();
                taken
            }
        }

        /// Whether no message is queued now.
        pub fn is_empty(&self) -> bool {
            self.0.borrow().queue.is_empty()
        }

        /// How many messages are queued now.
        pub fn len(&self) -> usize {
            self.0.borrow().queue.len()
        }

        /// Whether every sender is gone (queued messages may still be received).
        pub fn is_closed(&self) -> bool {
            self.0.borrow().senders == 0
        }
    }

    impl<T> Receiver<T> {
        /// The next message if one is queued, without waiting (no await point).
        #[track_caller]
        pub fn try_recv(&mut self) -> Result<T, error::TryRecvError> {
            let mut chan = self.0.borrow_mut();
            match chan.queue.pop_front() {
                Some(message) => {
                    progressed();
                    Ok(message)
                }
                None if chan.senders == 0 => {
                    drop(chan);
                    closed_again(&self.0, "try_recv()", Location::caller());
                    Err(error::TryRecvError::Disconnected)
                }
                None => Err(error::TryRecvError::Empty),
            }
        }
    }

    impl<T> Drop for Receiver<T> {
        fn drop(&mut self) {
            self.0.borrow_mut().receiver = false;
        }
    }

    impl<T> fmt::Debug for Receiver<T> {
        fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str("Receiver { .. }")
        }
    }
}

/// The cell's value, read without a trace: the lab's own bookkeeping, which no
/// schedule shows and no checker explores.
pub fn peek(cell: &Cell<u64>) -> u64 {
    cell.value.get()
}

/// A value shared by the tasks of one thread (std's `Cell`), with `get` and `set`
/// written into the schedule as a load and a store.
pub struct Cell<T> {
    value: std::cell::Cell<T>,
    init: T,
}

impl fmt::Debug for Cell<u64> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_tuple("Cell").field(&self.value.get()).finish()
    }
}

impl Cell<u64> {
    /// A new cell holding `value`.
    pub const fn new(value: u64) -> Self {
        Cell { value: std::cell::Cell::new(value), init: value }
    }

    /// The value (a traced load).
    #[track_caller]
    pub fn get(&self) -> u64 {
        let value = self.value.get();
        self.note(Op::Load { read: value });
        value
    }

    /// Replaces the value (a traced store).
    #[track_caller]
    pub fn set(&self, value: u64) {
        self.value.set(value);
        progressed();
        self.note(Op::Store { wrote: value });
    }

    /// Replaces the value and returns the old one (a traced load, then a store: no await can come between).
    #[track_caller]
    pub fn replace(&self, value: u64) -> u64 {
        let old = self.get();
        self.set(value);
        old
    }

    /// Replaces the value with `f` of it (std's `Cell::update`): a traced load, then a
    /// store, with no await between.
    #[track_caller]
    pub fn update(&self, f: impl FnOnce(u64) -> u64) {
        let old = self.get();
        self.set(f(old));
    }

    /// Takes the value, leaving 0 (std's `Cell::take`).
    #[track_caller]
    pub fn take(&self) -> u64 {
        self.replace(0)
    }

    #[track_caller]
    fn note(&self, op: Op) {
        record(std::ptr::from_ref(self) as usize, &self.init.to_string(), op, Location::caller());
    }
}
