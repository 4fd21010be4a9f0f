"""Property-based fuzzing of the SPARQL protocol and the Linked Data routes (issue 16's reliability suite).

Whatever a client sends, the answer is never a 5xx (except 503 when the time limit or a full server
stops a query) and no body shows a trace. Hypothesis generates the requests: SPARQL-like token soup
and well-formed queries around it, every method, content type, charset, Accept header and format,
and paths holding any character, percent escape or none.

Examples are bounded (200 per property) and drawn the same way on every run (the "ci" profile), so
CI is repeatable; HYPOTHESIS_PROFILE=explore draws new ones, ten times as many, to hunt for more.
Everything runs over pyoxigraph; query text also over rdflib's engine, whose parser and errors differ
(the routes and the binding of parameters in front of the engines are the same for both).
"""

from __future__ import annotations

import string
from urllib.parse import quote

import pytest
from budapest_kg.endpoint import create_app
from budapest_kg.endpoint.config import Config
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

settings.register_profile(
    "ci", max_examples=200, deadline=None, derandomize=True, database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)  # fmt: skip
settings.register_profile(
    "explore", max_examples=2000, deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)  # fmt: skip
settings.load_profile("ci")

TIME_LIMIT = 5.0
TRACE_MARKERS = ("Traceback", 'File "', "site-packages", '.py", line')

KEYWORDS = (
    "SELECT", "ASK", "CONSTRUCT", "DESCRIBE", "WHERE", "DISTINCT", "REDUCED", "FROM", "NAMED", "GRAPH", "SERVICE",
    "SILENT", "OPTIONAL", "UNION", "MINUS", "FILTER", "EXISTS", "NOT", "IN", "BIND", "AS", "VALUES", "UNDEF",
    "LIMIT", "OFFSET", "ORDER BY", "GROUP BY", "HAVING", "ASC", "DESC", "COUNT", "SUM", "MIN", "MAX", "AVG",
    "SAMPLE", "GROUP_CONCAT", "SEPARATOR", "REGEX", "REPLACE", "STR", "LANG", "DATATYPE", "IRI", "BNODE",
    "CONCAT", "SUBSTR", "STRLEN", "COALESCE", "IF", "isIRI", "BOUND", "NOW", "RAND", "SHA256", "a", "PREFIX",
    "BASE", "INSERT", "DELETE", "DATA", "LOAD", "CLEAR", "DROP", "CREATE", "WITH", "USING", "INTO", "DEFAULT",
    "ALL", "true", "false",
)  # fmt: skip
PUNCTUATION = (
    "{", "}", "(", ")", "[", "]", "*", ".", ";", ",", "&&", "||", "!", "=", "!=", "<", ">", "<=", ">=", "+", "-",
    "/", "^", "|", "?", "^^", "@en", "#", "\n", "\\", "\\u0041", "\\U0001F600", '"', "'", '"""', "'''",
)  # fmt: skip
TERMS = (
    "?s", "?p", "?o", "?x", "$y", "_:b", "[]", "()", "1", "-2.5e3", '"x"', "'y'@fr", '"2001-11-23"^^xsd:date',
    "<urn:x>", "<>", "<file:///etc/passwd>", "<http://127.0.0.1:1/>", "<https://w3id.org/budapest-kg/id/state/FRA>",
    "<https://w3id.org/budapest-kg/graph/data>", "bkg:Party", "bkg:", "rdf:type", "undeclared:x", "xsd:integer",
    "<https://w3id.org/budapest-kg/ontology#>",
)  # fmt: skip
token = st.sampled_from(KEYWORDS + PUNCTUATION + TERMS) | st.text(max_size=4)
soup = st.lists(token, max_size=40).map(" ".join)
pattern = st.lists(st.sampled_from(TERMS + PUNCTUATION[:8] + ("FILTER(", "OPTIONAL {", "UNION {")), max_size=15)
well_formed = pattern.map(lambda parts: "SELECT * WHERE { " + " ".join(parts) + " } LIMIT 5")
queries = soup | well_formed | st.text(max_size=200)

PARAMETERS = st.sampled_from(("update", "using-graph-uri", "named-graph-uri", "format", "x", "query"))
# What a header can hold: no CR or LF (HTTP has no way to send them), any other Latin-1 character.
HEADER_TEXT = st.text(st.characters(codec="latin-1", exclude_characters="\r\n"), max_size=30)
MEDIA = (
    "application/sparql-results+json", "application/sparql-results+xml", "text/csv", "text/tab-separated-values",
    "text/turtle", "application/n-triples", "application/rdf+xml", "application/ld+json", "application/n-quads",
    "application/trig", "text/html", "application/json", "text/plain", "*/*", "image/png", "",
)  # fmt: skip
accept = (
    st.lists(
        st.tuples(st.sampled_from(MEDIA), st.sampled_from(("", ";q=0", ";q=0.5", ";q=abc", ";charset=latin-1"))),
        max_size=4,
    ).map(lambda items: ", ".join(media + q for media, q in items))
    | HEADER_TEXT
)
formats = st.none() | st.sampled_from(("json", "xml", "csv", "tsv", "turtle", "nt", "rdfxml", "jsonld", "nquads",
                                       "trig", "html", "pdf", "", "json,turtle", "text/turtle"))  # fmt: skip
CONTENT_TYPES = (
    "application/x-www-form-urlencoded", "application/sparql-query", "application/sparql-update",
    "application/sparql-query; charset=utf-8", "application/sparql-query; charset=latin-1", "multipart/form-data",
    "text/plain", "", "application/x-www-form-urlencoded; charset=utf-16",
)  # fmt: skip


@pytest.fixture(scope="module", params=["oxigraph", "rdflib"])
def client(request, build_dir):
    """The endpoint over a pool of workers (so that a fuzzed query that runs away is stopped)."""
    config = Config.load(build_dir=build_dir, engine=request.param, workers=2, timeout=TIME_LIMIT)
    app = create_app(config)
    yield app.test_client()
    app.extensions["bkg_engine"].close()


def check(response) -> None:
    """No 5xx but a 503 that says so (with Retry-After); never a trace in the body."""
    body = response.get_data(as_text=True)
    assert response.status_code < 500 or (response.status_code == 503 and response.headers.get("Retry-After")), (
        response.status_code,
        body[:500],
    )
    for marker in TRACE_MARKERS:
        assert marker not in body, body[:500]


QUERY_STRINGS = given(
    method=st.sampled_from(("GET", "POST", "HEAD", "PUT", "DELETE", "PATCH", "OPTIONS")),
    query=st.none() | queries,
    default_graphs=st.lists(st.sampled_from(TERMS) | st.text(max_size=10), max_size=2),
    extra=st.dictionaries(PARAMETERS, st.text(max_size=10), max_size=2),
    fmt=formats,
    accept=accept,
)


def send_query_string(client, method, query, default_graphs, extra, fmt, accept) -> None:
    params = [("query", query)] if query is not None else []
    params += [("default-graph-uri", g) for g in default_graphs] + list(extra.items())
    if fmt is not None:
        params.append(("format", fmt))
    check(client.open("/sparql", method=method, query_string=params, headers={"Accept": accept}))


@pytest.mark.parametrize("client", ["oxigraph"], indirect=True)
@QUERY_STRINGS
def test_the_protocol_never_fails_on_a_query_string(client, method, query, default_graphs, extra, fmt, accept):
    send_query_string(client, method, query, default_graphs, extra, fmt, accept)


@pytest.mark.parametrize("client", ["rdflib"], indirect=True)
@settings(max_examples=50)  # rdflib's engine is slow: fewer examples keep CI in its time budget
@QUERY_STRINGS
def test_rdflib_never_fails_on_a_query_string(client, method, query, default_graphs, extra, fmt, accept):
    send_query_string(client, method, query, default_graphs, extra, fmt, accept)


@given(
    body=queries.map(lambda text: text.encode("utf-8", "surrogatepass")) | st.binary(max_size=300),
    content_type=st.sampled_from(CONTENT_TYPES) | HEADER_TEXT,
    accept=accept,
    form=st.booleans(),
)
@pytest.mark.parametrize("client", ["oxigraph"], indirect=True)
def test_the_protocol_never_fails_on_a_body(client, body, content_type, accept, form):
    if form:
        body = b"query=" + quote(body, safe="").encode()
    headers = {"Accept": accept, "Content-Type": content_type}
    check(client.post("/sparql", data=body, headers=headers))


PATH_CHARS = st.characters(codec="utf-8") | st.sampled_from([*string.punctuation, "%", "%0", "%ZZ", "%FF", "%00"])
segment = st.lists(PATH_CHARS, max_size=30).map("".join)
PREFIXES = ("/id/", "/id/state/", "/id/treaty/", "/term/", "/graph/", "/charts/parties/", "/queries/", "/download/",
            "/query?example=", "/ontology?format=", "/.well-known/void?format=", "/")  # fmt: skip
SUFFIXES = ("", ".ttl", ".jsonld", ".nt", ".rdf", ".html", ".svg", ".nq", "?format=turtle", "?format=nquads")


@given(
    prefix=st.sampled_from(PREFIXES),
    rest=segment,
    escape=st.booleans(),
    suffix=st.sampled_from(SUFFIXES),
    accept=accept,
)
@pytest.mark.parametrize("client", ["oxigraph"], indirect=True)
def test_linked_data_routes_never_fail(client, prefix, rest, escape, suffix, accept):
    rest = quote(rest, safe="/%") if escape else quote(rest, safe="/%:@!$&'()*+,;=~[]")
    check(client.get(prefix + rest + suffix, headers={"Accept": accept}))


@given(
    name=st.sampled_from(("party-count", "member-parties", "obligations-of-party", "parties-missing-protocol", "x")),
    params=st.dictionaries(
        st.sampled_from(("treaty", "date", "state", "protocol", "format", "x")), segment, max_size=3
    ),
    accept=accept,
)
@pytest.mark.parametrize("client", ["oxigraph"], indirect=True)
def test_named_queries_never_fail_whatever_their_parameters(client, name, params, accept):
    check(client.get(f"/queries/{name}", query_string=params, headers={"Accept": accept}))
