"""Grok names for Bacula's job messages, in the legacy capture names and in ECS names.

Written for lumberyard from the sentences Bacula's daemons log, with the meaning and capture
names logstash-patterns-core gives them (see :mod:`parsers._library_core`): each message kind
once, rendered in either flavour, its literal text escaped by :func:`._library_infra.say`.
"""

from __future__ import annotations

from ._library_infra import cap, group, opt, say

__all__ = ["ECS", "LEGACY"]

_COUNT = "%{NONNEGINT}"  # job ids and counts are never signed

def bacula_when(year: str) -> str:
    """Bacula's ``dd-Mon[-yyyy] hh:mm`` time; ``year`` "required", "optional" or "none"."""
    years = {"required": "-%{YEAR}", "optional": "(?:-%{YEAR})?", "none": ""}[year]
    return f"%{{MONTHDAY}}-%{{MONTH}}{years} %{{HOUR}}:%{{MINUTE}}"


def bacula_device(name: str, path: str) -> str:
    """``device "<name>" (<path>)`` of a storage daemon message."""
    return say('device "{dev}" ({path})', dev=cap("BACULA_DEVICE", name),
               path=cap("BACULA_DEVICEPATH", path))


def bacula_file_error(what: str, path: str, error: str) -> str:
    """``<what> "<path>": ERR=<error>``: a file daemon's error on a file (the path is quoted
    by newer Bacula versions; the line is indented)."""
    return say('{lead}{what} {q}{path}{q}: ERR={error}', lead=r"\s*", what=what, q='"?',
               path=cap("DATA", path), error=error)


def bacula_logs(ecs: bool) -> dict[str, str]:
    """Each Bacula message kind (``BACULA_LOG_<kind>`` without the prefix), in one flavour.

    The ECS forms capture more (paths, sizes, addresses) and accept a few more spellings
    ("Fatal Error", unquoted names), as Logstash's ecs-v1 set does.
    """
    def name(legacy: str, ecs_name: str) -> str:
        return ecs_name if ecs else legacy

    vol = "[bacula][volume]"
    volume = cap("BACULA_VOLUME", name("volume", f"{vol}[name]"))
    quoted = opt('"') if ecs else '"'
    device = bacula_device(name("device", f"{vol}[device]"), name("", f"{vol}[path]"))
    client = cap("BACULA_HOST", name("client", "[bacula][client][name]"))
    job = cap("BACULA_JOB", name("job", "[bacula][job][name]"))
    error = cap("GREEDYDATA", name("berror", "[error][message]"))
    fatal = "Fatal [eE]rror: " if ecs else "Fatal error: "
    at = cap("BACULA_TIMESTAMP", "[bacula][timestamp]") if ecs else bacula_when("required")
    jobs = "Jobs?"  # Logstash's "Jobs*" meant "Job" or "Jobs"
    daemon = (group(f"Client: {client}|Storage daemon") + " on "
              + (cap("IPORHOST", "[client][address]") + ":" + cap("POSINT", "[client][port]", "int")
                 if ecs else "%{HOSTNAME}:%{POSINT}")
              + rf"\. ERR={error}")
    return {
        "MAX_CAPACITY": say("User defined maximum volume capacity {cap} exceeded on {device}",
                            cap=cap("BACULA_CAPACITY", name("", f"{vol}[max_capacity]")),
                            device=device) + (r"\.?" if ecs else ""),
        "END_VOLUME": say('End of medium on Volume "{v}" Bytes={bytes} Blocks={blocks} at {at}.',
                          v=volume, at=at, bytes=cap("BACULA_CAPACITY", name("", f"{vol}[bytes]")),
                          blocks=cap("BACULA_CAPACITY", name("", f"{vol}[blocks]"))),
        "NEW_VOLUME": say('Created new Volume "{v}" in catalog.', v=volume),
        "NEW_LABEL": say('Labeled new Volume "{v}" on {file}{device}.', v=volume, device=device,
                         file="(?:file )?" if ecs else ""),
        # the legacy form does not capture this device
        "WROTE_LABEL": say('Wrote label to prelabeled Volume "{v}" on {device}', v=volume,
                           device=device if ecs else bacula_device("", "")),
        "NEW_MOUNT": say('New volume "{v}" mounted on {device} at {at}.', v=volume,
                         device=device, at=at),
        "NOOPEN": bacula_file_error("Cannot open", name("", "[file][path]"), error),
        "NOOPENDIR": bacula_file_error("Could not open directory", name("", "[file][path]"), error),
        "NOSTAT": bacula_file_error("Could not stat", name("", "[file][path]"), error),
        "NOJOBS": say('There are no more Jobs associated with Volume "{v}". Marking it purged.',
                      v=volume),
        "ALL_RECORDS_PRUNED": say('{lead}All records pruned from Volume "{v}"; marking it "Purged"',
                                  lead=".*?" if ecs else "", v=volume),
        "BEGIN_PRUNE_JOBS": say("Begin pruning Jobs older than {n} month {n} days .", n=_COUNT),
        "BEGIN_PRUNE_FILES": say("Begin pruning Files."),
        "PRUNED_JOBS": say("Pruned {n} {jobs} for client {client} from catalog.", n=_COUNT,
                           jobs=jobs, client=client),
        "PRUNED_FILES": say("Pruned Files from {n} {jobs} for client {client} from catalog.",
                            n=_COUNT, jobs=jobs, client=client),
        "ENDPRUNE": say("End auto prune."),
        "STARTJOB": say("Start Backup JobId {n}, Job={job}", n=_COUNT, job=job),
        "STARTRESTORE": say("Start Restore Job {job}", job=job),
        "USEDEVICE": say('Using Device "{dev}"',
                         dev=cap("BACULA_DEVICE", name("device", f"{vol}[device]"))),
        "DIFF_FS": say("{lead}{path} is a different filesystem. Will not descend from {path} "
                       "into it.", lead=r"\s*" if ecs else r"\s+", path="%{UNIXPATH}"),
        "JOBEND": say("Job write elapsed time = {t}, Transfer rate = {n} {unit} Bytes/second",
                      t=cap("DATA", name("elapsed", "[bacula][job][elapsed_time]")),
                      n="%{NUMBER}", unit="(?:K|M|G)?"),
        "NOPRUNE_JOBS": say("No Jobs found to prune."),
        "NOPRUNE_FILES": say("No Files found to prune."),
        "VOLUME_PREVWRITTEN": say("Volume {q}{v}{q} previously written, moving to end of data.",
                                  q=quoted, v=volume),
        "READYAPPEND": say('Ready to append to end of Volume "{v}" size={n}', v=volume,
                           n=cap("INT", name("", f"{vol}[size]"), "int" if ecs else "")),
        "CANCELLING": say("Cancelling duplicate JobId={n}.",
                          n=cap("NONNEGINT", name("", "[bacula][job][other_id]"))),
        "MARKCANCEL": say("JobId {n}, Job {job} marked to be canceled.", job=job,
                          n=cap("NONNEGINT", name("", "[bacula][job][id]"))),
        "CLIENT_RBJ": say('shell command: run ClientRunBeforeJob "{cmd}"',
                          cmd=cap("GREEDYDATA",
                                  name("runjob", "[bacula][job][client_run_before_command]"))),
        "VSS": "(?:Generate )?VSS (?:Writer)?",
        "MAXSTART": fatal + say("Job canceled because max start delay time exceeded."),
        "DUPLICATE": fatal + say("JobId {n} already running. Duplicate job not allowed.",
                                 n=cap("NONNEGINT",
                                       name("duplicate", "[bacula][job][other_id]"))),
        "NOJOBSTAT": fatal + say("No Job status returned from FD."),
        "FATAL_CONN": fatal + say("bsock.c:133 Unable to connect to {daemon}", daemon=daemon),
        "NO_CONNECT": say("Warning: bsock.c:127 Could not connect to {daemon}", daemon=daemon),
        "NO_AUTH": say("Fatal error: Unable to authenticate with File daemon at {at}. "
                       "Possible causes:",
                       at=(opt('"') + cap("IPORHOST", "[client][address]")
                           + opt(":" + cap("POSINT", "[client][port]", "int")) + opt('"'))
                       if ecs else "%{DATA}"),
        "NOSUIT": say("No prior or suitable Full backup found in catalog. Doing FULL backup."),
        "JOB": say("{err}Bacula {host} {version} ({version}):", err="(?:Error: )?",
                   host="%{BACULA_HOST}", version="%{BACULA_VERSION}"),
        "NOPRIOR": say("No prior Full backup Job record found."),
    }


def bacula_line(ecs: bool) -> str:
    """A Bacula log line: time, daemon, optional job id, then any of the message kinds."""
    kinds = "|".join(f"%{{BACULA_LOG_{kind}}}" for kind in bacula_logs(ecs))
    if ecs:
        head = "%{BACULA_TIMESTAMP:timestamp} %{BACULA_HOST:[host][hostname]}"
        jobid = "%{NONNEGINT:[bacula][job][id]}"
    else:
        head, jobid = "%{BACULA_TIMESTAMP:bts} %{BACULA_HOST:hostname}", "%{NONNEGINT:jobid}"
    return f"{head}(?: JobId {jobid})?:? (?:{kinds})"


_BACULA_PARTS = {
    "BACULA_TIMESTAMP": bacula_when("none"),
    "BACULA_HOST": "[A-Za-z0-9-]+",
    "BACULA_VOLUME": "%{USER}",
    "BACULA_DEVICE": "%{USER}",
    "BACULA_DEVICEPATH": "%{UNIXPATH}",
    # Logstash's "%{INT}{1,3}(,%{INT}{3})*" repeats whole numbers: digit groups are meant
    "BACULA_CAPACITY": r"\d{1,3}(?:,\d{3})*",
    "BACULA_VERSION": "%{USER}",
    "BACULA_JOB": "%{USER}",
}

LEGACY: dict[str, str] = {
    **_BACULA_PARTS,
    **{f"BACULA_LOG_{kind}": text for kind, text in bacula_logs(ecs=False).items()},
    "BACULA_LOGLINE": bacula_line(ecs=False),
}

ECS: dict[str, str] = {
    **_BACULA_PARTS,
    "BACULA_TIMESTAMP": bacula_when("optional"),
    "BACULA_HOST": "%{HOSTNAME}",
    **{f"BACULA_LOG_{kind}": text for kind, text in bacula_logs(ecs=True).items()},
    "BACULA_LOG": bacula_line(ecs=True),
    "BACULA_LOGLINE": "%{BACULA_LOG}",
}
"""The Bacula names in ECS form."""
