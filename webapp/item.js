// The item sheet: photo, description, size, option groups held to their
// min/max, a note and a quantity; the price follows the choices (the cart's
// price, from the server, is the one that counts).

import { h, fill, icon, stepper, toast } from './dom.js';
import { t, pick, money } from './i18n.js';
import { itemById, addLine } from './api.js';
import { haptic } from './tg.js';
import { tagLabel, shownPrice } from './menu.js';

export function mount({ id }, ctx) {
  const item = itemById(id);
  const sizeId = item?.sizes?.[0]?.id ?? null;
  const chosen = new Map((item?.option_groups || []).map((g) => [g.id, []]));
  let size = sizeId;
  let qty = 1;
  let busy = false;

  const close = () => ctx.nav.back();
  const sheet = h('div', { class: 'sheet', role: 'dialog', 'aria-modal': 'true', 'aria-labelledby': 'item-title', 'data-testid': 'screen-item', onkeydown: trap });
  const layer = h('div', { class: 'backdrop sheet-layer', onclick: (e) => e.target === layer && close() }, sheet);
  document.documentElement.classList.add('sheet-open');

  if (!item) {
    fill(sheet, h('div', { class: 'empty' }, h('h2', { id: 'item-title', tabindex: '-1', 'data-focus': '' }, t('app-not-found'))));
    return { el: layer, overlay: true, leave };
  }

  const priceEl = h('span', { 'data-testid': 'item-price' });
  const addBtn = h('button', { type: 'button', class: 'btn btn-primary btn-add', 'data-testid': 'item-add', disabled: !item.available, onclick: add },
    h('span', {}, item.available ? t('app-add-to-cart') : t('app-unavailable')), item.available && priceEl);
  const qtyBox = stepper(qty, { label: t('app-quantity'), dec: t('app-decrease'), inc: t('app-increase'), testid: 'item-qty',
    onChange: (n) => { qty = n; haptic.select(); refresh(); } });
  const error = h('p', { class: 'form-error', role: 'alert', 'data-testid': 'item-error', hidden: true });
  const note = h('textarea', { id: 'item-note', class: 'input', rows: '2', maxlength: '200', placeholder: t('app-note-placeholder'), 'data-testid': 'item-note' });
  const groupErrors = new Map();
  const counters = new Map();

  const sizes = item.sizes?.length > 0 && h('fieldset', { class: 'group', 'data-testid': 'size-group' },
    h('legend', { class: 'group-head' }, h('span', { class: 'group-name' }, t('app-size')), h('span', { class: 'badge' }, t('app-required'))),
    item.sizes.map((s) => choice('radio', 'size', s.id, pick(s.name), s.price_delta, true, s.id === size, `size-${s.id}`, () => { size = s.id; refresh(); })));

  const groups = item.option_groups.map((g) => {
    const single = g.max === 1;
    const err = h('p', { class: 'group-error', 'data-testid': `option-group-error-${g.id}`, hidden: true }, t('app-options-required'));
    const counter = h('span', { class: 'counter', 'aria-hidden': 'true' });
    groupErrors.set(g.id, err);
    counters.set(g.id, counter);
    return h('fieldset', { class: 'group', 'data-testid': `option-group-${g.id}`, 'data-min': g.min, 'data-max': g.max },
      h('legend', { class: 'group-head' },
        h('span', { class: 'group-name' }, pick(g.name)),
        h('span', { class: `badge${g.min > 0 ? '' : ' badge-soft'}` }, t(g.min > 0 ? 'app-required' : 'app-optional')),
        counter),
      g.options.map((o) => choice(single && g.min > 0 ? 'radio' : 'checkbox', `g-${g.id}`, o.id, pick(o.name), o.price_delta, o.available, false,
        `option-${g.id}-${o.id}`, (input) => toggle(g, o.id, input))),
      err);
  });

  // The name and the close button sit in a head of their own above what
  // scrolls, so that the button never covers the description or a choice.
  fill(sheet,
    h('div', { class: 'sheet-head', 'data-testid': 'item-sheet-head' },
      h('h2', { id: 'item-title', class: 'sheet-title', tabindex: '-1', 'data-focus': '' }, pick(item.name)),
      h('button', { type: 'button', class: 'icon-btn sheet-close', 'aria-label': t('app-close'), 'data-testid': 'item-sheet-close', onclick: close }, icon('close'))),
    h('div', { class: 'sheet-body' },
      h('img', { class: 'sheet-img', src: item.photo_url, alt: '', width: '400', height: '300', decoding: 'async' }),
      h('div', { class: 'sheet-text' },
        h('p', { class: 'sheet-desc' }, pick(item.description)),
        item.tags.length > 0 && h('p', { class: 'tags' }, item.tags.map((tag) => h('span', { class: `tag tag-${tag}` }, tagLabel(tag)))),
        h('p', { class: 'sheet-price' }, item.available ? money(shownPrice(item)) : h('span', { class: 'soldout-badge' }, t('app-unavailable')))),
      item.available && h('form', { class: 'sheet-form', onsubmit: (e) => e.preventDefault() },
        sizes, groups,
        h('div', { class: 'group' }, h('label', { class: 'group-name', for: 'item-note' }, t('app-note')), note))),
    item.available && h('div', { class: 'sheet-foot' }, error, h('div', { class: 'sheet-actions' }, qtyBox, addBtn)));
  refresh();

  function choice(type, name, value, label, delta, available, checked, testid, onchange) {
    const input = h('input', { type, name, value, checked, disabled: !available, 'data-testid': testid, onchange: (e) => { haptic.select(); onchange(e.currentTarget); } });
    return h('label', { class: `choice${available ? '' : ' choice-off'}` }, input,
      h('span', { class: 'choice-name' }, label),
      !available ? h('span', { class: 'soldout-badge' }, t('app-unavailable'))
        : delta?.amount ? h('bdi', { class: 'choice-delta' }, `+${money(delta)}`) : null);
  }

  function toggle(g, optionId, input) {
    let list = chosen.get(g.id);
    if (input.type === 'radio') list = [optionId];
    else if (input.checked) {
      list = [...list, optionId];
      // One of one: choosing another replaces the first.
      if (g.max === 1 && list.length > 1) {
        sheet.querySelector(`[data-testid="option-${CSS.escape(g.id)}-${CSS.escape(list[0])}"]`).checked = false;
        list = [optionId];
      }
    } else list = list.filter((x) => x !== optionId);
    chosen.set(g.id, list);
    if (list.length >= g.min) groupErrors.get(g.id).hidden = true;
    refresh();
  }

  function unitPrice() {
    let amount = item.price.amount + (item.sizes.find((s) => s.id === size)?.price_delta.amount || 0);
    for (const g of item.option_groups) {
      for (const o of chosen.get(g.id)) amount += g.options.find((x) => x.id === o)?.price_delta.amount || 0;
    }
    return amount;
  }

  function refresh() {
    const base = shownPrice(item);
    const unit = item.digital && item.stars_price ? base.amount : unitPrice();
    priceEl.textContent = money({ amount: unit * qty, currency: base.currency });
    for (const g of item.option_groups) {
      const n = chosen.get(g.id).length;
      counters.get(g.id).textContent = `${n}/${g.max}`;
      // At the maximum, the options not chosen cannot be ticked.
      if (g.max > 1) {
        for (const o of g.options) {
          const input = sheet.querySelector(`[data-testid="option-${CSS.escape(g.id)}-${CSS.escape(o.id)}"]`);
          input.disabled = !o.available || (n >= g.max && !input.checked);
          input.closest('.choice').classList.toggle('choice-off', input.disabled);
        }
      }
    }
    qtyBox.set(qty, busy);
    addBtn.disabled = busy || !item.available;
    addBtn.setAttribute('aria-busy', String(busy));
  }

  async function add() {
    const missing = item.option_groups.filter((g) => chosen.get(g.id).length < g.min);
    for (const g of missing) groupErrors.get(g.id).hidden = false;
    if (missing.length) {
      haptic.error();
      sheet.querySelector(`[data-testid="option-group-${CSS.escape(missing[0].id)}"]`).scrollIntoView({ block: 'center' });
      return;
    }
    const options = {};
    for (const [g, list] of chosen) if (list.length) options[g] = list;
    const line = { item_id: item.id, quantity: qty, options };
    if (size) line.size = size;
    const text = note.value.trim();
    if (text) line.note = text;
    busy = true;
    error.hidden = true;
    refresh();
    try {
      await addLine(line);
      haptic.impact();
      toast(t('app-added'));
      close();
    } catch (e) {
      haptic.error();
      if (e?.auth) return ctx.fail(e);
      error.textContent = ctx.errorText(e);
      error.hidden = false;
      busy = false;
      refresh();
    }
  }

  function trap(e) {
    if (e.key === 'Escape') { e.stopPropagation(); close(); return; }
    if (e.key !== 'Tab') return;
    const all = [...sheet.querySelectorAll('button, input, textarea, [tabindex="-1"]')].filter((x) => !x.disabled && x.offsetParent);
    const [first, last] = [all[0], all.at(-1)];
    if (e.shiftKey && document.activeElement === first) { e.preventDefault(); last.focus(); } else if (!e.shiftKey && document.activeElement === last) { e.preventDefault(); first.focus(); }
  }

  function leave() {
    document.documentElement.classList.remove('sheet-open');
  }

  return { el: layer, overlay: true, leave };
}
