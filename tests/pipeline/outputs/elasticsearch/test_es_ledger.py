"""The ledger: per-input counters that reconcile and acknowledgements in write order."""

from __future__ import annotations

from pipeline.outputs.elasticsearch import Ledger
from pipeline.runtime import Counters


def test_batches_are_acked_in_write_order_per_input() -> None:
    """A batch finished early waits for the earlier batch of the same input before its ack."""
    ledger = Ledger(Counters("es"))
    acked: list[str] = []
    first = ledger.open(lambda: acked.append("first"), "kafka", 1)
    second = ledger.open(lambda: acked.append("second"), "kafka", 1)
    ledger.indexed(second)
    before = list(acked)
    ledger.indexed(first)
    assert ([], ["first", "second"]) == (before, acked)


def test_streams_of_one_input_do_not_wait_for_each_other() -> None:
    """Ordering is per stream: one slow Beats connection does not hold back another's ack,
    while both count under the one input."""
    ledger = Ledger(Counters("es"))
    acked: list[str] = []
    slow = ledger.open(lambda: acked.append("slow"), "beats", 1, "beats:10.0.0.1:5000#1")
    fast = ledger.open(lambda: acked.append("fast"), "beats", 2, "beats:10.0.0.2:5000#2")
    ledger.indexed(fast, 2)
    early = list(acked)
    ledger.indexed(slow)
    assert (["fast"], ["fast", "slow"], 3) == (early, acked, ledger.summary()["beats"]["indexed"])


def test_batches_of_one_stream_are_acked_in_write_order() -> None:
    """Within a stream, a batch finished early waits for the one written before it."""
    ledger = Ledger(Counters("es"))
    acked: list[int] = []
    tickets = [ledger.open(lambda i=i: acked.append(i), "kafka", 1, "kafka:t/0") for i in range(3)]
    ledger.indexed(tickets[2])
    ledger.indexed(tickets[1])
    before = list(acked)
    ledger.indexed(tickets[0])
    assert ([], [0, 1, 2]) == (before, acked)


def test_empty_stream_orders_by_input_name() -> None:
    """No stream given: the input is one stream, as before streams existed."""
    ledger = Ledger(Counters("es"))
    acked: list[str] = []
    first = ledger.open(lambda: acked.append("first"), "files", 1)
    ledger.open(lambda: acked.append("second"), "files", 1, "files")
    ledger.indexed(ledger.open(lambda: acked.append("third"), "files", 1))
    before = list(acked)
    ledger.indexed(first)
    assert ([], ["first"]) == (before, acked)


def test_inputs_do_not_wait_for_each_other() -> None:
    """Ordering is per input: a slow beats batch does not hold back a kafka ack."""
    ledger = Ledger(Counters("es"))
    acked: list[str] = []
    ledger.open(lambda: acked.append("beats"), "beats", 1)
    kafka = ledger.open(lambda: acked.append("kafka"), "kafka", 1)
    ledger.indexed(kafka)
    assert ["kafka"] == acked


def test_empty_batch_is_acked_at_once() -> None:
    """A batch whose events were all dropped upstream is acknowledged immediately."""
    ledger = Ledger(Counters("es"))
    acked: list[str] = []
    ledger.open(lambda: acked.append("empty"), "files", 0)
    assert ["empty"] == acked


def test_each_batch_acked_exactly_once() -> None:
    """Settling every event acks each batch once, never twice."""
    ledger = Ledger(Counters("es"))
    acked: list[int] = []
    tickets = [ledger.open(lambda i=i: acked.append(i), "x", 2) for i in range(3)]
    for ticket in tickets:
        ledger.indexed(ticket)
        ledger.dead_lettered(ticket, "document_parsing_exception")
    assert [0, 1, 2] == acked


def test_counts_reconcile_per_input_and_in_total() -> None:
    """received = indexed + dead-lettered, per input and in total; 409s are counted apart."""
    total = Counters("es")
    ledger = Ledger(total)
    a = ledger.open(lambda: None, "a", 3)
    b = ledger.open(lambda: None, "b", 1)
    ledger.indexed(a)
    ledger.indexed(a, 1, duplicates=1)
    ledger.dead_lettered(a, "mapper_parsing_exception")
    ledger.failed({"b"}, "es_rejected_execution_exception", 1)
    ledger.indexed(b)
    summary = ledger.summary()
    assert {
        "received": 3, "indexed": 2, "already_indexed": 1, "dead_lettered": 1, "pending": 0,
        "retries": 0, "errors": {"mapper_parsing_exception": 1}, "reconciled": True,
    } == summary["a"]
    assert (1, 1, True, 0) == (
        summary["b"]["retries"], summary["b"]["indexed"], total.reconciles(), ledger.outstanding)


def test_report_names_each_input_and_says_reconciled() -> None:
    """The end-of-run report has one line per input and says whether it reconciles."""
    ledger = Ledger(Counters("es"))
    ticket = ledger.open(lambda: None, "beats", 2)
    ledger.indexed(ticket)
    expected = (
        "beats: received=2 indexed=1 (already there 0) dead_lettered=0 pending=1 retries=0 "
        "errors[none] NOT reconciled"
    )
    assert expected == ledger.report()
