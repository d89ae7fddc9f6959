//! Adding the stubs of new methods to a user's impl blocks, and new interfaces to an
//! object's `#[implement(...)]` list, byte-for-byte preserving everything the user wrote:
//! the file is parsed with syn only to find where each impl block and list ends; the new
//! text is spliced in there. What cannot be spliced (a method or interface that went away,
//! a signature that changed) is reported by [`crate::project::review`].

use crate::emit::project::plan::{ObjectDecl, StubImpl};
use crate::project::review::{Notice, review};

#[derive(Debug, thiserror::Error)]
#[error("{path}:{line}:{column}: cannot parse this Rust file to add new method stubs: {message}")]
pub struct MergeError {
    pub path: String,
    pub line: usize,
    pub column: usize,
    pub message: String,
}

/// A user file brought in step with the interfaces.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Merged {
    /// The file with the additions spliced in.
    pub text: String,
    /// How many method stubs were added.
    pub stubs: usize,
    /// Interfaces added to `#[implement(...)]` lists.
    pub interfaces: Vec<String>,
    /// What the user has to do by hand.
    pub notices: Vec<Notice>,
}

/// The user's file with every missing stub and `#[implement(...)]` entry added, and what
/// needs the user's hand.
pub fn merge(path: &str, source: &str, impls: &[StubImpl], objects: &[ObjectDecl]) -> Result<Merged, MergeError> {
    let file = syn::parse_file(source).map_err(|e| {
        let start = e.span().start();
        MergeError {
            path: path.to_string(),
            line: start.line,
            column: start.column + 1,
            message: e.to_string(),
        }
    })?;
    // (byte offset of the closing brace, text to insert), applied back to front.
    let mut insertions: Vec<(usize, String)> = Vec::new();
    let mut appended = String::new();
    let mut added = 0;
    let mut blocks = Vec::new();
    impl_blocks(&file.items, &mut blocks);
    for spec in impls {
        let block = blocks.iter().copied().find(|i| impl_matches(i, spec));
        match block {
            Some(block) => {
                let present: Vec<String> = block
                    .items
                    .iter()
                    .filter_map(|it| match it {
                        syn::ImplItem::Fn(f) => Some(f.sig.ident.to_string()),
                        _ => None,
                    })
                    .collect();
                let missing: Vec<_> = spec.methods.iter().filter(|m| !present.contains(&m.name)).collect();
                if missing.is_empty() {
                    continue;
                }
                let close = block.brace_token.span.close().start();
                let offset = byte_offset(source, close.line, close.column);
                // A block inside a function (a test's object) is indented further.
                let indent = " ".repeat(close.column);
                let mut text = String::new();
                for stub in &missing {
                    text.push('\n');
                    for line in stub.text.lines() {
                        if !line.is_empty() {
                            text.push_str(&indent);
                        }
                        text.push_str(line);
                        text.push('\n');
                    }
                }
                added += missing.len();
                insertions.push((offset, text));
            }
            None => {
                // The whole block is gone (or never existed): add it at the end.
                appended.push('\n');
                appended.push_str(&format!("impl {} for {} {{\n", spec.trait_name, spec.self_type));
                for (i, stub) in spec.methods.iter().enumerate() {
                    if i > 0 {
                        appended.push('\n');
                    }
                    appended.push_str(&stub.text);
                }
                appended.push_str("}\n");
                added += spec.methods.len();
            }
        }
    }
    let mut interfaces = Vec::new();
    for object in objects {
        if let Some((offset, text, names)) = implement_additions(&file, source, object) {
            insertions.push((offset, text));
            interfaces.extend(names);
        }
    }
    let notices = review(path, &file, &blocks, impls, objects);
    let mut out = source.to_string();
    insertions.sort_by_key(|b| std::cmp::Reverse(b.0));
    for (offset, text) in insertions {
        // Keep the closing brace on its own line: insert at the start of its line when the
        // brace is alone there, right before it otherwise.
        let line_start = out[..offset].rfind('\n').map_or(0, |i| i + 1);
        if !text.starts_with('\n') {
            out.insert_str(offset, &text); // an `#[implement(...)]` entry
        } else if out[line_start..offset].trim().is_empty() {
            out.insert_str(line_start, text.strip_prefix('\n').unwrap_or(&text));
            if !out[..line_start].ends_with("\n\n") && line_start > 0 {
                out.insert(line_start, '\n');
            }
        } else {
            out.insert_str(offset, &text);
        }
    }
    if !appended.is_empty() {
        if !out.ends_with('\n') {
            out.push('\n');
        }
        out.push_str(&appended);
    }
    Ok(Merged {
        text: out,
        stubs: added,
        interfaces,
        notices,
    })
}

/// Where `#[implement(A, B)]` on `object`'s struct ends, the `, C` to insert there, and the
/// interfaces that adds.
fn implement_additions(file: &syn::File, source: &str, object: &ObjectDecl) -> Option<(usize, String, Vec<String>)> {
    let (listed, attr) = implement_list(file, &object.type_name)?;
    let missing: Vec<String> = object
        .implements
        .iter()
        .filter(|i| !listed.iter().any(|l| l == *i))
        .cloned()
        .collect();
    if missing.is_empty() {
        return None;
    }
    let syn::Meta::List(list) = &attr.meta else { return None };
    let close = list.delimiter.span().close().start();
    let offset = byte_offset(source, close.line, close.column);
    let text = missing.iter().map(|m| format!(", {m}")).collect::<String>();
    let text = if listed.is_empty() {
        text.trim_start_matches(", ").to_string()
    } else {
        text
    };
    Some((offset, text, missing))
}

/// The interfaces `#[implement(...)]` lists on the struct `type_name`, and the attribute.
pub(crate) fn implement_list<'f>(file: &'f syn::File, type_name: &str) -> Option<(Vec<String>, &'f syn::Attribute)> {
    file.items.iter().find_map(|item| match item {
        syn::Item::Struct(s) if s.ident == type_name => s.attrs.iter().find_map(|a| {
            let last = a.path().segments.last()?;
            if last.ident != "implement" {
                return None;
            }
            let entries = a
                .parse_args_with(syn::punctuated::Punctuated::<ImplementEntry, syn::Token![,]>::parse_terminated)
                .ok()?;
            let names = entries
                .iter()
                .filter_map(|e| match e {
                    ImplementEntry::Interface(p) => p.segments.last().map(|s| s.ident.to_string()),
                    ImplementEntry::Setting => None,
                })
                .collect();
            Some((names, a))
        }),
        _ => None,
    })
}

/// One entry of `#[implement(...)]`: an interface, or a setting such as `Agile = false`.
enum ImplementEntry {
    Interface(syn::Path),
    Setting,
}

impl syn::parse::Parse for ImplementEntry {
    fn parse(input: syn::parse::ParseStream) -> syn::Result<Self> {
        if input.peek(syn::Ident) && input.peek2(syn::Token![=]) {
            input.parse::<syn::Ident>()?;
            input.parse::<syn::Token![=]>()?;
            input.parse::<syn::Expr>()?;
            return Ok(ImplementEntry::Setting);
        }
        input.parse().map(ImplementEntry::Interface)
    }
}

/// Every impl block of the file: at the top level, in modules, and in function bodies
/// (where tests declare their objects).
pub(crate) fn impl_blocks<'f>(items: &'f [syn::Item], out: &mut Vec<&'f syn::ItemImpl>) {
    for item in items {
        impl_blocks_in(item, out);
    }
}

fn impl_blocks_in<'f>(item: &'f syn::Item, out: &mut Vec<&'f syn::ItemImpl>) {
    match item {
        syn::Item::Impl(block) => out.push(block),
        syn::Item::Mod(syn::ItemMod {
            content: Some((_, items)),
            ..
        }) => impl_blocks(items, out),
        syn::Item::Fn(f) => {
            for stmt in &f.block.stmts {
                if let syn::Stmt::Item(item) = stmt {
                    impl_blocks_in(item, out);
                }
            }
        }
        _ => {}
    }
}

/// The last path segments of an impl block's trait and self type (`IFoo_Impl`, `Foo_Impl`).
pub(crate) fn impl_list_name(block: &syn::ItemImpl) -> Option<(String, String)> {
    let (trait_path, _) = block.trait_.as_ref()?;
    let trait_name = trait_path.segments.last()?.ident.to_string();
    let syn::Type::Path(p) = block.self_ty.as_ref() else {
        return None;
    };
    Some((trait_name, p.path.segments.last()?.ident.to_string()))
}

pub(crate) fn impl_matches(block: &syn::ItemImpl, spec: &StubImpl) -> bool {
    let Some((trait_path, _)) = &block.trait_ else {
        return false;
    };
    let trait_ok = trait_path.segments.last().is_some_and(|s| s.ident == spec.trait_name);
    let self_ok = match block.self_ty.as_ref() {
        syn::Type::Path(p) => p.path.segments.last().is_some_and(|s| s.ident == spec.self_type),
        _ => false,
    };
    trait_ok && self_ok
}

/// Byte offset of a 1-based line and 0-based character column.
fn byte_offset(source: &str, line: usize, column: usize) -> usize {
    let line_start: usize = source
        .split_inclusive('\n')
        .take(line.saturating_sub(1))
        .map(str::len)
        .sum();
    let rest = &source[line_start..];
    line_start + rest.char_indices().nth(column).map_or(rest.len(), |(i, _)| i)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::emit::project::plan::StubMethod;

    fn stub(name: &str) -> StubMethod {
        StubMethod {
            name: name.into(),
            signature: format!("fn {name}(&self) -> Result<()>"),
            text: format!("    fn {name}(&self) -> Result<()> {{\n        Ok(())\n    }}\n"),
        }
    }

    fn spec() -> StubImpl {
        StubImpl {
            trait_name: "IFoo_Impl".into(),
            self_type: "Foo_Impl".into(),
            methods: vec![stub("A"), stub("B")],
        }
    }

    fn add_missing_stubs(path: &str, source: &str, impls: &[StubImpl]) -> Result<(String, usize), MergeError> {
        merge(path, source, impls, &[]).map(|m| (m.text, m.stubs))
    }

    #[test]
    fn interfaces_join_the_implement_list() {
        let user = "#[implement(IFoo)]\npub struct Foo;\n";
        let object = ObjectDecl {
            type_name: "Foo".into(),
            implements: vec!["IFoo".into(), "IBar".into()],
            impl_interfaces: vec!["IFoo".into(), "IBar".into()],
            generated_impls: Vec::new(),
        };
        let merged = merge("f.rs", user, &[], &[object]).unwrap();
        assert_eq!(merged.text, "#[implement(IFoo, IBar)]\npub struct Foo;\n");
        assert_eq!(merged.interfaces, ["IBar"]);
    }

    #[test]
    fn settings_in_the_implement_list_are_not_interfaces() {
        let user = "#[implement(IFoo, Agile = false)]\npub struct Foo;\n";
        let object = ObjectDecl {
            type_name: "Foo".into(),
            implements: vec!["IFoo".into(), "IBar".into()],
            impl_interfaces: vec!["IFoo".into(), "IBar".into()],
            generated_impls: Vec::new(),
        };
        let merged = merge("f.rs", user, &[], &[object]).unwrap();
        assert_eq!(
            merged.text,
            "#[implement(IFoo, Agile = false, IBar)]\npub struct Foo;\n"
        );
        assert_eq!(merged.interfaces, ["IBar"]);
    }

    #[test]
    fn adds_only_missing_methods_and_keeps_user_bytes() {
        let user = "// mine\nimpl IFoo_Impl for Foo_Impl {\n    fn A(&self) -> Result<()> {\n        do_it()   // custom\n    }\n}\n\nfn helper() {}\n";
        let (out, added) = add_missing_stubs("f.rs", user, &[spec()]).unwrap();
        assert_eq!(added, 1);
        assert!(out.starts_with("// mine\nimpl IFoo_Impl for Foo_Impl {\n    fn A(&self) -> Result<()> {\n        do_it()   // custom\n    }\n"));
        assert!(
            out.contains("    }\n\n    fn B(&self) -> Result<()> {\n        Ok(())\n    }\n}\n\nfn helper() {}\n"),
            "{out}"
        );
        // Idempotent: nothing more to add.
        let (again, added) = add_missing_stubs("f.rs", &out, &[spec()]).unwrap();
        assert_eq!((again.as_str(), added), (out.as_str(), 0));
    }

    #[test]
    fn blocks_inside_functions_get_stubs_at_their_indentation() {
        let user = "#[test]\nfn t() {\n    impl IFoo_Impl for Foo_Impl {\n        fn A(&self) -> Result<()> {\n            Ok(())\n        }\n    }\n}\n";
        let (out, added) = add_missing_stubs("t.rs", user, &[spec()]).unwrap();
        assert_eq!(added, 1);
        assert!(
            out.contains("        }\n\n        fn B(&self) -> Result<()> {\n            Ok(())\n        }\n    }\n}\n"),
            "{out}"
        );
    }

    #[test]
    fn a_missing_block_is_appended() {
        let (out, added) = add_missing_stubs("f.rs", "fn x() {}", &[spec()]).unwrap();
        assert_eq!(added, 2);
        assert!(
            out.starts_with("fn x() {}\n\nimpl IFoo_Impl for Foo_Impl {\n    fn A"),
            "{out}"
        );
    }

    #[test]
    fn unparsable_files_are_reported_with_position() {
        let err = add_missing_stubs("f.rs", "fn x( {", &[spec()]).unwrap_err();
        assert_eq!(err.path, "f.rs");
        assert!(err.to_string().starts_with("f.rs:1:"), "{err}");
    }
}
