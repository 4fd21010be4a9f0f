"""export wikidata: valid QuickStatements (V1) line by line, one per verified signature and consent."""

from __future__ import annotations

import re
from types import SimpleNamespace

import pytest
from budapest_kg.graph_builder import wikidata

from budapest_kg import cli

from . import expected as ex

SANDBOX = "Q4115189"  # the Wikidata Sandbox item: a QID that exists, used here instead of any treaty's
ITEM = re.compile(r"^Q[1-9]\d*$")
TIME = re.compile(r"^\+\d{4}-\d{2}-\d{2}T00:00:00Z/11$")
STRING = re.compile(r'^"[^"\t]+"$')
CONSENTS = ex.CONSENTS


def parse_line(line: str) -> dict:
    """One QuickStatements V1 command: item, property, value, then (qualifier|source, value) pairs."""
    fields = line.split("\t")
    assert len(fields) % 2 == 1, line
    item, prop, value, *pairs = fields
    assert ITEM.match(item), line
    assert re.match(r"^P\d+$", prop), line
    assert ITEM.match(value), line
    extra = dict(zip(pairs[::2], pairs[1::2], strict=True))
    assert set(extra) <= {"P585", "S854"}, line
    assert STRING.match(extra["S854"]), line  # a KeyError here: no reference
    assert extra["S854"][1:].startswith(("http://", "https://")), line
    assert TIME.match(extra.get("P585", "+2000-01-01T00:00:00Z/11")), line
    return {"item": item, "prop": prop, "value": value, **extra}


@pytest.mark.parametrize("treaty", [185, 189, 224])
def test_every_verified_act_is_one_valid_statement(treaty, capsys):
    assert cli.main(["export", "wikidata", "--treaty", str(treaty), "--qid", f"{treaty}={SANDBOX}"]) == 0
    captured = capsys.readouterr()
    statements = [parse_line(line) for line in captured.out.splitlines()]
    code = next(r["code"] for r in ex.rows("treaties.csv") if r["number"] == str(treaty))
    items = {r["subject"][6:]: r["target"].rsplit("/", 1)[-1] for r in ex.rows("links.csv")
             if r["subject"].startswith("state/") and "wikidata.org/entity/" in r["target"]}  # fmt: skip
    expected = sorted(
        (SANDBOX, "P1891" if a["act"] == "signature" else "P6193", items[a["party"]], a["date"])
        for a in ex.rows("acts.csv")
        if a["treaty"] == code and a["status"] == "verified" and a["party"] in items
        and (a["act"] == "signature" or a["act"] in CONSENTS) and "http" in a["source"]
    )  # fmt: skip
    found = sorted((s["item"], s["prop"], s["value"], s.get("P585", "")[1:11]) for s in statements)
    assert found == expected
    assert len(statements) > 0
    left_out = [line for line in captured.err.splitlines() if line.startswith("left out:")]
    acts = [a for a in ex.rows("acts.csv") if a["treaty"] == code and (a["act"] == "signature" or a["act"] in CONSENTS)]
    assert len(left_out) + len(statements) == len(acts)


def test_the_reference_is_cited_from_the_acts_own_source(capsys):
    assert cli.main(["export", "wikidata", "--treaty", "185", "--qid", f"185={SANDBOX}"]) == 0
    items = {r["target"].rsplit("/", 1)[-1]: r["subject"][6:] for r in ex.rows("links.csv")
             if r["subject"].startswith("state/") and "wikidata.org/entity/" in r["target"]}  # fmt: skip
    for statement in map(parse_line, capsys.readouterr().out.splitlines()):
        sources = [
            a["source"]
            for a in ex.rows("acts.csv")
            if a["treaty"] == "ETS 185" and a["party"] == items[statement["value"]]
        ]
        url = statement["S854"].strip('"')
        assert any(url in source for source in sources), url
        assert not url.endswith((")", ".")) or url.count("(") >= url.count(")")


def test_without_a_qid_the_export_is_refused(capsys):
    assert cli.main(["export", "wikidata", "--treaty", "185"]) == 2
    captured = capsys.readouterr()
    assert "no Wikidata item of treaty 185 is sourced" in captured.err
    assert "--qid 185=Q" in captured.err
    assert captured.out == ""


@pytest.mark.parametrize(
    ("qid", "message"),
    [("185=12345", "expected TREATY=QID"), ("Q12345", "expected TREATY=QID"), (f"189={SANDBOX}", "names treaty 189")],
)
def test_a_malformed_or_mismatched_qid_is_refused(capsys, qid, message):
    assert cli.main(["export", "wikidata", "--treaty", "185", "--qid", qid]) == 2
    assert message in capsys.readouterr().err


def test_the_export_can_go_to_a_file(tmp_path, capsys):
    out = tmp_path / "statements.tsv"
    assert cli.main(["export", "wikidata", "--treaty", "224", "--qid", f"224={SANDBOX}", "--out", str(out)]) == 0
    assert capsys.readouterr().out == ""
    assert all(parse_line(line) for line in out.read_text(encoding="utf-8").splitlines())


def test_a_date_known_to_the_month_is_given_at_month_precision():
    """acts.csv may give a month only (ontology 1.0): Wikidata's precision 10 says so; no day is made up."""
    act = SimpleNamespace(act="ratification", date=None, given="2015-01")
    fields = wikidata.statement("Q1", act, "Q2", "https://example.org/source").split("\t")
    assert fields[3:5] == ["P585", "+2015-01-00T00:00:00Z/10"]
    undated = wikidata.statement(
        "Q1", SimpleNamespace(act="signature", date=None, given=""), "Q2", "https://x.org"
    ).split("\t")
    assert "P585" not in undated
