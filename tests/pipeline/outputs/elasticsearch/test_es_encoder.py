"""The bulk encoder: events -> ``create`` NDJSON items, @metadata stripped (pure)."""

from __future__ import annotations

from typing import Any

import orjson
import pytest
from hypothesis import given
from hypothesis import strategies as st

from pipeline.errors import EncodeError
from pipeline.outputs.elasticsearch import BulkEncoder, join

INDEX = "universal-ai-tools-2025.09.12"


def event(**fields: Any) -> dict[str, Any]:
    return {
        "level": "info",
        "message": "Business Event",
        "service": "auth-service",
        "@metadata": {"_index": INDEX, "_id": "abc123", "input": "beats", "source_id": b"f:1"},
        **fields,
    }


def lines(data: bytes) -> list[Any]:
    return [orjson.loads(line) for line in data.splitlines()]


def test_create_action_names_index_and_id() -> None:
    """The action line is a ``create`` naming @metadata._index and _id."""
    item = BulkEncoder().encode(event())
    assert {"create": {"_index": INDEX, "_id": "abc123"}} == lines(item.data)[0]


def test_metadata_is_never_sent_and_event_is_left_intact() -> None:
    """The source line has every field but @metadata; the caller's dict is unchanged."""
    original = event()
    snapshot = dict(original)
    item = BulkEncoder().encode(original)
    assert {"level": "info", "message": "Business Event", "service": "auth-service"} == lines(
        item.data
    )[1]
    assert snapshot == original


def test_item_is_two_newline_terminated_lines() -> None:
    """Each item is exactly an action line and a source line, each ending in a newline."""
    data = BulkEncoder().encode(event()).data
    assert (2, True) == (data.count(b"\n"), data.endswith(b"\n"))


def test_source_property_is_the_document() -> None:
    """``BulkItem.source`` is the document line, used to rebuild the event for the DLQ."""
    item = BulkEncoder().encode(event(data={"user": "u1"}))
    expected = {
        "level": "info", "message": "Business Event", "service": "auth-service",
        "data": {"user": "u1"},
    }
    assert expected == orjson.loads(item.source)


def test_missing_id_lets_elasticsearch_choose() -> None:
    """Without @metadata._id the action has no _id (Elasticsearch generates one)."""
    item = BulkEncoder().encode({"m": 1, "@metadata": {"_index": INDEX}})
    assert ({"create": {"_index": INDEX}}, None) == (lines(item.data)[0], item.doc_id)


def test_default_index_used_when_event_has_none() -> None:
    """An event without @metadata._index goes to the configured default index."""
    item = BulkEncoder(default_index="fallback").encode({"m": 1})
    assert "fallback" == item.index


@pytest.mark.parametrize(
    ("ev", "fragment"),
    [
        ({"m": 1}, "@metadata._index"),
        ({"m": 1, "@metadata": {"_index": ""}}, "@metadata._index"),
        ({"m": 1, "@metadata": {"_index": INDEX, "_id": 7}}, "_id must be a string"),
        ({"m": b"\xff", "@metadata": {"_index": INDEX}}, "not JSON-serialisable"),
        ({"m": {1, 2}, "@metadata": {"_index": INDEX}}, "not JSON-serialisable"),
    ],
)
def test_unencodable_events_raise_encode_error(ev: dict[str, Any], fragment: str) -> None:
    """Events that cannot become bulk items raise EncodeError saying why."""
    with pytest.raises(EncodeError, match=fragment.replace(".", r"\.")):
        BulkEncoder().encode(ev)


def test_join_concatenates_items_in_order() -> None:
    """The request body is the items in order."""
    encoder = BulkEncoder()
    a, b = encoder.encode(event(n=1)), encoder.encode(event(n=2))
    assert a.data + b.data == join([a, b])


json_values = st.recursive(
    st.none() | st.booleans() | st.integers(-(2**63), 2**63 - 1) | st.text()
    | st.floats(allow_nan=False, allow_infinity=False),
    lambda children: st.lists(children, max_size=4)
    | st.dictionaries(st.text(max_size=8), children, max_size=4),
    max_leaves=12,
)


@given(st.dictionaries(st.text(max_size=10).filter(lambda k: k != "@metadata"), json_values))
def test_any_json_event_round_trips(fields: dict[str, Any]) -> None:
    """Any JSON-ready event encodes to a source line that decodes back to it."""
    ev = {**fields, "@metadata": {"_index": INDEX, "_id": "x"}}
    decoded = orjson.loads(BulkEncoder().encode(ev).source)
    assert fields == decoded


@given(st.dictionaries(st.text(max_size=5), st.binary(max_size=5) | st.integers(), max_size=3))
def test_encoder_raises_only_encode_error(fields: dict[str, Any]) -> None:
    """Whatever the values, the encoder returns an item or raises EncodeError -- nothing else."""
    try:
        item = BulkEncoder(default_index="i").encode(fields)
    except EncodeError:
        return
    assert item.data.endswith(b"\n")



@given(
    st.dictionaries(st.text(max_size=10).filter(lambda k: k != "@metadata"), json_values),
    st.text(min_size=1, max_size=12),
    st.text(min_size=1, max_size=24),
)
def test_usual_event_fast_path_equals_the_general_path(
    fields: dict[str, Any], index: str, doc_id: str
) -> None:
    """An event with a string _index and _id (the chain's) encodes as the general path does,
    byte for byte, and keeps its @metadata."""
    meta = {"_index": index, "_id": doc_id, "source_id": b"f:1"}
    encoder = BulkEncoder()
    fast = encoder.encode({**fields, "@metadata": dict(meta)})
    general = encoder._encode({**fields, "@metadata": dict(meta)}, meta)  # the reference
    assert (general.data, general.index, general.doc_id) == (fast.data, fast.index, fast.doc_id)
    event = {**fields, "@metadata": meta}
    encoder.encode(event)
    assert meta is event["@metadata"]
