"""Map the norms finer than an article and the parties' statements (reservations with the norms they
exclude or limit, declarations, designations of authorities, territorial declarations) to triples.

Which norms apply to which party, net of its reservations, is derived by the rules in
ontology/rules/ (a reservation of a paragraph limits its article; a reservation to a treaty carries
over to a protocol that applies the article it concerns). Pure functions, no I/O.
"""

from __future__ import annotations

import re

from rdflib import Literal, URIRef
from rdflib.namespace import DCTERMS, RDF, RDFS

from budapest_kg.iris import act_iri, article_iri, obligation_iri, participation_iri, party_iri, treaty_iri
from budapest_kg.namespaces import BKG

from .mapped import Mapped, date_literal, record_provenance
from .norm_records import Paragraph, PartyStatement, parse_provision

STATEMENT_CLASS = {
    "reservation": (BKG.Reservation, BKG.reservingParty),
    "reservation-withdrawal": (BKG.ReservationWithdrawal, BKG.withdrawingParty),
    "declaration": (BKG.Declaration, BKG.declaringParty),
    "authority": (BKG.AuthorityDesignation, BKG.declaringParty),
    "territorial-application": (BKG.TerritorialDeclaration, BKG.declaringParty),
    "objection": (BKG.Objection, BKG.objectingParty),
}
ARTICLE = re.compile(r"Art\. (\d+)")


def norm_iri(treaty: str, provision: str) -> URIRef:
    """The norm a provision cites: 'Art. 7' -> the article's, 'Art. 9(2)(b)' -> the paragraph's."""
    article, paragraph = parse_provision(provision)
    return obligation_iri(treaty, article, paragraph)


def map_paragraph(paragraph: Paragraph, actions: dict[tuple[str, str], URIRef], out: Mapped) -> None:
    """A paragraph's norm: part of its article's norm (when the article has one), imposed by the treaty."""
    g = out.data
    node = obligation_iri(paragraph.treaty, paragraph.article, paragraph.paragraph)
    treaty = treaty_iri(paragraph.treaty)
    permission = paragraph.modality == "permission"
    g.add((node, RDF.type, BKG.Permission if permission else BKG.Obligation))
    g.add((treaty, BKG.grantsPermission if permission else BKG.imposesObligation, node))
    g.add((node, BKG.establishedBy, article_iri(paragraph.treaty, paragraph.article)))
    g.add((node, BKG.provisionReference, Literal(paragraph.provision)))
    g.add((node, RDFS.label, Literal(f"{paragraph.treaty} {paragraph.provision}: {paragraph.summary}", lang="en")))
    g.add((node, DCTERMS.description, Literal(paragraph.summary, lang="en")))
    whole = obligation_iri(paragraph.treaty, paragraph.article)
    if (paragraph.treaty, paragraph.article) in actions:
        g.add((node, DCTERMS.isPartOf, whole))
        g.add((node, BKG.requiresAction, actions[paragraph.treaty, paragraph.article]))
    for other, number in paragraph.incorporates:
        g.add((node, BKG.incorporates, article_iri(other, number)))
    record_provenance(node, paragraph.status, paragraph.source, out)


def number_statements(statements: list[PartyStatement]) -> list[tuple[PartyStatement, URIRef]]:
    """Each statement with its IRI: the party's n-th statement of its kind on the treaty, in table order."""
    counts: dict[tuple[str, str, str], int] = {}
    out = []
    for statement in statements:
        key = (statement.treaty, statement.party, statement.kind)
        counts[key] = counts.get(key, 0) + 1
        out.append((statement, act_iri(statement.treaty, statement.party, statement.kind, counts[key])))
    return out


def map_party_statements(statements: list[PartyStatement], clause_nodes: dict[tuple[str, str, str], URIRef],
                         participations: set[tuple[str, str]], out: Mapped) -> None:  # fmt: skip
    """clause_nodes: (treaty, kind, provision) -> the clause's IRI."""
    numbered = number_statements(statements)
    reservations = {}
    for statement, node in numbered:
        map_party_statement(statement, node, clause_nodes, participations, out)
        if statement.kind == "reservation":
            for provision in statement.provisions:
                reservations[statement.treaty, statement.party, provision] = node
    for statement, node in numbered:
        if statement.kind == "reservation-withdrawal":
            for provision in statement.provisions:
                withdrawn = reservations.get((statement.treaty, statement.party, provision))
                if withdrawn is not None:
                    out.data.add((node, BKG.withdraws, withdrawn))


def map_party_statement(statement: PartyStatement, node: URIRef, clause_nodes: dict, participations: set,
                        out: Mapped) -> None:  # fmt: skip
    g = out.data
    cls, link = STATEMENT_CLASS[statement.kind]
    g.add((node, RDF.type, cls))
    g.add((node, BKG.treaty, treaty_iri(statement.treaty)))
    g.add((node, link, party_iri(statement.party)))
    if (statement.treaty, statement.party) in participations:
        g.add((node, BKG.inParticipation, participation_iri(statement.treaty, statement.party)))
    provisions = "; ".join(statement.provisions) or "no provision given"
    g.add((node, RDFS.label, Literal(f"{statement.kind.replace('-', ' ')} of {statement.party} under "
                                     f"{statement.treaty} {provisions}", lang="en")))  # fmt: skip
    g.add((node, BKG.text, Literal(statement.text, lang="en")))
    for provision in statement.provisions:
        g.add((node, BKG.provisionReference, Literal(provision)))
        kind = "reservation" if statement.kind in ("reservation", "reservation-withdrawal") else "declaration"
        clause = clause_nodes.get((statement.treaty, kind, provision))
        if clause is not None:
            g.add((node, BKG.underClause, clause))
        for number in ARTICLE.findall(provision):
            g.add((node, BKG.concernsArticle, article_iri(statement.treaty, number)))
    for provision in statement.excludes:
        g.add((node, BKG.excludes, norm_iri(statement.treaty, provision)))
    for provision in statement.limits:
        g.add((node, BKG.limits, norm_iri(statement.treaty, provision)))
    if statement.date:
        g.add((node, BKG.date, date_literal(statement.date)))
    # A withdrawal takes effect on receipt unless it names a later day (ETS 185 Art. 43(1)).
    effective = statement.effective or (statement.date if statement.kind == "reservation-withdrawal" else None)
    if effective:
        g.add((node, BKG.effectiveDate, date_literal(effective)))
    record_provenance(node, statement.status, statement.source, out, as_of=statement.source_as_of,
                      note=statement.note)  # fmt: skip
