//! How a command ends: one line on stderr and an exit status ([`Failure`]),
//! output that a closed pipe ends quietly, and the status of a command that a
//! signal stopped.

use std::sync::atomic::AtomicBool;

/// A failure that ends the command: one line on stderr and this exit status.
pub(crate) struct Failure(pub(crate) String, pub(crate) u8);

impl From<String> for Failure {
    fn from(message: String) -> Self {
        Failure(message, 2)
    }
}

/// Exit status when stdout is closed early (`cargo run -- run 1 | head -1`): what a
/// shell reports for a Unix tool ended by SIGPIPE, without its message.
const CLOSED_PIPE: u8 = 141;

/// Exit status of a command stopped by Ctrl-C, as shells report it (128 + SIGINT).
pub(crate) const INTERRUPTED: u8 = 130;

/// One line on stderr; a closed stderr is no reason to panic.
pub(crate) fn say_error(message: &str) {
    use std::io::Write as _;
    let _ = writeln!(std::io::stderr().lock(), "error: {message}");
}

/// Writes `text` to stdout. A closed stdout ends the command quietly, as it
/// does for common Unix tools; any other write error is one line.
pub(crate) fn out(text: &str) -> Result<(), Failure> {
    use std::io::Write as _;
    let mut stdout = std::io::stdout().lock();
    match stdout.write_all(text.as_bytes()).and_then(|()| stdout.flush()) {
        Ok(()) => Ok(()),
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Err(Failure(String::new(), CLOSED_PIPE)),
        Err(e) => Err(Failure(format!("cannot write to stdout: {e}"), 2)),
    }
}

/// A flag set by the first Ctrl-C, SIGTERM or SIGHUP, for commands that must
/// stop what they started (test binaries, cargo) before they exit. A second
/// signal exits at once (status 128 + the signal).
pub(crate) fn stop_on_signals() -> Result<std::sync::Arc<AtomicBool>, String> {
    use signal_hook::consts::{SIGHUP, SIGINT, SIGTERM};
    // The shutdown handlers first: signal-hook runs a signal's handlers in the order they were
    // registered, so the first signal finds the flag unset (and only sets it), the second exits.
    let stop = std::sync::Arc::new(AtomicBool::new(false));
    for signal in [SIGINT, SIGTERM, SIGHUP] {
        signal_hook::flag::register_conditional_shutdown(signal, 128 + signal, stop.clone())
            .map_err(|e| format!("cannot handle signal {signal}: {e}"))?;
    }
    flag_on_signals_into(stop)
}

/// A flag set by Ctrl-C, SIGTERM or SIGHUP, which [`signalled`] remembers: for a command that
/// must put something back (the terminal) however many signals come.
pub(crate) fn flag_on_signals() -> Result<std::sync::Arc<AtomicBool>, String> {
    flag_on_signals_into(std::sync::Arc::new(AtomicBool::new(false)))
}

/// [`flag_on_signals`] setting `stop`.
fn flag_on_signals_into(stop: std::sync::Arc<AtomicBool>) -> Result<std::sync::Arc<AtomicBool>, String> {
    use signal_hook::consts::{SIGHUP, SIGINT, SIGTERM};
    for signal in [SIGINT, SIGTERM, SIGHUP] {
        signal_hook::flag::register_usize(signal, LAST_SIGNAL.clone(), signal as usize)
            .and_then(|_| signal_hook::flag::register(signal, stop.clone()))
            .map_err(|e| format!("cannot handle signal {signal}: {e}"))?;
    }
    Ok(stop)
}

/// The exit status of a command a signal stopped (128 + the signal), if one did.
pub(crate) fn signalled() -> Option<u8> {
    (LAST_SIGNAL.load(std::sync::atomic::Ordering::SeqCst) != 0).then(interrupted_status)
}

/// The signal that stopped a command (0: none yet), set by [`stop_on_signals`]'s handlers.
static LAST_SIGNAL: std::sync::LazyLock<std::sync::Arc<std::sync::atomic::AtomicUsize>> =
    std::sync::LazyLock::new(Default::default);

/// Exit status of a command that a signal stopped, as shells report it:
/// 128 + the signal (130 for Ctrl-C, 143 for SIGTERM, 129 for SIGHUP).
pub(crate) fn interrupted_status() -> u8 {
    match LAST_SIGNAL.load(std::sync::atomic::Ordering::SeqCst) {
        0 => INTERRUPTED,
        signal => u8::try_from(128 + signal).unwrap_or(INTERRUPTED),
    }
}
