// A stand-in for Telegram's `window.Telegram.WebApp`, installed before any
// script of the page runs. It offers what the Mini App uses of the real one
// and records every call in `window.__tg.calls` ({method, args}) for the tests
// to look at. `__CONFIG__` is replaced by the harness with
// {initData, initDataUnsafe, colorScheme, themeParams, platform, version}.
(() => {
  "use strict";
  const config = __CONFIG__;
  const calls = [];
  const handlers = {};
  const errors = [];
  const plain = (v) => {
    try {
      return JSON.parse(JSON.stringify(v === undefined ? null : v));
    } catch (_) {
      return String(v);
    }
  };
  const record = (method, args) => {
    calls.push({ method, args: Array.from(args || [], plain) });
  };
  const emit = (name, data) => {
    for (const f of handlers[name] || []) {
      f.call(WebApp, data);
    }
  };

  function bottomButton(name, defaults) {
    const button = {
      type: name === "MainButton" ? "main" : "secondary",
      text: defaults.text,
      color: config.themeParams.button_color,
      textColor: config.themeParams.button_text_color,
      isVisible: false,
      isActive: true,
      isProgressVisible: false,
      hasShineEffect: false,
      position: "bottom",
      _handlers: [],
      setText(text) {
        record(`${name}.setText`, arguments);
        button.text = String(text);
        return button;
      },
      onClick(f) {
        record(`${name}.onClick`, []);
        button._handlers.push(f);
        return button;
      },
      offClick(f) {
        record(`${name}.offClick`, []);
        button._handlers = button._handlers.filter((h) => h !== f);
        return button;
      },
      show() {
        record(`${name}.show`, arguments);
        button.isVisible = true;
        return button;
      },
      hide() {
        record(`${name}.hide`, arguments);
        button.isVisible = false;
        return button;
      },
      enable() {
        record(`${name}.enable`, arguments);
        button.isActive = true;
        return button;
      },
      disable() {
        record(`${name}.disable`, arguments);
        button.isActive = false;
        return button;
      },
      showProgress(leaveActive) {
        record(`${name}.showProgress`, arguments);
        button.isProgressVisible = true;
        if (!leaveActive) button.isActive = false;
        return button;
      },
      hideProgress() {
        record(`${name}.hideProgress`, arguments);
        button.isProgressVisible = false;
        button.isActive = true;
        return button;
      },
      setParams(params) {
        record(`${name}.setParams`, arguments);
        const p = params || {};
        if ("text" in p) button.text = String(p.text);
        if ("color" in p) button.color = p.color;
        if ("text_color" in p) button.textColor = p.text_color;
        if ("is_visible" in p) button.isVisible = !!p.is_visible;
        if ("is_active" in p) button.isActive = !!p.is_active;
        if ("has_shine_effect" in p) button.hasShineEffect = !!p.has_shine_effect;
        if ("position" in p) button.position = p.position;
        return button;
      },
    };
    return button;
  }

  const MainButton = bottomButton("MainButton", { text: "Continue" });
  const SecondaryButton = bottomButton("SecondaryButton", { text: "Cancel" });

  const BackButton = {
    isVisible: false,
    _handlers: [],
    onClick(f) {
      record("BackButton.onClick", []);
      BackButton._handlers.push(f);
      return BackButton;
    },
    offClick(f) {
      record("BackButton.offClick", []);
      BackButton._handlers = BackButton._handlers.filter((h) => h !== f);
      return BackButton;
    },
    show() {
      record("BackButton.show", arguments);
      BackButton.isVisible = true;
      return BackButton;
    },
    hide() {
      record("BackButton.hide", arguments);
      BackButton.isVisible = false;
      return BackButton;
    },
  };

  const SettingsButton = {
    isVisible: false,
    onClick() { record("SettingsButton.onClick", []); return SettingsButton; },
    offClick() { record("SettingsButton.offClick", []); return SettingsButton; },
    show() { record("SettingsButton.show", []); SettingsButton.isVisible = true; return SettingsButton; },
    hide() { record("SettingsButton.hide", []); SettingsButton.isVisible = false; return SettingsButton; },
  };

  const HapticFeedback = {
    impactOccurred(style) {
      record("HapticFeedback.impactOccurred", arguments);
      return HapticFeedback;
    },
    notificationOccurred(type) {
      record("HapticFeedback.notificationOccurred", arguments);
      return HapticFeedback;
    },
    selectionChanged() {
      record("HapticFeedback.selectionChanged", arguments);
      return HapticFeedback;
    },
  };

  const inset = { top: 0, bottom: 0, left: 0, right: 0 };
  const versionAtLeast = (wanted) => {
    const a = String(config.version).split(".").map(Number);
    const b = String(wanted).split(".").map(Number);
    for (let i = 0; i < Math.max(a.length, b.length); i++) {
      const x = a[i] || 0;
      const y = b[i] || 0;
      if (x !== y) return x > y;
    }
    return true;
  };

  const WebApp = {
    initData: config.initData,
    initDataUnsafe: config.initDataUnsafe,
    version: config.version,
    platform: config.platform,
    colorScheme: config.colorScheme,
    themeParams: config.themeParams,
    isActive: true,
    isExpanded: false,
    isFullscreen: false,
    // The page's height as it is when asked: at the moment this script is
    // installed the phone's viewport may not be in effect yet.
    get viewportHeight() {
      return window.innerHeight;
    },
    get viewportStableHeight() {
      return window.innerHeight;
    },
    safeAreaInset: inset,
    contentSafeAreaInset: inset,
    headerColor: config.themeParams.header_bg_color,
    backgroundColor: config.themeParams.bg_color,
    bottomBarColor: config.themeParams.bottom_bar_bg_color,
    isClosingConfirmationEnabled: false,
    isVerticalSwipesEnabled: true,
    MainButton,
    SecondaryButton,
    BackButton,
    SettingsButton,
    HapticFeedback,
    isVersionAtLeast: versionAtLeast,
    ready() {
      record("ready", arguments);
    },
    expand() {
      record("expand", arguments);
      WebApp.isExpanded = true;
    },
    close() {
      record("close", arguments);
    },
    enableClosingConfirmation() {
      record("enableClosingConfirmation", arguments);
      WebApp.isClosingConfirmationEnabled = true;
    },
    disableClosingConfirmation() {
      record("disableClosingConfirmation", arguments);
      WebApp.isClosingConfirmationEnabled = false;
    },
    enableVerticalSwipes() {
      record("enableVerticalSwipes", arguments);
      WebApp.isVerticalSwipesEnabled = true;
    },
    disableVerticalSwipes() {
      record("disableVerticalSwipes", arguments);
      WebApp.isVerticalSwipesEnabled = false;
    },
    setHeaderColor(color) {
      record("setHeaderColor", arguments);
      WebApp.headerColor = color;
    },
    setBackgroundColor(color) {
      record("setBackgroundColor", arguments);
      WebApp.backgroundColor = color;
    },
    setBottomBarColor(color) {
      record("setBottomBarColor", arguments);
      WebApp.bottomBarColor = color;
    },
    onEvent(name, f) {
      record("onEvent", [name]);
      (handlers[name] = handlers[name] || []).push(f);
    },
    offEvent(name, f) {
      record("offEvent", [name]);
      handlers[name] = (handlers[name] || []).filter((h) => h !== f);
    },
    sendData(data) {
      record("sendData", arguments);
    },
    switchInlineQuery(query, types) {
      record("switchInlineQuery", arguments);
    },
    openLink(url, options) {
      record("openLink", arguments);
    },
    openTelegramLink(url) {
      record("openTelegramLink", arguments);
    },
    openInvoice(url, callback) {
      record("openInvoice", [url]);
      window.__tg.invoice = { url, callback };
    },
    showPopup(params, callback) {
      record("showPopup", [params]);
      window.__tg.popup = { params, callback };
    },
    showAlert(message, callback) {
      record("showAlert", [message]);
      if (callback) setTimeout(callback, 0);
    },
    showConfirm(message, callback) {
      record("showConfirm", [message]);
      window.__tg.popup = { params: { message }, callback };
    },
    readTextFromClipboard(callback) {
      record("readTextFromClipboard", []);
      if (callback) setTimeout(() => callback(""), 0);
    },
    requestWriteAccess(callback) {
      record("requestWriteAccess", []);
      if (callback) setTimeout(() => callback(true), 0);
    },
    requestContact(callback) {
      record("requestContact", []);
      if (callback) setTimeout(() => callback(false), 0);
    },
  };

  window.Telegram = { WebApp, WebView: { initParams: {}, isIframe: false } };

  // What the tests drive and read.
  window.__tg = {
    calls,
    errors,
    invoice: null,
    popup: null,
    called(method) {
      return calls.filter((c) => c.method === method);
    },
    emit,
    pressMainButton() {
      for (const f of MainButton._handlers.slice()) f();
    },
    pressSecondaryButton() {
      for (const f of SecondaryButton._handlers.slice()) f();
    },
    pressBackButton() {
      for (const f of BackButton._handlers.slice()) f();
    },
    // Closes the open invoice as Telegram would: `paid`, `cancelled`,
    // `failed` or `pending`.
    closeInvoice(status) {
      const invoice = window.__tg.invoice;
      if (!invoice) return false;
      window.__tg.invoice = null;
      if (invoice.callback) invoice.callback(status);
      emit("invoiceClosed", { url: invoice.url, status });
      return true;
    },
    // Answers the open popup or confirm with a button id (or true/false).
    answerPopup(answer) {
      const popup = window.__tg.popup;
      if (!popup) return false;
      window.__tg.popup = null;
      if (popup.callback) popup.callback(answer);
      emit("popupClosed", { button_id: answer });
      return true;
    },
  };

  // Runtime errors, unhandled rejections and Content-Security-Policy
  // violations of the page: a test can require there are none.
  window.addEventListener("error", (e) => {
    errors.push({ kind: "error", message: String(e.message), source: String(e.filename || "") });
  });
  window.addEventListener("unhandledrejection", (e) => {
    errors.push({ kind: "rejection", message: String(e.reason && (e.reason.stack || e.reason)) });
  });
  document.addEventListener("securitypolicyviolation", (e) => {
    errors.push({ kind: "csp", message: `${e.violatedDirective} blocked ${e.blockedURI}` });
  });

  // The CSS variables telegram-web-app.js sets on the root element.
  function applyTheme() {
    const style = document.documentElement.style;
    for (const [key, value] of Object.entries(config.themeParams)) {
      style.setProperty(`--tg-theme-${key.replace(/_/g, "-")}`, value);
    }
    style.setProperty("--tg-color-scheme", config.colorScheme);
    for (const side of ["top", "bottom", "left", "right"]) {
      style.setProperty(`--tg-safe-area-inset-${side}`, "0px");
      style.setProperty(`--tg-content-safe-area-inset-${side}`, "0px");
    }
    // The viewport's height once the page's viewport is the phone's.
    const viewport = () => {
      style.setProperty("--tg-viewport-height", `${window.innerHeight}px`);
      style.setProperty("--tg-viewport-stable-height", `${window.innerHeight}px`);
    };
    if (document.readyState === "loading") {
      document.addEventListener("DOMContentLoaded", viewport, { once: true });
    } else {
      viewport();
    }
  }
  if (document.documentElement) {
    applyTheme();
  } else {
    new MutationObserver((_, observer) => {
      if (document.documentElement) {
        observer.disconnect();
        applyTheme();
      }
    }).observe(document, { childList: true });
  }
})();
