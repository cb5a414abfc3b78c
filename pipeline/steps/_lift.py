"""``lift_ecs_fields``: the log's ECS-shaped objects (``http``, ``url``, ``source``...) go to
their ECS place in the document, typed as the index template maps them.

Grok's ``ecs_compatibility = "v1"`` captures (``%{COMBINEDAPACHELOG}`` gives
``http.request.method``, ``source.address``...) and JSON logs written in ECS shape arrive as
nested objects among the log's own keys. Each leaf the template maps (:data:`ECS_LEAVES`) is
taken out of the log's object when its value converts to the mapped type and the document has
no value there yet (the shipper's or an earlier step's wins); anything else (an unmapped
leaf, a value of the wrong type, a clash) stays where it was and so ends up under ``app.*``:
nothing is lost and nothing is indexed under a type the template refuses.

Credentials never reach the index in clear: a log's ``url.password`` is kept only as the mask
``***`` (``url.password``, in ``_source``, not mapped) and the user-info of ``url.original`` /
``url.full`` is masked as :func:`pipeline.redact.redact` masks URLs everywhere
(``https://bob:***@host/``), also where they stay in ``app.url`` (a list, a clash). A log's
own ``service`` object keeps its ECS leaves (``version``, ``id``, ``type``, ``node.name``...)
next to the ``service.name`` ``add_service`` took from it.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Mapping
from typing import Any

from pipeline.redact import MASK, redact
from pipeline.runtime import Event
from pipeline.steps._ecs import (
    Convert,
    add_url_parts,
    http_method,
    non_negative_int,
    status_code,
)
from pipeline.steps._fields import LogKeyStep, MapKeys
from pipeline.steps._level import normalise_level_value

_ADDRESS_LEAVES = {
    "address": "keyword",
    "domain": "keyword",
    "ip": "ip",
    "port": "long",
    "mac": "keyword",
    "bytes": "long",
    "packets": "long",
    "nat.ip": "ip",
    "nat.port": "long",
    "user.name": "keyword",
    "user.id": "keyword",
}
"""ECS ``source``/``destination``/``client``/``server``: the same leaves each."""

ECS_LEAVES: dict[str, str] = {
    "http.request.method": "method",
    "http.request.referrer": "keyword",
    "http.request.mime_type": "keyword",
    "http.request.body.bytes": "long",
    "http.response.status_code": "status",
    "http.response.body.bytes": "long",
    "http.response.bytes": "long",
    "http.response.mime_type": "keyword",
    "http.version": "keyword",
    "url.original": "url",
    "url.full": "url",
    "url.path": "keyword",
    "url.query": "keyword",
    "url.domain": "keyword",
    "url.scheme": "keyword",
    "url.port": "long",
    "url.username": "keyword",
    **{f"{side}.{leaf}": kind
       for side in ("source", "destination", "client", "server")
       for leaf, kind in _ADDRESS_LEAVES.items()},
    "service.version": "keyword",
    "service.id": "keyword",
    "service.type": "keyword",
    "service.address": "keyword",
    "service.state": "keyword",
    "service.ephemeral_id": "keyword",
    "service.node.name": "keyword",
    "service.node.role": "keyword",
    "user_agent.original": "keyword",
    "user.name": "keyword",
    "user.id": "keyword",
    "process.pid": "long",
    "process.name": "keyword",
    "process.thread.id": "long",
    "host.name": "keyword",
    "host.hostname": "keyword",
    "log.level": "level",
    "log.logger": "keyword",
    "log.syslog.facility.code": "long",
    "log.syslog.priority": "long",
    "log.origin.function": "keyword",
    "log.origin.file.name": "keyword",
    "log.origin.file.line": "long",
    "event.action": "keyword",
    "event.code": "keyword",
    "event.reason": "keyword",
    "event.timezone": "keyword",
    "network.transport": "keyword",
    "network.protocol": "keyword",
    "network.direction": "keyword",
    "network.iana_number": "keyword",
    "network.bytes": "long",
    "network.forwarded_ip": "ip",
    "observer.hostname": "keyword",
    "observer.name": "keyword",
    "observer.product": "keyword",
    "observer.ingress.zone": "keyword",
    "observer.egress.zone": "keyword",
    "observer.ingress.interface.name": "keyword",
    "observer.egress.interface.name": "keyword",
}
"""Every leaf this step lifts (dotted ECS path -> kind of value). Each is mapped by the
template (``universal-ai-tools-ecs.json``) with the type of its kind: ``keyword``, ``method``
(keyword, upper-cased), ``url`` (keyword, credentials masked) -> keyword; ``long``, ``status``
(100-599) -> long; ``ip`` -> ip; ``level`` (normalised as ``log.level`` always is) ->
keyword. A test holds the two together."""

TEMPLATE_TYPES = {"keyword": "keyword", "method": "keyword", "level": "keyword",
                  "url": "keyword", "long": "long", "status": "long", "ip": "ip"}
"""The template's type for each kind of :data:`ECS_LEAVES`."""


def _keyword(value: Any) -> str | None:
    """A non-blank string, or an integer as text (a JSON log's ``event.code: 4625``)."""
    if type(value) is str:
        return value if value and not value.isspace() else None
    if isinstance(value, int) and not isinstance(value, bool):
        return str(value)
    return None


def _url(value: Any) -> str | None:
    """A URL as :func:`_keyword` takes it, with the password of its user-info masked."""
    text = _keyword(value)
    return redact(text) if text is not None else None


def _ip(value: Any) -> str | None:
    """An IPv4 or IPv6 address as Elasticsearch's ``ip`` type takes it (no ``%zone``)."""
    if type(value) is not str or "%" in value:
        return None
    try:
        ipaddress.ip_address(value)
    except ValueError:
        return None
    return value


def _level(value: Any) -> str | None:
    level = normalise_level_value(value)
    return level if isinstance(level, str) else None


CONVERTERS: dict[str, Convert] = {
    "keyword": _keyword,
    "method": http_method,
    "url": _url,
    "level": _level,
    "long": non_negative_int,
    "status": status_code,
    "ip": _ip,
}

Spec = dict[str, "Spec | Convert"]
"""The leaves under one object: a key's converter, or the spec of the object under it."""


def _spec(leaves: Mapping[str, str]) -> dict[str, Spec]:
    """:data:`ECS_LEAVES` as a tree: top-level key -> nested spec of its leaves."""
    tree: dict[str, Any] = {}
    for path, kind in leaves.items():
        *parents, last = path.split(".")
        node = tree
        for part in parents:
            node = node.setdefault(part, {})
        node[last] = CONVERTERS[kind]
    return tree


class LiftEcsFields(LogKeyStep):
    """Take the ECS leaves out of the log's ECS-named objects onto the document."""

    name = "lift_ecs_fields"

    def __init__(self, leaves: Mapping[str, str] = ECS_LEAVES) -> None:
        self._tops = _spec(leaves)
        self._keys = self.keys = frozenset(self._tops)

    def map(self, event: Event, fields: dict[str, Any]) -> None:
        if not self._keys.isdisjoint(fields):  # the usual log has none: one set operation
            tops = tuple((top, spec) for top, spec in self._tops.items() if top in fields)
            _lift_tops(event, fields, tops)

    def for_shape(self, present: frozenset[str]) -> MapKeys | None:
        """Only the ECS objects ``present`` names; None for a log that has none of them."""
        tops = tuple((top, spec) for top, spec in self._tops.items() if top in present)
        if not tops:
            return None
        return lambda event, fields: _lift_tops(event, fields, tops)


def _lift_tops(event: Event, fields: dict[str, Any], tops: tuple[tuple[str, Spec], ...]) -> None:
    """Lift each ``fields[top]``'s leaves into ``event[top]``; drop an object this emptied.

    A string ``event`` or ``host`` is not an ECS object (earlier steps map those); a scalar
    in the way on the document, or an object the log wrote empty, leaves the object to app.*.
    """
    url = fields.get("url")
    original = url.get("original") if type(url) is dict else None
    if type(url) is dict and "password" in url:
        _mask_password(event, url)
        if not url:
            del fields["url"]
    for top, spec in tops:
        node = fields.get(top)
        if type(node) is not dict or not node:
            continue
        _lift_object(event, top, node, spec)
        if not node:
            del fields[top]
    if original is not None and (type(url) is not dict or "original" not in url):
        _split_url(event)
    if type(url) is dict and url:
        _mask_left(url)


def _mask_left(url: dict[str, Any]) -> None:
    """``url.original`` / ``url.full`` the log keeps (not lifted: a list, a clash) go to
    ``app.url.*``: their credentials are masked there too."""
    for key in ("original", "full"):
        value = url.get(key)
        if type(value) is str:
            url[key] = redact(value)
        elif type(value) is list:
            url[key] = [redact(item) if type(item) is str else item for item in value]


def _mask_password(event: Event, url: dict[str, Any]) -> None:
    """Take the log's ``url.password`` off (so it never reaches ``app.*``); the document says
    only that there was one: ``url.password: ***`` (unless a ``url`` there is no object)."""
    del url["password"]
    target = event.setdefault("url", {})
    if type(target) is dict:
        target["password"] = MASK


def _split_url(event: Event) -> None:
    """url.path / url.query from a lifted url.original (grok gives only that), as map_url
    does; not when the log gave either of them itself."""
    target = event["url"]
    if "path" not in target and "query" not in target:
        add_url_parts(target, target["original"])


def _lift_object(parent: dict[str, Any], key: str, node: dict[str, Any], spec: Spec) -> None:
    """Lift ``node``'s known leaves into ``parent[key]``: created when missing (and kept only
    if something was lifted); a value there that is not an object is left alone."""
    target = parent.get(key)
    if target is None:
        target = {}
        _lift(target, node, spec)
        if target:
            parent[key] = target
    elif type(target) is dict:
        _lift(target, node, spec)


def _lift(target: dict[str, Any], node: dict[str, Any], spec: Spec) -> None:
    """Move each of ``node``'s leaves that ``spec`` knows and that converts into ``target``
    (objects created on the way; a key already on ``target`` stays, the log's value too).
    An object of ``node`` that this emptied goes; one the log wrote empty stays."""
    for key in tuple(node):  # a copy: keys are deleted on the way
        known = spec.get(key)
        if known is None:
            continue
        value = node[key]
        if type(known) is dict:
            if type(value) is not dict or not value:
                continue
            _lift_object(target, key, value, known)
            if not value:
                del node[key]
        elif key not in target:
            converted = known(value)  # type: ignore[operator]
            if converted is not None:
                target[key] = converted
                del node[key]
