"""The site for people: every link opens a page, error pages, the query page (prefixes, errors, paging,
permalinks), curated resource pages and JSON-LD with a context.

Flask's test client: what is tested is what the application answers, not the socket (the browser
tests and test_site.py use a real server). Expected values come from data/ and the build's files.
"""

from __future__ import annotations

import csv
import json
import re
from urllib.parse import urlencode

import pyoxigraph as ox
import pytest
from budapest_kg.endpoint import create_app
from budapest_kg.endpoint.config import Config
from budapest_kg.endpoint.faults import QueryTimeout
from rdflib import Graph

from budapest_kg import namespaces, resources

from . import expected as ex
from .test_site import Page

BROWSER = {"Accept": "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"}
NAV = ('href="/query"', 'href="/queries"', 'href="/ontology"', 'href="/sparql"')


@pytest.fixture(scope="module")
def app(apps):
    return apps.app("oxigraph")


@pytest.fixture(scope="module")
def client(app):
    return app.test_client()


def html(client, path: str, status: int = 200) -> str:
    response = client.get(path, headers=BROWSER)
    assert (response.status_code, response.mimetype) == (status, "text/html"), (path, response.data[:300])
    body = response.get_data(as_text=True)
    assert all(link in body for link in NAV), path  # the site's navigation on every page
    assert 'href="/static/site.css"' in body
    return body


def csv_rows(name: str) -> list[dict[str, str]]:
    with open(resources.PACKAGED.data_dir / name, newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


# ---- every link a person clicks opens a page; programs get what they got before ------------------


def test_the_endpoint_is_a_page_for_browsers_and_a_service_description_for_programs(client):
    page = Page(html(client, "/sparql"))
    assert "SPARQL endpoint" in page.plain
    assert page.tables == {}  # nothing run yet: the editor and the examples
    turtle = client.get("/sparql")
    assert turtle.mimetype == "text/turtle"
    assert client.get("/sparql", headers={"Accept": "application/rdf+xml"}).mimetype == "application/rdf+xml"


def test_a_query_sent_to_the_endpoint_by_a_browser_opens_as_results(client, acts):
    query = 'SELECT ?state WHERE { ?state <https://w3id.org/budapest-kg/ontology#iso3166Alpha3> "FRA" }'
    page = Page(html(client, "/sparql?" + urlencode({"query": query})))
    assert page.body_rows("results") == [["France"]]
    assert ("/id/state/FRA", "France") in page.links
    data = client.get("/sparql", query_string={"query": query}, headers={"Accept": "application/sparql-results+json"})
    assert data.mimetype == "application/sparql-results+json"
    assert json.loads(data.data)["results"]["bindings"][0]["state"]["value"].endswith("/id/state/FRA")


def test_a_catalogue_query_opens_as_a_page_with_linked_results(client, acts):
    page = Page(html(client, "/queries/parties"))
    rows = page.body_rows("results")
    states = {href.rsplit("/", 1)[-1] for href, _ in page.links if href.startswith("/id/state/")}
    assert states == ex.parties_today("ETS 185")
    assert {row[1] for row in rows} == ex.parties_today("ETS 185")  # ?state links, then ?iso3
    assert "(en)" not in page.plain  # plain labels
    # Programs still get SPARQL results, by Accept or ?format=.
    assert client.get("/queries/parties").mimetype == "application/sparql-results+json"
    assert client.get("/queries/parties?format=csv", headers=BROWSER).mimetype == "text/csv"


def test_a_catalogue_query_page_offers_its_parameters_and_keeps_them(client, acts):
    body = html(client, "/queries/parties?treaty=189&size=25")
    assert '<option value="189" selected>' in body
    expected = ex.parties_today("ETS 189")
    assert f"{len(expected)} rows" in Page(body).plain


# ---- error pages ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("path", "status", "reason"),
    [
        ("/no/such/page", 404, "not found"),
        ("/id/state/XXX", 404, "no resource"),
        ("/queries/parties?treaty=999", 400, "is not one of 185, 189, 224"),
        ("/id/state/FRA?format=pdf", 406, "text/turtle"),
        ("/query?query=ASK%7B%7D&size=7", 400, "not a page size"),
    ],
)
def test_errors_are_pages_for_browsers_and_text_for_programs(client, path, status, reason):
    page = Page(html(client, path, status))
    assert page.plain.count(str(status)) >= 1
    assert reason.lower() in page.plain.lower()
    assert "Traceback" not in page.plain
    plain = client.get(path)
    assert plain.status_code == status
    assert plain.mimetype != "text/html"


def test_a_body_too_large_is_a_413_page(app, client):
    limit = app.extensions["bkg_config"].max_body_bytes
    response = client.post(
        "/sparql", data="query=" + "x" * (limit + 10), content_type="application/x-www-form-urlencoded", headers=BROWSER
    )
    assert (response.status_code, response.mimetype) == (413, "text/html")
    assert "<h1>413" in response.get_data(as_text=True)


def test_a_query_that_runs_too_long_is_a_503_page(build_dir, monkeypatch):
    app = create_app(Config.load(build_dir=build_dir, workers=0))
    client = app.test_client()
    html(client, "/")  # read labels before the engine is made to fail

    def too_slow(*args, **kwargs):
        raise QueryTimeout("the query ran longer than this endpoint's limit of 5 s and was stopped")

    monkeypatch.setattr(app.extensions["bkg_engine"], "query", too_slow)
    page = Page(html(client, "/sparql?format=json&query=ASK%7B%7D", 503))
    assert "ran longer than" in page.plain
    in_editor = Page(html(client, "/query?query=ASK%7B%7D", 503))
    assert "The query could not run" in in_editor.plain


# ---- the query page -------------------------------------------------------------------------------


def test_a_new_query_declares_the_graphs_prefixes(client):
    body = html(client, "/query")
    editor = re.search(r'<textarea id="query"[^>]*>(.*?)</textarea>', body, re.DOTALL).group(1)
    for prefix, namespace in namespaces.PREFIXES.items():
        assert f"PREFIX {prefix}: &lt;{namespace}&gt;" in editor, prefix


@pytest.mark.parametrize(
    ("query", "where", "marked"),
    [
        ("SELECT ?x WHERE { ?x ?y ?z ) }", "line 1, column 28", ")"),
        ("SELECT ?x\nWHERE { ?x foo:bar ?y }", "line 2, column 12", "f"),
        ("SELECT WHERE { ?s ?p ?o }", "line 1, column 8", "W"),
    ],
)
def test_a_parse_error_is_one_readable_line_with_the_place_marked(client, query, where, marked):
    body = html(client, "/query?" + urlencode({"query": query}), 400)
    line = re.search(r'<p id="error-line">(.*?)</p>', body, re.DOTALL).group(1)
    assert "\n" not in line.strip()
    assert line.startswith(where)
    assert "\\u{" not in body  # none of the parser's character classes
    assert "..=" not in body
    assert f"<mark>{marked}</mark>" in body


def distinct_triples(build_dir) -> int:
    quads = ox.parse(path=str(build_dir / resources.GRAPH_FILE), format=ox.RdfFormat.N_QUADS)
    return len({(q.subject, q.predicate, q.object) for q in quads})


def test_results_are_paged_with_a_count(client, build_dir):
    total = distinct_triples(build_dir)
    query = urlencode({"query": "SELECT * WHERE { ?s ?p ?o }"})
    first = Page(html(client, f"/query?{query}"))
    assert len(first.body_rows("results")) == 100
    assert f"{total} rows" in first.plain
    pages = -(-total // 100)
    assert f"page 1 of {pages}" in first.plain
    next_link = next(href for href, text in first.links if text == "Next page")
    second = Page(html(client, next_link.replace("&amp;", "&")))
    assert second.body_rows("results") != first.body_rows("results")
    last = Page(html(client, f"/query?{query}&page={pages}"))
    assert len(last.body_rows("results")) == total - (pages - 1) * 100
    assert len(Page(html(client, f"/query?{query}&size=25")).body_rows("results")) == 25


def test_the_address_of_a_run_query_runs_it_again(client, acts):
    # The Parties to the Convention: fewer than a page of results (the States are more than 100 since the
    # UN Member States joined the graph).
    query = (
        "SELECT ?state WHERE { ?state <https://w3id.org/budapest-kg/ontology#isPartyTo> "
        "<https://w3id.org/budapest-kg/id/treaty/ets-185> }"
    )
    page = Page(html(client, "/query?" + urlencode({"query": query})))
    assert ("/query?" + urlencode({"query": query}), "Link to this query") in page.links
    parties = ex.parties("ETS 185")
    assert len(page.body_rows("results")) == len(parties)
    assert 'method="get" action="/query"' in html(client, "/query")  # running it gives such an address


# ---- JSON-LD with a context ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("path", "params"),
    [
        ("/id/state/FRA.jsonld", {}),
        ("/sparql", {"query": "CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p <https://w3id.org/budapest-kg/id/state/FRA> }"}),
        ("/ontology", {"format": "jsonld"}),
        ("/sparql", {"format": "jsonld"}),
        ("/graph/links.jsonld", {}),
    ],
)
def test_json_ld_is_compacted_with_the_prefixes_as_context(client, path, params):
    response = client.get(path, query_string=params, headers={"Accept": "application/ld+json"})
    assert response.status_code == 200
    document = json.loads(response.data)
    assert document["@context"]["bkg"] == str(namespaces.BKG) or document["@context"].get("rdfs")
    as_jsonld = Graph().parse(data=response.data, format="json-ld")
    as_ntriples = client.get(path, query_string={**params, "format": "ntriples"})
    assert len(as_jsonld) == len(Graph().parse(data=as_ntriples.data, format="nt"))


# ---- one look, no inline script or style (a strict CSP works) ----------------------------------------

PAGES = [
    "/",
    "/id/treaty/ets-185",
    "/id/state/IND",
    "/id/treaty/ets-185/article/16",
    "/term/isPartyTo",
    "/query",
    "/queries",
    "/ontology",
    "/sparql",
    "/graph/links",
]


@pytest.mark.parametrize("path", PAGES)
def test_pages_share_the_look_without_inline_script_or_style(client, path):
    body = html(client, path)
    assert "<style" not in body
    assert " style=" not in body
    assert "<script" not in body
    assert body.count("<h1") == 1


# ---- resource pages curate before they dump ---------------------------------------------------------


def test_a_states_obligations_are_in_the_order_of_the_articles(client):
    body = html(client, "/id/state/FRA")
    section = body.split('id="obligations-h"', 1)[1].split("</section>", 1)[0]
    numbers = [int(n) for n in re.findall(r'href="/id/obligation/ets-185/article-(\d+)"', section)]
    assert len(numbers) > 5
    assert numbers == sorted(numbers)


def test_what_refers_to_a_treaty_is_grouped_by_property_without_the_parties_roles(client):
    body = html(client, "/id/treaty/ets-185")
    refers = Page(body).tables["refers"]
    groups = [row[0] for row in refers[1:]]
    names = [re.sub(r" \(\d+\)$", "", g) for g in groups]
    assert names == sorted(names, key=str.casefold)
    assert not any(name.startswith(("is Party", "is Contracting Party", "is signatory")) for name in names)
    assert "<summary>" in body  # long groups collapsed, with their count


def test_what_refers_to_a_treaty_counts_and_lists_every_referrer_up_to_the_limit(client, build_dir):
    """Each group of "What refers to" has the count of distinct resources pointing to the treaty by that
    property, and lists them all, or the first 300 of a longer group and how many more (counted here
    from the build's N-Quads, line by line, without SPARQL)."""
    treaty = namespaces.ID + "treaty/ets-185"
    referrers: dict[str, set[str]] = {}
    sub_properties: dict[str, set[str]] = {}
    sub_property_of = "http://www.w3.org/2000/01/rdf-schema#subPropertyOf"
    for line in (build_dir / resources.GRAPH_FILE).read_text(encoding="utf-8").splitlines():
        found = re.match(r"<([^>]+)> <([^>]+)> <([^>]+)> ", line)
        if not found:
            continue
        subject, predicate, obj = found.groups()
        if obj == treaty and subject != treaty:
            referrers.setdefault(predicate, set()).add(subject)
        if predicate == sub_property_of:
            sub_properties.setdefault(obj, set()).add(subject)
    roles, todo = set(), [str(namespaces.BKG.isContractingPartyOf), str(namespaces.BKG.isSignatoryOf)]
    while todo:  # the parties' roles and their sub-properties are listed above the table, not in it
        role = todo.pop()
        if role not in roles:
            roles.add(role)
            todo += sub_properties.get(role, ())
    body = html(client, "/id/treaty/ets-185")
    table = body.split('id="refers"', 1)[1].split("</table>", 1)[0]
    shown = {}
    for row in table.split('<tr><th scope="row">')[1:]:
        head, values = row.split("</th>", 1)
        target = re.search(r'href="([^"]+)"', head).group(1)
        count = re.search(r"\((\d+)\)</span>", head)
        listed = set(re.findall(r'title="([^"]+)"', values))
        more = re.search(r"and (\d+) more", values)
        shown[target] = (int(count.group(1)) if count else 1, listed, int(more.group(1)) if more else 0)
    expected = {p: s for p, s in referrers.items() if p not in roles}
    assert any(len(s) > 300 for s in expected.values())  # the limit is exercised
    assert len(shown) == len(expected)
    for predicate, subjects in expected.items():
        local = predicate.removeprefix(str(namespaces.BKG))
        count, listed, more = shown["/term/" + local if local != predicate else predicate]
        assert count == len(subjects), predicate
        assert listed <= subjects, predicate
        assert len(listed) == min(len(subjects), 300), predicate
        assert more == len(subjects) - len(listed), predicate


def test_a_states_page_leads_with_its_status_and_says_what_it_said(client, acts):
    page = Page(html(client, "/id/state/IND"))
    text = page.plain
    assert text.index("Status per treaty") < text.index("Positions and statements") < text.index("All statements")
    assert "2018" in text.split("Positions and statements", 1)[1]
    japan = Page(html(client, "/id/state/JPN")).plain.split("Reservations and declarations", 1)[1]
    made = [r for r in csv_rows("party_statements.csv") if r["party"] == "JPN"]
    assert made
    for row in made:
        assert row["provision"] in japan
        assert row["date"] in japan


def test_a_states_page_shows_its_memberships_and_uncertain_days_as_such(client):
    """Greece's two periods of membership; a Party whose day of entry into force the sources bound but do
    not give (its window, by the treaty's rule, computed here from data/)."""
    greece = Page(html(client, "/id/state/GRC")).plain
    periods = [r for r in ex.rows("coe_membership.csv") if r["iso3"] == "GRC"]
    assert len(periods) == 2
    for row in periods:
        until = f" until {row['left']}" if row["left"] else ""
        assert f"Council of Europe member from {row['joined']}{until}" in " ".join(greece.split())
    uncertain = {}
    for party in ex.parties("ETS 185"):
        low, high = ex.entry_window("ETS 185", party)
        if low != high:
            uncertain[party] = (low, high)
    assert uncertain  # Ecuador's entry into force: its accession is known only within bounds
    for party, (low, high) in uncertain.items():
        text = " ".join(Page(html(client, f"/id/state/{party}")).plain.split())
        assert f"Party from between {low.isoformat()} and {high.isoformat()}" in text, party
