// The caller's orders, newest first, with one-tap reorder: a new cart with
// the past order's lines at today's prices, naming the lines that could not
// be copied.

import { h, fill, icon } from './dom.js';
import { t, money, dateTime, number } from './i18n.js';
import * as api from './api.js';
import { setCart } from './api.js';
import { haptic } from './tg.js';
import { statusPill } from './order.js';

const REORDERABLE = ['delivered', 'picked_up', 'cancelled', 'rejected', 'paid', 'accepted', 'preparing', 'ready', 'out_for_delivery'];

/** Reorders `id` and opens the new cart; `key` fixes the Idempotency-Key (deep links). */
export async function reorder(id, ctx, key) {
  try {
    const answer = await api.post(`/orders/${encodeURIComponent(id)}/reorder`, undefined, { key });
    setCart(answer.order);
    haptic.success();
    ctx.nav.reset('cart', { unavailable: answer.unavailable || [] });
    return true;
  } catch (e) {
    haptic.error();
    ctx.fail(e);
    return false;
  }
}

export function mount(_params, ctx) {
  const body = h('div', { class: 'loading', 'aria-busy': 'true' }, h('span', { class: 'spinner' }), t('app-loading'));
  const el = h('section', { class: 'screen screen-history', 'data-testid': 'screen-history' },
    h('header', { class: 'topbar' }, h('h1', { class: 'title', tabindex: '-1', 'data-focus': '' }, t('app-history'))), body);

  async function load() {
    try {
      const { orders = [] } = await api.get('/orders');
      draw(orders.filter((o) => o.status !== 'cart'));
    } catch (e) {
      if (e?.auth) return ctx.fail(e);
      fill(body, h('div', { class: 'empty' }, h('p', {}, ctx.errorText(e)),
        h('button', { type: 'button', class: 'btn btn-primary', onclick: load }, t('app-retry'))));
    }
  }

  function draw(orders) {
    body.className = '';
    body.removeAttribute('aria-busy');
    if (!orders.length) {
      fill(body, h('div', { class: 'empty', 'data-testid': 'history-empty' },
        h('div', { class: 'empty-icon' }, icon('clock')),
        h('p', { class: 'empty-title' }, t('app-history-empty')),
        h('button', { type: 'button', class: 'btn btn-primary', onclick: () => ctx.nav.reset() }, t('app-browse-menu'))));
      return;
    }
    fill(body, h('ul', { class: 'orders' }, orders.map((o) => h('li', { class: 'order-card', 'data-testid': `history-order-${o.id}`, 'data-status': o.status },
      h('button', { type: 'button', class: 'order-open', onclick: () => ctx.nav.go('order', { id: o.id }) },
        h('span', { class: 'order-head' }, h('b', { dir: 'ltr' }, `#${o.short_id}`), statusPill(o.status)),
        h('span', { class: 'hint' }, dateTime(o.created_at)),
        h('span', { class: 'order-foot' },
          h('span', { class: 'hint' }, `${t('app-items')} `, h('b', {}, number(o.item_count))),
          h('b', { class: 'order-sum' }, money(o.total || o.subtotal)))),
      REORDERABLE.includes(o.status) && h('button', { type: 'button', class: 'btn btn-small', 'data-testid': `history-reorder-${o.id}`,
        onclick: async (e) => { const b = e.currentTarget; b.disabled = true; b.disabled = !(await reorder(o.id, ctx)); } }, icon('repeat'), t('app-reorder'))))));
  }

  load();
  return { el };
}
