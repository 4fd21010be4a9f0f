"""What the worker pool asks of Linux about its processes (harmless no-ops elsewhere)."""

from __future__ import annotations

import ctypes
import os
import signal

PR_SET_PDEATHSIG = 1  # linux/prctl.h


def single_threaded() -> bool:
    """Whether this process runs one thread only (Python's and any other, e.g. an HTTP server's in Rust)."""
    try:
        return len(os.listdir("/proc/self/task")) == 1
    except OSError:  # no /proc: never fork directly
        return False


def die_with_parent() -> None:
    """Ask Linux to kill this process when its parent dies, so that no worker outlives its server."""
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(PR_SET_PDEATHSIG, signal.SIGKILL)
    except (OSError, AttributeError):  # not Linux: the pipe's EOF still stops the worker
        pass
