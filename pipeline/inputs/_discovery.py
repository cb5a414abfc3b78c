"""Turning command-line PATH arguments into an ordered list of files to read.

A PATH is a file, a directory (read recursively), a glob (``logs/**/*.gz``) or ``-`` for
stdin. What cannot be used (a missing path, a glob matching nothing, an empty directory) is
returned as a :class:`Problem` naming the path and the reason: the run goes on without it.
Rotated siblings are ordered oldest first (``app.log.3.gz``, ``app.log.2``, ``app.log.1``,
``app.log``) so a reprocess replays history in the order it was written.
"""

from __future__ import annotations

import glob
import os
import re
import stat
from collections.abc import Iterable
from dataclasses import dataclass

STDIN = "-"

_GLOB_CHARS = re.compile(r"[*?\[]")
_ROTATED = re.compile(
    r"^(?P<base>.+?)(?:[.-](?P<n>\d+))?(?P<ext>\.(?:gz|bz2|xz|zst|zstd))?$",
)


@dataclass(frozen=True, slots=True)
class Problem:
    """A path that will not be read, and why (reported, and the run exits non-zero)."""

    path: str
    reason: str


@dataclass(frozen=True, slots=True)
class Discovered:
    """The files to read (absolute paths, or ``-``) and the paths that were refused."""

    files: list[str]
    problems: list[Problem]


def discover(paths: Iterable[str]) -> Discovered:
    """Expand every PATH argument; files are deduplicated and rotated siblings ordered."""
    files: list[str] = []
    problems: list[Problem] = []
    for arg in paths:
        found, problem = _expand(arg)
        files.extend(found)
        if problem is not None:
            problems.append(problem)
        if os.path.isdir(arg):
            problems.extend(_specials(arg))
    return Discovered(files=_ordered(_unique(files)), problems=problems)


def special_kind(mode: int) -> str | None:
    """``FIFO``, ``socket``, ``character device`` or ``block device``; ``None`` otherwise."""
    for test, kind in ((stat.S_ISFIFO, "FIFO"), (stat.S_ISSOCK, "socket"),
                       (stat.S_ISCHR, "character device"), (stat.S_ISBLK, "block device")):
        if test(mode):
            return kind
    return None


def _kind_of(path: str) -> str | None:
    try:
        return special_kind(os.stat(path).st_mode)
    except OSError:
        return None  # a broken link or a vanished file: reading it reports why


def _specials(directory: str) -> list[Problem]:
    """Special files inside ``directory``: reading one could block for ever (a FIFO with no
    writer) or never end (a device), so they are named and left out."""
    return [
        Problem(path, f"{kind} inside a directory, not read (give its path on its own to "
                      "read it as a stream)")
        for path, kind in _walk(directory, special=True)
    ]


def _expand(arg: str) -> tuple[list[str], Problem | None]:
    if arg == STDIN:
        return [STDIN], None
    if os.path.isdir(arg):
        found = [path for path, _ in _walk(arg)]
        if found or _walk(arg, special=True):
            return found, None
        return found, Problem(arg, "empty directory: no files in it")
    if os.path.lexists(arg):
        return [os.path.abspath(arg)], None
    if _GLOB_CHARS.search(arg):
        found = [os.path.abspath(p) for p in glob.glob(arg, recursive=True) if os.path.isfile(p)]
        return found, None if found else Problem(arg, "no file matches this pattern")
    return [], Problem(arg, "no such file or directory")


def _walk(directory: str, special: bool = False) -> list[tuple[str, str | None]]:
    """Every file below ``directory`` (symlinked directories are not followed) with its
    special kind: the regular ones (``special=False``) or the special ones."""
    found: list[tuple[str, str | None]] = []
    for root, dirs, names in os.walk(directory):
        dirs.sort()
        for name in sorted(names):
            path = os.path.abspath(os.path.join(root, name))
            kind = _kind_of(path)
            if (kind is not None) == special:
                found.append((path, kind))
    return found


def _unique(files: list[str]) -> list[str]:
    seen: set[str] = set()
    out: list[str] = []
    for path in files:
        key = path if path == STDIN else os.path.realpath(path)
        if key not in seen:
            seen.add(key)
            out.append(path)
    return out


def rotation_key(path: str) -> tuple[str, int, str]:
    """Sort key putting rotated siblings oldest first.

    ``app.log.N[.gz]`` is older the larger N is; a date suffix (``app.log-20250912.gz``,
    6+ digits) is older the smaller it is; the live file (no suffix) is the newest.
    """
    match = _ROTATED.match(path)
    if match is None:
        return (path, 1 << 62, path)
    if match["n"] is None:
        return (match["base"], 1 << 62, path)
    number = int(match["n"])
    age = number if len(match["n"]) >= 6 else -number
    return (match["base"], age, path)


def _ordered(files: list[str]) -> list[str]:
    if STDIN in files:
        rest = [f for f in files if f != STDIN]
        return [*sorted(rest, key=rotation_key), STDIN]
    return sorted(files, key=rotation_key)
