"""Which offsets may be committed: per partition, only the contiguous acknowledged prefix (pure).

The output may acknowledge batch 3 of a partition before batch 2 (several bulk requests in
flight). Each partition has an :class:`pipeline.inputs.OffsetTracker`; its prefix end is the
next offset to read, which is exactly what Kafka's commit means. When a partition is revoked
its tracker is released: acknowledgements that arrive later for it are ignored, so nothing is
committed for a partition this member no longer owns.
"""

from __future__ import annotations

from pipeline.inputs._acks import OffsetTracker
from pipeline.runtime import Ack

Partition = tuple[str, int]
"""(topic, partition); aiokafka's ``TopicPartition`` is such a tuple and compares equal."""


class CommitBook:
    """Trackers per partition, the offsets ready to commit, and what was handed downstream."""

    def __init__(self) -> None:
        self._trackers: dict[Partition, OffsetTracker] = {}
        self._ready: dict[Partition, int] = {}
        self._handed: dict[Partition, int] = {}

    def issue(self, partition: Partition, first: int, end: int) -> Ack:
        """Register the batch of records ``first`` .. ``end - 1``; returns its ack."""
        tracker = self._trackers.get(partition)
        if tracker is None:
            tracker = self._trackers[partition] = self._tracker(partition, first)
        return tracker.issue(end)[1]

    def _tracker(self, partition: Partition, start: int) -> OffsetTracker:
        def advanced(offset: int, _finished: bool) -> None:
            if self._trackers.get(partition) is tracker:  # not released since
                self._ready[partition] = offset

        tracker = OffsetTracker(start, advanced)
        return tracker

    def handed(self, partition: Partition, end: int) -> None:
        """The batch ending at ``end`` left the input (it is in flight until acknowledged)."""
        self._handed[partition] = max(end, self._handed.get(partition, end))

    def take_ready(self) -> dict[Partition, int]:
        """Offsets to commit now (each the end of its partition's acknowledged prefix)."""
        ready, self._ready = self._ready, {}
        return ready

    def settled(self, partitions: list[Partition]) -> bool:
        """True when every batch handed on for ``partitions`` is acknowledged."""
        return all(
            self._trackers[p].offset >= end
            for p, end in self._handed.items()
            if p in partitions and p in self._trackers
        )

    def release(self, partitions: list[Partition]) -> dict[Partition, int]:
        """Forget ``partitions`` (revoked); returns their offsets still to commit."""
        out = {p: self._ready.pop(p) for p in partitions if p in self._ready}
        for partition in partitions:
            self._trackers.pop(partition, None)
            self._handed.pop(partition, None)
        return out

    def acknowledged(self) -> dict[Partition, int]:
        """Per partition with a tracker, the end of its acknowledged prefix (the next offset
        whose record is not yet delivered)."""
        return {partition: tracker.offset for partition, tracker in self._trackers.items()}

    def owned(self) -> list[Partition]:
        """Partitions with a tracker (batches issued since assignment)."""
        return list(self._trackers)
