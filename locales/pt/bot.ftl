# Mensagens do bot, botões, descrições de comandos e notificações (português do Brasil).

## /start

start-greeting = Oi, { $name }! 👋 Peça no { $restaurant } aqui mesmo no Telegram.
start-open-app = 🍽 Abrir o cardápio
start-returning = Que bom te ver de novo, { $name }! 👋 Bateu a fome?

## /menu

menu-title = Nosso cardápio — escolha uma categoria:
menu-category-empty = Não há nada nesta categoria no momento.
menu-item-caption =
    { $name } — { $price }
    { $description }
menu-open-item = Pedir no app
menu-back = ⬅ Voltar

## /status

status-none = Você não tem pedidos em andamento.
status-title =
    { $count ->
        [one] Seu pedido em andamento
       *[other] Seus pedidos em andamento ({ $count })
    }
status-refresh = 🔄 Atualizar
status-refreshed = Atualizado
status-line = #{ $short_id } · { $status } · { $total }

## Status do pedido

order-status-new = Carrinho
order-status-checked-out = Finalizado
order-status-awaiting-payment = Aguardando pagamento
order-status-paid = Pago
order-status-accepted = Aceito
order-status-preparing = Em preparo
order-status-ready = Pronto
order-status-out-for-delivery = Saiu para entrega
order-status-delivered = Entregue
order-status-picked-up = Retirado
order-status-cancelled = Cancelado
order-status-rejected = Recusado

timeline-at = { $time } — { $step }

## /orders

orders-none = Você ainda não fez nenhum pedido.
orders-title = Seus pedidos (página { $page } de { $pages })
orders-line = #{ $short_id } · { $date } · { $total } · { $status }
orders-details = Detalhes
orders-reorder = 🔁 Pedir de novo
orders-next = Próxima ▶
orders-prev = ◀ Voltar

## /reorder

reorder-pick = Qual pedido você quer repetir?
reorder-done =
    { $count ->
        [one] Seu carrinho tem { $count } item com os preços de hoje.
       *[other] Seu carrinho tem { $count } itens com os preços de hoje.
    }
reorder-unavailable = Não está mais disponível: { $items }
reorder-nothing = Nenhum desses itens está mais disponível.
reorder-checkout = 🛒 Finalizar no app

## /cancel

cancel-none = Não há nenhum pedido que ainda possa ser cancelado.
cancel-pick = Qual pedido você quer cancelar?
cancel-confirm = Cancelar o pedido #{ $short_id }?
cancel-yes = Sim, cancelar
cancel-no = Não, manter
cancel-done = O pedido #{ $short_id } foi cancelado.
cancel-kept = Certo, seu pedido continua de pé.
cancel-too-late = O pedido #{ $short_id } já foi aceito e não pode mais ser cancelado.

## /language

language-pick = Escolha seu idioma:
language-changed = Idioma alterado para português.

## /help

help-text =
    Veja o que eu posso fazer:
    /menu — ver o cardápio
    /status — seus pedidos em andamento
    /orders — seus pedidos anteriores
    /reorder — pedir algo de novo
    /cancel — cancelar um pedido ainda não aceito
    /language — mudar o idioma
    /help — esta mensagem
unknown-text = Não entendi. Tente /menu, /status ou /help.
button-stale = Este botão está desatualizado.
button-invalid = Este botão não funciona mais.
error-try-again = Algo deu errado. Tente de novo.

## Modo inline

inline-popular-title = ⭐ Em alta agora
inline-item-description = { $price } · { $description }
inline-open = Abrir no app
inline-switch-pm = Pedir no chat privado

## Dados do Mini App

webapp-cart-created =
    { $count ->
        [one] 🛒 Seu carrinho: { $count } item, { $total }.
       *[other] 🛒 Seu carrinho: { $count } itens, { $total }.
    }
webapp-bad-payload = Não consegui ler esse carrinho.
webapp-unknown-item = “{ $item }” não está no cardápio.
webapp-bad-option = “{ $option }” não está disponível para { $item }.

## Descrições dos comandos

command-start = Começar e abrir o cardápio
command-menu = Ver o cardápio
command-status = Seus pedidos em andamento
command-orders = Seu histórico de pedidos
command-reorder = Pedir algo de novo
command-cancel = Cancelar um pedido
command-language = Mudar o idioma
command-help = O que este bot faz

## Perfil do bot

bot-description = Peça comida no nosso restaurante sem sair do Telegram: veja o cardápio com fotos, personalize seus pratos, pague com segurança e acompanhe seu pedido ao vivo até ele chegar.
bot-short-description = Peça comida direto no Telegram: cardápio, pagamento e acompanhamento ao vivo.

## Notificações

notify-payment-received = 💳 Recebemos o pagamento de { $amount } do pedido #{ $short_id }. Obrigado!
notify-order-accepted =
    { $eta ->
        [0] 👨‍🍳 O pedido #{ $short_id } foi aceito.
       *[other] 👨‍🍳 Pedido #{ $short_id } aceito — pronto em cerca de { $eta } min.
    }
notify-order-rejected = 😔 Desculpe, o pedido #{ $short_id } foi recusado: { $reason }. Seu dinheiro será devolvido.
notify-order-ready = ✅ Seu pedido #{ $short_id } está pronto!
notify-out-for-delivery = 🛵 Seu pedido #{ $short_id } saiu para entrega.
notify-order-delivered = 🍽 O pedido #{ $short_id } foi entregue. Bom apetite!
notify-order-picked-up = 🍽 Pedido #{ $short_id } retirado. Bom apetite!
notify-order-cancelled = ❌ O pedido #{ $short_id } foi cancelado. { $reason }
notify-refund-completed = 💸 { $amount } do pedido #{ $short_id } foram reembolsados.
notify-open-order = Abrir pedido
notify-reorder = 🔁 Pedir de novo

## Opening hours
closed-opens-today = Estamos fechados agora. Hoje abrimos às { $time }.
closed-opens-later = Estamos fechados agora. Abrimos em { $date } às { $time }.
closed-indefinitely = Estamos fechados agora e não aceitamos pedidos.

## Stop-list (staff)
stoplist-title = 🛑 Lista de esgotados. Escolha uma categoria para marcar pratos como esgotados ou de volta à venda.
stoplist-none = Nada está esgotado.
stoplist-sold-out-now = Esgotado agora: { $dishes }
stoplist-category = { $category }: toque num prato para alterá-lo. ⛔ esgotado, ✅ à venda.
stoplist-options = Opções de { $item }: ⛔ esgotado, ✅ à venda.
stoplist-options-button = Opções
stoplist-back = « Voltar
stoplist-staff-only = Só a equipa do restaurante pode alterar a lista de esgotados.
stoplist-marked-sold-out = { $dish } está esgotado.
stoplist-marked-back = { $dish } está de volta à venda.
## Payments (Pagamentos): invoices, the pre-checkout answer, thanks

invoice-title = Pedido #{ $short_id }
invoice-description = O seu pedido: { $items }
invoice-delivery-fee = Entrega
status-pay = 💳 Pagar #{ $short_id }
pay-unavailable = O pagamento online não está disponível agora. Tente novamente mais tarde.
pay-already-paid = Este pedido já está pago.
precheckout-unknown = Esta fatura já não é válida.
precheckout-changed = O seu pedido mudou desde que esta fatura foi criada. Abra o pedido novamente para pagar.
precheckout-amount = O valor não corresponde ao seu pedido. Abra o pedido novamente para pagar.
precheckout-closed = O restaurante não está a aceitar pedidos neste momento.
precheckout-unavailable = Não conseguimos verificar o seu pedido agora. Tente novamente daqui a pouco.
webapp-mixed = Os cartões-presente pagam-se com Telegram Stars e a comida com cartão, por isso não podem estar no mesmo pedido. Encomende-os em separado.
webapp-need-fulfilment = Escolha primeiro entrega ou levantamento.
webapp-bad-address = Esse endereço de entrega está incompleto.

## Staff chat (orders for the kitchen)
staff-order-title = 🧾 Pedido #{ $short_id } · { $status }
staff-order-customer = 👤 { $name }
staff-order-note = ✏️ { $note }
staff-order-delivery = 🛵 Entrega: { $address }
staff-order-phone = ☎️ { $phone }
staff-order-pickup = 🏃 Retirada no local
staff-order-comment = 💬 Comentário: { $comment }
staff-order-total = Total: { $total }
staff-paid-provider = 💳 Pago pelo provedor de pagamento
staff-paid-stars = ⭐ Pago em Telegram Stars
staff-order-eta = ⏱ Pronto em cerca de { $eta } min
staff-order-refund-requested = 💸 Reembolso a fazer: { $amount }
staff-order-refunded = 💸 Reembolsado: { $amount }
staff-pick-reject = Por que o pedido é recusado?
staff-pick-cancel = Por que o pedido é cancelado?
staff-accept = ✅ { $eta } min
staff-reject = ✖️ Recusar…
staff-cancel = 🚫 Cancelar…
staff-preparing = 👨‍🍳 Em preparo
staff-ready = 🔔 Pronto
staff-out-for-delivery = 🛵 Saiu para entrega
staff-delivered = 📦 Entregue
staff-picked-up = 🤝 Retirado
staff-back = « Voltar
staff-refunded = 💸 Reembolsado no provedor
staff-reason-closing-soon = Vamos fechar em breve
staff-reason-too-busy = Muito movimento
staff-reason-item-unavailable = Item indisponível
staff-reason-customer-request = A pedido do cliente
staff-only = Só a equipe do restaurante pode tratar pedidos.
staff-stale = Este pedido mudou desde que este botão foi criado; a mensagem agora o mostra como está.
staff-done = Pedido #{ $short_id }: { $status }.
staff-refused = Isso não é possível para este pedido agora.
staff-refund-recorded = O reembolso do pedido #{ $short_id } foi registrado.
staff-note-cancelled-customer = 🚫 O cliente cancelou o pedido #{ $short_id }.
staff-note-cancelled-staff = 🚫 O pedido #{ $short_id } foi cancelado: { $reason }
staff-note-payment-anomaly = ⚠️ Um pagamento de { $amount } chegou para o pedido #{ $short_id } depois de ele ser cancelado ou reaberto. O dinheiro deve ser devolvido.
staff-note-refund-provider = 💸 Reembolse { $amount } do pedido #{ $short_id } no provedor de pagamento e depois toque em “Reembolsado no provedor” no pedido.
staff-note-refund-stars = 💸 O pedido #{ $short_id } foi pago com { $amount } em Telegram Stars: o reembolso é feito pelo Telegram, não por um provedor.
