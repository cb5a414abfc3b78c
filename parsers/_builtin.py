"""The built-in line grammars, written in pyparsing and compiled once per process.

``[ts] LEVEL message``, ``[ts] [LEVEL] message``, ``[ts] LEVEL [logger] message`` and any of
them ending in ``key=value`` pairs are one grammar with the stamp factored out, so the regex
engine reads the stamp once. ``WORD`` (not ``LOGLEVEL``) takes the level, as the Logstash
filter this replaces did (``%{WORD:level}``): services write ``VERBOSE``, ``info``, ``E``...
The message may span lines (multiline events), so it matches newlines.
"""

from __future__ import annotations

from functools import cache

import pyparsing as pp

from ._blocks import TrailingPairs, block
from ._compile import Matcher, compile_grammar

__all__ = ["BRACKETED", "bracketed_matcher"]

_SP = pp.White(" ")
_LB, _RB = pp.Literal("["), pp.Literal("]")
_LEVEL = block("WORD")
_LOGGER = pp.CharsNotIn("]\n").set_name("logger")
_HEAD = (
    _LB + block("TIMESTAMP_ISO8601")("timestamp") + _RB + _SP
    + ((_LB + _LEVEL("level") + _RB)
       | (_LEVEL("level") + pp.Opt(_SP + _LB + _LOGGER("logger") + _RB)))
)
_BODY = pp.Opt(_SP + TrailingPairs()("log_message"))
"""The message; ``key=value`` pairs ending it are split off into their own fields."""
BRACKETED: pp.ParserElement = (_HEAD + _BODY).leave_whitespace().set_name("bracketed")
"""``[TIMESTAMP_ISO8601] LEVEL [logger] message key=value ...`` in all its variants."""


@cache
def bracketed_matcher() -> Matcher:
    """The compiled bracketed grammar (compiled on first use, shared by every ``Parsers``)."""
    return compile_grammar("bracketed", BRACKETED, honor_whitespace=False)
