//! Directive lines: `#define`, `#undef`, `#include`, the conditionals, `#line`, `#error`,
//! `#pragma`, and skipping the groups a false condition leaves out.

use crate::diagnostic::{Diagnostic, closest};
use crate::idl::parser::unquote;
use crate::idl::preprocess::{Cond, Run};
use crate::idl::token::{LINE_START, Punct, Token, TokenKind};
use crate::source::Span;

/// Directive names, for "did you mean" on a misspelt one.
const DIRECTIVES: &[&str] = &[
    "define", "undef", "include", "if", "ifdef", "ifndef", "elif", "else", "endif", "line", "error", "pragma",
    "warning",
];

/// Where skipping a group stopped.
enum GroupEnd {
    Elif(Span, Vec<Token>),
    Else(Span),
    Endif,
}

impl Run<'_> {
    /// Takes the directive line at the current position (its `#` first): the `#`, and
    /// the tokens after it up to the end of the line.
    fn take_line(&mut self) -> (Token, Vec<Token>) {
        let frame = self.frame();
        let hash = frame.tokens[frame.pos];
        let mut end = frame.pos + 1;
        while frame.tokens.get(end).is_some_and(|t| t.flags & LINE_START == 0) {
            end += 1;
        }
        let line = frame.tokens[frame.pos + 1..end].to_vec();
        frame.pos = end;
        (hash, line)
    }

    /// Carries out the directive at the current position.
    pub(crate) fn directive(&mut self) -> Result<(), Diagnostic> {
        let (hash, line) = self.take_line();
        let Some(first) = line.first() else {
            return Ok(()); // the null directive, a `#` alone
        };
        let at = hash.span.to(first.span);
        if first.kind == TokenKind::Number {
            // GNU line marker: `# 12 "file.idl" 1`.
            return self.line_directive(at, &line);
        }
        if first.kind != TokenKind::Ident {
            return Err(Diagnostic::at(at, "expected a preprocessor directive after `#`"));
        }
        let rest = &line[1..];
        match self.text(first) {
            "define" => self.define(at, rest),
            "undef" => {
                let Some(name) = rest.first().filter(|t| t.kind == TokenKind::Ident) else {
                    return Err(Diagnostic::at(at, "expected a macro name after `#undef`"));
                };
                let name = self.sources.text(name.span);
                self.macros.remove(name);
                Ok(())
            }
            "include" | "include_next" => self.include(at, rest),
            "if" => {
                let value = self.condition(at, rest.to_vec())?;
                self.open_group(at, value)
            }
            "ifdef" | "ifndef" => {
                let Some(name) = rest.first().filter(|t| t.kind == TokenKind::Ident) else {
                    return Err(Diagnostic::at(
                        at,
                        format!("expected a macro name after `#{}`", self.text(first)),
                    ));
                };
                let defined = self.is_macro(name);
                let value = defined == (self.text(first) == "ifdef");
                self.open_group(at, value)
            }
            "elif" | "else" => {
                // The group's taken branch ends here; the rest of the group is skipped.
                self.check_branch(at, self.text(first) == "else")?;
                self.skip_rest_of_group()
            }
            "endif" => {
                if self.frame().conds.pop().is_none() {
                    return Err(Diagnostic::at(at, "`#endif` without `#if`"));
                }
                Ok(())
            }
            "pragma" => {
                let once = rest.len() == 1 && self.text(&rest[0]) == "once";
                if once {
                    let id = self.frame().id;
                    self.once.insert(id);
                } else {
                    self.out.push(hash);
                    self.out.extend_from_slice(&line);
                }
                Ok(())
            }
            "line" => self.line_directive(at, rest),
            "error" => {
                let message = match (rest.first(), rest.last()) {
                    (Some(a), Some(b)) if a.span.file == b.span.file => {
                        self.sources.file(a.span.file).text[a.span.start as usize..b.span.end as usize].to_string()
                    }
                    _ => String::new(),
                };
                let whole = line.last().map_or(at, |l| hash.span.to(l.span));
                Err(
                    Diagnostic::at(whole, format!("#error {message}").trim_end().to_string())
                        .with_label(whole, "`#error` directive"),
                )
            }
            // Directives that change nothing oscgen reads.
            "warning" | "ident" | "sccs" | "assert" | "unassert" => Ok(()),
            other => {
                let mut d = Diagnostic::at(at, format!("unknown preprocessor directive `#{other}`"));
                if let Some(s) = closest(other, DIRECTIVES.iter().copied()) {
                    d = d.with_note(format!("did you mean `#{s}`?"));
                }
                Err(d)
            }
        }
    }

    pub(crate) fn is_macro(&self, name: &Token) -> bool {
        let text = self.sources.text(name.span);
        self.macros.contains_key(text) || matches!(text, "__LINE__" | "__FILE__")
    }

    fn open_group(&mut self, at: Span, value: bool) -> Result<(), Diagnostic> {
        self.frame().conds.push(Cond {
            start: at,
            taken: value,
            seen_else: false,
        });
        if value { Ok(()) } else { self.skip_untaken() }
    }

    /// Checks an `#elif`/`#else` against the open group, and records an `#else`.
    fn check_branch(&mut self, at: Span, is_else: bool) -> Result<(), Diagnostic> {
        let what = if is_else { "#else" } else { "#elif" };
        let Some(cond) = self.frame().conds.last_mut() else {
            return Err(Diagnostic::at(at, format!("`{what}` without `#if`")));
        };
        if cond.seen_else {
            return Err(
                Diagnostic::at(at, format!("`{what}` after `#else`")).with_secondary(cond.start, "in this group")
            );
        }
        cond.seen_else = is_else;
        Ok(())
    }

    /// After a false condition: skips branches until one is taken or the group ends.
    fn skip_untaken(&mut self) -> Result<(), Diagnostic> {
        loop {
            match self.skip_group()? {
                GroupEnd::Endif => {
                    self.frame().conds.pop();
                    return Ok(());
                }
                GroupEnd::Else(at) => {
                    self.check_branch(at, true)?;
                    self.frame().conds.last_mut().expect("open group").taken = true;
                    return Ok(());
                }
                GroupEnd::Elif(at, line) => {
                    self.check_branch(at, false)?;
                    if self.condition(at, line)? {
                        self.frame().conds.last_mut().expect("open group").taken = true;
                        return Ok(());
                    }
                }
            }
        }
    }

    /// After a taken branch: skips every remaining branch of the group.
    fn skip_rest_of_group(&mut self) -> Result<(), Diagnostic> {
        loop {
            match self.skip_group()? {
                GroupEnd::Endif => {
                    self.frame().conds.pop();
                    return Ok(());
                }
                GroupEnd::Else(at) => self.check_branch(at, true)?,
                GroupEnd::Elif(at, _) => self.check_branch(at, false)?,
            }
        }
    }

    /// Skips tokens to this group's next `#elif`, `#else` or `#endif`, over nested
    /// groups, and consumes that directive's line. Only directive names are looked at:
    /// skipped text need not be valid.
    fn skip_group(&mut self) -> Result<GroupEnd, Diagnostic> {
        let start = self.frame().conds.last().map(|c| c.start);
        let mut depth = 0usize;
        loop {
            let frame = self.frame();
            let Some(tok) = frame.tokens.get(frame.pos) else {
                let at = start.expect("skipping inside a group");
                return Err(Diagnostic::at(at, "unterminated conditional directive")
                    .with_label(at, "this group has no `#endif`")
                    .with_note("expected `#endif` before the end of the file"));
            };
            if !(tok.is_punct(Punct::Hash) && tok.flags & LINE_START != 0) {
                frame.pos += 1;
                continue;
            }
            let name = frame
                .tokens
                .get(frame.pos + 1)
                .filter(|n| n.kind == TokenKind::Ident && n.flags & LINE_START == 0)
                .copied();
            let Some(name) = name else {
                frame.pos += 1;
                continue;
            };
            let at = tok.span.to(name.span);
            match self.sources.text(name.span) {
                "if" | "ifdef" | "ifndef" => {
                    depth += 1;
                    self.frame().pos += 1;
                }
                "endif" if depth > 0 => {
                    depth -= 1;
                    self.frame().pos += 1;
                }
                "endif" => {
                    self.take_line();
                    return Ok(GroupEnd::Endif);
                }
                "else" if depth == 0 => {
                    self.take_line();
                    return Ok(GroupEnd::Else(at));
                }
                "elif" if depth == 0 => {
                    let (_, line) = self.take_line();
                    return Ok(GroupEnd::Elif(at, line[1..].to_vec()));
                }
                _ => self.frame().pos += 1,
            }
        }
    }

    /// `#include "name"`, `#include <name>`, or a macro that expands to either.
    fn include(&mut self, at: Span, rest: &[Token]) -> Result<(), Diagnostic> {
        let (name, angled) = match self.include_name(rest) {
            Some(found) => found,
            None => {
                let expanded = self.expand_list(rest.to_vec())?;
                match self.include_name(&expanded) {
                    Some(found) => found,
                    None => {
                        return Err(Diagnostic::at(at, "expected \"FILE\" or <FILE> after `#include`"));
                    }
                }
            }
        };
        let whole = rest.last().map_or(at, |l| at.to(l.span));
        let from = self.frame().id;
        let (id, tokens) = self.includes.include(self.sources, &name, angled, from, whole)?;
        if self.once.contains(&id) {
            return Ok(());
        }
        let file = self.sources.file_mut(id);
        if file.included_from.is_none() {
            file.included_from = Some(whole);
        }
        self.push_file(id, tokens, Some(whole))
    }

    fn include_name(&self, tokens: &[Token]) -> Option<(String, bool)> {
        let first = tokens.first()?;
        if first.kind == TokenKind::Str && tokens.len() == 1 {
            return Some((unquote_path(self.text(first)), false));
        }
        if first.is_punct(Punct::Lt) {
            let close = tokens.iter().rposition(|t| t.is_punct(Punct::Gt))?;
            if close + 1 != tokens.len() {
                return None;
            }
            // The name's text as written, between the brackets (tokens may come from a macro).
            let mut name = String::new();
            for (i, tok) in tokens[1..close].iter().enumerate() {
                if i > 0 && tok.space_before() {
                    name.push(' ');
                }
                name.push_str(self.text(tok));
            }
            return Some((name, true));
        }
        None
    }

    /// `#line N ["name"]` and the GNU marker `# N "name" flags`.
    fn line_directive(&mut self, at: Span, rest: &[Token]) -> Result<(), Diagnostic> {
        let tokens = if rest.first().is_some_and(|t| t.kind == TokenKind::Number) {
            rest.to_vec()
        } else {
            self.expand_list(rest.to_vec())?
        };
        let line = tokens
            .first()
            .filter(|t| t.kind == TokenKind::Number)
            .and_then(|t| self.text(t).parse::<u32>().ok())
            .ok_or_else(|| Diagnostic::at(at, "expected a line number after `#line`"))?;
        let name = tokens
            .get(1)
            .filter(|t| t.kind == TokenKind::Str)
            .map(|t| unquote(self.text(t)));
        // The directive's own line ends at the newline after its last token.
        let last = rest.last().map_or(at, |t| t.span);
        let id = self.frame().id;
        let text = &self.sources.file(id).text;
        let from = if last.file == id {
            text[last.end as usize..]
                .find('\n')
                .map_or(text.len(), |n| last.end as usize + n + 1)
        } else {
            text.len()
        };
        self.sources.file_mut(id).add_line_mark(from, line, name);
        Ok(())
    }
}

/// An include name in quotes: backslashes are path separators there, not escapes.
fn unquote_path(lit: &str) -> String {
    lit.trim_start_matches(['L', 'u']).trim_matches('"').replace('\\', "/")
}
