"""Stamps become aware UTC datetimes; impossible times give None (-> _dateparsefailure)."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from parsers import TimestampParser
from pipeline.errors import ConfigError


@pytest.mark.parametrize(("text", "expected"), [
    ("2025-09-12T10:00:00.123Z", datetime(2025, 9, 12, 10, 0, 0, 123000, tzinfo=UTC)),
    ("2025-09-12 10:00:00,123Z", datetime(2025, 9, 12, 10, 0, 0, 123000, tzinfo=UTC)),
    ("2025-09-12T12:00:00+02:00", datetime(2025, 9, 12, 10, 0, tzinfo=UTC)),
    ("2025-09-12T12:00:00.5+0200", datetime(2025, 9, 12, 10, 0, 0, 500000, tzinfo=UTC)),
    ("2025-09-12T04:30:00-05:30", datetime(2025, 9, 12, 10, 0, tzinfo=UTC)),
    ("2025-09-12T10:00", datetime(2025, 9, 12, 10, 0, tzinfo=UTC)),
    ("2025-09-12T1000", datetime(2025, 9, 12, 10, 0, tzinfo=UTC)),
    ("2025-9-2T3:04:05Z", datetime(2025, 9, 2, 3, 4, 5, tzinfo=UTC)),
    ("25-09-12T10:00:00Z", datetime(2025, 9, 12, 10, 0, tzinfo=UTC)),
    ("2025-09-12T10:00:00.123456789Z", datetime(2025, 9, 12, 10, 0, 0, 123456, tzinfo=UTC)),
    ("2025-09-12T10:00:00:250Z", datetime(2025, 9, 12, 10, 0, 0, 250000, tzinfo=UTC)),
])
def test_variants_become_utc_with_offsets_honoured(text: str, expected: datetime) -> None:
    """Every TIMESTAMP_ISO8601 variant gives the same instant in UTC (microseconds kept)."""
    actual = TimestampParser().parse(text)
    assert (expected, True) == (actual, actual is not None and actual.tzinfo is UTC)


@pytest.mark.parametrize("text", [
    "2025-02-30T10:00:00Z", "2025-09-12T10:00:60Z", "2025-04-31 00:00:00", "0000-01-01T00:00Z",
    "0001-01-01T00:00:00+01:00",
])
def test_impossible_times_give_none(text: str) -> None:
    """Feb 30, second 60, April 31, year 0, before year 1 in UTC: not real times."""
    assert TimestampParser().parse(text) is None


def test_naive_stamps_use_the_configured_zone() -> None:
    """Without an offset the configured zone applies (summer time in Berlin is +02:00)."""
    actual = TimestampParser("Europe/Berlin").parse("2025-09-12 12:00:00")
    assert datetime(2025, 9, 12, 10, 0, tzinfo=UTC) == actual


def test_offsets_win_over_the_configured_zone() -> None:
    """A stamp with its own offset ignores the configured zone."""
    actual = TimestampParser("Asia/Tokyo").parse("2025-09-12T10:00:00Z")
    assert datetime(2025, 9, 12, 10, 0, tzinfo=UTC) == actual


@pytest.mark.parametrize("text", ["yesterday", "", "12:00", "2025-W37-1", "x" * 100])
def test_parse_any_rejects_text_that_is_no_iso8601_stamp(text: str) -> None:
    """JSON values that are not ISO 8601 stamps give None."""
    assert TimestampParser().parse_any(text) is None


def test_unknown_zone_is_a_config_error_naming_the_key() -> None:
    """A bad time zone stops startup naming parsers.timezone."""
    with pytest.raises(ConfigError, match=r"parsers.timezone: unknown time zone 'Mars/Base'"):
        TimestampParser("Mars/Base")


@settings(max_examples=300, deadline=None)
@given(st.from_regex(r"\A20[0-9]{2}-(0[1-9]|1[0-2])-(0[1-9]|1[0-9]|2[0-8])[T ]([01][0-9]|2[0-3])"
                     r":[0-5][0-9](:[0-5][0-9]([.,][0-9]{1,9})?)?([+-]([01][0-9]|2[0-3]):?[0-5][0-9])?"
                     r"\Z"),
       st.sampled_from(["UTC", "Europe/Berlin"]))
def test_a_remembered_offset_gives_the_same_instant(text: str, zone_name: str) -> None:
    """Offsets are remembered after the first stamp; later stamps with it (and naive stamps)
    come out as the same instant a fresh parser computes."""
    warmed = TimestampParser(zone_name)
    warmed.parse(text)
    expected, actual = TimestampParser(zone_name).parse(text), warmed.parse(text)
    assert (expected, True) == (actual, actual is not None and actual.tzinfo is UTC)
