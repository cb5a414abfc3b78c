"""ECS (``ecs_compatibility => v1``) forms of the firewall patterns: NetScreen, Cisco ASA,
iptables, Shorewall and SuSE firewall (SFW2).

Written for lumberyard with the meaning and nested capture names logstash-patterns-core's
``ecs-v1`` set gives them (see :mod:`parsers._library_core`). Where that set captures into
``[@metadata]`` (ASA hash codes, NAT detection words), which Logstash never indexes, the text is
matched without a capture: lumberyard would otherwise index it under ``app``.
"""

from __future__ import annotations

__all__ = ["ECS"]

_ASA = "[cisco][asa]"
_OUT = f"%{{CISCO_ACTION:{_ASA}[outcome]}}"
_DIR = f"%{{CISCO_DIRECTION:{_ASA}[network][direction]}}"
_PROTO = f"%{{WORD:{_ASA}[network][transport]}}"
_SRC = "%{IP:[source][ip]}/%{INT:[source][port]:int}"
_DST = "%{IP:[destination][ip]}/%{INT:[destination][port]:int}"
_SRC_USER = r"(?:\(%{DATA:[source][user][name]}\))?"
_DST_USER = r"(?:\(%{DATA:[destination][user][name]}\))?"
_IN_IF = "%{NOTSPACE:[observer][ingress][interface][name]}"
_OUT_IF = "%{NOTSPACE:[observer][egress][interface][name]}"
_IN_IF_DATA = "%{DATA:[observer][ingress][interface][name]}"
_OUT_IF_DATA = "%{DATA:[observer][egress][interface][name]}"
_ICMP = (rf"\(type %{{INT:{_ASA}[icmp_type]:int}}, code %{{INT:{_ASA}[icmp_code]:int}}\)")
_HASHES = r"\[%{DATA}, %{DATA}\]"
_FAILOVER = r"\((?:Primary|Secondary)\) "
_IFACE = "%{NOTSPACE:[network][interface][name]}"

_NETSCREEN = {
    "NETSCREENSESSIONLOG": "%{SYSLOGTIMESTAMP:timestamp} %{IPORHOST:[observer][hostname]} "
                           "%{NOTSPACE:[observer][name]}: (?<[observer][product]>NetScreen) "
                           r"device_id=%{WORD:[netscreen][device_id]} .*?(?:system-\w+-"
                           r"%{NONNEGINT:[event][code]}\(%{WORD:[netscreen][session][type]}\))?:"
                           ' start_time="%{DATA:[netscreen][session][start_time]}" '
                           "duration=%{INT:[netscreen][session][duration]:int} "
                           "policy_id=%{INT:[netscreen][policy_id]} "
                           "service=%{DATA:[netscreen][service]} "
                           "proto=%{INT:[netscreen][protocol_number]:int} "
                           "src zone=%{WORD:[observer][ingress][zone]} "
                           "dst zone=%{WORD:[observer][egress][zone]} "
                           "action=%{WORD:[event][action]} sent=%{INT:[source][bytes]:int} "
                           "rcvd=%{INT:[destination][bytes]:int} "
                           "src=%{IPORHOST:[source][address]} "
                           "dst=%{IPORHOST:[destination][address]}"
                           "(?: src_port=%{INT:[source][port]:int} "
                           "dst_port=%{INT:[destination][port]:int})?"
                           "(?: src-xlated ip=%{IP:[source][nat][ip]} "
                           "port=%{INT:[source][nat][port]:int} "
                           "dst-xlated ip=%{IP:[destination][nat][ip]} "
                           "port=%{INT:[destination][nat][port]:int})?"
                           "(?: session_id=%{INT:[netscreen][session][id]} "
                           "reason=%{GREEDYDATA:[netscreen][session][reason]})?",
}

_CISCO_PARTS = {
    "CISCO_TAGGED_SYSLOG": r"^<%{POSINT:[log][syslog][priority]:int}>%{CISCOTIMESTAMP:timestamp}"
                           r"(?: %{SYSLOGHOST:[host][hostname]})? ?: "
                           f"%%{{CISCOTAG:{_ASA}[tag]}}:",
    "CISCO_HITCOUNT_INTERVAL": f"hit-cnt %{{INT:{_ASA}[hit_count]:int}} (?:first hit|"
                               f"%{{INT:{_ASA}[interval]:int}}-second interval)",
    "CISCO_SRC_IP_USER": f"{_IN_IF}:%{{IP:[source][ip]}}{_SRC_USER}",
    "CISCO_DST_IP_USER": f"{_OUT_IF}:%{{IP:[destination][ip]}}{_DST_USER}",
    "CISCO_SRC_HOST_PORT_USER": f"{_IN_IF}:(?:(?:%{{IP:[source][ip]}})|"
                                "(?:%{HOSTNAME:[source][address]}))"
                                f"(?:/%{{INT:[source][port]:int}})?{_SRC_USER}",
    "CISCO_DST_HOST_PORT_USER": f"{_OUT_IF}:(?:(?:%{{IP:[destination][ip]}})|"
                                "(?:%{HOSTNAME:[destination][address]}))"
                                f"(?:/%{{INT:[destination][port]:int}})?{_DST_USER}",
}

_CISCO = {
    "CISCOFW104001": _FAILOVER + "Switching to ACTIVE - %{GREEDYDATA:[event][reason]}",
    "CISCOFW104002": _FAILOVER + "Switching to STANDBY - %{GREEDYDATA:[event][reason]}",
    "CISCOFW104003": _FAILOVER + r"Switching to FAILED\.",
    "CISCOFW104004": _FAILOVER + r"Switching to OK\.",
    "CISCOFW105003": _FAILOVER + f"Monitoring on [Ii]nterface {_IFACE} waiting",
    "CISCOFW105004": _FAILOVER + f"Monitoring on [Ii]nterface {_IFACE} normal",
    "CISCOFW105005": _FAILOVER + f"Lost Failover communications with mate on [Ii]nterface "
                                 f"{_IFACE}",
    "CISCOFW105008": _FAILOVER + f"Testing [Ii]nterface {_IFACE}",
    "CISCOFW105009": _FAILOVER + f"Testing on [Ii]nterface {_IFACE} (?:Passed|Failed)",
    "CISCOFW106001": f"{_DIR} {_PROTO} connection {_OUT} from {_SRC} to {_DST} flags "
                     f"%{{DATA:{_ASA}[tcp_flags]}} on interface {_OUT_IF}",
    "CISCOFW106006_106007_106010": f"{_OUT} {_DIR} {_PROTO} (?:from|src) {_SRC}{_SRC_USER} "
                                   f"(?:to|dst) {_DST}{_DST_USER} (?:(?:on interface {_OUT_IF})"
                                   "|(?:due to %{CISCO_REASON:[event][reason]}))",
    "CISCOFW106014": f"{_OUT} {_DIR} {_PROTO} src %{{CISCO_SRC_IP_USER}} dst "
                     rf"%{{CISCO_DST_IP_USER}}\s?{_ICMP}",
    "CISCOFW106015": rf"{_OUT} {_PROTO} \(%{{DATA:{_ASA}[rule_name]}}\) from {_SRC} to {_DST} "
                     f"flags %{{DATA:{_ASA}[tcp_flags]}} on interface {_OUT_IF}",
    "CISCOFW106021": f"{_OUT} {_PROTO} reverse path check from %{{IP:[source][ip]}} to "
                     f"%{{IP:[destination][ip]}} on interface {_OUT_IF}",
    "CISCOFW106023": f"{_OUT}(?: protocol)? {_PROTO} src %{{CISCO_SRC_HOST_PORT_USER}} dst "
                     f"%{{CISCO_DST_HOST_PORT_USER}}(?: {_ICMP})? by access-group "
                     f'"?%{{DATA:{_ASA}[rule_name]}}"? {_HASHES}',
    "CISCOFW106100_2_3": f"access-list %{{NOTSPACE:{_ASA}[rule_name]}} {_OUT} {_PROTO} for "
                         f"user '%{{DATA:[user][name]}}' {_IN_IF_DATA}/%{{IP:[source][ip]}}"
                         rf"\(%{{INT:[source][port]:int}}\) -> {_OUT_IF_DATA}/"
                         r"%{IP:[destination][ip]}\(%{INT:[destination][port]:int}\) "
                         f"%{{CISCO_HITCOUNT_INTERVAL}} {_HASHES}",
    "CISCOFW106100": f"access-list %{{NOTSPACE:{_ASA}[rule_name]}} {_OUT} {_PROTO} "
                     rf"{_IN_IF_DATA}/%{{IP:[source][ip]}}\(%{{INT:[source][port]:int}}\)"
                     rf"{_SRC_USER} -> {_OUT_IF_DATA}/%{{IP:[destination][ip]}}"
                     rf"\(%{{INT:[destination][port]:int}}\){_SRC_USER} hit-cnt "
                     f"%{{INT:{_ASA}[hit_count]:int}} %{{CISCO_INTERVAL}} {_HASHES}",
    "CISCOFW304001": f"%{{IP:[source][ip]}}{_SRC_USER} Accessed URL "
                     "%{IP:[destination][ip]}:%{GREEDYDATA:[url][original]}",
    "CISCOFW110002": f"%{{CISCO_REASON:[event][reason]}} for {_PROTO} from {_IN_IF_DATA}:"
                     f"{_SRC} to {_DST}",
    "CISCOFW302010": f"%{{INT:{_ASA}[connections][in_use]:int}} in use, "
                     f"%{{INT:{_ASA}[connections][most_used]:int}} most used",
    # "[name?]" (sic) is the name the ecs-v1 set captures the first user into.
    "CISCOFW302013_302014_302015_302016": f"{_OUT}(?: {_DIR})? {_PROTO} connection "
                                          f"%{{INT:{_ASA}[connection_id]}} for {_IN_IF}:{_SRC}"
                                          r"(?: \(%{IP:[source][nat][ip]}/"
                                          r"%{INT:[source][nat][port]:int}\))?"
                                          r"(?:\(%{DATA:[source][user][name?]}\))?"
                                          f" to {_OUT_IF}:{_DST}"
                                          r"(?: \(%{IP:[destination][nat][ip]}/"
                                          r"%{INT:[destination][nat][port]:int}\))?" + _DST_USER
                                          + f"(?: duration %{{TIME:{_ASA}[duration]}} bytes "
                                          "%{INT:[network][bytes]:int})?"
                                          "(?: %{CISCO_REASON:[event][reason]})?"
                                          r"(?: \(%{DATA:[user][name]}\))?",
    "CISCOFW302020_302021": f"{_OUT}(?: {_DIR})? {_PROTO} connection for faddr "
                            f"%{{IP:[destination][ip]}}/%{{INT:{_ASA}[icmp_seq]:int}}{_DST_USER}"
                            f" gaddr %{{IP:[source][nat][ip]}}/%{{INT:{_ASA}[icmp_type]:int}} "
                            r"laddr %{IP:[source][ip]}/%{INT}(?: \(%{DATA:[source][user][name]}"
                            r"\))?",
    "CISCOFW305011": f"{_OUT} %{{CISCO_XLATE_TYPE}} {_PROTO} translation from {_IN_IF_DATA}:"
                     f"%{{IP:[source][ip]}}(?:/%{{INT:[source][port]:int}})?{_SRC_USER} to "
                     f"{_OUT_IF_DATA}:{_DST}",
    "CISCOFW313001_313004_313008": f"{_OUT} {_PROTO} type=%{{INT:{_ASA}[icmp_type]:int}}, "
                                   f"code=%{{INT:{_ASA}[icmp_code]:int}} from %{{IP:[source][ip]}}"
                                   f" on interface {_OUT_IF}(?: to %{{IP:[destination][ip]}})?",
    "CISCOFW313005": f"%{{CISCO_REASON:[event][reason]}} for {_PROTO} error message: %{{WORD}} "
                     f"src %{{CISCO_SRC_IP_USER}} dst %{{CISCO_DST_IP_USER}} {_ICMP} on "
                     r"%{NOTSPACE} interface\.\s+Original IP payload: "
                     f"%{{WORD:{_ASA}[original_ip_payload][network][transport]}} src "
                     f"%{{IP:{_ASA}[original_ip_payload][source][ip]}}/"
                     f"%{{INT:{_ASA}[original_ip_payload][source][port]:int}}"
                     rf"(?:\(%{{DATA:{_ASA}[original_ip_payload][source][user][name]}}\))? dst "
                     f"%{{IP:{_ASA}[original_ip_payload][destination][ip]}}/"
                     f"%{{INT:{_ASA}[original_ip_payload][destination][port]:int}}"
                     rf"(?:\(%{{DATA:{_ASA}[original_ip_payload][destination][user][name]}}\))?",
    "CISCOFW321001": f"Resource '%{{DATA:{_ASA}[resource][name]}}' limit of "
                     f"%{{POSINT:{_ASA}[resource][limit]:int}} reached for system",
    "CISCOFW402117": rf"%{{WORD:{_ASA}[network][type]}}: Received a non-IPSec packet "
                     rf"\(protocol=\s?{_PROTO}\) from %{{IP:[source][ip]}} to "
                     r"%{IP:[destination][ip]}\.?",
    "CISCOFW402119": rf"%{{WORD:{_ASA}[network][type]}}: Received an "
                     rf"%{{WORD:{_ASA}[ipsec][protocol]}} packet \(SPI=\s?"
                     rf"%{{DATA:{_ASA}[ipsec][spi]}}, sequence number=\s?"
                     rf"%{{DATA:{_ASA}[ipsec][seq_num]}}\) from %{{IP:[source][ip]}} \(user=\s?"
                     r"%{DATA:[source][user][name]}\) to %{IP:[destination][ip]} that failed "
                     r"anti-replay checking\.?",
    "CISCOFW419001": f"{_OUT} {_PROTO} packet from {_IN_IF}:{_SRC} to {_OUT_IF}:{_DST}, "
                     "reason: %{GREEDYDATA:[event][reason]}",
    "CISCOFW419002": f"%{{CISCO_REASON:[event][reason]}} from {_IN_IF_DATA}:{_SRC} to "
                     f"{_OUT_IF_DATA}:{_DST} with different initial sequence number",
    "CISCOFW500004": f"%{{CISCO_REASON:[event][reason]}} for protocol={_PROTO}, from {_SRC} "
                     f"to {_DST}",
    "CISCOFW602303_602304": rf"%{{WORD:{_ASA}[network][type]}}: An {_DIR} "
                            rf"%{{DATA:{_ASA}[ipsec][tunnel_type]}} SA \(SPI=\s?"
                            rf"%{{DATA:{_ASA}[ipsec][spi]}}\) between %{{IP:[source][ip]}} and "
                            r"%{IP:[destination][ip]} \(user=\s?%{DATA:[source][user][name]}\) "
                            f"has been {_OUT}",
    "CISCOFW710001_710002_710003_710005_710006": f"{_PROTO} (?:request|access) {_OUT} from "
                                                 f"{_SRC} to {_OUT_IF_DATA}:{_DST}",
    "CISCOFW713172": rf"Group = %{{DATA:{_ASA}[source][group]}}, IP = %{{IP:[source][ip]}}, "
                     r"Automatic NAT Detection Status:\s+Remote end\s*%{DATA}\s*behind a NAT "
                     r"device\s+This\s+end\s*%{DATA}\s*behind a NAT device",
    "CISCOFW733100": rf"\[\s*%{{DATA:{_ASA}[burst][object]}}\s*\] drop "
                     f"%{{DATA:{_ASA}[burst][id]}} exceeded. Current burst rate is "
                     f"%{{INT:{_ASA}[burst][current_rate]:int}} per second, max configured rate "
                     f"is %{{INT:{_ASA}[burst][configured_rate]:int}}; Current average rate is "
                     f"%{{INT:{_ASA}[burst][avg_rate]:int}} per second, max configured rate is "
                     f"%{{INT:{_ASA}[burst][configured_avg_rate]:int}}; Cumulative total count "
                     f"is %{{INT:{_ASA}[burst][cumulative_count]:int}}",
}

_IPT = "[iptables]"
_IPTABLES = {
    "IPTABLES_TCP_FLAGS": "(?:CWR |ECE |URG |ACK |PSH |RST |SYN |FIN )*",
    "IPTABLES_TCP_PART": rf"(?:SEQ=%{{INT:{_IPT}[tcp][seq]:int}}\s+)?"
                         rf"(?:ACK=%{{INT:{_IPT}[tcp][ack]:int}}\s+)?"
                         rf"WINDOW=%{{INT:{_IPT}[tcp][window]:int}}\s+"
                         rf"RES=0x%{{BASE16NUM:{_IPT}[tcp_reserved_bits]}}\s+"
                         f"%{{IPTABLES_TCP_FLAGS:{_IPT}[tcp][flags]}}",
    "IPTABLES4_FRAG": "(?:(?<= )(?:CE|DF|MF))*",
    "IPTABLES4_PART": r"SRC=%{IPV4:[source][ip]}\s+DST=%{IPV4:[destination][ip]}\s+"
                      rf"LEN=(?:%{{INT:{_IPT}[length]:int}})?\s+"
                      rf"TOS=(?:0|0x%{{BASE16NUM:{_IPT}[tos]}})?\s+"
                      rf"PREC=(?:0x%{{BASE16NUM:{_IPT}[precedence_bits]}})?\s+"
                      rf"TTL=(?:%{{INT:{_IPT}[ttl]:int}})?\s+ID=(?:%{{INT:{_IPT}[id]}})?\s+"
                      f"(?:%{{IPTABLES4_FRAG:{_IPT}[fragment_flags]}})?"
                      rf"(?:\s+FRAG: %{{INT:{_IPT}[fragment_offset]:int}})?",
    "IPTABLES6_PART": r"SRC=%{IPV6:[source][ip]}\s+DST=%{IPV6:[destination][ip]}\s+"
                      rf"LEN=(?:%{{INT:{_IPT}[length]:int}})?\s+"
                      rf"TC=(?:0|0x%{{BASE16NUM:{_IPT}[tos]}})?\s+"
                      rf"HOPLIMIT=(?:%{{INT:{_IPT}[ttl]:int}})?\s+"
                      f"FLOWLBL=(?:%{{INT:{_IPT}[flow_label]}})?",
    "IPTABLES": rf"IN=(?:{_IN_IF})?\s+OUT=(?:{_OUT_IF})?\s+"
                r"(?:MAC=(?:%{COMMONMAC:[destination][mac]})?(?::%{COMMONMAC:[source][mac]})?"
                r"(?::[A-Fa-f0-9]{2}:[A-Fa-f0-9]{2})?\s+)?"
                r"(?::?%{IPTABLES4_PART}|%{IPTABLES6_PART}).*?"
                r"PROTO=(?:%{WORD:[network][transport]})?\s+SPT=(?:%{INT:[source][port]:int})?"
                r"\s+DPT=(?:%{INT:[destination][port]:int})?\s+(?:%{IPTABLES_TCP_PART})?",
    "SHOREWALL": "(?:%{SYSLOGTIMESTAMP:timestamp}) (?:%{WORD:[observer][hostname]}) "
                 ".*Shorewall:(?:%{WORD:[shorewall][firewall][type]})?:"
                 "(?:%{WORD:[shorewall][firewall][action]})?.*%{IPTABLES}",
    "SFW2_LOG_PREFIX": r"SFW2\-INext\-%{NOTSPACE:[suse][firewall][action]}",
    "SFW2": r"(?:(?:%{SYSLOGTIMESTAMP:timestamp})|(?:%{TIMESTAMP_ISO8601:timestamp}))\s*"
            r"%{HOSTNAME:[observer][hostname]}.*?%{SFW2_LOG_PREFIX:[suse][firewall][log_prefix]}"
            r"\s*%{IPTABLES}",
}

ECS: dict[str, str] = {**_NETSCREEN, **_CISCO_PARTS, **_CISCO, **_IPTABLES}
