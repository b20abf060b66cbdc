// Exercise 04 — a counter shared between processes.
//
// Worker processes each own their memory, so they cannot race on it — until
// they share some on purpose. Here every worker maps the same page, and the
// counter in that page loses updates across processes exactly as it does
// across threads (`racy_increment` in reference.rs, beside this file). Fix it with
// one indivisible atomic step on the mapped counter, with a lock that lives in
// the shared page itself, and by sharing nothing at all. Replace each
// `todo!()` below its `// TODO:`.
//
//   cargo run -- verify 4           check your work (loom, real threads and processes)
//   cargo run -- hint 4             a hint; `--more` for the next one
//   cargo test --test exercise_04   the same checks, as plain cargo tests
//
// Under loom the worker processes are model threads whose only shared state
// is the page. A std::sync::Mutex cannot be the lock here: it lives in one
// process's memory (see the lesson). Spin with `hint::spin_loop()` from
// `super::sync`, which loom understands, and wait with `compare_exchange`, not
// `swap`: a failed compare-exchange writes nothing, so loom can tell that a
// waiting worker changes nothing (a spinning `swap` writes every time, and
// loom gives up exploring it).
//
// solution.rs is this file's twin with every TODO done (marked `SOLVED:`).

use super::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use super::sync::hint;

/// Fix 1: one indivisible read-modify-write on the counter in the shared page.
pub fn atomic_increment(counter: &AtomicU64) {
    // TODO: add one to the mapped counter in one atomic step.
    todo!()
}

/// Fix 2: a lock that lives in the shared page (`false`: free). Take it, read-add-write, release it.
pub fn locked_increment(lock: &AtomicBool, counter: &AtomicU64) {
    // TODO: take `lock` (spin until YOU changed it from false to true), add one with a load and a store, release it.
    todo!()
}

/// Fix 3, in each worker: count `iters` times in memory no other process can see.
pub fn worker(iters: u64) -> u64 {
    // TODO: count to `iters` in a local variable and return the count (the worker's report).
    todo!()
}

/// Fix 3, in the parent: combine the workers' reports into the total.
pub fn combine(reports: &[u64]) -> u64 {
    // TODO: combine the workers' counts into the total.
    todo!()
}
