// One order: its status and live timeline (Server-Sent Events, each event a
// cue to read the order again), lines and totals, and what can be done now:
// pay, change, cancel, order again. Paid is shown only when the server says so.

import { h, fill, icon, toast, confirmDialog } from './dom.js';
import { t, pick, money, dateTime, time, minutes } from './i18n.js';
import * as api from './api.js';
import { state, setCart, lineTotal } from './api.js';
import { haptic, openInvoice } from './tg.js';
import { choices, summary, thumb } from './cart.js';
import { addressText } from './checkout.js';
import { reorder } from './history.js';

const STEPS = {
  CheckedOut: 'app-step-placed', PaymentReceived: 'app-step-paid', PaymentFailed: 'app-payment-failed',
  OrderAccepted: 'app-step-accepted', PreparationStarted: 'app-step-preparing', OrderReady: 'app-step-ready',
  OutForDelivery: 'app-step-out-for-delivery', OrderDelivered: 'app-step-delivered', OrderPickedUp: 'app-step-picked-up',
  OrderCancelled: 'app-step-cancelled', OrderRejected: 'app-step-rejected',
  RefundRequested: 'app-refund-requested', RefundCompleted: 'app-refunded',
};
const FINAL = ['delivered', 'picked_up', 'cancelled', 'rejected'];
const UNPAID = ['checked_out', 'awaiting_payment'];
const CANCELLABLE = ['cart', 'checked_out', 'awaiting_payment', 'paid'];

/** The text of a status, for pills here and in the history. */
export function statusText(status) {
  if (status === 'cart') return t('app-cart');
  if (UNPAID.includes(status)) return t('app-awaiting-payment');
  return t(`app-step-${status.replace(/_/g, '-')}`);
}

export const statusPill = (status, testid) => h('span', { class: `pill pill-${status}`, 'data-status': status, 'data-testid': testid }, statusText(status));

/** The steps still ahead of an order in progress, in the order they come. */
function ahead(order, done) {
  if (FINAL.includes(order.status) || order.status === 'cart') return [];
  // Digital goods (no fulfilment) are done once paid.
  const path = !order.fulfilment ? ['CheckedOut', 'PaymentReceived']
    : ['CheckedOut', 'PaymentReceived', 'OrderAccepted', 'PreparationStarted', 'OrderReady',
      ...(order.fulfilment.kind === 'pickup' ? ['OrderPickedUp'] : ['OutForDelivery', 'OrderDelivered'])];
  const last = Math.max(-1, ...done.map((s) => path.indexOf(s.event_type)));
  return path.slice(last + 1);
}

export function mount(params, ctx) {
  const { id, after } = params;
  let payNow = params.pay;
  let order = null;
  let paying = false;
  let note = null; // 'paying' | 'failed' | 'cancelled'
  let busy = false;
  let waitUntil = 0;
  const body = h('div', { class: 'loading', 'aria-busy': 'true' }, h('span', { class: 'spinner' }), t('app-loading'));
  const el = h('section', { class: 'screen screen-order', 'data-testid': 'screen-order' }, body);
  const errorBox = h('div', { class: 'notice notice-error', role: 'alert', 'data-testid': 'order-error', hidden: true });

  // Reads the order; events that arrive meanwhile make one more read after it.
  let reading = null;
  let again = false;
  async function read(after) {
    if (reading) { again = true; return reading; }
    reading = (async () => {
      try {
        const q = after ? `?after=${encodeURIComponent(after)}` : '';
        show(await api.get(`/orders/${encodeURIComponent(id)}${q}`));
      } catch (e) {
        if (e?.auth) return ctx.fail(e);
        if (e?.code === 'not_found') return notFound();
        if (!order) fill(body, h('div', { class: 'empty' }, h('p', {}, ctx.errorText(e)),
          h('button', { type: 'button', class: 'btn btn-primary', onclick: () => read() }, t('app-retry'))));
      } finally {
        reading = null;
        if (again) { again = false; read(); }
      }
    })();
    return reading;
  }

  function notFound() {
    stop();
    order = null;
    el.dataset.testid = 'screen-error';
    el.dataset.reason = 'not_found';
    fill(el, h('div', { class: 'empty' },
      h('div', { class: 'empty-icon' }, icon('alert')),
      h('h1', { class: 'title', tabindex: '-1', 'data-focus': '' }, t('app-not-found')),
      h('button', { type: 'button', class: 'btn btn-primary', onclick: () => ctx.nav.reset() }, t('app-browse-menu'))));
    ctx.chrome();
  }

  function show(next) {
    const wasPaid = order?.paid;
    order = next;
    if (state.cart?.id === order.id || order.status === 'cart') setCart(order);
    // Paid as the server sees it: whatever the app last heard from an invoice
    // (on its way, failed, cancelled) is over, also when the order was paid
    // another way (an invoice in the chat, a later attempt).
    if (order.paid && note) {
      if (note === 'paying' && !wasPaid) { haptic.success(); toast(t('app-step-paid')); }
      note = null;
    }
    draw();
    ctx.chrome();
    if (payNow && UNPAID.includes(order.status) && !order.paid) { payNow = params.pay = false; pay(); }
  }

  const stop = api.orderEvents(id, {
    onOpen: () => order && read(),
    onEvent: () => read(),
    onFatal: (e) => (e.auth ? ctx.fail(e) : null),
  });
  read(after);

  async function pay() {
    if (paying || !order) return;
    paying = true;
    note = null;
    errorBox.hidden = true;
    draw();
    ctx.chrome();
    try {
      const invoice = await api.post(`/orders/${id}/invoice`);
      read(invoice.readAfter);
      const status = await openInvoice(invoice.invoice_link);
      if (status === 'paid' || status === 'pending') {
        // Telegram says so; the order is paid when the server has the payment.
        note = 'paying';
        waitUntil = Date.now() + 60000;
        poll();
      } else if (status === 'failed') {
        note = 'failed';
        haptic.error();
      } else note = 'cancelled';
    } catch (e) {
      haptic.error();
      if (e?.auth) return ctx.fail(e);
      errorBox.textContent = ctx.errorText(e);
      errorBox.hidden = false;
      if (e?.code === 'already_paid' || e?.code === 'invalid_state') read();
    } finally {
      paying = false;
      if (order) { draw(); ctx.chrome(); }
    }
  }

  // The events bring the payment; reading now and then covers a stream that is down.
  async function poll() {
    while (note === 'paying' && Date.now() < waitUntil && order) {
      await read();
      if (order?.paid || note !== 'paying') return;
      await new Promise((r) => setTimeout(r, 2000));
    }
  }

  async function command(path, body) {
    busy = true;
    draw();
    try {
      const answer = await api.post(`/orders/${id}/${path}`, body);
      haptic.success();
      return answer;
    } catch (e) {
      haptic.error();
      if (e?.auth) return ctx.fail(e);
      errorBox.textContent = ctx.errorText(e);
      errorBox.hidden = false;
      return null;
    } finally {
      busy = false;
      if (order) draw();
    }
  }

  async function cancel() {
    if (!(await confirmDialog(t('app-cancel-confirm'), t('app-cancel-order'), t('app-back')))) return;
    const answer = await command('cancel');
    if (answer) { setCart(state.cart?.id === id ? answer : state.cart); read(answer.readAfter); }
  }

  async function reopen() {
    const answer = await command('reopen');
    if (answer) { setCart(answer); ctx.nav.reset('cart'); }
  }

  function draw() {
    if (!order) return;
    const done = [];
    for (const s of order.timeline || []) {
      if (s.event_type === 'CartReopened') done.length = 0;
      else if (STEPS[s.event_type]) {
        // Checked out again after a change: one "placed" step.
        if (done.at(-1)?.event_type === s.event_type) done.pop();
        done.push(s);
      }
    }
    const next = ahead(order, done);
    const live = !FINAL.includes(order.status);
    const f = order.fulfilment;
    const noteText = { paying: 'app-paying', failed: 'app-payment-failed', cancelled: 'app-payment-cancelled' }[note];
    body.className = '';
    body.removeAttribute('aria-busy');
    fill(body,
      h('header', { class: 'topbar' },
        h('h1', { class: 'title', tabindex: '-1', 'data-focus': '' }, `${t('app-order')} `, h('span', { 'data-testid': 'order-short-id', dir: 'ltr' }, `#${order.short_id}`))),
      h('div', { class: 'box status-box' },
        statusPill(order.status, 'order-status'),
        order.eta_minutes > 0 && ['accepted', 'preparing'].includes(order.status) && h('p', { class: 'eta', 'data-testid': 'order-eta' }, icon('clock'), h('span', {}, t('app-eta')), h('b', {}, minutes(order.eta_minutes))),
        order.created_at && h('p', { class: 'hint' }, dateTime(order.created_at)),
        noteText && h('p', { class: `pay-note pay-note-${note}`, role: 'status', 'data-testid': 'order-pay-note' }, note === 'paying' && h('span', { class: 'spinner' }), t(noteText))),
      errorBox,
      (done.length > 0 || next.length > 0) && h('div', { class: 'box' },
        h('h2', { class: 'box-title' }, t('app-timeline')),
        h('ol', { class: 'timeline', 'data-testid': 'timeline', 'aria-live': 'polite' },
          done.map((s, i) => h('li', { class: `tl done${i === done.length - 1 && live ? ' current' : ''}${/Cancelled|Rejected|Failed/.test(s.event_type) ? ' bad' : ''}`, 'data-testid': 'timeline-entry', 'data-event': s.event_type, 'data-status': s.status },
            h('span', { class: 'dot' }, icon('check')), h('span', { class: 'step-name' }, t(STEPS[s.event_type])), h('time', { datetime: s.at }, time(s.at)))),
          next.map((e) => h('li', { class: 'tl todo', 'data-testid': 'timeline-todo', 'data-event': e },
            h('span', { class: 'dot' }), h('span', { class: 'step-name' }, t(STEPS[e])))))),
      h('div', { class: 'box' },
        h('ul', { class: 'lines' }, order.lines.map((l) => h('li', { class: 'line', 'data-testid': `order-line-${l.line_id}` },
          thumb(l),
          h('div', { class: 'line-main' },
            h('p', { class: 'line-name' }, h('span', { class: 'qty' }, `${l.quantity}×`), ' ', pick(l.name)),
            choices(l) && h('p', { class: 'line-meta' }, choices(l)),
            l.note && h('p', { class: 'line-note' }, h('bdi', {}, l.note))),
          h('p', { class: 'line-total' }, money(lineTotal(l)))))),
        summary('order', order.subtotal, order.delivery_fee?.amount ? order.delivery_fee : null, order.total || order.subtotal),
        order.paid && h('p', { class: 'sum-row sum-paid', 'data-testid': 'order-paid' }, h('span', {}, t('app-step-paid')), h('span', {}, money(order.paid))),
        order.refund && h('p', { class: 'sum-row sum-refund', 'data-testid': 'order-refund', 'data-refund': order.refund.status },
          h('span', {}, t(order.refund.status === 'refunded' ? 'app-refunded' : 'app-refund-requested')), h('span', {}, money(order.refund.amount)))),
      f && h('div', { class: 'box where' },
        icon(f.kind === 'pickup' ? 'bag' : 'pin'),
        h('div', {}, h('p', { class: 'box-title' }, t(f.kind === 'pickup' ? 'app-pickup' : 'app-delivery')),
          f.kind === 'delivery' && h('p', {}, addressText(f.address)),
          f.phone && h('p', { class: 'hint', 'data-testid': 'order-phone' }, h('bdi', { dir: 'ltr' }, f.phone)),
          f.comment && h('div', { class: 'where-comment' },
            h('p', { class: 'hint' }, t('app-comment')),
            h('p', { class: 'comment-text', dir: 'auto', 'data-testid': 'order-comment' }, f.comment)))),
      h('div', { class: 'actions' },
        UNPAID.includes(order.status) && h('button', { type: 'button', class: 'btn btn-ghost', disabled: busy || paying || note === 'paying', 'data-testid': 'order-reopen', onclick: reopen }, t('app-edit-order')),
        FINAL.includes(order.status) && h('button', { type: 'button', class: 'btn btn-primary', disabled: busy, 'data-testid': 'order-reorder', onclick: () => reorder(id, ctx) }, icon('repeat'), t('app-reorder')),
        CANCELLABLE.includes(order.status) && order.status !== 'cart' && h('button', { type: 'button', class: 'btn btn-danger-ghost', disabled: busy || paying || note === 'paying', 'data-testid': 'order-cancel', onclick: cancel }, t('app-cancel-order'))));
  }

  return {
    el,
    leave: () => { stop(); note = null; },
    main: () => order && UNPAID.includes(order.status) && !order.paid && {
      text: `${t('app-pay')} ${money(order.total || order.subtotal)}`, progress: paying || note === 'paying', disabled: paying, onClick: pay,
    },
  };
}
