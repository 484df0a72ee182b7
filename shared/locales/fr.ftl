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

## Les pages

page-skip = Aller au formulaire
field-email = E-mail
field-password = Mot de passe
field-new-password = Mot de passe ({ $min } à 100 caractères)
field-reset-password = Nouveau mot de passe ({ $min } à 100 caractères)
field-code = Code
password-show = Afficher le mot de passe
password-hide = Masquer le mot de passe
page-terms = Conditions
page-privacy = Confidentialité
page-support = Aide : { $support }

signin-title = Connexion
signin-heading = Connexion à { $site }
signin-submit = Se connecter
signin-forgot = Mot de passe oublié ?
signin-create = Créer un compte

signup-title = Créer un compte
signup-heading = Créer un compte sur { $site }
signup-submit = Créer le compte
signup-have-account = J’ai un compte : me connecter

code-title = Consultez vos e-mails
code-sent = Nous avons envoyé un code à 6 chiffres à { $email }. Il est valable 10 minutes.
code-submit = Vérifier
code-resend = Envoyer un nouveau code
code-resent = Nous avons envoyé un nouveau code. Le précédent ne fonctionne plus.

forgot-title = Réinitialiser le mot de passe
forgot-intro = Nous vous enverrons un lien pour choisir un nouveau mot de passe.
forgot-submit = Envoyer le lien
forgot-back = Retour à la connexion
forgot-sent = Si un compte utilise cette adresse, nous lui avons envoyé un lien pour choisir un nouveau mot de passe. Le lien ne sert qu’une fois, pendant une heure, et vous ramène ici.

pending-title = En attente d’approbation
pending-heading = Presque terminé
pending-text = Votre compte attend l’approbation du propriétaire du site. Vous pourrez vous connecter une fois qu’il sera approuvé.

continue-title = Continuer
continue-heading = Bon retour sur { $site }
continue-signed-in = Vous êtes connecté en tant que { $email }.
continue-submit = Continuer en tant que { $email }
continue-other = Utiliser un autre compte

reset-title = Réinitialiser le mot de passe
reset-heading = Choisissez un nouveau mot de passe
reset-submit = Enregistrer le mot de passe
done-title = Mot de passe enregistré
done-heading = Mot de passe enregistré
done-text = Vous pouvez vous connecter avec votre nouveau mot de passe. Toutes les autres sessions ont été fermées.

error-title = Erreur
error-heading = Un problème est survenu
error-request = Cette demande ne peut pas aboutir. Revenez sur le site et réessayez ; si cela se reproduit, transmettez au propriétaire du site le message ci-dessous.
signing-in = Connexion en cours…
session-text = L’état de connexion est conservé par ce site.

problem-wrong-credentials = E-mail ou mot de passe incorrect.
problem-pending = Votre compte attend l’approbation du propriétaire du site. Vous pourrez vous connecter une fois qu’il sera approuvé.
problem-blocked = Ce compte est bloqué. Contactez le propriétaire du site.
problem-not-verified = Votre adresse e-mail n’est pas encore vérifiée. Créez de nouveau le compte pour recevoir un nouveau code.
problem-taken = Un compte existe déjà avec cet e-mail. Connectez-vous plutôt.
problem-invalid = Vérifiez l’adresse e-mail et choisissez un mot de passe de la longueur indiquée.
problem-code = Ce code n’est pas le bon, ou il a expiré. Réessayez ou demandez un nouveau code.
problem-code-expired = Ce code a expiré. Demandez un nouveau code ou créez de nouveau le compte.
problem-too-many = Trop de tentatives. Patientez quelques minutes puis réessayez.
problem-captcha = Veuillez compléter la vérification captcha.
problem-captcha-unavailable = Ce site demande une vérification captcha que cette page ne peut pas afficher. Connectez-vous sur le site lui-même.
problem-password-short = Le mot de passe doit compter au moins { $min } caractères.
problem-password-long = Le mot de passe doit compter au plus 100 caractères.
problem-password-ascii = Le mot de passe ne peut contenir que des caractères ASCII imprimables (lettres sans accents, chiffres, ponctuation, espaces).
problem-password-common = C’est l’un des mots de passe les plus courants. Choisissez-en un autre.
problem-link = Ce lien n’est pas valide, a déjà servi ou a expiré. Demandez-en un nouveau.
