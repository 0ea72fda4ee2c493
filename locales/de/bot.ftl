# Bot-Nachrichten, Knöpfe, Befehlsbeschreibungen und Push-Benachrichtigungen (Deutsch).

## /start

start-greeting = Hallo { $name }! 👋 Bestelle bei { $restaurant } direkt hier in Telegram.
start-open-app = 🍽 Speisekarte öffnen
start-returning = Willkommen zurück, { $name }! 👋 Wieder Hunger?

## /menu

menu-title = Unsere Speisekarte – wähle eine Kategorie:
menu-category-empty = In dieser Kategorie gibt es gerade nichts.
menu-item-caption =
    { $name } – { $price }
    { $description }
menu-open-item = In der App bestellen
menu-back = ⬅ Zurück

## /status

status-none = Du hast keine offenen Bestellungen.
status-title =
    { $count ->
        [one] Deine offene Bestellung
       *[other] Deine offenen Bestellungen ({ $count })
    }
status-refresh = 🔄 Aktualisieren
status-refreshed = Auf dem neuesten Stand
status-line = #{ $short_id } · { $status } · { $total }

## Bestellstatus

order-status-new = Warenkorb
order-status-checked-out = Zur Kasse gegangen
order-status-awaiting-payment = Wartet auf Zahlung
order-status-paid = Bezahlt
order-status-accepted = Angenommen
order-status-preparing = In Zubereitung
order-status-ready = Fertig
order-status-out-for-delivery = Unterwegs
order-status-delivered = Geliefert
order-status-picked-up = Abgeholt
order-status-cancelled = Storniert
order-status-rejected = Abgelehnt

timeline-at = { $time } – { $step }

## /orders

orders-none = Du hast noch nichts bestellt.
orders-title = Deine Bestellungen (Seite { $page } von { $pages })
orders-line = #{ $short_id } · { $date } · { $total } · { $status }
orders-details = Details
orders-reorder = 🔁 Nochmal bestellen
orders-next = Weiter ▶
orders-prev = ◀ Zurück

## /reorder

reorder-pick = Welche Bestellung möchtest du noch einmal?
reorder-done =
    { $count ->
        [one] Dein Warenkorb enthält { $count } Artikel zu heutigen Preisen.
       *[other] Dein Warenkorb enthält { $count } Artikel zu heutigen Preisen.
    }
reorder-unavailable = Nicht mehr erhältlich: { $items }
reorder-nothing = Keiner dieser Artikel ist mehr erhältlich.
reorder-checkout = 🛒 In der App bezahlen

## /cancel

cancel-none = Es gibt keine Bestellung, die du noch stornieren kannst.
cancel-pick = Welche Bestellung möchtest du stornieren?
cancel-confirm = Bestellung #{ $short_id } stornieren?
cancel-yes = Ja, stornieren
cancel-no = Nein, behalten
cancel-done = Bestellung #{ $short_id } wurde storniert.
cancel-kept = Gut, deine Bestellung bleibt bestehen.
cancel-too-late = Bestellung #{ $short_id } wurde bereits angenommen und kann nicht mehr storniert werden.

## /language

language-pick = Wähle deine Sprache:
language-changed = Sprache auf Deutsch umgestellt.

## /help und Rückfälle

help-text =
    Das kann ich für dich tun:
    /menu – Speisekarte ansehen
    /status – deine offenen Bestellungen
    /orders – deine bisherigen Bestellungen
    /reorder – etwas nochmal bestellen
    /cancel – eine noch nicht angenommene Bestellung stornieren
    /language – Sprache ändern
    /help – diese Nachricht
unknown-text = Das habe ich nicht verstanden. Versuch es mit /menu, /status oder /help.
button-stale = Dieser Knopf ist veraltet.
button-invalid = Dieser Knopf funktioniert nicht mehr.
error-try-again = Etwas ist schiefgelaufen. Bitte versuch es noch einmal.

## Inline-Modus

inline-popular-title = ⭐ Gerade beliebt
inline-item-description = { $price } · { $description }
inline-open = In der App öffnen
inline-switch-pm = Im privaten Chat bestellen

## Daten aus der Mini App

webapp-cart-created =
    { $count ->
        [one] 🛒 Dein Warenkorb: { $count } Artikel, { $total }.
       *[other] 🛒 Dein Warenkorb: { $count } Artikel, { $total }.
    }
webapp-bad-payload = Diesen Warenkorb konnte ich nicht lesen.
webapp-unknown-item = „{ $item }“ steht nicht auf der Speisekarte.
webapp-bad-option = „{ $option }“ gibt es für { $item } nicht.

## Befehlsbeschreibungen

command-start = Starten und Speisekarte öffnen
command-menu = Speisekarte ansehen
command-status = Deine offenen Bestellungen
command-orders = Deine bisherigen Bestellungen
command-reorder = Etwas nochmal bestellen
command-cancel = Eine Bestellung stornieren
command-language = Sprache ändern
command-help = Was dieser Bot kann

## Bot-Profil

bot-description = Bestelle Essen bei unserem Restaurant, ohne Telegram zu verlassen: Speisekarte mit Fotos ansehen, Gerichte anpassen, sicher bezahlen und die Bestellung live verfolgen, bis sie ankommt.
bot-short-description = Essen direkt in Telegram bestellen: Speisekarte, Bezahlung und Live-Verfolgung.

## Push-Benachrichtigungen

notify-payment-received = 💳 Zahlung von { $amount } für Bestellung #{ $short_id } erhalten. Danke!
notify-order-accepted =
    { $eta ->
        [0] 👨‍🍳 Bestellung #{ $short_id } wurde angenommen.
       *[other] 👨‍🍳 Bestellung #{ $short_id } angenommen – fertig in etwa { $eta } Min.
    }
notify-order-rejected = 😔 Bestellung #{ $short_id } wurde leider abgelehnt: { $reason }. Das Geld wird erstattet.
notify-order-ready = ✅ Deine Bestellung #{ $short_id } ist fertig!
notify-out-for-delivery = 🛵 Deine Bestellung #{ $short_id } ist unterwegs.
notify-order-delivered = 🍽 Bestellung #{ $short_id } wurde geliefert. Guten Appetit!
notify-order-picked-up = 🍽 Bestellung #{ $short_id } abgeholt. Guten Appetit!
notify-order-cancelled = ❌ Bestellung #{ $short_id } wurde storniert. { $reason }
notify-refund-completed = 💸 { $amount } für Bestellung #{ $short_id } wurden erstattet.
notify-open-order = Bestellung öffnen
notify-reorder = 🔁 Nochmal bestellen

## Opening hours
closed-opens-today = Wir haben gerade geschlossen. Heute öffnen wir um { $time } Uhr.
closed-opens-later = Wir haben gerade geschlossen. Wir öffnen am { $date } um { $time } Uhr.
closed-indefinitely = Wir haben gerade geschlossen und nehmen keine Bestellungen an.

## Stop-list (staff)
stoplist-title = 🛑 Stoppliste. Wähle eine Kategorie, um Gerichte als ausverkauft oder wieder verfügbar zu markieren.
stoplist-none = Nichts ist ausverkauft.
stoplist-sold-out-now = Gerade ausverkauft: { $dishes }
stoplist-category = { $category }: Tippe auf ein Gericht, um es umzuschalten. ⛔ ausverkauft, ✅ verfügbar.
stoplist-options = Optionen von { $item }: ⛔ ausverkauft, ✅ verfügbar.
stoplist-options-button = Optionen
stoplist-back = « Zurück
stoplist-staff-only = Nur das Personal des Restaurants kann die Stoppliste ändern.
stoplist-marked-sold-out = { $dish } ist ausverkauft.
stoplist-marked-back = { $dish } ist wieder verfügbar.
## Payments (Zahlungen): invoices, the pre-checkout answer, thanks

invoice-title = Bestellung #{ $short_id }
invoice-description = Deine Bestellung: { $items }
invoice-delivery-fee = Lieferung
status-pay = 💳 #{ $short_id } bezahlen
pay-unavailable = Online-Zahlung ist gerade nicht möglich. Bitte versuche es später noch einmal.
pay-already-paid = Diese Bestellung ist bereits bezahlt.
precheckout-unknown = Diese Rechnung ist nicht mehr gültig.
precheckout-changed = Deine Bestellung hat sich seit dieser Rechnung geändert. Bitte öffne die Bestellung erneut, um zu bezahlen.
precheckout-amount = Der Betrag passt nicht zu deiner Bestellung. Bitte öffne die Bestellung erneut, um zu bezahlen.
precheckout-closed = Das Restaurant nimmt gerade keine Bestellungen an.
precheckout-unavailable = Wir konnten deine Bestellung gerade nicht prüfen. Bitte versuche es gleich noch einmal.
webapp-mixed = Gutscheine werden mit Telegram Stars bezahlt, Essen mit Karte – sie können nicht in einer Bestellung sein. Bitte bestelle sie getrennt.
webapp-need-fulfilment = Bitte wähle zuerst Lieferung oder Abholung.
webapp-bad-address = Diese Lieferadresse ist unvollständig.

## Staff chat (orders for the kitchen)
staff-order-title = 🧾 Bestellung #{ $short_id } · { $status }
staff-order-customer = 👤 { $name }
staff-order-note = ✏️ { $note }
staff-order-delivery = 🛵 Lieferung: { $address }
staff-order-phone = ☎️ { $phone }
staff-order-pickup = 🏃 Abholung
staff-order-comment = 💬 Kommentar: { $comment }
staff-order-total = Summe: { $total }
staff-paid-provider = 💳 Bezahlt über den Zahlungsanbieter
staff-paid-stars = ⭐ Bezahlt mit Telegram Stars
staff-order-eta = ⏱ Fertig in etwa { $eta } Min.
staff-order-refund-requested = 💸 Zu erstatten: { $amount }
staff-order-refunded = 💸 Erstattet: { $amount }
staff-pick-reject = Warum wird die Bestellung abgelehnt?
staff-pick-cancel = Warum wird die Bestellung storniert?
staff-accept = ✅ { $eta } Min.
staff-reject = ✖️ Ablehnen…
staff-cancel = 🚫 Stornieren…
staff-preparing = 👨‍🍳 In Zubereitung
staff-ready = 🔔 Fertig
staff-out-for-delivery = 🛵 Unterwegs
staff-delivered = 📦 Geliefert
staff-picked-up = 🤝 Abgeholt
staff-back = « Zurück
staff-refunded = 💸 Beim Anbieter erstattet
staff-reason-closing-soon = Wir schließen bald
staff-reason-too-busy = Zu viel los
staff-reason-item-unavailable = Artikel nicht verfügbar
staff-reason-customer-request = Auf Wunsch des Kunden
staff-only = Nur das Personal des Restaurants kann Bestellungen bearbeiten.
staff-stale = Die Bestellung hat sich seit dieser Schaltfläche geändert; die Nachricht zeigt jetzt den aktuellen Stand.
staff-done = Bestellung #{ $short_id }: { $status }.
staff-refused = Das ist bei dieser Bestellung jetzt nicht möglich.
staff-refund-recorded = Die Erstattung der Bestellung #{ $short_id } ist erfasst.
staff-note-cancelled-customer = 🚫 Der Kunde hat die Bestellung #{ $short_id } storniert.
staff-note-cancelled-staff = 🚫 Bestellung #{ $short_id } wurde storniert: { $reason }
staff-note-payment-anomaly = ⚠️ Eine Zahlung von { $amount } für Bestellung #{ $short_id } kam an, nachdem sie storniert oder wieder geöffnet wurde. Das Geld muss zurückgegeben werden.
staff-note-refund-provider = 💸 Erstatte { $amount } für Bestellung #{ $short_id } beim Zahlungsanbieter und tippe dann bei der Bestellung auf „Beim Anbieter erstattet“.
staff-note-refund-stars = 💸 Bestellung #{ $short_id } wurde mit { $amount } in Telegram Stars bezahlt: Die Erstattung läuft über Telegram, nicht über einen Zahlungsanbieter.
