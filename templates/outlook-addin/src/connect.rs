//! The add-in's connect class: what Office creates, by the ProgID under its `Addins` key,
//! when it loads the add-in.
//!
//! Written once by `oscgen new`; this file is yours. `oscgen generate` never changes what
//! you wrote: when an interface gains a method, or oscgen.toml a ribbon callback, it only
//! adds that method's stub.

// Every name a stub may use (bindings, BSTR, Result, ...): a stub oscgen adds later
// compiles without new `use` lines.
use crate::generated::callbacks::RibbonCallbacks;
use crate::generated::prelude::*;

/// The ribbon Office shows for this add-in: GetCustomUI returns it. Its `onAction`
/// attributes name the callbacks of oscgen.toml's `ribbon.callbacks`.
const RIBBON_XML: &str = include_str!("ribbon.xml");

/// Created by the class factory when Office loads the add-in. Office calls it on its main
/// (UI) thread; the state you add still sits behind locks, as COM objects' state must.
#[implement(IDTExtensibility2, IRibbonExtensibility)]
#[derive(Default)]
pub struct Connect {
    _module: ModuleRef,
}

{{ impls }}

{{ callbacks }}
