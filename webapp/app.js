// The Mini App: boot (Telegram, sign-in, language), a stack of screens, the
// main and back buttons, and deep links from the signed start parameter.
//
// Stable hooks for browser tests (data-testid):
//   screens: screen-menu, screen-item, screen-cart, screen-checkout,
//     screen-order, screen-history, screen-profile, screen-error (data-reason:
//     auth | not_found | network | error; error-retry)
//   outside Telegram only (the stand-in's buttons): main-button, back-button
//   everywhere: toast; confirm-dialog, confirm-yes, confirm-no
//   menu: open-history, open-profile, closed-banner, menu-search, filter-<tag>
//     (aria-pressed), filter-clear, category-tab-<id>, category-<id>,
//     menu-item-<id> (data-available), menu-item-open-<id>, menu-item-add-<id>,
//     menu-item-count-<id>, menu-empty
//   item sheet: item-sheet-head, item-sheet-close, item-price, size-group, size-<id>,
//     option-group-<id> (data-min, data-max), option-<group>-<option>,
//     option-group-error-<id>, item-note, item-qty(-dec|-inc|-value), item-add,
//     item-error
//   cart: cart-line-<line> (data-available), cart-line-qty-<line>(-dec|-inc|-value),
//     cart-line-remove-<line>, cart-subtotal, cart-delivery-fee, cart-total,
//     cart-notice, cart-empty, reorder-unavailable
//   checkout: fulfilment-delivery, fulfilment-pickup, saved-address-<id>,
//     address-new, address-street, address-city, address-postcode,
//     address-details, address-save, address-label, address-phone (delivery
//     and pickup), checkout-comment, checkout-subtotal, checkout-delivery-fee,
//     checkout-total, checkout-error; a field marked invalid (aria-invalid)
//     shows why in <its id>-error (address-phone-error, checkout-comment-error, …)
//   order: order-short-id, order-status (data-status), order-eta, order-pay-note
//     (.pay-note-paying | -failed | -cancelled), order-phone, order-comment,
//     order-error, timeline, timeline-entry (data-event, data-status),
//     timeline-todo (data-event), order-line-<line>, order-subtotal,
//     order-delivery-fee, order-total, order-paid, order-refund (data-refund),
//     order-reopen, order-cancel, order-reorder
//   history: history-empty, history-order-<id> (data-status), history-reorder-<id>
//   profile: profile-name, profile-language, notifications-<all|essential|none>,
//     profile-address-<id>, profile-address-remove-<id>, profile-address-add,
//     new-address-label, new-address-street, new-address-city,
//     new-address-postcode, new-address-details, profile-address-save, profile-error

import * as api from './api.js';
import * as i18n from './i18n.js';
import { t } from './i18n.js';
import { h, icon, toast } from './dom.js';
import { tg, isShim, start as startTelegram, setMain, setBack, setBackLabel, closingConfirmation, displayUser, startParam, setInitData } from './tg.js';
import { state, subscribe, setMenu, setMe, findCart, cartCount, itemById } from './api.js';
import * as menu from './menu.js';

// Marks on the page's performance timeline (the Mini App bench prints them).
performance.mark('app-evaluated');

const screens = { menu, error: { mount: mountError } };
// The screens the menu does not need load when first opened, and in the
// background once the menu is drawn: on a slow network every file before
// the menu delays it.
const later = {
  cart: () => import('./cart.js'),
  item: () => import('./item.js'),
  checkout: () => import('./checkout.js'),
  order: () => import('./order.js'),
  history: () => import('./history.js'),
  profile: () => import('./profile.js'),
};
const loading = {};
function load(name) {
  if (screens[name]) return Promise.resolve(screens[name]);
  loading[name] ||= later[name]().then(
    (m) => (screens[name] = m),
    (e) => { delete loading[name]; throw e; });
  return loading[name];
}
/** The screen asked for last while one was loading: only that one opens. */
let wanted = null;
const view = document.getElementById('view');
const stack = [];

/** Navigation between screens; the menu is always at the bottom. */
const nav = {
  go(name, params = {}) {
    if (!screens[name]) {
      const ask = (wanted = { name, params });
      return load(name).then(
        () => { if (wanted === ask) { wanted = null; nav.go(name, params); } },
        (e) => { console.error(e); if (wanted === ask) { wanted = null; toast(t('app-error-network'), 'error'); } });
    }
    wanted = null;
    const top = stack.at(-1);
    const entry = { name, params, view: null };
    entry.view = screens[name].mount(params, ctx);
    if (top) {
      top.scroll = scrollY;
      // Under a sheet the screen stays in view, out of reach of focus and clicks.
      if (entry.view.overlay) top.view.el.inert = true;
      else top.view.el.hidden = true;
    }
    stack.push(entry);
    view.append(entry.view.el);
    if (!entry.view.overlay) scrollTo(0, 0);
    focusHeading(entry.view.el);
    chrome();
  },
  back() {
    if (stack.length <= 1) return;
    const gone = stack.pop();
    gone.view.leave?.();
    gone.view.el.remove();
    const top = stack.at(-1);
    top.view.el.hidden = false;
    top.view.el.inert = false;
    if (!gone.view.overlay) scrollTo(0, top.scroll || 0);
    top.view.update?.();
    focusHeading(top.view.el);
    chrome();
  },
  /** Back to the menu, then to `name` (or stay on the menu). */
  reset(name, params) {
    while (stack.length > 1) {
      const gone = stack.pop();
      gone.view.leave?.();
      gone.view.el.remove();
    }
    stack[0].view.el.hidden = false;
    stack[0].view.el.inert = false;
    if (name && name !== 'menu') nav.go(name, params);
    else { stack[0].view.update?.(); chrome(); }
  },
};

function focusHeading(el) {
  const heading = el.querySelector('[data-focus]');
  heading?.focus({ preventScroll: true });
}

/** Sets the main and back buttons and the closing confirmation for the top screen. */
function chrome() {
  const top = stack.at(-1);
  if (!top) return;
  setBack(stack.length > 1 ? nav.back : null);
  setMain(top.view.main?.() || null);
  closingConfirmation(cartCount() > 0);
}

const ctx = { nav, chrome, fail, errorText };

/** A localized message for an API error a customer can meet. */
function errorText(e) {
  if (e instanceof api.NetworkError) return t('app-error-network');
  // A refused fulfilment names its field.
  if (e?.code === 'invalid_fulfilment') {
    return t({ phone: 'app-invalid-phone', comment: 'app-invalid-comment' }[e.details?.field] || 'app-invalid-address');
  }
  const byCode = {
    restaurant_closed: 'app-closed',
    empty_cart: 'app-cart-empty',
    items_unavailable: 'app-items-unavailable',
    invalid_item: 'app-invalid-item',
    not_found: 'app-not-found',
    fulfilment_missing: 'app-fulfilment-missing',
    invalid_address: 'app-invalid-address',
    too_many_addresses: 'app-too-many-addresses',
    invalid_label: 'app-invalid-label',
    cart_full: 'app-cart-full',
    mixed_digital_and_physical: 'app-mixed-digital',
    nothing_to_reorder: 'app-nothing-to-reorder',
    payments_not_configured: 'app-payments-unavailable',
    telegram_unavailable: 'app-error-network',
    already_paid: 'app-already-paid',
    invalid_init_data: 'app-auth-error',
    init_data_expired: 'app-auth-error',
    missing_auth: 'app-auth-error',
  };
  return t(byCode[e?.code] || 'app-error');
}

/** An error of an action: sign-in stops the app, not found gets a screen, the rest a toast. */
function fail(e) {
  if (e?.auth) return fatal('auth');
  if (e?.code === 'not_found') return nav.go('error', { reason: 'not_found' });
  toast(errorText(e), 'error');
}

function mountError({ reason = 'error' }) {
  const title = { auth: 'app-auth-error-title', not_found: 'app-not-found', network: 'app-error-network' }[reason] || 'app-error';
  const text = reason === 'auth' ? t('app-auth-error') : null;
  const el = h('section', { class: 'screen screen-error', 'data-testid': 'screen-error', 'data-reason': reason },
    h('div', { class: 'empty' },
      h('div', { class: 'empty-icon' }, icon(reason === 'auth' ? 'user' : 'alert')),
      h('h1', { class: 'title', tabindex: '-1', 'data-focus': '' }, i18n.isLoaded() ? t(title) : '⚠'),
      text && h('p', { class: 'hint' }, text)));
  return { el };
}

/** Stops everything: no stack, no buttons, one message. */
function fatal(reason, retry) {
  for (const e of stack.splice(0)) e.view.leave?.();
  view.replaceChildren();
  setMain(null);
  setBack(null);
  document.getElementById('boot')?.remove();
  const { el } = mountError({ reason });
  if (retry) el.querySelector('.empty').append(h('button', { class: 'btn btn-primary', 'data-testid': 'error-retry', onclick: () => location.reload() }, i18n.isLoaded() ? t('app-retry') : '↻'));
  view.append(el);
  el.querySelector('[data-focus]')?.focus();
}

/** `order_<id>` carries the id without dashes. */
function orderIdFrom(raw) {
  const s = String(raw || '').toLowerCase();
  return /^[0-9a-f]{32}$/.test(s) ? `${s.slice(0, 8)}-${s.slice(8, 12)}-${s.slice(12, 16)}-${s.slice(16, 20)}-${s.slice(20)}` : s;
}

async function deepLink() {
  const param = startParam();
  const [, kind, id] = param.match(/^(item|order|reorder)_([\w-]{1,64})$/) || [];
  if (kind === 'item') {
    if (itemById(id)) nav.go('item', { id });
    else toast(t('app-not-found'), 'error');
  } else if (kind === 'order') {
    nav.go('order', { id: orderIdFrom(id) });
  } else if (kind === 'reorder') {
    // One launch (one signed initData) reorders once, however often the page loads.
    const launch = new URLSearchParams(tg.initData).get('hash') || param;
    const history = await load('history');
    await history.reorder(orderIdFrom(id), ctx, `reorder-link-${launch}`.slice(0, 128));
  }
}

/**
 * What the page brought with it (src/http/webapp/page.rs): the menu as the
 * API answers it, and the texts of the language the browser prefers.
 */
function brought() {
  try {
    return JSON.parse(document.getElementById('boot-data')?.textContent || 'null') || {};
  } catch {
    return {};
  }
}

// The language the customer chose in the profile, remembered on this device
// so that the next visit starts in it.
const LANG_KEY = 'foodbot.lang';
function rememberedLang() {
  try { return localStorage.getItem(LANG_KEY); } catch { return null; }
}
function rememberLang(code) {
  try { localStorage.setItem(LANG_KEY, code); } catch { /* private mode */ }
}

async function boot() {
  startTelegram();
  let initData = tg.initData || '';
  const guess = i18n.langFor(displayUser().language_code || navigator.language);
  if (!initData && isShim) {
    initData = await api.demoInitData(guess);
    if (initData) { setInitData(initData); state.demo = true; }
  }
  api.setInitData(initData);
  const page = brought();
  performance.mark('boot-data-read');
  const want = i18n.langFor(rememberedLang() || displayUser().language_code || guess);
  const catalog = (page.catalog?.lang === want ? Promise.resolve(i18n.use(page.catalog)) : i18n.load(want))
    .catch(() => null);
  if (!initData) {
    await catalog;
    return fatal('auth');
  }
  // The caller and their open cart are asked for at once, and the menu is
  // drawn without waiting for them: on a slow network each round trip before
  // the menu shows counts, and the page brings the menu with it.
  // Settled now and read later, so that a refusal is never left unhandled.
  const meAnswer = api.get('/me').then((me) => ({ me }), (error) => ({ error }));
  const cartFound = findCart().then(() => null, (e) => e);
  const failed = async (e) => {
    await catalog;
    return e?.auth ? fatal('auth') : fatal(e instanceof api.NetworkError ? 'network' : 'error', true);
  };
  let menuValue = page.menu;
  if (!menuValue) {
    try {
      menuValue = await api.get('/menu');
    } catch (e) {
      return failed(e);
    }
  }
  await catalog;
  if (!i18n.isLoaded()) return fatal('network', true);
  setBackLabel(t('app-back'));
  i18n.setMenuLanguages(menuValue.restaurant?.languages);
  setMenu(menuValue);
  document.getElementById('boot')?.remove();
  performance.mark('menu-start');
  nav.go('menu');
  performance.mark('menu-drawn');
  subscribe(() => {
    for (const e of stack) e.view.update?.();
    chrome();
  });
  const { me, error } = await meAnswer;
  if (error) return failed(error);
  setMe(me);
  // The profile's language wins over the device's guess (and is the next guess).
  if (me.language) {
    rememberLang(i18n.langFor(me.language));
    if (i18n.langFor(me.language) !== i18n.currentLang()) await relocalize(me.language).catch(() => null);
  }
  if ((await cartFound)?.auth) return fatal('auth');
  setTimeout(() => { for (const name of Object.keys(later)) load(name).catch(() => {}); }, 0);
  await deepLink();
}

/** The language changed in the profile: load its texts and draw every screen again. */
async function relocalize(code) {
  await i18n.load(code);
  rememberLang(i18n.currentLang());
  setBackLabel(t('app-back'));
  const names = stack.map((e) => [e.name, e.params]);
  for (const e of stack.splice(0)) { e.view.leave?.(); e.view.el.remove(); }
  for (const [name, params] of names) nav.go(name, params);
}
ctx.relocalize = relocalize;

boot().catch((e) => {
  console.error(e);
  fatal('error', true);
});

// The document's title follows the restaurant's name once it is known.
subscribe(() => {
  const name = i18n.pick(state.menu?.restaurant?.name);
  if (name) document.title = name;
});
// Keep the header colour in step with the page.
try { tg.setHeaderColor?.('secondary_bg_color'); tg.setBackgroundColor?.('secondary_bg_color'); } catch { /* old client */ }
