"""Map typed records to triples: the one place that composes the mappers. Pure functions, no I/O.

Each mapper writes into a ``Mapped`` (data graph and provenance graph): ``treaties`` maps the
treaties, their rules and the categories generated for them; ``participation`` the States,
organisations, memberships, acts and participations; ``provisions`` the treaties' texts;
``statements`` the statements and claims. Links to other datasets are mapped on their own by
``links``; what the rules derive from the acts, by ``derived``.
"""

from __future__ import annotations

from .mapped import Mapped
from .organisations import map_eu_membership
from .participation import map_memberships, map_organisation, map_participations, map_state
from .provisions import map_texts
from .sources import Sources
from .statements import map_claims, map_published_counts, map_seed, map_statements
from .treaties import map_categories, map_rule, map_treaty


def map_sources(sources: Sources) -> Mapped:
    """Map everything read from data/ to triples."""
    out = Mapped()
    names = {o.ident: o.name_en for o in sources.organisations}
    for organisation in sources.organisations:
        map_organisation(organisation, out)
    treaties = {t.code: t for t in sources.treaties}
    for treaty in sources.treaties:
        map_treaty(treaty, names, out)
        map_categories(treaty, treaties, names, out)
    for rule in sources.rules:
        map_rule(rule, treaties[rule.treaty].organisation if rule.treaty in treaties else "", names, out)
    for state in sources.states:
        map_state(state, out)
    map_memberships(sources.memberships, out)
    for membership in sources.eu_memberships:
        map_eu_membership(membership, out)
    map_participations(sources.acts, out)
    if sources.texts is not None:
        titles = {t.code: {"en": t.title_en, **({"fr": t.title_fr} if t.title_fr else {})} for t in sources.treaties}
        in_force = {t.code: t.entry_into_force for t in sources.treaties}
        participations = {act.key for act in sources.acts}
        map_texts(sources.texts, titles, out, in_force, participations)
        map_seed(out)
        map_statements(sources.texts.statements, out)
        map_claims(sources.texts.claims, out)
        map_published_counts(sources.texts.counts, out)
    return out
