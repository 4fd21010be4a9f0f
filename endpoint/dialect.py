"""What a remote store says differently from the W3C's SPARQL JSON results, read back in the standard's terms.

Measured on Debian's Virtuoso Open Source 7.2 (the tests run it):
- literals with a datatype come as ``"type": "typed-literal"`` (SPARQL 1.0's draft JSON);
- blank nodes come as ``nodeID://b10006``, not a valid blank node label;
- it has no boolean values: ``true``, ``BOUND(?x)``, ``EXISTS {…}``, comparisons, all answer
  ``"1"^^xsd:integer`` / ``"0"^^xsd:integer``, and an xsd:boolean literal comes as "1"/"0";
- an ASK is answered as a table with one variable, ``__ASK_RETVAL``: one row holding 1 for true,
  no row for false.

The first two are rewritten for any store. For the third, the variables a query binds to a
boolean-valued expression (``BIND(EXISTS {…} AS ?v)``, ``(BOUND(?x) AS ?v)``) are found in the query's
algebra, and their 1/0 are read back as true/false; a variable holding a boolean that the store
itself stored is out of reach (none in this graph: the build writes no xsd:boolean literal).
"""

from __future__ import annotations

import json
import re
from functools import lru_cache

from rdflib import Literal
from rdflib.namespace import XSD
from rdflib.plugins.sparql.parserutils import CompValue

from .guard import code_of, parse_query

ASK_VARIABLE = "__ASK_RETVAL"
BOOLEAN = str(XSD.boolean)
INTEGER = str(XSD.integer)
# rdflib's algebra names of the expressions whose value is always a boolean.
BOOLEAN_EXPRESSIONS = frozenset(
    {
        "Builtin_EXISTS",
        "Builtin_NOTEXISTS",
        "Builtin_BOUND",
        "Builtin_isIRI",
        "Builtin_isBLANK",
        "Builtin_isLITERAL",
        "Builtin_isNUMERIC",
        "Builtin_sameTerm",
        "Builtin_REGEX",
        "Builtin_LANGMATCHES",
        "Builtin_CONTAINS",
        "Builtin_STRSTARTS",
        "Builtin_STRENDS",
        "RelationalExpression",
        "ConditionalAndExpression",
        "ConditionalOrExpression",
        "UnaryNot",
    }
)
_AS = re.compile(r"\bAS\b", re.IGNORECASE)
_BNODE_UNSAFE = re.compile(r"[^A-Za-z0-9_]")


def is_virtuoso(server_header: str) -> bool:
    return server_header.lower().startswith("virtuoso")


@lru_cache(maxsize=512)
def boolean_variables(sparql: str) -> frozenset[str]:
    """The variables the query binds to a boolean-valued expression (BIND … AS ?v, or (… AS ?v) in SELECT)."""
    if not _AS.search(code_of(sparql)):
        return frozenset()
    found: set[str] = set()
    collect(parse_query(sparql).algebra, found)
    return frozenset(found)


def collect(node, found: set[str]) -> None:
    if isinstance(node, CompValue):
        if node.name == "Extend" and is_boolean(node.get("expr")):
            found.add(str(node["var"]))
        for value in node.values():
            collect(value, found)
    elif isinstance(node, list | tuple):
        for value in node:
            collect(value, found)


def is_boolean(expr) -> bool:
    if isinstance(expr, Literal):
        return expr.datatype == XSD.boolean
    if not isinstance(expr, CompValue):
        return False
    if expr.name in BOOLEAN_EXPRESSIONS:
        return True
    if expr.name == "Builtin_IF":
        return is_boolean(expr.get("arg2")) and is_boolean(expr.get("arg3"))
    if expr.name == "Builtin_COALESCE":
        return all(is_boolean(arg) for arg in expr.get("arg") or ())
    return expr.name == "Function" and expr.get("iri") == XSD.boolean


def standard_json(body: bytes, booleans: frozenset[str] = frozenset(), virtuoso: bool = False) -> bytes:
    """SPARQL JSON results in the W3C's terms (see the module's docstring)."""
    if not virtuoso and b'"typed-literal"' not in body and b"nodeID://" not in body:
        return body
    try:
        data = json.loads(body)
    except ValueError:
        return body  # the caller's parser reports the error
    if virtuoso and data.get("head", {}).get("vars") == [ASK_VARIABLE]:
        rows = data.get("results", {}).get("bindings", [])
        return json.dumps({"head": {}, "boolean": bool(rows) and rows[0][ASK_VARIABLE]["value"] == "1"}).encode()
    for row in data.get("results", {}).get("bindings", []):
        for name, term in row.items():
            read_term(term, name in booleans)
    return json.dumps(data).encode()


def read_term(term: dict, boolean: bool) -> None:
    kind = term.get("type")
    if kind == "typed-literal":
        term["type"] = kind = "literal"
    if kind == "bnode":
        term["value"] = _BNODE_UNSAFE.sub("_", term["value"])
    elif kind == "literal" and term.get("value") in ("0", "1"):
        datatype = term.get("datatype")
        if datatype == BOOLEAN or (boolean and datatype == INTEGER):
            term["datatype"] = BOOLEAN
            term["value"] = "true" if term["value"] == "1" else "false"
