"""The pages a person reads, through Flask's test client; expected values from the oracle (tests/expected.py)."""

from __future__ import annotations

import datetime as dt
import re
import urllib.parse
import xml.etree.ElementTree as ET
from collections import defaultdict
from html.parser import HTMLParser

import pytest

from . import expected as ex
from .web import Site

CONSENTS = ex.CONSENTS
KIND_LABELS = {
    "ratification": "ratification",
    "acceptance": "acceptance",
    "approval": "approval",
    "accession": "accession",
    "consent": "consent to be bound",
}


class Page(HTMLParser):
    """A page's text, its links and its tables (by id), as a person would read them."""

    def __init__(self, html: str):
        super().__init__()
        self.text: list[str] = []
        self.links: list[tuple[str, str]] = []
        self.tables: dict[str, list[list[str]]] = {}
        self.images: list[dict[str, str]] = []
        self._table: str | None = None
        self._row: list[str] | None = None
        self._cell: list[str] | None = None
        self._link: tuple[str, list[str]] | None = None
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "table":
            self._table = attrs.get("id") or f"table-{len(self.tables)}"
            self.tables[self._table] = []
        elif tag == "tr" and self._table:
            self._row = []
        elif tag in ("td", "th") and self._row is not None:
            self._cell = []
        elif tag == "a":
            self._link = (attrs.get("href", ""), [])
        elif tag == "img":
            self.images.append(attrs)

    def handle_endtag(self, tag):
        if tag in ("td", "th") and self._cell is not None and self._row is not None:
            self._row.append(" ".join("".join(self._cell).split()))
            self._cell = None
        elif tag == "tr" and self._row is not None and self._table:
            self.tables[self._table].append(self._row)
            self._row = None
        elif tag == "table":
            self._table = None
        elif tag == "a" and self._link:
            self.links.append((self._link[0], " ".join("".join(self._link[1]).split())))
            self._link = None

    def handle_data(self, data):
        self.text.append(data)
        if self._cell is not None:
            self._cell.append(data)
        if self._link:
            self._link[1].append(data)

    @property
    def plain(self) -> str:
        return " ".join(" ".join(self.text).split())

    def body_rows(self, table: str) -> list[list[str]]:
        return self.tables[table][1:]


def page(site: Site, path: str) -> Page:
    answer = site.get(path, "text/html")
    assert answer.status == 200, (path, answer.status, answer.body[:300])
    assert answer.media == "text/html"
    return Page(answer.text)


@pytest.fixture(scope="module")
def names() -> dict[str, str]:
    return ex.state_names()


@pytest.fixture(scope="module")
def members() -> set[str]:
    return ex.members()


def by_treaty(acts) -> dict[str, dict[str, dict[str, dict]]]:
    """treaty -> iso3 -> act -> row."""
    out: dict = defaultdict(lambda: defaultdict(dict))
    for row in acts:
        out[row["treaty"]][row["party"]][row["act"]] = row
    return out


def test_home_shows_parties_and_signatories_only_per_treaty(client, acts):
    home = page(client, "/")
    rows = {row[0]: row for row in home.body_rows("table-0")}
    for treaty, states in by_treaty(acts).items():
        parties = sum(1 for a in states.values() if "entry-into-force" in a)
        signatories_only = len(ex.signatories(treaty) - ex.acts_of(ex.CONSENTS, treaty))
        row = next(r for name, r in rows.items() if f"({treaty})" in name)
        assert int(row[1]) == parties, treaty
        assert int(row[3]) == signatories_only, treaty
    assert ("/query", "Ask the graph") in home.links
    assert "/id/treaty/ets-185" in {href for href, _ in home.links}


def span(window) -> str:
    """A day, or 'between A and B' where data/ and the treaty's rule give only bounds."""
    low, high = (day.isoformat() for day in window)
    return low if low == high else f"between {low} and {high}"


def test_treaty_page_lists_every_party_with_dates_and_kind_of_consent(client, acts, names, members):
    states = by_treaty(acts)["ETS 185"]
    # An undated deposit or entry into force is shown as what is known of it (computed here by the rule).
    expected = {
        names[iso]: [
            iso,
            KIND_LABELS[next(k for k in a if k in CONSENTS)],
            next(a[k]["date"] for k in a if k in CONSENTS) or span(ex.deposit_window("ETS 185", iso)),
            a["entry-into-force"]["date"] or span(ex.entry_window("ETS 185", iso)),
            "yes" if iso in members else "no",
        ]
        for iso, a in states.items()
        if "entry-into-force" in a
    }
    treaty = page(client, "/id/treaty/ets-185")
    rows = treaty.body_rows("parties")
    assert {row[0]: row[1:] for row in rows} == expected
    assert "Convention on Cybercrime" in treaty.plain
    # Default order: by date of entry into force.
    in_force = [row[4] for row in rows]
    assert in_force == sorted(in_force)
    # Links go to the local page of each State, with its name as the text.
    assert ("/id/state/FRA", "France") in treaty.links


@pytest.mark.parametrize(("column", "index"), [("name", 0), ("iso3", 1), ("consent", 3)])
def test_parties_table_sorts_by_each_column_without_javascript(client, column, index):
    ascending = page(client, f"/id/treaty/ets-185?sort={column}").body_rows("parties")
    descending = page(client, f"/id/treaty/ets-185?sort={column}&order=desc").body_rows("parties")
    key = str.casefold if index == 0 else str
    assert [r[index] for r in ascending] == sorted((r[index] for r in ascending), key=key)
    assert [r[index] for r in descending] == sorted((r[index] for r in ascending), key=key, reverse=True)


def test_chart_is_an_svg_with_alt_text_and_a_table_that_states_its_numbers(client):
    treaty = page(client, "/id/treaty/ets-185")
    chart = next(img for img in treaty.images if img["src"].endswith(".svg"))
    assert "Parties to Convention on Cybercrime" in chart["alt"]
    table = treaty.body_rows("chart-table")
    # Each year's Parties on 31 December, split by Council of Europe membership on that day (no party of
    # ETS 185 has denounced it; Greece's gap in membership, 1969-1974, predates the treaty); a Party whose
    # day of entry into force is known only within bounds (by the treaty's rule) is possible until the
    # latest day, certain after.
    windows = {party: ex.entry_window("ETS 185", party) for party in ex.parties("ETS 185")}
    years = sorted({day.year for window in windows.values() for day in window})
    expected = []
    for year in range(years[0], years[-1] + 1):
        day = dt.date(year, 12, 31)
        certain = {party for party, (_, high) in windows.items() if high <= day}
        possible = {party for party, (low, _) in windows.items() if low <= day} - certain
        on_day = ex.members_on(day.isoformat())
        counts = (len(certain & on_day), len(certain - on_day), len(certain), len(possible))
        expected.append([str(year), *map(str, counts)])
    assert table == expected
    assert any(row[4] != "0" for row in table)  # Ecuador's entry into force is known within bounds
    answer = client.get(chart["src"], "image/svg+xml")
    assert (answer.status, answer.media) == (200, "image/svg+xml")
    root = ET.fromstring(answer.body)
    assert root.tag.endswith("svg")
    text = " ".join(root.itertext())
    assert "Council of Europe members" in text
    assert "Non-member States" in text
    # No script fetched from a CDN (pygal's default): the chart works offline.
    scripts = [el for el in root.iter() if el.tag.endswith("script")]
    assert all(not any(name.endswith("href") or name == "src" for name in el.attrib) for el in scripts)


def test_unknown_treaty_chart_is_404(client):
    answer = client.get("/charts/parties/id/state/FRA.svg", "text/html")
    assert answer.status == 404
    assert "no treaty" in answer.text


def test_state_page_shows_acts_as_a_timeline_categories_and_links(client, acts):
    france = page(client, "/id/state/FRA")
    text = france.plain
    for row in acts:
        if row["party"] == "FRA" and row["date"]:
            assert row["date"] in text, row
    assert "Party to the Convention on Cybercrime" in text
    assert "Party to the Convention on Cybercrime (ETS 185) that is a member of the Council of Europe" in text
    assert ("http://publications.europa.eu/resource/authority/country/FRA") in {h for h, _ in france.links}
    assert "EU authority table" in text
    # The timeline of each treaty is in date order.
    timeline = text.split("Acts on each treaty", 1)[1]
    assert timeline.index("2001-11-23") < timeline.index("2006-01-10") < timeline.index("2006-05-01")


def test_generic_page_renders_labels_not_raw_iris(client):
    event = page(client, "/id/event/ets-185/FRA/consent/1")
    link_texts = {text for _, text in event.links}
    assert {"France", "Convention on Cybercrime", "ratification"} <= link_texts
    assert ("/id/state/FRA", "France") in event.links
    assert "verified" in event.plain  # the provenance graph's verification status


def test_term_page_shows_definition(client):
    term = page(client, "/term/isPartyTo")
    assert "is Party to" in term.plain
    assert "VCLT Art. 2(1)(g)" in term.plain


def test_query_page_runs_a_catalogue_query_and_links_results(client, acts):
    parties = ex.parties_today("ETS 185")
    listing = page(client, "/query")
    assert ("/query?example=parties", ex.query_metadata()["parties"]["summary"]) in listing.links
    result = page(client, "/query?example=parties")
    rows = result.body_rows("results")
    assert {row[1] for row in rows} == parties  # the State (a link to its page), then its ISO code
    assert {href.rsplit("/", 1)[-1] for href, _ in result.links if href.startswith("/id/state/")} == parties
    assert "VALUES ?_treaty" in result.plain  # the parameters are bound, in the editor, to be changed
    downloads = {text: href for href, text in result.links if href.startswith("/sparql?")}
    assert {"json", "xml", "csv", "tsv"} <= set(downloads)
    answer = client.get(downloads["csv"], "*/*")
    assert (answer.status, answer.media) == (200, "text/csv")
    assert len(answer.text.strip().splitlines()) == len(parties) + 1


def test_query_page_shows_errors_clearly(client):
    body = urllib.parse.urlencode({"query": "SELECT WHERE {", "run": "1"}).encode()
    answer = client.request(
        "/query", method="POST", accept="text/html", body=body, content_type="application/x-www-form-urlencoded"
    )
    html = answer.text
    assert (answer.status, answer.media) == (400, "text/html")
    shown = Page(html)
    assert "The query could not run" in shown.plain
    assert "Traceback" not in html
    assert "SELECT WHERE {" in html  # the text stays in the editor to be fixed


def test_query_page_ask_and_construct(client):
    ask = urllib.parse.urlencode({"query": "ASK { ?s ?p ?o }", "run": "1"})
    assert "Answer: yes" in page(client, "/query?" + ask).plain
    construct = urllib.parse.urlencode(
        {
            "query": "CONSTRUCT { <https://w3id.org/budapest-kg/id/state/FRA> ?p ?o } "
            "WHERE { <https://w3id.org/budapest-kg/id/state/FRA> ?p ?o }",
            "run": "1",
        }
    )
    shown = page(client, "/query?" + construct)
    assert ("/id/state/FRA", "France") in shown.links
    assert "turtle" in {text for _, text in shown.links}


def test_query_results_never_link_a_non_web_iri(client):
    query = urllib.parse.urlencode({"query": 'SELECT ?x WHERE { BIND(IRI("javascript:alert(1)") AS ?x) }', "run": "1"})
    shown = page(client, "/query?" + query)
    assert shown.body_rows("results") == [["javascript:alert(1)"]]
    assert not any(href.startswith("javascript:") for href, _ in shown.links)


def test_treaty_page_lists_the_articles_in_the_order_of_the_text(client):
    articles = [r for r in ex.rows("articles_185.csv") if r["unit"] == "article"]
    treaty = page(client, "/id/treaty/ets-185")
    first_seen: list[str] = []
    for href, _ in treaty.links:
        match = re.fullmatch(r"/id/treaty/ets-185/article/(\d+)", href)
        if match and match.group(1) not in first_seen:
            first_seen.append(match.group(1))
    assert first_seen == sorted((r["number"] for r in articles), key=int)
    for row in articles:
        assert f"Art. {row['number']}: {row['heading_en']}" in treaty.plain


def test_article_page_shows_its_obligation_and_the_reservations_it_allows_and_received(client):
    articles = {r["number"]: r for r in ex.rows("articles_224.csv") if r["unit"] == "article"}
    clauses = [
        r for r in ex.rows("reservations_declarations.csv") if r["treaty"] == "CETS 224" and r["kind"] == "reservation"
    ]
    made = [r for r in ex.rows("party_statements.csv") if r["treaty"] == "CETS 224" and r["kind"] == "reservation"]
    number = re.match(r"Art\. (\d+)", made[0]["provision"]).group(1)
    article = page(client, f"/id/treaty/cets-224/article/{number}")
    assert articles[number]["heading_en"] in article.plain
    assert ("/id/treaty/cets-224", "Second Additional Protocol (electronic evidence)") in article.links
    assert ("obligation" in article.plain.split("Obligations", 1)[1]) == (articles[number]["obligation"] == "yes")
    for clause in clauses:
        if number in clause["articles"].split(";"):
            assert clause["description"] in article.plain
    for row in made:
        if re.match(rf"Art\. {number}\b", row["provision"]):
            assert any(f"/{row['party']}/reservation/" in href for href, _ in article.links), row


@pytest.mark.parametrize("subject", ["state/FRA", "state/JPN", "treaty/ets-185"])
def test_pages_link_to_other_datasets_as_listed_in_links_csv(client, subject):
    # An empty target records a link that could not be sourced: it gives no triple.
    targets = {r["target"] for r in ex.rows("links.csv") if r["subject"] == subject and r["target"]}
    assert targets, subject
    shown = {href for href, _ in page(client, f"/id/{subject}").links}
    assert targets <= shown
