"""User-supplied patterns have a time budget per line: a runaway one tags the line
``_groktimeout`` and parsing goes on (the budget is a config value; no time is asserted)."""

from __future__ import annotations

from pathlib import Path

import pytest

from parsers import GrammarSpec, MultilineConfig, Parsers, ParsersConfig
from pipeline.inputs import FileInput, inspect
from tests.pipeline.inputs.test_inputs_files import _drain

RUNAWAY = "(a|a)+"
"""Catastrophic backtracking on forty ``a`` and a ``!``: 2**40 ways to fail, for the stdlib
``re`` and the ``regex`` package alike (``regex`` sees through ``(a+)+b``, not this)."""
HOSTILE = "a" * 40 + "!"
BUDGET = 0.05


def parsers(**spec: str) -> Parsers:
    grammar = GrammarSpec(name="mine", pattern=spec.pop("pattern", RUNAWAY), **spec)
    return Parsers(ParsersConfig(grammars=[grammar], pattern_timeout_secs=BUDGET))


@pytest.mark.timeout(120)
def test_a_runaway_grammar_tags_the_line_and_the_next_line_parses() -> None:
    """The runaway line falls through to the built-ins, tagged; a matching line matches."""
    parse = parsers().parse
    runaway, fine = parse(HOSTILE), parse("aaaa")
    assert (("plain", ["_groktimeout"]), ("mine", [])) == (
        (runaway.grammar, runaway.tags), (fine.grammar, fine.tags))


@pytest.mark.timeout(120)
def test_a_runaway_when_regex_tags_the_line() -> None:
    """``when_regex`` is user-supplied too: same budget, same tag."""
    parse = parsers(pattern="%{GREEDYDATA:rest}", when_regex="^(a|a)+$").parse
    assert ["_groktimeout"] == parse(HOSTILE).tags


@pytest.mark.timeout(120)
def test_a_runaway_multiline_pattern_tags_the_event_and_the_file_is_read(
    tmp_path: Path,
) -> None:
    """A multiline pattern that runs away on a line: that line starts an event tagged
    ``_groktimeout``; the lines around it are joined as usual."""
    config = ParsersConfig(multiline=MultilineConfig(pattern="^(a|a)+$"),
                           pattern_timeout_secs=BUDGET)
    path = tmp_path / "app.log"
    path.write_bytes(b"start\naa\n" + HOSTILE.encode() + b"\nnext\n")

    def make():  # type: ignore[no-untyped-def]
        return Parsers(config).new_joiner()

    source = FileInput([inspect(str(path))], joiner_factory=make)
    rows = [(e["message"], e.get("tags", [])) for b in _drain(source) for e in b.events]
    assert [("start\naa", []), (HOSTILE, ["_groktimeout"]), ("next", [])] == rows
