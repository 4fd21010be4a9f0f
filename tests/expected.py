"""Expected answers computed from data/ in plain Python, independently of the graph and the ontology.

Tests compare what the graph infers with these sets, so a wrong axiom or rule shows up as a
difference, not as a changed hard-coded number.
"""

from __future__ import annotations

import csv
import datetime as dt
import functools
import re
from pathlib import Path

import pyoxigraph as ox

from budapest_kg import resources

ID = "https://w3id.org/budapest-kg/id/"
BKG = "https://w3id.org/budapest-kg/ontology#"
CONSENTS = {"ratification", "acceptance", "approval", "accession", "consent"}
BINDING = {"offence", "ancillary-liability", "procedural-power", "safeguards", "jurisdiction", "co-operation"}


def rows(name: str, data_dir: Path = resources.PACKAGED.data_dir) -> list[dict[str, str]]:
    """A table of data/ as plain rows (read once per session; each caller gets its own list)."""
    return list(_read(data_dir / name))


@functools.cache
def _read(path: Path) -> tuple[dict[str, str], ...]:
    with open(path, newline="", encoding="utf-8") as handle:
        return tuple(csv.DictReader(handle))


def query_metadata() -> dict[str, dict[str, str]]:
    """Each catalogue query's `#+ key: value` lines (not its parameters), read from the .rq files by hand."""
    folder = resources.PACKAGED.queries_dir
    found = {}
    for path in sorted([*folder.glob("*.rq"), *folder.glob("federated/*.rq")]):
        meta = {}
        for line in path.read_text(encoding="utf-8").splitlines():
            if line.startswith("#+ ") and ":" in line and not line.startswith("#+ param:"):
                key, _, value = line[3:].partition(":")
                meta[key.strip()] = value.strip()
        found[path.relative_to(folder).with_suffix("").as_posix()] = meta
    return found


def state_names() -> dict[str, str]:
    """ISO alpha-3 -> the State's English name, from states.csv."""
    return {r["iso3"]: r["name"] for r in rows("states.csv")}


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


def parties_today(code: str) -> set[str]:
    """Parties now, by the catalogue's rule: in force on or before today, or of unknown date; not denounced."""
    today = dt.date.today().isoformat()
    denounced = acts_of({"denunciation"}, code)
    return {
        r["iso3"]
        for r in rows("acts.csv")
        if r["treaty"] == code and r["act"] == "entry-into-force" and (not r["date"] or r["date"] <= today)
    } - denounced


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


# ---- the catalogue's view: treaties by number ("185"), dates as dt.date ------------------------------

TREATIES = {"185": "ETS 185", "189": "ETS 189", "224": "CETS 224"}
TODAY = dt.datetime.now(dt.UTC).date()


def as_date(value: str) -> dt.date | None:
    return dt.date.fromisoformat(value) if value else None


class Tables:
    """The curated tables, and the categories the query catalogue answers, computed from them by hand."""

    def __init__(self) -> None:
        self.acts = rows("acts.csv")
        self.states = state_names()
        self.memberships = rows("coe_membership.csv")
        self.treaties = {r["code"]: r for r in rows("treaties.csv")}
        self.regions = {r["iso3"]: r for r in rows("regions.csv")}
        self.links = rows("links.csv")

    def rows(self, treaty: str, *kinds: str) -> dict[str, dict[str, str]]:
        return {r["iso3"]: r for r in self.acts if r["treaty"] == TREATIES[treaty] and r["act"] in kinds}

    def consents(self, treaty: str) -> dict[str, dict[str, str]]:
        return self.rows(treaty, *sorted(CONSENTS))

    def entries(self, treaty: str) -> dict[str, dict[str, str]]:
        return self.rows(treaty, "entry-into-force")

    def parties_on(self, treaty: str, when: dt.date) -> set[str]:
        """In force for the State on or before `when`; an unknown date counts from today on; no denunciation."""
        parties = {
            iso
            for iso, row in self.entries(treaty).items()
            if (row["date"] and as_date(row["date"]) <= when) or (not row["date"] and when >= TODAY)
        }
        denounced = {
            iso
            for iso, row in self.rows(treaty, "denunciation").items()
            if row["date"] and as_date(row["date"]) <= when
        }
        return parties - denounced

    def members_on(self, when: dt.date) -> set[str]:
        return {
            m["iso3"]
            for m in self.memberships
            if m["joined"] and as_date(m["joined"]) <= when and (not m["left"] or as_date(m["left"]) > when)
        }

    def region(self, iso: str) -> str:
        return self.regions[iso]["region"]
