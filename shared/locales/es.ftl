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

## Las páginas

page-skip = Ir al formulario
field-email = Correo electrónico
field-password = Contraseña
field-new-password = Contraseña (de { $min } a 100 caracteres)
field-reset-password = Contraseña nueva (de { $min } a 100 caracteres)
field-code = Código
password-show = Mostrar la contraseña
password-hide = Ocultar la contraseña
page-terms = Condiciones
page-privacy = Privacidad
page-support = Ayuda: { $support }

signin-title = Iniciar sesión
signin-heading = Inicia sesión en { $site }
signin-submit = Iniciar sesión
signin-forgot = ¿Olvidaste tu contraseña?
signin-create = Crear una cuenta

signup-title = Crear una cuenta
signup-heading = Crea una cuenta en { $site }
signup-submit = Crear la cuenta
signup-have-account = Ya tengo una cuenta: iniciar sesión

code-title = Revisa tu correo
code-sent = Enviamos un código de 6 dígitos a { $email }. Sirve durante 10 minutos.
code-submit = Verificar
code-resend = Enviar un código nuevo
code-resent = Enviamos un código nuevo. El anterior ya no sirve.

forgot-title = Restablecer la contraseña
forgot-intro = Te enviaremos un enlace para elegir una contraseña nueva.
forgot-submit = Enviar el enlace
forgot-back = Volver a iniciar sesión
forgot-sent = Si una cuenta usa esa dirección, le enviamos un enlace para elegir una contraseña nueva. El enlace sirve una vez, durante una hora, y te trae de vuelta aquí.

pending-title = Esperando aprobación
pending-heading = Casi listo
pending-text = Tu cuenta espera la aprobación del propietario del sitio. Podrás iniciar sesión cuando la apruebe.

continue-title = Continuar
continue-heading = Bienvenido de nuevo a { $site }
continue-signed-in = Has iniciado sesión como { $email }.
continue-submit = Continuar como { $email }
continue-other = Usar otra cuenta

reset-title = Restablecer la contraseña
reset-heading = Elige una contraseña nueva
reset-submit = Guardar la contraseña
done-title = Contraseña guardada
done-heading = Contraseña guardada
done-text = Ya puedes iniciar sesión con tu contraseña nueva. Se cerraron todas las demás sesiones.

error-title = Error
error-heading = Algo salió mal
error-request = Esta solicitud no se puede completar. Vuelve al sitio e inténtalo de nuevo; si vuelve a ocurrir, comunica al propietario del sitio el mensaje de abajo.
signing-in = Iniciando sesión…
session-text = Este sitio guarda el estado de la sesión.

problem-wrong-credentials = Correo o contraseña incorrectos.
problem-pending = Tu cuenta espera la aprobación del propietario del sitio. Podrás iniciar sesión cuando la apruebe.
problem-blocked = Esta cuenta está bloqueada. Contacta con el propietario del sitio.
problem-not-verified = Tu correo aún no está verificado. Crea la cuenta de nuevo para recibir un código nuevo.
problem-taken = Ya existe una cuenta con este correo. Inicia sesión.
problem-invalid = Revisa el correo y elige una contraseña de la longitud indicada.
problem-code = Ese código no es correcto o ha caducado. Inténtalo de nuevo o pide un código nuevo.
problem-code-expired = Este código ha caducado. Pide un código nuevo o crea la cuenta de nuevo.
problem-too-many = Demasiados intentos. Espera unos minutos y vuelve a intentarlo.
problem-captcha = Completa la verificación captcha.
problem-captcha-unavailable = Este sitio pide una verificación captcha que esta página no puede mostrar. Inicia sesión en el propio sitio.
problem-password-short = La contraseña debe tener al menos { $min } caracteres.
problem-password-long = La contraseña debe tener como mucho 100 caracteres.
problem-password-ascii = La contraseña solo puede contener caracteres ASCII imprimibles (letras sin tildes, dígitos, puntuación, espacios).
problem-password-common = Es una de las contraseñas más comunes. Elige otra.
problem-link = Este enlace no es válido, ya se usó o ha caducado. Pide uno nuevo.
