// Exercise 05 — message passing: share by communicating.
//
// Labs 01–04 let every thread write one shared counter and then made that
// safe. Here no thread shares the counter at all: workers *send* their
// increments over a channel to one owner thread, which alone holds the count;
// or each thread counts alone and hands its partial count back when joined.
// Replace each `todo!()` below its `// TODO:`.
//
//   cargo run -- verify 5            check your work (one thread, loom, real threads)
//   cargo run -- hint 5              a hint; `--more` for the next one
//   cargo test --test exercise_05    the same checks, as plain cargo tests
//   cargo run --release -- bench 5   per-message vs batched vs fetch_add vs partials
//
// `channel` is crossbeam's API (`unbounded()`, `bounded(n)`, `send`, `recv`,
// `try_recv`, `iter()`); under loom and in the stepper it is racelab's own
// channel with the same names, so loom sees every send and receive.
//
// solution.rs is this file's twin with every TODO done (marked `SOLVED:`).

use super::sync::channel;
use super::sync::channel::Sender;
use super::sync::thread;

/// Channel fix: worker `i` sends one message (`1`) per increment, `steps[i]`
/// of them, to one owner thread that alone adds them up. Returns the owner's total.
pub fn count_by_messages(steps: &[u64]) -> u64 {
    // TODO: an owner thread that sums every message until every sender is gone; a worker per entry of `steps` sending `1` per increment; return the owner's total.
    // SOLVED: the owner's `iter()` ends only when the channel is empty AND every sender is dropped, so the
    // original `tx` must be dropped too (each worker's clone drops when its thread ends).
    let (tx, rx) = channel::unbounded::<u64>();
    let owner = thread::spawn(move || rx.iter().sum::<u64>());
    let workers: Vec<_> = steps
        .iter()
        .map(|&n| {
            let tx = tx.clone();
            thread::spawn(move || {
                for _ in 0..n {
                    tx.send(1).expect("the owner is alive until every sender is gone");
                }
            })
        })
        .collect();
    drop(tx);
    for worker in workers {
        worker.join().expect("a worker panicked");
    }
    owner.join().expect("the owner panicked")
}

/// Batched fix, in each worker: send `iters` increments as messages of `batch`
/// increments each (the last one may be smaller), so the owner gets `iters` in all.
pub fn send_batched(tx: &Sender<u64>, iters: u64, batch: u64) {
    // TODO: count locally; every time `batch` increments are pending, send them as one message; send what is left at the end.
    // SOLVED: the message is the delta since the last send; the remainder is flushed after the loop.
    let mut pending = 0;
    for _ in 0..iters {
        pending += 1;
        if pending == batch {
            tx.send(pending).expect("the owner is alive");
            pending = 0;
        }
    }
    if pending > 0 {
        tx.send(pending).expect("the owner is alive");
    }
}

/// Partial counts: one scoped thread per entry of `steps` counts `steps[i]`
/// increments in its own variable and returns it; the partials are merged at join.
pub fn count_in_partials(steps: &[u64]) -> u64 {
    // TODO: in `thread::scope`, spawn a thread per entry that counts to it in a local variable and returns the count; join them all and add the partials.
    // SOLVED: no shared counter at all: each partial lives in its own thread, and `join` hands it back.
    thread::scope(|scope| {
        let handles: Vec<_> = steps
            .iter()
            .map(|&n| {
                scope.spawn(move || {
                    let mut mine = 0_u64;
                    for _ in 0..n {
                        mine = std::hint::black_box(mine) + 1;
                    }
                    mine
                })
            })
            .collect();
        handles.into_iter().map(|h| h.join().expect("a counting thread panicked")).sum()
    })
}
