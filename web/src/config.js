// Options come from three places, later ones winning:
//   1. what web/server.py puts in front of the bundle when it serves /widget.js
//      (the Rasa URL and the contacts from content/contacts.yml),
//   2. window.CPSBChatConfig = { ... } set by the page before the script tag,
//   3. data-* attributes on the <script> tag.
// Every option is documented in web/README.md.

export const DEFAULTS = {
  serverUrl: "http://localhost:5005",
  socketPath: "/socket.io/",
  startOpen: false,
  audience: "",
  title: "Dogs, babies and young children",
  launcherLabel: "Ask about dogs and children",
  greeting: "Hello. Ask me anything about keeping babies and young children safe around dogs.",
  primaryColor: "#1d4f91",
  urgentColor: "#fff4ce",
  position: "right",
  storage: "session",
  privacyUrl: "",
  contactsUrl: "",
  copyMinChars: 400,
  maxLength: 2000,
  zIndex: 2147483000,
  showUrgentWhenClosed: true,
  replyTimeoutSeconds: 90,
};

// data-* attribute name (after "data-") for each option.
const ATTRIBUTES = {
  serverUrl: "server-url",
  socketPath: "socket-path",
  startOpen: "start-open",
  audience: "audience",
  title: "title",
  launcherLabel: "launcher-label",
  greeting: "greeting",
  primaryColor: "primary-color",
  urgentColor: "urgent-color",
  position: "position",
  storage: "storage",
  privacyUrl: "privacy-url",
  contactsUrl: "contacts-url",
  copyMinChars: "copy-min-chars",
  maxLength: "max-length",
  zIndex: "z-index",
  showUrgentWhenClosed: "show-urgent-when-closed",
  replyTimeoutSeconds: "reply-timeout-seconds",
};

const AUDIENCES = new Set(["", "family", "professional"]);
const STORAGES = new Set(["session", "local", "none"]);
const POSITIONS = new Set(["right", "left"]);

function toBool(value, fallback) {
  if (typeof value === "boolean") return value;
  if (typeof value !== "string") return fallback;
  const v = value.trim().toLowerCase();
  if (["true", "yes", "1", "on", "open", ""].includes(v)) return true;
  if (["false", "no", "0", "off", "closed"].includes(v)) return false;
  return fallback;
}

function toInt(value, fallback, min, max) {
  const n = typeof value === "number" ? value : parseInt(String(value), 10);
  if (!Number.isFinite(n)) return fallback;
  return Math.min(max, Math.max(min, Math.round(n)));
}

function toColor(value, fallback) {
  if (typeof value !== "string") return fallback;
  const v = value.trim();
  // #rgb / #rrggbb only: these are also what the contrast calculation understands.
  return /^#(?:[0-9a-f]{3}|[0-9a-f]{6})$/i.test(v) ? v : fallback;
}

/** One of the allowed words, whatever its case and spaces ("Left" is left). */
function oneOf(value, allowed, fallback) {
  const v = String(value).trim().toLowerCase();
  return allowed.has(v) ? v : fallback;
}

function toText(value, fallback, maxLength = 200) {
  if (typeof value !== "string") return fallback;
  const v = value.trim();
  return v ? v.slice(0, maxLength) : fallback;
}

/** The <script> element that loaded the widget. */
export function findScript() {
  if (document.currentScript) return document.currentScript;
  return (
    document.querySelector("script[data-cpsb-chat]") ||
    Array.from(document.scripts).find((s) => /\/widget(?:\.min)?\.js(?:[?#]|$)/.test(s.src)) ||
    null
  );
}

export function readConfig(script, serverDefaults, pageConfig) {
  const raw = { ...DEFAULTS };
  const layers = [serverDefaults || {}, pageConfig || {}];
  if (script) {
    const fromAttributes = {};
    for (const [key, attr] of Object.entries(ATTRIBUTES)) {
      const value = script.getAttribute(`data-${attr}`);
      if (value !== null) fromAttributes[key] = value;
    }
    layers.push(fromAttributes);
  }
  for (const layer of layers) {
    for (const key of Object.keys(DEFAULTS)) {
      if (layer[key] !== undefined && layer[key] !== null) raw[key] = layer[key];
    }
  }
  // The widget's own origin: relative links (privacy page, contacts) are resolved against it,
  // not against the page that embeds the widget.
  let base = document.baseURI;
  if (script && script.src) {
    try {
      base = new URL(script.src, document.baseURI).href;
    } catch (e) {
      /* keep the page's */
    }
  }
  const contacts = {};
  for (const layer of layers) {
    if (layer.contacts && typeof layer.contacts === "object") Object.assign(contacts, layer.contacts);
  }

  const config = {
    serverUrl: toText(raw.serverUrl, DEFAULTS.serverUrl, 500).replace(/\/+$/, ""),
    socketPath: toText(raw.socketPath, DEFAULTS.socketPath, 100),
    startOpen: toBool(raw.startOpen, DEFAULTS.startOpen),
    audience: AUDIENCES.has(String(raw.audience).trim().toLowerCase())
      ? String(raw.audience).trim().toLowerCase()
      : "",
    title: toText(raw.title, DEFAULTS.title),
    launcherLabel: toText(raw.launcherLabel, DEFAULTS.launcherLabel),
    greeting: toText(raw.greeting, DEFAULTS.greeting, 600),
    primaryColor: toColor(raw.primaryColor, DEFAULTS.primaryColor),
    urgentColor: toColor(raw.urgentColor, DEFAULTS.urgentColor),
    position: oneOf(raw.position, POSITIONS, DEFAULTS.position),
    storage: oneOf(raw.storage, STORAGES, DEFAULTS.storage),
    privacyUrl: toText(raw.privacyUrl, "", 500),
    contactsUrl: toText(raw.contactsUrl, "", 500),
    copyMinChars: toInt(raw.copyMinChars, DEFAULTS.copyMinChars, 0, 100000),
    maxLength: toInt(raw.maxLength, DEFAULTS.maxLength, 1, 100000),
    zIndex: toInt(raw.zIndex, DEFAULTS.zIndex, 0, 2147483647),
    showUrgentWhenClosed: toBool(raw.showUrgentWhenClosed, DEFAULTS.showUrgentWhenClosed),
    replyTimeoutSeconds: toInt(raw.replyTimeoutSeconds, DEFAULTS.replyTimeoutSeconds, 5, 3600),
    contacts,
    base,
  };
  return config;
}

function channel(c) {
  const v = c / 255;
  return v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4;
}

function luminance(hex) {
  let h = hex.replace("#", "");
  if (h.length === 3) h = h.split("").map((c) => c + c).join("");
  const n = parseInt(h, 16);
  return 0.2126 * channel((n >> 16) & 255) + 0.7152 * channel((n >> 8) & 255) + 0.0722 * channel(n & 255);
}

export function contrast(a, b) {
  const [x, y] = [luminance(a), luminance(b)].sort((p, q) => q - p);
  return (x + 0.05) / (y + 0.05);
}

/** White or near-black, whichever reads better on `background`. */
export function textOn(background) {
  return contrast(background, "#ffffff") >= contrast(background, "#111111") ? "#ffffff" : "#111111";
}
