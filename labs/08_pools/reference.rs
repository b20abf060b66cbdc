// The reference code of lab 08: compiled once per backend (see `lab.rs`), so it
// imports `sync::…`, never `std::sync`. Three parts, each a harness that runs the
// learner's functions (or the reference ones) and returns the part's whole state:
//
// 1. a thread pool: workers claim jobs from a shared `next` (`claim_pool`), or take
//    them from a channel and send results back (`Pool`, `pool_run`);
// 2. a process pool: workers that may crash mid-job (`serve`, over a `Crew` of
//    model threads here and of real processes in `os.rs`);
// 3. a prefetching pipeline: loader workers → results → one in-order consumer
//    (`pipeline_run`).

use self::sync::atomic::{AtomicBool, AtomicU64, Ordering::SeqCst};
use self::sync::channel::{self, Receiver, Sender};
use self::sync::{Arc, thread};
use crate::lab::{Case, State};
use std::cell::RefCell;
use std::collections::VecDeque;
use std::fmt;

pub use super::{Batch, Loader};

/// The reference answers: the learner's exercise with every `TODO:` done.
pub mod solution {
    include!("solution.rs");
}

/// Lists at most this long are shown whole in a state (runs of each job,
/// outputs, batches trained); past it a state gives counts only.
pub const SHOWN: u64 = 16;

/// What a job computes from its input: a pure function, so every output can be
/// checked. It is not increasing (jobs 0, 1, 2, 3 give 51, 41, 71, 61): outputs
/// sorted by their value are not in submission order.
pub fn output_of(input: u64) -> u64 {
    (input ^ 5).wrapping_mul(10).wrapping_add(1)
}

/// The input of the `k`-th job a harness submits: unequal jobs (see [`Job::run`]).
pub fn input_of(k: u64) -> u64 {
    k
}

/// What batch `index` holds once a loader worker has loaded it. Not increasing
/// (batches 0, 1, 2, 3 hold 51, 41, 71, 61): batches ordered by their data are not
/// in index order.
pub fn load(index: u64) -> Batch {
    (index ^ 5).wrapping_mul(10).wrapping_add(1)
}

// ---------------------------------------------------------------------------
// Part 1a: claiming jobs from a shared index
// ---------------------------------------------------------------------------

/// How a worker claims a job: the learner's `claim`, or one below.
pub type Claim = fn(&AtomicU64, u64) -> Option<u64>;

/// The racy claim: read `next`, check, write `next + 1` — two steps, and another
/// worker may read the same `next` in between. (`SeqCst`: the race is one of
/// atomicity, not of ordering; lab 10 is about orderings.)
pub fn racy_claim(next: &AtomicU64, end: u64) -> Option<u64> {
    let job = next.load(SeqCst);
    if job >= end {
        return None;
    }
    next.store(job + 1, SeqCst);
    Some(job)
}

/// A right claim that never moves `next` past `end`: a compare-and-swap loop
/// (`fetch_update`) that retries when another worker won.
pub fn bounded_claim(next: &AtomicU64, end: u64) -> Option<u64> {
    next.fetch_update(SeqCst, SeqCst, |job| (job < end).then_some(job + 1)).ok()
}

/// Wrong fix: `fetch_add` is indivisible, but the question "which job did I
/// get?" is asked later, with a `load` — after another worker may have added too.
pub fn wrong_add_then_load(next: &AtomicU64, end: u64) -> Option<u64> {
    next.fetch_add(1, SeqCst);
    let job = next.load(SeqCst) - 1;
    (job < end).then_some(job)
}

/// Runs one worker per `workers`, each claiming jobs `first..first + count` with
/// `claim` until it hears `None`, and returns how many times each job was claimed.
///
/// Each worker keeps the numbers it claimed and hands them back when joined:
/// nothing is shared but `next`. A worker stops after `count + 1` claims (a
/// right one never makes more), so a claim that never moves on cannot spin for ever.
pub fn claim_pool(workers: usize, first: u64, count: u64, claim: Claim) -> State {
    let end = first.saturating_add(count);
    let next = Arc::new(AtomicU64::new(first));
    let handles: Vec<_> = (0..workers)
        .map(|_| {
            let next = Arc::clone(&next);
            thread::spawn(move || {
                let mut mine = Vec::new();
                while (mine.len() as u64) <= count {
                    match claim(&next, end) {
                        Some(job) => mine.push(job),
                        None => break,
                    }
                }
                mine
            })
        })
        .collect();
    let mut runs = vec![0_u64; usize::try_from(count).expect("a run count per job")];
    let mut outside = 0;
    for handle in handles {
        for job in handle.join().expect("a worker panicked") {
            match job.checked_sub(first).filter(|&k| k < count) {
                Some(k) => runs[k as usize] += 1,
                None => outside += 1,
            }
        }
    }
    claim_state(&runs, outside)
}

/// The state of a claiming run: jobs run exactly once, runs of each job (when
/// short), claims outside the jobs.
pub fn claim_state(runs: &[u64], outside: u64) -> State {
    let once = runs.iter().filter(|&&r| r == 1).count() as u64;
    let mut state = State::default().with("right", once);
    if runs.len() as u64 <= SHOWN {
        state = state.with_list("runs", runs.to_vec());
    } else {
        state = state
            .with("skipped", runs.iter().filter(|&&r| r == 0).count() as u64)
            .with("repeated", runs.iter().filter(|&&r| r > 1).count() as u64);
    }
    if outside > 0 {
        state = state.with("outside", outside);
    }
    state
}

// ---------------------------------------------------------------------------
// Part 1b: a pool on channels, and its shutdown
// ---------------------------------------------------------------------------

/// A job of the pool: its ticket (submission number) and its input.
pub struct Job {
    /// Its number: `pool.first` for the first job submitted, then one more each.
    pub ticket: u64,
    input: u64,
}

impl Job {
    /// The job's input (what it works on).
    pub fn input(&self) -> u64 {
        self.input
    }

    /// Runs the job and returns its output. Jobs are unequal: some take longer
    /// than others, so on real threads they finish out of submission order.
    ///
    /// It takes the job by value: a job runs once, and a worker that calls
    /// `run` twice on the same job does not compile (`use of moved value`).
    /// Read `job.ticket` before calling it.
    pub fn run(self) -> u64 {
        let mut spin = 0_u64;
        for i in 0..(self.input % 7) * 200 {
            spin = std::hint::black_box(spin.wrapping_add(i));
        }
        std::hint::black_box(spin);
        output_of(self.input)
    }
}

impl fmt::Debug for Job {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "job {}", self.ticket)
    }
}

/// A job's result: its ticket and its output.
#[derive(Clone, Copy, PartialEq, Eq)]
pub struct Done {
    /// The ticket of the job it answers.
    pub ticket: u64,
    /// What the job returned.
    pub output: u64,
}

impl fmt::Debug for Done {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "done {} → {}", self.ticket, self.output)
    }
}

/// A worker loop: the learner's `work`, or a wrong one below.
pub type Work = fn(&Receiver<Job>, &Sender<Done>, &AtomicBool);
/// A shutdown: the learner's, or a wrong one below.
pub type Shutdown = fn(Pool) -> Vec<u64>;

/// A thread pool: workers take [`Job`]s from one queue and send [`Done`]s back.
#[derive(Debug)]
pub struct Pool {
    /// The submit side of the job queue; every worker holds a receiver.
    pub jobs: Sender<Job>,
    /// The results; every worker holds a sender, the pool none.
    pub results: Receiver<Done>,
    /// The workers' threads.
    pub workers: Vec<thread::JoinHandle<()>>,
    /// "Stop now": set, workers may drop what is queued (Python's
    /// `shutdown(cancel_futures=True)`). A shutdown that finishes every job never needs it.
    pub stop: Arc<AtomicBool>,
    /// The ticket of the first job submitted.
    pub first: u64,
    /// How many jobs were submitted: tickets `first..first + submitted`.
    pub submitted: u64,
    /// The workers' ends of both channels, until the workers are started.
    idle: Option<(Receiver<Job>, Sender<Done>)>,
}

impl Pool {
    /// A pool whose tickets start at `first`, with no worker started yet.
    pub fn new(first: u64) -> Pool {
        let (jobs, queue) = channel::unbounded::<Job>();
        let (done, results) = channel::unbounded::<Done>();
        let stop = Arc::new(AtomicBool::new(false));
        // The flag's first step is always the pool's own, so schedules name it `stop`.
        stop.store(false, SeqCst);
        Pool { jobs, results, workers: Vec::new(), stop, first, submitted: 0, idle: Some((queue, done)) }
    }

    /// Starts `workers` threads running `work`; each adds one to `exited` as its last step
    /// (after a yield, inside [`letting_the_pool_run_first`]).
    pub fn start(&mut self, workers: usize, work: Work, exited: &Arc<AtomicU64>) {
        let mut ends = self.idle.take();
        for w in 0..workers {
            // The last worker takes the pool's own ends: the pool keeps none, so `results`
            // closes when the last worker's sender goes.
            let (queue, done) = match (&ends, w + 1 == workers) {
                (Some((queue, done)), false) => (queue.clone(), done.clone()),
                _ => match ends.take() {
                    Some(last) => last,
                    None => return,
                },
            };
            let (stop, exited) = (Arc::clone(&self.stop), Arc::clone(exited));
            let yields = LET_THE_POOL_RUN_FIRST.with(std::cell::Cell::get);
            self.workers.push(thread::spawn(move || {
                work(&queue, &done, &stop);
                drop((queue, done));
                if yields {
                    thread::yield_now();
                }
                // The worker's last step: a shutdown that returns before it has left a thread running.
                exited.fetch_add(1, SeqCst);
            }));
        }
    }

    /// Submits a job with `input`; returns its ticket.
    pub fn submit(&mut self, input: u64) -> u64 {
        let ticket = self.first + self.submitted;
        self.submitted += 1;
        // The queue is unbounded and its receivers live as long as the workers: a failed send
        // means every worker has gone, and the job's missing output says so.
        let _ = self.jobs.send(Job { ticket, input });
        ticket
    }
}

std::thread_local! {
    /// Set inside [`letting_the_pool_run_first`].
    static LET_THE_POOL_RUN_FIRST: std::cell::Cell<bool> = const { std::cell::Cell::new(false) };
}

/// Runs `f` with every worker a pool starts yielding before its last step: in the
/// judge's one plain run of a pool of three (loom's first schedule), the pool then
/// runs as soon as its results have closed, and a `shutdown` that returns without
/// joining a worker does so before that worker's last step. (Not in loom's
/// exploration: a yield changes which schedules it visits, and the lesson quotes them.)
pub fn letting_the_pool_run_first<T>(f: impl FnOnce() -> T) -> T {
    LET_THE_POOL_RUN_FIRST.with(|on| on.set(true));
    let result = f();
    LET_THE_POOL_RUN_FIRST.with(|on| on.set(false));
    result
}

/// Runs a pool of `workers` over `count` jobs with tickets from `first`: the
/// jobs are submitted after the workers start (`queued == false`) or before
/// (`true`), then `shutdown` is called. Returns the outputs (right ones, and the
/// list when short) and how many workers were still running when it returned.
pub fn pool_run(workers: usize, first: u64, count: u64, queued: bool, work: Work, shutdown: Shutdown) -> State {
    let mut pool = Pool::new(first);
    let exited = Arc::new(AtomicU64::new(0));
    // Its first step is main's, after the pool's `stop`, so schedules name it `exited`.
    exited.store(0, SeqCst);
    if !queued {
        pool.start(workers, work, &exited);
    }
    for k in 0..count {
        pool.submit(input_of(k));
    }
    if queued {
        pool.start(workers, work, &exited);
    }
    let outputs = shutdown(pool);
    let alive = (workers as u64).saturating_sub(exited.load(SeqCst));
    pool_state(count, &outputs, alive)
}

/// The state of a pool run: outputs right and in place, the outputs (when
/// short), how many were returned (when not all), workers still running.
pub fn pool_state(count: u64, outputs: &[u64], alive: u64) -> State {
    let right = (0..count).filter(|&k| outputs.get(k as usize) == Some(&output_of(input_of(k)))).count() as u64;
    let mut state = State::default().with("right", right);
    if count <= SHOWN && outputs.len() as u64 <= SHOWN {
        state = state.with_list("outputs", outputs.to_vec());
    } else if outputs.len() as u64 != count {
        state = state.with("returned", outputs.len() as u64);
    }
    state.with("alive", alive)
}

/// Wrong fix, in the worker: it looks at `stop` before taking each job, and
/// `shutdown` sets `stop` — so jobs still queued when it is set are never run.
pub fn wrong_stop_flag_work(jobs: &Receiver<Job>, results: &Sender<Done>, stop: &AtomicBool) {
    while !stop.load(SeqCst) {
        match jobs.recv() {
            Ok(job) => {
                let _ = results.send(Done { ticket: job.ticket, output: job.run() });
            }
            Err(_) => break,
        }
    }
}

/// Wrong fix, in `shutdown`: tells the workers to stop, closes the queue,
/// joins them and gathers what they finished.
pub fn wrong_stop_flag_shutdown(pool: Pool) -> Vec<u64> {
    pool.stop.store(true, SeqCst);
    let Pool { jobs, results, workers, first, submitted, .. } = pool;
    drop(jobs);
    for worker in workers {
        worker.join().expect("a worker panicked");
    }
    gather_by_ticket(&results, first, submitted)
}

/// Wrong fix: joins the workers first and closes the queue after — each worker
/// waits in `recv` for a job or for the queue to close, main waits for them: a deadlock.
pub fn wrong_join_before_close(pool: Pool) -> Vec<u64> {
    let Pool { jobs, results, workers, first, submitted, .. } = pool;
    for worker in workers {
        worker.join().expect("a worker panicked");
    }
    drop(jobs);
    gather_by_ticket(&results, first, submitted)
}

/// Wrong fix: gathers the results with `try_recv` until the channel looks
/// empty, then drops it — a result still being computed is lost (and its
/// worker's `send` fails).
pub fn wrong_results_dropped(pool: Pool) -> Vec<u64> {
    let Pool { jobs, results, workers, first, submitted, .. } = pool;
    drop(jobs);
    let mut outputs = vec![0; submitted as usize];
    while let Ok(done) = results.try_recv() {
        outputs[(done.ticket - first) as usize] = done.output;
    }
    drop(results);
    for worker in workers {
        worker.join().expect("a worker panicked");
    }
    outputs
}

/// Wrong fix: returns the outputs in the order they came back (completion
/// order), where the caller needed submission order.
pub fn wrong_completion_order(pool: Pool) -> Vec<u64> {
    let Pool { jobs, results, workers, .. } = pool;
    drop(jobs);
    let mut outputs = Vec::new();
    for done in &results {
        outputs.push(done.output);
    }
    for worker in workers {
        worker.join().expect("a worker panicked");
    }
    outputs
}

/// Every result on `results` until it closes, each at its ticket's place.
pub fn gather_by_ticket(results: &Receiver<Done>, first: u64, submitted: u64) -> Vec<u64> {
    let mut outputs = vec![0; submitted as usize];
    for done in results.iter() {
        if let Some(slot) = done.ticket.checked_sub(first).and_then(|k| outputs.get_mut(k as usize)) {
            *slot = done.output;
        }
    }
    outputs
}

// ---------------------------------------------------------------------------
// Part 2: a pool of processes, whose workers may die mid-job
// ---------------------------------------------------------------------------

/// An input that crashes the first worker that runs it (the retry succeeds).
pub const FLAKY: u64 = 1_000_001;
/// An input that crashes every worker that runs it (reported by name).
pub const POISON: u64 = 1_000_002;

/// What a worker of the process pool says to the parent.
#[derive(Clone, PartialEq, Eq)]
pub enum Report {
    /// Worker `worker` finished job `ticket` with `output`.
    Done {
        /// Which worker.
        worker: usize,
        /// The job's ticket.
        ticket: u64,
        /// Its output.
        output: u64,
    },
    /// Worker `worker`'s pipe closed: it has ended (exited, or crashed).
    Closed {
        /// Which worker.
        worker: usize,
    },
}

impl fmt::Debug for Report {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Report::Done { worker, ticket, output } => write!(f, "w{worker} done {ticket} → {output}"),
            Report::Closed { worker } => write!(f, "w{worker} closed"),
        }
    }
}

/// The workers of a process pool, as the parent drives them: real processes
/// over pipes (`os.rs`), or model threads that share nothing but their channels.
pub trait Crew {
    /// Starts worker `w` (again, after a crash).
    fn start(&mut self, w: usize) -> Result<(), String>;
    /// Hands worker `w` job `ticket` with `input` (its `attempt`-th try, from 0);
    /// `false` if its pipe is already closed (its `Closed` report is on the way).
    fn give(&mut self, w: usize, ticket: u64, input: u64, attempt: u32) -> bool;
    /// After `Closed`: waits for worker `w` and says how it ended ("was killed by signal 9 (SIGKILL)").
    fn ended(&mut self, w: usize) -> String;
    /// Every worker's reports, on one channel.
    fn reports(&self) -> &Receiver<Report>;
    /// Closes every worker's job pipe and waits for all of them (kills a worker that will not stop).
    fn close(&mut self);
}

/// What the parent does with the job of a worker that died holding it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum OnCrash {
    /// Retry it once; a second crash reports it by name (racelab's pool).
    RetryOnce,
    /// Forget it (`multiprocessing.Pool`'s behaviour: the caller waits for ever).
    Forget,
    /// Fail it and every job not finished yet (`ProcessPoolExecutor`'s `BrokenProcessPool`).
    BreakPool,
}

/// Runs `inputs` (tickets from `first`) on a pool of `workers` started by `crew`,
/// one job at a time per worker; a worker that dies is replaced while jobs
/// remain. Returns each job's output or why it has none, in ticket order. The
/// same code drives model threads under loom and real processes.
pub fn serve(crew: &mut dyn Crew, workers: usize, first: u64, inputs: &[u64], on_crash: OnCrash) -> Vec<Result<u64, String>> {
    let n = inputs.len();
    let mut results: Vec<Option<Result<u64, String>>> = vec![None; n];
    let mut tries = vec![0_u32; n];
    let mut pending: VecDeque<usize> = (0..n).collect();
    let mut holds: Vec<Option<usize>> = vec![None; workers];
    let mut alive: Vec<bool> = (0..workers).map(|w| crew.start(w).is_ok()).collect();
    // Each crash happens while running a job, at most twice a job: so many replacements at most.
    let mut replacements = 2 * n;
    let mut left = n;
    while left > 0 {
        for w in 0..workers {
            if alive[w] && holds[w].is_none()
                && let Some(k) = pending.pop_front()
            {
                if crew.give(w, first + k as u64, inputs[k], tries[k]) {
                    holds[w] = Some(k);
                } else {
                    pending.push_front(k);
                }
            }
        }
        if !alive.iter().any(|&a| a) {
            for k in pending.drain(..) {
                results[k] = Some(Err(format!("job {} (input {}) was not run: no worker could be started", first + k as u64, inputs[k])));
            }
            break;
        }
        match crew.reports().recv() {
            Ok(Report::Done { worker, ticket, output }) => {
                let k = ticket.checked_sub(first).map(|k| k as usize);
                if k.is_some() && holds.get(worker).copied().flatten() == k {
                    holds[worker] = None;
                    let k = k.unwrap_or_default();
                    if results[k].is_none() {
                        results[k] = Some(Ok(output));
                        left -= 1;
                    }
                }
            }
            Ok(Report::Closed { worker }) => {
                let how = crew.ended(worker);
                alive[worker] = false;
                if let Some(k) = holds[worker].take() {
                    tries[k] += 1;
                    let (ticket, input) = (first + k as u64, inputs[k]);
                    match on_crash {
                        OnCrash::RetryOnce if tries[k] < 2 => pending.push_front(k),
                        OnCrash::RetryOnce => {
                            results[k] = Some(Err(format!(
                                "job {ticket} (input {input}) crashed {} workers ({how}); not retried again",
                                tries[k]
                            )));
                            left -= 1;
                        }
                        OnCrash::Forget => {}
                        OnCrash::BreakPool => {
                            let broken = format!("the pool is broken: {how} while running job {ticket}");
                            for j in std::iter::once(k).chain(pending.drain(..)).chain(holds.iter_mut().filter_map(Option::take)) {
                                if results[j].is_none() {
                                    results[j] = Some(Err(broken.clone()));
                                    left -= 1;
                                }
                            }
                        }
                    }
                }
                if left > 0 && replacements > 0 && on_crash != OnCrash::BreakPool {
                    replacements -= 1;
                    alive[worker] = crew.start(worker).is_ok();
                }
            }
            Err(_) => break,
        }
    }
    crew.close();
    results.into_iter().map(|r| r.unwrap_or_else(|| Err("never answered".to_string()))).collect()
}

/// What a worker does with a job: `None` when it crashes on it.
pub fn process_job(input: u64, attempt: u32) -> Option<u64> {
    match input {
        POISON => None,
        FLAKY if attempt == 0 => None,
        _ => Some(output_of(input)),
    }
}

/// A worker of the [`ThreadCrew`]: its job channel (`ticket, input, attempt`) and its thread.
type Hand = (Sender<(u64, u64, u32)>, thread::JoinHandle<String>);

/// The process pool's crew under loom (and on real threads): each "process" is a
/// thread that shares nothing but its own job channel (its stdin) and the
/// reports channel (its stdout); a crash is the thread ending without a word.
pub struct ThreadCrew {
    reports: Receiver<Report>,
    tell: Sender<Report>,
    workers: Vec<Option<Hand>>,
}

impl ThreadCrew {
    /// A crew of `workers` workers, none started.
    pub fn new(workers: usize) -> ThreadCrew {
        let (tell, reports) = channel::unbounded();
        ThreadCrew { reports, tell, workers: (0..workers).map(|_| None).collect() }
    }
}

impl Crew for ThreadCrew {
    fn start(&mut self, w: usize) -> Result<(), String> {
        let (give, jobs) = channel::unbounded::<(u64, u64, u32)>();
        let tell = self.tell.clone();
        let handle = thread::spawn(move || {
            for (ticket, input, attempt) in jobs.iter() {
                let Some(output) = process_job(input, attempt) else {
                    let _ = tell.send(Report::Closed { worker: w });
                    return format!("worker {w} was killed by signal 9 (SIGKILL)");
                };
                let _ = tell.send(Report::Done { worker: w, ticket, output });
            }
            let _ = tell.send(Report::Closed { worker: w });
            format!("worker {w} exited with status 0")
        });
        self.workers[w] = Some((give, handle));
        Ok(())
    }

    fn give(&mut self, w: usize, ticket: u64, input: u64, attempt: u32) -> bool {
        self.workers[w].as_ref().is_some_and(|(give, _)| give.send((ticket, input, attempt)).is_ok())
    }

    fn ended(&mut self, w: usize) -> String {
        match self.workers[w].take() {
            Some((give, handle)) => {
                drop(give);
                handle.join().unwrap_or_else(|_| "panicked".to_string())
            }
            None => "was not running".to_string(),
        }
    }

    fn reports(&self) -> &Receiver<Report> {
        &self.reports
    }

    fn close(&mut self) {
        for (give, handle) in self.workers.iter_mut().filter_map(Option::take) {
            drop(give);
            let _ = handle.join();
        }
    }
}

/// The inputs of a process-pool case: `count` jobs, the one at `flaky` crashing
/// its first worker, the one at `poison` crashing every worker.
pub fn process_inputs(count: u64, flaky: Option<u64>, poison: Option<u64>) -> Vec<u64> {
    (0..count)
        .map(|k| if Some(k) == flaky { FLAKY } else if Some(k) == poison { POISON } else { input_of(k) })
        .collect()
}

/// The state of a process-pool run: jobs answered right (a poison job is right
/// when reported by its ticket), and how many were reported as failed.
pub fn process_state(first: u64, inputs: &[u64], results: &[Result<u64, String>]) -> State {
    let mut right = 0;
    let mut failed = 0;
    for (k, (input, result)) in inputs.iter().zip(results).enumerate() {
        let ticket = first + k as u64;
        let ok = match (input, result) {
            (&POISON, Err(why)) => why.contains(&format!("job {ticket} ")),
            (_, Ok(out)) => *out == output_of(*input) && *input != POISON,
            _ => false,
        };
        right += u64::from(ok);
        failed += u64::from(result.is_err());
    }
    State::default().with("right", right).with("failed", failed)
}

// ---------------------------------------------------------------------------
// Part 3: a prefetching pipeline — loader workers, one consumer in order
// ---------------------------------------------------------------------------

/// How the learner's consumer is called: the learner's `consume_in_order`, or a wrong one.
pub type Consume = fn(&mut dyn Loader, u64, u64, u64, &mut dyn FnMut(u64, Batch) -> bool);

/// What a pipeline run saw, kept by the consumer's own thread: every request,
/// arrival and training step, and what broke the rules.
#[derive(Debug, Default)]
pub struct Ledger {
    first: u64,
    count: u64,
    depth: u64,
    /// Per batch (as `index − first`): 1 requested, 2 arrived, 3 trained; absent, not
    /// requested. Sparse: an epoch may be 2^64 − 1 batches long when `train` stops early.
    stage: std::collections::BTreeMap<u64, u8>,
    requested: u64,
    arrived: u64,
    trained: u64,
    /// The most batches requested and not yet trained at once.
    pub held: u64,
    /// Batches trained at the right place with the right data.
    pub right: u64,
    /// Waits made while fewer batches were requested than the depth allowed.
    pub lazy: u64,
    /// The first wait made while the batch due next had already arrived (its index).
    pub waited_with_due: Option<u64>,
    /// `train` said stop (see [`Ledger::stop_said`]).
    stopped: bool,
    /// The first broken rule: its code (see [`broken_rule`]) and what happened, in words.
    pub broke: Option<(u64, String)>,
    /// The batches trained, as `index − first` (the first [`SHOWN`]).
    pub order: Vec<u64>,
    /// The first request past the depth, in words.
    pub first_over: Option<String>,
}

/// A broken rule of the pipeline, by the code a state gives it (`broke=N`).
pub fn broken_rule(code: u64) -> &'static str {
    match code {
        1 => "a batch was requested twice or outside the epoch",
        2 => "`next_loaded()` was called with no batch outstanding: on real threads it waits for ever",
        3 => "a batch was trained out of order",
        4 => "a batch was trained with another batch's data",
        5 => "a batch was trained before it had arrived",
        6 => "a batch was requested, waited for or trained after `train` said stop",
        _ => "the consumer returned before the epoch (or the stop) was reached",
    }
}

impl Ledger {
    /// A ledger for batches `first..first + count` at `depth`.
    pub fn new(first: u64, count: u64, depth: u64) -> Ledger {
        Ledger { first, count, depth, ..Ledger::default() }
    }

    /// Batch `first + k`'s stage: 0 not requested, 1 requested, 2 arrived, 3 trained.
    fn stage(&self, k: u64) -> u8 {
        self.stage.get(&k).copied().unwrap_or(0)
    }

    fn broke(&mut self, code: u64, why: String) {
        self.broke.get_or_insert((code, why));
    }

    /// The first broken rule, in words.
    pub fn why(&self) -> Option<&str> {
        self.broke.as_ref().map(|(_, why)| why.as_str())
    }

    /// A request for `index`: `false` when it must not reach a worker (outside the epoch, or twice).
    pub fn request(&mut self, index: u64) -> bool {
        let Some(k) = index.checked_sub(self.first).filter(|&k| k < self.count) else {
            self.broke(1, format!("`request({index})` asks for a batch outside the epoch"));
            return false;
        };
        if self.stage(k) != 0 {
            self.broke(1, format!("batch {index} was requested twice"));
            return false;
        }
        if self.stopped {
            // A batch a loader works on and no one trains: the consumer returns at once.
            self.broke(
                6,
                format!(
                    "`request({index})` came after `train` said stop: the consumer returns at once, \
                     requesting nothing more (look at what `train` answered before refilling)"
                ),
            );
        }
        self.stage.insert(k, 1);
        self.requested += 1;
        let held = self.requested - self.trained;
        self.held = self.held.max(held);
        if held > self.depth && self.why().is_none() {
            // Not a broken rule of its own: the state's `held` and `over` say it.
            self.first_over.get_or_insert(format!(
                "`request({index})` made {held} batches requested and not yet trained, more than the depth {}",
                self.depth
            ));
        }
        true
    }

    /// A wait for the next loaded batch: `false` when nothing is outstanding (it would block for ever).
    pub fn wait(&mut self) -> bool {
        if self.requested == self.arrived {
            self.broke(
                2,
                "`next_loaded()` was called with no batch requested and not yet received: on real threads it waits \
                 for ever"
                    .to_string(),
            );
            return false;
        }
        if self.stopped {
            self.broke(
                6,
                "`next_loaded()` was called after `train` said stop: the consumer returns at once, leaving the \
                 batches still in flight"
                    .to_string(),
            );
        }
        let allowed = self.trained.saturating_add(self.depth).min(self.count);
        if self.requested < allowed {
            self.lazy += 1;
        }
        if self.trained < self.count && self.stage(self.trained) == 2 {
            self.waited_with_due.get_or_insert(self.first.wrapping_add(self.trained));
        }
        true
    }

    /// `train` returned `false`: from now on the consumer must return, not wait.
    pub fn stop_said(&mut self) {
        self.stopped = true;
    }

    /// Batch `index` arrived.
    pub fn arrived(&mut self, index: u64) {
        self.arrived += 1;
        if let Some(k) = index.checked_sub(self.first).filter(|&k| k < self.count) {
            self.stage.insert(k, 2);
        }
    }

    /// `train(index, batch)` was called.
    pub fn train(&mut self, index: u64, batch: Batch) {
        let want = self.first.wrapping_add(self.trained);
        let k = index.checked_sub(self.first).filter(|&k| k < self.count);
        if k.is_some_and(|k| self.stage(k) == 2) && index == want && batch == load(index) {
            self.right += 1;
        } else if index != want {
            self.broke(3, format!("`train({index}, …)` came where batch {want} was due"));
        } else if batch != load(index) {
            self.broke(4, format!("`train({index}, {batch})` got the wrong data for batch {index} ({} is its data)", load(index)));
        } else {
            self.broke(5, format!("`train({index}, …)` came before batch {index} had arrived"));
        }
        if let Some(k) = k {
            self.stage.insert(k, 3);
        }
        if (self.order.len() as u64) < SHOWN {
            self.order.push(index.wrapping_sub(self.first));
        }
        self.trained += 1;
    }

    /// The consumer returned; `stop`: `train` said stop after that many batches.
    pub fn finish(&mut self, stop: Option<u64>) {
        let due = stop.map_or(self.count, |s| s.min(self.count));
        if self.broke.is_none() && self.trained != due {
            match stop {
                Some(_) if self.trained > due => {
                    self.broke(6, format!("{} batches trained although `train` said stop after {due}", self.trained));
                }
                _ => self.broke(7, format!("the consumer returned after {} of {due} batches", self.trained)),
            }
        }
    }

    /// The run's state: batches right, the order (when short), the most held, lazy waits, a broken rule.
    pub fn state(&self) -> State {
        let mut state = State::default().with("right", self.right);
        if self.count <= SHOWN {
            state = state.with_list("trained", self.order.clone());
        }
        state = state.with("held", self.held);
        if self.held > self.depth {
            state = state.with("over", self.held - self.depth);
        }
        if self.lazy > 0 {
            state = state.with("lazy", self.lazy);
        }
        if let Some((code, _)) = self.broke {
            state = state.with("broke", code);
        }
        state
    }
}

/// The loader of a pipeline on threads: batch `i` goes to worker `i % workers`
/// over its own request channel; every loaded batch comes back on one channel.
pub struct ThreadLoader<'a> {
    requests: Vec<Sender<u64>>,
    loaded: Receiver<(u64, Batch)>,
    /// What the consumer did (shared with the `train` the consumer calls).
    pub ledger: &'a RefCell<Ledger>,
}

impl Loader for ThreadLoader<'_> {
    fn request(&mut self, index: u64) {
        if self.ledger.borrow_mut().request(index) {
            let w = (index % self.requests.len() as u64) as usize;
            let _ = self.requests[w].send(index);
        }
    }

    fn next_loaded(&mut self) -> (u64, Batch) {
        if !self.ledger.borrow_mut().wait() {
            panic!("{}", self.ledger.borrow().why().unwrap_or_default());
        }
        let (index, batch) = self.loaded.recv().expect("a loader worker hung up with a batch still requested");
        self.ledger.borrow_mut().arrived(index);
        (index, batch)
    }
}

/// How a pipeline run shuts down its loader workers.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Close {
    /// Close every request channel, then join (the workers finish what they hold).
    ThenJoin,
    /// Wrong: join first — a worker waits for a request that never comes, main for the worker.
    JoinFirst,
}

/// Runs a pipeline: `workers` loader threads, the consumer `consume` on batches
/// `first..first + count` at `depth`, `train` saying stop after `stop` batches
/// (early stopping; `None`: the whole epoch); then the workers are shut down.
pub fn pipeline_run(
    workers: usize,
    first: u64,
    count: u64,
    depth: u64,
    stop: Option<u64>,
    consume: Consume,
    close: Close,
) -> State {
    let (tell, loaded) = channel::unbounded::<(u64, Batch)>();
    let mut requests = Vec::new();
    let mut handles = Vec::new();
    for _ in 0..workers.max(1) {
        let (ask, asked) = channel::unbounded::<u64>();
        let tell = tell.clone();
        handles.push(thread::spawn(move || {
            for index in asked.iter() {
                // A consumer that has returned no longer listens: the batch is dropped.
                let _ = tell.send((index, load(index)));
            }
        }));
        requests.push(ask);
    }
    drop(tell);
    let ledger = RefCell::new(Ledger::new(first, count, depth));
    let mut loader = ThreadLoader { requests, loaded, ledger: &ledger };
    let mut seen = 0_u64;
    let mut train = |index: u64, batch: Batch| {
        ledger.borrow_mut().train(index, batch);
        seen += 1;
        stop.is_none_or(|s| seen < s)
    };
    consume(&mut loader, first, count, depth, &mut train);
    let ThreadLoader { requests, loaded, .. } = loader;
    let mut ledger = ledger.into_inner();
    ledger.finish(stop);
    match close {
        Close::ThenJoin => {
            drop(requests);
            for handle in handles {
                handle.join().expect("a loader worker panicked");
            }
        }
        Close::JoinFirst => {
            for handle in handles {
                handle.join().expect("a loader worker panicked");
            }
            drop(requests);
        }
    }
    drop(loaded);
    ledger.state()
}

/// Wrong consumer: prefetches right, but trains batches in the order they arrive.
pub fn wrong_arrival_order(
    loader: &mut dyn Loader,
    first: u64,
    count: u64,
    depth: u64,
    train: &mut dyn FnMut(u64, Batch) -> bool,
) {
    let (mut requested, mut trained) = (0, 0);
    while trained < count {
        while requested < count && requested - trained < depth {
            loader.request(first + requested);
            requested += 1;
        }
        let (index, batch) = loader.next_loaded();
        trained += 1;
        if !train(index, batch) {
            return;
        }
    }
}

/// Wrong consumer: primes `depth + 1` batches (`0..=depth`), then one per batch trained.
pub fn wrong_prefetch_one_too_many(
    loader: &mut dyn Loader,
    first: u64,
    count: u64,
    depth: u64,
    train: &mut dyn FnMut(u64, Batch) -> bool,
) {
    let mut early = std::collections::BTreeMap::new();
    let mut requested = 0;
    for _ in 0..=depth {
        if requested < count {
            loader.request(first + requested);
            requested += 1;
        }
    }
    for trained in 0..count {
        let want = first + trained;
        let batch = loop {
            if let Some(batch) = early.remove(&want) {
                break batch;
            }
            let (index, batch) = loader.next_loaded();
            early.insert(index, batch);
        };
        if !train(want, batch) {
            return;
        }
        if requested < count {
            loader.request(first + requested);
            requested += 1;
        }
    }
}

// ---------------------------------------------------------------------------
// Running a variant
// ---------------------------------------------------------------------------

/// The learner's functions a variant can be built from: the solution's, or a learner's.
#[derive(Clone, Copy, Debug)]
pub struct Fixes {
    /// Part 1: claim the next job from a shared index.
    pub claim: Claim,
    /// Part 1: a pool's worker loop.
    pub work: Work,
    /// Part 1: a pool's shutdown.
    pub shutdown: Shutdown,
    /// Part 3: the pipeline's in-order consumer.
    pub consume: Consume,
}

impl Fixes {
    /// The reference solution's fixes.
    pub const SOLUTION: Fixes = Fixes {
        claim: solution::claim,
        work: solution::work,
        shutdown: solution::shutdown,
        consume: solution::consume_in_order,
    };
}

/// The number a case gives its first job or batch (`first`, default 0).
pub fn first(case: &Case) -> u64 {
    case.param("first").unwrap_or(0)
}

/// A case's optional parameter `name` (`u64::MAX` or absent: none).
fn optional(case: &Case, name: &str, default: Option<u64>) -> Option<u64> {
    match case.param(name) {
        Some(u64::MAX) => None,
        Some(value) => Some(value),
        None => default,
    }
}

/// The pipeline's depth for a case (`depth`, default 2).
pub fn depth(case: &Case, default: u64) -> u64 {
    case.param("depth").unwrap_or(default)
}

/// Runs the process pool's `serve` on model threads for a case.
fn process_run(case: &Case, on_crash: OnCrash) -> State {
    let first = first(case);
    let inputs = process_inputs(case.iters, optional(case, "flaky", Some(0)), optional(case, "poison", None));
    let mut crew = ThreadCrew::new(case.threads.max(1));
    let results = serve(&mut crew, case.threads.max(1), first, &inputs, on_crash);
    process_state(first, &inputs, &results)
}

/// Runs `variant` at `case` with `fixes` and returns its whole state, or `None`
/// for a variant this lab does not have.
///
/// A case is `threads` workers and `iters` jobs (or batches), with the lab's own
/// parameters: `first` (the first job's number), `queued` (1: jobs queued before
/// the workers start, the default; 0: workers first), `depth` and `stop` (the
/// pipeline), `flaky` and `poison` (which job crashes a process-pool worker).
pub fn run(variant: &str, fixes: &Fixes, case: &Case) -> Option<State> {
    let (workers, count, first) = (case.threads, case.iters, first(case));
    let queued = case.param("queued").unwrap_or(1) != 0;
    let stop = optional(case, "stop", None);
    let s = solution::work;
    Some(match variant {
        "racy" => claim_pool(workers, first, count, racy_claim),
        "claim" => claim_pool(workers, first, count, fixes.claim),
        "bounded_claim" => claim_pool(workers, first, count, bounded_claim),
        "wrong_add_then_load" => claim_pool(workers, first, count, wrong_add_then_load),
        "shutdown" => pool_run(workers, first, count, queued, fixes.work, fixes.shutdown),
        "wrong_stop_flag_first" => {
            pool_run(workers, first, count, queued, wrong_stop_flag_work, wrong_stop_flag_shutdown)
        }
        "wrong_join_before_close" => pool_run(workers, first, count, queued, s, wrong_join_before_close),
        "wrong_results_dropped" => pool_run(workers, first, count, queued, s, wrong_results_dropped),
        "wrong_completion_order" => pool_run(workers, first, count, queued, s, wrong_completion_order),
        "process_pool" => process_run(case, OnCrash::RetryOnce),
        "wrong_forget_crashed_job" => process_run(case, OnCrash::Forget),
        "wrong_break_pool" => process_run(case, OnCrash::BreakPool),
        "in_order" => pipeline_run(workers, first, count, depth(case, 2), stop, fixes.consume, Close::ThenJoin),
        "wrong_arrival_order" => {
            pipeline_run(workers, first, count, depth(case, 2), stop, wrong_arrival_order, Close::ThenJoin)
        }
        "wrong_prefetch_one_too_many" => {
            pipeline_run(workers, first, count, depth(case, 1), stop, wrong_prefetch_one_too_many, Close::ThenJoin)
        }
        "wrong_join_loaders_first" => {
            let stop = optional(case, "stop", Some(1));
            pipeline_run(workers, first, count, depth(case, 2), stop, fixes.consume, Close::JoinFirst)
        }
        _ => return None,
    })
}
