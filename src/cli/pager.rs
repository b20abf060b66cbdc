//! Text taller or wider than the terminal goes through a pager, as `git` does:
//! `$PAGER` if set, otherwise `less` with `LESS=FRSX` (quit if it fits, colours,
//! long lines scroll sideways rather than wrap, the text stays on screen after).

use std::io::Write as _;
use std::process::{Command, Stdio};

use super::exit::{Failure, out};

/// Writes `text` to a terminal of `columns` × `rows`: straight out when it fits,
/// through the pager when it does not. A pager that cannot start is no error: the
/// text is written as it is.
pub(super) fn page(text: &str, columns: usize, rows: usize) -> Result<(), Failure> {
    let fits = text.lines().count() < rows && text.lines().all(|line| super::lesson::width(line) <= columns);
    let pager = std::env::var("PAGER").unwrap_or_default();
    let pager = if pager.trim().is_empty() { "less".to_string() } else { pager };
    if fits || pager.trim() == "cat" {
        return out(text);
    }
    let mut command = Command::new("sh");
    command.arg("-c").arg(&pager).stdin(Stdio::piped());
    if std::env::var_os("LESS").is_none() {
        command.env("LESS", "FRSX");
    }
    // Ctrl-C belongs to the pager while it runs (less uses it to stop a search): racelab
    // must not die under it and hand the terminal back with the pager still drawing.
    // A handler, not SIG_IGN, so the pager itself starts with the default disposition.
    let ignored = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
    for signal in [signal_hook::consts::SIGINT, signal_hook::consts::SIGQUIT] {
        let _ = signal_hook::flag::register(signal, ignored.clone());
    }
    let Ok(mut child) = command.spawn() else {
        return out(text);
    };
    if let Some(mut stdin) = child.stdin.take() {
        // The reader quitting early (`q` on the first page) closes the pipe: not an error.
        let _ = stdin.write_all(text.as_bytes());
    }
    child.wait().map_err(|e| Failure(format!("cannot wait for the pager `{pager}`: {e}"), 2))?;
    Ok(())
}
