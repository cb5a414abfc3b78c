"""User grammars with Logstash date formats and grok's tag_on_failure."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from parsers import Parsers, ParsersConfig
from parsers._dates import joda_to_strptime
from pipeline.errors import GrammarError


def _parsers(**grammar: object) -> Parsers:
    spec = {"name": "g", "pattern": r"%{NOTSPACE:ts} %{GREEDYDATA:msg}", "timestamp_field": "ts",
            **grammar}
    return Parsers(ParsersConfig.model_validate({"grammars": [spec],
                                                 "timezone": "Europe/Berlin"}))


@pytest.mark.parametrize(("formats", "stamp", "expected"), [
    (["dd/MMM/yyyy:HH:mm:ss"], "24/Feb/2015:23:13:42", datetime(2015, 2, 24, 22, 13, 42)),
    (["yyyy-MM-dd'T'HH:mm:ss.SSSZ"], "2015-02-24T23:13:42.120+0000",
     datetime(2015, 2, 24, 23, 13, 42, 120000)),
    (["UNIX"], "1424819622.5", datetime(2015, 2, 24, 23, 13, 42, 500000)),
    (["UNIX_MS"], "1424819622000", datetime(2015, 2, 24, 23, 13, 42)),
    (["UNIX", "ISO8601"], "2015-02-24T23:13:42Z", datetime(2015, 2, 24, 23, 13, 42)),
])
def test_formats_give_utc(formats: list[str], stamp: str, expected: datetime) -> None:
    """Each format is tried in order; naive stamps are read in the configured zone."""
    result = _parsers(timestamp_formats=formats).parse(f"{stamp} hello")
    assert (expected.replace(tzinfo=UTC), []) == (result.timestamp, result.tags)


def test_a_stamp_no_format_reads_is_tagged() -> None:
    """As Logstash's date filter: _dateparsefailure."""
    result = _parsers(timestamp_formats=["UNIX"]).parse("yesterday hello")
    assert (None, ["_dateparsefailure"]) == (result.timestamp, result.tags)


def test_unknown_joda_letter_fails_at_startup() -> None:
    """A pattern letter we cannot map is refused when the grammars are built."""
    with pytest.raises(GrammarError, match="'ww' is not supported"):
        joda_to_strptime("yyyy-ww")


def test_tag_on_failure_when_no_user_grammar_matches() -> None:
    """The tags of the grammars that applied, once each, when none matched."""
    config = ParsersConfig.model_validate({"grammars": [
        {"name": "a", "pattern": "%{INT:n}", "tag_on_failure": ["_grokparsefailure"]},
        {"name": "b", "pattern": "x%{INT:n}", "tag_on_failure": ["_grokparsefailure", "_b"],
         "when_prefix": "x"},
    ]})
    parsers = Parsers(config)
    assert (["_grokparsefailure", "_b"], ["_grokparsefailure"], []) == (
        parsers.parse("xyz").tags, parsers.parse("yz").tags, parsers.parse("x12").tags)


def test_when_condition_selects_grammars_by_the_arriving_event() -> None:
    """A grammar with ``when`` is tried only on events whose fields satisfy it."""
    config = ParsersConfig.model_validate({"grammars": [
        {"name": "nginx", "pattern": "%{WORD:verb} %{NOTSPACE:path}",
         "when": '[fields][log_type] == "nginx"'},
    ]})
    parsers = Parsers(config)
    nginx = {"fields": {"log_type": "nginx"}}
    assert (True, "nginx", "plain", "plain") == (
        parsers.needs_event, parsers.parse("GET /a", nginx).grammar,
        parsers.parse("GET /a", {"fields": {"log_type": "app"}}).grammar,
        parsers.parse("GET /a").grammar)


def test_bad_when_fails_at_config_load() -> None:
    """A condition that does not parse names its column."""
    with pytest.raises(ValueError, match="column"):
        ParsersConfig.model_validate(
            {"grammars": [{"name": "g", "pattern": "x", "when": "[a] =="}]})
