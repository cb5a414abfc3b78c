"""A seeded, deterministic corpus of the application's logs for benchmarks and tests.

Mixes the application's JSON lines (business / security / performance events, HTTP requests,
AI model requests, errors with stacks, payloads of varying shapes), bracketed lines in every
timestamp variant the grammars accept (multiline stack traces included) and a few percent of
malformed lines. The same ``(n, seed)`` always yields the same lines, so every shipper in a
benchmark run reads byte-identical input.

Continuation lines of a multiline record always start with a space or a tab and no other line
does, so "a line starting with whitespace continues the previous one" is a rule every shipper
(lumberyard, rsyslog imfile, syslog-ng) can apply identically.
"""

from __future__ import annotations

import argparse
import gzip as gzip_module
import random
import sys
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import orjson

START = datetime(2025, 9, 12, 0, 0, 0, tzinfo=UTC)
SPAN = timedelta(days=3)
"""Event times start at START and spread over ~SPAN whatever ``n``: always ~3 daily indices."""

INDEX_PREFIX = "universal-ai-tools-"
SERVICES = ("auth-service", "payment-service", "ai-gateway", "user-service", "search-api")
LEGACY_SERVICE = "legacy-gateway"
"""The one service whose ``data`` payload is a string (the others send an object)."""
ENVIRONMENTS = ("production", "staging", "development")
LEVELS = ("debug", "info", "info", "info", "warn", "error")
BUSINESS_EVENTS = ("user_signup", "order_placed", "payment_captured", "subscription_renewed")
SECURITY_EVENTS = ("login_failed", "login_succeeded", "token_revoked", "permission_denied")
MODELS = (("gpt-4o", "openai"), ("claude-3-5-sonnet", "anthropic"), ("llama3:8b", "ollama"),
          ("mistral-large", "mistral"), ("gemini-1.5-pro", "google"))
ROUTES = ("/api/v1/users", "/api/v1/orders", "/api/v1/chat", "/api/v1/search", "/health")
LOGGERS = ("app.main", "payments.gateway", "auth.jwt", "ai.router", "db.pool")
WORDS = ("payment", "declined", "user", "session", "cache", "miss", "retry", "timeout", "model",
         "request", "completed", "queue", "backlog", "token", "refreshed", "connection", "reset")


@dataclass
class CorpusStats:
    """What a corpus contains: the expectations a benchmark checks its shippers against."""

    lines: int = 0
    records: int = 0
    """Logical records (a multiline stack trace is one): the documents a shipper should index."""
    kinds: Counter[str] = field(default_factory=Counter)
    days: Counter[str] = field(default_factory=Counter)
    """Well-formed records per event day (``YYYY.MM.dd``), i.e. per daily index suffix."""

    def as_dict(self) -> dict[str, Any]:
        """A JSON-ready view."""
        return {"lines": self.lines, "records": self.records,
                "kinds": dict(sorted(self.kinds.items())), "days": dict(sorted(self.days.items()))}


class _Gen:
    """One corpus in progress: the random source, the clock and the record makers."""

    def __init__(self, seed: int, n: int) -> None:
        self.rnd = random.Random(seed)
        self.clock = START
        self.max_step_us = max(2, int(2 * SPAN.total_seconds() * 1e6 / max(n, 1)))

    def tick(self) -> datetime:
        self.clock += timedelta(microseconds=self.rnd.randrange(1, self.max_step_us))
        return self.clock

    def words(self, lo: int = 2, hi: int = 6) -> str:
        return " ".join(self.rnd.choice(WORDS) for _ in range(self.rnd.randint(lo, hi)))

    def ident(self, prefix: str) -> str:
        return f"{prefix}_{self.rnd.randrange(16**8):08x}"


def _iso_z(ts: datetime) -> str:
    return ts.strftime("%Y-%m-%dT%H:%M:%S.") + f"{ts.microsecond // 1000:03d}Z"


def _payload(g: _Gen, service: str) -> Any:
    """``data`` of varying shapes: a string from the legacy service, nested objects otherwise."""
    if service == LEGACY_SERVICE:
        return f"{g.words()} id={g.ident('obj')}"
    shape = g.rnd.randrange(4)
    if shape == 0:
        return {"userId": g.ident("u"), "plan": g.rnd.choice(("free", "pro", "team"))}
    if shape == 1:
        return {"amount": round(g.rnd.uniform(1, 500), 2), "currency": "EUR",
                "items": [{"sku": g.ident("sku"), "qty": g.rnd.randint(1, 5)}
                          for _ in range(g.rnd.randint(1, 3))]}
    if shape == 2:
        return {"flags": [g.rnd.choice(WORDS) for _ in range(3)], "ok": g.rnd.random() < 0.8}
    return {"nested": {"depth": {"value": g.rnd.randint(0, 99), "note": g.words(1, 3)}}}


def _app_base(g: _Gen, ts: datetime, level: str, message: str, kind: str) -> dict[str, Any]:
    service = LEGACY_SERVICE if g.rnd.random() < 0.08 else g.rnd.choice(SERVICES)
    return {"level": level, "message": message, "timestamp": _iso_z(ts), "service": service,
            "environment": g.rnd.choice(ENVIRONMENTS), "version": "1.0.0", "type": kind}


def _json_business(g: _Gen, ts: datetime) -> dict[str, Any]:
    doc = _app_base(g, ts, "info", "Business Event", "business_event")
    doc["event"] = g.rnd.choice(BUSINESS_EVENTS)
    doc["data"] = _payload(g, doc["service"])
    return doc


def _json_security(g: _Gen, ts: datetime) -> dict[str, Any]:
    doc = _app_base(g, ts, "warn", "Security Event", "security_event")
    doc["event"] = g.rnd.choice(SECURITY_EVENTS)
    doc["data"] = {"ip": f"10.{g.rnd.randrange(256)}.{g.rnd.randrange(256)}.{g.rnd.randrange(256)}",
                   "userId": g.ident("u"), "reason": g.words(1, 3)}
    return doc


def _json_performance(g: _Gen, ts: datetime) -> dict[str, Any]:
    doc = _app_base(g, ts, "info", "Performance Metric", "performance")
    doc["metric"] = g.rnd.choice(("response_time", "db_query", "cache_lookup"))
    doc["data"] = {"durationMs": round(g.rnd.expovariate(1 / 80), 3), "operation": g.words(1, 2)}
    doc["meta"] = {"host": f"node-{g.rnd.randrange(8)}", "pid": g.rnd.randrange(1, 65535)}
    return doc


def _json_http(g: _Gen, ts: datetime) -> dict[str, Any]:
    status = g.rnd.choice((200, 200, 200, 201, 204, 301, 400, 401, 404, 500, 503))
    level = "error" if status >= 500 else "warn" if status >= 400 else "info"
    doc = _app_base(g, ts, level, "HTTP Request", "http_request")
    doc.update({"method": g.rnd.choice(("GET", "POST", "PUT", "DELETE")),
                "url": g.rnd.choice(ROUTES), "statusCode": status,
                "duration": round(g.rnd.expovariate(1 / 120), 2),
                "userAgent": "Mozilla/5.0 (X11; Linux x86_64)",
                "ip": f"192.0.2.{g.rnd.randrange(256)}"})
    if g.rnd.random() < 0.3:
        doc["context"] = {"requestId": g.ident("req"), "traceId": g.ident("tr")}
    return doc


def _json_ai(g: _Gen, ts: datetime) -> dict[str, Any]:
    model, provider = g.rnd.choice(MODELS)
    doc = _app_base(g, ts, "info", "AI Request", "ai_request")
    doc.update({"model": model, "provider": provider,
                "tokens": {"prompt": g.rnd.randrange(5, 4000),
                           "completion": g.rnd.randrange(1, 2000)},
                "latencyMs": g.rnd.randrange(50, 30000), "cached": g.rnd.random() < 0.1})
    return doc


def _stack(g: _Gen, indent: str = "    ") -> list[str]:
    r = g.rnd
    frames = [f"{indent}at {r.choice(LOGGERS).replace('.', '_')}"
              f" (/app/src/{r.choice(WORDS)}.js:{r.randrange(1, 900)}:{r.randrange(1, 80)})"
              for _ in range(r.randint(2, 6))]
    return [f"Error: {g.words(2, 4)}", *frames]


def _json_error(g: _Gen, ts: datetime) -> dict[str, Any]:
    doc = _app_base(g, ts, "error", g.words(2, 5), "error")
    doc["error"] = {"name": "Error", "message": g.words(2, 4), "stack": "\n".join(_stack(g))}
    doc["context"] = g.words(1, 3) if g.rnd.random() < 0.3 else {"userId": g.ident("u")}
    return doc


def _bracket_ts(g: _Gen, ts: datetime) -> str:
    """Every timestamp variant: ``T``/space, ``.``/``,`` fraction (or none), ``Z`` or offsets."""
    r = g.rnd
    offset_min = r.choice((0, 0, 60, 120, -300, 330, -480))
    local = ts + timedelta(minutes=offset_min)
    text = local.strftime("%Y-%m-%d") + r.choice("T ") + local.strftime("%H:%M:%S")
    digits = r.choice((0, 3, 3, 6))
    if digits:
        text += r.choice(".,") + f"{local.microsecond:06d}"[:digits]
    if offset_min == 0 and r.random() < 0.7:
        return text + "Z"
    sign = "-" if offset_min < 0 else "+"
    hh, mm = divmod(abs(offset_min), 60)
    return text + f"{sign}{hh:02d}{r.choice((':', ''))}{mm:02d}"


def _bracketed(g: _Gen, ts: datetime) -> list[str]:
    """``[ts] LEVEL msg`` / ``[ts] [LEVEL] msg`` / ``[ts] LEVEL [logger] msg`` / ``k=v`` tail."""
    stamp, level, msg = _bracket_ts(g, ts), g.rnd.choice(LEVELS).upper(), g.words()
    variant = g.rnd.randrange(4)
    if variant == 0:
        line = f"[{stamp}] {level} {msg}"
    elif variant == 1:
        line = f"[{stamp}] [{level}] {msg}"
    elif variant == 2:
        line = f"[{stamp}] {level} [{g.rnd.choice(LOGGERS)}] {msg}"
    else:
        line = (f"[{stamp}] {level} {msg} service={g.rnd.choice(SERVICES)}"
                f" duration_ms={g.rnd.randrange(1, 5000)} user={g.ident('u')}")
    return [line]


def _bracketed_multiline(g: _Gen, ts: datetime) -> list[str]:
    """An ERROR line followed by its stack trace; continuation lines start with whitespace."""
    stack = _stack(g, indent=g.rnd.choice(("    ", "\t")))
    return [f"[{_bracket_ts(g, ts)}] ERROR {g.words(2, 4)}: {stack[0]}", *stack[1:]]


def _malformed(g: _Gen) -> str:
    """A line no grammar accepts; never starts with whitespace (that would continue a record)."""
    choice = g.rnd.randrange(5)
    if choice == 0:
        return '{"level":"info","message":"Business Ev'  # truncated JSON
    if choice == 1:
        return f"[2025-13-45T99:61:00Z] INFO {g.words()}"  # impossible timestamp
    if choice == 2:
        return f"{g.words()} -- no timestamp at all"
    if choice == 3:
        return "[1, 2, 3]"  # JSON, but not an object
    return "".join(chr(g.rnd.randrange(0x21, 0x7F)) for _ in range(g.rnd.randint(5, 40)))


_JSON_MAKERS: tuple[tuple[str, Callable[[_Gen, datetime], dict[str, Any]], float], ...] = (
    ("json_business", _json_business, 0.14), ("json_security", _json_security, 0.06),
    ("json_performance", _json_performance, 0.08), ("json_http", _json_http, 0.16),
    ("json_ai", _json_ai, 0.10), ("json_error", _json_error, 0.04),
)
_BRACKET_SHARE, _MULTILINE_SHARE = 0.36, 0.03
"""The rest (~3%) is malformed."""


def _record(g: _Gen, room: int) -> tuple[str, list[str], datetime | None]:
    """The next record's kind, lines and event time; never more lines than ``room``."""
    pick, ts = g.rnd.random(), g.tick()
    for kind, make, share in _JSON_MAKERS:
        if pick < share:
            return kind, [orjson.dumps(make(g, ts)).decode()], ts
        pick -= share
    if pick < _BRACKET_SHARE:
        return "bracketed", _bracketed(g, ts), ts
    pick -= _BRACKET_SHARE
    if pick < _MULTILINE_SHARE:
        lines = _bracketed_multiline(g, ts)
        if len(lines) <= room:
            return "bracketed_multiline", lines, ts
        return "bracketed", _bracketed(g, ts), ts
    return "malformed", [_malformed(g)], None


def records(n: int, seed: int, stats: CorpusStats | None = None) -> Iterator[list[str]]:
    """Records (lists of physical lines) adding up to exactly ``n`` lines."""
    g, left = _Gen(seed, n), n
    while left > 0:
        kind, lines, ts = _record(g, left)
        left -= len(lines)
        if stats is not None:
            stats.lines += len(lines)
            stats.records += 1
            stats.kinds[kind] += 1
            if ts is not None:
                stats.days[ts.strftime("%Y.%m.%d")] += 1
        yield lines


def generate(n: int, seed: int, stats: CorpusStats | None = None) -> Iterator[str]:
    """Exactly ``n`` physical lines (no trailing newline); same ``(n, seed)``, same lines."""
    for lines in records(n, seed, stats):
        yield from lines


def describe(n: int, seed: int) -> CorpusStats:
    """The stats of a corpus without writing it."""
    stats = CorpusStats()
    for _ in records(n, seed, stats):
        pass
    return stats


def write_corpus(path: str | Path, n: int, seed: int, gzip: bool = False) -> CorpusStats:
    """Write ``n`` lines (``\\n``-terminated, UTF-8), gzip-compressed if asked; return the stats."""
    stats, chunk = CorpusStats(), []
    opener = gzip_module.open if gzip else open
    with opener(path, "wb") as out:
        for line in generate(n, seed, stats):
            chunk.append(line)
            if len(chunk) >= 4096:
                out.write(("\n".join(chunk) + "\n").encode())
                chunk.clear()
        if chunk:
            out.write(("\n".join(chunk) + "\n").encode())
    return stats


def main(argv: list[str] | None = None) -> int:
    """``python -m bench.corpus --lines N --seed S [--gzip] OUT``; prints the stats as JSON."""
    parser = argparse.ArgumentParser(prog="python -m bench.corpus", description=__doc__)
    parser.add_argument("--lines", type=int, required=True, help="physical lines to write")
    parser.add_argument("--seed", type=int, default=1, help="random seed (default 1)")
    parser.add_argument("--gzip", action="store_true", help="gzip-compress the output")
    parser.add_argument("out", type=Path, help="output file")
    args = parser.parse_args(argv)
    if args.lines < 0:
        parser.error("--lines must be >= 0")
    stats = write_corpus(args.out, args.lines, args.seed, gzip=args.gzip)
    sys.stdout.write(orjson.dumps(stats.as_dict(), option=orjson.OPT_INDENT_2).decode() + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
