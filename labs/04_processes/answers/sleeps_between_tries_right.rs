// A right lock that sleeps between tries with `std::thread::sleep` (a
// reviewer's): in the model, std's `sleep`, `yield_now` and `hint::spin_loop`
// are the swap module's (`judge::spec`'s `learner_backends!`), a point where
// loom lets the other thread run, so loom finishes its interleavings. It was
// "not judged": std's own sleep spun loom's one OS thread without a switch.
//
// expect atomic: not attempted
// expect lock: solved
// expect process: not attempted

use super::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use super::sync::hint;

/// Fix 1: one indivisible read-modify-write on the counter in the shared page.
pub fn atomic_increment(counter: &AtomicU64) {
    // TODO: add one to the mapped counter in one atomic step.
    todo!()
}

/// Fix 2: a lock that lives in the shared page (`false`: free). Take it, read-add-write, release it.
pub fn locked_increment(lock: &AtomicBool, counter: &AtomicU64) {
    while lock.compare_exchange(false, true, Ordering::Acquire, Ordering::Relaxed).is_err() {
        std::thread::sleep(std::time::Duration::from_micros(1));
    }
    let seen = counter.load(Ordering::Relaxed);
    counter.store(seen + 1, Ordering::Relaxed);
    lock.store(false, Ordering::Release);
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
