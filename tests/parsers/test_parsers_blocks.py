"""Building blocks mean what logstash-patterns-core means (checked through their compiled regex)."""

from __future__ import annotations

import re

import pytest

from parsers import BLOCKS, KeyValues, to_float, to_int
from parsers._grok import _block_regex


def full(name: str, text: str) -> bool:
    """True if block ``name`` matches all of ``text``."""
    return re.fullmatch(_block_regex(name), text) is not None


@pytest.mark.parametrize("text", [
    "2025-09-12T10:00:00.123Z", "2025-09-12 10:00:00,123", "2025-09-12T10:00:00+02:00",
    "2025-09-12T10:00:00.123456-0530", "2025-09-12T10:00", "2025-09-12T1000", "25-9-2T3:04:05Z",
    "2025-02-30T10:00:00Z",
])
def test_timestamp_iso8601_accepts_every_variant(text: str) -> None:
    """T or space, optional colons/seconds, . or , fraction, Z or +-hh[:]mm (Feb 30 too)."""
    assert full("TIMESTAMP_ISO8601", text) is True


@pytest.mark.parametrize("text", [
    "2025-13-01T10:00:00Z", "2025-09-12T24:00:00Z", "2025-09-12T10:61:00Z", "2025/09/12 10:00",
    "2025-09-12", "2025-09-12T10:00:00 Z",
])
def test_timestamp_iso8601_rejects_impossible_shapes(text: str) -> None:
    """Month 13, hour 24, minute 61, slashes, a date alone: not TIMESTAMP_ISO8601."""
    assert full("TIMESTAMP_ISO8601", text) is False


@pytest.mark.parametrize(("name", "good", "bad"), [
    ("WORD", "ERROR_1", "ERR-OR"),
    ("WORD", "info", "héllo"),
    ("NOTSPACE", "a/b?c=d", "a b"),
    ("INT", "-42", "4.2"),
    ("NUMBER", "-4.25", "4.2.5"),
    ("POSINT", "17", "-1"),
    ("IPV4", "192.168.0.255", "192.168.0.256"),
    ("IPV6", "2001:db8::ff00:42:8329", "2001:db8:::1"),
    ("IPV6", "::1", "1:2:3:4:5:6:7:8:9"),
    ("IPV6", "::ffff:10.0.0.1", "::ffff:10.0.0"),
    ("IP", "10.0.0.1", "10.0.0"),
    ("UUID", "123e4567-e89b-12d3-a456-426614174000", "123e4567-e89b-12d3-a456-42661417400"),
    ("QUOTEDSTRING", '"say \\"hi\\""', '"unterminated'),
    ("QUOTEDSTRING", "'single'", "'a' b'"),
    ("URIPATH", "/api/v1/users;x=1", "api/v1"),
    ("HTTPMETHOD", "PATCH", "FETCH"),
    ("LOGLEVEL", "WARNING", "LOUD"),
    ("LOGLEVEL", "err", "Errr"),
    ("HOSTNAME", "node-1.example.com", "-bad.example"),
])
def test_blocks_accept_and_reject_like_patterns_core(name: str, good: str, bad: str) -> None:
    """Each block accepts a typical value and rejects a near miss."""
    assert (full(name, good), full(name, bad)) == (True, False)


def test_data_is_lazy_and_greedydata_is_greedy() -> None:
    """DATA stops at the first possible point, GREEDYDATA at the last."""
    data = re.fullmatch(f"({_block_regex('DATA')}):(.*)", "a:b:c")
    greedy = re.fullmatch(f"({_block_regex('GREEDYDATA')}):(.*)", "a:b:c")
    assert (data and data.group(1), greedy and greedy.group(1)) == ("a", "a:b")


def test_aliases_are_the_same_blocks() -> None:
    """QS, BASE10NUM and USER are the patterns-core aliases of their targets."""
    assert (BLOCKS["QS"], BLOCKS["BASE10NUM"], BLOCKS["USER"]) == (
        BLOCKS["QUOTEDSTRING"], BLOCKS["NUMBER"], BLOCKS["USERNAME"])


def test_key_values_extract_quoted_and_empty_values() -> None:
    """Quotes are removed, empty values kept, the first of a repeated key wins."""
    expected = {"a": "1", "msg": "hello world", "q": "x y", "empty": ""}
    assert expected == KeyValues().extract("a=1 msg=\"hello world\" q='x y' empty= a=2")


def test_key_values_parse_with_pyparsing_too() -> None:
    """The same element works on pyparsing's own parser (the fallback)."""
    result = KeyValues().parse_string("a=1 b=two", parse_all=True)
    assert [{"a": "1", "b": "two"}] == result.as_list()


@pytest.mark.parametrize(("text", "expected"), [
    ("12", 12), ("-3", -3), ("1.9", 1), ("1e3", 1000), ("abc", "abc"), ("1e999", "1e999"),
])
def test_to_int_follows_grok_and_keeps_unconvertible_text(text: str, expected: object) -> None:
    """:int truncates decimals; text that is no number (or overflows) stays as it was."""
    assert expected == to_int(text)


@pytest.mark.parametrize(("text", "expected"), [("1.5", 1.5), ("7", 7.0), ("x", "x")])
def test_to_float_keeps_unconvertible_text(text: str, expected: object) -> None:
    """:float converts numbers and keeps anything else."""
    assert expected == to_float(text)
