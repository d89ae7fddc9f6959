//! The COM object this DLL serves: {{ implement_list }}.
//!
//! Written once by `oscgen new`; this file is yours. `oscgen generate` never changes what
//! you wrote: when an interface gains a method, it only adds that method's stub.

// Every name a stub may use (bindings, BSTR, Result, ...): a stub oscgen adds later
// compiles without new `use` lines.
use crate::generated::prelude::*;

{% if apartment -%}
/// Created by the class factory for the CLSID in oscgen.toml. COM calls it only on the
/// thread that created it (ThreadingModel=Apartment; `Agile = false` keeps windows-core from
/// aggregating the free-threaded marshaler): other apartments get a proxy.
#[implement({{ implement_list }}, Agile = false)]
{% else -%}
/// Created by the class factory for the CLSID in oscgen.toml. Any thread may call it
/// (ThreadingModel=Both): keep its state behind locks.
#[implement({{ implement_list }})]
{% endif -%}
#[derive(Default)]
pub struct {{ type_name }} {
    _module: ModuleRef,
}

{{ impls }}
