# Wiadomości bota, przyciski, opisy poleceń i powiadomienia (polski).

## /start

start-greeting = Cześć, { $name }! 👋 Zamawiaj z { $restaurant } prosto tutaj, w Telegramie.
start-open-app = 🍽 Otwórz menu
start-returning = Witaj ponownie, { $name }! 👋 Znowu głodny?

## /menu

menu-title = Nasze menu — wybierz kategorię:
menu-category-empty = W tej kategorii nic teraz nie ma.
menu-item-caption =
    { $name } — { $price }
    { $description }
menu-open-item = Zamów w aplikacji
menu-back = ⬅ Wstecz

## /status

status-none = Nie masz aktywnych zamówień.
status-title =
    { $count ->
        [one] Twoje aktywne zamówienie
       *[other] Twoje aktywne zamówienia ({ $count })
    }
status-refresh = 🔄 Odśwież
status-refreshed = Aktualne
status-line = #{ $short_id } · { $status } · { $total }

## Statusy zamówienia

order-status-new = Koszyk
order-status-checked-out = Złożone
order-status-awaiting-payment = Oczekuje na płatność
order-status-paid = Opłacone
order-status-accepted = Przyjęte
order-status-preparing = W przygotowaniu
order-status-ready = Gotowe
order-status-out-for-delivery = W drodze
order-status-delivered = Dostarczone
order-status-picked-up = Odebrane
order-status-cancelled = Anulowane
order-status-rejected = Odrzucone

timeline-at = { $time } — { $step }

## /orders

orders-none = Jeszcze niczego nie zamawiałeś.
orders-title = Twoje zamówienia (strona { $page } z { $pages })
orders-line = #{ $short_id } · { $date } · { $total } · { $status }
orders-details = Szczegóły
orders-reorder = 🔁 Zamów ponownie
orders-next = Dalej ▶
orders-prev = ◀ Wstecz

## /reorder

reorder-pick = Które zamówienie chcesz powtórzyć?
reorder-done =
    { $count ->
        [one] W koszyku jest { $count } produkt w dzisiejszych cenach.
        [few] W koszyku są { $count } produkty w dzisiejszych cenach.
       *[many] W koszyku jest { $count } produktów w dzisiejszych cenach.
    }
reorder-unavailable = Już niedostępne: { $items }
reorder-nothing = Żaden z tych produktów nie jest już dostępny.
reorder-checkout = 🛒 Zapłać w aplikacji

## /cancel

cancel-none = Nie ma zamówienia, które można jeszcze anulować.
cancel-pick = Które zamówienie chcesz anulować?
cancel-confirm = Anulować zamówienie #{ $short_id }?
cancel-yes = Tak, anuluj
cancel-no = Nie, zostaw
cancel-done = Zamówienie #{ $short_id } zostało anulowane.
cancel-kept = Dobrze, zamówienie pozostaje aktualne.
cancel-too-late = Zamówienie #{ $short_id } zostało już przyjęte i nie można go anulować.

## /language

language-pick = Wybierz język:
language-changed = Zmieniono język na polski.

## /help

help-text =
    Oto, co potrafię:
    /menu — przeglądaj menu
    /status — twoje aktywne zamówienia
    /orders — twoje poprzednie zamówienia
    /reorder — zamów coś ponownie
    /cancel — anuluj zamówienie, które nie zostało jeszcze przyjęte
    /language — zmień język
    /help — ta wiadomość
unknown-text = Nie rozumiem. Spróbuj /menu, /status lub /help.
button-stale = Ten przycisk jest nieaktualny.
button-invalid = Ten przycisk już nie działa.
error-try-again = Coś poszło nie tak. Spróbuj ponownie.

## Tryb inline

inline-popular-title = ⭐ Teraz popularne
inline-item-description = { $price } · { $description }
inline-open = Otwórz w aplikacji
inline-switch-pm = Zamów na czacie prywatnym

## Dane z Mini App

webapp-cart-created =
    { $count ->
        [one] 🛒 Twój koszyk: { $count } produkt, { $total }.
        [few] 🛒 Twój koszyk: { $count } produkty, { $total }.
       *[many] 🛒 Twój koszyk: { $count } produktów, { $total }.
    }
webapp-bad-payload = Nie udało się odczytać tego koszyka.
webapp-unknown-item = „{ $item }” nie ma w menu.
webapp-bad-option = „{ $option }” nie jest dostępne dla { $item }.

## Opisy poleceń

command-start = Zacznij i otwórz menu
command-menu = Przeglądaj menu
command-status = Twoje aktywne zamówienia
command-orders = Historia zamówień
command-reorder = Zamów coś ponownie
command-cancel = Anuluj zamówienie
command-language = Zmień język
command-help = Co potrafi ten bot

## Profil bota

bot-description = Zamawiaj jedzenie z naszej restauracji bez wychodzenia z Telegrama: przeglądaj menu ze zdjęciami, dopasuj dania do siebie, płać bezpiecznie i śledź zamówienie na żywo aż do dostawy.
bot-short-description = Zamawiaj jedzenie w Telegramie: menu, płatność i śledzenie zamówienia na żywo.

## Powiadomienia

notify-payment-received = 💳 Otrzymaliśmy płatność { $amount } za zamówienie #{ $short_id }. Dziękujemy!
notify-order-accepted =
    { $eta ->
        [0] 👨‍🍳 Zamówienie #{ $short_id } zostało przyjęte.
       *[other] 👨‍🍳 Zamówienie #{ $short_id } przyjęte — będzie gotowe za około { $eta } min.
    }
notify-order-rejected = 😔 Niestety zamówienie #{ $short_id } zostało odrzucone: { $reason }. Pieniądze zostaną zwrócone.
notify-order-ready = ✅ Twoje zamówienie #{ $short_id } jest gotowe!
notify-out-for-delivery = 🛵 Twoje zamówienie #{ $short_id } jest w drodze.
notify-order-delivered = 🍽 Zamówienie #{ $short_id } zostało dostarczone. Smacznego!
notify-order-picked-up = 🍽 Zamówienie #{ $short_id } odebrane. Smacznego!
notify-order-cancelled = ❌ Zamówienie #{ $short_id } zostało anulowane. { $reason }
notify-refund-completed = 💸 Zwróciliśmy { $amount } za zamówienie #{ $short_id }.
notify-open-order = Otwórz zamówienie
notify-reorder = 🔁 Zamów ponownie

## Opening hours
closed-opens-today = W tej chwili mamy zamknięte. Dziś otwieramy o { $time }.
closed-opens-later = W tej chwili mamy zamknięte. Otwieramy { $date } o { $time }.
closed-indefinitely = W tej chwili mamy zamknięte i nie przyjmujemy zamówień.

## Stop-list (staff)
stoplist-title = 🛑 Lista wstrzymanych. Wybierz kategorię, aby oznaczyć dania jako wyprzedane lub znów dostępne.
stoplist-none = Nic nie jest wyprzedane.
stoplist-sold-out-now = Teraz wyprzedane: { $dishes }
stoplist-category = { $category }: dotknij dania, aby je przełączyć. ⛔ wyprzedane, ✅ dostępne.
stoplist-options = Opcje { $item }: ⛔ wyprzedane, ✅ dostępne.
stoplist-options-button = Opcje
stoplist-back = « Wstecz
stoplist-staff-only = Tylko obsługa restauracji może zmieniać listę wstrzymanych.
stoplist-marked-sold-out = { $dish }: wyprzedane.
stoplist-marked-back = { $dish }: znów dostępne.
## Payments (Płatności): invoices, the pre-checkout answer, thanks

invoice-title = Zamówienie #{ $short_id }
invoice-description = Twoje zamówienie: { $items }
invoice-delivery-fee = Dostawa
status-pay = 💳 Zapłać za #{ $short_id }
pay-unavailable = Płatność online jest teraz niedostępna. Spróbuj ponownie później.
pay-already-paid = To zamówienie jest już opłacone.
precheckout-unknown = Ta faktura nie jest już ważna.
precheckout-changed = Twoje zamówienie zmieniło się od wystawienia tej faktury. Otwórz zamówienie ponownie, aby zapłacić.
precheckout-amount = Kwota nie zgadza się z zamówieniem. Otwórz zamówienie ponownie, aby zapłacić.
precheckout-closed = Restauracja nie przyjmuje teraz zamówień.
precheckout-unavailable = Nie udało się teraz sprawdzić zamówienia. Spróbuj ponownie za chwilę.
webapp-mixed = Karty podarunkowe opłaca się w Telegram Stars, a jedzenie kartą, więc nie mogą być w jednym zamówieniu. Zamów je osobno.
webapp-need-fulfilment = Najpierw wybierz dostawę lub odbiór osobisty.
webapp-bad-address = Ten adres dostawy jest niepełny.

## Staff chat (orders for the kitchen)
staff-order-title = 🧾 Zamówienie #{ $short_id } · { $status }
staff-order-customer = 👤 { $name }
staff-order-note = ✏️ { $note }
staff-order-delivery = 🛵 Dostawa: { $address }
staff-order-phone = ☎️ { $phone }
staff-order-pickup = 🏃 Odbiór osobisty
staff-order-comment = 💬 Komentarz: { $comment }
staff-order-total = Razem: { $total }
staff-paid-provider = 💳 Opłacone przez operatora płatności
staff-paid-stars = ⭐ Opłacone w Telegram Stars
staff-order-eta = ⏱ Gotowe za około { $eta } min
staff-order-refund-requested = 💸 Do zwrotu: { $amount }
staff-order-refunded = 💸 Zwrócono: { $amount }
staff-pick-reject = Dlaczego zamówienie jest odrzucane?
staff-pick-cancel = Dlaczego zamówienie jest anulowane?
staff-accept = ✅ { $eta } min
staff-reject = ✖️ Odrzuć…
staff-cancel = 🚫 Anuluj…
staff-preparing = 👨‍🍳 W przygotowaniu
staff-ready = 🔔 Gotowe
staff-out-for-delivery = 🛵 W drodze
staff-delivered = 📦 Dostarczone
staff-picked-up = 🤝 Odebrane
staff-back = « Wstecz
staff-refunded = 💸 Zwrócono u operatora
staff-reason-closing-soon = Wkrótce zamykamy
staff-reason-too-busy = Za dużo zamówień
staff-reason-item-unavailable = Pozycja niedostępna
staff-reason-customer-request = Na prośbę klienta
staff-only = Zamówienia może obsługiwać tylko personel restauracji.
staff-stale = To zamówienie zmieniło się od utworzenia tego przycisku; wiadomość pokazuje teraz jego aktualny stan.
staff-done = Zamówienie #{ $short_id }: { $status }.
staff-refused = Dla tego zamówienia nie jest to teraz możliwe.
staff-refund-recorded = Zwrot za zamówienie #{ $short_id } został zapisany.
staff-note-cancelled-customer = 🚫 Klient anulował zamówienie #{ $short_id }.
staff-note-cancelled-staff = 🚫 Zamówienie #{ $short_id } zostało anulowane: { $reason }
staff-note-payment-anomaly = ⚠️ Płatność { $amount } za zamówienie #{ $short_id } dotarła po jego anulowaniu lub ponownym otwarciu. Pieniądze trzeba zwrócić.
staff-note-refund-provider = 💸 Zwróć { $amount } za zamówienie #{ $short_id } u operatora płatności, a potem naciśnij „Zwrócono u operatora” przy zamówieniu.
staff-note-refund-stars = 💸 Zamówienie #{ $short_id } opłacono kwotą { $amount } w Telegram Stars: zwrot odbywa się przez Telegram, nie u operatora płatności.
