## Español

email-footer = Recibes este correo por una cuenta en { $site }.
email-support = ¿Preguntas? Escribe a { $support }.
email-terms = Condiciones
email-privacy = Privacidad

code-subject = { $site }: tu código de verificación es { $code }
code-intro = Tu código de verificación:
code-expiry = Sirve una sola vez y caduca en 10 minutos. Si no lo pediste, ignora este correo.

existing-subject = { $site }: alguien intentó registrarse con tu correo
existing-intro = Alguien intentó crear una cuenta con esta dirección de correo, que ya tiene una.
existing-if-you = Si fuiste tú, puedes restablecer tu contraseña (el enlace sirve una vez, durante una hora).
existing-action = Restablecer tu contraseña
existing-if-not = Si no, ignora este correo: nada ha cambiado.

approval-subject = { $site }: un nuevo miembro espera tu aprobación
approval-intro = { $member } se registró y espera tu aprobación.
approval-action = Aprobar a este miembro
approval-expiry = El enlace sirve una sola vez y caduca en 30 horas.

reset-subject = { $site }: restablece tu contraseña
reset-action = Restablecer tu contraseña
set-subject = { $site }: elige tu contraseña
set-action = Elegir tu contraseña
link-expiry = El enlace sirve una sola vez y caduca en una hora.
link-ignore = Si no lo pediste, ignora este correo.

email-changed-subject = { $site }: tu correo de acceso cambió
email-changed-intro = El correo de acceso de tu cuenta ahora es { $email }. Se cerraron todas las sesiones.
email-changed-if-not = Si no lo pediste, contacta con el propietario del sitio.

password-changed-subject = { $site }: tu contraseña cambió
password-changed-intro = La contraseña de tu cuenta se cambió. Se cerraron todas las demás sesiones.
password-changed-if-not = Si no fuiste tú, restablece tu contraseña ahora y contacta con el propietario del sitio.
