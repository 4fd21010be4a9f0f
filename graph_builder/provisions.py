"""Map the treaties' texts to triples: structure (ELI subdivisions), English and French expressions,
treaty-level facts, obligations with their concept schemes and their bearers, reservation clauses; the
paragraphs' norms and the parties' statements through ``norms``.

Pure functions, no I/O. Long texts (sources, status details) go to the provenance graph only, so
that the reasoner does not carry them.
"""

from __future__ import annotations

import re

from rdflib import Literal, URIRef
from rdflib.namespace import DCTERMS, RDF, RDFS, SKOS

from budapest_kg.iris import article_iri, category_iri, obligation_iri, slug, treaty_iri, unit_iri
from budapest_kg.namespaces import BKG, ELI, ID

from .mapped import Mapped, date_literal, record_provenance
from .norms import map_paragraph, map_party_statements
from .texts import Clause, Texts, TreatyFact, Unit, establishes_norm

UNIT_CLASS = {"chapter": BKG.Chapter, "section": BKG.Section, "title": BKG.Title, "article": BKG.Article}
CATEGORY = {
    "definitions": BKG.DefinitionsProvision,
    "offence": BKG.OffenceProvision,
    "ancillary-liability": BKG.AncillaryLiabilityProvision,
    "procedural-power": BKG.ProceduralPowerProvision,
    "safeguards": BKG.SafeguardsProvision,
    "jurisdiction": BKG.JurisdictionProvision,
    "co-operation": BKG.CooperationProvision,
    "final-clause": BKG.FinalClause,
    "general": BKG.GeneralProvision,
}
# What an article of each category asks of a Party. Definitions, final clauses and general
# provisions establish no obligation of their own here.
ACTION = {
    "offence": BKG.Criminalise,
    "ancillary-liability": BKG.EstablishLiability,
    "procedural-power": BKG.MakePowerAvailable,
    "safeguards": BKG.ProvideSafeguards,
    "jurisdiction": BKG.EstablishJurisdiction,
    "co-operation": BKG.CoOperate,
}
SCHEME = {
    "offence": (BKG.OffenceScheme, BKG.Offence, "offence"),
    "ancillary-liability": (BKG.AncillaryLiabilityScheme, BKG.AncillaryLiability, "ancillary-liability"),
    "procedural-power": (BKG.ProceduralPowerScheme, BKG.ProceduralPower, "procedural-power"),
    "co-operation": (BKG.CooperationMeasureScheme, BKG.CooperationMeasure, "co-operation"),
}
LANGUAGES = {"en": "ENG", "fr": "FRA"}
EU_LANGUAGE = "http://publications.europa.eu/resource/authority/language/"


def concept_iri(unit: Unit) -> URIRef:
    return ID[f"concept/{SCHEME[unit.category][2]}/{slug(unit.heading_en)}"]


def clause_iri(clause: Clause) -> URIRef:
    return URIRef(f"{treaty_iri(clause.treaty)}/{clause.kind}-clause/{slug(clause.provision)}")


def map_texts(texts: Texts, titles: dict[str, dict[str, str]], out: Mapped, in_force: dict | None = None,
              participations: set[tuple[str, str]] | None = None) -> None:  # fmt: skip
    """Map everything read by texts.read_texts; titles gives each treaty's title per language, in_force
    the day each treaty entered into force (its norms are valid from then), participations the
    (treaty, party) pairs that have acts."""
    in_force = in_force or {}
    languages = {f.treaty: f for f in texts.facts if f.fact == "authentic_languages"}
    for code, by_language in titles.items():
        map_expressions(code, by_language, languages.get(code), out)
    for unit in texts.units:
        map_unit(unit, out)
    safeguards: dict[str, list[URIRef]] = {}
    for unit in texts.units:
        if unit.unit == "article" and unit.category == "safeguards" and unit.obligation in ("yes", "mixed"):
            safeguards.setdefault(unit.treaty, []).append(obligation_iri(unit.treaty, unit.number))
    for unit in texts.units:
        map_norm(unit, safeguards.get(unit.treaty, []), out)
    actions = {(u.treaty, u.number): ACTION[u.category] for u in texts.units if establishes_norm(u)}
    for paragraph in texts.paragraphs:
        map_paragraph(paragraph, actions, out)
    map_bearers_and_validity(texts, in_force, out)
    for fact in texts.facts:
        map_fact(fact, out)
    for clause in texts.clauses:
        map_clause(clause, out)
    clauses = {(c.treaty, c.kind, c.provision): clause_iri(c) for c in texts.clauses}
    map_party_statements(texts.party_statements, clauses, participations or set(), out)


def map_bearers_and_validity(texts: Texts, in_force: dict, out: Mapped) -> None:
    """Each norm is borne by every Party of its treaty (the treaty's generated class of Parties) and is
    valid from the treaty's entry into force, when the sources give it."""
    norms = [(u.treaty, obligation_iri(u.treaty, u.number)) for u in texts.units if establishes_norm(u)]
    norms += [(p.treaty, obligation_iri(p.treaty, p.article, p.paragraph)) for p in texts.paragraphs]
    for treaty, node in norms:
        out.data.add((node, BKG.bearer, category_iri(treaty, "party")))
        if in_force.get(treaty):
            out.data.add((node, BKG.validFrom, date_literal(in_force[treaty])))


def map_expressions(code: str, by_language: dict[str, str], languages: TreatyFact | None, out: Mapped) -> None:
    """The English and French texts of a treaty, both authentic, as ELI legal expressions."""
    treaty = treaty_iri(code)
    for language, title in by_language.items():
        node = URIRef(f"{treaty}/text/{language}")
        out.data.add((node, RDF.type, BKG.TreatyText))
        out.data.add((node, ELI.realizes, treaty))
        out.data.add((node, ELI.language, URIRef(EU_LANGUAGE + LANGUAGES[language])))
        out.data.add((node, ELI.title, Literal(title, lang=language)))
        out.data.add((node, RDFS.label, Literal(f"{code}, {LANGUAGES[language]} text", lang="en")))
        record_provenance(
            node, "verified", f"authentic languages of {code}: see its treaty fact authentic_languages", out
        )


def map_unit(unit: Unit, out: Mapped) -> None:
    g = out.data
    node = unit_iri(unit.treaty, unit.path)
    parent = unit_iri(unit.treaty, unit.parent) if unit.parent else treaty_iri(unit.treaty)
    g.add((node, RDF.type, UNIT_CLASS[unit.unit]))
    g.add((node, ELI.is_part_of, parent))
    g.add((node, BKG.ofTreaty, treaty_iri(unit.treaty)))
    g.add((node, BKG.unitNumber, Literal(unit.number)))
    prefix = "Art." if unit.unit == "article" else unit.unit.capitalize()
    g.add((node, RDFS.label, Literal(f"{unit.treaty} {prefix} {unit.number}: {unit.heading_en}", lang="en")))
    g.add((node, BKG.heading, Literal(unit.heading_en, lang="en")))
    if unit.heading_fr:
        g.add((node, BKG.heading, Literal(unit.heading_fr, lang="fr")))
    if unit.category:
        g.add((node, BKG.category, CATEGORY[unit.category]))
    note = f"status in the source: {unit.status_detail}" if unit.status_detail != unit.status else ""
    record_provenance(node, unit.status, unit.source, out, note=note)


def map_norm(unit: Unit, safeguards: list[URIRef], out: Mapped) -> None:
    """The obligation ('shall', or mixed) or permission ('may') an article establishes, if of a binding kind."""
    if not establishes_norm(unit):
        return
    g = out.data
    node = obligation_iri(unit.treaty, unit.number)
    treaty = treaty_iri(unit.treaty)
    permissive = unit.obligation == "permissive"
    g.add((node, RDF.type, BKG.Permission if permissive else BKG.Obligation))
    g.add((treaty, BKG.grantsPermission if permissive else BKG.imposesObligation, node))
    g.add((node, BKG.establishedBy, article_iri(unit.treaty, unit.number)))
    g.add((node, BKG.requiresAction, ACTION[unit.category]))
    kind = "permission" if permissive else "obligation"
    g.add((node, RDFS.label, Literal(f"{unit.treaty} Art. {unit.number} {kind}: {unit.heading_en}", lang="en")))
    if unit.category == "procedural-power":
        for safeguard in safeguards:
            g.add((node, BKG.subjectToSafeguards, safeguard))
    if unit.conduct_or_power and unit.category in SCHEME:
        scheme, cls, _ = SCHEME[unit.category]
        concept = concept_iri(unit)
        g.add((node, BKG.concernsConduct, concept))
        g.add((concept, RDF.type, cls))
        g.add((concept, SKOS.inScheme, scheme))
        g.add((concept, SKOS.prefLabel, Literal(unit.conduct_or_power, lang="en")))
        g.add((concept, RDFS.label, Literal(unit.conduct_or_power, lang="en")))
        if unit.heading_fr:
            g.add((concept, SKOS.altLabel, Literal(unit.heading_fr, lang="fr")))
        record_provenance(concept, unit.status, unit.source, out, note=f"from {unit.treaty} Art. {unit.number}")
    record_provenance(
        node, unit.status, unit.source, out, note=f"derived from the article's row: obligation={unit.obligation}"
    )


def map_fact(fact: TreatyFact, out: Mapped) -> None:
    g = out.data
    treaty = treaty_iri(fact.treaty)
    node = URIRef(f"{treaty}/fact/{slug(fact.fact)}")
    g.add((node, RDF.type, BKG.TreatyFact))
    g.add((treaty, BKG.hasFact, node))
    g.add((node, BKG.factKind, Literal(fact.fact)))
    g.add((node, RDF.value, Literal(fact.value)))
    g.add((node, RDFS.label, Literal(f"{fact.treaty}: {fact.fact.replace('_', ' ')}", lang="en")))
    note = f"status in the source: {fact.status_detail}" if fact.status_detail != fact.status else ""
    record_provenance(node, fact.status, fact.source, out, note=note)


def map_clause(clause: Clause, out: Mapped) -> None:
    g = out.data
    node = clause_iri(clause)
    g.add((node, RDF.type, BKG.ReservationClause if clause.kind == "reservation" else BKG.DeclarationClause))
    g.add((node, BKG.clauseOf, treaty_iri(clause.treaty)))
    g.add((node, BKG.provisionReference, Literal(clause.provision)))
    g.add((node, RDFS.label, Literal(f"{clause.treaty} {clause.kind} under {clause.provision}", lang="en")))
    g.add((node, DCTERMS.description, Literal(clause.description, lang="en")))
    for treaty, number in clause.articles:
        g.add((node, BKG.concernsArticle, article_iri(treaty, number)))
    granting = re.match(r"Art\. (\d+)", clause.granted_by)
    if granting:
        g.add((node, BKG.permittedBy, article_iri(clause.treaty, granting.group(1))))
    record_provenance(node, clause.status, clause.source, out)
