# Typographie : espace fine insécable avant « ! » et « ? », espace insécable avant « : »
# et à l’intérieur des guillemets, pour que Telegram ne coupe jamais la ligne à cet endroit.
# Messages du bot, boutons, descriptions des commandes et notifications (français).

## /start

start-greeting = Bonjour { $name } ! 👋 Commandez chez { $restaurant } directement ici, dans Telegram.
start-open-app = 🍽 Ouvrir la carte
start-returning = Bon retour, { $name } ! 👋 Encore un petit creux ?

## /menu

menu-title = Notre carte — choisissez une catégorie :
menu-category-empty = Rien dans cette catégorie pour le moment.
menu-item-caption =
    { $name } — { $price }
    { $description }
menu-open-item = Commander dans l’app
menu-back = ⬅ Retour

## /status

status-none = Vous n’avez aucune commande en cours.
status-title =
    { $count ->
        [one] Votre commande en cours
       *[other] Vos commandes en cours ({ $count })
    }
status-refresh = 🔄 Actualiser
status-refreshed = À jour
status-line = #{ $short_id } · { $status } · { $total }

## Statuts de commande

order-status-new = Panier
order-status-checked-out = Validée
order-status-awaiting-payment = En attente de paiement
order-status-paid = Payée
order-status-accepted = Acceptée
order-status-preparing = En préparation
order-status-ready = Prête
order-status-out-for-delivery = En cours de livraison
order-status-delivered = Livrée
order-status-picked-up = Retirée
order-status-cancelled = Annulée
order-status-rejected = Refusée

timeline-at = { $time } — { $step }

## /orders

orders-none = Vous n’avez encore rien commandé.
orders-title = Vos commandes (page { $page } sur { $pages })
orders-line = #{ $short_id } · { $date } · { $total } · { $status }
orders-details = Détails
orders-reorder = 🔁 Recommander
orders-next = Suivant ▶
orders-prev = ◀ Retour

## /reorder

reorder-pick = Quelle commande souhaitez-vous refaire ?
reorder-done =
    { $count ->
        [one] Votre panier contient { $count } article aux prix du jour.
       *[other] Votre panier contient { $count } articles aux prix du jour.
    }
reorder-unavailable = Plus disponible : { $items }
reorder-nothing = Aucun de ces articles n’est encore disponible.
reorder-checkout = 🛒 Payer dans l’app

## /cancel

cancel-none = Aucune commande ne peut encore être annulée.
cancel-pick = Quelle commande souhaitez-vous annuler ?
cancel-confirm = Annuler la commande #{ $short_id } ?
cancel-yes = Oui, annuler
cancel-no = Non, la garder
cancel-done = La commande #{ $short_id } a été annulée.
cancel-kept = Très bien, votre commande est maintenue.
cancel-too-late = La commande #{ $short_id } a déjà été acceptée et ne peut plus être annulée.

## /language

language-pick = Choisissez votre langue :
language-changed = Langue changée : français.

## /help

help-text =
    Voici ce que je sais faire :
    /menu — parcourir la carte
    /status — vos commandes en cours
    /orders — vos commandes passées
    /reorder — recommander quelque chose
    /cancel — annuler une commande pas encore acceptée
    /language — changer de langue
    /help — ce message
unknown-text = Je n’ai pas compris. Essayez /menu, /status ou /help.
button-stale = Ce bouton n’est plus à jour.
button-invalid = Ce bouton ne fonctionne plus.
error-try-again = Un problème est survenu. Veuillez réessayer.

## Mode inline

inline-popular-title = ⭐ Populaire en ce moment
inline-item-description = { $price } · { $description }
inline-open = Ouvrir dans l’app
inline-switch-pm = Commander en message privé

## Données de la Mini App

webapp-cart-created =
    { $count ->
        [one] 🛒 Votre panier : { $count } article, { $total }.
       *[other] 🛒 Votre panier : { $count } articles, { $total }.
    }
webapp-bad-payload = Je n’ai pas pu lire ce panier.
webapp-unknown-item = « { $item } » n’est pas sur la carte.
webapp-bad-option = « { $option } » n’est pas disponible pour { $item }.

## Descriptions des commandes

command-start = Démarrer et ouvrir la carte
command-menu = Parcourir la carte
command-status = Vos commandes en cours
command-orders = Historique de vos commandes
command-reorder = Recommander quelque chose
command-cancel = Annuler une commande
command-language = Changer de langue
command-help = Ce que ce bot sait faire

## Profil du bot

bot-description = Commandez dans notre restaurant sans quitter Telegram : parcourez la carte en photos, personnalisez vos plats, payez en toute sécurité et suivez votre commande en direct jusqu’à son arrivée.
bot-short-description = Commandez à manger dans Telegram : carte, paiement et suivi en direct.

## Notifications

notify-payment-received = 💳 Paiement de { $amount } reçu pour la commande #{ $short_id }. Merci !
notify-order-accepted =
    { $eta ->
        [0] 👨‍🍳 La commande #{ $short_id } a été acceptée.
       *[other] 👨‍🍳 Commande #{ $short_id } acceptée — prête dans environ { $eta } min.
    }
notify-order-rejected = 😔 Désolés, la commande #{ $short_id } a été refusée : { $reason }. Vous serez remboursé.
notify-order-ready = ✅ Votre commande #{ $short_id } est prête !
notify-out-for-delivery = 🛵 Votre commande #{ $short_id } est en route.
notify-order-delivered = 🍽 La commande #{ $short_id } a été livrée. Bon appétit !
notify-order-picked-up = 🍽 Commande #{ $short_id } retirée. Bon appétit !
notify-order-cancelled = ❌ La commande #{ $short_id } a été annulée. { $reason }
notify-refund-completed = 💸 { $amount } ont été remboursés pour la commande #{ $short_id }.
notify-open-order = Voir la commande
notify-reorder = 🔁 Recommander

## Opening hours
closed-opens-today = Nous sommes fermés pour le moment. Nous ouvrons aujourd’hui à { $time }.
closed-opens-later = Nous sommes fermés pour le moment. Nous ouvrons le { $date } à { $time }.
closed-indefinitely = Nous sommes fermés pour le moment et ne prenons pas de commandes.

## Stop-list (staff)
stoplist-title = 🛑 Liste des ruptures. Choisissez une catégorie pour marquer des plats en rupture ou de nouveau disponibles.
stoplist-none = Rien n’est en rupture.
stoplist-sold-out-now = En rupture : { $dishes }
stoplist-category = { $category } : touchez un plat pour le basculer. ⛔ en rupture, ✅ disponible.
stoplist-options = Options de { $item } : ⛔ en rupture, ✅ disponible.
stoplist-options-button = Options
stoplist-back = ← Retour
stoplist-staff-only = Seul le personnel du restaurant peut modifier la liste des ruptures.
stoplist-marked-sold-out = { $dish } est en rupture.
stoplist-marked-back = { $dish } est de nouveau disponible.
## Payments (Paiements): invoices, the pre-checkout answer, thanks

invoice-title = Commande #{ $short_id }
invoice-description = Votre commande : { $items }
invoice-delivery-fee = Livraison
status-pay = 💳 Payer #{ $short_id }
pay-unavailable = Le paiement en ligne n’est pas disponible pour le moment. Veuillez réessayer plus tard.
pay-already-paid = Cette commande est déjà payée.
precheckout-unknown = Cette facture n’est plus valable.
precheckout-changed = Votre commande a changé depuis la création de cette facture. Rouvrez la commande pour payer.
precheckout-amount = Le montant ne correspond pas à votre commande. Rouvrez la commande pour payer.
precheckout-closed = Le restaurant ne prend pas de commandes pour le moment.
precheckout-unavailable = Nous n’avons pas pu vérifier votre commande. Réessayez dans un instant.
webapp-mixed = Les cartes cadeaux se paient en Telegram Stars et les plats par carte : ils ne peuvent pas être dans la même commande. Commandez-les séparément.
webapp-need-fulfilment = Choisissez d’abord la livraison ou le retrait.
webapp-bad-address = Cette adresse de livraison est incomplète.

## Staff chat (orders for the kitchen)
staff-order-title = 🧾 Commande #{ $short_id } · { $status }
staff-order-customer = 👤 { $name }
staff-order-note = ✏️ { $note }
staff-order-delivery = 🛵 Livraison : { $address }
staff-order-phone = ☎️ { $phone }
staff-order-pickup = 🏃 À emporter
staff-order-comment = 💬 Commentaire : { $comment }
staff-order-total = Total : { $total }
staff-paid-provider = 💳 Payé via le prestataire de paiement
staff-paid-stars = ⭐ Payé en Telegram Stars
staff-order-eta = ⏱ Prête dans environ { $eta } min
staff-order-refund-requested = 💸 Remboursement à faire : { $amount }
staff-order-refunded = 💸 Remboursé : { $amount }
staff-pick-reject = Pourquoi refuser la commande ?
staff-pick-cancel = Pourquoi annuler la commande ?
staff-accept = ✅ { $eta } min
staff-reject = ✖️ Refuser…
staff-cancel = 🚫 Annuler…
staff-preparing = 👨‍🍳 En préparation
staff-ready = 🔔 Prête
staff-out-for-delivery = 🛵 En livraison
staff-delivered = 📦 Livrée
staff-picked-up = 🤝 Retirée
staff-back = « Retour
staff-refunded = 💸 Remboursé chez le prestataire
staff-reason-closing-soon = Fermeture imminente
staff-reason-too-busy = Trop de monde
staff-reason-item-unavailable = Article indisponible
staff-reason-customer-request = À la demande du client
staff-only = Seul le personnel du restaurant peut gérer les commandes.
staff-stale = Cette commande a changé depuis la création de ce bouton ; le message la montre maintenant telle qu’elle est.
staff-done = Commande #{ $short_id } : { $status }.
staff-refused = Ce n’est plus possible pour cette commande.
staff-refund-recorded = Le remboursement de la commande #{ $short_id } est enregistré.
staff-note-cancelled-customer = 🚫 Le client a annulé la commande #{ $short_id }.
staff-note-cancelled-staff = 🚫 La commande #{ $short_id } a été annulée : { $reason }
staff-note-payment-anomaly = ⚠️ Un paiement de { $amount } est arrivé pour la commande #{ $short_id } après son annulation ou sa réouverture. L’argent doit être rendu.
staff-note-refund-provider = 💸 Remboursez { $amount } pour la commande #{ $short_id } chez le prestataire de paiement, puis appuyez sur « Remboursé chez le prestataire » sous la commande.
staff-note-refund-stars = 💸 La commande #{ $short_id } a été payée { $amount } en Telegram Stars : le remboursement passe par Telegram, pas par un prestataire.
