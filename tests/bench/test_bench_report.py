"""The report: ratios against peers, issue #6's goals, the Markdown table and BENCHMARKS.md."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from bench import report


def _median(docs_per_sec: float, cpu_secs: float, sink_cpu: float = 0.0) -> dict[str, Any]:
    docs = 1_000_000
    return {"docs": docs, "complete": True, "days_match": True, "docs_per_sec": docs_per_sec,
            "cpu_secs": cpu_secs, "cpu_secs_per_million": cpu_secs,
            "docs_per_cpu_sec": docs / cpu_secs, "peak_rss_bytes": 50 * 2**20,
            "sink_cpu_secs": sink_cpu, "wall_secs": docs / docs_per_sec}


def _results() -> dict[str, Any]:
    standin = {"lumberyard": _median(40_000, 20.0), "rsyslog": _median(10_000, 80.0)}
    es = {"lumberyard": _median(12_000, 30.0, sink_cpu=120.0),
          "rsyslog": _median(15_000, 25.0, sink_cpu=100.0)}
    results: dict[str, Any] = {
        "date": "2026-12-01T08:00:00+00:00",
        "machine": {"cpu": "x", "cores": 2, "memory_bytes": 2**34, "os": "Debian",
                    "kernel": "6", "python": "3.11", "load_avg_at_start": (0.5, 0.5, 0.5)},
        "settings": {"runs": 3},
        "corpus": {"lines": 1_100_000, "records": 1_000_000},
        "skipped": {},
        "scenarios": {
            "parse": {"lumberyard": {"docs_per_cpu_sec": 30_000.0, "cpu_secs_per_million": 33.3},
                      "naive-python": {"docs_per_cpu_sec": 60_000.0,
                                       "cpu_secs_per_million": 16.7}},
            "standin": {"shippers": {n: {"median": m} for n, m in standin.items()}},
            "es": {"shippers": {n: {"median": m} for n, m in es.items()}},
        },
    }
    results["ratios"] = report.ratios(results)
    return results


def test_ratios_are_lumberyard_over_peer() -> None:
    """Ratios above 1 mean lumberyard is faster / more CPU-efficient than the peer."""
    rat = _results()["ratios"]
    assert rat["standin"]["rsyslog"] == {"docs_per_sec": 4.0, "docs_per_cpu_sec": 4.0}
    assert rat["es"]["rsyslog"] == {"docs_per_sec": 0.8, "docs_per_cpu_sec": 25.0 / 30.0}
    assert rat["parse"] == {"naive-python": {"docs_per_cpu_sec": 0.5}}


def test_goals_of_issue_6() -> None:
    """Each goal carries the measured value, the target and whether it is met."""
    got = [(g["goal"], round(g["value"], 3), g["met"]) for g in _results()["ratios"]["goals"]]
    assert got == [
        ("stand-in: docs per CPU-second vs rsyslog", 4.0, True),
        ("stand-in: docs/s vs rsyslog", 4.0, True),
        ("real ES: docs/s vs rsyslog", 0.8, False),
        ("real ES: lumberyard CPU / Elasticsearch CPU", 0.25, True),
    ]


def test_table_lists_every_shipper_and_goal() -> None:
    """The Markdown table has a row per shipper and scenario, and the goals with yes/NO."""
    text = report.table(_results())
    assert text.count("| lumberyard |") == 3
    assert text.count("| rsyslog |") == 2
    assert "| real ES: docs/s vs rsyslog | 0.80 | 1.00 | NO |" in text


def test_incomplete_runs_are_flagged() -> None:
    """A shipper that did not index everything is marked INCOMPLETE in the table."""
    results = _results()
    results["scenarios"]["standin"]["shippers"]["rsyslog"]["median"]["complete"] = False
    assert "1,000,000 (INCOMPLETE)" in report.table(results)


def test_markdown_section_is_replaced_not_appended(tmp_path: Path) -> None:
    """Updating BENCHMARKS.md twice keeps the hand-written text and one generated section."""
    md = tmp_path / "BENCHMARKS.md"
    md.write_text(f"# Benchmarks\n\nMethod text.\n\n{report.START}\nold\n{report.END}\n")
    report.update_markdown(md, _results(), tmp_path / "r.json")
    report.update_markdown(md, _results(), tmp_path / "r.json")
    text = md.read_text()
    assert (1, 1, True, False) == (text.count(report.START), text.count("**Goals of issue #6**"),
                                   "Method text." in text, "\nold\n" in text)


def test_charts_are_written(tmp_path: Path) -> None:
    """Two PNG charts (throughput, CPU) are written for the shipping scenarios."""
    paths = report.charts(_results(), tmp_path / "run")
    assert [p.name for p in paths] == ["run-throughput.png", "run-cpu.png"]
    assert all(p.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" for p in paths)
