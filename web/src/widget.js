// The Cambridgeshire & Peterborough Safeguarding Partnership Board's chat widget.
// One <script> tag adds it to a page; see web/README.md for the snippet and every option.
import css from "./styles.css";
import { contrast, findScript, readConfig, textOn } from "./config.js";
import { Store } from "./store.js";
import { Chat } from "./chat.js";
import { decorateLink, plainText, renderMarkdown, safeUrl } from "./render.js";

/* global CPSB_SERVER_DEFAULTS */
// web/server.py wraps the bundle in a function that defines CPSB_SERVER_DEFAULTS (the Rasa URL and
// the contacts from content/contacts.yml); the bare bundle reads them from the page or contactsUrl.
const SERVER_DEFAULTS = typeof CPSB_SERVER_DEFAULTS !== "undefined" ? CPSB_SERVER_DEFAULTS : null;

const ICON =
  '<svg viewBox="0 0 24 24" aria-hidden="true" focusable="false"><path fill="currentColor" d="M4 3h16a2 2 0 0 1 2 2v11a2 2 0 0 1-2 2H9l-5 4v-4H4a2 2 0 0 1-2-2V5a2 2 0 0 1 2-2zm0 2v11h2v2l2.5-2H20V5H4zm3 3h10v2H7V8zm0 4h7v2H7v-2z"/></svg>';

// The panel takes the whole screen at this size: keep in step with the @media rule in styles.css.
const FULL_SCREEN = "(max-width: 30em), (max-height: 34em)";
const FOCUSABLE = 'a[href], button:not([disabled]), textarea:not([disabled]), input:not([disabled]), select:not([disabled]), [tabindex]:not([tabindex="-1"])';

function el(tag, attrs = {}, children = []) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs)) {
    if (value === null || value === undefined || value === false) continue;
    if (name === "text") node.textContent = value;
    else if (name === "className") node.className = value;
    else node.setAttribute(name, value === true ? "" : String(value));
  }
  for (const child of [].concat(children)) {
    if (child) node.appendChild(typeof child === "string" ? document.createTextNode(child) : child);
  }
  return node;
}

function telHref(number) {
  const digits = String(number).split(",")[0].replace(/[^0-9+]/g, "");
  return digits ? `tel:${digits}` : null;
}

/** Text with the given phone numbers turned into tel: links (built as DOM nodes, never HTML). */
function withPhoneLinks(text, numbers) {
  const fragment = document.createDocumentFragment();
  const wanted = numbers.filter(Boolean).map(String).sort((a, b) => b.length - a.length);
  if (!wanted.length) {
    fragment.appendChild(document.createTextNode(text));
    return fragment;
  }
  const escaped = wanted.map((n) => n.replace(/[.*+?^${}()|[\]\\]/g, "\\$&"));
  const pattern = new RegExp(`(^|[^0-9])(${escaped.join("|")})(?![0-9])`, "g");
  let last = 0;
  let match;
  while ((match = pattern.exec(text))) {
    const start = match.index + match[1].length;
    fragment.appendChild(document.createTextNode(text.slice(last, start)));
    const href = telHref(match[2]);
    fragment.appendChild(href ? el("a", { href, text: match[2] }) : document.createTextNode(match[2]));
    last = start + match[2].length;
  }
  fragment.appendChild(document.createTextNode(text.slice(last)));
  return fragment;
}

async function copyText(text, root) {
  try {
    if (navigator.clipboard && window.isSecureContext) {
      await navigator.clipboard.writeText(text);
      return true;
    }
  } catch (e) {
    /* fall through to the old way */
  }
  const area = el("textarea", { "aria-hidden": "true", tabindex: "-1", readonly: true });
  area.value = text;
  area.style.position = "fixed";
  area.style.opacity = "0";
  area.style.pointerEvents = "none";
  root.appendChild(area);
  const active = root.activeElement;
  area.select();
  let ok = false;
  try {
    ok = document.execCommand("copy");
  } catch (e) {
    ok = false;
  }
  area.remove();
  if (active && active.focus) active.focus();
  return ok;
}

class Widget {
  constructor(config) {
    this.config = config;
    this.store = new Store(config.storage, `cpsb-chat:v1:${config.serverUrl}`);
    this.chat = new Chat(config, this.store, {
      onChange: () => this.render(),
      onStatus: (status) => this.renderStatus(status),
      onNote: (text) => this.chat.addNote(text),
      onAnnounce: (text) => this.announce(text),
    });
    this.nodes = new Map(); // message id -> element in the log
    this.contacts = { ...config.contacts };
    this.madeInert = []; // the page's elements this widget made inert (and only those)
    this.pageWatcher = null; // while the page is inert: makes what the page adds inert too
  }

  mount() {
    const host = document.createElement("cpsb-chat");
    host.setAttribute("data-cpsb-chat-host", "");
    // Inline !important beats anything the page's CSS says about our element.
    host.style.setProperty("all", "initial", "important");
    host.style.setProperty("display", "contents", "important");
    // An English widget on any page: `all` does not reset direction, so a right-to-left page
    // would mirror it and move its punctuation.
    host.setAttribute("dir", "ltr");
    host.style.setProperty("direction", "ltr", "important");
    host.style.setProperty("unicode-bidi", "isolate", "important");
    const root = host.attachShadow({ mode: "open" });
    this.host = host;
    this.root = root;

    if (root.adoptedStyleSheets !== undefined && typeof CSSStyleSheet === "function" && "replaceSync" in CSSStyleSheet.prototype) {
      const sheet = new CSSStyleSheet(); // not an inline style: needs no 'unsafe-inline' in CSP
      sheet.replaceSync(css);
      root.adoptedStyleSheets = [sheet];
    } else {
      root.appendChild(el("style", { text: css }));
    }

    const c = this.config;
    // A landmark of its own, so everything the widget shows is inside a named region.
    const wrap = el("aside", { className: "cpsb", "aria-label": `Chat: ${c.title}`, "data-position": c.position, "data-open": "false", lang: "en-GB", dir: "ltr" });
    wrap.style.setProperty("--p", c.primaryColor);
    wrap.style.setProperty("--on-p", textOn(c.primaryColor));
    // Edges of what is filled with the primary colour on white (Send, the person's messages): a
    // pale primary colour would leave them with no visible edge, so they get the text colour.
    wrap.style.setProperty("--p-edge", contrast(c.primaryColor, "#ffffff") >= 3 ? c.primaryColor : textOn(c.primaryColor));
    wrap.style.setProperty("--u", c.urgentColor);
    wrap.style.setProperty("--on-u", textOn(c.urgentColor));
    wrap.style.setProperty("--z", String(c.zIndex));
    this.wrap = wrap;

    // Closed state: the urgent line and the launcher.
    this.urgentPill = el("p", { className: "urgent-pill", hidden: !c.showUrgentWhenClosed });
    this.launcher = el("button", { type: "button", className: "launcher", "aria-expanded": "false", "aria-controls": "cpsb-panel" });
    this.launcher.innerHTML = ICON; // a constant: no outside text ever goes through innerHTML
    // A long label is cut to two lines on screen; the button's name (and its tooltip) is all of it.
    this.launcher.title = c.launcherLabel;
    this.launcher.appendChild(el("span", { className: "label", text: c.launcherLabel }));
    const dock = el("div", { className: "dock" }, [this.urgentPill, this.launcher]);

    // Open state: the panel.
    // On a narrow phone only its arrow shows, leaving the title room for two lines; its name stays.
    this.restartButton = el("button", { type: "button", className: "restart", "aria-label": "Start again", title: "Start again" }, [
      el("span", { className: "icon", "aria-hidden": "true", text: "↺" }),
      el("span", { className: "words", text: "Start again" }),
    ]);
    this.closeButton = el("button", { type: "button", className: "close", "aria-label": "Close chat", title: "Close chat" }, [
      el("span", { "aria-hidden": "true", text: "×" }),
    ]);
    const header = el("div", { className: "header" }, [
      // One line, cut with an ellipsis when long; screen readers (and the tooltip) get all of it.
      el("h2", { id: "cpsb-title", title: c.title, text: c.title }),
      this.restartButton,
      this.closeButton,
    ]);
    this.urgent = el("p", { className: "urgent", id: "cpsb-urgent" });
    this.status = el("div", { className: "status", role: "status" });

    const greeting = c.audience === "professional"
      ? `${c.greeting} Long answers have a Copy button, for pasting into your records.`
      : c.greeting;
    this.privacy = el("p", { className: "privacy", id: "cpsb-privacy" });
    const intro = el("div", { className: "intro" }, [el("p", { text: greeting }), this.privacy]);
    this.log = el("div", { className: "log", role: "log", "aria-live": "polite", "aria-label": "Conversation" });
    this.typing = el("div", { className: "typing", hidden: true }, [
      el("span", { className: "dots", "aria-hidden": "true" }, [el("span"), el("span"), el("span")]),
      el("span", { text: "The assistant is replying…" }),
    ]);
    // Focusable, so a long answer can be scrolled with the keyboard in every browser.
    this.scroller = el("div", { className: "scroller", tabindex: "0", role: "region", "aria-label": "Messages" }, [intro, this.log, this.typing]);

    this.input = el("textarea", {
      id: "cpsb-input",
      rows: "1",
      maxlength: String(c.maxLength),
      placeholder: "Type your question",
      autocomplete: "off",
      enterkeyhint: "send",
      "aria-describedby": "cpsb-privacy",
    });
    this.sendButton = el("button", { type: "submit", className: "send", text: "Send" });
    this.form = el("form", { className: "composer", novalidate: true }, [
      el("label", { for: "cpsb-input", className: "sr-only", text: "Your question" }),
      this.input,
      this.sendButton,
    ]);
    this.announcer = el("div", { className: "sr-only announcer", role: "status", "aria-live": "polite" });

    this.panel = el("div", { className: "panel", id: "cpsb-panel", role: "dialog", "aria-labelledby": "cpsb-title", hidden: true }, [
      header,
      this.urgent,
      this.status,
      this.scroller,
      this.form,
      this.announcer,
    ]);

    wrap.append(this.panel, dock);
    root.appendChild(wrap);
    // On <html>, not <body>: a page whose body has a transform (or filter, or contain) would make
    // the position: fixed launcher and panel scroll away with the body.
    document.documentElement.appendChild(host);

    this.renderContacts();
    this.bindEvents();
    this.render();

    const stored = this.store.state.open;
    if (stored === true || (stored === null && c.startOpen)) this.open({ focus: false });
    if (this.chat.messages.some((m) => m.role === "user" && m.status === "queued")) this.chat.connect();
    if (!Object.keys(this.contacts).length) this.fetchContacts();
  }

  async fetchContacts() {
    const url = safeUrl(this.config.contactsUrl || "contacts.json", this.config.base);
    if (!url) return;
    try {
      const response = await fetch(url, { credentials: "omit" });
      if (!response.ok) return;
      const data = await response.json();
      if (data && typeof data === "object") {
        this.contacts = { ...data, ...this.contacts };
        this.renderContacts();
      }
    } catch (e) {
      /* the urgent line keeps its wording without numbers */
    }
  }

  renderContacts() {
    const k = this.contacts;
    const numbers = [k.emergency, k.nhs_111];
    const urgentText = typeof k.urgent_help === "string" && k.urgent_help.trim()
      ? k.urgent_help
      : k.emergency
        ? `Urgent? Call ${k.emergency} if a child is in danger now.`
        : "Urgent? If a child is in danger now, call the emergency services.";
    this.urgent.replaceChildren(withPhoneLinks(urgentText, numbers));
    this.urgentPill.replaceChildren(
      k.emergency ? withPhoneLinks(`Child in danger now? Call ${k.emergency}`, [k.emergency]) : document.createTextNode("Child in danger now? Call the emergency services"),
    );

    const privacyHref = safeUrl(this.config.privacyUrl || k.privacy_url || "", this.config.base);
    const words = "Please don't type names, addresses or other details that could identify anyone.";
    if (privacyHref) {
      const link = decorateLink(el("a", { text: "How we use and protect conversations" }), privacyHref);
      this.privacy.replaceChildren(document.createTextNode(`${words} `), link);
    } else {
      this.privacy.textContent = words;
    }
  }

  bindEvents() {
    this.launcher.addEventListener("click", () => (this.isOpen ? this.close() : this.open({ focus: true })));
    this.closeButton.addEventListener("click", () => this.close());
    this.restartButton.addEventListener("click", () => this.startAgain());
    this.form.addEventListener("submit", (event) => {
      event.preventDefault();
      this.submit();
    });
    this.input.addEventListener("keydown", (event) => {
      if (event.key === "Enter" && !event.shiftKey && !event.isComposing) {
        event.preventDefault();
        this.submit();
      }
    });
    this.input.addEventListener("input", () => this.autosize());
    // Escape closes from anywhere in the widget; keys typed here are ours, not the page's
    // (a page's own shortcuts, e.g. "/" for search, must not fire while someone types).
    this.wrap.addEventListener("keydown", (event) => {
      if (event.key === "Escape" && this.isOpen) {
        event.preventDefault();
        this.close();
      } else if (event.key === "Tab" && !event.altKey && !event.ctrlKey && !event.metaKey && this.isModal) {
        this.keepTabInside(event);
      }
      event.stopPropagation();
    });
    // While the panel covers the whole screen, the page under it is out of reach (WCAG 2.4.11).
    this.fullScreen = typeof window.matchMedia === "function" ? window.matchMedia(FULL_SCREEN) : null;
    if (this.fullScreen) {
      const change = () => this.updateModal();
      if (this.fullScreen.addEventListener) this.fullScreen.addEventListener("change", change);
      else if (this.fullScreen.addListener) this.fullScreen.addListener(change);
    }
    for (const type of ["keyup", "keypress", "input"]) this.wrap.addEventListener(type, (e) => e.stopPropagation());
    this.log.addEventListener("click", (event) => {
      const button = event.target.closest("button");
      if (!button || !this.log.contains(button)) return;
      if (button.dataset.payload !== undefined) {
        this.chat.send(button.dataset.payload, button.dataset.title);
        this.input.focus();
      } else if (button.classList.contains("copy")) {
        this.copy(button);
      }
    });
    this.status.addEventListener("click", (event) => {
      if (event.target.closest("button.retry")) this.chat.retryNow();
    });
    if (window.visualViewport) {
      const fit = () => this.wrap.style.setProperty("--vvh", `${Math.round(window.visualViewport.height)}px`);
      window.visualViewport.addEventListener("resize", fit);
      fit();
    }
  }

  get isOpen() {
    return !this.panel.hidden;
  }

  /** Open and covering the whole screen (a phone, or a short or zoomed window). */
  get isModal() {
    return this.isOpen && Boolean(this.fullScreen && this.fullScreen.matches);
  }

  /** Makes the page behind a full-screen panel inert, and gives it back when that ends. */
  updateModal() {
    const modal = this.isModal;
    if (modal) this.panel.setAttribute("aria-modal", "true");
    else this.panel.removeAttribute("aria-modal");
    if (modal && !this.pageWatcher) {
      // What the page adds while the panel is open (a cookie banner, a new <body>) becomes inert
      // too; what it makes inert itself, or stops making inert, is followed.
      this.pageWatcher = new MutationObserver((records) => this.pageChanged(records));
      this.pageWatcher.observe(document.documentElement, { childList: true });
      for (const node of Array.from(document.documentElement.children)) this.makeInert(node);
    } else if (!modal && this.pageWatcher) {
      this.pageWatcher.disconnect();
      this.pageWatcher = null;
      for (const node of this.madeInert) node.removeAttribute("inert");
      this.madeInert = [];
    }
  }

  /** One of <html>'s children made inert, unless it is ours, <head> or already inert. */
  makeInert(node) {
    if (node.nodeType !== 1 || node === this.host || node.tagName === "HEAD") return;
    if (!node.hasAttribute("inert")) {
      node.setAttribute("inert", "");
      if (!this.madeInert.includes(node)) this.madeInert.push(node);
    }
    // Set before watching, so the watcher only hears the page's own changes.
    this.pageWatcher.observe(node, { attributes: true, attributeFilter: ["inert"] });
  }

  /** The page changed while its content is inert behind the panel. */
  pageChanged(records) {
    const html = document.documentElement;
    for (const record of records) {
      if (record.type === "childList") {
        for (const node of Array.from(record.addedNodes)) {
          if (node.parentNode === html) this.makeInert(node);
        }
      } else if (record.target.parentNode === html) {
        const node = record.target;
        if (node.hasAttribute("inert")) {
          // The page made it inert itself: it stays inert when the panel closes.
          this.madeInert = this.madeInert.filter((n) => n !== node);
        } else {
          // The page gave it back (its own dialog closed, say): inert again until the panel
          // closes, and not inert after that, as the page wants.
          this.makeInert(node);
        }
      }
    }
    this.pageWatcher.takeRecords(); // our own changes just now
  }

  /** Tab from the last control goes to the first, Shift+Tab from the first to the last. */
  keepTabInside(event) {
    const items = Array.from(this.panel.querySelectorAll(FOCUSABLE)).filter(
      (node) => !node.closest("[hidden]") && node.getClientRects().length > 0,
    );
    if (!items.length) return;
    const first = items[0];
    const last = items[items.length - 1];
    const active = this.root.activeElement;
    const inside = active && this.panel.contains(active);
    if (event.shiftKey && (!inside || active === first)) {
      event.preventDefault();
      last.focus();
    } else if (!event.shiftKey && (!inside || active === last)) {
      event.preventDefault();
      first.focus();
    }
  }

  open({ focus }) {
    this.panel.hidden = false;
    this.wrap.dataset.open = "true";
    this.launcher.setAttribute("aria-expanded", "true");
    this.store.state.open = true;
    this.store.save();
    this.updateModal();
    this.chat.connect();
    this.scrollToLatest(true);
    if (focus) this.input.focus();
  }

  close() {
    this.panel.hidden = true;
    this.wrap.dataset.open = "false";
    this.launcher.setAttribute("aria-expanded", "false");
    this.store.state.open = false;
    this.store.save();
    this.updateModal();
    this.launcher.focus();
  }

  startAgain() {
    this.chat.startAgain();
    this.input.value = "";
    this.autosize();
    this.announce("New conversation started. The previous one has been cleared from this browser.");
    this.input.focus();
  }

  submit() {
    const text = this.input.value;
    if (!text.trim()) {
      this.input.focus();
      return;
    }
    if (this.chat.send(text)) {
      this.input.value = "";
      this.autosize();
    }
    this.input.focus();
  }

  autosize() {
    this.input.style.height = "auto";
    this.input.style.height = `${Math.min(this.input.scrollHeight + 4, 8 * 16)}px`;
  }

  async copy(button) {
    const message = this.chat.messages.find((m) => m.id === button.dataset.id);
    if (!message) return;
    const ok = await copyText(plainText(message.text, this.config.base), this.root);
    this.announce(ok ? "Answer copied." : "Copying did not work here. Select the text and copy it instead.");
    button.textContent = ok ? "Copied" : "Copy failed";
    window.setTimeout(() => {
      button.textContent = "Copy";
    }, 2500);
  }

  announce(text) {
    // Cleared first so the same words are read again if repeated.
    this.announcer.textContent = "";
    window.setTimeout(() => {
      this.announcer.textContent = text;
    }, 50);
  }

  renderStatus(status) {
    this.wrap.dataset.state = status;
    if (status === "offline") {
      const box = el("div", { className: "offline" }, [
        el("strong", { text: "We can't reach the assistant right now." }),
        el("p", {
          text: "Your internet connection may have dropped, or our service may be down. We'll keep trying. Anything you type will be sent when we're connected again.",
        }),
        el("button", { type: "button", className: "retry", text: "Try again now" }),
      ]);
      this.status.replaceChildren(box);
    } else if (status === "reconnecting") {
      this.status.replaceChildren(el("p", { className: "note", text: "Connection lost. Reconnecting…" }));
    } else if (status === "connecting" && !this.chat.everOnline) {
      this.status.replaceChildren(el("p", { className: "note", text: "Connecting…" }));
    } else {
      this.status.replaceChildren();
    }
    this.renderTyping();
  }

  renderTyping() {
    this.typing.hidden = !this.chat.waitingForReply;
  }

  render() {
    const messages = this.chat.messages;
    const ids = new Set(messages.map((m) => m.id));
    // Start again (or trimming) removed messages: drop their elements.
    for (const [id, node] of this.nodes) {
      if (!ids.has(id)) {
        node.remove();
        this.nodes.delete(id);
      }
    }
    let added = false;
    for (const message of messages) {
      let node = this.nodes.get(message.id);
      if (!node) {
        node = this.renderMessage(message);
        this.nodes.set(message.id, node);
        this.log.appendChild(node);
        added = true;
      }
      if (message.role === "user") this.renderDelivery(node, message);
    }
    // Quick replies belong to the latest message only.
    const last = messages[messages.length - 1];
    for (const group of Array.from(this.log.querySelectorAll(".quick-replies"))) {
      if (!last || group.dataset.for !== last.id) group.remove();
    }
    if (last && last.role === "bot" && last.quickReplies && !this.log.querySelector(`.quick-replies[data-for="${last.id}"]`)) {
      const group = el("div", { className: "quick-replies", role: "group", "aria-label": "Suggested replies", "data-for": last.id },
        last.quickReplies.map((q) => el("button", { type: "button", "data-payload": q.payload, "data-title": q.title, text: q.title })));
      this.nodes.get(last.id).appendChild(group);
    }
    this.renderTyping();
    if (added) this.scrollToLatest(false);
  }

  renderMessage(message) {
    const node = el("div", { className: `msg msg-${message.role}`, "data-id": message.id });
    if (message.role === "user") {
      node.append(el("span", { className: "sr-only", text: "You said: " }), el("div", { className: "bubble", text: message.text }));
      node.appendChild(el("span", { className: "msg-state", hidden: true }));
    } else if (message.role === "bot") {
      const bubble = el("div", { className: "bubble" });
      bubble.appendChild(renderMarkdown(message.text, this.config.base));
      node.append(el("span", { className: "sr-only", text: "The assistant said: " }), bubble);
      if (message.text.length > this.config.copyMinChars) {
        node.appendChild(el("button", { type: "button", className: "copy", "data-id": message.id, "aria-label": "Copy this answer", text: "Copy" }));
      }
    } else {
      node.appendChild(el("p", { text: message.text }));
    }
    return node;
  }

  renderDelivery(node, message) {
    node.dataset.status = message.status;
    const state = node.querySelector(".msg-state");
    const waiting = message.status === "queued" && !this.chat.ready;
    state.hidden = !waiting;
    state.textContent = waiting ? "Not sent yet: it will be sent when we're connected." : "";
  }

  /** Shows the newest message; a long answer is shown from its start, not its end. */
  scrollToLatest(jump) {
    const scroller = this.scroller;
    const messages = this.chat.messages;
    let target = scroller.scrollHeight;
    let lastUser = -1;
    for (let i = messages.length - 1; i >= 0; i -= 1) {
      if (messages[i].role === "user") {
        lastUser = i;
        break;
      }
    }
    const firstReply = messages.slice(lastUser + 1).find((m) => m.role === "bot");
    const node = firstReply && this.nodes.get(firstReply.id);
    if (node) {
      const top = node.offsetTop - 8; // the scroller is the offsetParent (position: relative)
      target = Math.min(target, Math.max(0, top));
    }
    if (jump) scroller.scrollTop = target;
    else scroller.scrollTo({ top: target });
  }
}

function start() {
  if (window.__cpsbChatLoaded) return; // the snippet was pasted twice
  window.__cpsbChatLoaded = true;
  const script = findScript();
  const pageConfig = window.CPSBChatConfig && typeof window.CPSBChatConfig === "object" ? window.CPSBChatConfig : null;
  const config = readConfig(script, SERVER_DEFAULTS, pageConfig);
  const mount = () => {
    const widget = new Widget(config);
    widget.mount();
    window.CPSBChat = Object.freeze({
      open: () => widget.open({ focus: true }),
      close: () => widget.close(),
      startAgain: () => widget.startAgain(),
    });
  };
  if (document.body) mount();
  else document.addEventListener("DOMContentLoaded", mount, { once: true });
}

start();
