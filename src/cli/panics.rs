//! The last line of defence: a panic anywhere becomes one line on stderr.
//!
//! The hook records the first panic (message and place) instead of printing
//! Rust's multi-line report; `cli::main` catches the unwind and prints the
//! record as one `error:` line. A thread the system refuses to start (a
//! process limit such as `ulimit -u`) is named for what it is.

use std::panic::PanicHookInfo;
use std::sync::Mutex;

/// The first panic seen, as one line.
static FIRST: Mutex<Option<String>> = Mutex::new(None);

/// Replaces the default hook, which would print several lines (and a
/// backtrace when `RUST_BACKTRACE` is set, as many Rust users have it).
pub(super) fn install() {
    std::panic::set_hook(Box::new(move |info| {
        let line = one_line(info);
        let mut first = FIRST.lock().unwrap_or_else(|p| p.into_inner());
        first.get_or_insert(line);
    }));
}

fn one_line(info: &PanicHookInfo<'_>) -> String {
    let payload = info.payload();
    let message = payload
        .downcast_ref::<&str>()
        .map(|s| s.to_string())
        .or_else(|| payload.downcast_ref::<String>().cloned())
        .unwrap_or_else(|| "an unknown panic".to_string());
    // The harness already says it in one line (and released the threads it had started).
    if message.starts_with("the system refused to start") {
        return message;
    }
    if message.contains("failed to spawn thread") {
        let why = message.split_once("message: \"").and_then(|(_, rest)| rest.split_once('"')).map(|(why, _)| why);
        return format!(
            "the system refused to start another thread ({}): a process or thread limit (`ulimit -u`)? \
             try fewer --threads",
            why.unwrap_or("failed to spawn thread")
        );
    }
    let message = message.lines().map(str::trim).filter(|l| !l.is_empty()).collect::<Vec<_>>().join(" ");
    let place = info.location().map(|l| format!(" at {}:{}", l.file(), l.line())).unwrap_or_default();
    format!("racelab stopped on an internal error: {message}{place} (a bug: please report it)")
}

/// The first panic, for the one line `main` prints.
pub(super) fn describe() -> String {
    let first = FIRST.lock().unwrap_or_else(|p| p.into_inner());
    first.clone().unwrap_or_else(|| "racelab stopped on an internal error".to_string())
}
