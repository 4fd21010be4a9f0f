"""Map statements, positions and national developments, and the claims sources make, to triples.

The seed article is itself a source: what it claims is recorded as bkg:Claim nodes next to what the
other sources say, and claims that disagree are grouped in a bkg:Conflict. Pure functions, no I/O.
"""

from __future__ import annotations

from rdflib import Literal, URIRef
from rdflib.namespace import RDF, RDFS, XSD

from budapest_kg.iris import (
    article_iri,
    claim_iri,
    conflict_iri,
    slug,
    source_iri,
    state_iri,
    statement_iri,
    treaty_iri,
)
from budapest_kg.namespaces import BKG, ID

from .mapped import Mapped, add_window, record_provenance
from .statement_records import Claim, PublishedCount, Statement
from .timing import partial_window

STATEMENT_CLASS = {
    "position": BKG.Position,
    "public-statement": BKG.PublicStatement,
    "domestic-law": BKG.DomesticLaw,
    "domestic-approval": BKG.DomesticApproval,
    "court-decision": BKG.CourtDecision,
    "drafting-participation": BKG.DraftingParticipation,
}
STANCE = {
    "supports": BKG.Supports,
    "opposes": BKG.Opposes,
    "declines": BKG.Declines,
    "reconsidering": BKG.Reconsidering,
    "critical": BKG.Critical,
}
AGENT_CLASS = {"organisation": BKG.Organisation, "person": BKG.Person}
SEED = ID["source/seed"]
# The seed article is an encyclopedia article; the copy the project curated from carries no URL or
# revision, only its title and the date its text speaks of ("As of August 2025").
SEED_NOTE = "encyclopedia article 'Budapest Convention on Cybercrime' (text as of August 2025; no URL recorded)"


def typed_partial_date(value: str) -> Literal:
    """A date of the precision given: YYYY-MM-DD as xsd:date, YYYY-MM as xsd:gYearMonth, YYYY as xsd:gYear."""
    datatype = {10: XSD.date, 7: XSD.gYearMonth, 4: XSD.gYear}[len(value)]
    return Literal(value, datatype=datatype)


def source_text(source: str) -> str:
    """'seed' in a source column stands for the seed article, cited by its title."""
    return SEED_NOTE if source == "seed" else source


def map_seed(out: Mapped) -> None:
    out.data.add((SEED, RDF.type, BKG.SourceDocument))
    out.data.add((SEED, RDFS.label, Literal("The seed article: Budapest Convention on Cybercrime", lang="en")))
    record_provenance(SEED, "verified", SEED_NOTE, out, note="a secondary source: its claims are checked in claims.csv")


def map_statements(statements: list[Statement], out: Mapped) -> None:
    agents: dict[str, Statement] = {}
    for statement in statements:
        map_statement(statement, out)
        if not statement.actor.startswith("state/"):
            agents.setdefault(statement.actor, statement)
    for actor, first in agents.items():
        node = ID[actor]
        out.data.add((node, RDF.type, AGENT_CLASS[actor.partition("/")[0]]))
        out.data.add((node, RDFS.label, Literal(first.actor_label, lang="en")))
        record_provenance(node, first.status, source_text(first.source), out)


def map_statement(statement: Statement, out: Mapped) -> None:
    g = out.data
    node = statement_iri(statement.ident)
    g.add((node, RDF.type, STATEMENT_CLASS[statement.kind]))
    g.add((node, BKG.statedBy, ID[statement.actor]))
    g.add((node, BKG.text, Literal(statement.text, lang="en")))
    who = statement.actor_label or statement.state or statement.actor
    g.add((node, RDFS.label, Literal(f"{statement.kind.replace('-', ' ')} of {who}: {statement.ident}", lang="en")))
    if statement.state:
        g.add((node, BKG.concernsState, state_iri(statement.state)))
    if statement.treaty:
        g.add((node, BKG.aboutTreaty, treaty_iri(statement.treaty)))
        if statement.kind == "drafting-participation" and statement.state:
            g.add((state_iri(statement.state), BKG.participatedInDrafting, treaty_iri(statement.treaty)))
    if statement.article:
        g.add((node, BKG.concernsProvision, article_iri(statement.treaty, statement.article)))
    if statement.date:
        g.add((node, BKG.statementDate, typed_partial_date(statement.date)))
    if statement.stance:
        g.add((node, BKG.stance, STANCE[statement.stance]))
    for other in statement.related:
        g.add((node, BKG.relatedTo, statement_iri(other)))
    record_provenance(node, statement.status, source_text(statement.source), out, note=statement.note)


def claimant_node(claimant: str, out: Mapped) -> URIRef:
    """The seed article, or the source named, as a resource."""
    if claimant == "seed":
        return SEED
    node = source_iri(claimant)
    out.data.add((node, RDF.type, BKG.SourceDocument))
    out.data.add((node, RDFS.label, Literal(claimant, lang="en")))
    return node


def typed_value(value: str) -> Literal:
    """A whole number as xsd:integer, a day as xsd:date."""
    return Literal(int(value), datatype=XSD.integer) if value.isdigit() else Literal(value, datatype=XSD.date)


def map_claims(claims: list[Claim], out: Mapped) -> None:
    g = out.data
    conflicts: dict[str, list[URIRef]] = {}
    for claim in claims:
        node = claim_iri(claim.ident)
        g.add((node, RDF.type, BKG.Claim))
        for about in claim.about:
            g.add((node, BKG.claimAbout, ID[about]))
        claimant = claimant_node(claim.claimant, out)
        g.add((node, BKG.claimant, claimant))
        g.add((node, BKG.claimedIn, claimant))
        g.add((node, BKG.text, Literal(claim.text, lang="en")))
        if claim.value:
            g.add((node, BKG.claimedValue, typed_value(claim.value)))
        g.add((node, RDFS.label, Literal(f"claim of {claim.claimant}: {claim.ident}", lang="en")))
        record_provenance(node, claim.status, source_text(claim.source), out, note=claim.note)
        if claim.conflict:
            conflicts.setdefault(claim.conflict, []).append(node)
    for conflict, members in conflicts.items():
        node = conflict_iri(conflict)
        g.add((node, RDF.type, BKG.Conflict))
        g.add((node, RDFS.label, Literal(f"conflicting claims: {conflict.replace('-', ' ')}", lang="en")))
        for member in members:
            g.add((node, BKG.hasClaim, member))
        record_provenance(node, "verified", "the claims it groups (see each claim's source)", out)


def map_published_counts(counts: list[PublishedCount], out: Mapped) -> None:
    """Each published number of Parties as a typed claim about its treaty, dated to the day or month."""
    g = out.data
    for count in counts:
        node = claim_iri(f"published-count-{slug(count.treaty)}-{count.date}")
        g.add((node, RDF.type, BKG.Claim))
        g.add((node, BKG.claimAbout, treaty_iri(count.treaty)))
        claimant = claimant_node(count.claimant, out)
        g.add((node, BKG.claimant, claimant))
        g.add((node, BKG.claimedIn, claimant))
        g.add((node, BKG.claimedValue, Literal(count.count, datatype=XSD.integer)))
        text = f"{count.count} {count.basis} of {count.treaty} as of {count.date}"
        g.add((node, BKG.text, Literal(text, lang="en")))
        g.add((node, RDFS.label, Literal(f"published count: {text}", lang="en")))
        add_window(g, node, partial_window(count.date), precision=True)
        record_provenance(node, count.status, count.source, out, note=count.note)
