// The reference code of this lab: compiled once per backend (see `lab.rs`),
// so it imports `sync::…` and `harness::…`, never `std::sync`.

use self::harness::{isolated, race, race_look_early};
use crate::lab::{Case, State};
use self::sync::atomic::{AtomicU64, Ordering::Relaxed};
use self::sync::cell::UnsafeCell;
use self::sync::{Mutex, parking_lot};

/// The reference fixes: the learner's exercise with every `TODO:` done.
pub mod solution {
    include!("solution.rs");
}

// ---------------------------------------------------------------------------
// The race
// ---------------------------------------------------------------------------

/// The racy increment: read, add, write as three separate steps.
///
/// Each step is atomic on its own, so this is a *race condition* (a wrong
/// answer), never a *data race* (undefined behaviour): it is safe Rust.
pub fn racy_increment(counter: &AtomicU64) {
    let seen = counter.load(Relaxed); // 1. read
    // `black_box` keeps the optimiser from fusing steps 1–3 into one `add`
    // instruction, as an interpreter's bytecodes would not be fused either.
    let next = std::hint::black_box(seen) + 1; // 2. add, in this thread's register
    counter.store(next, Relaxed); // 3. write: may overwrite another thread's write
}

/// A true data race: `+= 1` on plain memory, shared. Run only under loom.
///
/// loom reports "Causality violation" the moment two threads touch the cell
/// without synchronisation. On real threads this would be undefined
/// behaviour, so the real backend's `UnsafeCell` refuses to run it.
pub fn data_race_increment(counter: &UnsafeCell<u64>) {
    // Safety: unsound if two threads run it at once — which is the point.
    // It only ever runs inside loom's model, which checks the access instead
    // of performing a racy one; on real threads `with_mut` refuses to run.
    counter.with_mut(|count| unsafe { *count += 1 });
}

// ---------------------------------------------------------------------------
// Wrong fixes: each looks plausible, each still loses updates
// ---------------------------------------------------------------------------

/// Wrong fix: lock for the read, unlock, lock again for the write.
///
/// Every access is locked, but the *gap* between them is not.
pub fn wrong_split_lock(counter: &Mutex<u64>) {
    let seen = *counter.lock().expect("poisoned"); // lock, read, unlock
    *counter.lock().expect("poisoned") = seen + 1; // lock, write, unlock
}

/// Wrong fix: an atomic `swap` of a value computed from an earlier read.
///
/// The write is indivisible, but the value written is already stale.
pub fn wrong_swap(counter: &AtomicU64) {
    let seen = counter.load(Relaxed);
    counter.swap(seen + 1, Relaxed);
}

/// Wrong fix: a lock that each call creates for itself.
///
/// A lock only excludes threads that take *the same* lock.
pub fn wrong_private_lock(counter: &AtomicU64) {
    let lock = Mutex::new(());
    let _guard = lock.lock().expect("poisoned");
    racy_increment(counter);
}

// ---------------------------------------------------------------------------
// Running a variant
// ---------------------------------------------------------------------------

/// The fixes a variant can be built from: the solution's, or a learner's.
#[derive(Clone, Copy, Debug)]
pub struct Fixes {
    /// Fix 1: `std::sync::Mutex`.
    pub mutex: fn(&Mutex<u64>),
    /// Fix 1b: `parking_lot::Mutex`.
    pub parking_lot: fn(&parking_lot::Mutex<u64>),
    /// Fix 2: one atomic read-modify-write.
    pub atomic: fn(&AtomicU64),
    /// Fix 3: what each isolated worker computes.
    pub worker: fn(u64) -> u64,
    /// Fix 3: how the parent combines the workers' reports.
    pub combine: fn(&[u64]) -> u64,
}

impl Fixes {
    /// The reference solution's fixes.
    pub const SOLUTION: Fixes = Fixes {
        mutex: solution::mutex_increment,
        parking_lot: solution::parking_lot_increment,
        atomic: solution::atomic_increment,
        worker: solution::worker,
        combine: solution::combine,
    };
}

// The specification is the counting one: every increment counted once, the
// process fix's jobs split unequally (see `src/lab/counting.rs`).
pub use crate::lab::counting::{exact, expected, jobs, judge, spec};

/// The registry's worker: a job is one number, the increments to count.
pub fn worker(job: &[u64]) -> Result<u64, String> {
    match job {
        [iters] => Ok(solution::worker(*iters)),
        _ => Err(format!("a lab 01 worker takes one number (increments), got {job:?}")),
    }
}

fn load(counter: &AtomicU64) -> u64 {
    counter.load(Relaxed)
}

/// Runs `variant` with `threads` threads of `iters` increments each and
/// returns the final count, or `None` for a variant this lab does not have.
///
/// `process` runs here as isolated workers joined by the parent (the model of
/// processes); the real runner replaces them with OS processes.
pub fn run(variant: &str, fixes: &Fixes, case: &Case) -> Option<State> {
    let (threads, iters) = (case.threads, case.iters);
    // The count the run starts from (0 unless the case says): a shortcut some code takes only
    // for large counts is taken from the start there.
    let start = case.param("start").unwrap_or(0);
    let atomic = || AtomicU64::new(start);
    let count = match variant {
        "racy" => race(threads, iters, atomic(), racy_increment, load),
        "unsafe_cell" => race(threads, iters, UnsafeCell::new(start), data_race_increment, |cell| {
            // Safety: called after every thread has been joined: no one else can access the cell.
            cell.with(|count| unsafe { *count })
        }),
        "mutex" => race(threads, iters, Mutex::new(start), fixes.mutex, |m| *m.lock().expect("poisoned")),
        "parking_lot" => race(threads, iters, parking_lot::Mutex::new(start), fixes.parking_lot, |m| *m.lock()),
        "atomic" => race(threads, iters, atomic(), fixes.atomic, load),
        "process" => {
            let worker = fixes.worker;
            let jobs = case.jobs.clone().unwrap_or_else(|| jobs(threads, iters));
            (fixes.combine)(&isolated(jobs, move |job| worker(job[0]))).wrapping_add(start)
        }
        "wrong_split_lock" => race(threads, iters, Mutex::new(start), wrong_split_lock, |m| *m.lock().expect("poisoned")),
        "wrong_swap" => race(threads, iters, atomic(), wrong_swap, load),
        "wrong_private_lock" => race(threads, iters, atomic(), wrong_private_lock, load),
        "wrong_early_read" => race_look_early(threads, iters, atomic(), fixes.atomic, load),
        _ => return None,
    };
    Some(State::count(count.wrapping_sub(start)))
}
