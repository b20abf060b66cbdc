//! The course around the labs: exercise metadata and hints (each lab's
//! `labs/NN_slug/info.toml`), the learner's progress, and the exercise files on disk.
//!
//! Each `info.toml` is embedded at build time, so `racelab list` and
//! `racelab hint` work even while an exercise does not compile (exercises are
//! compiled only by their own test target, never by the binary).
//!
//! Progress lives in `.racelab/progress.json` at the repository root. Every
//! change is a read-modify-write under an exclusive lock on
//! `.racelab/progress.lock` ([`Progress::update`]), so two commands at once
//! (`verify 1 & verify 2`, a `hint --more` during a `verify`, a long `watch`)
//! merge their changes instead of overwriting each other's. The file is
//! written to a temporary file in the same folder and renamed over the old
//! one, so a crash mid-write leaves either the old or the new file, never a
//! torn one.
//!
//! # Examples
//!
//! Every exercise is its solution with each `SOLVED:` region replaced by `todo!()`:
//!
//! ```
//! let solution = "fn f() -> u64 {\n    // TODO: return one.\n    // SOLVED: one.\n    1\n}\n";
//! let exercise = racelab::course::exercise_from_solution(solution);
//! assert_eq!(exercise, "fn f() -> u64 {\n    // TODO: return one.\n    todo!()\n}\n");
//! ```

use crate::judge::Outcome;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

/// The course metadata: every lab's `info.toml`, in course order.
#[derive(Debug)]
pub struct Info {
    /// Every lab that has exercises.
    pub labs: Vec<LabInfo>,
}

/// One lab's exercises.
#[derive(Debug)]
pub struct LabInfo {
    /// Lab number.
    pub number: u8,
    /// Folder under `labs/`.
    pub folder: String,
    /// The exercises, in the order a learner should do them.
    pub exercises: Vec<ExerciseInfo>,
}

/// What one lab's `info.toml` holds.
#[derive(Debug, Deserialize)]
struct InfoToml {
    exercises: Vec<ExerciseInfo>,
}

/// One exercise: a spot (or a few) to edit, with layered hints.
#[derive(Debug, Deserialize)]
pub struct ExerciseInfo {
    /// The name used by `verify`, `hint` and the checks.
    pub name: String,
    /// The function(s) to edit.
    pub function: String,
    /// One line on what to do.
    pub summary: String,
    /// Hints, from a nudge to nearly the answer.
    pub hints: Vec<String>,
}

/// Parses the embedded course metadata: the `info.toml` of every lab that has one.
pub fn info() -> Result<Info, String> {
    let mut labs = Vec::new();
    for lab in crate::labs::LABS.iter().filter(|lab| !lab.info().is_empty()) {
        let parsed: InfoToml =
            toml::from_str(lab.info()).map_err(|e| format!("labs/{}/info.toml is invalid: {e}", lab.folder()))?;
        labs.push(LabInfo { number: lab.number(), folder: lab.folder(), exercises: parsed.exercises });
    }
    Ok(Info { labs })
}

impl Info {
    /// The exercises of lab `number`.
    pub fn lab(&self, number: u8) -> Result<&LabInfo, String> {
        self.labs.iter().find(|l| l.number == number).ok_or_else(|| format!("lab {number} has no exercises yet"))
    }
}

impl LabInfo {
    /// Looks up an exercise by name.
    pub fn exercise(&self, name: &str) -> Result<&ExerciseInfo, String> {
        self.exercises.iter().find(|e| e.name == name).ok_or_else(|| {
            let names: Vec<_> = self.exercises.iter().map(|e| e.name.as_str()).collect();
            format!("lab {} has no exercise `{name}`; its exercises: {}", self.number, names.join(", "))
        })
    }
}

pub use crate::judge::Status;

/// The learner's progress: exercise status and hints revealed, keyed `"01/mutex"`.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Progress {
    /// Status per exercise.
    #[serde(default)]
    pub status: BTreeMap<String, Status>,
    /// Hint layers revealed per exercise.
    #[serde(default)]
    pub hints: BTreeMap<String, usize>,
    /// Stepping puzzles solved: puzzle id → the fewest moves the learner needed.
    #[serde(default)]
    pub puzzles: BTreeMap<String, usize>,
    /// Per lab (`"01"`), a fingerprint of `exercise.rs` as last verified.
    #[serde(default)]
    pub verified: BTreeMap<String, String>,
    /// Per solved exercise, a fingerprint of the code that earned it (see
    /// [`crate::judge::Source::fingerprint_without`]).
    #[serde(default)]
    pub solved_code: BTreeMap<String, String>,
}

pub use crate::judge::fingerprint;

/// The progress key of an exercise: `"01/mutex"`.
pub fn key(lab: u8, exercise: &str) -> String {
    format!("{lab:02}/{exercise}")
}

/// More hint layers than any exercise has: a count above this is damage, not progress.
pub const MAX_HINT_COUNT: usize = 1000;

/// How long a command waits for another one to finish saving progress.
const LOCK_WAIT: Duration = Duration::from_secs(10);

impl Progress {
    /// The file progress is kept in, under `root`.
    pub fn path(root: &Path) -> PathBuf {
        root.join(".racelab").join("progress.json")
    }

    /// The lock every change of progress holds (a separate file, since the
    /// progress file itself is replaced by a rename on every save).
    pub fn lock_path(root: &Path) -> PathBuf {
        root.join(".racelab").join("progress.lock")
    }

    /// Loads progress; a missing file is a fresh start, an unreadable or
    /// damaged one (not an object, unknown statuses, absurd counts) an error
    /// that names the file.
    pub fn load(root: &Path) -> Result<Progress, String> {
        let path = Self::path(root);
        match std::fs::read_to_string(&path) {
            Ok(text) => Self::parse(&text)
                .map_err(|e| format!("{} is not valid progress ({e}); delete it to start over", path.display())),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(Progress::default()),
            Err(e) => Err(format!("cannot read {}: {e}", path.display())),
        }
    }

    fn parse(text: &str) -> Result<Progress, String> {
        let value: serde_json::Value = serde_json::from_str(text).map_err(|e| e.to_string())?;
        // serde would read a struct from an array (`[]` as empty progress): require an object.
        if !value.is_object() {
            return Err("expected a JSON object with `status` and `hints`".to_string());
        }
        let progress: Progress = serde_json::from_value(value).map_err(|e| e.to_string())?;
        if let Some((key, count)) = progress.hints.iter().find(|(_, n)| **n > MAX_HINT_COUNT) {
            return Err(format!("{count} hints seen for {key}, more than any exercise has"));
        }
        Ok(progress)
    }

    /// Changes progress under the lock: reads the file as it is now, applies
    /// `change`, writes the result if anything changed, and returns what
    /// `change` returned with the progress as saved.
    ///
    /// # Examples
    ///
    /// ```
    /// use racelab::course::{Progress, Status, key};
    ///
    /// let root = tempfile::tempdir().unwrap();
    /// Progress::update(root.path(), |p| p.status.insert(key(1, "mutex"), Status::Solved)).unwrap();
    /// let (_, now) = Progress::update(root.path(), |p| p.hints.insert(key(1, "atomic"), 1)).unwrap();
    /// assert_eq!(now.status(1, "mutex"), Status::Solved, "the second update kept the first");
    /// ```
    pub fn update<T>(root: &Path, change: impl FnOnce(&mut Progress) -> T) -> Result<(T, Progress), String> {
        let _lock = Lock::take(root)?;
        let mut progress = Self::load(root)?;
        let before = progress.clone();
        let result = change(&mut progress);
        if progress != before {
            progress.write(root)?;
        }
        Ok((result, progress))
    }

    /// Saves progress as it is (replacing whatever the file holds), under the lock.
    /// To change progress without losing another command's changes, use [`Progress::update`].
    pub fn save(&self, root: &Path) -> Result<(), String> {
        let _lock = Lock::take(root)?;
        self.write(root)
    }

    fn write(&self, root: &Path) -> Result<(), String> {
        let path = Self::path(root);
        let text = serde_json::to_string_pretty(self).map_err(|e| e.to_string())?;
        write_atomically(&path, &text)
    }

    /// The status of one exercise.
    pub fn status(&self, lab: u8, exercise: &str) -> Status {
        self.status.get(&key(lab, exercise)).copied().unwrap_or_default()
    }

    /// Records a check's outcome. An inconclusive one (the check crashed, timed
    /// out or was interrupted) never turns a "solved" earned by the same code
    /// into "failing"; a genuine verdict always counts, and so does an
    /// inconclusive one for code that changed since it was solved.
    ///
    /// # Examples
    ///
    /// ```
    /// use racelab::course::{Progress, Status};
    /// use racelab::judge::Outcome;
    ///
    /// let mut progress = Progress::default();
    /// let mut outcome = Outcome {
    ///     lab: 1, exercise: "mutex".into(), status: Status::Solved,
    ///     summary: String::new(), details: String::new(), ..Outcome::default()
    /// };
    /// progress.record(&outcome);
    /// outcome.status = Status::Failing;
    /// outcome.inconclusive = true; // a time-out: no verdict
    /// progress.record(&outcome);
    /// assert_eq!(progress.status(1, "mutex"), Status::Solved);
    ///
    /// // Solved with one code, then edited: not judged is not solved.
    /// let mut solved = Outcome { status: Status::Solved, inconclusive: false, code: Some("a".into()), ..outcome.clone() };
    /// progress.record(&solved);
    /// solved.status = Status::Failing;
    /// solved.inconclusive = true;
    /// progress.record(&Outcome { code: Some("a".into()), ..solved.clone() });
    /// assert_eq!(progress.status(1, "mutex"), Status::Solved, "the same code, not judged this time");
    /// progress.record(&Outcome { code: Some("b".into()), ..solved });
    /// assert_eq!(progress.status(1, "mutex"), Status::Failing, "other code, not judged");
    /// ```
    pub fn record(&mut self, outcome: &Outcome) {
        let key = key(outcome.lab, &outcome.exercise);
        if outcome.inconclusive && self.status.get(&key) == Some(&Status::Solved) {
            // Kept only for the code that earned it: changed code that could not be
            // judged is not solved (nor known to be when either fingerprint is missing).
            let earned = self.solved_code.get(&key);
            if earned.is_none() || outcome.code.is_none() || earned.map(String::as_str) == outcome.code.as_deref() {
                return;
            }
        }
        match (&outcome.code, outcome.status) {
            (Some(code), Status::Solved) => self.solved_code.insert(key.clone(), code.to_string()),
            _ => self.solved_code.remove(&key),
        };
        self.status.insert(key, outcome.status);
    }
}

/// An exclusive `flock` on `.racelab/progress.lock`, released when dropped.
struct Lock(std::fs::File);

impl Lock {
    fn take(root: &Path) -> Result<Lock, String> {
        use std::os::fd::AsRawFd;
        let path = Progress::lock_path(root);
        let dir = path.parent().unwrap_or(root);
        std::fs::create_dir_all(dir).map_err(|e| format!("cannot create {}: {e}", dir.display()))?;
        let file = std::fs::OpenOptions::new()
            .create(true)
            .truncate(false)
            .write(true)
            .open(&path)
            .or_else(|_| std::fs::File::open(&path))
            .map_err(|e| format!("cannot open {}: {e}", path.display()))?;
        let deadline = Instant::now() + LOCK_WAIT;
        loop {
            // Safety: flock on a descriptor this function owns.
            if unsafe { libc::flock(file.as_raw_fd(), libc::LOCK_EX | libc::LOCK_NB) } == 0 {
                return Ok(Lock(file));
            }
            let error = std::io::Error::last_os_error();
            if error.kind() != std::io::ErrorKind::WouldBlock && error.kind() != std::io::ErrorKind::Interrupted {
                return Err(format!("cannot lock {}: {error}", path.display()));
            }
            if Instant::now() >= deadline {
                return Err(format!(
                    "another racelab command has held {} for {} s; try again when it is done",
                    path.display(),
                    LOCK_WAIT.as_secs()
                ));
            }
            std::thread::sleep(Duration::from_millis(10));
        }
    }
}

impl Drop for Lock {
    fn drop(&mut self) {
        use std::os::fd::AsRawFd;
        // Safety: unlocks the descriptor this guard owns (closing it would too).
        unsafe {
            libc::flock(self.0.as_raw_fd(), libc::LOCK_UN);
        }
    }
}

/// Writes `text` to `path` through a temporary file in the same folder and a rename.
pub fn write_atomically(path: &Path, text: &str) -> Result<(), String> {
    use std::io::Write as _;
    let dir = path.parent().unwrap_or(Path::new("."));
    std::fs::create_dir_all(dir).map_err(|e| format!("cannot create {}: {e}", dir.display()))?;
    let mut file =
        tempfile::NamedTempFile::new_in(dir).map_err(|e| format!("cannot write in {}: {e}", dir.display()))?;
    file.write_all(text.as_bytes())
        .and_then(|()| file.as_file().sync_all())
        .map_err(|e| format!("cannot write {}: {e}", path.display()))?;
    file.persist(path).map_err(|e| format!("cannot replace {}: {e}", path.display()))?;
    Ok(())
}

/// The course's root folder: the nearest ancestor of the current directory
/// holding racelab's `Cargo.toml` and every lab's `labs/NN_slug/info.toml`,
/// else the folder racelab was built from.
pub fn root() -> Result<PathBuf, String> {
    let here = std::env::current_dir().map_err(|e| format!("cannot read the current directory: {e}"))?;
    let built = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let infos = |dir: &Path| -> Vec<PathBuf> {
        crate::labs::LABS.iter().map(|lab| dir.join("labs").join(lab.folder()).join("info.toml")).collect()
    };
    let racelab = |dir: &Path| {
        let manifest = std::fs::read_to_string(dir.join("Cargo.toml")).unwrap_or_default();
        manifest.contains("name = \"racelab\"") && dir.join("labs").is_dir()
    };
    let course = |dir: &Path| racelab(dir) && infos(dir).iter().all(|info| info.is_file());
    for dir in here.ancestors() {
        if course(dir) {
            return Ok(dir.to_path_buf());
        }
        // A course folder that lost a lab's metadata: say which file is missing, and
        // where, rather than quietly using the folder racelab was built from.
        if racelab(dir)
            && let Some(missing) = infos(dir).into_iter().find(|info| !info.exists())
        {
            return Err(format!(
                "{} is missing: racelab needs it to find the course (`git checkout -- labs/` restores it)",
                missing.display()
            ));
        }
    }
    if course(&built) {
        return Ok(built);
    }
    Err("cannot find the racelab course (a folder with racelab's Cargo.toml and labs/); run racelab inside it"
        .to_string())
}

/// The exercise file `labs/NN_slug/exercise.rs` derived from its solution:
/// each `// SOLVED:` line, and the rest of its block, becomes `todo!()`.
pub fn exercise_from_solution(solution: &str) -> String {
    let mut out = String::with_capacity(solution.len());
    let mut skipping: Option<usize> = None;
    for line in solution.lines() {
        let indent = line.len() - line.trim_start().len();
        if let Some(depth) = skipping {
            if line.trim().is_empty() || indent >= depth {
                continue;
            }
            skipping = None;
        }
        if line.trim_start().starts_with("// SOLVED:") {
            out.push_str(&line[..indent]);
            out.push_str("todo!()\n");
            skipping = Some(indent);
            continue;
        }
        out.push_str(line);
        out.push('\n');
    }
    out
}

/// How many `// TODO:` spots a file has.
pub fn todo_count(source: &str) -> usize {
    source.lines().filter(|l| l.trim_start().starts_with("// TODO:")).count()
}
