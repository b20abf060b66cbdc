//! `racelab bench 8`: how many workers, and how deep a prefetch — measured.
//!
//! Two kinds of job, said as such: **CPU-bound** (a loop sized to take about
//! 10 ms on one free core here, calibrated at the start) and **IO-bound** (a
//! 10 ms *sleep*: it stands in for a blocking read, and waits on no device).
//!
//! * **pools**: the same jobs on racelab's thread pool (the lab's `Pool` with the
//!   reference `work` and `shutdown`) and its process pool (`serve` over
//!   `racelab worker 8` processes), at 1, 2, cores and 2 × cores workers (and one
//!   per job for IO-bound work), timed end to end — start, jobs, shutdown. CPU-bound
//!   trials run in rounds, each paired with a sequential run of the same jobs:
//!   a shared machine drifts by 2× within a minute;
//! * **start-up**: a pool started, one job run, the pool shut down;
//! * **the pipeline**: loader processes, the reference consumer, 18 batches an
//!   epoch (each load 12 ms, three times that for every sixth batch; training a
//!   batch is a 4 ms sleep, a GPU step the CPU waits for), at each number of
//!   workers and prefetch depth 1, 2, 4, 8, on loaders started once (epochs
//!   after the first are what is timed, as in CPython's script);
//! * **CPython**: `labs/08_pools/pools.py` run live with `python3` — the same
//!   jobs, sizes and pipeline with `ThreadPoolExecutor`, `ProcessPoolExecutor`
//!   and `multiprocessing.Pool` — when it is on the PATH.
//!
//! `--plot FILE.svg` draws throughput against workers, one panel per part and kind
//! of work, racelab's and CPython's side by side.

use super::os::{self, Cost};
use super::real::{self as lab, Done, Job, Pool};
use crate::bench::median;
use crate::runner::process::WorkerCommand;
use crate::sync::real::atomic::{AtomicBool, AtomicU64};
use crate::sync::real::channel::{Receiver, Sender};
use serde::Serialize;
use std::fmt::Write as _;
use std::time::{Duration, Instant};

/// What `bench 8` runs.
#[derive(Clone, Debug, Serialize)]
pub struct Sizes {
    /// Worker counts (1, 2, cores, 2 × cores by default).
    pub workers: Vec<usize>,
    /// CPU-bound jobs per trial.
    pub cpu_jobs: usize,
    /// IO-bound jobs per trial (one worker per job is measured too).
    pub io_jobs: usize,
    /// How long a job takes alone: CPU-bound on one free core, or the sleep.
    pub job_ms: u64,
    /// Trials per point (epochs per pipeline point: at least 2, at most 3).
    pub trials: usize,
    /// Batches per epoch.
    pub batches: u64,
    /// A batch's load (three times that for every sixth batch).
    pub load_ms: u64,
    /// Training on a batch: a sleep.
    pub train_ms: u64,
    /// Prefetch depths.
    pub depths: Vec<u64>,
}

impl Sizes {
    fn new(cores: usize, trials: usize) -> Sizes {
        let mut workers = vec![1, 2, cores, 2 * cores];
        workers.sort_unstable();
        workers.dedup();
        Sizes {
            workers,
            cpu_jobs: 8,
            io_jobs: 16,
            job_ms: 10,
            trials,
            batches: 18,
            load_ms: 12,
            train_ms: 4,
            depths: vec![1, 2, 4, 8],
        }
    }
}

/// A measured figure: median and min–max over the trials.
#[derive(Clone, Copy, Debug, Serialize)]
pub struct Spread {
    /// The median trial.
    pub median: f64,
    /// The smallest.
    pub min: f64,
    /// The largest.
    pub max: f64,
}

impl Spread {
    fn of(mut values: Vec<f64>) -> Spread {
        let mid = median(&mut values);
        Spread {
            median: mid,
            min: values.first().copied().unwrap_or(f64::NAN),
            max: values.last().copied().unwrap_or(f64::NAN),
        }
    }

    fn show(&self, decimals: usize) -> String {
        format!("{:.decimals$} ({:.decimals$}–{:.decimals$})", self.median, self.min, self.max)
    }
}

/// Figures per kind of work (`cpu`, `io`).
pub type PerWork = Vec<(&'static str, Spread)>;

/// One executor at one worker count.
#[derive(Clone, Debug, Serialize)]
pub struct PoolRow {
    /// `cpu` or `io`.
    pub work: &'static str,
    /// `threads` or `processes`.
    pub executor: &'static str,
    /// Workers.
    pub workers: usize,
    /// Jobs per second, end to end.
    pub jobs_per_s: Spread,
    /// Against the same jobs one after another (CPU-bound: the sequential run of the same round).
    pub speedup: Spread,
}

/// One pipeline point.
#[derive(Clone, Debug, Serialize)]
pub struct PipeRow {
    /// `cpu` or `io`.
    pub work: &'static str,
    /// Loader processes.
    pub workers: usize,
    /// Prefetch depth.
    pub depth: u64,
    /// Batches per second, per epoch.
    pub batches_per_s: Spread,
    /// Starting the loaders, ms.
    pub start_ms: f64,
}

/// Everything `bench 8` measured.
#[derive(Clone, Debug, Serialize)]
pub struct PoolsBench {
    /// Sizes.
    pub sizes: Sizes,
    /// Cores here.
    pub cores: usize,
    /// The 1-minute load average before and after (other programs' share of the cores).
    pub load_average: (f64, f64),
    /// CPU-bound loop iterations for one job.
    pub cpu_iterations: u64,
    /// Sequential jobs per second: `cpu`, `io`.
    pub sequential: Vec<(&'static str, Spread)>,
    /// The pools.
    pub pools: Vec<PoolRow>,
    /// Start, one job, shut down: (what, ms).
    pub startup: Vec<(String, Spread)>,
    /// Sequential batches per second (load, then train, in the loop): `cpu`, `io`.
    pub pipeline_sequential: Vec<(&'static str, Spread)>,
    /// The pipeline.
    pub pipeline: Vec<PipeRow>,
    /// CPython's side.
    pub cpython: CPython,
}

/// CPython's side: `pools.py --json`, run live.
#[derive(Clone, Debug, Serialize)]
pub struct CPython {
    /// `python3 --version`.
    pub version: Option<String>,
    /// The script's JSON, when it ran.
    pub live: Option<serde_json::Value>,
    /// Why it did not run.
    pub not_live: Option<String>,
}

/// The script CPython runs (`python3 labs/08_pools/pools.py` runs it by hand).
pub const SCRIPT: &str = include_str!("pools.py");

fn load_average() -> f64 {
    std::fs::read_to_string("/proc/loadavg")
        .ok()
        .and_then(|s| s.split_whitespace().next().and_then(|l| l.parse().ok()))
        .unwrap_or(f64::NAN)
}

/// A worker of the bench's thread pool, CPU-bound: each job's input is its loop's length.
fn cpu_work(jobs: &Receiver<Job>, results: &Sender<Done>, _stop: &AtomicBool) {
    for job in jobs.iter() {
        std::hint::black_box(os::spin(job.input()));
        let _ = results.send(Done { ticket: job.ticket, output: job.ticket });
    }
}

/// A worker of the bench's thread pool, IO-bound: each job's input is its sleep, in microseconds.
fn io_work(jobs: &Receiver<Job>, results: &Sender<Done>, _stop: &AtomicBool) {
    for job in jobs.iter() {
        std::thread::sleep(Duration::from_micros(job.input()));
        let _ = results.send(Done { ticket: job.ticket, output: job.ticket });
    }
}

/// `jobs` jobs of `cost` on a thread pool of `workers`: seconds, start to shutdown.
fn thread_pool(workers: usize, jobs: usize, cost: Cost) -> Result<f64, String> {
    let (work, amount): (lab::Work, u64) = match cost {
        Cost::Cpu(n) => (cpu_work, n),
        Cost::Io(us) => (io_work, us),
        Cost::Free => (cpu_work, 0),
    };
    let started = Instant::now();
    let mut pool = Pool::new(0);
    let exited = crate::sync::real::Arc::new(AtomicU64::new(0));
    pool.start(workers, work, &exited);
    for _ in 0..jobs {
        pool.submit(amount);
    }
    let outputs = lab::solution::shutdown(pool);
    let seconds = started.elapsed().as_secs_f64();
    if outputs != (0..jobs as u64).collect::<Vec<_>>() {
        return Err(format!("the thread pool returned {} outputs out of order or missing", outputs.len()));
    }
    Ok(seconds)
}

/// `jobs` jobs of `cost` on a process pool of `workers`: seconds, start to shutdown.
fn process_pool(command: &WorkerCommand, workers: usize, jobs: usize, cost: Cost) -> Result<f64, String> {
    let inputs: Vec<u64> = (0..jobs as u64).collect();
    let started = Instant::now();
    let (results, _) = os::process_pool(command, workers, 0, &inputs, lab::OnCrash::RetryOnce, cost);
    let seconds = started.elapsed().as_secs_f64();
    if let Some(Err(why)) = results.iter().find(|r| r.is_err()) {
        return Err(format!("the process pool failed a job: {why}"));
    }
    Ok(seconds)
}

/// The same jobs one after another on this thread: seconds.
fn sequential(jobs: usize, cost: Cost) -> f64 {
    let started = Instant::now();
    for _ in 0..jobs {
        cost.pay(1);
    }
    started.elapsed().as_secs_f64()
}

/// The pools, CPU- and IO-bound, in rounds.
fn pools(sizes: &Sizes, command: &WorkerCommand, iterations: u64) -> Result<(Vec<PoolRow>, PerWork), String> {
    let mut rows = Vec::new();
    let mut sequentials = Vec::new();
    for (work, cost, jobs) in [
        ("cpu", Cost::Cpu(iterations), sizes.cpu_jobs),
        ("io", Cost::Io(sizes.job_ms * 1_000), sizes.io_jobs),
    ] {
        let mut counts = sizes.workers.clone();
        if work == "io" && !counts.contains(&jobs) {
            counts.push(jobs);
        }
        let configs: Vec<(&'static str, usize)> =
            ["threads", "processes"].iter().flat_map(|&e| counts.iter().map(move |&k| (e, k))).collect();
        let mut times = vec![Vec::new(); configs.len()];
        let mut speedups = vec![Vec::new(); configs.len()];
        let mut base_times = Vec::new();
        for _ in 0..sizes.trials.max(1) {
            for (i, &(executor, k)) in configs.iter().enumerate() {
                // Each configuration is paired with a sequential run of the same jobs just before it.
                let base = sequential(jobs, cost);
                base_times.push(base);
                let t = match executor {
                    "threads" => thread_pool(k, jobs, cost)?,
                    _ => process_pool(command, k, jobs, cost)?,
                };
                times[i].push(jobs as f64 / t);
                speedups[i].push(base / t);
            }
        }
        for (i, &(executor, workers)) in configs.iter().enumerate() {
            rows.push(PoolRow {
                work,
                executor,
                workers,
                jobs_per_s: Spread::of(std::mem::take(&mut times[i])),
                speedup: Spread::of(std::mem::take(&mut speedups[i])),
            });
        }
        sequentials.push((work, Spread::of(base_times.iter().map(|t| jobs as f64 / t).collect())));
    }
    Ok((rows, sequentials))
}

/// Start, one job, shut down — thread and process pools.
fn startup(sizes: &Sizes, command: &WorkerCommand) -> Result<Vec<(String, Spread)>, String> {
    let mut rows = Vec::new();
    let mut counts = vec![1, *sizes.workers.last().unwrap_or(&2)];
    counts.dedup();
    for k in counts {
        let mut threads = Vec::new();
        let mut processes = Vec::new();
        for _ in 0..sizes.trials.max(1) {
            threads.push(thread_pool(k, 1, Cost::Free)? * 1e3);
            processes.push(process_pool(command, k, 1, Cost::Free)? * 1e3);
        }
        rows.push((format!("thread pool of {k}"), Spread::of(threads)));
        rows.push((format!("process pool of {k}"), Spread::of(processes)));
    }
    Ok(rows)
}

/// The pipeline: loader processes started once per point, epochs timed.
fn pipeline(
    sizes: &Sizes,
    command: &WorkerCommand,
    load_iterations: u64,
) -> Result<(Vec<PipeRow>, PerWork), String> {
    let epochs = sizes.trials.clamp(2, 3);
    let train = Duration::from_millis(sizes.train_ms);
    let mut rows = Vec::new();
    let mut sequentials = Vec::new();
    for (work, cost) in [("cpu", Cost::Cpu(load_iterations)), ("io", Cost::Io(sizes.load_ms * 1_000))] {
        let mut alone = Vec::new();
        for _ in 0..epochs {
            let started = Instant::now();
            for i in 0..sizes.batches {
                cost.pay(if i % 6 == 5 { 3 } else { 1 });
                std::thread::sleep(train);
            }
            alone.push(sizes.batches as f64 / started.elapsed().as_secs_f64());
        }
        sequentials.push((work, Spread::of(alone)));
        for &workers in &sizes.workers {
            for &depth in &sizes.depths {
                let started = Instant::now();
                let mut loader = os::ProcessLoader::start(command, workers, cost)?;
                let start_ms = started.elapsed().as_secs_f64() * 1e3;
                let mut rates = Vec::new();
                for epoch in 0..epochs as u64 {
                    let first = epoch * sizes.batches;
                    let mut trained = Vec::new();
                    let began = Instant::now();
                    lab::solution::consume_in_order(&mut loader, first, sizes.batches, depth, &mut |index, _| {
                        trained.push(index);
                        std::thread::sleep(train);
                        true
                    });
                    rates.push(sizes.batches as f64 / began.elapsed().as_secs_f64());
                    if trained != (first..first + sizes.batches).collect::<Vec<_>>() {
                        return Err(format!("the pipeline trained {trained:?}"));
                    }
                }
                loader.shutdown();
                rows.push(PipeRow { work, workers, depth, batches_per_s: Spread::of(rates), start_ms });
            }
        }
    }
    Ok((rows, sequentials))
}

/// Runs `pools.py --json` with `python3`, or says why not.
pub fn cpython(trials: usize) -> CPython {
    let version = std::process::Command::new("python3").arg("--version").output();
    let Ok(version) = version.map(|o| String::from_utf8_lossy(&o.stdout).trim().to_string()) else {
        return CPython { version: None, live: None, not_live: Some("python3 is not on the PATH".into()) };
    };
    let ran = std::process::Command::new("python3")
        .args(["-c", SCRIPT, "--json", "--trials", &trials.to_string()])
        .output();
    match ran {
        Ok(out) if out.status.success() => match serde_json::from_slice(&out.stdout) {
            Ok(live) => CPython { version: Some(version), live: Some(live), not_live: None },
            Err(e) => CPython { version: Some(version), live: None, not_live: Some(format!("no JSON from pools.py: {e}")) },
        },
        Ok(out) => CPython {
            version: Some(version),
            live: None,
            not_live: Some(format!("pools.py failed: {}", String::from_utf8_lossy(&out.stderr).lines().last().unwrap_or(""))),
        },
        Err(e) => CPython { version: None, live: None, not_live: Some(format!("cannot run python3: {e}")) },
    }
}

/// `racelab bench 8`: checks the request, measures, renders (and draws, with `--plot`).
pub fn serve(request: &crate::lab::BenchRequest<'_>) -> Result<String, String> {
    if request.yours {
        return Err("bench 8 measures pools and the pipeline; your answers run on real threads with `cargo run -- run 8 \
                    --variant shutdown --yours` (or claim, in_order)"
            .to_string());
    }
    if request.baseline || request.iters.is_some() {
        return Err("bench 8 takes --threads (worker counts), --trials, --plot and --json; no --baseline or --iters".into());
    }
    if let Some(&bad) = request.threads.iter().find(|&&n| n == 0 || n > 64) {
        return Err(format!("--threads must be worker counts between 1 and 64 (got {bad})"));
    }
    let cores = crate::bench::cores();
    let mut sizes = Sizes::new(cores, request.trials.clamp(1, 20));
    if !request.threads.is_empty() {
        sizes.workers = request.threads.clone();
    }
    let command = WorkerCommand::new(request.exe.clone(), ["worker", "8"]);
    let bench = run(&sizes, &command, request.progress)?;
    if let Some(path) = &request.plot_to {
        bench.plot(path)?;
    }
    let mut text = if request.json {
        serde_json::to_string_pretty(&bench).map(|t| format!("{t}\n")).map_err(|e| e.to_string())?
    } else {
        bench.render()
    };
    if let (Some(path), false) = (&request.plot_to, request.json) {
        let _ = writeln!(text, "Plot written to {}.", path.display());
    }
    Ok(text)
}

/// Runs every part of `bench 8`.
pub fn run(sizes: &Sizes, command: &WorkerCommand, progress: &dyn Fn(&str)) -> Result<PoolsBench, String> {
    let before = load_average();
    let iterations = os::calibrate(sizes.job_ms as f64);
    let load_iterations = os::calibrate(sizes.load_ms as f64);
    progress("pools: CPU-bound and IO-bound jobs");
    let (pools, sequential) = pools(sizes, command, iterations)?;
    progress("start-up");
    let startup = startup(sizes, command)?;
    progress("the pipeline");
    let (pipeline, pipeline_sequential) = pipeline(sizes, command, load_iterations)?;
    progress("CPython (pools.py)");
    let cpython = cpython(sizes.trials);
    Ok(PoolsBench {
        sizes: sizes.clone(),
        cores: crate::bench::cores(),
        load_average: (before, load_average()),
        cpu_iterations: iterations,
        sequential,
        pools,
        startup,
        pipeline_sequential,
        pipeline,
        cpython,
    })
}

/// A figure from CPython's JSON: `{"median": …, "min": …, "max": …}`.
fn spread_of(value: &serde_json::Value) -> Option<Spread> {
    Some(Spread {
        median: value.get("median")?.as_f64()?,
        min: value.get("min")?.as_f64()?,
        max: value.get("max")?.as_f64()?,
    })
}

/// One plotted series: its name and (workers, figure) points.
type Series = (String, Vec<(usize, Spread)>);

impl PoolsBench {
    /// CPython's pool rows for `work` (`cpu`, `io`): one series per executor, end to end, jobs/s.
    fn cpython_pools(&self, work: &str) -> Vec<Series> {
        let Some(rows) = self.cpython.live.as_ref().and_then(|l| l.get(work)?.get("rows")?.as_array().cloned()) else {
            return Vec::new();
        };
        let mut series: Vec<Series> = Vec::new();
        for row in rows {
            let (Some(name), Some(k), Some(rate)) = (
                row.get("executor").and_then(|e| e.as_str()),
                row.get("workers").and_then(serde_json::Value::as_u64),
                row.get("e2e_jobs_per_s").and_then(spread_of),
            ) else {
                continue;
            };
            let name = format!("CPython {name}");
            match series.iter_mut().find(|(n, _)| *n == name) {
                Some((_, points)) => points.push((k as usize, rate)),
                None => series.push((name, vec![(k as usize, rate)])),
            }
        }
        series
    }

    /// CPython's pipeline rows for `work`: one series per depth.
    fn cpython_pipeline(&self, work: &str) -> Vec<Series> {
        let key = format!("pipeline_{work}");
        let Some(rows) = self.cpython.live.as_ref().and_then(|l| l.get(&key)?.get("rows")?.as_array().cloned()) else {
            return Vec::new();
        };
        let mut series: Vec<Series> = Vec::new();
        for row in rows {
            let (Some(k), Some(depth), Some(rate)) = (
                row.get("workers").and_then(serde_json::Value::as_u64),
                row.get("depth").and_then(serde_json::Value::as_u64),
                row.get("batches_per_s").and_then(spread_of),
            ) else {
                continue;
            };
            let name = format!("CPython, depth {depth}");
            match series.iter_mut().find(|(n, _)| *n == name) {
                Some((_, points)) => points.push((k as usize, rate)),
                None => series.push((name, vec![(k as usize, rate)])),
            }
        }
        series
    }

    fn racelab_pools(&self, work: &str) -> Vec<Series> {
        ["threads", "processes"]
            .iter()
            .map(|&executor| {
                let points =
                    self.pools.iter().filter(|r| r.work == work && r.executor == executor).map(|r| (r.workers, r.jobs_per_s));
                (format!("racelab {executor}"), points.collect())
            })
            .collect()
    }

    fn racelab_pipeline(&self, work: &str) -> Vec<Series> {
        self.sizes
            .depths
            .iter()
            .map(|&depth| {
                let points = self
                    .pipeline
                    .iter()
                    .filter(|r| r.work == work && r.depth == depth)
                    .map(|r| (r.workers, r.batches_per_s));
                (format!("racelab, depth {depth}"), points.collect())
            })
            .collect()
    }

    /// The tables as a learner reads them.
    pub fn render(&self) -> String {
        let s = &self.sizes;
        let mut out = String::new();
        let _ = writeln!(
            out,
            "lab 08 · pools and a prefetching pipeline · {} cores here · load average {:.1} before, {:.1} after · {} \
             trials per point (median (min–max))",
            self.cores, self.load_average.0, self.load_average.1, s.trials
        );
        let _ = writeln!(
            out,
            "jobs: CPU-bound = a loop of {} iterations (~{} ms on one free core); IO-bound = a sleep of {} ms (it waits \
             on no device)",
            self.cpu_iterations, s.job_ms, s.job_ms
        );
        for (work, jobs) in [("cpu", s.cpu_jobs), ("io", s.io_jobs)] {
            let seq = self.sequential.iter().find(|(w, _)| *w == work).map(|(_, x)| x.show(1)).unwrap_or_default();
            let title = if work == "cpu" { "CPU-bound" } else { "IO-bound" };
            let _ = writeln!(
                out,
                "\n{title}: {jobs} jobs, start + jobs + shutdown; one after another: {seq} jobs/s{}",
                if work == "cpu" { " (each trial paired with its own sequential run)" } else { "" }
            );
            let _ = writeln!(out, "  {:<10} {:>7}  {:>24}  {:>22}", "pool", "workers", "jobs/s", "speedup");
            for r in self.pools.iter().filter(|r| r.work == work) {
                let _ = writeln!(
                    out,
                    "  {:<10} {:>7}  {:>24}  {:>22}",
                    r.executor,
                    r.workers,
                    r.jobs_per_s.show(1),
                    r.speedup.show(2)
                );
            }
        }
        let _ = writeln!(out, "\nstart-up: start the pool, run one job that does nothing, shut down (ms)");
        for (what, ms) in &self.startup {
            let _ = writeln!(out, "  {what:<22} {:>24}", ms.show(2));
        }
        for work in ["cpu", "io"] {
            let seq =
                self.pipeline_sequential.iter().find(|(w, _)| *w == work).map(|(_, x)| x.show(1)).unwrap_or_default();
            let title = if work == "cpu" { "CPU-bound" } else { "IO-bound (a sleep)" };
            let _ = writeln!(
                out,
                "\npipeline, {title} loads: {} batches an epoch, load {} ms (×3 every 6th), train {} ms (a sleep); the \
                 loop alone (load, then train): {seq} batches/s",
                s.batches, s.load_ms, s.train_ms
            );
            let _ = writeln!(out, "  {:>7}  {:>5}  {:>24}  {:>9}", "workers", "depth", "batches/s", "start ms");
            for r in self.pipeline.iter().filter(|r| r.work == work) {
                let _ =
                    writeln!(out, "  {:>7}  {:>5}  {:>24}  {:>9.1}", r.workers, r.depth, r.batches_per_s.show(1), r.start_ms);
            }
        }
        match (&self.cpython.live, &self.cpython.version) {
            (Some(_), version) => {
                let _ = writeln!(
                    out,
                    "\nCPython, the same jobs and pipeline, run live ({}; `python3 labs/08_pools/pools.py` prints its own \
                     tables), jobs/s end to end:",
                    version.as_deref().unwrap_or("python3")
                );
                for work in ["cpu", "io"] {
                    for (name, points) in self.cpython_pools(work) {
                        let row: Vec<String> = points.iter().map(|(k, x)| format!("{k}: {:.0}", x.median)).collect();
                        let _ = writeln!(out, "  {work:<3} {name:<32} {}", row.join("  "));
                    }
                }
                for work in ["cpu", "io"] {
                    for (name, points) in self.cpython_pipeline(work) {
                        let row: Vec<String> = points.iter().map(|(k, x)| format!("{k}: {:.0}", x.median)).collect();
                        let _ = writeln!(out, "  {work:<3} pipeline {name:<23} {} batches/s", row.join("  "));
                    }
                }
            }
            (None, _) => {
                let why = self.cpython.not_live.as_deref().unwrap_or("no python3");
                let _ = writeln!(out, "\nCPython was not run ({why}); `python3 labs/08_pools/pools.py` measures its side.");
            }
        }
        out
    }

    /// Draws throughput against workers, four panels (pools and pipeline, CPU- and
    /// IO-bound), racelab's lines solid and CPython's dashed, as an SVG file at `path`.
    pub fn plot(&self, path: &std::path::Path) -> Result<(), String> {
        use plotters::prelude::*;
        let failed = |e: &dyn std::fmt::Display| format!("cannot draw {}: {e}", path.display());
        let root = SVGBackend::new(path, (1400, 1000)).into_drawing_area();
        root.fill(&WHITE).map_err(|e| failed(&e))?;
        let title = format!(
            "racelab bench 8 · throughput against workers, higher is better · {} cores · median, bars min–max",
            self.cores
        );
        let root = root.titled(&title, ("sans-serif", 24)).map_err(|e| failed(&e))?;
        let panels = root.split_evenly((2, 2));
        let parts: [(&str, &str, &str, Vec<Series>); 4] = [
            ("pools, CPU-bound jobs (a loop)", "jobs per second", "cpu", [self.racelab_pools("cpu"), self.cpython_pools("cpu")].concat()),
            ("pools, IO-bound jobs (a 10 ms sleep)", "jobs per second", "io", [self.racelab_pools("io"), self.cpython_pools("io")].concat()),
            ("pipeline, CPU-bound loads", "batches per second", "cpu", [self.racelab_pipeline("cpu"), self.cpython_pipeline("cpu")].concat()),
            ("pipeline, IO-bound loads (a sleep)", "batches per second", "io", [self.racelab_pipeline("io"), self.cpython_pipeline("io")].concat()),
        ];
        // Colour-blind-safe colours (Okabe–Ito), one per kind of pool or per depth, the same for
        // racelab (solid lines, round markers) and CPython (dashed lines, triangles).
        let colours = crate::bench::chart::COLOURS;
        let colour_of = |name: &str| {
            let key = [
                ("threads", 0),
                ("ThreadPool", 0),
                ("processes", 1),
                ("ProcessPool", 1),
                ("multiprocessing", 2),
                ("depth 1", 0),
                ("depth 2", 1),
                ("depth 4", 2),
                ("depth 8", 3),
            ];
            let i = key.iter().find(|(k, _)| name.contains(k)).map_or(4, |(_, i)| *i);
            colours[i]
        };
        for (panel, (caption, unit, _, series)) in panels.iter().zip(parts) {
            let points: Vec<(usize, Spread)> = series.iter().flat_map(|(_, p)| p.iter().copied()).collect();
            if points.is_empty() {
                continue;
            }
            let hi = points.iter().map(|(_, s)| s.max).fold(0.0, f64::max) * 1.35;
            let lo = points.iter().map(|(_, s)| s.min).fold(f64::INFINITY, f64::min).max(1e-3) / 1.5;
            let log2 = |n: usize| (n.max(1) as f64).log2();
            let ks: Vec<usize> = {
                let mut ks: Vec<usize> = points.iter().map(|(k, _)| *k).collect();
                ks.sort_unstable();
                ks.dedup();
                ks
            };
            let xmax = ks.iter().copied().map(log2).fold(0.0, f64::max) + 0.4;
            let mut chart = ChartBuilder::on(panel)
                .caption(format!("{caption} — higher is better"), ("sans-serif", 20))
                .margin(14)
                .x_label_area_size(50)
                .y_label_area_size(76)
                .build_cartesian_2d(-0.4..xmax, (lo..hi * 4.0).log_scale())
                .map_err(|e| failed(&e))?;
            let labelled = ks.clone();
            chart
                .configure_mesh()
                .disable_x_mesh()
                .light_line_style(WHITE)
                .bold_line_style(BLACK.mix(0.12))
                .x_desc("workers (log scale)")
                .y_desc(format!("{unit} (log scale)"))
                .axis_desc_style(("sans-serif", 16))
                .label_style(("sans-serif", 15))
                .x_labels(64)
                .x_label_formatter(&|x| {
                    labelled.iter().find(|&&k| (log2(k) - x).abs() < 0.04).map_or(String::new(), |k| k.to_string())
                })
                .y_label_formatter(&|y| if *y >= 10.0 { format!("{y:.0}") } else { format!("{y:.1}") })
                .draw()
                .map_err(|e| failed(&e))?;
            for (name, pts) in &series {
                let colour = colour_of(name);
                let style = colour.stroke_width(3);
                let line: Vec<(f64, f64)> = pts.iter().map(|(k, s)| (log2(*k), s.median)).collect();
                let cpython = name.starts_with("CPython");
                let drawn = if cpython {
                    chart.draw_series(DashedLineSeries::new(line.clone(), 10, 6, style))
                } else {
                    chart.draw_series(LineSeries::new(line.clone(), style))
                };
                drawn.map_err(|e| failed(&e))?.label(name.clone()).legend(move |(x, y)| {
                    let line = colour.stroke_width(3);
                    // CPython's legend line is dashed, as its series are.
                    let [a, b, c] = if cpython { [(0, 8), (13, 21), (26, 34)] } else { [(0, 34); 3] };
                    let path = |(from, to): (i32, i32)| PathElement::new(vec![(from, 0), (to, 0)], line);
                    // Both markers, the other one transparent: one element type for both kinds.
                    let (filled, hidden) = (colour.filled(), colour.mix(0.0).filled());
                    let (triangle, circle) = if cpython { (filled, hidden) } else { (hidden, filled) };
                    EmptyElement::at((x, y))
                        + path(a)
                        + path(b)
                        + path(c)
                        + TriangleMarker::new((17, 0), 7, triangle)
                        + Circle::new((17, 0), 5, circle)
                });
                chart
                    .draw_series(pts.iter().map(|(k, s)| {
                        ErrorBar::new_vertical(log2(*k), s.min, s.median, s.max, colour.stroke_width(2), 10)
                    }))
                    .map_err(|e| failed(&e))?;
                let filled = colour.filled();
                if cpython {
                    chart.draw_series(line.iter().map(|&p| TriangleMarker::new(p, 8, filled)))
                } else {
                    chart.draw_series(line.iter().map(|&p| Circle::new(p, 6, filled)))
                }
                .map_err(|e| failed(&e))?;
            }
            chart
                .configure_series_labels()
                .position(SeriesLabelPosition::UpperLeft)
                .label_font(("sans-serif", 15))
                .legend_area_size(44)
                .background_style(WHITE.mix(0.92))
                .border_style(BLACK)
                .draw()
                .map_err(|e| failed(&e))?;
        }
        root.present().map_err(|e| failed(&e))?;
        Ok(())
    }
}
