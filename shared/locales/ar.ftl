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

## الصفحات

page-skip = الانتقال إلى النموذج
field-email = البريد الإلكتروني
field-password = كلمة المرور
field-new-password = كلمة المرور (من { $min } إلى 100 حرف)
field-reset-password = كلمة المرور الجديدة (من { $min } إلى 100 حرف)
field-code = الرمز
password-show = إظهار كلمة المرور
password-hide = إخفاء كلمة المرور
page-terms = الشروط
page-privacy = الخصوصية
page-support = المساعدة: { $support }

signin-title = تسجيل الدخول
signin-heading = تسجيل الدخول إلى { $site }
signin-submit = تسجيل الدخول
signin-forgot = هل نسيت كلمة المرور؟
signin-create = إنشاء حساب

signup-title = إنشاء حساب
signup-heading = إنشاء حساب على { $site }
signup-submit = إنشاء الحساب
signup-have-account = لدي حساب: تسجيل الدخول

code-title = تحقق من بريدك الإلكتروني
code-sent = أرسلنا رمزًا من 6 أرقام إلى { $email }. يعمل لمدة 10 دقائق.
code-submit = تحقق
code-resend = إرسال رمز جديد
code-resent = أرسلنا رمزًا جديدًا. الرمز السابق لم يعد يعمل.

forgot-title = إعادة تعيين كلمة المرور
forgot-intro = سنرسل إليك رابطًا لاختيار كلمة مرور جديدة.
forgot-submit = إرسال الرابط
forgot-back = العودة إلى تسجيل الدخول
forgot-sent = إذا كان هناك حساب يستخدم هذا العنوان، فقد أرسلنا إليه رابطًا لاختيار كلمة مرور جديدة. يعمل الرابط مرة واحدة لمدة ساعة، ويعيدك إلى هنا.

pending-title = في انتظار الموافقة
pending-heading = اقتربت
pending-text = حسابك في انتظار موافقة مالك الموقع. يمكنك تسجيل الدخول بعد الموافقة عليه.

continue-title = متابعة
continue-heading = مرحبًا بعودتك إلى { $site }
continue-signed-in = أنت مسجل الدخول باسم { $email }.
continue-submit = المتابعة باسم { $email }
continue-other = استخدام حساب آخر

reset-title = إعادة تعيين كلمة المرور
reset-heading = اختر كلمة مرور جديدة
reset-submit = حفظ كلمة المرور
done-title = تم حفظ كلمة المرور
done-heading = تم حفظ كلمة المرور
done-text = يمكنك تسجيل الدخول بكلمة المرور الجديدة. تم تسجيل الخروج من كل الجلسات الأخرى.

error-title = خطأ
error-heading = حدث خطأ ما
error-request = لا يمكن إتمام هذا الطلب. عد إلى الموقع وحاول مرة أخرى؛ وإذا تكرر ذلك، فأبلغ مالك الموقع بالرسالة أدناه.
signing-in = جارٍ تسجيل الدخول…
session-text = يحتفظ هذا الموقع بحالة تسجيل الدخول.

problem-wrong-credentials = البريد الإلكتروني أو كلمة المرور غير صحيحة.
problem-pending = حسابك في انتظار موافقة مالك الموقع. يمكنك تسجيل الدخول بعد الموافقة عليه.
problem-blocked = هذا الحساب محظور. تواصل مع مالك الموقع.
problem-not-verified = لم يتم التحقق من بريدك الإلكتروني بعد. أنشئ الحساب مرة أخرى للحصول على رمز جديد.
problem-taken = يوجد حساب بهذا البريد الإلكتروني بالفعل. سجّل الدخول بدلًا من ذلك.
problem-invalid = تحقق من عنوان البريد الإلكتروني، واختر كلمة مرور بالطول المبين.
problem-code = هذا الرمز غير صحيح أو انتهت صلاحيته. حاول مرة أخرى أو اطلب رمزًا جديدًا.
problem-code-expired = انتهت صلاحية هذا الرمز. اطلب رمزًا جديدًا أو أنشئ الحساب مرة أخرى.
problem-too-many = محاولات كثيرة جدًا. انتظر بضع دقائق ثم حاول مرة أخرى.
problem-captcha = يرجى إكمال التحقق من captcha.
problem-captcha-unavailable = يطلب هذا الموقع تحققًا من captcha لا يمكن لهذه الصفحة عرضه. سجّل الدخول على الموقع نفسه.
problem-password-short = يجب ألا تقل كلمة المرور عن { $min } حرفًا.
problem-password-long = يجب ألا تزيد كلمة المرور عن 100 حرف.
problem-password-ascii = يمكن أن تحتوي كلمة المرور على أحرف ASCII القابلة للطباعة فقط (أحرف لاتينية وأرقام وعلامات ترقيم ومسافات).
problem-password-common = هذه من أكثر كلمات المرور شيوعًا. اختر غيرها.
problem-link = هذا الرابط غير صالح أو استُخدم من قبل أو انتهت صلاحيته. اطلب رابطًا جديدًا.
