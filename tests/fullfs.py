"""A real small filesystem to fill up: a tmpfs mounted for one test (the tests run as root).

``mount -t tmpfs -o size=...`` gives a filesystem that answers ENOSPC for real, including
the short write (part of the bytes taken, the rest refused) that a simulated error never
shows. The mount is removed in teardown, also when the test fails.
"""

from __future__ import annotations

import errno
import os
import subprocess
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

PAGE = 4096
"""tmpfs counts space in pages."""


@contextmanager
def small_filesystem(directory: Path, size: str = "1m") -> Iterator[Path]:
    """``directory`` with a tmpfs of ``size`` mounted on it for the duration."""
    directory.mkdir(parents=True, exist_ok=True)
    mounted = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", f"size={size}", "tmpfs", str(directory)],
        capture_output=True, text=True, check=False,
    )
    if mounted.returncode != 0:
        pytest.fail(f"this test needs to mount a tmpfs (run as root): {mounted.stderr.strip()}")
    try:
        yield directory
    finally:
        subprocess.run(["umount", "-l", str(directory)], check=True)


def fill(directory: Path, leave_bytes: int = 0) -> Path:
    """Fill the filesystem of ``directory`` with one file, then free ``leave_bytes`` (rounded
    down to pages) again; returns the filler (delete it to make room)."""
    filler = directory / "filler"
    fd = os.open(filler, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644)
    written = 0
    try:
        while True:
            written += os.write(fd, b"\0" * (64 * 1024))
    except OSError as exc:
        if exc.errno != errno.ENOSPC:
            raise
    try:
        while True:
            written += os.write(fd, b"\0" * 512)
    except OSError as exc:
        if exc.errno != errno.ENOSPC:
            raise
    os.ftruncate(fd, max(0, written - leave_bytes // PAGE * PAGE))
    os.close(fd)
    return filler
