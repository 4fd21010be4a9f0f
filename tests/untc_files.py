"""UN Treaty Collection status files (MTDSG XML) written by the tests, in the layout the real files have.

The layout follows the stored copies and the public readers of them seen while writing the importer:
``Document/Treaty/ExternalData`` (title, ``Status`` with ``Signatories`` and ``Parties``) and
``Participants/Table/TGroup`` with a ``Thead`` row and ``Tbody/Rows/Row/Entry`` cells; dates as
``25 Oct\\t 2025``; ISO-8859-1 encoded; footnote marks as (escaped) ``superscript`` markup. Each row is one
line, so a test can name the line a problem must be reported on.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from xml.sax.saxutils import escape

ADDRESS = "https://treaties.un.org/doc/Publication/MTDSG/Volume%20II/Chapter%20XVIII/XVIII-16.en.xml"
ARCHIVED = "https://web.archive.org/web/20260115093000/" + ADDRESS
MARKS = {"ratification": "", "acceptance": " A", "approval": " AA", "accession": " a"}
HEADER = ("Participant", "Signature", "Acceptance(A), Ratification, Approval(AA), Accession(a)")


@dataclass(frozen=True)
class Participant:
    name: str
    signature: str = ""  # YYYY-MM-DD
    consent: str = ""
    kind: str = "ratification"
    cells: tuple[str, ...] | None = None  # raw cell texts, for malformed rows
    note: str = ""  # a footnote number printed after the name


def un_date(iso: str) -> str:
    day = dt.date.fromisoformat(iso)
    return f"{day.day} {day:%b}\t {day.year} "


def cells_of(p: Participant, order: tuple[int, ...]) -> list[str]:
    if p.cells is not None:
        return list(p.cells)
    name = escape(p.name) + (f"&lt;superscript&gt;{p.note}&lt;/superscript&gt;" if p.note else "")
    by_column = {
        0: name,
        1: un_date(p.signature) if p.signature else "",
        2: un_date(p.consent) + MARKS[p.kind] if p.consent else "",
    }
    return [by_column[i] for i in order]


def status_file(
    participants: list[Participant],
    signatories: int | None = None,
    parties: int | None = None,
    order: tuple[int, ...] = (0, 1, 2),
    tgroup: bool = True,
    chapter: str = "XVIII",
) -> bytes:
    """The file as bytes (ISO-8859-1); order is that of the columns (0 name, 1 signature, 2 consent);
    signatories/parties default to the counts of the rows given."""
    signatories = sum(1 for p in participants if p.signature) if signatories is None else signatories
    parties = sum(1 for p in participants if p.consent) if parties is None else parties
    head = "".join(f"<Entry>{escape(HEADER[i])}</Entry>" for i in order)
    lines = [
        '<?xml version="1.0" encoding="ISO-8859-1"?>',
        "<Document>",
        "<Treaty>",
        f"<Header><Chapter>CHAPTER {chapter}</Chapter><Name>PENAL MATTERS</Name><Number>16</Number></Header>",
        "<ExternalData>",
        "<Titlesect>United Nations Convention against Cybercrime</Titlesect>",
        "<Conclusion>New York, 24 December 2024</Conclusion>",
        f"<Status><Signatories>{signatories}</Signatories><Parties>{parties or ''}</Parties></Status>",
        "</ExternalData>",
        "<Participants><Table>" + ("<TGroup>" if tgroup else ""),
        f"<Thead><Row>{head}</Row></Thead>",
        "<Tbody><Rows>",
    ]
    for p in participants:
        lines.append("<Row>" + "".join(f"<Entry>{c}</Entry>" for c in cells_of(p, order)) + "</Row>")
    closing = ("</TGroup>" if tgroup else "") + "</Table></Participants>"
    lines += ["</Rows></Tbody>", closing, "</Treaty>", "</Document>"]
    return ("\n".join(lines) + "\n").encode("iso-8859-1")


def line_of(data: bytes, text: str) -> int:
    for number, line in enumerate(data.decode("iso-8859-1").splitlines(), start=1):
        if text in line:
            return number
    raise AssertionError(f"{text!r} not in the file")
