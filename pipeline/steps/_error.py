"""``map_error``: ``error.message``/``error.type``/``error.stack_trace`` from what the log has.

Sources, in order: an error object (``error``/``err``/``exception``, as Node, pino and winston
write them), an error string, top-level ``stack``/``stack_trace`` keys, and finally a stack
trace joined into a multi-line message (Java ``at ...``, Python ``Traceback``, ``Caused by:``).
"""

from __future__ import annotations

import re
from typing import Any

from pipeline.runtime import Event
from pipeline.steps._fields import LogKeyStep, as_text, child

ERROR_KEYS = ("error", "err", "exception")
STACK_KEYS = ("stack", "stack_trace", "stackTrace", "stacktrace")
_MESSAGE_KEYS = ("message", "msg", "reason")
_TYPE_KEYS = ("type", "name", "class", "errorType")
_CODE_KEYS = ("code", "errno")
_STACK_LINE = re.compile(
    r"^(?:\s+at \S|\s+File \".*\", line \d+|Traceback \(most recent call last\):|Caused by: )",
    re.MULTILINE,
)


def _stack_text(value: Any) -> str | None:
    """A stack trace as text: a string, or a list of frames joined by newlines."""
    if isinstance(value, list) and value and all(isinstance(v, str) for v in value):
        return "\n".join(value)
    return value if isinstance(value, str) and value.strip() else None


_ANY_KEY = frozenset((*ERROR_KEYS, *STACK_KEYS))


class MapError(LogKeyStep):
    """Fill ``error.*`` from the log's error object/string, stack keys or multi-line message."""

    name = "map_error"

    def map(self, event: Event, fields: dict[str, Any]) -> None:
        message = event.get("message")
        error: dict[str, Any] = {}
        if not _ANY_KEY.isdisjoint(fields):
            self._from_keys(fields, error)
        elif type(message) is str and "\n" not in message:
            return  # most logs: no error keys, a one-line message
        if "stack_trace" not in error and isinstance(message, str) and "\n" in message:
            self._from_message(message, error)
        if error:
            target = child(event, "error")
            for name, value in error.items():
                target[name] = value

    def _from_keys(self, fields: dict[str, Any], error: dict[str, Any]) -> None:
        """The error object or string, then the stack keys, out of the log's keys."""
        for key in ERROR_KEYS:
            if key in fields and self._from_value(fields, key, error):
                break
        for key in STACK_KEYS:
            stack = _stack_text(fields.get(key))
            if stack is not None:
                del fields[key]
                error.setdefault("stack_trace", stack)

    def _from_value(self, fields: dict[str, Any], key: str, error: dict[str, Any]) -> bool:
        """Take ``fields[key]`` when it is an error string or object; True if it was one."""
        value = fields[key]
        text = as_text(value) if isinstance(value, str) else None
        if text is not None:
            del fields[key]
            error["message"] = text
            return True
        if not isinstance(value, dict):
            return False
        _from_object(value, error)
        if value:
            return True  # keys we have no ECS field for stay under the app namespace
        del fields[key]
        return True

    def _from_message(self, message: Any, error: dict[str, Any]) -> None:
        """A stack trace joined into the message (multiline): split off from its first line."""
        if not isinstance(message, str) or "\n" not in message:
            return
        first, _, rest = message.partition("\n")
        if _STACK_LINE.search(rest) or _STACK_LINE.match(first):
            error["stack_trace"] = rest if not _STACK_LINE.match(first) else message
            error.setdefault("message", first.strip())


def _from_object(value: dict[str, Any], error: dict[str, Any]) -> None:
    """Pop message/type/code/stack out of an error object into ``error``."""
    for target, keys in (("message", _MESSAGE_KEYS), ("type", _TYPE_KEYS), ("code", _CODE_KEYS)):
        for key in keys:
            text = as_text(value.get(key)) if key in value else None
            if text is not None:
                del value[key]
                error.setdefault(target, text)
                break
    for key in STACK_KEYS:
        stack = _stack_text(value.get(key))
        if stack is not None:
            del value[key]
            error.setdefault("stack_trace", stack)
            break
