// The server's API (/api/v1): every request carries `Authorization: tma
// <initData>`; every action (POST/PUT/PATCH/DELETE) an Idempotency-Key made once
// per user action and sent again when the same action is retried after a
// network failure, so a retry never does anything twice.
//
// And what the screens share of its answers: the menu, the caller, and the
// open cart (an order whose status is `cart`; the server's answer is always
// the truth). One module, not two: on a slow network every file the menu
// waits for costs a round trip.

import { sum } from './i18n.js';

const BASE = '/api/v1';
let auth = '';

export function setInitData(raw) {
  auth = raw;
}

/** An answer that is not 2xx: `code` from the server's ErrorCode list. */
export class ApiError extends Error {
  constructor(status, code, message, details) {
    super(message || code);
    this.status = status;
    this.code = code;
    this.details = details;
  }
  get auth() {
    return this.status === 401;
  }
}

/** The request never got an answer (offline, connection dropped). */
export class NetworkError extends Error {
  code = 'network';
}

export function uuid() {
  const b = crypto.getRandomValues(new Uint8Array(16));
  b[6] = (b[6] & 0x0f) | 0x40;
  b[8] = (b[8] & 0x3f) | 0x80;
  const x = [...b].map((v) => v.toString(16).padStart(2, '0')).join('');
  return `${x.slice(0, 8)}-${x.slice(8, 12)}-${x.slice(12, 16)}-${x.slice(16, 20)}-${x.slice(20)}`;
}

// Keys of actions that failed on the network, by what the action was: the
// same action tried again (automatically or by the user) reuses its key.
const pending = new Map();
const PENDING_MS = 10 * 60 * 1000;

function keyFor(what, given) {
  if (given) return given;
  const old = pending.get(what);
  if (old && Date.now() - old.at < PENDING_MS) return old.key;
  return uuid();
}

const wait = (ms) => new Promise((r) => setTimeout(r, ms));

/**
 * One API call. `key` fixes the Idempotency-Key (e.g. for a deep link);
 * otherwise actions get one per action. Network failures are retried twice
 * with the same key, then thrown as NetworkError.
 */
export async function request(method, path, body, { key, signal } = {}) {
  const action = method !== 'GET';
  const what = `${method} ${path} ${body === undefined ? '' : JSON.stringify(body)}`;
  const headers = { accept: 'application/json' };
  if (auth) headers.authorization = `tma ${auth}`;
  if (body !== undefined) headers['content-type'] = 'application/json';
  let idem;
  if (action) headers['idempotency-key'] = idem = keyFor(what, key);
  for (let attempt = 0; ; attempt++) {
    let res;
    try {
      res = await fetch(BASE + path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body), signal });
    } catch (e) {
      if (signal?.aborted) throw e;
      if (attempt < 2) { await wait(400 * 3 ** attempt); continue; }
      if (action) pending.set(what, { key: idem, at: Date.now() });
      throw new NetworkError(e.message);
    }
    pending.delete(what);
    // A read-your-write read that is not visible yet: ask again shortly.
    if (res.status === 503 && !action && attempt < 4) {
      const err = await res.clone().json().catch(() => null);
      if (err?.error?.code === 'not_yet_visible') { await wait(300); continue; }
    }
    const text = await res.text();
    let json = null;
    try { json = text ? JSON.parse(text) : null; } catch { /* not JSON */ }
    if (!res.ok) {
      const e = json?.error || {};
      throw new ApiError(res.status, e.code || `http_${res.status}`, e.message, e.details);
    }
    json ??= {};
    const after = res.headers.get('x-read-after');
    if (after && typeof json === 'object') Object.defineProperty(json, 'readAfter', { value: after });
    return json;
  }
}

export const get = (path, opts) => request('GET', path, undefined, opts);
export const post = (path, body, opts) => request('POST', path, body, opts);
export const put = (path, body, opts) => request('PUT', path, body, opts);
export const patch = (path, body, opts) => request('PATCH', path, body, opts);
export const del = (path, opts) => request('DELETE', path, undefined, opts);

/** A signed demo login; only the offline demo server gives one. */
export async function demoInitData(lang) {
  const q = lang ? `?language_code=${encodeURIComponent(lang)}` : '';
  const res = await fetch(`${BASE}/demo/init-data${q}`).catch(() => null);
  if (!res?.ok) return '';
  return (await res.json().catch(() => ({}))).init_data || '';
}

/**
 * Follows an order's Server-Sent Events: `onEvent(data)` for each event
 * (`data` parsed as JSON when it is), `onOpen()` on each (re)connection.
 * Read with fetch so the Authorization header can be sent; reconnects with
 * Last-Event-ID and a growing pause, until the server's `end` event (the
 * order is over). Returns a function that stops it.
 * `onFatal(error)` gets answers that will not change (401, 404).
 */
export function orderEvents(id, { onEvent, onOpen, onFatal }) {
  const ctl = new AbortController();
  let lastId = '';
  let pause = 1000;
  (async () => {
    while (!ctl.signal.aborted) {
      try {
        const headers = { accept: 'text/event-stream', authorization: `tma ${auth}` };
        if (lastId) headers['last-event-id'] = lastId;
        const res = await fetch(`${BASE}/orders/${encodeURIComponent(id)}/events`, { headers, signal: ctl.signal, cache: 'no-store' });
        if (res.status === 401 || res.status === 404) {
          const e = (await res.json().catch(() => null))?.error || {};
          onFatal?.(new ApiError(res.status, e.code || `http_${res.status}`, e.message));
          return;
        }
        if (!res.ok || !res.body) throw new Error(`events: ${res.status}`);
        onOpen?.();
        pause = 1000;
        let over = false;
        await readEvents(res.body, (ev) => {
          if (ev.event === 'end') over = true;
          if (ev.id) lastId = ev.id;
          if (ev.retry) pause = ev.retry;
          if (ev.data === undefined) return;
          let data = ev.data;
          try { data = JSON.parse(ev.data); } catch { /* plain text */ }
          onEvent(data, ev.event);
        });
        // The order is over: the server has nothing more to send.
        if (over) return;
      } catch {
        if (ctl.signal.aborted) return;
      }
      await wait(pause);
      pause = Math.min(pause * 2, 15000);
    }
  })();
  return () => ctl.abort();
}

/** Parses an SSE byte stream (WHATWG rules: fields, multi-line data, comments). */
async function readEvents(body, dispatch) {
  const reader = body.pipeThrough(new TextDecoderStream()).getReader();
  let buf = '';
  let ev = {};
  for (;;) {
    const { value, done } = await reader.read();
    if (done) return;
    buf += value;
    let nl;
    while ((nl = buf.search(/\r\n|\r|\n/)) >= 0) {
      if (nl === buf.length - 1 && buf[nl] === '\r') break; // maybe \r\n split across chunks
      const line = buf.slice(0, nl);
      buf = buf.slice(nl + (buf.startsWith('\r\n', nl) ? 2 : 1));
      if (line === '') { dispatch(ev); ev = {}; continue; }
      if (line.startsWith(':')) continue;
      const colon = line.indexOf(':');
      const field = colon < 0 ? line : line.slice(0, colon);
      let val = colon < 0 ? '' : line.slice(colon + 1);
      if (val.startsWith(' ')) val = val.slice(1);
      if (field === 'data') ev.data = ev.data === undefined ? val : `${ev.data}\n${val}`;
      else if (field === 'id' && !val.includes('\0')) ev.id = val;
      else if (field === 'event') ev.event = val;
      else if (field === 'retry' && /^\d+$/.test(val)) ev.retry = Number(val);
    }
  }
}

// What the screens share.

export const state = { menu: null, me: null, cart: null, items: new Map(), demo: false };

const subs = new Set();
export function subscribe(fn) {
  subs.add(fn);
  return () => subs.delete(fn);
}
const changed = () => subs.forEach((fn) => fn());

export function setMenu(menu) {
  state.menu = menu;
  state.items = new Map((menu.items || []).map((i) => [i.id, i]));
  changed();
}

export function setMe(me) {
  state.me = me;
  changed();
}

/** Keeps `order` as the cart while it is one. */
export function setCart(order) {
  state.cart = order && order.status === 'cart' ? order : null;
  changed();
  return order;
}

export const cartCount = () => (state.cart?.lines || []).reduce((n, l) => n + l.quantity, 0);
export const itemById = (id) => state.items.get(id);

// Cart changes run one after another, so that each starts from the last answer.
let queue = Promise.resolve();
function serial(fn) {
  const run = queue.then(fn, fn);
  queue = run.catch(() => {});
  return run;
}

/**
 * The caller's newest open cart, if any. A change asked for meanwhile (a dish
 * added while the menu is new) waits for it, so that it goes into that cart.
 */
export const findCart = () => serial(async () => {
  const { orders = [] } = await get('/orders');
  const open = orders.find((o) => o.status === 'cart');
  setCart(open ? await get(`/orders/${encodeURIComponent(open.id)}`) : null);
});

const gone = (e) => e instanceof ApiError && (e.code === 'invalid_state' || e.code === 'not_found');

/** Adds a line ({item_id, size, options, quantity, note}); opens a cart when there is none. */
export const addLine = (line) => serial(async () => {
  if (state.cart) {
    try {
      return setCart(await post(`/orders/${state.cart.id}/items`, line));
    } catch (e) {
      // The cart was checked out or cancelled elsewhere: start a new one.
      if (!gone(e)) throw e;
    }
  }
  return setCart(await post('/orders', { items: [line] }));
});

export const setQuantity = (lineId, quantity) => serial(async () =>
  setCart(await patch(`/orders/${state.cart.id}/items/${lineId}`, { quantity })));

export const removeLine = (lineId) => serial(async () =>
  setCart(await del(`/orders/${state.cart.id}/items/${lineId}`)));

/** Digital-only orders are paid in Stars and never delivered. */
export const digitalOnly = (lines) => lines.length > 0 && lines.every((l) => itemById(l.item_id)?.digital);

/** A digital item's line in Stars (what its order is charged), else the server's line total. */
export function lineTotal(l) {
  const stars = itemById(l.item_id)?.digital && itemById(l.item_id)?.stars_price;
  return stars ? { amount: stars.amount * l.quantity, currency: stars.currency } : l.line_total;
}

/**
 * What the cart will cost: with the delivery fee when delivered; digital
 * goods alone in Stars. The server's checkout answer is the final word.
 */
export function estimate(cart, delivery) {
  if (digitalOnly(cart.lines)) {
    const total = cart.lines.reduce((a, l) => a + lineTotal(l).amount, 0);
    return { fee: null, total: { amount: total, currency: 'XTR' } };
  }
  const fee = delivery ? state.menu.restaurant.delivery_fee : null;
  return { fee, total: sum(cart.subtotal.currency, cart.subtotal.amount, fee?.amount) };
}
