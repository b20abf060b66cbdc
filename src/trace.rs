//! The schedule of one model execution: who did what to which object, in order.
//!
//! The [`model`](crate::sync::model) backend appends an [`Event`] for every
//! shared-memory operation. The buffer is a plain `thread_local!`: loom runs
//! all model threads as coroutines on the test's own OS thread, so they all
//! see the same buffer, and because it is not a loom type loom neither sees
//! nor explores it. The checker clears it at the start of every execution, so
//! after a failure it holds exactly the failing execution.
//!
//! [`Schedule::from_events`] turns the raw events into the steps a learner
//! reads, and marks the two things that make a schedule surprising:
//!
//! * a **stale read**: loom lets an atomic load return an older store than the
//!   latest one (the hardware can too), so the order of the steps is not
//!   always the order in which values became visible;
//! * an **overwrite**: a store by a thread that read the object before another
//!   thread's store — the moment an update is lost.
//!
//! # Examples
//!
//! ```
//! use racelab::trace::{self, Op, Schedule};
//!
//! trace::clear();
//! let here = std::panic::Location::caller();
//! trace::record(1, 0xA, "0", Op::Load { read: 0 }, here);
//! trace::record(2, 0xA, "0", Op::Load { read: 0 }, here);
//! trace::record(1, 0xA, "0", Op::Store { wrote: 1 }, here);
//! trace::record(2, 0xA, "0", Op::Store { wrote: 1 }, here);
//! let schedule = Schedule::from_events(&trace::take());
//! assert_eq!(schedule.summary(), "T1 load 0 · T2 load 0 · T1 store 1 · T2 store 1");
//! assert!(schedule.steps[3].note.as_deref().unwrap().contains("overwrites T1's store at step 3"));
//! ```

use serde::Serialize;
use std::cell::{Cell, RefCell};
use std::collections::HashMap;
use std::fmt::Write as _;
use std::panic::Location;

/// One operation on a shared object.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Op {
    /// An atomic load that returned `read`.
    Load {
        /// The value the load returned.
        read: u64,
    },
    /// An atomic store of `wrote`.
    Store {
        /// The value stored.
        wrote: u64,
    },
    /// An indivisible read-modify-write (`fetch_add`, `swap`, …).
    Rmw {
        /// The operation's name.
        name: &'static str,
        /// The value it replaced.
        read: u64,
        /// The value it left.
        wrote: u64,
    },
    /// A `compare_exchange` that succeeded.
    CasOk {
        /// The value it found (the one it expected).
        read: u64,
        /// The value it stored.
        wrote: u64,
    },
    /// A `compare_exchange` that failed because the value had changed.
    CasFail {
        /// The value it found.
        read: u64,
        /// The value it expected.
        expected: u64,
    },
    /// A `compare_exchange_weak` that failed although the value matched, as
    /// weak compare-exchanges may on real hardware.
    CasSpurious {
        /// The value it found (the one it expected).
        read: u64,
        /// How many times in a row it failed so (one step shown for all of them).
        times: u32,
    },
    /// A mutex acquired; `holds` is the protected value, shown with `Debug`.
    Lock {
        /// The protected value when the lock was taken.
        holds: String,
    },
    /// A mutex released; `leaves` is the protected value.
    Unlock {
        /// The protected value when the lock was released.
        leaves: String,
        /// `true` if the holder wrote through the guard (`*guard = …`, `+=`).
        wrote: bool,
    },
    /// A `try_lock` that found the mutex taken.
    TryLockBusy,
    /// A plain (non-atomic) write through an `UnsafeCell`.
    CellWrite,
    /// A plain (non-atomic) read through an `UnsafeCell`.
    CellRead,
    /// A message put into a channel (shown with `Debug`).
    Send {
        /// The message.
        msg: String,
    },
    /// A message taken out of a channel.
    Recv {
        /// The message.
        msg: String,
    },
    /// A channel operation that had to wait: `channel full`, `channel empty`, …
    Blocked {
        /// What it waits for, in words.
        what: &'static str,
    },
    /// A `recv` (or `try_recv`) that found the channel empty and every sender gone.
    Disconnected,
    /// A `try_recv` that found the channel empty while senders were still alive.
    Empty,
    /// A sender dropped: `left` senders remain.
    HangUp {
        /// Senders still alive.
        left: u64,
    },
    /// A send that failed: every receiver was gone.
    SendFailed {
        /// The message, handed back to the sender.
        msg: String,
    },
    /// The receiver dropped.
    ReceiverDropped,
    /// A task gave the thread away at an `.await` (lab 09's executor): any waiting task may run next.
    Await {
        /// What it awaits, in words.
        what: &'static str,
    },
}

impl Op {
    fn kind(&self) -> &'static str {
        match self {
            Op::Load { .. }
            | Op::Store { .. }
            | Op::Rmw { .. }
            | Op::CasOk { .. }
            | Op::CasFail { .. }
            | Op::CasSpurious { .. } => "atomic",
            Op::Lock { .. } | Op::Unlock { .. } | Op::TryLockBusy => "mutex",
            Op::CellWrite | Op::CellRead => "cell",
            Op::Send { .. }
            | Op::Recv { .. }
            | Op::Blocked { .. }
            | Op::Disconnected
            | Op::Empty
            | Op::HangUp { .. }
            | Op::SendFailed { .. }
            | Op::ReceiverDropped => "channel",
            Op::Await { .. } => "executor",
        }
    }

    /// The value read, if the operation reads a number.
    fn read(&self) -> Option<u64> {
        match *self {
            Op::Load { read }
            | Op::Rmw { read, .. }
            | Op::CasOk { read, .. }
            | Op::CasFail { read, .. }
            | Op::CasSpurious { read, .. } => Some(read),
            _ => None,
        }
    }

    /// The value written, if the operation writes a number.
    fn wrote(&self) -> Option<u64> {
        match *self {
            Op::Store { wrote } | Op::Rmw { wrote, .. } | Op::CasOk { wrote, .. } => Some(wrote),
            _ => None,
        }
    }

    /// The operation in words, with values shown by `show`.
    fn describe(&self, show: &dyn Fn(u64) -> String) -> String {
        match *self {
            Op::Load { read } => format!("load {}", show(read)),
            Op::Store { wrote } => format!("store {}", show(wrote)),
            Op::Rmw { name, read, wrote } => format!("{name} {}→{}", show(read), show(wrote)),
            Op::CasOk { read, wrote } => format!("cas {}→{} ok", show(read), show(wrote)),
            Op::CasFail { read, expected } => {
                format!("cas failed (expected {}, found {})", show(expected), show(read))
            }
            Op::CasSpurious { read, times: 1 } => {
                format!("cas_weak failed spuriously (found {}, as expected)", show(read))
            }
            Op::CasSpurious { read, times } => {
                format!(
                    "cas_weak failed spuriously {times} times in a row (found {} each time, as expected)",
                    show(read)
                )
            }
            Op::Lock { ref holds } => format!("lock (holds {holds})"),
            Op::Unlock { ref leaves, .. } => format!("unlock (leaves {leaves})"),
            Op::TryLockBusy => "try_lock: busy".to_string(),
            Op::CellWrite => "plain write".to_string(),
            Op::CellRead => "plain read".to_string(),
            Op::Send { ref msg } => format!("send {msg}"),
            Op::Recv { ref msg } => format!("recv → {msg}"),
            Op::Blocked { what } => format!("blocked: {what}"),
            Op::Disconnected => "recv: disconnected".to_string(),
            Op::Empty => "try_recv: empty".to_string(),
            Op::HangUp { left: 0 } => "drop sender (the last: disconnected)".to_string(),
            Op::HangUp { left } => format!("drop sender ({left} left)"),
            Op::SendFailed { ref msg } => format!("send {msg} failed: no receiver"),
            Op::ReceiverDropped => "drop receiver".to_string(),
            Op::Await { what } => format!(".await {what}: another task may run"),
        }
    }
}

/// One recorded operation.
#[derive(Clone, Debug)]
pub struct Event {
    /// loom's number for the thread (0 is the model's main thread).
    pub thread: usize,
    /// The thread's name, if it was spawned with one (e.g. `observer`).
    pub thread_name: Option<String>,
    /// Address of the shared object (stable within one execution).
    pub addr: usize,
    /// The object's initial value as text, when it has one.
    pub init: String,
    /// What was done.
    pub op: Op,
    /// The source line that did it.
    pub location: &'static Location<'static>,
}

/// A thread blocked in `lock()`: which mutex, from which line.
#[derive(Clone, Debug)]
pub struct Waiting {
    /// loom's number for the thread.
    pub thread: usize,
    /// Address of the mutex.
    pub addr: usize,
    /// The `lock()` call.
    pub location: &'static Location<'static>,
    /// What it waits for, when it is not a lock (`to send: the channel is full`).
    pub what: Option<String>,
    /// The thread it waits for in `join()`, if that is what it does.
    pub joins: Option<usize>,
}

thread_local! {
    static EVENTS: RefCell<Vec<Event>> = const { RefCell::new(Vec::new()) };
    static WAITING: RefCell<Vec<Waiting>> = const { RefCell::new(Vec::new()) };
    /// Names of threads that blocked before any operation of theirs named them (a task's
    /// first step a wait for a lock): a deadlock report calls them by name, not `T2`.
    static WAITER_NAMES: RefCell<Vec<(usize, String)>> = const { RefCell::new(Vec::new()) };
    static SPURIOUS: Cell<bool> = const { Cell::new(false) };
    static EXACT_TRY_LOCK: Cell<bool> = const { Cell::new(false) };
    static WEAK_CAS_USED: Cell<bool> = const { Cell::new(false) };
    /// Each thread's spurious failures so far at each call site, in the spurious pass.
    static FAILED_WEAK: RefCell<Vec<(usize, &'static Location<'static>, u32)>> = const { RefCell::new(Vec::new()) };
    static PENDING: RefCell<Vec<Pending>> = const { RefCell::new(Vec::new()) };
    static HELD_WORD: Cell<Option<usize>> = const { Cell::new(None) };
    static INTERFERE: Cell<Interference> =
        const { Cell::new(Interference { left: 0, used: 0, other: None, transient: false }) };
}

thread_local! {
    /// Values simulated rivals wrote, by address: kept beside loom's memory until the
    /// word is next used for anything but a load or a lost exchange (see [`shadow`]).
    static SHADOWS: RefCell<Vec<(usize, u64)>> = const { RefCell::new(Vec::new()) };
}

/// In the judge's contended run, the value a simulated rival left in the word at
/// `addr`, kept here instead of in loom's memory: a retry loop that loads the word
/// and loses another exchange costs loom no operation (loom allows the one-thread
/// run [`crate::check::SEQUENTIAL_MAX_BRANCHES`]), so the rival can win as many
/// races as [`crate::judge::contention::LOST_RACES`] says. Sound because that run
/// has one thread: nothing else reads loom's stale value before it is written back.
pub fn shadow(addr: usize, value: u64) {
    SHADOWS.with(|s| {
        let mut shadows = s.borrow_mut();
        match shadows.iter_mut().find(|(a, _)| *a == addr) {
            Some(slot) => slot.1 = value,
            None => shadows.push((addr, value)),
        }
    });
}

/// The value a simulated rival left at `addr`, if any (see [`shadow`]).
pub fn shadowed(addr: usize) -> Option<u64> {
    SHADOWS.with(|s| s.borrow().iter().find(|(a, _)| *a == addr).map(|&(_, v)| v))
}

/// Takes the value a simulated rival left at `addr`, to write it back to loom's memory.
pub fn unshadow(addr: usize) -> Option<u64> {
    SHADOWS.with(|s| {
        let mut shadows = s.borrow_mut();
        let at = shadows.iter().position(|(a, _)| *a == addr)?;
        Some(shadows.swap_remove(at).1)
    })
}

/// What a simulated rival does to a word (see [`after_next_look`]).
#[derive(Clone, Copy, Debug)]
pub enum Rival {
    /// Writes this value (other buyers sold every ticket: the capacity). What
    /// is right then depends on whether the code had written first, so the
    /// code's own write to the word disarms this rival.
    Writes(u64),
    /// Replaces the value `v` with `f(v)` (another transfer, another publish):
    /// right before or after the code's own writes alike, so this rival waits
    /// for a look after them too (a `fetch_add` of half, then a `load` and a
    /// `store` of the other half, meets it).
    Applies(OtherThread),
    /// Replaces the value `v` with `f(v)` between the code's first look and its
    /// next look (a load), never at a write: a reader that takes one value in two
    /// loads (one account, then the other) sees a word that changed in between.
    BetweenLooks(OtherThread),
}

thread_local! {
    /// A simulated rival armed to change a word between the code's look at it and its
    /// next write (see [`after_next_look`]), whether the code has looked, and whether
    /// the rival acted.
    static STALE_LOOK: Cell<(Armed, bool, bool)> = const { Cell::new((None, false, false)) };
}

/// The word a rival of [`after_next_look`] waits at, and what it does there.
type Armed = Option<(usize, Rival)>;

/// Arms a simulated rival that changes the atomic at `addr` between the code's
/// look at it — a load, or a compare-exchange that failed (it returns what it
/// found) — and the code's next write to it (a store, a read-modify-write, an
/// exchange), once the rival of [`interfere`], if any, has won all its races:
/// whatever the code decided from its look is decided on a stale value. A
/// shortcut that trusts the look (a blind `fetch_add` because the look said
/// plenty of tickets are left; a `load` and a `store` after losing a few races)
/// writes over the rival's change; a compare-and-swap of the looked-at value
/// fails and sees it. Catches on one thread what loom would need more threads
/// than it models to show. A write with no look before it disarms a rival that
/// [`Rival::Writes`] (the code trusted no look); the rival waits while the code
/// holds one of the model's locks (see [`lock_taken`]). `after_next_look(None)`
/// disarms it.
///
/// ```
/// use racelab::trace::{self, Rival};
/// trace::after_next_look(Some((0x1000, Rival::Writes(9))));
/// trace::looked_at(0x1000);
/// assert_eq!(trace::write_due(0x1000, || 3), Some(9));
/// assert!(trace::stale_look_taken());
/// trace::after_next_look(None);
/// ```
pub fn after_next_look(rival: Option<(usize, Rival)>) {
    STALE_LOOK.with(|s| s.set((rival, false, false)));
    BETWEEN_LOOKS_LEFT.with(|l| l.set(1));
}

/// The code looked at the atomic at `addr` (a load, a failed exchange; see [`after_next_look`]).
pub fn looked_at(addr: usize) {
    STALE_LOOK.with(|s| {
        if let (Some((at, rival)), false, fired) = s.get()
            && at == addr
        {
            s.set((Some((at, rival)), true, fired));
        }
    });
}

/// The code is about to write to the atomic at `addr`, which holds `now()` (read
/// only if the rival acts): the value the rival of [`after_next_look`] leaves
/// there first, if it acts now.
pub fn write_due(addr: usize, now: impl FnOnce() -> u64) -> Option<u64> {
    let (armed, looked, _) = STALE_LOOK.with(Cell::get);
    let (at, rival) = armed?;
    if at != addr {
        return None;
    }
    if !looked {
        // A write that trusted no look: a rival that sells out has nothing to make stale.
        if matches!(rival, Rival::Writes(_)) {
            STALE_LOOK.with(|s| s.set((None, false, false)));
        }
        return None;
    }
    // Writing under a lock: another thread that takes the same lock (it runs the same code)
    // cannot change the word now.
    if LOCKS_HELD.with(Cell::get) > 0 {
        return None;
    }
    let theirs = match rival {
        Rival::Writes(theirs) => theirs,
        Rival::Applies(other) => other(now()),
        Rival::BetweenLooks(_) => return None,
    };
    // A write after a look while the rival of `interfere` still had races to win: the code
    // stopped trying ("after 2 000 lost races, just store it"), and another thread's change
    // lands between its last look and this write. The races it did not get to are moot.
    INTERFERE.with(|cell| {
        let mut i = cell.get();
        i.left = 0;
        cell.set(i);
    });
    STALE_LOOK.with(|s| s.set((None, false, true)));
    Some(theirs)
}

/// The code is about to look at (load) the atomic at `addr`, which holds
/// `now()`: the value a [`Rival::BetweenLooks`] leaves there first, if the code
/// has looked at it before and the rival has not acted yet.
///
/// ```
/// use racelab::trace::{self, Rival};
/// trace::after_next_look(Some((0x1000, Rival::BetweenLooks(|v| v + 1))));
/// assert_eq!(trace::look_due(0x1000, || 3), None, "the first look sees the word as it is");
/// trace::looked_at(0x1000);
/// assert_eq!(trace::look_due(0x1000, || 3), Some(4), "the second sees the rival's change");
/// assert!(trace::stale_look_taken());
/// trace::after_next_look(None);
/// ```
pub fn look_due(addr: usize, now: impl FnOnce() -> u64) -> Option<u64> {
    let (armed, looked, _) = STALE_LOOK.with(Cell::get);
    let Some((at, Rival::BetweenLooks(other))) = armed else { return None };
    if at != addr || !looked || INTERFERE.with(|i| i.get().left > 0) || LOCKS_HELD.with(Cell::get) > 0 {
        return None;
    }
    // Between the next `between_looks_times` pairs of looks, once by default.
    let left = BETWEEN_LOOKS_LEFT.with(Cell::get);
    if left > 1 {
        BETWEEN_LOOKS_LEFT.with(|l| l.set(left - 1));
        STALE_LOOK.with(|s| s.set((armed, true, true)));
    } else {
        STALE_LOOK.with(|s| s.set((None, false, true)));
    }
    Some(other(now()))
}

thread_local! {
    /// How many more times a [`Rival::BetweenLooks`] acts (see [`between_looks_times`]).
    static BETWEEN_LOOKS_LEFT: Cell<u32> = const { Cell::new(1) };
}

/// Makes an armed [`Rival::BetweenLooks`] act before each of the code's next
/// `times` looks after its first (1: once, the default again after each use of
/// [`after_next_look`]): a reader that reads again until two looks agree, and
/// after some mismatches reads the two halves in two loads, meets a change
/// between those too.
///
/// ```
/// use racelab::trace::{self, Rival};
/// trace::after_next_look(Some((0x1000, Rival::BetweenLooks(|v| v + 1))));
/// trace::between_looks_times(2);
/// trace::looked_at(0x1000);
/// assert_eq!(trace::look_due(0x1000, || 3), Some(4));
/// assert_eq!(trace::look_due(0x1000, || 4), Some(5));
/// assert_eq!(trace::look_due(0x1000, || 5), None, "twice, then gone");
/// trace::after_next_look(None);
/// ```
pub fn between_looks_times(times: u32) {
    BETWEEN_LOOKS_LEFT.with(|l| l.set(times.max(1)));
}

/// The code wrote `value` to `addr` itself: the watcher of [`watch`] reads it.
pub fn wrote(addr: usize, value: u64) {
    WATCH.with(|w| {
        let (watched, seen) = w.get();
        if let Some((at, (key, kept))) = watched
            && at == addr
            && seen.is_none()
            && key(value) != kept
        {
            w.set((watched, Some(value)));
        }
    });
}

/// What must stay the same in every value written to a word: `key(v)` must be this.
pub type Kept = (fn(u64) -> u64, u64);

/// The word [`watch`] reads after each write, and what must stay the same in it.
type Watched = Option<(usize, Kept)>;

thread_local! {
    /// A simulated thread that reads a word after each of the code's writes (see
    /// [`watch`]), and the first value it saw break what must stay the same.
    static WATCH: Cell<(Watched, Option<u64>)> = const { Cell::new((None, None)) };
}

/// Arms a simulated thread that reads the atomic at `addr` after every write
/// the code makes to it, and checks that `kept.0(v)` is `kept.1` in each value
/// `v` written: the sum of two accounts packed in one word, say. A transfer in
/// two steps (`fetch_sub` from one half, then `fetch_add` to the other) writes
/// a word whose sum is off between them, which another thread can read; loom
/// shows it only when the two steps run, which may take more lost races than
/// its few threads can lose. `watch(None)` disarms it.
///
/// ```
/// use racelab::trace;
/// trace::watch(Some((0x1000, (|v| v % 10, 3))));
/// trace::wrote(0x1000, 13);
/// assert_eq!(trace::watched_wrong(), None);
/// trace::wrote(0x1000, 14);
/// assert_eq!(trace::watched_wrong(), Some(14));
/// trace::watch(None);
/// ```
pub fn watch(watched: Option<(usize, Kept)>) {
    WATCH.with(|w| w.set((watched, None)));
}

/// The first value written that broke what [`watch`] keeps, if any.
pub fn watched_wrong() -> Option<u64> {
    WATCH.with(|w| w.get().1)
}

/// Whether the rival of [`after_next_look`] changed its word.
pub fn stale_look_taken() -> bool {
    STALE_LOOK.with(|s| s.get().2)
}

thread_local! {
    /// How many of the model's locks the running thread holds (see [`lock_taken`]).
    static LOCKS_HELD: Cell<u32> = const { Cell::new(0) };
}

/// What the rival of [`between_lockings`] does to the locked value, given a pointer to it.
pub type Relocking = Box<dyn FnMut(*mut ())>;

/// The rival of [`between_lockings`]: the lock it waits at, what it does there,
/// whether the code has let that lock go, and whether the rival acted.
struct BetweenLockings {
    addr: usize,
    act: Relocking,
    released: bool,
    /// Whether, since the code let the lock go, it held no other lock at some moment: a
    /// rival can only get in then (see [`lock_taken`]).
    gap_open: bool,
    /// How many more of the code's lockings it gets in before.
    left: u32,
    /// How many times it did.
    used: u32,
}

thread_local! {
    /// The armed rival of [`between_lockings`], if any.
    static BETWEEN_LOCKINGS: RefCell<Option<BetweenLockings>> = const { RefCell::new(None) };
}

/// Arms a simulated thread that waits for the model's mutex at `addr` and gets it
/// between the code's unlocking of it and the code's next locking of it — at the
/// code's next `times` lockings after an unlocking — doing `act` to the value it
/// guards each time (`act` is handed a pointer to that value).
/// Code that checks under one locking and acts under another ("a ticket is
/// left", then sell; read `a`, then read `b`; read, then write) decides on what
/// it saw before the other thread ran; code that does its whole job under one
/// locking never lets it in. loom would need more threads, or more of its
/// budget, than it has to show this (a fast path taken only while plenty is
/// left, a fallback after a few busy `try_lock`s). `between_lockings(None)`
/// disarms it; the judge arms it through
/// `judge::contention::between_two_lockings`, which ties `act` to the mutex's
/// value type.
///
/// ```
/// use racelab::trace;
/// trace::between_lockings(Some((0x2000, 1, Box::new(|_| {}))));
/// trace::locking(0x2000, std::ptr::null_mut()); // the first locking: nothing happens
/// trace::unlocked(0x2000);
/// trace::locking(0x2000, std::ptr::null_mut()); // the second: the rival acts (here, nothing)
/// assert!(trace::between_lockings_acted());
/// trace::between_lockings(None);
/// ```
pub fn between_lockings(rival: Option<(usize, u32, Relocking)>) {
    let armed = rival.map(|(addr, times, act)| BetweenLockings {
        addr,
        act,
        released: false,
        gap_open: false,
        left: times,
        used: 0,
    });
    BETWEEN_LOCKINGS.with(|b| *b.borrow_mut() = armed);
}

/// Whether the rival of [`between_lockings`] acted since it was armed.
pub fn between_lockings_acted() -> bool {
    between_lockings_used() > 0
}

/// How many times the rival of [`between_lockings`] got the lock in before the code.
pub fn between_lockings_used() -> u32 {
    BETWEEN_LOCKINGS.with(|b| b.borrow().as_ref().map_or(0, |b| b.used))
}

/// The code has just taken the model's mutex at `addr`, whose value is at
/// `value`: the rival of [`between_lockings`] acts on it now if the code let this
/// lock go before — and held no other lock for a moment since: a lock held across
/// both lockings (a `static` lock every call takes) keeps every other call out, as
/// it keeps out the rival of [`after_next_look`]. The model's mutex calls this while
/// the lock is held, before the code can read the value.
pub fn locking(addr: usize, value: *mut ()) {
    let others_held = LOCKS_HELD.with(Cell::get) > 0;
    BETWEEN_LOCKINGS.with(|b| {
        if let Some(b) = b.borrow_mut().as_mut()
            && b.addr == addr
            && b.released
            && (b.gap_open || !others_held)
            && b.left > 0
        {
            b.left -= 1;
            b.used += 1;
            b.released = false;
            (b.act)(value);
        }
    });
}

/// The code let go of the model's mutex at `addr` (see [`between_lockings`]).
pub fn unlocked(addr: usize) {
    let others_held = LOCKS_HELD.with(Cell::get) > 0;
    BETWEEN_LOCKINGS.with(|b| {
        if let Some(b) = b.borrow_mut().as_mut() {
            if b.addr == addr {
                b.released = true;
                b.gap_open = !others_held;
            } else if b.released && !others_held {
                // The last other lock let go while this one was free: the gap is open now.
                b.gap_open = true;
            }
        }
    });
}

/// The running thread took one of the model's locks (a `Mutex`, std's or
/// `parking_lot`'s): while it holds one, the rival of [`after_next_look`] waits —
/// the look was taken under a lock every other call takes too (a `static` lock
/// around a load and a store is right, if slow).
pub fn lock_taken() {
    LOCKS_HELD.with(|n| n.set(n.get() + 1));
}

/// The running thread let go of one of the model's locks (see [`lock_taken`]).
pub fn lock_released() {
    LOCKS_HELD.with(|n| n.set(n.get().saturating_sub(1)));
}

thread_local! {
    /// The largest number the code being judged writes, whether it makes rivals
    /// more patient than usual, and whether its code computes larger ones (see [`set_patience`]).
    static PATIENCE: Cell<(u64, bool, bool)> = const { Cell::new((0, false, false)) };
}

/// Keeps the largest number the learner's code writes for the exercise being
/// judged, whether it `raised` the judge's rivals above their usual patience,
/// and whether the code `computes` numbers no literal shows (`1 << n`: then the
/// rivals are as patient as they ever are; see `judge::contention::patience`,
/// which sets it). Whatever the count, a rival lets go after [`PATIENT_CPU`] of
/// the call's CPU time (three times that while fewer tries than the code's own
/// largest number were made: a busy machine slows each try).
pub fn set_patience(largest: u64, raised: bool, computes: bool) {
    PATIENCE.with(|p| p.set((largest, raised, computes)));
}

/// Whether the code being judged computes numbers no literal shows (see [`set_patience`]).
pub fn patience_unbounded() -> bool {
    PATIENCE.with(|p| p.get().2)
}

/// The largest number kept by [`set_patience`] (0: none).
pub fn patience() -> u64 {
    PATIENCE.with(|p| p.get().0)
}

/// Whether the judge's rivals are more patient than usual now (see [`set_patience`]).
pub fn patience_raised() -> bool {
    PATIENCE.with(|p| p.get().1)
}

/// Whether the running thread is in the judge's one-thread contended call (a rival
/// armed, even one that has let go since): it is alone, so a spin hint or a yield
/// has no one to let run and costs loom nothing.
pub fn contended_alone() -> bool {
    ALONE.with(Cell::get)
}

thread_local! {
    /// From [`interfere`] or [`interfere_briefly`] arming a rival until `interfere(0, …)`:
    /// the judge's one-thread contended call is running (see [`contended_alone`]).
    static ALONE: Cell<bool> = const { Cell::new(false) };
}

/// Makes the next `times` compare-exchanges (strong or weak) meet contention:
/// just before each, another (simulated) thread replaces the value `v` with
/// `other(v)`, so the exchange fails and must be retried. The judge runs each
/// compare-and-swap answer this way on one thread: a loop that gives up after
/// a few lost races is caught, one that retries succeeds.
pub fn interfere(times: u32, other: fn(u64) -> u64) {
    if times > 0 {
        RIVALS.with(|r| r.set((r.get().0, true)));
        SHADOWS.with(|s| s.borrow_mut().clear());
        rival_starts();
    }
    ALONE.with(|alone| alone.set(times > 0));
    INTERFERE.with(|i| i.set(Interference { left: times, used: 0, other: Some(other), transient: false }));
}

/// Like [`interfere`], but the other thread puts the value back right after
/// the exchange failed — a lock another worker holds for a moment and then
/// releases. A spin lock that retries gets it on attempt `times + 1`; one that
/// gives up sooner is caught.
pub fn interfere_briefly(times: u32, other: fn(u64) -> u64) {
    if times > 0 {
        RIVALS.with(|r| r.set((r.get().0, true)));
        rival_starts();
    }
    ALONE.with(|alone| alone.set(times > 0));
    HELD_WORD.with(|word| word.set(None));
    INTERFERE.with(|i| i.set(Interference { left: times, used: 0, other: Some(other), transient: true }));
}

/// The simulated contention of [`interfere`]: how many left, how many happened.
#[derive(Clone, Copy, Debug)]
struct Interference {
    left: u32,
    used: u32,
    other: Option<fn(u64) -> u64>,
    transient: bool,
}

/// What a simulated other thread does to a value (see [`interfere`]).
pub type OtherThread = fn(u64) -> u64;

thread_local! {
    /// Set while an executor of the checker starts a task as one of loom's threads.
    static STARTING_TASK: Cell<bool> = const { Cell::new(false) };
}

/// Notes that the checker's executor is starting a task (`true`) or is done
/// (`false`): loom counts every task as one of its few threads, and a check that
/// runs out of them while starting a task reports tasks, not threads.
pub fn starting_task(now: bool) {
    STARTING_TASK.with(|s| s.set(now));
}

/// Whether loom stopped while a task was being started (and forgets it).
pub fn stopped_starting_task() -> bool {
    STARTING_TASK.with(|s| s.replace(false))
}

thread_local! {
    /// (an operation another thread could have beaten ran, a rival was armed), since [`reset_rivals`].
    static RIVALS: Cell<(bool, bool)> = const { Cell::new((false, false)) };
}

/// Notes an operation another thread could have beaten — a compare-exchange,
/// a `try_lock`, a `swap` — which a retry loop would retry (see [`rivals`]).
/// The judge's own code (it peeks at a lock with `try_lock`) does not count.
pub fn note_contendable(location: &'static Location<'static>) {
    // Once is enough, and a retry loop losing millions of races calls this at each.
    if RIVALS.with(|r| r.get().0) {
        return;
    }
    if !in_judge(&tidy_path(location.file())) {
        RIVALS.with(|r| r.set((true, r.get().1)));
    }
}

/// `true` for a path in the judge's own code: the engine's (`src/judge/`) or a
/// lab's spec for it (`labs/NN_slug/judge.rs`).
pub fn in_judge(path: &str) -> bool {
    path.starts_with("src/judge/") || (path.starts_with("labs/") && path.ends_with("/judge.rs"))
}

/// Forgets what [`rivals`] reports; the judge calls it before an exercise's one-thread check.
/// Unlike the trace, it outlives [`clear`]: a check may run several executions.
pub fn reset_rivals() {
    RIVALS.with(|r| r.set((false, false)));
}

/// Since [`reset_rivals`]: whether an operation ran that a retry loop would
/// retry when another thread got in first, and whether a rival was armed
/// ([`interfere`], [`interfere_briefly`]). The judge gives no "solved" to an
/// exercise that did the first without the second: a loop that gives up
/// after a few lost races would pass unseen.
///
/// ```
/// use racelab::trace;
/// trace::reset_rivals();
/// trace::note_contendable(std::panic::Location::caller());
/// assert_eq!(trace::rivals(), (true, false));
/// trace::interfere(3, |v| v + 1);
/// assert_eq!(trace::rivals(), (true, true));
/// trace::interfere(0, |v| v);
/// ```
pub fn rivals() -> (bool, bool) {
    RIVALS.with(Cell::get)
}

/// The interference due at this compare-exchange, if any (and counts it):
/// the other thread's change, and whether it is undone after the exchange.
pub fn interference(location: &'static Location<'static>) -> Option<(OtherThread, bool)> {
    note_contendable(location);
    INTERFERE.with(|cell| {
        let mut i = cell.get();
        let other = i.other.filter(|_| i.left > 0)?;
        i.spend();
        cell.set(i);
        Some((other, i.transient))
    })
}

/// How much of its own CPU time a call may spend losing races to a rival (see
/// [`interfere`], [`set_patience`]) before the rival lets go: a retry loop with a
/// growing back-off (spin 1, 2, 4 … 65 536 times between tries) is right, and
/// would otherwise spin for minutes against 50 000 lost races. A loop that gives
/// up after 2^27 tight retries spends ~3.5 s: it is still caught.
pub const PATIENT_CPU: std::time::Duration = std::time::Duration::from_secs(4);

/// The CPU time this thread has used (0 where the clock is missing).
pub(crate) fn thread_cpu() -> std::time::Duration {
    let mut now = libc::timespec { tv_sec: 0, tv_nsec: 0 };
    // Safety: clock_gettime only writes the timespec it is given.
    let ok = unsafe { libc::clock_gettime(libc::CLOCK_THREAD_CPUTIME_ID, &mut now) } == 0;
    if !ok {
        return std::time::Duration::ZERO;
    }
    std::time::Duration::new(u64::try_from(now.tv_sec).unwrap_or(0), u32::try_from(now.tv_nsec).unwrap_or(0))
}

thread_local! {
    /// This thread's CPU time when the current rival started (see [`PATIENT_CPU`]).
    static RIVAL_SINCE: Cell<std::time::Duration> = const { Cell::new(std::time::Duration::ZERO) };
    /// When the current rival started, by the clock on the wall (see [`Interference::spend`]).
    static RIVAL_WALL: Cell<Option<std::time::Instant>> = const { Cell::new(None) };
}

/// Notes when a rival starts: its patience is counted from here.
fn rival_starts() {
    RIVAL_SINCE.with(|since| since.set(thread_cpu()));
    RIVAL_WALL.with(|wall| wall.set(Some(std::time::Instant::now())));
}

impl Interference {
    /// One race won by the rival (or one try at the lock it holds). Each of the first
    /// 256 races, then every 256th, it looks at the time: the rival lets go after
    /// [`PATIENT_CPU`] of the call's CPU time — or of wall time, for a loop that sleeps
    /// between tries (a `try_lock` with a 10 ms nap spends no CPU, and 12 000 naps are
    /// two minutes), but never before the learner's own largest number of tries
    /// ([`patience`]): a loop that gives up after that many is still caught.
    fn spend(&mut self) {
        self.left -= 1;
        self.used += 1;
        if self.used < 256 || self.used.is_multiple_of(256) {
            let spent = thread_cpu().saturating_sub(RIVAL_SINCE.with(Cell::get));
            let waited = RIVAL_WALL.with(Cell::get).map_or(std::time::Duration::ZERO, |t| t.elapsed());
            // Before the learner's own largest number of tries, a busy machine (a core shared
            // with another judge) may make each try slower: the CPU budget is three times longer
            // there, so a loop that gives up after `1 << 26` tries is caught under load too.
            let own_tries_left = u64::from(self.used) <= patience();
            let cpu_budget = if own_tries_left { PATIENT_CPU * 3 } else { PATIENT_CPU };
            if spent > cpu_budget || (waited > PATIENT_CPU && !own_tries_left) {
                self.left = 0;
            }
        }
    }
}

/// How many times another thread got in first since [`interfere`] (an answer
/// that uses no compare-exchange, `fetch_add` say, meets none).
pub fn interference_used() -> u32 {
    INTERFERE.with(|cell| cell.get().used)
}

/// The lock word of the judge's contended run: from the first exchange that
/// found it held, loads and swaps of it see the simulated holder too.
pub fn hold_is_on(addr: usize) {
    HELD_WORD.with(|word| word.set(Some(addr)));
}

/// In the judge's contended run with a lock held elsewhere, a `swap` on a
/// word no exchange has touched yet: it is the lock word, held from now on
/// (a test-and-set lock built on `swap` alone meets the holder too).
pub fn hold_if_briefly(addr: usize) {
    let briefly = INTERFERE.with(|cell| {
        let i = cell.get();
        i.transient && i.left > 0
    });
    if briefly && HELD_WORD.with(Cell::get).is_none() {
        hold_is_on(addr);
    }
}

/// In the judge's contended run, the value a load or swap of `addr` sees
/// while the simulated holder still has the lock (and counts the attempt).
pub fn held_elsewhere(addr: usize) -> Option<u64> {
    if HELD_WORD.with(Cell::get) != Some(addr) {
        return None;
    }
    INTERFERE.with(|cell| {
        let mut i = cell.get();
        let other = i.other.filter(|_| i.transient && i.left > 0)?;
        i.spend();
        cell.set(i);
        Some(other(0))
    })
}

/// A blocking `lock()` during the judge's contended run: the thread waits
/// until the simulated holder lets go, so no contended attempt is left.
pub fn interference_waited() {
    INTERFERE.with(|cell| {
        let mut i = cell.get();
        // Only a simulated *holder* is waited out (`interfere_briefly`). Rivals that win
        // compare-and-swap races (`interfere`) change the value at each exchange: taking a
        // lock (a `static` one around a right `fetch_add`, say) meets none of them.
        if !i.transient {
            return;
        }
        i.used += i.left;
        i.left = 0;
        cell.set(i);
    });
}

/// How many of the simulated contended attempts are still due: above 0 after
/// an answer returned, it stopped trying while the other thread still had
/// the lock (or kept winning the race) — it gave up.
pub fn interference_left() -> u32 {
    INTERFERE.with(|cell| cell.get().left)
}

/// The operation a thread is about to perform (the stepper shows it as that
/// thread's next step).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Pending {
    /// The backend's number for the thread.
    pub thread: usize,
    /// The operation's name: `load`, `lock`, `fetch_add`, …
    pub op: &'static str,
    /// The source line.
    pub location: &'static Location<'static>,
    /// The object it operates on (its address), when that matters: the mutex a `lock` waits for.
    pub object: Option<usize>,
    /// The value it will write, when the operation says so before it runs (`store 1`).
    pub writes: Option<u64>,
}

/// Notes that `thread` is about to perform `op` at `location`.
pub fn set_pending(thread: usize, op: &'static str, location: &'static Location<'static>) {
    set_pending_on(thread, op, None, location);
}

/// Notes that `thread` is about to perform `op` on the object at `object` (a `lock`: the stepper
/// then knows whether the thread would have to wait).
pub fn set_pending_on(thread: usize, op: &'static str, object: Option<usize>, location: &'static Location<'static>) {
    PENDING.with(|pending| {
        let mut pending = pending.borrow_mut();
        pending.retain(|p| p.thread != thread);
        pending.push(Pending { thread, op, location, object, writes: None });
    });
}

/// Notes that `thread` is about to perform `op`, which writes `value` (a `store`, a `swap`).
pub fn set_pending_write(thread: usize, op: &'static str, value: u64, location: &'static Location<'static>) {
    set_pending_on(thread, op, None, location);
    PENDING.with(|pending| {
        if let Some(p) = pending.borrow_mut().iter_mut().find(|p| p.thread == thread) {
            p.writes = Some(value);
        }
    });
}

/// Updates `held` — who holds each mutex: (its address, the holder's thread, the step it
/// locked at) — with the events from step `from + 1` on.
pub fn track_locks(held: &mut Vec<(usize, usize, usize)>, events: &[Event], from: usize) {
    for (i, e) in events.iter().enumerate().skip(from) {
        match e.op {
            Op::Lock { .. } => held.push((e.addr, e.thread, i + 1)),
            Op::Unlock { .. } => held.retain(|(addr, _, _)| *addr != e.addr),
            _ => {}
        }
    }
}

/// The operations threads are about to perform.
pub fn pending() -> Vec<Pending> {
    PENDING.with(|pending| pending.borrow().clone())
}

/// Empties the buffers; the checker calls it at the start of every execution.
pub fn clear() {
    ALONE.with(|alone| alone.set(false));
    HELD_WORD.with(|word| word.set(None));
    SHADOWS.with(|s| s.borrow_mut().clear());
    STALE_LOOK.with(|s| s.set((None, false, false)));
    WATCH.with(|w| w.set((None, None)));
    LOCKS_HELD.with(|n| n.set(0));
    INTERFERE.with(|i| i.set(Interference { left: 0, used: 0, other: None, transient: false }));
    PENDING.with(|pending| pending.borrow_mut().clear());
    EVENTS.with(|events| events.borrow_mut().clear());
    WAITING.with(|waiting| waiting.borrow_mut().clear());
    WAITER_NAMES.with(|names| names.borrow_mut().clear());
    FAILED_WEAK.with(|failed| failed.borrow_mut().clear());
    THREADS.with(|n| n.set(Threads::default()));
}

/// How many times in a row each thread's first weak compare-exchanges at each call site
/// fail in the spurious pass: twice, so that a loop which gives up (or stores blindly)
/// after a second failure in a row is caught as well as one that gives up at the first.
/// A spurious failure costs loom no step, but a loop that loads again before its next
/// try does: each more failure in a row is one more load per thread to interleave.
pub const SPURIOUS_IN_A_ROW: u32 = 2;

thread_local! {
    /// How many times in a row the spurious mode makes a weak compare-exchange fail: loom's
    /// pass uses [`SPURIOUS_IN_A_ROW`], the one-thread check many more (see [`set_spurious_run`]).
    static SPURIOUS_LIMIT: Cell<u32> = const { Cell::new(SPURIOUS_IN_A_ROW) };
}

/// How many spurious failures in a row the judge's one-thread check makes a weak
/// compare-exchange meet (see [`set_spurious_run`]), unless the code names a larger
/// give-up count: on one thread a spurious failure costs loom no step, and a loop that
/// loads again before each retry spends one step per failure of the run's 60 000.
pub const SPURIOUS_RUN: u32 = 10_001;

/// The spurious mode for the judge's one-thread check: `Some(n)` makes each thread's
/// first `n` weak compare-exchanges at each call site (in each model run) fail although
/// the value matched; `None` turns it off. A loop that gives up, or stores blindly,
/// after any number of spurious failures in a row below `n` is caught, where loom's
/// second pass, paying for each with interleavings, makes only [`SPURIOUS_IN_A_ROW`].
pub fn set_spurious_run(n: Option<u32>) {
    SPURIOUS_LIMIT.with(|l| l.set(n.unwrap_or(SPURIOUS_IN_A_ROW)));
    SPURIOUS.with(|s| s.set(n.is_some()));
    FAILED_WEAK.with(|failed| failed.borrow_mut().clear());
}

/// Turns the spurious-failure pass on or off (see [`weak_cas_fails`]).
///
/// loom's `compare_exchange_weak` never fails spuriously, but real hardware
/// (ARM's load-linked/store-conditional) does. The checker therefore runs a
/// second pass over every interleaving in which each thread's *first* weak
/// compare-exchanges at each call site fail although the value matched,
/// [`SPURIOUS_IN_A_ROW`] times in a row.
pub fn set_spurious(on: bool) {
    SPURIOUS.with(|s| s.set(on));
    WEAK_CAS_USED.with(|u| u.set(false));
}

/// `true` if any `compare_exchange_weak` ran since [`set_spurious`].
pub fn weak_cas_used() -> bool {
    WEAK_CAS_USED.with(Cell::get)
}

/// Decides whether the weak compare-exchange by `thread` (asked only in the
/// spurious pass: naming a loom thread costs) at `location` fails spuriously
/// now: in the spurious pass, the first [`SPURIOUS_IN_A_ROW`] per thread and site do.
pub fn weak_cas_fails(thread: impl FnOnce() -> usize, location: &'static Location<'static>) -> bool {
    WEAK_CAS_USED.with(|u| u.set(true));
    if !SPURIOUS.with(Cell::get) {
        return false;
    }
    // The judge's one-thread run counts per call site alone: naming a loom thread at every weak
    // exchange (tens of thousands against a rival) cost lab 03's check seconds.
    let thread = if SPURIOUS_LIMIT.with(Cell::get) > SPURIOUS_IN_A_ROW { 0 } else { thread() };
    FAILED_WEAK.with(|failed| {
        let mut failed = failed.borrow_mut();
        match failed.iter_mut().find(|(t, l, _)| *t == thread && std::ptr::eq(*l, location)) {
            Some((_, _, times)) if *times < SPURIOUS_LIMIT.with(Cell::get) => {
                *times += 1;
                true
            }
            Some(_) => false,
            None => {
                failed.push((thread, location, 1));
                true
            }
        }
    })
}

/// Makes the model's mutexes made from now on keep `try_lock` exact (see
/// `sync::model::Mutex`): slower to explore, so the checker turns it on only
/// after loom stopped at its own `try_lock` deadlock ([`LOOM_376`]).
pub fn set_exact_try_lock(on: bool) {
    EXACT_TRY_LOCK.with(|e| e.set(on));
}

/// Whether the model's mutexes made now keep `try_lock` exact.
pub fn exact_try_lock() -> bool {
    EXACT_TRY_LOCK.with(Cell::get)
}

/// loom's issue whose deadlock [`IN_TRY_LOCK`] names.
pub const LOOM_376: &str = "tokio-rs/loom#376";

/// What a [`Waiting`] entry says while a thread is inside a `try_lock`: loom
/// 0.7 blocks a thread whose pending `try_lock` meets another thread taking
/// the lock (tokio-rs/loom#376), though a real `try_lock` never waits.
pub const IN_TRY_LOCK: &str = "inside a `try_lock`";

/// The threads the model started since the last [`clear`]: how many, how many are
/// not joined yet, and the most there were not joined at one time.
#[derive(Clone, Copy, Default)]
struct Threads {
    started: u32,
    alive: u32,
    most: u32,
}

thread_local! {
    static THREADS: Cell<Threads> = const { Cell::new(Threads { started: 0, alive: 0, most: 0 }) };
}

/// Counts a thread started in the model (by `thread::spawn` or a scope).
pub fn note_spawn() {
    THREADS.with(|n| {
        let t = n.get();
        n.set(Threads { started: t.started + 1, alive: t.alive + 1, most: t.most.max(t.alive + 1) });
    });
}

/// Counts a thread joined in the model (by its handle or at the end of its scope).
pub fn note_joined() {
    THREADS.with(|n| {
        let t = n.get();
        n.set(Threads { alive: t.alive.saturating_sub(1), ..t });
    });
}

/// Threads started in the model since the last [`clear`].
pub fn spawned() -> u32 {
    THREADS.with(|n| n.get().started)
}

/// The most threads started in the model and not yet joined at one time since
/// the last [`clear`]: 1 when each thread is joined before the next starts
/// (spawn, join, spawn, join: the threads never run at once), whatever the
/// schedule — a thread counts from its `spawn` to its `join`, not while it runs.
///
/// ```
/// use racelab::trace;
/// trace::clear();
/// trace::note_spawn();
/// trace::note_joined();
/// trace::note_spawn();
/// assert_eq!((trace::spawned(), trace::most_threads_at_once()), (2, 1));
/// trace::note_spawn();
/// assert_eq!(trace::most_threads_at_once(), 2);
/// ```
pub fn most_threads_at_once() -> u32 {
    THREADS.with(|n| n.get().most)
}

/// Notes that `thread` is about to block on the mutex at `addr`.
pub fn wait_begin(thread: usize, addr: usize, location: &'static Location<'static>) {
    WAITING.with(|waiting| waiting.borrow_mut().push(Waiting { thread, addr, location, what: None, joins: None }));
}

/// Notes the name of `thread`, about to wait: a deadlock report says it even when the
/// thread blocked before any operation of its own was recorded.
pub fn name_waiter(thread: usize, name: Option<&str>) {
    let Some(name) = name else { return };
    WAITER_NAMES.with(|names| {
        let mut names = names.borrow_mut();
        if !names.iter().any(|(t, _)| *t == thread) {
            names.push((thread, name.to_string()));
        }
    });
}

/// Notes that `thread` is about to block on the channel at `addr`, waiting for `what`.
pub fn wait_begin_for(thread: usize, addr: usize, location: &'static Location<'static>, what: String) {
    WAITING
        .with(|waiting| waiting.borrow_mut().push(Waiting { thread, addr, location, what: Some(what), joins: None }));
}

/// The address a wait for a thread to finish is filed under: no object has it.
const JOINING: usize = usize::MAX / 2;

/// Notes that `thread` waits in `join()` at `location` for thread `joined` to finish.
pub fn wait_begin_join(thread: usize, joined: usize, location: &'static Location<'static>) {
    WAITING.with(|waiting| {
        waiting.borrow_mut().push(Waiting { thread, addr: JOINING + joined, location, what: None, joins: Some(joined) })
    });
}

/// Notes that `thread`'s `join()` of thread `joined` returned.
pub fn wait_end_join(thread: usize, joined: usize) {
    wait_end(thread, JOINING + joined);
}

/// Notes that `thread` got the mutex at `addr`.
pub fn wait_end(thread: usize, addr: usize) {
    WAITING.with(|waiting| waiting.borrow_mut().retain(|w| !(w.thread == thread && w.addr == addr)));
}

/// Takes the list of threads blocked in `lock()`.
pub fn take_waiting() -> Vec<Waiting> {
    WAITING.with(|waiting| std::mem::take(&mut *waiting.borrow_mut()))
}

/// Explains a deadlock: who waits where, for a lock held by whom since which step.
pub fn explain_deadlock(events: &[Event], waiting: &[Waiting]) -> String {
    let thread_name = |t: usize| label(events, t);
    let mut parts = Vec::new();
    for w in waiting {
        if let Some(joined) = w.joins {
            let at = format!("{}:{}", tidy_path(w.location.file()), w.location.line());
            let at = if worth_pointing_at(&at) { format!(" at {at}") } else { String::new() };
            parts.push(format!("{} waits{at} for {} to finish (join)", thread_name(w.thread), thread_name(joined)));
            continue;
        }
        // The holder: the last thread that locked this mutex and has not unlocked it.
        let mut held: Option<(usize, usize)> = None;
        for (i, e) in events.iter().enumerate().filter(|(_, e)| e.addr == w.addr) {
            match e.op {
                Op::Lock { .. } => held = Some((e.thread, i + 1)),
                Op::Unlock { .. } => held = None,
                _ => {}
            }
        }
        let at = format!("{}:{}", tidy_path(w.location.file()), w.location.line());
        if let Some(what) = &w.what {
            // `for x in rx` waits inside std's iterator: no line worth pointing at.
            let at = if worth_pointing_at(&at) { format!(" at {at}") } else { String::new() };
            parts.push(format!("{} waits{at} {what}", thread_name(w.thread)));
            continue;
        }
        // The judge's own code: the engine's or a lab's spec.
        if in_judge(&tidy_path(w.location.file())) {
            // The judge's own lock, taken after the learner's function returned.
            parts.push(format!(
                "after your function returned, the check could not take the lock ({at}): your function left it \
                 locked (a guard kept alive somewhere, or `mem::forget` of a guard?)"
            ));
            continue;
        }
        parts.push(match held {
            Some((holder, step)) if holder == w.thread => {
                format!("{} waits at {at} for a lock it already holds (taken at step {step})", thread_name(w.thread))
            }
            Some((holder, step)) => format!(
                "{} waits at {at} for a lock {} holds (taken at step {step})",
                thread_name(w.thread),
                thread_name(holder)
            ),
            None => format!("{} waits at {at}", thread_name(w.thread)),
        });
    }
    // Lab 09's checker runs each task as one of loom's threads: call them what the lab does.
    let unit = if waiting.iter().any(|w| thread_name(w.thread).starts_with("task")) { "task" } else { "thread" };
    if parts.is_empty() {
        format!("deadlock: every {unit} is blocked")
    } else {
        format!("deadlock: every {unit} is blocked — {}", parts.join("; "))
    }
}

/// Appends one event to the buffer.
pub fn record(thread: usize, addr: usize, init: &str, op: Op, location: &'static Location<'static>) {
    record_named(thread, None, addr, init, op, location);
}

/// How many of a run's simulated lost races (or tries at a lock held elsewhere) are recorded.
const RACES_RECORDED: u32 = 64;

/// `false` while a retry loop loses thousands of simulated races: the first
/// `RACES_RECORDED` are kept, enough to show it, and the rest cost nothing to skip.
pub fn recording() -> bool {
    INTERFERE.with(|cell| {
        let i = cell.get();
        i.left == 0 || i.used <= RACES_RECORDED
    })
}

/// Appends one event by a thread that has a name.
pub fn record_named(
    thread: usize,
    thread_name: Option<&str>,
    addr: usize,
    init: &str,
    op: Op,
    location: &'static Location<'static>,
) {
    if !recording() {
        return;
    }
    let thread_name = thread_name.map(str::to_string);
    // The operation is done: the thread has no pending step until its next one.
    PENDING.with(|pending| pending.borrow_mut().retain(|p| p.thread != thread));
    EVENTS.with(|events| {
        let mut events = events.borrow_mut();
        // A spurious failure again at the same call site, with nothing between (it costs loom
        // no step, so no other thread ran): one step, counted.
        if let (Op::CasSpurious { .. }, Some(last)) = (&op, events.last_mut())
            && let Op::CasSpurious { times, .. } = &mut last.op
            && last.thread == thread
            && last.addr == addr
            && std::ptr::eq(last.location, location)
        {
            *times += 1;
            return;
        }
        events.push(Event { thread, thread_name, addr, init: init.to_string(), op, location });
    });
}

/// Calls `f` with the events recorded since the last [`clear`], without copying them.
pub fn with_events<R>(f: impl FnOnce(&[Event]) -> R) -> R {
    EVENTS.with(|events| f(&events.borrow()))
}

/// A copy of the events recorded since the last [`clear`].
pub fn snapshot() -> Vec<Event> {
    EVENTS.with(|events| events.borrow().clone())
}

/// Takes the events recorded since the last [`clear`].
pub fn take() -> Vec<Event> {
    EVENTS.with(|events| std::mem::take(&mut *events.borrow_mut()))
}

/// One step of a schedule, as printed and as serialised in `--json`.
#[derive(Clone, Debug, Serialize, PartialEq, Eq)]
pub struct Step {
    /// 1-based position in the execution.
    pub step: usize,
    /// `main`, `T1`, `T2`, …
    pub thread: String,
    /// Which object: `atomic`, `mutex`, `cell`, or `atomic#2` when there are several.
    pub object: String,
    /// What was done, e.g. `load 0`, `store 1`, `fetch_add 1→2`.
    pub operation: String,
    /// The value read, if any.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub read: Option<u64>,
    /// The value written, if any.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub wrote: Option<u64>,
    /// A stale read or a lost update, in words.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
    /// `file:line` of the operation.
    pub at: String,
}

/// A readable schedule: the steps of one execution.
#[derive(Clone, Debug, Default, Serialize, PartialEq, Eq)]
pub struct Schedule {
    /// The steps, in the order loom ran them.
    pub steps: Vec<Step>,
}

/// What each thread keeps to itself after each of `steps`: the value it last read from a
/// shared object and has not written back — `T1 read 0 · T2 read 0` — one text per step.
/// That private copy is what a lost update is made of: both threads read 0, both write 1.
///
/// # Examples
///
/// ```
/// use racelab::trace::{Step, private_values};
///
/// let step = |n, thread: &str, operation: &str, read, wrote| Step {
///     step: n, thread: thread.into(), object: "atomic".into(), operation: operation.into(),
///     read, wrote, note: None, at: String::new(),
/// };
/// let steps = [step(1, "T1", "load 0", Some(0), None), step(2, "T2", "load 0", Some(0), None),
///              step(3, "T2", "store 1", None, Some(1))];
/// assert_eq!(private_values(&steps, None), ["T1 read 0", "T1 read 0 · T2 read 0", "T1 read 0"]);
/// ```
pub fn private_values(steps: &[Step], decode: Option<fn(u64) -> String>) -> Vec<String> {
    let mut texts = Vec::with_capacity(steps.len());
    private_copies(steps, decode, |kept| {
        let kept: Vec<String> = kept.iter().map(|(thread, read)| format!("{thread} {read}")).collect();
        texts.push(kept.join(" · "));
    });
    texts
}

/// Each thread's private copies once `steps` have run, as (`T1`, `read 0`): the values it
/// read and has not written back since (a write or a lock of that object ends the copy).
/// With several shared objects the text names the object (`read b 5`); `decode` shows the
/// values of the object called `atomic` (a lab that packs two numbers in one word).
pub fn private_now(steps: &[Step], decode: Option<fn(u64) -> String>) -> Vec<(String, String)> {
    let mut now = Vec::new();
    private_copies(steps, decode, |kept| now = kept);
    now
}

/// Walks `steps` once, handing `after` the threads' private copies after each step.
fn private_copies(steps: &[Step], decode: Option<fn(u64) -> String>, mut after: impl FnMut(Vec<(String, String)>)) {
    let objects: std::collections::BTreeSet<&str> = steps.iter().map(|s| s.object.as_str()).collect();
    let mut kept: Vec<(&str, &str, u64)> = Vec::new();
    for step in steps {
        let key = (step.thread.as_str(), step.object.as_str());
        if let (Some(value), None) = (step.read, step.wrote) {
            match kept.iter_mut().find(|(t, o, _)| (*t, *o) == key) {
                Some(entry) => entry.2 = value,
                None => kept.push((key.0, key.1, value)),
            }
        } else if step.wrote.is_some() || step.operation.starts_with("lock") {
            kept.retain(|(t, o, _)| (*t, *o) != key);
        }
        after(
            kept.iter()
                .map(|(thread, object, value)| {
                    let value = decode.filter(|_| *object == "atomic").map_or(value.to_string(), |d| d(*value));
                    let read =
                        if objects.len() == 1 { format!("read {value}") } else { format!("read {object} {value}") };
                    (thread.to_string(), read)
                })
                .collect(),
        );
    }
}

/// `main`, a spawned thread's name (`observer`), or `T1`, `T2`, … as the schedule of `events` calls it.
pub fn thread_label(events: &[Event], thread: usize) -> String {
    label(events, thread)
}

/// `main`, a spawned thread's name (`observer`), or `T1`, `T2`, …
fn label(events: &[Event], thread: usize) -> String {
    let waiter =
        || WAITER_NAMES.with(|names| names.borrow().iter().find(|(t, _)| *t == thread).map(|(_, n)| n.clone()));
    match events.iter().find(|e| e.thread == thread).and_then(|e| e.thread_name.clone()).or_else(waiter) {
        Some(name) => name,
        None if thread == 0 => "main".to_string(),
        None => format!("T{thread}"),
    }
}

/// The objects `events` touch, in order of first use, with their kinds.
fn objects(events: &[Event]) -> Vec<(usize, &'static str)> {
    let mut order: Vec<(usize, &'static str)> = Vec::new();
    for e in events {
        if !order.iter().any(|(addr, _)| *addr == e.addr) {
            order.push((e.addr, e.op.kind()));
        }
    }
    order
}

/// The name a schedule gives the object at `addr`: the lab's name for it, its kind
/// (`atomic`, `mutex`) when it is the only one of its kind, else `atomic#2`, …
fn object_name(order: &[(usize, &'static str)], names: &[(&str, &[&'static str])], addr: usize) -> String {
    let kind = order.iter().find(|(a, _)| *a == addr).map_or("object", |(_, k)| *k);
    let mut same: Vec<usize> = order.iter().filter(|(_, k)| *k == kind).map(|(a, _)| *a).collect();
    // Locks taken in opposite orders (a deadlock) have no common first use:
    // mutexes are named in the order they sit in memory (declare them in a
    // `#[repr(C)]` struct in the order of their names).
    if kind == "mutex" {
        same.sort_unstable();
    }
    let given = names.iter().find(|(k, list)| *k == kind && list.len() == same.len()).map(|(_, list)| *list);
    if let (Some(list), Some(i)) = (given, same.iter().position(|a| *a == addr)) {
        list[i].to_string()
    } else if same.len() == 1 {
        kind.to_string()
    } else {
        let n = same.iter().position(|a| *a == addr).map_or(0, |i| i + 1);
        format!("{kind}#{n}")
    }
}

/// The name the schedule of `events` gives the mutex at `addr` (see [`Schedule::from_events_named`]),
/// counting also the mutexes at `pending`, which threads are about to lock for the first time.
pub fn name_of_mutex(events: &[Event], pending: &[usize], names: &[(&str, &[&'static str])], addr: usize) -> String {
    let mut order = objects(events);
    for &mutex in pending {
        if !order.iter().any(|(a, _)| *a == mutex) {
            order.push((mutex, "mutex"));
        }
    }
    object_name(&order, names, addr)
}

/// Whether `at` (`file:line`) is a line worth pointing a learner at: their
/// exercise, a catalogued answer, a lab's reference code or solution (which
/// the lesson has them read), a file of their own. A line in the course's
/// engine (`src/`), in a lab's machinery (its judge, its interpreter), in std
/// or in a dependency is not: the message names the learner's function instead.
///
/// # Examples
///
/// ```
/// use racelab::trace::worth_pointing_at;
///
/// assert!(worth_pointing_at("labs/NN_slug/exercise.rs:12"));
/// assert!(worth_pointing_at("labs/NN_slug/reference.rs:30"));
/// assert!(!worth_pointing_at("labs/NN_slug/interpreter.rs:312"));
/// assert!(!worth_pointing_at("labs/NN_slug/judge.rs:269"));
/// assert!(!worth_pointing_at("/rustc/59807616e/library/core/src/iter/traits/iterator.rs:2646"));
/// assert!(!worth_pointing_at("src/judge/contention.rs:90"));
/// ```
pub fn worth_pointing_at(at: &str) -> bool {
    let file = at.rsplit_once(':').map_or(at, |(file, _)| file);
    let machinery = ["/judge.rs", "/interpreter.rs", "/lab.rs"];
    !(file.contains("/.cargo/registry/")
        || file.contains("/rustc/")
        || file.contains("library/")
        || file.starts_with("src/")
        || (file.contains("labs/") && machinery.iter().any(|m| file.ends_with(m))))
}

/// `src/labs/../../labs/x.rs` → `labs/x.rs`, so paths read as the learner sees them.
pub fn tidy_path(path: &str) -> String {
    let mut parts: Vec<&str> = Vec::new();
    for part in path.split('/') {
        match part {
            ".." if parts.last().is_some_and(|p| *p != "..") => {
                parts.pop();
            }
            "." => {}
            _ => parts.push(part),
        }
    }
    parts.join("/")
}

impl Schedule {
    /// Builds the readable schedule, naming objects by kind (`atomic`,
    /// `atomic#2`, …) and marking stale reads and overwrites.
    pub fn from_events(events: &[Event]) -> Schedule {
        Schedule::from_events_named(events, &[])
    }

    /// Like [`from_events`](Self::from_events), with the lab's names for its
    /// objects: `("atomic", &["a", "b"])` names the first atomic used `a` and
    /// the second `b`, when exactly that many atomics are used.
    pub fn from_events_named(events: &[Event], names: &[(&str, &[&'static str])]) -> Schedule {
        Schedule::from_events_decoded(events, names, None)
    }

    /// Like [`from_events_named`](Self::from_events_named); when the
    /// execution uses exactly one atomic and `decode` is given, that atomic's
    /// values are shown decoded (lab 03's packed word as `a=2 b=0`).
    pub fn from_events_decoded(
        events: &[Event],
        names: &[(&str, &[&'static str])],
        decode: Option<fn(u64) -> String>,
    ) -> Schedule {
        let thread_name = |t: usize| label(events, t);
        let order = objects(events);
        let atomics = order.iter().filter(|(_, kind)| *kind == "atomic").count();
        let decode = decode.filter(|_| atomics == 1);
        let show = |value: u64| decode.map_or_else(|| value.to_string(), |d| d(value));
        let name_of = |addr: usize| object_name(&order, names, addr);

        // Latest store per object: (value, step, thread); step 0 is the initial value.
        let mut latest: HashMap<usize, (u64, usize, usize)> = HashMap::new();
        // Every store per object: (step, thread).
        let mut stores: HashMap<usize, Vec<(usize, usize)>> = HashMap::new();
        // The step at which each (thread, object) last read a value.
        let mut last_read: HashMap<(usize, usize), usize> = HashMap::new();
        let mut steps = Vec::with_capacity(events.len());

        // Mutexes: the value each thread found when it took the lock, and the value it
        // last saw in a section that only read — a later write computed from that
        // read, after another thread's write, is a lost update made under the lock.
        let mut section: HashMap<(usize, usize), (String, usize)> = HashMap::new();
        let mut seen_under_lock: HashMap<(usize, usize), (String, usize)> = HashMap::new();
        let mut lock_writes: HashMap<usize, Vec<(usize, usize)>> = HashMap::new();
        for (i, e) in events.iter().enumerate() {
            let step = i + 1;
            if let Ok(init) = e.init.parse::<u64>() {
                latest.entry(e.addr).or_insert((init, 0, usize::MAX));
            }
            let mut note = None;
            if let (Some(read), Op::Load { .. }) = (e.op.read(), &e.op)
                && let Some(&(value, at, by)) = latest.get(&e.addr)
                && value != read
                && at > 0
            {
                note = Some(format!(
                    "stale: read {} although {} already stored {} at step {at}",
                    show(read),
                    thread_name(by),
                    show(value)
                ));
            }
            // A plain store or a swap writes a value computed from an earlier read.
            if matches!(e.op, Op::Store { .. } | Op::Rmw { name: "swap", .. })
                && let Some(&read_at) = last_read.get(&(e.thread, e.addr))
            {
                let missed: Vec<(usize, usize)> = stores
                    .get(&e.addr)
                    .into_iter()
                    .flatten()
                    .copied()
                    .filter(|&(at, by)| at > read_at && by != e.thread)
                    .collect();
                if !missed.is_empty() {
                    let list: Vec<String> =
                        missed.iter().map(|&(at, by)| format!("{}'s store at step {at}", thread_name(by))).collect();
                    note = Some(format!(
                        "overwrites {}: {} read at step {read_at}, before it",
                        list.join(" and "),
                        thread_name(e.thread)
                    ));
                }
            }
            match &e.op {
                Op::Lock { holds } => {
                    section.insert((e.thread, e.addr), (holds.clone(), step));
                }
                Op::Unlock { wrote: false, .. } => {
                    if let Some(found) = section.remove(&(e.thread, e.addr)) {
                        seen_under_lock.insert((e.thread, e.addr), found);
                    }
                }
                Op::Unlock { wrote: true, leaves } => {
                    let found = section.remove(&(e.thread, e.addr));
                    if let (Some((now, locked_at)), Some((then, read_at))) =
                        (found, seen_under_lock.remove(&(e.thread, e.addr)))
                    {
                        let missed: Vec<(usize, usize)> = lock_writes
                            .get(&e.addr)
                            .into_iter()
                            .flatten()
                            .copied()
                            .filter(|&(at, by)| at > read_at && at < locked_at && by != e.thread)
                            .collect();
                        // Only a write that erased what the others did: it left the value it found
                        // (or, for a count, less). `+= 1` on the value found under this lock builds on
                        // their updates — whatever it decided earlier, nothing is overwritten.
                        let erased = *leaves == now
                            || matches!((leaves.parse::<u64>(), now.parse::<u64>()), (Ok(l), Ok(n)) if l < n);
                        if now != then && erased && !missed.is_empty() {
                            let list: Vec<String> = missed
                                .iter()
                                .map(|&(at, by)| format!("{}'s update at step {at}", thread_name(by)))
                                .collect();
                            note = Some(format!(
                                "overwrites {}: {} wrote a value computed from the {then} it read under an earlier lock (step {read_at})",
                                list.join(" and "),
                                thread_name(e.thread)
                            ));
                        }
                    }
                    lock_writes.entry(e.addr).or_default().push((step, e.thread));
                }
                _ => {}
            }
            if e.op.read().is_some() {
                last_read.insert((e.thread, e.addr), step);
            }
            if let Some(wrote) = e.op.wrote() {
                latest.insert(e.addr, (wrote, step, e.thread));
                stores.entry(e.addr).or_default().push((step, e.thread));
            }
            if matches!(e.op, Op::CellWrite | Op::CellRead) {
                // Plain memory: a later access by another thread with no lock or
                // atomic in between is a data race, and loom stops right there.
                let earlier = events[..i].iter().rposition(|p| {
                    p.addr == e.addr && p.thread != e.thread && matches!(p.op, Op::CellWrite | Op::CellRead)
                });
                if let Some(j) = earlier.filter(|_| i + 1 == events.len()) {
                    note = Some(format!(
                        "data race: plain access with nothing ordering it after {}'s at step {}",
                        thread_name(events[j].thread),
                        j + 1
                    ));
                }
            }
            steps.push(Step {
                step,
                thread: thread_name(e.thread),
                object: name_of(e.addr),
                operation: e.op.describe(&show),
                read: e.op.read(),
                wrote: e.op.wrote(),
                note,
                at: format!("{}:{}", tidy_path(e.location.file()), e.location.line()),
            });
        }
        Schedule { steps }
    }

    /// One line: `T1 load 0 · T2 load 0 · T1 store 1 · T2 store 1`.
    ///
    /// With several objects each step names its object: `T1 a fetch_sub 1→0`.
    pub fn summary(&self) -> String {
        let several = self.steps.iter().any(|s| s.object != self.steps[0].object);
        let step = |s: &Step| {
            if several {
                format!("{} {} {}", s.thread, s.object, s.operation)
            } else {
                format!("{} {}", s.thread, s.operation)
            }
        };
        self.steps.iter().map(step).collect::<Vec<_>>().join(" · ")
    }

    /// The schedule as an aligned table, one step per line.
    pub fn table(&self) -> String {
        let objects = self.steps.iter().map(|s| s.object.as_str()).collect::<std::collections::BTreeSet<_>>();
        let show_object = objects.len() > 1;
        let op_width = self
            .steps
            .iter()
            .map(|s| s.operation.chars().count() + if show_object { s.object.len() + 1 } else { 0 })
            .max()
            .unwrap_or(9)
            .max(9);
        let at_width = self.steps.iter().map(|s| s.at.len()).max().unwrap_or(5).max(5);
        let mut out = String::new();
        let thread_width = self.steps.iter().map(|s| s.thread.len()).max().unwrap_or(6).max(6);
        let _ = writeln!(out, "  step  {:<thread_width$}  {:<op_width$}  where", "thread", "operation");
        for s in &self.steps {
            let op = if show_object { format!("{} {}", s.object, s.operation) } else { s.operation.clone() };
            let note = s.note.as_deref().map(|n| format!("  ← {n}")).unwrap_or_default();
            let line =
                format!("  {:>4}  {:<thread_width$}  {op:<op_width$}  {:<at_width$}{note}", s.step, s.thread, s.at);
            let _ = writeln!(out, "{}", line.trim_end());
        }
        out
    }
}

/// The text of a panic payload: what a thread that stopped an execution said,
/// with what a channel's error means when an `unwrap()` of one panicked (the
/// panic is at the send; the mistake is on the other side of the channel).
///
/// ```
/// let payload: Box<dyn std::any::Any + Send> =
///     Box::new("called `Result::unwrap()` on an `Err` value: SendError { .. }".to_string());
/// let text = racelab::trace::panic_message(&*payload);
/// assert!(text.ends_with("the receiving side stopped, or was dropped, before every message was sent)"), "{text}");
/// ```
pub fn panic_message(payload: &(dyn std::any::Any + Send)) -> String {
    if payload.downcast_ref::<generator::Error>() == Some(&generator::Error::StackErr) {
        return "the stack overflowed: a recursion too deep (one call more per retry, say: the judge's rivals \
                win thousands of races in a row) — loom's model threads have small stacks, and a recursion that \
                grows with contention overflows real ones too under enough of it; retry in a loop"
            .to_string();
    }
    let message = payload
        .downcast_ref::<&str>()
        .map(|s| s.to_string())
        .or_else(|| payload.downcast_ref::<String>().cloned())
        .unwrap_or_else(|| "(a panic with no message)".to_string());
    // `Err` value: SendError { .. }` (crossbeam, tokio) or `: "SendError(..)"` (the model's channel).
    let unwrapped = |error: &str| {
        message
            .split_once("on an `Err` value: ")
            .is_some_and(|(_, value)| value.trim_start_matches('"').starts_with(error))
    };
    if unwrapped("SendError") {
        format!(
            "{message} (a send found every receiver of its channel gone: the receiving side stopped, or was \
             dropped, before every message was sent)"
        )
    } else if unwrapped("RecvError") {
        format!("{message} (a receive found its channel empty and every sender gone: no message was left to wait for)")
    } else {
        message
    }
}
