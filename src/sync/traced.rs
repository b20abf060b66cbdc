//! The traced atomics, written once for every backend that records a trace.
//!
//! [`model`](super::model) (loom) and [`step`](super::step) (shuttle, with the
//! learner as the scheduler) wrap their library's atomics the same way: each
//! operation calls the backend's `before(op, location)` (the stepper shows it
//! as the thread's next step), performs the operation on the library's type,
//! and appends an [`Op`](crate::trace::Op) to the trace with the value
//! read or written. The macros expand inside a backend's `atomic` module, which
//! must have `before`, `before_writing`, `record`, `current_thread`, `trace`, `Op`, `Location`,
//! `Ordering` and `Traced` in scope.

/// The orderings std's atomics refuse with a panic, refused the same way here: loom
/// accepts them, so a `compare_exchange` with an `AcqRel` failure ordering would pass
/// every model check and panic on the first real call.
pub(crate) mod std_orderings {
    use std::sync::atomic::Ordering::{self, AcqRel, Acquire, Release};

    /// As std's `load`.
    #[track_caller]
    pub(crate) fn load(order: Ordering) {
        match order {
            Release => panic!("there is no such thing as a release load"),
            AcqRel => panic!("there is no such thing as an acquire-release load"),
            _ => {}
        }
    }

    /// As std's `store`.
    #[track_caller]
    pub(crate) fn store(order: Ordering) {
        match order {
            Acquire => panic!("there is no such thing as an acquire store"),
            AcqRel => panic!("there is no such thing as an acquire-release store"),
            _ => {}
        }
    }

    /// As std's `compare_exchange` (and `_weak`) with this failure ordering.
    #[track_caller]
    pub(crate) fn failure(order: Ordering) {
        match order {
            Release => panic!(
                "there is no such thing as a release failure ordering (std's message: a failed exchange only \
                 reads, so its ordering is `Acquire` or `Relaxed`)"
            ),
            AcqRel => panic!(
                "there is no such thing as an acquire-release failure ordering (std's message: a failed exchange \
                 only reads, so its ordering is `Acquire` or `Relaxed`)"
            ),
            _ => {}
        }
    }
}

/// How a value of an atomic type is written into the trace (as a `u64`).
pub(crate) trait Traced: Copy {
    fn traced(self) -> u64;
    fn untraced(bits: u64) -> Self;
}

macro_rules! traced_value {
    ($($t:ty),*) => { $(impl Traced for $t {
        #[allow(clippy::cast_sign_loss, clippy::cast_lossless, reason = "the trace shows the bits")]
        fn traced(self) -> u64 { self as u64 }
        #[allow(clippy::cast_possible_truncation, clippy::cast_possible_wrap, reason = "the bits back")]
        fn untraced(bits: u64) -> Self { bits as $t }
    })* };
}
traced_value!(u8, u16, u32, u64, usize, i8, i16, i32, i64, isize);
impl Traced for bool {
    fn traced(self) -> u64 {
        u64::from(self)
    }
    fn untraced(bits: u64) -> Self {
        bits != 0
    }
}

/// The methods every traced atomic shares (bool and integers alike).
macro_rules! traced_common {
    ($name:ident, $t:ty, $inner:ty) => {
        /// A dropped atomic takes the value simulated rivals left beside it (see
        /// `trace::shadow`) with it: another atomic made later at the same address
        /// (the next check's word, on the same stack) starts from its own value.
        impl Drop for $name {
            fn drop(&mut self) {
                trace::unshadow(self as *const Self as usize);
            }
        }

        impl $name {
            fn note(&self, op: Op, location: &'static Location<'static>) {
                if trace::recording() {
                    record(self as *const Self as usize, &self.init.traced().to_string(), op, location);
                }
            }

            /// loom's atomic, with the value simulated rivals left beside it (see
            /// `trace::shadow`) written back first.
            fn inner(&self) -> &$inner {
                if let Some(theirs) = trace::unshadow(self as *const Self as usize) {
                    self.inner.store(<$t as Traced>::untraced(theirs), Ordering::SeqCst);
                }
                &self.inner
            }

            /// Records a read-modify-write that replaced `old` with `new`; returns `old`.
            fn rmw(&self, name: &'static str, old: $t, new: $t, location: &'static Location<'static>) -> $t {
                self.note(Op::Rmw { name, read: old.traced(), wrote: new.traced() }, location);
                trace::wrote(self as *const Self as usize, new.traced());
                old
            }

            /// A look at the word (a load, a failed exchange): noted for a rival armed to act
            /// between the code's look and its write (`trace::after_next_look`).
            fn look(&self, value: $t) -> $t {
                trace::looked_at(self as *const Self as usize);
                value
            }

            /// Just before the code writes to the word: a rival armed to act between its look
            /// and its write (`trace::after_next_look`) changes the word first, kept beside
            /// loom's memory like a lost race (the write's `inner()` takes it).
            fn before_write(&self) {
                let addr = self as *const Self as usize;
                let now = || trace::shadowed(addr).unwrap_or_else(|| self.inner.load(Ordering::SeqCst).traced());
                if let Some(theirs) = trace::write_due(addr, now) {
                    trace::shadow(addr, theirs);
                }
            }

            /// Loads the value (traced).
            #[track_caller]
            pub fn load(&self, order: Ordering) -> $t {
                crate::sync::traced::std_orderings::load(order);
                before("load", Location::caller());
                // A rival armed to act between two of the code's looks changes the word first.
                let addr = self as *const Self as usize;
                let now = || trace::shadowed(addr).unwrap_or_else(|| self.inner.load(Ordering::SeqCst).traced());
                if let Some(theirs) = trace::look_due(addr, now) {
                    trace::shadow(addr, theirs);
                }
                // The judge's contended run: the value simulated rivals changed last.
                if let Some(theirs) = trace::shadowed(self as *const Self as usize) {
                    let theirs = <$t as Traced>::untraced(theirs);
                    self.note(Op::Load { read: theirs.traced() }, Location::caller());
                    return self.look(theirs);
                }
                // The judge's contended run: the lock word reads "held" while the simulated holder has it.
                if let Some(held) = trace::held_elsewhere(self as *const Self as usize) {
                    let held = <$t as Traced>::untraced(held);
                    self.note(Op::Load { read: held.traced() }, Location::caller());
                    return held;
                }
                let value = self.inner().load(order);
                self.note(Op::Load { read: value.traced() }, Location::caller());
                self.look(value)
            }

            /// Stores a value (traced).
            #[track_caller]
            pub fn store(&self, value: $t, order: Ordering) {
                crate::sync::traced::std_orderings::store(order);
                before_writing("store", value.traced(), Location::caller());
                self.before_write();
                self.inner().store(value, order);
                self.note(Op::Store { wrote: value.traced() }, Location::caller());
                trace::wrote(self as *const Self as usize, value.traced());
            }

            /// Swaps in a value, returning the old one (traced).
            #[track_caller]
            pub fn swap(&self, value: $t, order: Ordering) -> $t {
                before_writing("swap", value.traced(), Location::caller());
                // A test-and-set spin lock retries its swap while another thread holds the lock.
                trace::note_contendable(Location::caller());
                trace::hold_if_briefly(self as *const Self as usize);
                if let Some(held) = trace::held_elsewhere(self as *const Self as usize) {
                    // A test-and-set while the simulated holder has the lock: it stays held.
                    let held = <$t as Traced>::untraced(held);
                    return self.rmw("swap", held, held, Location::caller());
                }
                self.before_write();
                self.rmw("swap", self.inner().swap(value, order), value, Location::caller())
            }

            /// Stores `new` if the value is still `current` (traced).
            #[track_caller]
            pub fn compare_exchange(
                &self,
                current: $t,
                new: $t,
                success: Ordering,
                failure: Ordering,
            ) -> Result<$t, $t> {
                before("compare_exchange", Location::caller());
                self.cas(current, new, success, failure, Location::caller())
            }

            fn cas(
                &self,
                current: $t,
                new: $t,
                success: Ordering,
                failure: Ordering,
                location: &'static Location<'static>,
            ) -> Result<$t, $t> {
                crate::sync::traced::std_orderings::failure(failure);
                // The judge's "contended" run: another thread changes the value just
                // before this exchange (see `trace::interfere`).
                if let Some((other, briefly)) = trace::interference(location) {
                    if briefly {
                        // A lock held elsewhere for a moment: the exchange fails without a loom
                        // operation (loom counts each thread's operations in 16 bits), and loads
                        // of this word read "held" from now on while the hold lasts.
                        trace::hold_is_on(self as *const Self as usize);
                        let theirs = <$t as Traced>::untraced(other(current.traced()));
                        self.note(Op::CasFail { read: theirs.traced(), expected: current.traced() }, location);
                        return Err(theirs);
                    }
                    // The rival's value is kept beside loom's memory (`trace::shadow`): a lost
                    // race costs loom no operation, so the rival can win many thousands of them.
                    let addr = self as *const Self as usize;
                    let now = trace::shadowed(addr).unwrap_or_else(|| self.inner.load(failure).traced());
                    let theirs = other(now);
                    if theirs != current.traced() {
                        trace::shadow(addr, theirs);
                        self.note(Op::CasFail { read: theirs, expected: current.traced() }, location);
                        return Err(self.look(<$t as Traced>::untraced(theirs)));
                    }
                    // A stale `current` that happens to equal the rival's value: the exchange succeeds.
                    trace::unshadow(addr);
                    self.inner.store(<$t as Traced>::untraced(theirs), Ordering::SeqCst);
                }
                self.before_write();
                let result = self.inner().compare_exchange(current, new, success, failure);
                let op = match result {
                    Ok(old) => Op::CasOk { read: old.traced(), wrote: new.traced() },
                    Err(seen) => Op::CasFail { read: seen.traced(), expected: current.traced() },
                };
                self.note(op, location);
                match result {
                    Ok(_) => trace::wrote(self as *const Self as usize, new.traced()),
                    Err(seen) => {
                        self.look(seen);
                    }
                }
                result
            }

            /// Like [`compare_exchange`](Self::compare_exchange), but allowed to fail even when
            /// the value matches. loom never does that; the checker's second pass makes each
            /// thread's first weak compare-exchanges at each call site fail twice in a row
            /// ([`crate::trace::SPURIOUS_IN_A_ROW`]), as real hardware may.
            #[track_caller]
            pub fn compare_exchange_weak(
                &self,
                current: $t,
                new: $t,
                success: Ordering,
                failure: Ordering,
            ) -> Result<$t, $t> {
                before("compare_exchange_weak", Location::caller());
                self.cas_weak(current, new, success, failure, Location::caller())
            }

            fn cas_weak(
                &self,
                current: $t,
                new: $t,
                success: Ordering,
                failure: Ordering,
                location: &'static Location<'static>,
            ) -> Result<$t, $t> {
                crate::sync::traced::std_orderings::failure(failure);
                if trace::weak_cas_fails(current_thread, location) {
                    // The hardware saw `current` and still failed to store (an ARM
                    // load-linked/store-conditional pair losing its reservation). Shown
                    // without touching the model's memory: a read here would add
                    // branches of its own, and a write would add values to read.
                    let _ = (success, new);
                    self.note(Op::CasSpurious { read: current.traced(), times: 1 }, location);
                    return Err(self.look(current));
                }
                self.cas(current, new, success, failure, location)
            }

            /// Applies `f` with a compare-exchange loop, as std does (each step traced).
            #[track_caller]
            pub fn fetch_update<F>(&self, set_order: Ordering, fetch_order: Ordering, mut f: F) -> Result<$t, $t>
            where
                F: FnMut($t) -> Option<$t>,
            {
                let location = Location::caller();
                crate::sync::traced::std_orderings::load(fetch_order);
                before("fetch_update", location);
                let mut seen = self.inner().load(fetch_order);
                self.note(Op::Load { read: seen.traced() }, location);
                seen = self.look(seen);
                while let Some(new) = f(seen) {
                    // std's fetch_update uses the weak compare-exchange too.
                    before("fetch_update", location);
                    match self.cas_weak(seen, new, set_order, fetch_order, location) {
                        Ok(old) => return Ok(old),
                        Err(actual) => seen = actual,
                    }
                }
                Err(seen)
            }

            /// Bitwise "and" in one indivisible step, returning the old value (traced).
            #[track_caller]
            pub fn fetch_and(&self, value: $t, order: Ordering) -> $t {
                before("fetch_and", Location::caller());
                self.before_write();
                let old = self.inner().fetch_and(value, order);
                self.rmw("fetch_and", old, old & value, Location::caller())
            }

            /// Bitwise "nand" in one indivisible step, returning the old value (traced).
            #[track_caller]
            pub fn fetch_nand(&self, value: $t, order: Ordering) -> $t {
                before("fetch_nand", Location::caller());
                self.before_write();
                let old = self.inner().fetch_nand(value, order);
                self.rmw("fetch_nand", old, !(old & value), Location::caller())
            }

            /// Bitwise "or" in one indivisible step, returning the old value (traced).
            #[track_caller]
            pub fn fetch_or(&self, value: $t, order: Ordering) -> $t {
                before("fetch_or", Location::caller());
                self.before_write();
                let old = self.inner().fetch_or(value, order);
                self.rmw("fetch_or", old, old | value, Location::caller())
            }

            /// Bitwise "xor" in one indivisible step, returning the old value (traced).
            #[track_caller]
            pub fn fetch_xor(&self, value: $t, order: Ordering) -> $t {
                before("fetch_xor", Location::caller());
                self.before_write();
                let old = self.inner().fetch_xor(value, order);
                self.rmw("fetch_xor", old, old ^ value, Location::caller())
            }

            /// Consumes the atomic and returns the value (not traced: nothing is shared any more).
            pub fn into_inner(self) -> $t {
                // `inner()` writes back (and forgets) what simulated rivals left beside it.
                let _ = self.inner();
                let this = std::mem::ManuallyDrop::new(self);
                // Safety: `this` is never used or dropped again, so `inner` is moved out of
                // it exactly once; the other field is a plain `Copy` value.
                let inner = unsafe { std::ptr::read(&this.inner) };
                inner.into_inner()
            }
        }

        impl Default for $name {
            fn default() -> Self {
                Self::new(<$t>::default())
            }
        }

        impl From<$t> for $name {
            fn from(value: $t) -> Self {
                Self::new(value)
            }
        }
    };
}

macro_rules! traced_int {
    ($(#[$doc:meta])* $name:ident, $t:ty, $inner:ty) => {
        $(#[$doc])*
        #[derive(Debug)]
        pub struct $name {
            inner: $inner,
            init: $t,
        }

        traced_common!($name, $t, $inner);

        impl $name {
            /// Creates a new atomic integer.
            pub fn new(value: $t) -> Self {
                Self { inner: <$inner>::new(value), init: value }
            }

            /// Adds in one indivisible step (wrapping), returning the old value (traced).
            #[track_caller]
            pub fn fetch_add(&self, value: $t, order: Ordering) -> $t {
                before("fetch_add", Location::caller());
                self.before_write();
                let old = self.inner().fetch_add(value, order);
                self.rmw("fetch_add", old, old.wrapping_add(value), Location::caller())
            }

            /// Subtracts in one indivisible step (wrapping), returning the old value (traced).
            #[track_caller]
            pub fn fetch_sub(&self, value: $t, order: Ordering) -> $t {
                before("fetch_sub", Location::caller());
                self.before_write();
                let old = self.inner().fetch_sub(value, order);
                self.rmw("fetch_sub", old, old.wrapping_sub(value), Location::caller())
            }

            /// Stores the larger of the value and `value` in one step, returning the old value (traced).
            #[track_caller]
            pub fn fetch_max(&self, value: $t, order: Ordering) -> $t {
                before("fetch_max", Location::caller());
                self.before_write();
                let old = self.inner().fetch_max(value, order);
                self.rmw("fetch_max", old, old.max(value), Location::caller())
            }

            /// Stores the smaller of the value and `value` in one step, returning the old value (traced).
            #[track_caller]
            pub fn fetch_min(&self, value: $t, order: Ordering) -> $t {
                before("fetch_min", Location::caller());
                self.before_write();
                let old = self.inner().fetch_min(value, order);
                self.rmw("fetch_min", old, old.min(value), Location::caller())
            }
        }
    };
}

/// `parking_lot`'s poison-free API over a tracing backend's own `Mutex`
/// (expands inside the backend's `parking_lot` module).
macro_rules! parking_lot_api {
    ($($const:tt)?) => {
        use std::fmt::Debug;

        /// A mutex whose `lock()` returns the guard directly, like `parking_lot`'s.
        #[derive(Debug, Default)]
        pub struct Mutex<T>(super::Mutex<T>);

        /// The guard of a `parking_lot`-style [`Mutex`].
        pub type MutexGuard<'a, T> = super::MutexGuard<'a, T>;

        impl<T> Mutex<T> {
            /// Creates an unlocked mutex (a `const fn` where the backend's own is: in a `static`).
            pub $($const)? fn new(value: T) -> Self {
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
    };
}

/// Channels with crossbeam's API for a tracing backend (expands inside the
/// backend's `channel` module, which must have `RawAtomicUsize`, `park`,
/// `current`, `spin`, `before`, `record`, `current_thread`, `trace`, `Op`
/// and `Location` in scope).
///
/// Every send and receive is **one** scheduling point — one read-modify-write
/// of the backend's atomic, which also orders the operations (a receive
/// happens after the send it takes) — and one step of the schedule (`send 1`,
/// `recv → 1`, `blocked: channel full`, `recv: disconnected`). The queue
/// itself sits behind a plain std lock the model does not see: it is never
/// held across a scheduling point, so each operation is indivisible, and the
/// model explores the orders of the operations rather than the channel's
/// insides. A thread that must wait parks (the model sees it blocked, so a
/// deadlock is reported as one) and is unparked by the next change. Dropping
/// a sender is traced (`drop sender (1 left)`) but is no scheduling point of
/// its own.
///
/// * `unbounded()`: sends never wait.
/// * `bounded(n)`, `n > 0`: a send waits while `n` messages are queued.
/// * `bounded(0)`: a rendezvous, as crossbeam's: a send returns only once a
///   receiver has taken its message.
/// * Dropping the last `Sender` disconnects: `recv` then returns
///   `Err(RecvError)` once the queue is empty, and `iter()` ends.
macro_rules! channel_api {
    () => {
        use std::collections::VecDeque;
        use std::fmt::Debug;
        use std::sync::atomic::Ordering::AcqRel;
        use std::sync::{Mutex as QueueLock, MutexGuard as QueueGuard, PoisonError};

        pub use crossbeam::channel::{RecvError, RecvTimeoutError, SendError, TryRecvError};

        /// The channel's state, behind a lock the model does not see.
        struct Queue<T> {
            items: VecDeque<T>,
            /// `None`: unbounded.
            capacity: Option<usize>,
            /// Messages ever sent and ever taken (a rendezvous sender waits for its own).
            sent: u64,
            taken: u64,
            senders: usize,
            receivers: usize,
            /// Parked threads, unparked at the next change.
            waiters: Vec<Handle>,
        }

        struct Shared<T> {
            queue: QueueLock<Queue<T>>,
            /// Every operation's one scheduling point (and its ordering).
            ops: RawAtomicUsize,
        }

        impl<T> Shared<T> {
            fn addr(&self) -> usize {
                self as *const Self as usize
            }

            /// The operation's scheduling point, then the queue (no scheduling point while it is held).
            fn enter(&self) -> QueueGuard<'_, Queue<T>> {
                self.ops.fetch_add(1, AcqRel);
                self.lock()
            }

            fn lock(&self) -> QueueGuard<'_, Queue<T>> {
                self.queue.lock().unwrap_or_else(PoisonError::into_inner)
            }

            /// Parks until the next change, noting for a deadlock report what this thread waits for.
            fn wait(
                &self,
                mut queue: QueueGuard<'_, Queue<T>>,
                op: &'static str,
                location: &'static Location<'static>,
                what: String,
            ) {
                let me = current();
                queue.waiters.push(me.clone());
                drop(queue);
                trace::wait_begin_for(current_thread(), self.addr(), location, what);
                park(&me);
                trace::wait_end(current_thread(), self.addr());
                before(op, location);
            }

            /// Releases the queue and unparks everyone who waited for a change.
            fn changed(&self, mut queue: QueueGuard<'_, Queue<T>>) {
                let waiters = std::mem::take(&mut queue.waiters);
                drop(queue);
                for waiter in waiters {
                    waiter.unpark();
                }
            }

            fn note(&self, op: Op, location: &'static Location<'static>) {
                record(self.addr(), "", op, location);
            }
        }

        /// The sending half: clone it for every thread that sends.
        pub struct Sender<T> {
            shared: std::sync::Arc<Shared<T>>,
            /// Where this handle was made: where its drop is shown.
            made: &'static Location<'static>,
        }

        /// The receiving half.
        pub struct Receiver<T> {
            shared: std::sync::Arc<Shared<T>>,
            made: &'static Location<'static>,
        }

        impl<T> Debug for Sender<T> {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("Sender { .. }")
            }
        }

        impl<T> Debug for Receiver<T> {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("Receiver { .. }")
            }
        }

        #[track_caller]
        fn with_capacity<T>(capacity: Option<usize>) -> (Sender<T>, Receiver<T>) {
            let queue = Queue {
                items: VecDeque::new(),
                capacity,
                sent: 0,
                taken: 0,
                senders: 1,
                receivers: 1,
                waiters: Vec::new(),
            };
            let shared = std::sync::Arc::new(Shared { queue: QueueLock::new(queue), ops: RawAtomicUsize::new(0) });
            let made = Location::caller();
            (Sender { shared: std::sync::Arc::clone(&shared), made }, Receiver { shared, made })
        }

        /// A channel whose sends never wait.
        #[track_caller]
        pub fn unbounded<T>() -> (Sender<T>, Receiver<T>) {
            with_capacity(None)
        }

        /// A channel that holds at most `capacity` messages; `0` is a rendezvous.
        #[track_caller]
        pub fn bounded<T>(capacity: usize) -> (Sender<T>, Receiver<T>) {
            with_capacity(Some(capacity))
        }

        impl<T: Debug> Sender<T> {
            /// Sends `msg`, waiting while the channel is full; fails only when every receiver is gone.
            #[track_caller]
            pub fn send(&self, msg: T) -> Result<(), SendError<T>> {
                let location = Location::caller();
                let shared = &*self.shared;
                before("send", location);
                let ticket = loop {
                    let mut queue = shared.enter();
                    if queue.receivers == 0 {
                        shared.note(Op::SendFailed { msg: format!("{msg:?}") }, location);
                        return Err(SendError(msg));
                    }
                    match queue.capacity {
                        Some(capacity) if capacity > 0 && queue.items.len() >= capacity => {
                            shared.note(Op::Blocked { what: "channel full" }, location);
                            let what = format!("to send: the channel is full (capacity {capacity})");
                            shared.wait(queue, "send", location, what);
                        }
                        _ => {
                            shared.note(Op::Send { msg: format!("{msg:?}") }, location);
                            queue.items.push_back(msg);
                            queue.sent += 1;
                            let ticket = queue.sent - 1;
                            let rendezvous = queue.capacity == Some(0);
                            shared.changed(queue);
                            if !rendezvous {
                                return Ok(());
                            }
                            break ticket;
                        }
                    }
                };
                // A rendezvous: the send is done when a receiver has taken this very message.
                let mut queue = shared.lock();
                loop {
                    if queue.taken > ticket {
                        return Ok(());
                    }
                    if queue.receivers == 0 {
                        let at = usize::try_from(ticket - queue.taken).unwrap_or(usize::MAX);
                        let msg = queue.items.remove(at).expect("an untaken message is still queued");
                        shared.note(Op::SendFailed { msg: format!("{msg:?}") }, location);
                        return Err(SendError(msg));
                    }
                    shared.note(Op::Blocked { what: "waiting for a receiver to take it" }, location);
                    let what = "to hand over a message that no receiver takes (a rendezvous channel)".to_string();
                    shared.wait(queue, "send", location, what);
                    queue = shared.enter();
                }
            }
        }

        impl<T> Clone for Sender<T> {
            #[track_caller]
            fn clone(&self) -> Self {
                self.shared.lock().senders += 1;
                Sender { shared: std::sync::Arc::clone(&self.shared), made: Location::caller() }
            }
        }

        impl<T> Drop for Sender<T> {
            fn drop(&mut self) {
                if std::thread::panicking() {
                    // The model is unwinding (a deadlock, a failed check): touching it now would panic again.
                    return;
                }
                let shared = &*self.shared;
                let mut queue = shared.lock();
                queue.senders -= 1;
                shared.note(Op::HangUp { left: queue.senders as u64 }, self.made);
                shared.changed(queue);
            }
        }

        impl<T: Debug> Receiver<T> {
            /// Takes the next message, waiting while the channel is empty; `Err` once it is
            /// empty and every sender is gone.
            #[track_caller]
            pub fn recv(&self) -> Result<T, RecvError> {
                self.recv_at(Location::caller())
            }

            fn recv_at(&self, location: &'static Location<'static>) -> Result<T, RecvError> {
                let shared = &*self.shared;
                before("recv", location);
                loop {
                    let mut queue = shared.enter();
                    if let Some(msg) = queue.items.pop_front() {
                        queue.taken += 1;
                        shared.note(Op::Recv { msg: format!("{msg:?}") }, location);
                        shared.changed(queue);
                        return Ok(msg);
                    }
                    if queue.senders == 0 {
                        shared.note(Op::Disconnected, location);
                        return Err(RecvError);
                    }
                    shared.note(Op::Blocked { what: "channel empty" }, location);
                    let senders = queue.senders;
                    let what = format!(
                        "to receive: the channel is empty and {senders} sender{} still alive",
                        if senders == 1 { " is" } else { "s are" }
                    );
                    shared.wait(queue, "recv", location, what);
                }
            }

            /// Takes a message if one is queued right now, without waiting.
            #[track_caller]
            pub fn try_recv(&self) -> Result<T, TryRecvError> {
                self.try_recv_at(Location::caller())
            }

            fn try_recv_at(&self, location: &'static Location<'static>) -> Result<T, TryRecvError> {
                let shared = &*self.shared;
                before("try_recv", location);
                let mut queue = shared.enter();
                if let Some(msg) = queue.items.pop_front() {
                    queue.taken += 1;
                    shared.note(Op::Recv { msg: format!("{msg:?}") }, location);
                    shared.changed(queue);
                    return Ok(msg);
                }
                let gone = queue.senders == 0;
                drop(queue);
                if gone {
                    shared.note(Op::Disconnected, location);
                    return Err(TryRecvError::Disconnected);
                }
                shared.note(Op::Empty, location);
                // A thread that polls an empty channel lets the others run, as it would on
                // hardware; it also lets the model finish a polling loop.
                spin();
                Err(TryRecvError::Empty)
            }

            /// Waits at most `timeout` for a message. The model has no clock: while the
            /// channel is empty the time may run out at any moment, so it returns
            /// `Err(Timeout)` at once, as a real wait would had no sender been quick
            /// enough; loom explores the senders arriving before and after.
            #[track_caller]
            pub fn recv_timeout(&self, _timeout: std::time::Duration) -> Result<T, RecvTimeoutError> {
                self.try_recv_at(Location::caller()).map_err(|e| match e {
                    TryRecvError::Empty => RecvTimeoutError::Timeout,
                    TryRecvError::Disconnected => RecvTimeoutError::Disconnected,
                })
            }

            /// Whether no message is queued right now. A look, as `try_recv`'s: a thread
            /// that polls it while the channel is empty lets the others run.
            #[track_caller]
            pub fn is_empty(&self) -> bool {
                let (shared, location) = (&*self.shared, Location::caller());
                before("is_empty", location);
                let empty = shared.enter().items.is_empty();
                if empty {
                    shared.note(Op::Empty, location);
                    spin();
                }
                empty
            }

            /// How many messages are queued right now (a look, as [`is_empty`](Self::is_empty)'s).
            #[track_caller]
            pub fn len(&self) -> usize {
                before("len", Location::caller());
                self.shared.enter().items.len()
            }

            /// The messages, until the channel is empty and every sender is gone.
            pub fn iter(&self) -> Iter<'_, T> {
                Iter { rx: self }
            }

            /// The messages queued right now, without waiting: ends at the first empty look.
            pub fn try_iter(&self) -> TryIter<'_, T> {
                TryIter { rx: self }
            }
        }

        /// `rx.try_iter()`: the messages already queued.
        #[derive(Debug)]
        pub struct TryIter<'a, T> {
            rx: &'a Receiver<T>,
        }

        impl<T: Debug> Iterator for TryIter<'_, T> {
            type Item = T;
            #[track_caller]
            fn next(&mut self) -> Option<T> {
                self.rx.try_recv_at(Location::caller()).ok()
            }
        }

        impl<T> Clone for Receiver<T> {
            #[track_caller]
            fn clone(&self) -> Self {
                self.shared.lock().receivers += 1;
                Receiver { shared: std::sync::Arc::clone(&self.shared), made: Location::caller() }
            }
        }

        impl<T> Drop for Receiver<T> {
            fn drop(&mut self) {
                if std::thread::panicking() {
                    return;
                }
                let shared = &*self.shared;
                let mut queue = shared.lock();
                queue.receivers -= 1;
                if queue.receivers == 0 {
                    shared.note(Op::ReceiverDropped, self.made);
                }
                shared.changed(queue);
            }
        }

        /// `rx.iter()`, `for msg in &rx`: the messages until every sender is gone.
        #[derive(Debug)]
        pub struct Iter<'a, T> {
            rx: &'a Receiver<T>,
        }

        impl<T: Debug> Iterator for Iter<'_, T> {
            type Item = T;
            #[track_caller]
            fn next(&mut self) -> Option<T> {
                self.rx.recv_at(Location::caller()).ok()
            }
        }

        /// `for msg in rx`: the messages until every sender is gone.
        #[derive(Debug)]
        pub struct IntoIter<T> {
            rx: Receiver<T>,
        }

        impl<T: Debug> Iterator for IntoIter<T> {
            type Item = T;
            #[track_caller]
            fn next(&mut self) -> Option<T> {
                self.rx.recv_at(Location::caller()).ok()
            }
        }

        impl<'a, T: Debug> IntoIterator for &'a Receiver<T> {
            type Item = T;
            type IntoIter = Iter<'a, T>;
            fn into_iter(self) -> Iter<'a, T> {
                self.iter()
            }
        }

        impl<T: Debug> IntoIterator for Receiver<T> {
            type Item = T;
            type IntoIter = IntoIter<T>;
            fn into_iter(self) -> IntoIter<T> {
                IntoIter { rx: self }
            }
        }
    };
}

pub(crate) use {channel_api, parking_lot_api, traced_common, traced_int};
