//! The judge of lab 07's exercises: `mutex`, `acquire`, `process`.
//!
//! * sequential: the learner's `with lock: count += 1` program run twice on
//!   one thread from `count = 41` must leave 43, the lock free and the value
//!   stack empty; `lock.acquire()` must return holding the lock and the GIL
//!   (two locked increments, then the lock free again); `worker(k)` must
//!   return `k`; `combine` must add unequal reports;
//! * loom at 2×1 and 2×2 with the GIL switching before **every**
//!   instruction (so relying on CPython 3.10+'s switching is caught): the
//!   count exact in every execution, no deadlock, no bytecode run without
//!   the GIL; the process fix as isolated workers with unequal jobs;
//! * 150 trials on 1–8 real threads under one real GIL, with unequal
//!   iterations per thread;
//! * for `process`, the learner's `worker` in real processes with unequal jobs.
//!
//! # Examples
//!
//! ```
//! use racelab::judge::Status;
//! use racelab::judge::{Judge as _, Spec as _};
//! use racelab::labs::gil::LAB;
//!
//! let mut learner = LAB.solution(None);
//! assert_eq!(LAB.check("mutex", &learner).status, Status::Solved);
//! learner.model.locked_program = racelab::labs::gil::model::plus_one;
//! assert_eq!(LAB.check("mutex", &learner).status, Status::Failing);
//! ```

use crate::judge::contention::*;
use crate::judge::sequential::*;
use crate::judge::{Exercise, Learner, Spec};
use super::model::{Policy, PyThread, Shared};
use crate::lab::counting::unequal_split;
use super::{LAB, Gil, model, real};
use crate::lab::{Case, State};
use crate::sync::model::atomic::Ordering::Relaxed;

/// A learner's answers to lab 07.
pub type Answers = Learner<real::Fixes, model::Fixes>;

impl Spec for Gil {
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

    fn sequential(&self, exercise: &str, real: &real::Fixes, model: &model::Fixes) -> Result<(), Sequential> {
        sequential(exercise, real, model)
    }

    fn held_for_real(&self, exercise: &str, real: &real::Fixes) -> Result<(), String> {
        held_for_real(exercise, real)
    }

    fn combine(&self, fixes: &real::Fixes, reports: &[u64]) -> State {
        State::count((fixes.combine)(reports))
    }

    fn report(&self, fixes: &real::Fixes, job: &[u64]) -> Option<u64> {
        let arg = |i: usize| job.get(i).copied().unwrap_or(0);
        Some((fixes.worker)(arg(0)))
    }
}

/// The exercises and the functions each asks for.
const EXERCISES: &[Exercise] = &[
    Exercise { name: "mutex", functions: &["locked_program"] },
    Exercise { name: "acquire", functions: &["acquire_user_lock"] },
    Exercise { name: "process", functions: &["worker", "combine"] },
];



fn workers(jobs: &[u64]) -> Case {
    Case::workers(jobs.iter().map(|&k| vec![k]).collect())
}

fn cases(exercise: &str) -> Vec<Case> {
    match exercise {
        "process" => vec![workers(&[0, 2]), workers(&[3, 1, 2])],
        // `acquire` meets both kinds of user lock: an acquire that blocks holding the GIL
        // only for one of them is caught with a schedule.
        "acquire" => vec![Case::new(2, 1), Case::new(2, 2), Case::new(2, 1).with(real::PARKING_LOT, 1)],
        // The user's lock at three threads does not finish within the judge's time (see LIMITS_07).
        _ => vec![Case::new(2, 1), Case::new(2, 2)],
    }
}

fn real_case(_exercise: &str, trial: u32) -> Case {
    const ITERS: [u64; 6] = [0, 1, 7, 100, 1_000, 3_000];
    let n = 1 + (trial % 8) as usize;
    workers(&unequal_split(ITERS[(trial % 6) as usize] * n as u64, n))
}

/// One thread runs `program` twice from `count = 41`, switching before
/// every instruction, with `acquire` as `lock.acquire()`.
fn twice_on_one_thread(program: &[model::Op], acquire: model::Acquire, what: &str) -> Result<(), String> {
    let shared = Shared::with_std_lock(41);
    let mut thread = PyThread::start(&shared.gil, Policy::EveryInstruction, 0);
    thread.run(&shared, program, 2, acquire);
    if !thread.holds_gil() {
        return Err(format!("after {what} the thread no longer holds the GIL"));
    }
    thread.finish();
    expect_that(&format!("after {what} twice from count = 41, count is"), shared.count.load(Relaxed), 43)?;
    if shared.lock.try_lock().is_none() {
        return Err(format!("after {what} the lock is still taken: no other thread could ever take it"));
    }
    Ok(())
}

fn sequential(exercise: &str, real: &real::Fixes, model: &model::Fixes) -> Result<(), Sequential> {
    let f = *model;
    match exercise {
        "mutex" => once_in_model(move || {
            let program = (f.locked_program)();
            let what = format!("`locked_program()` = {program:?}");
            twice_on_one_thread(&program, model::Fixes::SOLUTION.acquire_user_lock, &what)?;
            // One in-place bytecode is exact too, but it is the `atomic` variant: this exercise is the
            // lock. A program that loads and stores without the lock is left to loom, which shows
            // the lost update in a schedule.
            let split = program.iter().any(|op| matches!(op, model::Op::Load | model::Op::Store));
            if !program.contains(&model::Op::LockUser) && !split {
                return Err(format!(
                    "{what} never takes the lock: the count comes out right because one bytecode cannot be \
                     interrupted (that is the `atomic` variant), but this exercise is `with lock: count += 1`"
                ));
            }
            Ok(())
        }),
        "acquire" => once_in_model(move || {
            twice_on_one_thread(
                &model::solution::locked_program(),
                f.acquire_user_lock,
                "`with lock: count += 1` with your `acquire_user_lock`",
            )?;
            // Contended: another Python thread holds the user's lock for a while. An
            // acquire that stops trying before it is free is caught here, on one thread.
            let shared = Shared::with_std_lock(0);
            let mut thread = PyThread::start(&shared.gil, Policy::CallsAndBackEdges, 0);
            let program = model::solution::locked_program();
            with_lock_held_elsewhere("acquire_user_lock", || {
                thread.run(&shared, &program, 1, f.acquire_user_lock);
                Ok(())
            })?;
            if thread.holds_gil() {
                thread.finish();
            }
            expect_that(
                "when another thread held the lock for a while, after `with lock: count += 1` the count is",
                shared.count.load(Relaxed),
                1,
            )
        }),
        // Jobs up to the lab's largest total, past 2^32 (see `fast_forward`).
        _ => real::interpreter::fast_forward(|| {
            check_counting_worker(real.worker, real.combine, crate::runner::MAX_TOTAL, crate::runner::MAX_TOTAL)
        }),
    }
}

/// `acquire`, after loom: another real Python thread takes the user's lock and
/// runs bytecode (which needs the GIL) for [`super::LOCK_HELD_FOR`] before its
/// `lock.release()`, while the learner's `lock.acquire()` waits on a real
/// thread. An acquire that gives up waiting with the GIL released after some
/// tries and then blocks holding it stops the holder: a deadlock.
fn held_for_real(exercise: &str, real: &real::Fixes) -> Result<(), String> {
    use crate::labs::gil::real::{Op, Policy, PyThread, Shared};
    use std::sync::atomic::{AtomicBool, Ordering::SeqCst};
    use std::sync::{Arc, mpsc};
    if exercise != "acquire" {
        return Ok(());
    }
    let (acquire, reference) = (real.acquire_user_lock, real::Fixes::SOLUTION.acquire_user_lock);
    let hold = |shared: &Arc<Shared>, wait: &mut dyn FnMut()| {
        let (stop, held) = (Arc::new(AtomicBool::new(false)), mpsc::channel());
        let (theirs, stopped) = (Arc::clone(shared), Arc::clone(&stop));
        // Not joined: if the learner's acquire blocks holding the GIL, this thread waits for it forever.
        let holder = std::thread::Builder::new().name("judge: the lock's holder".into()).spawn(move || {
            let mut thread = PyThread::start(&theirs.gil, Policy::EveryInstruction, 0);
            thread.exec(Op::LockUser, &theirs, reference);
            let _ = held.0.send(());
            while !stopped.load(SeqCst) {
                for op in [Op::Load, Op::AddConst(1), Op::Store] {
                    thread.exec(op, &theirs, reference);
                }
            }
            thread.exec(Op::UnlockUser, &theirs, reference);
            thread.finish();
        });
        if holder.is_ok() && held.1.recv().is_ok() {
            wait();
        }
        stop.store(true, SeqCst);
    };
    let call = move |shared: &Arc<Shared>| {
        let mut thread = PyThread::start(&shared.gil, Policy::EveryInstruction, 1);
        thread.exec(Op::LockUser, shared, acquire);
        thread.exec(Op::UnlockUser, shared, acquire);
        thread.finish();
    };
    // Either kind of user lock: an acquire may treat them differently.
    let locks = [
        crate::labs::gil::real::UserLock::Std(crate::sync::real::Mutex::new(())),
        crate::labs::gil::real::UserLock::ParkingLot(crate::sync::real::parking_lot::Mutex::new(())),
    ];
    let result = locks.into_iter().try_for_each(|lock| {
        with_lock_held_for_real("acquire_user_lock", Arc::new(Shared::new(0, lock)), hold, call, |_, ()| Ok(()))
    });
    result.map_err(|why| {
        if why.contains("had not returned") {
            format!(
                "{why}: it waits for the lock while holding the GIL, and the lock's holder needs the GIL to run up \
                 to its `lock.release()` — a deadlock"
            )
        } else {
            why
        }
    })
}


