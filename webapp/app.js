// The Mini App's entry point. It is served under a release-versioned folder
// (`/app/v/<release>/app.js`), so modules it imports by relative path are
// versioned with it.

const tg = window.Telegram && window.Telegram.WebApp;

async function start() {
  const root = document.getElementById("app");
  if (!tg) {
    root.textContent = "Open this app from Telegram.";
    return;
  }
  tg.ready();
  tg.expand();
  const lang = (tg.initDataUnsafe && tg.initDataUnsafe.user && tg.initDataUnsafe.user.language_code) || "en";
  const texts = await fetch(new URL(`i18n/${lang.split("-")[0]}.json`, import.meta.url))
    .then((r) => (r.ok ? r.json() : null))
    .catch(() => null);
  if (texts) {
    document.documentElement.lang = texts.lang;
    document.documentElement.dir = texts.dir;
  }
  const heading = document.createElement("h1");
  heading.textContent = "foodbot";
  root.replaceChildren(heading);
}

start();
