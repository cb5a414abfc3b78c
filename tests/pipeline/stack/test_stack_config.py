"""Pure parts of the stack: settings files, configuration, errors, process bookkeeping."""

from __future__ import annotations

import os
import stat
import zipfile
from pathlib import Path

import pytest

from pipeline.errors import StackError
from pipeline.stack import EsNode, KafkaBroker, Stack, StackConfig, cache_dir, external_endpoints
from pipeline.stack._fetch import _unzip, require_tool
from pipeline.stack._proc import ServerProcess, free_port, log_tail, port_open


def test_es_settings_are_a_loopback_single_node_without_security(tmp_path: Path) -> None:
    """The generated elasticsearch.yml binds 127.0.0.1 on the node's ports, no security."""
    settings = EsNode(tmp_path, 19200, 19300).node_settings()
    expected = {
        "network.host": "127.0.0.1",
        "http.port": 19200,
        "transport.port": 19300,
        "discovery.type": "single-node",
        "xpack.security.enabled": False,
        "cluster.routing.allocation.disk.threshold_enabled": False,
        "path.data": str(tmp_path / "data"),
    }
    assert expected == {key: settings[key] for key in expected}


def test_es_extra_settings_override_the_defaults(tmp_path: Path) -> None:
    """Settings given to the node win over the defaults (e.g. a tiny write queue for 429s)."""
    extra = {"thread_pool.write.queue_size": 1, "xpack.security.enabled": True}
    settings = EsNode(tmp_path, settings=extra).node_settings()
    assert (1, True) == (
        settings["thread_pool.write.queue_size"],
        settings["xpack.security.enabled"],
    )


def test_kafka_properties_use_the_broker_ports(tmp_path: Path) -> None:
    """server.properties: KRaft combined mode on the given client and controller ports."""
    props = KafkaBroker(
        tmp_path, 19092, 19093, properties={"num.partitions": 3}
    ).server_properties()
    expected = {
        "process.roles": "broker,controller",
        "listeners": "PLAINTEXT://127.0.0.1:19092,CONTROLLER://127.0.0.1:19093",
        "advertised.listeners": "PLAINTEXT://127.0.0.1:19092",
        "controller.quorum.voters": "1@127.0.0.1:19093",
        "num.partitions": 3,
        "log.dirs": str(tmp_path / "data"),
    }
    assert expected == {key: props[key] for key in expected}


def test_stack_config_reads_lumberyard_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    """LUMBERYARD_<FIELD> variables override ports and versions."""
    monkeypatch.delenv("LUMBERYARD_KAFKA_PORT", raising=False)
    monkeypatch.setenv("LUMBERYARD_ES_PORT", "19200")
    monkeypatch.setenv("LUMBERYARD_KAFKA_VERSION", "4.0.0")
    config = StackConfig.from_env()
    assert (19200, "4.0.0", 9092) == (config.es_port, config.kafka_version, config.kafka_port)


def test_external_endpoints_need_both_variables(monkeypatch: pytest.MonkeyPatch) -> None:
    """ES_URL alone provisions as usual; ES_URL plus KAFKA_BOOTSTRAP means 'use those'."""
    monkeypatch.delenv("KAFKA_BOOTSTRAP", raising=False)
    monkeypatch.setenv("ES_URL", "http://es.example:9200/")
    alone = external_endpoints()
    monkeypatch.setenv("KAFKA_BOOTSTRAP", "kafka.example:9092")
    both = external_endpoints()
    assert both is not None
    assert (None, "http://es.example:9200", "kafka.example:9092") == (
        alone,
        both.es_url,
        both.kafka_bootstrap,
    )


def test_cache_dir_honours_lumberyard_cache(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """LUMBERYARD_CACHE relocates every download."""
    monkeypatch.setenv("LUMBERYARD_CACHE", str(tmp_path))
    assert tmp_path == cache_dir()


def test_missing_tool_says_what_to_install_and_how_to_avoid_it(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Without mvn on PATH the error names the package and the ES_URL/KAFKA_BOOTSTRAP escape."""
    monkeypatch.setenv("PATH", "/nonexistent")
    with pytest.raises(StackError) as caught:
        require_tool("mvn", "maven")
    message = str(caught.value)
    assert (True, True) == ("apt-get install maven" in message, "ES_URL=" in message)


def test_unzip_keeps_executable_bits(tmp_path: Path) -> None:
    """Unpacking the distribution keeps bin/elasticsearch executable (zipfile alone drops it)."""
    archive = tmp_path / "dist.zip"
    with zipfile.ZipFile(archive, "w") as zf:
        info = zipfile.ZipInfo("es-1/bin/elasticsearch")
        info.external_attr = (stat.S_IFREG | 0o755) << 16
        zf.writestr(info, "#!/bin/sh\n")
    _unzip(archive, tmp_path / "home")
    assert os.access(tmp_path / "home" / "bin" / "elasticsearch", os.X_OK)


def test_log_tail_returns_the_last_lines(tmp_path: Path) -> None:
    """Error messages quote only the end of a server log."""
    log = tmp_path / "server.log"
    log.write_text("".join(f"line {i}\n" for i in range(100)), encoding="utf-8")
    assert "line 97\nline 98\nline 99" == log_tail(log, 3)


def test_a_recycled_pid_is_not_ours(tmp_path: Path) -> None:
    """A pid file whose start time does not match the live process is stale and removed."""
    process = ServerProcess("test", tmp_path)
    process.pid_file.write_text(f"{os.getpid()} 1\n", encoding="ascii")
    assert (None, False) == (process.pid(), process.pid_file.exists())


def test_a_server_dying_at_startup_reports_its_log(tmp_path: Path) -> None:
    """wait_ready raises StackError quoting the log tail when the server exits early."""
    process = ServerProcess("doomed", tmp_path)
    process.spawn(["sh", "-c", "echo bind failed: address in use; exit 1"], {"PATH": "/bin"})
    with pytest.raises(StackError) as caught:
        process.wait_ready(lambda: False, timeout_secs=30)
    assert "bind failed: address in use" in str(caught.value)


def test_stop_ends_the_whole_process_group(tmp_path: Path) -> None:
    """stop() signals the group, so a forked child (like ES's JVM) goes down with the launcher."""
    process = ServerProcess("family", tmp_path)
    process.spawn(["sh", "-c", "sleep 300 & wait"], {"PATH": "/bin:/usr/bin"})
    process.wait_ready(lambda: len(process.group_pids()) == 2, timeout_secs=30)
    before = len(process.group_pids())
    stopped = process.stop(grace_secs=10)
    assert (2, True, []) == (before, stopped, process.group_pids())


def test_free_port_is_free() -> None:
    """free_port returns a port nothing listens on."""
    assert not port_open(free_port())


def test_es_node_dir_is_reachable_by_the_es_user(tmp_path: Path) -> None:
    """As root, a state dir the ES user cannot enter (0700 parent) moves ES under /var/lib."""
    private = tmp_path / "private"
    private.mkdir(mode=0o700)
    es_dir = Stack(StackConfig(state_dir=private / "state")).es.workdir
    if os.geteuid() == 0:
        expected = (Path("/var/lib/lumberyard"), "elasticsearch")
        assert expected == (es_dir.parent.parent, es_dir.name)
    else:
        assert private / "state" / "elasticsearch" == es_dir


def test_a_server_never_ready_times_out_with_its_log(tmp_path: Path) -> None:
    """wait_ready gives up after its timeout, naming the server and quoting its log."""
    process = ServerProcess("sluggish", tmp_path)
    process.spawn(["sh", "-c", "echo still warming up; exec sleep 300"], {"PATH": "/bin:/usr/bin"})
    process.wait_ready(lambda: "warming" in log_tail(process.log_file), timeout_secs=60)
    with pytest.raises(StackError) as caught:
        process.wait_ready(lambda: False, timeout_secs=1)
    process.stop(grace_secs=10)
    message = str(caught.value)
    assert (True, True) == (
        "sluggish not ready after 1 s" in message,
        "still warming up" in message,
    )
