"""The corpus generator: deterministic, exact in size, and as mixed as the benchmarks need."""

from __future__ import annotations

import gzip
import re
from pathlib import Path

import orjson
from hypothesis import given, settings
from hypothesis import strategies as st

from bench.corpus import CorpusStats, describe, generate, records, write_corpus

BRACKET_TS = re.compile(
    r"^\[(\d{4}-\d{2}-\d{2})[T ](\d{2}:\d{2}:\d{2})([.,]\d+)?(Z|[+-]\d{2}:?\d{2})\] "
)


def test_same_seed_same_lines() -> None:
    """Two corpora of the same size and seed are identical line for line."""
    assert list(generate(3000, seed=7)) == list(generate(3000, seed=7))


def test_other_seed_other_lines() -> None:
    """A different seed gives a different corpus."""
    assert list(generate(500, seed=1)) != list(generate(500, seed=2))


@settings(max_examples=30, deadline=None)
@given(n=st.integers(min_value=0, max_value=400), seed=st.integers(min_value=0, max_value=10**6))
def test_exactly_n_lines_without_newlines(n: int, seed: int) -> None:
    """Any size yields exactly n physical lines, none empty and none containing a newline."""
    lines = list(generate(n, seed))
    assert n == len(lines)
    assert [line for line in lines if not line or "\n" in line] == []


def test_continuation_lines_only_inside_multiline_records() -> None:
    """Only continuation lines of a multiline record start with whitespace: the shared rule."""
    for rec in records(20000, seed=3):
        assert [line for line in rec[:1] if line[0] in " \t"] == []
        assert [line for line in rec[1:] if line[0] not in " \t"] == []


def test_stats_reconcile() -> None:
    """Stats count every line and record; kinds add up to records; days to well-formed ones."""
    stats = describe(20000, seed=5)
    assert stats.lines == 20000
    assert stats.records == sum(stats.kinds.values())
    assert stats.records - stats.kinds["malformed"] == sum(stats.days.values())


def test_mix_has_every_kind() -> None:
    """The corpus mixes every JSON event type, both bracketed forms and a few percent malformed."""
    stats = describe(50000, seed=1)
    expected = {
        "json_business",
        "json_security",
        "json_performance",
        "json_http",
        "json_ai",
        "json_error",
        "bracketed",
        "bracketed_multiline",
        "malformed",
    }
    assert expected == set(stats.kinds)
    share = stats.kinds["malformed"] / stats.records
    assert 0.01 < share < 0.06


def test_json_lines_are_application_logs() -> None:
    """JSON lines carry the application's fields; ``data`` is a string from the legacy service."""
    docs = [
        orjson.loads(line)
        for line in generate(20000, seed=2)
        if line.startswith('{"level"') and line.endswith("}")
    ]
    required = {"level", "message", "timestamp", "service", "environment", "version", "type"}
    assert [d for d in docs if not required <= set(d)] == []
    legacy = {
        type(d["data"])
        for d in docs
        if d["service"] == "legacy-gateway" and "data" in d and d["type"] == "business_event"
    }
    assert {str} == legacy
    ai = [d for d in docs if d["type"] == "ai_request"]
    assert [d for d in ai if not d["model"] or not d["provider"]] == []


def test_every_timestamp_variant_appears() -> None:
    """Stamps use T or space, '.' or ',' fractions or none, Z and offsets with or without ':'."""
    seps, fracs, zones = set(), set(), set()
    for line in generate(20000, seed=4):
        m = BRACKET_TS.match(line)
        if m is None:
            continue
        seps.add(line[11])
        fracs.add(m.group(3)[0] if m.group(3) else "")
        zone = m.group(4)
        zones.add("Z" if zone == "Z" else ("colon" if ":" in zone else "nocolon"))
    assert ({"T", " "}, {".", ",", ""}, {"Z", "colon", "nocolon"}) == (seps, fracs, zones)


def test_bracketed_variants_appear() -> None:
    """All four bracketed layouts appear: plain, [LEVEL], [logger] and a k=v tail."""
    tails = [BRACKET_TS.sub("", line) for line in generate(20000, seed=4) if BRACKET_TS.match(line)]
    assert any(re.match(r"\[[A-Z]+\] ", t) for t in tails)
    assert any(re.match(r"[A-Z]+ \[[a-z.]+\] ", t) for t in tails)
    assert any(re.search(r" service=\S+ duration_ms=\d+", t) for t in tails)
    assert any(re.match(r"[A-Z]+ [a-z]", t) for t in tails)


def test_write_plain_and_gzip_match(tmp_path: Path) -> None:
    """A gzip corpus decompresses to the plain one; both are the generated lines plus newlines."""
    plain, packed = tmp_path / "c.log", tmp_path / "c.log.gz"
    stats_plain = write_corpus(plain, 5000, seed=9)
    stats_gz = write_corpus(packed, 5000, seed=9, gzip=True)
    expected = ("\n".join(generate(5000, seed=9)) + "\n").encode()
    assert (expected, expected) == (plain.read_bytes(), gzip.decompress(packed.read_bytes()))
    assert stats_plain.as_dict() == stats_gz.as_dict()


def test_empty_corpus(tmp_path: Path) -> None:
    """Zero lines writes an empty file and empty stats."""
    out = tmp_path / "empty.log"
    assert CorpusStats().as_dict() == write_corpus(out, 0, seed=1).as_dict()
    assert out.read_bytes() == b""
