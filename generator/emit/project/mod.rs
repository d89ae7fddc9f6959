//! The plan of a generated project: every file, rendered from the model and the project's
//! configuration. Each template (OSC provider, MAPI session, generic COM server) is built
//! from the same pieces: the bindings, the server plumbing and identity, the registration,
//! stub objects, and the common user files. Text files come from the askama templates in
//! templates/, Rust that follows the model from quote and prettyplease.

pub mod addin;
mod com;
mod dispatch;
mod files;
mod identity;
mod installer;
mod invoke;
mod mapi;
mod osc;
pub mod plan;
pub mod typelib;

use crate::emit::bindings::{self, Selection, ServerSide, reach};
use crate::emit::format;
use crate::emit::probe;
use crate::emit::project::files::RuntimeModule;
use crate::emit::project::plan::{Dependency, ObjectDecl, Ownership, Plan, StubImpl};
use crate::emit::registry::Registration;
use crate::emit::stubs::{KnowledgeBase, StubWriter};
use crate::model::Model;
use crate::model::guid::Guid;
use crate::model::scope::Scope;
use crate::model::vtable::Vtable;
use crate::project::config::Config;
use crate::project::origin::Origin;
use crate::project::template::{Binding, Template};

#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("the {template} template needs interface `{name}`, which the input does not declare")]
    MissingInterface { template: Template, name: String },
    #[error("the {template} template needs constant `{name}`, which the input does not declare")]
    MissingConstant { template: Template, name: String },
    #[error("`{0}` is not an interface the input declares (check `input.implement` in oscgen.toml or --implement)")]
    UnknownImplement(String),
    #[error("`{0}` is not an interface the input declares (check `input.callbacks` in oscgen.toml)")]
    UnknownCallback(String),
    #[error(transparent)]
    Bindings(#[from] bindings::Error),
    #[error("type library: {0}")]
    Typelib(#[from] crate::typelib::writer::Error),
    #[error("template {0}: {1}")]
    Template(&'static str, askama::Error),
}

/// What a project is generated from.
pub struct Inputs<'a> {
    /// The model of the project's interfaces (its IDL, WinMD, or the built-in metadata).
    pub model: &'a Model,
    /// oscgen's own definitions of what the server's plumbing calls (IClassFactory), read
    /// from its built-in stand-ins whatever the inputs declare: the class factory and the
    /// DLL exports have one ABI, not one per way an input spells `REFIID`.
    pub plumbing: &'a Model,
    /// Where the interfaces come from, in words, for generated file headers.
    pub description: &'a str,
    /// Where this oscgen came from, for the CI workflow that installs it.
    pub oscgen: &'a Origin,
}

/// Every file of the project, for `new` and `generate`.
pub fn plan(inputs: &Inputs, config: &Config) -> Result<Plan, Error> {
    match config.project.template {
        Template::OscProvider => osc::plan(inputs, config),
        Template::MapiSession => mapi::plan(inputs, config),
        Template::ComServer => com::plan(inputs, config),
        Template::OutlookAddin => addin::plan(inputs, config),
    }
}

/// What a project's template asks its model for by name, so an input that can be read in
/// part is read only that far: a template that binds what it implements reads that and
/// what it reaches; the others read every interface of their inputs.
pub fn scope(config: &Config) -> Scope {
    let spec = config.project.template.spec();
    match spec.binding {
        Binding::Implemented => Scope::Closure {
            interfaces: [config.input.implement.clone(), config.input.callbacks.clone()].concat(),
            constants: spec.constants.iter().map(|c| c.to_string()).collect(),
        },
        Binding::Required | Binding::WholeInput => Scope::Everything,
    }
}

/// A template's text, ending with one newline as rustfmt and editors leave files (askama
/// drops the template file's last one).
/// The project's tests: unit tests of the DLL crate, since a library that is also an rlib
/// (which `tests/` would need) gets no LTO from cargo.
pub(crate) const TESTS_RS: &str = "src/tests.rs";

pub(crate) fn render<T: askama::Template>(name: &'static str, t: &T) -> Result<String, Error> {
    let mut text = t.render().map_err(|e| Error::Template(name, e))?;
    if !text.ends_with('\n') {
        text.push('\n');
    }
    Ok(text)
}

/// A class the DLL serves: `DllGetClassObject` creates `create_path::default()` for it.
pub(crate) struct Class {
    /// `CLSID_PROVIDER`.
    pub const_name: String,
    pub clsid: Guid,
    /// `crate::provider::Provider`.
    pub create_path: String,
}

/// One object of the project: its user-owned file, Rust type and interfaces.
pub(crate) struct ObjectSpec {
    pub file: String,
    pub type_name: String,
    /// The interfaces the object is declared with (`#[implement(...)]`); their bases get
    /// impl blocks too, because a derived `_Impl` trait requires the base's.
    pub implements: Vec<String>,
    /// The dual interface whose IDispatch oscgen implements (in `src/generated/`), if any:
    /// the user's file then has no IDispatch block.
    pub dispatch: Option<String>,
}

impl ObjectSpec {
    /// The interfaces whose impl blocks are the user's: [`Self::impl_interfaces`] but
    /// IDispatch when oscgen implements it.
    pub fn stub_interfaces(&self, model: &Model) -> Vec<String> {
        let mut out = self.impl_interfaces(model);
        if self.dispatch.is_some() {
            out.retain(|n| n != dispatch::INTERFACE);
        }
        out
    }

    /// Every interface needing an impl block, bases first, each once, IUnknown left out.
    pub fn impl_interfaces(&self, model: &Model) -> Vec<String> {
        let mut out: Vec<String> = Vec::new();
        for name in &self.implements {
            let Some(iface) = model.interface(name) else { continue };
            let mut chain: Vec<String> = Vtable::ancestors(model, iface).iter().map(|i| i.name.clone()).collect();
            chain.reverse();
            chain.push(name.clone());
            for n in chain {
                if n != "IUnknown" && !out.contains(&n) {
                    out.push(n);
                }
            }
        }
        out
    }
}

/// What every template shares while it is being planned.
pub(crate) struct Project<'a> {
    pub model: &'a Model,
    plumbing: &'a Model,
    description: &'a str,
    oscgen: &'a Origin,
    pub config: &'a Config,
    pub plan: Plan,
    /// Interfaces with full bindings: the implemented ones, their bases, and every
    /// interface their signatures reach.
    pub bound: Vec<String>,
    /// The interfaces bound with their server side, or empty for every bound one (the
    /// built-in templates, whose interfaces are all the provider's to implement).
    implementable: Vec<String>,
    /// Constants the template's own code uses, bound whether the input is the user's or not.
    pub crate_name: &'a str,
    pub dll_name: String,
    pub version: &'static str,
    /// The classes of `generated_files`: (CLSID, the type `DllGetClassObject` creates).
    classes: Vec<(Guid, String)>,
    /// Modules of `src/generated/` compiled for tests only, written by the template:
    /// (name, one line for the module list).
    pub test_modules: Vec<(&'static str, &'static str)>,
    /// Modules of `src/generated/` written by the template from the model (not copied
    /// from the runtime): (name, one line for the module list).
    pub modules: Vec<(&'static str, &'static str)>,
}

/// The interface the plumbing serves, from [`Inputs::plumbing`].
const FACTORY_INTERFACE: &str = "IClassFactory";

/// The CI workflow, the user's, whose first step installs oscgen.
pub const CI_WORKFLOW: &str = ".github/workflows/ci.yml";

pub(crate) const OWNED_HEADER: &str =
    "Generated by oscgen and owned by it: `oscgen generate` rewrites this file, do not edit.";

impl<'a> Project<'a> {
    /// The project of `config`'s template, once the model has what the template needs:
    /// its interfaces and constants, and the interfaces oscgen.toml asks it to implement.
    pub fn new(inputs: &Inputs<'a>, config: &'a Config) -> Result<Project<'a>, Error> {
        let model = inputs.model;
        let template = config.project.template;
        let spec = template.spec();
        for name in spec.required_interfaces {
            if model.interface(name).is_none() {
                return Err(Error::MissingInterface {
                    template,
                    name: name.to_string(),
                });
            }
        }
        for name in spec.constants {
            if model.constant(name).is_none() {
                return Err(Error::MissingConstant {
                    template,
                    name: name.to_string(),
                });
            }
        }
        let implemented: Vec<String> = match spec.binding {
            Binding::Required => spec.required_interfaces.iter().map(|s| s.to_string()).collect(),
            Binding::WholeInput => model.root_interfaces().map(|i| i.name.clone()).collect(),
            Binding::Implemented => {
                if let Some(name) = config.input.implement.iter().find(|n| model.interface(n).is_none()) {
                    return Err(Error::UnknownImplement(name.clone()));
                }
                config.input.implement.clone()
            }
        };
        if let Some(name) = config.input.callbacks.iter().find(|n| model.interface(n).is_none()) {
            return Err(Error::UnknownCallback(name.clone()));
        }
        // What the project implements: the class's interfaces, the callbacks, and their
        // bases (so every `_Impl` supertrait exists). What they reach is bound for calling.
        let implementable: Vec<String> = match spec.binding {
            Binding::Implemented => implemented.iter().chain(&config.input.callbacks).cloned().collect(),
            Binding::Required | Binding::WholeInput => Vec::new(),
        };
        let bound: Vec<String> = reach(model, &[implemented.clone(), config.input.callbacks.clone()].concat())?
            .iter()
            .map(|i| i.name.clone())
            .collect();
        let crate_name = config.project.name.as_str();
        let crate_ident = crate_name.replace('-', "_");
        Ok(Project {
            model,
            plumbing: inputs.plumbing,
            description: inputs.description,
            oscgen: inputs.oscgen,
            config,
            plan: Plan::default(),
            dll_name: format!("{crate_ident}.dll"),
            crate_name,
            bound,
            implementable,
            version: env!("CARGO_PKG_VERSION"),
            classes: Vec::new(),
            test_modules: Vec::new(),
            modules: Vec::new(),
        })
    }

    /// The template's objects, as this project names them.
    pub fn object_specs(&self) -> Vec<ObjectSpec> {
        let spec = self.config.project.template.spec();
        spec.objects
            .iter()
            .map(|o| ObjectSpec {
                file: o.file.to_string(),
                type_name: o
                    .type_name
                    .map_or_else(|| camel_case(&self.config.project.name), str::to_string),
                implements: if o.implements.is_empty() {
                    self.config.input.implement.clone()
                } else {
                    o.implements.iter().map(|s| s.to_string()).collect()
                },
                dispatch: None,
            })
            .collect()
    }

    /// The COM class the DLL serves: the template's first object, created by
    /// `DllGetClassObject` for oscgen.toml's CLSID, as `CLSID_SESSION` for a template's own
    /// type and `CLSID_MY_SERVER` for one named after the project.
    pub fn class(&self) -> Class {
        let spec = self.config.project.template.spec();
        let object = &self.object_specs()[0];
        let module = object.file.trim_start_matches("src/").trim_end_matches(".rs");
        let named = spec.objects[0]
            .type_name
            .unwrap_or(&self.config.project.name)
            .replace('-', "_");
        Class {
            const_name: format!("CLSID_{}", named.to_ascii_uppercase()),
            clsid: self.config.clsid(),
            create_path: format!("crate::{module}::{}", object.type_name),
        }
    }

    /// oscgen's files: src/generated/ (bindings, class factory, identity, runtime, vtable
    /// layout checks) and the .reg file.
    pub fn generated_files(
        &mut self,
        registration: &Registration,
        extra_identity: proc_macro2::TokenStream,
        prelude: &[(&str, &[&str])],
        runtime: &[RuntimeModule],
    ) -> Result<(), Error> {
        let spec = self.config.project.template.spec();
        let classes = [self.class()];
        self.classes = classes
            .iter()
            .map(|c| {
                let type_name = c.create_path.rsplit("::").next().unwrap_or(&c.create_path);
                (c.clsid, type_name.to_string())
            })
            .collect();
        let description = format!(
            "Interface bindings for {}, in the windows-core 0.100 shape.",
            self.description
        );
        let selection = Selection {
            interfaces: self.bound.clone(),
            constants: spec.constants.iter().map(|c| c.to_string()).collect(),
            root_constants: true,
            server: if self.implementable.is_empty() {
                ServerSide::Everything
            } else {
                ServerSide::Closure(self.implementable.clone())
            },
        };
        let text = bindings::bindings(
            self.model,
            &selection,
            &[
                OWNED_HEADER,
                "",
                &description,
                "Every vtable entry catches panics (E_UNEXPECTED) and null out-pointers (E_POINTER).",
            ],
        )?;
        self.plan.add(
            "src/generated/mod.rs",
            files::generated_mod(runtime, &self.modules, &self.test_modules),
            Ownership::Generated,
        );
        self.plan.add(
            "src/generated/prelude.rs",
            files::prelude(prelude),
            Ownership::Generated,
        );
        self.plan.add("src/generated/bindings.rs", text, Ownership::Generated);
        let factory = Selection {
            interfaces: vec![FACTORY_INTERFACE.into()],
            ..Selection::default()
        };
        let text = bindings::bindings(
            self.plumbing,
            &factory,
            &[
                OWNED_HEADER,
                "",
                "IClassFactory, as the class factory in `server` serves it: from oscgen's own",
                "definition, the same whatever the project's inputs declare.",
            ],
        )?;
        self.plan.add("src/generated/factory.rs", text, Ownership::Generated);
        self.plan.add(
            "src/generated/identity.rs",
            identity::identity_rs(self.config, &classes, registration, extra_identity),
            Ownership::Generated,
        );
        for (name, text) in files::RUNTIME {
            self.plan
                .add(&format!("src/generated/{name}"), *text, Ownership::Generated);
        }
        for module in std::iter::once(&files::TRACE_RUNTIME).chain(runtime) {
            self.plan.add(
                &format!("src/generated/{}.rs", module.name),
                module.text,
                Ownership::Generated,
            );
            let feature = module.optional.then(|| module.name.to_string());
            self.plan
                .dependencies
                .extend(module.dependencies.iter().map(|(name, version)| Dependency {
                    name: name.to_string(),
                    version: version.to_string(),
                    feature: feature.clone(),
                }));
        }
        // A crate always used is listed once, as required (sorted first: `None` < `Some`).
        self.plan.dependencies.sort();
        self.plan.dependencies.dedup_by(|a, b| a.name == b.name);
        // Earlier versions gave every template the OSC runtime.
        if !runtime.iter().any(|m| m.name == files::XML_RUNTIME.name) {
            self.plan.retired.push("src/generated/xml.rs".into());
        }
        let reg = files::reg_file(&self.dll_name, registration)?;
        self.plan.add(spec.reg_file, reg, Ownership::Generated);
        let what = format!("{} ({})", self.dll_name, self.config.provider.prog_id);
        // The class's description, as the CLSID key's default value has it.
        let product = registration
            .keys
            .first()
            .and_then(|k| k.entries.iter().find(|(name, _)| name.is_empty()))
            .and_then(|(_, value)| value.as_str())
            .unwrap_or(self.crate_name);
        let installer = installer::Installer {
            crate_name: self.crate_name,
            dll_name: &self.dll_name,
            product,
            what: &what,
            clsid: self.config.clsid(),
            registration,
        };
        for (path, contents) in installer::files(&installer, spec.social_network)? {
            self.plan.add(&path, contents, Ownership::Generated);
        }
        let layout = files::layout_test(&[
            (self.model, &self.bound, "bindings"),
            (self.plumbing, &[FACTORY_INTERFACE.to_string()], "factory"),
        ]);
        self.plan.add("src/generated/layout.rs", layout, Ownership::Generated);
        // Earlier versions kept the layout checks in tests/, where `cargo fmt` reformatted them.
        self.plan.retired.push("tests/vtable_layout.rs".into());
        for file in &mut self.plan.files {
            if file.ownership == Ownership::Generated && file.path.extension().is_some_and(|e| e == "rs") {
                file.contents = format::skip_rustfmt(&String::from_utf8_lossy(&file.contents)).into_bytes();
            }
        }
        Ok(())
    }

    /// The user files every template has: oscgen.toml, Cargo.toml, .gitignore, CI workflow.
    pub fn common_user_files(&mut self, description: &str) -> Result<(), Error> {
        self.plan.add("oscgen.toml", self.config.to_toml(), Ownership::User);
        let cargo = files::cargo_toml(
            self.crate_name,
            description,
            &self.plan.dependencies,
            &self.plan.build_dependencies,
        )?;
        self.plan.add("Cargo.toml", cargo, Ownership::User);
        self.plan.add(".gitignore", files::GITIGNORE, Ownership::User);
        let ci = files::ci_yml(self.oscgen)?;
        self.plan.add(CI_WORKFLOW, ci, Ownership::User);
        Ok(())
    }

    /// `src/tests.rs`, the user's; `earlier` is where projects generated before it moved
    /// there keep the same file.
    pub fn tests_rs(&mut self, contents: String, earlier: &str) {
        self.plan.add(TESTS_RS, contents, Ownership::User);
        self.plan.earlier_tests = Some(earlier.into());
    }

    /// `src/lib.rs`, the user's: `title` heads it, `modules` are the stub files' modules.
    pub fn lib_rs(&mut self, title: &str, modules: &[&str], registers: &str) -> Result<(), Error> {
        let lib = files::lib_rs(title, &self.dll_name, modules, registers)?;
        self.plan.add("src/lib.rs", lib, Ownership::User);
        Ok(())
    }

    /// The user-owned stub files: one per object, with an impl block per interface.
    pub fn objects(
        &mut self,
        objects: &[ObjectSpec],
        knowledge: &KnowledgeBase,
        render_object: &dyn Fn(&ObjectSpec, &str) -> Result<String, Error>,
    ) -> Result<(), Error> {
        let mut writer = StubWriter::new(self.model, &self.bound, knowledge);
        let interfaces: Vec<String> = objects.iter().flat_map(|o| o.impl_interfaces(self.model)).collect();
        let table = probe::Table::new(self.model, &interfaces);
        self.plan.add(
            "src/generated/probe.rs",
            // Added after `generated_files`: it needs the objects. Owned, so rustfmt skips it too.
            format::skip_rustfmt(&probe::probe_rs(&table, &knowledge.not_implemented)),
            Ownership::Generated,
        );
        self.plan.probe = probe::ProbeInfo {
            table,
            objects: objects
                .iter()
                .map(|o| probe::ProbeObject {
                    clsid: self.classes.iter().find(|(_, t)| *t == o.type_name).map(|(c, _)| *c),
                    file: o.file.clone(),
                    type_name: o.type_name.clone(),
                    implements: o.implements.clone(),
                    interfaces: o.impl_interfaces(self.model),
                })
                .collect(),
            dll_name: self.dll_name.clone(),
            prog_id: self.config.provider.prog_id.clone(),
        };
        for object in objects {
            let mut impls = String::new();
            let mut specs = Vec::new();
            for name in object.stub_interfaces(self.model) {
                let iface = self
                    .model
                    .interface(&name)
                    .ok_or_else(|| Error::UnknownImplement(name.clone()))?;
                if !impls.is_empty() {
                    impls.push('\n');
                }
                impls.push_str(&writer.impl_block(iface, &object.type_name));
                specs.push(StubImpl {
                    trait_name: format!("{name}_Impl"),
                    self_type: format!("{}_Impl", object.type_name),
                    methods: writer.methods(iface),
                });
            }
            let impls = impls.trim_end();
            let text = tidy(render_object(object, impls)?);
            let file = self.plan.add(&object.file, text, Ownership::User);
            file.stubs = specs;
            file.objects = vec![ObjectDecl {
                type_name: object.type_name.clone(),
                implements: object.implements.clone(),
                impl_interfaces: object.impl_interfaces(self.model),
                generated_impls: object
                    .dispatch
                    .iter()
                    .map(|_| dispatch::INTERFACE.to_string())
                    .collect(),
            }];
        }
        Ok(())
    }
}

impl Project<'_> {
    /// Keeps the impl blocks of a test object in the user's file `path` complete, as
    /// [`Project::objects`] does for the objects in src/: `blocks` are (interface, type).
    pub fn test_object_stubs(
        &mut self,
        path: &str,
        not_implemented: &str,
        blocks: &[(&str, &str)],
    ) -> Result<(), Error> {
        let knowledge = KnowledgeBase::empty(not_implemented);
        let mut writer = StubWriter::new(self.model, &self.bound, &knowledge).without_probe();
        let mut specs = Vec::new();
        for (interface, type_name) in blocks {
            let iface = self
                .model
                .interface(interface)
                .ok_or_else(|| Error::UnknownImplement(interface.to_string()))?;
            specs.push(StubImpl {
                trait_name: format!("{interface}_Impl"),
                self_type: format!("{type_name}_Impl"),
                methods: writer.methods(iface),
            });
        }
        if let Some(file) = self
            .plan
            .files
            .iter_mut()
            .find(|f| f.path == std::path::Path::new(path))
        {
            file.stubs = specs;
        }
        Ok(())
    }
}

/// An empty import list leaves a blank line where the `use` lines go.
fn tidy(text: String) -> String {
    let mut out = text.replace("\n\n\n", "\n\n");
    if !out.ends_with('\n') {
        out.push('\n');
    }
    out
}

/// `Provider` from `my-provider`, `Calculator` from `calculator`.
pub(crate) fn camel_case(name: &str) -> String {
    name.split(['-', '_'])
        .filter(|w| !w.is_empty())
        .map(|w| {
            let mut c = w.chars();
            c.next()
                .map(|f| f.to_ascii_uppercase().to_string() + c.as_str())
                .unwrap_or_default()
        })
        .collect()
}
