//! The learner's source file as text: where a function is, its code without
//! comments and strings, and the fingerprint a "solved" is kept for. What the
//! file *means* — which exercise uses what, and what the judge refuses — is
//! read as Rust in [`reading`](super::reading).

use super::reading::Reading;

/// A stable fingerprint of a text (FNV-1a, 64 bits, as hex): `list`
/// compares it to tell a learner which exercise changed since its last verify.
///
/// ```
/// assert_eq!(racelab::judge::fingerprint(""), "cbf29ce484222325");
/// assert_ne!(racelab::judge::fingerprint("a"), racelab::judge::fingerprint("b"));
/// ```
pub fn fingerprint(text: &str) -> String {
    let hash = text.bytes().fold(0xcbf2_9ce4_8422_2325_u64, |h, b| (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3));
    format!("{hash:016x}")
}

/// A source file: its path (as the learner sees it) and its text — compiled
/// in (`Source<'static>`, the judge's) or read at run time (`list`, `verify`).
#[derive(Clone, Copy, Debug)]
pub struct Source<'a> {
    /// Path relative to the repository, e.g. `labs/NN_slug/exercise.rs`.
    pub path: &'a str,
    /// The file's text.
    pub text: &'a str,
}

/// Where `fn name` begins in `code`: `fn`, white space, the name, then `(` or `<`.
fn find_fn(code: &str, name: &str) -> Option<usize> {
    let is_word = |c: char| c.is_alphanumeric() || c == '_';
    code.match_indices("fn").map(|(i, _)| i).find(|&i| {
        let before_ok = !code[..i].chars().next_back().is_some_and(is_word);
        let rest = &code[i + 2..];
        let named = rest.trim_start();
        let spaced = named.len() < rest.len();
        let after = named.strip_prefix(name).map(str::trim_start);
        before_ok && spaced && after.is_some_and(|a| a.starts_with('(') || a.starts_with('<'))
    })
}

/// `text` with every comment (`//`, nested `/* */`) and every string or char
/// literal (`"…"`, `r#"…"#`, `'x'`) blanked to spaces, newlines and byte
/// offsets kept: what is left is code.
///
/// ```
/// let text = "let s = \"// static\"; /* unsafe */ x // sleep\nfn f<'a>(c: char) { '{' }";
/// let code = racelab::judge::code_only(text);
/// assert_eq!(code.len(), text.len());
/// assert_eq!(code, "let s =            ;              x         \nfn f<'a>(c: char) {     }");
/// ```
pub fn code_only(text: &str) -> String {
    let b = text.as_bytes();
    let mut out = b.to_vec();
    let blank = |out: &mut Vec<u8>, from: usize, to: usize| {
        out[from..to.min(b.len())].iter_mut().filter(|c| **c != b'\n').for_each(|c| *c = b' ');
    };
    let ident = |i: usize| i > 0 && (b[i - 1].is_ascii_alphanumeric() || b[i - 1] == b'_');
    let mut i = 0;
    while i < b.len() {
        let end = match b[i] {
            b'/' if b.get(i + 1) == Some(&b'/') => b[i..].iter().position(|&c| c == b'\n').map_or(b.len(), |n| i + n),
            b'/' if b.get(i + 1) == Some(&b'*') => {
                let (mut depth, mut j) = (0usize, i);
                while j < b.len() {
                    if b[j..].starts_with(b"/*") {
                        depth += 1;
                        j += 2;
                    } else if b[j..].starts_with(b"*/") {
                        depth -= 1;
                        j += 2;
                        if depth == 0 {
                            break;
                        }
                    } else {
                        j += 1;
                    }
                }
                j
            }
            b'r' if !ident(i) && matches!(b.get(i + 1), Some(b'"' | b'#')) => {
                let hashes = b[i + 1..].iter().take_while(|&&c| c == b'#').count();
                if b.get(i + 1 + hashes) != Some(&b'"') {
                    i += 1;
                    continue;
                }
                let close: Vec<u8> = std::iter::once(b'"').chain(std::iter::repeat_n(b'#', hashes)).collect();
                let body = i + 2 + hashes;
                b[body..]
                    .windows(close.len())
                    .position(|w| w == close.as_slice())
                    .map_or(b.len(), |n| body + n + close.len())
            }
            b'"' => {
                let mut j = i + 1;
                while j < b.len() && b[j] != b'"' {
                    j += if b[j] == b'\\' { 2 } else { 1 };
                }
                j + 1
            }
            b'\'' => {
                // A char literal ('x', '\n', 'é'), not a lifetime ('a, 'static).
                let width = text[i + 1..].chars().next().map_or(1, char::len_utf8);
                if b.get(i + 1) == Some(&b'\\') {
                    b[i + 2..].iter().position(|&c| c == b'\'').map_or(b.len(), |n| i + 3 + n)
                } else if b.get(i + 1 + width) == Some(&b'\'') {
                    i + 2 + width
                } else {
                    i += 1;
                    continue;
                }
            }
            _ => {
                i += 1;
                continue;
            }
        };
        blank(&mut out, i, end);
        i = end.max(i + 1);
    }
    String::from_utf8(out).unwrap_or_default()
}

/// Where `word` occurs in `code` as a whole word (`'static` is a lifetime, not a `static`).
fn find_word(code: &str, word: &str) -> Option<usize> {
    let is_word = |c: char| c.is_alphanumeric() || c == '_';
    code.match_indices(word).map(|(i, _)| i).find(|&i| {
        let before = code[..i].chars().next_back();
        let after = code[i + word.len()..].chars().next();
        !before.is_some_and(|c| is_word(c) || c == '\'') && !after.is_some_and(is_word)
    })
}

impl<'a> Source<'a> {
    /// The text of `fn name` (from its signature to its closing brace), when
    /// the file has it (`fn name(`, `fn name <T>(`, in code, not in a comment).
    pub fn body_of(&self, function: &str) -> Option<&'a str> {
        let (start, end) = self.span_of(function, &code_only(self.text))?;
        Some(&self.text[start..end])
    }

    /// Byte range of `fn name … }` in `code` (the text with comments and strings blanked).
    fn span_of(&self, function: &str, code: &str) -> Option<(usize, usize)> {
        let start = find_fn(code, function)?;
        let open = start + code[start..].find('{')?;
        let mut depth = 0usize;
        for (i, c) in code[open..].char_indices() {
            match c {
                '{' => depth += 1,
                '}' => {
                    depth -= 1;
                    if depth == 0 {
                        return Some((start, open + i + 1));
                    }
                }
                _ => {}
            }
        }
        None
    }

    /// The file read as Rust: what each exercise's code uses, and what the
    /// judge refuses (see [`reading`](super::reading)).
    pub fn read(&self) -> Reading {
        Reading::of(self.text)
    }

    /// `true` once one of `functions` is written: its body no longer holds a
    /// `todo!()`. An exercise not started is "not attempted", whatever else the file holds.
    ///
    /// ```
    /// use racelab::judge::Source;
    /// let source = Source { path: "x.rs", text: "fn f() {\n    todo!()\n}\nfn g() -> u8 {\n    1\n}\n" };
    /// assert!(!source.attempted(&["f"]));
    /// assert!(source.attempted(&["f", "g"]));
    /// ```
    pub fn attempted(&self, functions: &[&str]) -> bool {
        functions.iter().any(|f| self.body_of(f).is_some_and(|body| !body.contains("todo!(")))
    }

    /// A fingerprint of the code an exercise is judged on: the file without
    /// `others` (the other exercises' functions) and without comments. A
    /// "solved" belongs to this code: editing another exercise or a comment
    /// keeps it, editing this exercise or a helper does not.
    ///
    /// ```
    /// use racelab::judge::Source;
    /// let a = Source { path: "x.rs", text: "fn f() { 1 }\nfn g() { 2 }\n" };
    /// let b = Source { path: "x.rs", text: "fn f() { 1 } // one\nfn g() { 3 }\n" };
    /// assert_eq!(a.fingerprint_without(&["g"]), b.fingerprint_without(&["g"]));
    /// assert_ne!(a.fingerprint_without(&["f"]), b.fingerprint_without(&["f"]));
    /// ```
    pub fn fingerprint_without(&self, others: &[&str]) -> String {
        let code = self.code_without(others);
        let words: Vec<&str> = code.split_whitespace().collect();
        fingerprint(&words.join(" "))
    }

    /// The code with comments, strings and the bodies of `others` blanked out
    /// (byte offsets and line numbers kept) — except the functions of `others`
    /// that the rest still calls: code an exercise calls is that exercise's code.
    pub(crate) fn code_without(&self, others: &[&str]) -> String {
        let code = code_only(self.text);
        let mut left_out: Vec<&str> = others.to_vec();
        loop {
            let mut kept = code.clone().into_bytes();
            for function in &left_out {
                if let Some((start, end)) = self.span_of(function, &code) {
                    kept[start..end].iter_mut().filter(|b| **b != b'\n').for_each(|b| *b = b' ');
                }
            }
            // Only ASCII bytes were replaced, by spaces: still UTF-8.
            let kept = String::from_utf8(kept).unwrap_or_default();
            let before = left_out.len();
            left_out.retain(|function| find_word(&kept, function).is_none());
            if left_out.len() == before {
                return kept;
            }
        }
    }

    /// `path:line` of `fn name`, when the file defines it.
    ///
    /// ```
    /// use racelab::judge::Source;
    /// let source = Source { path: "x.rs", text: "// one\npub fn combine(r: &[u64]) -> u64 {\n" };
    /// assert_eq!(source.line_of("combine").as_deref(), Some("x.rs:2"));
    /// ```
    pub fn line_of(&self, function: &str) -> Option<String> {
        let start = find_fn(&code_only(self.text), function)?;
        Some(format!("{}:{}", self.path, self.text[..start].matches('\n').count() + 1))
    }
}
