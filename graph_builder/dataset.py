"""The build's named graphs in one in-memory pyoxigraph store, loaded once: the closed-world rules,
the checks and the statistics all run there.

Before, each of them loaded the graphs' N-Triples into a store of its own (the rules three graphs,
the checks the union, the statistics every graph again): four parses of the same triples, 12.6 s
of the 28 s checks step alone at 100x. Queries see the union of the graphs they need as their
default graph (oxigraph's `default_graph` list), and SPARQL updates the same graphs through `USING`.

oxigraph does not remove a triple that is in two of those graphs from their union (it would come
twice in a row). The build's graphs hold no triple in common (inferred triples exclude what is
stated, and so on), which `overlaps` checks once; if one day they do, the union is copied, as a set,
into a scratch graph and queries read that instead.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path

import pyoxigraph as ox
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import XSD

from .graphs import may_have_blank_nodes, new_graph
from .reasoning import ReasoningError

SCRATCH = ox.NamedNode("urn:x-budapest-kg:union")
_STRING = str(XSD.string)


def nquads(texts: Mapping[URIRef, bytes]) -> bytes:
    """N-Quads of graphs given as N-Triples by name (graphs.ntriples): each line ends in its graph's name.

    In N-Triples a line break inside a literal is written as an escape, so " .\\n" ends a line and only a line.
    """
    return b"".join(text.replace(b" .\n", f" <{name}> .\n".encode()) for name, text in texts.items())


class Dataset:
    """Named graphs in one pyoxigraph store, queried by the union of some of them."""

    def __init__(self, texts: Mapping[URIRef, bytes] | None = None):
        """An empty store, or one holding texts (the graphs' N-Triples by name), loaded and finished."""
        self.store = ox.Store()
        self.graphs: list[str] = []
        self.disjoint = True
        self.scratch: tuple[ox.NamedNode, ...] | None = None
        self._pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="dataset")
        self._loads: list[Future] = []
        self._shared: dict[URIRef, bytes] = {}
        self._sizes: dict[str, int] | None = None
        for name, text in (texts or {}).items():
            self.load(name, text)
        if texts is not None:
            self.finish()

    def load(self, name: URIRef, text: bytes) -> None:
        """Start loading a graph (its N-Triples) on a thread: pyoxigraph lets go of the GIL, so the
        caller can serialise the next graph meanwhile (at 100x, about 5 s of loading in 10 s).

        A graph that may name a blank node waits for finish, to be loaded with the others that may:
        oxigraph renames blank nodes per document, and a blank node two graphs share must stay one.
        """
        self.graphs.append(str(name))
        self._sizes = None
        if may_have_blank_nodes(text):
            self._shared[name] = text
        else:
            graph = ox.NamedNode(str(name))
            self._loads.append(
                self._pool.submit(self.store.bulk_load, text, format=ox.RdfFormat.N_TRIPLES, to_graph=graph)
            )

    def finish(self) -> None:
        """Load the graphs that may share blank nodes, wait for every load, see whether graphs overlap."""
        if self._shared:
            self._loads.append(
                self._pool.submit(self.store.bulk_load, nquads(self._shared), format=ox.RdfFormat.N_QUADS)
            )
        for load in self._loads:
            load.result()
        self._pool.shutdown()
        self.disjoint = not self.overlaps()

    def overlaps(self) -> bool:
        """Whether some triple is in two of the graphs: each graph's triples looked up in the others, all
        but the largest (a triple in two graphs is in one that is not the largest). 0.16 s at 10x."""
        sizes = self.sizes()
        largest = max(sizes, key=sizes.get, default=None)
        for name in sizes:
            if name != largest and self.store.query(
                f"ASK {{ GRAPH <{name}> {{ ?s ?p ?o }} GRAPH ?other {{ ?s ?p ?o }} FILTER(?other != <{name}>) }}"
            ):
                return True
        return False

    def union(self, names: Iterable[str]) -> list[ox.NamedNode]:
        """The graphs to use as a query's default graph for the union of names (as a set)."""
        nodes = tuple(ox.NamedNode(str(name)) for name in names)
        if self.disjoint:
            return list(nodes)
        if self.scratch != nodes:
            listed = " ".join(f"<{node.value}>" for node in nodes)
            self.store.update(
                f"DROP SILENT GRAPH <{SCRATCH.value}> ;"
                f"INSERT {{ GRAPH <{SCRATCH.value}> {{ ?s ?p ?o }} }}"
                f" WHERE {{ VALUES ?g {{ {listed} }} GRAPH ?g {{ ?s ?p ?o }} }}"
            )
            self.scratch = nodes
        return [SCRATCH]

    def drop_scratch(self) -> None:
        self.store.update(f"DROP SILENT GRAPH <{SCRATCH.value}>")
        self.scratch = None

    def sizes(self) -> dict[str, int]:
        """Triples per named graph, by name: counted once when loaded, then kept as rules add to them."""
        if self._sizes is None:
            query = "SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g"
            found = {row["g"].value: int(row["n"].value) for row in self.store.query(query)}
            self._sizes = {name: found.get(name, 0) for name in self.graphs}
        return dict(self._sizes)

    def apply_rules(self, rules_dir: Path, over: Iterable[URIRef], into: URIRef) -> Graph:
        """Run each CONSTRUCT rule in rules_dir (name order) over the union of the graphs over; add what is new
        to the graph into, and return it; each rule sees what the ones before it added. They run in pyoxigraph:
        rdflib's engine evaluates their negations row by row (18 s at 10x; reasoning.apply_rules_in_rdflib is
        the tests' reference).
        """
        default = self.union(over)
        target = ox.NamedNode(str(into))
        added = new_graph()
        for rule in sorted(rules_dir.glob("*.rq")):
            try:
                triples = list(self.store.query(rule.read_text(encoding="utf-8"), default_graph=default))
            except SyntaxError as exc:
                raise ReasoningError(f"{rule}: rule failed: {exc}") from exc
            new, seen = [], set()
            for t in triples:
                key = (t.subject, t.predicate, t.object)
                if key not in seen and not any(self.store.quads_for_pattern(*key, None)):
                    seen.add(key)
                    new.append(t)
            self.store.extend(ox.Quad(t.subject, t.predicate, t.object, target) for t in new)
            if self._sizes is not None and str(into) in self._sizes:
                self._sizes[str(into)] += len(new)  # each is in no graph yet, so one more triple there
            if not self.disjoint:
                self.store.extend(ox.Quad(t.subject, t.predicate, t.object, SCRATCH) for t in new)
            for t in new:
                added.add((rdflib_term(t.subject), rdflib_term(t.predicate), rdflib_term(t.object)))
        return added


def rdflib_term(term):
    """The rdflib term of a pyoxigraph term (as rdflib's N-Triples parser reads oxigraph's serialisation)."""
    if isinstance(term, ox.NamedNode):
        return URIRef(term.value)
    if isinstance(term, ox.BlankNode):
        return BNode(term.value)
    if term.language:
        return Literal(term.value, lang=term.language)
    datatype = term.datatype.value
    return Literal(term.value, datatype=None if datatype == _STRING else URIRef(datatype))
