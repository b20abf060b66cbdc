//! Lab 08 on real processes: the process pool's crew and the pipeline's
//! loader as worker processes over pipes (`racelab worker 8 …`).
//!
//! Everything here runs on the real backend only. The parent's logic is not
//! here: the process pool is driven by `serve` (in `real`) and the
//! pipeline by the learner's (or the reference) consumer — the very code loom
//! checks on model threads. What this file adds is the plumbing of processes:
//!
//! * each worker is `racelab worker 8 …` with its stdin and stdout piped
//!   (`WorkerCommand::command_for`, which also makes the kernel kill it if the
//!   thread that started it ends); one reader thread per worker forwards what it
//!   writes to one channel, and reports end-of-file as `Closed`;
//! * the parent learns that a worker ended from its pipe (end of file: every
//!   line it wrote has been read), then `wait`s for it and says how it ended;
//! * dropping a `ProcessCrew` or a `ProcessLoader` closes every pipe, waits
//!   a moment, then kills and reaps whatever is left — on every way out,
//!   a panic included — so no worker outlives its pool.
//!
//! # Examples
//!
//! ```
//! use racelab::labs::pools::os::worker;
//!
//! // `racelab worker 8` refuses a job it does not know.
//! assert!(worker(&[99]).is_err());
//! ```

use super::real::{Batch, Crew, Loader, OnCrash, Report, load, process_inputs, process_job, process_state, serve};
use crate::lab::{Case, DemoRequest, State};
use crate::runner::process::WorkerCommand;
use crate::sync::real::channel::{self, Receiver, Sender};
use std::fmt::Write as _;
use std::io::{BufRead, BufReader, Write};
use std::process::{Child, ChildStdin, ExitStatus, Stdio};
use std::time::{Duration, Instant};
use wait_timeout::ChildExt;

/// Job tag: a process-pool worker (`[1, kind, amount]`): for each line
/// `ticket input attempt` on stdin, do the work, then print `done ticket output`
/// (or crash, as [`process_job`] says).
pub const JOB_SERVE: u64 = 1;
/// Job tag: a pipeline loader (`[2, kind, amount]`): for each line `index` on
/// stdin, load it (the work, three times as long for every sixth batch) and
/// print `batch index data`.
pub const JOB_LOAD: u64 = 2;

/// What one job or one load costs a worker.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize)]
pub enum Cost {
    /// Nothing: the job is its output.
    Free,
    /// CPU-bound: a loop of this many iterations.
    Cpu(u64),
    /// IO-bound, said as such: a sleep of this many microseconds (it waits on no device).
    Io(u64),
}

impl Cost {
    /// As two job numbers: `[kind, amount]`.
    pub fn args(self) -> [u64; 2] {
        match self {
            Cost::Free => [0, 0],
            Cost::Cpu(n) => [1, n],
            Cost::Io(us) => [2, us],
        }
    }

    fn from_args(kind: u64, amount: u64) -> Result<Cost, String> {
        match kind {
            0 => Ok(Cost::Free),
            1 => Ok(Cost::Cpu(amount)),
            2 => Ok(Cost::Io(amount)),
            _ => Err(format!("a lab 08 cost is 0 (free), 1 (CPU) or 2 (IO), got {kind}")),
        }
    }

    /// Pays the cost `times` times over.
    pub fn pay(self, times: u64) {
        match self {
            Cost::Free => {}
            Cost::Cpu(n) => {
                let _ = spin(n.saturating_mul(times));
            }
            Cost::Io(us) => std::thread::sleep(Duration::from_micros(us.saturating_mul(times))),
        }
    }
}

/// A CPU-bound loop of `n` iterations that the compiler cannot skip.
pub fn spin(n: u64) -> u64 {
    let mut x = 0_u64;
    for i in 0..n {
        x = std::hint::black_box(x.wrapping_mul(31).wrapping_add(i));
    }
    x
}

/// How many [`spin`] iterations take `ms` milliseconds here (the fastest of a few tries).
pub fn calibrate(ms: f64) -> u64 {
    let probe = 1_000_000;
    let fastest = (0..5)
        .map(|_| {
            let started = Instant::now();
            std::hint::black_box(spin(probe));
            started.elapsed().as_secs_f64()
        })
        .fold(f64::INFINITY, f64::min);
    ((ms / 1e3) / fastest.max(1e-9) * probe as f64).max(1.0) as u64
}

/// What a lab 08 worker process does with its job (`racelab worker 8 …`).
pub fn worker(job: &[u64]) -> Result<u64, String> {
    let mut out = std::io::stdout().lock();
    let mut served = 0;
    match *job {
        [JOB_SERVE, kind, amount] => {
            let cost = Cost::from_args(kind, amount)?;
            for line in std::io::stdin().lock().lines() {
                let line = line.map_err(|e| format!("cannot read a job: {e}"))?;
                let numbers: Vec<u64> = line.split_whitespace().filter_map(|n| n.parse().ok()).collect();
                let [ticket, input, attempt] = numbers[..] else {
                    return Err(format!("a job is `ticket input attempt`, got {line:?}"));
                };
                cost.pay(1);
                let Some(output) = process_job(input, u32::try_from(attempt).unwrap_or(u32::MAX)) else {
                    // Dies mid-job, as a worker killed by the out-of-memory killer would.
                    let _ = out.flush();
                    // Safety: raising a signal in this process; SIGKILL ends it at once.
                    unsafe { libc::raise(libc::SIGKILL) };
                    return Err("still alive after SIGKILL".to_string());
                };
                writeln!(out, "done {ticket} {output}").and_then(|()| out.flush()).map_err(|e| format!("cannot report: {e}"))?;
                served += 1;
            }
        }
        [JOB_LOAD, kind, amount] => {
            let cost = Cost::from_args(kind, amount)?;
            for line in std::io::stdin().lock().lines() {
                let line = line.map_err(|e| format!("cannot read a request: {e}"))?;
                let index: u64 = line.trim().parse().map_err(|_| format!("a request is a batch number, got {line:?}"))?;
                // Uneven batches: every sixth takes three times as long (what a prefetch depth is for).
                cost.pay(if index % 6 == 5 { 3 } else { 1 });
                if writeln!(out, "batch {index} {}", load(index)).and_then(|()| out.flush()).is_err() {
                    // The consumer has gone (a shutdown mid-epoch): nothing to deliver to.
                    break;
                }
                served += 1;
            }
        }
        _ => return Err(format!("a lab 08 worker takes [{JOB_SERVE}, kind, amount] or [{JOB_LOAD}, kind, amount], got {job:?}")),
    }
    Ok(served)
}

/// How a worker ended, as a sentence's end: "exited with status 0", "was killed by signal 9 (SIGKILL)".
pub fn how_it_ended(status: ExitStatus) -> String {
    use std::os::unix::process::ExitStatusExt;
    match (status.code(), status.signal()) {
        (Some(code), _) => format!("exited with status {code}"),
        (None, Some(9)) => "was killed by signal 9 (SIGKILL)".to_string(),
        (None, Some(6)) => "was killed by signal 6 (SIGABRT)".to_string(),
        (None, Some(signal)) => format!("was killed by signal {signal}"),
        _ => format!("ended abnormally ({status})"),
    }
}

/// How long a worker whose pipes are closed may take to exit before it is killed.
const GRACE: Duration = Duration::from_secs(2);

/// One running worker process: its stdin (the jobs), its reader thread, its pid.
struct Running {
    child: Child,
    stdin: Option<ChildStdin>,
    reader: Option<std::thread::JoinHandle<()>>,
}

impl Running {
    /// Starts `command` with stdin and stdout piped; a reader thread turns each
    /// line into `parse(line)` on `tell`, and end-of-file into `eof`.
    fn start<T: Send + 'static>(
        command: &WorkerCommand,
        args: &[u64],
        tell: Sender<T>,
        parse: impl Fn(&str) -> Option<T> + Send + 'static,
        eof: T,
    ) -> Result<Running, String> {
        let mut command = command.command_for(args);
        command.stdin(Stdio::piped()).stderr(Stdio::null());
        let mut child = command.spawn().map_err(|e| format!("cannot start a worker process: {e}"))?;
        let (Some(stdin), Some(stdout)) = (child.stdin.take(), child.stdout.take()) else {
            let _ = child.kill();
            let _ = child.wait();
            return Err("a worker process without pipes".to_string());
        };
        let reader = std::thread::Builder::new()
            .name("lab 08: a worker's pipe".to_string())
            .spawn(move || {
                for line in BufReader::new(stdout).lines() {
                    let Ok(line) = line else { break };
                    if let Some(message) = parse(&line) {
                        let _ = tell.send(message);
                    }
                }
                let _ = tell.send(eof);
            })
            .map_err(|e| format!("cannot start a reader thread: {e}"));
        match reader {
            Ok(reader) => Ok(Running { child, stdin: Some(stdin), reader: Some(reader) }),
            Err(e) => {
                let _ = child.kill();
                let _ = child.wait();
                Err(e)
            }
        }
    }

    /// Closes its stdin, waits up to [`GRACE`] for it to exit (then kills it), and
    /// joins its reader: how it ended.
    fn finish(&mut self) -> String {
        drop(self.stdin.take());
        let status = match self.child.wait_timeout(GRACE) {
            Ok(Some(status)) => Ok(status),
            _ => {
                let _ = self.child.kill();
                self.child.wait()
            }
        };
        if let Some(reader) = self.reader.take() {
            let _ = reader.join();
        }
        status.map_or_else(|e| format!("could not be waited for ({e})"), how_it_ended)
    }

    fn pid(&self) -> u32 {
        self.child.id()
    }
}

impl Drop for Running {
    fn drop(&mut self) {
        if self.reader.is_some() {
            // A way out that did not finish it (a panic, an early return): kill, reap, join.
            drop(self.stdin.take());
            let _ = self.child.kill();
            let _ = self.child.wait();
            if let Some(reader) = self.reader.take() {
                let _ = reader.join();
            }
        }
    }
}

/// The process pool's crew for real: each worker is `racelab worker 8 1 kind amount`.
pub struct ProcessCrew {
    command: WorkerCommand,
    cost: Cost,
    tell: Sender<Report>,
    reports: Receiver<Report>,
    workers: Vec<Option<Running>>,
    /// Every worker process started, in order: (worker, pid).
    pub started: Vec<(usize, u32)>,
    /// What happened to each worker that ended, in order: (worker, pid, how).
    pub ended: Vec<(usize, u32, String)>,
}

impl ProcessCrew {
    /// A crew of `workers` processes started by `command` (`racelab worker 8`), each job costing `cost`.
    pub fn new(command: &WorkerCommand, workers: usize, cost: Cost) -> ProcessCrew {
        let (tell, reports) = channel::unbounded();
        ProcessCrew {
            command: command.clone(),
            cost,
            tell,
            reports,
            workers: (0..workers).map(|_| None).collect(),
            started: Vec::new(),
            ended: Vec::new(),
        }
    }

    /// The pids of the workers still running.
    pub fn running(&self) -> Vec<u32> {
        self.workers.iter().flatten().map(Running::pid).collect()
    }
}

impl Crew for ProcessCrew {
    fn start(&mut self, w: usize) -> Result<(), String> {
        let [kind, amount] = self.cost.args();
        let parse = move |line: &str| {
            let mut words = line.split_whitespace();
            match (words.next(), words.next().map(str::parse), words.next().map(str::parse)) {
                (Some("done"), Some(Ok(ticket)), Some(Ok(output))) => Some(Report::Done { worker: w, ticket, output }),
                _ => None,
            }
        };
        let running = Running::start(&self.command, &[JOB_SERVE, kind, amount], self.tell.clone(), parse, Report::Closed { worker: w })?;
        self.started.push((w, running.pid()));
        self.workers[w] = Some(running);
        Ok(())
    }

    fn give(&mut self, w: usize, ticket: u64, input: u64, attempt: u32) -> bool {
        let Some(stdin) = self.workers[w].as_mut().and_then(|r| r.stdin.as_mut()) else { return false };
        writeln!(stdin, "{ticket} {input} {attempt}").and_then(|()| stdin.flush()).is_ok()
    }

    fn ended(&mut self, w: usize) -> String {
        match self.workers[w].take() {
            Some(mut running) => {
                let how = running.finish();
                self.ended.push((w, running.pid(), how.clone()));
                format!("worker {w} (pid {}) {how}", running.pid())
            }
            None => "was not running".to_string(),
        }
    }

    fn reports(&self) -> &Receiver<Report> {
        &self.reports
    }

    fn close(&mut self) {
        for (w, slot) in self.workers.iter_mut().enumerate() {
            if let Some(mut running) = slot.take() {
                let how = running.finish();
                self.ended.push((w, running.pid(), how));
            }
        }
    }
}

/// Runs `inputs` on a real process pool of `workers`; the results, and the crew
/// (which processes started and how each ended).
pub fn process_pool(
    command: &WorkerCommand,
    workers: usize,
    first: u64,
    inputs: &[u64],
    on_crash: OnCrash,
    cost: Cost,
) -> (Vec<Result<u64, String>>, ProcessCrew) {
    let mut crew = ProcessCrew::new(command, workers.max(1), cost);
    let results = serve(&mut crew, workers.max(1), first, inputs, on_crash);
    (results, crew)
}

/// This binary as a lab 08 worker (`racelab worker 8`), when this binary is racelab.
fn this_racelab() -> Option<WorkerCommand> {
    let exe = std::env::current_exe().ok()?;
    let name = exe.file_name()?.to_str()?;
    name.starts_with("racelab").then(|| WorkerCommand::new(exe.clone(), ["worker", "8"]))
}

/// A process-pool variant on real processes (`racelab run 8 --variant process_pool`):
/// job 0 crashes its first worker; the state says what was answered right.
pub fn process_pool_state(variant: &str, case: &Case) -> Option<State> {
    let on_crash = match variant {
        "process_pool" => OnCrash::RetryOnce,
        "wrong_forget_crashed_job" => OnCrash::Forget,
        "wrong_break_pool" => OnCrash::BreakPool,
        _ => return None,
    };
    let command = this_racelab()?;
    let first = case.param("first").unwrap_or(0);
    let inputs = process_inputs(case.iters, Some(0), None);
    let (results, _) = process_pool(&command, case.threads, first, &inputs, on_crash, Cost::Free);
    Some(process_state(first, &inputs, &results))
}

// ---------------------------------------------------------------------------
// The pipeline's loader as worker processes
// ---------------------------------------------------------------------------

/// A loaded batch, or a worker's pipe closing.
enum Loaded {
    Batch(u64, Batch),
    Closed,
}

/// The pipeline's loader on real processes: batch `i` is loaded by worker
/// process `i % workers` (`racelab worker 8 2 kind amount`).
pub struct ProcessLoader {
    workers: Vec<Running>,
    loaded: Receiver<Loaded>,
    tell: Option<Sender<Loaded>>,
    /// When the workers were started and ready (before the first request).
    pub started_in: Duration,
}

impl ProcessLoader {
    /// Starts `workers` loader processes, each load costing `cost`.
    pub fn start(command: &WorkerCommand, workers: usize, cost: Cost) -> Result<ProcessLoader, String> {
        let started = Instant::now();
        let (tell, loaded) = channel::unbounded();
        let [kind, amount] = cost.args();
        let parse = |line: &str| {
            let mut words = line.split_whitespace();
            match (words.next(), words.next().map(str::parse), words.next().map(str::parse)) {
                (Some("batch"), Some(Ok(index)), Some(Ok(batch))) => Some(Loaded::Batch(index, batch)),
                _ => None,
            }
        };
        let mut running = Vec::new();
        for _ in 0..workers.max(1) {
            running.push(Running::start(command, &[JOB_LOAD, kind, amount], tell.clone(), parse, Loaded::Closed)?);
        }
        Ok(ProcessLoader { workers: running, loaded, tell: Some(tell), started_in: started.elapsed() })
    }

    /// The pids of the loader processes.
    pub fn pids(&self) -> Vec<u32> {
        self.workers.iter().map(Running::pid).collect()
    }

    /// Shuts the loaders down — mid-epoch too: closes every request pipe (each
    /// finishes the batch it is loading and exits; a batch nobody reads is
    /// dropped), waits for each (kills one that does not stop), and returns how each ended.
    pub fn shutdown(mut self) -> Vec<String> {
        drop(self.tell.take());
        let endings = self.workers.iter_mut().map(Running::finish).collect();
        self.workers.clear();
        endings
    }
}

impl Loader for ProcessLoader {
    fn request(&mut self, index: u64) {
        let w = (index % self.workers.len() as u64) as usize;
        if let Some(stdin) = self.workers[w].stdin.as_mut() {
            let _ = writeln!(stdin, "{index}").and_then(|()| stdin.flush());
        }
    }

    fn next_loaded(&mut self) -> (u64, Batch) {
        loop {
            match self.loaded.recv() {
                Ok(Loaded::Batch(index, batch)) => return (index, batch),
                Ok(Loaded::Closed) => continue,
                Err(_) => panic!("every loader process has gone"),
            }
        }
    }
}

/// One epoch of the pipeline on real processes: `workers` loaders, `count`
/// batches at `depth`, each load costing `cost` (×3 every sixth batch) and each
/// training step `train` (a sleep: a GPU step the CPU waits for), consumed by
/// `consume`. Returns the seconds the epoch took (start-up included), the
/// batches trained in order, and how the loaders ended.
pub fn pipeline_epoch(
    command: &WorkerCommand,
    workers: usize,
    count: u64,
    depth: u64,
    cost: Cost,
    train: Duration,
    consume: super::real::Consume,
) -> Result<(f64, Vec<u64>, Vec<String>), String> {
    let started = Instant::now();
    let mut loader = ProcessLoader::start(command, workers, cost)?;
    let mut order = Vec::new();
    consume(&mut loader, 0, count, depth, &mut |index, batch| {
        if batch == load(index) {
            order.push(index);
        }
        std::thread::sleep(train);
        true
    });
    let seconds = started.elapsed().as_secs_f64();
    Ok((seconds, order, loader.shutdown()))
}

// ---------------------------------------------------------------------------
// `racelab demo 8`: a worker dies mid-job
// ---------------------------------------------------------------------------

/// `racelab demo 8`: a real process pool of `--children` workers runs six jobs;
/// job 1 kills the first worker that runs it, job 3 every worker that runs it.
pub fn demo(request: &DemoRequest) -> Result<String, String> {
    let command = WorkerCommand::new(request.exe.clone(), ["worker", "8"]);
    let workers = request.children.clamp(1, 16);
    let inputs: Vec<u64> = (0..6).map(|k| match k {
        1 => super::real::FLAKY,
        3 => super::real::POISON,
        k => k,
    }).collect();
    let started = Instant::now();
    let (results, crew) = process_pool(&command, workers, 0, &inputs, OnCrash::RetryOnce, Cost::Io(20_000));
    let seconds = started.elapsed().as_secs_f64();
    let alive: Vec<u32> = crew.started.iter().map(|&(_, pid)| pid).filter(|&pid| still_running(pid)).collect();
    if request.json {
        let json = serde_json::json!({
            "workers": workers,
            "inputs": inputs,
            "results": results.iter().map(|r| match r { Ok(v) => serde_json::json!({"ok": v}), Err(e) => serde_json::json!({"error": e}) }).collect::<Vec<_>>(),
            "started": crew.started,
            "ended": crew.ended,
            "still_running": alive,
            "seconds": seconds,
        });
        return serde_json::to_string_pretty(&json).map(|t| t + "\n").map_err(|e| e.to_string());
    }
    let mut out = String::new();
    let _ = writeln!(out, "lab 08 · a process pool of {workers} workers, 6 jobs of 20 ms (a sleep); job 1 kills the first worker that runs it, job 3 every worker that runs it\n");
    let _ = writeln!(out, "workers started (worker, pid): {:?}", crew.started);
    for (w, pid, how) in &crew.ended {
        let _ = writeln!(out, "  worker {w} (pid {pid}) {how}");
    }
    let _ = writeln!(out, "\nresults, in submission order:");
    for (k, result) in results.iter().enumerate() {
        let _ = match result {
            Ok(v) => writeln!(out, "  job {k}: {v}"),
            Err(why) => writeln!(out, "  job {k}: error: {why}"),
        };
    }
    let _ = writeln!(
        out,
        "\nworker processes still running: {} ({:.2} s in all)",
        if alive.is_empty() { "none".to_string() } else { format!("{alive:?}") },
        seconds
    );
    Ok(out)
}

/// Whether process `pid` still exists (and is not a zombie waiting to be reaped).
pub fn still_running(pid: u32) -> bool {
    match std::fs::read_to_string(format!("/proc/{pid}/stat")) {
        // The state is the field after the command name in parentheses: `Z` is a zombie.
        Ok(stat) => stat.rsplit(')').next().and_then(|rest| rest.split_whitespace().next()) != Some("Z"),
        Err(_) => false,
    }
}
