// How every lab runs its threads: start together, work, join, then look.
//
// Included once per backend by `src/lab/mod.rs` (`harness::{real, model, step}`),
// like the labs' reference code, so the same harness drives real threads, loom's
// model threads and the stepper's. loom 0.7 has no `thread::scope`, so threads
// share through an `Arc` and are joined by hand.

use self::sync::{Arc, OBSERVER_LOOKS, StartLine, thread};
pub use crate::lab::counting::unequal_split;

/// Joins a racing thread; if it panicked, panics with its message (a learner's
/// `compare_exchange` with a `Release` failure ordering, say), not `Any { .. }`.
fn joined<T>(handle: thread::JoinHandle<T>) -> T {
    handle
        .join()
        .unwrap_or_else(|payload| panic!("a racing thread panicked: {}", crate::trace::panic_message(&*payload)))
}

/// Runs `work(&shared)` `iters` times on each of `threads` threads, joins them
/// all, then returns `look(&shared)`.
///
/// The threads wait at a [`StartLine`] first, so on real threads they really
/// overlap (under loom, where every start order is explored anyway, the start
/// line is a no-op).
pub fn race<S, T>(threads: usize, iters: u64, shared: S, work: fn(&S), look: fn(&S) -> T) -> T
where
    S: Send + Sync + 'static,
{
    let shared = Arc::new(shared);
    let start = Arc::new(StartLine::new(threads));
    let handles = spawn_racers(threads, iters, &shared, &start, move |s| {
        work(s);
        true
    });
    for handle in handles {
        joined(handle);
    }
    look(&shared)
}

/// Like [`race`], but looks at `shared` *before* joining: the classic
/// "read the total too early" mistake, kept for the wrong-fix catalogue.
pub fn race_look_early<S, T>(threads: usize, iters: u64, shared: S, work: fn(&S), look: fn(&S) -> T) -> T
where
    S: Send + Sync + 'static,
{
    let shared = Arc::new(shared);
    let start = Arc::new(StartLine::new(threads));
    let handles = spawn_racers(threads, iters, &shared, &start, move |s| {
        work(s);
        true
    });
    // Looking before the joins reads a total the threads are still changing.
    let early = look(&shared);
    for handle in handles {
        joined(handle);
    }
    early
}

/// Like [`race`], where each step answers yes or no (lab 02: "did I get a
/// ticket?"). Returns how many times each thread heard yes, in thread order,
/// and `look(&shared)` after the joins.
pub fn race_answers<S, T>(threads: usize, iters: u64, shared: S, work: fn(&S) -> bool, look: fn(&S) -> T) -> (Vec<u64>, T)
where
    S: Send + Sync + 'static,
{
    let shared = Arc::new(shared);
    let start = Arc::new(StartLine::new(threads));
    let handles = spawn_racers(threads, iters, &shared, &start, work);
    let yes = handles.into_iter().map(joined).collect();
    (yes, look(&shared))
}

/// An observer thread: what it computes at each look, what it should always
/// see, and how many times it looks (at most [`OBSERVER_LOOKS`]: once under loom).
pub struct Observer<S> {
    /// One look, e.g. `a + b`.
    pub watch: fn(&S) -> u64,
    /// What every look should return.
    pub invariant: u64,
    /// How many looks (`None`: [`OBSERVER_LOOKS`]).
    pub looks: Option<u64>,
}

/// Like [`race`], with one more thread watching (see [`Observer`]). Returns
/// the first value the observer saw that was not its invariant (if any), and
/// `look(&shared)` after everyone has finished.
pub fn race_observed<S, T>(
    threads: usize,
    iters: u64,
    shared: S,
    work: fn(&S),
    observer: Observer<S>,
    look: fn(&S) -> T,
) -> (Option<u64>, T)
where
    S: Send + Sync + 'static,
{
    let shared = Arc::new(shared);
    let start = Arc::new(StartLine::new(threads + 1));
    let handles = spawn_racers(threads, iters, &shared, &start, move |s| {
        work(s);
        true
    });
    // Set once every racer is done: looks after that see nothing new, so the observer
    // takes one more and stops (a learner's observer that pauses at each look ends
    // with the race). A plain std flag: under loom the observer looks once anyway.
    let over = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
    let observer = {
        let (mine, line, over) = (Arc::clone(&shared), Arc::clone(&start), std::sync::Arc::clone(&over));
        // Named, so that schedules say `observer` rather than a number.
        let spawned = thread::Builder::new().name("observer".to_string()).spawn(move || {
            if !line.wait() {
                return None;
            }
            let Observer { watch, invariant, looks } = observer;
            let looks = looks.unwrap_or(OBSERVER_LOOKS).min(OBSERVER_LOOKS);
            for _ in 0..looks {
                let last = over.load(std::sync::atomic::Ordering::Relaxed);
                let seen = watch(&mine);
                if seen != invariant {
                    return Some(seen);
                }
                if last {
                    break;
                }
            }
            None
        });
        match spawned {
            Ok(handle) => handle,
            Err(e) => refused(&start, handles, threads + 1, e),
        }
    };
    for handle in handles {
        joined(handle);
    }
    over.store(true, std::sync::atomic::Ordering::Relaxed);
    let torn = observer.join().expect("the observer panicked");
    (torn, look(&shared))
}

/// Starts `threads` threads that wait at `start`, then call `work` `iters`
/// times; each thread returns how many calls answered `true`.
fn spawn_racers<S, W>(
    threads: usize,
    iters: u64,
    shared: &Arc<S>,
    start: &Arc<StartLine>,
    work: W,
) -> Vec<thread::JoinHandle<u64>>
where
    S: Send + Sync + 'static,
    W: Fn(&S) -> bool + Copy + Send + 'static,
{
    let mut handles = Vec::with_capacity(threads);
    for _ in 0..threads {
        let (mine, line) = (Arc::clone(shared), Arc::clone(start));
        let spawned = thread::Builder::new().spawn(move || {
            if !line.wait() {
                return 0;
            }
            let mut yes = 0;
            for _ in 0..iters {
                yes += u64::from(work(&mine));
            }
            yes
        });
        match spawned {
            Ok(handle) => handles.push(handle),
            Err(e) => refused(start, handles, threads, e),
        }
    }
    handles
}

/// The system refused a thread: release the ones waiting at the start line,
/// join them, and stop with one clear line.
fn refused<R>(start: &StartLine, started: Vec<thread::JoinHandle<R>>, wanted: usize, error: impl std::fmt::Display) -> ! {
    start.abandon();
    let count = started.len();
    for handle in started {
        let _ = handle.join();
    }
    panic!(
        "the system refused to start another thread ({error}): thread {} of {wanted}; a process or thread \
         limit (`ulimit -u`)? try fewer --threads",
        count + 1
    )
}

/// Runs `worker(&jobs[i])` in isolation for each worker `i` and returns the
/// reports, in worker order.
///
/// This is the model of process isolation: each worker gets only its own
/// arguments, owns everything it touches, and communicates only by returning
/// its report when joined. On real hardware the runner uses OS processes
/// instead (`racelab run N --variant process`).
pub fn isolated<W>(jobs: Vec<Vec<u64>>, worker: W) -> Vec<u64>
where
    W: Fn(&[u64]) -> u64 + Copy + Send + 'static,
{
    let handles: Vec<_> = jobs.into_iter().map(|job| thread::spawn(move || worker(&job))).collect();
    handles
        .into_iter()
        .map(|handle| handle.join().expect("an isolated worker panicked"))
        .collect()
}

/// Runs `body(&shared, i, steps[i])` once on thread `i`, one thread per entry
/// of `steps`, joins them all, then returns `look(&shared)`.
///
/// Unlike [`race`], each thread knows its number and does all of its own
/// steps in one call, so it can count on its own shard or in a local variable
/// and publish once (lab 06); `steps` may differ per thread.
pub fn race_each<S, T, B>(steps: &[u64], shared: S, body: B, look: impl FnOnce(&S) -> T) -> T
where
    S: Send + Sync + 'static,
    B: Fn(&S, usize, u64) + Copy + Send + 'static,
{
    let shared = Arc::new(shared);
    let start = Arc::new(StartLine::new(steps.len()));
    let mut handles = Vec::with_capacity(steps.len());
    for (me, &n) in steps.iter().enumerate() {
        let (mine, line) = (Arc::clone(&shared), Arc::clone(&start));
        let spawned = thread::Builder::new().spawn(move || {
            if line.wait() {
                body(&mine, me, n);
            }
        });
        match spawned {
            Ok(handle) => handles.push(handle),
            Err(e) => refused(&start, handles, steps.len(), e),
        }
    }
    for handle in handles {
        joined(handle);
    }
    look(&shared)
}
