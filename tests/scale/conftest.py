"""The scale-out topology started for real (scripts/scale/topology.py) on free loopback ports:
PostgreSQL, Redis, one action server, two Rasa instances, the web pages and nginx, with their
data in a new folder. `make test-scale` installs the Debian packages first
(scripts/scale/install.sh).
"""
import os
import shutil
import sys
import tempfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "scripts" / "scale"))

import topology  # noqa: E402
from tests.conftest import free_port  # noqa: E402


def scale_settings(state_dir: Path, **overrides) -> "topology.ScaleSettings":
    web, partner = free_port(), free_port()
    values = dict(
        state_dir=state_dir,
        roles=frozenset(topology.ALL_ROLES),
        rasa=[topology.Address("127.0.0.1", free_port()) for _ in range(2)],
        actions=[topology.Address("127.0.0.1", free_port())],
        listen=topology.Address("127.0.0.1", free_port()),
        partner_port=partner,
        web_server=topology.Address("127.0.0.1", web),
        postgres=topology.Address("127.0.0.1", free_port()),
        redis=topology.Address("127.0.0.1", free_port()),
        postgres_password="",
        redis_password="",
        # The tests send everything from one address: the limits are tested on their own.
        rate_per_minute=100_000,
        rate_burst=10_000,
        lock_lifetime=10,
        debug_headers=True,
        rasa_extra_env={"RATE_LIMIT_PER_MINUTE": "1000", "RATE_LIMIT_PER_IP_PER_MINUTE": "0"},
    )
    values.update(overrides)
    config = topology.ScaleSettings.from_env(**values)
    config.public_url = f"http://localhost:{config.listen.port}"
    return config


@pytest.fixture(scope="session")
def scale_dir():
    # Not under pytest's private tmp folder: PostgreSQL runs as its own user and must reach it.
    folder = Path(tempfile.mkdtemp(prefix="cpsb-scale-"))
    folder.chmod(0o755)
    yield folder
    if not os.environ.get("KEEP_SCALE_STATE"):
        shutil.rmtree(folder, ignore_errors=True)


@pytest.fixture(scope="session")
def scale(scale_dir):
    missing = [name for name, found in [
        ("postgresql", topology.postgres_bin("postgres") != "postgres"),
        ("redis-server", shutil.which("redis-server")),
        ("nginx", shutil.which("nginx") or os.path.exists("/usr/sbin/nginx"))] if not found]
    if missing:
        pytest.fail(f"Missing {', '.join(missing)}: run `make test-scale`, which installs them "
                    "(scripts/scale/install.sh).")
    if not topology.stack.MODEL.exists():
        pytest.fail(f"No trained model at {topology.stack.MODEL}: run `make models/assistant.tar.gz`.")
    config = scale_settings(scale_dir)
    stack = topology.Topology(config)
    try:
        stack.start()
        yield stack
    finally:
        stack.stop()
