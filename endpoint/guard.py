"""What a query may touch: only graphs the store holds, SERVICE only to allow-listed endpoints, no Update.

A public endpoint must never fetch a URL or read a file because a query names it (FROM, FROM NAMED,
default-graph-uri, named-graph-uri, SERVICE, LOAD). These checks run before any engine sees the text.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Iterable, Iterator
from typing import TYPE_CHECKING

from rdflib.term import Variable

from .faults import UPDATE_REFUSAL, QueryError, QueryTooDeep, ServiceRefused, UnknownGraph, UpdateRefused
from .memo import per_text

# rdflib's SPARQL parser is imported by the first text that needs it, not at start: building its grammar
# (pyparsing) took ~0.1 s of CPU, a sixth of the server's start, and most queries never need it.
if TYPE_CHECKING:
    from rdflib.plugins.sparql.sparql import Query


def syntax_errors() -> tuple[type[Exception], ...]:
    """What rdflib raises for text that is not a valid query: pyparsing's errors for the grammar, ValueError
    for a bad escape (and a bare Exception from the algebra for an undeclared prefix). Anything else is a
    fault of ours or rdflib's, and is left to propagate (500 with a trace id, not a 400)."""
    from pyparsing.exceptions import ParseBaseException

    return (ParseBaseException, ValueError)


# rdflib's parser (pyparsing, with its packrat cache) is not thread-safe: concurrent parses in one process
# (the server's threads) failed with errors at random places of valid queries. One parse at a time.
PARSING = threading.Lock()


def check_dataset(default_graphs: Iterable[str] | None, named_graphs: Iterable[str] | None, held: set[str]) -> None:
    """Raise UnknownGraph for a default-graph-uri or named-graph-uri that is not a graph of the store."""
    for parameter, names in (("default-graph-uri", default_graphs), ("named-graph-uri", named_graphs)):
        for name in names or ():
            if name not in held:
                raise UnknownGraph(f"{parameter} <{name}> is not a graph of this dataset; {describe_graphs(held)}")


def check_query(sparql: str, held: set[str], allowlist: frozenset[str]) -> None:
    """Raise for FROM/FROM NAMED naming an unknown graph and for SERVICE to an endpoint not allow-listed.

    Only text that could hold those keywords is parsed (rdflib's parser costs milliseconds); every
    other query goes straight to the engine, whose own parser reports syntax errors.
    """
    if not mentions_dataset_or_service(sparql):
        return
    algebra = parse_query(sparql).algebra
    for clause in algebra.get("datasetClause") or ():
        for key, keyword in (("default", "FROM"), ("named", "FROM NAMED")):
            name = dict.get(clause, key)  # CompValue.get raises for a missing key
            if name is not None and str(name) not in held:
                raise UnknownGraph(f"{keyword} <{name}> is not a graph of this dataset; {describe_graphs(held)}")
    for term in services(algebra):
        if isinstance(term, Variable):
            raise ServiceRefused(f"SERVICE ?{term} is refused: the endpoint must be a fixed IRI on the allow-list")
        if str(term) not in allowlist:
            allowed = " ".join(f"<{iri}>" for iri in sorted(allowlist)) or "none"
            raise ServiceRefused(f"SERVICE <{term}> is not on this endpoint's allow-list (allowed: {allowed})")


# IRIs, strings and comments, which may contain the words FROM and SERVICE without them being keywords.
INERT = re.compile(
    r"""<[^<>"{}|^`\\\x00-\x20]*>"""  # IRIREF
    r"""|'''(?:[^'\\]|\\.|'(?!''))*'''"""  # long single-quoted string
    r'''|"""(?:[^"\\]|\\.|"(?!""))*"""'''  # long double-quoted string
    r"""|'(?:[^'\\\n\r]|\\.)*'"""  # short single-quoted string
    r'''|"(?:[^"\\\n\r]|\\.)*"'''  # short double-quoted string
    r"|#[^\n\r]*"  # comment
)
# A variable named ?from or $service is not the keyword (the catalogue's queries use ?from for a period's start).
_KEYWORD = re.compile(r"(?<![?$])\b(?:from|service)\b", re.IGNORECASE)
_NOT_BRACKETS = re.compile(r"[^(){}\[\]]+")
_CODEPOINT = re.compile(r"\\u([0-9A-Fa-f]{4})|\\U([0-9A-Fa-f]{8})")


@per_text
def nesting_depth(sparql: str) -> int:
    """How deep brackets ( { [ nest, outside strings and comments.

    A backslash anywhere takes the careful path, as in mentions_dataset_or_service: codepoint escapes
    (\\u007B is "{" to rdflib) are decoded and every bracket counts, in strings and comments too.
    """
    careful = "\\" in sparql
    code = _CODEPOINT.sub(decode_codepoint, sparql) if careful else INERT.sub(drop_strings_and_comments, sparql)
    depth = deepest = 0
    for bracket in _NOT_BRACKETS.sub("", code):
        if bracket in "({[":
            depth += 1
            deepest = max(deepest, depth)
        elif depth:
            depth -= 1
    return deepest


def drop_strings_and_comments(match: re.Match) -> str:
    """Strings and comments hold no nesting. An IRI is consumed whole (a quote or # in it starts
    nothing) but keeps its brackets: "?a<((...))>?b" is an IRI to this scanner and a comparison over
    parentheses to a parser, so they count."""
    token = match.group(0)
    return token if token.startswith("<") else " "


def decode_codepoint(match: re.Match) -> str:
    value = int(match.group(1) or match.group(2), 16)
    return chr(value) if value < 0x110000 else ""


def check_nesting(sparql: str, limit: int) -> None:
    """Raise QueryTooDeep before any engine parses a query nested deeper than the limit.

    Deep nesting is what overflows a recursive-descent parser's stack: pyoxigraph crashed with a
    segfault at about 3,000 braces (300 square brackets), rdflib's parser raises RecursionError at
    about 20 nested function calls.
    """
    depth = nesting_depth(sparql)
    if depth > limit:
        raise QueryTooDeep(
            f"the query nests brackets {depth} deep; this endpoint accepts at most {limit} (BKG_MAX_NESTING)"
        )


@per_text
def mentions_dataset_or_service(sparql: str) -> bool:
    """False only when the text surely has no FROM and no SERVICE keyword; then rdflib's slow parse is skipped.

    A backslash anywhere takes the careful path: escapes (a \\u0046ROM, a local name ex:a\\#b) could
    otherwise hide a keyword from this scan.
    """
    if "\\" in sparql:
        return True
    return _KEYWORD.search(INERT.sub(" ", sparql)) is not None


# Words that are keywords only of an Update or of Virtuoso's DEFINE pragma, when they stand alone:
# not part of a variable (?add), a prefixed name (ex:add, add:x), a language tag (@add) or a longer word.
_UPDATE_WORD = re.compile(
    r"(?<![\w?$:@\-])(?:insert|delete|load|clear|create|drop|copy|move|add|define)(?![\w:\-])", re.IGNORECASE
)
# Virtuoso's built-in (bif:) and SQL (sql:) functions, whether as prefixed names or inside an IRI.
_VENDOR_FUNCTION = re.compile(r"(?<![\w\-])(?:bif|sql):", re.IGNORECASE)
_CODEPOINT = re.compile(r"\\u([0-9A-Fa-f]{4})|\\U([0-9A-Fa-f]{8})")


def code_of(sparql: str, keep_iris: bool = False) -> str:
    """The query's text with its codepoint escapes decoded and its strings and comments (and IRIs) blanked."""
    decoded = _CODEPOINT.sub(lambda m: chr(int(m.group(1) or m.group(2), 16)), sparql)
    if keep_iris:
        return INERT.sub(lambda m: m.group(0) if m.group(0).startswith("<") else " ", decoded)
    return INERT.sub(" ", decoded)


def check_forwardable(sparql: str) -> None:
    """Refuse, before it is sent on to another SPARQL server, text that is anything but a SPARQL 1.1 query.

    A remote store may do more with a query than read: Virtuoso runs an Update sent as a query, reads
    DEFINE pragmas (its sponger fetches any URL under ``get:soft``) and offers bif:/sql: functions that
    reach its SQL layer. Text that could hold an Update keyword or a pragma must parse here as a
    standard query (UpdateRefused or QueryError otherwise); vendor functions are refused outright.
    """
    if _VENDOR_FUNCTION.search(code_of(sparql, keep_iris=True)):
        raise QueryError("Virtuoso's bif: and sql: functions are not accepted here: use SPARQL 1.1 functions")
    if "\\" in sparql or _UPDATE_WORD.search(code_of(sparql)):
        parse_query(sparql)


def refuse_update(sparql: str) -> None:
    """Raise UpdateRefused when text the engine could not parse as a query is a SPARQL Update."""
    from rdflib.plugins.sparql.parser import parseUpdate

    try:
        with PARSING:
            update = parseUpdate(sparql)
    except (*syntax_errors(), RecursionError):  # neither query nor update: the caller reports the syntax error
        return
    # Text with no operation (blank, only comments or a prologue) is a valid empty Update, and no
    # Update at all: the caller reports it as a malformed query.
    if dict.get(update, "request"):  # CompValue.get answers a missing key with its name
        raise UpdateRefused(UPDATE_REFUSAL)


def parse_query(sparql: str, base_iri: str | None = None, namespaces: dict | None = None) -> Query:
    """rdflib's algebra for the query; UpdateRefused for an update, QueryError for any other invalid text."""
    from rdflib.plugins.sparql.algebra import translateQuery
    from rdflib.plugins.sparql.parser import parseQuery

    try:
        with PARSING:
            return translateQuery(parseQuery(sparql), base=base_iri, initNs=namespaces)
    except syntax_errors() as exc:
        refuse_update(sparql)
        raise QueryError(str(exc)) from exc
    except RecursionError as exc:  # pyparsing recurses per level of nesting; Python's stack is the limit
        raise QueryTooDeep("the query is nested too deeply for the rdflib engine's parser") from exc
    except Exception as exc:
        if type(exc) is not Exception:  # rdflib's algebra says "Unknown namespace prefix" with a bare Exception
            raise
        raise QueryError(str(exc)) from exc


def services(node) -> Iterator:
    """Every SERVICE endpoint term (IRI or variable) in an algebra tree (made by parse_query)."""
    from rdflib.plugins.sparql.parserutils import CompValue

    if isinstance(node, CompValue):
        if node.name == "ServiceGraphPattern":
            yield node.get("term")
        for value in node.values():
            yield from services(value)
    elif isinstance(node, list | tuple):
        for value in node:
            yield from services(value)


def describe_graphs(held: set[str]) -> str:
    return "the graphs are " + ", ".join(f"<{name}>" for name in sorted(held))
