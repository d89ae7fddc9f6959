//! Written once by `oscgen new`; this file is yours. It creates the object through the class
//! factory and calls every method through the vtable. While a method is a stub it answers
//! E_NOTIMPL (with `--features oscgen-probe`, its interface and slot's code from
//! `generated::probe`); replace the expectation when you implement it.

// The crate under the name a client of the DLL would give it: the tests call the exports
// and vtables as a COM client does, not the Rust items behind them.
use crate as dll;

use core::ffi::c_void;
use core::ptr::null_mut;

use windows_core::{HRESULT, IUnknown, Interface};

use dll::DllGetClassObject;
use dll::generated::bindings::VARIANT;
use dll::generated::bindings::{IDispatch, IGreeter};
use dll::generated::factory::IClassFactory;
use dll::generated::identity::CLSID_AUTOMATION;
use dll::generated::oleaut::{BSTR, VARIANT_FALSE, VARIANT_TRUE, bstr_array, destroy};
use dll::generated::variant::{self, Variant, read_variant_array, variant_array};

fn create() -> IUnknown {
    let mut ppv: *mut c_void = core::ptr::null_mut();
    let hr = unsafe { DllGetClassObject(&CLSID_AUTOMATION, &IClassFactory::IID, &mut ppv) };
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
    let other: IDispatch = unknown.cast().expect("QueryInterface");
    let back: IUnknown = other.cast().expect("IUnknown");
    assert_eq!(back.as_raw(), unknown.as_raw(), "COM identity");
    let other: IGreeter = unknown.cast().expect("QueryInterface");
    let back: IUnknown = other.cast().expect("IUnknown");
    assert_eq!(back.as_raw(), unknown.as_raw(), "COM identity");
}

/// IGreeter as implemented in src/object.rs, through the vtable: results, the errors it
/// raises, and the thread it reports.
#[test]
fn igreeter_methods_answer_through_the_vtable() {
    let object: IGreeter = create().cast().expect("QueryInterface");
    unsafe {
        let greeting = object.Greet(&BSTR::from("Ada")).expect("Greet");
        assert_eq!(greeting, "Hello, Ada!");
        let error = object.Greet(&BSTR::new()).expect_err("Greet of no name");
        assert_eq!(error.code(), HRESULT(0x80070057_u32 as i32), "E_INVALIDARG");
        assert_eq!(object.Add(2, 40).expect("Add"), 42);
        let error = object.Add(i32::MAX, 1).expect_err("Add overflows");
        assert_eq!(
            error.code(),
            HRESULT(0x8002000A_u32 as i32),
            "DISP_E_OVERFLOW"
        );
        assert_eq!(object.Scale(1.25, VARIANT_FALSE).expect("Scale"), 2.5);
        assert_eq!(object.Scale(1.25, VARIANT_TRUE).expect("Scale"), -2.5);
        let here = object.ThreadId().expect("ThreadId");
        assert_eq!(object.ThreadId().expect("ThreadId"), here);
        assert_eq!(object.get_Salutation().expect("get_Salutation"), "Hello");
        object
            .put_Salutation(&BSTR::from("Bonjour"))
            .expect("put_Salutation");
        assert_eq!(
            object.Greet(&BSTR::from("Ada")).expect("Greet"),
            "Bonjour, Ada!"
        );
        assert_eq!(object.NextDay(45350.25).expect("NextDay"), 45351.25);
        let twin = object.Twin().expect("Twin");
        assert_eq!(
            twin.Greet(&BSTR::from("Bob")).expect("Greet"),
            "Bonjour, Bob!"
        );
        let dispatch: IDispatch = twin.cast().expect("IDispatch");
        assert_eq!(
            object.IsGreeter(Some(&dispatch)).expect("IsGreeter"),
            VARIANT_TRUE
        );
        assert!(object.IsGreeter(None).is_err(), "IsGreeter(null)");
    }
}

/// Join, Split, Describe and Echo through the vtable: SAFEARRAY(VARIANT) in and out, VARIANT
/// in and out, each freed by its owner (the sample's tests run under valgrind).
#[test]
fn igreeter_arrays_and_variants() {
    let object: IGreeter = create().cast().expect("QueryInterface");
    let items = [Variant::from("a"), Variant::I2(1), Variant::Bool(true)];
    let array = variant_array(&items).expect("variant_array");
    let comma = BSTR::from(",");
    unsafe {
        assert_eq!(object.Join(array, &comma).expect("Join"), "a,1,True");
        // The caller still owns its [in] array.
        destroy(array);
        assert_eq!(object.Join(null_mut(), &comma).expect("Join(null)"), "");
        let strings = bstr_array(&["x", "y"]).expect("bstr_array");
        assert_eq!(object.Join(strings, &BSTR::from("+")).expect("Join"), "x+y");
        destroy(strings);

        let parts = object.Split(&BSTR::from("a,2,True,x y")).expect("Split");
        let read = read_variant_array(parts).expect("read_variant_array");
        destroy(parts);
        let expected = [
            Variant::from("a"),
            Variant::I4(2),
            Variant::Bool(true),
            Variant::from("x y"),
        ];
        assert_eq!(read, expected);
        let empty = object.Split(&BSTR::new()).expect("Split");
        assert!(read_variant_array(empty).expect("empty").is_empty());
        destroy(empty);

        let describe = |value: Variant| {
            let mut raw: VARIANT = value.into_raw().expect("into_raw");
            let kind = object.Describe(raw).expect("Describe");
            variant::clear(&mut raw).expect("clear");
            kind.display().to_string()
        };
        assert_eq!(describe(Variant::from("hi")), "8 String: hi");
        assert_eq!(describe(Variant::I2(7)), "2 Integer: 7");
        assert_eq!(describe(Variant::R8(2.5)), "5 Double: 2.5");
        assert_eq!(describe(Variant::Bool(false)), "11 Boolean: False");
        assert_eq!(describe(Variant::Empty), "0 Empty");
        assert_eq!(describe(Variant::Null), "1 Null: Null");
        assert_eq!(
            describe(Variant::Array(items.to_vec())),
            "8204 Variant(): {a, 1, True}"
        );
        let twin: IUnknown = object.Twin().expect("Twin").cast().expect("IUnknown");
        assert_eq!(describe(Variant::Dispatch(Some(twin))), "9 Object: Object");

        let value = Variant::Array(vec![Variant::from("deep"), Variant::I4(-1)]);
        let raw: VARIANT = value.clone().into_raw().expect("into_raw");
        let mut echoed = object.Echo(raw).expect("Echo");
        assert_eq!(Variant::from_raw(&echoed).expect("from_raw"), value);
        // Argument and result are two VARIANTs, each owned and cleared once.
        variant::clear(&mut echoed).expect("clear");
        let mut raw = raw;
        variant::clear(&mut raw).expect("clear");
    }
}

/// IDispatch is oscgen's (`generated::idispatch`): a name resolves to the DISPID the
/// interface gives it whatever its case, an unknown one to DISP_E_UNKNOWNNAME, and Invoke
/// of a DISPID no member has answers DISP_E_MEMBERNOTFOUND.
#[test]
fn dispatch_names_resolve_whatever_their_case() {
    use dll::generated::dispatch;
    let object: IDispatch = create().cast().expect("QueryInterface");
    let riid = windows_core::GUID::zeroed();
    let id = |name: &str| {
        let wide: Vec<u16> = name.encode_utf16().chain([0]).collect();
        let mut names = [wide.as_ptr().cast_mut()];
        let mut id = 0;
        let result = unsafe { object.GetIDsOfNames(&riid, names.as_mut_ptr(), 1, 0, &mut id) };
        (code(result), id)
    };
    assert_eq!(id("Greet"), (None, 1));
    assert_eq!(id("greet"), (None, 1));
    assert_eq!(id("GREET"), (None, 1));
    assert_eq!(
        id("NoSuchMember"),
        (Some(dispatch::DISP_E_UNKNOWNNAME), dispatch::DISPID_UNKNOWN)
    );
    let mut params = unsafe { core::mem::zeroed() };
    let (out, excep, arg) = (null_mut(), null_mut(), null_mut());
    let result = unsafe { object.Invoke(99, &riid, 0, 1, &mut params, out, excep, arg) };
    assert_eq!(code(result), Some(dispatch::DISP_E_MEMBERNOTFOUND));
}

/// A late-bound call, as a script engine makes one: the member and the named parameters
/// resolved through GetIDsOfNames, `args` in the order written (the last `names.len()` of
/// them named), then Invoke. Gives the HRESULT, the result, puArgErr and EXCEPINFO's scode
/// and description.
struct LateBound {
    code: Option<HRESULT>,
    result: Variant,
    arg_err: u32,
    scode: i32,
    description: String,
}

fn late_bound(
    object: &IDispatch,
    member: &str,
    flags: u16,
    args: Vec<Variant>,
    names: &[&str],
) -> LateBound {
    use dll::generated::bindings::{DISPPARAMS, EXCEPINFO};
    use dll::generated::invoke::DISPID_PROPERTYPUT;
    let riid = windows_core::GUID::zeroed();
    let wide: Vec<Vec<u16>> = [member]
        .iter()
        .chain(names)
        .map(|n| n.encode_utf16().chain([0]).collect())
        .collect();
    let mut pointers: Vec<*mut u16> = wide.iter().map(|w| w.as_ptr().cast_mut()).collect();
    let mut ids = vec![0; pointers.len()];
    let count = pointers.len() as u32;
    unsafe { object.GetIDsOfNames(&riid, pointers.as_mut_ptr(), count, 0, ids.as_mut_ptr()) }
        .expect("GetIDsOfNames");
    let mut named: Vec<i32> = ids[1..].to_vec();
    if flags == 4 {
        named.push(DISPID_PROPERTYPUT);
    }
    // rgvarg holds the arguments last first: the named ones (in the order of `named`)
    // first, then the positional ones from the last to the first.
    let positional = args.len() - named.len();
    let mut order: Vec<Variant> = args[positional..].to_vec();
    order.extend(args[..positional].iter().rev().cloned());
    let mut raw: Vec<VARIANT> = order
        .into_iter()
        .map(|v| unsafe { v.into_raw() }.expect("VARIANT"))
        .collect();
    let mut params = DISPPARAMS {
        rgvarg: raw.as_mut_ptr().cast(),
        rgdispidNamedArgs: named.as_mut_ptr(),
        cArgs: raw.len() as u32,
        cNamedArgs: named.len() as u32,
    };
    let mut result: VARIANT = unsafe { Variant::Empty.into_raw() }.expect("VARIANT");
    let mut excep: EXCEPINFO = unsafe { core::mem::zeroed() };
    let mut arg_err = u32::MAX;
    let outcome = unsafe {
        object.Invoke(
            ids[0],
            &riid,
            0,
            flags,
            &mut params,
            &mut result,
            &mut excep,
            &mut arg_err,
        )
    };
    for v in &mut raw {
        unsafe { variant::clear(v) }.expect("VariantClear");
    }
    let value = unsafe { Variant::from_raw(&result) }.expect("a result");
    unsafe { variant::clear(&mut result) }.expect("VariantClear");
    let description = unsafe { BSTR::from_raw(excep.bstrDescription) }
        .display()
        .to_string();
    drop(unsafe { BSTR::from_raw(excep.bstrSource) });
    LateBound {
        code: code(outcome),
        result: value,
        arg_err,
        scode: excep.scode,
        description,
    }
}

const METHOD: u16 = 1;
const GET: u16 = 2;
const PUT: u16 = 4;

/// Invoke without the type library (this test executable embeds none): arguments convert as
/// DispInvoke converts them, named ones land on their parameters, properties get and put,
/// results come back as VARIANTs, and failures carry the argument index or the error's
/// message, as the script engines see them under Windows.
#[test]
fn dispatch_invoke_calls_the_members() {
    use dll::generated::invoke::{DISP_E_BADPARAMCOUNT, DISP_E_EXCEPTION, DISP_E_PARAMNOTFOUND};
    use dll::generated::variant::{DISP_E_OVERFLOW, DISP_E_TYPEMISMATCH};
    let object: IDispatch = create().cast().expect("QueryInterface");
    let call = |member, flags, args: Vec<Variant>, names: &[&str]| {
        late_bound(&object, member, flags, args, names)
    };

    let sum = call("Add", METHOD, vec![40_000.into(), 2.into()], &[]);
    assert_eq!((sum.code, sum.result), (None, Variant::I4(40_002)));
    // Named, in the other order; strings and doubles convert as CLng converts them.
    let sum = call("add", METHOD, vec![2.5.into(), "40000".into()], &["b", "A"]);
    assert_eq!((sum.code, sum.result), (None, Variant::I4(40_002)));
    let scaled = call("Scale", METHOD, vec![1.25.into(), true.into()], &["negate"]);
    assert_eq!((scaled.code, scaled.result), (None, Variant::R8(-2.5)));
    let greeting = call("Greet", METHOD, vec!["Ada".into()], &["name"]);
    assert_eq!(greeting.result.to_string(), "Hello, Ada!");

    let put = call("Salutation", PUT, vec!["Howdy".into()], &[]);
    assert_eq!(put.code, None);
    let got = call("Salutation", GET | METHOD, vec![], &[]);
    assert_eq!(got.result.to_string(), "Howdy");
    assert_eq!(
        call("Greet", METHOD, vec!["Bo".into()], &[])
            .result
            .to_string(),
        "Howdy, Bo!"
    );

    let next = call("NextDay", METHOD, vec![Variant::Date(45_000.0)], &[]);
    assert_eq!(next.result, Variant::Date(45_001.0));
    let joined = call(
        "Join",
        METHOD,
        vec![Variant::Array(vec!["a".into(), 1.into()]), "-".into()],
        &[],
    );
    assert_eq!(joined.result.to_string(), "a-1");
    let parts = call("Split", METHOD, vec!["x,y".into()], &[]);
    assert_eq!(parts.result, Variant::Array(vec!["x".into(), "y".into()]));
    let same = call("Echo", METHOD, vec![Variant::Currency(12_345)], &[]);
    assert_eq!(same.result, Variant::Currency(12_345));
    let twin = call("Twin", METHOD, vec![], &[]);
    let Variant::Dispatch(Some(twin)) = twin.result else {
        panic!("Twin gives an object: {:?}", twin.result)
    };
    let is = call(
        "IsGreeter",
        METHOD,
        vec![Variant::Dispatch(Some(twin))],
        &[],
    );
    assert_eq!(is.result, Variant::Bool(true));

    // A string that is no number: DISP_E_TYPEMISMATCH, and puArgErr is its index in
    // rgvarg (arguments last first: `a` of Add(a, b) is index 1).
    let mismatch = call("Add", METHOD, vec!["many".into(), 1.into()], &[]);
    assert_eq!(
        (mismatch.code, mismatch.arg_err),
        (Some(DISP_E_TYPEMISMATCH), 1)
    );
    let overflow = call("Add", METHOD, vec![1.into(), 3e10.into()], &[]);
    assert_eq!(
        (overflow.code, overflow.arg_err),
        (Some(DISP_E_OVERFLOW), 0)
    );
    assert_eq!(
        call("Add", METHOD, vec![1.into()], &[]).code,
        Some(DISP_E_BADPARAMCOUNT)
    );
    assert_eq!(
        call("Add", METHOD, vec![1.into()], &["b"]).code,
        Some(DISP_E_PARAMNOTFOUND)
    );
    assert_eq!(
        call("ThreadId", METHOD, vec![1.into()], &[]).code,
        Some(DISP_E_BADPARAMCOUNT)
    );
    // The Rust error's HRESULT and message reach the caller through EXCEPINFO.
    let failed = call("Add", METHOD, vec![i32::MAX.into(), 1.into()], &[]);
    assert_eq!(failed.code, Some(DISP_E_EXCEPTION));
    assert_eq!(failed.scode, DISP_E_OVERFLOW.0);
    #[cfg(not(windows))]
    assert_eq!(failed.description, "2147483647 + 1 does not fit a long");
    #[cfg(windows)]
    let _ = failed.description;
    // A method called as a property get, and a property put on a method, are no members.
    use dll::generated::dispatch::DISP_E_MEMBERNOTFOUND;
    assert_eq!(
        call("Add", GET, vec![1.into(), 2.into()], &[]).code,
        Some(DISP_E_MEMBERNOTFOUND)
    );
}

/// DllRegisterServer writes the type library's keys for this DLL's bitness and the universal
/// marshaler for its automation interfaces; DllUnregisterServer removes them all. Checked in
/// the runtime's in-memory registry, which stands in for Windows' on other hosts.
#[cfg(not(windows))]
#[test]
fn registration_writes_the_type_library_and_removes_it() {
    use dll::generated::registry;
    const PSOA: &str = "{00020424-0000-0000-C000-000000000046}";
    let dll_path = registry::dll_path().expect("dll_path");
    assert_eq!(dll::DllRegisterServer(), HRESULT(0));
    let snapshot = registry::snapshot();
    let value = |key: &str, name: &str| {
        let wanted = (key.to_ascii_lowercase(), name.to_ascii_lowercase());
        snapshot
            .iter()
            .find(|(k, _)| *k == wanted)
            .map(|(_, v)| v.as_str())
    };
    let lib = r"Software\Classes\TypeLib\{5B0E7E52-3C1D-4F4E-9A51-2F0C6F7D1A00}\1.0";
    assert_eq!(value(lib, ""), Some("AutomationLib"));
    let bits = if cfg!(target_pointer_width = "64") {
        "win64"
    } else {
        "win32"
    };
    assert_eq!(
        value(&format!(r"{lib}\0\{bits}"), ""),
        Some(dll_path.as_str())
    );
    assert_eq!(value(&format!(r"{lib}\FLAGS"), ""), Some("0"));
    let key = r"Software\Classes\Interface\{5B0E7E52-3C1D-4F4E-9A51-2F0C6F7D1A01}";
    assert_eq!(value(&format!(r"{key}\ProxyStubClsid32"), ""), Some(PSOA));
    assert_eq!(value(&format!(r"{key}\TypeLib"), "Version"), Some("1.0"));
    assert_eq!(dll::DllUnregisterServer(), HRESULT(0));
    let left = registry::snapshot();
    assert!(
        !left
            .iter()
            .any(|((k, _), _)| k.contains("{5b0e7e52-3c1d-4f4e-9a51-2f0c6f7d1a00}")),
        "{left:?}"
    );
}
