"""The checkpoint state file: per file range, how far the target has acknowledged it.

One SQLite file under the data dir (``reprocess/checkpoints.sqlite``), written by every
worker process (WAL mode, one short transaction per checkpoint), so a ``kill -9`` loses at
most the batches that were not acknowledged yet. Rows are scoped by a *job*: a hash of the
target (Elasticsearch URL + index prefix, Kafka topic) and the filters, so reprocessing the
same files into another index starts from the beginning there.
"""

from __future__ import annotations

import contextlib
import hashlib
import sqlite3
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from pipeline.errors import ConfigError, StateError
from pipeline.inputs import FileUnit

_SCHEMA = """
CREATE TABLE IF NOT EXISTS checkpoints (
    job TEXT NOT NULL,
    path TEXT NOT NULL,
    start INTEGER NOT NULL,
    "end" INTEGER,
    size INTEGER NOT NULL,
    fingerprint TEXT NOT NULL,
    codec TEXT NOT NULL,
    filebeat INTEGER NOT NULL,
    offset INTEGER NOT NULL,
    finished INTEGER NOT NULL DEFAULT 0,
    updated_at TEXT NOT NULL,
    PRIMARY KEY (job, path, start)
)
"""

STATE_FILE = Path("reprocess") / "checkpoints.sqlite"


def job_key(*parts: object) -> str:
    """A short stable name for a reprocess target + filters (the scope of checkpoints)."""
    text = "\x00".join(str(p) for p in parts)
    return hashlib.blake2b(text.encode(), digest_size=8).hexdigest()


@dataclass(frozen=True, slots=True)
class Checkpoint:
    """One stored range of one file: where it is, what it was, how far it is acknowledged."""

    unit: FileUnit
    offset: int
    finished: bool


class CheckpointStore:
    """Reads and writes checkpoints of one job. Open one per process (SQLite connections
    do not cross processes); every write is its own committed transaction."""

    def __init__(self, path: Path, job: str) -> None:
        self.path = path
        self.job = job
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            self._db = sqlite3.connect(path, timeout=60.0, isolation_level=None)
            self._db.execute("PRAGMA journal_mode=WAL")
            self._db.execute("PRAGMA synchronous=NORMAL")
            self._db.execute(_SCHEMA)
        except (OSError, sqlite3.Error) as exc:
            raise ConfigError(f"data dir: cannot open state file {path}: {exc}") from exc

    def close(self) -> None:
        """Release the database connection (a failure to checkpoint the WAL is not news)."""
        with contextlib.suppress(sqlite3.Error):
            self._db.close()

    def _failed(self, exc: sqlite3.Error) -> StateError:
        """One clear error for any SQLite failure (a full disk, a locked or broken file)."""
        return StateError(f"checkpoint state file {self.path}: {exc} (free space in the data "
                          "dir and run again: what was acknowledged resumes)")

    def ranges(self, path: str) -> list[Checkpoint]:
        """The stored ranges of ``path`` for this job, by start offset."""
        try:
            return self._ranges(path)
        except sqlite3.Error as exc:
            raise self._failed(exc) from exc

    def _ranges(self, path: str) -> list[Checkpoint]:
        rows = self._db.execute(
            'SELECT start, "end", size, fingerprint, codec, filebeat, offset, finished '
            "FROM checkpoints WHERE job = ? AND path = ? ORDER BY start",
            (self.job, path),
        ).fetchall()
        return [_checkpoint(path, row) for row in rows]

    def replace_file(self, units: Iterable[FileUnit]) -> None:
        """Forget a file's old ranges and store ``units`` as its new ones, unacknowledged."""
        units = list(units)
        if not units:
            return
        try:
            self._replace_file(units)
        except sqlite3.Error as exc:
            raise self._failed(exc) from exc

    def _replace_file(self, units: list[FileUnit]) -> None:
        now = _now()
        with _Transaction(self._db):
            self._db.execute(
                "DELETE FROM checkpoints WHERE job = ? AND path = ?", (self.job, units[0].path)
            )
            self._db.executemany(
                "INSERT INTO checkpoints VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, 0, ?)",
                [(self.job, *_columns(u), u.resume, now) for u in units],
            )

    def save(self, unit: FileUnit, offset: int, finished: bool) -> None:
        """Record that ``unit`` is acknowledged up to ``offset`` (and maybe finished)."""
        try:
            self._db.execute(
                "UPDATE checkpoints SET offset = ?, finished = ?, updated_at = ? "
                "WHERE job = ? AND path = ? AND start = ?",
                (offset, int(finished), _now(), self.job, unit.path, unit.start),
            )
        except sqlite3.Error as exc:
            raise self._failed(exc) from exc

    def forget_job(self) -> int:
        """``--restart``: drop every checkpoint of this job; returns how many there were."""
        try:
            cursor = self._db.execute("DELETE FROM checkpoints WHERE job = ?", (self.job,))
        except sqlite3.Error as exc:
            raise self._failed(exc) from exc
        return cursor.rowcount


class _Transaction:
    """``BEGIN IMMEDIATE`` ... ``COMMIT`` (or ``ROLLBACK``) on an autocommit connection."""

    def __init__(self, db: sqlite3.Connection) -> None:
        self._db = db

    def __enter__(self) -> None:
        self._db.execute("BEGIN IMMEDIATE")

    def __exit__(self, kind: object, value: object, traceback: object) -> None:
        if kind is None:
            self._db.execute("COMMIT")
        elif self._db.in_transaction:
            self._db.execute("ROLLBACK")


def _columns(unit: FileUnit) -> tuple[object, ...]:
    return (
        unit.path,
        unit.start,
        unit.end,
        unit.size,
        unit.fingerprint,
        unit.codec,
        int(unit.filebeat),
    )


def _checkpoint(path: str, row: tuple[int, int | None, int, str, str, int, int, int]) -> Checkpoint:
    start, end, size, fingerprint, codec, filebeat, offset, finished = row
    unit = FileUnit(
        path=path,
        codec=codec,
        size=size,
        fingerprint=fingerprint,
        filebeat=bool(filebeat),
        start=start,
        end=end,
        resume=offset,
    )
    return Checkpoint(unit=unit, offset=offset, finished=bool(finished))


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")
