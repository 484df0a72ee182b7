//! The emails: each is a [`Letter`], rendered by the site's templates (`ui`) in the
//! recipient's language, as a subject, HTML and plain text. Anything a member typed is
//! escaped before it reaches HTML (the HTML templates escape by default).

use minijinja::{Value, context};

use crate::ui::{Lang, RenderError, Ui};

#[derive(Debug, Clone)]
pub struct Email {
    pub subject: String,
    pub html: String,
    pub text: String,
}

/// Which password email a recovery link goes out in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PasswordMail {
    /// The member asked to reset a forgotten password.
    Reset,
    /// The site asked for the member to set one (`sendSetPasswordEmail`,
    /// `sendActivationEmail`); the site may leave out the "if you did not ask for it"
    /// note (`hideIgnoreMessage`), since the member did not ask.
    SetPassword { ignore_note: bool },
}

/// Every email the service sends.
#[derive(Debug, Clone, Copy)]
pub enum Letter<'a> {
    /// The 6-digit code of the headless registration or login.
    VerificationCode { code: &'a str },
    /// Sent instead of a code when someone registers an address that has a member:
    /// the owner of the address learns of it, the registrant learns nothing.
    ExistingAccount { recovery_link: &'a str },
    /// Sent to the site owner when manual approval is on.
    ApprovalRequest {
        member_email: &'a str,
        approve_link: &'a str,
    },
    /// A password reset (recovery) or first password (set-password) link.
    PasswordLink { link: &'a str, kind: PasswordMail },
    /// Sent to the old address when the login email changes.
    LoginEmailChanged { new_email: &'a str },
    /// Sent when a signed-in member changes its password, so a change the member did
    /// not make does not go unnoticed.
    PasswordChanged,
}

impl Letter<'_> {
    /// The templates' name (`email/<name>.subject|.html|.txt`) and their variables.
    fn template(&self) -> (&'static str, Value) {
        match *self {
            Letter::VerificationCode { code } => ("code", context! { code }),
            Letter::ExistingAccount { recovery_link } => {
                ("existing-account", context! { link => recovery_link })
            }
            Letter::ApprovalRequest {
                member_email,
                approve_link,
            } => (
                "approval-request",
                context! { member => member_email, link => approve_link },
            ),
            Letter::PasswordLink { link, kind } => {
                let (first_password, ignore_note) = match kind {
                    PasswordMail::Reset => (false, true),
                    PasswordMail::SetPassword { ignore_note } => (true, ignore_note),
                };
                (
                    "password-link",
                    context! { link, first_password, ignore_note },
                )
            }
            Letter::LoginEmailChanged { new_email } => {
                ("login-email-changed", context! { new_email })
            }
            Letter::PasswordChanged => ("password-changed", context! {}),
        }
    }
}

/// `letter` in `lang`, in the site's templates.
pub fn compose(ui: &Ui, lang: Lang, letter: &Letter<'_>) -> Result<Email, RenderError> {
    let (name, vars) = letter.template();
    let subject = ui.render(&format!("email/{name}.subject"), lang, vars.clone())?;
    // A subject is one line, whatever an override left in it.
    let subject = subject.split_whitespace().collect::<Vec<_>>().join(" ");
    let with_subject = context! { subject => subject.clone(), ..vars };
    Ok(Email {
        html: ui.render(&format!("email/{name}.html"), lang, with_subject.clone())?,
        text: ui.render(&format!("email/{name}.txt"), lang, with_subject)?,
        subject,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ui::Brand;

    fn ui() -> Ui {
        Ui {
            brand: Brand::named("Site"),
            site_lang: Lang::En,
            overrides: None,
        }
    }

    fn every_letter() -> Vec<Letter<'static>> {
        vec![
            Letter::VerificationCode { code: "123456" },
            Letter::ExistingAccount {
                recovery_link: "https://x/r?token=a&b",
            },
            Letter::ApprovalRequest {
                member_email: "<script>@x.com",
                approve_link: "https://x/approve?token=a&b",
            },
            Letter::PasswordLink {
                link: "https://x/reset?token=t",
                kind: PasswordMail::Reset,
            },
            Letter::PasswordLink {
                link: "https://x/reset?token=t",
                kind: PasswordMail::SetPassword { ignore_note: false },
            },
            Letter::LoginEmailChanged {
                new_email: "new@x.com",
            },
            Letter::PasswordChanged,
        ]
    }

    #[test]
    fn member_input_is_escaped_in_html() {
        let letter = Letter::ApprovalRequest {
            member_email: "<script>@x.com",
            approve_link: "https://x/approve?token=a&b",
        };
        let email = compose(&ui(), Lang::En, &letter).unwrap();
        assert!(email.html.contains("&lt;script&gt;@x.com"));
        assert!(!email.html.contains("<script>"));
        assert!(email.html.contains("token=a&amp;b"));
        assert!(email.text.contains("https://x/approve?token=a&b"));
        assert_eq!(email.subject, "Site: a new member is waiting for approval");
    }

    #[test]
    fn every_letter_renders_in_every_language_with_its_direction() {
        for lang in Lang::ALL {
            for letter in every_letter() {
                let email = compose(&ui(), lang, &letter)
                    .unwrap_or_else(|e| panic!("{letter:?} in {lang:?}: {e}"));
                assert!(!email.subject.is_empty() && !email.subject.contains('\n'));
                let opening = format!("<html lang=\"{}\" dir=\"{}\">", lang.code(), lang.dir());
                assert!(email.html.contains(&opening), "{letter:?} in {lang:?}");
                assert!(email.text.starts_with("Site\n"), "{letter:?} in {lang:?}");
            }
        }
        let code = compose(&ui(), Lang::Fr, &every_letter()[0]).unwrap();
        assert_eq!(code.subject, "Site : votre code de vérification est 123456");
        assert!(code.text.contains("123456"));
    }

    #[test]
    fn the_set_password_email_may_leave_out_the_ignore_note() {
        let link = "https://x/reset?token=t";
        let reset = Letter::PasswordLink {
            link,
            kind: PasswordMail::Reset,
        };
        let set = Letter::PasswordLink {
            link,
            kind: PasswordMail::SetPassword { ignore_note: false },
        };
        let reset = compose(&ui(), Lang::En, &reset).unwrap();
        let set = compose(&ui(), Lang::En, &set).unwrap();
        assert!(
            reset
                .text
                .contains("Reset your password: https://x/reset?token=t")
        );
        assert!(reset.text.contains("ignore this email"));
        assert!(
            set.text
                .contains("Set your password: https://x/reset?token=t")
        );
        assert!(!set.text.contains("ignore this email"));
    }

    #[test]
    fn branding_reaches_the_html_and_the_text() {
        let mut ui = ui();
        ui.brand.logo_url = Some("https://site.example/logo.png".into());
        ui.brand.support_email = Some("help@site.example".into());
        ui.brand.terms_url = Some("https://site.example/terms".into());
        ui.brand.accent = "#ffd60a".into();
        let email = compose(&ui, Lang::En, &every_letter()[3]).unwrap();
        let logo = "src=\"https://site.example/logo.png\" alt=\"Site\"";
        assert!(email.html.contains(logo), "{}", email.html);
        assert!(email.html.contains("background:#ffd60a;color:#000000"));
        assert!(email.html.contains("href=\"https://site.example/terms\""));
        assert!(!email.html.contains("Privacy"), "no privacy link was set");
        assert!(email.text.contains("Write to help@site.example."));
        assert!(email.text.contains("Terms: https://site.example/terms"));
    }

    fn override_dir(files: &[(&str, &str)]) -> std::path::PathBuf {
        let dir = std::env::temp_dir().join(format!("templates-{}", uuid::Uuid::new_v4()));
        for (name, source) in files {
            let path = dir.join(name);
            std::fs::create_dir_all(path.parent().unwrap()).unwrap();
            std::fs::write(path, source).unwrap();
        }
        dir
    }

    #[test]
    fn an_override_changes_the_wording_and_a_broken_one_falls_back() {
        let dir = override_dir(&[
            (
                "email/code.txt",
                "Welcome to {{ brand.site }}! Type {{ code }} to go on.\n",
            ),
            (
                "email/code.subject",
                "{{ brand.site }}: {{ code }} is yours",
            ),
            // Unknown variable, and a syntax error: both fall back.
            ("email/password-changed.txt", "{{ no_such_variable }}"),
            ("email/password-changed.html", "{% if %}"),
        ]);
        let mut ui = ui();
        ui.overrides = Some(crate::ui::Overrides::new(dir.clone()));
        let code = compose(&ui, Lang::En, &every_letter()[0]).unwrap();
        assert_eq!(code.text, "Welcome to Site! Type 123456 to go on.");
        assert_eq!(code.subject, "Site: 123456 is yours");
        assert!(
            code.html.contains("Your verification code:"),
            "not overridden"
        );
        let changed = compose(&ui, Lang::En, &Letter::PasswordChanged).unwrap();
        assert!(
            changed
                .text
                .contains("The password of your account was changed.")
        );
        assert!(changed.html.contains("<html lang=\"en\""));
        std::fs::remove_dir_all(dir).unwrap();
    }
}
