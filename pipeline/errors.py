"""The one error hierarchy of lumberyard.

Every class says whether the operation that raised it may be retried. Foreign exceptions
(elasticsearch, kafka, OSError, zlib, ...) are translated at the boundary with
``raise SomeError(...) from exc`` so callers only ever catch :class:`LumberyardError`.
The CLI catches the base class, prints ``Type: message`` and exits non-zero.
"""

from __future__ import annotations


class LumberyardError(Exception):
    """Base of every error lumberyard raises on purpose."""

    retriable: bool = False


class ConfigError(LumberyardError):
    """A configuration value is invalid; the message names the key (and file/line if known)."""


class GrammarError(ConfigError):
    """A grammar, rule or template failed to compile at startup; names it and the position."""


class NotConnected(LumberyardError):
    """A server (Elasticsearch, Kafka) is unreachable right now: retry with backoff."""

    retriable = True


class EndOfInput(LumberyardError):
    """A finite input (an archive, stdin) has delivered everything it has."""


class DropEvent(LumberyardError):
    """Raised by a step to drop an event on purpose; counted as an intentional drop."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


class DeliveryError(LumberyardError):
    """A batch could not be delivered to its output."""


class RetriableDeliveryError(DeliveryError):
    """The whole request failed in a way that may succeed later (timeouts, 429, 502-504)."""

    retriable = True


class AuthError(DeliveryError):
    """The server refused our credentials (401/403): never retried silently."""


class EncodeError(DeliveryError):
    """An event cannot become a bulk item (no target index, a non-JSON value): dead-lettered."""


class DeadLetterError(LumberyardError):
    """The dead letter queue could not be written or read; names the segment file."""


class StateError(LumberyardError):
    """The checkpoint state file could not be read or written (a full disk); names the file.
    Work acknowledged before is kept: the next run resumes there."""


class UnsupportedServer(LumberyardError):
    """The server is of a kind or version lumberyard does not support."""


class InputError(LumberyardError):
    """An input could not be read: names the source (file path, peer address, topic)."""


class TruncatedArchive(InputError):
    """A compressed file ends before its end-of-stream marker; names the file and offset."""


class ProtocolError(InputError):
    """A peer broke its wire protocol (Lumberjack frame, Kafka record); names the peer."""


class LimitExceeded(ProtocolError):
    """A peer sent more than a configured limit allows; ``limit`` names the option."""

    def __init__(self, limit: str, message: str) -> None:
        super().__init__(message)
        self.limit = limit


class StackError(LumberyardError):
    """The local Kafka/Elasticsearch stack could not be provisioned or started."""
