"""The UN Treaty Collection's status file of a treaty deposited with the Secretary-General (its MTDSG XML).

The file (``treaties.un.org/doc/Publication/MTDSG/Volume II/Chapter XVIII/XVIII-16.en.xml`` for the UN
Convention against Cybercrime) holds the treaty's header (``ExternalData``: title, entry into force,
``Status`` with the numbers of ``Signatories`` and ``Parties``) and the table of participants under
``Participants``: a ``Thead`` row naming the columns ("Participant", "Signature", "Ratification,
Acceptance(A), Approval(AA), Accession(a)", in an order that varies between treaties) and one ``Row`` of
``Entry`` cells per participant in ``Tbody/Rows`` (inside a ``TGroup`` in newer files). Dates read
``25 Oct 2025``, tabs and spaces between their parts; a letter after a consent's date gives its kind
(A acceptance, AA approval, a accession, none ratification). Footnote marks come as ``superscript``
markup (real or escaped) after a name.

The file states no date of status (the web page beside it does: "Status as at"), so the date is given
by the person importing (``--as-of``) or read from the archive address of a dated copy
(``web.archive.org/web/20251120.../XVIII-16.en.xml``).

Rows that cannot be read without guessing (a succession, a formal confirmation, two dates in a cell,
a bracketed entry, a column this reader does not know) are reported with their line and skipped; a
DOCTYPE is refused (entities are never expanded). Problems are collected, never raised.
"""

from __future__ import annotations

import datetime as dt
import re
import xml.parsers.expat
from dataclasses import dataclass, field

from .chart import Chart, ChartProblem, ChartRow, RowError

LAYOUT = "UN Treaty Collection status (MTDSG XML)"
KIND = "UNTC status"
SLOTS = ("signature", "consent")
MONTH_NAMES = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
MONTHS = {name: number for number, name in enumerate(MONTH_NAMES, start=1)}
DATE = re.compile(r"(\d{1,2})\s+([A-Z][a-z]{2})[a-z]*\.?\s+(\d{4})")
CONSENT_MARKS = {"": "ratification", "A": "acceptance", "AA": "approval", "a": "accession"}
MARK_NAMES = {
    "d": "succession",
    "c": "formal confirmation",
    "s": "definitive signature",
    "P": "participation",
}
REFERENCE = re.compile(r"\b([IVXLC]+-\d+(?:-[a-z0-9]+)*)\.(?:en|fr|es|ru|zh|ar)\.xml\b", re.I)
CHAPTER = re.compile(r"\bCHAPTER\s+([IVXLC]+)\b")
ARCHIVED = re.compile(r"web\.archive\.org/web/(\d{4})(\d{2})(\d{2})\d*")
STATUS_AS_AT = re.compile(r"status\s+as\s+at\s*:?\s*(\d{1,2})[-/.](\d{1,2})[-/.](\d{4})", re.I)
ESCAPED_NOTE = re.compile(r"<\s*superscript\s*>.*?<\s*/\s*superscript\s*>", re.I | re.S)
TAG = re.compile(r"<[^>]*>")
TRAILING_NOTE = re.compile(r"(?<=[A-Za-z)\]])[\d,\s]+$")
SKIPPED_TAGS = {"superscript", "footnote", "footnoteref"}


@dataclass
class Node:
    """An element with the line it starts on, its text pieces and children (a small tree with lines)."""

    tag: str
    line: int
    parts: list[str | Node] = field(default_factory=list)

    @property
    def children(self) -> list[Node]:
        return [p for p in self.parts if isinstance(p, Node)]

    def text(self) -> str:
        """The text, footnote marks left out (as elements or as escaped markup), whitespace collapsed."""
        pieces = [p if isinstance(p, str) else "" if p.tag.lower() in SKIPPED_TAGS else p.text() for p in self.parts]
        text = TAG.sub("", ESCAPED_NOTE.sub("", "".join(pieces)))
        return " ".join(text.replace("\xa0", " ").split())

    def words(self) -> str:
        """Every piece of text in the element, a space between elements (for searching the whole file)."""
        return " ".join(p if isinstance(p, str) else p.words() for p in self.parts)

    def iter(self, tag: str):
        for child in self.children:
            if child.tag == tag:
                yield child
            yield from child.iter(tag)

    def first(self, *path: str) -> Node | None:
        """The first descendant reached by the path of tags, each step at any depth."""
        if not path:
            return self
        for found in self.iter(path[0]):
            hit = found.first(*path[1:])
            if hit is not None:
                return hit
        return None


class NotReadable(ValueError):
    """The file is not a readable XML document; carries the line."""

    def __init__(self, line: int, message: str):
        self.line = line
        super().__init__(message)


def parse(data: bytes) -> Node:
    """The document as a Node tree; NotReadable for malformed XML or a DOCTYPE."""
    root = Node("#document", 0)
    stack = [root]
    parser = xml.parsers.expat.ParserCreate()

    def start(tag, _attrs):
        node = Node(tag, parser.CurrentLineNumber)
        stack[-1].parts.append(node)
        stack.append(node)

    def end(_tag):
        stack.pop()

    def refuse(*_args):
        message = "a DOCTYPE or entity declaration: not read (entities are never expanded)"
        raise NotReadable(parser.CurrentLineNumber, message)

    parser.StartElementHandler = start
    parser.EndElementHandler = end
    parser.CharacterDataHandler = lambda text: stack[-1].parts.append(text)
    parser.StartDoctypeDeclHandler = refuse
    parser.EntityDeclHandler = refuse
    try:
        parser.Parse(data, True)
    except xml.parsers.expat.ExpatError as exc:
        raise NotReadable(exc.lineno, f"not well-formed XML: {xml.parsers.expat.errors.messages[exc.code]}") from None
    return root


def column_key(title: str) -> str:
    words = title.lower()
    if words.startswith("participant"):
        return "name"
    if words.startswith("signature"):
        return "signature"
    if any(k in words for k in ("ratification", "accession", "acceptance", "approval")):
        return "consent"
    return ""


def read_date(text: str, column: str) -> tuple[dt.date | None, str]:
    """(date, mark) from a cell; RowError naming the column for anything else."""
    if not text:
        return None, ""
    if "[" in text or "]" in text:
        raise RowError(f"{column}: {text!r} is bracketed (an action later withdrawn or superseded?); not read")
    found = DATE.search(text)
    if found is None:
        raise RowError(f"{column}: {text!r} is not a date like '25 Oct 2025'")
    if DATE.search(text, found.end()):
        raise RowError(f"{column}: {text!r} holds more than one date")
    day, month, year = found.groups()
    if month not in MONTHS:
        raise RowError(f"{column}: {month!r} is not a month")
    try:
        date = dt.date(int(year), MONTHS[month], int(day))
    except ValueError:
        raise RowError(f"{column}: {found.group(0)!r} is not a valid date") from None
    mark = (text[: found.start()] + " " + text[found.end() :]).strip(" \t.,")
    return date, mark


def read_row(row: Node, columns: list[tuple[str, str]]) -> ChartRow:
    """A participant's row; RowError for anything that cannot be read without guessing."""
    cells = [entry.text() for entry in row.children if entry.tag == "Entry"]
    if len(cells) > len(columns):
        raise RowError(f"{len(cells)} cells where the header has {len(columns)}")
    values: dict[str, str] = {}
    for (key, title), text in zip(columns, cells, strict=False):
        if key:
            values[key] = text
        elif text:
            raise RowError(f"column {title!r} ({text!r}) is not read by this importer")
    name = TRAILING_NOTE.sub("", values.get("name", "")).strip()
    if not name:
        raise RowError("a row without a participant's name")
    signature, mark = read_date(values.get("signature", ""), "Signature")
    if mark:
        raise RowError(f"Signature: mark {mark!r} ({MARK_NAMES.get(mark, 'unknown')}) not read")
    consent, mark = read_date(values.get("consent", ""), "Ratification")
    if mark not in CONSENT_MARKS:
        raise RowError(f"Ratification: mark {mark!r} ({MARK_NAMES.get(mark, 'unknown')}) not read")
    kind = CONSENT_MARKS[mark] if consent else ""
    if consent and signature and consent < signature:
        raise RowError(f"{kind} {consent} is before the signature {signature}")
    return ChartRow(line=row.line, name=name, section="", signature=signature, consent=consent, consent_kind=kind)


def read_participants(root: Node, status: Chart) -> None:
    participants = root.first("Participants")
    if participants is None:
        status.problems.append(ChartProblem(0, "no Participants table: not a UN Treaty Collection status file"))
        return
    head = participants.first("Thead", "Row")
    if head is None:
        status.problems.append(ChartProblem(participants.line, "the Participants table has no header row (Thead)"))
        return
    columns = [(column_key(e.text()), e.text()) for e in head.children if e.tag == "Entry"]
    if [k for k, _ in columns].count("name") != 1 or "signature" not in [k for k, _ in columns]:
        titles = ", ".join(repr(t) for _, t in columns)
        status.problems.append(ChartProblem(head.line, f"header {titles}: no Participant and Signature columns"))
        return
    body = participants.first("Tbody")
    for row in body.iter("Row") if body is not None else ():
        try:
            status.rows.append(read_row(row, columns))
        except RowError as exc:
            first = next((e.text() for e in row.children if e.tag == "Entry"), "")
            status.problems.append(ChartProblem(row.line, f"{first[:60]!r}: {exc}; row skipped", first))


def read_counts(root: Node, status: Chart) -> None:
    """The header's numbers of signatories and parties, checked against the rows read."""
    counts = root.first("Status")
    for tag, name in (("Signatories", "signatories"), ("Parties", "parties")):
        node = counts.first(tag) if counts is not None else None
        if node is not None and node.text().isdigit():
            status.totals[name] = int(node.text())
    read = {
        "signatories": sum(1 for r in status.rows if r.signature),
        "parties": sum(1 for r in status.rows if r.consent),
    }
    for name, total in status.totals.items():
        if read[name] != total:
            status.problems.append(ChartProblem(0, f"the file counts {total} {name}; the rows read give {read[name]}"))


def status_date(text: str, address: str) -> dt.date | None:
    """A 'Status as at' date in the file, else the day of an archived copy's address; None when neither."""
    for pattern, order in ((STATUS_AS_AT, (2, 1, 0)), (ARCHIVED, (0, 1, 2))):
        found = pattern.search(text if pattern is STATUS_AS_AT else address)
        if found:
            parts = [int(g) for g in found.groups()]
            try:
                return dt.date(parts[order[0]], parts[order[1]], parts[order[2]])
            except ValueError:
                return None
    return None


def read_status(data: bytes, address: str = "", as_of: dt.date | None = None, file_name: str = "") -> Chart:
    """Read a saved MTDSG XML file. Problems are collected in the returned Chart, never raised."""
    found = REFERENCE.search(address) or REFERENCE.search(file_name)
    status = Chart(treaty=None, status_as_of=as_of, address=address, layout=LAYOUT, kind=KIND, slots=SLOTS)
    status.reference = found.group(1) if found else ""
    try:
        root = parse(data)
    except NotReadable as exc:
        status.problems.append(ChartProblem(exc.line, str(exc)))
        return status
    text = root.words()
    chapter = CHAPTER.search(text)
    if chapter and status.reference and not status.reference.startswith(chapter.group(1) + "-"):
        status.problems.append(ChartProblem(0, f"the file is of chapter {chapter.group(1)}, not of {status.reference}"))
    status.status_as_of = as_of or status_date(text, address)
    read_participants(root, status)
    read_counts(root, status)
    if not status.rows and not any(p.line for p in status.problems):
        status.problems.append(ChartProblem(0, "no participant row found"))
    return status
