"""What changed between two builds (or two N-Quads dumps), per named graph: a summary and RDF.

Graphs are compared as sets of triples; a graph with blank nodes is first given canonical blank-node
names (rdflib.compare), so two dumps that differ only in how their blank nodes are labelled compare
equal. The RDF form names two graphs per changed graph, the triples added and the triples removed,
and describes them in the default graph.
"""

from __future__ import annotations

import json
import re
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

from rdflib import BNode, Dataset, Graph, Literal, URIRef
from rdflib.compare import to_canonical_graph
from rdflib.exceptions import ParserError
from rdflib.namespace import DCTERMS, RDFS, VOID, XSD

from budapest_kg import resources
from budapest_kg.namespaces import BASE, bind_prefixes

from .versions import content_hash

Triple = tuple
DUMP_NAME = re.compile(r"budapest-kg-(\d{4}-\d{2}-\d{2}-[0-9a-f]{8})\.nq$")


class DiffError(Exception):
    """A side of the comparison cannot be read; the message names the path."""


@dataclass
class Side:
    """One side of a comparison: its graphs, its version and where it came from."""

    path: Path
    version: str
    built_at: str
    graphs: dict[str, set[Triple]]


@dataclass
class GraphChange:
    graph: str
    before: int
    after: int
    added: set[Triple] = field(default_factory=set)
    removed: set[Triple] = field(default_factory=set)


@dataclass
class BuildDiff:
    old: Side
    new: Side
    graphs: list[GraphChange]

    @property
    def empty(self) -> bool:
        return not any(g.added or g.removed for g in self.graphs)


def read_side(path: Path) -> Side:
    """A build folder (graph.nq and manifest.json) or an .nq file; DiffError naming what is wrong."""
    manifest: dict = {}
    if path.is_dir():
        dump = path / resources.GRAPH_FILE
        try:
            manifest = json.loads((path / resources.MANIFEST_FILE).read_text(encoding="utf-8"))
        except (OSError, ValueError):
            manifest = {}
    else:
        dump = path
    if not dump.is_file():
        raise DiffError(f"{path}: neither a build folder (with {resources.GRAPH_FILE}) nor an N-Quads file")
    try:
        text = dump.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise DiffError(f"{dump}: cannot be read as UTF-8 N-Quads ({exc})") from None
    named = DUMP_NAME.search(dump.name)
    version = manifest.get("version") or (named.group(1) if named else f"sha256-{content_hash(text)[:8]}")
    return Side(path, str(version), str(manifest.get("built_at", "")), parse_graphs(dump, text))


def parse_graphs(dump: Path, text: str) -> dict[str, set[Triple]]:
    dataset = Dataset()
    try:
        dataset.parse(data=text, format="nquads")
    except ParserError as exc:
        raise DiffError(f"{dump}:{line_of_error(text, str(exc))}: not valid N-Quads: {exc}") from None
    graphs = {}
    for graph in dataset.graphs():
        if len(graph) == 0:
            continue
        name = str(graph.identifier)
        if any(isinstance(term, BNode) for triple in graph for term in triple):
            graph = to_canonical_graph(graph)
        graphs[name] = set(graph)
    return graphs


def line_of_error(text: str, message: str) -> int:
    """The line rdflib's message quotes (it names the text, not the line number); 0 when not found."""
    quoted = message.rsplit("\n", 1)[-1].strip("'")
    for number, line in enumerate(text.splitlines(), start=1):
        if line.strip() == quoted.strip():
            return number
    return 0


def compare_builds(old: Side, new: Side) -> BuildDiff:
    changes = []
    for name in sorted(set(old.graphs) | set(new.graphs)):
        before, after = old.graphs.get(name, set()), new.graphs.get(name, set())
        changes.append(GraphChange(name, len(before), len(after), after - before, before - after))
    return BuildDiff(old, new, changes)


def short(term, graph: Graph) -> str:
    if isinstance(term, URIRef) and str(term).startswith(BASE + "id/"):
        return str(term)[len(BASE) :]
    return term.n3(graph.namespace_manager)


def describe_side(side: Side) -> str:
    built = f", built {side.built_at}" if side.built_at else ""
    return f"{side.path} (version {side.version}{built})"


def format_changes(diff: BuildDiff, limit: int = 20) -> str:
    """The readable summary: per graph the counts, then the changed subjects and their triples."""
    names = Graph()
    bind_prefixes(names)
    lines = [f"from {describe_side(diff.old)}", f"  to {describe_side(diff.new)}"]
    for change in diff.graphs:
        label = change.graph[len(BASE) :] if change.graph.startswith(BASE) else change.graph
        if not change.added and not change.removed:
            lines.append(f"{label}: unchanged ({change.after} triples)")
            continue
        counts = f"+{len(change.added)} -{len(change.removed)}"
        lines.append(f"{label}: {counts} ({change.before} -> {change.after} triples)")
        by_subject: dict = defaultdict(list)
        for sign, triples in (("-", change.removed), ("+", change.added)):
            for s, p, o in triples:
                by_subject[s].append(f"{sign} {short(p, names)} {short(o, names)}")
        subjects = sorted(by_subject, key=str)
        for subject in subjects[:limit]:
            lines.append(f"  {short(subject, names)}")
            lines += [f"    {line}" for line in sorted(by_subject[subject], key=lambda t: (t[2:], t[0]))]
        if len(subjects) > limit:
            lines.append(f"  ... and {len(subjects) - limit} more subjects (--limit, or --rdf for every triple)")
    lines.append("no change" if diff.empty else "")
    return "\n".join(lines).rstrip("\n") + "\n"


def change_graph(diff: BuildDiff) -> Dataset:
    """The changes as RDF: per changed graph a graph of added and one of removed triples, described."""
    out = Dataset()
    bind_prefixes(out)
    change = URIRef(f"{BASE}change/{safe(diff.old.version)}/{safe(diff.new.version)}")
    about = out  # triples added to a Dataset itself go to its default graph
    about.add((change, DCTERMS.title, Literal(f"Changes from version {diff.old.version} to {diff.new.version}")))
    for graph in diff.graphs:
        local = graph.graph.rstrip("/").rsplit("/", 1)[-1]
        for what, triples in (("added", graph.added), ("removed", graph.removed)):
            if not triples:
                continue
            iri = URIRef(f"{change}/{what}/{local}")
            about.add((change, DCTERMS.hasPart, iri))
            about.add((iri, DCTERMS.subject, URIRef(graph.graph)))
            about.add((iri, RDFS.comment, Literal(f"triples {what} to <{graph.graph}>" if what == "added"
                                                   else f"triples removed from <{graph.graph}>")))  # fmt: skip
            about.add((iri, VOID.triples, Literal(len(triples), datatype=XSD.integer)))
            target = out.graph(iri)
            for triple in triples:
                target.add(triple)
    return out


def safe(version: str) -> str:
    return re.sub(r"[^A-Za-z0-9._-]", "-", version)
