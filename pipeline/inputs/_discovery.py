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
    return Discovered(files=_ordered(_unique(files)), problems=problems)


def _expand(arg: str) -> tuple[list[str], Problem | None]:
    if arg == STDIN:
        return [STDIN], None
    if os.path.isdir(arg):
        found = _walk(arg)
        return found, None if found else Problem(arg, "empty directory: no files in it")
    if os.path.lexists(arg):
        return [os.path.abspath(arg)], None
    if _GLOB_CHARS.search(arg):
        found = [os.path.abspath(p) for p in glob.glob(arg, recursive=True) if os.path.isfile(p)]
        return found, None if found else Problem(arg, "no file matches this pattern")
    return [], Problem(arg, "no such file or directory")


def _walk(directory: str) -> list[str]:
    """Every regular file below ``directory`` (symlinked directories are not followed)."""
    found: list[str] = []
    for root, dirs, names in os.walk(directory):
        dirs.sort()
        found.extend(os.path.abspath(os.path.join(root, n)) for n in names)
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
