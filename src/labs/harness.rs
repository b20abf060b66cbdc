//! How every lab runs its threads: start together, work, join, then look.
//!
//! This file is compiled once per backend, like the labs, so the same
//! harness drives real threads and loom's model threads. loom 0.7 has no
//! `thread::scope`, so threads share through an `Arc` and are joined by hand.

use super::sync::{Arc, OBSERVER_LOOKS, StartLine, thread};

/// Runs `work(&shared)` `iters` times on each of `threads` threads, joins them
/// all, then returns `look(&shared)`.
///
/// The threads wait at a [`StartLine`] first, so on real threads they really
/// overlap (under loom, where every start order is explored anyway, the start
/// line is a no-op).
pub fn race<S>(threads: usize, iters: u64, shared: S, work: fn(&S), look: fn(&S) -> u64) -> u64
where
    S: Send + Sync + 'static,
{
    race_and_look(threads, iters, shared, work, look, false)
}

/// Like [`race`], but looks at `shared` *before* joining: the classic
/// "read the total too early" mistake, kept for the wrong-fix catalogue.
pub fn race_look_early<S>(threads: usize, iters: u64, shared: S, work: fn(&S), look: fn(&S) -> u64) -> u64
where
    S: Send + Sync + 'static,
{
    race_and_look(threads, iters, shared, work, look, true)
}

fn race_and_look<S>(threads: usize, iters: u64, shared: S, work: fn(&S), look: fn(&S) -> u64, early: bool) -> u64
where
    S: Send + Sync + 'static,
{
    let shared = Arc::new(shared);
    let start = Arc::new(StartLine::new(threads));
    let handles = spawn_racers(threads, iters, &shared, &start, work);
    // Looking before the joins reads a total the threads are still changing.
    let early_look = early.then(|| look(&shared));
    for handle in handles {
        handle.join().expect("a racing thread panicked");
    }
    early_look.unwrap_or_else(|| look(&shared))
}

/// Like [`race`], with one more thread watching: it looks at `shared` up to
/// [`OBSERVER_LOOKS`] times while the others work and reports the first value
/// that is not `invariant`. Returns that value, or — if the observer never
/// saw a wrong one — `look(&shared)` after everyone has finished.
pub fn race_observed<S>(
    threads: usize,
    iters: u64,
    shared: S,
    work: fn(&S),
    look: fn(&S) -> u64,
    invariant: u64,
) -> u64
where
    S: Send + Sync + 'static,
{
    let shared = Arc::new(shared);
    let start = Arc::new(StartLine::new(threads + 1));
    let handles = spawn_racers(threads, iters, &shared, &start, work);
    let observer = {
        let (shared, start) = (Arc::clone(&shared), Arc::clone(&start));
        // Named, so that schedules say `observer` rather than a number.
        thread::Builder::new()
            .name("observer".to_string())
            .spawn(move || {
                start.wait();
                (0..OBSERVER_LOOKS).map(|_| look(&shared)).find(|&seen| seen != invariant)
            })
            .expect("the observer thread starts")
    };
    for handle in handles {
        handle.join().expect("a racing thread panicked");
    }
    let torn = observer.join().expect("the observer panicked");
    torn.unwrap_or_else(|| look(&shared))
}

/// Starts `threads` threads that wait at `start`, then call `work` `iters` times.
fn spawn_racers<S>(
    threads: usize,
    iters: u64,
    shared: &Arc<S>,
    start: &Arc<StartLine>,
    work: fn(&S),
) -> Vec<thread::JoinHandle<()>>
where
    S: Send + Sync + 'static,
{
    (0..threads)
        .map(|_| {
            let (shared, start) = (Arc::clone(shared), Arc::clone(start));
            thread::spawn(move || {
                start.wait();
                for _ in 0..iters {
                    work(&shared);
                }
            })
        })
        .collect()
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
