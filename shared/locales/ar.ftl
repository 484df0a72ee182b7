## العربية (من اليمين إلى اليسار)

email-footer = وصلتك هذه الرسالة بسبب حساب على { $site }.
email-support = لديك سؤال؟ راسلنا على { $support }.
email-terms = الشروط
email-privacy = الخصوصية

code-subject = { $site }: رمز التحقق الخاص بك هو { $code }
code-intro = رمز التحقق الخاص بك:
code-expiry = يعمل الرمز مرة واحدة وتنتهي صلاحيته خلال 10 دقائق. إذا لم تطلبه، فتجاهل هذه الرسالة.

existing-subject = { $site }: حاول شخص ما التسجيل ببريدك الإلكتروني
existing-intro = حاول شخص ما إنشاء حساب بعنوان البريد الإلكتروني هذا، وله حساب بالفعل.
existing-if-you = إذا كنت أنت، يمكنك إعادة تعيين كلمة المرور (يعمل الرابط مرة واحدة، لمدة ساعة).
existing-action = إعادة تعيين كلمة المرور
existing-if-not = إن لم تكن أنت، فتجاهل هذه الرسالة: لم يتغير شيء.

approval-subject = { $site }: عضو جديد ينتظر الموافقة
approval-intro = سجّل { $member } وينتظر موافقتك.
approval-action = الموافقة على هذا العضو
approval-expiry = يعمل الرابط مرة واحدة وتنتهي صلاحيته خلال 30 ساعة.

reset-subject = { $site }: أعد تعيين كلمة المرور
reset-action = إعادة تعيين كلمة المرور
set-subject = { $site }: اختر كلمة المرور
set-action = اختيار كلمة المرور
link-expiry = يعمل الرابط مرة واحدة وتنتهي صلاحيته خلال ساعة.
link-ignore = إذا لم تطلبه، فتجاهل هذه الرسالة.

email-changed-subject = { $site }: تم تغيير بريد تسجيل الدخول
email-changed-intro = تم تغيير بريد تسجيل الدخول لحسابك إلى { $email }. تم تسجيل الخروج من كل الجلسات.
email-changed-if-not = إذا لم تطلب ذلك، فتواصل مع مالك الموقع.

password-changed-subject = { $site }: تم تغيير كلمة المرور
password-changed-intro = تم تغيير كلمة مرور حسابك. تم تسجيل الخروج من كل الجلسات الأخرى.
password-changed-if-not = إذا لم تفعل ذلك، فأعد تعيين كلمة المرور الآن وتواصل مع مالك الموقع.
