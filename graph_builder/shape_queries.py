"""SHACL core shapes compiled to SPARQL and run in pyoxigraph, with pyshacl's results.

pyshacl validates every property shape once per focus node (about 226,000 shape validations at 10x
today's data, 45 s even on a graph cut down to what the shapes reach) and its sh:class test walks
rdfs:subClassOf for every type of every value (a State has a type per category per treaty, so that
grows with acts x treaties). The same constraints as SPARQL over the store the `*_violation.rq`
checks use took 1.4 s at 10x (pyshacl: 15 s alone, 37 s with the union copy it was given).

Only the constraints the project's shapes use are compiled: node shapes with class, subjects-of
and objects-of targets and sh:property; property shapes with a path (IRIs and inverse, sequence,
alternative and repetition paths), sh:minCount, sh:maxCount, sh:datatype (XSD), sh:pattern,
sh:flags, sh:minLength, sh:maxLength, sh:class, sh:or of class-only shapes, sh:in, sh:uniqueLang,
sh:qualifiedValueShape with a sh:languageIn shape and qualified counts, and one sh:message each.
Anything else in a shapes file (or two values where one is expected) raises Unsupported, and the
build validates that file with pyshacl as before. The rows are those ``checks.describe_results``
makes of pyshacl's report: one per result, focus, path, value when the result has one, message.
`tests/test_shape_queries.py` proves the rows identical to pyshacl's on a broken graph.
"""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from functools import lru_cache

import pyoxigraph as ox
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import RDF, RDFS, SH, XSD

TYPE_OF = f"<{RDF.type}>/<{RDFS.subClassOf}>*"
NODE_KEYS = {SH.targetClass, SH.targetSubjectsOf, SH.targetObjectsOf, SH.property}
PROPERTY_KEYS = {
    SH.path, SH.minCount, SH.maxCount, SH.datatype, SH.pattern, SH.flags, SH.minLength, SH.maxLength,
    SH["class"], SH["or"], SH["in"], SH.uniqueLang, SH.qualifiedValueShape, SH.qualifiedMinCount,
    SH.qualifiedMaxCount, SH.message, SH.name, SH.description, SH.order,
}  # fmt: skip
PATH_KEYS = {SH.inversePath, SH.alternativePath, SH.zeroOrMorePath, SH.oneOrMorePath, SH.zeroOrOnePath}
REPEATS = {SH.zeroOrMorePath: "*", SH.oneOrMorePath: "+", SH.zeroOrOnePath: "?"}


class Unsupported(Exception):
    """The shapes use SHACL this module does not compile; pyshacl validates them instead."""


@dataclass(frozen=True)
class ShapeQuery:
    """One constraint of one property shape: a SELECT of ?f (and ?v when results carry a value)."""

    sparql: str
    path: str
    message: str
    valued: bool = False  # the results carry ?v as their value
    datatype: str | None = None  # sh:datatype: the query has ILL_TYPED where the ill-typed literals go


@dataclass(frozen=True)
class Compiled:
    """The queries, and per node shape the pattern of its focus nodes, stored once in a named graph.

    Every constraint of a shape joins that graph instead of evaluating the targets again (17 targets
    for the date shape, 51 constraints on them: 5 s at 10x, against 0.5 s stored once).
    """

    focus: dict[str, str]
    queries: list[ShapeQuery]


FOCUS_GRAPH, HAS_FOCUS = "urn:x-budapest-kg:shape-focus:", "urn:x-budapest-kg:focus"
ILL_TYPED = "ILL_TYPED"


def compile_shapes(shapes: Graph) -> Compiled:
    """Every constraint in shapes as a query; raise Unsupported for SHACL outside the subset above."""
    check_vocabulary(shapes)
    focus, queries = {}, []
    for n, node in enumerate(sorted(set(shapes.subjects(SH.property, None)) | targeted(shapes), key=str)):
        targets = focus_pattern(shapes, node)
        if not targets:
            continue
        graph = f"{FOCUS_GRAPH}{n}"
        focus[graph] = targets
        for prop in sorted(shapes.objects(node, SH.property), key=str):
            queries += property_queries(shapes, prop, f"GRAPH <{graph}> {{ <{graph}> <{HAS_FOCUS}> ?f }}")
    return Compiled(focus, queries)


def targeted(shapes: Graph) -> set:
    return {s for key in NODE_KEYS - {SH.property} for s in shapes.subjects(key, None)}


def check_vocabulary(shapes: Graph) -> None:
    """Refuse any SHACL term outside the compiled subset, and implicit class targets."""
    properties = set(shapes.objects(None, SH.property))
    nested = set(shapes.objects(None, SH.qualifiedValueShape))
    for members in shapes.objects(None, SH["or"]):
        nested.update(shapes.items(members))
    paths = path_nodes(shapes)
    for s, p, o in shapes:
        if p == RDF.type and o in (RDFS.Class, URIRef("http://www.w3.org/2002/07/owl#Class")):
            raise Unsupported(f"{s} is a shape and a class (implicit class target)")
        if not str(p).startswith(str(SH)):
            continue
        if s in paths:
            allowed = PATH_KEYS
        elif s in nested:
            allowed = {SH["class"], SH.languageIn}
        elif s in properties:
            allowed = PROPERTY_KEYS
        else:
            allowed = NODE_KEYS
        if p not in allowed:
            raise Unsupported(f"{p} on {s}")


def path_nodes(shapes: Graph) -> set:
    """The blank nodes of complex paths (inverse, alternative, repetition, and sequence lists)."""
    found, todo = set(), list(shapes.objects(None, SH.path))
    while todo:
        node = todo.pop()
        if not isinstance(node, BNode) or node in found:
            continue
        found.add(node)
        todo += [o for key in PATH_KEYS for o in shapes.objects(node, key)]
        todo += list(shapes.items(node)) if (node, RDF.first, None) in shapes else []
    return found


def one(shapes: Graph, node, key):
    values = list(shapes.objects(node, key))
    if len(values) > 1:
        raise Unsupported(f"{len(values)} values of {key} on {node}")
    return values[0] if values else None


def count(shapes: Graph, node, key) -> int | None:
    value = one(shapes, node, key)
    if value is None:
        return None
    if not isinstance(value, Literal) or not isinstance(value.value, int) or value.value < 0:
        raise Unsupported(f"{key} on {node} is not a non-negative integer")
    return value.value


def iri(node) -> str:
    if not isinstance(node, URIRef):
        raise Unsupported(f"{node} is not an IRI")
    return f"<{node}>"


def focus_pattern(shapes: Graph, node) -> str:
    """A group pattern binding ?f once to each focus node of a node shape."""
    if (node, RDF.type, SH.PropertyShape) in shapes or one(shapes, node, SH.path) is not None:
        raise Unsupported(f"{node}: property shapes as node shapes")
    targets = [f"{{ ?f {TYPE_OF} {iri(c)} }}" for c in shapes.objects(node, SH.targetClass)]
    targets += [f"{{ ?f {iri(p)} [] }}" for p in shapes.objects(node, SH.targetSubjectsOf)]
    targets += [f"{{ [] {iri(p)} ?f }}" for p in shapes.objects(node, SH.targetObjectsOf)]
    return " UNION ".join(sorted(targets))


def path_sparql(shapes: Graph, node) -> str:
    """A SHACL path as a SPARQL property path."""
    if isinstance(node, URIRef):
        return f"<{node}>"
    if not isinstance(node, BNode):
        raise Unsupported(f"path {node}")
    inverse = one(shapes, node, SH.inversePath)
    if inverse is not None:
        return f"^({path_sparql(shapes, inverse)})"
    for key, mark in REPEATS.items():
        inner = one(shapes, node, key)
        if inner is not None:
            return f"({path_sparql(shapes, inner)}){mark}"
    alternatives = one(shapes, node, SH.alternativePath)
    members, joint = (alternatives, "|") if alternatives is not None else (node, "/")
    parts = [path_sparql(shapes, item) for item in shapes.items(members)]
    if len(parts) < 2:
        raise Unsupported(f"path {node}")
    return "(" + joint.join(parts) + ")"


def path_text(shapes: Graph, node) -> str:
    """The path as the rows print it: the IRI, or the SPARQL property path of a complex path."""
    return str(node) if isinstance(node, URIRef) else path_sparql(shapes, node)


def property_queries(shapes: Graph, prop, focus: str) -> list[ShapeQuery]:
    path = one(shapes, prop, SH.path)
    message = one(shapes, prop, SH.message)
    if path is None or not isinstance(message, Literal):
        raise Unsupported(f"{prop}: a property shape needs one sh:path and one sh:message")
    step, text, message = path_sparql(shapes, path), path_text(shapes, path), str(message)
    values = f"?f {step} ?v ."

    def counted(low: int | None, high: int | None, where: str = "") -> list[ShapeQuery]:
        """The focus nodes with fewer than low, or more than high, values (where: a filter on them).

        The values are counted per node over the whole graph first, and only the nodes that break a
        bound are joined with the focus nodes: 10 ms a constraint at 10x, against 40 ms the other way.
        """
        grouped = f"SELECT ?f WHERE {{ ?f {step} ?v . {where} }} GROUP BY ?f HAVING (COUNT(DISTINCT ?v)"
        queries = []
        if low:
            queries.append(ShapeQuery(f"SELECT ?f WHERE {{ {focus} MINUS {{ {grouped} >= {low}) }} }}", text, message))
        if high is not None:
            queries.append(ShapeQuery(f"SELECT ?f WHERE {{ {{ {grouped} > {high}) }} {focus} }}", text, message))
        return queries

    def valued(pattern: str, datatype: str | None = None) -> ShapeQuery:
        """The values that break a test, joined with the focus nodes after the test (as in counted)."""
        sparql = f"SELECT ?f ?v WHERE {{ {{ SELECT ?f ?v WHERE {{ {pattern} }} }} {focus} }}"
        return ShapeQuery(sparql, text, message, valued=True, datatype=datatype)

    queries = counted(count(shapes, prop, SH.minCount), count(shapes, prop, SH.maxCount))
    datatype = one(shapes, prop, SH.datatype)
    if datatype is not None:
        if not str(iri(datatype)).startswith(f"<{XSD}"):
            raise Unsupported(f"{prop}: sh:datatype {datatype}")
        test = f"!isLiteral(?v) || DATATYPE(?v) != {iri(datatype)} || {ILL_TYPED}"
        queries.append(valued(f"{values} FILTER({test})", str(datatype)))
    pattern = one(shapes, prop, SH.pattern)
    if pattern is not None:
        flags = one(shapes, prop, SH.flags)
        extra = f", {string(flags)}" if flags is not None else ""
        queries.append(valued(f"{values} FILTER(isBlank(?v) || !REGEX(STR(?v), {string(pattern)}{extra}))"))
    elif one(shapes, prop, SH.flags) is not None:
        raise Unsupported(f"{prop}: sh:flags without sh:pattern")
    for key, test in ((SH.minLength, "<"), (SH.maxLength, ">")):
        limit = count(shapes, prop, key)
        if limit is not None and not (key == SH.minLength and limit == 0):
            queries.append(valued(f"{values} FILTER(isBlank(?v) || STRLEN(STR(?v)) {test} {limit})"))
    classes = [[c] for c in shapes.objects(prop, SH["class"])]
    for members in shapes.objects(prop, SH["or"]):
        classes.append([class_only(shapes, member) for member in shapes.items(members)])
    for options in classes:
        listed = " ".join(iri(c) for c in options)
        queries.append(valued(f"{values} MINUS {{ VALUES ?c {{ {listed} }} ?v {TYPE_OF} ?c }}"))
    allowed = one(shapes, prop, SH["in"])
    if allowed is not None:
        listed = " ".join(term(item) for item in shapes.items(allowed))
        queries.append(valued(f"{values} MINUS {{ VALUES ?v {{ {listed} }} }}"))
    unique = one(shapes, prop, SH.uniqueLang)
    if unique is not None and unique.toPython() is True:
        grouped = "GROUP BY ?f (LCASE(LANG(?v)) AS ?l) HAVING (COUNT(DISTINCT ?v) > 1)"
        twice = f'SELECT ?f WHERE {{ {values} FILTER(LANG(?v) != "") }} {grouped}'
        queries.append(ShapeQuery(f"SELECT ?f WHERE {{ {{ {twice} }} {focus} }}", text, message))
    qualified = one(shapes, prop, SH.qualifiedValueShape)
    if qualified is not None:
        where = f"FILTER({language_test(shapes, qualified)})"
        low, high = count(shapes, prop, SH.qualifiedMinCount), count(shapes, prop, SH.qualifiedMaxCount)
        queries += counted(low, high, where)
    return queries


def class_only(shapes: Graph, member) -> URIRef:
    """The class of an sh:or member that states nothing but one sh:class."""
    stated = list(shapes.predicate_objects(member))
    if len(stated) != 1 or stated[0][0] != SH["class"]:
        raise Unsupported(f"sh:or member {member}: only sh:class members are compiled")
    return stated[0][1]


def language_test(shapes: Graph, node) -> str:
    """pyshacl's sh:languageIn: the tag, or its first part, in the list (case-insensitive); * for any."""
    stated = list(shapes.predicate_objects(node))
    if len(stated) != 1 or stated[0][0] != SH.languageIn:
        raise Unsupported(f"qualified value shape {node}: only sh:languageIn is compiled")
    tags = [str(tag).lower() for tag in shapes.items(stated[0][1])]
    if "*" in tags:
        return 'LANG(?v) != ""'
    listed = ", ".join(string(Literal(tag)) for tag in tags)
    first = 'LCASE(STRBEFORE(CONCAT(LANG(?v), "-"), "-"))'
    return f'LANG(?v) != "" && (LCASE(LANG(?v)) IN ({listed}) || {first} IN ({listed}))'


def string(literal) -> str:
    """A literal as a SPARQL string (its lexical form, escaped)."""
    if not isinstance(literal, Literal):
        raise Unsupported(f"{literal} is not a literal")
    return '"' + str(literal).replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n").replace("\r", "\\r") + '"'


def term(node) -> str:
    if isinstance(node, URIRef):
        return f"<{node}>"
    if isinstance(node, Literal):
        return node.n3()
    raise Unsupported(f"sh:in member {node}")


def run_shape_queries(
    store: ox.Store, compiled: Compiled, default_graph: list[ox.NamedNode] | None = None
) -> list[str]:
    """The rows (sorted) of every constraint over the store (left as it was found).

    default_graph, when given, lists the named graphs whose union is the data (dataset.Dataset.union);
    otherwise the data is the store's default graph.
    """
    using = "".join(f" USING <{graph.value}>" for graph in default_graph or ())
    for graph, targets in compiled.focus.items():
        store.update(f"INSERT {{ GRAPH <{graph}> {{ <{graph}> <{HAS_FOCUS}> ?f }} }}{using} WHERE {{ {targets} }}")
    try:
        datatypes = sorted({query.datatype for query in compiled.queries if query.datatype is not None})
        ill_typed = ill_typed_tests(store, datatypes, default_graph)

        def rows_of(query: ShapeQuery) -> list[str]:
            sparql = query.sparql
            if query.datatype is not None:
                sparql = sparql.replace(ILL_TYPED, ill_typed[query.datatype])
            found = store.query(sparql, default_graph=default_graph)
            return [describe(s["f"], query.path, s["v"] if query.valued else None, query.message) for s in found]

        # Two at a time: oxigraph lets go of the GIL while it evaluates, so both cores work.
        with ThreadPoolExecutor(max_workers=2, thread_name_prefix="shapes") as pool:
            rows = [row for found in pool.map(rows_of, compiled.queries) for row in found]
    finally:
        for graph in compiled.focus:
            store.update(f"DROP SILENT GRAPH <{graph}>")
    return sorted(rows)


def ill_typed_tests(
    store: ox.Store, datatypes: list[str], default_graph: list[ox.NamedNode] | None = None
) -> dict[str, str]:
    """Per datatype, a SPARQL test for its literals that rdflib finds ill-typed (pyshacl's sh:datatype test).

    Each distinct lexical form in the graph is asked once, in one pass over the graph for all the
    datatypes (a pass each took 0.12 s at 10x); the test names the bad ones, if any.
    """
    if not datatypes:
        return {}
    listed = ", ".join(f"<{datatype}>" for datatype in datatypes)
    query = (
        "SELECT DISTINCT (STR(DATATYPE(?v)) AS ?d) (STR(?v) AS ?s)"
        f" WHERE {{ ?x ?p ?v FILTER(isLiteral(?v) && DATATYPE(?v) IN ({listed})) }}"
    )
    bad: dict[str, list[str]] = {datatype: [] for datatype in datatypes}
    for row in store.query(query, default_graph=default_graph):
        datatype, lexical = row["d"].value, row["s"].value
        if not well_formed(lexical, datatype):
            bad[datatype].append(lexical)
    return {datatype: ill_typed_test(datatype, lexicals) for datatype, lexicals in bad.items()}


def ill_typed_test(datatype: str, bad: list[str]) -> str:
    if not bad:
        return "false"
    listed = ", ".join(string(Literal(lexical)) for lexical in sorted(bad))
    return f"(DATATYPE(?v) = <{datatype}> && STR(?v) IN ({listed}))"


def describe(focus, path: str, value, message: str) -> str:
    shown = f" value={value.value}" if value is not None else ""
    return f"focus={focus.value} path={path}{shown} message={message}"


@lru_cache(maxsize=65536)
def well_formed(lexical: str, datatype: str) -> bool:
    """pyshacl's sh:datatype test on a literal of that datatype: rdflib does not find it ill-typed."""
    return Literal(lexical, datatype=URIRef(datatype)).ill_typed is not True
