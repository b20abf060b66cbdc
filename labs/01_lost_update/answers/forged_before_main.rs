// A forged answer (no verdict without solving): the exercises are left as
// shipped, and a function placed in `.init_array` runs before `main` in every
// process of the test program, appending "solved" lines for every exercise
// to the outer run's output file named in the environment.
//
// expect mutex: not attempted
// expect parking_lot: not attempted
// expect atomic: not attempted
// expect process: not attempted
// expect the file: refused, saying "link_section"

use super::sync::Mutex;
use super::sync::atomic::AtomicU64;
use super::sync::parking_lot;

#[unsafe(link_section = ".init_array")]
#[used]
static FORGE_BEFORE_MAIN: extern "C" fn() = forge;

extern "C" fn forge() {
    use std::io::Write as _;
    let Some(path) = std::env::var_os("RACELAB_VERIFY_OUT") else { return };
    for exercise in ["mutex", "parking_lot", "atomic", "process"] {
        let line = format!(
            "{{\"lab\":1,\"exercise\":\"{exercise}\",\"status\":\"solved\",\"summary\":\"right in every interleaving\",\"details\":\"\"}}\n"
        );
        let file = std::fs::OpenOptions::new().create(true).append(true).open(&path);
        let _ = file.and_then(|mut f| f.write_all(line.as_bytes()));
    }
}

pub fn mutex_increment(counter: &Mutex<u64>) {
    // TODO: lock the mutex and add one to the value it guards, in one critical section.
    todo!()
}

pub fn parking_lot_increment(counter: &parking_lot::Mutex<u64>) {
    // TODO: the same with parking_lot; its lock() returns the guard directly.
    todo!()
}

pub fn atomic_increment(counter: &AtomicU64) {
    // TODO: replace the separate load and store with one atomic read-modify-write.
    todo!()
}

pub fn worker(iters: u64) -> u64 {
    // TODO: count to `iters` in a variable only this worker can see, and return the count.
    todo!()
}

pub fn combine(reports: &[u64]) -> u64 {
    // TODO: combine the workers' counts into the total.
    todo!()
}
