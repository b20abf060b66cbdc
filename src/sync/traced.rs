//! The traced atomics, written once for every backend that records a trace.
//!
//! [`model`](super::model) (loom) and [`step`](super::step) (shuttle, with the
//! learner as the scheduler) wrap their library's atomics the same way: each
//! operation calls the backend's `before(op, location)` (the stepper shows it
//! as the thread's next step), performs the operation on the library's type,
//! and appends an [`Op`](crate::check::trace::Op) to the trace with the value
//! read or written. The macros expand inside a backend's `atomic` module, which
//! must have `before`, `record`, `current_thread`, `trace`, `Op`, `Location`,
//! `Ordering` and `Traced` in scope.

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
    ($name:ident, $t:ty) => {
        impl $name {
            fn note(&self, op: Op, location: &'static Location<'static>) {
                record(self as *const Self as usize, &self.init.traced().to_string(), op, location);
            }

            /// Records a read-modify-write that replaced `old` with `new`; returns `old`.
            fn rmw(&self, name: &'static str, old: $t, new: $t, location: &'static Location<'static>) -> $t {
                self.note(Op::Rmw { name, read: old.traced(), wrote: new.traced() }, location);
                old
            }

            /// Loads the value (traced).
            #[track_caller]
            pub fn load(&self, order: Ordering) -> $t {
                before("load", Location::caller());
                // The judge's contended run: the lock word reads "held" while the simulated holder has it.
                if let Some(held) = trace::held_elsewhere(self as *const Self as usize) {
                    let held = <$t as Traced>::untraced(held);
                    self.note(Op::Load { read: held.traced() }, Location::caller());
                    return held;
                }
                let value = self.inner.load(order);
                self.note(Op::Load { read: value.traced() }, Location::caller());
                value
            }

            /// Stores a value (traced).
            #[track_caller]
            pub fn store(&self, value: $t, order: Ordering) {
                before("store", Location::caller());
                self.inner.store(value, order);
                self.note(Op::Store { wrote: value.traced() }, Location::caller());
            }

            /// Swaps in a value, returning the old one (traced).
            #[track_caller]
            pub fn swap(&self, value: $t, order: Ordering) -> $t {
                before("swap", Location::caller());
                if let Some(held) = trace::held_elsewhere(self as *const Self as usize) {
                    // A test-and-set while the simulated holder has the lock: it stays held.
                    let held = <$t as Traced>::untraced(held);
                    return self.rmw("swap", held, held, Location::caller());
                }
                self.rmw("swap", self.inner.swap(value, order), value, Location::caller())
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
                // The judge's "contended" run: another thread changes the value just
                // before this exchange (see `trace::interfere`).
                if let Some((other, briefly)) = trace::interference() {
                    if briefly {
                        // A lock held elsewhere for a moment: the exchange fails without a loom
                        // operation (loom counts each thread's operations in 16 bits), and loads
                        // of this word read "held" from now on while the hold lasts.
                        trace::hold_is_on(self as *const Self as usize);
                        let theirs = <$t as Traced>::untraced(other(current.traced()));
                        self.note(Op::CasFail { read: theirs.traced(), expected: current.traced() }, location);
                        return Err(theirs);
                    }
                    let now = self.inner.load(failure);
                    self.inner.store(<$t as Traced>::untraced(other(now.traced())), failure);
                }
                let result = self.inner.compare_exchange(current, new, success, failure);
                let op = match result {
                    Ok(old) => Op::CasOk { read: old.traced(), wrote: new.traced() },
                    Err(seen) => Op::CasFail { read: seen.traced(), expected: current.traced() },
                };
                self.note(op, location);
                result
            }

            /// Like [`compare_exchange`](Self::compare_exchange), but allowed to fail even when
            /// the value matches. loom never does that; the checker's second pass makes each
            /// thread's first weak compare-exchange at each call site fail once, as real
            /// hardware may.
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
                if trace::weak_cas_fails(current_thread(), location) {
                    // The hardware saw `current` and still failed to store (an ARM
                    // load-linked/store-conditional pair losing its reservation). Shown
                    // without touching the model's memory: a read here would add
                    // branches of its own, and a write would add values to read.
                    let _ = (success, new);
                    self.note(Op::CasSpurious { read: current.traced() }, location);
                    return Err(current);
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
                before("fetch_update", location);
                let mut seen = self.inner.load(fetch_order);
                self.note(Op::Load { read: seen.traced() }, location);
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
                let old = self.inner.fetch_and(value, order);
                self.rmw("fetch_and", old, old & value, Location::caller())
            }

            /// Bitwise "nand" in one indivisible step, returning the old value (traced).
            #[track_caller]
            pub fn fetch_nand(&self, value: $t, order: Ordering) -> $t {
                before("fetch_nand", Location::caller());
                let old = self.inner.fetch_nand(value, order);
                self.rmw("fetch_nand", old, !(old & value), Location::caller())
            }

            /// Bitwise "or" in one indivisible step, returning the old value (traced).
            #[track_caller]
            pub fn fetch_or(&self, value: $t, order: Ordering) -> $t {
                before("fetch_or", Location::caller());
                let old = self.inner.fetch_or(value, order);
                self.rmw("fetch_or", old, old | value, Location::caller())
            }

            /// Bitwise "xor" in one indivisible step, returning the old value (traced).
            #[track_caller]
            pub fn fetch_xor(&self, value: $t, order: Ordering) -> $t {
                before("fetch_xor", Location::caller());
                let old = self.inner.fetch_xor(value, order);
                self.rmw("fetch_xor", old, old ^ value, Location::caller())
            }

            /// Consumes the atomic and returns the value (not traced: nothing is shared any more).
            pub fn into_inner(self) -> $t {
                self.inner.into_inner()
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

        traced_common!($name, $t);

        impl $name {
            /// Creates a new atomic integer.
            pub fn new(value: $t) -> Self {
                Self { inner: <$inner>::new(value), init: value }
            }

            /// Adds in one indivisible step (wrapping), returning the old value (traced).
            #[track_caller]
            pub fn fetch_add(&self, value: $t, order: Ordering) -> $t {
                before("fetch_add", Location::caller());
                let old = self.inner.fetch_add(value, order);
                self.rmw("fetch_add", old, old.wrapping_add(value), Location::caller())
            }

            /// Subtracts in one indivisible step (wrapping), returning the old value (traced).
            #[track_caller]
            pub fn fetch_sub(&self, value: $t, order: Ordering) -> $t {
                before("fetch_sub", Location::caller());
                let old = self.inner.fetch_sub(value, order);
                self.rmw("fetch_sub", old, old.wrapping_sub(value), Location::caller())
            }

            /// Stores the larger of the value and `value` in one step, returning the old value (traced).
            #[track_caller]
            pub fn fetch_max(&self, value: $t, order: Ordering) -> $t {
                before("fetch_max", Location::caller());
                let old = self.inner.fetch_max(value, order);
                self.rmw("fetch_max", old, old.max(value), Location::caller())
            }

            /// Stores the smaller of the value and `value` in one step, returning the old value (traced).
            #[track_caller]
            pub fn fetch_min(&self, value: $t, order: Ordering) -> $t {
                before("fetch_min", Location::caller());
                let old = self.inner.fetch_min(value, order);
                self.rmw("fetch_min", old, old.min(value), Location::caller())
            }
        }
    };
}

/// `parking_lot`'s poison-free API over a tracing backend's own `Mutex`
/// (expands inside the backend's `parking_lot` module).
macro_rules! parking_lot_api {
    () => {
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
    };
}

pub(crate) use {parking_lot_api, traced_common, traced_int};
