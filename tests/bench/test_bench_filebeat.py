"""The Filebeat peers' configs, the ``GET /`` proxy, and bench.lumber's window encoding."""

from __future__ import annotations

import json
import struct
import urllib.request
import zlib
from pathlib import Path

from bench.lumber import encode_window
from bench.peers import Job
from bench.peers.filebeat import ES_VERSION_ANSWER, filebeat_config, start_proxy
from bench.standin import StandIn


def _job(tmp_path: Path) -> Job:
    return Job(tmp_path / "c.log", tmp_path / "c.log.gz", "http://127.0.0.1:9299", "pfx-",
               tmp_path, 10)


def test_direct_filebeat_indexes_daily_by_event_time(tmp_path: Path) -> None:
    """Filebeat -> ES reads the plain corpus with the shared multiline rule, parses with its
    processors and writes prefix + the event's UTC day, without template or ILM setup."""
    config = filebeat_config(_job(tmp_path), "es", "127.0.0.1:1234")
    (source,) = config["filebeat.inputs"]
    assert (
        [str(tmp_path / "c.log")], "^[ \\t]", ["http://127.0.0.1:1234"],
        "pfx-%{+yyyy.MM.dd}", False, False,
    ) == (
        source["paths"], source["multiline"]["pattern"], config["output.elasticsearch"]["hosts"],
        config["output.elasticsearch"]["index"], config["setup.template.enabled"],
        config["setup.ilm.enabled"],
    )  # fmt: skip


def test_filebeat_to_lumberyard_sends_lines_unparsed(tmp_path: Path) -> None:
    """Filebeat -> lumberyard has no processors: lumberyard does the parsing."""
    config = filebeat_config(_job(tmp_path), "lumberyard", "127.0.0.1:5044")
    assert (["127.0.0.1:5044"], None) == (
        config["output.logstash"]["hosts"], config.get("processors"))


def test_proxy_answers_get_root_and_relays_the_rest() -> None:
    """``GET /`` gets the version answer; ``_bulk`` reaches the server behind the proxy."""
    standin = StandIn()
    upstream = standin.start()
    proxy = start_proxy(upstream)
    try:
        base = f"http://127.0.0.1:{proxy.server_address[1]}"
        with urllib.request.urlopen(base + "/", timeout=10) as resp:
            root = json.loads(resp.read())
        body = b'{"create":{"_index":"pfx-2025.09.12"}}\n{"message":"m"}\n'
        req = urllib.request.Request(base + "/_bulk", data=body, method="POST",
                                     headers={"Content-Type": "application/x-ndjson"})
        with urllib.request.urlopen(req, timeout=10) as resp:
            bulk = json.loads(resp.read())
    finally:
        proxy.shutdown()
        proxy.server_close()
        standin.stop()
    assert (ES_VERSION_ANSWER, False, 201) == (
        root, bulk["errors"], bulk["items"][0]["create"]["status"])


def test_encoded_window_is_lumberjack_v2() -> None:
    """``2W`` with the count, then one ``2C`` block inflating to ``2J`` frames numbered 1..n."""
    events = [b'{"a":1}', b'{"b":2}']
    raw = encode_window(events)
    count, size = struct.unpack(">I", raw[2:6])[0], struct.unpack(">I", raw[8:12])[0]
    inner = zlib.decompress(raw[12:])
    first_seq, first_len = struct.unpack(">II", inner[2:10])
    assert (b"2W", 2, b"2C", len(raw) - 12, b"2J", 1, 7, b'{"a":1}') == (
        raw[:2], count, raw[6:8], size, inner[:2], first_seq, first_len, inner[10:17])
