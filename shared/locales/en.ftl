## English: every member-facing sentence of the emails. `{ $site }` is the site's name.

email-footer = You received this email because of an account on { $site }.
email-support = Questions? Write to { $support }.
email-terms = Terms
email-privacy = Privacy

code-subject = { $site }: your verification code is { $code }
code-intro = Your verification code:
code-expiry = It works once and expires in 10 minutes. If you did not ask for it, ignore this email.

existing-subject = { $site }: someone tried to sign up with your email
existing-intro = Someone tried to create an account with this email address, which already has one.
existing-if-you = If it was you, you can reset your password (the link works once, for an hour).
existing-action = Reset your password
existing-if-not = If not, ignore this email: nothing has changed.

approval-subject = { $site }: a new member is waiting for approval
approval-intro = { $member } signed up and is waiting for your approval.
approval-action = Approve this member
approval-expiry = The link works once and expires in 30 hours.

reset-subject = { $site }: reset your password
reset-action = Reset your password
set-subject = { $site }: set your password
set-action = Set your password
link-expiry = The link works once and expires in an hour.
link-ignore = If you did not ask for it, ignore this email.

email-changed-subject = { $site }: your login email was changed
email-changed-intro = The login email of your account was changed to { $email }. Every session was signed out.
email-changed-if-not = If you did not ask for this, contact the site owner.

password-changed-subject = { $site }: your password was changed
password-changed-intro = The password of your account was changed. Every other session was signed out.
password-changed-if-not = If you did not do this, reset your password now and contact the site owner.
