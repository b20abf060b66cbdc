// Lab 03's catalogue of learner answers: plausible wrong ones the judge must
// reject, and unusual right ones it must accept (mutation tests of the judge).

use super::Fixes;
use super::solution::{pack, unpack};
use super::sync::atomic::{AtomicU64, Ordering::Relaxed};
use super::sync::{Mutex, parking_lot};
use crate::judge::Answer;

const S: Fixes = Fixes::SOLUTION;

// --- wrong --------------------------------------------------------------

/// Takes the lock and moves nothing: `a + b` stays right, the transfer never happens.
fn moves_nothing(accounts: &Mutex<(u64, u64)>) {
    let _guard = accounts.lock();
}

/// Copies the accounts out, then locks again to write them back: transfers are lost.
fn copy_out_and_relock(accounts: &Mutex<(u64, u64)>) {
    let (a, b) = *accounts.lock().expect("poisoned");
    *accounts.lock().expect("poisoned") = (a - 1, b + 1);
}

/// Two lockings in one expression: the second waits for the first forever.
fn total_locks_twice(accounts: &Mutex<(u64, u64)>) -> u64 {
    accounts.lock().expect("poisoned").0 + accounts.lock().expect("poisoned").1
}

/// Reads `a` under one locking and `b` under another: a transfer can land between.
fn total_in_two_lockings(accounts: &Mutex<(u64, u64)>) -> u64 {
    let a = accounts.lock().expect("poisoned").0;
    let b = accounts.lock().expect("poisoned").1;
    a + b
}

/// Reports only account `a`.
fn total_is_a(accounts: &parking_lot::Mutex<(u64, u64)>) -> u64 {
    accounts.lock().0
}

/// One lock for `a`, released, then one for `b`.
fn parking_lot_two_steps(accounts: &parking_lot::Mutex<(u64, u64)>) {
    accounts.lock().0 -= 1;
    accounts.lock().1 += 1;
}

/// A load of the packed word, then a store: transfers are lost.
fn packed_load_then_store(accounts: &AtomicU64) {
    let (a, b) = unpack(accounts.load(Relaxed));
    accounts.store(pack(a - 1, b + 1), Relaxed);
}

/// One compare-exchange whose failure is ignored: a lost race loses the transfer.
fn packed_cas_once(accounts: &AtomicU64) {
    let word = accounts.load(Relaxed);
    let (a, b) = unpack(word);
    let _ = accounts.compare_exchange(word, pack(a - 1, b + 1), Relaxed, Relaxed);
}

/// Retries with the word it read once: right alone, but once another transfer got in first
/// the expected word is stale for ever and the transfer spins.
fn packed_cas_stale_expected(accounts: &AtomicU64) {
    let word = accounts.load(Relaxed);
    let (a, b) = unpack(word);
    while accounts.compare_exchange(word, pack(a - 1, b + 1), Relaxed, Relaxed).is_err() {}
}

/// A strong compare-exchange with two attempts, then nothing.
fn packed_cas_two_tries(accounts: &AtomicU64) {
    for _ in 0..2 {
        let word = accounts.load(Relaxed);
        let (a, b) = unpack(word);
        if accounts.compare_exchange(word, pack(a - 1, b + 1), Relaxed, Relaxed).is_ok() {
            return;
        }
    }
}

/// A 16-bit count of requests: wraps at 65 536.
fn worker_u16(transfers: u64) -> u64 {
    let mut count: u16 = 0;
    for _ in 0..transfers {
        count = count.wrapping_add(1);
    }
    u64::from(count)
}

/// Two atomic steps on the packed word: an observer sees the unit in neither account.
fn packed_two_steps(accounts: &AtomicU64) {
    accounts.fetch_sub(1 << 32, Relaxed);
    accounts.fetch_add(1, Relaxed);
}

/// Moves all of `a` at once: `a + b` is kept, the accounts are not.
fn packed_moves_everything(accounts: &AtomicU64) {
    let _ = accounts.fetch_update(Relaxed, Relaxed, |word| {
        let (a, b) = unpack(word);
        Some(pack(0, a + b))
    });
}

/// Two loads of the packed word, one per account: torn.
fn total_two_loads(accounts: &AtomicU64) -> u64 {
    unpack(accounts.load(Relaxed)).0 + unpack(accounts.load(Relaxed)).1
}

/// A weak failure that found the expected value is taken as "done".
fn weak_cas_spurious_give_up(accounts: &AtomicU64) {
    let mut word = accounts.load(Relaxed);
    loop {
        let (a, b) = unpack(word);
        match accounts.compare_exchange_weak(word, pack(a - 1, b + 1), Relaxed, Relaxed) {
            Ok(_) => return,
            Err(now) if now != word => word = now,
            Err(_) => return,
        }
    }
}

/// Retries after lost races and after spurious failures, but after the third spurious
/// failure in a row takes the transfer for done: it is lost (a reviewer's answer, once solved: loom's pass makes two in a row).
fn weak_cas_gives_up_after_three_spurious(accounts: &AtomicU64) {
    let (mut word, mut spurious) = (accounts.load(Relaxed), 0);
    loop {
        let (a, b) = unpack(word);
        match accounts.compare_exchange_weak(word, pack(a - 1, b + 1), Relaxed, Relaxed) {
            Ok(_) => return,
            Err(now) if now != word => (word, spurious) = (now, 0),
            Err(_) if spurious == 2 => return,
            Err(_) => spurious += 1,
        }
    }
}

/// The owner applies no transfers: the money stays in `a`.
fn owner_applies_nothing(reports: &[u64]) -> (u64, u64) {
    (reports.iter().sum(), 0)
}

/// Right only when every worker requested the same.
fn owner_first_times_count(reports: &[u64]) -> (u64, u64) {
    (0, reports.first().map_or(0, |first| first * reports.len() as u64))
}

/// Starts `a` with one unit per report instead of one per requested transfer
/// (moving units while `a` has any): right whenever the workers requested at
/// least one transfer each — wrong for a worker with nothing to report.
fn combine_starts_at_report_count(reports: &[u64]) -> (u64, u64) {
    let total: u64 = reports.iter().sum();
    ((reports.len() as u64).saturating_sub(total), total)
}

/// Casts the count through an `i32` (`transfers as i32 as u64`): right up to 2^31 − 1
/// transfers, which the lab allows past (its largest job is 2^32 − 1); a reviewer's
/// answer, once solved — the judge tried no count between 2^16 + 1 and 2^32.
#[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss, reason = "the mistake this answer makes")]
fn worker_through_i32(transfers: u64) -> u64 {
    transfers as i32 as u64
}

/// Ignores its job.
fn worker_ignores_job(_transfers: u64) -> u64 {
    1
}

/// Applies the distinct requests: two workers asking for as much move it once.
fn combine_dedup(reports: &[u64]) -> (u64, u64) {
    let mut distinct = reports.to_vec();
    distinct.sort_unstable();
    distinct.dedup();
    (0, distinct.iter().sum())
}

/// Tries the lock a million times and, if it never gets it, skips the
/// transfer ("it will be retried later"): a long-held lock loses a transfer.
fn transfer_gives_up_after_a_million(accounts: &Mutex<(u64, u64)>) {
    for _ in 0..1_000_000 {
        if let Ok(mut accounts) = accounts.try_lock() {
            accounts.0 -= 1;
            accounts.1 += 1;
            return;
        }
        std::hint::spin_loop();
    }
}

/// Eight `try_lock`s, then `a` read under one locking and `b` under another (a
/// reviewer's answer, once solved): a transfer between the two is counted twice.
fn total_try_lock_then_two_lockings(accounts: &Mutex<(u64, u64)>) -> u64 {
    for _ in 0..8 {
        if let Ok(both) = accounts.try_lock() {
            return both.0 + both.1;
        }
    }
    let a = accounts.lock().expect("poisoned").0;
    let b = accounts.lock().expect("poisoned").1;
    a + b
}

/// Moves the unit under one locking, except when `b` is already rich (past 3·10^9):
/// then it takes from `a` under one locking and pays `b` under the next ("b can wait"),
/// and an observer between the two sees a unit missing.
fn transfer_split_when_b_is_large(accounts: &Mutex<(u64, u64)>) {
    let mut both = accounts.lock().expect("poisoned");
    if both.1 > 3_000_000_000 {
        both.0 -= 1;
        drop(both);
        accounts.lock().expect("poisoned").1 += 1;
        return;
    }
    both.0 -= 1;
    both.1 += 1;
}

/// Sums under one locking, except when `b` is already rich (past 3·10^9): then it
/// reads `a` under one locking and `b` under the next, and a transfer between the two
/// is counted twice.
fn total_split_when_b_is_large(accounts: &parking_lot::Mutex<(u64, u64)>) -> u64 {
    let (a, b) = *accounts.lock();
    if b > 3_000_000_000 {
        return a + accounts.lock().1;
    }
    a + b
}

/// Five `try_lock`s, then the transfer in two lockings: between them the unit is nowhere.
fn transfer_try_lock_then_two_lockings(accounts: &parking_lot::Mutex<(u64, u64)>) {
    for _ in 0..5 {
        if let Some(mut both) = accounts.try_lock() {
            both.0 -= 1;
            both.1 += 1;
            return;
        }
    }
    accounts.lock().0 -= 1;
    accounts.lock().1 += 1;
}

/// Sums two copies until two looks agree, but after 10 tries returns the last sum
/// plus one "for the transfer in flight": wrong whenever transfers keep coming.
fn total_until_agree_gives_up(accounts: &Mutex<(u64, u64)>) -> u64 {
    let mut last = 0;
    for _ in 0..10 {
        let first = *accounts.lock().expect("poisoned");
        let second = *accounts.lock().expect("poisoned");
        last = second.0 + second.1;
        if first == second {
            return last;
        }
    }
    last + 1
}

// --- right, if unusual ------------------------------------------------------

/// Copies the accounts under one locking and again under the next until the two
/// copies agree: each copy is whole (one locking), so its sum is right.
fn total_until_two_copies_agree(accounts: &Mutex<(u64, u64)>) -> u64 {
    loop {
        let first = *accounts.lock().expect("poisoned");
        let second = *accounts.lock().expect("poisoned");
        if first == second {
            return second.0 + second.1;
        }
    }
}

/// Eight `try_lock`s, then one blocking `lock` for the whole sum.
fn total_try_lock_then_lock(accounts: &Mutex<(u64, u64)>) -> u64 {
    for _ in 0..8 {
        if let Ok(both) = accounts.try_lock() {
            return both.0 + both.1;
        }
    }
    let both = accounts.lock().expect("poisoned");
    both.0 + both.1
}

/// Both accounts borrowed mutably through one guard.
fn destructured_guard(accounts: &Mutex<(u64, u64)>) {
    let mut guard = accounts.lock().expect("poisoned");
    let (a, b) = &mut *guard;
    *a -= 1;
    *b += 1;
}

/// A weak compare-exchange loop that retries on every failure.
fn packed_weak_cas_loop(accounts: &AtomicU64) {
    let mut word = accounts.load(Relaxed);
    loop {
        let (a, b) = unpack(word);
        match accounts.compare_exchange_weak(word, pack(a - 1, b + 1), Relaxed, Relaxed) {
            Ok(_) => return,
            Err(now) => word = now,
        }
    }
}

/// One `fetch_add` that takes 1 from the high half and adds 1 to the low
/// half at once (wrapping arithmetic: `+1 - 2³²`), valid while `b < 2³²`.
fn packed_single_fetch_add(accounts: &AtomicU64) {
    accounts.fetch_add(1u64.wrapping_sub(1 << 32), Relaxed);
}

/// The guard in a block of its own.
fn parking_lot_block(accounts: &parking_lot::Mutex<(u64, u64)>) {
    {
        let mut guard = accounts.lock();
        guard.0 -= 1;
        guard.1 += 1;
    }
}

/// The owner's result in closed form.
fn owner_closed_form(reports: &[u64]) -> (u64, u64) {
    (0, reports.iter().sum())
}

/// The textbook compare-and-swap loop on the packed word, loading again after each failure.
fn packed_cas_loop_reloading(word: &AtomicU64) {
    loop {
        let seen = word.load(Relaxed);
        let (a, b) = unpack(seen);
        if word.compare_exchange(seen, pack(a - 1, b + 1), Relaxed, Relaxed).is_ok() {
            return;
        }
    }
}

/// Keeps account `b` in the low 16 bits: right while `b` stays below 2^16.
fn transfer_mask_16_bits(accounts: &AtomicU64) {
    let _ = accounts.fetch_update(Relaxed, Relaxed, |word| {
        let (a, b) = (word >> 32, word & 0xFFFF);
        (a > 0).then(|| (a - 1) << 32 | ((b + 1) & 0xFFFF))
    });
}

/// Adds the balances as `i32`s: right until the sum passes 2^31.
fn total_in_i32(accounts: &Mutex<(u64, u64)>) -> u64 {
    let guard = accounts.lock().expect("poisoned");
    (guard.0 as i32).wrapping_add(guard.1 as i32) as u64
}

/// A compare-and-swap of the packed word that, after two lost races, moves the
/// unit in two steps: a thread reading between them sees a unit missing, which
/// loom shows only after two other transfers (a reviewer's answer, once solved).
fn packed_cas_then_two_steps(accounts: &AtomicU64) {
    let mut word = accounts.load(Relaxed);
    for _ in 0..2 {
        let (a, b) = unpack(word);
        match accounts.compare_exchange(word, pack(a - 1, b + 1), Relaxed, Relaxed) {
            Ok(_) => return,
            Err(now) => word = now,
        }
    }
    accounts.fetch_sub(1 << 32, Relaxed);
    accounts.fetch_add(1, Relaxed);
}

/// A compare-and-swap of the packed word that, after two lost races, stores the
/// transfer of the last word it saw: a transfer landing meanwhile is lost (a
/// reviewer's answer, once solved).
fn packed_cas_then_store(accounts: &AtomicU64) {
    let mut word = accounts.load(Relaxed);
    for _ in 0..2 {
        let (a, b) = unpack(word);
        match accounts.compare_exchange(word, pack(a - 1, b + 1), Relaxed, Relaxed) {
            Ok(_) => return,
            Err(now) => word = now,
        }
    }
    let (a, b) = unpack(word);
    accounts.store(pack(a - 1, b + 1), Relaxed);
}

/// A compare-and-swap of the packed word that, finding `a` more than 1 000 below what
/// it saw (other transfers got in many times), "catches up" with a plain store of the
/// transfer of the word it found: a transfer landing between that failed exchange and
/// the store is lost.
fn packed_catches_up_with_a_store(accounts: &AtomicU64) {
    let mut word = accounts.load(Relaxed);
    loop {
        let (a, b) = unpack(word);
        match accounts.compare_exchange(word, pack(a - 1, b + 1), Relaxed, Relaxed) {
            Ok(_) => return,
            Err(now) if unpack(now).0 + 1000 < a => {
                let (a, b) = unpack(now);
                accounts.store(pack(a - 1, b + 1), Relaxed);
                return;
            }
            Err(now) => word = now,
        }
    }
}

/// Moves the unit in two steps when `a` holds more than 2^16 ("there is plenty"),
/// in one compare-and-swap otherwise: an observer between the steps sees a unit
/// missing (a reviewer's answer, once solved).
fn packed_two_steps_when_rich(accounts: &AtomicU64) {
    if unpack(accounts.load(Relaxed)).0 > 1 << 16 {
        accounts.fetch_sub(1 << 32, Relaxed);
        accounts.fetch_add(1, Relaxed);
        return;
    }
    let _ = accounts.fetch_update(Relaxed, Relaxed, |word| {
        let (a, b) = unpack(word);
        Some(pack(a - 1, b + 1))
    });
}

/// A load and a store "in the endgame" (`a` at most 2 after many transfers, when a
/// compare-and-swap loop "is not worth it"): a transfer that lands between the
/// look and the store is overwritten (a reviewer's answer, once solved).
fn packed_store_when_nearly_empty(accounts: &AtomicU64) {
    let (a, b) = unpack(accounts.load(Relaxed));
    if a <= 2 && b >= 1_000 {
        if a > 0 {
            accounts.store(pack(a - 1, b + 1), Relaxed);
        }
        return;
    }
    let _ = accounts.fetch_update(Relaxed, Relaxed, |word| {
        let (a, b) = unpack(word);
        (a > 0).then(|| pack(a - 1, b + 1))
    });
}

/// One load when the bank is small, a second load for `b` when `a` passes 2^24
/// ("a big bank changes slowly"): a transfer between the loads adds a unit
/// (a reviewer's answer, once solved).
fn total_two_loads_when_big(accounts: &AtomicU64) -> u64 {
    let (a, b) = unpack(accounts.load(Relaxed));
    if a < 1 << 24 {
        return a + b;
    }
    a + unpack(accounts.load(Relaxed)).1
}

/// Loads until two looks in a row agree: right, one value from one instant.
fn total_until_two_looks_agree(accounts: &AtomicU64) -> u64 {
    let mut word = accounts.load(Relaxed);
    loop {
        let again = accounts.load(Relaxed);
        if again == word {
            let (a, b) = unpack(word);
            return a + b;
        }
        word = again;
    }
}

/// A compare-and-swap loop that, after 2 000 lost races, stores what it last saw
/// moved by one: a transfer that lands between that look and the store is lost.
/// The judge's longer runs of lost races (past its usual 4 096) meet it whatever the
/// limit (a reviewer's answer, once solved at 17, 2 000 and 65 536 alike).
fn packed_store_after_2000_races(accounts: &AtomicU64) {
    let mut seen = accounts.load(Relaxed);
    for _ in 0..2_000 {
        let (a, b) = unpack(seen);
        match accounts.compare_exchange(seen, pack(a - 1, b + 1), Relaxed, Relaxed) {
            Ok(_) => return,
            Err(now) => seen = now,
        }
    }
    let (a, b) = unpack(seen);
    accounts.store(pack(a - 1, b + 1), Relaxed);
}

/// A compare-and-swap loop that, after 5 000 lost races, moves the unit in two steps:
/// an observer between them sees a unit missing (a reviewer's answer, once solved).
fn packed_two_steps_after_5000_races(accounts: &AtomicU64) {
    for _ in 0..5_000 {
        let seen = accounts.load(Relaxed);
        let (a, b) = unpack(seen);
        if accounts.compare_exchange_weak(seen, pack(a - 1, b + 1), Relaxed, Relaxed).is_ok() {
            return;
        }
    }
    accounts.fetch_sub(1 << 32, Relaxed);
    accounts.fetch_add(1, Relaxed);
}

/// Reads until two looks agree, but after 20 mismatches reads `a` and `b` in two
/// loads: a transfer between them adds a unit (a reviewer's answer, once solved).
fn total_agree_then_two_loads(accounts: &AtomicU64) -> u64 {
    for _ in 0..20 {
        let first = accounts.load(Relaxed);
        if accounts.load(Relaxed) == first {
            let (a, b) = unpack(first);
            return a + b;
        }
    }
    unpack(accounts.load(Relaxed)).0 + unpack(accounts.load(Relaxed)).1
}

/// The one lock that [`transfer_under_the_bank_lock`] and [`total_under_the_bank_lock`]
/// take before the accounts' own.
static BANK: Mutex<()> = Mutex::new(());

/// Takes from `a` under one locking and pays `b` under the next, but holds the `static`
/// `BANK` lock throughout, as the total does: no one sees the unit in flight. Right.
fn transfer_under_the_bank_lock(accounts: &Mutex<(u64, u64)>) {
    let _bank = BANK.lock().expect("poisoned");
    accounts.lock().expect("poisoned").0 -= 1;
    accounts.lock().expect("poisoned").1 += 1;
}

/// Reads `a` under one locking and `b` under the next, holding `BANK` throughout. Right.
fn total_under_the_bank_lock(accounts: &Mutex<(u64, u64)>) -> u64 {
    let _bank = BANK.lock().expect("poisoned");
    let a = accounts.lock().expect("poisoned").0;
    a + accounts.lock().expect("poisoned").1
}

/// Every answer in the catalogue.
pub fn catalogue() -> Vec<Answer<Fixes>> {
    vec![
        Answer::wrong("transfer_mask_16_bits", "atomic", Fixes { atomic_transfer: transfer_mask_16_bits, ..S }),
        Answer::wrong("total_in_i32", "mutex", Fixes { mutex_total: total_in_i32, ..S }),
        Answer::wrong("moves_nothing", "mutex", Fixes { mutex_transfer: moves_nothing, ..S }),
        Answer::wrong("copy_out_and_relock", "mutex", Fixes { mutex_transfer: copy_out_and_relock, ..S }),
        Answer::wrong("total_locks_twice", "mutex", Fixes { mutex_total: total_locks_twice, ..S }),
        Answer::wrong(
            "transfer_split_when_b_is_large",
            "mutex",
            Fixes { mutex_transfer: transfer_split_when_b_is_large, ..S },
        ),
        Answer::wrong(
            "total_split_when_b_is_large",
            "parking_lot",
            Fixes { parking_lot_total: total_split_when_b_is_large, ..S },
        ),
        Answer::wrong("total_in_two_lockings", "mutex", Fixes { mutex_total: total_in_two_lockings, ..S }),
        Answer::wrong("total_is_a", "parking_lot", Fixes { parking_lot_total: total_is_a, ..S }),
        Answer::wrong("parking_lot_two_steps", "parking_lot", Fixes { parking_lot_transfer: parking_lot_two_steps, ..S }),
        Answer::wrong("packed_load_then_store", "atomic", Fixes { atomic_transfer: packed_load_then_store, ..S }),
        Answer::wrong("packed_cas_once", "atomic", Fixes { atomic_transfer: packed_cas_once, ..S }),
        Answer::wrong("packed_two_steps", "atomic", Fixes { atomic_transfer: packed_two_steps, ..S }),
        Answer::wrong("packed_cas_two_tries", "atomic", Fixes { atomic_transfer: packed_cas_two_tries, ..S }),
        Answer::wrong("packed_cas_then_two_steps", "atomic", Fixes { atomic_transfer: packed_cas_then_two_steps, ..S }),
        Answer::wrong("packed_cas_then_store", "atomic", Fixes { atomic_transfer: packed_cas_then_store, ..S }),
        Answer::wrong(
            "packed_catches_up_with_a_store",
            "atomic",
            Fixes { atomic_transfer: packed_catches_up_with_a_store, ..S },
        ),
        Answer::wrong("packed_two_steps_when_rich", "atomic", Fixes { atomic_transfer: packed_two_steps_when_rich, ..S }),
        Answer::wrong("packed_cas_stale_expected", "atomic", Fixes { atomic_transfer: packed_cas_stale_expected, ..S }),
        Answer::wrong("worker_u16", "process", Fixes { worker: worker_u16, ..S }),
        Answer::wrong("packed_moves_everything", "atomic", Fixes { atomic_transfer: packed_moves_everything, ..S }),
        Answer::wrong("total_two_loads", "atomic", Fixes { atomic_total: total_two_loads, ..S }),
        Answer::wrong("packed_store_when_nearly_empty", "atomic", Fixes { atomic_transfer: packed_store_when_nearly_empty, ..S }),
        Answer::wrong("total_two_loads_when_big", "atomic", Fixes { atomic_total: total_two_loads_when_big, ..S }),
        Answer::wrong("packed_store_after_2000_races", "atomic", Fixes { atomic_transfer: packed_store_after_2000_races, ..S }),
        Answer::wrong("packed_two_steps_after_5000_races", "atomic", Fixes { atomic_transfer: packed_two_steps_after_5000_races, ..S }),
        Answer::wrong("total_agree_then_two_loads", "atomic", Fixes { atomic_total: total_agree_then_two_loads, ..S }),
        Answer::wrong("weak_cas_spurious_give_up", "atomic", Fixes { atomic_transfer: weak_cas_spurious_give_up, ..S }),
        Answer::wrong(
            "weak_cas_gives_up_after_three_spurious",
            "atomic",
            Fixes { atomic_transfer: weak_cas_gives_up_after_three_spurious, ..S },
        ),
        Answer::wrong("owner_applies_nothing", "process", Fixes { combine: owner_applies_nothing, ..S }),
        Answer::wrong("owner_first_times_count", "process", Fixes { combine: owner_first_times_count, ..S }),
        Answer::wrong("worker_ignores_job", "process", Fixes { worker: worker_ignores_job, ..S }),
        Answer::wrong("worker_through_i32", "process", Fixes { worker: worker_through_i32, ..S }),
        Answer::wrong("combine_dedup", "process", Fixes { combine: combine_dedup, ..S }),
        Answer::wrong("combine_starts_at_report_count", "process", Fixes { combine: combine_starts_at_report_count, ..S }),
        Answer::wrong("transfer_gives_up_after_a_million", "mutex", Fixes { mutex_transfer: transfer_gives_up_after_a_million, ..S }),
        Answer::wrong("total_try_lock_then_two_lockings", "mutex", Fixes { mutex_total: total_try_lock_then_two_lockings, ..S }),
        Answer::wrong(
            "transfer_try_lock_then_two_lockings",
            "parking_lot",
            Fixes { parking_lot_transfer: transfer_try_lock_then_two_lockings, ..S },
        ),
        Answer::wrong("total_until_agree_gives_up", "mutex", Fixes { mutex_total: total_until_agree_gives_up, ..S }),
        Answer::right("destructured_guard", "mutex", Fixes { mutex_transfer: destructured_guard, ..S }),
        Answer::right(
            "both_under_the_bank_lock",
            "mutex",
            Fixes { mutex_transfer: transfer_under_the_bank_lock, mutex_total: total_under_the_bank_lock, ..S },
        ),
        Answer::right("total_until_two_copies_agree", "mutex", Fixes { mutex_total: total_until_two_copies_agree, ..S }),
        Answer::right("total_try_lock_then_lock", "mutex", Fixes { mutex_total: total_try_lock_then_lock, ..S }),
        Answer::right("packed_weak_cas_loop", "atomic", Fixes { atomic_transfer: packed_weak_cas_loop, ..S }),
        Answer::right("total_until_two_looks_agree", "atomic", Fixes { atomic_total: total_until_two_looks_agree, ..S }),
        Answer::right("packed_single_fetch_add", "atomic", Fixes { atomic_transfer: packed_single_fetch_add, ..S }),
        Answer::right("parking_lot_block", "parking_lot", Fixes { parking_lot_transfer: parking_lot_block, ..S }),
        Answer::right("owner_closed_form", "process", Fixes { combine: owner_closed_form, ..S }),
        Answer::right("packed_cas_loop_reloading", "atomic", Fixes { atomic_transfer: packed_cas_loop_reloading, ..S }),
    ]
}
