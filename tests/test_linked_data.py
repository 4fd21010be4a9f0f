"""Linked Data (through Flask's test client): every kind of IRI under the base dereferences, in every format."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest
from budapest_kg.endpoint import create_app
from budapest_kg.endpoint.config import Config
from rdflib import Dataset, Graph, Literal, URIRef
from rdflib.compare import isomorphic
from rdflib.namespace import RDF, RDFS

from budapest_kg.namespaces import BASE, BKG, ID

from .conftest import close_engine
from .test_site import Page
from .web import AppClient

RDF_FORMATS = {  # media type -> rdflib parser
    "text/turtle": "turtle",
    "application/ld+json": "json-ld",
    "application/n-triples": "nt",
    "application/rdf+xml": "xml",
}
EXTENSIONS = {"ttl": "text/turtle", "jsonld": "application/ld+json", "nt": "application/n-triples"}
EXTENSIONS["rdf"] = "application/rdf+xml"


def get(site, path: str, accept: str | None = None) -> tuple[int, str, bytes]:
    answer = site.get(path, accept)
    return answer.status, answer.media, answer.body


def parse(body: bytes, media: str) -> Graph:
    return Graph().parse(data=body, format=RDF_FORMATS[media])


def local(iri: str) -> str:
    if iri.startswith(str(BKG)):
        return "/term/" + iri[len(str(BKG)) :]
    return "/" + iri[len(BASE) :]


@pytest.fixture(scope="module")
def sample_iris(build_dir) -> list[str]:
    """One resource of every type under the base (things and ontology terms) and every treaty."""
    dataset = Dataset(default_union=True)
    dataset.parse(str(build_dir / "graph.nq"), format="nquads")
    chosen: dict[str, str] = {}
    for subject, _, cls in sorted(dataset.triples((None, RDF.type, None))):
        if isinstance(subject, URIRef) and str(subject).startswith((str(ID), str(BKG))):
            chosen.setdefault(str(cls), str(subject))
    treaties = {str(s) for s in dataset.subjects(RDF.type, BKG.Treaty)}
    return sorted(set(chosen.values()) | treaties)


def test_every_kind_of_iri_dereferences_as_html_and_turtle(client, sample_iris):
    assert len(sample_iris) > 20
    assert any(iri.startswith(str(BKG)) for iri in sample_iris)
    for iri in sample_iris:
        status, media, body = get(client, local(iri), "text/html")
        assert (status, media) == (200, "text/html"), iri
        assert f"<code>{iri}</code>" in body.decode()
        status, media, body = get(client, local(iri), "text/turtle")
        assert (status, media) == (200, "text/turtle"), iri
        assert (URIRef(iri), None, None) in parse(body, media), iri


def test_negotiation_by_accept_extension_and_format_give_the_same_graph(client):
    url = "/id/state/FRA"
    status, media, body = get(client, url)  # no Accept: Turtle, like curl
    assert (status, media) == (200, "text/turtle")
    reference = parse(body, media)
    assert (ID["state/FRA"], BKG.iso3166Alpha3, Literal("FRA")) in reference
    assert (ID["state/FRA"], RDFS.label, Literal("France", lang="en")) in reference
    for media in RDF_FORMATS:
        status, got, body = get(client, url, media)
        assert (status, got) == (200, media)
        assert isomorphic(parse(body, media), reference), media
    for extension, media in EXTENSIONS.items():
        status, got, body = get(client, f"{url}.{extension}", "text/html")  # the extension wins over Accept
        assert (status, got) == (200, media)
        assert isomorphic(parse(body, media), reference), extension
    for name, media in (("turtle", "text/turtle"), ("jsonld", "application/ld+json"), ("nt", "application/n-triples")):
        status, got, body = get(client, f"{url}?format={name}", "text/html")
        assert (status, got) == (200, media)
        assert isomorphic(parse(body, media), reference), name


def test_browsers_get_html(client):
    browser_accept = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"
    status, media, body = get(client, "/id/state/FRA", browser_accept)
    assert (status, media) == (200, "text/html")
    assert "<h1>France</h1>" in body.decode()


@pytest.mark.parametrize("path", ["/id/state/XXX", "/id/state/FRA/nothing", "/term/NoSuchTerm", "/id/state/XXX.ttl"])
def test_unknown_iri_is_404_naming_it(client, path):
    status, _, body = get(client, path, "text/plain")
    assert status == 404
    assert body.decode().startswith("404 Not Found: no resource <https://w3id.org/budapest-kg/")
    # A browser gets the same reason as a page of the site, with its navigation.
    status, media, body = get(client, path, "text/html")
    assert (status, media) == (404, "text/html")
    assert "<h1>404 Not Found</h1>" in body.decode()
    assert "no resource &lt;https://w3id.org/budapest-kg/" in body.decode()
    assert 'href="/query"' in body.decode()


def test_unsupported_format_is_406_naming_the_choices(client):
    status, _, body = get(client, "/id/state/FRA?format=pdf")
    assert status == 406
    assert "text/turtle" in body.decode()
    assert "text/html" in body.decode()


def test_base_iri_must_be_http_and_end_in_slash():
    result = subprocess.run(
        [sys.executable, "-m", "budapest_kg", "validate"],
        capture_output=True, text=True, timeout=60,
        env={**os.environ, "BKG_BASE_IRI": "https://example.org/kg"},
    )  # fmt: skip
    assert result.returncode == 2
    assert "BKG_BASE_IRI: 'https://example.org/kg' must be an http(s) IRI ending in '/'" in result.stderr
    assert "Traceback" not in result.stderr


ARTICLE_GRAPH = """
@base <http://example.org/kg/id/> .
@prefix voc: <http://example.org/kg/ontology#> .
@prefix eli: <http://data.europa.eu/eli/ontology#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
<treaty/t1> a voc:Treaty ; voc:seriesNumber "ETS 1" ; rdfs:label "Test treaty"@en .
<treaty/t1/chapter/2> a eli:LegalResourceSubdivision ; eli:is_part_of <treaty/t1> ; rdfs:label "Chapter II"@en ;
    eli:number "2" .
<treaty/t1/art/10> a voc:Article , eli:LegalResourceSubdivision ; eli:is_part_of <treaty/t1/chapter/2> ,
    <treaty/t1> ; rdfs:label "Article 10"@en ; eli:title "Offences related to copyright"@en ; eli:number "10" .
<treaty/t1/art/9> a voc:Article , eli:LegalResourceSubdivision ; eli:is_part_of <treaty/t1/chapter/2> ,
    <treaty/t1> ; rdfs:label "Article 9"@en ; eli:number "9" .
<obligation/o1> a voc:Obligation ; rdfs:label "Criminalise copyright infringement"@en ;
    voc:establishedBy <treaty/t1/art/10> .
<reservation/r1> a voc:Reservation ; rdfs:label "Reservation of Testland"@en ; voc:concerns <treaty/t1/art/10> .
<treaty/t1/art/10> voc:reservationsAllowed "paragraph 3"@en .
"""


@pytest.fixture(scope="module")
def other_base_server(tmp_path_factory):
    """A server whose graph and base are http://example.org/kg/: a configured base resolves locally."""
    build = tmp_path_factory.mktemp("other-base")
    graph = Graph().parse(data=ARTICLE_GRAPH, format="turtle")
    dataset = Dataset()
    data = dataset.graph(URIRef("http://example.org/kg/graph/data"))
    for triple in graph:
        data.add(triple)
    dataset.serialize(str(build / "graph.nq"), format="nquads")
    (build / "manifest.json").write_text('{"base_iri": "http://example.org/kg/"}', encoding="utf-8")
    app = create_app(Config.load(build_dir=build, workers=0))  # no worker processes for six triples
    yield AppClient(app)
    close_engine(app)


def test_configured_base_resolves_on_localhost(other_base_server):
    status, media, body = get(other_base_server, "/id/treaty/t1/art/10", "text/turtle")
    assert (status, media) == (200, "text/turtle")
    assert (URIRef("http://example.org/kg/id/treaty/t1/art/10"), None, None) in parse(body, media)
    assert get(other_base_server, "/id/state/FRA")[0] == 404


def test_article_page_shows_structure_obligation_and_reservations(other_base_server):
    status, _, body = get(other_base_server, "/id/treaty/t1/art/10", "text/html")
    assert status == 200
    article = Page(body.decode())
    assert ("/id/treaty/t1", "Test treaty") in article.links  # breadcrumb to the treaty
    assert ("/id/treaty/t1/chapter/2", "Chapter II") in article.links
    assert ("/id/obligation/o1", "Criminalise copyright infringement") in article.links
    assert ("/id/reservation/r1", "Reservation of Testland") in article.links
    assert "Offences related to copyright" in article.plain
    assert "paragraph 3" in article.plain


def test_treaty_page_shows_article_structure_in_order(other_base_server):
    status, _, body = get(other_base_server, "/id/treaty/t1", "text/html")
    assert status == 200
    treaty = Page(body.decode())
    texts = [text for href, text in treaty.links if href.startswith("/id/treaty/t1/")]
    assert texts[:3] == ["Chapter II", "Article 9", "Article 10"]


def test_named_graphs_dereference_with_their_triples(client, build_dir):
    dataset = Dataset()
    dataset.parse(str(build_dir / "graph.nq"), format="nquads")
    ontology = dataset.graph(URIRef(BASE + "graph/ontology"))
    status, media, body = get(client, "/graph/ontology", "text/html")
    assert (status, media) == (200, "text/html")
    assert f'<strong id="size">{len(ontology)}</strong>' in body.decode()
    status, media, body = get(client, "/graph/ontology.nt")
    assert (status, media) == (200, "application/n-triples")
    assert isomorphic(parse(body, media), ontology)
    assert get(client, "/graph/nothing")[0] == 404
