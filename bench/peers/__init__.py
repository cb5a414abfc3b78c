"""The shippers a benchmark run compares: lumberyard, rsyslog, syslog-ng, a naive baseline, and
Filebeat (straight to Elasticsearch, or through ``lumberyard serve``).

Each is a module with ``NAME``, ``available() -> reason | None`` and ``launch(job) -> Launch``;
adding a shipper (or a Beats / Kafka variant of one) is one more entry in :data:`SHIPPERS`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from bench.peers import filebeat, lumberyard, naive, rsyslog, syslog_ng
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
SHIPPERS["filebeat-es"] = Shipper("filebeat-es", filebeat.available, filebeat.launch_es)
SHIPPERS["filebeat-lumberyard"] = Shipper(
    "filebeat-lumberyard", filebeat.serve_available, filebeat.launch_lumberyard)
SHIPPERS["filebeat-lumberyard-flush20ms"] = Shipper(
    "filebeat-lumberyard-flush20ms", filebeat.serve_available,
    filebeat.launch_lumberyard_fast_flush)

__all__ = ["BATCH_DOCS", "SHIPPERS", "Job", "Launch", "Shipper"]
