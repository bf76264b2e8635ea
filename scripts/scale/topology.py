"""The scale-out topology: PostgreSQL, Redis, action servers, several Rasa instances, nginx in
front and the widget's pages, on one machine or several (docs/scale-out.md).

Everything comes from `.env` (or the environment), so the same files run the topology on one
machine (the defaults: everything on loopback) or spread over several: each machine runs the
parts named in SCALE_ROLES, and of the Rasa instances and action servers listed it starts those
whose address is one of its own.

    python scripts/scale/topology.py run          # `make run-scale`: start, print the URL; Ctrl-C,
                                                  # SIGTERM or closing the terminal stops it all
    python scripts/scale/topology.py nginx-conf   # print the nginx.conf these settings give

Settings (all optional; defaults in brackets):
    SCALE_ROLES             parts this machine runs [postgres,redis,actions,rasa,web,nginx]
    SCALE_RASA_SERVERS      Rasa instances, host:port,... [127.0.0.1:5006,127.0.0.1:5007]
    SCALE_ACTION_SERVERS    action servers, host:port,... [127.0.0.1:5056]; Rasa instance i
                            calls action server i modulo their number
    SCALE_LISTEN            where nginx listens [127.0.0.1:8000]
    SCALE_PUBLIC_URL        the address browsers use for nginx [http://localhost:<nginx port>]
    SCALE_WEB_SERVER        web/server.py's Board site: where it listens (address and port)
                            and where nginx finds it [127.0.0.1:WEB_PORT]
    SCALE_TRUSTED_PROXIES   load balancers in front of nginx whose X-Forwarded-For gives the
                            client's address (addresses or CIDR,...) [none]
    POSTGRES_HOST, POSTGRES_PORT, POSTGRES_DB, POSTGRES_USER, POSTGRES_PASSWORD
                            [127.0.0.1, 5433, rasa, rasa, a random one kept in the state folder]
    POSTGRES_ALLOW          other networks that may reach a PostgreSQL started here (CIDR,...) []
    REDIS_HOST, REDIS_PORT, REDIS_DB, REDIS_PASSWORD     [127.0.0.1, 6380, 1, none]
    SCALE_RATE_PER_MINUTE, SCALE_RATE_BURST   nginx's per-address message limit
                            [RATE_LIMIT_PER_IP_PER_MINUTE or 120, 20]
    TICKET_LOCK_LIFETIME    seconds a conversation's lock lives if its holder dies [15]
    SCALE_STATE_DIR         PostgreSQL's and Redis's data, nginx.conf, logs [var/scale]
    SCALE_MODEL             the trained model [models/assistant.tar.gz]
"""
import argparse
import ipaddress
import os
import pwd
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.parse
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Dict, List, Optional

ROOT = Path(__file__).resolve().parents[2]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from assistant import settings, stack  # noqa: E402

BIN = Path(sys.executable).parent
ENDPOINTS = ROOT / "deploy" / "endpoints.scale.yml"
NGINX_TEMPLATE = ROOT / "deploy" / "nginx.conf.template"
ALL_ROLES = ("postgres", "redis", "actions", "rasa", "web", "nginx")
LOOPBACK_NAMES = {"localhost", "ip6-localhost"}


# ------------------------------------------------------------------------------ addresses
@dataclass(frozen=True)
class Address:
    host: str
    port: int

    def __str__(self) -> str:
        return f"[{self.host}]:{self.port}" if ":" in self.host else f"{self.host}:{self.port}"

    @property
    def connect_host(self) -> str:
        """Where a client on this machine reaches it (a wildcard listener via loopback)."""
        return {"0.0.0.0": "127.0.0.1", "::": "::1"}.get(self.host, self.host)

    def url(self, path: str = "") -> str:
        host = f"[{self.connect_host}]" if ":" in self.connect_host else self.connect_host
        return f"http://{host}:{self.port}{path}"


def parse_address(value: str, name: str) -> Address:
    value = value.strip()
    if value.startswith("["):  # [::1]:5005
        host, _, port = value[1:].partition("]:")
    else:
        host, _, port = value.rpartition(":")
    try:
        return Address(host, int(port))
    except ValueError:
        raise SystemExit(f"{name}: {value!r} is not host:port") from None


def parse_addresses(value: str, name: str) -> List[Address]:
    addresses = [parse_address(v, name) for v in value.split(",") if v.strip()]
    if not addresses:
        raise SystemExit(f"{name} lists no host:port")
    return addresses


def parse_networks(value: str, name: str) -> List[str]:
    """Addresses or networks (CIDR), comma-separated, each checked and written out plainly."""
    networks = []
    for entry in (v.strip() for v in value.split(",")):
        if not entry:
            continue
        try:
            networks.append(str(ipaddress.ip_network(entry, strict=False)))
        except ValueError:
            raise SystemExit(f"{name}: {entry!r} is not an IP address or network (CIDR)") from None
    return networks


def local_addresses() -> set:
    found = set()
    try:
        import psutil

        for entries in psutil.net_if_addrs().values():
            found.update(e.address.split("%")[0] for e in entries)
    except Exception:  # psutil is pinned; this is only a fallback
        pass
    return found


def is_local(host: str) -> bool:
    """Whether a listed host is this machine (so this machine starts what listens there)."""
    if host in LOOPBACK_NAMES or host in ("0.0.0.0", "::"):
        return True
    try:
        if ipaddress.ip_address(host).is_loopback:
            return True
    except ValueError:
        try:
            host = socket.gethostbyname(host)
        except OSError:
            return False
        if ipaddress.ip_address(host).is_loopback:
            return True
    return host in local_addresses()


# ------------------------------------------------------------------------------ settings
@dataclass
class ScaleSettings:
    roles: frozenset
    state_dir: Path
    model: Path
    rasa: List[Address]
    actions: List[Address]
    listen: Address
    public_url: str
    partner_port: int
    web_server: Address  # web/server.py's Board site: where it listens, where nginx sends
    allowed_origins: List[str]
    postgres: Address
    postgres_db: str
    postgres_user: str
    postgres_password: str
    postgres_allow: List[str]
    redis: Address
    redis_db: int
    redis_password: str
    rate_per_minute: int
    rate_burst: int
    socket_rate_per_minute: int
    socket_rate_burst: int
    lock_lifetime: int
    trusted_proxies: List[str] = field(default_factory=list)
    debug_headers: bool = False
    rasa_extra_env: Dict[str, str] = field(default_factory=dict)

    @classmethod
    def from_env(cls, **overrides) -> "ScaleSettings":
        """The settings from .env and the environment; keyword arguments override them."""
        get, get_int = settings.get, settings.get_int
        state_dir = Path(overrides.pop("state_dir", None) or get("SCALE_STATE_DIR", str(ROOT / "var" / "scale")))
        if not state_dir.is_absolute():
            state_dir = ROOT / state_dir
        # SCALE_WEB_SERVER decides both where web/server.py listens and where nginx finds it;
        # WEB_PORT only gives its default port.
        web_server = overrides.pop("web_server", None) or parse_address(
            get("SCALE_WEB_SERVER", f"127.0.0.1:{get_int('WEB_PORT', 8080)}"), "SCALE_WEB_SERVER")
        partner_port = overrides.pop("partner_port", None) or get_int("PARTNER_PORT", 8081)
        listen = overrides.pop("listen", None) or parse_address(get("SCALE_LISTEN", "127.0.0.1:8000"), "SCALE_LISTEN")
        roles = frozenset(r.strip() for r in get("SCALE_ROLES", ",".join(ALL_ROLES)).split(",") if r.strip())
        unknown = roles - set(ALL_ROLES)
        if unknown:
            raise SystemExit(f"SCALE_ROLES: unknown part(s) {sorted(unknown)}; known: {ALL_ROLES}")
        postgres_host = get("POSTGRES_HOST", "127.0.0.1")
        password = get("POSTGRES_PASSWORD", "")
        values = dict(
            roles=roles,
            state_dir=state_dir,
            model=Path(get("SCALE_MODEL", str(stack.MODEL))),
            rasa=parse_addresses(get("SCALE_RASA_SERVERS", "127.0.0.1:5006,127.0.0.1:5007"), "SCALE_RASA_SERVERS"),
            actions=parse_addresses(get("SCALE_ACTION_SERVERS", "127.0.0.1:5056"), "SCALE_ACTION_SERVERS"),
            listen=listen,
            public_url=get("SCALE_PUBLIC_URL", f"http://localhost:{listen.port}").rstrip("/"),
            partner_port=partner_port,
            web_server=web_server,
            allowed_origins=settings.allowed_origins(web_server.port, partner_port),
            postgres=Address(postgres_host, get_int("POSTGRES_PORT", 5433)),
            postgres_db=get("POSTGRES_DB", "rasa"),
            postgres_user=get("POSTGRES_USER", "rasa"),
            postgres_password=password,
            postgres_allow=[c.strip() for c in get("POSTGRES_ALLOW", "").split(",") if c.strip()],
            redis=Address(get("REDIS_HOST", "127.0.0.1"), get_int("REDIS_PORT", 6380)),
            redis_db=get_int("REDIS_DB", 1),
            redis_password=get("REDIS_PASSWORD", ""),
            rate_per_minute=get_int("SCALE_RATE_PER_MINUTE", get_int("RATE_LIMIT_PER_IP_PER_MINUTE", 120)),
            rate_burst=get_int("SCALE_RATE_BURST", 20),
            socket_rate_per_minute=get_int("SCALE_SOCKET_RATE_PER_MINUTE", 600),
            socket_rate_burst=get_int("SCALE_SOCKET_RATE_BURST", 100),
            lock_lifetime=get_int("TICKET_LOCK_LIFETIME", 15),
            trusted_proxies=parse_networks(get("SCALE_TRUSTED_PROXIES", ""), "SCALE_TRUSTED_PROXIES"),
        )
        values.update(overrides)
        config = cls(**values)
        if not config.postgres_password:
            config.postgres_password = config._local_password()
        return config

    @property
    def web_port(self) -> int:
        """The Board's site's port: SCALE_WEB_SERVER's."""
        return self.web_server.port

    def _local_password(self) -> str:
        """A random password for a PostgreSQL this machine starts, kept in the state folder."""
        if "postgres" not in self.roles or not is_local(self.postgres.host):
            raise SystemExit("Set POSTGRES_PASSWORD in .env: PostgreSQL runs on another machine.")
        path = self.state_dir / "postgres-password"
        if not path.exists():
            self.state_dir.mkdir(parents=True, exist_ok=True)
            path.write_text(secrets.token_hex(16))
            path.chmod(0o600)
        return path.read_text().strip()

    # --- what Rasa is given -----------------------------------------------------------------
    @property
    def tracker_url(self) -> str:
        user = urllib.parse.quote(self.postgres_user, safe="")
        password = urllib.parse.quote(self.postgres_password, safe="")
        host = f"[{self.postgres.connect_host}]" if ":" in self.postgres.connect_host else self.postgres.connect_host
        return f"postgresql://{user}:{password}@{host}:{self.postgres.port}/{self.postgres_db}"

    def rasa_env(self, index: int) -> Dict[str, str]:
        action = self.actions[index % len(self.actions)]
        return {
            "ACTION_ENDPOINT_URL": action.url("/webhook"),
            "TRACKER_DIALECT": "postgresql",
            "TRACKER_URL": self.tracker_url,
            "REDIS_HOST": self.redis.connect_host,
            "REDIS_PORT": str(self.redis.port),
            "REDIS_DB": str(self.redis_db),
            "REDIS_PASSWORD": self.redis_password,
            "TICKET_LOCK_LIFETIME": str(self.lock_lifetime),
            # One Sanic worker per instance; a few database connections each (PgBouncer for more).
            "SANIC_WORKERS": "1",
            "SQL_POOL_SIZE": settings.get("SQL_POOL_SIZE", "5"),
            "SQL_MAX_OVERFLOW": settings.get("SQL_MAX_OVERFLOW", "10"),
            "ALLOWED_ORIGINS": ",".join(self.allowed_origins),
            "RASA_TELEMETRY_ENABLED": "false",
            **self.rasa_extra_env,
        }

    # --- nginx ------------------------------------------------------------------------------
    def nginx_conf(self, state_dir: Optional[Path] = None) -> str:
        state = state_dir or self.state_dir / "nginx"
        values = {
            "worker_processes": "auto",
            "state_dir": str(state),
            "listen": str(self.listen),
            "rasa_servers": "\n".join(f"        server {a} max_fails=1 fail_timeout=5s;" for a in self.rasa),
            "web_server": str(self.web_server),
            "origin_map": "\n".join(f"        {_nginx_string(o)} 1;" for o in self.allowed_origins),
            "rate_per_minute": str(max(1, self.rate_per_minute)),
            "rate_burst": str(max(0, self.rate_burst)),
            "socket_rate_per_minute": str(max(1, self.socket_rate_per_minute)),
            "socket_rate_burst": str(max(0, self.socket_rate_burst)),
            "debug_header": "        add_header X-Upstream $upstream_addr always;" if self.debug_headers else "",
            "real_ip": self._real_ip(),
            "origin_refused_json": _nginx_json({"error": "This site is not allowed to use the assistant."}),
            "rate_limited_json": _nginx_json([{"recipient_id": None, "text": rate_limited_text()}]),
        }
        return render(NGINX_TEMPLATE.read_text(encoding="utf-8"), values)

    def _real_ip(self) -> str:
        """With load balancers in front (SCALE_TRUSTED_PROXIES), the client's address is the
        last one in X-Forwarded-For that none of them wrote: the rate limits, ip_hash and the
        address passed on to Rasa use it. None by default: X-Forwarded-For is not believed."""
        if not self.trusted_proxies:
            return "        # No load balancer in front (SCALE_TRUSTED_PROXIES is empty): X-Forwarded-For is not read."
        lines = ["        # Load balancers in front (SCALE_TRUSTED_PROXIES): the client's address comes from them."]
        lines += [f"        set_real_ip_from {network};" for network in self.trusted_proxies]
        lines += ["        real_ip_header X-Forwarded-For;", "        real_ip_recursive on;"]
        return "\n".join(lines)


def rate_limited_text() -> str:
    """The assistant's own rate-limit reply (assistant/channels.py), with the urgent-help line."""
    from assistant import channels

    return channels._reply(channels.RATE_LIMITED_REPLY)


def _nginx_json(value) -> str:
    """JSON inside a single-quoted nginx string: nginx reads backslash escapes itself."""
    import json

    text = json.dumps(value, ensure_ascii=True)
    if "$" in text:
        raise ValueError("nginx cannot return a literal '$'; change the text")
    return text.replace("\\", "\\\\").replace("'", "\\'")


def _nginx_string(text: str) -> str:
    if any(c in text for c in "\"\\$;{} \t\n"):
        raise SystemExit(f"ALLOWED_ORIGINS entry {text!r} is not a plain origin")
    return f'"{text}"'


def render(template: str, values: Dict[str, str]) -> str:
    import re

    def fill(match: "re.Match[str]") -> str:
        name = match.group(1)
        if name not in values:
            raise KeyError(f"nginx.conf.template: no value for {{{{{name}}}}}")
        return values[name]

    return re.sub(r"\{\{\s*([a-z0-9_]+)\s*\}\}", fill, template)


# ------------------------------------------------------------------------------ processes
@dataclass
class Process(stack.Service):
    """A Service (assistant/stack.py) that may run as another user, be stopped with its own
    signal (sent to its main process only), and be checked for readiness by a function."""

    user: Optional[str] = None
    stop_signal: int = signal.SIGTERM
    ready: Optional[Callable[[], bool]] = None

    def start(self) -> None:
        log = open(self.log_path, "ab") if self.log_path else None
        kwargs = {}
        if self.user and os.geteuid() == 0:
            entry = pwd.getpwnam(self.user)
            kwargs = dict(user=entry.pw_uid, group=entry.pw_gid, extra_groups=[])
        self.process = subprocess.Popen(
            self.command, cwd=ROOT, env={**os.environ, **self.env}, stdout=log,
            stderr=subprocess.STDOUT if log else None, start_new_session=True,
            preexec_fn=stack.ended_with_its_starter(self.stop_signal), **kwargs,
        )
        if log:
            log.close()

    def wait_ready(self, timeout: float = 180) -> None:
        if self.ready is None:
            return super().wait_ready(timeout)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if not self.running():
                raise RuntimeError(f"{self.name} exited early{self._log_hint()}")
            try:
                if self.ready():
                    return
            except Exception:
                pass
            time.sleep(0.2)
        raise TimeoutError(f"{self.name} was not ready within {timeout:.0f} s{self._log_hint()}")

    def request_stop(self, sig: Optional[int] = None) -> None:
        """Sends the stop signal (to the main process, which stops its own children; SIGKILL
        to the whole group) without waiting."""
        if not self.running():
            return
        sig = sig or self.stop_signal
        try:
            if sig == signal.SIGKILL:
                os.killpg(self.process.pid, sig)
            else:
                os.kill(self.process.pid, sig)
        except ProcessLookupError:
            pass

    def wait_stopped(self, timeout: float = 30) -> None:
        """Waits for a stop already asked for; past the timeout, kills the whole group."""
        if self.process is None:
            return
        try:
            self.process.wait(timeout)
        except subprocess.TimeoutExpired:
            try:
                os.killpg(self.process.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
            self.process.wait()

    def stop(self, sig: Optional[int] = None, timeout: float = 30) -> None:
        if not self.running():
            return
        self.request_stop(sig)
        self.wait_stopped(timeout)


def _chown(path: Path, user: str) -> None:
    if os.geteuid() == 0:
        entry = pwd.getpwnam(user)
        os.chown(path, entry.pw_uid, entry.pw_gid)


def postgres_bin(name: str) -> str:
    found = sorted(Path("/usr/lib/postgresql").glob(f"*/bin/{name}"),
                   key=lambda p: int(p.parts[-3]) if p.parts[-3].isdigit() else 0)
    if found:
        return str(found[-1])
    return shutil.which(name) or name


class Topology:
    """Starts and stops this machine's part of the scale-out topology."""

    def __init__(self, config: ScaleSettings) -> None:
        self.config = config
        self.logs = config.state_dir / "logs"
        self.services: Dict[str, Process] = {}
        self._build()

    def _runs(self, role: str) -> bool:
        return role in self.config.roles

    def _build(self) -> None:
        c = self.config
        if self._runs("postgres") and is_local(c.postgres.host):
            self.services["postgres"] = self._postgres()
        if self._runs("redis") and is_local(c.redis.host):
            self.services["redis"] = self._redis()
        if self._runs("actions"):
            for i, address in enumerate(c.actions):
                if is_local(address.host):
                    self.services[f"actions-{i}"] = Process(
                        name=f"action server {address}",
                        command=[str(BIN / "python"), "-m", "rasa_sdk", "--actions", "actions",
                                 "--port", str(address.port)],
                        health_url=address.url("/health"),
                        env={"SANIC_HOST": address.host},
                        log_path=self.logs / f"actions-{i}.log",
                    )
        if self._runs("rasa"):
            for i, address in enumerate(c.rasa):
                if is_local(address.host):
                    self.services[f"rasa-{i}"] = self.rasa_process(i)
        if self._runs("web") and is_local(c.web_server.host):
            # Where nginx sends /widget.js: the Board's site listens there (address and port),
            # and is ready when it answers there.
            self.services["web"] = Process(
                name=f"web pages {c.web_server}",
                command=[str(BIN / "python"), "web/server.py"],
                health_url=c.web_server.url("/healthz"),
                env={"WEB_PORT": str(c.web_server.port), "PARTNER_PORT": str(c.partner_port),
                     "RASA_URL": c.public_url, "WEB_HOST": c.web_server.host},
                log_path=self.logs / "web.log",
            )
        if self._runs("nginx"):
            self.services["nginx"] = self._nginx()

    def rasa_process(self, index: int) -> Process:
        c = self.config
        address = c.rasa[index]
        return Process(
            name=f"Rasa {address}",
            command=[str(BIN / "python"), "-m", "assistant.serve",
                     "run", "--model", str(c.model),
                     "--endpoints", str(ENDPOINTS), "--credentials", "credentials.yml",
                     "--interface", address.host, "--port", str(address.port),
                     "--cors", *c.allowed_origins],
            health_url=address.url("/"),
            env=c.rasa_env(index),
            log_path=self.logs / f"rasa-{index}.log",
        )

    # --- PostgreSQL -------------------------------------------------------------------------
    @property
    def pg_dir(self) -> Path:
        return self.config.state_dir / "postgres"

    def _postgres(self) -> Process:
        c = self.config
        data, sockets = self.pg_dir / "data", self.pg_dir / "run"
        return Process(
            name=f"PostgreSQL {c.postgres}",
            command=[postgres_bin("postgres"), "-D", str(data), "-p", str(c.postgres.port),
                     "-c", f"listen_addresses={c.postgres.host}",
                     "-c", f"unix_socket_directories={sockets}",
                     "-c", "max_connections=200", "-c", "shared_buffers=128MB",
                     "-c", "logging_collector=off"],
            health_url="",
            log_path=self.logs / "postgres.log",
            user="postgres",
            stop_signal=signal.SIGINT,  # "fast" shutdown: ends the sessions, no waiting for them
            ready=lambda: subprocess.run(
                [postgres_bin("pg_isready"), "-q", "-h", str(sockets), "-p", str(c.postgres.port)],
                check=False).returncode == 0,
        )

    def _init_postgres(self) -> None:
        """A new cluster in the state folder the first time; the Rasa role and database."""
        data, sockets = self.pg_dir / "data", self.pg_dir / "run"
        for folder in (self.pg_dir, sockets):
            folder.mkdir(parents=True, exist_ok=True)
            _chown(folder, "postgres")
        if os.geteuid() == 0 and subprocess.run(
                ["runuser", "-u", "postgres", "--", "test", "-w", str(self.pg_dir)]).returncode != 0:
            raise SystemExit(f"PostgreSQL runs as the postgres user, which cannot reach {self.pg_dir}: "
                             "set SCALE_STATE_DIR to a folder it can reach (e.g. under /var/tmp).")
        if not (data / "PG_VERSION").exists():
            data.mkdir(parents=True, exist_ok=True)
            data.chmod(0o700)
            _chown(data, "postgres")
            init = Process(
                name="initdb",
                command=[postgres_bin("initdb"), "-D", str(data), "--username=postgres",
                         "--auth-local=trust", "--auth-host=scram-sha-256", "--encoding=UTF8",
                         "--locale=C", "--no-instructions"],
                health_url="", log_path=self.logs / "initdb.log", user="postgres")
            init.start()
            if init.process.wait(120) != 0:
                raise RuntimeError(f"initdb failed (see {init.log_path})")
        # Other machines' Rasa instances (POSTGRES_ALLOW), with passwords only.
        hba = data / "pg_hba.conf"
        marker = "# --- scale-out: other machines (scripts/scale/topology.py) ---"
        text = hba.read_text().split(marker)[0].rstrip("\n")
        if self.config.postgres_allow:
            lines = [f"host all all {cidr} scram-sha-256" for cidr in self.config.postgres_allow]
            text += "\n" + marker + "\n" + "\n".join(lines)
        hba.write_text(text + "\n")

    def _bootstrap_postgres(self) -> None:
        import psycopg2
        from psycopg2 import sql

        c = self.config
        db = psycopg2.connect(host=str(self.pg_dir / "run"), port=c.postgres.port,
                              user="postgres", dbname="postgres")
        db.autocommit = True
        try:
            with db.cursor() as cur:
                cur.execute("SELECT 1 FROM pg_roles WHERE rolname = %s", (c.postgres_user,))
                verb = "ALTER" if cur.fetchone() else "CREATE"
                cur.execute(sql.SQL(verb + " ROLE {} LOGIN PASSWORD %s").format(
                    sql.Identifier(c.postgres_user)), (c.postgres_password,))
                cur.execute("SELECT 1 FROM pg_database WHERE datname = %s", (c.postgres_db,))
                if not cur.fetchone():
                    cur.execute(sql.SQL("CREATE DATABASE {} OWNER {}").format(
                        sql.Identifier(c.postgres_db), sql.Identifier(c.postgres_user)))
        finally:
            db.close()

    # --- Redis ------------------------------------------------------------------------------
    def _redis(self) -> Process:
        c = self.config
        folder = c.state_dir / "redis"
        conf = folder / "redis.conf"
        user = "redis" if _user_exists("redis") else None

        def ping() -> bool:
            import redis

            return redis.Redis(host=c.redis.connect_host, port=c.redis.port,
                               password=c.redis_password or None, socket_timeout=1).ping()

        return Process(
            name=f"Redis {c.redis}",
            command=[shutil.which("redis-server") or "redis-server", str(conf)],
            health_url="", log_path=self.logs / "redis.log", user=user, ready=ping)

    def _write_redis_conf(self) -> None:
        c = self.config
        folder = c.state_dir / "redis"
        folder.mkdir(parents=True, exist_ok=True)
        lines = [
            f"bind {c.redis.host}",
            f"port {c.redis.port}",
            "protected-mode yes",
            "daemonize no",
            f"dir {folder}",
            'logfile ""',
            # Locks only: nothing to keep across a restart (a lost lock only lets the next
            # message of that conversation through at once).
            'save ""',
            "appendonly no",
            "maxmemory 256mb",
            "maxmemory-policy volatile-ttl",
        ]
        if c.redis_password:
            lines.append(f"requirepass {c.redis_password}")
        conf = folder / "redis.conf"
        conf.write_text("\n".join(lines) + "\n")
        conf.chmod(0o600)
        if _user_exists("redis"):
            for path in (folder, conf):
                _chown(path, "redis")

    # --- nginx ------------------------------------------------------------------------------
    @property
    def nginx_dir(self) -> Path:
        return self.config.state_dir / "nginx"

    def _nginx(self) -> Process:
        conf = self.nginx_dir / "nginx.conf"
        return Process(
            name=f"nginx {self.config.listen}",
            command=[shutil.which("nginx") or "/usr/sbin/nginx", "-e", "stderr",
                     "-p", str(self.nginx_dir), "-c", str(conf), "-g", "daemon off;"],
            health_url=self.config.listen.url("/nginx-health"),
            log_path=self.logs / "nginx.log",
            user="www-data" if _user_exists("www-data") else None,
            stop_signal=signal.SIGQUIT,  # graceful: finish the requests in progress
        )

    def write_nginx_conf(self) -> Path:
        folder = self.nginx_dir
        (folder / "tmp").mkdir(parents=True, exist_ok=True)
        conf = folder / "nginx.conf"
        conf.write_text(self.config.nginx_conf(folder), encoding="utf-8")
        for path in [folder, folder / "tmp", conf]:
            if _user_exists("www-data"):
                _chown(path, "www-data")
        return conf

    # --- the whole ----------------------------------------------------------------------------
    def listening_addresses(self) -> Dict[str, List[Address]]:
        c = self.config
        found: Dict[str, List[Address]] = {}
        for name in self.services:
            if name == "postgres":
                found[name] = [c.postgres]
            elif name == "redis":
                found[name] = [c.redis]
            elif name == "nginx":
                found[name] = [c.listen]
            elif name == "web":
                found[name] = [Address(c.web_server.host, c.web_port), Address(c.web_server.host, c.partner_port)]
            else:
                kind, index = name.rsplit("-", 1)
                found[name] = [(c.rasa if kind == "rasa" else c.actions)[int(index)]]
        return found

    def check_ports(self) -> None:
        """Refuses to start when something else already listens where a part would."""
        for name, addresses in self.listening_addresses().items():
            for address in addresses:
                family = socket.AF_INET6 if ":" in address.host else socket.AF_INET
                with socket.socket(family, socket.SOCK_STREAM) as sock:
                    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
                    try:
                        sock.bind((address.host, address.port))
                    except OSError:
                        raise SystemExit(f"{address} is already in use (wanted by {self.services[name].name}): "
                                         "stop what runs there or choose other ports in .env "
                                         "(docs/scale-out.md).") from None

    def prepare(self) -> None:
        self.check_ports()
        self.logs.mkdir(parents=True, exist_ok=True)
        if "postgres" in self.services:
            self._init_postgres()
        if "redis" in self.services:
            self._write_redis_conf()
        if "nginx" in self.services:
            self.write_nginx_conf()
        if any(name.startswith("rasa-") for name in self.services) and not self.config.model.exists():
            raise SystemExit(f"No trained model at {self.config.model}: run `make models/assistant.tar.gz`.")

    def start(self) -> None:
        self.prepare()
        order = [["postgres", "redis"], ["actions-"], ["rasa-"], ["web"], ["nginx"]]
        for group in order:
            names = [n for n in self.services if any(n == g or (g.endswith("-") and n.startswith(g)) for g in group)]
            for name in names:
                self.services[name].start()
            for name in names:
                self.services[name].wait_ready()
            if "postgres" in names:
                self._bootstrap_postgres()

    def stop(self, timeout: float = 30) -> None:
        """Asks every part to stop first, then waits for each (killing what outlives the
        timeout). Ctrl-C is ignored meanwhile: the parts run in sessions of their own, which the
        terminal's Ctrl-C does not reach, so a second Ctrl-C that broke off this loop would
        leave PostgreSQL, Redis or the action server running with nobody to stop them."""
        services = list(reversed(list(self.services.values())))
        with stack.interrupts_ignored():
            for service in services:
                service.request_stop()
            for service in services:
                service.wait_stopped(timeout)

    def rasa_services(self) -> List[Process]:
        return [s for n, s in self.services.items() if n.startswith("rasa-")]


def _user_exists(name: str) -> bool:
    try:
        pwd.getpwnam(name)
        return True
    except KeyError:
        return False


# ------------------------------------------------------------------------------ command line
def run(config: ScaleSettings) -> None:
    topology = Topology(config)
    if not topology.services:
        raise SystemExit("Nothing to run here: check SCALE_ROLES and the hosts in .env.")
    # SIGTERM and SIGHUP (the terminal closed) end the wait below; Ctrl-C raises once, then is
    # ignored until everything has stopped.
    stop_requested = stack.stop_on_signals()
    try:
        topology.start()
        print("\nScale-out topology running here:", flush=True)
        for service in topology.services.values():
            print(f"  {service.name}", flush=True)
        if "nginx" in topology.services:
            print(f"\nThe assistant: {config.public_url}/webhooks/rest/webhook (REST), "
                  f"{config.public_url}/socket.io/ (widget), {config.public_url}/widget.js", flush=True)
        if "web" in topology.services:
            print(f"Demo page using it: http://localhost:{config.web_port}/  (Ctrl-C stops)", flush=True)
        print(f"Logs: {topology.logs}", flush=True)
        stack.wait_until_stopped(topology.services.values(), stop_requested)
    except KeyboardInterrupt:
        pass
    finally:
        topology.stop()


def main(argv: Optional[List[str]] = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("command", choices=["run", "nginx-conf"])
    args = parser.parse_args(argv)
    config = ScaleSettings.from_env()
    if args.command == "nginx-conf":
        print(config.nginx_conf())
    else:
        run(config)


if __name__ == "__main__":
    main()
