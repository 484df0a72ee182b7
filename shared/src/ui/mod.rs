//! What members see, in their language and in the site's look: the languages
//! ([`lang`]), their message catalogs ([`catalog`], Fluent), the site's branding
//! ([`brand`]) and the templates ([`templates`], minijinja) that put them together.
//! Every template is built in; a site owner may override any of them from a directory
//! (`TEMPLATE_DIR`), and an override that fails falls back to the built-in one.

pub mod brand;
pub mod catalog;
pub mod lang;
pub mod templates;

pub use brand::Brand;
pub use lang::{Lang, LangPreference};
pub use templates::{Overrides, RenderError};

/// The site's presentation settings.
#[derive(Clone, Debug)]
pub struct Ui {
    pub brand: Brand,
    /// The language of what goes to the site owner, and of members whose language is
    /// not known.
    pub site_lang: Lang,
    /// Where the owner's template overrides are (`TEMPLATE_DIR`).
    pub overrides: Option<Overrides>,
}
