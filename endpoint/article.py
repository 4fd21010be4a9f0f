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
        official=read_official_text(lookup, iri),
        # The outermost whole first: it is part of the fewest things.
        ancestors=[r["a"].value for r in sorted(ancestors, key=lambda r: int(r["depth"].value))],
        parts=read_parts(lookup, iri),
        text=[(p, o) for p, o in statements["outgoing"] if o.kind == "literal"],
        obligations=[explain_obligation(lookup, describe_inline(lookup, r["x"].value)) for r in obligations],
        reservations=[describe_inline(lookup, r["x"].value) for r in reservations],
        clauses=[describe_inline(lookup, r["x"].value) for r in clauses],
        reservation_rules=[(p, o) for p, o in statements["outgoing"] if "eservation" in p.value],
    )


def read_official_text(lookup: Lookup, iri: str) -> dict:
    """Where the text of the article is published: the treaty's record at the Council of Europe, and the
    sources the article's heading was taken from."""
    treaty = lookup.select(f"SELECT ?t WHERE {{ <{iri}> bkg:ofTreaty ?t }}")
    records = []
    if treaty:
        rows = lookup.select(f"SELECT ?link WHERE {{ <{treaty[0]['t'].value}> rdfs:seeAlso ?link }}")
        records = sorted(r["link"].value for r in rows if "coe.int" in r["link"].value)
    sources = lookup.select(f"SELECT ?source WHERE {{ <{iri}> prov:wasDerivedFrom ?source }}")
    notes = lookup.select(f"SELECT ?note WHERE {{ <{iri}> bkg:sourceNote ?note }}")
    return {
        "treaty": treaty[0]["t"].value if treaty else "",
        "records": records,
        "sources": sorted(r["source"].value for r in sources),
        "note": notes[0]["note"].value if notes else "",
    }


def explain_obligation(lookup: Lookup, obligation: dict) -> dict:
    """The obligation in one sentence: what each Party must do, to which conduct or power, under which safeguards."""
    by_property: dict[str, list[str]] = {}
    for p, o in obligation["statements"]:
        if o.is_iri:
            by_property.setdefault(p.value.rsplit("#", 1)[-1], []).append(o.value)
    actions = by_property.get("requiresAction", [])
    if not actions:
        return obligation
    what = " and ".join(lookup.label(a) for a in actions)
    concerns = by_property.get("concernsConduct", [])
    obligation["sentence"] = {
        "action": what,
        "concerns": concerns,
        "safeguards": by_property.get("subjectToSafeguards", []),
    }
    return obligation
