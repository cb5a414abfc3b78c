"""Grok names for particular programs' logs (AWS, Bind, Bro, Exim, HAProxy, Junos, Maven,
MCollective, MongoDB, PostgreSQL, Rails, Redis, Ruby, Squid, Nagios), both flavours.

Written for lumberyard with the meaning and capture names logstash-patterns-core gives them;
see :mod:`parsers._library_core` for the conventions. Tab-separated formats (Bro) and the
Nagios line types are generated from tables of their field names.
"""

from __future__ import annotations

__all__ = ["ECS", "LEGACY"]


def _tabbed(*fields: str) -> str:
    """A tab-separated line; each field is ``name`` (GREEDYDATA) or ``PATTERN:name``."""
    return r"\t".join(
        f"%{{{f}}}" if ":" in f else f"%{{GREEDYDATA:{f}}}" for f in fields
    )


_BRO_HEAD = ("NUMBER:ts", "NOTSPACE:uid", "IP:orig_h", "INT:orig_p", "IP:resp_h", "INT:resp_p")

_AWS: dict[str, str] = {
    "S3_REQUEST_LINE": "(?:%{WORD:verb} %{NOTSPACE:request}(?: HTTP/%{NUMBER:httpversion})?"
                       "|%{DATA:rawrequest})",
    "S3_ACCESS_LOG": r"%{WORD:owner} %{NOTSPACE:bucket} \[%{HTTPDATE:timestamp}\] %{IP:clientip} "
                     "%{NOTSPACE:requester} %{NOTSPACE:request_id} %{NOTSPACE:operation} "
                     '%{NOTSPACE:key} (?:"%{S3_REQUEST_LINE}"|-) (?:%{INT:response:int}|-) '
                     "(?:-|%{NOTSPACE:error_code}) (?:%{INT:bytes:int}|-) "
                     "(?:%{INT:object_size:int}|-) (?:%{INT:request_time_ms:int}|-) "
                     "(?:%{INT:turnaround_time_ms:int}|-) (?:%{QS:referrer}|-) "
                     '(?:"?%{QS:agent}"?|-) (?:-|%{NOTSPACE:version_id})',
    "ELB_URIPATHPARAM": "%{URIPATH:path}(?:%{URIPARAM:params})?",
    "ELB_URI": "%{URIPROTO:proto}://(?:%{USER}(?::[^@]*)?@)?(?:%{URIHOST:urihost})?"
               "(?:%{ELB_URIPATHPARAM})?",
    "ELB_REQUEST_LINE": "(?:%{WORD:verb} %{ELB_URI:request}(?: HTTP/%{NUMBER:httpversion})?"
                        "|%{DATA:rawrequest})",
    "ELB_ACCESS_LOG": "%{TIMESTAMP_ISO8601:timestamp} %{NOTSPACE:elb} "
                      "%{IP:clientip}:%{INT:clientport:int} "
                      "(?:(?:%{IP:backendip}:?:%{INT:backendport:int})|-) "
                      "%{NUMBER:request_processing_time:float} "
                      "%{NUMBER:backend_processing_time:float} "
                      "%{NUMBER:response_processing_time:float} %{INT:response:int} "
                      "(?:-|%{INT:backend_response:int}) %{INT:received_bytes:int} "
                      '%{INT:bytes:int} "%{ELB_REQUEST_LINE}"',
    "CLOUDFRONT_ACCESS_LOG": r"(?<timestamp>%{YEAR}-%{MONTHNUM}-%{MONTHDAY}\t%{TIME})\t"
                             + _tabbed(
                                 "WORD:x_edge_location", "NUMBER:sc_bytes:int", "IPORHOST:clientip",
                                 "WORD:cs_method", "HOSTNAME:cs_host", "NOTSPACE:cs_uri_stem",
                                 "NUMBER:sc_status:int", "referrer", "agent", "cs_uri_query",
                                 "cookies", "WORD:x_edge_result_type", "NOTSPACE:x_edge_request_id",
                                 "HOSTNAME:x_host_header", "URIPROTO:cs_protocol",
                                 "INT:cs_bytes:int", "GREEDYDATA:time_taken:float",
                                 "x_forwarded_for", "ssl_protocol", "ssl_cipher",
                                 "x_edge_response_result_type"),
}
# CloudFront writes "-" for no byte count; the legacy pattern accepts it there only.
# time-taken is a number; a version 1.0 log appends columns after the 2016 set, and the legacy
# names then read the line's last four columns (as Logstash's legacy pattern does, pinned by its
# spec): a GREEDYDATA time_taken took them all and its :float failed.
_AWS["CLOUDFRONT_ACCESS_LOG"] = _AWS["CLOUDFRONT_ACCESS_LOG"].replace(
    r"%{GREEDYDATA:time_taken:float}\t", r"%{NUMBER:time_taken:float}(?:\t.*)?\t")
_AWS["CLOUDFRONT_ACCESS_LOG"] = _AWS["CLOUDFRONT_ACCESS_LOG"].replace(
    r"\t%{NUMBER:sc_bytes:int}\t", r"\t(?:%{NUMBER:sc_bytes:int}|-)\t")

_BIND = {
    "BIND9_TIMESTAMP": "%{MONTHDAY}[-]%{MONTH}[-]%{YEAR} %{TIME}",
    "BIND9": r"%{BIND9_TIMESTAMP:timestamp} queries: %{LOGLEVEL:loglevel}: client"
             r"(:? @0x(?:[0-9A-Fa-f]+))? %{IP:clientip}#%{POSINT:clientport} "
             r"\(%{GREEDYDATA:query}\): query: %{GREEDYDATA:query} IN %{GREEDYDATA:querytype} "
             r"\(%{IP:dns}\)",
}

_BRO = {
    "BRO_HTTP": _tabbed(
        *_BRO_HEAD, "INT:trans_depth", "method", "domain", "uri", "referrer", "user_agent",
        "NUMBER:request_body_len", "NUMBER:response_body_len", "status_code", "status_msg",
        "info_code", "info_msg", "filename", "bro_tags", "username", "password", "proxied",
        "orig_fuids", "orig_mime_types", "resp_fuids", "resp_mime_types"),
    "BRO_DNS": _tabbed(
        *_BRO_HEAD, "WORD:proto", "INT:trans_id", "query", "qclass", "qclass_name", "qtype",
        "qtype_name", "rcode", "rcode_name", "AA", "TC", "RD", "RA", "Z", "answers", "TTLs",
        "rejected"),
    "BRO_CONN": _tabbed(
        *_BRO_HEAD, "WORD:proto", "service", "NUMBER:duration", "NUMBER:orig_bytes",
        "NUMBER:resp_bytes", "conn_state", "local_orig", "missed_bytes", "history", "orig_pkts",
        "orig_ip_bytes", "resp_pkts", "resp_ip_bytes", "tunnel_parents"),
    "BRO_FILES": _tabbed(
        "NUMBER:ts", "NOTSPACE:fuid", "IP:tx_hosts", "IP:rx_hosts", "NOTSPACE:conn_uids",
        "source", "depth", "analyzers", "mime_type", "filename", "duration", "local_orig",
        "is_orig", "seen_bytes", "total_bytes", "missing_bytes", "overflow_bytes", "timedout",
        "parent_fuid", "md5", "sha1", "sha256", "extracted"),
}

_EXIM_SKIP = (
    "Message is frozen", "(?:Start|End) queue run", " Warning: ", " retry time not reached ",
    " no (?:IP address|host name) found for (?:IP address|host) ",
    " unexpected disconnection while reading SMTP command ", " no immediate delivery: ",
    "another process is handling this message",
)
_EXIM = {
    "EXIM_MSGID": "(?:[A-Za-z0-9]{6}-){2}[A-Za-z0-9]{2}",
    "EXIM_FLAGS": "(?:<=|[-=>*]>|[*]{2}|==)",
    "EXIM_DATE": "%{YEAR:exim_year}-%{MONTHNUM:exim_month}-%{MONTHDAY:exim_day} "
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
                            "(?: for %{EMAILADDRESS:exim_recipient_email})?",
    "EXIM": "%{EXIM_MESSAGE_ARRIVAL}",
}

_HAPROXY_TIMES = "/".join(f"%{{INT:{n}}}" for n in (
    "time_request", "time_queue", "time_backend_connect", "time_backend_response"))
_HAPROXY_CONNS = "/".join(f"%{{INT:{n}}}" for n in ("actconn", "feconn", "beconn", "srvconn"))
_HAPROXY_HEAD = ("(?:%{SYSLOGTIMESTAMP:syslog_timestamp}|%{TIMESTAMP_ISO8601:timestamp8601}) "
                 "%{IPORHOST:syslog_server} %{SYSLOGPROG}: ")
_HAPROXY_CLIENT = (r"%{IP:client_ip}:%{INT:client_port} \[%{HAPROXYDATE:accept_date}\] "
                   "%{NOTSPACE:frontend_name} %{NOTSPACE:backend_name}/%{NOTSPACE:server_name} ")
_HAPROXY = {
    "HAPROXYTIME": "(?!<[0-9])%{HOUR:haproxy_hour}:%{MINUTE:haproxy_minute}"
                   "(?::%{SECOND:haproxy_second})(?![0-9])",
    "HAPROXYDATE": "%{MONTHDAY:haproxy_monthday}/%{MONTH:haproxy_month}/%{YEAR:haproxy_year}:"
                   "%{HAPROXYTIME:haproxy_time}.%{INT:haproxy_milliseconds}",
    "HAPROXYCAPTUREDREQUESTHEADERS": "%{DATA:captured_request_headers}",
    "HAPROXYCAPTUREDRESPONSEHEADERS": "%{DATA:captured_response_headers}",
    "HAPROXYHTTPBASE": _HAPROXY_CLIENT + _HAPROXY_TIMES + "/%{NOTSPACE:time_duration} "
                       "%{INT:http_status_code} %{NOTSPACE:bytes_read} "
                       "%{DATA:captured_request_cookie} %{DATA:captured_response_cookie} "
                       "%{NOTSPACE:termination_state} " + _HAPROXY_CONNS
                       + "/%{NOTSPACE:retries} %{INT:srv_queue}/%{INT:backend_queue} "
                       r"(?:\{%{HAPROXYCAPTUREDREQUESTHEADERS}\})?(?: )?"
                       r"(?:\{%{HAPROXYCAPTUREDRESPONSEHEADERS}\})?(?: )?"
                       '"(?:<BADREQ>|(?:%{WORD:http_verb} (?:%{URIPROTO:http_proto}://)?'
                       "(?:%{USER:http_user}(?::[^@]*)?@)?(?:%{URIHOST:http_host})?"
                       '(?:%{URIPATHPARAM:http_request})?(?: HTTP/%{NUMBER:http_version})?))?"?',
    "HAPROXYHTTP": _HAPROXY_HEAD + "%{HAPROXYHTTPBASE}",
    "HAPROXYTCP": _HAPROXY_HEAD + _HAPROXY_CLIENT
                  + "%{INT:time_queue}/%{INT:time_backend_connect}/%{NOTSPACE:time_duration} "
                  "%{NOTSPACE:bytes_read} %{NOTSPACE:termination_state} " + _HAPROXY_CONNS
                  + "/%{NOTSPACE:retries} %{INT:srv_queue}/%{INT:backend_queue}",
}

_FLOW_ENDS = (r"%{IP:src-ip}/%{INT:src-port}->%{IP:dst-ip}/%{INT:dst-port} %{DATA:service} ")
_FLOW_NAT = (r"%{IP:nat-src-ip}/%{INT:nat-src-port}->%{IP:nat-dst-ip}/%{INT:nat-dst-port} "
             r"%{DATA:src-nat-rule-name} %{DATA:dst-nat-rule-name} %{INT:protocol-id} ")
_FLOW_POLICY = r"%{DATA:policy-name} %{DATA:from-zone} %{DATA:to-zone} "
_JUNOS = {
    "RT_FLOW_EVENT": "(?:RT_FLOW_SESSION_CREATE|RT_FLOW_SESSION_CLOSE|RT_FLOW_SESSION_DENY)",
    "RT_FLOW1": "%{RT_FLOW_EVENT:event}: %{GREEDYDATA:close-reason}: " + _FLOW_ENDS + _FLOW_NAT
                + _FLOW_POLICY + r"%{INT:session-id} \d+\(%{DATA:sent}\) \d+\(%{DATA:received}\) "
                "%{INT:elapsed-time} .*",
    "RT_FLOW2": "%{RT_FLOW_EVENT:event}: session created " + _FLOW_ENDS + _FLOW_NAT
                + _FLOW_POLICY + "%{INT:session-id} .*",
    "RT_FLOW3": "%{RT_FLOW_EVENT:event}: session denied " + _FLOW_ENDS
                + r"%{INT:protocol-id}\(\d\) " + _FLOW_POLICY + ".*",
}

_SMALL = {
    "MAVEN_VERSION": r"(?:(?:\d+)\.)?(?:(?:\d+)\.)?(?:\*|\d+)(?:[.-](?:RELEASE|SNAPSHOT))?",
    "MCOLLECTIVE": r"., \[%{TIMESTAMP_ISO8601:timestamp} #%{POSINT:pid}\]%{SPACE}"
                   "%{LOGLEVEL:event_level}",
    "MCOLLECTIVEAUDIT": "%{TIMESTAMP_ISO8601:timestamp}:",
    "MONGO_WORDDASH": r"\b[\w-]+\b",
    "MONGO_QUERY": r"\{ (?<={ ).*(?= } ntoreturn:) \}",
    "MONGO_LOG": r"%{SYSLOGTIMESTAMP:timestamp} \[%{WORD:component}\] %{GREEDYDATA:message}",
    "MONGO_SLOWQUERY": r"%{WORD} %{MONGO_WORDDASH:database}\.%{MONGO_WORDDASH:collection} "
                       "%{WORD}: %{MONGO_QUERY:query} %{WORD}:%{NONNEGINT:ntoreturn} "
                       "%{WORD}:%{NONNEGINT:ntoskip} %{WORD}:%{NONNEGINT:nscanned}"
                       ".*nreturned:%{NONNEGINT:nreturned}..+ (?<duration>[0-9]+)ms",
    "MONGO3_SEVERITY": r"\w",
    "MONGO3_COMPONENT": "%{WORD}|-",
    "MONGO3_LOG": "%{TIMESTAMP_ISO8601:timestamp} %{MONGO3_SEVERITY:severity} "
                  r"%{MONGO3_COMPONENT:component}%{SPACE}(?:\[%{DATA:context}\])? "
                  "%{GREEDYDATA:message}",
    "POSTGRESQL": "%{DATESTAMP:timestamp} %{TZ} %{DATA:user_id} %{GREEDYDATA:connection_id} "
                  "%{POSINT:pid}",
    "RUUID": "[0-9A-Fa-f]{32}",
    "RCONTROLLER": r"(?<controller>[^#]+)#(?<action>\w+)",
    "RAILS3HEAD": r'(?s:Started %{WORD:verb} "%{URIPATHPARAM:request}" for %{IPORHOST:clientip} '
                  r"at (?<timestamp>%{YEAR}-%{MONTHNUM}-%{MONTHDAY} %{HOUR}:%{MINUTE}:%{SECOND} "
                  r"%{ISO8601_TIMEZONE}))",
    "RPROCESSING": r"\W*Processing by %{RCONTROLLER} as (?<format>\S+)"
                   r"(?:\W*Parameters: \{%{DATA:params}\}\W*)?",
    "RAILS3PROFILE": r"(?:\(Views: %{NUMBER:viewms}ms \| ActiveRecord: "
                     r"%{NUMBER:activerecordms}ms|\(ActiveRecord: %{NUMBER:activerecordms}ms)?",
    "RAILS3FOOT": "Completed %{NUMBER:response}%{DATA} in %{NUMBER:totalms}ms "
                  "%{RAILS3PROFILE}%{GREEDYDATA}",
    "RAILS3": r"%{RAILS3HEAD}(?:%{RPROCESSING})?(?<context>(?:%{DATA}\n)*)(?:%{RAILS3FOOT})?",
    "REDISTIMESTAMP": "%{MONTHDAY} %{MONTH} %{TIME}",
    "REDISLOG": r"\[%{POSINT:pid}\] %{REDISTIMESTAMP:timestamp} \* ",
    "REDISMONLOG": r"%{NUMBER:timestamp} \[%{INT:database} %{IP:client}:%{NUMBER:port}\] "
                   r'"%{WORD:command}"\s?%{GREEDYDATA:params}',
    "RUBY_LOGLEVEL": "(?:DEBUG|INFO|WARN|ERROR|FATAL)",
    "RUBY_LOGGER": r"[DFEWI], \[%{TIMESTAMP_ISO8601:timestamp} #%{POSINT:pid}\] "
                   "*%{RUBY_LOGLEVEL:loglevel} -- +%{DATA:progname}: %{GREEDYDATA:message}",
    "SQUID3": r"%{NUMBER:timestamp}\s+%{NUMBER:duration}\s%{IP:client_address}\s"
              r"%{WORD:cache_result}/%{NONNEGINT:status_code}\s%{NUMBER:bytes}\s"
              r"%{WORD:request_method}\s%{NOTSPACE:url}\s(?:%{NOTSPACE:user}|-)\s"
              r"%{WORD:hierarchy_code}/(?:%{IPORHOST:server}|-)\s%{NOTSPACE:content_type}",
}

# Nagios: each line type is "TYPE: field;field;...;last" (fields DATA, the last GREEDYDATA
# unless it says otherwise); the external commands are "EXTERNAL COMMAND: CMD;field;...".
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
# The order NAGIOSLOGLINE tries them in (the first that matches wins).
_NAGIOS_ORDER = (
    "WARNING", "CURRENT_SERVICE_STATE", "CURRENT_HOST_STATE", "SERVICE_NOTIFICATION",
    "HOST_NOTIFICATION", "SERVICE_ALERT", "HOST_ALERT", "SERVICE_FLAPPING_ALERT",
    "HOST_FLAPPING_ALERT", "SERVICE_DOWNTIME_ALERT", "HOST_DOWNTIME_ALERT",
    "PASSIVE_SERVICE_CHECK", "PASSIVE_HOST_CHECK", "SERVICE_EVENT_HANDLER", "HOST_EVENT_HANDLER",
    "TIMEPERIOD_TRANSITION", "EC_LINE_DISABLE_SVC_CHECK", "EC_LINE_ENABLE_SVC_CHECK",
    "EC_LINE_DISABLE_HOST_CHECK", "EC_LINE_ENABLE_HOST_CHECK",
    "EC_LINE_PROCESS_HOST_CHECK_RESULT", "EC_LINE_PROCESS_SERVICE_CHECK_RESULT",
    "EC_LINE_SCHEDULE_HOST_DOWNTIME", "EC_LINE_DISABLE_HOST_SVC_NOTIFICATIONS",
    "EC_LINE_ENABLE_HOST_SVC_NOTIFICATIONS", "EC_LINE_DISABLE_HOST_NOTIFICATIONS",
    "EC_LINE_ENABLE_HOST_NOTIFICATIONS", "EC_LINE_DISABLE_SVC_NOTIFICATIONS",
    "EC_LINE_ENABLE_SVC_NOTIFICATIONS",
)


_NAGIOS_ECS = {
    "hostname": ("DATA", "[host][hostname]"), "service": ("DATA", "[service][name]"),
    "state": ("DATA", "[service][state]"), "statetype": ("DATA", "[nagios][log][state_type]"),
    "statelevel": ("DATA", "[nagios][log][state_type]"),
    "statecode": ("INT", "[nagios][log][attempt]:int"),
    "attempt": ("INT", "[nagios][log][attempt]:int"), "message": ("GREEDYDATA", "message"),
    "comment": ("GREEDYDATA", "[nagios][log][comment]"), "notifyname": ("DATA", "[user][name]"),
    "contact": ("DATA", "[nagios][log][notification_command]"),
    "event_handler_name": ("DATA", "[nagios][log][event_handler_name]"),
    "unknown1": ("NUMBER", "[nagios][log][period_from]:int"),
    "unknown2": ("NUMBER", "[nagios][log][period_to]:int"),
    "check_result": ("GREEDYDATA", "[nagios][log][check_result]"),
    "start_time": ("NUMBER", "[nagios][log][start_time]"),
    "end_time": ("NUMBER", "[nagios][log][end_time]"),
    "fixed": ("NUMBER", "[nagios][log][fixed]"),
    "trigger_id": ("NUMBER", "[nagios][log][trigger_id]"),
    "duration": ("NUMBER", "[nagios][log][duration]:int"), "author": ("DATA", "[user][name]"),
}
"""ECS names of the Nagios fields (and the pattern ECS reads them with)."""


def _nagios_fields(spec: str, ecs: bool) -> str:
    """``"host ~message"`` -> ``%{DATA:nagios_host};%{GREEDYDATA:nagios_message}``.

    ``~`` greedy, ``#`` a NUMBER, ``@`` a DATA field without the ``nagios_`` prefix; in ECS
    the names (and some patterns) come from :data:`_NAGIOS_ECS`; a greedy field stays greedy.
    """
    out = []
    for word in spec.split():
        kind = {"~": "GREEDYDATA", "#": "NUMBER"}.get(word[0], "DATA")
        name = word.lstrip("~#@")
        if ecs:
            ecs_kind, field = _NAGIOS_ECS[name]
            kind = {"~": "GREEDYDATA", "@": "DATA"}.get(word[0], ecs_kind)
        else:
            field = name if word[0] == "@" else f"nagios_{name}"
        out.append(f"%{{{kind}:{field}}}")
    return ";".join(out)


def _nagios(ecs: bool = False) -> dict[str, str]:
    """Every Nagios name: the type words, the command words, the line kinds, the whole line."""
    kind_of = "[nagios][log][type]" if ecs else "nagios_type"
    command_of = "[nagios][log][command]" if ecs else "nagios_command"
    out = {"NAGIOSTIME": r"\[%{NUMBER:timestamp}\]" if ecs else r"\[%{NUMBER:nagios_epoch}\]",
           "NAGIOS_WARNING": "Warning:%{SPACE}%{GREEDYDATA:"
                             + ("message}" if ecs else "nagios_message}")}
    types = [*_NAGIOS_LINES, "EXTERNAL_COMMAND"]
    for kind in types:
        out[f"NAGIOS_TYPE_{kind}"] = kind.replace("_", " ")
    for kind, spec in _NAGIOS_LINES.items():
        out[f"NAGIOS_{kind}"] = (f"%{{NAGIOS_TYPE_{kind}:{kind_of}}}: "
                                 f"{_nagios_fields(spec, ecs)}")
    for command, fields in _NAGIOS_COMMANDS.items():
        out[f"NAGIOS_EC_{command}"] = command
        if fields is not None:
            out[f"NAGIOS_EC_LINE_{command}"] = (
                f"%{{NAGIOS_TYPE_EXTERNAL_COMMAND:{kind_of}}}: "
                f"%{{NAGIOS_EC_{command}:{command_of}}};{_nagios_fields(fields, ecs)}")
    alternatives = "|".join(f"%{{NAGIOS_{name}}}" for name in _NAGIOS_ORDER)
    out["NAGIOSLOGLINE"] = f"%{{NAGIOSTIME}} (?:{alternatives})"
    return out


LEGACY: dict[str, str] = {
    **_AWS, **_BIND, **_BRO, **_EXIM, **_HAPROXY, **_JUNOS, **_SMALL, **_nagios(),
}

ECS: dict[str, str] = {
    **_nagios(ecs=True),
    "BIND9_TIMESTAMP": _BIND["BIND9_TIMESTAMP"],
    "BIND9_DNSTYPE": "(?:A|AAAA|CAA|CDNSKEY|CDS|CERT|CNAME|CSYNC|DLV|DNAME|DNSKEY|DS|HINFO|LOC"
                     "|MX|NAPTR|NS|NSEC|NSEC3|OPENPGPKEY|PTR|RRSIG|RP|SIG|SMIMEA|SOA|SRV|TSIG"
                     "|TXT|URI)",
    "BIND9_CATEGORY": "(?:queries)",
    "BIND9_QUERYLOGBASE": r"client(:? @0x(?:[0-9A-Fa-f]+))? %{IP:[client][ip]}#"
                          r"%{POSINT:[client][port]:int} \(%{GREEDYDATA:[bind][log][question]"
                          r"[name]}\): query: %{GREEDYDATA:[dns][question][name]} "
                          r"(?<[dns][question][class]>IN) %{BIND9_DNSTYPE:[dns][question][type]}"
                          r"(:? %{DATA:[bind][log][question][flags]})? \(%{IP:[server][ip]}\)",
    "BIND9_QUERYLOG": "%{BIND9_TIMESTAMP:timestamp} %{BIND9_CATEGORY:[bing][log][category]}: "
                      "%{LOGLEVEL:[log][level]}: %{BIND9_QUERYLOGBASE}",
    "BIND9": "%{BIND9_QUERYLOG}",
    "MAVEN_VERSION": _SMALL["MAVEN_VERSION"],
    "MCOLLECTIVE": r"., \[%{TIMESTAMP_ISO8601:timestamp} #%{POSINT:[process][pid]:int}\]"
                   "%{SPACE}%{LOGLEVEL:[log][level]}",
    "MCOLLECTIVEAUDIT": "%{TIMESTAMP_ISO8601:timestamp}:",
    "MONGO_WORDDASH": _SMALL["MONGO_WORDDASH"],
    "MONGO_QUERY_CONTENT": "(?:[^}]|(?:\\}(?! ntoreturn:)))*",
    "MONGO_QUERY": r"\{ %{MONGO_QUERY_CONTENT} \}",
    "MONGO_LOG": r"%{SYSLOGTIMESTAMP:timestamp} \[%{WORD:[mongodb][component]}\] "
                 "%{GREEDYDATA:message}",
    "MONGO_SLOWQUERY": r"%{WORD:[mongodb][profile][op]} %{MONGO_WORDDASH:[mongodb][database]}\."
                       "%{MONGO_WORDDASH:[mongodb][collection]} %{WORD}: "
                       "%{MONGO_QUERY:[mongodb][query][original]} "
                       "ntoreturn:%{NONNEGINT:[mongodb][profile][ntoreturn]:int} "
                       "ntoskip:%{NONNEGINT:[mongodb][profile][ntoskip]:int} "
                       "nscanned:%{NONNEGINT:[mongodb][profile][nscanned]:int}.*? "
                       "nreturned:%{NONNEGINT:[mongodb][profile][nreturned]:int}.*? "
                       "%{INT:[mongodb][profile][duration]:int}ms",
    "MONGO3_SEVERITY": r"\w",
    "MONGO3_COMPONENT": "%{WORD}",
    "MONGO3_LOG": "%{TIMESTAMP_ISO8601:timestamp} %{MONGO3_SEVERITY:[log][level]} "
                  "(?:-|%{MONGO3_COMPONENT:[mongodb][component]})%{SPACE}"
                  r"(?:\[%{DATA:[mongodb][context]}\])? %{GREEDYDATA:message}",
    "POSTGRESQL": "%{DATESTAMP:timestamp} %{TZ:[event][timezone]} %{DATA:[user][name]} "
                  "%{GREEDYDATA:[postgresql][log][connection_id]} %{POSINT:[process][pid]:int}",
    "REDISTIMESTAMP": _SMALL["REDISTIMESTAMP"],
    "REDISLOG": r"\[%{POSINT:[process][pid]:int}\] %{REDISTIMESTAMP:timestamp} \*",
    "REDISMONLOG": r"%{NUMBER:timestamp} \[%{INT:[redis][database][id]} %{IP:[client][ip]}:"
                   r'%{POSINT:[client][port]:int}\] "%{WORD:[redis][command][name]}"\s?'
                   "%{GREEDYDATA:[redis][command][args]}",
    "RUBY_LOGLEVEL": _SMALL["RUBY_LOGLEVEL"],
    "RUBY_LOGGER": r"[DFEWI], \[%{TIMESTAMP_ISO8601:timestamp} #%{POSINT:[process][pid]:int}\] "
                   "*%{RUBY_LOGLEVEL:[log][level]} -- +%{DATA:[process][name]}: "
                   "%{GREEDYDATA:message}",
    "SQUID3_STATUS": "(?:%{POSINT:[http][response][status_code]:int}|0|000)",
    "SQUID3": r"%{NUMBER:timestamp}\s+%{NUMBER:[squid][request][duration]:int}\s"
              r"%{IP:[source][ip]}\s%{WORD:[event][action]}/%{SQUID3_STATUS}\s"
              r"%{INT:[http][response][bytes]:int}\s%{WORD:[http][request][method]}\s"
              r"%{NOTSPACE:[url][original]}\s(?:-|%{NOTSPACE:[user][name]})\s"
              r"%{WORD:[squid][hierarchy_code]}/(?:-|%{IPORHOST:[destination][address]})\s"
              r"(?:-|%{NOTSPACE:[http][response][mime_type]})",
}
