//! Helpers shared by the test targets: each lab's `tests.rs` and the engine's `tests/*.rs`.
#![allow(dead_code, reason = "each lab's tests use a different subset")]

use racelab::check::{Model, Report, explore};
use racelab::lab::{Kind, Lab};
use racelab::labs;
use racelab::runner::process::WorkerCommand;

/// The lab the engine's own tests (the judge's isolation, `--yours`, refusals,
/// the course files) run on: the course's first lab. What they test is the
/// same for every lab.
#[allow(unused_imports, reason = "the engine's tests use it, the labs' do not")]
pub use racelab::labs::lost_update as fixture;

/// The lab numbered `number`.
pub fn lab(number: u8) -> &'static dyn Lab {
    labs::find(&number.to_string()).expect("the lab exists")
}

/// Explores `variant` of `lab` at `threads` × `iters` with loom (exhaustively).
pub fn loom(lab: &'static dyn Lab, variant: &str, threads: usize, iters: u64) -> Report {
    explore(&Model::new(lab, variant, threads, iters)).unwrap_or_else(|e| panic!("{variant}: {e}"))
}

/// The headline values (final count, tickets sold, `a + b` seen) loom found reachable.
pub fn reachable(report: &Report) -> Vec<u64> {
    let mut values: Vec<u64> = report.outcomes.keys().map(|state| state.value()).collect();
    values.dedup();
    values
}

/// Asserts that `variant` passes every interleaving at every size: every
/// reachable state satisfies the lab's specification, and the headline value
/// is always the expected one.
pub fn assert_fix_is_exact(lab: &'static dyn Lab, variant: &str, sizes: &[(usize, u64)]) {
    for &(threads, iters) in sizes {
        let report = loom(lab, variant, threads, iters);
        report.assert_pass();
        assert!(report.exhaustive, "{variant}: the search must be exhaustive");
        assert!(report.failing_states.is_empty(), "{variant} {threads}×{iters}: {:?}", report.failing_states);
        let expected = lab.expected(threads, iters);
        assert_eq!(reachable(&report), vec![expected], "{variant} {threads}×{iters}");
        assert_eq!(report.outcomes.values().sum::<u64>(), report.executions);
    }
}

/// The lab's catalogue of wrong fixes (at least three).
pub fn wrong_fixes(lab: &'static dyn Lab) -> Vec<&'static str> {
    let wrong: Vec<&str> = lab.card().variants.iter().filter(|v| v.kind == Kind::WrongFix).map(|v| v.name).collect();
    assert!(wrong.len() >= 3, "lab {} catalogues at least three wrong fixes: {wrong:?}", lab.number());
    wrong
}

/// Runs a variant of `lab` on real threads.
pub fn real(lab: &'static dyn Lab, variant: &str, threads: usize, iters: u64) -> u64 {
    lab.real(variant, threads, iters).unwrap_or_else(|e| panic!("{variant}: {e}"))
}

/// `racelab worker N`, the binary built for these tests.
pub fn worker_command(lab: &'static dyn Lab) -> WorkerCommand {
    WorkerCommand::new(env!("CARGO_BIN_EXE_racelab"), ["worker".to_string(), lab.number().to_string()])
}

/// The fixture lab's folder, relative to the course root: `labs/NN_slug`.
pub fn fixture_dir() -> String {
    format!("labs/{}", fixture::LAB.folder())
}

/// Makes `dir` a course folder as `racelab` recognises one: racelab's
/// `Cargo.toml` and every lab's `labs/NN_slug/info.toml`, nothing else.
pub fn course_skeleton(dir: &std::path::Path) {
    let repo = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    std::fs::copy(repo.join("Cargo.toml"), dir.join("Cargo.toml")).expect("copy Cargo.toml");
    for lab in labs::LABS {
        let info = format!("labs/{}/info.toml", lab.folder());
        std::fs::create_dir_all(dir.join("labs").join(lab.folder())).expect("a lab's folder");
        std::fs::copy(repo.join(&info), dir.join(&info)).expect("copy info.toml");
    }
}

/// Asserts that the lab's reference answer (`solution.rs`) is solved by every check of
/// every exercise, its process workers run by the racelab binary.
pub fn assert_the_solution_passes_every_check(exercises: &'static dyn racelab::judge::Exercises) {
    // The exercises side by side: the judge's state is each thread's own (its rivals, the
    // code's numbers, loom's execution), and a lab's slowest check is most of its tests' time.
    let outcomes: Vec<_> = std::thread::scope(|scope| {
        let checks: Vec<_> = exercises
            .list()
            .iter()
            .map(|exercise| {
                scope.spawn(move || exercises.check_solution(exercise.name, Some(worker_command(exercises.lab()))))
            })
            .collect();
        checks.into_iter().map(|check| check.join().expect("a check of the solution panicked")).collect()
    });
    for (exercise, outcome) in exercises.list().iter().zip(outcomes) {
        assert_eq!(outcome.status, racelab::judge::Status::Solved, "{}: {}", exercise.name, outcome.summary);
    }
}
