//! The COM object this DLL serves: IGreeter.
//!
//! Written once by `oscgen new`; this file is yours. `oscgen generate` never changes what
//! you wrote: when an interface gains a method, it only adds that method's stub.

// Every name a stub may use (bindings, BSTR, Result, ...): a stub oscgen adds later
// compiles without new `use` lines.
use crate::generated::prelude::*;
use crate::generated::variant::{read_variant_array, variant_array};

use std::sync::Mutex;

/// Created by the class factory for the CLSID in oscgen.toml. COM calls it only on the
/// thread that created it (ThreadingModel=Apartment; `Agile = false` keeps windows-core from
/// aggregating the free-threaded marshaler): other apartments get a proxy.
#[implement(IGreeter, Agile = false)]
#[derive(Default)]
pub struct Automation {
    _module: ModuleRef,
    /// What Greet says before the name; empty means "Hello".
    salutation: Mutex<String>,
}

impl Automation {
    fn salutation(&self) -> String {
        let salutation = self.salutation.lock().unwrap_or_else(|e| e.into_inner());
        if salutation.is_empty() {
            "Hello".to_string()
        } else {
            salutation.clone()
        }
    }
}

impl IGreeter_Impl for Automation_Impl {
    /// "<Salutation>, <name>!"; an empty name is an error whose message reaches the caller.
    fn Greet(&self, name: &BSTR) -> Result<BSTR> {
        let name = name.display().to_string();
        if name.is_empty() {
            return Err(com_error(E_INVALIDARG, "Greet needs a name"));
        }
        Ok(BSTR::from(format!("{}, {name}!", self.salutation())))
    }

    /// The sum, or an overflow error rather than a wrapped result.
    fn Add(&self, a: i32, b: i32) -> Result<i32> {
        a.checked_add(b)
            .ok_or_else(|| com_error(DISP_E_OVERFLOW, format!("{a} + {b} does not fit a long")))
    }

    /// Twice the value, its sign flipped when `negate` is VARIANT_TRUE.
    fn Scale(&self, value: f64, negate: VARIANT_BOOL) -> Result<f64> {
        let doubled = value * 2.0;
        Ok(if negate == VARIANT_FALSE {
            doubled
        } else {
            -doubled
        })
    }

    /// The thread that runs the call: for an apartment-threaded object, the thread that
    /// created it, whichever apartment the caller is in.
    fn ThreadId(&self) -> Result<i32> {
        Ok(current_thread_id())
    }

    /// The property behind Greet's first word.
    fn get_Salutation(&self) -> Result<BSTR> {
        Ok(BSTR::from(self.salutation()))
    }

    fn put_Salutation(&self, value: &BSTR) -> Result<()> {
        *self.salutation.lock().unwrap_or_else(|e| e.into_inner()) = value.display().to_string();
        Ok(())
    }

    /// The same time a day later (a DATE counts days since 30 December 1899).
    fn NextDay(&self, day: DATE) -> Result<DATE> {
        Ok(day + 1.0)
    }

    /// A new Greeter with this one's salutation.
    fn Twin(&self) -> Result<IGreeter> {
        let twin = Automation {
            _module: ModuleRef::default(),
            salutation: Mutex::new(self.salutation()),
        };
        Ok(twin.into())
    }

    /// Whether `other` is a Greeter too (answers QueryInterface for IGreeter).
    fn IsGreeter(&self, other: Ref<'_, IDispatch>) -> Result<VARIANT_BOOL> {
        Ok(if other.ok()?.cast::<IGreeter>().is_ok() {
            VARIANT_TRUE
        } else {
            VARIANT_FALSE
        })
    }

    /// The items' text (as VBScript's CStr shows each) between separators: `Join(Array("a",
    /// 1, True), ",")` is "a,1,True". An array of strings or numbers works too.
    fn Join(&self, items: *mut SAFEARRAY, separator: &BSTR) -> Result<BSTR> {
        // SAFETY: COM lends the [in] array for the duration of the call.
        let items = unsafe { read_variant_array(items) }?;
        let parts: Vec<String> = items.iter().map(ToString::to_string).collect();
        Ok(BSTR::from(parts.join(&separator.display().to_string())))
    }

    /// The comma-separated parts of `text`, typed as a script would type them: whole
    /// numbers as Long, True and False as Boolean, the rest as String. "" gives an empty
    /// array (UBound -1).
    fn Split(&self, text: &BSTR) -> Result<*mut SAFEARRAY> {
        let text = text.display().to_string();
        let parts: Vec<Variant> = if text.is_empty() {
            Vec::new()
        } else {
            text.split(',').map(typed).collect()
        };
        variant_array(&parts)
    }

    /// "<VarType> <TypeName>: <value>", e.g. "8 String: hi" or "8204 Variant(): {1, b}"; a
    /// value that shows as nothing (Empty, "") ends after the type name.
    fn Describe(&self, value: VARIANT) -> Result<BSTR> {
        // SAFETY: `value` is the caller's, valid for the call; this reads a copy.
        let value = unsafe { Variant::from_raw(&value) }?;
        let shown = value.to_string();
        let head = format!("{} {}", value.vartype(), value.type_name());
        Ok(BSTR::from(if shown.is_empty() {
            head
        } else {
            format!("{head}: {shown}")
        }))
    }

    /// A copy of the value, as an [out, retval] VARIANT that the caller then owns.
    fn Echo(&self, value: VARIANT) -> Result<VARIANT> {
        // SAFETY: `value` is the caller's; the result has the bindings' VARIANT layout.
        unsafe { Variant::from_raw(&value)?.into_raw() }
    }
}

/// A part of Split's text as a script would type it.
fn typed(part: &str) -> Variant {
    match part {
        "True" => Variant::Bool(true),
        "False" => Variant::Bool(false),
        _ => part
            .parse::<i32>()
            .map_or_else(|_| Variant::from(part), Variant::I4),
    }
}

const E_INVALIDARG: HRESULT = HRESULT(0x80070057_u32 as i32);
const DISP_E_OVERFLOW: HRESULT = HRESULT(0x8002000A_u32 as i32);

#[cfg(windows)]
fn current_thread_id() -> i32 {
    #[link(name = "kernel32")]
    unsafe extern "system" {
        fn GetCurrentThreadId() -> u32;
    }
    // SAFETY: GetCurrentThreadId has no preconditions.
    unsafe { GetCurrentThreadId() as i32 }
}

/// Off Windows (the project's own tests): a number per thread, in the order threads ask.
#[cfg(not(windows))]
fn current_thread_id() -> i32 {
    use std::sync::atomic::{AtomicI32, Ordering};
    static NEXT: AtomicI32 = AtomicI32::new(1);
    thread_local! {
        static ID: i32 = NEXT.fetch_add(1, Ordering::Relaxed);
    }
    ID.with(|id| *id)
}
