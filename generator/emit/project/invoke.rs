//! IDispatch::Invoke without a type library: one arm per member of the dual interface,
//! which converts the arguments to the declared types, calls the object through its own
//! vtable and hands the result back as a VARIANT (`templates/runtime/invoke.rs` holds the
//! rules). Windows uses the type library instead; this is what a project's own tests run
//! on Linux, and on Windows in a test executable, which carries no type library.

use proc_macro2::TokenStream;
use quote::{format_ident, quote};

use crate::emit::bindings::types::TypeMapper;
use crate::emit::bindings::{ident, rust_method_names};
use crate::emit::project::dispatch::INTERFACE;
use crate::emit::project::files::RuntimeModule;
use crate::model::Model;
use crate::model::interface::{Direction, Interface, Method, MethodKind, Param};
use crate::model::param::ParamAttr;
use crate::model::types::{Scalar, Type, TypeDefKind};
use crate::model::vtable::Vtable;
use crate::typelib::format::default_memid;

pub const RUNTIME: RuntimeModule = RuntimeModule {
    optional: false,
    name: "invoke",
    text: include_str!("../../../templates/runtime/invoke.rs"),
    summary: "IDispatch::Invoke without a type library: arguments, conversions and results as DispInvoke has them.",
    dependencies: &[],
};

/// How a value crosses between a VARIANT and the vtable.
#[derive(Clone, Debug, PartialEq)]
enum Conv {
    /// A number: the `Call` method that reads it, the `Variant` case that writes it.
    Number(&'static str, &'static str),
    Bool,
    Date,
    Bstr,
    /// An interface pointer; `dispatch` when it derives from IDispatch.
    Interface {
        name: String,
        dispatch: bool,
    },
    Variant,
    /// `SAFEARRAY(VARIANT)`.
    Array,
}

/// What the arm of one method does with each parameter.
enum Arg {
    /// The argument at this dispatch position, converted.
    In(usize, Conv),
    /// One passed by pointer: an `[in, out]` one, written back after the call, or an
    /// `[in] VARIANT *` (scrrun's `IDictionary::Add`), which is not.
    ByPointer(usize, Conv, Direction),
    /// The caller's locale.
    Lcid,
}

/// The function `invoke_<interface>` for `src/generated/idispatch.rs`, and what it uses.
pub struct Dispatcher {
    pub tokens: TokenStream,
    /// Interfaces of the bindings its arguments name.
    pub bindings: Vec<String>,
    /// Items of the `invoke` and `variant` modules it calls, as `module::item`.
    pub helpers: Vec<&'static str>,
}

/// A member Invoke can call: the method as a dual interface declares it, the Rust name of
/// its vtable field or trait method, its DISPID, and how many `base__` levels up the
/// served interface's vtable struct its field is (for a method a base interface declares).
pub struct Callable {
    pub method: Method,
    pub rust_name: proc_macro2::Ident,
    pub dispid: i32,
    pub bases: usize,
}

/// How an arm reaches the object.
pub enum Target {
    /// Through the dual interface's vtable, as DispInvoke does: ABI arguments.
    Vtable,
    /// Through the dispinterface's `_Impl` trait, whose methods own no slot.
    Impl,
}

impl Callable {
    /// A dual interface's methods after IDispatch's (its bases' first, as its type info
    /// inherits them), or a dispinterface's members, in declaration order, with the
    /// DISPIDs the type library gives them.
    pub fn of(model: &Model, iface: &Interface) -> Vec<Callable> {
        if let Some(d) = iface.dispatch.as_ref().filter(|d| !d.dual) {
            let depth = Vtable::ancestors(model, iface).len() as i32;
            return d
                .as_methods()
                .into_iter()
                .enumerate()
                .map(|(index, method)| Callable {
                    dispid: method.dispid.unwrap_or(default_memid(depth, index as i32)),
                    rust_name: ident(&method.name),
                    method,
                    bases: 0,
                })
                .collect();
        }
        let mut chain = Vtable::ancestors(model, iface);
        chain.reverse();
        chain.push(iface);
        let below = chain.iter().position(|i| i.name == INTERFACE).map_or(0, |p| p + 1);
        let levels = chain.len();
        let mut out = Vec::new();
        for (depth, declaring) in chain.iter().enumerate().skip(below) {
            let vtable = Vtable::of(model, declaring);
            for (index, (slot, rust_name)) in vtable.own_slots().zip(rust_method_names(&vtable)).enumerate() {
                out.push(Callable {
                    dispid: slot.method.dispid.unwrap_or(default_memid(depth as i32, index as i32)),
                    method: slot.method.clone(),
                    rust_name,
                    bases: levels - 1 - depth,
                });
            }
        }
        out
    }
}

pub fn dispatcher(model: &Model, iface: &Interface, mapper: &mut TypeMapper, target: &Target) -> Dispatcher {
    let vtbl = format_ident!("{}_Vtbl", ident(&iface.name));
    let impl_trait = format_ident!("{}_Impl", ident(&iface.name));
    let mut used = Used::default();
    let arms: Vec<TokenStream> = Callable::of(model, iface)
        .iter()
        .map(|c| {
            let m = &c.method;
            let dispid = c.dispid;
            let guard = match m.kind {
                MethodKind::Plain => quote!(call.method()),
                MethodKind::PropGet => quote!(call.get()),
                MethodKind::PropPut => quote!(call.put()),
                MethodKind::PropPutRef => quote!(call.put_ref()),
            };
            let body = arm(model, mapper, c, target, &mut used).unwrap_or_else(|| quote!(Err(call.unsupported())));
            quote!(#dispid if #guard => { #body })
        })
        .collect();
    let name = format_ident!("invoke_{}", iface.name.to_ascii_lowercase());
    let tokens = match target {
        Target::Vtable => {
            let doc = format!(
                " {}'s members called through its vtable, for Invoke without the type library.",
                iface.name
            );
            quote! {
                #[doc = #doc]
                ///
                /// # Safety
                /// `this` points to the object's vtable of the interface, live for the call.
                unsafe fn #name(this: *mut c_void, dispid: DISPID, call: &mut Call) -> Result<()> {
                    // SAFETY: as the caller promised.
                    let vtbl = unsafe { &**(this as *const *const #vtbl) };
                    match dispid {
                        #(#arms)*
                        _ => Err(call.not_found()),
                    }
                }
            }
        }
        Target::Impl => {
            let doc = format!(
                " {}'s members, which own no vtable slot: Invoke calls your `{}` methods.",
                iface.name, impl_trait
            );
            quote! {
                #[doc = #doc]
                fn #name(object: &impl #impl_trait, dispid: DISPID, call: &mut Call) -> Result<()> {
                    match dispid {
                        #(#arms)*
                        _ => Err(call.not_found()),
                    }
                }
            }
        }
    };
    let Used {
        mut bindings,
        mut helpers,
    } = used;
    bindings.sort();
    bindings.dedup();
    helpers.sort();
    helpers.dedup();
    Dispatcher {
        tokens,
        bindings,
        helpers,
    }
}

#[derive(Default)]
struct Used {
    bindings: Vec<String>,
    helpers: Vec<&'static str>,
}

/// The body of one method's arm, or None when a parameter has no VARIANT conversion (an
/// `[out]` that is not the result, an `[in, out]` array, a structure).
fn arm(model: &Model, mapper: &mut TypeMapper, c: &Callable, target: &Target, used: &mut Used) -> Option<TokenStream> {
    let (m, field) = (&c.method, &c.rust_name);
    let bases = vec![format_ident!("base__"); c.bases];
    if !mapper.is_named(&m.ret, "HRESULT") {
        return None;
    }
    let (inputs, retval) = match m.params.split_last() {
        Some((last, rest)) if last.retval => (rest, Some(last)),
        _ => (&m.params[..], None),
    };
    let mut args = Vec::new();
    let mut position = 0;
    let mut required = None;
    let mut defaults = Vec::new();
    for p in inputs {
        if p.attrs.contains(&ParamAttr::Lcid) && p.dir == Direction::In {
            args.push(Arg::Lcid);
            continue;
        }
        let by_pointer = p.dir == Direction::InOut || is_variant_pointer(mapper, &p.ty);
        let conv = match p.dir {
            Direction::In if by_pointer => Conv::Variant,
            Direction::In => conv(model, mapper, &p.ty)?,
            // A script's variable passed by reference (DWebBrowserEvents2's
            // `VARIANT_BOOL *Cancel`, `IDispatch **ppDisp`).
            Direction::InOut => match conv(model, mapper, &mapper.resolve_pointer(&p.ty)?)? {
                Conv::Array => return None,
                c => c,
            },
            Direction::Out => return None,
        };
        if omissible(p, &conv) {
            required.get_or_insert(position);
            if let Some(value) = default_value(p, &conv) {
                defaults.push(quote!(call.default(#position, #value);));
            }
        }
        args.push(if by_pointer {
            Arg::ByPointer(position, conv, p.dir)
        } else {
            Arg::In(position, conv)
        });
        position += 1;
    }
    let total = position;
    let required = required.unwrap_or(total);
    let mut reads = Vec::new();
    let mut values = Vec::new();
    let mut writes = Vec::new();
    for (n, arg) in args.iter().enumerate() {
        let a = format_ident!("a{}", n);
        match arg {
            Arg::Lcid => values.push(quote!(call.lcid() as _)),
            Arg::In(i, conv) => {
                let (read, value) = read_arg(conv, *i, &a, target, used);
                reads.push(read);
                values.push(value);
            }
            Arg::ByPointer(i, conv, dir) => {
                let (read, value, write) = read_in_out(conv, *i, &a, used);
                reads.push(read);
                values.push(value);
                if *dir == Direction::InOut {
                    writes.push(write);
                }
            }
        }
    }
    let result = match retval {
        Some(p) => {
            let pointee = mapper.resolve_pointer(&p.ty)?;
            Some(conv(model, mapper, &pointee)?)
        }
        None => None,
    };
    let finish = match &result {
        None => quote!(Ok(())),
        Some(Conv::Number(_, case)) => {
            used.helpers.push("variant::Variant");
            let case = format_ident!("{}", case);
            quote!(call.ret(Variant::#case(out)))
        }
        Some(Conv::Bool) => quote!(call.ret_bool(out)),
        Some(Conv::Date) => quote!(call.ret_date(out)),
        Some(Conv::Bstr) if matches!(target, Target::Impl) => quote!(call.ret(out)),
        Some(Conv::Bstr) => quote!(unsafe { call.ret_bstr(out) }),
        Some(Conv::Interface { dispatch, .. }) if matches!(target, Target::Impl) => {
            quote!(unsafe { call.ret_interface(out.into_raw(), #dispatch) })
        }
        Some(Conv::Interface { dispatch, .. }) => quote!(unsafe { call.ret_interface(out, #dispatch) }),
        Some(Conv::Variant) => quote!(unsafe { call.ret_variant(out) }),
        Some(Conv::Array) => quote!(unsafe { call.ret_array(out) }),
    };
    let invoke = match target {
        Target::Vtable => {
            let (out_decl, out_arg) = match result {
                Some(_) => (
                    quote!(let mut out = unsafe { core::mem::zeroed() };),
                    Some(quote!(&mut out)),
                ),
                None => (quote!(), None),
            };
            quote! {
                #out_decl
                // SAFETY: the object's own method, with arguments of its declared types.
                call.returned(unsafe { (vtbl.#(#bases.)*#field)(this, #(#values,)* #out_arg) })?;
            }
        }
        Target::Impl => {
            let bind = result.is_some().then(|| quote!(let out =));
            quote!(#bind object.#field(#(#values),*).map_err(|e| call.failed(e))?;)
        }
    };
    Some(quote! {
        call.parameters(#total, #required)?;
        #(#defaults)*
        #(#reads)*
        #invoke
        #(#writes)*
        #finish
    })
}

/// The Rust type of an interface an argument holds.
fn interface_type(name: &str, used: &mut Used) -> TokenStream {
    if name == "IUnknown" {
        return quote!(windows_core::IUnknown);
    }
    used.bindings.push(name.to_string());
    let i = ident(name);
    quote!(#i)
}

/// `VARIANT *`, through aliases.
fn is_variant_pointer(mapper: &TypeMapper, ty: &Type) -> bool {
    mapper
        .resolve_pointer(ty)
        .is_some_and(|pointee| mapper.is_named(&pointee, "VARIANT"))
}

/// An argument passed by pointer: the statement that reads it into `a`, the pointer the method
/// gets, and the statement that writes its new value back to the caller's reference.
fn read_in_out(
    conv: &Conv,
    i: usize,
    a: &proc_macro2::Ident,
    used: &mut Used,
) -> (TokenStream, TokenStream, TokenStream) {
    let (read, back) = match conv {
        Conv::Number(read, case) => {
            used.helpers.push("variant::Variant");
            let (read, case) = (format_ident!("{}", read), format_ident!("{}", case));
            (quote!(call.#read(#i)?), quote!(Variant::#case(#a)))
        }
        Conv::Bool => (quote!(call.bool(#i)?), quote!(#a.as_bool())),
        Conv::Date => {
            used.helpers.push("variant::Variant");
            (quote!(call.date(#i)?), quote!(Variant::Date(#a)))
        }
        Conv::Bstr => (quote!(call.bstr(#i)?), quote!(#a)),
        Conv::Interface { name, dispatch } => {
            let ty = interface_type(name, used);
            let read = quote!(let mut #a = call.interface_in_out::<#ty>(#i)?;);
            let write = quote!(call.write_back_interface(#i, #a, #dispatch)?;);
            return (read, quote!(#a.as_mut_ptr()), write);
        }
        _ => {
            let read = quote!(let mut #a = call.raw_variant(#i)?;);
            return (
                read,
                quote!(#a.as_mut_ptr()),
                quote!(call.write_back(#i, #a.value()?)?;),
            );
        }
    };
    (
        quote!(let mut #a = #read;),
        quote!(&mut #a),
        quote!(call.write_back(#i, #back)?;),
    )
}

/// The statement that reads argument `i` into `a`, and the expression the vtable gets.
fn read_arg(
    conv: &Conv,
    i: usize,
    a: &proc_macro2::Ident,
    target: &Target,
    used: &mut Used,
) -> (TokenStream, TokenStream) {
    let by_trait = matches!(target, Target::Impl);
    match conv {
        Conv::Number(read, _) => {
            let read = format_ident!("{}", read);
            (quote!(let #a = call.#read(#i)?;), quote!(#a))
        }
        Conv::Bool => (quote!(let #a = call.bool(#i)?;), quote!(#a)),
        Conv::Date => (quote!(let #a = call.date(#i)?;), quote!(#a)),
        Conv::Bstr if by_trait => (quote!(let #a = call.bstr(#i)?;), quote!(&#a)),
        Conv::Bstr => {
            used.helpers.push("invoke::bstr_abi");
            (quote!(let #a = call.bstr(#i)?;), quote!(bstr_abi(&#a)))
        }
        Conv::Interface { name, .. } => {
            let ty = interface_type(name, used);
            if by_trait {
                return (quote!(let #a = call.interface::<#ty>(#i)?;), quote!((&#a).into()));
            }
            used.helpers.push("invoke::interface_abi");
            (quote!(let #a = call.interface::<#ty>(#i)?;), quote!(interface_abi(&#a)))
        }
        Conv::Variant => (quote!(let #a = call.raw_variant(#i)?;), quote!(#a.get())),
        Conv::Array => (quote!(let #a = call.array(#i)?;), quote!(#a.get())),
    }
}

/// A parameter a caller may leave out: `[optional]` (a VARIANT, which then reads as
/// DISP_E_PARAMNOTFOUND) or `[defaultvalue]`.
fn omissible(p: &Param, conv: &Conv) -> bool {
    p.attrs.iter().any(|a| match a {
        ParamAttr::Optional => *conv == Conv::Variant,
        ParamAttr::DefaultValue(_) => true,
        _ => false,
    })
}

/// A `[defaultvalue]` as a `Variant` the arm fills in: a number, a string or a boolean
/// constant. Others leave the parameter to be given.
fn default_value(p: &Param, conv: &Conv) -> Option<TokenStream> {
    let default = p.attrs.iter().find_map(|a| match a {
        ParamAttr::DefaultValue(d) => Some(d),
        _ => None,
    })?;
    if let Some(n) = default.int {
        return Some(match i32::try_from(n) {
            Ok(n) => quote!(#n),
            Err(_) => quote!(#n),
        });
    }
    let text = default.text.trim();
    if let Some(s) = text
        .strip_prefix("L\"")
        .or_else(|| text.strip_prefix('"'))
        .and_then(|s| s.strip_suffix('"'))
    {
        return Some(quote!(#s));
    }
    match text {
        "VARIANT_TRUE" | "TRUE" | "true" => return Some(quote!(true)),
        "VARIANT_FALSE" | "FALSE" | "false" => return Some(quote!(false)),
        _ => {}
    }
    if let Ok(n) = text.parse::<i32>() {
        return Some(quote!(#n));
    }
    let real = text.parse::<f64>().ok().filter(|v| v.is_finite())?;
    (*conv != Conv::Bstr).then(|| quote!(#real))
}

/// The conversion of a value of type `ty`, through aliases; None for a type automation has
/// no VARIANT for.
fn conv(model: &Model, mapper: &TypeMapper, ty: &Type) -> Option<Conv> {
    for (name, conv) in [
        ("BSTR", Conv::Bstr),
        ("VARIANT_BOOL", Conv::Bool),
        ("DATE", Conv::Date),
        ("VARIANT", Conv::Variant),
    ] {
        if mapper.is_named(ty, name) {
            return Some(conv);
        }
    }
    if let Some(name) = mapper.interface_pointer(ty) {
        let dispatch = name == INTERFACE
            || model
                .interface(&name)
                .is_some_and(|i| Vtable::ancestors(model, i).iter().any(|a| a.name == INTERFACE));
        return Some(Conv::Interface { name, dispatch });
    }
    match ty.unqualified() {
        Type::SafeArray(element) if mapper.is_named(element, "VARIANT") => Some(Conv::Array),
        Type::Scalar(s) => number(*s),
        Type::Named(n) => match model.type_def(n).map(|t| &t.kind) {
            Some(TypeDefKind::Alias(inner)) => conv(model, mapper, inner),
            // The bindings' enums are aliases of their integer (`pub type X = i32`).
            Some(TypeDefKind::Enum(repr, _)) => number(*repr),
            _ => None,
        },
        _ => None,
    }
}

fn number(s: Scalar) -> Option<Conv> {
    Some(match s {
        Scalar::I8 => Conv::Number("i1", "I1"),
        Scalar::U8 => Conv::Number("ui1", "UI1"),
        Scalar::I16 => Conv::Number("i2", "I2"),
        Scalar::U16 => Conv::Number("ui2", "UI2"),
        Scalar::I32 => Conv::Number("i4", "I4"),
        Scalar::U32 => Conv::Number("ui4", "UI4"),
        Scalar::I64 => Conv::Number("i8", "I8"),
        Scalar::U64 => Conv::Number("ui8", "UI8"),
        Scalar::F32 => Conv::Number("r4", "R4"),
        Scalar::F64 => Conv::Number("r8", "R8"),
        Scalar::Char | Scalar::WChar | Scalar::ISize | Scalar::USize => return None,
    })
}
