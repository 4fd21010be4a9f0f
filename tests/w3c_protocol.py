"""The W3C SPARQL 1.1 Protocol test cases this read-only endpoint must pass, restated by this project.

Source of the cases: the W3C SPARQL 1.1 test suite, protocol tests
(https://www.w3.org/2009/sparql/docs/tests/data-sparql11/protocol/manifest.ttl, also in
github.com/w3c/rdf-tests under sparql/sparql11/protocol/). Each case below keeps the W3C test's
name and says, in our words, what request is sent and what must come back. Nothing is read from
the suite at test time.

The data the suite loads: three graphs, data1.rdf, data2.rdf and data3.rdf under
http://kasei.us/2009/09/sparql/data/, each holding one triple saying that the graph's own IRI is
a foaf:Document. Here they are three named graphs of a small build (see `quads()`).

Adaptations (listed in docs/endpoint.md): the path is /sparql; the suite's data0.rdf, named as a
dataset but never loaded, becomes data1.rdf (this endpoint refuses dataset IRIs it does not
hold); every update case must be refused with 403 and change nothing, since the endpoint is
read-only.
"""

from __future__ import annotations

from dataclasses import dataclass, field

DATA = "http://kasei.us/2009/09/sparql/data/"
G1, G2, G3 = (f"{DATA}data{n}.rdf" for n in (1, 2, 3))
FOAF_DOCUMENT = "http://xmlns.com/foaf/0.1/Document"
RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
FORM = "application/x-www-form-urlencoded"
DIRECT = "application/sparql-query"
UPDATE = "application/sparql-update"

# What a successful answer may be, by the kind of result the case expects.
RESULT_TYPES = {
    "boolean": {"application/sparql-results+json", "application/sparql-results+xml"},
    "tabular": {
        "application/sparql-results+json",
        "application/sparql-results+xml",
        "text/csv",
        "text/tab-separated-values",
    },
    "graph": {"application/rdf+xml", "text/turtle", "application/n-triples"},
}


def quads() -> list[str]:
    """The suite's data as N-Quads: in each graph, its IRI is a foaf:Document."""
    return [f"<{g}> <{RDF_TYPE}> <{FOAF_DOCUMENT}> <{g}> ." for g in (G1, G2, G3)]


@dataclass(frozen=True)
class Case:
    """One request and what must come back: `ok` (2xx/3xx) or not (4xx); the kind of result; an ASK answer."""

    name: str  # the W3C test's name
    method: str
    params: list[tuple[str, str]] = field(default_factory=list)  # in the URL's query string
    content_type: str | None = None  # None: no Content-Type header at all
    body: bytes | None = None
    ok: bool = True
    result: str | None = None  # a key of RESULT_TYPES
    answer: bool | None = None


# Two graph patterns asking that data1.rdf and data2.rdf are both documents, in the default graph
# or each in some named graph; with data3.rdf in the default graph besides.
BOTH_DEFAULT = f"ASK {{ <{G1}> a ?type . <{G2}> a ?type . }}"
BOTH_NAMED = f"ASK {{ GRAPH ?g1 {{ <{G1}> a ?type }} GRAPH ?g2 {{ <{G2}> a ?type }} }}"
FULL = f"ASK {{ <{G3}> a ?type GRAPH ?g1 {{ <{G1}> a ?type }} GRAPH ?g2 {{ <{G2}> a ?type }} }}"

QUERY_CASES = [
    # A query in a URL-encoded form body; the dataset named in the URL.
    Case("query_post_form", "POST", [("default-graph-uri", G1)], FORM, b"query=ASK {}", result="boolean", answer=True),
    # The default graph made of two graphs by the protocol, by GET and by a direct POST.
    Case(
        "query_dataset_default_graphs_get",
        "GET",
        [("query", BOTH_DEFAULT), ("default-graph-uri", G1), ("default-graph-uri", G2)],
        result="boolean",
        answer=True,
    ),
    Case(
        "query_dataset_default_graphs_post",
        "POST",
        [("default-graph-uri", G1), ("default-graph-uri", G2)],
        DIRECT,
        BOTH_DEFAULT.encode(),
        result="boolean",
        answer=True,
    ),
    # Two named graphs given by the protocol.
    Case(
        "query_dataset_named_graphs_post",
        "POST",
        [("named-graph-uri", G1), ("named-graph-uri", G2)],
        DIRECT,
        BOTH_NAMED.encode(),
        result="boolean",
        answer=True,
    ),
    Case(
        "query_dataset_named_graphs_get",
        "GET",
        [("query", BOTH_NAMED), ("named-graph-uri", G1), ("named-graph-uri", G2)],
        result="boolean",
        answer=True,
    ),
    # Default and named graphs both given by the protocol.
    Case(
        "query_dataset_full",
        "POST",
        [("default-graph-uri", G3), ("named-graph-uri", G1), ("named-graph-uri", G2)],
        DIRECT,
        FULL.encode(),
        result="boolean",
        answer=True,
    ),
    # FROM in the query and named graphs in the protocol: the protocol's dataset wins, so no default graph
    # is needed for the two GRAPH patterns to match.
    Case(
        "query_multiple_dataset",
        "POST",
        [("named-graph-uri", G1), ("named-graph-uri", G2)],
        DIRECT,
        f"ASK FROM <{G3}> {{ GRAPH ?g1 {{ <{G1}> a ?type }} GRAPH ?g2 {{ <{G2}> a ?type }} }}".encode(),
        result="boolean",
        answer=True,
    ),
    Case("query_get", "GET", [("query", "ASK {}"), ("default-graph-uri", G1)], result="boolean", answer=True),
    # Each query form answers in a media type fit for it, when the client states no preference.
    Case(
        "query_content_type_select",
        "POST",
        [("default-graph-uri", G1)],
        DIRECT,
        b"SELECT (1 AS ?value) {}",
        result="tabular",
    ),
    Case("query_content_type_ask", "POST", [("default-graph-uri", G1)], DIRECT, b"ASK {}", result="boolean"),
    Case(
        "query_content_type_describe",
        "POST",
        [("default-graph-uri", G1)],
        DIRECT,
        b"DESCRIBE <http://example.org/>",
        result="graph",
    ),
    Case(
        "query_content_type_construct",
        "POST",
        [("default-graph-uri", G1)],
        DIRECT,
        b"CONSTRUCT { <s> <p> 1 } WHERE {}",
        result="graph",
    ),
    # A query sent directly as the POST body.
    Case("query_post_direct", "POST", [], DIRECT, b"ASK {}", result="boolean", answer=True),
    # Requests the protocol forbids: each is a client error (4xx), never a success nor a server error.
    Case("bad_query_method", "PUT", [("query", "ASK {}"), ("default-graph-uri", G1)], FORM, ok=False),
    Case("bad_multiple_queries", "GET", [("query", "ASK {}"), ("query", "SELECT * {}")], ok=False),
    Case("bad_query_wrong_media_type", "POST", [], "text/plain", b"ASK {}", ok=False),
    Case("bad_query_missing_form_type", "POST", [], None, b"query=ASK%20%7B%7D", ok=False),
    Case("bad_query_missing_direct_type", "POST", [], None, b"ASK {}", ok=False),
    Case("bad_query_non_utf8", "POST", [], f"{DIRECT}; charset=UTF-16", "ASK {}".encode("utf-16"), ok=False),
    Case("bad_query_syntax", "GET", [("query", "ASK {")], ok=False),
    Case("bad_update_get", "GET", [("update", "CLEAR ALL")], ok=False),
    Case("bad_multiple_updates", "POST", [], FORM, b"update=CLEAR NAMED&update=CLEAR DEFAULT", ok=False),
    Case("bad_update_wrong_media_type", "POST", [], "text/plain", b"CLEAR NAMED", ok=False),
    Case("bad_update_missing_form_type", "POST", [], None, b"update=CLEAR%20NAMED", ok=False),
    Case("bad_update_non_utf8", "POST", [], f"{UPDATE}; charset=UTF-16", "CLEAR NAMED".encode("utf-16"), ok=False),
    Case("bad_update_syntax", "POST", [], FORM, b"update=CLEAR XYZ", ok=False),
    # An update naming its dataset twice, by the protocol and by WITH.
    Case(
        "bad_update_dataset_conflict",
        "POST",
        [("using-named-graph-uri", "http://example/people")],
        UPDATE,
        b"PREFIX foaf: <http://xmlns.com/foaf/0.1/>\nWITH <http://example/addresses>\n"
        b"DELETE { ?person foaf:givenName 'Bill' } INSERT { ?person foaf:givenName 'William' }\n"
        b"WHERE { ?person foaf:givenName 'Bill' }",
        ok=False,
    ),
]

# The suite's updates: each would change the data (clear it, insert into it). A read-only endpoint
# must refuse every one with 403; only the first request of each W3C test (the update) is sent.


def insert_documents(test: str) -> bytes:
    """The suite's update shape: drop everything, insert a document, copy documents into a test graph."""
    return (
        "PREFIX dc: <http://purl.org/dc/terms/>\nPREFIX foaf: <http://xmlns.com/foaf/0.1/>\n"
        f"DROP ALL ;\nINSERT DATA {{ GRAPH <{G1}> {{ <{G1}> a foaf:Document }} }} ;\n"
        f"INSERT {{ GRAPH <http://example.org/protocol-update-{test}-test/> {{ ?s a dc:BibliographicResource }} }}\n"
        "WHERE { ?s a foaf:Document }"
    ).encode()


UPDATE_CASES = [
    Case(
        "update_dataset_default_graph",
        "POST",
        [("using-graph-uri", G1)],
        UPDATE,
        insert_documents("dataset"),
    ),
    Case(
        "update_dataset_default_graphs",
        "POST",
        [("using-graph-uri", G1), ("using-graph-uri", G2)],
        UPDATE,
        insert_documents("dataset-graphs"),
    ),
    Case(
        "update_dataset_named_graphs",
        "POST",
        [("using-named-graph-uri", G1), ("using-named-graph-uri", G2)],
        UPDATE,
        insert_documents("dataset-named-graphs"),
    ),
    Case(
        "update_dataset_full",
        "POST",
        [("using-graph-uri", G1), ("using-named-graph-uri", G2)],
        UPDATE,
        insert_documents("dataset-full"),
    ),
    Case("update_post_form", "POST", [], FORM, b"update=CLEAR ALL"),
    Case("update_post_direct", "POST", [], UPDATE, b"CLEAR ALL"),
    Case(
        "update_base_uri",
        "POST",
        [],
        UPDATE,
        b"CLEAR SILENT GRAPH <http://example.org/protocol-base-test/> ;\n"
        b"INSERT DATA { GRAPH <http://example.org/protocol-base-test/> {"
        b" <http://example.org/s> <http://example.org/p> <test> } }",
    ),
]
