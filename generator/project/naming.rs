//! A project's names: the display name a user gives (`Contoso Social`, `ContosoSocial`,
//! `Café Réseau`) and the Cargo crate name derived from it (`contoso-social`,
//! `cafe-reseau`), which names the DLL too.

/// Names Cargo refuses for a package, or that shadow a crate every build links.
const RESERVED: &[&str] = &[
    "alloc",
    "core",
    "proc-macro",
    "proc_macro",
    "std",
    "test", // Rust's own crates
    "con",
    "prn",
    "aux",
    "nul",
    "com1",
    "com2",
    "com3",
    "com4",
    "lpt1",
    "lpt2",
    "lpt3", // Windows devices
];

/// Rust keywords, which Cargo refuses as package names.
const KEYWORDS: &[&str] = &[
    "abstract", "as", "async", "await", "become", "box", "break", "const", "continue", "crate", "do", "dyn", "else",
    "enum", "extern", "false", "final", "fn", "for", "gen", "if", "impl", "in", "let", "loop", "macro", "match", "mod",
    "move", "mut", "override", "priv", "pub", "ref", "return", "self", "static", "struct", "super", "trait", "true",
    "try", "type", "typeof", "unsafe", "unsized", "use", "virtual", "where", "while", "yield",
];

/// The longest crate name oscgen derives (crates.io allows 64).
const MAX_LEN: usize = 64;

#[derive(Debug, PartialEq, Eq, thiserror::Error)]
pub enum NameError {
    #[error("`{0}` has no letters to make a crate name from (pass --name with letters in it)")]
    Empty(String),
    #[error(
        "`{name}` gives the crate name `{derived}`, which Cargo does not accept (a Rust keyword or a reserved name); pass another --name"
    )]
    Reserved { name: String, derived: String },
}

/// The crate name for a display name: ASCII (accents and other scripts transliterated),
/// lowercase, words joined by `-` or the `_` already there (a word ends at punctuation, space, or a lowercase-to-
/// uppercase step: `ContosoSocial` is `contoso-social`, `HTTPServer` is `http-server`),
/// starting with a letter.
pub fn crate_name(display: &str) -> Result<String, NameError> {
    let ascii = deunicode::deunicode(display);
    let chars: Vec<char> = ascii.chars().collect();
    let mut out = String::new();
    for (i, &c) in chars.iter().enumerate() {
        if c == '_' && !out.is_empty() && !out.ends_with(['-', '_']) {
            out.push('_'); // kept: `my_provider` stays the name it already is
            continue;
        }
        if !c.is_ascii_alphanumeric() {
            if !out.is_empty() && !out.ends_with(['-', '_']) {
                out.push('-');
            }
            continue;
        }
        if out.is_empty() && !c.is_ascii_alphabetic() {
            continue; // a crate name starts with a letter
        }
        let prev = i.checked_sub(1).map(|p| chars[p]);
        let next = chars.get(i + 1);
        let step = c.is_ascii_uppercase()
            && prev.is_some_and(|p| {
                p.is_ascii_lowercase()
                    || p.is_ascii_digit()
                    || (p.is_ascii_uppercase() && next.is_some_and(|n| n.is_ascii_lowercase()))
            });
        if step && !out.is_empty() && !out.ends_with(['-', '_']) {
            out.push('-');
        }
        out.push(c.to_ascii_lowercase());
    }
    out.truncate(MAX_LEN);
    let out = out.trim_end_matches(['-', '_']).to_string();
    if out.is_empty() {
        return Err(NameError::Empty(display.to_string()));
    }
    if RESERVED.contains(&out.as_str()) || KEYWORDS.contains(&out.as_str()) {
        return Err(NameError::Reserved {
            name: display.to_string(),
            derived: out,
        });
    }
    Ok(out)
}

/// Whether `name` is a crate name as [`crate_name`] makes them (what oscgen.toml holds).
pub fn is_crate_name(name: &str) -> bool {
    crate_name(name).is_ok_and(|derived| derived == name)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn display_names_become_lowercase_crate_names() {
        for (display, expected) in [
            ("my-provider", "my-provider"),
            ("ContosoSocial", "contoso-social"),
            ("Contoso Social", "contoso-social"),
            ("HTTPServer", "http-server"),
            ("Café Réseau!", "cafe-reseau"),
            ("  spaced  out  ", "spaced-out"),
            ("3D Viewer", "d-viewer"),
            ("Outlook2016 Add-in", "outlook2016-add-in"),
            ("snake_case_name", "snake_case_name"),
            ("My_Provider", "my_provider"),
            ("Ünïcödé", "unicode"),
            ("Σοφία", "sophia"),
        ] {
            assert_eq!(crate_name(display).as_deref(), Ok(expected), "{display}");
        }
    }

    #[test]
    fn names_without_letters_or_reserved_ones_are_refused() {
        assert_eq!(crate_name("!!!"), Err(NameError::Empty("!!!".into())));
        assert_eq!(crate_name("2024"), Err(NameError::Empty("2024".into())));
        assert!(matches!(crate_name("Test"), Err(NameError::Reserved { .. })));
        assert!(matches!(crate_name("Async"), Err(NameError::Reserved { .. })));
        assert!(matches!(crate_name("CON"), Err(NameError::Reserved { .. })));
    }

    #[test]
    fn derived_names_are_crate_names() {
        assert!(is_crate_name("contoso-social"));
        assert!(!is_crate_name("ContosoSocial"));
        assert!(!is_crate_name("contoso social"));
        assert_eq!(crate_name(&"a".repeat(100)).unwrap().len(), MAX_LEN);
    }
}
