// The reference code of this lab: compiled once per backend (see `lab.rs`),
// so it imports `sync::…` and `harness::…`, never `std::sync`.

use self::harness::{isolated, race_each};
use self::harness::counter::{atomic_increment, mutex_increment, parking_lot_increment, racy_increment};
use self::sync::atomic::{AtomicU64, Ordering::Relaxed};
use self::sync::{CachePadded, Mutex, parking_lot};
use crate::lab::{Case, State};

/// The reference answers: the learner's exercise with every `TODO:` done.
pub mod solution {
    include!("solution.rs");
}

/// One shard per thread, each alone on its cache line.
pub type Padded = Vec<CachePadded<AtomicU64>>;
/// One shard per thread, side by side: eight of them share a 64-byte line.
pub type Packed = Vec<AtomicU64>;

// ---------------------------------------------------------------------------
// False sharing: right, and as slow as one hot counter
// ---------------------------------------------------------------------------

/// Thread `me` adds one to its own unpadded shard.
///
/// No two threads write the same *value*, so nothing is lost; but the
/// shards share a cache line, and every write takes the line from the core
/// that wrote last.
pub fn false_shared_increment(shards: &[AtomicU64], me: usize) {
    shards[me].fetch_add(1, Relaxed);
}

/// The total of unpadded shards.
pub fn packed_total(shards: &[AtomicU64]) -> u64 {
    shards.iter().map(|shard| shard.load(Relaxed)).sum()
}

// ---------------------------------------------------------------------------
// Wrong fixes: fast, and wrong
// ---------------------------------------------------------------------------

/// Wrong fix: half as many shards as threads ("two threads per shard is
/// still less contention"), updated with a plain load and store because "a
/// shard is private". It is not: two threads share it and lose updates.
pub fn wrong_too_few_shards(shards: &[AtomicU64], me: usize) {
    let shard = &shards[me % shards.len()];
    let seen = shard.load(Relaxed);
    shard.store(std::hint::black_box(seen) + 1, Relaxed);
}

/// Wrong fix: count locally, then publish with `store`: the last thread to
/// publish overwrites the others' counts.
pub fn wrong_publish_store(total: &AtomicU64, iters: u64) {
    total.store(iters, Relaxed);
}

/// Wrong fix: count locally, then publish with a separate load and store:
/// one racy update per thread is still a race.
pub fn wrong_publish_load_store(total: &AtomicU64, iters: u64) {
    let seen = total.load(Relaxed);
    total.store(seen + iters, Relaxed);
}

// ---------------------------------------------------------------------------
// Running a variant
// ---------------------------------------------------------------------------

/// The fixes a variant can be built from: the solution's, or a learner's.
#[derive(Clone, Copy, Debug)]
pub struct Fixes {
    /// Sharded: thread `me` adds one to its own shard.
    pub sharded_increment: fn(&[CachePadded<AtomicU64>], usize),
    /// Sharded: the total of the shards.
    pub sharded_total: fn(&[CachePadded<AtomicU64>]) -> u64,
    /// Thread-local: count alone, publish once.
    pub count_then_publish: fn(&AtomicU64, u64),
    /// Process: what each isolated worker computes.
    pub worker: fn(u64) -> u64,
    /// Process: how the parent merges the workers' counts.
    pub combine: fn(&[u64]) -> u64,
}

impl Fixes {
    /// The reference solution's fixes.
    pub const SOLUTION: Fixes = Fixes {
        sharded_increment: solution::sharded_increment,
        sharded_total: solution::sharded_total,
        count_then_publish: solution::count_then_publish,
        worker: solution::worker,
        combine: solution::combine,
    };
}

// The right final state is the total (sharded variants also show each shard,
// which must equal its thread's count): see `src/lab/counting.rs`.
pub use crate::lab::counting::{exact, expected, jobs, spec, steps};

/// The specification: the total is exact and, for a sharded counter, each
/// thread's increments are all on its own shard (no shard is shared).
pub fn judge(case: &Case, state: &State) -> Result<(), String> {
    crate::lab::counting::judge(case, state)?;
    let shards = state.list("shards");
    let steps = steps(case);
    if shards.is_empty() || shards == steps.as_slice() {
        return Ok(());
    }
    match shards.iter().zip(&steps).position(|(got, want)| got != want) {
        Some(i) => Err(format!(
            "the total is right, but shard {i} holds {} while thread {i} counted {}: each thread must count on \
             its own shard, and only there",
            shards[i], steps[i]
        )),
        None => Err(format!("{} shards for {} threads: one shard per thread", shards.len(), steps.len())),
    }
}

/// The registry's worker: a job is one number, the increments to count.
pub fn worker(job: &[u64]) -> Result<u64, String> {
    match job {
        [iters] => Ok(solution::worker(*iters)),
        _ => Err(format!("a lab 06 worker takes one number (increments), got {job:?}")),
    }
}

fn zeros(threads: usize) -> Vec<u64> {
    vec![0; threads]
}

/// A sharded state: the total as the variant computed it, and every shard.
fn sharded(total: u64, shards: Vec<u64>) -> State {
    State::default().with("total", total).with_list("shards", shards)
}

/// Runs `variant` at `case` (`case.jobs`, when given, sets each thread's
/// increments) and returns its whole state, or `None` for a variant this lab
/// does not have.
pub fn run(variant: &str, fixes: &Fixes, case: &Case) -> Option<State> {
    let steps = steps(case);
    let n = steps.len();
    let hot = || AtomicU64::new(0);
    let each = |work: fn(&AtomicU64)| move |c: &AtomicU64, _me: usize, k: u64| (0..k).for_each(|_| work(c));
    let load = |c: &AtomicU64| c.load(Relaxed);
    let count = match variant {
        "racy" => race_each(&steps, hot(), each(racy_increment), load),
        "atomic" => race_each(&steps, hot(), each(atomic_increment), load),
        "mutex" => race_each(
            &steps,
            Mutex::new(0),
            |m, _, k| (0..k).for_each(|_| mutex_increment(m)),
            |m| *m.lock().expect("poisoned"),
        ),
        "parking_lot" => race_each(
            &steps,
            parking_lot::Mutex::new(0),
            |m, _, k| (0..k).for_each(|_| parking_lot_increment(m)),
            |m| *m.lock(),
        ),
        "sharded" => {
            let (inc, total) = (fixes.sharded_increment, fixes.sharded_total);
            let padded: Padded = (0..n).map(|_| CachePadded::new(hot())).collect();
            return Some(race_each(
                &steps,
                padded,
                move |s: &Padded, me, k| (0..k).for_each(|_| inc(s, me)),
                |s| sharded(total(s), s.iter().map(|shard| shard.load(Relaxed)).collect()),
            ));
        }
        "false_shared" => {
            let packed: Packed = zeros(n).into_iter().map(AtomicU64::new).collect();
            return Some(race_each(
                &steps,
                packed,
                |s: &Packed, me, k| (0..k).for_each(|_| false_shared_increment(s, me)),
                |s| sharded(packed_total(s), s.iter().map(|shard| shard.load(Relaxed)).collect()),
            ));
        }
        "thread_local" => {
            let publish = fixes.count_then_publish;
            race_each(&steps, hot(), move |c, _, k| publish(c, k), load)
        }
        "process" => {
            let worker = fixes.worker;
            let jobs = case.jobs.clone().unwrap_or_else(|| jobs(case.threads, case.iters));
            (fixes.combine)(&isolated(jobs, move |job| worker(job[0])))
        }
        "wrong_too_few_shards" => {
            let packed: Packed = zeros(n.div_ceil(2)).into_iter().map(AtomicU64::new).collect();
            race_each(&steps, packed, |s: &Packed, me, k| (0..k).for_each(|_| wrong_too_few_shards(s, me)), |s| {
                packed_total(s)
            })
        }
        "wrong_publish_store" => race_each(&steps, hot(), |c, _, k| wrong_publish_store(c, k), load),
        "wrong_publish_load_store" => race_each(&steps, hot(), |c, _, k| wrong_publish_load_store(c, k), load),
        _ => return None,
    };
    Some(State::count(count))
}
