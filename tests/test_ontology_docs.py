"""The ontology documentation: generated from the Turtle at build time, served at /ontology."""

from __future__ import annotations

from html.parser import HTMLParser

import pytest
from budapest_kg.endpoint import create_app
from budapest_kg.endpoint.config import Config
from rdflib import Graph, Literal
from rdflib.namespace import OWL, RDF, RDFS, SKOS

from budapest_kg import resources
from budapest_kg.namespaces import BKG

from .conftest import close_engine
from .web import AppClient

TERM_KINDS = (OWL.Class, OWL.ObjectProperty, OWL.DatatypeProperty)


def get(site, path: str, accept: str | None = None) -> tuple[int, str, bytes]:
    answer = site.get(path, accept)
    return answer.status, answer.headers.get("Content-Type"), answer.body


class Anchors(HTMLParser):
    """Collects the id of every documented term and the text of the page."""

    def __init__(self):
        super().__init__()
        self.ids: set[str] = set()
        self.text: list[str] = []

    def handle_starttag(self, tag, attrs):
        if tag == "section":
            self.ids.update(value for name, value in attrs if name == "id")

    def handle_data(self, data):
        self.text.append(data)


@pytest.fixture(scope="module")
def source_ontology() -> Graph:
    """The hand-edited Turtle, read independently of the build."""
    graph = Graph()
    for path in sorted(resources.PACKAGED.ontology_dir.glob("*.ttl")):
        graph.parse(path, format="turtle")
    return graph


@pytest.fixture(scope="module")
def server(apps) -> AppClient:
    return AppClient(apps.app("oxigraph"))


def own_terms(graph: Graph) -> set:
    return {s for kind in TERM_KINDS for s in graph.subjects(RDF.type, kind) if str(s).startswith(str(BKG))}


def test_html_documents_every_term_with_label_definition_and_french_label(server, source_ontology):
    status, content_type, body = get(server, "/ontology", "text/html,application/xhtml+xml;q=0.9,*/*;q=0.8")
    assert status == 200
    assert content_type.startswith("text/html")
    page = Anchors()
    page.feed(body.decode("utf-8"))
    text = " ".join(page.text)
    terms = own_terms(source_ontology)
    assert terms
    for term in terms:
        assert str(term)[len(str(BKG)) :] in page.ids, term
        assert str(source_ontology.value(term, SKOS.definition)) in text, term
        for label in source_ontology.objects(term, RDFS.label):
            assert isinstance(label, Literal)
            assert str(label) in text, (term, label)


def test_html_shows_super_classes_domains_ranges_and_alignments(server):
    _, _, body = get(server, "/ontology")
    html = body.decode("utf-8")
    party = html[html.index('id="Party"') : html.index("</section>", html.index('id="Party"'))]
    assert 'href="#ContractingParty"' in party  # super-class
    is_party = html[html.index('id="isPartyTo"') : html.index("</section>", html.index('id="isPartyTo"'))]
    assert "Domain" in is_party
    assert 'href="#Treaty"' in is_party  # range
    treaty = html[html.index('id="Treaty"') : html.index("</section>", html.index('id="Treaty"'))]
    assert "Alignment" in treaty
    assert "eli:LegalResource" in treaty


@pytest.mark.parametrize(
    ("accept", "override", "media_type", "rdflib_format"),
    [
        ("text/turtle", None, "text/turtle", "turtle"),
        ("application/rdf+xml", None, "application/rdf+xml", "xml"),
        ("application/ld+json", None, "application/ld+json", "json-ld"),
        (None, "ntriples", "application/n-triples", "nt"),
        ("text/html", "turtle", "text/turtle", "turtle"),
    ],
)
def test_machines_get_the_ontology_as_rdf(server, source_ontology, accept, override, media_type, rdflib_format):
    path = "/ontology" + (f"?format={override}" if override else "")
    status, content_type, body = get(server, path, accept)
    assert status == 200
    assert content_type.split(";")[0] == media_type
    served = Graph().parse(data=body, format=rdflib_format)
    assert len(served) == len(source_ontology)
    assert own_terms(served) == own_terms(source_ontology)


def test_unavailable_format_is_406_naming_the_choices(server):
    status, _, body = get(server, "/ontology", "image/png")
    assert status == 406
    assert b"text/html" in body
    assert b"text/turtle" in body


def test_missing_docs_in_an_old_build_is_404_with_the_reason(build_dir, tmp_path):
    old = tmp_path / "old-build"
    old.mkdir()
    for name in (resources.GRAPH_FILE, resources.MANIFEST_FILE):
        (old / name).write_bytes((build_dir / name).read_bytes())
    app = create_app(Config.load(build_dir=old, workers=0))
    status, _, body = get(AppClient(app), "/ontology", "text/html")
    close_engine(app)
    assert status == 404
    assert b"ontology.html is missing" in body
