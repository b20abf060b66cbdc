//! `racelab bench 9`: what a blocking call costs the other tasks, and 1 000 waits
//! as tasks, as OS threads and on a pool of 8 threads — beside CPython.
//!
//! * **stall**: on tokio's current-thread runtime a ticker task wakes every 5 ms
//!   for 300 ms; at 60 ms another task makes a 100 ms blocking call (a
//!   `std::thread::sleep`, standing for a checksum or a synchronous read), inline
//!   or on `spawn_blocking`. The longest gap between two ticks, per trial, and one
//!   trial drawn as a timeline (one character per 5 ms: `·` a tick on time, `█` a
//!   tick that came late);
//! * **waits**: `WAITS` sleeps of `WAIT_MS` ms — *sleeps*, said as such: they
//!   stand in for waiting on a reply and wait on no device — by `WAITS` tokio
//!   tasks on one thread, `WAITS` OS threads, and a pool of 8 threads; wall time
//!   and the resident memory added while they wait (`VmRSS`);
//! * **CPython**: `labs/09_async/waits.py` (asyncio, `threading.Thread`,
//!   `ThreadPoolExecutor(8)`) on the same waits, when `python3` is on the PATH.
//!
//! `--plot FILE.svg` draws the waits' wall time and memory, racelab's and CPython's.

use crate::bench::median;
use crate::lab::BenchRequest;
use crate::sync::real::task;
use std::fmt::Write as _;
use std::time::{Duration, Instant};

/// How many waits part 3 makes.
pub const WAITS: usize = 1_000;
/// How long each wait sleeps, in ms.
pub const WAIT_MS: u64 = 50;
/// The pool's threads.
pub const POOL: usize = 8;

/// The ticker's period and the blocking call's length, in ms.
const TICK_MS: u64 = 5;
const BLOCK_MS: u64 = 100;
const TICKS: u64 = 60;

/// Serves `racelab bench 9`.
pub fn serve(request: &BenchRequest<'_>) -> Result<String, String> {
    if request.yours || request.baseline || request.iters.is_some() || !request.threads.is_empty() {
        return Err("bench 9 takes --trials, --plot and --json only (its sizes are fixed: 1 000 waits of 50 ms)".into());
    }
    let trials = request.trials.clamp(1, 10);
    (request.progress)("stall: a blocking call among tasks");
    let stall = [false, true].map(|offload| stall(offload, trials));
    (request.progress)("waits: tasks, threads, a pool of 8");
    let ours = [("tasks", tasks as fn() -> Wait), ("threads", threads), ("pool8", pool)]
        .map(|(name, way)| (name, (0..trials).map(|_| way()).collect::<Vec<_>>()));
    (request.progress)("CPython: asyncio, threads, a pool of 8");
    let python = python(trials);
    let load = std::fs::read_to_string("/proc/loadavg").ok().and_then(|s| s.split_whitespace().next().map(str::to_string));
    if let Some(path) = &request.plot_to {
        plot(path, &ours, python.as_ref().ok())?;
    }
    if request.json {
        let json = serde_json::json!({
            "lab": 9,
            "cores": crate::bench::cores(),
            "load_before": load,
            "stall_ms": { "inline": stall[0].0, "spawn_blocking": stall[1].0 },
            "waits": WAITS, "wait_ms": WAIT_MS,
            "racelab": ours.iter().map(|(name, runs)| (name.to_string(), serde_json::json!({
                "wall_ms": runs.iter().map(|w| w.wall_ms).collect::<Vec<_>>(),
                "rss_kib": runs.iter().map(|w| w.rss_kib).collect::<Vec<_>>(),
            }))).collect::<serde_json::Map<_, _>>(),
            "cpython": python.as_ref().ok(),
        });
        return serde_json::to_string_pretty(&json).map(|t| format!("{t}\n")).map_err(|e| e.to_string());
    }
    let mut text = String::new();
    let _ = writeln!(text, "lab 09 · bench · {} cores, load {} before", crate::bench::cores(), load.as_deref().unwrap_or("?"));
    let _ = writeln!(
        text,
        "\nstall: a ticker task every {TICK_MS} ms; at 60 ms a {BLOCK_MS} ms blocking call (median of {trials} trials)"
    );
    for ((gaps, line), name) in stall.iter().zip(["inline (in the task)", "spawn_blocking"]) {
        let _ = writeln!(text, "  {name:<22} longest gap between ticks: {} ms (range {})", fmt(gaps), range(gaps));
        let _ = writeln!(text, "  {:<22} {line}", "");
    }
    let _ = writeln!(text, "\nwaits: {WAITS} sleeps of {WAIT_MS} ms (median, range over {trials} trials)");
    let _ = writeln!(text, "  {:<26} {:>22} {:>28}", "", "wall ms", "resident memory added KiB");
    for (name, runs) in &ours {
        let walls: Vec<f64> = runs.iter().map(|w| w.wall_ms).collect();
        let mems: Vec<f64> = runs.iter().map(|w| w.rss_kib).collect();
        let label = format!("racelab {}", describe(name));
        let _ = writeln!(text, "  {label:<26} {:>8} ({:>11}) {:>12} ({:>13})", fmt(&walls), range(&walls), fmt(&mems), range(&mems));
    }
    match &python {
        Ok(py) => {
            for (name, key) in [("tasks", "asyncio"), ("threads", "threads"), ("pool8", "pool8")] {
                let list = |field: &str| -> Vec<f64> {
                    py[key][field].as_array().map(|a| a.iter().filter_map(serde_json::Value::as_f64).collect()).unwrap_or_default()
                };
                let (walls, mems) = (list("wall_ms"), list("rss_kib"));
                let label = format!("CPython {}", describe(name));
                let _ = writeln!(text, "  {label:<26} {:>8} ({:>11}) {:>12} ({:>13})", fmt(&walls), range(&walls), fmt(&mems), range(&mems));
            }
        }
        Err(why) => {
            let _ = writeln!(text, "  CPython: not measured ({why})");
        }
    }
    let _ = writeln!(
        text,
        "\nThe waits' figures depend on the machine's thread start-up cost and the other load on it \
         (threads), on the sleep's length (the pool of 8 takes {WAITS}/8 rounds of it), and on how far \
         each thread's stack is touched (resident memory, not the reserved stack)."
    );
    if let Some(path) = &request.plot_to {
        let _ = writeln!(text, "Plot written to {}.", path.display());
    }
    Ok(text)
}

/// One run of the waits: its wall time and the resident memory it added.
#[derive(Clone, Copy, Debug)]
struct Wait {
    wall_ms: f64,
    rss_kib: f64,
}

fn describe(name: &str) -> String {
    match name {
        "tasks" => format!("{WAITS} tasks"),
        "threads" => format!("{WAITS} threads"),
        _ => format!("pool of {POOL} threads"),
    }
}

fn fmt(values: &[f64]) -> String {
    let mut v = values.to_vec();
    format!("{:.0}", median(&mut v))
}

fn range(values: &[f64]) -> String {
    let lo = values.iter().copied().fold(f64::INFINITY, f64::min);
    let hi = values.iter().copied().fold(f64::NEG_INFINITY, f64::max);
    format!("{lo:.0}–{hi:.0}")
}

/// Resident memory of this process, in KiB.
fn rss_kib() -> f64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| s.lines().find_map(|l| l.strip_prefix("VmRSS:").and_then(|v| v.split_whitespace().next()?.parse().ok())))
        .unwrap_or(f64::NAN)
}

/// Part 2: the longest gap between the ticker's ticks (ms) in each trial, and the last trial's timeline.
fn stall(offload: bool, trials: usize) -> (Vec<f64>, String) {
    let mut gaps = Vec::new();
    let mut line = String::new();
    for _ in 0..trials {
        let ticks = task::block_on(async move {
            let ticker = task::spawn(async {
                let start = Instant::now();
                let mut at = Vec::new();
                for _ in 0..TICKS {
                    task::sleep(Duration::from_millis(TICK_MS)).await;
                    at.push(start.elapsed());
                }
                at
            });
            task::sleep(Duration::from_millis(60)).await;
            let block = || std::thread::sleep(Duration::from_millis(BLOCK_MS));
            if offload {
                task::spawn_blocking(block).await.unwrap_or_default();
            } else {
                block();
            }
            ticker.await.unwrap_or_default()
        });
        let mut last = Duration::ZERO;
        let mut longest = Duration::ZERO;
        line.clear();
        for at in &ticks {
            let gap = at.saturating_sub(last);
            longest = longest.max(gap);
            // One character per 5 ms of the gap: late ticks show as a run of blocks.
            let slots = (gap.as_millis() as u64 / TICK_MS).max(1);
            for k in 0..slots {
                line.push(if k + 1 < slots { '█' } else { '·' });
            }
            last = *at;
        }
        gaps.push(longest.as_secs_f64() * 1000.0);
    }
    (gaps, line)
}

/// `WAITS` tokio tasks on one thread, each sleeping.
fn tasks() -> Wait {
    let base = rss_kib();
    let start = Instant::now();
    let peak = task::block_on(async {
        let handles: Vec<_> =
            (0..WAITS).map(|_| task::spawn(task::sleep(Duration::from_millis(WAIT_MS)))).collect();
        task::sleep(Duration::from_millis(WAIT_MS / 2)).await;
        let peak = rss_kib();
        for h in handles {
            let _ = h.await;
        }
        peak
    });
    Wait { wall_ms: start.elapsed().as_secs_f64() * 1000.0, rss_kib: (peak - base).max(0.0) }
}

/// `WAITS` OS threads, each sleeping.
fn threads() -> Wait {
    let base = rss_kib();
    let start = Instant::now();
    let handles: Vec<_> = (0..WAITS)
        .filter_map(|_| std::thread::Builder::new().spawn(|| std::thread::sleep(Duration::from_millis(WAIT_MS))).ok())
        .collect();
    // Right after the last start: every thread still alive.
    let peak = rss_kib();
    for h in handles {
        let _ = h.join();
    }
    Wait { wall_ms: start.elapsed().as_secs_f64() * 1000.0, rss_kib: (peak - base).max(0.0) }
}

/// A pool of `POOL` threads taking the `WAITS` sleeps from a shared counter.
fn pool() -> Wait {
    use crate::sync::real::atomic::{AtomicUsize, Ordering::Relaxed};
    let base = rss_kib();
    let start = Instant::now();
    let next = AtomicUsize::new(0);
    let peak = std::thread::scope(|scope| {
        for _ in 0..POOL {
            scope.spawn(|| {
                while next.fetch_add(1, Relaxed) < WAITS {
                    std::thread::sleep(Duration::from_millis(WAIT_MS));
                }
            });
        }
        std::thread::sleep(Duration::from_millis(WAIT_MS / 2));
        rss_kib()
    });
    Wait { wall_ms: start.elapsed().as_secs_f64() * 1000.0, rss_kib: (peak - base).max(0.0) }
}

/// CPython's figures from `waits.py`, or why there are none.
fn python(trials: usize) -> Result<serde_json::Value, String> {
    let script = concat!(env!("CARGO_MANIFEST_DIR"), "/labs/09_async/waits.py");
    let out = std::process::Command::new("python3")
        .args([script, &WAITS.to_string(), &WAIT_MS.to_string(), &trials.to_string()])
        .output()
        .map_err(|e| format!("python3: {e}"))?;
    if !out.status.success() {
        return Err(format!("waits.py failed: {}", String::from_utf8_lossy(&out.stderr).lines().last().unwrap_or("")));
    }
    serde_json::from_slice(&out.stdout).map_err(|e| format!("waits.py printed no JSON: {e}"))
}

/// Two panels as an SVG: median wall time and resident memory added, per way, racelab's and CPython's.
fn plot(path: &std::path::Path, ours: &[(&str, Vec<Wait>); 3], python: Option<&serde_json::Value>) -> Result<(), String> {
    use plotters::prelude::*;
    let med = |mut v: Vec<f64>| median(&mut v);
    let py = |key: &str, field: &str| -> f64 {
        python.and_then(|p| p[key][field].as_array()).map_or(f64::NAN, |a| med(a.iter().filter_map(serde_json::Value::as_f64).collect()))
    };
    let keys = [("tasks", "asyncio"), ("threads", "threads"), ("pool8", "pool8")];
    use crate::bench::chart;
    let root = SVGBackend::new(path, (1400, 600)).into_drawing_area();
    root.fill(&WHITE).map_err(|e| e.to_string())?;
    let root = root
        .titled("racelab bench 9 · 1 000 waits three ways — lower is better · medians", ("sans-serif", chart::TITLE))
        .map_err(|e| e.to_string())?;
    let panels = root.split_evenly((1, 2));
    for (panel, (title, field)) in panels.iter().zip([("wall time, ms (log)", "wall_ms"), ("resident memory added, KiB (log)", "rss_kib")]) {
        let mut bars = Vec::new();
        for (i, ((name, runs), (_, key))) in ours.iter().zip(keys).enumerate() {
            let ours = med(runs.iter().map(|w| if field == "wall_ms" { w.wall_ms } else { w.rss_kib }).collect());
            bars.push((i, 0, ours.max(1.0), describe(name)));
            bars.push((i, 1, py(key, field).max(1.0), String::new()));
        }
        // Head room above the tallest bar for the legend.
        let top = bars.iter().map(|b| b.2).filter(|v| v.is_finite()).fold(10.0, f64::max) * 12.0;
        let mut chart = ChartBuilder::on(panel)
            .caption(title, ("sans-serif", chart::AXIS))
            .margin(16)
            .x_label_area_size(44)
            .y_label_area_size(80)
            .build_cartesian_2d(0.0..3.0, (1.0..top).log_scale().with_key_points(chart::log_ticks(1.0, top)))
            .map_err(|e| e.to_string())?;
        chart
            .configure_mesh()
            .disable_x_mesh()
            .bold_line_style(BLACK.mix(0.12))
            .light_line_style(WHITE)
            .label_style(("sans-serif", chart::LABEL))
            .y_label_formatter(&|y| crate::bench::sig3(*y))
            // Ticks every half: a label under the middle of each pair of bars, none between.
            .x_labels(7)
            .x_label_formatter(&|x: &f64| {
                let middle = (x - x.floor() - 0.5).abs() < 0.01;
                if middle { describe(["tasks", "threads", "pool8"][(*x as usize).min(2)]) } else { String::new() }
            })
            .draw()
            .map_err(|e| e.to_string())?;
        for (i, side, value, _) in &bars {
            if !value.is_finite() {
                continue;
            }
            let x0 = *i as f64 + 0.15 + 0.35 * *side as f64;
            let color = chart::colour(usize::from(*side == 0));
            let drawn = chart
                .draw_series([Rectangle::new([(x0, 1.0), (x0 + 0.33, *value)], color.filled())])
                .map_err(|e| e.to_string())?;
            // One legend entry per side, from its first bar.
            if *i == 0 {
                drawn
                    .label(if *side == 0 { "racelab (tokio, std threads)" } else { "CPython" })
                    .legend(move |(x, y)| Rectangle::new([(x, y - 7), (x + 14, y + 7)], color.filled()));
            }
        }
        chart
            .configure_series_labels()
            .position(SeriesLabelPosition::UpperLeft)
            .label_font(("sans-serif", chart::LABEL))
            .background_style(WHITE.mix(0.9))
            .border_style(BLACK)
            .draw()
            .map_err(|e| e.to_string())?;
    }
    root.present().map_err(|e| e.to_string())
}
