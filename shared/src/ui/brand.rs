//! The site's branding, from settings: its name, logo, accent colour, support address
//! and terms and privacy links. Checked when read, since a colour goes into a style
//! attribute and links into `href`s, where HTML escaping alone is not enough.

use minijinja::{Value, context};

/// The accent colour when none is set: white text on it has a contrast of 6.7:1.
pub const DEFAULT_ACCENT: &str = "#1d4ed8";

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Brand {
    pub site: String,
    pub logo_url: Option<String>,
    /// `#rrggbb`.
    pub accent: String,
    pub support_email: Option<String>,
    pub terms_url: Option<String>,
    pub privacy_url: Option<String>,
}

impl Brand {
    /// Just a name, in the default look.
    pub fn named(site: &str) -> Self {
        Self {
            site: site.to_string(),
            logo_url: None,
            accent: DEFAULT_ACCENT.to_string(),
            support_email: None,
            terms_url: None,
            privacy_url: None,
        }
    }

    /// The text colour readable on the accent (WCAG AA asks 4.5:1): black or white,
    /// whichever contrasts more.
    pub fn accent_text(&self) -> &'static str {
        let luminance = relative_luminance(&self.accent).unwrap_or(0.0);
        let on_white = 1.05 / (luminance + 0.05);
        let on_black = (luminance + 0.05) / 0.05;
        if on_white >= on_black {
            "#ffffff"
        } else {
            "#000000"
        }
    }

    /// What templates see as `brand`.
    pub fn value(&self) -> Value {
        context! {
            site => self.site.clone(),
            logo_url => self.logo_url.clone(),
            accent => self.accent.clone(),
            accent_text => self.accent_text(),
            support_email => self.support_email.clone(),
            terms_url => self.terms_url.clone(),
            privacy_url => self.privacy_url.clone(),
        }
    }
}

/// A colour setting: `#rrggbb`, nothing else.
pub fn parse_colour(raw: &str) -> Result<String, String> {
    let raw = raw.trim();
    match raw.strip_prefix('#') {
        Some(hex) if hex.len() == 6 && hex.chars().all(|c| c.is_ascii_hexdigit()) => {
            Ok(raw.to_ascii_lowercase())
        }
        _ => Err(format!("expected a colour as #rrggbb, got {raw:?}")),
    }
}

/// A link setting: an `https://` URL (or `http://` on loopback, for local runs) with
/// nothing that could leave an attribute.
pub fn parse_link(raw: &str) -> Result<String, String> {
    let raw = raw.trim();
    let local = ["http://127.0.0.1", "http://localhost"]
        .iter()
        .any(|prefix| raw.starts_with(prefix));
    let clean = !raw
        .chars()
        .any(|c| c.is_whitespace() || "\"'<>`\\".contains(c));
    if (raw.starts_with("https://") || local) && clean && raw.len() <= 2048 {
        Ok(raw.to_string())
    } else {
        Err(format!(
            "expected an https:// URL without spaces or quotes, got {raw:?}"
        ))
    }
}

fn relative_luminance(hex: &str) -> Option<f64> {
    let hex = hex.strip_prefix('#')?;
    let channel = |i: usize| -> Option<f64> {
        let v = f64::from(u8::from_str_radix(hex.get(i..i + 2)?, 16).ok()?) / 255.0;
        Some(if v <= 0.03928 {
            v / 12.92
        } else {
            ((v + 0.055) / 1.055).powf(2.4)
        })
    };
    Some(0.2126 * channel(0)? + 0.7152 * channel(2)? + 0.0722 * channel(4)?)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn colours_and_links_that_could_leave_their_attribute_are_refused() {
        assert_eq!(parse_colour(" #1D4ED8 ").unwrap(), "#1d4ed8");
        assert!(parse_colour("red").is_err());
        assert!(parse_colour("#12345g").is_err());
        assert!(parse_colour("#123456;background:url(x)").is_err());
        assert!(parse_link("https://site.example/terms").is_ok());
        assert!(parse_link("http://127.0.0.1:8080/logo.png").is_ok());
        assert!(parse_link("http://site.example/terms").is_err());
        assert!(parse_link("javascript:alert(1)").is_err());
        assert!(parse_link("https://x.example/\"onmouseover=x").is_err());
    }

    #[test]
    fn the_accent_text_is_the_more_readable_of_black_and_white() {
        let mut brand = Brand::named("Site");
        assert_eq!(brand.accent_text(), "#ffffff");
        brand.accent = "#ffd60a".into();
        assert_eq!(brand.accent_text(), "#000000");
    }
}
