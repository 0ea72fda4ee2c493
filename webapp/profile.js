// The profile: language, which order updates the bot sends, saved addresses.

import { h, fill, icon, toast } from './dom.js';
import { t, LANGS, nativeName, currentLang } from './i18n.js';
import * as api from './api.js';
import { state, setMe } from './api.js';
import { haptic, displayUser } from './tg.js';
import { addressForm, addressText, field } from './checkout.js';

export function mount(_params, ctx) {
  const error = h('p', { class: 'notice notice-error', role: 'alert', 'data-testid': 'profile-error', hidden: true });
  const addresses = h('div');
  let adding = false;

  async function act(fn) {
    error.hidden = true;
    try {
      setMe(await fn());
      haptic.success();
      return true;
    } catch (e) {
      haptic.error();
      if (e?.auth) { ctx.fail(e); return false; }
      error.textContent = ctx.errorText(e);
      error.hidden = false;
      return false;
    }
  }

  const me = state.me || {};
  const user = displayUser();
  const name = [me.first_name || user.first_name, me.last_name || user.last_name].filter(Boolean).join(' ');
  const language = h('select', { id: 'profile-language', class: 'input', 'data-testid': 'profile-language',
    onchange: async () => {
      const code = language.value;
      language.disabled = true;
      if (await act(() => api.put('/me/language', { language: code }))) await ctx.relocalize(code);
      else { language.value = currentLang(); language.disabled = false; }
    } },
  LANGS.map((code) => h('option', { value: code, lang: code, selected: code === currentLang() }, nativeName(code))));

  const notify = (value, label) => h('label', { class: 'choice' },
    h('input', { type: 'radio', name: 'notify', value, checked: me.notifications === value, 'data-testid': `notifications-${value}`,
      onchange: () => act(() => api.put('/me/notifications', { preference: value })) }),
    h('span', { class: 'choice-name' }, label));

  const el = h('section', { class: 'screen screen-profile', 'data-testid': 'screen-profile' },
    h('header', { class: 'topbar' }, h('h1', { class: 'title', tabindex: '-1', 'data-focus': '' }, t('app-profile'))),
    h('div', { class: 'box who' },
      h('span', { class: 'avatar', 'aria-hidden': 'true' }, (name || '?').charAt(0).toLocaleUpperCase()),
      h('p', { class: 'who-name', 'data-testid': 'profile-name' }, name)),
    error,
    h('div', { class: 'box' },
      h('label', { class: 'box-title', for: 'profile-language' }, t('app-language')), language),
    h('fieldset', { class: 'box' },
      h('legend', { class: 'box-title' }, t('app-notifications')),
      notify('all', t('app-notifications-all')),
      notify('essential', t('app-notifications-essential')),
      notify('none', t('app-notifications-none'))),
    h('div', { class: 'box' }, h('h2', { class: 'box-title' }, t('app-saved-addresses')), addresses));

  function draw() {
    const list = state.me?.addresses || [];
    const form = addressForm('new-address');
    const label = field(t('app-address-label'), { required: true, maxlength: '40', placeholder: t('app-address-label-placeholder'), 'data-testid': 'new-address-label' });
    const save = async () => {
      const l = label.input.value.trim();
      if (!l) { label.invalid(); label.input.focus(); return; }
      const address = form.read();
      if (!address) return;
      if (await act(() => api.post('/me/addresses', { label: l, address }))) { adding = false; toast(t('app-saved')); draw(); }
    };
    fill(addresses,
      list.length > 0 && h('ul', { class: 'addresses' }, list.map((a) => h('li', { class: 'address', 'data-testid': `profile-address-${a.address_id}` },
        icon('pin'),
        h('div', { class: 'address-text' }, h('b', {}, a.label), h('br'), addressText(a.address)),
        h('button', { type: 'button', class: 'icon-btn icon-btn-danger', 'aria-label': `${t('app-remove')}: ${a.label}`, 'data-testid': `profile-address-remove-${a.address_id}`,
          onclick: async () => { if (await act(() => api.del(`/me/addresses/${a.address_id}`))) draw(); } }, icon('trash'))))),
      adding
        ? h('form', { class: 'fields', onsubmit: (e) => { e.preventDefault(); save(); } }, label.wrap, form.el,
          h('div', { class: 'row' },
            h('button', { type: 'button', class: 'btn btn-ghost', onclick: () => { adding = false; draw(); } }, t('app-back')),
            h('button', { type: 'submit', class: 'btn btn-primary', 'data-testid': 'profile-address-save' }, t('app-save'))))
        : h('button', { type: 'button', class: 'btn btn-ghost btn-block', 'data-testid': 'profile-address-add', onclick: () => { adding = true; draw(); } }, icon('plus'), t('app-address-add')));
    if (adding) addresses.querySelector('input')?.focus();
  }
  draw();
  return { el };
}
