// A right file with a helper type whose method `get` sleeps, called only inside
// `spawn_blocking` (a reviewer's). The judge knows a blocking method by its name,
// and took `account.balance.get()` — a `Cell`'s — for it: "failing" twice. A name
// std's plain types also use (`get`, `set`, `push` …), called on a field, is now
// taken for std's; the same method called on a variable in async code is still
// named as blocking.
//
// expect no_await: solved
// expect owner: solved
// expect offload: solved
use super::sync::task::{self, mpsc};
use super::{Account, checksum};
use std::rc::Rc;

pub async fn deposit(account: Rc<Account>) {
    account.confirm().await;
    account.balance.set(account.balance.get() + 1);
}

pub async fn owner_deposits(account: Rc<Account>, depositors: usize, deposits: u64) {
    let (coins, mut received) = mpsc::unbounded_channel::<u64>();
    let owner_account = Rc::clone(&account);
    let owner = task::spawn(async move {
        while let Some(coin) = received.recv().await {
            owner_account.balance.set(owner_account.balance.get() + coin);
        }
    });
    let mut handles = Vec::new();
    for _ in 0..depositors {
        let coins = coins.clone();
        let account = Rc::clone(&account);
        handles.push(task::spawn(async move {
            for _ in 0..deposits {
                account.confirm().await;
                coins.send(1).unwrap();
            }
        }));
    }
    drop(coins);
    for h in handles {
        h.await.unwrap();
    }
    owner.await.unwrap();
}

struct SlowStatement(u64);

impl SlowStatement {
    fn get(&self) -> u64 {
        std::thread::sleep(std::time::Duration::from_micros(10));
        checksum(self.0)
    }
}

pub async fn post_statement(statement: u64) -> u64 {
    let s = SlowStatement(statement);
    task::spawn_blocking(move || s.get()).await.unwrap()
}
