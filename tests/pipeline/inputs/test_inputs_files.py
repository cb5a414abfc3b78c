"""FileInput reads units into batches whose acks move each file's checkpoint."""

from __future__ import annotations

import asyncio
import gzip
import io
from dataclasses import replace
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from parsers import MultilineConfig, MultilineJoiner
from pipeline.errors import InputError
from pipeline.ids import file_source_id
from pipeline.inputs import TRUNCATED_TAG, FileInput, FileUnit, inspect, split_ranges, stdin_unit
from pipeline.inputs.files import BATCH_EVENTS, Joiner
from pipeline.runtime import Batch


class Listener:
    """Records what FileInput reports."""

    def __init__(self) -> None:
        self.checkpoints: dict[str, tuple[int, bool]] = {}
        self.problems: list[tuple[str, str]] = []
        self.events = 0

    def on_checkpoint(self, unit: FileUnit, offset: int, finished: bool) -> None:
        self.checkpoints[unit.key] = (offset, finished)

    def on_progress(self, unit: FileUnit, raw_position: int, lines: int, events: int) -> None:
        self.events += events

    def on_problem(self, unit: FileUnit, reason: str) -> None:
        self.problems.append((unit.path, reason))


def _drain(source: FileInput, ack: bool = True) -> list[Batch]:
    async def run() -> list[Batch]:
        batches = [b async for b in source.batches()]
        if ack:
            for batch in reversed(batches):  # the sink may finish them in any order
                batch.ack()
        return batches

    return asyncio.run(run())


def _messages(batches: list[Batch]) -> list[str]:
    return [e["message"] for b in batches for e in b.events]


def _lines(n: int) -> bytes:
    return b"".join(b"[2025-09-12T10:00:%02d.000Z] INFO event %d\n" % (i % 60, i) for i in range(n))


def test_plain_file_becomes_one_event_per_line_and_finishes(tmp_path: Path) -> None:
    """Each line is one event with its byte offset and file id; all acked = finished."""
    path = tmp_path / "app.log"
    path.write_bytes(b"one\ntwo\n\nthree")
    listener = Listener()
    batches = _drain(FileInput([inspect(str(path))], listener))
    events = [e for b in batches for e in b.events]
    expected = [("one", 0), ("two", 4), ("three", 9)]
    assert expected == [(e["message"], e["log"]["offset"]) for e in events]
    assert file_source_id(b"one\ntwo\n\nthree", 9, "three") == events[2]["@metadata"]["source_id"]
    assert {f"{path}#0": (14, True)} == listener.checkpoints


def test_each_unit_is_its_own_ack_stream(tmp_path: Path) -> None:
    """Batches of one file share a stream, another file (or range) has its own: a slow file
    never holds back another's checkpoint. Counters stay under the one input name."""
    first, second = tmp_path / "a.log", tmp_path / "b.log"
    first.write_bytes(_lines(1500))
    second.write_bytes(_lines(3))
    batches = _drain(FileInput([inspect(str(first)), inspect(str(second))]))
    expected = [f"file:{first}#0", f"file:{first}#0", f"file:{second}#0"]
    assert (expected, {"files"}) == (
        [b.stream for b in batches], {b.input_name for b in batches})


def test_stop_ends_after_the_block_in_hand_and_leaves_the_unit_unfinished(
    tmp_path: Path,
) -> None:
    """stop(): the batches of the block already read are still yielded, no further unit is
    started, and the unit is not finished, so a resumed run reads on from its checkpoint."""
    first, second = tmp_path / "a.log", tmp_path / "b.log"
    first.write_bytes(_lines(1500) + b"a last line without its newline")
    second.write_bytes(_lines(3))
    listener = Listener()
    source = FileInput([inspect(str(first)), inspect(str(second))], listener)

    async def run() -> list[Batch]:
        batches = []
        async for batch in source.batches():
            batches.append(batch)
            await source.stop()
        return batches

    batches = asyncio.run(run())
    for batch in batches:
        batch.ack()
    expected = ([BATCH_EVENTS, 1500 - BATCH_EVENTS], {f"{first}#0": (len(_lines(1500)), False)})
    assert expected == ([len(b.events) for b in batches], listener.checkpoints)


def test_unacknowledged_batches_do_not_move_the_checkpoint(tmp_path: Path) -> None:
    """Without acks nothing is checkpointed (a kill now loses nothing: it re-reads all)."""
    path = tmp_path / "app.log"
    path.write_bytes(_lines(100))
    listener = Listener()
    _drain(FileInput([inspect(str(path))], listener), ack=False)
    assert {} == listener.checkpoints


def test_a_large_block_is_handed_on_in_batches_whose_acks_move_the_checkpoint_in_order(
    tmp_path: Path,
) -> None:
    """A block of 2,500 lines becomes batches of at most BATCH_EVENTS; acking the first two
    checkpoints the offset where the third begins, and the last one finishes the file."""
    path = tmp_path / "app.log"
    data = _lines(2500)
    path.write_bytes(data)
    listener = Listener()
    batches = _drain(FileInput([inspect(str(path))], listener), ack=False)
    third = batches[2].events[0]["log"]["offset"]
    batches[1].ack()
    batches[0].ack()
    moved = listener.checkpoints[f"{path}#0"]
    batches[2].ack()
    assert ([BATCH_EVENTS, BATCH_EVENTS, 2500 - 2 * BATCH_EVENTS], (third, False),
            (len(data), True)) == ([len(b.events) for b in batches], moved,
                                   listener.checkpoints[f"{path}#0"])


def test_resume_starts_at_the_checkpoint_of_a_gzip_file(tmp_path: Path) -> None:
    """A compressed file resumes at its decompressed offset: earlier lines are not sent."""
    data = _lines(1000)
    path = tmp_path / "app.log.2.gz"
    path.write_bytes(gzip.compress(data))
    resume = data.index(b"event 900\n")
    resume = data.rindex(b"\n", 0, resume) + 1
    unit = replace(inspect(str(path)), resume=resume)
    messages = _messages(_drain(FileInput([unit])))
    assert (100, "[2025-09-12T10:00:00.000Z] INFO event 900") == (len(messages), messages[0])


@settings(
    max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    lengths=st.lists(st.integers(min_value=0, max_value=300), min_size=1, max_size=400),
    parts=st.integers(min_value=2, max_value=6),
)
def test_ranges_cover_every_line_exactly_once(
    tmp_path: Path, lengths: list[int], parts: int
) -> None:
    """Split on line boundaries, ranges together yield each line once, none cut."""
    path = tmp_path / "big.log"
    lines = [b"L%d-" % i + b"x" * n for i, n in enumerate(lengths)]
    path.write_bytes(b"\n".join(lines) + b"\n")
    units = split_ranges(inspect(str(path)), parts, min_bytes=64)
    messages = _messages(_drain(FileInput(units)))
    assert [line.decode() for line in lines] == messages


def test_truncated_gzip_indexes_whole_lines_and_tags_the_cut_one(tmp_path: Path) -> None:
    """Lines before the cut are events; the partial one is tagged with an id of its own;
    the problem names the file; the checkpoint stops before the partial line."""
    data = _lines(5000)
    path = tmp_path / "cut.log.gz"
    path.write_bytes(gzip.compress(data)[:-40])
    listener = Listener()
    events = [e for b in _drain(FileInput([inspect(str(path))], listener)) for e in b.events]
    last = events[-1]
    assert [TRUNCATED_TAG] == last["tags"]
    assert data[last["log"]["offset"] :].startswith(last["message"].encode())
    assert all("tags" not in e for e in events[:-1])
    assert last["@metadata"]["source_id"].endswith(b"\x00partial")
    assert (str(path), True) == (listener.problems[0][0], "truncated" in listener.problems[0][1])
    assert (last["log"]["offset"], False) == listener.checkpoints[f"{path}#0"]


def test_multiline_events_and_their_checkpoint(tmp_path: Path) -> None:
    """With a joiner, a stack trace is one event at its first line's offset, and the
    checkpoint reaches the end of the file once everything is acknowledged."""
    path = tmp_path / "trace.log"
    path.write_bytes(b"[t] ERROR boom\n  at a()\n  at b()\n[t] INFO fine\n")
    config = MultilineConfig(pattern=r"^\s", negate=False, match="after")

    def joiner() -> Joiner:
        made: Joiner = MultilineJoiner(config)
        return made

    listener = Listener()
    batches = _drain(FileInput([inspect(str(path))], listener, joiner))
    events = [(e["message"], e["log"]["offset"]) for b in batches for e in b.events]
    assert [("[t] ERROR boom\n  at a()\n  at b()", 0), ("[t] INFO fine", 33)] == events
    assert {f"{path}#0": (47, True)} == listener.checkpoints


def test_stdin_is_sniffed_and_read(tmp_path: Path) -> None:
    """``-`` reads the given stream; gzip on stdin is recognised by content."""
    stream = io.BufferedReader(io.BytesIO(gzip.compress(b"a\nb\n")))
    messages = _messages(_drain(FileInput([stdin_unit()], stdin=stream)))
    assert ["a", "b"] == messages


def test_inspect_refuses_binary_files(tmp_path: Path) -> None:
    """A file whose head is largely NUL bytes is not a log file: the error says so and where."""
    path = tmp_path / "core.dump"
    path.write_bytes(b"ELF\x00\x01\x02")
    with pytest.raises(InputError,
                       match=r"binary content \(NUL byte at offset 3; 1 of its first 6 bytes"):
        inspect(str(path))


def test_inspect_names_unreadable_paths(tmp_path: Path) -> None:
    """A path that cannot be opened as a file is reported with the OS reason."""
    with pytest.raises(InputError, match=f"^{tmp_path}: cannot read: Is a directory"):
        inspect(str(tmp_path))


def test_inspect_reports_a_short_truncated_archive(tmp_path: Path) -> None:
    """An archive cut so short that its head already ends mid-stream is refused up front."""
    path = tmp_path / "tiny.gz"
    path.write_bytes(gzip.compress(b"x\n" * 10)[:-5])
    with pytest.raises(InputError, match="truncated"):
        inspect(str(path))


@pytest.mark.parametrize("parts", [2, 3, 7])
def test_compressed_ranges_cover_every_line_exactly_once(tmp_path: Path, parts: int) -> None:
    """A gzip file split at estimated content offsets still yields each line once, in order."""
    data = b"".join(b"line %d %s\n" % (i, b"y" * (i % 97)) for i in range(3000))
    path = tmp_path / "big.log.gz"
    path.write_bytes(gzip.compress(data))
    units = split_ranges(inspect(str(path)), parts, min_bytes=1000)
    messages = _messages(_drain(FileInput(units)))
    assert (parts, data.decode().splitlines()) == (len(units), messages)


def test_a_resumed_range_starts_at_its_checkpoint_not_at_its_start(tmp_path: Path) -> None:
    """A range resumed mid-way reads only its own lines after the checkpoint."""
    data = b"".join(b"row %04d\n" % i for i in range(1000))
    path = tmp_path / "rows.log"
    path.write_bytes(data)
    first, second = split_ranges(inspect(str(path)), 2, min_bytes=1000)
    resumed = replace(first, resume=first.start + 9 * 10)
    messages = _messages(_drain(FileInput([resumed])))
    assert (f"row {10:04d}", second.start // 9 - 10) == (messages[0], len(messages))


def _starts_event(line: str) -> bool:
    return not line[:1].isspace()


@pytest.mark.parametrize(("pack", "parts"), [("plain", 3), ("plain", 9), ("gzip", 4)])
def test_multiline_ranges_own_whole_events(tmp_path: Path, pack: str, parts: int) -> None:
    """Split anywhere, ranges with a joiner yield every stack trace whole and once: a range
    skips the continuation lines it begins with and reads on past its end to an event start."""
    records = [
        f"[t] ERROR boom {i}" + "".join(f"\n  at frame{j}()" for j in range(i % 5))
        for i in range(400)
    ]
    data = ("\n".join(records) + "\n").encode()
    path = tmp_path / ("trace.log.gz" if pack == "gzip" else "trace.log")
    path.write_bytes(gzip.compress(data) if pack == "gzip" else data)
    config = MultilineConfig(pattern=r"^\s", negate=False, match="after")

    def joiner() -> Joiner:
        made: Joiner = MultilineJoiner(config)
        return made

    units = split_ranges(inspect(str(path)), parts, min_bytes=500)
    listener = Listener()
    messages = _messages(
        _drain(FileInput(units, listener, joiner, starts_event=_starts_event))
    )
    assert (parts, records) == (len(units), messages)
    assert all(finished for _, finished in listener.checkpoints.values())
