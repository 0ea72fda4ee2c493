// The test payment form: what Telegram's payment sheet is in the offline
// demo. It shows what the invoice charges; Pay asks the server to play
// Telegram (the pre-checkout query, then the payment if the bot accepted
// it), and the form ends with Telegram's status: paid, failed or cancelled.

import { request } from './dom.js';

/** Runs the dialog `dialog` (see console.html); returns `open`. */
export function paymentDialog(dialog) {
  const $ = (id) => dialog.querySelector(`[data-testid="${id}"]`);
  const title = $('payment-title');
  const text = $('payment-description');
  const amount = $('payment-amount');
  const result = $('payment-result');
  const payButton = $('payment-pay');
  const cancelButton = $('payment-cancel');
  let current = null;

  function finish(status) {
    const c = current;
    if (!c) return;
    current = null;
    dialog.close();
    c.resolve(status);
  }

  function failed(message) {
    current.status = 'failed';
    result.textContent = message || 'The payment failed.';
    result.hidden = false;
    payButton.hidden = true;
    cancelButton.textContent = 'Close';
  }

  payButton.addEventListener('click', async () => {
    const c = current;
    if (!c || c.busy) return;
    c.busy = true;
    payButton.setAttribute('aria-busy', 'true');
    payButton.disabled = true;
    cancelButton.disabled = true;
    try {
      const out = await c.pay();
      if (current !== c) return;
      if (out?.status === 'paid') finish('paid');
      else failed(out?.error_message);
    } catch (e) {
      if (current === c) failed(e.message);
    } finally {
      c.busy = false;
      payButton.removeAttribute('aria-busy');
      payButton.disabled = false;
      cancelButton.disabled = false;
      if (current === c && c.status === 'failed') cancelButton.focus();
    }
  });
  cancelButton.addEventListener('click', () => current && !current.busy && finish(current.status));
  dialog.addEventListener('cancel', (e) => {
    e.preventDefault();
    if (current && !current.busy) finish(current.status);
  });

  /**
   * Shows the form for an invoice. `load()` gives what it charges
   * ({title, description, amount}); `pay()` pays it. Resolves with the status.
   * A second invoice while one is open is cancelled, as Telegram shows one at a time.
   */
  return function open({ load, pay }) {
    if (current) return Promise.resolve('cancelled');
    return new Promise((resolve) => {
      current = { resolve, pay, status: 'cancelled', busy: false };
      const c = current;
      title.textContent = 'Loading the invoice…';
      text.textContent = '';
      amount.textContent = '';
      result.hidden = true;
      payButton.hidden = false;
      payButton.disabled = true;
      payButton.textContent = 'Pay';
      cancelButton.textContent = 'Cancel';
      dialog.showModal();
      Promise.resolve()
        .then(load)
        .then((invoice) => {
          if (current !== c) return;
          title.textContent = invoice.title;
          text.textContent = invoice.description;
          amount.textContent = invoice.amount;
          payButton.textContent = `Pay ${invoice.amount}`;
          payButton.disabled = false;
          payButton.focus();
        })
        .catch((e) => {
          if (current !== c) return;
          title.textContent = 'No such invoice';
          failed(e.status === 404 ? 'The bot made no such invoice.' : e.message);
          cancelButton.focus();
        });
    });
  };
}

/** Loads an invoice link's contents from the server. */
export const invoiceOfLink = (slug) => request('GET', `/demo/invoices/${encodeURIComponent(slug)}`);
