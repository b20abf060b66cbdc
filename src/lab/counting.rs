//! The counting specification: a counter that must count every step once.
//!
//! Most labs end in one number that must be exact — `threads × iters`
//! increments, or the sum of the workers' jobs — so these are the [`Lab`](super::Lab)
//! trait's defaults. A lab whose state is richer overrides them.
//!
//! # Examples
//!
//! ```
//! use racelab::lab::{Case, State, counting};
//!
//! assert_eq!(counting::expected(3, 4), 12);
//! assert_eq!(counting::judge(&Case::new(2, 2), &State::count(3)), Err("1 update lost".to_string()));
//! assert_eq!(counting::unequal_split(6, 3), vec![1, 2, 3]);
//! assert_eq!(counting::worker(&[5]), Ok(5));
//! ```

use super::{Case, State};

/// The exact total: every increment counted once.
pub fn expected(threads: usize, iters: u64) -> u64 {
    (threads as u64).saturating_mul(iters)
}

/// How many increments each thread (or worker) makes: the case's jobs when
/// it has them (unequal, so a total right only for equal threads goes
/// wrong), else `iters` each.
pub fn steps(case: &Case) -> Vec<u64> {
    match &case.jobs {
        Some(jobs) => jobs.iter().map(|job| job.first().copied().unwrap_or(0)).collect(),
        None => vec![case.iters; case.threads],
    }
}

/// The exact total for a case: every increment counted once (the sum of the
/// workers' jobs, when the case has them).
pub fn exact(case: &Case) -> u64 {
    match &case.jobs {
        Some(_) => steps(case).into_iter().fold(0, u64::saturating_add),
        None => expected(case.threads, case.iters),
    }
}

/// The specification: the final count is exact.
pub fn judge(case: &Case, state: &State) -> Result<(), String> {
    let (value, want) = (state.value(), exact(case));
    if value == want { Ok(()) } else { Err(lost_updates(value, want)) }
}

/// The right final state for a case, as shown to the learner.
pub fn spec(case: &Case) -> String {
    exact(case).to_string()
}

/// "1 update lost", "2 updates lost", or how far above the exact total a count is.
pub fn lost_updates(value: u64, expected: u64) -> String {
    match expected.checked_sub(value) {
        Some(1) => "1 update lost".to_string(),
        Some(lost) => format!("{lost} updates lost"),
        None => format!("{} more than the exact total", value - expected),
    }
}

/// `1 ticket`, `2 tickets`.
pub fn plural(n: u64, noun: &str) -> String {
    if n == 1 { format!("1 {noun}") } else { format!("{n} {noun}s") }
}

/// The process fix's jobs: the `threads × iters` increments split unequally
/// among `threads` workers, so a `combine` that is right only for equal jobs
/// (`reports[0] * n`, the largest report) goes wrong.
pub fn jobs(threads: usize, iters: u64) -> Vec<Vec<u64>> {
    unequal_split(expected(threads, iters), threads).into_iter().map(|share| vec![share]).collect()
}

/// Splits `total` steps among `workers` unequally (worker `i` gets a share
/// proportional to `i + 1`), so that a `combine` or `worker` that is right
/// only for equal jobs goes wrong.
///
/// ```text
/// 2 workers, 2 steps → [0, 2]      3 workers, 6 steps → [1, 2, 3]
/// ```
pub fn unequal_split(total: u64, workers: usize) -> Vec<u64> {
    let n = workers.max(1) as u64;
    let weights = n * (n + 1) / 2;
    let mut shares: Vec<u64> = (1..=n).map(|w| (total as u128 * w as u128 / weights as u128) as u64).collect();
    let given: u64 = shares.iter().sum();
    if let Some(last) = shares.last_mut() {
        *last += total - given;
    }
    shares
}

/// A counting worker: a job is one number, the increments to count in memory
/// no one else can see.
pub fn worker(job: &[u64]) -> Result<u64, String> {
    match job {
        [iters] => Ok(count_to(*iters)),
        _ => Err(format!("a worker of this lab takes one number (increments), got {job:?}")),
    }
}

/// Counts to `iters` in a local variable: this worker owns it, so nothing can race.
pub fn count_to(iters: u64) -> u64 {
    let mut count = 0;
    for _ in 0..iters {
        count += 1;
    }
    count
}

/// The parent's half of a counting process fix: the reports are independent counts.
pub fn combine(reports: &[u64]) -> u64 {
    reports.iter().sum()
}
