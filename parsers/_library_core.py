"""The general grok names (dates, networks, paths, syslog, Apache httpd, Java), both flavours.

Written for lumberyard from the formats they parse (RFC 3986 URIs, RFC 3164 / RFC 5424 syslog,
Apache's ``LogFormat`` and ``ErrorLogFormat``, Java stack frames, Tomcat's formatters), with the
meaning and capture names logstash-patterns-core gives them, in grok text over the building
blocks of :mod:`parsers._blocks` (which already define ``WORD``, ``IP``, ``TIMESTAMP_ISO8601``,
... and win over a name defined here). Each family is written once by a function of the
flavour: :class:`_Flavour` names a capture as Logstash's ``ecs_compatibility => disabled``
does (``clientip``, ``verb``: :data:`LEGACY`) or as ``ecs_compatibility => v1`` does (nested
ECS fields, integers typed: :data:`ECS`). Python's ``re`` stands in for Oniguruma: POSIX
classes are spelled out, ``(?m)`` is ``(?s:)``.
"""

from __future__ import annotations

from ._blocks import EMAIL_LOCAL_PART

__all__ = ["ECS", "LEGACY"]


class _Flavour:
    """The capture names of one flavour: :meth:`cap` writes a reference to a grok name."""

    def __init__(self, *, ecs: bool) -> None:
        self.ecs = ecs

    def cap(self, pattern: str, legacy: str | None, ecs: str | None) -> str:
        """``%{pattern:field}`` with this flavour's field, or ``%{pattern}`` if it has none.

        ECS fields are written dotted (``process.pid:int``) and become grok's nested form
        (``[process][pid]:int``); ``None`` leaves the text uncaptured in that flavour.
        """
        field = ecs if self.ecs else legacy
        if field is None:
            return f"%{{{pattern}}}"
        path, _, kind = field.partition(":")
        return f"%{{{pattern}:{_nested(path)}{':' + kind if kind else ''}}}"

    def group(self, regex: str, legacy: str | None, ecs: str | None) -> str:
        """``regex`` as an Oniguruma named group in this flavour (for text no grok name says)."""
        field = ecs if self.ecs else legacy
        return f"(?:{regex})" if field is None else f"(?<{_nested(field)}>{regex})"


def _nested(field: str) -> str:
    """A dotted ECS field as grok nests it (``log.level`` -> ``[log][level]``); a top-level
    name (``message``, or any legacy name) stays as it is."""
    return "".join(f"[{part}]" for part in field.split(".")) if "." in field else field


def _opt(text: str) -> str:
    """``text`` or nothing."""
    return f"(?:{text})?"


def _nil_or(text: str) -> str:
    """A field that is ``-`` when it has no value (Apache's log fields, RFC 5424's NILVALUE)."""
    return f"(?:-|{text})"


def _any_of(*names: str) -> str:
    """One of the grok names, the first that matches (each reference is a group already)."""
    return "|".join(f"%{{{name}}}" for name in names)


# --- Numbers, addresses, paths, URIs ---------------------------------------------------------

_HEX = "[0-9A-Fa-f]"
_RFC3986_PCHAR = r"A-Za-z0-9\-._~!$&'()*+,;=:@%"
"""RFC 3986 ``pchar`` as a class body: unreserved, sub-delims, ``:`` ``@`` and ``%`` escapes."""
_URI_LENIENT = r"|{}#\[\]<>"
"""Characters RFC 3986 reserves or forbids in a query but real access logs carry unescaped."""


def _hex_groups(size: int, separator: str, count: int) -> str:
    """A hardware address: ``count`` groups of ``size`` hex digits joined by ``separator``."""
    return rf"(?:(?:{_HEX}{{{size}}}{separator}){{{count - 1}}}{_HEX}{{{size}}})"


_MONTH_WORDS = (
    "Jan January Januar", "Feb February Februar", "Apr April", "Aug August", "Sep September",
    "Nov November", "Jun June Juni", "Jul July Juli", "May Mai",
    "Dec December Dez Dezember", "Oct October Okt Oktober",
    # Besides the English and German names, patterns-core takes these clipped forms too.
    "Ma Mr Mar March Marz Mrch Mrz Mär Märch März Ot Otober",
)
"""Every word MONTH takes (its first letter in either case)."""


def _words_by_initial(words: str) -> str:
    """An alternation of ``words`` grouped by first letter, that letter in either case and the
    longest word first in each group."""
    groups: dict[str, list[str]] = {}
    for word in sorted(set(words.split()), key=lambda w: (-len(w), w)):
        groups.setdefault(word[0], []).append(word[1:])
    return "|".join(f"[{i}{i.lower()}](?:{'|'.join(rest)})" for i, rest in sorted(groups.items()))


def _general(f: _Flavour) -> dict[str, str]:
    """Numbers, e-mail, URN, MAC, paths, URIs: the same in both flavours but for a port name."""
    # RFC 3986 3.2.1: userinfo ("user:password@") holds no '/', '?', '#' or space, so the
    # password stops at the authority's end (patterns-core's [^@]* ran on to an '@' in the
    # query: "http://h:8080/p?u=a@b" took "h:8080/p?u=a" for the user info).
    userinfo = r"%{USER}(?::[^@/?#\s]*)?@"
    return {
        # A hex number with an optional fraction, not the tail of a longer hex run or decimal.
        "BASE16FLOAT": rf"\b(?<![0-9A-Fa-f.])[+-]?(?:0x)?(?:{_HEX}+(?:\.{_HEX}*)?|\.{_HEX}+)\b",
        # The legacy set's class holds the range '+'..'=' (so ',', '/', ';', '<' and digits);
        # ecs-v1 follows RFC 5321/5322 (a dot-atom of at most 64 characters).
        "EMAILLOCALPART": EMAIL_LOCAL_PART if f.ecs else r"[A-Za-z][A-Za-z0-9_+,\-./:;<=]+",
        # RFC 8141: a namespace id of 1-32 alphanumerics/dashes, then the specific string.
        "URN": rf"urn:[A-Za-z0-9][A-Za-z0-9-]{{0,31}}:(?:[A-Za-z0-9()+,\-.:=@;$_!*'/?#]"
               rf"|%{_HEX}{{2}})+",
        # Hardware addresses: Cisco dotted quads, Windows dashes, the usual colons.
        "CISCOMAC": _hex_groups(4, r"\.", 3),
        "WINDOWSMAC": _hex_groups(2, "-", 6),
        "COMMONMAC": _hex_groups(2, ":", 6),
        "MAC": f"(?:{_any_of('CISCOMAC', 'WINDOWSMAC', 'COMMONMAC')})",
        "HOSTPORT": "%{IPORHOST}:%{POSINT}",
        # Absolute paths only; a part holds letters and digits of any script ([[:alnum:]] in
        # Oniguruma is Unicode-aware, as Python's \w is) and _%!$@:.,+~- .
        "UNIXPATH": r"(?:/[\w%!$@:.,+~-]*)+",
        # A drive (or a leading backslash) and backslash-separated parts without * or ?.
        "WINPATH": r"(?>\\|[A-Za-z]+:)(?:\\[^*?\\]*)+",
        "PATH": f"(?:{_any_of('UNIXPATH', 'WINPATH')})",
        "TTY": r"(?:/dev/(?:pts|tty(?:[pq])?)(?:\w+)?/?(?:[0-9]+))",
        # RFC 3986 scheme (a letter, then letters, digits, + - .), of two characters at least.
        "URIPROTO": r"[A-Za-z][A-Za-z0-9+.\-]+",
        "URIHOST": "%{IPORHOST}" + _opt(":" + f.cap("POSINT", "port", None)),
        "URIQUERY": f"[{_RFC3986_PCHAR}/?{_URI_LENIENT}]*",
        "URIPATHPARAM": "%{URIPATH}" + _opt("%{URIPARAM}"),
        "URI": f"%{{URIPROTO}}://{_opt(userinfo)}{_opt('%{URIHOST}')}{_opt('%{URIPATHPARAM}')}",
    }


# --- Dates and times -------------------------------------------------------------------------

def _dates() -> dict[str, str]:
    """Calendar names and the date stamps of common formats (no captures)."""
    return {
        # Delimited by \b on both sides, so the word must be whole: the order cannot matter.
        "MONTH": r"\b(?:" + _words_by_initial(" ".join(_MONTH_WORDS)) + r")\b",
        "MONTHNUM2": "(?:1[012]|0[1-9])",
        "DAY": "(?:(?:Mon|Fri|Sun)(?:day)?|Tue(?:sday)?|Wed(?:nesday)?|Thu(?:rsday)?"
               "|Sat(?:urday)?)",
        # Not within a longer number on either side. patterns-core writes "(?!<[0-9])" there,
        # a lookahead for the text "<digit" that never applies: the lookbehind was meant.
        "TIME": "(?<![0-9])%{HOUR}:%{MINUTE}:%{SECOND}(?![0-9])",
        "DATE_US": "%{MONTHNUM}[/-]%{MONTHDAY}[/-]%{YEAR}",
        "DATE_EU": "%{MONTHDAY}[./-]%{MONTHNUM}[./-]%{YEAR}",
        "DATE": _any_of("DATE_US", "DATE_EU"),
        "DATESTAMP": "%{DATE}[- ]%{TIME}",
        "ISO8601_SECOND": "%{SECOND}",  # SECOND already takes 60, the leap second
        "TZ": "(?:UTC|[ACEMP][DS]T)",
        "DATESTAMP_RFC822": "%{DAY} %{MONTH} %{MONTHDAY} %{YEAR} %{TIME} %{TZ}",
        "DATESTAMP_RFC2822": "%{DAY}, %{MONTHDAY} %{MONTH} %{YEAR} %{TIME} %{ISO8601_TIMEZONE}",
        "DATESTAMP_OTHER": "%{DAY} %{MONTH} %{MONTHDAY} %{TIME} %{TZ} %{YEAR}",
        "DATESTAMP_EVENTLOG": "%{YEAR}%{MONTHNUM2}%{MONTHDAY}%{HOUR}%{MINUTE}%{SECOND}",
        # RFC 3164: "Mmm dd hh:mm:ss", the day padded with a space.
        "SYSLOGTIMESTAMP": "%{MONTH} +%{MONTHDAY} %{TIME}",
        # Apache's %t: "dd/Mmm/yyyy:hh:mm:ss +zzzz".
        "HTTPDATE": "%{MONTHDAY}/%{MONTH}/%{YEAR}:%{TIME} %{INT}",
        # C's asctime(), which Apache's error log uses: "Www Mmm dd hh:mm:ss yyyy".
        "HTTPDERROR_DATE": "%{DAY} %{MONTH} %{MONTHDAY} %{TIME} %{YEAR}",
    }


# --- Syslog: RFC 3164 (BSD) and RFC 5424 -----------------------------------------------------

_PRINTUSASCII = "!-~"
"""RFC 5424 PRINTUSASCII (%d33-126) as a class body."""

_SD_ELEMENT = r'\[[^\]"]*(?:"[^"\\]*(?:\\.[^"\\]*)*"[^\]"]*)*\]'
"""An RFC 5424 SD-ELEMENT: ``[id name="value" ...]``, where a quoted value may hold ``]``
and escaped ``\\"``, ``\\\\``, ``\\]``."""


def _syslog(f: _Flavour) -> dict[str, str]:
    """BSD syslog lines (timestamp, host, tag) and RFC 5424 lines."""
    stamp = f.cap("SYSLOGTIMESTAMP", "timestamp", "timestamp")
    host = f.cap("SYSLOGHOST", "logsource", "host.hostname")
    # A BSD syslog header with ISO 8601 time (rsyslog's high-precision template); in ecs-v1
    # the host and tag are optional too (messages that skip the host: "Jan 11 22:33:44 su: ...").
    # ecs-v1 captures the one time either way, as one field.
    if f.ecs:
        either = f.group(_any_of("SYSLOGTIMESTAMP", "TIMESTAMP_ISO8601"), None, "timestamp")
        base2 = either + "".join(_opt(" " + part)
                                 for part in ("%{SYSLOGFACILITY}", host, "%{SYSLOGPROG}:"))
    else:
        iso = f.cap("TIMESTAMP_ISO8601", "timestamp8601", None)
        base2 = f"(?:{stamp}|{iso}) {_opt('%{SYSLOGFACILITY} ')}{host}{_opt(' %{SYSLOGPROG}:')}"
    pam = r"\(" + f.group(r"[^)]*", "pam_caller", "system.auth.pam.origin") + r"\)"
    nil5424 = [  # the RFC 5424 header fields after VERSION, each NILVALUE or a value
        f.cap("TIMESTAMP_ISO8601", "syslog5424_ts", "timestamp"),
        f.cap("IPORHOST", "syslog5424_host", "host.hostname"),
        f.cap("SYSLOG5424PRINTASCII", "syslog5424_app", "process.name"),
        f.cap("POSINT", None, "process.pid:int") if f.ecs
        else f.cap("SYSLOG5424PRINTASCII", "syslog5424_proc", None),
        f.cap("SYSLOG5424PRINTASCII", "syslog5424_msgid", "event.code"),
    ]
    sd = f.cap("SYSLOG5424SD", "syslog5424_sd", "system.syslog.structured_data")
    return {
        # A program name: printable ASCII (RFC 5424 APP-NAME) but the '[' and ']' of its pid.
        "PROG": r"[!-Z\\^-~]+",
        "SYSLOGPROG": f.cap("PROG", "program", "process.name")
                      + _opt(r"\[" + f.cap("POSINT", "pid", "process.pid:int") + r"\]"),
        # "<facility.priority>" (patterns-core leaves the dot unescaped: any character).
        "SYSLOGFACILITY": "<" + f.cap("NONNEGINT", "facility", "log.syslog.facility.code:int")
                          + r"\." + f.cap("NONNEGINT", "priority", "log.syslog.priority:int") + ">",
        "SYSLOGHOST": "%{IPORHOST}",
        "SYSLOGBASE": f"{stamp} {_opt('%{SYSLOGFACILITY} ')}{host} %{{SYSLOGPROG}}:",
        # (patterns-core's legacy text repeats the host group with '+': one host is meant.)
        "SYSLOGBASE2": base2,
        "SYSLOGLINE": "%{SYSLOGBASE2} " + f.cap("GREEDYDATA", "message", "message"),
        # pam_unix: "pam_unix(service:type): session opened for user NAME [by LOGIN(uid=N)]";
        # the message is captured too (the text after the header).
        "SYSLOGPAMSESSION": "%{SYSLOGBASE} (?=%{GREEDYDATA:message})"
                            + f.cap("WORD", "pam_module", "system.auth.pam.module") + pam
                            + ": session "
                            + f.cap("WORD", "pam_session_state", "system.auth.pam.session_state")
                            + " for user " + f.cap("USERNAME", "username", "user.name")
                            + _opt(" by " + f.cap("GREEDYDATA", "pam_by", None)),
        "CRON_ACTION": "[A-Z ]+",
        # cron: "(user) CMD (command)"; the command runs to the line's last ')'.
        "CRONLOG": r"%{SYSLOGBASE} \(" + f.cap("USER", "user", "user.name") + r"\) "
                   + f.cap("CRON_ACTION", "action", "system.cron.action")
                   + r" \(%{GREEDYDATA:message}\)",
        "SYSLOG5424PRINTASCII": f"[{_PRINTUSASCII}]+",
        "SYSLOG5424SD": f"(?:{_SD_ELEMENT})+",
        "SYSLOG5424PRI": "<" + f.cap("NONNEGINT", "syslog5424_pri", "log.syslog.priority:int")
                         + ">",
        # PRI VERSION TIMESTAMP HOSTNAME APP-NAME PROCID MSGID [SD]: spaces may repeat and the
        # structured data may be missing altogether, as senders write them. VERSION is
        # NONZERO-DIGIT 0*2DIGIT.
        "SYSLOG5424BASE": "%{SYSLOG5424PRI}"
                          + f.cap("POSINT", "syslog5424_ver", "system.syslog.version")
                          + "".join(" +" + _nil_or(field) for field in nil5424)
                          + " +" + _nil_or(sd) + "?",
        "SYSLOG5424LINE": "%{SYSLOG5424BASE} +"
                          + f.cap("GREEDYDATA", "syslog5424_msg", "message"),
    }


# --- Apache httpd ----------------------------------------------------------------------------

_ESCAPED = r'[^"\\]*(?:\\.[^"\\]*)*'
"""The inside of a double-quoted Apache log field: mod_log_config writes ``"`` and ``\\`` of
the request line and headers as ``\\"`` and ``\\\\``."""


def _httpd(f: _Flavour) -> dict[str, str]:
    """Apache's access log (common and combined LogFormat) and error log (2.0/2.2 and 2.4)."""
    # LogFormat "%h %l %u %t \"%r\" %>s %b": identd and user are "-" when unknown (captured as
    # such in the legacy set), the request line is "METHOD URL[ HTTP/x]" or anything else.
    ident = f.cap("HTTPDUSER", "ident", "apache.access.user.identity")
    auth = f.cap("HTTPDUSER", "auth", "user.name")
    request = (f.cap("WORD", "verb", "http.request.method") + " "
               + f.cap("NOTSPACE", "request", "url.original")
               + _opt(" HTTP/" + f.cap("NUMBER", "httpversion", "http.version")))
    request += "|" + f.group(_ESCAPED, "rawrequest", None)
    number = "INT" if f.ecs else "NUMBER"
    status = f.cap(number, "response", "http.response.status_code:int")
    size = f.cap(number, "bytes", "http.response.body.bytes:int")
    # "\"%{Referer}i\" \"%{User-agent}i\"": the legacy set keeps the quotes, ecs-v1 the text.
    if f.ecs:
        headers = " ".join(f'"{_nil_or(f.group(_ESCAPED, None, field))}"'
                           for field in ("http.request.referrer", "user_agent.original"))
    else:
        headers = "%{QS:referrer} %{QS:agent}"
    client = f.cap("IPORHOST", "clientip", "source.address")
    stamp = r"\[" + f.cap("HTTPDERROR_DATE", "timestamp", "timestamp") + r"\] "
    level = f.cap("LOGLEVEL", "loglevel", "log.level")
    # ErrorLogFormat of 2.4: "[time] [module:level] [pid P:tid T] (errno)proxy: [client
    # ip:port] CODE: message"; the client port is optional in ecs-v1. (patterns-core's
    # ecs-v1 text names the errno field "[apache][error][proxy][error][code]?": the '?' is a
    # stray optional mark, the field is the one without it.)
    port = ":" + f.cap("POSINT", "clientport", "source.port:int")
    head24 = (stamp + r"\[" + _opt(f.cap("WORD", "module", "apache.error.module")) + ":" + level
              + r"\] \[pid " + f.cap("POSINT", "pid", "process.pid:int")
              + _opt(":tid " + f.cap(number, "tid", "process.thread.id:int")) + r"\]")
    proxy = (r" \(" + f.cap("POSINT", "proxy_errorcode", "apache.error.proxy.error.code") + r"\)"
             + f.cap("DATA", "proxy_message", "apache.error.proxy.error.message") + ":")
    message = " " + f.cap("GREEDYDATA", "message", "message")
    return {
        "HTTPDUSER": _any_of("EMAILADDRESS", "USER"),
        "HTTPD_COMMONLOG": " ".join((
            client, _nil_or(ident) if f.ecs else ident, _nil_or(auth) if f.ecs else auth,
            r"\[" + f.cap("HTTPDATE", "timestamp", "timestamp") + r"\]",
            f'"(?:{request})"', _nil_or(status), _nil_or(size))),
        "HTTPD_COMBINEDLOG": "%{HTTPD_COMMONLOG} " + headers,
        # 2.0/2.2: "[time] [level] [client ip] message".
        "HTTPD20_ERRORLOG": stamp + r"\[" + level + r"\] " + _opt(r"\[client " + client + r"\] ")
                            + f.cap("GREEDYDATA", "message", "message"),
        "HTTPD24_ERRORLOG": head24 + _opt(proxy)
                            + _opt(r" \[client " + client + (_opt(port) if f.ecs else port) + r"\]")
                            + _opt(" " + f.cap("DATA", "errorcode", "error.code") + ":") + message,
        "HTTPD_ERRORLOG": _any_of("HTTPD20_ERRORLOG", "HTTPD24_ERRORLOG"),
        "COMMONAPACHELOG": "%{HTTPD_COMMONLOG}",
        "COMBINEDAPACHELOG": "%{HTTPD_COMBINEDLOG}",
    }


# --- Java, Tomcat/Catalina -------------------------------------------------------------------

_JAVA_ID = "[A-Za-z$_][A-Za-z0-9$_]*"
"""A Java identifier (ASCII): a letter, ``$`` or ``_``, then those or digits."""


def _java(f: _Flavour) -> dict[str, str]:
    """Java stack frames and the Tomcat/Catalina log formats."""
    cls = f.cap("JAVACLASS", "class", "java.log.origin.class.name")
    method = f.cap("JAVAMETHOD", "method", "log.origin.function")
    line = f.cap("NUMBER", "line", None) if not f.ecs else f.cap("INT", None,
                                                                  "log.origin.file.line:int")
    out = {
        "JAVACLASS": rf"(?:{_JAVA_ID}\.)*{_JAVA_ID}",
        # A source file, or "Native Method" / "Unknown Source" (hence the space).
        "JAVAFILE": r"[A-Za-z0-9$_. -]+",
        "JAVAMETHOD": rf"(?:<(?:cl)?init>|{_JAVA_ID})",
        "JAVATHREAD": r"[A-Z][A-Z]-Processor[0-9]+",
        "JAVALOGMESSAGE": "%{GREEDYDATA}",
        # StackTraceElement.toString(): "class.method(file:line)" after "at "; since Java 9
        # the class may follow "loader/module@version/" ("java.base/", "app//"), not captured.
        "JAVASTACKTRACEPART": f"%{{SPACE}}at (?:[^\\s/(]*/){{0,2}}{cls}\\.{method}\\("
                              + f.cap("JAVAFILE", "file", "log.origin.file.name")
                              + _opt(":" + line) + r"\)",
    }
    message = f.cap("JAVALOGMESSAGE", "logmessage", "message")
    level = f.cap("LOGLEVEL", "level", "log.level")
    if not f.ecs:  # one two-digit-year quirk kept: "20%{YEAR}" (colons optional, too)
        clock = "%{HOUR}:?%{MINUTE}:?%{SECOND}"
        return {**out,
                "CATALINA_DATESTAMP": f"%{{MONTH}} %{{MONTHDAY}}, 20%{{YEAR}} {clock} [AP]M",
                "TOMCAT_DATESTAMP": f"20%{{YEAR}}-%{{MONTHNUM}}-%{{MONTHDAY}} {clock} "
                                    "%{ISO8601_TIMEZONE}",
                "CATALINALOG": f"%{{CATALINA_DATESTAMP:timestamp}} {cls} {message}",
                "TOMCATLOG": rf"%{{TOMCAT_DATESTAMP:timestamp}} \| {level} \| {cls} - {message}"}
    return {**out, **_tomcat_ecs(f, cls, method, level, message)}


def _tomcat_ecs(f: _Flavour, cls: str, method: str, level: str, message: str) -> dict[str, str]:
    """Tomcat's three formats as ecs-v1 names them."""
    stamp = {  # Java's "MMM d, yyyy h:mm:ss a", Tomcat 8's "dd-MMM-yyyy HH:mm:ss.SSS", ISO-ish
        "CATALINA7": "%{MONTH} %{MONTHDAY}, %{YEAR} %{TIME} [AP]M",
        "CATALINA8": "%{MONTHDAY}-%{MONTH}-%{YEAR} %{TIME}",
        "TOMCATLEGACY": "%{YEAR}-%{MONTHNUM}-%{MONTHDAY} %{TIME}" + _opt(" %{ISO8601_TIMEZONE}"),
    }
    thread = r"\[" + f.cap("DATA", None, "java.log.origin.thread.name") + r"\]"
    # java.util.logging's levels: SEVERE, WARNING, INFO (LOGLEVEL has them) and CONFIG, FINE,
    # FINER, FINEST (patterns-core's LOGLEVEL alone left those lines unmatched, or the level
    # in the message).
    jul = f.group("%{LOGLEVEL}|CONFIG|FINE(?:R|ST)?", None, "log.level")
    log = {
        # java.util.logging's SimpleFormatter: "stamp class method\nLEVEL: message".
        "CATALINA7": f"{cls}{_opt(' ' + method)}\\s*{_opt(jul + ':')} {message}",
        # Tomcat 8's OneLineFormatter: "stamp LEVEL [thread] class.method message".
        "CATALINA8": f"{jul} {thread} {cls}\\.{_opt(method)} {message}",
        # A custom "stamp | LEVEL | class - message" layout.
        "TOMCATLEGACY": rf"\| {level} \| {cls} - {message}",
    }
    out = {f"{name}_DATESTAMP": text for name, text in stamp.items()}
    out.update({f"{name}_LOG": f"%{{{name}_DATESTAMP:timestamp}} {text}"
                for name, text in log.items()})
    out.update({
        "TOMCAT7_LOG": "%{CATALINA7_LOG}",
        "TOMCAT8_LOG": "%{CATALINA8_LOG}",
        "CATALINA_DATESTAMP": _any_of("CATALINA8_DATESTAMP", "CATALINA7_DATESTAMP"),
        "CATALINALOG": _any_of("CATALINA8_LOG", "CATALINA7_LOG"),
        "TOMCAT_DATESTAMP": _any_of("CATALINA8_DATESTAMP", "CATALINA7_DATESTAMP",
                                    "TOMCATLEGACY_DATESTAMP"),
        "TOMCATLOG": _any_of("TOMCAT8_LOG", "TOMCAT7_LOG", "TOMCATLEGACY_LOG"),
    })
    return out


def _library(f: _Flavour) -> dict[str, str]:
    """Every general name in one flavour."""
    return {**_general(f), **_dates(), **_syslog(f), **_httpd(f), **_java(f)}


LEGACY: dict[str, str] = _library(_Flavour(ecs=False))
ECS: dict[str, str] = _library(_Flavour(ecs=True))
