"""The widget's layout on awkward screens and pages: short screens (a phone with its keyboard up),
the full-screen panel on phones (the keyboard stays in it, the page behind is inert), a page whose
<body> has a transform, and a right-to-left page."""
import re

import pytest
from playwright.sync_api import expect

from .conftest import QUESTION, ChatPage

OFFLINE = "We can't reach the assistant right now."
PHONE = {"device_scale_factor": 2, "is_mobile": True, "has_touch": True}


def wait_still(page) -> None:
    """Waits until the panel's opening movement is over (the typing dots' endless one aside)."""
    page.wait_for_function(
        """() => document.querySelector('cpsb-chat').shadowRoot.getAnimations()
            .every((a) => a.effect.getTiming().iterations === Infinity || a.playState !== 'running')"""
    )


def assert_inside_viewport(page, locator, what: str) -> dict:
    """The whole of the element's box is on screen (not just a corner of it)."""
    box = locator.bounding_box()
    size = page.viewport_size
    assert box is not None, f"{what} is not shown"
    inside = (box["x"] >= -0.5 and box["y"] >= -0.5 and box["x"] + box["width"] <= size["width"] + 0.5
              and box["y"] + box["height"] <= size["height"] + 0.5)
    assert inside, f"{what} is not inside the {size['width']}x{size['height']} viewport: {box}"
    return box


def cut_off_socket(context) -> None:
    """Rasa cannot be reached: every socket.io request fails and every WebSocket is closed."""
    context.route("**/socket.io/**", lambda route: route.abort())
    context.route_web_socket(re.compile(r"/socket\.io/"), lambda ws: ws.close())


def board_page_changed_by(new_context, live_stack, change: str) -> ChatPage:
    """The Board's demo page, changed by the JavaScript `change` before the widget's script runs.

    (A page served by Playwright itself would count as outside the loopback address space, and
    Chromium's local-network checks would then keep it from reaching Rasa on localhost.)
    """
    context = new_context()
    context.add_init_script(
        script="document.addEventListener('readystatechange', () => {"
        f" if (document.readyState === 'interactive') {{ {change} }} }});"
    )
    return ChatPage(context.new_page()).goto(live_stack.web_url + "/")


# --- 4. short screens: the header's buttons, the urgent line and the text box stay on screen ---
SIZES = {"320x256": (320, 256), "568x320": (568, 320), "320x640": (320, 640)}


@pytest.mark.parametrize("connection", ["online", "offline"])
@pytest.mark.parametrize("size", list(SIZES))
def test_controls_stay_on_short_screens(new_context, live_stack, contacts, size, connection):
    width, height = SIZES[size]
    context = new_context(viewport={"width": width, "height": height}, **PHONE)
    if connection == "offline":
        cut_off_socket(context)
    chat = ChatPage(context.new_page()).goto(live_stack.web_url + "/")
    page = chat.page
    chat.open()
    if connection == "offline":
        status = page.locator("cpsb-chat .status .offline")
        expect(status).to_contain_text(OFFLINE)
    else:
        expect(page.locator("cpsb-chat .cpsb")).to_have_attribute("data-state", "online")
        chat.ask_and_wait(QUESTION)  # a long conversation fills the message area
    wait_still(page)

    for locator, what in (
        (page.get_by_role("button", name="Close chat"), "the close button"),
        (page.get_by_role("button", name="Start again"), "Start again"),
        (chat.input, "the text box"),
        (page.get_by_role("button", name="Send"), "Send"),
    ):
        assert_inside_viewport(page, locator, what)
    urgent = assert_inside_viewport(page, chat.urgent_line, "the urgent line")
    # The number to call is in the part of the urgent line that shows, not scrolled out of it.
    number = assert_inside_viewport(page, chat.urgent_line.get_by_role("link", name=contacts["emergency"]), "999")
    assert urgent["y"] <= number["y"] and number["y"] + number["height"] <= urgent["y"] + urgent["height"] + 0.5
    if connection == "offline":
        assert_inside_viewport(page, page.locator("cpsb-chat .status"), "the offline message")
        heading = assert_inside_viewport(page, page.locator("cpsb-chat .status strong"), "the offline heading")
        assert heading["height"] > 0
    # The panel itself has nothing hidden below its edge that only scrolling it would show.
    clipped = page.evaluate(
        """() => { const panel = document.querySelector('cpsb-chat').shadowRoot.querySelector('.panel');
                   return {scrollTop: panel.scrollTop, overflow: panel.scrollHeight - panel.clientHeight}; }"""
    )
    assert clipped["scrollTop"] == 0 and clipped["overflow"] <= 1, clipped
    if connection == "online":  # offline, the browser logs the refused connections
        chat.assert_no_problems()


# --- 5. phones: the full-screen panel keeps the keyboard, and the page behind is inert ---------
INERT_STATE = """() => {
    const host = document.querySelector('cpsb-chat');
    return {
        body: document.body.hasAttribute('inert'),
        host: host.closest('[inert]') !== null,
        pageOwn: document.getElementById('page-own-inert').hasAttribute('inert'),
    };
}"""


def test_full_screen_panel_keeps_focus_and_makes_the_page_inert(open_chat):
    chat = open_chat(viewport={"width": 320, "height": 640}, **PHONE)
    page = chat.page
    # Something the page itself made inert: the widget must leave it inert when it is done.
    page.evaluate(
        """() => { const own = document.createElement('div'); own.id = 'page-own-inert';
                   own.setAttribute('inert', ''); own.textContent = 'page'; document.documentElement.appendChild(own); }"""
    )
    chat.open()
    page.wait_for_function("() => document.body.hasAttribute('inert')")
    assert page.evaluate(INERT_STATE) == {"body": True, "host": False, "pageOwn": True}
    expect(chat.panel).to_have_attribute("aria-modal", "true")

    # Tab from the last control goes round to the first; it never reaches the page underneath.
    page.get_by_role("button", name="Send").focus()
    page.keyboard.press("Tab")
    first = chat.active_element()
    assert first["inWidget"] and first["text"] == "Start again", first
    seen = []
    for _ in range(15):
        page.keyboard.press("Tab")
        active = chat.active_element()
        assert active["inWidget"], f"Tab left the chat for the page: {active} after {seen}"
        seen.append(active["text"] or active["label"])
    assert "Send" in seen and "Start again" in seen, seen
    # Shift+Tab from the first goes round to the last.
    page.get_by_role("button", name="Start again").focus()
    page.keyboard.press("Shift+Tab")
    last = chat.active_element()
    assert last["inWidget"] and last["text"] == "Send", last
    for _ in range(15):
        page.keyboard.press("Shift+Tab")
        active = chat.active_element()
        assert active["inWidget"], f"Shift+Tab left the chat for the page: {active}"

    # Escape still closes and gives the focus back to the launcher; the page is usable again.
    page.keyboard.press("Escape")
    expect(chat.panel).to_be_hidden()
    expect(chat.launcher).to_be_focused()
    page.wait_for_function("() => !document.body.hasAttribute('inert')")
    assert page.evaluate(INERT_STATE) == {"body": False, "host": False, "pageOwn": True}

    # Open, then the window grows past the phone breakpoint: the panel is no longer full-screen,
    # so the page is no longer inert (and comes back when it shrinks again).
    chat.open()
    page.wait_for_function("() => document.body.hasAttribute('inert')")
    page.set_viewport_size({"width": 1280, "height": 800})
    page.wait_for_function("() => !document.body.hasAttribute('inert')")
    expect(chat.panel).not_to_have_attribute("aria-modal", "true")
    page.set_viewport_size({"width": 320, "height": 640})
    page.wait_for_function("() => document.body.hasAttribute('inert')")
    page.get_by_role("button", name="Close chat").click()
    page.wait_for_function("() => !document.body.hasAttribute('inert')")
    assert page.evaluate(INERT_STATE) == {"body": False, "host": False, "pageOwn": True}
    chat.assert_no_problems()


def test_axe_finds_no_serious_problems_in_the_full_screen_panel(open_chat, artifacts):
    chat = open_chat(viewport={"width": 320, "height": 640}, **PHONE)
    chat.open()
    chat.page.wait_for_function("() => document.body.hasAttribute('inert')")
    chat.ask_and_wait(QUESTION)
    violations = chat.run_axe("phone-full-screen", artifacts)
    assert violations == [], violations
    chat.assert_no_problems()


def test_desktop_panel_does_not_trap_focus(open_chat):
    """A small panel beside the page is not a dialog over it: Tab can reach the page."""
    chat = open_chat()
    page = chat.page
    chat.open()
    assert not page.evaluate("() => document.body.hasAttribute('inert')")
    page.get_by_role("button", name="Send").focus()
    left = False
    for _ in range(30):
        page.keyboard.press("Tab")
        if not chat.active_element().get("inWidget", True):
            left = True
            break
    assert left, "Tab never left the chat on a desktop-sized window"
    chat.assert_no_problems()


# --- 6. a page whose <body> has a transform ---------------------------------------------------
# A long page whose body has a transform, as some smooth-scrolling and animation libraries set.
TRANSFORM_BODY = "document.body.style.transform = 'translateZ(0)'; document.body.style.minHeight = '4000px';"


def test_launcher_and_panel_stay_put_when_the_body_has_a_transform(new_context, live_stack):
    chat = board_page_changed_by(new_context, live_stack, TRANSFORM_BODY)
    page = chat.page
    assert page.evaluate("() => getComputedStyle(document.body).transform") != "none"
    assert_inside_viewport(page, chat.launcher, "the launcher at the top of the page")

    page.evaluate("() => window.scrollTo(0, 1500)")
    page.wait_for_function("() => window.scrollY >= 1500")
    assert_inside_viewport(page, chat.launcher, "the launcher after scrolling down")

    chat.open()
    wait_still(page)
    assert_inside_viewport(page, chat.panel, "the panel")
    assert_inside_viewport(page, chat.input, "the text box")
    assert chat.ask_and_wait(QUESTION)
    chat.assert_no_problems()


# --- 7. a right-to-left page -------------------------------------------------------------------
# An Urdu page: right to left from its <html> element down.
RTL_PAGE = "document.documentElement.lang = 'ur'; document.documentElement.dir = 'rtl';"


def test_widget_is_left_to_right_on_a_right_to_left_page(new_context, live_stack, contacts):
    chat = board_page_changed_by(new_context, live_stack, RTL_PAGE)
    assert chat.page.evaluate("() => getComputedStyle(document.body).direction") == "rtl"
    page = chat.page
    chat.open()
    wait_still(page)
    directions = page.evaluate(
        """() => { const root = document.querySelector('cpsb-chat').shadowRoot;
                   return ['.cpsb', '.header', '.urgent', 'textarea', '.launcher']
                       .map((s) => getComputedStyle(root.querySelector(s)).direction); }"""
    )
    assert directions == ["ltr"] * 5, directions

    # Not mirrored: the title on the left, Start again and close on its right.
    title = page.locator("cpsb-chat .header h2").bounding_box()
    restart = page.get_by_role("button", name="Start again").bounding_box()
    close = page.get_by_role("button", name="Close chat").bounding_box()
    assert title["x"] < restart["x"] < close["x"], (title, restart, close)

    # English punctuation stays where it belongs: "call 111." not "call .111".
    order = page.evaluate(
        """(number) => {
            const urgent = document.querySelector('cpsb-chat').shadowRoot.querySelector('.urgent');
            const link = Array.from(urgent.querySelectorAll('a')).find((a) => a.textContent === number);
            const tail = link.nextSibling;  // the text after the number: "."
            const range = document.createRange();
            range.setStart(tail, 0);
            range.setEnd(tail, 1);
            return {text: tail.textContent, dot: range.getBoundingClientRect().left,
                    number: link.getBoundingClientRect().right};
        }""",
        contacts["nhs_111"],
    )
    assert order["text"].startswith("."), order
    assert order["dot"] >= order["number"] - 1, order

    assert chat.ask_and_wait(QUESTION)
    chat.assert_no_problems()
