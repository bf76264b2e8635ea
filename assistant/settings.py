"""Settings from the environment and an optional `.env` file at the project root.

Every default works without a `.env`; `.env.example` documents each variable.
"""
import os
from pathlib import Path

from dotenv import load_dotenv

PROJECT_ROOT = Path(__file__).resolve().parent.parent
load_dotenv(PROJECT_ROOT / ".env", override=False)


def get(name: str, default: str) -> str:
    """A setting from the environment (or `.env`), else its default."""
    value = os.environ.get(name, "").strip()
    return value or default


def get_int(name: str, default: int) -> int:
    value = get(name, str(default))
    try:
        return int(value)
    except ValueError:
        raise SystemExit(f"{name} must be a whole number, got {value!r}") from None


def allowed_origins(web_port: int = None, partner_port: int = None) -> list:
    """Origins (scheme://host:port) that may talk to the assistant from a browser.

    ALLOWED_ORIGINS (comma-separated) when set, else the demo and partner pages on this machine.
    """
    ports = (web_port or get_int("WEB_PORT", 8080), partner_port or get_int("PARTNER_PORT", 8081))
    default = ",".join(f"http://{host}:{port}" for port in ports for host in ("localhost", "127.0.0.1"))
    return [o.strip() for o in get("ALLOWED_ORIGINS", default).split(",") if o.strip()]


def rasa_environment() -> dict:
    """The variables that endpoints.yml reads, with working defaults for one machine."""
    action_port = get_int("ACTION_PORT", 5055)
    conversations = PROJECT_ROOT / "var" / "conversations.db"
    return {
        "ACTION_ENDPOINT_URL": get(
            "ACTION_ENDPOINT_URL", f"http://127.0.0.1:{action_port}/webhook"
        ),
        "TRACKER_DIALECT": get("TRACKER_DIALECT", "sqlite"),
        "TRACKER_URL": get("TRACKER_URL", f"sqlite:///{conversations}"),
        # No usage telemetry or error reports leave the machine (docs/privacy.md).
        "RASA_TELEMETRY_ENABLED": "false",
    }
