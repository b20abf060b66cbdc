//! `racelab step` full screen: the same stepping as line mode, drawn on crossterm
//! by the small renderer in [`frame`] (panes, wrapping, colours, a frame a test can read).
//!
//! Used when both stdin and stdout are a terminal (`--plain` keeps line mode).
//! The screen has the steps so far on the left; on the right the shared state,
//! every thread's next operation with its source line (the ones waiting for a
//! lock greyed out, not selectable), and the keys. A digit moves that thread,
//! `u` or Backspace undoes, `q`, Esc or Ctrl-C quits. When the run ends the
//! outcome is shown against the expected one until a key is pressed; it is
//! printed again on the normal screen, as line mode prints it.
//!
//! The terminal is put back (raw mode off, the normal screen, the cursor) on
//! every way out: the end, a quit, Ctrl-C (a key in raw mode), SIGTERM or
//! SIGHUP (a flag polled between keys), the end of input, and a panic (the
//! panic hook restores it before anything is printed; the guard's `Drop` does
//! it again while unwinding).

use super::step::{self, Answer, Ui};
use crate::lab::Case;
use crate::stepper::{Choice, Ending, Next, Stepping, Waiting};
use crate::trace::Schedule;
use crossterm::event::{self, Event, KeyCode, KeyEventKind, KeyModifiers};
use crossterm::style::Color;
use crossterm::{cursor, execute, terminal};
use frame::{Frame, Line, Style, Wrap};
use std::cell::RefCell;
use std::collections::HashMap;
use std::rc::Rc;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

mod frame;

/// What one frame shows.
#[derive(Debug, Default)]
pub(super) struct View {
    /// The first line: lab, variant, size.
    pub title: String,
    /// The puzzle's goal, when stepping one (`make a job run twice`).
    pub goal: Option<String>,
    /// The steps so far, one per line (the schedule's table).
    pub steps: Vec<String>,
    /// The shared objects now.
    pub shared: String,
    /// The threads that can move, with the source text of their next line.
    pub next: Vec<(Next, String)>,
    /// For each of `next`: its operation with the value it will write (`store 1`), and
    /// what it keeps to itself (`(it read 0)`).
    pub moves: Vec<(String, String)>,
    /// The threads that wait for a lock.
    pub waiting: Vec<Waiting>,
    /// A one-line message: a key that is not a move, "nothing to undo".
    pub message: String,
    /// How the run ended, once it has.
    pub outcome: Option<String>,
}

/// Draws `view` on the whole frame.
fn draw(frame: &mut Frame, view: &View) {
    // A title row (and the puzzle's goal), the panes, two rows for the message and the keys.
    let (top, rest) = frame.area().split_top(1 + u16::from(view.goal.is_some()));
    let (body, keys) = rest.split_top(rest.height.saturating_sub(2));
    let mut heading = vec![Line::styled(view.title.as_str(), Style::PLAIN.bold())];
    if let Some(goal) = &view.goal {
        heading.push(Line(vec![
            ("puzzle goal: ".to_string(), Style::fg(Color::Magenta).bold()),
            (goal.clone(), Style::fg(Color::Magenta)),
        ]));
    }
    frame.paragraph(top, &heading, Wrap::Cut, 0);
    let (left, right) = body.split_left((u32::from(body.width) * 55 / 100) as u16);

    // The steps so far: the newest at the bottom, always in sight.
    let steps: Vec<Line> = view.steps.iter().map(|l| Line::raw(l.as_str())).collect();
    let title = if view.outcome.is_some() { " the execution " } else { " steps so far " };
    let inside = frame.block(left, title);
    frame.paragraph(inside, &steps, Wrap::Cut, steps.len().saturating_sub(usize::from(inside.height)));

    // The shared state takes 4 rows, fewer when the threads' pane would get less than 3 + one per waiting thread.
    let threads_need = 3 + view.waiting.len() as u16;
    let (shared, threads) = right.split_top(4.min(right.height.saturating_sub(threads_need)));
    let inside = frame.block(shared, " shared state ");
    let state = view.shared.trim().trim_start_matches("shared: ");
    frame.paragraph(inside, &[Line::raw(state)], Wrap::Words { trim: true }, 0);
    let mut who: Vec<Line> = Vec::new();
    for (i, (next, code)) in view.next.iter().enumerate() {
        let (op, kept) = view.moves.get(i).cloned().unwrap_or_else(|| (next.op.to_string(), String::new()));
        who.push(Line(vec![
            (format!("{:>2} ", next.thread), Style::fg(Color::Yellow).bold()),
            (format!("{:<9}", next.label), Style::PLAIN.bold()),
            (format!("{op}  "), Style::PLAIN),
            (if kept.is_empty() { String::new() } else { format!("{kept}  ") }, Style::fg(Color::Magenta)),
            (next.at.clone(), Style::fg(Color::DarkGrey)),
        ]));
        if !code.is_empty() {
            who.push(Line::styled(format!("      {code}"), Style::fg(Color::Cyan)));
        }
    }
    for waiting in &view.waiting {
        who.push(Line::styled(format!("  ·  {waiting}"), Style::fg(Color::DarkGrey)));
    }
    if let Some(outcome) = &view.outcome {
        // The run is over: the outcome against the expected one, in green or red.
        let color = if outcome.contains("— right") { Color::Green } else { Color::Red };
        for (i, line) in outcome.lines().enumerate() {
            let style = if i == 0 { Style::fg(color).bold() } else { Style::PLAIN };
            who.push(Line::styled(line, style));
        }
    }
    let title = if view.outcome.is_some() { " outcome " } else { " who moves next? " };
    let inside = frame.block(threads, title);
    frame.paragraph(inside, &who, Wrap::Words { trim: false }, 0);
    let help = if view.outcome.is_some() {
        "press any key to leave"
    } else {
        "digit: move that thread   u/Backspace: undo   q/Esc/Ctrl-C: quit"
    };
    let keys_text =
        [Line::styled(view.message.as_str(), Style::fg(Color::Red)), Line::styled(help, Style::fg(Color::DarkGrey))];
    frame.paragraph(keys, &keys_text, Wrap::Cut, 0);
}

/// The text of `file:line` in this checkout, trimmed (empty when it cannot be read).
fn source_line(cache: &mut HashMap<String, Vec<String>>, at: &str) -> String {
    let Some((file, line)) = at.rsplit_once(':') else { return String::new() };
    let Ok(line) = line.parse::<usize>() else { return String::new() };
    let lines = cache.entry(file.to_string()).or_insert_with(|| {
        let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join(file);
        std::fs::read_to_string(path).map(|text| text.lines().map(str::to_string).collect()).unwrap_or_default()
    });
    lines.get(line.wrapping_sub(1)).map(|l| l.trim().to_string()).unwrap_or_default()
}

/// The frame for one choice.
pub(super) fn view_of(
    stepping: &Stepping,
    choice: &Choice,
    sources: &mut HashMap<String, Vec<String>>,
    message: &str,
) -> View {
    let schedule = Schedule::from_events_decoded(choice.events, stepping.lab.card().names, stepping.lab.decoder());
    let steps = if choice.events.is_empty() {
        vec!["(no step yet: pick the thread that goes first)".to_string()]
    } else {
        schedule.table().lines().map(str::to_string).collect()
    };
    View {
        title: step::title(stepping),
        goal: None,
        steps,
        shared: step::shared_state(stepping, choice.events),
        next: choice.next.iter().map(|n| (n.clone(), source_line(sources, &n.at))).collect(),
        moves: step::moves(stepping, choice),
        waiting: choice.waiting.clone(),
        message: message.to_string(),
        outcome: None,
    }
}

/// The terminal in raw mode on the alternate screen; put back when dropped.
struct Screen {
    /// The frame on the screen now, if any: a new one only redraws the rows that changed.
    shown: Option<Frame>,
    sources: HashMap<String, Vec<String>>,
    message: String,
    /// Set by SIGTERM, SIGHUP or SIGINT.
    stop: Arc<AtomicBool>,
    /// What to print on the normal screen afterwards.
    after: String,
    last: View,
    /// The puzzle's goal, shown under the title on every frame.
    goal: Option<String>,
}

/// Leaves raw mode and the alternate screen, shows the cursor. Safe to call twice.
fn restore() {
    let _ = terminal::disable_raw_mode();
    let _ = execute!(std::io::stdout(), terminal::LeaveAlternateScreen, cursor::Show);
}

impl Drop for Screen {
    fn drop(&mut self) {
        restore();
    }
}

/// What a key means at a choice.
enum Key {
    Answer(Answer),
    Wrong(String),
    Nothing,
}

fn key_answer(code: KeyCode, modifiers: KeyModifiers, choice: &Choice) -> Key {
    match code {
        KeyCode::Char('c') if modifiers.contains(KeyModifiers::CONTROL) => Key::Answer(Answer::Quit),
        KeyCode::Char('q') | KeyCode::Esc => Key::Answer(Answer::Quit),
        KeyCode::Char('u') | KeyCode::Backspace | KeyCode::Left => Key::Answer(Answer::Undo),
        KeyCode::Char(c) if c.is_ascii_digit() => {
            let t = c.to_digit(10).map_or(usize::MAX, |d| d as usize);
            if choice.next.iter().any(|n| n.thread == t) {
                Key::Answer(Answer::Move(t))
            } else if choice.waiting.iter().any(|w| w.thread == t) {
                Key::Wrong(format!("thread {t} waits for a lock: it cannot move until the holder unlocks"))
            } else {
                let can: Vec<String> = choice.next.iter().map(|n| n.thread.to_string()).collect();
                Key::Wrong(format!("{t} is not a thread that can move now: press {}", can.join(", ")))
            }
        }
        KeyCode::Char(c) => Key::Wrong(format!("`{c}` is not a move: a thread's number, u to undo, q to quit")),
        _ => Key::Nothing,
    }
}

impl Screen {
    fn show(&mut self) {
        let (width, height) = terminal::size().unwrap_or((80, 24));
        let mut frame = Frame::new(width, height);
        draw(&mut frame, &self.last);
        let _ = frame.draw(&mut std::io::stdout().lock(), self.shown.as_ref());
        self.shown = Some(frame);
    }

    /// The next key press, or `None` when the input ended or a signal asked to stop.
    fn key(&mut self) -> Option<(KeyCode, KeyModifiers)> {
        loop {
            if self.stop.load(Ordering::Relaxed) {
                return None;
            }
            match event::poll(Duration::from_millis(200)) {
                Ok(false) => continue,
                Ok(true) => {}
                Err(_) => return None,
            }
            match event::read() {
                Ok(Event::Key(key)) if key.kind == KeyEventKind::Press => return Some((key.code, key.modifiers)),
                Ok(Event::Resize(..)) => self.show(),
                Ok(_) => {}
                Err(_) => return None,
            }
        }
    }
}

impl Ui for Screen {
    fn ask(&mut self, stepping: &Stepping, choice: &Choice) -> Answer {
        let message = std::mem::take(&mut self.message);
        self.last = view_of(stepping, choice, &mut self.sources, &message);
        self.last.goal = self.goal.clone();
        loop {
            self.show();
            let Some((code, modifiers)) = self.key() else { return Answer::Quit };
            match key_answer(code, modifiers, choice) {
                Key::Answer(answer) => return answer,
                Key::Wrong(why) => self.last.message = why,
                Key::Nothing => {}
            }
        }
    }

    fn note(&mut self, text: &str) {
        self.message = text.to_string();
    }

    fn end(&mut self, stepping: &Stepping, ending: &Ending, text: &str) {
        self.after = text.to_string();
        if ending.stopped {
            return;
        }
        let schedule = Schedule::from_events_decoded(&ending.events, stepping.lab.card().names, stepping.lab.decoder());
        let outcome: Vec<&str> = text.lines().skip_while(|l| !l.starts_with("outcome:")).collect();
        self.last = View {
            title: step::title(stepping),
            goal: self.goal.clone(),
            steps: schedule.table().lines().map(str::to_string).collect(),
            shared: step::shared_state(stepping, &ending.events),
            outcome: Some(outcome.join("\n")),
            ..View::default()
        };
        self.show();
        let _ = self.key();
    }
}

/// A panic hook, as `std::panic::take_hook` returns it.
type PanicHook = Box<dyn Fn(&std::panic::PanicHookInfo<'_>) + Sync + Send>;

/// Steps full screen, with the puzzle's `goal` in sight if there is one; returns the ending
/// and the text to print once the normal screen is back.
pub(super) fn interactive(stepping: &Stepping, goal: Option<&str>) -> Result<(Ending, String), String> {
    let stop = super::exit::flag_on_signals()?;
    terminal::enable_raw_mode().map_err(|e| format!("cannot use the terminal full screen ({e}); try --plain"))?;
    // From here on the terminal is restored on every way out, a panic included.
    let previous: Arc<PanicHook> = Arc::new(std::panic::take_hook());
    let chained = Arc::clone(&previous);
    std::panic::set_hook(Box::new(move |info| {
        restore();
        chained(info);
    }));
    let outcome = (|| {
        execute!(std::io::stdout(), terminal::EnterAlternateScreen, cursor::Hide)
            .map_err(|e| format!("cannot use the terminal full screen ({e}); try --plain"))?;
        let screen = Rc::new(RefCell::new(Screen {
            shown: None,
            sources: HashMap::new(),
            message: String::new(),
            stop,
            after: String::new(),
            last: View::default(),
            goal: goal.map(str::to_string),
        }));
        let ending = step::play(stepping, screen.clone());
        let after = std::mem::take(&mut screen.borrow_mut().after);
        Ok((ending, after))
    })();
    restore();
    let _ = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| previous(info)));
    outcome
}

/// The full screen of `racelab step` at the first choice after `moves`, as text
/// (140 × 30 cells), with the puzzle's `goal`; and the threads that can move there.
/// A hook for `tests/screens.rs`: the library has no unit tests of its own, so that
/// `cargo test` builds it once.
#[doc(hidden)]
pub fn screen_after(lab: &str, variant: &str, case: Case, moves: &[usize], goal: Option<&str>) -> (String, Vec<usize>) {
    let lab = match crate::labs::find(lab) {
        Ok(lab) => lab,
        Err(why) => return (why, Vec::new()),
    };
    let stepping = Stepping::new(lab, variant, case);
    let seen = Rc::new(RefCell::new(None));
    let keep = Rc::clone(&seen);
    let view_stepping = stepping.clone();
    crate::stepper::run(&stepping, moves, move |choice: &Choice| {
        *keep.borrow_mut() = Some(view_of(&view_stepping, choice, &mut HashMap::new(), ""));
        crate::stepper::Decision::Stop
    });
    let Some(mut view) = seen.borrow_mut().take() else { return ("no choice".to_string(), Vec::new()) };
    view.goal = goal.map(str::to_string);
    let mut frame = Frame::new(140, 30);
    draw(&mut frame, &view);
    (frame.text(), view.next.iter().map(|(n, _)| n.thread).collect())
}

/// What each of `keys` means at the first choice after `moves`: the answer
/// (`Move(1)`, `Undo`, `Quit`), or the line a key that is no move shows. A hook for
/// `tests/screens.rs` (see [`screen_after`]).
#[doc(hidden)]
pub fn keys_after(
    lab: &str,
    variant: &str,
    case: Case,
    moves: &[usize],
    keys: &[(KeyCode, KeyModifiers)],
) -> Vec<String> {
    let lab = match crate::labs::find(lab) {
        Ok(lab) => lab,
        Err(why) => return vec![why],
    };
    let stepping = Stepping::new(lab, variant, case);
    let answers = Rc::new(RefCell::new(Vec::new()));
    let keep = Rc::clone(&answers);
    let keys = keys.to_vec();
    crate::stepper::run(&stepping, moves, move |choice: &Choice| {
        let mut said = keep.borrow_mut();
        for &(code, modifiers) in &keys {
            said.push(match key_answer(code, modifiers, choice) {
                Key::Answer(answer) => format!("{answer:?}"),
                Key::Wrong(why) => why,
                Key::Nothing => String::new(),
            });
        }
        crate::stepper::Decision::Stop
    });
    answers.take()
}
