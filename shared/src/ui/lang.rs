//! The languages members are served in, and how one is chosen: the language a request
//! names, then the member's profile language, then the browser's `Accept-Language`,
//! then the site's language.

/// A language with a full catalog (`shared/locales/<code>.ftl`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Lang {
    En,
    Fr,
    Es,
    Ar,
}

impl Lang {
    pub const ALL: [Lang; 4] = [Lang::En, Lang::Fr, Lang::Es, Lang::Ar];

    /// The BCP 47 tag (`lang` attribute, `Content-Language`).
    pub fn code(self) -> &'static str {
        match self {
            Lang::En => "en",
            Lang::Fr => "fr",
            Lang::Es => "es",
            Lang::Ar => "ar",
        }
    }

    /// The writing direction (`dir` attribute).
    pub fn dir(self) -> &'static str {
        match self {
            Lang::Ar => "rtl",
            _ => "ltr",
        }
    }

    /// The language of a tag such as `fr`, `fr-CA` or `AR_eg` (its primary subtag), if
    /// it has a catalog.
    pub fn from_tag(tag: &str) -> Option<Lang> {
        let primary = tag.trim().split(['-', '_']).next()?;
        Lang::ALL
            .into_iter()
            .find(|lang| lang.code().eq_ignore_ascii_case(primary))
    }

    /// The most wanted language of an `Accept-Language` header that has a catalog
    /// (`q=0` means "not this one"; ties keep the header's order).
    pub fn from_accept_language(header: &str) -> Option<Lang> {
        let mut best: Option<(Lang, f32)> = None;
        for entry in header.split(',').take(32) {
            let mut parts = entry.split(';');
            let Some(lang) = parts.next().and_then(Lang::from_tag) else {
                continue;
            };
            let weight = parts
                .find_map(|p| p.trim().strip_prefix("q="))
                .map_or(Some(1.0), |q| q.trim().parse::<f32>().ok())
                .unwrap_or(0.0);
            if weight > 0.0 && best.is_none_or(|(_, w)| weight > w) {
                best = Some((lang, weight));
            }
        }
        best.map(|(lang, _)| lang)
    }
}

/// What a request says about the language it wants.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct LangPreference {
    /// Named by the request itself (a `language` field).
    pub requested: Option<Lang>,
    /// The browser's `Accept-Language`.
    pub accepted: Option<Lang>,
}

impl LangPreference {
    /// The language to answer in, given the member's profile language if known.
    pub fn resolve(&self, profile: Option<&str>, site: Lang) -> Lang {
        self.requested
            .or_else(|| profile.and_then(Lang::from_tag))
            .or(self.accepted)
            .unwrap_or(site)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tags_match_by_their_primary_subtag() {
        assert_eq!(Lang::from_tag("fr-CA"), Some(Lang::Fr));
        assert_eq!(Lang::from_tag("AR_eg"), Some(Lang::Ar));
        assert_eq!(Lang::from_tag(" es "), Some(Lang::Es));
        assert_eq!(Lang::from_tag("de"), None);
        assert_eq!(Lang::from_tag(""), None);
    }

    #[test]
    fn accept_language_takes_the_most_wanted_language_with_a_catalog() {
        assert_eq!(
            Lang::from_accept_language("de-DE,de;q=0.9,fr;q=0.8,en;q=0.5"),
            Some(Lang::Fr)
        );
        assert_eq!(Lang::from_accept_language("es;q=0.2, ar"), Some(Lang::Ar));
        assert_eq!(
            Lang::from_accept_language("fr;q=0, en;q=0.1"),
            Some(Lang::En)
        );
        assert_eq!(Lang::from_accept_language("fr;q=bad"), None);
        assert_eq!(Lang::from_accept_language("de, *"), None);
    }

    #[test]
    fn the_request_then_the_profile_then_the_browser_then_the_site() {
        let all = LangPreference {
            requested: Some(Lang::Es),
            accepted: Some(Lang::Fr),
        };
        assert_eq!(all.resolve(Some("ar"), Lang::En), Lang::Es);
        let browser = LangPreference {
            requested: None,
            accepted: Some(Lang::Fr),
        };
        assert_eq!(browser.resolve(Some("ar"), Lang::En), Lang::Ar);
        assert_eq!(browser.resolve(Some("de"), Lang::En), Lang::Fr);
        assert_eq!(LangPreference::default().resolve(None, Lang::Es), Lang::Es);
    }
}
