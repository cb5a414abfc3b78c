"""``normalise_level``: every level spelling becomes one of trace/debug/info/warn/error/fatal.

Covers every spelling grok's ``LOGLEVEL`` pattern accepts (``Inf``, ``WARNING``, ``Eror``,
``CRIT``, ``emerg``...), the usual logger names (winston ``silly``/``verbose``/``http``, Java
``SEVERE``/``FINE``), pino's numeric levels (10..60) and syslog severities (0..7).
"""

from __future__ import annotations

from typing import Any

from pipeline.runtime import Event
from pipeline.steps._fields import MISSING, LogKeyStep, MapKeys, add_tag, child, first_spelling

LEVEL_KEYS = ("level", "log.level", "severity", "loglevel", "log_level", "lvl", "levelname")

LEVELS = ("trace", "debug", "info", "warn", "error", "fatal")

_SPELLINGS: dict[str, tuple[str, ...]] = {
    "trace": ("trace", "finest", "finer", "silly", "all"),
    "debug": ("debug", "dbg", "fine", "verbose", "config", "http"),
    "info": ("info", "inf", "information", "infrmation", "notice", "informational", "log"),
    "warn": ("warn", "war", "warning", "waring", "wrn"),
    "error": ("error", "err", "er", "eror", "severe"),
    "fatal": (
        "fatal",
        "crit",
        "cri",
        "critical",
        "criical",
        "alert",
        "emerg",
        "emergency",
        "panic",
    ),
}
LEVEL_SPELLINGS: dict[str, str] = {
    spelling: level for level, spellings in _SPELLINGS.items() for spelling in spellings
}
"""Lower-case spelling -> normalised level."""

_PINO = {10: "trace", 20: "debug", 30: "info", 40: "warn", 50: "error", 60: "fatal"}
_SYSLOG = ("fatal", "fatal", "fatal", "error", "warn", "info", "info", "debug")

UNKNOWN_LEVEL_TAG = "_level_unrecognised"

_AS_WRITTEN: dict[str, str] = {
    written: level
    for spelling, level in LEVEL_SPELLINGS.items()
    for written in (spelling, spelling.upper(), spelling.title())
}
"""Spellings as loggers write them (``info``, ``INFO``, ``Info``): one dict get, no clean-up."""


def normalise_level_value(value: Any) -> str | None:
    """The normalised level for ``value``, or None when it is no known spelling or number."""
    if isinstance(value, str):
        text = value.strip().lower()
        if text.isdecimal():  # not isdigit(): "⁴" is a digit that int() refuses
            return normalise_level_value(int(text))
        return LEVEL_SPELLINGS.get(text)
    if isinstance(value, int) and not isinstance(value, bool):
        if 0 <= value < len(_SYSLOG):
            return _SYSLOG[value]
        return _PINO.get(value)
    return None


_pop_level = first_spelling(LEVEL_KEYS)


class NormaliseLevel(LogKeyStep):
    """Move the log's level into ``log.level``, normalised.

    An unknown spelling is kept lower-cased (so nothing is lost) and the event is tagged
    ``_level_unrecognised`` so it can be found and a spelling added.
    """

    name = "normalise_level"
    looks_at = frozenset(LEVEL_KEYS)

    def map(self, event: Event, fields: dict[str, Any]) -> None:
        _set_level(event, _pop_level(fields))

    def for_shape(self, present: frozenset[str]) -> MapKeys:
        """:meth:`map` popping only the spellings of the level that ``present`` has."""
        spellings = tuple(key for key in LEVEL_KEYS if key in present)
        if not spellings:
            return _set_root_level
        pop = first_spelling(spellings)

        def set_level(event: Event, fields: dict[str, Any]) -> None:
            _set_level(event, pop(fields))

        return set_level


def _set_root_level(event: Event, fields: dict[str, Any]) -> None:
    """:meth:`NormaliseLevel.map` for a log without a level key: a shipper's one, if any."""
    _set_level(event, MISSING)


def _set_level(event: Event, raw: Any) -> None:
    """Set ``log.level`` from the log's level ``raw`` (``MISSING``: from a root-level one)."""
    root = event.pop("level", MISSING)  # a shipper's root-level field; `level` is an alias
    if raw is MISSING:
        raw = root
    if raw is MISSING or raw is None:
        return
    level = _AS_WRITTEN.get(raw) if type(raw) is str else None
    if level is None:
        level = normalise_level_value(raw)
    if level is None:
        level = str(raw).strip().lower()[:32]
        add_tag(event, UNKNOWN_LEVEL_TAG)
    log = child(event, "log")
    log["level"] = level
