// The cart: lines with their choices, quantities and removal, then subtotal,
// delivery fee and total. Prices are the server's.

import { h, fill, icon, stepper } from './dom.js';
import { t, pick, money } from './i18n.js';
import { state, itemById, setQuantity, removeLine, estimate, lineTotal } from './api.js';
import { haptic } from './tg.js';

/** "Large 32 cm · Extra mozzarella": what was chosen for a line. */
export const choices = (line) => [line.size && pick(line.size.name), ...(line.options || []).map((o) => pick(o.name))].filter(Boolean).join(' · ');

/** A line's photo from the menu, when the item is still on it. */
export function thumb(line) {
  const item = itemById(line.item_id);
  return item ? h('img', { class: 'line-img', loading: 'lazy', decoding: 'async', width: '400', height: '300', alt: '', src: item.photo_url }) : h('span', { class: 'line-img' });
}

/** Subtotal, delivery fee and total rows; `fee` null hides the fee row, a total in another currency (Stars) both. */
export function summary(prefix, subtotal, fee, total) {
  const row = (label, value, id, cls = '') => h('div', { class: `sum-row ${cls}` }, h('dt', {}, label), h('dd', { 'data-testid': `${prefix}-${id}` }, money(value)));
  const same = subtotal.currency === total.currency;
  return h('dl', { class: 'summary' },
    same && row(t('app-subtotal'), subtotal, 'subtotal'),
    same && fee && row(t('app-delivery-fee'), fee, 'delivery-fee'),
    row(t('app-total'), total, 'total', 'sum-total'));
}

export function mount({ unavailable } = {}, ctx) {
  let busy = false;
  const body = h('div');
  const el = h('section', { class: 'screen screen-cart', 'data-testid': 'screen-cart' },
    h('header', { class: 'topbar' }, h('h1', { class: 'title', tabindex: '-1', 'data-focus': '' }, t('app-cart'))),
    unavailable?.length > 0 && h('div', { class: 'notice', role: 'status', 'data-testid': 'reorder-unavailable' },
      h('p', {}, t('app-reorder-unavailable')),
      h('ul', {}, unavailable.map((u) => h('li', {}, pick(u.name))))),
    body);

  const change = async (fn) => {
    // The lines are drawn anew: the pressed control gets the focus back after.
    const focused = document.activeElement?.dataset?.testid;
    busy = true;
    update();
    ctx.chrome();
    try {
      await fn();
      haptic.select();
    } catch (e) {
      haptic.error();
      ctx.fail(e);
    } finally {
      busy = false;
      update();
      ctx.chrome();
      if (focused) el.querySelector(`[data-testid="${focused}"]:not(:disabled)`)?.focus();
    }
  };

  const totals = () => estimate(state.cart, true);

  function update() {
    const c = state.cart;
    if (!c || c.lines.length === 0) {
      fill(body, h('div', { class: 'empty', 'data-testid': 'cart-empty' },
        h('div', { class: 'empty-icon' }, icon('bag')),
        h('p', { class: 'empty-title' }, t('app-cart-empty')),
        h('p', { class: 'hint' }, t('app-cart-empty-hint')),
        h('button', { type: 'button', class: 'btn btn-primary', onclick: () => ctx.nav.reset() }, t('app-browse-menu'))));
      return;
    }
    const off = c.lines.filter((l) => !l.available);
    const { fee, total } = totals();
    fill(body,
      off.length > 0 && h('div', { class: 'notice notice-error', role: 'alert', 'data-testid': 'cart-notice' },
        h('p', {}, t('app-items-unavailable')), h('ul', {}, off.map((l) => h('li', {}, pick(l.name))))),
      h('ul', { class: 'lines' }, c.lines.map((l) => h('li', { class: `line${l.available ? '' : ' line-off'}`, 'data-testid': `cart-line-${l.line_id}`, 'data-available': String(l.available) },
        thumb(l),
        h('div', { class: 'line-main' },
          h('p', { class: 'line-name' }, pick(l.name)),
          choices(l) && h('p', { class: 'line-meta' }, choices(l)),
          l.note && h('p', { class: 'line-note' }, h('bdi', {}, l.note)),
          !l.available && h('span', { class: 'soldout-badge' }, t('app-unavailable')),
          h('div', { class: 'line-actions' },
            stepper(l.quantity, { label: `${t('app-quantity')}: ${pick(l.name)}`, dec: t('app-decrease'), inc: t('app-increase'), testid: `cart-line-qty-${l.line_id}`, busy,
              onChange: (n) => change(() => setQuantity(l.line_id, n)) }),
            h('button', { type: 'button', class: 'icon-btn icon-btn-danger', disabled: busy, 'aria-label': `${t('app-remove')}: ${pick(l.name)}`, 'data-testid': `cart-line-remove-${l.line_id}`,
              onclick: () => change(() => removeLine(l.line_id)) }, icon('trash')))),
        h('p', { class: 'line-total' }, money(lineTotal(l)))))),
      summary('cart', c.subtotal, fee, total));
  }
  update();

  return {
    el,
    update,
    main: () => {
      const c = state.cart;
      if (!c || c.lines.length === 0) return null;
      return { text: `${t('app-checkout')} · ${money(totals().total)}`, disabled: busy || c.lines.some((l) => !l.available), onClick: () => ctx.nav.go('checkout') };
    },
  };
}
