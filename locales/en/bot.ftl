# Bot messages, buttons, command descriptions and push notifications (English,
# the reference catalog and the fallback). $short_id is the bare short order
# id; the texts add the "#". $price, $total and $amount are formatted money.

## /start

start-greeting = Hi { $name }! 👋 Order from { $restaurant } right here in Telegram.
start-open-app = 🍽 Open the menu
start-returning = Welcome back, { $name }! 👋 Hungry again?

## /menu

menu-title = Our menu — pick a category:
menu-category-empty = Nothing in this category right now.
menu-item-caption =
    { $name } — { $price }
    { $description }
menu-open-item = Order in the app
menu-back = ⬅ Back

## /status

status-none = You have no active orders.
status-title =
    { $count ->
        [one] Your active order
       *[other] Your active orders ({ $count })
    }
status-refresh = 🔄 Refresh
status-refreshed = Up to date
status-line = #{ $short_id } · { $status } · { $total }

## Order statuses

order-status-new = Cart
order-status-checked-out = Checked out
order-status-awaiting-payment = Awaiting payment
order-status-paid = Paid
order-status-accepted = Accepted
order-status-preparing = Being prepared
order-status-ready = Ready
order-status-out-for-delivery = Out for delivery
order-status-delivered = Delivered
order-status-picked-up = Picked up
order-status-cancelled = Cancelled
order-status-rejected = Rejected

timeline-at = { $time } — { $step }

## /orders

orders-none = You have not ordered yet.
orders-title = Your orders (page { $page } of { $pages })
orders-line = #{ $short_id } · { $date } · { $total } · { $status }
orders-details = Details
orders-reorder = 🔁 Reorder
orders-next = Next ▶
orders-prev = ◀ Back

## /reorder

reorder-pick = Which order would you like again?
reorder-done =
    { $count ->
        [one] Your cart has { $count } item at today's prices.
       *[other] Your cart has { $count } items at today's prices.
    }
reorder-unavailable = No longer available: { $items }
reorder-nothing = None of those items are available anymore.
reorder-checkout = 🛒 Check out in the app

## /cancel

cancel-none = There is no order you can still cancel.
cancel-pick = Which order do you want to cancel?
cancel-confirm = Cancel order #{ $short_id }?
cancel-yes = Yes, cancel
cancel-no = No, keep it
cancel-done = Order #{ $short_id } has been cancelled.
cancel-kept = Fine, your order stays as it is.
cancel-too-late = Order #{ $short_id } has already been accepted and can no longer be cancelled.

## /language

language-pick = Choose your language:
language-changed = Language set to English.

## /help and fallbacks

help-text =
    Here is what I can do:
    /menu — browse the menu
    /status — your active orders
    /orders — your past orders
    /reorder — order something again
    /cancel — cancel an order not yet accepted
    /language — change the language
    /help — this message
unknown-text = I did not understand that. Try /menu, /status or /help.
button-stale = This button is out of date.
button-invalid = This button no longer works.
error-try-again = Something went wrong. Please try again.

## Inline mode

inline-popular-title = ⭐ Popular right now
inline-item-description = { $price } · { $description }
inline-open = Open in the app
inline-switch-pm = Order in private chat

## Data sent from the Mini App

webapp-cart-created =
    { $count ->
        [one] 🛒 Your cart: { $count } item, { $total }.
       *[other] 🛒 Your cart: { $count } items, { $total }.
    }
webapp-bad-payload = I could not read that cart.
webapp-unknown-item = “{ $item }” is not on the menu.
webapp-bad-option = “{ $option }” is not available for { $item }.

## Command descriptions (BotFather, at most 256 characters)

command-start = Start and open the menu
command-menu = Browse the menu
command-status = Your active orders
command-orders = Your order history
command-reorder = Order something again
command-cancel = Cancel an order
command-language = Change the language
command-help = What this bot can do

## Bot profile

bot-description = Order food from our restaurant without leaving Telegram: browse the menu with photos, customise your dishes, pay securely and follow your order live until it arrives.
bot-short-description = Order food right in Telegram: menu, payment and live order tracking.

## Push notifications

notify-payment-received = 💳 Payment of { $amount } received for order #{ $short_id }. Thank you!
notify-order-accepted =
    { $eta ->
        [0] 👨‍🍳 Order #{ $short_id } has been accepted.
       *[other] 👨‍🍳 Order #{ $short_id } accepted — ready in about { $eta } min.
    }
notify-order-rejected = 😔 Sorry, order #{ $short_id } was declined: { $reason }. Your money will be refunded.
notify-order-ready = ✅ Your order #{ $short_id } is ready!
notify-out-for-delivery = 🛵 Your order #{ $short_id } is on its way.
notify-order-delivered = 🍽 Order #{ $short_id } has been delivered. Enjoy your meal!
notify-order-picked-up = 🍽 Order #{ $short_id } picked up. Enjoy your meal!
notify-order-cancelled = ❌ Order #{ $short_id } has been cancelled. { $reason }
notify-refund-completed = 💸 { $amount } for order #{ $short_id } has been refunded.
notify-open-order = Open order
notify-reorder = 🔁 Order again

## Opening hours
closed-opens-today = We’re closed right now. We open today at { $time }.
closed-opens-later = We’re closed right now. We open on { $date } at { $time }.
closed-indefinitely = We’re closed right now and not taking orders.

## Stop-list (staff)
stoplist-title = 🛑 Stop-list. Choose a category to mark dishes sold out or back on sale.
stoplist-none = Nothing is sold out.
stoplist-sold-out-now = Sold out now: { $dishes }
stoplist-category = { $category }: tap a dish to switch it. ⛔ sold out, ✅ on sale.
stoplist-options = Options of { $item }: ⛔ sold out, ✅ on sale.
stoplist-options-button = Options
stoplist-back = « Back
stoplist-staff-only = Only the restaurant’s staff can change the stop-list.
stoplist-marked-sold-out = { $dish } is sold out.
stoplist-marked-back = { $dish } is back on sale.

## Payments (Payments): invoices, the pre-checkout answer, thanks

invoice-title = Order #{ $short_id }
invoice-description = Your order: { $items }
invoice-delivery-fee = Delivery
status-pay = 💳 Pay for #{ $short_id }
pay-unavailable = Online payment is not available right now. Please try again later.
pay-already-paid = This order is already paid.
precheckout-unknown = This invoice is no longer valid.
precheckout-changed = Your order has changed since this invoice was made. Please open the order again to pay.
precheckout-amount = The amount does not match your order. Please open the order again to pay.
precheckout-closed = The restaurant is not taking orders right now.
precheckout-unavailable = We could not check your order just now. Please try again in a moment.
webapp-mixed = Gift cards are paid with Telegram Stars and food by card, so they cannot be in one order. Please order them separately.
webapp-need-fulfilment = Please choose delivery or pickup first.
webapp-bad-address = That delivery address is incomplete.
## Staff chat (orders for the kitchen)
staff-order-title = 🧾 Order #{ $short_id } · { $status }
staff-order-customer = 👤 { $name }
staff-order-note = ✏️ { $note }
staff-order-delivery = 🛵 Delivery: { $address }
staff-order-phone = ☎️ { $phone }
staff-order-pickup = 🏃 Pickup
staff-order-comment = 💬 Comment: { $comment }
staff-order-total = Total: { $total }
staff-paid-provider = 💳 Paid through the payment provider
staff-paid-stars = ⭐ Paid in Telegram Stars
staff-order-eta = ⏱ Ready in about { $eta } min
staff-order-refund-requested = 💸 Refund to make: { $amount }
staff-order-refunded = 💸 Refunded: { $amount }
staff-pick-reject = Why is the order rejected?
staff-pick-cancel = Why is the order cancelled?
staff-accept = ✅ { $eta } min
staff-reject = ✖️ Reject…
staff-cancel = 🚫 Cancel…
staff-preparing = 👨‍🍳 Preparing
staff-ready = 🔔 Ready
staff-out-for-delivery = 🛵 Out for delivery
staff-delivered = 📦 Delivered
staff-picked-up = 🤝 Picked up
staff-back = « Back
staff-refunded = 💸 Refunded at the provider
staff-reason-closing-soon = Closing soon
staff-reason-too-busy = Too busy
staff-reason-item-unavailable = Item unavailable
staff-reason-customer-request = Customer asked
staff-only = Only the restaurant’s staff can handle orders.
staff-stale = This order has changed since this button was made; the message now shows it as it is.
staff-done = Order #{ $short_id }: { $status }.
staff-refused = That is not possible for this order now.
staff-refund-recorded = The refund of order #{ $short_id } is recorded.
staff-note-cancelled-customer = 🚫 The customer cancelled order #{ $short_id }.
staff-note-cancelled-staff = 🚫 Order #{ $short_id } was cancelled: { $reason }
staff-note-payment-anomaly = ⚠️ A payment of { $amount } arrived for order #{ $short_id } after it was cancelled or reopened. The money must be returned.
staff-note-refund-provider = 💸 Refund { $amount } for order #{ $short_id } at the payment provider, then press “Refunded at the provider” on the order.
staff-note-refund-stars = 💸 Order #{ $short_id } was paid with { $amount } in Telegram Stars: it is refunded through Telegram, not at a payment provider.
