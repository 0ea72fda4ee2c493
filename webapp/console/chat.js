// One chat as the in-process Telegram holds it: read with long polls of
// /demo/chat/{chat}, drawn as a Telegram client would (bubbles, photos,
// invoices, inline keyboards), with a box to write into it. A button press
// becomes a callback_query update through the real pipeline, and the bot's
// answer to it (a toast or an alert) is shown over the chat.

import { h, request, sleep } from './dom.js';

/** How long one read waits for a change (the server caps it at 10 s). */
const WAIT_MS = 10000;
/** How long a press waits for the bot's answer. */
const ANSWER_MS = 5000;

/**
 * Runs the chat panel `root` (see console.html for its parts).
 * - chat: the chat id (a user's id, or a group's negative id)
 * - from: who writes and presses in a group (the chat's user otherwise)
 * - language(): the Telegram language messages are sent with
 * - onLink(button): a button that opens a link or the Mini App
 * - onPay(message): the Pay button of an invoice message
 */
export function chatPanel(root, { chat, from = null, language = () => null, onLink, onPay }) {
  const list = root.querySelector('.messages');
  const empty = root.querySelector('.empty');
  const status = root.querySelector('.chat-status');
  const notice = root.querySelector('.notice');
  const form = root.querySelector('.compose');
  const input = form.querySelector('input');
  const items = new Map();
  let first = true;

  async function say(text) {
    const body = { text };
    const lang = language();
    if (lang) body.language_code = lang;
    if (from) body.from = from;
    await request('POST', `/demo/chat/${chat}/messages`, body);
  }

  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    const text = input.value.trim();
    if (!text) return;
    form.setAttribute('aria-busy', 'true');
    try {
      await say(text);
      input.value = '';
    } catch (err) {
      show(err.message, true);
    } finally {
      form.removeAttribute('aria-busy');
      input.focus();
    }
  });
  for (const chip of root.querySelectorAll('[data-command]')) {
    chip.addEventListener('click', () => say(chip.dataset.command).catch((err) => show(err.message, true)));
  }

  let noticeTimer;
  function show(text, alert) {
    clearTimeout(noticeTimer);
    notice.textContent = text;
    notice.classList.toggle('alert', !!alert);
    notice.hidden = false;
    noticeTimer = setTimeout(() => { notice.hidden = true; }, alert ? 8000 : 3500);
  }
  notice.addEventListener('click', () => { notice.hidden = true; });

  async function press(message, button, el) {
    el.setAttribute('aria-busy', 'true');
    el.disabled = true;
    try {
      const body = { message_id: message.message_id, data: button.data };
      if (from) body.from = from;
      const out = await request('POST', `/demo/chat/${chat}/presses?answer_wait_ms=${ANSWER_MS}`, body);
      if (out?.answer?.text) show(out.answer.text, out.answer.show_alert);
    } catch (err) {
      show(err.message, true);
    } finally {
      el.removeAttribute('aria-busy');
      el.disabled = false;
    }
  }

  function clicked(message, button, el) {
    if (button.pay) onPay?.(message);
    else if (button.data != null) press(message, button, el);
    else if (button.url) onLink?.(button);
  }

  function keyboard(m) {
    const rows = (m.buttons || []).filter((r) => r.length);
    // Telegram draws an invoice's Pay button itself, first.
    if (m.invoice && m.from_bot) rows.unshift([{ text: `Pay ${m.invoice.amount}`, pay: true }]);
    if (!rows.length) return null;
    return h('div', { class: 'keyboard' }, rows.map((row) => h('div', { class: 'kb-row' }, row.map((b) => {
      const kind = b.pay ? 'pay' : b.data != null ? 'callback' : b.web_app ? 'app' : 'link';
      const el = h('button', {
        type: 'button', class: `kb kb-${kind}`, 'data-testid': 'chat-button', 'data-kind': kind, 'data-label': b.text,
        title: b.url || null, dir: 'auto', onclick: () => clicked(m, b, el),
      }, b.text);
      return el;
    }))));
  }

  function message(m) {
    const attrs = { 'data-testid': 'chat-message', 'data-message-id': m.message_id, 'data-from': m.from_bot ? 'bot' : 'user' };
    if (m.payment) {
      return h('li', { ...attrs, class: 'msg service', 'data-kind': 'payment' },
        h('span', { class: 'pill' }, `Test payment of ${m.payment.amount} made`));
    }
    return h('li', { ...attrs, class: `msg ${m.from_bot ? 'in' : 'out'}`, 'data-kind': m.invoice ? 'invoice' : 'text' },
      h('div', { class: 'bubble' },
        m.photo && photo(m.photo),
        m.text && h('div', { class: 'text', dir: 'auto', 'data-testid': 'chat-text' }, m.text),
        m.invoice && h('div', { class: 'invoice', 'data-testid': 'chat-invoice' },
          h('div', { class: 'invoice-kicker' }, 'Invoice'),
          h('div', { class: 'invoice-title', dir: 'auto' }, m.invoice.title),
          h('div', { class: 'invoice-text', dir: 'auto' }, m.invoice.description),
          h('div', { class: 'invoice-amount' }, m.invoice.amount)),
        m.edited && h('span', { class: 'meta' }, 'edited')),
      keyboard(m));
  }

  function render(messages) {
    const stick = first || list.scrollHeight - list.scrollTop - list.clientHeight < 80;
    const seen = new Set();
    let before = list.firstChild;
    for (const m of messages) {
      const key = JSON.stringify(m);
      let item = items.get(m.message_id);
      if (!item || item.key !== key) {
        const el = message(m);
        if (item) {
          if (before === item.el) before = el;
          item.el.replaceWith(el);
        }
        item = { key, el };
        items.set(m.message_id, item);
      }
      if (item.el !== before) list.insertBefore(item.el, before);
      before = item.el.nextSibling;
      seen.add(m.message_id);
    }
    for (const [id, item] of items) {
      if (!seen.has(id)) { item.el.remove(); items.delete(id); }
    }
    empty.hidden = messages.length > 0;
    if (stick) list.scrollTop = list.scrollHeight;
    first = false;
  }

  (async function follow() {
    let version = null;
    for (;;) {
      try {
        const wait = version == null ? '' : `?version=${version}&wait_ms=${WAIT_MS}`;
        const t = await request('GET', `/demo/chat/${chat}${wait}`);
        version = t.version;
        render(t.messages);
        status.textContent = 'live';
        status.dataset.state = 'live';
      } catch {
        status.textContent = 'reconnecting…';
        status.dataset.state = 'down';
        await sleep(2000);
      }
    }
  })();

  return { say };
}

/** A photo the bot sent: shown when this server has it, else a placeholder. */
function photo(src) {
  let path = null;
  try {
    const u = new URL(src, location.href);
    if (u.pathname.startsWith('/menu/photos/')) path = u.pathname;
  } catch { /* a file id */ }
  return path
    ? h('img', { class: 'photo', src: path, alt: '', loading: 'lazy', 'data-testid': 'chat-photo' })
    : h('div', { class: 'photo photo-none', 'data-testid': 'chat-photo' }, 'photo');
}
