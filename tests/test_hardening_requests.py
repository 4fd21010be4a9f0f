"""Hostile requests get the right 4xx, never a 500, a trace or a crash (issue 16, holes 2 and 7).

Flask's test client: what is tested is how a request becomes a response, for both engines in this
process (workers=0). Crashes inside worker processes are tested in test_hardening_workers.py.
"""

from __future__ import annotations

import pytest
from budapest_kg.endpoint import create_app
from budapest_kg.endpoint.config import Config
from budapest_kg.endpoint.guard import nesting_depth

from budapest_kg import namespaces

LIMIT = 16  # the default BKG_MAX_NESTING, restated so that a change of default is a visible decision


@pytest.fixture(scope="module", params=["oxigraph", "rdflib"])
def app(request, build_dir):
    return create_app(Config.load(build_dir=build_dir, engine=request.param, workers=0))


def never(*args, **kwargs):
    raise AssertionError("the engine was asked a query the guard should have refused")


# Each builds a query whose brackets nest exactly n deep (n >= 3), in a different part of the grammar.
NESTED = {
    "group": lambda n: "SELECT * WHERE " + "{" * n + " ?s ?p ?o " + "}" * n + " LIMIT 1",
    "parentheses": lambda n: "ASK { ?s ?p ?o FILTER(" + "(" * (n - 2) + "true" + ")" * (n - 2) + ") }",
    "function calls": lambda n: "ASK { BIND(" + "COALESCE(" * (n - 2) + "1" + ")" * (n - 2) + " AS ?x) }",
    "exists": lambda n: "ASK { ?s ?p ?o " + "FILTER EXISTS { ?s ?p ?o " * (n - 1) + "}" * (n - 1) + " }",
    # A nest of blank nodes or lists is a chain of joins, which rdflib evaluates slowly unless its first
    # pattern matches nothing (a constant subject and predicate); lists in a template are not evaluated.
    "blank nodes": lambda n: "ASK { <urn:x:s> <urn:x:p> " + "[ <urn:x:p> " * (n - 1) + "?o" + " ]" * (n - 1) + " }",
    "collections": lambda n: "CONSTRUCT { <urn:x:s> <urn:x:p> " + "(" * (n - 1) + "?o" + ")" * (n - 1) + " } WHERE {}",
    "subqueries": lambda n: subqueries(n),
}


def subqueries(n: int) -> str:
    """SELECT inside SELECT: each level nests two braces; an odd level out is a plain group."""
    inner = "?s ?p ?o" if n % 2 else "{ ?s ?p ?o }"
    levels = (n - 1) // 2
    return "SELECT * WHERE { " + "{ SELECT * WHERE { " * levels + inner + " } }" * levels + " } LIMIT 1"


@pytest.mark.parametrize("shape", NESTED)
def test_a_query_at_the_nesting_limit_is_answered_by_both_engines(app, shape):
    """The default limit is one both engines' parsers can follow in every part of the grammar."""
    query = NESTED[shape](LIMIT)
    assert nesting_depth(query) == LIMIT
    response = app.test_client().get("/sparql", query_string={"query": query})
    assert response.status_code == 200, response.get_data(as_text=True)


@pytest.mark.parametrize("depth", [LIMIT + 1, 3000])
@pytest.mark.parametrize("shape", NESTED)
def test_a_query_over_the_nesting_limit_is_400_before_any_engine_sees_it(app, monkeypatch, shape, depth):
    monkeypatch.setattr(app.extensions["bkg_engine"], "query", never)
    query = NESTED[shape](depth)
    response = app.test_client().get("/sparql", query_string={"query": query})
    assert response.status_code == 400
    body = response.get_data(as_text=True)
    assert f"nests brackets {nesting_depth(query)} deep" in body
    assert f"at most {LIMIT} (BKG_MAX_NESTING)" in body


@pytest.mark.parametrize(
    "query",
    [
        # Brackets hidden from a scanner that skipped IRIs, or behind escapes that rdflib decodes.
        "ASK { FILTER(?a<" + "(" * 40 + "1" + ")" * 40 + ">?b) }",
        "SELECT * WHERE " + "\\u007B" * 40 + " ?s ?p ?o " + "}" * 40,
        "ASK { ?s ex:a\\' " + "(" * 40 + "?o" + ")" * 40 + " }",
    ],
)
def test_nesting_cannot_hide_behind_iris_or_escapes(app, monkeypatch, query):
    monkeypatch.setattr(app.extensions["bkg_engine"], "query", never)
    response = app.test_client().post("/sparql", data={"query": query})
    assert response.status_code == 400
    assert "BKG_MAX_NESTING" in response.get_data(as_text=True)


def test_brackets_in_strings_and_comments_do_not_count(app):
    query = 'ASK { ?s ?p ?o FILTER(?o != "' + "(" * 100 + '") } # ' + "{" * 100
    response = app.test_client().get("/sparql", query_string={"query": query})
    assert response.status_code == 200


def test_the_nesting_limit_is_configurable(build_dir, monkeypatch):
    monkeypatch.setenv("BKG_MAX_NESTING", "4")
    client = create_app(Config.load(build_dir=build_dir, workers=0)).test_client()
    assert client.get("/sparql", query_string={"query": NESTED["group"](4)}).status_code == 200
    response = client.get("/sparql", query_string={"query": NESTED["group"](5)})
    assert response.status_code == 400
    assert "at most 4 (BKG_MAX_NESTING)" in response.get_data(as_text=True)
    # The catalogue and the query page take the same path.
    assert client.get("/queries/signature-to-consent").status_code == 400


@pytest.mark.parametrize(
    "query", ["# only a comment", "# one\n# two\n", "PREFIX ex: <http://example.org/>", "BASE <http://example.org/>"]
)
def test_a_query_with_no_operation_is_400_not_403(app, query):
    """An empty Update parses (it is only a prologue); it is no update, and no query either."""
    response = app.test_client().get("/sparql", query_string={"query": query})
    assert response.status_code == 400
    assert response.get_data(as_text=True).startswith("400 Bad Request: malformed query")


def test_an_update_after_comments_is_still_403(app):
    response = app.test_client().get(
        "/sparql", query_string={"query": "# hello\nINSERT DATA { <urn:a> <urn:b> <urn:c> }"}
    )
    assert response.status_code == 403


@pytest.mark.parametrize(
    "path",
    [
        "/id/%25",  # a lone percent sign
        "/id/%00",  # NUL
        "/term/%FF",  # not UTF-8
        "/id/state/FRA%00",
        "/id/%ZZ",
        "/id/state/%E2%80%AE",  # right-to-left override: not an IRI character
        "/term/a%20b",
        "/charts/parties/id/treaty/%25.svg",
    ],
)
def test_paths_that_cannot_be_iris_are_404_not_500(app, monkeypatch, path):
    monkeypatch.setattr(app.extensions["bkg_engine"], "query", never)
    for accept in ("text/html", "text/turtle", "application/ld+json"):
        response = app.test_client().get(path, headers={"Accept": accept})
        assert response.status_code == 404, (path, accept, response.get_data(as_text=True))
        assert "not a valid IRI" in response.get_data(as_text=True)


def test_a_valid_iri_with_percent_escapes_is_looked_up_not_refused(app):
    response = app.test_client().get("/id/state/FR%2541", headers={"Accept": "text/turtle"})
    assert response.status_code == 404
    assert "not a valid IRI" not in response.get_data(as_text=True)
    assert f"no resource <{namespaces.ID}state/FR%41>" in response.get_data(as_text=True)


@pytest.mark.parametrize("app", ["oxigraph"], indirect=True)  # negotiation is in front of the engines
@pytest.mark.parametrize("path", ["/.well-known/void", "/sparql"])
@pytest.mark.parametrize("how", [{"format": "nquads"}, {"format": "trig"}, {"accept": "application/n-quads"}])
def test_descriptions_asked_for_a_dataset_format_are_406(app, path, how):
    """VoID and the Service Description are one graph each: N-Quads and TriG are not offered."""
    headers = {"Accept": how["accept"]} if "accept" in how else {}
    query = {"format": how["format"]} if "format" in how else {}
    response = app.test_client().get(path, query_string=query, headers=headers)
    assert response.status_code == 406
    body = response.get_data(as_text=True)
    assert "text/turtle (format=turtle)" in body
    assert "n-quads" not in body.split("choose one of")[1]
