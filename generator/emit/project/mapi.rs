//! The `mapi-session` template.

use crate::emit::project::Error;
use crate::model::Model;
use crate::project::config::Config;
use crate::project::plan::Plan;

pub fn plan(_model: &Model, _config: &Config, _inputs: &str) -> Result<Plan, Error> {
    Err(Error::UnknownImplement("mapi-session".into()))
}
