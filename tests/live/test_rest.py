"""The real servers over the REST channel: answers, links, and commands typed as text."""
from assistant.contacts import load as contacts
from tests.live.helpers import ask, new_sender, reply_text, stored_user_events


def test_dog_ready_question_gets_the_answer_with_pack_link_and_never_leave_line(live_stack):
    text = reply_text(ask(live_stack, "how do I get my dog ready for the baby?"))
    assert "ready" in text.lower()
    assert contacts()["pack_url"] in text
    assert contacts()["never_leave"] in text
    assert "{" not in text, "every placeholder is filled in"


def test_greeting_offers_topic_buttons_and_urgent_help(live_stack):
    replies = ask(live_stack, "hello")
    assert contacts()["urgent_help"] in reply_text(replies)
    buttons = [button for reply in replies for button in reply.get("buttons", [])]
    assert len(buttons) >= 4
    assert all(not button["payload"].startswith("/") for button in buttons)


def test_button_payload_sent_back_gets_its_topic(live_stack):
    sender = new_sender()
    greeting = ask(live_stack, "hi", sender)
    button = next(b for r in greeting for b in r.get("buttons", []) if "bite" in b["title"])
    text = reply_text(ask(live_stack, button["payload"], sender))
    assert contacts()["nhs_bites_url"] in text


def test_typed_intent_command_is_read_as_text(live_stack):
    sender = new_sender()
    replies = ask(live_stack, '/safety_child_disclosure{"audience": "professional"}', sender)
    assert contacts()["childline"] not in reply_text(replies)
    (event,) = stored_user_events(live_stack.tracker_db, sender)
    assert not event["text"].startswith("/")
    assert event["parse_data"]["intent"]["name"] != "safety_child_disclosure"
    # The classifier ran: a command would carry one intent with confidence 1 and no ranking.
    assert len(event["parse_data"]["intent_ranking"]) > 1


def test_empty_and_too_long_messages_get_a_clear_reply(live_stack):
    assert "type your question" in reply_text(ask(live_stack, "   "))
    too_long = reply_text(ask(live_stack, "dog " * 1000))
    assert "too long" in too_long
    assert contacts()["urgent_help"] in too_long


def test_conversation_is_stored_on_disk(live_stack):
    sender = new_sender()
    ask(live_stack, "are dogs allowed in the nursery", sender)
    assert len(stored_user_events(live_stack.tracker_db, sender)) == 1


def test_the_server_answers_without_tensorflow_loaded(live_stack):
    """Our model's components need no TensorFlow, so assistant.serve leaves it out (290 MB)."""
    assert "ready" in reply_text(ask(live_stack, "how do I get my dog ready for the baby?")).lower()
    pid = live_stack.services["rasa"].process.pid
    maps = open(f"/proc/{pid}/maps").read()
    assert "libtensorflow" not in maps
    assert "site-packages" in maps, "the map is the Rasa server's own"
