//! `racelab bench 7`: lab 07's interpreter under its GIL, measured — CPU-bound
//! and IO-bound work, threads against processes, pools against a fresh
//! thread or process per task, an async loop — beside CPython's figures for
//! the same workloads (run live with `python3` when it is on the PATH, else
//! the recorded tables in `labs/07_gil/cpython-figures.md`, with where they
//! were measured).
//!
//! # Examples
//!
//! ```
//! use racelab::labs::gil::bench::async_sleeps;
//! use std::time::{Duration, Instant};
//!
//! let started = Instant::now();
//! assert_eq!(async_sleeps(20, Duration::from_millis(20)), 20);
//! assert!(started.elapsed() < Duration::from_millis(20 * 20), "the sleeps overlap on one thread");
//! ```

use super::real as gil;
use crate::bench::median;
use crate::runner::process::{WorkerCommand, run_workers};
use serde::Serialize;
use std::fmt::Write as _;
use std::time::{Duration, Instant};

/// How big each part of `bench 7` is.
#[derive(Clone, Debug, Serialize)]
pub struct Sizes {
    /// CPU-bound: `count += 1` iterations in all, split equally.
    pub cpu_total: u64,
    /// Thread and process counts for the CPU-bound part.
    pub cpu_workers: Vec<usize>,
    /// IO-bound: tasks, each one blocking read.
    pub io_tasks: u64,
    /// How long each blocking read takes.
    pub io_ms: u64,
    /// Thread counts for the IO-bound part.
    pub io_threads: Vec<usize>,
    /// Pools: small tasks, each `count += 1` this many times.
    pub pool_task: u64,
    /// Pools: how many tasks.
    pub pool_tasks: usize,
    /// Trials per point (the median and min–max are reported).
    pub trials: usize,
}

impl Default for Sizes {
    fn default() -> Self {
        Sizes {
            cpu_total: 16_000_000,
            cpu_workers: vec![1, 2, 4, 8],
            io_tasks: 100,
            io_ms: 50,
            io_threads: vec![1, 10, 50, 100, 200],
            pool_task: 1_000,
            pool_tasks: 100,
            trials: 3,
        }
    }
}

/// A measured ratio or time: median and min–max over the trials.
#[derive(Clone, Copy, Debug, Serialize)]
pub struct Range {
    /// The median trial.
    pub median: f64,
    /// The smallest.
    pub min: f64,
    /// The largest.
    pub max: f64,
}

impl Range {
    fn of(mut values: Vec<f64>) -> Range {
        let mid = median(&mut values);
        Range {
            median: mid,
            min: values.first().copied().unwrap_or(f64::NAN),
            max: values.last().copied().unwrap_or(f64::NAN),
        }
    }

    fn show(&self, decimals: usize) -> String {
        format!("{:.decimals$} ({:.decimals$}–{:.decimals$})", self.median, self.min, self.max)
    }
}

/// One row of a table: what ran, and what it measured.
#[derive(Clone, Debug, Serialize)]
pub struct Row {
    /// e.g. `threads = 4`.
    pub config: String,
    /// Seconds per trial.
    pub seconds: Range,
    /// Speedup against the section's baseline (end to end).
    pub speedup: Option<Range>,
    /// Speedup counting only the work (processes: the slowest worker's own time).
    pub work_speedup: Option<Range>,
}

/// Everything `bench 7` measured.
#[derive(Clone, Debug, Serialize)]
pub struct GilBench {
    /// The sizes used.
    pub sizes: Sizes,
    /// Cores here.
    pub cores: usize,
    /// CPU-bound: one thread alone, N threads under one GIL, N worker processes.
    pub cpu: Vec<Row>,
    /// IO-bound: thread counts, and the async loop.
    pub io: Vec<Row>,
    /// Pools: microseconds per task.
    pub pools: Vec<Row>,
    /// CPython's figures: live (`python3 …`) or recorded.
    pub cpython: CPython,
}

/// CPython's side of the comparison.
#[derive(Clone, Debug, Serialize)]
pub struct CPython {
    /// `python3 --version`, when it ran live.
    pub version: Option<String>,
    /// Live results (one JSON object from the script), when `python3` ran.
    pub live: Option<serde_json::Value>,
    /// Why there are no live results, when there are none.
    pub not_live: Option<String>,
}

fn time<T>(f: impl FnOnce() -> T) -> (f64, T) {
    let started = Instant::now();
    let out = f();
    (started.elapsed().as_secs_f64(), out)
}

fn check(got: u64, want: u64, what: &str) -> Result<(), String> {
    if got == want { Ok(()) } else { Err(format!("{what} counted {got}, expected {want}")) }
}

/// Runs every part of `bench 7`. `worker` starts `racelab worker 7`;
/// `progress(part)` is called as each part starts.
/// `racelab bench 7`: checks the request, runs the tables, renders them.
pub fn serve(request: &crate::lab::BenchRequest<'_>) -> Result<String, String> {
    use crate::runner::{MAX_PROCESSES, MAX_TOTAL};
    if request.yours {
        return Err("bench 7 measures the interpreter itself; your answers run with `cargo run -- run 7 --variant \
                    mutex --yours`"
            .to_string());
    }
    if request.plot || request.baseline {
        return Err(
            "bench 7 prints tables (CPU-bound, IO-bound, pools, CPython); it takes no --plot or --baseline".to_string()
        );
    }
    let mut sizes = Sizes { trials: request.trials.min(100), ..Default::default() };
    if let Some(&bad) = request.threads.iter().find(|&&n| n == 0 || n > MAX_PROCESSES) {
        return Err(format!("--threads must be between 1 and {MAX_PROCESSES} (got {bad})"));
    }
    if !request.threads.is_empty() {
        sizes.cpu_workers = request.threads.clone();
    }
    if let Some(total) = request.iters {
        if !(1..=MAX_TOTAL).contains(&total) {
            return Err(format!("--iters (the CPU-bound total) must be 1–{MAX_TOTAL} (got {total})"));
        }
        sizes.cpu_total = total;
    }
    let worker = WorkerCommand::new(request.exe.clone(), ["worker".to_string(), "7".to_string()]);
    let bench = run(&sizes, &worker, request.progress)?;
    if request.json {
        serde_json::to_string_pretty(&bench).map(|text| format!("{text}\n")).map_err(|e| e.to_string())
    } else {
        Ok(bench.render())
    }
}

/// Runs every table of `bench 7`.
pub fn run(sizes: &Sizes, worker: &WorkerCommand, mut progress: impl FnMut(&str)) -> Result<GilBench, String> {
    let trials = sizes.trials.max(1);
    progress("CPU-bound");
    let cpu = cpu_table(sizes, worker)?;
    progress("IO-bound");
    let io = io_rows(sizes, trials)?;
    progress("pools");
    let pools = pool_rows(sizes, worker, trials)?;
    progress("CPython");
    let cpython = cpython();
    Ok(GilBench { sizes: sizes.clone(), cores: crate::bench::cores(), cpu, io, pools, cpython })
}

/// One configuration of the CPU-bound table.
#[derive(Clone, Copy)]
enum Cpu {
    Alone,
    Threads(usize),
    Processes(usize),
}

/// The CPU-bound table: one thread alone, then `sizes.cpu_workers` threads under
/// one GIL and as many worker processes (started by `worker`), `sizes.trials` rounds.
pub fn cpu_table(sizes: &Sizes, worker: &WorkerCommand) -> Result<Vec<Row>, String> {
    let trials = sizes.trials.max(1);
    let total = sizes.cpu_total;
    // One run first, not counted: the baseline's first trial would otherwise pay for
    // faulting in the interpreter's pages, and every speedup would look better than it is.
    let _ = gil::run_alone(&gil::plus_one(), total);
    let mut configs = vec![Cpu::Alone];
    configs.extend(sizes.cpu_workers.iter().map(|&n| Cpu::Threads(n)));
    configs.extend(sizes.cpu_workers.iter().map(|&n| Cpu::Processes(n)));
    // Trials run in rounds — every configuration once per round — and each speedup
    // divides by the baseline of its own round. A shared machine's load drifts over
    // the minute a run takes; paired this way, the drift slows both sides of a ratio
    // instead of only the configurations measured while it lasted.
    let mut secs = vec![Vec::new(); configs.len()];
    let mut speed = vec![Vec::new(); configs.len()];
    let mut work = vec![Vec::new(); configs.len()];
    for _ in 0..trials {
        let mut base = f64::NAN;
        for (i, &config) in configs.iter().enumerate() {
            let (t, slowest, done) = match config {
                Cpu::Alone => {
                    let (t, count) = time(|| gil::run_alone(&gil::plus_one(), total));
                    check(count, total, "one thread alone")?;
                    base = t;
                    (t, None, total)
                }
                Cpu::Threads(n) => {
                    let each = total / n as u64;
                    let (t, count) = time(|| gil::cpu_threads(n, each));
                    check(count, each * n as u64, "threads under one GIL")?;
                    (t, None, each * n as u64)
                }
                Cpu::Processes(n) => {
                    let each = total / n as u64;
                    let jobs = vec![vec![gil::JOB_CPU, each]; n];
                    let (t, reports) = time(|| run_workers(worker, &jobs, Duration::from_secs(600)));
                    let reports = reports.map_err(|e| e.to_string())?;
                    let slowest = reports.iter().copied().max().unwrap_or(1).max(1) as f64 / 1e9;
                    (t, Some(slowest), each * n as u64)
                }
            };
            // A split that does not divide evenly does a little less work: scale for it.
            let scale = done as f64 / total as f64;
            secs[i].push(t);
            if !matches!(config, Cpu::Alone) {
                speed[i].push(base * scale / t);
            }
            if let Some(slowest) = slowest {
                work[i].push(base * scale / slowest);
            }
        }
    }
    let nonempty = |v: Vec<f64>| (!v.is_empty()).then(|| Range::of(v));
    let rows = configs
        .iter()
        .zip(secs.into_iter().zip(speed.into_iter().zip(work)))
        .map(|(config, (secs, (speed, work)))| Row {
            config: match config {
                Cpu::Alone => "1 thread alone".into(),
                Cpu::Threads(n) => format!("threads = {n}, one GIL"),
                Cpu::Processes(n) => format!("processes = {n}, a GIL each"),
            },
            seconds: Range::of(secs),
            speedup: nonempty(speed),
            work_speedup: nonempty(work),
        })
        .collect();
    Ok(rows)
}

fn io_rows(sizes: &Sizes, trials: usize) -> Result<Vec<Row>, String> {
    let io = Duration::from_millis(sizes.io_ms);
    let ideal = sizes.io_tasks as f64 * io.as_secs_f64();
    let mut rows = Vec::new();
    let mut points: Vec<(String, Box<dyn Fn() -> u64>)> = sizes
        .io_threads
        .iter()
        .map(|&n| {
            let tasks = sizes.io_tasks;
            let f: Box<dyn Fn() -> u64> = Box::new(move || gil::io_threads(n, tasks, io));
            (format!("threads = {n}, one GIL"), f)
        })
        .collect();
    let tasks = sizes.io_tasks;
    points.push(("async: one thread, a timer loop".into(), Box::new(move || async_sleeps(tasks as usize, io))));
    for (config, run) in points {
        let (mut secs, mut speed) = (Vec::new(), Vec::new());
        for _ in 0..trials {
            let (t, count) = time(&run);
            check(count, sizes.io_tasks, &config)?;
            secs.push(t);
            speed.push(ideal / t);
        }
        rows.push(Row { config, seconds: Range::of(secs), speedup: Some(Range::of(speed)), work_speedup: None });
    }
    Ok(rows)
}

fn pool_rows(sizes: &Sizes, worker: &WorkerCommand, trials: usize) -> Result<Vec<Row>, String> {
    let (k, m) = (sizes.pool_task, sizes.pool_tasks);
    let per_task = |t: f64, tasks: usize| t / tasks.max(1) as f64 * 1e6;
    let mut rows = Vec::new();
    let mut add = |config: &str, tasks: usize, run: &dyn Fn() -> Result<u64, String>| -> Result<(), String> {
        let mut micros = Vec::new();
        for _ in 0..trials {
            let (t, total) = time(run);
            check(total?, k * tasks as u64, config)?;
            micros.push(per_task(t, tasks));
        }
        rows.push(Row { config: config.to_string(), seconds: Range::of(micros), speedup: None, work_speedup: None });
        Ok(())
    };
    add("a fresh thread per task", m, &|| Ok((0..m).map(|_| gil::cpu_threads(1, k)).sum()))?;
    add("a pool of 4 threads, started once", m, &|| Ok(thread_pool(4, m, k)))?;
    // Processes cost milliseconds each: a quarter as many tasks keeps the bench short.
    let few = (m / 4).max(1);
    add("a fresh worker process per task", few, &|| {
        let mut sum = 0;
        for _ in 0..few {
            sum += run_workers(worker, &[vec![k]], Duration::from_secs(60)).map_err(|e| e.to_string())?[0];
        }
        Ok(sum)
    })?;
    add("a pool of 4 worker processes, started once", m, &|| process_pool(worker, 4, m, k))?;
    Ok(rows)
}

/// `tasks` tasks of `count += 1` × `k`, spread over `threads` Python threads
/// that are started once and share one GIL (a `ThreadPoolExecutor`).
fn thread_pool(threads: usize, tasks: usize, k: u64) -> u64 {
    let (per, extra) = (tasks / threads, tasks % threads);
    // The pool's threads are started once; each runs its share of the tasks back to back.
    let shares: Vec<u64> = (0..threads).map(|i| (per + usize::from(i < extra)) as u64 * k).collect();
    gil::cpu_threads_each(&shares)
}

/// `tasks` tasks sent over pipes to `workers` worker processes started once
/// (a `ProcessPoolExecutor`); returns the sum of their reports.
fn process_pool(worker: &WorkerCommand, workers: usize, tasks: usize, k: u64) -> Result<u64, String> {
    use std::io::{BufRead, BufReader, Write};
    let mut children = Vec::new();
    for _ in 0..workers {
        let mut command = worker.command_for(&[gil::JOB_SERVE, 0]);
        command.stdin(std::process::Stdio::piped());
        let mut child = command.spawn().map_err(|e| format!("cannot start a pool worker: {e}"))?;
        let stdin = child.stdin.take().ok_or("a pool worker without stdin")?;
        let stdout = BufReader::new(child.stdout.take().ok_or("a pool worker without stdout")?);
        children.push((child, Some(stdin), stdout));
    }
    let mut sum = 0;
    let mut sent = 0;
    while sent < tasks {
        // One task to each worker, then one report from each: the pool at work.
        let round = workers.min(tasks - sent);
        for (_, stdin, _) in children.iter_mut().take(round) {
            let pipe = stdin.as_mut().ok_or("closed")?;
            writeln!(pipe, "{k}").and_then(|()| pipe.flush()).map_err(|e| format!("a pool worker stopped: {e}"))?;
        }
        for (_, _, stdout) in children.iter_mut().take(round) {
            let mut line = String::new();
            stdout.read_line(&mut line).map_err(|e| format!("a pool worker stopped: {e}"))?;
            let report = line.trim().strip_prefix("report ").and_then(|n| n.parse::<u64>().ok());
            sum += report.ok_or_else(|| format!("a pool worker said {line:?}"))?;
        }
        sent += round;
    }
    for (mut child, stdin, _) in children {
        drop(stdin);
        let _ = child.wait();
    }
    Ok(sum)
}

// ---------------------------------------------------------------------------
// An async loop: every task on one thread, a timer wakes them
// ---------------------------------------------------------------------------

/// Runs `tasks` tasks, each awaiting a sleep of `d`, on ONE thread (what
/// `asyncio.gather` does); returns how many finished.
///
/// A tiny executor: a queue of woken tasks and a list of timers; when no
/// task can run, the thread sleeps until the earliest timer is due. No
/// crate is needed for this much, and the course's build stays as it is.
pub fn async_sleeps(tasks: usize, d: Duration) -> u64 {
    use std::future::Future;
    use std::pin::Pin;
    use std::sync::{Arc, Mutex};
    use std::task::{Context, Poll, Wake, Waker};

    type Timers = Arc<Mutex<Vec<(Instant, Waker)>>>;
    struct Sleep {
        due: Instant,
        timers: Timers,
    }
    impl Future for Sleep {
        type Output = ();
        fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
            if Instant::now() >= self.due {
                return Poll::Ready(());
            }
            self.timers.lock().unwrap_or_else(|p| p.into_inner()).push((self.due, cx.waker().clone()));
            Poll::Pending
        }
    }
    struct Wakeup {
        task: usize,
        ready: Arc<Mutex<Vec<usize>>>,
    }
    impl Wake for Wakeup {
        fn wake(self: Arc<Self>) {
            self.ready.lock().unwrap_or_else(|p| p.into_inner()).push(self.task);
        }
    }

    let timers: Timers = Arc::default();
    let ready: Arc<Mutex<Vec<usize>>> = Arc::new(Mutex::new((0..tasks).collect()));
    let mut futures: Vec<Option<Pin<Box<dyn Future<Output = ()>>>>> = (0..tasks)
        .map(|_| {
            let sleep = Sleep { due: Instant::now() + d, timers: Arc::clone(&timers) };
            Some(Box::pin(sleep) as Pin<Box<dyn Future<Output = ()>>>)
        })
        .collect();
    let mut done = 0;
    while done < tasks {
        let woken = std::mem::take(&mut *ready.lock().unwrap_or_else(|p| p.into_inner()));
        for task in woken {
            let Some(future) = futures[task].as_mut() else { continue };
            let waker = Waker::from(Arc::new(Wakeup { task, ready: Arc::clone(&ready) }));
            if future.as_mut().poll(&mut Context::from_waker(&waker)).is_ready() {
                futures[task] = None;
                done += 1;
            }
        }
        if done == tasks || !ready.lock().unwrap_or_else(|p| p.into_inner()).is_empty() {
            continue;
        }
        // Nothing can run: sleep until the earliest timer, then wake every timer that is due.
        let mut due = timers.lock().unwrap_or_else(|p| p.into_inner());
        let Some(next) = due.iter().map(|(at, _)| *at).min() else { break };
        drop(due);
        std::thread::sleep(next.saturating_duration_since(Instant::now()));
        due = timers.lock().unwrap_or_else(|p| p.into_inner());
        let now = Instant::now();
        let (fired, waiting): (Vec<_>, Vec<_>) = due.drain(..).partition(|(at, _)| *at <= now);
        *due = waiting;
        drop(due);
        fired.into_iter().for_each(|(_, waker)| waker.wake());
    }
    done as u64
}

// ---------------------------------------------------------------------------
// CPython
// ---------------------------------------------------------------------------

/// The recorded CPython figures (2-core and 16-core machines), shown when
/// `python3` is not on the PATH.
pub const RECORDED: &str = include_str!("../../labs/07_gil/cpython-figures.md");

/// The same workloads in Python, small sizes; prints one JSON object.
const SCRIPT: &str = r#"
import asyncio, json, multiprocessing as mp, statistics, sys, threading, time
from concurrent.futures import ThreadPoolExecutor, ProcessPoolExecutor
def noop():
    pass
def squares(n):
    s = 0
    for i in range(n):
        s += i * i
    return s
def timed(f, trials=3):
    ts = []
    for _ in range(trials):
        t0 = time.perf_counter(); f(); ts.append(time.perf_counter() - t0)
    return statistics.median(ts), min(ts), max(ts)
def main():
    out = {}
    N = 2_000_000
    base = timed(lambda: squares(N))[0]
    cpu = {}
    for k in (1, 2, 4):
        cpu["threads = %d" % k] = base / timed(lambda: list(ThreadPoolExecutor(k).map(squares, [N // k] * k)))[0]
    ctx = mp.get_context("fork")
    for k in (2, 4):
        def procs():
            with ProcessPoolExecutor(k, mp_context=ctx) as ex:
                list(ex.map(squares, [N // k] * k))
        cpu["processes (fork) = %d" % k] = base / timed(procs)[0]
    out["cpu"] = cpu
    TASKS, SLEEP = 100, 0.05
    RUNS = 10  # the lost-update demo: whether a run loses any is chance
    ideal = TASKS * SLEEP
    io = {}
    for k in (10, 50, 100, 200):
        def pool():
            with ThreadPoolExecutor(k) as ex:
                list(ex.map(lambda _: time.sleep(SLEEP), range(TASKS)))
        io["threads = %d" % k] = ideal / timed(pool)[0]
    async def gather():
        await asyncio.gather(*(asyncio.sleep(SLEEP) for _ in range(TASKS)))
    io["asyncio.gather"] = ideal / timed(lambda: asyncio.run(gather()))[0]
    out["io"] = io
    def thread_once():
        t = threading.Thread(target=noop); t.start(); t.join()
    def fork_once():
        p = ctx.Process(target=noop); p.start(); p.join()
    def tpe():
        with ThreadPoolExecutor(4) as ex:
            ex.submit(noop).result()
    def ppe():
        with ProcessPoolExecutor(4, mp_context=ctx) as ex:
            ex.submit(noop).result()
    out["startup_ms"] = {name: timed(f, 5)[0] * 1e3 for name, f in [
        ("threading.Thread start+join", thread_once), ("mp.Process fork start+join", fork_once),
        ("ThreadPoolExecutor(4) + 1 no-op", tpe), ("ProcessPoolExecutor(4) fork + 1 no-op", ppe)]}
    counter = 0
    def one():
        return 1
    def plain(n):
        nonlocal counter
        for _ in range(n):
            counter += 1
    def call(n):
        nonlocal counter
        for _ in range(n):
            counter += one()
    lost = {}
    for name, f in (("counter += 1", plain), ("counter += one()", call)):
        runs = []
        for _ in range(RUNS):
            counter = 0
            ts = [threading.Thread(target=f, args=(200_000,)) for _ in range(4)]
            [t.start() for t in ts]; [t.join() for t in ts]
            runs.append(800_000 - counter)
        runs.sort()
        lost[name] = "%d of %d runs lost some: %d to %d lost (median %d)" % (
            sum(1 for r in runs if r), RUNS, runs[0], runs[-1], runs[RUNS // 2])
    out["lost_of_800000"] = lost
    print(json.dumps(out))
main()
"#;

/// Runs `SCRIPT` with `python3`, or says why not.
pub fn cpython() -> CPython {
    let version = std::process::Command::new("python3").arg("--version").output();
    let Ok(version) = version.map(|o| String::from_utf8_lossy(&o.stdout).trim().to_string()) else {
        return CPython { version: None, live: None, not_live: Some("python3 is not on the PATH".into()) };
    };
    let ran = std::process::Command::new("python3").args(["-c", SCRIPT]).output();
    match ran {
        Ok(out) if out.status.success() => match serde_json::from_slice(&out.stdout) {
            Ok(live) => CPython { version: Some(version), live: Some(live), not_live: None },
            Err(e) => {
                CPython { version: Some(version), live: None, not_live: Some(format!("python3 printed no JSON: {e}")) }
            }
        },
        Ok(out) => CPython {
            version: Some(version),
            live: None,
            not_live: Some(format!(
                "python3 failed: {}",
                String::from_utf8_lossy(&out.stderr).lines().last().unwrap_or("")
            )),
        },
        Err(e) => CPython { version: None, live: None, not_live: Some(format!("cannot run python3: {e}")) },
    }
}

impl GilBench {
    /// The tables as a learner reads them.
    pub fn render(&self) -> String {
        let mut out = String::new();
        let s = &self.sizes;
        let _ = writeln!(
            out,
            "lab 07 · the GIL model, real threads and processes · {} trials per point · {} cores here",
            s.trials, self.cores
        );
        let _ = writeln!(
            out,
            "\nCPU-bound: `count += 1` × {} in all, split equally (speedup vs 1 thread alone in the same round; median (min–max))",
            s.cpu_total
        );
        let _ = writeln!(
            out,
            "  {:<30} {:>22} {:>22} {:>22}",
            "config", "seconds", "speedup end to end", "speedup, work only"
        );
        for r in &self.cpu {
            let sp = r.speedup.map_or("—".into(), |x| x.show(2));
            let w = r.work_speedup.map_or("—".into(), |x| x.show(2));
            let _ = writeln!(out, "  {:<30} {:>22} {:>22} {:>22}", r.config, r.seconds.show(3), sp, w);
        }
        let _ = writeln!(
            out,
            "\nIO-bound: {} tasks, each a blocking read of {} ms, the GIL released while it blocks (speedup vs {:.1} s one after another)",
            s.io_tasks,
            s.io_ms,
            s.io_tasks as f64 * s.io_ms as f64 / 1e3
        );
        let _ = writeln!(out, "  {:<34} {:>22} {:>22}", "config", "seconds", "speedup");
        for r in &self.io {
            let sp = r.speedup.map_or("—".into(), |x| x.show(1));
            let _ = writeln!(out, "  {:<34} {:>22} {:>22}", r.config, r.seconds.show(3), sp);
        }
        let _ = writeln!(out, "\nPools: small tasks (`count += 1` × {}), microseconds per task", s.pool_task);
        for r in &self.pools {
            let _ = writeln!(out, "  {:<44} {:>24}", r.config, r.seconds.show(1));
        }
        out.push_str(&self.render_cpython());
        out
    }

    fn render_cpython(&self) -> String {
        let mut out = String::new();
        let c = &self.cpython;
        match (&c.live, &c.version) {
            (Some(live), version) => {
                let _ = writeln!(
                    out,
                    "\nCPython, the same questions, run live now ({}; smaller sizes: sum of squares of 2 000 000 split \
                     in k tasks, 100 sleeps of 50 ms, medians of 3):",
                    version.as_deref().unwrap_or("python3")
                );
                for (section, title) in [
                    ("cpu", "CPU-bound speedup, end to end"),
                    ("io", "IO-bound speedup"),
                    ("startup_ms", "start-up, ms"),
                    (
                        "lost_of_800000",
                        "updates lost of 800 000 (4 threads × 200 000), 10 runs each: which runs lose is chance",
                    ),
                ] {
                    let _ = writeln!(out, "  {title}:");
                    if let Some(map) = live.get(section).and_then(|v| v.as_object()) {
                        // JSON objects come back sorted as text ("10", "100", "200", "50"): order by
                        // the count in the name, then the name.
                        let count =
                            |k: &str| k.split(|c: char| !c.is_ascii_digit()).find_map(|d| d.parse::<u64>().ok());
                        let mut rows: Vec<(&String, &serde_json::Value)> = map.iter().collect();
                        rows.sort_by_key(|(k, _)| {
                            (k.split(" = ").next().unwrap_or("").to_string(), count(k), k.to_string())
                        });
                        for (k, v) in rows {
                            let v = match (v.as_f64(), v.as_str()) {
                                (Some(x), _) if x.fract() == 0.0 => format!("{x:.0}"),
                                (Some(x), _) => format!("{x:.2}"),
                                (None, Some(text)) => text.to_string(),
                                (None, None) => "—".into(),
                            };
                            let _ = writeln!(out, "    {k:<42} {v:>10}");
                        }
                    }
                }
            }
            (None, _) => {
                let _ = writeln!(
                    out,
                    "\nCPython was not run ({}); its figures as recorded for the course (labs/07_gil/cpython-figures.md):\n",
                    c.not_live.as_deref().unwrap_or("no python3")
                );
                out.push_str(RECORDED);
            }
        }
        out
    }
}
