// Telegram: the WebApp object of telegram-web-app.js, or, where there is none
// (a plain browser, the demo), a small stand-in that draws the main and back
// buttons in the page. Theme, viewport and safe areas become CSS variables.

import { h, icon } from './dom.js';

/** The official script outside a Telegram client reports platform "unknown". */
const official = window.Telegram?.WebApp;
export const isShim = !official || official.platform === 'unknown';
export const tg = isShim ? makeShim(official?.initData) : official;

function makeShim(initData) {
  const fromHash = new URLSearchParams(location.hash.slice(1)).get('tgWebAppData');
  const data = initData || fromHash || '';
  const dark = matchMedia('(prefers-color-scheme: dark)');
  const listeners = {};
  const button = (make) => {
    let el = null;
    let handlers = [];
    const b = {
      text: '', isVisible: false, isActive: true, isProgressVisible: false,
      setText(text) { b.text = text; draw(); return b; },
      show() { b.isVisible = true; draw(); return b; },
      hide() { b.isVisible = false; draw(); return b; },
      enable() { b.isActive = true; draw(); return b; },
      disable() { b.isActive = false; draw(); return b; },
      showProgress() { b.isProgressVisible = true; draw(); return b; },
      hideProgress() { b.isProgressVisible = false; draw(); return b; },
      onClick(fn) { handlers.push(fn); return b; },
      offClick(fn) { handlers = handlers.filter((x) => x !== fn); return b; },
    };
    function draw() {
      el ||= make(() => b.isActive && !b.isProgressVisible && handlers.forEach((fn) => fn()));
      el.hidden = !b.isVisible;
      el.disabled = !b.isActive;
      el.setAttribute('aria-busy', String(b.isProgressVisible));
      if (el.dataset.label !== undefined) el.querySelector('span').textContent = b.text;
      document.documentElement.classList.toggle(`shim-${el.dataset.kind}-on`, b.isVisible);
    }
    return b;
  };
  const closing = (e) => { e.preventDefault(); e.returnValue = ''; };
  const app = {
    initData: data,
    initDataUnsafe: unsafe(data),
    platform: 'browser',
    version: '8.0',
    colorScheme: dark.matches ? 'dark' : 'light',
    themeParams: {},
    isExpanded: true,
    ready() {},
    expand() {},
    isVersionAtLeast: () => true,
    onEvent(name, fn) { (listeners[name] ||= []).push(fn); },
    offEvent(name, fn) { listeners[name] = (listeners[name] || []).filter((x) => x !== fn); },
    MainButton: button((click) => document.body.appendChild(
      h('button', { class: 'shim-main', 'data-kind': 'main', 'data-label': '', 'data-testid': 'main-button', hidden: true, onclick: click }, h('span')))),
    BackButton: button((click) => document.body.appendChild(
      h('button', { class: 'shim-back', 'data-kind': 'back', 'data-testid': 'back-button', hidden: true, 'aria-label': backLabel, onclick: click }, icon('back')))),
    HapticFeedback: { impactOccurred() {}, notificationOccurred() {}, selectionChanged() {} },
    enableClosingConfirmation() { addEventListener('beforeunload', closing); },
    disableClosingConfirmation() { removeEventListener('beforeunload', closing); },
    openInvoice(url, callback) {
      // Inside a frame (the demo console), ask the page around us the way
      // Telegram's web client is asked; otherwise open the link.
      const slug = (String(url).match(/t\.me\/(?:\$|invoice\/)([\w=-]+)/) || [])[1] || url;
      if (window.parent !== window) {
        const answer = (e) => {
          let msg = e.data;
          try { if (typeof msg === 'string') msg = JSON.parse(msg); } catch { return; }
          if (msg?.eventType !== 'invoice_closed' || msg.eventData?.slug !== slug) return;
          removeEventListener('message', answer);
          callback?.(msg.eventData.status);
        };
        addEventListener('message', answer);
        window.parent.postMessage(JSON.stringify({ eventType: 'web_app_open_invoice', eventData: { slug, url } }), '*');
      } else {
        window.open(url, '_blank', 'noopener');
        callback?.('pending');
      }
    },
  };
  dark.addEventListener?.('change', () => {
    app.colorScheme = dark.matches ? 'dark' : 'light';
    (listeners.themeChanged || []).forEach((fn) => fn());
  });
  return app;
}

let backLabel = 'Back';
/** Names the stand-in's back button in the interface language. */
export function setBackLabel(text) {
  backLabel = text;
  document.querySelector('.shim-back')?.setAttribute('aria-label', text);
}

/** The fields of an initData string, `user` parsed: for display only. */
function unsafe(initData) {
  const out = {};
  for (const [k, v] of new URLSearchParams(initData)) {
    try { out[k] = k === 'user' ? JSON.parse(v) : v; } catch { /* shown as nothing */ }
  }
  return out;
}

/** The user as initData names them (display only; the server decides who it is). */
export const displayUser = () => unsafe(tg.initData).user || tg.initDataUnsafe?.user || {};

/**
 * The start parameter, read from the initData string the server validates
 * (never from the page's URL, which nobody signed).
 */
export const startParam = () => new URLSearchParams(tg.initData || '').get('start_param') || '';

/** Uses a demo initData in a plain browser (the stand-in only). */
export function setInitData(raw) {
  tg.initData = raw;
  tg.initDataUnsafe = unsafe(raw);
}

const root = document.documentElement;
const px = (v) => `${Number(v) || 0}px`;

/** Theme colours, scheme, viewport and safe areas as CSS variables. */
export function applyTheme() {
  root.dataset.scheme = tg.colorScheme === 'dark' ? 'dark' : 'light';
  for (const [k, v] of Object.entries(tg.themeParams || {})) {
    if (typeof v === 'string' && /^#[0-9a-f]{3,8}$/i.test(v)) root.style.setProperty(`--tg-theme-${k.replace(/_/g, '-')}`, v);
  }
}

function applyViewport() {
  if (typeof tg.viewportStableHeight === 'number' && tg.viewportStableHeight > 0) {
    root.style.setProperty('--tg-viewport-stable-height', px(tg.viewportStableHeight));
  }
  for (const [name, inset] of [['safe-area', tg.safeAreaInset], ['content-safe-area', tg.contentSafeAreaInset]]) {
    if (!inset) continue;
    for (const side of ['top', 'bottom', 'left', 'right']) {
      if (typeof inset[side] === 'number') root.style.setProperty(`--tg-${name}-inset-${side}`, px(inset[side]));
    }
  }
}

export function start() {
  try { tg.ready(); tg.expand(); } catch { /* an old client */ }
  applyTheme();
  applyViewport();
  const on = (name, fn) => { try { tg.onEvent?.(name, fn); } catch { /* not supported */ } };
  on('themeChanged', applyTheme);
  for (const name of ['viewportChanged', 'safeAreaChanged', 'contentSafeAreaChanged']) on(name, applyViewport);
}

// The main button: one handler at a time, set by the screen on top.
let mainHandler = null;
export function setMain(spec) {
  const b = tg.MainButton;
  if (!b) return;
  if (mainHandler) b.offClick(mainHandler);
  mainHandler = null;
  if (!spec) { b.hideProgress?.(); b.hide(); return; }
  b.setText(spec.text);
  if (spec.disabled) b.disable?.(); else b.enable?.();
  if (spec.progress) b.showProgress?.(false); else b.hideProgress?.();
  mainHandler = () => spec.onClick();
  b.onClick(mainHandler);
  b.show();
}

let backHandler = null;
export function setBack(onClick) {
  const b = tg.BackButton;
  if (!b) return;
  if (backHandler) b.offClick(backHandler);
  backHandler = onClick;
  if (onClick) { b.onClick(onClick); b.show(); } else b.hide();
}

const haptics = () => tg.HapticFeedback;
export const haptic = {
  impact: () => { try { haptics()?.impactOccurred('light'); } catch { /* none */ } },
  select: () => { try { haptics()?.selectionChanged(); } catch { /* none */ } },
  success: () => { try { haptics()?.notificationOccurred('success'); } catch { /* none */ } },
  error: () => { try { haptics()?.notificationOccurred('error'); } catch { /* none */ } },
};

let confirming = null;
export function closingConfirmation(on) {
  if (confirming === on) return;
  confirming = on;
  try { on ? tg.enableClosingConfirmation() : tg.disableClosingConfirmation(); } catch { /* old client */ }
}

/** Opens an invoice; resolves with Telegram's status: paid, cancelled, failed or pending. */
export function openInvoice(url) {
  return new Promise((resolve) => {
    try {
      tg.openInvoice(url, (status) => resolve(status));
    } catch {
      resolve('failed');
    }
  });
}
