//! What a lab is: the [`Lab`] trait every lab implements, the data on its
//! [`Card`], and what one execution ends with ([`State`]) at which size ([`Case`]).
//!
//! A lab is one folder, `labs/NN_slug/`:
//!
//! ```text
//! labs/NN_slug/
//!   README.md          the lesson
//!   info.toml          the exercises and their hints, in layers
//!   exercise.rs        what the learner edits (`// TODO:`, `todo!()`)
//!   solution.rs        the exercise with every TODO done, line for line
//!   lab.rs             the lab's card and its `Lab` impl: compiled once
//!   reference.rs       racy version, fixes, wrong fixes: compiled once per backend
//!   judge.rs           how the judge checks the exercises (its `Spec` impl)
//!   answers.rs         the catalogue of learner answers, right and wrong (per backend)
//!   tests.rs           `cargo test --test lab_NN`: the lab's own claims
//!   exercise_tests.rs  `cargo test --test exercise_NN`: the learner's answers
//! ```
//!
//! and one line in the registry, [`crate::labs`]. The engine — [`check`](crate::check),
//! [`judge`](crate::judge), [`runner`](crate::runner), [`stepper`](crate::stepper),
//! [`bench`](crate::bench), [`cli`](crate::cli) — never names a lab: it is handed a
//! `&'static dyn Lab` and asks it.
//!
//! # Examples
//!
//! ```
//! use racelab::lab::{Backend, Case};
//! use racelab::labs;
//!
//! let lab = labs::find("1").unwrap();
//! assert_eq!(lab.folder(), format!("{:02}_{}", lab.number(), lab.slug()));
//! // The same reference code on real threads and inside loom's model:
//! assert_eq!(lab.real("atomic", 2, 1000), Ok(2000));
//! assert!(lab.judge(&Case::new(2, 1000), &lab.run(Backend::Real, "atomic", &Case::new(2, 1000)).unwrap()).is_ok());
//! ```

pub mod counting;
mod state;

/// How every lab starts, joins and isolates its threads — one module per
/// backend, from the same source (`src/lab/harness.rs`).
#[allow(clippy::duplicate_mod)]
pub mod harness {
    /// On real OS threads.
    pub mod real {
        use crate::sync::real as sync;
        include!("harness.rs");
        /// The shared counter and its fixes (lab 01's), for labs that compare against it.
        pub mod counter {
            use super::sync;
            include!("counter.rs");
        }
    }
    /// Inside loom's model.
    pub mod model {
        use crate::sync::model as sync;
        include!("harness.rs");
        /// The shared counter and its fixes (lab 01's), for labs that compare against it.
        pub mod counter {
            use super::sync;
            include!("counter.rs");
        }
    }
    /// On the stepper's threads.
    pub mod step {
        use crate::sync::step as sync;
        include!("harness.rs");
        /// The shared counter and its fixes (lab 01's), for labs that compare against it.
        pub mod counter {
            use super::sync;
            include!("counter.rs");
        }
    }
}

pub use state::{Case, State};

/// Where a lab's code runs: the three modules its `reference.rs` is compiled into.
///
/// See [`crate::sync`] for what each backend's types are.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Backend {
    /// Real OS threads (`racelab run`, `bench`, proptest).
    Real,
    /// loom's model threads, every operation traced (`racelab check`, loom tests).
    Model,
    /// shuttle's threads with the learner as the scheduler (`racelab step`).
    Step,
}

/// What role a variant plays in its lab.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Kind {
    /// The deliberately unsynchronised version: loom must catch it.
    Racy,
    /// A correct fix: loom must pass every interleaving.
    Fix,
    /// A plausible but wrong fix from the catalogue: loom must reject it.
    WrongFix,
    /// A true data race on plain memory: run only under loom.
    DataRace,
}

/// One version of a lab's scenario.
#[derive(Debug)]
pub struct Variant {
    /// The name used on the command line (`--variant racy`).
    pub name: &'static str,
    /// Its role.
    pub kind: Kind,
    /// One line on what it does.
    pub summary: &'static str,
}

/// The largest iteration count loom explores exhaustively, per thread count
/// (index 0 is one thread): larger models are refused unless bounded.
///
/// Measured on a 2-core machine: lab 01's racy counter takes 12 546
/// executions at 2×3 and was still going after 2.8 million executions (4 min) at 3×2; lab 03's
/// observer thread makes its models far larger (racy 2×1: 267 380).
#[derive(Clone, Copy, Debug)]
pub struct Limits {
    /// For racy variants, wrong fixes and data races.
    pub racy: &'static [u64],
    /// For fixes.
    pub fix: &'static [u64],
    /// Variants whose models grow faster or slower than their kind's, with their own table.
    pub by_variant: &'static [(&'static str, &'static [u64])],
}

impl Limits {
    /// The table for `variant` of kind `kind`: index `t - 1` is the most
    /// iterations loom explores exhaustively with `t` threads.
    pub fn table(&self, variant: &str, kind: Kind) -> &'static [u64] {
        if let Some((_, table)) = self.by_variant.iter().find(|(name, _)| *name == variant) {
            return table;
        }
        if matches!(kind, Kind::Racy | Kind::WrongFix | Kind::DataRace) { self.racy } else { self.fix }
    }
}

/// A lab's data: its name, its variants and the sizes it runs at.
#[derive(Debug)]
pub struct Card {
    /// 1-based lab number.
    pub number: u8,
    /// The folder name after the number, e.g. `lost_update`.
    pub slug: &'static str,
    /// A short title.
    pub title: &'static str,
    /// What one step of a thread is called: "increments", "purchase attempts", …
    pub unit: &'static str,
    /// What a run's value measures, as schedules print it: "final", "sold", "a + b seen".
    pub measure: &'static str,
    /// The lab's variants, racy first.
    pub variants: &'static [Variant],
    /// The largest sizes loom finishes exhaustively (in seconds to a minute here).
    pub limits: Limits,
    /// The largest threads × iterations a real run accepts.
    pub max_total: u64,
    /// `cargo run -- run`'s default threads × iterations: big enough to show the race on real hardware.
    pub run_size: (usize, u64),
    /// `cargo run -- check`'s default threads × iterations.
    pub check_size: (usize, u64),
    /// The size at which loom must reject every catalogued wrong fix.
    pub catalogue_size: (usize, u64),
    /// Names for the objects in a schedule, per kind, in order of first use
    /// (mutexes: in order of address, since locks may be taken in any order).
    pub names: &'static [(&'static str, &'static [&'static str])],
}

/// A stepper puzzle: reach a goal by choosing which thread moves next (`racelab step --puzzle ID`).
#[derive(Clone, Copy, Debug)]
pub struct Puzzle {
    /// Its id on the command line, e.g. `lose-one`.
    pub id: &'static str,
    /// The variant stepped.
    pub variant: &'static str,
    /// Threads × steps.
    pub size: (usize, u64),
    /// What to reach, in words.
    pub goal: &'static str,
    /// How the stepper knows it was reached.
    pub reached: Goal,
}

/// What a puzzle asks for.
#[derive(Clone, Copy, Debug)]
pub enum Goal {
    /// A final state with this property.
    Final(fn(&State) -> bool),
    /// A deadlock: every thread left waits for a lock.
    Deadlock,
}

/// What `racelab demo N` asks a lab for (see [`Lab::demo`]).
#[derive(Clone, Debug)]
pub struct DemoRequest {
    /// The racelab binary, to start worker processes with.
    pub exe: std::path::PathBuf,
    /// Child processes of each kind.
    pub children: usize,
    /// Increments each child counts.
    pub iters: u64,
    /// Start-up rounds to time.
    pub rounds: u64,
    /// One JSON document instead of text.
    pub json: bool,
}

/// A lab's demonstration: the text or JSON to print, or why not.
pub type Demo = fn(&DemoRequest) -> Result<String, String>;

/// A lab's own measurements: the text or JSON to print, or why not.
pub type Bench = fn(&BenchRequest<'_>) -> Result<String, String>;

/// What `racelab bench N` asks a lab with its own measurements for (see [`Lab::bench`]).
pub struct BenchRequest<'a> {
    /// The racelab binary, to start worker processes with.
    pub exe: std::path::PathBuf,
    /// `--threads`, as given (empty: the lab's choice).
    pub threads: Vec<usize>,
    /// `--iters`, when given.
    pub iters: Option<u64>,
    /// `--trials`, already checked to be in range.
    pub trials: usize,
    /// `--json`.
    pub json: bool,
    /// Whether `--plot` was given.
    pub plot: bool,
    /// Where `--plot` asked for the SVG, when it was given.
    pub plot_to: Option<std::path::PathBuf>,
    /// Whether `--baseline` was given.
    pub baseline: bool,
    /// Whether `--yours` was given.
    pub yours: bool,
    /// Called with the name of each part as it starts (a progress line).
    pub progress: &'a dyn Fn(&str),
}

/// A lab: what it is ([`Card`]), how to run each variant on a [`Backend`], and
/// what a right final [`State`] is.
///
/// Only [`card`](Lab::card), [`lesson`](Lab::lesson) and [`run`](Lab::run) are
/// required. The rest default to a counter that must count every step once
/// (see [`counting`]): a lab whose state is richer (tickets sold and every
/// buyer's answer; what an observer saw) says so by overriding
/// [`judge`](Lab::judge) and [`spec`](Lab::spec).
pub trait Lab: Sync + 'static {
    /// The lab's data: number, name, variants, sizes.
    fn card(&self) -> &'static Card;

    /// The lesson (`labs/NN_slug/README.md`), embedded at build time.
    fn lesson(&self) -> &'static str;

    /// The lab's `info.toml`, embedded at build time: its exercises and their
    /// layered hints (empty for a lab without exercises).
    fn info(&self) -> &'static str {
        ""
    }

    /// Runs `variant` on backend `on` with the reference fixes and returns the
    /// whole observable [`State`] (`None`: no such variant).
    ///
    /// `process` runs here as isolated workers joined by the parent (the model
    /// of processes); the real runner replaces them with OS processes.
    fn run(&self, on: Backend, variant: &str, case: &Case) -> Option<State>;

    /// The lab's specification: `Ok` when a state is right for the case, else
    /// what is wrong with it, in words ("1 update lost").
    fn judge(&self, case: &Case, state: &State) -> Result<(), String> {
        counting::judge(case, state)
    }

    /// The right state for a case, as the learner reads it ("2", "sold=3 …").
    fn spec(&self, case: &Case) -> String {
        counting::spec(case)
    }

    /// What one of a case's `threads` is called in messages: "thread", or lab 09's "task".
    fn unit(&self) -> &'static str {
        "thread"
    }

    /// A case in words, as the judge's and `check`'s messages say it: "2 threads × 1,
    /// stock 2" by default. A lab whose own numbers are settings (a kind of lock, an
    /// order) says them here with [`Case::describe`].
    fn describe(&self, case: &Case) -> String {
        case.describe(self.unit(), &|_, _| None)
    }

    /// The correct headline value for `threads` threads of `iters` steps.
    fn expected(&self, threads: usize, iters: u64) -> u64 {
        counting::expected(threads, iters)
    }

    /// Describes a wrong headline value, e.g. "2 updates lost".
    fn explain(&self, value: u64, expected: u64) -> String {
        counting::lost_updates(value, expected)
    }

    /// How to show a value of the lab's one atomic word, when it packs
    /// several numbers (lab 03: `a=2 b=0`); `None` shows numbers as they are.
    fn decoder(&self) -> Option<fn(u64) -> String> {
        None
    }

    /// The jobs of the process fix's workers for `threads` × `iters`, one list of numbers each.
    fn jobs(&self, threads: usize, iters: u64) -> Vec<Vec<u64>> {
        counting::jobs(threads, iters)
    }

    /// What one worker process computes from its job (the process fix): `racelab worker N …`.
    fn worker(&self, job: &[u64]) -> Result<u64, String> {
        counting::worker(job)
    }

    /// How the parent combines the workers' reports into the headline value (the process fix).
    fn combine(&self, reports: &[u64]) -> u64 {
        counting::combine(reports)
    }

    /// Runs a variant on real threads and returns its headline value, or why there is none
    /// (no such variant; a worker process that died, for a lab whose variants use them).
    fn real(&self, variant: &str, threads: usize, iters: u64) -> Result<u64, String> {
        self.run(Backend::Real, variant, &Case::new(threads, iters))
            .map(|state| state.value())
            .ok_or_else(|| format!("lab {} has no variant `{variant}`", self.number()))
    }

    /// [`real`](Self::real) with the whole result judged: the headline value, and why
    /// the result is wrong although that value is right (a blocking call that stalled
    /// every task, say), for `run`'s trials. By default the value alone; a lab whose
    /// right answer is more than its headline number judges its whole state here.
    fn real_observed(&self, variant: &str, threads: usize, iters: u64) -> Result<(u64, Option<String>), String> {
        self.real(variant, threads, iters).map(|value| (value, None))
    }

    /// The lab's stepper puzzles.
    fn puzzles(&self) -> &'static [Puzzle] {
        &[]
    }

    /// The lab's own demonstration, `racelab demo N` (lab 04: counting in
    /// `fork` and spawned children, and what starting each costs), which
    /// returns the text or JSON to print, or why not. `None`: the lab has none.
    fn demo(&self) -> Option<Demo> {
        None
    }

    /// The lab's own measurements for `racelab bench N`, in place of the sweep
    /// of its variants across thread counts (lab 07: its interpreter beside
    /// CPython), which return the text or JSON to print, or why not. `None`: the sweep.
    fn bench(&self) -> Option<Bench> {
        None
    }

    /// 1-based lab number.
    fn number(&self) -> u8 {
        self.card().number
    }

    /// The folder name after the number, e.g. `lost_update`.
    fn slug(&self) -> &'static str {
        self.card().slug
    }

    /// The lab's folder under `labs/`: `NN_slug`.
    fn folder(&self) -> String {
        format!("{:02}_{}", self.card().number, self.card().slug)
    }

    /// Looks up a variant by name.
    fn variant(&self, name: &str) -> Result<&'static Variant, String> {
        let card = self.card();
        card.variants.iter().find(|v| v.name == name).ok_or_else(|| {
            let names: Vec<_> = card.variants.iter().map(|v| v.name).collect();
            format!("lab {} has no variant `{name}`; try one of: {}", card.number, names.join(", "))
        })
    }
}

impl std::fmt::Debug for dyn Lab {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "lab {}", self.folder())
    }
}

/// Declares a lab's three backends: its `reference.rs` (and the files it
/// includes) compiled into `real`, `model` and `step`, each with its own
/// `sync` and `harness`.
///
/// Used once, in each `labs/NN_slug/lab.rs`:
///
/// ```text
/// racelab::backends!("reference.rs", answers: "answers.rs");
/// ```
///
/// The catalogue of learner answers (`answers.rs`, optional) is compiled for
/// real threads and loom only: the stepper never runs it.
///
/// The file is `include!`d, so its paths (`include!("solution.rs")`) are
/// relative to the lab's folder, and it imports `sync::…` and `harness::…` —
/// never `std::sync` — so the very same source runs on real threads, under
/// loom and under the stepper.
#[macro_export]
macro_rules! backends {
    ($file:literal $(, answers: $answers:literal)?) => {
        /// This lab's reference code on real OS threads: std's and `parking_lot`'s types.
        #[allow(clippy::duplicate_mod)]
        pub mod real {
            pub use $crate::lab::harness::real as harness;
            pub use $crate::sync::real as sync;
            include!($file);
            $(
                /// The catalogue of learner answers, on real threads.
                pub mod answers {
                    include!($answers);
                }
            )?
        }
        /// The same source inside loom's model, every shared-memory operation traced.
        #[allow(clippy::duplicate_mod)]
        pub mod model {
            pub use $crate::lab::harness::model as harness;
            pub use $crate::sync::model as sync;
            include!($file);
            $(
                /// The catalogue of learner answers, inside loom's model.
                pub mod answers {
                    include!($answers);
                }
            )?
        }
        /// The same source on shuttle's threads, with the learner as the scheduler (`racelab step`).
        #[allow(clippy::duplicate_mod)]
        pub mod step {
            pub use $crate::lab::harness::step as harness;
            pub use $crate::sync::step as sync;
            include!($file);
        }

        /// Runs `variant` with the reference fixes (`Fixes::SOLUTION`) on backend `on`.
        pub fn run_solution(
            on: $crate::lab::Backend,
            variant: &str,
            case: &$crate::lab::Case,
        ) -> Option<$crate::lab::State> {
            match on {
                $crate::lab::Backend::Real => real::run(variant, &real::Fixes::SOLUTION, case),
                $crate::lab::Backend::Model => model::run(variant, &model::Fixes::SOLUTION, case),
                $crate::lab::Backend::Step => step::run(variant, &step::Fixes::SOLUTION, case),
            }
        }
    };
}
