//! The house stays easy to walk: a lab is one folder that only the registry
//! names, the engine names no lab, and no module imports in a circle.
//!
//! ```text
//! cargo test --test layout
//! ```

use racelab::labs::LABS;
use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

const REPO: &str = env!("CARGO_MANIFEST_DIR");

/// Every file of the course that is read as text: Rust, Markdown, TOML and the CI script.
fn files() -> Vec<PathBuf> {
    fn walk(dir: &Path, out: &mut Vec<PathBuf>) {
        let Ok(entries) = std::fs::read_dir(dir) else { return };
        for entry in entries.flatten() {
            let path = entry.path();
            let name = entry.file_name().to_string_lossy().into_owned();
            if name.starts_with('.') && name != ".ci" || name == "target" {
                continue;
            }
            if path.is_dir() {
                walk(&path, out);
            } else if ["rs", "md", "toml"].iter().any(|e| path.extension().is_some_and(|x| x == *e)) || name == "run" {
                out.push(path);
            }
        }
    }
    let mut out = Vec::new();
    walk(Path::new(REPO), &mut out);
    out.sort();
    out
}

fn relative(path: &Path) -> String {
    path.strip_prefix(REPO).unwrap_or(path).to_string_lossy().into_owned()
}

/// The words that name a lab: its folder, its module path, its two test targets.
fn names_of(number: u8, folder: &str, slug: &str) -> Vec<String> {
    vec![folder.to_string(), format!("labs::{slug}"), format!("lab_{number:02}"), format!("exercise_{number:02}")]
}

/// `true` when `word` occurs in `text` not inside a longer identifier.
fn names(text: &str, word: &str) -> bool {
    let is_ident = |c: char| c.is_alphanumeric() || c == '_';
    text.match_indices(word).any(|(i, _)| {
        !text[..i].chars().next_back().is_some_and(is_ident)
            && !text[i + word.len()..].chars().next().is_some_and(is_ident)
    })
}

/// Outside its own folder, a lab is named only by the registry (its line),
/// Cargo.toml (its two test targets) and README.md (the lab index) — and the
/// course's first lab also by `tests/common/mod.rs`, which makes it the
/// fixture of the engine's own tests. No other lab, no engine module, no
/// engine test reaches into it.
#[test]
fn a_lab_is_named_only_in_its_folder_the_registry_cargo_toml_and_the_readme() {
    let mut outside: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    let mut wrong = Vec::new();
    let files: Vec<(String, String)> =
        files().iter().map(|p| (relative(p), std::fs::read_to_string(p).unwrap_or_default())).collect();
    for (i, lab) in LABS.iter().enumerate() {
        let folder = format!("labs/{}/", lab.folder());
        let mut allowed = vec!["src/labs/mod.rs", "Cargo.toml", "README.md"];
        if i == 0 {
            allowed.push("tests/common/mod.rs");
        }
        for (path, text) in &files {
            if path.starts_with(&folder) {
                continue;
            }
            for word in names_of(lab.number(), &lab.folder(), lab.slug()) {
                if names(text, &word) {
                    outside.entry(lab.folder()).or_default().insert(path.clone());
                    if !allowed.contains(&path.as_str()) {
                        wrong.push(format!("{path} names lab {} (`{word}`)", lab.folder()));
                    }
                }
            }
        }
    }
    assert!(
        wrong.is_empty(),
        "only a lab's folder, the registry, Cargo.toml and README.md name it:\n{}",
        wrong.join("\n")
    );
    for (lab, files) in &outside {
        println!("{lab}: named outside its folder by {files:?}");
        assert!(files.len() <= 4, "{lab} is named by {} files outside its folder", files.len());
    }
}

/// The top-level modules of `src/` and the lab folders (`labs/NN_slug`),
/// each with the ones it imports (`crate::x`, `racelab::x`).
fn module_graph() -> BTreeMap<String, BTreeSet<String>> {
    let mut graph: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    let modules: BTreeSet<String> = std::fs::read_dir(Path::new(REPO).join("src"))
        .expect("src")
        .flatten()
        .map(|e| e.file_name().to_string_lossy().trim_end_matches(".rs").to_string())
        .filter(|m| m != "main" && m != "lib")
        .collect();
    let node_of = |path: &str| -> Option<String> {
        let mut parts = path.split('/');
        match (parts.next(), parts.next()) {
            (Some("src"), Some(file)) if file != "lib.rs" && file != "main.rs" => {
                Some(file.trim_end_matches(".rs").to_string())
            }
            (Some("labs"), Some(lab)) if lab.as_bytes().first().is_some_and(u8::is_ascii_digit) => {
                Some(format!("labs/{lab}"))
            }
            _ => None,
        }
    };
    for path in files().iter().filter(|p| p.extension().is_some_and(|e| e == "rs")) {
        let rel = relative(path);
        // A lab's test targets are not modules of the crate.
        if rel.ends_with("tests.rs") {
            continue;
        }
        let Some(node) = node_of(&rel) else { continue };
        let text = std::fs::read_to_string(path).unwrap_or_default();
        // Code only: comments and doc examples may show any path.
        let code: String =
            text.lines().filter(|l| !l.trim_start().starts_with("//")).map(|l| format!("{l}\n")).collect();
        let imports = graph.entry(node.clone()).or_default();
        for prefix in ["crate::", "racelab::"] {
            for (i, _) in code.match_indices(prefix) {
                if code[..i].ends_with('$') {
                    continue;
                }
                let rest = &code[i + prefix.len()..];
                let name: String = rest.chars().take_while(|c| c.is_alphanumeric() || *c == '_').collect();
                let target = if name == "labs" {
                    // `crate::labs::slug::…` reaches into a lab; `crate::labs::find` is the registry.
                    let slug: String = rest["labs::".len().min(rest.len())..]
                        .chars()
                        .take_while(|c| c.is_alphanumeric() || *c == '_')
                        .collect();
                    LABS.iter()
                        .find(|l| l.slug() == slug)
                        .map_or("labs".to_string(), |l| format!("labs/{}", l.folder()))
                } else {
                    name
                };
                if target != node && (modules.contains(&target) || target.starts_with("labs/")) {
                    imports.insert(target);
                }
            }
        }
    }
    // The registry declares every lab.
    graph.entry("labs".to_string()).or_default().extend(LABS.iter().map(|l| format!("labs/{}", l.folder())));
    graph
}

/// A circle in `graph`, if there is one (depth-first search).
fn circle(graph: &BTreeMap<String, BTreeSet<String>>) -> Option<Vec<String>> {
    fn visit(
        node: &str,
        graph: &BTreeMap<String, BTreeSet<String>>,
        path: &mut Vec<String>,
        done: &mut BTreeSet<String>,
    ) -> Option<Vec<String>> {
        if let Some(at) = path.iter().position(|n| n == node) {
            let mut found = path[at..].to_vec();
            found.push(node.to_string());
            return Some(found);
        }
        if done.contains(node) {
            return None;
        }
        path.push(node.to_string());
        for next in graph.get(node).into_iter().flatten() {
            if let Some(found) = visit(next, graph, path, done) {
                return Some(found);
            }
        }
        path.pop();
        done.insert(node.to_string());
        None
    }
    let mut done = BTreeSet::new();
    graph.keys().find_map(|node| visit(node, graph, &mut Vec::new(), &mut done))
}

#[test]
fn the_modules_and_the_labs_import_each_other_in_no_circle() {
    let graph = module_graph();
    for (node, imports) in &graph {
        println!("{node} → {}", imports.iter().cloned().collect::<Vec<_>>().join(", "));
    }
    assert_eq!(circle(&graph), None, "an import circle");
    // The engine never reaches into a lab: only the registry (and `cli`, `course` through it) knows them.
    for (node, imports) in &graph {
        if !node.starts_with("labs") {
            let into: Vec<&String> = imports.iter().filter(|i| i.starts_with("labs/")).collect();
            assert!(into.is_empty(), "{node} reaches into {into:?}: use the registry (`crate::labs`)");
        }
    }
    // No lab reaches into another: what they share is in the engine (`crate::lab`).
    for (node, imports) in graph.iter().filter(|(n, _)| n.starts_with("labs/")) {
        let others: Vec<&String> = imports.iter().filter(|i| i.starts_with("labs/") && *i != node).collect();
        assert!(others.is_empty(), "{node} reaches into {others:?}");
        assert!(!imports.contains("labs"), "{node} uses the registry: a lab does not look up other labs");
    }
}

/// The judge is one room whose files are layered: each uses only files listed
/// after it in `ORDER` (`super::file`), so the stages can be read bottom-up.
#[test]
fn the_judges_files_are_layered() {
    const ORDER: [&str; 18] = [
        "apart",
        "verify",
        "exercises",
        "yours",
        "catalogue",
        "pipeline",
        "isolate",
        "real_stage",
        "loom_stage",
        "spec",
        "contention",
        "sequential",
        "values",
        "source",
        "reading",
        "outcome",
        "channel",
        "mod",
    ];
    let dir = Path::new(REPO).join("src/judge");
    let mut found: Vec<String> = std::fs::read_dir(&dir)
        .expect("src/judge")
        .flatten()
        .map(|e| e.file_name().to_string_lossy().trim_end_matches(".rs").to_string())
        .collect();
    found.sort();
    let mut expected: Vec<String> = ORDER.iter().map(|s| s.to_string()).collect();
    expected.sort();
    assert_eq!(found, expected, "src/judge/ has a file this test does not place");
    for (rank, file) in ORDER.iter().enumerate().filter(|(_, f)| **f != "mod") {
        let text = std::fs::read_to_string(dir.join(format!("{file}.rs"))).expect("a judge file");
        for (later, other) in ORDER.iter().enumerate().take(rank) {
            let uses = text
                .lines()
                .filter(|l| !l.trim_start().starts_with("//"))
                .any(|l| l.contains(&format!("super::{other}")) || l.contains(&format!("judge::{other}::")));
            assert!(!uses, "src/judge/{file}.rs uses {other}.rs, which comes before it (rank {later}): a circle");
        }
    }
}
