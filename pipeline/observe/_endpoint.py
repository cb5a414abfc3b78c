"""The HTTP endpoint: /metrics, /health, /health/live, /health/ready (default 127.0.0.1:9600).

It runs outside the workers' event loops: on a thread with a loop of its own in a one-process
``serve``, in the parent process with ``--workers N``. So it can still answer, and say 503,
when a worker loop is stuck. The Elasticsearch and Kafka checks run here every
``check_interval_secs`` (not per request: a scraper or a load balancer polling /health must
not multiply requests to the cluster); each result keeps its duration and time.

- ``/health``: ``status`` healthy / degraded / unhealthy, ``timestamp``, and ``checks``
  (elasticsearch, kafka when enabled, buffer, dlq, workers) each with status, message and
  duration; HTTP 503 when unhealthy.
- ``/health/live``: 200 while every worker loop beats, 503 naming the stuck ones.
- ``/health/ready``: 200 when events can be delivered, 503 when Elasticsearch (Kafka with
  ``--beats-to-kafka``) is unreachable, the buffer is full or a worker is stuck.
"""

from __future__ import annotations

import asyncio
import contextlib
import errno
import socket
import threading
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from aiohttp import web

from pipeline.errors import ConfigError, LumberyardError
from pipeline.observe._aggregate import (
    WorkerBoard,
    endpoint_series,
    render_metrics,
    stale_workers,
)

HEALTHY, DEGRADED, UNHEALTHY = "healthy", "degraded", "unhealthy"
DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 9600
BUFFER_DEGRADED_RATIO = 0.9
DLQ_RECENT_SECS = 300.0
CONTENT_TYPE_METRICS = "text/plain; version=0.0.4; charset=utf-8"


@dataclass
class CheckResult:
    """One check's verdict."""

    status: str
    message: str
    duration_ms: float
    checked_at: float

    def as_dict(self) -> dict[str, Any]:
        return {
            "status": self.status,
            "message": self.message,
            "duration_ms": round(self.duration_ms, 3),
            "checked_at": _iso(self.checked_at),
        }


Probe = Callable[[], Awaitable[str]]
"""An async check: returns a message when it passes, raises ``LumberyardError`` when not."""


@dataclass
class Probes:
    """The remote checks: Elasticsearch always, Kafka when an input or the DLQ uses it."""

    elasticsearch: Probe | None = None
    kafka: Probe | None = None
    timeout_secs: float = 5.0

    @property
    def destination(self) -> str | None:
        """The check readiness depends on: where events are delivered. Elasticsearch when
        it is checked; else Kafka (``serve --beats-to-kafka`` writes there, not to ES)."""
        if self.elasticsearch is not None:
            return "elasticsearch"
        return "kafka" if self.kafka is not None else None


class Endpoint:
    """Serves the endpoint on its own thread; :meth:`start` returns once it listens."""

    def __init__(
        self,
        board: WorkerBoard,
        probes: Probes,
        host: str = DEFAULT_HOST,
        port: int = DEFAULT_PORT,
        *,
        stale_after_secs: float = 10.0,
        check_interval_secs: float = 5.0,
    ) -> None:
        self.board = board
        self.probes = probes
        self.host, self.port = host, port
        self.stale_after_secs = stale_after_secs
        self.check_interval_secs = check_interval_secs
        self.results: dict[str, CheckResult] = {}
        self._dlq_seen: tuple[float, float] = (0.0, 0.0)  # (appended, when it last grew)
        self._thread: threading.Thread | None = None
        self._sock: socket.socket | None = None
        self._loop: asyncio.AbstractEventLoop | None = None
        self._stop: asyncio.Event | None = None
        self._ready = threading.Event()
        self._error: BaseException | None = None

    @property
    def url(self) -> str:
        return f"http://{self.host}:{self.port}"

    # -- lifecycle ------------------------------------------------------------------------------

    def bind(self) -> None:
        """Listen now, in the calling thread; ``ConfigError`` if the port cannot be bound.

        ``serve --workers N`` binds before it forks its workers (a taken port fails the start)
        and starts the serving thread only after the fork: forking a process while another of
        its threads runs can leave the child holding a lock that thread had taken.
        """
        if self._sock is not None:
            return
        try:
            self._sock = socket.create_server((self.host, self.port))
        except OSError as exc:
            why = "in use" if exc.errno == errno.EADDRINUSE else exc.strerror
            raise ConfigError(f"HTTP endpoint {self.host}:{self.port}: cannot listen ({why}); "
                              "choose --http-port or --no-http") from exc
        self.port = self._sock.getsockname()[1]

    def start(self) -> None:
        """Bind (unless :meth:`bind` did) and serve on a daemon thread."""
        self.bind()
        self._thread = threading.Thread(target=self._main, name="lumberyard-http", daemon=True)
        self._thread.start()
        self._ready.wait()
        if self._error is not None:
            raise self._error

    def stop(self) -> None:
        """Stop serving and join the thread."""
        if self._loop is not None and self._stop is not None:
            self._loop.call_soon_threadsafe(self._stop.set)
        if self._thread is not None:
            self._thread.join(timeout=10)
            self._thread = None

    def _main(self) -> None:
        try:
            asyncio.run(self._serve())
        except BaseException as exc:  # handed to start(), which raises it
            self._error = exc
            self._ready.set()

    async def _serve(self) -> None:
        self._loop = asyncio.get_running_loop()
        self._stop = asyncio.Event()
        runner = web.AppRunner(self.app(), access_log=None, handle_signals=False)
        await runner.setup()
        assert self._sock is not None  # start() binds first
        await web.SockSite(runner, self._sock).start()
        checker = asyncio.ensure_future(self._check_forever())
        self._ready.set()
        try:
            await self._stop.wait()
        finally:
            checker.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await checker
            await runner.cleanup()

    # -- checks ---------------------------------------------------------------------------------

    async def _check_forever(self) -> None:
        while True:
            await self.run_checks()
            await asyncio.sleep(self.check_interval_secs)

    async def run_checks(self) -> None:
        """Run the remote probes once (concurrently), keeping each result."""
        probes = {"elasticsearch": self.probes.elasticsearch, "kafka": self.probes.kafka}
        names = [name for name, probe in probes.items() if probe is not None]
        results = await asyncio.gather(*(self._probe(probes[n]) for n in names))  # type: ignore[arg-type]
        self.results.update(zip(names, results, strict=True))

    async def _probe(self, probe: Probe) -> CheckResult:
        started, at = time.perf_counter(), time.time()
        try:
            message = await asyncio.wait_for(probe(), self.probes.timeout_secs)
            status = HEALTHY
        except LumberyardError as exc:
            message, status = f"{type(exc).__name__}: {exc}", UNHEALTHY
        except TimeoutError:
            message, status = f"no answer within {self.probes.timeout_secs} s", UNHEALTHY
        except Exception as exc:  # an untranslated error must not end the periodic checks
            message, status = f"unexpected {type(exc).__name__}: {exc}", UNHEALTHY
        return CheckResult(status, message, (time.perf_counter() - started) * 1000, at)

    def health(self) -> dict[str, Any]:
        """The /health document (and what /health/live and /ready decide from)."""
        now = time.time()
        views = self.board.views()
        checks = {name: result.as_dict() for name, result in self.results.items()}
        local: dict[str, Callable[[], tuple[str, str]]] = {
            "buffer": lambda: _buffer_check(views),
            "dlq": lambda: self._dlq_check(views, now),
            "workers": lambda: self._workers_check(views, now),
        }
        for name, check in local.items():
            started = time.perf_counter()
            status, message = check()
            took = (time.perf_counter() - started) * 1000
            checks[name] = CheckResult(status, message, took, now).as_dict()
        statuses = {check["status"] for check in checks.values()}
        overall = next((s for s in (UNHEALTHY, DEGRADED) if s in statuses), HEALTHY)
        return {"status": overall, "timestamp": _iso(now), "checks": checks}

    def _workers_check(self, views: list[Any], now: float) -> tuple[str, str]:
        stale = stale_workers(views, now, self.stale_after_secs, self.board.started)
        if stale:
            return UNHEALTHY, "; ".join(stale)
        ages = [f"{age:.1f}s" for v in views if (age := v.age(now)) is not None]
        return HEALTHY, f"{len(views)} worker(s), last heartbeats {', '.join(ages) or 'pending'}"

    def _dlq_check(self, views: list[Any], now: float) -> tuple[str, str]:
        found = [v.snapshot["health"]["dlq"] for v in views
                 if v.snapshot is not None and "dlq" in v.snapshot["health"]]
        if not found:
            return HEALTHY, "no dead letter queue in use"
        appended = float(sum(item["appended"] for item in found))
        before, grew_at = self._dlq_seen
        if appended > before:
            grew_at = now
        self._dlq_seen = (appended, grew_at)
        where = found[0]["directory"]
        if grew_at and now - grew_at < DLQ_RECENT_SECS:
            return DEGRADED, (f"{int(appended)} dead letters written since start, the last "
                              f"{now - grew_at:.0f}s ago ({where}): see `lumberyard dlq list`")
        return HEALTHY, f"{int(appended)} dead letters written since start ({where})"

    # -- HTTP -------------------------------------------------------------------------------------

    def app(self) -> web.Application:
        app = web.Application()
        app.router.add_get("/metrics", self._metrics)
        app.router.add_get("/health", self._health)
        app.router.add_get("/health/live", self._live)
        app.router.add_get("/health/ready", self._ready_handler)
        return app

    async def _metrics(self, _: web.Request) -> web.Response:
        now = time.time()
        views = self.board.views()
        stale = stale_workers(views, now, self.stale_after_secs, self.board.started)
        es = self.results.get("elasticsearch")
        extra = endpoint_series(views, now, stale, None if es is None else es.status == HEALTHY)
        body = render_metrics(views, extra)
        return web.Response(body=body, headers={"Content-Type": CONTENT_TYPE_METRICS})

    async def _health(self, _: web.Request) -> web.Response:
        document = self.health()
        return web.json_response(document, status=503 if document["status"] == UNHEALTHY else 200)

    async def _live(self, _: web.Request) -> web.Response:
        now = time.time()
        stale = stale_workers(self.board.views(), now, self.stale_after_secs, self.board.started)
        status = {"status": "stuck" if stale else "alive", "timestamp": _iso(now),
                  "message": "; ".join(stale) or "every worker loop beats"}
        return web.json_response(status, status=503 if stale else 200)

    async def _ready_handler(self, _: web.Request) -> web.Response:
        document = self.health()
        destination = self.probes.destination
        reasons = [f"{name}: {check['message']}" for name, check in document["checks"].items()
                   if name in (destination, "workers") and check["status"] == UNHEALTHY]
        if destination is not None and destination not in document["checks"]:
            reasons.append(f"{destination}: not checked yet")
        buffer = document["checks"]["buffer"]
        if buffer["message"].startswith("full"):
            reasons.append(f"buffer: {buffer['message']}")
        body = {"status": "not ready" if reasons else "ready", "timestamp": document["timestamp"],
                "message": "; ".join(reasons) or "can deliver"}
        return web.json_response(body, status=503 if reasons else 200)


def _buffer_check(views: list[Any]) -> tuple[str, str]:
    found = [v.snapshot["health"]["buffer"] for v in views
             if v.snapshot is not None and "buffer" in v.snapshot["health"]]
    if not found:
        return HEALTHY, "no output buffer yet"
    used = sum(item["used"] for item in found)
    limit = sum(item["limit"] for item in found)
    waiting = sum(item["waiting"] for item in found)
    text = f"{used} of {limit} bytes used, {waiting} writer(s) waiting"
    if waiting or used >= limit:
        return DEGRADED, f"full: {text} (Elasticsearch does not keep up)"
    if used >= BUFFER_DEGRADED_RATIO * limit:
        return DEGRADED, f"nearly full: {text}"
    return HEALTHY, text


def _iso(moment: float) -> str:
    return datetime.fromtimestamp(moment, UTC).isoformat(timespec="milliseconds").replace(
        "+00:00", "Z"
    )
