"""WCAG 2.2 AA checks: axe-core in three states, reflow at 320 px and 200% zoom, target sizes,
reduced motion; and screenshots in tests/artifacts/ for a person to look at."""
import json

import pytest
from playwright.sync_api import expect

from .conftest import QUESTION


def describe(violations):
    return json.dumps(violations, indent=2)


def test_axe_finds_no_serious_problems(open_chat, artifacts):
    chat = open_chat()
    closed = chat.run_axe("closed", artifacts)
    assert closed == [], describe(closed)

    chat.open()
    opened = chat.run_axe("open", artifacts)
    assert opened == [], describe(opened)

    chat.ask_and_wait(QUESTION)
    conversation = chat.run_axe("conversation", artifacts)
    assert conversation == [], describe(conversation)
    chat.assert_no_problems()


LAYOUTS = {
    "desktop": {"viewport": {"width": 1280, "height": 800}},
    # 1280 x 800 at 200% zoom lays out like 640 x 400 CSS pixels.
    "zoom-200": {"viewport": {"width": 640, "height": 400}, "device_scale_factor": 2},
    "phone-320": {"viewport": {"width": 320, "height": 640}, "device_scale_factor": 2, "is_mobile": True, "has_touch": True},
}


@pytest.mark.parametrize("layout", list(LAYOUTS))
def test_layout_reflows_and_screenshots(open_chat, artifacts, layout):
    options = LAYOUTS[layout]
    width = options["viewport"]["width"]
    chat = open_chat(**options)
    page = chat.page
    page.screenshot(path=str(artifacts / f"widget-{layout}-closed.png"))
    chat.open()
    chat.ask_and_wait(QUESTION)
    page.screenshot(path=str(artifacts / f"widget-{layout}-conversation.png"))

    # Everything fits across: no sideways scrolling in the page or the widget.
    box = chat.panel.bounding_box()
    assert box["x"] >= 0 and box["x"] + box["width"] <= width + 0.5, box
    overflow = page.evaluate(
        """() => {
            const root = document.querySelector('cpsb-chat').shadowRoot;
            const scroller = root.querySelector('.scroller');
            return {page: document.documentElement.scrollWidth, scroller: scroller.scrollWidth - scroller.clientWidth};
        }"""
    )
    assert overflow["page"] <= width and overflow["scroller"] <= 0, overflow
    # Text box, Send, Start again and close are all on screen.
    for locator in (chat.input, page.get_by_role("button", name="Send"),
                    page.get_by_role("button", name="Start again"), page.get_by_role("button", name="Close chat")):
        expect(locator).to_be_in_viewport()
    expect(chat.urgent_line).to_be_in_viewport()

    # Targets at least 24 x 24 CSS pixels (WCAG 2.5.8): every button in the widget.
    sizes = page.evaluate(
        """() => Array.from(document.querySelector('cpsb-chat').shadowRoot.querySelectorAll('button'))
            .filter((b) => b.offsetParent !== null)
            .map((b) => { const r = b.getBoundingClientRect(); return {text: b.innerText, w: r.width, h: r.height}; })"""
    )
    small = [s for s in sizes if s["w"] < 24 or s["h"] < 24]
    assert sizes and not small, small
    chat.assert_no_problems()


def test_reduced_motion_is_respected(open_chat):
    chat = open_chat(reduced_motion="reduce")
    chat.open()
    animations = chat.page.evaluate(
        """() => {
            const root = document.querySelector('cpsb-chat').shadowRoot;
            return [root.querySelector('.panel'), root.querySelector('.dots span')]
                .map((el) => getComputedStyle(el).animationName);
        }"""
    )
    assert animations == ["none", "none"], animations


def test_new_messages_are_announced(open_chat):
    chat = open_chat()
    chat.open()
    expect(chat.log).to_have_attribute("role", "log")
    expect(chat.log).to_have_attribute("aria-live", "polite")
    chat.ask_and_wait(QUESTION)
    # Messages are added to the log (so screen readers read them), each saying who spoke.
    expect(chat.user_messages.first.locator(".sr-only")).to_have_text("You said:")
    expect(chat.bot_messages.first.locator(".sr-only").first).to_have_text("The assistant said:")
