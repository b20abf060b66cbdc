//! One self-contained HTML page of a loom check: a lane per thread, every
//! operation a box at its step (value and source line), the marks (lost
//! updates, stale reads) in red, and the outcome histogram — readable in any
//! browser without racelab.
//!
//! `cargo run -- check 1 --variant racy --html racy.html`
//!
//! # Examples
//!
//! ```
//! use racelab::check::{Model, explore, html};
//! use racelab::labs;
//!
//! let report = explore(&Model::new(labs::find("1").unwrap(), "racy", 2, 1)).unwrap();
//! let page = html::page(&report);
//! assert!(page.starts_with("<!DOCTYPE html>"));
//! assert!(page.contains("overwrites T2"));
//! ```

use super::{Report, State};
use std::fmt::Write as _;

/// `<`, `>`, `&` and `"` made safe for HTML text and attributes.
fn escape(text: &str) -> String {
    text.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;").replace('"', "&quot;")
}

const STYLE: &str = "
body { font: 15px/1.4 system-ui, sans-serif; margin: 2em; color: #222; }
h1 { font-size: 1.3em; } h2 { font-size: 1.1em; margin-top: 2em; }
.verdict-fail { color: #b00020; font-weight: bold; } .verdict-pass { color: #1b7d2b; font-weight: bold; }
table.lanes { border-collapse: collapse; }
table.lanes th { background: #f0f0f0; padding: .4em 1em; border: 1px solid #ccc; }
table.lanes td { border: 1px solid #e4e4e4; padding: .25em .5em; vertical-align: top; min-width: 14em; }
td.step { color: #888; text-align: right; min-width: 2em; }
.op { background: #eef4ff; border: 1px solid #9bb7e8; border-radius: 4px; padding: .2em .4em; }
.op.marked { background: #ffecec; border-color: #d9534f; }
.at { color: #666; font: 12px monospace; }
.note { color: #b00020; font-size: 13px; }
.state { color: #555; font: 12px monospace; }
.bar { background: #9bb7e8; height: 1em; display: inline-block; vertical-align: middle; }
.bar.wrong { background: #e8a09b; }
table.outcomes td { padding: .15em .6em; font-family: monospace; }
";

/// The report as one HTML page.
pub fn page(report: &Report) -> String {
    let mut out = String::new();
    let title = format!("lab {:02} · {} · {} × {}", report.lab, report.variant, report.threads, report.iters);
    let _ = writeln!(
        out,
        "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>{}</title><style>{STYLE}</style></head><body>",
        escape(&title)
    );
    let verdict = if report.passed() { ("verdict-pass", "PASS") } else { ("verdict-fail", "FAIL") };
    let scope = if report.exhaustive {
        "every interleaving".to_string()
    } else {
        format!("bounded by {}", report.bounded_by.join(", "))
    };
    let _ = writeln!(
        out,
        "<h1>{}</h1>\n<p>loom explored {} executions ({}); verdict: <span class=\"{}\">{}</span>; right: <code>{}</code></p>",
        escape(&title),
        report.executions,
        escape(&scope),
        verdict.0,
        verdict.1,
        escape(&report.expected)
    );
    if let Some(failure) = &report.failure {
        let steps = &failure.schedule.steps;
        let mut threads: Vec<&str> = Vec::new();
        for step in steps {
            if !threads.contains(&step.thread.as_str()) {
                threads.push(&step.thread);
            }
        }
        let _ = write!(out, "<h2>The clearest failing execution</h2>\n<table class=\"lanes\"><tr><th>step</th>");
        for thread in &threads {
            let _ = write!(out, "<th>{}</th>", escape(thread));
        }
        out.push_str("<th>shared memory after the step</th></tr>\n");
        let mut memory: Vec<(String, String)> = Vec::new();
        for step in steps {
            let now = match (step.wrote, step.read) {
                (Some(v), _) | (None, Some(v)) => Some(v.to_string()),
                _ => {
                    let inside = |prefix: &str| step.operation.strip_prefix(prefix).map(|r| r.trim_end_matches(')'));
                    if let Some(value) = inside("lock (holds ") {
                        Some(format!("{value}, held by {}", step.thread))
                    } else {
                        inside("unlock (leaves ").map(|value| format!("{value}, free"))
                    }
                }
            };
            if let Some(now) = now {
                match memory.iter_mut().find(|(object, _)| *object == step.object) {
                    Some(entry) => entry.1 = now,
                    None => memory.push((step.object.clone(), now)),
                }
            }
            let _ = write!(out, "<tr><td class=\"step\">{}</td>", step.step);
            for thread in &threads {
                if *thread == step.thread {
                    let marked = if step.note.is_some() { " marked" } else { "" };
                    let note = step
                        .note
                        .as_deref()
                        .map(|n| format!("<div class=\"note\">← {}</div>", escape(n)))
                        .unwrap_or_default();
                    let object = format!("{} ", escape(&step.object));
                    let _ = write!(
                        out,
                        "<td><span class=\"op{marked}\">{object}{}</span><div class=\"at\">{}</div>{note}</td>",
                        escape(&step.operation),
                        escape(&step.at)
                    );
                } else {
                    out.push_str("<td></td>");
                }
            }
            let shown: Vec<String> = memory.iter().map(|(object, value)| format!("{object}: {value}")).collect();
            let _ = writeln!(out, "<td class=\"state\">{}</td></tr>", escape(&shown.join(" · ")));
        }
        out.push_str("</table>\n");
        let state = failure.state.as_ref().map(State::to_string).unwrap_or_default();
        let _ = writeln!(
            out,
            "<p>Ends <code>{}</code>, expected <code>{}</code>: <strong>{}</strong></p>",
            escape(&state),
            escape(&report.expected),
            escape(&failure.message)
        );
        if let Some(replay) = &report.replay {
            let _ = writeln!(out, "<p>Step through it yourself: <code>{}</code></p>", escape(replay));
        }
    }
    if !report.outcomes.is_empty() {
        let total: u64 = report.outcomes.values().sum();
        let _ = writeln!(
            out,
            "<h2>Reachable outcomes</h2>\n<p class=\"state\">executions of loom's model that end in each state — counts of model executions, not likelihoods on hardware</p>\n<table class=\"outcomes\">"
        );
        for (state, count) in &report.outcomes {
            let wrong = report.failing_states.contains(state);
            let width = (count * 300).div_ceil(total.max(1));
            let _ = writeln!(
                out,
                "<tr><td>{}</td><td>{count}</td><td><span class=\"bar{}\" style=\"width:{width}px\"></span> {}</td></tr>",
                escape(&state.to_string()),
                if wrong { " wrong" } else { "" },
                if wrong { "" } else { "right" }
            );
        }
        out.push_str("</table>\n");
    }
    out.push_str("<p class=\"state\">made by racelab (`cargo run -- check … --html FILE`)</p>\n</body></html>\n");
    out
}
