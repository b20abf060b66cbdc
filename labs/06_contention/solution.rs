// Exercise 06 — contention: count fast *and* right.
//
// Every variant of lab 06 is correct except `racy`; they differ in speed. A
// counter that every thread hammers is one cache line that every core must
// own in turn, so adding threads can make it *slower*. Fix that without
// giving up correctness: give each thread a shard of its own, or let each
// thread count alone and publish its count once. Replace each `todo!()`
// below its `// TODO:`.
//
//   cargo run -- verify 6            check your work (loom, real threads and processes)
//   cargo run -- hint 6              a hint; `--more` for the next one
//   cargo test --test exercise_06    the same checks, as plain cargo tests
//   cargo run --release -- bench 6   what each variant costs at 1, 2, 4, … threads
//
// solution.rs is this file's twin with every TODO done (marked `SOLVED:`).

use super::sync::CachePadded;
use super::sync::atomic::{AtomicU64, Ordering};

/// Sharded counter: thread `me` adds one to its own shard, `shards[me]`.
pub fn sharded_increment(shards: &[CachePadded<AtomicU64>], me: usize) {
    // TODO: add one to this thread's own shard, and to no other.
    // SOLVED: only this thread writes shards[me], so its cache line stays in this core's cache.
    shards[me].fetch_add(1, Ordering::Relaxed);
}

/// Sharded counter: the total, read once every thread has finished.
pub fn sharded_total(shards: &[CachePadded<AtomicU64>]) -> u64 {
    // TODO: the total is spread over the shards: add them all up.
    // SOLVED: one load per shard; the threads have been joined, so nothing moves any more.
    shards.iter().map(|shard| shard.load(Ordering::Relaxed)).sum()
}

/// Thread-local counting: count `iters` times where no other thread can see,
/// then publish the count into the shared `total` once.
pub fn count_then_publish(total: &AtomicU64, iters: u64) {
    // TODO: count in a local variable, then add it to `total` in one atomic step.
    // SOLVED: the loop touches only this thread's register; one fetch_add at the end is the only shared write.
    let mut mine = 0_u64;
    for _ in 0..iters {
        // `black_box` keeps the optimiser from replacing the loop by `mine = iters`,
        // so `bench` measures counting, not just starting a thread.
        mine = std::hint::black_box(mine) + 1;
    }
    total.fetch_add(mine, Ordering::Relaxed);
}

/// Process fix, in each worker: count `iters` times in memory no one else can see.
pub fn worker(iters: u64) -> u64 {
    // TODO: count to `iters` in a local variable and return the count.
    // SOLVED: a worker process owns all of its memory: nothing to share, nothing to contend for.
    let mut count = 0_u64;
    for _ in 0..iters {
        count = std::hint::black_box(count) + 1;
    }
    count
}

/// Process fix, in the parent: merge the workers' counts into the total.
pub fn combine(reports: &[u64]) -> u64 {
    // TODO: merge the workers' counts.
    // SOLVED: independent counts add up.
    reports.iter().sum()
}
