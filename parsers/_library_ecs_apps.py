"""ECS (``ecs_compatibility => v1``) forms of the Bind, MCollective, MongoDB, Nagios, PostgreSQL,
Redis, Ruby and Squid patterns.

Written for lumberyard from the log formats themselves (Bind's query log, Ruby's ``Logger``
lines that MCollective writes too, mongod's log lines, Nagios' ``nagios.log``, a PostgreSQL
``log_line_prefix``, Redis' log and ``MONITOR`` output, Squid's native ``access.log``), with the
nested capture names of logstash-patterns-core's ``ecs-v1`` set (see
:mod:`parsers._library_core` for the conventions). Nagios' line kinds are generated from a
table of their ``;``-separated fields.
"""

from __future__ import annotations

__all__ = ["ECS"]

# -- Bind 9 query log ---------------------------------------------------------------------------
# 17-Feb-2018 23:06:56.326 queries: info: client @0x7f64500020ef 172.26.0.1#12345
#   (test.example.com): query: test.example.com IN A +E(0)K (172.26.0.3)

# the RR types a query log names (IANA "Resource Record (RR) TYPEs"), longest first so that
# no type stops at a shorter one's prefix (NSEC3 before NSEC before NS)
_RR_TYPES = sorted((
    "A", "AAAA", "AFSDB", "ANY", "APL", "AXFR", "CAA", "CDNSKEY", "CDS", "CERT", "CNAME",
    "CSYNC", "DHCID", "DLV", "DNAME", "DNSKEY", "DS", "HINFO", "HIP", "HTTPS", "IPSECKEY",
    "IXFR", "KEY", "KX", "LOC", "MX", "NAPTR", "NS", "NSEC", "NSEC3", "NSEC3PARAM", "NULL",
    "OPENPGPKEY", "PTR", "RP", "RRSIG", "SIG", "SMIMEA", "SOA", "SPF", "SRV", "SSHFP", "SVCB",
    "TLSA", "TSIG", "TXT", "URI", "ZONEMD",
), key=lambda name: (-len(name), name))

# Bind's logging severities; "debug" carries the debug level ("debug 3")
_BIND_SEVERITY = "critical|error|warning|notice|info|debug(?: [0-9]+)?|dynamic"

_BIND = {
    "BIND9_TIMESTAMP": "%{MONTHDAY}-%{MONTH}-%{YEAR} %{TIME}",  # 17-Feb-2018 23:06:56.326
    "BIND9_DNSTYPE": f"(?:{'|'.join(_RR_TYPES)})",
    "BIND9_CATEGORY": "(?:queries)",
    # client [@0x<address of the client object, Bind 9.11+>] ip#port (name): query: name
    # class type flags (server address); upstream's "(:?" were meant as "(?:" groups
    "BIND9_QUERYLOGBASE": r"client(?: @0x[0-9A-Fa-f]+)? "
                          r"%{IP:[client][ip]}#%{POSINT:[client][port]:int} "
                          r"\(%{NOTSPACE:[bind][log][question][name]}\): "
                          "query: %{NOTSPACE:[dns][question][name]} "
                          "(?<[dns][question][class]>IN|CH|HS) "
                          "%{BIND9_DNSTYPE:[dns][question][type]}"
                          r"(?: %{NOTSPACE:[bind][log][question][flags]})? \(%{IP:[server][ip]}\)",
    # sic: [bing][log][category] (for [bind]) is the field Logstash writes, and its spec
    # holds [bind][log] to the question alone: kept, so documents match Logstash's
    # a channel with print-time, print-category and print-severity: time category: severity:
    "BIND9_QUERYLOG": "%{BIND9_TIMESTAMP:timestamp} %{BIND9_CATEGORY:[bing][log][category]}: "
                      f"(?<[log][level]>{_BIND_SEVERITY}): %{{BIND9_QUERYLOGBASE}}",
    "BIND9": "%{BIND9_QUERYLOG}",
}

# -- Ruby's Logger (and MCollective, which logs through it) -------------------------------------
# I, [2010-12-29T11:15:32.321744 #11479]  INFO -- progname: message
# (the severity's initial, the time and pid, the severity right-aligned, the program name)
_RUBY_HEAD = r"[A-Z], \[%{TIMESTAMP_ISO8601:timestamp} #%{POSINT:[process][pid]:int}\] *"

_RUBY = {
    "RUBY_LOGLEVEL": "(?:DEBUG|INFO|WARN|ERROR|FATAL)",
    "RUBY_LOGGER": _RUBY_HEAD + "%{RUBY_LOGLEVEL:[log][level]} -- +%{DATA:[process][name]}: "
                   "%{GREEDYDATA:message}",
    "MCOLLECTIVE": _RUBY_HEAD + "%{LOGLEVEL:[log][level]}",
    "MCOLLECTIVEAUDIT": "%{TIMESTAMP_ISO8601:timestamp}:",
}

# -- MongoDB: mongod's log lines (2.x and 3.x) and 2.x slow-query lines ------------------------
_MONGO = {
    "MONGO_WORDDASH": r"\b[\w-]+\b",
    # a query document up to the " } ntoreturn:" that ends it (it may hold "}" itself)
    "MONGO_QUERY_CONTENT": r"(?:[^}]|\}(?! ntoreturn:))*",
    "MONGO_QUERY": r"\{ %{MONGO_QUERY_CONTENT} \}",
    # mongod 2.x: "Thu Nov  3 18:28:32.450 [initandlisten] message" (ctime, then the thread)
    "MONGO_LOG": r"(?:%{DAY} )?%{SYSLOGTIMESTAMP:timestamp} \[%{WORD:[mongodb][component]}\] "
                 "%{GREEDYDATA:message}",
    # op db.collection query: { ... } ntoreturn:N ntoskip:N nscanned:N ... nreturned:N ... Nms
    # (a collection name may hold dots, "fs.chunks": the namespace runs to the space)
    "MONGO_SLOWQUERY": r"%{WORD:[mongodb][profile][op]} %{MONGO_WORDDASH:[mongodb][database]}\."
                       "%{NOTSPACE:[mongodb][collection]} %{WORD}: "
                       "%{MONGO_QUERY:[mongodb][query][original]} "
                       + " ".join(f"{name}:%{{NONNEGINT:[mongodb][profile][{name}]:int}}"
                                  for name in ("ntoreturn", "ntoskip", "nscanned"))
                       + ".*? nreturned:%{NONNEGINT:[mongodb][profile][nreturned]:int}.*? "
                       "%{INT:[mongodb][profile][duration]:int}ms",  # (\\b would fail before "ms")
    "MONGO3_SEVERITY": r"\w",
    "MONGO3_COMPONENT": "%{WORD}",
    # time severity component (padded with spaces; "-" for none) [context] message
    "MONGO3_LOG": "%{TIMESTAMP_ISO8601:timestamp} %{MONGO3_SEVERITY:[log][level]} "
                  "(?:-|%{MONGO3_COMPONENT:[mongodb][component]}) +"
                  r"(?:\[(?<[mongodb][context]>[^\]]*)\] )?%{GREEDYDATA:message}",
}

# -- PostgreSQL (log_line_prefix = '%t %u %c %p': time zone user session-id pid) ---------------
_POSTGRESQL = {
    "POSTGRESQL": "%{DATESTAMP:timestamp} %{TZ:[event][timezone]} (?<[user][name]>[^ ]*) "
                  "%{NOTSPACE:[postgresql][log][connection_id]} %{POSINT:[process][pid]:int}",
}

# -- Redis: the 2.x log line head, and MONITOR output -------------------------------------------
_REDIS = {
    "REDISTIMESTAMP": "%{MONTHDAY} %{MONTH} %{TIME}",
    # [pid] 14 Nov 07:01:22.119 <level>: . debug, - verbose, * notice, # warning
    "REDISLOG": r"\[%{POSINT:[process][pid]:int}\] %{REDISTIMESTAMP:timestamp} [.*#-]",
    # 1470637867.953466 [db client-ip:port] "command" "arg" ...
    "REDISMONLOG": r"%{NUMBER:timestamp} \[%{NONNEGINT:[redis][database][id]} "
                   r"%{IP:[client][ip]}:%{POSINT:[client][port]:int}\] "
                   '"%{WORD:[redis][command][name]}" ?%{GREEDYDATA:[redis][command][args]}',
}

# -- Squid: the native access.log format -------------------------------------------------------
# time elapsed client action/status bytes method URL user hierarchy/peer type
_SQUID = {
    "SQUID3_STATUS": "(?:0{1,3}|%{POSINT:[http][response][status_code]:int})",  # 0/000: none
    "SQUID3": "%{NUMBER:timestamp} +" + " ".join((  # elapsed is right-aligned in 6 columns
        "%{NONNEGINT:[squid][request][duration]:int}", "%{IP:[source][ip]}",
        "%{WORD:[event][action]}/%{SQUID3_STATUS}", "%{NONNEGINT:[http][response][bytes]:int}",
        "%{WORD:[http][request][method]}", "%{NOTSPACE:[url][original]}",
        "(?:-|%{NOTSPACE:[user][name]})",
        "%{WORD:[squid][hierarchy_code]}/(?:-|%{IPORHOST:[destination][address]})",
        "(?:-|%{NOTSPACE:[http][response][mime_type]})",
    )),
}

# -- Nagios: nagios.log lines, "[epoch] KIND: field;field;...;field" ----------------------------

_NL = "[nagios][log]"
# a field: (grok pattern, ECS field); a None pattern is a name, text that never holds the ';'
# separator (Nagios object names cannot), also as a line's last field; plugin output and
# comments are free text to the end of the line
_NAGIOS_FIELDS: dict[str, tuple[str | None, str]] = {
    "host": (None, "[host][hostname]"), "service": (None, "[service][name]"),
    "state": (None, "[service][state]"), "state_type": (None, f"{_NL}[state_type]"),
    "attempt": ("INT", f"{_NL}[attempt]:int"), "contact": (None, "[user][name]"),
    "notification_command": (None, f"{_NL}[notification_command]"),
    "handler": (None, f"{_NL}[event_handler_name]"), "output": ("GREEDYDATA", "message"),
    "comment": ("GREEDYDATA", f"{_NL}[comment]"),
    "check_result": ("GREEDYDATA", f"{_NL}[check_result]"),
    "period_from": ("NUMBER", f"{_NL}[period_from]:int"),
    "period_to": ("NUMBER", f"{_NL}[period_to]:int"),
    "start_time": ("NUMBER", f"{_NL}[start_time]"), "end_time": ("NUMBER", f"{_NL}[end_time]"),
    "fixed": ("NUMBER", f"{_NL}[fixed]"), "trigger_id": ("NUMBER", f"{_NL}[trigger_id]"),
    "duration": ("NUMBER", f"{_NL}[duration]:int"), "author": (None, "[user][name]"),
}
# the line kinds: KIND -> its fields. Upstream ends several kinds with a lazy %{DATA}, which
# captures nothing there: the handler, the host of *_HOST_CHECK and the service of
# *_SVC_CHECK were never captured; they are here. "?comment" keeps that for the downtime
# comment only, because Logstash's own spec expects no comment from SCHEDULE_HOST_DOWNTIME.
_NAGIOS_LINES = {
    "CURRENT_HOST_STATE": "host state state_type attempt output",
    "CURRENT_SERVICE_STATE": "host service state state_type attempt output",
    "HOST_ALERT": "host state state_type attempt output",
    "SERVICE_ALERT": "host service state state_type attempt output",
    "HOST_NOTIFICATION": "contact host state notification_command output",
    "SERVICE_NOTIFICATION": "contact host service state notification_command output",
    "HOST_FLAPPING_ALERT": "host state output",
    "SERVICE_FLAPPING_ALERT": "host service state output",
    "HOST_DOWNTIME_ALERT": "host state comment",
    "SERVICE_DOWNTIME_ALERT": "host service state comment",
    "PASSIVE_HOST_CHECK": "host state comment",
    "PASSIVE_SERVICE_CHECK": "host service state comment",
    "HOST_EVENT_HANDLER": "host state state_type handler",
    "SERVICE_EVENT_HANDLER": "host service state state_type handler",
    "TIMEPERIOD_TRANSITION": "service period_from period_to",
}
# EXTERNAL COMMAND lines: "EXTERNAL COMMAND: COMMAND;field;..." (None: the word only)
_NAGIOS_COMMANDS: dict[str, str | None] = {
    "DISABLE_SVC_CHECK": "host service", "ENABLE_SVC_CHECK": "host service",
    "DISABLE_HOST_CHECK": "host", "ENABLE_HOST_CHECK": "host",
    "PROCESS_SERVICE_CHECK_RESULT": "host service state check_result",
    "PROCESS_HOST_CHECK_RESULT": "host state check_result",
    "SCHEDULE_SERVICE_DOWNTIME": None,
    "SCHEDULE_HOST_DOWNTIME": "host start_time end_time fixed trigger_id duration author "
                              "?comment",
    "DISABLE_HOST_SVC_NOTIFICATIONS": "host", "ENABLE_HOST_SVC_NOTIFICATIONS": "host",
    "DISABLE_HOST_NOTIFICATIONS": "host", "ENABLE_HOST_NOTIFICATIONS": "host",
    "DISABLE_SVC_NOTIFICATIONS": "host service", "ENABLE_SVC_NOTIFICATIONS": "host service",
}


def _nagios_field(word: str) -> str:
    """One field of a Nagios line (see :data:`_NAGIOS_LINES` for ``?``)."""
    pattern, field = _NAGIOS_FIELDS[word.lstrip("?")]
    if word[0] == "?":
        pattern = "DATA"
    elif pattern is None:
        return f"(?<{field}>[^;]*)"
    return f"%{{{pattern}:{field}}}"


def _nagios() -> dict[str, str]:
    """Every Nagios name: kind and command words, one name per line kind, the whole line."""
    out = {"NAGIOSTIME": r"\[%{NUMBER:timestamp}\]",
           "NAGIOS_WARNING": "Warning:%{SPACE}%{GREEDYDATA:message}"}
    kinds = [*_NAGIOS_LINES, "EXTERNAL_COMMAND"]
    out.update({f"NAGIOS_TYPE_{kind}": kind.replace("_", " ") for kind in kinds})
    alternatives = ["NAGIOS_WARNING"]
    for kind, fields in _NAGIOS_LINES.items():
        out[f"NAGIOS_{kind}"] = (f"%{{NAGIOS_TYPE_{kind}:{_NL}[type]}}: "
                                 + ";".join(map(_nagios_field, fields.split())))
        alternatives.append(f"NAGIOS_{kind}")
    for command, arguments in _NAGIOS_COMMANDS.items():
        out[f"NAGIOS_EC_{command}"] = command
        if arguments is not None:
            out[f"NAGIOS_EC_LINE_{command}"] = (
                f"%{{NAGIOS_TYPE_EXTERNAL_COMMAND:{_NL}[type]}}: "
                f"%{{NAGIOS_EC_{command}:{_NL}[command]}};"
                + ";".join(map(_nagios_field, arguments.split())))
            alternatives.append(f"NAGIOS_EC_LINE_{command}")
    # each kind starts with its own words, so the order of the alternatives does not matter
    out["NAGIOSLOGLINE"] = "%{NAGIOSTIME} (?:" + "|".join(f"%{{{a}}}" for a in alternatives) + ")"
    return out


ECS: dict[str, str] = {**_BIND, **_RUBY, **_MONGO, **_POSTGRESQL, **_REDIS, **_SQUID,
                       **_nagios()}
