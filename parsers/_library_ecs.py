"""ECS (``ecs_compatibility => v1``) forms of the AWS, HAProxy, Rails, Junos and Exim patterns.

Written for lumberyard from the log formats themselves (the field lists of AWS's access log
documentation, HAProxy's HTTP and TCP log formats, Rails' request log, Junos' RT_FLOW
messages, Exim's main log), with the nested capture names of logstash-patterns-core's
``ecs-v1`` set (see :mod:`parsers._library_core` for the conventions). They differ from the
legacy forms in more than names: ``-`` placeholders are skipped instead of captured, numbers
are typed, and request lines are split into ``url.*`` parts. Space- or tab-separated formats
are written as tables of their columns; counts (bytes, milliseconds, connections) are
non-negative integers.
"""

from __future__ import annotations

__all__ = ["ECS"]


def _unset(body: str, mark: str = "-") -> str:
    """``body``, or the ``mark`` a log writes when the field has no value (nothing captured)."""
    return f"(?:{mark}|{body})"


def _count(field: str) -> str:
    """A non-negative integer field, converted to ``int``."""
    return f"%{{NONNEGINT:{field}:int}}"


def _text(field: str, stop: str) -> str:
    """Free text up to the delimiter character ``stop`` (which it cannot contain)."""
    return f"(?<{field}>[^{stop}]*)"


def _quoted(field: str) -> str:
    """Free text in double quotes, ``"-"`` when there is none (the text may hold quotes)."""
    return '"' + _unset(f"%{{DATA:{field}}}") + '"'


# -- HTTP request lines and URLs (RFC 9112 request-target forms, RFC 3986 authority) ------------

_PATH_QUERY = r"%{URIPATH:[url][path]}(?:\?%{URIQUERY:[url][query]})?"
_HOST_PORT = "%{IPORHOST:[url][domain]}(?::%{POSINT:[url][port]:int})?"
# userinfo "@": the user name is kept; a password (which cannot hold '/' or '@') is not
_USERINFO = "(?:%{USER:[url][username]}(?::[^@/]*)?@)?"


def _request_line(target: str) -> str:
    """``METHOD target[ HTTP/version]`` (the version is missing from HTTP/0.9 lines)."""
    return f"%{{WORD:[http][request][method]}} {target}(?: HTTP/%{{NUMBER:[http][version]}})?"


# -- AWS: S3 server access log, Classic ELB access log, CloudFront standard log -----------------

_S3 = "[aws][s3access]"
_ELB = "[aws][elb]"
_CF = "[aws][cloudfront]"

_S3_COLUMNS = (  # the S3 server access log record, space-separated, in the documented order
    f"%{{WORD:{_S3}[bucket_owner]}}", f"%{{NOTSPACE:{_S3}[bucket]}}",
    r"\[%{HTTPDATE:timestamp}\]", _unset("%{IP:[client][ip]}"),
    _unset("%{NOTSPACE:[client][user][id]}"),  # requester: canonical user id or IAM ARN
    f"%{{NOTSPACE:{_S3}[request_id]}}", f"%{{NOTSPACE:{_S3}[operation]}}",
    _unset(f"%{{NOTSPACE:{_S3}[key]}}"),
    _unset(f'"%{{S3_REQUEST_LINE:{_S3}[request_uri]}}"'),
    _unset("%{POSINT:[http][response][status_code]:int}"),
    _unset(f"%{{NOTSPACE:{_S3}[error_code]}}"),
    *(_unset(_count(f"{_S3}[{name}]"))
      for name in ("bytes_sent", "object_size", "total_time", "turn_around_time")),
    _quoted("[http][request][referrer]"), _quoted("[user_agent][original]"),
    _unset(f"%{{NOTSPACE:{_S3}[version_id]}}"),
)
_S3_LATER_COLUMNS = (  # appended to the record in 2019; absent from older logs
    _unset(f"%{{NOTSPACE:{_S3}[host_id]}}"), _unset(f"%{{NOTSPACE:{_S3}[signature_version]}}"),
    _unset("%{NOTSPACE:[tls][cipher]}"), _unset(f"%{{NOTSPACE:{_S3}[authentication_type]}}"),
    _unset(f"%{{NOTSPACE:{_S3}[host_header]}}"), _unset(f"%{{NOTSPACE:{_S3}[tls_version]}}"),
)


def _elb_seconds(step: str) -> str:
    """A processing time in seconds; ``-1`` when the ELB could not send the request on."""
    return _unset(f"%{{NUMBER:{_ELB}[{step}_processing_time][sec]:float}}", "-1")


_ELB_COLUMNS = (
    "%{TIMESTAMP_ISO8601:timestamp}", f"%{{NOTSPACE:{_ELB}[name]}}",
    "%{IP:[source][ip]}:%{NONNEGINT:[source][port]:int}",
    _unset(f"%{{IP:{_ELB}[backend][ip]}}:%{{NONNEGINT:{_ELB}[backend][port]:int}}"),
    *(_elb_seconds(step) for step in ("request", "backend", "response")),
    "%{INT:[http][response][status_code]:int}",
    _unset(f"%{{INT:{_ELB}[backend][http][response][status_code]:int}}"),
    _count("[http][request][body][bytes]"), _count("[http][response][body][bytes]"),
    '"%{ELB_REQUEST_LINE}"',
)
_ELB_HTTPS_COLUMNS = (  # user agent, cipher and protocol: logged since the HTTPS listeners
    _quoted("[user_agent][original]"), _unset("%{NOTSPACE:[tls][cipher]}"),
    _unset(f"%{{NOTSPACE:{_ELB}[ssl_protocol]}}"),
)

_CF_TEXT = r"\t"  # a CloudFront column never holds a tab (CloudFront URL-encodes them)
_CF_COLUMNS = (  # the standard log's fields after date and time, tab-separated
    f"%{{WORD:{_CF}[x_edge_location]}}", _unset(_count("[destination][bytes]")),  # sc-bytes
    "%{IPORHOST:[source][ip]}", "%{WORD:[http][request][method]}",
    "%{HOSTNAME:[url][domain]}", "%{NOTSPACE:[url][path]}",
    # sc-status: 000 when the viewer closed the connection before the response
    "(?:000|%{POSINT:[http][response][status_code]:int})",
    _unset(_text("[http][request][referrer]", _CF_TEXT)),
    _text("[user_agent][original]", _CF_TEXT),
    _unset(_text("[url][query]", _CF_TEXT)),
    _unset(_text(f"{_CF}[http][request][cookie]", _CF_TEXT)),
    f"%{{WORD:{_CF}[x_edge_result_type]}}", f"%{{NOTSPACE:{_CF}[x_edge_request_id]}}",
    f"%{{HOSTNAME:{_CF}[http][request][host]}}", "%{URIPROTO:[network][protocol]}",
    _unset(_count("[source][bytes]")), f"%{{NUMBER:{_CF}[time_taken]:float}}",  # cs-bytes
    _unset("%{IP:[network][forwarded_ip]}"), _unset(_text(f"{_CF}[ssl_protocol]", _CF_TEXT)),
    _unset("%{NOTSPACE:[tls][cipher]}"), f"%{{WORD:{_CF}[x_edge_response_result_type]}}",
)
_CF_LATER_COLUMNS = (  # the fields CloudFront appended later (log format version 1.0)
    _unset("HTTP/%{NUMBER:[http][version]}"), _unset(_text(f"{_CF}[fle_status]", _CF_TEXT)),
    _unset(_text(f"{_CF}[fle_encrypted_fields]", _CF_TEXT)), _count("[source][port]"),
    f"%{{NUMBER:{_CF}[time_to_first_byte]:float}}",
    _unset(_text(f"{_CF}[x_edge_detailed_result_type]", _CF_TEXT)),
    _unset("%{NOTSPACE:[http][request][mime_type]}"),
    *(_unset(_count(f"{_CF}[http][request][{name}]"))
      for name in ("size", "range][start", "range][end")),
)


def _record(separator: str, columns: tuple[str, ...], later: tuple[str, ...] = ()) -> str:
    """Columns joined by ``separator``; ``later`` columns (a newer format's) all or none."""
    text = separator.join(columns)
    return text + f"(?:{separator}{separator.join(later)})?" if later else text


_AWS = {
    "S3_REQUEST_LINE": _request_line("%{NOTSPACE:[url][original]}"),
    "S3_ACCESS_LOG": _record(" ", _S3_COLUMNS, _S3_LATER_COLUMNS),
    "ELB_URIHOST": _HOST_PORT,
    "ELB_URIPATHQUERY": _PATH_QUERY,
    "ELB_URIPATHPARAM": "%{ELB_URIPATHQUERY}",
    # an ELB logs the absolute URL it was asked for
    "ELB_URI": "%{URIPROTO:[url][scheme]}://" + _USERINFO
               + "(?:%{ELB_URIHOST})?(?:%{ELB_URIPATHQUERY})?",
    "ELB_REQUEST_LINE": _request_line("%{ELB_URI:[url][original]}"),
    "ELB_V1_HTTP_LOG": _record(" ", _ELB_COLUMNS, _ELB_HTTPS_COLUMNS),
    "ELB_ACCESS_LOG": "%{ELB_V1_HTTP_LOG}",
    "CLOUDFRONT_ACCESS_LOG": r"(?<timestamp>%{YEAR}-%{MONTHNUM}-%{MONTHDAY}\t%{TIME})\t"
                             + _record(r"\t", _CF_COLUMNS, _CF_LATER_COLUMNS),
}

# -- HAProxy: the HTTP and TCP log formats (HAProxy configuration manual, "Log formats") --------

_HA = "[haproxy]"


def _timer(field: str) -> str:
    """A timer in milliseconds; ``-1`` when the step was never reached."""
    return _unset(_count(field), "-1")


_HA_SYSLOG = ("(?:%{SYSLOGTIMESTAMP:timestamp}|%{TIMESTAMP_ISO8601:timestamp}) "
              "%{SYSLOGHOST:[host][hostname]} %{SYSLOGPROG}: ")
# client_ip:port [accept_date] frontend backend/server (<NOSRV>: no server was chosen)
_HA_SESSION = (r"%{IP:[source][address]}:%{NONNEGINT:[source][port]:int} "
               rf"\[%{{HAPROXYDATE:{_HA}[request_date]}}\] %{{NOTSPACE:{_HA}[frontend_name]}} "
               f"%{{NOTSPACE:{_HA}[backend_name]}}/"
               + _unset(f"%{{NOTSPACE:{_HA}[server_name]}}", "<NOSRV>") + " ")
_HA_TOTAL = f"%{{NOTSPACE:{_HA}[total_time_ms]}}"  # Ta/Tt: "+" before it when logged early
# actconn/feconn/beconn/srv_conn/retries srv_queue/backend_queue
_HA_LOAD = ("/".join(_count(f"{_HA}[connections][{name}]")
                     for name in ("active", "frontend", "backend", "server", "retries"))
            + " " + _count(f"{_HA}[server_queue]") + "/" + _count(f"{_HA}[backend_queue]"))
_HA_COOKIE = "(?:-|(?<{}>[^ ]+))"  # a captured cookie (no spaces in a cookie)


def _ha_headers(side: str) -> str:
    """Captured headers, ``|``-separated between braces (HAProxy escapes any ``}``)."""
    return _text(f"{_HA}[http][{side}][captured_headers]", "}")


_HAPROXY = {
    # sic: upstream wrote "(?!<[0-9])", a lookahead; a lookbehind (no digit before) was meant
    "HAPROXYTIME": "(?<![0-9])%{HOUR}:%{MINUTE}:%{SECOND}(?![0-9])",
    # accept_date: 09/Dec/2013:12:59:46.633 (milliseconds after a dot; upstream left "." bare)
    "HAPROXYDATE": r"%{MONTHDAY}/%{MONTH}/%{YEAR}:%{HAPROXYTIME}\.[0-9]+",
    "HAPROXYCAPTUREDREQUESTHEADERS": _ha_headers("request"),
    "HAPROXYCAPTUREDRESPONSEHEADERS": _ha_headers("response"),
    # the request-target forms: absolute ("http://h:p/p?q"), origin ("/p?q"), authority
    # ("h:p", CONNECT); nothing when HAProxy logged no target at all
    "HAPROXYURI": "(?:%{URIPROTO:[url][scheme]}://" + _USERINFO + f"(?:{_HOST_PORT})?"
                  f"(?:{_PATH_QUERY})?|{_PATH_QUERY}|{_HOST_PORT})?",
    "HAPROXYHTTPREQUESTLINE": _unset(_request_line("%{HAPROXYURI:[url][original]}"),
                                     "<BADREQ>"),
    "HAPROXYHTTPBASE": _HA_SESSION
    + "/".join([_timer(f"{_HA}[http][request][time_wait_ms]"),  # TR
                _timer(f"{_HA}[total_waiting_time_ms]"),  # Tw
                _timer(f"{_HA}[connection_wait_time_ms]"),  # Tc
                _timer(f"{_HA}[http][request][time_wait_without_data_ms]"),  # Tr
                _HA_TOTAL])
    + " %{INT:[http][response][status_code]:int} " + _count("[source][bytes]") + " "
    + _HA_COOKIE.format(f"{_HA}[http][request][captured_cookie]") + " "
    + _HA_COOKIE.format(f"{_HA}[http][response][captured_cookie]") + " "
    + f"%{{NOTSPACE:{_HA}[termination_state]}} " + _HA_LOAD
    + r"(?: \{%{HAPROXYCAPTUREDREQUESTHEADERS}\}(?: \{%{HAPROXYCAPTUREDRESPONSEHEADERS}\})?)?"
    # the request line, quoted; a line truncated at the log size limit lacks the closing quote
    + '(?: "%{HAPROXYHTTPREQUESTLINE}"?)?',
    "HAPROXYHTTP": _HA_SYSLOG + "%{HAPROXYHTTPBASE}",
    "HAPROXYTCP": _HA_SYSLOG + _HA_SESSION
    + "/".join([_timer(f"{_HA}[total_waiting_time_ms]"),  # Tw
                _timer(f"{_HA}[connection_wait_time_ms]"), _HA_TOTAL])  # Tc, Tt
    + " " + _count("[source][bytes]") + f" %{{NOTSPACE:{_HA}[termination_state]}} " + _HA_LOAD,
}

# -- Rails: the request log of Rails 3+ (Started / Processing by / Parameters / Completed) -------

_RR = "[rails][request]"
_RAILS = {
    "RUUID": "[0-9A-Fa-f]{32}",  # a request id: 32 hex digits
    # Controller#action: the class is a Ruby constant path (Admin::UsersController)
    "RCONTROLLER": r"(?<[rails][controller][class]>[A-Z]\w*(?:::[A-Z]\w*)*)"
                   r"#(?<[rails][controller][action]>\w+)",
    # Started GET "/path?query" for 127.0.0.1 at 2015-08-05 07:40:22 +0200 (Time#to_s)
    "RAILS3HEAD": 'Started %{WORD:[http][request][method]} "%{URIPATHPARAM:[url][original]}" '
                  "for %{IPORHOST:[source][address]} at "
                  "(?<timestamp>%{YEAR}-%{MONTHNUM}-%{MONTHDAY} %{TIME} %{ISO8601_TIMEZONE})",
    # on the next lines: Processing by Controller#action as FORMAT, then the parameters hash
    # (to the last brace of its line: upstream stopped at the first, inside a nested hash)
    "RPROCESSING": rf"\s*Processing by %{{RCONTROLLER}} as %{{NOTSPACE:{_RR}[format]}}"
                   rf"(?:\s*Parameters: \{{(?<{_RR}[params]>[^\n]*)\}}\s*)?",
    # Completed <status> [<reason phrase>] in <n>ms (Views: <n>ms | ActiveRecord: <n>ms) ...
    "RAILS3FOOT": "Completed %{POSINT:[http][response][status_code]:int}(?: %{DATA})? in "
                  f"%{{NUMBER:{_RR}[duration][total]:float}}ms %{{RAILS3PROFILE}}%{{GREEDYDATA}}",
    "RAILS3PROFILE": rf"(?:\((?:Views: %{{NUMBER:{_RR}[duration][view]:float}}ms \| )?"
                     rf"ActiveRecord: %{{NUMBER:{_RR}[duration][active_record]:float}}ms)?",
    # whatever the request logged between Processing and Completed: whole lines (SQL explains)
    "RAILS3": rf"%{{RAILS3HEAD}}(?:%{{RPROCESSING}})?(?<{_RR}[explain][original]>(?:[^\n]*\n)*)"
              "(?:%{RAILS3FOOT})?",
}

# -- Junos: RT_FLOW session messages of SRX firewalls (structured-data off) ---------------------

_SRX = "[juniper][srx]"


def _flow(source: str = "[source]", destination: str = "[destination]") -> str:
    """``ip/port->ip/port`` of a session, into the ECS ``source`` and ``destination`` fields."""
    return "->".join(f"%{{IP:{side}[ip]}}/%{{NONNEGINT:{side}[port]:int}}"
                     for side in (source, destination))


_RT_SERVICE = f" %{{NOTSPACE:{_SRX}[service_name]}} "
# nat-source/port->nat-destination/port src-nat-rule dst-nat-rule ("None": no rule) protocol
_RT_NAT = (_flow("[source][nat]", "[destination][nat]") + " "
           + " ".join(_unset(f"%{{NOTSPACE:{_SRX}[{side}_nat_rule_name]}}", "None")
                      for side in ("src", "dst"))
           + " %{NONNEGINT:[network][iana_number]} ")
_RT_POLICY = ("%{NOTSPACE:[rule][name]} %{NOTSPACE:[observer][ingress][zone]} "
              "%{NOTSPACE:[observer][egress][zone]} ")
_RT_SESSION = f"%{{NONNEGINT:{_SRX}[session_id]}}"
_JUNOS = {
    "RT_FLOW_TAG": "RT_FLOW_SESSION_(?:CREATE|CLOSE|DENY)",
    # sic: upstream's ecs-v1 set defines RT_FLOW_EVENT as the literal text "RT_FLOW_TAG";
    # the reference to RT_FLOW_TAG was meant
    "RT_FLOW_EVENT": "%{RT_FLOW_TAG}",
    # ...CLOSE: <reason>: flow service nat policy session-id
    #   packets(bytes) from the client, packets(bytes) from the server, elapsed seconds, ...
    "RT_FLOW1": f"%{{RT_FLOW_TAG:{_SRX}[tag]}}: %{{GREEDYDATA:{_SRX}[reason]}}: "
                + _flow() + _RT_SERVICE + _RT_NAT + _RT_POLICY
                + _RT_SESSION + r" %{NONNEGINT}\(" + _count("[source][bytes]") + r"\) "
                + r"%{NONNEGINT}\(" + _count("[destination][bytes]") + r"\) "
                + _count(f"{_SRX}[elapsed_time]") + " .*",
    "RT_FLOW2": f"%{{RT_FLOW_TAG:{_SRX}[tag]}}: session created "
                + _flow() + _RT_SERVICE + _RT_NAT + _RT_POLICY
                + _RT_SESSION + " .*",
    # ...DENY: flow service protocol(icmp-type) policy ... (upstream read one digit of the
    # ICMP type; a type is up to 255)
    "RT_FLOW3": f"%{{RT_FLOW_TAG:{_SRX}[tag]}}: session denied "
                + _flow() + _RT_SERVICE
                + r"%{NONNEGINT:[network][iana_number]}\(%{NONNEGINT}\) " + _RT_POLICY + ".*",
}

# -- Exim: main log lines (the message-arrival "<=" line is parsed) -----------------------------

_EX = "[exim][log]"
_EXIM = {
    "EXIM_MSGID": "(?:[A-Za-z0-9]{6}-){2}[A-Za-z0-9]{2}",  # base-62 id, 6-6-2 characters
    # the flags after the message id: <= arrival, => delivery, -> additional address,
    # >> cutthrough, *> suppressed, ** failed, == deferred, <> bounce arrival
    "EXIM_FLAGS": r"(?:<[=>]|[-=*>]>|\*\*|==)",
    # sic: upstream's "(:?" (an optional colon) was meant as a non-capturing group
    "EXIM_DATE": "%{YEAR}-%{MONTHNUM}-%{MONTHDAY} %{TIME}",
    "EXIM_PID": r"\[%{POSINT:[process][pid]:int}\]",
    # H=name (helo) [ip]:port — the name and the HELO name when Exim knows them
    "EXIM_REMOTE_HOST": r"H=(?:%{NOTSPACE:[source][address]} )?"
                        rf"(?:\((?<{_EX}[remote_address]>[^ )]+)\) )?"
                        r"\[%{IP:[source][ip]}\](?::%{POSINT:[source][port]:int})?",
    "EXIM_INTERFACE": r"I=\[%{IP:[destination][ip]}\]:%{NONNEGINT:[destination][port]:int}",
    "EXIM_PROTOCOL": "P=%{NOTSPACE:[network][protocol]}",
    "EXIM_MSG_SIZE": "S=" + _count(f"{_EX}[message][size]"),
    "EXIM_HEADER_ID": f"id=%{{NOTSPACE:{_EX}[header_id]}}",
    "EXIM_QUOTED_CONTENT": r'(?:\\.|[^\\"])*',  # Exim escapes '"' and '\' with a backslash
    "EXIM_SUBJECT": f'T="%{{EXIM_QUOTED_CONTENT:{_EX}[message][subject]}}"',
    # any other field: a short key (X, CV, A, M8S, ...) and a word or an Exim-quoted string
    "EXIM_UNKNOWN_FIELD": r'[A-Za-z0-9]{1,4}=(?:"%{EXIM_QUOTED_CONTENT}"|%{NOTSPACE})',
    "EXIM_NAMED_FIELDS": "(?: (?:%{EXIM_REMOTE_HOST}|%{EXIM_INTERFACE}|%{EXIM_PROTOCOL}"
                         "|%{EXIM_MSG_SIZE}|%{EXIM_HEADER_ID}|%{EXIM_SUBJECT}"
                         "|%{EXIM_UNKNOWN_FIELD}))*",
    # date [pid] msgid <= [status] sender fields [from <original sender>] for recipient
    "EXIM_MESSAGE_ARRIVAL": f"%{{EXIM_DATE:timestamp}} (?:%{{EXIM_PID}} )?"
                            f"%{{EXIM_MSGID:{_EX}[message][id]}} (?<{_EX}[flags]><=) "
                            f"(?<{_EX}[status]>[a-z:] )?%{{EMAILADDRESS:{_EX}[sender][email]}}"
                            "%{EXIM_NAMED_FIELDS}"
                            f"(?:(?: from <?(?<{_EX}[sender][original]>[^ >]*)>?)?"
                            f" for %{{EMAILADDRESS:{_EX}[recipient][email]}})?",
    "EXIM": "%{EXIM_MESSAGE_ARRIVAL}",
}

ECS: dict[str, str] = {**_AWS, **_HAPROXY, **_RAILS, **_JUNOS, **_EXIM}
