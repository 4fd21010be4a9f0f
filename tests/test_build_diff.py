"""budapest-kg diff, and the whole update path: import a chart, write it, build, diff the builds."""

from __future__ import annotations

import csv
import datetime as dt
import json
import re
from dataclasses import replace
from pathlib import Path

from budapest_kg.graph_builder.build import build
from rdflib import Dataset, Literal, URIRef
from rdflib.namespace import XSD

from budapest_kg import cli, resources

from .chart_pages import NEW_ADDRESS, Entry, entries_from_data, new_layout
from .conftest import copy_inputs

BASE = "https://w3id.org/budapest-kg/"
BKG = BASE + "ontology#"
TRIPLE = "<http://example.org/s> <http://example.org/p> {o} <http://example.org/g> .\n"


def read(path: Path) -> list[dict[str, str]]:
    with open(path, newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def test_the_same_build_twice_is_no_change(build_dir, capsys):
    assert cli.main(["diff", str(build_dir), str(build_dir)]) == 0
    out = capsys.readouterr().out
    assert out.rstrip().endswith("no change")
    version = json.loads((build_dir / resources.MANIFEST_FILE).read_text())["version"]
    assert f"(version {version}" in out
    assert "graph/data: unchanged" in out


def test_dumps_that_differ_only_in_blank_node_labels_are_equal(tmp_path, capsys):
    (tmp_path / "a.nq").write_text(TRIPLE.format(o="_:x1") + TRIPLE.format(o='"kept"'), encoding="utf-8")
    (tmp_path / "b.nq").write_text(TRIPLE.format(o="_:other") + TRIPLE.format(o='"kept"'), encoding="utf-8")
    (tmp_path / "c.nq").write_text(TRIPLE.format(o="_:x1") + TRIPLE.format(o='"new"'), encoding="utf-8")
    assert cli.main(["diff", str(tmp_path / "a.nq"), str(tmp_path / "b.nq")]) == 0
    assert "http://example.org/g: unchanged (2 triples)" in capsys.readouterr().out
    assert cli.main(["diff", str(tmp_path / "a.nq"), str(tmp_path / "c.nq"), "--rdf", str(tmp_path / "d.trig")]) == 0
    out = capsys.readouterr().out
    assert "http://example.org/g: +1 -1 (2 -> 2 triples)" in out
    assert '- <http://example.org/p> "kept"' in out
    assert '+ <http://example.org/p> "new"' in out
    changes = Dataset().parse(tmp_path / "d.trig", format="trig")
    added = [g for g in changes.graphs() if str(g.identifier).endswith("/added/g")]
    assert [(str(o)) for g in added for _, _, o in g] == ["new"]


def test_a_side_that_cannot_be_read_is_named(tmp_path, capsys):
    (tmp_path / "bad.nq").write_text(TRIPLE.format(o='"ok"') + "<http://a> <http://b> broken .\n", encoding="utf-8")
    assert cli.main(["diff", str(tmp_path / "missing"), str(tmp_path / "bad.nq")]) == 2
    assert "missing: neither a build folder" in capsys.readouterr().err
    (tmp_path / "good.nq").write_text(TRIPLE.format(o='"ok"'), encoding="utf-8")
    assert cli.main(["diff", str(tmp_path / "good.nq"), str(tmp_path / "bad.nq")]) == 2
    assert f"{tmp_path / 'bad.nq'}:2: not valid N-Quads" in capsys.readouterr().err
    assert cli.main(["diff", str(tmp_path / "good.nq"), str(tmp_path / "good.nq"), "--rdf", "out.ttl"]) == 2


def test_import_write_build_and_diff_show_the_change_with_its_provenance(project_copy, build_dir, tmp_path, capsys):
    """The issue's done-when: a chart with one new accession and one corrected date, end to end."""
    data = project_copy / "data"
    acts = read(data / "acts.csv")
    joined = {r["party"] for r in acts if r["treaty"] == "ETS 185"}
    newcomer = next(r for r in read(data / "states.csv") if r["iso3"] not in joined)
    corrected = next(r for r in acts if r["treaty"] == "ETS 185" and r["act"] == "ratification" and r["date"])
    new_date = (dt.date.fromisoformat(corrected["date"]) + dt.timedelta(days=1)).isoformat()
    dated = [r["source_as_of"] for r in acts if re.fullmatch(r"\d{4}-\d{2}-\d{2}", r["source_as_of"])]
    status = (dt.date.fromisoformat(max(dated)) + dt.timedelta(days=1)).isoformat()  # newer than all of data/
    names = {r["iso3"]: r["name"] for r in read(data / "states.csv")}
    entries = [
        replace(e, consent=new_date) if e.name == names[corrected["party"]] else e
        for e in entries_from_data(data, "ETS 185")
    ]
    entries.append(Entry(newcomer["name"], consent="2025-03-03", accession=True, member=False))
    chart = tmp_path / "chart.html"
    chart.write_text(new_layout(185, status, entries), encoding="utf-8")

    assert cli.main(["import-chart", str(chart), "--treaty", "185", "--source", str(project_copy)]) == 0
    out = capsys.readouterr().out
    new_section = out.split("new acts (1):\n")[1].split("\n")[0]
    assert f"+ {newcomer['iso3']} ({newcomer['name']}) accession 2025-03-03" in new_section
    changed = out.split("changed dates and kinds of act (1):\n")[1].split("\n")[0]
    party = corrected["party"]
    assert f"~ {party} ({names[party]}) ratification: {corrected['date']} -> {new_date}" in changed

    assert cli.main(["import-chart", str(chart), "--treaty", "185", "--source", str(project_copy), "--write"]) == 0
    build(tmp_path / "new", copy_inputs(project_copy))
    trig = tmp_path / "changes.trig"
    assert cli.main(["diff", str(build_dir), str(tmp_path / "new"), "--rdf", str(trig)]) == 0
    summary = capsys.readouterr().out
    assert re.search(r"graph/data: \+\d+ -1 ", summary)
    changes = {str(g.identifier).rsplit("/", 2)[-2:][0] + "/" + str(g.identifier).rsplit("/", 1)[-1]: g
               for g in Dataset().parse(trig, format="trig").graphs()}  # fmt: skip
    date = URIRef(BKG + "date")
    added, removed = changes["added/data"], changes["removed/data"]
    [moved] = list(removed.subjects(date, Literal(corrected["date"], datatype=XSD.date)))
    assert corrected["party"] in str(moved)
    assert (moved, date, Literal(new_date, datatype=XSD.date)) in added
    [joined_event] = [s for s in added.subjects(date, Literal("2025-03-03", datatype=XSD.date))]
    assert newcomer["iso3"] in str(joined_event)
    provenance = changes["added/provenance"]
    source = f"{NEW_ADDRESS.format(n=185)} (CoE chart, status {dt.date.fromisoformat(status):%d/%m/%Y})"
    record = {event: URIRef(f"{event}/record") for event in (moved, joined_event)}  # provenance is on records
    for event in (moved, joined_event):
        assert (record[event], URIRef(BKG + "sourceNote"), Literal(source)) in provenance
        assert (record[event], URIRef(BKG + "sourceAsOf"), Literal(status)) in provenance
    verified = (URIRef(BKG + "verificationStatus"), URIRef(BKG + "Verified"))
    assert (record[joined_event], *verified) in provenance
    assert (record[moved], *verified) not in changes["removed/provenance"]  # it was verified, and still is
