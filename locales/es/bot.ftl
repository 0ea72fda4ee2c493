# Mensajes del bot, botones, descripciones de comandos y notificaciones (español).

## /start

start-greeting = ¡Hola, { $name }! 👋 Pide en { $restaurant } aquí mismo, en Telegram.
start-open-app = 🍽 Abrir la carta
start-returning = ¡Bienvenido de nuevo, { $name }! 👋 ¿Otra vez con hambre?

## /menu

menu-title = Nuestra carta — elige una categoría:
menu-category-empty = Ahora mismo no hay nada en esta categoría.
menu-item-caption =
    { $name } — { $price }
    { $description }
menu-open-item = Pedir en la app
menu-back = ⬅ Atrás

## /status

status-none = No tienes pedidos activos.
status-title =
    { $count ->
        [one] Tu pedido activo
       *[other] Tus pedidos activos ({ $count })
    }
status-refresh = 🔄 Actualizar
status-refreshed = Actualizado
status-line = #{ $short_id } · { $status } · { $total }

## Estados del pedido

order-status-new = Carrito
order-status-checked-out = Confirmado
order-status-awaiting-payment = Pendiente de pago
order-status-paid = Pagado
order-status-accepted = Aceptado
order-status-preparing = En preparación
order-status-ready = Listo
order-status-out-for-delivery = En camino
order-status-delivered = Entregado
order-status-picked-up = Recogido
order-status-cancelled = Cancelado
order-status-rejected = Rechazado

timeline-at = { $time } — { $step }

## /orders

orders-none = Todavía no has hecho ningún pedido.
orders-title = Tus pedidos (página { $page } de { $pages })
orders-line = #{ $short_id } · { $date } · { $total } · { $status }
orders-details = Detalles
orders-reorder = 🔁 Repetir pedido
orders-next = Siguiente ▶
orders-prev = ◀ Atrás

## /reorder

reorder-pick = ¿Qué pedido quieres repetir?
reorder-done =
    { $count ->
        [one] Tu carrito tiene { $count } producto a los precios de hoy.
       *[other] Tu carrito tiene { $count } productos a los precios de hoy.
    }
reorder-unavailable = Ya no disponible: { $items }
reorder-nothing = Ninguno de esos productos está ya disponible.
reorder-checkout = 🛒 Pagar en la app

## /cancel

cancel-none = No hay ningún pedido que puedas cancelar todavía.
cancel-pick = ¿Qué pedido quieres cancelar?
cancel-confirm = ¿Cancelar el pedido #{ $short_id }?
cancel-yes = Sí, cancelar
cancel-no = No, mantenerlo
cancel-done = El pedido #{ $short_id } ha sido cancelado.
cancel-kept = De acuerdo, tu pedido sigue en marcha.
cancel-too-late = El pedido #{ $short_id } ya ha sido aceptado y no se puede cancelar.

## /language

language-pick = Elige tu idioma:
language-changed = Idioma cambiado a español.

## /help

help-text =
    Esto es lo que puedo hacer:
    /menu — ver la carta
    /status — tus pedidos activos
    /orders — tus pedidos anteriores
    /reorder — repetir un pedido
    /cancel — cancelar un pedido aún no aceptado
    /language — cambiar el idioma
    /help — este mensaje
unknown-text = No te he entendido. Prueba con /menu, /status o /help.
button-stale = Este botón está desactualizado.
button-invalid = Este botón ya no funciona.
error-try-again = Algo ha salido mal. Inténtalo de nuevo.

## Modo inline

inline-popular-title = ⭐ Lo más pedido ahora
inline-item-description = { $price } · { $description }
inline-open = Abrir en la app
inline-switch-pm = Pedir en chat privado

## Datos de la Mini App

webapp-cart-created =
    { $count ->
        [one] 🛒 Tu carrito: { $count } producto, { $total }.
       *[other] 🛒 Tu carrito: { $count } productos, { $total }.
    }
webapp-bad-payload = No he podido leer ese carrito.
webapp-unknown-item = «{ $item }» no está en la carta.
webapp-bad-option = «{ $option }» no está disponible para { $item }.

## Descripciones de comandos

command-start = Empezar y abrir la carta
command-menu = Ver la carta
command-status = Tus pedidos activos
command-orders = Tu historial de pedidos
command-reorder = Repetir un pedido
command-cancel = Cancelar un pedido
command-language = Cambiar el idioma
command-help = Qué puede hacer este bot

## Perfil del bot

bot-description = Pide comida en nuestro restaurante sin salir de Telegram: explora la carta con fotos, personaliza tus platos, paga de forma segura y sigue tu pedido en directo hasta que llegue.
bot-short-description = Pide comida en Telegram: carta, pago y seguimiento del pedido en directo.

## Notificaciones

notify-payment-received = 💳 Hemos recibido el pago de { $amount } del pedido #{ $short_id }. ¡Gracias!
notify-order-accepted =
    { $eta ->
        [0] 👨‍🍳 El pedido #{ $short_id } ha sido aceptado.
       *[other] 👨‍🍳 Pedido #{ $short_id } aceptado: estará listo en unos { $eta } min.
    }
notify-order-rejected = 😔 Lo sentimos, el pedido #{ $short_id } ha sido rechazado: { $reason }. Te devolveremos el dinero.
notify-order-ready = ✅ ¡Tu pedido #{ $short_id } está listo!
notify-out-for-delivery = 🛵 Tu pedido #{ $short_id } está en camino.
notify-order-delivered = 🍽 El pedido #{ $short_id } ha sido entregado. ¡Buen provecho!
notify-order-picked-up = 🍽 Pedido #{ $short_id } recogido. ¡Buen provecho!
notify-order-cancelled = ❌ El pedido #{ $short_id } ha sido cancelado. { $reason }
notify-refund-completed = 💸 Te hemos devuelto { $amount } del pedido #{ $short_id }.
notify-open-order = Ver pedido
notify-reorder = 🔁 Pedir de nuevo

## Opening hours
closed-opens-today = Ahora mismo estamos cerrados. Hoy abrimos a las { $time }.
closed-opens-later = Ahora mismo estamos cerrados. Abrimos el { $date } a las { $time }.
closed-indefinitely = Ahora mismo estamos cerrados y no aceptamos pedidos.

## Stop-list (staff)
stoplist-title = 🛑 Lista de agotados. Elige una categoría para marcar platos como agotados o disponibles.
stoplist-none = No hay nada agotado.
stoplist-sold-out-now = Agotado ahora: { $dishes }
stoplist-category = { $category }: toca un plato para cambiarlo. ⛔ agotado, ✅ disponible.
stoplist-options = Opciones de { $item }: ⛔ agotado, ✅ disponible.
stoplist-options-button = Opciones
stoplist-back = « Atrás
stoplist-staff-only = Solo el personal del restaurante puede cambiar la lista de agotados.
stoplist-marked-sold-out = { $dish } está agotado.
stoplist-marked-back = { $dish } vuelve a estar disponible.
## Payments (Pagos): invoices, the pre-checkout answer, thanks

invoice-title = Pedido #{ $short_id }
invoice-description = Tu pedido: { $items }
invoice-delivery-fee = Envío
status-pay = 💳 Pagar #{ $short_id }
pay-unavailable = El pago en línea no está disponible ahora. Inténtalo de nuevo más tarde.
pay-already-paid = Este pedido ya está pagado.
precheckout-unknown = Esta factura ya no es válida.
precheckout-changed = Tu pedido ha cambiado desde que se creó esta factura. Abre el pedido de nuevo para pagar.
precheckout-amount = El importe no coincide con tu pedido. Abre el pedido de nuevo para pagar.
precheckout-closed = El restaurante no acepta pedidos en este momento.
precheckout-unavailable = No hemos podido comprobar tu pedido ahora. Inténtalo de nuevo en un momento.
webapp-mixed = Las tarjetas regalo se pagan con Telegram Stars y la comida con tarjeta, así que no pueden ir en el mismo pedido. Pídelas por separado.
webapp-need-fulfilment = Elige primero envío a domicilio o recogida.
webapp-bad-address = Esa dirección de entrega está incompleta.

## Staff chat (orders for the kitchen)
staff-order-title = 🧾 Pedido #{ $short_id } · { $status }
staff-order-customer = 👤 { $name }
staff-order-note = ✏️ { $note }
staff-order-delivery = 🛵 Entrega: { $address }
staff-order-phone = ☎️ { $phone }
staff-order-pickup = 🏃 Recogida en el local
staff-order-comment = 💬 Comentario: { $comment }
staff-order-total = Total: { $total }
staff-paid-provider = 💳 Pagado a través del proveedor de pagos
staff-paid-stars = ⭐ Pagado con Telegram Stars
staff-order-eta = ⏱ Listo en unos { $eta } min
staff-order-refund-requested = 💸 Reembolso pendiente: { $amount }
staff-order-refunded = 💸 Reembolsado: { $amount }
staff-pick-reject = ¿Por qué se rechaza el pedido?
staff-pick-cancel = ¿Por qué se cancela el pedido?
staff-accept = ✅ { $eta } min
staff-reject = ✖️ Rechazar…
staff-cancel = 🚫 Cancelar…
staff-preparing = 👨‍🍳 En preparación
staff-ready = 🔔 Listo
staff-out-for-delivery = 🛵 En camino
staff-delivered = 📦 Entregado
staff-picked-up = 🤝 Recogido
staff-back = « Atrás
staff-refunded = 💸 Reembolsado en el proveedor
staff-reason-closing-soon = Cerramos pronto
staff-reason-too-busy = Demasiado trabajo
staff-reason-item-unavailable = Producto no disponible
staff-reason-customer-request = A petición del cliente
staff-only = Solo el personal del restaurante puede gestionar pedidos.
staff-stale = Este pedido ha cambiado desde que se creó este botón; el mensaje ya muestra su estado actual.
staff-done = Pedido #{ $short_id }: { $status }.
staff-refused = Eso no es posible ahora para este pedido.
staff-refund-recorded = El reembolso del pedido #{ $short_id } está registrado.
staff-note-cancelled-customer = 🚫 El cliente canceló el pedido #{ $short_id }.
staff-note-cancelled-staff = 🚫 El pedido #{ $short_id } se canceló: { $reason }
staff-note-payment-anomaly = ⚠️ Llegó un pago de { $amount } para el pedido #{ $short_id } después de cancelarlo o reabrirlo. Hay que devolver el dinero.
staff-note-refund-provider = 💸 Reembolsa { $amount } del pedido #{ $short_id } en el proveedor de pagos y luego pulsa «Reembolsado en el proveedor» en el pedido.
staff-note-refund-stars = 💸 El pedido #{ $short_id } se pagó con { $amount } en Telegram Stars: se reembolsa a través de Telegram, no en un proveedor de pagos.
