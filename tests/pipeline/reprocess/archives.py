"""Archive sets for the reprocess tests: every format, with the documents each should make.

Lines are the application's JSON logs and bracketed lines with known event days, so the
expected count per daily index follows from what was written, not from a run.
"""

from __future__ import annotations

import bz2
import gzip
import lzma
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import orjson
import zstandard

SERVICES = ("auth-service", "payment-service")


def app_line(i: int, tag: str) -> bytes:
    """Line ``i`` of a file: JSON or bracketed, on 2025-09-12 or 2025-09-13 (by ``i``)."""
    day = 12 + i % 2
    stamp = f"2025-09-{day}T{i % 24:02d}:{i % 60:02d}:00.{i % 1000:03d}Z"
    if i % 3 == 0:
        return f"[{stamp}] ERROR payment declined {tag} #{i}\n".encode()
    doc = {
        "level": "info",
        "message": "Business Event",
        "timestamp": stamp,
        "service": SERVICES[i % 2],
        "environment": "production",
        "version": "1.0.0",
        "type": "business_event",
        "event": "user_signup",
        "data": {"n": i, "file": tag},
    }
    return orjson.dumps(doc) + b"\n"


def day_of(i: int) -> str:
    return f"2025.09.{12 + i % 2}"


@dataclass
class ArchiveSet:
    """Files written and the documents expected per index suffix (``YYYY.MM.dd``)."""

    root: Path
    per_day: Counter[str] = field(default_factory=Counter)
    lines: list[bytes] = field(default_factory=list)

    def write(self, name: str, n: int, pack: str = "plain", start: int = 0) -> Path:
        """Write ``n`` lines to ``name`` compressed with ``pack``; record expectations."""
        body = [app_line(i, name) for i in range(start, start + n)]
        self.per_day.update(day_of(i) for i in range(start, start + n))
        self.lines.extend(line.rstrip(b"\n") for line in body)
        return self._put(name, b"".join(body), pack)

    def write_filebeat(self, name: str, n: int) -> Path:
        """A Filebeat NDJSON output file whose events wrap app lines (with fields.*)."""
        events = []
        for i in range(n):
            message = app_line(i, name).rstrip(b"\n").decode()
            events.append(
                orjson.dumps(
                    {
                        "@timestamp": "2025-09-20T00:00:00.000Z",
                        "@metadata": {"beat": "filebeat", "type": "_doc", "version": "8.15.0"},
                        "message": message,
                        "log": {"offset": i * 100, "file": {"path": "/srv/app/app.log"}},
                        "host": {"name": "web-1"},
                        "fields": {"service": "fb-service", "environment": "staging"},
                        "agent": {"type": "filebeat"},
                    }
                )
                + b"\n"
            )
            self.lines.append(events[-1].rstrip(b"\n"))
        self.per_day.update(day_of(i) for i in range(n))
        return self._put(name, b"".join(events), "plain")

    def _put(self, name: str, data: bytes, pack: str) -> Path:
        packers = {
            "plain": lambda d: d,
            "gzip": gzip.compress,
            "bz2": bz2.compress,
            "xz": lzma.compress,
            "zstd": lambda d: zstandard.ZstdCompressor().compress(d),
        }
        path = self.root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(packers[pack](data))
        return path


def mixed_set(root: Path) -> ArchiveSet:
    """Plain, rotated, .gz, .bz2, .xz, .zst, a zstd file without a telling name, Filebeat."""
    archives = ArchiveSet(root)
    archives.write("app.log", 120)
    archives.write("app.log.1", 110, start=1000)
    archives.write("app.log.2.gz", 100, "gzip", start=2000)
    archives.write("old/app.log.3.bz2", 90, "bz2", start=3000)
    archives.write("old/app.log.4.xz", 80, "xz", start=4000)
    archives.write("old/app.log.5.zst", 70, "zstd", start=5000)
    archives.write("old/export.dat", 60, "zstd", start=6000)
    archives.write_filebeat("beats/filebeat-20250920.ndjson", 50)
    return archives
