"""How the graph's things are named: the one slug rule and the IRI of each kind of thing.

The builder mints with these functions and the endpoint may use them to find what the builder
minted, so the rule lives in one place. Every IRI is under ``namespaces.ID``.
"""

from __future__ import annotations

import re
from functools import lru_cache

from rdflib import URIRef

from .namespaces import ID

_NOT_SLUG = re.compile(r"[^a-z0-9]+")
_ISO3 = re.compile(r"^[A-Z]{3}$")


@lru_cache(maxsize=8192)  # pure, and called for every act: the same few treaties and parties
def slug(text: str) -> str:
    """Lower case, every run of other characters one '-': 'ETS 185' -> 'ets-185', 'Art. 6(3)' -> 'art-6-3'."""
    return _NOT_SLUG.sub("-", text.lower()).strip("-")


@lru_cache(maxsize=8192)  # pure, and called for every act: the same few treaties and parties
def treaty_iri(code: str) -> URIRef:
    """'ETS 185' -> id/treaty/ets-185."""
    return ID["treaty/" + slug(code)]


def state_iri(iso3: str) -> URIRef:
    """'FRA' -> id/state/FRA (the ISO 3166-1 alpha-3 code as it is)."""
    return ID["state/" + iso3]


def organisation_iri(ident: str) -> URIRef:
    """An international organisation, organ or post by its identifier: id/organisation/council-of-europe."""
    return ID["organisation/" + slug(ident)]


@lru_cache(maxsize=8192)  # pure, and called for every act: the same few treaties and parties
def party_iri(code: str) -> URIRef:
    """A party to a treaty: a State by its ISO 3166-1 alpha-3 code (three capitals), else an organisation."""
    return state_iri(code) if _ISO3.match(code) else organisation_iri(code)


def participation_iri(treaty: str, party: str) -> URIRef:
    """The one participation of a party in a treaty: ('ETS 185', 'FRA') -> id/participation/ets-185/FRA."""
    return ID[f"participation/{slug(treaty)}/{_party_key(party)}"]


def act_iri(treaty: str, party: str, kind: str, number: int) -> URIRef:
    """The number-th act of a kind by a party on a treaty: id/event/ets-185/FRA/consent/1.

    kind is the act's group (every kind of consent to be bound is 'consent'), so that a corrected kind
    keeps its IRI; number counts the party's acts of that group on the treaty, from 1, in table order.
    """
    return ID[f"event/{slug(treaty)}/{_party_key(party)}/{kind}/{number}"]


def event_iri(treaty: str, *parts: str) -> URIRef:
    """An event on a treaty: ('ETS 185', 'FRA', 'consent') -> id/event/ets-185/FRA/consent.

    Treaty-level events have no State: ('ETS 185', 'adoption') -> id/event/ets-185/adoption.
    """
    return ID["/".join(("event", slug(treaty), *parts))]


def membership_iri(iso3: str) -> URIRef:
    """A State's membership of the Council of Europe (one per State, over one or more periods)."""
    return ID[f"membership/council-of-europe/{iso3}"]


def membership_period_iri(iso3: str, joined: str) -> URIRef:
    """One period of a membership, by the day it began: id/membership/council-of-europe/GRC/1974-11-28."""
    return ID[f"membership/council-of-europe/{iso3}/{joined}"]


def rule_iri(treaty: str, rule: str) -> URIRef:
    """A rule of a treaty: ('ETS 185', 'entry-into-force') -> id/treaty/ets-185/rule/entry-into-force."""
    return URIRef(f"{treaty_iri(treaty)}/rule/{slug(rule)}")


def category_iri(treaty: str, category: str) -> URIRef:
    """A category of parties of one treaty: ('ETS 185', 'party') -> id/treaty/ets-185/category/party."""
    return URIRef(f"{treaty_iri(treaty)}/category/{slug(category)}")


def place_iri(name: str) -> URIRef:
    return ID["place/" + slug(name)]


def session_iri(organ: str, session: str) -> URIRef:
    """A session of an organ: ('council-of-europe-committee-of-ministers', '109') -> id/session/…/109."""
    return ID[f"session/{slug(organ)}/{slug(session)}"]


def source_iri(name: str) -> URIRef:
    """A source document or database that makes claims, by its name."""
    return ID["source/" + slug(name)]


def application_iri(treaty: str, party: str, article: str, paragraph: str = "") -> URIRef:
    """A norm as it applies to one party: id/participation/ets-185/FRA/norm/article-6[/1-a-i]."""
    base = f"{participation_iri(treaty, party)}/norm/article-{article}"
    return URIRef(f"{base}/{slug(paragraph)}") if paragraph else URIRef(base)


def unit_iri(treaty: str, path: str) -> URIRef:
    """A chapter, section, title or article under its treaty: path is e.g. 'chapter/II/section/1'."""
    return URIRef(f"{treaty_iri(treaty)}/{path}")


def article_iri(treaty: str, number: str) -> URIRef:
    """('ETS 185', '6') -> id/treaty/ets-185/article/6."""
    return unit_iri(treaty, f"article/{number}")


def obligation_iri(treaty: str, number: str, paragraph: str = "") -> URIRef:
    """The obligation (or permission) an article, or one of its paragraphs, establishes:
    ('ETS 185', '6') -> id/obligation/ets-185/article-6; ('ETS 185', '6', '1(a)(i)') -> …/article-6/1-a-i."""
    base = f"obligation/{slug(treaty)}/article-{number}"
    return ID[f"{base}/{slug(paragraph)}"] if paragraph else ID[base]


def statement_iri(ident: str) -> URIRef:
    return ID[f"statement/{ident}"]


def claim_iri(ident: str) -> URIRef:
    return ID[f"claim/{ident}"]


def conflict_iri(ident: str) -> URIRef:
    return ID[f"conflict/{ident}"]


def region_iri(m49: str) -> URIRef:
    """A UN M49 region by its code, zero-padded to three digits."""
    return ID[f"region/m49/{int(m49):03d}"]


def _party_key(code: str) -> str:
    """A State keeps its ISO code as it is (FRA); an organisation its slug (european-union)."""
    return code if _ISO3.match(code) else slug(code)


def record_iri(thing: URIRef) -> URIRef:
    """The record that states the facts about a thing (its sources, status and notes): {thing}/record."""
    return URIRef(f"{thing}/record")


def period_iri(owner: URIRef, kind: str, number: int) -> URIRef:
    """A period of a participation: id/participation/ets-185/FRA/party/1 (kind 'party' or 'contracting')."""
    return URIRef(f"{owner}/{kind}/{number}")
