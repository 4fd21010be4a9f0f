"""A malformed query's error as one readable line, with the place in the query it points at.

The engines word their parse errors for their own developers: oxigraph lists every character class
it would have accepted ("expected one of Prefix not found, ['%'], ['-' | '0' ..= '9' | '\\u{00B7}' ...")
and, being a PEG parser, often points at the end of the text rather than where it went wrong. To
find the place, the text is parsed again with rdflib's grammar (pyparsing), which stops at the first
token it cannot take; a prefix that is used but not declared is found by reading the text.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING

from .guard import PARSING, syntax_errors

if TYPE_CHECKING:  # rdflib's parser is imported when a malformed query is explained (see guard.py)
    from pyparsing.exceptions import ParseBaseException

# A prefixed name's prefix (possibly empty) where a name may start: not inside an IRI, a variable or a word.
PREFIXED = re.compile(r"(?<![\w<?$:/#.-])([A-Za-z][\w.-]*)?:(?=[\w%\\]|\s|$)")
DECLARED = re.compile(r"\bPREFIX\s+([A-Za-z][\w.-]*)?:", re.IGNORECASE)
INERT = re.compile(r"<[^<>\s]*>|\"(?:[^\"\\\n]|\\.)*\"|'(?:[^'\\\n]|\\.)*'|#[^\n]*")
PREFIX_ERRORS = ("Prefix not found", "Unknown namespace prefix")


@dataclass(frozen=True)
class Problem:
    """Where a query broke (1-based line and column, when known) and what went wrong, in one line."""

    summary: str
    line: int = 0
    column: int = 0

    @property
    def one_line(self) -> str:
        where = f"line {self.line}, column {self.column}: " if self.line else ""
        return where + self.summary


def explain(message: str, text: str) -> Problem:
    """The engine's error message for the query text, as a Problem with its place when it can be found."""
    if any(marker in message for marker in PREFIX_ERRORS):
        found = find_undeclared_prefix(text)
        if found:
            return found
    from pyparsing.exceptions import ParseBaseException
    from rdflib.plugins.sparql.parser import parseQuery

    try:
        with PARSING:  # rdflib's parser is not thread-safe
            parseQuery(text)
    except ParseBaseException as exc:
        return Problem(describe_parse_error(exc, text), exc.lineno, exc.col)
    except syntax_errors():  # a bad escape: rdflib says what, not where
        pass
    return Problem(" ".join(message.removeprefix("malformed query: ").split()))


def describe_parse_error(exc: ParseBaseException, text: str) -> str:
    rest = text[exc.loc :].lstrip()
    if not rest:
        return "the query ends too early (a bracket or a part of a triple may be missing)"
    token = re.match(r"\w+|\S", rest).group(0)
    return f"unexpected {token!r}: the query cannot go on here"


def find_undeclared_prefix(text: str) -> Problem | None:
    """The first prefixed name whose prefix has no PREFIX line."""
    blanked = INERT.sub(lambda m: " " * len(m.group(0)), text)
    declared = {name or "" for name in DECLARED.findall(blanked)}
    for number, content in enumerate(blanked.splitlines(), start=1):
        if DECLARED.search(content):
            continue
        for match in PREFIXED.finditer(content):
            prefix = match.group(1) or ""
            if prefix not in declared:
                return Problem(
                    f"the prefix '{prefix}:' is not declared; add a line PREFIX {prefix}: <...>",
                    number,
                    match.start() + 1,
                )
    return None


def mark(text: str, problem: Problem, context: int = 2) -> list[tuple[int, str, str, str]]:
    """The lines around the problem as (number, before, marked character, after), for the page to show."""
    lines = text.splitlines() or [""]
    if not 0 < problem.line <= len(lines):
        return []
    out = []
    for number in range(max(problem.line - context, 1), min(problem.line + context, len(lines)) + 1):
        content = lines[number - 1]
        if number != problem.line:
            out.append((number, content, "", ""))
            continue
        at = max(problem.column - 1, 0)
        # Past the end of the line: mark an empty place so the reader still sees where.
        out.append((number, content[:at], content[at : at + 1] or " ", content[at + 1 :]))
    return out
