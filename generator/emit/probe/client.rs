//! The probe's C client: a small Windows program, compiled against headers oscgen did not
//! write (mingw-w64's for SDK interfaces, widl's from the project's IDL for the others),
//! that creates the registered class with CoCreateInstance, checks the COM identity rules
//! on QueryInterface, calls every method of every implemented interface through the C
//! vtable by the header's member names, and checks that each stub answers the probe code
//! of the slot the model gives it. The vtable layout it relies on is the header's: that is
//! the independent part.
//!
//! What comes from the model: the methods of each interface in vtable order, their
//! parameters' directions and types (to pass zeroed or null arguments of the right types),
//! the slot each should answer for, and which methods are still stubs (from the user's
//! file: the ones that call `not_implemented!`). One `PASS`/`FAIL` line per check, then
//! `probe-client: N checks, M failures`; the exit code is the number of failures.

use std::collections::BTreeSet;
use std::fmt::Write as _;
use std::path::PathBuf;

use crate::builtin;
use crate::emit::probe::{ProbeObject, Table, code};
use crate::model::Model;
use crate::model::guid::Guid;
use crate::model::interface::Method;
use crate::model::types::{Type, TypeDefKind};
use crate::model::vtable::Vtable;

/// The program's name: its summary line starts with it.
pub const PROGRAM: &str = "probe-client";

/// A header the client includes.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct Header {
    /// `osc.h`, `unknwn.h`.
    pub name: String,
    pub source: HeaderSource,
}

#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum HeaderSource {
    /// An SDK header of the compiler (mingw-w64's): `#include <...>`.
    System,
    /// widl writes it from one of oscgen's built-in IDL files, whose name and text these are.
    Builtin(&'static str, &'static str),
    /// widl writes it from this IDL file of the project.
    Idl(PathBuf),
}

/// Whether each method of an object's interfaces is still a stub.
pub trait Stubs {
    /// `Some(true)`: the method of the object of type `object` calls `not_implemented!`;
    /// `Some(false)`: it does not; `None`: unknown (its file could not be read).
    fn is_stub(&self, object: &str, interface: &str, rust_name: &str) -> Option<bool>;
}

/// What the client is generated for.
pub struct Spec<'a> {
    pub model: &'a Model,
    pub table: &'a Table,
    /// The project's objects: the one with a CLSID is created with CoCreateInstance; an
    /// object another one's method hands out is probed too, as the first object that
    /// implements (`#[implement]`) the interface the method returns.
    pub objects: &'a [ProbeObject],
    /// The ProgID registration writes, checked against the CLSID.
    pub prog_id: &'a str,
    /// `com_server.dll`: the module DllCanUnloadNow is asked of.
    pub dll_name: &'a str,
    pub stubs: &'a dyn Stubs,
}

/// The client's C source and the headers it includes.
pub struct Client {
    pub source: String,
    pub headers: Vec<Header>,
}

/// The header that declares an interface, and where it comes from. None for an interface
/// that does not come from IDL (WinMD, the Win32 metadata): its declaration must come from
/// the SDK headers the client includes (windows.h, ole2.h, oleauto.h).
fn header_of(model: &Model, name: &str) -> Option<Header> {
    let iface = model.interface(name)?;
    let file: &str = &iface.origin.file;
    let base = file.rsplit(['/', '\\']).next().unwrap_or(file);
    let stem = base.strip_suffix(".idl")?;
    let header = format!("{stem}.h");
    let source = if iface.origin.stand_in {
        HeaderSource::System
    } else if iface.origin.builtin {
        let set = builtin::SETS.iter().find(|s| s.name == base)?;
        HeaderSource::Builtin(set.name, set.text)
    } else {
        HeaderSource::Idl(PathBuf::from(file))
    };
    Some(Header { name: header, source })
}

/// `{0x6b1f3c52, 0x9a3e, 0x4f0d, {0x8c, ...}}`.
fn guid_init(g: Guid) -> String {
    let d4: Vec<String> = g.data4().iter().map(|b| format!("0x{b:02x}")).collect();
    format!(
        "{{0x{:08x}, 0x{:04x}, 0x{:04x}, {{{}}}}}",
        g.data1(),
        g.data2(),
        g.data3(),
        d4.join(", ")
    )
}

/// How an argument is passed and what is done with it after the call.
enum Arg {
    /// `0`: integers, floats, enums, pointers, interfaces, strings.
    Zero,
    /// A zeroed struct or union passed by value, by its C name.
    ZeroStruct(String),
    /// A pointer to zeroed scratch memory the method may write, and what it may write there.
    Out(Owned),
}

/// What an out-parameter may hand over, to be freed after a successful call.
enum Owned {
    Nothing,
    /// An interface pointer, with the interface's name when the model knows it.
    Interface(Option<String>),
    Bstr,
    SafeArray,
    Variant,
}

struct Types<'m> {
    model: &'m Model,
}

impl Types<'_> {
    /// The type through aliases (`LPSTR` is `char*`), but not past a name the checks below need.
    fn resolve(&self, ty: &Type) -> Type {
        let mut ty = ty.unqualified().clone();
        for _ in 0..32 {
            match &ty {
                Type::Named(n) if matches!(&**n, "BSTR" | "SAFEARRAY" | "VARIANT" | "GUID") => return ty,
                Type::Named(n) => match self.model.type_def(n).map(|t| &t.kind) {
                    Some(TypeDefKind::Alias(inner)) => ty = inner.unqualified().clone(),
                    _ => return ty,
                },
                _ => return ty,
            }
        }
        ty
    }

    fn is_interface(&self, ty: &Type) -> bool {
        match self.resolve(ty) {
            Type::Named(n) => {
                self.model.interface(&n).is_some()
                    || matches!(self.model.type_def(&n).map(|t| &t.kind), Some(TypeDefKind::Interface))
            }
            _ => false,
        }
    }

    fn is_struct(&self, ty: &Type) -> bool {
        match self.resolve(ty) {
            Type::Named(n) if matches!(&*n, "VARIANT" | "GUID") => true,
            Type::Named(n) => matches!(
                self.model.type_def(&n).map(|t| &t.kind),
                Some(TypeDefKind::Struct(_) | TypeDefKind::Union(_))
            ),
            _ => false,
        }
    }

    fn pointee(&self, ty: &Type) -> Option<Type> {
        match self.resolve(ty) {
            Type::Pointer(inner) | Type::Array(inner, _) => Some(*inner),
            _ => None,
        }
    }

    fn owned(&self, pointee: &Type) -> Owned {
        match self.resolve(pointee) {
            Type::Named(n) if &*n == "BSTR" => Owned::Bstr,
            Type::Named(n) if &*n == "VARIANT" => Owned::Variant,
            Type::SafeArray(_) => Owned::SafeArray,
            Type::Pointer(inner) => match self.resolve(&inner) {
                Type::Named(n) if &*n == "SAFEARRAY" => Owned::SafeArray,
                Type::Named(n) if self.is_interface(&inner) => Owned::Interface(Some(n.to_string())),
                _ if self.is_interface(&inner) => Owned::Interface(None),
                _ => Owned::Nothing,
            },
            _ => Owned::Nothing,
        }
    }

    fn arg(&self, p: &crate::model::interface::Param) -> Arg {
        if p.dir.is_out()
            && let Some(pointee) = self.pointee(&p.ty)
        {
            return Arg::Out(self.owned(&pointee));
        }
        if self.is_struct(&p.ty) {
            return Arg::ZeroStruct(p.ty.unqualified().to_string());
        }
        Arg::Zero
    }

    fn returns_hresult(&self, m: &Method) -> bool {
        matches!(m.ret.unqualified(), Type::Named(n) if &**n == "HRESULT")
    }
}

/// The C source of the client, and the headers it needs. None when no object has a CLSID.
pub fn c_client(spec: &Spec) -> Option<Client> {
    let model = spec.model;
    let types = Types { model };
    let class = spec.objects.iter().find(|o| o.clsid.is_some())?;
    let clsid = class.clsid?;
    // Every interface of every object, each once, in order.
    let mut interfaces: Vec<&String> = Vec::new();
    for o in spec.objects {
        for i in &o.interfaces {
            if !interfaces.contains(&i) {
                interfaces.push(i);
            }
        }
    }
    let mut headers: BTreeSet<Header> = BTreeSet::new();
    for name in &interfaces {
        if let Some(h) = header_of(model, name) {
            headers.insert(h);
        }
    }
    let headers: Vec<Header> = headers.into_iter().collect();
    let mut c = String::new();
    let w = &mut c;
    let _ = writeln!(
        w,
        "/* {PROGRAM}.c: generated by oscgen for the slot probe (cargo feature `oscgen-probe`).
 *
 * Creates {clsid} ({prog_id}) with CoCreateInstance, checks the COM identity rules on
 * QueryInterface, and calls every method of every interface the class implements through the
 * C vtable of headers oscgen did not write, by member name. A method that is still a stub
 * must answer MAKE_HRESULT(SEVERITY_ERROR, FACILITY_ITF, base + slot) for the slot the model
 * gives it: another slot's code means the DLL's vtable is not laid out as the header says.
 * One PASS or FAIL line per check, then `{PROGRAM}: N checks, M failures`. */
#define _WIN32_WINNT 0x0601
#define WIN32_LEAN_AND_MEAN
#include <windows.h>
#include <ole2.h>
#include <oleauto.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>",
        clsid = clsid.braced_upper(),
        prog_id = spec.prog_id,
    );
    for h in headers.iter().filter(|h| h.source == HeaderSource::System) {
        let _ = writeln!(w, "#include <{}>", h.name);
    }
    let _ = writeln!(
        w,
        "/* The IIDs of the headers below are defined here; the SDK's come from libuuid. */"
    );
    let _ = writeln!(w, "#include <initguid.h>");
    for h in headers.iter().filter(|h| h.source != HeaderSource::System) {
        let _ = writeln!(w, "#include \"{}\" /* widl */", h.name);
    }
    let _ = writeln!(
        w,
        r#"
#define DLL_NAME "{dll}"
#define PROG_ID L"{prog_id}"
#define CLSID_TEXT L"{clsid_text}"
static const CLSID model_clsid = {clsid};
/* An IID no class implements: QueryInterface must answer E_NOINTERFACE. */
static const IID iid_none = {{0x6f0c1e2d, 0x5a4b, 0x4c3d, {{0x9e, 0x8f, 0x7a, 0x6b, 0x5c, 0x4d, 0x3e, 0x2f}}}};

static int checks, failures;

static int check(int ok, const char *format, ...)
{{
    va_list args;
    checks++;
    if (!ok)
        failures++;
    fputs(ok ? "PASS " : "FAIL ", stdout);
    va_start(args, format);
    vprintf(format, args);
    va_end(args);
    putchar('\n');
    fflush(stdout);
    return ok;
}}

static void info(const char *format, ...)
{{
    va_list args;
    va_start(args, format);
    vprintf(format, args);
    va_end(args);
    putchar('\n');
    fflush(stdout);
}}

#define HR(hr) ((unsigned long)(hr))

/* The probe table: each interface's base, from the model. */
struct probe_base {{
    const char *name;
    unsigned base;
    unsigned slots;
}};
static const struct probe_base probe_bases[] = {{"#,
        dll = spec.dll_name,
        prog_id = spec.prog_id,
        clsid_text = clsid.braced_upper(),
        clsid = guid_init(clsid),
    );
    for e in &spec.table.entries {
        let slots = model
            .interface(&e.name)
            .map(|i| Vtable::of(model, i).slots.len())
            .unwrap_or(0);
        let _ = writeln!(w, "    {{\"{}\", 0x{:04X}, {}}},", e.name, e.base, slots);
    }
    let _ = writeln!(
        w,
        r#"    {{NULL, 0, 0}},
}};

/* Which interface and slot a probe code names, or NULL. */
static const char *probe_name(HRESULT hr, unsigned *slot)
{{
    const struct probe_base *p;
    unsigned long v = HR(hr);
    if ((v & 0xFFFF0000UL) != 0x80040000UL)
        return NULL;
    for (p = probe_bases; p->name; p++) {{
        if ((v & 0xFFFF) >= p->base && (v & 0xFFFF) < p->base + p->slots) {{
            *slot = (unsigned)(v & 0xFFFF) - p->base;
            return p->name;
        }}
    }}
    return NULL;
}}

/* stub: 1 if the method is a stub (it must answer `want`), 0 if implemented, -1 unknown. */
static void expect_slot(HRESULT hr, const char *iface, const char *member, const char *declared, unsigned slot,
                        HRESULT want, int stub)
{{
    unsigned other_slot = 0;
    const char *other = probe_name(hr, &other_slot);
    if (hr == want)
        check(1, "%s->lpVtbl->%s: 0x%08lX, the probe code of %s slot %u", iface, member, HR(hr), declared, slot);
    else if (other)
        check(0, "%s->lpVtbl->%s reached %s slot %u (0x%08lX), not %s slot %u (0x%08lX)", iface, member, other,
              other_slot, HR(hr), declared, slot, HR(want));
    else if (stub == 1)
        check(0, "%s->lpVtbl->%s: 0x%08lX, but the stub of %s slot %u answers 0x%08lX", iface, member, HR(hr),
              declared, slot, HR(want));
    else
        check(1, "%s->lpVtbl->%s: 0x%08lX (%s slot %u is implemented)", iface, member, HR(hr), declared, slot);
}}

/* Zeroed memory for out-parameters: any type fits (and is aligned) in one cell. */
static union {{
    double align;
    unsigned char bytes[4096];
}} scratch[16];

static void *out(int i)
{{
    return &scratch[i];
}}

static void reset_out(void)
{{
    memset(scratch, 0, sizeof scratch);
}}

/* Under Wine only: Wine's HKEY_CLASSES_ROOT reads HKLM\Software\Classes alone, so the class's
 * per-user key is copied there for the run (Windows merges HKCU\Software\Classes in). */
static int hklm_copied;
static const WCHAR class_key[] = L"Software\\Classes\\CLSID\\" CLSID_TEXT;

static void wine_workaround(void)
{{
    HMODULE ntdll = GetModuleHandleA("ntdll.dll");
    HKEY from, to;
    LONG rc;
    if (!ntdll || !GetProcAddress(ntdll, "wine_get_version"))
        return;
    if (RegOpenKeyExW(HKEY_LOCAL_MACHINE, class_key, 0, KEY_READ, &to) == ERROR_SUCCESS) {{
        RegCloseKey(to);
        info("Wine workaround: HKLM already has the class; nothing copied");
        return;
    }}
    rc = RegOpenKeyExW(HKEY_CURRENT_USER, class_key, 0, KEY_READ, &from);
    if (rc == ERROR_SUCCESS) {{
        rc = RegCreateKeyExW(HKEY_LOCAL_MACHINE, class_key, 0, NULL, 0, KEY_ALL_ACCESS, NULL, &to, NULL);
        if (rc == ERROR_SUCCESS) {{
            hklm_copied = 1;
            rc = RegCopyTreeW(from, NULL, to);
            RegCloseKey(to);
        }}
        RegCloseKey(from);
    }}
    check(rc == ERROR_SUCCESS, "Wine workaround: per-user class copied to HKLM for CoCreateInstance (%ld)", (long)rc);
}}

static void undo_wine_workaround(void)
{{
    LONG rc;
    if (!hklm_copied)
        return;
    rc = RegDeleteTreeW(HKEY_LOCAL_MACHINE, class_key);
    check(rc == ERROR_SUCCESS, "Wine workaround undone: HKLM copy of the class removed (%ld)", (long)rc);
}}

static void registry(void)
{{
    WCHAR value[128];
    DWORD size = sizeof value;
    LONG rc = RegGetValueW(HKEY_CURRENT_USER, L"Software\\Classes\\" PROG_ID L"\\CLSID", NULL, RRF_RT_REG_SZ, NULL,
                           value, &size);
    check(rc == ERROR_SUCCESS && _wcsicmp(value, CLSID_TEXT) == 0,
          "registry: HKCU\\Software\\Classes\\%ls\\CLSID is %ls (%ld)", PROG_ID, rc == ERROR_SUCCESS ? value : L"?",
          (long)rc);
    size = sizeof value;
    rc = RegGetValueW(HKEY_CURRENT_USER, L"Software\\Classes\\CLSID\\" CLSID_TEXT L"\\InprocServer32", NULL,
                      RRF_RT_REG_SZ, NULL, value, &size);
    check(rc == ERROR_SUCCESS, "registry: HKCU\\%ls\\InprocServer32 is %ls", class_key,
          rc == ERROR_SUCCESS ? value : L"missing");
}}"#
    );

    // The IIDs: the header's against the model's.
    let _ = writeln!(w, "\nstatic void iids(void)\n{{");
    for name in &interfaces {
        let Some(iid) = model.interface(name).and_then(|i| i.iid) else {
            continue;
        };
        let _ = writeln!(
            w,
            "    {{\n        static const IID model = {};\n        check(IsEqualGUID(&IID_{name}, &model), \"IID_{name} of the header is the model's {}\");\n    }}",
            guid_init(iid),
            iid.braced_upper()
        );
    }
    let _ = writeln!(w, "}}");

    // COM identity, for any object.
    let _ = writeln!(
        w,
        r#"
/* Every implemented IID (and IUnknown) of an object: QueryInterface answers it from every
 * other, reflexive, symmetric and transitive, with one IUnknown; an IID the object lacks is
 * E_NOINTERFACE. iids[0] is IID_IUnknown. */
static void identity(IUnknown *unk, const char *object, const IID *const *iids, const char *const *names, unsigned count)
{{
    IUnknown *ptr[64];
    unsigned i, j;
    HRESULT hr;
    void *none = (void *)1;
    if (count > 64)
        count = 64;
    for (i = 0; i < count; i++) {{
        ptr[i] = NULL;
        hr = unk->lpVtbl->QueryInterface(unk, iids[i], (void **)&ptr[i]);
        check(hr == S_OK && ptr[i], "%s: identity: QueryInterface(IID_%s) -> 0x%08lX", object, names[i], HR(hr));
    }}
    for (i = 0; i < count; i++) {{
        IUnknown *self = NULL, *root = NULL;
        int ok = 1;
        if (!ptr[i])
            continue;
        hr = ptr[i]->lpVtbl->QueryInterface(ptr[i], iids[i], (void **)&self);
        check(hr == S_OK && self, "%s: identity: reflexive: %s answers IID_%s (0x%08lX)", object, names[i], names[i],
              HR(hr));
        if (self)
            self->lpVtbl->Release(self);
        hr = ptr[i]->lpVtbl->QueryInterface(ptr[i], &IID_IUnknown, (void **)&root);
        check(hr == S_OK && root == ptr[0], "%s: identity: one IUnknown: %s gives IUnknown %p, the object's is %p",
              object, names[i], (void *)root, (void *)ptr[0]);
        if (root)
            root->lpVtbl->Release(root);
        for (j = 0; j < count; j++) {{
            IUnknown *other = NULL, *back = NULL;
            hr = ptr[i]->lpVtbl->QueryInterface(ptr[i], iids[j], (void **)&other);
            if (hr != S_OK || !other) {{
                ok = check(0, "%s: identity: symmetric: %s does not answer IID_%s (0x%08lX)", object, names[i],
                           names[j], HR(hr));
                continue;
            }}
            hr = other->lpVtbl->QueryInterface(other, iids[i], (void **)&back);
            if (hr != S_OK || !back)
                ok = check(0, "%s: identity: transitive: %s from %s from %s -> 0x%08lX", object, names[i], names[j],
                           names[i], HR(hr));
            if (back)
                back->lpVtbl->Release(back);
            other->lpVtbl->Release(other);
        }}
        if (ok)
            check(1, "%s: identity: %s answers every implemented IID, and each of them answers it back", object,
                  names[i]);
    }}
    hr = unk->lpVtbl->QueryInterface(unk, &iid_none, &none);
    check(hr == E_NOINTERFACE && none == NULL,
          "%s: identity: an IID the object lacks -> 0x%08lX, E_NOINTERFACE and NULL", object, HR(hr));
    for (i = 0; i < count; i++)
        if (ptr[i])
            ptr[i]->lpVtbl->Release(ptr[i]);
}}"#
    );

    // Objects handed out by a method: probed once each, by the object type that implements
    // the interface the method returns.
    let handed_kind = |iface: &str| -> Option<&ProbeObject> {
        spec.objects
            .iter()
            .find(|o| o.clsid.is_none() && o.implements.iter().any(|i| i == iface))
    };
    let _ = writeln!(w);
    for o in spec.objects {
        let _ = writeln!(
            w,
            "static void probe_object_{}(IUnknown *unk, const char *how);",
            o.type_name
        );
    }

    // Every method of every interface of every object, slot by slot.
    for o in spec.objects {
        let object = &o.type_name;
        let mut calls = Vec::new();
        for name in &o.interfaces {
            let Some(iface) = model.interface(name) else { continue };
            let vt = Vtable::of(model, iface);
            let fn_name = format!("probe_{object}_{name}");
            calls.push(fn_name.clone());
            let label = format!("{object}: {name}");
            let _ = writeln!(
                w,
                r#"
/* {label}: slots 3-{last} through the header's vtable members. */
static void {fn_name}(IUnknown *unk)
{{
    {name} *obj = NULL;
    HRESULT hr = unk->lpVtbl->QueryInterface(unk, &IID_{name}, (void **)&obj);
    if (!check(hr == S_OK && obj, "{label}: QueryInterface -> 0x%08lX", HR(hr)))
        return;"#,
                last = vt.slots.len().saturating_sub(1),
            );
            for slot in vt.slots.iter().filter(|s| s.index >= 3) {
                let declared = &slot.declared_in.name;
                let Some(entry) = spec.table.entry(declared) else {
                    continue;
                };
                let Some(ps) = entry.slots.iter().find(|p| p.index == slot.index) else {
                    continue;
                };
                let member = slot.c_name();
                let mut args = vec!["obj".to_string()];
                let mut frees = Vec::new();
                let mut handed = Vec::new();
                let mut structs = Vec::new();
                let mut outs = 0;
                for p in &slot.method.params {
                    match types.arg(p) {
                        Arg::Zero => args.push("0".into()),
                        Arg::ZeroStruct(t) => {
                            let v = format!("zero{}", structs.len());
                            structs.push(format!("        static {t} {v};"));
                            args.push(v);
                        }
                        Arg::Out(owned) => {
                            let i = outs;
                            outs += 1;
                            args.push(format!("out({i})"));
                            match owned {
                                Owned::Nothing => {}
                                Owned::Interface(returned) => handed.push((i, returned)),
                                Owned::Bstr => frees.push(format!("SysFreeString(*(BSTR *)out({i}));")),
                                Owned::SafeArray => frees.push(format!(
                                    "if (*(SAFEARRAY **)out({i}))\n                SafeArrayDestroy(*(SAFEARRAY **)out({i}));"
                                )),
                                Owned::Variant => frees.push(format!("VariantClear((VARIANT *)out({i}));")),
                            }
                        }
                    }
                }
                let stub = match spec.stubs.is_stub(object, declared, &ps.rust_name) {
                    Some(true) => 1,
                    Some(false) => 0,
                    None => -1,
                };
                let _ = writeln!(w, "    {{ /* slot {}: {declared}::{member} */", slot.index);
                for s in &structs {
                    let _ = writeln!(w, "{s}");
                }
                let _ = writeln!(w, "        reset_out();");
                let call = format!("obj->lpVtbl->{member}({})", args.join(", "));
                if types.returns_hresult(slot.method) {
                    let _ = writeln!(w, "        hr = {call};");
                    let _ = writeln!(
                        w,
                        "        expect_slot(hr, \"{label}\", \"{member}\", \"{declared}\", {}, (HRESULT)0x{:08X}UL, {stub});",
                        slot.index,
                        code(entry.base, slot.index)
                    );
                    if !frees.is_empty() || !handed.is_empty() {
                        let _ = writeln!(w, "        if (SUCCEEDED(hr)) {{");
                        // Interfaces first out of the scratch memory a nested probe reuses.
                        for (i, _) in &handed {
                            let _ = writeln!(w, "            IUnknown *handed{i} = *(IUnknown **)out({i});");
                        }
                        for f in &frees {
                            let _ = writeln!(w, "            {f}");
                        }
                        for (i, returned) in &handed {
                            let _ = writeln!(w, "            if (handed{i}) {{");
                            if let Some(kind) = returned.as_deref().and_then(handed_kind) {
                                let _ = writeln!(
                                    w,
                                    "                probe_object_{}(handed{i}, \"{label}::{member}\");",
                                    kind.type_name
                                );
                            }
                            let _ = writeln!(
                                w,
                                "                handed{i}->lpVtbl->Release(handed{i});\n            }}"
                            );
                        }
                        let _ = writeln!(w, "        }}");
                    }
                } else {
                    let _ = writeln!(w, "        (void){call};");
                    let _ = writeln!(
                        w,
                        "        check(1, \"{label}->lpVtbl->{member}: called (it returns {}, not an HRESULT)\");",
                        slot.method.ret
                    );
                }
                let _ = writeln!(w, "    }}");
            }
            let _ = writeln!(
                w,
                "    check(obj->lpVtbl->Release(obj) >= 1, \"{label}: Release leaves the object alive\");\n}}"
            );
        }
        let all: Vec<String> = std::iter::once("IUnknown".to_string())
            .chain(o.interfaces.iter().cloned())
            .collect();
        let _ = writeln!(
            w,
            r#"
/* An object of type {object}: its identity, then every method of each of its interfaces. */
static void probe_object_{object}(IUnknown *unk, const char *how)
{{
    static int probed;
    static const IID *const iids[] = {{{iids}}};
    static const char *const names[] = {{{names}}};
    if (probed)
        return;
    probed = 1;
    info("{object}: the object %s gives", how);
    identity(unk, "{object}", iids, names, sizeof iids / sizeof iids[0]);"#,
            iids = all.iter().map(|n| format!("&IID_{n}")).collect::<Vec<_>>().join(", "),
            names = all.iter().map(|n| format!("\"{n}\"")).collect::<Vec<_>>().join(", "),
        );
        for f in &calls {
            let _ = writeln!(w, "    {f}(unk);");
        }
        let _ = writeln!(w, "}}");
    }

    let _ = writeln!(
        w,
        r#"
int main(void)
{{
    IUnknown *unk = NULL;
    HRESULT hr;
    ULONG refs;
    HMODULE module;
    registry();
    iids();
    wine_workaround();
    hr = CoInitializeEx(NULL, COINIT_APARTMENTTHREADED);
    if (check(SUCCEEDED(hr), "CoInitializeEx(COINIT_APARTMENTTHREADED) -> 0x%08lX", HR(hr))) {{
        hr = CoCreateInstance(&model_clsid, NULL, CLSCTX_INPROC_SERVER, &IID_IUnknown, (void **)&unk);
        if (check(hr == S_OK && unk, "CoCreateInstance(%ls, CLSCTX_INPROC_SERVER, IID_IUnknown) -> 0x%08lX",
                  CLSID_TEXT, HR(hr))) {{
            refs = unk->lpVtbl->AddRef(unk);
            check(refs == 2, "refcount: AddRef after CoCreateInstance -> %lu (expected 2)", (unsigned long)refs);
            refs = unk->lpVtbl->Release(unk);
            check(refs == 1, "refcount: Release -> %lu (expected 1)", (unsigned long)refs);
            probe_object_{class}(unk, "CoCreateInstance");
            refs = unk->lpVtbl->Release(unk);
            check(refs == 0, "refcount: the last Release -> %lu (expected 0)", (unsigned long)refs);
        }}
        module = GetModuleHandleA(DLL_NAME);
        if (check(module != NULL, "%s is loaded", DLL_NAME)) {{
            HRESULT(STDAPICALLTYPE * can_unload)(void) =
                (HRESULT(STDAPICALLTYPE *)(void))(void (*)(void))GetProcAddress(module, "DllCanUnloadNow");
            if (check(can_unload != NULL, "%s exports DllCanUnloadNow", DLL_NAME)) {{
                hr = can_unload();
                check(hr == S_OK, "DllCanUnloadNow -> 0x%08lX (S_OK: no object and no lock left)", HR(hr));
            }}
        }}
        CoUninitialize();
    }}
    undo_wine_workaround();
    printf("{PROGRAM}: %d checks, %d failures\n", checks, failures);
    return failures;
}}"#,
        class = class.type_name,
    );
    Some(Client { source: c, headers })
}
