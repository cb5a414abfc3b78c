"""ECS (``ecs_compatibility => v1``) forms of the Zeek (Bro) log patterns.

Written for lumberyard from Zeek's own log layout, with the nested capture names
logstash-patterns-core's ``ecs-v1`` set gives them (see :mod:`parsers._library_core`).
A Zeek ASCII log line is one tab-separated column per field of the log's record; each column
holds a value of the field's Zeek type, ``-`` when the field is unset (``#unset_field``) and
``(empty)`` for an empty set (``#empty_field``). Every log below is a table of
``(zeek column, zeek type, ECS field)``; the regex of a column follows from its type:
a column is never wider than the text between two tabs, a ``count`` or ``port`` is a
non-negative integer, an ``interval`` a decimal number of seconds.
"""

from __future__ import annotations

__all__ = ["ECS"]

_TYPES = {
    # zeek type -> (grok pattern, conversion); "{text}" is the log family's column class
    "time": ("NUMBER", ""),  # epoch seconds, kept as text as the ECS set does
    "decimal": ("NUMBER", ""),  # a string column the ECS set reads as a number (HTTP version)
    "interval": ("NUMBER", ":float"),
    "count": ("NONNEGINT", ":int"),
    "port": ("NONNEGINT", ":int"),
    "status": ("POSINT", ":int"),  # an HTTP status code (a count, but never 0)
    "addr": ("IP", ""),
    "bool": ("{bool}", ""),
    "text": ("{text}", ""),  # string, enum, set[...] and vector[...] alike
}

# Column presence: "" always written; "-" may be unset; "()" may be an empty set instead
# (``(empty)``, then nothing is captured).
_Column = tuple[str, str, str, str]


def _column(family: str, column: _Column) -> str:
    """The regex of one column of a Zeek log of ``family`` (``BRO`` or ``ZEEK``)."""
    _name, kind, field, presence = column
    pattern, convert = _TYPES[kind]
    value = "%{" + pattern.format(text=f"{family}_DATA", bool=f"{family}_BOOL") \
        + f":{field}{convert}}}"
    placeholders = {"": "", "-": "-", "()": r"\(empty\)"}[presence]
    return f"(?:{placeholders}|{value})" if placeholders else value


def _line(family: str, columns: tuple[_Column, ...]) -> str:
    r"""The columns of one record, tab-separated (``\t`` in the pattern)."""
    return r"\t".join(_column(family, c) for c in columns)


def _optional(family: str, columns: tuple[_Column, ...]) -> str:
    """Trailing columns a newer Zeek appends: all of them or none."""
    return rf"(?:\t{_line(family, columns)})?"


_ID = (  # the connection 4-tuple every per-connection log starts with
    ("ts", "time", "timestamp", ""), ("uid", "text", "[zeek][session_id]", ""),
    ("id.orig_h", "addr", "[source][ip]", ""), ("id.orig_p", "port", "[source][port]", ""),
    ("id.resp_h", "addr", "[destination][ip]", ""),
    ("id.resp_p", "port", "[destination][port]", ""),
)

_HTTP_REQUEST = (
    ("trans_depth", "count", "[zeek][http][trans_depth]", ""),
    ("method", "text", "[http][request][method]", "-"),
    ("host", "text", "[url][domain]", "-"), ("uri", "text", "[url][original]", "-"),
    ("referrer", "text", "[http][request][referrer]", "-"),
)
_HTTP_RESPONSE = (
    ("request_body_len", "count", "[http][request][body][bytes]", "-"),
    ("response_body_len", "count", "[http][response][body][bytes]", "-"),
    ("status_code", "status", "[http][response][status_code]", "-"),
    ("status_msg", "text", "[zeek][http][status_msg]", "-"),
    ("info_code", "status", "[zeek][http][info_code]", "-"),
    ("info_msg", "text", "[zeek][http][info_msg]", "-"),
)
_HTTP_AUTH = (
    ("username", "text", "[url][username]", "-"), ("password", "text", "[url][password]", "-"),
    ("proxied", "text", "[zeek][http][proxied]", "-"),
    ("orig_fuids", "text", "[zeek][http][orig_fuids]", "-"),
)

_DNS_QUERY = (
    ("query", "text", "[dns][question][name]", "-"),
    ("qclass", "count", "[zeek][dns][qclass]", "-"),
    ("qclass_name", "text", "[zeek][dns][qclass_name]", "-"),
    ("qtype", "count", "[zeek][dns][qtype]", "-"),
    ("qtype_name", "text", "[dns][question][type]", "-"),
    ("rcode", "count", "[zeek][dns][rcode]", "-"),
    ("rcode_name", "text", "[dns][response_code]", "-"),
)
_DNS_FLAGS = ("AA", "TC", "RD", "RA")

_CONN_HEAD = (
    ("proto", "text", "[network][transport]", ""),
    ("service", "text", "[network][protocol]", "-"),
    ("duration", "interval", "[zeek][connection][duration]", "-"),
    ("orig_bytes", "count", "[zeek][connection][orig_bytes]", "-"),
    ("resp_bytes", "count", "[zeek][connection][resp_bytes]", "-"),
    ("conn_state", "text", "[zeek][connection][state]", "-"),
)
_CONN_PACKETS = (
    ("orig_pkts", "count", "[source][packets]", "-"),
    ("orig_ip_bytes", "count", "[source][bytes]", "-"),
    ("resp_pkts", "count", "[destination][packets]", "-"),
    ("resp_ip_bytes", "count", "[destination][bytes]", "-"),
)

_FILES_FILE = (
    ("conn_uids", "text", "[zeek][files][session_ids]", "-"),
    ("source", "text", "[zeek][files][source]", "-"),
    ("depth", "count", "[zeek][files][depth]", "-"),
    ("analyzers", "text", "[zeek][files][analyzers]", "-"),
    ("mime_type", "text", "[file][mime_type]", "-"), ("filename", "text", "[file][name]", "-"),
    ("duration", "interval", "[zeek][files][duration]", "-"),
    ("local_orig", "text", "[zeek][files][local_orig]", "-"),
    ("is_orig", "bool", "[zeek][files][is_orig]", "-"),
    ("seen_bytes", "count", "[zeek][files][seen_bytes]", "-"),
    ("total_bytes", "count", "[file][size]", "-"),
    ("missing_bytes", "count", "[zeek][files][missing_bytes]", "-"),
    ("overflow_bytes", "count", "[zeek][files][overflow_bytes]", "-"),
    ("timedout", "bool", "[zeek][files][timedout]", "-"),
    ("parent_fuid", "text", "[zeek][files][parent_fuid]", "-"),
    ("md5", "text", "[file][hash][md5]", "-"), ("sha1", "text", "[file][hash][sha1]", "-"),
    ("sha256", "text", "[file][hash][sha256]", "-"),
    ("extracted", "text", "[zeek][files][extracted]", "-"),
)


def _dns_flags(required: bool) -> tuple[_Column, ...]:
    """AA/TC/RD/RA (bools) and Z (a count); the Bro form allows them unset."""
    presence = "" if required else "-"
    return (*((f, "bool", f"[zeek][dns][{f}]", presence) for f in _DNS_FLAGS),
            ("Z", "count", "[zeek][dns][Z]", presence))


def _dns_answers(family: str) -> tuple[_Column, ...]:
    return (("answers", "text", "[zeek][dns][answers]", "-"),
            ("TTLs", "text", "[zeek][dns][TTLs]", "-"),
            ("rejected", "bool", "[zeek][dns][rejected]", "-"))


def _bro() -> dict[str, str]:
    """The Bro names: the column sets of Bro 2.x logs."""
    family = "BRO"
    http = (*_ID, *_HTTP_REQUEST, ("user_agent", "text", "[user_agent][original]", "-"),
            *_HTTP_RESPONSE, ("filename", "text", "[zeek][http][filename]", "-"),
            ("tags", "text", "[zeek][http][tags]", "()"), *_HTTP_AUTH,
            ("orig_mime_types", "text", "[http][request][mime_type]", "-"),
            ("resp_fuids", "text", "[zeek][http][resp_fuids]", "-"),
            ("resp_mime_types", "text", "[http][response][mime_type]", "-"))
    dns = (*_ID, ("proto", "text", "[network][transport]", ""),
           ("trans_id", "count", "[dns][id]", "-"), *_DNS_QUERY, *_dns_flags(required=False),
           *_dns_answers(family))
    conn_tail = (("missed_bytes", "count", "[zeek][connection][missed_bytes]", "-"),
                 ("history", "text", "[zeek][connection][history]", "-"), *_CONN_PACKETS,
                 ("tunnel_parents", "text", "[zeek][connection][tunnel_parents]", "()"))
    local_resp = _column(family, ("local_resp", "bool", "[zeek][connection][local_resp]", "-"))
    files = (("ts", "time", "timestamp", ""), ("fuid", "text", "[zeek][files][fuid]", ""),
             ("tx_hosts", "addr", "[server][ip]", "-"), ("rx_hosts", "addr", "[client][ip]", "-"),
             *_FILES_FILE)
    return {
        "BRO_BOOL": "[TF]",
        "BRO_DATA": r"[^\t]+",
        "BRO_HTTP": _line(family, http),
        "BRO_DNS": _line(family, dns),
        # local_resp came in Bro 2.6 (conn.log of Zeek <= 3.3): one column more, or not
        "BRO_CONN": _line(family, (*_ID, *_CONN_HEAD,
                                   ("local_orig", "bool", "[zeek][connection][local_orig]", "-")))
                    + rf"\t(?:{local_resp}\t)?" + _line(family, conn_tail),
        "BRO_FILES": _line(family, files),
    }


def _hosts(family: str, column: str, role: str) -> str:
    """A ``set[addr]`` column: unset, one address, or several (Zeek separates them with ``,``
    or a space); the first address is the ECS ``role`` ip, the whole set ``[zeek][files][..]``.
    """
    first = f"%{{IP:[{role}][ip]}}"
    return (f"(?<[zeek][files][{column}]>{first}(?:[ ,]%{{IP}})+)"
            f"|(?:-|{first})")


def _zeek() -> dict[str, str]:
    """The Zeek names: the column sets of Zeek 3.x logs (optional trailing columns)."""
    family = "ZEEK"
    http = (*_ID, *_HTTP_REQUEST, ("version", "decimal", "[http][version]", "-"),
            ("user_agent", "text", "[user_agent][original]", "-"),
            ("origin", "text", "[zeek][http][origin]", "-"), *_HTTP_RESPONSE,
            ("tags", "text", "[zeek][http][tags]", "()"), *_HTTP_AUTH,
            ("orig_filenames", "text", "[zeek][http][orig_filenames]", "-"),
            ("orig_mime_types", "text", "[http][request][mime_type]", "-"),
            ("resp_fuids", "text", "[zeek][http][resp_fuids]", "-"),
            ("resp_filenames", "text", "[zeek][http][resp_filenames]", "-"),
            ("resp_mime_types", "text", "[http][response][mime_type]", "-"))
    dns = (*_ID, ("proto", "text", "[network][transport]", ""),
           ("trans_id", "count", "[dns][id]", "-"),
           ("rtt", "interval", "[zeek][dns][rtt]", "-"), *_DNS_QUERY, *_dns_flags(required=True),
           *_dns_answers(family))
    conn = (*_ID, *_CONN_HEAD,
            ("local_orig", "bool", "[zeek][connection][local_orig]", "-"),
            ("local_resp", "bool", "[zeek][connection][local_resp]", "-"),
            ("missed_bytes", "count", "[zeek][connection][missed_bytes]", "-"),
            ("history", "text", "[zeek][connection][history]", "-"), *_CONN_PACKETS,
            ("tunnel_parents", "text", "[zeek][connection][tunnel_parents]", "-"))
    macs = "".join(rf"\t(?:-|%{{COMMONMAC:[{side}][mac]}})" for side in ("source", "destination"))
    files_head = _line(family, (("ts", "time", "timestamp", ""),
                                ("fuid", "text", "[zeek][files][fuid]", "")))
    extracted = (("extracted_cutoff", "bool", "[zeek][files][extracted_cutoff]", "-"),
                 ("extracted_size", "count", "[zeek][files][extracted_size]", "-"))
    return {
        "ZEEK_BOOL": "[TF]",
        "ZEEK_DATA": r"[^\t]+",
        "ZEEK_HTTP": _line(family, http),
        "ZEEK_DNS": _line(family, dns),
        # orig_l2_addr / resp_l2_addr (MAC addresses) when Zeek logs link-layer addresses
        "ZEEK_CONN": _line(family, conn) + f"(?:{macs})?",
        "ZEEK_FILES_TX_HOSTS": _hosts(family, "tx_hosts", "server"),
        "ZEEK_FILES_RX_HOSTS": _hosts(family, "rx_hosts", "client"),
        "ZEEK_FILES": files_head + r"\t%{ZEEK_FILES_TX_HOSTS}\t%{ZEEK_FILES_RX_HOSTS}\t"
                      + _line(family, _FILES_FILE) + _optional(family, extracted),
    }


ECS: dict[str, str] = {**_bro(), **_zeek()}
