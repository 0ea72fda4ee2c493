// The menu: restaurant header, search, tag filters, sticky category tabs that
// follow the scroll, and item cards (photo, tags, price, quick add).

import { h, fill, icon, toast } from './dom.js';
import { t, pick, money } from './i18n.js';
import { state, cartCount, addLine, estimate } from './api.js';
import { haptic } from './tg.js';

const TAGS = ['vegetarian', 'vegan', 'spicy', 'new', 'popular', 'gluten-free'];

export const tagLabel = (tag) => t(`app-filter-${tag}`);

/** The price a card shows: Stars for a digital item that has them. */
export const shownPrice = (item) => (item.digital && item.stars_price ? item.stars_price : item.price);

/** An item can go straight into the cart when there is nothing to choose. */
const quick = (item) => !item.sizes?.length && !item.option_groups?.length;

export function mount(_params, ctx) {
  const { menu } = state;
  const active = new Set();
  let query = '';

  const search = h('input', {
    type: 'search', class: 'search-input', 'data-testid': 'menu-search', enterkeyhint: 'search',
    placeholder: t('app-search-placeholder'), 'aria-label': t('app-search-placeholder'),
    oninput: () => { query = search.value.trim().toLocaleLowerCase(); apply(); },
  });
  const present = TAGS.filter((tag) => menu.items.some((i) => i.tags.includes(tag)));
  const chips = h('div', { class: 'chips', role: 'group', 'aria-label': t('app-filters') },
    present.map((tag) => h('button', {
      type: 'button', class: `chip chip-${tag}`, 'aria-pressed': 'false', 'data-testid': `filter-${tag}`,
      onclick: (e) => {
        active.has(tag) ? active.delete(tag) : active.add(tag);
        e.currentTarget.setAttribute('aria-pressed', String(active.has(tag)));
        haptic.select();
        apply();
      },
    }, tagLabel(tag))));
  const clear = h('button', { type: 'button', class: 'chip chip-clear', 'data-testid': 'filter-clear', hidden: true, onclick: clearAll }, icon('close'), t('app-filter-clear'));
  chips.append(clear);

  const categories = menu.categories.filter((c) => menu.items.some((i) => i.category === c.id));
  const tabs = h('nav', { class: 'tabs', 'aria-label': t('app-title') },
    categories.map((c) => h('a', { href: `#cat-${c.id}`, class: 'tab', 'data-testid': `category-tab-${c.id}`, 'data-cat': c.id, onclick: (e) => { e.preventDefault(); jump(c.id); } }, pick(c.name))));
  const sections = categories.map((c) => h('section', { class: 'category', id: `cat-${c.id}`, 'data-testid': `category-${c.id}`, 'aria-labelledby': `cat-h-${c.id}` },
    h('h2', { class: 'category-title', id: `cat-h-${c.id}` }, pick(c.name)),
    h('div', { class: 'cards' }, menu.items.filter((i) => i.category === c.id).map((i) => card(i, ctx)))));
  const empty = h('div', { class: 'empty', hidden: true, 'data-testid': 'menu-empty' },
    h('div', { class: 'empty-icon' }, icon('search')),
    h('p', {}, t('app-search-empty')),
    h('button', { type: 'button', class: 'btn btn-ghost', onclick: clearAll }, t('app-filter-clear')));

  const sticky = h('div', { class: 'sticky' },
    h('label', { class: 'search' }, icon('search'), search), chips, tabs);
  const el = h('section', { class: 'screen screen-menu', 'data-testid': 'screen-menu' },
    h('header', { class: 'topbar' },
      h('h1', { class: 'brand', tabindex: '-1', 'data-focus': '' }, pick(menu.restaurant.name)),
      h('button', { type: 'button', class: 'icon-btn', 'aria-label': t('app-history'), 'data-testid': 'open-history', onclick: () => ctx.nav.go('history') }, icon('clock')),
      h('button', { type: 'button', class: 'icon-btn', 'aria-label': t('app-profile'), 'data-testid': 'open-profile', onclick: () => ctx.nav.go('profile') }, icon('user'))),
    isClosed(menu.restaurant.hours) && h('p', { class: 'banner', role: 'status', 'data-testid': 'closed-banner' }, icon('clock'), t('app-closed')),
    sticky, h('div', { class: 'menu-list' }, sections), empty);

  function clearAll() {
    active.clear();
    search.value = query = '';
    chips.querySelectorAll('[aria-pressed]').forEach((b) => b.setAttribute('aria-pressed', 'false'));
    apply();
  }

  function apply() {
    let any = false;
    for (const section of sections) {
      let shown = 0;
      for (const c of section.querySelectorAll('.card')) {
        const i = state.items.get(c.dataset.id);
        const text = `${pick(i.name)} ${pick(i.description)}`.toLocaleLowerCase();
        const ok = (!query || text.includes(query)) && [...active].every((tag) => i.tags.includes(tag));
        c.hidden = !ok;
        if (ok) shown++;
      }
      section.hidden = shown === 0;
      tabs.querySelector(`[data-cat="${section.id.slice(4)}"]`).hidden = shown === 0;
      any ||= shown > 0;
    }
    empty.hidden = any;
    clear.hidden = active.size === 0 && !query;
  }

  function jump(id) {
    const target = el.querySelector(`#cat-${CSS.escape(id)}`);
    const top = target.getBoundingClientRect().top + scrollY - sticky.offsetHeight - 8;
    scrollTo({ top, behavior: matchMedia('(prefers-reduced-motion: reduce)').matches ? 'auto' : 'smooth' });
    mark(id);
  }

  let marked = null;
  function mark(id) {
    if (marked === id) return;
    marked = id;
    for (const tab of tabs.children) {
      const on = tab.dataset.cat === id;
      tab.classList.toggle('active', on);
      if (!on) { tab.removeAttribute('aria-current'); continue; }
      tab.setAttribute('aria-current', 'true');
      // Bring the tab into the strip without disturbing the page's scroll.
      const r = tab.getBoundingClientRect();
      const box = tabs.getBoundingClientRect();
      if (r.left < box.left) tabs.scrollBy({ left: r.left - box.left - 16 });
      else if (r.right > box.right) tabs.scrollBy({ left: r.right - box.right + 16 });
    }
  }

  // The tab of the category at the top of the list is highlighted.
  const onScroll = () => {
    if (el.hidden) return;
    const line = sticky.getBoundingClientRect().bottom + 16;
    let current = sections.find((s) => !s.hidden)?.id;
    for (const s of sections) if (!s.hidden && s.getBoundingClientRect().top <= line) current = s.id;
    if (current) mark(current.slice(4));
  };
  addEventListener('scroll', onScroll, { passive: true });
  requestAnimationFrame(onScroll);

  function update() {
    const counts = new Map();
    for (const l of state.cart?.lines || []) counts.set(l.item_id, (counts.get(l.item_id) || 0) + l.quantity);
    for (const b of el.querySelectorAll('.card-count')) {
      const n = counts.get(b.dataset.id) || 0;
      b.textContent = n;
      b.hidden = n === 0;
    }
  }
  update();

  return {
    el,
    update,
    leave: () => removeEventListener('scroll', onScroll),
    main: () => cartCount() > 0 && {
      text: `${t('app-view-order')} · ${money(estimate(state.cart, false).total)}`,
      onClick: () => ctx.nav.go('cart'),
    },
  };
}

// A photo's `loading` is set before its `src`: an image given a source first
// starts loading at once, on screen or not.
function card(item, ctx) {
  const name = pick(item.name);
  const open = () => ctx.nav.go('item', { id: item.id });
  const add = async (e) => {
    if (!quick(item)) return open();
    const btn = e.currentTarget;
    btn.disabled = true;
    try {
      await addLine({ item_id: item.id, quantity: 1 });
      haptic.impact();
      toast(t('app-added'));
    } catch (err) {
      haptic.error();
      ctx.fail(err);
    } finally {
      btn.disabled = false;
    }
  };
  return h('article', { class: `card${item.available ? '' : ' soldout'}`, 'data-id': item.id, 'data-testid': `menu-item-${item.id}`, 'data-available': String(item.available) },
    h('button', { type: 'button', class: 'card-main', 'data-testid': `menu-item-open-${item.id}`, onclick: open, 'aria-label': `${name}, ${money(shownPrice(item))}${item.available ? '' : `, ${t('app-unavailable')}`}` },
      h('span', { class: 'card-text' },
        h('span', { class: 'card-name' }, name),
        h('span', { class: 'card-desc' }, pick(item.description)),
        h('span', { class: 'tags' }, item.tags.map((tag) => h('span', { class: `tag tag-${tag}` }, tagLabel(tag)))),
        h('span', { class: 'card-price' }, item.available ? money(shownPrice(item)) : h('span', { class: 'soldout-badge' }, t('app-unavailable')))),
      h('img', { class: 'card-img', loading: 'lazy', decoding: 'async', width: '400', height: '300', alt: '', src: item.photo_url })),
    h('span', { class: 'card-count', 'data-id': item.id, 'data-testid': `menu-item-count-${item.id}`, hidden: true, 'aria-hidden': 'true' }),
    item.available && h('button', { type: 'button', class: 'card-add', 'aria-label': `${t('app-add-to-cart')}: ${name}`, 'data-testid': `menu-item-add-${item.id}`, onclick: add }, icon('plus')));
}

/** Whether the restaurant takes orders now, from its opening hours (the server decides at checkout). */
export function isClosed(hours, now = new Date()) {
  if (!hours?.week?.length) return false;
  let clock;
  const wall = (d) => {
    clock ||= new Intl.DateTimeFormat('en-US', {
      timeZone: hours.time_zone, weekday: 'long', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', hourCycle: 'h23',
    });
    const p = Object.fromEntries(clock.formatToParts(d).map((x) => [x.type, x.value]));
    return { day: p.weekday.toLowerCase(), date: `${p.year}-${p.month}-${p.day}`, min: Number(p.hour) * 60 + Number(p.minute) };
  };
  let today;
  try { today = wall(now); } catch { return false; }
  const yesterday = wall(new Date(now.getTime() - 86400000));
  const spans = (w) => (hours.closed_on?.includes(w.date) ? [] : hours.week.find((d) => d.day === w.day)?.spans || [])
    .map((s) => s.split('-').map((x) => { const [hh, mm] = x.split(':').map(Number); return hh * 60 + mm; }));
  const open = spans(today).some(([a, b]) => (b > a ? today.min >= a && today.min < b : today.min >= a))
    || spans(yesterday).some(([a, b]) => b <= a && today.min < b);
  return !open;
}
