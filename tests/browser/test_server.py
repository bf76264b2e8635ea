"""web/server.py: pages with a CSP, the widget with the contacts filled in, nothing hard-coded."""
import gzip
import json
import re
import socket
import urllib.request
from pathlib import Path
from urllib.parse import urlparse

from tests.conftest import page_links

ROOT = Path(__file__).resolve().parents[2]


def fetch(url, **headers):
    request = urllib.request.Request(url, headers=headers)
    with urllib.request.urlopen(request, timeout=30) as response:
        return response.status, dict(response.headers), response.read()


def test_pages_have_a_csp_allowing_only_the_assistant(live_stack):
    rasa = live_stack.rasa_url
    ws = rasa.replace("http://", "ws://").replace("https://", "wss://")
    for url in (live_stack.web_url + "/", live_stack.web_url + "/privacy.html", live_stack.partner_url + "/"):
        status, headers, body = fetch(url)
        assert status == 200
        csp = headers["Content-Security-Policy"]
        assert "default-src 'none'" in csp
        connect = re.search(r"connect-src ([^;]+)", csp).group(1).split()
        assert rasa in connect and ws in connect, csp
        assert "'unsafe-inline'" not in csp and "'unsafe-eval'" not in csp


def test_the_privacy_notice_links_to_the_boards_own_pages(live_stack):
    page = live_stack.web_url + "/privacy.html"
    _, _, body = fetch(page)
    links = page_links(page, body.decode())
    board = {link for link in links if link.startswith(live_stack.web_url + "/")}
    assert {live_stack.web_url + "/", live_stack.web_url + "/professionals.html"} <= board, links
    for link in board:
        assert fetch(link)[0] == 200, link


def test_pages_and_widget_get_the_numbers_from_contacts_yml(live_stack, contacts):
    _, _, page = fetch(live_stack.web_url + "/")
    assert contacts["urgent_help"] in page.decode()
    _, _, privacy = fetch(live_stack.web_url + "/privacy.html")
    assert contacts["urgent_help"] in privacy.decode()
    assert re.search(r"after \d+ days", privacy.decode())

    status, headers, body = fetch(live_stack.web_url + "/widget.js", **{"Accept-Encoding": "gzip"})
    assert status == 200 and headers.get("Content-Encoding") == "gzip"
    code = gzip.decompress(body).decode()
    defaults = json.loads(re.search(r"\}\)\((\{.*\})\);", code).group(1))
    assert defaults["serverUrl"] == live_stack.rasa_url
    for name in ("emergency", "nhs_111", "urgent_help", "privacy_url"):
        assert defaults["contacts"][name] == contacts[name]

    _, _, body = fetch(live_stack.web_url + "/contacts.json")
    assert json.loads(body)["emergency"] == contacts["emergency"]


def test_no_phone_number_is_written_in_the_widget_sources(contacts):
    """content/contacts.yml is the one place: the JS, HTML and CSS of the widget name none."""
    import yaml

    phones = yaml.safe_load((ROOT / "content" / "contacts.yml").read_text(encoding="utf-8"))["phones"]
    numbers = {re.sub(r",.*", "", value).strip() for value in phones.values()}
    sources = [p for d in ("web/src", "web/pages", "web/public") for p in (ROOT / d).iterdir() if p.is_file()]
    sources.append(ROOT / "web" / "server.py")
    assert sources
    for path in sources:
        text = path.read_text(encoding="utf-8")
        for number in numbers:
            assert not re.search(rf"(?<![0-9A-Za-z_#-]){re.escape(number)}(?![0-9A-Za-z_])", text), f"{number} in {path}"


def test_odd_file_names_get_404_not_a_dropped_connection(live_stack):
    web = urlparse(live_stack.web_url)
    for path in (b"/" + b"a" * 300 + b".css", b"/a\x00b.css", b"/missing.css"):
        with socket.create_connection((web.hostname, web.port), timeout=10) as connection:
            connection.sendall(b"GET " + path + b" HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n")
            status_line = connection.makefile("rb").readline()
        assert status_line.startswith(b"HTTP/1.") and b" 404 " in status_line, (path[:20], status_line)
