// What the screens share: the menu, the caller, and the open cart (an order
// whose status is `cart`; the server's answer is always the truth).

import * as api from './api.js';

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

/** The caller's newest open cart, if any. */
export async function findCart() {
  const { orders = [] } = await api.get('/orders');
  const open = orders.find((o) => o.status === 'cart');
  setCart(open ? await api.get(`/orders/${encodeURIComponent(open.id)}`) : null);
}

// Cart changes run one after another, so that each starts from the last answer.
let queue = Promise.resolve();
function serial(fn) {
  const run = queue.then(fn, fn);
  queue = run.catch(() => {});
  return run;
}

const gone = (e) => e instanceof api.ApiError && (e.code === 'invalid_state' || e.code === 'not_found');

/** Adds a line ({item_id, size, options, quantity, note}); opens a cart when there is none. */
export const addLine = (line) => serial(async () => {
  if (state.cart) {
    try {
      return setCart(await api.post(`/orders/${state.cart.id}/items`, line));
    } catch (e) {
      // The cart was checked out or cancelled elsewhere: start a new one.
      if (!gone(e)) throw e;
    }
  }
  return setCart(await api.post('/orders', { items: [line] }));
});

export const setQuantity = (lineId, quantity) => serial(async () =>
  setCart(await api.patch(`/orders/${state.cart.id}/items/${lineId}`, { quantity })));

export const removeLine = (lineId) => serial(async () =>
  setCart(await api.del(`/orders/${state.cart.id}/items/${lineId}`)));
