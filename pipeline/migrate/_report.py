"""The migration report, and where each Logstash field name ends up in lumberyard's documents.

Field names are not guessed from a table: each one the pipeline writes is run through
lumberyard's real enrichment chain (a JSON line holding it) and found in the document that
comes out, so the report says what the index templates will see (``level`` -> ``log.level``,
``clientip`` -> ``app.clientip``).
"""

from __future__ import annotations

from typing import Any

import orjson

from ._translate import Translation

__all__ = ["ecs_names", "render_report"]

_PROBE = "lumberyard-migrate-probe"
_FIXED = {"timestamp": "@timestamp", "@timestamp": "@timestamp", "message": "message",
          "tags": "tags"}


def ecs_names(fields: list[str]) -> dict[str, str]:
    """Logstash field -> dotted path in the indexed document (only names that change)."""
    from pipeline.config import LumberyardConfig  # noqa: PLC0415 - heavy, only when asked
    from pipeline.steps import build_steps  # noqa: PLC0415
    from pipeline.steps._rules import field_ref  # noqa: PLC0415

    steps = build_steps(LumberyardConfig())
    out: dict[str, str] = {}
    for name in fields:
        path = field_ref(name)
        dotted = ".".join(path)
        if path[0] == "@metadata":
            out[name] = "(@metadata: travels with the event, never indexed)"
            continue
        found = _FIXED.get(dotted) or _probe(steps, path)
        if found is not None and found != dotted:
            out[name] = found
    return out


def _probe(steps: list[Any], path: tuple[str, ...]) -> str | None:
    """Where a value written at ``path`` of a JSON log lands after the chain."""
    doc: dict[str, Any] = {}
    node = doc
    for part in path[:-1]:
        node = node.setdefault(part, {})
    node[path[-1]] = _PROBE
    event: dict[str, Any] = {"message": orjson.dumps(doc).decode()}
    try:
        for step in steps:
            event = step(event)
    except Exception:
        return None
    event.pop("@metadata", None)
    return _find(event, ())


def _find(node: Any, path: tuple[str, ...]) -> str | None:
    if isinstance(node, str) and node.lower() == _PROBE:
        return ".".join(path)
    if isinstance(node, dict):
        for key, value in node.items():
            found = _find(value, (*path, key))
            if found is not None:
                return found
    if isinstance(node, list):
        for value in node:
            found = _find(value, path)
            if found is not None:
                return found
    return None


def render_report(translation: Translation, renames: dict[str, str], source: str) -> str:
    """The report a person reads: by hand first, then what lumberyard does itself, renamings."""
    lines = [f"# lumberyard migrate report for {source}"]
    todo = translation.unsupported
    lines.append(f"# not translated (do by hand): {len(todo)}")
    lines += [f"line {n.line}: {n.text}" for n in sorted(todo, key=lambda n: n.line)]
    done = [n for n in translation.notes if n.kind != "unsupported"]
    lines.append(f"# translated or done by lumberyard itself: {len(done)}")
    lines += [f"line {n.line}: {n.text}" for n in sorted(done, key=lambda n: n.line)]
    lines.append(f"# field renamings (Logstash name -> indexed ECS name): {len(renames)}")
    for name, target in sorted(renames.items(), key=lambda kv: translation.fields.get(kv[0], 0)):
        line = translation.fields.get(name)
        where = f"line {line}: " if line else ""
        lines.append(f"{where}{name} -> {target}")
    return "\n".join(lines) + "\n"
