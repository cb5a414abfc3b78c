"""The naive Python baseline: orjson + re + ``elasticsearch.helpers.bulk``, one process.

What a competent engineer writes in an afternoon: join continuation lines, ``orjson.loads``
JSON lines, one regular expression for the bracketed layouts, the UTC day from the timestamp,
``helpers.bulk`` in chunks of :data:`BATCH_DOCS`. No ECS, no ids, no retries, no DLQ. Reads the
gzip corpus, as lumberyard does. :func:`main` takes ``URL PREFIX FILE``.
"""

from __future__ import annotations

import gzip
import re
import sys
from collections.abc import Iterable, Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import orjson
from elasticsearch import Elasticsearch, helpers

from bench.peers._job import BATCH_DOCS, Job, Launch

NAME = "naive-python"
BRACKETED = re.compile(
    r"\[(?P<ts>[^\]]+)\] (?:\[(?P<blevel>[A-Z]+)\]|(?P<level>[A-Z]+)(?: \[(?P<logger>[^\]]+)\])?)"
    r" (?P<msg>.*?)(?P<kv>(?: \w+=\S+)+)?$",
    re.DOTALL,
)
KV = re.compile(r"(\w+)=(\S+)")


def logical_lines(lines: Iterable[str]) -> Iterator[str]:
    """Physical lines joined into records: a line starting with whitespace continues one."""
    pending: str | None = None
    for raw in lines:
        line = raw.rstrip("\n")
        if pending is not None and line[:1] in (" ", "\t"):
            pending += "\n" + line
            continue
        if pending is not None:
            yield pending
        pending = line
    if pending is not None:
        yield pending


def parse_stamp(stamp: str) -> datetime | None:
    """A timestamp in any of the corpus's ISO 8601 variants, or None if it is not one."""
    try:
        return datetime.fromisoformat(stamp.replace(",", "."))
    except ValueError:
        return None


def utc_day(parsed: datetime) -> str:
    """``YYYY.MM.dd`` of a time in UTC (naive times are taken as UTC)."""
    if parsed.tzinfo is not None:
        parsed = parsed.astimezone(UTC)
    return parsed.strftime("%Y.%m.%d")


def to_doc(record: str, today: str) -> tuple[str, dict[str, Any]]:
    """``(day, document)`` for one record; unparseable ones are tagged for today's index."""
    if record.startswith("{"):
        try:
            doc = orjson.loads(record)
        except orjson.JSONDecodeError:
            doc = None
        if isinstance(doc, dict) and (stamp := parse_stamp(str(doc.get("timestamp", "")))):
            for key in ("data", "context"):
                if isinstance(doc.get(key), str):
                    doc[f"{key}_text"] = doc.pop(key)
            return utc_day(stamp), doc
    elif (m := BRACKETED.match(record)) and (stamp := parse_stamp(m["ts"])):
        # normalised, or a "2025-09-12 10:00:00,123" stamp would break the date mapping
        doc = {"timestamp": stamp.isoformat(), "level": m["level"] or m["blevel"],
               "message": m["msg"]}
        if m["logger"]:
            doc["logger"] = m["logger"]
        if m["kv"]:
            doc.update(KV.findall(m["kv"]))
        return utc_day(stamp), doc
    return today, {"message": record, "tags": ["_parsefailure"]}


def actions(path: Path, prefix: str) -> Iterator[dict[str, Any]]:
    """Bulk actions for every record of a gzip corpus."""
    today = datetime.now(UTC).strftime("%Y.%m.%d")
    with gzip.open(path, "rt", encoding="utf-8") as lines:
        for record in logical_lines(lines):
            day, doc = to_doc(record, today)
            yield {"_index": prefix + day, "_source": doc}


def main(argv: list[str]) -> int:
    """Index the corpus; print the number of documents indexed."""
    url, prefix, path = argv
    es = Elasticsearch(url, request_timeout=120)
    indexed, errors = helpers.bulk(es, actions(Path(path), prefix), chunk_size=BATCH_DOCS,
                                   max_chunk_bytes=100 * 1024 * 1024, raise_on_error=False)
    failed = errors if isinstance(errors, list) else []
    print(f"indexed {indexed}, failed {len(failed)}")
    for error in failed[:5]:
        print(orjson.dumps(error).decode()[:500])
    return 1 if failed else 0


def available() -> str | None:
    """Always runnable: it only needs this venv."""
    return None


def launch(job: Job) -> Launch:
    """``python -m bench.peers.naive`` on the gzip corpus."""
    script = "import sys; from bench.peers.naive import main; sys.exit(main(sys.argv[1:]))"
    return Launch([sys.executable, "-c", script, job.url, job.index_prefix, str(job.corpus_gz)],
                  daemon=False, env={"PYTHONPATH": str(_ROOT)})


_ROOT = Path(__file__).resolve().parents[2]
