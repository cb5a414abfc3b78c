"""ECS (``ecs_compatibility => v1``) forms of the firewall patterns: NetScreen, Cisco ASA,
iptables, Shorewall and SuSE firewall (SFW2).

Written for lumberyard with the meaning and nested capture names logstash-patterns-core's
``ecs-v1`` set gives them (see :mod:`parsers._library_core`), from the same fragments as the
legacy forms (:mod:`parsers._library_infra`). Where that set captures into ``[@metadata]``
(ASA hash codes, NAT detection words), which Logstash never indexes, the text is matched
without a capture: lumberyard would otherwise index it under ``app``.
"""

from __future__ import annotations

from ._library_infra import (
    NETSCREEN_SESSION,
    NF_BYTE,
    Side,
    acl_endpoint,
    asa_eq,
    asa_hashes,
    asa_icmp,
    asa_nat_word,
    asa_rates,
    asa_resource,
    asa_tcp_flags,
    asa_user,
    cap,
    endpoint,
    failover_states,
    group,
    iface,
    netscreen_fields,
    nf_fields,
    nf_mac,
    nf_skip_to,
    opt,
    say,
)

__all__ = ["ECS"]

_ASA = "[cisco][asa]"
_SRC = Side("[observer][ingress][interface][name]", "[source][ip]", "[source][port]",
            "[source][user][name]", "int", "[source][address]")
_DST = Side("[observer][egress][interface][name]", "[destination][ip]", "[destination][port]",
            "[destination][user][name]", "int", "[destination][address]")
_OUTCOME = cap("CISCO_ACTION", f"{_ASA}[outcome]")
_DIRECTION = cap("CISCO_DIRECTION", f"{_ASA}[network][direction]")
_TRANSPORT = cap("WORD", f"{_ASA}[network][transport]")
_TYPE = cap("WORD", f"{_ASA}[network][type]")
_REASON = cap("CISCO_REASON", "[event][reason]")
_RULE = cap("NOTSPACE", f"{_ASA}[rule_name]")
_ON_IFACE = "on interface " + iface(_DST.iface)
_ICMP = asa_icmp(f"{_ASA}[icmp_type]", f"{_ASA}[icmp_code]", "int")
_SPI = cap("BASE16NUM", f"{_ASA}[ipsec][spi]")
_USER_EQ = r"\(" + asa_eq("user", group("[^)]*", _SRC.user)) + r"\)"
_PAYLOAD = Side("", f"{_ASA}[original_ip_payload][source][ip]",
                f"{_ASA}[original_ip_payload][source][port]",
                f"{_ASA}[original_ip_payload][source][user][name]", "int")
_PAYLOAD_DST = Side("", f"{_ASA}[original_ip_payload][destination][ip]",
                    f"{_ASA}[original_ip_payload][destination][port]",
                    f"{_ASA}[original_ip_payload][destination][user][name]", "int")
_GROUP_NAME = group("[^,]*", f"{_ASA}[source][group]")  # up to ", IP = "
_BURST_OBJECT = group(r"[^\]]*?", f"{_ASA}[burst][object]")
_DEVICE_NAME = group(r"[^\s:]+", "[observer][name]")  # "<device>:" of a NetScreen line
_QUOTED_USER = "'" + group("[^']*", "[user][name]") + "'"
_ACL_NAME = group(r'[^\s"]+', f"{_ASA}[rule_name]")


def _int(name: str) -> str:
    """A signed number ``name`` (``[burst][avg_rate]``...) under ``[cisco][asa]``, as an int."""
    return cap("INT", f"{_ASA}{name}", "int")


_CISCO_PARTS = {
    "CISCO_TAGGED_SYSLOG": f"^<{cap('POSINT', '[log][syslog][priority]', 'int')}>"
                           f"{cap('CISCOTIMESTAMP', 'timestamp')}"
                           f"(?: {cap('SYSLOGHOST', '[host][hostname]')})? ?: "
                           f"%{cap('CISCOTAG', f'{_ASA}[tag]')}:",
    "CISCO_HITCOUNT_INTERVAL": f"hit-cnt {cap('NONNEGINT', f'{_ASA}[hit_count]', 'int')} "
                               f"(?:first hit|{cap('NONNEGINT', f'{_ASA}[interval]', 'int')}"
                               "-second interval)",
    "CISCO_SRC_IP_USER": endpoint(_SRC, port_is="none"),
    "CISCO_DST_IP_USER": endpoint(_DST, port_is="none"),
    "CISCO_SRC_HOST_PORT_USER": endpoint(_SRC, port_is="optional", names=True),
    "CISCO_DST_HOST_PORT_USER": endpoint(_DST, port_is="optional", names=True),
}

_BARE_SRC = endpoint(_SRC, on=False, user=False)
_BARE_DST = endpoint(_DST, on=False, user=False)

_CISCO = {
    **failover_states("[network][interface][name]", "[event][reason]"),
    "CISCOFW106001": f"{_DIRECTION} {_TRANSPORT} connection {_OUTCOME} from {_BARE_SRC} to "
                     f"{_BARE_DST} flags {asa_tcp_flags(f'{_ASA}[tcp_flags]')} {_ON_IFACE}",
    "CISCOFW106006_106007_106010": f"{_OUTCOME} {_DIRECTION} {_TRANSPORT} (?:from|src) "
                                   f"{endpoint(_SRC, on=False)} (?:to|dst) "
                                   f"{endpoint(_DST, on=False)} (?:{_ON_IFACE}|due to {_REASON})",
    # a blank before "(type" or none (ASA's reference has one, its devices often not)
    "CISCOFW106014": f"{_OUTCOME} {_DIRECTION} {_TRANSPORT} src %{{CISCO_SRC_IP_USER}} dst "
                     f"%{{CISCO_DST_IP_USER}} ?{_ICMP}",
    "CISCOFW106015": rf"{_OUTCOME} {_TRANSPORT} \({group('[^)]*', f'{_ASA}[rule_name]')}\) from "
                     f"{_BARE_SRC} to {_BARE_DST} flags {asa_tcp_flags(f'{_ASA}[tcp_flags]')} "
                     + _ON_IFACE,
    "CISCOFW106021": f"{_OUTCOME} {_TRANSPORT} reverse path check from {cap('IP', _SRC.ip)} to "
                     f"{cap('IP', _DST.ip)} {_ON_IFACE}",
    "CISCOFW106023": f"{_OUTCOME}(?: protocol)? {_TRANSPORT} src %{{CISCO_SRC_HOST_PORT_USER}} "
                     f"dst %{{CISCO_DST_HOST_PORT_USER}}(?: {_ICMP})? by access-group "
                     f'"?{_ACL_NAME}"? {asa_hashes()}',
    "CISCOFW106100_2_3": f"access-list {_RULE} {_OUTCOME} {_TRANSPORT} for user "
                         f"{_QUOTED_USER} {acl_endpoint(_SRC)} -> "
                         f"{acl_endpoint(_DST)} %{{CISCO_HITCOUNT_INTERVAL}} {asa_hashes()}",
    # Logstash's pattern captures the second user as the source's too: the destination's is meant
    "CISCOFW106100": f"access-list {_RULE} {_OUTCOME} {_TRANSPORT} {acl_endpoint(_SRC)}"
                     f"{asa_user(_SRC.user)} -> {acl_endpoint(_DST)}{asa_user(_DST.user)} "
                     f"hit-cnt {cap('NONNEGINT', f'{_ASA}[hit_count]', 'int')} "
                     f"%{{CISCO_INTERVAL}} {asa_hashes()}",
    "CISCOFW304001": f"{endpoint(_SRC, on=False, port_is='none')} Accessed URL "
                     f"{cap('IP', _DST.ip)}:{cap('GREEDYDATA', '[url][original]')}",
    "CISCOFW110002": f"{_REASON} for {_TRANSPORT} from {endpoint(_SRC, user=False)} to "
                     + _BARE_DST,
    "CISCOFW302010": say("{n} in use, {max} most used",
                         n=cap("NONNEGINT", f"{_ASA}[connections][in_use]", "int"),
                         max=cap("NONNEGINT", f"{_ASA}[connections][most_used]", "int")),
    # Logstash's set captures the source's user as "[source][user][name?]" (sic)
    "CISCOFW302013_302014_302015_302016": (
        f"{_OUTCOME}(?: {_DIRECTION})? {_TRANSPORT} connection "
        f"{cap('NONNEGINT', f'{_ASA}[connection_id]')} for {endpoint(_SRC, user=False)}"
        rf"(?: \({cap('IP', '[source][nat][ip]')}/"
        rf"{cap('NONNEGINT', '[source][nat][port]', 'int')}\))?{asa_user(_SRC.user)}"
        f" to {endpoint(_DST, user=False)}"
        rf"(?: \({cap('IP', '[destination][nat][ip]')}/"
        rf"{cap('NONNEGINT', '[destination][nat][port]', 'int')}\))?{asa_user(_DST.user)}"
        f"(?: duration {cap('TIME', f'{_ASA}[duration]')} bytes "
        f"{cap('NONNEGINT', '[network][bytes]', 'int')})?"
        rf"(?: {_REASON})?(?: \({group('[^)]*', '[user][name]')}\))?"),
    # ICMP connections: faddr/gaddr/laddr are the foreign, global (mapped) and local addresses
    "CISCOFW302020_302021": f"{_OUTCOME}(?: {_DIRECTION})? {_TRANSPORT} connection for faddr "
                            f"{cap('IP', _DST.ip)}/{cap('NONNEGINT', f'{_ASA}[icmp_seq]', 'int')}"
                            f"{asa_user(_DST.user)} gaddr {cap('IP', '[source][nat][ip]')}/"
                            f"{cap('NONNEGINT', f'{_ASA}[icmp_type]', 'int')} laddr "
                            f"{cap('IP', _SRC.ip)}/%{{NONNEGINT}}"
                            rf"(?: \({group('[^)]*', _SRC.user)}\))?",
    "CISCOFW305011": f"{_OUTCOME} %{{CISCO_XLATE_TYPE}} {_TRANSPORT} translation from "
                     f"{endpoint(_SRC, port_is='optional')} to {endpoint(_DST, user=False)}",
    "CISCOFW313001_313004_313008": f"{_OUTCOME} {_TRANSPORT} "
                                   f"type={cap('NONNEGINT', f'{_ASA}[icmp_type]', 'int')}, "
                                   f"code={cap('NONNEGINT', f'{_ASA}[icmp_code]', 'int')} from "
                                   f"{cap('IP', _SRC.ip)} {_ON_IFACE}"
                                   f"(?: to {cap('IP', _DST.ip)})?",
    "CISCOFW313005": f"{_REASON} for {_TRANSPORT} error message: %{{WORD}} src "
                     f"%{{CISCO_SRC_IP_USER}} dst %{{CISCO_DST_IP_USER}} {_ICMP} on "
                     rf"{iface()} interface\.\s+Original IP payload: "
                     f"{cap('WORD', f'{_ASA}[original_ip_payload][network][transport]')} src "
                     f"{endpoint(_PAYLOAD, on=False)} dst {endpoint(_PAYLOAD_DST, on=False)}",
    "CISCOFW321001": say("Resource {name} limit of {limit} reached for system",
                         name=asa_resource(f"{_ASA}[resource][name]"),
                         limit=cap("POSINT", f"{_ASA}[resource][limit]", "int")),
    "CISCOFW402117": f"{_TYPE}: "
                     + say("Received a non-IPSec packet ({proto}) from {src} to {dst}{end}",
                           proto=asa_eq("protocol", _TRANSPORT), src=cap("IP", _SRC.ip),
                           dst=cap("IP", _DST.ip), end=r"\.?"),
    "CISCOFW402119": f"{_TYPE}: "
                     + say("Received an {proto} packet ({spi}, {seq}) from {src} {user} to {dst} "
                           "that failed anti-replay checking{end}",
                           proto=cap("WORD", f"{_ASA}[ipsec][protocol]"), spi=asa_eq("SPI", _SPI),
                           seq=asa_eq("sequence number",
                                      cap("BASE16NUM", f"{_ASA}[ipsec][seq_num]")),
                           src=cap("IP", _SRC.ip), user=_USER_EQ, dst=cap("IP", _DST.ip),
                           end=r"\.?"),
    "CISCOFW419001": f"{_OUTCOME} {_TRANSPORT} packet from {endpoint(_SRC, user=False)} to "
                     f"{endpoint(_DST, user=False)}, reason: "
                     + cap("GREEDYDATA", "[event][reason]"),
    "CISCOFW419002": f"{_REASON} from {endpoint(_SRC, user=False)} to "
                     f"{endpoint(_DST, user=False)} with different initial sequence number",
    "CISCOFW500004": f"{_REASON} for protocol={_TRANSPORT}, from {_BARE_SRC} to {_BARE_DST}",
    # the tunnel type is "LAN-to-LAN" or "remote access" (two words)
    "CISCOFW602303_602304": f"{_TYPE}: An {_DIRECTION} "
                            f"{cap('DATA', f'{_ASA}[ipsec][tunnel_type]')} SA "
                            rf"\({asa_eq('SPI', _SPI)}\) between {cap('IP', _SRC.ip)} and "
                            f"{cap('IP', _DST.ip)} {_USER_EQ} has been {_OUTCOME}",
    "CISCOFW710001_710002_710003_710005_710006": f"{_TRANSPORT} (?:request|access) {_OUTCOME} "
                                                 f"from {_BARE_SRC} to "
                                                 + endpoint(_DST, user=False),
    "CISCOFW713172": say("Group = {group}, IP = {ip}, Automatic NAT Detection Status:",
                         group=_GROUP_NAME, ip=cap("IP", _SRC.ip))
                     + rf"\s+Remote end\s+{asa_nat_word()}\s+behind a NAT device"
                     rf"\s+This\s+end\s+{asa_nat_word()}\s+behind a NAT device",
    "CISCOFW733100": rf"\[\s*{_BURST_OBJECT}\s*\] drop "
                     f"{cap('NOTSPACE', f'{_ASA}[burst][id]')} exceeded\\. "
                     + asa_rates("burst", _int("[burst][current_rate]"),
                                 _int("[burst][configured_rate]"))
                     + "; "
                     + asa_rates("average", _int("[burst][avg_rate]"),
                                 _int("[burst][configured_avg_rate]"))
                     + f"; Cumulative total count is {_int('[burst][cumulative_count]')}",
}

_NETSCREEN = {
    # "<host> <device>: NetScreen device_id=<id> [<vsys>]system-<level>-<code>(<type>): <fields>"
    "NETSCREENSESSIONLOG": f"{cap('SYSLOGTIMESTAMP', 'timestamp')} "
                           f"{cap('IPORHOST', '[observer][hostname]')} "
                           f"{_DEVICE_NAME}: "
                           f"{group('NetScreen', '[observer][product]')} "
                           f"device_id={cap('WORD', '[netscreen][device_id]')}"
                           r"\s+[^:]*?(?:system-\w+-"
                           rf"{cap('NONNEGINT', '[event][code]')}"
                           rf"\({cap('WORD', '[netscreen][session][type]')}\))?: "
                           + netscreen_fields(NETSCREEN_SESSION[0], ecs=True)
                           + "".join(opt(" " + netscreen_fields(g, ecs=True))
                                     for g in NETSCREEN_SESSION[1:]),
}

_IPT = "[iptables]"
_TCP_FLAGS = ("CWR", "ECE", "URG", "ACK", "PSH", "RST", "SYN", "FIN")  # the kernel's order
_FRAGMENT_FLAGS = "CE|DF|MF"


def _maybe(pattern: str, name: str, kind: str = "") -> str:
    """A field value the kernel may leave empty."""
    return opt(cap(pattern, name, kind))


_IPTABLES = {
    # each set flag is written with a blank after it
    "IPTABLES_TCP_FLAGS": f"(?:(?:{'|'.join(_TCP_FLAGS)}) )*",
    "IPTABLES_TCP_PART": opt(rf"SEQ={cap('NONNEGINT', f'{_IPT}[tcp][seq]', 'int')}\s+")
                         + opt(rf"ACK={cap('NONNEGINT', f'{_IPT}[tcp][ack]', 'int')}\s+")
                         + nf_fields([
                             ("WINDOW", cap("NONNEGINT", f"{_IPT}[tcp][window]", "int")),
                             ("RES", "0x" + group(NF_BYTE, f"{_IPT}[tcp_reserved_bits]")),
                         ]) + rf"\s+%{{IPTABLES_TCP_FLAGS:{_IPT}[tcp][flags]}}",
    # Logstash's "(?:(?<= )(?:CE|DF|MF))*" stops after one flag: every flag set is meant
    "IPTABLES4_FRAG": f"(?:{_FRAGMENT_FLAGS})(?: (?:{_FRAGMENT_FLAGS}))*",
    # nf_log_ipv4: "SRC=%pI4 DST=%pI4 LEN=%u TOS=0x%02X PREC=0x%02X TTL=%u ID=%u [CE ][DF ][MF ]
    # [FRAG:%u ]" (Logstash's "FRAG: " wants a blank the kernel does not write)
    "IPTABLES4_PART": nf_fields([
        ("SRC", cap("IPV4", _SRC.ip)),
        ("DST", cap("IPV4", _DST.ip)),
        ("LEN", _maybe("NONNEGINT", f"{_IPT}[length]", "int")),
        ("TOS", opt("0x" + group(NF_BYTE, f"{_IPT}[tos]"))),
        ("PREC", opt("0x" + group(NF_BYTE, f"{_IPT}[precedence_bits]"))),
        ("TTL", _maybe("NONNEGINT", f"{_IPT}[ttl]", "int")),
        ("ID", _maybe("NONNEGINT", f"{_IPT}[id]")),
    ]) + opt(rf"\s+%{{IPTABLES4_FRAG:{_IPT}[fragment_flags]}}")
       + opt(rf"\s+FRAG:{cap('NONNEGINT', f'{_IPT}[fragment_offset]', 'int')}"),
    # nf_log_ipv6 writes the traffic class in decimal ("TC=%u"): matched, not captured as the
    # IPv4 TOS byte (Logstash's form accepted only "0" or hex)
    "IPTABLES6_PART": nf_fields([
        ("SRC", cap("IPV6", _SRC.ip)),
        ("DST", cap("IPV6", _DST.ip)),
        ("LEN", _maybe("NONNEGINT", f"{_IPT}[length]", "int")),
        ("TC", opt("%{NONNEGINT}")),
        ("HOPLIMIT", _maybe("NONNEGINT", f"{_IPT}[ttl]", "int")),
        ("FLOWLBL", _maybe("NONNEGINT", f"{_IPT}[flow_label]")),
    ]),
    "IPTABLES": nf_fields([
        ("IN", _maybe("NOTSPACE", _SRC.iface)),
        ("OUT", _maybe("NOTSPACE", _DST.iface)),
    ]) + opt(rf"\s+MAC={opt(nf_mac('[destination][mac]', '[source][mac]'))}")
       + rf"\s+(?:%{{IPTABLES4_PART}}|%{{IPTABLES6_PART}})\s+{nf_skip_to('PROTO=')}"
       + nf_fields([
           ("PROTO", _maybe("WORD", "[network][transport]")),
           ("SPT", _maybe("NONNEGINT", _SRC.port, "int")),
           ("DPT", _maybe("NONNEGINT", _DST.port, "int")),
       ]) + opt(r"\s+%{IPTABLES_TCP_PART}"),
    # "Shorewall:<chain>:<disposition>:" is the log prefix Shorewall gives the LOG target
    "SHOREWALL": f"{cap('SYSLOGTIMESTAMP', 'timestamp')} {cap('WORD', '[observer][hostname]')} "
                 f"{nf_skip_to('Shorewall:')}Shorewall:"
                 f"{_maybe('WORD', '[shorewall][firewall][type]')}:"
                 rf"{_maybe('WORD', '[shorewall][firewall][action]')}:\s*%{{IPTABLES}}",
    "SFW2_LOG_PREFIX": "SFW2-INext-%{NOTSPACE:[suse][firewall][action]}",
    "SFW2": r"(?:%{SYSLOGTIMESTAMP:timestamp}|%{TIMESTAMP_ISO8601:timestamp})\s*"
            rf"%{{HOSTNAME:[observer][hostname]}}\s+{nf_skip_to('SFW2-INext-')}"
            r"%{SFW2_LOG_PREFIX:[suse][firewall][log_prefix]}\s*%{IPTABLES}",
}

ECS: dict[str, str] = {**_NETSCREEN, **_CISCO_PARTS, **_CISCO, **_IPTABLES}
