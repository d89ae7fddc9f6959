//! `oscgen inspect`: every vtable slot by slot, as a table for people or JSON for tools.

use std::io::{self, Write};

use serde::{Serialize, Serializer};

use crate::model::Model;
use crate::model::interface::{Dispatch, Interface, Method, Param};
use crate::model::vtable::Vtable;

/// Version of the JSON document; bumped on any incompatible change.
pub const JSON_SCHEMA_VERSION: u32 = 1;

#[derive(Serialize)]
struct JsonDoc<'a> {
    schema: u32,
    interfaces: JsonInterfaces<'a>,
}

/// The interfaces, each turned into its JSON shape only as it is written: output for a
/// large input is never held whole in memory.
struct JsonInterfaces<'a> {
    model: &'a Model,
    interfaces: &'a [&'a Interface],
}

impl Serialize for JsonInterfaces<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_seq(self.interfaces.iter().map(|iface| json_interface(self.model, iface)))
    }
}

#[derive(Serialize)]
struct JsonInterface<'a> {
    name: &'a str,
    iid: Option<String>,
    base: Option<&'a str>,
    file: &'a str,
    slots: Vec<JsonSlot<'a>>,
    /// A dual interface or a dispinterface: what `IDispatch::Invoke` reaches.
    #[serde(skip_serializing_if = "Option::is_none")]
    dispatch: Option<JsonDispatch<'a>>,
}

#[derive(Serialize)]
struct JsonDispatch<'a> {
    dual: bool,
    /// `dispinterface D { interface I; }`: the interface whose methods it dispatches.
    #[serde(skip_serializing_if = "Option::is_none")]
    interface: Option<&'a str>,
    properties: Vec<JsonProperty<'a>>,
    /// A dispinterface's methods (a dual interface's are its slots, with their DISPIDs).
    methods: Vec<JsonMember<'a>>,
}

#[derive(Serialize)]
struct JsonProperty<'a> {
    name: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    dispid: Option<i32>,
    #[serde(rename = "type")]
    ty: String,
    readonly: bool,
}

#[derive(Serialize)]
struct JsonMember<'a> {
    name: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    dispid: Option<i32>,
    #[serde(rename = "return")]
    ret: String,
    params: Vec<JsonParam<'a>>,
}

#[derive(Serialize)]
struct JsonSlot<'a> {
    index: usize,
    name: &'a str,
    declared_in: &'a str,
    #[serde(rename = "return")]
    ret: String,
    params: Vec<JsonParam<'a>>,
    /// `[id(n)]`: the DISPID of a dual interface's or an automation interface's method.
    #[serde(skip_serializing_if = "Option::is_none")]
    dispid: Option<i32>,
}

#[derive(Serialize)]
struct JsonParam<'a> {
    name: &'a str,
    #[serde(rename = "type")]
    ty: &'a str,
    dir: &'static str,
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    retval: bool,
    #[serde(skip_serializing_if = "<[String]>::is_empty")]
    attributes: Vec<String>,
}

/// Writes the JSON document for the given interfaces.
pub fn write_json(out: &mut impl Write, model: &Model, interfaces: &[&Interface]) -> io::Result<()> {
    let doc = JsonDoc {
        schema: JSON_SCHEMA_VERSION,
        interfaces: JsonInterfaces { model, interfaces },
    };
    serde_json::to_writer_pretty(&mut *out, &doc)?;
    out.write_all(b"\n")
}

fn json_interface<'a>(model: &'a Model, iface: &'a Interface) -> JsonInterface<'a> {
    let vt = Vtable::of(model, iface);
    JsonInterface {
        name: &iface.name,
        iid: iface.iid.map(|g| g.to_string()),
        base: iface.base.as_deref(),
        file: &iface.origin.file,
        slots: vt
            .slots
            .iter()
            .map(|s| JsonSlot {
                index: s.index,
                name: &s.method.name,
                declared_in: &s.declared_in.name,
                ret: s.method.ret.to_string(),
                params: json_params(s.method),
                dispid: s.method.dispid,
            })
            .collect(),
        dispatch: iface.dispatch.as_ref().map(|d| JsonDispatch {
            dual: d.dual,
            interface: d.interface.as_deref(),
            properties: d
                .properties
                .iter()
                .map(|p| JsonProperty {
                    name: &p.name,
                    dispid: p.dispid,
                    ty: p.ty.to_string(),
                    readonly: p.readonly,
                })
                .collect(),
            methods: d
                .methods
                .iter()
                .map(|m| JsonMember {
                    name: &m.name,
                    dispid: m.dispid,
                    ret: m.ret.to_string(),
                    params: json_params(m),
                })
                .collect(),
        }),
    }
}

fn json_params(m: &Method) -> Vec<JsonParam<'_>> {
    m.params
        .iter()
        .map(|p| JsonParam {
            name: &p.name,
            ty: &p.written,
            dir: p.dir.as_str(),
            retval: p.retval,
            attributes: p.attrs.iter().map(ToString::to_string).collect(),
        })
        .collect()
}

/// `[in] BSTR userName`, `[out, retval] BSTR* capabilities`.
fn write_param(out: &mut impl Write, p: &Param) -> io::Result<()> {
    out.write_all(b"[")?;
    out.write_all(p.dir.as_str().as_bytes())?;
    if p.retval {
        out.write_all(b", retval")?;
    }
    for attr in &p.attrs {
        write!(out, ", {attr}")?;
    }
    write!(out, "] {} {}", p.written, p.name)
}

/// `HRESULT GetDetails([out, retval] BSTR* details)`, written straight to `out`: a table
/// for a large input has hundreds of thousands of them.
fn write_signature(out: &mut impl Write, m: &Method) -> io::Result<()> {
    write!(out, "{} {}(", m.ret, m.name)?;
    for (i, p) in m.params.iter().enumerate() {
        if i > 0 {
            out.write_all(b", ")?;
        }
        write_param(out, p)?;
    }
    out.write_all(b")")
}

/// [`write_signature`] as a string.
pub fn signature(m: &Method) -> String {
    let mut out = Vec::new();
    write_signature(&mut out, m).expect("writing to a Vec cannot fail");
    String::from_utf8(out).expect("signatures are written from strings")
}

/// Writes `text` left-aligned in `width` columns.
fn write_padded(out: &mut impl Write, text: &str, width: usize) -> io::Result<()> {
    out.write_all(text.as_bytes())?;
    // As `{:<width$}` pads: by characters.
    for _ in text.chars().count()..width {
        out.write_all(b" ")?;
    }
    Ok(())
}

/// Writes the table: one block per interface, one line per slot.
pub fn write_table(out: &mut impl Write, model: &Model, interfaces: &[&Interface]) -> io::Result<()> {
    for (n, iface) in interfaces.iter().enumerate() {
        if n > 0 {
            out.write_all(b"\n")?;
        }
        let vt = Vtable::of(model, iface);
        let chain: Vec<&str> = Vtable::ancestors(model, iface)
            .iter()
            .map(|i| i.name.as_str())
            .collect();
        write!(out, "{}", iface.name)?;
        if !chain.is_empty() {
            write!(out, " : {}", chain.join(" : "))?;
        }
        match iface.iid {
            Some(iid) => write!(out, "  iid {iid}")?,
            None => out.write_all(b"  (no IID)")?,
        }
        writeln!(out, "  [{} slots, {}]", vt.slots.len(), iface.origin.file)?;
        let width = vt
            .slots
            .iter()
            .map(|s| s.declared_in.name.len())
            .max()
            .unwrap_or(0)
            .max("declared in".len());
        let mwidth = vt
            .slots
            .iter()
            .map(|s| s.method.name.len())
            .max()
            .unwrap_or(0)
            .max("method".len());
        writeln!(
            out,
            "  {:>4}  {:<mwidth$}  {:<width$}  signature",
            "slot", "method", "declared in"
        )?;
        for s in &vt.slots {
            write!(out, "  {:>4}  ", s.index)?;
            write_padded(out, &s.method.name, mwidth)?;
            out.write_all(b"  ")?;
            write_padded(out, &s.declared_in.name, width)?;
            out.write_all(b"  ")?;
            write_signature(out, s.method)?;
            out.write_all(b"\n")?;
        }
        if let Some(d) = &iface.dispatch {
            write_dispatch(out, iface, d)?;
        }
    }
    Ok(())
}

/// What `IDispatch::Invoke` reaches, by DISPID: a dual interface's own methods, or a
/// dispinterface's properties and methods (which own no slot).
fn write_dispatch(out: &mut impl Write, iface: &Interface, d: &Dispatch) -> io::Result<()> {
    let id = |dispid: Option<i32>| dispid.map_or_else(|| "?".to_string(), |d| d.to_string());
    let methods = if d.dual { &iface.methods } else { &d.methods };
    if let Some(wrapped) = &d.interface {
        writeln!(out, "  dispatch: the methods of {wrapped}")?;
    }
    if methods.is_empty() && d.properties.is_empty() {
        return Ok(());
    }
    writeln!(
        out,
        "  dispatch ({})\n  {:>11}  member",
        if d.dual { "dual" } else { "dispinterface" },
        "dispid"
    )?;
    for p in &d.properties {
        writeln!(
            out,
            "  {:>11}  property {} {}{}",
            id(p.dispid),
            p.ty,
            p.name,
            if p.readonly { " [readonly]" } else { "" }
        )?;
    }
    for m in methods {
        write!(out, "  {:>11}  ", id(m.dispid))?;
        write_signature(out, m)?;
        out.write_all(b"\n")?;
    }
    Ok(())
}
