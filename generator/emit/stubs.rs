//! Stub methods for user-owned files: one `impl IFoo_Impl for Foo_Impl` block per
//! implemented interface, each method with a TODO saying what the host expects of it.
//!
//! The same rendering serves a new project's files and regeneration, where the stubs of
//! methods the metadata gained are added to the user's existing impl blocks.

use std::collections::{BTreeSet, HashMap};

use proc_macro2::TokenStream;
use serde::Deserialize;

use crate::emit::bindings::types::{TypeMapper, param_ident};
use crate::emit::bindings::{impl_signature, returns_result, rust_method_names};
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
}

/// Paths the stubs spell short, with the `use` that makes each short name work.
const SHORT_NAMES: &[(&str, &str, &str)] = &[
    ("windows_core :: Result", "Result", "windows_core"),
    ("windows_core :: Ref", "Ref", "windows_core"),
    ("windows_core :: GUID", "GUID", "windows_core"),
    ("windows_core :: HRESULT", "HRESULT", "windows_core"),
    ("windows_core :: IUnknown", "IUnknown", "windows_core"),
    ("core :: ffi :: c_void", "c_void", "core::ffi"),
];

impl<'m> StubWriter<'m> {
    pub fn new(model: &'m Model, bound: &[String], knowledge: &'m KnowledgeBase) -> StubWriter<'m> {
        StubWriter {
            model,
            mapper: TypeMapper::new(model, bound.iter().cloned()),
            knowledge,
        }
    }

    /// `fn M(&self, a: &BSTR) -> Result<BSTR>`, formatted, with short names; `name` is the
    /// method's Rust name ([`rust_method_names`]).
    pub fn signature(&mut self, method: &Method, name: &proc_macro2::Ident) -> String {
        let mut text = impl_signature(&mut self.mapper, method, name).to_string();
        for (long, short, _) in SHORT_NAMES {
            text = text.replace(long, short);
        }
        let tokens: TokenStream = text.parse().expect("signature tokens");
        let file = format!("trait T {{ {tokens}; }}");
        let parsed: syn::File = syn::parse_str(&file).expect("signature parses");
        let pretty = prettyplease::unparse(&parsed);
        let lines: Vec<&str> = pretty.lines().collect();
        let inner = &lines[1..lines.len() - 1];
        let mut sig = inner
            .iter()
            .map(|l| l.strip_prefix("    ").unwrap_or(l))
            .collect::<Vec<_>>()
            .join("\n");
        if sig.ends_with(';') {
            sig.pop();
        }
        sig
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
        for line in signature.lines() {
            out.push_str("    ");
            out.push_str(line);
            out.push('\n');
        }
        out.truncate(out.len() - 1);
        out.push_str(" {\n");
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
        match used.len() {
            0 => {}
            1 => body.push_str(&format!("let _ = {};\n", used[0])),
            _ => body.push_str(&format!(
                "let _ = ({});\n",
                used.iter().map(|s| s.as_str()).collect::<Vec<_>>().join(", ")
            )),
        }
        if result {
            body.push_str(&format!("Err({}.into())", not_implemented_call(interface, name)));
        } else {
            body.push_str("Default::default()");
        }
        body
    }

    /// Every own method's stub, by Rust name, for adding to an existing impl block. The
    /// macro is spelled with its path there: the user's file may not import it.
    pub fn methods(&mut self, interface: &Interface) -> Vec<(String, String)> {
        let vt = Vtable::of(self.model, interface);
        let methods: Vec<&Method> = vt.own_slots().map(|s| s.method).collect();
        methods
            .into_iter()
            .zip(rust_method_names(&vt))
            .map(|(m, name)| {
                let text = self
                    .method(interface, m, &name)
                    .replace("not_implemented!(", "crate::generated::probe::not_implemented!(");
                (name.to_string(), text)
            })
            .collect()
    }

    /// `impl IFoo_Impl for Foo_Impl { ... }` with the interface's own methods.
    pub fn impl_block(&mut self, interface: &Interface, type_name: &str) -> String {
        let vt = Vtable::of(self.model, interface);
        let methods: Vec<&Method> = vt.own_slots().map(|s| s.method).collect();
        let names = rust_method_names(&vt);
        let mut out = format!("impl {}_Impl for {}_Impl {{\n", interface.name, type_name);
        for (i, (m, name)) in methods.iter().zip(&names).enumerate() {
            if i > 0 {
                out.push('\n');
            }
            out.push_str(&self.method(interface, m, name));
        }
        out.push_str("}\n");
        out
    }

    /// The names the stub text uses, sorted into the `use` lines it needs.
    /// `helpers` are further names the code may use, with their module; names the code
    /// imports or defines itself are left alone.
    pub fn imports(&self, code: &str, bindings_path: &str, oleaut_path: &str, helpers: &[(&str, &str)]) -> Vec<String> {
        let code = &strip_probe_arguments(&strip_comments_and_strings(code));
        let words: BTreeSet<&str> = code
            .split(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
            .filter(|w| !w.is_empty())
            .collect();
        let mut groups: Vec<(String, BTreeSet<String>)> = Vec::new();
        let mut add = |path: &str, name: &str| match groups.iter_mut().find(|(p, _)| p == path) {
            Some((_, names)) => {
                names.insert(name.to_string());
            }
            None => groups.push((path.to_string(), BTreeSet::from([name.to_string()]))),
        };
        let own = own_names(code);
        let mut add = |path: &str, name: &str| {
            if !own.contains(name) {
                add(path, name);
            }
        };
        for (_, short, path) in SHORT_NAMES {
            if words.contains(short) {
                add(path, short);
            }
        }
        for (name, path) in helpers {
            if words.contains(name) {
                add(path, name);
            }
        }
        for name in ["BSTR", "SAFEARRAY", "VARIANT_BOOL"] {
            if words.contains(name) {
                add(oleaut_path, name);
            }
        }
        let model_names: BTreeSet<String> = self
            .model
            .interfaces()
            .iter()
            .flat_map(|i| [i.name.clone(), format!("{}_Impl", i.name)])
            .chain(self.model.types().map(|t| t.name.clone()))
            .chain(self.model.constants.iter().filter(|c| c.root).map(|c| c.name.clone()))
            .collect();
        for w in &words {
            if model_names.contains(*w)
                && !matches!(
                    *w,
                    "BSTR" | "SAFEARRAY" | "VARIANT_BOOL" | "GUID" | "HRESULT" | "IUnknown"
                )
            {
                add(bindings_path, w);
            }
        }
        groups.sort();
        groups
            .into_iter()
            .map(|(path, names)| {
                let names: Vec<String> = names.into_iter().collect();
                if names.len() == 1 {
                    format!("use {path}::{};", names[0])
                } else {
                    format!("use {path}::{{{}}};", names.join(", "))
                }
            })
            .collect()
    }
}

/// `not_implemented!(IFoo::Method)`: what a stub answers while it is one (see
/// [`crate::emit::probe`]).
fn not_implemented_call(interface: &Interface, name: &proc_macro2::Ident) -> String {
    format!("not_implemented!({}::{name})", interface.name)
}

/// The code with the arguments of `not_implemented!(IFoo::Method)` left out: they name a
/// module of the probe table, not the interface the file would have to import.
fn strip_probe_arguments(code: &str) -> String {
    let mut out = String::with_capacity(code.len());
    let mut rest = code;
    while let Some(at) = rest.find("not_implemented!(") {
        let open = at + "not_implemented!(".len();
        out.push_str(&rest[..open]);
        rest = &rest[open..];
        if let Some(close) = rest.find(')') {
            rest = &rest[close..];
        }
    }
    out.push_str(rest);
    out
}

fn normalize(s: &str) -> String {
    s.split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .replace("( ", "(")
        .replace(" )", ")")
        .replace(",)", ")")
}

/// Names the code imports (`use a::{B, C};`) or defines (`fn f`, `struct S`, `const C`).
fn own_names(code: &str) -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    for line in code.lines().map(str::trim) {
        if let Some(rest) = line.strip_prefix("use ") {
            let names = rest.trim_end_matches(';').rsplit("::").next().unwrap_or("");
            for n in names.trim_matches(|c| c == '{' || c == '}').split(',') {
                let n = n.trim();
                if !n.is_empty() && n != "self" {
                    out.insert(n.to_string());
                }
            }
            continue;
        }
        let line = line.strip_prefix("pub ").unwrap_or(line);
        for kw in ["fn ", "struct ", "const ", "enum ", "static ", "type "] {
            if let Some(rest) = line.strip_prefix(kw) {
                let name: String = rest
                    .chars()
                    .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
                    .collect();
                out.insert(name);
            }
        }
    }
    out
}

/// The code with comments and the contents of string literals blanked out, so that words
/// in them do not count as uses.
fn strip_comments_and_strings(code: &str) -> String {
    let mut out = String::with_capacity(code.len());
    let mut chars = code.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '/' if chars.peek() == Some(&'/') => {
                for c in chars.by_ref() {
                    if c == '\n' {
                        out.push('\n');
                        break;
                    }
                }
            }
            '"' => {
                out.push('"');
                while let Some(c) = chars.next() {
                    match c {
                        '\\' => {
                            chars.next();
                        }
                        '"' => break,
                        _ => {}
                    }
                }
                out.push('"');
            }
            c => out.push(c),
        }
    }
    out
}
