//! `racelab verify N`: compile the learner's exercise, run its checks, collect
//! the outcomes.
//!
//! Two steps, so that each failure is reported for what it is:
//!
//! 1. `cargo test --no-run --test exercise_NN`: a compile error is shown as
//!    the compiler wrote it, and no check runs;
//! 2. the test binary itself, run directly with [`OUT_ENV`] set, in its own
//!    process group and under a time limit, so that a learner's endless loop
//!    is killed — with any worker processes it started — instead of hanging.
//!
//! Each check appends its [`Outcome`] as a JSON line to the file named by
//! [`OUT_ENV`]; no test output is parsed.

use crate::course::Status;
use crate::exercise::{OUT_ENV, Outcome};
use std::io::Read;
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};
use wait_timeout::ChildExt;

/// What `verify` found.
#[derive(Debug)]
pub struct Verification {
    /// Lab number.
    pub lab: u8,
    /// One outcome per exercise, in course order.
    pub outcomes: Vec<Outcome>,
    /// The compiler's errors, when the exercise does not compile.
    pub compile_error: Option<String>,
    /// Seconds spent compiling.
    pub build_seconds: f64,
    /// Seconds spent running the checks.
    pub check_seconds: f64,
}

impl Verification {
    /// `true` when every exercise is solved.
    pub fn solved(&self) -> bool {
        self.compile_error.is_none() && self.outcomes.iter().all(|o| o.status == Status::Solved)
    }
}

fn cargo() -> PathBuf {
    std::env::var_os("CARGO").map_or_else(|| PathBuf::from("cargo"), PathBuf::from)
}

/// Compiles `exercise_NN`; returns the test binary, or the compiler's errors.
fn build(root: &Path, target: &str) -> Result<Result<PathBuf, String>, String> {
    let output = Command::new(cargo())
        .current_dir(root)
        .args(["test", "--no-run", "--quiet", "--message-format=json-render-diagnostics", "--test", target])
        .stdin(Stdio::null())
        .output()
        .map_err(|e| format!("cannot run cargo ({}): {e}", cargo().display()))?;
    let stdout = String::from_utf8_lossy(&output.stdout);
    let executable =
        stdout.lines().filter_map(|line| serde_json::from_str::<serde_json::Value>(line).ok()).find_map(|msg| {
            let is_target = msg["reason"] == "compiler-artifact" && msg["target"]["name"] == target;
            is_target.then(|| msg["executable"].as_str().map(PathBuf::from)).flatten()
        });
    match (output.status.success(), executable) {
        (true, Some(exe)) => Ok(Ok(exe)),
        _ => {
            let stderr = String::from_utf8_lossy(&output.stderr).trim_end().to_string();
            Ok(Err(if stderr.is_empty() { format!("cargo could not build `{target}`") } else { stderr }))
        }
    }
}

/// Compiles and checks lab `lab`'s exercise, giving the checks `timeout` to finish.
pub fn verify(root: &Path, lab: u8, exercises: &[&str], timeout: Duration) -> Result<Verification, String> {
    let target = format!("exercise_{lab:02}");
    let started = Instant::now();
    let built = build(root, &target)?;
    let build_seconds = started.elapsed().as_secs_f64();
    let exe = match built {
        Ok(exe) => exe,
        Err(compile_error) => {
            let outcomes = exercises
                .iter()
                .map(|name| Outcome {
                    lab,
                    exercise: name.to_string(),
                    status: Status::Failing,
                    summary: "does not compile".to_string(),
                    details: String::new(),
                    inconclusive: false,
                })
                .collect();
            return Ok(Verification {
                lab,
                outcomes,
                compile_error: Some(compile_error),
                build_seconds,
                check_seconds: 0.0,
            });
        }
    };

    let results = tempfile::NamedTempFile::new().map_err(|e| format!("cannot create a temporary file: {e}"))?;
    let started = Instant::now();
    let mut child = Command::new(&exe)
        .current_dir(root)
        .args(["--test-threads", "2"])
        .env(OUT_ENV, results.path())
        .env("RUST_BACKTRACE", "0")
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .process_group(0)
        .spawn()
        .map_err(|e| format!("cannot run {}: {e}", exe.display()))?;
    // Drain the pipes while waiting, so a chatty test never blocks on a full pipe.
    let drains: Vec<_> = [child.stdout.take().map(box_read), child.stderr.take().map(box_read)]
        .into_iter()
        .flatten()
        .map(|mut pipe| {
            std::thread::spawn(move || {
                let mut sink = Vec::new();
                let _ = pipe.read_to_end(&mut sink);
            })
        })
        .collect();
    let finished = child.wait_timeout(timeout).map_err(|e| format!("cannot wait for the checks: {e}"))?;
    let timed_out = finished.is_none();
    if timed_out {
        // Safety: killpg only sends a signal; the group is the test binary and
        // the worker processes it started (it was spawned with process_group(0)).
        unsafe {
            libc::killpg(child.id() as libc::pid_t, libc::SIGKILL);
        }
        let _ = child.wait();
    }
    for drain in drains {
        let _ = drain.join();
    }
    let check_seconds = started.elapsed().as_secs_f64();

    let text = std::fs::read_to_string(results.path()).unwrap_or_default();
    let found: Vec<Outcome> = text.lines().filter_map(|line| serde_json::from_str(line).ok()).collect();
    let outcomes = exercises
        .iter()
        .map(|name| {
            found.iter().find(|o| o.exercise == *name).cloned().unwrap_or_else(|| Outcome {
                lab,
                exercise: name.to_string(),
                status: Status::Failing,
                summary: if timed_out {
                    format!("the checks did not finish in {:.0} s: is there an endless loop?", timeout.as_secs_f64())
                } else {
                    "the check crashed before reporting a result".to_string()
                },
                details: String::new(),
                inconclusive: true,
            })
        })
        .collect();
    Ok(Verification { lab, outcomes, compile_error: None, build_seconds, check_seconds })
}

fn box_read<R: Read + Send + 'static>(pipe: R) -> Box<dyn Read + Send> {
    Box::new(pipe)
}
