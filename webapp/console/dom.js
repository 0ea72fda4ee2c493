// Building elements without a framework: h(tag, attributes, ...children).
// Attributes starting with "on" become listeners; true/false set or drop a
// boolean attribute; null and undefined attributes and children are skipped.

export function h(tag, attrs, ...children) {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v == null || v === false) continue;
    if (k.startsWith('on')) el.addEventListener(k.slice(2), v);
    else if (k === 'value') el.value = v;
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

export const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** A JSON request to this server; throws with the server's message on a non-2xx answer. */
export async function request(method, path, body) {
  const res = await fetch(path, {
    method,
    cache: 'no-store',
    headers: body === undefined ? {} : { 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  let data = null;
  try { data = text ? JSON.parse(text) : null; } catch { data = { error: { message: text } }; }
  if (!res.ok) {
    const e = new Error(data?.error?.message || `${res.status} ${res.statusText}`);
    e.status = res.status;
    e.code = data?.error?.code;
    throw e;
  }
  return data;
}
