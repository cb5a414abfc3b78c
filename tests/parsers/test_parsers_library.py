"""The grok pattern library against logstash-patterns-core's own spec cases.

``data/grok_spec/<spec>.json`` (one file per spec file read) holds input lines and the captures
Logstash's specs expect of them (``spec/patterns/*_spec.rb``), for the legacy names and for
``ecs_compatibility => v1``; ``"no match"`` marks a line the pattern must reject; a case with
``grok`` text (from logstash-filter-grok's spec, or ``^%{NAME}$`` for the specs' exact matches)
uses it instead of ``%{pattern}``, with the user pattern ``definitions`` the case gives. As in
those specs the pattern is searched in the line (it need not cover all of it) and the expected
captures are a subset; an expected ``null`` says the name is not captured (the specs' ``be_nil``
/ ``to_not include``), also nested (``{"apache": {"error": {"module": null}}}``).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from parsers import compile_grok
from parsers._library import library
from pipeline.errors import GrammarError
from tests.parsers.helpers import subset

_CASES = [case for file in sorted((Path(__file__).parent / "data" / "grok_spec").glob("*.json"))
          for case in json.loads(file.read_text("utf-8"))]
_PARAMS = [
    pytest.param(case.get("grok") or "%{" + case["pattern"] + "}", flavour, case["line"], case[key],
                 case.get("definitions"), id=f"{flavour}-{case['source']}")
    for case in _CASES for flavour, key in (("legacy", "legacy"), ("v1", "ecs")) if key in case
]


@pytest.mark.parametrize(("pattern", "flavour", "line", "expected", "definitions"), _PARAMS)
def test_spec_case(pattern: str, flavour: str, line: str, expected: Any,
                   definitions: dict[str, str] | None) -> None:
    """The library pattern finds the spec's captures in the spec's line (or rejects it)."""
    matcher = compile_grok("spec", f"(?s:.*?){pattern}(?s:.*)", definitions,
                           flavour=flavour)  # type: ignore[arg-type]
    actual = matcher.match(line)
    if expected == "no match":
        assert actual is None
        return
    assert actual is not None
    assert expected == subset(expected, actual)


@pytest.mark.parametrize("flavour", ["legacy", "v1"])
def test_every_library_pattern_compiles(flavour: str) -> None:
    """Every name compiles to one regex in its flavour (or says it has no ECS form yet)."""
    failures = {}
    for name in library(flavour):  # type: ignore[arg-type]
        try:
            compile_grok(name, "%{" + name + "}", flavour=flavour)  # type: ignore[arg-type]
        except GrammarError as exc:
            if "has no ecs-v1 form" not in str(exc):
                failures[name] = str(exc)
    assert {} == failures


def test_the_legacy_set_is_complete() -> None:
    """The names of the issue's pattern files are all there (a sample of each file)."""
    names = {"HTTPDATE", "SYSLOGTIMESTAMP", "COMBINEDAPACHELOG", "SYSLOGLINE", "URI", "MAC",
             "DATESTAMP_RFC2822", "CATALINALOG", "TOMCATLOG", "SYSLOG5424LINE", "HAPROXYHTTP",
             "HAPROXYTCP", "NAGIOSLOGLINE", "S3_ACCESS_LOG", "ELB_ACCESS_LOG",
             "CLOUDFRONT_ACCESS_LOG", "BIND9", "BRO_CONN", "EXIM", "RT_FLOW1", "MAVEN_VERSION",
             "MCOLLECTIVE", "MONGO3_LOG", "POSTGRESQL", "RAILS3", "REDISMONLOG", "RUBY_LOGGER",
             "SQUID3", "NETSCREENSESSIONLOG", "CISCO_TAGGED_SYSLOG", "CISCOFW106023",
             "CISCOFW733100", "SHOREWALL", "SFW2", "BACULA_LOGLINE"}
    assert set() == names - set(library("legacy"))


def test_both_flavours_have_every_name() -> None:
    """Every legacy name has an ECS form too (or captures nothing and is shared)."""
    assert set() == set(library("legacy")) - set(library("v1"))


def test_an_unknown_name_in_ecs_mode_is_an_error() -> None:
    """A name neither flavour knows fails at compile time, naming it."""
    with pytest.raises(GrammarError, match=r"unknown pattern %\{NOPE\}"):
        compile_grok("n", "%{NOPE}", flavour="v1")
