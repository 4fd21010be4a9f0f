"""Links to other open data: their own sourced table, their own named graph, checked shapes."""

from __future__ import annotations

import csv
import re

import pycountry
import pytest
from budapest_kg.graph_builder.build import make_graphs
from budapest_kg.graph_builder.sources import DataError
from rdflib import Dataset, URIRef
from rdflib.namespace import OWL, RDFS, SKOS

from budapest_kg import resources
from budapest_kg.namespaces import ID, LINKS_GRAPH

from . import expected as ex
from .conftest import copy_inputs

SHAPES = {  # every external IRI must match one of these, by the scheme it claims to be
    "eu-country": re.compile(r"^http://publications\.europa\.eu/resource/authority/country/[A-Z]{3}$"),
    "iso": re.compile(r"^https://www\.iso\.org/obp/ui/#iso:code:3166:[A-Z]{2}$"),
    "wikidata": re.compile(r"^http://www\.wikidata\.org/entity/Q[1-9]\d*$"),
    "geonames": re.compile(r"^https://sws\.geonames\.org/[1-9]\d*/$"),
    "dbpedia": re.compile(r"^http://dbpedia\.org/resource/[A-Za-z0-9_(),%-]+$"),
    "coe": re.compile(r"^https://www\.coe\.int/en/web/conventions/full-list\?module=[a-z-]+&treatynum=(185|189|224)$"),
    "eli": re.compile(r"^http://data\.europa\.eu/eli/(dec|dir|reg)/\d{4}/\d+/oj$"),
    "untc": re.compile(
        r"^https://treaties\.un\.org/(Pages/ViewDetails\.aspx\?src=TREATY&mtdsg_no=[IVXLC]+-\d+&chapter=\d+&clang=_en"
        r"|doc/Publication/MTDSG/Volume%20II?/Chapter%20[IVXLC]+/[IVXLC]+-\d+\.en\.xml)$"
    ),
    "unodc": re.compile(r"^https://www\.unodc\.org/unodc/en/cybercrime/convention/home\.html$"),
    "celex": re.compile(r"^https://eur-lex\.europa\.eu/legal-content/EN/TXT/\?uri=CELEX:3\d{4}[A-Z]\d{4}$"),
}


def read_links() -> list[dict[str, str]]:
    return ex.rows("links.csv")


def states() -> dict[str, str]:
    """ISO alpha-3 -> alpha-2 of the States that exist, computed with pycountry independently of the build.

    A former State (Serbia and Montenegro, ISO 3166-3) has no page in the ISO browsing platform and no link
    could be sourced for it in the EU table: none is recorded.
    """
    return {iso3: country.alpha_2 for iso3 in ex.state_names() if (country := pycountry.countries.get(alpha_3=iso3))}


@pytest.fixture(scope="module")
def links_graph(build_dir):
    dataset = Dataset()
    dataset.parse(build_dir / resources.GRAPH_FILE, format="nquads")
    return dataset.graph(LINKS_GRAPH)


def test_every_link_has_a_known_shape_and_a_source():
    for number, row in enumerate(read_links(), start=2):
        if not row["target"]:
            assert row["note"], f"links.csv:{number}: an empty target needs a note saying why"
            continue
        assert row["source"], f"links.csv:{number}: no source"
        assert row["relation"] in ("skos:exactMatch", "rdfs:seeAlso"), f"links.csv:{number}"
        assert any(shape.match(row["target"]) for shape in SHAPES.values()), f"links.csv:{number}: {row['target']}"


def test_state_identifiers_match_the_state():
    iso2 = states()
    for row in read_links():
        iso3 = row["subject"].removeprefix("state/")
        if not row["subject"].startswith("state/") or not row["target"]:
            continue
        if "authority/country/" in row["target"]:
            assert row["target"].endswith("/" + iso3)
        if "iso.org" in row["target"]:
            assert row["target"].endswith(":" + iso2[iso3])


def test_no_state_lacks_its_eu_and_iso_links(links_graph):
    for iso3, iso2 in states().items():
        state = ID[f"state/{iso3}"]
        eu = URIRef(f"http://publications.europa.eu/resource/authority/country/{iso3}")
        iso = URIRef(f"https://www.iso.org/obp/ui/#iso:code:3166:{iso2}")
        assert (state, SKOS.exactMatch, eu) in links_graph, iso3
        assert (state, RDFS.seeAlso, iso) in links_graph, iso3


def test_each_state_has_one_wikidata_and_one_geonames_identifier_at_most(links_graph):
    for iso3 in states():
        targets = [str(o) for o in links_graph.objects(ID[f"state/{iso3}"], SKOS.exactMatch)]
        assert sum("wikidata.org" in t for t in targets) <= 1, iso3
        assert sum("geonames.org" in t for t in targets) <= 1, iso3


def test_links_graph_holds_what_the_table_says_and_no_owl_same_as(links_graph):
    relations = {"skos:exactMatch": SKOS.exactMatch, "rdfs:seeAlso": RDFS.seeAlso}
    for row in read_links():
        if row["target"]:
            assert (ID[row["subject"]], relations[row["relation"]], URIRef(row["target"])) in links_graph
    assert not list(links_graph.triples((None, OWL.sameAs, None)))


def test_eu_acts_are_linked_to_the_treaties(links_graph):
    decision = URIRef("http://data.europa.eu/eli/dec/2023/436/oj")
    assert (ID["treaty/cets-224"], RDFS.seeAlso, decision) in links_graph
    directive = URIRef("https://eur-lex.europa.eu/legal-content/EN/TXT/?uri=CELEX:32013L0040")
    assert (ID["treaty/ets-185"], RDFS.seeAlso, directive) in links_graph


def test_bad_links_are_reported_with_file_and_line(project_copy):
    path = project_copy / "data" / "links.csv"
    with open(path, "a", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(["state/QQQ", "skos:exactMatch", "http://www.wikidata.org/entity/Q1", "", "src", ""])
        writer.writerow(["state/FRA", "owl:sameAs", "http://www.wikidata.org/entity/Q1", "", "src", ""])
        writer.writerow(["state/FRA", "skos:exactMatch", "not an iri", "", "src", ""])
        writer.writerow(["state/FRA", "skos:exactMatch", "", "", "", ""])
    lines = len(path.read_text(encoding="utf-8").splitlines())
    with pytest.raises(DataError) as caught:
        make_graphs(copy_inputs(project_copy))
    problems = [str(p) for p in caught.value.problems]
    assert f"{path}:{lines - 3}: subject: 'state/QQQ' is not a State or treaty of the graph" in problems
    assert f"{path}:{lines - 2}: relation: 'owl:sameAs' is not one of skos:exactMatch, rdfs:seeAlso" in problems
    assert f"{path}:{lines - 1}: target: 'not an iri' is not an absolute http(s) IRI" in problems
    assert f"{path}:{lines}: note: a row without a target must say why in the note" in problems
