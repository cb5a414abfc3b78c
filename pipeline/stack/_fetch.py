"""Fetch the stack's artifacts from Maven Central once and keep them in a cache directory.

Kafka comes as jars (``pom.xml`` next to this module, ``mvn dependency:copy-dependencies``);
Elasticsearch as the ``integ-test-zip`` distribution (``mvn dependency:copy``), unpacked once.
A file lock makes concurrent first runs (two test sessions) download only once.
"""

from __future__ import annotations

import fcntl
import os
import shutil
import subprocess
import tempfile
import zipfile
from collections.abc import Iterator
from contextlib import contextmanager
from importlib import resources
from pathlib import Path

from pipeline.errors import StackError

DEFAULT_ES_VERSION = "8.19.4"
DEFAULT_KAFKA_VERSION = "4.1.1"
ES_ARTIFACT = "org.elasticsearch.distribution.integ-test-zip:elasticsearch:{version}:zip"
JAVA_CANDIDATES = ("/usr/lib/jvm/java-17-openjdk-amd64", "/usr/lib/jvm/temurin-25-jdk-amd64")
COMPLETE = ".complete"
POINT_ELSEWHERE = (
    "or point lumberyard at running servers: ES_URL=http://host:9200 KAFKA_BOOTSTRAP=host:9092"
)


def cache_dir() -> Path:
    """Where artifacts live: $LUMBERYARD_CACHE, else a per-user cache dir.

    root uses /var/cache/lumberyard because Elasticsearch runs as an unprivileged user that
    cannot enter /root.
    """
    if env := os.environ.get("LUMBERYARD_CACHE"):
        return Path(env)
    if os.geteuid() == 0:
        return Path("/var/cache/lumberyard")
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "lumberyard"


def require_tool(name: str, package: str) -> str:
    """The path of an executable, or a StackError saying how to get it."""
    found = shutil.which(name)
    if found is None:
        raise StackError(f"{name} is not installed (apt-get install {package}), {POINT_ELSEWHERE}")
    return found


def java_home() -> Path:
    """A JDK for the servers: $LUMBERYARD_JAVA_HOME, $JAVA_HOME, a known JDK, or java on PATH."""
    for candidate in (os.environ.get("LUMBERYARD_JAVA_HOME"), os.environ.get("JAVA_HOME")):
        if candidate and (Path(candidate) / "bin" / "java").exists():
            return Path(candidate)
    for known in JAVA_CANDIDATES:
        if (Path(known) / "bin" / "java").exists():
            return Path(known)
    java = Path(require_tool("java", "openjdk-17-jdk-headless")).resolve()
    return java.parent.parent


@contextmanager
def _locked(cache: Path) -> Iterator[None]:
    cache.mkdir(parents=True, exist_ok=True)
    with (cache / ".lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)


def _mvn(args: list[str], what: str) -> None:
    mvn = require_tool("mvn", "maven")
    with tempfile.TemporaryDirectory() as scratch:
        done = subprocess.run(
            [mvn, "-B", "-q", *args], cwd=scratch, capture_output=True, text=True, check=False
        )
    if done.returncode != 0:
        tail = "\n".join((done.stdout + done.stderr).splitlines()[-30:])
        raise StackError(f"mvn could not fetch {what} from Maven Central:\n{tail}")


def kafka_libs(version: str = DEFAULT_KAFKA_VERSION) -> Path:
    """The directory of Kafka ``version``'s runtime jars, fetched on first use."""
    cache = cache_dir()
    libs = cache / f"kafka-{version}" / "libs"
    if (libs / COMPLETE).exists():
        return libs
    with _locked(cache):
        if not (libs / COMPLETE).exists():
            shutil.rmtree(libs, ignore_errors=True)
            pom = resources.files("pipeline.stack").joinpath("pom.xml")
            with resources.as_file(pom) as pom_path:
                _mvn(
                    [
                        "-f",
                        str(pom_path),
                        "dependency:copy-dependencies",
                        f"-Dkafka.version={version}",
                        f"-DoutputDirectory={libs}",
                        "-DincludeScope=runtime",
                    ],
                    f"Kafka {version}",
                )
            (libs / COMPLETE).touch()
    return libs


def es_home(version: str = DEFAULT_ES_VERSION) -> Path:
    """The unpacked Elasticsearch ``version`` (integ-test-zip), fetched on first use."""
    cache = cache_dir()
    home = cache / f"elasticsearch-{version}"
    if (home / COMPLETE).exists():
        return home
    with _locked(cache):
        if not (home / COMPLETE).exists():
            downloads = cache / "downloads"
            _mvn(
                [
                    "dependency:copy",
                    f"-Dartifact={ES_ARTIFACT.format(version=version)}",
                    f"-DoutputDirectory={downloads}",
                ],
                f"Elasticsearch {version}",
            )
            _unzip(downloads / f"elasticsearch-{version}.zip", home)
            (home / COMPLETE).touch()
    return home


def _unzip(archive: Path, target: Path) -> None:
    """Unpack the single top-level directory of ``archive`` as ``target``, keeping file modes."""
    shutil.rmtree(target, ignore_errors=True)
    staging = Path(tempfile.mkdtemp(dir=target.parent, prefix=".unpack-"))
    try:
        with zipfile.ZipFile(archive) as zf:
            for info in zf.infolist():
                extracted = Path(zf.extract(info, staging))
                mode = (info.external_attr >> 16) & 0o777
                if mode:
                    extracted.chmod(mode | 0o444)
        (top,) = list(staging.iterdir())
        top.rename(target)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    for path in [target, *target.rglob("*")]:
        if path.is_dir():
            path.chmod(0o755)
