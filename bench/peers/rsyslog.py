"""rsyslog 8.2302 from Debian 12 as a peer: imfile + mmjsonparse + mmnormalize + omelasticsearch.

JSON lines go through mmjsonparse; bracketed lines through an mmnormalize (liblognorm v2)
rulebase with one rule per layout. Bracketed timestamps are normalised to RFC 3339 and turned
into UTC with ``parse_time``/``format_time`` so the daily index is the event's UTC day, as in
lumberyard. A string ``data``/``context`` (objects elsewhere) moves to ``*_text`` so the
index mapping accepts it. Lines neither parser accepts are indexed with
``tags: "_parsefailure"`` into the index of the day they were read. Runs in the foreground
with a private config and work dir.
"""

from __future__ import annotations

import shutil

from bench.peers._job import BATCH_DOCS, Job, Launch

NAME = "rsyslog"
BINARY = "/usr/sbin/rsyslogd"

_TS = '[%ts:char-to{"extradata":"]"}%]'
RULEBASE = "\n".join([
    "version=2",
    f'rule=:{_TS} [%level:char-to{{"extradata":"]"}}%] %msg:rest%',
    f'rule=:{_TS} %level:word% [%logger:char-to{{"extradata":"]"}}%] %msg:rest%',
    f'rule=:{_TS} %level:word% %msg:string-to{{"extradata":" service="}}% %kv:name-value-list%',
    f"rule=:{_TS} %level:word% %msg:rest%",
    "",
])
"""One rule per bracketed layout; the ``k=v`` rule needs its first key named (liblognorm)."""

CONFIG = r"""
global(workDirectory="{work}" maxMessageSize="64k")
main_queue(queue.type="LinkedList" queue.size="200000" queue.dequeueBatchSize="{batch}")
module(load="imfile" mode="inotify")
module(load="mmjsonparse")
module(load="mmnormalize")
module(load="omelasticsearch")

template(name="lyIndex" type="string" string="{prefix}%$.day%")
template(name="lyDoc" type="string" string="%$!%")

input(type="imfile" file="{corpus}" tag="app" ruleset="ly" startmsg.regex="^[^ \t]"
      readTimeout="1" addMetadata="off" freshStartTail="off")

ruleset(name="ly") {{
  if $msg startswith "{{" then {{
    action(type="mmjsonparse" cookie="" useRawMsg="on")
    # "data" and "context" are objects from most services but strings from some: a string
    # would be rejected by the object mapping of its daily index, so it gets its own field.
    if $!data != "" and not ($!data startswith "{{") then {{
      set $!data_text = $!data;
      unset $!data;
    }}
    if $!context != "" and not ($!context startswith "{{") then {{
      set $!context_text = $!context;
      unset $!context;
    }}
    if $parsesuccess == "OK" and $!timestamp != "" then {{
      set $.day = substring($!timestamp, 0, 4) & "." & substring($!timestamp, 5, 2) & "."
                  & substring($!timestamp, 8, 2);
    }}
  }} else {{
    action(type="mmnormalize" rulebase="{rulebase}" useRawMsg="on")
    if $!ts != "" and $!unparsed-data == "" then {{
      set $.ts = replace(replace($!ts, " ", "T"), ",", ".");
      if re_match($.ts, "[+-][0-9]{{4}}\$") then {{
        set $.ts = substring($.ts, 0, strlen($.ts) - 2) & ":"
                   & substring($.ts, strlen($.ts) - 2, 2);
      }}
      set $.unix = parse_time($.ts);
      if $.unix != 0 then {{
        set $.utc = format_time($.unix, "date-rfc3339");
        set $.day = substring($.utc, 0, 4) & "." & substring($.utc, 5, 2) & "."
                    & substring($.utc, 8, 2);
        set $!timestamp = $.ts;
        set $!message = $!msg;
        unset $!msg;
        unset $!ts;
      }}
    }}
  }}
  if $.day == "" then {{
    unset $!;
    set $!message = $msg;
    set $!tags = "_parsefailure";
    set $.day = $$year & "." & $$month & "." & $$day;
  }}
  action(type="omelasticsearch" server="{host}" serverport="{port}" template="lyDoc"
         searchIndex="lyIndex" dynSearchIndex="on" bulkmode="on" esVersion.major="8"
         errorFile="{work}/es-errors.json" maxbytes="100m"
         queue.type="LinkedList" queue.size="200000" queue.dequeueBatchSize="{batch}"
         action.resumeRetryCount="-1")
}}
"""


def available() -> str | None:
    """Why rsyslog cannot run here, or None."""
    if shutil.which(BINARY) is None:
        return f"{BINARY} not installed (python -m bench.peers.install)"
    return None


def launch(job: Job) -> Launch:
    """Write the private config and rulebase; return the foreground command."""
    rulebase = job.workdir / "bracketed.rulebase"
    rulebase.write_text(RULEBASE, encoding="utf-8")
    conf = job.workdir / "rsyslog.conf"
    conf.write_text(CONFIG.format(work=job.workdir, batch=BATCH_DOCS, prefix=job.index_prefix,
                                  corpus=job.corpus, rulebase=rulebase, host=job.host,
                                  port=job.port), encoding="utf-8")
    return Launch([BINARY, "-n", "-f", str(conf), "-i", str(job.workdir / "rsyslogd.pid")],
                  daemon=True)
