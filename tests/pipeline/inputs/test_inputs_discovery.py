"""PATH arguments expand to files (recursively, by glob, stdin); what is unusable is named."""

from __future__ import annotations

import os
from pathlib import Path

from pipeline.inputs import STDIN, Problem, discover, rotation_key


def _touch(path: Path) -> str:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("x\n")
    return str(path)


def test_directories_are_read_recursively(tmp_path: Path) -> None:
    """Every file below a directory is found, nested ones included."""
    a = _touch(tmp_path / "a.log")
    b = _touch(tmp_path / "sub" / "deeper" / "b.log")
    assert sorted([a, b]) == sorted(discover([str(tmp_path)]).files)


def test_globs_expand_and_stdin_is_kept_last(tmp_path: Path) -> None:
    """A glob matches files; ``-`` is read after the files."""
    a = _touch(tmp_path / "a.log")
    _touch(tmp_path / "b.txt")
    found = discover([STDIN, str(tmp_path / "*.log")])
    assert [a, STDIN] == found.files


def test_unusable_paths_are_problems_with_reasons(tmp_path: Path) -> None:
    """A missing path, a glob matching nothing and an empty directory are reported."""
    (tmp_path / "empty").mkdir()
    missing, pattern = str(tmp_path / "nope.log"), str(tmp_path / "*.gz")
    found = discover([missing, pattern, str(tmp_path / "empty")])
    expected = [
        Problem(missing, "no such file or directory"),
        Problem(pattern, "no file matches this pattern"),
        Problem(str(tmp_path / "empty"), "empty directory: no files in it"),
    ]
    assert ([], expected) == (found.files, found.problems)


def test_the_same_file_named_twice_is_read_once(tmp_path: Path) -> None:
    """A file given directly and through its directory (or a symlink) is one file."""
    a = _touch(tmp_path / "a.log")
    os.symlink(a, tmp_path / "link.log")
    assert [a] == discover([a, str(tmp_path), str(tmp_path / "link.log")]).files


def test_rotated_files_are_ordered_oldest_first(tmp_path: Path) -> None:
    """``app.log.3.gz, app.log.2, app.log.1, app.log``: numbered rotations count back."""
    names = ["app.log", "app.log.1", "app.log.2", "app.log.3.gz", "app.log.10.gz"]
    paths = [_touch(tmp_path / n) for n in names]
    expected = [paths[4], paths[3], paths[2], paths[1], paths[0]]
    assert expected == discover([str(tmp_path)]).files


def test_date_rotations_are_ordered_by_date() -> None:
    """``app.log-20250911.gz`` is older than ``app.log-20250912.gz``, both older than live."""
    names = ["/l/app.log", "/l/app.log-20250912.gz", "/l/app.log-20250911.gz"]
    expected = ["/l/app.log-20250911.gz", "/l/app.log-20250912.gz", "/l/app.log"]
    assert expected == sorted(names, key=rotation_key)
