"""Build the genuine Go Beats clients once and keep them in the cache directory.

Third-party programs the interop tests and benchmarks run against ``lumberyard serve``:

- **Filebeat OSS** from ``github.com/elastic/beats/v7`` at an exact tag (the Go module proxy
  lists no versions of it). ``go install pkg@version`` refuses beats because its go.mod has
  ``replace`` directives, so a small wrapper module requires beats at the tag, carries beats'
  own ``replace`` and ``exclude`` lines, and uses beats' ``filebeat/main.go`` as its main
  package. It is resolved with ``go list -deps`` and built with ``go build``; ``go mod tidy``
  would raise versions beats pins. Cold: ~45 s fetch (~310 MB) + ~3 min compile; ~100 MB binary.
- **go-lumber**'s ``tst-send`` (a client that sends one batch forever) and ``tst-lj`` (the
  reference no-op server), installed with ``go install``.

Everything Go writes (module cache, build cache, sources, binaries) lives under
``cache_dir()/go``, with its own file lock so parallel test processes build only once.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import time
from pathlib import Path

from pipeline.errors import StackError
from pipeline.stack._fetch import COMPLETE, _locked, cache_dir

FILEBEAT_VERSION = "7.17.29"
GO_LUMBER_VERSION = "v0.2.0"
BEATS_MODULE = "github.com/elastic/beats/v7"
GO_LUMBER_MODULE = "github.com/elastic/go-lumber"
LUMBER_TOOLS = ("tst-send", "tst-lj")
GO_CANDIDATES = ("/usr/local/go/bin/go",)
MINIMUM_GO = (1, 23)  # beats 7.17.29's go.mod says go 1.23.10; GOTOOLCHAIN=local never upgrades
LOG_TAIL_LINES = 30


def go_root() -> Path:
    """Where the Go module cache, build cache, sources and binaries live."""
    return cache_dir() / "go"


def find_go() -> str:
    """The ``go`` command ($LUMBERYARD_GO, PATH, /usr/local/go), or a StackError saying how."""
    candidates = [os.environ.get("LUMBERYARD_GO"), shutil.which("go"), *GO_CANDIDATES]
    for candidate in candidates:
        if candidate and Path(candidate).is_file() and os.access(candidate, os.X_OK):
            _check_version(candidate)
            return candidate
    raise StackError(
        "Go is not installed: the Filebeat / go-lumber interop tests build the genuine clients "
        f"with Go >= {MINIMUM_GO[0]}.{MINIMUM_GO[1]} (https://go.dev/dl, unpacked at /usr/local/go)"
    )


def _check_version(go: str) -> None:
    out = subprocess.run(
        [go, "env", "GOVERSION"], capture_output=True, text=True, check=False
    ).stdout.strip()
    parts = out.removeprefix("go").split(".")
    try:
        found = (int(parts[0]), int(parts[1]))
    except (IndexError, ValueError) as exc:
        raise StackError(f"{go}: cannot tell its version (go env GOVERSION said {out!r})") from exc
    if found < MINIMUM_GO:
        raise StackError(f"{go} is {out}; building Filebeat needs Go >= 1.23")


def go_env() -> dict[str, str]:
    """The environment of every go command: caches under ``go_root()``, no toolchain download."""
    root = go_root()
    env = dict(os.environ)
    env.update(
        GOPATH=str(root / "gopath"),
        GOMODCACHE=str(root / "mod"),
        GOCACHE=str(root / "build-cache"),
        GOTOOLCHAIN="local",
        GOFLAGS="-mod=mod -buildvcs=false",
    )
    return env


def _go(args: list[str], cwd: Path, what: str, env: dict[str, str] | None = None) -> str:
    done = subprocess.run(
        [find_go(), *args],
        cwd=cwd,
        env=env or go_env(),
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode != 0:
        tail = "\n".join((done.stdout + done.stderr).splitlines()[-LOG_TAIL_LINES:])
        raise StackError(f"go {args[0]} failed while building {what}:\n{tail}")
    return done.stdout


def filebeat_binary(version: str = FILEBEAT_VERSION) -> Path:
    """The path of the OSS Filebeat ``version`` binary, built on first use (minutes, cold)."""
    root = go_root()
    binary = root / "bin" / f"filebeat-{version}"
    if binary.exists():
        return binary
    with _locked(root):
        if not binary.exists():
            _build_filebeat(version, binary)
    return binary


def _build_filebeat(version: str, binary: Path) -> None:
    src = go_root() / f"filebeat-{version}-src"
    src.mkdir(parents=True, exist_ok=True)
    fetch = ["mod", "download", "-json", f"{BEATS_MODULE}@v{version}"]
    info = json.loads(_go(fetch, go_root(), f"beats {version}"))
    beats_mod = Path(info["GoMod"]).read_text(encoding="utf-8")
    (src / "go.mod").write_text(wrapper_go_mod(beats_mod, version), encoding="utf-8")
    (src / "go.sum").unlink(missing_ok=True)
    main = src / "main.go"
    shutil.copyfile(Path(info["Dir"]) / "filebeat" / "main.go", main)
    main.chmod(0o644)
    what = f"Filebeat {version}"
    _go(["list", "-deps", "."], src, what)
    binary.parent.mkdir(parents=True, exist_ok=True)
    partial = binary.with_name(binary.name + ".partial")
    _go(["build", "-o", str(partial), "."], src, what)
    partial.rename(binary)


def wrapper_go_mod(beats_mod: str, version: str) -> str:
    """go.mod of the wrapper: require beats at ``version`` plus beats' replace/exclude lines."""
    go_line = next((ln for ln in beats_mod.splitlines() if ln.startswith("go ")), "go 1.23")
    kept = _directives(beats_mod, ("replace", "exclude"))
    head = f"module lumberyard.local/filebeat\n\n{go_line}\n\nrequire {BEATS_MODULE} v{version}\n"
    return head + "".join(f"\n{block}\n" for block in kept)


def _directives(mod: str, keywords: tuple[str, ...]) -> list[str]:
    """The ``keyword ...`` lines and ``keyword ( ... )`` blocks of a go.mod, as written."""
    blocks: list[str] = []
    lines = mod.splitlines()
    i = 0
    while i < len(lines):
        line = lines[i]
        word = line.split(" ", 1)[0].split("(", 1)[0]
        if word in keywords and line.rstrip().endswith("("):
            end = next(j for j in range(i, len(lines)) if lines[j].strip() == ")")
            blocks.append("\n".join(lines[i : end + 1]))
            i = end + 1
            continue
        if word in keywords:
            blocks.append(line)
        i += 1
    return blocks


def lumber_tool(name: str, version: str = GO_LUMBER_VERSION) -> Path:
    """The path of go-lumber's ``tst-send`` or ``tst-lj`` at ``version``, installed on first use."""
    if name not in LUMBER_TOOLS:
        raise StackError(f"unknown go-lumber tool {name!r} (one of {', '.join(LUMBER_TOOLS)})")
    root = go_root()
    bindir = root / "bin" / f"go-lumber-{version}"
    if (bindir / COMPLETE).exists():
        return bindir / name
    with _locked(root):
        if not (bindir / COMPLETE).exists():
            bindir.mkdir(parents=True, exist_ok=True)
            env = go_env() | {"GOBIN": str(bindir)}
            pkgs = [f"{GO_LUMBER_MODULE}/cmd/{tool}@{version}" for tool in LUMBER_TOOLS]
            _go(["install", *pkgs], root, f"go-lumber {version}", env)
            (bindir / COMPLETE).touch()
    return bindir / name


def build_all() -> dict[str, tuple[Path, float]]:
    """Build (or find) every Go tool: name -> (path, seconds it took)."""
    built: dict[str, tuple[Path, float]] = {}
    for name in LUMBER_TOOLS:
        start = time.monotonic()
        built[name] = (lumber_tool(name), time.monotonic() - start)
    start = time.monotonic()
    built["filebeat"] = (filebeat_binary(), time.monotonic() - start)
    return built
