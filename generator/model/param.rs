//! Parameter attributes, typed: what bindings, metadata writers and `inspect` need to know
//! about a parameter beyond its type and direction, so no back end re-parses attribute text.

use std::fmt;

use crate::model::types::Name;

/// One attribute of a parameter. Arguments that are expressions (`size_is(cb * 2)`) keep
/// their text as written, one per position; an omitted position (`size_is(, *pcb)`) is
/// empty.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ParamAttr {
    SizeIs(Vec<Name>),
    LengthIs(Vec<Name>),
    MaxIs(Vec<Name>),
    FirstIs(Vec<Name>),
    LastIs(Vec<Name>),
    /// The parameter that holds the IID of the interface an `[out] void**` receives.
    IidIs(Name),
    /// The number of bytes, not elements (WinMD's `MemorySize`).
    ByteCount(Name),
    SwitchIs(Name),
    String,
    Unique,
    Ref,
    Ptr,
    Optional,
    DefaultValue(DefaultValue),
    Lcid,
    /// `[vararg]` on the method: this parameter, a SAFEARRAY(VARIANT) and the last one
    /// before a `[retval]`, takes the rest of a caller's arguments (a type library says
    /// cParamsOpt = -1). Kept on the parameter it describes.
    Vararg,
    Annotation(Name),
}

impl ParamAttr {
    /// The attribute named `name` with these arguments, if it is one the model keeps.
    pub fn new(name: &str, args: Vec<Name>) -> Option<ParamAttr> {
        let first = || args.first().cloned().unwrap_or_else(|| "".into());
        Some(match name {
            "size_is" => ParamAttr::SizeIs(args),
            "length_is" => ParamAttr::LengthIs(args),
            "max_is" => ParamAttr::MaxIs(args),
            "first_is" => ParamAttr::FirstIs(args),
            "last_is" => ParamAttr::LastIs(args),
            "iid_is" => ParamAttr::IidIs(first()),
            "byte_count" => ParamAttr::ByteCount(first()),
            "switch_is" => ParamAttr::SwitchIs(first()),
            "string" => ParamAttr::String,
            "unique" => ParamAttr::Unique,
            "ref" => ParamAttr::Ref,
            "ptr" => ParamAttr::Ptr,
            "optional" => ParamAttr::Optional,
            "defaultvalue" => ParamAttr::DefaultValue(DefaultValue {
                text: first(),
                int: None,
            }),
            "lcid" => ParamAttr::Lcid,
            "annotation" => ParamAttr::Annotation(first()),
            _ => return None,
        })
    }

    pub fn name(&self) -> &'static str {
        match self {
            ParamAttr::SizeIs(_) => "size_is",
            ParamAttr::LengthIs(_) => "length_is",
            ParamAttr::MaxIs(_) => "max_is",
            ParamAttr::FirstIs(_) => "first_is",
            ParamAttr::LastIs(_) => "last_is",
            ParamAttr::IidIs(_) => "iid_is",
            ParamAttr::ByteCount(_) => "byte_count",
            ParamAttr::SwitchIs(_) => "switch_is",
            ParamAttr::String => "string",
            ParamAttr::Unique => "unique",
            ParamAttr::Ref => "ref",
            ParamAttr::Ptr => "ptr",
            ParamAttr::Optional => "optional",
            ParamAttr::DefaultValue(_) => "defaultvalue",
            ParamAttr::Lcid => "lcid",
            ParamAttr::Vararg => "vararg",
            ParamAttr::Annotation(_) => "annotation",
        }
    }

    /// Whether the attribute makes the parameter an array (sized or counted).
    pub fn is_array_bound(&self) -> bool {
        matches!(
            self,
            ParamAttr::SizeIs(_)
                | ParamAttr::LengthIs(_)
                | ParamAttr::MaxIs(_)
                | ParamAttr::FirstIs(_)
                | ParamAttr::LastIs(_)
                | ParamAttr::ByteCount(_)
        )
    }

    fn args(&self) -> &[Name] {
        match self {
            ParamAttr::SizeIs(a)
            | ParamAttr::LengthIs(a)
            | ParamAttr::MaxIs(a)
            | ParamAttr::FirstIs(a)
            | ParamAttr::LastIs(a) => a,
            ParamAttr::IidIs(a) | ParamAttr::ByteCount(a) | ParamAttr::SwitchIs(a) | ParamAttr::Annotation(a) => {
                std::slice::from_ref(a)
            }
            ParamAttr::DefaultValue(d) => std::slice::from_ref(&d.text),
            ParamAttr::String
            | ParamAttr::Unique
            | ParamAttr::Ref
            | ParamAttr::Ptr
            | ParamAttr::Optional
            | ParamAttr::Lcid
            | ParamAttr::Vararg => &[],
        }
    }
}

/// A `[defaultvalue]`: its text, and its value when that is an integer the front end
/// could fold (`wbemFlagReturnImmediately | wbemQueryFlagDeep` is 48), which is what a type
/// library stores and what a late-bound call passes when the argument is left out.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DefaultValue {
    /// As written: `-1`, `L"text"`, `VARIANT_TRUE`, `a | b`.
    pub text: Name,
    pub int: Option<i64>,
}

impl DefaultValue {
    /// A literal a type library or metadata holds: an integer's text is its value.
    pub fn literal(text: impl Into<Name>) -> DefaultValue {
        let text = text.into();
        let int = text.parse().ok();
        DefaultValue { text, int }
    }
}

/// As IDL writes it: `size_is(, *pcb)`, `iid_is(riid)`, `string`.
impl fmt::Display for ParamAttr {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())?;
        let args = self.args();
        if args.is_empty() {
            return Ok(());
        }
        f.write_str("(")?;
        for (i, a) in args.iter().enumerate() {
            if i > 0 {
                f.write_str(if a.is_empty() { "," } else { ", " })?;
            }
            f.write_str(a)?;
        }
        f.write_str(")")
    }
}

#[cfg(test)]
mod tests {
    use super::ParamAttr;

    #[test]
    fn renders_as_idl_writes_it() {
        let a = ParamAttr::new("size_is", vec!["".into(), "*pcb".into()]).unwrap();
        assert_eq!(a.to_string(), "size_is(, *pcb)");
        let a = ParamAttr::new("iid_is", vec!["riid".into()]).unwrap();
        assert_eq!(a.to_string(), "iid_is(riid)");
        assert_eq!(ParamAttr::new("string", vec![]).unwrap().to_string(), "string");
        assert!(ParamAttr::new("in", vec![]).is_none());
        assert!(ParamAttr::new("size_is", vec!["n".into()]).unwrap().is_array_bound());
    }
}
