"""The shippers a benchmark run compares: lumberyard, rsyslog, syslog-ng and a naive baseline.

Each is a module with ``NAME``, ``available() -> reason | None`` and ``launch(job) -> Launch``;
adding a shipper (or a Beats / Kafka variant of one) is one more entry in :data:`SHIPPERS`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from bench.peers import lumberyard, naive, rsyslog, syslog_ng
from bench.peers._job import BATCH_DOCS, Job, Launch


@dataclass(frozen=True)
class Shipper:
    """A named way to ship the corpus into a ``_bulk`` endpoint."""

    name: str
    available: Callable[[], str | None]
    launch: Callable[[Job], Launch]


SHIPPERS: dict[str, Shipper] = {
    mod.NAME: Shipper(mod.NAME, mod.available, mod.launch)
    for mod in (lumberyard, rsyslog, syslog_ng, naive)
}

__all__ = ["BATCH_DOCS", "SHIPPERS", "Job", "Launch", "Shipper"]
