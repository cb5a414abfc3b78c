"""Grok names for network infrastructure: NetScreen, Cisco ASA, Shorewall and SuSE firewall
(SFW2), in the legacy capture names.

Written for lumberyard from the formats these devices log (Cisco's ASA syslog message
reference, ScreenOS session logs, the kernel's netfilter ``LOG`` target), with the meaning and
capture names logstash-patterns-core gives them (see :mod:`parsers._library_core`). The
messages repeat a few fragments (an ASA ``interface:ip/port(user)`` end, netfilter
``KEY=value`` fields): they are written once below as helpers, which
:mod:`parsers._library_ecs_net` (the ECS forms) and :mod:`parsers._library_bacula` share.
"""

from __future__ import annotations

import re
from typing import NamedTuple

__all__ = ["LEGACY"]


# --- composition helpers ------------------------------------------------------------------

def cap(pattern: str, name: str = "", kind: str = "") -> str:
    """``%{PATTERN:name:kind}``; without a name the text is matched, not captured."""
    return "%{" + ":".join(part for part in (pattern, name, kind) if part) + "}"


def group(regex: str, name: str = "") -> str:
    """``(?<name>regex)``, or a plain group when the text is not captured."""
    return f"(?<{name}>{regex})" if name else f"(?:{regex})"


def opt(regex: str) -> str:
    """``regex`` or nothing."""
    return f"(?:{regex})?"


_SPECIAL = re.compile(r"([.^$*+?()\[\]{}|\\])")


def say(text: str, **fields: str) -> str:
    """A logged sentence as a regex: ``text`` literally, ``{name}`` the regex ``fields[name]``."""
    parts = re.split(r"\{(\w+)\}", text)  # literal, name, literal, name, ..., literal
    return "".join(fields[part] if i % 2 else _SPECIAL.sub(r"\\\1", part)
                   for i, part in enumerate(parts))


# --- Cisco ASA ------------------------------------------------------------------------------

ASA_IFACE = r"[^\s:/()]+"
"""An ASA interface name (``nameif``): one token, ended by the ``:``/``/`` before an address."""

ASA_FAILOVER = r"\((?:Primary|Secondary)\) "
"""The failover unit's role, which starts every 104xxx/105xxx failover message."""


class Side(NamedTuple):
    """The capture names of one end of an ASA connection (``""``: matched, not captured)."""

    iface: str
    ip: str
    port: str
    user: str
    kind: str = ""  # grok type of the port ("int" in ECS)
    address: str = ""  # where a host name is captured instead of an address (ECS)


def iface(name: str = "") -> str:
    """An interface name, captured as ``name``."""
    return group(ASA_IFACE, name)


def asa_user(name: str = "") -> str:
    """The optional ``(user)`` ASA adds after an address the identity firewall knows."""
    return opt(rf"\({group('[^)]*', name)}\)")


def port(side: Side) -> str:
    """A port number (ports are never signed)."""
    return cap("NONNEGINT", side.port, side.kind)


def host(side: Side, names: bool = False) -> str:
    """The address of ``side``: an IP, or (``names``) an IP or a host name."""
    if not names:
        return cap("IP", side.ip)
    if side.address:
        return f"(?:{cap('IP', side.ip)}|{cap('HOSTNAME', side.address)})"
    return cap("IPORHOST", side.ip)


def endpoint(side: Side, *, on: bool = True, port_is: str = "required", user: bool = True,
             names: bool = False) -> str:
    """``[interface:]address[/port][(user)]``, the way ASA writes a connection's end."""
    head = iface(side.iface) + ":" if on else ""
    tail = {"required": "/" + port(side), "optional": opt("/" + port(side)), "none": ""}[port_is]
    return head + host(side, names) + tail + (asa_user(side.user) if user else "")


def acl_endpoint(side: Side) -> str:
    """``interface/address(port)``, how access-list hit messages (106100) write an end."""
    return rf"{iface(side.iface)}/{cap('IP', side.ip)}\({port(side)}\)"


def asa_icmp(type_name: str = "", code_name: str = "", kind: str = "") -> str:
    """``(type N, code N)`` of an ICMP message."""
    return say("(type {type}, code {code})", type=cap("NONNEGINT", type_name, kind),
               code=cap("NONNEGINT", code_name, kind))


def asa_hashes(first: str = "", second: str = "") -> str:
    """``[0x..., 0x...]``: the hash codes of the access-control entry a message names."""
    return rf"\[{cap('BASE16NUM', first)}, {cap('BASE16NUM', second)}\]"


def asa_tcp_flags(name: str) -> str:
    """The TCP flags ASA lists, e.g. ``SYN`` or ``FIN ACK``."""
    return group("[A-Z]+(?: [A-Z]+)*", name)


def asa_nat_word(name: str = "") -> str:
    """``is`` / ``is NOT`` of a NAT detection status (ASA writes it in either case)."""
    return group("[Ii][Ss](?:\\s+[Nn][Oo][Tt])?", name)


def asa_eq(key: str, value: str) -> str:
    """``key= value`` as the IPsec messages write it (the blank is not always there)."""
    return f"{key}= ?{value}"


def asa_resource(name: str = "") -> str:
    """``'<resource>'``: names such as ``conns``, ``mac-addresses``, ``vpn other`` (321001)."""
    return "'" + group("[^']*", name) + "'"


def asa_rates(rate: str, current: str, configured: str) -> str:
    """One half of a threat-detection (733100) rate report."""
    return say("Current {rate} rate is {cur} per second, max configured rate is {max}",
               rate=rate, cur=current, max=configured)


ASA_PARTS = {
    "CISCOTIMESTAMP": "%{MONTH} +%{MONTHDAY}(?: %{YEAR})? %{TIME}",
    # facility-severity-mnemonic; the severity is one digit, 0 (emergency) to 7 (debugging)
    "CISCOTAG": "[A-Z0-9]+-[0-7]-[A-Z0-9_]+",
    # the outcome verbs of the messages below ("denied by ACL" before "denied", so the whole
    # phrase is taken where a message has it)
    "CISCO_ACTION": "|".join((
        "Built", "Teardown",  # connections and translations (302013-302021, 305011)
        "Deny", "Denied", "denied by ACL", "denied",  # 106xxx, 313001, 710003
        "requested", "permitted", "est-allowed",  # 710001/2, 106100
        "discarded", "Dropping",  # 710005/6, 419001
        "created", "deleted",  # security associations (602303/4)
    )),
    # reasons ASA names, else the words up to what follows
    "CISCO_REASON": "|".join(("Duplicate TCP SYN", "Failed to locate egress interface",
                              "Invalid transport field", "No matching connection",
                              "DNS (?:Response|Query)", r"%{WORD}(?: %{WORD})*")),
    "CISCO_DIRECTION": "[Ii]nbound|[Oo]utbound",
    "CISCO_INTERVAL": "first hit|%{NONNEGINT}-second interval",
    "CISCO_XLATE_TYPE": "static|dynamic",
}

_SRC = Side("src_interface", "src_ip", "src_port", "src_fwuser")
_DST = Side("dst_interface", "dst_ip", "dst_port", "dst_fwuser")
_XLATED = Side("src_xlated_interface", "src_xlated_ip", "src_xlated_port", "")
_ACTION = cap("CISCO_ACTION", "action")
_DIRECTION = cap("CISCO_DIRECTION", "direction")
_PROTO = cap("WORD", "protocol")
_REASON = cap("CISCO_REASON", "reason")
_ON_IFACE = "on interface " + iface("interface")
_ACL_NAME = group(r'[^\s"]+', "policy_id")  # an access-group's name, quoted or not
_QUOTED_USER = "'" + group("[^']*", "src_fwuser") + "'"
_BRACKETED = group(r"[^\]]*?", "drop_type")

_FAILOVER_STATES = {
    "CISCOFW104001": "Switching to ACTIVE - {reason}",
    "CISCOFW104002": "Switching to STANDBY - {reason}",
    "CISCOFW104003": r"Switching to FAILED\.",
    "CISCOFW104004": r"Switching to OK\.",
    "CISCOFW105003": "Monitoring on [Ii]nterface {iface} waiting",
    "CISCOFW105004": "Monitoring on [Ii]nterface {iface} normal",
    "CISCOFW105005": "Lost Failover communications with mate on [Ii]nterface {iface}",
    "CISCOFW105008": "Testing [Ii]nterface {iface}",
    "CISCOFW105009": "Testing on [Ii]nterface {iface} (?:Passed|Failed)",
}
"""The failover messages ASA logs (104001-105009), ``{iface}`` and ``{reason}`` to fill."""


def failover_states(iface_field: str, reason_field: str) -> dict[str, str]:
    """The failover names with their interface and reason captured into the given fields."""
    return {name: ASA_FAILOVER + text.replace("{iface}", iface(iface_field))
            .replace("{reason}", f"%{{GREEDYDATA:{reason_field}}}")
            for name, text in _FAILOVER_STATES.items()}


_CISCO = {
    **failover_states("interface_name", "switch_reason"),
    "CISCOFW106001": f"{_DIRECTION} {_PROTO} connection {_ACTION} from "
                     f"{endpoint(_SRC, on=False, user=False)} to "
                     f"{endpoint(_DST, on=False, user=False)} flags {asa_tcp_flags('tcp_flags')} "
                     + _ON_IFACE,
    # Logstash's "on interface %{DATA:interface}" at the end takes nothing: the name is meant
    "CISCOFW106006_106007_106010": f"{_ACTION} {_DIRECTION} {_PROTO} (?:from|src) "
                                   f"{endpoint(_SRC, on=False)} (?:to|dst) "
                                   f"{endpoint(_DST, on=False)} "
                                   f"(?:{_ON_IFACE}|due to {_REASON})",
    # ASA's reference puts a blank before "(type", its devices often do not (the spec's line):
    # Logstash's legacy form wants the blank, its ecs-v1 form not; both are meant
    "CISCOFW106014": f"{_ACTION} {_DIRECTION} {_PROTO} src {endpoint(_SRC, port_is='none')} dst "
                     f"{endpoint(_DST, port_is='none')} ?"
                     + asa_icmp("icmp_type", "icmp_code"),
    "CISCOFW106015": rf"{_ACTION} {_PROTO} \({group('[^)]*', 'policy_id')}\) from "
                     f"{endpoint(_SRC, on=False, user=False)} to "
                     f"{endpoint(_DST, on=False, user=False)} flags {asa_tcp_flags('tcp_flags')} "
                     + _ON_IFACE,
    "CISCOFW106021": f"{_ACTION} {_PROTO} reverse path check from {cap('IP', 'src_ip')} to "
                     f"{cap('IP', 'dst_ip')} {_ON_IFACE}",
    # the address may be a host name (taken into src_ip / dst_ip, as Logstash's legacy names do)
    "CISCOFW106023": f"{_ACTION}(?: protocol)? {_PROTO} src "
                     f"{endpoint(_SRC, port_is='optional', names=True)} dst "
                     f"{endpoint(_DST, port_is='optional', names=True)}"
                     f"(?: {asa_icmp('icmp_type', 'icmp_code')})?"
                     f' by access-group "?{_ACL_NAME}"? '
                     + asa_hashes("hashcode1", "hashcode2"),
    "CISCOFW106100_2_3": f"access-list {cap('NOTSPACE', 'policy_id')} {_ACTION} {_PROTO} for user "
                         f"{_QUOTED_USER} {acl_endpoint(_SRC)} -> "
                         f"{acl_endpoint(_DST)} hit-cnt {cap('NONNEGINT', 'hit_count')} "
                         f"{cap('CISCO_INTERVAL', 'interval')} "
                         + asa_hashes("hashcode1", "hashcode2"),
    # Logstash's pattern names the second user src_fwuser too: it is the destination's user
    "CISCOFW106100": f"access-list {cap('NOTSPACE', 'policy_id')} {_ACTION} {_PROTO} "
                     f"{acl_endpoint(_SRC)}{asa_user('src_fwuser')} -> "
                     f"{acl_endpoint(_DST)}{asa_user('dst_fwuser')} hit-cnt "
                     f"{cap('NONNEGINT', 'hit_count')} {cap('CISCO_INTERVAL', 'interval')} "
                     + asa_hashes("hashcode1", "hashcode2"),
    "CISCOFW304001": f"{endpoint(_SRC, on=False, port_is='none')} Accessed URL "
                     f"{cap('IP', 'dst_ip')}:{cap('GREEDYDATA', 'dst_url')}",
    "CISCOFW110002": f"{_REASON} for {_PROTO} from {endpoint(_SRC, user=False)} to "
                     + endpoint(_DST, on=False, user=False),
    "CISCOFW302010": say("{n} in use, {max} most used", n=cap("NONNEGINT", "connection_count"),
                         max=cap("NONNEGINT", "connection_count_max")),
    "CISCOFW302013_302014_302015_302016": (
        f"{_ACTION}(?: {_DIRECTION})? {_PROTO} connection {cap('NONNEGINT', 'connection_id')} "
        f"for {endpoint(_SRC, user=False)}"
        rf"(?: \({cap('IP', 'src_mapped_ip')}/{cap('NONNEGINT', 'src_mapped_port')}\))?"
        f"{asa_user('src_fwuser')} to {endpoint(_DST, user=False)}"
        rf"(?: \({cap('IP', 'dst_mapped_ip')}/{cap('NONNEGINT', 'dst_mapped_port')}\))?"
        f"{asa_user('dst_fwuser')}"
        f"(?: duration {cap('TIME', 'duration')} bytes {cap('NONNEGINT', 'bytes')})?"
        rf"(?: {_REASON})?(?: \({group('[^)]*', 'user')}\))?"),
    # ICMP connections: faddr/gaddr/laddr are the foreign, global (mapped) and local addresses
    "CISCOFW302020_302021": f"{_ACTION}(?: {_DIRECTION})? {_PROTO} connection for faddr "
                            f"{cap('IP', 'dst_ip')}/{cap('NONNEGINT', 'icmp_seq_num')}"
                            f"{asa_user('fwuser')} gaddr {cap('IP', 'src_xlated_ip')}/"
                            f"{cap('NONNEGINT', 'icmp_code_xlated')} laddr {cap('IP', 'src_ip')}/"
                            rf"{cap('NONNEGINT', 'icmp_code')}(?: \({group('[^)]*', 'user')}\))?",
    # Logstash's pattern ends in %{DATA:src_xlated_port}, which takes nothing at the end of a
    # pattern: the mapped port is meant
    "CISCOFW305011": f"{_ACTION} {cap('CISCO_XLATE_TYPE', 'xlate_type')} {_PROTO} translation "
                     f"from {endpoint(_SRC, port_is='optional')} to "
                     + endpoint(_XLATED, user=False),
    # Logstash's %{DATA:interface} before an optional tail takes nothing: the name is meant
    "CISCOFW313001_313004_313008": f"{_ACTION} {_PROTO} type={cap('NONNEGINT', 'icmp_type')}, "
                                   f"code={cap('NONNEGINT', 'icmp_code')} from "
                                   f"{cap('IP', 'src_ip')} {_ON_IFACE}"
                                   f"(?: to {cap('IP', 'dst_ip')})?",
    # Logstash's legacy form wants two blanks before "Original": ASA writes one (the spec's
    # line). The payload's protocol is captured as "protocol" too, as Logstash names it.
    "CISCOFW313005": f"{_REASON} for {_PROTO} error message: {cap('WORD', 'err_protocol')} src "
                     + endpoint(Side("err_src_interface", "err_src_ip", "", "err_src_fwuser"),
                                port_is="none")
                     + " dst "
                     + endpoint(Side("err_dst_interface", "err_dst_ip", "", "err_dst_fwuser"),
                                port_is="none")
                     + f" {asa_icmp('err_icmp_type', 'err_icmp_code')} on {iface('interface')} "
                     rf"interface\.\s+Original IP payload: {_PROTO} src "
                     + endpoint(Side("", "orig_src_ip", "orig_src_port", "orig_src_fwuser"),
                                on=False)
                     + " dst "
                     + endpoint(Side("", "orig_dst_ip", "orig_dst_port", "orig_dst_fwuser"),
                                on=False),
    # Logstash's %{WORD:resource_name} misses names with a hyphen or a blank
    "CISCOFW321001": say("Resource {name} limit of {limit} reached for system",
                         name=asa_resource("resource_name"),
                         limit=cap("POSINT", "resource_limit")),
    "CISCOFW402117": f"{_PROTO}: "
                     + say("Received a non-IPSec packet ({proto}) from {src} to {dst}{end}",
                           proto=asa_eq("protocol", cap("WORD", "orig_protocol")),
                           src=cap("IP", "src_ip"), dst=cap("IP", "dst_ip"), end=r"\.?"),
    "CISCOFW402119": f"{_PROTO}: "
                     + say("Received an {proto} packet ({spi}, {seq}) from {src} ({user}) to "
                           "{dst} that failed anti-replay checking{end}",
                           proto=cap("WORD", "orig_protocol"),
                           spi=asa_eq("SPI", cap("BASE16NUM", "spi")),
                           seq=asa_eq("sequence number", cap("BASE16NUM", "seq_num")),
                           src=cap("IP", "src_ip"), user=asa_eq("user", group("[^)]*", "user")),
                           dst=cap("IP", "dst_ip"), end=r"\.?"),
    "CISCOFW419001": f"{_ACTION} {_PROTO} packet from {endpoint(_SRC, user=False)} to "
                     f"{endpoint(_DST, user=False)}, reason: {cap('GREEDYDATA', 'reason')}",
    "CISCOFW419002": f"{_REASON} from {endpoint(_SRC, user=False)} to "
                     f"{endpoint(_DST, user=False)} with different initial sequence number",
    "CISCOFW500004": f"{_REASON} for protocol={_PROTO}, from "
                     f"{endpoint(_SRC, on=False, user=False)} to "
                     + endpoint(_DST, on=False, user=False),
    # the tunnel type is "LAN-to-LAN" or "remote access" (two words)
    "CISCOFW602303_602304": f"{_PROTO}: An {_DIRECTION} {cap('GREEDYDATA', 'tunnel_type')} "
                            + say("SA ({spi}) between {src} and {dst} ({user}) has been "
                                  "{action}", spi=asa_eq("SPI", cap("BASE16NUM", "spi")),
                                  src=cap("IP", "src_ip"), dst=cap("IP", "dst_ip"),
                                  user=asa_eq("user", group("[^)]*", "user")), action=_ACTION),
    "CISCOFW710001_710002_710003_710005_710006": f"{_PROTO} (?:request|access) {_ACTION} from "
                                                 f"{endpoint(_SRC, on=False, user=False)} to "
                                                 + endpoint(_DST, user=False),
    "CISCOFW713172": say("Group = {group}, IP = {ip}, Automatic NAT Detection Status:",
                         group=cap("GREEDYDATA", "group"), ip=cap("IP", "src_ip"))
                     + rf"\s+Remote end\s+{asa_nat_word('is_remote_natted')}\s+behind a NAT device"
                     rf"\s+This\s+end\s+{asa_nat_word('is_local_natted')}\s+behind a NAT device",
    "CISCOFW733100": rf"\[\s*{_BRACKETED}\s*\] drop "
                     f"{cap('NOTSPACE', 'drop_rate_id')} exceeded\\. "
                     + asa_rates("burst", cap("INT", "drop_rate_current_burst"),
                                 cap("INT", "drop_rate_max_burst"))
                     + "; "
                     + asa_rates("average", cap("INT", "drop_rate_current_avg"),
                                 cap("INT", "drop_rate_max_avg"))
                     + f"; Cumulative total count is {cap('INT', 'drop_total_count')}",
}
_CISCO["CISCO_TAGGED_SYSLOG"] = (
    f"^<{cap('POSINT', 'syslog_pri')}>{cap('CISCOTIMESTAMP', 'timestamp')}"
    f"(?: {cap('SYSLOGHOST', 'sysloghost')})? ?: %{cap('CISCOTAG', 'ciscotag')}:")


# --- NetScreen (ScreenOS) session logs ----------------------------------------------------

def _ns(key: str, pattern: str, legacy: str, ecs: str, kind: str = "") -> tuple[str, str, str]:
    """A session log field: its key and its value regex in legacy and in ECS names."""
    return key, cap(pattern, legacy), cap(pattern, ecs, kind)


NETSCREEN_SESSION: list[list[tuple[str, str, str]]] = [
    # (logged key, legacy value, ECS value) in logged order, by the groups a session log may
    # stop after (ECS makes the later groups optional); counters and ids are never signed
    [("start_time", cap("QUOTEDSTRING", "start_time"),
      '"' + cap("DATA", "[netscreen][session][start_time]") + '"'),
     _ns("duration", "NONNEGINT", "duration", "[netscreen][session][duration]", "int"),
     _ns("policy_id", "NONNEGINT", "policy_id", "[netscreen][policy_id]"),
     _ns("service", "DATA", "service", "[netscreen][service]"),  # may hold blanks
     _ns("proto", "NONNEGINT", "proto", "[netscreen][protocol_number]", "int"),
     _ns("src zone", "WORD", "src_zone", "[observer][ingress][zone]"),
     _ns("dst zone", "WORD", "dst_zone", "[observer][egress][zone]"),
     _ns("action", "WORD", "action", "[event][action]"),
     _ns("sent", "NONNEGINT", "sent", "[source][bytes]", "int"),
     _ns("rcvd", "NONNEGINT", "rcvd", "[destination][bytes]", "int"),
     _ns("src", "IPORHOST", "src_ip", "[source][address]"),
     _ns("dst", "IPORHOST", "dst_ip", "[destination][address]")],
    [_ns("src_port", "NONNEGINT", "src_port", "[source][port]", "int"),
     _ns("dst_port", "NONNEGINT", "dst_port", "[destination][port]", "int")],
    [_ns("src-xlated ip", "IP", "src_xlated_ip", "[source][nat][ip]"),
     _ns("port", "NONNEGINT", "src_xlated_port", "[source][nat][port]", "int"),
     _ns("dst-xlated ip", "IP", "dst_xlated_ip", "[destination][nat][ip]"),
     _ns("port", "NONNEGINT", "dst_xlated_port", "[destination][nat][port]", "int")],
    [_ns("session_id", "NONNEGINT", "session_id", "[netscreen][session][id]"),
     _ns("reason", "GREEDYDATA", "reason", "[netscreen][session][reason]")],
]


def netscreen_fields(group_fields: list[tuple[str, str, str]], ecs: bool) -> str:
    """``key=value`` fields of one group, blank-separated, in ``ecs`` or legacy names."""
    return " ".join(f"{key}={ecs_value if ecs else legacy}"
                    for key, legacy, ecs_value in group_fields)


_NETSCREEN = {
    # "<host> <device>: NetScreen device_id=<id> [<vsys>]system-<level>-<code>(<type>): <fields>";
    # this legacy form wants every field group (the spec's shorter lines do not match it)
    "NETSCREENSESSIONLOG": f"{cap('SYSLOGTIMESTAMP', 'date')} {cap('IPORHOST', 'device')} "
                           f"{cap('IPORHOST')}: NetScreen device_id={cap('WORD', 'device_id')}"
                           "[^:]*: "
                           + " ".join(netscreen_fields(g, ecs=False) for g in NETSCREEN_SESSION),
}


# --- netfilter LOG target (Shorewall, SuSE firewall) --------------------------------------

def nf_skip_to(text: str) -> str:
    """The fields a pattern passes over up to the first that starts with ``text``.

    Taken once (possessive): the kernel writes each field once and in a fixed order, and a
    line that fails later must not be retried with other splits (that costs polynomial time
    in the number of fields, as Logstash's ``.*`` gaps do).
    """
    return rf"(?:(?!{re.escape(text)})\S+\s+)*+"

NF_BYTE = "[0-9A-Fa-f]{2}"
"""A byte in hex, as the kernel writes MAC header bytes and (after ``0x``) TOS, PREC, RES."""

NF_HEX = "0x" + NF_BYTE


def nf_mac(dst: str, src: str) -> str:
    """``MAC=`` value: destination and source hardware addresses, then the frame type bytes."""
    return f"{cap('COMMONMAC', dst)}:{cap('COMMONMAC', src)}(?::{NF_BYTE})*"


def nf_fields(fields: list[tuple[str, str]], skip: bool = False) -> str:
    """``KEY=value`` netfilter fields in the kernel's order; ``skip``: others may come between."""
    return "".join((rf"\s+{nf_skip_to(key + '=') if skip else ''}" if i else "") + f"{key}={value}"
                   for i, (key, value) in enumerate(fields))


_NETFILTER = {
    # "Shorewall:<chain>:<disposition>:" is the log prefix Shorewall gives the LOG target
    "SHOREWALL": f"{cap('SYSLOGTIMESTAMP', 'timestamp')} {cap('WORD', 'nf_host')} "
                 f"{nf_skip_to('Shorewall:')}"
                 f"Shorewall:{opt(cap('WORD', 'nf_action1'))}:{opt(cap('WORD', 'nf_action2'))}:"
                 r"\s*" + nf_fields([
                     ("IN", opt(cap("USERNAME", "nf_in_interface"))),
                     ("OUT", opt(cap("USERNAME", "nf_out_interface"))
                      + opt(r"\s+MAC=" + opt(nf_mac("nf_dst_mac", "nf_src_mac")))),
                     ("SRC", cap("IPV4", "nf_src_ip")),
                     ("DST", cap("IPV4", "nf_dst_ip")),
                     ("LEN", cap("NONNEGINT", "nf_len")),
                     ("TOS", group(NF_HEX, "nf_tos")),
                     ("PREC", group(NF_HEX, "nf_prec")),
                     ("TTL", cap("NONNEGINT", "nf_ttl")),
                     ("ID", cap("NONNEGINT", "nf_id")),
                     ("PROTO", cap("WORD", "nf_protocol")),
                     ("SPT", cap("NONNEGINT", "nf_src_port")),
                     ("DPT", cap("NONNEGINT", "nf_dst_port")),
                 ], skip=True),
    # SuSE's SuSEfirewall2 logs with prefixes "SFW2-INext-<action>" (external zone, inbound)
    "SFW2": r"(?:%{SYSLOGTIMESTAMP:timestamp}|%{TIMESTAMP_ISO8601:timestamp})\s*%{HOSTNAME}\s*"
            r"kernel\S+\s*(?:%{NAGIOSTIME}\s*)?SFW2-INext-%{NOTSPACE:nf_action}\s*"
            + nf_fields([
                ("IN", cap("USERNAME", "nf_in_interface")),
                ("OUT", opt(cap("USERNAME", "nf_out_interface"))),
                ("MAC", opt(nf_mac("nf_dst_mac", "nf_src_mac"))),
                ("SRC", cap("IP", "nf_src_ip")),
                ("DST", cap("IP", "nf_dst_ip")),
            ]) + rf"\s+{nf_skip_to('PROTO=')}PROTO={cap('WORD', 'nf_protocol')}"
            + opt(r"\s+" + nf_fields([("SPT", cap("NONNEGINT", "nf_src_port")),
                                      ("DPT", cap("NONNEGINT", "nf_dst_port"))])),
}


LEGACY: dict[str, str] = {**_NETSCREEN, **ASA_PARTS, **_CISCO, **_NETFILTER}
