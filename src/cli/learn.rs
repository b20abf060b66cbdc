//! The learner's loop: list, welcome, verify, hint, reset, and the instructor's dev check.

use super::exit::{Failure, interrupted_status, out};
use crate::check::{Model, explore};
use crate::course::{self, ExerciseInfo, Info, LabInfo, Progress, Status};
use crate::judge::verify::{self, Stopped, Verification};
use crate::judge::{self, Outcome, yours};
use crate::lab::{Kind, Lab};
use crate::labs::{self, LABS};
use crate::runner::process::WorkerCommand;
use std::fmt::Write as _;
use std::io::{BufRead, IsTerminal};
use std::path::{Path, PathBuf};
use std::sync::atomic::AtomicBool;
use std::time::Duration;

/// The course as the learner left it.
pub(crate) struct Course {
    pub root: PathBuf,
    pub info: Info,
    pub progress: Progress,
}

impl Course {
    pub fn load() -> Result<Course, String> {
        let root = course::root()?;
        let info = course::info()?;
        let progress = Progress::load(&root)?;
        Ok(Course { root, info, progress })
    }

    /// The first exercise not yet solved, in course order.
    pub fn current(&self) -> Option<(&LabInfo, &ExerciseInfo)> {
        self.info.labs.iter().find_map(|lab| {
            let open = lab.exercises.iter().find(|e| self.progress.status(lab.number, &e.name) != Status::Solved);
            open.map(|e| (lab, e))
        })
    }

    /// The lab to work on when none is named.
    pub fn lab_or_current(&self, name: Option<&str>) -> Result<&'static dyn Lab, String> {
        match name {
            Some(name) => labs::find(name),
            None => {
                let number = self.current().map_or(LABS[0].number(), |(lab, _)| lab.number);
                labs::find(&number.to_string())
            }
        }
    }

    fn exercise_path(&self, lab: &'static dyn Lab) -> PathBuf {
        self.root.join("labs").join(lab.folder()).join("exercise.rs")
    }

    fn solution_path(&self, lab: &'static dyn Lab) -> PathBuf {
        self.root.join("labs").join(lab.folder()).join("solution.rs")
    }

    /// Saves the outcomes of a verification, merged under the lock with
    /// whatever other commands saved meanwhile.
    pub fn record(&mut self, verification: &Verification) -> Result<(), String> {
        let file = LABS
            .iter()
            .copied()
            .find(|l| l.number() == verification.lab)
            .and_then(|lab| std::fs::read_to_string(self.exercise_path(lab)).ok());
        let ((), now) = Progress::update(&self.root, |progress| {
            for outcome in &verification.outcomes {
                // A check that crashed or ran out of time reports no code of its own: the
                // file is what it was judged on, so a kept "solved" is kept for this code only.
                let mut outcome = outcome.clone();
                if let (None, Some(text)) = (&outcome.code, &file) {
                    outcome.code =
                        labs::exercises(verification.lab).map(|e| e.code_fingerprint(&outcome.exercise, text).into());
                }
                progress.record(&outcome);
            }
            if let Some(text) = &file {
                progress.verified.insert(format!("{:02}", verification.lab), course::fingerprint(text));
            }
        })?;
        self.progress = now;
        Ok(())
    }
}

/// What a command shows, and whether it could save the learner's progress.
pub(crate) struct Shown {
    /// The text for stdout.
    pub text: String,
    /// `verify`: every exercise solved.
    pub ok: bool,
    /// Why progress could not be saved (the text is still worth showing).
    pub unsaved: Option<String>,
}

fn kind_label(kind: Kind) -> &'static str {
    match kind {
        Kind::Racy => "racy",
        Kind::Fix => "fix",
        Kind::WrongFix => "wrong fix",
        Kind::DataRace => "data race (loom only)",
    }
}

/// `cargo run -- list`: the labs, their exercises with status, and their variants.
pub(crate) fn list(course: &Course) -> String {
    let mut out = String::new();
    for &lab in LABS {
        let _ = writeln!(out, "{:02}  {}  (labs/{}/)", lab.number(), lab.card().title, lab.folder());
        if let Ok(info) = course.info.lab(lab.number()) {
            let file = std::fs::read_to_string(course.exercise_path(lab));
            let changed = match (course.progress.verified.get(&format!("{:02}", lab.number())), &file) {
                (Some(then), Ok(now)) if *then != course::fingerprint(now) => {
                    format!(" — changed since your last verify: `cargo run -- verify {}`", lab.number())
                }
                _ => String::new(),
            };
            let _ = writeln!(out, "    exercises (labs/{}/exercise.rs){changed}:", lab.folder());
            for e in &info.exercises {
                let status = course.progress.status(lab.number(), &e.name);
                // A "solved" earned by other code than the file's now (a helper it calls, say).
                let earned = course.progress.solved_code.get(&course::key(lab.number(), &e.name));
                // Fingerprinted only for a solved exercise that has one to compare with.
                let edited = status == Status::Solved
                    && earned.is_some_and(|then| {
                        let text = file.as_deref().ok();
                        let now = text
                            .and_then(|text| labs::exercises(lab.number()).map(|x| x.code_fingerprint(&e.name, text)));
                        now.is_some_and(|now| *then != now)
                    });
                let (mark, label) = if edited { ("~", "solved, edited") } else { (status.mark(), status.label()) };
                let _ = writeln!(out, "      {mark} {:<14} {label:<14} {}", e.name, e.summary);
            }
        }
        let _ = writeln!(out, "    variants (cargo run -- run|check|step {} --variant NAME):", lab.number());
        for v in lab.card().variants {
            let width = lab.card().variants.iter().map(|v| v.name.len()).max().unwrap_or(20);
            let _ = writeln!(out, "      {:<width$}  {:<22} {}", v.name, kind_label(v.kind), v.summary);
        }
    }
    out
}

/// `racelab` with no command: the labs, progress, and the next command to type.
pub(crate) fn welcome(course: &Course) -> String {
    let mut out = String::from("racelab — watch threads lose updates, fix them, and let loom prove the fix.\n\n");
    for &lab in LABS {
        let (solved, total) = course.info.lab(lab.number()).map_or((0, 0), |info| {
            let solved = info
                .exercises
                .iter()
                .filter(|e| course.progress.status(lab.number(), &e.name) == Status::Solved)
                .count();
            (solved, info.exercises.len())
        });
        let width = LABS.iter().map(|l| l.card().title.chars().count()).max().unwrap_or(48);
        let _ = writeln!(out, "  {:02}  {:<width$}  {solved}/{total} exercises solved", lab.number(), lab.card().title);
    }
    out.push('\n');
    match course.current() {
        None => out.push_str("Every exercise is solved. `cargo run -- bench` measures what each fix costs.\n"),
        Some((lab, exercise)) => {
            let n = lab.number;
            let file = format!("labs/{}/exercise.rs", lab.folder);
            match course.progress.status(n, &exercise.name) {
                Status::NotAttempted
                    if !lab.exercises.iter().any(|e| course.progress.status(n, &e.name) != Status::NotAttempted) =>
                {
                    let _ = write!(
                        out,
                        "Next:\n  cargo run -- show {n}                   read the lesson\n  cargo run -- run {n}                    see it go wrong on real threads\n  cargo run -- check {n} --variant racy   let loom find the interleaving\n  cargo run -- step {n}                   be the scheduler: make it go wrong yourself\n  then edit {file} ({}) and run `cargo run -- verify {n}`\n",
                        exercise.function
                    );
                }
                status => {
                    let _ = write!(
                        out,
                        "Next: `{}` is {} — edit {file} ({}), then `cargo run -- verify {n}`.\n      Stuck? `cargo run -- hint {n}`. Re-check on every save: `cargo run -- watch`.\n",
                        exercise.name,
                        status.label(),
                        exercise.function
                    );
                }
            }
        }
    }
    out
}

/// Runs `verify` for `lab`, records the outcomes and renders them; the
/// results are shown even when progress cannot be saved.
///
/// Setting `stop` ends the checks at once, kills what they started and saves nothing.
pub(crate) fn verify(
    course: &mut Course,
    lab: &'static dyn Lab,
    only: Option<&str>,
    timeout: Duration,
    stop: &AtomicBool,
    json: bool,
) -> Result<Shown, Failure> {
    let info = course.info.lab(lab.number())?;
    if !course.exercise_path(lab).is_file() {
        return Err(Failure(
            format!(
                "labs/{}/exercise.rs is missing; `cargo run -- reset {}` restores it as shipped",
                lab.folder(),
                lab.number()
            ),
            2,
        ));
    }
    let mut names: Vec<&str> = info.exercises.iter().map(|e| e.name.as_str()).collect();
    if let Some(only) = only {
        info.exercise(only)?;
        names.retain(|name| *name == only);
    }
    let exercises = labs::exercises(lab.number()).map_or(&[][..], |e| e.list());
    let file = course.exercise_path(lab);
    let verification =
        verify::verify(&course.root, lab.number(), &file, exercises, only, timeout, stop).map_err(stopped)?;
    let unsaved = course.record(&verification).err();
    let text = if json {
        let document = serde_json::json!({
            "lab": lab.number(),
            "solved": verification.solved(),
            "outcomes": verification.outcomes,
            "compile_error": verification.compile_error,
            "refused": verification.refused,
            "build_seconds": verification.build_seconds,
            "check_seconds": verification.check_seconds,
        });
        format!("{}\n", serde_json::to_string_pretty(&document).map_err(|e| e.to_string())?)
    } else {
        render_verification(course, lab, &verification)
    };
    Ok(Shown { text, ok: verification.solved(), unsaved })
}

/// `run N --yours` and `bench N --yours`: builds the lab's exercise and runs
/// `request` with the learner's own answers; the text to print.
pub(crate) fn yours(
    course: &Course,
    lab: &'static dyn Lab,
    request: &crate::judge::yours::Request,
    timeout: Duration,
    stop: &AtomicBool,
) -> Result<String, Failure> {
    use crate::judge::yours::Request;
    if let Request::Run { variant, .. } = request {
        let names = exercise_names(lab.number());
        if !names.contains(&variant.as_str()) {
            // `racy` is `--variant`'s default: then the learner did not name one.
            let said = if variant == "racy" {
                "--yours runs one of your answers: add --variant with".to_string()
            } else {
                format!("lab {} has no exercise `{variant}`: --variant takes", lab.number())
            };
            return Err(Failure(format!("{said} one of lab {}'s exercises ({})", lab.number(), names.join(", ")), 2));
        }
    }
    eprintln!(
        "compiling labs/{}/exercise.rs and running your answers (stopped if they take over {:.0} s)…",
        lab.folder(),
        timeout.as_secs_f64()
    );
    let exercises = labs::exercises(lab.number()).map_or(&[][..], |e| e.list());
    verify::yours(&course.root, lab.number(), &course.exercise_path(lab), exercises, request, timeout, stop)
        .map_err(stopped)?
        .map_err(|why| Failure(why, 1))
}

fn stopped(why: Stopped) -> Failure {
    match why {
        Stopped::Interrupted => Failure(
            "interrupted: everything it started was stopped, and nothing was saved".to_string(),
            interrupted_status(),
        ),
        Stopped::Error(message) => Failure(message, 2),
    }
}

/// A check's summary as `verify` shows it: without advice about `check`'s
/// flags, which `verify` does not have.
fn for_verify(summary: &str) -> &str {
    match summary.find("--preemption-bound") {
        Some(at) => summary[..at].rfind("; ").map_or(summary, |cut| &summary[..cut]),
        None => summary,
    }
}

fn render_verification(course: &Course, lab: &'static dyn Lab, v: &Verification) -> String {
    let mut out = String::new();
    let file = format!("labs/{}/exercise.rs", lab.folder());
    let _ = writeln!(
        out,
        "lab {:02} · {file} · built in {:.1} s, checked in {:.1} s",
        lab.number(),
        v.build_seconds,
        v.check_seconds
    );
    if let Some(errors) = &v.compile_error {
        let _ = writeln!(out, "\n{errors}\n");
        let _ = writeln!(
            out,
            "Your exercise does not compile: fix the error above, then `cargo run -- verify {}` again.\n\
             (Other labs, `cargo run -- list` and `cargo run -- hint` keep working meanwhile.)",
            lab.number()
        );
        return out;
    }
    if let Some(refused) = &v.refused {
        let _ = writeln!(out, "  ⊘ the whole file is refused, so no check ran: {refused}");
    }
    for o in &v.outcomes {
        let summary = for_verify(&o.summary);
        if o.inconclusive {
            let kept = course.progress.status(lab.number(), &o.exercise) == Status::Solved;
            let note = if kept { " (your earlier \"solved\" stands)" } else { "" };
            let _ = writeln!(out, "  ? {:<14} not judged: {summary}{note}", o.exercise);
        } else {
            let _ = writeln!(out, "  {} {:<14} {}: {summary}", o.status.mark(), o.exercise, o.status.label());
            for line in o.resemblance_lines() {
                let _ = writeln!(out, "    {:<14} ↳ {line}", "");
            }
        }
    }
    // An exercise not judged this time keeps an earlier "solved", here too.
    let kept = |o: &Outcome| o.inconclusive && course.progress.status(lab.number(), &o.exercise) == Status::Solved;
    let solved = v.outcomes.iter().filter(|o| o.status == Status::Solved || kept(o)).count();
    let _ = writeln!(out, "progress: {solved} of {} solved", v.outcomes.len());
    // Every failing exercise's schedule (or counterexample), not just the first.
    for failing in v.outcomes.iter().filter(|o| o.status == Status::Failing && !o.details.is_empty()) {
        let _ = writeln!(out, "\n── {} ──\n{}", failing.exercise, failing.details.trim_end());
    }
    // `verify N EXERCISE` checks one exercise: the lab is solved only when progress says so for all.
    let all = exercise_names(lab.number());
    let lab_open = all.iter().find(|e| course.progress.status(lab.number(), e) != Status::Solved);
    if v.outcomes.iter().all(|o| o.status == Status::Solved)
        && let Some(open) = lab_open
        && v.outcomes.len() < all.len()
    {
        let done: Vec<&str> = v.outcomes.iter().map(|o| o.exercise.as_str()).collect();
        let _ = writeln!(
            out,
            "\n`{}` is solved; `{open}` is not yet. `cargo run -- verify {n}` checks the whole lab.",
            done.join("`, `"),
            n = lab.number()
        );
        return out;
    }
    match v.outcomes.iter().find(|o| o.status != Status::Solved) {
        Some(open) => {
            let function = course
                .info
                .lab(lab.number())
                .ok()
                .and_then(|l| l.exercise(&open.exercise).ok())
                .map(|e| e.function.clone());
            let _ = writeln!(
                out,
                "\nnext: edit {file} ({}), then `cargo run -- verify {n}`; stuck? `cargo run -- hint {n}`",
                function.unwrap_or_default(),
                n = lab.number()
            );
        }
        None => {
            let _ = writeln!(
                out,
                "\nLab {:02} is solved. `cargo run -- bench {}` shows what each fix costs.",
                lab.number(),
                lab.number()
            );
        }
    }
    out
}

/// `cargo run -- hint`: the hints revealed so far for one exercise; `more` reveals the next.
pub(crate) fn hint(
    course: &mut Course,
    lab: &'static dyn Lab,
    exercise: Option<&str>,
    more: bool,
) -> Result<Shown, Failure> {
    let info = course.info.lab(lab.number())?;
    let exercise = match exercise {
        Some(name) => info.exercise(name)?,
        None => info
            .exercises
            .iter()
            .find(|e| course.progress.status(lab.number(), &e.name) != Status::Solved)
            .or(info.exercises.last())
            .ok_or_else(|| format!("lab {} has no exercises", lab.number()))?,
    };
    let key = course::key(lab.number(), &exercise.name);
    let total = exercise.hints.len();
    // How many layers to show, from the count as saved *now* (another command may have changed it).
    let layers = |seen: usize| (if more { seen.saturating_add(1) } else { seen.max(1) }).min(total);
    let saved = Progress::update(&course.root, |progress| {
        let shown = layers(progress.hints.get(&key).copied().unwrap_or(0));
        progress.hints.insert(key.clone(), shown);
        shown
    });
    let (shown, unsaved) = match saved {
        Ok((shown, now)) => {
            course.progress = now;
            (shown, None)
        }
        Err(e) => (layers(course.progress.hints.get(&key).copied().unwrap_or(0)), Some(e)),
    };
    let mut out = String::new();
    let _ = writeln!(out, "lab {:02} · {} ({}) — {}", lab.number(), exercise.name, exercise.function, exercise.summary);
    for (i, text) in exercise.hints.iter().take(shown).enumerate() {
        let _ = writeln!(out, "\n  hint {}/{}: {text}", i + 1, exercise.hints.len());
    }
    if shown < exercise.hints.len() {
        let _ = writeln!(out, "\n(`cargo run -- hint {} {} --more` for the next hint)", lab.number(), exercise.name);
    } else {
        let _ = writeln!(out, "\n(that was the last hint; `labs/{}/solution.rs` has the answer)", lab.folder());
    }
    Ok(Shown { text: out, ok: true, unsaved })
}

/// `cargo run -- reset N`: restores the shipped exercise, asking before overwriting changes.
pub(crate) fn reset(course: &mut Course, lab: &'static dyn Lab, yes: bool) -> Result<String, Failure> {
    let solution_path = course.solution_path(lab);
    let solution =
        std::fs::read_to_string(&solution_path).map_err(|e| format!("cannot read {}: {e}", solution_path.display()))?;
    let shipped = course::exercise_from_solution(&solution);
    let path = course.exercise_path(lab);
    // A missing exercise holds no changes to lose: restore it without asking.
    let current = std::fs::read_to_string(&path).ok();
    if current.as_deref() == Some(&shipped) {
        return Ok(format!("labs/{}/exercise.rs is already as shipped.\n", lab.folder()));
    }
    if !yes && current.is_some() {
        if !std::io::stdin().is_terminal() {
            return Err(Failure(
                format!("labs/{}/exercise.rs has your changes; pass --yes to overwrite them", lab.folder()),
                2,
            ));
        }
        out(&format!("Overwrite your changes to labs/{}/exercise.rs with the shipped exercise? [y/N] ", lab.folder()))?;
        let mut answer = String::new();
        let _ = std::io::stdin().lock().read_line(&mut answer);
        if !matches!(answer.trim(), "y" | "Y" | "yes") {
            return Ok("Left unchanged.\n".to_string());
        }
    }
    // Your work is kept: the file about to be overwritten goes to .racelab/backup/.
    let backup = match &current {
        Some(text) => {
            let folder = course.root.join(".racelab").join("backup");
            std::fs::create_dir_all(&folder).map_err(|e| format!("cannot create {}: {e}", folder.display()))?;
            let stamp = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.as_secs());
            let name = format!("{}-exercise-{stamp}.rs", lab.folder());
            let file = folder.join(&name);
            std::fs::write(&file, text).map_err(|e| format!("cannot keep a backup in {}: {e}", file.display()))?;
            format!(" Your version is kept in .racelab/backup/{name}.")
        }
        None => String::new(),
    };
    course::write_atomically(&path, &shipped)?;
    if let Ok(info) = course.info.lab(lab.number()) {
        let ((), now) = Progress::update(&course.root, |progress| {
            for e in &info.exercises {
                progress.status.insert(course::key(lab.number(), &e.name), Status::NotAttempted);
            }
        })
        .map_err(|e| format!("labs/{}/exercise.rs was restored, but progress was not saved: {e}", lab.folder()))?;
        course.progress = now;
    }
    Ok(format!("labs/{}/exercise.rs restored; its exercises are marked not attempted.{backup}\n", lab.folder()))
}

/// One line of the dev check.
struct Line {
    ok: bool,
    text: String,
}

/// `racelab dev serve-catalogue`: judges the catalogued answers `dev check` hands out.
pub(crate) fn serve_catalogue(worker: &(dyn Fn(&'static dyn Lab) -> Result<WorkerCommand, String> + Sync)) {
    let labs: Vec<&'static dyn judge::Exercises> =
        LABS.iter().filter_map(|lab| labs::exercises(lab.number())).collect();
    let answer_worker = |exercises: &'static dyn judge::Exercises, entry: &judge::catalogue::Entry| {
        worker(exercises.lab()).ok().map(|w| w.args(["--answer", entry.name]))
    };
    judge::apart::serve(&labs, &answer_worker);
}

/// `cargo run -- dev check`: every exercise unsolved as shipped, every solution
/// passing, every wrong fix rejected, every exercise mirroring its solution.
pub(crate) fn dev_check(
    course: &Course,
    worker: &(dyn Fn(&'static dyn Lab) -> Result<WorkerCommand, String> + Sync),
    judge_catalogues: bool,
    stop: &AtomicBool,
) -> Result<(String, bool), Failure> {
    // Every lab's catalogue at once, one judging process per core (the slowest part of the
    // check): `racelab dev serve-catalogue`, this binary again (see `judge::apart`).
    let with_catalogues: Vec<&'static dyn judge::Exercises> =
        LABS.iter().filter_map(|lab| labs::exercises(lab.number())).filter(|_| judge_catalogues).collect();
    let cores = std::thread::available_parallelism().map_or(2, |n| n.get());
    let start = || {
        let mut command = std::process::Command::new(std::env::current_exe().ok()?);
        command.args(["dev", "serve-catalogue"]);
        Some(command)
    };
    let judged = judge::judge_catalogues_apart(&with_catalogues, cores, &start);
    let mut catalogues: std::collections::BTreeMap<u8, _> =
        with_catalogues.iter().map(|e| e.lab().number()).zip(judged).collect();
    let mut lines: Vec<Line> = Vec::new();
    let mut check = |ok: bool, text: String| lines.push(Line { ok, text });
    for &lab in LABS {
        let n = lab.number();
        let folder = course.root.join("labs").join(lab.folder());
        let read = |name: &str| std::fs::read_to_string(folder.join(name));
        for file in ["README.md", "exercise.rs", "solution.rs"] {
            check(folder.join(file).is_file(), format!("lab {n:02}: labs/{}/{file} exists", lab.folder()));
        }
        let (Ok(exercise), Ok(solution)) = (read("exercise.rs"), read("solution.rs")) else { continue };
        let todos = course::todo_count(&exercise);
        let solved_spots = solution.lines().filter(|l| l.trim_start().starts_with("// SOLVED:")).count();
        check(todos >= 1, format!("lab {n:02}: exercise.rs has {todos} `// TODO:` spots"));
        check(
            todos == solved_spots,
            format!("lab {n:02}: solution.rs marks {solved_spots} `// SOLVED:` spots, one per TODO"),
        );
        check(
            exercise == course::exercise_from_solution(&solution),
            format!(
                "lab {n:02}: exercise.rs mirrors solution.rs line for line (as shipped; `cargo run -- reset {n}` restores it)"
            ),
        );

        let serves = read("exercise_tests.rs").is_ok_and(|t| t.contains(&format!("fn {}()", yours::TEST)));
        check(
            serves,
            format!(
                "lab {n:02}: labs/{}/exercise_tests.rs has `{}` (for `run {n} --yours`)",
                lab.folder(),
                yours::TEST
            ),
        );

        let Some(exercises) = labs::exercises(n) else { continue };
        let names = exercises.names();
        let info = course.info.lab(n);
        let listed: Vec<&str> = info.iter().flat_map(|l| l.exercises.iter().map(|e| e.name.as_str())).collect();
        check(
            listed == names,
            format!("lab {n:02}: labs/{}/info.toml lists the checked exercises {names:?}", lab.folder()),
        );
        for e in info.iter().flat_map(|l| l.exercises.iter()) {
            check(e.hints.len() >= 2, format!("lab {n:02} · {}: {} layered hints", e.name, e.hints.len()));
        }

        for &name in &names {
            let outcome = exercises.check_solution(name, worker(lab).ok());
            let solved = outcome.status == Status::Solved;
            let why = outcome.summary;
            check(solved, format!("lab {n:02} · {name}: the solution passes every check ({why})"));
        }

        for wrong in lab.card().variants.iter().filter(|v| v.kind == Kind::WrongFix) {
            let (threads, iters) = lab.card().catalogue_size;
            let rejected = explore(&Model::new(lab, wrong.name, threads, iters)).is_ok_and(|r| !r.passed());
            check(rejected, format!("lab {n:02}: loom rejects the wrong fix `{}` at {threads}×{iters}", wrong.name));
        }
        let wrong_count = lab.card().variants.iter().filter(|v| v.kind == Kind::WrongFix).count();
        check(wrong_count >= 3, format!("lab {n:02}: {wrong_count} catalogued wrong fixes (at least 3)"));

        // The judge's own mutation test: every catalogued learner answer through the judge.
        let answers = exercises.catalogue();
        let verdicts = catalogues.remove(&n).unwrap_or_default();
        if !answers.is_empty() && judge_catalogues {
            let (mut killed, mut accepted, mut misjudged, mut undecided) = (0, 0, Vec::new(), Vec::new());
            for (entry, verdict) in answers.iter().zip(&verdicts) {
                let verdict = verdict.as_ref().ok();
                let solved = verdict.is_some_and(|v| v.outcome.status == Status::Solved);
                // A right answer loom cannot finish (or cannot model) is "not judged": never "solved" wrongly.
                let not_judged = verdict.is_some_and(|v| v.outcome.inconclusive);
                match (entry.right, solved) {
                    (false, false) if verdict.is_some() => killed += 1,
                    (true, true) => accepted += 1,
                    (true, false) if not_judged => undecided.push(format!("{}/{}", entry.exercise, entry.name)),
                    _ => misjudged.push(format!("{}/{}", entry.exercise, entry.name)),
                }
            }
            let wrong = answers.iter().filter(|a| !a.right).count();
            let right = answers.len() - wrong;
            let rate = (killed * 100_usize).checked_div(wrong).unwrap_or(100);
            let mut note = String::new();
            if !undecided.is_empty() {
                note += &format!("; not judged (loom cannot check them): {}", undecided.join(", "));
            }
            if !misjudged.is_empty() {
                note += &format!("; misjudged: {}", misjudged.join(", "));
            }
            check(
                killed == wrong && accepted + undecided.len() == right && wrong >= 10 && right >= 5,
                format!(
                    "lab {n:02}: the judge rejects {killed} of {wrong} catalogued wrong learner answers (kill rate \
                     {rate} %) and accepts {accepted} of {right} right ones{note}"
                ),
            );
        }

        let file = course.exercise_path(lab);
        match verify::verify(&course.root, n, &file, exercises.list(), None, Duration::from_secs(300), stop) {
            Ok(v) => {
                let unsolved = v.compile_error.is_none() && v.outcomes.iter().all(|o| o.status != Status::Solved);
                let statuses: Vec<&str> = v.outcomes.iter().map(|o| o.status.label()).collect();
                check(unsolved, format!("lab {n:02}: the exercise as it stands is unsolved ({})", statuses.join(", ")));
            }
            Err(Stopped::Interrupted) => return Err(stopped(Stopped::Interrupted)),
            Err(Stopped::Error(e)) => check(false, format!("lab {n:02}: cannot run the exercise's checks: {e}")),
        }
    }
    let failed = lines.iter().filter(|l| !l.ok).count();
    let mut out = String::new();
    for line in &lines {
        let _ = writeln!(out, "  {} {}", if line.ok { "✓" } else { "✗" }, line.text);
    }
    let _ = writeln!(out, "dev check: {} passed, {failed} failed", lines.len() - failed);
    Ok((out, failed == 0))
}

/// The folder of a lab's exercise, for `watch`.
pub(crate) fn labs_dir(course: &Course) -> PathBuf {
    course.root.join("labs")
}

/// Which lab an edited path belongs to (`labs/NN_slug/exercise.rs` → lab NN).
pub(crate) fn lab_of(path: &Path) -> Option<&'static dyn Lab> {
    let folder = path.parent()?.file_name()?.to_str()?;
    LABS.iter().copied().find(|lab| lab.folder() == folder)
}

/// The names of lab `number`'s exercises (none for a lab without).
fn exercise_names(number: u8) -> Vec<&'static str> {
    labs::exercises(number).map_or_else(Vec::new, |e| e.names())
}
