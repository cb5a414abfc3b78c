"""``lift_ecs_fields``: the log's ECS-shaped objects land at their ECS place, typed as the
template maps them; whatever is unknown, mis-typed or taken stays under ``app.*``."""

from __future__ import annotations

import copy
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from parsers import Parsers
from pipeline.config import LumberyardConfig
from pipeline.runtime import METADATA, Batch, Chain
from pipeline.steps import ECS_LEAVES, EnrichConfig, build_steps, enrich_steps
from pipeline.steps._lift import TEMPLATE_TYPES, LiftEcsFields
from tests.pipeline.steps.helpers import NOW, enrich, parsed_event
from tests.pipeline.steps.test_steps_schema import _properties, _unmapped

APACHE_LINE = (
    '127.0.0.1 - frank [10/Oct/2000:13:55:36 -0700] "GET /apache_pb.gif?x=1 HTTP/1.0" 200 2326 '
    '"http://www.example.com/start.html" "Mozilla/4.08 [en] (Win98; I ;Nav)"'
)
APACHE_V1_CAPTURES: dict[str, Any] = {
    "source": {"address": "127.0.0.1"},
    "user": {"name": "frank"},
    "http": {
        "request": {"method": "GET", "referrer": "http://www.example.com/start.html"},
        "version": "1.0",
        "response": {"status_code": 200, "body": {"bytes": 2326}},
    },
    "url": {"original": "/apache_pb.gif?x=1"},
    "user_agent": {"original": "Mozilla/4.08 [en] (Win98; I ;Nav)"},
}
"""What grok's ecs-v1 ``%{COMBINEDAPACHELOG}`` captures from :data:`APACHE_LINE`."""


def _ecs(doc: dict[str, Any], *tops: str) -> dict[str, Any]:
    return {top: doc[top] for top in tops if top in doc}


def test_apache_v1_captures_land_at_their_ecs_place() -> None:
    """Every capture of the combined log is at the top level; url.path/query split out; the
    event is an http_request and nothing is left for app.*."""
    doc = enrich(APACHE_V1_CAPTURES)
    expected = {
        "source": {"address": "127.0.0.1"},
        "user": {"name": "frank"},
        "http": {
            "request": {"method": "GET", "referrer": "http://www.example.com/start.html"},
            "version": "1.0",
            "response": {"status_code": 200, "body": {"bytes": 2326}},
        },
        "url": {"original": "/apache_pb.gif?x=1", "path": "/apache_pb.gif", "query": "x=1"},
        "user_agent": {"original": "Mozilla/4.08 [en] (Win98; I ;Nav)"},
    }
    tops = ("source", "user", "http", "url", "user_agent")
    assert (expected, "http_request", False) == (_ecs(doc, *tops), doc["event_type"], "app" in doc)


def test_the_real_grok_parse_through_the_chain() -> None:
    """The line parsed by the real v1 grammar and the whole chain: the same ECS fields."""
    config = LumberyardConfig.model_validate({"parsers": {
        "ecs_compatibility": "v1",
        "grammars": [{"name": "apache", "pattern": "%{COMBINEDAPACHELOG}",
                      "timestamp_formats": ["dd/MMM/yyyy:HH:mm:ss Z"]}],
    }})  # fmt: skip
    chain = Chain(build_steps(config, Parsers(config.parsers)))
    doc = chain.run({"message": APACHE_LINE, METADATA: {"source_id": b"x", "input": "t"}})
    assert doc is not None
    expected = ("GET", 200, 2326, "127.0.0.1", "/apache_pb.gif", "2000-10-10T20:55:36.000Z")
    assert expected == (
        doc["http"]["request"]["method"], doc["http"]["response"]["status_code"],
        doc["http"]["response"]["body"]["bytes"], doc["source"]["address"], doc["url"]["path"],
        doc["@timestamp"])  # fmt: skip
    assert "app" not in doc


def test_strings_are_typed_as_the_template_maps_them() -> None:
    """A JSON log's ECS object with numbers as text: long fields become integers, the method
    upper-case, an IP stays text, a numeric event.code becomes keyword text."""
    doc = enrich({
        "http": {"request": {"method": "post"}, "response": {"status_code": "404", "bytes": "7"}},
        "source": {"ip": "10.0.0.1", "port": "5044"},
        "event": {"code": 4625},
        "log": {"syslog": {"priority": "13", "facility": {"code": 1}}, "level": "WARNING"},
    })  # fmt: skip
    expected = {
        "http": {"request": {"method": "POST"}, "response": {"status_code": 404, "bytes": 7}},
        "source": {"ip": "10.0.0.1", "port": 5044},
        "event": {"code": "4625"},
        "log": {"syslog": {"priority": 13, "facility": {"code": 1}}, "level": "warn"},
    }
    doc["event"].pop("ingested")
    assert (expected, "app" in doc) == (_ecs(doc, "http", "source", "event", "log"), False)


def test_unknown_or_mistyped_leaves_stay_in_app() -> None:
    """Unmapped leaves (url.fragment, a made-up http key) and values the template would refuse
    (a status of 999, an address that is no IP, a negative port, an object for a keyword)
    stay under app.*, beside what was lifted."""
    doc = enrich({
        "url": {"original": "/a", "fragment": "top"},
        "http": {"response": {"status_code": 999}, "request": {"method": "GET", "x": 1}},
        "source": {"ip": "not-an-ip", "port": -1, "address": "h"},
        "destination": {"ip": "fe80::1%eth0"},
        "user": {"name": {"first": "a"}},
    })  # fmt: skip
    expected_app = {
        "url": {"fragment": "top"},
        "http": {"response": {"status_code": 999}, "request": {"x": 1}},
        "source": {"ip": "not-an-ip", "port": -1},
        "destination": {"ip": "fe80::1%eth0"},
        "user": {"name": {"first": "a"}},
    }
    lifted = {"url": {"original": "/a", "path": "/a"}, "http": {"request": {"method": "GET"}},
              "source": {"address": "h"}}  # fmt: skip
    assert (expected_app, lifted) == (doc["app"], _ecs(doc, "url", "http", "source"))


def test_a_value_already_on_the_document_wins() -> None:
    """The shipper's host.name and host.hostname stay; the log's go to app.host (not lost)."""
    doc = enrich({"host": {"hostname": "db-7", "name": "db-7.local"}},
                 host={"name": "web-1", "hostname": "web-1"})
    expected = ({"name": "web-1", "hostname": "web-1"},
                {"host": {"hostname": "db-7", "name": "db-7.local"}})
    assert expected == (doc["host"], doc["app"])


def test_a_syslog_hostname_fills_the_document_host() -> None:
    """A v1 syslog capture without a shipper host fills host.hostname; the shipper's
    host.name stays beside it."""
    doc = enrich({"host": {"hostname": "db-7"}, "process": {"name": "sshd", "pid": 42}},
                 host={"name": "web-1"})
    expected = ({"name": "web-1", "hostname": "db-7"}, {"name": "sshd", "pid": 42})
    assert expected == (doc["host"], doc["process"])


def test_a_scalar_in_the_way_keeps_the_object_in_app() -> None:
    """A shipper's top-level scalar where ECS has an object: the log's object stays in app."""
    doc = enrich({"network": {"transport": "tcp"}}, network="lan")
    assert ("lan", {"network": {"transport": "tcp"}}) == (doc["network"], doc["app"])


def test_string_event_and_host_keep_their_old_meaning() -> None:
    """``event``/``host`` as strings are still event.action and host.hostname (earlier steps)."""
    doc = enrich({"event": "user_signup", "host": "db-7"})
    assert ("user_signup", "db-7", "app" in doc) == (
        doc["event"]["action"], doc["host"]["hostname"], False)


def test_the_logs_own_url_parts_are_not_overwritten() -> None:
    """url.path/url.query come from url.original only when the log gave neither."""
    doc = enrich({"url": {"original": "/a?b=1", "query": "c=2"}})
    assert {"original": "/a?b=1", "query": "c=2"} == doc["url"]


def test_a_broken_url_keeps_only_its_original() -> None:
    """A URL urlsplit refuses does not stop the chain: url.original only (lifted and mapped)."""
    lifted = enrich({"url": {"original": "http://[x/y"}})
    mapped = enrich({"method": "GET", "url": "http://[x/y"})
    assert ({"original": "http://[x/y"},) * 2 == (lifted["url"], mapped["url"])


def test_every_lifted_leaf_is_mapped_with_its_type() -> None:
    """The table and the template agree: each leaf has the template type of its kind."""
    props = _properties()
    actual = {}
    for path in ECS_LEAVES:
        node: Any = {"properties": props}
        for part in path.split("."):
            node = node.get("properties", {}).get(part, {})
        actual[path] = node.get("type")
    assert {path: TEMPLATE_TYPES[kind] for path, kind in ECS_LEAVES.items()} == actual


_SAMPLE = {"keyword": "x", "method": "GET", "level": "info", "long": 7, "status": 200,
           "ip": "10.1.2.3", "url": "https://h.example/p"}  # fmt: skip


def test_a_log_with_every_leaf_is_fully_mapped() -> None:
    """Each leaf of the table, valid, from a log: all lifted, nothing unmapped, no app."""
    log: dict[str, Any] = {}
    for path, kind in ECS_LEAVES.items():
        *parents, last = path.split(".")
        node = log
        for part in parents:
            node = node.setdefault(part, {})
        node[last] = _SAMPLE[kind]
    doc = enrich(log)
    doc.pop(METADATA)
    assert ([], False) == (_unmapped(doc, _properties()), "app" in doc)


@pytest.mark.parametrize("shape", [
    {"http": {"version": "2"}, "level": "info"},
    {"event": "e", "user": {"name": "u"}},
    {"process": {"pid": "12"}, "pid": 3},
    {"log": {"origin": {"function": "f", "file": {"line": "9", "name": "a.c"}}}},
    {"service": {"name": "s", "version": "1", "node": {"name": "n"}, "x": 1}, "level": "info"},
    {"url": {"original": "http://u:p@h/", "password": "p"}, "method": "GET"},
])  # fmt: skip
def test_one_at_a_time_and_batched_agree(shape: dict[str, Any]) -> None:
    """The chain run per event and over a batch (parts grouped by log shape) give the same
    documents."""
    chain = Chain(enrich_steps(EnrichConfig(), clock=lambda: NOW))
    batch = chain.apply(Batch([parsed_event(copy.deepcopy(shape)) for _ in range(3)]))
    assert [enrich(copy.deepcopy(shape))] * 3 == batch.events



_NAMES = sorted({part for path in ECS_LEAVES for part in path.split(".")} | {"x", "password"})
_TOPS = sorted({path.split(".")[0] for path in ECS_LEAVES} | {"x"})
_LEAF_VALUES = st.one_of(
    st.sampled_from(["", " ", "GET", "get", "200", "-1", "10.0.0.1", "::1", "fe80::1%eth0",
                     "WARN", "odd", "/p?q=1", "http://[x"]),
    st.integers(-5, 2**64), st.booleans(), st.none(), st.floats(allow_nan=True),
)  # fmt: skip
_OBJECTS = st.recursive(
    _LEAF_VALUES, lambda inner: st.dictionaries(st.sampled_from(_NAMES), inner, max_size=4),
    max_leaves=12,
)
_NO_DERIVED = {path: kind for path, kind in ECS_LEAVES.items() if path != "url.original"}
"""The table but url.original (whose url.path/url.query are derived, not the log's leaves)."""


def _leaf_paths(obj: dict[str, Any], prefix: tuple[str, ...] = ()) -> set[tuple[str, ...]]:
    """Paths of the leaves (an empty object counts as one: it is kept as written)."""
    out: set[tuple[str, ...]] = set()
    for key, value in obj.items():
        path = (*prefix, key)
        out |= _leaf_paths(value, path) if isinstance(value, dict) and value else {path}
    return out


@settings(max_examples=300, deadline=None)
@given(st.dictionaries(st.sampled_from(_TOPS), _OBJECTS, max_size=5))
def test_nothing_is_lost_or_doubled(log: dict[str, Any]) -> None:
    """Any log object: no exception; each leaf ends up on the document (then at a path of the
    table) or still among the log's keys (for app.*), never both and never neither."""
    fields = copy.deepcopy(log)
    event: dict[str, Any] = {}
    LiftEcsFields(_NO_DERIVED).map(event, fields)
    lifted, kept = _leaf_paths(event), _leaf_paths(fields)
    secret = ("url", "password")  # whatever it held, only its mask reaches the document
    known = {tuple(path.split(".")) for path in _NO_DERIVED} | {secret}
    written = {secret if path[:2] == secret else path for path in _leaf_paths(log)}
    assert (set(), set(), written) == (lifted & kept, lifted - known, lifted | kept)


def test_a_url_password_is_never_indexed_in_clear() -> None:
    """A log's url.password went to app.url.password as written, and url.original kept the
    credentials: now the password is only the mask and the URLs are masked as redact() does
    (the user stays); a JSON log's plain url string with credentials is masked too."""
    creds = "https://bob:s3cret@h.example/x?q=1"
    lifted = enrich({"url": {"original": creds, "full": creds, "password": "s3cret",
                             "username": "bob"}})
    mapped = enrich({"method": "GET", "url": creds})
    masked = "https://bob:***@h.example/x?q=1"
    assert (
        {"original": masked, "full": masked, "password": "***", "username": "bob", "path": "/x",
         "query": "q=1"}, None, {"original": masked, "path": "/x", "query": "q=1"},
    ) == (lifted["url"], lifted.get("app"), mapped["url"])


def test_a_url_left_in_app_is_masked_too() -> None:
    """A log's url.original that is not lifted (a list; a url.original already there) stays in
    app.url, and reached the index with its credentials: it is masked there as well."""
    creds, masked = "https://bob:s3cret@h.example/x", "https://bob:***@h.example/x"
    listed = enrich({"url": {"original": [creds, 7]}})
    clash = enrich({"url": {"original": creds, "full": [creds]}}, url={"original": "/y"})
    assert ({"url": {"original": [masked, 7]}},
            {"url": {"original": masked, "full": [masked]}}) == (listed["app"], clash["app"])


def test_a_logs_service_object_keeps_its_ecs_fields() -> None:
    """A log's own service object gave service.name and lost every other key: its ECS
    leaves (version, id, node.name...) now land on service.*, anything else in app.service."""
    doc = enrich({"service": {"name": "billing", "version": "2.4.1", "id": "d4c3",
                              "node": {"name": "node-7", "role": "worker"}, "build": "b77"}})
    assert (
        {"name": "billing", "version": "2.4.1", "id": "d4c3",
         "node": {"name": "node-7", "role": "worker"}},
        {"service": {"build": "b77"}},
    ) == ({k: v for k, v in doc["service"].items() if k != "environment"}, doc.get("app"))
