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
