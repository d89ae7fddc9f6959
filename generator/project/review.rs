//! What regeneration cannot do for the user, said with the place in their file: a method
//! that left its interface, a signature that changed, an interface the object no longer
//! implements. oscgen never deletes or rewrites the user's code; it says what to change.

use std::fmt;

use quote::ToTokens;
use syn::spanned::Spanned;

use crate::emit::project::plan::{ObjectDecl, StubImpl, StubMethod};
use crate::project::merge::{impl_list_name, impl_matches, implement_list};

/// One thing in a user file that no longer matches the interfaces.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Notice {
    pub path: String,
    pub line: usize,
    pub message: String,
    /// What went away, so that its uses elsewhere in the user's files are reported too.
    pub removed: Option<Removed>,
}

/// A method that left its interface, or an interface an object no longer implements.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Removed {
    Method { interface: String, method: String },
    Interface(String),
}

impl fmt::Display for Notice {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}: {}", self.path, self.line, self.message)
    }
}

/// Every notice for the user's file `path`, parsed as `file`, whose impl blocks are `blocks`.
pub fn review(
    path: &str,
    file: &syn::File,
    blocks: &[&syn::ItemImpl],
    impls: &[StubImpl],
    objects: &[ObjectDecl],
) -> Vec<Notice> {
    let mut notices = Vec::new();
    let mut note = |span: proc_macro2::Span, message: String, removed: Option<Removed>| {
        notices.push(Notice {
            path: path.to_string(),
            line: span.start().line,
            message,
            removed,
        });
    };
    for block in blocks {
        if let Some(spec) = impls.iter().find(|s| impl_matches(block, s)) {
            for item in &block.items {
                let syn::ImplItem::Fn(f) = item else { continue };
                let name = f.sig.ident.to_string();
                match spec.methods.iter().find(|m| m.name == name) {
                    None => {
                        let interface = spec.trait_name.trim_end_matches("_Impl").to_string();
                        let message = format!(
                            "`{name}` is no longer a method of {interface}: delete it (lines {}-{}); the project does not build while it is there",
                            f.span().start().line,
                            f.span().end().line,
                        );
                        let removed = Removed::Method {
                            interface,
                            method: name.clone(),
                        };
                        note(f.sig.ident.span(), message, Some(removed));
                    }
                    Some(stub) => {
                        if let Some(message) = compare(&f.sig, stub, &spec.trait_name) {
                            note(f.sig.ident.span(), message, None);
                        }
                    }
                }
            }
            continue;
        }
        // A block for one of the file's objects whose interface the object dropped.
        let Some((trait_name, self_name)) = impl_list_name(block) else {
            continue;
        };
        let Some(object) = objects.iter().find(|o| format!("{}_Impl", o.type_name) == self_name) else {
            continue;
        };
        let interface = trait_name.trim_end_matches("_Impl");
        if trait_name.ends_with("_Impl") && object.generated_impls.iter().any(|i| i == interface) {
            // Reported, not deleted: the block may hold the user's own implementation,
            // and oscgen never removes the user's code.
            note(
                block.span(),
                format!(
                    "oscgen now implements {interface} for {} (src/generated/idispatch.rs, from the type library): delete this impl block (lines {}-{}); the project does not build while it is there",
                    object.type_name,
                    block.span().start().line,
                    block.span().end().line,
                ),
                None,
            );
        } else if trait_name.ends_with("_Impl") && !object.impl_interfaces.iter().any(|i| i == interface) {
            note(
                block.span(),
                format!(
                    "{} no longer implements {interface}: delete this impl block (lines {}-{}); the project does not build while it is there",
                    object.type_name,
                    block.span().start().line,
                    block.span().end().line,
                ),
                Some(Removed::Interface(interface.to_string())),
            );
        }
    }
    for object in objects {
        let Some((listed, attr)) = implement_list(file, &object.type_name) else {
            continue;
        };
        for name in listed.iter().filter(|l| !object.implements.contains(l)) {
            note(
                attr.span(),
                format!(
                    "{} no longer implements {name}: take `{name}` out of `#[implement(...)]`",
                    object.type_name
                ),
                None,
            );
        }
    }
    notices
}

/// Uses in a user file (the generated tests, the user's own code) of what went away: calls
/// of a method that left its interface, paths naming an interface no longer implemented.
pub fn stale_uses(path: &str, file: &syn::File, removed: &[Removed]) -> Vec<Notice> {
    struct Uses<'r> {
        removed: &'r [Removed],
        found: Vec<(usize, String)>,
    }
    impl<'ast> syn::visit::Visit<'ast> for Uses<'_> {
        fn visit_expr_method_call(&mut self, call: &'ast syn::ExprMethodCall) {
            for r in self.removed {
                if let Removed::Method { interface, method } = r
                    && call.method == method
                {
                    let message = format!(
                        "calls `{method}`, which {interface} no longer has: delete this call and what uses its result"
                    );
                    self.found.push((call.method.span().start().line, message));
                }
            }
            syn::visit::visit_expr_method_call(self, call);
        }

        fn visit_path(&mut self, p: &'ast syn::Path) {
            if let Some(last) = p.segments.last() {
                for r in self.removed {
                    if let Removed::Interface(name) = r
                        && (last.ident == name || last.ident == format!("{name}_Impl"))
                    {
                        let message = format!("names {name}, which the object no longer implements: delete this");
                        self.found.push((last.ident.span().start().line, message));
                    }
                }
            }
            syn::visit::visit_path(self, p);
        }

        fn visit_use_tree(&mut self, tree: &'ast syn::UseTree) {
            if let syn::UseTree::Name(n) = tree {
                for r in self.removed {
                    if let Removed::Interface(name) = r
                        && n.ident == name
                    {
                        let message = format!("imports {name}, which the object no longer implements: delete it");
                        self.found.push((n.ident.span().start().line, message));
                    }
                }
            }
            syn::visit::visit_use_tree(self, tree);
        }
    }
    let mut uses = Uses {
        removed,
        found: Vec::new(),
    };
    syn::visit::Visit::visit_file(&mut uses, file);
    uses.found
        .into_iter()
        .map(|(line, message)| Notice {
            path: path.to_string(),
            line,
            message,
            removed: None,
        })
        .collect()
}

/// What differs between the user's signature and the interface's, if anything matters:
/// parameter and result types (the project does not build until they match), or parameter
/// names (it builds; the names say what the interface means now).
fn compare(user: &syn::Signature, stub: &StubMethod, trait_name: &str) -> Option<String> {
    let expected: syn::Signature = syn::parse_str(&stub.signature).ok()?;
    let (user_params, user_ret) = shape(user);
    let (params, ret) = shape(&expected);
    let interface = trait_name.trim_end_matches("_Impl");
    let types = |p: &[(String, String)]| p.iter().map(|(_, t)| t.clone()).collect::<Vec<_>>();
    if types(&user_params) != types(&params) || user_ret != ret {
        return Some(format!(
            "`{}` no longer matches {interface}; it is now `{}`: change it (the project does not build until it matches)",
            user.ident, stub.signature
        ));
    }
    let names = |p: &[(String, String)]| {
        p.iter()
            .map(|(n, _)| n.trim_start_matches('_').to_string())
            .collect::<Vec<_>>()
    };
    (names(&user_params) != names(&params)).then(|| {
        format!(
            "`{}`: {interface} names its parameters differently now: `{}`",
            user.ident, stub.signature
        )
    })
}

/// Parameters as (name, type) and the result type, with paths shortened to their last
/// segment and lifetimes left out: `windows_core::Result<BSTR>` and `Result<BSTR>` are the
/// same type to the user's crate, `Ref<'_, IFoo>` and `Ref<IFoo>` too.
fn shape(sig: &syn::Signature) -> (Vec<(String, String)>, String) {
    let params = sig
        .inputs
        .iter()
        .filter_map(|arg| match arg {
            syn::FnArg::Typed(t) => Some((t.pat.to_token_stream().to_string(), type_key(&t.ty))),
            syn::FnArg::Receiver(_) => None,
        })
        .collect();
    let ret = match &sig.output {
        syn::ReturnType::Default => String::new(),
        syn::ReturnType::Type(_, ty) => type_key(ty),
    };
    (params, ret)
}

fn type_key(ty: &syn::Type) -> String {
    let mut out = Vec::new();
    let tokens: Vec<proc_macro2::TokenTree> = ty.to_token_stream().into_iter().collect();
    flatten(&tokens, &mut out);
    // `a :: b :: C` is `C`; `'_ ,` and `'a` are dropped.
    let mut kept: Vec<String> = Vec::new();
    let mut i = 0;
    while i < out.len() {
        if out[i] == "'" {
            i += 2; // the lifetime's name
            if out.get(i).is_some_and(|t| t == ",") {
                i += 1;
            }
            continue;
        }
        if out.get(i + 1).is_some_and(|t| t == "::") {
            i += 2;
            continue;
        }
        kept.push(out[i].clone());
        i += 1;
    }
    kept.join(" ")
}

fn flatten(tokens: &[proc_macro2::TokenTree], out: &mut Vec<String>) {
    let mut i = 0;
    while i < tokens.len() {
        match &tokens[i] {
            proc_macro2::TokenTree::Group(g) => {
                let (open, close) = match g.delimiter() {
                    proc_macro2::Delimiter::Parenthesis => ("(", ")"),
                    proc_macro2::Delimiter::Bracket => ("[", "]"),
                    proc_macro2::Delimiter::Brace => ("{", "}"),
                    proc_macro2::Delimiter::None => ("", ""),
                };
                out.push(open.to_string());
                let inner: Vec<_> = g.stream().into_iter().collect();
                flatten(&inner, out);
                out.push(close.to_string());
            }
            proc_macro2::TokenTree::Punct(p) if p.as_char() == ':' && p.spacing() == proc_macro2::Spacing::Joint => {
                out.push("::".to_string());
                i += 1; // the second colon
            }
            other => out.push(other.to_string()),
        }
        i += 1;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn stub(signature: &str) -> StubMethod {
        let name = signature[3..signature.find('(').unwrap()].to_string();
        StubMethod {
            name,
            signature: signature.into(),
            text: String::new(),
        }
    }

    fn sig(text: &str) -> syn::Signature {
        syn::parse_str(text).unwrap()
    }

    #[test]
    fn same_types_spelled_differently_are_the_same() {
        let s = stub("fn Get(&self, item: Ref<'_, IFoo>) -> Result<BSTR>");
        assert_eq!(
            compare(
                &sig("fn Get(&self, _item: Ref<IFoo>) -> windows_core::Result<BSTR>"),
                &s,
                "IFoo_Impl"
            ),
            None
        );
    }

    #[test]
    fn retyped_and_renamed_parameters_are_reported() {
        let s = stub("fn Get(&self, index: u32) -> Result<BSTR>");
        let retyped = compare(&sig("fn Get(&self, index: i32) -> Result<BSTR>"), &s, "IFoo_Impl").unwrap();
        assert!(retyped.contains("no longer matches IFoo"), "{retyped}");
        assert!(
            retyped.contains("fn Get(&self, index: u32) -> Result<BSTR>"),
            "{retyped}"
        );
        let renamed = compare(&sig("fn Get(&self, position: u32) -> Result<BSTR>"), &s, "IFoo_Impl").unwrap();
        assert!(renamed.contains("names its parameters differently"), "{renamed}");
    }
}
