// Exercise 05 — message passing: share by communicating.
//
// Labs 01–04 let every thread write one shared counter and then made that
// safe. Here no thread shares the counter at all: workers *send* their
// increments over a channel to one owner thread, which alone holds the count;
// or each thread counts alone and hands its partial count back when joined.
// Replace each `todo!()` below its `// TODO:`.
//
//   cargo run -- verify 5            check your work (one thread, loom, real threads)
//   cargo run -- hint 5              a hint; `--more` for the next one
//   cargo test --test exercise_05    the same checks, as plain cargo tests
//   cargo run --release -- bench 5   per-message vs batched vs fetch_add vs partials
//
// `channel` is crossbeam's API (`unbounded()`, `bounded(n)`, `send`, `recv`,
// `try_recv`, `iter()`); under loom and in the stepper it is racelab's own
// channel with the same names, so loom sees every send and receive.
//
// solution.rs is this file's twin with every TODO done (marked `SOLVED:`).

use super::sync::channel;
use super::sync::channel::Sender;
use super::sync::thread;

/// Channel fix: worker `i` sends one message (`1`) per increment, `steps[i]`
/// of them, to one owner thread that alone adds them up. Returns the owner's total.
pub fn count_by_messages(steps: &[u64]) -> u64 {
    // TODO: an owner thread that sums every message until every sender is gone; a worker per entry of `steps` sending `1` per increment; return the owner's total.
    todo!()
}

/// Batched fix, in each worker: send `iters` increments as messages of `batch`
/// increments each (the last one may be smaller), so the owner gets `iters` in all.
pub fn send_batched(tx: &Sender<u64>, iters: u64, batch: u64) {
    // TODO: count locally; every time `batch` increments are pending, send them as one message; send what is left at the end.
    todo!()
}

/// Partial counts: one scoped thread per entry of `steps` counts `steps[i]`
/// increments in its own variable and returns it; the partials are merged at join.
pub fn count_in_partials(steps: &[u64]) -> u64 {
    // TODO: in `thread::scope`, spawn a thread per entry that counts to it in a local variable and returns the count; join them all and add the partials.
    todo!()
}
