"""The live stack's exposure: HTTP API off, loopback-only services, origins, rate limits."""
import asyncio
import uuid

import psutil
import requests
import aiohttp
import socketio

from assistant.contacts import load as contacts
from tests.live.helpers import ask, new_sender

# python-engineio 4.15's websocket client needs aiohttp >= 3.10 (ClientWSTimeout); with the
# aiohttp that Rasa 3.6 pins, the client uses long-polling, which reaches the same handlers.
TRANSPORTS = ["websocket"] if hasattr(aiohttp, "ClientWSTimeout") else ["polling"]


def listening_addresses(service, port):
    """The addresses the service's processes listen on for `port` (from the kernel's table)."""
    pids = {service.process.pid}
    pids |= {child.pid for child in psutil.Process(service.process.pid).children(recursive=True)}
    return {
        conn.laddr.ip
        for conn in psutil.net_connections(kind="tcp")
        if conn.status == psutil.CONN_LISTEN and conn.laddr.port == port and conn.pid in pids
    }


def test_the_action_server_listens_on_loopback_only(live_stack):
    addresses = listening_addresses(live_stack.services["actions"], live_stack.ports.action)
    assert addresses and addresses <= {"127.0.0.1", "::1"}, addresses


def test_rasa_listens_on_loopback_by_default(live_stack):
    addresses = listening_addresses(live_stack.services["rasa"], live_stack.ports.rasa)
    assert addresses and addresses <= {"127.0.0.1", "::1"}, addresses


def test_rasa_http_api_is_off(live_stack):
    sender = new_sender()
    ask(live_stack, "hello", sender)
    for method, path, body in [
        ("GET", "/status", None),
        ("GET", "/version", None),  # version alone is harmless; the rest must not exist
        ("GET", f"/conversations/{sender}/tracker", None),
        ("POST", f"/conversations/{sender}/messages", {"text": "hi", "sender": "user"}),
        ("POST", f"/conversations/{sender}/trigger_intent", {"name": "greet"}),
        ("POST", "/model/parse", {"text": "hello"}),
        ("PUT", "/model", {"model_file": "/etc/passwd"}),
        ("POST", "/model/train", {}),
        ("GET", "/domain", None),
    ]:
        response = requests.request(method, live_stack.rasa_url + path, json=body, timeout=10)
        if path == "/version":
            continue
        assert response.status_code in (404, 405), (path, response.status_code)


def test_rest_refuses_a_browser_origin_not_on_the_allow_list(live_stack):
    response = requests.post(live_stack.rest_url, timeout=30,
                             json={"sender": new_sender(), "message": "hello"},
                             headers={"Origin": "http://evil.example"})
    assert response.status_code == 403
    assert "error" in response.json()
    assert "access-control-allow-origin" not in {k.lower() for k in response.headers}


def test_rest_answers_the_allowed_origins_and_callers_without_an_origin(live_stack):
    for origin in (live_stack.web_url, live_stack.partner_url):
        response = requests.post(live_stack.rest_url, timeout=30,
                                 json={"sender": new_sender(), "message": "hello"},
                                 headers={"Origin": origin})
        assert response.status_code == 200
        assert response.headers.get("Access-Control-Allow-Origin") == origin
    assert ask(live_stack, "hello")  # no Origin header: a server or a test, not a browser


def test_malformed_bodies_get_400_with_a_json_error(live_stack):
    for body in (b"{", b"[]", b"null", b'{"sender": ["a"], "message": "hi"}',
                 b'{"sender": "abc", "message": 42}', b'{"message": "hi"}', b"\xff\xfe",
                 b"[" * 5000):  # nested too deep for Python's JSON reader
        response = requests.post(live_stack.rest_url, data=body, timeout=30,
                                 headers={"Content-Type": "application/json"})
        assert response.status_code == 400, body
        assert response.json()["error"]


def test_rest_rate_limit_per_conversation(live_stack):
    sender, proxy_client = new_sender(), {"X-Forwarded-For": "192.0.2.10"}

    def post(who):
        return requests.post(live_stack.rest_url, json={"sender": who, "message": "hello"},
                             headers=proxy_client, timeout=30)

    statuses = [post(sender).status_code for _ in range(30)]
    assert statuses == [200] * 30
    limited = post(sender)
    assert limited.status_code == 429
    assert limited.headers["Retry-After"] == "60"
    (reply,) = limited.json()
    assert "wait a minute" in reply["text"]
    assert contacts()["urgent_help"] in reply["text"]
    assert post(new_sender()).status_code == 200  # another conversation from the same address


def test_rest_rate_limit_per_client_address(live_stack):
    proxy_client = {"X-Forwarded-For": "192.0.2.20"}
    statuses = [
        requests.post(live_stack.rest_url, json={"sender": new_sender(), "message": "hi"},
                      headers=proxy_client, timeout=30).status_code
        for _ in range(121)
    ]
    assert statuses == [200] * 120 + [429]
    other = requests.post(live_stack.rest_url, json={"sender": new_sender(), "message": "hi"},
                          headers={"X-Forwarded-For": "192.0.2.21"}, timeout=30)
    assert other.status_code == 200


def test_socketio_rate_limit_per_conversation(live_stack):
    session_id = uuid.uuid4().hex

    async def converse():
        client = socketio.AsyncClient(reconnection=False)
        replies = []
        client.on("bot_uttered", replies.append)
        await client.connect(live_stack.rasa_url, transports=TRANSPORTS, wait_timeout=10,
                             headers={"Origin": live_stack.web_url,
                                      "X-Forwarded-For": "192.0.2.30"})
        try:
            await client.call("session_request", {"session_id": session_id}, timeout=30)
            for _ in range(31):
                await client.call("user_uttered", {"message": "hello", "session_id": session_id},
                                  timeout=60)
            # Replies are events of their own: wait (up to 30 s) for the last one to arrive.
            for _ in range(300):
                if any("wait a minute" in (reply.get("text") or "") for reply in replies):
                    break
                await asyncio.sleep(0.1)
            return replies
        finally:
            await client.disconnect()

    replies = asyncio.run(converse())
    assert "wait a minute" in replies[-1]["text"]
    assert contacts()["urgent_help"] in replies[-1]["text"]
    assert sum("wait a minute" in (reply.get("text") or "") for reply in replies) == 1
