"""The namespaces of the build being served, under the base it was minted with.

A build records its base IRI in its manifest (create_app keeps it as ``extensions["bkg_base"]``);
pages, VoID, DCAT and the Service Description all name things under that one base. The namespace
terms are those of budapest_kg.namespaces, rebased: the same names, the build's IRIs.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass

from flask import current_app
from rdflib import Namespace, URIRef

from budapest_kg.namespaces import BASE, BKG, GRAPH, ID, PREFIXES


@dataclass(frozen=True)
class BuildBase:
    """The build's base IRI and the project namespaces under it."""

    base: str

    @property
    def bkg(self) -> Namespace:
        return self.rebase(BKG)

    @property
    def id(self) -> Namespace:
        return self.rebase(ID)

    @property
    def graph(self) -> Namespace:
        return self.rebase(GRAPH)

    @property
    def ontology(self) -> URIRef:
        """The ontology itself: its namespace without the '#'."""
        return URIRef(str(self.bkg).rstrip("#"))

    @property
    def dataset(self) -> URIRef:
        """The dataset that VoID and DCAT describe."""
        return URIRef(self.base + "dataset")

    def rebase(self, namespace: Namespace) -> Namespace:
        """A namespace of budapest_kg.namespaces (minted under this process's BASE) under this base."""
        return Namespace(self.base + str(namespace)[len(BASE) :])

    def prefixes(self) -> dict[str, str]:
        """budapest_kg.namespaces.PREFIXES with the project's own namespaces under this base."""
        return dict(rebased_prefixes(self.base))


@functools.cache  # one entry per build served by this process
def rebased_prefixes(base: str) -> tuple[tuple[str, str], ...]:
    rebased = BuildBase(base)
    return tuple(
        (prefix, str(rebased.rebase(namespace) if str(namespace).startswith(BASE) else namespace))
        for prefix, namespace in PREFIXES.items()
    )


def build_base() -> BuildBase:
    """The base of the build this application serves."""
    return BuildBase(current_app.extensions["bkg_base"])
