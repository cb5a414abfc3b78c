"""The bulk response classifier: per item done / retry / dead-letter (pure)."""

from __future__ import annotations

from typing import Any

import orjson
import pytest
from hypothesis import given
from hypothesis import strategies as st

from pipeline.errors import AuthError
from pipeline.outputs.elasticsearch import Verdict, classify_item, classify_response


def body(*items: dict[str, Any], errors: bool = True) -> bytes:
    return orjson.dumps({"errors": errors, "items": [{"create": i} for i in items]})


def verdicts(status: int, raw: bytes, n: int) -> list[Verdict]:
    return [o.verdict for o in classify_response(status, raw, n).items]


def test_clean_response_is_all_done_without_reading_items() -> None:
    """``errors: false`` means every item is indexed."""
    assert [Verdict.DONE] * 3 == verdicts(200, b'{"errors":false}', 3)


def test_created_and_already_there_are_done() -> None:
    """201 and 409 version_conflict_engine_exception (already indexed) are both done."""
    raw = body(
        {"status": 201},
        {"status": 409, "error": {"type": "version_conflict_engine_exception", "reason": "x"}},
    )
    assert [Verdict.DONE, Verdict.DONE] == verdicts(200, raw, 2)


def test_only_a_response_without_errors_is_settled_as_all_done() -> None:
    """``all_done`` (settled in one step by the sink) for ``errors: false`` only: a response
    with a 409 is done item by item, so its duplicates are counted."""
    raw = body(
        {"status": 201},
        {"status": 409, "error": {"type": "version_conflict_engine_exception", "reason": "x"}},
    )
    clean = classify_response(200, b'{"errors":false,"items":[{}]}', 1)
    assert (True, False) == (clean.all_done, classify_response(200, raw, 2).all_done)


def test_mapping_errors_are_dead_lettered_with_type_and_reason() -> None:
    """Per-item 400 goes to the DLQ carrying the error type and reason."""
    raw = body(
        {"status": 201},
        {"status": 400, "error": {"type": "document_parsing_exception", "reason": "bad field",
                                  "caused_by": {"type": "illegal_argument_exception",
                                                "reason": "For input string"}}},
    )
    second = classify_response(200, raw, 2).items[1]
    assert (Verdict.DEAD_LETTER, 400, "document_parsing_exception") == (
        second.verdict, second.status, second.error_type)
    assert "bad field: illegal_argument_exception: For input string" == second.reason


@pytest.mark.parametrize(
    ("status", "expected"),
    [(429, Verdict.RETRY), (500, Verdict.RETRY), (503, Verdict.RETRY),
     (400, Verdict.DEAD_LETTER), (404, Verdict.DEAD_LETTER), (200, Verdict.DONE)],
)
def test_item_status_decides(status: int, expected: Verdict) -> None:
    """Per item: 429/5xx retried alone, other 4xx dead-lettered, 2xx done."""
    item = {"create": {"status": status, "error": {"type": "t", "reason": "r"}}}
    assert expected == classify_item(item).verdict


def test_other_conflicts_are_dead_lettered() -> None:
    """A 409 that is not 'already exists' is not mistaken for success."""
    item = {"create": {"status": 409, "error": {"type": "strict_dynamic_mapping", "reason": "r"}}}
    assert Verdict.DEAD_LETTER == classify_item(item).verdict


@pytest.mark.parametrize("status", [429, 500, 502, 503, 504])
def test_whole_request_retriable_statuses(status: int) -> None:
    """429 and 5xx on the whole request retry every item and say so."""
    outcome = classify_response(status, b"busy", 2)
    assert ([Verdict.RETRY] * 2, True, f"http_{status}") == (
        [o.verdict for o in outcome.items], outcome.whole_request, outcome.items[0].error_type)


@pytest.mark.parametrize("status", [401, 403])
def test_auth_failures_stop(status: int) -> None:
    """401/403 raise AuthError naming the status: credentials are not retried forever."""
    with pytest.raises(AuthError, match=f"HTTP {status}"):
        classify_response(status, b'{"error":"nope"}', 1)


def test_too_large_splits_then_dead_letters_a_single_item() -> None:
    """413 asks to split the request; a lone item that is still too large is dead-lettered."""
    assert (True, [Verdict.DEAD_LETTER]) == (
        classify_response(413, b"", 4).split, verdicts(413, b"", 1))


def test_other_whole_request_4xx_dead_letters_everything() -> None:
    """A 400 on the whole request (a body Elasticsearch cannot read) dead-letters every item."""
    assert [Verdict.DEAD_LETTER] * 2 == verdicts(400, b'{"error":"x"}', 2)


@pytest.mark.parametrize(
    "raw", [b"not json", b"[]", b'{"errors":true}', b'{"errors":true,"items":[]}'],
)
def test_unreadable_or_short_response_retries_all(raw: bytes) -> None:
    """A garbled or mismatched response retries every item rather than guessing."""
    assert [Verdict.RETRY] * 2 == verdicts(200, raw, 2)


def test_unreadable_item_is_retried() -> None:
    """An item entry without a status is retried, not counted done."""
    assert Verdict.RETRY == classify_item({"create": {}}).verdict


def test_server_error_types_become_bounded_labels() -> None:
    """Free text in an error type becomes 'other', keeping metric labels bounded."""
    item = {"create": {"status": 400, "error": {"type": "Weird Type! {x}", "reason": "r"}}}
    assert "other" == classify_item(item).error_type


@given(st.integers(100, 599), st.binary(max_size=300), st.integers(1, 5))
def test_any_response_classifies_every_item_or_raises_auth(status: int, raw: bytes, n: int) -> None:
    """Whatever comes back, each sent item gets exactly one verdict (or AuthError/split)."""
    try:
        outcome = classify_response(status, raw, n)
    except AuthError:
        assert status in (401, 403)
        return
    assert outcome.split or n == len(outcome.items)


@given(st.recursive(st.none() | st.integers() | st.text(max_size=5),
                    lambda c: st.lists(c, max_size=3) | st.dictionaries(st.text(max_size=5), c,
                                                                         max_size=3)))
def test_any_item_shape_gets_a_verdict(item: Any) -> None:
    """Any JSON shape as an item yields a verdict rather than an exception."""
    assert isinstance(classify_item(item).verdict, Verdict)


def test_clean_response_is_recognised_wherever_errors_comes_first() -> None:
    """``errors: false`` before the items (after ``took`` or not) is enough: items are unread."""
    raw = b'{"took":3,"errors":false,"items":[{"create":{"status":201}}]}'
    assert [Verdict.DONE] == verdicts(200, raw, 1)
