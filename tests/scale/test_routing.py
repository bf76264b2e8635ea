"""Several Rasa instances serving the same conversations, through nginx or directly."""
import asyncio
import re
import urllib.parse

import pytest
import requests
import socketio

from tests.conftest import free_port, page_links
from tests.scale.helpers import (NO_REPLY_WORDS, Store, Traffic, check_conversation, new_sender,
                                 post, post_from, rest_url, user_texts)
from tests.socketio_client import converse

import topology


def test_consecutive_messages_on_different_instances_continue_one_conversation(scale):
    """The dog risk check is a form: each answer is read in the light of the question before,
    which only the stored conversation knows. Its messages alternate between the instances."""
    first, second = (rest_url(a.url()) for a in scale.config.rasa)
    sender = new_sender()
    steps = [(first, "I'm a health visitor"), (second, "Start the dog risk check"), (first, "2")]
    replies = []
    for url, text in steps:
        sent = post(url, sender, text)
        assert sent.answered, (url, text, sent.status, sent.replies)
        replies.append(" ".join(r.get("text") or "" for r in sent.replies))

    events = Store(scale.config).events(sender)
    assert user_texts(events) == [text for _, text in steps]
    assert [t for _, t, _ in events].count("session_started") == 1
    slots = [(d["name"], d["value"]) for _, t, d in events if t == "slot"]
    # Started on the second instance, answered on the first: the form went on where it was.
    assert ("active_loop" in [t for _, t, _ in events])
    assert ("rc_dog_count", "2") in slots, slots
    assert slots[-1] == ("requested_slot", "rc_dog_details"), slots
    assert replies[1] != replies[2]  # the next question, not the first one again


def test_50_conversations_at_once_through_nginx_lose_no_event_and_keep_their_order(scale):
    url = rest_url(scale.config.public_url)
    traffic = Traffic(url, conversations=50, per_conversation=4).start()
    traffic.join(timeout=240)

    sent = [s for c in traffic.conversations for s in c.sent]
    failed = [(s.text, s.status, s.replies) for s in sent if not s.answered]
    assert not failed, failed[:5]
    upstreams = {s.upstream.split(",")[0].strip() for s in sent}
    assert upstreams == {str(a) for a in scale.config.rasa}, "round robin reaches both instances"

    stored = Store(scale.config).events_of([c.sender for c in traffic.conversations])
    for conversation in traffic.conversations:
        events = stored[conversation.sender]
        check_conversation(events, conversation.sent, must_store=conversation.sent)
        assert user_texts(events) == [s.text for s in conversation.sent]


@pytest.mark.parametrize("transports", [["polling"], ["websocket"]])
def test_socketio_through_nginx_stays_on_one_instance(scale, transports):
    """Long-polling sends every request of a session separately: without sticky routing half
    of them would reach an instance that does not know the session."""
    origin = f"http://localhost:{scale.config.web_port}"
    session_id, replies = asyncio.run(converse(
        scale.config.public_url, origin,
        ["hello", "how do I get my dog ready for the baby?", "what are the warning signs a dog is stressed"],
        transports=transports))
    answers = [reply["text"] for reply in replies]
    assert len(answers) == 3 and all(a and NO_REPLY_WORDS not in a for a in answers)
    events = Store(scale.config).events(session_id)
    assert user_texts(events) == ["hello", "how do I get my dog ready for the baby?",
                                  "what are the warning signs a dog is stressed"]


def test_nginx_refuses_origins_not_on_the_allow_list(scale):
    """nginx itself refuses, before any Rasa instance sees the request: Rasa refuses the same
    origins with the same words, so the proof is that no upstream answered (nginx adds
    X-Upstream, the upstream's address, to every proxied reply in the tests)."""
    url = rest_url(scale.config.public_url)
    partner = f"http://localhost:{scale.config.partner_port}"
    refused = requests.post(url, json={"sender": new_sender(), "message": "hello"},
                            headers={"Origin": "http://evil.example"}, timeout=10)
    assert refused.status_code == 403
    assert "X-Upstream" not in refused.headers, refused.headers  # nginx's own reply
    assert refused.headers["Content-Type"].startswith("application/json")
    assert "not allowed" in refused.json()["error"]
    allowed = requests.post(url, json={"sender": new_sender(), "message": "hello"},
                            headers={"Origin": partner}, timeout=30)
    assert allowed.status_code == 200 and allowed.json()
    assert allowed.headers["X-Upstream"] in {str(a) for a in scale.config.rasa}

    # socket.io's first request, as a browser sends it with long-polling.
    polling = f"{scale.config.public_url}/socket.io/?EIO=4&transport=polling"
    refused = requests.get(polling, headers={"Origin": "http://evil.example"}, timeout=10)
    assert refused.status_code == 403
    assert "X-Upstream" not in refused.headers, refused.headers
    assert "not allowed" in refused.json()["error"]
    opened = requests.get(polling, headers={"Origin": partner}, timeout=10)
    assert opened.status_code == 200 and '"sid"' in opened.text
    assert opened.headers["X-Upstream"] in {str(a) for a in scale.config.rasa}
    with pytest.raises(socketio.exceptions.ConnectionError):
        asyncio.run(converse(scale.config.public_url, "http://evil.example", ["hello"]))


def test_nginx_serves_the_widget_pointing_at_itself(scale):
    widget = requests.get(f"{scale.config.public_url}/widget.js", timeout=10)
    assert widget.status_code == 200
    assert "javascript" in widget.headers["Content-Type"]
    assert f'"serverUrl": "{scale.config.public_url}"' in widget.text
    health = requests.get(f"{scale.config.public_url}/", timeout=10)
    assert health.status_code == 200 and "Rasa" in health.text


def test_nginx_serves_the_privacy_notice_the_widget_links_to(scale):
    """The widget resolves its privacy link against the address it was loaded from: nginx.
    The notice, and every file of ours it loads, must come through nginx from web/server.py."""
    base = scale.config.public_url
    contacts = requests.get(f"{base}/contacts.json", timeout=10).json()
    link = urllib.parse.urljoin(f"{base}/widget.js", contacts["privacy_url"])
    assert link.startswith(base)
    page = requests.get(link, timeout=10)
    assert page.status_code == 200, (link, page.status_code, page.text[:200])
    assert page.headers["Content-Type"].startswith("text/html")
    assert page.headers["X-Upstream"] == str(scale.config.web_server)
    assert "How we use and protect your conversations" in page.text
    assert "Content-Security-Policy" in page.headers
    loaded = re.findall(r'<(?:link[^>]*href|script[^>]*src)="(/[^"]*)"', page.text)
    assert "/widget.js" in loaded and any(path.endswith(".css") for path in loaded), loaded
    for path in loaded:
        found = requests.get(f"{base}{path}", timeout=10)
        assert found.status_code == 200, (path, found.status_code)
        assert found.headers["X-Upstream"] == str(scale.config.web_server), path


def test_the_privacy_notice_through_nginx_links_to_the_boards_pages(scale):
    """nginx forwards only the widget's files: the notice's links to the Board's pages must
    lead to the Board's site itself, not to nginx (where "/" is Rasa's and the rest 404)."""
    page = f"{scale.config.public_url}/privacy.html"
    text = requests.get(page, timeout=10).text
    links = page_links(page, text)
    board = [link for link in links if urllib.parse.urlsplit(link).port == scale.config.web_server.port]
    assert len(board) >= 2, links  # the Board's demo page and its page for professionals
    for link in board:
        found = requests.get(link, timeout=10)
        assert found.status_code == 200 and "Safeguarding Partnership Board" in found.text, link


def test_nginx_rate_limit_answers_in_json(scale, scale_dir):
    """A second nginx, from the same template, with a low limit, in front of the same Rasa."""
    config = topology.ScaleSettings(**{
        **scale.config.__dict__,
        "state_dir": scale_dir / "limited",
        "listen": topology.Address("127.0.0.1", free_port()),
        "roles": frozenset({"nginx"}),
        "rate_per_minute": 6,
        "rate_burst": 2,
    })
    limited = topology.Topology(config)
    limited.start()
    try:
        url = rest_url(config.listen.url())
        responses = [requests.post(url, json={"sender": new_sender(), "message": "hello"},
                                   timeout=30) for _ in range(8)]
    finally:
        limited.stop()
    codes = [r.status_code for r in responses]
    assert codes[:3] == [200, 200, 200], codes  # the rate, plus the burst
    assert 429 in codes, codes
    refused = next(r for r in responses if r.status_code == 429)
    assert refused.headers["Content-Type"].startswith("application/json")
    assert refused.headers["Retry-After"] == "60"
    body = refused.json()
    assert isinstance(body, list) and "wait a minute" in body[0]["text"]
    assert topology.rate_limited_text() == body[0]["text"]  # the assistant's own words


# ------------------------------------------------------------------------------ behind a load balancer
# The load balancer in front of nginx is 127.0.0.2 here (this machine's loopback network has
# every 127.x address); a client that is not the load balancer connects from 127.0.0.3.
BALANCER, NOT_A_BALANCER = "127.0.0.2", "127.0.0.3"


def _behind_a_balancer(scale, scale_dir, name: str, **changes) -> "topology.Topology":
    config = topology.ScaleSettings(**{
        **scale.config.__dict__,
        "state_dir": scale_dir / name,
        "listen": topology.Address("127.0.0.1", free_port()),
        "roles": frozenset({"nginx"}),
        "trusted_proxies": [f"{BALANCER}/32"],
        **changes,
    })
    return topology.Topology(config)


def test_nginx_behind_a_load_balancer_limits_each_client_not_the_balancer(scale, scale_dir):
    """SCALE_TRUSTED_PROXIES lists the balancer: nginx's rate limit counts each client whose
    address the balancer forwards, and only the balancer is believed."""
    front = _behind_a_balancer(scale, scale_dir, "balanced-nginx", rate_per_minute=6, rate_burst=2)
    front.start()
    try:
        listen = front.config.listen
        first = [post_from(listen, BALANCER, "203.0.113.10") for _ in range(4)]
        second = post_from(listen, BALANCER, "203.0.113.20")
        # Not the balancer: what it writes in X-Forwarded-For is not believed.
        forged = [post_from(listen, NOT_A_BALANCER, f"203.0.113.{30 + i}") for i in range(4)]
    finally:
        front.stop()
    assert [r.status for r in first] == [200, 200, 200, 429], [r.status for r in first]
    assert first[3].upstream == "" and first[3].headers["Retry-After"] == "60"  # nginx's limit
    assert second.status == 200 and second.upstream, "another client behind the balancer was limited"
    assert [r.status for r in forged] == [200, 200, 200, 429], [r.status for r in forged]


def test_rasa_behind_a_load_balancer_limits_each_client_it_forwards(scale, scale_dir):
    """Rasa's own per-address limit (assistant/channels.py) sees, through nginx, the address
    the balancer forwarded; a client that is not the balancer cannot choose its address by
    writing X-Forwarded-For. A third Rasa instance with a limit of 3 messages a minute."""
    address = topology.Address("127.0.0.1", free_port())
    front = _behind_a_balancer(
        scale, scale_dir, "balanced-rasa", roles=frozenset({"rasa", "nginx"}), rasa=[address],
        rasa_extra_env={"RATE_LIMIT_PER_MINUTE": "1000", "RATE_LIMIT_PER_IP_PER_MINUTE": "3"})
    front.start()
    try:
        listen = front.config.listen
        first = [post_from(listen, BALANCER, "203.0.113.40") for _ in range(4)]
        second = post_from(listen, BALANCER, "203.0.113.50")
        forged = [post_from(listen, NOT_A_BALANCER, f"203.0.113.{60 + i}") for i in range(4)]
    finally:
        front.stop()
    assert [r.status for r in first] == [200, 200, 200, 429], [(r.status, r.replies) for r in first]
    assert first[3].upstream == str(address), "Rasa's limit, not nginx's"
    assert "wait a minute" in first[3].replies[0]["text"]
    assert second.status == 200 and second.answered, (second.status, second.replies)
    assert [r.status for r in forged] == [200, 200, 200, 429], "a forged X-Forwarded-For was believed"
    assert forged[3].upstream == str(address)
