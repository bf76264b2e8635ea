"""Network drops and a server that goes away: nothing lost, nothing answered twice, help still shown."""
import re

from playwright.sync_api import expect

from .conftest import QUESTION

OFFLINE = "We can't reach the assistant right now."


def test_server_down_shows_offline_message_then_reconnects_and_answers_once(open_chat, live_stack, contacts, artifacts):
    chat = open_chat()
    chat.open()
    baseline = chat.ask_and_wait(QUESTION)  # how many messages one answer to this question is

    live_stack.stop_rasa()
    try:
        offline = chat.page.locator("cpsb-chat .status .offline")
        expect(offline).to_contain_text(OFFLINE)
        expect(chat.urgent_line).to_be_visible()
        expect(chat.urgent_line).to_contain_text(contacts["emergency"])
        expect(chat.urgent_line.get_by_role("link", name=contacts["emergency"])).to_have_attribute(
            "href", "tel:" + re.sub(r"[^0-9+]", "", contacts["emergency"])
        )
        # A question asked while the server is down waits, saying so.
        chat.ask(QUESTION)
        expect(chat.user_messages.last).to_have_attribute("data-status", "queued")
        expect(chat.user_messages.last.locator(".msg-state")).to_contain_text("Not sent yet")
        chat.page.screenshot(path=str(artifacts / "widget-desktop-offline.png"))
        # Closed, the urgent line is still on screen.
        chat.page.keyboard.press("Escape")
        expect(chat.page.locator("cpsb-chat .urgent-pill")).to_be_visible()
        expect(chat.page.locator("cpsb-chat .urgent-pill")).to_contain_text(contacts["emergency"])
        chat.launcher.click()
    finally:
        live_stack.start_rasa()

    # Back: the queued question is sent once and answered once.
    replies = chat.wait_answered(2)
    expect(chat.page.locator("cpsb-chat .status .offline")).to_have_count(0)
    assert len(replies) == len(baseline), chat.transcript()
    # The next message is answered, once.
    again = chat.ask_and_wait(QUESTION)
    assert len(again) == len(baseline), chat.transcript()
    expect(chat.user_messages).to_have_count(3)
    expect(chat.bot_messages).to_have_count(3 * len(baseline))


def frames_router(drop):
    """A WebSocket route that passes frames both ways and lets `drop(ws, message, direction)`
    cut the connection at a chosen moment (it returns True to swallow the frame and hang up)."""
    connections = []

    def route(ws):
        server = ws.connect_to_server()
        connections.append(ws)
        number = len(connections)

        def to_server(message):
            if drop(number, message, "up"):
                ws.close()
                server.close()
                return
            server.send(message)

        def to_page(message):
            if drop(number, message, "down"):
                ws.close()
                server.close()
                return
            ws.send(message)

        ws.on_message(to_server)
        server.on_message(to_page)

    return route, connections


def test_drop_before_the_answer_resends_the_question_once(open_chat):
    """The question reached Rasa but the line dropped before the answer came back."""
    chat = open_chat()
    chat.open()
    baseline = chat.ask_and_wait(QUESTION)

    state = {"armed": True}

    def drop(connection, message, direction):
        # The question goes through to Rasa; the line drops as its first answer comes back.
        if state["armed"] and direction == "down" and isinstance(message, str) and '"bot_uttered"' in message:
            state["armed"] = False
            return True
        return False

    route, connections = frames_router(drop)
    chat.page.route_web_socket(re.compile(r"/socket\.io/"), route)
    chat.page.reload()
    expect(chat.panel).to_be_visible()
    expect(chat.page.locator("cpsb-chat .typing")).to_be_hidden()
    chat.ask(QUESTION)
    replies = chat.wait_answered(2)
    assert len(connections) >= 2, "the connection was not dropped"
    assert len(replies) == len(baseline), chat.transcript()
    expect(chat.user_messages).to_have_count(2)


def test_drop_after_the_answer_does_not_ask_twice(open_chat):
    """The answer arrived but the line dropped before the acknowledgement: no second answer."""
    chat = open_chat()
    chat.open()
    baseline = chat.ask_and_wait(QUESTION)

    state = {"armed": True, "answers": 0}

    def drop(connection, message, direction):
        if not isinstance(message, str) or direction != "down":
            return False
        if message.startswith("42") and '"bot_uttered"' in message:
            state["answers"] += 1
        elif state["armed"] and message.startswith("43") and state["answers"]:
            state["armed"] = False  # the acknowledgement: swallow it and hang up
            state["answers_before_drop"] = state["answers"]
            return True
        return False

    route, connections = frames_router(drop)
    chat.page.route_web_socket(re.compile(r"/socket\.io/"), route)
    chat.page.reload()
    expect(chat.panel).to_be_visible()
    chat.ask(QUESTION)
    expect(chat.user_messages).to_have_count(2)
    expect(chat.user_messages.last).to_have_attribute("data-status", "delivered")
    # Reconnected (a second connection, in the room again) with nothing resent.
    expect(chat.page.locator("cpsb-chat .cpsb")).to_have_attribute("data-state", "online")
    assert len(connections) >= 2, "the connection was not dropped"
    replies = chat.replies_to_last()
    assert len(replies) == len(baseline), chat.transcript()
    # The conversation carries on normally, and the dropped question was not asked again.
    chat.ask_and_wait("What are the warning signs in dogs?")
    expect(chat.user_messages).to_have_count(3)
    answers_to_third = len(chat.replies_to_last())
    assert state["answers"] == state["answers_before_drop"] + answers_to_third, "asked twice"
