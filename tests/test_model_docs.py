"""docs/ontology.md says what the ontology and the build hold: its diagram is the build's, its queries
run and answer, its tables name the ontology's terms, codes and deprecations as the Turtle has them."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from budapest_kg.graph_builder.diagram import END, START, block_of, load_build, mermaid, rewrite
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, OWL, RDF, SKOS

from budapest_kg import resources

from . import expected as ex

ROOT = Path(__file__).resolve().parents[1]
DOC = ROOT / "docs" / "ontology.md"
BKG = URIRef(ex.BKG)


@pytest.fixture(scope="module")
def text() -> str:
    return DOC.read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def store(build_dir):
    return ex.load_store(build_dir)


@pytest.fixture(scope="module")
def ontology() -> Graph:
    return Graph().parse(resources.PACKAGED.ontology_dir / "budapest.ttl")


@pytest.fixture(scope="module")
def deprecated() -> Graph:
    return Graph().parse(resources.PACKAGED.ontology_dir / "deprecated.ttl")


def section(text: str, title: str) -> str:
    return text.split(f"## {title}\n", 1)[1].split("\n## ", 1)[0]


def test_the_diagram_is_the_builds(build_dir):
    drawn = block_of(DOC)
    assert drawn == mermaid(load_build(build_dir)), (
        "docs/ontology.md's diagram is out of date: "
        "python -m budapest_kg.graph_builder.diagram <build> docs/ontology.md"
    )


def test_the_diagram_draws_the_model(build_dir):
    diagram = mermaid(load_build(build_dir))
    # Independently of how it is drawn: the links the model is made of are there.
    for line in (
        "Participation --> Treaty : treaty",
        "Participation --> Period : partyDuring",
        "Membership --> Period : memberDuring",
        "Succession --> Participation : succeedsTo",
        "Reservation --> Norm : excludes",
        "Norm --> CategoryOfATreaty : bearer",
        "TreatyRule --> RuleKind : ruleKind",
        "Agent <|-- State",
        "Agent <|-- InternationalOrganisation",
    ):
        assert f"  {line}" in diagram.splitlines(), line


def test_rewriting_replaces_only_the_block(tmp_path):
    doc = tmp_path / "doc.md"
    doc.write_text(f"# Title\n\nbefore\n\n{START}\nold\n{END}\n\nafter\n", encoding="utf-8")
    rewrite(doc, "```mermaid\nnew\n```")
    assert doc.read_text(encoding="utf-8") == f"# Title\n\nbefore\n\n{START}\n```mermaid\nnew\n```\n{END}\n\nafter\n"
    assert block_of(doc) == "```mermaid\nnew\n```"


def test_every_query_in_the_document_runs_and_answers(text, store):
    queries = re.findall(r"```sparql\n(.*?)```", text, flags=re.S)
    assert len(queries) >= 6
    for query in queries:
        assert ex.select(store, query), query


def test_terms_named_outside_the_changes_are_current_terms(text, ontology, deprecated):
    current = {str(s)[len(BKG) :] for s in ontology.subjects() if str(s).startswith(str(BKG))}
    old = {str(s)[len(BKG) :] for s in deprecated.subjects(OWL.deprecated, Literal(True))}
    named = set(re.findall(r"bkg:([A-Za-z]+)", text.split("## Changes from 0.2.0", 1)[0]))
    assert named
    assert not named - current, sorted(named - current)
    assert not named & old


def test_the_changes_table_names_every_deprecated_term_and_its_replacement(text, ontology, deprecated):
    changes = section(text, "Changes from 0.2.0")
    rows = [line for line in changes.splitlines() if line.startswith("| `")]
    for term in deprecated.subjects(OWL.deprecated, Literal(True)):
        name = str(term)[len(BKG) :]
        row = next((r for r in rows if f"`bkg:{name}`" in r.split(" | ")[0]), None)
        assert row is not None, name
        replacement = deprecated.value(term, DCTERMS.isReplacedBy)
        if replacement is not None:
            assert f"`bkg:{str(replacement)[len(BKG) :]}`" in row.split(" | ")[1], name
            assert (replacement, None, None) in ontology, replacement


def test_the_action_codes_table_is_the_ontologys(text, ontology):
    mapping = section(text, "Mapping to other vocabularies")
    table = dict(re.findall(r"^\| `([A-Za-z]+)` \| `bkg:(By[A-Za-z]+)` \|", mapping, flags=re.M))
    in_ontology = {
        str(code): str(kind)[len(BKG) :]
        for kind in ontology.subjects(RDF.type, BKG + "ConsentKind")
        for code in ontology.objects(kind, SKOS.notation)
    }
    assert table == in_ontology
    assert "bkg:ByRatification" in mapping  # a bare date in the UN tables: no code, still mapped


def test_the_rules_named_are_the_rules_shipped(text):
    shipped = {p.stem for p in (resources.PACKAGED.ontology_dir / "rules").glob("*.rq")}
    named = set(re.findall(r"`(\d\d_[a-z_]+)(?:\.rq)?`", text))
    assert named
    assert named <= shipped, sorted(named - shipped)


def test_the_category_table_lists_every_kind_generated(text, store):
    slugs = {
        r["c"].rsplit("/", 1)[-1]
        for r in ex.select(store, f"SELECT DISTINCT ?c WHERE {{ ?c <{ex.BKG}categoryOf> ?t }}")
    }
    table = section(text, "Categories generated per treaty")
    listed = set(re.findall(r"`([a-z-]+)`", table))
    assert slugs
    assert slugs <= listed, sorted(slugs - listed)
