"""The checkpoint only moves over the contiguous acknowledged prefix of batches."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from pipeline.inputs import OffsetTracker


class _Seen:
    def __init__(self) -> None:
        self.calls: list[tuple[int, bool]] = []

    def __call__(self, offset: int, finished: bool) -> None:
        self.calls.append((offset, finished))


def test_out_of_order_acks_wait_for_the_gap() -> None:
    """Acking batch 2 before batch 1 does not move the checkpoint past batch 1's start."""
    seen = _Seen()
    tracker = OffsetTracker(0, seen)
    acks = [tracker.issue(end)[1] for end in (10, 20, 30)]
    acks[1]()
    acks[2]()
    assert [] == seen.calls
    acks[0]()
    assert [(30, False)] == seen.calls


def test_finish_after_the_last_ack_marks_the_range_finished() -> None:
    """Reading done + everything acknowledged = finished, at the final offset."""
    seen = _Seen()
    tracker = OffsetTracker(5, seen)
    _, ack = tracker.issue(10)
    tracker.finish(12)
    ack()
    assert ([(12, True)], 12, True) == (seen.calls[-1:], tracker.offset, tracker.finished)


def test_open_ended_batches_advance_once_their_end_is_known() -> None:
    """A multiline batch's end is set later; until then the prefix stops before it."""
    seen = _Seen()
    tracker = OffsetTracker(0, seen)
    seq, ack = tracker.issue(None)
    ack()
    assert [] == seen.calls
    tracker.set_end(seq, 40)
    assert [(40, False)] == seen.calls


def test_a_second_call_of_an_ack_is_ignored() -> None:
    """An Ack is called once; a stray second call does not count twice."""
    seen = _Seen()
    tracker = OffsetTracker(0, seen)
    _, first = tracker.issue(10)
    _, second = tracker.issue(20)
    first()
    first()
    assert ([(10, False)], 1) == (seen.calls, tracker.outstanding)
    second()


@given(st.permutations(list(range(12))))
def test_any_ack_order_ends_at_the_last_end_and_never_goes_back(order: list[int]) -> None:
    """Whatever the order, offsets only grow and all acks leave it at the final end."""
    seen = _Seen()
    tracker = OffsetTracker(0, seen)
    acks = [tracker.issue((i + 1) * 100)[1] for i in range(12)]
    tracker.finish(1200)
    for i in order:
        acks[i]()
    offsets = [offset for offset, _ in seen.calls]
    assert (sorted(offsets), (1200, True)) == (offsets, seen.calls[-1])
