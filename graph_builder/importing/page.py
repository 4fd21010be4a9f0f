"""A saved HTML page as its tables (rows of cells, each with its line) and its text, with the stdlib parser.

The standard library's ``html.parser`` is enough here: the charts are plain tables, and it is lenient
the way browsers are (missing ``</td>`` or ``</tr>``, stray end tags), so no dependency is added.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from html.parser import HTMLParser

SAVED_FROM = re.compile(r"saved from url=\(\d+\)\s*(\S+)", re.I)
SPACE = re.compile(r"\s+")


def clean(text: str) -> str:
    """Whitespace (including no-break spaces) collapsed to single spaces, trimmed."""
    return SPACE.sub(" ", text.replace("\xa0", " ")).strip()


@dataclass
class Cell:
    line: int
    colspan: int = 1
    parts: list[str] = field(default_factory=list)

    @property
    def text(self) -> str:
        return clean("".join(self.parts))


@dataclass
class Row:
    line: int
    cells: list[Cell] = field(default_factory=list)

    def texts(self) -> list[str]:
        """The cells' texts, a cell spanning n columns repeated as one text and n - 1 empty ones."""
        out: list[str] = []
        for cell in self.cells:
            out.append(cell.text)
            out.extend([""] * (cell.colspan - 1))
        return out


@dataclass
class Table:
    line: int
    rows: list[Row] = field(default_factory=list)


@dataclass
class Page:
    """What a chart reader needs from the page: its tables in document order, its text and its address."""

    tables: list[Table]
    text: str
    title: str
    canonical: str
    saved_from: str


class _Reader(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tables: list[Table] = []
        self.open: list[tuple[Table, Row | None, Cell | None]] = []  # nested tables: innermost last
        self.words: list[str] = []
        self.title: list[str] = []
        self.in_title = False
        self.canonical = ""
        self.og_url = ""
        self.saved_from = ""
        self.skipping = 0  # inside <script> or <style>

    # -- the table being filled ------------------------------------------------------------------------
    def _close_cell(self) -> None:
        if self.open:
            table, row, cell = self.open[-1]
            if row is not None and cell is not None:
                row.cells.append(cell)
            self.open[-1] = (table, row, None)

    def _close_row(self) -> None:
        self._close_cell()
        if self.open:
            table, row, _ = self.open[-1]
            if row is not None:
                table.rows.append(row)
            self.open[-1] = (table, None, None)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {k: (v or "") for k, v in attrs}
        line = self.getpos()[0]
        if tag in ("script", "style"):
            self.skipping += 1
        elif tag == "title":
            self.in_title = True
        elif tag == "link" and "canonical" in values.get("rel", "").lower().split():
            self.canonical = self.canonical or values.get("href", "").strip()
        elif tag == "meta" and values.get("property", "").lower() == "og:url":
            self.og_url = self.og_url or values.get("content", "").strip()
        elif tag == "table":
            table = Table(line)
            self.tables.append(table)
            self.open.append((table, None, None))
        elif tag == "tr" and self.open:
            self._close_row()
            table, _, _ = self.open[-1]
            self.open[-1] = (table, Row(line), None)
        elif tag in ("td", "th") and self.open:
            self._close_cell()
            table, row, _ = self.open[-1]
            if row is None:  # a cell outside any <tr>: browsers open a row for it
                row = Row(line)
            span = values.get("colspan", "1").strip()
            self.open[-1] = (table, row, Cell(line, int(span) if span.isdigit() and int(span) > 0 else 1))
        elif tag == "img":
            self.handle_data(" " + values.get("alt", "") + " ")
        elif tag in ("br", "p", "div", "li"):
            self.handle_data(" ")

    def handle_endtag(self, tag: str) -> None:
        if tag in ("script", "style"):
            self.skipping = max(0, self.skipping - 1)
        elif tag == "title":
            self.in_title = False
        elif tag in ("td", "th"):
            self._close_cell()
        elif tag == "tr":
            self._close_row()
        elif tag == "table" and self.open:
            self._close_row()
            self.open.pop()

    def handle_data(self, data: str) -> None:
        if self.skipping:
            return
        if self.in_title:
            self.title.append(data)
        self.words.append(data)
        if self.open:
            cell = self.open[-1][2]
            if cell is not None:
                cell.parts.append(data)

    def handle_comment(self, data: str) -> None:
        found = SAVED_FROM.search(data)
        if found and not self.saved_from:
            self.saved_from = found.group(1)


def read_page(html: str) -> Page:
    """Parse the page; never raises on malformed markup (the parser recovers as browsers do)."""
    reader = _Reader()
    reader.feed(html)
    reader.close()
    while reader.open:
        reader._close_row()
        reader.open.pop()
    return Page(
        tables=reader.tables,
        text=clean("".join(reader.words)),
        title=clean("".join(reader.title)),
        canonical=reader.canonical or reader.og_url,
        saved_from=reader.saved_from,
    )
