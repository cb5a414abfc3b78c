"""The Prometheus alert rules: valid for promtool, and firing when they should.

promtool comes from Debian's `prometheus` package (.ci/run installs it when missing); without
it this test fails and says so, since the rules' behaviour is otherwise unproven.
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

RULES_DIR = Path(__file__).resolve().parents[2] / "ops" / "prometheus"


@pytest.fixture(scope="module")
def promtool() -> str:
    found = shutil.which("promtool")
    if found is None:
        pytest.fail("promtool not found: apt-get install prometheus (Debian) provides it", False)
    return found


def _run(*args: str) -> tuple[int, list[str]]:
    """Exit code and the non-blank output lines, stripped."""
    done = subprocess.run(args, cwd=RULES_DIR, capture_output=True, text=True, timeout=120,
                          check=False)
    lines = [line.strip() for line in (done.stdout + done.stderr).splitlines() if line.strip()]
    return done.returncode, lines


def test_rules_pass_promtool_check(promtool: str) -> None:
    """`promtool check rules` accepts the file and counts every rule."""
    code, lines = _run(promtool, "check", "rules", "lumberyard-rules.yml")
    assert (0, "SUCCESS: 10 rules found") == (code, lines[-1])


def test_rule_unit_tests_pass(promtool: str) -> None:
    """`promtool test rules`: each alert fires on its bad series and not on the good ones."""
    code, lines = _run(promtool, "test", "rules", "lumberyard-rules.test.yml")
    assert (0, "SUCCESS") == (code, lines[-1]), "\n".join(lines)


def test_prometheus_config_passes_promtool(promtool: str) -> None:
    """The compose file's Prometheus config (scrape job + rules) is valid."""
    code, lines = _run(promtool, "check", "config", "prometheus.yml")
    assert (0, "SUCCESS: 10 rules found") == (code, lines[-1]), "\n".join(lines)
