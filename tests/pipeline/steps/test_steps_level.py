"""log.level: every LOGLEVEL spelling and the common logger levels normalise to six values."""

from __future__ import annotations

import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from pipeline.steps import LEVELS, normalise_level_value
from tests.pipeline.steps.helpers import enrich

# grok's LOGLEVEL pattern (logstash-patterns-core), the spellings Logstash accepted.
LOGLEVEL = re.compile(
    r"^(?:[Aa]lert|ALERT|[Tt]race|TRACE|[Dd]ebug|DEBUG|[Nn]otice|NOTICE|[Ii]nfo?(?:rmation)?|"
    r"INFO?(?:RMATION)?|[Ww]arn?(?:ing)?|WARN?(?:ING)?|[Ee]rr?(?:or)?|ERR?(?:OR)?|"
    r"[Cc]rit?(?:ical)?|CRIT?(?:ICAL)?|[Ff]atal|FATAL|[Ss]evere|SEVERE|EMERG(?:ENCY)?|"
    r"[Ee]merg(?:ency)?)$"
)

EXPECTED = {
    "alert": "fatal", "trace": "trace", "debug": "debug", "notice": "info", "inf": "info",
    "info": "info", "infrmation": "info", "information": "info", "war": "warn", "warn": "warn",
    "waring": "warn", "warning": "warn", "er": "error", "err": "error", "eror": "error",
    "error": "error", "cri": "fatal", "crit": "fatal", "criical": "fatal", "critical": "fatal",
    "fatal": "fatal", "severe": "error", "emerg": "fatal", "emergency": "fatal",
}  # fmt: skip


def _spellings() -> list[str]:
    """Every word LOGLEVEL accepts, in the three casings it allows."""
    words = []
    for word in EXPECTED:
        for form in (word, word.capitalize(), word.upper()):
            if LOGLEVEL.match(form):
                words.append(form)
    return words


def test_the_spelling_table_covers_loglevel() -> None:
    """Every lower-cased LOGLEVEL spelling enumerated here really is one LOGLEVEL accepts."""
    assert all(LOGLEVEL.match(word) for word in EXPECTED)
    assert 60 < len(_spellings())


@pytest.mark.parametrize("spelling", _spellings())
def test_every_loglevel_spelling_normalises(spelling: str) -> None:
    """Each LOGLEVEL spelling becomes its level in log.level, whatever the case."""
    expected = EXPECTED[spelling.lower()]
    assert expected == enrich({"level": spelling})["log"]["level"]


@pytest.mark.parametrize(
    ("value", "expected"),
    [(10, "trace"), (20, "debug"), (30, "info"), (40, "warn"), (50, "error"), (60, "fatal"),
     ("50", "error"), (0, "fatal"), (3, "error"), (4, "warn"), (6, "info"), (7, "debug"),
     ("silly", "trace"), ("verbose", "debug"), ("FINE", "debug"), (" Warning ", "warn")],
)  # fmt: skip
def test_numeric_and_library_levels(value: object, expected: str) -> None:
    """pino numbers, syslog severities and winston/Java names normalise too."""
    assert expected == normalise_level_value(value)


def test_other_level_keys_are_read() -> None:
    """severity / loglevel count as the level when `level` is absent."""
    assert "warn" == enrich({"severity": "WARNING"})["log"]["level"]
    assert "debug" == enrich({"loglevel": "dbg"})["log"]["level"]


def test_unknown_level_is_kept_and_tagged() -> None:
    """An unknown spelling is kept lower-cased and the event tagged, so nothing is lost."""
    doc = enrich({"level": "Chatty"})
    assert "chatty" == doc["log"]["level"]
    assert ["_level_unrecognised"] == doc["tags"]


def test_no_level_leaves_log_level_unset() -> None:
    """A line without a level gets none invented."""
    assert "level" not in enrich({}).get("log", {})


@given(st.one_of(st.text(), st.integers(), st.floats(), st.booleans(), st.none()))
def test_normalise_never_raises_and_stays_in_the_set(value: object) -> None:
    """Any value normalises to one of the six levels or to None."""
    assert normalise_level_value(value) in (*LEVELS, None)


def test_superscript_digit_level_is_unrecognised_not_raised() -> None:
    """'⁴' is a digit to str.isdigit() but no number: tagged unrecognised and kept."""
    doc = enrich({"level": "⁴"})
    assert ("⁴", ["_level_unrecognised"]) == (doc["log"]["level"], doc["tags"])
