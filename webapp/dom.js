// DOM building, icons, toasts and the confirm dialog. No framework: `h()` makes
// an element from a tag, attributes and children, and that is all we need.

/**
 * h('button', {class: 'x', onclick: fn, 'aria-label': '…', disabled: true}, 'text', child…)
 * Attributes starting with "on" become listeners; `true`/`false` set or drop
 * boolean attributes; null/undefined attributes and children are skipped.
 */
export function h(tag, attrs, ...children) {
  const el = tag.includes(':') ? document.createElementNS('http://www.w3.org/2000/svg', tag.slice(4)) : document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v == null || v === false) continue;
    if (k.startsWith('on')) el.addEventListener(k.slice(2), v);
    else if (k === 'value' || k === 'checked') el[k] = v;
    else el.setAttribute(k, v === true ? '' : v);
  }
  append(el, children);
  return el;
}

function append(el, children) {
  for (const c of children) {
    if (c == null || c === false) continue;
    if (Array.isArray(c)) append(el, c);
    else el.append(c instanceof Node ? c : String(c));
  }
}

/** Replaces an element's children. */
export function fill(el, ...children) {
  el.replaceChildren();
  append(el, children);
  return el;
}

// 24×24 stroke icons, drawn as one path each.
const PATHS = {
  back: 'M15 5l-7 7 7 7',
  plus: 'M12 5v14M5 12h14',
  minus: 'M5 12h14',
  trash: 'M4 7h16M9 7V4h6v3M6 7l1 13h10l1-13',
  search: 'M11 4a7 7 0 1 0 0 14 7 7 0 0 0 0-14zM20 20l-4-4',
  user: 'M12 12a4 4 0 1 0 0-8 4 4 0 0 0 0 8zM4 21c1-4 4-6 8-6s7 2 8 6',
  clock: 'M12 3a9 9 0 1 0 0 18 9 9 0 0 0 0-18zM12 7v5l3 2',
  close: 'M6 6l12 12M18 6L6 18',
  check: 'M5 12l5 5 9-10',
  bag: 'M5 8h14l-1 12H6L5 8zM9 8V6a3 3 0 0 1 6 0v2',
  pin: 'M12 21s7-6 7-12a7 7 0 0 0-14 0c0 6 7 12 7 12zM12 7a2 2 0 1 0 0 4 2 2 0 0 0 0-4z',
  alert: 'M12 3l10 18H2L12 3zM12 10v5M12 18v.5',
  repeat: 'M4 12a8 8 0 0 1 14-5l2 2M20 4v5h-5M20 12a8 8 0 0 1-14 5l-2-2M4 20v-5h5',
};

/** An inline SVG icon; decorative unless a label is given. */
export function icon(name, label) {
  return h('svg:svg', { viewBox: '0 0 24 24', class: `icon icon-${name}`, 'aria-hidden': label ? null : 'true', role: label ? 'img' : null, 'aria-label': label },
    h('svg:path', { d: PATHS[name], fill: 'none', stroke: 'currentColor', 'stroke-width': '2', 'stroke-linecap': 'round', 'stroke-linejoin': 'round' }));
}

let toastTimer;
/** A short message read out by screen readers; `kind` is 'error' or 'ok'. */
export function toast(text, kind = 'ok') {
  const el = document.getElementById('toast');
  el.textContent = text;
  el.className = `toast toast-${kind} show`;
  clearTimeout(toastTimer);
  toastTimer = setTimeout(() => el.classList.remove('show'), kind === 'error' ? 5000 : 2200);
}

/** A modal yes/no question in the page; resolves true for yes. */
export function confirmDialog(question, yes, no) {
  return new Promise((resolve) => {
    const before = document.activeElement;
    const done = (v) => { layer.remove(); before?.focus?.(); resolve(v); };
    const yesBtn = h('button', { class: 'btn btn-danger', 'data-testid': 'confirm-yes', onclick: () => done(true) }, yes);
    const layer = h('div', { class: 'backdrop', onclick: (e) => e.target === layer && done(false),
      onkeydown: (e) => e.key === 'Escape' && done(false) },
      h('div', { class: 'dialog', role: 'alertdialog', 'aria-modal': 'true', 'aria-labelledby': 'confirm-q', 'data-testid': 'confirm-dialog' },
        h('p', { id: 'confirm-q', class: 'dialog-q' }, question),
        h('div', { class: 'dialog-actions' },
          h('button', { class: 'btn btn-ghost', 'data-testid': 'confirm-no', onclick: () => done(false) }, no),
          yesBtn)));
    document.body.append(layer);
    yesBtn.focus();
  });
}

/** A stepper: − n + with labelled buttons; `el.set(value, busy)` updates it in place. */
export function stepper(value, { min = 1, max = 50, onChange, label, dec, inc, testid, busy }) {
  let current = value;
  const minus = h('button', { class: 'step', type: 'button', 'aria-label': dec, 'data-testid': `${testid}-dec`, onclick: () => onChange(current - 1) }, icon('minus'));
  const plus = h('button', { class: 'step', type: 'button', 'aria-label': inc, 'data-testid': `${testid}-inc`, onclick: () => onChange(current + 1) }, icon('plus'));
  const out = h('output', { class: 'step-n', 'aria-live': 'polite', 'data-testid': `${testid}-value` });
  const el = h('div', { class: 'stepper', role: 'group', 'aria-label': label, 'data-testid': testid }, minus, out, plus);
  el.set = (v, off) => {
    current = v;
    out.textContent = v;
    minus.disabled = off || v <= min;
    plus.disabled = off || v >= max;
  };
  el.set(value, busy);
  return el;
}
