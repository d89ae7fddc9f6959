//! A generated project on disk: its configuration, the plan of its files, and writing,
//! checking or previewing that plan without ever losing the user's work.

pub mod config;
pub mod inputs;
pub mod merge;
pub mod naming;
pub mod office_addin;
pub mod origin;
pub mod review;
pub mod run;
pub mod template;
pub mod write;
