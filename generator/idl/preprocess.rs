//! The preprocessor stage between the lexer and the parser.
//!
//! `#pragma` lines pass through to the parser, which keeps them as items. Other
//! directives are reported with their position rather than misparsed.

use crate::diagnostic::Diagnostic;
use crate::idl::token::{Punct, Token, TokenKind};
use crate::source::SourceMap;

pub fn run(sources: &SourceMap, tokens: Vec<Token>) -> Result<Vec<Token>, Diagnostic> {
    let mut i = 0;
    while i < tokens.len() {
        let t = &tokens[i];
        if t.is_punct(Punct::Hash) && t.at_line_start() {
            let name = tokens
                .get(i + 1)
                .filter(|n| n.kind == TokenKind::Ident && !n.at_line_start());
            match name.map(|n| sources.text(n.span)) {
                Some("pragma") => {}
                Some(other) => {
                    let span = t.span.to(name.unwrap().span);
                    return Err(
                        Diagnostic::at(span, format!("unsupported preprocessor directive `#{other}`")).with_note(
                            "oscgen reads IDL without a C preprocessor pass here; remove the directive or expand it",
                        ),
                    );
                }
                None => {
                    return Err(Diagnostic::at(t.span, "expected a preprocessor directive after `#`"));
                }
            }
        }
        i += 1;
    }
    Ok(tokens)
}
