"""A federated catalogue query, run for real: a second local endpoint stands in for Wikidata.

The stand-in holds a tiny, obviously synthetic graph (items under http://stand-in.test/, made-up
populations) in the shape Wikidata uses (wdt:P298 ISO alpha-3 code, wdt:P1082 population). It is
put on the main endpoint's SERVICE allow-list, and the catalogue query's SERVICE IRI is rewritten
to it. The expected rows are computed from data/acts.csv and the stand-in's own table.
"""

from __future__ import annotations

import pytest
from budapest_kg.endpoint import create_app
from budapest_kg.endpoint.config import Config

from budapest_kg import resources

from . import expected as ex
from .conftest import GENEROUS_TIMEOUT, call_command, close_engine, write_build
from .web import AppClient, LiveServer

QUERY = resources.PACKAGED.queries_dir / "federated" / "parties-wikidata-population.rq"
WIKIDATA = "https://query.wikidata.org/sparql"
WDT = "http://www.wikidata.org/prop/direct/"
STAND_IN = "http://stand-in.test/item/"


def parties() -> list[str]:
    return sorted(ex.parties("ETS 185"))


@pytest.fixture(scope="module")
def population() -> dict[str, int]:
    """Synthetic populations: three Parties, one State in data/ that is no Party, one code in no table."""
    outsiders = [iso for iso in ex.state_names() if iso not in parties()]
    chosen = parties()[:3] + outsiders[:1] + ["ZZZ"]
    return {iso: 1000 * (n + 1) for n, iso in enumerate(chosen)}


@pytest.fixture(scope="module")
def stand_in(tmp_path_factory, population):
    graph = "<http://stand-in.test/graph>"
    lines = []
    for iso, people in population.items():
        item = f"<{STAND_IN}{iso}>"
        lines.append(f'{item} <{WDT}P298> "{iso}" {graph} .')
        lines.append(f'{item} <{WDT}P1082> "{people}"^^<http://www.w3.org/2001/XMLSchema#integer> {graph} .')
    folder = write_build(tmp_path_factory.mktemp("wikidata") / "build", lines)
    app = create_app(Config.load(build_dir=folder, workers=0))
    with LiveServer(app) as server:  # a real socket: the endpoint under test calls it over HTTP
        yield server
    close_engine(app)


@pytest.fixture(scope="module", params=["oxigraph", "rdflib"])
def federating(request, build_dir, stand_in):
    allow = f"{stand_in.url}/sparql"
    config = Config.load(
        build_dir=build_dir, engine=request.param, workers=1, timeout=GENEROUS_TIMEOUT, service_allowlist=allow
    )
    app = create_app(config)
    yield AppClient(app)  # the client needs no socket; the SERVICE call it makes is real
    close_engine(app)


def run(site, query: str):
    answer = site.sparql(query)
    return answer.status, (answer.json() if answer.status == 200 else answer.text)


def test_catalogue_query_is_federated_with_wikidata():
    text = QUERY.read_text(encoding="utf-8")
    assert "#+ tags: federated" in text
    assert f"SERVICE <{WIKIDATA}>" in text


def test_federated_query_joins_this_graph_with_the_stand_in(federating, stand_in, population):
    query = QUERY.read_text(encoding="utf-8").replace(WIKIDATA, f"{stand_in.url}/sparql")
    status, answer = run(federating, query)
    assert status == 200, answer
    rows = [
        (row["iso3"]["value"], row["item"]["value"], int(row["population"]["value"]))
        for row in answer["results"]["bindings"]
    ]
    expected = sorted((iso, f"{STAND_IN}{iso}", people) for iso, people in population.items() if iso in parties())
    assert len(expected) == 3
    assert rows == expected


def test_the_same_query_is_refused_when_the_endpoint_is_not_allow_listed(federating):
    status, text = run(federating, QUERY.read_text(encoding="utf-8"))
    assert status == 403
    assert f"SERVICE <{WIKIDATA}> is not on this endpoint's allow-list" in text


def test_cli_refuses_the_federated_query_without_the_allow_list(build_dir):
    env = {"BKG_SERVICE_ALLOWLIST": ""}  # whatever the environment running the tests says
    result = call_command(
        "query", "--name", "federated/parties-wikidata-population", "--build-dir", str(build_dir), env=env
    )
    assert result.returncode == 1
    assert f"SERVICE <{WIKIDATA}> is not on this endpoint's allow-list" in result.stderr
    assert "Traceback" not in result.stderr
