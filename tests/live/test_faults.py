"""Faults caused for real on the live stack: Rasa killed, the action server down, messages racing.

Every test puts the stack back as it found it (both services running), whatever happens.
"""
import json
import signal
import sqlite3
import threading

import requests

from assistant.contacts import load as contacts
from tests.live.helpers import ask, new_sender, reply_text, visitor

NO_REPLY_WORDS = "not working right now"
VAGUE = "dog n baby??"  # the classifier is unsure: the "did you mean" action (action server) answers


def stored_events(tracker_db, sender):
    with sqlite3.connect(tracker_db) as db:
        rows = db.execute(
            "SELECT type_name, data FROM events WHERE sender_id = ? ORDER BY id", (sender,)
        ).fetchall()
    return [(type_name, json.loads(data)) for type_name, data in rows]


def user_texts(tracker_db, sender):
    return [data["text"] for type_name, data in stored_events(tracker_db, sender)
            if type_name == "user"]


def test_rasa_killed_mid_conversation_and_started_again_continues_the_conversation(live_stack):
    sender = new_sender()
    ask(live_stack, "hello", sender)
    ask(live_stack, "how do I get my dog ready for the baby?", sender)
    before = stored_events(live_stack.tracker_db, sender)
    assert [t for t, _ in before].count("session_started") == 1

    # A message on its way when Rasa dies: its request fails, nothing half-written remains.
    in_flight = threading.Thread(
        target=lambda: _post_ignoring_errors(live_stack, "what are the warning signs", sender))
    try:
        in_flight.start()
        live_stack.stop_rasa(signal.SIGKILL)
        assert not live_stack.services["rasa"].running()
        in_flight.join(60)
    finally:
        live_stack.start_rasa()

    after_restart = stored_events(live_stack.tracker_db, sender)
    assert after_restart[:len(before)] == before  # what was stored is still there, unchanged

    text = reply_text(ask(live_stack, "what should I do after a dog bite", sender))
    assert contacts()["nhs_bites_url"] in text
    events = stored_events(live_stack.tracker_db, sender)
    # The same conversation, the same session: no new session was started after the restart.
    assert events[:len(before)] == before
    assert [t for t, _ in events].count("session_started") == 1
    texts = user_texts(live_stack.tracker_db, sender)
    assert texts[:2] == ["hello", "how do I get my dog ready for the baby?"]
    assert texts[-1] == "what should I do after a dog bite"
    assert events[-1][0] in ("bot", "action")
    # Rasa answers from the stored history: the last user turn follows the earlier ones.
    intents = [data["parse_data"]["intent"]["name"] for t, data in events if t == "user"]
    assert intents[0] == "greet" and intents[-1] == "ask_after_bite"


def _post_ignoring_errors(live, text, sender):
    try:
        requests.post(live.rest_url, json={"sender": sender, "message": text},
                      headers=visitor(), timeout=30)
    except requests.RequestException:
        pass


def test_with_the_action_server_down_answers_that_do_not_need_it_still_work(live_stack):
    sender = new_sender()
    live_stack.stop_actions()
    try:
        assert not live_stack.services["actions"].running()
        greeting = reply_text(ask(live_stack, "hello", sender))
        assert contacts()["urgent_help"] in greeting
        assert NO_REPLY_WORDS not in greeting

        safety = reply_text(ask(live_stack, "the dog just bit my baby's face", sender))
        assert contacts()["emergency"] in safety
        assert NO_REPLY_WORDS not in safety

        vague = reply_text(ask(live_stack, VAGUE, sender))
        assert NO_REPLY_WORDS in vague
        assert contacts()["urgent_help"] in vague
        actions = [d.get("name") for t, d in stored_events(live_stack.tracker_db, sender)
                   if t == "action"]
        assert "action_offer_topics" in actions  # the custom action that could not run
    finally:
        live_stack.start_actions()

    # Back again: the same conversation gets the "did you mean" topics.
    replies = ask(live_stack, VAGUE, sender)
    assert NO_REPLY_WORDS not in reply_text(replies)
    assert any(reply.get("buttons") for reply in replies)


def test_two_messages_of_one_conversation_at_the_same_moment_are_both_answered_in_order(live_stack):
    sender = new_sender()
    ask(live_stack, "hello", sender)
    texts = ["how do I get my dog ready for the baby?", "what should I do after a dog bite"]
    start = threading.Barrier(len(texts))
    results = {}

    def send(text):
        start.wait(10)
        results[text] = requests.post(
            live_stack.rest_url, json={"sender": sender, "message": text}, headers=visitor(),
            timeout=60)

    threads = [threading.Thread(target=send, args=(text,)) for text in texts]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(90)

    assert all(results[text].status_code == 200 for text in texts)
    answers = {text: reply_text(results[text].json()) for text in texts}
    assert contacts()["pack_url"] in answers[texts[0]]
    assert contacts()["nhs_bites_url"] in answers[texts[1]]

    events = stored_events(live_stack.tracker_db, sender)
    stored_texts = [d["text"] for t, d in events if t == "user"]
    assert stored_texts[0] == "hello" and sorted(stored_texts[1:]) == sorted(texts)
    # One message was handled whole before the other: each user message is followed by its
    # own answer before the next user message, and times never go backwards.
    user_positions = [i for i, (t, _) in enumerate(events) if t == "user"]
    for here, following in zip(user_positions, user_positions[1:] + [len(events)]):
        assert any(t == "bot" for t, _ in events[here + 1:following])
    second, third = (events[i][1] for i in user_positions[1:])
    expected_link = {texts[0]: contacts()["pack_url"], texts[1]: contacts()["nhs_bites_url"]}
    for position, message in zip(user_positions[1:], (second, third)):
        next_bot = next(d for t, d in events[position:] if t == "bot")
        assert expected_link[message["text"]] in next_bot["text"]
    timestamps = [data["timestamp"] for _, data in events]
    assert timestamps == sorted(timestamps)
