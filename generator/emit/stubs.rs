//! Stub methods for user-owned files: one `impl IFoo_Impl for Foo_Impl` block per
//! implemented interface, each method with a TODO saying what the host expects of it.
//!
//! The same rendering serves a new project's files and regeneration, where the stubs of
//! methods the metadata gained are added to the user's existing impl blocks.

use std::collections::HashMap;

use quote::ToTokens;
use serde::Deserialize;

use crate::emit::bindings::types::{TypeMapper, param_ident};
use crate::emit::bindings::{ident, impl_signature, returns_result, rust_method_names};
use crate::emit::project::plan::StubMethod;
use crate::model::Model;
use crate::model::interface::{Interface, Method};
use crate::model::vtable::Vtable;

/// What a template knows about a method: its TODO text and the stub's body.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Knowledge {
    pub signature: String,
    pub todo: String,
    pub body: String,
}

/// Knowledge of a template's methods, by interface then method name.
#[derive(Clone, Debug, Default)]
pub struct KnowledgeBase {
    entries: HashMap<String, HashMap<String, Knowledge>>,
    /// The HRESULT a method that is not implemented returns (`OSC_E_NOT_IMPLEMENTED`), as a
    /// path from the crate root: what `not_implemented!` is without the slot probe.
    pub not_implemented: String,
}

impl KnowledgeBase {
    pub fn parse(text: &str, not_implemented: &str) -> Result<KnowledgeBase, toml::de::Error> {
        Ok(KnowledgeBase {
            entries: toml::from_str(text)?,
            not_implemented: not_implemented.to_string(),
        })
    }

    pub fn empty(not_implemented: &str) -> KnowledgeBase {
        KnowledgeBase {
            entries: HashMap::new(),
            not_implemented: not_implemented.to_string(),
        }
    }

    fn get(&self, interface: &str, method: &str) -> Option<&Knowledge> {
        self.entries.get(interface)?.get(method)
    }
}

/// Renders stub code; knows how signatures print in user files.
pub struct StubWriter<'m> {
    model: &'m Model,
    mapper: TypeMapper<'m>,
    knowledge: &'m KnowledgeBase,
    /// Whether bodies answer `not_implemented!(IFoo::Method)` (the slot probe's macro, a
    /// name of the crate's prelude) or the knowledge base's `not_implemented` itself (in a
    /// test file, which is outside the crate).
    probe: bool,
    /// Whether the method being written owns a vtable slot, which the probe names.
    slot: bool,
}

/// Paths the stubs spell short: the generated prelude exports each short name.
const SHORT_NAMES: &[(&str, &str)] = &[
    ("windows_core :: Result", "Result"),
    ("windows_core :: Ref", "Ref"),
    ("windows_core :: GUID", "GUID"),
    ("windows_core :: HRESULT", "HRESULT"),
    ("windows_core :: IUnknown", "IUnknown"),
    ("core :: ffi :: c_void", "c_void"),
];

impl<'m> StubWriter<'m> {
    pub fn new(model: &'m Model, bound: &[String], knowledge: &'m KnowledgeBase) -> StubWriter<'m> {
        StubWriter {
            model,
            mapper: TypeMapper::new(model, bound.iter().cloned()),
            knowledge,
            probe: true,
            slot: true,
        }
    }

    /// A writer for stubs outside the crate (a test's object): they answer the knowledge
    /// base's `not_implemented` as it is spelled there.
    pub fn without_probe(mut self) -> Self {
        self.probe = false;
        self
    }

    /// `fn M(&self, a: &BSTR) -> Result<BSTR>` on one line, with short names; `name` is the
    /// method's Rust name ([`rust_method_names`]).
    pub fn signature(&mut self, method: &Method, name: &proc_macro2::Ident) -> String {
        let (params, ret) = self.signature_parts(method, name);
        format!("fn {name}({}){ret}", params.join(", "))
    }

    /// The parameters (`&self` first) and the ` -> R` suffix of a stub's signature, each
    /// as rustfmt prints it.
    fn signature_parts(&mut self, method: &Method, name: &proc_macro2::Ident) -> (Vec<String>, String) {
        let mut text = impl_signature(&mut self.mapper, method, name).to_string();
        for (long, short) in SHORT_NAMES {
            text = text.replace(long, short);
        }
        let sig: syn::Signature = syn::parse_str(&text).expect("signature parses");
        let params = sig
            .inputs
            .iter()
            .map(|arg| match arg {
                syn::FnArg::Receiver(_) => "&self".to_string(),
                syn::FnArg::Typed(t) => format!("{}: {}", t.pat.to_token_stream(), type_text(&t.ty)),
            })
            .collect();
        let ret = match &sig.output {
            syn::ReturnType::Default => String::new(),
            syn::ReturnType::Type(_, ty) => format!(" -> {}", type_text(ty)),
        };
        (params, ret)
    }

    /// The signature and opening brace, indented for an impl block, laid out as rustfmt's
    /// defaults do: on one line when it fits in 100 columns, else one parameter a line. A
    /// user who runs `cargo fmt` then sees no change in the stubs oscgen writes.
    fn signature_lines(&mut self, method: &Method, name: &proc_macro2::Ident) -> String {
        let (params, ret) = self.signature_parts(method, name);
        let line = format!("    fn {name}({}){ret} {{", params.join(", "));
        if line.len() <= RUSTFMT_MAX_WIDTH {
            return line;
        }
        let mut out = format!("    fn {name}(\n");
        for p in &params {
            out.push_str(&format!("        {p},\n"));
        }
        out.push_str(&format!("    ){ret} {{"));
        out
    }

    /// One method: doc comment, signature, body; indented for an impl block.
    pub fn method(&mut self, interface: &Interface, method: &Method, name: &proc_macro2::Ident) -> String {
        let signature = self.signature(method, name);
        let known = self
            .knowledge
            .get(&interface.name, &method.name)
            .filter(|k| normalize(&k.signature) == normalize(&signature));
        let (todo, body) = match known {
            // `not_implemented!()` in a template's body names its method for the slot probe.
            Some(k) => (
                k.todo.clone(),
                k.body
                    .replace("not_implemented!()", &not_implemented_call(interface, name)),
            ),
            None => (
                format!("TODO: implement {}::{}.", interface.name, method.name),
                self.plain_body(interface, method, name),
            ),
        };
        let mut out = String::new();
        for (i, line) in todo.lines().enumerate() {
            if i == 0 && known.is_some() {
                out.push_str(&format!("    /// TODO: {line}\n"));
            } else {
                out.push_str(
                    &format!("    /// {line}\n")
                        .replace("///  ", "/// ")
                        .replace("/// \n", "///\n"),
                );
            }
        }
        out.push_str(&self.signature_lines(method, name));
        out.push('\n');
        for line in body.lines() {
            if line.is_empty() {
                out.push('\n');
            } else {
                out.push_str("        ");
                out.push_str(line);
                out.push('\n');
            }
        }
        out.push_str("    }\n");
        out
    }

    fn plain_body(&mut self, interface: &Interface, method: &Method, name: &proc_macro2::Ident) -> String {
        let names: Vec<String> = method.params.iter().map(|p| param_ident(&p.name).to_string()).collect();
        let result = returns_result(&mut self.mapper, method);
        // The trailing out-parameter became the result: it is not a Rust parameter.
        let sig = self.signature(method, name);
        let used: Vec<&String> = names.iter().filter(|n| sig.contains(&format!("{n}:"))).collect();
        let mut body = String::new();
        let listed = used.iter().map(|s| s.as_str()).collect::<Vec<_>>().join(", ");
        match used.len() {
            0 => {}
            1 => body.push_str(&format!("let _ = {listed};\n")),
            // rustfmt's `fn_call_width`: a longer tuple goes one element a line.
            _ if listed.len() <= RUSTFMT_FN_CALL_WIDTH => body.push_str(&format!("let _ = ({listed});\n")),
            _ => {
                body.push_str("let _ = (\n");
                for name in &used {
                    body.push_str(&format!("    {name},\n"));
                }
                body.push_str(");\n");
            }
        }
        if result {
            let answer = if self.probe && !self.slot {
                "E_NOTIMPL".to_string()
            } else if self.probe {
                not_implemented_call(interface, name)
            } else {
                self.knowledge.not_implemented.clone()
            };
            body.push_str(&err_into(&answer));
        } else {
            body.push_str("Default::default()");
        }
        body
    }

    /// The methods an implementation of the interface writes, with their Rust names and
    /// whether they own a vtable slot: its own slots, then a dispinterface's members
    /// (which its IDispatch calls, and the slot probe cannot reach).
    fn implemented(&self, interface: &Interface) -> Vec<(Method, proc_macro2::Ident, bool)> {
        let vt = Vtable::of(self.model, interface);
        let mut out: Vec<(Method, proc_macro2::Ident, bool)> = vt
            .own_slots()
            .map(|s| s.method.clone())
            .zip(rust_method_names(&vt))
            .map(|(m, name)| (m, name, true))
            .collect();
        if let Some(dispatch) = &interface.dispatch {
            out.extend(dispatch.as_methods().into_iter().map(|m| {
                let name = ident(&m.name);
                (m, name, false)
            }));
        }
        out
    }

    /// A stub; one without a slot, which no probe code names, answers E_NOTIMPL (in the
    /// crate, the prelude's) in every build.
    fn stub(&mut self, interface: &Interface, m: &Method, name: &proc_macro2::Ident, slot: bool) -> String {
        self.slot = slot;
        let text = self.method(interface, m, name);
        self.slot = true;
        text
    }

    /// Every own method's stub, for adding to an existing impl block.
    pub fn methods(&mut self, interface: &Interface) -> Vec<StubMethod> {
        self.implemented(interface)
            .into_iter()
            .map(|(m, name, slot)| StubMethod {
                name: name.to_string(),
                signature: self.signature(&m, &name),
                text: self.stub(interface, &m, &name, slot),
            })
            .collect()
    }

    /// `impl IFoo_Impl for Foo_Impl { ... }` with the interface's own methods.
    pub fn impl_block(&mut self, interface: &Interface, type_name: &str) -> String {
        let mut out = format!("impl {}_Impl for {}_Impl {{\n", interface.name, type_name);
        for (i, (m, name, slot)) in self.implemented(interface).iter().enumerate() {
            if i > 0 {
                out.push('\n');
            }
            out.push_str(&self.stub(interface, m, name, *slot));
        }
        out.push_str("}\n");
        out
    }
}

/// `Err(answer.into())` in a method body (8 columns in), as rustfmt 1.8 lays it out
/// (measured): on one line if it fits; else `.into()` on a line of its own below the
/// argument; else the macro's argument on a line of its own; and when even that does not
/// fit rustfmt leaves the line as it is. Its nested lines must end a column short of
/// `max_width`.
fn err_into(answer: &str) -> String {
    const INDENT: usize = 8;
    let nested = INDENT + 4;
    if INDENT + answer.len() + "Err(.into())".len() <= RUSTFMT_MAX_WIDTH {
        return format!("Err({answer}.into())");
    }
    if nested + answer.len() < RUSTFMT_MAX_WIDTH {
        return format!("Err(\n    {answer}\n        .into(),\n)");
    }
    if let Some((head, inner)) = answer
        .split_once('(')
        .and_then(|(head, rest)| Some((head, rest.strip_suffix(')')?)))
        .filter(|(head, inner)| head.ends_with('!') && nested + inner.len() < RUSTFMT_MAX_WIDTH)
    {
        return format!("Err({head}(\n    {inner}\n)\n.into())");
    }
    format!("Err({answer}.into())")
}

/// rustfmt's default `max_width`.
const RUSTFMT_MAX_WIDTH: usize = 100;

/// rustfmt's default `fn_call_width`: the widest argument list (or tuple) kept on one line.
const RUSTFMT_FN_CALL_WIDTH: usize = 60;

/// A type as rustfmt prints it (`&BSTR`, `Ref<'_, IFoo>`, `*mut *mut c_void`).
fn type_text(ty: &syn::Type) -> String {
    let file: syn::File = syn::parse_quote!(type T = #ty;);
    let text = prettyplease::unparse(&file);
    text.trim_end()
        .strip_prefix("type T = ")
        .and_then(|t| t.strip_suffix(';'))
        .unwrap_or(&text)
        .to_string()
}

/// `not_implemented!(IFoo::Method)`: what a stub answers while it is one (see
/// [`crate::emit::probe`]).
fn not_implemented_call(interface: &Interface, name: &proc_macro2::Ident) -> String {
    format!("not_implemented!({}::{name})", interface.name)
}

fn normalize(s: &str) -> String {
    s.split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .replace("( ", "(")
        .replace(" )", ")")
        .replace(",)", ")")
}

#[cfg(test)]
mod tests {
    use super::err_into;

    /// The four layouts, as rustfmt 1.8 (edition 2024, default settings) writes them.
    #[test]
    fn stub_answers_are_laid_out_as_rustfmt_lays_them_out() {
        let answer = |n: usize| format!("not_implemented!(I::{})", "M".repeat(n));
        let m = |n: usize| "M".repeat(n);
        assert_eq!(
            err_into(&answer(59)),
            format!("Err(not_implemented!(I::{}).into())", m(59))
        );
        assert_eq!(
            err_into(&answer(60)),
            format!("Err(\n    not_implemented!(I::{})\n        .into(),\n)", m(60))
        );
        assert_eq!(
            err_into(&answer(66)),
            format!("Err(\n    not_implemented!(I::{})\n        .into(),\n)", m(66))
        );
        assert_eq!(
            err_into(&answer(67)),
            format!("Err(not_implemented!(\n    I::{}\n)\n.into())", m(67))
        );
        assert_eq!(
            err_into(&answer(84)),
            format!("Err(not_implemented!(\n    I::{}\n)\n.into())", m(84))
        );
        assert_eq!(
            err_into(&answer(85)),
            format!("Err(not_implemented!(I::{}).into())", m(85))
        );
    }
}
