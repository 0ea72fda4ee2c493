# Messaggi del bot, pulsanti, descrizioni dei comandi e notifiche (italiano).

## /start

start-greeting = Ciao { $name }! 👋 Ordina da { $restaurant } direttamente qui su Telegram.
start-open-app = 🍽 Apri il menù
start-returning = Bentornato, { $name }! 👋 Di nuovo fame?

## /menu

menu-title = Il nostro menù — scegli una categoria:
menu-category-empty = Al momento non c’è nulla in questa categoria.
menu-item-caption =
    { $name } — { $price }
    { $description }
menu-open-item = Ordina nell’app
menu-back = ⬅ Indietro

## /status

status-none = Non hai ordini in corso.
status-title =
    { $count ->
        [one] Il tuo ordine in corso
       *[other] I tuoi ordini in corso ({ $count })
    }
status-refresh = 🔄 Aggiorna
status-refreshed = Aggiornato
status-line = #{ $short_id } · { $status } · { $total }

## Stati dell'ordine

order-status-new = Carrello
order-status-checked-out = Confermato
order-status-awaiting-payment = In attesa di pagamento
order-status-paid = Pagato
order-status-accepted = Accettato
order-status-preparing = In preparazione
order-status-ready = Pronto
order-status-out-for-delivery = In consegna
order-status-delivered = Consegnato
order-status-picked-up = Ritirato
order-status-cancelled = Annullato
order-status-rejected = Rifiutato

timeline-at = { $time } — { $step }

## /orders

orders-none = Non hai ancora ordinato nulla.
orders-title = I tuoi ordini (pagina { $page } di { $pages })
orders-line = #{ $short_id } · { $date } · { $total } · { $status }
orders-details = Dettagli
orders-reorder = 🔁 Ordina di nuovo
orders-next = Avanti ▶
orders-prev = ◀ Indietro

## /reorder

reorder-pick = Quale ordine vuoi ripetere?
reorder-done =
    { $count ->
        [one] Il tuo carrello contiene { $count } articolo ai prezzi di oggi.
       *[other] Il tuo carrello contiene { $count } articoli ai prezzi di oggi.
    }
reorder-unavailable = Non più disponibile: { $items }
reorder-nothing = Nessuno di questi articoli è più disponibile.
reorder-checkout = 🛒 Paga nell’app

## /cancel

cancel-none = Non c’è nessun ordine che puoi ancora annullare.
cancel-pick = Quale ordine vuoi annullare?
cancel-confirm = Annullare l’ordine #{ $short_id }?
cancel-yes = Sì, annulla
cancel-no = No, tienilo
cancel-done = L’ordine #{ $short_id } è stato annullato.
cancel-kept = Va bene, il tuo ordine resta valido.
cancel-too-late = L’ordine #{ $short_id } è già stato accettato e non può più essere annullato.

## /language

language-pick = Scegli la tua lingua:
language-changed = Lingua impostata su italiano.

## /help

help-text =
    Ecco cosa posso fare:
    /menu — sfoglia il menù
    /status — i tuoi ordini in corso
    /orders — i tuoi ordini passati
    /reorder — ordina di nuovo qualcosa
    /cancel — annulla un ordine non ancora accettato
    /language — cambia lingua
    /help — questo messaggio
unknown-text = Non ho capito. Prova con /menu, /status o /help.
button-stale = Questo pulsante non è più aggiornato.
button-invalid = Questo pulsante non funziona più.
error-try-again = Qualcosa è andato storto. Riprova.

## Modalità inline

inline-popular-title = ⭐ I più richiesti
inline-item-description = { $price } · { $description }
inline-open = Apri nell’app
inline-switch-pm = Ordina in chat privata

## Dati dalla Mini App

webapp-cart-created =
    { $count ->
        [one] 🛒 Il tuo carrello: { $count } articolo, { $total }.
       *[other] 🛒 Il tuo carrello: { $count } articoli, { $total }.
    }
webapp-bad-payload = Non sono riuscito a leggere quel carrello.
webapp-unknown-item = «{ $item }» non è nel menù.
webapp-bad-option = «{ $option }» non è disponibile per { $item }.

## Descrizioni dei comandi

command-start = Avvia e apri il menù
command-menu = Sfoglia il menù
command-status = I tuoi ordini in corso
command-orders = La cronologia degli ordini
command-reorder = Ordina di nuovo qualcosa
command-cancel = Annulla un ordine
command-language = Cambia lingua
command-help = Cosa sa fare questo bot

## Profilo del bot

bot-description = Ordina dal nostro ristorante senza uscire da Telegram: sfoglia il menù con le foto, personalizza i piatti, paga in sicurezza e segui il tuo ordine in tempo reale fino all’arrivo.
bot-short-description = Ordina cibo direttamente su Telegram: menù, pagamento e ordine in tempo reale.

## Notifiche

notify-payment-received = 💳 Pagamento di { $amount } ricevuto per l’ordine #{ $short_id }. Grazie!
notify-order-accepted =
    { $eta ->
        [0] 👨‍🍳 L’ordine #{ $short_id } è stato accettato.
       *[other] 👨‍🍳 Ordine #{ $short_id } accettato — pronto tra circa { $eta } min.
    }
notify-order-rejected = 😔 Ci dispiace, l’ordine #{ $short_id } è stato rifiutato: { $reason }. Verrai rimborsato.
notify-order-ready = ✅ Il tuo ordine #{ $short_id } è pronto!
notify-out-for-delivery = 🛵 Il tuo ordine #{ $short_id } è in arrivo.
notify-order-delivered = 🍽 L’ordine #{ $short_id } è stato consegnato. Buon appetito!
notify-order-picked-up = 🍽 Ordine #{ $short_id } ritirato. Buon appetito!
notify-order-cancelled = ❌ L’ordine #{ $short_id } è stato annullato. { $reason }
notify-refund-completed = 💸 Ti abbiamo rimborsato { $amount } per l’ordine #{ $short_id }.
notify-open-order = Apri l’ordine
notify-reorder = 🔁 Ordina di nuovo

## Opening hours
closed-opens-today = Al momento siamo chiusi. Oggi apriamo alle { $time }.
closed-opens-later = Al momento siamo chiusi. Apriamo il { $date } alle { $time }.
closed-indefinitely = Al momento siamo chiusi e non accettiamo ordini.

## Stop-list (staff)
stoplist-title = 🛑 Lista esauriti. Scegli una categoria per segnare i piatti come esauriti o di nuovo disponibili.
stoplist-none = Non c’è nulla di esaurito.
stoplist-sold-out-now = Esauriti ora: { $dishes }
stoplist-category = { $category }: tocca un piatto per cambiarlo. ⛔ esaurito, ✅ disponibile.
stoplist-options = Opzioni di { $item }: ⛔ esaurito, ✅ disponibile.
stoplist-options-button = Opzioni
stoplist-back = « Indietro
stoplist-staff-only = Solo il personale del ristorante può modificare la lista esauriti.
stoplist-marked-sold-out = { $dish } è esaurito.
stoplist-marked-back = { $dish } è di nuovo disponibile.
## Payments (Pagamenti): invoices, the pre-checkout answer, thanks

invoice-title = Ordine #{ $short_id }
invoice-description = Il tuo ordine: { $items }
invoice-delivery-fee = Consegna
status-pay = 💳 Paga #{ $short_id }
pay-unavailable = Il pagamento online non è disponibile al momento. Riprova più tardi.
pay-already-paid = Questo ordine è già pagato.
precheckout-unknown = Questa fattura non è più valida.
precheckout-changed = Il tuo ordine è cambiato da quando è stata creata questa fattura. Riapri l’ordine per pagare.
precheckout-amount = L’importo non corrisponde al tuo ordine. Riapri l’ordine per pagare.
precheckout-closed = Il ristorante non accetta ordini in questo momento.
precheckout-unavailable = Non siamo riusciti a verificare il tuo ordine. Riprova tra un attimo.
webapp-mixed = Le carte regalo si pagano con Telegram Stars e il cibo con carta, quindi non possono stare nello stesso ordine. Ordinale separatamente.
webapp-need-fulfilment = Scegli prima consegna o ritiro.
webapp-bad-address = Questo indirizzo di consegna è incompleto.

## Staff chat (orders for the kitchen)
staff-order-title = 🧾 Ordine #{ $short_id } · { $status }
staff-order-customer = 👤 { $name }
staff-order-note = ✏️ { $note }
staff-order-delivery = 🛵 Consegna: { $address }
staff-order-phone = ☎️ { $phone }
staff-order-pickup = 🏃 Ritiro in negozio
staff-order-comment = 💬 Commento: { $comment }
staff-order-total = Totale: { $total }
staff-paid-provider = 💳 Pagato tramite il fornitore di pagamento
staff-paid-stars = ⭐ Pagato in Telegram Stars
staff-order-eta = ⏱ Pronto tra circa { $eta } min
staff-order-refund-requested = 💸 Rimborso da fare: { $amount }
staff-order-refunded = 💸 Rimborsato: { $amount }
staff-pick-reject = Perché l’ordine viene rifiutato?
staff-pick-cancel = Perché l’ordine viene annullato?
staff-accept = ✅ { $eta } min
staff-reject = ✖️ Rifiuta…
staff-cancel = 🚫 Annulla…
staff-preparing = 👨‍🍳 In preparazione
staff-ready = 🔔 Pronto
staff-out-for-delivery = 🛵 In consegna
staff-delivered = 📦 Consegnato
staff-picked-up = 🤝 Ritirato
staff-back = « Indietro
staff-refunded = 💸 Rimborsato dal fornitore
staff-reason-closing-soon = Chiudiamo a breve
staff-reason-too-busy = Troppo lavoro
staff-reason-item-unavailable = Prodotto non disponibile
staff-reason-customer-request = Su richiesta del cliente
staff-only = Solo il personale del ristorante può gestire gli ordini.
staff-stale = Questo ordine è cambiato da quando è stato creato questo pulsante; il messaggio ora lo mostra com’è.
staff-done = Ordine #{ $short_id }: { $status }.
staff-refused = Ora non è possibile per questo ordine.
staff-refund-recorded = Il rimborso dell’ordine #{ $short_id } è registrato.
staff-note-cancelled-customer = 🚫 Il cliente ha annullato l’ordine #{ $short_id }.
staff-note-cancelled-staff = 🚫 L’ordine #{ $short_id } è stato annullato: { $reason }
staff-note-payment-anomaly = ⚠️ Un pagamento di { $amount } è arrivato per l’ordine #{ $short_id } dopo che era stato annullato o riaperto. Il denaro va restituito.
staff-note-refund-provider = 💸 Rimborsa { $amount } per l’ordine #{ $short_id } presso il fornitore di pagamento, poi premi «Rimborsato dal fornitore» sull’ordine.
staff-note-refund-stars = 💸 L’ordine #{ $short_id } è stato pagato { $amount } in Telegram Stars: il rimborso avviene tramite Telegram, non presso un fornitore.
