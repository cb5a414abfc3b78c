"""Saying that the sink is retrying: what, since when, why; once, then at growing intervals.

Retries are not failures (Elasticsearch answering 503 for an hour is waited out), but a run
that stands still must say why: one line when retrying starts, another after 30 s, 1 min,
2 min, ... (at most every 10 min) while it goes on, and one when deliveries succeed again.
:attr:`Retrying.status` is the short form a progress line shows.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from datetime import UTC, datetime

log = logging.getLogger("lumberyard.elasticsearch")

FIRST_REPEAT_SECS = 30.0
MAX_REPEAT_SECS = 600.0


class Retrying:
    """Tracks one stretch of retries of a sink and announces it."""

    def __init__(
        self,
        where: str,
        announce: Callable[[str], None] = log.warning,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.where = where
        self._announce = announce
        self._clock = clock
        self.since: float | None = None
        self._since_wall = ""
        self._next_at = 0.0
        self._interval = FIRST_REPEAT_SECS
        self.events = 0
        self.reason = ""

    def failed(self, events: int, reason: str) -> None:
        """``events`` go again after a backoff because of ``reason``."""
        now = self._clock()
        self.events, self.reason = events, reason
        if self.since is None:
            self.since, self._next_at = now, now + FIRST_REPEAT_SECS
            self._interval = FIRST_REPEAT_SECS
            self._since_wall = datetime.now(UTC).strftime("%H:%M:%S UTC")
            self._announce(f"{self.where}: retrying {events} events since {self._since_wall}: "
                           f"{reason}")
        elif now >= self._next_at:
            self._interval = min(self._interval * 2, MAX_REPEAT_SECS)
            self._next_at = now + self._interval
            self._announce(f"{self.where}: still retrying {events} events, for "
                           f"{_span(now - self.since)} (since {self._since_wall}): {reason}")

    def succeeded(self) -> None:
        """A request went through: the stretch of retries (if any) is over."""
        if self.since is not None:
            self._announce(f"{self.where}: delivering again after "
                           f"{_span(self._clock() - self.since)} of retries")
            self.since = None

    @property
    def status(self) -> str | None:
        """``retrying 1000 events since 12:00:01 UTC (2m30s): HTTP 503`` or ``None``."""
        if self.since is None:
            return None
        return (f"retrying {self.events} events since {self._since_wall} "
                f"({_span(self._clock() - self.since)}): {self.reason}")


def _span(secs: float) -> str:
    whole = int(secs)
    if whole < 60:
        return f"{whole}s"
    if whole < 3600:
        return f"{whole // 60}m{whole % 60:02d}s"
    return f"{whole // 3600}h{whole // 60 % 60:02d}m"
