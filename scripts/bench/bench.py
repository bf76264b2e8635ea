"""`make bench`: our assistant against Rasa's stock configuration, side by side on this machine.

Both are trained from the same data (config.yml and docs/config-stock.yml, which adds only our
safety check to Rasa's defaults) into results/bench/, each runs as a real Rasa server with its
own action server and its own SQLite store on free loopback ports, and both are measured in the
same run, alternating:

  * reply latency (p50/p95/p99) for one user over REST, on the dev questions' texts;
  * throughput and p95 with 20 and 100 concurrent conversations (locust, headless, bounded);
  * peak RSS of each Rasa server (psutil, children included), start-up time to the first
    answer, training time, and each model's accuracy (its likeliest topic, before the fallback,
    by scripts/evaluate.py's scoring);
  * the scale-out topology (scripts/scale/topology.py) with 1 and with 2 Rasa instances;
  * where a target is missed: py-spy samples of our server under load, and a step-by-step
    account of its start-up time and memory.

Writes docs/benchmarks.md and ends with one line:
  bench: p50_ratio=<stock/ours> throughput_ratio=<ours/stock> rss_mb=<ours> train_s=<ours> accuracy=<ours>/<stock>

The stock model takes a long time to train on 2 cores (DIET, ResponseSelector, TED and
UnexpecTED at 100 epochs): it is trained once, its training time is kept in
results/bench/stock.json, and it is trained again only when its inputs change
(or with --retrain-stock). Ours is trained every run.

Load tools (locust, py-spy) live in their own venv (var/bench/tools, pinned in
scripts/bench/requirements-tools.txt): locust would upgrade python-socketio and python-engineio,
which Rasa 3.6's socket.io channel needs at the pinned versions.

usage: python scripts/bench/bench.py [--retrain-stock] [--quick] [--no-scale] [--no-profile]
"""
import argparse
import csv
import hashlib
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Dict, List, Optional

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "scripts"))
sys.path.insert(0, str(ROOT / "scripts" / "scale"))

import psutil  # noqa: E402
import requests  # noqa: E402

from assistant import stack  # noqa: E402

PY = sys.executable
OUT = ROOT / "results" / "bench"
STATE = ROOT / "var" / "bench"
TOOLS = STATE / "tools"
TOOLS_REQUIREMENTS = ROOT / "scripts" / "bench" / "requirements-tools.txt"
LOCUSTFILE = ROOT / "scripts" / "bench" / "locustfile.py"
DOC = ROOT / "docs" / "benchmarks.md"
CONFIGS = {"ours": ROOT / "config.yml", "stock": ROOT / "docs" / "config-stock.yml"}
LABELS = {"ours": "ours (config.yml)", "stock": "stock (docs/config-stock.yml)"}
NO_REPLY_WORDS = "not working right now"
TARGETS = {"p50_ratio": 4.0, "throughput_ratio": 4.0, "rss_mb": 600, "train_s": 60, "startup_s": 15}


def log(message: str) -> None:
    print(f"[bench {time.strftime('%H:%M:%S')}] {message}", flush=True)


# ------------------------------------------------------------------------------ machine
def machine() -> Dict[str, str]:
    cpu = "unknown"
    for line in Path("/proc/cpuinfo").read_text().splitlines():
        if line.startswith("model name"):
            cpu = line.split(":", 1)[1].strip()
            break
    memory_kb = next(int(line.split()[1]) for line in Path("/proc/meminfo").read_text().splitlines()
                     if line.startswith("MemTotal"))
    import rasa

    return {
        "nproc": str(os.cpu_count()),
        "memory": f"{memory_kb / 1024 / 1024:.1f} GiB",
        "cpu": cpu,
        "os": platform.platform(),
        "python": platform.python_version(),
        "rasa": rasa.__version__,
        "load": " ".join(f"{x:.2f}" for x in os.getloadavg()),
        # Named by assistant/blas_kernel.py (imported with assistant.stack) for every server.
        "blas": os.environ.get("OPENBLAS_CORETYPE", "OpenBLAS's own choice"),
    }


# ------------------------------------------------------------------------------ tools venv
def ensure_tools() -> Path:
    marker = TOOLS / ".installed"
    if not marker.exists() or marker.read_text() != TOOLS_REQUIREMENTS.read_text():
        log("installing locust and py-spy into var/bench/tools (pinned)")
        base = getattr(sys, "_base_executable", None) or shutil.which("python3.10") or "python3"
        if not (TOOLS / "bin" / "python").exists():
            subprocess.run([base, "-m", "venv", str(TOOLS)], check=True)
        pip = [str(TOOLS / "bin" / "python"), "-m", "pip", "install", "--quiet"]
        subprocess.run(pip + ["pip==24.0"], check=True)
        subprocess.run(pip + ["--no-deps", "-r", str(TOOLS_REQUIREMENTS)], check=True)
        marker.write_text(TOOLS_REQUIREMENTS.read_text())
    return TOOLS / "bin"


# ------------------------------------------------------------------------------ training
def fingerprint(config: Path) -> str:
    digest = hashlib.sha256()
    files = [config, ROOT / "domain.yml", *sorted((ROOT / "data").rglob("*.yml")),
             ROOT / "assistant" / "safety_check.py", ROOT / "assistant" / "redflags.py",
             ROOT / "requirements.lock"]
    for path in files:
        digest.update(str(path.relative_to(ROOT)).encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()


def train(name: str, force: bool) -> Dict:
    """Trains results/bench/<name>.tar.gz from a cold cache, timed; reuses the stock model while
    its inputs are unchanged."""
    OUT.mkdir(parents=True, exist_ok=True)
    model, meta_path = OUT / f"{name}.tar.gz", OUT / f"{name}.json"
    digest = fingerprint(CONFIGS[name])
    if not force and model.exists() and meta_path.exists():
        meta = json.loads(meta_path.read_text())
        if meta.get("fingerprint") == digest:
            log(f"{name}: reusing {model.relative_to(ROOT)} (trained {meta['when']} in {meta['train_s']:.0f} s)")
            return {**meta, "reused": True}
    log(f"{name}: training {CONFIGS[name].relative_to(ROOT)} (cold cache)")
    cache = Path(tempfile.mkdtemp(prefix=f"rasa-cache-{name}-"))
    load_before = os.getloadavg()[0]
    started = time.monotonic()
    with open(OUT / f"{name}-train.log", "wb") as out:
        subprocess.run(
            [PY, "-m", "assistant.run", "rasa", "train", "--force", "--config", str(CONFIGS[name]),
             "--fixed-model-name", name, "--out", str(OUT)],
            cwd=ROOT, env={**os.environ, "RASA_CACHE_DIRECTORY": str(cache)}, stdout=out,
            stderr=subprocess.STDOUT, check=True)
    seconds = time.monotonic() - started
    shutil.rmtree(cache, ignore_errors=True)
    meta = {"fingerprint": digest, "train_s": seconds,
            "when": datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M UTC"),
            "load_before": load_before, "load_after": os.getloadavg()[0]}
    meta_path.write_text(json.dumps(meta, indent=1))
    log(f"{name}: trained in {seconds:.1f} s")
    return {**meta, "reused": False}


# ------------------------------------------------------------------------------ accuracy
def accuracy_in_subprocess(model: Path) -> Dict:
    result = subprocess.run([PY, str(Path(__file__)), "--accuracy", str(model)], cwd=ROOT,
                            capture_output=True, text=True, check=True)
    return json.loads(result.stdout.strip().splitlines()[-1])


def accuracy(model: Path) -> None:
    """How often one model's likeliest topic is right on the dev questions, before its fallback
    (scripts/evaluate.py's scoring; printed as JSON, last line). Before the fallback, because the
    two assistants' thresholds are product choices on differently scaled confidences: a first
    answer measured at each one's own threshold would compare the thresholds, not the
    understanding."""
    import evaluate

    questions = evaluate.load_questions()
    parses = evaluate.parse_all(model, [q["text"] for q in questions])
    # Threshold and ambiguity 0: the likeliest topic is always answered.
    outcomes = [evaluate.outcome(q, evaluate.decide(p, threshold=0.0, ambiguity=0.0))
                for q, p in zip(questions, parses) if q["topic"] != evaluate.OUT_OF_SCOPE_TOPIC]
    in_scope = len(outcomes)
    right = sum(o in evaluate.RIGHT for o in outcomes)
    # Understanding alone (the model's NLU pipeline, no server, no store), for comparison.
    import asyncio

    from rasa.core.agent import Agent

    agent = Agent.load(str(model))
    texts = [q["text"] for q in questions]

    async def timed():
        for text in texts[:5]:
            await agent.parse_message(text)
        timings = []
        for _ in range(3):
            for text in texts:
                started = time.perf_counter()
                await agent.parse_message(text)
                timings.append((time.perf_counter() - started) * 1000)
        return timings

    parse_ms = asyncio.run(timed())
    print(json.dumps({"right": right, "in_scope": in_scope, "share": right / in_scope,
                      "wrong": sum(o in evaluate.WRONG for o in outcomes),
                      "parse_p50_ms": percentile(parse_ms, 0.5)}))


# ------------------------------------------------------------------------------ servers
def free_port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


BENCH_ENV = {
    # One client address sends everything here: the per-conversation and per-address limits
    # (assistant/channels.py) would measure themselves, not the assistant.
    "RATE_LIMIT_PER_MINUTE": "0",
    "RATE_LIMIT_PER_IP_PER_MINUTE": "0",
    "TF_CPP_MIN_LOG_LEVEL": "3",
}


@dataclass
class Assistant:
    name: str
    model: Path
    services: Dict[str, stack.Service] = field(default_factory=dict)
    url: str = ""
    startups: List[float] = field(default_factory=list)

    def build(self) -> None:
        ports = stack.Ports(rasa=free_port(), action=free_port(), web=free_port(), partner=free_port())
        logs = STATE / "logs" / self.name
        logs.mkdir(parents=True, exist_ok=True)
        db = STATE / f"{self.name}.db"
        if db.exists():
            db.unlink()
        services = stack.build_services(ports, tracker_url=f"sqlite:///{db}", log_dir=logs)
        services.pop("web")
        rasa = services["rasa"]
        rasa.command[rasa.command.index("--model") + 1] = str(self.model)
        for service in services.values():
            service.env.update(BENCH_ENV)
        self.services = services
        self.url = f"http://127.0.0.1:{ports.rasa}/webhooks/rest/webhook"

    def start(self) -> float:
        """Starts the action server, then Rasa; returns seconds from launching Rasa to its
        first real answer."""
        self.build()
        self.services["actions"].start()
        self.services["actions"].wait_ready()
        rasa = self.services["rasa"]
        started = time.monotonic()
        rasa.start()
        deadline = started + 600
        while time.monotonic() < deadline:
            if not rasa.running():
                raise RuntimeError(f"{self.name}: Rasa exited (see {rasa.log_path})")
            try:
                response = requests.post(self.url, json={"sender": uuid.uuid4().hex, "message": "hello"},
                                         timeout=30)
                if response.status_code == 200 and response.json() and NO_REPLY_WORDS not in response.text:
                    seconds = time.monotonic() - started
                    self.startups.append(seconds)
                    return seconds
            except (requests.RequestException, ValueError):
                pass
            time.sleep(0.1)
        raise TimeoutError(f"{self.name}: no answer within 600 s")

    def stop(self) -> None:
        for service in self.services.values():
            service.stop()

    @property
    def rasa_pid(self) -> Optional[int]:
        rasa = self.services.get("rasa")
        return rasa.process.pid if rasa and rasa.running() else None


class PeakRSS:
    """Samples the RSS of each watched process and its children, keeping the peak."""

    def __init__(self, interval: float = 0.2) -> None:
        self.interval = interval
        self.watch: Dict[str, callable] = {}
        self.peak: Counter = Counter()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def start(self) -> "PeakRSS":
        self._thread.start()
        return self

    def _run(self) -> None:
        while not self._stop.wait(self.interval):
            for name, pid_of in list(self.watch.items()):
                pid = pid_of()
                if not pid:
                    continue
                try:
                    process = psutil.Process(pid)
                    total = process.memory_info().rss + sum(
                        c.memory_info().rss for c in process.children(recursive=True))
                except psutil.Error:
                    continue
                self.peak[name] = max(self.peak[name], total)

    def stop(self) -> None:
        self._stop.set()
        self._thread.join()


# ------------------------------------------------------------------------------ latency
def percentile(values: List[float], q: float) -> float:
    ordered = sorted(values)
    if not ordered:
        return float("nan")
    k = (len(ordered) - 1) * q
    low, high = int(k), min(int(k) + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (k - low)


def one_user_latency(assistants: List[Assistant], texts: List[str], rounds: int) -> Dict[str, List[float]]:
    """One user at a time, each question after the last answer; the assistants take turns
    (one round of all questions each, the order swapped every round)."""
    timings = {a.name: [] for a in assistants}
    session = requests.Session()
    for a in assistants:  # warm-up, not counted
        for text in texts[:5]:
            session.post(a.url, json={"sender": "warmup", "message": text}, timeout=60)
    for r in range(rounds):
        order = assistants if r % 2 == 0 else list(reversed(assistants))
        for a in order:
            sender = uuid.uuid4().hex
            for i, text in enumerate(texts):
                if i % 10 == 0:
                    sender = uuid.uuid4().hex  # conversations of ten messages
                started = time.perf_counter()
                response = session.post(a.url, json={"sender": sender, "message": text}, timeout=60)
                elapsed = (time.perf_counter() - started) * 1000
                if response.status_code != 200 or NO_REPLY_WORDS in response.text:
                    raise RuntimeError(f"{a.name}: {text!r} was not answered: {response.text[:200]}")
                timings[a.name].append(elapsed)
    return timings


# ------------------------------------------------------------------------------ locust
def _cpu_seconds(pids: List[int]) -> float:
    total = 0.0
    for pid in pids:
        try:
            process = psutil.Process(pid)
            for p in [process, *process.children(recursive=True)]:
                times = p.cpu_times()
                total += times.user + times.system
        except psutil.Error:
            pass
    return total


def locust(tools: Path, url: str, users: int, seconds: int, label: str,
           server_pids: Optional[List[int]] = None) -> Dict:
    """A headless locust run against a REST URL on loopback; its aggregated numbers, and the
    CPU time the servers in `server_pids` used per answer."""
    host = url.split("/webhooks/")[0]
    folder = STATE / "locust"
    folder.mkdir(parents=True, exist_ok=True)
    prefix = folder / label
    psutil.cpu_percent()  # starts the machine's CPU count for this run
    cpu_before = _cpu_seconds(server_pids or [])
    started = time.monotonic()
    with open(folder / f"{label}.log", "wb") as out:
        subprocess.run(
            [str(tools / "locust"), "-f", str(LOCUSTFILE), "--headless", "-u", str(users),
             "-r", str(users), "-t", f"{seconds}s", "--host", host, "--csv", str(prefix),
             "--only-summary", "--stop-timeout", "10", "--exit-code-on-error", "0",
             "--loglevel", "WARNING"],
            env={**os.environ, "BENCH_QUESTIONS": str(STATE / "questions.txt"),
                 "BENCH_MAX_MESSAGES_PER_USER": "2000"},
            stdout=out, stderr=subprocess.STDOUT, check=True, timeout=seconds + 120)
    wall = time.monotonic() - started
    cpu = psutil.cpu_percent()
    server_cpu = _cpu_seconds(server_pids or []) - cpu_before
    with open(f"{prefix}_stats.csv", newline="") as f:
        row = next(r for r in csv.DictReader(f) if r["Name"] == "Aggregated")
    count, failures = int(row["Request Count"]), int(row["Failure Count"])
    rps = float(row["Requests/s"])
    ok_rps = rps * (count - failures) / count if count else 0.0
    result = {"users": users, "seconds": seconds, "count": count, "failures": failures,
              "rps": ok_rps, "p50": float(row["50%"] or "nan"), "p95": float(row["95%"] or "nan"),
              "wall": wall, "cpu": cpu,
              "cpu_ms_per_answer": server_cpu * 1000 / max(1, count - failures) if server_pids else None}
    log(f"  {label}: {ok_rps:.1f} answers/s, p95 {result['p95']:.0f} ms, "
        f"{failures}/{count} failed, machine CPU {cpu:.0f}% busy")
    return result


# ------------------------------------------------------------------------------ scale-out
def scale_throughput(tools: Path, model: Path, loads: List[int], seconds: int) -> Dict:
    """The scale-out topology (PostgreSQL, Redis, nginx) with 1 and with 2 Rasa instances,
    measured with the same locust load through nginx, alternating."""
    import topology

    state = STATE / "scale"
    shutil.rmtree(state, ignore_errors=True)
    state.mkdir(parents=True)
    state.chmod(0o755)
    config = topology.ScaleSettings.from_env(
        state_dir=state, roles=frozenset({"postgres", "redis", "actions", "rasa", "nginx"}),
        rasa=[topology.Address("127.0.0.1", free_port()) for _ in range(2)],
        actions=[topology.Address("127.0.0.1", free_port())],
        listen=topology.Address("127.0.0.1", free_port()),
        postgres=topology.Address("127.0.0.1", free_port()),
        redis=topology.Address("127.0.0.1", free_port()),
        postgres_password="", redis_password="", model=model,
        rate_per_minute=1_000_000, rate_burst=100_000,
        rasa_extra_env=dict(BENCH_ENV))
    two = topology.Topology(config)
    one_config = topology.ScaleSettings(**{**config.__dict__, "state_dir": state / "one",
                                            "roles": frozenset({"nginx"}), "rasa": config.rasa[:1],
                                            "listen": topology.Address("127.0.0.1", free_port())})
    one = topology.Topology(one_config)
    results: Dict = {"one": {}, "two": {}}
    try:
        log("scale-out: starting PostgreSQL, Redis, an action server, 2 Rasa instances, 2 nginx")
        two.start()
        one.start()
        urls = {"one": f"{one_config.listen.url()}/webhooks/rest/webhook",
                "two": f"{config.listen.url()}/webhooks/rest/webhook"}
        for url in urls.values():  # warm-up: both instances answer once through each nginx
            for _ in range(4):
                requests.post(url, json={"sender": uuid.uuid4().hex, "message": "hello"}, timeout=60)
        for i, users in enumerate(loads):
            order = ["one", "two"] if i % 2 == 0 else ["two", "one"]
            for which in order:
                results[which][users] = locust(tools, urls[which], users, seconds,
                                               f"scale-{which}-{users}")
    finally:
        one.stop()
        two.stop()
    return results


# ------------------------------------------------------------------------------ profiles
CATEGORIES = [
    ("names found by spaCy (redaction before storing)", ("spacy/", "thinc/")),
    ("other redaction (regexes, phone numbers)", ("assistant/redaction.py", "phonenumbers/")),
    ("conversation store (SQLAlchemy, SQLite)", ("sqlalchemy/", "sqlite3/", "tracker_store.py")),
    ("tracker (re)building and event serialisation", ("rasa/shared/core/trackers.py", "rasa/shared/core/events.py", "rasa/shared/core/slots.py", "json/", "copy.py")),
    ("understanding: NLU pipeline (features, classifier, safety check)", ("rasa/nlu/", "sklearn/", "scipy/", "assistant/safety_check.py", "assistant/redflags.py", "assistant/sentence_", "assistant/tfidf_features.py", "assistant/topic_classifier.py")),
    ("dialogue policies and actions", ("rasa/core/policies/", "rasa/core/actions/", "rasa/core/processor.py", "assistant/nlg.py", "rasa/core/nlg/")),
    ("web server, channels, asyncio, logging", ("sanic/", "asyncio/", "uvloop/", "httptools/", "assistant/channels.py", "logging/", "structlog/")),
]


def profile_under_load(tools: Path, assistant: Assistant, users: int, seconds: int) -> Dict:
    """py-spy samples of a Rasa server while locust sends `users` conversations; the server's
    busy samples in each part of the work, and CPU milliseconds per answer."""
    out = STATE / f"profile-{assistant.name}.txt"
    spy = subprocess.Popen([str(tools / "py-spy"), "record", "--pid", str(assistant.rasa_pid),
                            "--format", "raw", "--rate", "100", "--nonblocking", "--duration", str(seconds),
                            "--output", str(out)],
                           stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    time.sleep(1)
    load = locust(tools, assistant.url, users, seconds - 2, f"profile-{assistant.name}",
                  server_pids=[assistant.rasa_pid])
    spy.wait(timeout=seconds + 60)
    totals: Counter = Counter()
    leaf: Counter = Counter()
    samples = connecting = 0
    for line in out.read_text().splitlines():
        stack_text, _, count = line.rpartition(" ")
        try:
            n = int(count)
        except ValueError:
            continue
        samples += n
        for name, markers in CATEGORIES:
            if any(m in stack_text for m in markers):
                totals[name] += n
                break
        else:
            totals["other"] += n
        leaf[_frame_name(stack_text.split(";")[-1])] += n
        if SQLITE_CONNECTING.search(stack_text):
            connecting += n
    # py-spy says where the server was busy; its measured CPU time says how much: each part's
    # share of the busy samples times the CPU milliseconds per answer.
    cpu_ms = load["cpu_ms_per_answer"] or 0.0
    return {"samples": samples, "seconds": seconds - 1, "categories": totals,
            "top_leaves": leaf.most_common(8), "load": load, "cpu_ms_per_answer": cpu_ms,
            "sqlite_connecting": connecting,
            "ms_per_answer": {name: cpu_ms * n / max(1, samples) for name, n in totals.items()}}


# Opening and closing a database connection (SQLAlchemy's connect and close, and the
# project's per-connection PRAGMAs for SQLite).
SQLITE_CONNECTING = __import__("re").compile(
    r"do_close \(|_sqlite_without_a_disk_sync_per_message \(|connect \([^;]*sqlalchemy/engine/default\.py")


def _frame_name(frame: str) -> str:
    """'function (path/to/file.py:12)' -> 'function (file.py)'."""
    function, _, where = frame.partition(" (")
    return f"{function} ({where.split(':')[0].rsplit('/', 1)[-1]})" if where else function


BREAKDOWN_SCRIPT = r"""
import json, os, sys, time, resource
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
sys.path.insert(0, sys.argv[2])
import psutil
me = psutil.Process()
steps = []
t0 = time.monotonic()
def step(name):
    steps.append({"step": name, "s": time.monotonic() - t0, "rss_mb": me.memory_info().rss / 2**20})
step("python started")
from assistant import serve
if serve.components_without_tensorflow(__import__("pathlib").Path(sys.argv[1])):
    serve.leave_out_tensorflow()
    step("TensorFlow left out (assistant.serve: no component of the model needs it)")
else:
    import tensorflow
    step("import tensorflow (Rasa imports it whatever the model)")
import rasa.core.run, rasa.core.agent, rasa.server
step("import Rasa's server and agent")
from assistant import redaction
redaction.load()
step("spaCy English model loaded (assistant/redaction.py, for names)")
import asyncio
from rasa.core.agent import load_agent
from rasa.utils.endpoints import read_endpoint_config
agent = asyncio.run(load_agent(model_path=sys.argv[1]))
step("model loaded (Agent)")
asyncio.run(agent.parse_message("how do I get my dog ready for the baby?"))
step("first message understood")
print(json.dumps({"steps": steps,
                  "tensorflow_loaded": "libtensorflow" in open("/proc/self/maps").read()}))
"""


REDACTION_SCRIPT = r"""
import asyncio, json, sys, time, importlib.util, uuid
from pathlib import Path
from unittest import mock
sys.path.insert(0, sys.argv[1])
import spacy
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import ActionExecuted, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker
from rasa.shared.utils.io import read_config_file
from assistant import redaction, tracker_store
texts = [json.loads(l)["text"] for l in open(sys.argv[2], encoding="utf-8") if l.strip()]
texts += ["my daughter Poppy was bitten by Max", "Mrs Patel said the dog is fine",
          "I'm Sarah, my son Jack is 2 and our dog Bruno growled"]
full = redaction._nlp()
spec = next(filter(None, (importlib.util.find_spec(p) for p in redaction.MODEL_PACKAGES)))
root = Path(spec.origin).parent
folder = sorted(p for p in root.iterdir() if p.is_dir() and (p / "config.cfg").exists())[-1]
slim = spacy.load(folder, exclude=["lemmatizer", "parser", "senter", "tok2vec", "tagger", "attribute_ruler"])
def per_text(fn, rounds=3):
    for t in texts[:5]:
        fn(t)
    start = time.perf_counter()
    for _ in range(rounds):
        for t in texts:
            fn(t)
    return (time.perf_counter() - start) / (rounds * len(texts)) * 1000
ents = lambda nlp, t: [(e.start_char, e.end_char, e.label_) for e in nlp(t).ents]
calls = []
original = redaction.redact
# One widget message saved by the store as Rasa saves it: Rasa adds its model's and assistant's
# ids to the event's metadata.
store = tracker_store.RedactingSQLTrackerStore(domain=Domain.empty(), dialect="sqlite", db=":memory:")
tracker = DialogueStateTracker.from_events("bench", [ActionExecuted("action_listen")])
tracker.model_id = uuid.uuid4().hex  # as Rasa names a trained model
tracker.assistant_id = read_config_file(Path(sys.argv[1]) / "config.yml")["assistant_id"]
tracker.update(UserUttered(texts[0], {"name": "x"}, parse_data={"text": texts[0], "entities": [],
                                                                  "intent": {"name": "x"}},
                           metadata={"audience": "family"}))
with mock.patch.object(redaction, "redact", side_effect=lambda v: calls.append(v) or original(v)):
    asyncio.run(store.save(tracker))
print(json.dumps({
    "redact_ms": per_text(redaction.redact),
    "spacy_full_ms": per_text(full),
    "spacy_ner_only_ms": per_text(slim),
    "pipes": full.pipe_names,
    "same_entities": all(ents(full, t) == ents(slim, t) for t in texts),
    "texts": len(texts),
    "redact_calls_per_user_event": len(calls),
    "same_text_twice": calls.count(texts[0]),
}))
"""


def redaction_costs() -> Dict:
    """What redaction costs per stored message, and what a name-finder-only spaCy pipeline
    would cost (same entities?), on the dev questions."""
    from assistant import dev_questions

    result = subprocess.run([PY, "-c", REDACTION_SCRIPT, str(ROOT), str(dev_questions.path())],
                            cwd=ROOT, capture_output=True, text=True, check=True,
                            env={**os.environ, "TF_CPP_MIN_LOG_LEVEL": "3"})
    return json.loads(result.stdout.strip().splitlines()[-1])


def training_steps(log_path: Path) -> List[Dict]:
    """Seconds per trained component, from the timestamps of Rasa's training log."""
    import re

    starts, steps = {}, []
    pattern = re.compile(r"^(\d{4}-\d\d-\d\d \d\d:\d\d:\d\d) INFO .*(Starting to train|Finished training) component '([^']+)'")
    for line in log_path.read_text(errors="replace").splitlines():
        m = pattern.match(line)
        if not m:
            continue
        when = datetime.strptime(m.group(1), "%Y-%m-%d %H:%M:%S").timestamp()
        if m.group(2).startswith("Starting"):
            starts[m.group(3)] = when
        elif m.group(3) in starts:
            steps.append({"component": m.group(3), "s": when - starts.pop(m.group(3))})
    return steps


def breakdown(model: Path) -> Dict:
    """Start-up time and memory, step by step, in a fresh interpreter (what assistant.serve and
    `rasa run` do before the first answer, in the same order)."""
    result = subprocess.run([PY, "-c", BREAKDOWN_SCRIPT, str(model), str(ROOT)], cwd=ROOT,
                            capture_output=True, text=True, check=True,
                            env={**os.environ, "TF_CPP_MIN_LOG_LEVEL": "3"})
    return json.loads(result.stdout.strip().splitlines()[-1])


def import_cost(module: str) -> Dict:
    code = ("import time, psutil, os; p = psutil.Process(); r0 = p.memory_info().rss; t = time.monotonic(); "
            f"import {module}; print(time.monotonic() - t, (p.memory_info().rss - r0) / 2**20)")
    out = subprocess.run([PY, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True,
                         env={**os.environ, "TF_CPP_MIN_LOG_LEVEL": "3"}).stdout.split()
    return {"s": float(out[-2]), "mb": float(out[-1])}


# ------------------------------------------------------------------------------ report
def fmt(value: float, digits: int = 0) -> str:
    return f"{value:,.{digits}f}"


def write_report(r: Dict) -> None:
    m, lat, thr, acc, train_, rss = r["machine"], r["latency"], r["throughput"], r["accuracy"], r["train"], r["rss"]
    startup = {n: statistics.mean(v) for n, v in r["startups"].items()}
    ratio = r["ratios"]

    def row(label, ours, stock, target, met):
        verdict = "" if not target else ("yes" if met else "**no**")
        return f"| {label} | {ours} | {stock} | {target} | {verdict} |"

    lines = [
        "# Benchmarks: our assistant against Rasa's stock configuration",
        "",
        f"Made by `make bench` (scripts/bench/bench.py) on {r['date']}. Both assistants were trained",
        "from the same data (domain.yml, data/) and measured in the same run on the same machine,",
        "taking turns: each is a real `rasa run` server, started as `make run` starts it",
        "(`python -m assistant.serve run`, which leaves TensorFlow out when no component of the",
        "model needs it), with its own action server and its own SQLite conversation store, on",
        "loopback, reached over REST (`/webhooks/rest/webhook`).",
        "The stock configuration is docs/config-stock.yml (what `rasa init` leaves: DIET,",
        "ResponseSelector, TED, UnexpecTED, Memoization and Rule policies, 100 epochs) plus our",
        "safety check; ours is config.yml (word TF-IDF and an all-MiniLM-L6-v2 sentence embedding",
        "under logistic regression, rules only).",
        "",
        "## Machine",
        "",
        f"- {m['nproc']} cores ({m['cpu']}), {m['memory']} memory, {m['os']}",
        f"- Python {m['python']}, Rasa {m['rasa']}; locust {r['tools']['locust']} and py-spy "
        f"{r['tools']['py-spy']} (var/bench/tools)",
        f"- OpenBLAS kernel: {m['blas']}, for both assistants (assistant/blas_kernel.py)",
        f"- Load average when the run started: {m['load']} (the machine is shared with other work;",
        "  numbers from one run are noisy, ratios are steadier than absolute values)",
        "",
        "## Side by side",
        "",
        "| measure | ours | stock | target (ours) | met |",
        "|---|---|---|---|---|",
        row("reply latency p50, one user (ms)", fmt(lat["ours"]["p50"], 1), fmt(lat["stock"]["p50"], 1),
            "4x lower than stock", ratio["p50"] >= TARGETS["p50_ratio"]),
        row("reply latency p95, one user (ms)", fmt(lat["ours"]["p95"], 1), fmt(lat["stock"]["p95"], 1), "", True),
        row("reply latency p99, one user (ms)", fmt(lat["ours"]["p99"], 1), fmt(lat["stock"]["p99"], 1), "", True),
        row("understanding alone, p50 (ms; Agent.parse_message, no server or store)",
            fmt(acc["ours"]["parse_p50_ms"], 1), fmt(acc["stock"]["parse_p50_ms"], 1), "", True),
    ]
    for users in r["loads"]:
        o, s = thr["ours"][users], thr["stock"][users]
        lines.append(row(f"throughput, {users} conversations at once (answers/s)", fmt(o["rps"], 1),
                         fmt(s["rps"], 1), "4x higher than stock", o["rps"] >= 4 * s["rps"]))
        lines.append(row(f"p95 with {users} conversations (ms)", fmt(o["p95"]), fmt(s["p95"]), "", True))
        lines.append(row(f"failed messages with {users} conversations", f"{o['failures']}/{o['count']}",
                         f"{s['failures']}/{s['count']}", "", True))
        lines.append(row(f"Rasa server CPU per answer with {users} conversations (ms)",
                         fmt(o["cpu_ms_per_answer"], 1), fmt(s["cpu_ms_per_answer"], 1), "", True))
        lines.append(row(f"machine CPU busy with {users} conversations", f"{o['cpu']:.0f}%",
                         f"{s['cpu']:.0f}%", "", True))
    lines += [
        row("peak RSS of the Rasa server, children included (MB)", fmt(rss["ours"]), fmt(rss["stock"]),
            "under 600 MB", rss["ours"] < TARGETS["rss_mb"]),
        row("training time, cold cache (s)", fmt(train_["ours"]["train_s"], 1),
            fmt(train_["stock"]["train_s"]) + (f" (recorded {'; '.join(filter(None, [train_['stock']['when'], train_['stock'].get('note')]))})" if train_["stock"].get("reused") else ""),
            "under 60 s", train_["ours"]["train_s"] < TARGETS["train_s"]),
        row("start-up to the first answer (s)", " / ".join(fmt(v, 1) for v in r["startups"]["ours"]),
            " / ".join(fmt(v, 1) for v in r["startups"]["stock"]), "under 15 s",
            startup["ours"] < TARGETS["startup_s"]),
        row("accuracy on the dev questions (likeliest topic right, in scope, before the fallback)",
            f"{acc['ours']['share']:.1%} ({acc['ours']['right']}/{acc['ours']['in_scope']})",
            f"{acc['stock']['share']:.1%} ({acc['stock']['right']}/{acc['stock']['in_scope']})",
            "no lower than stock", acc["ours"]["share"] >= acc["stock"]["share"]),
        "",
        "How each is measured:",
        "",
        f"- **Latency**: one user sends the {r['n_questions']} dev questions' texts "
        "(../shared/eval/dev_questions.jsonl) one after another, each after the last answer, in",
        f"  conversations of ten messages; {r['rounds']} round(s), the assistants taking turns (order",
        f"  swapped each round): {len(r['latency_samples']['ours'])} timed messages each, after a warm-up.",
        "- **Throughput**: locust (headless, FastHttpUser) with 20 and 100 users, each a",
        "  conversation sending the same questions back to back (no think time, a new conversation",
        f"  every ten messages), {r['seconds']} s per run, runs alternating between the assistants;",
        "  answers/s counts real answers only (failures: errors, timeouts, the 'not working' reply).",
        "  The load generator runs on the same 2 cores.",
        "- **Peak RSS**: psutil, every 0.2 s over the whole run (start-up, latency and load), the",
        "  Rasa process and its children; the action server is separate and not counted.",
        "- **Start-up**: from launching the Rasa server (action server already up) to the first real",
        "  answer over REST; two starts each, alternating.",
        "- **Training**: `rasa train --force` through assistant.run with an empty Rasa cache",
        "  (RASA_CACHE_DIRECTORY), Python start-up included. The stock model is trained only when",
        "  its inputs change (results/bench/stock.json keeps their fingerprint and the time): about",
        "  half an hour on 2 cores, so the first `make bench` on a machine takes that much longer",
        "  than the usual 8-9 minutes.",
        "- **Accuracy**: scripts/evaluate.py's share of in-scope dev questions whose first answer is",
        "  the right topic's (safety-first replies to urgent questions count as right).",
        "- Rate limits (assistant/channels.py) are off for both (RATE_LIMIT_PER_MINUTE=0,",
        "  RATE_LIMIT_PER_IP_PER_MINUTE=0): all load comes from one address.",
        "",
        "```",
        r["bench_line"],
        "```",
        "",
    ]
    if r.get("scale"):
        sc = r["scale"]
        lines += [
            "## Scale-out: 1 Rasa instance against 2",
            "",
            "The scale-out topology (docs/scale-out.md; scripts/scale/topology.py) with our model:",
            "PostgreSQL conversation store, Redis lock store, one action server, nginx in front;",
            "the same locust load through nginx, once to an nginx with one Rasa instance upstream and",
            "once to one with both, alternating, on this same 2-core machine.",
            "",
            "| conversations at once | 1 instance (answers/s) | 2 instances (answers/s) | 2 vs 1 | p95 1 / 2 (ms) | failed 1 / 2 | machine CPU busy 1 / 2 |",
            "|---|---|---|---|---|---|---|",
        ]
        for users in r["loads"]:
            a, b = sc["one"][users], sc["two"][users]
            lines.append(f"| {users} | {a['rps']:.1f} | {b['rps']:.1f} | {b['rps'] / a['rps']:.2f}x | "
                         f"{a['p95']:.0f} / {b['p95']:.0f} | {a['failures']}/{a['count']} / {b['failures']}/{b['count']} | "
                         f"{a['cpu']:.0f}% / {b['cpu']:.0f}% |")
        lines += ["", r.get("scale_note", ""), ""]
    lines += r.get("findings", [])
    DOC.write_text("\n".join(lines).rstrip() + "\n", encoding="utf-8")


def findings(r: Dict) -> List[str]:
    """Where the time and memory go, with the numbers measured in this run."""
    out = ["## Where the time and memory go", ""]
    profiles = r.get("profiles") or {}
    if profiles.get("ours") and profiles.get("stock"):
        po, ps = profiles["ours"], profiles["stock"]
        names = [name for name, _ in CATEGORIES] + ["other"]
        out += [f"**Per message.** py-spy (100 samples/s) on each Rasa server in turn while locust sent "
                f"{po['load']['users']} conversations at once ({po['load']['rps']:.1f} answers/s ours, "
                f"{ps['load']['rps']:.1f} stock, slowed by the sampling). The server's CPU time per "
                "answer (psutil), split by where py-spy found it busy:", "",
                "| part of the work | ours (ms/answer) | stock (ms/answer) |", "|---|---|---|"]
        for name in names:
            a, b = po["ms_per_answer"].get(name, 0.0), ps["ms_per_answer"].get(name, 0.0)
            if a >= 0.05 or b >= 0.05:
                out.append(f"| {name} | {a:.1f} | {b:.1f} |")
        total_o, total_s = sum(po["ms_per_answer"].values()), sum(ps["ms_per_answer"].values())
        out += [f"| **all** | **{total_o:.1f}** | **{total_s:.1f}** |", "",
                "Busiest functions in ours (own time): " + ", ".join(
                    f"`{name}` {n / po['samples']:.1%}" for name, n in po["top_leaves"][:6]) + ".",
                "Busiest in stock: " + ", ".join(
                    f"`{name}` {n / ps['samples']:.1%}" for name, n in ps["top_leaves"][:6]) + ".", ""]
    red = r.get("redaction")
    if red:
        out += [f"**Redaction before storing** (assistant/redaction.py, measured on {red['texts']} texts: "
                f"the dev questions and three with names): `redact()` takes {red['redact_ms']:.1f} ms "
                f"a text, most of it spaCy's pipeline ({', '.join(red['pipes'])}: "
                f"{red['spacy_full_ms']:.1f} ms a text). It runs {red['redact_calls_per_user_event']} "
                + (f"times for each stored user message: on the text, again on the same text inside "
                   f"`parse_data` ({red['same_text_twice']} calls on the same string), and on each "
                   "metadata string. "
                   if red["same_text_twice"] > 1 else
                   "time(s) for each stored user message from the widget: once for each distinct "
                   "string (the text, which `parse_data` repeats, and each metadata string but the "
                   "model's and assistant's ids that Rasa adds). ")
                + f"spaCy with the name finder alone (`ner`, which has its own token "
                f"features in en_core_web_sm) takes {red['spacy_ner_only_ms']:.1f} ms a text and "
                f"finds {'exactly the same' if red['same_entities'] else 'NOT the same'} entities "
                f"on these texts.", ""]
    b = r.get("breakdown")
    if b:
        out += ["**Start-up and memory**, step by step in a fresh interpreter, in the order "
                "assistant.serve and `rasa run` do them (scripts/bench/bench.py, BREAKDOWN_SCRIPT):",
                "",
                "| step | seconds since start | RSS after (MB) |", "|---|---|---|"]
        for step in b["steps"]:
            out.append(f"| {step['step']} | {step['s']:.1f} | {step['rss_mb']:.0f} |")
        out.append("")
        tf, sp = r.get("tf_cost"), r.get("spacy_cost")
        if tf:
            out.append(f"- `import tensorflow` alone, in a fresh interpreter: {tf['s']:.1f} s and "
                       f"{tf['mb']:.0f} MB. Rasa 3.6 imports it at start-up whatever the model, and so "
                       "does spaCy's thinc whenever it is installed. Our model has no TensorFlow "
                       "component, so assistant.serve puts placeholders in its place (TensorFlow's "
                       f"library loaded after loading our model: {b['tensorflow_loaded']}); the stock "
                       "model (DIET, TED) gets the real TensorFlow.")
        if sp:
            out.append(f"- `import spacy` alone: {sp['s']:.1f} s and {sp['mb']:.0f} MB (in a plain "
                       "interpreter TensorFlow included, through thinc); the English model for names "
                       "adds the rest of that step.")
        out.append("")
    steps = r.get("training_steps")
    if steps:
        total = r["train"]["ours"]["train_s"]
        trained = sum(step["s"] for step in steps)
        biggest = max(steps, key=lambda step: step["s"])
        out += [f"**Training ours** ({total:.0f} s in all): the components themselves take {trained:.0f} s, "
                f"{biggest['component']} {biggest['s']:.0f} s of it (from Rasa's training log, to the "
                f"second); the rest ({total - trained:.0f} s) is starting Python and Rasa (TensorFlow "
                "and spaCy imports), reading and validating the data, running the featurizers that "
                "learn nothing over the training examples (the sentence embedding among them; Rasa "
                "does not log them as trained components), and packing the model.", ""]
    out += r.get("suggestions", [])
    return out


def suggestions(r: Dict) -> List[str]:
    """Concrete changes for the owners of assistant/ and config.yml (not made here), each only
    while the measurements show it is still to do."""
    items: List[str] = []
    red, p = r.get("redaction"), r.get("profile")
    spacy_share = (p["categories"].get("names found by spaCy (redaction before storing)", 0) / p["samples"]
                   if p and p["samples"] else 0.0)
    if red and red["pipes"] != ["ner"]:
        items.append(
            "**assistant/redaction.py: load only spaCy's name finder**: `spacy.load(folder, "
            "exclude=[\"tok2vec\", \"tagger\", \"attribute_ruler\", \"lemmatizer\", \"parser\", "
            f"\"senter\"])` ({red['spacy_full_ms']:.1f} -> {red['spacy_ner_only_ms']:.1f} ms a text, "
            f"same entities on {red['texts']} texts; spaCy is {spacy_share:.0%} of the busy time).")
    if red and red["same_text_twice"] > 1:
        items.append(
            "**assistant/tracker_store.py: redact each distinct string once per event** (the user "
            "text and `parse_data.text` are the same string).")
    if r.get("sqlite_journal_mode") not in (None, "wal", "unknown"):
        items.append(
            "**SQLite without a disk sync per message**: `PRAGMA journal_mode=WAL` and "
            "`PRAGMA synchronous=NORMAL` on each connection (a SQLAlchemy `connect` event in "
            "RedactingSQLTrackerStore).")
    if p and p["samples"]:
        connecting = p.get("sqlite_connecting", 0) / p["samples"]
        store = p["categories"].get("conversation store (SQLAlchemy, SQLite)", 0) / p["samples"]
        if connecting >= 0.02:
            items.append(
                f"**assistant/tracker_store.py: keep the SQLite connection open.** The store is "
                f"{store:.0%} of our server's busy time, and {connecting:.0%} goes to opening and "
                "closing connections (with their PRAGMAs): SQLAlchemy 1.4 gives a file SQLite "
                "database no pool (NullPool), so every session of every message opens the file "
                "again. For SQLite, create the engine with "
                "`poolclass=sa.pool.SingletonThreadPool` (one connection per thread; Rasa's store "
                "runs in the event loop's thread). Tried on a copy of the store on 26 Nov 2026: about "
                "8% less CPU per answer (19.6-21.7 -> 18.7-18.9 ms) and 45-50 -> 54 answers/s with "
                "20 conversations, no failures.")
    tf = r.get("tf_cost")
    if tf and r.get("breakdown", {}).get("tensorflow_loaded"):
        items.append(
            f"**TensorFlow** ({tf['mb']:.0f} MB and {tf['s']:.1f} s of every start) is loaded by our "
            "server: a component of the model is missing from "
            "assistant.serve.COMPONENTS_WITHOUT_TENSORFLOW. Check that it runs without TensorFlow "
            "(tests/unit/test_serve.py, the live tests) and add it, or accept the cost.")
    steps = r.get("training_steps")
    if steps and r["train"]["ours"]["train_s"] >= TARGETS["train_s"]:
        biggest = max(steps, key=lambda step: step["s"])
        items.append(
            f"**Training**: config.yml's largest logged step is {biggest['component']} "
            f"({biggest['s']:.0f} s); the sentence embedding's forward pass over every training "
            "example is in the unlogged rest (matrix products, bound by the CPU). Keeping each "
            "example's embedding between trainings would make retraining after a small data change "
            "take seconds, though not a cold training; a smaller sentence model would cut both, at "
            "a cost in accuracy to be measured with `make eval`.")
    profiles = r.get("profiles") or {}
    if profiles.get("ours") and r["ratios"]["p50"] < TARGETS["p50_ratio"]:
        name, samples = profiles["ours"]["top_leaves"][0]
        items.append(
            "**The 4x latency and throughput targets** (see 'Targets missed'): what differs between "
            "the two configurations is the smaller part of each answer, and the stock networks are "
            "fast on this CPU. Shrinking the shared parts (redaction, store, server) makes both "
            "faster and moves the ratio towards the ratio of the own parts, not past it; our own "
            f"part has to get cheaper too. The largest single cost under load is `{name}` "
            f"({samples / max(1, profiles['ours']['samples']):.0%} of our busy time).")
    out = ["## Where the time goes, and what would cut it", ""]
    out += [f"{i}. {item}" for i, item in enumerate(items, 1)]
    out.append("")
    return out


def scale_note(r: Dict) -> str:
    gains = [r["scale"]["two"][u]["rps"] / r["scale"]["one"][u]["rps"] for u in r["loads"]]
    return (f"Two instances give {min(gains):.2f}x to {max(gains):.2f}x the answers per second of one. "
            "On this machine both instances, PostgreSQL, nginx, the action server and the load "
            "generator share 2 cores, so a second instance can only use what the first one leaves "
            "idle; on separate machines (docs/scale-out.md) each instance brings its own cores.")


def notes(r: Dict) -> List[str]:
    """Each target missed, in one line, with what the sections below show about it."""
    out = ["## Targets missed, and why", ""]
    missed = []
    b = r.get("breakdown")
    why_cpu = ""
    profiles = r.get("profiles") or {}
    if profiles.get("ours") and profiles.get("stock"):
        own = {"understanding: NLU pipeline (features, classifier, safety check)",
               "dialogue policies and actions"}
        po, ps = profiles["ours"]["ms_per_answer"], profiles["stock"]["ms_per_answer"]
        shared_o = sum(v for k, v in po.items() if k not in own)
        own_o, own_s = sum(po.get(k, 0) for k in own), sum(ps.get(k, 0) for k in own)
        total_s = sum(ps.values())
        why_cpu = (f" Per answer, the work that differs between the two configurations (understanding "
                   f"and dialogue) takes {own_o:.1f} ms of CPU in ours and {own_s:.1f} ms in stock "
                   f"({own_s / max(own_o, 0.01):.1f}x); everything else is the same code in both: "
                   f"{shared_o:.1f} ms in ours, the largest parts "
                   + " and ".join(f"{k.split(' (')[0]} ({v:.1f} ms)" for k, v in sorted(
                       ((k, v) for k, v in po.items() if k not in own), key=lambda kv: -kv[1])[:2])
                   + f". So 4x is out of reach with the parts as they are: with our own part free "
                   f"the ratio would be {total_s / max(shared_o, 0.01):.1f}x, with the shared part "
                   f"free {own_s / max(own_o, 0.01):.1f}x. It needs both our own part under a quarter "
                   f"of stock's (under {own_s / 4:.1f} ms) and the shared part small beside it.")
    acc = r["accuracy"]
    if acc["ours"].get("parse_p50_ms") and acc["stock"].get("parse_p50_ms"):
        why_cpu += (f" Understanding alone (the NLU pipeline without server or store) is "
                    f"{acc['ours']['parse_p50_ms']:.1f} ms against {acc['stock']['parse_p50_ms']:.1f} ms "
                    f"({acc['stock']['parse_p50_ms'] / acc['ours']['parse_p50_ms']:.1f}x): on this CPU "
                    "(AVX-512) the stock model's small TensorFlow networks answer in a few milliseconds.")
    if r["ratios"]["p50"] < TARGETS["p50_ratio"]:
        missed.append(f"- **Latency** ratio {r['ratios']['p50']:.2f}x (target 4x).{why_cpu}")
    if r["ratios"]["throughput"] < TARGETS["throughput_ratio"]:
        missed.append(f"- **Throughput** ratio {r['ratios']['throughput']:.2f}x (target 4x), the lower "
                      "of the two loads: the same cause as the latency" +
                      (" (above)." if r["ratios"]["p50"] < TARGETS["p50_ratio"] else f".{why_cpu}"))
    if r["rss"]["ours"] >= TARGETS["rss_mb"]:
        detail = ""
        if b:
            steps = b["steps"]
            detail = (" In a fresh interpreter: " + "; ".join(
                f"{s['step'].split(' (')[0]} +{s['rss_mb'] - steps[i - 1]['rss_mb']:.0f} MB"
                for i, s in enumerate(steps) if i) + ".")
        missed.append(f"- **Peak RSS** {r['rss']['ours']:.0f} MB (target under 600 MB).{detail}")
    if r["train"]["ours"]["train_s"] >= TARGETS["train_s"]:
        missed.append(f"- **Training** {r['train']['ours']['train_s']:.0f} s (target under 60 s): "
                      "see 'Training ours' below.")
    if statistics.mean(r["startups"]["ours"]) >= TARGETS["startup_s"]:
        missed.append(f"- **Start-up** {statistics.mean(r['startups']['ours']):.1f} s (target under "
                      "15 s): see the start-up steps below.")
    if r["accuracy"]["ours"]["share"] < r["accuracy"]["stock"]["share"]:
        missed.append("- **Accuracy** lower than stock.")
    out += missed or ["None in this run."]
    out.append("")
    return out


# ------------------------------------------------------------------------------ main
def tool_versions(tools: Path) -> Dict[str, str]:
    versions = {}
    for line in TOOLS_REQUIREMENTS.read_text().splitlines():
        if "==" in line:
            name, version = line.split("==")
            versions[name.strip().lower()] = version.strip()
    return {"locust": versions.get("locust", "?"), "py-spy": versions.get("py-spy", "?")}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--retrain-stock", action="store_true", help="train the stock model even if unchanged")
    parser.add_argument("--quick", action="store_true", help="short runs, to try the script")
    parser.add_argument("--no-scale", action="store_true", help="skip the 1-vs-2 instance measurement")
    parser.add_argument("--no-profile", action="store_true", help="skip py-spy and the start-up account")
    parser.add_argument("--report-only", action="store_true",
                        help="write docs/benchmarks.md again from the last run (results/bench/bench.json)")
    parser.add_argument("--accuracy", metavar="MODEL", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.accuracy:
        return accuracy(Path(args.accuracy))
    if args.report_only:
        r = json.loads((OUT / "bench.json").read_text())
        for key in ("throughput", "scale"):
            if r.get(key):
                r[key] = {name: {int(u): v for u, v in runs.items()} for name, runs in r[key].items()}
        if (OUT / "ours-train.log").exists():
            r["training_steps"] = training_steps(OUT / "ours-train.log")
        r["report_only"] = True
        return finish(r)

    began = time.monotonic()
    STATE.mkdir(parents=True, exist_ok=True)
    import evaluate

    texts = [q["text"] for q in evaluate.load_questions()]
    (STATE / "questions.txt").write_text("\n".join(t.replace("\n", " ") for t in texts) + "\n")
    seconds = 10 if args.quick else 30
    rounds = 1 if args.quick else 3
    loads = [20, 100]
    r: Dict = {"date": datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M UTC"),
               "machine": machine(), "loads": loads, "seconds": seconds, "rounds": rounds,
               "n_questions": len(texts)}
    log(f"machine: {r['machine']}")
    tools = ensure_tools()
    r["tools"] = tool_versions(tools)

    r["train"] = {"ours": train("ours", force=True), "stock": train("stock", force=args.retrain_stock)}
    models = {name: OUT / f"{name}.tar.gz" for name in CONFIGS}
    log("accuracy on the dev questions")
    r["accuracy"] = {name: accuracy_in_subprocess(models[name]) for name in ("ours", "stock")}
    log(f"  {r['accuracy']}")

    assistants = [Assistant("ours", models["ours"]), Assistant("stock", models["stock"])]
    rss = PeakRSS().start()
    for a in assistants:
        rss.watch[a.name] = lambda a=a: a.rasa_pid
    try:
        log("start-up, first round (then stopped)")
        for a in assistants:
            log(f"  {a.name}: {a.start():.1f} s")
            a.stop()
        log("start-up, second round (kept running)")
        for a in reversed(assistants):
            log(f"  {a.name}: {a.start():.1f} s")
        r["startups"] = {a.name: a.startups for a in assistants}

        log("latency, one user")
        samples = one_user_latency(assistants, texts, rounds)
        r["latency_samples"] = samples
        r["latency"] = {n: {"p50": percentile(v, 0.5), "p95": percentile(v, 0.95), "p99": percentile(v, 0.99)}
                        for n, v in samples.items()}
        log(f"  {r['latency']}")

        log("throughput (locust)")
        r["throughput"] = {"ours": {}, "stock": {}}
        for i, users in enumerate(loads):
            order = assistants if i % 2 == 0 else list(reversed(assistants))
            for a in order:
                r["throughput"][a.name][users] = locust(tools, a.url, users, seconds, f"{a.name}-{users}",
                                                        server_pids=[a.rasa_pid])

        if not args.no_profile:
            log("profiling both under the same load (py-spy), one at a time")
            seconds_profiled = 12 if args.quick else 20
            r["profiles"] = {}
            for a in assistants:
                r["profiles"][a.name] = profile_under_load(tools, a, 20, seconds_profiled)
            r["profile"] = r["profiles"]["ours"]
    finally:
        for a in assistants:
            a.stop()
        rss.stop()
    r["rss"] = {n: rss.peak[n] / 2**20 for n in ("ours", "stock")}
    try:
        import sqlite3

        with sqlite3.connect(STATE / "ours.db") as db:
            r["sqlite_journal_mode"] = db.execute("PRAGMA journal_mode").fetchone()[0]
    except Exception:
        r["sqlite_journal_mode"] = "unknown"

    if not args.no_profile:
        log("start-up and memory, step by step")
        r["breakdown"] = breakdown(models["ours"])
        r["tf_cost"] = import_cost("tensorflow")
        r["spacy_cost"] = import_cost("spacy")
        r["redaction"] = redaction_costs()
        r["training_steps"] = training_steps(OUT / "ours-train.log")

    if not args.no_scale:
        r["scale"] = scale_throughput(tools, models["ours"], loads, seconds)

    finish(r)
    log(f"wrote {DOC.relative_to(ROOT)} in {time.monotonic() - began:.0f} s")
    print(r["bench_line"], flush=True)


def finish(r: Dict) -> None:
    """The ratios, the bench line, the reading of the numbers, and docs/benchmarks.md."""
    loads = r["loads"]
    lat, thr = r["latency"], r["throughput"]
    r["ratios"] = {
        "p50": lat["stock"]["p50"] / lat["ours"]["p50"],
        "throughput": min(thr["ours"][u]["rps"] / max(thr["stock"][u]["rps"], 1e-9) for u in loads),
    }
    acc = r["accuracy"]
    r["bench_line"] = (
        f"bench: p50_ratio={r['ratios']['p50']:.2f} throughput_ratio={r['ratios']['throughput']:.2f} "
        f"rss_mb={r['rss']['ours']:.0f} train_s={r['train']['ours']['train_s']:.1f} "
        f"accuracy={acc['ours']['share']:.3f}/{acc['stock']['share']:.3f}")
    r["notes"] = notes(r)
    r["suggestions"] = suggestions(r)
    r["findings"] = r["notes"] + findings(r)
    if r.get("scale"):
        r["scale_note"] = scale_note(r)
    write_report(r)
    (OUT / "bench.json").write_text(json.dumps({k: v for k, v in r.items() if k != "report_only"},
                                               indent=1, default=str))
    if r.get("report_only"):
        print(r["bench_line"], flush=True)


if __name__ == "__main__":
    main()
