"""Peer configs and the naive baseline: same records, same daily indices, private paths."""

from __future__ import annotations

from pathlib import Path

from bench.corpus import describe, generate
from bench.peers import SHIPPERS, Job
from bench.peers.naive import logical_lines, to_doc


def _job(tmp_path: Path) -> Job:
    return Job(tmp_path / "c.log", tmp_path / "c.log.gz", "http://127.0.0.1:9299", "pfx-",
               tmp_path, 10)


def test_naive_baseline_routes_like_the_corpus_says() -> None:
    """The naive baseline joins multiline records and puts each dated one in its UTC day."""
    stats = describe(5000, seed=3)
    days: dict[str, int] = {}
    records = list(logical_lines(generate(5000, seed=3)))
    for record in records:
        day, doc = to_doc(record, "today")
        if "_parsefailure" not in doc.get("tags", ()):
            days[day] = days.get(day, 0) + 1
    assert (stats.records, dict(stats.days)) == (len(records), days)


def test_naive_baseline_normalises_bracketed_stamps() -> None:
    """A space/comma/no-colon stamp becomes ISO 8601 with its offset; level and k=v are kept."""
    day, doc = to_doc("[2025-09-12 01:30:00,250+0200] WARN slow call service=api took=3", "x")
    expected = {"timestamp": "2025-09-12T01:30:00.250000+02:00", "level": "WARN",
                "message": "slow call", "service": "api", "took": "3"}
    assert ("2025.09.11", expected) == (day, doc)


def test_naive_baseline_tags_what_it_cannot_parse() -> None:
    """Malformed lines go to the given day's index, tagged, with the line as message."""
    assert ("d", {"message": "[1, 2]", "tags": ["_parsefailure"]}) == to_doc("[1, 2]", "d")


def test_daemon_peers_write_private_configs(tmp_path: Path) -> None:
    """rsyslog and syslog-ng configs live in the job's dir and name its corpus, port, prefix."""
    for name in ("rsyslog", "syslog-ng"):
        launch = SHIPPERS[name].launch(_job(tmp_path))
        conf = next(tmp_path.glob(f"{name}.conf")).read_text()
        assert (True, True, True, True) == (launch.daemon, str(tmp_path / "c.log") in conf,
                                            "9299" in conf, "pfx-" in conf)


def test_finite_shippers_read_the_gzip_corpus(tmp_path: Path) -> None:
    """lumberyard and the naive baseline read the gzip corpus and exit when done."""
    for name in ("lumberyard", "naive-python"):
        launch = SHIPPERS[name].launch(_job(tmp_path))
        assert (False, True) == (launch.daemon, str(tmp_path / "c.log.gz") in launch.argv)
