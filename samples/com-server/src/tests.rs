//! Written once by `oscgen new`; this file is yours. It creates the object through the class
//! factory and calls every method through the vtable. While a method is a stub it answers
//! E_NOTIMPL (with `--features oscgen-probe`, its interface and slot's code from
//! `generated::probe`); replace the expectation when you implement it.

// The crate under the name a client of the DLL would give it: the tests call the exports
// and vtables as a COM client does, not the Rust items behind them.
use crate as dll;

use core::ffi::c_void;
use core::mem::zeroed;

use windows_core::{HRESULT, IUnknown, Interface};

use dll::DllGetClassObject;
use dll::generated::bindings::{ICalculator, IHistory, IScientific};
use dll::generated::factory::IClassFactory;
use dll::generated::identity::CLSID_COM_SERVER;
use dll::generated::oleaut::BSTR;
use dll::generated::probe::{self, stub_answer};

fn create() -> IUnknown {
    let mut ppv: *mut c_void = core::ptr::null_mut();
    let hr = unsafe { DllGetClassObject(&CLSID_COM_SERVER, &IClassFactory::IID, &mut ppv) };
    assert!(hr.is_ok(), "DllGetClassObject: {hr:?}");
    let factory = unsafe { IClassFactory::from_raw(ppv) };
    let mut ppv: *mut c_void = core::ptr::null_mut();
    unsafe { factory.CreateInstance(None, &IUnknown::IID, &mut ppv) }.expect("CreateInstance");
    unsafe { IUnknown::from_raw(ppv) }
}

/// The HRESULT a call failed with, if it failed.
fn code<T>(result: windows_core::Result<T>) -> Option<HRESULT> {
    result.err().map(|e| e.code())
}

#[test]
fn every_interface_is_one_object() {
    let unknown = create();
    let other: ICalculator = unknown.cast().expect("QueryInterface");
    let back: IUnknown = other.cast().expect("IUnknown");
    assert_eq!(back.as_raw(), unknown.as_raw(), "COM identity");
    let other: IScientific = unknown.cast().expect("QueryInterface");
    let back: IUnknown = other.cast().expect("IUnknown");
    assert_eq!(back.as_raw(), unknown.as_raw(), "COM identity");
    let other: IHistory = unknown.cast().expect("QueryInterface");
    let back: IUnknown = other.cast().expect("IUnknown");
    assert_eq!(back.as_raw(), unknown.as_raw(), "COM identity");
}

#[test]
fn icalculator_methods_answer_through_the_vtable() {
    let object: ICalculator = create().cast().expect("QueryInterface");
    unsafe {
        let result = object.Add(zeroed(), zeroed());
        assert_eq!(
            code(result),
            Some(stub_answer(probe::ICalculator::Add)),
            "Add"
        );
        let result = object.Divide(zeroed(), zeroed());
        assert_eq!(
            code(result),
            Some(stub_answer(probe::ICalculator::Divide)),
            "Divide"
        );
        let result = object.get_Precision();
        assert_eq!(
            code(result),
            Some(stub_answer(probe::ICalculator::get_Precision)),
            "get_Precision"
        );
        let result = object.put_Precision(zeroed());
        assert_eq!(
            code(result),
            Some(stub_answer(probe::ICalculator::put_Precision)),
            "put_Precision"
        );
    }
}

#[test]
fn iscientific_methods_answer_through_the_vtable() {
    let object: IScientific = create().cast().expect("QueryInterface");
    unsafe {
        let result = object.Power(zeroed(), zeroed());
        assert_eq!(
            code(result),
            Some(stub_answer(probe::IScientific::Power)),
            "Power"
        );
        let result = object.Describe(&BSTR::new());
        assert_eq!(
            code(result),
            Some(stub_answer(probe::IScientific::Describe)),
            "Describe"
        );
    }
}

#[test]
fn ihistory_methods_answer_through_the_vtable() {
    let object: IHistory = create().cast().expect("QueryInterface");
    unsafe {
        let result = object.Entries();
        assert_eq!(
            code(result),
            Some(stub_answer(probe::IHistory::Entries)),
            "Entries"
        );
        let result = object.Clear();
        assert_eq!(
            code(result),
            Some(stub_answer(probe::IHistory::Clear)),
            "Clear"
        );
        let result = object.Calculator();
        assert_eq!(
            code(result),
            Some(stub_answer(probe::IHistory::Calculator)),
            "Calculator"
        );
        let result = object.Replay(None, zeroed());
        assert_eq!(
            code(result),
            Some(stub_answer(probe::IHistory::Replay)),
            "Replay"
        );
    }
}
