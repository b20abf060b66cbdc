//! `cargo run -- watch`: re-check the exercise every time the learner saves.
//!
//! File events come from the `notify` crate (inotify on Linux: no polling of
//! the files). Keys come from `crossterm` in raw mode on a terminal — `h` hint,
//! `n` next lab, `q` or Ctrl-C quit — and from lines on stdin otherwise (so a
//! script can drive it). The terminal is restored on every way out.
//!
//! `q`, Ctrl-C and SIGTERM stop a running check at once (its processes are
//! killed, its temporary files removed) and leave.

use super::exit::{Failure, interrupted_status, stop_on_signals};
use super::learn::{self, Course};
use crate::lab::Lab;
use crate::labs::LABS;
use crossterm::event::{self, Event, KeyCode, KeyEvent, KeyEventKind, KeyModifiers};
use notify::{EventKind, RecursiveMode, Watcher};
use std::io::{BufRead, IsTerminal, Write};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::{self, Receiver, RecvTimeoutError};
use std::time::Duration;

/// With this set, `watch` reports which lab it would check instead of
/// compiling and checking it (used by the CLI tests, which must not build
/// exercises while `cargo test` runs).
const DRY_ENV: &str = "RACELAB_WATCH_DRY";

/// What the loop reacts to.
enum Input {
    Key(char),
    Quit,
    Saved(std::path::PathBuf),
}

/// Raw mode for the lifetime of the guard; dropping it restores the terminal.
struct RawMode;

impl RawMode {
    fn enable() -> Option<RawMode> {
        crossterm::terminal::enable_raw_mode().ok().map(|()| RawMode)
    }
}

impl Drop for RawMode {
    fn drop(&mut self) {
        let _ = crossterm::terminal::disable_raw_mode();
    }
}

/// Prints `text`; in raw mode a newline does not return the carriage, so add it.
fn show(raw: bool, text: &str) {
    let text = if raw { text.replace('\n', "\r\n") } else { text.to_string() };
    let mut out = std::io::stdout().lock();
    let _ = out.write_all(text.as_bytes());
    let _ = out.flush();
}

fn keys_from_terminal(tx: mpsc::Sender<Input>, stop: Arc<AtomicBool>) {
    std::thread::spawn(move || {
        loop {
            let input = match event::read() {
                Ok(Event::Key(KeyEvent { code, modifiers, kind: KeyEventKind::Press, .. })) => match code {
                    KeyCode::Char('c') if modifiers.contains(KeyModifiers::CONTROL) => Input::Quit,
                    KeyCode::Char(c) => Input::Key(c),
                    KeyCode::Esc => Input::Quit,
                    _ => continue,
                },
                Ok(_) => continue,
                Err(_) => Input::Quit,
            };
            let quit = matches!(input, Input::Quit | Input::Key('q'));
            if quit {
                // Stops a check that is running now, at once.
                stop.store(true, Ordering::SeqCst);
            }
            if tx.send(input).is_err() || quit {
                return;
            }
        }
    });
}

fn keys_from_lines(tx: mpsc::Sender<Input>, stop: Arc<AtomicBool>) {
    std::thread::spawn(move || {
        for line in std::io::stdin().lock().lines() {
            let Ok(line) = line else { break };
            if let Some(c) = line.trim().chars().next() {
                if c == 'q' {
                    stop.store(true, Ordering::SeqCst);
                }
                if tx.send(Input::Key(c)).is_err() || c == 'q' {
                    return;
                }
            }
        }
        stop.store(true, Ordering::SeqCst);
        let _ = tx.send(Input::Quit); // end of input: leave
    });
}

fn footer(lab: &'static dyn Lab) -> String {
    format!("\nwatching labs/ for lab {:02} — save a file to re-check · h hint · n next lab · q quit\n", lab.number())
}

/// Waits for the next input; several file events within a moment count as one save.
/// A stop signal (Ctrl-C outside raw mode, SIGTERM) counts as quitting.
fn next_input(rx: &Receiver<Input>, stop: &AtomicBool) -> Option<Input> {
    let first = loop {
        if stop.load(Ordering::SeqCst) {
            return Some(Input::Quit);
        }
        match rx.recv_timeout(Duration::from_millis(100)) {
            Ok(input) => break input,
            Err(RecvTimeoutError::Timeout) => continue,
            Err(RecvTimeoutError::Disconnected) => return None,
        }
    };
    let Input::Saved(path) = first else { return Some(first) };
    loop {
        match rx.recv_timeout(Duration::from_millis(300)) {
            Ok(Input::Saved(_)) => continue,
            Ok(other) => return Some(other),
            Err(RecvTimeoutError::Timeout) => return Some(Input::Saved(path)),
            Err(RecvTimeoutError::Disconnected) => return None,
        }
    }
}

/// A command's text, and a line when progress could not be saved.
fn with_unsaved(shown: learn::Shown) -> String {
    match shown.unsaved {
        Some(why) => format!("{}error: progress was not saved: {why}\n", shown.text),
        None => shown.text,
    }
}

/// Runs the watch loop until the learner quits.
pub(super) fn run(lab: Option<&str>) -> Result<u8, Failure> {
    let mut course = Course::load()?;
    let mut lab = course.lab_or_current(lab)?;
    let dry = std::env::var_os(DRY_ENV).is_some();
    let (tx, rx) = mpsc::channel();

    let saves = tx.clone();
    let mut watcher = notify::recommended_watcher(move |event: notify::Result<notify::Event>| {
        let Ok(event) = event else { return };
        if matches!(event.kind, EventKind::Create(_) | EventKind::Modify(_)) {
            for path in event.paths {
                if path.extension().is_some_and(|ext| ext == "rs" || ext == "toml") {
                    let _ = saves.send(Input::Saved(path));
                }
            }
        }
    })
    .map_err(|e| format!("cannot watch files: {e}"))?;
    let dir = learn::labs_dir(&course);
    watcher.watch(&dir, RecursiveMode::Recursive).map_err(|e| format!("cannot watch {}: {e}", dir.display()))?;

    let stop = stop_on_signals()?;
    let raw = if std::io::stdin().is_terminal() { RawMode::enable() } else { None };
    let is_raw = raw.is_some();
    if is_raw {
        keys_from_terminal(tx, stop.clone())
    } else {
        keys_from_lines(tx, stop.clone())
    }

    // `None`: the check was stopped (q, Ctrl-C): leave.
    let check = |course: &mut Course, lab: &'static dyn Lab| -> Option<String> {
        if dry {
            return Some(format!("checking lab {:02} (dry run)\n", lab.number()));
        }
        match learn::verify(course, lab, None, Duration::from_secs(180), &stop, false) {
            Ok(shown) => Some(with_unsaved(shown)),
            Err(Failure(_, status)) if status == interrupted_status() => None,
            Err(Failure(message, _)) => Some(format!("error: {message}\n")),
        }
    };

    show(is_raw, &format!("racelab watch · lab {:02}: {}\n", lab.number(), lab.card().title));
    // Where you stand before the first save: check once at start.
    show(is_raw, &format!("checking lab {:02} as it is now…\n", lab.number()));
    match check(&mut course, lab) {
        Some(report) => show(is_raw, &report),
        None => {
            drop(raw);
            show(false, "\nbye\n");
            return Ok(0);
        }
    }
    show(is_raw, &footer(lab));
    while let Some(input) = next_input(&rx, &stop) {
        // Other commands may have saved progress meanwhile: start from the file, not from memory.
        if let Ok(now) = crate::course::Progress::load(&course.root) {
            course.progress = now;
        }
        match input {
            Input::Quit | Input::Key('q') => break,
            Input::Saved(path) => {
                if let Some(edited) = learn::lab_of(&path) {
                    lab = edited;
                }
                let name = path.strip_prefix(&course.root).unwrap_or(&path).display().to_string();
                if is_raw {
                    // A fresh screen per check, so the result is always at the top.
                    use crossterm::{
                        cursor::MoveTo,
                        execute,
                        terminal::{Clear, ClearType},
                    };
                    let _ = execute!(std::io::stdout(), Clear(ClearType::All), MoveTo(0, 0));
                }
                show(is_raw, &format!("{name} saved: checking lab {:02}…\n", lab.number()));
                let Some(report) = check(&mut course, lab) else {
                    show(is_raw, "stopped the running check\n");
                    break;
                };
                show(is_raw, &report);
                show(is_raw, &footer(lab));
            }
            Input::Key('h') => {
                let text = learn::hint(&mut course, lab, None, true)
                    .map(with_unsaved)
                    .unwrap_or_else(|Failure(m, _)| format!("error: {m}\n"));
                show(is_raw, &format!("\n{text}"));
                show(is_raw, &footer(lab));
            }
            Input::Key('n') => {
                match LABS.iter().copied().find(|l| l.number() > lab.number()) {
                    Some(next) => {
                        lab = next;
                        show(
                            is_raw,
                            &format!(
                                "\nlab {:02}: {} — `cargo run -- show {}`\n",
                                lab.number(),
                                lab.card().title,
                                lab.number()
                            ),
                        );
                    }
                    None => show(is_raw, "\nThis is the last lab.\n"),
                }
                show(is_raw, &footer(lab));
            }
            Input::Key(_) => show(is_raw, &footer(lab)),
        }
    }
    drop(raw);
    show(false, "\nbye\n");
    Ok(0)
}
