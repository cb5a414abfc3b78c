"""The line cap applies while reading: an over-long line keeps its first ``max_line_bytes``
(tagged ``_truncated``), the rest is skipped up to its newline, and what follows is read as
usual. Lines that are not UTF-8 are kept and tagged ``_invalid_utf8``; a stray NUL near the
head of a file no longer refuses the whole file."""

from __future__ import annotations

import gzip
from pathlib import Path

import pytest

from parsers import MultilineConfig, MultilineJoiner
from pipeline.errors import InputError
from pipeline.inputs import FileInput, inspect
from pipeline.inputs.files import Joiner
from tests.pipeline.inputs.test_inputs_files import Listener, _drain

CAP = 64


def read(
    path: Path, cap: int = CAP, joiner: bool = False
) -> tuple[list[tuple[str, int, list[str]]], Listener]:
    """(message, offset, tags) of every event, and the listener (checkpoints)."""
    listener = Listener()

    def make() -> Joiner:
        return MultilineJoiner(MultilineConfig())

    source = FileInput([inspect(str(path))], listener, make if joiner else None,
                       max_line_bytes=cap)
    rows = [(e["message"], e["log"]["offset"], e.get("tags", []))
            for b in _drain(source) for e in b.events]
    return rows, listener


def test_a_long_line_keeps_its_head_tagged_and_the_next_line_is_read(tmp_path: Path) -> None:
    """Short, 100 KB, short: the long one is cut to the cap; offsets and the final checkpoint
    are those of the whole file."""
    path = tmp_path / "app.log"
    path.write_bytes(b"first\n" + b"x" * 100_000 + b"\nlast\n")
    rows, listener = read(path)
    assert ([("first", 0, []), ("x" * CAP, 6, ["_truncated"]), ("last", 100_007, [])],
            (100_012, True)) == (rows, listener.checkpoints[f"{path}#0"])


def test_a_newline_free_gzip_ends_in_one_truncated_event(tmp_path: Path) -> None:
    """A compressed file whose last line never ends: its head, tagged, finished at the end."""
    path = tmp_path / "blob.log.gz"
    content = b"ok\n" + b"y" * 3_000_000
    path.write_bytes(gzip.compress(content))
    rows, listener = read(path)
    assert ([("ok", 0, []), ("y" * CAP, 3, ["_truncated"])], (len(content), True)) == (
        rows, listener.checkpoints[f"{path}#0"])


def test_a_cut_does_not_split_a_utf8_character(tmp_path: Path) -> None:
    """A cap falling inside a multi-byte character keeps only whole characters."""
    path = tmp_path / "utf8.log"
    path.write_bytes("é".encode() * 100 + b"\n")
    rows, _ = read(path, cap=CAP + 1)
    assert [("é" * (CAP // 2), 0, ["_truncated"])] == rows


def test_with_multiline_the_truncated_line_tags_its_event(tmp_path: Path) -> None:
    """A continuation line over the cap is cut and tags the event it joins."""
    path = tmp_path / "trace.log"
    path.write_bytes(b"Error: boom\n  at " + b"z" * 500 + b"\n  at b\nnext\n")
    rows, _ = read(path, joiner=True)
    assert [(f"Error: boom\n  at {'z' * (CAP - 5)}\n  at b", 0, ["_truncated"]),
            ("next", 525, [])] == rows


def test_invalid_utf8_is_replaced_and_tagged(tmp_path: Path) -> None:
    """Bytes that are not UTF-8 become U+FFFD and the line says so (``_invalid_utf8``)."""
    path = tmp_path / "latin1.log"
    path.write_bytes("café ok\n".encode() + b"caf\xe9 bad\n")
    rows, _ = read(path)
    assert [("café ok", 0, []), ("caf\ufffd bad", 9, ["_invalid_utf8"])] == rows


def test_a_stray_nul_in_the_head_does_not_refuse_the_file(tmp_path: Path) -> None:
    """One NUL in the first line: the file is read (the parser tags ``_nul_removed``); a
    head that is mostly NULs is still refused as binary."""
    path = tmp_path / "nul.log"
    path.write_bytes(b"a\x00b\n" + b"good line\n" * 100)
    rows, _ = read(path)
    binary = tmp_path / "core"
    binary.write_bytes(b"\x00" * 4096)
    with pytest.raises(InputError, match="binary content"):
        inspect(str(binary))
    assert (101, "a\x00b") == (len(rows), rows[0][0])
