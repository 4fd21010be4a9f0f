"""The State page: its status per treaty first, then what it said and reserved, then its acts and the rest."""

from __future__ import annotations

from collections import defaultdict

from flask import render_template

from .lookup import Lookup
from .views import natural_key, read_external_links, treaty_key


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
    if obligations:
        # In the order of the treaties and of their articles (Art. 2 before Art. 10), not as the engine lists them.
        def in_text_order(row: dict) -> tuple:
            treaty = treaty_key(lookup, row["t"].value) if "t" in row else (0, "")
            return treaty, natural_key(lookup.label(row["ob"].value))

        obligations.sort(key=in_text_order)
    acts = read_acts(lookup, iri)
    return render_template(
        "state.html",
        **statements,
        status=describe_status(lookup, iri, acts),
        developments=read_developments(lookup, iri),
        reservations=read_reservations(lookup, iri),
        categories=categories,
        membership=membership,
        acts=acts,
        links=read_external_links(lookup, statements),
        obligations=obligations,
    )


def read_acts(lookup: Lookup, state: str) -> list[dict]:
    """The State's acts, grouped by treaty, each group in date order: a timeline per treaty."""
    rows = lookup.select(
        f"SELECT ?e ?t ?k ?d ?lo ?hi ?status WHERE {{ ?e bkg:actor <{state}> ; bkg:treaty ?t ; a ?k FILTER(isIRI(?k))"
        f" OPTIONAL {{ ?e bkg:date ?d }} OPTIONAL {{ ?e bkg:earliestDate ?lo }} OPTIONAL {{ ?e bkg:latestDate ?hi }}"
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
        # An uncertain day is shown as such: its month, or the bounds the sources allow.
        event["when"] = event["date"] or span(str(row.get("lo", "")), str(row.get("hi", "")), "date unknown")
        if "status" in row:
            event["status"] = row["status"].value
        kinds[row["e"].value].add(row["k"].value)
    groups: dict[str, list[dict]] = defaultdict(list)
    for iri, event in events.items():
        specific = [k for k in lookup.most_specific(kinds[iri]) if k.startswith(lookup.bkg)]
        event["kind"] = lookup.label(specific[0]) if specific else lookup.label(iri)
        event["classes"] = kinds[iri]
        groups[event["treaty"]].append(event)
    return [
        {"treaty": treaty, "events": sorted(items, key=lambda e: e["date"] or e["when"][-10:] or "9999")}
        for treaty, items in sorted(groups.items(), key=lambda kv: treaty_key(lookup, kv[0]))
    ]


def describe_status(lookup: Lookup, state: str, acts: list[dict]) -> list[dict]:
    """For every treaty in the graph, one sentence: Party since when, consented, signed only, or nothing."""
    treaties = sorted(
        (row["t"].value for row in lookup.select("SELECT ?t WHERE { ?t a bkg:Treaty }")),
        key=lambda t: treaty_key(lookup, t),
    )
    roles = defaultdict(set)
    for row in lookup.select(
        f"SELECT ?p ?t WHERE {{ VALUES ?p {{ bkg:isPartyTo bkg:isContractingPartyOf bkg:isSignatoryOf }}"
        f" <{state}> ?p ?t }}"
    ):
        roles[row["t"].value].add(row["p"].value.rsplit("#", 1)[-1])
    events = {group["treaty"]: group["events"] for group in acts}
    periods = read_periods(lookup, state)
    return [
        {
            "treaty": t,
            "role": role_of(roles[t]),
            "sentence": sentence(lookup, roles[t], events.get(t, []), periods.get(t, {})),
        }
        for t in treaties
    ]


def read_periods(lookup: Lookup, state: str) -> dict[str, dict[str, list[str]]]:
    """treaty -> 'party' / 'contracting' -> its periods in words, from the participation's periods (their
    start and end as the rules derived them: a day, or the bounds of the days it can have been)."""
    rows = lookup.select(
        f"SELECT ?t ?kind ?se ?sl ?ee ?el WHERE {{ ?p bkg:participant <{state}> ; bkg:treaty ?t ."
        ' { ?p bkg:partyDuring ?period BIND("party" AS ?kind) }'
        ' UNION { ?p bkg:contractingDuring ?period BIND("contracting" AS ?kind) }'
        " OPTIONAL { ?period bkg:startEarliest ?se } OPTIONAL { ?period bkg:startLatest ?sl }"
        " OPTIONAL { ?period bkg:endEarliest ?ee } OPTIONAL { ?period bkg:endLatest ?el } } ORDER BY ?se"
    )
    found: dict[str, dict[str, list[str]]] = defaultdict(lambda: defaultdict(list))
    for row in rows:
        start = span(str(row.get("se", "")), str(row.get("sl", "")), "a date not recorded")
        text = f"from {start}"
        if "ee" in row or "el" in row:
            text += f" until {span(str(row.get('ee', '')), str(row.get('el', '')), 'a date not recorded')}"
        found[row["t"].value][row["kind"].value].append(text)
    return found


def span(earliest: str, latest: str, unknown: str) -> str:
    """A day, or what is known of it: 'between 2024-06-18 and 2025-12-04', 'on or after …', 'by …'."""
    if earliest and earliest == latest:
        return earliest
    if earliest and latest:
        return f"between {earliest} and {latest}"
    if earliest:
        return f"on or after {earliest}"
    return f"by {latest}" if latest else unknown


def role_of(roles: set[str]) -> str:
    for role, name in (("isPartyTo", "Party"), ("isContractingPartyOf", "Contracting Party")):
        if role in roles:
            return name
    return "Signatory" if "isSignatoryOf" in roles else "Not a Party"


def sentence(lookup: Lookup, roles: set[str], events: list[dict], periods: dict[str, list[str]]) -> str:
    """The State's standing on one treaty in words, with the dates the graph records or derives."""

    def first(cls) -> dict | None:
        return next((e for e in events if str(cls) in e["classes"]), None)

    entry, consent = first(lookup.bkg.EntryIntoForceForParty), first(lookup.bkg.ConsentToBeBound)
    signature, denunciation = first(lookup.bkg.Signature), first(lookup.bkg.Denunciation)
    parts = []
    if periods.get("party"):  # from the participation: the start (and end) the treaty's rules derive
        parts.append("Party " + ", then ".join(periods["party"]))
    elif "isPartyTo" in roles:
        parts.append(f"Party since {when(entry)}")
    if "isPartyTo" in roles:
        pass
    elif "isContractingPartyOf" in roles:
        parts.append("Consented to be bound; not yet in force for it")
    elif denunciation:
        parts.append(f"Denounced it on {when(denunciation)}")
    elif periods.get("party"):
        pass  # was a Party; the period above says until when
    elif "isSignatoryOf" in roles:
        parts.append("Signed, has not consented to be bound")
    else:
        invitation = first(lookup.bkg.InvitationToAccede)
        parts.append(f"Invited to accede on {when(invitation)}" if invitation else "No signature or consent recorded")
    if consent:
        parts.append(f"{consent['kind']} {when(consent)}")
    if signature:
        parts.append(f"signed {when(signature)}")
    return "; ".join(parts) + "."


def when(event: dict | None) -> str:
    return (event or {}).get("date") or (event or {}).get("when") or "a date not recorded"


def read_developments(lookup: Lookup, state: str) -> list[dict]:
    """Positions, statements and national developments by or about the State, oldest first, undated last."""
    rows = lookup.select(
        f"SELECT ?d ?text ?date ?stance ?treaty ?status ?source ?by WHERE {{ ?d a bkg:Development ; bkg:text ?text ."
        f" {{ ?d bkg:statedBy <{state}> }} UNION {{ ?d bkg:concernsState <{state}> }}"
        " OPTIONAL { ?d bkg:statementDate ?date } OPTIONAL { ?d bkg:stance ?stance }"
        " OPTIONAL { ?d bkg:aboutTreaty ?treaty } OPTIONAL { ?d bkg:verificationStatus ?status }"
        " OPTIONAL { ?d bkg:sourceNote ?source } OPTIONAL { ?d bkg:statedBy ?by } }"
    )
    found: dict[str, dict] = {}
    for row in rows:
        item = found.setdefault(row["d"].value, {"iri": row["d"].value, "text": row["text"].value})
        for key in ("date", "stance", "treaty", "status", "source", "by"):
            if key in row and key not in item:
                item[key] = row[key].value
    for item in found.values():
        if item.get("by") == state:
            del item["by"]  # said by the State itself: no need to name it again
    return sorted(found.values(), key=lambda d: (not d.get("date"), d.get("date", ""), d["iri"]))


def read_reservations(lookup: Lookup, state: str) -> list[dict]:
    """The State's reservations, declarations, designations of authorities, territorial declarations,
    withdrawals and objections, with the provision and clause they concern, date and source (from the
    statement's record, with the day its source was current to)."""
    rows = lookup.select(
        f"SELECT ?e ?k ?t ?date ?provision ?text ?clause ?what ?note ?source ?asof WHERE {{ VALUES ?k {{"
        " bkg:Reservation bkg:Declaration bkg:AuthorityDesignation bkg:TerritorialDeclaration"
        f" bkg:ReservationWithdrawal bkg:Objection }} ?e a ?k ; bkg:actor <{state}> ; bkg:treaty ?t"
        " OPTIONAL { ?e bkg:date ?date } OPTIONAL { ?e bkg:provisionReference ?provision }"
        " OPTIONAL { ?e bkg:text ?text }"
        " OPTIONAL { ?e bkg:underClause ?clause OPTIONAL { ?clause dcterms:description ?what } }"
        " OPTIONAL { ?record bkg:describes ?e OPTIONAL { ?record bkg:editorialNote ?note }"
        " OPTIONAL { ?record bkg:sourceNote ?source } OPTIONAL { ?record bkg:sourceAsOf ?asof } } }"
    )
    found: dict[str, dict] = {}
    for row in rows:
        item = found.setdefault(row["e"].value, {"iri": row["e"].value, "kind": lookup.label(row["k"].value)})
        for key in ("t", "date", "provision", "text", "clause", "what", "note", "source", "asof"):
            if key in row and key not in item:
                item[key] = row[key].value
    return sorted(found.values(), key=lambda r: (treaty_key(lookup, r["t"]), r.get("date", ""), r["iri"]))
