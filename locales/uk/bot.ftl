# Повідомлення бота, кнопки, описи команд і сповіщення (українська).

## /start

start-greeting = Привіт, { $name }! 👋 Замовляйте в { $restaurant } просто тут, у Telegram.
start-open-app = 🍽 Відкрити меню
start-returning = З поверненням, { $name }! 👋 Знову зголодніли?

## /menu

menu-title = Наше меню — оберіть категорію:
menu-category-empty = У цій категорії зараз нічого немає.
menu-item-caption =
    { $name } — { $price }
    { $description }
menu-open-item = Замовити в застосунку
menu-back = ⬅ Назад

## /status

status-none = У вас немає активних замовлень.
status-title = Ваші активні замовлення ({ $count })
status-refresh = 🔄 Оновити
status-refreshed = Усе актуально
status-line = #{ $short_id } · { $status } · { $total }

## Статуси замовлення

order-status-new = Кошик
order-status-checked-out = Оформлено
order-status-awaiting-payment = Очікує оплати
order-status-paid = Оплачено
order-status-accepted = Прийнято
order-status-preparing = Готується
order-status-ready = Готово
order-status-out-for-delivery = У дорозі
order-status-delivered = Доставлено
order-status-picked-up = Отримано
order-status-cancelled = Скасовано
order-status-rejected = Відхилено

timeline-at = { $time } — { $step }

## /orders

orders-none = Ви ще нічого не замовляли.
orders-title = Ваші замовлення (сторінка { $page } з { $pages })
orders-line = #{ $short_id } · { $date } · { $total } · { $status }
orders-details = Докладніше
orders-reorder = 🔁 Повторити
orders-next = Далі ▶
orders-prev = ◀ Назад

## /reorder

reorder-pick = Яке замовлення повторити?
reorder-done =
    { $count ->
        [one] У кошику { $count } товар за сьогоднішніми цінами.
        [few] У кошику { $count } товари за сьогоднішніми цінами.
       *[many] У кошику { $count } товарів за сьогоднішніми цінами.
    }
reorder-unavailable = Більше немає в наявності: { $items }
reorder-nothing = Жодної з цих позицій більше немає в наявності.
reorder-checkout = 🛒 Оформити в застосунку

## /cancel

cancel-none = Немає замовлень, які ще можна скасувати.
cancel-pick = Яке замовлення скасувати?
cancel-confirm = Скасувати замовлення #{ $short_id }?
cancel-yes = Так, скасувати
cancel-no = Ні, залишити
cancel-done = Замовлення #{ $short_id } скасовано.
cancel-kept = Добре, замовлення залишається в силі.
cancel-too-late = Замовлення #{ $short_id } вже прийнято, і скасувати його більше не можна.

## /language

language-pick = Оберіть мову:
language-changed = Мову змінено на українську.

## /help

help-text =
    Ось що я вмію:
    /menu — переглянути меню
    /status — ваші активні замовлення
    /orders — історія замовлень
    /reorder — повторити замовлення
    /cancel — скасувати ще не прийняте замовлення
    /language — змінити мову
    /help — це повідомлення
unknown-text = Я не зрозумів. Спробуйте /menu, /status або /help.
button-stale = Ця кнопка застаріла.
button-invalid = Ця кнопка більше не працює.
error-try-again = Щось пішло не так. Спробуйте ще раз.

## Інлайн-режим

inline-popular-title = ⭐ Зараз популярне
inline-item-description = { $price } · { $description }
inline-open = Відкрити в застосунку
inline-switch-pm = Замовити в особистому чаті

## Дані з мінізастосунку

webapp-cart-created =
    { $count ->
        [one] 🛒 Ваш кошик: { $count } товар, { $total }.
        [few] 🛒 Ваш кошик: { $count } товари, { $total }.
       *[many] 🛒 Ваш кошик: { $count } товарів, { $total }.
    }
webapp-bad-payload = Не вдалося прочитати цей кошик.
webapp-unknown-item = «{ $item }» немає в меню.
webapp-bad-option = «{ $option }» недоступно для { $item }.

## Описи команд

command-start = Почати й відкрити меню
command-menu = Переглянути меню
command-status = Ваші активні замовлення
command-orders = Історія замовлень
command-reorder = Повторити замовлення
command-cancel = Скасувати замовлення
command-language = Змінити мову
command-help = Що вміє цей бот

## Профіль бота

bot-description = Замовляйте їжу в нашому ресторані, не виходячи з Telegram: меню з фотографіями, страви на ваш смак, безпечна оплата та відстеження замовлення в реальному часі аж до доставки.
bot-short-description = Замовлення їжі просто в Telegram: меню, оплата й відстеження в реальному часі.

## Сповіщення

notify-payment-received = 💳 Оплату { $amount } за замовлення #{ $short_id } отримано. Дякуємо!
notify-order-accepted =
    { $eta ->
        [0] 👨‍🍳 Замовлення #{ $short_id } прийнято.
       *[other] 👨‍🍳 Замовлення #{ $short_id } прийнято — буде готове приблизно за { $eta } хв.
    }
notify-order-rejected = 😔 На жаль, замовлення #{ $short_id } відхилено: { $reason }. Гроші буде повернуто.
notify-order-ready = ✅ Ваше замовлення #{ $short_id } готове!
notify-out-for-delivery = 🛵 Ваше замовлення #{ $short_id } вже в дорозі.
notify-order-delivered = 🍽 Замовлення #{ $short_id } доставлено. Смачного!
notify-order-picked-up = 🍽 Замовлення #{ $short_id } отримано. Смачного!
notify-order-cancelled = ❌ Замовлення #{ $short_id } скасовано. { $reason }
notify-refund-completed = 💸 { $amount } за замовлення #{ $short_id } повернуто.
notify-open-order = Відкрити замовлення
notify-reorder = 🔁 Замовити знову

## Opening hours
closed-opens-today = Зараз ми зачинені. Сьогодні відкриємося о { $time }.
closed-opens-later = Зараз ми зачинені. Відкриємося { $date } о { $time }.
closed-indefinitely = Зараз ми зачинені й не приймаємо замовлень.

## Stop-list (staff)
stoplist-title = 🛑 Стоп-лист. Оберіть категорію, щоб позначити страви як закінчені або знову доступні.
stoplist-none = Нічого не закінчилося.
stoplist-sold-out-now = Зараз немає: { $dishes }
stoplist-category = { $category }: натисніть на страву, щоб перемкнути. ⛔ закінчилося, ✅ у продажу.
stoplist-options = Опції { $item }: ⛔ закінчилося, ✅ у продажу.
stoplist-options-button = Опції
stoplist-back = « Назад
stoplist-staff-only = Стоп-лист може змінювати лише персонал ресторану.
stoplist-marked-sold-out = { $dish }: закінчилося.
stoplist-marked-back = { $dish }: знову в продажу.
## Payments (Оплата): invoices, the pre-checkout answer, thanks

invoice-title = Замовлення #{ $short_id }
invoice-description = Ваше замовлення: { $items }
invoice-delivery-fee = Доставка
status-pay = 💳 Оплатити #{ $short_id }
pay-unavailable = Онлайн-оплата зараз недоступна. Спробуйте пізніше.
pay-already-paid = Це замовлення вже оплачено.
precheckout-unknown = Цей рахунок більше не дійсний.
precheckout-changed = Замовлення змінилося після виставлення цього рахунку. Відкрийте замовлення знову, щоб оплатити.
precheckout-amount = Сума не збігається з вашим замовленням. Відкрийте замовлення знову, щоб оплатити.
precheckout-closed = Ресторан зараз не приймає замовлення.
precheckout-unavailable = Не вдалося перевірити замовлення. Спробуйте ще раз за хвилину.
webapp-mixed = Подарункові картки оплачуються Telegram Stars, а їжа — карткою, тому їх не можна замовити разом. Оформіть їх окремими замовленнями.
webapp-need-fulfilment = Спершу оберіть доставку або самовивіз.
webapp-bad-address = Адресу доставки вказано не повністю.

## Staff chat (orders for the kitchen)
staff-order-title = 🧾 Замовлення #{ $short_id } · { $status }
staff-order-customer = 👤 { $name }
staff-order-note = ✏️ { $note }
staff-order-delivery = 🛵 Доставка: { $address }
staff-order-phone = ☎️ { $phone }
staff-order-pickup = 🏃 Самовивіз
staff-order-comment = 💬 Коментар: { $comment }
staff-order-total = Разом: { $total }
staff-paid-provider = 💳 Оплачено через платіжного провайдера
staff-paid-stars = ⭐ Оплачено в Telegram Stars
staff-order-eta = ⏱ Буде готове приблизно за { $eta } хв
staff-order-refund-requested = 💸 Потрібно повернути: { $amount }
staff-order-refunded = 💸 Повернено: { $amount }
staff-pick-reject = Чому замовлення відхиляється?
staff-pick-cancel = Чому замовлення скасовується?
staff-accept = ✅ { $eta } хв
staff-reject = ✖️ Відхилити…
staff-cancel = 🚫 Скасувати…
staff-preparing = 👨‍🍳 Готується
staff-ready = 🔔 Готове
staff-out-for-delivery = 🛵 У дорозі
staff-delivered = 📦 Доставлено
staff-picked-up = 🤝 Видано
staff-back = « Назад
staff-refunded = 💸 Повернено в провайдера
staff-reason-closing-soon = Скоро зачиняємося
staff-reason-too-busy = Забагато замовлень
staff-reason-item-unavailable = Страва недоступна
staff-reason-customer-request = На прохання клієнта
staff-only = Замовлення може обробляти лише персонал ресторану.
staff-stale = Замовлення змінилося відтоді, як цю кнопку створено; повідомлення тепер показує його поточний стан.
staff-done = Замовлення #{ $short_id }: { $status }.
staff-refused = Для цього замовлення це зараз неможливо.
staff-refund-recorded = Повернення за замовленням #{ $short_id } записано.
staff-note-cancelled-customer = 🚫 Клієнт скасував замовлення #{ $short_id }.
staff-note-cancelled-staff = 🚫 Замовлення #{ $short_id } скасовано: { $reason }
staff-note-payment-anomaly = ⚠️ Оплата { $amount } за замовлення #{ $short_id } надійшла після того, як його скасували або відкрили знову. Гроші треба повернути.
staff-note-refund-provider = 💸 Поверніть { $amount } за замовлення #{ $short_id } у платіжного провайдера, потім натисніть «Повернено в провайдера» під замовленням.
staff-note-refund-stars = 💸 Замовлення #{ $short_id } оплачено { $amount } у Telegram Stars: повернення йде через Telegram, а не через платіжного провайдера.
