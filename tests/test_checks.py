"""The build's checks: SHACL shapes and *_violation queries each name what they catch.

One copy of the project is broken in many independent ways at once (one build, not one per
check); each test then asserts that its check names the resource broken for it.
"""

from __future__ import annotations

import re

import pytest
from budapest_kg.graph_builder.build import make_graphs
from budapest_kg.graph_builder.checks import CheckError, run_checks
from budapest_kg.graph_builder.sources import DataError
from rdflib import RDF, Graph, URIRef

from budapest_kg import resources

from . import expected as ex
from .conftest import call_command, copy_inputs, copy_project

ID = "https://w3id.org/budapest-kg/id/"
BKG = "https://w3id.org/budapest-kg/ontology#"
PREFIXES = """
@prefix bkg: <https://w3id.org/budapest-kg/ontology#> .
@prefix owl: <http://www.w3.org/2002/07/owl#> .
@prefix org: <http://www.w3.org/ns/org#> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
"""


def pick_states() -> dict[str, str]:
    """States chosen from data/ in plain Python so that each break touches a State no other break does."""
    acts = ex.rows("acts.csv")
    states = sorted(row["iso3"] for row in ex.rows("states.csv"))
    has = {(row["treaty"], row["party"]) for row in acts}
    consent = {(r["treaty"], r["party"]) for r in acts if r["act"] not in ("signature", "entry-into-force")}
    used = {"FRA", "DEU", "USA", "CAN", "ITA"}
    outsider = next(s for s in states if ("ETS 185", s) not in consent and ("ETS 189", s) not in has and s not in used)
    used.add(outsider)
    party = next(s for s in states if ("ETS 185", s) in consent and ("ETS 189", s) not in has and s not in used)
    used.add(party)
    no_224 = next(s for s in states if ("CETS 224", s) not in has and s not in used)
    return {"outsider": outsider, "party": party, "no_224": no_224}


@pytest.fixture(scope="module")
def broken(tmp_path_factory) -> tuple[CheckError, dict[str, str]]:
    """Break a copy of the project on purpose and return the CheckError its build raises."""
    root = copy_project(tmp_path_factory.mktemp("broken"))
    picked = pick_states()
    acts = (root / "data" / "acts.csv").read_text(encoding="utf-8")
    outsider = picked["outsider"]
    acts += f"ETS 189,{outsider},accession,2999-01-01,,,,verified,test source,,\n"  # a deposit cannot lie ahead
    (root / "data" / "acts.csv").write_text(acts, encoding="utf-8")
    party, no_224 = picked["party"], picked["no_224"]
    turtle = (
        PREFIXES
        + f"""
id:state/FRA bkg:iso3166Alpha3 "FRX" .
id:membership/council-of-europe/FRA/1949-05-05 bkg:endDate "1948-12-31"^^xsd:date .
id:event/test/no-treaty a bkg:Signature ; bkg:signatory id:state/DEU .
id:event/ets-189/{party}/consent/1 a bkg:Ratification ; bkg:treaty id:treaty/ets-189 ;
    bkg:consentingParty id:state/{party} ; bkg:date "2010-05-01"^^xsd:date .
id:event/ets-189/{party}/entry-into-force/1 a bkg:EntryIntoForceForParty ; bkg:treaty id:treaty/ets-189 ;
    bkg:boundParty id:state/{party} ; bkg:date "2010-01-01"^^xsd:date .
id:state/{no_224} bkg:isPartyTo id:treaty/cets-224 .
id:membership/test a bkg:Membership ; org:member id:state/DEU ; org:organization id:organisation/council-of-europe .
id:event/ets-185/FRA/consent/1 bkg:date "2006-01-11"^^xsd:date .
id:event/ets-185/USA/signature/1 bkg:signatory id:state/CAN .
bkg:UndocumentedTerm a owl:Class .
id:state/FRA owl:sameAs id:state/FRA .
id:state/DEU a owl:Thing .
id:state/ITA a [ a owl:Class ] .
"""
    )
    turtle = re.sub(r"\bid:(\S+)", lambda m: f"<{ID}{m.group(1)}>", turtle)  # IRIs with slashes
    (root / "ontology" / "zz_broken.ttl").write_text(turtle, encoding="utf-8")
    with pytest.raises(CheckError) as caught:
        make_graphs(copy_inputs(root))
    return caught.value, picked


def rows_of(error: CheckError, check: str) -> list[str]:
    found = [v for v in error.violations if v.check.name == check]
    assert found, f"{check} did not fire; fired: {[v.check.name for v in error.violations]}"
    return found[0].rows


@pytest.mark.parametrize(
    ("check", "expected"),
    [
        ("date_out_of_range_violation.rq", ["resource={id}membership/council-of-europe/FRA/1949-05-05", "1948-12-31"]),
        ("date_out_of_range_violation.rq", ["resource={id}event/ets-189/{outsider}/consent/1", "2999-01-01"]),
        ("protocol_consent_without_convention_violation.rq", ["consent={id}event/ets-189/{outsider}/consent/1"]),
        (
            "entry_into_force_before_consent_violation.rq",
            ["entryIntoForce={id}event/ets-189/{party}/entry-into-force/1"],
        ),
        ("party_without_consent_violation.rq", ["state={id}state/{no_224}", "treaty={id}treaty/cets-224"]),
        ("event_without_treaty_violation.rq", ["event={id}event/test/no-treaty"]),
        ("state_with_two_iso_codes_violation.rq", ["state={id}state/FRA", "code=FRX"]),
        ("term_without_label_violation.rq", ["term={bkg}UndocumentedTerm"]),
        ("reasoner_noise_violation.rq", ["resource={id}state/FRA", "reflexive owl:sameAs"]),
        ("reasoner_noise_violation.rq", ["resource={id}state/DEU", "owl#Thing"]),
        ("reasoner_noise_violation.rq", ["resource={id}state/ITA", "blank node"]),
    ],
)
def test_violation_query_names_the_offending_resource(broken, check, expected):
    error, picked = broken
    wanted = [part.format(id=ID, bkg=BKG, **picked) for part in expected]
    rows = rows_of(error, check)
    assert any(all(part in row for part in wanted) for row in rows), rows


@pytest.mark.parametrize(
    ("focus", "path", "message"),
    [
        ("state/FRA", "iso3166Alpha3", "exactly one ISO 3166-1 alpha-3 code"),
        ("event/test/no-treaty", "ontology#treaty", "exactly one treaty"),
        ("event/test/no-treaty", "", "exactly one record"),
        ("event/test/no-treaty", "inParticipation", "exactly one participation"),
        ("membership/test", "memberDuring", "at least one period"),
        ("event/ets-185/FRA/consent/1", "ontology#date", "at most one date"),
        ("event/ets-185/USA/signature/1", "ontology#actor", "exactly one party"),
    ],
)
def test_shapes_name_focus_node_path_and_message(broken, focus, path, message):
    error, _ = broken
    rows = rows_of(error, "data.ttl")
    assert any(f"focus={ID}{focus} " in row and path in row and message in row for row in rows), rows


def test_the_real_project_passes_every_check(build_dir):
    assert (build_dir / "graph.nq").is_file()  # the session build ran the shapes and all checks


def test_violations_print_readably(broken):
    error, _ = broken
    text = "\n".join(str(v) for v in error.violations)
    assert "data.ttl: " in text
    assert "focus=" in text
    assert "message=" in text
    assert "date_out_of_range_violation.rq: " in text


def test_broken_check_query_names_its_file(tmp_path):
    (tmp_path / "broken_violation.rq").write_text("SELECT ?x WHERE { ?x", encoding="utf-8")
    with pytest.raises(DataError) as caught:
        run_checks(tmp_path, Graph())
    assert [p.file.name for p in caught.value.problems] == ["broken_violation.rq"]
    assert "broken SPARQL" in str(caught.value.problems[0])


def test_broken_shapes_file_names_file_and_line(tmp_path):
    broken = "@prefix sh: <http://www.w3.org/ns/shacl#> .\n\n<a> sh:path <b> ;\n<c> .\n"
    (tmp_path / "shapes.ttl").write_text(broken, encoding="utf-8")
    with pytest.raises(DataError) as caught:
        run_checks(tmp_path, Graph(), shapes_dir=tmp_path)
    assert caught.value.problems[0].file.name == "shapes.ttl"
    assert caught.value.problems[0].line == 4


def test_owlrl_error_triples_are_a_violation():
    """The build refuses inconsistencies before publishing; this check guards the published graph itself."""
    graph = Graph()
    error = URIRef(ID + "test/error")
    graph.add((error, RDF.type, URIRef("http://www.daml.org/2002/03/agents/agent-ont#ErrorMessage")))
    with pytest.raises(CheckError) as caught:
        run_checks(resources.PACKAGED.queries_dir / "checks", graph)
    assert rows_of(caught.value, "reasoner_noise_violation.rq") == [f"resource={error} problem=owlrl error triple"]


def test_validate_prints_focus_path_and_message_of_a_shape_violation(project_copy):
    (project_copy / "ontology" / "zz_extra_code.ttl").write_text(
        f'<{ID}state/FRA> <{BKG}iso3166Alpha2> "FX" .\n', encoding="utf-8"
    )
    result = call_command("validate", env={"BKG_SOURCE_DIR": str(project_copy)})
    assert result.returncode == 1
    line = next(line for line in result.stderr.splitlines() if f"focus={ID}state/FRA " in line)
    assert f"path={BKG}iso3166Alpha2" in line
    assert "message=a State has exactly one ISO 3166-1 alpha-2 code" in line
    assert "data.ttl: 1 row(s)" in result.stderr
    assert "Traceback" not in result.stderr
