"""Safety routing through the live REST channel, with and without the action server."""
import pytest

from tests.live.helpers import ask, reply_text
from tests.safety.expected_help import required_help
from tests.model.test_understanding import POSITIVES, SAFETY


@pytest.mark.parametrize("category,text", POSITIVES)
def test_first_reply_names_the_right_help(live_stack, category, text):
    replies = ask(live_stack, text)
    first = replies[0]["text"]
    for help_text in required_help(category):
        assert help_text in first


def one_per_category():
    return [(category, texts[0]) for category, texts in SAFETY["positives"].items()] + [
        (category, texts[-1]) for category, texts in SAFETY["positives"].items()]


def test_every_category_is_routed_with_the_action_server_down(live_stack):
    live_stack.stop_actions()
    try:
        for category, text in one_per_category():
            first = ask(live_stack, text)[0]["text"]
            for help_text in required_help(category):
                assert help_text in first, (category, text)
    finally:
        live_stack.start_actions()


def test_after_the_safety_reply_the_conversation_goes_on(live_stack):
    from tests.live.helpers import new_sender
    sender = new_sender()
    ask(live_stack, "our dog just bit my baby on the head", sender)
    follow_up = reply_text(ask(live_stack, "how do I get my dog ready for the baby?", sender))
    assert "stair gates" in follow_up.lower()
