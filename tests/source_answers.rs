//! Whole exercise files through the real `racelab verify`: the labs'
//! source-level answers (`labs/NN_slug/answers/*.rs`) and the forged ones.
//!
//! A function-level answer (`answers.rs`) replaces one function; what the
//! judge refuses or accepts as *source* — a `static`, a `thread_local!`, a
//! `sleep`, an attribute, a path — needs the whole file, compiled as a learner's
//! exercise, judged by the racelab binary, its outcomes carried to `verify` and
//! saved in `.racelab/progress.json`. So each answer file is written as
//! `labs/NN_slug/exercise.rs` of a course folder kept in the build's target
//! folder (its sources linked to this repository's, so nothing is copied but
//! the file under test), and `racelab verify N` runs there with the real cargo.
//!
//! Each answer file says what every exercise must get, in comments:
//!
//! ```text
//! // expect mutex: solved
//! // expect process: refused, saying "std::env"
//! // expect the file: refused, saying "link_section"
//! ```
//!
//! The course folder shares this build's target folder and its racelab library
//! (the same package: cargo reuses the build), and names its exercise targets
//! `source_answers_NN`, so that a build of an answer is never taken for the
//! learner's `exercise_NN`. Each answer is an incremental build of its lab's target.

mod common;

use racelab::course::{Progress, Status};
use racelab::lab::Lab;
use racelab::labs::LABS;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

const REPO: &str = env!("CARGO_MANIFEST_DIR");

/// The answers' exercise targets are `source_answers_NN`, never the learner's `exercise_NN`.
const TARGET_PREFIX: &str = "source_answers_";

/// The course folder the answers are verified in, held exclusively while a test uses it.
struct AnswersCourse {
    root: PathBuf,
    target: PathBuf,
    _lock: std::fs::File,
}

/// The build's target folder: this test program is `<target>/debug/deps/source_answers-…`.
fn target_dir() -> PathBuf {
    let exe = std::env::current_exe().expect("the test program's path");
    exe.ancestors().nth(3).expect("<target>/debug/deps/this").to_path_buf()
}

fn link(from: &Path, to: &Path) {
    if std::fs::symlink_metadata(to).is_err() {
        std::os::unix::fs::symlink(from, to).unwrap_or_else(|e| panic!("link {}: {e}", to.display()));
    }
}

impl AnswersCourse {
    fn open() -> AnswersCourse {
        use std::os::fd::AsRawFd;
        let target = target_dir();
        let root = target.join("racelab-source-answers");
        std::fs::create_dir_all(&root).expect("the answers' course folder");
        let lock = std::fs::File::create(target.join("racelab-source-answers.lock")).expect("a lock file");
        // Safety: flock on a descriptor this function owns; released when the file closes.
        let locked = unsafe { libc::flock(lock.as_raw_fd(), libc::LOCK_EX) };
        assert_eq!(locked, 0, "cannot lock the answers' course folder");
        let repo = Path::new(REPO);
        for file in ["Cargo.toml", "Cargo.lock"] {
            let mut text = std::fs::read_to_string(repo.join(file)).expect(file);
            if file == "Cargo.toml" {
                // Other target names (`verify` is told with RACELAB_EXERCISE_TARGET): the same
                // package and target name would let cargo take a build of an answer here for a
                // fresh build of the learner's older exercise file there.
                text = text.replace("name = \"exercise_", &format!("name = \"{TARGET_PREFIX}"));
            }
            if std::fs::read_to_string(root.join(file)).ok().as_ref() != Some(&text) {
                std::fs::write(root.join(file), text).expect(file);
            }
        }
        for shared in ["src", "vendor"] {
            link(&repo.join(shared), &root.join(shared));
        }
        for lab in LABS {
            let (from, to) = (repo.join("labs").join(lab.folder()), root.join("labs").join(lab.folder()));
            std::fs::create_dir_all(&to).expect("a lab's folder");
            for entry in std::fs::read_dir(&from).expect("the lab's files").flatten() {
                if entry.file_name() != "exercise.rs" {
                    link(&entry.path(), &to.join(entry.file_name()));
                }
            }
            let shipped = from.join("exercise.rs");
            if !to.join("exercise.rs").exists() {
                std::fs::copy(&shipped, to.join("exercise.rs")).expect("the shipped exercise");
            }
        }
        AnswersCourse { root, target, _lock: lock }
    }

    /// `racelab verify N` with `text` as lab N's exercise, from a fresh progress file:
    /// what it printed, and the progress it saved.
    fn verify(&self, lab: &'static dyn Lab, text: &str) -> (String, Progress) {
        let out = self.verify_output(lab, text, &[]);
        let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
        let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
        assert!(
            out.status.code().is_some_and(|c| c <= 1),
            "verify {} could not run ({:?}):\n{stdout}\n{stderr}",
            lab.number(),
            out.status
        );
        let progress = Progress::load(&self.root).expect("progress");
        (stdout, progress)
    }
}

impl AnswersCourse {
    /// `racelab verify N` (and `more` arguments) with `text` as lab N's exercise, from a fresh
    /// progress file: its whole output.
    fn verify_output(&self, lab: &'static dyn Lab, text: &str, more: &[&str]) -> std::process::Output {
        let file = self.root.join("labs").join(lab.folder()).join("exercise.rs");
        if std::fs::read_to_string(&file).ok().as_deref() != Some(text) {
            std::fs::write(&file, text).expect("the answer as the exercise");
        }
        let _ = std::fs::remove_dir_all(self.root.join(".racelab"));
        Command::new(env!("CARGO_BIN_EXE_racelab"))
            .current_dir(&self.root)
            .args(["verify", &lab.number().to_string()])
            .args(more)
            .env("CARGO_TARGET_DIR", &self.target)
            .env(racelab::judge::verify::TARGET_ENV, TARGET_PREFIX)
            .stdin(Stdio::null())
            .output()
            .expect("racelab verify runs")
    }
}

/// The shipped exercise of `lab` with `line` added at its end.
fn shipped_with(lab: &'static dyn Lab, line: &str) -> String {
    let path = Path::new(REPO).join("labs").join(lab.folder()).join("exercise.rs");
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    format!("{text}\n{line}\n")
}

#[test]
fn a_compile_error_is_shown_once() {
    let course = AnswersCourse::open();
    // A guard dereferenced without unwrapping the lock's result: the error names std's
    // `MutexGuard` for real threads and loom's for the model, the same line both times.
    let text = shipped_with(&common::fixture::LAB, "pub fn broken(m: &Mutex<u64>) { *m.lock() += 1; }");
    let out = course.verify_output(&common::fixture::LAB, &text, &[]);
    let all = String::from_utf8_lossy(&out.stdout).into_owned() + &String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{all}");
    assert_eq!(all.matches("error[E0614]").count(), 1, "the error once:\n{all}");
    assert_eq!(all.matches("| pub fn broken(").count(), 1, "the line once:\n{all}");
    assert!(!all.contains("previous errors"), "no count of errors shown twice:\n{all}");
}

#[test]
fn a_const_that_never_finishes_stops_the_build_with_a_clear_message() {
    let course = AnswersCourse::open();
    // Odd numbers never wrap to 0: the compiler's guard, allowed away, would have stopped it.
    let forever = "#[allow(long_running_const_eval)]\nconst FOREVER: u64 = {\n    let mut i: u64 = 1;\n    \
                   while i != 0 {\n        i = i.wrapping_add(2);\n    }\n    i\n};\npub fn forever() -> u64 {\n    FOREVER\n}";
    let text = shipped_with(&common::fixture::LAB, forever);
    let out = course.verify_output(&common::fixture::LAB, &text, &[]);
    let all = String::from_utf8_lossy(&out.stdout).into_owned() + &String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{all}");
    assert!(all.contains("The build was stopped after"), "{all}");
    assert!(all.contains("the compiler was still evaluating a constant"), "{all}");
    let file = format!("--> labs/{}/exercise.rs:", common::fixture::LAB.folder());
    assert!(all.contains(&file), "where: {all}");
    assert!(all.contains("… still compiling"), "a line while it waits: {all}");
}

/// One `// expect NAME: STATUS[, saying "TEXT"]` line of an answer file.
#[derive(Debug)]
struct Expect {
    /// An exercise, or `the file` (a refusal of the whole file).
    what: String,
    status: String,
    saying: Option<String>,
}

fn expectations(text: &str) -> Vec<Expect> {
    text.lines()
        .filter_map(|l| l.trim().strip_prefix("// expect "))
        .map(|rest| {
            let (what, verdict) = rest.split_once(": ").expect("`// expect NAME: STATUS`");
            let (status, saying) = match verdict.split_once(", saying ") {
                Some((status, text)) => (status, Some(text.trim_matches('"').to_string())),
                None => (verdict, None),
            };
            Expect { what: what.to_string(), status: status.trim().to_string(), saying }
        })
        .collect()
}

fn status_named(label: &str) -> Status {
    [Status::NotAttempted, Status::Failing, Status::Solved, Status::Refused]
        .into_iter()
        .find(|s| s.label() == label)
        .unwrap_or_else(|| panic!("no status `{label}`"))
}

/// The line `verify` printed for `exercise`: `  ✓ mutex          solved: …`.
fn line_of<'a>(stdout: &'a str, exercise: &str) -> Option<&'a str> {
    stdout.lines().find(|l| l.split_whitespace().nth(1) == Some(exercise))
}

/// Checks what `verify` said and saved for an answer file against its expectations.
fn judged_as_expected(lab: &'static dyn Lab, name: &str, text: &str, stdout: &str, progress: &Progress) -> Vec<String> {
    let mut wrong = Vec::new();
    let expected = expectations(text);
    assert!(!expected.is_empty(), "{name} says what to expect");
    for e in &expected {
        if e.what == "the file" {
            let said = stdout.lines().any(|l| {
                l.contains(&e.status)
                    && e.saying.as_deref().is_none_or(|s| l.contains(s))
                    && line_of(stdout, "").is_none()
            });
            if !said {
                wrong.push(format!("{name}: the file should be {} ({:?})", e.status, e.saying));
            }
            continue;
        }
        let status = progress.status(lab.number(), &e.what);
        let line = line_of(stdout, &e.what).unwrap_or("(no line)");
        let shown = line.split_whitespace().skip(2).collect::<Vec<_>>().join(" ");
        let ok = status == status_named(&e.status)
            && shown.starts_with(&format!("{}:", e.status))
            && e.saying.as_deref().is_none_or(|s| line.contains(s));
        if !ok {
            wrong.push(format!(
                "{name} {}: expected {} {:?}, saved {}, shown: {line}",
                e.what,
                e.status,
                e.saying,
                status.label()
            ));
        }
    }
    wrong
}

fn answer_file(lab: &'static dyn Lab, name: &str) -> String {
    let path = Path::new(REPO).join("labs").join(lab.folder()).join("answers").join(format!("{name}.rs"));
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

fn verify_answer(course: &AnswersCourse, lab: &'static dyn Lab, name: &str) {
    let text = answer_file(lab, name);
    let (stdout, progress) = course.verify(lab, &text);
    println!("── lab {:02} {name}\n{stdout}", lab.number());
    let wrong = judged_as_expected(lab, name, &text, &stdout, &progress);
    assert!(wrong.is_empty(), "{}\n\n{stdout}", wrong.join("\n"));
    let solved: Vec<&String> = progress.status.iter().filter(|(_, s)| **s == Status::Solved).map(|(k, _)| k).collect();
    let allowed: Vec<String> = expectations(&text)
        .iter()
        .filter(|e| e.status == "solved")
        .map(|e| racelab::course::key(lab.number(), &e.what))
        .collect();
    assert!(solved.iter().all(|k| allowed.contains(k)), "{name}: saved solved for {solved:?}");
}

// ── No verdict without solving ───────────────────────────────────────────────

/// Each `todo!()` replaced by a call that appends a "solved" outcome line to
/// the result file named in the judging child's environment, and exits.
#[test]
fn a_solved_line_written_by_the_learners_code_is_no_verdict() {
    let course = AnswersCourse::open();
    verify_answer(&course, &common::fixture::LAB, "forged_result_file");
}

/// A function in `.init_array` writes "solved" lines for every exercise to
/// the outer run's output file before `main`.
#[test]
fn code_that_runs_before_main_forges_no_verdict() {
    let course = AnswersCourse::open();
    verify_answer(&course, &common::fixture::LAB, "forged_before_main");
}

// ── Every lab's source-level answers ────────────────────────────────────────

/// Every `labs/NN_slug/answers/*.rs` but the forged ones (tested above), each
/// verified as the lab's exercise and judged as its comments say.
#[test]
fn every_labs_source_answers_are_judged_as_they_say() {
    let course = AnswersCourse::open();
    let mut judged = 0;
    for &lab in LABS {
        let dir = Path::new(REPO).join("labs").join(lab.folder()).join("answers");
        let Ok(entries) = std::fs::read_dir(&dir) else { continue };
        let mut names: Vec<String> = entries
            .flatten()
            .filter_map(|e| e.file_name().to_str()?.strip_suffix(".rs").map(str::to_string))
            .filter(|name| !name.starts_with("forged_"))
            .collect();
        names.sort();
        for name in names {
            verify_answer(&course, lab, &name);
            judged += 1;
        }
    }
    assert!(judged >= 3, "only {judged} source-level answers");
}
