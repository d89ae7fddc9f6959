//! Written once by `oscgen new`; this file is yours. It uses the connect class as Office
//! does: through the class factory, QueryInterface, the IDTExtensibility2 calls of a
//! start-up and a shutdown, GetCustomUI, and each ribbon callback found by name and called
//! through IDispatch with a control, as Office calls `onAction`.

// The crate under the name a client of the DLL would give it: the tests call the exports
// and vtables as a COM client does, not the Rust items behind them.
use crate as dll;

use core::ffi::c_void;
use core::ptr::null_mut;

use windows_core::{GUID, HRESULT, IUnknown, Interface, Result, implement};

use dll::DllGetClassObject;
use dll::generated::bindings::{
    DISPPARAMS, IDTExtensibility2, IDispatch, IDispatch_Impl, IRibbonControl, IRibbonControl_Impl,
    IRibbonExtensibility, ITypeInfo, VARIANT, ext_cm_Startup, ext_dm_HostShutdown,
};
use dll::generated::dispatch::{DISP_E_MEMBERNOTFOUND, DISP_E_UNKNOWNNAME, DISPID_UNKNOWN};
use dll::generated::factory::IClassFactory;
use dll::generated::identity::CLSID_CONNECT;
use dll::generated::oleaut::BSTR;

fn create() -> IUnknown {
    let mut ppv: *mut c_void = null_mut();
    let hr = unsafe { DllGetClassObject(&CLSID_CONNECT, &IClassFactory::IID, &mut ppv) };
    assert!(hr.is_ok(), "DllGetClassObject: {hr:?}");
    let factory = unsafe { IClassFactory::from_raw(ppv) };
    let mut ppv: *mut c_void = null_mut();
    unsafe { factory.CreateInstance(None, &IUnknown::IID, &mut ppv) }.expect("CreateInstance");
    unsafe { IUnknown::from_raw(ppv) }
}

/// The control Office passes to a callback: the button of src/ribbon.xml.
#[implement(IRibbonControl)]
struct Control;

impl IDispatch_Impl for Control_Impl {
    fn GetTypeInfoCount(&self) -> Result<u32> {
        Ok(0)
    }

    fn GetTypeInfo(&self, _: u32, _: u32) -> Result<ITypeInfo> {
        Err(HRESULT(0x8000_4001_u32 as i32).into())
    }

    fn GetIDsOfNames(
        &self,
        _: *const GUID,
        _: *mut *mut u16,
        _: u32,
        _: u32,
        _: *mut i32,
    ) -> Result<()> {
        Err(HRESULT(0x8000_4001_u32 as i32).into())
    }

    fn Invoke(
        &self,
        _: i32,
        _: *const GUID,
        _: u32,
        _: u16,
        _: *mut DISPPARAMS,
        _: *mut VARIANT,
        _: *mut dll::generated::bindings::EXCEPINFO,
        _: *mut u32,
    ) -> Result<()> {
        Err(HRESULT(0x8000_4001_u32 as i32).into())
    }
}

impl IRibbonControl_Impl for Control_Impl {
    fn get_Id(&self) -> Result<BSTR> {
        Ok(BSTR::from("greet"))
    }

    fn get_Context(&self) -> Result<IDispatch> {
        Err(HRESULT(0x8000_4001_u32 as i32).into())
    }

    fn get_Tag(&self) -> Result<BSTR> {
        Ok(BSTR::new())
    }
}

/// The DISPID GetIDsOfNames gives `name`, as Office asks for an `onAction` name.
fn dispid(object: &IDispatch, name: &str) -> (HRESULT, i32) {
    let wide: Vec<u16> = name.encode_utf16().chain([0]).collect();
    let mut names = [wide.as_ptr().cast_mut()];
    let mut id = 0;
    let riid = GUID::zeroed();
    let result = unsafe { object.GetIDsOfNames(&riid, names.as_mut_ptr(), 1, 0, &mut id) };
    (result.map_or_else(|e| e.code(), |()| HRESULT(0)), id)
}

/// Invoke as Office calls a callback: DISPATCH_METHOD, one VT_DISPATCH argument.
fn invoke(object: &IDispatch, id: i32, control: &IRibbonControl) -> Result<()> {
    let mut arg: VARIANT = unsafe { core::mem::zeroed() };
    arg.vt = 9; // VT_DISPATCH
    // SAFETY: a VARIANT's value starts 8 bytes in, on both bitnesses.
    unsafe {
        (&raw mut arg)
            .cast::<u8>()
            .add(8)
            .cast::<*mut c_void>()
            .write(control.as_raw())
    };
    let mut params = DISPPARAMS {
        rgvarg: &mut arg,
        rgdispidNamedArgs: null_mut(),
        cArgs: 1,
        cNamedArgs: 0,
    };
    let riid = GUID::zeroed();
    unsafe {
        object.Invoke(
            id,
            &riid,
            0,
            1,
            &mut params,
            null_mut(),
            null_mut(),
            null_mut(),
        )
    }
}

#[test]
fn office_starts_the_add_in_and_shuts_it_down() {
    let unknown = create();
    let addin: IDTExtensibility2 = unknown.cast().expect("QueryInterface IDTExtensibility2");
    // A stand-in for the Application object: any IDispatch.
    let control: IRibbonControl = Control.into();
    let application: IDispatch = control.cast().expect("IDispatch");
    unsafe {
        addin
            .OnConnection(Some(&application), ext_cm_Startup, None, null_mut())
            .expect("OnConnection");
        addin.OnAddInsUpdate(null_mut()).expect("OnAddInsUpdate");
        addin
            .OnStartupComplete(null_mut())
            .expect("OnStartupComplete");
        addin.OnBeginShutdown(null_mut()).expect("OnBeginShutdown");
        addin
            .OnDisconnection(ext_dm_HostShutdown, null_mut())
            .expect("OnDisconnection");
    }
}

#[test]
fn the_ribbon_names_the_callbacks() {
    let ribbon: IRibbonExtensibility = create().cast().expect("QueryInterface");
    let xml = unsafe { ribbon.GetCustomUI(&BSTR::from("Microsoft.Outlook.Explorer")) }
        .expect("GetCustomUI");
    let xml = String::try_from(&xml).expect("UTF-16");
    assert!(
        xml.contains("xmlns=\"http://schemas.microsoft.com/office/2009/07/customui\""),
        "{xml}"
    );
    assert!(xml.contains("onAction=\"OnGreet\""), "{xml}");
}

#[test]
fn callbacks_are_found_by_name_and_called_with_the_control() {
    let object: IDispatch = create().cast().expect("QueryInterface IDispatch");
    let control: IRibbonControl = Control.into();
    assert_eq!(dispid(&object, "OnGreet"), (HRESULT(0), 1));
    assert_eq!(dispid(&object, "ongreet"), (HRESULT(0), 1));
    invoke(&object, 1, &control).expect("OnGreet");
    assert_eq!(
        dispid(&object, "NoSuchCallback"),
        (DISP_E_UNKNOWNNAME, DISPID_UNKNOWN)
    );
    let error = invoke(&object, 0x7fff, &control).expect_err("an unknown DISPID");
    assert_eq!(error.code(), DISP_E_MEMBERNOTFOUND);
}
