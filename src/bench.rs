//! `racelab bench`: what each variant costs on this machine, across thread counts.
//!
//! Every racy variant and fix of a lab runs the same workload at each thread
//! count (1, 2, 4, … up to 4× the cores by default), several trials each, on
//! real threads (or processes). Each point reports throughput — steps per
//! second — as the median of its trials *and* their spread (min–max), and
//! two ratios: against the same variant at the first thread count (does it
//! scale?) and against a baseline variant at the same thread count (which is
//! faster?). The machine is shared and noisy: a single figure would lie.
//!
//! # Examples
//!
//! ```
//! use racelab::bench::{default_threads, median, ratio};
//!
//! assert_eq!(median(&mut [3.0, 1.0, 2.0]), 2.0);
//! assert_eq!(median(&mut [4.0, 1.0, 2.0, 3.0]), 2.5);
//! assert_eq!(default_threads(2), vec![1, 2, 4, 8]);
//! assert_eq!(default_threads(3), vec![1, 2, 4, 8, 12]);
//! // Ratios keep two significant digits: a small ratio is never printed as 0.0.
//! assert_eq!(ratio(0.0123), "0.012");
//! assert_eq!(ratio(1.0), "1.0");
//! assert_eq!(ratio(57.4), "57");
//! ```

use crate::lab::{Kind, Lab};
use crate::runner::{self, RunOptions};
use serde::Serialize;
use std::fmt::Write as _;
use std::path::Path;

/// Throughput of one point: steps per second over its trials.
#[derive(Clone, Copy, Debug, Serialize)]
pub struct Spread {
    /// The median trial's steps per second.
    pub median: f64,
    /// The slowest trial's.
    pub min: f64,
    /// The fastest trial's.
    pub max: f64,
}

/// One variant at one thread count.
#[derive(Clone, Debug, Serialize)]
pub struct Point {
    /// Threads (worker processes for `process`).
    pub threads: usize,
    /// Median wall-clock seconds of one trial (start-up included).
    pub median_seconds: f64,
    /// Steps per second (median, min, max); null with no steps.
    pub throughput: Option<Spread>,
    /// Median nanoseconds per step, all threads together (1e9 ÷ median throughput); null with no steps.
    pub ns_per_step: Option<f64>,
    /// Median throughput ÷ this variant's at the first thread count: above 1, it scales.
    pub scaling: Option<f64>,
    /// Median throughput ÷ the baseline variant's at the same thread count.
    pub vs_baseline: Option<f64>,
    /// Trials whose final value was exact.
    pub exact_trials: usize,
}

/// One variant across every thread count.
#[derive(Clone, Debug, Serialize)]
pub struct Series {
    /// Variant name (`mutex (yours)` for a learner's answer).
    pub variant: String,
    /// Its role: `racy` or `fix`.
    pub kind: Kind,
    /// One point per thread count, in the order asked for.
    pub points: Vec<Point>,
}

/// A whole benchmark run.
#[derive(Clone, Debug, Serialize)]
pub struct Bench {
    /// Lab number.
    pub lab: u8,
    /// The thread counts measured.
    pub threads: Vec<usize>,
    /// Steps per thread.
    pub iters: u64,
    /// What a step is: increments, purchase attempts, transfers.
    pub unit: &'static str,
    /// Trials per point.
    pub trials: usize,
    /// Cores this machine offers (`std::thread::available_parallelism`).
    pub cores: usize,
    /// The variant `vs_baseline` divides by.
    pub baseline: String,
    /// One series per variant, racy first.
    pub rows: Vec<Series>,
}

/// The median of `values` (sorted in place).
pub fn median(values: &mut [f64]) -> f64 {
    values.sort_by(f64::total_cmp);
    let n = values.len();
    match n {
        0 => f64::NAN,
        _ if n % 2 == 1 => values[n / 2],
        _ => (values[n / 2 - 1] + values[n / 2]) / 2.0,
    }
}

/// The cores of this machine (1 when unknown).
pub fn cores() -> usize {
    std::thread::available_parallelism().map_or(1, usize::from)
}

/// `1, 2, 4, …` below `4 × cores`, then `4 × cores` itself (at most [`runner::MAX_PROCESSES`]).
pub fn default_threads(cores: usize) -> Vec<usize> {
    let top = (4 * cores.max(1)).min(runner::MAX_PROCESSES);
    let mut threads: Vec<usize> =
        std::iter::successors(Some(1_usize), |&n| Some(n * 2)).take_while(|&n| n < top).collect();
    threads.push(top);
    threads
}

/// A ratio with two significant digits (`0.012`, `1.0`, `57`): never `0.0`
/// for a ratio that is not zero; `—` when there is none.
pub fn ratio(x: f64) -> String {
    if !x.is_finite() || x <= 0.0 {
        return "—".to_string();
    }
    let decimals = (1 - x.log10().floor() as i32).max(0) as usize;
    format!("{x:.decimals$}")
}

/// How every `bench --plot` chart looks, in one place: text of at least 14 px, a
/// labelled tick at 1, 2 and 5 of every decade of a log axis, colours told apart by
/// colour-blind readers and in greyscale (and a marker shape per series on top).
///
/// # Examples
///
/// ```
/// use racelab::bench::chart::log_ticks;
///
/// assert_eq!(log_ticks(0.3, 30.0), [0.5, 1.0, 2.0, 5.0, 10.0, 20.0]);
/// // A range inside one decade still gets ticks.
/// assert_eq!(log_ticks(120.0, 180.0).len() >= 3, true);
/// ```
pub mod chart {
    use plotters::prelude::RGBColor;
    use plotters::style::{Color as _, ShapeStyle};

    /// The chart's title.
    pub const TITLE: u32 = 24;
    /// Axis descriptions and panel captions.
    pub const AXIS: u32 = 18;
    /// Tick labels and the legend.
    pub const LABEL: u32 = 16;

    /// Okabe–Ito's colours, darkest first: none is faint on white, and all eight differ for
    /// readers with the common colour-vision deficiencies.
    pub const COLOURS: [RGBColor; 8] = [
        RGBColor(0, 114, 178),
        RGBColor(213, 94, 0),
        RGBColor(0, 158, 115),
        RGBColor(204, 121, 167),
        RGBColor(0, 0, 0),
        RGBColor(86, 180, 233),
        RGBColor(170, 130, 0),
        RGBColor(120, 120, 120),
    ];

    /// The `i`-th series' colour.
    pub fn colour(i: usize) -> RGBColor {
        COLOURS[i % COLOURS.len()]
    }

    /// The `i`-th series' marker, as the styles of a circle, a triangle, a square and a
    /// cross, only one of them visible (the `i`-th in turn): series stay apart where colours
    /// do not (a printout, a projector). One element type for every series, so a chart
    /// draws them all with one expression (see [`marker`]).
    pub fn marker_styles(i: usize, colour: RGBColor) -> [ShapeStyle; 4] {
        let hidden: ShapeStyle = colour.mix(0.0).filled();
        let mut styles = [hidden; 4];
        styles[i % 4] = if i % 4 == 3 { colour.stroke_width(3) } else { colour.filled() };
        styles
    }

    /// The `i`-th series' marker at `at` (in data coordinates, or pixels in a legend).
    #[macro_export]
    #[doc(hidden)]
    macro_rules! __bench_marker {
        ($i:expr, $at:expr, $colour:expr) => {{
            use plotters::prelude::{Circle, Cross, EmptyElement, Rectangle, TriangleMarker};
            let [circle, triangle, square, cross] = $crate::bench::chart::marker_styles($i, $colour);
            EmptyElement::at($at)
                + Circle::new((0, 0), 5, circle)
                + TriangleMarker::new((0, 0), 7, triangle)
                + Rectangle::new([(-5, -5), (5, 5)], square)
                + Cross::new((0, 0), 6, cross)
        }};
    }
    pub use __bench_marker as marker;

    /// Ticks for a log axis from `lo` to `hi`: 1, 2 and 5 times each power of ten inside
    /// the range (plotters alone labels only the powers of ten, two labels on most charts).
    pub fn log_ticks(lo: f64, hi: f64) -> Vec<f64> {
        if !(lo > 0.0 && hi > lo && lo.is_finite() && hi.is_finite()) {
            return Vec::new();
        }
        let mut ticks = Vec::new();
        let mut decade = 10_f64.powf(lo.log10().floor());
        while decade <= hi {
            for m in [1.0, 2.0, 5.0] {
                let t = decade * m;
                if t >= lo && t <= hi {
                    ticks.push(t);
                }
            }
            decade *= 10.0;
        }
        if ticks.len() < 3 {
            // A narrow range: its ends and middle, on a log scale.
            ticks = vec![lo, (lo * hi).sqrt(), hi];
        }
        ticks
    }
}

/// Three significant digits, for throughput in millions per second.
pub fn sig3(x: f64) -> String {
    if !x.is_finite() || x <= 0.0 {
        return "—".to_string();
    }
    let decimals = (2 - x.log10().floor() as i32).max(0) as usize;
    format!("{x:.decimals$}")
}

/// The variant ratios are taken against: `atomic` (one hot counter, right)
/// when the lab has it, else the racy version.
pub fn default_baseline(lab: &'static dyn Lab) -> &'static str {
    if lab.variant("atomic").is_ok_and(|v| v.kind == Kind::Fix) { "atomic" } else { "racy" }
}

/// One line of a benchmark: a variant of the lab, the reference one or a learner's.
#[derive(Clone, Debug)]
pub struct Line {
    /// What the tables call it: `mutex`, or `mutex (yours)`.
    pub label: String,
    /// The lab variant it runs.
    pub variant: &'static str,
    /// Its role.
    pub kind: Kind,
}

/// The lines of `lab`'s benchmark: the racy variant and every fix.
pub fn reference_lines(lab: &'static dyn Lab) -> Vec<Line> {
    lab.card()
        .variants
        .iter()
        .filter(|v| matches!(v.kind, Kind::Racy | Kind::Fix))
        .map(|v| Line { label: v.name.to_string(), variant: v.name, kind: v.kind })
        .collect()
}

/// Measures the racy variant and every fix of `lab` at each of `threads`
/// with `options` (whose `trials` must be set; its `threads` is ignored).
/// `progress(variant, threads)` is called after each trial.
pub fn run(
    lab: &'static dyn Lab,
    options: &RunOptions,
    threads: &[usize],
    baseline: &str,
    progress: impl FnMut(&str, usize),
) -> Result<Bench, String> {
    let lines = reference_lines(lab);
    let mut trial = |line: &Line, o: &RunOptions| runner::trial(lab, line.variant, o);
    run_lines(lab, options, threads, baseline, &lines, &mut trial, progress)
}

/// Measures each of `lines` like [`run`], running a trial of a line with `trial`.
/// `baseline` is the label of the line the ratios divide by.
pub fn run_lines(
    lab: &'static dyn Lab,
    options: &RunOptions,
    threads: &[usize],
    baseline: &str,
    lines: &[Line],
    trial: &mut dyn FnMut(&Line, &RunOptions) -> Result<runner::Observation, String>,
    mut progress: impl FnMut(&str, usize),
) -> Result<Bench, String> {
    let trials = options.trials.unwrap_or(5);
    let mut rows: Vec<Series> = Vec::new();
    for line in lines {
        let mut points = Vec::new();
        for &n in threads {
            let options = RunOptions { trials: Some(trials), threads: n, ..options.clone() };
            let report = runner::run_with(lab, line.variant, &options, false, &mut |o| trial(line, o), |_, _| {
                progress(&line.label, n)
            })?;
            let steps = n as u64 * options.iters;
            let mut times: Vec<f64> = report.runs.iter().map(|t| t.seconds).collect();
            let median_seconds = median(&mut times);
            let throughput = (steps > 0).then(|| {
                let mut rates: Vec<f64> = report.runs.iter().map(|t| steps as f64 / t.seconds.max(1e-9)).collect();
                let mid = median(&mut rates);
                Spread { median: mid, min: rates[0], max: rates[rates.len() - 1] }
            });
            points.push(Point {
                threads: n,
                median_seconds,
                ns_per_step: throughput.map(|t| 1e9 / t.median),
                throughput,
                scaling: None,
                vs_baseline: None,
                exact_trials: report.trials - report.wrong_trials,
            });
        }
        let first = points.first().and_then(|p| p.throughput).map(|t| t.median);
        for p in &mut points {
            p.scaling = p.throughput.zip(first).map(|(t, f)| t.median / f);
        }
        rows.push(Series { variant: line.label.clone(), kind: line.kind, points });
    }
    let base: Vec<Option<f64>> = rows
        .iter()
        .find(|s| s.variant == baseline)
        .map(|s| s.points.iter().map(|p| p.throughput.map(|t| t.median)).collect())
        .unwrap_or_default();
    for series in &mut rows {
        for (i, p) in series.points.iter_mut().enumerate() {
            p.vs_baseline = p.throughput.zip(base.get(i).copied().flatten()).map(|(t, b)| t.median / b);
        }
    }
    Ok(Bench {
        lab: lab.number(),
        threads: threads.to_vec(),
        iters: options.iters,
        unit: lab.card().unit,
        trials,
        cores: cores(),
        baseline: baseline.to_string(),
        rows,
    })
}

impl Bench {
    /// The width of the variant column: the longest name, at least 13.
    fn name_width(&self) -> usize {
        self.rows.iter().map(|s| s.variant.chars().count()).max().unwrap_or(0).max(13)
    }

    /// The tables as a learner reads them: throughput with its spread, then
    /// the two ratios.
    pub fn render(&self) -> String {
        let mut out = String::new();
        let _ = writeln!(
            out,
            "lab {:02} · {} {} per thread (or worker process) · {} trials per point · {} cores here",
            self.lab, self.iters, self.unit, self.trials, self.cores
        );
        if self.iters == 0 {
            out.push_str("No steps: median milliseconds per trial (start-up alone), not throughput.\n");
        } else {
            let _ = writeln!(out, "Million {} per second: median (min–max).", self.unit);
        }
        let label = |n: usize| if n == 1 { "1 thread".to_string() } else { format!("{n} threads") };
        let width = 19;
        let _ = write!(out, "  {:<name$}", "variant", name = self.name_width());
        for &n in &self.threads {
            let _ = write!(out, " {:>width$}", label(n));
        }
        let _ = writeln!(out, " {:>7}", "exact");
        for s in &self.rows {
            let _ = write!(out, "  {:<name$}", s.variant, name = self.name_width());
            for p in &s.points {
                let cell = match p.throughput {
                    Some(t) => format!("{} ({}–{})", sig3(t.median / 1e6), sig3(t.min / 1e6), sig3(t.max / 1e6)),
                    None => format!("{:.2} ms", p.median_seconds * 1e3),
                };
                let _ = write!(out, " {cell:>width$}");
            }
            let exact: usize = s.points.iter().map(|p| p.exact_trials).sum();
            let _ = writeln!(out, " {:>7}", format!("{exact}/{}", self.trials * s.points.len()));
        }
        if self.iters > 0 {
            self.render_ratios(&mut out, "Scaling: median ÷ the same variant's at", |p| p.scaling, true);
            self.render_ratios(&mut out, "Against", |p| p.vs_baseline, false);
        }
        out.push_str(
            "Times include starting the threads (or processes). Run it again: the spread between runs is part of \
             the answer.\n",
        );
        out
    }

    fn render_ratios(&self, out: &mut String, title: &str, pick: fn(&Point) -> Option<f64>, scaling: bool) {
        let first = self.threads.first().copied().unwrap_or(1);
        let _ = if scaling {
            writeln!(
                out,
                "{title} {first} {} (above 1: more threads helped):",
                if first == 1 { "thread" } else { "threads" }
            )
        } else {
            writeln!(out, "{title} `{}` at the same threads (median ÷ median; above 1: faster):", self.baseline)
        };
        let _ = write!(out, "  {:<name$}", "variant", name = self.name_width());
        for &n in &self.threads {
            let _ = write!(out, " {n:>6}");
        }
        out.push('\n');
        for s in &self.rows {
            let _ = write!(out, "  {:<name$}", s.variant, name = self.name_width());
            for p in &s.points {
                let _ = write!(out, " {:>6}", pick(p).map_or("—".to_string(), ratio));
            }
            out.push('\n');
        }
    }

    /// Draws median throughput against threads, one line per variant with
    /// min–max bars, both axes logarithmic, as an SVG file at `path`.
    pub fn plot(&self, path: &Path) -> Result<(), String> {
        use plotters::prelude::*;
        let failed = |e: &dyn std::fmt::Display| format!("cannot draw {}: {e}", path.display());
        let rates: Vec<f64> = self
            .rows
            .iter()
            .flat_map(|s| s.points.iter().filter_map(|p| p.throughput))
            .flat_map(|t| [t.min, t.max])
            .filter(|r| r.is_finite() && *r > 0.0)
            .map(|r| r / 1e6)
            .collect();
        if rates.is_empty() {
            return Err("nothing to plot: with --iters 0 there is no throughput".to_string());
        }
        let lo = rates.iter().copied().fold(f64::INFINITY, f64::min) / 1.5;
        let hi = rates.iter().copied().fold(0.0, f64::max) * 1.5;
        // Threads on a log₂ axis: each doubling is one step, labelled 1, 2, 4, …
        let log2 = |n: usize| (n.max(1) as f64).log2();
        let xmin = self.threads.iter().copied().map(log2).fold(f64::INFINITY, f64::min) - 0.3;
        let xmax = self.threads.iter().copied().map(log2).fold(0.0, f64::max) + 0.3;

        let root = SVGBackend::new(path, (1200, 800)).into_drawing_area();
        root.fill(&WHITE).map_err(|e| failed(&e))?;
        let caption = format!(
            "racelab bench {} · throughput against threads — higher is better · {} {} per thread · {} cores",
            self.lab, self.iters, self.unit, self.cores
        );
        let (top, bottom) = (lo, hi * 6.0);
        let mut chart = ChartBuilder::on(&root)
            .caption(caption, ("sans-serif", chart::TITLE))
            .margin(20)
            .x_label_area_size(56)
            .y_label_area_size(90)
            // Head room above the lines for the legend.
            .build_cartesian_2d(xmin..xmax, (top..bottom).log_scale().with_key_points(chart::log_ticks(top, bottom)))
            .map_err(|e| failed(&e))?;
        let doublings = (xmax - xmin).ceil() as usize + 1;
        chart
            .configure_mesh()
            .disable_x_mesh()
            .bold_line_style(BLACK.mix(0.12))
            .light_line_style(WHITE)
            .x_desc("threads (worker processes for `process`), doubling at each step")
            .y_desc(format!("million {} per second (log scale; median, bars min–max)", self.unit))
            .axis_desc_style(("sans-serif", chart::AXIS))
            .label_style(("sans-serif", chart::LABEL))
            .x_labels(doublings * 2)
            .x_label_formatter(&|x| {
                if (x - x.round()).abs() < 1e-6 { format!("{}", 2_f64.powf(x.round())) } else { String::new() }
            })
            .y_label_formatter(&|y| sig3(*y))
            .draw()
            .map_err(|e| failed(&e))?;
        for (i, s) in self.rows.iter().enumerate() {
            let colour = chart::colour(i);
            let points: Vec<(f64, Spread)> =
                s.points.iter().filter_map(|p| p.throughput.map(|t| (log2(p.threads), t))).collect();
            // The racy version is dashed: it is fast because it is wrong.
            let racy = s.kind == Kind::Racy;
            let label = if racy { format!("{} (wrong)", s.variant) } else { s.variant.clone() };
            let line: Vec<(f64, f64)> = points.iter().map(|(x, t)| (*x, t.median / 1e6)).collect();
            let drawn = if racy {
                chart.draw_series(DashedLineSeries::new(line.clone(), 10, 6, colour.stroke_width(3)))
            } else {
                chart.draw_series(LineSeries::new(line.clone(), colour.stroke_width(3)))
            };
            drawn.map_err(|e| failed(&e))?.label(label).legend(move |(x, y)| {
                EmptyElement::at((x, y))
                    + PathElement::new(vec![(0, 0), (34, 0)], colour.stroke_width(3))
                    + chart::marker!(i, (17, 0), colour)
            });
            // The spread: a bar from min to max with caps (plotters' ErrorBar would also draw a
            // circle at the median, on top of this series' own marker).
            let bars = points
                .iter()
                .map(|(x, t)| PathElement::new(vec![(*x, t.min / 1e6), (*x, t.max / 1e6)], colour.stroke_width(2)));
            chart.draw_series(bars).map_err(|e| failed(&e))?;
            let caps = points.iter().flat_map(|(x, t)| [(*x, t.min / 1e6), (*x, t.max / 1e6)]);
            let caps =
                caps.map(|at| EmptyElement::at(at) + PathElement::new(vec![(-6, 0), (6, 0)], colour.stroke_width(2)));
            chart.draw_series(caps).map_err(|e| failed(&e))?;
            chart.draw_series(line.iter().map(|p| chart::marker!(i, *p, colour))).map_err(|e| failed(&e))?;
        }
        chart
            .configure_series_labels()
            .position(SeriesLabelPosition::UpperLeft)
            .label_font(("sans-serif", chart::LABEL))
            .legend_area_size(44)
            .background_style(WHITE.mix(0.9))
            .border_style(BLACK)
            .draw()
            .map_err(|e| failed(&e))?;
        root.present().map_err(|e| failed(&e))?;
        Ok(())
    }
}
