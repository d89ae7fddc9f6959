//! Written once by `oscgen new`; this file is yours. It creates the object through the class
//! factory and calls every method through the vtable. While a method is a stub it answers
//! E_NOTIMPL (with `--features oscgen-probe`, its interface and slot's code from
//! `generated::probe`); replace the expectation when you implement it.
use core::ffi::c_void;
use windows_core::{IUnknown, Interface};
use com_server::DllGetClassObject;
use com_server::generated::bindings::{ICalculator, IScientific, IHistory};
use com_server::generated::factory::IClassFactory;
use com_server::generated::identity::CLSID_COM_SERVER;
use com_server::generated::probe::{self, stub_answer};
use com_server::generated::oleaut::BSTR;
fn create() -> IUnknown {
    let mut ppv: *mut c_void = core::ptr::null_mut();
    let hr = unsafe {
        DllGetClassObject(&CLSID_COM_SERVER, &IClassFactory::IID, &mut ppv)
    };
    assert!(hr.is_ok(), "DllGetClassObject: {hr:?}");
    let factory = unsafe { IClassFactory::from_raw(ppv) };
    let mut ppv: *mut c_void = core::ptr::null_mut();
    unsafe { factory.CreateInstance(None, &ICalculator::IID, &mut ppv) }
        .expect("CreateInstance");
    unsafe { ICalculator::from_raw(ppv) }.cast().expect("IUnknown")
}
#[test]
fn every_interface_is_one_object() {
    let unknown = create();
    let other: ICalculator = unknown.cast().expect(stringify!(ICalculator));
    let back: IUnknown = other.cast().expect("IUnknown");
    assert_eq!(back.as_raw(), unknown.as_raw(), "COM identity");
    let other: IScientific = unknown.cast().expect(stringify!(IScientific));
    let back: IUnknown = other.cast().expect("IUnknown");
    assert_eq!(back.as_raw(), unknown.as_raw(), "COM identity");
    let other: IHistory = unknown.cast().expect(stringify!(IHistory));
    let back: IUnknown = other.cast().expect("IUnknown");
    assert_eq!(back.as_raw(), unknown.as_raw(), "COM identity");
}
#[test]
fn icalculator_methods_answer_through_the_vtable() {
    let object: ICalculator = create()
        .cast()
        .expect(concat!("QueryInterface ", stringify!(ICalculator)));
    unsafe {
        assert_eq!(
            (object.Add(core::mem::zeroed(), core::mem::zeroed())).err().map(| e | e
            .code()), Some(stub_answer(probe::ICalculator::Add)), "Add"
        );
        assert_eq!(
            (object.Divide(core::mem::zeroed(), core::mem::zeroed())).err().map(| e | e
            .code()), Some(stub_answer(probe::ICalculator::Divide)), "Divide"
        );
        assert_eq!(
            (object.get_Precision()).err().map(| e | e.code()),
            Some(stub_answer(probe::ICalculator::get_Precision)), "get_Precision"
        );
        assert_eq!(
            (object.put_Precision(core::mem::zeroed())).err().map(| e | e.code()),
            Some(stub_answer(probe::ICalculator::put_Precision)), "put_Precision"
        );
    }
}
#[test]
fn iscientific_methods_answer_through_the_vtable() {
    let object: IScientific = create()
        .cast()
        .expect(concat!("QueryInterface ", stringify!(IScientific)));
    unsafe {
        assert_eq!(
            (object.Power(core::mem::zeroed(), core::mem::zeroed())).err().map(| e | e
            .code()), Some(stub_answer(probe::IScientific::Power)), "Power"
        );
        assert_eq!(
            (object.Describe(& BSTR::new())).err().map(| e | e.code()),
            Some(stub_answer(probe::IScientific::Describe)), "Describe"
        );
    }
}
#[test]
fn ihistory_methods_answer_through_the_vtable() {
    let object: IHistory = create()
        .cast()
        .expect(concat!("QueryInterface ", stringify!(IHistory)));
    unsafe {
        assert_eq!(
            (object.Entries()).err().map(| e | e.code()),
            Some(stub_answer(probe::IHistory::Entries)), "Entries"
        );
        assert_eq!(
            (object.Clear()).err().map(| e | e.code()),
            Some(stub_answer(probe::IHistory::Clear)), "Clear"
        );
        assert_eq!(
            (object.Calculator()).err().map(| e | e.code()),
            Some(stub_answer(probe::IHistory::Calculator)), "Calculator"
        );
        assert_eq!(
            (object.Replay(None, core::mem::zeroed())).err().map(| e | e.code()),
            Some(stub_answer(probe::IHistory::Replay)), "Replay"
        );
    }
}
