// Lab 08's catalogue of learner answers: plausible wrong ones the judge must
// reject, and unusual right ones it must accept (mutation tests of the judge).
//
// Compiled once per backend like the lab code, and run through the very
// checks `racelab verify 8` runs (`cargo test --test judge`). Written as a
// learner who never saw the solution would write them.

use super::sync::atomic::{AtomicBool, AtomicU64, Ordering::Relaxed, Ordering::SeqCst};
use super::sync::channel::{Receiver, Sender};
use super::{Batch, Done, Fixes, Job, Loader, Pool};
use crate::judge::Answer;
use std::collections::{BTreeMap, HashMap, VecDeque};

const S: Fixes = Fixes::SOLUTION;

// --- wrong: claim -------------------------------------------------------------

/// Reads `next`, checks it, then stores `next + 1`: two workers can read the same `next` before either stores, and both run that job.
fn load_then_store(next: &AtomicU64, end: u64) -> Option<u64> {
    let job = next.load(SeqCst);
    if job >= end {
        return None;
    }
    next.store(job + 1, SeqCst);
    Some(job)
}

/// Adds with `fetch_add`, then loads `next` to learn which job it got: another worker's add may come in between, so one job is skipped and another run twice. `fetch_add` returns the value it replaced: that is your job.
fn add_then_load(next: &AtomicU64, end: u64) -> Option<u64> {
    next.fetch_add(1, SeqCst);
    let job = next.load(SeqCst) - 1;
    if job < end { Some(job) } else { None }
}

/// Never compares with `end`: it hands out jobs that do not exist, and a worker never hears `None`.
fn no_bound_check(next: &AtomicU64, _end: u64) -> Option<u64> {
    Some(next.fetch_add(1, Relaxed))
}

/// Compares with `<=`: the jobs are `next..end`, so `end` itself is not a job.
fn off_by_one_end(next: &AtomicU64, end: u64) -> Option<u64> {
    let job = next.fetch_add(1, Relaxed);
    if job <= end { Some(job) } else { None }
}

/// A compare-and-swap that gives up after 3 lost races and says "no job left" while jobs remain: that worker goes home for good, and the pool runs on fewer workers.
fn cas_gives_up_after_3(next: &AtomicU64, end: u64) -> Option<u64> {
    for _ in 0..3 {
        let job = next.load(Relaxed);
        if job >= end {
            return None;
        }
        if next.compare_exchange(job, job + 1, Relaxed, Relaxed).is_ok() {
            return Some(job);
        }
    }
    None
}

/// A compare-and-swap whose patience doubles 19 times before it starts: it
/// gives up after 2^19 lost races, a number the code never writes.
fn cas_gives_up_after_a_doubled_limit(next: &AtomicU64, end: u64) -> Option<u64> {
    let mut patience = 1_u64;
    for _ in 0..19 {
        patience *= 2;
    }
    let mut job = next.load(Relaxed);
    for _ in 0..patience {
        if job >= end {
            return None;
        }
        match next.compare_exchange(job, job + 1, Relaxed, Relaxed) {
            Ok(_) => return Some(job),
            Err(now) => job = now,
        }
    }
    None
}

/// A compare-and-swap that gives up after 1 000 lost races: a busy pool loses more races than that, and the worker quits with jobs left.
fn cas_gives_up_after_1000(next: &AtomicU64, end: u64) -> Option<u64> {
    let mut job = next.load(Relaxed);
    for _ in 0..1_000 {
        if job >= end {
            return None;
        }
        match next.compare_exchange(job, job + 1, Relaxed, Relaxed) {
            Ok(_) => return Some(job),
            Err(now) => job = now,
        }
    }
    None
}

/// A compare-and-swap that gives up after 10 000 lost races — more than a small pool loses, but
/// any limit is one a busy enough pool passes: the worker quits with jobs left.
fn cas_gives_up_after_10000(next: &AtomicU64, end: u64) -> Option<u64> {
    let mut lost = 0;
    loop {
        let job = next.load(Relaxed);
        if job >= end {
            return None;
        }
        if next.compare_exchange_weak(job, job + 1, Relaxed, Relaxed).is_ok() {
            return Some(job);
        }
        lost += 1;
        if lost == 10_000 {
            return None;
        }
    }
}

/// A compare-and-swap claim that, finding `next` far ahead of what it saw (many workers got
/// in), "catches up" with a plain store past the job it found: a worker that claims between
/// that failed exchange and the store gets the same job.
fn claim_catches_up_with_a_store(next: &AtomicU64, end: u64) -> Option<u64> {
    let mut job = next.load(Relaxed);
    while job < end {
        match next.compare_exchange(job, job + 1, Relaxed, Relaxed) {
            Ok(_) => return Some(job),
            Err(now) if now > job + 1000 && now < end => {
                next.store(now + 1, Relaxed);
                return Some(now);
            }
            Err(now) => job = now,
        }
    }
    None
}

/// Claims with a weak compare-exchange, but after two failures in a row that found `next`
/// unchanged it decides no other worker is claiming and moves `next` with a plain store: a
/// worker that claims between that look and the store gets the same job.
fn weak_cas_spurious_twice_then_store(next: &AtomicU64, end: u64) -> Option<u64> {
    let mut spurious = 0;
    loop {
        let job = next.load(Relaxed);
        if job >= end {
            return None;
        }
        match next.compare_exchange_weak(job, job + 1, Relaxed, Relaxed) {
            Ok(_) => return Some(job),
            Err(now) if now != job => spurious = 0,
            Err(_) => {
                spurious += 1;
                if spurious == 2 {
                    next.store(job + 1, Relaxed);
                    return Some(job);
                }
            }
        }
    }
}

/// A weak compare-and-swap loop that, after the third spurious failure in a row, says
/// the jobs are all claimed (`None`) with jobs left (a reviewer's answer in labs 01 to 03, once solved: loom's pass makes two in a row).
fn weak_cas_none_after_three_spurious(next: &AtomicU64, end: u64) -> Option<u64> {
    let mut spurious = 0;
    loop {
        let job = next.load(Relaxed);
        if job >= end {
            return None;
        }
        match next.compare_exchange_weak(job, job + 1, Relaxed, Relaxed) {
            Ok(_) => return Some(job),
            Err(now) if now != job => spurious = 0,
            Err(_) if spurious == 2 => return None,
            Err(_) => spurious += 1,
        }
    }
}

/// A compare-and-swap loop that keeps expecting the `next` it read first: once another worker has moved `next`, it can never succeed and spins for ever. Use the value the failed exchange returns.
fn cas_never_refreshes(next: &AtomicU64, end: u64) -> Option<u64> {
    let job = next.load(Relaxed);
    if job >= end {
        return None;
    }
    while next.compare_exchange(job, job + 1, Relaxed, Relaxed).is_err() {}
    Some(job)
}

/// Checks the end once, then retries its compare-and-swap with the value it finds without checking again: when other workers take the last jobs meanwhile, it claims a job past the end.
fn cas_checks_end_once(next: &AtomicU64, end: u64) -> Option<u64> {
    let mut job = next.load(Relaxed);
    if job >= end {
        return None;
    }
    loop {
        match next.compare_exchange(job, job + 1, Relaxed, Relaxed) {
            Ok(_) => return Some(job),
            Err(now) => job = now,
        }
    }
}

/// One weak compare-exchange, and `None` if it fails: a weak exchange may fail with nobody else around (ARM does), so a worker quits with every job left.
fn weak_cas_once(next: &AtomicU64, end: u64) -> Option<u64> {
    let job = next.load(Relaxed);
    if job < end && next.compare_exchange_weak(job, job + 1, Relaxed, Relaxed).is_ok() { Some(job) } else { None }
}

/// Keeps job numbers in a `u32`: past 4 294 967 295 they wrap, and job 4 294 967 296 comes out as job 0.
fn u32_job_number(next: &AtomicU64, end: u64) -> Option<u64> {
    let job = next.fetch_add(1, Relaxed) as u32;
    if u64::from(job) < end { Some(u64::from(job)) } else { None }
}

/// Retries with the number it read once: right alone, but once another worker claimed a job
/// first the expected number is stale for ever and the worker spins.
fn cas_stale_expected(next: &AtomicU64, end: u64) -> Option<u64> {
    let job = next.load(Relaxed);
    if job >= end {
        return None;
    }
    while next.compare_exchange(job, job + 1, Relaxed, Relaxed).is_err() {}
    Some(job)
}

/// Moves `next` by 2 per claim ("fewer atomics"), but the pool calls `claim` once per job: every other job is never handed out.
fn claims_two_at_once(next: &AtomicU64, end: u64) -> Option<u64> {
    let job = next.fetch_add(2, Relaxed);
    if job < end { Some(job) } else { None }
}

// --- right: claim -------------------------------------------------------------

/// A compare-and-swap loop (`fetch_update`) that never moves `next` past the end.
fn fetch_update_bounded(next: &AtomicU64, end: u64) -> Option<u64> {
    next.fetch_update(SeqCst, SeqCst, |job| if job < end { Some(job + 1) } else { None }).ok()
}

/// The textbook weak compare-and-swap loop, checking the end on every try.
fn cas_loop_weak(next: &AtomicU64, end: u64) -> Option<u64> {
    let mut job = next.load(Relaxed);
    loop {
        if job >= end {
            return None;
        }
        match next.compare_exchange_weak(job, job + 1, Relaxed, Relaxed) {
            Ok(_) => return Some(job),
            Err(now) => job = now,
        }
    }
}

/// `fetch_add`, and a claim past the end gives its 1 back (`next` then stays at or past the end).
fn fetch_add_then_undo(next: &AtomicU64, end: u64) -> Option<u64> {
    let job = next.fetch_add(1, SeqCst);
    if job >= end {
        next.fetch_sub(1, SeqCst);
        None
    } else {
        Some(job)
    }
}

/// A "fast path": a plain `fetch_add` while a look says more than four jobs are
/// left, a compare-and-swap loop near the end. Only six workers who all look
/// before any claims hand out a job past the end, more than loom models (the kind
/// a lab 02 reviewer wrote): caught by a rival who claims the last jobs just after the look.
fn fast_path_far_from_end(next: &AtomicU64, end: u64) -> Option<u64> {
    let mut job = next.load(SeqCst);
    if job + 4 < end {
        return Some(next.fetch_add(1, SeqCst));
    }
    loop {
        if job >= end {
            return None;
        }
        match next.compare_exchange(job, job + 1, SeqCst, SeqCst) {
            Ok(_) => return Some(job),
            Err(now) => job = now,
        }
    }
}

/// A compare-and-swap loop, but a load and a `store` when at most two jobs of a big
/// pool are left ("nearly done, the others have gone home"): a worker that claims
/// between the look and the store is overwritten, and one job is handed out twice.
/// loom's pools are small; real trials rarely meet there.
fn store_when_two_left(next: &AtomicU64, end: u64) -> Option<u64> {
    let job = next.load(SeqCst);
    if end.saturating_sub(job) <= 2 && job >= 1_000 {
        if job >= end {
            return None;
        }
        next.store(job + 1, SeqCst);
        return Some(job);
    }
    next.fetch_update(SeqCst, SeqCst, |now| (now < end).then_some(now + 1)).ok()
}

/// Looks first and goes home when every job is claimed, otherwise `fetch_add`:
/// the look only ever says "none left", which cannot go stale.
fn look_then_fetch_add(next: &AtomicU64, end: u64) -> Option<u64> {
    if next.load(SeqCst) >= end {
        return None;
    }
    let job = next.fetch_add(1, SeqCst);
    (job < end).then_some(job)
}

/// `fetch_add` with the arithmetic in `usize` (64 bits wide wherever racelab runs).
fn fetch_add_usize(next: &AtomicU64, end: u64) -> Option<u64> {
    let job = next.fetch_add(1, SeqCst) as usize;
    if job < end as usize { Some(job as u64) } else { None }
}

// --- wrong: shutdown ------------------------------------------------------------

fn run(job: Job) -> Done {
    Done { ticket: job.ticket, output: job.run() }
}

fn join_all(workers: Vec<super::thread::JoinHandle<()>>) {
    for worker in workers {
        worker.join().expect("a worker panicked");
    }
}

/// Workers look at `stop` before taking each job, and `shutdown` sets it: jobs still queued when it is set are never run. Closing the queue (dropping `jobs`) is the message that arrives after every queued job.
fn stop_flag_work(jobs: &Receiver<Job>, results: &Sender<Done>, stop: &AtomicBool) {
    while !stop.load(SeqCst) {
        match jobs.recv() {
            Ok(job) => {
                let _ = results.send(run(job));
            }
            Err(_) => return,
        }
    }
}

/// Sets `stop`, closes, joins, gathers (its workers check `stop` before each job): queued jobs are lost.
fn stop_flag_shutdown(pool: Pool) -> Vec<u64> {
    pool.stop.store(true, SeqCst);
    let Pool { jobs, results, workers, first, submitted, .. } = pool;
    drop(jobs);
    join_all(workers);
    let mut outputs = vec![0; submitted as usize];
    for done in results.iter() {
        outputs[(done.ticket - first) as usize] = done.output;
    }
    outputs
}

/// Joins the workers before closing the queue: each waits in `recv` for a job or for the queue to close, and `shutdown` waits for them — a deadlock. Drop `jobs` first.
fn join_before_close(pool: Pool) -> Vec<u64> {
    let Pool { jobs, results, workers, first, submitted, .. } = pool;
    join_all(workers);
    drop(jobs);
    let mut outputs = vec![0; submitted as usize];
    for done in results.iter() {
        outputs[(done.ticket - first) as usize] = done.output;
    }
    outputs
}

/// Gathers results with `try_recv` until the channel looks empty: a result still being computed is not there yet, and is lost. Empty is not finished: block with `recv` until every worker has hung up, or count the results.
fn try_recv_results(pool: Pool) -> Vec<u64> {
    let Pool { jobs, results, workers, first, submitted, .. } = pool;
    drop(jobs);
    let mut outputs = vec![0; submitted as usize];
    while let Ok(done) = results.try_recv() {
        outputs[(done.ticket - first) as usize] = done.output;
    }
    join_all(workers);
    outputs
}

/// Gathers until no result came for 200 ms, then joins: a job slower than that (a loaded machine,
/// a long job) is lost. `recv_timeout` is for giving up on a peer, not for knowing it is done:
/// closing the queue and reading until the channel is empty and disconnected is.
fn gather_until_quiet(pool: Pool) -> Vec<u64> {
    let Pool { jobs, results, workers, first, submitted, .. } = pool;
    drop(jobs);
    let mut outputs = vec![0; submitted as usize];
    while let Ok(done) = results.recv_timeout(std::time::Duration::from_millis(200)) {
        outputs[(done.ticket - first) as usize] = done.output;
    }
    join_all(workers);
    outputs
}

/// Closes the queue, joins every worker, then takes the results already queued: once every
/// worker has returned, every result was sent, and `try_iter` reads them all without waiting.
fn join_then_try_iter(pool: Pool) -> Vec<u64> {
    let Pool { jobs, results, workers, first, submitted, .. } = pool;
    drop(jobs);
    join_all(workers);
    let mut outputs = vec![0; submitted as usize];
    for done in results.try_iter() {
        outputs[(done.ticket - first) as usize] = done.output;
    }
    outputs
}

/// Returns the outputs in the order the workers finished them, not the order the jobs were submitted. Put each at `ticket − first`.
fn completion_order(pool: Pool) -> Vec<u64> {
    let Pool { jobs, results, workers, .. } = pool;
    drop(jobs);
    let mut outputs = Vec::new();
    for done in &results {
        outputs.push(done.output);
    }
    join_all(workers);
    outputs
}

/// Indexes the outputs by the ticket itself: tickets start at `pool.first`, not at 0.
fn index_by_ticket(pool: Pool) -> Vec<u64> {
    let Pool { jobs, results, workers, submitted, .. } = pool;
    drop(jobs);
    let mut outputs = vec![0; submitted as usize];
    for done in &results {
        outputs[done.ticket as usize] = done.output;
    }
    join_all(workers);
    outputs
}

/// Subtracts tickets in `u32`: ticket 4 294 967 296 becomes 0 and the subtraction overflows.
fn u32_ticket_arithmetic(pool: Pool) -> Vec<u64> {
    let Pool { jobs, results, workers, first, submitted, .. } = pool;
    drop(jobs);
    let mut outputs = vec![0; submitted as usize];
    for done in &results {
        outputs[(done.ticket as u32 - first as u32) as usize] = done.output;
    }
    join_all(workers);
    outputs
}

/// Waits for one result per worker, as if each worker ran one job: with more jobs than workers, results are missing.
fn one_result_per_worker(pool: Pool) -> Vec<u64> {
    let Pool { jobs, results, workers, first, submitted, .. } = pool;
    let mut outputs = vec![0; submitted as usize];
    for _ in 0..workers.len() {
        if let Ok(done) = results.recv() {
            outputs[(done.ticket - first) as usize] = done.output;
        }
    }
    drop(jobs);
    join_all(workers);
    outputs
}

/// Gathers every output but never joins the workers: they may still be running when `shutdown` returns. A pool that is shut down has no threads left.
fn gather_without_join(pool: Pool) -> Vec<u64> {
    let Pool { jobs, results, first, submitted, .. } = pool;
    drop(jobs);
    let mut outputs = vec![0; submitted as usize];
    for done in &results {
        outputs[(done.ticket - first) as usize] = done.output;
    }
    outputs
}

/// Gathers every output, then joins only the first two workers (a pool "has two"): with a
/// third, it may still be running when `shutdown` returns. loom's pools have one or two
/// workers; real trials caught it in 3 of 7 runs (a reviewer's answer, once solved).
fn joins_two_workers_only(pool: Pool) -> Vec<u64> {
    let Pool { jobs, results, workers, first, submitted, .. } = pool;
    drop(jobs);
    let mut outputs = vec![0; submitted as usize];
    for done in &results {
        outputs[(done.ticket - first) as usize] = done.output;
    }
    for worker in workers.into_iter().take(2) {
        let _ = worker.join();
    }
    outputs
}

/// Gathers every result, then joins without ever closing the queue: the workers wait for the next job for ever.
fn never_close(pool: Pool) -> Vec<u64> {
    let Pool { jobs, results, workers, first, submitted, .. } = pool;
    let mut outputs = vec![0; submitted as usize];
    for _ in 0..submitted {
        let done = results.recv().expect("a result");
        outputs[(done.ticket - first) as usize] = done.output;
    }
    join_all(workers);
    drop(jobs);
    outputs
}

/// A worker that leaves as soon as the queue is momentarily empty (`try_recv`): jobs submitted after it looked are never run. Empty is not closed.
fn worker_quits_when_empty(jobs: &Receiver<Job>, results: &Sender<Done>, _stop: &AtomicBool) {
    while let Ok(job) = jobs.try_recv() {
        let _ = results.send(run(job));
    }
}

// --- right: shutdown ----------------------------------------------------------

/// Closes, joins every worker, then gathers: right because the results channel is unbounded (a bounded one would deadlock).
fn join_then_gather(pool: Pool) -> Vec<u64> {
    let Pool { jobs, results, workers, first, submitted, .. } = pool;
    drop(jobs);
    join_all(workers);
    let mut outputs = vec![0; submitted as usize];
    for done in &results {
        outputs[(done.ticket - first) as usize] = done.output;
    }
    outputs
}

/// Counts `submitted` results, then closes and joins.
fn count_then_close(pool: Pool) -> Vec<u64> {
    let Pool { jobs, results, workers, first, submitted, .. } = pool;
    let mut outputs = vec![0; submitted as usize];
    for _ in 0..submitted {
        let done = results.recv().expect("every job answers");
        outputs[(done.ticket - first) as usize] = done.output;
    }
    drop(jobs);
    join_all(workers);
    outputs
}

/// Gathers `Done`s, sorts them by ticket.
fn sort_by_ticket(pool: Pool) -> Vec<u64> {
    let Pool { jobs, results, workers, .. } = pool;
    drop(jobs);
    let mut all: Vec<Done> = results.iter().collect();
    join_all(workers);
    all.sort_by_key(|done| done.ticket);
    all.into_iter().map(|done| done.output).collect()
}

/// Gathers the outputs and sorts them by value: "the outputs come in any order, sort
/// them" (a reviewer's answer, once solved while outputs grew with the ticket).
fn sort_by_value(pool: Pool) -> Vec<u64> {
    let Pool { jobs, results, workers, .. } = pool;
    drop(jobs);
    let mut outputs: Vec<u64> = results.iter().map(|done| done.output).collect();
    join_all(workers);
    outputs.sort_unstable();
    outputs
}

/// Indexes the outputs by a `u16`: job 65 536's output lands on job 0's (a
/// reviewer's answer, once solved: the trials ran at most 3 000 jobs).
fn index_in_u16(pool: Pool) -> Vec<u64> {
    let Pool { jobs, results, workers, first, submitted, .. } = pool;
    drop(jobs);
    let mut outputs = vec![0; submitted as usize];
    for done in &results {
        let index = (done.ticket - first) as u16;
        outputs[usize::from(index)] = done.output;
    }
    join_all(workers);
    outputs
}

/// A `BTreeMap` keyed by ticket.
fn btreemap_by_ticket(pool: Pool) -> Vec<u64> {
    let Pool { jobs, results, workers, .. } = pool;
    drop(jobs);
    let mut by_ticket = BTreeMap::new();
    for done in &results {
        by_ticket.insert(done.ticket, done.output);
    }
    join_all(workers);
    by_ticket.into_values().collect()
}

// --- wrong: consume_in_order -----------------------------------------------------

type Train<'a> = &'a mut dyn FnMut(u64, Batch) -> bool;

/// Keeps early batches in a min-heap of (batch, index) and trains the smallest: the
/// order of the data, not of the indices.
fn heap_by_batch(loader: &mut dyn Loader, first: u64, count: u64, depth: u64, train: Train) {
    let mut early = std::collections::BinaryHeap::new();
    let mut requested = 0;
    let mut trained = 0;
    while trained < count {
        while requested < count && requested - trained < depth {
            loader.request(first + requested);
            requested += 1;
        }
        let (index, batch) = loader.next_loaded();
        early.push(std::cmp::Reverse((batch, index)));
        // Trains once every requested batch is in: the smallest first.
        if early.len() as u64 == requested - trained {
            while let Some(std::cmp::Reverse((batch, index))) = early.pop() {
                trained += 1;
                if !train(index, batch) {
                    return;
                }
            }
        }
    }
}

/// Trains batches in the order they arrive: workers finish in any order. Keep early batches aside until their turn.
fn train_as_they_arrive(loader: &mut dyn Loader, first: u64, count: u64, depth: u64, train: Train) {
    let mut requested = 0;
    while requested < count.min(depth) {
        loader.request(first + requested);
        requested += 1;
    }
    for _ in 0..count {
        let (index, batch) = loader.next_loaded();
        if !train(index, batch) {
            return;
        }
        if requested < count {
            loader.request(first + requested);
            requested += 1;
        }
    }
}

/// Primes `0..=depth`: one batch more than the depth allows.
fn primes_one_too_many(loader: &mut dyn Loader, first: u64, count: u64, depth: u64, train: Train) {
    let mut early = BTreeMap::new();
    let mut requested = 0;
    for _ in 0..=depth {
        if requested < count {
            loader.request(first + requested);
            requested += 1;
        }
    }
    for k in 0..count {
        while !early.contains_key(&(first + k)) {
            let (index, batch) = loader.next_loaded();
            early.insert(index, batch);
        }
        let batch = early.remove(&(first + k)).unwrap_or_default();
        if !train(first + k, batch) {
            return;
        }
        if requested < count {
            loader.request(first + requested);
            requested += 1;
        }
    }
}

/// Requests the next batch before training the one in hand (PyTorch's order): for a moment `depth + 1` batches are requested and not yet trained. Train, then refill.
fn refill_before_train(loader: &mut dyn Loader, first: u64, count: u64, depth: u64, train: Train) {
    let mut early = BTreeMap::new();
    let mut requested = 0;
    while requested < count.min(depth) {
        loader.request(first + requested);
        requested += 1;
    }
    for k in 0..count {
        while !early.contains_key(&(first + k)) {
            let (index, batch) = loader.next_loaded();
            early.insert(index, batch);
        }
        let batch = early.remove(&(first + k)).unwrap_or_default();
        if requested < count {
            loader.request(first + requested);
            requested += 1;
        }
        if !train(first + k, batch) {
            return;
        }
    }
}

/// Requests one batch, waits for it, trains, and so on: no prefetch at all, so the other workers sit idle.
fn never_prefetches(loader: &mut dyn Loader, first: u64, count: u64, _depth: u64, train: Train) {
    for index in first..first + count {
        loader.request(index);
        let (got, batch) = loader.next_loaded();
        if !train(got, batch) {
            return;
        }
    }
}

/// A sliding window whose end, `trained + depth`, overflows for a depth near 2^64 ("no
/// limit"): a debug build panics, a release build wraps, requests nothing and waits for ever.
fn window_end_overflows(loader: &mut dyn Loader, first: u64, count: u64, depth: u64, train: Train) {
    let mut early: HashMap<u64, Batch> = HashMap::new();
    let mut requested = 0;
    for k in 0..count {
        let want = first + k;
        loop {
            while requested < (k + depth).min(count) {
                loader.request(first + requested);
                requested += 1;
            }
            if let Some(batch) = early.remove(&want) {
                if !train(want, batch) {
                    return;
                }
                break;
            }
            let (index, batch) = loader.next_loaded();
            early.insert(index, batch);
        }
    }
}

/// A sliding window whose depth is capped at 64 ("deeper never helps"): with a deeper
/// prefetch allowed and more batches to go, it waits with fewer requested than allowed (a
/// reviewer's answer, once solved: the depths tried stopped at 16).
fn depth_capped_at_64(loader: &mut dyn Loader, first: u64, count: u64, depth: u64, train: Train) {
    sliding_window(loader, first, count, depth.min(64), train);
}

/// A sliding window with the depth kept in a `u32`: a depth of 2^32 becomes 0, so nothing is
/// requested and the first wait is for ever (a reviewer's answer, once solved).
fn depth_in_u32(loader: &mut dyn Loader, first: u64, count: u64, depth: u64, train: Train) {
    sliding_window(loader, first, count, u64::from(depth as u32), train);
}

/// Primes `depth` batches and then only waits: it waits for batches nobody was asked for, for ever.
fn never_refills(loader: &mut dyn Loader, first: u64, count: u64, depth: u64, train: Train) {
    let mut early = BTreeMap::new();
    for k in 0..count.min(depth) {
        loader.request(first + k);
    }
    for k in 0..count {
        while !early.contains_key(&(first + k)) {
            let (index, batch) = loader.next_loaded();
            early.insert(index, batch);
        }
        if !train(first + k, early.remove(&(first + k)).unwrap_or_default()) {
            return;
        }
    }
}

/// Keeps batch numbers in a `u32`: past 4 294 967 295 they wrap, and batch 4 294 967 296 is looked for as batch 0.
fn u32_batch_numbers(loader: &mut dyn Loader, first: u64, count: u64, depth: u64, train: Train) {
    let mut early: HashMap<u32, Batch> = HashMap::new();
    let mut requested = 0;
    let mut trained = 0;
    while trained < count {
        while requested < count && requested - trained < depth {
            loader.request(first + requested);
            requested += 1;
        }
        let want = (first + trained) as u32;
        while !early.contains_key(&want) {
            let (index, batch) = loader.next_loaded();
            early.insert(index as u32, batch);
        }
        trained += 1;
        if !train(u64::from(want), early.remove(&want).unwrap_or_default()) {
            return;
        }
    }
}

/// A reorder buffer of `depth` slots indexed by `index − first`: past the first `depth` batches the slot is out of range. At most `depth` are held at once, so `(index − first) % depth` is enough.
fn slots_without_modulo(loader: &mut dyn Loader, first: u64, count: u64, depth: u64, train: Train) {
    let mut slots: Vec<Option<Batch>> = vec![None; depth as usize];
    let mut requested = 0;
    let mut trained = 0;
    while trained < count {
        while requested < count && requested - trained < depth {
            loader.request(first + requested);
            requested += 1;
        }
        while slots[trained as usize].is_none() {
            let (index, batch) = loader.next_loaded();
            slots[(index - first) as usize] = Some(batch);
        }
        let batch = slots[trained as usize].take().unwrap_or_default();
        trained += 1;
        if !train(first + trained - 1, batch) {
            return;
        }
    }
}

/// A ring of `depth` slots whose offset is taken in `i64` (`index as i64 − first as i64`):
/// right until the batch numbers cross 2^63, where the cast overflows (a reviewer's
/// answer, once solved: the judge tried first = 0, 2^32 − 2 and near 2^64 only).
#[allow(clippy::cast_possible_wrap, clippy::cast_sign_loss, reason = "the mistake this answer makes")]
fn ring_with_i64_offsets(loader: &mut dyn Loader, first: u64, count: u64, depth: u64, train: Train) {
    let mut slots: Vec<Option<Batch>> = vec![None; depth as usize];
    let (mut requested, mut trained) = (0, 0);
    while trained < count {
        while requested < count && requested - trained < depth {
            loader.request(first + requested);
            requested += 1;
        }
        let slot = (trained % depth) as usize;
        while slots[slot].is_none() {
            let (index, batch) = loader.next_loaded();
            let offset = (index as i64 - first as i64) as u64;
            slots[(offset % depth) as usize] = Some(batch);
        }
        let batch = slots[slot].take().unwrap_or_default();
        trained += 1;
        if !train(first + trained - 1, batch) {
            return;
        }
    }
}

/// Ignores what `train` returns: after "stop" it trains the rest of the epoch anyway.
fn ignores_stop(loader: &mut dyn Loader, first: u64, count: u64, depth: u64, train: Train) {
    let mut early = BTreeMap::new();
    let (mut requested, mut trained) = (0, 0);
    while trained < count {
        while requested < count && requested - trained < depth {
            loader.request(first + requested);
            requested += 1;
        }
        while !early.contains_key(&(first + trained)) {
            let (index, batch) = loader.next_loaded();
            early.insert(index, batch);
        }
        let batch = early.remove(&(first + trained)).unwrap_or_default();
        train(first + trained, batch);
        trained += 1;
    }
}

/// Waits at most two arrivals for the batch it needs, then skips it as lost: a late batch is not a lost one.
fn skips_a_late_batch(loader: &mut dyn Loader, first: u64, count: u64, depth: u64, train: Train) {
    let mut early = BTreeMap::new();
    let (mut requested, mut next) = (0, 0);
    while next < count {
        while requested < count && requested - next < depth {
            loader.request(first + requested);
            requested += 1;
        }
        let mut tries = 0;
        while !early.contains_key(&(first + next)) && tries < 2 {
            let (index, batch) = loader.next_loaded();
            early.insert(index, batch);
            tries += 1;
        }
        if let Some(batch) = early.remove(&(first + next))
            && !train(first + next, batch)
        {
            return;
        }
        next += 1;
    }
}

/// Keys the reorder buffer by arrival (0, 1, 2, … as batches come), not by the batch's index: batch 0 is trained with whatever came first.
fn keyed_by_arrival(loader: &mut dyn Loader, first: u64, count: u64, depth: u64, train: Train) {
    let mut early = BTreeMap::new();
    let (mut requested, mut arrived, mut trained) = (0, 0, 0);
    while trained < count {
        while requested < count && requested - trained < depth {
            loader.request(first + requested);
            requested += 1;
        }
        while !early.contains_key(&trained) {
            let (_, batch) = loader.next_loaded();
            early.insert(arrived, batch);
            arrived += 1;
        }
        let batch = early.remove(&trained).unwrap_or_default();
        trained += 1;
        if !train(first + trained - 1, batch) {
            return;
        }
    }
}

// --- right: consume_in_order ------------------------------------------------------

/// A ring of `depth.min(count)` slots indexed `(index − first) % slots`: at most that many batches are held, so two never share a slot (a ring of `depth` slots asks for more memory than any machine has when the depth is huge: see `answers/ring_of_depth_slots_wrong.rs`).
fn ring_buffer(loader: &mut dyn Loader, first: u64, count: u64, depth: u64, train: Train) {
    let depth = depth.min(count).max(1);
    let mut slots: Vec<Option<Batch>> = vec![None; depth as usize];
    let (mut requested, mut trained) = (0, 0);
    while trained < count {
        while requested < count && requested - trained < depth {
            loader.request(first + requested);
            requested += 1;
        }
        let slot = (trained % depth) as usize;
        while slots[slot].is_none() {
            let (index, batch) = loader.next_loaded();
            slots[((index - first) % depth) as usize] = Some(batch);
        }
        let batch = slots[slot].take().unwrap_or_default();
        trained += 1;
        if !train(first + trained - 1, batch) {
            return;
        }
    }
}

/// A sliding window: before each wait, requests up to `min(trained + depth, count)` (the sum saturating: a depth may be 2^64 − 1, "no limit"); a `HashMap` of early batches.
fn sliding_window(loader: &mut dyn Loader, first: u64, count: u64, depth: u64, train: Train) {
    let mut early: HashMap<u64, Batch> = HashMap::new();
    let mut requested = 0;
    for k in 0..count {
        let want = first + k;
        loop {
            while requested < k.saturating_add(depth).min(count) {
                loader.request(first + requested);
                requested += 1;
            }
            if let Some(batch) = early.remove(&want) {
                if !train(want, batch) {
                    return;
                }
                break;
            }
            let (index, batch) = loader.next_loaded();
            early.insert(index, batch);
        }
    }
}

/// A `VecDeque` window whose front is the next batch to train; one request per batch trained.
fn vecdeque_window(loader: &mut dyn Loader, first: u64, count: u64, depth: u64, train: Train) {
    let mut window: VecDeque<Option<Batch>> = VecDeque::new();
    let mut front = 0;
    let mut requested = 0;
    while front < count {
        while requested < count && requested - front < depth {
            loader.request(first + requested);
            window.push_back(None);
            requested += 1;
        }
        while window.front().is_some_and(Option::is_none) {
            let (index, batch) = loader.next_loaded();
            window[(index - first - front) as usize] = Some(batch);
        }
        let batch = window.pop_front().flatten().unwrap_or_default();
        front += 1;
        if !train(first + front - 1, batch) {
            return;
        }
    }
}

/// A compare-and-swap whose patience is half the jobs left plus one: with ten
/// jobs left and six lost races it goes home while four are left (a reviewer's
/// answer, once solved; caught by rivals who leave exactly one job).
fn cas_patience_half_the_jobs_left(next: &AtomicU64, end: u64) -> Option<u64> {
    let mut job = next.load(SeqCst);
    let budget = end.saturating_sub(job) / 2 + 1;
    for _ in 0..budget {
        if job >= end {
            return None;
        }
        match next.compare_exchange(job, job + 1, SeqCst, SeqCst) {
            Ok(_) => return Some(job),
            Err(now) => job = now,
        }
    }
    None
}

/// After `train` says stop, trains one batch more when the run is long (more than
/// five batches): the judge's short runs never show it (a reviewer's answer, once
/// "not judged" when a real trial's loader was gone).
fn trains_one_more_when_long(loader: &mut dyn Loader, first: u64, count: u64, depth: u64, train: Train) {
    let mut early = BTreeMap::new();
    let (mut requested, mut trained) = (0_u64, 0_u64);
    while trained < count {
        while requested < count && requested - trained < depth {
            loader.request(first + requested);
            requested += 1;
        }
        let want = first + trained;
        let batch = loop {
            if let Some(batch) = early.remove(&want) {
                break batch;
            }
            let (index, batch) = loader.next_loaded();
            early.insert(index, batch);
        };
        trained += 1;
        if !train(want, batch) {
            if count > 5 && trained < count {
                let next = first + trained;
                while !early.contains_key(&next) {
                    let (index, batch) = loader.next_loaded();
                    early.insert(index, batch);
                }
                if let Some(batch) = early.remove(&next) {
                    let _ = train(next, batch);
                }
            }
            return;
        }
    }
}

/// A compare-and-swap that, after two lost races, "just stores" the next number
/// past what it last saw: a job claimed meanwhile runs twice (a reviewer's answer,
/// once solved).
fn cas_then_store_after_two_losses(next: &AtomicU64, end: u64) -> Option<u64> {
    for _ in 0..2 {
        let job = next.load(SeqCst);
        if job >= end {
            return None;
        }
        if next.compare_exchange(job, job + 1, SeqCst, SeqCst).is_ok() {
            return Some(job);
        }
    }
    let job = next.load(SeqCst);
    if job >= end {
        return None;
    }
    next.store(job + 1, SeqCst);
    Some(job)
}

/// Requests `depth` batches, waits for all of them, trains them, and starts the
/// next group: never over the depth, never a lazy wait, but the loaders sit idle
/// while the batch due next waits in hand (a reviewer's answer, once solved).
fn trains_in_groups_of_depth(loader: &mut dyn Loader, first: u64, count: u64, depth: u64, train: Train) {
    let mut start = 0_u64;
    while start < count {
        let n = depth.min(count - start);
        for k in 0..n {
            loader.request(first + start + k);
        }
        let mut group = BTreeMap::new();
        for _ in 0..n {
            let (index, batch) = loader.next_loaded();
            group.insert(index, batch);
        }
        for (index, batch) in group {
            if !train(index, batch) {
                return;
            }
        }
        start += n;
    }
}

/// Counts requested and trained batches in `u32`s (`count as u32`): right for every
/// epoch up to 2^32 − 1 batches, and stops after one batch of 2^32 + 1 (a reviewer's answer).
fn u32_count(loader: &mut dyn Loader, first: u64, count: u64, depth: u64, train: Train) {
    let mut early = HashMap::new();
    let (mut requested, mut trained) = (0_u32, 0_u32);
    let count = count as u32;
    while trained < count {
        while requested < count && u64::from(requested - trained) < depth {
            loader.request(first + u64::from(requested));
            requested += 1;
        }
        let want = first + u64::from(trained);
        let batch = loop {
            if let Some(batch) = early.remove(&want) {
                break batch;
            }
            let (index, batch) = loader.next_loaded();
            early.insert(index, batch);
        };
        trained += 1;
        if !train(want, batch) {
            return;
        }
    }
}

/// Trains, refills the window, and only then looks at what `train` answered: after
/// a stop one more batch is requested, loaded and never trained (a reviewer's answer).
fn refills_before_looking_at_stop(loader: &mut dyn Loader, first: u64, count: u64, depth: u64, train: Train) {
    let mut early = BTreeMap::new();
    let (mut requested, mut trained) = (0_u64, 0_u64);
    while requested < count && requested - trained < depth {
        loader.request(first + requested);
        requested += 1;
    }
    while trained < count {
        let want = first + trained;
        let batch = loop {
            if let Some(batch) = early.remove(&want) {
                break batch;
            }
            let (index, batch) = loader.next_loaded();
            early.insert(index, batch);
        };
        trained += 1;
        let go_on = train(want, batch);
        while requested < count && requested - trained < depth {
            loader.request(first + requested);
            requested += 1;
        }
        if !go_on {
            return;
        }
    }
}

/// After `train` says stop, waits for the batches still in flight before it
/// returns ("be tidy"): a stop is at once (a reviewer's answer, once misnamed as
/// a worker left idle).
fn drains_after_stop(loader: &mut dyn Loader, first: u64, count: u64, depth: u64, train: Train) {
    let mut early = BTreeMap::new();
    let (mut requested, mut trained) = (0_u64, 0_u64);
    while trained < count {
        while requested < count && requested - trained < depth {
            loader.request(first + requested);
            requested += 1;
        }
        let want = first + trained;
        let batch = loop {
            if let Some(batch) = early.remove(&want) {
                break batch;
            }
            let (index, batch) = loader.next_loaded();
            early.insert(index, batch);
        };
        trained += 1;
        if !train(want, batch) {
            for _ in 0..requested - trained - early.len() as u64 {
                loader.next_loaded();
            }
            return;
        }
    }
}

/// The catalogue, in order: each answer is the reference fixes with one exercise's functions replaced.
pub fn catalogue() -> Vec<Answer<Fixes>> {
    let claim = |f: fn(&AtomicU64, u64) -> Option<u64>| Fixes { claim: f, ..S };
    let shutdown = |f: fn(Pool) -> Vec<u64>| Fixes { shutdown: f, ..S };
    let work = |f: fn(&Receiver<Job>, &Sender<Done>, &AtomicBool)| Fixes { work: f, ..S };
    let consume = |f: fn(&mut dyn Loader, u64, u64, u64, Train)| Fixes { consume: f, ..S };
    vec![
        Answer::wrong("load_then_store", "claim", claim(load_then_store)),
        Answer::wrong("add_then_load", "claim", claim(add_then_load)),
        Answer::wrong("no_bound_check", "claim", claim(no_bound_check)),
        Answer::wrong("cas_stale_expected", "claim", claim(cas_stale_expected)),
        Answer::wrong("off_by_one_end", "claim", claim(off_by_one_end)),
        Answer::wrong("cas_gives_up_after_3", "claim", claim(cas_gives_up_after_3)),
        Answer::wrong("cas_gives_up_after_1000", "claim", claim(cas_gives_up_after_1000)),
        Answer::wrong("cas_gives_up_after_10000", "claim", claim(cas_gives_up_after_10000)),
        Answer::wrong("weak_cas_spurious_twice_then_store", "claim", claim(weak_cas_spurious_twice_then_store)),
        Answer::wrong("weak_cas_none_after_three_spurious", "claim", claim(weak_cas_none_after_three_spurious)),
        Answer::wrong("claim_catches_up_with_a_store", "claim", claim(claim_catches_up_with_a_store)),
        Answer::wrong("cas_gives_up_after_a_doubled_limit", "claim", claim(cas_gives_up_after_a_doubled_limit)),
        Answer::wrong("cas_never_refreshes", "claim", claim(cas_never_refreshes)),
        Answer::wrong("cas_checks_end_once", "claim", claim(cas_checks_end_once)),
        Answer::wrong("weak_cas_once", "claim", claim(weak_cas_once)),
        Answer::wrong("u32_job_number", "claim", claim(u32_job_number)),
        Answer::wrong("store_when_two_left", "claim", claim(store_when_two_left)),
        Answer::wrong("claims_two_at_once", "claim", claim(claims_two_at_once)),
        Answer::wrong("fast_path_far_from_end", "claim", claim(fast_path_far_from_end)),
        Answer::wrong("cas_patience_half_the_jobs_left", "claim", claim(cas_patience_half_the_jobs_left)),
        Answer::wrong("cas_then_store_after_two_losses", "claim", claim(cas_then_store_after_two_losses)),
        Answer::wrong("stop_flag_shutdown", "shutdown", Fixes { work: stop_flag_work, shutdown: stop_flag_shutdown, ..S }),
        Answer::wrong("join_before_close", "shutdown", shutdown(join_before_close)),
        Answer::wrong("index_in_u16", "shutdown", shutdown(index_in_u16)),
        Answer::wrong("try_recv_results", "shutdown", shutdown(try_recv_results)),
        Answer::wrong("completion_order", "shutdown", shutdown(completion_order)),
        Answer::wrong("sort_by_value", "shutdown", shutdown(sort_by_value)),
        Answer::wrong("index_by_ticket", "shutdown", shutdown(index_by_ticket)),
        Answer::wrong("u32_ticket_arithmetic", "shutdown", shutdown(u32_ticket_arithmetic)),
        Answer::wrong("one_result_per_worker", "shutdown", shutdown(one_result_per_worker)),
        Answer::wrong("gather_without_join", "shutdown", shutdown(gather_without_join)),
        Answer::wrong("joins_two_workers_only", "shutdown", shutdown(joins_two_workers_only)),
        Answer::wrong("never_close", "shutdown", shutdown(never_close)),
        Answer::wrong("gather_until_quiet", "shutdown", shutdown(gather_until_quiet)),
        Answer::wrong("worker_quits_when_empty", "shutdown", work(worker_quits_when_empty)),
        Answer::wrong("train_as_they_arrive", "in_order", consume(train_as_they_arrive)),
        Answer::wrong("heap_by_batch", "in_order", consume(heap_by_batch)),
        Answer::wrong("primes_one_too_many", "in_order", consume(primes_one_too_many)),
        Answer::wrong("refill_before_train", "in_order", consume(refill_before_train)),
        Answer::wrong("never_prefetches", "in_order", consume(never_prefetches)),
        Answer::wrong("depth_capped_at_64", "in_order", consume(depth_capped_at_64)),
        Answer::wrong("depth_in_u32", "in_order", consume(depth_in_u32)),
        Answer::wrong("window_end_overflows", "in_order", consume(window_end_overflows)),
        Answer::wrong("never_refills", "in_order", consume(never_refills)),
        Answer::wrong("u32_batch_numbers", "in_order", consume(u32_batch_numbers)),
        Answer::wrong("slots_without_modulo", "in_order", consume(slots_without_modulo)),
        Answer::wrong("ring_with_i64_offsets", "in_order", consume(ring_with_i64_offsets)),
        Answer::wrong("ignores_stop", "in_order", consume(ignores_stop)),
        Answer::wrong("skips_a_late_batch", "in_order", consume(skips_a_late_batch)),
        Answer::wrong("keyed_by_arrival", "in_order", consume(keyed_by_arrival)),
        Answer::wrong("trains_one_more_when_long", "in_order", consume(trains_one_more_when_long)),
        Answer::wrong("trains_in_groups_of_depth", "in_order", consume(trains_in_groups_of_depth)),
        Answer::wrong("drains_after_stop", "in_order", consume(drains_after_stop)),
        Answer::wrong("u32_count", "in_order", consume(u32_count)),
        Answer::wrong("refills_before_looking_at_stop", "in_order", consume(refills_before_looking_at_stop)),
        Answer::right("fetch_update_bounded", "claim", claim(fetch_update_bounded)),
        Answer::right("cas_loop_weak", "claim", claim(cas_loop_weak)),
        Answer::right("fetch_add_then_undo", "claim", claim(fetch_add_then_undo)),
        Answer::right("fetch_add_usize", "claim", claim(fetch_add_usize)),
        Answer::right("look_then_fetch_add", "claim", claim(look_then_fetch_add)),
        Answer::right("join_then_gather", "shutdown", shutdown(join_then_gather)),
        Answer::right("count_then_close", "shutdown", shutdown(count_then_close)),
        Answer::right("sort_by_ticket", "shutdown", shutdown(sort_by_ticket)),
        Answer::right("btreemap_by_ticket", "shutdown", shutdown(btreemap_by_ticket)),
        Answer::right("join_then_try_iter", "shutdown", shutdown(join_then_try_iter)),
        Answer::right("ring_buffer", "in_order", consume(ring_buffer)),
        Answer::right("sliding_window", "in_order", consume(sliding_window)),
        Answer::right("vecdeque_window", "in_order", consume(vecdeque_window)),
    ]
}
