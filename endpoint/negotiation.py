"""Content negotiation: which serialisation a client gets, by Accept or a format override."""

from __future__ import annotations

import functools
from dataclasses import dataclass

from werkzeug.datastructures import MIMEAccept
from werkzeug.http import parse_accept_header
from werkzeug.wrappers import Request

from .errors import not_acceptable


@dataclass(frozen=True)
class Format:
    name: str  # short name for ?format=
    media_type: str
    aliases: tuple[str, ...] = ()


RESULT_FORMATS = (  # SELECT and ASK; the first is the default
    Format("json", "application/sparql-results+json", ("application/json",)),
    Format("xml", "application/sparql-results+xml", ("application/xml", "text/xml")),
    Format("csv", "text/csv"),
    Format("tsv", "text/tab-separated-values"),
)
GRAPH_FORMATS = (  # CONSTRUCT and DESCRIBE; the first is the default
    # Turtle is valid N3, so clients asking for N3 (SPARQLWrapper's default for CONSTRUCT) get Turtle.
    Format("turtle", "text/turtle", ("application/x-turtle", "application/turtle", "ttl", "n3", "text/n3")),
    Format("ntriples", "application/n-triples", ("text/plain", "nt", "n-triples")),
    Format("rdfxml", "application/rdf+xml", ("rdf", "xml", "application/xml", "rdf+xml")),
    Format("jsonld", "application/ld+json", ("json", "application/json", "json-ld", "application/x-json+ld")),
    Format("nquads", "application/n-quads", ("nq", "n-quads")),
    Format("trig", "application/trig"),
)


def choose_format(formats: tuple[Format, ...], accept: MIMEAccept, override: str | None = None) -> Format:
    """Pick the format: an explicit override wins, then Accept; 406 naming the choices otherwise."""
    if override:
        # A list is allowed ("application/ld+json,application/x-json+ld", as SPARQLWrapper sends): first known wins.
        for wanted in override.lower().split(","):
            for fmt in formats:
                if wanted.strip() in (fmt.name, fmt.media_type, *fmt.aliases):
                    return fmt
        raise not_acceptable(f"format {override!r} is not available here; choose one of {describe(formats)}")
    if not accept or not accept.values() or all(value in ("*/*", "") for value in accept.values()):
        return formats[0]
    offered: dict[str, Format] = {}
    for fmt in formats:
        offered.setdefault(fmt.media_type, fmt)
        for alias in fmt.aliases:
            if "/" in alias:
                offered.setdefault(alias, fmt)
    best = accept.best_match(list(offered))
    if best is None:
        raise not_acceptable(f"none of the requested types can be produced; choose one of {describe(formats)}")
    return offered[best]


def describe(formats: tuple[Format, ...]) -> str:
    return ", ".join(f"{fmt.media_type} (format={fmt.name})" for fmt in formats)


HTML_TYPES = ("text/html", "application/xhtml+xml")


def wants_html(formats: tuple[Format, ...], accept: MIMEAccept, override: str | None = None) -> bool:
    """True for a browser: it names text/html and likes it at least as well as every format offered.

    A client that names no HTML (SPARQLWrapper, rdflib, curl's */*) keeps getting data as before.
    """
    if override:
        return override.strip().lower() in ("html", *HTML_TYPES)
    if not any(value in HTML_TYPES for value in accept.values()):
        return False
    offered = [fmt.media_type for fmt in formats] + [a for fmt in formats for a in fmt.aliases if "/" in a]
    return accept.best_match([*HTML_TYPES, *offered]) in HTML_TYPES


# Clients send a handful of distinct Accept headers, and every query asks the same question of them:
# the answers are kept per header text (short ones only, so the memo stays small whatever clients send).
MEMO_CHARS = 256


def choose_for(formats: tuple[Format, ...], req: Request, override: str | None = None) -> Format:
    """choose_format for a request's Accept header, remembered per header text."""
    header = req.headers.get("Accept")
    if len(header or "") + len(override or "") > MEMO_CHARS:
        return choose_format(formats, req.accept_mimetypes, override)
    return _choose_remembered(formats, header, override)


def html_for(formats: tuple[Format, ...], req: Request, override: str | None = None) -> bool:
    """wants_html for a request's Accept header, remembered per header text."""
    header = req.headers.get("Accept")
    if len(header or "") + len(override or "") > MEMO_CHARS:
        return wants_html(formats, req.accept_mimetypes, override)
    return _html_remembered(formats, header, override)


@functools.lru_cache(maxsize=512)
def _choose_remembered(formats: tuple[Format, ...], header: str | None, override: str | None) -> Format:
    return choose_format(formats, parse_accept_header(header, MIMEAccept), override)  # a 406 is raised, not kept


@functools.lru_cache(maxsize=512)
def _html_remembered(formats: tuple[Format, ...], header: str | None, override: str | None) -> bool:
    return wants_html(formats, parse_accept_header(header, MIMEAccept), override)
