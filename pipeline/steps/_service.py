"""``add_service`` / ``add_environment``: who logged it and where, with a fixed precedence.

First hit wins: Filebeat's ``fields.<name>`` (what the Logstash config used), then the log's
own key (for the environment: its ``environment``/``env``, then its ``service`` object's
``environment``), then the configured default. A non-string value (a number) becomes its
string form; an object gives its ``name`` and keeps its other keys for ``lift_ecs_fields`` (or
``app.*``).
"""

from __future__ import annotations

from typing import Any

from pipeline.runtime import Event
from pipeline.steps._fields import (
    MISSING,
    LogKeyStep,
    MapKeys,
    as_text,
    child,
    first_spelling,
)

SERVICE_KEYS = ("service", "service_name", "serviceName")
ENVIRONMENT_KEYS = ("environment", "env")
VERSION_KEYS = ("version", "service_version", "serviceVersion")


class AddServiceField(LogKeyStep):
    """Set ``service.<target>`` from ``fields.<shipper_key>``, the log's keys, or a default."""

    def __init__(
        self, name: str, *, target: str, shipper_key: str, log_keys: tuple[str, ...], default: str,
        in_service: bool = False,
    ) -> None:
        self.name = name
        self._target = target
        self._shipper_key = shipper_key
        self._log_keys = log_keys
        self.looks_at = frozenset(log_keys)
        self._default = default
        self._in_service = in_service
        """Also take ``<target>`` from the log's own ``service`` object (what ``add_service``
        left of it), after the log's keys and before the default."""
        self._map = self._mapper(log_keys)

    def map(self, event: Event, fields: dict[str, Any]) -> None:
        self._map(event, fields)

    def for_shape(self, present: frozenset[str]) -> MapKeys:
        """:meth:`map` popping only the spellings of the log's key that ``present`` has."""
        return self._mapper(tuple(key for key in self._log_keys if key in present))

    def _mapper(self, spellings: tuple[str, ...]) -> MapKeys:
        """The step's work, taking the log's value from ``spellings`` (none: it has none)."""
        target, key, default, in_service = (
            self._target, self._shipper_key, self._default, self._in_service)
        pop_log_key = first_spelling(spellings) if spellings else None

        def set_name(event: Event, fields: dict[str, Any]) -> None:
            if pop_log_key is None:
                from_log = None
            else:
                objects = [(k, v) for k in spellings if type(v := fields.get(k)) is dict]
                found = pop_log_key(fields)
                from_log = (found.strip() or None) if type(found) is str else _name_of(found)
                for spelling, value in objects:  # the rest of an object: lifted or app.*
                    if len(value) > ("name" in value):
                        fields[spelling] = _without_name(value)
            from_fields = _pop_shipper_field(event, key) if "fields" in event else None
            from_root = _pop_root_scalar(event, key) if key in event else None
            if in_service and not (from_fields or from_root or from_log):
                from_log = _pop_from_service(fields, target)
            service = child(event, "service")
            service[target] = from_fields or from_root or from_log or default

        return set_name


def add_service(default: str) -> AddServiceField:
    """The ``service.name`` step."""
    return AddServiceField(
        "add_service", target="name", shipper_key="service", log_keys=SERVICE_KEYS, default=default
    )


def add_environment(default: str) -> AddServiceField:
    """The ``service.environment`` step."""
    return AddServiceField(
        "add_environment",
        target="environment",
        shipper_key="environment",
        log_keys=ENVIRONMENT_KEYS,
        default=default,
        in_service=True,
    )


_pop_version = first_spelling(VERSION_KEYS)


class AddServiceVersion(LogKeyStep):
    """Set ``service.version`` from the log's ``version`` (kept as a string, never a number)."""

    name = "add_service_version"
    keys = frozenset(VERSION_KEYS)

    def map(self, event: Event, fields: dict[str, Any]) -> None:
        version = as_text(_pop_version(fields))
        if version is not None:
            child(event, "service")["version"] = version


def _name_of(value: Any) -> str | None:
    """A service/environment name from a scalar, or from an object's ``name``."""
    if type(value) is str:  # the usual case, as as_text would
        return value.strip() or None
    if value is MISSING:
        return None
    if isinstance(value, dict):
        return as_text(value.get("name"))
    return as_text(value)


def _without_name(value: dict[str, Any]) -> dict[str, Any]:
    """A log's ``service`` object but its ``name`` (taken): its other keys (``version``,
    ``node.name``, ``id``...) are ECS fields too, lifted by ``lift_ecs_fields`` or kept in
    ``app.*``, never lost."""
    return {k: v for k, v in value.items() if k != "name"}


def _pop_from_service(fields: dict[str, Any], key: str) -> str | None:
    """``key`` of the log's own ``service`` object, taken off it (and the object once empty);
    None when the log has no such object or key (then it is left as it is)."""
    service = fields.get("service")
    if type(service) is not dict or key not in service:
        return None
    value = _name_of(service.pop(key))
    if not service:
        del fields["service"]
    return value


def _pop_root_scalar(event: Event, key: str) -> str | None:
    """A top-level ``service``/``environment`` string (Filebeat's ``fields_under_root``).

    Taken off the event either way: ``environment`` is an alias in the template and
    ``service`` an object, so a root-level value would make Elasticsearch refuse the document.
    """
    value = event.get(key)
    if value is None or isinstance(value, dict):
        return None
    del event[key]
    return _name_of(value)


def _pop_shipper_field(event: Event, key: str) -> str | None:
    """Take ``fields.<key>`` off the Beats ``fields`` object (dropping it once empty)."""
    fields = event.get("fields")
    if not isinstance(fields, dict) or key not in fields:
        return None
    value = _name_of(fields.pop(key))
    if not fields:
        del event["fields"]
    return value
