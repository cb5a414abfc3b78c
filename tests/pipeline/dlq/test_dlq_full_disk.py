"""The dead letter queue as a write-ahead log on a REAL full filesystem (a small tmpfs).

A full disk takes part of an append and refuses the rest; the queue must then refuse the
append as a whole (the events stay unacknowledged) and leave the segment ending on a complete
entry. A torn tail left by a crash is cut off (kept aside, reported) before anything new is
appended, and a reader skips a damaged entry instead of refusing the whole queue.
"""

from __future__ import annotations

import logging
from pathlib import Path

import pytest

from pipeline.dlq import DeadLetter, DeadLetterQueue
from pipeline.errors import DeadLetterError
from tests.fullfs import PAGE, fill, small_filesystem


def letters(first: int, count: int, size: int = 1000) -> list[DeadLetter]:
    return [
        DeadLetter({"message": "m" * size, "n": n}, "document_parsing_exception",
                   f"mapper [n{n}] failed", "idx", f"id{n}")
        for n in range(first, first + count)
    ]


def ids(queue: DeadLetterQueue) -> list[str | None]:
    return [letter.doc_id for _, letter in queue.entries()]


def test_an_append_the_disk_takes_only_part_of_fails_whole_and_tears_nothing(
    tmp_path: Path,
) -> None:
    """Room for one page, an append of ~20 KB: DeadLetterError, the segment keeps only the
    entries appended before; once there is room the next append reads back whole."""
    with small_filesystem(tmp_path / "fs") as fs:
        queue = DeadLetterQueue(fs / "dlq")
        queue.append_sync(letters(0, 2))
        filler = fill(fs, leave_bytes=PAGE)
        with pytest.raises(DeadLetterError, match="No space left on device"):
            queue.append_sync(letters(2, 20))
        filler.unlink()
        queue.append_sync(letters(22, 1))
        queue.close()
        reader = DeadLetterQueue(fs / "dlq")
        assert (["id0", "id1", "id22"], []) == (ids(reader), reader.damaged)


def test_a_torn_tail_is_cut_off_kept_aside_and_reported_before_the_next_append(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    """A segment ending in half an entry (a crash mid-write): the next writer cuts those bytes
    off into torn/, says so (in its notices and in one log line, which is where serve says
    it), and its entry starts on a line of its own."""
    caplog.set_level(logging.INFO, logger="lumberyard.dlq")
    queue = DeadLetterQueue(tmp_path)
    queue.append_sync(letters(0, 2))
    queue.close()
    segment = queue.segments()[0]
    whole = segment.stat().st_size
    torn = letters(2, 1)[0].to_json()[:500]
    with segment.open("ab") as handle:
        handle.write(torn)
    writer = DeadLetterQueue(tmp_path)
    writer.append_sync(letters(3, 1))
    writer.close()
    aside = tmp_path / "torn" / f"{segment.name}.{whole}.torn"
    assert (["id0", "id1", "id3"], torn, 500, 1) == (
        ids(writer), aside.read_bytes(), writer.torn_bytes, len(writer.notices))
    assert [f"dead letter queue: {writer.notices[0]}"] == [r.getMessage() for r in caplog.records]


def test_a_damaged_entry_is_skipped_and_reported_not_the_whole_queue(tmp_path: Path) -> None:
    """A line that is not a dead letter in the middle of a segment: the others are listed,
    the damaged one is named; an entry an older version appended onto a torn line is found."""
    queue = DeadLetterQueue(tmp_path)
    queue.append_sync(letters(0, 1))
    queue.close()
    segment = queue.segments()[0]
    with segment.open("ab") as handle:
        handle.write(b"garbage\n")
        handle.write(letters(1, 1)[0].to_json()[:300] + letters(2, 1)[0].to_json())
    queue.append_sync(letters(3, 1))
    queue.close()
    reader = DeadLetterQueue(tmp_path)
    assert (["id0", "id2", "id3"], 2) == (ids(reader), len(reader.damaged))


def test_a_failed_append_never_cuts_another_writers_entries(tmp_path: Path) -> None:
    """Two writers of one queue (serve --workers 2): the disk fills under the first after the
    second appended; rolling the failed append back keeps the second's entry (it was cut to
    the first writer's last known size, losing an acknowledged dead letter)."""
    with small_filesystem(tmp_path / "fs") as fs:
        first, second = DeadLetterQueue(fs / "dlq"), DeadLetterQueue(fs / "dlq")
        first.append_sync(letters(0, 1))
        second.append_sync(letters(1, 1))
        filler = fill(fs, leave_bytes=PAGE)
        with pytest.raises(DeadLetterError, match="No space left on device"):
            first.append_sync(letters(2, 20))
        filler.unlink()
        first.close()
        second.close()
        reader = DeadLetterQueue(fs / "dlq")
        assert (["id0", "id1"], []) == (ids(reader), reader.damaged)


def test_a_torn_tail_another_writer_left_is_cut_before_the_next_append(tmp_path: Path) -> None:
    """A writer killed mid-write leaves half an entry in the segment another writer still has
    open: that writer's next append cuts it aside first, so its own entry stays whole."""
    queue = DeadLetterQueue(tmp_path)
    queue.append_sync(letters(0, 1))
    segment = queue.segments()[0]
    with segment.open("ab") as handle:  # the other writer, dying mid-write
        handle.write(letters(1, 1)[0].to_json()[:300])
    queue.append_sync(letters(2, 1))
    queue.close()
    reader = DeadLetterQueue(tmp_path)
    assert (["id0", "id2"], [], 300) == (ids(reader), reader.damaged, queue.torn_bytes)
