"""Planning a reprocess: which files, which byte ranges, from which acknowledged offsets.

Every PATH is discovered and inspected up front, so bad input (missing, unreadable, binary,
an empty directory, an archive too short to hold anything) is reported before any reading
and the rest goes ahead. A file the state file already knows (same fingerprint) keeps its
ranges and resumes from their acknowledged offsets; finished ranges are not read again.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace

from pipeline.errors import InputError
from pipeline.inputs import STDIN, STREAM, FileUnit, Problem, discover, inspect, split_ranges
from pipeline.reprocess._state import Checkpoint, CheckpointStore


@dataclass
class Plan:
    """What a run will read, what it may skip as already done, and what it refused."""

    units: list[FileUnit] = field(default_factory=list)
    done: list[FileUnit] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    files: list[str] = field(default_factory=list)
    stdin: bool = False

    @property
    def raw_bytes(self) -> int:
        """Raw bytes left to read (progress total)."""
        return sum(u.raw_span - _skipped(u) for u in self.units)


def _skipped(unit: FileUnit) -> int:
    """Raw bytes a resumed plain range does not read again (compressed ones re-read all)."""
    return unit.resume - unit.start if unit.codec == "plain" else 0


@dataclass(frozen=True)
class Splitting:
    """How to cut large plain files: up to ``parts`` ranges of at least ``min_bytes``."""

    parts: int
    min_bytes: int
    enabled: bool = True


def make_plan(paths: list[str], store: CheckpointStore | None, splitting: Splitting) -> Plan:
    """Discover, inspect and (with a store) resume every PATH."""
    found = discover(paths)
    plan = Plan(problems=list(found.problems))
    for path in found.files:
        if path == STDIN:
            plan.stdin = True
            continue
        try:
            unit = inspect(path)
        except InputError as exc:
            plan.problems.append(Problem(path, _reason(path, exc)))
            continue
        plan.files.append(path)
        _plan_file(plan, unit, store, splitting)
    return plan


def _reason(path: str, exc: InputError) -> str:
    text = str(exc)
    return text[len(path) + 2 :] if text.startswith(f"{path}: ") else text


def _plan_file(
    plan: Plan, unit: FileUnit, store: CheckpointStore | None, splitting: Splitting
) -> None:
    if unit.codec == STREAM:  # a FIFO: read once as a stream, never split or resumed
        plan.units.append(unit)
        return
    if unit.size == 0:
        plan.done.append(unit)
        return
    stored = store.ranges(unit.path) if store is not None else []
    resumed = _resume(unit, stored)
    if resumed is None:
        parts = splitting.parts if splitting.enabled else 1
        fresh = split_ranges(unit, parts, splitting.min_bytes)
        if store is not None:
            store.replace_file(fresh)
        plan.units.extend(fresh)
        return
    for candidate, finished in resumed:
        (plan.done if finished else plan.units).append(candidate)


def _resume(unit: FileUnit, stored: list[Checkpoint]) -> list[tuple[FileUnit, bool]] | None:
    """The stored ranges when they describe this same file (else ``None``: start over).

    A plain file that grew since keeps its ranges; its last range is read on from its
    checkpoint even if it was finished, to pick up the appended lines.
    """
    if not stored or any(cp.unit.fingerprint != unit.fingerprint for cp in stored):
        return None
    first = stored[0].unit
    if first.codec != unit.codec or unit.size < first.size:
        return None
    grew = unit.size > first.size
    out: list[tuple[FileUnit, bool]] = []
    for i, cp in enumerate(stored):
        last = i == len(stored) - 1
        current = replace(cp.unit, size=unit.size, resume=cp.offset, head=unit.head)
        out.append((current, cp.finished and not (last and grew)))
    return out
