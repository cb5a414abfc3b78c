"""Grok names for particular programs' logs (AWS, Bind, Bro, Exim, HAProxy, Junos, Maven,
MCollective, MongoDB, PostgreSQL, Rails, Redis, Ruby, Squid, Nagios): the legacy capture names
(their ECS forms are in :mod:`parsers._library_ecs_apps`, ``_library_ecs`` and
``_library_ecs_zeek``).

Written for lumberyard with the meaning and capture names logstash-patterns-core gives them;
see :mod:`parsers._library_core` for the conventions. Each definition is derived from the log
format it reads (the field lists of AWS's, HAProxy's and Bro's documentation, Nagios' line
types, Ruby's Logger): columns come from tables, a field delimited by a character is a negated
class of it, and a fragment two formats share is written once. Where logstash-patterns-core's
text has a typo, the comment says what was meant and the definition does that.
"""

from __future__ import annotations

__all__ = ["LEGACY"]


def _cap(name: str, regex: str) -> str:
    """A named capture of plain regex text (grok's Oniguruma ``(?<name>...)``)."""
    return f"(?<{name}>{regex})"


def _dash_or(grok: str) -> str:
    """A field the program writes as ``-`` when it has no value (then nothing is captured)."""
    return f"(?:-|{grok})"


def _request_line(target: str, verb: str, version: str, raw: str = "") -> str:
    """An HTTP request line, ``METHOD target[ HTTP/version]``; ``raw`` (if set) captures a line
    that is not one (a logged ``-`` or garbage) whole."""
    line = f"%{{WORD:{verb}}} {target}(?: HTTP/%{{NUMBER:{version}}})?"
    return f"{line}|%{{DATA:{raw}}}" if raw else line  # a reference is a group: no (?:) needed


def _userinfo(user: str = "") -> str:
    """The optional ``user[:password]@`` of a URL's authority (``user`` captures the name)."""
    return "(?:%{USER" + (f":{user}" if user else "") + "}(?::[^@]*)?@)?"


# --- AWS -----------------------------------------------------------------------------------
# S3 server access log: space-separated columns in the order AWS documents them.
_S3_COLUMNS = (
    "%{WORD:owner}", "%{NOTSPACE:bucket}", r"\[%{HTTPDATE:timestamp}\]", "%{IP:clientip}",
    "%{NOTSPACE:requester}", "%{NOTSPACE:request_id}", "%{NOTSPACE:operation}",
    "%{NOTSPACE:key}", _dash_or('"%{S3_REQUEST_LINE}"'), _dash_or("%{INT:response:int}"),
    _dash_or("%{NOTSPACE:error_code}"),
    *(_dash_or(f"%{{INT:{n}:int}}")
      for n in ("bytes", "object_size", "request_time_ms", "turnaround_time_ms")),
    # The user agent may come quoted twice (""agent"").
    _dash_or("%{QS:referrer}"), _dash_or('"?%{QS:agent}"?'), _dash_or("%{NOTSPACE:version_id}"),
)
# Classic ELB access log: the same idea; a request no backend served has "-" for the backend,
# -1 for its times and "-" for its status. (patterns-core's backend reads `%{IP}:?:%{INT}`,
# a typo for the one ':' between address and port.)
_ELB_COLUMNS = (
    "%{TIMESTAMP_ISO8601:timestamp}", "%{NOTSPACE:elb}", "%{IP:clientip}:%{INT:clientport:int}",
    _dash_or("%{IP:backendip}:%{INT:backendport:int}"),
    *(f"%{{NUMBER:{stage}_processing_time:float}}" for stage in ("request", "backend", "response")),
    "%{INT:response:int}", _dash_or("%{INT:backend_response:int}"), "%{INT:received_bytes:int}",
    "%{INT:bytes:int}", '"%{ELB_REQUEST_LINE}"',
)
# CloudFront (web distribution) access log: the documented "#Fields:" header of the 2016 format,
# each column with its legacy name and pattern (None: free text without tabs).
_CLOUDFRONT_COLUMNS = (
    ("x-edge-location", "x_edge_location", "WORD"), ("sc-bytes", "sc_bytes", "-NUMBER:int"),
    ("c-ip", "clientip", "IPORHOST"), ("cs-method", "cs_method", "WORD"),
    ("cs(Host)", "cs_host", "HOSTNAME"), ("cs-uri-stem", "cs_uri_stem", "NOTSPACE"),
    ("sc-status", "sc_status", "NUMBER:int"), ("cs(Referer)", "referrer", None),
    ("cs(User-Agent)", "agent", None), ("cs-uri-query", "cs_uri_query", None),
    ("cs(Cookie)", "cookies", None), ("x-edge-result-type", "x_edge_result_type", "WORD"),
    ("x-edge-request-id", "x_edge_request_id", "NOTSPACE"),
    ("x-host-header", "x_host_header", "HOSTNAME"), ("cs-protocol", "cs_protocol", "URIPROTO"),
    ("cs-bytes", "cs_bytes", "INT:int"), ("time-taken", "time_taken", "NUMBER:float"),
    ("x-forwarded-for", "x_forwarded_for", None), ("ssl-protocol", "ssl_protocol", None),
    ("ssl-cipher", "ssl_cipher", None),
    ("x-edge-response-result-type", "x_edge_response_result_type", None),
)


def _cloudfront() -> str:
    """The CloudFront line: date and time (one ``timestamp``), then the tab-separated columns.

    Logs of format version 1.0 append columns after the 2016 set; the legacy names then read the
    line's last four columns (what Logstash's legacy pattern yields; its spec pins it), so the
    columns after time-taken start with an optional run of columns this pattern does not name.
    """
    columns = [_cap("timestamp", r"%{YEAR}-%{MONTHNUM}-%{MONTHDAY}\t%{TIME}")]
    for _header, name, kind in _CLOUDFRONT_COLUMNS:
        if kind is None:
            columns.append(_cap(name, r"[^\t]*"))
            continue
        pattern, _, cast = kind.lstrip("-").partition(":")
        column = f"%{{{pattern}:{name}" + (f":{cast}}}" if cast else "}")
        columns.append(_dash_or(column) if kind.startswith("-") else column)
    cut = 2 + [name for _h, name, _k in _CLOUDFRONT_COLUMNS].index("time_taken")  # after it
    return r"\t".join(columns[:cut]) + r"(?:\t.*)?\t" + r"\t".join(columns[cut:])


_AWS: dict[str, str] = {
    "S3_REQUEST_LINE": _request_line("%{NOTSPACE:request}", "verb", "httpversion", "rawrequest"),
    "S3_ACCESS_LOG": " ".join(_S3_COLUMNS),
    "ELB_URIPATHPARAM": "%{URIPATH:path}(?:%{URIPARAM:params})?",
    # An absolute URI: the ELB logs the scheme and host:port of every request.
    "ELB_URI": "%{URIPROTO:proto}://" + _userinfo() + "%{URIHOST:urihost}(?:%{ELB_URIPATHPARAM})?",
    "ELB_REQUEST_LINE": _request_line("%{ELB_URI:request}", "verb", "httpversion",
                                      "rawrequest"),
    "ELB_ACCESS_LOG": " ".join(_ELB_COLUMNS),
    "CLOUDFRONT_ACCESS_LOG": _cloudfront(),
}

# --- Bind 9 query log ------------------------------------------------------------------------
# "DD-Mon-YYYY hh:mm:ss.mmm queries: LEVEL: client [@0xADDR ]IP#PORT (NAME): query: NAME IN
# TYPE FLAGS (SERVER)". Bind 9.11 added the client object's address; patterns-core reads it with
# `(:? @0x...)`, a typo for the non-capturing `(?: @0x...)` written here. A query name has no
# spaces (Bind escapes them); the type is followed by the query's flags ("A +E(0)K").
_BIND = {
    "BIND9_TIMESTAMP": "%{MONTHDAY}-%{MONTH}-%{YEAR} %{TIME}",
    "BIND9": r"%{BIND9_TIMESTAMP:timestamp} queries: %{LOGLEVEL:loglevel}: "
             r"client(?: @0x[0-9A-Fa-f]+)? %{IP:clientip}#%{POSINT:clientport} "
             r"\(%{NOTSPACE:query}\): query: %{NOTSPACE:query} IN "
             r"%{GREEDYDATA:querytype} \(%{IP:dns}\)",
}

# --- Bro (Zeek before 3.0) TSV logs ----------------------------------------------------------
# Each log is its "#fields" header (Bro's own column names); the legacy capture is the column
# name without its "id." record prefix (host and tags are renamed), and only the columns in
# _BRO_TYPED are read with a pattern. Every other column is free text, GREEDYDATA's `.*` that
# may take tabs: that is how the legacy names misread Zeek's longer lines, and the specs pin it.
_BRO_FIELDS = {
    "BRO_HTTP": "ts uid id.orig_h id.orig_p id.resp_h id.resp_p trans_depth method host uri "
                "referrer user_agent request_body_len response_body_len status_code status_msg "
                "info_code info_msg filename tags username password proxied orig_fuids "
                "orig_mime_types resp_fuids resp_mime_types",
    "BRO_DNS": "ts uid id.orig_h id.orig_p id.resp_h id.resp_p proto trans_id query qclass "
               "qclass_name qtype qtype_name rcode rcode_name AA TC RD RA Z answers TTLs rejected",
    "BRO_CONN": "ts uid id.orig_h id.orig_p id.resp_h id.resp_p proto service duration orig_bytes "
                "resp_bytes conn_state local_orig missed_bytes history orig_pkts orig_ip_bytes "
                "resp_pkts resp_ip_bytes tunnel_parents",
    "BRO_FILES": "ts fuid tx_hosts rx_hosts conn_uids source depth analyzers mime_type filename "
                 "duration local_orig is_orig seen_bytes total_bytes missing_bytes overflow_bytes "
                 "timedout parent_fuid md5 sha1 sha256 extracted",
}
_BRO_RENAMED = {"host": "domain", "tags": "bro_tags"}
_BRO_TYPED = {
    "ts": "NUMBER", "uid": "NOTSPACE", "fuid": "NOTSPACE", "conn_uids": "NOTSPACE",
    "id.orig_h": "IP", "id.resp_h": "IP", "tx_hosts": "IP", "rx_hosts": "IP",
    "id.orig_p": "INT", "id.resp_p": "INT", "proto": "WORD", "trans_id": "INT",
    "BRO_HTTP trans_depth": "INT", "BRO_HTTP request_body_len": "NUMBER",
    "BRO_HTTP response_body_len": "NUMBER", "BRO_CONN duration": "NUMBER",
    "BRO_CONN orig_bytes": "NUMBER", "BRO_CONN resp_bytes": "NUMBER",
}
"""The pattern of a typed column: by its name, or by ``"LOG name"`` where one log types it."""


def _bro(log: str) -> str:
    """The tab-separated line of one Bro log, from its header."""
    columns = []
    for field in _BRO_FIELDS[log].split():
        name = _BRO_RENAMED.get(field, field.removeprefix("id."))
        kind = _BRO_TYPED.get(f"{log} {field}", _BRO_TYPED.get(field))
        columns.append(f"%{{{kind}:{name}}}" if kind else _cap(name, ".*"))
    return r"\t".join(columns)


_BRO = {log: _bro(log) for log in _BRO_FIELDS}

# --- Exim mainlog ----------------------------------------------------------------------------
_EXIM_SKIP = (
    "Message is frozen", "(?:Start|End) queue run", " Warning: ", " retry time not reached ",
    " no (?:IP address|host name) found for (?:IP address|host) ",
    " unexpected disconnection while reading SMTP command ", " no immediate delivery: ",
    "another process is handling this message",
)
_EXIM = {
    "EXIM_MSGID": "(?:[A-Za-z0-9]{6}-){2}[A-Za-z0-9]{2}",
    "EXIM_FLAGS": "(?:<=|[-=>*]>|[*]{2}|==)",
    # Exim writes "%Y-%m-%d %H:%M:%S": the month always has two digits.
    "EXIM_DATE": "%{YEAR:exim_year}-%{MONTHNUM2:exim_month}-%{MONTHDAY:exim_day} "
                 "%{TIME:exim_time}",
    "EXIM_PID": r"\[%{POSINT:pid}\]",
    "EXIM_QT": r"(?:(?:\d+y)?(?:\d+w)?(?:\d+d)?(?:\d+h)?(?:\d+m)?(?:\d+s)?)",
    "EXIM_EXCLUDE_TERMS": "(?:" + "|".join(_EXIM_SKIP) + ")",
    "EXIM_REMOTE_HOST": r"(?:H=(?:%{NOTSPACE:remote_hostname} )?"
                        r"(?:\(%{NOTSPACE:remote_heloname}\) )?\[%{IP:remote_host}\])"
                        r"(?::%{POSINT:remote_port})?",
    "EXIM_INTERFACE": r"(?:I=\[%{IP:exim_interface}\](?::%{NUMBER:exim_interface_port}))",
    "EXIM_PROTOCOL": "(?:P=%{NOTSPACE:protocol})",
    "EXIM_MSG_SIZE": "(?:S=%{NUMBER:exim_msg_size})",
    "EXIM_HEADER_ID": "(?:id=%{NOTSPACE:exim_header_id})",
    "EXIM_SUBJECT": "(?:T=%{QS:exim_subject})",
    "EXIM_UNKNOWN_FIELD": "(?:[A-Za-z0-9]{1,4}=%{NOTSPACE})",
    "EXIM_NAMED_FIELDS": "(?: (?:%{EXIM_REMOTE_HOST}|%{EXIM_INTERFACE}|%{EXIM_PROTOCOL}"
                         "|%{EXIM_MSG_SIZE}|%{EXIM_HEADER_ID}|%{EXIM_SUBJECT}"
                         "|%{EXIM_UNKNOWN_FIELD}))*",
    "EXIM_MESSAGE_ARRIVAL": "%{EXIM_DATE:timestamp} (?:%{EXIM_PID} )?%{EXIM_MSGID:exim_msgid} "
                            "(?<exim_flags><=) (?<exim_status>[a-z:] )?"
                            "%{EMAILADDRESS:exim_sender_email}%{EXIM_NAMED_FIELDS}"
                            # The sender may be repeated as "from <address>" before the
                            # recipients ("for a@b c@d"): the first recipient is captured.
                            "(?: from <%{EMAILADDRESS}>)?"
                            "(?: for %{EMAILADDRESS:exim_recipient_email})?",
    "EXIM": "%{EXIM_MESSAGE_ARRIVAL}",
}

# --- HAProxy (docs section 8.2: the TCP and HTTP log formats) --------------------------------
# Both start "client_ip:port [accept_date] frontend backend/server", then the timers and counts
# HAProxy joins with '/': the timers are integers (-1 for a step never reached), the last one
# may carry a '+' (logged before the end, option logasap), hence NOTSPACE there.
_HAPROXY_TIMERS = {
    "HTTP": "time_request time_queue time_backend_connect time_backend_response +time_duration",
    "TCP": "time_queue time_backend_connect +time_duration",
}


def _slashed(names: str) -> str:
    """``a/b/+c`` from ``"a b +c"``: INT fields joined by '/', ``+`` marking a NOTSPACE one."""
    return "/".join(f"%{{NOTSPACE:{n[1:]}}}" if n[0] == "+" else f"%{{INT:{n}}}"
                    for n in names.split())


# A proxy name has no '/', the server name follows it ("<NOSRV>" when none was chosen).
_HAPROXY_SESSION = (r"%{IP:client_ip}:%{INT:client_port} \[%{HAPROXYDATE:accept_date}\] "
                    r"%{NOTSPACE:frontend_name} (?<backend_name>[^/\s]+)/%{NOTSPACE:server_name} ")
_HAPROXY_COUNTS = (_slashed("actconn feconn beconn srvconn +retries") + " "
                   + _slashed("srv_queue backend_queue"))
# HTTP: a request cookie and a response cookie ("-" when not captured; a cookie has no spaces),
# "{request headers} {response headers}" when captured, then the quoted request line, which
# HAProxy truncates (no closing quote) when it is long.
_HAPROXY_REQUEST = _request_line(
    "(?:%{URIPROTO:http_proto}://)?" + _userinfo("http_user") + "(?:%{URIHOST:http_host})?"
    "(?:%{URIPATHPARAM:http_request})?", "http_verb", "http_version")
# The syslog head in front of each line: a BSD or an RFC 3339 time, the host, haproxy[pid].
_HAPROXY_SYSLOG = ("(?:%{SYSLOGTIMESTAMP:syslog_timestamp}|%{TIMESTAMP_ISO8601:timestamp8601}) "
                   "%{IPORHOST:syslog_server} %{SYSLOGPROG}: ")
_HAPROXY = {
    # patterns-core writes `(?!<[0-9])` (a lookahead for "<digit"), a typo for the
    # lookbehind `(?<![0-9])`: the hour is not the tail of a longer number.
    "HAPROXYTIME": "(?<![0-9])%{HOUR:haproxy_hour}:%{MINUTE:haproxy_minute}:"
                   "%{SECOND:haproxy_second}(?![0-9])",
    # dd/Mon/yyyy:hh:mm:ss.mmm; patterns-core's unescaped '.' before the milliseconds took any
    # character.
    "HAPROXYDATE": r"%{MONTHDAY:haproxy_monthday}/%{MONTH:haproxy_month}/%{YEAR:haproxy_year}:"
                   r"%{HAPROXYTIME:haproxy_time}\.%{INT:haproxy_milliseconds}",
    "HAPROXYCAPTUREDREQUESTHEADERS": "%{DATA:captured_request_headers}",
    "HAPROXYCAPTUREDRESPONSEHEADERS": "%{DATA:captured_response_headers}",
    "HAPROXYHTTPBASE": _HAPROXY_SESSION + _slashed(_HAPROXY_TIMERS["HTTP"])
                       + " %{INT:http_status_code} %{NOTSPACE:bytes_read} "
                       "%{NOTSPACE:captured_request_cookie} %{NOTSPACE:captured_response_cookie} "
                       "%{NOTSPACE:termination_state} " + _HAPROXY_COUNTS + " "
                       r"(?:\{%{HAPROXYCAPTUREDREQUESTHEADERS}\} )?"
                       r"(?:\{%{HAPROXYCAPTUREDRESPONSEHEADERS}\} )?"
                       f'"(?:<BADREQ>|{_HAPROXY_REQUEST})?"?',
    "HAPROXYHTTP": _HAPROXY_SYSLOG + "%{HAPROXYHTTPBASE}",
    "HAPROXYTCP": _HAPROXY_SYSLOG + _HAPROXY_SESSION
                  + _slashed(_HAPROXY_TIMERS["TCP"])
                  + " %{NOTSPACE:bytes_read} %{NOTSPACE:termination_state} " + _HAPROXY_COUNTS,
}

# --- Junos SRX session logs (RT_FLOW_SESSION_*, the unstructured syslog form) ---------------
# "EVENT: session created|closed REASON|denied ADDR/PORT->ADDR/PORT service [NAT ADDR/PORT->
# ADDR/PORT src-rule dst-rule] protocol policy from-zone to-zone session-id ...": the names
# (service, rules, policy, zones) are single tokens.


def _flow(nat: str = "") -> str:
    """``src/port->dst/port`` (of the translated addresses with ``nat="nat-"``)."""
    return (f"%{{IP:{nat}src-ip}}/%{{INT:{nat}src-port}}->"
            f"%{{IP:{nat}dst-ip}}/%{{INT:{nat}dst-port}}")


def _tokens(*names: str) -> str:
    """Space-separated single-token fields."""
    return " ".join(f"%{{NOTSPACE:{n}}}" for n in names)


_FLOW_RULED = (_flow() + " " + _tokens("service") + " " + _flow("nat-") + " "
               + _tokens("src-nat-rule-name", "dst-nat-rule-name") + " %{INT:protocol-id} "
               + _tokens("policy-name", "from-zone", "to-zone") + " %{INT:session-id} ")
_JUNOS = {
    "RT_FLOW_EVENT": "(?:RT_FLOW_SESSION_CREATE|RT_FLOW_SESSION_CLOSE|RT_FLOW_SESSION_DENY)",
    # A closed session adds its reason, then packets(bytes) each way and the elapsed seconds.
    "RT_FLOW1": "%{RT_FLOW_EVENT:event}: (?<close-reason>[^:]+): " + _FLOW_RULED
                + r"%{INT}\((?<sent>[0-9]+)\) %{INT}\((?<received>[0-9]+)\) "
                "%{INT:elapsed-time} .*",
    "RT_FLOW2": "%{RT_FLOW_EVENT:event}: session created " + _FLOW_RULED + ".*",
    # A denied session has no NAT part; the protocol carries the ICMP type in parentheses.
    "RT_FLOW3": "%{RT_FLOW_EVENT:event}: session denied " + _flow() + " " + _tokens("service")
                + r" %{INT:protocol-id}\([0-9]+\) "
                + _tokens("policy-name", "from-zone", "to-zone") + " .*",
}

# --- Ruby's Logger (and MCollective, which logs with it) -------------------------------------
# Logger's line is "L, [time #pid] LEVEL -- progname: message": L is the level's initial and the
# level is right-aligned in five characters.


_RUBY_LEVELS = ("DEBUG", "INFO", "WARN", "ERROR", "FATAL")


def _ruby_logger(initials: str, level: str) -> str:
    """The head of a Logger line up to the level, which ``level`` reads."""
    return rf"[{initials}], \[%{{TIMESTAMP_ISO8601:timestamp}} #%{{POSINT:pid}}\] *" + level


_SMALL = {
    "MAVEN_VERSION": r"(?:(?:\d+)\.)?(?:(?:\d+)\.)?(?:\*|\d+)(?:[.-](?:RELEASE|SNAPSHOT))?",
    # MCollective's own levels are Logger's; the pattern stops after the level.
    "MCOLLECTIVE": _ruby_logger("A-Z", "%{LOGLEVEL:event_level}"),
    "MCOLLECTIVEAUDIT": "%{TIMESTAMP_ISO8601:timestamp}:",
    "RUBY_LOGLEVEL": "(?:" + "|".join(_RUBY_LEVELS) + ")",
    "RUBY_LOGGER": _ruby_logger("".join(level[0] for level in _RUBY_LEVELS),
                                "%{RUBY_LOGLEVEL:loglevel}")
                   + " -- +%{DATA:progname}: %{GREEDYDATA:message}",
    # MongoDB 2.x: "[Day ]Mon dd hh:mm:ss[.mmm] [thread] message" (ctime, the day optional).
    "MONGO_WORDDASH": r"\b[\w-]+\b",
    "MONGO_LOG": r"(?:%{DAY} )?%{SYSLOGTIMESTAMP:timestamp} \[%{WORD:component}\] "
                 "%{GREEDYDATA:message}",
    # The query object of a slow-query line, braces included: up to the last " } " that the
    # counters follow.
    "MONGO_QUERY": r"\{ .* \}(?= ntoreturn:)",
    # "OP db.collection query: { ... } ntoreturn:N ntoskip:N nscanned:N ... nreturned:N ... Nms"
    "MONGO_SLOWQUERY": r"%{WORD} %{MONGO_WORDDASH:database}\.%{MONGO_WORDDASH:collection} "
                       "%{WORD}: %{MONGO_QUERY:query} "
                       + " ".join(f"{n}:%{{NONNEGINT:{n}}}" for n in ("ntoreturn", "ntoskip",
                                                                       "nscanned"))
                       + r".* nreturned:%{NONNEGINT:nreturned} (?:.* )?(?<duration>[0-9]+)ms",
    # MongoDB 3.x: "time S COMPONENT [context] message", the component padded with spaces and
    # "-" when there is none; the context (a thread, words allowed) is optional.
    "MONGO3_SEVERITY": r"\w",
    "MONGO3_COMPONENT": "%{WORD}|-",
    "MONGO3_LOG": "%{TIMESTAMP_ISO8601:timestamp} %{MONGO3_SEVERITY:severity} "
                  r"%{MONGO3_COMPONENT:component} +(?:\[(?<context>[^\]]*)\] )?"
                  "%{GREEDYDATA:message}",
    # log_line_prefix '%t %u %c %p': time and zone, user, session id (no spaces), process id.
    "POSTGRESQL": "%{DATESTAMP:timestamp} %{TZ} %{DATA:user_id} %{NOTSPACE:connection_id} "
                  "%{POSINT:pid}",
    # Rails 3+ request log: "Started VERB "path" for IP at time", "Processing by C#a as FMT",
    # "  Parameters: {...}", other lines, "Completed STATUS Text in Nms (Views: ..)".
    "RUUID": "[0-9A-Fa-f]{32}",
    "RCONTROLLER": r"(?<controller>[^#]+)#(?<action>\w+)",
    "RAILS3HEAD": r'(?s:Started %{WORD:verb} "%{URIPATHPARAM:request}" for %{IPORHOST:clientip} '
                  r"at (?<timestamp>%{YEAR}-%{MONTHNUM}-%{MONTHDAY} %{HOUR}:%{MINUTE}:%{SECOND} "
                  r"%{ISO8601_TIMEZONE}))",
    "RPROCESSING": r"\W*Processing by %{RCONTROLLER} as (?<format>\S+)"
                   r"(?:\W*Parameters: \{%{DATA:params}\}\W*)?",
    # The time in views is logged only when views were rendered.
    "RAILS3PROFILE": r"(?:\((?:Views: %{NUMBER:viewms}ms \| )?ActiveRecord: "
                     r"%{NUMBER:activerecordms}ms)?",
    "RAILS3FOOT": r"Completed (?<response>[0-9]{3})\b.*? in %{NUMBER:totalms}ms "
                  "%{RAILS3PROFILE}.*",
    # Lines between the head and the foot (SQL, renders) are kept whole as the context.
    "RAILS3": r"%{RAILS3HEAD}(?:%{RPROCESSING})?(?<context>(?:[^\n]*\n)*)(?:%{RAILS3FOOT})?",
    # Redis 2.x: "[pid] dd Mon hh:mm:ss.mmm L message", L the level's mark: '.' debug,
    # '-' verbose, '*' notice, '#' warning (patterns-core took '*' alone: warnings did not match).
    "REDISTIMESTAMP": "%{MONTHDAY} %{MONTH} %{TIME}",
    "REDISLOG": r"\[%{POSINT:pid}\] %{REDISTIMESTAMP:timestamp} [.*#-] ",
    # MONITOR: 'time [db client:port] "command" "arg" ...', the arguments kept as logged.
    "REDISMONLOG": r"%{NUMBER:timestamp} \[%{INT:database} %{IP:client}:%{POSINT:port}\] "
                   r'"%{WORD:command}"(?: %{GREEDYDATA:params})?',
    "SQUID3": r"%{NUMBER:timestamp}\s+%{NUMBER:duration}\s%{IP:client_address}\s"
              r"%{WORD:cache_result}/%{NONNEGINT:status_code}\s%{NUMBER:bytes}\s"
              r"%{WORD:request_method}\s%{NOTSPACE:url}\s(?:%{NOTSPACE:user}|-)\s"
              r"%{WORD:hierarchy_code}/(?:%{IPORHOST:server}|-)\s%{NOTSPACE:content_type}",
}


# --- Nagios log ------------------------------------------------------------------------------
# "[epoch] TYPE: field;field;...;last": a field is everything up to the next ';' (patterns-core's
# DATA, which also took an empty last field where a name is the line's last field), the last one
# marked ~ runs to the end of the line; the external commands are
# "[epoch] EXTERNAL COMMAND: CMD;field;...".
_NAGIOS_LINES = {
    "CURRENT_SERVICE_STATE": "hostname service state statetype statecode ~message",
    "CURRENT_HOST_STATE": "hostname state statetype statecode ~message",
    "SERVICE_NOTIFICATION": "notifyname hostname service state contact ~message",
    "HOST_NOTIFICATION": "notifyname hostname state contact ~message",
    "SERVICE_ALERT": "hostname service state statelevel #attempt ~message",
    "HOST_ALERT": "hostname state statelevel #attempt ~message",
    "SERVICE_FLAPPING_ALERT": "hostname service state ~message",
    "HOST_FLAPPING_ALERT": "hostname state ~message",
    "SERVICE_DOWNTIME_ALERT": "hostname service state ~comment",
    "HOST_DOWNTIME_ALERT": "hostname state ~comment",
    "PASSIVE_SERVICE_CHECK": "hostname service state ~comment",
    "PASSIVE_HOST_CHECK": "hostname state ~comment",
    "SERVICE_EVENT_HANDLER": "hostname service state statelevel event_handler_name",
    "HOST_EVENT_HANDLER": "hostname state statelevel event_handler_name",
    "TIMEPERIOD_TRANSITION": "service #unknown1 #unknown2",
}
_NAGIOS_COMMANDS = {
    "DISABLE_SVC_CHECK": "hostname service",
    "ENABLE_SVC_CHECK": "hostname service",
    "DISABLE_HOST_CHECK": "hostname",
    "ENABLE_HOST_CHECK": "hostname",
    "PROCESS_SERVICE_CHECK_RESULT": "hostname service state ~check_result",
    "PROCESS_HOST_CHECK_RESULT": "hostname state ~check_result",
    "SCHEDULE_SERVICE_DOWNTIME": None,
    "SCHEDULE_HOST_DOWNTIME": "hostname #start_time #end_time #fixed #trigger_id #duration "
                              "@author @comment",
    "DISABLE_HOST_SVC_NOTIFICATIONS": "~hostname",
    "ENABLE_HOST_SVC_NOTIFICATIONS": "~hostname",
    "DISABLE_HOST_NOTIFICATIONS": "~hostname",
    "ENABLE_HOST_NOTIFICATIONS": "~hostname",
    "DISABLE_SVC_NOTIFICATIONS": "hostname ~service",
    "ENABLE_SVC_NOTIFICATIONS": "hostname ~service",
}

def _nagios_fields(spec: str) -> str:
    """``"host ~message"`` -> ``(?<nagios_host>[^;]*);(?<nagios_message>.*)``.

    ``~`` the rest of the line, ``#`` a NUMBER, ``@`` a field without the ``nagios_`` prefix.
    """
    out = []
    for word in spec.split():
        name = word.lstrip("~#@")
        field = name if word[0] == "@" else f"nagios_{name}"
        if word[0] == "#":
            out.append(f"%{{NUMBER:{field}}}")
        else:
            out.append(_cap(field, ".*" if word[0] == "~" else "[^;]*"))
    return ";".join(out)


def _nagios() -> dict[str, str]:
    """Every Nagios name: the type words, the command words, the line kinds, the whole line."""
    out = {"NAGIOSTIME": r"\[%{NUMBER:nagios_epoch}\]",
           "NAGIOS_WARNING": r"Warning:\s*" + _cap("nagios_message", ".*")}
    for kind in [*_NAGIOS_LINES, "EXTERNAL_COMMAND"]:
        out[f"NAGIOS_TYPE_{kind}"] = kind.replace("_", " ")
    for kind, spec in _NAGIOS_LINES.items():
        out[f"NAGIOS_{kind}"] = f"%{{NAGIOS_TYPE_{kind}:nagios_type}}: {_nagios_fields(spec)}"
    for command, fields in _NAGIOS_COMMANDS.items():
        out[f"NAGIOS_EC_{command}"] = command
        if fields is not None:
            out[f"NAGIOS_EC_LINE_{command}"] = (
                "%{NAGIOS_TYPE_EXTERNAL_COMMAND:nagios_type}: "
                f"%{{NAGIOS_EC_{command}:nagios_command}};{_nagios_fields(fields)}")
    # Every kind starts with its own type (and command) word, so the order is free: the
    # warning, the line types, the external commands, as the tables list them.
    kinds = ["WARNING", *_NAGIOS_LINES, *(f"EC_LINE_{command}" for command, fields
                                         in _NAGIOS_COMMANDS.items() if fields is not None)]
    out["NAGIOSLOGLINE"] = "%{NAGIOSTIME} (?:" + "|".join(f"%{{NAGIOS_{k}}}" for k in kinds) + ")"
    return out


LEGACY: dict[str, str] = {
    **_AWS, **_BIND, **_BRO, **_EXIM, **_HAPROXY, **_JUNOS, **_SMALL, **_nagios(),
}
