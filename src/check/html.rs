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
//! let lab = labs::find("1").unwrap();
//! let report = explore(&Model::new(lab, "racy", 2, 1)).unwrap();
//! let page = html::page(&report, lab.decoder());
//! assert!(page.starts_with("<!DOCTYPE html>"));
//! assert!(page.contains("overwrites T2"));
//! // What each thread keeps to itself: both read 0 before either writes.
//! assert!(page.contains("T1 read 0 · T2 read 0"));
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
table.lanes td.step { color: #888; text-align: right; min-width: 2em; }
.op { background: #eef4ff; border: 1px solid #9bb7e8; border-radius: 4px; padding: .2em .4em; }
.op.marked { background: #ffecec; border-color: #d9534f; }
.at { color: #666; font: 12px monospace; }
.note { color: #b00020; font-size: 13px; }
.state { color: #555; font: 12px monospace; }
.private { color: #7a3e9d; font: 12px monospace; }
.bar { background: #9bb7e8; height: 1em; display: inline-block; vertical-align: middle; }
.bar.wrong { background: #e8a09b; }
table.outcomes td { padding: .15em .6em; font-family: monospace; }
";

/// What one page shows: a title, a line on how the execution was found, its lanes, its end.
struct Page<'a> {
    title: String,
    /// How the execution was found (`loom explored 30 executions (every interleaving)`).
    found: String,
    passed: bool,
    expected: &'a str,
    /// The heading above the lanes.
    heading: &'a str,
    steps: &'a [crate::trace::Step],
    /// How the lab shows the values of its `atomic` (for the threads' private copies).
    decode: Option<fn(u64) -> String>,
    /// The final state, when the execution ended (not on a deadlock).
    ends: Option<String>,
    /// Why it is wrong (or `right`).
    message: &'a str,
    replay: Option<&'a str>,
    /// Every outcome with its count, and the wrong ones (a loom report; one stepped run has none).
    outcomes: Option<(&'a std::collections::BTreeMap<State, u64>, &'a [State])>,
    /// The command that makes such a page.
    made_by: &'a str,
}

/// The report as one HTML page; `decode` is the lab's [`decoder`](crate::lab::Lab::decoder).
pub fn page(report: &Report, decode: Option<fn(u64) -> String>) -> String {
    let scope = if report.exhaustive {
        "every interleaving".to_string()
    } else if report.bounded_by.is_empty() {
        // loom stops at a deadlock or a data race: the outcomes are those seen before it.
        "interleavings until the first failure, which stopped the search".to_string()
    } else {
        format!("bounded by {}", report.bounded_by.join(", "))
    };
    let failure = report.failure.as_ref();
    let ends = failure.and_then(|f| f.state.as_ref()).map(State::to_string);
    render(&Page {
        title: format!("lab {:02} · {} · {} × {}", report.lab, report.variant, report.threads, report.iters),
        found: format!("loom explored {} executions ({scope})", report.executions),
        passed: report.passed(),
        expected: &report.expected,
        heading: "The clearest failing execution",
        steps: failure.map_or(&[][..], |f| &f.schedule.steps[..]),
        decode,
        ends,
        message: failure.map_or("", |f| f.message.as_str()),
        replay: report.replay.as_deref(),
        outcomes: Some((&report.outcomes, &report.failing_states)),
        made_by: "cargo run -- check … --html FILE",
    })
}

/// One stepped (or replayed) execution as the same kind of page: `cargo run -- step … --html FILE`.
pub fn stepped(stepping: &crate::stepper::Stepping, ending: &crate::stepper::Ending) -> String {
    let lab = stepping.lab;
    let schedule = super::Schedule::from_events_decoded(&ending.events, lab.card().names, lab.decoder());
    let expected = lab.spec(&stepping.case);
    let message = match &ending.verdict {
        Ok(()) => "right".to_string(),
        Err(why) => why.clone(),
    };
    let replay = stepping.command(&ending.moves);
    let how = if ending.stopped { "stopped before the end" } else { "to the end" };
    render(&Page {
        title: format!("lab {:02} · {} · {}", lab.number(), stepping.variant, lab.describe(&stepping.case)),
        found: format!(
            "one execution, {} moves chosen by the scheduler (you), {how}; shuttle's threads: every load reads the latest store",
            ending.moves.len()
        ),
        passed: ending.verdict.is_ok(),
        expected: &expected,
        heading: "The execution",
        steps: &schedule.steps,
        decode: lab.decoder(),
        ends: ending.state.as_ref().map(State::to_string),
        message: &message,
        replay: Some(&replay).filter(|_| !ending.moves.is_empty()).map(String::as_str),
        outcomes: None,
        made_by: "cargo run -- step … --html FILE",
    })
}

fn render(page: &Page) -> String {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>{}</title><style>{STYLE}</style></head><body>",
        escape(&page.title)
    );
    let verdict = if page.passed { ("verdict-pass", "PASS") } else { ("verdict-fail", "FAIL") };
    let _ = writeln!(
        out,
        "<h1>{}</h1>\n<p>{}; verdict: <span class=\"{}\">{}</span>; right: <code>{}</code></p>",
        escape(&page.title),
        escape(&page.found),
        verdict.0,
        verdict.1,
        escape(page.expected)
    );
    if !page.steps.is_empty() {
        lanes(&mut out, page.heading, page.steps, page.decode, &waits_in(page.message));
        match &page.ends {
            Some(state) => {
                let _ = writeln!(
                    out,
                    "<p>Ends <code>{}</code>, expected <code>{}</code>: <strong>{}</strong></p>",
                    escape(state),
                    escape(page.expected),
                    escape(page.message)
                );
            }
            None => {
                let _ = writeln!(
                    out,
                    "<p>Never ends (expected <code>{}</code>): <strong class=\"verdict-fail\">{}</strong></p>",
                    escape(page.expected),
                    escape(page.message)
                );
            }
        }
        if let Some(replay) = page.replay {
            let _ = writeln!(out, "<p>Step through it yourself: <code>{}</code></p>", escape(replay));
        }
    }
    if let Some((outcomes, failing)) = page.outcomes.filter(|(o, _)| !o.is_empty()) {
        let heading = if page.found.contains("stopped the search") {
            "Outcomes seen before the search stopped"
        } else {
            "Reachable outcomes"
        };
        histogram(&mut out, heading, outcomes, failing);
    }
    let _ = writeln!(out, "<p class=\"state\">made by racelab (`{}`)</p>\n</body></html>", escape(page.made_by));
    out
}

/// The threads a deadlock left waiting, each with what it waits for, from the verdict
/// (`deadlock: every thread is blocked — T2 waits at … to send: …; main waits at … for T2 to
/// finish (join)`): both sides of the cycle, for the lanes' last row.
fn waits_in(message: &str) -> Vec<(String, String, String)> {
    let Some((_, parts)) =
        ["thread", "task"].iter().find_map(|unit| message.split_once(&format!("deadlock: every {unit} is blocked — ")))
    else {
        return Vec::new();
    };
    parts
        .split("; ")
        .filter_map(|part| {
            let (thread, rest) = part.split_once(" waits")?;
            // `… waits at file:line for …`: the line apart, as the other cells show it.
            let (at, what) = match rest.strip_prefix(" at ").and_then(|r| r.split_once(' ')) {
                Some((at, what)) => (at.to_string(), what.to_string()),
                None => (String::new(), rest.trim_start().to_string()),
            };
            Some((thread.to_string(), format!("waits {what}"), at))
        })
        .filter(|(thread, _, _)| !thread.contains(' '))
        .collect()
}

/// A lane per thread, a row per step, the shared memory beside it and what each thread
/// keeps to itself (the value it read and will write back); after a deadlock, a last row
/// with what each waiting thread waits for.
fn lanes(
    out: &mut String,
    heading: &str,
    steps: &[crate::trace::Step],
    decode: Option<fn(u64) -> String>,
    waits: &[(String, String, String)],
) {
    let mut threads: Vec<&str> = Vec::new();
    for step in steps {
        if !threads.contains(&step.thread.as_str()) {
            threads.push(&step.thread);
        }
    }
    for (thread, _, _) in waits {
        if !threads.contains(&thread.as_str()) {
            threads.push(thread);
        }
    }
    let _ = write!(out, "<h2>{}</h2>\n<table class=\"lanes\"><tr><th>step</th>", escape(heading));
    for thread in &threads {
        let _ = write!(out, "<th>{}</th>", escape(thread));
    }
    out.push_str("<th>shared memory after the step</th><th>each thread's private copy</th></tr>\n");
    let private = crate::trace::private_values(steps, decode);
    let mut memory: Vec<(String, String)> = Vec::new();
    let mut channels: Vec<Channel> = Vec::new();
    for (i, step) in steps.iter().enumerate() {
        let now = match (step.wrote, step.read) {
            (Some(v), _) | (None, Some(v)) => Some(v.to_string()),
            _ => {
                let inside = |prefix: &str| step.operation.strip_prefix(prefix).map(|r| r.trim_end_matches(')'));
                if let Some(value) = inside("lock (holds ") {
                    Some(format!("{value}, held by {}", step.thread))
                } else if let Some(value) = inside("unlock (leaves ") {
                    Some(format!("{value}, free"))
                } else {
                    if !channels.iter().any(|c| c.object == step.object) {
                        channels.push(Channel { object: step.object.clone(), ..Channel::default() });
                    }
                    channels.iter_mut().find(|c| c.object == step.object).and_then(|c| c.after(&step.operation))
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
        let kept = private.get(i).map_or("", String::as_str);
        let _ = writeln!(
            out,
            "<td class=\"state\">{}</td><td class=\"private\">{}</td></tr>",
            escape(&shown.join(" · ")),
            escape(kept)
        );
    }
    if !waits.is_empty() {
        out.push_str("<tr><td class=\"step\">stuck</td>");
        for thread in &threads {
            match waits.iter().find(|(t, _, _)| t == thread) {
                Some((_, what, at)) => {
                    let _ = write!(
                        out,
                        "<td><span class=\"op marked\">{}</span><div class=\"at\">{}</div></td>",
                        escape(what),
                        escape(at)
                    );
                }
                None => out.push_str("<td></td>"),
            }
        }
        out.push_str("<td class=\"state\">every thread waits: nothing can move</td><td></td></tr>\n");
    }
    out.push_str("</table>\n");
}

/// A channel as its steps leave it: the messages in it, the senders left, whether it is full.
#[derive(Default)]
struct Channel {
    object: String,
    messages: Vec<String>,
    senders: Option<String>,
    receiver_gone: bool,
    full: bool,
}

impl Channel {
    /// The channel after `operation` (`send 1`, `recv → 1`, `drop sender (1 left)`, `blocked:
    /// channel full`), in words; `None` when the operation is not a channel's.
    fn after(&mut self, operation: &str) -> Option<String> {
        if let Some(msg) = operation.strip_prefix("send ").filter(|m| !m.ends_with("failed: no receiver")) {
            self.messages.push(msg.to_string());
        } else if let Some(msg) = operation.strip_prefix("recv → ") {
            if let Some(i) = self.messages.iter().position(|m| m == msg) {
                self.messages.remove(i);
            }
            self.full = false;
        } else if operation == "drop sender (the last: disconnected)" {
            self.senders = Some("no sender left".to_string());
        } else if let Some(left) = operation.strip_prefix("drop sender (").and_then(|r| r.strip_suffix(" left)")) {
            self.senders = Some(format!("{left} sender{} left", if left == "1" { "" } else { "s" }));
        } else if operation == "drop receiver" {
            self.receiver_gone = true;
        } else if operation == "blocked: channel full" {
            self.full = true;
        } else if !operation.starts_with("blocked: ")
            && !operation.starts_with("recv: ")
            && !operation.starts_with("try_recv")
        {
            return None;
        }
        let mut said = vec![if self.messages.is_empty() {
            "empty".to_string()
        } else {
            format!("holds [{}]{}", self.messages.join(", "), if self.full { " (full)" } else { "" })
        }];
        said.extend(self.senders.clone());
        if self.receiver_gone {
            said.push("no receiver".to_string());
        }
        Some(said.join(", "))
    }
}

/// The outcome histogram: every final state, its count, a bar.
fn histogram(out: &mut String, heading: &str, outcomes: &std::collections::BTreeMap<State, u64>, failing: &[State]) {
    let total: u64 = outcomes.values().sum();
    let _ = writeln!(
        out,
        "<h2>{heading}</h2>\n<p class=\"state\">executions of loom's model that end in each state — counts of model executions, not likelihoods on hardware</p>\n<table class=\"outcomes\">"
    );
    for (state, count) in outcomes {
        let wrong = failing.contains(state);
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
