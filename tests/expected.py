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
CONSENTS = {"ratification", "acceptance", "approval", "accession", "consent", "definitive-signature"}
TODAY = dt.datetime.now(dt.UTC).date().isoformat()
COUNCIL_OF_EUROPE = ID + "organisation/council-of-europe"
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
    return {r["party"] for r in rows("acts.csv") if r["treaty"] == code and r["act"] in kind}


def denounced_by(code: str, day: str) -> set[str]:
    """Parties whose denunciation took effect by day: notified at least three months before the month began.

    The Council of Europe's rule (ETS 185 Art. 47(2)) written out by hand here: first day of the month
    following the expiration of three months after the notification.
    """
    out = set()
    for r in rows("acts.csv"):
        notified = r["treaty"] == code and r["act"] == "denunciation" and r["date"]
        if notified and first_of_month_after_three_months(r["date"]) <= day:
            out.add(r["party"])
    return out


def first_of_month_after_three_months(day: str) -> str:
    year, month = int(day[:4]), int(day[5:7])
    month += 4  # three months on, and then the first day of the following month
    year, month = year + (month - 1) // 12, (month - 1) % 12 + 1
    return f"{year:04d}-{month:02d}-01"


def parties(code: str) -> set[str]:
    """Parties on the day of the build: the treaty entered into force for them (on a day passed, or on a day
    the sources do not give while saying they are in force), and no denunciation has taken effect."""
    entered = {
        r["party"]
        for r in rows("acts.csv")
        if r["treaty"] == code and r["act"] == "entry-into-force" and (not r["date"] or r["date"] <= TODAY)
    }
    return entered - denounced_by(code, TODAY)


def contracting(code: str) -> set[str]:
    return acts_of(CONSENTS, code) - denounced_by(code, TODAY)


def predecessors(code: str) -> set[str]:
    """States whose place in the treaty successors took (Serbia and Montenegro)."""
    return {r["predecessor"] for r in rows("acts.csv") if r["treaty"] == code and r["act"] == "succession"}


def signatories(code: str) -> set[str]:
    """Who signed, itself or through the State it succeeded; not a State its successors replaced."""
    signed = acts_of({"signature"}, code)
    successors = {
        r["party"]
        for r in rows("acts.csv")
        if r["treaty"] == code and r["act"] == "succession" and r["predecessor"] in signed
    }
    return (signed | successors) - predecessors(code)


def members_on(day: str) -> set[str]:
    """Council of Europe members on day: a period of membership began by then and had not ended."""
    return {r["iso3"] for r in rows("coe_membership.csv") if r["joined"] <= day and (not r["left"] or r["left"] > day)}


def parties_today(code: str) -> set[str]:
    """Parties now, by the catalogue's rule: in force on or before today, or of unknown date; no
    denunciation in effect (the same as parties())."""
    return parties(code)


def members() -> set[str]:
    """Council of Europe members on the day of the build."""
    return members_on(TODAY)


def parties_on(code: str, day: str) -> set[str]:
    """States for which the treaty was certainly in force on day (ISO date), from dated entries into force."""
    return {
        r["party"]
        for r in rows("acts.csv")
        if r["treaty"] == code and r["act"] == "entry-into-force" and r["date"] and r["date"] <= day
    } - denounced_by(code, day)


def articles(code: str) -> list[dict[str, str]]:
    number = code.split()[1]
    return [r for r in rows(f"articles_{number}.csv") if r["unit"] == "article" and r["treaty"] == code]


def obligations(code: str) -> set[str]:
    """IRIs of the obligations a treaty imposes: binding-kind articles with a 'shall' duty, and the
    paragraphs of paragraphs.csv that are obligations."""
    whole = {
        f"{ID}obligation/{slug(code)}/article-{r['number']}"
        for r in articles(code)
        if r["category"] in BINDING and r["obligation"] in ("yes", "mixed")
    }
    parts = {paragraph_iri(r) for r in rows("paragraphs.csv") if r["treaty"] == code and r["modality"] == "obligation"}
    return whole | parts


def paragraph_iri(row: dict[str, str]) -> str:
    """paragraphs.csv's article 9, paragraph 2(b) -> …/article-9/2-b (the slug rule written out)."""
    local = re.sub(r"[^a-z0-9]+", "-", row["paragraph"].lower()).strip("-")
    return f"{ID}obligation/{slug(row['treaty'])}/article-{row['article']}/{local}"


def norm_of(code: str, provision: str) -> str:
    """'Art. 9(2)(b)' of ETS 185 -> its norm's IRI; 'Art. 7' -> the article's."""
    match = re.fullmatch(r"Art\. (\d+)(.*)", provision)
    article, rest = match.group(1), match.group(2)
    local = re.sub(r"[^a-z0-9]+", "-", rest.lower()).strip("-")
    base = f"{ID}obligation/{slug(code)}/article-{article}"
    return f"{base}/{local}" if local else base


def article_of(norm: str) -> str:
    """…/article-9/2-b -> …/article-9."""
    head, _, tail = norm.rpartition("/")
    return head if not tail.startswith("article-") else norm


def reserved_norms() -> dict[tuple[str, str], set[str]]:
    """(party, treaty) -> the norms its reservations exclude, and -> those they limit, as party_statements.csv
    says, spread by hand: excluding an article excludes its paragraphs; excluding or limiting a paragraph
    limits its article; a Convention reservation whose clause concerns an article a protocol's norm
    incorporates limits that norm for a party to the protocol (ETS 189 Art. 12(1))."""
    excluded: dict[tuple[str, str], set[str]] = {}
    limited: dict[tuple[str, str], set[str]] = {}
    paragraphs = {paragraph_iri(r): r for r in rows("paragraphs.csv")}
    for made in rows("party_statements.csv"):
        if made["kind"] != "reservation":
            continue
        key = (made["party"], made["treaty"])
        for provision in filter(None, (p.strip() for p in made["excludes"].split(";"))):
            norm = norm_of(made["treaty"], provision)
            excluded.setdefault(key, set()).add(norm)
            excluded[key] |= {p for p in paragraphs if article_of(p) == norm and p != norm}
            if article_of(norm) != norm:
                limited.setdefault(key, set()).add(article_of(norm))
        for provision in filter(None, (p.strip() for p in made["limits"].split(";"))):
            norm = norm_of(made["treaty"], provision)
            limited.setdefault(key, set()).add(norm)
            if article_of(norm) != norm:
                limited[key].add(article_of(norm))
    return {"excluded": excluded, "limited": limited}


def carried_over() -> set[tuple[str, str]]:
    """(party, protocol norm) limited by a Convention reservation carried over to ETS 189 (Art. 12(1))."""
    clauses = {(r["treaty"], r["provision"]): r["articles"].split(";") for r in rows("reservations_declarations.csv")
               if r["kind"] == "reservation"}  # fmt: skip
    incorporating = {}
    for r in rows("paragraphs.csv"):
        if r["incorporates"]:
            treaty, _, numbers = r["incorporates"].rpartition(":")
            covered = set()
            for part in numbers.split(";"):
                low, _, high = part.partition("-")
                covered |= {str(n) for n in range(int(low), int(high or low) + 1)}
            incorporating[paragraph_iri(r)] = (r["treaty"], treaty, covered)
    out = set()
    for made in rows("party_statements.csv"):
        if made["kind"] != "reservation":
            continue
        for norm, (protocol, treaty, covered) in incorporating.items():
            if made["treaty"] != treaty or made["party"] not in contracting(protocol):
                continue
            concerned = set()
            for provision in filter(None, (p.strip() for p in made["provision"].split(";"))):
                concerned |= set(clauses.get((treaty, provision), []))
            if concerned & covered:
                out.add((made["party"], norm))
    return out


def reserved_obligations() -> set[tuple[str, str]]:
    """(party, norm) pairs: a reservation of the party excludes or limits the norm (spread and carried over)."""
    reserved = reserved_norms()
    pairs = {(party, norm) for (party, _), norms in reserved["excluded"].items() for norm in norms}
    pairs |= {(party, norm) for (party, _), norms in reserved["limited"].items() for norm in norms}
    return pairs | carried_over()


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


# ---- what is known of a day, by the Council of Europe's rule, written out by hand -------------------


def day_of(value: str) -> dt.date:
    return dt.date.fromisoformat(value)


def four_months_on(day: dt.date) -> dt.date:
    """The first day of the month following the expiration of three months after day: the month four
    months on, on its first day (whatever the day of the month, three months later is in the month three on)."""
    month = day.month + 4
    return dt.date(day.year + (month - 1) // 12, (month - 1) % 12 + 1, 1)


def month_bounds(year: int, month: int) -> tuple[dt.date, dt.date]:
    following = dt.date(year + month // 12, month % 12 + 1, 1)
    return dt.date(year, month, 1), following - dt.timedelta(days=1)


def treaty_row(code: str) -> dict[str, str]:
    return next(r for r in rows("treaties.csv") if r["code"] == code)


def act_row(code: str, party: str, kinds: set[str]) -> dict[str, str] | None:
    return next(
        (r for r in rows("acts.csv") if r["treaty"] == code and r["party"] == party and r["act"] in kinds), None
    )


def deposit_window(code: str, party: str) -> tuple[dt.date, dt.date]:
    """What is known of the day a party deposited its consent: its date, its month, its bounds, the
    month its recorded entry into force implies, never before the treaty opened nor after today."""
    consent = act_row(code, party, CONSENTS)
    treaty = treaty_row(code)
    low, high = day_of(treaty["opened"]), day_of(TODAY)
    given = consent["date"]
    if len(given) == 10:
        low = high = day_of(given)
    elif len(given) == 7:
        low, high = month_bounds(int(given[:4]), int(given[5:]))
    if consent["earliest"]:
        low = max(low, day_of(consent["earliest"]))
    if consent["latest"]:
        high = min(high, day_of(consent["latest"]))
    entry = act_row(code, party, {"entry-into-force"})
    if entry and entry["date"] and low != high:
        effect, in_force = day_of(entry["date"]), treaty["entry_into_force"]
        month = effect.month - 4
        implied = month_bounds(effect.year + (month - 1) // 12, (month - 1) % 12 + 1)
        if in_force and effect == day_of(in_force):
            implied = (low, implied[1])  # deposited before the treaty itself entered into force
        low, high = max(low, implied[0]), min(high, implied[1])
    signature = act_row(code, party, {"signature"})
    if consent["act"] in ("ratification", "acceptance", "approval") and signature and len(signature["date"]) == 10:
        low = max(low, day_of(signature["date"]))
    return low, high


def entry_window(code: str, party: str) -> tuple[dt.date, dt.date] | None:
    """What is known of the day the treaty entered into force for a party: the recorded day, or the
    rule applied to its deposit (not before the treaty's own entry into force), no later than today when
    the sources say it is in force without the day. None while the treaty is not in force."""
    entry = act_row(code, party, {"entry-into-force"})
    if entry and entry["date"]:
        return day_of(entry["date"]), day_of(entry["date"])
    in_force = treaty_row(code)["entry_into_force"]
    if not in_force:
        return None
    low, high = deposit_window(code, party)
    earliest = max(four_months_on(low), day_of(in_force))
    latest = max(four_months_on(high), day_of(in_force))
    return earliest, (min(latest, day_of(TODAY)) if entry else latest)


def counted(code: str, day: dt.date, basis: str) -> tuple[int, int]:
    """(certainly, possibly) how many parties had consented (basis 'consent') or were Parties (basis
    'in-force') on day; denunciations take effect by the rule (none recorded in data/)."""
    certain = possible = 0
    for party in acts_of(CONSENTS, code) - predecessors(code):
        window = deposit_window(code, party) if basis == "consent" else entry_window(code, party)
        if window is None or party in denounced_by(code, day.isoformat()):
            continue
        certain += window[1] <= day
        possible += window[0] <= day
    return certain, possible


# ---- the catalogue's view: treaties by number ("185"), dates as dt.date ------------------------------

TREATIES = {"185": "ETS 185", "189": "ETS 189", "224": "CETS 224"}
TODAY_DATE = dt.date.fromisoformat(TODAY)


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
        return {r["party"]: r for r in self.acts if r["treaty"] == TREATIES[treaty] and r["act"] in kinds}

    def consents(self, treaty: str) -> dict[str, dict[str, str]]:
        return self.rows(treaty, *sorted(CONSENTS))

    def entries(self, treaty: str) -> dict[str, dict[str, str]]:
        return self.rows(treaty, "entry-into-force")

    def parties_on(self, treaty: str, when: dt.date, certain: bool = True) -> set[str]:
        """Certainly (or possibly) in force for the party on `when`: the latest (earliest) day the treaty can
        have entered into force for it is on or before `when`; no denunciation has taken effect."""
        code = TREATIES[treaty]
        found = set()
        for party in self.entries(treaty):
            window = entry_window(code, party)
            if window and window[1 if certain else 0] <= when:
                found.add(party)
        return found - denounced_by(code, when.isoformat())

    def members_on(self, when: dt.date) -> set[str]:
        return {
            m["iso3"]
            for m in self.memberships
            if m["joined"] and as_date(m["joined"]) <= when and (not m["left"] or as_date(m["left"]) > when)
        }

    def region(self, iso: str) -> str:
        return self.regions[iso]["region"]
