//! The `racelab` command line. The doc comments below are its `--help`.

mod exit;
mod learn;
mod lesson;
mod pager;
mod panics;
mod step;
mod tui;
mod watch;

#[doc(hidden)]
pub use tui::{keys_after, screen_after};

use crate::bench;
use crate::check::{self, Model};
use crate::judge::yours::Request;
use crate::lab::{Kind, Lab};
use crate::labs;
use crate::runner::{self, RunOptions, process::WorkerCommand};
use clap::{Parser, Subcommand};
use exit::{Failure, out, say_error, stop_on_signals};
use learn::Course;
use std::io::IsTerminal as _;
use std::process::ExitCode;
use std::time::Duration;

/// racelab: watch threads lose updates, fix them, and let loom prove the fix.
///
/// With no command, racelab prints the lab list and the next command to type.
#[derive(Debug, Parser)]
#[command(name = "racelab", version)]
pub struct Cli {
    #[command(subcommand)]
    command: Option<Command>,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// List the labs and their variants.
    List,
    /// Print a lab's lesson: on a terminal wrapped to its width and, when taller
    /// than the screen, paged through `$PAGER` (default `less`, as `git` does).
    Show {
        /// Lab number or name (1, 01, lost_update).
        lab: String,
    },
    /// Run a variant on real threads (or real processes) and report what happened.
    ///
    /// Racy variants and wrong fixes repeat trials until one goes wrong or 2 s have passed.
    Run {
        /// Lab number or name.
        lab: String,
        /// racy, mutex, parking_lot, atomic, process, or a wrong fix (see `cargo run -- list`).
        #[arg(long, default_value = "racy")]
        variant: String,
        #[command(flatten)]
        size: RealSize,
        /// Run exactly this many trials, at most 10000 (default: racy until one goes wrong, fixes once).
        #[arg(long)]
        trials: Option<usize>,
        /// Seconds a racy run may keep trying to show the race (at most 600).
        #[arg(long, default_value = "2", value_parser = budget_seconds)]
        budget: Duration,
        /// Seconds one trial may take, at most 3600 (worker processes are killed; stuck threads end the run).
        #[arg(long, default_value = "30", value_parser = timeout_seconds)]
        timeout: Duration,
        /// Print one JSON document instead of text.
        #[arg(long)]
        json: bool,
        /// Run YOUR answer to exercise `--variant` (from labs/NN_slug/exercise.rs) instead of the reference.
        #[arg(long)]
        yours: bool,
        /// Make the last worker misbehave (crash, hang, garbage), to see the parent cope.
        #[arg(long, hide = true)]
        fault: Option<Fault>,
    },
    /// Explore every interleaving of a variant with loom; print outcomes and a failing schedule.
    ///
    /// Exit status: 0 if every interleaving passed, 1 if one failed, 2 on an error.
    Check {
        /// Lab number or name.
        lab: String,
        /// racy, mutex, parking_lot, atomic, process, unsafe_cell, or a wrong fix.
        #[arg(long, default_value = "racy")]
        variant: String,
        /// Model threads, from 1 to the lab's loom limit (3 in lab 01) [default: the lab's, e.g. 2].
        #[arg(long)]
        threads: Option<usize>,
        /// Steps per model thread, at most 10000 [default: the lab's, e.g. 2].
        #[arg(long)]
        iters: Option<u64>,
        /// Explore only interleavings with at most this many preemptions, 0–255 (faster, not exhaustive).
        #[arg(long)]
        preemption_bound: Option<u8>,
        /// Give up after this many seconds (at most 3600).
        #[arg(long, default_value = "60", value_parser = timeout_seconds)]
        timeout: Duration,
        /// Print one JSON document instead of text.
        #[arg(long)]
        json: bool,
        /// Also write the report as one self-contained HTML page (a lane per thread) to this file.
        #[arg(long, value_name = "FILE")]
        html: Option<std::path::PathBuf>,
        /// Random schedules instead of loom's exhaustive search: sizes past loom's reach, not exhaustive.
        #[arg(long)]
        random: bool,
        /// With --random: how many schedules, 1–100000.
        #[arg(long, default_value_t = 1000, requires = "random")]
        iterations: u64,
        /// With --random: the seed (the same seed gives the same schedules).
        #[arg(long, default_value_t = 1, requires = "random")]
        seed: u64,
        /// With --random: `random` picks a thread uniformly at every step; `pct` (probabilistic
        /// concurrency testing) runs threads by random priority and changes it at --depth - 1 random points.
        #[arg(long, value_enum, default_value_t = SchedulerName::Random, requires = "random")]
        scheduler: SchedulerName,
        /// With --scheduler pct: the bug depth, 1–10 (how many ordering constraints a bug needs).
        #[arg(long, default_value_t = 3, requires = "random")]
        depth: usize,
    },
    /// Be the scheduler: run a lab's code and choose which thread moves at every step.
    ///
    /// Type a thread's number to move it, u to undo, q to quit. With --schedule the moves are
    /// replayed without asking (every failing schedule `check` prints ends with this command).
    Step {
        /// Lab number or name (none: list the puzzles).
        lab: Option<String>,
        /// Play a puzzle: step towards its goal (`cargo run -- step` lists them).
        #[arg(long, conflicts_with = "lab")]
        puzzle: Option<String>,
        /// racy, mutex, parking_lot, atomic, process, or a wrong fix.
        #[arg(long, default_value = "racy")]
        variant: String,
        /// Threads, 1–8 [default: the lab's loom size, e.g. 2].
        #[arg(long)]
        threads: Option<usize>,
        /// Steps per thread, 0–100 [default: the lab's loom size].
        #[arg(long)]
        iters: Option<u64>,
        /// Moves to replay, e.g. 1,2,2,1 (thread numbers; 0 is main).
        #[arg(long)]
        schedule: Option<String>,
        /// When the run ends (or you quit), write the execution as one self-contained HTML page
        /// (a lane per thread), like `check --html`.
        #[arg(long, value_name = "FILE")]
        html: Option<std::path::PathBuf>,
        /// Line mode even on a terminal: a screen of text per move (full screen is the default
        /// when stdin and stdout are a terminal; line mode otherwise, e.g. over a pipe).
        #[arg(long)]
        plain: bool,
    },
    /// Run a lab's demonstration with real processes (the first lab that has one: fork copies
    /// the parent's memory, spawn starts fresh, and what starting each costs — thread vs fork
    /// vs spawn, medians and spread).
    Demo {
        /// Lab number or name (default: the first lab that has a demonstration).
        lab: Option<String>,
        /// Child processes of each kind, 1–16.
        #[arg(long, default_value_t = 2)]
        children: usize,
        /// Increments each child counts, at most 100000000.
        #[arg(long, default_value_t = 1_000_000)]
        iters: u64,
        /// Start-up rounds to time, 1–10000.
        #[arg(long, default_value_t = 200)]
        rounds: u64,
        /// Print one JSON document instead of text.
        #[arg(long)]
        json: bool,
    },
    /// Measure what each variant costs on this machine: throughput across thread counts.
    ///
    /// Every point is several trials: the median and the spread (min–max) are printed, with
    /// each variant's scaling and its ratio to a baseline variant.
    Bench {
        /// Lab number or name.
        #[arg(default_value = "1")]
        lab: String,
        /// Thread counts, comma-separated, each 1–64 (worker processes for `process`)
        /// [default: 1, 2, 4, … up to 4× the cores].
        #[arg(long, value_delimiter = ',')]
        threads: Vec<usize>,
        /// Steps per thread: increments, purchase attempts, transfers [default: the lab's, e.g. 1000000].
        #[arg(long)]
        iters: Option<u64>,
        /// Trials per point, at most 10000 (median and min–max are reported).
        #[arg(long, default_value_t = 5)]
        trials: usize,
        /// The variant ratios are taken against [default: atomic, else racy].
        #[arg(long)]
        baseline: Option<String>,
        /// Also draw throughput against threads as an SVG file.
        #[arg(long, value_name = "FILE.svg")]
        plot: Option<std::path::PathBuf>,
        /// Print one JSON document instead of text.
        #[arg(long)]
        json: bool,
        /// Measure YOUR answers (labs/NN_slug/exercise.rs) beside the reference baseline.
        #[arg(long)]
        yours: bool,
        /// With --yours: seconds your answers may run once compiled, at most 3600
        /// [default: 20 + 3 per trial of every line].
        #[arg(long, value_parser = timeout_seconds)]
        timeout: Option<Duration>,
    },
    /// Check YOUR exercise (labs/NN_slug/exercise.rs) with loom, proptest, real threads and processes.
    ///
    /// Ctrl-C stops everything it started. A check that crashes or runs out of time never
    /// undoes a "solved" earned by the same code.
    ///
    /// Exit status: 0 if every exercise of the lab is solved, 1 if not, 2 on an error (or when
    /// progress could not be saved), 130 when interrupted (143 for SIGTERM).
    Verify {
        /// Lab number or name (default: the first lab with an unsolved exercise).
        lab: Option<String>,
        /// Only this exercise (e.g. `atomic`); the others are neither shown nor saved.
        exercise: Option<String>,
        /// Seconds the checks may take once compiled, at most 3600 (an endless loop is killed after this).
        #[arg(long, default_value = "180", value_parser = timeout_seconds)]
        timeout: Duration,
        /// Print one JSON document (lab, solved, outcomes, compile_error) instead of text.
        #[arg(long)]
        json: bool,
    },
    /// Show a hint for the exercise you are on; `--more` reveals the next layer.
    Hint {
        /// Lab number or name (default: the first lab with an unsolved exercise).
        lab: Option<String>,
        /// Exercise name (default: the first unsolved one).
        exercise: Option<String>,
        /// Reveal one more hint.
        #[arg(long)]
        more: bool,
    },
    /// Re-check your exercise every time you save a file in labs/ (h: hint, n: next, q: quit).
    ///
    /// q or Ctrl-C also stops a check that is running, at once.
    Watch {
        /// Lab number or name to start with (default: the first lab with an unsolved exercise).
        lab: Option<String>,
    },
    /// Restore a lab's exercise.rs as shipped (asks before overwriting your changes).
    Reset {
        /// Lab number or name.
        lab: String,
        /// Overwrite without asking.
        #[arg(long)]
        yes: bool,
    },
    /// Instructor tools.
    #[command(subcommand)]
    Dev(DevCommand),
    /// (internal) One isolated worker process: do one job alone and print `report <n>`.
    #[command(hide = true)]
    Worker {
        /// Lab number or name.
        lab: String,
        /// Misbehave instead of reporting.
        #[arg(long)]
        fault: Option<Fault>,
        /// The job's numbers (lab 01: increments to count).
        job: Vec<u64>,
        /// Run this catalogued learner answer's worker instead of the lab's (the dev check).
        #[arg(long)]
        answer: Option<String>,
    },
}

/// How big a real run is; a lab's own default shows its race on real hardware.
#[derive(Debug, clap::Args)]
struct RealSize {
    /// Threads, 1–1024; worker processes for `process` and in `bench`, 1–64 [default: the lab's, e.g. 2].
    #[arg(long)]
    threads: Option<usize>,
    /// Steps per thread: increments, purchase attempts, transfers [default: the lab's, e.g. 1000000].
    #[arg(long)]
    iters: Option<u64>,
}

impl RealSize {
    /// The size asked for, with the lab's defaults filled in.
    fn or_defaults(&self, lab: &'static dyn Lab) -> (usize, u64) {
        (self.threads.unwrap_or(lab.card().run_size.0), self.iters.unwrap_or(lab.card().run_size.1))
    }
}

#[derive(Debug, Subcommand)]
enum DevCommand {
    /// Prove the course is healthy: every exercise unsolved as shipped, every
    /// solution passing, every wrong fix rejected, every exercise mirroring its solution.
    Check {
        /// Skip judging the catalogues of learner answers (`cargo test --test
        /// judge` judges them too; CI runs both and skips them here).
        #[arg(long)]
        skip_catalogue: bool,
    },
    /// Judge catalogued answers handed out on stdin, one verdict per line on stdout
    /// (the processes `dev check` judges its catalogues in).
    #[command(hide = true)]
    ServeCatalogue,
}

/// `check --random --scheduler …`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
enum SchedulerName {
    /// A uniformly random pick at every step.
    Random,
    /// Probabilistic concurrency testing: random priorities, a few random priority changes.
    Pct,
}

/// Ways a worker can misbehave, for demonstrating the parent's error handling.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
enum Fault {
    /// Abort (killed by SIGABRT).
    Crash,
    /// Never report.
    Hang,
    /// Print something that is not a report.
    Garbage,
}

/// Parses the command line and runs it.
///
/// Every way out is one line on stderr (or, for a closed stdout, nothing) and
/// an exit status: a panic anywhere is caught here and reported as one line.
pub fn main() -> ExitCode {
    panics::install();
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => return usage_error(e),
    };
    let result = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| dispatch(cli.command)));
    match result {
        Ok(Ok(code)) => ExitCode::from(code),
        Ok(Err(Failure(message, code))) => {
            if !message.is_empty() {
                say_error(&message);
            }
            ExitCode::from(code)
        }
        Err(_) => {
            say_error(&panics::describe());
            ExitCode::from(2)
        }
    }
}

/// Shows a learner command's text, then says if progress was not saved (exit
/// 2); otherwise exits 0, or `failed` when the command's answer is "no".
fn show(shown: learn::Shown, failed: u8) -> Result<u8, Failure> {
    out(&shown.text)?;
    match shown.unsaved {
        Some(why) => Err(Failure(format!("progress was not saved: {why}"), 2)),
        None => Ok(if shown.ok { 0 } else { failed }),
    }
}

/// A JSON document and a newline on stdout.
fn out_json(value: &impl serde::Serialize) -> Result<(), Failure> {
    let text = serde_json::to_string_pretty(value).map_err(|e| e.to_string())?;
    out(&format!("{text}\n"))
}

/// Help and version go out as clap prints them; a usage mistake becomes one line.
fn usage_error(error: clap::Error) -> ExitCode {
    use clap::error::ErrorKind::*;
    use std::io::Write as _;
    if matches!(error.kind(), DisplayHelp | DisplayVersion | DisplayHelpOnMissingArgumentOrSubcommand) {
        // `racelab --help | head -1` must not complain about the closed pipe.
        let _ = write!(std::io::stdout().lock(), "{}", error.render());
        return ExitCode::SUCCESS;
    }
    // The first paragraph, on one line: clap lists missing arguments on the lines after the first.
    let text = error.to_string();
    let first: Vec<&str> = text.lines().take_while(|l| !l.trim().is_empty()).map(str::trim).collect();
    let first = if first.is_empty() { "error: bad arguments".to_string() } else { first.join(" ") };
    let _ = writeln!(std::io::stderr().lock(), "{first} (see `racelab --help`)");
    ExitCode::from(2)
}

/// Longest `--timeout` any command accepts, in seconds (an hour).
const MAX_TIMEOUT: f64 = 3600.0;
/// Longest `run --budget`, in seconds.
const MAX_BUDGET: f64 = 600.0;
/// How long `bench N --yours` may run the learner's answers before they are stopped.
const MAX_YOURS_BENCH_SECONDS: u64 = 1800;
/// Most trials `run` and `bench` accept.
const MAX_TRIALS: usize = 10_000;
/// Most steps per model thread `check` accepts (loom explores every one of them).
const MAX_CHECK_ITERS: u64 = 10_000;

/// `--budget`, checked as the command line is read.
fn budget_seconds(text: &str) -> Result<Duration, String> {
    seconds(text, "--budget", MAX_BUDGET)
}

/// `--timeout`, checked as the command line is read.
fn timeout_seconds(text: &str) -> Result<Duration, String> {
    seconds(text, "--timeout", MAX_TIMEOUT)
}

/// A positive number of seconds, at most `max`.
fn seconds(text: &str, flag: &str, max: f64) -> Result<Duration, String> {
    let value: f64 = text.trim().parse().map_err(|_| format!("{flag} must be a number of seconds (got {text})"))?;
    if value > max {
        return Err(format!("{flag} must be at most {max} seconds (got {text})"));
    }
    Duration::try_from_secs_f64(value)
        .ok()
        .filter(|d| !d.is_zero())
        .ok_or_else(|| format!("{flag} must be a positive number of seconds (got {text})"))
}

fn trials_in_range(trials: usize) -> Result<usize, String> {
    if (1..=MAX_TRIALS).contains(&trials) {
        Ok(trials)
    } else {
        Err(format!("--trials must be between 1 and {MAX_TRIALS} (got {trials})"))
    }
}

/// `check`'s size, refused with the flag's range before loom starts.
/// Most schedules `check --random` runs.
const MAX_RANDOM: u64 = 100_000;
/// Most threads and steps the stepper takes (each step can be a question to the learner).
const MAX_STEP_THREADS: usize = 8;
const MAX_STEP_ITERS: u64 = 100;

/// What `step` and `check --random` run, within their limits.
fn stepping(
    lab: &'static dyn Lab,
    variant: &str,
    threads: usize,
    iters: u64,
) -> Result<crate::stepper::Stepping, String> {
    let kind = lab.variant(variant)?.kind;
    if kind == Kind::DataRace {
        return Err(format!("`{variant}` is a data race on plain memory: only loom runs it (`cargo run -- check`)"));
    }
    if threads == 0 || threads > MAX_STEP_THREADS {
        return Err(format!("--threads must be between 1 and {MAX_STEP_THREADS} here (got {threads})"));
    }
    if iters > MAX_STEP_ITERS {
        return Err(format!("--iters must be at most {MAX_STEP_ITERS} here (got {iters})"));
    }
    Ok(crate::stepper::Stepping::new(lab, variant, crate::lab::Case::new(threads, iters)))
}

fn check_size(lab: &'static dyn Lab, variant: &str, threads: usize, iters: u64) -> Result<(), String> {
    let kind = lab.variant(variant)?.kind;
    let table = lab.card().limits.table(variant, kind);
    let max = table.len();
    if threads == 0 || threads > max {
        return Err(format!(
            "--threads must be between 1 and {max} for `{variant}` in lab {:02}: loom models at most {max} threads \
             here (got {threads}); `cargo run -- run` runs more on real threads",
            lab.number()
        ));
    }
    if iters > MAX_CHECK_ITERS {
        return Err(format!(
            "--iters must be at most {MAX_CHECK_ITERS} for check (got {iters}): loom explores every step; \
             `cargo run -- run` runs millions on real threads"
        ));
    }
    Ok(())
}

fn dispatch(command: Option<Command>) -> Result<u8, Failure> {
    match command {
        None => {
            out(&learn::welcome(&Course::load()?))?;
            Ok(0)
        }
        Some(Command::List) => {
            out(&learn::list(&Course::load()?))?;
            Ok(0)
        }
        Some(Command::Verify { lab, exercise, timeout, json }) => {
            let mut course = Course::load()?;
            let lab = course.lab_or_current(lab.as_deref())?;
            if let Some(name) = exercise.as_deref() {
                course.info.lab(lab.number())?.exercise(name)?;
            }
            // The first build of the checks compiles loom and friends: say so, or it looks like a hang.
            eprintln!(
                "compiling labs/{}/exercise.rs and running its checks (the first build takes a few minutes)…",
                lab.folder()
            );
            let stop = stop_on_signals()?;
            let shown = learn::verify(&mut course, lab, exercise.as_deref(), timeout, &stop, json)?;
            show(shown, 1)
        }
        Some(Command::Hint { lab, exercise, more }) => {
            let mut course = Course::load()?;
            let lab = course.lab_or_current(lab.as_deref())?;
            show(learn::hint(&mut course, lab, exercise.as_deref(), more)?, 0)
        }
        Some(Command::Watch { lab }) => watch::run(lab.as_deref()),
        Some(Command::Reset { lab, yes }) => {
            let mut course = Course::load()?;
            let lab = labs::find(&lab)?;
            out(&learn::reset(&mut course, lab, yes)?)?;
            Ok(0)
        }
        Some(Command::Dev(DevCommand::ServeCatalogue)) => {
            learn::serve_catalogue(&worker_command);
            Ok(0)
        }
        Some(Command::Dev(DevCommand::Check { skip_catalogue })) => {
            let course = Course::load()?;
            let (text, ok) = learn::dev_check(&course, &worker_command, !skip_catalogue, &*stop_on_signals()?)?;
            out(&text)?;
            Ok(if ok { 0 } else { 1 })
        }
        Some(Command::Show { lab }) => {
            let lab = labs::find(&lab)?;
            let terminal = std::io::IsTerminal::is_terminal(&std::io::stdout());
            let styled = terminal && std::env::var_os("NO_COLOR").is_none();
            match crossterm::terminal::size() {
                Ok((columns, rows)) if terminal && columns > 0 && rows > 0 => {
                    // One column spare: a line exactly as wide as the terminal leaves the
                    // cursor past the edge, and some terminals then show an empty line.
                    let text =
                        lesson::render(lab.lesson(), styled, Some(usize::from(columns).saturating_sub(1).max(20)));
                    pager::page(&text, usize::from(columns), usize::from(rows))?;
                }
                _ => out(&lesson::render(lab.lesson(), styled, None))?,
            }
            Ok(0)
        }
        Some(Command::Run { lab, variant, size, trials, budget, timeout, json, yours: true, .. }) => {
            let lab = labs::find(&lab)?;
            let (threads, iters) = size.or_defaults(lab);
            // Trials of threads take milliseconds: a stuck answer is stopped 20 s after the
            // budget (worker processes get their own time-out on top).
            let workers = if variant == "process" { 2 * timeout } else { Duration::ZERO };
            let limit = budget + workers + Duration::from_secs(20);
            let request = Request::Run {
                variant,
                threads,
                iters,
                trials: trials.map(trials_in_range).transpose()?,
                budget: budget.as_secs_f64(),
                json,
            };
            out(&learn::yours(&Course::load()?, lab, &request, limit, &*stop_on_signals()?)?)?;
            Ok(0)
        }
        Some(Command::Run { lab, variant, size, trials, budget, timeout, json, fault, .. }) => {
            let lab = labs::find(&lab)?;
            let mut worker = worker_command(lab)?;
            if let Some(fault) = fault {
                worker = worker.last_worker_args(["--fault".to_string(), format!("{fault:?}").to_lowercase()]);
            }
            let (threads, iters) = size.or_defaults(lab);
            let options = RunOptions {
                threads,
                iters,
                trials: trials.map(trials_in_range).transpose()?,
                budget,
                worker: Some(worker),
                worker_timeout: timeout,
            };
            runner::validate(lab, &variant, &options)?;
            if iters == 0 {
                return Err(Failure(
                    "--iters 0 gives every thread nothing to do: there is nothing to race; use --iters 1 or more"
                        .to_string(),
                    2,
                ));
            }
            let bar = progress_bar(json);
            let report = runner::run(lab, &variant, &options, |done, planned| {
                bar.set_length(planned as u64);
                bar.set_position(done as u64);
            });
            bar.finish_and_clear();
            let report = report?;
            if json {
                out_json(&report)?
            } else {
                out(&report.render(lab))?
            }
            Ok(0)
        }
        Some(Command::Check {
            lab,
            variant,
            threads,
            iters,
            random: true,
            iterations,
            seed,
            scheduler,
            depth,
            json,
            ..
        }) => {
            let lab = labs::find(&lab)?;
            let (threads, iters) =
                (threads.unwrap_or(lab.card().check_size.0), iters.unwrap_or(lab.card().check_size.1));
            let stepping = stepping(lab, &variant, threads, iters)?;
            if iterations == 0 || iterations > MAX_RANDOM {
                return Err(Failure(format!("--iterations must be between 1 and {MAX_RANDOM} (got {iterations})"), 2));
            }
            let sampler = match scheduler {
                SchedulerName::Random => crate::stepper::Sampler::Random,
                SchedulerName::Pct if !(1..=10).contains(&depth) => {
                    return Err(Failure(format!("--depth must be between 1 and 10 (got {depth})"), 2));
                }
                // shuttle's PCT takes its seed from this variable when it is set, which would
                // make `--seed` a lie.
                SchedulerName::Pct if std::env::var_os("SHUTTLE_RANDOM_SEED").is_some() => {
                    return Err(Failure(
                        "SHUTTLE_RANDOM_SEED is set and would replace --seed: unset it to use --scheduler pct"
                            .to_string(),
                        2,
                    ));
                }
                SchedulerName::Pct => crate::stepper::Sampler::Pct { depth },
            };
            let (text, report) = step::random(&stepping, sampler, iterations, seed);
            let passed = report.passed();
            if json {
                out_json(&report)?
            } else {
                out(&text)?
            }
            Ok(if passed { 0 } else { 1 })
        }
        Some(Command::Step { lab, puzzle, variant, threads, iters, schedule, html, plain }) => {
            let puzzle = puzzle.map(|id| labs::puzzle(&id)).transpose()?;
            let stepping = match (&lab, puzzle) {
                (_, Some((lab, puzzle))) => {
                    out(&format!("puzzle `{}`: {}\n", puzzle.id, puzzle.goal))?;
                    puzzle.stepping(lab)
                }
                (Some(lab), None) => {
                    let lab = labs::find(lab)?;
                    let (threads, iters) =
                        (threads.unwrap_or(lab.card().check_size.0), iters.unwrap_or(lab.card().check_size.1));
                    stepping(lab, &variant, threads, iters)?
                }
                (None, None) => {
                    let best =
                        crate::course::Progress::load(&Course::load()?.root).map(|p| p.puzzles).unwrap_or_default();
                    out(&step::puzzles(&best))?;
                    return Ok(0);
                }
            };
            let ending = match schedule {
                Some(list) => {
                    let moves = list
                        .split(',')
                        .map(|m| {
                            m.trim().parse::<usize>().map_err(|_| format!("--schedule: `{m}` is not a thread number"))
                        })
                        .collect::<Result<Vec<_>, _>>()?;
                    let (text, ending) = step::replay(&stepping, &moves)?;
                    out(&text)?;
                    ending
                }
                None if !plain && std::io::stdin().is_terminal() && std::io::stdout().is_terminal() => {
                    let (ending, after) = tui::interactive(&stepping, puzzle.map(|(_, p)| p.goal))?;
                    // The full screen is gone: what happened stays in the terminal's scrollback.
                    out(&format!("{}\n\n{after}", step::title(&stepping)))?;
                    if let Some(status) = exit::signalled() {
                        // Stopped by SIGTERM, SIGHUP or SIGINT: as a shell reports it, like every command.
                        return Ok(status);
                    }
                    ending
                }
                None => step::interactive(
                    &stepping,
                    Box::new(std::io::BufReader::new(std::io::stdin())),
                    Box::new(std::io::stdout()),
                ),
            };
            if let Some(path) = html {
                std::fs::write(&path, check::html::stepped(&stepping, &ending))
                    .map_err(|e| format!("cannot write {}: {e}", path.display()))?;
                out(&format!("The execution is drawn in {}.\n", path.display()))?;
            }
            if let Some((lab, puzzle)) = puzzle.filter(|_| !ending.stopped) {
                let (text, solved) = step::judge_puzzle(lab, puzzle, &ending);
                out(&text)?;
                if let Some(moves) = solved {
                    let root = Course::load()?.root;
                    crate::course::Progress::update(&root, |p| {
                        let best = p.puzzles.entry(puzzle.id.to_string()).or_insert(moves);
                        *best = (*best).min(moves);
                    })
                    .map_err(|e| Failure(format!("progress was not saved: {e}"), 2))?;
                }
            }
            Ok(0)
        }
        Some(Command::Check { lab, variant, threads, iters, preemption_bound, timeout, json, html, .. }) => {
            let lab = labs::find(&lab)?;
            let (threads, iters) =
                (threads.unwrap_or(lab.card().check_size.0), iters.unwrap_or(lab.card().check_size.1));
            check_size(lab, &variant, threads, iters)?;
            let mut model = Model::new(lab, &variant, threads, iters);
            model.preemption_bound = preemption_bound.map(usize::from);
            model.time_budget = timeout;
            let report = check::explore(&model).map_err(|e| e.to_string())?;
            if let Some(path) = &html {
                std::fs::write(path, check::html::page(&report, lab.decoder()))
                    .map_err(|e| format!("cannot write {}: {e}", path.display()))?;
            }
            if json {
                out_json(&report)?;
                // stdout is the one JSON document: where the page went is said on stderr.
                if let Some(path) = &html {
                    eprintln!("The report is drawn in {}.", path.display());
                }
            } else {
                out(&report.render())?;
                if let Some(path) = &html {
                    out(&format!("The report is drawn in {}.\n", path.display()))?;
                }
            }
            Ok(if report.passed() { 0 } else { 1 })
        }
        Some(Command::Demo { lab, children, iters, rounds, json }) => {
            let exe = std::env::current_exe().map_err(|e| format!("cannot find the racelab binary: {e}"))?;
            let request = crate::lab::DemoRequest { exe, children, iters, rounds, json };
            let with_demos: Vec<String> = labs::LABS
                .iter()
                .filter(|lab| lab.demo().is_some())
                .map(|lab| format!("{:02}", lab.number()))
                .collect();
            let lab = match lab {
                Some(name) => labs::find(&name)?,
                None => labs::find(with_demos.first().ok_or_else(|| "no lab has a demonstration".to_string())?)?,
            };
            match lab.demo() {
                Some(demo) => out(&demo(&request)?)?,
                None => {
                    let which = format!("lab {}", with_demos.join(", lab "));
                    return Err(Failure(format!("lab {:02} has no demonstration; {which} does", lab.number()), 2));
                }
            }
            Ok(0)
        }
        Some(Command::Bench { lab, threads, iters, trials, baseline, plot, json, yours, timeout }) => {
            let lab = labs::find(&lab)?;
            if timeout.is_some() && !yours {
                return Err(Failure(
                    "--timeout is the time limit of --yours: add --yours, or drop --timeout".into(),
                    2,
                ));
            }
            let bar = progress_bar(json);
            let progress = |part: &str| bar.set_message(part.to_string());
            let request = crate::lab::BenchRequest {
                exe: std::env::current_exe().map_err(|e| format!("cannot find the racelab binary: {e}"))?,
                threads: threads.clone(),
                iters,
                trials: trials_in_range(trials)?,
                json,
                plot: plot.is_some(),
                plot_to: plot.clone(),
                baseline: baseline.is_some(),
                yours,
                progress: &progress,
            };
            if let Some(own) = lab.bench() {
                let text = own(&request);
                bar.finish_and_clear();
                out(&text?)?;
                return Ok(0);
            }
            bar.finish_and_clear();
            let threads = if threads.is_empty() { bench::default_threads(bench::cores()) } else { threads };
            if let Some(&bad) = threads.iter().find(|&&n| n == 0 || n > runner::MAX_PROCESSES) {
                return Err(Failure(
                    format!(
                        "--threads must be between 1 and {} for bench, which runs `process` too (got {bad})",
                        runner::MAX_PROCESSES
                    ),
                    2,
                ));
            }
            if threads.len() > 16 {
                return Err(Failure(format!("--threads takes at most 16 counts (got {})", threads.len()), 2));
            }
            let baseline = match baseline {
                Some(name) => {
                    let variant = lab.variant(&name)?;
                    if !matches!(variant.kind, Kind::Racy | Kind::Fix) {
                        return Err(Failure(format!("--baseline must be the racy variant or a fix (got `{name}`)"), 2));
                    }
                    variant.name
                }
                None => bench::default_baseline(lab),
            };
            if let Some(path) = &plot
                && path.extension().is_none_or(|e| e != "svg")
            {
                return Err(Failure(
                    format!("--plot writes SVG: give a file name ending in .svg (got {})", path.display()),
                    2,
                ));
            }
            let options = RunOptions {
                threads: 1,
                iters: iters.unwrap_or(lab.card().run_size.1),
                trials: Some(trials_in_range(trials)?),
                worker: Some(worker_command(lab)?),
                ..RunOptions::default()
            };
            if yours {
                if baseline != bench::default_baseline(lab) {
                    return Err(Failure(
                        "--yours measures against the lab's default baseline: drop --baseline".into(),
                        2,
                    ));
                }
                let plot = match plot {
                    Some(path) if path.is_relative() => {
                        Some(std::env::current_dir().map_err(|e| e.to_string())?.join(path))
                    }
                    other => other,
                };
                let trials = options.trials.unwrap_or(5);
                // A few seconds per trial of every line (answers and references), plus start-up
                // (the build is done by then): an answer stuck under contention is stopped instead of
                // leaving the learner waiting, and a line on stderr says how long it has been.
                let lines = labs::exercises(lab.number()).map_or(0, |e| e.list().len()) + 2;
                let seconds = 20 + 3 * (trials * threads.len() * lines) as u64;
                let limit = timeout.unwrap_or(Duration::from_secs(seconds.min(MAX_YOURS_BENCH_SECONDS)));
                let request = Request::Bench { threads, iters: options.iters, trials, json, plot };
                out(&learn::yours(&Course::load()?, lab, &request, limit, &*stop_on_signals()?)?)?;
                return Ok(0);
            }
            let variants: Vec<_> =
                lab.card().variants.iter().filter(|v| matches!(v.kind, Kind::Racy | Kind::Fix)).collect();
            for variant in &variants {
                for &n in &threads {
                    runner::validate(lab, variant.name, &RunOptions { threads: n, ..options.clone() })?;
                }
            }
            let bar = progress_bar(json);
            bar.set_length((variants.len() * threads.len() * options.trials.unwrap_or(1)) as u64);
            bar.set_style(
                indicatif::ProgressStyle::with_template("{spinner} {msg:<24} [{bar:30}] {pos}/{len} trials {elapsed}")
                    .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar()),
            );
            let measured = bench::run(lab, &options, &threads, baseline, |variant, n| {
                bar.set_message(format!("{variant} × {n}"));
                bar.inc(1);
            });
            bar.finish_and_clear();
            let bench = measured?;
            if let Some(path) = &plot {
                bench.plot(path)?;
            }
            if json {
                out_json(&bench)?
            } else {
                let mut text = bench.render();
                if let Some(path) = &plot {
                    text.push_str(&format!("Plot written to {}.\n", path.display()));
                }
                out(&text)?
            }
            Ok(0)
        }
        Some(Command::Worker { lab, fault, job, answer }) => {
            let lab = labs::find(&lab)?;
            let max = lab.card().max_total.min(runner::MAX_TOTAL);
            if let Some(big) = job.iter().find(|&&n| n > max) {
                return Err(Failure(
                    format!("a lab {:02} worker's numbers must be at most {max} (got {big})", lab.number()),
                    2,
                ));
            }
            match fault {
                Some(Fault::Crash) => std::process::abort(),
                Some(Fault::Hang) => loop {
                    std::thread::park();
                },
                Some(Fault::Garbage) => out("hello, parent\n")?,
                None => {
                    let report = match answer {
                        Some(name) => labs::exercises(lab.number())
                            .and_then(|e| e.answer_report(&name, &job))
                            .ok_or_else(|| format!("lab {:02} has no catalogued answer `{name}`", lab.number()))?,
                        None => lab.worker(&job)?,
                    };
                    out(&format!("{}{report}\n", runner::process::REPORT))?
                }
            }
            Ok(0)
        }
    }
}

/// How this binary starts a worker process for `lab`: `cargo run -- worker N <job…>`.
pub(crate) fn worker_command(lab: &'static dyn Lab) -> Result<WorkerCommand, String> {
    let exe = std::env::current_exe().map_err(|e| format!("cannot find the racelab binary: {e}"))?;
    Ok(WorkerCommand::new(exe, ["worker".to_string(), lab.number().to_string()]))
}

/// A progress bar on stderr that draws only on a terminal, and only after a moment.
fn progress_bar(json: bool) -> indicatif::ProgressBar {
    if json {
        return indicatif::ProgressBar::hidden();
    }
    let bar = indicatif::ProgressBar::new(1);
    bar.set_style(
        indicatif::ProgressStyle::with_template("{spinner} trial {pos}/{len} {elapsed}")
            .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar()),
    );
    bar.enable_steady_tick(Duration::from_millis(250));
    bar
}
