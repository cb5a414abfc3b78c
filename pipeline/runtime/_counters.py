"""Per-component counters that reconcile: in = sent (indexed) + dead-lettered + dropped.

Counts are kept in plain ints on the hot path and read by :mod:`pipeline.observe` (a
worker's heartbeat snapshot) when metrics are exported. ``error_type`` and drop reasons are
bounded sets chosen by the code, never free text from events.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field


@dataclass
class Counters:
    """What one component (an input, a step chain, an output) has seen."""

    component: str
    received: int = 0
    sent: int = 0
    dead_lettered: int = 0
    dropped: Counter[str] = field(default_factory=Counter)
    errors: Counter[str] = field(default_factory=Counter)
    retries: int = 0
    joined: int = 0
    """Items folded into the event of an earlier one (the Kafka input's multiline joining:
    records that are continuation lines); they count in ``received`` but are no event."""

    @property
    def dropped_total(self) -> int:
        return sum(self.dropped.values())

    def reconciles(self, in_flight: int = 0) -> bool:
        """True when every received event is accounted for (optionally some still in flight)."""
        return self.received == (self.sent + self.joined + self.dead_lettered
                                 + self.dropped_total + in_flight)

    def as_dict(self) -> dict[str, object]:
        return {
            "component": self.component,
            "received": self.received,
            "sent": self.sent,
            "dead_lettered": self.dead_lettered,
            "dropped": dict(self.dropped),
            "errors": dict(self.errors),
            "retries": self.retries,
            "joined": self.joined,
        }


def count_failure_tags(tags: object, into: Counter[str]) -> None:
    """Count an event's Logstash-style failure tags (``_grokparsefailure``, ...) into ``into``."""
    if isinstance(tags, list):
        for tag in tags:
            if isinstance(tag, str) and tag.startswith("_"):
                into[tag] += 1
