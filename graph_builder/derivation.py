"""Derive from the acts, by each treaty's rules, what the tables do not state: bounds on unknown dates,
entries into force expected from deposits, the treaty's own entry into force, when denunciations take
effect, and each participation's periods and statuses on the status date.

Pure functions over the records of ``sources``; ``derived`` turns the result into triples. Every
disagreement between a recorded date and the rules is kept as a mismatch, which the build reports.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from .acts import Act, spells
from .sources import Membership, Sources, Treaty
from .timing import UNKNOWN, Delay, Window
from .treaty_rules import NOT_ADDITIONAL, TreatyRule

# The Council of Europe's treaties' rule where a table gives none (marked as such where used).
DEFAULT_DELAY = Delay(months=3, first_of_next_month=True)
KIND = {
    "ratification": "ratification", "acceptance": "acceptance", "approval": "approval", "accession": "accession",
    "definitive-signature": "definitive-signature", "consent": "unrecorded", "succession": "succession",
}  # fmt: skip


@dataclass
class ActDates:
    """What is known of an act's day, and of the day it takes effect, after applying the rules."""

    act: Act
    window: Window
    effect: Window | None = None  # consent: entry into force for the party; denunciation: effective day
    expected: Window | None = None  # entry into force: what the rule gives from the deposit


@dataclass
class Period:
    kind: str  # "contracting" or "party"
    number: int
    start: Window
    end: Window | None
    based_on: Act
    ended_by: Act | None


@dataclass
class ParticipationState:
    treaty: str
    party: str
    signed: Window | None = None
    consent_kind: str = ""
    periods: list[Period] = field(default_factory=list)
    statuses: set[str] = field(default_factory=set)


@dataclass
class TreatyEntry:
    """The treaty's own entry into force as the rule gives it from the consents."""

    code: str
    rule: TreatyRule | None
    derived: Window | None  # None: not in force by the rule (too few consents)
    certain: int  # consents certainly given by the status date
    possible: int  # consents possibly given by the status date
    recorded: bool = False  # whether the sources give the treaty's entry into force


@dataclass
class Mismatch:
    table: str
    line: int
    message: str

    def __str__(self) -> str:
        return f"{self.table}:{self.line}: {self.message}"


@dataclass
class Derivation:
    status_date: dt.date
    acts: dict[tuple[str, str, str, int], ActDates] = field(default_factory=dict)
    participations: list[ParticipationState] = field(default_factory=list)
    entries: dict[str, TreatyEntry] = field(default_factory=dict)
    mismatches: list[Mismatch] = field(default_factory=list)

    def dates(self, act: Act) -> ActDates:
        return self.acts[act.treaty, act.party, act.group, act.number]


def derive(sources: Sources, status_date: dt.date) -> Derivation:
    """Apply each treaty's rules to its acts, as of status_date."""
    out = Derivation(status_date)
    rules: dict[str, dict[str, TreatyRule]] = {}
    for rule in sources.rules:
        rules.setdefault(rule.treaty, {})[rule.rule] = rule
    members = MemberCheck(sources.memberships)
    by_treaty: dict[str, list[Act]] = {}
    for act in sources.acts:
        by_treaty.setdefault(act.treaty, []).append(act)
    # Parties that are international organisations (the EU): a regional-organisation clause leaves them uncounted.
    organisations = {o.ident for o in sources.organisations if o.kind == "international-organisation"}
    for treaty in sources.treaties:
        own_rules = rules.get(treaty.code, {})
        derive_treaty(treaty, by_treaty.get(treaty.code, []), own_rules, members, out, organisations)
    return out


def delay_of(rules: dict[str, TreatyRule], kind: str) -> Delay:
    rule = rules.get(kind)
    return rule.delay if rule and rule.delay else DEFAULT_DELAY


def derive_treaty(treaty: Treaty, acts: list[Act], rules: dict[str, TreatyRule], members, out: Derivation,
                  organisations: frozenset[str] | set[str] = frozenset()) -> None:  # fmt: skip
    recorded = treaty.entry_into_force
    for_party = delay_of(rules, "entry-into-force-for-party")
    own = spells(acts)
    for party_acts in own.values():
        bound_acts(treaty, party_acts, for_party, out)
    rule = rules.get("entry-into-force")
    entry = treaty_entry(treaty, counted_parties(own, rule, organisations), rule, members, out)
    entry.recorded = recorded is not None
    out.entries[treaty.code] = entry
    if recorded and entry.derived is not None and not entry.derived.contains(recorded):
        out.mismatches.append(
            Mismatch(
                "treaties.csv",
                treaty.line,
                f"{treaty.code} entered into force on {recorded} by the sources; "
                f"its rule gives {entry.derived} from the consents",
            )
        )
    in_force = Window.day(recorded) if recorded else entry.derived
    denunciation = delay_of(rules, "denunciation")
    # The States succeeded by another on this treaty, found once (per participation, it was quadratic in the States).
    succeeded = {a.predecessor for party_acts in own.values() for a in party_acts if a.treaty == treaty.code}
    for (code, party), party_acts in own.items():
        effects(party_acts, for_party, in_force, denunciation, out)
        out.participations.append(participation(code, party, party_acts, own, out, succeeded))


def bound_acts(treaty: Treaty, acts: list[Act], for_party: Delay, out: Derivation) -> None:
    """Each act's day within what the table, the opening of the treaty, the status date and the
    party's recorded entry into force allow."""
    signatures = [a for a in acts if a.group == "signature"]
    for act in acts:
        window = act.window
        if act.group in ("signature", "consent") and treaty.opened:
            window = window.intersect(Window(treaty.opened, None))
        if act.group != "entry-into-force":
            # A recorded act has happened; a day in the future is an error the checks report, kept as given.
            capped = window.intersect(Window(None, out.status_date))
            window = window if capped.is_empty else capped
        if act.act in ("ratification", "acceptance", "approval") and signatures and signatures[0].window.earliest:
            window = window.intersect(Window(signatures[0].window.earliest, None))
        out.acts[act.treaty, act.party, act.group, act.number] = ActDates(act, window)
    consents = [a for a in acts if a.group == "consent"]
    entries = [a for a in acts if a.group == "entry-into-force"]
    for consent, entry in zip(consents, entries, strict=False):
        recorded = entry.window.exact
        dates = out.dates(consent)
        if recorded is None or dates.window.exact:
            continue  # nothing to narrow; a known deposit is checked against its entry into force in effects()
        possible = deposits_for(recorded, treaty.entry_into_force, for_party)
        narrowed = dates.window.intersect(possible)
        if narrowed.is_empty:
            out.mismatches.append(
                Mismatch(
                    "acts.csv",
                    consent.line,
                    f"{consent.party} {consent.act} of {consent.treaty} dated "
                    f"{dates.window}, but its entry into force on {recorded} implies a deposit {possible}",
                )
            )
        else:
            dates.window = narrowed


def deposits_for(effect: dt.date, treaty_entry: dt.date | None, delay: Delay) -> Window:
    """The days a consent can have been deposited to enter into force for the party on `effect`.

    Before the treaty itself is in force, a consent takes effect with it: every deposit up to the
    last day that still makes the treaty's own date gives that date.
    """
    if treaty_entry is None or effect > treaty_entry:
        return delay.invert(effect)
    if effect == treaty_entry:
        return Window(None, delay.latest_done_by(treaty_entry))
    return Window(effect, effect - dt.timedelta(days=1))  # before the treaty's entry into force: impossible


def counted_parties(own: dict, rule: TreatyRule | None, organisations: frozenset[str] | set[str]) -> dict:
    """The parties whose consents the entry-into-force rule counts. Under the regional-organisation clause
    (UN Convention against Cybercrime Art. 65(1): an instrument of a regional economic integration organisation
    "shall not be counted as additional to those deposited by member States") an organisation's is not counted;
    such a treaty is open to States and those organisations only, so a party that is an organisation is one."""
    if rule is None or NOT_ADDITIONAL not in rule.conditions:
        return own
    return {key: acts for key, acts in own.items() if key[1] not in organisations}


def treaty_entry(treaty: Treaty, own: dict, rule: TreatyRule | None, members, out: Derivation) -> TreatyEntry:
    """The treaty's entry into force from the consents (each party's first), by the rule's numbers."""
    consents = []
    for party_acts in own.values():
        first = next((a for a in party_acts if a.group == "consent"), None)
        if first is not None:
            consents.append((out.dates(first).window, members.is_member(first.party, out.dates(first).window, treaty)))
    certain = sum(1 for w, _ in consents if w.latest and w.latest <= out.status_date)
    possible = sum(1 for w, _ in consents if w.earliest is None or w.earliest <= out.status_date)
    if rule is None or rule.consents is None:
        return TreatyEntry(treaty.code, rule, None, certain, possible)
    delay = rule.delay or DEFAULT_DELAY
    earliest = trigger([(w.earliest, m) for w, m in consents], rule)
    latest = trigger([(w.latest, m) for w, m in consents], rule)
    if earliest is None:
        return TreatyEntry(treaty.code, rule, None, certain, possible)
    derived = Window(delay.apply(earliest), delay.apply(latest) if latest else None)
    return TreatyEntry(treaty.code, rule, derived, certain, possible)


def trigger(days: list[tuple[dt.date | None, bool]], rule: TreatyRule) -> dt.date | None:
    """The first day on which the rule's number of consents (and of consents by members) is reached."""
    known = sorted((d, m) for d, m in days if d is not None)
    members = 0
    for count, (day, member) in enumerate(known, start=1):
        members += member
        if count >= rule.consents and members >= rule.member_consents:
            return day
    return None


class MemberCheck:
    """Whether a State was a member of the organisation a treaty was made under, on a day."""

    def __init__(self, memberships: list[Membership]):
        self.periods: dict[str, list[Membership]] = {}
        for membership in memberships:
            self.periods.setdefault(membership.iso3, []).append(membership)

    def on(self, iso3: str, day: dt.date) -> bool:
        return any(
            m.joined and m.joined <= day and (m.left is None or day < m.left) for m in self.periods.get(iso3, [])
        )

    def is_member(self, iso3: str, window: Window, treaty: Treaty) -> bool:
        """A member throughout the window (the Council of Europe is the only organisation with memberships here)."""
        if treaty.organisation != "council-of-europe":
            return False
        days = [d for d in (window.earliest, window.latest) if d]
        return bool(days) and all(self.on(iso3, d) for d in days)


def effects(acts: list[Act], for_party: Delay, in_force: Window | None, denunciation: Delay, out: Derivation) -> None:
    """When each consent takes effect (the entry into force for the party) and each denunciation."""
    consents = [a for a in acts if a.group == "consent"]
    entries = [a for a in acts if a.group == "entry-into-force"]
    for index, consent in enumerate(consents):
        dates = out.dates(consent)
        expected = expected_entry(dates.window, for_party, in_force)
        entry = entries[index] if index < len(entries) else None
        if entry is None:
            dates.effect = expected
            continue
        entry_dates = out.dates(entry)
        entry_dates.expected = expected
        recorded = entry.window
        if recorded.exact:
            if expected is not None and not expected.contains(recorded.exact):
                out.mismatches.append(
                    Mismatch(
                        "acts.csv",
                        entry.line,
                        f"entry into force for {entry.party} ({entry.treaty}) on "
                        f"{recorded.exact}; the rule gives {expected} from the deposit {dates.window}",
                    )
                )
            dates.effect = recorded
        else:
            # The table says the treaty is in force for the party (as of its source) without the day.
            known = (expected or UNKNOWN).intersect(recorded).intersect(Window(None, out.status_date))
            dates.effect = known if not known.is_empty else recorded
            entry_dates.window = dates.effect
    for act in acts:
        if act.group == "denunciation":
            dates = out.dates(act)
            dates.effect = denunciation.apply_window(dates.window)


def expected_entry(deposit: Window, delay: Delay, in_force: Window | None) -> Window | None:
    """The entry into force for a party that deposited within `deposit`: the rule's day, not before the
    treaty's own. None while the treaty is not (certainly) going to be in force."""
    if in_force is None:
        return None
    by_rule = delay.apply_window(deposit)
    earliest = (
        max(d for d in (by_rule.earliest, in_force.earliest) if d) if by_rule.earliest or in_force.earliest else None
    )
    latest = None
    if by_rule.latest and in_force.latest:
        latest = max(by_rule.latest, in_force.latest)
    return Window(earliest, latest)


def participation(
    treaty: str, party: str, acts: list[Act], own: dict, out: Derivation, succeeded: set | None = None
) -> ParticipationState:
    """The party's periods as Contracting Party and as Party, and its statuses on the status date."""
    state = ParticipationState(treaty, party)
    day = out.status_date
    signatures = [out.dates(a).window for a in acts if a.group == "signature"]
    successions = [a for a in acts if a.group == "succession"]
    for succession in successions:
        predecessor = own.get((treaty, succession.predecessor), [])
        signatures += [out.dates(a).window for a in predecessor if a.group == "signature"]
        state.statuses.add("successor")
    if signatures:
        state.signed = min(signatures, key=lambda w: w.earliest or dt.date.max)
        state.statuses.add("signatory")
    consents = [a for a in acts if a.group == "consent"]
    denunciations = [a for a in acts if a.group == "denunciation"]
    for number, consent in enumerate(consents, start=1):
        dates = out.dates(consent)
        ender = denunciations[number - 1] if number - 1 < len(denunciations) else None
        end = out.dates(ender).effect if ender else None
        state.periods.append(Period("contracting", number, dates.window, end, consent, ender))
        if dates.effect is not None and (dates.effect.earliest or dates.effect.latest):
            state.periods.append(Period("party", number, dates.effect, end, consent, ender))
        state.consent_kind = KIND[consent.act]
    contracting = any(holds(p, day) for p in state.periods if p.kind == "contracting")
    in_force = any(holds(p, day) for p in state.periods if p.kind == "party")
    if contracting:
        state.statuses.add("contracting")
    if in_force:
        state.statuses.add("party")
    elif contracting:
        state.statuses.add("awaiting-entry-into-force")
    if not in_force and any(p.end and p.end.latest and p.end.latest <= day for p in state.periods if p.kind == "party"):
        state.statuses.add("former-party")
    if any(a.group == "invitation-to-accede" for a in acts):
        state.statuses.add("invited")
    if succeeded is None:
        succeeded = {a.predecessor for other in own.values() for a in other if a.treaty == treaty}
    if party in succeeded:
        # A State that no longer exists: its successors carry its signature or consent, it does not.
        state.statuses = {"succeeded"}
    return state


def holds(period: Period, day: dt.date) -> bool:
    """Whether the period certainly covers day: it began by then and had not certainly ended."""
    began = period.start.latest is not None and period.start.latest <= day
    ended = period.end is not None and period.end.earliest is not None and period.end.earliest <= day
    return began and not ended
