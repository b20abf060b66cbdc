//! The `racelab` binary, run for real: what a learner types and what they see.

mod common;

use serde_json::Value;
use std::process::{Command, Output};

fn racelab(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_racelab")).args(args).output().expect("racelab runs")
}

fn stdout(output: &Output) -> String {
    String::from_utf8_lossy(&output.stdout).into_owned()
}

fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

fn json(output: &Output) -> Value {
    serde_json::from_slice(&output.stdout)
        .unwrap_or_else(|e| panic!("one JSON document on stdout ({e}):\n{}", stdout(output)))
}

/// A clean failure: non-zero exit, nothing on stdout, one line on stderr, no panic.
fn assert_clean_error(args: &[&str], needle: &str) {
    let out = racelab(args);
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(2), "racelab {args:?} exits 2; stderr: {err}");
    assert_eq!(stdout(&out), "", "racelab {args:?} prints nothing on stdout");
    assert_eq!(err.trim_end().lines().count(), 1, "one line: {err}");
    assert!(err.starts_with("error: ") && err.contains(needle), "racelab {args:?}: {err}");
    assert!(!err.contains("panicked"), "{err}");
}

#[test]
fn welcome_lists_the_labs_and_the_next_command() {
    // In a fresh course folder: the learner's own progress in this one must not change the answer.
    let dir = tempfile::tempdir().expect("temp dir");
    common::course_skeleton(dir.path());
    let out = Command::new(env!("CARGO_BIN_EXE_racelab")).current_dir(dir.path()).output().expect("racelab runs");
    assert!(out.status.success());
    let text = stdout(&out);
    assert!(text.contains("01  The lost update"), "{text}");
    assert!(text.contains("cargo run -- show 1"), "{text}");
    // Every command it prints works when typed as printed in a fresh clone.
    assert!(
        !text.contains("`racelab ") && !text.contains("  racelab "),
        "commands are printed as `cargo run -- …`:\n{text}"
    );
}

#[test]
fn list_shows_every_variant_with_its_role() {
    let text = stdout(&racelab(&["list"]));
    for needle in ["racy", "mutex", "parking_lot", "atomic", "process", "unsafe_cell", "wrong fix"] {
        assert!(text.contains(needle), "`{needle}` missing from:\n{text}");
    }
}

#[test]
fn show_prints_the_lesson() {
    let text = stdout(&racelab(&["show", "01"]));
    assert!(text.starts_with("# Lab 01"), "{text}");
    assert!(text.contains("cargo test --test lab_"), "the lesson gives its test command: {text}");
}

#[test]
fn check_json_carries_the_contracted_fields() {
    let out = racelab(&["check", "1", "--variant", "racy", "--threads", "2", "--iters", "1", "--json"]);
    assert_eq!(out.status.code(), Some(1), "a failing verdict exits 1");
    let doc = json(&out);
    assert_eq!(doc["lab"], 1);
    assert_eq!(doc["variant"], "racy");
    assert_eq!(doc["threads"], 2);
    assert_eq!(doc["iters"], 1);
    assert_eq!(doc["executions"], 30);
    assert_eq!(doc["verdict"], "fail");
    assert_eq!(doc["outcomes"], serde_json::json!({"1": 24, "2": 6}));
    let schedule = doc["schedule"].as_object().expect("a schedule on failure");
    let steps = schedule["steps"].as_array().expect("steps");
    assert!(steps.iter().all(|s| s["step"].is_u64() && s["thread"].is_string() && s["operation"].is_string()));
}

#[test]
fn check_json_of_a_fix_passes_with_one_outcome() {
    let out = racelab(&["check", "1", "--variant", "atomic", "--threads", "3", "--iters", "1", "--json"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let doc = json(&out);
    assert_eq!(doc["verdict"], "pass");
    assert_eq!(doc["outcomes"], serde_json::json!({"3": 414}));
    assert!(doc.get("schedule").is_none());
}

#[test]
fn check_text_prints_outcomes_and_the_failing_schedule() {
    let text = stdout(&racelab(&["check", "1", "--variant", "racy", "--threads", "2", "--iters", "1"]));
    assert!(text.contains("verdict: FAIL"), "{text}");
    assert!(text.contains("reachable outcomes (final state"), "{text}");
    assert!(text.contains("step  thread  operation"), "{text}");
    assert!(text.contains("→ final 1, expected 2 (1 update lost)"), "{text}");
}

#[test]
fn run_json_reports_expected_observed_and_lost() {
    let out = racelab(&["run", "1", "--variant", "mutex", "--threads", "3", "--iters", "1000", "--json"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let doc = json(&out);
    for key in ["lab", "variant", "threads", "iters", "expected", "observed", "lost", "trials", "seconds"] {
        assert!(doc.get(key).is_some(), "`{key}` missing from {doc}");
    }
    assert_eq!(doc["expected"], 3000);
    assert_eq!(doc["observed"], 3000);
    assert_eq!(doc["lost"], 0);
}

#[test]
fn run_racy_reports_honestly_either_way() {
    let out = racelab(&["run", "1", "--json"]);
    assert!(out.status.success());
    let doc = json(&out);
    let (expected, observed, lost) =
        (doc["expected"].as_u64().unwrap(), doc["observed"].as_u64().unwrap(), doc["lost"].as_u64().unwrap());
    assert_eq!(expected, 2_000_000);
    assert_eq!(lost, expected - observed);
    let text = stdout(&racelab(&["run", "1", "--trials", "1", "--iters", "10"]));
    assert!(text.contains("Wrong in the one trial") || text.contains("Right in the one trial"), "{text}");
}

#[test]
fn run_process_counts_in_worker_processes() {
    let out = racelab(&["run", "1", "--variant", "process", "--threads", "4", "--iters", "2500", "--json"]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(json(&out)["observed"], 10_000);
}

#[test]
fn bench_reports_a_median_and_a_ratio_per_variant() {
    let out = racelab(&["bench", "1", "--threads", "1,2", "--iters", "1000", "--trials", "3", "--json"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let doc = json(&out);
    assert_eq!(doc["threads"], serde_json::json!([1, 2]));
    let rows = doc["rows"].as_array().expect("rows");
    let names: Vec<&str> = rows.iter().filter_map(|r| r["variant"].as_str()).collect();
    assert_eq!(names, ["racy", "mutex", "parking_lot", "atomic", "process"]);
    for row in rows.iter().skip(1) {
        let points = row["points"].as_array().expect("points");
        assert_eq!(points.len(), 2, "one point per thread count: {row}");
        for p in points {
            assert_eq!(p["exact_trials"], 3, "every fix is exact: {row}");
            let t = &p["throughput"];
            let (min, median, max) =
                (t["min"].as_f64().unwrap(), t["median"].as_f64().unwrap(), t["max"].as_f64().unwrap());
            assert!(0.0 < min && min <= median && median <= max, "a spread: {t}");
            assert!(p["vs_baseline"].as_f64().unwrap() > 0.0);
        }
        assert_eq!(points[0]["scaling"], 1.0, "scaling is against the first thread count");
    }
}

#[test]
fn bench_draws_an_svg_plot_and_prints_spread_and_ratios() {
    let dir = tempfile::tempdir().expect("a temp dir");
    let svg = dir.path().join("bench.svg");
    let svg_arg = svg.to_string_lossy().to_string();
    let out = racelab(&["bench", "6", "--threads", "1,2", "--iters", "2000", "--trials", "2", "--plot", &svg_arg]);
    assert!(out.status.success(), "{}", stderr(&out));
    let text = String::from_utf8_lossy(&out.stdout);
    for needed in ["median (min–max)", "Scaling:", "Against `atomic`", "sharded", "false_shared", "thread_local"] {
        assert!(text.contains(needed), "{needed}: {text}");
    }
    assert!(!text.contains(" 0.0 "), "no ratio is printed as 0.0: {text}");
    let drawn = std::fs::read_to_string(&svg).expect("the plot was written");
    assert!(drawn.starts_with("<svg") && drawn.contains("sharded") && drawn.contains("<polyline"), "{drawn}");
}

#[test]
fn bad_input_gets_one_clean_line_and_a_nonzero_exit() {
    assert_clean_error(&["show", "17"], "no lab `17`");
    assert_clean_error(&["run", "seventeen"], "no lab `seventeen`");
    assert_clean_error(&["run", "1", "--variant", "lockfree"], "no variant `lockfree`");
    assert_clean_error(&["run", "1", "--threads", "0"], "--threads must be between 1 and");
    assert_clean_error(&["run", "1", "--threads", "100000"], "--threads must be between 1 and");
    assert_clean_error(&["show"], "not provided: <LAB>");
    assert_clean_error(&["bench", "1", "--timeout", "3"], "--timeout is the time limit of --yours");
    assert_clean_error(&["run", "1", "--iters", "100000000000"], "too many");
    assert_clean_error(&["run", "1", "--trials", "0"], "--trials must be between 1 and 10000 (got 0)");
    assert_clean_error(&["run", "1", "--variant", "unsafe_cell"], "runs only under loom");
    assert_clean_error(&["check", "1", "--threads", "0"], "--threads must be between 1 and 3 for `racy`");
    assert_clean_error(&["check", "1", "--threads", "9"], "--threads must be between 1 and 3 for `racy`");
    assert_clean_error(&["check", "1", "--threads", "3", "--iters", "5"], "too large");
    assert_clean_error(&["check", "1", "--timeout=-1"], "--timeout must be a positive");
    assert_clean_error(&["run", "1", "--threads", "many"], "invalid value 'many'");
    assert_clean_error(&["run", "1", "--threads", "-3"], "unexpected argument '-3'");
    assert_clean_error(&["frobnicate"], "unrecognized subcommand");
}

#[test]
fn loom_log_goes_to_stderr_and_json_stays_one_document() {
    let out = Command::new(env!("CARGO_BIN_EXE_racelab"))
        .args(["check", "1", "--variant", "racy", "--threads", "2", "--iters", "1", "--json"])
        .env("LOOM_LOG", "info")
        .output()
        .expect("racelab runs");
    assert_eq!(json(&out)["verdict"], "fail");
    assert!(stderr(&out).contains("loom"), "loom's log is on stderr:\n{}", stderr(&out));
}

#[test]
fn check_random_json_is_one_document() {
    let out = racelab(&["check", "1", "--random", "--json"]);
    assert_eq!(out.status.code(), Some(1), "a failing verdict exits 1");
    let doc = json(&out);
    assert_eq!(
        (doc["lab"].clone(), doc["variant"].clone(), doc["verdict"].clone()),
        (1.into(), "racy".into(), "fail".into())
    );
    assert_eq!(doc["exhaustive"], false);
    assert!(doc["outcomes"].as_object().is_some_and(|o| !o.is_empty()), "{doc}");
    assert!(doc["schedule"]["steps"].as_array().is_some_and(|s| !s.is_empty()), "{doc}");
    let out = racelab(&["check", "1", "--variant", "mutex", "--random", "--iterations", "50", "--json"]);
    assert_eq!(out.status.code(), Some(0));
    let doc = json(&out);
    assert_eq!((doc["verdict"].clone(), doc["executions"].clone()), ("pass".into(), 50.into()));
    assert_eq!(doc["outcomes"], serde_json::json!({"4": 50}));
}

#[test]
fn a_loom_limit_set_in_the_environment_is_named() {
    let out = Command::new(env!("CARGO_BIN_EXE_racelab"))
        .args(["check", "1"])
        .env("LOOM_MAX_BRANCHES", "10")
        .output()
        .expect("racelab runs");
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(2), "{err}");
    assert!(err.contains("LOOM_MAX_BRANCHES=10") && err.contains("unset LOOM_MAX_BRANCHES"), "{err}");
    assert!(!err.contains("a loop that waits"), "the lab's loop is not to blame: {err}");
}

#[test]
fn one_thread_and_one_trial_are_singular() {
    let text = stdout(&racelab(&["run", "1", "--variant", "atomic", "--threads", "1", "--iters", "10"]));
    assert!(text.contains("· 1 thread × 10 increments"), "{text}");
    assert!(text.contains("Exact in the one trial, as a fix must be."), "{text}");
    let text =
        stdout(&racelab(&["run", "1", "--variant", "atomic", "--threads", "2", "--iters", "10", "--trials", "2"]));
    assert!(text.contains("· 2 threads × 10 increments") && text.contains("Exact in all 2 trials"), "{text}");
}

#[test]
fn check_html_says_where_it_wrote_the_page() {
    let dir = tempfile::tempdir().expect("temp dir");
    let page = dir.path().join("check.html");
    let path = page.to_str().expect("a path");
    let out = racelab(&["check", "1", "--html", path]);
    assert!(page.exists());
    assert!(stdout(&out).ends_with(&format!("The report is drawn in {path}.\n")), "{}", stdout(&out));
    let out = racelab(&["check", "1", "--html", path, "--json"]);
    assert_eq!(json(&out)["lab"], 1);
    assert_eq!(stderr(&out), format!("The report is drawn in {path}.\n"));
}

#[test]
fn every_limit_names_itself() {
    assert_clean_error(&["check", "1", "--preemption-bound", "256"], "256 is not in 0..=255");
    assert_clean_error(
        &["check", "1", "--iters", "18446744073709551615", "--preemption-bound", "0"],
        "--iters must be at most 10000",
    );
    assert_clean_error(&["run", "1", "--iters", "0"], "there is nothing to race");
    assert_clean_error(&["run", "1", "--trials", "10001"], "--trials must be between 1 and 10000");
    assert_clean_error(&["bench", "1", "--trials", "10001"], "--trials must be between 1 and 10000");
    assert_clean_error(&["run", "1", "--budget", "601"], "--budget must be at most 600 seconds");
    assert_clean_error(&["run", "1", "--timeout", "3601"], "--timeout must be at most 3600 seconds");
    assert_clean_error(&["check", "1", "--timeout", "1e300"], "--timeout must be at most 3600 seconds");
    // Checked as the command line is read, before any path computes with them (`--yours` did).
    for flag in ["1e300", "inf", "NaN"] {
        let args = ["run", "1", "--yours", "--variant", "mutex", "--budget", flag];
        assert_clean_error(&args, "--budget must be");
    }
    assert_clean_error(
        &["run", "1", "--yours", "--variant", "process", "--timeout", "inf"],
        "--timeout must be at most",
    );
    assert_clean_error(&["verify", "1", "--timeout", "inf"], "--timeout must be at most");
    assert_clean_error(&["run", "1", "--variant", "process", "--threads", "65"], "between 1 and 64 for `process`");
    assert_clean_error(&["run", "1", "--threads", "1025"], "--threads must be between 1 and 1024");
    assert_clean_error(&["bench", "1", "--threads", "65"], "between 1 and 64 for bench");
    assert_clean_error(&["bench", "1", "--threads", "1,0"], "between 1 and 64 for bench");
    assert_clean_error(&["bench", "1", "--plot", "out.png"], "--plot writes SVG");
    assert_clean_error(&["bench", "6", "--baseline", "wrong_publish_store"], "--baseline must be");
    assert_clean_error(&["bench", "7", "--plot", "gil.svg"], "bench 7 prints tables");
    assert_clean_error(&["bench", "7", "--baseline", "racy"], "bench 7 prints tables");
    assert_clean_error(&["worker", "1", "18446744073709551615"], "numbers must be at most 10000000000");
}

#[test]
fn a_worker_that_dies_is_named_and_no_total_is_printed() {
    assert_clean_error(&["run", "1", "--variant", "process", "--threads", "3", "--fault", "crash"], "worker 3");
    assert_clean_error(
        &["run", "1", "--variant", "process", "--fault", "hang", "--timeout", "0.5"],
        "did not report within",
    );
    assert_clean_error(&["run", "1", "--variant", "process", "--fault", "garbage"], r#"got "hello, parent\n""#);
}

#[test]
fn check_gives_up_with_a_clear_error_when_out_of_time() {
    let out = racelab(&["check", "1", "--threads", "2", "--iters", "3", "--timeout", "0.05"]);
    assert_eq!(out.status.code(), Some(2));
    let err = stderr(&out);
    assert!(err.starts_with("error: loom did not finish"), "{err}");
    assert_eq!(err.trim_end().lines().count(), 1, "{err}");
}
