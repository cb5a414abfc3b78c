"""Turn a benchmark results document into ratios, a Markdown table, PNG charts and BENCHMARKS.md.

Also usable alone to re-render a saved run: ``python -m bench.report bench/results/<date>.json``.
"""

from __future__ import annotations

import re
import shutil
import sys
from pathlib import Path
from typing import Any

import orjson

LY = "lumberyard"
SHIPPING = ("standin", "es")
TITLES = {"parse": "(a) parse + enrich + serialize, one core",
          "standin": "(b) archive -> stand-in _bulk endpoint",
          "es": "(c) archive -> real Elasticsearch (single node)"}
START, END = "<!-- bench:results:start -->", "<!-- bench:results:end -->"


def _medians(results: dict[str, Any], scenario: str) -> dict[str, dict[str, Any]]:
    shippers = results["scenarios"].get(scenario, {}).get("shippers", {})
    return {name: entry["median"] for name, entry in shippers.items()}


def _div(a: float, b: float) -> float | None:
    return a / b if b else None


def ratios(results: dict[str, Any]) -> dict[str, Any]:
    """lumberyard against each peer (>1 = lumberyard better), and the goals of issue #6."""
    out: dict[str, Any] = {}
    parse = results["scenarios"].get("parse", {})
    if LY in parse and "naive-python" in parse:
        out["parse"] = {"naive-python": {"docs_per_cpu_sec": _div(
            parse[LY]["docs_per_cpu_sec"], parse["naive-python"]["docs_per_cpu_sec"])}}
    for scenario in SHIPPING:
        med = _medians(results, scenario)
        if LY not in med:
            continue
        out[scenario] = {peer: {"docs_per_sec": _div(med[LY]["docs_per_sec"], m["docs_per_sec"]),
                                "docs_per_cpu_sec": _div(med[LY]["docs_per_cpu_sec"],
                                                         m["docs_per_cpu_sec"])}
                         for peer, m in med.items() if peer != LY}
    out["goals"] = goals(results, out)
    return out


def goals(results: dict[str, Any], rat: dict[str, Any]) -> list[dict[str, Any]]:
    """Issue #6's performance goals, each with the measured value and whether it is met."""
    rows: list[dict[str, Any]] = []

    def add(text: str, value: float | None, target: float, higher: bool = True) -> None:
        met = value is not None and (value >= target if higher else value <= target)
        rows.append({"goal": text, "value": value, "target": target, "met": met})

    standin = rat.get("standin", {}).get("rsyslog")
    if standin:
        add("stand-in: docs per CPU-second vs rsyslog", standin["docs_per_cpu_sec"], 3.0)
        add("stand-in: docs/s vs rsyslog", standin["docs_per_sec"], 2.0)
    es = rat.get("es", {}).get("rsyslog")
    if es:
        add("real ES: docs/s vs rsyslog", es["docs_per_sec"], 1.0)
        ly = _medians(results, "es")[LY]
        add("real ES: lumberyard CPU / Elasticsearch CPU", _div(ly["cpu_secs"],
                                                                ly["sink_cpu_secs"]),
            1 / 3, higher=False)
    return rows


def _fmt(value: float | None, spec: str = ",.0f") -> str:
    return "n/a" if value is None else format(value, spec)


def table(results: dict[str, Any]) -> str:
    """The latest figures as Markdown."""
    corpus = results["corpus"]
    lines = [f"Run {results['date']}: {corpus['lines']:,} lines = {corpus['records']:,} "
             f"records (expected documents), median of {results['settings']['runs']} runs.", ""]
    parse = results["scenarios"].get("parse")
    if parse and "error" not in parse:
        lines += [f"**{TITLES['parse']}**", "",
                  "| shipper | docs per CPU-second | CPU-s per 1M docs |", "|---|---:|---:|"]
        lines += [f"| {name} | {_fmt(parse[name]['docs_per_cpu_sec'])} | "
                  f"{_fmt(parse[name]['cpu_secs_per_million'], '.1f')} |"
                  for name in (LY, "naive-python") if name in parse]
        lines.append("")
    for scenario in SHIPPING:
        lines += _shipping_table(results, scenario)
    lines += _goal_table(results["ratios"].get("goals", []))
    if results.get("skipped"):
        lines += ["", "Not run: " + "; ".join(f"{k} ({v})" for k, v in results["skipped"].items())]
    return "\n".join(lines)


def _shipping_table(results: dict[str, Any], scenario: str) -> list[str]:
    med = _medians(results, scenario)
    if not med:
        return []
    rat = results["ratios"].get(scenario, {})
    sink = "ES" if scenario == "es" else "stand-in"
    rows = [f"**{TITLES[scenario]}**", "",
            f"| shipper | docs indexed | docs/s | CPU-s per 1M docs | docs per CPU-s | peak RSS "
            f"MiB | {sink} CPU-s | lumberyard x (docs/s, docs per CPU-s) |",
            "|---|---:|---:|---:|---:|---:|---:|---:|"]
    for name, m in med.items():
        docs = f"{m['docs']:,.0f}" + ("" if m["complete"] else " (INCOMPLETE)")
        docs += "" if m.get("days_match", True) else " (wrong days)"
        vs = rat.get(name)
        versus = (f"{_fmt(vs['docs_per_sec'], '.2f')} / {_fmt(vs['docs_per_cpu_sec'], '.2f')}"
                  if vs else "-")
        rows.append(f"| {name} | {docs} | {_fmt(m['docs_per_sec'])} | "
                    f"{_fmt(m['cpu_secs_per_million'], '.1f')} | {_fmt(m['docs_per_cpu_sec'])} | "
                    f"{m['peak_rss_bytes'] / 2**20:,.0f} | {m['sink_cpu_secs']:.1f} | {versus} |")
    return [*rows, ""]


def _goal_table(rows: list[dict[str, Any]]) -> list[str]:
    if not rows:
        return []
    out = ["**Goals of issue #6**", "", "| goal | measured | target | met |", "|---|---:|---:|---|"]
    out += [f"| {r['goal']} | {_fmt(r['value'], '.2f')} | {r['target']:.2f} | "
            f"{'yes' if r['met'] else 'NO'} |" for r in rows]
    return out


def charts(results: dict[str, Any], stem: Path) -> list[Path]:
    """Two PNGs: docs/s and CPU-seconds per million documents, per scenario and shipper."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    scenarios = [s for s in SHIPPING if _medians(results, s)]
    if not scenarios:
        return []
    paths = []
    for key, label, fname in (("docs_per_sec", "documents per second (higher is better)",
                               "throughput"),
                              ("cpu_secs_per_million", "CPU-seconds per 1M documents "
                               "(lower is better)", "cpu")):
        fig, axes = plt.subplots(1, len(scenarios), figsize=(max(7.5, 6.5 * len(scenarios)), 4.4),
                                 squeeze=False)
        for ax, scenario in zip(axes[0], scenarios, strict=True):
            _bars(ax, results, scenario, key)
        runs = results["settings"]["runs"]
        fig.suptitle(f"{label}\n{results['corpus']['records']:,} docs, median of {runs} "
                     f"run{'s' if runs != 1 else ''}, {results['machine']['cores']} cores, "
                     f"lumberyard {results.get('lumberyard_commit', '?')}", fontsize=10)
        fig.tight_layout()
        path = stem.with_name(f"{stem.name}-{fname}.png")
        fig.savefig(path, dpi=110)
        plt.close(fig)
        paths.append(path)
    return paths


def _bars(ax: Any, results: dict[str, Any], scenario: str, key: str) -> None:
    med = _medians(results, scenario)
    names = list(med)
    values = [med[n][key] for n in names]
    colors = ["#2b7bba" if n == LY else "#9a9a9a" for n in names]
    bars = ax.barh(names, values, color=colors)
    labels = [f"{v:,.0f}" for v in values]
    if key == "cpu_secs_per_million" and scenario == "es":
        sink = [med[n]["sink_cpu_secs"] * 1e6 / med[n]["docs"] if med[n]["docs"] else 0
                for n in names]
        bars = ax.barh(names, sink, left=values, color="#f0b27a", label="Elasticsearch's CPU")
        labels = [f"{v:,.0f} + ES {e:,.0f}" for v, e in zip(values, sink, strict=True)]
        ax.legend(loc="lower right", fontsize=8)
    ax.bar_label(bars, labels=labels, padding=3, fontsize=8)
    ax.invert_yaxis()
    ax.set_title(TITLES[scenario], fontsize=10)
    ax.margins(x=0.25)


def write(results: dict[str, Any], out: Path, benchmarks_md: Path | None) -> list[Path]:
    """``<out>/<date>.json`` and its charts; with ``benchmarks_md`` also ``latest-*.png`` and
    the BENCHMARKS.md table (published runs only, so a quick run does not replace a full one)."""
    out.mkdir(parents=True, exist_ok=True)
    stamp = results["date"].replace(":", "").replace("+0000", "Z")
    json_path = out / f"{stamp}.json"
    json_path.write_bytes(orjson.dumps(results, option=orjson.OPT_INDENT_2))
    paths = [json_path, *charts(results, out / stamp)]
    if benchmarks_md is None:
        return paths
    for chart in paths[1:]:
        latest = out / ("latest-" + chart.name.split("-")[-1])
        shutil.copyfile(chart, latest)
        paths.append(latest)
    update_markdown(benchmarks_md, results, json_path)
    return [*paths, benchmarks_md]


def update_markdown(path: Path, results: dict[str, Any], json_path: Path) -> None:
    """Replace the generated section of BENCHMARKS.md (between the markers) with this run."""
    m = results["machine"]
    body = "\n".join([
        START,
        f"Machine: {m['cpu']}, {m['cores']} cores, {m['memory_bytes'] / 2**30:.0f} GiB, "
        f"{m['os']}, kernel {m['kernel']}, Python {m['python']}; load average at start "
        f"{m['load_avg_at_start'][0]:.2f}. Raw figures: `{json_path.name}`.",
        "", table(results), "",
        "![throughput](bench/results/latest-throughput.png)",
        "![cpu](bench/results/latest-cpu.png)", END])
    empty = f"# Benchmarks\n\n{START}\n{END}\n"
    text = path.read_text(encoding="utf-8") if path.exists() else empty
    if START not in text:
        text += f"\n{START}\n{END}\n"
    pattern = re.compile(re.escape(START) + ".*?" + re.escape(END), re.DOTALL)
    path.write_text(pattern.sub(lambda _: body, text), encoding="utf-8")


def main(argv: list[str]) -> int:
    """Re-render a saved run: charts, ``latest-*.png`` and the BENCHMARKS.md table."""
    source = Path(argv[0])
    results = orjson.loads(source.read_bytes())
    print(table(results))
    benchmarks_md = Path(__file__).resolve().parents[1] / "BENCHMARKS.md"
    for path in write(results, source.parent, benchmarks_md):
        print(f"wrote {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
