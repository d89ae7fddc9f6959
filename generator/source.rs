//! The text of every file oscgen reads, and the spans that point into it.
//!
//! Spans are byte ranges in one file. They survive every stage after reading (lexing,
//! parsing, lowering into the model), so an error found late still points at the line
//! the user wrote.

use std::ops::Range;
use std::sync::OnceLock;

/// Index of a file in a [`SourceMap`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct FileId(pub u32);

/// A byte range in one source file.
///
/// Text that came out of a macro expansion keeps the span of where it is spelled (the
/// macro's definition, or the synthetic file for `##` and `#` results) and records in
/// `expansion` which expansion produced it, so a diagnostic can still point at the use
/// of the macro in the file the user wrote. The same definition text expanded twice
/// gives two distinct spans.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Span {
    pub file: FileId,
    pub start: u32,
    pub end: u32,
    /// 0 for text read straight from a file, else an [`ExpansionId`] of the source map.
    pub expansion: u32,
}

impl Span {
    pub fn new(file: FileId, range: Range<usize>) -> Span {
        Span {
            file,
            start: range.start as u32,
            end: range.end as u32,
            expansion: 0,
        }
    }

    /// An empty span at the end of this one, for "expected `;` here".
    pub fn end_point(self) -> Span {
        Span {
            start: self.end,
            ..self
        }
    }

    /// The smallest span covering both, when both are the same text of the same file.
    /// Spans from different expansions are not merged: the result would cover unrelated text.
    pub fn to(self, other: Span) -> Span {
        if self.file != other.file || self.expansion != other.expansion {
            return self;
        }
        Span {
            file: self.file,
            start: self.start.min(other.start),
            end: self.end.max(other.end),
            expansion: self.expansion,
        }
    }

    pub fn range(self) -> Range<usize> {
        self.start as usize..self.end as usize
    }
}

/// Where a source file came from: a path on disk, text embedded in oscgen, or text the
/// preprocessor made (`##` pastes, `#` strings).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Origin {
    Disk(std::path::PathBuf),
    Builtin,
    Synthetic,
}

/// One macro expansion: which macro, and where it was used.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Expansion {
    /// The macro's name in its `#define`.
    pub macro_name: Span,
    /// The macro's name at the use; itself inside an expansion when macros nest.
    pub call_site: Span,
}

/// A `#line N "name"` directive: from byte `from` on, lines count from `line`.
#[derive(Clone, Debug)]
struct LineMark {
    from: u32,
    /// The 0-based line index of `from` in the file.
    index: u32,
    line: u32,
    name: Option<String>,
}

#[derive(Debug)]
pub struct SourceFile {
    /// The name shown in diagnostics: the path as given, or `<oscgen>/name` for built-ins.
    pub name: String,
    pub origin: Origin,
    pub text: String,
    /// The `#include` that read this file, for "included from" notes.
    pub included_from: Option<Span>,
    /// Where each line starts, computed when first asked: most files read never need it
    /// (only diagnostics and `__LINE__` do).
    line_starts: OnceLock<Vec<u32>>,
    line_marks: Vec<LineMark>,
}

impl SourceFile {
    fn line_starts(&self) -> &[u32] {
        self.line_starts.get_or_init(|| {
            let mut starts = vec![0u32];
            starts.extend(
                self.text
                    .bytes()
                    .enumerate()
                    .filter(|&(_, b)| b == b'\n')
                    .map(|(i, _)| i as u32 + 1),
            );
            starts
        })
    }

    /// The number of lines (a text without a newline is one line).
    pub fn line_count(&self) -> usize {
        self.line_starts().len()
    }

    /// 0-based line index of a byte offset.
    pub fn line_index(&self, offset: usize) -> usize {
        match self.line_starts().binary_search(&(offset as u32)) {
            Ok(line) => line,
            Err(next) => next - 1,
        }
    }

    /// The 1-based line number shown for a 0-based line index, after `#line` directives.
    pub fn line_number(&self, index: usize) -> usize {
        match self.mark_for(index) {
            Some(m) => m.line as usize + (index - m.index as usize),
            None => index + 1,
        }
    }

    /// The file name shown for an offset, after `#line "name"` directives.
    pub fn display_name(&self, offset: usize) -> &str {
        let index = self.line_index(offset);
        self.line_marks
            .iter()
            .rev()
            .filter(|m| m.index as usize <= index)
            .find_map(|m| m.name.as_deref())
            .unwrap_or(&self.name)
    }

    fn mark_for(&self, index: usize) -> Option<&LineMark> {
        self.line_marks.iter().rev().find(|m| m.index as usize <= index)
    }

    /// Records `#line line "name"` taking effect at byte `from` (the start of the next line).
    pub fn add_line_mark(&mut self, from: usize, line: u32, name: Option<String>) {
        let index = self.line_index(from) as u32;
        self.line_marks.push(LineMark {
            from: from as u32,
            index,
            line,
            name,
        });
        self.line_marks.sort_by_key(|m| m.from);
    }

    pub fn line_range(&self, line: usize) -> Range<usize> {
        let starts = self.line_starts();
        let start = starts[line] as usize;
        let end = starts.get(line + 1).map(|&e| e as usize).unwrap_or(self.text.len());
        start..end
    }

    /// 1-based line and column (in characters) of a byte offset.
    pub fn line_col(&self, offset: usize) -> (usize, usize) {
        let line = self.line_index(offset);
        let start = self.line_starts()[line] as usize;
        let offset = offset.min(self.text.len());
        let col = self
            .text
            .get(start..offset)
            .map_or(offset - start, |s| s.chars().count());
        (self.line_number(line), col + 1)
    }
}

/// Every file read in one run of oscgen.
#[derive(Debug, Default)]
pub struct SourceMap {
    files: Vec<SourceFile>,
    /// Expansion `n` is at index `n - 1`; 0 means "not from a macro".
    expansions: Vec<Expansion>,
    /// The file `##` pastes and `#` strings are written to, made on first use.
    synthetic: Option<FileId>,
}

/// Name of the synthetic file holding text the preprocessor made.
pub const SYNTHETIC_NAME: &str = "<macro expansion>";

impl SourceMap {
    pub fn new() -> SourceMap {
        SourceMap::default()
    }

    pub fn add(&mut self, name: String, origin: Origin, text: String) -> FileId {
        self.files.push(SourceFile {
            name,
            origin,
            text,
            included_from: None,
            line_starts: OnceLock::new(),
            line_marks: Vec::new(),
        });
        FileId(self.files.len() as u32 - 1)
    }

    pub fn file(&self, id: FileId) -> &SourceFile {
        &self.files[id.0 as usize]
    }

    pub fn file_mut(&mut self, id: FileId) -> &mut SourceFile {
        &mut self.files[id.0 as usize]
    }

    pub fn text(&self, span: Span) -> &str {
        &self.file(span.file).text[span.range()]
    }

    /// Adds text the preprocessor made (a pasted token, a stringized argument) to the
    /// synthetic file, one line each, and returns its span. Earlier offsets never move,
    /// so spans handed out before stay valid.
    pub fn add_synthetic(&mut self, text: &str) -> Span {
        let id = match self.synthetic {
            Some(id) => id,
            None => {
                let id = self.add(SYNTHETIC_NAME.into(), Origin::Synthetic, String::new());
                self.synthetic = Some(id);
                id
            }
        };
        let file = &mut self.files[id.0 as usize];
        let start = file.text.len();
        file.text.push_str(text);
        let end = file.text.len();
        file.text.push('\n');
        file.line_starts.take(); // computed again from the longer text when needed
        Span::new(id, start..end)
    }

    /// Records a macro expansion and returns its id for [`Span::expansion`].
    pub fn add_expansion(&mut self, macro_name: Span, call_site: Span) -> u32 {
        self.expansions.push(Expansion { macro_name, call_site });
        self.expansions.len() as u32
    }

    pub fn expansion(&self, id: u32) -> Option<&Expansion> {
        id.checked_sub(1).and_then(|i| self.expansions.get(i as usize))
    }

    /// Where a span's text is used in a file the user wrote: the outermost macro use
    /// for text from an expansion, the span itself otherwise.
    pub fn use_site(&self, mut span: Span) -> Span {
        // Expansion ids only point back to earlier expansions, so this ends.
        while let Some(e) = self.expansion(span.expansion) {
            span = e.call_site;
        }
        span
    }

    /// `name:line:column` of the start of a span, at its use site.
    pub fn location(&self, span: Span) -> String {
        let span = self.use_site(span);
        let file = self.file(span.file);
        let (line, col) = file.line_col(span.start as usize);
        format!("{}:{}:{}", file.display_name(span.start as usize), line, col)
    }

    pub fn len(&self) -> usize {
        self.files.len()
    }

    pub fn is_empty(&self) -> bool {
        self.files.is_empty()
    }
}

impl<'a> codespan_reporting::files::Files<'a> for SourceMap {
    type FileId = FileId;
    type Name = &'a str;
    type Source = &'a str;

    fn name(&'a self, id: FileId) -> Result<&'a str, codespan_reporting::files::Error> {
        self.files
            .get(id.0 as usize)
            .map(|f| f.name.as_str())
            .ok_or(codespan_reporting::files::Error::FileMissing)
    }

    fn source(&'a self, id: FileId) -> Result<&'a str, codespan_reporting::files::Error> {
        self.files
            .get(id.0 as usize)
            .map(|f| f.text.as_str())
            .ok_or(codespan_reporting::files::Error::FileMissing)
    }

    fn line_index(&'a self, id: FileId, byte_index: usize) -> Result<usize, codespan_reporting::files::Error> {
        Ok(self.file(id).line_index(byte_index))
    }

    fn line_number(&'a self, id: FileId, line_index: usize) -> Result<usize, codespan_reporting::files::Error> {
        Ok(self.file(id).line_number(line_index))
    }

    fn line_range(&'a self, id: FileId, line_index: usize) -> Result<Range<usize>, codespan_reporting::files::Error> {
        let file = self.file(id);
        if line_index >= file.line_count() {
            return Err(codespan_reporting::files::Error::LineTooLarge {
                given: line_index,
                max: file.line_count() - 1,
            });
        }
        Ok(file.line_range(line_index))
    }
}
