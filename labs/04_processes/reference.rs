// The reference code of this lab: compiled once per backend (see `lab.rs`),
// so it imports `sync::…` and `harness::…`, never `std::sync`.

use self::harness::{isolated, race};
use self::sync::atomic::{AtomicBool, AtomicU64, Ordering::Acquire, Ordering::Relaxed, Ordering::Release};
use self::sync::hint;
use crate::lab::{Case, State};

/// The reference fixes: the learner's exercise with every `TODO:` done.
pub mod solution {
    include!("solution.rs");
}

/// The memory the workers share: one page that every worker maps.
///
/// `repr(C)` and atomics only, so that on real hardware it can be laid over a
/// zero-filled shared mapping (all zeros: counter 0, lock free).
#[repr(C)]
#[derive(Debug, Default)]
pub struct Page {
    /// The counter every worker increments.
    pub counter: AtomicU64,
    /// A lock that lives in the page itself: `true` while a worker holds it.
    pub lock: AtomicBool,
}

// ---------------------------------------------------------------------------
// The race
// ---------------------------------------------------------------------------

/// The racy increment on the shared counter: read, add, write as three steps —
/// lab 01's race, now between processes.
pub fn racy_increment(counter: &AtomicU64) {
    let seen = counter.load(Relaxed); // 1. read the mapped counter
    let next = std::hint::black_box(seen) + 1; // 2. add, in this process's register
    counter.store(next, Relaxed); // 3. write: may overwrite another process's write
}

// ---------------------------------------------------------------------------
// Wrong fixes
// ---------------------------------------------------------------------------

fn take(lock: &AtomicBool) {
    while lock.compare_exchange(false, true, Acquire, Relaxed).is_err() {
        hint::spin_loop();
    }
}

fn give_back(lock: &AtomicBool) {
    lock.store(false, Release);
}

/// Wrong fix, the CPython trap: every read and every write is locked, each
/// on its own (`multiprocessing.Value` with a bare `v.value += 1`). The gap
/// between the locked read and the locked write is not.
pub fn wrong_locked_parts(lock: &AtomicBool, counter: &AtomicU64) {
    take(lock);
    let seen = counter.load(Relaxed);
    give_back(lock);
    take(lock);
    counter.store(seen + 1, Relaxed);
    give_back(lock);
}

/// Wrong fix: "wait until the lock is free, then take it" as a load and a
/// store. Two workers can both see it free and both take it.
pub fn wrong_test_then_set(lock: &AtomicBool, counter: &AtomicU64) {
    while lock.load(Acquire) {
        hint::spin_loop();
    }
    lock.store(true, Relaxed);
    racy_increment(counter);
    give_back(lock);
}

/// Wrong fix: a right lock with `Relaxed` orderings. Only one worker is
/// inside at a time, but nothing makes the next one see the last one's store
/// to the counter (loom shows the stale read; x86 hides it).
pub fn wrong_relaxed_lock(lock: &AtomicBool, counter: &AtomicU64) {
    while lock.compare_exchange(false, true, Relaxed, Relaxed).is_err() {
        hint::spin_loop();
    }
    racy_increment(counter);
    lock.store(false, Relaxed);
}

// ---------------------------------------------------------------------------
// Running a variant
// ---------------------------------------------------------------------------

/// The fixes a variant can be built from: the solution's, or a learner's.
#[derive(Clone, Copy, Debug)]
pub struct Fixes {
    /// Fix 1: one atomic read-modify-write on the shared counter.
    pub atomic: fn(&AtomicU64),
    /// Fix 2: a lock that lives in the shared page around a load and a store.
    pub lock: fn(&AtomicBool, &AtomicU64),
    /// Fix 3: what each isolated worker computes in its own memory.
    pub worker: fn(u64) -> u64,
    /// Fix 3: how the parent combines the workers' reports.
    pub combine: fn(&[u64]) -> u64,
}

impl Fixes {
    /// The reference solution's fixes.
    pub const SOLUTION: Fixes = Fixes {
        atomic: solution::atomic_increment,
        lock: solution::locked_increment,
        worker: solution::worker,
        combine: solution::combine,
    };
}

/// The variants that run as workers sharing one [`Page`], in the order their
/// numbers are passed to a worker process (`racelab worker 4 …`).
pub const SHARED_VARIANTS: [&str; 6] =
    ["racy", "atomic", "lock", "wrong_locked_parts", "wrong_test_then_set", "wrong_relaxed_lock"];

/// One increment of a shared-page variant, or `None` for a variant that
/// shares no page.
pub fn step(variant: &str, fixes: &Fixes, page: &Page) -> Option<()> {
    match variant {
        "racy" => racy_increment(&page.counter),
        "atomic" => (fixes.atomic)(&page.counter),
        "lock" => (fixes.lock)(&page.lock, &page.counter),
        "wrong_locked_parts" => wrong_locked_parts(&page.lock, &page.counter),
        "wrong_test_then_set" => wrong_test_then_set(&page.lock, &page.counter),
        "wrong_relaxed_lock" => wrong_relaxed_lock(&page.lock, &page.counter),
        _ => return None,
    }
    Some(())
}

// The counting is lab 01's: the exact total, the unequal jobs of the process fix.
pub use crate::lab::counting::{exact, expected, jobs};

/// The specification: the parent ends with the exact count (lab 01's, with
/// a clearer word for a parent that saw none of the workers' increments).
pub fn judge(case: &Case, state: &State) -> Result<(), String> {
    match (state.value(), exact(case)) {
        (0, lost @ 1..) => Err(format!("all {lost} increments lost: the parent's counter is still 0")),
        _ => crate::lab::counting::judge(case, state),
    }
}

/// The right final state for a case, as shown to the learner.
pub fn spec(case: &Case) -> String {
    exact(case).to_string()
}

/// What the workers share under the model and on real threads: the page, and
/// the (read-only) functions to run on it.
struct Shared {
    page: Page,
    fixes: Fixes,
    variant: &'static str,
}

fn one_step(shared: &Shared) {
    let _ = step(shared.variant, &shared.fixes, &shared.page);
}

fn final_count(shared: &Shared) -> u64 {
    shared.page.counter.load(Relaxed)
}

/// A page whose counter starts at `start` (0 unless a case says: a shortcut some code
/// takes only for large counts is taken from the start there), its lock free.
fn page_from(start: u64) -> Page {
    Page { counter: AtomicU64::new(start), lock: AtomicBool::new(false) }
}

/// Each worker starts with a copy of the parent's counter and increments the
/// copy: what `fork` does. The parent's own counter is what it reads.
fn fork_copy(jobs: Vec<Vec<u64>>) -> u64 {
    let parent = 0_u64;
    let children = isolated(jobs, move |job| {
        let mut copy = parent; // the child's copy-on-write copy
        for _ in 0..job[0] {
            copy += 1;
        }
        copy
    });
    drop(children); // the children's counts exist — in the children
    parent
}

/// Runs `variant` with `threads` workers of `iters` increments and returns the
/// parent's final count, or `None` for a variant this lab does not have.
///
/// Here the workers are threads (model threads under loom) whose only shared
/// state is the [`Page`]; `racelab run 4` runs them as real processes.
pub fn run(variant: &str, fixes: &Fixes, case: &Case) -> Option<State> {
    let (threads, iters) = (case.threads, case.iters);
    let count = match variant {
        "process" => {
            let worker = fixes.worker;
            let jobs = case.jobs.clone().unwrap_or_else(|| jobs(threads, iters));
            (fixes.combine)(&isolated(jobs, move |job| worker(job[0])))
        }
        "wrong_fork_copy" => fork_copy(case.jobs.clone().unwrap_or_else(|| jobs(threads, iters))),
        _ => {
            let variant = SHARED_VARIANTS.iter().copied().find(|v| *v == variant)?;
            let start = case.param("start").unwrap_or(0);
            let shared = Shared { page: page_from(start), fixes: *fixes, variant };
            race(threads, iters, shared, one_step, final_count).wrapping_sub(start)
        }
    };
    Some(State::count(count))
}
