"""The Treaty Office's chart of signatures and ratifications, read from a page saved from a browser.

Two layouts are read, both tables with one row per State under a header row:

- the older conventions.coe.int page (``Treaty/Commun/ChercheSig.asp?NT=185...``): "Status as of: 18/6/2004";
  columns States, Signature, Ratification, Entry into force, Notes, R., D., A., T., C., O.; flags marked
  ``X``; member States in one table, non-member States in a second one; dates as ``1/7/2004``;
- today's coe.int page ("Chart of signatures and ratifications of Treaty 185"): "Status as of 03/12/2015";
  the same columns; flags printed as ``R.``, ``D.``...; sections "Members" / "Non-members of Council of Europe".

In the Ratification column an accession is marked ``a``/``a.`` or "Accession". The stored copies of the charts
seen while writing this show no mark for an acceptance or an approval, so an unmarked date is read as a
consent of unknown kind, never taken for a ratification.
Signatures "ad referendum" (r), signatures without reservation as to ratification (s) and successions (su)
have no act in data/acts.csv: such rows are reported, not read. Every row that cannot be read is reported
with its line and skipped; nothing is guessed.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field

from .page import Page, Row, clean, read_page

FLAGS = ("R", "D", "A", "T", "C", "O")
FLAG_NAMES = {
    "R": "reservations",
    "D": "declarations",
    "A": "authorities",
    "T": "territorial application",
    "C": "communications",
    "O": "objections",
}
DATE = re.compile(r"(\d{1,2})/(\d{1,2})/(\d{4})")
STATUS = re.compile(r"Status as of\s*:?\s*(\S+)", re.I)
TREATY = (
    re.compile(r"\bTreaty\s+(?:No\.?\s*)?(\d{1,3})\b", re.I),
    re.compile(r"\bC?ETS\s*No\.?\s*:?\s*(\d{1,3})\b", re.I),
    re.compile(r"[?&](?:NT|treatynum)=(\d{1,3})\b", re.I),
    re.compile(r"/treaty/(\d{1,3})/", re.I),
)
TOTALS = {
    "signatures not followed by ratifications": re.compile(
        r"Total number of signatures not followed by ratifications\s*:?\s*(\d+)", re.I
    ),
    "ratifications/accessions": re.compile(r"Total number of ratifications/accessions\s*:?\s*(\d+)", re.I),
}
ACCESSION = ("a", "accession")


@dataclass(frozen=True)
class ChartProblem:
    """A row (or the page) that could not be read, with its line in the saved file."""

    line: int
    message: str
    name: str = ""  # the State's name as printed, when the problem is a State's row

    def __str__(self) -> str:
        return f"line {self.line}: {self.message}" if self.line else self.message


@dataclass(frozen=True)
class ChartRow:
    """One State's row as the chart prints it."""

    line: int
    name: str
    section: str  # "member", "non-member", "organisation" or "" when the chart has no sections
    signature: dt.date | None = None
    consent: dt.date | None = None
    # The act as data/acts.csv names it: "accession"; "consent" where the source does not say which of
    # ratification, acceptance or approval (the CoE charts); the kind itself where it does (the UN's status).
    consent_kind: str = ""
    entry_into_force: dt.date | None = None
    flags: frozenset[str] = frozenset()
    notes: str = ""


ALL_SLOTS = ("signature", "consent", "entry-into-force")


@dataclass
class Chart:
    """The rows read from a saved status list, what could not be read, and what the list says about itself.

    The Treaty Office's charts and the UN Treaty Collection's status files both give one: ``kind``
    names the source in the diff and in the source column written, ``slots`` the acts the source
    shows at all (the UN's status lists no entry into force per party, so none is compared).
    """

    treaty: int | None
    status_as_of: dt.date | None
    address: str
    layout: str
    rows: list[ChartRow] = field(default_factory=list)
    problems: list[ChartProblem] = field(default_factory=list)
    totals: dict[str, int] = field(default_factory=dict)
    kind: str = "CoE chart"
    slots: tuple[str, ...] = ALL_SLOTS
    reference: str = ""  # the source's own number of the treaty ("XVIII-16"), when it is not a CoE number

    def source_note(self) -> str:
        """How a source column names this list: "CoE chart, status 03/12/2015"."""
        if self.status_as_of is None:
            return self.kind
        if self.kind == "CoE chart":
            return f"{self.kind}, status {self.status_as_of:%d/%m/%Y}"
        return f"{self.kind}, status as at {self.status_as_of.isoformat()}"


class RowError(ValueError):
    """A cell of a row cannot be read: the row is skipped."""


@dataclass(frozen=True)
class Header:
    """Where each column is, counted in cells of a data row (the State's name is column `name`)."""

    name: int
    columns: dict[str, int]  # signature, consent, entry_into_force, notes, R, D, ...

    @property
    def width(self) -> int:
        return max([self.name, *self.columns.values()]) + 1


def header_of(texts: list[str]) -> Header | None:
    """A Header when the row names the Signature and Ratification columns, else None."""
    keys = [column_key(text) for text in texts]
    if "signature" not in keys or "consent" not in keys:
        return None
    columns = {key: i for i, key in enumerate(keys) if key and key != "name"}
    name = keys.index("name") if "name" in keys else columns["signature"] - 1
    if name < 0:  # the State column has no header cell (its title sits in a row above): shift by one
        columns = {key: i + 1 for key, i in columns.items()}
        name = 0
    return Header(name, columns)


def column_key(text: str) -> str:
    word = text.lower().strip(" .:")
    if word in ("state", "states", "member states", "non-member states"):
        return "name"
    if word.startswith("signature"):
        return "signature"
    if word.startswith("ratification"):
        return "consent"
    if word.startswith("entry into force"):
        return "entry_into_force"
    if word == "notes":
        return "notes"
    if word.upper() in FLAGS:
        return word.upper()
    return ""


def section_of(text: str) -> str:
    lowered = text.lower()
    if "international organi" in lowered:
        return "organisation"
    if re.search(r"\bnon[- ]members?\b", lowered):
        return "non-member"
    if re.search(r"\bmembers?\b", lowered) and "council of europe" in lowered:
        return "member"
    return ""


def is_legend(text: str) -> bool:
    return ":" in text and any(word in text for word in ("Accession", "Reservation", "Declaration", "Signature"))


def read_date(text: str, column: str) -> tuple[dt.date | None, str]:
    """(date, marker) from a date cell; RowError naming the column for anything else."""
    if not text:
        return None, ""
    found = DATE.search(text)
    if found is None:
        raise RowError(f"{column}: {text!r} is not a date in the form dd/mm/yyyy")
    if DATE.search(text, found.end()):
        raise RowError(f"{column}: {text!r} holds more than one date")
    day, month, year = (int(g) for g in found.groups())
    try:
        date = dt.date(year, month, day)
    except ValueError:
        raise RowError(f"{column}: {found.group(0)!r} is not a valid date") from None
    marker = clean(text[: found.start()] + " " + text[found.end() :]).lower().strip(" .()")
    return date, marker


def read_flag(text: str, flag: str) -> bool:
    word = text.strip().rstrip(".").upper()
    if not word:
        return False
    if word in ("X", flag):
        return True
    raise RowError(f"column {flag}.: {text!r} is not a mark (X or {flag}.)")


def read_row(row: Row, texts: list[str], header: Header, section: str) -> ChartRow:
    """A State's row; RowError for anything that cannot be read without guessing."""
    if len(texts) < header.width:
        raise RowError(f"{len(texts)} cells where the header has {header.width}")
    extra = [t for t in texts[header.width :] if t]
    if extra:
        raise RowError(f"text beyond the chart's columns: {', '.join(repr(t) for t in extra)}")
    name = re.sub(r"\s*(\*+|\(\d+\))$", "", texts[header.name]).strip()
    if not name:
        raise RowError("a row with dates but no State name")
    cols = header.columns
    signature, marker = read_date(texts[cols["signature"]], "Signature")
    if marker:
        raise RowError(f"Signature: marker {marker!r} (signature ad referendum or without ratification) not read")
    consent, kind = read_date(texts[cols["consent"]], "Ratification")
    if kind and kind not in ACCESSION:
        raise RowError(f"Ratification: marker {kind!r} is neither a. nor Accession (succession? not read)")
    eif, marker = (None, "")
    if "entry_into_force" in cols:
        eif, marker = read_date(texts[cols["entry_into_force"]], "Entry into force")
        if marker:
            raise RowError(f"Entry into force: unexpected text {marker!r}")
    if consent and signature and consent < signature:
        raise RowError(f"Ratification {consent} is before the signature {signature}")
    if eif and (consent is None or eif < consent):
        raise RowError(f"Entry into force {eif} without a consent before it")
    flags = frozenset(f for f in FLAGS if f in cols and read_flag(texts[cols[f]], f))
    return ChartRow(
        line=row.line,
        name=name,
        section=section,
        signature=signature,
        consent=consent,
        consent_kind=("accession" if kind in ACCESSION else "consent") if consent else "",
        entry_into_force=eif,
        flags=flags,
        notes=texts[cols["notes"]] if "notes" in cols else "",
    )


def read_rows(page: Page, chart: Chart) -> None:
    """Fill chart.rows and chart.problems from the page's tables, in document order."""
    section = ""
    for table in page.tables:
        header: Header | None = None
        for row in table.rows:
            texts = row.texts()
            filled = [t for t in texts if t]
            if not filled:
                continue
            if len(filled) == 1 and section_of(filled[0]) and not DATE.search(filled[0]):
                section = section_of(filled[0])
                continue
            found = header_of(texts)
            if found is not None:
                header = found
                section = section_of(texts[0]) or section
                continue
            if header is None:
                continue  # a table (or the rows above the header) that is not the chart
            if len(filled) == 1 and (is_legend(filled[0]) or filled[0].lower().startswith("total number")):
                continue
            try:
                chart.rows.append(read_row(row, texts, header, section))
            except RowError as exc:
                name = texts[header.name] if len(texts) > header.name else ""
                chart.problems.append(ChartProblem(row.line, f"{filled[0][:60]!r}: {exc}; row skipped", name))


def read_treaty(page: Page) -> int | None:
    for text in (page.title, page.text, page.canonical, page.saved_from):
        for pattern in TREATY:
            found = pattern.search(text or "")
            if found:
                return int(found.group(1))
    return None


def read_status(page: Page, chart: Chart) -> dt.date | None:
    found = STATUS.search(page.text)
    if found is None:
        chart.problems.append(ChartProblem(0, "the page shows no 'Status as of' date"))
        return None
    try:
        date, _ = read_date(found.group(1).rstrip(".,;"), "Status as of")
    except RowError as exc:
        chart.problems.append(ChartProblem(0, str(exc)))
        return None
    return date


def layout_of(page: Page) -> str:
    if "ChercheSig" in (page.canonical + page.saved_from) or "Member States of the Council of Europe" in page.text:
        return "conventions.coe.int chart (ChercheSig.asp)"
    if "Chart of signatures and ratifications" in page.text or "Members of Council of Europe" in page.text:
        return "coe.int chart (signatures by treaty)"
    return "unrecognised layout (read by its header row)"


def read_chart(html: str, address: str = "") -> Chart:
    """Read a saved chart page. Problems are collected in the Chart, never raised."""
    page = read_page(html)
    chart = Chart(
        treaty=read_treaty(page),
        status_as_of=None,
        address=address or page.canonical or page.saved_from,
        layout=layout_of(page),
    )
    chart.status_as_of = read_status(page, chart)
    read_rows(page, chart)
    if not chart.rows and not any(problem.line for problem in chart.problems):
        chart.problems.append(ChartProblem(0, "no chart found: no table with Signature and Ratification columns"))
    for name, pattern in TOTALS.items():
        found = pattern.search(page.text)
        if found:
            chart.totals[name] = int(found.group(1))
    check_totals(chart)
    return chart


def check_totals(chart: Chart) -> None:
    """The chart's own totals against the rows read: a difference means rows were lost or skipped."""
    read = {
        "ratifications/accessions": sum(1 for r in chart.rows if r.consent),
        "signatures not followed by ratifications": sum(1 for r in chart.rows if r.signature and not r.consent),
    }
    for name, total in chart.totals.items():
        if read[name] != total:
            chart.problems.append(ChartProblem(0, f"the chart counts {total} {name}; the rows read give {read[name]}"))
