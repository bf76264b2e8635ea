"""`make run-scale` (scripts/scale/topology.py run) started and stopped as an operator would:
PostgreSQL, Redis, the action server, the web pages and nginx (no Rasa: the stops are the point),
each part in a session of its own, on free ports with their own data.

Ctrl-C twice, or the terminal closed (SIGHUP): every part stops, none is left running with
nobody to stop it. And the web pages listen where SCALE_WEB_SERVER says (address and port),
which is where nginx sends /widget.js.
"""
import os
import signal
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Dict, List

import psutil
import requests

from tests.conftest import free_port

ROOT = Path(__file__).resolve().parents[2]
RUNNING = "Scale-out topology running here:"


class Launcher:
    """`topology.py run` with its settings in the environment, as `make run-scale` runs it."""

    def __init__(self, state_dir: Path, web_host: str) -> None:
        self.ports = {name: free_port() for name in
                      ("postgres", "redis", "actions", "rasa", "nginx", "web", "partner", "web_port")}
        self.web_host = web_host
        self.env = {
            **os.environ,
            "SCALE_STATE_DIR": str(state_dir),
            "SCALE_ROLES": "postgres,redis,actions,web,nginx",
            "POSTGRES_PORT": str(self.ports["postgres"]),
            "POSTGRES_PASSWORD": "",
            "REDIS_PORT": str(self.ports["redis"]),
            "SCALE_ACTION_SERVERS": f"127.0.0.1:{self.ports['actions']}",
            "SCALE_RASA_SERVERS": f"127.0.0.1:{self.ports['rasa']}",  # not started here
            "SCALE_LISTEN": f"127.0.0.1:{self.ports['nginx']}",
            # WEB_PORT differs from SCALE_WEB_SERVER's port: SCALE_WEB_SERVER decides.
            "WEB_PORT": str(self.ports["web_port"]),
            "SCALE_WEB_SERVER": f"{web_host}:{self.ports['web']}",
            "PARTNER_PORT": str(self.ports["partner"]),
        }
        self.lines: List[str] = []
        self.process = subprocess.Popen(
            [sys.executable, str(ROOT / "scripts" / "scale" / "topology.py"), "run"],
            cwd=ROOT, env=self.env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
            start_new_session=True)  # our own signals only, as a terminal sends them
        threading.Thread(target=lambda: self.lines.extend(iter(self.process.stdout.readline, "")),
                         daemon=True).start()
        self.parts: Dict[int, str] = {}

    @property
    def output(self) -> str:
        return "".join(self.lines)

    def wait_running(self, timeout: float = 120) -> None:
        deadline = time.monotonic() + timeout
        while not any(RUNNING in line for line in self.lines):
            assert self.process.poll() is None, f"topology.py exited:\n{self.output}"
            assert time.monotonic() < deadline, f"not running within {timeout} s:\n{self.output}"
            time.sleep(0.2)
        # Every process of every part, to check afterwards and to clean up after a failure.
        for child in psutil.Process(self.process.pid).children(recursive=True):
            self.parts[child.pid] = " ".join(child.cmdline()[:3])

    def listening(self) -> List[str]:
        addresses = [("127.0.0.1", self.ports[name]) for name in ("postgres", "redis", "actions", "nginx")]
        addresses += [(self.web_host, self.ports["web"]), (self.web_host, self.ports["partner"])]
        found = []
        for host, port in addresses:
            with socket_to(host) as sock:
                if sock.connect_ex((host, port)) == 0:
                    found.append(f"{host}:{port}")
        return found

    def left_running(self) -> List[str]:
        return [f"{pid} {cmd}" for pid, cmd in self.parts.items()
                if psutil.pid_exists(pid) and psutil.Process(pid).status() != psutil.STATUS_ZOMBIE]

    def wait_exit(self, timeout: float = 60) -> int:
        code = self.process.wait(timeout)
        deadline = time.monotonic() + 10
        while (self.listening() or self.left_running()) and time.monotonic() < deadline:
            time.sleep(0.2)
        return code

    def clean_up(self) -> None:
        for pid in [self.process.pid, *self.parts]:
            try:
                os.kill(pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
        try:
            self.process.wait(10)
        except subprocess.TimeoutExpired:
            pass


def socket_to(host: str) -> socket.socket:
    return socket.socket(socket.AF_INET6 if ":" in host else socket.AF_INET, socket.SOCK_STREAM)


def test_ctrl_c_twice_while_stopping_leaves_no_part_running(scale_dir):
    """The first Ctrl-C starts the stop; more arrive while nginx, the web pages and the action
    server are stopping. PostgreSQL and Redis, stopped last, must still be stopped."""
    launcher = Launcher(scale_dir / "lifecycle-ctrl-c", web_host="127.0.0.1")
    try:
        launcher.wait_running()
        base = f"http://127.0.0.1:{launcher.ports['nginx']}"
        # nginx reaches the web pages on SCALE_WEB_SERVER's port (not WEB_PORT's).
        widget = requests.get(f"{base}/widget.js", timeout=10)
        assert widget.status_code == 200, widget.status_code
        assert requests.get(f"{base}/privacy.html", timeout=10).status_code == 200
        assert len(launcher.listening()) == 6, launcher.listening()

        os.kill(launcher.process.pid, signal.SIGINT)
        for _ in range(40):  # Ctrl-C again and again for two seconds
            time.sleep(0.05)
            if launcher.process.poll() is not None:
                break
            os.kill(launcher.process.pid, signal.SIGINT)
        launcher.wait_exit()
        assert launcher.listening() == [], f"still listening after Ctrl-C:\n{launcher.output}"
        assert launcher.left_running() == [], f"left running:\n{launcher.output}"
    finally:
        launcher.clean_up()


def test_closing_the_terminal_stops_every_part(scale_dir):
    """SIGHUP (the terminal running `make run-scale` closed). The web pages listen on 127.0.0.2
    here, one of this machine's addresses other than 127.0.0.1 (a private network address in a
    several-machine layout): the topology must see them ready there."""
    launcher = Launcher(scale_dir / "lifecycle-sighup", web_host="127.0.0.2")
    try:
        launcher.wait_running()
        widget = requests.get(f"http://127.0.0.1:{launcher.ports['nginx']}/widget.js", timeout=10)
        assert widget.status_code == 200, widget.status_code
        assert len(launcher.listening()) == 6, launcher.listening()

        os.kill(launcher.process.pid, signal.SIGHUP)
        launcher.wait_exit()
        assert launcher.listening() == [], f"still listening after SIGHUP:\n{launcher.output}"
        assert launcher.left_running() == [], f"left running:\n{launcher.output}"
    finally:
        launcher.clean_up()
