"""Every expression of the alert rules and the Grafana dashboard names a metric lumberyard
exports (the catalog the exporter is built from), and the dashboard's PromQL parses."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
import yaml

from pipeline.observe import CATALOG, exported_series

OPS = Path(__file__).resolve().parents[2] / "ops"
DASHBOARD = OPS / "grafana" / "lumberyard-dashboard.json"
RULES = OPS / "prometheus" / "lumberyard-rules.yml"

PROMQL_WORDS = frozenset({"and", "or", "unless", "by", "without", "on", "ignoring", "bool",
                          "group_left", "group_right", "offset", "inf", "nan"})
SCRAPE_SERIES = frozenset({"up"})
"""What Prometheus itself records for every target."""


def metric_names(expr: str) -> set[str]:
    """The metric names an expression selects: identifiers that are not functions, keywords,
    label names (inside {} or by/without (...)) or durations."""
    text = re.sub(r'"(?:[^"\\]|\\.)*"', '""', expr)  # label values, strings
    text = re.sub(r"\{[^}]*\}", "", text)  # label matchers
    text = re.sub(r"\[[^\]]*\]", "", text)  # ranges
    text = re.sub(r"\b\d+(?:\.\d+)?[a-z]*\b", "", text)  # numbers and durations (offset 5m)
    text = re.sub(r"\b(?:by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)", "", text)
    names = set()
    for found in re.finditer(r"[A-Za-z_:][A-Za-z0-9_:]*", text):
        after = text[found.end():].lstrip()[:1]
        word = found.group()
        if after != "(" and word.lower() not in PROMQL_WORDS and not word.startswith("$"):
            names.add(word)
    return names


def dashboard_exprs() -> list[str]:
    dashboard = json.loads(DASHBOARD.read_text(encoding="utf-8"))
    exprs = [t["expr"] for panel in dashboard["panels"] for t in panel["targets"]]
    for variable in dashboard["templating"]["list"]:
        if variable["type"] == "query":
            exprs.append(re.sub(r"^label_values\((\w+),.*\)$", r"\1", variable["definition"]))
    return exprs


def rule_exprs() -> list[str]:
    groups = yaml.safe_load(RULES.read_text(encoding="utf-8"))["groups"]
    return [rule["expr"] for group in groups for rule in group["rules"]]


def test_the_name_extraction() -> None:
    """The extractor finds metrics and skips functions, labels, keywords and ranges."""
    expr = ('histogram_quantile(0.9, sum by (le) (rate(a_b_bucket{x="y", le!="1"}[5m]))) '
            "/ on (instance) group_left c > 0 and d_total offset 5m")
    assert {"a_b_bucket", "c", "d_total"} == metric_names(expr)


@pytest.mark.parametrize("source", ["dashboard", "rules"])
def test_every_expression_names_an_exported_metric(source: str) -> None:
    """No panel or alert watches a metric that does not exist (a silent empty graph, an
    alert that can never fire)."""
    exprs = dashboard_exprs() if source == "dashboard" else rule_exprs()
    known = exported_series() | SCRAPE_SERIES
    unknown = {name: expr for expr in exprs for name in metric_names(expr) if name not in known}
    assert {} == unknown
    assert all(metric_names(expr) for expr in exprs)


def test_dashboard_and_rules_cover_the_catalog() -> None:
    """Every exported family appears on the dashboard (nothing exported goes unseen)."""
    used = {name for expr in dashboard_exprs() for name in metric_names(expr)}
    unseen = [spec.name for spec in CATALOG if not set(spec.series_names) & used]
    assert [] == unseen


def test_dashboard_promql_parses(tmp_path: Path) -> None:
    """Each dashboard expression (Grafana variables filled in) passes `promtool check rules`."""
    promtool = shutil.which("promtool")
    if promtool is None:
        pytest.fail("promtool not found: apt-get install prometheus (Debian) provides it", False)
    rules: list[dict[str, Any]] = [
        {"record": f"lumberyard:dashboard_{i}",
         "expr": expr.replace("$__rate_interval", "1m").replace("$instance", ".*")}
        for i, expr in enumerate(dashboard_exprs())
    ]
    path = tmp_path / "dashboard-rules.yml"
    path.write_text(yaml.safe_dump({"groups": [{"name": "dashboard", "rules": rules}]}),
                    encoding="utf-8")
    done = subprocess.run([promtool, "check", "rules", str(path)], capture_output=True,
                          text=True, timeout=120, check=False)
    assert 0 == done.returncode, done.stdout + done.stderr
