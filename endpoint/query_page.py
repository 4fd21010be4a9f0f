"""The query page: the editor, and the results of a query as a page (paged, every IRI a link).

/query shows it; /sparql and /queries/<name> show the same page to browsers (clients that ask for
text/html), so every link a person clicks opens a page. Queries run through the same runner as
/sparql, so the same refusals and limits apply; a refusal is said in the page, with the status
errors.py gives it. The URL of a run query (/query?query=...) runs it again, so it can be shared.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from urllib.parse import urlencode

from flask import Blueprint, render_template, request
from rdflib import Literal, URIRef

from budapest_kg.catalogue import NamedQuery

from .base import build_base
from .errors import bad_request, for_fault
from .faults import EngineFault, QueryError
from .lookup import Node, read_rows
from .negotiation import GRAPH_FORMATS, RESULT_FORMATS
from .runner import bind_named, catalogue, run_query
from .scratch_graph import scratch_graph
from .syntax import explain, mark

bp = Blueprint("query_page", __name__)
NTRIPLES = next(fmt for fmt in GRAPH_FORMATS if fmt.name == "ntriples")
PAGE_SIZES = (25, 100, 500)
DEFAULT_PAGE_SIZE = 100
# Parameters of the page itself, not of a query: kept out of a named query's parameters.
PAGE_PARAMETERS = ("page", "size")
STARTER = """SELECT ?state ?name WHERE {
  ?state a bkg:State ; rdfs:label ?name .
  FILTER(LANG(?name) = "en")
}
ORDER BY ?name
LIMIT 20
"""


@dataclass(frozen=True)
class Paging:
    """Which rows of an answer a page shows."""

    total: int
    page: int
    size: int

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.size))

    @property
    def first(self) -> int:
        return (self.page - 1) * self.size

    @property
    def last(self) -> int:
        return min(self.first + self.size, self.total)


@bp.route("/query", methods=["GET", "POST"])
def show_query_page():
    """The editor, with the answer to the query when there is one (a query given, or an example chosen)."""
    chosen = catalogue().get(request.values.get("example", ""))
    text = request.values.get("query", "")
    if not text.strip() and chosen:
        text = bind_named(chosen, {})
    return render_query_page(text, chosen=chosen)


def render_query_page(text: str, *, chosen: NamedQuery | None = None, intro: str = "", values=None):
    """The page with text in the editor and, unless it is empty, its answer: (html, status, headers)."""
    size, page = read_paging()  # a bad page or size is refused before the query runs
    result, problem, status, headers = None, None, 200, {}
    if text.strip():
        try:
            result = tabulate(text)
        except EngineFault as exc:  # malformed, refused, too slow or too large: said in the page
            refusal = for_fault(exc)  # with its headers: Retry-After for a 503 or 429, the trace id of a 500
            status, headers = refusal.status, refusal.headers
            detail = str(exc) if isinstance(exc, QueryError) else refusal.detail
            problem = explain(detail, text) if isinstance(exc, QueryError) else None
            result = {"kind": "error", "detail": problem.one_line if problem else detail}
    paging = None
    if result and "rows" in result:
        total = len(result["rows"])
        paging = Paging(total, min(page, max(1, -(-total // size))), size)
        result["shown"] = result["rows"][paging.first : paging.last]
    body = render_template(
        "query.html",
        catalogue=sorted(catalogue().values(), key=lambda q: q.summary.casefold()),
        chosen=chosen,
        values=values or {},
        intro=intro,
        text=text if text.strip() else starter_query(),
        ran=bool(text.strip()),
        result=result,
        problem=problem,
        marked=mark(text, problem) if problem else [],
        paging=paging,
        sizes=PAGE_SIZES,
        page_url=page_url,
        downloads=downloads(text, result),
        permalink="/query?" + urlencode({"query": text}) if text.strip() else "",
    )
    return body, status, headers


def starter_query() -> str:
    """A new query: the graph's prefixes declared, and a small query to change."""
    prefixes = "".join(f"PREFIX {name}: <{namespace}>\n" for name, namespace in build_base().prefixes().items())
    return prefixes + "\n" + STARTER


def read_paging() -> tuple[int, int]:
    """The page size and page asked for (?size=, ?page=); 400 naming the choices for a bad value."""
    size = read_number("size", DEFAULT_PAGE_SIZE)
    if size not in PAGE_SIZES:
        raise bad_request(f"size={size} is not a page size here; choose one of {', '.join(map(str, PAGE_SIZES))}")
    return size, read_number("page", 1)


def read_number(name: str, default: int) -> int:
    raw = request.values.get(name, "").strip()
    if not raw:
        return default
    if not raw.isdigit() or int(raw) < 1:
        raise bad_request(f"{name}={raw!r} must be a whole number from 1 up")
    return int(raw)


def page_url(page: int, size: int | None = None) -> str:
    """This page's address with another page (and size) of the answer: GET, so it can be shared."""
    values = {key: value for key, value in request.values.items() if key not in ("run", *PAGE_PARAMETERS)}
    values["page"] = str(page)
    if size or request.values.get("size"):
        values["size"] = str(size or request.values.get("size"))
    return request.path + "?" + urlencode(values)


def downloads(text: str, result: dict | None) -> list[tuple[str, str]]:
    if not result or result["kind"] == "error":
        return []
    formats = GRAPH_FORMATS if result["kind"] == "graph" else RESULT_FORMATS
    return [(fmt.name, "/sparql?" + urlencode({"query": text, "format": fmt.name})) for fmt in formats]


def tabulate(text: str) -> dict:
    """Run any query for the page: a table of rows, a yes/no, or a table of triples."""
    answer = run_query(text)
    if answer.kind == "graph":
        with scratch_graph() as graph:
            graph.parse(data=answer.serialize(NTRIPLES).decode("utf-8"), format="nt")
            rows = [{"subject": as_node(s), "predicate": as_node(p), "object": as_node(o)} for s, p, o in sorted(graph)]
        return {"kind": "graph", "columns": ["subject", "predicate", "object"], "rows": rows}
    json_bytes = answer.serialize(RESULT_FORMATS[0])
    document = json.loads(json_bytes)
    if answer.kind == "boolean":
        return {"kind": "boolean", "value": bool(document.get("boolean"))}
    columns = in_query_order(document["head"].get("vars", []), text)
    return {"kind": "bindings", "columns": columns, "rows": read_rows(json_bytes)}


def in_query_order(names: list[str], text: str) -> list[str]:
    """Columns in the order the query first names them (oxigraph lists SELECT * variables alphabetically)."""
    positions = {
        name: min((at for at in (text.find("?" + name), text.find("$" + name)) if at >= 0), default=len(text))
        for name in names
    }
    return sorted(names, key=lambda name: positions[name])


def as_node(term) -> Node:
    if isinstance(term, URIRef):
        return Node(str(term), "uri")
    if isinstance(term, Literal):
        return Node(str(term), "literal", term.language or "", str(term.datatype or ""))
    return Node(str(term), "bnode")
