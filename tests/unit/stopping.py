"""For the tests of stopping services (assistant/stack.py, scripts/scale/topology.py)."""
import os
import signal
import threading
import time
from typing import Callable, Iterable


def slow_to_stop(seconds: float) -> str:
    """A service's code that says 'ready', then takes `seconds` to stop on SIGTERM (a server
    closing its connections, or a database writing its checkpoint)."""
    return f"""
import signal, sys, time
def stop(*_):
    time.sleep({seconds})
    sys.exit(0)
signal.signal(signal.SIGTERM, stop)
print("ready", flush=True)
time.sleep(120)
"""


def wait_until_ready(services: Iterable, timeout: float = 20) -> None:
    """Until each service's log says 'ready'."""
    for service in services:
        deadline = time.monotonic() + timeout
        while "ready" not in service.log_path.read_text():
            assert time.monotonic() < deadline, f"{service.name} did not start"
            time.sleep(0.05)


def broken_off_by_a_second_ctrl_c(stop: Callable[[], None]) -> bool:
    """Calls stop() while a second Ctrl-C arrives half a second in: whether it broke off the
    stop. Either way, Ctrl-C's handler must afterwards be the one from before."""
    handler_before = signal.getsignal(signal.SIGINT)
    second_ctrl_c = threading.Timer(0.5, os.kill, (os.getpid(), signal.SIGINT))
    second_ctrl_c.start()
    try:
        stop()
        interrupted = False
    except KeyboardInterrupt:
        interrupted = True
    second_ctrl_c.join()
    assert signal.getsignal(signal.SIGINT) is handler_before
    return interrupted
