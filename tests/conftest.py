"""Shared fixtures. `live_stack` starts the real servers once for the live and browser tests."""
import re
import socket
import sys
from pathlib import Path
from typing import Set
from urllib.parse import urljoin

import pytest

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from assistant import stack  # noqa: E402


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def page_links(page_url: str, html: str) -> Set[str]:
    """The absolute addresses a page's links lead to (anchors within the page left out)."""
    return {urljoin(page_url, href) for href in re.findall(r'<a [^>]*href="([^"#][^"]*)"', html)}


class LiveStack:
    """The action server, Rasa (with the trained model) and the web pages on free ports."""

    def __init__(self, workdir: Path) -> None:
        self.ports = stack.Ports(rasa=free_port(), action=free_port(), web=free_port(),
                                 partner=free_port())
        self.tracker_db = workdir / "conversations.db"
        self.services = stack.build_services(
            self.ports, tracker_url=f"sqlite:///{self.tracker_db}", log_dir=workdir
        )
        self.rasa_url = f"http://localhost:{self.ports.rasa}"
        self.web_url = f"http://localhost:{self.ports.web}"
        self.partner_url = f"http://localhost:{self.ports.partner}"
        self.rest_url = f"{self.rasa_url}/webhooks/rest/webhook"

    def start(self) -> None:
        for service in self.services.values():
            service.start()
        for service in self.services.values():
            service.wait_ready()

    def stop(self) -> None:
        stack.stop_all(self.services.values())

    def stop_rasa(self, sig: int = 15) -> None:
        self.services["rasa"].stop(sig)

    def start_rasa(self) -> None:
        self.services["rasa"].start()
        self.services["rasa"].wait_ready()

    def stop_actions(self) -> None:
        self.services["actions"].stop()

    def start_actions(self) -> None:
        self.services["actions"].start()
        self.services["actions"].wait_ready()


@pytest.fixture(scope="session")
def live_stack(tmp_path_factory):
    if not stack.MODEL.exists():
        pytest.fail(f"No trained model at {stack.MODEL}: run `make test`, which trains it first.")
    live = LiveStack(tmp_path_factory.mktemp("live"))
    try:
        live.start()
        yield live
    finally:
        live.stop()
