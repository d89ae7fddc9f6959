//! The kinds of project oscgen writes, declared once: the CLI's `--template` values,
//! oscgen.toml's `project.template`, and what each kind is made of. Every other layer
//! asks a template's [`TemplateSpec`] instead of matching on its name.

use std::fmt;

use serde::{Deserialize, Serialize};

/// A kind of project. Its name in oscgen.toml and on the command line is the kebab-case
/// one (`osc-provider`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, clap::ValueEnum, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Template {
    /// An Outlook Social Connector provider (built-in OSC interfaces; no input needed)
    OscProvider,
    /// A fake IMAPISession for testing MAPI clients (built-in MAPI interfaces)
    MapiSession,
    /// An in-process COM server for any interfaces (needs --input and --implement)
    ComServer,
    /// An Office COM add-in with a ribbon button (built-in IDTExtensibility2 and
    /// IRibbonExtensibility; Outlook by default, Word, Excel or PowerPoint by `--office-app`)
    OutlookAddin,
}

/// Which interfaces a project gets bindings for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Binding {
    /// The template's [`TemplateSpec::required_interfaces`] and what they reach.
    Required,
    /// Every interface the input declares (the MAPI session hands out the others).
    WholeInput,
    /// `input.implement` and what it reaches: all an input is read for, which keeps a
    /// project made from the whole Win32 metadata small.
    Implemented,
}

/// One user-owned object of a template: its file, Rust type and interfaces.
#[derive(Clone, Copy, Debug)]
pub struct ObjectTemplate {
    pub file: &'static str,
    /// The Rust type; `None`: the project's name in CamelCase.
    pub type_name: Option<&'static str>,
    /// What `#[implement(...)]` lists; empty: oscgen.toml's `input.implement`.
    pub implements: &'static [&'static str],
}

/// What a template is made of, whatever writes its files.
#[derive(Debug)]
pub struct TemplateSpec {
    pub template: Template,
    /// The built-in metadata (`metadata/*.idl`) a project reads when oscgen.toml names no
    /// input; `None`: the template needs `input.idl`.
    pub builtin_input: Option<&'static str>,
    /// Interfaces the input must declare.
    pub required_interfaces: &'static [&'static str],
    /// Constants of the input the template's own code uses; the input must declare them.
    pub constants: &'static [&'static str],
    pub binding: Binding,
    /// The objects the DLL serves; the first is the COM class `DllGetClassObject` creates.
    pub objects: &'static [ObjectTemplate],
    /// The registration file oscgen writes beside `src/generated/`.
    pub reg_file: &'static str,
    /// The second word of the default ProgID (`Contoso.Provider`).
    pub prog_id_suffix: &'static str,
    /// Whether oscgen.toml carries a social network (name, GUID, URL, version).
    pub social_network: bool,
    /// The default `provider.description`, `{}` standing for the display name; `None`: the
    /// template describes itself from the network name.
    pub description: Option<&'static str>,
}

/// The OSC interfaces a provider implements, in the order the provider hands them out.
pub const OSC_INTERFACES: &[&str] = &[
    "ISocialProvider",
    "ISocialSession",
    "ISocialSession2",
    "ISocialPerson",
    "ISocialProfile",
];

const OSC_PROVIDER: TemplateSpec = TemplateSpec {
    template: Template::OscProvider,
    builtin_input: Some("osc.idl"),
    required_interfaces: OSC_INTERFACES,
    constants: &["OSC_E_NOT_IMPLEMENTED", "OSC_E_AUTH_ERROR", "OSC_E_NO_CHANGES"],
    binding: Binding::Required,
    objects: &[
        ObjectTemplate {
            file: "src/provider.rs",
            type_name: Some("Provider"),
            implements: &["ISocialProvider"],
        },
        ObjectTemplate {
            file: "src/session.rs",
            type_name: Some("Session"),
            implements: &["ISocialSession", "ISocialSession2"],
        },
        ObjectTemplate {
            file: "src/person.rs",
            type_name: Some("Person"),
            implements: &["ISocialPerson"],
        },
        ObjectTemplate {
            file: "src/profile.rs",
            type_name: Some("Profile"),
            implements: &["ISocialProfile"],
        },
    ],
    reg_file: "provider.reg",
    prog_id_suffix: "Provider",
    social_network: true,
    description: None,
};

const MAPI_SESSION: TemplateSpec = TemplateSpec {
    template: Template::MapiSession,
    builtin_input: Some("mapi.idl"),
    required_interfaces: &["IMAPISession"],
    constants: &["MAPI_E_NO_SUPPORT", "MAPI_E_NOT_FOUND", "MAPI_E_INVALID_PARAMETER"],
    binding: Binding::WholeInput,
    objects: &[ObjectTemplate {
        file: "src/session.rs",
        type_name: Some("Session"),
        implements: &["IMAPISession"],
    }],
    reg_file: "server.reg",
    prog_id_suffix: "Server",
    social_network: false,
    description: Some("{} (a test double of MAPI's IMAPISession)"),
};

/// The interfaces an Office add-in's connect class implements, in `#[implement]` order.
pub const ADDIN_INTERFACES: &[&str] = &["IDTExtensibility2", "IRibbonExtensibility"];

const OUTLOOK_ADDIN: TemplateSpec = TemplateSpec {
    template: Template::OutlookAddin,
    builtin_input: Some("office.idl"),
    required_interfaces: &["IDTExtensibility2", "IRibbonExtensibility", "IRibbonControl"],
    constants: &[],
    binding: Binding::Required,
    objects: &[ObjectTemplate {
        file: "src/connect.rs",
        type_name: Some("Connect"),
        implements: ADDIN_INTERFACES,
    }],
    reg_file: "server.reg",
    prog_id_suffix: "Connect",
    social_network: false,
    description: Some("{} Office add-in"),
};

const COM_SERVER: TemplateSpec = TemplateSpec {
    template: Template::ComServer,
    builtin_input: None,
    required_interfaces: &[],
    constants: &[],
    binding: Binding::Implemented,
    objects: &[ObjectTemplate {
        file: "src/object.rs",
        type_name: None,
        implements: &[],
    }],
    reg_file: "server.reg",
    prog_id_suffix: "Server",
    social_network: false,
    description: Some("{} COM server"),
};

impl Template {
    pub const ALL: [Template; 4] = [
        Template::OscProvider,
        Template::MapiSession,
        Template::ComServer,
        Template::OutlookAddin,
    ];

    pub fn spec(self) -> &'static TemplateSpec {
        match self {
            Template::OscProvider => &OSC_PROVIDER,
            Template::MapiSession => &MAPI_SESSION,
            Template::ComServer => &COM_SERVER,
            Template::OutlookAddin => &OUTLOOK_ADDIN,
        }
    }

    /// The name oscgen.toml and `--template` spell (`osc-provider`).
    pub fn name(self) -> &'static str {
        match self {
            Template::OscProvider => "osc-provider",
            Template::MapiSession => "mapi-session",
            Template::ComServer => "com-server",
            Template::OutlookAddin => "outlook-addin",
        }
    }
}

impl fmt::Display for Template {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl TemplateSpec {
    /// The default `provider.description` for a project shown as `display`.
    pub fn description(&self, display: &str) -> Option<String> {
        self.description.map(|d| d.replace("{}", display))
    }
}

#[cfg(test)]
mod tests {
    use clap::ValueEnum;

    use super::*;

    #[test]
    fn one_name_everywhere() {
        for t in Template::ALL {
            assert_eq!(t.spec().template, t);
            // The CLI's value, oscgen.toml's value and Display agree.
            let cli = t.to_possible_value().expect("every template is offered");
            assert_eq!(cli.get_name(), t.name());
            let toml_value = toml::Value::try_from(t).expect("serializes");
            assert_eq!(toml_value.as_str(), Some(t.name()));
            assert_eq!(t.to_string(), t.name());
        }
        assert_eq!(Template::value_variants(), Template::ALL);
    }

    #[test]
    fn every_template_serves_a_class_and_needs_input_or_has_one() {
        for t in Template::ALL {
            let spec = t.spec();
            assert!(!spec.objects.is_empty(), "{t}");
            let takes_implement = spec.objects.iter().any(|o| o.implements.is_empty());
            assert_eq!(takes_implement, spec.binding == Binding::Implemented, "{t}");
            assert_eq!(spec.builtin_input.is_none(), takes_implement, "{t}");
        }
    }
}
