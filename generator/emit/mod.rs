//! Back ends: everything oscgen writes, made from the model alone.

pub mod inspect;
