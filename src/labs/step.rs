//! Every lab on shuttle's threads, with the learner as the scheduler (`racelab step`).

pub use crate::sync::step as sync;

include!("each_lab.rs");
