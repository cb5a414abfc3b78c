"""What every shipper in a benchmark run is given, and how it is launched."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

BATCH_DOCS = 1000
"""Documents per bulk request for every shipper that lets us choose (the same for all)."""


@dataclass(frozen=True)
class Job:
    """One shipper run: read the corpus, parse it, index it under ``index_prefix`` at ``url``."""

    corpus: Path
    """The plain corpus (rsyslog imfile and syslog-ng file() cannot read gzip)."""
    corpus_gz: Path
    """The same lines gzip-compressed (what lumberyard reprocess is measured on)."""
    url: str
    index_prefix: str
    workdir: Path
    """A private, empty directory for the shipper's config, state and logs."""
    expected_docs: int

    @property
    def host(self) -> str:
        """Host part of ``url``."""
        return urlsplit(self.url).hostname or "127.0.0.1"

    @property
    def port(self) -> int:
        """Port part of ``url``."""
        return urlsplit(self.url).port or 9200


@dataclass
class Launch:
    """How to start a shipper: a finite one exits when done; a daemon is stopped when counted."""

    argv: list[str]
    daemon: bool
    env: dict[str, str] = field(default_factory=dict)
    cwd: Path | None = None
