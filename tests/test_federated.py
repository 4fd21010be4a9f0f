"""A federated catalogue query, run for real: a second local endpoint stands in for Wikidata.

The stand-in holds a tiny, obviously synthetic graph (items under http://stand-in.test/, made-up
populations) in the shape Wikidata uses (wdt:P298 ISO alpha-3 code, wdt:P1082 population). It is
put on the main endpoint's SERVICE allow-list, and the catalogue query's SERVICE IRI is rewritten
to it. The expected rows are computed from data/acts.csv and the stand-in's own table.
"""

from __future__ import annotations

import csv
import json
import os
import subprocess
import sys
import urllib.error
import urllib.parse
import urllib.request

import pytest
from budapest_kg.endpoint import create_app
from budapest_kg.endpoint.config import Config

from budapest_kg import resources

from .conftest import LiveServer

QUERY = resources.PACKAGED.queries_dir / "federated" / "parties-wikidata-population.rq"
WIKIDATA = "https://query.wikidata.org/sparql"
WDT = "http://www.wikidata.org/prop/direct/"
STAND_IN = "http://stand-in.test/item/"


def parties(acts) -> list[str]:
    return sorted({r["party"] for r in acts if r["treaty"] == "ETS 185" and r["act"] == "entry-into-force"})


@pytest.fixture(scope="module")
def population(acts) -> dict[str, int]:
    """Synthetic populations: three Parties, one State in data/ that is no Party, one code in no table."""
    with open(resources.PACKAGED.data_dir / "states.csv", newline="", encoding="utf-8") as handle:
        states = [row["iso3"] for row in csv.DictReader(handle)]
    outsiders = [iso for iso in states if iso not in parties(acts)]
    chosen = parties(acts)[:3] + outsiders[:1] + ["ZZZ"]
    return {iso: 1000 * (n + 1) for n, iso in enumerate(chosen)}


@pytest.fixture(scope="module")
def stand_in(tmp_path_factory, population):
    folder = tmp_path_factory.mktemp("wikidata") / "build"
    folder.mkdir()
    graph = "<http://stand-in.test/graph>"
    lines = []
    for iso, people in population.items():
        item = f"<{STAND_IN}{iso}>"
        lines.append(f'{item} <{WDT}P298> "{iso}" {graph} .')
        lines.append(f'{item} <{WDT}P1082> "{people}"^^<http://www.w3.org/2001/XMLSchema#integer> {graph} .')
    (folder / "graph.nq").write_text("\n".join(lines) + "\n", encoding="utf-8")
    (folder / "manifest.json").write_text("{}", encoding="utf-8")
    with LiveServer(create_app(Config.load(build_dir=folder, workers=0))) as server:
        yield server


@pytest.fixture(scope="module", params=["oxigraph", "rdflib"])
def federating(request, build_dir, stand_in):
    allow = f"{stand_in.url}/sparql"
    app = create_app(Config.load(build_dir=build_dir, engine=request.param, workers=1, service_allowlist=allow))
    with LiveServer(app) as server:
        yield server
    app.extensions["bkg_engine"].close()


def run(server, query: str):
    url = f"{server.url}/sparql?" + urllib.parse.urlencode({"query": query})
    try:
        with urllib.request.urlopen(url, timeout=30) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode()


def test_catalogue_query_is_federated_with_wikidata():
    text = QUERY.read_text(encoding="utf-8")
    assert "#+ tags: federated" in text
    assert f"SERVICE <{WIKIDATA}>" in text


def test_federated_query_joins_this_graph_with_the_stand_in(federating, stand_in, acts, population):
    query = QUERY.read_text(encoding="utf-8").replace(WIKIDATA, f"{stand_in.url}/sparql")
    status, answer = run(federating, query)
    assert status == 200, answer
    rows = [
        (row["iso3"]["value"], row["item"]["value"], int(row["population"]["value"]))
        for row in answer["results"]["bindings"]
    ]
    expected = sorted((iso, f"{STAND_IN}{iso}", people) for iso, people in population.items() if iso in parties(acts))
    assert len(expected) == 3
    assert rows == expected


def test_the_same_query_is_refused_when_the_endpoint_is_not_allow_listed(federating):
    status, text = run(federating, QUERY.read_text(encoding="utf-8"))
    assert status == 403
    assert f"SERVICE <{WIKIDATA}> is not on this endpoint's allow-list" in text


def test_cli_refuses_the_federated_query_without_the_allow_list(build_dir):
    command = [sys.executable, "-m", "budapest_kg", "query", "--name", "federated/parties-wikidata-population"]
    env = {k: v for k, v in os.environ.items() if k != "BKG_SERVICE_ALLOWLIST"}
    result = subprocess.run([*command, "--build-dir", str(build_dir)], capture_output=True, text=True, env=env)
    assert result.returncode == 1
    assert f"SERVICE <{WIKIDATA}> is not on this endpoint's allow-list" in result.stderr
    assert "Traceback" not in result.stderr
