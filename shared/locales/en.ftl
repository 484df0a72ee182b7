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

## The hosted pages

page-skip = Skip to the form
field-email = Email
field-password = Password
field-new-password = Password ({ $min }–100 characters)
field-reset-password = New password ({ $min }–100 characters)
field-code = Code
password-show = Show password
password-hide = Hide password
page-terms = Terms
page-privacy = Privacy
page-support = Help: { $support }

signin-title = Sign in
signin-heading = Sign in to { $site }
signin-submit = Sign in
signin-forgot = Forgot your password?
signin-create = Create an account

signup-title = Create an account
signup-heading = Create an account on { $site }
signup-submit = Create account
signup-have-account = I have an account: sign in

code-title = Check your email
code-sent = We sent a 6-digit code to { $email }. It works for 10 minutes.
code-submit = Verify
code-resend = Send a new code
code-resent = We sent a new code. The one before it no longer works.

forgot-title = Reset your password
forgot-intro = We will email you a link to choose a new password.
forgot-submit = Send the link
forgot-back = Back to sign in
forgot-sent = If an account uses that address, we sent it a link to choose a new password. The link works once, for an hour, and brings you back here.

pending-title = Waiting for approval
pending-heading = Almost there
pending-text = Your account is waiting for the site owner’s approval. You can sign in once it is approved.

continue-title = Continue
continue-heading = Welcome back to { $site }
continue-signed-in = You are signed in as { $email }.
continue-submit = Continue as { $email }
continue-other = Use another account

reset-title = Reset password
reset-heading = Choose a new password
reset-submit = Save password
done-title = Password saved
done-heading = Password saved
done-text = You can sign in with your new password. Every other session was signed out.

error-title = Error
error-heading = Something went wrong
error-request = This request cannot be completed. Go back to the site and try again; if it happens again, tell the site owner what it says below.
signing-in = Signing in…
session-text = Signed-in state is kept by this site.

problem-wrong-credentials = Wrong email or password.
problem-pending = Your account is waiting for the site owner’s approval. You can sign in once it is approved.
problem-blocked = This account is blocked. Contact the site owner.
problem-not-verified = Your email address is not verified yet. Create the account again to get a new code.
problem-taken = An account with this email exists already. Sign in instead.
problem-invalid = Check the email address, and choose a password of the length shown.
problem-code = That code is not right, or it has expired. Try again or send a new code.
problem-code-expired = This code has expired. Send a new code or create the account again.
problem-too-many = Too many attempts. Please wait a few minutes and try again.
problem-captcha = Please complete the captcha check.
problem-captcha-unavailable = This site asks for a captcha check, which this page cannot show. Sign in on the site itself.
problem-password-short = The password must be at least { $min } characters.
problem-password-long = The password must be at most 100 characters.
problem-password-ascii = The password may contain printable ASCII characters only (letters, digits, punctuation, spaces).
problem-password-common = This is one of the most common passwords. Choose another.
problem-link = This link is invalid, already used or expired. Ask for a new one.
