"""The whole flow with the keyboard only: open, ask, quick reply, close with Escape, Start again."""
from playwright.sync_api import expect

from .conftest import LAUNCHER, QUESTION

MAX_PRESSES = 60  # more than any route through the page needs


def press_until(chat, key, wanted, what):
    """Presses key until the focused element matches wanted(element info); returns that info."""
    for _ in range(MAX_PRESSES):
        chat.page.keyboard.press(key)
        active = chat.active_element()
        if wanted(active):
            return active
    raise AssertionError(f"{what} was not reached with {key} ({MAX_PRESSES} presses); last: {active}")


def assert_focus_visible(active):
    assert active["outline"].startswith("solid") and not active["outline"].endswith(" 0px"), active


def test_keyboard_only_flow(open_chat):
    chat = open_chat()
    page = chat.page

    launcher = press_until(chat, "Tab", lambda a: a.get("inWidget") and LAUNCHER in a["text"], "the launcher")
    assert_focus_visible(launcher)
    page.keyboard.press("Enter")
    expect(chat.panel).to_be_visible()
    expect(chat.input).to_be_focused()

    page.keyboard.type(QUESTION)
    page.keyboard.press("Enter")
    chat.wait_answered(1)
    expect(chat.input).to_be_focused()

    # Back from the text box to the answer's quick replies.
    quick = press_until(chat, "Shift+Tab", lambda a: a.get("payload"), "a quick reply")
    assert_focus_visible(quick)
    page.keyboard.press("Enter")
    chat.wait_answered(2)
    expect(chat.user_messages.last.locator(".bubble")).to_have_text(quick["text"])
    expect(chat.input).to_be_focused()

    # Escape closes, and the focus goes back to the launcher.
    page.keyboard.press("Escape")
    expect(chat.panel).to_be_hidden()
    active = chat.active_element()
    assert active["inWidget"] and LAUNCHER in active["text"], active
    expect(chat.launcher).to_have_attribute("aria-expanded", "false")

    # Open again: the conversation is still there. Start again from the keyboard.
    page.keyboard.press("Enter")
    expect(chat.panel).to_be_visible()
    expect(chat.user_messages).to_have_count(2)
    restart = press_until(chat, "Shift+Tab", lambda a: a["name"] == "Start again", "Start again")
    assert_focus_visible(restart)
    page.keyboard.press("Enter")
    expect(chat.log.locator(".msg")).to_have_count(0)
    expect(chat.input).to_be_focused()

    # Type, Tab to Send, press Space.
    page.keyboard.type("What are the warning signs in dogs?")
    page.keyboard.press("Tab")
    send = chat.active_element()
    assert send["text"] == "Send", send
    assert_focus_visible(send)
    page.keyboard.press("Space")
    chat.wait_answered(1)

    # The close button works from the keyboard too.
    close = press_until(chat, "Shift+Tab", lambda a: a["label"] == "Close chat", "the close button")
    assert_focus_visible(close)
    page.keyboard.press("Enter")
    expect(chat.panel).to_be_hidden()
    assert LAUNCHER in chat.active_element()["text"]
    chat.assert_no_problems()
