//! The C preprocessor stage between the lexer and the parser, working on tokens.
//!
//! MIDL runs every IDL file through a C preprocessor, and real files depend on it:
//! include guards, `#ifdef __WIDL__`, macros that build whole dispinterfaces, `##` in
//! typedef names. This stage does what those files need, the way widl's wpp does it:
//! object-like and function-like macros (`#`, `##`, variadic), conditionals with full
//! constant expressions, `#include` through the include directories, `#line`, `#error`.
//! `#pragma` lines pass through for the parser, which keeps them as items.
//!
//! Tokens keep spans into the text they are spelled in. A token from a macro body also
//! records the expansion that produced it ([`Span::expansion`]), so an error found later
//! points at the macro's use in the file the user wrote. Text that `##` and `#` make is
//! added to the source map's synthetic file, so every token has a span.
//!
//! Each file is preprocessed on its own, from the predefined macros (widl does the same
//! for every import). `directives` carries out directive lines, `macros` defines and
//! expands macros, `expr` evaluates `#if` conditions; this file drives them over the
//! token stream.

mod directives;
mod expr;
mod macros;

#[cfg(test)]
mod tests;

use std::collections::HashSet;
use std::rc::Rc;

use crate::diagnostic::Diagnostic;
use crate::hash::NameMap;
use crate::idl::lexer;
use crate::idl::token::{LINE_START, Punct, Token, TokenKind};
use crate::source::{FileId, Origin, SourceMap, Span};

pub use macros::Macro;

/// `#include` nesting deeper than this is reported, not followed.
pub const MAX_INCLUDE_DEPTH: usize = 200;
/// Macro expansions nested deeper than this are reported; C's rule that a macro is not
/// expanded inside itself already ends recursion, so only pathological input gets here
/// (real files nest a few levels). Arguments are expanded recursively, so this also
/// bounds the stack.
pub const MAX_EXPANSION_DEPTH: usize = 200;

/// The macros every file starts with, and why each is there.
///
/// - `__midl` = 501: MIDL's version macro; SDK files test `#if (__midl >= 500)`.
/// - `__WIDL__`: widl's; Wine and mingw-w64 files test `#ifdef __WIDL__` to keep widl-only
///   attributes (`threading`, `progid`) and `#pragma winrt`, and mingw-w64's C headers
///   (`basetsd.h`, `guiddef.h`) switch to their IDL-readable form on it.
/// - `_WIN32`, `_WIN64`: the target, as MIDL defines them for x64; oscgen describes the
///   x64 ABI.
pub const PREDEFINED: &[(&str, &str)] = &[("__midl", "501"), ("__WIDL__", "1"), ("_WIN32", "1"), ("_WIN64", "1")];

/// Finds, reads and lexes the file an `#include` names.
pub trait Includes {
    /// The included file (added to `sources`) and its tokens. `angled` is `<name>`
    /// (include directories only) rather than `"name"` (the including file's directory
    /// first). A file included again may come back with the same id and tokens.
    fn include(
        &mut self,
        sources: &mut SourceMap,
        name: &str,
        angled: bool,
        from: FileId,
        at: Span,
    ) -> Result<(FileId, Rc<Vec<Token>>), Diagnostic>;
}

/// Macro definitions by name. Definitions are shared, so each file's copy of the
/// predefined set is cheap.
pub(crate) type MacroTable = NameMap<Box<str>, Rc<Macro>>;

/// The preprocessor for one load: the macros every file starts with (predefined, then
/// `-D`, minus `-U`). Each file is preprocessed on its own from that state, as widl does
/// for every import.
pub struct Preprocessor {
    initial: MacroTable,
}

impl Preprocessor {
    /// Builds the starting macro set. `defines` are `NAME` or `NAME=VALUE` (`-D`), applied
    /// after the predefined macros; `undefines` (`-U`) are applied last.
    pub fn new(sources: &mut SourceMap, defines: &[String], undefines: &[String]) -> Result<Preprocessor, Diagnostic> {
        let mut text = String::new();
        for (name, value) in PREDEFINED {
            text.push_str(&format!("#define {name} {value}\n"));
        }
        for d in defines {
            let (name, value) = d.split_once('=').unwrap_or((d.as_str(), "1"));
            text.push_str(&format!("#define {name} {value}\n"));
        }
        for u in undefines {
            text.push_str(&format!("#undef {u}\n"));
        }
        let id = sources.add("<command line>".into(), Origin::Builtin, text);
        let tokens = lexer::lex(id, &sources.file(id).text)?;
        let mut pp = Preprocessor {
            initial: MacroTable::default(),
        };
        let mut none = NoIncludes;
        let mut run = Run::new(&pp, sources, &mut none);
        run.push_file(id, Rc::new(tokens), None)?;
        run.drain()?;
        pp.initial = run.macros;
        Ok(pp)
    }

    /// Preprocesses the tokens of one file (already lexed, its id in `sources`).
    pub fn run(
        &self,
        sources: &mut SourceMap,
        file: FileId,
        tokens: Vec<Token>,
        includes: &mut dyn Includes,
    ) -> Result<Vec<Token>, Diagnostic> {
        let mut run = Run::new(self, sources, includes);
        run.out.reserve(tokens.len());
        run.push_file(file, Rc::new(tokens), None)?;
        run.drain()?;
        Ok(run.out)
    }

    /// Whether a macro is in the starting set (predefined or `-D`, not `-U`).
    pub fn is_defined(&self, name: &str) -> bool {
        self.initial.contains_key(name)
    }
}

/// An include resolver for text that must not include anything (the command line).
struct NoIncludes;

impl Includes for NoIncludes {
    fn include(
        &mut self,
        _: &mut SourceMap,
        name: &str,
        _: bool,
        _: FileId,
        at: Span,
    ) -> Result<(FileId, Rc<Vec<Token>>), Diagnostic> {
        Err(Diagnostic::at(at, format!("cannot include `{name}` here")))
    }
}

/// One open `#if` group of a file.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Cond {
    /// The directive that opened the group, for "unterminated `#if`".
    pub(crate) start: Span,
    /// A branch of this group has been taken; later `#elif`/`#else` branches are skipped.
    pub(crate) taken: bool,
    pub(crate) seen_else: bool,
}

/// A file being read: its tokens, where we are, and its open `#if` groups.
pub(crate) struct FileFrame {
    pub(crate) id: FileId,
    pub(crate) tokens: Rc<Vec<Token>>,
    pub(crate) pos: usize,
    pub(crate) conds: Vec<Cond>,
}

/// Tokens being rescanned: a macro's substituted body, or a list expanded on its own.
pub(crate) struct Context {
    pub(crate) tokens: Vec<Token>,
    pub(crate) pos: usize,
    /// The macro whose body this is; it is not expanded again until the body is read.
    pub(crate) active: Option<Rc<Macro>>,
}

/// The state of preprocessing one file and everything it includes.
pub(crate) struct Run<'a> {
    pub(crate) sources: &'a mut SourceMap,
    pub(crate) includes: &'a mut dyn Includes,
    pub(crate) macros: MacroTable,
    pub(crate) files: Vec<FileFrame>,
    pub(crate) contexts: Vec<Context>,
    /// Contexts at or below this depth belong to an enclosing list expansion, which
    /// must not read past its own tokens (macro arguments, `#if` lines).
    pub(crate) floor: usize,
    pub(crate) out: Vec<Token>,
    /// Files that said `#pragma once`.
    pub(crate) once: HashSet<FileId>,
    /// Synthetic `0` and `1` for `defined` in `#if`, made on first use.
    pub(crate) bools: Option<[Token; 2]>,
}

impl<'a> Run<'a> {
    fn new(pp: &Preprocessor, sources: &'a mut SourceMap, includes: &'a mut dyn Includes) -> Run<'a> {
        Run {
            sources,
            includes,
            macros: pp.initial.clone(),
            files: Vec::new(),
            contexts: Vec::new(),
            floor: 0,
            out: Vec::new(),
            once: HashSet::new(),
            bools: None,
        }
    }

    pub(crate) fn push_file(&mut self, id: FileId, tokens: Rc<Vec<Token>>, at: Option<Span>) -> Result<(), Diagnostic> {
        if self.files.len() >= MAX_INCLUDE_DEPTH {
            let at = at.expect("only includes nest");
            return Err(
                Diagnostic::at(at, format!("`#include` nested more than {MAX_INCLUDE_DEPTH} deep"))
                    .with_note("does a file include itself without an include guard?"),
            );
        }
        self.files.push(FileFrame {
            id,
            tokens,
            pos: 0,
            conds: Vec::new(),
        });
        Ok(())
    }

    /// Reads the whole input, expanding macros, into `out`.
    fn drain(&mut self) -> Result<(), Diagnostic> {
        while let Some(mut tok) = self.next()? {
            if tok.kind == TokenKind::Ident && self.expand(&mut tok)? {
                continue;
            }
            if tok.kind == TokenKind::Invalid {
                return Err(lexer::invalid_token(tok.span, self.text(&tok)));
            }
            self.out.push(tok);
        }
        Ok(())
    }

    /// The next token to scan: from the innermost macro context, else from the file,
    /// where directives are carried out as they come. `None` at the end of the input, or
    /// at the end of the list being expanded on its own.
    pub(crate) fn next(&mut self) -> Result<Option<Token>, Diagnostic> {
        loop {
            let depth = self.contexts.len();
            if depth > 0 {
                let top = &mut self.contexts[depth - 1];
                if let Some(&tok) = top.tokens.get(top.pos) {
                    top.pos += 1;
                    return Ok(Some(tok));
                }
                if depth == self.floor {
                    return Ok(None);
                }
                self.contexts.pop();
                continue;
            }
            let Some(frame) = self.files.last_mut() else {
                return Ok(None);
            };
            let Some(&tok) = frame.tokens.get(frame.pos) else {
                if let Some(cond) = frame.conds.last() {
                    return Err(Diagnostic::at(cond.start, "unterminated conditional directive")
                        .with_label(cond.start, "this group has no `#endif`")
                        .with_note("expected `#endif` before the end of the file"));
                }
                self.files.pop();
                continue;
            };
            if tok.is_punct(Punct::Hash) && tok.flags & LINE_START != 0 {
                self.directive()?;
                continue;
            }
            frame.pos += 1;
            return Ok(Some(tok));
        }
    }

    /// Whether the next token to scan is `(`, without reading it (for function-like macros).
    pub(crate) fn next_is_lparen(&self) -> bool {
        for ctx in self.contexts[self.floor.saturating_sub(1)..].iter().rev() {
            if let Some(tok) = ctx.tokens.get(ctx.pos) {
                return tok.is_punct(Punct::LParen);
            }
        }
        if self.floor > 0 {
            return false;
        }
        self.files
            .last()
            .and_then(|f| f.tokens.get(f.pos))
            .is_some_and(|t| t.is_punct(Punct::LParen))
    }

    /// Expands `tokens` on their own (a macro argument, an `#if` line), with the macros
    /// being expanded around them still disabled.
    pub(crate) fn expand_list(&mut self, tokens: Vec<Token>) -> Result<Vec<Token>, Diagnostic> {
        let saved = self.floor;
        self.contexts.push(Context {
            tokens,
            pos: 0,
            active: None,
        });
        self.floor = self.contexts.len();
        let mut out = Vec::new();
        let result = loop {
            match self.next() {
                Ok(Some(mut tok)) => match tok.kind {
                    TokenKind::Ident => match self.expand(&mut tok) {
                        Ok(true) => {}
                        Ok(false) => out.push(tok),
                        Err(e) => break Err(e),
                    },
                    _ => out.push(tok),
                },
                Ok(None) => break Ok(()),
                Err(e) => break Err(e),
            }
        };
        self.contexts.truncate(self.floor - 1);
        self.floor = saved;
        result.map(|()| out)
    }

    pub(crate) fn text(&self, tok: &Token) -> &str {
        self.sources.text(tok.span)
    }

    /// The frame of the file being read.
    pub(crate) fn frame(&mut self) -> &mut FileFrame {
        self.files.last_mut().expect("a file is open")
    }
}
