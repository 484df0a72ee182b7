//! The message catalogs: one Fluent file per language, compiled in and parsed on first
//! use. A message missing from a language is taken from English.

use std::sync::OnceLock;

use fluent_bundle::{FluentArgs, FluentResource, concurrent::FluentBundle};

use super::Lang;

type Bundle = FluentBundle<FluentResource>;

fn source(lang: Lang) -> &'static str {
    match lang {
        Lang::En => include_str!("../../locales/en.ftl"),
        Lang::Fr => include_str!("../../locales/fr.ftl"),
        Lang::Es => include_str!("../../locales/es.ftl"),
        Lang::Ar => include_str!("../../locales/ar.ftl"),
    }
}

fn bundle(lang: Lang) -> &'static Bundle {
    static BUNDLES: [OnceLock<Bundle>; 4] = [const { OnceLock::new() }; 4];
    let index = Lang::ALL.iter().position(|l| *l == lang).unwrap_or(0);
    BUNDLES[index].get_or_init(|| {
        // A catalog that does not parse whole keeps what did parse (the tests hold
        // every built-in catalog to parsing whole).
        let resource = FluentResource::try_new(source(lang).to_string())
            .unwrap_or_else(|(partial, _)| partial);
        let tag = lang.code().parse().unwrap_or_default();
        let mut bundle = Bundle::new_concurrent(vec![tag]);
        // Bidi isolation marks keep an address or a code in its own direction inside
        // right-to-left text; left-to-right text needs none.
        bundle.set_use_isolating(lang.dir() == "rtl");
        let _ = bundle.add_resource(resource);
        bundle
    })
}

/// Message `id` in `lang` (or English), with `args` filled in; `None` when no catalog
/// has it.
pub fn message(lang: Lang, id: &str, args: &FluentArgs<'_>) -> Option<String> {
    [lang, Lang::En].into_iter().find_map(|lang| {
        let bundle = bundle(lang);
        let pattern = bundle.get_message(id)?.value()?;
        let mut errors = Vec::new();
        let text = bundle.format_pattern(pattern, Some(args), &mut errors);
        errors.is_empty().then(|| text.into_owned())
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ids(lang: Lang) -> Vec<String> {
        let resource = FluentResource::try_new(source(lang).to_string())
            .unwrap_or_else(|(_, errors)| panic!("{lang:?} does not parse: {errors:?}"));
        resource
            .entries()
            .filter_map(|entry| match entry {
                fluent_syntax::ast::Entry::Message(m) => Some(m.id.name.to_string()),
                _ => None,
            })
            .collect()
    }

    #[test]
    fn every_catalog_parses_and_has_every_english_message() {
        let english = ids(Lang::En);
        assert!(english.len() > 20);
        for lang in Lang::ALL {
            let own = ids(lang);
            let missing: Vec<&String> = english.iter().filter(|id| !own.contains(id)).collect();
            assert!(missing.is_empty(), "{lang:?} lacks {missing:?}");
        }
    }

    #[test]
    fn messages_fill_in_their_arguments_and_isolate_them_in_right_to_left_text() {
        let mut args = FluentArgs::new();
        args.set("site", "Club");
        args.set("code", "123456");
        assert_eq!(
            message(Lang::En, "code-subject", &args).unwrap(),
            "Club: your verification code is 123456"
        );
        assert!(
            message(Lang::Fr, "code-subject", &args)
                .unwrap()
                .contains("123456")
        );
        let arabic = message(Lang::Ar, "code-subject", &args).unwrap();
        assert!(arabic.contains("\u{2068}123456\u{2069}"), "{arabic}");
        assert_eq!(message(Lang::Fr, "no-such-message", &args), None);
    }
}
