"""`lumberyard check --connect` against the real Elasticsearch and Kafka of the stack."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from pipeline.cli import app
from pipeline.stack import free_port

pytestmark = pytest.mark.integration


@pytest.fixture(autouse=True)
def _no_env_endpoints(monkeypatch: pytest.MonkeyPatch) -> None:
    """The endpoints come from the config file here, not from the test run's ES_URL."""
    for name in ("ES_URL", "KAFKA_BOOTSTRAP"):
        monkeypatch.delenv(name, raising=False)


def _config(tmp_path: Path, es_prefix: str, es_url: str, kafka: str) -> Path:
    path = tmp_path / "lumberyard.toml"
    path.write_text(
        f'[enrich]\nindex_prefix = "{es_prefix}"\n[elasticsearch]\nurl = "{es_url}"\n'
        f'[kafka]\nbootstrap_servers = "{kafka}"\n',
        encoding="utf-8",
    )
    return path


def test_missing_template_then_setup_then_ok(
    es_url: str, kafka_bootstrap: str, es_prefix: str, tmp_path: Path
) -> None:
    """Before setup the template is missing (exit 1); after it every check passes (exit 0)."""
    path = _config(tmp_path, es_prefix, es_url, kafka_bootstrap)
    args = ["check", "--config", str(path), "--connect"]
    before = CliRunner().invoke(app, args)
    stem = es_prefix.rstrip("-")
    assert 1 == before.exit_code
    assert f"index template '{stem}' is missing: run `lumberyard setup`" in before.output
    setup = CliRunner().invoke(app, ["setup", "--es-url", es_url, "--config", str(path)])
    assert 0 == setup.exit_code
    after = CliRunner().invoke(app, args)
    assert 0 == after.exit_code
    assert f"index template '{stem}' covers {es_prefix}*" in after.output
    assert f"API versions from {kafka_bootstrap})" in after.output


def test_nobody_listening(tmp_path: Path, kafka_bootstrap: str) -> None:
    """Elasticsearch and Kafka on ports nobody listens on: both reported, exit 1."""
    es = f"http://127.0.0.1:{free_port()}"
    kafka = f"127.0.0.1:{free_port()}"
    path = _config(tmp_path, "logs-", es, kafka)
    result = CliRunner().invoke(app, ["check", "--config", str(path), "--connect"])
    assert 1 == result.exit_code
    assert f"elasticsearch {es} (no auth): NotConnected: cannot connect" in result.output
    assert f"kafka {kafka}: does not answer: {kafka}: " in result.output


def test_a_template_without_the_index_patterns_is_reported(
    es_url: str, kafka_bootstrap: str, es_prefix: str, tmp_path: Path
) -> None:
    """[enrich] index added after setup: check names the pattern the template lacks
    (exit 1); after setup with that config it covers both (exit 0)."""
    path = _config(tmp_path, es_prefix, es_url, kafka_bootstrap)
    stem = es_prefix.rstrip("-")
    assert 0 == CliRunner().invoke(app, ["setup", "--es-url", es_url, "--config", str(path)]
                                   ).exit_code
    text = path.read_text(encoding="utf-8").replace(
        "[enrich]\n", f"[enrich]\nindex = '{stem}x-%{{+YYYY.MM.dd}}'\n")
    path.write_text(text, encoding="utf-8")
    args = ["check", "--config", str(path), "--connect"]
    before = CliRunner().invoke(app, args)
    setup = CliRunner().invoke(app, ["setup", "--es-url", es_url, "--config", str(path)])
    after = CliRunner().invoke(app, args)
    assert (1, True, 0, 0, True) == (
        before.exit_code, f"index template '{stem}' does not cover {stem}x-*" in before.output,
        setup.exit_code, after.exit_code,
        f"index template '{stem}' covers {es_prefix}*, {stem}x-*" in after.output), (
        before.output + after.output)
