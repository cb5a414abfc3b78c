"""Bulk response -> what to do with each item: done, retry, or dead-letter (pure).

The sink asks Elasticsearch for ``filter_path=errors,items.*.status,items.*.error`` so a clean
response is tiny. Rules (Logstash's and Vector's, made explicit):

* whole request 401/403: :class:`AuthError` -- a credentials problem is never retried silently;
* whole request 429, 5xx, or an unreadable/mismatched body: retry every item (with backoff);
* whole request 413: split the request in two (one item alone: dead-letter);
* other whole-request 4xx: dead-letter every item, the status says why;
* per item 2xx, and 409 ``version_conflict_engine_exception`` (already indexed): done;
* per item 429 and 5xx: retry that item alone; other per-item 4xx: dead-letter it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import Enum
from typing import Any

import orjson

from pipeline.errors import AuthError

FILTER_PATH = "errors,items.*.status,items.*.error"
RETRIABLE_STATUS = frozenset({408, 429, 500, 502, 503, 504})
ALREADY_THERE = "version_conflict_engine_exception"
CLEAN = b'"errors":false'

_LABEL = re.compile(r"[a-z0-9_]{1,64}")


class Verdict(Enum):
    """The fate of one item."""

    DONE = "done"
    RETRY = "retry"
    DEAD_LETTER = "dead_letter"


@dataclass(frozen=True, slots=True)
class ItemOutcome:
    """What happened to one item; ``error_type`` is a bounded label, ``reason`` free text."""

    verdict: Verdict
    status: int
    error_type: str = ""
    reason: str = ""


@dataclass(frozen=True, slots=True)
class BulkOutcome:
    """The classified response: per-item outcomes, or ``split`` when the body was too large."""

    items: tuple[ItemOutcome, ...]
    whole_request: bool = False
    split: bool = False
    all_done: bool = False
    """Every item was indexed (created, never a 409): the sink settles them in one step."""


_DONE = ItemOutcome(Verdict.DONE, 201)


def error_label(raw: object) -> str:
    """A bounded metric label from a server-supplied error type (unknown shapes -> 'other')."""
    text = str(raw).lower() if raw else "unknown"
    return text if _LABEL.fullmatch(text) else "other"


def classify_response(status: int, body: bytes, n_items: int) -> BulkOutcome:
    """Classify a ``_bulk`` answer to a request of ``n_items`` items."""
    if status in (401, 403):
        raise AuthError(
            f"Elasticsearch refused the bulk request with HTTP {status}: {_snippet(body)} "
            "(check the API key / user and its create_doc privilege on the target indices)"
        )
    if status == 413:
        if n_items > 1:
            return BulkOutcome((), whole_request=True, split=True)
        return _whole(Verdict.DEAD_LETTER, status, "request_too_large", _snippet(body), n_items)
    if status in RETRIABLE_STATUS or status >= 500:
        return _whole(Verdict.RETRY, status, f"http_{status}", _snippet(body), n_items)
    if status >= 300:
        return _whole(Verdict.DEAD_LETTER, status, f"http_{status}", _snippet(body), n_items)
    return _classify_items(body, n_items)


def _classify_items(body: bytes, n_items: int) -> BulkOutcome:
    if CLEAN in body[:64]:  # "errors" comes before "items": a clean answer needs no parsing
        return BulkOutcome((_DONE,) * n_items, all_done=True)
    try:
        parsed = orjson.loads(body)
    except orjson.JSONDecodeError:
        return _whole(Verdict.RETRY, 200, "bad_response", "response is not JSON", n_items)
    if not isinstance(parsed, dict):
        return _whole(Verdict.RETRY, 200, "bad_response", "response is not an object", n_items)
    if parsed.get("errors") is False:
        return BulkOutcome((_DONE,) * n_items, all_done=True)
    items = parsed.get("items")
    if not isinstance(items, list) or len(items) != n_items:
        got = len(items) if isinstance(items, list) else "no"
        reason = f"response has {got} items for {n_items} sent"
        return _whole(Verdict.RETRY, 200, "bad_response", reason, n_items)
    return BulkOutcome(tuple(classify_item(item) for item in items))


def classify_item(item: object) -> ItemOutcome:
    """One entry of ``items``: ``{"create": {"status": 201}}`` or with an ``error``."""
    result: Any = next(iter(item.values()), None) if isinstance(item, dict) else None
    if not isinstance(result, dict) or not isinstance(result.get("status"), int):
        return ItemOutcome(Verdict.RETRY, 0, "bad_response", f"unreadable item {item!r:.200}")
    status: int = result["status"]
    if 200 <= status < 300:
        return _DONE if status == 201 else ItemOutcome(Verdict.DONE, status)
    error = result.get("error")
    error_type, reason = _describe(error)
    if status == 409 and error_type == ALREADY_THERE:
        return ItemOutcome(Verdict.DONE, status, error_type)
    if status in RETRIABLE_STATUS or status >= 500:
        return ItemOutcome(Verdict.RETRY, status, error_type, reason)
    return ItemOutcome(Verdict.DEAD_LETTER, status, error_type, reason)


def _describe(error: object) -> tuple[str, str]:
    if isinstance(error, dict):
        reason = str(error.get("reason", ""))
        caused = error.get("caused_by")
        if isinstance(caused, dict) and caused.get("reason"):
            reason = f"{reason}: {caused.get('type', '')}: {caused['reason']}"
        return error_label(error.get("type")), reason
    return error_label(None), str(error or "")


def _whole(verdict: Verdict, status: int, label: str, reason: str, n: int) -> BulkOutcome:
    outcome = ItemOutcome(verdict, status, label, reason)
    return BulkOutcome((outcome,) * n, whole_request=True)


def _snippet(body: bytes, limit: int = 300) -> str:
    return body[:limit].decode("utf-8", "replace").strip() or "(empty body)"
