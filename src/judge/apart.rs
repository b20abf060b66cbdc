//! Judging every lab's catalogue in separate processes, one answer at a time each.
//!
//! Why processes and not threads: loom starts every model thread on a stack of its own,
//! mapped and unmapped for each execution (thousands per answer). Two judging threads in
//! one process contend for the process's memory map, and every unmap interrupts the other
//! core to flush its TLB: measured on the 2-core machine, lab 09's catalogue took 83 s on
//! two threads and 55 s on one. Processes have a memory map each, so `processes` of
//! them keep every core busy without that cost.
//!
//! The parent hands out answers one by one, the likely slowest first (right answers, and
//! those whose stored verdict came after an exhaustive loom stage), so that the last to
//! finish are quick ones: it writes an answer's index on a
//! judging process's stdin and reads one line back, `racelab-verdict <index> <JSON>`; a
//! process that finishes an answer gets the next. Anything else the process prints is
//! ignored. A process that dies costs the answer it was judging (an `Err` naming it) and
//! is started again for the rest.

use super::catalogue::Verdict;
use super::exercises::{Exercises, by_lab, catalogue_queue, judge_one};
use super::outcome::Outcome;
use crate::judge::catalogue::Entry;
use crate::runner::process::WorkerCommand;
use std::io::{BufRead as _, BufReader, Write as _};
use std::process::{Command, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};

/// What starts each line of a judging process's answer.
const VERDICT: &str = "racelab-verdict";

/// Judges every catalogued answer of every lab in `labs` in `processes` processes that
/// `start` starts (each one calls [`serve`] with the same `labs`); returns each lab's
/// verdicts in catalogue order (an `Err` holds what stopped the judge on that answer: a
/// panic, no such answer, a judging process that died or would not start).
///
/// # Examples
///
/// ```no_run
/// use racelab::judge::apart;
///
/// // In a test binary: started again with RACELAB_JUDGE_SERVE set, it serves.
/// let labs = [racelab::labs::exercises(1).unwrap()];
/// if std::env::var_os("RACELAB_JUDGE_SERVE").is_some() {
///     apart::serve(&labs, &|_, _| None);
///     return;
/// }
/// let me = std::env::current_exe().unwrap();
/// let start = || {
///     let mut command = std::process::Command::new(&me);
///     command.env("RACELAB_JUDGE_SERVE", "1");
///     Some(command)
/// };
/// let verdicts = apart::judge_catalogues_apart(&labs, 2, &start);
/// assert!(verdicts[0].iter().all(|v| v.as_ref().is_ok_and(|v| v.judged_correctly())));
/// ```
pub fn judge_catalogues_apart(
    labs: &[&'static dyn Exercises],
    processes: usize,
    start: &(dyn Fn() -> Option<Command> + Sync),
) -> Vec<Vec<Result<Verdict, String>>> {
    let queue = catalogue_queue(labs);
    if queue.is_empty() {
        return labs.iter().map(|_| Vec::new()).collect();
    }
    let next = AtomicUsize::new(0);
    let judged: Vec<(usize, Result<Verdict, String>)> = std::thread::scope(|scope| {
        let feeders: Vec<_> = (0..processes.max(1)).map(|_| scope.spawn(|| feed(labs, &queue, &next, start))).collect();
        feeders.into_iter().flat_map(|f| f.join().unwrap_or_default()).collect()
    });
    // An answer no process could take (none would start): said, not lost.
    let mut seen = vec![false; queue.len()];
    let mut all = Vec::with_capacity(queue.len());
    for (i, verdict) in judged {
        seen[i] = true;
        let (l, a) = queue[i];
        all.push((l, a, verdict));
    }
    for &(l, a) in queue.iter().zip(&seen).filter(|(_, seen)| !**seen).map(|(item, _)| item) {
        let entry = labs[l].catalogue()[a];
        all.push((
            l,
            a,
            Err(format!("lab {:02} {}: no judging process would start", labs[l].lab().number(), entry.name)),
        ));
    }
    by_lab(labs, all)
}

/// One judging process's share: answers taken from `next` until the queue is empty. A
/// process that ends while judging is started again (three failed starts in a row end
/// this share: the answers left go to the other processes).
fn feed(
    labs: &[&'static dyn Exercises],
    queue: &[(usize, usize)],
    next: &AtomicUsize,
    start: &(dyn Fn() -> Option<Command> + Sync),
) -> Vec<(usize, Result<Verdict, String>)> {
    let mut mine = Vec::new();
    let mut failed_starts = 0;
    while failed_starts < 3 {
        let Some(mut command) = start() else { break };
        let Ok(mut child) = command.stdin(Stdio::piped()).stdout(Stdio::piped()).stderr(Stdio::inherit()).spawn()
        else {
            failed_starts += 1;
            continue;
        };
        failed_starts = 0;
        let finished = judge_in(&mut child, labs, queue, next, &mut mine);
        // Closing stdin ends a serving process; one that died is reaped.
        drop(child.stdin.take());
        let _ = child.wait();
        if finished {
            break;
        }
    }
    mine
}

/// Hands answers to `child` one at a time until the queue is empty (`true`) or the child
/// ends while judging one (`false`: that answer's verdict is an `Err`).
fn judge_in(
    child: &mut std::process::Child,
    labs: &[&'static dyn Exercises],
    queue: &[(usize, usize)],
    next: &AtomicUsize,
    mine: &mut Vec<(usize, Result<Verdict, String>)>,
) -> bool {
    let (Some(stdin), Some(stdout)) = (child.stdin.as_mut(), child.stdout.take()) else { return false };
    let mut lines = BufReader::new(stdout).lines();
    loop {
        let i = next.fetch_add(1, Ordering::Relaxed);
        let Some(&(l, a)) = queue.get(i) else { return true };
        let wanted = format!("{VERDICT} {i} ");
        let answer = writeln!(stdin, "{i}").and_then(|()| stdin.flush()).ok().and_then(|()| {
            lines.by_ref().map_while(Result::ok).find_map(|line| line.strip_prefix(&wanted).map(str::to_string))
        });
        let Some(json) = answer else {
            let name = format!("lab {:02} {}", labs[l].lab().number(), labs[l].catalogue()[a].name);
            mine.push((i, Err(format!("{name}: the judging process ended while judging it"))));
            return false;
        };
        mine.push((i, verdict_of(labs, l, a, &json)));
    }
}

/// The verdict a judging process sent for answer `a` of lab `l`.
fn verdict_of(labs: &[&'static dyn Exercises], l: usize, a: usize, json: &str) -> Result<Verdict, String> {
    let entry: Entry = labs[l].catalogue()[a];
    match json.strip_prefix("error ") {
        Some(why) => Err(why.to_string()),
        None => serde_json::from_str::<Outcome>(json)
            .map(|outcome| Verdict { entry, outcome })
            .map_err(|e| format!("lab {:02} {}: an unreadable verdict ({e})", labs[l].lab().number(), entry.name)),
    }
}

/// Serves a parent running [`judge_catalogues_apart`]: reads answer indices from stdin
/// until it closes, judges each (with `worker` for its worker processes) and prints its
/// verdict on one line. Returns when stdin ends.
pub fn serve(
    labs: &[&'static dyn Exercises],
    worker: &(dyn Fn(&'static dyn Exercises, &Entry) -> Option<WorkerCommand> + Sync),
) {
    let queue = catalogue_queue(labs);
    for line in std::io::stdin().lock().lines().map_while(Result::ok) {
        let Some(&(l, a)) = line.trim().parse::<usize>().ok().and_then(|i| queue.get(i)) else { continue };
        let said = match judge_one(labs, l, a, worker) {
            Ok(verdict) => serde_json::to_string(&verdict.outcome).unwrap_or_else(|e| format!("error {e}")),
            Err(why) => format!("error {why}"),
        };
        let mut out = std::io::stdout().lock();
        // The whole line at once: the parent reads it as one answer.
        let _ = out.write_all(format!("{VERDICT} {} {said}\n", line.trim()).as_bytes()).and_then(|()| out.flush());
    }
}
