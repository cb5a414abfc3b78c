"""The ``reprocess`` command's own checks: times, exclusive options, exit codes."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest
import typer
from typer.testing import CliRunner

from pipeline.cli import app
from pipeline.cli._reprocess import parse_time


def test_times_are_iso_and_naive_ones_are_utc() -> None:
    """A date or a naive time means UTC; an explicit offset is kept."""
    assert [datetime(2025, 9, 12, tzinfo=UTC), datetime(2025, 9, 12, 10, tzinfo=UTC)] == [
        parse_time("2025-09-12", "--since"),
        parse_time("2025-09-12T12:00:00+02:00", "--since"),
    ]


def test_a_bad_time_names_the_option() -> None:
    """An unparsable --until is refused with the option's name."""
    with pytest.raises(typer.BadParameter, match="not an ISO-8601 time"):
        parse_time("yesterday", "--until")


def test_dry_run_and_to_kafka_exclude_each_other(tmp_path: Path) -> None:
    """Asking for both is a usage error (exit 2), nothing is read."""
    result = CliRunner().invoke(
        app, ["reprocess", str(tmp_path), "--dry-run", "--to-kafka", "t"], catch_exceptions=False
    )
    assert (2, True) == (result.exit_code, "exclude each other" in result.output)


def test_only_bad_input_means_exit_1_with_the_reasons(tmp_path: Path) -> None:
    """A dry run over an empty directory and a missing file reads nothing and exits 1,
    naming both paths and why."""
    (tmp_path / "empty").mkdir()
    args = ["reprocess", str(tmp_path / "empty"), str(tmp_path / "gone.log"), "--dry-run",
            "--data-dir", str(tmp_path / "data")]
    result = CliRunner().invoke(app, args, catch_exceptions=False)
    assert (1, True, True) == (
        result.exit_code,
        f"skipped: {tmp_path / 'empty'}: empty directory: no files in it" in result.output,
        f"skipped: {tmp_path / 'gone.log'}: no such file or directory" in result.output,
    )
