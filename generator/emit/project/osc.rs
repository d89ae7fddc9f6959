//! The `osc-provider` template: an Outlook Social Connector provider.

use askama::Template;
use quote::quote;

use crate::emit::project::identity::guid_tokens;
use crate::emit::project::{Class, Error, Inputs, ObjectSpec, Project, render};
use crate::emit::registry::Registration;
use crate::emit::stubs::KnowledgeBase;
use crate::project::config::Config;
use crate::project::plan::Ownership;

/// The OSC interfaces a provider implements.
pub const OSC_INTERFACES: &[&str] = &[
    "ISocialProvider",
    "ISocialSession",
    "ISocialSession2",
    "ISocialPerson",
    "ISocialProfile",
];

/// The OSC error constants the template's own code uses.
const OSC_CONSTANTS: &[&str] = &["OSC_E_NOT_IMPLEMENTED", "OSC_E_AUTH_ERROR", "OSC_E_NO_CHANGES"];

const STUBS: &str = include_str!("../../../templates/osc-provider/stubs.toml");
const ICON: &[u8] = include_bytes!("../../../templates/osc-provider/src/xml/icon.png");

/// User-owned XML samples: (file, text).
const XML_SAMPLES: &[(&str, &str)] = &[
    (
        "activityFeed.xml",
        include_str!("../../../templates/osc-provider/src/xml/activityFeed.xml"),
    ),
    (
        "capabilities.xml",
        include_str!("../../../templates/osc-provider/src/xml/capabilities.xml"),
    ),
    (
        "friends.xml",
        include_str!("../../../templates/osc-provider/src/xml/friends.xml"),
    ),
    (
        "person.xml",
        include_str!("../../../templates/osc-provider/src/xml/person.xml"),
    ),
];

/// Names stub bodies may use, with the module that provides them.
const HELPERS: &[(&str, &str)] = &[
    ("not_implemented", "crate::generated::probe"),
    ("bool_array", "crate::generated::oleaut"),
    ("bstr_array", "crate::generated::oleaut"),
    ("bstr_to_string", "crate::generated::oleaut"),
    ("byte_array", "crate::generated::oleaut"),
    ("read_bstr_array", "crate::generated::oleaut"),
    ("XmlWriter", "crate::generated::xml"),
    ("parse_hashed_addresses", "crate::generated::xml"),
    ("NETWORK_NAME", "crate::generated::identity"),
    ("PROVIDER_VERSION", "crate::generated::identity"),
    ("SITE_URL", "crate::generated::identity"),
    ("SOCIAL_NETWORK_GUID", "crate::generated::identity"),
    ("Person", "crate::person"),
    ("person_details", "crate::person"),
    ("Profile", "crate::profile"),
    ("Session", "crate::session"),
];

macro_rules! stub_template {
    ($name:ident, $path:literal) => {
        #[derive(Template)]
        #[template(path = $path, escape = "none")]
        // Every stub file gets the same fields; not every template uses all of them.
        #[allow(dead_code)]
        struct $name<'a> {
            imports: &'a str,
            impls: &'a str,
            crate_name: &'a str,
        }
    };
}

stub_template!(ProviderRs, "osc-provider/src/provider.rs");
stub_template!(SessionRs, "osc-provider/src/session.rs");
stub_template!(PersonRs, "osc-provider/src/person.rs");
stub_template!(ProfileRs, "osc-provider/src/profile.rs");

#[derive(Template)]
#[template(path = "osc-provider/tests/provider.rs", escape = "none")]
struct TestsRs<'a> {
    crate_ident: &'a str,
}

#[derive(Template)]
#[template(path = "osc-provider/README.md", escape = "none")]
struct ReadmeMd<'a> {
    network_name: &'a str,
    dll_name: &'a str,
    oscgen_version: &'a str,
    clsid_braced: &'a str,
    prog_id: &'a str,
}

fn object(file: &str, type_name: &str, implements: &[&str]) -> ObjectSpec {
    ObjectSpec {
        file: file.to_string(),
        type_name: type_name.to_string(),
        implements: implements.iter().map(|s| s.to_string()).collect(),
    }
}

pub fn plan(inputs: &Inputs, config: &Config) -> Result<crate::project::plan::Plan, Error> {
    let model = inputs.model;
    Project::require_interfaces(model, "osc-provider", OSC_INTERFACES)?;
    let mut p = Project::new(
        inputs,
        config,
        OSC_INTERFACES.iter().map(|s| s.to_string()).collect(),
        OSC_CONSTANTS,
    )?;
    p.require_constants("osc-provider")?;
    let network_name = config.network_name();
    let url = config.provider.url.as_deref().unwrap_or_default();
    let prog_id = config.provider.prog_id.as_str();

    let mut registration = Registration::new(&p.dll_name);
    registration.com_class(
        config.clsid(),
        prog_id,
        &format!("{network_name} Outlook Social Connector provider"),
    );
    registration.social_provider(prog_id, network_name, url);
    let classes = [Class {
        const_name: "CLSID_PROVIDER".into(),
        clsid: config.clsid(),
        create_path: "crate::provider::Provider".into(),
    }];
    let network = guid_tokens(
        config
            .network_guid()
            .expect("validated: osc-provider has a network GUID"),
    );
    let version = config.provider.version.as_deref().unwrap_or("1.0");
    let extra = quote! {
        /// The social network's GUID (oscgen.toml `provider.network_guid`). It must never change.
        pub const SOCIAL_NETWORK_GUID: windows_core::GUID = #network;
        pub const NETWORK_NAME: &str = #network_name;
        pub const SITE_URL: &str = #url;
        pub const PROVIDER_VERSION: &str = #version;
    };
    p.generated_files(&classes, &registration, extra, "provider.reg")?;

    p.common_user_files(&format!("Outlook Social Connector provider for {network_name}"))?;
    let readme = render(
        "README.md",
        &ReadmeMd {
            network_name,
            dll_name: &p.dll_name,
            oscgen_version: p.version,
            clsid_braced: &config.clsid().braced_upper(),
            prog_id,
        },
    )?;
    p.plan.add("README.md", readme, Ownership::User);
    p.lib_rs(
        &format!("{network_name}: an Outlook Social Connector provider, as an in-process COM server."),
        &["person", "profile", "provider", "session"],
        "the COM class and the Social Connector provider",
    )?;
    let tests = render(
        "tests/provider.rs",
        &TestsRs {
            crate_ident: &p.crate_ident,
        },
    )?;
    p.plan.add("tests/provider.rs", tests, Ownership::User);
    for (name, text) in XML_SAMPLES {
        p.plan.add(&format!("src/xml/{name}"), *text, Ownership::User);
    }
    p.plan.add("src/xml/icon.png", ICON, Ownership::User);

    let knowledge = KnowledgeBase::parse(STUBS, "$crate::generated::bindings::OSC_E_NOT_IMPLEMENTED")
        .expect("templates/osc-provider/stubs.toml is valid");
    let objects = [
        object("src/provider.rs", "Provider", &["ISocialProvider"]),
        object("src/session.rs", "Session", &["ISocialSession", "ISocialSession2"]),
        object("src/person.rs", "Person", &["ISocialPerson"]),
        object("src/profile.rs", "Profile", &["ISocialProfile"]),
    ];
    let crate_name = p.crate_name;
    let render_object = |o: &ObjectSpec, imports: &str, impls: &str| -> Result<String, Error> {
        let file = o.file.as_str();
        match file {
            "src/provider.rs" => render(
                "src/provider.rs",
                &ProviderRs {
                    imports,
                    impls,
                    crate_name,
                },
            ),
            "src/session.rs" => render(
                "src/session.rs",
                &SessionRs {
                    imports,
                    impls,
                    crate_name,
                },
            ),
            "src/person.rs" => render(
                "src/person.rs",
                &PersonRs {
                    imports,
                    impls,
                    crate_name,
                },
            ),
            _ => render(
                "src/profile.rs",
                &ProfileRs {
                    imports,
                    impls,
                    crate_name,
                },
            ),
        }
    };
    p.objects(&objects, &knowledge, HELPERS, &render_object)?;
    Ok(p.plan)
}
