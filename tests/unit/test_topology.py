"""scripts/scale/topology.py without PostgreSQL, Redis or nginx: the settings, the nginx.conf they
give, the web pages where SCALE_WEB_SERVER says, and stopping (tests/scale/ runs the whole)."""
import contextlib
import os
import signal
import subprocess
import sys
import urllib.request
from pathlib import Path
from types import SimpleNamespace
from typing import Iterator

import psutil
import pytest

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "scripts" / "scale"))

import topology  # noqa: E402
from tests.conftest import free_port  # noqa: E402
from tests.unit.stopping import broken_off_by_a_second_ctrl_c, slow_to_stop, wait_until_ready  # noqa: E402


@pytest.fixture(autouse=True)
def _no_scale_settings(monkeypatch):
    """Each test sets what it needs; nothing comes from the machine's .env or environment."""
    for name in ("WEB_PORT", "PARTNER_PORT", "SCALE_WEB_SERVER", "SCALE_TRUSTED_PROXIES",
                 "SCALE_ROLES", "ALLOWED_ORIGINS", "POSTGRES_PASSWORD"):
        monkeypatch.delenv(name, raising=False)


def _settings(tmp_path, **overrides) -> "topology.ScaleSettings":
    values = dict(state_dir=tmp_path, roles=frozenset({"web"}), postgres_password="unused")
    values.update(overrides)
    return topology.ScaleSettings.from_env(**values)


@contextlib.contextmanager
def _pages_served(config: "topology.ScaleSettings") -> Iterator[None]:
    """The topology's web pages (its only role here) started, then stopped."""
    stack = topology.Topology(config)
    try:
        stack.prepare()
        stack.services["web"].start()
        stack.services["web"].wait_ready(timeout=20)
        yield
    finally:
        stack.stop()


def _get(url: str) -> int:
    with urllib.request.urlopen(url, timeout=5) as reply:
        return reply.status


# ------------------------------------------------------------------------------ the web pages
def test_web_pages_on_another_local_address_are_seen_ready_there(tmp_path):
    """SCALE_WEB_SERVER on one of this machine's addresses other than 127.0.0.1 (a private
    network address; here 127.0.0.2): the pages listen there, and the readiness check must ask
    there, not 127.0.0.1, or the topology never starts."""
    port = free_port()
    config = _settings(tmp_path, web_server=topology.Address("127.0.0.2", port),
                       partner_port=free_port())
    with _pages_served(config):
        assert _get(f"http://127.0.0.2:{port}/healthz") == 200


def test_web_pages_listen_on_the_port_of_scale_web_server_where_nginx_sends(tmp_path, monkeypatch):
    """WEB_PORT and SCALE_WEB_SERVER disagree: SCALE_WEB_SERVER decides, for the pages and for
    nginx alike (else nginx proxies to a port nothing listens on: 502 for /widget.js)."""
    port, other = free_port(), free_port()
    monkeypatch.setenv("WEB_PORT", str(other))
    monkeypatch.setenv("SCALE_WEB_SERVER", f"127.0.0.1:{port}")
    monkeypatch.setenv("PARTNER_PORT", str(free_port()))
    config = _settings(tmp_path)
    conf = config.nginx_conf(tmp_path)
    assert f"upstream web_pages {{\n        server 127.0.0.1:{port};" in conf
    with _pages_served(config):
        assert _get(f"http://127.0.0.1:{port}/healthz") == 200
        assert _get(f"http://127.0.0.1:{port}/privacy.html") == 200
    # The Board's demo page there may use the assistant (the default allowed origins).
    assert f"http://localhost:{port}" in config.allowed_origins


# ------------------------------------------------------------------------------ stopping
QUICK_TO_STOP = "import time; print('ready', flush=True); time.sleep(120)"


def test_a_second_ctrl_c_while_stopping_still_stops_every_part(tmp_path):
    """Ctrl-C twice: the first starts the stop, the second arrives while the first part
    (nginx) takes its time. Every part must still be asked to stop and be waited for; the
    parts run in sessions of their own, so nothing else would stop them."""
    stack = topology.Topology(_settings(tmp_path, roles=frozenset()))
    stack.logs.mkdir(parents=True)
    for name in ("postgres", "redis", "actions-0", "rasa-0"):
        stack.services[name] = topology.Process(
            name=name, command=[sys.executable, "-c", QUICK_TO_STOP], health_url="",
            log_path=stack.logs / f"{name}.log")
    stack.services["nginx"] = topology.Process(  # the last started, so the first stopped
        name="nginx", command=[sys.executable, "-c", slow_to_stop(3)], health_url="",
        log_path=stack.logs / "nginx.log")
    processes = []
    try:
        for service in stack.services.values():
            service.start()
            processes.append(service.process)
        wait_until_ready(stack.services.values())
        interrupted = broken_off_by_a_second_ctrl_c(stack.stop)
        still_running = [s.name for s in stack.services.values() if s.running()]
        assert not interrupted, f"the second Ctrl-C broke off the stop; left running: {still_running}"
        assert not still_running
    finally:
        for process in processes:
            if process.poll() is None:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait()


# A part that logs which signal stopped it.
SAYS_HOW_IT_STOPPED = """
import signal, sys, time
def stop(sig, _):
    print("stopped by", signal.Signals(sig).name, flush=True)
    sys.exit(0)
for sig in (signal.SIGINT, signal.SIGTERM):
    signal.signal(sig, stop)
print("ready", flush=True)
time.sleep(120)
"""
# `make run-scale`'s process, with one part, which it starts and then waits.
STARTS_ONE_PART = f"""
import signal, sys, time
sys.path.insert(0, "scripts/scale")
import topology
from pathlib import Path
part = topology.Process(name="postgres", command=[sys.executable, "-c", {SAYS_HOW_IT_STOPPED!r}],
                        health_url="", log_path=Path(sys.argv[1]), stop_signal=signal.SIGINT)
part.start()
print(part.process.pid, flush=True)
time.sleep(120)
"""


def test_a_part_stops_with_its_own_signal_when_make_run_scale_is_killed_outright(tmp_path):
    """SIGKILL leaves `make run-scale` no time to stop its parts, which run in sessions of their
    own: the kernel sends each part its own stop signal (PostgreSQL's fast shutdown is SIGINT)."""
    log = tmp_path / "postgres.log"
    launcher = subprocess.Popen([sys.executable, "-c", STARTS_ONE_PART, str(log)], cwd=ROOT,
                                stdout=subprocess.PIPE, text=True, start_new_session=True)
    part = None
    try:
        part = psutil.Process(int(launcher.stdout.readline()))
        wait_until_ready([SimpleNamespace(name="postgres", log_path=log)])
        launcher.kill()
        launcher.wait(10)
        part.wait(10)
        assert "stopped by SIGINT" in log.read_text()
    finally:
        if part:
            with contextlib.suppress(psutil.Error):
                part.kill()
        launcher.kill()
        launcher.wait(10)


# ------------------------------------------------------------------------------ nginx.conf
def test_nginx_believes_no_forwarded_address_by_default(tmp_path):
    conf = _settings(tmp_path).nginx_conf(tmp_path)
    for directive in ("set_real_ip_from", "real_ip_header", "real_ip_recursive"):
        assert directive not in conf


def test_load_balancers_in_scale_trusted_proxies_give_nginx_the_client_address(tmp_path, monkeypatch):
    monkeypatch.setenv("SCALE_TRUSTED_PROXIES", "10.0.1.0/24, 192.0.2.7 ,2001:db8::/32,")
    conf = _settings(tmp_path).nginx_conf(tmp_path)
    server = conf.split("    server {", 1)[1].split("        location", 1)[0]
    lines = [line.strip() for line in server.splitlines()]
    for expected in ("set_real_ip_from 10.0.1.0/24;", "set_real_ip_from 192.0.2.7/32;",
                     "set_real_ip_from 2001:db8::/32;", "real_ip_header X-Forwarded-For;",
                     "real_ip_recursive on;"):
        assert expected in lines, server
        assert conf.count(expected) == 1
    assert sum(line.startswith("set_real_ip_from") for line in lines) == 3


def test_a_bad_scale_trusted_proxies_entry_stops_at_start_up(tmp_path, monkeypatch):
    monkeypatch.setenv("SCALE_TRUSTED_PROXIES", "10.0.1.0/24,balancer.internal")
    with pytest.raises(SystemExit, match="SCALE_TRUSTED_PROXIES: 'balancer.internal' is not"):
        _settings(tmp_path)
