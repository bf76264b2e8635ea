"""Markup in messages is shown as harmless text; only http(s) links are links, opening safely.

These pages are loaded with the page's Content-Security-Policy bypassed, so that it is the widget's
own rendering (marked + DOMPurify + its link rules), not the CSP, that keeps scripts from running.
"""
import json
import re

from playwright.sync_api import expect

from .conftest import QUESTION

ATTACKS = [
    '<img src=x onerror="window.__pwned=1">',
    "<script>window.__pwned=2</script>",
    '<a href="javascript:window.__pwned=3">tap here</a>',
    "[click me](javascript:window.__pwned=4)",
    "[data link](data:text/html;base64,PHNjcmlwdD53aW5kb3cuX19wd25lZD01PC9zY3JpcHQ+)",
    '<svg onload="window.__pwned=6"></svg> <iframe src="javascript:window.__pwned=7"></iframe>',
    '[**bold** link](https://example.org/ok) and <b onmouseover="window.__pwned=8">hover</b>',
    "[tricky](JaVaScRiPt:window.__pwned=9) [spaced]( javascript:window.__pwned=10 )",
    "![pixel](https://example.org/track.png) <style>*{display:none}</style>",
]


def dangerous_nodes(chat):
    """Elements in the conversation that could run script or load something."""
    return chat.page.evaluate(
        """() => {
            const log = document.querySelector('cpsb-chat').shadowRoot.querySelector('[role=log]');
            const bad = [];
            for (const el of log.querySelectorAll('*')) {
                const tag = el.tagName.toLowerCase();
                if (['script', 'img', 'svg', 'iframe', 'style', 'object', 'embed', 'form', 'input'].includes(tag)) bad.push(tag);
                for (const attr of el.attributes) {
                    if (attr.name.startsWith('on')) bad.push(tag + '[' + attr.name + ']');
                }
                if (tag === 'a' && !/^https?:/.test(el.getAttribute('href') || '')) bad.push('a[href=' + el.getAttribute('href') + ']');
            }
            return bad;
        }"""
    )


def test_user_message_markup_is_shown_as_text(open_chat):
    chat = open_chat(bypass_csp=True)
    chat.open()
    for attack in ATTACKS[:4]:
        chat.ask_and_wait(attack)
        expect(chat.user_messages.last.locator(".bubble")).to_have_text(attack)
    assert dangerous_nodes(chat) == []
    assert chat.page.evaluate("() => window.__pwned") is None
    chat.assert_no_problems()


def test_bot_answer_markup_is_harmless_and_links_are_safe(open_chat, live_stack):
    """Real answers from Rasa, with attacks slipped in on the wire between Rasa and the page."""
    chat_holder = {}

    def route(ws):
        server = ws.connect_to_server()
        chat_holder["page_side"] = ws
        ws.on_message(lambda message: server.send(message))
        server.on_message(lambda message: ws.send(message))

    context_chat = open_chat(bypass_csp=True)
    page = context_chat.page
    page.route_web_socket(re.compile(r"/socket\.io/"), route)
    page.reload()
    chat = context_chat
    chat.open()
    chat.ask_and_wait(QUESTION)
    assert "page_side" in chat_holder, "the widget did not use the WebSocket transport"

    # Bot messages as Rasa's socket.io channel sends them, each with an attack in it.
    before = chat.bot_messages.count()
    for attack in ATTACKS:
        frame = "42" + json.dumps(["bot_uttered", {"text": f"Answer: {attack}", "quick_replies": [
            {"content_type": "text", "title": '<img src=x onerror="window.__pwned=11">', "payload": "hello"}]}])
        chat_holder["page_side"].send(frame)
    expect(chat.bot_messages).to_have_count(before + len(ATTACKS))

    # Raw HTML is shown as the text it is.
    expect(chat.bot_messages.nth(before).locator(".bubble")).to_contain_text('<img src=x onerror="window.__pwned=1">')
    expect(chat.bot_messages.nth(before + 1).locator(".bubble")).to_contain_text("<script>window.__pwned=2</script>")
    # A javascript: markdown link keeps its words but is not a link.
    click_me = chat.bot_messages.nth(before + 3).locator(".bubble")
    expect(click_me).to_contain_text("click me")
    expect(click_me.locator("a")).to_have_count(0)
    click_me.click()
    # Quick-reply titles are text too.
    expect(chat.quick_replies.first).to_have_text('<img src=x onerror="window.__pwned=11">')
    for i in range(before, before + len(ATTACKS)):
        chat.bot_messages.nth(i).locator(".bubble").hover()
    assert dangerous_nodes(chat) == []
    assert chat.page.evaluate("() => window.__pwned") is None

    # The one http(s) link survives, opening in a new tab without access to this page.
    safe = chat.page.locator("cpsb-chat .msg-bot a[href='https://example.org/ok']")
    expect(safe).to_have_count(1)
    expect(safe).to_have_attribute("target", "_blank")
    expect(safe).to_have_attribute("rel", "noopener noreferrer")
    # Every link the assistant sent (its own sources included) is the same.
    links = chat.page.locator("cpsb-chat .msg-bot a")
    for i in range(links.count()):
        assert re.match(r"^https?://", links.nth(i).get_attribute("href"))
        assert links.nth(i).get_attribute("target") == "_blank"
        assert links.nth(i).get_attribute("rel") == "noopener noreferrer"
    chat.assert_no_problems()
