"""docker-compose.logging.yml, filebeat.yml and the Dockerfile, checked against the code.

No Docker engine runs here, so instead of starting the stack these tests hold the files to what
the code expects: images of the versions the tests run, commands and flags the CLI really has
(typer/click introspection), environment variables that set real options, the ports of the
defaults, volumes for data and the DLQ, healthchecks on the endpoints that exist.
"""

from __future__ import annotations

import ast
import importlib.metadata
import re
import shlex
import tomllib
from pathlib import Path
from typing import Any

import pytest
import typer
import yaml
from typer import _click as click  # typer 0.2x carries its own click

from pipeline._env import NOT_CONFIG, known_env_names
from pipeline.check import check_config
from pipeline.cli import app
from pipeline.config import LumberyardConfig
from pipeline.inputs.beats import BeatsInputConfig
from pipeline.observe import DEFAULT_PORT
from pipeline.stack._fetch import DEFAULT_ES_VERSION, DEFAULT_KAFKA_VERSION

REPO = Path(__file__).resolve().parents[2]
COMPOSE = REPO / "docker-compose.logging.yml"
CONFIG_IN_IMAGE = "/etc/lumberyard/lumberyard.toml"
LUMBERYARD_SERVICES = ("setup", "lumberyard-beats", "lumberyard-kafka")
LONG_RUNNING = ("elasticsearch", "kibana", "kafka", "lumberyard-beats", "lumberyard-kafka",
                "filebeat", "prometheus")


@pytest.fixture(scope="module")
def compose() -> dict[str, Any]:
    return dict(yaml.safe_load(COMPOSE.read_text(encoding="utf-8")))


@pytest.fixture(scope="module")
def services(compose: dict[str, Any]) -> dict[str, Any]:
    return dict(compose["services"])


def cli_command(name: str) -> click.Command:
    group = typer.main.get_command(app)
    command = group.get_command(click.Context(group), name)  # type: ignore[attr-defined]
    assert command is not None, f"lumberyard has no command {name!r}"
    return command


def check_args(args: list[str]) -> list[str]:
    """Problems of a `lumberyard ...` argument list: unknown command, unknown flag, a flag
    missing its value, a value the option refuses (click parses it for real)."""
    command = cli_command(args[0])
    try:
        command.make_context(args[0], list(args[1:]), resilient_parsing=False)
    except click.ClickException as exc:
        return [f"{shlex.join(args)}: {exc.format_message()}"]
    return []


def test_every_part_of_the_stack_is_there(services: dict[str, Any]) -> None:
    """ES, Kibana, Kafka, Filebeat, both kinds of workers, the one-shot setup, Prometheus."""
    assert set(LONG_RUNNING) | {"setup", "kafka-topics"} == set(services)


def test_images_match_what_the_tests_run(services: dict[str, Any]) -> None:
    """Elastic images at the version of the test stack's Elasticsearch; Kafka likewise."""
    elastic = f":{DEFAULT_ES_VERSION}"
    assert services["elasticsearch"]["image"].endswith(f"/elasticsearch{elastic}")
    assert services["kibana"]["image"].endswith(f"/kibana{elastic}")
    assert services["filebeat"]["image"].endswith(f"/filebeat{elastic}")
    assert f"apache/kafka:{DEFAULT_KAFKA_VERSION}" == services["kafka"]["image"]
    assert services["kafka-topics"]["image"] == services["kafka"]["image"]
    for name in LUMBERYARD_SERVICES:
        assert (".", "lumberyard:latest") == (services[name]["build"], services[name]["image"])


def test_commands_are_real_cli_invocations(services: dict[str, Any]) -> None:
    """Every lumberyard service's command parses with the real CLI (flags and values)."""
    problems = [p for name in LUMBERYARD_SERVICES for p in check_args(services[name]["command"])]
    assert [] == problems


def test_environment_sets_real_options(services: dict[str, Any]) -> None:
    """Each LUMBERYARD_* variable is a config option's name, or a flag's envvar of the
    command the service runs."""
    config_names = set(known_env_names(LumberyardConfig))
    unknown = []
    for name in LUMBERYARD_SERVICES:
        command = cli_command(services[name]["command"][0])
        flag_vars = {v for p in command.params for v in _envvars(p)}
        for variable in services[name]["environment"]:
            known = variable in config_names or variable in flag_vars
            if variable.startswith("LUMBERYARD_") and not known and (
                variable.removeprefix("LUMBERYARD_") not in NOT_CONFIG
            ):
                unknown.append(f"{name}: {variable}")
    assert [] == unknown


def _envvars(param: click.Parameter) -> list[str]:
    envvar = getattr(param, "envvar", None)
    if envvar is None:
        return []
    return [envvar] if isinstance(envvar, str) else list(envvar)


def test_ports_follow_the_defaults(services: dict[str, Any]) -> None:
    """Filebeat ships to the Beats port lumberyard listens on; workers serve /metrics on the
    endpoint's default port, which Prometheus scrapes; healthchecks probe /health/live."""
    filebeat = yaml.safe_load((REPO / "ops" / "filebeat" / "filebeat.yml").read_text())
    assert [f"lumberyard-beats:{BeatsInputConfig().port}"] == filebeat["output.logstash"]["hosts"]
    beats_cmd = services["lumberyard-beats"]["command"]
    assert str(BeatsInputConfig().port) == beats_cmd[beats_cmd.index("--beats-port") + 1]
    prometheus = yaml.safe_load((REPO / "ops" / "prometheus" / "prometheus.yml").read_text())
    [job] = prometheus["scrape_configs"]
    [sd] = job["dns_sd_configs"]
    assert (DEFAULT_PORT, ["lumberyard-beats", "lumberyard-kafka"]) == (sd["port"], sd["names"])
    for name in ("lumberyard-beats", "lumberyard-kafka"):
        command = services[name]["command"]
        assert str(DEFAULT_PORT) == command[command.index("--http-port") + 1]
        assert "0.0.0.0" == command[command.index("--http-host") + 1]
        probe = " ".join(services[name]["healthcheck"]["test"])
        assert f"http://127.0.0.1:{DEFAULT_PORT}/health/live" in probe


def test_filebeat_sends_service_and_environment() -> None:
    """fields.service / fields.environment: what lumberyard maps to service.name/environment."""
    filebeat = yaml.safe_load((REPO / "ops" / "filebeat" / "filebeat.yml").read_text())
    [source] = filebeat["filebeat.inputs"]
    assert {"service", "environment"} == set(source["fields"])
    assert "fields_under_root" not in source


def test_volumes_for_data_and_dead_letters(compose: dict[str, Any],
                                           services: dict[str, Any]) -> None:
    """Workers keep their data dir (the DLQ lives in it) on a volume at the image's
    LUMBERYARD_DATA_DIR; every named volume used is declared; ES and Kafka keep data too."""
    data_dir = _dockerfile_env()["LUMBERYARD_DATA_DIR"]
    for name in ("lumberyard-beats", "lumberyard-kafka"):
        targets = [v.split(":")[1] for v in services[name]["volumes"]]
        assert data_dir in targets
    used = {v.split(":")[0] for s in services.values() for v in s.get("volumes", [])
            if not v.startswith((".", "/", "$"))}
    assert used == set(compose["volumes"])
    assert "es-data:/usr/share/elasticsearch/data" in services["elasticsearch"]["volumes"]


def test_healthchecks_and_start_order(services: dict[str, Any]) -> None:
    """Every long-running service has a healthcheck; waits name a healthy service or a
    one-shot that must have completed."""
    assert [] == [name for name in LONG_RUNNING if "healthcheck" not in services[name]]
    for name, service in services.items():
        for needed, how in service.get("depends_on", {}).items():
            condition = how["condition"]
            if condition == "service_healthy":
                assert "healthcheck" in services[needed], f"{name} waits on {needed}"
            else:
                assert ("service_completed_successfully", "no") == (
                    condition, services[needed]["restart"]
                )


def _dockerfile() -> str:
    return (REPO / "Dockerfile").read_text(encoding="utf-8")


def _dockerfile_env() -> dict[str, str]:
    text = _dockerfile().replace("\\\n", " ")
    final = text[text.rindex("\nFROM "):]
    pairs = re.findall(r"(\w+)=(\S+)", " ".join(re.findall(r"^ENV (.*)$", final, re.M)))
    return dict(pairs)


def test_dockerfile_slim_non_root_and_health_checked() -> None:
    """Slim base, a numeric non-root user, HEALTHCHECK on /health/live at the default port,
    an ENTRYPOINT/CMD that the CLI parses, and every COPY source present in the repo."""
    text = _dockerfile()
    assert all(base.endswith("-slim") for base in re.findall(r"^FROM (\S+)", text, re.M))
    [user] = re.findall(r"^USER (\S+)", text, re.M)
    assert "0" != user.split(":")[0]
    assert "root" != user
    health = text[text.index("HEALTHCHECK"):]
    assert f"http://127.0.0.1:{DEFAULT_PORT}/health/live" in health
    assert '["lumberyard"]' == re.findall(r"^ENTRYPOINT (.*)$", text, re.M)[0]
    [cmd] = re.findall(r"^CMD (\[.*\])$", text, re.M)
    assert [] == check_args(yaml.safe_load(cmd))
    sources = [s for line in re.findall(r"^COPY (?!--from)(.*)$", text, re.M)
               for s in line.split()[:-1]]
    assert [] == [s for s in sources if not (REPO / s).exists()]


def test_dockerfile_installs_only_the_runtime_package() -> None:
    """The image installs the package itself, not editable and with no extras (the test and
    dev tools live in extras), and its final stage copies only the virtualenv."""
    text = _dockerfile().replace("\\\n", " ")
    installs = re.findall(r"pip install ([^&\n]*)", text)
    assert ["-c constraints.txt ."] == [" ".join(i.split()) for i in installs]
    final = text[text.rindex("\nFROM "):]
    assert ["--from=build /opt/venv /opt/venv"] == re.findall(r"^COPY (.*)$", final, re.M)


def _imported_top_names() -> set[str]:
    names: set[str] = set()
    for package in ("pipeline", "parsers"):
        for path in (REPO / package).rglob("*.py"):
            for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
                if isinstance(node, ast.Import):
                    names.update(alias.name.split(".")[0] for alias in node.names)
                elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
                    names.add(node.module.split(".")[0])
    return names


def test_runtime_dependencies_are_what_the_package_imports() -> None:
    """Every runtime dependency of pyproject.toml (what the image installs) is imported by
    pipeline/ or parsers/: a library only the tests use belongs in the test extra."""
    declared = tomllib.loads((REPO / "pyproject.toml").read_text())["project"]["dependencies"]
    provides = importlib.metadata.packages_distributions()
    imported = _imported_top_names()
    unused = []
    for requirement in declared:
        dist = re.split(r"[<>=!~\[; ]", requirement, maxsplit=1)[0].lower().replace("_", "-")
        modules = {m for m, dists in provides.items()
                   if dist in {d.lower().replace("_", "-") for d in dists}}
        if not modules & imported:
            unused.append(dist)
    assert [] == unused


def test_each_service_config_passes_check(services: dict[str, Any]) -> None:
    """What each lumberyard service runs with (the mounted config file and its environment's
    values, not only their names) passes `lumberyard check`."""
    problems = []
    for name in LUMBERYARD_SERVICES:
        service = services[name]
        [mount] = [v for v in service["volumes"] if v.endswith(f":{CONFIG_IN_IMAGE}:ro")]
        environ = {k: str(v) for k, v in service["environment"].items()}
        assert CONFIG_IN_IMAGE == environ["LUMBERYARD_CONFIG"]
        checked = check_config(REPO / mount.split(":")[0], environ)
        problems += [f"{name}: {finding}" for finding in checked.problems]
    assert [] == problems
