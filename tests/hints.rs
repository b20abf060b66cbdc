//! Hints that show code show code that compiles: every statement-like code
//! span in a lab's `info.toml` (one with a `;` or a `{`) must appear, spaces
//! aside, in the lab's `solution.rs` — which the lab's tests compile and
//! check. A hint that drifts from the solution fails here.

use racelab::course;

/// Statement-like spans between backticks.
fn code_spans(hint: &str) -> Vec<String> {
    hint.split('`').skip(1).step_by(2).filter(|s| s.contains(';') || s.contains('{')).map(str::to_string).collect()
}

/// The code without spaces and without `//` comment lines.
fn squeeze(code: &str) -> String {
    let code: Vec<&str> = code.lines().filter(|l| !l.trim_start().starts_with("//")).collect();
    code.join("\n").chars().filter(|c| !c.is_whitespace()).collect()
}

#[test]
fn every_code_hint_is_in_the_compiled_solution() {
    let info = course::info().expect("every lab's info.toml parses");
    let mut checked = 0;
    let mut drifted = Vec::new();
    for lab in &info.labs {
        let path = format!("{}/labs/{}/solution.rs", env!("CARGO_MANIFEST_DIR"), lab.folder);
        let solution = squeeze(&std::fs::read_to_string(&path).expect("a solution"));
        for exercise in &lab.exercises {
            for (layer, hint) in exercise.hints.iter().enumerate() {
                for span in code_spans(hint) {
                    // A hint may show several statements joined by "and" or a `//` aside.
                    for part in span.split(" — ") {
                        checked += 1;
                        if !solution.contains(&squeeze(part)) {
                            drifted.push(format!("lab {} {} hint {}: `{part}`", lab.number, exercise.name, layer + 1));
                        }
                    }
                }
            }
        }
    }
    assert!(checked >= 10, "the hints show code ({checked} spans)");
    assert!(drifted.is_empty(), "hint code not found in solution.rs:\n{}", drifted.join("\n"));
}
