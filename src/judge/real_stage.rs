//! The real stages: the learner's answers on real OS threads (trials that
//! can add a failure, never remove one) and, for `process`, the learner's
//! worker in real OS processes.

use super::spec::Spec;
use crate::lab::State;
use crate::runner::process::{WorkerCommand, run_workers};
use std::time::Duration;

/// Set in a worker process started by an exercise check (see [`self_as_worker`]).
pub const WORKER_ENV: &str = "RACELAB_EXERCISE_WORKER";

/// How long one real-thread trial may go without progress (see [`Progress`])
/// before it counts as stuck: the largest takes milliseconds on a quiet machine.
const REAL_TRIAL_LIMIT: Duration = Duration::from_secs(10);

/// The longest a real-thread trial that keeps making progress may take. On a
/// busy machine (two compilers on two cores) each hand-off between threads waits
/// for a time slice: lab 08's 3 000 one-batch round trips then took over 10 s
/// with right answers, which a fixed limit called stuck.
const REAL_TRIAL_MOST: Duration = Duration::from_secs(30);

/// The process's CPU time and context switches so far (every thread's, from
/// `getrusage`): a trial whose threads are all blocked adds neither; one whose
/// threads hand work to each other, however slowly, adds switches; a spinning one
/// adds CPU time. `None` where the figures are not available.
#[derive(Clone, Copy)]
struct Progress {
    cpu: Duration,
    switches: libc::c_long,
}

impl Progress {
    fn now() -> Option<Self> {
        // Safety: `getrusage` only writes the `rusage` it is given, which lives for the call;
        // all-zero bytes are a valid `rusage` (integers and `timeval`s).
        let usage = unsafe {
            let mut usage: libc::rusage = std::mem::zeroed();
            (libc::getrusage(libc::RUSAGE_SELF, &raw mut usage) == 0).then_some(usage)
        }?;
        let time = |t: libc::timeval| {
            Duration::from_secs(u64::try_from(t.tv_sec).unwrap_or(0))
                + Duration::from_micros(u64::try_from(t.tv_usec).unwrap_or(0))
        };
        Some(Progress {
            cpu: time(usage.ru_utime) + time(usage.ru_stime),
            switches: usage.ru_nvcsw.saturating_add(usage.ru_nivcsw),
        })
    }

    /// Whether the process did something since `before` (a second ago): more than the
    /// judge's own waiting thread does once a second.
    fn since(self, before: Progress) -> bool {
        self.cpu.saturating_sub(before.cpu) >= Duration::from_millis(20) || self.switches - before.switches >= 50
    }
}

/// Waits for a trial's result: `Err(true)` when nothing happened in the process
/// for `stuck_after` (stuck waiting: `REAL_TRIAL_LIMIT` in the judge), `Err(false)`
/// when it was still busy after `most` (`REAL_TRIAL_MOST`); `Ok(Err(_))` when the
/// sender is gone without sending (the trial panicked).
pub fn wait_for_trial<T>(
    result: &std::sync::mpsc::Receiver<T>,
    stuck_after: Duration,
    most: Duration,
) -> Result<Result<T, std::sync::mpsc::RecvError>, bool> {
    use std::sync::mpsc::RecvTimeoutError;
    let start = std::time::Instant::now();
    let mut last_progress = start;
    let mut before = Progress::now();
    loop {
        match result.recv_timeout(Duration::from_secs(1)) {
            Ok(value) => return Ok(Ok(value)),
            Err(RecvTimeoutError::Disconnected) => return Ok(Err(std::sync::mpsc::RecvError)),
            Err(RecvTimeoutError::Timeout) => {}
        }
        let now = Progress::now();
        if let (Some(now), Some(before)) = (now, before)
            && now.since(before)
        {
            last_progress = std::time::Instant::now();
        }
        before = now;
        if last_progress.elapsed() >= stuck_after {
            return Err(true);
        }
        if start.elapsed() >= most {
            return Err(false);
        }
    }
}

/// How many real-thread trials the judge runs after loom has passed.
///
/// loom proves a fix over every interleaving of the model; the real-thread
/// stage is a backstop for what the model cannot see (a `static`, a type from
/// `std::sync` used directly). It can only add failures, never remove them.
/// An answer that goes wrong in 5 % of trials slips through all 150 with
/// probability 0.95^150 ≈ 0.05 % (≤ 0.1 %).
pub const REAL_TRIALS: u32 = 150;

/// Runs [`REAL_TRIALS`] trials of `variant` with `fixes` on real threads,
/// each case from the spec, each final state judged by the lab; then the
/// [`long_trials`], past the largest number the code names.
/// Returns what went wrong, and whether it was in a long trial (deterministic enough to
/// name: code that changes its path after the number it names).
pub(crate) fn on_real_threads<S: Spec>(
    spec: &'static S,
    variant: &'static str,
    fixes: S::Real,
) -> Result<(), (String, bool)> {
    for trial in 0..REAL_TRIALS {
        let case = spec.real_case(variant, trial);
        one_trial(spec, variant, fixes, &case, &format!("trial {} of {REAL_TRIALS}", trial + 1))
            .map_err(|why| (why, false))?;
    }
    // The most steps a thread of the ordinary trials takes: its iterations, or its largest
    // job (labs whose workers are given jobs: a `1` the code names is not past them).
    let steps = |case: &crate::lab::Case| {
        let largest_job = case.jobs.iter().flatten().flatten().copied().max().unwrap_or(0);
        case.iters.max(largest_job)
    };
    let ordinary = (0..REAL_TRIALS).map(|t| steps(&spec.real_case(variant, t))).max().unwrap_or(0);
    for (threads, iters) in long_trials(crate::trace::patience(), ordinary) {
        let case = spec.sized_case(variant, threads, iters);
        let own = crate::trace::patience();
        one_trial(spec, variant, fixes, &case, &format!("a long trial, past the {own} your code names"))
            .map_err(|why| (why, true))?;
    }
    Ok(())
}

/// The largest number of the code's own that a long trial goes past (see [`long_trials`]).
const LONG_AT_MOST: u64 = 1 << 20;

/// How many steps past the code's own number a long trial's threads take: 2^19, tens
/// of milliseconds of a thread's time, so that the threads run side by side even on a
/// machine whose cores are busy (a few thousand calls can end within one time slice).
const LONG_PAST: u64 = 1 << 19;

/// The long trials for code whose largest number is `own`, when the ordinary trials
/// take at most `ordinary` steps per thread: 2 and 4 threads of `own` + 1 + 2^19 steps.
/// Code can keep state from call to call (a `thread_local!` counts its calls) and take
/// another path after `own` calls — a split lock, a `load` and a `store` — which no
/// ordinary trial, no loom case and no one-thread check reaches (past the few thousand calls
/// of `contention::warm_up`); here every thread
/// makes 2^19 calls on that path, side by side. None when the ordinary trials already
/// reach `own`, or when it is past 2^20 (no check outwaits every number: see lab 01's
/// lesson).
///
/// ```
/// use racelab::judge::real_stage::long_trials;
/// assert!(long_trials(3_000, 3_000).is_empty());
/// assert_eq!(long_trials(5_000, 3_000), vec![(2, 5_001 + (1 << 19)), (4, 5_001 + (1 << 19))]);
/// assert!(long_trials(1 << 30, 3_000).is_empty());
/// ```
pub fn long_trials(own: u64, ordinary: u64) -> Vec<(usize, u64)> {
    if own <= ordinary || own > LONG_AT_MOST {
        return Vec::new();
    }
    vec![(2, own + 1 + LONG_PAST), (4, own + 1 + LONG_PAST)]
}

/// One real-thread trial of `case`, its final state judged by the lab; `which` names it in a failure.
fn one_trial<S: Spec>(
    spec: &'static S,
    variant: &'static str,
    fixes: S::Real,
    case: &crate::lab::Case,
    which: &str,
) -> Result<(), String> {
    let lab = spec.lab();
    // On a thread of its own: threads that deadlock never return, and the verdict must not wait for them.
    let theirs = case.clone();
    let (done, result) = std::sync::mpsc::channel();
    let trial_thread = std::thread::Builder::new()
        .name("judge: real trial".into())
        .spawn(move || {
            // An async `sleep` of the learner's is one yield here, as in the checker (see
            // `sync::real::task::sleeps_only_yield`): its place among the await points is what
            // can be wrong, and 150 trials of 1 ms sleeps waited 40 s.
            crate::sync::real::task::sleeps_only_yield(true);
            let _ = done.send(spec.run_real(variant, &fixes, &theirs));
        })
        .map_err(|e| format!("cannot start a trial's thread: {e}"))?;
    let state = match wait_for_trial(&result, REAL_TRIAL_LIMIT, REAL_TRIAL_MOST) {
        Ok(Ok(state)) => state.unwrap_or_default(),
        Err(true) => {
            return Err(format!(
                "{which} ({}) did not finish, and for {} s none of its threads did anything: it is stuck \
                 waiting — a deadlock that loom's small cases do not reach",
                lab.describe(case),
                REAL_TRIAL_LIMIT.as_secs()
            ));
        }
        Err(false) => {
            return Err(format!(
                "{which} ({}) was still running after {} s, its threads busy all along: an endless loop (a \
                 spin on a value no thread will write?) that loom's small cases do not reach",
                lab.describe(case),
                REAL_TRIAL_MOST.as_secs()
            ));
        }
        Ok(Err(_)) => match trial_thread.join() {
            // A panic in a trial is the answer's failure (a call the lab's code refuses, made
            // where loom's small cases never made it), not the end of the check.
            Err(payload) => {
                return Err(format!(
                    "{which} ({}) panicked: {}",
                    lab.describe(case),
                    crate::trace::panic_message(&*payload)
                ));
            }
            Ok(()) => State::default(),
        },
    };
    if let Err(why) = lab.judge(case, &state) {
        return Err(format!("{which} ({}) ended {state}, expected {}: {why}", lab.describe(case), lab.spec(case)));
    }
    Ok(())
}

/// Runs the learner's worker in real processes for each of the spec's
/// process cases, and the learner's `combine` on their reports.
pub(crate) fn in_real_processes<S: Spec>(spec: &S, worker: &WorkerCommand, fixes: S::Real) -> Result<(), String> {
    let lab = spec.lab();
    for case in spec.process_cases() {
        let jobs = case.jobs.clone().unwrap_or_default();
        let reports = run_workers(worker, &jobs, Duration::from_secs(20))
            .map_err(|e| format!("in real worker processes ({}): {e}", lab.describe(&case)))?;
        let state = spec.combine(&fixes, &reports);
        if let Err(why) = lab.judge(&case, &state) {
            return Err(format!(
                "in real worker processes ({}): ended {state}, expected {}: {why}",
                lab.describe(&case),
                lab.spec(&case)
            ));
        }
    }
    Ok(())
}

/// The fixed arguments [`self_as_worker`] passes before the job's numbers.
const WORKER_ARGS: [&str; 6] = ["--exact", "", "--nocapture", "--quiet", "--test-threads", "1"];

/// In a worker process started by an exercise check: the job to do.
///
/// The exercise's process check re-runs its own test binary, filtered to one
/// test, with [`WORKER_ENV`] set and the job's numbers as the last arguments;
/// that test then calls the learner's worker and prints `report <n>` instead
/// of checking anything.
pub fn worker_job() -> Option<Vec<u64>> {
    std::env::var_os(WORKER_ENV)?;
    std::env::args().skip(1 + WORKER_ARGS.len()).map(|a| a.parse().ok()).collect()
}

/// How to start this test binary as a worker: only `test_name` runs, in worker mode.
pub fn self_as_worker(test_name: &str) -> Result<WorkerCommand, String> {
    let exe = std::env::current_exe().map_err(|e| format!("cannot find the test binary: {e}"))?;
    let mut args = WORKER_ARGS;
    args[1] = test_name;
    // A worker runs the learner's code alone: it gets no channel to the judge (nor its token).
    Ok(WorkerCommand::new(exe, args).env(WORKER_ENV, "1").env(super::channel::JUDGE_CHANNEL, ""))
}
