"""Chart pages the tests write themselves, in the Treaty Office's two layouts (no third-party page is copied).

Each State's row is on its own line, so a test can find the line a problem must be reported on.
"""

from __future__ import annotations

import csv
import datetime as dt
import html
from dataclasses import dataclass, replace
from pathlib import Path

FLAGS = "RDATCO"
CONSENTS = ("ratification", "acceptance", "approval", "accession", "consent")
OLD_ADDRESS = "http://conventions.coe.int/Treaty/Commun/ChercheSig.asp?NT={n}&CM=8&DF={d:%d/%m/%y}&CL=ENG"
NEW_ADDRESS = "https://www.coe.int/en/web/conventions/full-list?module=signatures-by-treaty&treatynum={n}"


@dataclass(frozen=True)
class Entry:
    """A State's row as the chart prints it; dates as ISO strings, turned into the layout's format."""

    name: str
    signature: str = ""
    consent: str = ""
    accession: bool = False
    eif: str = ""
    flags: str = ""
    notes: str = ""
    member: bool = True
    raw: dict | None = None  # cell texts to print as given (malformed rows)


def old_date(iso: str) -> str:
    d = dt.date.fromisoformat(iso)
    return f"{d.day}/{d.month}/{d.year}"


def new_date(iso: str) -> str:
    return f"{dt.date.fromisoformat(iso):%d/%m/%Y}"


def cells(entry: Entry, layout: str) -> list[str]:
    if entry.raw is not None:
        return entry.raw["cells"]
    fmt = old_date if layout == "old" else new_date
    consent = fmt(entry.consent) if entry.consent else ""
    if consent and entry.accession:
        consent += " a" if layout == "old" else " a."
    marks = [("X" if layout == "old" else f"{f}.") if f in entry.flags else "" for f in FLAGS]
    dates = [fmt(entry.signature) if entry.signature else "", consent, fmt(entry.eif) if entry.eif else ""]
    return [entry.name, *dates, entry.notes, *marks]


def row(texts: list[str]) -> str:
    return "<tr>" + "".join(f"<td>{html.escape(t)}</td>" for t in texts) + "</tr>"


def totals(entries: list[Entry]) -> str:
    consents = sum(1 for e in entries if e.consent and e.raw is None)
    signatures = sum(1 for e in entries if e.signature and not e.consent and e.raw is None)
    return (
        f"<p>Total number of signatures not followed by ratifications: {signatures}</p>\n"
        f"<p>Total number of ratifications/accessions: {consents}</p>\n"
    )


def old_layout(treaty: int, status: str, entries: list[Entry], with_totals: bool = True) -> str:
    """The older conventions.coe.int page: two tables, flags as X, dates as d/m/yyyy, accession 'a'."""
    as_of = dt.date.fromisoformat(status)
    head = "<tr><th>States</th><th>Signature</th><th>Ratification</th><th>Entry into force</th><th>Notes</th>"
    head += "".join(f"<th>{f}.</th>" for f in FLAGS) + "</tr>"
    parts = [
        f"<!-- saved from url=(0071){OLD_ADDRESS.format(n=treaty, d=as_of)} -->",
        "<html><head><title>Council of Europe - Chart of signatures</title></head><body>",
        f"<p>Convention on Cybercrime</p><p>CETS No.: {treaty}</p>",
        f"<p>Status as of: {as_of.day}/{as_of.month}/{as_of.year}</p>",
    ]
    for member, title in ((True, "Member States of the Council of Europe"), (False, "Non-member States")):
        parts.append(f"<table><tr><td colspan=11><b>{title}</b></td></tr>")
        parts.append(head)
        parts += [row(cells(e, "old")) for e in entries if e.member == member]
        parts.append("</table>")
    if with_totals:
        parts.append(totals(entries))
    parts.append("<p>a: Accession - s: Signature without reservation as to ratification - su: Succession</p>")
    parts.append("</body></html>")
    return "\n".join(parts) + "\n"


def new_layout(treaty: int, status: str, entries: list[Entry], with_totals: bool = True) -> str:
    """Today's coe.int page: one table with section header rows, flags as 'R.', dates dd/mm/yyyy, 'a.'."""
    as_of = dt.date.fromisoformat(status)
    columns = "<th>Signature</th><th>Ratification</th><th>Entry into Force</th><th>Notes</th>"
    columns += "".join(f"<th>{f}.</th>" for f in FLAGS) + "</tr>"
    parts = [
        "<!DOCTYPE html><html><head><title>Full list - Treaty Office</title>",
        f'<link rel="canonical" href="{html.escape(NEW_ADDRESS.format(n=treaty))}">',
        "<script>var chart = '<table><tr><td>not a chart</td></tr></table>';</script></head><body>",
        f"<h1>Chart of signatures and ratifications of Treaty {treaty}</h1>",
        f"<p>Convention on Cybercrime</p><p>Status as of {as_of:%d/%m/%Y}</p>",
        "<ul><li>State who signed</li><li>State who ratified</li><li>State who denounced</li></ul>",
        "<table>",
    ]
    for member, title in ((True, "Members of Council of Europe"), (False, "Non-members of Council of Europe")):
        parts.append(f"<tr><th>{title}</th>{columns}")
        parts += [row(cells(e, "new")) for e in entries if e.member == member]
    parts.append("</table>")
    if with_totals:
        parts.append(totals(entries))
    parts.append("</body></html>")
    return "\n".join(parts) + "\n"


LAYOUTS = {"old": old_layout, "new": new_layout}


def line_of(page: str, text: str) -> int:
    """The 1-based line of the page on which text first appears."""
    for number, line in enumerate(page.splitlines(), start=1):
        if text in line:
            return number
    raise AssertionError(f"{text!r} not in the page")


def read_csv(path: Path) -> list[dict[str, str]]:
    with open(path, newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def entries_from_data(data_dir: Path, treaty: str) -> list[Entry]:
    """The chart data/ implies for a treaty: one row per State with an act on it, dates as recorded."""
    names = {r["iso3"]: r["name"] for r in read_csv(data_dir / "states.csv")}
    members = {r["iso3"] for r in read_csv(data_dir / "coe_membership.csv") if not r["left"]}
    flags = {r["iso3"]: r["flags"].replace(" ", "") for r in read_csv(data_dir / "chart_flags.csv")
             if r["treaty"] == treaty} if (data_dir / "chart_flags.csv").is_file() else {}  # fmt: skip
    entries: dict[str, Entry] = {}
    for act in read_csv(data_dir / "acts.csv"):
        if act["treaty"] != treaty or act["act"] in ("invitation-to-accede", "denunciation", "succession"):
            continue
        party = act["party"]
        entry = entries.get(party) or Entry(names[party], member=party in members)
        entry = replace(entry, flags=flags.get(party, ""))
        if act["act"] == "signature":
            entry = replace(entry, signature=act["date"])
        elif act["act"] in CONSENTS:
            entry = replace(entry, consent=act["date"], accession=act["act"] == "accession")
        elif act["act"] == "entry-into-force":
            entry = replace(entry, eif=act["date"])
        entries[party] = entry
    return sorted(entries.values(), key=lambda e: e.name)
