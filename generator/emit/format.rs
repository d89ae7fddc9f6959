//! Turning generated token streams into source text, deterministically (prettyplease).

use proc_macro2::TokenStream;

/// Formats a whole Rust file. `header` lines become `//!` comments at the top.
pub fn rust_file(header: &[&str], tokens: TokenStream) -> Result<String, syn::Error> {
    let file: syn::File = syn::parse2(tokens)?;
    let mut out = String::new();
    for line in header {
        if line.is_empty() {
            out.push_str("//!\n");
        } else {
            out.push_str("//! ");
            out.push_str(line);
            out.push('\n');
        }
    }
    out.push_str(&prettyplease::unparse(&file));
    Ok(out)
}

/// What keeps rustfmt out of a file oscgen owns: `cargo fmt` then changes nothing that
/// `oscgen generate --check` compares. Stable Rust accepts the attribute because `rustfmt`
/// is a cfg only rustfmt sets.
pub const RUSTFMT_SKIP: &str = "#![cfg_attr(rustfmt, rustfmt::skip)]";

/// `text` with [`RUSTFMT_SKIP`] after its leading `//!` lines (an inner attribute must come
/// before the first item), unless it has it already.
pub fn skip_rustfmt(text: &str) -> String {
    if text.contains(RUSTFMT_SKIP) {
        return text.to_string();
    }
    let header_end = text
        .split_inclusive('\n')
        .take_while(|line| line.starts_with("//!"))
        .map(str::len)
        .sum::<usize>();
    let (header, rest) = text.split_at(header_end);
    format!("{header}{RUSTFMT_SKIP}\n{rest}")
}
