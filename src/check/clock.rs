//! How long loom has worked: the exploring thread's CPU time, not the clock.
//!
//! loom runs every model thread as a coroutine on the thread that called it,
//! so that thread's CPU time is the exploration's work. A budget counted in
//! it gives the same verdict on a quiet machine and on one where eight other
//! jobs share two cores (counted in wall-clock seconds, a loaded machine
//! explored a third as many interleavings and said "too many" to answers a
//! quiet one proved right). A thread that stops working — blocked, asleep —
//! still runs out: [`WorkClock::spent`] never falls below a quarter of the
//! wall-clock time.

use std::time::{Duration, Instant};

/// How much faster than the wall clock the budget runs out when the thread
/// does not get the CPU (a machine loaded past this many jobs per core).
const WALL_SLACK: u32 = 4;

/// A stopwatch of this thread's work (see the [module docs](self)).
///
/// # Examples
///
/// ```
/// use racelab::check::clock::WorkClock;
/// use std::time::Duration;
///
/// let clock = WorkClock::start();
/// let mut x = 0u64;
/// while clock.spent() < Duration::from_millis(20) {
///     x = std::hint::black_box(x + 1);
/// }
/// assert!(clock.spent() >= Duration::from_millis(20));
/// ```
#[derive(Clone, Copy, Debug)]
pub struct WorkClock {
    cpu: Option<Duration>,
    wall: Instant,
}

impl WorkClock {
    /// Starts counting now, on this thread.
    pub fn start() -> WorkClock {
        WorkClock { cpu: thread_cpu(), wall: Instant::now() }
    }

    /// The CPU time this thread used since [`start`](Self::start), or a
    /// quarter of the wall-clock time if that is more; the wall-clock time
    /// where the thread's CPU time cannot be read. Call it on the thread that
    /// started the clock.
    pub fn spent(&self) -> Duration {
        let wall = self.wall.elapsed();
        match (self.cpu, thread_cpu()) {
            (Some(then), Some(now)) => now.saturating_sub(then).max(wall / WALL_SLACK),
            _ => wall,
        }
    }
}

/// This thread's CPU time, user and system.
fn thread_cpu() -> Option<Duration> {
    let mut now = libc::timespec { tv_sec: 0, tv_nsec: 0 };
    // Safety: `now` is a valid, writable timespec; the call only writes it.
    let status = unsafe { libc::clock_gettime(libc::CLOCK_THREAD_CPUTIME_ID, &mut now) };
    let seconds = u64::try_from(now.tv_sec).ok()?;
    let nanos = u32::try_from(now.tv_nsec).ok()?;
    (status == 0).then(|| Duration::new(seconds, nanos))
}
