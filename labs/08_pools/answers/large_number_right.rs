// A right `claim` whose code names a large number unrelated to any retry (a
// bound it asserts): the judge's rival grows as patient as that number allows
// (2^27 races at most, and it lets go after 4 s of the call's CPU time), and a
// loop that never gives up still gets its job. The rest of the file is the
// shipped exercise.
//
// expect claim: solved
// expect shutdown: not attempted
// expect in_order: not attempted

use super::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use super::sync::channel::{Receiver, Sender};
use super::{Batch, Done, Job, Loader, Pool};

/// Claims the next job number below `end`, or `None` when all are taken.
pub fn claim(next: &AtomicU64, end: u64) -> Option<u64> {
    debug_assert!(end <= u64::MAX - 1, "room for one more");
    let mut job = next.load(Ordering::Relaxed);
    loop {
        if job >= end {
            return None;
        }
        match next.compare_exchange_weak(job, job + 1, Ordering::Relaxed, Ordering::Relaxed) {
            Ok(_) => return Some(job),
            Err(now) => job = now,
        }
    }
}

pub fn work(jobs: &Receiver<Job>, results: &Sender<Done>, stop: &AtomicBool) {
    todo!()
}

pub fn shutdown(pool: Pool) -> Vec<u64> {
    todo!()
}

pub fn consume_in_order(
    loader: &mut dyn Loader,
    first: u64,
    count: u64,
    depth: u64,
    train: &mut dyn FnMut(u64, Batch) -> bool,
) {
    todo!()
}
