"""``bench.lumber`` results: JSON, a bar chart, and the ``bench:lumber`` BENCHMARKS.md section."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

START, END = "<!-- bench:lumber:start -->", "<!-- bench:lumber:end -->"


def table(results: dict[str, Any]) -> str:
    """Markdown: one row per server, with the ratio to tst-lj measured in the same run."""
    rows = results["rows"]
    ref = next((r["peak"]["events_per_sec"] for r in rows if r["name"] == "tst-lj"), 0.0)
    out = [
        f"Run of {results['date']}, lumberyard {results.get('lumberyard_commit', '?')} "
        f"({results['cores']} cores, load average at start "
        f"{results['load_avg'][0]:.1f}); tst-send windows of {results['window']}, zlib level "
        f"{results['compress']}, {results['secs']:.0f} s measured after {results['warmup']:.0f}"
        " s warm-up.", "",
        "| server | events/s | vs tst-lj | server CPU-s per 1M | ACK p50 ms | ACK p99 ms "
        "| at events/s |",
        "|---|---:|---:|---:|---:|---:|---:|",
    ]
    for r in rows:
        peak, lat = r["peak"], r.get("latency") or {}
        ratio = f"{peak['events_per_sec'] / ref:.2f}" if ref else "-"
        out.append(
            f"| {r['name']} | {peak['events_per_sec']:,.0f} | {ratio} | "
            f"{peak['server_cpu_secs_per_million']:.1f} | {lat.get('p50_ms', 0):.1f} | "
            f"{lat.get('p99_ms', 0):.1f} | {lat.get('achieved_events_per_sec', 0):,.0f} |")
    for name, reason in results.get("skipped", {}).items():
        out.append(f"\nNot measured: {name}: {reason}.")
    return "\n".join(out)


def chart(results: dict[str, Any], path: Path) -> Path:
    """Bar chart of events/s per server."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    names = [r["name"] for r in results["rows"]]
    rates = [r["peak"]["events_per_sec"] for r in results["rows"]]
    fig, ax = plt.subplots(figsize=(8, 3.5))
    ax.barh(names, rates, color="#4477aa")
    ax.set_xlabel("events/s ACKed to tst-send (windows of 2048, compressed)")
    ax.invert_yaxis()
    fig.tight_layout()
    fig.savefig(path, dpi=100)
    plt.close(fig)
    return path


def write(results: dict[str, Any], out: Path, benchmarks_md: Path | None) -> list[Path]:
    """Write the JSON and chart under ``out``; update BENCHMARKS.md's section when given."""
    out.mkdir(parents=True, exist_ok=True)
    stem = out / f"lumber-{results['date'][:19].replace(':', '')}"
    json_path = stem.with_suffix(".json")
    json_path.write_text(json.dumps(results, indent=1), encoding="utf-8")
    written = [json_path, chart(results, stem.with_suffix(".png"))]
    if benchmarks_md is not None:
        latest = chart(results, out / "latest-lumber.png")
        text = benchmarks_md.read_text(encoding="utf-8")
        body = (f"{START}\n{table(results)}\n\n![Lumberjack events/s]"
                f"(bench/results/{latest.name})\n\nRaw: `bench/results/{json_path.name}`\n{END}")
        if START in text:
            head, rest = text.split(START, 1)
            text = head + body + rest.split(END, 1)[1]
        else:
            text += f"\n## Lumberjack (Beats) input\n\n{body}\n"
        benchmarks_md.write_text(text, encoding="utf-8")
        written += [latest, benchmarks_md]
    return written
