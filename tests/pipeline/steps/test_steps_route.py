"""@timestamp, event.ingested, the daily index, the document id and filter_events."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone
from typing import Any

import orjson
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pipeline.errors import DropEvent
from pipeline.ids import document_id
from pipeline.runtime import METADATA, Batch, Chain
from pipeline.steps import EnrichConfig, enrich_steps, filter_events, format_timestamp
from pipeline.steps._route import StampFormatter
from tests.pipeline.steps.helpers import NOW, enrich, parsed_event


def _at(moment: datetime | str, **kwargs: Any) -> dict[str, Any]:
    event = parsed_event({}, **kwargs)
    event[METADATA]["timestamp"] = moment
    chain = Chain(enrich_steps(EnrichConfig(), clock=lambda: NOW))
    result = chain.run(event)
    assert result is not None
    return result


@pytest.mark.parametrize(
    ("moment", "stamp", "index"),
    [
        (datetime(2025, 9, 12, 23, 59, 59, 999999, tzinfo=UTC),
         "2025-09-12T23:59:59.999Z", "universal-ai-tools-2025.09.12"),
        (datetime(2025, 9, 13, 0, 0, 0, tzinfo=UTC),
         "2025-09-13T00:00:00.000Z", "universal-ai-tools-2025.09.13"),
        (datetime(2025, 9, 13, 9, 30, tzinfo=timezone(timedelta(hours=14))),
         "2025-09-12T19:30:00.000Z", "universal-ai-tools-2025.09.12"),
        (datetime(2025, 9, 12, 21, 15, 0, 123000, tzinfo=timezone(timedelta(hours=-5))),
         "2025-09-13T02:15:00.123Z", "universal-ai-tools-2025.09.13"),
        (datetime(2024, 12, 31, 23, 0, tzinfo=timezone(timedelta(hours=-1))),
         "2025-01-01T00:00:00.000Z", "universal-ai-tools-2025.01.01"),
        (datetime(2025, 9, 12, 10, 0, 0, 123456),
         "2025-09-12T10:00:00.123Z", "universal-ai-tools-2025.09.12"),
    ],
)  # fmt: skip
def test_daily_index_is_the_utc_date(moment: datetime, stamp: str, index: str) -> None:
    """Midnight edges, +14:00 and -05:00 stamps land in the index of their UTC date."""
    doc = _at(moment)
    assert (stamp, index) == (doc["@timestamp"], doc[METADATA]["_index"])


def test_index_prefix_is_configurable() -> None:
    """The prefix comes from the config."""
    doc = enrich({}, config=EnrichConfig(index_prefix="logs-x-"))
    assert "logs-x-2025.09.12" == doc[METADATA]["_index"]


def test_timestamp_fallbacks() -> None:
    """No parsed time: the shipper's @timestamp, else received_at, else the clock."""
    shipper: dict[str, Any] = {"@timestamp": "2025-01-02T03:04:05Z"}
    assert "2025-01-02T03:04:05.000Z" == enrich({}, **shipper)["@timestamp"]
    event = parsed_event({})
    event[METADATA]["received_at"] = "2025-03-04T05:06:07.890+00:00"
    result = Chain(enrich_steps(EnrichConfig())).run(event)
    assert result is not None
    assert "2025-03-04T05:06:07.890Z" == result["@timestamp"]
    assert "2025-03-04T05:06:07.890Z" == result["event"]["ingested"]
    assert format_timestamp(NOW) == enrich({})["@timestamp"]


def test_event_ingested_is_arrival_time() -> None:
    """event.ingested is when lumberyard received the event, not the log's time."""
    doc = _at(datetime(2020, 1, 1, tzinfo=UTC))
    assert format_timestamp(NOW) == doc["event"]["ingested"]


def test_id_from_source_identity() -> None:
    """_id is the hash of @metadata.source_id, so a replay writes the same document."""
    doc = enrich({})
    assert document_id(b"file\x00/l/a.log\x000") == doc[METADATA]["_id"]  # helpers' id


def test_id_without_source_falls_back_to_content() -> None:
    """Without a source_id the id hashes the document (minus event.ingested): still stable."""
    first = parsed_event({}, message="same")
    second = parsed_event({}, message="same")
    other = parsed_event({}, message="other")
    for event in (first, second, other):
        del event[METADATA]["source_id"]
    steps = enrich_steps(EnrichConfig(), clock=lambda: NOW)  # @timestamp is in the hash
    ids = [Chain(steps).run(e)[METADATA]["_id"] for e in (first, second, other)]  # type: ignore[index]
    assert ids[0] == ids[1]
    assert ids[0] != ids[2]


def test_id_from_bytearray_source_equals_bytes_and_empty_falls_back() -> None:
    """A bytearray source_id hashes as its bytes; an empty one or a str hashes the content."""
    source = b"file\x00d1g35t\x007\x00same"
    steps = enrich_steps(EnrichConfig(), clock=lambda: NOW)
    ids = []
    for value in (bytearray(source), b"", "not bytes", None):
        event = parsed_event({}, message="same")
        event[METADATA]["source_id"] = value
        ids.append(Chain(steps).run(event)[METADATA]["_id"])  # type: ignore[index]
    without = parsed_event({}, message="same")
    del without[METADATA]["source_id"]
    content = Chain(steps).run(without)[METADATA]["_id"]  # type: ignore[index]
    assert [document_id(source), content, content, content] == ids


def test_filter_events_window_and_names() -> None:
    """since <= @timestamp < until, and only the given services/event types pass."""
    keep = filter_events(
        since=datetime(2025, 9, 12, tzinfo=UTC),
        until=datetime(2025, 9, 13, tzinfo=UTC),
        services=["auth-service"],
    )
    doc = enrich({"service": "auth-service"})
    assert doc is keep(doc)
    with pytest.raises(DropEvent) as drop:
        keep(enrich({"service": "other"}))
    assert "service_filtered" == drop.value.reason
    early = _at(datetime(2025, 9, 11, 23, 59, tzinfo=UTC))
    with pytest.raises(DropEvent) as drop:
        keep(early)
    assert "before_since" == drop.value.reason
    with pytest.raises(DropEvent) as drop:
        filter_events(event_types=["error"])(doc)
    assert "event_type_filtered" == drop.value.reason


def test_filter_drops_are_counted_by_the_chain() -> None:
    """A filtered event is an intentional drop: the chain's counters reconcile."""
    steps = enrich_steps(EnrichConfig())
    chain = Chain([*steps, filter_events(services=["keep"])])

    batch = Batch([parsed_event({"service": "keep"}), parsed_event({"service": "drop"})])
    chain.apply(batch)
    assert 1 == len(batch.events)
    assert {"service_filtered": 1} == dict(chain.counters.dropped)
    assert chain.counters.reconciles()


JSON = st.recursive(
    st.none() | st.booleans() | st.integers(-(2**63), 2**63 - 1) | st.floats(allow_nan=False,
        allow_infinity=False) | st.text(max_size=20),
    lambda children: st.lists(children, max_size=3) | st.dictionaries(st.text(max_size=10),
        children, max_size=4),
    max_leaves=12,
)  # fmt: skip
KEYS = st.sampled_from(
    ["level", "service", "environment", "version", "type", "event", "data", "meta", "trace_id",
     "spanId", "error", "err", "stack", "method", "status", "statusCode", "url", "path",
     "duration", "duration_ms", "model", "provider", "hostname", "pid", "req", "res", "other"]
) | st.text(max_size=8)  # fmt: skip


@settings(max_examples=300)
@given(st.dictionaries(KEYS, JSON, max_size=8), st.text(max_size=200))
def test_any_json_log_enriches_to_an_indexable_document(log: dict[str, Any], msg: str) -> None:
    """Untrusted log keys never raise; the result serialises and is routed with an id."""
    doc = enrich(log, message=msg)
    meta = doc.pop(METADATA)
    assert meta["_index"].startswith("universal-ai-tools-")
    assert 22 == len(meta["_id"])
    assert isinstance(orjson.dumps(doc), bytes)
    assert doc["event_type"] in ("business_event", "security_event", "performance_event",
                                 "http_request", "ai_request", "error", "log")  # fmt: skip
    assert isinstance(doc["service"]["name"], str)


_ZONES = st.sampled_from([UTC, None, timezone(timedelta(hours=-5)), timezone(timedelta(0))])


@settings(max_examples=300, deadline=None)
@given(moments=st.lists(st.datetimes(), min_size=1, max_size=20), zone=_ZONES)
def test_stamp_formatter_matches_format_timestamp(
    moments: list[datetime], zone: timezone | None
) -> None:
    """The minute-cached formatter writes every stamp exactly as format_timestamp does."""
    formatter = StampFormatter()
    stamps = [moment.replace(tzinfo=zone) for moment in [*moments, *moments]]  # hits and misses
    assert [format_timestamp(m) for m in stamps] == [formatter(m) for m in stamps]


@settings(max_examples=300, deadline=None)
@given(st.builds("{:04d}-{:02d}-{:02d}T{:02d}:{:02d}:{:02d}.{:03d}Z".format,
                 st.integers(1, 9999), st.integers(0, 13), st.integers(0, 32),
                 st.integers(0, 25), st.integers(0, 61), st.integers(0, 61),
                 st.integers(0, 999)))
def test_indexed_form_text_is_kept_as_a_datetime_would_be(stamp: str) -> None:
    """A ``...fffZ`` string in ``@metadata.timestamp`` (what parse_message carries) gives the
    ``@timestamp`` and index the datetime would; an impossible one (Feb 30) falls back."""
    try:
        moment: datetime | None = datetime.fromisoformat(stamp)
    except ValueError:
        moment = None
    expected = _at(moment) if moment is not None else _at(NOW)
    actual = _at(stamp)  # the carried text, not a datetime
    assert ((expected["@timestamp"], expected[METADATA]["_index"])
            == (actual["@timestamp"], actual[METADATA]["_index"]))
