//! Every lab on real OS threads: std's and `parking_lot`'s types.

pub use crate::sync::real as sync;

include!("each_lab.rs");
