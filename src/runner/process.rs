//! Process isolation for real: worker processes that share no memory and
//! report their results over a pipe.
//!
//! The parent starts one worker per job (`racelab worker 1 <iters>`),
//! each worker counts in its own address space and prints one line,
//! `report <value>`, on its stdout. The parent collects every report and
//! combines them. A worker that dies, hangs, or reports nonsense is named in
//! the error, every other worker is killed and reaped (no zombies), and no
//! partial total is ever returned.
//!
//! # Examples
//!
//! A worker can be any program that prints a report line:
//!
//! ```
//! use racelab::runner::process::{WorkerCommand, run_workers};
//! use std::time::Duration;
//!
//! let echo = WorkerCommand::new("sh", ["-c", "echo report $(( $1 * 2 ))", "sh"]);
//! let reports = run_workers(&echo, &[vec![3], vec![4]], Duration::from_secs(10)).unwrap();
//! assert_eq!(reports, vec![6, 8]);
//! ```

use std::io::Read;
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};
use wait_timeout::ChildExt;

/// The prefix of the one line a worker prints: `report 1000000`.
pub const REPORT: &str = "report ";

/// How to start one worker; the numbers of its job are appended as the last arguments.
#[derive(Clone, Debug)]
pub struct WorkerCommand {
    program: PathBuf,
    args: Vec<String>,
    last_args: Vec<String>,
    env: Vec<(String, String)>,
}

impl WorkerCommand {
    /// A worker started as `program args… <job numbers…>`.
    pub fn new<I, S>(program: impl Into<PathBuf>, args: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        WorkerCommand {
            program: program.into(),
            args: args.into_iter().map(Into::into).collect(),
            last_args: Vec::new(),
            env: Vec::new(),
        }
    }

    /// Sets an environment variable for every worker.
    pub fn env(mut self, key: impl Into<String>, value: impl Into<String>) -> Self {
        self.env.push((key.into(), value.into()));
        self
    }

    /// Extra arguments for the last worker only (used to inject a fault into one worker).
    pub fn last_worker_args<I, S>(mut self, args: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        self.last_args = args.into_iter().map(Into::into).collect();
        self
    }

    fn command(&self, job: &[u64], last: bool) -> Command {
        let mut command = Command::new(&self.program);
        command.args(&self.args);
        if last {
            command.args(&self.last_args);
        }
        command.args(job.iter().map(u64::to_string));
        command.envs(self.env.iter().map(|(k, v)| (k, v)));
        command.stdin(Stdio::null()).stdout(Stdio::piped()).stderr(Stdio::piped());
        command
    }
}

/// Why the parent has no total.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WorkerError(pub String);

impl std::fmt::Display for WorkerError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for WorkerError {}

struct Worker {
    child: Child,
    stdout: JoinHandle<String>,
    stderr: JoinHandle<String>,
}

fn drain(mut pipe: impl Read + Send + 'static) -> JoinHandle<String> {
    // One reader thread per pipe, so a chatty worker never blocks on a full pipe.
    std::thread::spawn(move || {
        let mut text = String::new();
        let _ = pipe.read_to_string(&mut text);
        text
    })
}

fn signal_name(signal: i32) -> &'static str {
    match signal {
        1 => "SIGHUP",
        2 => "SIGINT",
        6 => "SIGABRT",
        9 => "SIGKILL",
        11 => "SIGSEGV",
        13 => "SIGPIPE",
        15 => "SIGTERM",
        _ => "signal",
    }
}

/// Kills and reaps every worker still running, so none is left as a zombie.
fn kill_all(workers: &mut [Worker]) {
    for worker in workers.iter_mut() {
        let _ = worker.child.kill();
        let _ = worker.child.wait();
    }
}

/// Starts one worker per job, waits for all of them (at most `timeout` in
/// total) and returns their reports in worker order.
pub fn run_workers(command: &WorkerCommand, jobs: &[Vec<u64>], timeout: Duration) -> Result<Vec<u64>, WorkerError> {
    let deadline = Instant::now() + timeout;
    let mut workers: Vec<Worker> = Vec::with_capacity(jobs.len());
    for (i, job) in jobs.iter().enumerate() {
        match command.command(job, i + 1 == jobs.len()).spawn() {
            Ok(mut child) => {
                let stdout = drain(child.stdout.take().expect("stdout is piped"));
                let stderr = drain(child.stderr.take().expect("stderr is piped"));
                workers.push(Worker { child, stdout, stderr });
            }
            Err(e) => {
                kill_all(&mut workers);
                return Err(WorkerError(format!(
                    "could not start worker {} ({}): {e}",
                    i + 1,
                    command.program.display()
                )));
            }
        }
    }

    for i in 0..workers.len() {
        let pid = workers[i].child.id();
        let left = deadline.saturating_duration_since(Instant::now());
        let status = match workers[i].child.wait_timeout(left) {
            Ok(Some(status)) => status,
            Ok(None) => {
                kill_all(&mut workers);
                return Err(WorkerError(format!(
                    "worker {} (pid {pid}) did not report within {:.0} s; all workers were killed",
                    i + 1,
                    timeout.as_secs_f64()
                )));
            }
            Err(e) => {
                kill_all(&mut workers);
                return Err(WorkerError(format!("could not wait for worker {} (pid {pid}): {e}", i + 1)));
            }
        };
        if !status.success() {
            kill_all(&mut workers);
            let how = {
                use std::os::unix::process::ExitStatusExt;
                match (status.code(), status.signal()) {
                    (Some(code), _) => format!("exited with status {code}"),
                    (None, Some(signal)) => format!("was killed by signal {signal} ({})", signal_name(signal)),
                    _ => format!("ended abnormally ({status})"),
                }
            };
            let worker = workers.swap_remove(i);
            let stderr = worker.stderr.join().unwrap_or_default();
            let last = stderr.lines().rev().find(|l| !l.trim().is_empty()).map(|l| format!(": {}", l.trim()));
            return Err(WorkerError(format!(
                "worker {} (pid {pid}) {how}{}; no total, since its count is missing",
                i + 1,
                last.unwrap_or_default()
            )));
        }
    }

    let mut reports = Vec::with_capacity(workers.len());
    for (i, worker) in workers.into_iter().enumerate() {
        let stdout = worker.stdout.join().unwrap_or_default();
        let _ = worker.stderr.join();
        let report = stdout.lines().find_map(|line| line.trim().strip_prefix(REPORT)).map(str::trim);
        match report.map(str::parse::<u64>) {
            Some(Ok(value)) => reports.push(value),
            _ => {
                let said = stdout.lines().next().unwrap_or("nothing").trim();
                return Err(WorkerError(format!(
                    "worker {} sent no report (expected `{REPORT}<number>`, got `{said}`); no total",
                    i + 1
                )));
            }
        }
    }
    Ok(reports)
}
