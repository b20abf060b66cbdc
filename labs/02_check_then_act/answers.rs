// Lab 02's catalogue of learner answers: plausible wrong ones the judge must
// reject, and unusual right ones it must accept (mutation tests of the judge).

use super::Fixes;
use super::sync::atomic::{AtomicU64, Ordering::Relaxed};
use super::sync::{Mutex, hint, parking_lot};
use crate::judge::Answer;

const S: Fixes = Fixes::SOLUTION;

// --- wrong --------------------------------------------------------------

/// Checks under one locking, sells under another: the check goes stale.
fn check_then_lock_again(sold: &Mutex<u64>, capacity: u64) -> bool {
    let free = *sold.lock().expect("poisoned") < capacity;
    if free {
        *sold.lock().expect("poisoned") += 1;
    }
    free
}

/// Gives up when the lock is busy: a buyer is turned away with tickets left.
fn try_lock_give_up(sold: &Mutex<u64>, capacity: u64) -> bool {
    match sold.try_lock() {
        Ok(mut sold) if *sold < capacity => {
            *sold += 1;
            true
        }
        _ => false,
    }
}

/// parking_lot's `try_lock`, giving up when busy.
fn parking_lot_try_lock_give_up(sold: &parking_lot::Mutex<u64>, capacity: u64) -> bool {
    match sold.try_lock() {
        Some(mut sold) if *sold < capacity => {
            *sold += 1;
            true
        }
        _ => false,
    }
}

/// `<=` instead of `<`: sells one ticket too many.
fn off_by_one(sold: &Mutex<u64>, capacity: u64) -> bool {
    let mut sold = sold.lock().expect("poisoned");
    if *sold <= capacity {
        *sold += 1;
        return true;
    }
    false
}

/// Caps the count at the capacity, and always says yes (a reviewer's answer, once
/// named as `off_by_one`): the count never passes the capacity, but the buyer who
/// got nothing hears yes.
fn sells_capped_at_capacity(sold: &Mutex<u64>, capacity: u64) -> bool {
    let mut sold = sold.lock().expect("poisoned");
    *sold = (*sold + 1).min(capacity);
    true
}

/// Sells, but always tells the buyer no.
fn sells_but_says_no(sold: &parking_lot::Mutex<u64>, capacity: u64) -> bool {
    let mut sold = sold.lock();
    if *sold < capacity {
        *sold += 1;
    }
    false
}

/// Checks with a load, sells with `fetch_add`: the racy box office again.
fn load_then_fetch_add(sold: &AtomicU64, capacity: u64) -> bool {
    if sold.load(Relaxed) < capacity {
        sold.fetch_add(1, Relaxed);
        return true;
    }
    false
}

/// One compare-exchange whose failure means "sold out": undersells.
fn cas_once(sold: &AtomicU64, capacity: u64) -> bool {
    let seen = sold.load(Relaxed);
    seen < capacity && sold.compare_exchange(seen, seen + 1, Relaxed, Relaxed).is_ok()
}

/// Retries with the count it read once: right alone, but once another buyer got in first
/// the expected count is stale for ever and the buyer spins.
fn cas_stale_expected(sold: &AtomicU64, capacity: u64) -> bool {
    let seen = sold.load(Relaxed);
    if seen >= capacity {
        return false;
    }
    while sold.compare_exchange(seen, seen + 1, Relaxed, Relaxed).is_err() {}
    true
}

/// A compare-exchange loop that gives up after losing two races.
fn cas_two_tries(sold: &AtomicU64, capacity: u64) -> bool {
    let mut seen = sold.load(Relaxed);
    for _ in 0..2 {
        if seen >= capacity {
            return false;
        }
        match sold.compare_exchange(seen, seen + 1, Relaxed, Relaxed) {
            Ok(_) => return true,
            Err(now) => seen = now,
        }
    }
    false
}

/// A weak compare-exchange loop with four attempts, then "sold out".
fn weak_cas_four_tries(sold: &AtomicU64, capacity: u64) -> bool {
    for _ in 0..4 {
        let now = sold.load(Relaxed);
        if now >= capacity {
            return false;
        }
        if sold.compare_exchange_weak(now, now + 1, Relaxed, Relaxed).is_ok() {
            return true;
        }
    }
    false
}

/// Takes a number first, checks after: the count ends above capacity.
fn fetch_add_then_check(sold: &AtomicU64, capacity: u64) -> bool {
    sold.fetch_add(1, Relaxed) < capacity
}

/// Treats a weak failure that found the expected value as "sold out".
fn weak_cas_spurious_give_up(sold: &AtomicU64, capacity: u64) -> bool {
    let mut seen = sold.load(Relaxed);
    while seen < capacity {
        match sold.compare_exchange_weak(seen, seen + 1, Relaxed, Relaxed) {
            Ok(_) => return true,
            Err(now) if now != seen => seen = now,
            Err(_) => return false,
        }
    }
    false
}

/// Retries after lost races and after spurious failures, but answers "sold out" after the
/// third spurious failure in a row, with tickets left (a reviewer's answer, once solved: loom's pass makes two in a row).
fn weak_cas_sold_out_after_three_spurious(sold: &AtomicU64, capacity: u64) -> bool {
    let (mut seen, mut spurious) = (sold.load(Relaxed), 0);
    while seen < capacity {
        match sold.compare_exchange_weak(seen, seen + 1, Relaxed, Relaxed) {
            Ok(_) => return true,
            Err(now) if now != seen => (seen, spurious) = (now, 0),
            Err(_) if spurious == 2 => return false,
            Err(_) => spurious += 1,
        }
    }
    false
}

/// A compare-exchange loop that, finding the count far ahead of what it saw (many buyers got
/// in), "catches up" with a plain store of what it found plus one: a buyer who sells between
/// that failed exchange and the store is overwritten, and told yes for a ticket not counted.
fn cas_catches_up_with_a_store(sold: &AtomicU64, capacity: u64) -> bool {
    let mut seen = sold.load(Relaxed);
    while seen < capacity {
        match sold.compare_exchange(seen, seen + 1, Relaxed, Relaxed) {
            Ok(_) => return true,
            Err(now) if now > seen + 1000 && now < capacity => {
                sold.store(now + 1, Relaxed);
                return true;
            }
            Err(now) => seen = now,
        }
    }
    false
}

/// Retries when another buyer got in, but after two weak failures in a row that found its
/// own value it decides nobody else is buying and writes the sale with a plain store: right
/// while it is alone, yet a buyer who sells between that look and the store is overwritten.
fn weak_cas_spurious_twice_then_store(sold: &AtomicU64, capacity: u64) -> bool {
    let mut spurious = 0;
    loop {
        let seen = sold.load(Relaxed);
        if seen >= capacity {
            return false;
        }
        match sold.compare_exchange_weak(seen, seen + 1, Relaxed, Relaxed) {
            Ok(_) => return true,
            Err(now) if now != seen => spurious = 0,
            Err(_) => {
                spurious += 1;
                if spurious == 2 {
                    sold.store(seen + 1, Relaxed);
                    return true;
                }
            }
        }
    }
}

/// Ignores its attempts: sells its whole share even to nobody.
fn worker_ignores_attempts(_attempts: u64, tickets: u64) -> u64 {
    tickets
}

/// Ignores its share: sells to every attempt.
fn worker_ignores_tickets(attempts: u64, _tickets: u64) -> u64 {
    attempts
}

/// The largest report, not the sum.
fn combine_max(reports: &[u64]) -> u64 {
    reports.iter().copied().max().unwrap_or(0)
}

/// Spins on `try_lock` a million times, then says no: a buyer holding the lock
/// a little longer makes a free ticket go unsold.
fn try_lock_million_tries(sold: &Mutex<u64>, capacity: u64) -> bool {
    for _ in 0..1_000_000 {
        if let Ok(mut count) = sold.try_lock() {
            let free = *count < capacity;
            *count += u64::from(free);
            return free;
        }
        hint::spin_loop();
    }
    false
}

/// Spins on `try_lock`, but gives up after 10 000 tries and says no: when
/// another buyer holds the lock longer, a ticket that was free goes unsold.
fn try_lock_spin_gives_up(sold: &Mutex<u64>, capacity: u64) -> bool {
    for _ in 0..10_000 {
        if let Ok(mut count) = sold.try_lock() {
            if *count < capacity {
                *count += 1;
                return true;
            }
            return false;
        }
        hint::spin_loop();
    }
    false
}

/// Sums the distinct reports: two workers that sold as many are counted once.
fn combine_dedup(reports: &[u64]) -> u64 {
    let mut distinct = reports.to_vec();
    distinct.sort_unstable();
    distinct.dedup();
    distinct.iter().sum()
}

/// A "fast path" under locks: checks under one locking and, while more than two
/// tickets are left, sells under another (a reviewer's answer, once solved): only
/// three other buyers selling between the two lockings oversell — more than loom's
/// cases have.
fn fast_path_two_lockings(sold: &Mutex<u64>, capacity: u64) -> bool {
    let left = capacity - *sold.lock().expect("poisoned");
    if left > 2 {
        *sold.lock().expect("poisoned") += 1;
        return true;
    }
    let mut sold = sold.lock().expect("poisoned");
    if *sold < capacity {
        *sold += 1;
        return true;
    }
    false
}

/// Three `try_lock`s, then a check under one locking and a sale under another (a
/// reviewer's answer, once solved).
fn try_lock_thrice_then_two_lockings(sold: &Mutex<u64>, capacity: u64) -> bool {
    for _ in 0..3 {
        if let Ok(mut now) = sold.try_lock() {
            if *now < capacity {
                *now += 1;
                return true;
            }
            return false;
        }
    }
    let left = *sold.lock().expect("poisoned") < capacity;
    if left {
        *sold.lock().expect("poisoned") += 1;
    }
    left
}

/// The same with parking_lot, after four busy `try_lock`s.
fn parking_lot_try_lock_then_two_lockings(sold: &parking_lot::Mutex<u64>, capacity: u64) -> bool {
    for _ in 0..4 {
        if let Some(mut now) = sold.try_lock() {
            if *now < capacity {
                *now += 1;
                return true;
            }
            return false;
        }
    }
    let left = *sold.lock() < capacity;
    if left {
        *sold.lock() += 1;
    }
    left
}

/// Optimistic: looks under one locking, sells under the next only if no one sold in
/// between, and after 50 tries says "sold out" (a reviewer's answer, once solved):
/// a buyer turned away with tickets left when others keep selling one at a time.
fn optimistic_gives_up_after_fifty(sold: &Mutex<u64>, capacity: u64) -> bool {
    for _ in 0..50 {
        let seen = *sold.lock().expect("poisoned");
        if seen >= capacity {
            return false;
        }
        let mut now = sold.lock().expect("poisoned");
        if *now == seen {
            *now = seen + 1;
            return true;
        }
    }
    false
}

/// The same with parking_lot, giving up after 8 tries (a reviewer's answer, once solved).
fn parking_lot_optimistic_gives_up(sold: &parking_lot::Mutex<u64>, capacity: u64) -> bool {
    for _ in 0..8 {
        let seen = *sold.lock();
        if seen >= capacity {
            return false;
        }
        let mut now = sold.lock();
        if *now == seen {
            *now = seen + 1;
            return true;
        }
    }
    false
}

// --- right, if unusual ------------------------------------------------------

/// Optimistic, and patient: looks under one locking, sells under the next only if no
/// one sold in between, and looks again until no one did.
fn optimistic_until_unchanged(sold: &Mutex<u64>, capacity: u64) -> bool {
    loop {
        let seen = *sold.lock().expect("poisoned");
        if seen >= capacity {
            return false;
        }
        let mut now = sold.lock().expect("poisoned");
        if *now == seen {
            *now = seen + 1;
            return true;
        }
    }
}

/// Looks under one locking and turns the buyer away when sold out; otherwise checks
/// again under the locking that sells: "sold out" cannot go stale (sales only grow).
fn sold_out_look_then_check_again(sold: &Mutex<u64>, capacity: u64) -> bool {
    if *sold.lock().expect("poisoned") >= capacity {
        return false;
    }
    let mut sold = sold.lock().expect("poisoned");
    if *sold < capacity {
        *sold += 1;
        return true;
    }
    false
}

thread_local! {
    /// How many times this thread has called `every_thousandth_call_loads_and_stores`.
    static BUY_CALLS: std::cell::Cell<u64> = const { std::cell::Cell::new(0) };
}

/// On every 1 000th call of a thread, a load, a check and a store ("one plain sale in a
/// thousand"); a `fetch_update` otherwise. Real threads' long trials catch it when two
/// threads meet on such a call; the judge's rival meets every call of a long run on one
/// thread (lab 01's periodic path).
fn every_thousandth_call_loads_and_stores(sold: &AtomicU64, capacity: u64) -> bool {
    BUY_CALLS.set(BUY_CALLS.get() + 1);
    if BUY_CALLS.get().is_multiple_of(1_000) {
        let now = sold.load(Relaxed);
        if now >= capacity {
            return false;
        }
        sold.store(now + 1, Relaxed);
        return true;
    }
    sold.fetch_update(Relaxed, Relaxed, |now| (now < capacity).then_some(now + 1)).is_ok()
}

/// A strong compare-exchange loop.
fn cas_loop(sold: &AtomicU64, capacity: u64) -> bool {
    let mut seen = sold.load(Relaxed);
    while seen < capacity {
        match sold.compare_exchange(seen, seen + 1, Relaxed, Relaxed) {
            Ok(_) => return true,
            Err(now) => seen = now,
        }
    }
    false
}

/// A weak compare-exchange loop that retries on every failure.
fn weak_cas_loop(sold: &AtomicU64, capacity: u64) -> bool {
    let mut seen = sold.load(Relaxed);
    while seen < capacity {
        match sold.compare_exchange_weak(seen, seen + 1, Relaxed, Relaxed) {
            Ok(_) => return true,
            Err(now) => seen = now,
        }
    }
    false
}

/// Sells `attempts.min(tickets)` in one step, through a `u32`: right whenever the
/// attempts or the share fits in 32 bits, wrong when both pass 2^32 (a reviewer's
/// answer, once solved).
#[allow(clippy::cast_possible_truncation, reason = "the mistake this answer makes")]
fn worker_min_through_u32(attempts: u64, tickets: u64) -> u64 {
    u64::from(attempts.min(tickets) as u32)
}

/// A "fast path": a plain `fetch_add` while a look says fewer than half are sold, a
/// compare-and-swap loop after. Three buyers for two tickets all look before any adds,
/// and all three take the fast path: three sold (a reviewer's answer, once solved).
fn fast_path_below_half(sold: &AtomicU64, capacity: u64) -> bool {
    if sold.load(Relaxed) < capacity / 2 {
        sold.fetch_add(1, Relaxed);
        return true;
    }
    sold.fetch_update(Relaxed, Relaxed, |now| (now < capacity).then_some(now + 1)).is_ok()
}

/// A "fast path": a plain `fetch_add` while a look says at least three tickets are
/// left. Only four buyers who all look before any adds oversell, more than loom
/// models (a reviewer's answer, once solved): caught by a rival who sells the last
/// tickets just after the look.
fn fast_path_two_left(sold: &AtomicU64, capacity: u64) -> bool {
    let now = sold.load(Relaxed);
    if now + 2 < capacity {
        sold.fetch_add(1, Relaxed);
        return true;
    }
    sold.fetch_update(Relaxed, Relaxed, |now| (now < capacity).then_some(now + 1)).is_ok()
}

/// A compare-and-swap loop, but a load and a `store` "in the endgame" of a big sale,
/// when at most two tickets are left ("no one else is buying by then"): another
/// buyer's sale between the look and the store is lost, and the last ticket can be
/// sold twice. loom's stocks are small; real trials rarely meet there.
fn store_when_two_left(sold: &AtomicU64, capacity: u64) -> bool {
    let now = sold.load(Relaxed);
    if capacity - now.min(capacity) <= 2 && now >= 1_000 {
        if now >= capacity {
            return false;
        }
        sold.store(now + 1, Relaxed);
        return true;
    }
    sold.fetch_update(Relaxed, Relaxed, |now| (now < capacity).then_some(now + 1)).is_ok()
}

/// A blind `fetch_add` once more than 2^32 tickets are sold, while a look says three
/// or more are left ("a sale that big cannot run out between two lines"): others
/// can sell the last tickets between the look and the add.
fn fetch_add_when_count_large(sold: &AtomicU64, capacity: u64) -> bool {
    let now = sold.load(Relaxed);
    if now > 1 << 32 && now + 2 < capacity {
        sold.fetch_add(1, Relaxed);
        return true;
    }
    sold.fetch_update(Relaxed, Relaxed, |now| (now < capacity).then_some(now + 1)).is_ok()
}

std::thread_local! {
    /// How many tickets were left at this thread's last purchase (see [`remembers_plenty_left`]).
    static LAST_LEFT: std::cell::Cell<u64> = const { std::cell::Cell::new(0) };
}

/// Remembers, from call to call, how many tickets were left at its last purchase,
/// and while that was over 100 just adds one ("plenty left last time"): between two
/// calls other buyers can sell every ticket (a reviewer's answer, once solved). The
/// judge's one-thread check buys in two orders, so a sold-out stock comes right
/// after a call with plenty left.
fn remembers_plenty_left(sold: &AtomicU64, capacity: u64) -> bool {
    if LAST_LEFT.with(std::cell::Cell::get) > 100 {
        let before = sold.fetch_add(1, Relaxed);
        LAST_LEFT.with(|left| left.set(capacity.saturating_sub(before + 1)));
        return true;
    }
    match sold.fetch_update(Relaxed, Relaxed, |now| (now < capacity).then_some(now + 1)) {
        Ok(before) => {
            LAST_LEFT.with(|left| left.set(capacity - before - 1));
            true
        }
        Err(_) => {
            LAST_LEFT.with(|left| left.set(0));
            false
        }
    }
}

/// Looks first and turns the buyer away when sold out, otherwise takes a number
/// and gives it back when over: the look only ever says no, and "no" cannot go stale
/// (sales only grow).
fn look_then_add_or_undo(sold: &AtomicU64, capacity: u64) -> bool {
    if sold.load(Relaxed) >= capacity {
        return false;
    }
    if sold.fetch_add(1, Relaxed) < capacity {
        return true;
    }
    sold.fetch_sub(1, Relaxed);
    false
}

/// Takes a number, and gives it back when over: exact in the end (the count
/// is over capacity for an instant, which this lab's state does not show).
fn fetch_add_then_undo(sold: &AtomicU64, capacity: u64) -> bool {
    if sold.fetch_add(1, Relaxed) < capacity {
        return true;
    }
    sold.fetch_sub(1, Relaxed);
    false
}

/// A guard in a block, the answer computed inside.
fn scoped_guard(sold: &Mutex<u64>, capacity: u64) -> bool {
    let mut sold = sold.lock().expect("poisoned");
    let free = *sold < capacity;
    *sold += u64::from(free);
    free
}

/// `try_lock` first, then the blocking `lock`: never gives up.
fn parking_lot_try_then_lock(sold: &parking_lot::Mutex<u64>, capacity: u64) -> bool {
    let mut sold = sold.try_lock().unwrap_or_else(|| sold.lock());
    let free = *sold < capacity;
    if free {
        *sold += 1;
    }
    free
}

/// The closed form: as many as both attempts and tickets allow.
fn worker_min(attempts: u64, tickets: u64) -> u64 {
    attempts.min(tickets)
}

/// The textbook check-then-CAS loop, loading again after each failure.
fn cas_loop_reloading(sold: &AtomicU64, capacity: u64) -> bool {
    loop {
        let seen = sold.load(Relaxed);
        if seen >= capacity {
            return false;
        }
        if sold.compare_exchange(seen, seen + 1, Relaxed, Relaxed).is_ok() {
            return true;
        }
    }
}

/// Compares with the capacity as a `u32`: a box office with more than 2^32 tickets sells none past the wrap.
fn atomic_capacity_u32(sold: &AtomicU64, capacity: u64) -> bool {
    let cap = u64::from(capacity as u32);
    sold.fetch_update(Relaxed, Relaxed, |n| (n < cap).then_some(n + 1)).is_ok()
}

/// A worker's share computed in `u32`s: wrong once a share passes 2^32.
fn worker_min_u32(attempts: u64, tickets: u64) -> u64 {
    u64::from((attempts as u32).min(tickets as u32))
}

/// A compare-and-swap loop that, after two lost races, "just takes one" with a
/// blind `fetch_add`: it oversells when the other buyers sell the last tickets
/// meanwhile, which needs more buyers than loom models (a reviewer's answer,
/// once solved; caught by rivals who win two races and then sell out).
fn cas_then_take_one(sold: &AtomicU64, capacity: u64) -> bool {
    let mut now = sold.load(Relaxed);
    let mut failures = 0;
    loop {
        if now >= capacity {
            return false;
        }
        if failures == 2 {
            sold.fetch_add(1, Relaxed);
            return true;
        }
        match sold.compare_exchange(now, now + 1, Relaxed, Relaxed) {
            Ok(_) => return true,
            Err(seen) => {
                now = seen;
                failures += 1;
            }
        }
    }
}

/// Checks under one locking and sells under the next, but every purchase first takes one
/// `static` lock and holds it throughout: no other buyer can sell in between. Right.
fn check_and_sell_under_one_static_lock(sold: &Mutex<u64>, capacity: u64) -> bool {
    static PURCHASE: Mutex<()> = Mutex::new(());
    let _turn = PURCHASE.lock().expect("poisoned");
    let left = *sold.lock().expect("poisoned") < capacity;
    if left {
        *sold.lock().expect("poisoned") += 1;
    }
    left
}

std::thread_local! {
    /// Refusals in a row on this thread (see [`remembers_three_refusals`]).
    static REFUSED: std::cell::Cell<u32> = const { std::cell::Cell::new(0) };
}

/// Remembers, on its thread, being refused three times in a row, and from then on
/// answers "sold out" without looking: a buyer whose box office has tickets again
/// (another run, another counter) is turned away.
fn remembers_three_refusals(sold: &parking_lot::Mutex<u64>, capacity: u64) -> bool {
    if REFUSED.with(std::cell::Cell::get) >= 3 {
        return false;
    }
    let mut count = sold.lock();
    if *count < capacity {
        *count += 1;
        REFUSED.with(|r| r.set(0));
        true
    } else {
        REFUSED.with(|r| r.set(r.get() + 1));
        false
    }
}

/// Every answer in the catalogue.
pub fn catalogue() -> Vec<Answer<Fixes>> {
    vec![
        Answer::wrong("atomic_capacity_u32", "atomic", Fixes { atomic: atomic_capacity_u32, ..S }),
        Answer::wrong("worker_min_u32", "process", Fixes { worker: worker_min_u32, ..S }),
        Answer::wrong("check_then_lock_again", "mutex", Fixes { mutex: check_then_lock_again, ..S }),
        Answer::wrong("try_lock_give_up", "mutex", Fixes { mutex: try_lock_give_up, ..S }),
        Answer::wrong("off_by_one", "mutex", Fixes { mutex: off_by_one, ..S }),
        Answer::wrong("sells_capped_at_capacity", "mutex", Fixes { mutex: sells_capped_at_capacity, ..S }),
        Answer::wrong("parking_lot_try_lock_give_up", "parking_lot", Fixes { parking_lot: parking_lot_try_lock_give_up, ..S }),
        Answer::wrong("sells_but_says_no", "parking_lot", Fixes { parking_lot: sells_but_says_no, ..S }),
        Answer::wrong("load_then_fetch_add", "atomic", Fixes { atomic: load_then_fetch_add, ..S }),
        Answer::wrong("every_thousandth_call_loads_and_stores", "atomic", Fixes { atomic: every_thousandth_call_loads_and_stores, ..S }),
        Answer::wrong("cas_once", "atomic", Fixes { atomic: cas_once, ..S }),
        Answer::wrong("fast_path_below_half", "atomic", Fixes { atomic: fast_path_below_half, ..S }),
        Answer::wrong("fast_path_two_left", "atomic", Fixes { atomic: fast_path_two_left, ..S }),
        Answer::wrong("store_when_two_left", "atomic", Fixes { atomic: store_when_two_left, ..S }),
        Answer::wrong("remembers_plenty_left", "atomic", Fixes { atomic: remembers_plenty_left, ..S }),
        Answer::wrong("remembers_three_refusals", "parking_lot", Fixes { parking_lot: remembers_three_refusals, ..S }),
        Answer::wrong("fetch_add_when_count_large", "atomic", Fixes { atomic: fetch_add_when_count_large, ..S }),
        Answer::wrong("cas_then_take_one", "atomic", Fixes { atomic: cas_then_take_one, ..S }),
        Answer::wrong("worker_min_through_u32", "process", Fixes { worker: worker_min_through_u32, ..S }),
        Answer::wrong("cas_two_tries", "atomic", Fixes { atomic: cas_two_tries, ..S }),
        Answer::wrong("cas_stale_expected", "atomic", Fixes { atomic: cas_stale_expected, ..S }),
        Answer::wrong("fetch_add_then_check", "atomic", Fixes { atomic: fetch_add_then_check, ..S }),
        Answer::wrong("weak_cas_four_tries", "atomic", Fixes { atomic: weak_cas_four_tries, ..S }),
        Answer::wrong("weak_cas_spurious_give_up", "atomic", Fixes { atomic: weak_cas_spurious_give_up, ..S }),
        Answer::wrong(
            "weak_cas_sold_out_after_three_spurious",
            "atomic",
            Fixes { atomic: weak_cas_sold_out_after_three_spurious, ..S },
        ),
        Answer::wrong(
            "weak_cas_spurious_twice_then_store",
            "atomic",
            Fixes { atomic: weak_cas_spurious_twice_then_store, ..S },
        ),
        Answer::wrong("cas_catches_up_with_a_store", "atomic", Fixes { atomic: cas_catches_up_with_a_store, ..S }),
        Answer::wrong("worker_ignores_attempts", "process", Fixes { worker: worker_ignores_attempts, ..S }),
        Answer::wrong("worker_ignores_tickets", "process", Fixes { worker: worker_ignores_tickets, ..S }),
        Answer::wrong("combine_max", "process", Fixes { combine: combine_max, ..S }),
        Answer::wrong("try_lock_spin_gives_up", "mutex", Fixes { mutex: try_lock_spin_gives_up, ..S }),
        Answer::wrong("try_lock_million_tries", "mutex", Fixes { mutex: try_lock_million_tries, ..S }),
        Answer::wrong("combine_dedup", "process", Fixes { combine: combine_dedup, ..S }),
        Answer::right("cas_loop", "atomic", Fixes { atomic: cas_loop, ..S }),
        Answer::right(
            "check_and_sell_under_one_static_lock",
            "mutex",
            Fixes { mutex: check_and_sell_under_one_static_lock, ..S },
        ),
        Answer::right("weak_cas_loop", "atomic", Fixes { atomic: weak_cas_loop, ..S }),
        Answer::right("fetch_add_then_undo", "atomic", Fixes { atomic: fetch_add_then_undo, ..S }),
        Answer::right("look_then_add_or_undo", "atomic", Fixes { atomic: look_then_add_or_undo, ..S }),
        Answer::wrong("fast_path_two_lockings", "mutex", Fixes { mutex: fast_path_two_lockings, ..S }),
        Answer::wrong("try_lock_thrice_then_two_lockings", "mutex", Fixes { mutex: try_lock_thrice_then_two_lockings, ..S }),
        Answer::wrong(
            "parking_lot_try_lock_then_two_lockings",
            "parking_lot",
            Fixes { parking_lot: parking_lot_try_lock_then_two_lockings, ..S },
        ),
        Answer::wrong("optimistic_gives_up_after_fifty", "mutex", Fixes { mutex: optimistic_gives_up_after_fifty, ..S }),
        Answer::wrong(
            "parking_lot_optimistic_gives_up",
            "parking_lot",
            Fixes { parking_lot: parking_lot_optimistic_gives_up, ..S },
        ),
        Answer::right("scoped_guard", "mutex", Fixes { mutex: scoped_guard, ..S }),
        Answer::right("optimistic_until_unchanged", "mutex", Fixes { mutex: optimistic_until_unchanged, ..S }),
        Answer::right("sold_out_look_then_check_again", "mutex", Fixes { mutex: sold_out_look_then_check_again, ..S }),
        Answer::right("parking_lot_try_then_lock", "parking_lot", Fixes { parking_lot: parking_lot_try_then_lock, ..S }),
        Answer::right("worker_min", "process", Fixes { worker: worker_min, ..S }),
        Answer::right("cas_loop_reloading", "atomic", Fixes { atomic: cas_loop_reloading, ..S }),
    ]
}
