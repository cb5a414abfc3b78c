"""Retrying is said, not silent: one line when it starts, more at growing intervals, one when
deliveries succeed again; the status names what, since when and why."""

from __future__ import annotations

from pipeline.outputs.elasticsearch._retrying import Retrying


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_retrying_is_announced_at_start_then_at_growing_intervals() -> None:
    """Failures every 5 s for 5 minutes: lines at 0 s, 30 s, 90 s, 210 s; then recovery."""
    said: list[str] = []
    clock = Clock()
    retrying = Retrying("Elasticsearch at http://es:9200", said.append, clock)
    statuses = []
    for _ in range(60):
        retrying.failed(500, "HTTP 503")
        clock.now += 5
    statuses.append(retrying.status)
    retrying.succeeded()
    statuses.append(retrying.status)
    kinds = [line.split(": ", 1)[1].split(" ", 2)[:2] for line in said]
    assert ([["retrying", "500"], ["still", "retrying"], ["still", "retrying"],
             ["still", "retrying"], ["delivering", "again"]], "(5m00s): HTTP 503", None) == (
        kinds, statuses[0].split(" UTC ")[1] if statuses[0] else None, statuses[1])
