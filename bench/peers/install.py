"""Install the peers from Debian 12: ``python -m bench.peers.install`` (as root).

rsyslog 8.2302 (+ omelasticsearch) is installed with apt-get. syslog-ng 3.38 conflicts with it
(both provide ``system-log-daemon``), so its packages are fetched with ``apt-get download``
and unpacked under :data:`bench.peers.syslog_ng.ROOT`; their shared-library dependencies come
from apt-get. Nothing is started as a service: the benchmark runs both in the foreground.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
from pathlib import Path

from bench.peers import rsyslog, syslog_ng

RSYSLOG_PACKAGES = ["rsyslog", "rsyslog-elasticsearch"]
SYSLOG_NG_PACKAGES = ["syslog-ng-core", "syslog-ng-mod-http", "syslog-ng-scl"]
SYSLOG_NG_LIBS = ["libcap2", "libglib2.0-0", "libivykis0", "libjson-c5", "libnet1", "libpcre3",
                  "libwrap0", "libcurl4", "libssl3"]
APT_ENV = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}


class InstallError(RuntimeError):
    """A peer could not be installed; says which command failed and why."""


def _run(argv: list[str], cwd: Path | None = None) -> None:
    proc = subprocess.run(argv, cwd=cwd, env=APT_ENV, capture_output=True, text=True,
                          check=False)
    if proc.returncode != 0:
        tail = " | ".join((proc.stderr or proc.stdout).strip().splitlines()[-3:])
        raise InstallError(f"{' '.join(argv[:3])}... failed ({proc.returncode}): {tail}")


def ensure_installed(update: bool = True) -> dict[str, str | None]:
    """Install whatever peer is missing; return each peer's remaining problem (None = ready)."""
    missing_rsyslog = rsyslog.available() is not None
    missing_syslog_ng = syslog_ng.available() is not None
    if (missing_rsyslog or missing_syslog_ng) and os.geteuid() != 0:
        reason = "peers are installed with apt-get, which needs root"
        return {rsyslog.NAME: rsyslog.available() and reason,
                syslog_ng.NAME: syslog_ng.available() and reason}
    problems: dict[str, str | None] = {}
    if missing_rsyslog or missing_syslog_ng:
        try:
            if update:
                _run(["apt-get", "update", "-q"])
            apt = ["apt-get", "install", "-y", "-q", "--no-install-recommends"]
            _run(apt + (RSYSLOG_PACKAGES if missing_rsyslog else []) + SYSLOG_NG_LIBS)
            if missing_syslog_ng:
                _unpack_syslog_ng()
        except InstallError as exc:
            problems["install"] = str(exc)
    problems[rsyslog.NAME] = rsyslog.available()
    problems[syslog_ng.NAME] = syslog_ng.available()
    return problems


def _unpack_syslog_ng() -> None:
    """``apt-get download`` the syslog-ng packages and unpack them under its ROOT."""
    syslog_ng.ROOT.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="syslog-ng-debs-") as tmp:
        os.chmod(tmp, 0o755)  # apt's sandbox user must be able to write the downloads
        _run(["apt-get", "download", *SYSLOG_NG_PACKAGES], cwd=Path(tmp))
        for deb in sorted(Path(tmp).glob("*.deb")):
            _run(["dpkg-deb", "-x", str(deb), str(syslog_ng.ROOT)])


def main() -> int:
    """Install and print what is ready."""
    problems = ensure_installed()
    for name, problem in problems.items():
        print(f"{name}: {problem or 'ready'}")
    return 1 if any(problems.values()) else 0


if __name__ == "__main__":
    sys.exit(main())
