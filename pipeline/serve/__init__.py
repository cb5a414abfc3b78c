"""``lumberyard serve``: the live inputs (Beats, Kafka) on the runtime, into Elasticsearch.

``_process`` runs one serving process (inputs built in one place, drained on SIGTERM/SIGINT);
``_fleet`` forks ``--workers`` of them sharing the Beats port; ``_template`` checks
Elasticsearch and installs a missing index template at start-up (also used by ``reprocess``).
Names load on first use.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from pipeline._lazy import lazy_exports

if TYPE_CHECKING:
    from pipeline.serve._fleet import EXIT_UNDRAINED, Fleet, run_fleet, run_worker
    from pipeline.serve._process import build_inputs, serve_once, startup
    from pipeline.serve._template import check_elasticsearch, ensure_template, template_name

_WHERE = {
    "EXIT_UNDRAINED": "_fleet",
    "Fleet": "_fleet",
    "run_fleet": "_fleet",
    "run_worker": "_fleet",
    "build_inputs": "_process",
    "serve_once": "_process",
    "startup": "_process",
    "check_elasticsearch": "_template",
    "ensure_template": "_template",
    "template_name": "_template",
}

__all__ = [
    "EXIT_UNDRAINED",
    "Fleet",
    "build_inputs",
    "check_elasticsearch",
    "ensure_template",
    "run_fleet",
    "run_worker",
    "serve_once",
    "startup",
    "template_name",
]

__getattr__ = lazy_exports(__name__, _WHERE)
