"""Who is owed an acknowledgement, and the per-input counters that must reconcile.

Each written batch gets a :class:`BatchTicket` counting its undelivered events. Tickets are
acknowledged in write order per stream (:class:`pipeline.runtime.AckOrder`: a Beats
connection, a Kafka partition, a file range), so a source that releases "everything up to
here" (a Beats window ACK, a Kafka offset commit, a file checkpoint) never releases an event
that is still undelivered behind one that was delivered, and one slow stream never holds back
another's acknowledgements. Counters are kept per input name.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from pipeline.runtime import Ack, AckOrder, Counters


@dataclass(slots=True, eq=False)
class BatchTicket:
    """One batch inside the sink: its ack and how many of its events are not yet delivered."""

    ack: Ack
    input_name: str
    remaining: int
    stream: str


class Ledger:
    """Per-input counters and acknowledgement of :class:`BatchTicket` s in order per stream."""

    def __init__(self, total: Counters) -> None:
        self.total = total
        self.per_input: dict[str, Counters] = {}
        self.already_indexed: Counter[str] = Counter()
        self._order: AckOrder[BatchTicket] = AckOrder()
        self.outstanding = 0

    def stats(self, input_name: str) -> Counters:
        """The counters of one input (created on first sight)."""
        found = self.per_input.get(input_name)
        if found is None:
            found = self.per_input[input_name] = Counters(input_name)
        return found

    def open(self, ack: Ack, input_name: str, n_events: int, stream: str = "") -> BatchTicket:
        """A batch arrives: count it received and queue its ticket on its stream (``stream``,
        or the input name when empty); an empty batch is acked as soon as its turn comes."""
        ticket = BatchTicket(ack, input_name, n_events, stream or input_name)
        self.stats(input_name).received += n_events
        self.total.received += n_events
        self.outstanding += n_events
        self._order.enqueue(ticket.stream, ticket)
        return ticket

    def indexed(self, ticket: BatchTicket, count: int = 1, duplicates: int = 0) -> None:
        """``count`` events of ``ticket`` are in Elasticsearch (``duplicates`` of them already
        were: 409 on ``create``)."""
        self.stats(ticket.input_name).sent += count
        self.total.sent += count
        if duplicates:
            self.already_indexed[ticket.input_name] += duplicates
        self._settle(ticket, count)

    def dead_lettered(self, ticket: BatchTicket, error_type: str) -> None:
        """One event of ``ticket`` is durably in the dead letter queue."""
        for counters in (self.stats(ticket.input_name), self.total):
            counters.dead_lettered += 1
            counters.errors[error_type] += 1
        self._settle(ticket)

    def failed(self, input_names: set[str], error_type: str, retried: int) -> None:
        """A request or item failed and will be retried (``retried`` events go again)."""
        for counters in [self.total, *(self.stats(name) for name in input_names)]:
            counters.errors[error_type] += 1
            counters.retries += retried

    def _settle(self, ticket: BatchTicket, count: int = 1) -> None:
        ticket.remaining -= count
        self.outstanding -= count
        if ticket.remaining == 0:
            self._order.release(ticket.stream)

    def summary(self) -> dict[str, dict[str, object]]:
        """Per input: received / indexed / already indexed / dead-lettered / pending / errors."""
        return {name: self._row(name, c) for name, c in sorted(self.per_input.items())}

    def _row(self, name: str, c: Counters) -> dict[str, object]:
        pending = c.received - c.sent - c.dead_lettered
        return {
            "received": c.received, "indexed": c.sent,
            "already_indexed": self.already_indexed[name], "dead_lettered": c.dead_lettered,
            "pending": pending, "retries": c.retries, "errors": dict(c.errors),
            "reconciled": pending == 0,
        }

    def report(self) -> str:
        """A human summary, one line per input, printed at the end of a CLI run."""
        lines = []
        for name, c in sorted(self.per_input.items()):
            pending = c.received - c.sent - c.dead_lettered
            errors = ", ".join(f"{k}={v}" for k, v in sorted(c.errors.items())) or "none"
            lines.append(
                f"{name}: received={c.received} indexed={c.sent} "
                f"(already there {self.already_indexed[name]}) dead_lettered={c.dead_lettered} "
                f"pending={pending} retries={c.retries} errors[{errors}] "
                f"{'reconciled' if pending == 0 else 'NOT reconciled'}"
            )
        return "\n".join(lines) or "no events received"
