//! The learner's exercise file read as Rust (with `syn`): what each exercise's
//! code uses, and what the judge refuses to judge — with the line, the reason
//! and how to rewrite it.
//!
//! An exercise is a few ordinary functions. The judge accepts what such
//! functions can need and refuses the rest:
//!
//! * **Items**: functions, `const`s, types, their `impl`s, `use` of the lab's
//!   swap module (`super::sync::…`, and what the lab puts beside it, as lab
//!   07's `super::Op`) and of std's plain items; a `thread_local!` (the swap
//!   module gives loom its own, so each simulated thread has its own value); a
//!   `static` that holds no state: plain data, or a lock of the lab's own
//!   `Mutex<()>` (loom sees it: the swap module's `Mutex::new` is a `const fn`
//!   whose model lock is made afresh in every execution).
//! * **Paths**: the file's own items, `super::…` (one level: the backend module
//!   the exercise is compiled in), std's plain items ([`std_item`]) and its
//!   prelude. `crate::…`, `super::super::…` and other crates (`racelab`,
//!   `libc`, …) reach into the test program that judges the answer.
//! * **Refused where it is used**: `unsafe`; `std::env`, `fs`, `process`, `os`,
//!   `net`, `io` and other ways out of the program's memory; std's own locks,
//!   atomics, channels and threads (loom cannot see them: the swap module has
//!   each); a clock (`Instant`, `SystemTime`, a time-out); a `static` that
//!   holds state (loom restarts every execution from the start, a static keeps
//!   its value); a macro the judge does not read.
//! * **Refused for the whole file** (no check runs): what acts without being
//!   called — attributes that change linking or testing (`link_section`,
//!   `used`, `no_mangle`, `export_name`, `test`, …), `extern` blocks and
//!   crates, `mod`, macros that read files or the environment while compiling
//!   (`include!`, `include_str!`, `env!`, …) or emit code the judge never sees
//!   (a macro call among the file's items, `global_asm!`).
//!
//! A refusal belongs to the exercises whose functions use it: an item is an
//! exercise's code when one of its functions names it, or names something
//! that does, and so on (the file's items as a graph of the names they use; a
//! type brings its `impl`s). A name is matched as a word, so a helper named
//! like a local variable counts too: the judge refuses too much rather than
//! too little.
//!
//! ```
//! use racelab::judge::Source;
//! let text = "use super::sync::Mutex;\n\
//!             fn helper() -> u64 {\n    std::env::args().count() as u64\n}\n\
//!             pub fn mutex_increment(counter: &Mutex<u64>) {\n    *counter.lock().unwrap() += helper();\n}\n\
//!             pub fn worker(iters: u64) -> u64 {\n    iters\n}\n";
//! let reading = Source { path: "x.rs", text }.read();
//! let refused = reading.refusal_for(&["mutex_increment"]).unwrap();
//! assert_eq!((refused.line, refused.what.as_str()), (3, "`std::env`"));
//! assert_eq!(refused.inside.as_deref(), Some("helper"));
//! assert!(reading.refusal_for(&["worker"]).is_none(), "worker does not call helper");
//! ```

use proc_macro2::{Spacing, Span, TokenStream, TokenTree};
use std::collections::{BTreeMap, BTreeSet};
use syn::spanned::Spanned;
use syn::visit::{self, Visit};

/// Why the judge will not judge some code: where, what, why, and how to rewrite it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Refusal {
    /// The line (1-based) of the file.
    pub line: usize,
    /// What was found, as the learner wrote it: "`std::env`", "`#[link_section]`".
    pub what: String,
    /// Why the judge refuses it.
    pub why: String,
    /// How to rewrite it.
    pub instead: String,
    /// `true` when it acts on the whole test program without being called
    /// (or the file cannot be read): no check runs, for any exercise.
    pub whole_file: bool,
    /// The item it is in (a helper, say), when that is not an exercise's own function.
    pub inside: Option<String>,
    /// `true` when what was found is a mistake the reading sees for certain (a
    /// blocking sleep in async code): the exercise is "failing", not "refused".
    pub mistake: bool,
}

impl Refusal {
    fn new(span: Span, what: impl Into<String>, (why, instead): (&str, &str)) -> Refusal {
        Refusal {
            line: span.start().line,
            what: what.into(),
            why: why.to_string(),
            instead: instead.to_string(),
            whole_file: false,
            inside: None,
            mistake: false,
        }
    }

    /// The verdict it gives its exercise: "failing" for a mistake, else "refused".
    pub fn status(&self) -> super::Status {
        if self.mistake { super::Status::Failing } else { super::Status::Refused }
    }

    fn mistake(mut self) -> Refusal {
        self.mistake = true;
        self
    }

    fn whole(mut self) -> Refusal {
        self.whole_file = true;
        self
    }

    /// One line: `path:line uses WHAT [in HELPER, which F uses] — WHY; INSTEAD`.
    ///
    /// ```
    /// use racelab::judge::Source;
    /// let text = "pub fn worker(iters: u64) -> u64 {\n    unsafe { iters }\n}\n";
    /// let refusal = Source { path: "x.rs", text }.read().refusal_for(&["worker"]).unwrap();
    /// let line = refusal.summary("x.rs", &["worker"]);
    /// assert!(line.starts_with("x.rs:2 uses `unsafe` — "), "{line}");
    /// ```
    pub fn summary(&self, path: &str, functions: &[&str]) -> String {
        let inside = match &self.inside {
            Some(item) if functions.contains(&item.as_str()) => String::new(),
            Some(item) if functions.is_empty() || self.whole_file => format!(" in `{item}`"),
            Some(item) => {
                let names: Vec<String> = functions.iter().map(|f| format!("`{f}`")).collect();
                format!(" in `{item}`, which {} uses", names.join(" or "))
            }
            None => String::new(),
        };
        let whole = if self.whole_file { ", which acts on the whole test program" } else { "" };
        format!("{path}:{} uses {}{inside}{whole} — {}; {}", self.line, self.what, self.why, self.instead)
    }
}

/// One item of the file (a function, a type and its `impl`, a `use`, a
/// `thread_local!`): the names it defines, the names it uses, what it is refused for.
#[derive(Debug, Default)]
struct Unit {
    /// The function's (or item's) name, for messages.
    name: Option<String>,
    /// A function the lab may list as an exercise's.
    is_fn: bool,
    /// Names others reach it by.
    defines: Vec<String>,
    /// For an `impl`: the type and the trait it is for (reached with either).
    attached_to: Vec<String>,
    /// Every identifier it mentions.
    uses: BTreeSet<String>,
    refusals: Vec<Refusal>,
    /// The largest number its code writes (see [`Reading::largest_number`]).
    largest: u64,
    /// Every number of 2 or more its code writes (see [`Reading::numbers`]).
    numbers: BTreeSet<u64>,
    /// It computes a number from a variable by `<<`, `*` or `pow` (see [`Reading::computes_large_numbers`]).
    grows: bool,
    /// It names a number type narrower than 64 bits (see [`Reading::may_wrap_past_u32`]).
    narrow: bool,
    /// The product of its integer literals of 2 or more (see [`Reading::retry_bound`]).
    product: u64,
}

/// An exercise file read as Rust (see the module documentation).
#[derive(Debug, Default)]
pub struct Reading {
    units: Vec<Unit>,
    /// Refusals that hold for the whole file, first line first.
    whole: Vec<Refusal>,
}

impl Reading {
    /// Reads `text` as a Rust file. A file `syn` cannot parse is refused as a
    /// whole (the compiler's own error comes first: `verify` builds before it reads).
    pub fn of(text: &str) -> Reading {
        let file = match syn::parse_file(text) {
            Ok(file) => file,
            Err(error) => {
                let refusal = Refusal::new(
                    error.span(),
                    "code the judge cannot read",
                    (
                        &format!("the judge reads your file as Rust before judging it, and stopped here: {error}"),
                        "write it as ordinary Rust (if the compiler accepts it, tell the course's authors)",
                    ),
                )
                .whole();
                return Reading { units: Vec::new(), whole: vec![refusal] };
            }
        };
        let context = Context::of(text, &file);
        let mut reading = Reading::default();
        for item in &file.items {
            let mut unit = Unit::default();
            describe(item, &mut unit, &context);
            let mut scan = Scan::new(&context);
            if let syn::Item::Macro(mac) = item
                && mac.ident.is_none()
                && !matches!(macro_name(&mac.mac.path).as_str(), "thread_local")
            {
                let name = macro_name(&mac.mac.path);
                scan.refuse(Refusal::new(mac.span(), format!("`{name}!` among the file's items"), TOP_MACRO).whole());
            }
            scan.visit_item(item);
            unit.uses = scan.uses;
            unit.largest = scan.largest;
            unit.numbers = std::mem::take(&mut scan.numbers);
            unit.grows = scan.grows;
            let tokens = quote::ToTokens::to_token_stream(item);
            unit.narrow = scan.shifts_far || names_a_narrow_type(tokens.clone());
            unit.product = literal_product(tokens);
            for mut refusal in scan.refusals {
                refusal.inside = unit.name.clone();
                if refusal.whole_file {
                    reading.whole.push(refusal);
                } else {
                    unit.refusals.push(refusal);
                }
            }
            reading.units.push(unit);
        }
        reading.whole.sort_by_key(|r| r.line);
        reading
    }

    /// The first refusal that holds for the whole file, if any.
    pub fn whole_file(&self) -> Option<&Refusal> {
        self.whole.first()
    }

    /// The first refusal (by line) for the exercise whose functions are
    /// `functions`: one for the whole file, or one in the code those
    /// functions use (see `Reading::code_of`).
    pub fn refusal_for(&self, functions: &[&str]) -> Option<Refusal> {
        if let Some(whole) = self.whole_file() {
            return Some(whole.clone());
        }
        let mut found: Vec<&Refusal> = self.code_of(functions).into_iter().flat_map(|u| u.refusals.iter()).collect();
        found.sort_by_key(|r| r.line);
        found.first().map(|r| (*r).clone())
    }

    /// The largest number written in the code `functions` use — a literal such
    /// as `10_000`, or one computed from literals: `1 << 26`, `10 * 1000`,
    /// `u32::MAX`, `2u64.pow(20)`. A retry loop that gives up after that many
    /// tries meets a rival patient enough to outlast it (see
    /// [`contention::patience`](super::contention::patience)).
    ///
    /// ```
    /// use racelab::judge::Reading;
    /// let text = "fn helper() -> u32 {\n    1 << 20\n}\n\
    ///             pub fn claim(tries: u32) -> bool {\n    tries < 5_000 + helper()\n}\n";
    /// assert_eq!(Reading::of(text).largest_number(&["claim"]), 1 << 20);
    /// assert_eq!(Reading::of("pub fn f() -> u16 {\n    u16::MAX\n}\n").largest_number(&["f"]), 65_535);
    /// let named = "const LIMIT: u64 = 25_000;\npub fn g(n: u64) -> bool {\n    n < LIMIT * 3 || n < 1e5 as u64\n}\n";
    /// assert_eq!(Reading::of(named).largest_number(&["g"]), 100_000);
    /// // A threshold written in bits is a number too: 2^20 here.
    /// let bits = "pub fn h(n: u64) -> bool {\n    n.leading_zeros() < 44 || n >> 30 != 0\n}\n";
    /// assert_eq!(Reading::of(bits).largest_number(&["h"]), 1 << 30);
    /// assert_eq!(Reading::of("pub fn h(n: u64) -> bool {\n    n.leading_zeros() < 44\n}\n").largest_number(&["h"]), 1 << 20);
    /// ```
    pub fn largest_number(&self, functions: &[&str]) -> u64 {
        self.code_of(functions).iter().map(|unit| unit.largest).max().unwrap_or(0)
    }

    /// Every number of 2 or more written in the code `functions` use, as
    /// [`largest_number`](Self::largest_number) reads them (`u64::MAX / 2` is both
    /// `u64::MAX` and half of it), the largest first: where code may take another
    /// path (`if seen >= 1 << 40`), so the judge starts values there (see
    /// [`values::across`](super::values::across)).
    ///
    /// ```
    /// use racelab::judge::Reading;
    /// let text = "pub fn f(n: u64) -> bool {\n    n >= u64::MAX / 2 || n == 1_000\n}\n";
    /// assert_eq!(Reading::of(text).numbers(&["f"]), vec![u64::MAX, u64::MAX / 2, 1_000, 2]);
    /// ```
    pub fn numbers(&self, functions: &[&str]) -> Vec<u64> {
        let all: BTreeSet<u64> = self.code_of(functions).iter().flat_map(|unit| unit.numbers.iter().copied()).collect();
        all.into_iter().rev().collect()
    }

    /// How many tries a retry loop in the code `functions` use could make before
    /// giving up, as far as its text tells: the [`largest_number`](Self::largest_number),
    /// or the product of its integer literals (of 2 or more) when that is larger — a
    /// limit computed at run time from literals (`[60, 1000].iter().product()`,
    /// `let mut limit = 60; limit *= 1000;`) is at most that. The judge's rivals
    /// outlast it (see [`contention::patience`](super::contention::patience)), up to
    /// [`RETRY_BOUND_MOST`]: numbers past it are left out.
    ///
    /// ```
    /// use racelab::judge::Reading;
    /// let text = "pub fn f(tries: u64) -> bool {\n    tries < [60u64, 1000].iter().product()\n}\n";
    /// assert_eq!(Reading::of(text).largest_number(&["f"]), 1000);
    /// assert_eq!(Reading::of(text).retry_bound(&["f"]), 60_000);
    /// // Numbers no rival could outlast (past 2^27: a mask) are not limits: lab 03's packing.
    /// let pack = "pub fn pack(a: u64, b: u64) -> u64 {\n    (a << 32) | (b & 0xFFFF_FFFF)\n}\n";
    /// assert_eq!(Reading::of(pack).retry_bound(&["pack"]), 32);
    /// ```
    pub fn retry_bound(&self, functions: &[&str]) -> u64 {
        let code = self.code_of(functions);
        // 0 when no literal of 2 or more is written (as the largest number is).
        let product =
            code.iter().map(|unit| unit.product).filter(|&p| p > 1).fold(0, |all: u64, p| all.max(1).saturating_mul(p));
        // Numbers past what any rival outlasts are masks and range edges, not limits.
        let largest = code
            .iter()
            .flat_map(|unit| unit.numbers.iter().copied())
            .filter(|&n| n <= RETRY_BOUND_MOST)
            .max()
            .unwrap_or(0);
        largest.max(product)
    }

    /// Whether the code `functions` use computes a number from a variable by a
    /// shift, a product or a power — `1u64 << n`, `limit *= 2`, `10u64.pow(k)`,
    /// `checked_mul`: a give-up limit it computes at run time may be larger than
    /// any number it writes ([`retry_bound`](Self::retry_bound) cannot bound it),
    /// so the judge's rivals are as patient as they ever are.
    ///
    /// ```
    /// use racelab::judge::Reading;
    /// let doubling = "pub fn f(tries: u64) -> bool {\n    let mut limit = 1u64;\n    for _ in 0..20 { limit *= 2 }\n    tries < limit\n}\n";
    /// assert!(Reading::of(doubling).computes_large_numbers(&["f"]));
    /// let constant = "pub fn f(tries: u64) -> bool {\n    tries < 1 << 20\n}\n";
    /// assert!(!Reading::of(constant).computes_large_numbers(&["f"]));
    /// ```
    pub fn computes_large_numbers(&self, functions: &[&str]) -> bool {
        self.code_of(functions).iter().any(|unit| unit.grows)
    }

    /// Whether the code `functions` use could count right up to 2^16 and wrong
    /// past 2^32: it names a number type narrower than 64 bits (`u32`, `i16`,
    /// `AtomicU32`, `c_int`, `f32`, a `7u8` or `b'x'` literal, in a
    /// `thread_local!` too), converts a number (`n as u64`, `try_into`: `n` may be
    /// an `i32` by inference), writes a number of 2^16 or more (`iters.min(1 << 32)`)
    /// or shifts a variable by 16 bits or more (`iters << 32 >> 32`, a mask built at
    /// run time). Only then is a count past 2^32 worth its seconds (see
    /// [`values::loop_counts`](super::values::loop_counts)): four billion steps
    /// of a right loop over a `thread_local!` take 20 s.
    ///
    /// ```
    /// use racelab::judge::Reading;
    /// let right = "pub fn worker(iters: u64) -> u64 {\n    let mut n = 0;\n    for _ in 0..iters { n += 1 }\n    n\n}\n";
    /// assert!(!Reading::of(right).may_wrap_past_u32(&["worker"]));
    /// let cell = "thread_local! { static N: std::cell::Cell<u32> = const { std::cell::Cell::new(0) }; }\n\
    ///             pub fn worker(iters: u64) -> u64 {\n    N.set(iters as _);\n    N.get().into()\n}\n";
    /// assert!(Reading::of(cell).may_wrap_past_u32(&["worker"]));
    /// assert!(Reading::of("pub fn worker(iters: u64) -> u64 {\n    iters.min(1 << 32)\n}\n").may_wrap_past_u32(&["worker"]));
    /// // `n` is an `i32`: nothing else fixes its type.
    /// let inferred = "pub fn worker(iters: u64) -> u64 {\n    let mut n = 0;\n    for _ in 0..iters { n += 1 }\n    n as u64\n}\n";
    /// assert!(Reading::of(inferred).may_wrap_past_u32(&["worker"]));
    /// assert!(Reading::of("pub fn worker(iters: u64) -> u64 {\n    iters << 32 >> 32\n}\n").may_wrap_past_u32(&["worker"]));
    /// ```
    pub fn may_wrap_past_u32(&self, functions: &[&str]) -> bool {
        self.code_of(functions).iter().any(|unit| unit.narrow || unit.largest >= 1 << 16)
    }

    /// The items `functions` use: those functions, the items they name, the
    /// items those name, and so on; a type brings its `impl`s.
    fn code_of(&self, functions: &[&str]) -> Vec<&Unit> {
        let mut reached: Vec<bool> =
            self.units.iter().map(|u| u.is_fn && u.defines.iter().any(|d| functions.contains(&d.as_str()))).collect();
        loop {
            let used: BTreeSet<&String> =
                self.units.iter().zip(&reached).filter(|(_, r)| **r).flat_map(|(u, _)| u.uses.iter()).collect();
            let defined: BTreeSet<&String> =
                self.units.iter().zip(&reached).filter(|(_, r)| **r).flat_map(|(u, _)| u.defines.iter()).collect();
            let mut more = false;
            for (unit, reached) in self.units.iter().zip(reached.iter_mut()).filter(|(_, r)| !**r) {
                if unit.defines.iter().any(|d| used.contains(d)) || unit.attached_to.iter().any(|t| defined.contains(t))
                {
                    *reached = true;
                    more = true;
                }
            }
            if !more {
                return self.units.iter().zip(&reached).filter(|(_, r)| **r).map(|(u, _)| u).collect();
            }
        }
    }
}

/// Whether `tokens` name a number type narrower than 64 bits: a type (`u32`,
/// `AtomicU16`, `NonZeroI32`, `c_int`), a literal's suffix (`7u8`, `1.0f32`) or
/// a byte literal (`b'x'`) — or convert a number (`as`, `try_from`, `try_into`):
/// `let mut n = 0; … n as u64` names no type, and `n` is an `i32` (an integer
/// whose type nothing else fixes defaults to `i32`) — or call a method that
/// returns a `u32` (`count_ones`, `ilog2`). `usize` is 64 bits on
/// every machine the course runs on.
fn names_a_narrow_type(tokens: TokenStream) -> bool {
    const TYPES: [&str; 16] = [
        "u8", "u16", "u32", "i8", "i16", "i32", "f32", "char", "c_int", "c_uint", "c_short", "c_ushort", "c_char",
        "c_schar", "c_uchar", "c_float",
    ];
    const IN_NAMES: [&str; 7] = ["U8", "U16", "U32", "I8", "I16", "I32", "F32"];
    // Methods of every integer type that return a `u32`: `let mut n = x.count_ones() - x.count_ones()`
    // counts in a `u32` without naming one.
    const GIVES_U32: [&str; 12] = [
        "count_ones",
        "count_zeros",
        "leading_zeros",
        "trailing_zeros",
        "leading_ones",
        "trailing_ones",
        "ilog",
        "ilog2",
        "ilog10",
        "checked_ilog",
        "checked_ilog2",
        "checked_ilog10",
    ];
    let in_name = |name: &str| {
        IN_NAMES.iter().any(|w| {
            name.match_indices(w).any(|(at, _)| !name[at + w.len()..].starts_with(|c: char| c.is_ascii_digit()))
        })
    };
    tokens.into_iter().any(|tree| match tree {
        TokenTree::Ident(ident) => {
            let name = ident.to_string();
            TYPES.contains(&name.as_str())
                || in_name(&name)
                || ["as", "try_from", "try_into"].contains(&name.as_str())
                || GIVES_U32.contains(&name.as_str())
        }
        TokenTree::Literal(literal) => {
            let text = literal.to_string();
            text.starts_with("b'") || text.starts_with("b\"") || TYPES[..7].iter().any(|t| text.ends_with(t))
        }
        TokenTree::Group(group) => names_a_narrow_type(group.stream()),
        TokenTree::Punct(_) => false,
    })
}

/// The largest give-up limit the judge's rivals outlast (2^27 lost races, a few
/// seconds of a tight loop: [`contention::MOST_PATIENCE`](super::contention::MOST_PATIENCE)).
/// A larger number in the code (lab 03's `0xFFFF_FFFF` mask) made every answer pay the
/// longest rivals, seconds per check, for a limit no rival could reach anyway.
pub const RETRY_BOUND_MOST: u64 = 1 << 27;

/// The product of the integer literals of 2 or more in `tokens` (1 if none),
/// saturating: `60`, `1_000`, `0x10`, `7u8` count, floats and strings do not, nor
/// literals past [`RETRY_BOUND_MOST`] (a mask, a range's edge).
fn literal_product(tokens: TokenStream) -> u64 {
    tokens.into_iter().fold(1_u64, |product, tree| match tree {
        TokenTree::Literal(literal) => {
            let text = literal.to_string().replace('_', "");
            let digits = ["u8", "u16", "u32", "u64", "u128", "usize", "i8", "i16", "i32", "i64", "i128", "isize"]
                .iter()
                .find_map(|suffix| text.strip_suffix(suffix))
                .unwrap_or(&text);
            let value = if let Some(hex) = digits.strip_prefix("0x") {
                u64::from_str_radix(hex, 16).ok()
            } else if let Some(octal) = digits.strip_prefix("0o") {
                u64::from_str_radix(octal, 8).ok()
            } else if let Some(binary) = digits.strip_prefix("0b") {
                u64::from_str_radix(binary, 2).ok()
            } else {
                digits.parse::<u64>().ok()
            };
            value.filter(|v| (2..=RETRY_BOUND_MOST).contains(v)).map_or(product, |v| product.saturating_mul(v))
        }
        TokenTree::Group(group) => product.saturating_mul(literal_product(group.stream())),
        _ => product,
    })
}

/// What the names of a file refer to, for checking its paths.
struct Context<'t> {
    text: &'t str,
    /// `use` imports: the name in scope → the path it stands for.
    imports: BTreeMap<String, Vec<String>>,
    /// Every name the file defines anywhere (items, generic parameters).
    locals: BTreeSet<String>,
    /// The file's plain (not `async`) functions and methods that block their thread:
    /// they call a [`BLOCKING_CALLS`] path, or another such function, outside a closure.
    blocking: BTreeSet<String>,
    /// Names handed to `spawn_blocking` (`spawn_blocking(work)`): a closure bound to
    /// one runs off the executor.
    offloaded: BTreeSet<String>,
    /// The value of each `const` or `static` whose initializer is a number (see [`number`]).
    numbers: BTreeMap<String, u64>,
}

impl<'t> Context<'t> {
    fn of(text: &'t str, file: &syn::File) -> Context<'t> {
        struct Names<'c> {
            imports: &'c mut BTreeMap<String, Vec<String>>,
            locals: &'c mut BTreeSet<String>,
        }
        impl<'ast> Visit<'ast> for Names<'_> {
            fn visit_item_use(&mut self, node: &'ast syn::ItemUse) {
                for (path, name) in use_leaves(&node.tree, Vec::new()) {
                    if let Some(name) = name {
                        self.imports.insert(name, path);
                    }
                }
            }
            fn visit_item(&mut self, node: &'ast syn::Item) {
                if let Some(name) = item_name(node) {
                    self.locals.insert(name);
                }
                visit::visit_item(self, node);
            }
            fn visit_generic_param(&mut self, node: &'ast syn::GenericParam) {
                if let syn::GenericParam::Type(t) = node {
                    self.locals.insert(t.ident.to_string());
                }
                visit::visit_generic_param(self, node);
            }
            fn visit_trait_item(&mut self, node: &'ast syn::TraitItem) {
                if let syn::TraitItem::Type(t) = node {
                    self.locals.insert(t.ident.to_string());
                }
                visit::visit_trait_item(self, node);
            }
        }
        let (mut imports, mut locals) = (BTreeMap::new(), BTreeSet::new());
        Names { imports: &mut imports, locals: &mut locals }.visit_file(file);
        let blocking = blocking_functions(file, &imports);
        let offloaded = offloaded_names(file);
        let numbers = named_numbers(file);
        Context { text, imports, locals, blocking, offloaded, numbers }
    }

    /// The text between two spans (for quoting a `static`'s declaration).
    fn snippet(&self, from: Span, to: Span) -> String {
        let range = from.byte_range().start..to.byte_range().end;
        let text = self.text.get(range).unwrap_or_default();
        text.split_whitespace().collect::<Vec<_>>().join(" ")
    }

    /// Why a path written `segments` (`global`: with a leading `::`) is refused, if it is.
    fn path_refusal(&self, segments: &[String], global: bool) -> Option<(String, (&'static str, &'static str))> {
        self.path_refusal_at(segments, global, 0)
    }

    fn path_refusal_at(
        &self,
        segments: &[String],
        global: bool,
        depth: usize,
    ) -> Option<(String, (&'static str, &'static str))> {
        let root = segments.first()?.as_str();
        let shown = |n: usize| format!("`{}`", segments[..n.min(segments.len())].join("::"));
        if matches!(root, "std" | "core" | "alloc") {
            let rest: Vec<&str> = segments[1..].iter().map(String::as_str).collect();
            return std_item(&rest).map(|(n, why)| (shown(n + 1), why));
        }
        if global {
            return Some((shown(1), OTHER_CRATE));
        }
        if segments.len() < 2 {
            return None;
        }
        match root {
            "crate" => return Some((shown(1), TEST_PROGRAM)),
            "super" if segments[1] == "super" => return Some((shown(2), TEST_PROGRAM)),
            "super" | "self" | "Self" => return None,
            _ => {}
        }
        if let Some(full) = self.imports.get(root).filter(|_| depth < 8) {
            let expanded: Vec<String> = full.iter().chain(&segments[1..]).cloned().collect();
            return self.path_refusal_at(&expanded, false, depth + 1);
        }
        if self.locals.contains(root) || PRELUDE.contains(&root) {
            return None;
        }
        Some((shown(1), OTHER_CRATE))
    }
}

/// The full path a path written `segments` stands for, its `use` imports expanded.
fn resolve(imports: &BTreeMap<String, Vec<String>>, segments: &[String]) -> Vec<String> {
    let mut path = segments.to_vec();
    for _ in 0..8 {
        match path.first().and_then(|root| imports.get(root)) {
            Some(full) if full.first() != path.first() || full.len() > 1 => {
                path = full.iter().chain(&path[1..]).cloned().collect();
            }
            _ => break,
        }
    }
    path
}

/// A call's callee as path segments (`thread::sleep` → `["thread", "sleep"]`), if it is a path.
fn callee(node: &syn::ExprCall) -> Option<Vec<String>> {
    match &*node.func {
        syn::Expr::Path(callee) => Some(callee.path.segments.iter().map(|s| s.ident.to_string()).collect()),
        _ => None,
    }
}

/// Whether the path written `segments` is one of the [`BLOCKING_CALLS`]; the swap
/// module's `thread` and `hint` (`super::sync::thread::sleep`) are std's under another name.
fn blocks(imports: &BTreeMap<String, Vec<String>>, segments: &[String]) -> bool {
    let mut full = resolve(imports, segments);
    if full.len() > 2 && full[0] == "super" && full[1] == "sync" && matches!(full[2].as_str(), "thread" | "hint") {
        full.splice(..2, ["std".to_string()]);
    }
    BLOCKING_CALLS.iter().any(|b| full == *b)
}

/// What a path written `segments` stands for in async code when it is the swap module's
/// thread API (`super::sync::Mutex`, `channel`, `thread::spawn`): it blocks the
/// executor's one thread, and the checker cannot tell the deadlock that follows from a
/// loop that never ends.
fn threads_api_in_async(imports: &BTreeMap<String, Vec<String>>, segments: &[String]) -> Option<Why> {
    let full = resolve(imports, segments);
    if full.len() < 3 || full[0] != "super" || full[1] != "sync" {
        return None;
    }
    match (full[2].as_str(), full.get(3).map(String::as_str)) {
        ("Mutex" | "RwLock" | "parking_lot", _) => Some(LAB_LOCK_IN_ASYNC),
        ("channel", _) => Some(LAB_CHANNEL_IN_ASYNC),
        ("thread", Some("spawn" | "scope" | "Builder")) => Some(LAB_THREAD_IN_ASYNC),
        _ => None,
    }
}

/// The names a file hands to `spawn_blocking` as a plain path (`spawn_blocking(work)`).
fn offloaded_names(file: &syn::File) -> BTreeSet<String> {
    struct Offloaded(BTreeSet<String>);
    impl<'ast> Visit<'ast> for Offloaded {
        fn visit_expr_call(&mut self, node: &'ast syn::ExprCall) {
            if calls_spawn_blocking(node) {
                for arg in &node.args {
                    if let syn::Expr::Path(p) = arg
                        && let Some(name) = p.path.get_ident()
                    {
                        self.0.insert(name.to_string());
                    }
                }
            }
            visit::visit_expr_call(self, node);
        }
    }
    let mut names = Offloaded(BTreeSet::new());
    names.visit_file(file);
    names.0
}

/// Whether `node` calls `spawn_blocking`, whose closure runs off the executor.
fn calls_spawn_blocking(node: &syn::ExprCall) -> bool {
    callee(node).is_some_and(|c| c.last().is_some_and(|l| l == "spawn_blocking"))
}

/// The plain functions of `file` that block their thread (see [`Context::blocking`]).
fn blocking_functions(file: &syn::File, imports: &BTreeMap<String, Vec<String>>) -> BTreeSet<String> {
    /// What one function's own code calls, outside closures and async blocks.
    struct Calls<'i> {
        imports: &'i BTreeMap<String, Vec<String>>,
        blocks: bool,
        names: BTreeSet<String>,
    }
    impl<'ast> Visit<'ast> for Calls<'_> {
        fn visit_expr_call(&mut self, node: &'ast syn::ExprCall) {
            if let Some(segments) = callee(node) {
                self.blocks |= blocks(self.imports, &segments);
                if let [name] = segments.as_slice() {
                    self.names.insert(name.clone());
                }
            }
            visit::visit_expr_call(self, node);
        }
        fn visit_expr_method_call(&mut self, node: &'ast syn::ExprMethodCall) {
            self.names.insert(node.method.to_string());
            visit::visit_expr_method_call(self, node);
        }
        fn visit_expr_closure(&mut self, _: &'ast syn::ExprClosure) {}
        fn visit_expr_async(&mut self, _: &'ast syn::ExprAsync) {}
        fn visit_item(&mut self, _: &'ast syn::Item) {}
    }
    // Functions, methods and trait methods with a body, by name (a method is known by its
    // name alone: `.settle()` is any `settle` of the file's).
    let mut bodies: Vec<(&syn::Signature, &syn::Block)> = Vec::new();
    for item in &file.items {
        match item {
            syn::Item::Fn(f) => bodies.push((&f.sig, &f.block)),
            syn::Item::Impl(i) => bodies.extend(i.items.iter().filter_map(|item| match item {
                syn::ImplItem::Fn(f) => Some((&f.sig, &f.block)),
                _ => None,
            })),
            syn::Item::Trait(t) => bodies.extend(t.items.iter().filter_map(|item| match item {
                syn::TraitItem::Fn(f) => f.default.as_ref().map(|block| (&f.sig, block)),
                _ => None,
            })),
            _ => {}
        }
    }
    let mut plain: Vec<(String, bool, BTreeSet<String>)> = Vec::new();
    for (sig, block) in bodies.into_iter().filter(|(sig, _)| sig.asyncness.is_none()) {
        let mut calls = Calls { imports, blocks: false, names: BTreeSet::new() };
        calls.visit_block(block);
        plain.push((sig.ident.to_string(), calls.blocks, calls.names));
    }
    let mut blocking: BTreeSet<String> = plain.iter().filter(|(_, b, _)| *b).map(|(n, _, _)| n.clone()).collect();
    loop {
        let more: Vec<String> = plain
            .iter()
            .filter(|(n, _, calls)| !blocking.contains(n) && calls.iter().any(|c| blocking.contains(c)))
            .map(|(n, _, _)| n.clone())
            .collect();
        if more.is_empty() {
            return blocking;
        }
        blocking.extend(more);
    }
}

/// The name an item defines, if it has one.
fn item_name(item: &syn::Item) -> Option<String> {
    let ident = match item {
        syn::Item::Fn(i) => &i.sig.ident,
        syn::Item::Const(i) => &i.ident,
        syn::Item::Static(i) => &i.ident,
        syn::Item::Struct(i) => &i.ident,
        syn::Item::Enum(i) => &i.ident,
        syn::Item::Union(i) => &i.ident,
        syn::Item::Trait(i) => &i.ident,
        syn::Item::TraitAlias(i) => &i.ident,
        syn::Item::Type(i) => &i.ident,
        syn::Item::Mod(i) => &i.ident,
        syn::Item::Macro(i) => i.ident.as_ref()?,
        _ => return None,
    };
    Some(ident.to_string())
}

/// What a top-level item defines and what it is reached with.
fn describe(item: &syn::Item, unit: &mut Unit, context: &Context) {
    unit.name = item_name(item);
    unit.is_fn = matches!(item, syn::Item::Fn(_));
    unit.defines.extend(unit.name.clone());
    match item {
        syn::Item::Impl(i) => {
            let last = |path: &syn::Path| path.segments.last().map(|s| s.ident.to_string());
            if let syn::Type::Path(t) = &*i.self_ty {
                unit.attached_to.extend(last(&t.path));
                unit.name = last(&t.path).map(|t| format!("impl {t}"));
            }
            if let Some((_, path, _)) = &i.trait_ {
                let name = last(path);
                unit.attached_to.extend(name.clone());
                // A method of the file's own trait is called by its name alone.
                if name.is_some_and(|n| context.locals.contains(&n)) {
                    unit.defines.extend(i.items.iter().filter_map(|item| match item {
                        syn::ImplItem::Fn(f) => Some(f.sig.ident.to_string()),
                        _ => None,
                    }));
                }
            }
        }
        syn::Item::Trait(t) => {
            unit.defines.extend(t.items.iter().filter_map(|item| match item {
                syn::TraitItem::Fn(f) => Some(f.sig.ident.to_string()),
                _ => None,
            }));
        }
        syn::Item::Enum(e) => unit.defines.extend(e.variants.iter().map(|v| v.ident.to_string())),
        syn::Item::Use(u) => unit.defines.extend(use_leaves(&u.tree, Vec::new()).into_iter().filter_map(|(_, n)| n)),
        syn::Item::Macro(m) if macro_name(&m.mac.path) == "thread_local" => {
            if let Ok(file) = syn::parse2::<syn::File>(m.mac.tokens.clone()) {
                unit.defines.extend(file.items.iter().filter_map(item_name));
            }
            unit.name = unit.defines.first().cloned();
        }
        _ => {}
    }
}

/// Every path a `use` tree imports, with the name it brings into scope (`None` for a glob).
fn use_leaves(tree: &syn::UseTree, prefix: Vec<String>) -> Vec<(Vec<String>, Option<String>)> {
    let with = |name: &syn::Ident| {
        let mut path = prefix.clone();
        path.push(name.to_string());
        path
    };
    match tree {
        syn::UseTree::Path(p) => use_leaves(&p.tree, with(&p.ident)),
        syn::UseTree::Name(n) if n.ident == "self" => {
            let name = prefix.last().cloned();
            vec![(prefix, name)]
        }
        syn::UseTree::Name(n) => vec![(with(&n.ident), Some(n.ident.to_string()))],
        syn::UseTree::Rename(r) => vec![(with(&r.ident), Some(r.rename.to_string()))],
        syn::UseTree::Glob(_) => vec![(prefix, None)],
        syn::UseTree::Group(g) => g.items.iter().flat_map(|t| use_leaves(t, prefix.clone())).collect(),
    }
}

fn macro_name(path: &syn::Path) -> String {
    path.segments.last().map(|s| s.ident.to_string()).unwrap_or_default()
}

/// Walks one item, collecting the names it uses and what it is refused for.
struct Scan<'c, 't> {
    context: &'c Context<'t>,
    uses: BTreeSet<String>,
    refusals: Vec<Refusal>,
    /// Inside a `thread_local!`: its `static`s are each thread's own.
    thread_local: bool,
    /// Inside async code (an `async fn` or block, not a closure in it): what runs on the executor's thread.
    in_async: bool,
    /// The largest number written so far (see [`Reading::largest_number`]).
    largest: u64,
    /// Every number of 2 or more written so far (see [`Reading::numbers`]).
    numbers: BTreeSet<u64>,
    /// It computes a number from a variable by `<<`, `*` or `pow` (see [`Reading::computes_large_numbers`]).
    grows: bool,
    /// It shifts a variable by 16 bits or more (see [`Reading::may_wrap_past_u32`]).
    shifts_far: bool,
}

/// The `const`s and `static`s of the file (at any depth) whose initializer is a
/// number, with their values: `const LIMIT: u64 = 25_000;`, `const MORE: u64 = LIMIT * 3;`.
fn named_numbers(file: &syn::File) -> BTreeMap<String, u64> {
    struct Named<'ast>(Vec<(String, &'ast syn::Expr)>);
    impl<'ast> Visit<'ast> for Named<'ast> {
        fn visit_item_const(&mut self, node: &'ast syn::ItemConst) {
            self.0.push((node.ident.to_string(), &node.expr));
            visit::visit_item_const(self, node);
        }
        fn visit_item_static(&mut self, node: &'ast syn::ItemStatic) {
            self.0.push((node.ident.to_string(), &node.expr));
            visit::visit_item_static(self, node);
        }
    }
    let mut named = Named(Vec::new());
    named.visit_file(file);
    let mut numbers = BTreeMap::new();
    // One pass per level of constants defined from constants.
    for _ in 0..4 {
        for (name, expr) in &named.0 {
            if let Some(n) = number(expr, &numbers) {
                numbers.insert(name.clone(), n);
            }
        }
    }
    numbers
}

/// The value of `expr` when it is a number written with literals or named
/// constants (`named`): `10_000`, `1e5 as u64`, `1 << 26`, `(1u64 << 32) - 1`,
/// `LIMIT * 3`, `u32::MAX`, `2u64.pow(20)`, `1_000 as u64`.
/// Whether `expr` computes a number from a variable by a shift, a product or a
/// power (`1u64 << n`, `limit *= 2`, `10u64.pow(k)`): it may reach a value no
/// literal of the code shows (see [`Reading::computes_large_numbers`]).
fn grows(expr: &syn::Expr, named: &BTreeMap<String, u64>) -> bool {
    use syn::{BinOp, Expr};
    const GROWING: &[&str] = &[
        "pow",
        "checked_pow",
        "saturating_pow",
        "wrapping_pow",
        "overflowing_pow",
        "checked_shl",
        "wrapping_shl",
        "overflowing_shl",
        "checked_mul",
        "saturating_mul",
        "wrapping_mul",
        "overflowing_mul",
        "next_power_of_two",
        "checked_next_power_of_two",
    ];
    match expr {
        Expr::Binary(binary) => {
            matches!(binary.op, BinOp::Shl(_) | BinOp::ShlAssign(_) | BinOp::Mul(_) | BinOp::MulAssign(_))
                && (number(&binary.left, named).is_none() || number(&binary.right, named).is_none())
        }
        Expr::MethodCall(call) => GROWING.contains(&call.method.to_string().as_str()),
        _ => false,
    }
}

/// A threshold on a variable written in bits rather than as a number: `n >> 20 != 0`
/// and `n.ilog2() >= 20` (2^20), `n.leading_zeros() < 44` (2^20, for the labs' 64-bit
/// counts), `n.ilog10() >= 6` (10^6). Code that changes its path there is judged
/// past it as it would be past a written `1 << 20` (see [`Reading::largest_number`]).
fn number_in_bits(expr: &syn::Expr, named: &BTreeMap<String, u64>) -> Option<u64> {
    use syn::{BinOp, Expr};
    let Expr::Binary(binary) = expr else { return None };
    if let BinOp::Shr(_) | BinOp::ShrAssign(_) = binary.op {
        // `n >> k` is non-zero from 2^k on.
        let k = number(&binary.right, named)?;
        return (number(&binary.left, named).is_none() && k < 64).then(|| 1 << k);
    }
    let compares =
        matches!(binary.op, BinOp::Lt(_) | BinOp::Le(_) | BinOp::Gt(_) | BinOp::Ge(_) | BinOp::Eq(_) | BinOp::Ne(_));
    let bits = |side: &Expr, other: &Expr| {
        let Expr::MethodCall(call) = side else { return None };
        let k = u32::try_from(number(other, named)?).ok()?;
        match call.method.to_string().as_str() {
            "leading_zeros" => Some(1u64.checked_shl(64u32.checked_sub(k)?).unwrap_or(u64::MAX)),
            "ilog2" | "checked_ilog2" => Some(1u64.checked_shl(k).unwrap_or(u64::MAX)),
            "ilog10" | "checked_ilog10" => Some(10u64.checked_pow(k).unwrap_or(u64::MAX)),
            _ => None,
        }
    };
    if !compares {
        return None;
    }
    bits(&binary.left, &binary.right).or_else(|| bits(&binary.right, &binary.left))
}

/// A shift of a variable by 16 bits or more (`iters << 32 >> 32`): a mask built at
/// run time, which can cut a count to 32 bits as a `u32` would.
fn shifts_far(expr: &syn::Expr, named: &BTreeMap<String, u64>) -> bool {
    use syn::{BinOp, Expr};
    let Expr::Binary(binary) = expr else { return false };
    matches!(binary.op, BinOp::Shl(_) | BinOp::Shr(_) | BinOp::ShlAssign(_) | BinOp::ShrAssign(_))
        && number(&binary.left, named).is_none()
        && number(&binary.right, named).is_some_and(|k| k >= 16)
}

fn number(expr: &syn::Expr, named: &BTreeMap<String, u64>) -> Option<u64> {
    use syn::{BinOp, Expr};
    let number = |expr: &syn::Expr| number(expr, named);
    match expr {
        Expr::Lit(lit) => match &lit.lit {
            syn::Lit::Int(int) => int.base10_parse::<u64>().ok(),
            syn::Lit::Float(float) => {
                let value = float.base10_parse::<f64>().ok().filter(|v| v.is_finite() && *v >= 0.0)?;
                // Saturating, as `as u64` does.
                Some(value as u64)
            }
            _ => None,
        },
        Expr::Paren(inner) => number(&inner.expr),
        Expr::Group(inner) => number(&inner.expr),
        Expr::Cast(cast) => number(&cast.expr),
        Expr::Path(path) if path.path.segments.len() == 1 => {
            named.get(&path.path.segments[0].ident.to_string()).copied()
        }
        Expr::Binary(binary) => {
            let (a, b) = (number(&binary.left)?, number(&binary.right)?);
            match binary.op {
                BinOp::Shl(_) => u32::try_from(b).ok().and_then(|b| a.checked_shl(b)),
                BinOp::Shr(_) => u32::try_from(b).ok().and_then(|b| a.checked_shr(b)),
                BinOp::Mul(_) => a.checked_mul(b),
                BinOp::Div(_) => a.checked_div(b),
                BinOp::Add(_) => a.checked_add(b),
                BinOp::Sub(_) => a.checked_sub(b),
                _ => None,
            }
        }
        Expr::MethodCall(call) if call.method == "pow" && call.args.len() == 1 => {
            let exponent = u32::try_from(number(&call.args[0])?).ok()?;
            number(&call.receiver)?.checked_pow(exponent)
        }
        Expr::Path(path) if path.path.segments.len() == 2 && path.path.segments[1].ident == "MAX" => {
            Some(match path.path.segments[0].ident.to_string().as_str() {
                "u8" => u8::MAX.into(),
                "i8" => i8::MAX as u64,
                "u16" => u16::MAX.into(),
                "i16" => i16::MAX as u64,
                "u32" => u32::MAX.into(),
                "i32" => i32::MAX as u64,
                "i64" | "isize" => i64::MAX as u64,
                "u64" | "usize" => u64::MAX,
                _ => return None,
            })
        }
        _ => None,
    }
}

impl<'c, 't> Scan<'c, 't> {
    fn new(context: &'c Context<'t>) -> Scan<'c, 't> {
        Scan {
            context,
            uses: BTreeSet::new(),
            refusals: Vec::new(),
            thread_local: false,
            in_async: false,
            largest: 0,
            numbers: BTreeSet::new(),
            grows: false,
            shifts_far: false,
        }
    }

    fn refuse(&mut self, mut refusal: Refusal) {
        // In async code, a std thread is wanted for a blocking call, a std channel or lock for
        // tasks: point at the executor's own.
        let in_async = [
            (STD_THREAD, STD_THREAD_IN_ASYNC),
            (STD_CHANNEL, STD_CHANNEL_IN_ASYNC),
            (STD_LOCK, STD_LOCK_IN_ASYNC),
            (CLOCK, CLOCK_IN_ASYNC),
        ];
        if self.context.text.contains("async fn")
            && let Some((_, instead)) = in_async.iter().find(|(plain, _)| plain.0 == refusal.why)
        {
            (refusal.why, refusal.instead) = (instead.0.to_string(), instead.1.to_string());
        }
        self.refusals.push(refusal);
    }

    /// Visits with `in_async` set to `now` (async code or not), then puts it back.
    fn async_scope(&mut self, now: bool, visit: impl FnOnce(&mut Self)) {
        let outer = std::mem::replace(&mut self.in_async, now);
        visit(self);
        self.in_async = outer;
    }

    fn check_path(&mut self, segments: &[String], global: bool, span: Span) {
        if let Some((what, why)) = self.context.path_refusal(segments, global) {
            self.refuse(Refusal::new(span, what, why));
        } else if self.in_async
            && let Some(why) = threads_api_in_async(&self.context.imports, segments)
        {
            self.refuse(Refusal::new(span, format!("`{}` in async code", segments.join("::")), why));
        }
    }

    /// A macro call: `thread_local!` is read as items, std's common macros as
    /// expressions, anything else is refused (and its tokens still looked at).
    fn check_macro(&mut self, mac: &syn::Macro) {
        let name = macro_name(&mac.path);
        let span = mac.path.span();
        if FILE_MACROS.contains(&name.as_str()) {
            self.refuse(Refusal::new(span, format!("`{name}!`"), READS_FILES).whole());
        } else if NATIVE_MACROS.contains(&name.as_str()) {
            self.refuse(Refusal::new(span, format!("`{name}!`"), NATIVE).whole());
        } else if name == "thread_local" {
            if let Ok(file) = syn::parse2::<syn::File>(mac.tokens.clone()) {
                let outer = std::mem::replace(&mut self.thread_local, true);
                for item in &file.items {
                    self.visit_item(item);
                }
                self.thread_local = outer;
                return;
            }
        } else if !COMMON_MACROS.contains(&name.as_str()) {
            self.refuse(Refusal::new(span, format!("`{name}!`"), UNKNOWN_MACRO));
        } else if let Ok(args) =
            mac.parse_body_with(syn::punctuated::Punctuated::<syn::Expr, syn::Token![,]>::parse_terminated)
        {
            for arg in &args {
                self.visit_expr(arg);
            }
            return;
        }
        self.scan_tokens(mac.tokens.clone());
    }

    /// What `syn` cannot read as Rust (a macro's input): every identifier is a
    /// use, every `a::b` a path, `unsafe` is `unsafe` and `m!` a macro.
    fn scan_tokens(&mut self, tokens: TokenStream) {
        let trees: Vec<TokenTree> = tokens.into_iter().collect();
        let colons = |i: usize| {
            matches!((trees.get(i), trees.get(i + 1)), (Some(TokenTree::Punct(a)), Some(TokenTree::Punct(b)))
                if a.as_char() == ':' && a.spacing() == Spacing::Joint && b.as_char() == ':')
        };
        let mut i = 0;
        while i < trees.len() {
            match &trees[i] {
                TokenTree::Group(group) => self.scan_tokens(group.stream()),
                TokenTree::Ident(ident) => {
                    let global = i >= 2 && colons(i - 2);
                    let mut segments = vec![ident.to_string()];
                    let mut j = i + 1;
                    while colons(j) {
                        let Some(TokenTree::Ident(next)) = trees.get(j + 2) else { break };
                        segments.push(next.to_string());
                        j += 3;
                    }
                    self.uses.extend(segments.iter().cloned());
                    if segments[0] == "unsafe" {
                        self.refuse(Refusal::new(ident.span(), "`unsafe`", UNSAFE));
                    }
                    if segments.len() > 1 || global {
                        self.check_path(&segments, global, ident.span());
                    }
                    if let Some(TokenTree::Punct(bang)) = trees.get(j)
                        && bang.as_char() == '!'
                    {
                        let name = segments.last().cloned().unwrap_or_default();
                        let span = ident.span();
                        if FILE_MACROS.contains(&name.as_str()) {
                            self.refuse(Refusal::new(span, format!("`{name}!`"), READS_FILES).whole());
                        } else if NATIVE_MACROS.contains(&name.as_str()) {
                            self.refuse(Refusal::new(span, format!("`{name}!`"), NATIVE).whole());
                        } else if !COMMON_MACROS.contains(&name.as_str()) && name != "thread_local" {
                            self.refuse(Refusal::new(span, format!("`{name}!`"), UNKNOWN_MACRO));
                        }
                    }
                    i = j;
                    continue;
                }
                _ => {}
            }
            i += 1;
        }
    }

    /// A `static` outside `thread_local!`: plain data, or a lock of the lab's `Mutex<()>`.
    fn check_static(&mut self, node: &syn::ItemStatic) {
        let what = format!("`{}`", self.context.snippet(node.static_token.span, node.ty.span()));
        if !matches!(node.mutability, syn::StaticMutability::None) {
            self.refuse(Refusal::new(node.static_token.span, what, STATIC_MUT));
        } else if !plain_data(&node.ty) && !self.lab_lock_of_unit(&node.ty) && !self.refused_type(&node.ty) {
            self.refuse(Refusal::new(node.static_token.span, what, STATIC_STATE));
        }
    }

    /// A type whose path is refused anyway (std's `Mutex`, say), with a better rewrite than "state".
    fn refused_type(&self, ty: &syn::Type) -> bool {
        let syn::Type::Path(t) = ty else { return false };
        let segments: Vec<String> = t.path.segments.iter().map(|s| s.ident.to_string()).collect();
        let global = t.path.leading_colon.is_some();
        (segments.len() > 1 || global) && self.context.path_refusal(&segments, global).is_some()
    }

    /// `Mutex<()>` (or `parking_lot::Mutex<()>`) from the lab's `sync`: a lock loom sees, holding no state.
    fn lab_lock_of_unit(&self, ty: &syn::Type) -> bool {
        let syn::Type::Path(t) = ty else { return false };
        let segments: Vec<String> = t.path.segments.iter().map(|s| s.ident.to_string()).collect();
        let mut full = segments.clone();
        if let Some(import) = self.context.imports.get(&segments[0]) {
            full = import.iter().chain(&segments[1..]).cloned().collect();
        }
        let unit = t.path.segments.last().is_some_and(|last| match &last.arguments {
            syn::PathArguments::AngleBracketed(args) => {
                args.args.len() == 1
                    && matches!(args.args.first(), Some(syn::GenericArgument::Type(syn::Type::Tuple(t))) if t.elems.is_empty())
            }
            _ => false,
        });
        unit && full.len() >= 3 && full[0] == "super" && full[1] == "sync" && full.last().is_some_and(|l| l == "Mutex")
    }
}

/// A type with no interior mutability: numbers, `bool`, `char`, `&str`, and arrays, slices and tuples of them.
fn plain_data(ty: &syn::Type) -> bool {
    match ty {
        syn::Type::Path(t) => {
            t.qself.is_none()
                && t.path.segments.len() == 1
                && t.path.segments[0].arguments.is_empty()
                && PRIMITIVES.contains(&t.path.segments[0].ident.to_string().as_str())
        }
        syn::Type::Reference(r) => r.mutability.is_none() && plain_data(&r.elem),
        syn::Type::Array(a) => plain_data(&a.elem),
        syn::Type::Slice(s) => plain_data(&s.elem),
        syn::Type::Tuple(t) => t.elems.iter().all(plain_data),
        syn::Type::Paren(p) => plain_data(&p.elem),
        _ => false,
    }
}

impl<'ast> Visit<'ast> for Scan<'_, '_> {
    fn visit_expr(&mut self, expr: &'ast syn::Expr) {
        if let Some(n) = number(expr, &self.context.numbers).or_else(|| number_in_bits(expr, &self.context.numbers)) {
            self.largest = self.largest.max(n);
            if n >= 2 {
                self.numbers.insert(n);
            }
        }
        self.grows |= grows(expr, &self.context.numbers);
        self.shifts_far |= shifts_far(expr, &self.context.numbers);
        visit::visit_expr(self, expr);
    }

    fn visit_ident(&mut self, ident: &'ast syn::Ident) {
        self.uses.insert(ident.to_string());
    }

    fn visit_path(&mut self, path: &'ast syn::Path) {
        let segments: Vec<String> = path.segments.iter().map(|s| s.ident.to_string()).collect();
        if segments.len() > 1 || path.leading_colon.is_some() {
            self.check_path(&segments, path.leading_colon.is_some(), path.span());
        }
        visit::visit_path(self, path);
    }

    fn visit_item_use(&mut self, node: &'ast syn::ItemUse) {
        for (path, name) in use_leaves(&node.tree, Vec::new()) {
            let global = node.leading_colon.is_some();
            let refused = self.context.path_refusal(&path, global);
            let what = |shown: String| if name.is_none() { format!("{shown}::*") } else { shown };
            if let Some((shown, why)) = refused {
                self.refuse(Refusal::new(node.span(), what(shown), why));
            } else if name.is_none() && matches!(path.first().map(String::as_str), Some("std" | "core" | "alloc")) {
                // A glob of std brings in names the file then uses alone: import those names.
                let wide = path.len() < 2 || !FULLY_PLAIN.contains(&path[1].as_str());
                if wide {
                    self.refuse(Refusal::new(node.span(), format!("`{}::*`", path.join("::")), STD_GLOB));
                }
            }
            self.uses.extend(path.iter().cloned());
        }
        visit::visit_item_use(self, node);
    }

    fn visit_attribute(&mut self, attr: &'ast syn::Attribute) {
        let name = attr.path().segments.iter().map(|s| s.ident.to_string()).collect::<Vec<_>>().join("::");
        let first = attr.path().segments.first().map(|s| s.ident.to_string()).unwrap_or_default();
        let shown = match &attr.meta {
            syn::Meta::List(list) if name == "unsafe" => {
                let inner = list.tokens.to_string();
                format!("`#[unsafe({})]`", inner.split([' ', '=', '(']).next().unwrap_or(""))
            }
            _ => format!("`#[{name}]`"),
        };
        if name == "derive" {
            let derived =
                attr.parse_args_with(syn::punctuated::Punctuated::<syn::Path, syn::Token![,]>::parse_terminated);
            let unknown = derived.map_or(true, |paths| {
                paths.iter().any(|p| !DERIVES.contains(&macro_name(p).as_str()) || p.segments.len() > 1)
            });
            if unknown {
                self.refuse(Refusal::new(attr.span(), shown, DERIVE).whole());
            }
        } else if !PLAIN_ATTRIBUTES.contains(&name.as_str()) && first != "clippy" && first != "rustfmt" {
            let why = if LINKING_ATTRIBUTES.contains(&name.as_str()) || name == "unsafe" { LINKING } else { ATTRIBUTE };
            self.refuse(Refusal::new(attr.span(), shown, why).whole());
        }
        if let syn::Meta::NameValue(nv) = &attr.meta {
            self.visit_expr(&nv.value);
        }
    }

    fn visit_expr_unsafe(&mut self, node: &'ast syn::ExprUnsafe) {
        self.refuse(Refusal::new(node.unsafe_token.span, "`unsafe`", UNSAFE));
        visit::visit_expr_unsafe(self, node);
    }

    fn visit_signature(&mut self, node: &'ast syn::Signature) {
        if let Some(token) = &node.unsafety {
            self.refuse(Refusal::new(token.span, "`unsafe fn`", UNSAFE));
        }
        if let Some(abi) = &node.abi {
            self.refuse(Refusal::new(abi.extern_token.span, "an `extern` function", EXTERN_FN));
        }
        visit::visit_signature(self, node);
    }

    fn visit_type_bare_fn(&mut self, node: &'ast syn::TypeBareFn) {
        if let Some(abi) = &node.abi {
            self.refuse(Refusal::new(abi.extern_token.span, "an `extern` function", EXTERN_FN));
        }
        visit::visit_type_bare_fn(self, node);
    }

    fn visit_item_impl(&mut self, node: &'ast syn::ItemImpl) {
        if let Some(token) = &node.unsafety {
            self.refuse(Refusal::new(token.span, "`unsafe impl`", UNSAFE));
        }
        visit::visit_item_impl(self, node);
    }

    fn visit_item_trait(&mut self, node: &'ast syn::ItemTrait) {
        if let Some(token) = &node.unsafety {
            self.refuse(Refusal::new(token.span, "`unsafe trait`", UNSAFE));
        }
        visit::visit_item_trait(self, node);
    }

    fn visit_item_foreign_mod(&mut self, node: &'ast syn::ItemForeignMod) {
        self.refuse(Refusal::new(node.abi.extern_token.span, "an `extern` block", NATIVE).whole());
        visit::visit_item_foreign_mod(self, node);
    }

    fn visit_item_extern_crate(&mut self, node: &'ast syn::ItemExternCrate) {
        self.refuse(Refusal::new(node.extern_token.span, format!("`extern crate {}`", node.ident), NATIVE).whole());
    }

    fn visit_item_mod(&mut self, node: &'ast syn::ItemMod) {
        self.refuse(Refusal::new(node.mod_token.span, format!("`mod {}`", node.ident), MODULE).whole());
        visit::visit_item_mod(self, node);
    }

    fn visit_item_union(&mut self, node: &'ast syn::ItemUnion) {
        self.refuse(Refusal::new(node.union_token.span, format!("`union {}`", node.ident), UNSAFE));
        visit::visit_item_union(self, node);
    }

    fn visit_item_static(&mut self, node: &'ast syn::ItemStatic) {
        if !self.thread_local {
            self.check_static(node);
        }
        visit::visit_item_static(self, node);
    }

    fn visit_item_macro(&mut self, node: &'ast syn::ItemMacro) {
        for attr in &node.attrs {
            self.visit_attribute(attr);
        }
        if let Some(name) = &node.ident {
            self.refuse(Refusal::new(node.mac.path.span(), format!("`macro_rules! {name}`"), MACRO_RULES));
            self.uses.insert(name.to_string());
            self.scan_tokens(node.mac.tokens.clone());
            return;
        }
        self.visit_macro(&node.mac);
    }

    fn visit_macro(&mut self, mac: &'ast syn::Macro) {
        self.visit_path(&mac.path);
        self.check_macro(mac);
    }

    fn visit_item_fn(&mut self, node: &'ast syn::ItemFn) {
        self.async_scope(node.sig.asyncness.is_some(), |scan| visit::visit_item_fn(scan, node));
    }

    fn visit_impl_item_fn(&mut self, node: &'ast syn::ImplItemFn) {
        self.async_scope(node.sig.asyncness.is_some(), |scan| visit::visit_impl_item_fn(scan, node));
    }

    fn visit_expr_async(&mut self, node: &'ast syn::ExprAsync) {
        self.async_scope(true, |scan| visit::visit_expr_async(scan, node));
    }

    fn visit_expr_closure(&mut self, node: &'ast syn::ExprClosure) {
        // A closure's body runs where it is called: in async code, on the executor's thread
        // (`let f = || …; f();`, `.map(|x| …)`) — unless `spawn_blocking` runs it (below).
        self.async_scope(self.in_async || node.asyncness.is_some(), |scan| visit::visit_expr_closure(scan, node));
    }

    fn visit_local(&mut self, node: &'ast syn::Local) {
        // `let work = move || …; spawn_blocking(work)`: the closure runs off the executor.
        let offloaded = match (&node.pat, &node.init) {
            (syn::Pat::Ident(name), Some(init)) => {
                matches!(*init.expr, syn::Expr::Closure(_)) && self.context.offloaded.contains(&name.ident.to_string())
            }
            _ => false,
        };
        if offloaded {
            self.async_scope(false, |scan| visit::visit_local(scan, node));
        } else {
            visit::visit_local(self, node);
        }
    }

    fn visit_expr_call(&mut self, node: &'ast syn::ExprCall) {
        if !calls_spawn_blocking(node) {
            return visit::visit_expr_call(self, node);
        }
        // `spawn_blocking(move || …)`: its closure runs on a blocking pool's thread.
        for attr in &node.attrs {
            self.visit_attribute(attr);
        }
        self.visit_expr(&node.func);
        for arg in &node.args {
            self.async_scope(false, |scan| match arg {
                // Visited as a body, not as a closure (which would inherit the async scope).
                syn::Expr::Closure(closure) => visit::visit_expr_closure(scan, closure),
                // `spawn_blocking(pause)`: a blocking function handed over, not called here.
                other => scan.visit_expr(other),
            });
        }
    }

    fn visit_expr_path(&mut self, node: &'ast syn::ExprPath) {
        // Called or not (`let nap: fn(Duration) = thread::sleep;`), a blocking function named
        // in async code runs on the executor's thread.
        let segments: Vec<String> = node.path.segments.iter().map(|s| s.ident.to_string()).collect();
        if self.in_async {
            let what = if blocks(&self.context.imports, &segments) {
                Some(format!("`{}` in async code", segments.join("::")))
            } else if let [name] = segments.as_slice()
                && self.context.blocking.contains(name)
            {
                Some(format!("`{name}(…)` (it calls `thread::sleep`) in async code"))
            } else {
                None
            };
            if let Some(what) = what {
                self.refuse(Refusal::new(node.span(), what, BLOCKS_EXECUTOR).mistake());
            }
        }
        visit::visit_expr_path(self, node);
    }

    fn visit_expr_method_call(&mut self, node: &'ast syn::ExprMethodCall) {
        let name = node.method.to_string();
        if TIME_OUTS.contains(&name.as_str()) {
            self.refuse(Refusal::new(node.method.span(), format!("`.{name}(…)`"), CLOCK));
        }
        // A method of the file's that blocks, called by a name std's own types use too
        // (`Cell::get`, `Vec::push`): `account.balance.get()` reads a field's `Cell`, not the
        // learner's `SlowStatement::get`. A field's method is taken for std's.
        let std_named = STD_METHOD_NAMES.contains(&name.as_str()) && matches!(&*node.receiver, syn::Expr::Field(_));
        if self.in_async && self.context.blocking.contains(&name) && !std_named {
            let what = format!("`.{name}(…)` (it calls `thread::sleep`) in async code");
            self.refuse(Refusal::new(node.method.span(), what, BLOCKS_EXECUTOR).mistake());
        }
        visit::visit_expr_method_call(self, node);
    }
}

/// Methods of std's plain types (`Cell`, `RefCell`, `Vec`, `Option`, the maps) whose names
/// a learner's own blocking method may share (see `visit_expr_method_call`).
const STD_METHOD_NAMES: &[&str] = &[
    "get",
    "set",
    "take",
    "replace",
    "borrow",
    "borrow_mut",
    "push",
    "pop",
    "insert",
    "remove",
    "len",
    "clear",
    "iter",
    "clone",
    "get_mut",
    "entry",
    "contains",
    "first",
    "last",
];

/// Why `std::REST…` is refused, if it is: how many segments of `rest` the
/// message shows, and the reason with its rewrite.
///
/// ```
/// use racelab::judge::reading::std_item;
/// assert!(std_item(&["hint", "black_box"]).is_none());
/// assert!(std_item(&["thread", "sleep"]).is_none());
/// assert!(std_item(&["sync", "atomic", "Ordering"]).is_none());
/// assert!(std_item(&["sync", "atomic", "AtomicU64"]).is_some());
/// assert!(std_item(&["env", "var_os"]).is_some());
/// assert!(std_item(&["panic", "resume_unwind"]).is_none());
/// assert!(std_item(&["panic", "catch_unwind"]).is_some());
/// assert!(std_item(&["future", "Future"]).is_none());
/// assert!(std_item(&["future", "poll_fn"]).is_some());
/// ```
pub fn std_item(rest: &[&str]) -> Option<(usize, (&'static str, &'static str))> {
    let module = *rest.first()?;
    let item = rest.get(1).copied();
    match module {
        m if FULLY_PLAIN.contains(&m) => None,
        "sync" => match item {
            None | Some("Arc" | "Weak" | "PoisonError" | "LockResult" | "TryLockError" | "TryLockResult") => None,
            Some("atomic") => match rest.get(2).copied() {
                None | Some("Ordering") => None,
                Some(_) => Some((3, STD_ATOMIC)),
            },
            Some("mpsc") => Some((2, STD_CHANNEL)),
            Some("Mutex" | "MutexGuard" | "RwLock" | "RwLockReadGuard" | "RwLockWriteGuard") => Some((2, STD_LOCK)),
            Some(_) => Some((2, STD_SYNC)),
        },
        "thread" => match item {
            None | Some("sleep" | "yield_now" | "panicking" | "current" | "Thread" | "ThreadId") => None,
            Some("park_timeout" | "sleep_until" | "sleep_ms") => Some((2, CLOCK)),
            Some(_) => Some((2, STD_THREAD)),
        },
        // Naming a future's type (`-> impl Future<Output = ()>`, `Pin<Box<dyn Future<…>>>`) and
        // an already-finished one (`ready`): a helper that returns async code. Building one by
        // hand (`poll_fn`, `task::Waker`) goes around the checker's await points: refused below.
        "future" if matches!(item, None | Some("Future" | "IntoFuture" | "ready" | "Ready")) => None,
        "pin" if matches!(item, None | Some("Pin" | "pin")) => None,
        "thread_local" => Some((1, STD_THREAD_LOCAL)),
        "time" => match item {
            None | Some("Duration") => None,
            Some(_) => Some((2, CLOCK)),
        },
        "env" | "option_env" => Some((1, ENVIRONMENT)),
        "fs" | "path" | "io" | "include" | "include_str" | "include_bytes" => Some((1, FILES)),
        "process" => Some((1, PROCESS)),
        "net" => Some((1, NETWORK)),
        "os" | "ffi" | "ptr" | "alloc" | "arch" | "intrinsics" | "asm" | "global_asm" => Some((1, NATIVE)),
        // `std::panic!` is the macro; `std::panic::catch_unwind` and the rest catch or hook panics.
        // Raising a panic again (a task's, from its `JoinError`) hides nothing; catching one does.
        "panic" if matches!(item, None | Some("resume_unwind" | "panic_any")) => None,
        "panic" => Some((1, CATCH_PANIC)),
        _ => Some((1, STD_OTHER)),
    }
}

/// std modules that hold only plain data, traits and pure functions.
const FULLY_PLAIN: &[&str] = &[
    "any",
    "array",
    "ascii",
    "borrow",
    "boxed",
    "cell",
    "char",
    "clone",
    "cmp",
    "collections",
    "convert",
    "default",
    "f32",
    "f64",
    "fmt",
    "hash",
    "hint",
    "i8",
    "i16",
    "i32",
    "i64",
    "i128",
    "isize",
    "iter",
    "marker",
    "mem",
    "num",
    "ops",
    "option",
    "prelude",
    "primitive",
    "rc",
    "result",
    "slice",
    "str",
    "string",
    "u8",
    "u16",
    "u32",
    "u64",
    "u128",
    "usize",
    "vec",
    "assert",
    "assert_eq",
    "assert_ne",
    "debug_assert",
    "debug_assert_eq",
    "debug_assert_ne",
    "todo",
    "unimplemented",
    "unreachable",
    "vec",
    "format",
    "format_args",
    "print",
    "println",
    "eprint",
    "eprintln",
    "write",
    "writeln",
    "dbg",
    "matches",
    "concat",
    "stringify",
    "line",
    "column",
    "file",
    "module_path",
    "cfg",
];

const PRIMITIVES: &[&str] = &[
    "u8", "u16", "u32", "u64", "u128", "usize", "i8", "i16", "i32", "i64", "i128", "isize", "f32", "f64", "bool",
    "char", "str",
];

/// Names a path may start with besides the file's own: primitives and std's prelude.
const PRELUDE: &[&str] = &[
    "u8",
    "u16",
    "u32",
    "u64",
    "u128",
    "usize",
    "i8",
    "i16",
    "i32",
    "i64",
    "i128",
    "isize",
    "f32",
    "f64",
    "bool",
    "char",
    "str",
    "Vec",
    "String",
    "Box",
    "Option",
    "Result",
    "Some",
    "None",
    "Ok",
    "Err",
    "Default",
    "Iterator",
    "IntoIterator",
    "DoubleEndedIterator",
    "ExactSizeIterator",
    "Extend",
    "FromIterator",
    "From",
    "Into",
    "TryFrom",
    "TryInto",
    "AsRef",
    "AsMut",
    "Clone",
    "ToOwned",
    "ToString",
    "PartialEq",
    "Eq",
    "PartialOrd",
    "Ord",
    "Drop",
    "Fn",
    "FnMut",
    "FnOnce",
    "Send",
    "Sync",
    "Sized",
    "Copy",
];

/// std's macros an exercise may use; their arguments are read as expressions.
const COMMON_MACROS: &[&str] = &[
    "assert",
    "assert_eq",
    "assert_ne",
    "debug_assert",
    "debug_assert_eq",
    "debug_assert_ne",
    "panic",
    "todo",
    "unimplemented",
    "unreachable",
    "vec",
    "format",
    "format_args",
    "print",
    "println",
    "eprint",
    "eprintln",
    "write",
    "writeln",
    "dbg",
    "matches",
    "concat",
    "stringify",
    "line",
    "column",
    "file",
    "module_path",
    "cfg",
];

/// Macros that read files or the environment while the exercise compiles.
const FILE_MACROS: &[&str] = &["include", "include_str", "include_bytes", "env", "option_env"];

/// Macros that emit machine code.
const NATIVE_MACROS: &[&str] = &["asm", "global_asm", "naked_asm"];

/// Method calls that give up after a time.
const TIME_OUTS: &[&str] = &[
    "recv_timeout",
    "send_timeout",
    "wait_timeout",
    "wait_timeout_while",
    "wait_timeout_ms",
    "park_timeout",
    "try_lock_for",
    "try_lock_until",
    "try_read_for",
    "try_write_for",
    "elapsed",
    "duration_since",
];

/// Attributes that change nothing but warnings, documentation, inlining and layout.
const PLAIN_ATTRIBUTES: &[&str] = &[
    "allow",
    "warn",
    "deny",
    "forbid",
    "expect",
    "doc",
    "inline",
    "must_use",
    "cold",
    "track_caller",
    "cfg",
    "deprecated",
    "non_exhaustive",
    "repr",
];

/// Attributes that change how the test program is linked or started.
const LINKING_ATTRIBUTES: &[&str] = &[
    "link_section",
    "used",
    "no_mangle",
    "export_name",
    "link",
    "link_name",
    "link_ordinal",
    "global_allocator",
    "naked",
    "panic_handler",
    "start",
    "no_main",
    "no_std",
    "windows_subsystem",
    "test",
    "bench",
    "ignore",
    "should_panic",
    "path",
    "macro_export",
    "cfg_attr",
    "target_feature",
    "instruction_set",
];

const DERIVES: &[&str] = &["Clone", "Copy", "Debug", "Default", "PartialEq", "Eq", "PartialOrd", "Ord", "Hash"];

// The reasons, each with how to rewrite it.
type Why = (&'static str, &'static str);

const UNSAFE: Why = (
    "`unsafe` code can break the rules the judge checks (a pointer kept past its guard is a data race loom does not \
     see)",
    "rewrite it without `unsafe`: the lab's `sync` types do everything an exercise needs",
);
const ENVIRONMENT: Why = (
    "an exercise never reads the environment of the program that judges it",
    "remove it: your functions get everything they need as arguments",
);
const FILES: Why = (
    "an exercise reads and writes only memory, never files or streams",
    "remove it (`println!` is fine for a look at a value)",
);
const PROCESS: Why = (
    "an exercise never starts or ends processes (the judge starts the workers)",
    "remove it: to stop, return from the function, or `panic!` with a message",
);
const NETWORK: Why = ("an exercise never talks to the network", "remove it");
const NATIVE: Why = (
    "it reaches past Rust into the machine (native code, raw memory, the operating system), where the judge sees \
     nothing",
    "remove it: write ordinary Rust functions",
);
const CATCH_PANIC: Why = (
    "catching a panic hides a failure from the judge (loom reports a deadlock or a failed check by panicking)",
    "let the panic happen: the judge reports it with your line",
);
const TEST_PROGRAM: Why = (
    "it reaches out of your exercise into the test program that judges it",
    "use only your file's own items, `super::sync::…` and std's plain types",
);
const OTHER_CRATE: Why = (
    "it names a crate or a module outside your exercise",
    "use only your file's own items, the lab's `sync` (`super::sync::…`) and std's plain types",
);
const STD_ATOMIC: Why = (
    "std's atomics are invisible to loom, which then cannot check your answer",
    "use the lab's: `use super::sync::atomic::{AtomicU64, Ordering};`",
);
const STD_LOCK: Why = (
    "std's locks are invisible to loom (and one held while loom switches threads would stop them all)",
    "use the lab's `Mutex` (`use super::sync::Mutex;`); a `static LOCK: Mutex<()> = Mutex::new(());` of it is \
     judged too",
);
const STD_CHANNEL: Why =
    ("std's channels are invisible to loom", "use the lab's `channel` (`use super::sync::channel;`)");
const STD_SYNC: Why = (
    "it is a std synchronisation type loom cannot see",
    "use the lab's `Mutex`, atomics or `channel` from `super::sync`",
);
const STD_THREAD: Why = (
    "std's threads run outside loom, which then cannot schedule them",
    "use the lab's `thread` (`use super::sync::thread;`): `thread::spawn`, `thread::scope`",
);
/// [`STD_THREAD`] in a file with `async` code: the thread a learner wants is one off the executor.
const STD_THREAD_IN_ASYNC: Why = (
    "a std thread started from async code runs outside the executor the judge checks",
    "to run a blocking call off the executor, use `task::spawn_blocking(move || …)` (`use super::sync::task;`) and \
     `.await` its handle",
);
/// Calls that block the thread they run on (paths as [`resolve`] gives them).
const BLOCKING_CALLS: &[&[&str]] = &[&["std", "thread", "sleep"], &["core", "thread", "sleep"]];
/// A [`BLOCKING_CALLS`] call in async code, outside a closure: a mistake, not a refusal.
const BLOCKS_EXECUTOR: Why = (
    "it blocks the executor's thread, so every other task waits until it returns (on one thread no task runs \
     meanwhile)",
    "to pause a task, `task::sleep(duration).await`; to run blocking work, `task::spawn_blocking(move || …).await`",
);
/// [`STD_CHANNEL`] in a file with `async` code.
const STD_CHANNEL_IN_ASYNC: Why = (
    "std's channels block the executor's thread on `recv` and are invisible to the checker",
    "use the executor's: `task::mpsc::unbounded_channel()` (`use super::sync::task::{self, mpsc};`), and \
     `.recv().await`",
);
/// [`STD_LOCK`] in a file with `async` code.
const STD_LOCK_IN_ASYNC: Why = (
    "std's locks block the executor's thread while another task holds them, and are invisible to the checker",
    "use the executor's async mutex: `task::Mutex` (`.lock().await`), or keep the read and write free of `.await`",
);
/// The swap module's lock in async code (see [`threads_api_in_async`]).
const LAB_LOCK_IN_ASYNC: Why = (
    "a thread's lock in async code blocks the executor's one thread while another task holds it (across an \
     `.await`): no task can run to release it, a deadlock the checker cannot tell from a loop that never ends",
    "use the executor's async mutex: `task::Mutex` (`.lock().await`), or keep the read and write free of `.await`",
);
/// The swap module's channel in async code.
const LAB_CHANNEL_IN_ASYNC: Why = (
    "a thread's channel in async code blocks the executor's one thread on `recv` (or on a full `send`): no \
     task can run to send",
    "use the executor's: `task::mpsc::unbounded_channel()` (`use super::sync::task::{self, mpsc};`), and \
     `.recv().await`",
);
/// The swap module's threads started from async code.
const LAB_THREAD_IN_ASYNC: Why = (
    "a thread started from async code and joined there blocks the executor's one thread until it ends",
    "to run a blocking call off the executor, use `task::spawn_blocking(move || …)` (`use super::sync::task;`) and \
     `.await` its handle",
);
/// [`CLOCK`] in a file with `async` code: a thread's pause is the mistake there.
const CLOCK_IN_ASYNC: Why = (
    "a clock or a time-out: a wait or a give-up measured in time passes on a quiet machine and fails on a busy one, \
     and the checker has no clock to judge it",
    "wait for what the other task does instead (`.recv().await` until the channel closes, a handle's `.await`) \
     — not for a number of tries either, which a busy machine outlasts too; to pause a task, \
     `task::sleep(duration).await`",
);
const STD_THREAD_LOCAL: Why = (
    "std's `thread_local!` would be shared by loom's simulated threads, which all run on one OS thread",
    "write `thread_local!` without `std::`: the lab gives each simulated thread its own value",
);
const STD_OTHER: Why = (
    "it is not one of std's plain items an exercise uses",
    "use the lab's `sync` and std's plain types (numbers, collections, `Cell`, `Duration`, `hint`)",
);
const STD_GLOB: Why =
    ("a glob import of this std module brings in names loom cannot see", "import the names you use, one by one");
const CLOCK: Why = (
    "a clock or a time-out: a wait or a give-up measured in time passes on a quiet machine and fails on a busy one, \
     and loom has no clock to judge it",
    "wait for what the other thread does instead (`recv()` until the channel closes, `join()`, a lock) — not \
     for a number of tries either, which a busy machine outlasts too (a `thread::sleep` to pause is fine)",
);
const STATIC_STATE: Why = (
    "a `static` that holds state: loom restarts every execution from the start and a static keeps its value from \
     one to the next, so the judge cannot check it",
    "keep the state in the object your function gets, or in a local (or a `thread_local!`); a `static LOCK: \
     Mutex<()> = Mutex::new(());` of the lab's `Mutex` around your fix is judged",
);
const STATIC_MUT: Why = (
    "a `static mut` is shared memory with no synchronisation at all (and needs `unsafe`)",
    "keep the state in the object your function gets, or in a local",
);
const LINKING: Why = (
    "it changes how the test program is linked or started, so your code could run before or beside the judge",
    "remove the attribute: an exercise is ordinary functions",
);
const ATTRIBUTE: Why =
    ("the judge accepts only attributes that change warnings, documentation or inlining", "remove the attribute");
const DERIVE: Why = (
    "only std's derives (`Clone`, `Copy`, `Debug`, `Default`, `PartialEq`, `Eq`, `PartialOrd`, `Ord`, `Hash`) are \
     read by the judge",
    "derive only those, or write the `impl` yourself",
);
const EXTERN_FN: Why = (
    "an `extern` function is for code in other languages to call; an exercise never needs one",
    "write an ordinary `fn`",
);
const MODULE: Why = (
    "a module is code the judge would not see as your exercise's (and `mod name;` reads another file)",
    "write helpers as functions in this file",
);
const READS_FILES: Why = (
    "it reads a file or the environment while your exercise compiles: code or data the judge never reads",
    "write what you need in this file",
);
const MACRO_RULES: Why =
    ("a `macro_rules!` macro is code the judge cannot read until it is used", "write a function instead");
const UNKNOWN_MACRO: Why = (
    "the judge reads only std's common macros (`println!`, `assert!`, `vec!`, `format!`, `matches!`, `thread_local!`, \
     …)",
    "write a function instead",
);
const TOP_MACRO: Why = (
    "a macro call among the file's items can expand to any item, which the judge never sees",
    "write the items themselves",
);
