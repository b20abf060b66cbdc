// Exercise 07 — the GIL: a global lock that does not make `+=` atomic.
//
// Each Python thread of lab 07's interpreter must hold the GIL to run a
// bytecode, and hands it over at switch points. `count += 1` is three
// bytecodes (Load, AddConst(1), Store): with a switch point between any two,
// updates are lost although only one thread ever runs at a time. Fix it the
// way a Python programmer does — a `threading.Lock` held across the whole
// read-modify-write — and write how `lock.acquire()` waits, then share
// nothing with worker processes. Replace each `todo!()` below its `// TODO:`.
//
//   cargo run -- verify 7            check your work (loom, real threads and processes)
//   cargo run -- hint 7              a hint; `--more` for the next one
//   cargo test --test exercise_07    the same checks, as plain cargo tests
//   cargo run -- check 7 --variant racy   the lost update, bytecode by bytecode
//
// The judge runs your code with the GIL switching before ANY instruction
// (the old interpreter), so an answer that only works because CPython 3.10+
// switches at calls and loop back-edges alone is not accepted.
//
// solution.rs is this file's twin with every TODO done (marked `SOLVED:`).

use super::{Op, PyThread, UserGuard, UserLock, run_alone};

/// `with lock: count += 1`, as the bytecode of one loop iteration (the
/// interpreter adds the loop's back-edge). `Op::LockUser` is `lock.acquire()`,
/// `Op::UnlockUser` is `lock.release()`; `count += 1` is `Op::Load`,
/// `Op::AddConst(1)`, `Op::Store`.
pub fn locked_program() -> Vec<Op> {
    // TODO: hold the user's lock from before the load until after the store.
    // SOLVED: the lock covers the whole read-modify-write: a switch anywhere inside lets another thread run, but not in.
    vec![Op::LockUser, Op::Load, Op::AddConst(1), Op::Store, Op::UnlockUser]
}

/// `lock.acquire()`: return holding the user's `lock` AND the GIL. The
/// thread holds the GIL when this is called. (CPython tries the lock once
/// before it blocks; loom checks that form only within 3 preemptions — see the lesson, §4.)
pub fn acquire_user_lock<'a>(thread: &mut PyThread<'a>, lock: &'a UserLock) -> UserGuard<'a> {
    // TODO: wait for `lock` without stopping every other thread, and return holding the GIL again.
    // SOLVED: the lock's holder may need the GIL to release it: block on the lock with the GIL released, then retake it.
    thread.release_gil();
    let guard = lock.lock();
    thread.take_gil();
    guard
}

/// Process fix, in each worker: a process has its own interpreter and its
/// own GIL. Run `count += 1` `iters` times there and report the count.
pub fn worker(iters: u64) -> u64 {
    // TODO: count to `iters` in this process's own interpreter (or a local variable) and return the count.
    // SOLVED: `run_alone` starts a fresh interpreter: its GIL and its `count` are this worker's alone.
    run_alone(&[Op::Load, Op::AddConst(1), Op::Store], iters)
}

/// Process fix, in the parent: combine the workers' reports into the total.
pub fn combine(reports: &[u64]) -> u64 {
    // TODO: combine the workers' counts.
    // SOLVED: independent counts add up.
    reports.iter().sum()
}
