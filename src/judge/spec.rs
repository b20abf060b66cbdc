//! A lab's specification for the judge: the [`Spec`] trait each lab's
//! `judge.rs` implements.
//!
//! A lab says *what* to check — its exercises, the cases loom explores, the
//! one-thread checks of each function, the real-thread cases — and the judge
//! decides *how*: the stages, their order, isolation, time limits and the
//! catalogue are the same for every lab ([`pipeline`](super::pipeline)).

use super::sequential::{Sequential, unequal_jobs};
use super::source::Source;
use crate::lab::{Case, Lab, State};
use crate::runner::process::WorkerCommand;

/// One exercise: its name (a variant of the lab) and the functions it asks for.
#[derive(Clone, Copy, Debug)]
pub struct Exercise {
    /// The name, as in `labs/NN_slug/info.toml` and `verify N NAME`.
    pub name: &'static str,
    /// The learner's functions it judges, e.g. `["worker", "combine"]`.
    pub functions: &'static [&'static str],
}

/// A learner's answers to one lab, compiled for both backends.
///
/// `R` and `M` are the lab's `Fixes` type on the real and the model backend.
#[derive(Clone, Debug)]
pub struct Learner<R, M> {
    /// The functions on real threads.
    pub real: R,
    /// The same functions inside loom's model.
    pub model: M,
    /// How to start a worker process running the learner's worker (the `process` exercise).
    pub worker: Option<WorkerCommand>,
    /// The file the answers were written in, to point at a function's line.
    pub source: Option<Source<'static>>,
}

/// One learner answer in a lab's catalogue: a lab's fixes with one
/// exercise's functions replaced by a plausible answer, right or wrong.
#[derive(Clone, Copy, Debug)]
pub struct Answer<F> {
    /// A short name, e.g. `split_lock`.
    pub name: &'static str,
    /// The exercise it answers.
    pub exercise: &'static str,
    /// `true` for a right answer the judge must accept.
    pub right: bool,
    /// The fixes, with the answer in place.
    pub fixes: F,
}

impl<F> Answer<F> {
    /// A wrong answer: the judge must reject it.
    pub fn wrong(name: &'static str, exercise: &'static str, fixes: F) -> Self {
        Answer { name, exercise, right: false, fixes }
    }

    /// A right answer: the judge must accept it.
    pub fn right(name: &'static str, exercise: &'static str, fixes: F) -> Self {
        Answer { name, exercise, right: true, fixes }
    }
}

/// A lab's catalogue of learner answers: on real threads, and the same answers in loom's model.
pub type Catalogue<R, M> = (Vec<Answer<R>>, Vec<Answer<M>>);

/// How one lab's exercises are judged: the lab's whole specification, at
/// sizes that leave no slack. The judge runs, in this order
/// (see [`pipeline`](super::pipeline)):
///
/// 1. **a sequential check** ([`sequential`](Spec::sequential)): each of the
///    learner's functions on one thread, on a few inputs, against the
///    specification — including runs where a simulated rival wins races or
///    holds the lock ([`contention`](super::contention)). A mismatch is a logic
///    error, not a race, and is reported as such, naming the function and its line;
/// 2. **loom**, every interleaving of every case ([`cases`](Spec::cases)),
///    smallest first, stopping at the first failure: every execution's whole
///    [`State`] must satisfy the lab's specification ([`Lab::judge`]);
/// 3. **races that need more threads than loom models**
///    ([`beyond_loom`](Spec::beyond_loom)): one-thread checks with a simulated
///    rival who acts just after the code looked at a word;
/// 4. for an exercise that takes a lock, **one call on a real thread while
///    another real thread holds the lock** ([`held_for_real`](Spec::held_for_real));
/// 5. **real threads** ([`real_case`](Spec::real_case)): trials that can add
///    a failure, never remove one;
/// 6. for `process`, **real OS processes** running the learner's worker, with
///    unequal jobs ([`process_cases`](Spec::process_cases)), and the learner's
///    `combine` in the parent.
pub trait Spec: Sync + 'static {
    /// The lab's `Fixes` on real threads.
    type Real: Copy + Send + std::panic::RefUnwindSafe + 'static;
    /// The lab's `Fixes` inside loom's model.
    type Model: Copy + Send + Sync + 'static;

    /// The lab these exercises belong to.
    fn lab(&self) -> &'static dyn Lab;

    /// The exercises, in order; each is checked through the lab variant of the same name.
    fn exercises(&self) -> &'static [Exercise];

    /// The cases loom checks an exercise at, smallest first.
    fn cases(&self, exercise: &str) -> Vec<Case>;

    /// The case of real-thread trial `trial` (0-based) of an exercise.
    fn real_case(&self, exercise: &str, trial: u32) -> Case;

    /// A real-thread case of `threads` threads of `iters` steps each, the rest as
    /// the lab's trials set it (a stock, jobs, a first job number): the judge's long
    /// trials, past the largest number the learner's code names (see
    /// `real_stage::long_trials`). Labs whose cases are only threads and steps keep this.
    fn sized_case(&self, _exercise: &str, threads: usize, iters: u64) -> Case {
        Case::new(threads, iters)
    }

    /// The unequal jobs the `process` exercise runs as real worker processes.
    fn process_cases(&self) -> Vec<Case> {
        unequal_jobs()
    }

    /// Runs a variant with given fixes inside loom's model.
    fn run_model(&self, variant: &str, fixes: &Self::Model, case: &Case) -> Option<State>;

    /// Runs a variant with given fixes on real threads.
    fn run_real(&self, variant: &str, fixes: &Self::Real, case: &Case) -> Option<State>;

    /// The sequential check of one exercise's functions.
    fn sequential(&self, exercise: &str, real: &Self::Real, model: &Self::Model) -> Result<(), Sequential>;

    /// Why `exercise` needs no simulated rival, when it needs none: every value its
    /// code exchanges belongs to the calling thread, which alone writes it (lab 06's
    /// `shards[me]`), so an exchange there cannot lose a race and a loop that gives
    /// up after a few tries is right. `None` (every exercise but such ones): an
    /// exercise whose code retries an exchange must meet a rival, or the judge says
    /// its checks have a gap ([`NO_RIVAL`](super::pipeline::NO_RIVAL)).
    fn needs_no_rival(&self, _exercise: &str) -> Option<&'static str> {
        None
    }

    /// After loom found nothing: one-thread checks, in loom's model, of races loom
    /// would need more threads than it models to show — a simulated rival who acts
    /// just after the code looked at a word
    /// (`contention::after_races_then_a_stale_look`): four buyers who
    /// all see "two tickets left". Run after loom, so that a race loom can show is
    /// shown as loom's schedule. Exercises with no such race: `Ok(())`.
    fn beyond_loom(&self, _exercise: &str, _model: &Self::Model) -> Result<(), Sequential> {
        Ok(())
    }

    /// After loom: one call of an exercise's locking function on a real thread
    /// while another real thread holds the lock
    /// ([`with_lock_held_for_real`](super::contention::with_lock_held_for_real)).
    /// Exercises that take no lock: `Ok(())`.
    fn held_for_real(&self, _exercise: &str, _real: &Self::Real) -> Result<(), String> {
        Ok(())
    }

    /// The parent's half of the process fix: the state from the workers' reports.
    fn combine(&self, fixes: &Self::Real, reports: &[u64]) -> State;

    /// What the worker of `fixes` reports for `job`, in a worker process
    /// (`None` for a lab whose learner writes no worker).
    fn report(&self, fixes: &Self::Real, job: &[u64]) -> Option<u64>;

    /// The reference solution's answers; `worker` starts a worker process running the solution's worker.
    fn solution(&self, worker: Option<WorkerCommand>) -> Learner<Self::Real, Self::Model>;

    /// The lab's catalogue of learner answers, on real threads and in the model (in the same order).
    fn catalogue(&self) -> Catalogue<Self::Real, Self::Model>;

    /// The source of the catalogue (`answers.rs`): each answer's doc comment
    /// is what a learner is told when their answer behaves like it.
    fn catalogue_source(&self) -> &'static str;

    /// The reference solution's file (`solution.rs`), read as a learner's exercise file
    /// is when the solution is judged.
    fn solution_source(&self) -> &'static str;

    /// The catalogued wrong answers' signatures (`signatures.json`), so that
    /// naming a learner's mistake needs no judging at `verify` time.
    fn catalogue_signatures(&self) -> &'static str;
}

/// The functions of `exercises` other than `exercise`'s.
pub(crate) fn others_of(exercises: &[Exercise], exercise: &str) -> Vec<&'static str> {
    let mine = functions_of(exercises, exercise);
    exercises.iter().flat_map(|e| e.functions.iter().copied()).filter(|f| !mine.contains(f)).collect()
}

/// The functions exercise `exercise` asks for (none, for an unknown one).
pub(crate) fn functions_of(exercises: &[Exercise], exercise: &str) -> &'static [&'static str] {
    exercises.iter().find(|e| e.name == exercise).map_or(&[], |e| e.functions)
}

/// The part of a lab's [`Spec`] impl that follows from the lab's folder
/// layout, the same in every lab: the `Fixes` types of its `real` and `model`
/// backends, its `LAB`, running a variant with given fixes, the reference
/// solution, and the catalogue in `answers.rs`.
///
/// Written first in each `labs/NN_slug/judge.rs`, with `real`, `model` and
/// `LAB` in scope:
///
/// ```text
/// impl Spec for ThisLab {
///     racelab::spec_plumbing!();
///     fn exercises(&self) -> &'static [Exercise] { … }
///     …
/// }
/// ```
#[macro_export]
macro_rules! spec_plumbing {
    () => {
        type Real = real::Fixes;
        type Model = model::Fixes;

        fn lab(&self) -> &'static dyn $crate::lab::Lab {
            &LAB
        }

        fn run_model(
            &self,
            variant: &str,
            fixes: &model::Fixes,
            case: &$crate::lab::Case,
        ) -> Option<$crate::lab::State> {
            model::run(variant, fixes, case)
        }

        fn run_real(&self, variant: &str, fixes: &real::Fixes, case: &$crate::lab::Case) -> Option<$crate::lab::State> {
            real::run(variant, fixes, case)
        }

        fn solution(
            &self,
            worker: Option<$crate::runner::process::WorkerCommand>,
        ) -> $crate::judge::Learner<real::Fixes, model::Fixes> {
            $crate::judge::Learner { real: real::Fixes::SOLUTION, model: model::Fixes::SOLUTION, worker, source: None }
        }

        fn catalogue(&self) -> $crate::judge::Catalogue<real::Fixes, model::Fixes> {
            (real::answers::catalogue(), model::answers::catalogue())
        }

        fn solution_source(&self) -> &'static str {
            include_str!("solution.rs")
        }

        fn catalogue_source(&self) -> &'static str {
            include_str!("answers.rs")
        }

        fn catalogue_signatures(&self) -> &'static str {
            include_str!("signatures.json")
        }
    };
}

/// Compiles the learner's exercise file twice in a lab's `exercise_tests.rs`,
/// as `real::exercise` (real threads) and `model::exercise` (loom's model),
/// each beside its own `sync` — the very same source, as the lab's reference
/// code is compiled.
///
/// In each, a plain `thread_local!` is the backend's own
/// (`sync::real::thread_local`, std's; `sync::model::thread_local`, loom's):
/// under loom every simulated thread then has its own value, as every real
/// thread has.
///
/// ```text
/// racelab::learner_backends!("exercise.rs");
/// ```
#[macro_export]
macro_rules! learner_backends {
    ($file:literal) => {
        $crate::__learner_backends!($file, $);
    };
}

/// [`learner_backends!`], with `$d` a `$` for the macro it defines (the
/// learner's `thread_local!`, which must be defined beside the `include!`).
#[doc(hidden)]
#[macro_export]
macro_rules! __learner_backends {
    ($file:literal, $d:tt) => {
        /// Your exercise, on real threads.
        #[allow(unused_variables, unused_imports, unused_macros, dead_code)]
        mod real {
            pub use racelab::sync::real as sync;
            pub mod exercise {
                macro_rules! thread_local {
                                    ($d($d tokens:tt)*) => { racelab::sync::real::thread_local!($d($d tokens)*); };
                                }
                include!($file);
            }
        }

        /// Your exercise, inside loom's model (the very same source).
        #[allow(unused_variables, unused_imports, unused_macros, dead_code)]
        mod model {
            pub use racelab::sync::model as sync;
            pub mod exercise {
                macro_rules! thread_local {
                                    ($d($d tokens:tt)*) => { racelab::sync::model::thread_local!($d($d tokens)*); };
                                }
                /// std as the learner's code names it, but for the calls that must let loom's
                /// other threads run: `std::thread::sleep`, `yield_now` and `std::hint::spin_loop`
                /// are the model's (the swap module's), as `super::sync::thread::sleep` is.
                mod std {
                    pub use ::std::*;
                    pub mod thread {
                        pub use ::std::thread::*;
                        pub use racelab::sync::model::thread::{sleep, yield_now};
                    }
                    pub mod hint {
                        pub use ::std::hint::*;
                        pub use racelab::sync::model::hint::spin_loop;
                    }
                }
                include!($file);
            }
        }
    };
}
