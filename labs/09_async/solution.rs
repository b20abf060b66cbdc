// Exercise 09 — async: a race with no second thread, and a call that blocks them all.
//
// Tasks on one thread take turns only at `.await`: between two awaits a task runs
// alone. `racy_deposit` (in reference.rs) reads the balance, awaits the bank's
// confirmation, and writes what it read plus one: another task deposits meanwhile,
// and its coin is erased. Three spots to fix. Replace each `todo!()` below its `// TODO:`.
//
//   cargo run -- verify 9            check your work (one thread, every order of the tasks at their awaits, tokio)
//   cargo run -- hint 9              a hint; `--more` for the next one
//   cargo test --test exercise_09    the same checks, as plain cargo tests
//   cargo run -- check 9 --variant racy   the lost deposit, as a schedule of await points
//
// `task` is tokio's (`spawn` is `spawn_local`, so `Rc` and `Cell` are fine; `mpsc`,
// `Mutex`, `spawn_blocking`, `yield_now`, `sleep`); under the checker it is an
// executor with the same names that tries every order of the tasks at their awaits.
// The balance starts anywhere in the `u64` range the judge picks.
//
// solution.rs is this file's twin with every TODO done (marked `SOLVED:`).

use super::sync::task::{self, mpsc};
use super::{Account, checksum};
use std::rc::Rc;

/// Exercise 1: deposit one coin. The bank must confirm it first (`account.confirm().await`),
/// and no deposit may be lost when many tasks deposit at once.
pub async fn deposit(account: Rc<Account>) {
    // TODO: await the confirmation, then read the balance and write it plus one with no `.await` in between.
    // SOLVED: nothing can run between the `get` and the `set`: there is no await point there.
    account.confirm().await;
    account.balance.set(account.balance.get() + 1);
}

/// Exercise 2: `depositors` tasks, running at once, each confirm `deposits` coins and send
/// them to ONE owner task, the only code that touches the balance; return when every coin is in.
pub async fn owner_deposits(account: Rc<Account>, depositors: usize, deposits: u64) {
    // TODO: a channel, an owner task that adds what it receives, depositor tasks that confirm and send; close the channel; wait for all.
    // SOLVED: the owner ends when every sender is dropped: the depositors' clones when they finish, ours by `drop`.
    let (coins, mut received) = mpsc::unbounded_channel::<u64>();
    let owner = {
        let account = Rc::clone(&account);
        task::spawn(async move {
            while let Some(coin) = received.recv().await {
                account.balance.set(account.balance.get() + coin);
            }
        })
    };
    let mut tasks = Vec::new();
    for _ in 0..depositors {
        let (account, coins) = (Rc::clone(&account), coins.clone());
        tasks.push(task::spawn(async move {
            for _ in 0..deposits {
                account.confirm().await;
                coins.send(1).expect("the owner outlives every depositor");
            }
        }));
    }
    drop(coins);
    for depositor in tasks {
        depositor.await.expect("a depositor failed");
    }
    owner.await.expect("the owner failed");
}

/// Exercise 3: the checksum of a statement. `checksum` blocks its thread: it must not
/// run on the executor's thread, where every other task would wait for it.
pub async fn post_statement(statement: u64) -> u64 {
    // TODO: run `checksum(statement)` off the executor's thread and await its result.
    // SOLVED: `spawn_blocking` runs it on a thread of its own; awaiting the handle lets the other tasks run.
    task::spawn_blocking(move || checksum(statement)).await.expect("checksum panicked")
}
