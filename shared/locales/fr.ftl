## Français

email-footer = Vous recevez cet e-mail en raison d’un compte sur { $site }.
email-support = Une question ? Écrivez à { $support }.
email-terms = Conditions
email-privacy = Confidentialité

code-subject = { $site } : votre code de vérification est { $code }
code-intro = Votre code de vérification :
code-expiry = Il ne sert qu’une fois et expire dans 10 minutes. Si vous ne l’avez pas demandé, ignorez cet e-mail.

existing-subject = { $site } : quelqu’un a essayé de s’inscrire avec votre adresse
existing-intro = Quelqu’un a essayé de créer un compte avec cette adresse e-mail, qui en a déjà un.
existing-if-you = Si c’était vous, vous pouvez réinitialiser votre mot de passe (le lien ne sert qu’une fois, pendant une heure).
existing-action = Réinitialiser votre mot de passe
existing-if-not = Sinon, ignorez cet e-mail : rien n’a changé.

approval-subject = { $site } : un nouveau membre attend votre approbation
approval-intro = { $member } s’est inscrit et attend votre approbation.
approval-action = Approuver ce membre
approval-expiry = Le lien ne sert qu’une fois et expire dans 30 heures.

reset-subject = { $site } : réinitialisez votre mot de passe
reset-action = Réinitialiser votre mot de passe
set-subject = { $site } : choisissez votre mot de passe
set-action = Choisir votre mot de passe
link-expiry = Le lien ne sert qu’une fois et expire dans une heure.
link-ignore = Si vous ne l’avez pas demandé, ignorez cet e-mail.

email-changed-subject = { $site } : votre e-mail de connexion a changé
email-changed-intro = L’e-mail de connexion de votre compte est désormais { $email }. Toutes les sessions ont été fermées.
email-changed-if-not = Si vous n’êtes pas à l’origine de ce changement, contactez le propriétaire du site.

password-changed-subject = { $site } : votre mot de passe a changé
password-changed-intro = Le mot de passe de votre compte a été changé. Toutes les autres sessions ont été fermées.
password-changed-if-not = Si ce n’était pas vous, réinitialisez votre mot de passe maintenant et contactez le propriétaire du site.
