"""One-off curation of the researched source tables into the project's own tables in data/.

Kept for the record: it shows how each curated row and its verification status were derived from
the researched tables. The curated tables in data/ are the source of truth from then on; edit them
directly, not this script's output. Run from the repository root:

    python data/curation/curate.py SOURCES_DIR   (the folder of researched source tables)
"""

from __future__ import annotations

import csv
import re
import sys
from pathlib import Path

TREATIES = {"185": "ETS 185", "189": "ETS 189", "224": "CETS 224"}
PREFIX = re.compile(r"^\s*([A-Za-z+ ]{2,30}?)(?: (?:\d{4}-\d{2}-\d{2}|also|CORRECTED[^:]*|\(date inferred\)))?\s*:")
KEYWORDS = {
    "sig": "signature",
    "rat": "consent",
    "acc": "consent",
    "acceptance": "consent",
    "consent": "consent",
    "party": "consent",
    "party status": "consent",
    "believed party": "consent",
    "eif": "entry-into-force",
    "all fields": "all",
}


def split_segments(text: str) -> list[tuple[set[str], str]]:
    """Split a source cell into segments tagged with the acts they support ('sig+rat: ...')."""
    segments: list[tuple[set[str], str]] = []
    current: set[str] = set()
    depth = 0
    start = 0
    parts = []
    for i, ch in enumerate(text):
        if ch == "(":
            depth += 1
        elif ch == ")":
            depth = max(0, depth - 1)
        elif ch == ";" and depth == 0:
            parts.append(text[start:i])
            start = i + 1
    parts.append(text[start:])
    for part in parts:
        part = part.strip()
        if not part:
            continue
        match = PREFIX.match(part)
        tags: set[str] = set()
        if match:
            for token in re.split(r"[+ ]", match.group(1).strip().lower()):
                if token in KEYWORDS:
                    tags.add(KEYWORDS[token])
            if match.group(1).strip().lower() in KEYWORDS:
                tags.add(KEYWORDS[match.group(1).strip().lower()])
        if tags:
            current = tags
        segments.append((set(current), part))
    return segments


def act_evidence(text: str, act: str) -> str:
    segments = split_segments(text)
    chosen = [s for tags, s in segments if act in tags or "all" in tags]
    if not any(tags for tags, _ in segments):
        chosen = [s for _, s in segments]
    return "; ".join(chosen)


DAY_DOUBT = re.compile(r"day UNVERIFIED-RECALL(?: \(CoE chart value recalled\))?")


def status_of(evidence: str, act: str) -> str:
    if act == "entry-into-force" and "implied by the verified EIF" in evidence:
        # "day UNVERIFIED-RECALL" in such a cell doubts the day of the deposit, which the source
        # infers from the entry into force it saw; the entry into force itself is verified.
        evidence = DAY_DOUBT.sub("", evidence)
    if "UNVERIFIED" in evidence or "UNCERTAIN" in evidence or "from memory" in evidence:
        return "unverified"
    if act == "entry-into-force" and "EIF computed" in evidence:
        return "derived"
    if "(date inferred)" in evidence or "year inferred" in evidence:
        return "unverified"
    return "verified"


def make_row(code: str, src: dict[str, str], act: str, date: str, evidence_act: str, note: str) -> dict[str, str]:
    text = src["source"].strip()
    evidence = act_evidence(text, evidence_act) or text
    return {
        "treaty": code,
        "party": src["iso3"].strip(),
        "act": act,
        "date": date,
        "earliest": "",
        "latest": "",
        "predecessor": "",
        "status": status_of(evidence, evidence_act),
        "source": evidence,
        "source_as_of": src["source_as_of"].strip(),
        "note": note,
    }


def curate_acts(sources: Path) -> list[dict[str, str]]:
    rows = []
    for number, code in TREATIES.items():
        with open(sources / f"parties_{number}.csv", newline="", encoding="utf-8") as handle:
            for src in csv.DictReader(handle):
                kind = src["consent_kind"].strip()
                consent = src["consent_date"].strip()
                eif = src["entry_into_force_date"].strip()
                signed = src["signature_date"].strip()
                has_consent = bool(kind or consent)

                def add(act: str, date: str, evidence_act: str, note: str = "", src=src, code=code) -> None:
                    rows.append(make_row(code, src, act, date, evidence_act, note))

                if signed or not has_consent:
                    add("signature", signed, "signature")
                elif kind in ("ratification", "acceptance", "approval"):
                    add(
                        "signature",
                        "",
                        "signature",
                        note=f"a {kind} presupposes a signature; its date is not in the sources",
                    )
                if has_consent:
                    act = kind if kind in ("ratification", "acceptance", "approval", "accession") else "consent"
                    note = "kind of consent not known" if act == "consent" else ""
                    add(act, consent, "consent", note)
                if eif or (has_consent and code != "CETS 224"):
                    note = "" if eif else "in force for the State per the source; date not found"
                    add("entry-into-force", eif, "entry-into-force", note)
    return rows


def curate_states(sources: Path) -> list[dict[str, str]]:
    names: dict[str, str] = {}
    for number in TREATIES:
        with open(sources / f"parties_{number}.csv", newline="", encoding="utf-8") as handle:
            for src in csv.DictReader(handle):
                names.setdefault(src["iso3"].strip(), src["state"].strip())
    with open(sources / "coe_members.csv", newline="", encoding="utf-8") as handle:
        for src in csv.DictReader(handle):
            names.setdefault(src["iso3"].strip(), src["state"].strip())
    names.setdefault("RUS", "Russian Federation")
    return [{"iso3": code, "name": name} for code, name in sorted(names.items())]


def curate_membership(sources: Path) -> list[dict[str, str]]:
    rows = []
    with open(sources / "coe_members.csv", newline="", encoding="utf-8") as handle:
        for src in csv.DictReader(handle):
            text = src["source"].strip()
            rows.append(
                {
                    "iso3": src["iso3"].strip(),
                    "joined": src["joined_date"].strip(),
                    "left": "",
                    "status": "verified",
                    "source": text,
                    "note": "joining date differs by source (see source)" if "CONFLICT" in text else "",
                }
            )
    rows.append(
        {
            "iso3": "RUS",
            "joined": "1996-02-28",
            "left": "2022-03-16",
            "status": "unverified",
            "source": "UNVERIFIED-RECALL: no source seen; dates recalled (joined 28 Feb 1996; ceased 16 Mar 2022 "
            "by Committee of Ministers Resolution CM/Res(2022)2) - verify at https://www.coe.int/en/web/portal/russian-federation",
            "note": "expelled from the Council of Europe in 2022",
        }
    )
    return sorted(rows, key=lambda r: r["iso3"])


def write(path: Path, rows: list[dict[str, str]]) -> None:
    with open(path, "w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]), lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)


def main(argv: list[str]) -> None:
    if len(argv) != 2:
        sys.exit(f"usage: {argv[0]} SOURCES_DIR (the folder of researched source tables)")
    sources = Path(argv[1])
    out = Path("data")
    write(out / "acts.csv", curate_acts(sources))
    write(out / "states.csv", curate_states(sources))
    write(out / "coe_membership.csv", curate_membership(sources))


if __name__ == "__main__":
    main(sys.argv)
