"""Retention of the daily indices: ``lumberyard prune`` and the ILM delete policy of ``setup``.

Two ways to the same end. Where the cluster has index lifecycle management (ILM), ``setup``
installs a policy that deletes an index ``keep_days`` after it was created and names it in the
index template, so Elasticsearch itself deletes old days. Where it has none (the stack's
integ-test-zip build, OpenSearch-like forks), ``lumberyard prune --keep-days N`` run from cron
does it: it deletes only indices named ``<prefix>YYYY.MM.dd`` whose day (read from the name,
never from the creation date, so a reindexed old day is still old) is more than N days before
today (UTC). It is a dry run unless told ``--yes``.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any, Literal

from elasticsearch import ApiError, Elasticsearch, TransportError

from pipeline.errors import ConfigError, NotConnected, UnsupportedServer

POLICY_NAME_SUFFIX = "-retention"


@dataclass(frozen=True, slots=True)
class DailyIndex:
    """One index of the prefix and the day its name says."""

    name: str
    day: date


@dataclass
class PrunePlan:
    """What pruning would do: indices to delete, to keep, and names without a day (left alone)."""

    cutoff: date
    delete: list[DailyIndex] = field(default_factory=list)
    keep: list[DailyIndex] = field(default_factory=list)
    undated: list[str] = field(default_factory=list)


def day_pattern(prefix: str) -> re.Pattern[str]:
    """``<prefix>YYYY.MM.dd`` exactly (the name ``route_to_index`` gives a daily index)."""
    return re.compile(rf"^{re.escape(prefix)}(\d{{4}})\.(\d{{2}})\.(\d{{2}})$")


def plan_prune(names: Iterable[str], prefix: str, keep_days: int, today: date) -> PrunePlan:
    """Sort ``names`` (all starting with ``prefix``): a day before ``today - keep_days`` goes.

    ``keep_days=7`` on 2026-12-05 keeps 2026-11-28 .. 2026-12-05 (and any later day) and deletes
    2026-11-27 and before. Names of the prefix without a valid day are never deleted.
    """
    if keep_days < 0:
        raise ConfigError(f"--keep-days must be 0 or more, not {keep_days}")
    cutoff = today - timedelta(days=keep_days)
    plan = PrunePlan(cutoff)
    pattern = day_pattern(prefix)
    for name in sorted(names):
        found = pattern.match(name)
        try:
            day = date(*(int(part) for part in found.groups())) if found else None
        except ValueError:
            day = None
        if day is None:
            plan.undated.append(name)
        elif day < cutoff:
            plan.delete.append(DailyIndex(name, day))
        else:
            plan.keep.append(DailyIndex(name, day))
    return plan


def prefix_indices(client: Elasticsearch, prefix: str) -> list[str]:
    """Every index (open or closed, not hidden) whose name starts with ``prefix``."""
    if not prefix or "*" in prefix or "," in prefix:
        raise ConfigError(f"index prefix {prefix!r} must be a plain non-empty name prefix")
    try:
        found = client.indices.get(
            index=f"{prefix}*", expand_wildcards="open,closed", filter_path="*.settings.index.uuid"
        )
    except (ApiError, TransportError) as exc:
        raise NotConnected(f"cannot list indices {prefix}*: {exc}") from exc
    return sorted(name for name in dict(found) if name.startswith(prefix))


def delete_indices(client: Elasticsearch, names: list[str]) -> list[str]:
    """Delete ``names`` one request each (a list never grows past a URL's limit); the deleted."""
    deleted: list[str] = []
    for name in names:
        try:
            client.indices.delete(index=name, expand_wildcards="none")
        except (ApiError, TransportError) as exc:
            raise NotConnected(
                f"deleting {name} failed after {len(deleted)} deleted: {exc}"
            ) from exc
        deleted.append(name)
    return deleted


def policy_name(index_prefix: str) -> str:
    """``universal-ai-tools-`` -> ``universal-ai-tools-retention``."""
    return (index_prefix.rstrip("-._") or index_prefix) + POLICY_NAME_SUFFIX


def delete_policy(keep_days: int) -> dict[str, Any]:
    """The ILM policy body (``PUT _ilm/policy/<name>``, field ``policy``): one delete phase,
    entered ``keep_days`` after the index was created (daily indices, no rollover)."""
    if keep_days < 1:
        raise ConfigError(f"retention days must be 1 or more, not {keep_days}")
    return {
        "phases": {
            "delete": {"min_age": f"{keep_days}d", "actions": {"delete": {}}},
        },
        "_meta": {"managed_by": "lumberyard", "keep_days": keep_days},
    }


def has_ilm(client: Elasticsearch) -> bool:
    """Whether the cluster serves ILM (``GET _ilm/status``); builds without x-pack ILM answer
    400/404/405 ("no handler found")."""
    try:
        client.ilm.get_status()
    except ApiError as exc:
        if exc.meta.status in (400, 404, 405, 410):
            return False
        raise UnsupportedServer(f"GET _ilm/status answered {exc.meta.status}: {exc}") from exc
    except TransportError as exc:
        raise NotConnected(f"GET _ilm/status failed: {exc}") from exc
    return True


def install_policy(
    client: Elasticsearch, name: str, keep_days: int
) -> Literal["created", "updated", "unchanged"]:
    """Create or update the policy; ``created`` / ``updated`` / ``unchanged``."""
    body = delete_policy(keep_days)
    try:
        current = client.options(ignore_status=404).ilm.get_lifecycle(name=name)
        existing = dict(current).get(name, {}).get("policy")
        if existing is not None and _same_policy(existing, body):
            return "unchanged"
        client.ilm.put_lifecycle(name=name, policy=body)
    except (ApiError, TransportError) as exc:
        raise NotConnected(f"installing ILM policy {name} failed: {exc}") from exc
    return "created" if existing is None else "updated"


def _same_policy(existing: dict[str, Any], wanted: dict[str, Any]) -> bool:
    """Equal phases and ``_meta`` (ES adds nothing to those it echoes back)."""
    return bool(
        existing.get("phases") == wanted["phases"] and existing.get("_meta") == wanted["_meta"]
    )
