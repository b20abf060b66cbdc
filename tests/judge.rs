//! The judge is tested too: every lab's catalogue of learner answers goes
//! through the very checks `racelab verify` runs. Every wrong answer must be
//! rejected, every right one accepted (see `racelab::judge::catalogue`).
//!
//! ```text
//! cargo test --test judge -- --nocapture    # with each lab's kill rate
//! ```
//!
//! The judge's own mechanisms (isolation, `--yours`, refusals) are tested on
//! the course's first lab, [`common::fixture`]: they are the same for every lab.

mod common;

use common::fixture;
use racelab::judge::catalogue::{self, Verdict};
use racelab::judge::{Exercises, Signature, Status, self_as_worker, worker_job};
use racelab::labs;

/// Names the answer whose worker a worker process runs: `"2/worker_min"`.
const ANSWER_ENV: &str = "RACELAB_ANSWER";
const WORKER_TEST: &str = "catalogued_worker";

/// Started again by the process checks below as a worker process.
#[test]
fn catalogued_worker() {
    let (Some(job), Ok(answer)) = (worker_job(), std::env::var(ANSWER_ENV)) else { return };
    let (lab, name) = answer.split_once('/').expect("lab/name");
    let exercises = labs::exercises(lab.parse().expect("a lab number")).expect("a lab with exercises");
    let report = exercises.answer_report(name, &job).expect("a catalogued worker");
    println!("report {report}");
}

/// Set in the processes that judge the catalogue's answers (see `racelab::judge::apart`).
const SERVE_ENV: &str = "RACELAB_JUDGE_SERVE";
const CATALOGUE_TEST: &str = "every_labs_judge_rejects_every_wrong_answer_and_accepts_every_right_one";

/// Every lab's catalogue, all in this one test so that a lab added to the
/// registry is judged here with no line added; the answers of every lab share
/// the machine's cores, one judging process per core (`judge_catalogues_apart`),
/// each lab's checks follow.
#[test]
fn every_labs_judge_rejects_every_wrong_answer_and_accepts_every_right_one() {
    let labs: Vec<&'static dyn Exercises> = labs::LABS.iter().filter_map(|lab| labs::exercises(lab.number())).collect();
    let worker = |exercises: &'static dyn Exercises, entry: &catalogue::Entry| {
        let answer = format!("{}/{}", exercises.lab().number(), entry.name);
        self_as_worker(WORKER_TEST).ok().map(|w| w.env(ANSWER_ENV, answer))
    };
    if std::env::var_os(SERVE_ENV).is_some() {
        // Started by the test below: judge the answers the parent hands out.
        racelab::judge::apart::serve(&labs, &worker);
        return;
    }
    let processes = std::thread::available_parallelism().map_or(2, |n| n.get());
    let start = || {
        let mut command = std::process::Command::new(std::env::current_exe().ok()?);
        command.args(["--exact", CATALOGUE_TEST, "--nocapture", "--quiet", "--test-threads", "1"]).env(SERVE_ENV, "1");
        Some(command)
    };
    let judged = racelab::judge::judge_catalogues_apart(&labs, processes, &start);
    let failures: Vec<String> = labs
        .iter()
        .zip(judged)
        .filter_map(|(&exercises, verdicts)| {
            std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| judge_lab(exercises, verdicts)))
                .err()
                .map(|payload| racelab::trace::panic_message(&*payload))
        })
        .collect();
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}

#[test]
fn a_judging_process_that_dies_costs_its_answer_and_no_other() {
    let labs = [labs::exercises(1).expect("lab 01")];
    let answers = labs[0].catalogue().len();
    let dying = || {
        let mut command = std::process::Command::new("sh");
        command.args(["-c", "exit 3"]);
        Some(command)
    };
    let judged = racelab::judge::judge_catalogues_apart(&labs, 2, &dying);
    assert_eq!(judged[0].len(), answers, "every answer has a verdict or a reason");
    for verdict in &judged[0] {
        assert!(verdict.as_ref().is_err_and(|e| e.ends_with("the judging process ended while judging it")));
    }
    let judged = racelab::judge::judge_catalogues_apart(&labs, 2, &|| None);
    assert_eq!(judged[0].len(), answers);
    assert!(judged[0].iter().all(|v| v.as_ref().is_err_and(|e| e.ends_with("no judging process would start"))));
}

fn judge_lab(exercises: &'static dyn Exercises, verdicts: Vec<Result<Verdict, String>>) {
    let lab = exercises.lab().number();
    let entries = exercises.catalogue();
    let wrong = entries.iter().filter(|e| !e.right).count();
    let right = entries.len() - wrong;
    assert!(wrong >= 10 && right >= 5, "lab {lab} catalogues {wrong} wrong and {right} right answers");
    let verdicts: Vec<Verdict> = verdicts.into_iter().map(|v| v.unwrap_or_else(|why| panic!("{why}"))).collect();
    let mut report = String::new();
    for v in &verdicts {
        let mark = if v.judged_correctly() { "ok " } else { "BAD" };
        let kind = if v.entry.right { "right" } else { "wrong" };
        report += &format!("{mark} lab {lab:02} {kind} {}/{}: {}\n", v.entry.exercise, v.entry.name, v.outcome.summary);
    }
    let killed = verdicts.iter().filter(|v| !v.entry.right && v.outcome.status != Status::Solved).count();
    report += &format!("lab {lab:02}: {killed} of {wrong} wrong answers rejected");
    println!("{report}");
    let misjudged: Vec<String> = verdicts
        .iter()
        .filter(|v| !v.judged_correctly())
        .map(|v| {
            format!(
                "{} {}/{}: {}",
                if v.entry.right { "right" } else { "wrong" },
                v.entry.exercise,
                v.entry.name,
                v.outcome.summary
            )
        })
        .collect();
    assert!(misjudged.is_empty(), "lab {lab:02}: the judge misjudged:\n{}", misjudged.join("\n"));
    // loom's own `try_lock` deadlock (tokio-rs/loom#376) is explored again with an exact
    // `try_lock`: it leaves no answer without a verdict.
    let loom_376: Vec<String> = verdicts
        .iter()
        .filter(|v| v.outcome.summary.contains(racelab::trace::LOOM_376))
        .map(|v| format!("{}/{}: {}", v.entry.exercise, v.entry.name, v.outcome.summary))
        .collect();
    assert!(loom_376.is_empty(), "lab {lab:02}: not judged because of loom#376:\n{}", loom_376.join("\n"));
    // A rival for every retry loop: no answer may meet an exercise whose one-thread check has none.
    let unrivalled: Vec<String> = verdicts
        .iter()
        .filter(|v| v.outcome.summary.contains(racelab::judge::pipeline::NO_RIVAL))
        .map(|v| format!("{}/{}", v.entry.exercise, v.entry.name))
        .collect();
    assert!(unrivalled.is_empty(), "lab {lab:02}: exercises with retry loops and no rival: {unrivalled:?}");
    each_wrong_answer_is_named_as_itself(exercises, &verdicts);
}

/// A learner whose answer behaves like a catalogued mistake is told its name:
/// every wrong answer, judged as a learner's would be, must be named as
/// itself (and as few others as possible), from its doc comment.
fn each_wrong_answer_is_named_as_itself(exercises: &'static dyn Exercises, verdicts: &[Verdict]) {
    let lab = exercises.lab().number();
    let signed: Vec<(catalogue::Entry, Signature)> = verdicts
        .iter()
        .filter(|v| !v.entry.right)
        .filter_map(|v| v.outcome.signature.clone().map(|s| (v.entry, *s)))
        .collect();
    let mut unnamed = Vec::new();
    let mut named_lines = String::new();
    for v in verdicts.iter().filter(|v| !v.entry.right) {
        assert!(exercises.explanation(v.entry.name).is_some(), "{} has no doc comment to explain it", v.entry.name);
        let Some(signature) = &v.outcome.signature else {
            unnamed.push(format!("{} (no signature: {})", v.entry.name, v.outcome.summary));
            continue;
        };
        let same_exercise: Vec<_> = signed.iter().filter(|(e, _)| e.exercise == v.entry.exercise).cloned().collect();
        let named = catalogue::closest(exercises.answers_text(), signature, &same_exercise);
        let names: Vec<&str> = named.iter().map(|r| r.name.as_str()).collect();
        named_lines += &format!("named lab {lab:02} {}/{} as {names:?}\n", v.entry.exercise, v.entry.name);
        // Unnamed only by design: pure functions failing with the same message as another mistake.
        let twins = same_exercise.iter().filter(|(_, s)| *s == **signature).count();
        let ambiguous = signature.shape.is_empty() && twins > 1;
        if !names.contains(&v.entry.name) && !ambiguous {
            unnamed.push(format!("{} named {names:?}", v.entry.name));
        }
    }
    print!("{named_lines}");
    assert!(unnamed.is_empty(), "lab {lab:02}: wrong answers not named as themselves:\n{}", unnamed.join("\n"));
    signatures_are_stored(exercises, &signed);
}

/// `verify` names a learner's mistake from the lab's `signatures.json`, not by
/// judging the catalogue again: it must hold what the judge says now
/// (each answer's failing check; see `catalogue::resembling`).
/// `RACELAB_BLESS=1 cargo test --test judge` rewrites it.
fn signatures_are_stored(exercises: &'static dyn Exercises, signed: &[(catalogue::Entry, Signature)]) {
    let now: std::collections::BTreeMap<String, Signature> =
        signed.iter().map(|(e, s)| (e.name.to_string(), s.clone())).collect();
    let path = format!("{}/labs/{}/signatures.json", env!("CARGO_MANIFEST_DIR"), exercises.lab().folder());
    if std::env::var_os("RACELAB_BLESS").is_some() {
        std::fs::write(&path, catalogue::signatures_json(&now)).expect("write signatures.json");
        return;
    }
    let stored = catalogue::stored_signatures(exercises.signatures_text());
    // The behaviour must match; a schedule's length may differ from process to
    // process (a shard picked by thread id), and `verify` judges such an answer again.
    // An answer that reads the clock (gives up after 100 ms) loses the simulated
    // race on a loaded machine and the real one on a quiet machine: either is stored.
    let reads_the_clock = |name: &str| answer_text(exercises.answers_text(), name).contains("Instant::now");
    let stale: Vec<&String> = now
        .keys()
        .filter(|name| stored.get(*name).map(|s| &s.behaviour) != now.get(*name).map(|s| &s.behaviour))
        .filter(|name| !(stored.contains_key(*name) && reads_the_clock(name)))
        .collect();
    assert!(
        stale.is_empty() && stored.len() == now.len(),
        "{path} is stale for {stale:?} ({} stored, {} now): RACELAB_BLESS=1 cargo test --test judge rewrites it",
        stored.len(),
        now.len()
    );
}

/// The text of answer function `name` in a catalogue: from its `fn` line to
/// the first line that closes it.
fn answer_text<'a>(answers: &'a str, name: &str) -> &'a str {
    let Some(start) = answers.find(&format!("fn {name}(")) else { return "" };
    let body = &answers[start..];
    &body[..body.find("\n}\n").map_or(body.len(), |end| end + 2)]
}

// ---------------------------------------------------------------------------
// Each exercise is judged in a process of its own, under a time limit
// ---------------------------------------------------------------------------

mod isolation {
    use super::fixture::{LAB, judge::Answers};
    use racelab::judge::Likeness;
    use racelab::judge::Status;
    use racelab::judge::{Judge as _, Spec as _};
    use std::time::{Duration, Instant};

    fn spins_forever(_iters: u64) -> u64 {
        loop {
            std::hint::spin_loop();
        }
    }

    fn aborts(_reports: &[u64]) -> u64 {
        std::process::abort()
    }

    /// Asks for a terabyte: the allocator aborts the process.
    fn allocates_a_terabyte(iters: u64) -> u64 {
        let ones = vec![1_u8; (iters as usize + 1).saturating_mul(1 << 40)];
        ones.len() as u64 >> 40
    }

    #[test]
    fn an_allocation_no_machine_can_give_is_a_verdict() {
        let outcome = LAB.judge("process", "isolation::an_allocation_no_machine_can_give_is_a_verdict", || {
            with_real(|f| f.worker = allocates_a_terabyte)
        });
        assert_eq!(outcome.status, Status::Failing);
        assert!(!outcome.inconclusive, "the same code fails the same way every time: {}", outcome.summary);
        assert!(outcome.summary.contains("out of memory"), "{}", outcome.summary);
    }

    fn with_real(edit: impl FnOnce(&mut super::fixture::real::Fixes)) -> Answers {
        let mut learner = LAB.solution(None);
        edit(&mut learner.real);
        learner
    }

    #[test]
    fn an_endless_loop_is_stopped_and_named_with_its_stage() {
        let started = Instant::now();
        let outcome = LAB.judge_within(
            "process",
            "isolation::an_endless_loop_is_stopped_and_named_with_its_stage",
            Duration::from_secs(3),
            || with_real(|f| f.worker = spins_forever),
        );
        assert!(started.elapsed() < Duration::from_secs(20), "stopped at the limit");
        assert_eq!(outcome.status, Status::Failing);
        assert!(outcome.inconclusive, "a time-out is no verdict: it must not downgrade progress");
        assert!(outcome.summary.contains("did not finish in 3 s"), "{}", outcome.summary);
        assert!(outcome.summary.contains("sequential check of `worker` and `combine`"), "{}", outcome.summary);
    }

    #[test]
    fn a_time_limit_set_in_the_environment_is_named_when_it_stops_a_check() {
        const NAME: &str = "isolation::a_time_limit_set_in_the_environment_is_named_when_it_stops_a_check";
        if std::env::var_os(racelab::judge::isolate::LIMIT_ENV).is_none() {
            // This very test again, with the variable set as a learner's shell would set it.
            let exe = std::env::current_exe().expect("this test binary");
            let out = std::process::Command::new(exe)
                .args([NAME, "--exact", "--nocapture", "--test-threads", "1"])
                .env(racelab::judge::isolate::LIMIT_ENV, "3")
                .output()
                .expect("runs");
            let text = String::from_utf8_lossy(&out.stdout).into_owned() + &String::from_utf8_lossy(&out.stderr);
            assert!(out.status.success() && text.contains("1 passed"), "{text}");
            return;
        }
        let outcome = LAB.judge("process", NAME, || with_real(|f| f.worker = spins_forever));
        assert!(outcome.summary.contains("did not finish in 3 s"), "{}", outcome.summary);
        assert!(outcome.summary.contains("RACELAB_JUDGE_TIME_LIMIT=3, set in your environment"), "{}", outcome.summary);
    }

    #[test]
    fn an_abort_is_reported_not_fatal() {
        let outcome =
            LAB.judge("process", "isolation::an_abort_is_reported_not_fatal", || with_real(|f| f.combine = aborts));
        assert_eq!(outcome.status, Status::Failing);
        assert!(outcome.inconclusive);
        assert!(outcome.summary.contains("aborted (SIGABRT)"), "{}", outcome.summary);
    }

    /// A learner's split lock, written their own way (not the catalogue's code).
    macro_rules! learner_answers {
        ($backend:ident) => {
            pub mod $backend {
                use racelab::sync::$backend::Mutex;

                pub fn split_lock_in_my_words(counter: &Mutex<u64>) {
                    let guard = counter.lock().unwrap();
                    let before = *guard;
                    drop(guard);
                    let mut again = counter.lock().unwrap();
                    *again = before + 1;
                }

                /// Right, and as slow under loom as a polling loop it cannot finish: once the
                /// model has started threads, each call takes 30 s.
                pub fn slow_once_threads_run(counter: &Mutex<u64>) {
                    if racelab::trace::spawned() > 0 {
                        std::thread::sleep(std::time::Duration::from_secs(30));
                    }
                    *counter.lock().unwrap() += 1;
                }

                /// Right: two helper threads of its own, one of which adds one under the lock.
                pub fn increments_in_a_helper(counter: &Mutex<u64>) {
                    racelab::sync::$backend::thread::scope(|s| {
                        s.spawn(|| *counter.lock().unwrap() += 1);
                        s.spawn(|| drop(counter.lock().unwrap()));
                    });
                }

                pub fn split_lock_with_a_peek(counter: &Mutex<u64>) {
                    let before = *counter.lock().unwrap();
                    let _peek = *counter.lock().unwrap();
                    *counter.lock().unwrap() = before + 1;
                }
            }
        };
    }
    learner_answers!(real);
    learner_answers!(model);

    fn mutex_answer(
        real: fn(&racelab::sync::real::Mutex<u64>),
        model: fn(&racelab::sync::model::Mutex<u64>),
    ) -> Answers {
        let mut learner = LAB.solution(None);
        learner.real.mutex = real;
        learner.model.mutex = model;
        learner
    }

    #[test]
    fn a_time_out_in_loom_says_the_answer_was_right_alone_and_names_polling() {
        let outcome = LAB.judge_within(
            "mutex",
            "isolation::a_time_out_in_loom_says_the_answer_was_right_alone_and_names_polling",
            Duration::from_secs(3),
            || mutex_answer(real::slow_once_threads_run, model::slow_once_threads_run),
        );
        assert!(outcome.inconclusive, "{}", outcome.summary);
        assert!(outcome.summary.contains("did not finish in 3 s during loom at"), "{}", outcome.summary);
        assert!(outcome.summary.contains("right on one thread"), "{}", outcome.summary);
        assert!(outcome.summary.contains("a loop that polls"), "{}", outcome.summary);
        assert!(!outcome.summary.contains("is there an endless loop"), "{}", outcome.summary);
    }

    #[test]
    fn more_threads_than_loom_models_is_no_verdict_not_a_failure() {
        let outcome =
            LAB.judge("mutex", "isolation::more_threads_than_loom_models_is_no_verdict_not_a_failure", || {
                mutex_answer(real::increments_in_a_helper, model::increments_in_a_helper)
            });
        assert!(outcome.inconclusive, "a right answer with helper threads must not be failing: {}", outcome.summary);
        assert!(outcome.summary.contains("more threads at once than loom can model"), "{}", outcome.summary);
    }

    #[test]
    fn a_known_mistake_is_named_whoever_wrote_it() {
        let outcome = LAB.judge("mutex", "isolation::a_known_mistake_is_named_whoever_wrote_it", || {
            mutex_answer(real::split_lock_in_my_words, model::split_lock_in_my_words)
        });
        assert_eq!(outcome.status, Status::Failing);
        let named: Vec<(&str, Likeness)> = outcome.resembles.iter().map(|r| (r.name.as_str(), r.likeness)).collect();
        assert_eq!(named, [("split_lock", Likeness::SameSteps)]);
        assert!(outcome.resembles[0].line().contains("locks again to write"), "{:?}", outcome.resembles);
    }

    #[test]
    fn a_mistake_with_other_steps_is_not_named_by_its_results_alone() {
        let outcome =
            LAB.judge("mutex", "isolation::a_mistake_with_other_steps_is_not_named_by_its_results_alone", || {
                mutex_answer(real::split_lock_with_a_peek, model::split_lock_with_a_peek)
            });
        assert_eq!(outcome.status, Status::Failing);
        assert!(outcome.resembles.is_empty(), "{:?}", outcome.resembles);
    }

    /// Forged, as native code could (an exercise file cannot: its reading refuses
    /// `std::env`, `std::fs`, `std::process` and `racelab::…`): a "solved" for
    /// `process` written to every file named in the environment, then an exit.
    fn forges_into_files_and_exits(_reports: &[u64]) -> u64 {
        use std::io::Write as _;
        let line =
            "outcome\t{\"lab\":1,\"exercise\":\"process\",\"status\":\"solved\",\"summary\":\"\",\"details\":\"\"}\n";
        for (key, value) in std::env::vars_os() {
            if key.to_string_lossy().starts_with("RACELAB") {
                let file = std::fs::OpenOptions::new().append(true).open(value);
                let _ = file.and_then(|mut f| f.write_all(line.as_bytes()));
            }
        }
        std::process::exit(0)
    }

    /// Forged on the child's own channel, with its token, and returning a wrong total:
    /// the judge's own verdict follows, and two verdicts count as none.
    fn forges_on_the_channel(reports: &[u64]) -> u64 {
        let line =
            "outcome\t{\"lab\":1,\"exercise\":\"process\",\"status\":\"solved\",\"summary\":\"\",\"details\":\"\"}";
        racelab::judge::channel::send(racelab::judge::channel::JUDGE_CHANNEL, line);
        reports.iter().sum::<u64>() + 1
    }

    #[test]
    fn a_solved_line_written_to_a_file_is_no_verdict() {
        let outcome = LAB.judge("process", "isolation::a_solved_line_written_to_a_file_is_no_verdict", || {
            with_real(|f| f.combine = forges_into_files_and_exits)
        });
        assert_ne!(outcome.status, Status::Solved, "{}", outcome.summary);
        assert!(outcome.summary.contains("before giving a verdict"), "{}", outcome.summary);
    }

    #[test]
    fn a_second_verdict_on_the_channel_voids_the_first() {
        let outcome = LAB.judge("process", "isolation::a_second_verdict_on_the_channel_voids_the_first", || {
            with_real(|f| f.combine = forges_on_the_channel)
        });
        assert_ne!(outcome.status, Status::Solved, "{}", outcome.summary);
        assert!(outcome.inconclusive, "{}", outcome.summary);
        assert!(outcome.summary.contains("sent 2 verdicts for one exercise"), "{}", outcome.summary);
    }

    #[test]
    fn a_right_answer_is_judged_the_same_in_its_own_process() {
        let outcome = LAB
            .judge("mutex", "isolation::a_right_answer_is_judged_the_same_in_its_own_process", || LAB.solution(None));
        assert_eq!(outcome.status, Status::Solved, "{}", outcome.summary);
        assert!(!outcome.inconclusive);
    }
}

/// README.md quotes what `verify` prints for a split lock: the quote must be what the judge says.
#[test]
fn the_readme_quotes_the_judge_naming_a_split_lock() {
    let readme = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/README.md")).expect("README.md");
    let exercises = labs::exercises(1).expect("lab 1 has exercises");
    let verdict = exercises.judge_answer("split_lock", None).expect("split_lock is catalogued");
    let signature = verdict.outcome.signature.clone().expect("a loom failure is signed");
    let named = exercises.resembling("mutex", &signature);
    let lines: Vec<String> = named.iter().map(|r| format!("↳ {}", r.line())).collect();
    assert_eq!(lines.len(), 1, "{lines:?}");
    let quoted: Vec<&str> = readme.lines().map(str::trim).collect();
    assert!(quoted.contains(&lines[0].as_str()), "README.md should quote:\n{}", lines[0]);
    let first = format!("✗ mutex          failing: {}", verdict.outcome.summary);
    assert!(quoted.contains(&first.as_str()), "README.md should quote:\n{first}");
}

// ---------------------------------------------------------------------------
// `run N --yours` and `bench N --yours`: the learner's answers run for real
// ---------------------------------------------------------------------------

mod yours {
    use super::fixture::LAB;
    use racelab::judge::Spec as _;
    use racelab::judge::yours::{Request, answer};

    fn run(variant: &str, trials: Option<usize>) -> Request {
        Request::Run { variant: variant.into(), threads: 2, iters: 200_000, trials, budget: 2.0, json: false }
    }

    fn split_lock(counter: &racelab::sync::real::Mutex<u64>) {
        let seen = *counter.lock().unwrap();
        *counter.lock().unwrap() = seen + 1;
    }

    fn not_written(_: &racelab::sync::real::Mutex<u64>) {
        todo!()
    }

    #[test]
    fn a_right_answer_runs_exact_and_points_at_verify() {
        let text = answer(&LAB, &run("mutex", Some(3)), &LAB.solution(None)).expect("it runs");
        assert!(text.contains("mutex — your answer in lab 1's exercise"), "{text}");
        assert_eq!(text.matches("— exact").count(), 3, "{text}");
        assert!(text.contains("`cargo run -- verify 1 mutex` checks every interleaving"), "{text}");
    }

    #[test]
    fn a_split_lock_runs_until_it_is_seen_wrong() {
        let mut learner = LAB.solution(None);
        learner.real.mutex = split_lock;
        // Until a trial goes wrong, or 2 s: a split lock at 2 × 200 000 loses on the first trial or soon after.
        let text = answer(&LAB, &run("mutex", None), &learner).expect("it runs");
        println!("{text}");
        assert!(text.contains("your answer"), "{text}");
        // Real threads can be lucky (a run never asserts a loss): either the run stopped at
        // its first wrong trial, or it kept trying for the whole budget and says so.
        let trials = text.matches("  trial ").count();
        if text.contains("Wrong in") {
            let said = if trials == 1 {
                "Wrong in the one trial".to_string()
            } else {
                format!("Wrong in 1 of {trials} trials")
            };
            assert!(text.contains(&said), "stops at the first wrong trial: {text}");
            assert_eq!(text.matches("— exact").count(), trials - 1, "{text}");
        } else {
            assert!(trials > 1 && text.contains(&format!("Right in all {trials} trials")), "{text}");
        }
    }

    #[test]
    fn an_answer_not_written_yet_is_not_run() {
        let mut learner = LAB.solution(None);
        // `todo!()` on real threads; the sequential check (on the model) is what finds it.
        learner.real.mutex = not_written;
        learner.model.mutex = |_| todo!();
        let why = answer(&LAB, &run("mutex", Some(1)), &learner).unwrap_err();
        assert!(why.contains("still `todo!()`"), "{why}");
    }

    #[test]
    fn only_the_labs_exercises_can_be_run() {
        let why = answer(&LAB, &run("racy", Some(1)), &LAB.solution(None)).unwrap_err();
        assert!(why.contains("--yours runs one of mutex, parking_lot, atomic, process"), "{why}");
    }

    #[test]
    fn bench_measures_each_answer_beside_the_reference_baseline() {
        let request = Request::Bench { threads: vec![1, 2], iters: 10_000, trials: 2, json: true, plot: None };
        let mut learner = LAB.solution(None);
        learner.real.worker = |_| todo!();
        let text = answer(&LAB, &request, &learner).expect("it runs");
        let doc: serde_json::Value = serde_json::from_str(&text).expect("one JSON document");
        let rows: Vec<&str> = doc["rows"].as_array().unwrap().iter().map(|r| r["variant"].as_str().unwrap()).collect();
        assert_eq!(rows, ["racy", "atomic", "mutex (yours)", "parking_lot (yours)", "atomic (yours)"]);
    }
}

/// What the judge cannot judge is refused before any of the exercise's code
/// runs — as "refused", for the exercises whose code uses it (their functions
/// and the helpers they call) and no other; what a right answer can use is judged.
mod refusals {
    use super::fixture::{LAB, judge::Answers};
    use racelab::judge::{Judge as _, Source, Spec as _, Status};
    use racelab::lab::Lab as _;
    use std::sync::LazyLock;

    /// The fixture lab's solution, as a learner's exercise file would read.
    static SOLUTION: LazyLock<String> = LazyLock::new(|| {
        let path = format!("{}/labs/{}/solution.rs", env!("CARGO_MANIFEST_DIR"), LAB.folder());
        std::fs::read_to_string(path).expect("the solution")
    });

    /// Where the fixture lab's exercise file is, as the learner sees it.
    fn exercise_path() -> &'static str {
        Box::leak(format!("labs/{}/exercise.rs", LAB.folder()).into_boxed_str())
    }

    fn with_source(text: String) -> Answers {
        let mut learner = LAB.solution(None);
        learner.source = Some(Source { path: exercise_path(), text: Box::leak(text.into_boxed_str()) });
        learner
    }

    /// The solution with `extra` added at the end, and `mutex_increment` calling `call` first.
    fn mutex_calling(call: &str, extra: &str) -> Answers {
        let text = SOLUTION.replace(
            "pub fn mutex_increment(counter: &Mutex<u64>) {",
            &format!("pub fn mutex_increment(counter: &Mutex<u64>) {{\n    {call};"),
        );
        with_source(format!("{text}\n{extra}"))
    }

    #[test]
    fn a_clock_in_a_helper_is_refused_only_for_the_exercise_that_calls_it() {
        let helper = "fn patience() -> std::time::Instant {\n    std::time::Instant::now()\n}\n";
        let line = SOLUTION.lines().count() + 3;
        let learner = mutex_calling("let _ = patience()", helper);
        let mutex = LAB.check("mutex", &learner);
        assert_eq!(mutex.status, Status::Refused, "{}", mutex.summary);
        let at = format!("exercise.rs:{line} uses `std::time::Instant` in `patience`, which `mutex_increment` uses");
        assert!(mutex.summary.contains(&at), "{}", mutex.summary);
        assert!(mutex.summary.contains("a clock"), "{}", mutex.summary);
        for other in ["parking_lot", "atomic"] {
            assert_eq!(LAB.check(other, &learner).status, Status::Solved, "{other} does not call `patience`");
        }
        // A helper no exercise calls is no exercise's code.
        let unused = with_source(format!("{}\n{helper}", *SOLUTION));
        assert_eq!(LAB.check("mutex", &unused).status, Status::Solved);
    }

    #[test]
    fn a_static_that_holds_state_counts_against_its_own_exercise_only() {
        let text = SOLUTION.replace(
            "pub fn worker(iters: u64) -> u64 {",
            "pub fn worker(iters: u64) -> u64 {\n    static CALLS: AtomicU64 = AtomicU64::new(0);",
        );
        let learner = with_source(text);
        let process = LAB.check("process", &learner);
        assert_eq!(process.status, Status::Refused);
        assert!(
            process.summary.contains("uses `static CALLS: AtomicU64` — a `static` that holds state"),
            "{}",
            process.summary
        );
        assert_eq!(LAB.check("mutex", &learner).status, Status::Solved, "another exercise's static is not mutex's");
    }

    #[test]
    fn another_exercises_function_counts_once_this_one_calls_it() {
        // `mutex_increment` calls the learner's `worker`, whose body holds `unsafe`.
        let text = SOLUTION
            .replace("pub fn worker(iters: u64) -> u64 {", "pub fn worker(iters: u64) -> u64 {\n    unsafe {}")
            .replace(
                "pub fn mutex_increment(counter: &Mutex<u64>) {",
                "pub fn mutex_increment(counter: &Mutex<u64>) {\n    let _ = worker(0);",
            );
        let learner = with_source(text);
        let outcome = LAB.check("mutex", &learner);
        assert_eq!(outcome.status, Status::Refused);
        assert!(
            outcome.summary.contains("uses `unsafe` in `worker`, which `mutex_increment` uses"),
            "{}",
            outcome.summary
        );
        assert_eq!(LAB.check("atomic", &learner).status, Status::Solved, "atomic does not call worker");
    }

    #[test]
    fn a_space_before_the_parenthesis_does_not_hide_a_function() {
        let text = SOLUTION.replace("pub fn mutex_increment(", "pub fn mutex_increment (").replace(
            "pub fn mutex_increment (counter: &Mutex<u64>) {",
            "pub fn mutex_increment (counter: &Mutex<u64>) {\n    unsafe {}",
        );
        let learner = with_source(text);
        assert!(LAB.check("mutex", &learner).summary.contains("uses `unsafe`"));
        assert_eq!(LAB.check("atomic", &learner).status, Status::Solved, "mutex's unsafe is not atomic's");
    }

    #[test]
    fn words_in_strings_and_comments_are_not_code_and_hide_none() {
        let fine = "/* no static, no sleep */\nfn note() -> &'static str {\n    \"unsafe? r#static std::fs\"\n}\n// sleep on it; unsafe? static? no.\n";
        let outcome = LAB.check("mutex", &mutex_calling("let _ = note()", fine));
        assert_eq!(outcome.status, Status::Solved, "{}", outcome.summary);
        let hidden = "fn note() {\n    let _ = \"see lab 01//lesson\"; std::process::abort();\n}\n";
        let outcome = LAB.check("mutex", &mutex_calling("note()", hidden));
        assert!(outcome.summary.contains("uses `std::process`"), "{}", outcome.summary);
    }

    #[test]
    fn what_acts_on_the_whole_program_is_refused_for_every_exercise() {
        let before_main = "#[used]\nstatic KEEP: u8 = 0;\n";
        let learner = with_source(format!("{}\n{before_main}", *SOLUTION));
        for exercise in ["mutex", "process"] {
            let outcome = LAB.check(exercise, &learner);
            assert_eq!(outcome.status, Status::Refused, "{exercise}");
            assert!(
                outcome.summary.contains("`#[used]` in `KEEP`, which acts on the whole test program"),
                "{}",
                outcome.summary
            );
        }
    }

    /// One exercise function `f` (and whatever `extra` items) per case: refused (and
    /// saying what) or judged.
    #[test]
    fn the_reading_refuses_only_what_is_never_right() {
        let file = |body: &str, extra: &str| {
            format!(
                "use super::sync::Mutex;\nuse super::sync::atomic::{{AtomicU64, Ordering}};\nuse super::sync::thread;\n\
                 use std::time::Duration;\n{extra}\npub fn f(counter: &AtomicU64) -> u64 {{\n{body}\n}}\n"
            )
        };
        let judged = [
            ("    counter.fetch_add(1, Ordering::Relaxed)", ""),
            ("    std::thread::sleep(Duration::from_micros(1));\n    0", ""),
            ("    thread::sleep(std::time::Duration::from_micros(1));\n    0", ""),
            (
                "    COUNT.with(|c| c.set(c.get() + 1));\n    COUNT.get()",
                "thread_local! {\n    static COUNT: std::cell::Cell<u64> = const { std::cell::Cell::new(0) };\n}",
            ),
            (
                "    let _held = LOCK.lock().unwrap();\n    counter.fetch_add(1, Ordering::Relaxed)",
                "static LOCK: Mutex<()> = Mutex::new(());",
            ),
            ("    LIMIT + NAMES.len() as u64", "static NAMES: [&str; 2] = [\"a\", \"b\"];\nconst LIMIT: u64 = 3;"),
            (
                "    let v: Vec<u64> = vec![1, 2];\n    println!(\"{v:?}\");\n    v.iter().copied().max().unwrap_or(0)",
                "",
            ),
            ("    std::hint::black_box(u64::MAX.min(3))", ""),
            (
                "    Pair::default().sum()",
                "#[derive(Clone, Copy, Debug, Default)]\nstruct Pair(u64, u64);\nimpl Pair {\n    fn sum(self) -> u64 { self.0 + self.1 }\n}",
            ),
        ];
        for (body, extra) in judged {
            let text = file(body, extra);
            let refused = Source { path: "x.rs", text: &text }.read().refusal_for(&["f"]);
            assert_eq!(refused, None, "judged, not refused:\n{text}");
        }
        let refused = [
            ("    unsafe { 0 }", "", "`unsafe`"),
            ("    std::env::args().count() as u64", "", "`std::env`"),
            ("    std::fs::write(\"x\", \"y\").map_or(0, |_| 1)", "", "`std::fs`"),
            ("    std::process::exit(0)", "", "`std::process`"),
            ("    let t = std::time::Instant::now();\n    0", "", "`std::time::Instant`"),
            ("    let m = std::sync::Mutex::new(0);\n    0", "", "`std::sync::Mutex`"),
            ("    let a = std::sync::atomic::AtomicU64::new(0);\n    0", "", "`std::sync::atomic::AtomicU64`"),
            ("    std::thread::spawn(|| 1).join().unwrap()", "", "`std::thread::spawn`"),
            ("    racelab::labs::LABS.len() as u64", "", "`racelab`"),
            ("    crate::you().worker.is_some() as u64", "", "`crate`"),
            ("    super::super::LAB.number() as u64", "", "`super::super`"),
            (
                "    CALLS.fetch_add(1, Ordering::Relaxed)",
                "static CALLS: AtomicU64 = AtomicU64::new(0);",
                "`static CALLS: AtomicU64`",
            ),
            ("    *TOTAL.lock().unwrap()", "static TOTAL: Mutex<u64> = Mutex::new(0);", "`static TOTAL: Mutex<u64>`"),
            ("    include_str!(\"secret.txt\").len() as u64", "", "`include_str!`"),
            ("    twice!(1)", "macro_rules! twice {\n    ($x:expr) => { $x * 2 };\n}", "`macro_rules! twice`"),
            ("    println!(\"{}\", std::fs::read_to_string(\"x\").unwrap_or_default());\n    0", "", "`std::fs`"),
            ("    std::panic::catch_unwind(|| 1).unwrap_or(0)", "", "`std::panic`"),
            ("    0", "#[unsafe(no_mangle)]\npub extern \"C\" fn hook() {}", "`#[unsafe(no_mangle)]`"),
            ("    0", "extern \"C\" {\n    fn getpid() -> i32;\n}", "an `extern` block"),
            ("    0", "mod hidden;", "`mod hidden`"),
            ("    0", "#[test]\nfn forge() {}", "`#[test]`"),
        ];
        for (body, extra, what) in refused {
            let text = file(body, extra);
            let refusal = Source { path: "x.rs", text: &text }.read().refusal_for(&["f"]);
            assert_eq!(refusal.as_ref().map(|r| r.what.as_str()), Some(what), "{text}\n{refusal:?}");
        }
    }

    #[test]
    fn a_static_lifetime_is_not_a_static() {
        let helper = "fn name() -> &'static str {\n    \"ok\"\n}\n";
        let outcome = LAB.check("mutex", &mutex_calling("let _ = name()", helper));
        assert_eq!(outcome.status, Status::Solved, "{}", outcome.summary);
    }
}

/// Every lab's shipped exercise and its solution are read without a refusal:
/// what the course itself writes, the judge accepts.
#[test]
fn the_shipped_exercises_and_solutions_are_refused_nothing() {
    for lab in labs::LABS {
        let Some(exercises) = labs::exercises(lab.number()) else { continue };
        for file in ["exercise.rs", "solution.rs"] {
            let path = format!("{}/labs/{}/{file}", env!("CARGO_MANIFEST_DIR"), lab.folder());
            let text = std::fs::read_to_string(&path).expect("a lab file");
            let reading = racelab::judge::Source { path: &path, text: &text }.read();
            for e in exercises.list() {
                assert_eq!(reading.refusal_for(e.functions), None, "{path}: {}", e.name);
            }
        }
    }
}

/// A message points at lines the learner can act on, never into std or a
/// lab's machinery: a channel never closed waits in std's iterator, a lock
/// taken twice panics in lab 07's interpreter.
#[test]
fn a_mistake_is_never_located_in_std_or_the_labs_machinery() {
    for (lab, answer) in [(5, "sender_kept_alive"), (7, "never_unlock"), (8, "never_refills")] {
        let exercises = labs::exercises(lab).expect("a lab with exercises");
        let verdict = exercises.judge_answer(answer, None).expect("a catalogued answer");
        let summary = &verdict.outcome.summary;
        assert_ne!(verdict.outcome.status, Status::Solved, "{summary}");
        for elsewhere in ["/rustc/", "interpreter.rs", "judge.rs", "src/"] {
            assert!(!summary.contains(elsewhere), "lab {lab} {answer}: {summary}");
        }
    }
}

/// Runs the test `name` of this binary alone in a process of its own (with
/// `ALONE_ENV` set) and asserts that it passed: the judge measures a trial's
/// progress by the whole process's CPU time and context switches, which the
/// other tests running beside it here would add to.
fn alone(name: &str) -> bool {
    const ALONE_ENV: &str = "RACELAB_TEST_ALONE";
    if std::env::var_os(ALONE_ENV).is_some() {
        return true;
    }
    let exe = std::env::current_exe().expect("the test binary");
    let output = std::process::Command::new(exe)
        .args(["--exact", name, "--nocapture", "--test-threads", "1"])
        .env(ALONE_ENV, "1")
        .output()
        .expect("the test binary runs");
    let text = String::from_utf8_lossy(&output.stdout);
    assert!(output.status.success() && text.contains("1 passed"), "{text}{}", String::from_utf8_lossy(&output.stderr));
    false
}

/// A trial whose threads are all blocked is stuck once nothing happened for the limit.
#[test]
fn a_real_trial_whose_threads_all_wait_is_stuck() {
    use racelab::judge::real_stage::wait_for_trial;
    use std::time::{Duration, Instant};
    if !alone("a_real_trial_whose_threads_all_wait_is_stuck") {
        return;
    }
    let (_never_sends, result) = std::sync::mpsc::channel::<()>();
    let start = Instant::now();
    let waited = wait_for_trial(&result, Duration::from_secs(2), Duration::from_secs(20));
    assert_eq!(waited, Err(true), "stuck");
    assert!(start.elapsed() < Duration::from_secs(10), "called stuck after {:?}", start.elapsed());
}

/// A trial that is slow but whose threads keep handing work to each other (a busy
/// machine) is waited for past the stuck limit.
#[test]
fn a_real_trial_that_keeps_handing_work_over_is_not_stuck_however_slow() {
    use racelab::judge::real_stage::wait_for_trial;
    use std::time::Duration;
    if !alone("a_real_trial_that_keeps_handing_work_over_is_not_stuck_however_slow") {
        return;
    }
    let (done, result) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        // 4 s of ping-pong between two threads: thousands of hand-offs, little CPU.
        let (to_echo, echo_in) = std::sync::mpsc::channel::<u32>();
        let (to_main, main_in) = std::sync::mpsc::channel::<u32>();
        std::thread::spawn(move || {
            for n in echo_in {
                std::thread::sleep(Duration::from_micros(200));
                if to_main.send(n).is_err() {
                    return;
                }
            }
        });
        let start = std::time::Instant::now();
        let mut rounds = 0_u32;
        while start.elapsed() < Duration::from_secs(4) {
            to_echo.send(rounds).expect("echo alive");
            rounds = main_in.recv().expect("echo alive") + 1;
        }
        let _ = done.send(rounds);
    });
    let waited = wait_for_trial(&result, Duration::from_secs(2), Duration::from_secs(20));
    assert!(matches!(waited, Ok(Ok(rounds)) if rounds > 100), "{waited:?}");
}
