//! What the terminal screens draw, read as text: `racelab show`'s lesson renderer,
//! the full-screen stepper's frame and panes, and its keys.
//!
//! These were the library's unit tests. The library now has none (`[lib] test = false`
//! in Cargo.toml): a unit-test build compiles the whole crate a second time, side by
//! side with the build every other test uses — 104 s of the 2 cores beside the
//! library's own 114 s, measured with `cargo test --no-run --timings` on this machine
//! (2026-12-07). The renderer's two files use nothing of the crate, so they are
//! compiled here again, their own `#[cfg(test)]` tests with them (a few hundred lines);
//! the stepper's screen is read through two hidden hooks, `racelab::cli::screen_after`
//! and `keys_after`.

#[allow(dead_code, reason = "the renderer's pieces the stepper uses and its tests do not")]
#[path = "../src/cli/tui/frame.rs"]
mod frame;

#[allow(dead_code, reason = "the renderer's pieces `racelab show` uses and its tests do not")]
#[path = "../src/cli/lesson.rs"]
mod lesson;

use crossterm::event::{KeyCode, KeyModifiers};
use racelab::cli::{keys_after, screen_after};
use racelab::lab::Case;

#[test]
fn the_screen_shows_every_threads_next_operation_with_its_source_line_and_who_waits() {
    // T1 took lock a: T2 waits for it; T1 and the observer can move.
    let (text, movable) = screen_after("3", "wrong_lock_order", Case::new(2, 1), &[1], None);
    assert!(text.contains(" 1 T1") && text.contains(" 3 observer"), "{text}");
    assert!(text.contains("let mut b = bank.b.lock()"), "the source of T1's next line:\n{text}");
    assert!(text.contains("T2 waits for lock a, held by T1 since step 1"), "{text}");
    assert!(!movable.contains(&2), "a waiting thread is not a move");
    assert!(text.contains("held by T1"), "the shared state:\n{text}");
    assert!(text.contains("1  T1      lock (holds 2)"), "the steps so far:\n{text}");
    assert!(text.contains("q/Esc/Ctrl-C: quit"), "{text}");
}

#[test]
fn the_screen_shows_the_puzzle_goal_and_what_each_thread_read_and_will_write() {
    // T1 and T2 both loaded 0: each keeps its 0 privately and will store 1.
    let (text, _) = screen_after("1", "racy", Case::new(2, 1), &[1, 2], Some("lose an update"));
    assert!(text.contains("puzzle goal: lose an update"), "{text}");
    assert!(text.contains("T1       store 1  (it read 0)"), "{text}");
    assert!(text.contains("T2       store 1  (it read 0)"), "{text}");
}

#[test]
fn keys_move_undo_and_quit_and_a_waiting_thread_is_refused_with_a_line() {
    let none = KeyModifiers::NONE;
    let keys = [
        (KeyCode::Char('1'), none),
        (KeyCode::Char('2'), none),
        (KeyCode::Char('u'), none),
        (KeyCode::Char('c'), KeyModifiers::CONTROL),
    ];
    let said = keys_after("3", "wrong_lock_order", Case::new(2, 1), &[1], &keys);
    assert_eq!(said[0], "Move(1)");
    assert!(said[1].contains("thread 2 waits for a lock"), "{said:?}");
    assert_eq!(said[2], "Undo");
    assert_eq!(said[3], "Quit", "Ctrl-C quits (raw mode turns it into a key)");
}
