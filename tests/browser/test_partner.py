"""A partner's site on another origin embeds the widget with one snippet; its unfriendly CSS and
scripts do not reach the widget, and the widget leaves the page alone."""
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import urlsplit

from playwright.sync_api import expect

from .conftest import QUESTION, ChatPage


def test_partner_site_embeds_the_widget_across_origins(open_chat, live_stack, contacts):
    chat = open_chat(live_stack.partner_url + "/")
    page = chat.page
    board = urlsplit(live_stack.web_url)

    # One snippet, loading the widget from the Board's site: another origin.
    scripts = page.locator("script[src$='/widget.js']")
    expect(scripts).to_have_count(1)
    assert urlsplit(scripts.get_attribute("src")).port == board.port != urlsplit(page.url).port

    chat.open()
    answer = chat.ask_and_wait(QUESTION)
    assert answer
    expect(chat.urgent_line).to_contain_text(contacts["emergency"])

    # Relative links (the privacy page) point at the Board's site, not the partner's.
    privacy = page.locator("cpsb-chat .privacy a")
    assert privacy.get_attribute("href").startswith(f"{board.scheme}://{board.netloc}/")

    # The page's "/" shortcut does not take keys typed into the chat.
    chat.input.click()
    page.keyboard.type("dogs / babies")
    expect(chat.input).to_have_value("dogs / babies")
    assert page.evaluate("() => window.partnerShortcutUsed") == 0

    # The page's hostile CSS does not reach inside the widget ...
    styles = page.evaluate(
        """() => {
            const root = document.querySelector('cpsb-chat').shadowRoot;
            const send = getComputedStyle(root.querySelector('.send'));
            return {send: send.backgroundColor, sendFont: send.fontFamily,
                    textarea: getComputedStyle(root.querySelector('textarea')).display};
        }"""
    )
    assert styles["send"] == "rgb(29, 79, 145)", styles
    assert "Comic" not in styles["sendFont"], styles
    assert styles["textarea"] != "none", styles
    # ... and the widget leaves the page's own styles as they were.
    partner_button = page.get_by_role("button", name="A partner's own button")
    assert partner_button.evaluate("(b) => getComputedStyle(b).backgroundColor") == "rgb(255, 105, 180)"
    chat.assert_no_problems()


def test_site_not_on_the_allow_list_is_refused(new_context, live_stack, contacts):
    """A page on an origin the Board has not allowed gets the plain-words message, not the chat."""
    page_html = (
        '<!doctype html><html lang="en"><head><title>Not a partner</title></head><body><main>'
        f'<h1>Not a partner</h1></main><script src="{live_stack.web_url}/widget.js" defer></script>'
        "</body></html>"
    ).encode()

    class Page(BaseHTTPRequestHandler):
        def do_GET(self):  # noqa: N802
            self.send_response(200)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Content-Length", str(len(page_html)))
            self.end_headers()
            self.wfile.write(page_html)

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Page)  # a free port: not on the allow-list
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        chat = ChatPage(new_context().new_page()).goto(f"http://127.0.0.1:{server.server_port}/")
        chat.open()
        expect(chat.page.locator("cpsb-chat .status .offline")).to_contain_text("We can't reach the assistant right now.")
        expect(chat.urgent_line).to_contain_text(contacts["emergency"])
    finally:
        server.shutdown()
        server.server_close()
