"""The dead letter queue on disk: append-only segments, rotation, pending vs done, filters."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from pipeline.dlq import DeadLetter, DeadLetterQueue
from pipeline.errors import DeadLetterError

T0 = datetime(2025, 9, 12, 10, 0, tzinfo=UTC)


def letter(n: int, reason: str = "failed to parse field [data.amount]", **kw: object) -> DeadLetter:
    fields: dict[str, object] = {
        "event": {"message": f"m{n}", "level": "error"}, "error_type": "document_parsing_exception",
        "reason": reason, "index": "universal-ai-tools-2025.09.12", "doc_id": f"id{n}",
        "input_name": "beats", "status": 400, "time": T0 + timedelta(minutes=n),
    }
    fields.update(kw)
    return DeadLetter(**fields)  # type: ignore[arg-type]


def test_append_then_list_round_trips(tmp_path: Path) -> None:
    """Every appended letter comes back, in order and unchanged."""
    dlq = DeadLetterQueue(tmp_path)
    letters = [letter(1), letter(2)]
    asyncio.run(dlq.append(letters))
    dlq.close()
    assert letters == [found for _, found in dlq.pending()]


def test_segments_rotate_at_the_size_cap(tmp_path: Path) -> None:
    """A segment that reached max_segment_bytes is closed and the next append opens a new one."""
    dlq = DeadLetterQueue(tmp_path, max_segment_bytes=200)
    for n in range(4):
        dlq.append_sync([letter(n)])
    dlq.close()
    names = [p.name for p in dlq.segments()]
    assert (["segment-000001.ndjson", "segment-000002.ndjson", "segment-000003.ndjson",
             "segment-000004.ndjson"], 4) == (names, len(list(dlq.pending())))


def test_reopening_appends_to_the_last_segment(tmp_path: Path) -> None:
    """A new process appends to the last segment instead of rewriting anything."""
    first = DeadLetterQueue(tmp_path)
    first.append_sync([letter(1)])
    first.close()
    second = DeadLetterQueue(tmp_path)
    second.append_sync([letter(2)])
    second.close()
    assert (1, ["id1", "id2"]) == (
        len(second.segments()), [found.doc_id for _, found in second.pending()])


def test_marked_entries_are_no_longer_pending(tmp_path: Path) -> None:
    """mark_done removes entries from pending; marking twice changes nothing."""
    dlq = DeadLetterQueue(tmp_path)
    dlq.append_sync([letter(1), letter(2), letter(3)])
    keys = [key for key, _ in dlq.pending()]
    dlq.mark_done(keys[:2])
    dlq.mark_done(keys[:2])
    assert ["id3"] == [found.doc_id for _, found in dlq.pending()]


def test_since_and_reason_filters(tmp_path: Path) -> None:
    """--since keeps entries written at/after T; --reason-match searches type and reason."""
    dlq = DeadLetterQueue(tmp_path)
    dlq.append_sync([letter(1), letter(2, reason="mapper [x] cannot be changed"), letter(3)])
    since = [f.doc_id for _, f in dlq.pending(since=T0 + timedelta(minutes=2))]
    reason = [f.doc_id for _, f in dlq.pending(reason_match=r"mapper \[x\]")]
    by_type = [f.doc_id for _, f in dlq.pending(reason_match="^document_parsing")]
    naive = [f.doc_id for _, f in dlq.pending(since=datetime(2025, 9, 12, 10, 3))]
    assert (["id2", "id3"], ["id2"], ["id1", "id2", "id3"], ["id3"]) == (
        since, reason, by_type, naive)


def test_torn_last_line_is_ignored(tmp_path: Path) -> None:
    """A line cut short by a crash mid-write is not an entry (and does not break reading)."""
    dlq = DeadLetterQueue(tmp_path)
    dlq.append_sync([letter(1)])
    dlq.close()
    with dlq.segments()[0].open("ab") as handle:
        handle.write(b'{"time": "2025-')
    assert ["id1"] == [f.doc_id for _, f in dlq.pending()]


def test_corrupt_line_names_file_and_offset(tmp_path: Path) -> None:
    """A line that is not an entry is skipped and reported naming segment and byte offset."""
    dlq = DeadLetterQueue(tmp_path)
    dlq.append_sync([letter(1)])
    dlq.close()
    size = dlq.segments()[0].stat().st_size
    with dlq.segments()[0].open("ab") as handle:
        handle.write(b"garbage\n")
    pending = [f.doc_id for _, f in dlq.pending()]
    assert (["id1"], True) == (
        pending, dlq.damaged[0].startswith(f"segment-000001.ndjson:{size}: not a dead letter"))


def test_unserialisable_values_are_kept_as_text(tmp_path: Path) -> None:
    """An event that broke the encoder (bytes, sets) is still stored whole, as text."""
    dlq = DeadLetterQueue(tmp_path)
    dlq.append_sync([letter(1, event={"raw": b"\xffab", "tags": {"a"}, 3: "int key"})])
    stored = next(iter(dlq.pending()))[1].event
    assert {"raw": "\ufffdab", "tags": ["a"], "3": "int key"} == stored


def test_unwritable_directory_is_a_clear_error(tmp_path: Path) -> None:
    """A DLQ directory that cannot be created raises DeadLetterError naming it."""
    blocker = tmp_path / "file"
    blocker.write_text("x")
    dlq = DeadLetterQueue(blocker / "dlq")
    with pytest.raises(DeadLetterError, match="dlq"):
        dlq.append_sync([letter(1)])


def test_to_event_targets_the_original_index_and_id() -> None:
    """A replayed event carries its original _index and _id, so replays are idempotent."""
    event = letter(1).to_event("segment-000001.ndjson:0")
    assert {
        "message": "m1", "level": "error",
        "@metadata": {"_index": "universal-ai-tools-2025.09.12", "_id": "id1", "input": "beats",
                      "dlq_key": "segment-000001.ndjson:0"},
    } == event
