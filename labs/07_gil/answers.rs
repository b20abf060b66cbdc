// Lab 07's catalogue of learner answers: plausible wrong ones the judge must
// reject, and unusual right ones it must accept (mutation tests of the judge).
//
// Compiled once per backend like the lab code, and run through the very
// checks `racelab verify 7` runs (`cargo test --test judge`). Most wrong
// answers put the user's lock in the wrong place, or wait for it in a way
// that stops every thread; one relies on CPython 3.10+'s switching.

use super::{Fixes, Op, PyThread, UserGuard, UserLock, run_alone};
use crate::judge::Answer;

const S: Fixes = Fixes::SOLUTION;
use Op::*;

// --- wrong: `with lock: count += 1` as bytecode -------------------------------

/// No lock: right only while the interpreter never switches inside `+=`.
fn no_lock() -> Vec<Op> {
    vec![Load, AddConst(1), Store]
}

/// The lock around the load only.
fn lock_load_only() -> Vec<Op> {
    vec![LockUser, Load, UnlockUser, AddConst(1), Store]
}

/// The lock around the store only.
fn lock_store_only() -> Vec<Op> {
    vec![Load, AddConst(1), LockUser, Store, UnlockUser]
}

/// The read locked and the write locked, each on its own (`multiprocessing.Value`).
fn locked_parts() -> Vec<Op> {
    vec![LockUser, Load, UnlockUser, AddConst(1), LockUser, Store, UnlockUser]
}

/// Releases before the store.
fn unlock_before_store() -> Vec<Op> {
    vec![LockUser, Load, AddConst(1), UnlockUser, Store]
}

/// Locks after the load.
fn lock_after_load() -> Vec<Op> {
    vec![Load, LockUser, AddConst(1), Store, UnlockUser]
}

/// Never releases: the next iteration acquires a lock it holds.
fn never_unlock() -> Vec<Op> {
    vec![LockUser, Load, AddConst(1), Store]
}

/// Acquires twice: a `threading.Lock` is not re-entrant.
fn lock_twice() -> Vec<Op> {
    vec![LockUser, LockUser, Load, AddConst(1), Store, UnlockUser, UnlockUser]
}

/// `count += one()` with the call made before the lock.
fn call_outside_lock() -> Vec<Op> {
    vec![Load, Call, LockUser, Add, Store, UnlockUser]
}

/// Adds two.
fn adds_two() -> Vec<Op> {
    vec![LockUser, Load, AddConst(2), Store, UnlockUser]
}

/// Loads twice: a value is left on the stack.
fn loads_twice() -> Vec<Op> {
    vec![LockUser, Load, Load, AddConst(1), Store, UnlockUser]
}

/// No lock, one in-place-add bytecode: exact, since the GIL makes one bytecode
/// atomic — but that is the `atomic` variant, not `with lock:`.
fn inplace_add() -> Vec<Op> {
    vec![InplaceAdd(1)]
}

// --- wrong: how `lock.acquire()` waits ---------------------------------------

/// Blocks on the lock while holding the GIL: the lock's holder never gets
/// the GIL back to release it.
fn blocks_holding_gil<'a>(_thread: &mut PyThread<'a>, lock: &'a UserLock) -> UserGuard<'a> {
    lock.lock()
}

/// Releases the GIL around a std lock's wait, but blocks on a `parking_lot` lock
/// holding it (a reviewer's answer, once solved: the judge tried std's lock only).
fn blocks_holding_gil_on_parking_lot<'a>(thread: &mut PyThread<'a>, lock: &'a UserLock) -> UserGuard<'a> {
    match lock {
        UserLock::Std(_) => {
            thread.release_gil();
            let guard = lock.lock();
            thread.take_gil();
            guard
        }
        UserLock::ParkingLot(_) => lock.lock(),
    }
}

/// Releases the GIL to wait, and never takes it back.
fn forgets_the_gil<'a>(thread: &mut PyThread<'a>, lock: &'a UserLock) -> UserGuard<'a> {
    thread.release_gil();
    lock.lock()
}

/// Releases the GIL and retakes it at once, then blocks holding it.
fn retakes_before_waiting<'a>(thread: &mut PyThread<'a>, lock: &'a UserLock) -> UserGuard<'a> {
    thread.release_gil();
    thread.take_gil();
    lock.lock()
}

/// Tries first (right), then blocks holding the GIL (wrong).
fn try_then_block_holding_gil<'a>(_thread: &mut PyThread<'a>, lock: &'a UserLock) -> UserGuard<'a> {
    match lock.try_lock() {
        Some(guard) => guard,
        None => lock.lock(),
    }
}

/// Spins on `try_lock` while holding the GIL: the holder can never run to release it.
fn spins_holding_gil<'a>(_thread: &mut PyThread<'a>, lock: &'a UserLock) -> UserGuard<'a> {
    loop {
        if let Some(guard) = lock.try_lock() {
            return guard;
        }
    }
}

/// Tries the lock six times, releasing the GIL between tries so the holder
/// can run ("it will be free by then"), then blocks holding the GIL: when the
/// holder needs longer, it never gets the GIL back to release the lock.
fn six_tries_then_block_holding_gil<'a>(thread: &mut PyThread<'a>, lock: &'a UserLock) -> UserGuard<'a> {
    for _ in 0..6 {
        if let Some(guard) = lock.try_lock() {
            return guard;
        }
        thread.release_gil();
        thread.take_gil();
    }
    lock.lock()
}

/// The same with a thousand tries: a holder that runs longer still deadlocks.
fn thousand_tries_then_block_holding_gil<'a>(thread: &mut PyThread<'a>, lock: &'a UserLock) -> UserGuard<'a> {
    for _ in 0..1_000 {
        if let Some(guard) = lock.try_lock() {
            return guard;
        }
        thread.release_gil();
        thread.take_gil();
    }
    lock.lock()
}

// --- wrong: processes ----------------------------------------------------------

/// Takes the biggest report instead of adding them: right only with one worker.
fn combine_max(reports: &[u64]) -> u64 {
    reports.iter().copied().max().unwrap_or(0)
}

/// Multiplies the first report by the number of workers: right only for equal jobs.
fn combine_first_times_count(reports: &[u64]) -> u64 {
    reports.first().map_or(0, |first| first * reports.len() as u64)
}

/// Reports 1 whatever its job: the parent cannot add up counts it never got.
fn worker_ignores_job(_iters: u64) -> u64 {
    1
}

/// Runs its job cut to 32 bits (`iters as u32`): right until a worker is given 2^32 increments
/// or more, which `run 7 --variant process --iters 10000000000` does.
fn worker_u32_iters(iters: u64) -> u64 {
    run_alone(&[Load, AddConst(1), Store], u64::from(iters as u32))
}

/// Sums in 32 bits: right until the total passes 4 294 967 295.
fn combine_u32(reports: &[u64]) -> u64 {
    u64::from(reports.iter().map(|&r| r as u32).fold(0_u32, u32::wrapping_add))
}

/// Sums in a `u32` only when there are four reports or more ("many small counts"): right
/// for two or three reports past 2^32, wrong for four (a reviewer's answer, once solved).
fn combine_u32_when_many(reports: &[u64]) -> u64 {
    if reports.len() >= 4 {
        return u64::from(reports.iter().fold(0_u32, |sum, &r| sum.wrapping_add(r as u32)));
    }
    reports.iter().sum()
}

// --- right, if unusual -----------------------------------------------------------

/// `count += one()` entirely under the lock.
fn call_inside_lock() -> Vec<Op> {
    vec![LockUser, Load, Call, Add, Store, UnlockUser]
}

/// The in-place add under the lock: the lock is not needed, and not wrong.
fn inplace_under_lock() -> Vec<Op> {
    vec![LockUser, InplaceAdd(1), UnlockUser]
}

/// `count = count + 0 + 1` under the lock.
fn adds_zero_then_one() -> Vec<Op> {
    vec![LockUser, Load, AddConst(0), AddConst(1), Store, UnlockUser]
}

/// Releases the GIL only if it holds it (it always does here), then waits and retakes it.
fn releases_only_if_held<'a>(thread: &mut PyThread<'a>, lock: &'a UserLock) -> UserGuard<'a> {
    if thread.holds_gil() {
        thread.release_gil();
    }
    let guard = lock.lock();
    thread.take_gil();
    guard
}

/// CPython's own way: try the lock with the GIL held (the fast path), and only
/// if it is taken release the GIL, block, and take the GIL back.
fn try_then_release_and_block<'a>(thread: &mut PyThread<'a>, lock: &'a UserLock) -> UserGuard<'a> {
    if let Some(guard) = lock.try_lock() {
        return guard;
    }
    thread.release_gil();
    let guard = lock.lock();
    thread.take_gil();
    guard
}

/// Tries the lock; if it is taken, releases the GIL, waits for the lock to be free (taking
/// it and letting it go at once), takes the GIL back and tries again: right, though two
/// threads can keep it going in loom's endless schedule that preempts one in every round
/// (a reviewer's answer, once "not judged").
fn waits_then_retries<'a>(thread: &mut PyThread<'a>, lock: &'a UserLock) -> UserGuard<'a> {
    loop {
        if let Some(guard) = lock.try_lock() {
            return guard;
        }
        thread.release_gil();
        drop(lock.lock());
        thread.take_gil();
    }
}

/// Counts in a local variable instead of an interpreter.
fn worker_local_loop(iters: u64) -> u64 {
    let mut count = 0;
    for _ in 0..iters {
        count += 1;
    }
    count
}

/// A checked fold instead of `sum`.
fn combine_fold(reports: &[u64]) -> u64 {
    reports.iter().try_fold(0_u64, |a, &b| a.checked_add(b)).unwrap_or(u64::MAX)
}

/// Every answer in the catalogue.
pub fn catalogue() -> Vec<Answer<Fixes>> {
    let program = |f: fn() -> Vec<Op>| Fixes { locked_program: f, ..S };
    let acquire = |f: super::Acquire| Fixes { acquire_user_lock: f, ..S };
    vec![
        Answer::wrong("no_lock", "mutex", program(no_lock)),
        Answer::wrong("lock_load_only", "mutex", program(lock_load_only)),
        Answer::wrong("lock_store_only", "mutex", program(lock_store_only)),
        Answer::wrong("locked_parts", "mutex", program(locked_parts)),
        Answer::wrong("unlock_before_store", "mutex", program(unlock_before_store)),
        Answer::wrong("lock_after_load", "mutex", program(lock_after_load)),
        Answer::wrong("never_unlock", "mutex", program(never_unlock)),
        Answer::wrong("lock_twice", "mutex", program(lock_twice)),
        Answer::wrong("call_outside_lock", "mutex", program(call_outside_lock)),
        Answer::wrong("adds_two", "mutex", program(adds_two)),
        Answer::wrong("loads_twice", "mutex", program(loads_twice)),
        Answer::wrong("inplace_add", "mutex", program(inplace_add)),
        Answer::wrong("blocks_holding_gil", "acquire", acquire(blocks_holding_gil)),
        Answer::wrong("blocks_holding_gil_on_parking_lot", "acquire", acquire(blocks_holding_gil_on_parking_lot)),
        Answer::wrong("forgets_the_gil", "acquire", acquire(forgets_the_gil)),
        Answer::wrong("retakes_before_waiting", "acquire", acquire(retakes_before_waiting)),
        Answer::wrong("try_then_block_holding_gil", "acquire", acquire(try_then_block_holding_gil)),
        Answer::wrong("spins_holding_gil", "acquire", acquire(spins_holding_gil)),
        Answer::wrong("six_tries_then_block_holding_gil", "acquire", acquire(six_tries_then_block_holding_gil)),
        Answer::wrong("thousand_tries_then_block_holding_gil", "acquire", acquire(thousand_tries_then_block_holding_gil)),
        Answer::wrong("combine_max", "process", Fixes { combine: combine_max, ..S }),
        Answer::wrong("combine_first_times_count", "process", Fixes { combine: combine_first_times_count, ..S }),
        Answer::wrong("worker_ignores_job", "process", Fixes { worker: worker_ignores_job, ..S }),
        Answer::wrong("combine_u32", "process", Fixes { combine: combine_u32, ..S }),
        Answer::wrong("combine_u32_when_many", "process", Fixes { combine: combine_u32_when_many, ..S }),
        Answer::wrong("worker_u32_iters", "process", Fixes { worker: worker_u32_iters, ..S }),
        Answer::right("call_inside_lock", "mutex", program(call_inside_lock)),
        Answer::right("inplace_under_lock", "mutex", program(inplace_under_lock)),
        Answer::right("adds_zero_then_one", "mutex", program(adds_zero_then_one)),
        Answer::right("releases_only_if_held", "acquire", acquire(releases_only_if_held)),
        Answer::right("try_then_release_and_block", "acquire", acquire(try_then_release_and_block)),
        Answer::right("waits_then_retries", "acquire", acquire(waits_then_retries)),
        Answer::right(
            "worker_local_loop_combine_fold",
            "process",
            Fixes { worker: worker_local_loop, combine: combine_fold, ..S },
        ),
    ]
}
