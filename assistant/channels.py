"""The public REST and socket.io channels, with the guard every user message passes first.

Rasa's own channels accept `/intent` and `/intent{"slot": ...}` as commands that skip NLU (and
so the safety check). On these public channels such text is plain text. The guard also answers
empty and over-long messages itself, limits how many messages one conversation and one client
address may send per minute, and says in plain words when the assistant produced no reply (for
example, when the action server is down), always with the urgent-help line.

The channels themselves check what arrives before Rasa sees it: REST answers a body that is not
a JSON object with the right fields with 400 and a JSON error (never a 500), and refuses
browsers from origins not on the allow-list (settings.allowed_origins()); socket.io accepts only
those origins too, and ignores or corrects events whose data is not what a browser sends.

On socket.io each widget message carries an id (`metadata.message_id`). A message sent again
with an id already handled for that conversation (the widget resends what was not acknowledged,
after a reconnection, a reload or a move to another page) is not handed to Rasa again: its
replies are sent again to that connection alone, tagged so the widget shows each one once
(RepeatFilter).
"""
import asyncio
import ipaddress
import json
import logging
import re
import time
import unicodedata
import uuid
from collections import OrderedDict, deque
from typing import (
    Any, Awaitable, Callable, Deque, Dict, Iterable, List, Optional, Set, Text, Tuple
)

from rasa.core.channels.channel import CollectingOutputChannel, OutputChannel, UserMessage
from rasa.core.channels.rest import RestInput
from rasa.core.channels.socketio import SocketIOInput, SocketIOOutput
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse

from assistant import contacts, settings

logger = logging.getLogger(__name__)

MessageHandler = Callable[[UserMessage], Awaitable[Any]]

# A conversation id: what the widget makes (32 hex digits) and what API clients reasonably use.
SENDER_ID = re.compile(r"[A-Za-z0-9_.:-]{1,128}")
MAX_BODY_BYTES = 64 * 1024
MAX_METADATA_CHARS = 2000


def max_message_chars() -> int:
    return settings.get_int("MAX_MESSAGE_CHARS", 2000)


# C0 and C1 control characters except tab and newline, and unpaired surrogates (which cannot be
# encoded as UTF-8 and so could not be stored or answered).
_UNPRINTABLE = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\ud800-\udfff]")
_LEADING_COMMAND = re.compile(r"^[\s/]+")


def as_plain_text(text: Optional[Text]) -> Text:
    """User text as words: control characters removed, and any leading command slashes (even
    with spaces between them, "/ /greet") removed, so Rasa never reads it as a command. Text
    with nothing visible in it (only spaces and zero-width or other format characters) is
    empty."""
    if not isinstance(text, str):
        return ""
    text = _LEADING_COMMAND.sub("", _UNPRINTABLE.sub("", text)).strip()
    visible = any(not char.isspace() and unicodedata.category(char) != "Cf" for char in text)
    return text if visible else ""


def _reply(template: Text, **values: Any) -> Text:
    return template.format(**contacts.load(), **values)


EMPTY_MESSAGE_REPLY = "Please type your question about dogs and young children.\n{urgent_help}"
TOO_LONG_REPLY = (
    "That message is too long for me. Please send a shorter message "
    "(up to {limit:,} characters).\n{urgent_help}"
)
NO_REPLY = (
    "Sorry, that part of the service is not working right now. Please try again in a few "
    "minutes.\n{urgent_help}"
)
RATE_LIMITED_REPLY = (
    "You have sent a lot of messages in a short time, so I need to pause. Please wait a minute "
    "and then send your message again.\n{urgent_help}"
)

# What the guard did with a message.
ANSWERED, EMPTY, TOO_LONG, LIMITED, NOT_ANSWERED = (
    "answered", "empty", "too_long", "limited", "not_answered"
)


# ---------------------------------------------------------------------------- rate limit
class RateLimiter:
    """At most `limit` messages per `window` seconds for each key (a conversation, an address).

    A sliding window per key: the times of the messages allowed, oldest first. Memory is bounded:
    keys idle for a whole window are dropped on the next call, each key keeps at most `limit`
    times, and past `max_keys` keys the least recently used is dropped (letting that key start
    afresh, which is the only way the limit can be lost). Messages refused are not counted, so a
    client that keeps sending gets `limit` messages through per window, no more.
    """

    def __init__(
        self,
        limits: Dict[Text, int],
        window: float = 60.0,
        clock: Callable[[], float] = time.monotonic,
        max_keys: int = 100_000,
    ) -> None:
        self.limits = {kind: limit for kind, limit in limits.items() if limit > 0}
        self.window = window
        self.clock = clock
        self.max_keys = max_keys
        self._hits: "OrderedDict[Tuple[Text, Text], Deque[float]]" = OrderedDict()

    def allow(self, keys: Iterable[Tuple[Text, Text]]) -> bool:
        """Whether a message with these (kind, value) keys may pass; if so, it is counted."""
        now = self.clock()
        self._forget_idle(now)
        keys = [(kind, value) for kind, value in keys if kind in self.limits and value]
        for key in keys:
            hits = self._hits.get(key)
            if hits is not None:
                while hits and hits[0] <= now - self.window:
                    hits.popleft()
                if len(hits) >= self.limits[key[0]]:
                    return False
        for key in keys:
            hits = self._hits.get(key)
            if hits is None:
                hits = self._hits[key] = deque(maxlen=self.limits[key[0]])
            hits.append(now)
            self._hits.move_to_end(key)
        while len(self._hits) > self.max_keys:
            self._hits.popitem(last=False)
        return True

    def _forget_idle(self, now: float) -> None:
        while self._hits:
            key, hits = next(iter(self._hits.items()))
            if hits and hits[-1] > now - self.window:
                break
            self._hits.popitem(last=False)

    def __len__(self) -> int:
        return len(self._hits)


def rate_limiter_from_settings() -> RateLimiter:
    return RateLimiter(
        {
            "conversation": settings.get_int("RATE_LIMIT_PER_MINUTE", 30),
            "address": settings.get_int("RATE_LIMIT_PER_IP_PER_MINUTE", 120),
        }
    )


_limiter: Optional[RateLimiter] = None


def shared_limiter() -> RateLimiter:
    """One limiter for both channels of this process, so switching channel does not help."""
    global _limiter
    if _limiter is None:
        _limiter = rate_limiter_from_settings()
    return _limiter


def trusted_proxies() -> List[Any]:
    networks = []
    for entry in settings.get("TRUSTED_PROXIES", "127.0.0.1,::1").split(","):
        try:
            networks.append(ipaddress.ip_network(entry.strip(), strict=False))
        except ValueError:
            continue
    return networks


def client_address(peer: Optional[Text], forwarded_for: Optional[Text]) -> Text:
    """The address a message came from: the connecting peer, or, when the peer is a trusted
    proxy (a reverse proxy on this machine by default), the last address it put in
    X-Forwarded-For that is not itself a trusted proxy."""
    peer = peer or ""
    proxies = trusted_proxies()

    def trusted(address: Text) -> bool:
        try:
            ip = ipaddress.ip_address(address)
        except ValueError:
            return False
        return any(ip in network for network in proxies)

    if not forwarded_for or not trusted(peer):
        return peer
    for entry in reversed(str(forwarded_for).split(",")):
        entry = entry.strip()
        try:
            ipaddress.ip_address(entry)
        except ValueError:
            return peer  # not written by our proxy: count the proxy's peer itself
        if not trusted(entry):
            return entry
    return peer


# ---------------------------------------------------------------------------- the guard
class _CountingOutputChannel(OutputChannel):
    """Passes every reply on to the real channel and counts them."""

    def __init__(self, inner: OutputChannel) -> None:
        self.inner = inner
        self.sent = 0

    def name(self) -> Text:  # type: ignore[override]
        return self.inner.name()

    async def send_response(self, recipient_id: Text, message: Dict[Text, Any]) -> None:
        self.sent += 1
        await self.inner.send_response(recipient_id, message)


def guard(on_new_message: MessageHandler, limiter: Optional[RateLimiter] = None) -> Callable:
    """Wraps Rasa's message handler with the checks every public message needs.

    The wrapped handler takes the message and, optionally, the client's address; it returns
    what it did (ANSWERED, EMPTY, TOO_LONG, LIMITED or NOT_ANSWERED).
    """

    # Read the settings now: a bad value then stops the server at start-up with its message,
    # instead of on the first message (SystemExit is not an Exception the handler catches).
    active_limiter = limiter if limiter is not None else shared_limiter()
    limit = max_message_chars()

    async def guarded(message: UserMessage, client: Optional[Text] = None) -> Text:
        keys = [("conversation", message.sender_id), ("address", client or "")]
        if not active_limiter.allow(keys):
            logger.warning("Rate limit reached; a message was not processed")
            await message.output_channel.send_text_message(
                message.sender_id, _reply(RATE_LIMITED_REPLY)
            )
            return LIMITED
        text = as_plain_text(message.text)
        if not text:
            await message.output_channel.send_text_message(
                message.sender_id, _reply(EMPTY_MESSAGE_REPLY)
            )
            return EMPTY
        if len(text) > limit:
            await message.output_channel.send_text_message(
                message.sender_id, _reply(TOO_LONG_REPLY, limit=limit)
            )
            return TOO_LONG
        message.text = text
        counting = _CountingOutputChannel(message.output_channel)
        message.output_channel = counting
        try:
            await on_new_message(message)
        except Exception:  # a reply in plain words beats a silent failure
            logger.exception("Handling a message failed")
        if counting.sent == 0:
            await counting.inner.send_text_message(message.sender_id, _reply(NO_REPLY))
            return NOT_ANSWERED
        return ANSWERED

    return guarded


def origin_allowed(origin: Optional[Text]) -> bool:
    """No Origin header (not a browser, or a same-origin GET) passes; else it must be listed."""
    return origin is None or origin in settings.allowed_origins()


def _valid_metadata(value: Any) -> Optional[Dict[Text, Any]]:
    """Metadata as the widget sends it (a small JSON object), else none."""
    if isinstance(value, str):
        try:
            value = json.loads(value)
        except (ValueError, RecursionError):  # RecursionError: JSON nested thousands deep
            return None
    if not isinstance(value, dict):
        return None
    try:
        if len(json.dumps(value)) > MAX_METADATA_CHARS:
            return None
    except (TypeError, ValueError, RecursionError):
        return None
    return value


# ---------------------------------------------------------------------------- repeats
MESSAGE_ID = re.compile(r"[A-Za-z0-9_-]{1,64}")


class _Handling:
    """One message being handled, or handled: its replies (as sent) and when it arrived."""

    __slots__ = ("done", "replies", "count", "at")

    def __init__(self, now: float) -> None:
        self.done = asyncio.Event()
        self.replies: List[Dict[Text, Any]] = []
        self.count = 0  # replies sent, including any not kept
        self.at = now


class RepeatFilter:
    """The socket.io messages handled recently, by (conversation, message id), with their replies.

    The widget resends a message whose acknowledgement did not arrive (the connection dropped, the
    page was reloaded or left): Rasa may already have it, and may be answering it right now. A
    repeat is not handed to Rasa again; it waits until the first one has been handled, and then
    gets the first one's replies again, on its own connection only.

    Memory is bounded and per process: an entry is kept for `max_age` seconds, at most
    `max_entries` entries (oldest dropped first) and `max_replies` replies per entry. After a
    restart, or once an entry has gone, a repeat is handled as a new message (Rasa is asked
    twice; the widget still shows each reply part once, as the parts carry the same tags).
    """

    def __init__(
        self,
        max_entries: int = 5000,
        max_age: float = 600.0,
        max_replies: int = 50,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.max_entries = max_entries
        self.max_age = max_age
        self.max_replies = max_replies
        self.clock = clock
        self._seen: "OrderedDict[Tuple[Text, Text], _Handling]" = OrderedDict()

    def begin(self, conversation: Text, message_id: Text) -> Tuple[_Handling, bool]:
        """The entry for this message, and whether it was already there (a repeat)."""
        now = self.clock()
        while self._seen:
            oldest = next(iter(self._seen.values()))
            if oldest.at > now - self.max_age and len(self._seen) < self.max_entries:
                break
            self._seen.popitem(last=False)
        key = (conversation, message_id)
        entry = self._seen.get(key)
        if entry is not None:
            return entry, True
        entry = self._seen[key] = _Handling(now)
        return entry, False

    def keep(self, entry: _Handling, reply: Dict[Text, Any]) -> None:
        entry.count += 1
        if len(entry.replies) < self.max_replies:
            entry.replies.append(reply)

    def __len__(self) -> int:
        return len(self._seen)


class _TaggedSocketIOOutput(SocketIOOutput):
    """Rasa's socket.io output, each reply tagged with the message it answers and its place
    (`reply_to`, `part`), and kept for repeats."""

    def __init__(self, sio: Any, bot_message_evt: Text, message_id: Text, entry: _Handling,
                 repeats: RepeatFilter) -> None:
        super().__init__(sio, bot_message_evt)
        self.message_id = message_id
        self.entry = entry
        self.repeats = repeats

    async def _send_message(self, socket_id: Text, response: Any) -> None:
        if isinstance(response, dict):
            response = {**response, "reply_to": self.message_id, "part": self.entry.count}
            self.repeats.keep(self.entry, response)
        await super()._send_message(socket_id, response)


# Longer than the widget waits for an acknowledgement (90 seconds by default).
REPEAT_WAIT_SECONDS = 120.0


# ---------------------------------------------------------------------------- REST
def _error(status: int, message: Text) -> HTTPResponse:
    return response.json({"error": message}, status=status)


class SafeRestInput(RestInput):
    """Rasa's REST channel (`/webhooks/rest/webhook`) behind the guard.

    Request: a JSON object {"sender": "<conversation id>", "message": "<text>"} (an optional
    "metadata" object is ignored). Answers: 200 with the list of replies; 429 with one reply
    when the rate limit is reached; 400 / 403 / 413 with {"error": ...} for a bad request, a
    browser origin not on the allow-list, or a body over 64 KB. Streaming (?stream=true) and a
    client-chosen input_channel are not offered.
    """

    def blueprint(self, on_new_message: MessageHandler) -> Blueprint:
        guarded = guard(on_new_message)
        webhook = Blueprint(f"custom_webhook_{type(self).__name__}", __name__)

        @webhook.route("/", methods=["GET"])
        async def health(request: Request) -> HTTPResponse:
            return response.json({"status": "ok"})

        @webhook.route("/webhook", methods=["POST"])
        async def receive(request: Request) -> HTTPResponse:
            if not origin_allowed(request.headers.get("origin")):
                return _error(403, "This site is not allowed to use the assistant.")
            if len(request.body or b"") > MAX_BODY_BYTES:
                return _error(413, "The request is too large.")
            try:
                body = json.loads((request.body or b"").decode("utf-8"))
            except (ValueError, RecursionError):  # not UTF-8 or not JSON, or nested too deep
                return _error(400, "The body must be JSON (UTF-8).")
            if not isinstance(body, dict):
                return _error(400, 'The body must be a JSON object: {"sender": ..., "message": ...}.')
            sender, text = body.get("sender"), body.get("message")
            if not isinstance(sender, str) or not SENDER_ID.fullmatch(sender):
                return _error(400, '"sender" must be a conversation id: 1 to 128 letters, '
                                   'digits or _ . : -')
            if not isinstance(text, str):
                return _error(400, '"message" must be text.')

            collector = CollectingOutputChannel()
            client = client_address(request.ip, request.headers.get("x-forwarded-for"))
            outcome = await guarded(
                UserMessage(text, collector, sender, input_channel=self.name()), client
            )
            if outcome == LIMITED:
                return response.json(collector.messages, status=429, headers={"Retry-After": "60"})
            return response.json(collector.messages)

        return webhook


# ---------------------------------------------------------------------------- socket.io
class SafeSocketIOInput(SocketIOInput):
    """Rasa's socket.io channel behind the guard, accepting only the allowed origins.

    `session_request` with a missing or malformed session id gets a new one (the widget follows
    it); `user_uttered` whose data is not an object with a valid session id is ignored; a message
    that is not text counts as an empty message. Handlers never raise, so the widget always gets
    its acknowledgement, which says how many replies the message had: `{"replies": n}`.

    A message with `metadata.message_id` has its replies tagged `reply_to` (that id) and `part`
    (0, 1, ...); a repeat of an id already handled for the conversation gets those replies again
    (less the parts listed in `metadata.received`) instead of going to Rasa (RepeatFilter).
    Neither is passed on to Rasa.
    """

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.repeats = RepeatFilter()

    def blueprint(self, on_new_message: MessageHandler) -> Blueprint:
        guarded = guard(on_new_message)
        blueprint = super().blueprint(on_new_message)
        sio = self.sio
        # Rasa turns the socket.io origin check off; browsers from other sites must not connect.
        sio.eio.cors_allowed_origins = settings.allowed_origins()

        async def session_request(sid: Text, *args: Any) -> None:
            data = args[0] if args else None
            session_id = data.get("session_id") if isinstance(data, dict) else None
            if not isinstance(session_id, str) or not SENDER_ID.fullmatch(session_id):
                session_id = uuid.uuid4().hex
            if self.session_persistence:
                sio.enter_room(sid, session_id, namespace=self.namespace)
            await sio.emit("session_confirm", session_id, room=sid, namespace=self.namespace)

        async def handle_message(sid: Text, *args: Any) -> Optional[Dict[Text, int]]:
            try:
                return await self._handle_message(sio, guarded, sid, args[0] if args else None)
            except Exception:
                logger.exception("A socket.io message could not be handled")
                return None

        sio.on("session_request", session_request, namespace=self.namespace)
        sio.on(self.user_message_evt, handle_message, namespace=self.namespace)
        return blueprint

    async def _handle_message(
        self, sio: Any, guarded: Callable, sid: Text, data: Any
    ) -> Optional[Dict[Text, int]]:
        if not isinstance(data, dict):
            logger.warning("A socket.io message that was not an object was ignored")
            return None
        if self.session_persistence:
            sender_id = data.get("session_id")
            if not isinstance(sender_id, str) or not SENDER_ID.fullmatch(sender_id):
                logger.warning("A socket.io message without a valid session id was ignored")
                return None
        else:
            sender_id = sid
        text = data.get("message")
        metadata = _valid_metadata(data.get(self.metadata_key))
        message_id = metadata.pop("message_id", None) if metadata else None
        received = metadata.pop("received", None) if metadata else None
        client = self._client(sio, sid)
        output: OutputChannel = SocketIOOutput(sio, self.bot_message_evt)
        entry = None
        # Without a valid id (another client, an older widget): handled as before, untagged.
        if isinstance(message_id, str) and MESSAGE_ID.fullmatch(message_id):
            entry, repeat = self.repeats.begin(sender_id, message_id)
            if repeat:
                already = (
                    {part for part in received if isinstance(part, int)}
                    if isinstance(received, list) and len(received) <= 100 else set()
                )
                return await self._repeat(sio, sid, sender_id, entry, client, already)
            output = _TaggedSocketIOOutput(
                sio, self.bot_message_evt, message_id, entry, self.repeats)
        message = UserMessage(text if isinstance(text, str) else "", output, sender_id,
                              input_channel=self.name(), metadata=metadata or None)
        try:
            await guarded(message, client)
        finally:
            if entry is not None:
                entry.done.set()
        return {"replies": entry.count} if entry is not None else None

    async def _repeat(
        self, sio: Any, sid: Text, sender_id: Text, entry: _Handling, client: Text,
        received: Set[Any],
    ) -> Dict[Text, int]:
        """A message sent again: once the first has been handled, its replies to this
        connection only, leaving out the parts the widget says it has (`metadata.received`).
        Counted by the rate limit (a replay is not free), never sent to Rasa."""
        if not shared_limiter().allow([("conversation", sender_id), ("address", client)]):
            logger.warning("Rate limit reached; a repeated message was not answered again")
            return {"replies": entry.count}
        try:
            await asyncio.wait_for(entry.done.wait(), timeout=REPEAT_WAIT_SECONDS)
        except asyncio.TimeoutError:
            logger.warning("A repeated message's first handling had not finished; sent what "
                           "there was")
        for reply in list(entry.replies):
            if reply.get("part") in received:
                continue
            await sio.emit(self.bot_message_evt, reply, room=sid, namespace=self.namespace)
        return {"replies": entry.count}

    def _client(self, sio: Any, sid: Text) -> Text:
        environ = sio.get_environ(sid, namespace=self.namespace) or {}
        request = environ.get("sanic.request")
        peer = getattr(request, "ip", None) or environ.get("REMOTE_ADDR")
        return client_address(peer, environ.get("HTTP_X_FORWARDED_FOR"))

