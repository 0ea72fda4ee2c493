// Checkout: delivery (a saved address or a new one) or pickup, a phone and a
// comment to the restaurant with either, the totals, then the server freezes
// the prices and the order is paid. A field the server refuses is marked
// where it is, with the reason beside it.

import { h, fill } from './dom.js';
import { t, pick, money, dateTime } from './i18n.js';
import * as api from './api.js';
import { state, setCart, setMe, setMenu, digitalOnly, estimate } from './api.js';
import { haptic } from './tg.js';
import { summary } from './cart.js';

let uid = 0;
/**
 * A labelled input (or `tag`, e.g. a textarea); `required` ones say so when
 * left empty. `invalid(text)` marks it with `text` beside it (by default
 * "please fill this in"); typing clears the mark. The error's test id is the
 * input's with `-error`.
 */
export function field(label, attrs, tag = 'input') {
  const id = `f${++uid}`;
  const testid = attrs['data-testid'];
  const error = h('p', { class: 'field-error', id: `${id}-e`, 'data-testid': testid && `${testid}-error`, hidden: true }, t('app-field-required'));
  const input = h(tag, { id, class: 'input', 'aria-describedby': `${id}-e`, ...attrs });
  const wrap = h('div', { class: 'field' }, h('label', { for: id }, label, attrs.required && h('span', { class: 'req', 'aria-hidden': 'true' }, ' *')), input, error);
  input.addEventListener('input', () => { error.hidden = true; input.removeAttribute('aria-invalid'); });
  return {
    wrap,
    input,
    invalid(text = t('app-field-required')) {
      error.textContent = text;
      error.hidden = false;
      input.setAttribute('aria-invalid', 'true');
    },
  };
}

/** Street, city, postcode and details; `read()` gives the address or null (and marks what is missing). */
export function addressForm(prefix = 'address') {
  const f = {
    street: field(t('app-address-street'), { required: true, autocomplete: 'street-address', maxlength: '200', 'data-testid': `${prefix}-street` }),
    city: field(t('app-address-city'), { required: true, autocomplete: 'address-level2', maxlength: '200', 'data-testid': `${prefix}-city` }),
    postcode: field(t('app-address-postcode'), { autocomplete: 'postal-code', maxlength: '200', 'data-testid': `${prefix}-postcode` }),
    details: field(t('app-address-details'), { maxlength: '200', 'data-testid': `${prefix}-details` }),
  };
  return {
    el: h('div', { class: 'fields' }, f.street.wrap, h('div', { class: 'field-row' }, f.city.wrap, f.postcode.wrap), f.details.wrap),
    fill(a) { for (const k of Object.keys(f)) f[k].input.value = a?.[k] || ''; },
    /** The field `name` of the address, if it is one (to mark what the server refused). */
    field: (name) => (Object.hasOwn(f, name) ? f[name] : null),
    read() {
      const a = {};
      for (const [k, x] of Object.entries(f)) { const v = x.input.value.trim(); if (v) a[k] = v; }
      const missing = ['street', 'city'].filter((k) => !a[k]);
      missing.forEach((k) => f[k].invalid());
      if (missing.length) { f[missing[0]].input.focus(); return null; }
      return a;
    },
  };
}

/** One line for an address. */
export const addressText = (a) => [a.street, [a.postcode, a.city].filter(Boolean).join(' '), a.details].filter(Boolean).join(', ');

/** A refused checkout as text: closed until when, which items are gone, or the code's message. */
function refusal(e, ctx, lines) {
  if (e?.code === 'restaurant_closed') {
    const at = e.details?.opens_at;
    const zone = state.menu.restaurant.hours?.time_zone;
    const when = at && dateTime(at, { weekday: 'long', day: 'numeric', month: 'long', hour: '2-digit', minute: '2-digit', timeZone: zone });
    return [t('app-closed'), when && `${t('app-opens-again')} ${when}`];
  }
  if (e?.code === 'items_unavailable') {
    const ids = new Set((Array.isArray(e.details) ? e.details : []).map((d) => d.line_id));
    return [t('app-items-unavailable'), h('ul', {}, lines.filter((l) => ids.has(l.line_id)).map((l) => h('li', {}, pick(l.name))))];
  }
  return [ctx.errorText(e)];
}

export function mount(_params, ctx) {
  const cart = state.cart;
  const saved = state.me?.addresses || [];
  const digital = digitalOnly(cart?.lines || []);
  const before = cart?.fulfilment;
  let mode = before?.kind === 'pickup' ? 'pickup' : 'delivery';
  let choice = saved[0]?.address_id ?? 'new';
  let busy = false;

  const form = addressForm();
  if (before?.kind === 'delivery') {
    const same = saved.find((s) => addressText(s.address) === addressText(before.address));
    if (same) choice = same.address_id;
    else { choice = 'new'; form.fill(before.address); }
  }
  let remembered = '';
  try { remembered = localStorage.getItem('foodbot.phone') || ''; } catch { /* storage off */ }
  const phone = field(t('app-address-phone'), { type: 'tel', autocomplete: 'tel', inputmode: 'tel', maxlength: '40', 'data-testid': 'address-phone', value: before?.phone || remembered });
  const comment = field(t('app-comment'), { rows: '3', maxlength: '500', placeholder: t('app-comment-placeholder'), 'data-testid': 'checkout-comment', value: before?.comment || '' }, 'textarea');
  const save = h('input', { type: 'checkbox', 'data-testid': 'address-save', onchange: () => { labelField.wrap.hidden = !save.checked; } });
  const labelField = field(t('app-address-label'), { maxlength: '40', placeholder: t('app-address-label-placeholder'), 'data-testid': 'address-label' });
  labelField.wrap.hidden = true;
  const error = h('div', { class: 'notice notice-error', role: 'alert', 'data-testid': 'checkout-error', hidden: true });
  const where = h('div');
  const sums = h('div');

  const seg = (value, label) => h('label', { class: 'seg' },
    h('input', { type: 'radio', name: 'mode', value, checked: mode === value, 'data-testid': `fulfilment-${value}`, onchange: () => { mode = value; haptic.select(); draw(); } }),
    h('span', {}, label));

  const el = h('section', { class: 'screen screen-checkout', 'data-testid': 'screen-checkout' },
    h('header', { class: 'topbar' }, h('h1', { class: 'title', tabindex: '-1', 'data-focus': '' }, t('app-checkout'))),
    !digital && h('fieldset', { class: 'box' },
      h('legend', { class: 'box-title' }, t('app-fulfilment')),
      h('div', { class: 'segmented' }, seg('delivery', t('app-delivery')), seg('pickup', t('app-pickup'))),
      where),
    h('div', { class: 'box' }, h('h2', { class: 'box-title' }, t('app-order')), sums),
    error);

  function draw() {
    if (!digital) {
      fill(where,
        mode === 'pickup' ? h('p', { class: 'hint' }, t('app-pickup-hint')) : [
          saved.length > 0 && h('div', { class: 'choices', role: 'radiogroup', 'aria-label': t('app-saved-addresses') },
            saved.map((s) => h('label', { class: 'choice choice-card' },
              h('input', { type: 'radio', name: 'addr', checked: choice === s.address_id, 'data-testid': `saved-address-${s.address_id}`, onchange: () => { choice = s.address_id; draw(); } }),
              h('span', { class: 'choice-name' }, h('b', {}, s.label), h('br'), addressText(s.address)))),
            h('label', { class: 'choice choice-card' },
              h('input', { type: 'radio', name: 'addr', checked: choice === 'new', 'data-testid': 'address-new', onchange: () => { choice = 'new'; draw(); } }),
              h('span', { class: 'choice-name' }, t('app-new-address')))),
          choice === 'new' && h('div', {}, form.el,
            h('label', { class: 'check' }, save, t('app-save-address')), labelField.wrap),
        ],
        // The phone and the comment are kept across a change of mode.
        phone.wrap,
        comment.wrap);
    }
    drawSums();
    ctx.chrome();
  }

  const total = () => estimate(state.cart, mode === 'delivery').total;
  function drawSums() {
    if (!state.cart) return;
    const { fee, total: all } = estimate(state.cart, mode === 'delivery');
    fill(sums, summary('checkout', state.cart.subtotal, fee, all));
  }

  async function fulfilment() {
    if (digital) return null;
    const out = mode === 'pickup' ? { kind: 'pickup' } : await delivery();
    if (!out) return undefined;
    const p = phone.input.value.trim();
    if (p) {
      out.phone = p;
      try { localStorage.setItem('foodbot.phone', p); } catch { /* storage off */ }
    }
    const c = comment.input.value.trim();
    if (c) out.comment = c;
    return out;
  }

  /** The delivery address as the form or the chosen saved address has it; undefined if incomplete. */
  async function delivery() {
    let address;
    if (choice === 'new') {
      address = form.read();
      if (!address) return undefined;
      if (save.checked) {
        const label = labelField.input.value.trim();
        if (!label) { labelField.invalid(); labelField.input.focus(); return undefined; }
        setMe(await api.post('/me/addresses', { label, address }));
        // Saved once: a second press uses the saved address rather than saving
        // it again, and the screen shows that address chosen (a form left on
        // screen would take edits that nothing sends).
        const added = [...state.me.addresses].reverse().find((s) => s.label === label);
        if (added) {
          saved.splice(0, saved.length, ...state.me.addresses);
          choice = added.address_id;
          save.checked = false;
          labelField.wrap.hidden = true;
          draw();
        }
      }
    } else {
      const { street, city, postcode, details } = saved.find((s) => s.address_id === choice).address;
      address = { street, city };
      if (postcode) address.postcode = postcode;
      if (details) address.details = details;
    }
    return { kind: 'delivery', address };
  }

  /**
   * Marks the field a refusal of the fulfilment names (`details.field`), with
   * the reason beside it, and moves the focus there. False when the screen
   * has no such field to show (an address field of a saved address).
   */
  function markRefused(e) {
    const name = e?.code === 'invalid_fulfilment' ? e.details?.field : null;
    const f = name === 'phone' ? phone : name === 'comment' ? comment : mode === 'delivery' && choice === 'new' ? form.field(name) : null;
    if (!f || !f.input.isConnected) return false;
    f.invalid(ctx.errorText(e));
    f.input.focus({ preventScroll: true });
    f.input.scrollIntoView({ block: 'center' });
    return true;
  }

  async function submit() {
    if (busy || !state.cart) return;
    error.hidden = true;
    const id = state.cart.id;
    busy = true;
    ctx.chrome();
    try {
      const f = await fulfilment();
      if (f === undefined) return;
      if (f) await api.put(`/orders/${id}/fulfilment`, f);
      const order = await api.post(`/orders/${id}/checkout`);
      setCart(order);
      haptic.success();
      ctx.nav.reset('order', { id, pay: true, after: order.readAfter });
    } catch (e) {
      haptic.error();
      if (e?.auth) return ctx.fail(e);
      if (markRefused(e)) return;
      fill(error, ...refusal(e, ctx, state.cart?.lines || []).filter(Boolean).map((x) => (typeof x === 'string' ? h('p', {}, x) : x)));
      error.hidden = false;
      error.scrollIntoView({ block: 'nearest' });
      if (e?.code === 'items_unavailable' || e?.code === 'invalid_item') {
        // Show what is sold out now, in the menu and in the cart.
        api.get('/menu').then(setMenu).catch(() => {});
        api.get(`/orders/${id}`).then(setCart).catch(() => {});
      }
    } finally {
      busy = false;
      ctx.chrome();
    }
  }

  draw();
  return {
    el,
    update: drawSums,
    main: () => state.cart?.lines.length > 0 && { text: `${t('app-pay')} ${money(total())}`, progress: busy, disabled: busy, onClick: submit },
  };
}
