"""Pages for resources, chosen by type: treaty, State, article, and the generic page (terms and the rest).

Every page is rendered on the server from Jinja templates and reads without JavaScript. Links go to
the local page of each resource; labels stand in for IRIs.
"""

from __future__ import annotations

from flask import render_template

from budapest_kg.namespaces import ELI

from .article import render_article
from .lookup import current_lookup
from .state import render_state
from .treaty import render_treaty
from .views import read_statements

SUBDIVISION = str(ELI.LegalResourceSubdivision)


def render_resource(iri: str) -> str:
    """The HTML page for a resource, chosen by its type."""
    lookup = current_lookup()
    # A treaty's page lists its Parties, Contracting States and signatories in tables of their own: the
    # statements by those roles are not listed again among what refers to it (at ETS 185, about 400 links).
    treaty = str(lookup.bkg.Treaty)
    statements = read_statements(lookup, iri, lambda types: lookup.role_properties if treaty in types else ())
    types = statements["all_types"]
    if treaty in types:
        return render_treaty(lookup, iri, statements)
    if str(lookup.bkg.State) in types:
        return render_state(lookup, iri, statements)
    if str(lookup.bkg.Article) in types or SUBDIVISION in types:
        return render_article(lookup, iri, statements)
    return render_template("resource.html", **statements)


def render_graph(iri: str, size: int) -> str:
    """The page of a named graph: what it holds and how to download it."""
    return render_template(
        "graph.html", iri=iri, title=iri.rsplit("/", 1)[-1], size=size, others=current_lookup().engine.graph_names()
    )
