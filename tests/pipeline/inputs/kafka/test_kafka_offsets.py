"""CommitBook (pure): only the contiguous acknowledged prefix per partition is committable."""

from __future__ import annotations

from pipeline.inputs.kafka import CommitBook

P0 = ("logs-raw", 0)
P1 = ("logs-raw", 1)


class TestCommitBook:
    def test_out_of_order_acks_wait_for_the_gap(self) -> None:
        """Batch 2 acked before batch 1: nothing commits until batch 1 is acked too."""
        book = CommitBook()
        first = book.issue(P0, 10, 20)
        second = book.issue(P0, 20, 30)
        second()
        held = book.take_ready()
        first()
        assert ({}, {P0: 30}) == (held, book.take_ready())

    def test_partitions_are_independent(self) -> None:
        """A slow partition does not hold another one back."""
        book = CommitBook()
        book.issue(P0, 0, 5)
        book.issue(P1, 0, 8)()
        assert {P1: 8} == book.take_ready()

    def test_released_partition_ignores_late_acks(self) -> None:
        """After a revoke, an ack of the old owner's batch commits nothing."""
        book = CommitBook()
        ack = book.issue(P0, 0, 5)
        before = book.release([P0])
        ack()
        assert ({}, {}) == (before, book.take_ready())

    def test_settled_only_when_handed_batches_are_acked(self) -> None:
        """settled() looks at what left the input, not at batches still queued."""
        book = CommitBook()
        ack = book.issue(P0, 0, 5)
        book.issue(P0, 5, 9)  # queued, never handed
        book.handed(P0, 5)
        waiting = book.settled([P0])
        ack()
        assert (False, True) == (waiting, book.settled([P0]))

    def test_release_returns_the_prefix_to_commit(self) -> None:
        """On revoke, the acknowledged prefix is handed back for a last commit."""
        book = CommitBook()
        book.issue(P0, 0, 5)()
        book.issue(P1, 0, 3)()
        assert ({P0: 5}, {P1: 3}) == (book.release([P0]), book.take_ready())
