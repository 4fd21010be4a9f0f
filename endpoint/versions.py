"""The served build's version (its date and the hash of graph.nq), as the descriptions and downloads give it.

The version is the one build/manifest.json records; a build made before builds had versions has none,
and then nothing here adds anything.
"""

from __future__ import annotations

from flask import current_app
from rdflib import BNode, Graph, Literal, Namespace, URIRef
from rdflib.namespace import PROV, RDF, RDFS, XSD

# DCAT 3's dcat:version (https://www.w3.org/TR/vocab-dcat-3/#Property:resource_version); rdflib's DCAT
# namespace predates it. SPDX checksums are what DCAT 3 uses for a distribution's checksum.
DCAT_VERSION = URIRef("http://www.w3.org/ns/dcat#version")
SPDX = Namespace("http://spdx.org/rdf/terms#")


def manifest() -> dict:
    return current_app.extensions.get("bkg_manifest") or {}


def version() -> str:
    """The served build's version, '' when its manifest has none."""
    return str(manifest().get("version", ""))


def file_name(stem: str, suffix: str) -> str:
    """The download's file name: budapest-kg-<version>.nq, or budapest-kg.nq for an unversioned build."""
    return f"{stem}-{version()}.{suffix}" if version() else f"{stem}.{suffix}"


def describe_version(graph: Graph, dataset: URIRef) -> None:
    """dcat:version, prov:generatedAtTime, and the inputs the build was made from with their hash."""
    found = manifest()
    if found.get("version"):
        graph.add((dataset, DCAT_VERSION, Literal(found["version"])))
    if found.get("built_at"):
        graph.add((dataset, PROV.generatedAtTime, Literal(found["built_at"], datatype=XSD.dateTime)))
    if found.get("input_hash"):
        inputs = BNode()
        graph.add((dataset, PROV.wasDerivedFrom, inputs))
        graph.add((inputs, RDF.type, PROV.Entity))
        graph.add((inputs, RDFS.label, Literal("the build's inputs: data/, ontology/ and the checks", lang="en")))
        graph.add((inputs, SPDX.checksum, checksum(graph, found["input_hash"])))


def describe_file(graph: Graph, distribution: URIRef, suffix: str) -> None:
    """The N-Quads file's checksum: the content hash in the build's version is the SHA-256 of graph.nq."""
    if suffix == "nq" and manifest().get("content_hash"):
        graph.add((distribution, SPDX.checksum, checksum(graph, manifest()["content_hash"])))


def checksum(graph: Graph, value: str) -> BNode:
    node = BNode()
    graph.add((node, RDF.type, SPDX.Checksum))
    graph.add((node, SPDX.algorithm, SPDX.checksumAlgorithm_sha256))
    graph.add((node, SPDX.checksumValue, Literal(value, datatype=XSD.hexBinary)))
    return node
