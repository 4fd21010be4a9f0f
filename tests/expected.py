"""Expected answers computed from data/ in plain Python, independently of the graph and the ontology.

Tests compare what the graph infers with these sets, so a wrong axiom or rule shows up as a
difference, not as a changed hard-coded number.
"""

from __future__ import annotations

import csv
import re
from pathlib import Path

import pyoxigraph as ox

from budapest_kg import resources

ID = "https://w3id.org/budapest-kg/id/"
BKG = "https://w3id.org/budapest-kg/ontology#"
CONSENTS = {"ratification", "acceptance", "approval", "accession", "consent"}
BINDING = {"offence", "ancillary-liability", "procedural-power", "safeguards", "jurisdiction", "co-operation"}


def rows(name: str, data_dir: Path = resources.PACKAGED.data_dir) -> list[dict[str, str]]:
    with open(data_dir / name, newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def slug(code: str) -> str:
    return code.lower().replace(" ", "-")


def treaty(code: str) -> str:
    return ID + "treaty/" + slug(code)


def acts_of(kind: set[str], code: str) -> set[str]:
    return {r["iso3"] for r in rows("acts.csv") if r["treaty"] == code and r["act"] in kind}


def parties(code: str) -> set[str]:
    """States for which the treaty entered into force."""
    return acts_of({"entry-into-force"}, code)


def contracting(code: str) -> set[str]:
    return acts_of(CONSENTS, code)


def signatories(code: str) -> set[str]:
    return acts_of({"signature"}, code)


def members() -> set[str]:
    """Council of Europe members now: joined and no end recorded."""
    return {r["iso3"] for r in rows("coe_membership.csv") if r["joined"] and not r["left"]}


def parties_on(code: str, day: str) -> set[str]:
    """States for which the treaty was in force on day (ISO date), from dated entries into force."""
    return {
        r["iso3"]
        for r in rows("acts.csv")
        if r["treaty"] == code and r["act"] == "entry-into-force" and r["date"] and r["date"] <= day
    }


def articles(code: str) -> list[dict[str, str]]:
    number = code.split()[1]
    return [r for r in rows(f"articles_{number}.csv") if r["unit"] == "article" and r["treaty"] == code]


def obligations(code: str) -> set[str]:
    """IRIs of the obligations a treaty imposes: binding-kind articles with a 'shall' duty."""
    return {
        f"{ID}obligation/{slug(code)}/article-{r['number']}"
        for r in articles(code)
        if r["category"] in BINDING and r["obligation"] in ("yes", "mixed")
    }


def reserved_obligations() -> set[tuple[str, str]]:
    """(State, obligation) pairs: a recorded reservation under a clause concerning the article of the obligation."""
    clauses = {(r["treaty"], r["kind"], r["provision"]): r for r in rows("reservations_declarations.csv")}
    pairs = set()
    for made in rows("state_reservations.csv"):
        if made["kind"] != "reservation":
            continue
        clause = clauses[made["treaty"], "reservation", made["provision"]]
        for ref in filter(None, clause["articles"].split(";")):
            other, _, number = ref.rpartition(":")
            code = other or made["treaty"]
            iri = f"{ID}obligation/{slug(code)}/article-{number}"
            if iri in obligations(code) or iri in permissions(code):
                pairs.add((made["iso3"], iri))
    return pairs


def permissions(code: str) -> set[str]:
    return {
        f"{ID}obligation/{slug(code)}/article-{r['number']}"
        for r in articles(code)
        if r["category"] in BINDING and r["obligation"] == "permissive"
    }


def load_store(build_dir: Path) -> ox.Store:
    store = ox.Store()
    store.bulk_load(path=str(build_dir / resources.GRAPH_FILE), format=ox.RdfFormat.N_QUADS)
    return store


def select(store: ox.Store, query: str) -> list[dict[str, str]]:
    """Run a SELECT over the union of the named graphs; values as plain strings."""
    result = store.query(query, use_default_graph_as_union=True)
    names = [v.value for v in result.variables]
    return [{n: (s[n].value if s[n] is not None else None) for n in names} for s in result]


def with_values(query: str, **params: str) -> str:
    """Inject `VALUES ?_name { value }` at the start of the outermost WHERE, as the query catalogue does."""
    start = re.search(r"WHERE\s*\{", query)
    assert start, "query has no WHERE clause"
    values = "".join(f"\n  VALUES ?_{name} {{ {value} }}" for name, value in params.items())
    return query[: start.end()] + values + query[start.end() :]


def iso(iri: str) -> str:
    return iri.rsplit("/", 1)[-1]
