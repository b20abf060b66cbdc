//! The channels verdicts travel on: an inherited pipe and a per-run token.
//!
//! A verdict is written by a process that also runs the learner's code, and
//! read by the process that started it:
//!
//! ```text
//! racelab verify ──(VERIFY_CHANNEL)──▶ exercise_NN test program ──(JUDGE_CHANNEL)──▶ one judging child per exercise
//!        ◀── one outcome per exercise ───        ◀── stages, one outcome, the mistakes it resembles ───
//! ```
//!
//! The reader creates a pipe for that one run ([`Channel::open`]), hands the
//! write end to the child it starts — the descriptor's number and a random
//! token in one environment variable ([`Channel::hand_to`]) — closes its own
//! copy, and reads. It keeps only lines that start with the token
//! ([`Lines::take`]); the judge's own code writes each line with it
//! ([`send`]). The writer closes the descriptor on `exec` the first time it
//! uses it ([`writer`]), so processes it starts (worker processes, the
//! judging children) never inherit it, and it removes the variable from their
//! environment.
//!
//! **What this protects against.** A line written anywhere else — a file, the
//! old result file named in the environment, another pipe, stdout or stderr —
//! counts for nothing: there is no file to append to, and the reader opened
//! the only pipe it reads. Code run before `main` (a function in
//! `.init_array`) finds no file to write to either. With the reading of the
//! source ([`reading`](super::reading)) refusing `std::env`, `std::fs`,
//! `std::os`, `unsafe`, link attributes and other crates, an exercise's code
//! has no way to name the descriptor, read the token or call the judge's
//! writer; and the parents accept one verdict per exercise, so a second line
//! (a forgery racing the judge) voids the verdict instead of replacing it.
//!
//! **What it cannot protect against.** Native code running in the learner's
//! process can do anything that process can: read its own environment and
//! memory (the token), write to any descriptor it holds, open
//! `/proc/PID/fd/N` of its parent's pipe, or write the progress file itself.
//! The reading of the source is what keeps such code out; a compiler bug, a
//! `syn` that reads a file differently from rustc, or a std function that
//! reaches the operating system in a way the allow-list missed would let it
//! in. A grading mode that runs the exercise in a sandbox (no file system, no
//! `/proc`, a seccomp filter, a separate user) and sends only the outcome back
//! is future work; until then an instructor should treat `progress.json` as
//! the learner's claim, checked again by `racelab verify` on their own machine.

use std::io::{Read, Write};
use std::os::fd::{AsRawFd, FromRawFd, OwnedFd, RawFd};
use std::os::unix::process::CommandExt;
use std::process::Command;
use std::sync::{Arc, Mutex, OnceLock, PoisonError};
use std::time::{Duration, Instant};

/// Set by `racelab verify` for the exercise test program: `FD TOKEN`.
pub const VERIFY_CHANNEL: &str = "RACELAB_VERIFY_CHANNEL";
/// Set by the exercise test program for each judging child: `FD TOKEN`.
pub const JUDGE_CHANNEL: &str = "RACELAB_JUDGE_CHANNEL";

/// A pipe opened by a reader for one run, with its token.
#[derive(Debug)]
pub struct Channel {
    read: OwnedFd,
    write: Option<OwnedFd>,
    token: String,
}

/// 128 random bits, as hex.
fn token() -> String {
    let mut bytes = [0_u8; 16];
    // Safety: getrandom writes at most `bytes.len()` bytes into the buffer it is given.
    let got = unsafe { libc::getrandom(bytes.as_mut_ptr().cast(), bytes.len(), 0) };
    if got != bytes.len() as isize {
        // No getrandom: the time and the pid are a weaker but still per-run token.
        let now = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap_or_default();
        bytes[..8].copy_from_slice(&(now.as_nanos() as u64).to_le_bytes());
        bytes[8..12].copy_from_slice(&std::process::id().to_le_bytes());
    }
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

impl Channel {
    /// A new pipe (both ends closed on `exec` until handed to a child) and a new token.
    pub fn open() -> std::io::Result<Channel> {
        let mut fds = [0; 2];
        // Safety: pipe2 fills the two descriptors of the array it is given.
        if unsafe { libc::pipe2(fds.as_mut_ptr(), libc::O_CLOEXEC) } != 0 {
            return Err(std::io::Error::last_os_error());
        }
        // Safety: both descriptors were just created and are owned here alone.
        let (read, write) = unsafe { (OwnedFd::from_raw_fd(fds[0]), OwnedFd::from_raw_fd(fds[1])) };
        Ok(Channel { read, write: Some(write), token: token() })
    }

    /// Makes the write end the child's: inherited by the process `command`
    /// starts (and only by it), named with the token in `env`.
    pub fn hand_to(&self, command: &mut Command, env: &str) {
        let Some(write) = &self.write else { return };
        let fd: RawFd = write.as_raw_fd();
        command.env(env, format!("{fd} {}", self.token));
        // Safety: fcntl is async-signal-safe; it clears close-on-exec on a
        // descriptor of the forked child only.
        unsafe {
            command.pre_exec(move || {
                if libc::fcntl(fd, libc::F_SETFD, 0) == -1 {
                    return Err(std::io::Error::last_os_error());
                }
                Ok(())
            });
        }
    }

    /// Closes this process's copy of the write end (after the child is
    /// started: the reader then sees the end of the pipe when the child's
    /// copies are gone) and reads the pipe on a thread of its own.
    pub fn listen(mut self) -> Lines {
        self.write = None;
        let lines = Arc::new(Mutex::new(Vec::new()));
        let (kept, token) = (Arc::clone(&lines), format!("{}\t", self.token));
        let done = Arc::new(OnceLock::new());
        let finished = Arc::clone(&done);
        let mut pipe = std::fs::File::from(self.read);
        std::thread::spawn(move || {
            let mut bytes = Vec::new();
            let mut buffer = [0_u8; 8192];
            loop {
                match pipe.read(&mut buffer) {
                    Ok(0) | Err(_) => break,
                    Ok(n) => bytes.extend_from_slice(&buffer[..n]),
                }
                while let Some(end) = bytes.iter().position(|&b| b == b'\n') {
                    let line: Vec<u8> = bytes.drain(..=end).collect();
                    let line = String::from_utf8_lossy(&line[..line.len() - 1]).into_owned();
                    if let Some(rest) = line.strip_prefix(&token) {
                        kept.lock().unwrap_or_else(PoisonError::into_inner).push(rest.to_string());
                    }
                }
            }
            let _ = finished.set(());
        });
        Lines { lines, done }
    }
}

/// The lines read from a channel, token removed.
#[derive(Debug)]
pub struct Lines {
    lines: Arc<Mutex<Vec<String>>>,
    done: Arc<OnceLock<()>>,
}

impl Lines {
    /// Every line read so far, once the pipe is closed (every writer gone) or
    /// `wait` has passed: a process outside the reader's reach that still
    /// holds the write end cannot make it wait longer.
    pub fn take(self, wait: Duration) -> Vec<String> {
        let deadline = Instant::now() + wait;
        while self.done.get().is_none() && Instant::now() < deadline {
            std::thread::sleep(Duration::from_millis(5));
        }
        std::mem::take(&mut *self.lines.lock().unwrap_or_else(PoisonError::into_inner))
    }
}

/// The write end a parent handed this process in `env`, with its token.
#[derive(Debug)]
pub struct Writer {
    pipe: std::fs::File,
    token: String,
}

/// The writer of the channel named in `env` ([`VERIFY_CHANNEL`] or
/// [`JUDGE_CHANNEL`]), set up on first use: its descriptor is then closed on
/// `exec`, so no process started from here inherits it. `None` when this
/// process was handed no such channel.
pub fn writer(env: &'static str) -> Option<&'static Mutex<Writer>> {
    static VERIFY: OnceLock<Option<Mutex<Writer>>> = OnceLock::new();
    static JUDGE: OnceLock<Option<Mutex<Writer>>> = OnceLock::new();
    let cell = if env == VERIFY_CHANNEL { &VERIFY } else { &JUDGE };
    cell.get_or_init(|| {
        let value = std::env::var(env).ok()?;
        let (fd, token) = value.split_once(' ')?;
        let fd: RawFd = fd.parse().ok().filter(|fd| *fd > 2)?;
        // Safety: fcntl only reads and sets the descriptor's flags; a descriptor
        // that is not open fails here and no channel is used.
        if unsafe { libc::fcntl(fd, libc::F_SETFD, libc::FD_CLOEXEC) } == -1 {
            return None;
        }
        // Safety: the parent opened this descriptor for this process alone and
        // nothing else in it uses the number.
        let pipe = unsafe { std::fs::File::from_raw_fd(fd) };
        Some(Mutex::new(Writer { pipe, token: token.to_string() }))
    })
    .as_ref()
}

/// Notes the learner's call the judge is making now (`""` when it returned), on the
/// judging child's channel (nothing outside one): a child that dies in the call, of an
/// allocation no machine can give or a stack overflow, is reported with the call.
pub fn calling_now(call: &str) {
    send(JUDGE_CHANNEL, &format!("calling\t{call}"));
}

/// Writes `line` on the channel named in `env`, if this process has one:
/// one write per line, under a lock, so concurrent tests never interleave.
/// `false` when there is no channel or the write failed.
pub fn send(env: &'static str, line: &str) -> bool {
    let Some(writer) = writer(env) else { return false };
    let mut writer = writer.lock().unwrap_or_else(PoisonError::into_inner);
    let text = format!("{}\t{}\n", writer.token, line.replace('\n', " "));
    writer.pipe.write_all(text.as_bytes()).is_ok()
}
