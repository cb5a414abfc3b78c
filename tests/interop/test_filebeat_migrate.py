"""The genuine Filebeat 7.17.29 through a translated Logstash pipeline into the REAL ES: the
Beat's own ``@metadata`` (beat, version) names the index as Logstash's
``%{[@metadata][beat]}-%{[@metadata][version]}-%{+YYYY.MM.dd}`` does, the day comes from the
line's own time (grok + date), and every line is in Elasticsearch once."""

from __future__ import annotations

import tomllib
import uuid
from dataclasses import dataclass
from pathlib import Path

import pytest
from elasticsearch import Elasticsearch

from pipeline.migrate import migrate
from pipeline.migrate._toml import dumps
from tests.interop.filebeat import Filebeat
from tests.interop.serve import Serve
from tests.interop.test_filebeat import seq_counts, wait_for_count

pytestmark = [pytest.mark.integration, pytest.mark.slow, pytest.mark.timeout(900)]

PIPELINE = """input { beats { port => 5044 } }
filter {
  grok { match => { "message" => "%{COMBINEDAPACHELOG}" } }
  date { match => [ "timestamp", "dd/MMM/yyyy:HH:mm:ss Z" ] }
}
output {
  elasticsearch {
    hosts => ["http://localhost:9200"]
    index => "%{[@metadata][beat]}-%{[@metadata][version]}-%{+YYYY.MM.dd}"
  }
}
"""
LINES = 300
MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]


@dataclass
class TranslatedServe(Serve):
    """serve with the translated config, on this test's Beats port, ES and fallback prefix."""

    translated: str = ""

    def config(self) -> str:
        data = tomllib.loads(self.translated)
        data["inputs"]["beats"] = {"host": "127.0.0.1", "port": self.port}
        data["elasticsearch"] = {"url": self.es_url}
        data["enrich"]["index_prefix"] = self.index_prefix
        return dumps(data)


def test_filebeat_metadata_names_the_daily_index(
    tmp_path: Path, filebeat_binary: Path, es_url: str, es_client: Elasticsearch,
    unique_name: str,
) -> None:
    """Access lines of a day of this test's own, tailed by Filebeat: all LINES documents are
    in filebeat-7.17.29-<that day>, none in the fallback index, none twice."""
    n = uuid.uuid4().int
    year, month, dom = 2100 + n % 800, 1 + n // 800 % 12, 1 + n // 9600 % 28
    day = f"{year}.{month:02d}.{dom:02d}"
    log = tmp_path / "access.log"
    with log.open("w", encoding="utf-8") as out:
        for seq in range(1, LINES + 1):
            out.write(f'10.0.0.{seq % 250} - - [{dom:02d}/{MONTHS[month - 1]}/{year}:12:00:00 '
                      f'+0000] "GET /interop-seq-{seq:06d} HTTP/1.1" 200 5 "-" "curl/8"\n')
    migration = migrate(_write(tmp_path / "logstash.conf", PIPELINE))
    assert [] == [note.text for note in migration.translation.notes if note.kind == "unsupported"]
    # the shared cluster: this run's template claims only its own days of filebeat-*
    ours = f"filebeat-7.17.29-{year}.{month:02d}.*"
    translated = migration.toml.replace("['filebeat-*']", f"['{ours}']")
    prefix = f"{unique_name}-"
    serve = TranslatedServe(tmp_path / "serve", es_url, prefix, translated=translated).start()
    beat = Filebeat(filebeat_binary, tmp_path / "filebeat", [log], [f"127.0.0.1:{serve.port}"])
    beat.start()
    try:
        docs = wait_for_count(es_client, f"filebeat-7.17.29-{day}", LINES)
        fallback = es_client.count(index=f"{prefix}*", allow_no_indices=True)["count"]
    finally:
        beat.stop()
        status = serve.stop()
        es_client.options(ignore_status=404).indices.delete(index=f"filebeat-7.17.29-{day}")
        _remove(es_client, unique_name)
    counts = seq_counts(docs)
    assert (0, LINES, 0, {1}, set()) == (
        status, len(docs), fallback, set(counts.values()),
        {d["@timestamp"][:10] for d in docs} - {f"{year}-{month:02d}-{dom:02d}"}), (
        serve.log_tail() + beat.log_tail())


def _write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


def _remove(es: Elasticsearch, stem: str) -> None:
    """The fallback indices and the templates serve installed for this test's prefix."""
    es.options(ignore_status=404).indices.delete(index=f"{stem}-*")
    es.options(ignore_status=404).indices.delete_index_template(name=stem)
    for part in ("settings", "ecs", "app"):
        es.options(ignore_status=404).cluster.delete_component_template(name=f"{stem}-{part}")
