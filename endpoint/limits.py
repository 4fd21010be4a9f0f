"""The endpoint's limits on a query's answer and time, and the errors that announce them."""

from __future__ import annotations

import io


class QueryTimeout(Exception):
    """The query ran past the time limit and was stopped."""


class EngineBusy(Exception):
    """No query worker became free in time."""


class EngineFailure(Exception):
    """A query worker failed while answering; it has been replaced."""


class ResultTooLarge(Exception):
    """The serialised answer is larger than the configured limit; nothing is sent rather than a cut answer."""


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
