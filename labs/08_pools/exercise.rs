// Exercise 08 — pools and pipelines: every job once, nothing lost, nothing left running.
//
// A pool starts its workers once and feeds them jobs; a pipeline's workers load
// batches ahead while one consumer trains on them in order. Three spots:
// claiming a job, shutting a pool down, and consuming batches in order.
// Replace each `todo!()` below its `// TODO:`.
//
//   cargo run -- verify 8            check your work (one thread, rivals, every arrival order, loom, real threads)
//   cargo run -- hint 8              a hint; `--more` for the next one
//   cargo test --test exercise_08    the same checks, as plain cargo tests
//   cargo run -- check 8 --variant racy   two workers claim the same job
//
// Job and batch numbers are `u64` and start at `first`, which the judge picks
// anywhere in the allowed range (0, 4294967294, …, up to 2^63 for jobs and
// 2^64 − 1 − count for batches). `channel` is crossbeam's API; under loom it is
// racelab's own channel with the same names, so loom sees every send and receive.
//
// solution.rs is this file's twin with every TODO done (marked `SOLVED:`).

use super::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use super::sync::channel::{Receiver, Sender};
use super::{Batch, Done, Job, Loader, Pool};

/// Claims the next job for one worker: returns its number and moves `next` past
/// it, or `None` when every job of `next..end` has been claimed. Many workers call
/// this at once: each job must go to exactly one of them, and `None` must mean
/// that no job is left (a worker that hears `None` goes home). `end ≤ 2^63`.
pub fn claim(next: &AtomicU64, end: u64) -> Option<u64> {
    // TODO: read `next` and move it on in ONE indivisible step; the value you replaced is your job.
    todo!()
}

/// One worker of the pool: run every job that arrives on `jobs`, send each
/// result back on `results`, and return once the pool is closed and the queue
/// is empty. (`stop` is for a "stop now" that drops what is queued — not for
/// `shutdown`, which finishes every job.)
pub fn work(jobs: &Receiver<Job>, results: &Sender<Done>, stop: &AtomicBool) {
    // TODO: take jobs until the channel is closed AND empty; run each and send a `Done`.
    todo!()
}

/// Finishes every submitted job and returns their outputs in submission order
/// (ticket `pool.first + i` at index `i`). When it returns, no worker is running.
pub fn shutdown(pool: Pool) -> Vec<u64> {
    // TODO: close the queue, gather every result into its place by ticket, and join every worker.
    todo!()
}

/// Trains on batches `first..first + count` strictly in order, calling
/// `train(index, batch)` once each; stops early, at once, when `train` returns
/// `false`. Keeps at most `depth ≥ 1` batches requested and not yet trained,
/// and requests as many as that allows before each wait. Batches arrive from
/// `loader.next_loaded()` in whatever order the workers finish them. `count`
/// and `depth` may be anything up to 2^64 − 1 (a depth past `count`: no limit).
pub fn consume_in_order(
    loader: &mut dyn Loader,
    first: u64,
    count: u64,
    depth: u64,
    train: &mut dyn FnMut(u64, Batch) -> bool,
) {
    // TODO: prefetch up to `depth` batches; keep early arrivals aside by index; train in order; refill.
    todo!()
}
