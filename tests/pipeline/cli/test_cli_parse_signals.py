"""``lumberyard parse`` stops at Ctrl-C at once, with the summary of what it printed.

The input never ends (``yes`` writing JSON lines into its stdin), so only the signal can stop
the command; the test waits for its exit with a generous bound, it does not time it.
"""

from __future__ import annotations

import signal
import subprocess
import sys
import threading
from pathlib import Path

LUMBERYARD = str(Path(sys.executable).parent / "lumberyard")


def test_ctrl_c_stops_parse_on_an_endless_input_with_a_summary() -> None:
    """SIGINT mid-stream: exit 130 and a summary saying it was interrupted, with counts."""
    endless = subprocess.Popen(["yes", '{"level":"info","message":"again"}'],
                               stdout=subprocess.PIPE)
    parse = subprocess.Popen([LUMBERYARD, "parse", "-"], stdin=endless.stdout,
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    assert endless.stdout is not None
    assert parse.stdout is not None
    assert parse.stderr is not None
    endless.stdout.close()
    try:
        parse.stdout.readline()  # it is parsing
        printed = threading.Thread(target=parse.stdout.read, daemon=True)
        printed.start()  # keep draining, as a terminal would
        parse.send_signal(signal.SIGINT)
        parse.wait(timeout=60)
        summary = parse.stderr.read().decode()
        printed.join(timeout=60)
    finally:
        for process in (parse, endless):
            if process.poll() is None:
                process.kill()
            process.wait()
        parse.stdout.close()
        parse.stderr.close()
    events = int(summary.split("events: ")[1].split()[0]) if "events: " in summary else 0
    assert (130, True, True) == (
        parse.returncode, "interrupted (Ctrl-C)" in summary, events > 0), summary
