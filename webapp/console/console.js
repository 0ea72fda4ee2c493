// The offline demo console: the Mini App in a phone frame beside the bot's
// chat with the customer and the staff group's chat, as the in-process
// Telegram (the fake Bot API) holds them.
//
// The frame is /app/ logged in with a demo initData the server signs, passed
// in the URL's hash as Telegram does (tgWebAppData); opening the app "at"
// something (a t.me/<bot>/<app>?startapp=… link) signs that start parameter
// into a fresh initData. The app asks for payments the way Telegram's web
// client is asked (postMessage web_app_open_invoice); the test payment form
// answers with invoice_closed.

import { h, request } from './dom.js';
import { chatPanel } from './chat.js';
import { paymentDialog, invoiceOfLink } from './pay.js';

const $ = (selector) => document.querySelector(selector);
const LANGUAGE_KEY = 'foodbot-console-language';

async function main() {
  const setup = await request('GET', '/demo/setup');
  const select = $('#language');
  const codes = [...select.options].map((o) => o.value);
  const guess = (navigator.language || 'en').slice(0, 2).toLowerCase();
  let language = localStorage.getItem(LANGUAGE_KEY) || (codes.includes(guess) ? guess : 'en');
  select.value = language;

  for (const el of document.querySelectorAll('[data-name=bot]')) el.textContent = `@${setup.bot_username}`;
  for (const el of document.querySelectorAll('[data-name=bot-initial]')) el.textContent = setup.bot_username.slice(0, 1).toUpperCase();
  for (const el of document.querySelectorAll('[data-name=customer]')) el.textContent = setup.customer_name;
  for (const el of document.querySelectorAll('[data-name=staff]')) el.textContent = `User ${setup.staff_user}`;

  const screen = $('#screen');
  const where = $('#frame-where');
  let frame = null;
  let opened = null;

  /** Opens the Mini App in the frame, at `start` (a start parameter) or at its start screen. */
  async function openApp(start) {
    const q = new URLSearchParams({ user_id: setup.customer, first_name: setup.customer_name, language_code: language });
    if (start) q.set('start_param', start);
    where.textContent = 'opening…';
    try {
      const { init_data: initData } = await request('GET', `/api/v1/demo/init-data?${q}`);
      frame = h('iframe', {
        class: 'app-frame', title: 'Mini App', 'data-testid': 'app-frame', 'data-start-param': start || '',
        src: `/app/#tgWebAppData=${encodeURIComponent(initData)}`,
      });
      screen.replaceChildren(frame);
      opened = start || null;
      where.textContent = start ? `opened at ${start}` : 'at its start screen';
      screen.classList.remove('flash');
      void screen.offsetWidth;
      screen.classList.add('flash');
    } catch (e) {
      where.textContent = `could not open: ${e.message}`;
    }
  }

  const pay = paymentDialog($('#payment'));
  const payments = `/demo/chat/${setup.customer}/payments`;

  /** Where a button or the app's link leads: the app, the bot, or the web. */
  function follow(url, webApp) {
    let u;
    try { u = new URL(url, location.href); } catch { return; }
    if (u.hostname === 't.me' || u.hostname === 'telegram.me') {
      const [name, app] = u.pathname.slice(1).split('/');
      if (name?.toLowerCase() === setup.bot_username.toLowerCase()) {
        if (app) return openApp(u.searchParams.get('startapp'));
        const start = u.searchParams.get('start');
        return bot.say(start ? `/start ${start}` : '/start');
      }
    }
    if (webApp || (u.origin === location.origin && u.pathname.startsWith('/app/'))) return openApp(null);
    window.open(u.href, '_blank', 'noopener');
  }

  const bot = chatPanel($('#chat-bot'), {
    chat: setup.customer,
    language: () => language,
    onLink: (b) => follow(b.url, b.web_app),
    onPay: (m) => pay({
      load: async () => m.invoice,
      pay: () => request('POST', payments, { message_id: m.message_id }),
    }),
  });
  chatPanel($('#chat-staff'), {
    chat: setup.staff_chat,
    from: setup.staff_user,
    onLink: (b) => follow(b.url, b.web_app),
  });

  // What the app in the frame asks of Telegram.
  addEventListener('message', async (e) => {
    const source = frame;
    if (!source || e.source !== source.contentWindow || e.origin !== location.origin) return;
    let msg = e.data;
    try { if (typeof msg === 'string') msg = JSON.parse(msg); } catch { return; }
    const data = msg?.eventData || {};
    if (msg?.eventType === 'web_app_open_invoice') {
      const slug = String(data.slug || '');
      const status = await pay({ load: () => invoiceOfLink(slug), pay: () => request('POST', payments, { slug }) });
      source.contentWindow?.postMessage(JSON.stringify({ eventType: 'invoice_closed', eventData: { slug, status } }), location.origin);
    } else if (msg?.eventType === 'web_app_open_tg_link' && typeof data.path_full === 'string') {
      follow(`https://t.me${data.path_full}`);
    } else if (msg?.eventType === 'web_app_open_link' && typeof data.url === 'string') {
      follow(data.url);
    }
  });

  $('#reset').addEventListener('click', () => openApp(null));
  select.addEventListener('change', () => {
    language = select.value;
    localStorage.setItem(LANGUAGE_KEY, language);
    openApp(opened);
  });
  await openApp(null);
}

main().catch((e) => {
  const box = $('#failure');
  box.textContent = `The console could not start: ${e.message}. It needs a server in offline demo mode (no BOT_TOKEN).`;
  box.hidden = false;
});
