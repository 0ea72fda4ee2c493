# Bot xabarlari, tugmalar, buyruqlar tavsifi va bildirishnomalar (oʻzbekcha, lotin yozuvi).

## /start

start-greeting = Salom, { $name }! 👋 { $restaurant } taomlarini shu yerning oʻzida, Telegramda buyurtma qiling.
start-open-app = 🍽 Menyuni ochish
start-returning = Yana xush kelibsiz, { $name }! 👋 Yana qorningiz ochdimi?

## /menu

menu-title = Bizning menyu — toifani tanlang:
menu-category-empty = Bu toifada hozircha hech narsa yoʻq.
menu-item-caption =
    { $name } — { $price }
    { $description }
menu-open-item = Ilovada buyurtma berish
menu-back = ⬅ Orqaga

## /status

status-none = Faol buyurtmalaringiz yoʻq.
status-title = Faol buyurtmalaringiz ({ $count })
status-refresh = 🔄 Yangilash
status-refreshed = Maʼlumotlar yangi
status-line = #{ $short_id } · { $status } · { $total }

## Buyurtma holatlari

order-status-new = Savat
order-status-checked-out = Rasmiylashtirildi
order-status-awaiting-payment = Toʻlov kutilmoqda
order-status-paid = Toʻlandi
order-status-accepted = Qabul qilindi
order-status-preparing = Tayyorlanmoqda
order-status-ready = Tayyor
order-status-out-for-delivery = Yoʻlda
order-status-delivered = Yetkazildi
order-status-picked-up = Olib ketildi
order-status-cancelled = Bekor qilindi
order-status-rejected = Rad etildi

timeline-at = { $time } — { $step }

## /orders

orders-none = Siz hali buyurtma bermagansiz.
orders-title = Buyurtmalaringiz ({ $pages } sahifadan { $page }-sahifa)
orders-line = #{ $short_id } · { $date } · { $total } · { $status }
orders-details = Batafsil
orders-reorder = 🔁 Takrorlash
orders-next = Keyingi ▶
orders-prev = ◀ Orqaga

## /reorder

reorder-pick = Qaysi buyurtmani takrorlamoqchisiz?
reorder-done = Savatingizda bugungi narxlarda { $count } ta mahsulot bor.
reorder-unavailable = Endi mavjud emas: { $items }
reorder-nothing = Bu mahsulotlarning birortasi ham endi mavjud emas.
reorder-checkout = 🛒 Ilovada rasmiylashtirish

## /cancel

cancel-none = Bekor qilish mumkin boʻlgan buyurtma yoʻq.
cancel-pick = Qaysi buyurtmani bekor qilmoqchisiz?
cancel-confirm = #{ $short_id } buyurtmasi bekor qilinsinmi?
cancel-yes = Ha, bekor qilish
cancel-no = Yoʻq, qolsin
cancel-done = #{ $short_id } buyurtmasi bekor qilindi.
cancel-kept = Yaxshi, buyurtmangiz oʻz kuchida qoladi.
cancel-too-late = #{ $short_id } buyurtmasi allaqachon qabul qilingan, uni endi bekor qilib boʻlmaydi.

## /language

language-pick = Tilni tanlang:
language-changed = Til oʻzbekchaga oʻzgartirildi.

## /help

help-text =
    Men quyidagilarni qila olaman:
    /menu — menyuni koʻrish
    /status — faol buyurtmalaringiz
    /orders — oldingi buyurtmalaringiz
    /reorder — buyurtmani takrorlash
    /cancel — hali qabul qilinmagan buyurtmani bekor qilish
    /language — tilni oʻzgartirish
    /help — ushbu xabar
unknown-text = Tushunmadim. /menu, /status yoki /help buyruqlarini sinab koʻring.
button-stale = Bu tugma eskirgan.
button-invalid = Bu tugma endi ishlamaydi.
error-try-again = Nimadir xato ketdi. Qaytadan urinib koʻring.

## Inline rejim

inline-popular-title = ⭐ Hozir ommabop
inline-item-description = { $price } · { $description }
inline-open = Ilovada ochish
inline-switch-pm = Shaxsiy chatda buyurtma berish

## Mini ilovadan kelgan maʼlumotlar

webapp-cart-created = 🛒 Savatingiz: { $count } ta mahsulot, { $total }.
webapp-bad-payload = Bu savatni oʻqiy olmadim.
webapp-unknown-item = “{ $item }” menyuda yoʻq.
webapp-bad-option = “{ $option }” { $item } uchun mavjud emas.

## Buyruqlar tavsifi

command-start = Boshlash va menyuni ochish
command-menu = Menyuni koʻrish
command-status = Faol buyurtmalaringiz
command-orders = Buyurtmalar tarixi
command-reorder = Buyurtmani takrorlash
command-cancel = Buyurtmani bekor qilish
command-language = Tilni oʻzgartirish
command-help = Bu bot nimalar qila oladi

## Bot profili

bot-description = Telegramdan chiqmasdan restoranimizdan taom buyurtma qiling: menyuni suratlar bilan koʻring, taomlarni oʻzingizga moslang, xavfsiz toʻlang va buyurtmangizni yetib kelguncha jonli kuzatib boring.
bot-short-description = Telegramda taom buyurtma qilish: menyu, toʻlov va jonli kuzatuv.

## Bildirishnomalar

notify-payment-received = 💳 #{ $short_id } buyurtmasi uchun { $amount } toʻlov qabul qilindi. Rahmat!
notify-order-accepted =
    { $eta ->
        [0] 👨‍🍳 #{ $short_id } buyurtmasi qabul qilindi.
       *[other] 👨‍🍳 #{ $short_id } buyurtmasi qabul qilindi — taxminan { $eta } daqiqada tayyor boʻladi.
    }
notify-order-rejected = 😔 Afsuski, #{ $short_id } buyurtmasi rad etildi: { $reason }. Pulingiz qaytariladi.
notify-order-ready = ✅ #{ $short_id } buyurtmangiz tayyor!
notify-out-for-delivery = 🛵 #{ $short_id } buyurtmangiz yoʻlda.
notify-order-delivered = 🍽 #{ $short_id } buyurtmasi yetkazildi. Yoqimli ishtaha!
notify-order-picked-up = 🍽 #{ $short_id } buyurtmasi olib ketildi. Yoqimli ishtaha!
notify-order-cancelled = ❌ #{ $short_id } buyurtmasi bekor qilindi. { $reason }
notify-refund-completed = 💸 #{ $short_id } buyurtmasi uchun { $amount } qaytarildi.
notify-open-order = Buyurtmani ochish
notify-reorder = 🔁 Yana buyurtma berish

## Opening hours
closed-opens-today = Hozir yopiqmiz. Bugun soat { $time } da ochamiz.
closed-opens-later = Hozir yopiqmiz. { $date } kuni soat { $time } da ochamiz.
closed-indefinitely = Hozir yopiqmiz va buyurtma qabul qilmayapmiz.

## Stop-list (staff)
stoplist-title = 🛑 Stop-list. Taomlarni tugagan yoki yana sotuvda deb belgilash uchun toifani tanlang.
stoplist-none = Hech narsa tugamagan.
stoplist-sold-out-now = Hozir yo‘q: { $dishes }
stoplist-category = { $category }: almashtirish uchun taomni bosing. ⛔ tugagan, ✅ sotuvda.
stoplist-options = { $item } variantlari: ⛔ tugagan, ✅ sotuvda.
stoplist-options-button = Variantlar
stoplist-back = « Orqaga
stoplist-staff-only = Stop-listni faqat restoran xodimlari o‘zgartira oladi.
stoplist-marked-sold-out = { $dish } tugadi.
stoplist-marked-back = { $dish } yana sotuvda.
## Payments (To‘lovlar): invoices, the pre-checkout answer, thanks

invoice-title = Buyurtma #{ $short_id }
invoice-description = Buyurtmangiz: { $items }
invoice-delivery-fee = Yetkazib berish
status-pay = 💳 #{ $short_id } uchun to‘lash
pay-unavailable = Onlayn to‘lov hozir mavjud emas. Keyinroq qayta urinib ko‘ring.
pay-already-paid = Bu buyurtma allaqachon to‘langan.
precheckout-unknown = Bu hisob endi amal qilmaydi.
precheckout-changed = Bu hisob yaratilgandan keyin buyurtmangiz o‘zgargan. To‘lash uchun buyurtmani qayta oching.
precheckout-amount = Summa buyurtmangizga mos kelmaydi. To‘lash uchun buyurtmani qayta oching.
precheckout-closed = Restoran hozir buyurtma qabul qilmayapti.
precheckout-unavailable = Buyurtmangizni hozir tekshira olmadik. Birozdan so‘ng qayta urinib ko‘ring.
webapp-mixed = Sovg‘a kartalari Telegram Stars bilan, taomlar esa karta bilan to‘lanadi, shuning uchun ular bitta buyurtmada bo‘la olmaydi. Ularni alohida buyurtma qiling.
webapp-need-fulfilment = Avval yetkazib berish yoki olib ketishni tanlang.
webapp-bad-address = Yetkazib berish manzili to‘liq emas.

## Staff chat (orders for the kitchen)
staff-order-title = 🧾 Buyurtma #{ $short_id } · { $status }
staff-order-customer = 👤 { $name }
staff-order-note = ✏️ { $note }
staff-order-delivery = 🛵 Yetkazib berish: { $address }
staff-order-phone = ☎️ { $phone }
staff-order-pickup = 🏃 Olib ketish
staff-order-comment = 💬 Izoh: { $comment }
staff-order-total = Jami: { $total }
staff-paid-provider = 💳 To‘lov provayderi orqali to‘langan
staff-paid-stars = ⭐ Telegram Stars bilan to‘langan
staff-order-eta = ⏱ Taxminan { $eta } daqiqada tayyor
staff-order-refund-requested = 💸 Qaytarilishi kerak: { $amount }
staff-order-refunded = 💸 Qaytarildi: { $amount }
staff-pick-reject = Buyurtma nega rad etilmoqda?
staff-pick-cancel = Buyurtma nega bekor qilinmoqda?
staff-accept = ✅ { $eta } daq
staff-reject = ✖️ Rad etish…
staff-cancel = 🚫 Bekor qilish…
staff-preparing = 👨‍🍳 Tayyorlanmoqda
staff-ready = 🔔 Tayyor
staff-out-for-delivery = 🛵 Yo‘lda
staff-delivered = 📦 Yetkazildi
staff-picked-up = 🤝 Olib ketildi
staff-back = « Orqaga
staff-refunded = 💸 Provayderda qaytarildi
staff-reason-closing-soon = Tez orada yopilamiz
staff-reason-too-busy = Juda band
staff-reason-item-unavailable = Taom mavjud emas
staff-reason-customer-request = Mijozning iltimosi bilan
staff-only = Buyurtmalar bilan faqat restoran xodimlari ishlay oladi.
staff-stale = Bu tugma yaratilganidan beri buyurtma o‘zgardi; xabar endi uning hozirgi holatini ko‘rsatadi.
staff-done = Buyurtma #{ $short_id }: { $status }.
staff-refused = Bu buyurtma uchun hozir buni qilib bo‘lmaydi.
staff-refund-recorded = #{ $short_id } buyurtma bo‘yicha qaytarish qayd etildi.
staff-note-cancelled-customer = 🚫 Mijoz #{ $short_id } buyurtmani bekor qildi.
staff-note-cancelled-staff = 🚫 #{ $short_id } buyurtma bekor qilindi: { $reason }
staff-note-payment-anomaly = ⚠️ #{ $short_id } buyurtma uchun { $amount } to‘lov u bekor qilingan yoki qayta ochilganidan keyin keldi. Pulni qaytarish kerak.
staff-note-refund-provider = 💸 #{ $short_id } buyurtma uchun { $amount } ni to‘lov provayderida qaytaring, so‘ng buyurtmadagi “Provayderda qaytarildi” tugmasini bosing.
staff-note-refund-stars = 💸 #{ $short_id } buyurtma Telegram Stars bilan { $amount } to‘langan: qaytarish to‘lov provayderida emas, Telegram orqali amalga oshiriladi.
