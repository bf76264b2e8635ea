"""assistant.stack: a service that dies while starting is reported with its log; stopping
reaches every service (SIGHUP, SIGTERM, a second Ctrl-C)."""
import os
import signal
import socket
import subprocess
import sys
import threading
import time

import psutil
import pytest

from assistant import stack
from tests.conftest import free_port
from tests.unit.stopping import broken_off_by_a_second_ctrl_c, slow_to_stop, wait_until_ready


def test_a_service_that_exits_while_starting_is_reported_with_its_log(tmp_path):
    log = tmp_path / "broken.log"
    service = stack.Service(name="broken", command=[sys.executable, "-c", "print('bad config')"],
                            health_url="http://127.0.0.1:9/", log_path=log)
    service.start()
    with pytest.raises(RuntimeError, match=f"broken exited early \\(see {log}\\)"):
        service.wait_ready(timeout=30)
    assert "bad config" in log.read_text()


# ------------------------------------------------------------------------------ stopping
# `make run` (stack.main) with one light service in place of Rasa and the others: an HTTP
# server in a session of its own, as every service runs.
MAKE_RUN = """
import sys
from pathlib import Path
from assistant import stack

port, folder = int(sys.argv[1]), sys.argv[2]
pages = stack.Service(name="pages", health_url=f"http://127.0.0.1:{port}/",
                      command=[sys.executable, "-m", "http.server", str(port),
                               "--bind", "127.0.0.1", "--directory", folder])
stack.MODEL = Path(stack.__file__)  # main() wants a trained model before it starts anything
stack.build_services = lambda ports: {"pages": pages}
stack.main()
"""


def _listening(port: int) -> bool:
    with socket.socket() as sock:
        return sock.connect_ex(("127.0.0.1", port)) == 0


def _wait_for_line(process: subprocess.Popen, text: str, timeout: float = 60) -> None:
    lines = []
    reader = threading.Thread(target=lambda: lines.extend(iter(process.stdout.readline, "")),
                              daemon=True)
    reader.start()
    deadline = time.monotonic() + timeout
    while not any(text in line for line in lines):
        assert process.poll() is None, f"exited: {''.join(lines)}"
        assert time.monotonic() < deadline, f"no {text!r} within {timeout} s: {''.join(lines)}"
        time.sleep(0.1)


@pytest.mark.parametrize("sig", [signal.SIGHUP, signal.SIGTERM, signal.SIGKILL])
def test_make_run_stopped_by_a_signal_leaves_no_service_running(tmp_path, sig):
    """SIGHUP (the terminal running `make run` closed) or SIGTERM: `make run` stops every
    service, not only itself (the services run in sessions of their own, which the signal
    misses). SIGKILL (the OOM killer, a supervisor that does not wait) leaves it no time to: the
    kernel stops them. Either way no service keeps running, holding its port."""
    port = free_port()
    launcher = subprocess.Popen([sys.executable, "-c", MAKE_RUN, str(port), str(tmp_path)],
                                cwd=stack.ROOT, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                                text=True, start_new_session=True)
    children = []
    try:
        _wait_for_line(launcher, "The assistant is ready")
        children = [p.pid for p in psutil.Process(launcher.pid).children()]
        assert children and _listening(port)
        os.kill(launcher.pid, sig)
        launcher.wait(30)
        deadline = time.monotonic() + 10
        while _listening(port) and time.monotonic() < deadline:
            time.sleep(0.1)
        assert not _listening(port), "the service outlived `make run`"
    finally:
        for pid in [launcher.pid, *children]:
            try:
                os.kill(pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
        launcher.wait(10)


def test_a_second_ctrl_c_does_not_break_off_stopping_the_services(tmp_path):
    services = [stack.Service(name=f"service {i}", command=[sys.executable, "-c", slow_to_stop(2)],
                              health_url="", log_path=tmp_path / f"{i}.log") for i in range(2)]
    try:
        for service in services:
            service.start()
        wait_until_ready(services)
        assert not broken_off_by_a_second_ctrl_c(lambda: stack.stop_all(services)), \
            "the second Ctrl-C broke off stopping the services"
        assert not any(service.running() for service in services)
    finally:
        for service in services:
            if service.running():
                service.send_signal(signal.SIGKILL)
                service.process.wait()
