//! `racelab bench`: what each fix costs, measured on this machine.
//!
//! Every racy variant and fix of a lab runs the same workload several times on
//! real threads (or processes); the table reports the median time, the median
//! cost per increment, and each variant's ratio to the racy version measured
//! in the same run. Medians and ratios, not single times: the machine is
//! shared and noisy.
//!
//! # Examples
//!
//! ```
//! use racelab::bench::median;
//!
//! assert_eq!(median(&mut [3.0, 1.0, 2.0]), 2.0);
//! assert_eq!(median(&mut [4.0, 1.0, 2.0, 3.0]), 2.5);
//! ```

use crate::labs::{Kind, Lab};
use crate::runner::{self, RunOptions};
use serde::Serialize;
use std::fmt::Write as _;

/// One variant's measurements.
#[derive(Clone, Debug, Serialize)]
pub struct Row {
    /// Variant name.
    pub variant: String,
    /// Median wall-clock seconds of one trial.
    pub median_seconds: f64,
    /// Median nanoseconds per step (trial time ÷ threads × iterations); null with no steps.
    pub ns_per_step: Option<f64>,
    /// Median time divided by the racy version's median time.
    pub ratio_to_racy: f64,
    /// Trials whose final value was exact.
    pub exact_trials: usize,
}

/// A whole benchmark run.
#[derive(Clone, Debug, Serialize)]
pub struct Bench {
    /// Lab number.
    pub lab: u8,
    /// Threads (worker processes for `process`).
    pub threads: usize,
    /// Steps per thread.
    pub iters: u64,
    /// What a step is: increments, purchase attempts, transfers.
    pub unit: &'static str,
    /// Trials per variant.
    pub trials: usize,
    /// One row per variant, racy first.
    pub rows: Vec<Row>,
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

/// Measures the racy variant and every fix of `lab` with `options` (whose
/// `trials` must be set).
pub fn run(lab: &Lab, options: &RunOptions) -> Result<Bench, String> {
    let trials = options.trials.unwrap_or(5);
    let options = RunOptions { trials: Some(trials), ..options.clone() };
    let mut rows: Vec<Row> = Vec::new();
    for variant in lab.variants.iter().filter(|v| matches!(v.kind, Kind::Racy | Kind::Fix)) {
        let report = runner::run(lab, variant.name, &options, |_, _| {})?;
        let mut times: Vec<f64> = report.runs.iter().map(|t| t.seconds).collect();
        let median_seconds = median(&mut times);
        let steps = options.threads as u64 * options.iters;
        rows.push(Row {
            variant: variant.name.to_string(),
            median_seconds,
            ns_per_step: (steps > 0).then(|| median_seconds * 1e9 / steps as f64),
            ratio_to_racy: f64::NAN,
            exact_trials: report.runs.iter().filter(|t| t.observed == report.expected).count(),
        });
    }
    let racy = rows.iter().find(|r| lab.variant(&r.variant).is_ok_and(|v| v.kind == Kind::Racy));
    let base = racy.map_or(f64::NAN, |r| r.median_seconds);
    for row in &mut rows {
        row.ratio_to_racy = row.median_seconds / base;
    }
    Ok(Bench { lab: lab.number, threads: options.threads, iters: options.iters, unit: lab.unit, trials, rows })
}

impl Bench {
    /// The table as a learner reads it.
    pub fn render(&self) -> String {
        let mut out = String::new();
        let _ = writeln!(
            out,
            "lab {:02} · {} threads (or processes) × {} {} · median of {} trials",
            self.lab, self.threads, self.iters, self.unit, self.trials
        );
        let _ = writeln!(out, "  {:<12} {:>12} {:>14} {:>8} {:>7}", "variant", "median", "ns/step", "× racy", "exact");
        for r in &self.rows {
            // With no steps there is no per-step cost, only start-up.
            let per = r.ns_per_step.map_or("—".to_string(), |ns| format!("{ns:.2}"));
            let _ = writeln!(
                out,
                "  {:<12} {:>9.2} ms {:>14} {:>8.1} {:>4}/{}",
                r.variant,
                r.median_seconds * 1e3,
                per,
                r.ratio_to_racy,
                r.exact_trials,
                self.trials
            );
        }
        out.push_str(
            "Times include starting the threads (or processes); ratios compare runs made minutes apart at most.\n",
        );
        out
    }
}
