"""import-untc: UN Treaty Collection status files the tests write, read, compared with a small data/ tree, applied."""

from __future__ import annotations

import csv
import datetime as dt
import shutil
from pathlib import Path

import pytest
from budapest_kg.graph_builder.importing.acts_diff import compare
from budapest_kg.graph_builder.importing.untc import read_status

from budapest_kg import cli
from tests.untc_files import ADDRESS, ARCHIVED, Participant, line_of, status_file

from .source_tree import digest, rows

ROOT = Path(__file__).resolve().parent.parent
TREATY = "UNTC XVIII-16"
AS_OF = "2025-11-01"
# The small tree's acts (a test's fixture, not the project's facts).
ACTS = [
    ("DZA", "signature", "2025-10-25"),
    ("AUT", "signature", "2025-10-25"),
    ("QAT", "signature", "2025-10-25"),
    ("VNM", "signature", "2025-10-25"),
    ("VNM", "ratification", "2026-02-01"),
    ("european-union", "signature", "2025-10-25"),
]
NAMES = {"DZA": "Algeria", "AUT": "Austria", "QAT": "Qatar", "VNM": "Viet Nam", "european-union": "European Union"}
STATES = {code: name for code, name in NAMES.items() if code != "european-union"}
COLUMNS = ["treaty", "party", "act", "date", "earliest", "latest", "predecessor", "status", "source", "source_as_of",
           "note"]  # fmt: skip


def participants_from(acts=ACTS, kinds: dict[str, str] | None = None) -> list[Participant]:
    """The status file the tree's acts imply (each consent of the kind given, ratification by default)."""
    kinds = kinds or {}
    by_state: dict[str, dict[str, str]] = {}
    for party, act, date in acts:
        by_state.setdefault(party, {})["signature" if act == "signature" else "consent"] = date
    return [
        Participant(
            NAMES[party], found.get("signature", ""), found.get("consent", ""), kinds.get(party, "ratification")
        )
        for party, found in sorted(by_state.items(), key=lambda item: NAMES[item[0]])
    ]


def write_acts(path: Path, acts=ACTS) -> None:
    with open(path, "w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(COLUMNS)
        writer.writerow(["ETS 185", "AUT", "signature", "2001-11-23", "", "", "", "verified", "a test's fixture", AS_OF,
                         ""])  # fmt: skip
        for party, act, date in acts:
            writer.writerow([TREATY, party, act, date, "", "", "", "verified", "a test's fixture", AS_OF, ""])


@pytest.fixture
def tree(tmp_path) -> Path:
    """A source tree with the project's States, a UN treaty row, the EU as an organisation and the acts above."""
    data = tmp_path / "data"
    data.mkdir()
    for name in ("states.csv", "state_names.csv", "coe_membership.csv"):
        shutil.copy(ROOT / "data" / name, data / name)
    with open(data / "treaties.csv", "w", encoding="utf-8") as handle:
        handle.write("code,number\nETS 185,185\nUNTC XVIII-16,XVIII-16\n")
    with open(data / "organisations.csv", "w", encoding="utf-8") as handle:
        handle.write("id,kind,name_en,name_fr,part_of,status,source\n")
        handle.write("european-union,international-organisation,European Union,Union européenne,,verified,a test\n")
        handle.write("united-nations-general-assembly,organ,General Assembly,,,verified,a test\n")
    with open(data / "states.csv", "a", encoding="utf-8") as handle:
        handle.writelines(f"{iso3},{name}\n" for iso3, name in STATES.items() if iso3 != "AUT")
    write_acts(data / "acts.csv")
    return tmp_path


def run(tmp_path: Path, data: bytes, *args: str, name: str = "XVIII-16.en.xml") -> int:
    saved = tmp_path / name
    saved.write_bytes(data)
    return cli.main(["import-untc", str(saved), "--source", str(tmp_path), *args])


@pytest.mark.parametrize("order", [(0, 1, 2), (0, 2, 1)])
@pytest.mark.parametrize("tgroup", [True, False])
def test_every_row_is_read_with_its_dates_and_kind_of_consent(order, tgroup):
    people = [
        Participant("Algeria", "2025-10-25"),
        Participant("Côte d'Ivoire", "2025-10-25", "2026-03-02", "acceptance", note="2"),
        Participant("Iran (Islamic Republic of)", "2025-10-26", "2026-04-01", "approval"),
        Participant("Mauritius", "2025-11-19", "2026-05-05"),
        Participant("Nauru", "", "2026-06-01", "accession"),
        Participant("European Union", signature="2025-10-25"),
    ]
    status = read_status(status_file(people, order=order, tgroup=tgroup), address=ADDRESS)
    assert status.problems == []
    assert status.reference == "XVIII-16"
    assert status.totals == {"signatories": 5, "parties": 4}
    read = {r.name: (r.signature, r.consent, r.consent_kind) for r in status.rows}
    expected = {
        p.name: (
            dt.date.fromisoformat(p.signature) if p.signature else None,
            dt.date.fromisoformat(p.consent) if p.consent else None,
            p.kind if p.consent else "",
        )
        for p in people
    }
    assert read == expected
    assert status.slots == ("signature", "consent")


def test_an_unchanged_status_gives_an_empty_diff_and_the_eu_is_compared_as_an_organisation(tree, capsys):
    data = status_file(participants_from())
    diff = compare(read_status(data, address=ADDRESS), tree / "data", TREATY)
    assert (diff.changes, diff.problems) == ([], [])
    assert "european-union" in diff.names
    assert "european-union" not in diff.new_states
    assert run(tree, data) == 0
    assert "no differences from data/" in capsys.readouterr().out


def test_the_eus_approval_is_written_as_an_organisations_act_never_a_state(tree, capsys):
    people = participants_from(
        [*ACTS, ("european-union", "approval", "2026-04-02")], kinds={"european-union": "approval"}
    )
    data = status_file(people)
    diff = compare(read_status(data, address=ADDRESS, as_of=dt.date(2026, 5, 1)), tree / "data", TREATY)
    assert [(c.kind, c.iso3, c.act, c.new) for c in diff.changes] == [
        ("new", "european-union", "approval", "2026-04-02")
    ]
    assert "european-union (European Union) approval 2026-04-02" in diff.changes[0].describe(diff.names)
    states_before = (tree / "data" / "states.csv").read_bytes()
    assert run(tree, data, "--as-of", "2026-05-01", "--url", ADDRESS, "--write") == 0
    written = [r for r in rows(tree / "data" / "acts.csv") if r["party"] == "european-union"]
    assert [(r["act"], r["date"], r["source_as_of"]) for r in written] == [
        ("signature", "2025-10-25", AS_OF), ("approval", "2026-04-02", "2026-05-01")
    ]  # fmt: skip
    assert (tree / "data" / "states.csv").read_bytes() == states_before
    capsys.readouterr()
    assert run(tree, data, "--as-of", "2026-05-01") == 0
    assert "no differences from data/" in capsys.readouterr().out


def test_a_new_ratification_a_corrected_date_and_a_kind_give_exactly_that_diff_then_are_written(tree, capsys):
    people = participants_from(kinds={"VNM": "acceptance"})
    people = [Participant("Algeria", "2025-10-26") if p.name == "Algeria" else p for p in people]
    people = [Participant("Qatar", "2025-10-25", "2026-01-20") if p.name == "Qatar" else p for p in people]
    data = status_file(people)
    diff = compare(read_status(data, address=ADDRESS, as_of=dt.date(2026, 3, 1)), tree / "data", TREATY)
    assert diff.problems == []
    assert sorted((c.kind, c.iso3, c.act, c.old, c.new) for c in diff.changes) == [
        ("date", "DZA", "signature", "2025-10-25", "2025-10-26"),
        ("kind", "VNM", "ratification", "ratification", "acceptance"),
        ("new", "QAT", "ratification", "", "2026-01-20"),
    ]
    assert run(tree, data, "--as-of", "2026-03-01", "--url", ADDRESS, "--write") == 0
    written = {(r["treaty"], r["party"], r["act"]): r for r in rows(tree / "data" / "acts.csv")}
    source = f"{ADDRESS} (UNTC status, status as at 2026-03-01)"
    for key, date in (
        (("DZA", "signature"), "2025-10-26"),
        (("VNM", "acceptance"), "2026-02-01"),
        (("QAT", "ratification"), "2026-01-20"),
    ):
        row = written[(TREATY, *key)]
        assert (row["date"], row["status"], row["source"]) == (date, "verified", source)
        assert row["source_as_of"] == "2026-03-01"
    assert "date was 2025-10-25" in written[(TREATY, "DZA", "signature")]["note"]
    assert written[("ETS 185", "AUT", "signature")]["source"] == "a test's fixture"  # other treaties untouched
    capsys.readouterr()
    assert run(tree, data, "--as-of", "2026-03-01") == 0
    assert "no differences from data/" in capsys.readouterr().out


def test_a_consent_of_unrecorded_kind_takes_the_kind_the_file_gives(tree):
    write_acts(tree / "data" / "acts.csv", [*ACTS[:4], ("VNM", "consent", "2026-02-01"), ACTS[5]])
    diff = compare(read_status(status_file(participants_from())), tree / "data", TREATY)
    assert [(c.kind, c.iso3, c.old, c.new) for c in diff.changes] == [("kind", "VNM", "consent", "ratification")]


def test_malformed_rows_are_reported_with_their_line_and_skipped(tree, capsys):
    bad = {
        "Algeria": ("Algeria", "2025-10-25", ""),  # ISO date: not the UN's form
        "Austria": ("Austria", "25 Oct 2025 26 Oct 2025", ""),  # two dates in a cell
        "Qatar": ("Qatar", "[25 Oct 2025]", ""),  # bracketed
        "Viet Nam": ("Viet Nam", "25 Oct 2025", "1 Feb 2026 d"),  # a succession: no such act here
        "Atlantis": ("Atlantis", "25 Oct 2025", ""),  # a name no table knows
        "Cuba": ("Cuba", "30 Feb 2025", ""),  # no such day
        "Chile": ("Chile", "25 Oct 2025", "", "extra"),  # more cells than columns
    }
    data = status_file([Participant(name, cells=cells) for name, cells in bad.items()], signatories=0, parties=0)
    status = read_status(data, address=ADDRESS)
    diff = compare(status, tree / "data", TREATY)
    reported = {p.line: p.message for p in diff.problems}
    for name in bad:
        line = line_of(data, f"<Entry>{name}</Entry>")
        assert name in reported.get(line, ""), (name, reported)
    assert len(reported) == len(bad) + 1  # and the counts, which no longer match the rows read
    assert "not a date like '25 Oct 2025'" in reported[line_of(data, "<Entry>Algeria</Entry>")]
    assert "succession" in reported[line_of(data, "<Entry>Viet Nam</Entry>")]
    assert "unknown State name" in reported[line_of(data, "<Entry>Atlantis</Entry>")]
    assert {(c.iso3, c.new) for c in diff.of("missing")} == {
        (iso3, "row unreadable, not compared") for iso3 in ("DZA", "AUT", "QAT", "VNM")
    } | {("VNM", "row unreadable, not compared"), ("european-union", "not listed by the source")}
    assert diff.of("new", "date", "kind", "confirmed") == []
    before = digest(tree / "data")
    assert run(tree, data, "--as-of", "2026-03-01", "--url", ADDRESS, "--write") == 0
    assert digest(tree / "data") == before
    out = capsys.readouterr().out
    assert f"XVIII-16.en.xml:{line_of(data, '<Entry>Atlantis</Entry>')}: 'Atlantis': unknown State name" in out


def test_the_files_counts_are_checked_against_the_rows_read():
    status = read_status(status_file(participants_from(), signatories=72), address=ADDRESS)
    assert [p.message for p in status.problems] == ["the file counts 72 signatories; the rows read give 5"]


def test_a_participant_the_file_no_longer_shows_is_listed_and_never_removed(tree):
    data = status_file([p for p in participants_from() if p.name != "Qatar"])
    diff = compare(read_status(data), tree / "data", TREATY)
    assert [(c.kind, c.iso3, c.act, c.new) for c in diff.changes] == [
        ("missing", "QAT", "signature", "not listed by the source")
    ]
    before = digest(tree / "data")
    assert run(tree, data, "--as-of", "2026-03-01", "--url", ADDRESS, "--write") == 0
    assert digest(tree / "data") == before


def test_without_write_nothing_changes(tree):
    before = digest(tree / "data")
    assert run(tree, status_file([*participants_from(), Participant("Mauritius", "2025-11-19")])) == 0
    assert digest(tree / "data") == before


def test_write_needs_a_status_date_and_an_archived_address_gives_one(tree, capsys):
    data = status_file([*participants_from(), Participant("Mauritius", "2025-11-19")])
    before = digest(tree / "data")
    assert run(tree, data, "--url", ADDRESS, "--write") == 1
    assert "no status date" in capsys.readouterr().err
    assert digest(tree / "data") == before
    assert run(tree, data, "--url", ARCHIVED, "--write") == 0
    row = next(r for r in rows(tree / "data" / "acts.csv") if r["party"] == "MUS")
    assert (row["treaty"], row["act"], row["date"]) == (TREATY, "signature", "2025-11-19")
    assert row["source_as_of"] == "2026-01-15"
    assert row["source"] == f"{ARCHIVED} (UNTC status, status as at 2026-01-15)"


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b'<?xml version="1.0"?>\n<!DOCTYPE lol [<!ENTITY lol "lol">]>\n<Document/>\n', "DOCTYPE"),
        (b"<Document>\n<Treaty>\n</Document>\n", "not well-formed XML"),
        (b"<html><body>Service unavailable</body></html>", "no Participants table"),
    ],
)
def test_a_file_that_is_not_a_status_file_fails_clearly(tree, capsys, data, message):
    before = digest(tree / "data")
    assert run(tree, data, "--as-of", "2026-03-01", "--write") == 1
    err = capsys.readouterr().err
    assert message in err
    assert "nothing compared" in err
    assert digest(tree / "data") == before


def test_the_treaty_is_named_by_the_file_or_by_mtdsg_and_must_agree(tree, capsys):
    data = status_file(participants_from())
    assert run(tree, data, name="status.xml") == 2
    assert "give --mtdsg" in capsys.readouterr().err
    assert run(tree, data, "--mtdsg", "XVIII-16", name="status.xml") == 0
    assert run(tree, data, "--mtdsg", "XVIII-12") == 2
    assert "not of XVIII-12" in capsys.readouterr().err
    assert run(tree, data, "--mtdsg", "XVIII-12", name="status.xml") == 1  # no such treaty in treaties.csv
    assert "no treaty number XVIII-12" in capsys.readouterr().err
    other_chapter = status_file(participants_from(), chapter="XXVII")
    assert "chapter XXVII, not of XVIII-16" in read_status(other_chapter, address=ADDRESS).problems[0].message


def test_a_bad_as_of_is_refused(tree, capsys):
    assert run(tree, status_file(participants_from()), "--as-of", "1 March 2026") == 2
    assert "expected a date YYYY-MM-DD" in capsys.readouterr().err
