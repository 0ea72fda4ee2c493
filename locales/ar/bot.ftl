# رسائل البوت والأزرار وأوصاف الأوامر والإشعارات (العربية، من اليمين إلى اليسار).
# تبقى علامات العزل حول القيم حتى تظهر الأرقام والأسعار في مكانها الصحيح.

## /start

start-greeting = أهلًا { $name }! 👋 اطلب من { $restaurant } هنا مباشرةً في تيليجرام.
start-open-app = 🍽 افتح القائمة
start-returning = أهلًا بعودتك يا { $name }! 👋 هل جعت من جديد؟

## /menu

menu-title = قائمتنا — اختر فئة:
menu-category-empty = لا يوجد شيء في هذه الفئة حاليًا.
menu-item-caption =
    { $name } — { $price }
    { $description }
menu-open-item = اطلب في التطبيق
menu-back = ⬅ رجوع

## /status

status-none = ليست لديك طلبات نشطة.
status-title = طلباتك النشطة ({ $count })
status-refresh = 🔄 تحديث
status-refreshed = محدَّث
status-line = #{ $short_id } · { $status } · { $total }

## حالات الطلب

order-status-new = السلة
order-status-checked-out = تم التأكيد
order-status-awaiting-payment = بانتظار الدفع
order-status-paid = مدفوع
order-status-accepted = مقبول
order-status-preparing = قيد التحضير
order-status-ready = جاهز
order-status-out-for-delivery = في الطريق
order-status-delivered = تم التوصيل
order-status-picked-up = تم الاستلام
order-status-cancelled = ملغى
order-status-rejected = مرفوض

timeline-at = { $time } — { $step }

## /orders

orders-none = لم تطلب شيئًا بعد.
orders-title = طلباتك (الصفحة { $page } من { $pages })
orders-line = #{ $short_id } · { $date } · { $total } · { $status }
orders-details = التفاصيل
orders-reorder = 🔁 أعد الطلب
orders-next = التالي ▶
orders-prev = ◀ رجوع

## /reorder

reorder-pick = أي طلب تود تكراره؟
reorder-done =
    { $count ->
        [zero] لا توجد منتجات في سلتك.
        [one] في سلتك منتج واحد بأسعار اليوم.
        [two] في سلتك منتجان بأسعار اليوم.
        [few] في سلتك { $count } منتجات بأسعار اليوم.
        [many] في سلتك { $count } منتجًا بأسعار اليوم.
       *[other] في سلتك { $count } منتج بأسعار اليوم.
    }
reorder-unavailable = لم يعد متوفرًا: { $items }
reorder-nothing = لم يعد أي من هذه المنتجات متوفرًا.
reorder-checkout = 🛒 أكمل الطلب في التطبيق

## /cancel

cancel-none = لا يوجد طلب يمكنك إلغاؤه بعد الآن.
cancel-pick = أي طلب تود إلغاءه؟
cancel-confirm = هل تريد إلغاء الطلب #{ $short_id }؟
cancel-yes = نعم، ألغِه
cancel-no = لا، أبقِه
cancel-done = تم إلغاء الطلب #{ $short_id }.
cancel-kept = حسنًا، طلبك باقٍ كما هو.
cancel-too-late = تم قبول الطلب #{ $short_id } بالفعل ولم يعد من الممكن إلغاؤه.

## /language

language-pick = اختر لغتك:
language-changed = تم تغيير اللغة إلى العربية.

## /help

help-text =
    إليك ما يمكنني فعله:
    /menu — تصفّح القائمة
    /status — طلباتك النشطة
    /orders — طلباتك السابقة
    /reorder — كرّر طلبًا سابقًا
    /cancel — ألغِ طلبًا لم يُقبل بعد
    /language — غيّر اللغة
    /help — هذه الرسالة
unknown-text = لم أفهم ذلك. جرّب /menu أو /status أو /help.
button-stale = هذا الزر قديم.
button-invalid = هذا الزر لم يعد يعمل.
error-try-again = حدث خطأ ما. يُرجى المحاولة مرة أخرى.

## الوضع المضمّن

inline-popular-title = ⭐ الأكثر طلبًا الآن
inline-item-description = { $price } · { $description }
inline-open = افتح في التطبيق
inline-switch-pm = اطلب في محادثة خاصة

## بيانات التطبيق المصغّر

webapp-cart-created =
    { $count ->
        [zero] 🛒 سلتك فارغة، { $total }.
        [one] 🛒 سلتك: منتج واحد، { $total }.
        [two] 🛒 سلتك: منتجان، { $total }.
        [few] 🛒 سلتك: { $count } منتجات، { $total }.
        [many] 🛒 سلتك: { $count } منتجًا، { $total }.
       *[other] 🛒 سلتك: { $count } منتج، { $total }.
    }
webapp-bad-payload = تعذّرت عليّ قراءة هذه السلة.
webapp-unknown-item = «{ $item }» غير موجود في القائمة.
webapp-bad-option = «{ $option }» غير متاح لـ { $item }.

## أوصاف الأوامر

command-start = ابدأ وافتح القائمة
command-menu = تصفّح القائمة
command-status = طلباتك النشطة
command-orders = سجل طلباتك
command-reorder = كرّر طلبًا سابقًا
command-cancel = ألغِ طلبًا
command-language = غيّر اللغة
command-help = ما الذي يستطيع هذا البوت فعله

## ملف البوت

bot-description = اطلب الطعام من مطعمنا دون مغادرة تيليجرام: تصفّح القائمة بالصور، وخصّص أطباقك، وادفع بأمان، وتابع طلبك مباشرةً حتى يصل إليك.
bot-short-description = اطلب الطعام داخل تيليجرام: القائمة والدفع وتتبّع الطلب مباشرةً.

## الإشعارات

notify-payment-received = 💳 استلمنا دفعة بقيمة { $amount } للطلب #{ $short_id }. شكرًا لك!
notify-order-accepted =
    { $eta ->
        [0] 👨‍🍳 تم قبول الطلب #{ $short_id }.
       *[other] 👨‍🍳 تم قبول الطلب #{ $short_id } — سيكون جاهزًا خلال { $eta } دقيقة تقريبًا.
    }
notify-order-rejected = 😔 نعتذر، تم رفض الطلب #{ $short_id }: { $reason }. ستُعاد إليك أموالك.
notify-order-ready = ✅ طلبك #{ $short_id } جاهز!
notify-out-for-delivery = 🛵 طلبك #{ $short_id } في الطريق إليك.
notify-order-delivered = 🍽 تم توصيل الطلب #{ $short_id }. بالهناء والشفاء!
notify-order-picked-up = 🍽 تم استلام الطلب #{ $short_id }. بالهناء والشفاء!
notify-order-cancelled = ❌ تم إلغاء الطلب #{ $short_id }. { $reason }
notify-refund-completed = 💸 تمت إعادة { $amount } عن الطلب #{ $short_id }.
notify-open-order = افتح الطلب
notify-reorder = 🔁 اطلب مرة أخرى

## Opening hours
closed-opens-today = نحن مغلقون الآن. نفتح اليوم في الساعة { $time }.
closed-opens-later = نحن مغلقون الآن. نفتح يوم { $date } في الساعة { $time }.
closed-indefinitely = نحن مغلقون الآن ولا نستقبل الطلبات.

## Stop-list (staff)
stoplist-title = 🛑 قائمة النفاد. اختر فئة لتحديد الأطباق كنافدة أو متوفرة من جديد.
stoplist-none = لا شيء نافد.
stoplist-sold-out-now = نافد الآن: { $dishes }
stoplist-category = { $category }: اضغط على طبق لتبديله. ⛔ نافد، ✅ متوفر.
stoplist-options = خيارات { $item }: ⛔ نافد، ✅ متوفر.
stoplist-options-button = الخيارات
stoplist-back = « رجوع
stoplist-staff-only = فقط طاقم المطعم يمكنه تغيير قائمة النفاد.
stoplist-marked-sold-out = { $dish } نفد.
stoplist-marked-back = { $dish } متوفر من جديد.
## Payments (المدفوعات): invoices, the pre-checkout answer, thanks

invoice-title = الطلب #{ $short_id }
invoice-description = طلبك: { $items }
invoice-delivery-fee = التوصيل
status-pay = 💳 ادفع للطلب #{ $short_id }
pay-unavailable = الدفع عبر الإنترنت غير متاح الآن. يرجى المحاولة لاحقًا.
pay-already-paid = هذا الطلب مدفوع بالفعل.
precheckout-unknown = هذه الفاتورة لم تعد صالحة.
precheckout-changed = تغيّر طلبك منذ إصدار هذه الفاتورة. افتح الطلب مرة أخرى للدفع.
precheckout-amount = المبلغ لا يطابق طلبك. افتح الطلب مرة أخرى للدفع.
precheckout-closed = المطعم لا يستقبل الطلبات الآن.
precheckout-unavailable = تعذّر علينا التحقق من طلبك الآن. يرجى المحاولة بعد قليل.
webapp-mixed = تُدفع بطاقات الهدايا بنجوم Telegram والطعام بالبطاقة، لذا لا يمكن جمعهما في طلب واحد. يرجى طلبهما بشكل منفصل.
webapp-need-fulfilment = يرجى اختيار التوصيل أو الاستلام أولًا.
webapp-bad-address = عنوان التوصيل هذا غير مكتمل.

## Staff chat (orders for the kitchen)
staff-order-title = 🧾 الطلب #{ $short_id } · { $status }
staff-order-customer = 👤 { $name }
staff-order-note = ✏️ { $note }
staff-order-delivery = 🛵 التوصيل: { $address }
staff-order-phone = ☎️ { $phone }
staff-order-pickup = 🏃 استلام من المطعم
staff-order-comment = 💬 التعليق: { $comment }
staff-order-total = المجموع: { $total }
staff-paid-provider = 💳 مدفوع عبر مزوّد الدفع
staff-paid-stars = ⭐ مدفوع بنجوم تيليجرام
staff-order-eta = ⏱ جاهز خلال { $eta } دقيقة تقريبًا
staff-order-refund-requested = 💸 مبلغ يجب استرداده: { $amount }
staff-order-refunded = 💸 تم الاسترداد: { $amount }
staff-pick-reject = لماذا يُرفض الطلب؟
staff-pick-cancel = لماذا يُلغى الطلب؟
staff-accept = ✅ { $eta } دقيقة
staff-reject = ✖️ رفض…
staff-cancel = 🚫 إلغاء…
staff-preparing = 👨‍🍳 قيد التحضير
staff-ready = 🔔 جاهز
staff-out-for-delivery = 🛵 في الطريق
staff-delivered = 📦 تم التوصيل
staff-picked-up = 🤝 تم الاستلام
staff-back = « رجوع
staff-refunded = 💸 تم الاسترداد لدى المزوّد
staff-reason-closing-soon = سنغلق قريبًا
staff-reason-too-busy = ضغط كبير
staff-reason-item-unavailable = الصنف غير متوفر
staff-reason-customer-request = بطلب من العميل
staff-only = لا يمكن إدارة الطلبات إلا لموظفي المطعم.
staff-stale = تغيّر هذا الطلب منذ إنشاء هذا الزر؛ الرسالة تعرضه الآن كما هو.
staff-done = الطلب #{ $short_id }: { $status }.
staff-refused = هذا غير ممكن لهذا الطلب الآن.
staff-refund-recorded = تم تسجيل استرداد الطلب #{ $short_id }.
staff-note-cancelled-customer = 🚫 ألغى العميل الطلب #{ $short_id }.
staff-note-cancelled-staff = 🚫 أُلغي الطلب #{ $short_id }: { $reason }
staff-note-payment-anomaly = ⚠️ وصلت دفعة بقيمة { $amount } للطلب #{ $short_id } بعد إلغائه أو إعادة فتحه. يجب إعادة المال.
staff-note-refund-provider = 💸 استرد { $amount } للطلب #{ $short_id } لدى مزوّد الدفع، ثم اضغط «تم الاسترداد لدى المزوّد» على الطلب.
staff-note-refund-stars = 💸 دُفع الطلب #{ $short_id } بمبلغ { $amount } بنجوم تيليجرام: يتم الاسترداد عبر تيليجرام وليس لدى مزوّد دفع.
