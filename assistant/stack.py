"""Starts and stops the assistant's processes: the action server, Rasa and the web pages.

`make run` uses it to run everything on one machine (Ctrl-C, SIGTERM or closing the terminal
stops every process it started);
the live tests use it on free ports with their own conversation store.
"""
import contextlib
import ctypes
import os
import signal
import subprocess
import threading
import sys
import time
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Dict, Iterable, Iterator, List, Optional

from assistant import settings

ROOT = settings.PROJECT_ROOT
BIN = Path(sys.executable).parent
MODEL = ROOT / "models" / "assistant.tar.gz"


# prctl's option for the signal a process gets when the thread that started it ends (Linux).
PR_SET_PDEATHSIG = 1


def ended_with_its_starter(sig: int = signal.SIGTERM) -> Optional[Callable[[], None]]:
    """A preexec_fn for Popen: the child gets `sig` from the kernel if the process starting it
    dies without stopping it (SIGKILL, the OOM killer, a supervisor that does not wait), where
    stop_all never runs. Each service runs in a session of its own, which no signal to the
    starter's group reaches, so it would otherwise keep running, and keep its port. The kernel
    follows the starting thread, not the process: start services from a thread that outlives
    them."""
    if not sys.platform.startswith("linux"):
        return None
    starter = os.getpid()
    prctl = ctypes.CDLL(None, use_errno=True).prctl

    def in_the_child() -> None:
        prctl(PR_SET_PDEATHSIG, sig)
        if os.getppid() != starter:  # the starter died before prctl took effect
            os.kill(os.getpid(), sig)
    return in_the_child


@dataclass
class Service:
    name: str
    command: List[str]
    health_url: str
    env: Dict[str, str] = field(default_factory=dict)
    log_path: Optional[Path] = None
    process: Optional[subprocess.Popen] = None

    def start(self) -> None:
        log = open(self.log_path, "ab") if self.log_path else None
        self.process = subprocess.Popen(
            self.command,
            cwd=ROOT,
            env={**os.environ, **self.env},
            stdout=log,
            stderr=subprocess.STDOUT if log else None,
            start_new_session=True,  # its own process group, so stop() reaches its children
            preexec_fn=ended_with_its_starter(),
        )

    def running(self) -> bool:
        return self.process is not None and self.process.poll() is None

    def wait_ready(self, timeout: float = 180) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if not self.running():
                raise RuntimeError(f"{self.name} exited early{self._log_hint()}")
            try:
                with urllib.request.urlopen(self.health_url, timeout=2):
                    return
            except OSError:
                time.sleep(0.3)
        raise TimeoutError(f"{self.name} was not ready within {timeout:.0f} s{self._log_hint()}")

    def send_signal(self, sig: int = signal.SIGTERM) -> None:
        if self.running():
            os.killpg(self.process.pid, sig)

    def stop(self, sig: int = signal.SIGTERM, timeout: float = 20) -> None:
        if not self.running():
            return
        self.send_signal(sig)
        try:
            self.process.wait(timeout)
        except subprocess.TimeoutExpired:
            self.send_signal(signal.SIGKILL)
            self.process.wait()


    def _log_hint(self) -> str:
        return f" (see {self.log_path})" if self.log_path else ""


def stop_all(services: Iterable[Service]) -> None:
    """Asks every service to stop at once, then waits: a short grace period is enough for all.
    Ctrl-C is ignored meanwhile, so a second one cannot leave a service running."""
    services = list(services)
    with interrupts_ignored():
        for service in services:
            service.send_signal()
        for service in services:
            service.stop()


@contextlib.contextmanager
def interrupts_ignored() -> Iterator[None]:
    """Ctrl-C (SIGINT) has no effect inside: for stopping, which must reach every process. The
    services run in sessions of their own, so the terminal's Ctrl-C never reaches them: only
    this process can stop them. (Signal handlers belong to the main thread; elsewhere this
    does nothing.)"""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    previous = signal.signal(signal.SIGINT, signal.SIG_IGN)
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, previous if previous is not None else signal.SIG_DFL)


@dataclass
class Ports:
    rasa: int
    action: int
    web: int
    partner: int

    @classmethod
    def from_settings(cls) -> "Ports":
        return cls(
            rasa=settings.get_int("RASA_PORT", 5005),
            action=settings.get_int("ACTION_PORT", 5055),
            web=settings.get_int("WEB_PORT", 8080),
            partner=settings.get_int("PARTNER_PORT", 8081),
        )


def build_services(
    ports: Ports, tracker_url: Optional[str] = None, log_dir: Optional[Path] = None
) -> Dict[str, Service]:
    """The three services, wired to each other on the given ports."""
    host = settings.get("RASA_HOST", "127.0.0.1")
    rasa_env = settings.rasa_environment()
    rasa_env["ACTION_ENDPOINT_URL"] = f"http://127.0.0.1:{ports.action}/webhook"
    if tracker_url:
        rasa_env["TRACKER_URL"] = tracker_url
    origins = settings.allowed_origins(ports.web, ports.partner)

    def log(name: str) -> Optional[Path]:
        return log_dir / f"{name}.log" if log_dir else None

    return {
        "actions": Service(
            name="action server",
            command=[str(BIN / "python"), "-m", "rasa_sdk", "--actions", "actions",
                     "--port", str(ports.action)],
            health_url=f"http://127.0.0.1:{ports.action}/health",
            env={"SANIC_HOST": settings.get("ACTION_HOST", "127.0.0.1")},
            log_path=log("actions"),
        ),
        "rasa": Service(
            name="Rasa",
            command=[str(BIN / "python"), "-m", "assistant.serve",
                     "run", "--model", str(MODEL),
                     "--endpoints", "endpoints.yml", "--credentials", "credentials.yml",
                     "--interface", host, "--port", str(ports.rasa),
                     "--cors", *origins],
            health_url=f"http://127.0.0.1:{ports.rasa}/",
            env={**rasa_env, "ALLOWED_ORIGINS": ",".join(origins)},
            log_path=log("rasa"),
        ),
        "web": Service(
            name="web pages",
            command=[str(BIN / "python"), "web/server.py"],
            health_url=f"http://127.0.0.1:{ports.web}/",
            env={
                "WEB_PORT": str(ports.web),
                "PARTNER_PORT": str(ports.partner),
                "RASA_URL": settings.get("RASA_URL", f"http://localhost:{ports.rasa}"),
            },
            log_path=log("web"),
        ),
    }


STOP_SIGNALS = (signal.SIGTERM, signal.SIGHUP)


def stop_on_signals() -> threading.Event:
    """An event set by SIGTERM (a supervisor's stop) or SIGHUP (the terminal was closed),
    installed before anything starts, so a stop while services are still starting still
    reaches the caller's clean-up. Without it either signal would end this process at once and
    leave every service running, each in its own session.

    Ctrl-C still raises KeyboardInterrupt (it interrupts a start that is waiting for a
    service), once: from then on it is ignored, so a second Ctrl-C cannot break off the clean-up.
    """
    requested = threading.Event()

    def on_stop(*_) -> None:
        requested.set()

    def on_interrupt(*_) -> None:
        signal.signal(signal.SIGINT, signal.SIG_IGN)
        requested.set()
        raise KeyboardInterrupt

    for sig in STOP_SIGNALS:
        signal.signal(sig, on_stop)
    signal.signal(signal.SIGINT, on_interrupt)
    return requested


def wait_until_stopped(services: Iterable[Service], requested: threading.Event) -> None:
    """Returns when a stop is requested, or when a service exits by itself (saying which): the
    caller then stops the rest. Ctrl-C (KeyboardInterrupt) is the caller's to catch."""
    services = list(services)
    while not requested.is_set() and all(service.running() for service in services):
        time.sleep(0.5)
    for service in services:
        if not service.running() and not requested.is_set():
            print(f"{service.name} stopped unexpectedly; stopping the rest.", flush=True)


def main() -> None:
    """`make run`: start everything, print the URL, stop everything on Ctrl-C."""
    if not MODEL.exists():
        raise SystemExit(f"No trained model at {MODEL}: run `make run`, which trains one.")
    (ROOT / "var").mkdir(exist_ok=True)
    ports = Ports.from_settings()
    services = build_services(ports)
    stop_requested = stop_on_signals()
    try:
        for service in services.values():
            service.start()
        for service in services.values():
            service.wait_ready()
        print(f"\nThe assistant is ready: open http://localhost:{ports.web}/", flush=True)
        print(f"(partner site demo: http://localhost:{ports.partner}/; Ctrl-C stops)", flush=True)
        wait_until_stopped(services.values(), stop_requested)
    except KeyboardInterrupt:
        pass
    finally:
        stop_all(services.values())


if __name__ == "__main__":
    main()
