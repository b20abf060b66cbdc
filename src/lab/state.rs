//! What one execution of a lab ends with, and the size it ran at.
//!
//! A [`State`] is a lab's *whole* observable result — not one derived number.
//! Lab 01's is the final count; lab 02's the tickets sold *and* what each
//! buyer was told; lab 03's what the observer saw *and* both accounts. The
//! judge compares every part, so a wrong answer that happens to keep one
//! number right (a transfer that moves nothing keeps `a + b`) is still caught.
//!
//! # Examples
//!
//! ```
//! use racelab::lab::State;
//!
//! assert_eq!(State::count(2).to_string(), "2");
//! let sold = State::default().with("sold", 3).with_list("got", vec![1, 2]);
//! assert_eq!(sold.to_string(), "sold=3 got=[1,2]");
//! assert_eq!(sold.get("sold"), Some(3));
//! assert_eq!(sold.value(), 3);
//! ```

use std::fmt;

/// The whole observable result of one execution: named numbers, in order.
///
/// The first number is the *headline* (what `racelab run` reports).
#[derive(Clone, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct State {
    parts: Vec<(&'static str, Vec<u64>)>,
}

impl State {
    /// A state that is one unnamed number (lab 01's final count).
    pub fn count(value: u64) -> State {
        State { parts: vec![("", vec![value])] }
    }

    /// Adds a named number.
    pub fn with(mut self, label: &'static str, value: u64) -> State {
        self.parts.push((label, vec![value]));
        self
    }

    /// Adds a named list (one number per thread or worker).
    pub fn with_list(mut self, label: &'static str, values: Vec<u64>) -> State {
        self.parts.push((label, values));
        self
    }

    /// The named number (the first, for a list).
    pub fn get(&self, label: &str) -> Option<u64> {
        self.list(label).first().copied()
    }

    /// The named list (empty when there is none).
    pub fn list(&self, label: &str) -> &[u64] {
        self.parts.iter().find(|(l, _)| *l == label).map_or(&[], |(_, v)| v.as_slice())
    }

    /// `true` when the state is one unnamed number (lab 01's count).
    pub fn is_count(&self) -> bool {
        matches!(self.parts.as_slice(), [("", values)] if values.len() == 1)
    }

    /// The headline number: the first part's first value.
    pub fn value(&self) -> u64 {
        self.parts.first().and_then(|(_, v)| v.first().copied()).unwrap_or(u64::MAX)
    }
}

impl fmt::Display for State {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, (label, values)) in self.parts.iter().enumerate() {
            if i > 0 {
                f.write_str(" ")?;
            }
            if !label.is_empty() {
                write!(f, "{label}=")?;
            }
            match values.as_slice() {
                [one] if !label.is_empty() || self.parts.len() == 1 => write!(f, "{one}")?,
                many => {
                    let list: Vec<String> = many.iter().map(u64::to_string).collect();
                    write!(f, "[{}]", list.join(","))?;
                }
            }
        }
        Ok(())
    }
}

/// One size a lab runs at: threads × steps, and what the lab needs besides.
///
/// # Examples
///
/// ```
/// use racelab::lab::Case;
///
/// let case = Case::new(2, 1).with_stock(2);
/// assert_eq!(case.to_string(), "2 threads × 1, stock 2");
/// let pool = Case::new(2, 3).with("first", 7);
/// assert_eq!((pool.param("first"), pool.param("depth")), (Some(7), None));
/// assert_eq!(pool.to_string(), "2 threads × 3, first 7");
/// let jobs = Case::workers(vec![vec![3], vec![5]]);
/// assert_eq!(jobs.to_string(), "2 workers with jobs [3] [5]");
/// ```
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Case {
    /// Threads (or worker processes).
    pub threads: usize,
    /// Steps per thread.
    pub iters: u64,
    /// The lab's stock, when it has one: tickets on sale (lab 02), money in
    /// account `a` at the start (lab 03). `None`: the lab's default.
    pub stock: Option<u64>,
    /// The workers' jobs, for the process variant (`None`: the lab's split).
    pub jobs: Option<Vec<Vec<u64>>>,
    /// How many times an observer thread looks, on real threads (`None`: the
    /// backend's `OBSERVER_LOOKS`; under loom it always looks once).
    pub looks: Option<u64>,
    /// The lab's own named numbers, when it needs more than the fields above
    /// (lab 08: where job numbers start, how deep a prefetch is), in order.
    pub params: Vec<(&'static str, u64)>,
}

impl Case {
    /// `threads` threads of `iters` steps, with the lab's defaults.
    pub fn new(threads: usize, iters: u64) -> Case {
        Case { threads, iters, stock: None, jobs: None, looks: None, params: Vec::new() }
    }

    /// The same case with a given stock.
    pub fn with_stock(mut self, stock: u64) -> Case {
        self.stock = Some(stock);
        self
    }

    /// Worker processes with exactly these jobs (the process variant).
    pub fn workers(jobs: Vec<Vec<u64>>) -> Case {
        Case { threads: jobs.len(), iters: 0, stock: None, jobs: Some(jobs), looks: None, params: Vec::new() }
    }

    /// The same case with the lab's own number `name` set to `value` (replacing an earlier one).
    pub fn with(mut self, name: &'static str, value: u64) -> Case {
        self.params.retain(|(n, _)| *n != name);
        self.params.push((name, value));
        self
    }

    /// The lab's own number `name`, if the case sets it.
    pub fn param(&self, name: &str) -> Option<u64> {
        self.params.iter().find(|(n, _)| *n == name).map(|(_, v)| *v)
    }

    /// Total steps: `threads × iters`, saturating.
    pub fn demand(&self) -> u64 {
        (self.threads as u64).saturating_mul(self.iters)
    }
}

impl Case {
    /// The case in words, each of its `threads` called a `unit` (lab 09's "task") and
    /// each of the lab's own numbers said by `param` (`None`: "name value"); what
    /// [`Lab::describe`](crate::lab::Lab::describe) gives a lab to say its cases with.
    ///
    /// ```
    /// use racelab::lab::Case;
    ///
    /// let case = Case::new(2, 1).with("start", 41).with("on", 1);
    /// let flag = |name: &str, value| (name == "on").then(|| (if value == 1 { "lit" } else { "dark" }).to_string());
    /// assert_eq!(case.describe("task", &flag), "2 tasks × 1, start 41, lit");
    /// assert_eq!(Case::new(1, 3).describe("task", &|_, _| None), "1 task × 3");
    /// // The stock too, asked for as "stock" (lab 03's money in the bank).
    /// let bank = |name: &str, value| (name == "stock").then(|| format!("{value} units in the bank"));
    /// assert_eq!(Case::new(2, 1).with_stock(3).describe("thread", &bank), "2 threads × 1, 3 units in the bank");
    /// ```
    pub fn describe(&self, unit: &str, param: &dyn Fn(&str, u64) -> Option<String>) -> String {
        if let Some(jobs) = &self.jobs {
            let jobs: Vec<String> = jobs
                .iter()
                .map(|j| format!("[{}]", j.iter().map(u64::to_string).collect::<Vec<_>>().join(",")))
                .collect();
            let noun = if jobs.len() == 1 { "worker" } else { "workers" };
            return format!("{} {noun} with jobs {}", jobs.len(), jobs.join(" "));
        }
        let plural = if self.threads == 1 { "" } else { "s" };
        let mut text = format!("{} {unit}{plural} × {}", self.threads, self.iters);
        if let Some(stock) = self.stock {
            text += &format!(", {}", param("stock", stock).unwrap_or_else(|| format!("stock {stock}")));
        }
        for &(name, value) in &self.params {
            text += &format!(", {}", param(name, value).unwrap_or_else(|| format!("{name} {value}")));
        }
        text
    }
}

impl fmt::Display for Case {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.describe("thread", &|_, _| None))
    }
}
