//! The preprocessor on small inputs: one test per feature, plus the limits.

use std::collections::HashMap;
use std::rc::Rc;

use crate::diagnostic::Diagnostic;
use crate::idl::lexer::lex;
use crate::idl::parser::parse;
use crate::idl::preprocess::{Includes, Preprocessor};
use crate::idl::token::Token;
use crate::source::{FileId, Origin, SourceMap, Span};

/// Files `#include` can find, by name; each read once, as the loader does.
#[derive(Default)]
struct Virtual(
    HashMap<&'static str, &'static str>,
    HashMap<String, (FileId, Rc<Vec<Token>>)>,
);

impl Includes for Virtual {
    fn include(
        &mut self,
        sources: &mut SourceMap,
        name: &str,
        _angled: bool,
        _from: FileId,
        at: Span,
    ) -> Result<(FileId, Rc<Vec<Token>>), Diagnostic> {
        if let Some(read) = self.1.get(name) {
            return Ok(read.clone());
        }
        let text = self
            .0
            .get(name)
            .ok_or_else(|| Diagnostic::at(at, format!("cannot find included file `{name}`")))?;
        let id = sources.add(name.to_string(), Origin::Builtin, text.to_string());
        let tokens = Rc::new(lex(id, &sources.file(id).text)?);
        self.1.insert(name.to_string(), (id, tokens.clone()));
        Ok((id, tokens))
    }
}

struct Run {
    sources: SourceMap,
    result: Result<Vec<Token>, Diagnostic>,
}

fn run_with(text: &str, defines: &[&str], undefines: &[&str], files: &[(&'static str, &'static str)]) -> Run {
    let mut sources = SourceMap::new();
    let defines: Vec<String> = defines.iter().map(|d| d.to_string()).collect();
    let undefines: Vec<String> = undefines.iter().map(|d| d.to_string()).collect();
    let pp = Preprocessor::new(&mut sources, &defines, &undefines).expect("defines");
    let id = sources.add("t.idl".into(), Origin::Builtin, text.into());
    let tokens = lex(id, text).expect("lexes");
    let mut includes = Virtual(files.iter().copied().collect(), HashMap::new());
    let result = pp.run(&mut sources, id, tokens, &mut includes);
    Run { sources, result }
}

/// The output tokens' text, separated by spaces.
fn expand(text: &str) -> String {
    expand_with(text, &[], &[], &[])
}

fn expand_with(text: &str, defines: &[&str], undefines: &[&str], files: &[(&'static str, &'static str)]) -> String {
    let r = run_with(text, defines, undefines, files);
    let tokens = r.result.unwrap_or_else(|d| panic!("{}", d.render(&r.sources)));
    tokens
        .iter()
        .map(|t| r.sources.text(t.span))
        .collect::<Vec<_>>()
        .join(" ")
}

/// The rendered error.
fn error(text: &str) -> String {
    error_with(text, &[])
}

fn error_with(text: &str, files: &[(&'static str, &'static str)]) -> String {
    let r = run_with(text, &[], &[], files);
    match r.result {
        Ok(tokens) => panic!("expected an error, got {} tokens", tokens.len()),
        Err(d) => d.render(&r.sources),
    }
}

#[test]
fn object_like_macros() {
    assert_eq!(expand("#define N 42\nconst long X = N;"), "const long X = 42 ;");
    assert_eq!(expand("#define A B\n#define B 7\nA"), "7");
    // `P (x)` with a space is an object-like macro whose body starts with `(`.
    assert_eq!(expand("#define P (x)\nP"), "( x )");
    assert_eq!(expand("#define EMPTY\n[EMPTY local]"), "[ local ]");
}

#[test]
fn function_like_macros() {
    assert_eq!(
        expand("#define MAX(a, b) ((a) > (b) ? (a) : (b))\nMAX(1, MAX(2, 3))"),
        "( ( 1 ) > ( ( ( 2 ) > ( 3 ) ? ( 2 ) : ( 3 ) ) ) ? ( 1 ) : ( ( ( 2 ) > ( 3 ) ? ( 2 ) : ( 3 ) ) ) )"
    );
    // Commas inside parentheses belong to the argument; arguments may span lines.
    assert_eq!(expand("#define FIRST(a, b) a\nFIRST((1, 2),\n 3)"), "( 1 , 2 )");
    // A function-like macro's name without `(` is left alone.
    assert_eq!(expand("#define F(x) x\nF + F(1)"), "F + 1");
    assert_eq!(expand("#define Z() zero\nZ()"), "zero");
    assert!(error("#define F(a, b) a\nF(1)").contains("macro `F` takes 2 arguments, but 1 was given"));
    assert!(error("#define F(a) a\nF(1").contains("unterminated argument list invoking macro `F`"));
}

#[test]
fn stringizing() {
    assert_eq!(expand("#define S(x) #x\nS(a  +  b)"), r#""a + b""#);
    assert_eq!(
        expand(
            r#"#define S(x) #x
S("q" '\n')"#
        ),
        r#""\"q\" '\\n'""#
    );
    assert!(error("#define S(x) #y\n").contains("`#` is not followed by a macro parameter"));
}

#[test]
fn token_pasting() {
    // wtypes.idl's DECLARE_WIREM_HANDLE.
    let out = expand(
        "#define DECLARE_WIREM_HANDLE(name) typedef [wire_marshal(wire##name)] void*name\nDECLARE_WIREM_HANDLE(HWND);",
    );
    assert_eq!(out, "typedef [ wire_marshal ( wireHWND ) ] void * HWND ;");
    assert_eq!(
        expand("#define CAT(a, b) a ## b\nCAT(x, ) CAT(, y) CAT(1, 2)"),
        "x y 12"
    );
    assert_eq!(expand("#define CAT3(a, b, c) a ## b ## c\nCAT3(I, Foo, 2)"), "IFoo2");
    // A pasted name is rescanned, so it can name a macro.
    assert_eq!(expand("#define AB done\n#define CAT(a, b) a ## b\nCAT(A, B)"), "done");
    assert!(error("#define CAT(a, b) a ## b\nCAT(+, /)").contains("pasting `+` and `/` does not give a valid token"));
    assert!(error("#define BAD ## x\n").contains("`##` cannot be at either end"));
}

#[test]
fn pasted_text_lives_in_the_synthetic_file() {
    let r = run_with("#define CAT(a, b) a ## b\nCAT(I, Foo)", &[], &[], &[]);
    let tokens = r.result.unwrap();
    let file = r.sources.file(tokens[0].span.file);
    assert_eq!(file.name, "<macro expansion>");
    assert_eq!(r.sources.text(tokens[0].span), "IFoo");
    // It still points at the use of CAT in t.idl.
    assert_eq!(r.sources.location(tokens[0].span), "t.idl:2:1");
}

#[test]
fn variadic_macros() {
    assert_eq!(
        expand("#define V(fmt, ...) f(fmt, __VA_ARGS__)\nV(a, b, c)"),
        "f ( a , b , c )"
    );
    // GNU's `, ## __VA_ARGS__` drops the comma when there are no variadic arguments.
    assert_eq!(
        expand("#define G(a, ...) g(a, ## __VA_ARGS__)\nG(1) G(1, 2)"),
        "g ( 1 ) g ( 1 , 2 )"
    );
    assert_eq!(expand("#define N(args...) n(args)\nN(1, 2)"), "n ( 1 , 2 )");
    // SDK style: an annotation injected into an attribute list.
    assert_eq!(
        expand("#define AM_ANNOTATION(x) , annotation(x)\n[in AM_ANNOTATION(\"_In_\")]"),
        "[ in , annotation ( \"_In_\" ) ]"
    );
}

#[test]
fn line_continuations_join_lines() {
    assert_eq!(expand("#define A 1 + \\\n    2\nA"), "1 + 2");
    assert_eq!(expand("#define B(x) \\\n  x \\\n  x\nB(y)"), "y y");
}

#[test]
fn undef_removes_a_macro() {
    assert_eq!(expand("#define A 1\n#undef A\nA"), "A");
    assert_eq!(expand("#undef NEVER_DEFINED\nok"), "ok");
}

#[test]
fn conditionals_with_constant_expressions() {
    let text = "#define V 3
#if V >= 2 && (1 << 3) == 8 && defined(V) && defined V
yes1
#endif
#if V > 5
no
#elif V == 3 ? 1 : 0
yes2
#else
no
#endif
#if 0
no
#elif 0
no
#else
yes3
#endif
#if -1 < 0u
no
#else
yes4
#endif
#if 0 && 1 / 0
no
#endif
#if UNDEFINED_NAME == 0 && !defined(UNDEFINED_NAME) && 'a' == 97 && 0x10 == 16 && 010 == 8 && 10UL == 10
yes5
#endif";
    assert_eq!(expand(text), "yes1 yes2 yes3 yes4 yes5");
    assert!(error("#if 1 / 0\n#endif").contains("division by zero"));
    assert!(error("#if (1\n#endif").contains("expected `)`"));
    assert!(error("#if\n#endif").contains("expected an expression"));
    assert!(error("#if 1 2\n#endif").contains("unexpected `2` in the condition"));
}

#[test]
fn ifdef_ifndef_and_nesting() {
    let text = "#define X
#ifdef X
a
#ifndef X
b
#else
c
#endif
#else
d
#if 1
e
#endif
#endif
#ifndef Y
f
#endif";
    assert_eq!(expand(text), "a c f");
    // Skipped text need not be valid: only directive names are read there.
    assert_eq!(expand("#if 0\ndon't @ #bogus\n#endif\nok"), "ok");
    assert!(error("don't").contains("unterminated character constant"));
}

#[test]
fn conditional_errors() {
    let e = error("#if 1\ninterface X;\n");
    assert!(
        e.contains("unterminated conditional directive") && e.contains("t.idl:1:1"),
        "{e}"
    );
    assert!(error("#endif\n").contains("`#endif` without `#if`"));
    assert!(error("#else\n").contains("`#else` without `#if`"));
    assert!(error("#if 1\n#else\n#else\n#endif\n").contains("`#else` after `#else`"));
    assert!(error("#if 0\n#else\n#elif 1\n#endif\n").contains("`#elif` after `#else`"));
    assert!(error("#frobnicate\n").contains("unknown preprocessor directive `#frobnicate`"));
    assert!(error("#inclde \"x.h\"\n").contains("did you mean `#include`?"));
}

#[test]
fn includes_splice_the_file_in_place() {
    let files = [("defs.h", "#define SIZE 16\ntypedef long T;\n"), ("sub/x.h", "inner")];
    assert_eq!(
        expand_with("#include \"defs.h\"\nT a[SIZE];\n#include <sub/x.h>", &[], &[], &files),
        "typedef long T ; T a [ 16 ] ; inner"
    );
    // A macro may name the file.
    assert_eq!(
        expand_with("#define H \"defs.h\"\n#include H\nSIZE", &[], &[], &files),
        "typedef long T ; 16"
    );
    // An include guard or `#pragma once` reads a file once.
    let guarded = [
        ("g.h", "#ifndef G_H\n#define G_H\ng\n#endif\n"),
        ("o.h", "#pragma once\no\n"),
    ];
    assert_eq!(
        expand_with(
            "#include \"g.h\"\n#include \"g.h\"\n#include \"o.h\"\n#include \"o.h\"",
            &[],
            &[],
            &guarded
        ),
        "g o"
    );
}

#[test]
fn errors_in_included_files_name_the_include() {
    let files = [("bad.h", "\n#error from the header\n")];
    let e = error_with("// a comment\n#include \"bad.h\"\n", &files);
    assert!(e.starts_with("bad.h:2:1: error: #error from the header"), "{e}");
    assert!(e.contains("in the file included from t.idl:2:1"), "{e}");
    assert!(error("#include <missing.h>\n").contains("cannot find included file `missing.h`"));
    assert!(error("#include missing.h\n").contains("expected \"FILE\" or <FILE>"));
}

#[test]
fn line_directives_renumber_lines() {
    let r = run_with("#line 100 \"other.idl\"\n\nbad", &[], &[], &[]);
    let tokens = r.result.unwrap();
    assert_eq!(r.sources.location(tokens[0].span), "other.idl:101:1");
    let r = run_with("# 7 \"gnu.idl\" 1\nx", &[], &[], &[]);
    let tokens = r.result.unwrap();
    assert_eq!(r.sources.location(tokens[0].span), "gnu.idl:7:1");
    assert!(error("#line x\n").contains("expected a line number"));
}

#[test]
fn error_directive_reports_its_message() {
    let e = error("interface A;\n#error unsupported \"target\" here\n");
    assert!(
        e.starts_with("t.idl:2:1: error: #error unsupported \"target\" here\n"),
        "{e}"
    );
    assert!(e.contains("`#error` directive"), "{e}");
    // Inside a false group it is skipped.
    assert_eq!(expand("#if 0\n#error no\n#endif\nok"), "ok");
}

#[test]
fn predefined_macros() {
    assert_eq!(
        expand("__midl __WIDL__ _WIN32 _WIN64\n#if __midl >= 500\nsdk\n#endif"),
        "501 1 1 1 sdk"
    );
    assert_eq!(expand("__LINE__\n\n__LINE__ __FILE__"), r#"1 3 "t.idl""#);
}

#[test]
fn command_line_defines_and_undefines() {
    assert_eq!(
        expand_with(
            "FOO BAR _WIN64 BOOL",
            &["FOO=3", "BAR", "BOOL=WINBOOL"],
            &["_WIN64"],
            &[]
        ),
        "3 1 _WIN64 WINBOOL"
    );
    let mut sources = SourceMap::new();
    let pp = Preprocessor::new(&mut sources, &["X=1".into()], &["__WIDL__".into()]).unwrap();
    assert!(pp.is_defined("X") && pp.is_defined("__midl") && !pp.is_defined("__WIDL__"));
}

#[test]
fn pragmas_pass_through_to_the_parser() {
    assert_eq!(
        expand("#pragma makedep header\n#define N 1\nN"),
        "# pragma makedep header 1"
    );
    let text = "#pragma winrt ns_prefix\n#pragma midl_echo(\"#include <x.h>\")\ninterface I;";
    let r = run_with(text, &[], &[], &[]);
    let tokens = r.result.unwrap();
    let items = parse(&r.sources, &tokens).unwrap();
    assert!(matches!(&items[0], crate::idl::ast::Item::Pragma(p, _) if p == "winrt ns_prefix"));
    assert!(matches!(&items[1], crate::idl::ast::Item::CppQuote(s) if s.value == "#include <x.h>"));
    assert_eq!(items.len(), 3);
}

#[test]
fn an_error_inside_an_expansion_points_at_the_use() {
    let text = "#define METHOD(name) HRESULT name([in] long a, [out] long *b)\n\
                interface IFoo\n{\n    METHOD(One);\n    METHOD(Two) oops\n}\n";
    let r = run_with(text, &[], &[], &[]);
    let tokens = r.result.unwrap();
    let d = parse(&r.sources, &tokens).unwrap_err();
    let rendered = d.render(&r.sources);
    // Reported on line 5, where the macro is used, and showing the body it came from.
    assert!(rendered.starts_with("t.idl:5:5: error: expected `;`"), "{rendered}");
    assert!(rendered.contains("in this expansion of `METHOD`"), "{rendered}");
}

#[test]
fn recursive_macros_terminate() {
    // A macro is not expanded inside its own expansion (C's rule).
    assert_eq!(expand("#define X X + 1\nX"), "X + 1");
    assert_eq!(expand("#define A B\n#define B A\nA B"), "A B");
    assert_eq!(expand("#define F(x) F(x + 1)\nF(0)"), "F ( 0 + 1 )");
    // A painted name stays painted when its argument is rescanned elsewhere.
    assert_eq!(expand("#define ID(x) x\n#define R ID(R)\nR"), "R");
}

#[test]
fn include_depth_is_bounded() {
    let files = [("self.h", "#include \"self.h\"\n")];
    let e = error_with("#include \"self.h\"\n", &files);
    assert!(e.contains("`#include` nested more than 200 deep"), "{e}");
    assert!(e.contains("include guard"), "{e}");
}

#[test]
fn deep_macro_chains_are_bounded() {
    // 1500 macros, each expanding to the next: deeper than the expansion limit.
    let mut text = String::new();
    for i in 0..1500 {
        text.push_str(&format!("#define M{i} M{}\n", i + 1));
    }
    text.push_str("M0\n");
    let r = run_with(&text, &[], &[], &[]);
    match r.result {
        Ok(tokens) => assert_eq!(r.sources.text(tokens[0].span), "M1500"),
        Err(d) => assert!(d.message.contains("nested more than"), "{}", d.message),
    }
}

#[test]
fn directive_needs_a_name() {
    assert!(error("# + 1\n").contains("expected a preprocessor directive after `#`"));
    assert_eq!(expand("#\nok"), "ok");
}

#[test]
fn deep_conditions_are_bounded() {
    let text = format!("#if {}1{}\n#endif", "(".repeat(10_000), ")".repeat(10_000));
    assert!(error(&text).contains("condition nested deeper than 128 levels"));
    let text = format!("#if {}1{}\n#endif", "1?".repeat(10_000), ":1".repeat(10_000));
    assert!(error(&text).contains("condition nested deeper than 128 levels"));
    // Long flat chains are not nesting.
    assert_eq!(expand(&format!("#if 1{}\nyes\n#endif", " + 1".repeat(10_000))), "yes");
}
