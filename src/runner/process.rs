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
use std::process::{Child, Command, ExitStatus, Stdio};
use std::sync::mpsc::{self, Receiver};
use std::time::{Duration, Instant};

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

    /// Appends arguments for every worker (before the job's numbers).
    pub fn args<I, S>(mut self, args: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        self.args.extend(args.into_iter().map(Into::into));
        self
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

    /// The command that starts one worker for `job` (stdout and stderr piped,
    /// stdin empty), for callers that talk to a worker themselves (a pool).
    pub fn command_for(&self, job: &[u64]) -> Command {
        self.command(job, false)
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
        die_with_parent(&mut command);
        command
    }
}

/// Makes the child get SIGKILL when the thread that started it ends (Linux):
/// a parent stopped by Ctrl-C, SIGTERM or SIGKILL leaves no worker behind.
///
/// The signal follows the *thread* that spawned the child, so spawn workers
/// from a thread that outlives them (as [`run_workers`] does: it waits for them).
fn die_with_parent(command: &mut Command) {
    #[cfg(target_os = "linux")]
    {
        use std::os::unix::process::CommandExt;
        let parent = std::process::id() as libc::pid_t;
        // Safety: between fork and exec only async-signal-safe calls (prctl, getppid).
        unsafe {
            command.pre_exec(move || {
                if libc::prctl(libc::PR_SET_PDEATHSIG, libc::SIGKILL as libc::c_ulong) == -1 {
                    return Err(std::io::Error::last_os_error());
                }
                // The parent may have died before prctl: then nobody would collect the report.
                if libc::getppid() != parent {
                    return Err(std::io::Error::other("the parent ended before the worker started"));
                }
                Ok(())
            });
        }
    }
    #[cfg(not(target_os = "linux"))]
    let _ = command;
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
    status: Option<ExitStatus>,
    stdout: Receiver<String>,
    stderr: Receiver<String>,
}

/// The workers of one trial. Dropping the crew kills and reaps every worker
/// still running, so no way out of [`run_workers`] leaves one running or a zombie.
struct Crew(Vec<Worker>);

impl Drop for Crew {
    fn drop(&mut self) {
        for worker in self.0.iter_mut().filter(|w| w.status.is_none()) {
            let _ = worker.child.kill();
            let _ = worker.child.wait();
        }
    }
}

fn drain(mut pipe: impl Read + Send + 'static) -> Receiver<String> {
    // One reader thread per pipe, so a chatty worker never blocks on a full pipe;
    // the text comes back through a channel, so the parent can stop waiting for it.
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        let mut bytes = Vec::new();
        let _ = pipe.read_to_end(&mut bytes);
        let _ = tx.send(String::from_utf8_lossy(&bytes).into_owned());
    });
    rx
}

/// A worker's output, waiting at most until `deadline` for the pipe to close
/// (a child of the worker may hold it open).
fn collect(pipe: &Receiver<String>, deadline: Instant) -> Option<String> {
    pipe.recv_timeout(deadline.saturating_duration_since(Instant::now()).max(Duration::from_millis(100))).ok()
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

/// How a worker that failed ended.
fn how_it_ended(status: ExitStatus) -> String {
    use std::os::unix::process::ExitStatusExt;
    match (status.code(), status.signal()) {
        (Some(code), _) => format!("exited with status {code}"),
        (None, Some(signal)) => format!("was killed by signal {signal} ({})", signal_name(signal)),
        _ => format!("ended abnormally ({status})"),
    }
}

/// At most this much of a worker's output is quoted in an error.
const QUOTED: usize = 200;

/// `text` as printed, in quotes with escapes, shortened to [`QUOTED`] characters.
fn quote(text: &str) -> String {
    if text.chars().count() <= QUOTED {
        format!("{text:?}")
    } else {
        let head: String = text.chars().take(QUOTED).collect();
        format!("{head:?}… ({} bytes in all)", text.len())
    }
}

/// Starts one worker per job, waits for all of them (at most `timeout` in
/// total) and returns their reports in worker order.
///
/// The first worker to fail is reported as soon as it ends, whatever the
/// others are doing; the others are then killed and reaped.
pub fn run_workers(command: &WorkerCommand, jobs: &[Vec<u64>], timeout: Duration) -> Result<Vec<u64>, WorkerError> {
    let deadline = Instant::now() + timeout;
    let mut crew = Crew(Vec::with_capacity(jobs.len()));
    for (i, job) in jobs.iter().enumerate() {
        let mut child = command.command(job, i + 1 == jobs.len()).spawn().map_err(|e| {
            WorkerError(format!("could not start worker {} ({}): {e}", i + 1, command.program.display()))
        })?;
        let (Some(stdout), Some(stderr)) = (child.stdout.take(), child.stderr.take()) else {
            let _ = child.kill();
            let _ = child.wait();
            return Err(WorkerError(format!("worker {} has no output pipe", i + 1)));
        };
        crew.0.push(Worker { child, status: None, stdout: drain(stdout), stderr: drain(stderr) });
    }

    // Poll every worker, so whichever fails first is reported at once.
    let mut pause = Duration::from_millis(1);
    loop {
        let mut running = None;
        for (i, worker) in crew.0.iter_mut().enumerate().filter(|(_, w)| w.status.is_none()) {
            let pid = worker.child.id();
            match worker.child.try_wait() {
                Ok(Some(status)) => {
                    worker.status = Some(status);
                    if !status.success() {
                        let stderr = collect(&worker.stderr, Instant::now() + Duration::from_millis(500));
                        let last = stderr
                            .unwrap_or_default()
                            .lines()
                            .rev()
                            .find(|l| !l.trim().is_empty())
                            .map(|l| format!(": {}", l.trim()));
                        return Err(WorkerError(format!(
                            "worker {} (pid {pid}) {}{}; no total, since its count is missing",
                            i + 1,
                            how_it_ended(status),
                            last.unwrap_or_default()
                        )));
                    }
                }
                Ok(None) => running = running.or(Some((i, pid))),
                Err(e) => return Err(WorkerError(format!("could not wait for worker {} (pid {pid}): {e}", i + 1))),
            }
        }
        let Some((i, pid)) = running else { break };
        let now = Instant::now();
        if now >= deadline {
            return Err(WorkerError(format!(
                "worker {} (pid {pid}) did not report within {:.0} s; all workers were killed",
                i + 1,
                timeout.as_secs_f64()
            )));
        }
        std::thread::sleep(pause.min(deadline - now));
        pause = (pause * 2).min(Duration::from_millis(20));
    }

    let mut reports = Vec::with_capacity(crew.0.len());
    for (i, worker) in crew.0.iter().enumerate() {
        let Some(stdout) = collect(&worker.stdout, deadline) else {
            return Err(WorkerError(format!(
                "worker {} ended but its output stayed open for {:.0} s (a process it started still holds it?); no total",
                i + 1,
                timeout.as_secs_f64()
            )));
        };
        // The last report line: racelab's worker prints it after the answer returned, so a
        // line the answer printed itself (`println!("report …")`) cannot stand in for it.
        let report = stdout.lines().rev().find_map(|line| line.trim().strip_prefix(REPORT)).map(str::trim);
        match report.map(str::parse::<u64>) {
            Some(Ok(value)) => reports.push(value),
            _ => {
                let said = if stdout.is_empty() { "nothing".to_string() } else { quote(&stdout) };
                return Err(WorkerError(format!(
                    "worker {} sent no report (expected a line `{REPORT}<number>`, got {said}); no total",
                    i + 1
                )));
            }
        }
    }
    Ok(reports)
}
