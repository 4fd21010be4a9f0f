"""The State page: its categories, Council of Europe membership, acts per treaty and obligations."""

from __future__ import annotations

from collections import defaultdict

from flask import render_template

from .lookup import Lookup
from .views import read_external_links, treaty_key


def render_state(lookup: Lookup, iri: str, statements: dict) -> str:
    state = str(lookup.bkg.State)
    # The generic classes of the ontology and the categories generated for each treaty (…/category/…).
    categories = sorted(
        (t for t in statements["all_types"] if (t.startswith(lookup.bkg) or "/category/" in t) and t != state),
        key=lambda t: lookup.label(t).casefold(),
    )
    membership = lookup.select(
        f"SELECT ?m ?start ?end WHERE {{ ?membership org:member <{iri}> ; a bkg:Membership ; org:memberDuring ?m ."
        " OPTIONAL { ?m bkg:startDate ?start } OPTIONAL { ?m bkg:endDate ?end } } ORDER BY ?start"
    )
    obligations = str(lookup.bkg.Obligation) in lookup.in_use and lookup.select(
        # Who bears an obligation is inferred (bkg:bearsObligation), so a direct link is enough.
        f"SELECT DISTINCT ?ob ?t WHERE {{ {{ <{iri}> ?p ?ob }} UNION {{ ?ob ?p <{iri}> }} ?ob a bkg:Obligation"
        " OPTIONAL { ?t bkg:imposesObligation ?ob } }"
    )
    return render_template(
        "state.html",
        **statements,
        categories=categories,
        membership=membership,
        acts=read_acts(lookup, iri),
        links=read_external_links(lookup, statements),
        obligations=obligations,
    )


def read_acts(lookup: Lookup, state: str) -> list[dict]:
    """The State's acts, grouped by treaty, each group in date order: a timeline per treaty."""
    rows = lookup.select(
        f"SELECT ?e ?t ?k ?d ?status WHERE {{ ?e bkg:actor <{state}> ; bkg:treaty ?t ; a ?k FILTER(isIRI(?k))"
        f" OPTIONAL {{ ?e bkg:date ?d }}"
        f" OPTIONAL {{ GRAPH <{lookup.names.graph.provenance}> {{"
        " ?r bkg:describes ?e ; bkg:verificationStatus ?status } } }"
    )
    events: dict[str, dict] = {}
    kinds: dict[str, set[str]] = defaultdict(set)
    for row in rows:
        event = events.setdefault(
            row["e"].value,
            {"iri": row["e"].value, "treaty": row["t"].value, "date": str(row.get("d", "")), "status": None},
        )
        if "status" in row:
            event["status"] = row["status"].value
        kinds[row["e"].value].add(row["k"].value)
    groups: dict[str, list[dict]] = defaultdict(list)
    for iri, event in events.items():
        specific = [k for k in lookup.most_specific(kinds[iri]) if k.startswith(lookup.bkg)]
        event["kind"] = lookup.label(specific[0]) if specific else lookup.label(iri)
        groups[event["treaty"]].append(event)
    return [
        {"treaty": treaty, "events": sorted(items, key=lambda e: e["date"] or "9999")}
        for treaty, items in sorted(groups.items(), key=lambda kv: treaty_key(lookup, kv[0]))
    ]
