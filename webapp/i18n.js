// The interface texts (the server's catalog for the language, as JSON), the
// text direction, and money, dates and menu texts formatted for the language.

/** The interface languages; the server's catalogs exist for exactly these. */
export const LANGS = ['en', 'de', 'es', 'fr', 'it', 'pt', 'ru', 'uk', 'pl', 'tr', 'uz', 'ar'];

let messages = {};
let lang = 'en';
let locale = 'en';
let menuLangs = ['en'];

/** The language we speak for a Telegram `language_code` ("pt-br" → "pt"). */
export function langFor(code) {
  const primary = String(code || '').toLowerCase().split(/[-_]/)[0];
  return LANGS.includes(primary) ? primary : 'en';
}

/** Loads the catalog of `code` and applies its language and direction. */
export async function load(code) {
  const want = langFor(code);
  const res = await fetch(`/app/i18n/${want}.json`, { headers: { accept: 'application/json' } });
  if (!res.ok) throw new Error(`catalog ${want}: ${res.status}`);
  return use(await res.json(), want);
}

/** Applies a catalog ({lang, dir, messages}) already at hand. */
export function use(cat, want = cat?.lang) {
  messages = cat?.messages || {};
  lang = cat.lang || want;
  // Prices in Arabic are written with Western digits, as in the bot.
  locale = { ar: 'ar-u-nu-latn', pt: 'pt-BR', uz: 'uz-Latn' }[lang] || lang;
  const root = document.documentElement;
  root.lang = lang;
  root.dir = cat.dir === 'rtl' ? 'rtl' : 'ltr';
  return lang;
}

export const currentLang = () => lang;
export const isLoaded = () => Object.keys(messages).length > 0;

/** A message of the catalog. Missing ones show their id, which a test would catch. */
export function t(id) {
  return messages[id] ?? id;
}

/** The menu's languages (its first is the default every text falls back to). */
export function setMenuLanguages(list) {
  if (Array.isArray(list) && list.length) menuLangs = list;
}

/** A menu text ({en: "…", de: "…"}) in our language, else the menu's default. */
export function pick(texts) {
  if (!texts || typeof texts !== 'object') return texts ?? '';
  return texts[lang] ?? texts[menuLangs[0]] ?? Object.values(texts)[0] ?? '';
}

const digitsCache = {};
function minorDigits(currency) {
  if (currency === 'XTR') return 0;
  if (!(currency in digitsCache)) {
    try {
      digitsCache[currency] = new Intl.NumberFormat('en', { style: 'currency', currency }).resolvedOptions().maximumFractionDigits;
    } catch {
      digitsCache[currency] = 2;
    }
  }
  return digitsCache[currency];
}

// Formatters are made once per language and options: making one costs far
// more than using it, and the menu formats every price.
const formatters = new Map();
function formatter(Kind, opts) {
  const key = `${Kind.name} ${locale} ${JSON.stringify(opts)}`;
  let f = formatters.get(key);
  if (!f) formatters.set(key, (f = new Kind(locale, opts)));
  return f;
}

/** {amount (minor units), currency} as the language writes money; Stars as ⭐ n. */
export function money(m) {
  if (!m || typeof m.amount !== 'number') return '';
  const value = m.amount / 10 ** minorDigits(m.currency);
  if (m.currency === 'XTR') return `⭐\u00a0${number(value)}`;
  try {
    return formatter(Intl.NumberFormat, { style: 'currency', currency: m.currency }).format(value);
  } catch {
    return `${value.toFixed(minorDigits(m.currency))} ${m.currency}`;
  }
}

/** Adds amounts of one currency (minor units). */
export function sum(currency, ...amounts) {
  return { amount: amounts.reduce((a, b) => a + (b || 0), 0), currency };
}

export function dateTime(iso, opts = { dateStyle: 'medium', timeStyle: 'short' }) {
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? '' : formatter(Intl.DateTimeFormat, opts).format(d);
}

export const time = (iso) => dateTime(iso, { timeStyle: 'short' });

/** "30 min", in the language. */
export function minutes(n) {
  try {
    return formatter(Intl.NumberFormat, { style: 'unit', unit: 'minute', unitDisplay: 'short' }).format(n);
  } catch {
    return `${n} min`;
  }
}

export function number(n) {
  return formatter(Intl.NumberFormat, {}).format(n);
}

/** A language's own name ("Deutsch", "العربية"). */
export function nativeName(code) {
  try {
    const name = new Intl.DisplayNames([code], { type: 'language' }).of(code);
    return name.charAt(0).toLocaleUpperCase(code) + name.slice(1);
  } catch {
    return code;
  }
}
