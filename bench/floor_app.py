"""The floor of the endpoint benchmark (not the product): the smallest Python RSGI app Granian can serve.

It reads the request and answers every one with the same SPARQL result ({"boolean": true}): no Flask, no
engine, no checks. Whatever budapest-kg does per request comes on top of this; a query that `oxigraph
serve` answers faster than this app answers nothing shows what no Python server on Granian can reach.
"""

from __future__ import annotations

ANSWER = b'{"head":{},"boolean":true}'
HEADERS = [("content-type", "application/sparql-results+json")]


async def app(scope, protocol) -> None:
    if scope.proto != "http":
        return
    async for _ in protocol:  # the request body, read and dropped
        pass
    protocol.response_bytes(200, HEADERS, ANSWER)
