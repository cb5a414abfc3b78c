"""syslog-ng 3.38 (Debian 12) as a peer: file() + json-parser / regexp-parser + elasticsearch-http.

Debian's rsyslog and syslog-ng packages conflict (both provide ``system-log-daemon``), so
``bench.peers.install`` installs rsyslog with apt and unpacks syslog-ng's ``.deb`` files
(downloaded with ``apt-get download``) under :data:`ROOT`, with their library dependencies
installed by apt. JSON lines go through json-parser, bracketed lines through regexp-parser (one
pattern per layout) + kv-parser, timestamps through date-parser; the index is the event's UTC
day. Lines neither parser accepts are indexed with ``tags: "_parsefailure"``.
"""

from __future__ import annotations

from pathlib import Path

from bench.peers._job import BATCH_DOCS, Job, Launch

NAME = "syslog-ng"
ROOT = Path("/var/tmp/lumberyard-bench/syslog-ng")
"""Where the syslog-ng 3.38 packages are unpacked."""
BINARY = ROOT / "usr/sbin/syslog-ng"
LIBDIR = ROOT / "usr/lib/syslog-ng"
MODULES = LIBDIR / "3.38"
SCL = ROOT / "usr/share/syslog-ng/include/scl"

_TS_FORMATS = ", ".join(f'"%Y-%m-%dT%H:%M:%S{frac}%z"' for frac in (".%f", ""))

CONFIG = r"""@version: 3.38
@include "{scl}/elasticsearch/elastic-http.conf"

options {{
  stats-freq(0); log-msg-size(65536); keep-hostname(yes); chain-hostnames(no);
  log-fifo-size(200000); threaded(yes);
}};

source s_corpus {{
  file("{corpus}" flags(no-parse) multi-line-mode(indented) multi-line-timeout(2) follow-freq(1)
       log-fetch-limit({batch}) log-iw-size(20000));
}};

parser p_json {{ json-parser(prefix(".json.")); }};
parser p_json_time {{ date-parser(format({formats}) template("${{.json.timestamp}}")); }};
parser p_bracketed {{
  regexp-parser(template("${{MESSAGE}}") prefix(".b.") patterns(
    '(?s)^\[(?<ts>[^\]]+)\] \[(?<level>[A-Z]+)\] (?<msg>.*)$',
    '(?s)^\[(?<ts>[^\]]+)\] (?<level>[A-Z]+) \[(?<logger>[^\]]+)\] (?<msg>.*)$',
    '^\[(?<ts>[^\]]+)\] (?<level>[A-Z]+) (?<msg>.*?)(?<kv>(?: \w+=\S+)+)$',
    '(?s)^\[(?<ts>[^\]]+)\] (?<level>[A-Z]+) (?<msg>.*)$'
  ));
}};
parser p_kv {{ kv-parser(template("${{.b.kv}}") prefix(".b.kv.")); }};
rewrite r_bracketed_time {{
  subst(" ", "T", value(".b.ts"));
  subst(",", ".", value(".b.ts"));
}};
parser p_bracketed_time {{ date-parser(format({formats}) template("${{.b.ts}}")); }};
rewrite r_text_payloads {{
  set("${{.json.data}}", value(".json.data_text") condition("${{.json.data}}" ne ""));
  unset(value(".json.data") condition("${{.json.data}}" ne ""));
  set("${{.json.context}}", value(".json.context_text") condition("${{.json.context}}" ne ""));
  unset(value(".json.context") condition("${{.json.context}}" ne ""));
}};

destination d_json {{
  elasticsearch-http(url("{url}/_bulk") persist-name("d_json")
    index("{prefix}${{S_YEAR}}.${{S_MONTH}}.${{S_DAY}}")
    type("") time-zone("UTC") batch_lines({batch}) workers(2)
    template("$(format-json --key .json.* --shift 6)"));
}};
destination d_bracketed {{
  elasticsearch-http(url("{url}/_bulk") persist-name("d_bracketed")
    index("{prefix}${{S_YEAR}}.${{S_MONTH}}.${{S_DAY}}")
    type("") time-zone("UTC") batch_lines({batch}) workers(2)
    template("$(format-json --key .b.kv.* --shift 5 timestamp=${{.b.ts}} level=${{.b.level}}
              logger=${{.b.logger}} message=${{.b.msg}})"));
}};
destination d_failed {{
  elasticsearch-http(url("{url}/_bulk") persist-name("d_failed")
    index("{prefix}${{R_YEAR}}.${{R_MONTH}}.${{R_DAY}}")
    type("") time-zone("UTC") batch_lines({batch}) workers(2)
    template("$(format-json message=${{MESSAGE}} tags=_parsefailure)"));
}};

log {{
  source(s_corpus);
  junction {{
    channel {{
      filter {{ message("^\{{" type(pcre)); }};
      parser(p_json); parser(p_json_time); rewrite(r_text_payloads);
      destination(d_json); flags(final);
    }};
    channel {{
      parser(p_bracketed); parser(p_kv); rewrite(r_bracketed_time); parser(p_bracketed_time);
      destination(d_bracketed); flags(final);
    }};
    channel {{ destination(d_failed); flags(final); }};
  }};
}};
"""


def available() -> str | None:
    """Why syslog-ng cannot run here, or None."""
    if not BINARY.exists() or not (SCL / "elasticsearch/elastic-http.conf").exists():
        return f"syslog-ng not unpacked under {ROOT} (python -m bench.peers.install)"
    return None


def env() -> dict[str, str]:
    """The unpacked libraries are not on the loader's path."""
    return {"LD_LIBRARY_PATH": str(LIBDIR)}


def launch(job: Job) -> Launch:
    """Write the private config; return the foreground command."""
    conf = job.workdir / "syslog-ng.conf"
    conf.write_text(CONFIG.format(scl=SCL, corpus=job.corpus, batch=BATCH_DOCS, url=job.url,
                                  prefix=job.index_prefix, formats=_TS_FORMATS), encoding="utf-8")
    argv = [str(BINARY), "-F", "-e", "-f", str(conf), f"--module-path={MODULES}",
            f"--persist-file={job.workdir / 'syslog-ng.persist'}",
            f"--pidfile={job.workdir / 'syslog-ng.pid'}",
            f"--control={job.workdir / 'syslog-ng.ctl'}"]
    return Launch(argv, daemon=True, env=env())
