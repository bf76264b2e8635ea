// The conversation with Rasa over socket.io, without any DOM: connection state, the queue of
// user messages, delivery and de-duplication.
//
// Delivery: one user message is on its way at a time. It is emitted with its id (in the
// metadata) and an acknowledgement, which python-socketio sends once Rasa has finished handling
// the message (after every reply to it has been emitted); the acknowledgement says how many
// replies there were. A message is "queued" until it is sent, "sent" until it is acknowledged,
// then "delivered". Whatever was not acknowledged (the connection dropped, the page was reloaded
// or left) is sent again, with the same id. The server (assistant/channels.py) does not hand a
// repeated id to Rasa again: it sends that message's replies again instead (those not already
// received, which the resend lists). Each reply carries the id it answers and its place
// (reply_to, part), and a part already shown is not shown again.
// So no message is lost, none is answered twice, and an answer cut off by a dropped connection
// is completed; if it still falls short, a note says so.
import { io } from "socket.io-client";
import { newId } from "./store.js";

export class Chat {
  /**
   * @param {object} config  see config.js
   * @param {import("./store.js").Store} store
   * @param {object} events  { onChange(), onStatus(status), onNote(text), onAnnounce(text) }
   */
  constructor(config, store, events) {
    this.config = config;
    this.store = store;
    this.events = events;
    this.socket = null;
    this.ready = false; // connected and in our session's room
    this.inFlight = null; // the user message awaiting its acknowledgement
    this.generation = 0; // bumped by startAgain: late acknowledgements of old messages are ignored
    this.status = "idle"; // idle | connecting | online | reconnecting | offline
    this.everOnline = false;
  }

  get messages() {
    return this.store.state.messages;
  }

  get waitingForReply() {
    return Boolean(this.inFlight) && this.ready;
  }

  setStatus(status) {
    if (status === this.status) return;
    const was = this.status;
    this.status = status;
    this.events.onStatus(status, was);
  }

  connect() {
    if (this.socket) return;
    const socket = io(this.config.serverUrl, {
      path: this.config.socketPath,
      autoConnect: false,
      reconnection: true,
      reconnectionAttempts: Infinity,
      reconnectionDelay: 1000,
      reconnectionDelayMax: 5000,
      randomizationFactor: 0.3,
      timeout: 10000,
      // WebSocket first (one connection, no polling requests); long-polling if it is blocked.
      transports: ["websocket", "polling"],
      tryAllTransports: true,
      withCredentials: false,
    });
    this.socket = socket;

    socket.on("connect", () => {
      this.ready = false;
      socket.emit("session_request", { session_id: this.store.state.sessionId });
    });

    socket.on("session_confirm", (data) => {
      const confirmed = typeof data === "string" ? data : data && data.session_id;
      if (confirmed && confirmed !== this.store.state.sessionId) {
        // Only a server that ignores our id would do this; follow it rather than lose replies.
        this.store.state.sessionId = String(confirmed);
        this.store.save();
      }
      this.ready = true;
      const wasOffline = this.everOnline && this.status !== "online";
      this.everOnline = true;
      this.setStatus("online");
      if (wasOffline) this.events.onAnnounce("Connected again.");
      this.flush();
      this.events.onChange();
    });

    socket.on("bot_uttered", (data) => this.receive(data));

    socket.on("disconnect", (reason) => {
      this.ready = false;
      if (reason === "io client disconnect") return; // our own (start again)
      this.setStatus(this.everOnline ? "reconnecting" : "connecting");
      if (reason === "io server disconnect") socket.connect(); // the server hung up: call back
      this.events.onChange();
    });

    socket.on("connect_error", () => {
      this.ready = false;
      this.setStatus("offline");
      this.events.onChange();
    });

    window.addEventListener("offline", () => {
      if (this.socket) this.setStatus("offline");
    });
    window.addEventListener("online", () => {
      if (!this.socket) return;
      if (this.socket.connected && this.ready) this.setStatus("online");
      else this.retryNow();
    });

    this.setStatus("connecting");
    socket.connect();
  }

  /** "Try again now": skip the rest of the back-off wait. */
  retryNow() {
    if (!this.socket || this.socket.connected) return;
    this.socket.disconnect();
    this.setStatus("connecting");
    this.socket.connect();
  }

  /** Adds a user message (shown as `shown`, sent as `payload`) and sends it when it can. */
  send(payload, shown) {
    const text = String(payload || "").trim().slice(0, this.config.maxLength);
    if (!text) return false;
    this.messages.push({
      id: newId(),
      role: "user",
      text: String(shown || text).slice(0, this.config.maxLength),
      payload: text,
      status: "queued",
      ts: Date.now(),
    });
    this.store.save();
    this.events.onChange();
    this.connect();
    this.flush();
    return true;
  }

  flush() {
    if (!this.ready || this.inFlight || !this.socket || !this.socket.connected) return;
    const next = this.messages.find((m) => m.role === "user" && m.status === "queued");
    if (!next) return;
    const generation = this.generation;
    const socket = this.socket;
    this.inFlight = next;
    next.status = "sent";
    this.store.save();
    const metadata = { message_id: next.id };
    // Sent again: the parts of its answer already here need not come again.
    if (Array.isArray(next.parts) && next.parts.length) metadata.received = next.parts.slice(0, 50);
    if (this.config.audience) metadata.audience = this.config.audience;
    const data = { message: next.payload || next.text, session_id: this.store.state.sessionId, metadata };
    socket.timeout(this.config.replyTimeoutSeconds * 1000).emit("user_uttered", data, (err, ack) => {
      if (generation !== this.generation || this.inFlight !== next) return;
      this.inFlight = null;
      if (!err) {
        next.status = "delivered";
        const expected = ack && typeof ack === "object" && Number.isInteger(ack.replies) ? ack.replies : null;
        if (expected !== null && this.partsReceived(next) < expected) {
          this.events.onNote("The connection dropped, so part of the answer may be missing. Please ask again.");
        }
      } else if (!socket.connected) {
        // The connection dropped before the acknowledgement, perhaps part way through the
        // answer: send it again once reconnected (the server answers a repeat with the replies
        // it already sent, and only the parts not shown yet are added).
        next.status = "queued";
      } else {
        next.status = "delivered"; // handled too slowly: do not ask twice
        if (!this.answeredAfter(next)) {
          this.events.onNote("No answer came back. Please try again, or ask in other words.");
        }
      }
      this.store.save();
      this.events.onChange();
      this.flush();
    });
    this.events.onChange();
  }

  /** How many reply parts to this user message have arrived. */
  partsReceived(message) {
    return Array.isArray(message.parts) ? message.parts.length : 0;
  }

  answeredAfter(message) {
    const i = this.messages.indexOf(message);
    return i >= 0 && this.messages.slice(i + 1).some((m) => m.role === "bot");
  }

  receive(data) {
    if (!data || typeof data !== "object") return;
    const tagged = typeof data.reply_to === "string" && Number.isInteger(data.part) && data.part >= 0;
    let changed = false;
    if (tagged) {
      // A part sent again (the answer to a message resent after a dropped connection) is used once.
      const asked = this.messages.find((m) => m.role === "user" && m.id === data.reply_to);
      if (asked) {
        const parts = Array.isArray(asked.parts) ? asked.parts : [];
        if (parts.includes(data.part)) return;
        asked.parts = parts.concat(data.part).slice(-100);
        changed = true;
      } else if (this.messages.some((m) => m.role === "bot" && m.replyTo === data.reply_to && m.part === data.part)) {
        return;
      }
    }
    const text = typeof data.text === "string" ? data.text : "";
    const options = Array.isArray(data.quick_replies) ? data.quick_replies : Array.isArray(data.buttons) ? data.buttons : [];
    const quickReplies = options
      .filter((q) => q && typeof q.title === "string" && q.title.trim())
      .map((q) => ({
        title: q.title.trim().slice(0, 200),
        payload: typeof q.payload === "string" && q.payload.trim() ? q.payload.trim() : q.title.trim(),
      }))
      .slice(0, 12);
    if (text.trim() || quickReplies.length) {
      // (images, custom payloads: not used here)
      const message = { id: newId(), role: "bot", text, ts: Date.now() };
      if (quickReplies.length) message.quickReplies = quickReplies;
      if (tagged) {
        message.replyTo = data.reply_to.slice(0, 64);
        message.part = data.part;
      }
      this.messages.push(message);
      changed = true;
    }
    if (!changed) return;
    this.store.save();
    this.events.onChange();
  }

  addNote(text) {
    this.messages.push({ id: newId(), role: "note", text, ts: Date.now() });
    this.store.save();
    this.events.onChange();
  }

  /** A new conversation: new session id, history cleared, fresh connection. */
  startAgain() {
    this.generation += 1;
    this.inFlight = null;
    this.ready = false;
    this.store.reset();
    if (this.socket) {
      this.socket.disconnect(); // leaves the old session's room for good
      this.setStatus("connecting");
      this.socket.connect();
    }
    this.events.onChange();
  }
}
