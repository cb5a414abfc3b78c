"""The general grok names (dates, networks, paths, syslog, Apache httpd, Java), both flavours.

Written for lumberyard with the meaning and capture names logstash-patterns-core gives them, in
grok text over the building blocks of :mod:`parsers._blocks` (which already define ``WORD``,
``IP``, ``TIMESTAMP_ISO8601``, ... and win over a name defined here). ``LEGACY`` holds the names
Logstash's ``ecs_compatibility => disabled`` captures into (``clientip``, ``verb``); ``ECS``
the nested ECS fields of ``ecs_compatibility => v1`` for the patterns whose captures differ.
Python's ``re`` stands in for Oniguruma: POSIX classes are spelled out, ``(?m)`` is ``(?s:)``.
"""

from __future__ import annotations

__all__ = ["ECS", "LEGACY"]

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


_HEX = "[0-9A-Fa-f]"
_JAVA_ID = "[A-Za-z$_][A-Za-z0-9$_]*"
"""A Java identifier (ASCII): a letter, ``$`` or ``_``, then those or digits."""

# Names whose text is the same in both flavours (no captures, or captures ECS keeps).
_SHARED: dict[str, str] = {
    # Numbers and words not among the blocks.
    # A hex number with an optional fraction, not the tail of a longer hex run or decimal.
    "BASE16FLOAT": rf"\b(?<![0-9A-Fa-f.])[+-]?(?:0x)?(?:{_HEX}+(?:\.{_HEX}*)?|\.{_HEX}+)\b",
    # Upstream's class holds the range '+'..'=' (so ',', '/', ';', '<' and the digits too).
    "EMAILLOCALPART": r"[A-Za-z][A-Za-z0-9_+,\-./:;<=]+",
    # RFC 8141: a namespace id of 1-32 alphanumerics/dashes, then the specific string.
    "URN": rf"urn:[A-Za-z0-9][A-Za-z0-9-]{{0,31}}:(?:[A-Za-z0-9()+,\-.:=@;$_!*'/?#]|%{_HEX}{{2}})+",
    # Hardware addresses: Cisco dotted quads, Windows dashes, the usual colons.
    "CISCOMAC": rf"(?:(?:{_HEX}{{4}}\.){{2}}{_HEX}{{4}})",
    "WINDOWSMAC": rf"(?:(?:{_HEX}{{2}}-){{5}}{_HEX}{{2}})",
    "COMMONMAC": rf"(?:(?:{_HEX}{{2}}:){{5}}{_HEX}{{2}})",
    "MAC": "(?:%{CISCOMAC}|%{WINDOWSMAC}|%{COMMONMAC})",
    "HOSTPORT": "%{IPORHOST}:%{POSINT}",
    # Absolute paths only; a part holds letters and digits of any script ([[:alnum:]] in
    # Oniguruma is Unicode-aware, as Python's \w is) and _%!$@:.,+~- .
    "UNIXPATH": r"(?:/[\w%!$@:.,+~-]*)+",
    # A drive (or a leading backslash) and backslash-separated parts without * or ?.
    "WINPATH": r"(?>\\|[A-Za-z]+:)(?:\\[^*?\\]*)+",
    "PATH": "(?:%{UNIXPATH}|%{WINPATH})",
    "TTY": r"(?:/dev/(?:pts|tty(?:[pq])?)(?:\w+)?/?(?:[0-9]+))",
    "URIPROTO": r"[A-Za-z](?:[A-Za-z0-9+\-.]+)+",
    "URIPATHPARAM": "%{URIPATH}(?:%{URIPARAM})?",
    "URIQUERY": r"[A-Za-z0-9$.+!*'|(){},~@#%&/=:;_?\-\[\]<>]*",
    # Calendar names; MONTH also takes the German spellings, as patterns-core does.
    # Delimited by \b on both sides, so the word must be whole: the order cannot matter.
    "MONTH": r"\b(?:" + _words_by_initial(" ".join(_MONTH_WORDS)) + r")\b",
    "MONTHNUM2": "(?:1[012]|0[1-9])",
    "DAY": "(?:(?:Mon|Fri|Sun)(?:day)?|Tue(?:sday)?|Wed(?:nesday)?|Thu(?:rsday)?|Sat(?:urday)?)",
    "TIME": "(?!<[0-9])%{HOUR}:%{MINUTE}(?::%{SECOND})(?![0-9])",
    "DATE_US": "%{MONTHNUM}[/-]%{MONTHDAY}[/-]%{YEAR}",
    "DATE_EU": "%{MONTHDAY}[./-]%{MONTHNUM}[./-]%{YEAR}",
    "DATE": "%{DATE_US}|%{DATE_EU}",
    "DATESTAMP": "%{DATE}[- ]%{TIME}",
    "ISO8601_SECOND": "(?:%{SECOND}|60)",
    "TZ": "(?:UTC|[ACEMP][DS]T)",
    "DATESTAMP_RFC822": "%{DAY} %{MONTH} %{MONTHDAY} %{YEAR} %{TIME} %{TZ}",
    "DATESTAMP_RFC2822": "%{DAY}, %{MONTHDAY} %{MONTH} %{YEAR} %{TIME} %{ISO8601_TIMEZONE}",
    "DATESTAMP_OTHER": "%{DAY} %{MONTH} %{MONTHDAY} %{TIME} %{TZ} %{YEAR}",
    "DATESTAMP_EVENTLOG": "%{YEAR}%{MONTHNUM2}%{MONTHDAY}%{HOUR}%{MINUTE}%{SECOND}",
    "SYSLOGTIMESTAMP": "%{MONTH} +%{MONTHDAY} %{TIME}",
    "HTTPDATE": "%{MONTHDAY}/%{MONTH}/%{YEAR}:%{TIME} %{INT}",
    # A syslog program name: printable ASCII except '[' and ']'.
    "PROG": r"[!-Z\\^-~]+",
    "SYSLOGHOST": "%{IPORHOST}",
    "SYSLOG5424PRINTASCII": "[!-~]+",
    "SYSLOG5424SD": r"\[%{DATA}\]+",
    "CRON_ACTION": "[A-Z ]+",
    # Apache httpd.
    "HTTPDUSER": "%{EMAILADDRESS}|%{USER}",
    "HTTPDERROR_DATE": "%{DAY} %{MONTH} %{MONTHDAY} %{TIME} %{YEAR}",
    # Java: class names, file names (spaces for 'Native Method'), <init>/<clinit> methods.
    "JAVACLASS": rf"(?:{_JAVA_ID}\.)*{_JAVA_ID}",
    "JAVAFILE": r"[A-Za-z0-9$_. -]+",
    "JAVAMETHOD": r"(?:(?:<(?:cl)?init>)|[a-zA-Z$_][a-zA-Z$_0-9]*)",
    "JAVATHREAD": r"[A-Z][A-Z]-Processor[0-9]+",
    "JAVALOGMESSAGE": "(?:.*)",
    "CATALINA_DATESTAMP": "%{MONTH} %{MONTHDAY}, 20%{YEAR} %{HOUR}:?%{MINUTE}(?::?%{SECOND}) "
                          "(?:AM|PM)",
    "TOMCAT_DATESTAMP": "20%{YEAR}-%{MONTHNUM}-%{MONTHDAY} %{HOUR}:?%{MINUTE}(?::?%{SECOND}) "
                        "%{ISO8601_TIMEZONE}",
}

# The request part of an access log line, shared by httpd and S3.
_REQUEST = ('"(?:%{WORD:verb} %{NOTSPACE:request}(?: HTTP/%{NUMBER:httpversion})?'
            '|%{DATA:rawrequest})"')

LEGACY: dict[str, str] = {
    **_SHARED,
    "SYSLOGPROG": r"%{PROG:program}(?:\[%{POSINT:pid}\])?",
    "SYSLOGFACILITY": "<%{NONNEGINT:facility}.%{NONNEGINT:priority}>",
    "SYSLOGBASE": "%{SYSLOGTIMESTAMP:timestamp} (?:%{SYSLOGFACILITY} )?%{SYSLOGHOST:logsource} "
                  "%{SYSLOGPROG}:",
    "SYSLOGBASE2": "(?:%{SYSLOGTIMESTAMP:timestamp}|%{TIMESTAMP_ISO8601:timestamp8601}) "
                   "(?:%{SYSLOGFACILITY} )?%{SYSLOGHOST:logsource}+(?: %{SYSLOGPROG}:|)",
    "SYSLOGLINE": "%{SYSLOGBASE2} %{GREEDYDATA:message}",
    "SYSLOGPAMSESSION": r"%{SYSLOGBASE} (?=%{GREEDYDATA:message})%{WORD:pam_module}"
                        r"\(%{DATA:pam_caller}\): session %{WORD:pam_session_state} for user "
                        r"%{USERNAME:username}(?: by %{GREEDYDATA:pam_by})?",
    "CRONLOG": r"%{SYSLOGBASE} \(%{USER:user}\) %{CRON_ACTION:action} \(%{DATA:message}\)",
    "SYSLOG5424PRI": "<%{NONNEGINT:syslog5424_pri}>",
    "SYSLOG5424BASE": "%{SYSLOG5424PRI}%{NONNEGINT:syslog5424_ver} "
                      "+(?:%{TIMESTAMP_ISO8601:syslog5424_ts}|-) +(?:%{IPORHOST:syslog5424_host}|-)"
                      " +(?:-|%{SYSLOG5424PRINTASCII:syslog5424_app})"
                      " +(?:-|%{SYSLOG5424PRINTASCII:syslog5424_proc})"
                      " +(?:-|%{SYSLOG5424PRINTASCII:syslog5424_msgid})"
                      " +(?:%{SYSLOG5424SD:syslog5424_sd}|-|)",
    "SYSLOG5424LINE": "%{SYSLOG5424BASE} +%{GREEDYDATA:syslog5424_msg}",
    "URIHOST": "%{IPORHOST}(?::%{POSINT:port})?",
    "URI": "%{URIPROTO}://(?:%{USER}(?::[^@]*)?@)?(?:%{URIHOST})?(?:%{URIPATHPARAM})?",
    "HTTPD_COMMONLOG": "%{IPORHOST:clientip} %{HTTPDUSER:ident} %{HTTPDUSER:auth} "
                       r"\[%{HTTPDATE:timestamp}\] " + _REQUEST
                       + " (?:-|%{NUMBER:response}) (?:-|%{NUMBER:bytes})",
    "HTTPD_COMBINEDLOG": "%{HTTPD_COMMONLOG} %{QS:referrer} %{QS:agent}",
    "HTTPD20_ERRORLOG": r"\[%{HTTPDERROR_DATE:timestamp}\] \[%{LOGLEVEL:loglevel}\] "
                        r"(?:\[client %{IPORHOST:clientip}\] ){0,1}%{GREEDYDATA:message}",
    "HTTPD24_ERRORLOG": r"\[%{HTTPDERROR_DATE:timestamp}\] \[(?:%{WORD:module})?:"
                        r"%{LOGLEVEL:loglevel}\] \[pid %{POSINT:pid}(?::tid %{NUMBER:tid})?\]"
                        r"(?: \(%{POSINT:proxy_errorcode}\)%{DATA:proxy_message}:)?"
                        r"(?: \[client %{IPORHOST:clientip}:%{POSINT:clientport}\])?"
                        r"(?: %{DATA:errorcode}:)? %{GREEDYDATA:message}",
    "HTTPD_ERRORLOG": "%{HTTPD20_ERRORLOG}|%{HTTPD24_ERRORLOG}",
    "COMMONAPACHELOG": "%{HTTPD_COMMONLOG}",
    "COMBINEDAPACHELOG": "%{HTTPD_COMBINEDLOG}",
    "JAVASTACKTRACEPART": r"%{SPACE}at %{JAVACLASS:class}\.%{JAVAMETHOD:method}"
                          r"\(%{JAVAFILE:file}(?::%{NUMBER:line})?\)",
    "CATALINALOG": "%{CATALINA_DATESTAMP:timestamp} %{JAVACLASS:class} "
                   "%{JAVALOGMESSAGE:logmessage}",
    "TOMCATLOG": r"%{TOMCAT_DATESTAMP:timestamp} \| %{LOGLEVEL:level} \| %{JAVACLASS:class} - "
                 "%{JAVALOGMESSAGE:logmessage}",
}

_ECS_URL = "(?:%{URIPATH}(?:\\?%{URIQUERY})?)?"
ECS: dict[str, str] = {
    **_SHARED,
    "SYSLOGPROG": r"%{PROG:[process][name]}(?:\[%{POSINT:[process][pid]:int}\])?",
    "SYSLOGFACILITY": "<%{NONNEGINT:[log][syslog][facility][code]:int}."
                      "%{NONNEGINT:[log][syslog][priority]:int}>",
    "SYSLOGBASE": "%{SYSLOGTIMESTAMP:timestamp} (?:%{SYSLOGFACILITY} )?"
                  "%{SYSLOGHOST:[host][hostname]} %{SYSLOGPROG}:",
    "SYSLOGBASE2": "(?:%{SYSLOGTIMESTAMP:timestamp}|%{TIMESTAMP_ISO8601:timestamp})"
                   "(?: %{SYSLOGFACILITY})?(?: %{SYSLOGHOST:[host][hostname]})?"
                   "(?: %{SYSLOGPROG}:)?",
    "SYSLOGLINE": "%{SYSLOGBASE2} %{GREEDYDATA:message}",
    "SYSLOGPAMSESSION": r"%{SYSLOGBASE} (?=%{GREEDYDATA:message})"
                        r"%{WORD:[system][auth][pam][module]}\(%{DATA:[system][auth][pam][origin]}"
                        r"\): session %{WORD:[system][auth][pam][session_state]} for user "
                        r"%{USERNAME:[user][name]}(?: by %{GREEDYDATA})?",
    "CRONLOG": r"%{SYSLOGBASE} \(%{USER:[user][name]}\) %{CRON_ACTION:[system][cron][action]} "
               r"\(%{DATA:message}\)",
    "SYSLOG5424PRI": "<%{NONNEGINT:[log][syslog][priority]:int}>",
    "SYSLOG5424BASE": "%{SYSLOG5424PRI}%{NONNEGINT:[system][syslog][version]} "
                      "+(?:-|%{TIMESTAMP_ISO8601:timestamp}) +(?:-|%{IPORHOST:[host][hostname]})"
                      " +(?:-|%{SYSLOG5424PRINTASCII:[process][name]})"
                      " +(?:-|%{POSINT:[process][pid]:int})"
                      " +(?:-|%{SYSLOG5424PRINTASCII:[event][code]})"
                      " +(?:-|%{SYSLOG5424SD:[system][syslog][structured_data]})?",
    "SYSLOG5424LINE": "%{SYSLOG5424BASE} +%{GREEDYDATA:message}",
    "URIHOST": "%{IPORHOST}(?::%{POSINT})?",
    "URIPATHPARAM": "%{URIPATH}(?:\\?%{URIQUERY})?",
    "URI": "%{URIPROTO}://(?:%{USER}(?::[^@]*)?@)?(?:%{URIHOST})?" + _ECS_URL,
    "HTTPD_COMMONLOG": "%{IPORHOST:[source][address]} "
                       "(?:-|%{HTTPDUSER:[apache][access][user][identity]}) "
                       r"(?:-|%{HTTPDUSER:[user][name]}) \[%{HTTPDATE:timestamp}\] "
                       '"(?:%{WORD:[http][request][method]} %{NOTSPACE:[url][original]}'
                       '(?: HTTP/%{NUMBER:[http][version]})?|%{DATA})" '
                       "(?:-|%{INT:[http][response][status_code]:int}) "
                       "(?:-|%{INT:[http][response][body][bytes]:int})",
    "HTTPD_COMBINEDLOG": '%{HTTPD_COMMONLOG} "(?:-|%{DATA:[http][request][referrer]})" '
                         '"(?:-|%{DATA:[user_agent][original]})"',
    "HTTPD20_ERRORLOG": r"\[%{HTTPDERROR_DATE:timestamp}\] \[%{LOGLEVEL:[log][level]}\] "
                        r"(?:\[client %{IPORHOST:[source][address]}\] )?%{GREEDYDATA:message}",
    "HTTPD24_ERRORLOG": r"\[%{HTTPDERROR_DATE:timestamp}\] \[(?:%{WORD:[apache][error][module]})?"
                        r":%{LOGLEVEL:[log][level]}\] \[pid %{POSINT:[process][pid]:int}"
                        r"(?::tid %{INT:[process][thread][id]:int})?\]"
                        r"(?: \(%{POSINT:[apache][error][proxy][error][code]}\)"
                        r"%{DATA:[apache][error][proxy][error][message]}:)?"
                        r"(?: \[client %{IPORHOST:[source][address]}"
                        r"(?::%{POSINT:[source][port]:int})?\])?"
                        r"(?: %{DATA:[error][code]}:)? %{GREEDYDATA:message}",
    "HTTPD_ERRORLOG": "%{HTTPD20_ERRORLOG}|%{HTTPD24_ERRORLOG}",
    "COMMONAPACHELOG": "%{HTTPD_COMMONLOG}",
    "COMBINEDAPACHELOG": "%{HTTPD_COMBINEDLOG}",
    "JAVASTACKTRACEPART": r"%{SPACE}at %{JAVACLASS:[java][log][origin][class][name]}\."
                          r"%{JAVAMETHOD:[log][origin][function]}"
                          r"\(%{JAVAFILE:[log][origin][file][name]}"
                          r"(?::%{INT:[log][origin][file][line]:int})?\)",
    # Tomcat/Catalina as ECS names them (the legacy CATALINALOG/TOMCATLOG keep their texts).
    "CATALINA7_DATESTAMP": "%{MONTH} %{MONTHDAY}, %{YEAR} %{HOUR}:%{MINUTE}:%{SECOND} (?:AM|PM)",
    "CATALINA8_DATESTAMP": "%{MONTHDAY}-%{MONTH}-%{YEAR} %{HOUR}:%{MINUTE}:%{SECOND}",
    "CATALINA7_LOG": r"%{CATALINA7_DATESTAMP:timestamp} %{JAVACLASS:[java][log][origin][class]"
                     r"[name]}(?: %{JAVAMETHOD:[log][origin][function]})?\s*"
                     r"(?:%{LOGLEVEL:[log][level]}:)? %{JAVALOGMESSAGE:message}",
    "CATALINA8_LOG": r"%{CATALINA8_DATESTAMP:timestamp} %{LOGLEVEL:[log][level]} "
                     r"\[%{DATA:[java][log][origin][thread][name]}\] "
                     r"%{JAVACLASS:[java][log][origin][class][name]}\."
                     r"(?:%{JAVAMETHOD:[log][origin][function]})? %{JAVALOGMESSAGE:message}",
    "CATALINA_DATESTAMP": "(?:%{CATALINA8_DATESTAMP})|(?:%{CATALINA7_DATESTAMP})",
    "CATALINALOG": "(?:%{CATALINA8_LOG})|(?:%{CATALINA7_LOG})",
    "TOMCAT7_LOG": "%{CATALINA7_LOG}",
    "TOMCAT8_LOG": "%{CATALINA8_LOG}",
    "TOMCATLEGACY_DATESTAMP": "%{YEAR}-%{MONTHNUM}-%{MONTHDAY} %{HOUR}:%{MINUTE}:%{SECOND}"
                              "(?: %{ISO8601_TIMEZONE})?",
    "TOMCATLEGACY_LOG": r"%{TOMCATLEGACY_DATESTAMP:timestamp} \| %{LOGLEVEL:[log][level]} \| "
                        r"%{JAVACLASS:[java][log][origin][class][name]} - "
                        r"%{JAVALOGMESSAGE:message}",
    "TOMCAT_DATESTAMP": "(?:%{CATALINA8_DATESTAMP})|(?:%{CATALINA7_DATESTAMP})"
                        "|(?:%{TOMCATLEGACY_DATESTAMP})",
    "TOMCATLOG": "(?:%{TOMCAT8_LOG})|(?:%{TOMCAT7_LOG})|(?:%{TOMCATLEGACY_LOG})",
}
