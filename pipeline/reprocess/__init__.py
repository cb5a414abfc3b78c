"""``lumberyard reprocess``: archived logs through the live chain, resumable and parallel.

:func:`reprocess` plans the run (:mod:`._plan`), starts worker processes (:mod:`._worker`)
that read units with :class:`pipeline.inputs.FileInput` into the job's target
(:mod:`._job`, :mod:`._targets`), keeps checkpoints (:mod:`._state`) and shows progress
and the summary (:mod:`._progress`, :mod:`._summary`).
"""

from __future__ import annotations

from pipeline.reprocess._job import Job, Target, build_chain, build_output
from pipeline.reprocess._plan import Plan, Splitting, make_plan
from pipeline.reprocess._progress import Display, PlainDisplay, RichDisplay, RunState, plain_line
from pipeline.reprocess._run import DEFAULT_SPLIT_BYTES, Options, reprocess
from pipeline.reprocess._state import STATE_FILE, Checkpoint, CheckpointStore, job_key
from pipeline.reprocess._summary import Summary, render
from pipeline.reprocess._targets import DryRunOutput, KafkaLinesOutput, raw_line
from pipeline.reprocess._worker import Tally

__all__ = [
    "DEFAULT_SPLIT_BYTES",
    "STATE_FILE",
    "Checkpoint",
    "CheckpointStore",
    "Display",
    "DryRunOutput",
    "Job",
    "KafkaLinesOutput",
    "Options",
    "PlainDisplay",
    "Plan",
    "RichDisplay",
    "RunState",
    "Splitting",
    "Summary",
    "Tally",
    "Target",
    "build_chain",
    "build_output",
    "job_key",
    "make_plan",
    "plain_line",
    "raw_line",
    "render",
    "reprocess",
]
