"""Timestamps, the daily index, the deterministic ``_id``, and filtering.

``@timestamp`` is always an ISO-8601 UTC string with milliseconds, so the index date is its
first ten characters and two stamps compare correctly as strings.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Collection
from datetime import UTC, datetime

import orjson

from pipeline.errors import DropEvent
from pipeline.ids import document_id
from pipeline.runtime import METADATA, Event
from pipeline.steps._fields import MISSING, child, get_path, metadata

Clock = Callable[[], datetime]
_fromisoformat = datetime.fromisoformat


def format_timestamp(moment: datetime) -> str:
    """``2025-09-12T10:00:00.123Z``: UTC, milliseconds; a naive datetime is taken as UTC."""
    if moment.tzinfo is UTC:  # what the parsers return: no conversion needed
        return moment.isoformat(timespec="milliseconds")[:-6] + "Z"
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    # isoformat is C code; on a UTC datetime it always ends in "+00:00"
    return moment.astimezone(UTC).isoformat(timespec="milliseconds")[:-6] + "Z"


_SECONDS = tuple(f"{second:02d}" for second in range(60))
_MILLIS = tuple(f".{milli:03d}Z" for milli in range(1000))
_MAX_MINUTES = 4096
"""Bound on a :class:`StampFormatter`'s cache (a day is 1,440 minutes)."""


class StampFormatter:
    """:func:`format_timestamp`, with the ``YYYY-MM-DDTHH:MM:`` part of UTC stamps cached.

    Logs arrive in time order, many per minute: the date and time then cost one dict get and
    the seconds and milliseconds two tuple indexes, instead of a full ``isoformat`` each.
    """

    def __init__(self) -> None:
        self._minutes: dict[tuple[int, int, int, int, int], str] = {}

    def __call__(self, moment: datetime) -> str:
        if moment.tzinfo is not UTC:
            return format_timestamp(moment)
        key = (moment.year, moment.month, moment.day, moment.hour, moment.minute)
        head = self._minutes.get(key)
        if head is None:
            if len(self._minutes) >= _MAX_MINUTES:
                self._minutes.clear()
            head = self._minutes[key] = moment.isoformat(timespec="minutes")[:-6] + ":"
        return head + _SECONDS[moment.second] + _MILLIS[moment.microsecond // 1000]


def parse_timestamp(value: object) -> datetime | None:
    """An ISO-8601 string (``Z`` or offset) or datetime as an aware datetime; None otherwise."""
    if isinstance(value, datetime):
        return value
    if not isinstance(value, str):
        return None
    try:
        return datetime.fromisoformat(value)
    except ValueError:
        return None


def _is_indexed_form(text: str) -> bool:
    """True for a real time written ``YYYY-MM-DDTHH:MM:SS.fffZ``: what :func:`format_timestamp`
    would make of it, so it is kept without a datetime round trip."""
    if len(text) != 24 or text[23] != "Z" or text[4:20:3] != "--T::.":
        return False
    try:
        _fromisoformat(text)
    except ValueError:
        return False
    return True


def _utc_now() -> datetime:
    return datetime.now(UTC)


class SetTimestamp:
    """``@timestamp`` from the log's own time, else the shipper's, else arrival; ``event.ingested``.

    Order: the parsed timestamp (``@metadata.timestamp``), the ``@timestamp`` the shipper sent
    (Filebeat's read time), ``@metadata.received_at``, the clock.
    """

    name = "set_timestamp"

    def __init__(self, clock: Clock = _utc_now) -> None:
        self._clock = clock
        self._format = StampFormatter()
        self._last_stamp: object = None
        self._last_ingested = ""
        """The batch's ``received_at`` (a batch shares one) and its formatted form."""

    def __call__(self, event: Event) -> Event:
        meta = metadata(event)
        stamp = meta.get("received_at")
        if stamp is not None and stamp == self._last_stamp:  # the batch's stamp
            ingested = self._last_ingested
        else:
            ingested = self._ingested(stamp)
        moment = meta.pop("timestamp", None)
        if type(moment) is str and _is_indexed_form(moment):
            event["@timestamp"] = moment  # the parser's text: as it is
        elif type(moment) is datetime:
            event["@timestamp"] = self._format(moment)
        else:
            moment = parse_timestamp(moment)
            if moment is None:
                moment = parse_timestamp(event.get("@timestamp"))
            # arrival time: already formatted, as event.ingested
            event["@timestamp"] = ingested if moment is None else self._format(moment)
        node = child(event, "event")
        node["ingested"] = ingested
        return event

    def _ingested(self, stamp: object) -> str:
        """The arrival time, formatted; a batch shares one stamp, so remember the last."""
        formatted = format_timestamp(parse_timestamp(stamp) or self._clock())
        if stamp is not None:
            self._last_stamp, self._last_ingested = stamp, formatted
        return formatted


class RouteIndex:
    """``@metadata._index`` = prefix + the UTC date of ``@timestamp`` as ``YYYY.MM.dd``."""

    name = "route_index"

    def __init__(self, prefix: str) -> None:
        self._prefix = prefix
        self._by_day: dict[str, str] = {}

    def __call__(self, event: Event) -> Event:
        stamp: str = event["@timestamp"]
        index = self._by_day.get(stamp[:10])
        if index is None:  # a handful of days per run: the name is built once per day
            index = self._name(stamp)
        meta = metadata(event)
        meta["_index"] = index
        return event

    def _name(self, stamp: str) -> str:
        """The index of ``stamp``'s day, remembered (the cache bounded by ``_MAX_DAYS``)."""
        if len(self._by_day) >= _MAX_DAYS:
            self._by_day.clear()
        index = self._by_day[stamp[:10]] = f"{self._prefix}{stamp[0:4]}.{stamp[5:7]}.{stamp[8:10]}"
        return index


_MAX_DAYS = 4096
"""Bound on RouteIndex's day -> index name cache (a replay of years of logs stays small)."""


class AssignId:
    """``@metadata._id`` from ``@metadata.source_id``; without one, from the document itself.

    The content fallback still makes a replay idempotent, but two identical lines from an
    unidentified source then collapse into one document: every input should set source_id.
    """

    name = "assign_id"

    def __call__(self, event: Event) -> Event:
        meta = metadata(event)
        source_id = meta.get("source_id")
        if type(source_id) is not bytes or not source_id:  # what every input sets: bytes
            source_id = _identity(source_id, event)
        meta["_id"] = document_id(source_id)
        return event


def _identity(source_id: object, event: Event) -> bytes:
    """A ``source_id`` that is not plain non-empty bytes: as bytes, else the content digest."""
    if isinstance(source_id, bytes | bytearray) and source_id:
        return bytes(source_id)
    return b"content\x00" + _content_digest(event)


def _content_digest(event: Event) -> bytes:
    """A digest of the indexable document (everything but ``@metadata`` and ``event.ingested``)."""
    doc = {k: v for k, v in event.items() if k != METADATA}
    if isinstance(doc.get("event"), dict):
        doc["event"] = {k: v for k, v in doc["event"].items() if k != "ingested"}
    blob = orjson.dumps(doc, option=orjson.OPT_SORT_KEYS, default=str)
    return hashlib.blake2b(blob, digest_size=16).digest()


class FilterEvents:
    """Drop (``DropEvent``) what is outside a time window or not of the wanted services/types."""

    name = "filter_events"

    def __init__(
        self,
        since: str | None,
        until: str | None,
        services: frozenset[str] | None,
        environments: frozenset[str] | None,
        event_types: frozenset[str] | None,
    ) -> None:
        self._since, self._until = since, until
        self._services, self._environments = services, environments
        self._event_types = event_types

    def __call__(self, event: Event) -> Event:
        stamp = event.get("@timestamp", "")
        if self._since is not None and stamp < self._since:
            raise DropEvent("before_since")
        if self._until is not None and stamp >= self._until:
            raise DropEvent("after_until")
        if not _wanted(self._services, get_path(event, ("service", "name"))):
            raise DropEvent("service_filtered")
        if not _wanted(self._environments, get_path(event, ("service", "environment"))):
            raise DropEvent("environment_filtered")
        if not _wanted(self._event_types, event.get("event_type", MISSING)):
            raise DropEvent("event_type_filtered")
        return event


def _wanted(accepted: frozenset[str] | None, value: object) -> bool:
    return accepted is None or value in accepted


def filter_events(
    *,
    since: datetime | None = None,
    until: datetime | None = None,
    services: Collection[str] | None = None,
    environments: Collection[str] | None = None,
    event_types: Collection[str] | None = None,
) -> FilterEvents:
    """A step keeping events with ``since <= @timestamp < until`` and the given names only.

    Put it after the full chain (it reads ``@timestamp``, ``service.*`` and ``event_type``);
    each drop is counted by the chain under its reason (``before_since``, ``service_filtered``...).
    """
    return FilterEvents(
        since=format_timestamp(since) if since is not None else None,
        until=format_timestamp(until) if until is not None else None,
        services=frozenset(services) if services is not None else None,
        environments=frozenset(environments) if environments is not None else None,
        event_types=frozenset(event_types) if event_types is not None else None,
    )
