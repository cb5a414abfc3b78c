"""The Go tool builds: the wrapper go.mod (pure), and the genuine binaries really run."""

from __future__ import annotations

import json
import subprocess
import time
import urllib.request
from pathlib import Path

import pytest

from pipeline.stack import free_port, port_open
from pipeline.stack._gotools import FILEBEAT_VERSION, wrapper_go_mod

BEATS_MOD = """module github.com/elastic/beats/v7

go 1.23.10

require (
\tgithub.com/pkg/errors v0.9.1
)

replace (
\tgithub.com/Shopify/sarama => github.com/elastic/sarama v1.19.1-0.20210823122811-11c3ef800752
\tgithub.com/docker/docker => github.com/docker/engine v0.0.0-20191113042239-ea84732a7725 // why
)

// Exclude this version because the version has an invalid checksum.
exclude github.com/docker/distribution v2.8.0+incompatible
"""


class TestWrapperGoMod:
    """The wrapper requires beats at the tag and carries its replace/exclude lines as written."""

    def test_carries_replace_and_exclude(self) -> None:
        expected = (
            "module lumberyard.local/filebeat\n\n"
            "go 1.23.10\n\n"
            "require github.com/elastic/beats/v7 v7.17.29\n\n"
            "replace (\n"
            "\tgithub.com/Shopify/sarama => github.com/elastic/sarama "
            "v1.19.1-0.20210823122811-11c3ef800752\n"
            "\tgithub.com/docker/docker => github.com/docker/engine "
            "v0.0.0-20191113042239-ea84732a7725 // why\n"
            ")\n\n"
            "exclude github.com/docker/distribution v2.8.0+incompatible\n"
        )
        assert expected == wrapper_go_mod(BEATS_MOD, "7.17.29")

    def test_requirements_of_beats_are_not_copied(self) -> None:
        assert "github.com/pkg/errors" not in wrapper_go_mod(BEATS_MOD, "7.17.29")


@pytest.mark.slow
@pytest.mark.timeout(1800)  # a cold Filebeat build (fixture setup) took 9 min on a busy 2 cores
class TestBinaries:
    """The cached builds are the genuine programs at the pinned versions."""

    def test_filebeat_reports_its_version(self, filebeat_binary: Path) -> None:
        out = subprocess.run(
            [str(filebeat_binary), "version"], capture_output=True, text=True, check=True
        ).stdout
        assert f"filebeat version {FILEBEAT_VERSION}" == " ".join(out.split()[:3])

    def test_tst_send_gets_windows_acked_by_tst_lj(
        self, tst_send_binary: Path, tst_lj_binary: Path
    ) -> None:
        """The reference pair talks Lumberjack v2: tst-lj ACKs whole windows of tst-send's."""
        port, prof = free_port(), free_port()
        server = subprocess.Popen(
            [str(tst_lj_binary), "-bind", f"127.0.0.1:{port}", "-v2"],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )  # fmt: skip
        client = None
        try:
            wait_listening(port)
            client = subprocess.Popen(
                ["timeout", "--signal=KILL", "120", str(tst_send_binary), "-c",
                 f"127.0.0.1:{port}", "-batch", "100", "-httpprof", f"127.0.0.1:{prof}"],
                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
            )  # fmt: skip
            acked = acked_at_least(prof, 100)
        finally:
            for proc in (client, server):
                if proc is not None:
                    proc.kill()
                    proc.wait()
        assert (True, 0) == (acked >= 100, acked % 100)


def wait_listening(port: int, secs: float = 30.0) -> None:
    """Until 127.0.0.1:port accepts (bounded)."""
    deadline = time.monotonic() + secs
    while not port_open(port):
        assert time.monotonic() < deadline, f"nothing listens on {port}"
        time.sleep(0.05)


def acked_at_least(prof: int, minimum: int, secs: float = 60.0) -> int:
    """tst-send's ACKed expvar once it reaches ``minimum`` (bounded wait)."""
    deadline = time.monotonic() + secs
    acked = 0
    while acked < minimum and time.monotonic() < deadline:
        time.sleep(0.1)
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{prof}/debug/vars", timeout=5) as r:
                acked = int(json.loads(r.read())["ACKed"])
        except OSError:
            continue
    return acked
