"""The query catalogue: named .rq files with `#+` metadata, typed parameters, validation, substitution.

A file opens with comment lines such as::

    #+ summary: Parties to a treaty
    #+ description: ...
    #+ tags: parties, dates
    #+ param: treaty | enum(185,189,224) | 185 | the treaty
    #+ param: date | date | today | the day to ask about

so it stays valid SPARQL. A parameter NAME appears in the body as ``?_NAME``; binding a value
injects ``VALUES ?_NAME { … }`` at the start of the outermost WHERE clause, so values are never
spliced into the query text as strings. ``?_today`` is bound to today's date (UTC) in every query
that uses it: SPARQL's NOW() differs between engines in time zone and lexical form.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Collection, Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path

from rdflib import Literal, URIRef
from rdflib.namespace import XSD

from .iris import state_iri, treaty_iri

# A treaty parameter takes the number alone ("185"); the IRI follows the one rule from the full code.
TREATY_NUMBERS = {code.split()[1]: treaty_iri(code) for code in ("ETS 185", "ETS 189", "CETS 224")}
KINDS = ("enum", "date", "iso3")
META = re.compile(r"^#\+\s*(\w+)\s*:\s*(.*)$")
ENUM = re.compile(r"^enum\(([^)]*)\)$")
WHERE = re.compile(r"\bWHERE\s*\{", re.IGNORECASE)
ISO3 = re.compile(r"^[A-Z]{3}$")
TODAY = "?_today"


class CatalogueError(Exception):
    """A query file's metadata is malformed; the message names the file and line."""


class ParameterError(ValueError):
    """A parameter value is bad or unknown; the message names the parameter and what is allowed."""


class UnknownQuery(LookupError):
    """No query of that name; the message lists the known names."""


@dataclass(frozen=True)
class Parameter:
    name: str
    kind: str  # enum | date | iso3
    default: str
    description: str
    choices: tuple[str, ...] = ()

    @property
    def type_label(self) -> str:
        return f"enum({','.join(self.choices)})" if self.kind == "enum" else self.kind

    def allowed(self) -> str:
        if self.kind == "enum":
            return "one of " + ", ".join(self.choices)
        if self.kind == "date":
            return "a date YYYY-MM-DD or 'today'"
        return "an ISO 3166-1 alpha-3 code of a State in the graph (e.g. FRA)"

    def parse(self, raw: str | None, known_states: Collection[str] = ()) -> URIRef | Literal:
        """The RDF term for raw (or the default); ParameterError naming the parameter if it is bad."""
        value = (raw if raw is not None and raw.strip() != "" else self.default).strip()
        if value == "":
            raise ParameterError(f"parameter {self.name!r} is required: give {self.allowed()}")
        if self.kind == "enum":
            if value not in self.choices:
                raise ParameterError(f"parameter {self.name!r}: {value!r} is not {self.allowed()}")
            return TREATY_NUMBERS.get(value) or Literal(value)
        if self.kind == "date":
            return Literal(parse_date(self.name, value).isoformat(), datatype=XSD.date)
        code = value.upper()
        if not ISO3.match(code) or code not in known_states:
            raise ParameterError(f"parameter {self.name!r}: {value!r} is not {self.allowed()}")
        return state_iri(code)


def parse_date(name: str, value: str) -> dt.date:
    if value.lower() == "today":
        return dt.datetime.now(dt.UTC).date()
    try:
        if len(value) != 10:
            raise ValueError
        return dt.date.fromisoformat(value)
    except ValueError:
        raise ParameterError(f"parameter {name!r}: {value!r} is not a date YYYY-MM-DD or 'today'") from None


@dataclass(frozen=True)
class NamedQuery:
    name: str
    path: Path
    summary: str
    description: str
    text: str
    tags: tuple[str, ...] = ()
    params: tuple[Parameter, ...] = field(default_factory=tuple)

    def describe(self) -> dict:
        """A JSON-ready description for the catalogue page."""
        return {
            "name": self.name,
            "summary": self.summary,
            "description": self.description,
            "tags": list(self.tags),
            "params": [
                {"name": p.name, "type": p.type_label, "default": p.default, "description": p.description}
                for p in self.params
            ],
            "sparql": self.text,
        }

    def bind(self, values: Mapping[str, str], known_states: Collection[str] = ()) -> str:
        """The query text with every parameter bound; ParameterError for bad or unknown parameters."""
        names = {p.name for p in self.params}
        unknown = sorted(set(values) - names)
        if unknown:
            accepted = ", ".join(sorted(names)) or "none"
            raise ParameterError(f"unknown parameter(s) {', '.join(unknown)} for {self.name!r}; accepted: {accepted}")
        clauses = []
        for param in self.params:
            term = param.parse(values.get(param.name), known_states)
            clauses.append(f"VALUES ?_{param.name} {{ {term.n3()} }}")
        if TODAY in self.text:
            today = Literal(parse_date("today", "today").isoformat(), datatype=XSD.date)
            clauses.append(f"VALUES {TODAY} {{ {today.n3()} }}")
        if not clauses:
            return self.text
        at = where_position(self.text)
        return self.text[:at] + "\n  " + "\n  ".join(clauses) + "\n" + self.text[at:]


def where_position(text: str) -> int:
    """The offset just after the `{` of the outermost WHERE clause (the first one outside comments)."""
    masked = "\n".join(" " * len(line) if line.lstrip().startswith("#") else line for line in text.split("\n"))
    match = WHERE.search(masked)
    if match is None:
        raise CatalogueError("a query with parameters needs an explicit 'WHERE {'")
    return match.end()


def read_query(path: Path) -> NamedQuery:
    """Read one .rq file and its `#+` metadata; CatalogueError naming file:line when it is malformed."""
    text = path.read_text(encoding="utf-8")
    meta: dict[str, str] = {}
    params: list[Parameter] = []
    for number, line in enumerate(text.splitlines(), start=1):
        match = META.match(line.strip())
        if not match:
            continue
        key, value = match.group(1).lower(), match.group(2).strip()
        if key == "param":
            params.append(read_parameter(value, f"{path}:{number}"))
        else:
            meta[key] = value
    if not meta.get("summary"):
        raise CatalogueError(f"{path}:1: missing '#+ summary:' line")
    query = NamedQuery(
        name=path.stem,
        path=path,
        summary=meta["summary"],
        description=meta.get("description", meta["summary"]),
        text=text,
        tags=tuple(t.strip() for t in meta.get("tags", "").split(",") if t.strip()),
        params=tuple(params),
    )
    for param in params:
        if f"?_{param.name}" not in text:
            raise CatalogueError(f"{path}: parameter {param.name!r} is declared but ?_{param.name} is not used")
    if params or TODAY in text:
        try:
            where_position(text)
        except CatalogueError as exc:
            raise CatalogueError(f"{path}: {exc}") from None
    return query


def read_parameter(spec: str, where: str) -> Parameter:
    parts = [p.strip() for p in spec.split("|")]
    if len(parts) != 4 or not parts[0].isidentifier():
        raise CatalogueError(f"{where}: expected '#+ param: NAME | TYPE | DEFAULT | description', got {spec!r}")
    name, kind, default, description = parts
    enum = ENUM.match(kind)
    if enum:
        choices = tuple(c.strip() for c in enum.group(1).split(",") if c.strip())
        param = Parameter(name, "enum", default, description, choices)
    elif kind in ("date", "iso3"):
        param = Parameter(name, kind, default, description)
    else:
        raise CatalogueError(f"{where}: unknown parameter type {kind!r}; use enum(a,b,…), date or iso3")
    if default and kind != "iso3":
        try:
            param.parse(default)
        except ParameterError as exc:
            raise CatalogueError(f"{where}: bad default: {exc}") from None
    return param


FEDERATED = "federated"


def read_catalogue(queries_dir: Path) -> dict[str, NamedQuery]:
    """Every named query in queries_dir and queries_dir/federated/ (not the checks), by name.

    Federated queries are named ``federated/NAME``: they run only where SERVICE is allowed.
    """
    found = {path.stem: read_query(path) for path in sorted(queries_dir.glob("*.rq"))}
    for path in sorted((queries_dir / FEDERATED).glob("*.rq")):
        query = replace(read_query(path), name=f"{FEDERATED}/{path.stem}")
        found[query.name] = query
    return found


def find_query(catalogue: Mapping[str, NamedQuery], name: str) -> NamedQuery:
    try:
        return catalogue[name]
    except KeyError:
        raise UnknownQuery(f"no query named {name!r}; known: {', '.join(sorted(catalogue))}") from None
