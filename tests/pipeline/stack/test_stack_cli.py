"""``python -m pipeline.stack`` / ``lumberyard stack`` commands that need no server."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from pipeline.stack import free_port
from pipeline.stack._cli import stack_app


@pytest.fixture
def idle_stack(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Path:
    """A stack configuration on free ports in an empty state dir: nothing runs there."""
    monkeypatch.setenv("LUMBERYARD_STATE_DIR", str(tmp_path))
    for name in ("ES_PORT", "ES_TRANSPORT_PORT", "KAFKA_PORT", "KAFKA_CONTROLLER_PORT"):
        monkeypatch.setenv(f"LUMBERYARD_{name}", str(free_port()))
    monkeypatch.delenv("ES_URL", raising=False)
    return tmp_path


def test_status_of_a_stopped_stack_says_down_and_exits_3(idle_stack: Path) -> None:
    """status reports each server as down and exits 3, so scripts can test readiness."""
    result = CliRunner().invoke(stack_app, ["status"])
    states = [line.split()[:2] for line in result.output.splitlines()]
    assert (3, [["elasticsearch", "down"], ["kafka", "down"]]) == (result.exit_code, states)


def test_down_of_a_stopped_stack_stops_nothing(idle_stack: Path) -> None:
    """down is idempotent: with nothing running it says so and succeeds."""
    result = CliRunner().invoke(stack_app, ["down"])
    assert (0, "stopped nothing (not running)\n") == (result.exit_code, result.output)


def test_up_with_external_servers_provisions_nothing(
    idle_stack: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """With ES_URL and KAFKA_BOOTSTRAP set, up only names them and starts nothing."""
    monkeypatch.setenv("ES_URL", "http://es.example:9200")
    monkeypatch.setenv("KAFKA_BOOTSTRAP", "kafka.example:9092")
    result = CliRunner().invoke(stack_app, ["up"])
    assert (0, []) == (result.exit_code, list(idle_stack.iterdir()))
    assert "http://es.example:9200" in result.output
