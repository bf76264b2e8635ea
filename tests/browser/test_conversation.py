"""A conversation through the widget: question, answer, quick reply, reload, another page, Start again."""
from urllib.parse import urljoin

from playwright.sync_api import expect

from .conftest import QUESTION, words


def test_question_answer_and_quick_reply(open_chat, contacts):
    chat = open_chat()
    chat.open()

    # Before the first message: the privacy line with its link, and the urgent-help line.
    privacy = chat.page.locator("cpsb-chat .privacy")
    expect(privacy).to_contain_text("don't type names, addresses")
    expect(privacy.get_by_role("link")).to_have_attribute("href", urljoin(chat.page.url, contacts["privacy_url"]))
    expect(chat.urgent_line).to_contain_text(contacts["emergency"])

    answer = chat.ask_and_wait(QUESTION)
    assert any("dog" in text.lower() for text in answer), answer
    expect(chat.user_messages.last).to_have_text(f"You said: {QUESTION}")

    # Rasa's quick replies are buttons; clicking one sends its payload and shows its title.
    expect(chat.quick_replies.first).to_be_visible()
    answered = chat.bot_messages.last.get_attribute("data-id")
    title = chat.quick_replies.first.inner_text()
    payload = chat.quick_replies.first.get_attribute("data-payload")
    assert payload and not payload.startswith("/")
    chat.quick_replies.first.click()
    reply = chat.wait_answered(2)
    expect(chat.user_messages.last.locator(".bubble")).to_have_text(title)
    assert reply and reply != answer
    # The quick replies that were used go away; the focus is back in the text box.
    expect(chat.page.locator(f"cpsb-chat .quick-replies[data-for='{answered}']")).to_have_count(0)
    expect(chat.input).to_be_focused()
    expect(chat.page.locator("cpsb-chat .typing")).to_be_hidden()
    chat.assert_no_problems()


def test_conversation_kept_on_reload_and_other_pages_and_start_again(open_chat, live_stack):
    chat = open_chat()
    chat.open()
    chat.ask_and_wait(QUESTION)
    before = chat.transcript()
    session = chat.session_id()
    assert session and len(before) >= 2

    chat.page.reload()
    expect(chat.panel).to_be_visible()  # it was open, so it opens again
    expect(chat.user_messages).to_have_count(1)
    assert chat.transcript() == before
    assert chat.session_id() == session

    # Another page of the same site: the same conversation.
    chat.page.goto(live_stack.web_url + "/professionals.html")
    expect(chat.panel).to_be_visible()
    expect(chat.user_messages).to_have_count(1)
    assert chat.transcript() == before
    # ... and it carries on there.
    chat.ask_and_wait("What are the warning signs in dogs?")
    expect(chat.user_messages).to_have_count(2)

    # Start again: history cleared, a new session.
    chat.page.get_by_role("button", name="Start again").click()
    expect(chat.log.locator(".msg")).to_have_count(0)
    expect(chat.input).to_be_focused()
    new_session = chat.session_id()
    assert new_session and new_session != session
    chat.page.reload()
    expect(chat.panel).to_be_visible()
    expect(chat.log.locator(".msg")).to_have_count(0)
    # The new session works.
    chat.ask_and_wait(QUESTION)
    assert chat.session_id() == new_session
    chat.assert_no_problems()


def test_long_answers_have_a_copy_button(open_chat, live_stack):
    chat = open_chat(live_stack.web_url + "/professionals.html", permissions=["clipboard-read", "clipboard-write"])
    chat.open()
    chat.ask_and_wait(QUESTION)
    long_answers = chat.page.locator("cpsb-chat .msg-bot").filter(has=chat.page.locator(".copy"))
    expect(long_answers).to_have_count(1)
    bubble_text = words(long_answers.first.locator(".bubble").inner_text())
    assert len(bubble_text) > 400
    long_answers.first.get_by_role("button", name="Copy this answer").click()
    expect(chat.page.locator("cpsb-chat .announcer")).to_have_text("Answer copied.")
    copied = chat.page.evaluate("() => navigator.clipboard.readText()")
    # Plain text for records: no markdown stars, links written out as addresses.
    assert "**" not in copied
    assert "https://" in copied
    first_words = " ".join(bubble_text.split()[:4])
    assert words(copied).startswith(first_words)
    chat.assert_no_problems()
