"""Why a query was not answered: the one set of exceptions the engines raise.

Each is mapped to its HTTP status in one place (errors.py); the command line maps them to messages.
A fault whose class is not here is internal: a 500 with a logged trace id, never blamed on the client.
"""

from __future__ import annotations

UPDATE_REFUSAL = "SPARQL Update is not accepted: this graph is read-only and changes only through the build"


class EngineFault(Exception):
    """A query was not answered, for a reason the message states."""


class QueryError(EngineFault):
    """The query is malformed or cannot be run; the message says why (the parser's words)."""


class UnknownGraph(QueryError):
    """A dataset IRI names a graph this store does not hold."""


class UpdateRefused(EngineFault):
    """The text is a SPARQL Update: the graph changes only through the build."""


class ServiceRefused(EngineFault):
    """SERVICE names an endpoint that is not on the allow-list."""


class RemoteFailure(EngineFault):
    """An allow-listed SERVICE endpoint failed or could not be reached."""


class StoreFailure(EngineFault):
    """The remote SPARQL store behind this endpoint (serve --remote) failed, refused or could not be reached."""


class QueryTimeout(EngineFault):
    """The query ran past the time limit and was stopped."""


class EngineBusy(EngineFault):
    """No query worker became free in time."""


class ResultTooLarge(EngineFault):
    """The serialised answer is larger than the configured limit; nothing is sent rather than a cut answer."""


class EngineFailure(EngineFault):
    """The engine itself failed (a worker died or raised something unexpected): an internal fault."""
