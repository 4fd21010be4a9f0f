"""The article page: where it sits in the treaty, its text, its parts, the norms and reservations on it."""

from __future__ import annotations

from flask import render_template

from .lookup import Lookup
from .views import describe_inline, read_parts

# Norms and clauses point at the article (or it at them).
LINKED = (
    "SELECT DISTINCT ?x WHERE {{ ?x a ?c VALUES ?c {{ {classes} }} {{ ?x ?p <{iri}> }} UNION {{ <{iri}> ?p ?x }} }}"
)


def render_article(lookup: Lookup, iri: str, statements: dict) -> str:
    ancestors = lookup.select(
        f"SELECT ?a (COUNT(?mid) AS ?depth) WHERE {{ <{iri}> eli:is_part_of+ ?a . ?a eli:is_part_of* ?mid }}"
        " GROUP BY ?a"
    )
    obligations = lookup.select(LINKED.format(classes="bkg:Obligation bkg:Permission", iri=iri))
    clauses = lookup.select(LINKED.format(classes="bkg:ReservationClause", iri=iri))
    # Reservations made point at the article or at one of its reservation clauses.
    reservations = lookup.select(
        f"SELECT DISTINCT ?x WHERE {{ ?x a bkg:Reservation {{ ?x ?p <{iri}> }} UNION"
        f" {{ ?x bkg:underClause ?clause . {{ ?clause ?q <{iri}> }} UNION {{ <{iri}> ?q ?clause }} }} }}"
    )
    return render_template(
        "article.html",
        **statements,
        # The outermost whole first: it is part of the fewest things.
        ancestors=[r["a"].value for r in sorted(ancestors, key=lambda r: int(r["depth"].value))],
        parts=read_parts(lookup, iri),
        text=[(p, o) for p, o in statements["outgoing"] if o.kind == "literal"],
        obligations=[describe_inline(lookup, r["x"].value) for r in obligations],
        reservations=[describe_inline(lookup, r["x"].value) for r in reservations],
        clauses=[describe_inline(lookup, r["x"].value) for r in clauses],
        reservation_rules=[(p, o) for p, o in statements["outgoing"] if "eservation" in p.value],
    )
