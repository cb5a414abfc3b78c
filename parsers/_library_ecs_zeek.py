"""ECS (``ecs_compatibility => v1``) forms of the Zeek (Bro) log patterns.

Written for lumberyard with the meaning and nested capture names logstash-patterns-core's
``ecs-v1`` set gives them (see :mod:`parsers._library_core`). A Zeek log line is
tab-separated; each column is written below as ``"PATTERN:field"`` (required),
``"-PATTERN:field"`` (``-`` when unset), ``"()PATTERN:field"`` (``(empty)`` when unset) or
as raw regex text (anything starting with ``(?``).
"""

from __future__ import annotations

__all__ = ["ECS"]


def _col(spec: str) -> str:
    if spec.startswith("(?"):
        return spec
    if spec.startswith("-"):
        return f"(?:-|%{{{spec[1:]}}})"
    if spec.startswith("()"):
        return rf"(?:\(empty\)|%{{{spec[2:]}}})"
    return f"%{{{spec}}}"


def _tsv(*columns: str) -> str:
    return r"\t".join(_col(c) for c in columns)


_HEAD = ("NUMBER:timestamp", "NOTSPACE:[zeek][session_id]", "IP:[source][ip]",
         "INT:[source][port]:int", "IP:[destination][ip]", "INT:[destination][port]:int")


def _zeek(data: str) -> dict[str, tuple[str, ...]]:
    """The four log kinds, with ``data`` the name of the tab-free text pattern."""
    d = data
    http_tail = ("-DATA:[zeek][http][status_msg]", "-POSINT:[zeek][http][info_code]:int",
                 "-DATA:[zeek][http][info_msg]")
    return {
        "HTTP": (*_HEAD, "INT:[zeek][http][trans_depth]:int", "-WORD:[http][request][method]",
                 f"-{d}:[url][domain]", f"-{d}:[url][original]",
                 f"-{d}:[http][request][referrer]"),
        "HTTP_BODY": ("-NUMBER:[http][request][body][bytes]:int",
                      "-NUMBER:[http][response][body][bytes]:int",
                      "-POSINT:[http][response][status_code]:int", *http_tail),
        "DNS": (*_HEAD, "WORD:[network][transport]", "-INT:[dns][id]:int"),
        "DNS_BODY": (f"-{d}:[dns][question][name]", "-INT:[zeek][dns][qclass]:int",
                     f"-{d}:[zeek][dns][qclass_name]", "-INT:[zeek][dns][qtype]:int",
                     f"-{d}:[dns][question][type]", "-INT:[zeek][dns][rcode]:int",
                     f"-{d}:[dns][response_code]"),
        "CONN": (*_HEAD, "WORD:[network][transport]", f"-{d}:[network][protocol]",
                 "-NUMBER:[zeek][connection][duration]:float",
                 "-INT:[zeek][connection][orig_bytes]:int",
                 "-INT:[zeek][connection][resp_bytes]:int", f"-{d}:[zeek][connection][state]"),
        "CONN_COUNTS": ("-INT:[source][packets]:int", "-INT:[source][bytes]:int",
                        "-INT:[destination][packets]:int", "-INT:[destination][bytes]:int"),
        "FILES_BODY": (f"-{d}:[zeek][files][session_ids]", f"-{d}:[zeek][files][source]",
                       "-INT:[zeek][files][depth]:int", f"-{d}:[zeek][files][analyzers]",
                       f"-{d}:[file][mime_type]", f"-{d}:[file][name]",
                       "-NUMBER:[zeek][files][duration]:float",
                       f"-{d}:[zeek][files][local_orig]"),
        "FILES_SIZES": ("-INT:[zeek][files][seen_bytes]:int", "-INT:[file][size]:int",
                        "-INT:[zeek][files][missing_bytes]:int",
                        "-INT:[zeek][files][overflow_bytes]:int"),
        "FILES_HASHES": (f"-{d}:[zeek][files][parent_fuid]", f"-{d}:[file][hash][md5]",
                         f"-{d}:[file][hash][sha1]", f"-{d}:[file][hash][sha256]",
                         f"-{d}:[zeek][files][extracted]"),
    }


def _bro() -> dict[str, str]:
    """The Bro names (the older column sets, ``BRO_DATA`` text)."""
    p = _zeek("BRO_DATA")
    bool_ = "BRO_BOOL"
    return {
        "BRO_BOOL": "[TF]",
        "BRO_DATA": r"[^\t]+",
        "BRO_HTTP": _tsv(*p["HTTP"], "-BRO_DATA:[user_agent][original]", *p["HTTP_BODY"],
                         "-BRO_DATA:[zeek][http][filename]", "()BRO_DATA:[zeek][http][tags]",
                         "-BRO_DATA:[url][username]", "-BRO_DATA:[url][password]",
                         "-BRO_DATA:[zeek][http][proxied]", "-BRO_DATA:[zeek][http][orig_fuids]",
                         "-BRO_DATA:[http][request][mime_type]",
                         "-BRO_DATA:[zeek][http][resp_fuids]",
                         "-BRO_DATA:[http][response][mime_type]"),
        "BRO_DNS": _tsv(*p["DNS"], *p["DNS_BODY"],
                        *(f"-{bool_}:[zeek][dns][{f}]" for f in ("AA", "TC", "RD", "RA")),
                        "-NONNEGINT:[zeek][dns][Z]:int", "-BRO_DATA:[zeek][dns][answers]",
                        "-DATA:[zeek][dns][TTLs]", f"-{bool_}:[zeek][dns][rejected]"),
        "BRO_CONN": _tsv(*p["CONN"], f"-{bool_}:[zeek][connection][local_orig]")
                    + rf"\t(?:(?:-|%{{{bool_}:[zeek][connection][local_resp]}})\t)?"
                    + _tsv("-INT:[zeek][connection][missed_bytes]:int",
                           "-BRO_DATA:[zeek][connection][history]", *p["CONN_COUNTS"],
                           "()BRO_DATA:[zeek][connection][tunnel_parents]"),
        "BRO_FILES": _tsv("NUMBER:timestamp", "NOTSPACE:[zeek][files][fuid]",
                          "-IP:[server][ip]", "-IP:[client][ip]", *p["FILES_BODY"],
                          f"-{bool_}:[zeek][files][is_orig]", *p["FILES_SIZES"],
                          f"-{bool_}:[zeek][files][timedout]", *p["FILES_HASHES"]),
    }


def _zeek_names() -> dict[str, str]:
    """The Zeek names (newer column sets, ``ZEEK_DATA`` text, optional trailing columns)."""
    p = _zeek("ZEEK_DATA")
    hosts = "(?:-|%{{IP:[{role}][ip]}})|(?<[zeek][files][{side}_hosts]>%{{IP:[{role}][ip]}}" \
            r"(?:[\s,]%{{IP}})+)"
    return {
        "ZEEK_BOOL": "[TF]",
        "ZEEK_DATA": r"[^\t]+",
        "ZEEK_HTTP": _tsv(*p["HTTP"], "-NUMBER:[http][version]",
                          "-ZEEK_DATA:[user_agent][original]", "-ZEEK_DATA:[zeek][http][origin]",
                          *p["HTTP_BODY"], "()ZEEK_DATA:[zeek][http][tags]",
                          "-ZEEK_DATA:[url][username]", "-ZEEK_DATA:[url][password]",
                          "-ZEEK_DATA:[zeek][http][proxied]",
                          "-ZEEK_DATA:[zeek][http][orig_fuids]",
                          "-ZEEK_DATA:[zeek][http][orig_filenames]",
                          "-ZEEK_DATA:[http][request][mime_type]",
                          "-ZEEK_DATA:[zeek][http][resp_fuids]",
                          "-ZEEK_DATA:[zeek][http][resp_filenames]",
                          "-ZEEK_DATA:[http][response][mime_type]"),
        "ZEEK_DNS": _tsv(*p["DNS"], "-NUMBER:[zeek][dns][rtt]:float", *p["DNS_BODY"],
                         *(f"ZEEK_BOOL:[zeek][dns][{f}]" for f in ("AA", "TC", "RD", "RA")),
                         "NONNEGINT:[zeek][dns][Z]:int", "-ZEEK_DATA:[zeek][dns][answers]",
                         "-DATA:[zeek][dns][TTLs]", "-ZEEK_BOOL:[zeek][dns][rejected]"),
        "ZEEK_CONN": _tsv(*p["CONN"], "-ZEEK_BOOL:[zeek][connection][local_orig]",
                          "-ZEEK_BOOL:[zeek][connection][local_resp]",
                          "-INT:[zeek][connection][missed_bytes]:int",
                          "-ZEEK_DATA:[zeek][connection][history]", *p["CONN_COUNTS"],
                          "-ZEEK_DATA:[zeek][connection][tunnel_parents]")
                     + r"(?:\t" + _tsv("-COMMONMAC:[source][mac]",
                                       "-COMMONMAC:[destination][mac]") + ")?",
        "ZEEK_FILES_TX_HOSTS": hosts.format(role="server", side="tx"),
        "ZEEK_FILES_RX_HOSTS": hosts.format(role="client", side="rx"),
        "ZEEK_FILES": _tsv("NUMBER:timestamp", "NOTSPACE:[zeek][files][fuid]",
                           "ZEEK_FILES_TX_HOSTS", "ZEEK_FILES_RX_HOSTS", *p["FILES_BODY"],
                           "-ZEEK_BOOL:[zeek][files][is_orig]", *p["FILES_SIZES"],
                           "-ZEEK_BOOL:[zeek][files][timedout]", *p["FILES_HASHES"])
                      + r"(?:\t" + _tsv("-ZEEK_BOOL:[zeek][files][extracted_cutoff]",
                                        "-INT:[zeek][files][extracted_size]:int") + ")?",
    }


ECS: dict[str, str] = {**_bro(), **_zeek_names()}
