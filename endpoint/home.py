"""The home page: the treaties with their numbers of Parties, and every State."""

from __future__ import annotations

from dataclasses import dataclass, field

from flask import Blueprint, current_app, render_template

from .lookup import Lookup, current_lookup
from .views import series_key

bp = Blueprint("home", __name__)


@dataclass
class TreatySummary:
    iri: str
    name: str
    code: str
    parties: set[str] = field(default_factory=set)
    contracting: set[str] = field(default_factory=set)
    signatories: set[str] = field(default_factory=set)
    only_signed: set[str] = field(default_factory=set)
    last_change: str = ""

    @property
    def signatories_only(self) -> int:
        return len(self.only_signed)

    @property
    def contracting_not_party(self) -> int:
        return len(self.contracting - self.parties)


@bp.get("/")
def show_home() -> str:
    lookup = current_lookup()
    manifest = current_app.extensions.get("bkg_manifest", {})
    description = lookup.select(f"SELECT ?d WHERE {{ <{lookup.names.ontology}> dcterms:description ?d }}")
    return render_template(
        "home.html",
        description=description[0]["d"].value if description else "",
        treaties=read_treaty_summaries(lookup),
        states=read_states(lookup),
        built_at=manifest.get("built_at", ""),
        triples=len(lookup.engine),
    )


def read_treaty_summaries(lookup: Lookup) -> list[TreatySummary]:
    treaties = {
        row["t"].value: TreatySummary(row["t"].value, lookup.label(row["t"].value), row["code"].value)
        for row in lookup.select("SELECT ?t ?code WHERE { ?t a bkg:Treaty ; bkg:seriesNumber ?code }")
    }
    links = lookup.select(
        "SELECT ?s ?p ?t WHERE { VALUES ?p { bkg:isPartyTo bkg:isContractingPartyOf bkg:isSignatoryOf"
        " bkg:isSignatoryOnlyOf } ?s ?p ?t }"
    )
    buckets = {
        str(lookup.bkg.isPartyTo): "parties",
        str(lookup.bkg.isContractingPartyOf): "contracting",
        str(lookup.bkg.isSignatoryOnlyOf): "only_signed",  # on the status date; a succeeded State is not one
    }
    for row in links:
        summary = treaties.get(row["t"].value)
        if summary is not None:
            getattr(summary, buckets.get(row["p"].value, "signatories")).add(row["s"].value)
    for row in lookup.select("SELECT ?t (MAX(STR(?d)) AS ?last) WHERE { ?e bkg:treaty ?t ; bkg:date ?d } GROUP BY ?t"):
        if row["t"].value in treaties and "last" in row:
            treaties[row["t"].value].last_change = row["last"].value
    return sorted(treaties.values(), key=lambda t: series_key(t.code))


def read_states(lookup: Lookup) -> list[dict]:
    rows = lookup.select(
        "SELECT ?s ?iso (COUNT(DISTINCT ?t) AS ?n) WHERE { ?s a bkg:State . OPTIONAL { ?s bkg:iso3166Alpha3 ?iso }"
        " OPTIONAL { ?s bkg:isPartyTo ?t } } GROUP BY ?s ?iso"
    )
    states = [
        {
            "iri": r["s"].value,
            "name": lookup.label(r["s"].value),
            "iso3": r.get("iso", ""),
            "parties": int(r["n"].value),
        }
        for r in rows
    ]
    return sorted(states, key=lambda s: s["name"].casefold())
