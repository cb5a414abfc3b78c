"""Grok names for network and backup infrastructure: NetScreen, Cisco ASA, Shorewall, SuSE
firewall (SFW2) and Bacula, in the legacy capture names.

Written for lumberyard with the meaning and capture names logstash-patterns-core gives them
(see :mod:`parsers._library_core`); Bacula also in ECS names. The Cisco ASA messages repeat
a few fragments (an ``interface:ip/port`` endpoint with an optional ``(user)``), written once
below as helpers.
"""

from __future__ import annotations

__all__ = ["ECS", "LEGACY"]


def _user(name: str) -> str:
    """An optional ``(firewall user)`` after an address."""
    return rf"(?:\(%{{DATA:{name}}}\))?"


def _ep(side: str, port: str = "req", interface: bool = True) -> str:
    """``[iface:]ip[/port]`` of ``side`` (src/dst): port required, optional or absent."""
    head = f"%{{DATA:{side}_interface}}:" if interface else ""
    ports = {"req": f"/%{{INT:{side}_port}}", "opt": f"(?:/%{{INT:{side}_port}})?", "none": ""}
    return f"{head}%{{IP:{side}_ip}}{ports[port]}"


_FAILOVER = r"\((?:Primary|Secondary)\) "
_ICMP = r"\(type %{INT:icmp_type}, code %{INT:icmp_code}\)"
_HASHES = r"\[%{DATA:hashcode1}, %{DATA:hashcode2}\]"

_NETSCREEN = {
    "NETSCREENSESSIONLOG": "%{SYSLOGTIMESTAMP:date} %{IPORHOST:device} %{IPORHOST}: NetScreen "
                           "device_id=%{WORD:device_id}%{DATA}: "
                           "start_time=%{QUOTEDSTRING:start_time} duration=%{INT:duration} "
                           "policy_id=%{INT:policy_id} service=%{DATA:service} "
                           "proto=%{INT:proto} src zone=%{WORD:src_zone} "
                           "dst zone=%{WORD:dst_zone} action=%{WORD:action} sent=%{INT:sent} "
                           "rcvd=%{INT:rcvd} src=%{IPORHOST:src_ip} dst=%{IPORHOST:dst_ip} "
                           "src_port=%{INT:src_port} dst_port=%{INT:dst_port} "
                           "src-xlated ip=%{IPORHOST:src_xlated_ip} port=%{INT:src_xlated_port} "
                           "dst-xlated ip=%{IPORHOST:dst_xlated_ip} port=%{INT:dst_xlated_port} "
                           "session_id=%{INT:session_id} reason=%{GREEDYDATA:reason}",
}

_CISCO_PARTS = {
    "CISCO_TAGGED_SYSLOG": r"^<%{POSINT:syslog_pri}>%{CISCOTIMESTAMP:timestamp}"
                           r"(?: %{SYSLOGHOST:sysloghost})? ?: %%{CISCOTAG:ciscotag}:",
    "CISCOTIMESTAMP": "%{MONTH} +%{MONTHDAY}(?: %{YEAR})? %{TIME}",
    "CISCOTAG": "[A-Z0-9]+-%{INT}-(?:[A-Z0-9_]+)",
    "CISCO_ACTION": "Built|Teardown|Deny|Denied|denied|requested|permitted|denied by ACL"
                    "|discarded|est-allowed|Dropping|created|deleted",
    "CISCO_REASON": "Duplicate TCP SYN|Failed to locate egress interface"
                    "|Invalid transport field|No matching connection|DNS Response|DNS Query"
                    r"|(?:%{WORD}\s*)*",
    "CISCO_DIRECTION": "Inbound|inbound|Outbound|outbound",
    "CISCO_INTERVAL": "first hit|%{INT}-second interval",
    "CISCO_XLATE_TYPE": "static|dynamic",
}

_CISCO = {
    "CISCOFW104001": _FAILOVER + "Switching to ACTIVE - %{GREEDYDATA:switch_reason}",
    "CISCOFW104002": _FAILOVER + "Switching to STANDBY - %{GREEDYDATA:switch_reason}",
    "CISCOFW104003": _FAILOVER + r"Switching to FAILED\.",
    "CISCOFW104004": _FAILOVER + r"Switching to OK\.",
    "CISCOFW105003": _FAILOVER + "Monitoring on [Ii]nterface %{GREEDYDATA:interface_name} "
                                 "waiting",
    "CISCOFW105004": _FAILOVER + "Monitoring on [Ii]nterface %{GREEDYDATA:interface_name} "
                                 "normal",
    "CISCOFW105005": _FAILOVER + "Lost Failover communications with mate on [Ii]nterface "
                                 "%{GREEDYDATA:interface_name}",
    "CISCOFW105008": _FAILOVER + "Testing [Ii]nterface %{GREEDYDATA:interface_name}",
    "CISCOFW105009": _FAILOVER + "Testing on [Ii]nterface %{GREEDYDATA:interface_name} "
                                 "(?:Passed|Failed)",
    "CISCOFW106001": "%{CISCO_DIRECTION:direction} %{WORD:protocol} connection "
                     "%{CISCO_ACTION:action} from %{IP:src_ip}/%{INT:src_port} to "
                     "%{IP:dst_ip}/%{INT:dst_port} flags %{GREEDYDATA:tcp_flags} on interface "
                     "%{GREEDYDATA:interface}",
    "CISCOFW106006_106007_106010": "%{CISCO_ACTION:action} %{CISCO_DIRECTION:direction} "
                                   "%{WORD:protocol} (?:from|src) "
                                   + _ep("src", interface=False) + _user("src_fwuser")
                                   + " (?:to|dst) " + _ep("dst", interface=False)
                                   + _user("dst_fwuser") + " (?:on interface "
                                   "%{DATA:interface}|due to %{CISCO_REASON:reason})",
    "CISCOFW106014": "%{CISCO_ACTION:action} %{CISCO_DIRECTION:direction} %{WORD:protocol} "
                     "src " + _ep("src", "none") + _user("src_fwuser") + " dst "
                     + _ep("dst", "none") + _user("dst_fwuser") + " " + _ICMP,
    "CISCOFW106015": r"%{CISCO_ACTION:action} %{WORD:protocol} \(%{DATA:policy_id}\) from "
                     "%{IP:src_ip}/%{INT:src_port} to %{IP:dst_ip}/%{INT:dst_port} flags "
                     "%{DATA:tcp_flags} on interface %{GREEDYDATA:interface}",
    "CISCOFW106021": "%{CISCO_ACTION:action} %{WORD:protocol} reverse path check from "
                     "%{IP:src_ip} to %{IP:dst_ip} on interface %{GREEDYDATA:interface}",
    "CISCOFW106023": "%{CISCO_ACTION:action}(?: protocol)? %{WORD:protocol} src "
                     "%{DATA:src_interface}:%{DATA:src_ip}(?:/%{INT:src_port})?"
                     + _user("src_fwuser") + " dst %{DATA:dst_interface}:%{DATA:dst_ip}"
                     "(?:/%{INT:dst_port})?" + _user("dst_fwuser") + f"(?: {_ICMP})?"
                     ' by access-group "?%{DATA:policy_id}"? ' + _HASHES,
    "CISCOFW106100_2_3": "access-list %{NOTSPACE:policy_id} %{CISCO_ACTION:action} "
                         "%{WORD:protocol} for user '%{DATA:src_fwuser}' "
                         r"%{DATA:src_interface}/%{IP:src_ip}\(%{INT:src_port}\) -> "
                         r"%{DATA:dst_interface}/%{IP:dst_ip}\(%{INT:dst_port}\) hit-cnt "
                         "%{INT:hit_count} %{CISCO_INTERVAL:interval} " + _HASHES,
    "CISCOFW106100": "access-list %{NOTSPACE:policy_id} %{CISCO_ACTION:action} "
                     r"%{WORD:protocol} %{DATA:src_interface}/%{IP:src_ip}\(%{INT:src_port}\)"
                     + _user("src_fwuser") + r" -> %{DATA:dst_interface}/%{IP:dst_ip}"
                     r"\(%{INT:dst_port}\)" + _user("src_fwuser") + " hit-cnt "
                     "%{INT:hit_count} %{CISCO_INTERVAL:interval} " + _HASHES,
    "CISCOFW304001": "%{IP:src_ip}" + _user("src_fwuser") + " Accessed URL "
                     "%{IP:dst_ip}:%{GREEDYDATA:dst_url}",
    "CISCOFW110002": "%{CISCO_REASON:reason} for %{WORD:protocol} from " + _ep("src")
                     + " to %{IP:dst_ip}/%{INT:dst_port}",
    "CISCOFW302010": "%{INT:connection_count} in use, %{INT:connection_count_max} most used",
    "CISCOFW302013_302014_302015_302016": "%{CISCO_ACTION:action}(?: "
                                          "%{CISCO_DIRECTION:direction})? %{WORD:protocol} "
                                          "connection %{INT:connection_id} for " + _ep("src")
                                          + r"(?: \(%{IP:src_mapped_ip}/%{INT:src_mapped_port}"
                                          r"\))?" + _user("src_fwuser") + " to " + _ep("dst")
                                          + r"(?: \(%{IP:dst_mapped_ip}/%{INT:dst_mapped_port}"
                                          r"\))?" + _user("dst_fwuser")
                                          + "(?: duration %{TIME:duration} bytes "
                                          "%{INT:bytes})?(?: %{CISCO_REASON:reason})?"
                                          r"(?: \(%{DATA:user}\))?",
    "CISCOFW302020_302021": "%{CISCO_ACTION:action}(?: %{CISCO_DIRECTION:direction})? "
                            "%{WORD:protocol} connection for faddr "
                            "%{IP:dst_ip}/%{INT:icmp_seq_num}" + _user("fwuser")
                            + " gaddr %{IP:src_xlated_ip}/%{INT:icmp_code_xlated} laddr "
                            r"%{IP:src_ip}/%{INT:icmp_code}(?: \(%{DATA:user}\))?",
    "CISCOFW305011": "%{CISCO_ACTION:action} %{CISCO_XLATE_TYPE:xlate_type} %{WORD:protocol} "
                     "translation from " + _ep("src", "opt") + _user("src_fwuser")
                     + " to %{DATA:src_xlated_interface}:%{IP:src_xlated_ip}/"
                     "%{DATA:src_xlated_port}",
    "CISCOFW313001_313004_313008": "%{CISCO_ACTION:action} %{WORD:protocol} "
                                   "type=%{INT:icmp_type}, code=%{INT:icmp_code} from "
                                   "%{IP:src_ip} on interface %{DATA:interface}"
                                   "(?: to %{IP:dst_ip})?",
    "CISCOFW313005": "%{CISCO_REASON:reason} for %{WORD:protocol} error message: "
                     "%{WORD:err_protocol} src %{DATA:err_src_interface}:%{IP:err_src_ip}"
                     + _user("err_src_fwuser") + " dst %{DATA:err_dst_interface}:"
                     "%{IP:err_dst_ip}" + _user("err_dst_fwuser")
                     + r" \(type %{INT:err_icmp_type}, code %{INT:err_icmp_code}\) on "
                     r"%{DATA:interface} interface\.  Original IP payload: %{WORD:protocol} "
                     "src %{IP:orig_src_ip}/%{INT:orig_src_port}" + _user("orig_src_fwuser")
                     + " dst %{IP:orig_dst_ip}/%{INT:orig_dst_port}" + _user("orig_dst_fwuser"),
    "CISCOFW321001": "Resource '%{WORD:resource_name}' limit of %{POSINT:resource_limit} "
                     "reached for system",
    "CISCOFW402117": r"%{WORD:protocol}: Received a non-IPSec packet \(protocol= "
                     r"%{WORD:orig_protocol}\) from %{IP:src_ip} to %{IP:dst_ip}",
    "CISCOFW402119": r"%{WORD:protocol}: Received an %{WORD:orig_protocol} packet \(SPI= "
                     r"%{DATA:spi}, sequence number= %{DATA:seq_num}\) from %{IP:src_ip} "
                     r"\(user= %{DATA:user}\) to %{IP:dst_ip} that failed anti-replay checking",
    "CISCOFW419001": "%{CISCO_ACTION:action} %{WORD:protocol} packet from " + _ep("src")
                     + " to " + _ep("dst") + ", reason: %{GREEDYDATA:reason}",
    "CISCOFW419002": "%{CISCO_REASON:reason} from " + _ep("src") + " to " + _ep("dst")
                     + " with different initial sequence number",
    "CISCOFW500004": "%{CISCO_REASON:reason} for protocol=%{WORD:protocol}, from "
                     "%{IP:src_ip}/%{INT:src_port} to %{IP:dst_ip}/%{INT:dst_port}",
    "CISCOFW602303_602304": "%{WORD:protocol}: An %{CISCO_DIRECTION:direction} "
                            r"%{GREEDYDATA:tunnel_type} SA \(SPI= %{DATA:spi}\) between "
                            r"%{IP:src_ip} and %{IP:dst_ip} \(user= %{DATA:user}\) has been "
                            "%{CISCO_ACTION:action}",
    "CISCOFW710001_710002_710003_710005_710006": "%{WORD:protocol} (?:request|access) "
                                                 "%{CISCO_ACTION:action} from "
                                                 "%{IP:src_ip}/%{INT:src_port} to "
                                                 + _ep("dst"),
    "CISCOFW713172": r"Group = %{GREEDYDATA:group}, IP = %{IP:src_ip}, Automatic NAT "
                     r"Detection Status:\s+Remote end\s*%{DATA:is_remote_natted}\s*behind a "
                     r"NAT device\s+This\s+end\s*%{DATA:is_local_natted}\s*behind a NAT device",
    "CISCOFW733100": r"\[\s*%{DATA:drop_type}\s*\] drop %{DATA:drop_rate_id} exceeded. Current "
                     "burst rate is %{INT:drop_rate_current_burst} per second, max configured "
                     "rate is %{INT:drop_rate_max_burst}; Current average rate is "
                     "%{INT:drop_rate_current_avg} per second, max configured rate is "
                     "%{INT:drop_rate_max_avg}; Cumulative total count is "
                     "%{INT:drop_total_count}",
}

_NETFILTER = {
    "SHOREWALL": "(?:%{SYSLOGTIMESTAMP:timestamp}) (?:%{WORD:nf_host}) .*Shorewall:"
                 "(?:%{WORD:nf_action1})?:(?:%{WORD:nf_action2})?.*"
                 "IN=(?:%{USERNAME:nf_in_interface})?.*"
                 "(?:OUT= *MAC=(?:%{COMMONMAC:nf_dst_mac}):(?:%{COMMONMAC:nf_src_mac})?"
                 "|OUT=%{USERNAME:nf_out_interface}).*SRC=(?:%{IPV4:nf_src_ip}).*"
                 "DST=(?:%{IPV4:nf_dst_ip}).*LEN=(?:%{WORD:nf_len}).*TOS=(?:%{WORD:nf_tos})"
                 ".*PREC=(?:%{WORD:nf_prec}).*TTL=(?:%{INT:nf_ttl}).*ID=(?:%{INT:nf_id})"
                 ".*PROTO=(?:%{WORD:nf_protocol}).*SPT=(?:%{INT:nf_src_port}?.*"
                 "DPT=%{INT:nf_dst_port}?.*)",
    "SFW2": r"(?:(?:%{SYSLOGTIMESTAMP:timestamp})|(?:%{TIMESTAMP_ISO8601:timestamp}))\s*"
            r"%{HOSTNAME}\s*kernel\S+\s*(?:%{NAGIOSTIME}\s*)?SFW2\-INext\-%{NOTSPACE:nf_action}"
            r"\s*IN=%{USERNAME:nf_in_interface}.*OUT=(?:\s*%{USERNAME:nf_out_interface})?\s*"
            r"MAC=(?:(?:%{COMMONMAC:nf_dst_mac}:%{COMMONMAC:nf_src_mac})|(?:\s*)).*"
            r"SRC=%{IP:nf_src_ip}\s*DST=%{IP:nf_dst_ip}.*PROTO=%{WORD:nf_protocol}"
            r"(?:(?:.*SPT=%{INT:nf_src_port}.*DPT=%{INT:nf_dst_port}.*)|(?:))",
}

# Bacula: each message kind, then the line that tries them all in this order.
_VOLUME = r'Volume \"%{BACULA_VOLUME:volume}\"'
_DEVICE = r'device \"%{BACULA_DEVICE:device}\" \(%{BACULA_DEVICEPATH}\)'
_AT = "at %{MONTHDAY}-%{MONTH}-%{YEAR} %{HOUR}:%{MINUTE}."
_CONNECT = (r"(?:Client: %{BACULA_HOST:client}|Storage daemon) on %{HOSTNAME}:%{POSINT}. "
            r"ERR=(?<berror>%{GREEDYDATA})")
_BACULA_LOGS = {
    "MAX_CAPACITY": "User defined maximum volume capacity %{BACULA_CAPACITY} exceeded on "
                    + _DEVICE,
    "END_VOLUME": "End of medium on " + _VOLUME + " Bytes=%{BACULA_CAPACITY} "
                  "Blocks=%{BACULA_CAPACITY} " + _AT,
    "NEW_VOLUME": "Created new " + _VOLUME + " in catalog.",
    "NEW_LABEL": "Labeled new " + _VOLUME + " on " + _DEVICE + ".",
    "WROTE_LABEL": "Wrote label to prelabeled " + _VOLUME + r' on device \"%{BACULA_DEVICE}\" '
                   r"\(%{BACULA_DEVICEPATH}\)",
    "NEW_MOUNT": "New volume " + _VOLUME[7:] + " mounted on " + _DEVICE + " " + _AT,
    "NOOPEN": r"\s*Cannot open %{DATA}: ERR=%{GREEDYDATA:berror}",
    "NOOPENDIR": r"\s*Could not open directory %{DATA}: ERR=%{GREEDYDATA:berror}",
    "NOSTAT": r"\s*Could not stat %{DATA}: ERR=%{GREEDYDATA:berror}",
    "NOJOBS": "There are no more Jobs associated with " + _VOLUME + ". Marking it purged.",
    "ALL_RECORDS_PRUNED": "All records pruned from " + _VOLUME + r'; marking it \"Purged\"',
    "BEGIN_PRUNE_JOBS": "Begin pruning Jobs older than %{INT} month %{INT} days .",
    "BEGIN_PRUNE_FILES": "Begin pruning Files.",
    "PRUNED_JOBS": "Pruned %{INT} Jobs* for client %{BACULA_HOST:client} from catalog.",
    "PRUNED_FILES": "Pruned Files from %{INT} Jobs* for client %{BACULA_HOST:client} from "
                    "catalog.",
    "ENDPRUNE": "End auto prune.",
    "STARTJOB": "Start Backup JobId %{INT}, Job=%{BACULA_JOB:job}",
    "STARTRESTORE": "Start Restore Job %{BACULA_JOB:job}",
    "USEDEVICE": r'Using Device \"%{BACULA_DEVICE:device}\"',
    "DIFF_FS": r"\s+%{UNIXPATH} is a different filesystem. Will not descend from %{UNIXPATH} "
               "into it.",
    "JOBEND": "Job write elapsed time = %{DATA:elapsed}, Transfer rate = %{NUMBER} "
              "(?:K|M|G)? Bytes/second",
    "NOPRUNE_JOBS": "No Jobs found to prune.",
    "NOPRUNE_FILES": "No Files found to prune.",
    "VOLUME_PREVWRITTEN": _VOLUME + " previously written, moving to end of data.",
    "READYAPPEND": "Ready to append to end of " + _VOLUME + " size=%{INT}",
    "CANCELLING": "Cancelling duplicate JobId=%{INT}.",
    "MARKCANCEL": "JobId %{INT}, Job %{BACULA_JOB:job} marked to be canceled.",
    "CLIENT_RBJ": r'shell command: run ClientRunBeforeJob \"%{GREEDYDATA:runjob}\"',
    "VSS": "(?:Generate )?VSS (?:Writer)?",
    "MAXSTART": "Fatal error: Job canceled because max start delay time exceeded.",
    "DUPLICATE": "Fatal error: JobId %{INT:duplicate} already running. Duplicate job not "
                 "allowed.",
    "NOJOBSTAT": "Fatal error: No Job status returned from FD.",
    "FATAL_CONN": "Fatal error: bsock.c:133 Unable to connect to " + _CONNECT,
    "NO_CONNECT": "Warning: bsock.c:127 Could not connect to " + _CONNECT,
    "NO_AUTH": "Fatal error: Unable to authenticate with File daemon at %{DATA}. Possible "
               "causes:",
    "NOSUIT": "No prior or suitable Full backup found in catalog. Doing FULL backup.",
    "JOB": r"(?:Error: )?Bacula %{BACULA_HOST} %{BACULA_VERSION} \(%{BACULA_VERSION}\):",
    "NOPRIOR": "No prior Full backup Job record found.",
}
_BACULA = {
    "BACULA_TIMESTAMP": "%{MONTHDAY}-%{MONTH} %{HOUR}:%{MINUTE}",
    "BACULA_HOST": "[A-Za-z0-9-]+",
    "BACULA_VOLUME": "%{USER}",
    "BACULA_DEVICE": "%{USER}",
    "BACULA_DEVICEPATH": "%{UNIXPATH}",
    "BACULA_CAPACITY": "%{INT}{1,3}(?:,%{INT}{3})*",
    "BACULA_VERSION": "%{USER}",
    "BACULA_JOB": "%{USER}",
    **{f"BACULA_LOG_{kind}": text for kind, text in _BACULA_LOGS.items()},
    "BACULA_LOGLINE": "%{BACULA_TIMESTAMP:bts} %{BACULA_HOST:hostname}"
                      "(?: JobId %{INT:jobid})?:? (?:"
                      + "|".join(f"%{{BACULA_LOG_{kind}}}" for kind in _BACULA_LOGS) + ")",
}

LEGACY: dict[str, str] = {**_NETSCREEN, **_CISCO_PARTS, **_CISCO, **_NETFILTER, **_BACULA}

# Bacula in ECS names: the same messages, a few loosened (optional quotes, "Fatal [eE]rror").
_BV = "[bacula][volume]"
_E_VOLUME = rf'Volume \"%{{BACULA_VOLUME:{_BV}[name]}}\"'
_E_DEVICE = (rf'device \"%{{BACULA_DEVICE:{_BV}[device]}}\" '
             rf"\(%{{BACULA_DEVICEPATH:{_BV}[path]}}\)")
_E_CONNECT = (r"(?:Client: %{BACULA_HOST:[bacula][client][name]}|Storage daemon) on "
              r"%{IPORHOST:[client][address]}:%{POSINT:[client][port]:int}. "
              r"ERR=%{GREEDYDATA:[error][message]}")
_FATAL = "Fatal [eE]rror: "
_BACULA_ECS_LOGS = {
    **_BACULA_LOGS,
    "MAX_CAPACITY": "User defined maximum volume capacity "
                    f"%{{BACULA_CAPACITY:{_BV}[max_capacity]}} exceeded on {_E_DEVICE}.?",
    "END_VOLUME": f"End of medium on {_E_VOLUME} Bytes=%{{BACULA_CAPACITY:{_BV}[bytes]}} "
                  f"Blocks=%{{BACULA_CAPACITY:{_BV}[blocks]}} at "
                  "%{BACULA_TIMESTAMP:[bacula][timestamp]}.",
    "NEW_VOLUME": f"Created new {_E_VOLUME} in catalog.",
    "NEW_LABEL": f"Labeled new {_E_VOLUME} on (?:file )?{_E_DEVICE}.",
    "WROTE_LABEL": f"Wrote label to prelabeled {_E_VOLUME} on {_E_DEVICE}",
    "NEW_MOUNT": f"New volume {_E_VOLUME[7:]} mounted on {_E_DEVICE} at "
                 "%{BACULA_TIMESTAMP:[bacula][timestamp]}.",
    "NOOPEN": r"\s*Cannot open %{DATA}: ERR=%{GREEDYDATA:[error][message]}",
    "NOOPENDIR": r'\s*Could not open directory \"?%{DATA:[file][path]}\"?: '
                 "ERR=%{GREEDYDATA:[error][message]}",
    "NOSTAT": r"\s*Could not stat %{DATA:[file][path]}: ERR=%{GREEDYDATA:[error][message]}",
    "NOJOBS": f"There are no more Jobs associated with {_E_VOLUME}. Marking it purged.",
    "ALL_RECORDS_PRUNED": f".*?All records pruned from {_E_VOLUME}; " + r'marking it \"Purged\"',
    "PRUNED_JOBS": "Pruned %{INT} Jobs* for client %{BACULA_HOST:[bacula][client][name]} from "
                   "catalog.",
    "PRUNED_FILES": "Pruned Files from %{INT} Jobs* for client "
                    "%{BACULA_HOST:[bacula][client][name]} from catalog.",
    "STARTJOB": "Start Backup JobId %{INT}, Job=%{BACULA_JOB:[bacula][job][name]}",
    "STARTRESTORE": "Start Restore Job %{BACULA_JOB:[bacula][job][name]}",
    "USEDEVICE": rf'Using Device \"%{{BACULA_DEVICE:{_BV}[device]}}\"',
    "DIFF_FS": r"\s*%{UNIXPATH} is a different filesystem. Will not descend from %{UNIXPATH} "
               "into it.",
    "JOBEND": "Job write elapsed time = %{DATA:[bacula][job][elapsed_time]}, Transfer rate = "
              "%{NUMBER} (?:K|M|G)? Bytes/second",
    "VOLUME_PREVWRITTEN": rf'Volume \"?%{{BACULA_VOLUME:{_BV}[name]}}\"? previously written, '
                          "moving to end of data.",
    "READYAPPEND": f"Ready to append to end of {_E_VOLUME} size=%{{INT:{_BV}[size]:int}}",
    "CANCELLING": "Cancelling duplicate JobId=%{INT:[bacula][job][other_id]}.",
    "MARKCANCEL": "JobId %{INT:[bacula][job][id]}, Job %{BACULA_JOB:[bacula][job][name]} "
                  "marked to be canceled.",
    "CLIENT_RBJ": r'shell command: run ClientRunBeforeJob \"'
                  r'%{GREEDYDATA:[bacula][job][client_run_before_command]}\"',
    "MAXSTART": _FATAL + "Job canceled because max start delay time exceeded.",
    "DUPLICATE": _FATAL + "JobId %{INT:[bacula][job][other_id]} already running. Duplicate job "
                          "not allowed.",
    "NOJOBSTAT": _FATAL + "No Job status returned from FD.",
    "FATAL_CONN": _FATAL + "bsock.c:133 Unable to connect to " + _E_CONNECT,
    "NO_CONNECT": "Warning: bsock.c:127 Could not connect to " + _E_CONNECT,
    "NO_AUTH": r'Fatal error: Unable to authenticate with File daemon at \"?'
               r'%{IPORHOST:[client][address]}(?::%{POSINT:[client][port]:int})?\"?. Possible '
               "causes:",
}
ECS: dict[str, str] = {
    **{k: v for k, v in _BACULA.items() if not k.startswith("BACULA_LOG")},
    "BACULA_TIMESTAMP": "%{MONTHDAY}-%{MONTH}(?:-%{YEAR})? %{HOUR}:%{MINUTE}",
    "BACULA_HOST": "%{HOSTNAME}",
    **{f"BACULA_LOG_{kind}": text for kind, text in _BACULA_ECS_LOGS.items()},
    "BACULA_LOG": "%{BACULA_TIMESTAMP:timestamp} %{BACULA_HOST:[host][hostname]}"
                  "(?: JobId %{INT:[bacula][job][id]})?:? (?:"
                  + "|".join(f"%{{BACULA_LOG_{kind}}}" for kind in _BACULA_LOGS) + ")",
    "BACULA_LOGLINE": "%{BACULA_LOG}",
}
"""The Bacula names in ECS form (the firewalls' ECS forms are in :mod:`._library_ecs_net`)."""
