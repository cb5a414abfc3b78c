"""The stand-in ``_bulk`` endpoint: ES 8 shaped answers and exact document counts."""

from __future__ import annotations

import gzip
import urllib.request

import orjson
import pytest
from elasticsearch import Elasticsearch, helpers

from bench.standin import BulkError, StandIn, bulk_response


def _ndjson(*objs: object) -> bytes:
    return b"".join(orjson.dumps(o) + b"\n" for o in objs)


def test_bulk_response_items_and_counts() -> None:
    """Every create/index item is answered 201 created with its index and id; counted per index."""
    body = _ndjson(
        {"create": {"_index": "a", "_id": "1"}},
        {"x": 1},
        {"index": {"_index": "b"}},
        {"x": 2},
        {"create": {"_index": "a", "_id": "2"}},
        {"x": 3},
    )
    raw, per_index = bulk_response(body, None)
    resp = orjson.loads(raw)
    got = [
        (op, item["_index"], item["status"], item["result"])
        for entry in resp["items"]
        for op, item in entry.items()
    ]
    assert per_index == {"a": 2, "b": 1}
    assert got == [
        ("create", "a", 201, "created"),
        ("index", "b", 201, "created"),
        ("create", "a", 201, "created"),
    ]
    assert (resp["errors"], [e["create"]["_id"] for e in resp["items"] if "create" in e]) == (
        False,
        ["1", "2"],
    )


def test_bulk_default_index_and_delete() -> None:
    """``/<index>/_bulk`` supplies the index; ``delete`` has no source line and adds no document."""
    body = _ndjson({"create": {}}, {"x": 1}, {"delete": {"_id": "9"}}, {"create": {}}, {"y": 2})
    raw, per_index = bulk_response(body, "idx")
    assert per_index == {"idx": 2}
    assert [next(iter(e)) for e in orjson.loads(raw)["items"]] == ["create", "delete", "create"]


@pytest.mark.parametrize(
    ("body", "where"),
    [
        (b"not json\n{}\n", "line 1"),
        (b'{"create":{}}\n{"x":1}\n', "line 1"),
        (b'{"create":{"_index":"a"}}\n', "line 1"),
        (b'{"frobnicate":{"_index":"a"}}\n{}\n', "line 1"),
        (b'{"create":{"_index":"a"}}\n{}\n[1]\n', "line 3"),
    ],
)
def test_bad_bulk_bodies_name_the_line(body: bytes, where: str) -> None:
    """A body the stand-in cannot read raises BulkError naming the offending line."""
    with pytest.raises(BulkError, match=where):
        bulk_response(body, None)


def test_elasticsearch_client_accepts_it() -> None:
    """The official ES 8 client passes its product check and bulk-indexes into the stand-in."""
    with StandIn() as standin:
        es = Elasticsearch(standin.url)
        version = es.info()["version"]["number"]
        actions = (
            {
                "_op_type": "create",
                "_index": f"universal-ai-tools-2025.09.1{i % 2}",
                "_id": str(i),
                "n": i,
            }
            for i in range(1200)
        )
        indexed, errors = helpers.bulk(es, actions, chunk_size=500)
        count = es.count(index="universal-ai-tools-*")["count"]
        es.close()
        snapshot = standin.tally.snapshot()
    assert (version.split(".")[0], indexed, errors, count) == ("8", 1200, [], 1200)
    assert snapshot["indices"] == {
        "universal-ai-tools-2025.09.10": 600,
        "universal-ai-tools-2025.09.11": 600,
    }


def test_gzip_bulk_and_stats_endpoint() -> None:
    """A gzip-encoded bulk body is decoded and counted; /_standin/stats reports it; reset clears."""
    body = _ndjson(*[o for i in range(10) for o in ({"create": {"_index": "g"}}, {"i": i})])
    with StandIn() as standin:
        req = urllib.request.Request(
            f"{standin.url}/_bulk",
            data=gzip.compress(body),
            method="POST",
            headers={"Content-Encoding": "gzip", "Content-Type": "application/json"},
        )
        with urllib.request.urlopen(req) as resp:
            header = resp.headers["X-Elastic-Product"]
            items = orjson.loads(resp.read())["items"]
        with urllib.request.urlopen(f"{standin.url}/_standin/stats") as resp:
            stats = orjson.loads(resp.read())
        urllib.request.urlopen(
            urllib.request.Request(f"{standin.url}/_standin/reset", data=b"", method="POST")
        ).close()
        after = standin.tally.snapshot()["docs_total"]
    assert (header, len(items), stats["docs_total"], stats["indices"], after) == (
        "Elasticsearch",
        10,
        10,
        {"g": 10},
        0,
    )


def test_bad_bulk_answers_400() -> None:
    """An unreadable bulk body gets an ES-shaped 400 and is counted as an error, not a document."""
    with StandIn() as standin:
        req = urllib.request.Request(f"{standin.url}/_bulk", data=b"nope\n", method="POST")
        with pytest.raises(urllib.error.HTTPError) as info:
            urllib.request.urlopen(req)
        info.value.close()
        snapshot = standin.tally.snapshot()
    assert (info.value.code, snapshot["errors"], snapshot["docs_total"]) == (400, 1, 0)
