//! Back ends: everything oscgen writes, made from the model alone.

pub mod bindings;
pub mod format;
pub mod inspect;
pub mod probe;
pub mod project;
pub mod registry;
pub mod stubs;
