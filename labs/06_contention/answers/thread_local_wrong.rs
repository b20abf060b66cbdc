// A wrong answer with a `thread_local!`: the count is never reset, so a
// thread's second call publishes its first call's increments again. The
// judge judges it: the one-thread check calls it four times on one thread.
//
// expect sharded: not attempted
// expect thread_local: failing, saying "count_then_publish"
// expect process: not attempted

use super::sync::CachePadded;
use super::sync::atomic::{AtomicU64, Ordering};
use std::cell::Cell;

thread_local! {
    /// This thread's count, before it is published.
    static MINE: Cell<u64> = const { Cell::new(0) };
}

/// Sharded counter: thread `me` adds one to its own shard, `shards[me]`.
pub fn sharded_increment(shards: &[CachePadded<AtomicU64>], me: usize) {
    // TODO: add one to this thread's own shard, and to no other.
    todo!()
}

/// Sharded counter: the total, read once every thread has finished.
pub fn sharded_total(shards: &[CachePadded<AtomicU64>]) -> u64 {
    // TODO: the total is spread over the shards: add them all up.
    todo!()
}

/// Thread-local counting: count `iters` times where no other thread can see,
/// then publish the count into the shared `total` once.
pub fn count_then_publish(total: &AtomicU64, iters: u64) {
    for _ in 0..iters {
        MINE.set(MINE.get() + 1);
    }
    total.fetch_add(MINE.get(), Ordering::Relaxed);
}

/// Process fix, in each worker: count `iters` times in memory no one else can see.
pub fn worker(iters: u64) -> u64 {
    // TODO: count to `iters` in a local variable and return the count.
    todo!()
}

/// Process fix, in the parent: merge the workers' counts into the total.
pub fn combine(reports: &[u64]) -> u64 {
    // TODO: merge the workers' counts.
    todo!()
}
