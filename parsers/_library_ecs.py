"""ECS (``ecs_compatibility => v1``) forms of the AWS, HAProxy, Rails, Junos and Exim patterns.

Written for lumberyard with the meaning and nested capture names logstash-patterns-core's
``ecs-v1`` set gives them (see :mod:`parsers._library_core` for the conventions). They differ
from the legacy forms in more than names: ``-`` placeholders are skipped instead of captured,
numbers are typed, and request lines are split into ``url.*`` parts.
"""

from __future__ import annotations

__all__ = ["ECS"]


def _opt(body: str) -> str:
    """A field a log writes as ``-`` when it has no value."""
    return f"(?:-|{body})"


_S3 = "[aws][s3access]"
_ELB = "[aws][elb]"
_CF = "[aws][cloudfront]"
_HA = "[haproxy]"

_AWS = {
    "S3_REQUEST_LINE": "(?:%{WORD:[http][request][method]} %{NOTSPACE:[url][original]}"
                       "(?: HTTP/%{NUMBER:[http][version]})?)",
    "S3_ACCESS_LOG": " ".join([
        f"%{{WORD:{_S3}[bucket_owner]}}", f"%{{NOTSPACE:{_S3}[bucket]}}",
        r"\[%{HTTPDATE:timestamp}\]", _opt("%{IP:[client][ip]}"),
        _opt("%{NOTSPACE:[client][user][id]}"), f"%{{NOTSPACE:{_S3}[request_id]}}",
        f"%{{NOTSPACE:{_S3}[operation]}}", _opt(f"%{{NOTSPACE:{_S3}[key]}}"),
        _opt(f'"%{{S3_REQUEST_LINE:{_S3}[request_uri]}}"'),
        _opt("%{INT:[http][response][status_code]:int}"),
        _opt(f"%{{NOTSPACE:{_S3}[error_code]}}"), _opt(f"%{{INT:{_S3}[bytes_sent]:int}}"),
        _opt(f"%{{INT:{_S3}[object_size]:int}}"), _opt(f"%{{INT:{_S3}[total_time]:int}}"),
        _opt(f"%{{INT:{_S3}[turn_around_time]:int}}"),
        '"' + _opt("%{DATA:[http][request][referrer]}") + '"',
        '"' + _opt("%{DATA:[user_agent][original]}") + '"',
        _opt(f"%{{NOTSPACE:{_S3}[version_id]}}"),
    ]) + "(?: " + " ".join([
        _opt(f"%{{NOTSPACE:{_S3}[host_id]}}"), _opt(f"%{{NOTSPACE:{_S3}[signature_version]}}"),
        _opt("%{NOTSPACE:[tls][cipher]}"), _opt(f"%{{NOTSPACE:{_S3}[authentication_type]}}"),
        _opt(f"%{{NOTSPACE:{_S3}[host_header]}}"), _opt(f"%{{NOTSPACE:{_S3}[tls_version]}}"),
    ]) + ")?",
    "ELB_URIHOST": "%{IPORHOST:[url][domain]}(?::%{POSINT:[url][port]:int})?",
    "ELB_URIPATHQUERY": r"%{URIPATH:[url][path]}(?:\?%{URIQUERY:[url][query]})?",
    "ELB_URIPATHPARAM": "%{ELB_URIPATHQUERY}",
    "ELB_URI": "%{URIPROTO:[url][scheme]}://(?:%{USER:[url][username]}(?::[^@]*)?@)?"
               "(?:%{ELB_URIHOST})?(?:%{ELB_URIPATHQUERY})?",
    "ELB_REQUEST_LINE": "(?:%{WORD:[http][request][method]} %{ELB_URI:[url][original]}"
                        "(?: HTTP/%{NUMBER:[http][version]})?)",
    "ELB_V1_HTTP_LOG": " ".join([
        "%{TIMESTAMP_ISO8601:timestamp}", f"%{{NOTSPACE:{_ELB}[name]}}",
        "%{IP:[source][ip]}:%{INT:[source][port]:int}",
        _opt(f"(?:%{{IP:{_ELB}[backend][ip]}}:%{{INT:{_ELB}[backend][port]:int}})"),
        *[f"(?:-1|%{{NUMBER:{_ELB}[{k}_processing_time][sec]:float}})"
          for k in ("request", "backend", "response")],
        "%{INT:[http][response][status_code]:int}",
        _opt(f"%{{INT:{_ELB}[backend][http][response][status_code]:int}}"),
        "%{INT:[http][request][body][bytes]:int}", "%{INT:[http][response][body][bytes]:int}",
        '"%{ELB_REQUEST_LINE}"',
    ]) + '(?: "' + _opt("%{DATA:[user_agent][original]}") + '" '
       + _opt("%{NOTSPACE:[tls][cipher]}") + " " + _opt(f"%{{NOTSPACE:{_ELB}[ssl_protocol]}}")
       + ")?",
    "ELB_ACCESS_LOG": "%{ELB_V1_HTTP_LOG}",
    "CLOUDFRONT_ACCESS_LOG": r"(?<timestamp>%{YEAR}-%{MONTHNUM}-%{MONTHDAY}\t%{TIME})\t"
    + r"\t".join([
        f"%{{WORD:{_CF}[x_edge_location]}}", _opt("%{INT:[destination][bytes]:int}"),
        "%{IPORHOST:[source][ip]}", "%{WORD:[http][request][method]}",
        "%{HOSTNAME:[url][domain]}", "%{NOTSPACE:[url][path]}",
        "(?:(?:000)|%{INT:[http][response][status_code]:int})",
        _opt("%{DATA:[http][request][referrer]}"), "%{DATA:[user_agent][original]}",
        _opt("%{DATA:[url][query]}"), _opt(f"%{{DATA:{_CF}[http][request][cookie]}}"),
        f"%{{WORD:{_CF}[x_edge_result_type]}}", f"%{{NOTSPACE:{_CF}[x_edge_request_id]}}",
        f"%{{HOSTNAME:{_CF}[http][request][host]}}", "%{URIPROTO:[network][protocol]}",
        _opt("%{INT:[source][bytes]:int}"), f"%{{NUMBER:{_CF}[time_taken]:float}}",
        _opt("%{IP:[network][forwarded_ip]}"), _opt(f"%{{DATA:{_CF}[ssl_protocol]}}"),
        _opt("%{NOTSPACE:[tls][cipher]}"), f"%{{WORD:{_CF}[x_edge_response_result_type]}}",
    ]) + r"(?:\t" + r"\t".join([
        _opt("HTTP/%{NUMBER:[http][version]}"), _opt(f"%{{DATA:{_CF}[fle_status]}}"),
        _opt(f"%{{DATA:{_CF}[fle_encrypted_fields]}}"), "%{INT:[source][port]:int}",
        f"%{{NUMBER:{_CF}[time_to_first_byte]:float}}",
        _opt(f"%{{DATA:{_CF}[x_edge_detailed_result_type]}}"),
        _opt("%{NOTSPACE:[http][request][mime_type]}"),
        _opt(f"%{{INT:{_CF}[http][request][size]:int}}"),
        _opt(f"%{{INT:{_CF}[http][request][range][start]:int}}"),
        _opt(f"%{{INT:{_CF}[http][request][range][end]:int}}"),
    ]) + ")?",
}

_HA_CONNS = "/".join(f"%{{INT:{_HA}[connections][{k}]:int}}"
                     for k in ("active", "frontend", "backend", "server", "retries"))
_HA_HEAD = ("(?:%{SYSLOGTIMESTAMP:timestamp}|%{TIMESTAMP_ISO8601:timestamp}) "
            "%{IPORHOST:[host][hostname]} %{SYSLOGPROG}: ")
_HA_CLIENT = (r"%{IP:[source][address]}:%{INT:[source][port]:int} "
              rf"\[%{{HAPROXYDATE:{_HA}[request_date]}}\] %{{NOTSPACE:{_HA}[frontend_name]}} "
              f"%{{NOTSPACE:{_HA}[backend_name]}}/(?:<NOSRV>|%{{NOTSPACE:{_HA}[server_name]}}) ")
_HA_QUEUES = f" %{{INT:{_HA}[server_queue]:int}}/%{{INT:{_HA}[backend_queue]:int}}"
_HAPROXY = {
    "HAPROXYTIME": "(?!<[0-9])%{HOUR}:%{MINUTE}(?::%{SECOND})(?![0-9])",
    "HAPROXYDATE": "%{MONTHDAY}/%{MONTH}/%{YEAR}:%{HAPROXYTIME}.%{INT}",
    "HAPROXYCAPTUREDREQUESTHEADERS": f"%{{DATA:{_HA}[http][request][captured_headers]}}",
    "HAPROXYCAPTUREDRESPONSEHEADERS": f"%{{DATA:{_HA}[http][response][captured_headers]}}",
    "HAPROXYURI": "(?:%{URIPROTO:[url][scheme]}://)?(?:%{USER:[url][username]}(?::[^@]*)?@)?"
                  "(?:%{IPORHOST:[url][domain]}(?::%{POSINT:[url][port]:int})?)?"
                  r"(?:%{URIPATH:[url][path]}(?:\?%{URIQUERY:[url][query]})?)?",
    "HAPROXYHTTPREQUESTLINE": "(?:<BADREQ>|(?:%{WORD:[http][request][method]} "
                              "%{HAPROXYURI:[url][original]}(?: HTTP/%{NUMBER:[http][version]})?))",
    "HAPROXYHTTPBASE": _HA_CLIENT + "/".join([
        f"(?:-1|%{{INT:{_HA}[http][request][time_wait_ms]:int}})",
        f"(?:-1|%{{INT:{_HA}[total_waiting_time_ms]:int}})",
        f"(?:-1|%{{INT:{_HA}[connection_wait_time_ms]:int}})",
        f"(?:-1|%{{INT:{_HA}[http][request][time_wait_without_data_ms]:int}})",
        f"%{{NOTSPACE:{_HA}[total_time_ms]}}",
    ]) + " %{INT:[http][response][status_code]:int} %{INT:[source][bytes]:int} "
       + _opt(f"%{{DATA:{_HA}[http][request][captured_cookie]}}") + " "
       + _opt(f"%{{DATA:{_HA}[http][response][captured_cookie]}}") + " "
       + f"%{{NOTSPACE:{_HA}[termination_state]}} " + _HA_CONNS + _HA_QUEUES
       + r"(?: \{%{HAPROXYCAPTUREDREQUESTHEADERS}\}(?: \{%{HAPROXYCAPTUREDRESPONSEHEADERS}\})?)?"
       + '(?: "%{HAPROXYHTTPREQUESTLINE}"?)?',
    "HAPROXYHTTP": _HA_HEAD + "%{HAPROXYHTTPBASE}",
    "HAPROXYTCP": _HA_HEAD + _HA_CLIENT
                  + f"(?:-1|%{{INT:{_HA}[total_waiting_time_ms]:int}})/"
                  f"(?:-1|%{{INT:{_HA}[connection_wait_time_ms]:int}})/"
                  f"%{{NOTSPACE:{_HA}[total_time_ms]}} %{{INT:[source][bytes]:int}} "
                  f"%{{NOTSPACE:{_HA}[termination_state]}} " + _HA_CONNS + _HA_QUEUES,
}

_RR = "[rails][request]"
_RAILS = {
    "RUUID": "[0-9A-Fa-f]{32}",
    "RCONTROLLER": r"(?<[rails][controller][class]>[^#]+)#(?<[rails][controller][action]>\w+)",
    "RAILS3HEAD": r'(?s:Started %{WORD:[http][request][method]} "%{URIPATHPARAM:[url][original]}"'
                  r" for %{IPORHOST:[source][address]} at (?<timestamp>%{YEAR}-%{MONTHNUM}-"
                  r"%{MONTHDAY} %{HOUR}:%{MINUTE}:%{SECOND} %{ISO8601_TIMEZONE}))",
    "RPROCESSING": rf"\W*Processing by %{{RCONTROLLER}} as (?<{_RR}[format]>\S+)"
                   rf"(?:\W*Parameters: \{{%{{DATA:{_RR}[params]}}\}}\W*)?",
    "RAILS3FOOT": "Completed %{POSINT:[http][response][status_code]:int}%{DATA} in "
                  f"%{{NUMBER:{_RR}[duration][total]:float}}ms %{{RAILS3PROFILE}}%{{GREEDYDATA}}",
    "RAILS3PROFILE": rf"(?:\(Views: %{{NUMBER:{_RR}[duration][view]:float}}ms \| ActiveRecord: "
                     rf"%{{NUMBER:{_RR}[duration][active_record]:float}}ms|\(ActiveRecord: "
                     rf"%{{NUMBER:{_RR}[duration][active_record]:float}}ms)?",
    "RAILS3": rf"%{{RAILS3HEAD}}(?:%{{RPROCESSING}})?(?<{_RR}[explain][original]>"
              r"(?:%{DATA}\n)*)(?:%{RAILS3FOOT})?",
}

_SRX = "[juniper][srx]"
_FLOW_ENDS = ("%{IP:[source][ip]}/%{INT:[source][port]:int}->"
              f"%{{IP:[destination][ip]}}/%{{INT:[destination][port]:int}} "
              f"%{{DATA:{_SRX}[service_name]}} ")
_FLOW_NAT = ("%{IP:[source][nat][ip]}/%{INT:[source][nat][port]:int}->"
             "%{IP:[destination][nat][ip]}/%{INT:[destination][nat][port]:int} "
             f"(?:(?:None)|(?:%{{DATA:{_SRX}[src_nat_rule_name]}})) "
             f"(?:(?:None)|(?:%{{DATA:{_SRX}[dst_nat_rule_name]}})) "
             "%{INT:[network][iana_number]} ")
_FLOW_RULE = "%{DATA:[rule][name]} %{DATA:[observer][ingress][zone]} " \
             "%{DATA:[observer][egress][zone]} "
_JUNOS = {
    "RT_FLOW_TAG": "(?:RT_FLOW_SESSION_CREATE|RT_FLOW_SESSION_CLOSE|RT_FLOW_SESSION_DENY)",
    "RT_FLOW_EVENT": "RT_FLOW_TAG",  # sic: the ecs-v1 set defines it as this literal text
    "RT_FLOW1": f"%{{RT_FLOW_TAG:{_SRX}[tag]}}: %{{GREEDYDATA:{_SRX}[reason]}}: " + _FLOW_ENDS
                + _FLOW_NAT + _FLOW_RULE + f"%{{INT:{_SRX}[session_id]}} "
                r"\d+\(%{INT:[source][bytes]:int}\) \d+\(%{INT:[destination][bytes]:int}\) "
                f"%{{INT:{_SRX}[elapsed_time]:int}} .*",
    "RT_FLOW2": f"%{{RT_FLOW_TAG:{_SRX}[tag]}}: session created " + _FLOW_ENDS + _FLOW_NAT
                + _FLOW_RULE + f"%{{INT:{_SRX}[session_id]}} .*",
    "RT_FLOW3": f"%{{RT_FLOW_TAG:{_SRX}[tag]}}: session denied " + _FLOW_ENDS
                + r"%{INT:[network][iana_number]}\(\d\) " + _FLOW_RULE + ".*",
}

_EX = "[exim][log]"
_EXIM = {
    "EXIM_MSGID": "(?:[A-Za-z0-9]{6}-){2}[A-Za-z0-9]{2}",
    "EXIM_FLAGS": r"(?:<=|=>|->|\*>|\*\*|==|<>|>>)",
    "EXIM_DATE": "(?::?%{YEAR}-%{MONTHNUM}-%{MONTHDAY} %{TIME})",
    "EXIM_PID": r"\[%{POSINT:[process][pid]:int}\]",
    "EXIM_REMOTE_HOST": r"(?:H=(?:%{NOTSPACE:[source][address]} )?"
                        rf"(?:\(%{{NOTSPACE:{_EX}[remote_address]}}\) )?\[%{{IP:[source][ip]}}\]"
                        r"(?::%{POSINT:[source][port]:int})?)",
    "EXIM_INTERFACE": r"(?:I=\[%{IP:[destination][ip]}\](?::%{NUMBER:[destination][port]:int}))",
    "EXIM_PROTOCOL": "(?:P=%{NOTSPACE:[network][protocol]})",
    "EXIM_MSG_SIZE": f"(?:S=%{{NUMBER:{_EX}[message][size]:int}})",
    "EXIM_HEADER_ID": f"(?:id=%{{NOTSPACE:{_EX}[header_id]}})",
    "EXIM_QUOTED_CONTENT": r'(?:\\.|[^\\"])*',
    "EXIM_SUBJECT": f'(?:T="%{{EXIM_QUOTED_CONTENT:{_EX}[message][subject]}}")',
    "EXIM_UNKNOWN_FIELD": "(?:[A-Za-z0-9]{1,4}=(?:%{QUOTEDSTRING}|%{NOTSPACE}))",
    "EXIM_NAMED_FIELDS": "(?: (?:%{EXIM_REMOTE_HOST}|%{EXIM_INTERFACE}|%{EXIM_PROTOCOL}"
                         "|%{EXIM_MSG_SIZE}|%{EXIM_HEADER_ID}|%{EXIM_SUBJECT}"
                         "|%{EXIM_UNKNOWN_FIELD}))*",
    "EXIM_MESSAGE_ARRIVAL": f"%{{EXIM_DATE:timestamp}} (?:%{{EXIM_PID}} )?"
                            f"%{{EXIM_MSGID:{_EX}[message][id]}} (?<{_EX}[flags]><=) "
                            f"(?<{_EX}[status]>[a-z:] )?%{{EMAILADDRESS:{_EX}[sender][email]}}"
                            "%{EXIM_NAMED_FIELDS}(?:(?: from "
                            f"<?%{{DATA:{_EX}[sender][original]}}>?)? for "
                            f"%{{EMAILADDRESS:{_EX}[recipient][email]}})?",
    "EXIM": "%{EXIM_MESSAGE_ARRIVAL}",
}

ECS: dict[str, str] = {**_AWS, **_HAPROXY, **_RAILS, **_JUNOS, **_EXIM}
