//! `cargo run -- verify N`: compile the learner's exercise, run its checks, collect
//! the outcomes.
//!
//! Two steps, so that each failure is reported for what it is:
//!
//! 1. `cargo test --no-run --test exercise_NN`: a compile error is shown as
//!    the compiler wrote it, and no check runs;
//! 2. the exercise file read as Rust ([`reading`](super::reading)): what acts
//!    on the whole test program (a link attribute, an `extern` block, `mod`,
//!    `include!`) is refused before anything runs, and no check starts;
//! 3. the test binary itself, run directly, in its own process group and
//!    under a time limit, so that a learner's endless loop is killed — with
//!    any worker processes it started — instead of hanging. Its stderr goes to
//!    a file; its outcomes come back on a pipe opened for this run alone
//!    ([`channel`](super::channel)), which is read on a thread of its own and
//!    given up 2 s after the run ends, so nothing the checks start can stretch
//!    the time limit by holding it open.
//!
//! Both run in their own process group, which is killed when `verify` ends
//! for any reason: finished, timed out, or stopped by the caller's flag
//! (set on Ctrl-C or SIGTERM by the CLI, or by `q` in `watch`). The temporary
//! files live in one folder removed on every way out.
//!
//! Each check sends its [`Outcome`] as a JSON line on that channel, with the
//! run's token; no test output is parsed. `verify` keeps one verdict per
//! exercise (two void it), and judges the file again itself: an exercise
//! whose code the reading refuses is "refused" whatever its check said, and
//! one whose functions are all still `todo!()` is never "solved".

use super::channel::{Channel, Lines, VERIFY_CHANNEL};
use super::outcome::{Outcome, Status};
use super::reading::Reading;
use super::source::Source;
use super::spec::{Exercise, others_of};
use std::io::Read;
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, ExitStatus, Stdio};
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

/// What `verify` found.
#[derive(Debug)]
pub struct Verification {
    /// Lab number.
    pub lab: u8,
    /// One outcome per exercise, in course order.
    pub outcomes: Vec<Outcome>,
    /// The compiler's errors, when the exercise does not compile.
    pub compile_error: Option<String>,
    /// Why no check ran, when the file uses something that acts on the whole
    /// test program (one line: where, what, why, how to rewrite it).
    pub refused: Option<String>,
    /// Seconds spent compiling.
    pub build_seconds: f64,
    /// Seconds spent running the checks.
    pub check_seconds: f64,
}

impl Verification {
    /// `true` when every exercise is solved.
    pub fn solved(&self) -> bool {
        self.compile_error.is_none()
            && self.refused.is_none()
            && self.outcomes.iter().all(|o| o.status == Status::Solved)
    }
}

/// Why `verify` gave no verification.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Stopped {
    /// `stop` was set (Ctrl-C, SIGTERM, `q` in `watch`): everything started was killed.
    Interrupted,
    /// Something outside the learner's code failed (cargo missing, no temp folder).
    Error(String),
}

impl From<String> for Stopped {
    fn from(message: String) -> Self {
        Stopped::Error(message)
    }
}

fn cargo() -> PathBuf {
    std::env::var_os("CARGO").map_or_else(|| PathBuf::from("cargo"), PathBuf::from)
}

/// A child in its own process group. Dropping it kills the whole group
/// (the child and anything it started) and reaps the child: every way out of
/// `verify` — finished, timed out, interrupted, an error — leaves nothing running.
struct Group(Child);

impl Group {
    fn spawn(command: &mut Command, what: &str) -> Result<Group, String> {
        command.process_group(0);
        #[cfg(target_os = "linux")]
        // Safety: only prctl between fork and exec. If racelab itself is killed
        // outright (SIGKILL: no clean-up runs), the child goes with it.
        unsafe {
            command.pre_exec(|| {
                libc::prctl(libc::PR_SET_PDEATHSIG, libc::SIGKILL as libc::c_ulong);
                Ok(())
            });
        }
        command.spawn().map(Group).map_err(|e| format!("cannot run {what}: {e}"))
    }

    fn kill_group(&mut self) {
        // Safety: killpg only sends a signal, to the group this child leads.
        unsafe {
            libc::killpg(self.0.id() as libc::pid_t, libc::SIGKILL);
        }
    }

    /// Waits until the child exits (`Some`), `waiting`'s limit passes or `give_up` says so
    /// (`None`), or `stop` is set; `waiting` tells the learner how long it has been.
    fn wait(
        &mut self,
        waiting: &mut Waiting,
        stop: &AtomicBool,
        give_up: &dyn Fn() -> bool,
    ) -> Result<Option<ExitStatus>, Stopped> {
        loop {
            if stop.load(Ordering::SeqCst) {
                return Err(Stopped::Interrupted);
            }
            if let Some(status) = self.0.try_wait().map_err(|e| format!("cannot wait for a child process: {e}"))? {
                return Ok(Some(status));
            }
            if !waiting.tick() || give_up() {
                return Ok(None);
            }
            std::thread::sleep(Duration::from_millis(20));
        }
    }
}

/// A wait the learner sees: after [`Waiting::SILENT`] a line on stderr says what racelab is
/// waiting for, how long it has been and when it stops; another every [`Waiting::EVERY`].
struct Waiting {
    what: String,
    started: Instant,
    limit: Duration,
    said: u32,
}

impl Waiting {
    /// How long a wait stays silent.
    const SILENT: Duration = Duration::from_secs(2);
    /// How often a long wait says so again.
    const EVERY: Duration = Duration::from_secs(10);

    /// A wait for `what` (`compiling labs/…/exercise.rs`), stopped after `limit`.
    fn new(what: impl Into<String>, limit: Duration) -> Waiting {
        Waiting { what: what.into(), started: Instant::now(), limit, said: 0 }
    }

    /// Says how long it has been, when it is time to; `false` once the limit has passed.
    fn tick(&mut self) -> bool {
        let waited = self.started.elapsed();
        if waited >= Self::SILENT + Self::EVERY * self.said {
            self.said += 1;
            eprintln!(
                "… still {}: {} s so far (stops at {} s)",
                self.what,
                waited.as_secs(),
                self.limit.as_secs_f64().ceil()
            );
        }
        waited < self.limit
    }
}

impl Drop for Group {
    fn drop(&mut self) {
        self.kill_group();
        let _ = self.0.wait();
    }
}

/// Makes racelab the reaper of its orphaned descendants (Linux: a child
/// subreaper), so that a process the checks started in a group or session of
/// its own, and left behind when they were killed, becomes racelab's child.
fn adopt_orphans() {
    #[cfg(target_os = "linux")]
    // Safety: prctl sets an attribute of this process; no memory is involved.
    unsafe {
        libc::prctl(libc::PR_SET_CHILD_SUBREAPER, 1 as libc::c_ulong);
    }
}

/// Kills and reaps every child racelab still has — the orphans adopted by
/// [`adopt_orphans`] — until none has appeared for 100 ms (at most 3 s).
fn kill_adopted() {
    #[cfg(target_os = "linux")]
    {
        let me = std::process::id();
        let deadline = Instant::now() + Duration::from_secs(3);
        let mut quiet = 0;
        while quiet < 5 && Instant::now() < deadline {
            let children = children_of(me);
            quiet = if children.is_empty() { quiet + 1 } else { 0 };
            for pid in children {
                // Safety: a signal and a wait for a child of this process that
                // no `Child` handle owns any more (every one was waited for).
                unsafe {
                    libc::kill(pid, libc::SIGKILL);
                    libc::waitpid(pid, std::ptr::null_mut(), 0);
                }
            }
            std::thread::sleep(Duration::from_millis(20));
        }
    }
}

/// The children of `parent`, from /proc.
#[cfg(target_os = "linux")]
fn children_of(parent: u32) -> Vec<libc::pid_t> {
    let Ok(entries) = std::fs::read_dir("/proc") else { return Vec::new() };
    entries
        .flatten()
        .filter_map(|e| e.file_name().to_str()?.parse::<libc::pid_t>().ok())
        .filter(|pid| {
            let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).unwrap_or_default();
            // `pid (name) state ppid …`: the name may hold spaces or parentheses.
            let ppid = stat.rfind(')').and_then(|end| stat[end + 1..].split_whitespace().nth(1)?.parse::<u32>().ok());
            ppid == Some(parent)
        })
        .collect()
}

/// The temporary folders of `verify` are named `racelab-verify-<pid>-…`.
const SCRATCH: &str = "racelab-verify-";

/// Removes the temporary folders of `verify`s that were killed outright
/// (SIGKILL: no clean-up could run), recognised by their racelab's pid being gone.
fn remove_stale_scratch() {
    let Ok(entries) = std::fs::read_dir(std::env::temp_dir()) else { return };
    for entry in entries.flatten() {
        let name = entry.file_name();
        let pid = name.to_str().and_then(|n| n.strip_prefix(SCRATCH)).and_then(|rest| rest.split('-').next());
        let Some(pid) = pid.and_then(|p| p.parse::<libc::pid_t>().ok()).filter(|&p| p > 0) else { continue };
        // Safety: signal 0 sends nothing; it only asks whether the process exists.
        let gone =
            unsafe { libc::kill(pid, 0) } == -1 && std::io::Error::last_os_error().raw_os_error() == Some(libc::ESRCH);
        if gone {
            let _ = std::fs::remove_dir_all(entry.path());
        }
    }
}

fn read_all(pipe: Option<impl Read + Send + 'static>) -> std::thread::JoinHandle<Vec<u8>> {
    read_into(pipe, std::sync::Arc::default())
}

/// Reads `pipe` to its end into `so_far` as it comes (for a look while it runs); all of it.
fn read_into(
    pipe: Option<impl Read + Send + 'static>,
    so_far: std::sync::Arc<std::sync::Mutex<Vec<u8>>>,
) -> std::thread::JoinHandle<Vec<u8>> {
    std::thread::spawn(move || {
        if let Some(mut pipe) = pipe {
            let mut chunk = [0_u8; 4096];
            while let Ok(n @ 1..) = pipe.read(&mut chunk) {
                so_far.lock().unwrap_or_else(|p| p.into_inner()).extend_from_slice(&chunk[..n]);
            }
        }
        std::mem::take(&mut *so_far.lock().unwrap_or_else(|p| p.into_inner()))
    })
}

/// The compiler's messages as a learner should read them: paths relative to
/// the repository (`labs/…`, not `tests/../labs/…`), and each message once —
/// the exercise is compiled twice (for real threads and for loom), so every
/// error would otherwise appear twice, and with other type names in each
/// (`MutexGuard` from std or from loom): one message per code and place.
/// cargo's count of errors ("due to 4 previous errors") counted both.
///
/// ```
/// let twice = "error[E1]: bad std::T\n --> tests/../labs/x.rs:2:1\n\nerror[E1]: bad loom::T\n --> tests/../labs/x.rs:2:1\n\n\
///              error: could not compile `racelab` (test \"exercise_NN\") due to 2 previous errors\n";
/// assert_eq!(
///     racelab::judge::verify::tidy_errors(twice),
///     "error[E1]: bad std::T\n --> labs/x.rs:2:1\n\nerror: could not compile `racelab` (test \"exercise_NN\")"
/// );
/// ```
pub fn tidy_errors(stderr: &str) -> String {
    let text = stderr.replace("tests/../labs/", "labs/");
    let mut seen = std::collections::HashSet::new();
    let mut blocks = Vec::new();
    for block in text.split("\n\n") {
        let block = block.trim_end();
        let head = block.lines().next().unwrap_or("");
        let at = block.lines().find(|l| l.trim_start().starts_with("--> ")).map(str::trim);
        let key = match (head.split_once(": "), at) {
            (Some((code, _)), Some(at)) => format!("{code} {at}"),
            _ => block.to_string(),
        };
        if block.is_empty() || !seen.insert(key) {
            continue;
        }
        blocks.push(block.lines().map(without_count).collect::<Vec<_>>().join("\n"));
    }
    blocks.join("\n\n")
}

/// cargo's last line without its count: ` due to 4 previous errors` counts each error twice.
fn without_count(line: &str) -> &str {
    match line.rsplit_once(" due to ") {
        Some((before, count)) if line.starts_with("error: could not compile") && count.contains("previous error") => {
            before
        }
        _ => line,
    }
}

/// How long a build of an exercise may take (a first build on 2 busy cores: 4–5 minutes).
const BUILD_LIMIT: Duration = Duration::from_secs(20 * 60);
/// What rustc says when a `const` has run as long as its own guard allows (the deny-by-default
/// `long_running_const_eval` lint; with the lint allowed, it warns and goes on).
const CONST_EVAL_WARNING: &str = "constant evaluation is taking a long time";
/// How many times it says so before the build is stopped: once (it said so 3 s into a 1-line
/// crate here, 30-45 s into an exercise's build).
const CONST_EVAL_WARNINGS: usize = 1;

/// Compiles `exercise_NN`; returns the test binary, or the compiler's errors.
fn build(root: &Path, target: &str, stop: &AtomicBool) -> Result<Result<PathBuf, String>, Stopped> {
    let mut command = Command::new(cargo());
    command
        .current_dir(root)
        .args(["test", "--no-run", "--quiet", "--message-format=json-render-diagnostics", "--test", target])
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    let mut cargo_run = Group::spawn(&mut command, &format!("cargo ({})", cargo().display()))?;
    let so_far = std::sync::Arc::default();
    let stdout = read_all(cargo_run.0.stdout.take());
    let stderr = read_into(cargo_run.0.stderr.take(), std::sync::Arc::clone(&so_far));
    // rustc says so, again and again, while a `const` is being evaluated: one that never ends
    // (`#[allow(long_running_const_eval)]` lets it) would keep the build going for ever.
    let const_stuck = || {
        let text = so_far.lock().unwrap_or_else(|p| p.into_inner());
        String::from_utf8_lossy(&text).matches(CONST_EVAL_WARNING).count() >= CONST_EVAL_WARNINGS
    };
    // cargo has its own process group (so that it can be stopped with its
    // compilers): Ctrl-C reaches racelab only, which stops the build here.
    let mut waiting = Waiting::new(format!("compiling `{target}`"), BUILD_LIMIT);
    let status = cargo_run.wait(&mut waiting, stop, &const_stuck)?;
    drop(cargo_run);
    let stdout = String::from_utf8_lossy(&stdout.join().unwrap_or_default()).into_owned();
    let stderr = String::from_utf8_lossy(&stderr.join().unwrap_or_default()).trim_end().to_string();
    let Some(status) = status else {
        let seconds = waiting.started.elapsed().as_secs();
        let warning = tidy_errors(&stderr);
        let warning = warning.split("\n\n").find(|b| b.contains(CONST_EVAL_WARNING));
        return Ok(Err(match warning {
            Some(warning) => format!(
                "{warning}\n\nThe build was stopped after {seconds} s: the compiler was still evaluating a constant \
                 (above), and a `const` whose evaluation never ends keeps it going for ever. Compute the value \
                 in a function instead (`#[allow(long_running_const_eval)]` only silences the compiler's guard)."
            ),
            None => format!(
                "The build was stopped after {seconds} s (the limit is {} min): a first build takes a few minutes, \
                 this one did not end. Try `cargo test --no-run --test {target}` to watch it.",
                BUILD_LIMIT.as_secs() / 60
            ),
        }));
    };
    let executable =
        stdout.lines().filter_map(|line| serde_json::from_str::<serde_json::Value>(line).ok()).find_map(|msg| {
            let is_target = msg["reason"] == "compiler-artifact" && msg["target"]["name"] == target;
            is_target.then(|| msg["executable"].as_str().map(PathBuf::from)).flatten()
        });
    match (status.success(), executable) {
        (true, Some(exe)) => Ok(Ok(exe)),
        _ => {
            Ok(Err(if stderr.is_empty() { format!("cargo could not build `{target}`") } else { tidy_errors(&stderr) }))
        }
    }
}

/// A temporary folder for one run's files (removed with it on every way out),
/// after removing those of runs that were killed outright.
fn scratch() -> Result<tempfile::TempDir, Stopped> {
    remove_stale_scratch();
    Ok(tempfile::Builder::new()
        .prefix(&format!("{SCRATCH}{}-", std::process::id()))
        .tempdir()
        .map_err(|e| format!("cannot create a temporary folder: {e}"))?)
}

/// Runs `command` (a test binary) in `root`, in a process group of its own,
/// until it ends, `deadline` passes (`Ok(None)`) or `stop` is set; its stderr
/// goes to the file `errors`, temporary files into `scratch`.
///
/// Verdicts come back on `channel`, a pipe opened for this run alone and read
/// with its token (see `channel.rs`): lines written anywhere else count for
/// nothing, and a stray process still holding the pipe's write end cannot
/// make the caller wait past `Lines::take`'s limit. Whatever happened,
/// nothing it started keeps running: its group is killed, then whatever it
/// started elsewhere (the judge runs each exercise in a process group of its
/// own) comes back to racelab as an orphan and is killed too.
fn run_contained(
    command: &mut Command,
    root: &Path,
    scratch: &tempfile::TempDir,
    errors: &Path,
    waiting: &mut Waiting,
    stop: &AtomicBool,
    channel: Option<Channel>,
) -> Result<(Option<ExitStatus>, Option<Lines>), Stopped> {
    let stderr_file = std::fs::File::create(errors).map_err(|e| format!("cannot create {}: {e}", errors.display()))?;
    command
        .current_dir(root)
        .env("TMPDIR", scratch.path())
        .env("RUST_BACKTRACE", "0")
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(stderr_file);
    adopt_orphans();
    let program = command.get_program().to_string_lossy().into_owned();
    if let Some(channel) = &channel {
        channel.hand_to(command, VERIFY_CHANNEL);
    }
    let mut group = Group::spawn(command, &program)?;
    let lines = channel.map(Channel::listen);
    let finished = group.wait(waiting, stop, &|| false);
    drop(group);
    kill_adopted();
    Ok((finished?, lines))
}

/// Builds lab `lab`'s exercise and runs `request` with the learner's answers
/// (`run N --yours`, `bench N --yours`): the text (or JSON) to print, or why not.
pub fn yours(
    root: &Path,
    lab: u8,
    file: &Path,
    exercises: &[Exercise],
    request: &super::yours::Request,
    timeout: Duration,
    stop: &AtomicBool,
) -> Result<Result<String, String>, Stopped> {
    use super::yours;
    let text = std::fs::read_to_string(file).unwrap_or_default();
    let exe = match build(root, &target_of(lab), stop)? {
        Ok(exe) => exe,
        Err(errors) => {
            return Ok(Err(format!(
                "{errors}\n\nYour exercise does not compile: fix the error above (`cargo run -- verify {lab}` \
                 shows it too), then try again."
            )));
        }
    };
    // Your answers run for real: only code the judge would judge.
    let shown = shown_path(root, file);
    let source = Source { path: &shown, text: &text };
    let reading = source.read();
    let running: Vec<&Exercise> = match request {
        yours::Request::Run { variant, .. } => exercises.iter().filter(|e| e.name == variant).collect(),
        yours::Request::Bench { .. } => exercises.iter().collect(),
    };
    for exercise in running.into_iter().filter(|e| source.attempted(e.functions)) {
        // A mistake the reading sees still runs: running it shows what it does.
        if let Some(refusal) = reading.refusal_for(exercise.functions).filter(|r| !r.mistake) {
            return Ok(Err(format!(
                "`{}` is refused, so it does not run: {}",
                exercise.name,
                refusal.summary(&shown, exercise.functions)
            )));
        }
    }
    let scratch = scratch()?;
    let (answer, errors) = (scratch.path().join("answer.txt"), scratch.path().join("stderr.txt"));
    let json = serde_json::to_string(request).map_err(|e| e.to_string())?;
    let mut command = Command::new(&exe);
    command
        .args([yours::TEST, "--exact", "--ignored", "--quiet", "--test-threads", "1"])
        .env(yours::REQUEST_ENV, json)
        .env(yours::OUT_ENV, &answer);
    let mut waiting = Waiting::new("running your answers", timeout);
    let (finished, _) = run_contained(&mut command, root, &scratch, &errors, &mut waiting, stop, None)?;
    let text = std::fs::read_to_string(&answer).unwrap_or_default();
    Ok(match (finished, text.strip_prefix("error: ")) {
        (None, _) => Err(format!(
            "your answers did not finish in {:.0} s: is one stuck (a deadlock, an endless loop)? \
             `cargo run -- verify {lab}` judges each with a time limit",
            timeout.as_secs_f64()
        )),
        (Some(_), Some(why)) => Err(why.trim_end().to_string()),
        (Some(_), None) if !text.is_empty() => Ok(text),
        (Some(status), None) if status.success() => Err(format!(
            "your answer ended the process before anything was printed: something in it exits \
             (`std::process::exit`, say) instead of returning; `cargo run -- verify {lab}` judges each answer"
        )),
        (Some(status), None) => {
            let stderr = std::fs::read_to_string(&errors).unwrap_or_default();
            let last = stderr.lines().rev().find(|l| !l.trim().is_empty()).unwrap_or("").trim().to_string();
            Err(format!(
                "running your answers failed ({status}){}",
                if last.is_empty() { last } else { format!(": {last}") }
            ))
        }
    })
}

/// Overrides the prefix of the test target `verify` builds for lab N (`exercise_`, giving
/// `exercise_NN`). The course's own tests verify whole answer files in a copy of the course
/// whose targets are named otherwise: with the same package and the same target name, cargo
/// would find a build of theirs fresh for a learner's older exercise file and run it.
pub const TARGET_ENV: &str = "RACELAB_EXERCISE_TARGET";

/// The test target of lab `lab`'s exercise: `exercise_NN` (see [`TARGET_ENV`]).
fn target_of(lab: u8) -> String {
    let prefix = std::env::var(TARGET_ENV).ok();
    let prefix = prefix.filter(|p| !p.is_empty() && p.chars().all(|c| c.is_ascii_alphanumeric() || c == '_'));
    format!("{}{lab:02}", prefix.as_deref().unwrap_or("exercise_"))
}

/// `file` as the learner names it: relative to the course folder.
fn shown_path(root: &Path, file: &Path) -> String {
    file.strip_prefix(root).unwrap_or(file).to_string_lossy().into_owned()
}

/// ` at labs/…/exercise.rs:N`: the first `todo!()` left in `functions`.
fn first_todo(source: &Source, functions: &[&str]) -> String {
    functions
        .iter()
        .filter_map(|f| {
            let body = source.body_of(f)?;
            let at = body.find("todo!(")?;
            let start = source.text.find(body)?;
            Some(source.text[..start + at].matches('\n').count() + 1)
        })
        .min()
        .map_or_else(String::new, |line| format!(" at {}:{line}", source.path))
}

/// The outcome `verify` gives `exercise` from its own reading of the file,
/// whatever a check sent: "not attempted" while its functions are all still
/// `todo!()` (never "solved"), "refused" when its code uses what the judge
/// refuses (`refused` none: read here), "failing" when the reading sees a
/// mistake for certain (a blocking sleep in async code).
fn judged_here(lab: u8, exercise: &Exercise, source: &Source, reading: &Reading) -> Option<Outcome> {
    let outcome = |status, summary| Outcome::new(lab, exercise.name, status, summary, String::new());
    if !source.attempted(exercise.functions) {
        let summary = format!("still `todo!()`{}", first_todo(source, exercise.functions));
        return Some(outcome(Status::NotAttempted, summary));
    }
    let refusal = reading.refusal_for(exercise.functions)?;
    Some(outcome(refusal.status(), refusal.summary(source.path, exercise.functions)))
}

/// The outcomes sent on the channel: each a JSON line; one verdict per
/// exercise of this lab (a second voids it, see [`verify`]).
fn outcomes_sent(lab: u8, lines: &[String]) -> Vec<(Outcome, usize)> {
    let mut found: Vec<(Outcome, usize)> = Vec::new();
    for outcome in lines.iter().filter_map(|line| serde_json::from_str::<Outcome>(line).ok()) {
        if outcome.lab != lab {
            continue;
        }
        match found.iter_mut().find(|(o, _)| o.exercise == outcome.exercise) {
            Some((_, count)) => *count += 1,
            // The signature is how the judge compared a failure with the catalogue: not for the learner.
            None => found.push((Outcome { signature: None, ..outcome }, 1)),
        }
    }
    found
}

/// Compiles and checks lab `lab`'s exercise `file` (`all` its exercises, with
/// their functions; `only` one of them, when named), giving the checks `timeout` to finish.
///
/// Setting `stop` (from a signal handler, or `watch`'s `q`) ends the build or
/// the checks at once: their processes are killed and the temporary files removed.
pub fn verify(
    root: &Path,
    lab: u8,
    file: &Path,
    all: &[Exercise],
    only: Option<&str>,
    timeout: Duration,
    stop: &AtomicBool,
) -> Result<Verification, Stopped> {
    let exercises: Vec<&Exercise> = all.iter().filter(|e| only.is_none_or(|name| e.name == name)).collect();
    let target = target_of(lab);
    // The text the build compiles (read first: an edit during the build is judged next time).
    let text = std::fs::read_to_string(file).unwrap_or_default();
    let shown = shown_path(root, file);
    let started = Instant::now();
    let built = build(root, &target, stop)?;
    let build_seconds = started.elapsed().as_secs_f64();
    let exe = match built {
        Ok(exe) => exe,
        Err(compile_error) => {
            let outcomes = exercises
                .iter()
                .map(|e| Outcome {
                    lab,
                    exercise: e.name.to_string(),
                    status: Status::Failing,
                    summary: "does not compile".to_string(),
                    details: String::new(),
                    inconclusive: false,
                    ..Outcome::default()
                })
                .collect();
            return Ok(Verification {
                lab,
                outcomes,
                compile_error: Some(compile_error),
                refused: None,
                build_seconds,
                check_seconds: 0.0,
            });
        }
    };

    let source = Source { path: &shown, text: &text };
    let reading = source.read();
    if let Some(whole) = reading.whole_file() {
        // Code that acts without being called (before `main`, at link time): nothing runs.
        let outcomes = exercises
            .iter()
            .map(|e| {
                judged_here(lab, e, &source, &reading).unwrap_or_else(|| {
                    Outcome::new(lab, e.name, Status::Refused, whole.summary(&shown, e.functions), String::new())
                })
            })
            .collect();
        let refused = Some(whole.summary(&shown, &[]));
        return Ok(Verification { lab, outcomes, compile_error: None, refused, build_seconds, check_seconds: 0.0 });
    }

    let scratch = scratch()?;
    let errors = scratch.path().join("stderr.txt");
    let channel = Channel::open().map_err(|e| format!("cannot open a channel for the checks: {e}"))?;
    let started = Instant::now();
    let mut command = Command::new(&exe);
    command.args(["--test-threads", "2"]);
    let mut waiting = Waiting::new("checking your answers", timeout);
    let (finished, lines) = run_contained(&mut command, root, &scratch, &errors, &mut waiting, stop, Some(channel))?;
    let timed_out = finished.is_none();
    let check_seconds = started.elapsed().as_secs_f64();

    let lines = lines.map(|l| l.take(Duration::from_secs(2))).unwrap_or_default();
    let found = outcomes_sent(lab, &lines);
    let last_error = std::fs::read_to_string(&errors)
        .unwrap_or_default()
        .lines()
        .rev()
        .map(str::trim)
        .find(|l| !l.is_empty())
        .map(|l| format!(": {}", l.chars().take(200).collect::<String>()))
        .unwrap_or_default();
    let not_judged = |name: &str, summary: String| Outcome {
        lab,
        exercise: name.to_string(),
        status: Status::Failing,
        summary,
        details: String::new(),
        inconclusive: true,
        ..Outcome::default()
    };
    let outcomes = exercises
        .iter()
        .map(|e| {
            if let Some(here) = judged_here(lab, e, &source, &reading) {
                return here;
            }
            // A verdict is for the code it judged: the file as it is now, not another build.
            let now = source.fingerprint_without(&others_of(all, e.name));
            match found.iter().find(|(o, _)| o.exercise == e.name) {
                Some((o, 1)) if o.inconclusive || o.code.as_deref() == Some(now.as_str()) => o.clone(),
                Some((_, 1)) => not_judged(
                    e.name,
                    format!(
                        "the checks judged other code than {shown} holds now: run `cargo run -- verify {lab}` again"
                    ),
                ),
                Some((_, n)) => not_judged(
                    e.name,
                    format!("{n} verdicts arrived for this one exercise, where the judge sends one: none counts"),
                ),
                None if timed_out => not_judged(
                    e.name,
                    format!(
                        "the checks did not finish in {:.0} s: is there an endless loop? \
                         (`cargo run -- verify {lab} --timeout SECONDS` allows longer)",
                        timeout.as_secs_f64()
                    ),
                ),
                None => not_judged(e.name, format!("the check crashed before reporting a result{last_error}")),
            }
        })
        .collect();
    Ok(Verification { lab, outcomes, compile_error: None, refused: None, build_seconds, check_seconds })
}
