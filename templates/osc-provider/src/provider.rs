//! The provider object Outlook creates first: ISocialProvider.
//!
//! Written once by `oscgen new`; this file is yours. `oscgen generate` never changes what
//! you wrote: when the interfaces gain a method, it only adds that method's stub.

// Every name a stub may use (bindings, BSTR, Result, ...): a stub oscgen adds later
// compiles without new `use` lines.
use crate::generated::prelude::*;
use crate::session::Session;

/// The capabilities document GetCapabilities returns: edit src/xml/capabilities.xml.
const CAPABILITIES: &str = include_str!("xml/capabilities.xml");

/// The network's icon: replace src/xml/icon.png.
const ICON: &[u8] = include_bytes!("xml/icon.png");

/// The class Outlook creates from the CLSID in oscgen.toml.
#[implement(ISocialProvider)]
#[derive(Default)]
pub struct Provider {
    _module: ModuleRef,
}

{{ impls }}
