//! The `osc-provider` template: an Outlook Social Connector provider.

use askama::Template;
use quote::quote;

use crate::emit::format;
use crate::emit::project::identity::{self, guid_tokens};
use crate::emit::project::plan::Ownership;
use crate::emit::project::{Error, Inputs, ObjectSpec, Project, TESTS_RS, files, render};
use crate::emit::registry::Registration;
use crate::emit::stubs::KnowledgeBase;
use crate::project::config::Config;

const STUBS: &str = include_str!("../../../templates/osc-provider/stubs.toml");
const ICON: &[u8] = include_bytes!("../../../templates/osc-provider/src/xml/icon.png");
const CONTEXT: &str = include_str!("../../../templates/osc-provider/src/context.rs");

/// What the prelude adds for the OSC stubs, with the module of `src/generated/` that
/// provides each name.
const PRELUDE: &[(&str, &[&str])] = &[
    (
        "identity",
        &["NETWORK_NAME", "PROVIDER_VERSION", "SITE_URL", "SOCIAL_NETWORK_GUID"],
    ),
    (
        "oleaut",
        &[
            "bool_array",
            "bstr_array",
            "bstr_to_string",
            "byte_array",
            "read_bstr_array",
        ],
    ),
    ("error", &["ErrorKind", "ProviderError", "ProviderResult"]),
    (
        "xml",
        &[
            "HashFunction",
            "HashedAddresses",
            "PersonAddresses",
            "XmlWriter",
            "parse_hashed_addresses",
        ],
    ),
    ("document", &["Document"]),
    ("cache", &["Cache"]),
    ("date", &["Date", "DateTime"]),
    (
        "osc",
        &["Capabilities", "FriendStatus", "Friends", "Gender", "PersonDetails"],
    ),
    (
        "activity",
        &[
            "ActivityDetails",
            "ActivityFeed",
            "ActivityTemplate",
            "ActivityTemplateContainer",
            "ActivityType",
            "SimpleTemplateVariable",
            "SimpleVariableType",
            "TemplateVariable",
            "VariableType",
        ],
    ),
];

macro_rules! stub_template {
    ($name:ident, $path:literal) => {
        #[derive(Template)]
        #[template(path = $path, escape = "none")]
        // Every stub file gets the same fields; not every template uses all of them.
        #[allow(dead_code)]
        struct $name<'a> {
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
#[template(path = "osc-provider/src/tests.rs", escape = "none")]
struct TestsRs;

/// The host simulator's modules besides mod.rs, copied verbatim into `src/generated/host/`.
const HOST_MODULES: &[(&str, &str)] = &[
    (
        "report.rs",
        include_str!("../../../templates/osc-provider/host/report.rs"),
    ),
    (
        "sequence.rs",
        include_str!("../../../templates/osc-provider/host/sequence.rs"),
    ),
    (
        "session.rs",
        include_str!("../../../templates/osc-provider/host/session.rs"),
    ),
    ("xml.rs", include_str!("../../../templates/osc-provider/host/xml.rs")),
];

#[derive(Template)]
#[template(path = "osc-provider/host/mod.rs", escape = "none")]
struct HostRs<'a> {
    dll_name: &'a str,
}

#[derive(Template)]
#[template(path = "osc-provider/README.md", escape = "none")]
struct ReadmeMd<'a> {
    network_name: &'a str,
    dll_name: &'a str,
    oscgen_version: &'a str,
    clsid_braced: &'a str,
    prog_id: &'a str,
    /// The call log's environment variable and file (`trace`).
    log_env: &'a str,
    log_file: &'a str,
}

pub fn plan(inputs: &Inputs, config: &Config) -> Result<crate::emit::project::plan::Plan, Error> {
    let mut p = Project::new(inputs, config)?;
    let network_name = config.network_name();
    let url = config.provider.url.as_deref().unwrap_or_default();
    let prog_id = config.provider.prog_id.as_str();

    let mut registration = Registration::new(&p.dll_name);
    registration.com_class(
        config.clsid(),
        prog_id,
        &format!("{network_name} Outlook Social Connector provider"),
        config.provider.threading,
    );
    registration.social_provider(prog_id, network_name, url);
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
    p.test_modules.push((
        "host",
        "Outlook's call sequence against this provider, the host simulator `oscgen host` runs.",
    ));
    p.generated_files(
        &registration,
        extra,
        PRELUDE,
        &[
            files::ERROR_RUNTIME,
            files::XML_RUNTIME,
            files::DOCUMENT_RUNTIME,
            files::DATE_RUNTIME,
            files::OSC_RUNTIME,
            files::ACTIVITY_RUNTIME,
            files::CACHE_RUNTIME,
            files::HTTP_RUNTIME,
        ],
    )?;

    p.common_user_files(&format!("Outlook Social Connector provider for {network_name}"))?;
    let readme = render(
        "README.md",
        &ReadmeMd {
            network_name,
            dll_name: &p.dll_name,
            oscgen_version: p.version,
            clsid_braced: &config.clsid().braced_upper(),
            prog_id,
            log_env: &identity::log_env(config),
            log_file: &identity::log_file(config),
        },
    )?;
    p.plan.add("README.md", readme, Ownership::User);
    p.lib_rs(
        &format!("{network_name}: an Outlook Social Connector provider, as an in-process COM server."),
        &["context", "person", "profile", "provider", "session"],
        "the COM class and the Social Connector provider",
    )?;
    let tests = render("src/tests.rs", &TestsRs)?;
    p.tests_rs(tests, "tests/provider.rs");
    p.test_object_stubs(TESTS_RS, "OSC_E_NOT_IMPLEMENTED", &[("ISocialPerson", "Panicking")])?;
    let host = render("host/mod.rs", &HostRs { dll_name: &p.dll_name })?;
    // Owned by oscgen, so out of rustfmt's reach like the rest of src/generated/.
    p.plan.add(
        "src/generated/host/mod.rs",
        format::skip_rustfmt(&host),
        Ownership::Generated,
    );
    for (name, text) in HOST_MODULES {
        p.plan.add(
            &format!("src/generated/host/{name}"),
            format::skip_rustfmt(text),
            Ownership::Generated,
        );
    }
    // Earlier versions kept the host in tests/, as an integration test of the rlib.
    for name in ["main.rs", "report.rs", "sequence.rs", "session.rs", "xml.rs"] {
        p.plan.retired.push(format!("tests/host/{name}").into());
    }
    p.plan.add("src/xml/icon.png", ICON, Ownership::User);
    p.plan.add("src/context.rs", CONTEXT, Ownership::User);

    let knowledge = KnowledgeBase::parse(STUBS, "$crate::generated::bindings::OSC_E_NOT_IMPLEMENTED")
        .expect("templates/osc-provider/stubs.toml is valid");
    let objects = p.object_specs();
    let crate_name = p.crate_name;
    let render_object = |o: &ObjectSpec, impls: &str| -> Result<String, Error> {
        let file = o.file.as_str();
        match file {
            "src/provider.rs" => render("src/provider.rs", &ProviderRs { impls, crate_name }),
            "src/session.rs" => render("src/session.rs", &SessionRs { impls, crate_name }),
            "src/person.rs" => render("src/person.rs", &PersonRs { impls, crate_name }),
            _ => render("src/profile.rs", &ProfileRs { impls, crate_name }),
        }
    };
    p.objects(&objects, &knowledge, &render_object)?;
    Ok(p.plan)
}
