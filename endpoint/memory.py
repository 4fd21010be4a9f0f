"""How much memory a process holds: its resident size, read from /proc (Linux)."""

from __future__ import annotations

import os

_PAGE = os.sysconf("SC_PAGE_SIZE") if hasattr(os, "sysconf") else 4096


def resident_bytes(pid: int | None) -> int | None:
    """The process's resident set size in bytes; None when it cannot be read (gone, or no /proc)."""
    if pid is None:
        return None
    try:
        with open(f"/proc/{pid}/statm", "rb") as handle:
            return int(handle.read().split()[1]) * _PAGE
    except (OSError, IndexError, ValueError):
        return None


def megabytes(size: int) -> str:
    return f"{size / 1_000_000:.0f} MB"
