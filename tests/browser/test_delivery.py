"""Delivery across reloads, page changes and dropped connections: nothing the user typed is lost,
Rasa is asked each question once, and every part of an answer is shown exactly once.

The socket.io frames go through a Playwright WebSocket route, which holds, swallows or cuts them
at chosen moments. What Rasa was asked is read from its conversation store (the live stack's
SQLite file), so "asked once" is checked on the server, not inferred from the page.
"""
import json
import re
import sqlite3
import threading
import time
from typing import Callable, Dict, List, Optional

from playwright.sync_api import expect

from .conftest import QUESTION, TIMEOUT_MS

SOCKET = re.compile(r"/socket\.io/")
FOLLOW_UP = "What are the warning signs in dogs?"
# Answered in two parts: the check's introduction, then its first question with buttons.
IN_PARTS = "Start the dog risk check"
PART_MISSING = "The connection dropped, so part of the answer may be missing. Please ask again."


def asked(live_stack, session: str) -> List[str]:
    """What Rasa received in this conversation, in order (its stored user messages)."""
    with sqlite3.connect(live_stack.tracker_db) as db:
        rows = db.execute(
            "SELECT data FROM events WHERE sender_id = ? AND type_name = 'user' ORDER BY id",
            (session,),
        ).fetchall()
    return [json.loads(data)["text"] for (data,) in rows]


def event(message) -> Optional[str]:
    """The socket.io event name of a frame ("42[name, data]", or "42<ack id>[...]" when an
    acknowledgement is asked for), or None for anything else."""
    match = re.match(r"42\d*(\[.*)", message, re.S) if isinstance(message, str) else None
    if not match:
        return None
    try:
        payload = json.loads(match.group(1))
    except ValueError:
        return None
    return payload[0] if isinstance(payload, list) and payload else None


class Line:
    """One WebSocket connection through the route: the page's side and the server's side."""

    def __init__(self, number: int, page_side, server_side) -> None:
        self.number = number
        self.page_side = page_side
        self.server_side = server_side

    def cut(self) -> None:
        self.page_side.close()
        self.server_side.close()


class Router:
    """Routes the page's socket.io connections through `up(line, frame)` and `down(line, frame)`,
    which return True when they have dealt with the frame themselves (held, swallowed, cut)."""

    def __init__(self, up: Callable = None, down: Callable = None):
        self.up = up or (lambda line, frame: False)
        self.down = down or (lambda line, frame: False)
        self.lines: List[Line] = []

    def __call__(self, ws) -> None:
        server = ws.connect_to_server()
        line = Line(len(self.lines) + 1, ws, server)
        self.lines.append(line)

        def to_server(frame):
            if not self.up(line, frame):
                server.send(frame)

        def to_page(frame):
            if not self.down(line, frame):
                ws.send(frame)

        ws.on_message(to_server)
        server.on_message(to_page)


def parts_of_answers(open_chat, *questions) -> List[int]:
    """How many parts (bot messages) the answer to each question has, asked in order by a new
    visitor on a connection nothing interferes with."""
    chat = open_chat()
    chat.open()
    return [len(chat.ask_and_wait(question)) for question in questions]


def wait_until(page, condition: Callable[[], bool], what: str) -> None:
    """Waits for a condition on what the route saw. Each check waits for the page's next frame,
    which also lets Playwright run the route's callbacks."""
    deadline = time.monotonic() + TIMEOUT_MS / 1000
    while not condition():
        assert time.monotonic() < deadline, f"timed out waiting for {what}"
        page.evaluate("() => new Promise((resolve) => requestAnimationFrame(() => resolve()))")


def notes(chat):
    return chat.page.locator("cpsb-chat .msg-note")


def reroute_and_reload(chat, router) -> str:
    """Sends the page's socket.io connections through `router` from now on; returns the session."""
    chat.page.route_web_socket(SOCKET, router)
    chat.page.reload()
    expect(chat.panel).to_be_visible()
    expect(chat.page.locator("cpsb-chat .cpsb")).to_have_attribute("data-state", "online")
    return chat.session_id()


def test_a_follow_up_typed_while_the_first_is_answered_survives_a_reload(open_chat, live_stack):
    """Q2 is typed while Q1 is still being handled; then Q1's answer arrives (after Q2 on the
    screen), and the page is reloaded before Q1's acknowledgement. Q2 must still reach Rasa,
    once; Q1 must not be asked again, and its answer must not be shown twice."""
    first_parts, follow_up_parts = parts_of_answers(open_chat, QUESTION, FOLLOW_UP)
    chat = open_chat()
    chat.open()
    held: List[str] = []

    def down(line, frame):
        # On the first connection Q1's answer waits (until Q2 has been typed) and its
        # acknowledgement never comes: Q1 stays "being handled".
        if line.number != 1:
            return False
        if event(frame) == "bot_uttered":
            held.append(frame)
            return True
        return isinstance(frame, str) and frame.startswith("43")

    router = Router(down=down)
    session = reroute_and_reload(chat, router)

    chat.ask(QUESTION)
    wait_until(chat.page, lambda: len(held) == first_parts, "Q1's answer to reach the route")
    chat.ask(FOLLOW_UP)
    expect(chat.user_messages).to_have_count(2)
    expect(chat.user_messages.first).to_have_attribute("data-status", "sent")
    expect(chat.user_messages.last).to_have_attribute("data-status", "queued")
    for frame in held:
        router.lines[0].page_side.send(frame)
    expect(chat.bot_messages).to_have_count(first_parts)  # Q1's answer, shown after Q2

    chat.page.reload()
    expect(chat.panel).to_be_visible()
    expect(chat.user_messages).to_have_count(2)
    expect(chat.user_messages.first).to_have_attribute("data-status", "delivered")
    expect(chat.user_messages.last).to_have_attribute("data-status", "delivered")
    assert asked(live_stack, session) == [QUESTION, FOLLOW_UP], "each question reaches Rasa once"
    expect(chat.bot_messages).to_have_count(first_parts + follow_up_parts)
    expect(notes(chat)).to_have_count(0)
    assert len(router.lines) >= 2
    chat.assert_no_problems()


def test_an_answer_cut_off_by_a_dropped_connection_is_completed_once(open_chat, live_stack):
    """The line drops after the first part of the answer (the urgent-help line and the buttons
    come last): the rest is shown after reconnecting, each part once, and Rasa is asked once."""
    (parts,) = parts_of_answers(open_chat, IN_PARTS)
    assert parts >= 2, "this test needs an answer in several parts"
    chat = open_chat()
    chat.open()
    state = {"armed": True}

    def down(line, frame):
        if state["armed"] and event(frame) == "bot_uttered":
            state["armed"] = False
            line.page_side.send(frame)  # the first part reaches the page, then the line drops
            line.cut()
            return True
        return False

    router = Router(down=down)
    session = reroute_and_reload(chat, router)
    chat.ask(IN_PARTS)
    wait_until(chat.page, lambda: len(router.lines) >= 2, "the connection to drop and come back")
    expect(chat.page.locator("cpsb-chat .cpsb")).to_have_attribute("data-state", "online")
    expect(chat.user_messages.last).to_have_attribute("data-status", "delivered")
    expect(chat.bot_messages).to_have_count(parts)
    expect(chat.quick_replies.first).to_be_visible()
    expect(notes(chat)).to_have_count(0)
    assert asked(live_stack, session) == [IN_PARTS]
    chat.assert_no_problems()


def test_an_answer_still_incomplete_after_reconnecting_says_so(open_chat, live_stack):
    """If, after the drop, the rest of the answer still does not arrive (here the resent parts
    are swallowed too), a short note says part of the answer may be missing."""
    (parts,) = parts_of_answers(open_chat, IN_PARTS)
    assert parts >= 2, "this test needs an answer in several parts"
    chat = open_chat()
    chat.open()
    state = {"armed": True}

    def down(line, frame):
        if event(frame) != "bot_uttered":
            return False
        if state["armed"]:
            state["armed"] = False
            line.page_side.send(frame)
            line.cut()
            return True
        return True  # nothing more of the answer gets through

    router = Router(down=down)
    session = reroute_and_reload(chat, router)
    chat.ask(IN_PARTS)
    wait_until(chat.page, lambda: len(router.lines) >= 2, "the connection to drop and come back")
    expect(chat.page.locator("cpsb-chat .cpsb")).to_have_attribute("data-state", "online")
    expect(chat.user_messages.last).to_have_attribute("data-status", "delivered")
    expect(notes(chat)).to_have_count(1)
    expect(notes(chat)).to_have_text(PART_MISSING)
    expect(chat.bot_messages).to_have_count(1)
    assert asked(live_stack, session) == [IN_PARTS]
    chat.assert_no_problems()


def test_moving_to_another_page_while_an_answer_is_pending_asks_once_and_shows_it_once(
    open_chat, live_stack
):
    """The question is on its way when the person moves to another page of the site; the new
    page sends it again. The first page's copy still reaches Rasa, late, while the new page is
    already in the conversation's room: Rasa must be asked once, and the answer shown once.

    Playwright closes a page's connections when it leaves, so the first page's late copy is sent
    by a socket.io client of our own, in the same conversation, exactly as the page had sent it."""
    import socketio

    (parts,) = parts_of_answers(open_chat, QUESTION)
    chat = open_chat()
    chat.open()
    held: Dict[str, object] = {}

    def up(line, frame):
        if event(frame) != "user_uttered" or "resend" in held:
            return False
        held["first" if line.number == 1 else "resend"] = (line, frame)
        return True

    router = Router(up=up)
    session = reroute_and_reload(chat, router)
    chat.ask(QUESTION)
    expect(chat.user_messages.last).to_have_attribute("data-status", "sent")
    wait_until(chat.page, lambda: "first" in held, "the question to reach the route")

    chat.page.goto(live_stack.web_url + "/professionals.html")
    expect(chat.panel).to_be_visible()
    wait_until(chat.page, lambda: "resend" in held, "the new page to send the question again")
    expect(chat.page.locator("cpsb-chat .cpsb")).to_have_attribute("data-state", "online")

    # The first page's copy arrives now (the new page is in the room), and the new page's copy
    # once the first is being answered.
    answering, acknowledged = threading.Event(), threading.Event()
    late = socketio.Client(reconnection=False)
    late.on("bot_uttered", lambda data: answering.set())
    confirmed = threading.Event()
    late.on("session_confirm", lambda data: confirmed.set())
    late.connect(live_stack.rasa_url, socketio_path="/socket.io", transports=["polling"])
    try:
        late.emit("session_request", {"session_id": session})
        assert confirmed.wait(TIMEOUT_MS / 1000), "no session_confirm"
        _, first_frame = held["first"]
        name, data = json.loads(re.match(r"42\d*(\[.*)", first_frame, re.S).group(1))
        late.emit(name, data, callback=lambda *args: acknowledged.set())
        assert answering.wait(TIMEOUT_MS / 1000), "the first copy was not answered"
        resend_line, resend_frame = held["resend"]
        resend_line.server_side.send(resend_frame)

        expect(chat.user_messages).to_have_count(1)
        expect(chat.user_messages.last).to_have_attribute("data-status", "delivered")
        assert acknowledged.wait(TIMEOUT_MS / 1000)
    finally:
        late.disconnect()
    assert asked(live_stack, session) == [QUESTION], "Rasa was asked twice"
    expect(chat.bot_messages).to_have_count(parts)
    expect(notes(chat)).to_have_count(0)
    chat.assert_no_problems()
