// A right owner whose depositors come from a helper that returns
// `impl std::future::Future` (a reviewer's): naming a future's type is plain
// code in an async lab. It was refused ("`std::future` is not one of std's
// plain items"); `std::future::{Future, IntoFuture, ready}` and `std::pin::Pin`
// are now allowed, while building a future by hand (`poll_fn`, a `Waker`)
// stays refused.
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

pub async fn post_statement(statement: u64) -> u64 {
    task::spawn_blocking(move || checksum(statement)).await.expect("checksum panicked")
}
