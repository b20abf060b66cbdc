//! The judge is tested too: every lab's catalogue of learner answers goes
//! through the very checks `racelab verify` runs. Every wrong answer must be
//! rejected, every right one accepted (see `racelab::exercise::catalogue`).
//!
//! ```text
//! cargo test --test judge -- --nocapture    # with each lab's kill rate
//! ```

use racelab::course::Status;
use racelab::exercise::catalogue::{self, Verdict};
use racelab::exercise::{self_as_worker, worker_job};

/// Names the answer whose worker a worker process runs: `"2/worker_min"`.
const ANSWER_ENV: &str = "RACELAB_ANSWER";
const WORKER_TEST: &str = "catalogued_worker";

/// Started again by the process checks below as a worker process.
#[test]
fn catalogued_worker() {
    let (Some(job), Ok(answer)) = (worker_job(), std::env::var(ANSWER_ENV)) else { return };
    let (lab, name) = answer.split_once('/').expect("lab/name");
    let report = catalogue::worker_report(lab.parse().expect("a lab number"), name, &job).expect("a catalogued worker");
    println!("report {report}");
}

fn judge_lab(lab: u8) {
    let entries = catalogue::answers(lab);
    let wrong = entries.iter().filter(|e| !e.right).count();
    let right = entries.len() - wrong;
    assert!(wrong >= 10 && right >= 5, "lab {lab} catalogues {wrong} wrong and {right} right answers");
    let verdicts: Vec<Verdict> = entries
        .iter()
        .map(|entry| {
            let worker = self_as_worker(WORKER_TEST).ok().map(|w| w.env(ANSWER_ENV, format!("{lab}/{}", entry.name)));
            catalogue::judge(lab, entry.name, worker).expect("a catalogued answer")
        })
        .collect();
    for v in &verdicts {
        let mark = if v.judged_correctly() { "ok " } else { "BAD" };
        let kind = if v.entry.right { "right" } else { "wrong" };
        println!("{mark} lab {lab:02} {kind} {}/{}: {}", v.entry.exercise, v.entry.name, v.outcome.summary);
    }
    let killed = verdicts.iter().filter(|v| !v.entry.right && v.outcome.status != Status::Solved).count();
    println!("lab {lab:02}: {killed} of {wrong} wrong answers rejected");
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
    assert!(misjudged.is_empty(), "the judge misjudged:\n{}", misjudged.join("\n"));
}

#[test]
fn lab_01_judge_rejects_every_wrong_answer_and_accepts_every_right_one() {
    judge_lab(1);
}

#[test]
fn lab_02_judge_rejects_every_wrong_answer_and_accepts_every_right_one() {
    judge_lab(2);
}

#[test]
fn lab_03_judge_rejects_every_wrong_answer_and_accepts_every_right_one() {
    judge_lab(3);
}

#[test]
fn lab_04_judge_rejects_every_wrong_answer_and_accepts_every_right_one() {
    judge_lab(4);
}

#[test]
fn lab_05_judge_rejects_every_wrong_answer_and_accepts_every_right_one() {
    judge_lab(5);
}

#[test]
fn lab_06_judge_rejects_every_wrong_answer_and_accepts_every_right_one() {
    judge_lab(6);
}

// ---------------------------------------------------------------------------
// Each exercise is judged in a process of its own, under a time limit
// ---------------------------------------------------------------------------

mod isolation {
    use racelab::course::Status;
    use racelab::exercise::lost_update::{Answers, SUITE, solution};
    use std::time::{Duration, Instant};

    fn spins_forever(_iters: u64) -> u64 {
        loop {
            std::hint::spin_loop();
        }
    }

    fn aborts(_reports: &[u64]) -> u64 {
        std::process::abort()
    }

    fn with_real(edit: impl FnOnce(&mut racelab::labs::real::lost_update::Fixes)) -> Answers {
        let mut learner = solution(None);
        edit(&mut learner.real);
        learner
    }

    #[test]
    fn an_endless_loop_is_stopped_and_named_with_its_stage() {
        let started = Instant::now();
        let outcome = SUITE.judge_within(
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
    fn an_abort_is_reported_not_fatal() {
        let outcome =
            SUITE.judge("process", "isolation::an_abort_is_reported_not_fatal", || with_real(|f| f.combine = aborts));
        assert_eq!(outcome.status, Status::Failing);
        assert!(outcome.inconclusive);
        assert!(outcome.summary.contains("aborted (SIGABRT)"), "{}", outcome.summary);
    }

    #[test]
    fn a_right_answer_is_judged_the_same_in_its_own_process() {
        let outcome =
            SUITE.judge("mutex", "isolation::a_right_answer_is_judged_the_same_in_its_own_process", || solution(None));
        assert_eq!(outcome.status, Status::Solved, "{}", outcome.summary);
        assert!(!outcome.inconclusive);
    }
}
