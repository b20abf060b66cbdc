// The reference code of this lab: compiled once per backend (see `lab.rs`),
// so it imports `sync::…` and `harness::…`, never `std::sync`.

use self::harness::{isolated, race_each};
use self::harness::counter::{atomic_increment, mutex_increment, parking_lot_increment, racy_increment};
use self::sync::atomic::{AtomicU64, Ordering::Relaxed};
use self::sync::channel::{self, Receiver, Sender, TryRecvError};
use self::sync::{Arc, Mutex, parking_lot, thread};
use crate::lab::{Case, State};

/// The reference answers: the learner's exercise with every `TODO:` done.
pub mod solution {
    include!("solution.rs");
}

/// Increments per message of `batched` when the case names no batch
/// ([`Case::stock`] is the batch size in this lab).
pub const BATCH: u64 = 100;

/// The capacity of the `bounded` variant's channel: one message.
pub const CAPACITY: usize = 1;

// ---------------------------------------------------------------------------
// The owner and its workers
// ---------------------------------------------------------------------------

/// A worker of the `channel` variant: one message (`1`) per increment.
pub fn send_each(tx: &Sender<u64>, iters: u64) {
    for _ in 0..iters {
        tx.send(1).expect("the owner is alive until every sender is gone");
    }
}

/// The owner: adds every message until the channel is empty and every sender
/// has hung up. It is the only thread that ever touches the count.
pub fn own(rx: Receiver<u64>) -> u64 {
    let mut count = 0;
    for n in rx.iter() {
        count += n;
    }
    count
}

/// Starts one worker per entry of `steps` (`send(tx, steps[i])`) and one
/// owner thread over a channel of `capacity` (`None`: unbounded); drops its
/// own sender, joins the workers, then the owner, and returns the owner's count.
pub fn with_owner<W>(steps: &[u64], capacity: Option<usize>, send: W) -> u64
where
    W: Fn(&Sender<u64>, u64) + Copy + Send + 'static,
{
    let (tx, rx) = match capacity {
        Some(capacity) => channel::bounded(capacity),
        None => channel::unbounded(),
    };
    let workers: Vec<_> = steps
        .iter()
        .map(|&n| {
            let tx = tx.clone();
            thread::spawn(move || send(&tx, n))
        })
        .collect();
    // Named, so that schedules say `owner`.
    let owner = thread::Builder::new().name("owner".to_string()).spawn(move || own(rx)).expect("an owner thread");
    // The owner's `iter()` ends only once *every* sender is gone — this one too.
    drop(tx);
    for worker in workers {
        worker.join().expect("a worker panicked");
    }
    owner.join().expect("the owner panicked")
}

// ---------------------------------------------------------------------------
// Wrong fixes: nothing shared, and still wrong
// ---------------------------------------------------------------------------

/// Wrong fix: the owner publishes its running count in an atomic, and the
/// parent reads it as soon as the workers are joined — before the owner has
/// received what they sent (every sender is gone, the queue is not empty).
pub fn wrong_early_read(steps: &[u64]) -> u64 {
    let (tx, rx) = channel::unbounded::<u64>();
    let published = Arc::new(AtomicU64::new(0));
    let workers: Vec<_> = steps
        .iter()
        .map(|&n| {
            let tx = tx.clone();
            thread::spawn(move || send_each(&tx, n))
        })
        .collect();
    let mine = Arc::clone(&published);
    let owner = thread::Builder::new()
        .name("owner".to_string())
        .spawn(move || {
            for n in rx.iter() {
                // The owner is the only writer: a load and a store are enough.
                mine.store(mine.load(Relaxed) + n, Relaxed);
            }
        })
        .expect("an owner thread");
    drop(tx);
    for worker in workers {
        worker.join().expect("a worker panicked");
    }
    let early = published.load(Relaxed); // too early: the owner may still be receiving
    owner.join().expect("the owner panicked");
    early
}

/// Wrong fix: a bounded channel (one message) and an owner that starts
/// receiving only after the workers are joined. The second message finds the
/// channel full; its worker waits for the owner, the parent waits for the
/// worker: a deadlock.
pub fn wrong_bounded_deadlock(steps: &[u64]) -> u64 {
    let (tx, rx) = channel::bounded::<u64>(CAPACITY);
    let workers: Vec<_> = steps
        .iter()
        .map(|&n| {
            let tx = tx.clone();
            thread::spawn(move || send_each(&tx, n))
        })
        .collect();
    drop(tx);
    for worker in workers {
        worker.join().expect("a worker panicked");
    }
    own(rx) // the owner, started too late
}

/// Wrong fix: batches sent only when full. The last, partial batch of each
/// worker is never sent.
pub fn wrong_lost_final_batch(tx: &Sender<u64>, iters: u64, batch: u64) {
    let mut pending = 0;
    for _ in 0..iters {
        pending += 1;
        if pending == batch {
            tx.send(pending).expect("the owner is alive");
            pending = 0;
        }
    }
}

/// Wrong fix: an owner that polls with `try_recv` and stops the first time the
/// channel is empty — which it is whenever the workers are a little behind.
pub fn wrong_try_recv_owner(rx: Receiver<u64>) -> u64 {
    let mut count = 0;
    loop {
        match rx.try_recv() {
            Ok(n) => count += n,
            Err(TryRecvError::Empty | TryRecvError::Disconnected) => return count,
        }
    }
}

// ---------------------------------------------------------------------------
// Running a variant
// ---------------------------------------------------------------------------

/// The fixes a variant can be built from: the solution's, or a learner's.
#[derive(Clone, Copy, Debug)]
pub struct Fixes {
    /// Channel: workers send one message per increment to one owner; its total.
    pub count_by_messages: fn(&[u64]) -> u64,
    /// Batched: a worker's sends, `batch` increments per message.
    pub send_batched: fn(&Sender<u64>, u64, u64),
    /// Partials: scoped threads each return a partial count, merged at join.
    pub count_in_partials: fn(&[u64]) -> u64,
}

impl Fixes {
    /// The reference solution's fixes.
    pub const SOLUTION: Fixes = Fixes {
        count_by_messages: solution::count_by_messages,
        send_batched: solution::send_batched,
        count_in_partials: solution::count_in_partials,
    };
}

// Each thread's `steps` (unequal when the case has jobs), counted once (see `src/lab/counting.rs`).
pub use crate::lab::counting::{exact, expected, jobs, spec, steps};

/// The batch size of a case (`stock`, else [`BATCH`]).
pub fn batch(case: &Case) -> u64 {
    case.stock.unwrap_or(BATCH)
}

/// The specification: the owner's (or the merged) count is exact.
pub fn judge(case: &Case, state: &State) -> Result<(), String> {
    let (value, want) = (state.value(), exact(case));
    match want.checked_sub(value) {
        Some(0) => Ok(()),
        Some(lost) if value == 0 => Err(format!("all {lost} increments lost: the count is 0")),
        Some(1) => Err("1 increment lost".to_string()),
        Some(lost) => Err(format!("{lost} increments lost")),
        None => Err(format!("{} more than the exact total", value - want)),
    }
}

/// The batch size of each `batched_N` variant.
pub const BATCHED: [(&str, u64); 3] = [("batched_10", 10), ("batched", BATCH), ("batched_1000", 1_000)];

/// Runs `variant` at `case` (`case.jobs`, when given, sets each thread's
/// increments; `case.stock`, the batch size of `batched`) and returns the
/// final count, or `None` for a variant this lab does not have.
pub fn run(variant: &str, fixes: &Fixes, case: &Case) -> Option<State> {
    let steps = steps(case);
    let each = |work: fn(&AtomicU64)| move |c: &AtomicU64, _me: usize, k: u64| (0..k).for_each(|_| work(c));
    let load = |c: &AtomicU64| c.load(Relaxed);
    let count = match variant {
        "racy" => race_each(&steps, AtomicU64::new(0), each(racy_increment), load),
        "atomic" => race_each(&steps, AtomicU64::new(0), each(atomic_increment), load),
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
        "process" => {
            let jobs = case.jobs.clone().unwrap_or_else(|| jobs(case.threads, case.iters));
            crate::lab::counting::combine(&isolated(jobs, |job| crate::lab::counting::count_to(job[0])))
        }
        "channel" => (fixes.count_by_messages)(&steps),
        "bounded" => with_owner(&steps, Some(CAPACITY), send_each),
        "partials" => (fixes.count_in_partials)(&steps),
        "wrong_early_read" => wrong_early_read(&steps),
        "wrong_bounded_deadlock" => wrong_bounded_deadlock(&steps),
        "wrong_lost_final_batch" => {
            let batch = batch(case);
            with_owner(&steps, None, move |tx, n| wrong_lost_final_batch(tx, n, batch))
        }
        "wrong_try_recv_owner" => {
            let (tx, rx) = channel::unbounded::<u64>();
            let owner = thread::Builder::new()
                .name("owner".to_string())
                .spawn(move || wrong_try_recv_owner(rx))
                .expect("an owner thread");
            // Fire-and-forget workers: a send to an owner that has gone fails, and is ignored.
            race_each(&steps, tx, |tx, _, k| {
                (0..k).for_each(|_| {
                    let _ = tx.send(1);
                })
            }, |_| ());
            owner.join().expect("the owner panicked")
        }
        _ => {
            let (_, size) = BATCHED.iter().find(|(name, _)| *name == variant)?;
            let batch = if variant == "batched" { batch(case) } else { *size };
            let send = fixes.send_batched;
            with_owner(&steps, None, move |tx, n| send(tx, n, batch))
        }
    };
    Some(State::count(count))
}

