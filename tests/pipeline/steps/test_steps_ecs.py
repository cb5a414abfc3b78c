"""The log's keys that have an ECS home end up on those ECS fields, typed correctly."""

from __future__ import annotations

import copy
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pipeline.steps import EnrichConfig
from pipeline.steps._ecs import _HTTP_METHOD, http_method, map_http
from tests.pipeline.steps.helpers import enrich


@pytest.mark.parametrize(
    ("log", "expected"),
    [
        ({"trace_id": "t1", "span_id": "s1"}, {"trace": {"id": "t1"}, "span": {"id": "s1"}}),
        ({"traceId": "t2", "spanId": "s2"}, {"trace": {"id": "t2"}, "span": {"id": "s2"}}),
        ({"traceID": 77, "spanID": "s3"}, {"trace": {"id": "77"}, "span": {"id": "s3"}}),
    ],
)
def test_trace_and_span_ids(log: dict[str, object], expected: dict[str, object]) -> None:
    """trace_id/traceId/traceID and span_id/spanId/spanID map to trace.id and span.id."""
    doc = enrich(log)
    assert expected == {"trace": doc["trace"], "span": doc["span"]}
    assert "app" not in doc


def test_http_request_fields() -> None:
    """method, url, statusCode and responseTime (ms) map to http.*, url.*, event.duration (ns)."""
    doc = enrich(
        {"method": "post", "url": "/api/pay?x=1", "statusCode": "201", "responseTime": 12.5}
    )
    assert {"request": {"method": "POST"}, "response": {"status_code": 201}} == doc["http"]
    assert {"original": "/api/pay?x=1", "path": "/api/pay", "query": "x=1"} == doc["url"]
    assert 12_500_000 == doc["event"]["duration"]
    assert "http_request" == doc["event_type"]


def test_a_scalar_in_the_way_of_an_ecs_object_is_replaced() -> None:
    """A top-level scalar where a mapped field's object goes (``span: 5``, ``gen_ai: "x"``)
    gives way to the object, two and three levels down alike (as ``set_path`` does)."""
    doc = enrich({"span_id": "s1", "model": "m1"}, span=5, gen_ai="x")
    assert ({"id": "s1"}, {"request": {"model": "m1"}}) == (doc["span"], doc["gen_ai"])


def test_pino_http_nested_req_res() -> None:
    """pino-http's req.method/req.url and res.statusCode are found inside their objects."""
    doc = enrich({"req": {"method": "GET", "url": "/h", "id": 1}, "res": {"statusCode": 404}})
    assert "GET" == doc["http"]["request"]["method"]
    assert 404 == doc["http"]["response"]["status_code"]
    assert "/h" == doc["url"]["path"]
    assert {"req": {"id": 1}} == doc["app"]


def test_status_that_is_no_http_code_stays_in_app() -> None:
    """`status: "active"` (a business field) is no HTTP status: it stays in the app namespace."""
    doc = enrich({"status": "active", "path": "/etc/passwd"})
    assert "http" not in doc
    assert {"status": "active", "path": "/etc/passwd"} == doc["app"]


@pytest.mark.parametrize(
    ("log", "unit", "expected"),
    [
        ({"duration_ms": 3}, "ms", 3_000_000),
        ({"duration_ns": 17}, "ms", 17),
        ({"duration_us": 2.5}, "ms", 2_500),
        ({"duration_s": 1.25}, "ms", 1_250_000_000),
        ({"duration": 4}, "ms", 4_000_000),
        ({"duration": 4}, "s", 4_000_000_000),
    ],
)
def test_event_duration_in_nanoseconds(log: dict[str, object], unit: str, expected: int) -> None:
    """Durations become whole nanoseconds; a bare `duration` is in the configured unit."""
    doc = enrich(log, config=EnrichConfig(duration_unit=unit))
    assert expected == doc["event"]["duration"]


def test_negative_or_text_duration_stays_in_app() -> None:
    """A duration that is no non-negative number is not mapped."""
    assert {"duration": "slow"} == enrich({"duration": "slow"})["app"]
    assert {"duration_ms": -1} == enrich({"duration_ms": -1})["app"]


def test_ai_model_call() -> None:
    """model/provider/token counts map to gen_ai.* and classify as ai_request."""
    doc = enrich({"model": "gpt-4o", "provider": "openai", "prompt_tokens": 10,
                  "completion_tokens": 5})  # fmt: skip
    expected = {
        "request": {"model": "gpt-4o"},
        "system": "openai",
        "usage": {"input_tokens": 10, "output_tokens": 5},
    }
    assert expected == doc["gen_ai"]
    assert "ai_request" == doc["event_type"]


def test_misc_fields() -> None:
    """event -> event.action, logger -> log.logger, pid -> process.pid, hostname -> host.*."""
    doc = enrich({"event": "user_signup", "logger": "auth", "pid": 12, "hostname": "box"})
    assert "user_signup" == doc["event"]["action"]
    assert "auth" == doc["log"]["logger"]
    assert {"pid": 12} == doc["process"]
    assert {"name": "box", "hostname": "box"} == doc["host"]


def test_shipper_host_name_wins_over_log_hostname() -> None:
    """Filebeat's host.name is kept; the log's hostname only fills host.hostname."""
    doc = enrich({"hostname": "container-7"}, host={"name": "node-1"})
    assert {"name": "node-1", "hostname": "container-7"} == doc["host"]


def test_beats_fields_pass_through() -> None:
    """log.file.path, log.offset, agent.* and tags arrive from Filebeat and are kept as sent."""
    agent = {"type": "filebeat", "version": "8.15.0", "name": "fb", "id": "a-1"}
    doc = enrich(
        {"level": "info"},
        log={"file": {"path": "/var/log/app.log"}, "offset": 981},
        agent=agent,
        tags=["beats"],
    )
    assert {"file": {"path": "/var/log/app.log"}, "offset": 981, "level": "info"} == doc["log"]
    assert agent == doc["agent"]
    assert ["beats"] == doc["tags"]


def test_digit_lookalikes_stay_in_app() -> None:
    """'--5' and '⁴' pass str.isdigit() but are no integers: kept under app, never raised."""
    doc = enrich({"pid": "--5", "status": "⁴", "input_tokens": "²"})
    assert {"pid": "--5", "status": "⁴", "input_tokens": "²"} == doc["app"]


def test_counts_beyond_a_long_stay_in_app() -> None:
    """A pid or token count past 2**63-1 (JSON's huge integers load as floats) is not mapped."""
    doc = enrich({"pid": 1.2345678901234568e29, "input_tokens": 2**63, "output_tokens": 2**63 - 1})
    assert {"pid": 1.2345678901234568e29, "input_tokens": 2**63} == doc["app"]
    assert {"usage": {"output_tokens": 2**63 - 1}} == doc["gen_ai"]


_HTTP_KEYS = ("method", "httpMethod", "req", "statusCode", "status", "res", "duration",
              "duration_ms", "latency_ms", "duration_s", "durationNs", "other")
_SHARED_HTTP = map_http("ms")
"""One instance across examples: its per-key-set cache of rows is warm from earlier ones."""


@settings(max_examples=300, deadline=None)
@given(log=st.dictionaries(
    st.sampled_from(_HTTP_KEYS),
    st.one_of(st.sampled_from(["GET", "x", "201", "", "12.5"]), st.integers(-1, 700),
              st.none(), st.fixed_dictionaries({}, optional={"method": st.just("put"),
                                                             "statusCode": st.just(404)})),
    max_size=6,
))
def test_map_fields_rows_cached_per_key_set_change_nothing(log: dict[str, Any]) -> None:
    """A MapFields with its rows cached per key set maps as a fresh one does."""
    expected_event: dict[str, Any] = {}
    expected_fields = copy.deepcopy(log)
    map_http("ms").map(expected_event, expected_fields)
    actual_event: dict[str, Any] = {}
    actual_fields = copy.deepcopy(log)
    _SHARED_HTTP.map(actual_event, actual_fields)
    assert (expected_event, expected_fields) == (actual_event, actual_fields)


@settings(max_examples=300, deadline=None)
@given(
    value=st.one_of(
        st.sampled_from(["GET", "get", "Get", "gEt", "POST", "Options", "GET\n", "PROPFIND"]),
        st.text(alphabet="gGeEtTpPoOsS \n", max_size=12),
        st.integers(),
        st.booleans(),
        st.none(),
    )
)
def test_usual_methods_looked_up_as_the_pattern_reads_them(value: object) -> None:
    """The table of usual methods as written gives what the method pattern and upper() give
    (anything it lacks goes through the pattern)."""
    expected = value.upper() if isinstance(value, str) and _HTTP_METHOD.match(value) else None
    assert expected == http_method(value)
