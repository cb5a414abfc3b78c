"""Worker processes die with their parent (reprocess and serve workers alike)."""

from __future__ import annotations

import contextlib
import ctypes
import os
import signal


def die_with_parent() -> None:
    """Ask Linux to SIGKILL this process when its parent dies (``prctl(PR_SET_PDEATHSIG)``):
    a ``kill -9`` of the command leaves no orphan worker behind."""
    with contextlib.suppress(OSError, AttributeError):
        libc = ctypes.CDLL("libc.so.6", use_errno=True)
        libc.prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG = 1
    if os.getppid() == 1:
        os._exit(1)  # the parent died before we could ask
