"""Acknowledgements in, a checkpoint out: the contiguous acknowledged prefix of a file.

A file unit is one stream (``Batch.stream``), and outputs acknowledge in write order per
stream (the Output contract), even when the sink finished batch 3 before batch 2 with several
bulk requests in flight. The tracker does not rely on that order, though: a batch's end may
only be known after it was issued (a multiline event still being joined), so the checkpoint
moves to the end of the contiguous acknowledged prefix whose ends are known, whatever order
acks come in. Everything before it is in Elasticsearch (or the DLQ), so a resumed run that
starts there loses nothing.
"""

from __future__ import annotations

from collections.abc import Callable

from pipeline.runtime import Ack

Advance = Callable[[int, bool], None]
"""Called with ``(offset, finished)`` whenever the contiguous acknowledged prefix grows."""


class OffsetTracker:
    """Tracks the batches of one file (or byte range) in issue order.

    Each batch's end offset may be set after it was issued (a multiline event still being
    joined decides where the batch really ends); the prefix only advances over batches whose
    end is known. :meth:`finish` records where reading stopped.
    """

    def __init__(self, start: int, on_advance: Advance) -> None:
        self.offset = start
        self.finished = False
        self._on_advance = on_advance
        self._ends: dict[int, int | None] = {}
        self._acked: set[int] = set()
        self._issued = 0
        self._head = 0
        self._final: int | None = None

    @property
    def outstanding(self) -> int:
        """Batches issued but not yet acknowledged."""
        return self._issued - len(self._acked) - self._head

    def issue(self, end: int | None = None) -> tuple[int, Ack]:
        """Register the next batch; returns its sequence number and its ack callable."""
        seq = self._issued
        self._issued += 1
        self._ends[seq] = end
        fired = False

        def ack() -> None:
            nonlocal fired
            if not fired:  # an Ack is called exactly once; tolerate a second call quietly
                fired = True
                self._acked.add(seq)
                self._advance()

        return seq, ack

    def set_end(self, seq: int, end: int) -> None:
        """Now known: batch ``seq`` covers the file up to ``end``."""
        self._ends[seq] = end
        self._advance()

    def finish(self, final: int) -> None:
        """Reading stopped at ``final``; the last batch (if open-ended) ends there."""
        self._final = final
        if self._issued and self._ends.get(self._issued - 1, 0) is None:
            self._ends[self._issued - 1] = final
        self._advance()

    def _advance(self) -> None:
        moved = False
        while self._head in self._acked and self._ends.get(self._head) is not None:
            end = self._ends.pop(self._head)
            self._acked.discard(self._head)
            self._head += 1
            if end is not None and end > self.offset:
                self.offset = end
            moved = True
        done = self._final is not None and self._head == self._issued
        if done and self._final is not None and self._final > self.offset:
            self.offset = self._final
        if moved or (done and not self.finished):
            self.finished = done
            self._on_advance(self.offset, done)
