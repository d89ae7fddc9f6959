//! The COM object this DLL serves: IGreeter.
//!
//! Written once by `oscgen new`; this file is yours. `oscgen generate` never changes what
//! you wrote: when an interface gains a method, it only adds that method's stub.

// Every name a stub may use (bindings, BSTR, Result, ...): a stub oscgen adds later
// compiles without new `use` lines.
use crate::generated::prelude::*;

/// Created by the class factory for the CLSID in oscgen.toml. Any thread may call it
/// (ThreadingModel=Both): keep its state behind locks.
#[implement(IGreeter)]
#[derive(Default)]
pub struct Automation {
    _module: ModuleRef,
}

impl IGreeter_Impl for Automation_Impl {
    /// TODO: implement IGreeter::Greet.
    fn Greet(&self, name: &BSTR) -> Result<BSTR> {
        let _ = name;
        Err(not_implemented!(IGreeter::Greet).into())
    }

    /// TODO: implement IGreeter::Add.
    fn Add(&self, a: i32, b: i32) -> Result<i32> {
        let _ = (a, b);
        Err(not_implemented!(IGreeter::Add).into())
    }

    /// TODO: implement IGreeter::Scale.
    fn Scale(&self, value: f64, negate: VARIANT_BOOL) -> Result<f64> {
        let _ = (value, negate);
        Err(not_implemented!(IGreeter::Scale).into())
    }

    /// TODO: implement IGreeter::ThreadId.
    fn ThreadId(&self) -> Result<i32> {
        Err(not_implemented!(IGreeter::ThreadId).into())
    }
}
