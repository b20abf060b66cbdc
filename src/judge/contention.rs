//! Simulated and real rivals: the judge makes a learner's retry loop lose
//! races and finds a learner's lock held by another thread, so an answer that
//! gives up after some tries is caught on one thread, deterministically.
//!
//! Two kinds of rival:
//!
//! * **simulated, inside loom's one-thread run** (`with_lock_held_elsewhere`,
//!   and [`crate::trace::interfere`] for compare-and-swap loops): another
//!   thread wins [`LOST_RACES`] races or holds the lock for [`LOCK_HELD_TRIES`]
//!   attempts — as many as loom's step limit allows;
//! * **real** ([`with_lock_held_for_real`]): a real thread holds the lock for
//!   as long as the learner's call keeps trying (up to [`LOCK_HELD_FOR`] of its
//!   CPU time), catching give-ups with a larger budget, whatever the machine's load.

use crate::trace::Rival;
use std::sync::Arc;
use std::time::Duration;

/// How many lost races the judge's contended run puts before each
/// compare-and-swap answer (see [`crate::trace::interfere`]): more
/// than a give-up limit a learner plausibly writes ("after 3 tries", "after
/// 10 000", "after 2^15"). A lost race costs loom no operation when the loop
/// only loads the word again and retries (the rival's value is kept beside
/// loom's memory, [`crate::trace::shadow`], and a spin hint has no one to let
/// run); the one-thread run allows loom 60 000 steps, so a loop that also
/// touches another shared word at each retry still gets through.
pub const LOST_RACES: u32 = 50_000;

/// The most races a patient rival wins (see [`patience`]): 2^27, a few
/// seconds of a retry loop that costs loom nothing per retry.
pub const MOST_PATIENCE: u32 = super::reading::RETRY_BOUND_MOST as u32;

/// Sets how patient the judge's simulated rivals are for the exercise about to
/// be judged: `largest` is the largest number its code writes
/// ([`Reading::largest_number`](super::Reading::largest_number)). A loop that
/// gives up after `1 << 26` tries meets a rival that wins `1 << 26` + 2 races
/// (at most [`MOST_PATIENCE`]), where code without such a number meets the
/// usual [`LOST_RACES`] and [`LOCK_HELD_TRIES`]: a limit is caught whatever it
/// is, and only code that names a large number pays for the longer run — at
/// most [`crate::trace::PATIENT_CPU`] of its CPU time, after which the rival lets go.
///
/// Code that `computes` numbers from variables (`1u64 << n`, `limit *= 2`, see
/// [`Reading::computes_large_numbers`](super::Reading::computes_large_numbers))
/// may give up after a limit no literal shows: its rivals win [`MOST_PATIENCE`]
/// races (a right loop pays up to [`crate::trace::PATIENT_CPU`] for it), and still
/// let go of a loop that sleeps between tries only after `largest` tries.
pub fn patience(largest: u64, computes: bool) {
    let raised = computes || largest >= u64::from(LOST_RACES.min(LOCK_HELD_TRIES));
    crate::trace::set_patience(largest, raised, computes);
}

/// `usual`, or two more than the learner's largest number (see [`patience`]): a loop
/// written `if tries > limit { break }` gives up after `limit + 1` failures, so a
/// rival that wins `limit + 1` races never sees it give up.
fn due(usual: u32) -> u32 {
    if crate::trace::patience_unbounded() {
        return usual.max(MOST_PATIENCE);
    }
    let largest = crate::trace::patience();
    usual.max(u32::try_from(largest.saturating_add(2)).unwrap_or(MOST_PATIENCE).min(MOST_PATIENCE))
}

/// How many races the rival wins in a row now: [`LOST_RACES`], or more (see [`patience`]).
pub fn lost_races_due() -> u32 {
    due(LOST_RACES)
}

/// One call of an increment of a count of 0 while simulated other threads
/// increment it first, [`LOST_RACES`] times in a row: `call` makes the state,
/// calls the learner's function once and returns the count, which must be the
/// others' increments plus this call's one.
pub(crate) fn lost_races(name: &str, call: impl FnOnce() -> u64) -> Result<(), String> {
    let (count, other) =
        against_rival(lost_races_due(), |v| v + 1, || super::sequential::calling(&format!("{name}(…)"), call));
    // No race lost (a `fetch_add`, or code that never tried): no rival to blame.
    let when = if other == 0 {
        format!("after one call of `{name}` on a count of 0, the count is")
    } else {
        format!("when other threads got in first {}, `{name}` must still add its one: the count is", in_a_row(other))
    };
    super::sequential::expect_that(&when, count, other + 1)
}

/// Calls `call` while a simulated rival gets in first just before each of its
/// next `times` compare-exchanges, doing `other` to the value (see
/// [`crate::trace::interfere`]); returns what `call` returned and how many
/// races it lost. The rival is gone afterwards, whatever `call` did.
pub(crate) fn against_rival<T>(times: u32, other: crate::trace::OtherThread, call: impl FnOnce() -> T) -> (T, u64) {
    crate::trace::interfere(times, other);
    let result = call();
    let lost = u64::from(crate::trace::interference_used());
    crate::trace::interfere(0, |v| v);
    (result, lost)
}

/// Calls `call` while simulated rivals get in first: one wins the call's next
/// `races` compare-exchanges (doing `other` to the value just before each, as in
/// [`against_rival`]); then another does `then` to `word` just after the call's
/// next look at it (a load, or the exchange it just lost: see
/// [`crate::trace::after_next_look`]). A loop that, after some lost races, falls
/// back to a blind `fetch_add` or a `store` of what it last saw ("contended: just
/// take one") acts on a stale look; the races it loses are counted the way its
/// own code counts them, so every count in [`race_counts`] is tried. Returns what
/// `call` returned, how many races it lost and whether the second rival acted.
pub(crate) fn after_races_then_a_stale_look<W, T>(
    word: &W,
    races: u32,
    other: crate::trace::OtherThread,
    then: Rival,
    call: impl FnOnce() -> T,
) -> (T, u64, bool) {
    crate::trace::interfere(races, other);
    crate::trace::after_next_look(Some((std::ptr::from_ref(word) as usize, then)));
    let result = call();
    let looked = crate::trace::stale_look_taken();
    let lost = u64::from(crate::trace::interference_used());
    crate::trace::after_next_look(None);
    crate::trace::interfere(0, |v| v);
    (result, lost, looked)
}

/// Calls `call` while a simulated thread reads `word` after each write the
/// call makes to it (see [`crate::trace::watch`]): `kept.0(v)` must be `kept.1`
/// in every value `v` written. Returns what `call` returned and the first value
/// written that broke it — a state another thread could have read.
pub(crate) fn watching<W, T>(word: &W, kept: crate::trace::Kept, call: impl FnOnce() -> T) -> (T, Option<u64>) {
    crate::trace::watch(Some((std::ptr::from_ref(word) as usize, kept)));
    let result = call();
    let wrong = crate::trace::watched_wrong();
    crate::trace::watch(None);
    (result, wrong)
}

/// A mutex of the model, std's or `parking_lot`'s, as the judge's rivals reach it.
pub(crate) trait ModelLock<V>: Sized + 'static {
    /// A new unlocked mutex holding `value`.
    fn holding(value: V) -> Self;
    /// The std-style model mutex (itself, or the one inside `parking_lot`'s).
    fn model(&self) -> &crate::sync::model::Mutex<V>;
    /// The value, once the call is over.
    fn into_value(self) -> V;
}

impl<V> ModelLock<V> for crate::sync::model::Mutex<V>
where
    V: 'static,
{
    fn holding(value: V) -> Self {
        crate::sync::model::Mutex::new(value)
    }
    fn model(&self) -> &crate::sync::model::Mutex<V> {
        self
    }
    fn into_value(self) -> V {
        self.into_inner().unwrap_or_else(std::sync::PoisonError::into_inner)
    }
}

impl<V> ModelLock<V> for crate::sync::model::parking_lot::Mutex<V>
where
    V: 'static,
{
    fn holding(value: V) -> Self {
        crate::sync::model::parking_lot::Mutex::new(value)
    }
    fn model(&self) -> &crate::sync::model::Mutex<V> {
        crate::sync::model::parking_lot::Mutex::model(self)
    }
    fn into_value(self) -> V {
        self.into_inner()
    }
}

/// Calls `call` while a simulated thread waits for `lock` and gets it between the
/// call's unlocking of it and its next locking of it, once, doing `act` to the
/// value (see [`crate::trace::between_lockings`]); meanwhile the first `busy`
/// `try_lock`s find the lock held by yet another thread, so a loop that falls back
/// to another path after a few busy tries takes it. Returns what `call` returned
/// and whether the waiting thread got in. Code that does its whole job under one
/// locking never lets it in.
pub(crate) fn between_two_lockings<V: 'static, L: ModelLock<V>, T>(
    lock: &L,
    busy: u32,
    act: impl FnMut(&mut V) + 'static,
    call: impl FnOnce() -> T,
) -> (T, bool) {
    let (result, used) = between_lockings_times(lock, busy, 1, act, call);
    (result, used > 0)
}

/// [`between_two_lockings`], the waiting thread getting in before each of the call's
/// next `times` lockings after an unlocking: returns how many times it did. A loop
/// that looks under one locking and acts under the next only if nothing changed, and
/// gives up after a few tries, meets as many changes as it tries.
pub(crate) fn between_lockings_times<V: 'static, L: ModelLock<V>, T>(
    lock: &L,
    busy: u32,
    times: u32,
    mut act: impl FnMut(&mut V) + 'static,
    call: impl FnOnce() -> T,
) -> (T, u32) {
    let addr = std::ptr::from_ref(lock.model()) as usize;
    let on_value: crate::trace::Relocking = Box::new(move |value: *mut ()| {
        // Safety: `trace::locking` hands this the value of the model mutex at `addr`,
        // which is `lock`'s (alive for the whole call, so no other object has its
        // address): it points to a `V`. The code has just taken that lock and holds
        // no guard of it yet, so this is the only reference to the value.
        act(unsafe { &mut *value.cast::<V>() });
    });
    crate::trace::interfere_briefly(busy, |_| 1);
    crate::trace::between_lockings(Some((addr, times, on_value)));
    let result = call();
    let used = crate::trace::between_lockings_used();
    crate::trace::between_lockings(None);
    crate::trace::interfere(0, |v| v);
    (result, used)
}

/// The most calls `warm_up` makes: past it, only real threads' long trials
/// (`real_stage::long_trials`) reach a path taken after that many calls (a call
/// costs a one-thread model run a few of its 60 000 steps).
pub const WARM_UP_MOST: u64 = 4_096;

/// Inside a one-thread model run, before its simulated rival comes: calls `call`
/// (the learner's function on a fresh value) as many times as the code's own
/// largest number, plus two (see [`patience`]; none past [`WARM_UP_MOST`]): a path
/// taken once `calls > N` is taken from call N + 2 (the checked call is the next).
/// Code that changes its path after N calls on a thread (a `thread_local!` call
/// counter: "a hot thread takes the fast path") is on that path when the rival
/// comes. The model's thread-locals live for one run, so each run warms up anew.
pub(crate) fn warm_up(call: impl Fn()) {
    let own = crate::trace::patience();
    if own <= WARM_UP_MOST {
        for _ in 0..=own + 1 {
            call();
        }
    }
}

/// How the every-call checks' failures begin (`on call 1000 of …`): their signatures leave
/// the numbers out (see `pipeline`).
pub(crate) const ON_CALL: &str = "on call ";

/// The fewest calls [`calls_checked`] names: a path taken on one call in a thousand (`calls
/// % 1000 == 0`, `calls.trailing_zeros() >= 10`) is taken once among them.
pub const EVERY_CALL_CHECKED_LEAST: u64 = 1_025;

/// How many calls in a row meet a rival each, on one thread, in the every-call check before
/// loom (`count_rivalled_at_every_call`): the code's own largest number and two more, at least
/// [`EVERY_CALL_CHECKED_LEAST`], at most [`WARM_UP_MOST`] (one model run's step budget). A path
/// taken only on some calls — every 1 000th, or once a thread has had N calls — is met by a
/// rival on the call that takes it; `warm_up`'s calls, unchecked, only reach paths taken on
/// every call after N.
///
/// ```
/// use racelab::judge::contention::{EVERY_CALL_CHECKED_LEAST, calls_checked};
/// assert!(calls_checked() >= EVERY_CALL_CHECKED_LEAST);
/// ```
pub fn calls_checked() -> u64 {
    crate::trace::patience().saturating_add(2).clamp(EVERY_CALL_CHECKED_LEAST, WARM_UP_MOST)
}

/// [`calls_checked`] calls of `call` on one state made by `state`, inside a one-thread model
/// run: another thread adds 1 to the count `word` picks just after each call's look at it,
/// and after each call the count must hold the call's one and every 1 the rival added.
fn count_with_a_rival_at_every_call<S>(
    name: &str,
    state: &S,
    word: fn(&S) -> &crate::sync::model::atomic::AtomicU64,
    call: &impl Fn(&S),
) -> Result<(), (u64, String)> {
    use crate::sync::model::atomic::Ordering::Relaxed;
    let counter = word(state);
    let mut expected = counter.load(Relaxed);
    for call_number in 1..=calls_checked() {
        let ((), _, looked) =
            after_races_then_a_stale_look(counter, 0, |v| v, Rival::Applies(adds_one), || call(state));
        let rival = if looked {
            format!(", when another thread added 1 just after `{name}` looked at the count")
        } else {
            String::new()
        };
        expected = expected.wrapping_add(1 + u64::from(looked));
        super::expect_that(
            &format!("on call {call_number} of `{name}` on one thread, always on the same count{rival}, the count is"),
            counter.load(Relaxed),
            expected,
        )
        .map_err(|why| (call_number, why))?;
    }
    Ok(())
}

/// [`calls_checked`] calls of an increment under a lock, inside a one-thread model run, each
/// on a lock holding the call's number: each call's first `try_lock` finds the lock busy, and
/// another thread that waits for it adds 1 between the call's unlocking and its next locking.
/// After each call the count must hold the call's one and the other thread's, if it got in.
fn locked_increment_with_a_rival_at_every_call<L: ModelLock<u64>>(
    name: &str,
    increment: fn(&L),
) -> Result<(), (u64, String)> {
    for call in 1..=calls_checked() {
        let counter = L::holding(call);
        // Whether the call found the lock busy at its first try, read before the rival is gone.
        let (busy, acted) = between_two_lockings(
            &counter,
            1,
            |v: &mut u64| *v = v.wrapping_add(1),
            || {
                increment(&counter);
                crate::trace::interference_used()
            },
        );
        let mut rivals = Vec::new();
        if busy > 0 {
            rivals.push(format!("another thread held the lock when `{name}` first tried to take it"));
        }
        if acted {
            rivals.push(format!("another thread took the lock between `{name}`'s two lockings and added 1"));
        }
        let when = if rivals.is_empty() { String::new() } else { format!(", when {}", rivals.join(" and ")) };
        let must =
            if acted { "the count is".to_string() } else { format!("`{name}` must still add its one: the count is") };
        super::expect_that(
            &format!("on call {call} of `{name}` on one thread, from a count of {call}{when}, {must}"),
            counter.into_value(),
            call + 1 + u64::from(acted),
        )
        .map_err(|why| (call, why))?;
    }
    Ok(())
}

/// A failure of an every-call check, reported before loom only when an earlier call of the
/// run passed: a path taken on some calls only, which loom's few calls never reach. Wrong on
/// the first call, the code is wrong on every call, and loom shows it with a schedule.
fn after_the_first_call(checked: Result<(), (u64, String)>) -> Result<(), String> {
    match checked {
        Err((call, why)) if call > 1 => Err(why),
        _ => Ok(()),
    }
}

/// Before loom, for a count that each call adds one to (`name`, as the learner wrote it): on
/// one thread and one state (`state` makes it; `word` is the count the calls add to), another
/// thread adds 1 just after the look of every call of a long run ([`calls_checked`] calls). A
/// path taken only on some calls — every 1 000th, every 1 024th (`calls.trailing_zeros() >=
/// 10`), once a thread has made N calls — loses that 1 on the first call that takes it. Every
/// lab whose exercise adds one to a count other threads share runs it from its `sequential`
/// check (labs 01, 02 and 04; not lab 06's shards: no other thread writes a thread's own shard,
/// and a load and a store there is right — its catalogue's `own_shard_load_store`).
pub(crate) fn count_rivalled_at_every_call<S: 'static>(
    name: &'static str,
    state: fn() -> S,
    word: fn(&S) -> &crate::sync::model::atomic::AtomicU64,
    call: impl Fn(&S) + Send + Sync + 'static,
) -> Result<(), super::Sequential> {
    super::once_in_model(move || after_the_first_call(count_with_a_rival_at_every_call(name, &state(), word, &call)))
}

/// [`count_rivalled_at_every_call`] for a counter's atomic increment, on one counter from 0.
pub(crate) fn increment_rivalled_at_every_call(
    name: &'static str,
    increment: fn(&crate::sync::model::atomic::AtomicU64),
) -> Result<(), super::Sequential> {
    count_rivalled_at_every_call(name, || crate::sync::model::atomic::AtomicU64::new(0), |counter| counter, increment)
}

/// [`increment_rivalled_at_every_call`] for an increment under a lock: each call's first
/// `try_lock` finds the lock busy, and another thread that waits for it adds 1 between the
/// call's unlocking and its next locking.
pub(crate) fn locked_increment_rivalled_at_every_call<L: ModelLock<u64>>(
    name: &'static str,
    increment: fn(&L),
) -> Result<(), super::Sequential> {
    super::once_in_model(move || after_the_first_call(locked_increment_with_a_rival_at_every_call(name, increment)))
}

/// Another thread's increment, as a simulated rival makes it.
fn adds_one(value: u64) -> u64 {
    value.wrapping_add(1)
}

/// Other threads' work between a call's look at a shared count and its exchange, in
/// one lost race: the count moved by `J` at once (many increments, a large publish).
fn jumps_by<const J: u64>(value: u64) -> u64 {
    value.wrapping_add(J)
}

/// How far the count jumps in the one race [`JUMPS`]' rivals win: a loop that, finding
/// the count far ahead of what it saw, "catches up" with a plain `store` acts on a stale
/// look, for whatever threshold the learner picked ("more than 1 000 ahead"). Each size
/// is one past a round number a threshold plausibly sits at, and one past 2^32.
pub const JUMPS: [(u64, crate::trace::OtherThread); 7] = [
    (2, jumps_by::<2>),
    (101, jumps_by::<101>),
    (1_001, jumps_by::<1_001>),
    (10_001, jumps_by::<10_001>),
    (65_537, jumps_by::<65_537>),
    (1_000_001, jumps_by::<1_000_001>),
    ((1 << 32) + 1, jumps_by::<{ (1 << 32) + 1 }>),
];

thread_local! {
    /// The size of the jump a [`jumping`] round's rival makes (the model runs on this OS thread).
    static JUMP: std::cell::Cell<u64> = const { std::cell::Cell::new(0) };
}

/// For each size of [`JUMPS`] that `fits`, runs `round` with [`jump`] saying that size:
/// for a rival that moves a word other than by adding (lab 03's transfer of many
/// units at once), written as a plain `fn` that reads [`jump`].
pub(crate) fn jumping<E>(fits: impl Fn(u64) -> bool, mut round: impl FnMut(u64) -> Result<(), E>) -> Result<(), E> {
    for (size, _) in JUMPS.into_iter().filter(|&(size, _)| fits(size)) {
        JUMP.with(|j| j.set(size));
        let result = round(size);
        JUMP.with(|j| j.set(0));
        result?;
    }
    Ok(())
}

/// How far this [`jumping`] round's rival moves the word (0 outside one).
pub(crate) fn jump() -> u64 {
    JUMP.with(std::cell::Cell::get)
}

/// After loom, for a counter's increment (`name`, as the learner wrote it): on one
/// thread, another thread adds 1 just after the call's look at the counter, from
/// every count in `starts`, and after other threads won `k` races for every `k` of
/// [`race_counts`]. A `load` and `store` taken only for large counts, or after a few
/// lost races, loses the other thread's 1 — a shortcut loom's small counts and two
/// or three threads never reach.
pub(crate) fn increment_beyond_loom(
    name: &'static str,
    increment: fn(&crate::sync::model::atomic::AtomicU64),
    starts: Vec<u64>,
) -> Result<(), super::Sequential> {
    use crate::sync::model::atomic::{AtomicU64, Ordering::Relaxed};
    super::once_in_model(move || {
        warm_up(|| increment(&AtomicU64::new(0)));
        for &start in &starts {
            let counter = AtomicU64::new(start);
            let ((), _, looked) =
                after_races_then_a_stale_look(&counter, 0, |v| v, Rival::Applies(adds_one), || increment(&counter));
            if looked {
                super::expect_that(
                    &format!(
                        "from a count of {start}, when another thread added 1 just after `{name}` looked at the \
                         count, the count is"
                    ),
                    counter.load(Relaxed),
                    start.wrapping_add(2),
                )?;
            }
        }
        Ok(())
    })?;
    // One race lost to other threads that moved the count far, then one more adds 1 just
    // after the call's next look: a "catch up with a store" fallback loses that 1.
    for (jump, rival) in JUMPS {
        super::once_in_model(move || {
            warm_up(|| increment(&AtomicU64::new(0)));
            let counter = AtomicU64::new(0);
            let ((), lost, looked) =
                after_races_then_a_stale_look(&counter, 1, rival, Rival::Applies(adds_one), || increment(&counter));
            let also = if looked { " and one more added 1 just after it looked" } else { "" };
            super::expect_that(
                &format!(
                    "from a count of 0, when other threads added {jump} between `{name}`'s look and its exchange{also}, \
                     `{name}` must still add its one: the count is"
                ),
                counter.load(Relaxed),
                (jump * lost).wrapping_add(u64::from(looked) + 1),
            )
        })?;
    }
    for races in race_sweep_long().filter(|&k| k > 0) {
        super::once_in_model(move || {
            warm_up(|| increment(&AtomicU64::new(0)));
            let counter = AtomicU64::new(0);
            let ((), lost, looked) =
                after_races_then_a_stale_look(&counter, races, adds_one, Rival::Applies(adds_one), || {
                    increment(&counter)
                });
            let also = if looked { " and one more added 1 just after it looked" } else { "" };
            super::expect_that(
                &format!(
                    "when other threads got in first {}{also}, `{name}` must still add its one: the count is",
                    in_a_row(lost)
                ),
                counter.load(Relaxed),
                lost + u64::from(looked) + 1,
            )
        })?;
    }
    Ok(())
}

/// After loom, for a counter's increment under a lock (`name`, as the learner wrote
/// it): on one thread, another thread waits for the lock and adds 1 between the
/// call's unlocking and its next locking (see [`between_two_lockings`]), after the
/// first `k` `try_lock`s found the lock busy, for every `k` of [`race_sweep`]. A read
/// under one locking and a write under another loses that 1 — in a fallback taken
/// after a few busy `try_lock`s, where loom's threads rarely take it.
pub(crate) fn increment_between_lockings<L: ModelLock<u64>>(
    name: &'static str,
    increment: fn(&L),
) -> Result<(), super::Sequential> {
    for busy in race_sweep() {
        super::once_in_model(move || {
            warm_up(|| increment(&L::holding(0)));
            // Every count once (a split taken only for large counts), two after busy tries.
            let starts = if busy == 0 { super::values::shared_counts() } else { vec![0, 41] };
            for start in starts {
                let counter = L::holding(start);
                let ((), acted) =
                    between_two_lockings(&counter, busy, |v: &mut u64| *v = v.wrapping_add(1), || increment(&counter));
                let busy_first =
                    if busy == 0 { String::new() } else { format!(" (its first {busy} `try_lock`s found it busy)") };
                if acted {
                    super::expect_that(
                        &format!(
                            "from a count of {start}, when another thread took the lock between `{name}`'s two \
                             lockings of it{busy_first} and added 1, the count is"
                        ),
                        counter.into_value(),
                        start + 2,
                    )?;
                } else if busy > 0 {
                    // No second locking: the call must still have added its one (not skipped it
                    // because the lock was busy).
                    super::expect_that(
                        &format!(
                            "from a count of {start}, when another thread held the lock for `{name}`'s first \
                             {busy} `try_lock`s, `{name}` must still add its one: the count is"
                        ),
                        counter.into_value(),
                        start + 1,
                    )?;
                }
            }
            // Another thread adds 1 before each of the call's next `busy` lockings: a loop that
            // writes under the next locking only if nothing changed must not give up.
            if busy > 0 {
                let counter = L::holding(0);
                let adds_one = |v: &mut u64| *v = v.wrapping_add(1);
                let ((), used) = between_lockings_times(&counter, 0, busy, adds_one, || increment(&counter));
                if used > 0 {
                    super::expect_that(
                        &format!(
                            "from a count of 0, when other threads took the lock between `{name}`'s lockings {}, \
                             adding 1 each time, the count is",
                            in_a_row(u64::from(used))
                        ),
                        counter.into_value(),
                        u64::from(used) + 1,
                    )?;
                }
            }
            Ok(())
        })?;
    }
    Ok(())
}

/// The numbers of races in a row `after_races_then_a_stale_look` tries: every
/// count up to 16, each side of the powers of two and ten up to 2^12 where a
/// learner's limit plausibly sits, and the code's own largest number and one more
/// ([`crate::trace::patience`], up to 2^20: a tight loop loses that many in ~30 ms).
///
/// ```
/// use racelab::judge::contention::race_counts;
/// let counts = race_counts();
/// assert!((0..=16).all(|k| counts.contains(&k)));
/// assert!(counts.contains(&999) && counts.contains(&1025));
/// ```
pub fn race_counts() -> Vec<u32> {
    let mut counts: Vec<u32> = (0..=16).collect();
    for edge in [32, 64, 100, 128, 256, 512, 1000, 1024, 2048, 4096] {
        counts.extend([edge - 1, edge, edge + 1]);
    }
    let own = crate::trace::patience();
    if own <= 1 << 20 {
        let own = u32::try_from(own).unwrap_or(0);
        // `tries > own` gives up after own + 1 failures: own + 2 outlasts it. A loop that looks
        // under one locking and acts under the next spends two of the rival's turns on each
        // try: two past twice its limit outlasts it.
        counts.extend([own, own + 1, own + 2, 2 * own + 1, 2 * own + 2]);
    }
    counts.sort_unstable();
    counts.dedup();
    counts
}

/// How much of the judging thread's CPU time one sweep over [`race_counts`] may
/// take ([`race_sweep`]): a right loop with a growing back-off (spin 1, 2, 4 …
/// 65 536 times between tries) pays milliseconds per lost race, and swept to
/// 4 096 races and its own 65 536 it took 34 s, past `verify`'s 40 s with its other
/// checks. A tight loop sweeps every count in well under a second.
pub const SWEEP_CPU: Duration = Duration::from_secs(6);

/// [`race_counts`], the smallest first, while the sweep has spent less than
/// [`SWEEP_CPU`] of the judging thread's CPU time: every count for a loop that
/// retries at once, the small ones (where a learner's limit plausibly sits) for one
/// that backs off. Every lab's sweep after loom goes through here.
///
/// ```
/// use racelab::judge::contention::{race_counts, race_sweep};
/// assert_eq!(race_sweep().collect::<Vec<_>>(), race_counts());
/// ```
pub fn race_sweep() -> impl Iterator<Item = u32> {
    let start = crate::trace::thread_cpu();
    race_counts().into_iter().take_while(move |_| crate::trace::thread_cpu().saturating_sub(start) < SWEEP_CPU)
}

/// [`race_sweep`], and then longer runs of lost races up to 2^20 whatever the code
/// names, within the same CPU budget: for compare-and-swap loops, where a lost race
/// costs loom nothing (a lock's try costs it steps, so the lock checks stay with
/// [`race_sweep`]). A give-up limit past 4 096 in code whose own largest number is
/// no guide (lab 03's packing names 2^32 − 1) still meets a longer run of losses.
///
/// ```
/// use racelab::judge::contention::race_sweep_long;
/// let counts: Vec<u32> = race_sweep_long().collect();
/// assert!(counts.contains(&4097) && counts.contains(&65_537) && counts.contains(&(1 << 20)));
/// ```
pub fn race_sweep_long() -> impl Iterator<Item = u32> {
    let start = crate::trace::thread_cpu();
    let mut counts = race_counts();
    for edge in [8192, 10_000, 65_536, 100_000, 1 << 20] {
        counts.extend([edge - 1, edge, edge + 1]);
    }
    counts.sort_unstable();
    counts.dedup();
    counts.into_iter().take_while(move |_| crate::trace::thread_cpu().saturating_sub(start) < SWEEP_CPU)
}

/// How many races were lost, as a failure says it: "once", "3 times".
pub(crate) fn how_often(lost: u64) -> String {
    if lost == 1 { "once".to_string() } else { format!("{lost} times") }
}

/// Races lost one after another, as a failure says it: "once", "3 times in a row" (never
/// "once in a row").
pub(crate) fn in_a_row(lost: u64) -> String {
    if lost == 1 { how_often(lost) } else { format!("{} in a row", how_often(lost)) }
}

/// How many `try_lock`s or lock exchanges find the lock held elsewhere in the
/// judge's contended run (see `with_lock_held_elsewhere`): more than a
/// give-up limit a learner plausibly writes ("after 10 000 spins"); each costs
/// loom an operation or a few (the busy `try_lock`'s yield, the answer's spin
/// hint, a load), within the one-thread run's 60 000 steps.
pub const LOCK_HELD_TRIES: u32 = 12_000;

/// Runs `call` (one call of a learner's locking function, and its own check)
/// while another, simulated, thread holds the lock for the first
/// [`LOCK_HELD_TRIES`] `try_lock`s or exchanges: an answer that stops trying
/// before the lock is free is caught; one that waits (spinning, or blocking in
/// `lock()`) gets through.
pub(crate) fn with_lock_held_elsewhere(name: &str, call: impl FnOnce() -> Result<(), String>) -> Result<(), String> {
    use crate::trace;
    trace::interfere_briefly(due(LOCK_HELD_TRIES), |_| 1);
    let result = super::sequential::calling(&format!("{name}(…)"), call);
    let (used, left) = (trace::interference_used(), trace::interference_left());
    trace::interfere(0, |v| v);
    if used > 0 && left > 0 {
        return Err(format!(
            "when another thread held the lock, `{name}` stopped trying after {used} attempt{} and went on without \
             it: a lock must wait until it is free, however long that takes",
            if used == 1 { "" } else { "s" }
        ));
    }
    result
}

/// How much of its CPU time the learner's call may spend trying to take the
/// lock while the judge's real thread holds it (see [`with_lock_held_for_real`]).
pub const LOCK_HELD_FOR: Duration = Duration::from_secs(1);

/// How long, after the lock is free again, a learner's call may take to return.
const RETURN_AFTER_RELEASE: Duration = Duration::from_secs(3);

/// Calls `call(&lock)` once on a real thread while this thread holds the lock
/// for [`LOCK_HELD_FOR`], then `after(&lock, result)` once it returned.
///
/// `with_lock_held_elsewhere` simulates a holder for [`LOCK_HELD_TRIES`]
/// attempts, inside loom's step limit; a lock that gives up after more tries
/// than that, or after a time-out, spins millions of times in a second and is
/// caught here: it returns while the lock is still held. `hold(&lock, wait)`
/// takes the lock, calls `wait()` (which starts the call and waits), and lets
/// the lock go.
///
/// ```
/// use racelab::judge::contention::with_lock_held_for_real;
/// use std::sync::Mutex;
///
/// let waits = with_lock_held_for_real(
///     "add_one",
///     Mutex::new(0_u64),
///     |m, wait| {
///         let _guard = m.lock();
///         wait();
///     },
///     |m| *m.lock().unwrap() += 1,
///     |m, ()| if *m.lock().unwrap() == 1 { Ok(()) } else { Err("lost".into()) },
/// );
/// assert!(waits.is_ok());
///
/// let gives_up = with_lock_held_for_real(
///     "add_one",
///     Mutex::new(0_u64),
///     |m, wait| {
///         let _guard = m.lock();
///         wait();
///     },
///     |m| (0..1_000_000).any(|_| m.try_lock().map(|mut g| *g += 1).is_ok()),
///     |_, _| Ok(()),
/// );
/// assert!(gives_up.unwrap_err().contains("returned while"));
/// ```
pub fn with_lock_held_for_real<L, T>(
    name: &str,
    lock: L,
    hold: impl FnOnce(&L, &mut dyn FnMut()),
    call: impl FnOnce(&L) -> T + Send + 'static,
    after: impl FnOnce(&L, T) -> Result<(), String>,
) -> Result<(), String>
where
    L: Send + Sync + 'static,
    T: Send + 'static,
{
    use std::sync::atomic::{AtomicBool, AtomicI32, Ordering::SeqCst};
    type Returned<T> = (Result<T, (String, String)>, bool);
    let shared = Arc::new((lock, AtomicBool::new(false), AtomicI32::new(0)));
    let (done, finished) = std::sync::mpsc::channel::<Returned<T>>();
    let mut call = Some(call);
    let mut early: Option<Result<Returned<T>, String>> = None;
    hold(&shared.0, &mut || {
        let (Some(call), None) = (call.take(), &early) else { return };
        let theirs = Arc::clone(&shared);
        let done = done.clone();
        let started = std::thread::Builder::new().name(format!("judge: {name}")).spawn(move || {
            // Safety: gettid only returns this thread's id.
            theirs.2.store(unsafe { libc::gettid() }, SeqCst);
            let result = crate::check::quietly_catch(|| call(&theirs.0));
            // `released` is set before the lock is let go: a call that got the lock sees it.
            let while_held = !theirs.1.load(SeqCst);
            let _ = done.send((result, while_held));
        });
        early = match started {
            Err(e) => Some(Err(format!("cannot start a thread to call `{name}`: {e}"))),
            Ok(_) => hold_while_trying(&finished, &shared.2).map(Ok),
        };
        shared.1.store(true, SeqCst);
    });
    let seconds = "as long as yours kept trying (a second of its CPU time)";
    let (result, while_held) = match early {
        Some(returned) => returned?,
        None if call.is_some() => return Err(format!("the judge never called `{name}`")),
        None => finished.recv_timeout(RETURN_AFTER_RELEASE).map_err(|_| {
            format!(
                "when another thread held the lock {seconds} and then let it go, `{name}` had not returned {} s \
                 later",
                RETURN_AFTER_RELEASE.as_secs()
            )
        })?,
    };
    let value = result.map_err(|(message, at)| format!("`{name}` panicked{at}: {message}"))?;
    if while_held {
        return Err(format!(
            "when another thread held the lock {seconds}, `{name}` returned while it was still held: it did not \
             wait for it (it gave up, or never took it). A lock must wait until it is free, however long that takes"
        ));
    }
    after(&shared.0, value)
}

/// How long the real holder keeps the lock at least, and at most.
const HOLD_AT_LEAST: Duration = Duration::from_millis(200);
/// Ten seconds: a loop that sleeps between tries and gives up after that long is
/// caught, and the answer still has the rest of `verify`'s 40 s for its other checks (a
/// right lab 07 acquire that polls with a 50 µs nap took 41 s at twenty).
const HOLD_AT_MOST: Duration = Duration::from_secs(10);

/// How long the learner's thread must sit blocked on a lock (a futex) before
/// the holder takes it as waiting, and lets go.
const BLOCKED_FOR: Duration = Duration::from_millis(100);

/// Holds until the learner's call returns (its result), or it is seen
/// waiting properly — blocked on the lock for [`BLOCKED_FOR`] — or it has
/// spent [`LOCK_HELD_FOR`] of CPU time trying (spinning, yielding); at least
/// [`HOLD_AT_LEAST`], at most [`HOLD_AT_MOST`] (a loop that sleeps between
/// tries uses no CPU, and is held that long).
///
/// Counting the learner's own CPU time and kernel state, not the clock, makes
/// the verdict the same on a quiet and a loaded machine: a loop that gives up
/// after a budget of tries it spends within a second of CPU is caught whatever
/// else runs. Without `/proc` (not Linux), it holds for [`LOCK_HELD_FOR`].
fn hold_while_trying<R>(finished: &std::sync::mpsc::Receiver<R>, tid: &std::sync::atomic::AtomicI32) -> Option<R> {
    use std::sync::mpsc::RecvTimeoutError;
    let started = std::time::Instant::now();
    let mut blocked_since: Option<std::time::Instant> = None;
    loop {
        match finished.recv_timeout(Duration::from_millis(10)) {
            Ok(result) => return Some(result),
            Err(RecvTimeoutError::Disconnected) => return None,
            Err(RecvTimeoutError::Timeout) => {}
        }
        let elapsed = started.elapsed();
        let Some((on_lock, cpu)) = thread_state(tid.load(std::sync::atomic::Ordering::SeqCst)) else {
            if elapsed >= LOCK_HELD_FOR {
                return None;
            }
            continue;
        };
        if on_lock {
            blocked_since.get_or_insert_with(std::time::Instant::now);
        } else {
            blocked_since = None;
        }
        let waiting = blocked_since.is_some_and(|since| since.elapsed() >= BLOCKED_FOR);
        if (elapsed >= HOLD_AT_LEAST && waiting) || cpu >= LOCK_HELD_FOR || elapsed >= HOLD_AT_MOST {
            return None;
        }
    }
}

/// Whether thread `tid` of this process is blocked on a lock (asleep in a
/// futex wait), and the CPU time it has used, from `/proc`.
fn thread_state(tid: i32) -> Option<(bool, Duration)> {
    if tid <= 0 {
        return None;
    }
    let stat = std::fs::read_to_string(format!("/proc/self/task/{tid}/stat")).ok()?;
    let wchan = std::fs::read_to_string(format!("/proc/self/task/{tid}/wchan")).unwrap_or_default();
    // `pid (name) state … utime stime …`: the name may hold spaces or parentheses.
    let fields: Vec<&str> = stat[stat.rfind(')')? + 1..].split_whitespace().collect();
    let ticks: u64 = fields.get(11)?.parse::<u64>().ok()? + fields.get(12)?.parse::<u64>().ok()?;
    // Safety: sysconf only reads a system constant.
    let per_second = u64::try_from(unsafe { libc::sysconf(libc::_SC_CLK_TCK) }).ok().filter(|&t| t > 0)?;
    let asleep = matches!(fields.first(), Some(&"S") | Some(&"D"));
    Some((asleep && wchan.contains("futex"), Duration::from_millis(ticks * 1000 / per_second)))
}

/// A guard of a real mutex, whichever kind: what [`held_mutex`] needs to read the value.
type AnyGuard<'a, V> = Box<dyn std::ops::Deref<Target = V> + 'a>;

/// [`with_lock_held_for_real`] around a real mutex `lock` (`take` locks it);
/// `after` sees the guarded value and what the call returned.
fn held_mutex<L, V, T>(
    name: &str,
    lock: L,
    take: for<'a> fn(&'a L) -> AnyGuard<'a, V>,
    call: impl FnOnce(&L) -> T + Send + 'static,
    after: impl FnOnce(&V, T) -> Result<(), String>,
) -> Result<(), String>
where
    L: Send + Sync + 'static,
    T: Send + 'static,
{
    let hold = |m: &L, wait: &mut dyn FnMut()| {
        let _guard = take(m);
        wait();
    };
    with_lock_held_for_real(name, lock, hold, call, |m, t| after(&take(m), t).map_err(after_the_hold))
}

/// [`with_lock_held_for_real`] around a real `std::sync::Mutex` holding
/// `value`; `after` sees the value and what the call returned.
pub(crate) fn real_mutex_held<V: Send + 'static, T: Send + 'static>(
    name: &str,
    value: V,
    call: impl FnOnce(&crate::sync::real::Mutex<V>) -> T + Send + 'static,
    after: impl FnOnce(&V, T) -> Result<(), String>,
) -> Result<(), String> {
    fn take<V>(m: &crate::sync::real::Mutex<V>) -> AnyGuard<'_, V> {
        Box::new(m.lock().unwrap_or_else(std::sync::PoisonError::into_inner))
    }
    held_mutex(name, crate::sync::real::Mutex::new(value), take::<V>, call, after)
}

/// [`real_mutex_held`] for a real `parking_lot::Mutex`.
pub(crate) fn real_parking_lot_held<V: Send + 'static, T: Send + 'static>(
    name: &str,
    value: V,
    call: impl FnOnce(&crate::sync::real::parking_lot::Mutex<V>) -> T + Send + 'static,
    after: impl FnOnce(&V, T) -> Result<(), String>,
) -> Result<(), String> {
    fn take<V>(m: &crate::sync::real::parking_lot::Mutex<V>) -> AnyGuard<'_, V> {
        Box::new(m.lock())
    }
    held_mutex(name, crate::sync::real::parking_lot::Mutex::new(value), take::<V>, call, after)
}

/// What went wrong after [`with_lock_held_for_real`], said as what happened first.
pub(crate) fn after_the_hold(why: String) -> String {
    format!("when another thread held the lock while yours tried, and then let it go, {why}")
}
