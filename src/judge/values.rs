//! The values a one-thread check feeds an exercise's functions: the whole
//! allowed range, its edges always included.
//!
//! A learner who keeps a count in a `u32`, a balance in an `i32` or a batch
//! counter in a `u8` is right for every small input and wrong past 2^32, 2^31
//! or 2^8. So every check draws its inputs from here, for every lab: each
//! width's edges (2^k − 1, 2^k, 2^k + 1 for k = 8, 16, 31, 32, 63), 0, 1, 2, the
//! lab's maximum and one below it, and a few values spread over the range
//! (deterministic: the same inputs every run, so a verdict never depends on luck).
//!
//! # Examples
//!
//! ```
//! use racelab::judge::values;
//!
//! let all = values::across(10_000_000_000);
//! assert!(all.contains(&0) && all.contains(&(1 << 32)) && all.contains(&10_000_000_000));
//! assert!(all.windows(2).all(|w| w[0] < w[1]), "sorted, no repeats");
//! assert_eq!(values::across(3), vec![0, 1, 2, 3]);
//! let lists = values::report_lists(10_000_000_000);
//! assert!(lists.contains(&vec![7]) && lists.iter().any(|l| l.iter().sum::<u64>() > u32::MAX as u64));
//! assert!(lists.iter().all(|l| !l.is_empty()), "every lab runs at least one worker");
//! ```

/// The widths whose edges are always tried: a value kept in a `u8`, `u16`,
/// `i32`, `u32` or `i64` goes wrong at one of them (2^63 only where the range
/// reaches it: lab 09's balances).
const WIDTHS: [u32; 5] = [8, 16, 31, 32, 63];

/// How many values spread over the range are tried besides the edges.
const SPREAD: u64 = 6;

/// Every value tried for an input in `0..=max`: 0, 1, 2, the edges of each
/// width that fit, `max − 1` and `max`, each side of the numbers the code writes
/// (`if seen >= 1 << 40 { … }` takes its branch there: see [`code_numbers`]), and a
/// few values spread over the range on a log scale; sorted, each once.
pub fn across(max: u64) -> Vec<u64> {
    let mut values = vec![0, 1, 2];
    for bits in WIDTHS {
        let edge = 1_u64 << bits;
        values.extend([edge - 1, edge, edge + 1]);
    }
    for own in own_numbers() {
        values.extend([own - 1, own, own.saturating_add(1)]);
    }
    values.extend([max.saturating_sub(1), max]);
    // Spread: max^(i / SPREAD), so every order of magnitude up to max is visited.
    let top = (max.max(1) as f64).ln();
    values.extend((1..SPREAD).map(|i| (top * i as f64 / SPREAD as f64).exp() as u64));
    values.retain(|&v| v <= max);
    values.sort_unstable();
    values.dedup();
    values
}

/// Lists of reports for a `combine` whose total is at most `max`: one,
/// equal repeats (a `combine` that drops repeats), unequal ones (one right
/// only for equal jobs), a long list, totals past each width's edge (past
/// 2^16 only for code that could wrap there: [`may_wrap_past_u32`]), and
/// zeros (a total smaller than the number of reports).
pub fn report_lists(max: u64) -> Vec<Vec<u64>> {
    // Never empty: every lab runs at least one worker (`--threads 0` is refused), so a
    // `combine` that expects a report (`reduce().expect(..)`) is right.
    let mut lists: Vec<Vec<u64>> =
        vec![vec![7], vec![3, 5], vec![0, 2, 1], vec![5, 5], vec![2, 2, 2], vec![1, 2, 3, 4, 5], vec![1; 64]];
    // Equal reports first, then another: a `combine` that trusts a few equal reports to
    // stand for all (`first × len` when the first two or three agree) is caught.
    lists.extend([vec![5, 5, 7], vec![4, 4, 4, 9], vec![6, 6, 6, 6, 1]]);
    // Past 2^16 only for code that could wrap there (see `may_wrap_past_u32`): a `combine`
    // that applies each report one unit at a time (lab 03's owner) takes seconds to get there.
    let wide = |total: u64| total <= PAST_U16 || may_wrap_past_u32();
    for bits in WIDTHS.into_iter().filter(|&bits| wide(1 << bits)) {
        let edge = 1_u64 << bits;
        // Each report fits the width; the total does not.
        lists.push(vec![edge - 1, 1]);
        lists.push(vec![edge / 2, edge / 2, edge / 2]);
        lists.push(vec![edge, 0, edge + 1]);
        // Many reports past the edge together: a `combine` that sums in a narrow type
        // only "when there are many" (four or more) meets one.
        lists.push(vec![edge / 4 + 1; 4]);
        lists.push(vec![edge / 6 + 1; 6]);
    }
    if wide(max) {
        lists.push(vec![max]);
        lists.push(vec![max / 2, max - max / 2]);
    }
    // Workers with nothing to report: a total smaller than the number of reports
    // (a `combine` that starts from `reports.len()` is right whenever it is not).
    lists.push(vec![0]);
    lists.push(vec![1, 0, 0]);
    lists.retain(|list| list.iter().try_fold(0_u64, |sum, &r| sum.checked_add(r)).is_some_and(|sum| sum <= max));
    lists
}

/// `(used, limit)` pairs for a count that must stop at a limit (tickets sold of a
/// capacity, jobs claimed up to an end), for a check that puts a rival just after
/// the code's look: counts over the whole range up to `max`, each with one, two
/// and three left and with the limit at `max` — so a shortcut taken only for
/// large counts, only near the end ("two left: just load and store") or only
/// while plenty are left is taken in one of them.
///
/// ```
/// use racelab::judge::values;
/// let stocks = values::stocks(10_000_000_000);
/// assert!(stocks.contains(&(0, 1)) && stocks.contains(&((1 << 32) + 1, (1 << 32) + 3)));
/// assert!(stocks.contains(&(1 << 32, 10_000_000_000)));
/// assert!(stocks.iter().all(|&(used, limit)| used < limit && limit <= 10_000_000_000));
/// ```
pub fn stocks(max: u64) -> Vec<(u64, u64)> {
    let mut all = Vec::new();
    for used in across(max.saturating_sub(3)) {
        all.extend([(used, used + 1), (used, used + 2), (used, used + 3), (used, max)]);
    }
    all.retain(|&(used, limit)| used < limit && limit <= max);
    all.sort_unstable();
    all.dedup();
    all
}

/// One past `u32::MAX`: the smallest count a 32-bit counter (or an `i32`, which
/// wraps twice on the way) gets wrong.
pub const PAST_U32: u64 = (1 << 32) + 1;

/// One past `i32::MAX`: the smallest count an `i32` gets wrong (`n as i32 as u64`, or a
/// `let mut n = 0` whose type nothing fixes), below 2^32 for a lab whose largest job is.
pub const PAST_I32: u64 = (1 << 31) + 1;

/// One past `u16::MAX`: the smallest count a 16-bit counter gets wrong (for a
/// loop too slow per step to reach [`PAST_U32`]: tasks on a real executor, say).
pub const PAST_U16: u64 = (1 << 16) + 1;

/// The largest of the code's own numbers [`loop_counts`] counts to (and one past).
const OWN_COUNTS_UP_TO: u64 = 1 << 20;

/// Loop counts for a function that counts one at a time, up to `max`: small
/// ones, one past a `u8` and [`PAST_U16`], and [`PAST_U32`] — not the
/// whole range: counting one by one to 2^32 takes one to a few seconds, to
/// 10^10 much longer, and a width wrong past 2^32 is wrong at 2^32 + 1. A
/// check whose loop is slow per step leaves [`PAST_U32`] out (`max` below it)
/// and catches widths through the inputs that are not loop counts.
///
/// [`PAST_I32`] and [`PAST_U32`] are left out for code that could not wrap there (see
/// [`may_wrap_past_u32`]): a right count over a `thread_local!` takes 20 s to
/// get there, and only code that names a narrow type or a large number can be
/// right at every smaller count and wrong past it.
pub fn loop_counts(max: u64) -> Vec<u64> {
    let mut counts = vec![0, 1, 2, 3, 1_000, (1 << 8) + 1, PAST_U16, PAST_I32, PAST_U32];
    // The code's own largest number and one past it, up to 2^20 (counted in a moment):
    // `if iters >= 1 << 20 { … }` is a branch no other count takes.
    let own = crate::trace::patience();
    if own <= OWN_COUNTS_UP_TO {
        counts.extend([own, own + 1]);
    }
    // Past 2^20 + 1 only PAST_I32 and PAST_U32 are left: for code that could wrap there.
    counts.retain(|&c| c <= max && (c <= OWN_COUNTS_UP_TO + 1 || may_wrap_past_u32()));
    counts.sort_unstable();
    counts.dedup();
    counts
}

thread_local! {
    /// Set by the judge for the code it judges now (see [`code_may_wrap_past_u32`]).
    static MAY_WRAP: std::cell::Cell<bool> = const { std::cell::Cell::new(true) };
}

thread_local! {
    /// Set by the judge for the code it judges now (see [`code_numbers`]).
    static NUMBERS: std::cell::RefCell<Vec<u64>> = const { std::cell::RefCell::new(Vec::new()) };
}

/// How many of the code's own numbers [`across`] starts values at, the largest first.
const OWN_NUMBERS: usize = 4;

/// Tells the one-thread checks the numbers the code judged now writes, the
/// largest first ([`Reading::numbers`](super::Reading::numbers)): [`across`] tries
/// each side of them, [`large_starts`] the largest a counter can hold.
pub fn code_numbers(numbers: Vec<u64>) {
    NUMBERS.with(|n| *n.borrow_mut() = numbers);
}

/// The code's own numbers (see [`code_numbers`]) and its patience (see
/// [`crate::trace::patience`]: the product of its literals may be larger), the
/// largest first, at most [`OWN_NUMBERS`] of them.
fn own_numbers() -> Vec<u64> {
    let mut all = NUMBERS.with(|n| n.borrow().clone());
    all.push(crate::trace::patience());
    all.retain(|&n| n >= 2);
    all.sort_unstable_by(|a, b| b.cmp(a));
    all.dedup();
    all.truncate(OWN_NUMBERS);
    all
}

/// Tells the one-thread checks whether the code judged now could wrap past
/// 2^32, as read from its source
/// ([`Reading::may_wrap_past_u32`](super::Reading::may_wrap_past_u32)); the
/// judge sets it before a check and `true` (the default: code it has not read) after.
pub fn code_may_wrap_past_u32(may: bool) {
    MAY_WRAP.with(|m| m.set(may));
}

/// Whether a count past 2^32 is worth running for the code judged now (see
/// [`code_may_wrap_past_u32`]): `true` unless its source says it cannot wrap.
///
/// ```
/// use racelab::judge::values;
/// assert!(values::loop_counts(u64::MAX).contains(&values::PAST_U32));
/// values::code_may_wrap_past_u32(false);
/// assert!(!values::may_wrap_past_u32());
/// assert_eq!(values::loop_counts(u64::MAX).last(), Some(&values::PAST_U16));
/// values::code_may_wrap_past_u32(true);
/// ```
pub fn may_wrap_past_u32() -> bool {
    MAY_WRAP.with(std::cell::Cell::get)
}

/// The largest count a shared counter (an `AtomicU64` that threads add to) is
/// tried at: 2^63, half its range, so that a right `seen + 1` never overflows. A
/// counter's code must be right for every count it can hold, not only up to the
/// largest total a lab's run reaches: `if seen >= 1 << 40 { load, then store }`
/// is a race waiting for a long-running program.
pub const COUNT_MAX: u64 = 1 << 63;

/// Counts a shared counter starts from in a one-thread check: [`across`] the
/// whole of `0..=`[`COUNT_MAX`] (its edges and the code's own number with them),
/// and 41.
///
/// ```
/// use racelab::judge::values;
/// let counts = values::shared_counts();
/// assert!(counts.contains(&41) && counts.contains(&((1 << 32) + 1)) && counts.contains(&(1 << 63)));
/// ```
pub fn shared_counts() -> Vec<u64> {
    let mut all = across(COUNT_MAX);
    all.push(41);
    all.sort_unstable();
    all.dedup();
    all
}

/// loom cases of a shared count that start where code may take a shortcut for
/// large counts (`if seen > 30_000 { load, then store }`): two threads × 1 from
/// 2^32 − 1, past every threshold below it, and two threads × 2 from one below
/// the code's own largest number (see [`crate::trace::patience`]), where the
/// shortcut starts part-way through — up to [`COUNT_MAX`], past the largest count
/// a lab's run reaches. A case's `start` is the count its run begins at.
///
/// ```
/// use racelab::judge::values;
/// let cases = values::large_starts();
/// assert_eq!(cases[0].param("start"), Some((1 << 32) - 1));
/// ```
pub fn large_starts() -> Vec<crate::lab::Case> {
    use crate::lab::Case;
    let mut cases = vec![Case::new(2, 1).with("start", (1 << 32) - 1)];
    // The largest of the code's own numbers a counter is tried at (`u64::MAX / 2` is
    // written with `u64::MAX`, past it).
    let own = own_numbers().into_iter().find(|&n| n <= COUNT_MAX).unwrap_or(0);
    if own >= 2 && own != 1 << 32 {
        cases.push(Case::new(2, 2).with("start", own - 1));
    }
    cases
}
