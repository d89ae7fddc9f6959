//! The plan of an OSC provider project: every file, rendered from the model and the
//! project's configuration. Text files come from the askama templates in templates/,
//! Rust that follows the model from quote and prettyplease.

use askama::Template;
use quote::quote;

use crate::emit::bindings::{self, ident};
use crate::emit::format;
use crate::emit::registry::{self, RegKey};
use crate::emit::stubs::{KnowledgeBase, StubWriter};
use crate::model::Model;
use crate::project::config::Config;
use crate::project::plan::{Ownership, Plan, StubImpl};

/// The OSC interfaces a provider implements, and the class factory it serves them with.
pub const OSC_INTERFACES: &[&str] = &[
    "ISocialProvider",
    "ISocialSession",
    "ISocialSession2",
    "ISocialPerson",
    "ISocialProfile",
];

/// The OSC error constants the provider template's own code uses.
const OSC_CONSTANTS: &[&str] = &["OSC_E_NOT_IMPLEMENTED", "OSC_E_AUTH_ERROR", "OSC_E_NO_CHANGES"];

const STUBS: &str = include_str!("../../templates/osc-provider/stubs.toml");
const ICON: &[u8] = include_bytes!("../../templates/osc-provider/src/xml/icon.png");

/// Files copied verbatim into `src/generated/`.
const RUNTIME: &[(&str, &str)] = &[
    ("oleaut.rs", include_str!("../../templates/runtime/oleaut.rs")),
    ("registry.rs", include_str!("../../templates/runtime/registry.rs")),
    ("server.rs", include_str!("../../templates/runtime/server.rs")),
    ("xml.rs", include_str!("../../templates/runtime/xml.rs")),
];

/// User-owned XML samples: (file, text).
const XML_SAMPLES: &[(&str, &str)] = &[
    (
        "activityFeed.xml",
        include_str!("../../templates/osc-provider/src/xml/activityFeed.xml"),
    ),
    (
        "capabilities.xml",
        include_str!("../../templates/osc-provider/src/xml/capabilities.xml"),
    ),
    (
        "friends.xml",
        include_str!("../../templates/osc-provider/src/xml/friends.xml"),
    ),
    (
        "person.xml",
        include_str!("../../templates/osc-provider/src/xml/person.xml"),
    ),
];

/// Names stub bodies may use, with the module that provides them.
const HELPERS: &[(&str, &str)] = &[
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

#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("the osc-provider template needs interface `{0}`, which the input does not declare")]
    MissingInterface(String),
    #[error("the osc-provider template needs constant `{0}` (an OSC_E_* HRESULT), which the input does not declare")]
    MissingConstant(String),
    #[error(transparent)]
    Bindings(#[from] bindings::Error),
    #[error("template {0}: {1}")]
    Template(&'static str, askama::Error),
}

/// One object of the provider: its file, its Rust type, the interfaces it implements.
struct ObjectSpec {
    file: &'static str,
    type_name: &'static str,
    interfaces: &'static [&'static str],
}

const OBJECTS: &[ObjectSpec] = &[
    ObjectSpec {
        file: "src/provider.rs",
        type_name: "Provider",
        interfaces: &["ISocialProvider"],
    },
    ObjectSpec {
        file: "src/session.rs",
        type_name: "Session",
        interfaces: &["ISocialSession", "ISocialSession2"],
    },
    ObjectSpec {
        file: "src/person.rs",
        type_name: "Person",
        interfaces: &["ISocialPerson"],
    },
    ObjectSpec {
        file: "src/profile.rs",
        type_name: "Profile",
        interfaces: &["ISocialPerson", "ISocialProfile"],
    },
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
#[template(path = "osc-provider/src/lib.rs", escape = "none")]
struct LibRs<'a> {
    network_name: &'a str,
    dll_name: &'a str,
}

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

#[derive(Template)]
#[template(path = "common/Cargo.toml", escape = "none")]
struct CargoToml<'a> {
    crate_name: &'a str,
    description: &'a str,
}

#[derive(Template)]
#[template(path = "common/ci.yml", escape = "none")]
struct CiYml<'a> {
    oscgen_version: &'a str,
}

#[derive(Template)]
#[template(path = "common/provider.reg", escape = "none")]
struct ProviderReg<'a> {
    dll_name: &'a str,
    keys: &'a [RegKey],
}

fn render<T: Template>(name: &'static str, t: &T) -> Result<String, Error> {
    t.render().map_err(|e| Error::Template(name, e))
}

/// Every file of the project, for `new` and `generate`.
pub fn plan(model: &Model, config: &Config, inputs_description: &str) -> Result<Plan, Error> {
    for name in OSC_INTERFACES {
        if model.interface(name).is_none() {
            return Err(Error::MissingInterface(name.to_string()));
        }
    }
    for name in OSC_CONSTANTS {
        if model.constant(name).is_none() {
            return Err(Error::MissingConstant(name.to_string()));
        }
    }
    let version = env!("CARGO_PKG_VERSION");
    let crate_name = config.project.name.as_str();
    let crate_ident = crate_name.replace('-', "_");
    let dll_name = format!("{crate_ident}.dll");
    let network_name = config.provider.network_name.as_str();
    let header = [
        "Generated by oscgen and owned by it: `oscgen generate` rewrites this file, do not edit.",
        "",
    ];
    let mut plan = Plan::default();

    // oscgen's files.
    let mut bound: Vec<String> = OSC_INTERFACES.iter().map(|s| s.to_string()).collect();
    bound.push("IClassFactory".into());
    let bindings_header = format!("Interface bindings for {inputs_description}, in the windows-core 0.100 shape.");
    let bindings_rs = bindings::bindings(
        model,
        &bound,
        &[
            header[0],
            "",
            &bindings_header,
            "Every vtable entry catches panics (E_UNEXPECTED) and null out-pointers (E_POINTER).",
        ],
    )?;
    plan.add("src/generated/mod.rs", generated_mod(), Ownership::Generated);
    plan.add("src/generated/bindings.rs", bindings_rs, Ownership::Generated);
    plan.add("src/generated/identity.rs", identity_rs(config)?, Ownership::Generated);
    for (name, text) in RUNTIME {
        plan.add(&format!("src/generated/{name}"), *text, Ownership::Generated);
    }
    let keys = registry::osc_keys(config);
    plan.add(
        "provider.reg",
        render(
            "provider.reg",
            &ProviderReg {
                dll_name: &dll_name,
                keys: &keys,
            },
        )?,
        Ownership::Generated,
    );

    // The user's files.
    plan.add("oscgen.toml", config.to_toml(), Ownership::User);
    let description = format!("Outlook Social Connector provider for {network_name}");
    plan.add(
        "Cargo.toml",
        render(
            "Cargo.toml",
            &CargoToml {
                crate_name,
                description: &description.replace('"', "'"),
            },
        )?,
        Ownership::User,
    );
    plan.add(
        ".gitignore",
        include_str!("../../templates/common/gitignore"),
        Ownership::User,
    );
    plan.add(
        ".github/workflows/ci.yml",
        render(
            "ci.yml",
            &CiYml {
                oscgen_version: version,
            },
        )?,
        Ownership::User,
    );
    plan.add(
        "README.md",
        render(
            "README.md",
            &ReadmeMd {
                network_name,
                dll_name: &dll_name,
                oscgen_version: version,
                clsid_braced: &config.clsid().braced_upper(),
                prog_id: &config.provider.prog_id,
            },
        )?,
        Ownership::User,
    );
    plan.add(
        "src/lib.rs",
        render(
            "lib.rs",
            &LibRs {
                network_name,
                dll_name: &dll_name,
            },
        )?,
        Ownership::User,
    );
    plan.add(
        "tests/provider.rs",
        render(
            "tests/provider.rs",
            &TestsRs {
                crate_ident: &crate_ident,
            },
        )?,
        Ownership::User,
    );
    for (name, text) in XML_SAMPLES {
        plan.add(&format!("src/xml/{name}"), *text, Ownership::User);
    }
    plan.add("src/xml/icon.png", ICON, Ownership::User);

    let not_implemented = "OSC_E_NOT_IMPLEMENTED";
    let knowledge = KnowledgeBase::parse(STUBS, not_implemented).expect("templates/osc-provider/stubs.toml is valid");
    let mut writer = StubWriter::new(model, &bound, &knowledge);
    for object in OBJECTS {
        let mut impls = String::new();
        let mut specs = Vec::new();
        for (i, name) in object.interfaces.iter().enumerate() {
            let iface = model.interface(name).expect("checked above");
            if i > 0 {
                impls.push('\n');
            }
            impls.push_str(&writer.impl_block(iface, object.type_name));
            specs.push(StubImpl {
                trait_name: format!("{name}_Impl"),
                self_type: format!("{}_Impl", object.type_name),
                methods: writer.methods(iface),
            });
        }
        let impls = impls.trim_end();
        let draft = render_object(object.file, "", impls, crate_name)?;
        let imports = writer
            .imports(
                &draft,
                "crate::generated::bindings",
                "crate::generated::oleaut",
                HELPERS,
            )
            .join("\n");
        let text = render_object(object.file, &imports, impls, crate_name)?;
        let file = plan.add(object.file, text, Ownership::User);
        file.stubs = specs;
    }
    Ok(plan)
}

fn render_object(file: &'static str, imports: &str, impls: &str, crate_name: &str) -> Result<String, Error> {
    let text = match file {
        "src/provider.rs" => render(
            file,
            &ProviderRs {
                imports,
                impls,
                crate_name,
            },
        )?,
        "src/session.rs" => render(
            file,
            &SessionRs {
                imports,
                impls,
                crate_name,
            },
        )?,
        "src/person.rs" => render(
            file,
            &PersonRs {
                imports,
                impls,
                crate_name,
            },
        )?,
        _ => render(
            file,
            &ProfileRs {
                imports,
                impls,
                crate_name,
            },
        )?,
    };
    // An empty import list leaves a blank line where the `use` lines go.
    let mut out = text.replace("\n\n\n", "\n\n");
    if !out.ends_with('\n') {
        out.push('\n');
    }
    Ok(out)
}

fn generated_mod() -> String {
    let tokens = quote! {
        pub mod bindings;
        pub mod identity;
        pub mod oleaut;
        pub mod registry;
        pub mod server;
        pub mod xml;
    };
    format::rust_file(
        &[
            "Generated by oscgen and owned by it: `oscgen generate` rewrites this directory, do not edit.",
            "",
            "- `bindings`: the COM interfaces, their vtables and `_Impl` traits.",
            "- `identity`: the provider's CLSID, ProgID, network GUID and registry entries (from oscgen.toml).",
            "- `oleaut`: BSTR and SAFEARRAY (oleaut32 on Windows, a same-layout stand-in elsewhere).",
            "- `registry`: DllRegisterServer and DllUnregisterServer.",
            "- `server`: the class factory and DllGetClassObject / DllCanUnloadNow.",
            "- `xml`: escaping, a small writer, and the hashedAddresses reader for OSC documents.",
        ],
        tokens,
    )
    .expect("static tokens parse")
}

fn guid_tokens(g: crate::model::guid::Guid) -> proc_macro2::TokenStream {
    let hex = format!("{:032x}", g.0);
    let lit: proc_macro2::Literal = format!(
        "0x{}_{}_{}_{}_{}",
        &hex[0..8],
        &hex[8..12],
        &hex[12..16],
        &hex[16..20],
        &hex[20..]
    )
    .parse()
    .expect("literal");
    quote!(windows_core::GUID::from_u128(#lit))
}

fn identity_rs(config: &Config) -> Result<String, Error> {
    let clsid = guid_tokens(config.clsid());
    let network = guid_tokens(config.network_guid());
    let prog_id = &config.provider.prog_id;
    let network_name = &config.provider.network_name;
    let url = &config.provider.url;
    let version = &config.provider.version;
    let keys = registry::osc_keys(config);
    let values = keys.iter().flat_map(|k| {
        k.entries.iter().map(move |(name, value)| {
            let key = &k.path;
            quote!(RegValue { key: #key, name: #name, value: #value })
        })
    });
    let trees = registry::osc_trees(config);
    let provider = ident("Provider");
    let tokens = quote! {
        use super::registry::{self, RegValue};
        use super::server::Class;

        /// The provider's COM class ID (oscgen.toml `provider.clsid`).
        pub const CLSID_PROVIDER: windows_core::GUID = #clsid;
        /// The social network's GUID (oscgen.toml `provider.network_guid`). It must never change.
        pub const SOCIAL_NETWORK_GUID: windows_core::GUID = #network;
        pub const PROG_ID: &str = #prog_id;
        pub const NETWORK_NAME: &str = #network_name;
        pub const SITE_URL: &str = #url;
        pub const PROVIDER_VERSION: &str = #version;

        /// The classes DllGetClassObject serves.
        pub const CLASSES: &[Class] = &[Class { clsid: CLSID_PROVIDER, create: create_provider }];

        fn create_provider() -> windows_core::IUnknown {
            crate::provider::#provider::default().into()
        }

        /// Every value DllRegisterServer writes under HKEY_CURRENT_USER.
        pub const REGISTRY_VALUES: &[RegValue] = &[#(#values),*];
        /// The keys DllUnregisterServer removes: exactly the ones registration created.
        pub const REGISTRY_TREES: &[&str] = &[#(#trees),*];

        /// Registers the provider for the current user.
        pub fn register() -> windows_core::Result<()> {
            registry::register(REGISTRY_VALUES, &registry::dll_path()?)
        }

        /// Removes what [`register`] wrote.
        pub fn unregister() -> windows_core::Result<()> {
            registry::unregister(REGISTRY_TREES)
        }
    };
    Ok(format::rust_file(
        &[
            "Generated by oscgen and owned by it: `oscgen generate` rewrites this file, do not edit.",
            "",
            "The provider's identity, from oscgen.toml.",
        ],
        tokens,
    )
    .expect("identity tokens parse"))
}
