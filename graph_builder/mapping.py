"""Map typed records to triples: the one place that composes the mappers. Pure functions, no I/O.

Each mapper writes into a ``Mapped`` (data graph and provenance graph): ``participation`` maps
treaties, States, memberships and acts; ``provisions`` the treaties' texts; ``statements`` the
statements and claims. Links to other datasets are mapped on their own by ``links``.
"""

from __future__ import annotations

from .mapped import Mapped
from .organisations import map_eu_membership, map_organisation
from .participation import map_act, map_council_of_europe, map_membership, map_state, map_treaty
from .provisions import map_texts
from .sources import Sources
from .statements import map_claims, map_seed, map_statements


def map_sources(sources: Sources) -> Mapped:
    """Map everything read from data/ to triples."""
    out = Mapped()
    map_council_of_europe(out)
    for treaty in sources.treaties:
        map_treaty(treaty, out)
    for state in sources.states:
        map_state(state, out)
    for membership in sources.memberships:
        map_membership(membership, out)
    for act in sources.acts:
        map_act(act, out)
    for organisation in sources.organisations:
        map_organisation(organisation, out)
    for membership in sources.eu_memberships:
        map_eu_membership(membership, out)
    if sources.texts is not None:
        titles = {t.code: {"en": t.title_en, **({"fr": t.title_fr} if t.title_fr else {})} for t in sources.treaties}
        map_texts(sources.texts, titles, out)
        map_seed(out)
        map_statements(sources.texts.statements, out)
        map_claims(sources.texts.claims, out)
    return out
