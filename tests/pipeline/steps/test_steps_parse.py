"""parse_message with the real parsers: the log's message, keys, time and tags are kept."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import orjson
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from parsers import Parsers
from pipeline.config import LumberyardConfig
from pipeline.errors import DropEvent
from pipeline.runtime import METADATA, Chain
from pipeline.steps import EnrichConfig, ParseMessage, build_steps

APP_LINE = (
    '{"level":"info","message":"Business Event","timestamp":"2025-09-12T10:00:00.000Z",'
    '"service":"auth-service","environment":"production","version":"1.0.0",'
    '"type":"business_event","event":"user_signup","data":{"userId":"u-1","plan":"pro"}}'
)


def _run(line: str, config: LumberyardConfig | None = None, **top: Any) -> dict[str, Any]:
    chain = Chain(build_steps(config or LumberyardConfig()))
    meta = {"source_id": b"file\x00/a\x000", "received_at": "2025-09-12T10:00:05.000Z"}
    result = chain.run({"message": line, METADATA: meta, **top})
    assert result is not None
    return result


def test_application_json_log_becomes_the_expected_document() -> None:
    """The application's JSON log maps to exactly this document (ECS + event_type + data)."""
    doc = _run(APP_LINE)
    meta = doc.pop(METADATA)
    expected = {
        "@timestamp": "2025-09-12T10:00:00.000Z",
        "message": "Business Event",
        "log": {"level": "info"},
        "service": {"name": "auth-service", "environment": "production", "version": "1.0.0"},
        "event": {"action": "user_signup", "ingested": "2025-09-12T10:00:05.000Z"},
        "event_type": "business_event",
        "data": {"userId": "u-1", "plan": "pro"},
        "app": {"type": "business_event"},
    }
    assert expected == doc
    assert ("universal-ai-tools-2025.09.12", "json") == (meta["_index"], meta["grammar"])


def test_bracketed_line() -> None:
    """`[ts] LEVEL message`: log_message becomes message, the level log.level."""
    doc = _run("[2025-09-12T23:59:59.999-05:00] ERROR payment declined")
    assert "payment declined" == doc["message"]
    assert "error" == doc["log"]["level"]
    assert "error" == doc["event_type"]
    assert "universal-ai-tools-2025.09.13" == doc[METADATA]["_index"]
    assert "2025-09-13T04:59:59.999Z" == doc["@timestamp"]


def test_plain_line_keeps_the_line_and_arrival_time() -> None:
    """A line no grammar parses is indexed as is, at its arrival time, untagged."""
    doc = _run("just some text")
    assert ("just some text", "2025-09-12T10:00:05.000Z") == (doc["message"], doc["@timestamp"])
    assert "log" == doc["event_type"]


def test_broken_json_is_tagged_not_lost() -> None:
    """Malformed JSON keeps the raw line as message and carries _jsonparsefailure."""
    doc = _run('{"level": "info", "message": ')
    assert '{"level": "info", "message": ' == doc["message"]
    assert ["_jsonparsefailure"] == doc["tags"]


def test_bad_timestamp_is_tagged_and_kept() -> None:
    """An unparseable stamp leaves @timestamp at arrival, tagged, the raw stamp in app."""
    doc = _run('{"message": "m", "timestamp": "yesterday"}')
    assert ["_dateparsefailure"] == doc["tags"]
    assert {"timestamp": "yesterday"} == doc["app"]
    assert "2025-09-12T10:00:05.000Z" == doc["@timestamp"]


def test_keep_original_opt_in() -> None:
    """event.original holds the raw line only when keep_original is set."""
    assert "original" not in _run(APP_LINE)["event"]
    config = LumberyardConfig(enrich=EnrichConfig(keep_original=True))
    assert APP_LINE == _run(APP_LINE, config)["event"]["original"]


def test_blank_line_is_an_intentional_drop() -> None:
    """A blank line is dropped with reason blank_line (counted, not lost silently)."""
    step = ParseMessage(Parsers())
    with pytest.raises(DropEvent) as drop:
        step({"message": "   ", METADATA: {}})
    assert "blank_line" == drop.value.reason


def test_shipper_tags_are_kept_before_parse_tags() -> None:
    """Tags Filebeat sent stay first; parse failure tags are appended once."""
    doc = _run("[not a stamp] x", tags=["beats"])
    assert ["beats", "_grokparsefailure"] == doc["tags"]


def test_plus_fourteen_offset_lands_on_previous_utc_day() -> None:
    """A +14:00 stamp early in the local day is indexed under the previous UTC date."""
    line = '{"message": "m", "timestamp": "2025-09-13T08:00:00.000+14:00"}'
    doc = _run(line)
    assert ("2025-09-12T18:00:00.000Z", "universal-ai-tools-2025.09.12") == (
        doc["@timestamp"],
        doc[METADATA]["_index"],
    )


@settings(max_examples=200)
@given(st.text(max_size=300) | st.binary(max_size=300).map(lambda b: b.decode("latin-1")))
def test_any_line_yields_an_indexable_document_or_a_blank_drop(line: str) -> None:
    """Untrusted lines never raise except the counted blank drop; output serialises."""
    chain = Chain(build_steps(LumberyardConfig()))
    result = chain.run({"message": line, METADATA: {"source_id": b"s"}})
    if result is None:
        assert {"blank_line": 1} == dict(chain.counters.dropped)
        return
    result.pop(METADATA)
    assert isinstance(orjson.dumps(result), bytes)
    assert datetime.fromisoformat(result["@timestamp"]).tzinfo == UTC


def test_event_without_message_is_enriched_not_dropped() -> None:
    """An event with no message at all (not a log line) is kept and routed, grammar `none`."""
    chain = Chain(build_steps(LumberyardConfig()))
    result = chain.run({"fields": {"service": "svc"}, METADATA: {"source_id": b"s"}})
    assert result is not None
    assert ("svc", "none") == (result["service"]["name"], result[METADATA]["grammar"])
    assert "message" not in result


SCALARS = st.none() | st.booleans() | st.integers(-(2**63), 2**63 - 1) | st.text(max_size=10)
SHAPES = st.recursive(
    SCALARS, lambda c: st.lists(c, max_size=3) | st.dictionaries(st.text(max_size=6), c, max_size=3)
)
TOP_KEYS = st.sampled_from(
    [
        "host",
        "log",
        "fields",
        "tags",
        "agent",
        "event",
        "service",
        "@timestamp",
        "error",
        "http",
        "level",
        "environment",
        "timestamp",
        "log_message",
    ]
)


@settings(max_examples=300)
@given(st.dictionaries(TOP_KEYS, SHAPES, max_size=6), st.text(max_size=80))
def test_any_shipper_event_shape_is_handled(top: dict[str, Any], line: str) -> None:
    """Odd shapes of the keys a shipper sends (host as a string, tags as a dict...) never raise."""
    chain = Chain(build_steps(LumberyardConfig()))
    result = chain.run({**top, "message": "x" + line, METADATA: {"source_id": b"s"}})
    assert result is not None
    meta = result.pop(METADATA)
    assert meta["_index"].startswith("universal-ai-tools-")
    assert isinstance(orjson.dumps(result), bytes)
    assert set() == {"level", "environment", "timestamp", "log_message"} & result.keys()


def test_grammar_when_sees_the_arriving_event() -> None:
    """A grammar's ``when`` tests the event as the input delivered it (Filebeat's fields)."""
    from parsers import ParsersConfig

    config = ParsersConfig.model_validate({"grammars": [
        {"name": "web", "pattern": "%{WORD:verb} %{NOTSPACE:path}",
         "when": '[fields][kind] == "web"'}]})
    step = ParseMessage(Parsers(config))
    web = step({"message": "GET /a", "fields": {"kind": "web"}})
    other = step({"message": "GET /a", "fields": {"kind": "db"}})
    assert ("web", {"verb": "GET", "path": "/a"}, "plain") == (
        web[METADATA]["grammar"], web[METADATA]["log_fields"], other[METADATA]["grammar"])
