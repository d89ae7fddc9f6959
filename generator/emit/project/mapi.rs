//! The `mapi-session` template: a fake IMAPISession, with bindings for every interface the
//! session hands out, so the same project also serves as a client of real MAPI.

use askama::Template;

use crate::emit::project::plan::{Ownership, Plan};
use crate::emit::project::{Error, Inputs, ObjectSpec, Project, identity, render};
use crate::emit::registry::Registration;
use crate::emit::stubs::KnowledgeBase;
use crate::project::config::Config;

const STUBS: &str = include_str!("../../../templates/mapi-session/stubs.toml");

#[derive(Template)]
#[template(path = "mapi-session/src/session.rs", escape = "none")]
struct SessionRs<'a> {
    impls: &'a str,
}

#[derive(Template)]
#[template(path = "mapi-session/src/tests.rs", escape = "none")]
struct TestsRs;

#[derive(Template)]
#[template(path = "mapi-session/README.md", escape = "none")]
struct ReadmeMd<'a> {
    title: &'a str,
    dll_name: &'a str,
    oscgen_version: &'a str,
    clsid_braced: &'a str,
    prog_id: &'a str,
    /// The call log's environment variable and file (`trace`).
    log_env: &'a str,
    log_file: &'a str,
}

pub fn plan(inputs: &Inputs, config: &Config) -> Result<Plan, Error> {
    let mut p = Project::new(inputs, config)?;
    let title = config
        .provider
        .description
        .clone()
        .unwrap_or_else(|| format!("{} (a fake IMAPISession)", config.project.name));
    let mut registration = Registration::new(&p.dll_name);
    registration.com_class(
        config.clsid(),
        &config.provider.prog_id,
        &title,
        config.provider.threading,
    );
    p.generated_files(&registration, proc_macro2::TokenStream::new(), &[], &[])?;
    p.common_user_files(&title)?;
    let readme = render(
        "README.md",
        &ReadmeMd {
            title: &title,
            dll_name: &p.dll_name,
            oscgen_version: p.version,
            clsid_braced: &config.clsid().braced_upper(),
            prog_id: &config.provider.prog_id,
            log_env: &identity::log_env(config),
            log_file: &identity::log_file(config),
        },
    )?;
    p.plan.add("README.md", readme, Ownership::User);
    p.lib_rs(
        &format!("{title}: an in-process COM server."),
        &["session"],
        "the fake session's COM class",
    )?;
    let tests = render("src/tests.rs", &TestsRs)?;
    p.tests_rs(tests, "tests/session.rs");
    let knowledge = KnowledgeBase::parse(STUBS, "$crate::generated::bindings::MAPI_E_NO_SUPPORT")
        .expect("templates/mapi-session/stubs.toml is valid");
    let objects = p.object_specs();
    let render_object =
        |_: &ObjectSpec, impls: &str| -> Result<String, Error> { render("src/session.rs", &SessionRs { impls }) };
    p.objects(&objects, &knowledge, &render_object)?;
    Ok(p.plan)
}
