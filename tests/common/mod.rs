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
/// every exercise, its process workers run by the racelab binary; each exercise is judged
/// in a process of its own (see [`in_processes`]), as `verify` judges a learner's.
pub fn assert_the_solution_passes_every_check(exercises: &'static dyn racelab::judge::Exercises) {
    let names: Vec<&str> = exercises.list().iter().map(|exercise| exercise.name).collect();
    in_processes(&names, |name| {
        let outcome = exercises.check_solution(name, Some(worker_command(exercises.lab())));
        assert_eq!(outcome.status, racelab::judge::Status::Solved, "{name}: {}", outcome.summary);
    });
}

/// Runs the calling test's body in a process of its own: a test that explores loom
/// models starts with `common::in_its_own_process(|| { … })` (see [`in_processes`]).
/// Not for a `#[should_panic]` test: its process's panic reaches this one as a failure
/// with another message.
pub fn in_its_own_process(body: impl Fn()) {
    in_processes(&["all"], |_| body());
}

/// Which part of a test a process started by [`in_processes`] runs.
const PART_ENV: &str = "RACELAB_TEST_PART";

/// Runs `part(name)` for every name in `parts`, each in a process of its own: this test
/// binary again, running only the calling test (libtest names each test's thread after
/// it), told its part in [`PART_ENV`]; all at once, and the test fails with a part's
/// output if any part fails, or if a process ran no test of that name.
///
/// Why processes and not threads: loom maps a fresh stack for every thread of every
/// execution and unmaps it after, and two models at once in one process make each unmap
/// interrupt the other core; so one process explores one model at a time
/// (`racelab::check`), and tests on libtest's threads would wait for each other. Processes
/// of their own run side by side on every core, as the judge's catalogue does.
pub fn in_processes(parts: &[&str], part: impl Fn(&str)) {
    if let Some(mine) = std::env::var_os(PART_ENV) {
        let mine = mine.to_string_lossy();
        assert!(parts.contains(&&*mine), "this test has no part {mine:?}: {parts:?}");
        part(&mine);
        return;
    }
    let test = std::thread::current().name().map(str::to_string);
    let (Some(test), Ok(exe)) = (test.filter(|t| t != "main"), std::env::current_exe()) else {
        // A harness that runs tests on its main thread: here, one part after another.
        parts.iter().for_each(|&name| part(name));
        return;
    };
    // One waiting thread per process: all of them start at once.
    let children: Vec<_> = std::thread::scope(|scope| {
        let waiting: Vec<_> = parts
            .iter()
            .map(|&name| {
                let (exe, test) = (&exe, &test);
                let run = move || {
                    std::process::Command::new(exe)
                        .args([test, "--exact", "--test-threads", "1"])
                        .env(PART_ENV, name)
                        .stdin(std::process::Stdio::null())
                        .output()
                };
                (name, scope.spawn(run))
            })
            .collect();
        waiting.into_iter().map(|(name, w)| (name, w.join().expect("a waiting thread"))).collect()
    });
    let failures: Vec<String> = children
        .into_iter()
        .filter_map(|(name, output)| {
            let output = match output {
                Ok(output) => output,
                Err(e) => return Some(format!("{test} [{name}]: its process would not start: {e}")),
            };
            let stdout = String::from_utf8_lossy(&output.stdout);
            let ran = stdout.contains("test result: ok. 1 passed");
            (!output.status.success() || !ran).then(|| {
                format!("{test} [{name}] in its own process:\n{stdout}{}", String::from_utf8_lossy(&output.stderr))
            })
        })
        .collect();
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
