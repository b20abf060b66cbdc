//! Lab 04 on real processes: a page shared between processes, `fork` versus
//! spawn, and what starting each costs.
//!
//! Everything here runs on the real backend only; loom cannot run processes,
//! so under loom the same lab functions run as model threads whose only
//! shared state is the page (see `labs/04_processes/reference.rs`).
//!
//! * **The shared page** is a `memfd`: a file with no name, freed by the
//!   kernel when the last process holding it exits. Nothing is ever written to
//!   disk and nothing needs cleaning up — not after a worker is killed, not
//!   even after the parent is. Workers are spawned (`racelab worker 4 …`),
//!   inherit the descriptor, map it and find the counter in it.
//! * **`fork`** happens only in a process that has exactly one thread,
//!   checked in `/proc/self/task` before every fork. `fork` copies only the
//!   calling thread: a lock another thread held at that moment (the
//!   allocator's, stdout's) stays locked forever in the child. A test binary
//!   always has at least two threads, and `racelab run` draws a progress bar
//!   from a second thread, so every fork here happens in a fresh single-threaded
//!   helper, `racelab worker 4 …`, spawned for the purpose.
//!
//! # Examples
//!
//! ```
//! use racelab::labs::processes::os;
//!
//! // A test process is never single-threaded, so it refuses to fork.
//! assert!(os::threads_in_this_process() >= 1);
//! let page = os::SharedPage::create().unwrap();
//! page.page().counter.fetch_add(2, std::sync::atomic::Ordering::Relaxed);
//! assert_eq!(page.page().counter.load(std::sync::atomic::Ordering::Relaxed), 2);
//! ```

use crate::bench::median;
use crate::lab::DemoRequest;
use super::real::{self as lab, Fixes, Page, SHARED_VARIANTS};
use crate::runner::process::{REPORT, WorkerCommand, run_workers};
use serde::Serialize;
use std::fmt::Write as _;
use std::fs::File;
use std::io::Read as _;
use std::os::fd::{AsRawFd, FromRawFd, OwnedFd};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::ptr::NonNull;
use std::sync::OnceLock;
use std::sync::atomic::{AtomicU64, Ordering::Relaxed, Ordering::SeqCst};
use std::time::{Duration, Instant};
use wait_timeout::ChildExt;

/// Job tag: a worker that maps the shared page (`[1, fd, workers, variant, iters, die_after]`).
pub const JOB_SHARED: u64 = 1;
/// Job tag: a helper that forks children which count in their copy (`[2, children, iters, before]`).
pub const JOB_FORK: u64 = 2;
/// Job tag: a helper that times `fork` + `wait` (`[3, trials]`).
pub const JOB_FORK_TIMING: u64 = 3;
/// Job tag: a spawned child that counts on its own fresh counter (`[4, iters]`).
pub const JOB_SPAWN_CHILD: u64 = 4;

/// How long the workers of one real run may take.
pub const TIMEOUT: Duration = Duration::from_secs(60);

/// Bytes in the shared mapping: one page.
const LEN: usize = 4096;
/// Where the start line's arrival count lives in the page (after the [`Page`]).
const ARRIVED_AT: usize = 64;

const _: () = assert!(std::mem::size_of::<Page>() <= ARRIVED_AT);

/// A process-wide counter: the variable a forked child copies and a spawned
/// child gets fresh (see [`demo`]).
static COUNTER: AtomicU64 = AtomicU64::new(0);

/// How many threads this process has right now (from `/proc/self/task`).
pub fn threads_in_this_process() -> usize {
    std::fs::read_dir("/proc/self/task").map_or(usize::MAX, |dir| dir.count())
}

fn os_error(what: &str) -> String {
    format!("{what}: {}", std::io::Error::last_os_error())
}

/// One page of memory shared between processes, backed by a `memfd`.
#[derive(Debug)]
pub struct SharedPage {
    fd: OwnedFd,
    ptr: NonNull<u8>,
}

// Safety: the mapping is only ever accessed through atomics (`Page`'s fields
// and the arrival count), which are safe to share between threads — and
// between processes, since a lock-free atomic does not depend on its address.
unsafe impl Send for SharedPage {}
// Safety: as above.
unsafe impl Sync for SharedPage {}

impl SharedPage {
    /// A new zero-filled page (counter 0, lock free) that spawned workers inherit.
    pub fn create() -> Result<SharedPage, String> {
        // Safety: the name is a NUL-terminated literal. No MFD_CLOEXEC on purpose: the workers
        // this process spawns inherit the descriptor (its number is in their job).
        let raw = unsafe { libc::memfd_create(c"racelab-page".as_ptr(), 0) };
        if raw < 0 {
            return Err(os_error("cannot create the shared page (memfd_create)"));
        }
        // Safety: `raw` is a fresh descriptor that nothing else owns.
        let fd = unsafe { OwnedFd::from_raw_fd(raw) };
        let file = File::from(fd);
        file.set_len(LEN as u64).map_err(|e| format!("cannot size the shared page: {e}"))?;
        SharedPage::map(file.into())
    }

    /// Maps the page a parent passed down as descriptor `fd` (a worker's side).
    pub fn open(fd: u64) -> Result<SharedPage, String> {
        let raw = i32::try_from(fd).map_err(|_| format!("no descriptor {fd}"))?;
        // Safety: dup only creates a new descriptor (or fails); we own what it returns.
        let copy = unsafe { libc::dup(raw) };
        if copy < 0 {
            return Err(os_error(&format!("descriptor {raw} is not the shared page")));
        }
        // Safety: `copy` is a fresh descriptor that nothing else owns.
        let fd = unsafe { OwnedFd::from_raw_fd(copy) };
        let file = File::from(fd);
        let len = file.metadata().map(|m| m.len()).unwrap_or(0);
        if len < LEN as u64 {
            return Err(format!("descriptor {raw} is not the shared page ({len} bytes)"));
        }
        SharedPage::map(file.into())
    }

    fn map(fd: OwnedFd) -> Result<SharedPage, String> {
        // Safety: maps LEN bytes of a file at least LEN long, shared and read-write; the
        // kernel chooses the (page-aligned) address. Checked for failure below.
        let ptr = unsafe {
            libc::mmap(
                std::ptr::null_mut(),
                LEN,
                libc::PROT_READ | libc::PROT_WRITE,
                libc::MAP_SHARED,
                fd.as_raw_fd(),
                0,
            )
        };
        if ptr == libc::MAP_FAILED {
            return Err(os_error("cannot map the shared page"));
        }
        let ptr = NonNull::new(ptr.cast::<u8>()).ok_or("mmap returned null")?;
        Ok(SharedPage { fd, ptr })
    }

    /// The page's counter and lock.
    pub fn page(&self) -> &Page {
        // Safety: the mapping is LEN bytes, page-aligned and lives as long as `self`. `Page` is
        // `repr(C)` atomics only, valid for all-zero bytes (a fresh memfd) and for whatever other
        // processes store through the same atomics.
        unsafe { &*self.ptr.as_ptr().cast::<Page>() }
    }

    /// How many workers have reached the start line.
    fn arrived(&self) -> &AtomicU64 {
        // Safety: ARRIVED_AT + 8 ≤ LEN, 8-aligned, beyond `Page` (checked at compile time), zero at
        // first and only ever accessed as this atomic.
        unsafe { &*self.ptr.as_ptr().add(ARRIVED_AT).cast::<AtomicU64>() }
    }

    /// The descriptor number a spawned worker inherits.
    pub fn fd(&self) -> u64 {
        self.fd.as_raw_fd().unsigned_abs().into()
    }

    /// Waits until `workers` workers have arrived, so that they really overlap.
    fn start_line(&self, workers: u64) -> Result<(), String> {
        self.arrived().fetch_add(1, SeqCst);
        let deadline = Instant::now() + Duration::from_secs(20);
        while self.arrived().load(SeqCst) < workers {
            if Instant::now() > deadline {
                return Err("the other workers never arrived at the start line".to_string());
            }
            std::thread::yield_now();
        }
        Ok(())
    }
}

impl Drop for SharedPage {
    fn drop(&mut self) {
        // Safety: `ptr` was returned by mmap for LEN bytes and every reference into it borrows
        // `self`, so none outlives this unmapping. The memfd closes with `fd`.
        unsafe { libc::munmap(self.ptr.as_ptr().cast(), LEN) };
    }
}

// ---------------------------------------------------------------------------
// The helper binary
// ---------------------------------------------------------------------------

static HELPER: OnceLock<PathBuf> = OnceLock::new();

/// Uses `racelab` at `path` as the helper that workers are spawned from (tests
/// pass `env!("CARGO_BIN_EXE_racelab")`; the `racelab` binary is its own helper).
pub fn use_helper(path: impl Into<PathBuf>) {
    let _ = HELPER.set(path.into());
}

/// The `racelab` binary workers are spawned from.
pub fn helper() -> Result<PathBuf, String> {
    if let Some(path) = HELPER.get() {
        return Ok(path.clone());
    }
    std::env::current_exe().map_err(|e| format!("cannot find the racelab binary: {e}"))
}

/// `racelab worker 4`, the command every lab 04 worker runs.
pub fn worker_command(helper: &Path) -> WorkerCommand {
    WorkerCommand::new(helper, ["worker", "4"])
}

/// Runs `racelab worker 4 <job…>` and returns the lines it printed (its
/// `report` last), stopping it after `timeout`.
fn helper_lines(helper: &Path, job: &[u64], timeout: Duration) -> Result<Vec<String>, String> {
    let mut child = Command::new(helper)
        .args(["worker", "4"])
        .args(job.iter().map(u64::to_string))
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(|e| format!("cannot start {}: {e}", helper.display()))?;
    let mut stdout = child.stdout.take().ok_or("no stdout")?;
    let reader = std::thread::spawn(move || {
        let mut text = String::new();
        let _ = stdout.read_to_string(&mut text);
        text
    });
    let status = match child.wait_timeout(timeout) {
        Ok(Some(status)) => status,
        Ok(None) | Err(_) => {
            let _ = child.kill();
            let _ = child.wait();
            return Err(format!("the helper did not finish within {} s and was killed", timeout.as_secs()));
        }
    };
    let text = reader.join().unwrap_or_default();
    if !status.success() {
        let mut stderr = String::new();
        if let Some(mut pipe) = child.stderr.take() {
            let _ = pipe.read_to_string(&mut stderr);
        }
        return Err(format!("the helper failed ({status}): {}", stderr.trim()));
    }
    Ok(text.lines().map(str::to_string).collect())
}

fn report_of(lines: &[String]) -> Result<u64, String> {
    lines
        .iter()
        .find_map(|l| l.strip_prefix(REPORT).and_then(|n| n.trim().parse().ok()))
        .ok_or_else(|| "the helper sent no report".to_string())
}

// ---------------------------------------------------------------------------
// Real runs: workers in real processes sharing one page
// ---------------------------------------------------------------------------

/// Runs `variant` in `workers` real processes sharing one page, each doing
/// `iters` increments, and returns the counter the parent reads at the end.
///
/// `die_after`: the last worker kills itself (SIGKILL) after that many
/// increments, to show what the parent does when a worker dies mid-run: every
/// other worker is killed and reaped, no total is returned, and nothing is
/// left behind (the page is a memfd).
pub fn run_shared(
    helper: &Path,
    variant: &str,
    workers: usize,
    iters: u64,
    die_after: Option<u64>,
) -> Result<u64, String> {
    let index = SHARED_VARIANTS
        .iter()
        .position(|v| *v == variant)
        .ok_or_else(|| format!("`{variant}` does not share a page; try one of {}", SHARED_VARIANTS.join(", ")))?;
    let page = SharedPage::create()?;
    let jobs: Vec<Vec<u64>> = (0..workers)
        .map(|i| {
            let die = if i + 1 == workers { die_after.map_or(0, |n| n + 1) } else { 0 };
            vec![JOB_SHARED, page.fd(), workers as u64, index as u64, iters, die]
        })
        .collect();
    run_workers(&worker_command(helper), &jobs, TIMEOUT).map_err(|e| e.to_string())?;
    Ok(page.page().counter.load(SeqCst))
}

/// `racelab run 4`: a variant on real processes, or why there is no count (a worker
/// died, an unknown variant).
pub fn real(variant: &str, workers: usize, iters: u64) -> Result<u64, String> {
    match variant {
        "process" => lab::run(variant, &Fixes::SOLUTION, &crate::lab::Case::new(workers, iters))
            .map(|s| s.value())
            .ok_or_else(|| "the process fix gave no count".to_string()),
        "wrong_fork_copy" => helper().and_then(|h| {
            let job = [JOB_FORK, workers as u64, iters, 0];
            report_of(&helper_lines(&h, &job, TIMEOUT)?)
        }),
        v if SHARED_VARIANTS.contains(&v) => helper().and_then(|h| run_shared(&h, v, workers, iters, None)),
        _ => Err(format!("lab 4 has no variant `{variant}`")),
    }
}

// ---------------------------------------------------------------------------
// The worker's side: `racelab worker 4 <job…>`
// ---------------------------------------------------------------------------

/// What `racelab worker 4 <job…>` does (the lab's registry worker).
///
/// * `[iters]`: count privately and report (the process fix);
/// * `[1, fd, workers, variant, iters, die_after]`: increment the shared page;
/// * `[2, children, iters, before]`: fork children that count in their copy;
/// * `[3, trials]`: time `fork` + `wait`;
/// * `[4, iters]`: a spawned child counting on its own fresh counter.
pub fn serve(job: &[u64]) -> Result<u64, String> {
    match *job {
        [iters] => Ok(lab::solution::worker(iters)),
        [JOB_SHARED, fd, workers, index, iters, die_after] => shared_worker(fd, workers, index, iters, die_after),
        [JOB_FORK, children, iters, before] => {
            let children = usize::try_from(children).ok().filter(|&c| c <= 64).ok_or("at most 64 children")?;
            let forked = fork_children(children, iters, before)?;
            for child in &forked.children {
                println!("child {} {} {}", child.pid, child.started_at, child.ended_at);
            }
            Ok(forked.parent)
        }
        [JOB_FORK_TIMING, trials] => {
            let mut times = fork_timings(trials.min(10_000))?;
            for t in &times {
                println!("fork_ns {t}");
            }
            Ok(median(&mut times) as u64)
        }
        [JOB_SPAWN_CHILD, iters] => Ok(count_on_the_static(iters).1),
        _ => Err(format!("a lab 04 worker takes one number (increments) or a tagged job, got {job:?}")),
    }
}

fn shared_worker(fd: u64, workers: u64, index: u64, iters: u64, die_after: u64) -> Result<u64, String> {
    let variant = usize::try_from(index).ok().and_then(|i| SHARED_VARIANTS.get(i)).ok_or("no such variant")?;
    let page = SharedPage::open(fd)?;
    page.start_line(workers)?;
    for i in 0..iters {
        if die_after != 0 && i + 1 == die_after {
            // Safety: raise has no preconditions; SIGKILL ends this process here, as `kill -9` would.
            unsafe { libc::raise(libc::SIGKILL) };
        }
        lab::step(variant, &Fixes::SOLUTION, page.page());
    }
    Ok(iters)
}

/// Counts `iters` times on this process's [`COUNTER`]: returns where it started and ended.
fn count_on_the_static(iters: u64) -> (u64, u64) {
    let start = COUNTER.load(Relaxed);
    for _ in 0..iters {
        let seen = COUNTER.load(Relaxed);
        COUNTER.store(std::hint::black_box(seen) + 1, Relaxed);
    }
    (start, COUNTER.load(Relaxed))
}

/// One forked child: its pid, and its copy of the counter at start and end.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Child {
    /// The child's process id.
    pub pid: i32,
    /// Its counter when it started.
    pub started_at: u64,
    /// Its counter when it had counted.
    pub ended_at: u64,
}

/// What a fork run saw: the children's counts and the parent's counter after them.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Forked {
    /// Every child, in fork order.
    pub children: Vec<Child>,
    /// The parent's own counter once every child has exited.
    pub parent: u64,
}

fn refuse_unless_single_threaded() -> Result<(), String> {
    match threads_in_this_process() {
        1 => Ok(()),
        n => Err(format!(
            "fork refused: this process has {n} threads, and fork copies only the calling one (a lock \
             another thread holds would stay locked forever in the child); fork from `racelab worker 4`"
        )),
    }
}

/// Sets this process's counter to `before`, forks `children` children that
/// each count `iters` on their copy and send it back over a pipe, reaps them,
/// and returns their counts beside the parent's own counter.
///
/// Refuses unless this process is single-threaded (see the module docs).
pub fn fork_children(children: usize, iters: u64, before: u64) -> Result<Forked, String> {
    refuse_unless_single_threaded()?;
    COUNTER.store(before, Relaxed);
    let mut forked: Vec<(i32, File)> = Vec::with_capacity(children);
    let mut failure = None;
    for _ in 0..children {
        match fork_one(iters) {
            Ok(child) => forked.push(child),
            Err(e) => {
                failure = Some(e);
                break;
            }
        }
    }
    // Reap every child, on every path: no zombies.
    let mut result = Vec::with_capacity(forked.len());
    for (pid, mut pipe) in forked {
        let mut bytes = [0_u8; 16];
        let read = pipe.read_exact(&mut bytes);
        let mut status = 0;
        // Safety: waits for our own child `pid`; `status` is a valid out-pointer.
        unsafe { libc::waitpid(pid, &mut status, 0) };
        let clean = libc::WIFEXITED(status) && libc::WEXITSTATUS(status) == 0;
        match (read, clean) {
            (Ok(()), true) => {
                let (a, b) = bytes.split_at(8);
                let started_at = u64::from_ne_bytes(a.try_into().unwrap_or_default());
                let ended_at = u64::from_ne_bytes(b.try_into().unwrap_or_default());
                result.push(Child { pid, started_at, ended_at });
            }
            _ => failure = failure.or(Some(format!("child {pid} died before reporting (wait status {status})"))),
        }
    }
    match failure {
        Some(e) => Err(e),
        None => Ok(Forked { children: result, parent: COUNTER.load(Relaxed) }),
    }
}

/// Forks one child that counts `iters` on its copy of [`COUNTER`], writes
/// (start, end) to a pipe and exits. Returns its pid and the pipe's read end.
fn fork_one(iters: u64) -> Result<(i32, File), String> {
    let mut fds = [0_i32; 2];
    // Safety: `fds` has room for the two descriptors pipe writes.
    if unsafe { libc::pipe(fds.as_mut_ptr()) } != 0 {
        return Err(os_error("cannot create a pipe"));
    }
    // Safety: the descriptors are fresh and owned by nothing else.
    let (read_end, write_end) = unsafe { (OwnedFd::from_raw_fd(fds[0]), OwnedFd::from_raw_fd(fds[1])) };
    // Safety: the caller checked that this process is single-threaded, so the child gets a
    // consistent copy of all memory. The child runs only arithmetic on its own memory and the
    // async-signal-safe write(2) and _exit(2): no allocation, no locks, no unwinding.
    let pid = unsafe { libc::fork() };
    match pid {
        -1 => Err(os_error("fork failed")),
        0 => {
            let (start, end) = count_on_the_static(iters);
            let mut bytes = [0_u8; 16];
            bytes[..8].copy_from_slice(&start.to_ne_bytes());
            bytes[8..].copy_from_slice(&end.to_ne_bytes());
            // Safety: writes 16 bytes from a live buffer to our pipe, then leaves without running
            // any destructor or atexit handler of the parent's copy.
            unsafe {
                libc::write(write_end.as_raw_fd(), bytes.as_ptr().cast(), bytes.len());
                libc::_exit(0)
            }
        }
        pid => {
            drop(write_end); // the parent reads; EOF once the child has exited
            Ok((pid, File::from(read_end)))
        }
    }
}

/// Times `trials` rounds of `fork` + `wait` of a child that exits at once, in nanoseconds.
pub fn fork_timings(trials: u64) -> Result<Vec<f64>, String> {
    refuse_unless_single_threaded()?;
    let mut times = Vec::new();
    for _ in 0..trials {
        let t0 = Instant::now();
        // Safety: single-threaded (checked above); the child only calls _exit.
        let pid = unsafe { libc::fork() };
        match pid {
            -1 => return Err(os_error("fork failed")),
            // Safety: _exit is async-signal-safe and never returns.
            0 => unsafe { libc::_exit(0) },
            pid => {
                let mut status = 0;
                // Safety: waits for our own child; `status` is a valid out-pointer.
                unsafe { libc::waitpid(pid, &mut status, 0) };
            }
        }
        times.push(t0.elapsed().as_nanos() as f64);
    }
    Ok(times)
}

// ---------------------------------------------------------------------------
// The demonstration: fork copies, spawn starts fresh
// ---------------------------------------------------------------------------

/// What `racelab demo 4` shows: the same counter after fork and after spawn.
#[derive(Clone, Debug, Serialize)]
pub struct Demo {
    /// The parent's counter before it starts any child.
    pub before: u64,
    /// Increments each child makes.
    pub iters: u64,
    /// Forked children (their copy started at `before`) and the parent's counter after them.
    pub fork: Forked,
    /// Spawned children's final counts (each started at 0, from `main`).
    pub spawned: Vec<u64>,
    /// The parent's counter after the spawned children exited.
    pub spawn_parent: u64,
}

/// Sets a counter to `before`, then lets `children` forked children and
/// `children` spawned children each count `iters` on "the same" counter.
pub fn demo(helper: &Path, children: usize, iters: u64, before: u64) -> Result<Demo, String> {
    let children = children.clamp(1, 64);
    let lines = helper_lines(helper, &[JOB_FORK, children as u64, iters, before], TIMEOUT)?;
    let parent = report_of(&lines)?;
    let forked = lines
        .iter()
        .filter_map(|l| {
            let mut words = l.strip_prefix("child ")?.split(' ').map(str::parse::<u64>);
            let (pid, started_at, ended_at) = (words.next()?.ok()?, words.next()?.ok()?, words.next()?.ok()?);
            Some(Child { pid: i32::try_from(pid).ok()?, started_at, ended_at })
        })
        .collect();
    COUNTER.store(before, Relaxed);
    let jobs = vec![vec![JOB_SPAWN_CHILD, iters]; children];
    let spawned = run_workers(&worker_command(helper), &jobs, TIMEOUT).map_err(|e| e.to_string())?;
    Ok(Demo { before, iters, fork: Forked { children: forked, parent }, spawned, spawn_parent: COUNTER.load(Relaxed) })
}

impl Demo {
    /// The demonstration as the learner reads it.
    pub fn render(&self) -> String {
        let mut out = String::new();
        let n = self.fork.children.len();
        let _ = writeln!(out, "fork: the parent sets its counter to {}, then forks {n} children", self.before);
        for (i, c) in self.fork.children.iter().enumerate() {
            let _ = writeln!(
                out,
                "  child {} (pid {}): its copy starts at {}, counts to {}",
                i + 1,
                c.pid,
                c.started_at,
                c.ended_at
            );
        }
        let _ = writeln!(out, "  parent, after every child exited: {}", self.fork.parent);
        let _ = writeln!(
            out,
            "spawn: the parent's counter is {}; {} children start fresh (`racelab worker 4`)",
            self.before,
            self.spawned.len()
        );
        for (i, end) in self.spawned.iter().enumerate() {
            let start = end.saturating_sub(self.iters);
            let _ = writeln!(out, "  child {}: its own counter starts at {start}, counts to {end}", i + 1);
        }
        let _ = writeln!(out, "  parent, after every child exited: {}", self.spawn_parent);
        out.push_str(
            "A child's increments never reach the parent: fork copied the counter, spawn started from main.\n",
        );
        out
    }
}

// ---------------------------------------------------------------------------
// Start-up cost
// ---------------------------------------------------------------------------

/// The median and interquartile range of some timings, in milliseconds.
#[derive(Clone, Copy, Debug, Serialize)]
pub struct Spread {
    /// The median.
    pub median_ms: f64,
    /// The first quartile.
    pub q1_ms: f64,
    /// The third quartile.
    pub q3_ms: f64,
}

impl Spread {
    /// The spread of `nanos` (sorted in place).
    pub fn of(nanos: &mut [f64]) -> Spread {
        let med = median(nanos);
        let at = |q: f64| nanos.get(((nanos.len().saturating_sub(1)) as f64 * q).round() as usize).copied();
        Spread {
            median_ms: med / 1e6,
            q1_ms: at(0.25).unwrap_or(f64::NAN) / 1e6,
            q3_ms: at(0.75).unwrap_or(f64::NAN) / 1e6,
        }
    }
}

/// What it costs to start (and finish) one thread, one forked process and one spawned process.
#[derive(Clone, Debug, Serialize)]
pub struct Startup {
    /// Rounds measured per kind.
    pub trials: u64,
    /// `thread::spawn` of an empty closure + `join`.
    pub thread: Spread,
    /// `fork` of a child that exits at once + `waitpid` (in a single-threaded helper).
    pub fork: Spread,
    /// Spawning `racelab worker 4 0` (exec, `main`, count to 0, report) + `wait`.
    pub spawn: Spread,
}

/// Measures start-up: `trials` rounds of each kind.
pub fn startup(helper: &Path, trials: u64) -> Result<Startup, String> {
    let trials = trials.clamp(1, 1_000);
    let mut thread = Vec::new();
    for _ in 0..trials {
        let t0 = Instant::now();
        std::thread::spawn(|| ()).join().map_err(|_| "a thread panicked")?;
        thread.push(t0.elapsed().as_nanos() as f64);
    }
    let lines = helper_lines(helper, &[JOB_FORK_TIMING, trials], TIMEOUT)?;
    let mut fork: Vec<f64> =
        lines.iter().filter_map(|l| l.strip_prefix("fork_ns ").and_then(|n| n.trim().parse().ok())).collect();
    let mut spawn = Vec::new();
    for _ in 0..trials {
        let t0 = Instant::now();
        let status = Command::new(helper)
            .args(["worker", "4", "0"])
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status()
            .map_err(|e| format!("cannot start {}: {e}", helper.display()))?;
        if !status.success() {
            return Err(format!("`racelab worker 4 0` failed: {status}"));
        }
        spawn.push(t0.elapsed().as_nanos() as f64);
    }
    Ok(Startup { trials, thread: Spread::of(&mut thread), fork: Spread::of(&mut fork), spawn: Spread::of(&mut spawn) })
}

impl Startup {
    /// The table as the learner reads it.
    pub fn render(&self) -> String {
        let mut out = String::new();
        let _ = writeln!(out, "start-up · median of {} rounds (interquartile range) · × thread", self.trials);
        let base = self.thread.median_ms;
        for (name, s) in
            [("thread spawn + join", self.thread), ("fork + wait", self.fork), ("spawn racelab + wait", self.spawn)]
        {
            let _ = writeln!(
                out,
                "  {name:<22} {:>8.3} ms  ({:.3}–{:.3})  {:>7.1}×",
                s.median_ms,
                s.q1_ms,
                s.q3_ms,
                s.median_ms / base
            );
        }
        out
    }
}

/// `racelab demo 4`: counting in `fork` and spawned children, then what
/// starting a thread, a fork and a spawn costs; text, or one JSON document.
pub fn serve_demo(request: &DemoRequest) -> Result<String, String> {
    let &DemoRequest { ref exe, children, iters, rounds, json } = request;
    if !(1..=16).contains(&children) || iters > 100_000_000 || !(1..=10_000).contains(&rounds) {
        return Err("--children must be 1–16, --iters at most 100000000, --rounds 1–10000".to_string());
    }
    let demo = demo(exe, children, iters, 5)?;
    let startup = startup(exe, rounds)?;
    if json {
        serde_json::to_string_pretty(&serde_json::json!({ "demo": demo, "startup": startup }))
            .map(|text| format!("{text}\n"))
            .map_err(|e| e.to_string())
    } else {
        Ok(format!("{}{}", demo.render(), startup.render()))
    }
}
