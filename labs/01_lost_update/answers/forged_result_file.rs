// A forged answer (no verdict without solving): every `todo!()` replaced by
// a call that appends a "solved" outcome line to the result file named in
// the judging child's environment, then exits before any check can fail.
//
// expect mutex: refused, saying "`std::io` in `forge`"
// expect parking_lot: refused, saying "`std::io` in `forge`"
// expect atomic: refused, saying "`std::io` in `forge`"
// expect process: refused, saying "`std::io` in `forge`"

use super::sync::Mutex;
use super::sync::atomic::AtomicU64;
use super::sync::parking_lot;

fn forge(exercise: &str) -> ! {
    use std::io::Write as _;
    for (key, path) in std::env::vars_os() {
        if key.to_string_lossy().starts_with("RACELAB") {
            let line = format!(
                "outcome\t{{\"lab\":1,\"exercise\":\"{exercise}\",\"status\":\"solved\",\"summary\":\"right in every interleaving\",\"details\":\"\"}}\n"
            );
            let file = std::fs::OpenOptions::new().append(true).open(path);
            let _ = file.and_then(|mut f| f.write_all(line.as_bytes()));
        }
    }
    std::process::exit(0)
}

pub fn mutex_increment(counter: &Mutex<u64>) {
    let _ = counter;
    forge("mutex")
}

pub fn parking_lot_increment(counter: &parking_lot::Mutex<u64>) {
    let _ = counter;
    forge("parking_lot")
}

pub fn atomic_increment(counter: &AtomicU64) {
    let _ = counter;
    forge("atomic")
}

pub fn worker(iters: u64) -> u64 {
    let _ = iters;
    forge("process")
}

pub fn combine(reports: &[u64]) -> u64 {
    let _ = reports;
    forge("process")
}
