"""The built wheel works on its own: installed into a fresh virtualenv, run outside the source
tree, against the REAL Elasticsearch.

The wheel is built from this checkout (``pip wheel --no-deps``), installed with the tested
pins (``constraints.txt``) into a new venv that does not see the checkout, and run from a
directory outside it: every module of ``pipeline`` and ``parsers`` imports (a dependency that
is imported but not declared fails here), the schema files ship in the wheel, and
``lumberyard setup``, ``parse``, ``reprocess`` and ``serve`` do their jobs.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
import venv
import zipfile
from pathlib import Path

import pytest
from elasticsearch import Elasticsearch
from pylogbeat import PyLogBeatClient

from pipeline.stack import free_port, port_open

pytestmark = pytest.mark.integration

REPO = Path(__file__).resolve().parent.parent
SCHEMA_FILES = {
    "pipeline/setup/mappings/index-template.json",
    "pipeline/setup/mappings/component/universal-ai-tools-settings.json",
    "pipeline/setup/mappings/component/universal-ai-tools-ecs.json",
    "pipeline/setup/mappings/component/universal-ai-tools-app.json",
    "pipeline/setup/mappings/kibana/universal-ai-tools-data-view.ndjson",
    "pipeline/stack/pom.xml",
}
IMPORT_ALL = """
import importlib, pkgutil, pipeline, parsers
names = []
for package in (pipeline, parsers):
    for module in pkgutil.walk_packages(package.__path__, package.__name__ + "."):
        if module.name.endswith(".__main__"):
            continue  # running it is the CLI, not an import
        importlib.import_module(module.name)
        names.append(module.name)
print(len(names), pipeline.__file__)
"""
LINES = (
    '{"level":"info","message":"Business Event","service":"auth-service",'
    '"timestamp":"2025-09-12T10:00:00.000Z"}\n'
    "[2025-09-12T10:00:01.000Z] ERROR payment declined\n"
    "[2025-09-12T10:00:02.000Z] INFO done\n"
)


def run(argv: list[str], cwd: Path, **kwargs: object) -> subprocess.CompletedProcess[str]:
    """Run ``argv`` in ``cwd`` with no trace of the checkout on the Python path."""
    env = {k: v for k, v in os.environ.items() if k not in {"PYTHONPATH", "VIRTUAL_ENV"}}
    done = subprocess.run(argv, cwd=cwd, env=env, capture_output=True, text=True,
                          timeout=900, check=False, **kwargs)  # type: ignore[call-overload]
    assert 0 == done.returncode, f"{argv}\n{done.stdout}\n{done.stderr}"
    return done  # type: ignore[no-any-return]


@pytest.fixture(scope="module")
def installed(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A fresh venv with the wheel built from this checkout; returns its bin directory."""
    root = tmp_path_factory.mktemp("wheel")
    run([sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps", "--wheel-dir",
         str(root / "dist"), str(REPO)], cwd=root)
    (wheel,) = (root / "dist").glob("lumberyard-*.whl")
    venv.EnvBuilder(with_pip=True).create(root / "venv")
    bin_dir = root / "venv" / "bin"
    run([str(bin_dir / "pip"), "install", "--quiet", "-c", str(REPO / "constraints.txt"),
         str(wheel)], cwd=root)
    return bin_dir


def test_the_wheel_carries_the_schema_and_every_module_imports(installed: Path) -> None:
    """The schema files are in the wheel; every module imports with only the declared
    dependencies, from the venv (not the checkout); pip finds nothing missing."""
    (wheel,) = (installed.parent.parent / "dist").glob("lumberyard-*.whl")
    shipped = set(zipfile.ZipFile(wheel).namelist())
    outside = installed.parent.parent
    imported = run([str(installed / "python"), "-c", IMPORT_ALL], cwd=outside).stdout.split()
    run([str(installed / "pip"), "check"], cwd=outside)
    assert (set(), True) == (
        SCHEMA_FILES - shipped, imported[1].startswith(str(installed.parent)))


def test_setup_parse_and_reprocess_from_the_installed_wheel(
    installed: Path, tmp_path: Path, es_url: str, es_client: Elasticsearch, unique_name: str
) -> None:
    """From a directory outside the checkout: ``setup`` installs the templates (read from the
    installed package), ``parse`` prints documents, ``reprocess`` indexes every line."""
    prefix = f"{unique_name}-"
    config = tmp_path / "lumberyard.toml"
    config.write_text(f'[enrich]\nindex_prefix = "{prefix}"\n', encoding="utf-8")
    log = tmp_path / "app.log"
    log.write_text(LINES, encoding="utf-8")
    lumberyard = str(installed / "lumberyard")
    setup = run([lumberyard, "setup", "--es-url", es_url, "--config", str(config)], cwd=tmp_path)
    parsed = run([lumberyard, "parse", str(log), "--config", str(config)], cwd=tmp_path)
    run([lumberyard, "reprocess", str(log), "--config", str(config), "--es-url", es_url,
         "--data-dir", str(tmp_path / "data"), "--progress", "plain"], cwd=tmp_path)
    es_client.indices.refresh(index=f"{prefix}*")
    docs = [json.loads(line) for line in parsed.stdout.splitlines()]
    stem = prefix.rstrip("-")
    try:
        assert (True, [f"{prefix}2025.09.12"] * 3, 3) == (
            f"  index template {stem}: created" in setup.stdout.splitlines(),
            [doc["@metadata"]["_index"] for doc in docs],
            es_client.count(index=f"{prefix}*")["count"],
        )
    finally:
        es_client.indices.delete_index_template(name=stem)
        es_client.options(ignore_status=404).indices.delete(index=f"{prefix}*")


def test_serve_from_the_installed_wheel_indexes_what_beats_send(
    installed: Path, tmp_path: Path, es_url: str, es_client: Elasticsearch, unique_name: str
) -> None:
    """``lumberyard serve`` of the installed wheel, from outside the checkout: Beats events
    sent with pylogbeat (each window waits for its ACK) are in Elasticsearch, and SIGTERM
    drains it to exit code 0."""
    prefix, port = f"{unique_name}-", free_port()
    argv = [str(installed / "lumberyard"), "serve", "--es-url", es_url, "--index-prefix", prefix,
            "--beats-host", "127.0.0.1", "--beats-port", str(port), "--workers", "1",
            "--http-port", str(free_port()), "--data-dir", str(tmp_path / "data")]
    log = tmp_path / "serve.log"
    events = [{"@timestamp": "2025-09-12T10:00:00.000Z", "message": f"wheel event {n}",
               "host": {"name": "h"}, "log": {"file": {"path": "/l/a.log"}, "offset": n * 20}}
              for n in range(10)]
    with log.open("wb") as out:
        serve = subprocess.Popen(argv, cwd=tmp_path, stdout=out, stderr=subprocess.STDOUT)
        try:
            deadline = time.monotonic() + 120
            while not port_open(port) and serve.poll() is None and time.monotonic() < deadline:
                time.sleep(0.1)
            with PyLogBeatClient("127.0.0.1", port, timeout=60) as client:
                client.send(events)  # returns once the window is ACKed: indexed
        finally:
            serve.send_signal(signal.SIGTERM)
            code = serve.wait(timeout=120)
    es_client.indices.refresh(index=f"{prefix}*")
    try:
        assert (0, 10) == (code, es_client.count(index=f"{prefix}*")["count"]), log.read_text()
    finally:
        es_client.options(ignore_status=404).indices.delete_index_template(
            name=prefix.rstrip("-"))
        es_client.options(ignore_status=404).indices.delete(index=f"{prefix}*")
