# Сообщения бота, кнопки, описания команд и уведомления (русский).

## /start

start-greeting = Привет, { $name }! 👋 Заказывайте в { $restaurant } прямо здесь, в Telegram.
start-open-app = 🍽 Открыть меню
start-returning = С возвращением, { $name }! 👋 Снова проголодались?

## /menu

menu-title = Наше меню — выберите категорию:
menu-category-empty = В этой категории сейчас ничего нет.
menu-item-caption =
    { $name } — { $price }
    { $description }
menu-open-item = Заказать в приложении
menu-back = ⬅ Назад

## /status

status-none = У вас нет активных заказов.
status-title = Ваши активные заказы ({ $count })
status-refresh = 🔄 Обновить
status-refreshed = Всё актуально
status-line = #{ $short_id } · { $status } · { $total }

## Статусы заказа

order-status-new = Корзина
order-status-checked-out = Оформлен
order-status-awaiting-payment = Ожидает оплаты
order-status-paid = Оплачен
order-status-accepted = Принят
order-status-preparing = Готовится
order-status-ready = Готов
order-status-out-for-delivery = В пути
order-status-delivered = Доставлен
order-status-picked-up = Получен
order-status-cancelled = Отменён
order-status-rejected = Отклонён

timeline-at = { $time } — { $step }

## /orders

orders-none = Вы ещё ничего не заказывали.
orders-title = Ваши заказы (страница { $page } из { $pages })
orders-line = #{ $short_id } · { $date } · { $total } · { $status }
orders-details = Подробнее
orders-reorder = 🔁 Повторить
orders-next = Далее ▶
orders-prev = ◀ Назад

## /reorder

reorder-pick = Какой заказ повторить?
reorder-done =
    { $count ->
        [one] В корзине { $count } товар по сегодняшним ценам.
        [few] В корзине { $count } товара по сегодняшним ценам.
       *[many] В корзине { $count } товаров по сегодняшним ценам.
    }
reorder-unavailable = Больше нет в наличии: { $items }
reorder-nothing = Ни одной из этих позиций больше нет в наличии.
reorder-checkout = 🛒 Оформить в приложении

## /cancel

cancel-none = Нет заказов, которые ещё можно отменить.
cancel-pick = Какой заказ отменить?
cancel-confirm = Отменить заказ #{ $short_id }?
cancel-yes = Да, отменить
cancel-no = Нет, оставить
cancel-done = Заказ #{ $short_id } отменён.
cancel-kept = Хорошо, заказ остаётся в силе.
cancel-too-late = Заказ #{ $short_id } уже принят, и отменить его больше нельзя.

## /language

language-pick = Выберите язык:
language-changed = Язык изменён на русский.

## /help

help-text =
    Вот что я умею:
    /menu — посмотреть меню
    /status — ваши активные заказы
    /orders — история заказов
    /reorder — повторить заказ
    /cancel — отменить ещё не принятый заказ
    /language — сменить язык
    /help — это сообщение
unknown-text = Я не понял. Попробуйте /menu, /status или /help.
button-stale = Эта кнопка устарела.
button-invalid = Эта кнопка больше не работает.
error-try-again = Что-то пошло не так. Попробуйте ещё раз.

## Инлайн-режим

inline-popular-title = ⭐ Сейчас популярно
inline-item-description = { $price } · { $description }
inline-open = Открыть в приложении
inline-switch-pm = Заказать в личном чате

## Данные из мини-приложения

webapp-cart-created =
    { $count ->
        [one] 🛒 Ваша корзина: { $count } товар, { $total }.
        [few] 🛒 Ваша корзина: { $count } товара, { $total }.
       *[many] 🛒 Ваша корзина: { $count } товаров, { $total }.
    }
webapp-bad-payload = Не удалось прочитать эту корзину.
webapp-unknown-item = «{ $item }» нет в меню.
webapp-bad-option = «{ $option }» недоступно для { $item }.

## Описания команд

command-start = Начать и открыть меню
command-menu = Посмотреть меню
command-status = Ваши активные заказы
command-orders = История заказов
command-reorder = Повторить заказ
command-cancel = Отменить заказ
command-language = Сменить язык
command-help = Что умеет этот бот

## Профиль бота

bot-description = Заказывайте еду в нашем ресторане, не выходя из Telegram: меню с фотографиями, любые дополнения к блюдам, безопасная оплата и отслеживание заказа в реальном времени до самой доставки.
bot-short-description = Заказ еды прямо в Telegram: меню, оплата и отслеживание в реальном времени.

## Уведомления

notify-payment-received = 💳 Оплата { $amount } за заказ #{ $short_id } получена. Спасибо!
notify-order-accepted =
    { $eta ->
        [0] 👨‍🍳 Заказ #{ $short_id } принят.
       *[other] 👨‍🍳 Заказ #{ $short_id } принят — будет готов примерно через { $eta } мин.
    }
notify-order-rejected = 😔 К сожалению, заказ #{ $short_id } отклонён: { $reason }. Деньги будут возвращены.
notify-order-ready = ✅ Ваш заказ #{ $short_id } готов!
notify-out-for-delivery = 🛵 Ваш заказ #{ $short_id } уже в пути.
notify-order-delivered = 🍽 Заказ #{ $short_id } доставлен. Приятного аппетита!
notify-order-picked-up = 🍽 Заказ #{ $short_id } получен. Приятного аппетита!
notify-order-cancelled = ❌ Заказ #{ $short_id } отменён. { $reason }
notify-refund-completed = 💸 { $amount } за заказ #{ $short_id } возвращены.
notify-open-order = Открыть заказ
notify-reorder = 🔁 Заказать снова

## Opening hours
closed-opens-today = Сейчас мы закрыты. Сегодня откроемся в { $time }.
closed-opens-later = Сейчас мы закрыты. Откроемся { $date } в { $time }.
closed-indefinitely = Сейчас мы закрыты и не принимаем заказы.

## Stop-list (staff)
stoplist-title = 🛑 Стоп-лист. Выберите категорию, чтобы отметить блюда как закончившиеся или снова доступные.
stoplist-none = Ничего не закончилось.
stoplist-sold-out-now = Сейчас нет: { $dishes }
stoplist-category = { $category }: нажмите на блюдо, чтобы переключить. ⛔ закончилось, ✅ в продаже.
stoplist-options = Опции { $item }: ⛔ закончилось, ✅ в продаже.
stoplist-options-button = Опции
stoplist-back = « Назад
stoplist-staff-only = Стоп-лист может менять только персонал ресторана.
stoplist-marked-sold-out = { $dish }: закончилось.
stoplist-marked-back = { $dish }: снова в продаже.
## Payments (Оплата): invoices, the pre-checkout answer, thanks

invoice-title = Заказ #{ $short_id }
invoice-description = Ваш заказ: { $items }
invoice-delivery-fee = Доставка
status-pay = 💳 Оплатить #{ $short_id }
pay-unavailable = Онлайн-оплата сейчас недоступна. Попробуйте позже.
pay-already-paid = Этот заказ уже оплачен.
precheckout-unknown = Этот счёт больше не действителен.
precheckout-changed = Заказ изменился после выставления этого счёта. Откройте заказ снова, чтобы оплатить.
precheckout-amount = Сумма не совпадает с вашим заказом. Откройте заказ снова, чтобы оплатить.
precheckout-closed = Ресторан сейчас не принимает заказы.
precheckout-unavailable = Не удалось проверить заказ. Попробуйте ещё раз через минуту.
webapp-mixed = Подарочные карты оплачиваются Telegram Stars, а еда — картой, поэтому их нельзя заказать вместе. Оформите их отдельными заказами.
webapp-need-fulfilment = Сначала выберите доставку или самовывоз.
webapp-bad-address = Адрес доставки указан не полностью.

## Staff chat (orders for the kitchen)
staff-order-title = 🧾 Заказ #{ $short_id } · { $status }
staff-order-customer = 👤 { $name }
staff-order-note = ✏️ { $note }
staff-order-delivery = 🛵 Доставка: { $address }
staff-order-phone = ☎️ { $phone }
staff-order-pickup = 🏃 Самовывоз
staff-order-comment = 💬 Комментарий: { $comment }
staff-order-total = Итого: { $total }
staff-paid-provider = 💳 Оплачено через платёжного провайдера
staff-paid-stars = ⭐ Оплачено в Telegram Stars
staff-order-eta = ⏱ Будет готов примерно через { $eta } мин
staff-order-refund-requested = 💸 Нужно вернуть: { $amount }
staff-order-refunded = 💸 Возвращено: { $amount }
staff-pick-reject = Почему заказ отклоняется?
staff-pick-cancel = Почему заказ отменяется?
staff-accept = ✅ { $eta } мин
staff-reject = ✖️ Отклонить…
staff-cancel = 🚫 Отменить…
staff-preparing = 👨‍🍳 Готовится
staff-ready = 🔔 Готов
staff-out-for-delivery = 🛵 В пути
staff-delivered = 📦 Доставлен
staff-picked-up = 🤝 Выдан
staff-back = « Назад
staff-refunded = 💸 Возвращено у провайдера
staff-reason-closing-soon = Скоро закрываемся
staff-reason-too-busy = Слишком много заказов
staff-reason-item-unavailable = Блюдо недоступно
staff-reason-customer-request = По просьбе клиента
staff-only = Заказы может обрабатывать только персонал ресторана.
staff-stale = Заказ изменился с тех пор, как была создана эта кнопка; сообщение теперь показывает его текущее состояние.
staff-done = Заказ #{ $short_id }: { $status }.
staff-refused = Для этого заказа это сейчас невозможно.
staff-refund-recorded = Возврат по заказу #{ $short_id } записан.
staff-note-cancelled-customer = 🚫 Клиент отменил заказ #{ $short_id }.
staff-note-cancelled-staff = 🚫 Заказ #{ $short_id } отменён: { $reason }
staff-note-payment-anomaly = ⚠️ Оплата { $amount } за заказ #{ $short_id } пришла после того, как он был отменён или открыт заново. Деньги нужно вернуть.
staff-note-refund-provider = 💸 Верните { $amount } за заказ #{ $short_id } у платёжного провайдера, затем нажмите «Возвращено у провайдера» под заказом.
staff-note-refund-stars = 💸 Заказ #{ $short_id } оплачен { $amount } в Telegram Stars: возврат идёт через Telegram, а не через платёжного провайдера.
