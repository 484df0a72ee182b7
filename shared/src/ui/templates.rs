//! The templates: every page and email of the service, built in (`shared/templates/`),
//! each overridable by a file of the same name under the owner's `TEMPLATE_DIR`.
//! HTML templates (`.html`) escape every value by default; text and subject templates
//! are not HTML. Templates find their words in the catalogs with `t("message-id",
//! name=value, ...)`, in the language being rendered.
//!
//! An override that cannot be read, does not parse, names an unknown variable or
//! message, or fails in any other way is logged (`template_override_failed`, with the
//! template's name and the kind of error, never a value) and the built-in one is used.

use std::{
    path::PathBuf,
    sync::{Arc, OnceLock},
};

use fluent_bundle::FluentArgs;
use minijinja::{
    AutoEscape, Environment, Error, ErrorKind, Output, State, UndefinedBehavior, Value, context,
    escape_formatter, value::Kwargs,
};
use tracing::warn;

use super::{Lang, Ui, catalog};
use crate::escape::escape_html;

/// The built-in templates, by name.
const BUILT_IN: &[(&str, &str)] = &[
    (
        "email/layout.html",
        include_str!("../../templates/email/layout.html"),
    ),
    (
        "email/button.html",
        include_str!("../../templates/email/button.html"),
    ),
    (
        "email/footer.txt",
        include_str!("../../templates/email/footer.txt"),
    ),
    (
        "email/code.subject",
        include_str!("../../templates/email/code.subject"),
    ),
    (
        "email/code.html",
        include_str!("../../templates/email/code.html"),
    ),
    (
        "email/code.txt",
        include_str!("../../templates/email/code.txt"),
    ),
    (
        "email/existing-account.subject",
        include_str!("../../templates/email/existing-account.subject"),
    ),
    (
        "email/existing-account.html",
        include_str!("../../templates/email/existing-account.html"),
    ),
    (
        "email/existing-account.txt",
        include_str!("../../templates/email/existing-account.txt"),
    ),
    (
        "email/approval-request.subject",
        include_str!("../../templates/email/approval-request.subject"),
    ),
    (
        "email/approval-request.html",
        include_str!("../../templates/email/approval-request.html"),
    ),
    (
        "email/approval-request.txt",
        include_str!("../../templates/email/approval-request.txt"),
    ),
    (
        "email/password-link.subject",
        include_str!("../../templates/email/password-link.subject"),
    ),
    (
        "email/password-link.html",
        include_str!("../../templates/email/password-link.html"),
    ),
    (
        "email/password-link.txt",
        include_str!("../../templates/email/password-link.txt"),
    ),
    (
        "email/login-email-changed.subject",
        include_str!("../../templates/email/login-email-changed.subject"),
    ),
    (
        "email/login-email-changed.html",
        include_str!("../../templates/email/login-email-changed.html"),
    ),
    (
        "email/login-email-changed.txt",
        include_str!("../../templates/email/login-email-changed.txt"),
    ),
    (
        "email/password-changed.subject",
        include_str!("../../templates/email/password-changed.subject"),
    ),
    (
        "email/password-changed.html",
        include_str!("../../templates/email/password-changed.html"),
    ),
    (
        "email/password-changed.txt",
        include_str!("../../templates/email/password-changed.txt"),
    ),
    (
        "page/captcha.html",
        include_str!("../../templates/page/captcha.html"),
    ),
    (
        "page/code.html",
        include_str!("../../templates/page/code.html"),
    ),
    (
        "page/continue.html",
        include_str!("../../templates/page/continue.html"),
    ),
    (
        "page/email-field.html",
        include_str!("../../templates/page/email-field.html"),
    ),
    (
        "page/error.html",
        include_str!("../../templates/page/error.html"),
    ),
    (
        "page/forgot-sent.html",
        include_str!("../../templates/page/forgot-sent.html"),
    ),
    (
        "page/forgot.html",
        include_str!("../../templates/page/forgot.html"),
    ),
    (
        "page/hidden.html",
        include_str!("../../templates/page/hidden.html"),
    ),
    (
        "page/layout.html",
        include_str!("../../templates/page/layout.html"),
    ),
    (
        "page/link.html",
        include_str!("../../templates/page/link.html"),
    ),
    (
        "page/password-field.html",
        include_str!("../../templates/page/password-field.html"),
    ),
    (
        "page/pending.html",
        include_str!("../../templates/page/pending.html"),
    ),
    (
        "page/problem.html",
        include_str!("../../templates/page/problem.html"),
    ),
    (
        "page/reset-done.html",
        include_str!("../../templates/page/reset-done.html"),
    ),
    (
        "page/reset.html",
        include_str!("../../templates/page/reset.html"),
    ),
    (
        "page/session.html",
        include_str!("../../templates/page/session.html"),
    ),
    (
        "page/sign-in.html",
        include_str!("../../templates/page/sign-in.html"),
    ),
    (
        "page/sign-up.html",
        include_str!("../../templates/page/sign-up.html"),
    ),
    (
        "page/signing-in.html",
        include_str!("../../templates/page/signing-in.html"),
    ),
];

/// A built-in template failed: a defect of this service, which the tests render every
/// template of in every language to rule out.
#[derive(Debug, thiserror::Error)]
#[error("template {name} failed: {kind}")]
pub struct RenderError {
    pub name: String,
    pub kind: String,
}

fn built_in(name: &str) -> Option<&'static str> {
    BUILT_IN.iter().find(|(n, _)| *n == name).map(|(_, s)| *s)
}

/// `t("id", name=value, ...)`: the message in the language the template renders in.
fn translate(state: &State, id: &str, kwargs: Kwargs) -> Result<String, Error> {
    let lang = state
        .lookup("lang")
        .and_then(|v| v.as_str().and_then(Lang::from_tag))
        .unwrap_or(Lang::En);
    let mut args = FluentArgs::new();
    for name in kwargs.args() {
        let value: Value = kwargs.get(name)?;
        args.set(name.to_string(), value.to_string());
    }
    kwargs.assert_all_used()?;
    catalog::message(lang, id, &args).ok_or_else(|| {
        Error::new(
            ErrorKind::UndefinedError,
            format!("no message {id:?} in the catalogs"),
        )
    })
}

/// HTML values escaped as every other page of the service escapes them
/// (`escape::escape_html`: `& < > " '`), so a link reads the same in an email's HTML as
/// in its text (minijinja's own escaping also turns `/` into `&#x2f;`).
fn html_formatter(out: &mut Output, state: &mut State, value: &Value) -> Result<(), Error> {
    if *state.auto_escape() == AutoEscape::Html && !value.is_safe() && value.as_str().is_some() {
        let raw = value.as_str().unwrap_or_default();
        return out.write_str(&escape_html(raw)).map_err(Error::from);
    }
    escape_formatter(out, state, value)
}

fn environment() -> Environment<'static> {
    let mut env = Environment::new();
    env.set_formatter(html_formatter);
    // An unknown variable is an error (so a broken override is caught), but `{% if x %}`
    // on an absent setting is simply false.
    env.set_undefined_behavior(UndefinedBehavior::SemiStrict);
    env.add_function("t", translate);
    env
}

fn built_in_environment() -> &'static Environment<'static> {
    static ENV: OnceLock<Environment<'static>> = OnceLock::new();
    ENV.get_or_init(|| {
        let mut env = environment();
        env.set_loader(|name| Ok(built_in(name)));
        env
    })
}

/// The owner's templates first, then the built-in ones (an override may extend or
/// import a built-in template, or another override).
/// The owner's override directory, and the environment that reads it: built on the
/// first render and kept, so each override is read and compiled once per process (the
/// directory is a Lambda layer, which never changes under a running function).
#[derive(Clone, Debug)]
pub struct Overrides {
    dir: PathBuf,
    env: Arc<OnceLock<Environment<'static>>>,
}

impl Overrides {
    pub fn new(dir: PathBuf) -> Self {
        Self {
            dir,
            env: Arc::default(),
        }
    }

    fn environment(&self) -> &Environment<'static> {
        self.env
            .get_or_init(|| overriding_environment(self.dir.clone()))
    }
}

fn overriding_environment(dir: PathBuf) -> Environment<'static> {
    let mut env = environment();
    env.set_loader(move |name| {
        // Names are this service's own, never a request's; refuse anything else anyway.
        if name.contains("..") || name.starts_with('/') {
            return Ok(None);
        }
        match std::fs::read_to_string(dir.join(name)) {
            Ok(source) => Ok(Some(source)),
            Err(err) if err.kind() == std::io::ErrorKind::NotFound => {
                Ok(built_in(name).map(str::to_string))
            }
            Err(err) => Err(Error::new(
                ErrorKind::TemplateNotFound,
                format!("unreadable override: {}", err.kind()),
            )),
        }
    });
    env
}

fn render_in(env: &Environment<'_>, name: &str, ctx: &Value) -> Result<String, Error> {
    env.get_template(name)?.render(ctx)
}

impl Ui {
    /// Template `name` in `lang`, with `vars` and the site's branding: the owner's
    /// override if there is one that works, else the built-in template.
    pub fn render(&self, name: &str, lang: Lang, vars: Value) -> Result<String, RenderError> {
        let ctx = context! {
            lang => lang.code(),
            dir => lang.dir(),
            brand => self.brand.value(),
            ..vars
        };
        if let Some(overrides) = &self.overrides {
            match render_in(overrides.environment(), name, &ctx) {
                Ok(text) => return Ok(text),
                Err(err) => warn!(
                    event = "template_override_failed",
                    template = name,
                    kind = ?err.kind(),
                    line = err.line(),
                    "the template override failed; the built-in template is used"
                ),
            }
        }
        render_in(built_in_environment(), name, &ctx).map_err(|err| RenderError {
            name: name.to_string(),
            kind: format!("{:?}", err.kind()),
        })
    }

    /// The names of every built-in template, for tests and the gallery.
    pub fn built_in_names() -> impl Iterator<Item = &'static str> {
        BUILT_IN.iter().map(|(name, _)| *name)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_template_file_is_built_in() {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("templates");
        let mut files = Vec::new();
        for dir in ["email", "page"] {
            for entry in std::fs::read_dir(root.join(dir)).unwrap() {
                let name = entry.unwrap().file_name().into_string().unwrap();
                files.push(format!("{dir}/{name}"));
            }
        }
        files.sort();
        let mut built_in: Vec<String> = Ui::built_in_names().map(str::to_string).collect();
        built_in.sort();
        assert_eq!(files, built_in);
    }
}
