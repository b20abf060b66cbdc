//! Every lab inside loom's model, every shared-memory operation traced.

pub use crate::sync::model as sync;

include!("each_lab.rs");
