"""ISO 8601 stamps -> aware UTC datetimes, the way Logstash's ``date { match => ISO8601 }`` does.

The common shapes (``2025-09-12T10:00:00.123Z``, space separator, ``,`` fraction, ``+02:00``,
``+0200``) go through ``datetime.fromisoformat`` (C, ~0.2 us); the rest of what
``TIMESTAMP_ISO8601`` accepts (one-digit month/day/hour, two-digit year, ``:`` fraction) through
one regex. A stamp that has the shape but is not a real time (Feb 30, hour 24, second 60)
gives ``None``: the caller tags ``_dateparsefailure``.

Offsets: ``astimezone`` and ``replace`` cost 3-10x ``fromisoformat`` here, so an offset seen
once is remembered as a ``timedelta`` and later stamps with it are read as UTC and shifted.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta, timezone, tzinfo
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pipeline.errors import ConfigError

__all__ = ["TimestampParser", "zone"]

_SHAPE = re.compile(
    r"(?P<y>\d{4}|\d{2})-(?P<mo>\d{1,2})-(?P<d>\d{1,2})[T ](?P<h>\d{1,2}):?(?P<mi>\d{2})"
    r"(?::?(?P<s>\d{1,2})(?:[:.,](?P<f>\d+))?)?"
    r"(?P<tz>Z|(?P<sign>[+-])(?P<th>\d{1,2}):?(?P<tm>\d{2}))?",
    re.ASCII,
)
_SUFFIX = re.compile(r"[+-]\d\d:?\d\d\Z")
"""An offset with two-digit hours and minutes ending the stamp: the shapes worth remembering."""
_fromisoformat = datetime.fromisoformat
_NO_SHIFT = timedelta(0)


def zone(name: str) -> tzinfo:
    """The time zone ``name`` (IANA, e.g. ``Europe/Berlin``); a :class:`ConfigError` if unknown."""
    if name.upper() in ("UTC", "Z", "ETC/UTC"):
        return UTC
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError) as exc:
        raise ConfigError(f"parsers.timezone: unknown time zone {name!r}") from exc


class TimestampParser:
    """Parses stamps to UTC; naive stamps are read in the configured zone."""

    def __init__(self, timezone_name: str = "UTC") -> None:
        self._zone = zone(timezone_name)
        self._shifts: dict[str, tuple[int, timedelta]] = {}
        """The last 6 characters of a stamp (``+02:00``, ``0+0200``) -> (offset length, offset).
        Bounded: 2 x 24 x 60 offsets, 11 spellings each."""
        self._naive = (0, _NO_SHIFT) if self._zone is UTC else None
        """What a stamp without a known offset is read with: as UTC, or the general path."""

    def parse(self, text: str) -> datetime | None:  # noqa: PLR0911 - hot path, inlined
        """``text`` (matched by ``TIMESTAMP_ISO8601``) as aware UTC; ``None`` if not a real time."""
        if len(text) < 16 or text[4] != "-" or text[10] not in "T ":
            return self._slow(text)
        if text[-1] == "Z":  # the common case: fromisoformat returns it in UTC already
            try:
                stamp = _fromisoformat(text)
            except ValueError:
                return self._slow(text)
            return stamp if stamp.tzinfo is UTC else self._general(text)
        known = self._shifts.get(text[-6:], self._naive)
        if known is None:
            return self._general(text)
        try:  # read the wall time as UTC, then shift it by the offset
            return _fromisoformat(text[:len(text) - known[0]] + "Z") - known[1]
        except ValueError:
            return self._general(text)
        except OverflowError:  # before year 1 / after 9999 in UTC
            return None

    def _general(self, text: str) -> datetime | None:
        """A stamp without a known offset: fromisoformat, then the zone; remembers the offset."""
        try:
            stamp = _fromisoformat(text)
        except ValueError:
            return self._slow(text)
        zone_of = stamp.tzinfo
        try:
            if zone_of is None:
                return stamp.replace(tzinfo=self._zone).astimezone(UTC)
            utc = stamp.astimezone(UTC)
        except OverflowError:
            return None
        suffix = _SUFFIX.search(text)
        if suffix is not None:
            self._shifts[text[-6:]] = (len(suffix.group()), stamp.utcoffset() or _NO_SHIFT)
        return utc

    def parse_any(self, text: str) -> datetime | None:
        """Like :meth:`parse` for text no grammar has checked yet (JSON ``@timestamp`` values)."""
        if len(text) > 64 or not text[:1].isdigit():
            return None
        return self.parse(text)

    def _utc(self, stamp: datetime) -> datetime:
        """Aware UTC: naive stamps get the configured zone; offsets are honoured."""
        zone_of = stamp.tzinfo
        if zone_of is UTC:
            return stamp
        if zone_of is None:
            stamp = stamp.replace(tzinfo=self._zone)
        return stamp.astimezone(UTC)

    def _slow(self, text: str) -> datetime | None:
        """Every other shape ``TIMESTAMP_ISO8601`` allows; ``None`` when it is not a real time."""
        found = _SHAPE.fullmatch(text)
        if found is None:
            return None
        g = found.groupdict()
        year = int(g["y"]) + (2000 if len(g["y"]) == 2 else 0)
        micros = int((g["f"] or "0")[:6].ljust(6, "0"))
        try:
            stamp = datetime(year, int(g["mo"]), int(g["d"]), int(g["h"]), int(g["mi"]),
                             int(g["s"] or 0), micros, tzinfo=_offset(g["tz"], g["sign"],
                                                                      g["th"], g["tm"]))
            return self._utc(stamp)
        except (ValueError, OverflowError):
            return None


def _offset(tz: str | None, sign: str | None, hours: str | None, minutes: str | None
            ) -> tzinfo | None:
    """``Z`` / ``+hh[:]mm`` as a tzinfo; ``None`` for a naive stamp. Raises ValueError if > 24h."""
    if tz is None:
        return None
    if tz == "Z":
        return UTC
    delta = timedelta(hours=int(hours or 0), minutes=int(minutes or 0))
    return timezone(-delta if sign == "-" else delta)
