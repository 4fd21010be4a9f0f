"""import-chart: chart pages the tests write in both layouts, read, compared with a small data/ tree, applied."""

from __future__ import annotations

import csv
import datetime as dt
import shutil
from dataclasses import replace
from pathlib import Path

import pytest
from budapest_kg.graph_builder.importing.acts_diff import compare
from budapest_kg.graph_builder.importing.chart import read_chart
from budapest_kg.graph_builder.importing.names import read_names

from budapest_kg import cli

from .chart_pages import LAYOUTS, NEW_ADDRESS, Entry, entries_from_data, line_of, new_layout, old_layout
from .source_tree import digest, rows

ROOT = Path(__file__).resolve().parent.parent
TREATY = "ETS 185"
AS_OF = "2020-01-01"
# The small tree's acts (written by the tests, not the project's facts): all verified, all dated.
ACTS = [
    ("ALB", "signature", "2001-11-23"), ("ALB", "ratification", "2002-06-20"),
    ("ALB", "entry-into-force", "2004-07-01"),
    ("AUT", "signature", "2001-11-23"), ("AUT", "ratification", "2012-06-13"),
    ("AUT", "entry-into-force", "2012-10-01"),
    ("AUS", "accession", "2012-11-30"), ("AUS", "entry-into-force", "2013-03-01"),
    ("IRL", "signature", "2002-02-28"),
    ("MKD", "signature", "2001-11-23"), ("MKD", "ratification", "2004-09-15"),
    ("MKD", "entry-into-force", "2005-01-01"),
    ("TUR", "signature", "2010-11-10"), ("TUR", "ratification", "2014-09-29"),
    ("TUR", "entry-into-force", "2015-01-01"),
    ("USA", "signature", "2001-11-23"), ("USA", "ratification", "2006-09-29"),
    ("USA", "entry-into-force", "2007-01-01"),
]  # fmt: skip
GHANA = Entry("Ghana", consent="2018-12-03", accession=True, member=False)


ACT_HEADER = [
    "treaty",
    "party",
    "act",
    "date",
    "earliest",
    "latest",
    "predecessor",
    "status",
    "source",
    "source_as_of",
    "note",
]


def write_acts(path: Path, acts=ACTS, status="verified", as_of=AS_OF) -> None:
    with open(path, "w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(ACT_HEADER)
        for party, act, date in acts:
            writer.writerow([TREATY, party, act, date, "", "", "", status, "a test's fixture", as_of, ""])


@pytest.fixture
def tree(tmp_path) -> Path:
    """A source tree whose data/ has the project's States and treaties and the small act table above."""
    data = tmp_path / "data"
    data.mkdir()
    for name in ("treaties.csv", "states.csv", "state_names.csv", "coe_membership.csv", "party_statements.csv"):
        shutil.copy(ROOT / "data" / name, data / name)
    write_acts(data / "acts.csv")
    return tmp_path


def page(layout: str, entries: list[Entry], status: str = "2025-06-01", treaty: int = 185, **kw) -> str:
    return LAYOUTS[layout](treaty, status, entries, **kw)


def run(tmp_path: Path, html: str, *args: str, encoding: str = "utf-8", source: Path | None = None) -> int:
    """import-chart on the page saved under tmp_path, for treaty 185 unless args say otherwise."""
    saved = tmp_path / "chart.html"
    saved.write_bytes(html.encode(encoding))
    treaty = [] if "--treaty" in args else ["--treaty", "185"]
    return cli.main(["import-chart", str(saved), *treaty, "--source", str(source or tmp_path), *args])


@pytest.mark.parametrize("layout", ["old", "new"])
def test_both_layouts_read_every_row_with_its_dates_kinds_and_flags(tree, layout):
    entries = entries_from_data(tree / "data", TREATY)
    entries = [replace(e, flags="RDA") if e.name == "Austria" else e for e in entries]
    chart = read_chart(page(layout, entries, status="2025-06-01"))
    assert chart.problems == []
    assert chart.treaty == 185
    assert str(chart.status_as_of) == "2025-06-01"
    assert ("ChercheSig" in chart.address) == (layout == "old")
    read = {r.name: (r.signature, r.consent, r.consent_kind, r.entry_into_force, r.flags) for r in chart.rows}
    expected = {
        e.name: (
            e.signature or None, e.consent or None, ("accession" if e.accession else "consent") if e.consent else "",
            e.eif or None, frozenset(e.flags),
        )
        for e in entries
    }  # fmt: skip
    as_text = {k: tuple(str(v) if isinstance(v, dt.date) else v for v in row) for k, row in read.items()}
    assert as_text == expected
    assert {r.name: r.section for r in chart.rows}["Australia"] == "non-member"


@pytest.mark.parametrize("layout", ["old", "new"])
def test_an_unchanged_chart_gives_an_empty_diff(tree, layout, capsys):
    html = page(layout, entries_from_data(tree / "data", TREATY))
    diff = compare(read_chart(html), tree / "data", TREATY)
    assert (diff.problems, diff.changes, diff.empty) == ([], [], True)
    assert run(tree, html) == 0
    assert "no differences from data/" in capsys.readouterr().out


@pytest.mark.parametrize("layout", ["old", "new"])
def test_one_new_accession_and_one_corrected_date_give_exactly_that_diff(tree, layout, capsys):
    entries = entries_from_data(tree / "data", TREATY)
    entries = [replace(e, consent="2012-06-14") if e.name == "Austria" else e for e in entries]
    entries.append(GHANA)
    html = page(layout, entries, status="2025-06-01")
    diff = compare(read_chart(html), tree / "data", TREATY)
    assert diff.problems == []
    assert [(c.kind, c.iso3, c.act, c.old, c.new) for c in diff.changes] == [
        ("date", "AUT", "ratification", "2012-06-13", "2012-06-14"),
        ("new", "GHA", "accession", "", "2018-12-03"),
    ]
    before = (tree / "data" / "acts.csv").read_text(encoding="utf-8").splitlines()
    assert run(tree, html, "--write") == 0
    after = (tree / "data" / "acts.csv").read_text(encoding="utf-8").splitlines()
    changed = [line for line in after if line not in before]
    assert len(after) == len(before) + 1
    assert len(changed) == 2
    written = {(r["party"], r["act"]): r for r in rows(tree / "data" / "acts.csv")}
    source = f"{NEW_ADDRESS.format(n=185)} (CoE chart, status 01/06/2025)" if layout == "new" else None
    for key, date in ((("AUT", "ratification"), "2012-06-14"), (("GHA", "accession"), "2018-12-03")):
        row = written[key]
        assert (row["date"], row["status"], row["source_as_of"]) == (date, "verified", "2025-06-01")
        assert row["source"].endswith("(CoE chart, status 01/06/2025)")
        assert source is None or row["source"] == source
    assert "date was 2012-06-13" in written[("AUT", "ratification")]["note"]
    capsys.readouterr()
    assert run(tree, html) == 0
    assert "no differences from data/" in capsys.readouterr().out


@pytest.mark.parametrize("layout", ["old", "new"])
def test_malformed_rows_are_reported_with_their_line_and_skipped(tree, layout, capsys):
    blank = [""] * 7
    bad = {
        "Austria": ["Austria", "2001-11-23", "", "", *blank],  # ISO date: the wrong format
        "Albania": ["Albania", "31/02/2001", "", "", *blank],  # no such day
        "Ireland": ["Ireland", "28/2/2002"],  # too few cells
        "Türkiye": ["Türkiye", "10/11/2010", "29/9/2014 su", "", *blank],  # a succession: no such act here
        "Atlantis": ["Atlantis", "23/11/2001", "", "", *blank],  # a name no table knows
    }
    entries = [e for e in entries_from_data(tree / "data", TREATY) if e.name not in bad]
    entries += [Entry(name, raw={"cells": cells}) for name, cells in bad.items()]
    html = page(layout, entries, with_totals=False)
    diff = compare(read_chart(html), tree / "data", TREATY)
    reported = {p.line: p.message for p in diff.problems}
    for name in bad:
        line = line_of(html, f"<td>{name}</td>")
        assert name in reported.get(line, ""), (name, reported)
    assert len(reported) == len(bad)
    assert "not a date in the form dd/mm/yyyy" in reported[line_of(html, "<td>Austria</td>")]
    assert "unknown State name" in reported[line_of(html, "<td>Atlantis</td>")]
    # Acts of unreadable rows are not compared, nor taken for acts the chart dropped.
    missing = {(c.iso3, c.new) for c in diff.of("missing")}
    assert {iso3 for iso3, _ in missing} == {"ALB", "AUT", "IRL", "TUR"}
    assert {why for _, why in missing} == {"row unreadable, not compared"}
    assert diff.of("new", "date", "kind", "confirmed", "flags") == []
    assert run(tree, html) == 0
    out = capsys.readouterr().out
    assert f"chart.html:{line_of(html, '<td>Atlantis</td>')}: 'Atlantis': unknown State name" in out


def test_a_state_that_disappeared_is_listed_and_never_removed(tree, capsys):
    entries = [e for e in entries_from_data(tree / "data", TREATY) if e.name != "United States"]
    html = new_layout(185, "2025-06-01", entries)
    diff = compare(read_chart(html), tree / "data", TREATY)
    assert [(c.kind, c.iso3, c.act, c.new) for c in diff.changes] == [
        ("missing", "USA", act, "not listed by the source") for act in ("signature", "ratification", "entry-into-force")
    ]
    before = digest(tree / "data")
    assert run(tree, html, "--write") == 0
    assert digest(tree / "data") == before


def test_without_write_nothing_changes(tree):
    entries = [*entries_from_data(tree / "data", TREATY), GHANA]
    before = digest(tree / "data")
    assert run(tree, old_layout(185, "2025-06-01", entries)) == 0
    assert digest(tree / "data") == before


def test_chart_names_match_iso_codes(tree):
    names = read_names(tree / "data")
    expected = {
        "the former Yugoslav Republic of Macedonia": "MKD",
        '"The former Yugoslav Republic of Macedonia"': "MKD",
        "Turkey": "TUR",
        "Türkiye": "TUR",
        "Republic of Moldova": "MDA",
        "Serbia and Montenegro": "SRB",
        "United States of America": "USA",
        "Côte d’Ivoire": "CIV",
        "Bahamas": "BHS",
    }
    assert {name: names.match(name) for name in expected} == expected
    assert names.match("Atlantis") is None
    assert names.match("Turkey ") == "TUR"
    assert names.where("Turkey").startswith("state_names.csv:")


def test_the_charts_own_names_read_in_both_layouts(tree):
    entries = entries_from_data(tree / "data", TREATY)
    renamed = {"North Macedonia": "the former Yugoslav Republic of Macedonia", "Türkiye": "Turkey"}
    entries = [replace(e, name=renamed.get(e.name, e.name)) for e in entries]
    html = old_layout(185, "2025-06-01", entries).encode("cp1252", errors="strict")
    diff = compare(read_chart(html.decode("cp1252")), tree / "data", TREATY)
    assert diff.empty
    assert diff.rows_read == len(entries)


def test_an_old_page_in_windows_1252_is_read(tree, capsys):
    entries = [*entries_from_data(tree / "data", TREATY), Entry("Côte d'Ivoire", consent="2024-10-09", accession=True)]
    html = old_layout(185, "2025-06-01", entries)
    assert run(tree, html, encoding="cp1252") == 0
    assert "+ CIV (Côte d'Ivoire) accession 2024-10-09" in capsys.readouterr().out


def test_flags_new_on_the_chart_are_shown_then_recorded(tree):
    entries = entries_from_data(tree / "data", TREATY)
    entries = [replace(e, flags={"Austria": "RDA", "Albania": "A"}.get(e.name, "")) for e in entries]
    html = new_layout(185, "2025-06-01", entries)
    diff = compare(read_chart(html), tree / "data", TREATY)
    # What party_statements.csv already records counts as flagged (Albania's authorities, Austria's reservation).
    letters = {"reservation": "R", "declaration": "D", "authority": "A", "territorial-application": "T"}
    statements = [r for r in rows(tree / "data" / "party_statements.csv") if r["treaty"] == TREATY]
    known = {
        party: " ".join(f for f in "RDAT" if f in {letters[r["kind"]] for r in statements if r["party"] == party})
        for party in ("ALB", "AUT")
    }
    shown = {"ALB": "A", "AUT": "R D A"}
    changed = [(party, known[party], flags) for party, flags in shown.items() if known[party] != flags]
    assert changed  # Austria's declaration is not recorded
    assert [(c.iso3, c.old, c.new) for c in diff.of("flags")] == changed
    assert run(tree, html, "--write") == 0
    recorded = {
        r["iso3"]: (r["flags"], r["source_as_of"], r["status"]) for r in rows(tree / "data" / "chart_flags.csv")
    }
    assert recorded == {party: (flags, "2025-06-01", "verified") for party, _, flags in changed}
    assert compare(read_chart(html), tree / "data", TREATY).empty


def test_reservations_already_recorded_are_not_new_flags(tree):
    write_acts(tree / "data" / "acts.csv", [])
    with open(tree / "data" / "acts.csv", "a", newline="", encoding="utf-8") as handle:
        csv.writer(handle, lineterminator="\n").writerow(
            ["CETS 224", "JPN", "acceptance", "2023-08-10", "", "", "", "verified", "a test's fixture", AS_OF, ""]
        )
    html = new_layout(224, "2025-06-01", [Entry("Japan", consent="2023-08-10", flags="RDA", member=False)])
    diff = compare(read_chart(html), tree / "data", "CETS 224")
    assert diff.empty, diff.changes  # party_statements.csv records Japan's reservation, declaration and authorities


def test_a_chart_older_than_the_data_does_not_overwrite_it(tree):
    entries = [
        replace(e, consent="2012-06-14") if e.name == "Austria" else e for e in entries_from_data(tree / "data", TREATY)
    ]
    html = new_layout(185, "2019-01-01", entries)
    [change] = compare(read_chart(html), tree / "data", TREATY).changes
    assert change.held_back == f"data as of {AS_OF} is newer than the chart"
    before = digest(tree / "data")
    assert run(tree, html, "--write") == 0
    assert digest(tree / "data") == before


def test_a_state_new_to_the_data_is_added_with_its_act(tree):
    entries = [*entries_from_data(tree / "data", TREATY), Entry("Bahamas", consent="2025-01-10", accession=True)]
    html = old_layout(185, "2025-06-01", entries)
    assert run(tree, html, "--write") == 0
    assert {"iso3": "BHS", "name": "Bahamas"} in rows(tree / "data" / "states.csv")
    assert any(r["party"] == "BHS" and r["act"] == "accession" for r in rows(tree / "data" / "acts.csv"))


def test_write_refuses_an_installed_package(tmp_path, tree, capsys):
    installed = tmp_path / "venv" / "lib" / "site-packages" / "budapest_kg"
    shutil.copytree(tree / "data", installed / "data")
    entries = [*entries_from_data(installed / "data", TREATY), GHANA]
    before = digest(installed)
    assert run(tmp_path, new_layout(185, "2025-06-01", entries), "--write", source=installed) == 2
    assert "inside an installed package; give --source DIR" in capsys.readouterr().err
    assert digest(installed) == before


@pytest.mark.parametrize(
    ("mutate", "message", "code"),
    [
        (lambda h: h.replace("Status as of 01/06/2025", ""), "shows no 'Status as of' date", 1),
        (lambda h: h.replace('<link rel="canonical"', '<link rel="alternate"'), "give it with --url", 2),
    ],
)
def test_write_refuses_without_the_date_or_address_it_records(tree, capsys, mutate, message, code):
    entries = [*entries_from_data(tree / "data", TREATY), GHANA]
    before = digest(tree / "data")
    assert run(tree, mutate(new_layout(185, "2025-06-01", entries)), "--write") == code
    assert message in capsys.readouterr().err
    assert digest(tree / "data") == before


def test_the_address_can_be_given_with_url(tree):
    entries = [*entries_from_data(tree / "data", TREATY), GHANA]
    html = new_layout(185, "2025-06-01", entries).replace('<link rel="canonical"', '<link rel="alternate"')
    url = "https://example.org/chart-185.html"
    assert run(tree, html, "--write", "--url", url) == 0
    [ghana] = [r for r in rows(tree / "data" / "acts.csv") if r["party"] == "GHA"]
    assert ghana["source"] == f"{url} (CoE chart, status 01/06/2025)"


def test_a_chart_of_another_treaty_is_refused(tree, capsys):
    html = new_layout(189, "2025-06-01", entries_from_data(tree / "data", TREATY))
    assert run(tree, html) == 2
    assert "is the chart of treaty 189, not of treaty 185" in capsys.readouterr().err


def test_a_page_that_is_not_a_chart_fails_clearly(tree, capsys):
    assert run(tree, "<html><body><p>Page not found</p></body></html>") == 1
    err = capsys.readouterr().err
    assert "no chart found: no table with Signature and Ratification columns" in err
    assert "no State row could be read" in err


def test_the_charts_totals_are_checked_against_the_rows_read(tree):
    entries = entries_from_data(tree / "data", TREATY)
    html = new_layout(185, "2025-06-01", entries).replace("ratifications/accessions: ", "ratifications/accessions: 1")
    messages = [p.message for p in read_chart(html).problems]
    assert any("the chart counts 1" in m and "ratifications/accessions" in m for m in messages), messages


def test_a_bad_flags_table_is_reported_with_its_line(tree, capsys):
    (tree / "data" / "chart_flags.csv").write_text(
        "treaty,iso3,flags,status,source,source_as_of\n"
        "ETS 185,ALB,A,verified,x,2015-12-03\nETS 185,AUT,R Q,verified,x,\n",
        encoding="utf-8",
    )
    assert run(tree, new_layout(185, "2025-06-01", entries_from_data(tree / "data", TREATY))) == 1
    assert "chart_flags.csv:3: flags: 'R Q': flags are letters of R D A T C O" in capsys.readouterr().err


def test_the_kind_of_consent_follows_the_accession_mark(tree):
    """An accession mark makes a consent an accession; an unmarked date is a consent of unknown kind."""
    entries = entries_from_data(tree / "data", TREATY)
    swapped = {"Australia": False, "Albania": True}  # the chart drops Australia's mark, marks Albania's
    entries = [replace(e, accession=swapped.get(e.name, e.accession)) for e in entries]
    html = new_layout(185, "2025-06-01", entries)
    diff = compare(read_chart(html), tree / "data", TREATY)
    assert [(c.kind, c.iso3, c.old, c.new) for c in diff.changes] == [
        ("kind", "ALB", "ratification", "accession"),
        ("kind", "AUS", "accession", "consent"),
    ]
    assert run(tree, html, "--write") == 0
    written = {(r["party"], r["date"]): r for r in rows(tree / "data" / "acts.csv")}
    assert written[("ALB", "2002-06-20")]["act"] == "accession"
    assert written[("AUS", "2012-11-30")]["act"] == "consent"
    assert "kind not shown by the chart" in written[("AUS", "2012-11-30")]["note"]
    assert compare(read_chart(html), tree / "data", TREATY).empty


def test_a_day_the_chart_gives_replaces_a_month_or_a_window_in_the_new_format(tree):
    """acts.csv as of ontology 1.0: a consent known only by its month, another only within bounds; the chart
    gives each day: --write records the day, empties the bounds and keeps what was known in the note."""
    acts = tree / "data" / "acts.csv"
    with open(acts, "a", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(
            [TREATY, "LUX", "ratification", "2014-10", "", "", "", "unverified", "a test's fixture", "", ""]
        )
        writer.writerow(
            [TREATY, "ECU", "accession", "", "2024-06-18", "2024-09-30", "", "unverified", "a test", "", ""]
        )
    days = {"Luxembourg": "2014-10-16", "Ecuador": "2024-07-01"}
    entries = entries_from_data(tree / "data", TREATY)
    entries = [
        replace(e, consent=days[e.name], accession=e.name == "Ecuador") if e.name in days else e for e in entries
    ]
    html = new_layout(185, "2025-06-01", entries)
    diff = compare(read_chart(html), tree / "data", TREATY)
    assert sorted((c.kind, c.iso3, c.old, c.new) for c in diff.changes) == [
        ("date", "ECU", "", "2024-07-01"),
        ("date", "LUX", "2014-10", "2014-10-16"),
    ]
    assert run(tree, html, "--write") == 0
    header = acts.read_text(encoding="utf-8").splitlines()[0]
    assert header == ",".join(ACT_HEADER)  # the file keeps the 1.0 columns
    written = {r["party"]: r for r in rows(acts) if r["party"] in ("LUX", "ECU")}
    assert {p: (r["date"], r["earliest"], r["latest"], r["status"]) for p, r in written.items()} == {
        "LUX": ("2014-10-16", "", "", "verified"),
        "ECU": ("2024-07-01", "", "", "verified"),
    }
    assert "date was 2014-10" in written["LUX"]["note"]
    assert "window was 2024-06-18..2024-09-30" in written["ECU"]["note"]
    assert compare(read_chart(html), tree / "data", TREATY).empty
