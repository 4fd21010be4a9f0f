"""The build: reasoning infers the Parties the data says; a failed build keeps the last good one."""

from __future__ import annotations

import json
import shutil

import pyoxigraph as ox
import pytest
from budapest_kg.graph_builder.build import Inputs, build
from budapest_kg.graph_builder.freshness import is_stale
from budapest_kg.graph_builder.sources import DataError

from .conftest import copy_inputs

PARTIES_185 = """
PREFIX bkg: <https://w3id.org/budapest-kg/ontology#>
SELECT ?iso WHERE { ?s a <https://w3id.org/budapest-kg/id/treaty/ets-185/category/party> ; bkg:iso3166Alpha3 ?iso }
"""


def load(build_dir) -> ox.Store:
    store = ox.Store()
    store.bulk_load(path=str(build_dir / "graph.nq"), format=ox.RdfFormat.N_QUADS)
    return store


def expected_parties(acts, treaty: str) -> set[str]:
    """States for which the treaty entered into force, computed from data/acts.csv in plain Python."""
    return {row["party"] for row in acts if row["treaty"] == treaty and row["act"] == "entry-into-force"}


def test_inferred_parties_to_ets_185_match_the_data(build_dir, acts):
    store = load(build_dir)
    found = {r["iso"].value for r in store.query(PARTIES_185, use_default_graph_as_union=True)}
    assert found == expected_parties(acts, "ETS 185")


def test_parties_are_inferred_not_asserted(build_dir):
    store = load(build_dir)
    asserted = store.query(
        "ASK { GRAPH <https://w3id.org/budapest-kg/graph/data> "
        "{ ?s a <https://w3id.org/budapest-kg/id/treaty/ets-185/category/party> } }"
    )
    inferred = store.query(
        "ASK { GRAPH <https://w3id.org/budapest-kg/graph/inferred> "
        "{ ?s a <https://w3id.org/budapest-kg/id/treaty/ets-185/category/party> } }"
    )
    assert not bool(asserted)
    assert bool(inferred)


def test_no_owlrl_noise_is_published(build_dir):
    store = load(build_dir)
    assert not bool(
        store.query("ASK { ?s <http://www.w3.org/2002/07/owl#sameAs> ?s }", use_default_graph_as_union=True)
    )
    assert not bool(store.query("ASK { ?s a <http://www.w3.org/2002/07/owl#Thing> }", use_default_graph_as_union=True))


def test_manifest_counts_graphs_and_records_input_hash(build_dir):
    manifest = json.loads((build_dir / "manifest.json").read_text())
    store = load(build_dir)
    for graph, count in manifest["graphs"].items():
        assert len(list(store.quads_for_pattern(None, None, None, ox.NamedNode(graph)))) == count
    assert manifest["input_hash"] == Inputs().digest()
    assert set(manifest["seconds"]) == {"read", "map", "derive", "reason", "rules", "checks", "stats"}
    assert manifest["status_date"] == Inputs().status_date.isoformat()
    assert manifest["mismatches"] == []  # the recorded dates agree with the treaties' rules
    assert not is_stale(build_dir)


def test_failed_build_keeps_the_last_good_build(build_dir, project_copy, tmp_path):
    inputs = copy_inputs(project_copy)
    out = tmp_path / "published" / "out"
    shutil.copytree(build_dir, out)  # the last good build: the session's (building it again proves nothing more)
    good = (out / "graph.nq").read_bytes()
    with open(project_copy / "data" / "acts.csv", "a", encoding="utf-8") as handle:
        handle.write("ETS 185,FRA,signature,not-a-date,,,,verified,src,,\n")
    with pytest.raises(DataError):
        build(out, inputs)
    assert (out / "graph.nq").read_bytes() == good
    assert sorted(p.name for p in out.parent.iterdir()) == ["out"]  # no staging folder left behind
    assert is_stale(out, inputs)
