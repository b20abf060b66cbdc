//! The learner's loop around the labs: hints, progress, reset, watch, list.
//!
//! Every test here works in a throw-away copy of the course folder, so running
//! `cargo test` never touches a learner's own progress or exercise files.

mod common;

use racelab::course::{self, Progress, Status};
use std::io::{BufRead, BufReader, Write};
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::sync::mpsc;
use std::time::Duration;

const REPO: &str = env!("CARGO_MANIFEST_DIR");

/// A temporary course folder: Cargo.toml, every lab's info.toml and the fixture lab's files.
fn scratch_course() -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("a temp dir");
    common::course_skeleton(dir.path());
    let lab = dir.path().join(common::fixture_dir());
    let solution = format!("{}/solution.rs", common::fixture_dir());
    std::fs::copy(Path::new(REPO).join(&solution), dir.path().join(&solution)).expect("copy");
    let solution = std::fs::read_to_string(lab.join("solution.rs")).expect("solution");
    std::fs::write(lab.join("exercise.rs"), course::exercise_from_solution(&solution)).expect("exercise");
    dir
}

fn racelab_in(dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_racelab"))
        .current_dir(dir)
        .args(args)
        .stdin(Stdio::null())
        .output()
        .expect("racelab runs")
}

fn text(out: &Output) -> String {
    String::from_utf8_lossy(&out.stdout).into_owned()
}

#[test]
fn info_toml_gives_every_exercise_layered_hints() {
    let info = course::info().expect("every lab's info.toml parses");
    let lab = info.lab(1).expect("lab 01 has exercises");
    let names: Vec<&str> = lab.exercises.iter().map(|e| e.name.as_str()).collect();
    assert_eq!(
        names,
        racelab::labs::exercises(1).expect("lab 1").names(),
        "info.toml lists exactly the checked exercises"
    );
    for e in &lab.exercises {
        assert!(e.hints.len() >= 2, "{} needs at least a nudge and a stronger hint", e.name);
    }
}

#[test]
fn hints_come_in_layers_and_the_layer_is_remembered() {
    let dir = scratch_course();
    let first = text(&racelab_in(dir.path(), &["hint", "1"]));
    assert!(first.contains("hint 1/3") && !first.contains("hint 2/3"), "a nudge first:\n{first}");
    let again = text(&racelab_in(dir.path(), &["hint", "1"]));
    assert_eq!(first, again, "asking again repeats, it does not give more away");
    let more = text(&racelab_in(dir.path(), &["hint", "1", "--more"]));
    assert!(more.contains("hint 2/3") && !more.contains("hint 3/3"), "{more}");
    let last = text(&racelab_in(dir.path(), &["hint", "1", "mutex", "--more"]));
    let last = text(&racelab_in(dir.path(), &["hint", "1", "mutex", "--more"])) + &last;
    assert!(last.contains("hint 3/3") && last.contains("solution.rs"), "{last}");
    let progress = Progress::load(dir.path()).expect("progress saved");
    assert_eq!(progress.hints.get("01/mutex"), Some(&3));
    let other = text(&racelab_in(dir.path(), &["hint", "1", "atomic"]));
    assert!(other.contains("atomic") && other.contains("hint 1/3"), "{other}");
}

#[test]
fn list_and_welcome_show_progress() {
    let dir = scratch_course();
    let mut progress = Progress::default();
    progress.status.insert(course::key(1, "mutex"), Status::Solved);
    progress.status.insert(course::key(1, "atomic"), Status::Failing);
    progress.status.insert(course::key(1, "parking_lot"), Status::Refused);
    progress.save(dir.path()).expect("save");
    let list = text(&racelab_in(dir.path(), &["list"]));
    assert!(list.contains("✓ mutex          solved"), "{list}");
    assert!(list.contains("✗ atomic         failing"), "{list}");
    assert!(list.contains("⊘ parking_lot    refused"), "refused is not failing:\n{list}");
    assert!(list.contains("· process        not attempted"), "{list}");
    let welcome = text(&racelab_in(dir.path(), &[]));
    assert!(welcome.contains("1/4 exercises solved"), "{welcome}");
    assert!(welcome.contains("`parking_lot` is refused"), "the next exercise in order:\n{welcome}");
}

#[test]
fn progress_is_written_atomically_and_a_damaged_file_is_reported() {
    let dir = tempfile::tempdir().expect("temp dir");
    let mut progress = Progress::default();
    progress.status.insert(course::key(1, "atomic"), Status::Solved);
    progress.save(dir.path()).expect("save");
    let mut folder: Vec<PathBuf> =
        std::fs::read_dir(dir.path().join(".racelab")).expect("folder").flatten().map(|e| e.path()).collect();
    folder.sort();
    let mut expected = vec![Progress::lock_path(dir.path()), Progress::path(dir.path())];
    expected.sort();
    assert_eq!(folder, expected, "the progress, its lock, and no temporary file left behind");
    assert_eq!(Progress::load(dir.path()).expect("load"), progress);

    std::fs::write(Progress::path(dir.path()), "{ \"status\": ").expect("damage it");
    let error = Progress::load(dir.path()).expect_err("a damaged file is an error, not a silent reset");
    assert!(error.contains("delete it to start over"), "{error}");
}

#[test]
fn reset_restores_the_shipped_exercise_and_asks_first() {
    let dir = scratch_course();
    let path = dir.path().join(common::fixture_dir()).join("exercise.rs");
    let shipped = std::fs::read_to_string(&path).expect("exercise");
    std::fs::write(&path, shipped.replacen("todo!()", "counter.fetch_add(1, Ordering::Relaxed);", 1)).expect("edit");

    let refused = racelab_in(dir.path(), &["reset", "1"]);
    assert_eq!(refused.status.code(), Some(2), "without a terminal to ask on, it refuses");
    assert!(String::from_utf8_lossy(&refused.stderr).contains("--yes"));
    assert_ne!(std::fs::read_to_string(&path).unwrap(), shipped, "the learner's work is untouched");

    let edited = std::fs::read_to_string(&path).unwrap();
    let out = racelab_in(dir.path(), &["reset", "1", "--yes"]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert_eq!(std::fs::read_to_string(&path).unwrap(), shipped);
    // The learner's version is kept, and `reset` says where.
    let said = text(&out);
    let kept = said.split(".racelab/backup/").nth(1).and_then(|rest| rest.split_whitespace().next());
    let kept = kept.map(|name| name.trim_end_matches('.')).unwrap_or_else(|| panic!("names the backup: {said}"));
    assert_eq!(std::fs::read_to_string(dir.path().join(".racelab/backup").join(kept)).unwrap(), edited);
    let again = text(&racelab_in(dir.path(), &["reset", "1"]));
    assert!(again.contains("already as shipped"), "{again}");
}

/// What `dev check` asks of every lab's folder that needs no build, in a plain `cargo test`:
/// the shipped exercise mirrors the solution line for line, a `// TODO:` per `// SOLVED:`,
/// no exercise attempted as shipped (each function of each exercise still `todo!()`), the
/// hints list exactly the judged exercises with two layers at least, and `run --yours` has
/// its test. (`dev check` also builds and runs every exercise and solution; the lab tests
/// run every solution through the judge.)
#[test]
fn every_labs_shipped_exercise_mirrors_its_solution_and_attempts_nothing() {
    let info = course::info().expect("every lab's info.toml parses");
    for lab in racelab::labs::LABS {
        let n = lab.number();
        let folder = Path::new(REPO).join("labs").join(lab.folder());
        let read =
            |file: &str| std::fs::read_to_string(folder.join(file)).unwrap_or_else(|e| panic!("lab {n} {file}: {e}"));
        let (exercise, solution) = (read("exercise.rs"), read("solution.rs"));
        assert_eq!(exercise, course::exercise_from_solution(&solution), "lab {n}: exercise.rs mirrors solution.rs");
        let solved = solution.lines().filter(|l| l.trim_start().starts_with("// SOLVED:")).count();
        assert!(solved >= 1 && course::todo_count(&exercise) == solved, "lab {n}: a `// TODO:` per `// SOLVED:`");
        assert!(read("exercise_tests.rs").contains(&format!("fn {}()", racelab::judge::yours::TEST)), "lab {n}");
        let Some(exercises) = racelab::labs::exercises(n) else { continue };
        let shipped = racelab::judge::Source { path: "exercise.rs", text: &exercise };
        for e in exercises.list() {
            assert!(!shipped.attempted(e.functions), "lab {n} · {}: attempted as shipped", e.name);
        }
        let listed: Vec<&str> = info.lab(n).expect("listed").exercises.iter().map(|e| e.name.as_str()).collect();
        assert_eq!(listed, exercises.names(), "lab {n}: info.toml lists the judged exercises");
        for e in &info.lab(n).expect("listed").exercises {
            assert!(e.hints.len() >= 2, "lab {n} · {}: {} hint layers", e.name, e.hints.len());
        }
    }
}

#[test]
fn the_shipped_exercise_mirrors_the_solution_with_a_todo_per_solved_spot() {
    let solution =
        std::fs::read_to_string(Path::new(REPO).join(common::fixture_dir()).join("solution.rs")).expect("solution");
    let exercise = course::exercise_from_solution(&solution);
    let solved = solution.lines().filter(|l| l.trim_start().starts_with("// SOLVED:")).count();
    assert_eq!(course::todo_count(&exercise), solved);
    assert_eq!(exercise.lines().filter(|l| l.trim() == "todo!()").count(), solved);
    assert!(!exercise.lines().any(|l| l.trim_start().starts_with("// SOLVED:")), "the exercise gives nothing away");
}

#[test]
fn watch_rechecks_when_a_file_is_saved_and_quits_on_q() {
    let dir = scratch_course();
    let mut child = Command::new(env!("CARGO_BIN_EXE_racelab"))
        .current_dir(dir.path())
        .arg("watch")
        .env("RACELAB_WATCH_DRY", "1")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("watch starts");
    let (tx, rx) = mpsc::channel();
    let stdout = child.stdout.take().expect("stdout");
    std::thread::spawn(move || {
        for line in BufReader::new(stdout).lines().map_while(Result::ok) {
            let _ = tx.send(line);
        }
    });
    let wait_for = |needle: &str| -> Vec<String> {
        let mut seen = Vec::new();
        while let Ok(line) = rx.recv_timeout(Duration::from_secs(10)) {
            let found = line.contains(needle);
            seen.push(line);
            if found {
                return seen;
            }
        }
        panic!("`{needle}` never appeared; watch printed:\n{}", seen.join("\n"));
    };
    // It checks once at start, before any save.
    let start = wait_for("watching labs/");
    assert!(start.iter().any(|l| l.contains("checking lab 01")), "a check at start:\n{}", start.join("\n"));
    let exercise = dir.path().join(common::fixture_dir()).join("exercise.rs");
    let content = std::fs::read_to_string(&exercise).expect("exercise");
    std::fs::write(&exercise, content).expect("save");
    let seen = wait_for("checking lab 01 (dry run)");
    assert!(seen.iter().any(|l| l.contains(&format!("{}/exercise.rs saved", common::fixture_dir()))), "{seen:?}");
    let mut stdin = child.stdin.take().expect("stdin");
    writeln!(stdin, "h").expect("ask for a hint");
    wait_for("hint 1/3");
    writeln!(stdin, "q").expect("quit");
    wait_for("bye");
    let status = child.wait().expect("watch exits");
    assert!(status.success());
}

// ── Progress is never lost (issue 8) ────────────────────────────────────────

#[test]
fn concurrent_updates_merge_instead_of_overwriting() {
    let dir = tempfile::tempdir().expect("temp dir");
    let threads: Vec<_> = (0..8)
        .map(|t| {
            let root = dir.path().to_path_buf();
            std::thread::spawn(move || {
                for i in 0..20 {
                    Progress::update(&root, |p| p.hints.insert(format!("{t:02}/{i}"), 1)).expect("update");
                }
            })
        })
        .collect();
    for thread in threads {
        thread.join().expect("no panic");
    }
    let progress = Progress::load(dir.path()).expect("load");
    assert_eq!(progress.hints.len(), 160, "every one of 8 × 20 updates kept");
}

/// Holds `.racelab/progress.lock` the way racelab does, until dropped (closing the file unlocks it).
struct HeldLock(#[allow(dead_code)] std::fs::File);

impl HeldLock {
    fn take(root: &Path) -> HeldLock {
        use std::os::fd::AsRawFd;
        std::fs::create_dir_all(root.join(".racelab")).expect("folder");
        let file = std::fs::File::create(Progress::lock_path(root)).expect("lock file");
        // Safety: flock on a descriptor we own.
        assert_eq!(unsafe { libc::flock(file.as_raw_fd(), libc::LOCK_EX) }, 0);
        HeldLock(file)
    }
}

#[test]
fn a_hint_during_another_save_merges_with_it() {
    let dir = scratch_course();
    let lock = HeldLock::take(dir.path());
    // `racelab hint --more` starts while another command is in the middle of saving…
    let hint = Command::new(env!("CARGO_BIN_EXE_racelab"))
        .current_dir(dir.path())
        .args(["hint", "1", "mutex", "--more"])
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("racelab runs");
    std::thread::sleep(Duration::from_millis(300));
    // …which writes its result (as `verify` would) and lets go.
    std::fs::write(Progress::path(dir.path()), r#"{"status": {"01/atomic": "solved"}, "hints": {}}"#).expect("write");
    drop(lock);
    let out = hint.wait_with_output().expect("hint ends");
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let progress = Progress::load(dir.path()).expect("load");
    assert_eq!(progress.status(1, "atomic"), Status::Solved, "the other command's result is kept");
    assert_eq!(progress.hints.get("01/mutex"), Some(&1), "and the hint count is saved");
}

#[test]
fn progress_of_the_wrong_shape_is_an_error_that_names_the_file() {
    let dir = scratch_course();
    std::fs::create_dir_all(dir.path().join(".racelab")).expect("folder");
    for damaged in ["[]", r#"{"hints": {"01/mutex": 18446744073709551615}}"#, r#"{"hints": {"01/mutex": -1}}"#] {
        std::fs::write(Progress::path(dir.path()), damaged).expect("damage");
        for args in [&["list"][..], &["hint", "1", "--more"]] {
            let out = racelab_in(dir.path(), args);
            let err = String::from_utf8_lossy(&out.stderr);
            assert_eq!(out.status.code(), Some(2), "{damaged}: {err}");
            assert!(err.contains(".racelab/progress.json is not valid progress"), "{damaged}: {err}");
            assert_eq!(err.trim_end().lines().count(), 1, "{err}");
        }
        assert_eq!(std::fs::read_to_string(Progress::path(dir.path())).expect("still there"), damaged, "untouched");
    }
}

#[test]
fn hint_counts_saturate_at_the_last_hint() {
    let dir = scratch_course();
    std::fs::create_dir_all(dir.path().join(".racelab")).expect("folder");
    std::fs::write(Progress::path(dir.path()), r#"{"hints": {"01/mutex": 1000}}"#).expect("write");
    let out = racelab_in(dir.path(), &["hint", "1", "mutex", "--more"]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert!(text(&out).contains("hint 3/3"), "{}", text(&out));
    assert_eq!(Progress::load(dir.path()).expect("load").hints.get("01/mutex"), Some(&3));
}

#[test]
#[cfg(target_os = "linux")]
fn a_read_only_course_still_shows_the_hint_then_says_progress_was_not_saved() {
    use std::os::unix::fs::PermissionsExt;
    use std::os::unix::process::CommandExt;
    let dir = scratch_course();
    let read_only = std::fs::Permissions::from_mode(0o555);
    for folder in [dir.path().to_path_buf(), dir.path().join("labs"), dir.path().join(common::fixture_dir())] {
        std::fs::set_permissions(&folder, read_only.clone()).expect("chmod");
    }
    let mut command = Command::new(env!("CARGO_BIN_EXE_racelab"));
    command.current_dir(dir.path()).args(["hint", "1", "--more"]).stdin(Stdio::null());
    // Safety: only async-signal-safe calls between fork and exec.
    unsafe {
        command.pre_exec(|| {
            // Permissions do not bind root: be nobody, for whom this folder is read-only.
            if libc::geteuid() == 0 && (libc::setgid(65534) != 0 || libc::setuid(65534) != 0) {
                return Err(std::io::Error::last_os_error());
            }
            Ok(())
        });
    }
    let out = command.output().expect("racelab runs");
    let err = String::from_utf8_lossy(&out.stderr);
    for folder in [dir.path().to_path_buf(), dir.path().join("labs"), dir.path().join(common::fixture_dir())] {
        std::fs::set_permissions(&folder, std::fs::Permissions::from_mode(0o755)).expect("chmod back");
    }
    assert!(text(&out).contains("hint 1/3"), "the hint is shown: {}", text(&out));
    assert_eq!(out.status.code(), Some(2), "{err}");
    assert!(err.starts_with("error: progress was not saved: cannot create"), "{err}");
    assert_eq!(err.trim_end().lines().count(), 1, "{err}");
}

#[test]
fn list_marks_a_solved_exercise_whose_code_changed_since() {
    let dir = scratch_course();
    let path = dir.path().join(common::fixture_dir()).join("exercise.rs");
    let solution =
        std::fs::read_to_string(Path::new(REPO).join(common::fixture_dir()).join("solution.rs")).expect("solution");
    std::fs::write(&path, &solution).expect("solve");
    // Progress as `verify 1` would leave it: all four solved, each with the code that earned it.
    let mut progress = Progress::default();
    for exercise in ["mutex", "parking_lot", "atomic", "process"] {
        let key = course::key(1, exercise);
        progress.status.insert(key.clone(), Status::Solved);
        let code = racelab::labs::exercises(1).expect("lab 1").code_fingerprint(exercise, &solution);
        progress.solved_code.insert(key, code);
    }
    progress.save(dir.path()).expect("save");
    // The parking_lot fix now adds two: its ✓ was earned by other code.
    std::fs::write(&path, solution.replace("*counter.lock() += 1;", "*counter.lock() += 2;")).expect("edit");
    let listed = text(&racelab_in(dir.path(), &["list"]));
    let line = |name: &str| listed.lines().find(|l| l.contains(&format!(" {name} "))).unwrap_or_default().to_string();
    assert!(line("parking_lot").contains("~ parking_lot    solved, edited"), "{listed}");
    assert!(line("mutex").contains("✓ mutex"), "{listed}");
}

/// A table's every row follows its header or another row: a paragraph inside a table would end
/// it, and the rows after it would show as raw `| … |` text.
#[test]
fn no_lesson_table_is_split_by_a_paragraph() {
    let mut lessons: Vec<(String, String)> = vec![("README.md".into(), include_str!("../README.md").into())];
    for lab in racelab::labs::LABS {
        lessons.push((lab.folder(), lab.lesson().to_string()));
    }
    let mut split = Vec::new();
    for (name, text) in &lessons {
        let lines: Vec<&str> = text.lines().collect();
        let mut fenced = false;
        for (i, line) in lines.iter().enumerate() {
            if line.trim_start().starts_with("```") {
                fenced = !fenced;
            }
            let row = |l: &str| l.trim_start().starts_with('|');
            let header = lines.get(i + 1).is_some_and(|next| {
                next.trim_start().starts_with("|-")
                    || next.trim_start().starts_with("| -")
                    || next.trim_start().starts_with("|:")
            });
            let after_a_row = i > 0 && row(lines[i - 1]);
            if !fenced && row(line) && !header && !after_a_row {
                split.push(format!("{name}:{}: {line}", i + 1));
            }
        }
    }
    assert!(split.is_empty(), "table rows cut off from their table:\n{}", split.join("\n"));
}

// ── The tests' own helper: parts of a test in processes of their own ──

#[test]
fn a_part_that_fails_in_its_own_process_fails_its_test() {
    let part = |name: &str| assert_eq!(name, "passes", "the part that fails");
    if std::env::var_os("RACELAB_TEST_PART").is_some() {
        // In a part's process: the part that fails makes this process fail.
        common::in_processes(&["passes", "fails"], part);
        return;
    }
    common::in_processes(&["passes"], part);
    let failed = std::panic::catch_unwind(|| common::in_processes(&["passes", "fails"], part));
    let why = failed.err().map(|payload| racelab::trace::panic_message(&*payload)).unwrap_or_default();
    assert!(why.contains("[fails] in its own process") && why.contains("the part that fails"), "{why}");
    assert!(!why.contains("[passes]"), "{why}");
}
