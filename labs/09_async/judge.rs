//! The judge of lab 09's exercises: `no_await` (`deposit`), `owner`
//! (`owner_deposits`), `offload` (`post_statement`).
//!
//! Balances and statements come from the whole `u64` range, edges included
//! ([`values::across`](crate::judge::values::across)):
//!
//! The bank audits every account (`Account::confirm`): each deposit is confirmed
//! once, and no coin may be in the balance before its confirmation came back (a
//! coin credited first, or sent to the owner before `confirm().await`, is caught as
//! a round trip starts or ends) — on one task first, then in every interleaving.
//!
//! * `no_await`: on one task, two deposits from every start balance must add 2;
//!   then loom at 2×1 and 2×2 tasks × deposits (every order of the tasks at their
//!   awaits; every deposit counted, every deposit confirmed); then 150 runs on tokio;
//! * `owner`: on one thread, 0–1 depositors × 0–1 deposits from the range's edges, and
//!   1 × 3, 2 × 2 and 3 × 1 from one balance (each a second of loom: every task is a
//!   thread); one task alone writes the balance, and coins cross a channel;
//!   an owner whose channel is never closed waits for ever, which the checker
//!   reports as a deadlock with each task's line; then **on tokio, 3 and 6 depositors
//!   × 2 deposits must leave the balance right and have every depositor's round trip in
//!   flight at once** (6: more than loom's threads, where a shortcut for "many" hides) — deposits made one after another (in the caller, or by tasks
//!   awaited one by one) are not depositors running at once, and tokio's order (the
//!   same every run) interleaves depositors that write the balance themselves; then
//!   loom with the owner beside one depositor of 1 and 2 deposits (loom finishes 3 of
//!   its threads, not 4); then tokio;
//! * `offload`: on one task, every statement's checksum must come back right with
//!   no blocking call on the executor's thread (a loop on `is_finished()` is named);
//!   then loom with the statement task beside one depositor; then tokio.
//!
//! # Examples
//!
//! ```
//! use racelab::judge::Status;
//! use racelab::judge::{Judge as _, Spec as _};
//! use racelab::labs::async_lab::LAB;
//!
//! let mut learner = LAB.solution(None);
//! assert_eq!(LAB.check("no_await", &learner).status, Status::Solved);
//! learner.model.deposit = |account| Box::pin(racelab::labs::async_lab::model::racy_deposit(account));
//! learner.real.deposit = |account| Box::pin(racelab::labs::async_lab::real::racy_deposit(account));
//! assert_eq!(LAB.check("no_await", &learner).status, Status::Failing);
//! ```

use super::{Async, LAB, model, real};
use crate::judge::sequential::*;
use crate::judge::values::{PAST_U16, across};
use crate::judge::{Exercise, Learner, Spec};
use crate::lab::{Case, State};
use std::rc::Rc;
use crate::sync::model::task::mpsc;

/// A learner's answers to lab 09.
pub type Answers = Learner<real::Fixes, model::Fixes>;

impl Spec for Async {
    crate::spec_plumbing!();

    fn exercises(&self) -> &'static [Exercise] {
        EXERCISES
    }

    fn cases(&self, exercise: &str) -> Vec<Case> {
        cases(exercise)
    }

    fn real_case(&self, exercise: &str, trial: u32) -> Case {
        real_case(exercise, trial)
    }

    fn sized_case(&self, exercise: &str, threads: usize, iters: u64) -> Case {
        sized_case(exercise, 0, threads, iters)
    }

    fn process_cases(&self) -> Vec<Case> {
        Vec::new()
    }

    fn sequential(&self, exercise: &str, real: &real::Fixes, model: &model::Fixes) -> Result<(), Sequential> {
        sequential(exercise, real, model)
    }

    fn combine(&self, _fixes: &real::Fixes, reports: &[u64]) -> State {
        State::count(reports.iter().sum())
    }

    fn report(&self, _fixes: &real::Fixes, _job: &[u64]) -> Option<u64> {
        None
    }
}

/// The exercises and the functions each asks for.
const EXERCISES: &[Exercise] = &[
    Exercise { name: "no_await", functions: &["deposit"] },
    Exercise { name: "owner", functions: &["owner_deposits"] },
    Exercise { name: "offload", functions: &["post_statement"] },
];

/// The largest start balance: room for the deposits of every case above it.
pub const MAX_START: u64 = u64::MAX - 64;

fn cases(exercise: &str) -> Vec<Case> {
    match exercise {
        "owner" => vec![Case::new(2, 1).with("start", 41), Case::new(2, 2).with("start", (1 << 32) - 1)],
        "offload" => vec![
            Case::new(1, 1).with("statement", u64::MAX),
            Case::new(2, 1).with("start", (1 << 32) - 1).with("statement", 1 << 32),
        ],
        _ => vec![
            Case::new(2, 1).with("start", 41),
            Case::new(2, 2).with("start", (1 << 32) - 1),
            Case::new(2, 2).with("start", MAX_START),
        ],
    }
}

fn real_case(exercise: &str, trial: u32) -> Case {
    const DEPOSITS: [u64; 5] = [0, 1, 3, 100, 1_000];
    let deposits = if exercise == "offload" { DEPOSITS[(trial % 3) as usize] } else { DEPOSITS[(trial % 5) as usize] };
    sized_case(exercise, trial, 1 + (trial % 4) as usize, deposits)
}

/// A trial's case at a given size: the balance starts and the statement as trial `trial` sets them.
fn sized_case(_exercise: &str, trial: u32, tasks: usize, deposits: u64) -> Case {
    let starts = across(MAX_START);
    let start = starts[trial as usize % starts.len()];
    // The top of the range, less what the deposits add: a right answer never overflows.
    let start = start.min(u64::MAX - tasks as u64 * deposits);
    Case::new(tasks, deposits).with("start", start).with("statement", start ^ u64::from(trial))
}

/// Depositors and deposits the owner exercise is tried with on one thread (loom runs
/// each task as one of its threads, and has four: the main task, the owner, two
/// depositors), from every start balance; and the longer runs, from one start. No
/// depositors with deposits to make too: no coin comes in (a caller that deposits as
/// "the first depositor" deposits anyway).
const OWNER_SHAPES: [(usize, u64); 4] = [(0, 0), (0, 1), (1, 0), (1, 1)];
/// Several round trips, and two and three depositors: one execution takes about a second
/// each (every task a loom thread), so they run from one start only — a width mistake needs
/// only the first deposit past 2^32, which the shapes above make from every start. Three
/// depositors: a shortcut taken from three on (depositors that write the balance
/// themselves) shows its writers.
const LONG_OWNER_SHAPES: [(usize, u64); 3] = [(1, 3), (2, 2), (3, 1)];

/// How long a run on tokio may go without a round trip to the bank before it is taken for
/// stuck: tokio has no deadlock detection, and a right answer makes thousands a second.
const STALLED_AFTER: std::time::Duration = std::time::Duration::from_secs(2);

/// Runs `future` on tokio beside a watch of the bank's round trips: tasks that all wait for
/// one another (a bounded channel whose receiver starts only after its senders are awaited,
/// say) make none, and are reported so, where tokio itself would wait for ever.
fn run_watched(call: &str, future: real::Task<()>, account: &Rc<real::Account>) -> Result<(), String> {
    use crate::sync::real::task;
    let account = Rc::clone(account);
    // The learner's sleeps are one yield each here, as in the checker: 150 trials of a
    // right answer that sleeps 1 ms per deposit took 40 s of waiting.
    task::sleeps_only_yield(true);
    let result = task::block_on(async move {
        let run = task::spawn(future);
        let (mut trips, mut since) = (account.trips(), std::time::Instant::now());
        while !run.is_finished() {
            // The judge's own watch waits for real.
            tokio::time::sleep(std::time::Duration::from_millis(5)).await;
            if account.trips() != trips {
                (trips, since) = (account.trips(), std::time::Instant::now());
            } else if since.elapsed() > STALLED_AFTER {
                return Err(format!(
                    "{call} stopped after {trips} round trips to the bank: for {} s no task made progress — every \
                     task waits for another (a bounded channel whose receiver starts only after the senders are \
                     awaited, say: once it is full, every sender waits for ever)",
                    STALLED_AFTER.as_secs()
                ));
            }
        }
        run.await.map_err(|e| {
            let e = e.to_string();
            // A depositor's `send(…).unwrap()` fails only when the receiver is gone.
            let why = if e.contains("SendError") {
                ": a depositor's `send` failed because the owner's receiver was already dropped — the owner stopped \
                 receiving before every depositor had sent (at the first empty `try_recv`, say); receive until \
                 `recv().await` says `None`"
            } else {
                ""
            };
            format!("{call} panicked: {e}{why}")
        })
    });
    task::sleeps_only_yield(false);
    result
}

fn sequential(exercise: &str, real: &real::Fixes, model: &model::Fixes) -> Result<(), Sequential> {
    let f = *model;
    match exercise {
        "no_await" => once_in_model(move || {
            for start in across(MAX_START) {
                let account = model::Account::new(start);
                let (a, deposit) = (Rc::clone(&account), f.deposit);
                crate::sync::model::task::block_on(async move {
                    deposit(Rc::clone(&a)).await;
                    deposit(a).await;
                });
                expect_that(
                    &format!("from a balance of {start}, after two calls of `deposit` on one task the balance is"),
                    account.balance.get(),
                    start + 2,
                )?;
                bank_audit(&account, &format!("from a balance of {start}, two calls of `deposit` on one task"), 2)?;
            }
            Ok(())
        })
        .and_then(|()| deposits_overlap(real.deposit)),
        "owner" => {
            // One model per run: loom's threads (one per task) are not reused within one.
            let starts = [0, 41, (1 << 32) - 1, MAX_START];
            let shapes = starts.iter().flat_map(|&start| OWNER_SHAPES.map(|shape| (start, shape)));
            for (start, (depositors, deposits)) in shapes.chain(LONG_OWNER_SHAPES.map(|shape| (41, shape))) {
                let checked = once_in_model(move || {
                    let account = model::Account::new(start);
                    let (a, owner) = (Rc::clone(&account), f.owner);
                    let (sent, refused) = (mpsc::sent(), mpsc::refused());
                    crate::sync::model::task::block_on(owner(a, depositors, deposits));
                    let (sent, refused) = (mpsc::sent() - sent, mpsc::refused() - refused);
                    // Coins sent after the owner stopped receiving (it took an empty channel for a
                    // closed one, say): the sends failed, and were ignored.
                    if refused > 0 {
                        return Err(format!(
                            "from a balance of {start}, `owner_deposits(account, {depositors}, {deposits})`: {refused} \
                             of the depositors' sends failed — the owner had stopped receiving (dropped its receiver) \
                             before every coin was sent, and the failed sends were ignored. The owner receives until \
                             the channel is closed (`recv()` returns `None` once every sender is gone), not until it is \
                             empty for a moment"
                        ));
                    }
                    only_one_writer(&account, start, depositors, deposits)?;
                    // With one depositor, a shortcut that deposits in the caller and skips the channel.
                    if depositors > 0 && deposits > 0 && sent == 0 {
                        let (balance, want) = (account.balance.get(), start + depositors as u64 * deposits);
                        let left = if balance == want {
                            "left the right balance, but".to_string()
                        } else {
                            format!("left a balance of {balance}, not {want}, and")
                        };
                        return Err(format!(
                            "from a balance of {start}, `owner_deposits(account, {depositors}, {deposits})` {left} no coin \
                             was sent over a channel: the depositors send their coins to the owner task, which alone \
                             adds them up — whatever the number of depositors"
                        ));
                    }
                    let call = format!("from a balance of {start}, `owner_deposits(account, {depositors}, {deposits})`");
                    bank_audit(&account, &call, depositors as u64 * deposits)?;
                    expect_that(
                        &format!(
                            "from a balance of {start}, after `owner_deposits(account, {depositors}, {deposits})` the balance is"
                        ),
                        account.balance.get(),
                        start + depositors as u64 * deposits,
                    )
                });
                match checked {
                    // Three depositors, the owner and the caller are all the threads loom has: an
                    // answer with a task more is judged by the other shapes.
                    Err(Sequential::NotJudged(_)) if depositors == 3 => {}
                    checked => checked?,
                }
            }
            overlapping(real.owner)?;
            // A count past 2^16 deposits, on tokio (loom would take minutes): a depositor that
            // counts its coins in a `u16` before sending them goes wrong there.
            once_for_real(move || {
                let account = real::Account::new(0);
                let call = format!("on tokio, `owner_deposits(account, 1, {PAST_U16})`");
                run_watched(&call, (real.owner)(Rc::clone(&account), 1, PAST_U16), &account)?;
                expect_that(
                    &format!("from a balance of 0, after `owner_deposits(account, 1, {PAST_U16})` the balance is"),
                    account.balance.get(),
                    PAST_U16,
                )
            })
        }
        // One model per statement: loom's threads are not reused within one, and an answer
        // may start a task of its own for each statement.
        _ => across(u64::MAX).into_iter().try_for_each(|statement| {
            once_in_model(move || {
                let post = f.post;
                model::take_stalls();
                let got = crate::sync::model::task::block_on(post(statement));
                let stalls = model::take_stalls();
                if stalls > 0 {
                    return Err(format!(
                        "`post_statement({statement})` called `checksum` on the executor's thread: while it blocks, \
                         no other task runs. Run it with `task::spawn_blocking(move || checksum(statement))` and await that"
                    ));
                }
                expect_that(&format!("`post_statement({statement})` returned"), got, model::mix(statement))
            })
        }),
    }
}

/// The bank's rules, on one account after `made` deposits: each deposit confirmed
/// once, and no coin counted before its confirmation came back.
fn bank_audit(account: &model::Account, call: &str, made: u64) -> Result<(), String> {
    if account.early() > 0 {
        return Err(format!("{call}: {}", super::EARLY));
    }
    match account.confirmed() {
        n if n == made => Ok(()),
        n => Err(format!(
            "{call}: the bank confirmed {n} round trip{} for {made} deposit{}: each deposit awaits \
             `account.confirm()` once, before its coin is counted",
            if n == 1 { "" } else { "s" },
            if made == 1 { "" } else { "s" }
        )),
    }
}


/// Whether the learner's deposits run at once: on tokio (which runs ready tasks in the
/// order they became ready, the same every run), 3 tasks of one `deposit` each, all
/// spawned before any is awaited, must have all 3 round trips to the bank in flight
/// together. That is what `no_await` is for: a lock held across `confirm().await` (the
/// `async_mutex` variant) never loses a deposit either, but makes them one at a time.
fn deposits_overlap(deposit: fn(Rc<real::Account>) -> real::Task<()>) -> Result<(), Sequential> {
    use crate::sync::real::task;
    const TASKS: u64 = 3;
    let call = format!("on tokio, {TASKS} tasks of one `deposit` each");
    // On a thread of its own, waited for a few seconds: this runs before loom, and an answer
    // that blocks the executor's one thread (a `std` lock held across `.await`) would block
    // the judge with it. Such an answer — and one that panics or loses a deposit — is left
    // to loom, which names its mistake with a schedule.
    let (done, result) = std::sync::mpsc::channel();
    let watched = call.clone();
    let started = std::thread::Builder::new().name("racelab-overlap".to_string()).spawn(move || {
        let peak = crate::check::quietly_catch(|| {
            let account = real::Account::new(0);
            let shared = Rc::clone(&account);
            let all: real::Task<()> = Box::pin(async move {
                let handles: Vec<_> = (0..TASKS).map(|_| task::spawn(deposit(Rc::clone(&shared)))).collect();
                for handle in handles {
                    handle.await.expect("a deposit's task failed");
                }
            });
            run_watched(&watched, all, &account).ok()?;
            (account.balance.get() == TASKS).then(|| account.peak())
        });
        let _ = done.send(peak.ok().flatten());
    });
    if started.is_err() {
        return Ok(());
    }
    match result.recv_timeout(std::time::Duration::from_secs(5)) {
        Ok(Some(peak)) if peak < TASKS => Err(Sequential::Logic(format!(
            "{call} (spawned before any was awaited): at most {peak} of the {TASKS} round trips to the bank were \
             in flight at once — {}. No deposit is lost, but `no_await` is the fix that lets them overlap: await \
             `confirm()` first, then read and write the balance with no `.await` between (holding a lock across \
             the round trip is lab 09's other fix, `async_mutex`, one deposit at a time)",
            if peak <= 1 { "the deposits took turns" } else { "some deposits waited for others" }
        ))),
        _ => Ok(()),
    }
}

/// The owner exercise's rule, checked on the trace: one task alone writes the balance (the
/// owner). Depositors that write it themselves — or an owner per depositor — get the total
/// right on one thread, with no `.await` between their read and write, yet share the balance.
fn only_one_writer(account: &model::Account, start: u64, depositors: usize, deposits: u64) -> Result<(), String> {
    let balance = std::ptr::from_ref(&account.balance) as usize;
    let writers: std::collections::BTreeSet<usize> = crate::trace::with_events(|events| {
        events
            .iter()
            .filter(|e| e.addr == balance && matches!(e.op, crate::trace::Op::Store { .. }))
            .map(|e| e.thread)
            .collect()
    });
    if writers.len() <= 1 {
        return Ok(());
    }
    Err(format!(
        "from a balance of {start}, `owner_deposits(account, {depositors}, {deposits})` left the right balance, but {} \
         tasks wrote it: only the owner task may touch the balance — the depositors send their coins to it over \
         the channel, and one owner receives them all",
        writers.len()
    ))
}

/// Whether the learner's depositors run at once: on tokio (whose current-thread
/// scheduler runs ready tasks in the order they became ready, the same every run),
/// 3 depositors × 2 deposits must have had all 3 depositors' round trips in flight together.
///
/// Then 6 depositors, more than loom's threads can model: a shortcut taken only for
/// "many" depositors (awaited one by one, the owner not awaited) is taken there.
fn overlapping(owner: fn(Rc<real::Account>, usize, u64) -> real::Task<()>) -> Result<(), Sequential> {
    for depositors in [3, 6] {
        overlapping_with(owner, depositors)?;
    }
    Ok(())
}

/// [`overlapping`] with `depositors` depositors of 2 coins each.
fn overlapping_with(owner: fn(Rc<real::Account>, usize, u64) -> real::Task<()>, depositors: usize) -> Result<(), Sequential> {
    once_for_real(move || {
        let account = real::Account::new(0);
        let want = 2 * depositors as u64;
        let call = format!("on tokio, `owner_deposits(account, {depositors}, 2)`");
        run_watched(&call, owner(Rc::clone(&account), depositors, 2), &account)?;
        let (peak, balance) = (account.peak(), account.balance.get());
        if balance != want {
            return Err(format!(
                "on tokio, {depositors} depositors of 2 coins each left a balance of {balance}, not {want}: {}",
                if balance < want {
                    "coins were lost — an owner that stops receiving before every sender is gone (at the first \
                     empty `try_recv`, say) never adds the coins still to come, and tasks that write the balance \
                     themselves overwrite each other's deposits: only the owner touches the balance, and it \
                     receives until `recv().await` says `None`"
                } else {
                    "coins were counted twice — only the owner task touches the balance, adding each coin it \
                     receives once"
                }
            ));
        }
        // tokio runs the spawned depositors in turn, each up to its first round trip: all three
        // are in flight at once when every one was spawned before any was awaited.
        if peak >= depositors as u64 {
            return Ok(());
        }
        Err(format!(
            "with {depositors} depositors of 2 coins each, at most {peak} of the {} round trips to the bank were in \
             flight at once, not all {depositors} depositors': {} — in the caller, by tasks awaited one by one (the first before the \
             others start, say), or by tasks that take turns (a lock held across the round trips). Spawn every \
             depositor task first, then await them, and hold nothing across `confirm().await`: each awaits its own \
             round trip while the others run",
            account.trips(),
            if peak <= 1 { "the deposits were made one after another" } else { "some deposits waited for others" }
        ))
    })
}
