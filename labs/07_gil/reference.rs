// The reference code of this lab: compiled once per backend (see `lab.rs`),
// so it imports `sync::…` and `harness::…`, never `std::sync`.

use self::harness::{isolated, race_each};
use self::sync::atomic::{AtomicU64, Ordering::Relaxed};
use self::sync::{Mutex, parking_lot};
use crate::lab::{Case, State};
use std::time::Duration;

/// The reference answers: the learner's exercise with every `TODO:` done.
pub mod solution {
    include!("solution.rs");
}

/// The model interpreter: bytecodes, the GIL, the user's lock, one thread's loop.
pub mod interpreter {
    include!("interpreter.rs");
}

pub use self::interpreter::*;


// ---------------------------------------------------------------------------
// Wrong fixes: a user lock in the wrong place
// ---------------------------------------------------------------------------

/// Wrong fix: the lock around the load only.
pub fn lock_load_only() -> Vec<Op> {
    vec![Op::LockUser, Op::Load, Op::UnlockUser, Op::AddConst(1), Op::Store]
}

/// Wrong fix: the lock around the store only.
pub fn lock_store_only() -> Vec<Op> {
    vec![Op::Load, Op::AddConst(1), Op::LockUser, Op::Store, Op::UnlockUser]
}

/// Wrong fix, CPython's `multiprocessing.Value` trap (`v.value += 1`): the
/// read is locked and the write is locked, each on its own.
pub fn locked_parts() -> Vec<Op> {
    vec![Op::LockUser, Op::Load, Op::UnlockUser, Op::AddConst(1), Op::LockUser, Op::Store, Op::UnlockUser]
}

// ---------------------------------------------------------------------------
// Running a variant
// ---------------------------------------------------------------------------

/// The fixes a variant can be built from: the solution's, or a learner's.
#[derive(Clone, Copy, Debug)]
pub struct Fixes {
    /// `with lock: count += 1` as bytecode (exercise `mutex`).
    pub locked_program: fn() -> Vec<Op>,
    /// How `lock.acquire()` waits for the user's lock (exercise `acquire`).
    pub acquire_user_lock: Acquire,
    /// Process fix: what each worker process (its own interpreter and GIL) computes.
    pub worker: fn(u64) -> u64,
    /// Process fix: how the parent combines the workers' reports.
    pub combine: fn(&[u64]) -> u64,
}

impl Fixes {
    /// The reference solution's fixes.
    pub const SOLUTION: Fixes = Fixes {
        locked_program: solution::locked_program,
        acquire_user_lock: solution::acquire_user_lock,
        worker: solution::worker,
        combine: solution::combine,
    };
}

/// A case parameter: 1 when the user's lock is a `parking_lot::Mutex` (else std's).
pub const PARKING_LOT: &str = "parking_lot";

/// Which lock type a script's `LockUser` takes.
#[derive(Clone, Copy, Debug)]
enum LockKind {
    Std,
    ParkingLot,
}

/// What every thread of a variant runs: its switching policy, its program
/// and how its `lock.acquire()` waits.
#[derive(Clone, Copy, Debug)]
struct Script {
    policy: Policy,
    program: fn() -> Vec<Op>,
    lock: LockKind,
    acquire: Acquire,
}

impl Script {
    fn of(variant: &str, fixes: &Fixes) -> Option<Script> {
        use Policy::*;
        let every = |program: fn() -> Vec<Op>| Script {
            policy: EveryInstruction,
            program,
            lock: LockKind::Std,
            acquire: solution::acquire_user_lock,
        };
        let calls = |program: fn() -> Vec<Op>| Script { policy: CallsAndBackEdges, ..every(program) };
        Some(match variant {
            "racy" => every(plus_one),
            "backedges" => calls(plus_one),
            "mutex" => every(fixes.locked_program),
            "parking_lot" => Script { lock: LockKind::ParkingLot, ..every(solution::locked_program) },
            "acquire" => Script { acquire: fixes.acquire_user_lock, ..every(solution::locked_program) },
            "atomic" => every(inplace),
            "wrong_call_rhs" => calls(plus_call),
            "wrong_lock_load_only" => every(lock_load_only),
            "wrong_lock_store_only" => every(lock_store_only),
            "wrong_locked_parts" => every(locked_parts),
            _ => return None,
        })
    }

    fn shared(&self, start: u64) -> Shared {
        let lock = match self.lock {
            LockKind::Std => UserLock::Std(Mutex::new(())),
            LockKind::ParkingLot => UserLock::ParkingLot(parking_lot::Mutex::new(())),
        };
        Shared::new(start, lock)
    }
}

// The counting is lab 01's: the exact total, the unequal jobs of the process fix, the specification.
pub use crate::lab::counting::{exact, expected, jobs, judge, spec};

/// How many iterations each thread runs: the case's jobs when it has them, else `iters` each.
pub fn steps(case: &Case) -> Vec<u64> {
    match &case.jobs {
        Some(jobs) => jobs.iter().map(|job| job.first().copied().unwrap_or(0)).collect(),
        None => vec![case.iters; case.threads],
    }
}

/// Runs every thread of `script`, each with its own number of iterations, under one GIL.
fn under_one_gil(script: Script, steps: &[u64]) -> u64 {
    race_each(
        steps,
        script.shared(0),
        move |shared: &Shared, me, iters| {
            let mut thread = PyThread::start(&shared.gil, script.policy, me);
            thread.run(shared, &(script.program)(), iters, script.acquire);
            thread.finish();
        },
        |shared| shared.count.load(Relaxed),
    )
}

/// Runs `variant` at `case` and returns the final `count`, or `None` for a
/// variant this lab does not have.
pub fn run(variant: &str, fixes: &Fixes, case: &Case) -> Option<State> {
    let count = match variant {
        "process" => {
            let worker = fixes.worker;
            let jobs = case.jobs.clone().unwrap_or_else(|| jobs(case.threads, case.iters));
            (fixes.combine)(&isolated(jobs, move |job| worker(job[0])))
        }
        _ => {
            let mut script = Script::of(variant, fixes)?;
            // `lock = threading.Lock()` may be either kind: a case says which (the judge
            // runs a learner's `acquire` with both).
            if case.param(PARKING_LOT) == Some(1) {
                script.lock = LockKind::ParkingLot;
            }
            under_one_gil(script, &steps(case))
        }
    };
    Some(State::count(count))
}

// ---------------------------------------------------------------------------
// Workloads for `bench 7` (real threads; the timing is the bench's)
// ---------------------------------------------------------------------------

/// CPU-bound: `threads` Python threads under ONE GIL, each running
/// `count += 1` (3.10+ switching) `iters` times. Returns the final count.
pub fn cpu_threads(threads: usize, iters: u64) -> u64 {
    cpu_threads_each(&vec![iters; threads])
}

/// Like [`cpu_threads`], with thread `i` running `steps[i]` iterations.
pub fn cpu_threads_each(steps: &[u64]) -> u64 {
    under_one_gil(Script::of("backedges", &Fixes::SOLUTION).expect("a variant"), steps)
}

/// IO-bound: `tasks` tasks, each a blocking read of `io` then `count += 1`,
/// taken from a shared queue by `threads` Python threads under one GIL (a
/// thread pool). Returns the final count (`tasks` when all ran).
pub fn io_threads(threads: usize, tasks: u64, io: Duration) -> u64 {
    struct Pool {
        shared: Shared,
        next: AtomicU64,
        tasks: u64,
    }
    let mut shared = Shared::with_std_lock(0);
    shared.io = io;
    let pool = Pool { shared, next: AtomicU64::new(0), tasks };
    race_each(
        &vec![0; threads.max(1)],
        pool,
        |pool: &Pool, me, _| {
            let mut thread = PyThread::start(&pool.shared.gil, Policy::CallsAndBackEdges, me);
            // Taking a task from the queue is done under the GIL, as `queue.get()` would.
            while pool.next.fetch_add(1, Relaxed) < pool.tasks {
                thread.run(&pool.shared, &[Op::Io, Op::Load, Op::AddConst(1), Op::Store], 1, solution::acquire_user_lock);
            }
            thread.finish();
        },
        |pool| pool.shared.count.load(Relaxed),
    )
}

/// What a lab 07 worker process does with its job (`racelab worker 7 …`):
///
/// * `[iters]`: the process fix: count alone with its own interpreter and GIL;
/// * `[JOB_CPU, iters]`: the same, timed: reports the nanoseconds the work took;
/// * `[JOB_SERVE, 0]`: a worker of a persistent pool: for every line `n` on
///   stdin, count to `n` alone and print `report <count>`; at the end of
///   stdin, report how many tasks it ran.
pub fn worker(job: &[u64]) -> Result<u64, String> {
    match *job {
        [iters] => Ok(solution::worker(iters)),
        [JOB_SERVE, 0] => {
            use std::io::{BufRead, Write};
            let mut served = 0;
            let mut out = std::io::stdout().lock();
            for line in std::io::stdin().lock().lines() {
                let line = line.map_err(|e| format!("cannot read a task: {e}"))?;
                let iters: u64 = line.trim().parse().map_err(|_| format!("a task is a number, got {line:?}"))?;
                writeln!(out, "report {}", run_alone(&plus_one(), iters))
                    .and_then(|()| out.flush())
                    .map_err(|e| format!("cannot report: {e}"))?;
                served += 1;
            }
            Ok(served)
        }
        [JOB_CPU, iters] => {
            let started = std::time::Instant::now();
            let count = run_alone(&plus_one(), iters);
            if count != iters {
                return Err(format!("a worker counted {count} of {iters}"));
            }
            Ok(u64::try_from(started.elapsed().as_nanos()).unwrap_or(u64::MAX))
        }
        _ => Err(format!("a lab 07 worker takes one number (increments) or a tagged job, got {job:?}")),
    }
}

/// The tag of a timed CPU-bound job for a worker process (see [`worker`]).
pub const JOB_CPU: u64 = 1;

/// The tag of a persistent pool worker's job (see [`worker`]).
pub const JOB_SERVE: u64 = 2;
