"""AckOrder: acknowledgements released in write order per stream, streams independent."""

from __future__ import annotations

from dataclasses import dataclass, field

from pipeline.runtime import AckOrder, Batch


@dataclass(eq=False)
class _Ticket:
    """A batch owed an ack; records the ack in ``log``."""

    name: str
    remaining: int
    log: list[str] = field(default_factory=list)

    def ack(self) -> None:
        self.log.append(self.name)


def _settle(order: AckOrder[_Ticket], stream: str, ticket: _Ticket) -> None:
    ticket.remaining = 0
    order.release(stream)


def test_settled_ticket_waits_for_earlier_ones_of_its_stream() -> None:
    """The second batch of a stream is acked only once the first is, then both in order."""
    log: list[str] = []
    order: AckOrder[_Ticket] = AckOrder()
    first, second = _Ticket("first", 1, log), _Ticket("second", 1, log)
    order.enqueue("s", first)
    order.enqueue("s", second)
    _settle(order, "s", second)
    before = list(log)
    _settle(order, "s", first)
    assert ([], ["first", "second"]) == (before, log)


def test_streams_are_independent() -> None:
    """A settled ticket of stream b is acked while stream a's older ticket is still pending."""
    log: list[str] = []
    order: AckOrder[_Ticket] = AckOrder()
    order.enqueue("a", _Ticket("a1", 1, log))
    b1 = _Ticket("b1", 1, log)
    order.enqueue("b", b1)
    _settle(order, "b", b1)
    assert (["b1"], 1) == (log, order.streams)


def test_empty_ticket_acked_on_its_turn_and_finished_streams_forgotten() -> None:
    """A ticket with nothing to deliver is acked at once when first in line; a stream with
    nothing owed is dropped (connections come and go: the table must not grow)."""
    log: list[str] = []
    order: AckOrder[_Ticket] = AckOrder()
    order.enqueue("s", _Ticket("empty", 0, log))
    assert (["empty"], 0) == (log, order.streams)


def test_release_of_unknown_stream_is_harmless() -> None:
    """Releasing a stream with nothing queued acks nothing and raises nothing."""
    order: AckOrder[_Ticket] = AckOrder()
    order.release("gone")
    assert 0 == order.streams


def test_batch_ack_stream_defaults_to_the_input_name() -> None:
    """``Batch.ack_stream`` is the stream when set, else the input name."""
    assert ("files", "beats:1.2.3.4:5#1") == (
        Batch([], input_name="files").ack_stream,
        Batch([], input_name="beats", stream="beats:1.2.3.4:5#1").ack_stream,
    )
