// Two right helpers a reviewer wrote, each once misjudged:
//
// - depositors made by a helper that returns `impl std::future::Future`: naming a
//   future's type is plain code in an async lab. It was refused ("`std::future` is
//   not one of std's plain items"); `std::future::{Future, IntoFuture, ready}` and
//   `std::pin::Pin` are now allowed, while building a future by hand (`poll_fn`, a
//   `Waker`) stays refused;
// - a helper type whose method `get` sleeps, called only inside `spawn_blocking`. The
//   judge knows a blocking method by its name, and took `account.balance.get()` (a
//   `Cell`'s) for it: "failing" twice. A name std's plain types also use (`get`,
//   `set`, `push` …), called on a field, is now taken for std's; the same method
//   called on a variable in async code is still named as blocking.
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

fn depositor(
    account: Rc<Account>,
    coins: mpsc::UnboundedSender<u64>,
    deposits: u64,
) -> impl std::future::Future<Output = ()> {
    async move {
        for _ in 0..deposits {
            account.confirm().await;
            coins.send(1).unwrap();
        }
    }
}

pub async fn owner_deposits(account: Rc<Account>, depositors: usize, deposits: u64) {
    let (coins, mut received) = mpsc::unbounded_channel::<u64>();
    let a = Rc::clone(&account);
    let owner = task::spawn(async move {
        while let Some(c) = received.recv().await {
            a.balance.set(a.balance.get() + c);
        }
    });
    let hs: Vec<_> = (0..depositors)
        .map(|_| task::spawn(depositor(Rc::clone(&account), coins.clone(), deposits)))
        .collect();
    drop(coins);
    for h in hs {
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
