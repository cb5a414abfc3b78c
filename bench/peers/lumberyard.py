"""lumberyard itself, as ``lumberyard reprocess`` on the gzip corpus (issue #6's measurement).

Five engineers edit the working tree while benchmarks run, so the harness measures a snapshot
of a commit (``git archive``) put first on ``PYTHONPATH`` rather than the moving tree.
"""

from __future__ import annotations

import os
import shutil
import sys
from pathlib import Path

from bench.peers._job import Job, Launch

NAME = "lumberyard"


def _binary() -> str | None:
    beside = Path(sys.executable).with_name("lumberyard")
    return str(beside) if beside.exists() else shutil.which("lumberyard")


def available() -> str | None:
    """Why ``lumberyard reprocess`` cannot run here, or None."""
    if _binary() is None:
        return "the lumberyard console script is not installed (make setup)"
    try:
        import pipeline.cli._reprocess  # noqa: F401 - only checks that the command exists
    except ImportError as exc:
        return f"lumberyard reprocess is not available: {exc}"
    return None


SOURCE: Path | None = None
"""A snapshot of lumberyard's source to measure (``bench.run`` sets it); None = as installed."""
_MAIN = "import sys; sys.argv[0] = 'lumberyard'; from pipeline.cli import main; main()"


def lumberyard_head() -> tuple[list[str], dict[str, str]]:
    """The command that runs ``lumberyard`` (the snapshot when one is set) and its env."""
    if SOURCE is not None:
        return [sys.executable, "-c", _MAIN], {"PYTHONPATH": str(SOURCE)}
    return [str(_binary())], {}


def launch(job: Job, workers: int | None = None) -> Launch:
    """``lumberyard reprocess`` with a fresh data dir (no checkpoints), plain progress."""
    head, env = lumberyard_head()
    argv = [*head, "reprocess", str(job.corpus_gz), "--es-url", job.url,
            "--index-prefix", job.index_prefix, "--restart", "--progress", "plain",
            "--data-dir", str(job.workdir / "data"),
            "--workers", str(workers or os.cpu_count() or 1)]
    # cwd: ``python -c`` puts its working directory first on sys.path, ahead of PYTHONPATH,
    # so from a checkout it would import the working tree instead of the snapshot
    return Launch(argv, daemon=False, env=env, cwd=SOURCE)
