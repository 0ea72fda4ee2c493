# Bot mesajları, düğmeler, komut açıklamaları ve bildirimler (Türkçe).

## /start

start-greeting = Merhaba { $name }! 👋 { $restaurant } siparişini doğrudan Telegram’dan ver.
start-open-app = 🍽 Menüyü aç
start-returning = Tekrar hoş geldin, { $name }! 👋 Yine mi acıktın?

## /menu

menu-title = Menümüz — bir kategori seç:
menu-category-empty = Bu kategoride şu anda bir şey yok.
menu-item-caption =
    { $name } — { $price }
    { $description }
menu-open-item = Uygulamada sipariş ver
menu-back = ⬅ Geri

## /status

status-none = Aktif siparişin yok.
status-title = Aktif siparişlerin ({ $count })
status-refresh = 🔄 Yenile
status-refreshed = Güncel
status-line = #{ $short_id } · { $status } · { $total }

## Sipariş durumları

order-status-new = Sepet
order-status-checked-out = Onaylandı
order-status-awaiting-payment = Ödeme bekleniyor
order-status-paid = Ödendi
order-status-accepted = Kabul edildi
order-status-preparing = Hazırlanıyor
order-status-ready = Hazır
order-status-out-for-delivery = Yolda
order-status-delivered = Teslim edildi
order-status-picked-up = Teslim alındı
order-status-cancelled = İptal edildi
order-status-rejected = Reddedildi

timeline-at = { $time } — { $step }

## /orders

orders-none = Henüz sipariş vermedin.
orders-title = Siparişlerin (sayfa { $page } / { $pages })
orders-line = #{ $short_id } · { $date } · { $total } · { $status }
orders-details = Ayrıntılar
orders-reorder = 🔁 Tekrarla
orders-next = İleri ▶
orders-prev = ◀ Geri

## /reorder

reorder-pick = Hangi siparişi tekrar vermek istersin?
reorder-done = Sepetinde bugünkü fiyatlarla { $count } ürün var.
reorder-unavailable = Artık mevcut değil: { $items }
reorder-nothing = Bu ürünlerin hiçbiri artık mevcut değil.
reorder-checkout = 🛒 Uygulamada ödeme yap

## /cancel

cancel-none = İptal edebileceğin bir sipariş yok.
cancel-pick = Hangi siparişi iptal etmek istersin?
cancel-confirm = #{ $short_id } numaralı sipariş iptal edilsin mi?
cancel-yes = Evet, iptal et
cancel-no = Hayır, kalsın
cancel-done = #{ $short_id } numaralı sipariş iptal edildi.
cancel-kept = Tamam, siparişin aynen devam ediyor.
cancel-too-late = #{ $short_id } numaralı sipariş kabul edildi, artık iptal edilemez.

## /language

language-pick = Dilini seç:
language-changed = Dil Türkçe olarak ayarlandı.

## /help

help-text =
    Neler yapabileceğim:
    /menu — menüye göz at
    /status — aktif siparişlerin
    /orders — geçmiş siparişlerin
    /reorder — bir siparişi tekrarla
    /cancel — henüz kabul edilmemiş bir siparişi iptal et
    /language — dili değiştir
    /help — bu mesaj
unknown-text = Bunu anlayamadım. /menu, /status veya /help dene.
button-stale = Bu düğme artık güncel değil.
button-invalid = Bu düğme artık çalışmıyor.
error-try-again = Bir şeyler ters gitti. Lütfen tekrar dene.

## Satır içi mod

inline-popular-title = ⭐ Şu anda popüler
inline-item-description = { $price } · { $description }
inline-open = Uygulamada aç
inline-switch-pm = Özel sohbette sipariş ver

## Mini Uygulamadan gelen veriler

webapp-cart-created = 🛒 Sepetin: { $count } ürün, { $total }.
webapp-bad-payload = Bu sepeti okuyamadım.
webapp-unknown-item = “{ $item }” menüde yok.
webapp-bad-option = “{ $option }”, { $item } için mevcut değil.

## Komut açıklamaları

command-start = Başla ve menüyü aç
command-menu = Menüye göz at
command-status = Aktif siparişlerin
command-orders = Sipariş geçmişin
command-reorder = Bir siparişi tekrarla
command-cancel = Siparişi iptal et
command-language = Dili değiştir
command-help = Bu bot neler yapabilir

## Bot profili

bot-description = Telegram’dan çıkmadan restoranımızdan yemek sipariş et: fotoğraflı menüye göz at, yemeklerini dilediğin gibi özelleştir, güvenle öde ve siparişini kapına gelene kadar canlı takip et.
bot-short-description = Telegram’da yemek siparişi: menü, ödeme ve canlı sipariş takibi.

## Bildirimler

notify-payment-received = 💳 #{ $short_id } numaralı sipariş için { $amount } ödeme alındı. Teşekkürler!
notify-order-accepted =
    { $eta ->
        [0] 👨‍🍳 #{ $short_id } numaralı sipariş kabul edildi.
       *[other] 👨‍🍳 #{ $short_id } numaralı sipariş kabul edildi — yaklaşık { $eta } dk içinde hazır.
    }
notify-order-rejected = 😔 Üzgünüz, #{ $short_id } numaralı sipariş reddedildi: { $reason }. Paran iade edilecek.
notify-order-ready = ✅ #{ $short_id } numaralı siparişin hazır!
notify-out-for-delivery = 🛵 #{ $short_id } numaralı siparişin yolda.
notify-order-delivered = 🍽 #{ $short_id } numaralı sipariş teslim edildi. Afiyet olsun!
notify-order-picked-up = 🍽 #{ $short_id } numaralı sipariş teslim alındı. Afiyet olsun!
notify-order-cancelled = ❌ #{ $short_id } numaralı sipariş iptal edildi. { $reason }
notify-refund-completed = 💸 #{ $short_id } numaralı sipariş için { $amount } iade edildi.
notify-open-order = Siparişi aç
notify-reorder = 🔁 Tekrar sipariş ver

## Opening hours
closed-opens-today = Şu anda kapalıyız. Bugün saat { $time }’de açıyoruz.
closed-opens-later = Şu anda kapalıyız. { $date } tarihinde saat { $time }’de açıyoruz.
closed-indefinitely = Şu anda kapalıyız ve sipariş almıyoruz.

## Stop-list (staff)
stoplist-title = 🛑 Stop listesi. Yemekleri tükendi veya yeniden satışta olarak işaretlemek için bir kategori seçin.
stoplist-none = Tükenen bir şey yok.
stoplist-sold-out-now = Şu an tükendi: { $dishes }
stoplist-category = { $category }: değiştirmek için bir yemeğe dokunun. ⛔ tükendi, ✅ satışta.
stoplist-options = { $item } seçenekleri: ⛔ tükendi, ✅ satışta.
stoplist-options-button = Seçenekler
stoplist-back = « Geri
stoplist-staff-only = Stop listesini yalnızca restoran personeli değiştirebilir.
stoplist-marked-sold-out = { $dish } tükendi.
stoplist-marked-back = { $dish } yeniden satışta.
## Payments (Ödemeler): invoices, the pre-checkout answer, thanks

invoice-title = Sipariş #{ $short_id }
invoice-description = Siparişiniz: { $items }
invoice-delivery-fee = Teslimat
status-pay = 💳 #{ $short_id } için öde
pay-unavailable = Çevrimiçi ödeme şu anda kullanılamıyor. Lütfen daha sonra tekrar deneyin.
pay-already-paid = Bu sipariş zaten ödendi.
precheckout-unknown = Bu fatura artık geçerli değil.
precheckout-changed = Bu fatura oluşturulduktan sonra siparişiniz değişti. Ödemek için siparişi yeniden açın.
precheckout-amount = Tutar siparişinizle eşleşmiyor. Ödemek için siparişi yeniden açın.
precheckout-closed = Restoran şu anda sipariş almıyor.
precheckout-unavailable = Siparişinizi şu anda kontrol edemedik. Lütfen biraz sonra tekrar deneyin.
webapp-mixed = Hediye kartları Telegram Stars ile, yemekler kartla ödenir; bu yüzden aynı siparişte olamazlar. Lütfen ayrı ayrı sipariş verin.
webapp-need-fulfilment = Lütfen önce teslimat veya gel-al seçin.
webapp-bad-address = Bu teslimat adresi eksik.

## Staff chat (orders for the kitchen)
staff-order-title = 🧾 Sipariş #{ $short_id } · { $status }
staff-order-customer = 👤 { $name }
staff-order-note = ✏️ { $note }
staff-order-delivery = 🛵 Teslimat: { $address }
staff-order-phone = ☎️ { $phone }
staff-order-pickup = 🏃 Gel-al
staff-order-comment = 💬 Yorum: { $comment }
staff-order-total = Toplam: { $total }
staff-paid-provider = 💳 Ödeme sağlayıcısı üzerinden ödendi
staff-paid-stars = ⭐ Telegram Stars ile ödendi
staff-order-eta = ⏱ Yaklaşık { $eta } dk içinde hazır
staff-order-refund-requested = 💸 İade edilecek: { $amount }
staff-order-refunded = 💸 İade edildi: { $amount }
staff-pick-reject = Sipariş neden reddediliyor?
staff-pick-cancel = Sipariş neden iptal ediliyor?
staff-accept = ✅ { $eta } dk
staff-reject = ✖️ Reddet…
staff-cancel = 🚫 İptal et…
staff-preparing = 👨‍🍳 Hazırlanıyor
staff-ready = 🔔 Hazır
staff-out-for-delivery = 🛵 Yolda
staff-delivered = 📦 Teslim edildi
staff-picked-up = 🤝 Teslim alındı
staff-back = « Geri
staff-refunded = 💸 Sağlayıcıda iade edildi
staff-reason-closing-soon = Yakında kapanıyoruz
staff-reason-too-busy = Çok yoğunuz
staff-reason-item-unavailable = Ürün mevcut değil
staff-reason-customer-request = Müşterinin isteğiyle
staff-only = Siparişleri yalnızca restoran personeli yönetebilir.
staff-stale = Bu düğme oluşturulduğundan beri sipariş değişti; mesaj artık siparişin güncel hâlini gösteriyor.
staff-done = Sipariş #{ $short_id }: { $status }.
staff-refused = Bu sipariş için bu şu anda mümkün değil.
staff-refund-recorded = #{ $short_id } numaralı siparişin iadesi kaydedildi.
staff-note-cancelled-customer = 🚫 Müşteri #{ $short_id } numaralı siparişi iptal etti.
staff-note-cancelled-staff = 🚫 #{ $short_id } numaralı sipariş iptal edildi: { $reason }
staff-note-payment-anomaly = ⚠️ #{ $short_id } numaralı sipariş için { $amount } tutarında bir ödeme, sipariş iptal edildikten veya yeniden açıldıktan sonra geldi. Para iade edilmelidir.
staff-note-refund-provider = 💸 #{ $short_id } numaralı sipariş için { $amount } tutarını ödeme sağlayıcısında iade edin, ardından siparişte “Sağlayıcıda iade edildi” düğmesine basın.
staff-note-refund-stars = 💸 #{ $short_id } numaralı sipariş Telegram Stars ile { $amount } olarak ödendi: iade bir ödeme sağlayıcısında değil, Telegram üzerinden yapılır.
