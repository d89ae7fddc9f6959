//! VARIANT and SAFEARRAY(VARIANT) (templates/runtime/variant.rs, on the oleaut.rs stand-in
//! for oleaut32), tested once here: round trips through raw VARIANTs and arrays, who frees
//! what (each string freed and each interface released exactly once: run this binary under
//! valgrind, as scripts/valgrind-samples.sh runs the samples), wrong vartypes, empty arrays
//! and lower bounds other than 0.

#[path = "../templates/runtime/oleaut.rs"]
mod oleaut;
#[path = "../templates/runtime/variant.rs"]
mod variant;

use core::ffi::c_void;
use core::ptr::null_mut;
use core::sync::atomic::{AtomicU32, Ordering};

use oleaut::{
    BSTR, RawVariant, SAFEARRAY, SafeArrayAccessData, SafeArrayCreateVector, SafeArrayDestroy, SafeArrayGetLBound,
    SafeArrayGetUBound, SafeArrayGetVartype, SafeArrayUnaccessData, VARTYPE, VT_ARRAY, VT_BSTR, VT_BYREF, VT_EMPTY,
    VT_I2, VT_I4, VT_R8, VT_VARIANT, VariantClear,
};
use variant::{DISP_E_BADVARTYPE, DISP_E_OVERFLOW, DISP_E_TYPEMISMATCH, Variant, read_variant_array, variant_array};
use windows_core::{GUID, HRESULT, IUnknown, Interface};

const S_OK: HRESULT = HRESULT(0);
const E_POINTER: HRESULT = HRESULT(0x8000_4003_u32 as i32);
const E_INVALIDARG: HRESULT = HRESULT(0x8007_0057_u32 as i32);

/// A COM object that only counts its references, to see VariantClear and drops release it.
#[repr(C)]
struct Counted {
    vtable: *const Vtbl,
    refs: AtomicU32,
}

#[repr(C)]
struct Vtbl {
    query: unsafe extern "system" fn(*mut c_void, *const GUID, *mut *mut c_void) -> HRESULT,
    add_ref: unsafe extern "system" fn(*mut c_void) -> u32,
    release: unsafe extern "system" fn(*mut c_void) -> u32,
}

unsafe extern "system" fn query(this: *mut c_void, _: *const GUID, out: *mut *mut c_void) -> HRESULT {
    unsafe {
        add_ref(this);
        out.write(this);
    }
    S_OK
}

unsafe extern "system" fn add_ref(this: *mut c_void) -> u32 {
    unsafe { (*this.cast::<Counted>()).refs.fetch_add(1, Ordering::SeqCst) + 1 }
}

unsafe extern "system" fn release(this: *mut c_void) -> u32 {
    unsafe { (*this.cast::<Counted>()).refs.fetch_sub(1, Ordering::SeqCst) - 1 }
}

static VTBL: Vtbl = Vtbl {
    query,
    add_ref,
    release,
};

impl Counted {
    fn new() -> Box<Self> {
        Box::new(Self {
            vtable: &VTBL,
            refs: AtomicU32::new(0),
        })
    }

    /// A new reference, counted.
    fn interface(&self) -> IUnknown {
        let raw = core::ptr::from_ref(self).cast_mut().cast::<c_void>();
        unsafe { add_ref(raw) };
        unsafe { IUnknown::from_raw(raw) }
    }

    fn refs(&self) -> u32 {
        self.refs.load(Ordering::SeqCst)
    }
}

fn raw(value: Variant) -> RawVariant {
    unsafe { value.into_raw::<RawVariant>() }.unwrap()
}

fn round_trip(value: Variant) -> Variant {
    let mut raw = raw(value);
    let back = unsafe { Variant::from_raw(&raw) }.unwrap();
    assert_eq!(unsafe { VariantClear(&mut raw) }, S_OK);
    assert_eq!(raw.vt, VT_EMPTY);
    back
}

fn bounds(psa: *mut SAFEARRAY) -> (i32, i32) {
    let (mut lo, mut hi) = (7, 7);
    unsafe {
        assert_eq!(SafeArrayGetLBound(psa, 1, &mut lo), S_OK);
        assert_eq!(SafeArrayGetUBound(psa, 1, &mut hi), S_OK);
    }
    (lo, hi)
}

#[test]
fn layout_is_oleaut32s() {
    assert_eq!(
        size_of::<RawVariant>(),
        if cfg!(target_pointer_width = "64") { 24 } else { 16 }
    );
    assert_eq!(align_of::<RawVariant>(), 8);
    let r = raw(Variant::I4(0x1234_5678));
    assert_eq!(r.vt, VT_I4);
    let bytes = unsafe { core::slice::from_raw_parts(core::ptr::from_ref(&r).cast::<u8>(), 12) };
    assert_eq!(bytes[..2], [3, 0], "vt at offset 0");
    assert_eq!(bytes[8..12], [0x78, 0x56, 0x34, 0x12], "value at offset 8");
    let b = raw(Variant::Bool(true));
    assert_eq!(b.data[0] as u16, 0xFFFF, "VARIANT_TRUE is -1");
}

#[test]
fn scalars_round_trip_with_their_vartype() {
    let values = [
        Variant::Empty,
        Variant::Null,
        Variant::Bool(true),
        Variant::Bool(false),
        Variant::I1(-5),
        Variant::I2(-300),
        Variant::I4(i32::MIN),
        Variant::I8(i64::MAX),
        Variant::UI1(255),
        Variant::UI2(65535),
        Variant::UI4(u32::MAX),
        Variant::UI8(u64::MAX),
        Variant::R4(1.5),
        Variant::R8(-2.25),
        Variant::Currency(12_345),
        Variant::Date(45_000.5),
        Variant::Error(0x8002_0004_u32 as i32),
        Variant::from("café 😀"),
        Variant::from(""),
    ];
    for value in values {
        let vt = value.vartype();
        let mut r = raw(value.clone());
        assert_eq!(r.vt, vt, "{value:?}");
        assert_eq!(unsafe { VariantClear(&mut r) }, S_OK);
        assert_eq!(round_trip(value.clone()), value);
    }
}

#[test]
fn rust_conversions() {
    assert_eq!(Variant::from(true), Variant::Bool(true));
    assert_eq!(Variant::from(7u8), Variant::UI1(7));
    assert_eq!(Variant::from(2.5f64), Variant::R8(2.5));
    assert_eq!(Variant::from(String::from("x")), Variant::String(BSTR::from("x")));
    assert_eq!(Variant::from(None::<i32>), Variant::Empty);
    assert_eq!(Variant::from(Some(3i16)), Variant::I2(3));
    assert_eq!(i32::try_from(&Variant::I2(-3)).unwrap(), -3);
    assert_eq!(i32::try_from(&Variant::Bool(true)).unwrap(), -1);
    assert_eq!(
        i32::try_from(&Variant::I8(1 << 40)).unwrap_err().code(),
        DISP_E_OVERFLOW
    );
    assert_eq!(
        i32::try_from(&Variant::from("1")).unwrap_err().code(),
        DISP_E_TYPEMISMATCH
    );
    assert_eq!(f64::try_from(&Variant::Currency(15_000)).unwrap(), 1.5);
    assert!(bool::try_from(&Variant::I4(2)).unwrap());
    assert_eq!(String::try_from(&Variant::from("é")).unwrap(), "é");
    assert!(String::try_from(&Variant::Null).is_err());
    let shown: Vec<String> = [
        Variant::Empty,
        Variant::Null,
        Variant::Bool(false),
        Variant::I2(-4),
        Variant::R8(2.0),
        Variant::R8(0.5),
        Variant::from("s"),
        Variant::Array(vec![Variant::I4(1), Variant::from("b")]),
    ]
    .iter()
    .map(ToString::to_string)
    .collect();
    assert_eq!(shown, ["", "Null", "False", "-4", "2", "0.5", "s", "{1, b}"]);
}

#[test]
fn strings_are_copied_not_shared() {
    let mut r = raw(Variant::from("kept"));
    let copy = unsafe { Variant::from_raw(&r) }.unwrap();
    let Variant::String(ref s) = copy else {
        panic!("{copy:?}")
    };
    assert_ne!(s.as_ptr(), r.data[0] as *const u16);
    // Both free their own string: valgrind reports a double free otherwise.
    assert_eq!(unsafe { VariantClear(&mut r) }, S_OK);
    assert_eq!(copy, Variant::from("kept"));
    // "" is a real zero-length BSTR in the VARIANT, not null.
    let mut empty = raw(Variant::from(""));
    assert!(empty.data[0] != 0);
    assert_eq!(unsafe { VariantClear(&mut empty) }, S_OK);
}

#[test]
fn interfaces_are_added_and_released_once() {
    let object = Counted::new();
    let value = Variant::from(object.interface());
    assert_eq!(object.refs(), 1);
    let mut r = raw(value);
    assert_eq!(r.vt, oleaut::VT_UNKNOWN);
    assert_eq!(object.refs(), 1, "moved, not AddRef'd");
    let copy = unsafe { Variant::from_raw(&r) }.unwrap();
    assert_eq!(object.refs(), 2, "the copy holds its own reference");
    assert_eq!(unsafe { VariantClear(&mut r) }, S_OK);
    assert_eq!(object.refs(), 1, "VariantClear released the VARIANT's");
    drop(copy);
    assert_eq!(object.refs(), 0);

    let dispatch = Variant::Dispatch(Some(object.interface()));
    let array = variant_array(&[dispatch.clone(), Variant::Dispatch(None)]).unwrap();
    assert_eq!(object.refs(), 2);
    let read = unsafe { read_variant_array(array) }.unwrap();
    assert_eq!(object.refs(), 3);
    assert!(matches!(read[1], Variant::Dispatch(None)));
    assert_eq!(unsafe { SafeArrayDestroy(array) }, S_OK);
    assert_eq!(object.refs(), 2, "SafeArrayDestroy cleared the element");
    drop((read, dispatch));
    assert_eq!(object.refs(), 0);
}

#[test]
fn variant_arrays_round_trip() {
    let items = vec![
        Variant::from("a"),
        Variant::I4(1),
        Variant::Bool(true),
        Variant::Array(vec![Variant::R8(0.5), Variant::from("nested")]),
        Variant::Null,
    ];
    let psa = variant_array(&items).unwrap();
    let mut vt: VARTYPE = 0;
    assert_eq!(unsafe { SafeArrayGetVartype(psa, &mut vt) }, S_OK);
    assert_eq!(vt, VT_VARIANT);
    assert_eq!(bounds(psa), (0, 4));
    unsafe {
        assert_eq!(oleaut::SafeArrayGetElemsize(psa) as usize, size_of::<RawVariant>());
        assert_eq!((*psa).fFeatures & 0x0880, 0x0880, "FADF_HAVEVARTYPE | FADF_VARIANT");
        assert_eq!(read_variant_array(psa).unwrap(), items);
        assert_eq!((*psa).cLocks, 0, "unlocked after reading");
        // Destroying clears each element: the strings and the nested array are freed.
        assert_eq!(SafeArrayDestroy(psa), S_OK);
    }
    // As a VARIANT: VT_ARRAY | VT_VARIANT.
    let value = Variant::Array(items.clone());
    let r = raw(value.clone());
    assert_eq!(r.vt, VT_ARRAY | VT_VARIANT);
    let mut r = r;
    assert_eq!(unsafe { Variant::from_raw(&r) }.unwrap(), value);
    assert_eq!(unsafe { VariantClear(&mut r) }, S_OK);
}

#[test]
fn empty_and_null_arrays() {
    let psa = variant_array(&[]).unwrap();
    assert_eq!(bounds(psa), (0, -1));
    assert!(unsafe { read_variant_array(psa) }.unwrap().is_empty());
    assert_eq!(unsafe { SafeArrayDestroy(psa) }, S_OK);
    assert!(unsafe { read_variant_array(null_mut()) }.unwrap().is_empty());
    assert_eq!(round_trip(Variant::Array(Vec::new())), Variant::Array(Vec::new()));
    // VT_ARRAY with a null array reads as an empty one, as VBScript treats it.
    let r = RawVariant {
        vt: VT_ARRAY | VT_VARIANT,
        ..RawVariant::default()
    };
    assert_eq!(unsafe { Variant::from_raw(&r) }.unwrap(), Variant::Array(Vec::new()));
}

/// Writes `values` into a fresh vector of `vt` with lower bound `lower`, as a script engine
/// or another language would hand one over.
fn typed_array<T: Copy>(vt: VARTYPE, lower: i32, values: &[T]) -> *mut SAFEARRAY {
    let psa = unsafe { SafeArrayCreateVector(vt, lower, values.len() as u32) };
    assert!(!psa.is_null());
    let mut data = null_mut();
    unsafe {
        assert_eq!(SafeArrayAccessData(psa, &mut data), S_OK);
        core::ptr::copy_nonoverlapping(values.as_ptr(), data.cast::<T>(), values.len());
        assert_eq!(SafeArrayUnaccessData(psa), S_OK);
    }
    psa
}

#[test]
fn typed_arrays_and_lower_bounds() {
    let psa = typed_array(VT_I4, 5, &[10i32, -20, 30]);
    assert_eq!(bounds(psa), (5, 7));
    assert_eq!(
        unsafe { read_variant_array(psa) }.unwrap(),
        [Variant::I4(10), Variant::I4(-20), Variant::I4(30)]
    );
    assert_eq!(unsafe { SafeArrayDestroy(psa) }, S_OK);

    let psa = typed_array(VT_R8, -1, &[0.5f64, 2.0]);
    assert_eq!(
        unsafe { read_variant_array(psa) }.unwrap(),
        [Variant::R8(0.5), Variant::R8(2.0)]
    );
    assert_eq!(unsafe { SafeArrayDestroy(psa) }, S_OK);

    let psa = oleaut::bstr_array(&["x", ""]).unwrap();
    assert_eq!(
        unsafe { read_variant_array(psa) }.unwrap(),
        [Variant::from("x"), Variant::from("")]
    );
    // The strings stay the array's: destroying it frees them once.
    assert_eq!(unsafe { SafeArrayDestroy(psa) }, S_OK);

    // VARIANT elements with lower bound 1, written by hand.
    let elements = [raw(Variant::from("one")), raw(Variant::I2(2))];
    let psa = typed_array(VT_VARIANT, 1, &elements);
    assert_eq!(bounds(psa), (1, 2));
    assert_eq!(
        unsafe { read_variant_array(psa) }.unwrap(),
        [Variant::from("one"), Variant::I2(2)]
    );
    assert_eq!(unsafe { SafeArrayDestroy(psa) }, S_OK);
}

#[test]
fn wrong_vartypes_are_refused() {
    let mut bad = RawVariant {
        vt: 15,
        ..RawVariant::default()
    };
    assert_eq!(
        unsafe { Variant::from_raw(&bad) }.unwrap_err().code(),
        DISP_E_BADVARTYPE
    );
    assert_eq!(unsafe { VariantClear(&mut bad) }, DISP_E_BADVARTYPE);
    assert_eq!(bad.vt, 15, "left alone, as oleaut32 does");
    // A plain VT_VARIANT is only valid by reference.
    bad.vt = VT_VARIANT;
    assert_eq!(
        unsafe { Variant::from_raw(&bad) }.unwrap_err().code(),
        DISP_E_BADVARTYPE
    );
    assert_eq!(
        unsafe { Variant::from_raw(core::ptr::null::<RawVariant>()) }
            .unwrap_err()
            .code(),
        E_POINTER
    );
    let byref_null = RawVariant {
        vt: VT_BYREF | VT_I4,
        ..RawVariant::default()
    };
    assert_eq!(unsafe { Variant::from_raw(&byref_null) }.unwrap_err().code(), E_POINTER);
    // An array of a type it cannot read.
    let psa = unsafe { SafeArrayCreateVector(oleaut::VT_UINT, 0, 1) };
    let mut r = RawVariant {
        vt: VT_ARRAY | oleaut::VT_UINT,
        ..RawVariant::default()
    };
    r.data[0] = psa as usize;
    assert!(unsafe { Variant::from_raw(&r) }.is_ok(), "VT_UINT elements read as UI4");
    assert_eq!(unsafe { VariantClear(&mut r) }, S_OK, "and the array is destroyed");
    let psa = typed_array(VT_I2, 0, &[1i16]);
    // A VARIANT claiming I4 elements over an I2 array: the array's own vartype wins.
    r.vt = VT_ARRAY | VT_I4;
    r.data[0] = psa as usize;
    assert_eq!(
        unsafe { Variant::from_raw(&r) }.unwrap(),
        Variant::Array(vec![Variant::I2(1)])
    );
    assert_eq!(unsafe { VariantClear(&mut r) }, S_OK);
    let mut zero = RawVariant::default();
    assert_eq!(unsafe { VariantClear(null_mut()) }, E_INVALIDARG);
    assert_eq!(unsafe { VariantClear(&mut zero) }, S_OK);
}

#[test]
fn by_reference_values_are_read_through_and_not_freed() {
    let mut target = raw(Variant::from("target"));
    let byref = RawVariant {
        vt: VT_BYREF | VT_VARIANT,
        wReserved: [0; 3],
        data: [core::ptr::from_mut(&mut target) as usize, 0],
    };
    assert_eq!(unsafe { Variant::from_raw(&byref) }.unwrap(), Variant::from("target"));
    let mut number = 42i32;
    let mut by_i4 = RawVariant {
        vt: VT_BYREF | VT_I4,
        wReserved: [0; 3],
        data: [core::ptr::from_mut(&mut number) as usize, 0],
    };
    assert_eq!(unsafe { Variant::from_raw(&by_i4) }.unwrap(), Variant::I4(42));
    // VariantClear on a reference frees nothing: `target` still owns its string.
    assert_eq!(unsafe { VariantClear(&mut by_i4) }, S_OK);
    let mut byref_bstr = RawVariant {
        vt: VT_BYREF | VT_BSTR,
        wReserved: [0; 3],
        data: [(&raw mut target.data[0]) as usize, 0],
    };
    assert_eq!(
        unsafe { Variant::from_raw(&byref_bstr) }.unwrap(),
        Variant::from("target")
    );
    assert_eq!(unsafe { VariantClear(&mut byref_bstr) }, S_OK);
    assert_eq!(unsafe { VariantClear(&mut target) }, S_OK);
}

#[test]
fn write_raw_overwrites_and_clear_frees() {
    let mut slot = RawVariant::default();
    unsafe { Variant::Array(vec![Variant::from("x")]).write_raw(&mut slot) }.unwrap();
    assert_eq!(slot.vt, VT_ARRAY | VT_VARIANT);
    unsafe { variant::clear(&mut slot) }.unwrap();
    assert_eq!(slot.vt, VT_EMPTY);
    assert_eq!(
        unsafe { Variant::I4(1).write_raw(null_mut::<RawVariant>()) }
            .unwrap_err()
            .code(),
        E_POINTER
    );
}

#[test]
fn multi_dimensional_arrays_are_refused() {
    // A two-dimensional descriptor, as SafeArrayCreate would make; the reader checks cDims
    // before touching the data, so an unusable pointer is never followed.
    let psa = typed_array(VT_I4, 0, &[1i32]);
    unsafe { (*psa).cDims = 2 };
    assert_eq!(unsafe { read_variant_array(psa) }.unwrap_err().code(), E_INVALIDARG);
    unsafe { (*psa).cDims = 1 };
    assert_eq!(unsafe { SafeArrayDestroy(psa) }, S_OK);
}
