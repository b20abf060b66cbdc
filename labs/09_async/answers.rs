// Lab 09's catalogue of learner answers: plausible wrong ones the judge must
// reject, and unusual right ones it must accept (mutation tests of the judge).
//
// Compiled once per backend like the lab code, and run through the very
// checks `racelab verify 9` runs (`cargo test --test judge`).

use super::sync::atomic::{AtomicBool, Ordering};
use super::sync::{Arc, Mutex};
use super::sync::task::{self, mpsc};
use super::{Account, Fixes, checksum};
use crate::judge::Answer;
use std::rc::Rc;

const S: Fixes = Fixes::SOLUTION;

// --- deposit: wrong ---------------------------------------------------------

/// Reads the balance, awaits the bank, then writes: another task deposits at the
/// `.await`, and this write erases its coin.
async fn await_between(account: Rc<Account>) {
    super::racy_deposit(account).await;
}

/// Holds a std (blocking) mutex's guard across the `.await`: the next task that
/// locks it blocks the executor's only thread while the holder waits for that
/// thread to resume it — every task stops (on tokio the program hangs).
#[allow(clippy::await_holding_lock, reason = "the mistake this answer shows")]
async fn std_mutex_across_await(account: Rc<Account>) {
    static LOCK: Mutex<()> = Mutex::new(());
    let _held = LOCK.lock().expect("poisoned");
    let seen = account.balance.get();
    account.confirm().await;
    account.balance.set(seen + 1);
}

/// Writes only if the balance did not change during the round trip, and drops
/// the deposit when it did: a check with no retry.
async fn check_after(account: Rc<Account>) {
    super::wrong_check_after(account).await;
}

/// Takes the async mutex to read and again to write: the round trip between is unlocked.
async fn split_async_lock(account: Rc<Account>) {
    super::wrong_split_lock(account).await;
}

/// Holds the async mutex from the read, across the round trip, to the write: no deposit
/// is lost, but that is the `async_mutex` variant, one round trip at a time — not the
/// `no_await` fix, whose round trips overlap (a reviewer's answer, once judged solved; the
/// catalogue had counted the same shape, `mutex_deposit`, as right until then).
async fn async_lock_across_confirm(account: Rc<Account>) {
    super::sync::thread_local! {
        static GATE: Rc<task::Mutex<()>> = Rc::new(task::Mutex::new(()));
    }
    let gate = GATE.with(Rc::clone);
    let _held = gate.lock().await;
    let seen = account.balance.get();
    account.confirm().await;
    account.balance.set(seen + 1);
}

/// Counts the coin without asking the bank: no race, but no deposit was confirmed.
async fn never_confirms(account: Rc<Account>) {
    account.balance.set(account.balance.get() + 1);
}

/// Counts the coin first, then awaits the bank: no await between the read and the
/// write, no coin lost — but every coin is in the balance before the bank confirmed it
/// (a reviewer's answer, once judged solved).
async fn credits_before_confirming(account: Rc<Account>) {
    account.balance.set(account.balance.get() + 1);
    account.confirm().await;
}

/// Asks the bank twice for each coin: right count, twice the round trips.
async fn confirms_twice(account: Rc<Account>) {
    account.confirm().await;
    account.confirm().await;
    account.balance.set(account.balance.get() + 1);
}

// --- deposit: right ---------------------------------------------------------

/// Sleeps 1 ms first ("pretend to prepare the request"), then the read-modify-write
/// with no await inside (a reviewer's answer, once "not judged": 150 trials of real
/// 1 ms sleeps took 40 s; in the judge's trials a sleep is one yield, as in the checker).
async fn sleeps_first(account: Rc<Account>) {
    task::sleep(std::time::Duration::from_millis(1)).await;
    account.confirm().await;
    account.balance.set(account.balance.get() + 1);
}

/// Confirms, then reads into a variable and writes in the next statement: no await between.
async fn read_into_variable(account: Rc<Account>) {
    account.confirm().await;
    let now = account.balance.get();
    let next = now.checked_add(1).expect("the balance overflowed");
    account.balance.set(next);
}

/// Re-reads after the round trip and adds one to what it reads then.
async fn reread_after_await(account: Rc<Account>) {
    let _stale = account.balance.get();
    account.confirm().await;
    account.balance.replace(account.balance.get() + 1);
}

// --- owner: wrong -----------------------------------------------------------
//
// The owner task and a depositor task are the same in most answers below; what
// differs is how the answer starts, closes and awaits them.

/// An owner task's loop: add every coin received until every sender is gone.
async fn owner_adds(account: Rc<Account>, mut received: mpsc::UnboundedReceiver<u64>) {
    while let Some(coin) = received.recv().await {
        account.balance.set(account.balance.get() + coin);
    }
}

/// A depositor task: confirm each coin with the bank, then send it to the owner.
async fn confirm_and_send(account: Rc<Account>, coins: mpsc::UnboundedSender<u64>, deposits: u64) {
    for _ in 0..deposits {
        account.confirm().await;
        coins.send(1).expect("the owner is alive");
    }
}

/// The owner loops on `recv()` and skips a `None` instead of stopping there: once the
/// channel is closed and empty every `recv()` answers `None` at once, without waiting,
/// so the owner never ends and never gives the executor back (a reviewer's answer, once
/// "not judged" after 40 s).
async fn owner_loops_past_none(account: Rc<Account>, depositors: usize, deposits: u64) {
    let (coins, mut received) = mpsc::unbounded_channel::<u64>();
    let balance = Rc::clone(&account);
    let owner = task::spawn(async move {
        loop {
            if let Some(coin) = received.recv().await {
                balance.balance.set(balance.balance.get() + coin);
            }
        }
    });
    let mut tasks = Vec::new();
    for _ in 0..depositors {
        tasks.push(task::spawn(confirm_and_send(Rc::clone(&account), coins.clone(), deposits)));
    }
    drop(coins);
    for depositor in tasks {
        depositor.await.expect("a depositor failed");
    }
    owner.await.expect("the owner failed");
}

/// Each depositor sends its coin, then awaits the bank: the owner may add the coin
/// while its round trip is still in flight (a reviewer's answer, once judged solved).
async fn sends_before_confirming(account: Rc<Account>, depositors: usize, deposits: u64) {
    let (coins, received) = mpsc::unbounded_channel::<u64>();
    let owner = task::spawn(owner_adds(Rc::clone(&account), received));
    let mut tasks = Vec::new();
    for _ in 0..depositors {
        let (account, coins) = (Rc::clone(&account), coins.clone());
        tasks.push(task::spawn(async move {
            for _ in 0..deposits {
                coins.send(1).expect("the owner is alive");
                account.confirm().await;
            }
        }));
    }
    drop(coins);
    for depositor in tasks {
        depositor.await.expect("a depositor failed");
    }
    owner.await.expect("the owner failed");
}

/// Each depositor confirms, then adds its coin to the balance itself, with no `.await`
/// between the read and the write: the total is right, but there is no owner — every
/// depositor touches the balance (a reviewer's answer, once judged solved).
async fn depositors_add_after_confirming(account: Rc<Account>, depositors: usize, deposits: u64) {
    let mut tasks = Vec::new();
    for _ in 0..depositors {
        let account = Rc::clone(&account);
        tasks.push(task::spawn(async move {
            for _ in 0..deposits {
                account.confirm().await;
                account.balance.set(account.balance.get() + 1);
            }
        }));
    }
    for depositor in tasks {
        depositor.await.expect("a depositor failed");
    }
}

/// An owner task and a channel per depositor: every owner writes the balance, so it
/// has as many owners as depositors (a reviewer's answer, once judged solved).
async fn an_owner_per_depositor(account: Rc<Account>, depositors: usize, deposits: u64) {
    let mut tasks = Vec::new();
    for _ in 0..depositors {
        let (coins, received) = mpsc::unbounded_channel::<u64>();
        tasks.push(task::spawn(owner_adds(Rc::clone(&account), received)));
        tasks.push(task::spawn(confirm_and_send(Rc::clone(&account), coins, deposits)));
    }
    for task in tasks {
        task.await.expect("a task failed");
    }
}

/// Each depositor counts its confirmed coins in a `u16` and sends the count once: past
/// 65 535 deposits the count wraps (a reviewer's answer, once judged solved).
async fn depositor_counts_in_u16(account: Rc<Account>, depositors: usize, deposits: u64) {
    let (coins, received) = mpsc::unbounded_channel::<u64>();
    let owner = task::spawn(owner_adds(Rc::clone(&account), received));
    let mut tasks = Vec::new();
    for _ in 0..depositors {
        let (account, coins) = (Rc::clone(&account), coins.clone());
        tasks.push(task::spawn(async move {
            let mut mine: u16 = 0;
            for _ in 0..deposits {
                account.confirm().await;
                mine = mine.wrapping_add(1);
            }
            coins.send(u64::from(mine)).expect("the owner is alive");
        }));
    }
    drop(coins);
    for depositor in tasks {
        depositor.await.expect("a depositor failed");
    }
    owner.await.expect("the owner failed");
}

/// Never drops its own sender: the owner's `recv` waits for ever for one more coin,
/// and awaiting the owner never returns.
async fn channel_never_closed(account: Rc<Account>, depositors: usize, deposits: u64) {
    let (coins, received) = mpsc::unbounded_channel::<u64>();
    let owner = task::spawn(owner_adds(Rc::clone(&account), received));
    let mut tasks = Vec::new();
    for _ in 0..depositors {
        tasks.push(task::spawn(confirm_and_send(Rc::clone(&account), coins.clone(), deposits)));
    }
    for depositor in tasks {
        depositor.await.expect("a depositor failed");
    }
    owner.await.expect("the owner failed");
}

/// Makes every round trip itself, one after another, and sends the coins: the
/// count is right, but no two depositors ever run at once.
async fn sequential_in_caller(account: Rc<Account>, depositors: usize, deposits: u64) {
    let (coins, received) = mpsc::unbounded_channel::<u64>();
    let owner = task::spawn(owner_adds(Rc::clone(&account), received));
    for _ in 0..depositors as u64 * deposits {
        account.confirm().await;
        coins.send(1).expect("the owner is alive");
    }
    drop(coins);
    owner.await.expect("the owner failed");
}

/// Spawns each depositor and awaits it before spawning the next: tasks, but one at a time.
async fn awaited_one_by_one(account: Rc<Account>, depositors: usize, deposits: u64) {
    let (coins, received) = mpsc::unbounded_channel::<u64>();
    let owner = task::spawn(owner_adds(Rc::clone(&account), received));
    for _ in 0..depositors {
        task::spawn(confirm_and_send(Rc::clone(&account), coins.clone(), deposits)).await.expect("a depositor failed");
    }
    drop(coins);
    owner.await.expect("the owner failed");
}

/// With one depositor, deposits in the caller and skips the owner and the channel:
/// the right balance, but the caller touches it (a reviewer's answer, once solved).
async fn caller_deposits_when_alone(account: Rc<Account>, depositors: usize, deposits: u64) {
    if depositors == 1 {
        for _ in 0..deposits {
            account.confirm().await;
            account.balance.set(account.balance.get() + 1);
        }
        return;
    }
    through_the_owner(account, depositors, deposits).await;
}

/// The caller is the first depositor: it spawns `depositors - 1` tasks and sends its
/// own coins — even when `depositors` is 0 (a reviewer's answer, once solved: no
/// shape had no depositors and some deposits).
async fn caller_is_the_first_depositor(account: Rc<Account>, depositors: usize, deposits: u64) {
    let (coins, received) = mpsc::unbounded_channel::<u64>();
    let owner = task::spawn(owner_adds(Rc::clone(&account), received));
    let others: Vec<_> = (1..depositors)
        .map(|_| task::spawn(confirm_and_send(Rc::clone(&account), coins.clone(), deposits)))
        .collect();
    confirm_and_send(Rc::clone(&account), coins, deposits).await;
    for depositor in others {
        depositor.await.expect("a depositor failed");
    }
    owner.await.expect("the owner failed");
}

/// The right shape the two shortcuts above and below leave for other numbers of depositors.
async fn through_the_owner(account: Rc<Account>, depositors: usize, deposits: u64) {
    let (coins, received) = mpsc::unbounded_channel::<u64>();
    let owner = task::spawn(owner_adds(Rc::clone(&account), received));
    let depositors: Vec<_> =
        (0..depositors).map(|_| task::spawn(confirm_and_send(Rc::clone(&account), coins.clone(), deposits))).collect();
    drop(coins);
    for depositor in depositors {
        depositor.await.expect("a depositor failed");
    }
    owner.await.expect("the owner failed");
}

/// From three depositors on, skips the channel: each depositor adds its own coins
/// (no await between its read and write, so none is lost on one thread) — no owner
/// at all (a reviewer's answer, once solved).
async fn depositors_write_from_three(account: Rc<Account>, depositors: usize, deposits: u64) {
    if depositors < 3 {
        return through_the_owner(account, depositors, deposits).await;
    }
    let tasks: Vec<_> = (0..depositors)
        .map(|_| {
            let account = Rc::clone(&account);
            task::spawn(async move {
                for _ in 0..deposits {
                    account.confirm().await;
                    account.balance.set(account.balance.get() + 1);
                }
            })
        })
        .collect();
    for depositor in tasks {
        depositor.await.expect("a depositor failed");
    }
}

/// Awaits the first depositor before it starts the others: its round trips overlap
/// with none (a reviewer's answer, once solved).
async fn first_depositor_awaited_alone(account: Rc<Account>, depositors: usize, deposits: u64) {
    let (coins, received) = mpsc::unbounded_channel::<u64>();
    let owner = task::spawn(owner_adds(Rc::clone(&account), received));
    let mut others = Vec::new();
    for i in 0..depositors {
        let depositor = task::spawn(confirm_and_send(Rc::clone(&account), coins.clone(), deposits));
        if i == 0 {
            depositor.await.expect("a depositor failed");
        } else {
            others.push(depositor);
        }
    }
    drop(coins);
    for depositor in others {
        depositor.await.expect("a depositor failed");
    }
    owner.await.expect("the owner failed");
}

/// The owner takes what is queued in batches with `recv_many`, as tokio allows.
async fn owner_takes_batches(account: Rc<Account>, depositors: usize, deposits: u64) {
    let (coins, mut received) = mpsc::unbounded_channel::<u64>();
    let owner = {
        let account = Rc::clone(&account);
        task::spawn(async move {
            let mut batch = Vec::new();
            while received.recv_many(&mut batch, 16).await > 0 {
                account.balance.set(account.balance.get() + batch.drain(..).sum::<u64>());
            }
        })
    };
    let depositors: Vec<_> =
        (0..depositors).map(|_| task::spawn(confirm_and_send(Rc::clone(&account), coins.clone(), deposits))).collect();
    drop(coins);
    for depositor in depositors {
        depositor.await.expect("a depositor failed");
    }
    owner.await.expect("the owner failed");
}

/// Returns once the depositors are done, without awaiting the owner: coins still in
/// the channel are never added (the owner is dropped when the caller's program ends).
async fn owner_not_awaited(account: Rc<Account>, depositors: usize, deposits: u64) {
    let (coins, received) = mpsc::unbounded_channel::<u64>();
    let _owner = task::spawn(owner_adds(Rc::clone(&account), received));
    let mut tasks = Vec::new();
    for _ in 0..depositors {
        tasks.push(task::spawn(confirm_and_send(Rc::clone(&account), coins.clone(), deposits)));
    }
    drop(coins);
    for depositor in tasks {
        depositor.await.expect("a depositor failed");
    }
}

/// Awaits each depositor before spawning the next once there are 4 or more: one
/// round trip in flight at a time, where loom's threads never go (a reviewer's
/// answer, once solved).
async fn one_by_one_when_many(account: Rc<Account>, depositors: usize, deposits: u64) {
    let (coins, received) = mpsc::unbounded_channel::<u64>();
    let owner = task::spawn(owner_adds(Rc::clone(&account), received));
    let mut tasks = Vec::new();
    for _ in 0..depositors {
        let depositor = task::spawn(confirm_and_send(Rc::clone(&account), coins.clone(), deposits));
        if depositors >= 4 {
            depositor.await.expect("a depositor failed");
        } else {
            tasks.push(depositor);
        }
    }
    drop(coins);
    for depositor in tasks {
        depositor.await.expect("a depositor failed");
    }
    owner.await.expect("the owner failed");
}

/// No owner: each depositor task updates the balance itself, across its round trip.
async fn depositors_write_directly(account: Rc<Account>, depositors: usize, deposits: u64) {
    let mut tasks = Vec::new();
    for _ in 0..depositors {
        let account = Rc::clone(&account);
        tasks.push(task::spawn(async move {
            for _ in 0..deposits {
                let seen = account.balance.get();
                account.confirm().await;
                account.balance.set(seen + 1);
            }
        }));
    }
    for depositor in tasks {
        depositor.await.expect("a depositor failed");
    }
}

// --- owner: right -----------------------------------------------------------

/// Awaits only the owner: it ends when the last depositor drops its sender, so every coin is in.
async fn await_owner_only(account: Rc<Account>, depositors: usize, deposits: u64) {
    let (coins, mut received) = mpsc::unbounded_channel::<u64>();
    for _ in 0..depositors {
        task::spawn(confirm_and_send(Rc::clone(&account), coins.clone(), deposits));
    }
    drop(coins);
    let owner = task::spawn(async move {
        let mut total = 0;
        while let Some(coin) = received.recv().await {
            total += coin;
        }
        total
    });
    let total = owner.await.expect("the owner failed");
    account.balance.set(account.balance.get() + total);
}

/// A channel of 4 whose owner starts only after every depositor has been awaited: right
/// while the coins fit in the channel, and once they do not, every depositor waits in
/// `send()` for a receiver that never runs — a deadlock tokio waits out for ever.
async fn bounded_owner_after_the_depositors(account: Rc<Account>, depositors: usize, deposits: u64) {
    let (coins, mut received) = mpsc::channel::<u64>(4);
    let tasks: Vec<_> = (0..depositors)
        .map(|_| {
            let (account, coins) = (Rc::clone(&account), coins.clone());
            task::spawn(async move {
                for _ in 0..deposits {
                    account.confirm().await;
                    coins.send(1).await.expect("the owner is alive");
                }
            })
        })
        .collect();
    drop(coins);
    for depositor in tasks {
        depositor.await.expect("a depositor failed");
    }
    let owner = task::spawn(async move {
        while let Some(coin) = received.recv().await {
            account.balance.set(account.balance.get() + coin);
        }
    });
    owner.await.expect("the owner failed");
}

/// A bounded channel of one slot: `send(…).await` waits while the owner is behind.
async fn bounded_channel(account: Rc<Account>, depositors: usize, deposits: u64) {
    let (coins, mut received) = mpsc::channel::<u64>(1);
    let owner = {
        let account = Rc::clone(&account);
        task::spawn(async move {
            let mut total = 0;
            while let Some(coin) = received.recv().await {
                total += coin;
            }
            account.balance.set(account.balance.get() + total);
        })
    };
    let tasks: Vec<_> = (0..depositors)
        .map(|_| {
            let (account, coins) = (Rc::clone(&account), coins.clone());
            task::spawn(async move {
                for _ in 0..deposits {
                    account.confirm().await;
                    coins.send(1).await.expect("the owner is alive");
                }
            })
        })
        .collect();
    drop(coins);
    for depositor in tasks {
        depositor.await.expect("a depositor failed");
    }
    owner.await.expect("the owner failed");
}

// --- offload: wrong ---------------------------------------------------------

/// Calls the blocking `checksum` inside the task: every other task waits until it returns.
async fn blocking_in_task(statement: u64) -> u64 {
    super::blocking_post(statement).await
}

/// Moves the call into another *task*: tasks share the executor's thread, so it still blocks them all.
async fn spawned_as_a_task(statement: u64) -> u64 {
    task::spawn(async move { checksum(statement) }).await.expect("the task failed")
}

/// Starts `spawn_blocking`, then loops on `is_finished()` with no `.await`: the
/// loop keeps the executor's thread busy, and no other task runs until it ends.
async fn busy_wait_on_is_finished(statement: u64) -> u64 {
    let handle = task::spawn_blocking(move || checksum(statement));
    while !handle.is_finished() {}
    handle.await.expect("checksum panicked")
}

/// Offloads, then spins on a flag the blocking work sets, with no `.await`: the
/// executor's thread is busy for the whole checksum, as if it ran here (a reviewer's
/// answer, once judged solved).
async fn spins_on_a_flag(statement: u64) -> u64 {
    let done = Arc::new(AtomicBool::new(false));
    let flag = Arc::clone(&done);
    let handle = task::spawn_blocking(move || {
        let sum = checksum(statement);
        flag.store(true, Ordering::Release);
        sum
    });
    while !done.load(Ordering::Acquire) {
        std::hint::spin_loop();
    }
    handle.await.expect("checksum panicked")
}

// --- offload: right ---------------------------------------------------------

/// The handle in a variable, awaited with a `match`.
async fn handle_then_match(statement: u64) -> u64 {
    let handle = task::spawn_blocking(move || checksum(statement));
    match handle.await {
        Ok(sum) => sum,
        Err(e) => panic!("checksum failed: {e}"),
    }
}

/// Offloads from a task of its own, and awaits that task: one task more, still nothing
/// blocking on the executor (a reviewer's answer, once judged wrong for loom's thread limit).
async fn offload_in_its_own_task(statement: u64) -> u64 {
    let poster = task::spawn(async move { task::spawn_blocking(move || checksum(statement)).await });
    poster.await.expect("the task failed").expect("checksum panicked")
}

/// Lets the other tasks run first, then offloads.
async fn yield_then_offload(statement: u64) -> u64 {
    task::yield_now().await;
    task::spawn_blocking(move || checksum(statement)).await.expect("checksum panicked")
}

/// Every catalogued answer, in the order `cargo test --test judge` reports them.
pub fn catalogue() -> Vec<Answer<Fixes>> {
    vec![
        Answer::wrong("await_between", "no_await", Fixes { deposit: |a| Box::pin(await_between(a)), ..S }),
        Answer::wrong(
            "std_mutex_across_await",
            "no_await",
            Fixes { deposit: |a| Box::pin(std_mutex_across_await(a)), ..S },
        ),
        Answer::wrong("check_after", "no_await", Fixes { deposit: |a| Box::pin(check_after(a)), ..S }),
        Answer::wrong("split_async_lock", "no_await", Fixes { deposit: |a| Box::pin(split_async_lock(a)), ..S }),
        Answer::wrong(
            "async_lock_across_confirm",
            "no_await",
            Fixes { deposit: |a| Box::pin(async_lock_across_confirm(a)), ..S },
        ),
        Answer::wrong("never_confirms", "no_await", Fixes { deposit: |a| Box::pin(never_confirms(a)), ..S }),
        Answer::wrong(
            "credits_before_confirming",
            "no_await",
            Fixes { deposit: |a| Box::pin(credits_before_confirming(a)), ..S },
        ),
        Answer::wrong("confirms_twice", "no_await", Fixes { deposit: |a| Box::pin(confirms_twice(a)), ..S }),
        Answer::wrong(
            "sends_before_confirming",
            "owner",
            Fixes { owner: |a, d, k| Box::pin(sends_before_confirming(a, d, k)), ..S },
        ),
        Answer::wrong(
            "channel_never_closed",
            "owner",
            Fixes { owner: |a, d, k| Box::pin(channel_never_closed(a, d, k)), ..S },
        ),
        Answer::wrong(
            "sequential_in_caller",
            "owner",
            Fixes { owner: |a, d, k| Box::pin(sequential_in_caller(a, d, k)), ..S },
        ),
        Answer::wrong("awaited_one_by_one", "owner", Fixes { owner: |a, d, k| Box::pin(awaited_one_by_one(a, d, k)), ..S }),
        Answer::wrong(
            "caller_deposits_when_alone",
            "owner",
            Fixes { owner: |a, d, k| Box::pin(caller_deposits_when_alone(a, d, k)), ..S },
        ),
        Answer::wrong(
            "caller_is_the_first_depositor",
            "owner",
            Fixes { owner: |a, d, k| Box::pin(caller_is_the_first_depositor(a, d, k)), ..S },
        ),
        Answer::wrong(
            "depositors_write_from_three",
            "owner",
            Fixes { owner: |a, d, k| Box::pin(depositors_write_from_three(a, d, k)), ..S },
        ),
        Answer::wrong(
            "first_depositor_awaited_alone",
            "owner",
            Fixes { owner: |a, d, k| Box::pin(first_depositor_awaited_alone(a, d, k)), ..S },
        ),
        Answer::wrong(
            "bounded_owner_after_the_depositors",
            "owner",
            Fixes { owner: |a, d, k| Box::pin(bounded_owner_after_the_depositors(a, d, k)), ..S },
        ),
        Answer::wrong("owner_not_awaited", "owner", Fixes { owner: |a, d, k| Box::pin(owner_not_awaited(a, d, k)), ..S }),
        Answer::wrong("one_by_one_when_many", "owner", Fixes { owner: |a, d, k| Box::pin(one_by_one_when_many(a, d, k)), ..S }),
        Answer::wrong(
            "owner_loops_past_none",
            "owner",
            Fixes { owner: |a, d, k| Box::pin(owner_loops_past_none(a, d, k)), ..S },
        ),
        Answer::wrong(
            "depositors_write_directly",
            "owner",
            Fixes { owner: |a, d, k| Box::pin(depositors_write_directly(a, d, k)), ..S },
        ),
        Answer::wrong(
            "depositors_add_after_confirming",
            "owner",
            Fixes { owner: |a, d, k| Box::pin(depositors_add_after_confirming(a, d, k)), ..S },
        ),
        Answer::wrong(
            "an_owner_per_depositor",
            "owner",
            Fixes { owner: |a, d, k| Box::pin(an_owner_per_depositor(a, d, k)), ..S },
        ),
        Answer::wrong(
            "depositor_counts_in_u16",
            "owner",
            Fixes { owner: |a, d, k| Box::pin(depositor_counts_in_u16(a, d, k)), ..S },
        ),
        Answer::wrong("blocking_in_task", "offload", Fixes { post: |s| Box::pin(blocking_in_task(s)), ..S }),
        Answer::wrong("spawned_as_a_task", "offload", Fixes { post: |s| Box::pin(spawned_as_a_task(s)), ..S }),
        Answer::wrong(
            "busy_wait_on_is_finished",
            "offload",
            Fixes { post: |s| Box::pin(busy_wait_on_is_finished(s)), ..S },
        ),
        Answer::wrong("spins_on_a_flag", "offload", Fixes { post: |s| Box::pin(spins_on_a_flag(s)), ..S }),
        Answer::right("read_into_variable", "no_await", Fixes { deposit: |a| Box::pin(read_into_variable(a)), ..S }),
        Answer::right("sleeps_first", "no_await", Fixes { deposit: |a| Box::pin(sleeps_first(a)), ..S }),
        Answer::right("reread_after_await", "no_await", Fixes { deposit: |a| Box::pin(reread_after_await(a)), ..S }),
        Answer::right("await_owner_only", "owner", Fixes { owner: |a, d, k| Box::pin(await_owner_only(a, d, k)), ..S }),
        Answer::right("bounded_channel", "owner", Fixes { owner: |a, d, k| Box::pin(bounded_channel(a, d, k)), ..S }),
        Answer::right("owner_takes_batches", "owner", Fixes { owner: |a, d, k| Box::pin(owner_takes_batches(a, d, k)), ..S }),
        Answer::right("handle_then_match", "offload", Fixes { post: |s| Box::pin(handle_then_match(s)), ..S }),
        Answer::right(
            "offload_in_its_own_task",
            "offload",
            Fixes { post: |s| Box::pin(offload_in_its_own_task(s)), ..S },
        ),
        Answer::right("yield_then_offload", "offload", Fixes { post: |s| Box::pin(yield_then_offload(s)), ..S }),
    ]
}
