"""Parsers: log lines -> fields, event time and Logstash-style tags, at regex speed.

Grammars are written in pyparsing from named building blocks that mean what
logstash-patterns-core means (``TIMESTAMP_ISO8601``, ``WORD``, ``LOGLEVEL``, ...) and compiled at
startup into one anchored regex each; user grammars in grok syntax are compiled the same way.
:class:`Parsers` is the entry point; :class:`MultilineJoiner` joins stack traces before it.
"""

from __future__ import annotations

from ._blocks import BLOCKS, CONVERTERS, KeyValues, TrailingPairs, block, to_float, to_int, typed
from ._builtin import BRACKETED
from ._compile import Capture, Matcher, PyparsingMatcher, RegexMatcher, compile_grammar
from ._config import DEFAULT_CONTINUATION, GrammarSpec, MultilineConfig, ParsersConfig
from ._core import BLANK, ParseCounts, ParseResult, Parsers
from ._grok import compile_grok
from ._multiline import MultilineJoiner
from ._timestamps import TimestampParser

__all__ = [
    "BLANK",
    "BLOCKS",
    "BRACKETED",
    "CONVERTERS",
    "DEFAULT_CONTINUATION",
    "Capture",
    "GrammarSpec",
    "KeyValues",
    "Matcher",
    "MultilineConfig",
    "MultilineJoiner",
    "ParseCounts",
    "ParseResult",
    "Parsers",
    "ParsersConfig",
    "PyparsingMatcher",
    "RegexMatcher",
    "TimestampParser",
    "TrailingPairs",
    "block",
    "compile_grammar",
    "compile_grok",
    "to_float",
    "to_int",
    "typed",
]
