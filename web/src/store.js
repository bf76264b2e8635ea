// Keeps the conversation (session id, messages, open or closed) in the browser, so it survives a
// reload and moving to another page of the same site. sessionStorage by default: it ends when the
// tab is closed, which suits shared and work phones. Falls back to memory when storage is blocked.

const VERSION = 1;
const MAX_MESSAGES = 200;

function pickStorage(kind) {
  if (kind === "none") return null;
  try {
    const storage = kind === "local" ? window.localStorage : window.sessionStorage;
    const probe = "__cpsb_probe__";
    storage.setItem(probe, "1");
    storage.removeItem(probe);
    return storage;
  } catch (e) {
    return null; // blocked (private mode, sandboxed frame, cookies off): keep it in memory
  }
}

export function newId() {
  const bytes = new Uint8Array(16);
  window.crypto.getRandomValues(bytes); // works on http:// too, unlike crypto.randomUUID
  return Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
}

function validMessage(m) {
  return (
    m &&
    typeof m === "object" &&
    typeof m.id === "string" &&
    ["user", "bot", "note"].includes(m.role) &&
    typeof m.text === "string"
  );
}

export class Store {
  constructor(kind, key) {
    this.storage = pickStorage(kind);
    this.key = key;
    this.state = this.load();
  }

  fresh() {
    return { v: VERSION, sessionId: newId(), messages: [], open: null };
  }

  load() {
    if (!this.storage) return this.fresh();
    try {
      const data = JSON.parse(this.storage.getItem(this.key) || "null");
      if (!data || data.v !== VERSION || typeof data.sessionId !== "string" || !/^[0-9a-f]{32}$/.test(data.sessionId)) {
        return this.fresh();
      }
      const messages = Array.isArray(data.messages) ? data.messages.filter(validMessage) : [];
      for (const m of messages) {
        // A message that was on its way when the page went away was not acknowledged: send it
        // again, with the same id. A reply shown after it proves nothing (it can be the answer
        // to an earlier message); the server knows a repeated id and does not ask Rasa twice.
        if (m.role === "user" && m.status === "sent") m.status = "queued";
        // The reply parts that arrived for a user message (whole numbers), and for a reply the
        // id it answers and its part number: anything else is dropped.
        if (m.parts !== undefined && !(Array.isArray(m.parts) && m.parts.every(Number.isInteger))) delete m.parts;
        if (!(typeof m.replyTo === "string" && Number.isInteger(m.part))) {
          delete m.replyTo;
          delete m.part;
        }
      }
      return {
        v: VERSION,
        sessionId: data.sessionId,
        messages,
        open: typeof data.open === "boolean" ? data.open : null,
      };
    } catch (e) {
      return this.fresh();
    }
  }

  save() {
    if (!this.storage) return;
    const state = this.state;
    if (state.messages.length > MAX_MESSAGES) {
      state.messages = state.messages.slice(-MAX_MESSAGES);
    }
    try {
      this.storage.setItem(this.key, JSON.stringify(state));
    } catch (e) {
      /* full or blocked: the conversation still works, it just will not survive a reload */
    }
  }

  reset() {
    const open = this.state.open;
    this.state = this.fresh();
    this.state.open = open;
    this.save();
  }
}
