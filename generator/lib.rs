//! oscgen: reads COM interface descriptions (MIDL IDL) into one model that knows every
//! vtable slot by slot, and emits from it.
//!
//! The flow is front end (`idl`) -> [`model`] -> back ends (`emit`); front ends never
//! emit and back ends never parse.

pub mod alloc_policy;
pub mod builtin;
pub mod cli;
pub mod diagnostic;
pub mod emit;
pub mod hash;
pub mod idl;
pub mod load;
pub mod model;
pub mod project;
pub mod source;
pub mod typelib;
pub mod winmd;
