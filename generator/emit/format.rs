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
