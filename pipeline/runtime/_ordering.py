"""Acknowledgements released in write order per stream: the one place outputs get it from.

An output hands each written batch a ticket counting its undelivered events. Tickets queue per
stream (:attr:`pipeline.runtime.Batch.ack_stream`) in write order; when the head ticket of a
stream is settled, it and every settled ticket behind it are acknowledged. A ticket settled
early waits only for earlier tickets of its own stream, never for another stream's.
"""

from __future__ import annotations

from collections import deque
from typing import Generic, Protocol, TypeVar

from pipeline.runtime._contracts import Ack


class Owed(Protocol):
    """A written batch still owed its acknowledgement."""

    @property
    def ack(self) -> Ack:
        """The batch's acknowledgement."""

    @property
    def remaining(self) -> int:
        """Events of the batch not yet delivered; 0 means it may be acknowledged."""


T = TypeVar("T", bound=Owed)


class AckOrder(Generic[T]):
    """Queues of tickets per stream; :meth:`release` acks each stream's settled prefix."""

    def __init__(self) -> None:
        self._queues: dict[str, deque[T]] = {}

    def enqueue(self, stream: str, ticket: T) -> None:
        """``ticket`` was written after every ticket already queued for ``stream``."""
        queue = self._queues.get(stream)
        if queue is None:
            queue = self._queues[stream] = deque()
        queue.append(ticket)
        if ticket.remaining == 0:
            self.release(stream)

    def release(self, stream: str) -> None:
        """Acknowledge the settled tickets at the head of ``stream``, in write order."""
        queue = self._queues.get(stream)
        if queue is None:
            return
        while queue and queue[0].remaining == 0:
            queue.popleft().ack()
        if not queue:  # a stream that is done costs nothing (Beats connections come and go)
            del self._queues[stream]

    @property
    def streams(self) -> int:
        """Streams with a batch still waiting for its acknowledgement."""
        return len(self._queues)
