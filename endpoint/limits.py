"""The endpoint's limit on a query's answer: a buffer that refuses to grow past it."""

from __future__ import annotations

import io

from .faults import ResultTooLarge


def too_large(limit: int) -> ResultTooLarge:
    return ResultTooLarge(
        f"the answer is larger than this endpoint's limit of {limit} bytes; "
        "narrow the query or page through it with LIMIT and OFFSET"
    )


class CappedBuffer(io.RawIOBase):
    """A write-only byte buffer that raises ResultTooLarge as soon as it would exceed its limit."""

    def __init__(self, limit: int | None):
        super().__init__()
        self.limit = limit
        self.buffer = io.BytesIO()

    def writable(self) -> bool:
        return True

    def write(self, data) -> int:
        if self.limit is not None and self.buffer.tell() + len(data) > self.limit:
            raise too_large(self.limit)
        return self.buffer.write(data)

    def getvalue(self) -> bytes:
        return self.buffer.getvalue()


def cap(data: bytes, limit: int | None) -> bytes:
    """data itself, or ResultTooLarge when it is over the limit."""
    if limit is not None and len(data) > limit:
        raise too_large(limit)
    return data
