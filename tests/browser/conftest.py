"""Browser tests of the chat widget: Debian's Chromium driven by Playwright, against the live
servers from the `live_stack` fixture (tests/conftest.py).

Every wait is for a condition, with a timeout; nothing sleeps. Screenshots and axe reports go to
tests/artifacts/ (git-ignored).
"""
import json
import os
import re
from pathlib import Path
from typing import Callable, List

import pytest
from playwright.sync_api import Browser, BrowserContext, Page, expect, sync_playwright

ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = ROOT / "tests" / "artifacts"
AXE_JS = ROOT / "web" / "node_modules" / "axe-core" / "axe.min.js"
CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
# Generous: Rasa answers in well under a second, but CI machines are shared and slow.
TIMEOUT_MS = 45_000
LAUNCHER = "Ask about dogs and children"
QUESTION = "How do I get my dog ready for the baby?"

expect.set_options(timeout=TIMEOUT_MS)


@pytest.fixture(scope="session")
def browser() -> Browser:
    if not Path(CHROMIUM).exists():
        pytest.fail(f"No Chromium at {CHROMIUM}: apt-get install -y chromium chromium-driver")
    with sync_playwright() as playwright:
        # Playwright gives every launch a fresh profile (user data dir) of its own.
        browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            browser.close()


@pytest.fixture
def new_context(browser) -> Callable[..., BrowserContext]:
    """Makes a fresh browser context (own storage, like a new visitor); closed after the test."""
    contexts: List[BrowserContext] = []

    def make(**options) -> BrowserContext:
        settings = {"viewport": {"width": 1280, "height": 800}, "locale": "en-GB", **options}
        context = browser.new_context(**settings)
        context.set_default_timeout(TIMEOUT_MS)
        contexts.append(context)
        return context

    yield make
    for context in contexts:
        context.close()


@pytest.fixture(scope="session")
def artifacts() -> Path:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    return ARTIFACTS


@pytest.fixture(scope="session")
def contacts():
    """The numbers the widget must show, from the one place they are written."""
    import sys

    sys.path.insert(0, str(ROOT))
    from assistant.contacts import load

    return load()


class ChatPage:
    """A page with the widget, and what a person does with it."""

    def __init__(self, page: Page) -> None:
        self.page = page
        self.problems: List[str] = []
        page.on("pageerror", lambda error: self.problems.append(f"page error: {error}"))
        page.on("console", self._console)

    def _console(self, message) -> None:
        text = message.text
        if "Content Security Policy" in text or "Refused to" in text:
            self.problems.append(f"CSP: {text}")
        elif message.type == "error" and "favicon" not in text and "Failed to load resource" not in text:
            self.problems.append(f"console error: {text}")

    # --- parts of the widget (Playwright's CSS locators pierce its open shadow root) ----------
    @property
    def launcher(self):
        return self.page.get_by_role("button", name=LAUNCHER)

    @property
    def panel(self):
        return self.page.locator("cpsb-chat .panel")

    @property
    def input(self):
        return self.page.get_by_role("textbox", name="Your question")

    @property
    def log(self):
        return self.page.locator("cpsb-chat [role=log]")

    @property
    def bot_messages(self):
        return self.page.locator("cpsb-chat .msg-bot")

    @property
    def user_messages(self):
        return self.page.locator("cpsb-chat .msg-user")

    @property
    def urgent_line(self):
        return self.page.locator("cpsb-chat .urgent")

    @property
    def quick_replies(self):
        return self.page.locator("cpsb-chat .quick-replies button")

    # --- actions -------------------------------------------------------------------------------
    def goto(self, url: str) -> "ChatPage":
        self.page.goto(url)
        expect(self.launcher).to_be_visible()
        return self

    def open(self) -> None:
        self.launcher.click()
        expect(self.panel).to_be_visible()
        expect(self.input).to_be_focused()

    def ask(self, text: str) -> None:
        self.input.fill(text)
        self.input.press("Enter")

    def wait_answered(self, user_count: int) -> List[str]:
        """Waits until the user's message number `user_count` is delivered and answered.

        python-socketio acknowledges a message after Rasa has sent every reply to it, and the
        widget marks the message "delivered" then: so every reply has arrived by now.
        """
        expect(self.user_messages).to_have_count(user_count)
        expect(self.user_messages.nth(user_count - 1)).to_have_attribute("data-status", "delivered")
        replies = self.replies_to_last()
        assert replies, "the message was acknowledged but no answer is shown"
        return replies

    def ask_and_wait(self, text: str) -> List[str]:
        count = self.user_messages.count()
        self.ask(text)
        return self.wait_answered(count + 1)

    def replies_to_last(self) -> List[str]:
        """Texts of the bot messages after the last user message."""
        return self.page.evaluate(
            """() => {
                const log = document.querySelector('cpsb-chat').shadowRoot.querySelector('[role=log]');
                const items = Array.from(log.children);
                const last = items.map((e) => e.classList.contains('msg-user')).lastIndexOf(true);
                return items.slice(last + 1).filter((e) => e.classList.contains('msg-bot'))
                    .map((e) => e.querySelector('.bubble').innerText);
            }"""
        )

    def transcript(self) -> List[str]:
        return self.page.evaluate(
            """() => Array.from(document.querySelector('cpsb-chat').shadowRoot
                .querySelectorAll('[role=log] .msg')).map((e) =>
                (e.classList.contains('msg-user') ? 'user: ' : e.classList.contains('msg-bot') ? 'bot: ' : 'note: ')
                + e.querySelector('.bubble, p').innerText)"""
        )

    def active_element(self) -> dict:
        """What has the keyboard focus, looking inside the widget's shadow root."""
        return self.page.evaluate(
            """() => {
                let el = document.activeElement;
                while (el && el.shadowRoot && el.shadowRoot.activeElement) el = el.shadowRoot.activeElement;
                if (!el) return {};
                const style = getComputedStyle(el);
                return {
                    tag: el.tagName.toLowerCase(),
                    text: (el.innerText || el.value || '').trim(),
                    label: el.getAttribute('aria-label') || '',
                    name: el.getAttribute('aria-label') || (el.innerText || el.value || '').trim(),
                    className: el.className || '',
                    inWidget: el.getRootNode() !== document,
                    outline: style.outlineStyle + ' ' + style.outlineWidth,
                    payload: el.dataset ? (el.dataset.payload || null) : null,
                };
            }"""
        )

    def session_id(self) -> str:
        return self.page.evaluate(
            """() => {
                for (let i = 0; i < sessionStorage.length; i++) {
                    const key = sessionStorage.key(i);
                    if (key.startsWith('cpsb-chat:')) return JSON.parse(sessionStorage.getItem(key)).sessionId;
                }
                return null;
            }"""
        )

    def run_axe(self, name: str, artifacts: Path) -> List[dict]:
        """axe-core on the whole page (it looks into open shadow roots); serious and critical only."""
        # Let the panel's opening movement finish (the typing dots' endless one aside).
        self.page.wait_for_function(
            """() => document.querySelector('cpsb-chat').shadowRoot.getAnimations()
                .every((a) => a.effect.getTiming().iterations === Infinity || a.playState !== 'running')"""
        )
        if not self.page.evaluate("() => typeof window.axe !== 'undefined'"):
            # Evaluated through the DevTools protocol, so the page's CSP does not block it.
            self.page.evaluate(AXE_JS.read_text(encoding="utf-8") + "\n;0")
        result = self.page.evaluate(
            """async () => {
                const r = await axe.run(document, {
                    runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa', 'best-practice']},
                    resultTypes: ['violations'],
                });
                return r.violations.map((v) => ({id: v.id, impact: v.impact, help: v.help,
                    nodes: v.nodes.map((n) => ({target: n.target, summary: n.failureSummary}))}));
            }"""
        )
        (artifacts / f"axe-{name}.json").write_text(json.dumps(result, indent=2), encoding="utf-8")
        return [v for v in result if v["impact"] in ("serious", "critical")]

    def assert_no_problems(self) -> None:
        assert not self.problems, "\n".join(self.problems)


@pytest.fixture
def open_chat(new_context, live_stack) -> Callable[..., ChatPage]:
    """open_chat(url=None, **context_options): a ChatPage on the Board's demo page (or url)."""

    def make(url: str = None, **options) -> ChatPage:
        context = new_context(**options)
        chat = ChatPage(context.new_page())
        return chat.goto(url or live_stack.web_url + "/")

    return make


def words(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()
