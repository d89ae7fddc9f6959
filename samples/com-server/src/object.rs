//! The COM object this DLL serves: IScientific, IHistory.
//!
//! Written once by `oscgen new`; this file is yours. `oscgen generate` never changes what
//! you wrote: when an interface gains a method, it only adds that method's stub.

// Every name a stub may use (bindings, BSTR, Result, ...): a stub oscgen adds later
// compiles without new `use` lines.
use crate::generated::prelude::*;

/// Created by the class factory for the CLSID in oscgen.toml. Any thread may call it
/// (ThreadingModel=Both): keep its state behind locks.
#[implement(IScientific, IHistory)]
#[derive(Default)]
pub struct ComServer {
    _module: ModuleRef,
}

impl ICalculator_Impl for ComServer_Impl {
    /// TODO: implement ICalculator::Add.
    fn Add(&self, a: LONG, b: LONG) -> Result<LONG> {
        let _ = (a, b);
        Err(not_implemented!(ICalculator::Add).into())
    }

    /// TODO: implement ICalculator::Divide.
    fn Divide(&self, dividend: f64, divisor: f64) -> Result<f64> {
        let _ = (dividend, divisor);
        Err(not_implemented!(ICalculator::Divide).into())
    }

    /// TODO: implement ICalculator::get_Precision.
    fn get_Precision(&self) -> Result<ULONG> {
        Err(not_implemented!(ICalculator::get_Precision).into())
    }

    /// TODO: implement ICalculator::put_Precision.
    fn put_Precision(&self, digits: ULONG) -> Result<()> {
        let _ = digits;
        Err(not_implemented!(ICalculator::put_Precision).into())
    }
}

impl IScientific_Impl for ComServer_Impl {
    /// TODO: implement IScientific::Power.
    fn Power(&self, base: f64, exponent: f64) -> Result<f64> {
        let _ = (base, exponent);
        Err(not_implemented!(IScientific::Power).into())
    }

    /// TODO: implement IScientific::Describe.
    fn Describe(&self, expression: &BSTR) -> Result<BSTR> {
        let _ = expression;
        Err(not_implemented!(IScientific::Describe).into())
    }
}

impl IHistory_Impl for ComServer_Impl {
    /// TODO: implement IHistory::Entries.
    fn Entries(&self) -> Result<*mut SAFEARRAY> {
        Err(not_implemented!(IHistory::Entries).into())
    }

    /// TODO: implement IHistory::Clear.
    fn Clear(&self) -> Result<()> {
        Err(not_implemented!(IHistory::Clear).into())
    }

    /// TODO: implement IHistory::Calculator.
    fn Calculator(&self) -> Result<ICalculator> {
        Err(not_implemented!(IHistory::Calculator).into())
    }

    /// TODO: implement IHistory::Replay.
    fn Replay(&self, target: Ref<'_, ICalculator>, verbose: VARIANT_BOOL) -> Result<()> {
        let _ = (target, verbose);
        Err(not_implemented!(IHistory::Replay).into())
    }
}
