"""Serves the chat widget and its demo pages, two sites from one process.

* WEB_PORT (default 8080), the Board's site: the demo pages (``/`` and ``/professionals.html``),
  the widget (``/widget.js``, built into web/dist by ``npm ci && npm run build`` in web/),
  ``/contacts.json``, the privacy notice (``/privacy.html``) and the other files in web/public.
* PARTNER_PORT (default 8081), a partner's site on another origin: a page that embeds the widget
  from WEB_PORT with the one-line snippet, as any partner would.

Phone numbers and links come from content/contacts.yml through ``assistant.contacts.load()``: they
are filled into the pages and put in front of the widget, never written in HTML or JavaScript.
Every page is sent with a Content-Security-Policy that lets it talk to the Rasa server (RASA_URL)
and nothing else.

Run from the project root: ``.venv/bin/python web/server.py`` (``make run`` does).
Settings (environment or .env): WEB_PORT, PARTNER_PORT, RASA_URL, WEB_HOST (interface to listen on,
default 127.0.0.1), MAX_MESSAGE_CHARS, RETENTION_DAYS (said in the privacy notice, default 30).
"""
import gzip
import hashlib
import html
import json
import mimetypes
import re
import signal
import sys
import threading
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Dict, Optional, Tuple
from urllib.parse import urlsplit

WEB_DIR = Path(__file__).resolve().parent
PROJECT_ROOT = WEB_DIR.parent
if str(PROJECT_ROOT) not in sys.path:  # `assistant` imports whatever the working directory
    sys.path.insert(0, str(PROJECT_ROOT))

from assistant import settings  # noqa: E402
from assistant.contacts import load  # noqa: E402

DIST = WEB_DIR / "dist"
PUBLIC = WEB_DIR / "public"
PAGES = WEB_DIR / "pages"
WIDGET = DIST / "widget.js"
BUILD_HELP = "The chat widget is not built yet: run `cd web && npm ci && npm run build`."
DEFAULTS_TOKEN = b"/*CPSB_SERVER_DEFAULTS*/null"

# Contacts the widget itself needs (the urgent-help line and the privacy link).
WIDGET_CONTACTS = ("emergency", "nhs_111", "urgent_help", "privacy_url")

BOARD_PAGES = {"/": "board.html", "/index.html": "board.html", "/professionals.html": "professionals.html"}
PARTNER_PAGES = {"/": "partner.html", "/index.html": "partner.html"}
STATIC_TYPES = {
    ".css": "text/css; charset=utf-8",
    ".js": "text/javascript; charset=utf-8",
    ".svg": "image/svg+xml",
    ".png": "image/png",
    ".ico": "image/x-icon",
    ".txt": "text/plain; charset=utf-8",
    ".json": "application/json",
}
HOSTNAME = re.compile(r"^(?:[A-Za-z0-9-]{1,63}(?:\.[A-Za-z0-9-]{1,63})*|\[[0-9A-Fa-f:.]+\])$")


class Config:
    """Everything read once from settings and content/contacts.yml."""

    def __init__(self) -> None:
        self.web_port = settings.get_int("WEB_PORT", 8080)
        self.partner_port = settings.get_int("PARTNER_PORT", 8081)
        self.host = settings.get("WEB_HOST", "127.0.0.1")
        self.rasa_url = settings.get("RASA_URL", "http://localhost:5005").rstrip("/")
        self.max_message_chars = settings.get_int("MAX_MESSAGE_CHARS", 2000)
        self.retention_days = settings.get_int("RETENTION_DAYS", 30)
        self.contacts: Dict[str, str] = load()
        parts = urlsplit(self.rasa_url)
        if parts.scheme not in ("http", "https") or not parts.netloc:
            raise SystemExit(f"RASA_URL must be an http(s) address, got {self.rasa_url!r}")
        ws_scheme = "wss" if parts.scheme == "https" else "ws"
        self.rasa_origins = f"{parts.scheme}://{parts.netloc} {ws_scheme}://{parts.netloc}"

    def server_defaults(self) -> Dict[str, object]:
        """What the widget gets from this server: where Rasa is, and the contacts."""
        return {
            "serverUrl": self.rasa_url,
            "maxLength": self.max_message_chars,
            "contacts": {k: self.contacts[k] for k in WIDGET_CONTACTS if k in self.contacts},
        }


class WidgetFile:
    """web/dist/widget.js with the server defaults filled in, gzipped once per build."""

    def __init__(self, config: Config) -> None:
        self.config = config
        self.lock = threading.Lock()
        self.mtime: Optional[float] = None
        self.body = b""
        self.gzipped = b""
        self.etag = ""

    def get(self) -> Optional[Tuple[bytes, bytes, str]]:
        try:
            mtime = WIDGET.stat().st_mtime
        except FileNotFoundError:
            return None
        with self.lock:
            if mtime != self.mtime:  # rebuilt (npm run watch): read it again
                code = WIDGET.read_bytes()
                defaults = json.dumps(self.config.server_defaults(), ensure_ascii=True).encode()
                self.body = code.replace(DEFAULTS_TOKEN, defaults, 1)
                self.gzipped = gzip.compress(self.body, compresslevel=9, mtime=0)
                self.etag = '"%s"' % hashlib.sha256(self.body).hexdigest()[:32]
                self.mtime = mtime
            return self.body, self.gzipped, self.etag


def render_template(path: Path, values: Dict[str, str]) -> bytes:
    """The page at path with each {{name}} replaced by its HTML-escaped value."""
    text = path.read_text(encoding="utf-8")

    def fill(match: "re.Match[str]") -> str:
        name = match.group(1)
        if name not in values:
            raise KeyError(f"{path.name}: no value for {{{{{name}}}}}")
        return values[name]

    return re.sub(r"\{\{\s*([a-z0-9_]+)\s*\}\}", fill, text).encode("utf-8")


def make_handler(site: str, config: Config, widget: WidgetFile):
    """A request handler for the Board's site ("board") or the partner's ("partner")."""

    class Handler(BaseHTTPRequestHandler):
        server_version = "cpsb-web"
        protocol_version = "HTTP/1.1"
        sys_version = ""

        def do_HEAD(self) -> None:  # noqa: N802
            self.handle_request(head=True)

        def do_GET(self) -> None:  # noqa: N802
            self.handle_request(head=False)

        def log_message(self, format: str, *args) -> None:  # noqa: A002
            sys.stderr.write(f"[{site}] {self.address_string()} {format % args}\n")

        # --- routing -------------------------------------------------------------------------
        def handle_request(self, head: bool) -> None:
            path = urlsplit(self.path).path
            pages = BOARD_PAGES if site == "board" else PARTNER_PAGES
            if path in pages:
                return self.send_page(pages[path], head)
            if site == "board":
                if path == "/widget.js":
                    return self.send_widget(head)
                if path in ("/widget.js.map", "/widget.js.LEGAL.txt"):
                    return self.send_file(DIST / path.lstrip("/"), head, cors=True)
                if path == "/contacts.json":
                    body = json.dumps(config.server_defaults()["contacts"]).encode()
                    return self.send_body(body, "application/json", head, cors=True)
                if path == "/privacy.html":
                    return self.send_page(PUBLIC / "privacy.html", head)
            if path == "/healthz":
                return self.send_body(b"ok\n", "text/plain; charset=utf-8", head)
            name = path.lstrip("/")
            if name and "/" not in name and not name.startswith(".") and Path(name).suffix in STATIC_TYPES:
                return self.send_file(PUBLIC / name, head)
            self.send_error(HTTPStatus.NOT_FOUND, "Not found")

        # --- responses -----------------------------------------------------------------------
        def widget_origin(self, port: Optional[int] = None) -> str:
            """The Board's site as this visitor reaches it (same host name, WEB_PORT)."""
            header = self.headers.get("Host") or ""
            if header.startswith("["):  # [::1]:8081
                host = header.split("]")[0] + "]"
            else:
                host = header.rsplit(":", 1)[0]
            if not HOSTNAME.match(host):
                host = "localhost"
            return f"http://{host}:{port or config.web_port}"

        def csp(self) -> str:
            widget_origin = self.widget_origin()
            scripts = "'self'" if site == "board" else f"'self' {widget_origin}"
            connect = f"'self' {config.rasa_origins}" + ("" if site == "board" else f" {widget_origin}")
            return (
                "default-src 'none'; "
                f"script-src {scripts}; "
                "style-src 'self'; "
                "img-src 'self' data:; "
                f"connect-src {connect}; "
                "base-uri 'none'; form-action 'none'; frame-ancestors 'none'; object-src 'none'"
            )

        def page_values(self) -> Dict[str, str]:
            widget_src = f"{self.widget_origin()}/widget.js"
            values = {name: html.escape(value) for name, value in config.contacts.items()}
            snippet = f'<script src="{widget_src}" defer></script>'
            values.update(
                widget_src=html.escape(widget_src),
                board_site=html.escape(self.widget_origin()),
                partner_site=html.escape(self.widget_origin(config.partner_port)),
                snippet=html.escape(snippet),
                retention_days=str(config.retention_days),
                build_notice=""
                if WIDGET.exists()
                else f'<p class="notice" role="alert">{html.escape(BUILD_HELP)}</p>',
            )
            return values

        def send_page(self, page, head: bool) -> None:
            path = page if isinstance(page, Path) else PAGES / page
            body = render_template(path, self.page_values())
            self.send_response(HTTPStatus.OK)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Content-Length", str(len(body)))
            self.send_header("Content-Security-Policy", self.csp())
            self.send_header("X-Content-Type-Options", "nosniff")
            self.send_header("Referrer-Policy", "strict-origin-when-cross-origin")
            self.send_header("Cache-Control", "no-cache")
            self.end_headers()
            if not head:
                self.wfile.write(body)

        def send_widget(self, head: bool) -> None:
            built = widget.get()
            if built is None:
                body = f"console.error({json.dumps(BUILD_HELP)});\n".encode()
                self.send_response(HTTPStatus.SERVICE_UNAVAILABLE)
                self.send_header("Content-Type", "text/javascript; charset=utf-8")
                self.send_header("Content-Length", str(len(body)))
                self.send_header("Cache-Control", "no-store")
                self.end_headers()
                if not head:
                    self.wfile.write(body)
                return
            body, gzipped, etag = built
            if self.headers.get("If-None-Match") == etag:
                self.send_response(HTTPStatus.NOT_MODIFIED)
                self.send_header("ETag", etag)
                self.end_headers()
                return
            use_gzip = "gzip" in (self.headers.get("Accept-Encoding") or "")
            payload = gzipped if use_gzip else body
            self.send_response(HTTPStatus.OK)
            self.send_header("Content-Type", "text/javascript; charset=utf-8")
            self.send_header("Content-Length", str(len(payload)))
            if use_gzip:
                self.send_header("Content-Encoding", "gzip")
            self.send_header("Vary", "Accept-Encoding")
            self.send_header("ETag", etag)
            self.send_header("Cache-Control", "no-cache")  # always check: a new build shows at once
            self.send_header("Access-Control-Allow-Origin", "*")
            self.send_header("Cross-Origin-Resource-Policy", "cross-origin")
            self.send_header("X-Content-Type-Options", "nosniff")
            self.end_headers()
            if not head:
                self.wfile.write(payload)

        def send_file(self, path: Path, head: bool, cors: bool = False) -> None:
            try:
                body = path.read_bytes()
            except (OSError, ValueError):  # missing, a folder, a name too long, a NUL byte
                return self.send_error(HTTPStatus.NOT_FOUND, "Not found")
            kind = STATIC_TYPES.get(path.suffix) or mimetypes.guess_type(path.name)[0] or "application/octet-stream"
            if path.suffix == ".map":
                kind = "application/json"
            self.send_body(body, kind, head, cors=cors)

        def send_body(self, body: bytes, kind: str, head: bool, cors: bool = False) -> None:
            self.send_response(HTTPStatus.OK)
            self.send_header("Content-Type", kind)
            self.send_header("Content-Length", str(len(body)))
            self.send_header("X-Content-Type-Options", "nosniff")
            self.send_header("Cache-Control", "no-cache")
            if cors:
                self.send_header("Access-Control-Allow-Origin", "*")
                self.send_header("Cross-Origin-Resource-Policy", "cross-origin")
            self.end_headers()
            if not head:
                self.wfile.write(body)

    return Handler


def main() -> None:
    config = Config()
    widget = WidgetFile(config)
    if not WIDGET.exists():
        print(BUILD_HELP, file=sys.stderr, flush=True)
    servers = [
        ThreadingHTTPServer((config.host, config.web_port), make_handler("board", config, widget)),
        ThreadingHTTPServer((config.host, config.partner_port), make_handler("partner", config, widget)),
    ]
    for server in servers:
        server.daemon_threads = True
    stop = threading.Event()

    def request_stop(*_args) -> None:
        stop.set()

    signal.signal(signal.SIGTERM, request_stop)
    signal.signal(signal.SIGINT, request_stop)
    threads = [threading.Thread(target=s.serve_forever, daemon=True) for s in servers]
    for thread in threads:
        thread.start()
    print(
        f"Board demo: http://localhost:{config.web_port}/  "
        f"partner demo: http://localhost:{config.partner_port}/  (assistant at {config.rasa_url})",
        flush=True,
    )
    stop.wait()
    for server in servers:
        server.shutdown()
        server.server_close()


if __name__ == "__main__":
    main()
