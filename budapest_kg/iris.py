"""How the graph's things are named: the one slug rule and the IRI of each kind of thing.

The builder mints with these functions and the endpoint may use them to find what the builder
minted, so the rule lives in one place. Every IRI is under ``namespaces.ID``.
"""

from __future__ import annotations

import re

from rdflib import URIRef

from .namespaces import ID

_NOT_SLUG = re.compile(r"[^a-z0-9]+")


def slug(text: str) -> str:
    """Lower case, every run of other characters one '-': 'ETS 185' -> 'ets-185', 'Art. 6(3)' -> 'art-6-3'."""
    return _NOT_SLUG.sub("-", text.lower()).strip("-")


def treaty_iri(code: str) -> URIRef:
    """'ETS 185' -> id/treaty/ets-185."""
    return ID["treaty/" + slug(code)]


def state_iri(iso3: str) -> URIRef:
    """'FRA' -> id/state/FRA (the ISO 3166-1 alpha-3 code as it is)."""
    return ID["state/" + iso3]


def event_iri(treaty: str, *parts: str) -> URIRef:
    """An event on a treaty: ('ETS 185', 'FRA', 'consent') -> id/event/ets-185/FRA/consent.

    Treaty-level events have no State: ('ETS 185', 'adoption') -> id/event/ets-185/adoption.
    """
    return ID["/".join(("event", slug(treaty), *parts))]


def membership_iri(iso3: str) -> URIRef:
    """A State's membership of the Council of Europe."""
    return ID[f"membership/council-of-europe/{iso3}"]


def unit_iri(treaty: str, path: str) -> URIRef:
    """A chapter, section, title or article under its treaty: path is e.g. 'chapter/II/section/1'."""
    return URIRef(f"{treaty_iri(treaty)}/{path}")


def article_iri(treaty: str, number: str) -> URIRef:
    """('ETS 185', '6') -> id/treaty/ets-185/article/6."""
    return unit_iri(treaty, f"article/{number}")


def obligation_iri(treaty: str, number: str) -> URIRef:
    """The obligation (or permission) an article establishes."""
    return ID[f"obligation/{slug(treaty)}/article-{number}"]


def statement_iri(ident: str) -> URIRef:
    return ID[f"statement/{ident}"]


def claim_iri(ident: str) -> URIRef:
    return ID[f"claim/{ident}"]


def conflict_iri(ident: str) -> URIRef:
    return ID[f"conflict/{ident}"]


def region_iri(m49: str) -> URIRef:
    """A UN M49 region by its code, zero-padded to three digits."""
    return ID[f"region/m49/{int(m49):03d}"]
