"""The widget's layout on awkward screens and pages: short screens (a phone with its keyboard up),
the full-screen panel on phones (the keyboard stays in it, the page behind is inert, even what the
page adds while it is open), a page whose <body> has a transform, a right-to-left page, and a
partner's settings (a long title or launcher label, long words, pale colours) at 320 px."""
import json
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


def board_page_changed_by(new_context, live_stack, change: str, **context_options) -> ChatPage:
    """The Board's demo page, changed by the JavaScript `change` before the widget's script runs.

    (A page served by Playwright itself would count as outside the loopback address space, and
    Chromium's local-network checks would then keep it from reaching Rasa on localhost.)
    """
    context = new_context(**context_options)
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
    assert first["inWidget"] and first["name"] == "Start again", first
    seen = []
    for _ in range(15):
        page.keyboard.press("Tab")
        active = chat.active_element()
        assert active["inWidget"], f"Tab left the chat for the page: {active} after {seen}"
        seen.append(active["name"])
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


# Adds [id, parent ("html" or "body"), button text, inert by the page's own choice] to the page.
ADD_TO_PAGE = """(items) => { for (const [id, parent, label, inert] of items) {
    const box = document.createElement('div');
    box.id = id;
    if (inert) box.setAttribute('inert', '');
    const button = document.createElement('button');
    button.textContent = label;
    box.appendChild(button);
    (parent === 'html' ? document.documentElement : document.body).appendChild(box);
} }"""
# Whether each element is inert, and whether its button takes the focus when asked to.
REACHABLE = """(ids) => Object.fromEntries(ids.map((id) => {
    const button = document.querySelector('#' + id + ' button');
    button.focus();
    const focused = document.activeElement === button;
    button.blur();
    return [id, {inert: button.closest('[inert]') !== null, focusable: focused}];
}))"""


def after_the_widget_has_seen(page) -> None:
    """Returns once the page's own script task is over, so every MutationObserver has run."""
    page.evaluate("() => new Promise((resolve) => setTimeout(resolve, 0))")


def exposed_names(page) -> set:
    """The names screen readers get: Chromium's accessibility tree, leaving out what it ignores."""
    session = page.context.new_cdp_session(page)
    try:
        nodes = session.send("Accessibility.getFullAXTree")["nodes"]
    finally:
        session.detach()
    return {n["name"]["value"] for n in nodes if not n.get("ignored") and n.get("name", {}).get("value")}


def test_what_the_page_adds_while_the_full_screen_panel_is_open_is_inert_until_it_closes(open_chat):
    chat = open_chat(viewport={"width": 320, "height": 640}, **PHONE)
    page = chat.page
    page.evaluate(ADD_TO_PAGE, [["page-own-inert", "html", "Page's own", True]])
    chat.open()
    page.wait_for_function("() => document.body.hasAttribute('inert')")

    # While it is open, a script of the page adds a cookie banner beside <body> (under <html>),
    # a button inside <body>, and a dialog of its own that it makes inert itself.
    page.evaluate(ADD_TO_PAGE, [["cookie-banner", "html", "Accept cookies", False],
                                ["sales-chat", "body", "Chat with sales", False],
                                ["own-dialog", "html", "Page dialog", True]])
    after_the_widget_has_seen(page)
    reach = page.evaluate(REACHABLE, ["cookie-banner", "sales-chat"])
    assert reach == {"cookie-banner": {"inert": True, "focusable": False},
                     "sales-chat": {"inert": True, "focusable": False}}, reach
    hidden = {"Accept cookies", "Chat with sales"} & exposed_names(page)
    assert not hidden, f"screen readers can reach {hidden} behind the full-screen chat"
    page.get_by_role("button", name="Send").focus()
    for _ in range(15):
        page.keyboard.press("Tab")
        active = chat.active_element()
        assert active["inWidget"], f"Tab left the chat for the page: {active}"

    # The page gives <body> back (its own dialog closed, say): inert again while the chat is open.
    page.evaluate("() => document.body.removeAttribute('inert')")
    after_the_widget_has_seen(page)
    assert page.evaluate("() => document.body.hasAttribute('inert')"), "the page behind came back"
    # The page makes something the widget made inert inert itself: that is the page's choice now.
    page.evaluate(ADD_TO_PAGE, [["later-own", "html", "Later own", False]])
    after_the_widget_has_seen(page)
    page.evaluate("() => document.getElementById('later-own').setAttribute('inert', '')")
    after_the_widget_has_seen(page)

    page.keyboard.press("Escape")
    expect(chat.panel).to_be_hidden()
    page.wait_for_function("() => !document.body.hasAttribute('inert')")
    after = page.evaluate(
        """() => Object.fromEntries(['page-own-inert', 'cookie-banner', 'sales-chat', 'own-dialog', 'later-own']
            .map((id) => [id, document.getElementById(id).closest('[inert]') !== null]))"""
    )
    # Exactly as the page had it: its own inert elements stay inert, the rest are usable.
    assert after == {"page-own-inert": True, "cookie-banner": False, "sales-chat": False,
                     "own-dialog": True, "later-own": True}, after
    assert page.evaluate(REACHABLE, ["cookie-banner"])["cookie-banner"]["focusable"]
    assert {"Accept cookies", "Chat with sales"} <= exposed_names(page)

    # Closed, the widget no longer watches the page: what it adds now is left alone.
    page.evaluate(ADD_TO_PAGE, [["after-close", "html", "After close", False]])
    after_the_widget_has_seen(page)
    assert not page.evaluate("() => document.getElementById('after-close').hasAttribute('inert')")
    # Open again: all of it is inert again; closed again: all of it is back.
    chat.open()
    page.wait_for_function("() => document.body.hasAttribute('inert')")
    assert page.evaluate(REACHABLE, ["cookie-banner", "after-close"]) == {
        "cookie-banner": {"inert": True, "focusable": False}, "after-close": {"inert": True, "focusable": False}}
    page.get_by_role("button", name="Close chat").click()
    page.wait_for_function("() => !document.body.hasAttribute('inert')")
    assert page.evaluate(REACHABLE, ["cookie-banner", "after-close"]) == {
        "cookie-banner": {"inert": False, "focusable": True}, "after-close": {"inert": False, "focusable": True}}
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


# --- 8. a partner's settings at 320 px: long title and label, long words, pale colours ----------
LONG_TITLE = "Cambridgeshire and Peterborough Safeguarding Partnership Board: dogs, babies and young children"
# German makes long words: one that is wider than a 320 px screen.
LONG_WORD = "Hundesicherheitsberatungsstellenkontaktformular"
# 199 characters (the widget takes up to 200).
LONG_LABEL = ("Ask our safeguarding assistant anything about dogs, babies, toddlers and young children: "
              "at home, on walks, and when you visit family or friends who have a dog, big or small, old or young, any breed")
MIN_TARGET = 44  # CSS px: every header button (2.75em at the default text size)


def partner_page(new_context, live_stack, size: str, **options) -> ChatPage:
    """The Board's demo page with the widget's tag given a partner's data- options (no waiting
    for the default launcher label: the label may be one of the options)."""
    width, height = SIZES[size]
    sets = "".join(f"s.setAttribute('data-{name.replace('_', '-')}', {json.dumps(value)});"
                   for name, value in options.items())
    context = new_context(viewport={"width": width, "height": height}, **PHONE)
    context.add_init_script(
        script="document.addEventListener('readystatechange', () => {"
        " if (document.readyState === 'interactive') {"
        f" const s = document.querySelector('script[src=\"/widget.js\"]'); {sets} }} }});"
    )
    chat = ChatPage(context.new_page())
    chat.page.goto(live_stack.web_url + "/")
    expect(chat.page.locator("cpsb-chat .launcher")).to_be_visible()
    return chat


def open_by_launcher(chat: ChatPage) -> None:
    chat.page.locator("cpsb-chat .launcher").click()
    expect(chat.panel).to_be_visible()
    wait_still(chat.page)


HEADER_TITLE = """() => {
    const h = document.querySelector('cpsb-chat').shadowRoot.querySelector('.header h2');
    const style = getComputedStyle(h);
    return {text: h.textContent, title: h.getAttribute('title'), height: h.getBoundingClientRect().height,
            lineHeight: parseFloat(style.lineHeight),
            cut: h.scrollHeight > h.clientHeight + 1 || h.scrollWidth > h.clientWidth + 1};
}"""


@pytest.mark.parametrize("title", [LONG_TITLE, LONG_WORD * 2], ids=["long-title", "long-word"])
@pytest.mark.parametrize("size", ["320x256", "320x640"])
def test_long_title_keeps_the_header_to_two_lines(new_context, live_stack, size, title):
    chat = partner_page(new_context, live_stack, size, title=title)
    page = chat.page
    open_by_launcher(chat)

    heading = page.evaluate(HEADER_TITLE)
    assert heading["height"] < 2.5 * heading["lineHeight"], f"the title takes more than two lines: {heading}"
    assert heading["cut"], heading
    # All of it for screen readers (it names the dialog) and as a tooltip.
    assert heading["text"] == title and heading["title"] == title, heading
    expect(page.get_by_role("dialog", name=title, exact=True)).to_be_visible()

    title_box = page.locator("cpsb-chat .header h2").bounding_box()
    for name in ("Start again", "Close chat"):
        button = assert_inside_viewport(page, page.get_by_role("button", name=name), name)
        assert button["width"] >= MIN_TARGET - 0.01 and button["height"] >= MIN_TARGET - 0.01, (name, button)
        assert button["x"] >= title_box["x"] + title_box["width"] - 0.5, f"{name} overlaps the title"
    assert_inside_viewport(page, chat.urgent_line, "the urgent line")
    assert_inside_viewport(page, chat.input, "the text box")
    page.get_by_role("button", name="Close chat").click()
    expect(chat.panel).to_be_hidden()
    chat.assert_no_problems()


@pytest.mark.parametrize("size", ["320x256", "320x640"])
def test_the_default_title_shows_whole_on_the_narrowest_phone(new_context, live_stack, size):
    chat = partner_page(new_context, live_stack, size)
    open_by_launcher(chat)
    heading = chat.page.evaluate(HEADER_TITLE)
    assert not heading["cut"], f"the Board's own title is cut: {heading}"
    chat.assert_no_problems()


LAUNCHER_LABEL = """() => {
    const root = document.querySelector('cpsb-chat').shadowRoot;
    const launcher = root.querySelector('.launcher');
    const label = launcher.querySelector('span');
    const box = (e) => { const r = e.getBoundingClientRect(); return {left: r.left, right: r.right, height: r.height}; };
    return {launcher: box(launcher), label: box(label), lineHeight: parseFloat(getComputedStyle(label).lineHeight),
            overflow: label.scrollWidth - label.clientWidth, title: launcher.getAttribute('title')};
}"""


@pytest.mark.parametrize("position", ["right", "Left"])
@pytest.mark.parametrize("label", [LONG_LABEL, LONG_WORD], ids=["long-label", "long-word"])
def test_long_launcher_label_stays_in_its_button_with_the_urgent_line_on_screen(new_context, live_stack, label, position):
    chat = partner_page(new_context, live_stack, "320x256", launcher_label=label, position=position)
    page = chat.page
    launcher = page.get_by_role("button", name=label, exact=True)  # its name is the whole label
    expect(launcher).to_be_visible()
    assert_inside_viewport(page, launcher, "the launcher")
    # The corner asked for, whatever its case ("Left" is left): the urgent line, narrower than
    # the launcher here, shows which side they are against.
    pill = page.locator("cpsb-chat .urgent-pill").bounding_box()
    if position.lower() == "left":
        assert abs(pill["x"] - 16) <= 0.5, f"not in the left corner: {pill}"
    else:
        assert abs(pill["x"] + pill["width"] - (320 - 16)) <= 0.5, f"not in the right corner: {pill}"
    assert_inside_viewport(page, page.locator("cpsb-chat .urgent-pill"), "the urgent line beside the launcher")
    shown = page.evaluate(LAUNCHER_LABEL)
    assert shown["overflow"] <= 1, f"the label is wider than its button: {shown}"
    assert shown["launcher"]["left"] <= shown["label"]["left"] and shown["label"]["right"] <= shown["launcher"]["right"], shown
    assert shown["label"]["height"] < 2.5 * shown["lineHeight"], f"more than two lines: {shown}"
    assert shown["title"] == label, shown
    open_by_launcher(chat)
    assert_inside_viewport(page, page.get_by_role("button", name="Close chat"), "the close button")
    chat.assert_no_problems()


def test_greeting_with_a_long_word_does_not_scroll_sideways(new_context, live_stack):
    chat = partner_page(new_context, live_stack, "320x640", greeting=f"Willkommen bei der {LONG_WORD}.")
    page = chat.page
    open_by_launcher(chat)
    assert_inside_viewport(page, page.locator("cpsb-chat .intro p").first, "the greeting")
    sideways = page.evaluate(
        """() => { const s = document.querySelector('cpsb-chat').shadowRoot.querySelector('.scroller');
                   return s.scrollWidth - s.clientWidth; }"""
    )
    assert sideways <= 1, f"the message area scrolls sideways by {sideways} px"
    chat.assert_no_problems()


def _luminance(rgb: str) -> float:
    values = [int(v) / 255 for v in re.findall(r"\d+", rgb)[:3]]
    lin = [v / 12.92 if v <= 0.03928 else ((v + 0.055) / 1.055) ** 2.4 for v in values]
    return 0.2126 * lin[0] + 0.7152 * lin[1] + 0.0722 * lin[2]


def contrast(a: str, b: str) -> float:
    x, y = sorted([_luminance(a), _luminance(b)], reverse=True)
    return (x + 0.05) / (y + 0.05)


EDGES = """() => {
    const root = document.querySelector('cpsb-chat').shadowRoot;
    const style = (s) => getComputedStyle(root.querySelector(s));
    return {send: style('.send').borderTopColor, composer: style('.composer').backgroundColor,
            bubble: style('.msg-user .bubble').borderTopColor,
            bubbleEdge: parseFloat(style('.msg-user .bubble').borderTopWidth), panel: style('.panel').backgroundColor,
            header: style('.header').backgroundColor, headerText: style('.header h2').color};
}"""


def test_pale_primary_colour_keeps_send_and_your_messages_visible(new_context, live_stack):
    """White is a valid primary colour: Send and the person's own messages still have an edge
    (3:1 against the white around them, WCAG 1.4.11), and the header text reads."""
    chat = partner_page(new_context, live_stack, "320x640", primary_color="#ffffff", urgent_color="#000000")
    open_by_launcher(chat)
    chat.ask_and_wait(QUESTION)
    colours = chat.page.evaluate(EDGES)
    assert contrast(colours["send"], colours["composer"]) >= 3, colours
    assert colours["bubbleEdge"] >= 1 and contrast(colours["bubble"], colours["panel"]) >= 3, colours
    assert contrast(colours["headerText"], colours["header"]) >= 4.5, colours
    chat.assert_no_problems()
