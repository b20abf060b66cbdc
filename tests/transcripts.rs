//! The lessons quote the program: every ```console block in README.md and
//! `labs/*/README.md` that starts with `$ cargo run -- check …` is run here
//! and must print what the lesson says, timings aside (`in 0.00 s` matches
//! any time). Change a line of lab code and this test names the lesson block
//! that went stale.
//!
//! ```text
//! cargo test --test transcripts                         # check every quoted output
//! RACELAB_BLESS=1 cargo test --test transcripts         # rewrite them from the program
//! ```

use std::path::{Path, PathBuf};
use std::process::Command;

const REPO: &str = env!("CARGO_MANIFEST_DIR");

/// Commands whose output does not depend on the machine or on progress.
const CHECKED: &[&str] = &["check"];

fn lessons() -> Vec<PathBuf> {
    let mut files = vec![Path::new(REPO).join("README.md")];
    let labs = std::fs::read_dir(Path::new(REPO).join("labs")).expect("labs/");
    let mut lab_files: Vec<PathBuf> =
        labs.flatten().map(|e| e.path().join("README.md")).filter(|p| p.exists()).collect();
    lab_files.sort();
    files.extend(lab_files);
    files
}

/// `0.05 s` → `[..] s`: timings differ from run to run.
fn normalise(text: &str) -> String {
    let mut out = String::new();
    for line in text.lines() {
        let words: Vec<String> = line
            .split(' ')
            .collect::<Vec<_>>()
            .windows(2)
            .map(|w| if is_decimal(w[0]) && w[1].starts_with('s') { "[..]".to_string() } else { w[0].to_string() })
            .collect();
        let last = line.split(' ').next_back().unwrap_or("");
        let mut joined = words.join(" ");
        if !words.is_empty() {
            joined.push(' ');
        }
        joined.push_str(last);
        out.push_str(joined.trim_end());
        out.push('\n');
    }
    out
}

fn is_decimal(word: &str) -> bool {
    let mut parts = word.split('.');
    matches!((parts.next(), parts.next(), parts.next()), (Some(a), Some(b), None)
        if !a.is_empty() && !b.is_empty() && a.bytes().all(|c| c.is_ascii_digit()) && b.bytes().all(|c| c.is_ascii_digit()))
}

/// A quoted command: the file, the line of `$ cargo run -- …`, its arguments,
/// and the lines of output the lesson shows (their range in the file).
struct Block {
    line: usize,
    args: Vec<String>,
    output: std::ops::Range<usize>,
}

fn blocks(text: &str) -> Vec<Block> {
    let lines: Vec<&str> = text.lines().collect();
    let mut found = Vec::new();
    let mut i = 0;
    while i < lines.len() {
        if lines[i].trim() == "```console"
            && let Some(command) = lines.get(i + 1).and_then(|l| l.strip_prefix("$ cargo run -- "))
        {
            let end = (i + 2..lines.len()).find(|&j| lines[j].trim() == "```").unwrap_or(lines.len());
            let args: Vec<String> = command.split_whitespace().map(str::to_string).collect();
            if args.first().is_some_and(|a| CHECKED.contains(&a.as_str())) {
                found.push(Block { line: i + 2, args, output: i + 2..end });
            }
            i = end;
        }
        i += 1;
    }
    found
}

#[test]
fn every_quoted_check_output_is_what_the_program_prints() {
    let bless = std::env::var_os("RACELAB_BLESS").is_some();
    let mut stale = Vec::new();
    let mut quoted = 0;
    for file in lessons() {
        let text = std::fs::read_to_string(&file).expect("a lesson");
        let mut lines: Vec<String> = text.lines().map(str::to_string).collect();
        for block in blocks(&text).into_iter().rev() {
            quoted += 1;
            let out = Command::new(env!("CARGO_BIN_EXE_racelab")).args(&block.args).output().expect("racelab runs");
            let actual = String::from_utf8_lossy(&out.stdout).trim_end().to_string();
            let shown = lines[block.output.clone()].join("\n");
            if normalise(&actual) != normalise(&shown) {
                let place = format!("{}:{}", file.strip_prefix(REPO).unwrap_or(&file).display(), block.line);
                stale.push(format!("{place}: `racelab {}` now prints:\n{actual}\n", block.args.join(" ")));
                if bless {
                    lines.splice(block.output.clone(), actual.lines().map(str::to_string));
                }
            }
        }
        if bless {
            std::fs::write(&file, lines.join("\n") + "\n").expect("rewrite the lesson");
        }
    }
    assert!(quoted >= 3, "the lessons quote at least three checks ({quoted})");
    assert!(
        stale.is_empty() || bless,
        "{} quoted outputs went stale (RACELAB_BLESS=1 rewrites them):\n\n{}",
        stale.len(),
        stale.join("\n")
    );
}

#[test]
fn normalising_ignores_only_timings() {
    assert_eq!(normalise("explored 30 executions in 0.05 s"), normalise("explored 30 executions in 1.20 s"));
    assert_ne!(normalise("explored 30 executions"), normalise("explored 31 executions"));
}
