"""Bad input in the new tables is reported with file:line, every problem at once, and the build refuses it."""

from __future__ import annotations

import pytest
from budapest_kg.graph_builder.build import build
from budapest_kg.graph_builder.sources import DataError, read_sources

from .conftest import copy_inputs
from .test_sources import append


def problems(data_dir) -> list[str]:
    with pytest.raises(DataError) as caught:
        read_sources(data_dir)
    return [str(p) for p in caught.value.problems]


def test_every_problem_in_every_new_table_is_reported_at_once(project_copy):
    data = project_copy / "data"
    lines = {
        "dup_article": append(data / "articles_185.csv", "ETS 185,article,2,Illegal access,,Chapter II / Section 1 / Title 1,offence,yes,illegal access,verified,,a source"),  # noqa: E501
        "unknown_treaty": append(data / "articles_189.csv", "ETS 999,article,99,Nothing,,Chapter I,offence,yes,,verified,,a source"),  # noqa: E501
        "bad_parent": append(data / "articles_224.csv", "CETS 224,article,26,Extra,,Chapter IX,final-clause,no,,verified,,a source"),  # noqa: E501
        "bad_category": append(data / "articles_224.csv", "CETS 224,article,27,Extra,,Chapter IV,sideways,no,,verified,,a source"),  # noqa: E501
        "dup_fact": append(data / "treaty_facts.csv", "ETS 185,authentic_languages,Latin,verified,,a source"),
        "bad_clause": append(data / "reservations_declarations.csv", "ETS 185,Art. 99(1),99,reservation,Art. 42,Nothing,a source,verified"),  # noqa: E501
        "no_state": append(data / "party_statements.csv", "CETS 224,,reservation,Art. 7(9)(a),2023-08-10,,a text,Art. 7,,verified,a source,,"),  # noqa: E501
        "unknown_clause": append(data / "party_statements.csv", "ETS 185,FRA,reservation,Art. 5(5),2006-01-10,,a text,,,verified,a source,,"),  # noqa: E501
        "unknown_norm": append(data / "party_statements.csv", "ETS 185,FRA,reservation,Art. 9(4),2006-01-10,,a text,Art. 9(9)(z),,verified,a source,,"),  # noqa: E501
        "bad_paragraph": append(data / "paragraphs.csv", "ETS 185,6,one,obligation,a summary,,verified,a source"),
        "bad_date": append(data / "statements.csv", "x-1,position,state/FRA,,FRA,ETS 185,,10/01/2006,supports,,Text,verified,a source,"),  # noqa: E501
        "unknown_state": append(data / "statements.csv", "x-2,position,state/XXZ,,,ETS 185,,,,,Text,verified,a source,"),  # noqa: E501
        "no_actor_name": append(data / "statements.csv", "x-3,public-statement,person/someone,,,ETS 185,,,,,Text,verified,a source,"),  # noqa: E501
        "unknown_related": append(data / "statements.csv", "x-4,position,state/FRA,,FRA,ETS 185,,2006,,nothing-here,Text,verified,a source,"),  # noqa: E501
        "dup_claim": append(data / "claims.csv", "seed-USA-16th,,treaty/ets-185,seed,16,16th,verified,seed,"),
        "lonely_conflict": append(data / "claims.csv", "c-1,only-one,state/FRA,seed,,Party,verified,seed,"),
        "about_unknown": append(data / "claims.csv", "c-2,,state/XXZ,seed,,Party,verified,seed,"),
        "bad_value": append(data / "claims.csv", "c-3,,state/FRA,seed,sixteen,Party,verified,seed,"),
        "bad_count": append(data / "published_counts.csv", "ETS 185,2015,47,parties,Someone,verified,a source,"),
    }  # fmt: skip
    messages = problems(data)
    want = {
        "dup_article": "articles_185.csv:{}: number: duplicate article 2 of ETS 185",
        "unknown_treaty": "articles_189.csv:{}: treaty: unknown treaty 'ETS 999'",
        "bad_parent": "articles_224.csv:{}: parent: parent 'chapter/IX' is not a unit of CETS 224",
        "bad_category": "articles_224.csv:{}: category: 'sideways' is not one of",
        "dup_fact": "treaty_facts.csv:{}: fact: duplicate fact authentic_languages of ETS 185",
        "bad_clause": "reservations_declarations.csv:{}: articles: no article 99 in ETS 185",
        "no_state": "party_statements.csv:{}: party: a statement needs a party",
        "unknown_clause": "party_statements.csv:{}: provision: no reservation clause 'Art. 5(5)' of ETS 185",
        "unknown_norm": "party_statements.csv:{}: excludes: 'Art. 9(9)(z)' is no norm of ETS 185",
        "bad_paragraph": "paragraphs.csv:{}: paragraph: 'one' is not a paragraph such as 1, 2(b) or 1(a)(i)",
        "bad_date": "statements.csv:{}: date: '10/01/2006' is not a date in the form YYYY, YYYY-MM or YYYY-MM-DD",
        "unknown_state": "statements.csv:{}: actor: unknown State 'XXZ'",
        "no_actor_name": "statements.csv:{}: actor_label: an organisation or person needs a name",
        "unknown_related": "statements.csv:{}: related: unknown statement 'nothing-here'",
        "dup_claim": "claims.csv:{}: claim: duplicate claim seed-USA-16th",
        "lonely_conflict": "claims.csv:{}: conflict: conflict only-one has only one claim",
        "about_unknown": "claims.csv:{}: about: unknown State 'XXZ'",
        "bad_value": "claims.csv:{}: value: 'sixteen' is not a whole number or a date YYYY-MM-DD",
        "bad_count": "published_counts.csv:{}: date: a published count needs its day or month",
    }
    for key, pattern in want.items():
        expected = pattern.format(lines[key])
        assert any(expected in m for m in messages), f"{key}: {expected!r} not in {messages}"


def test_acts_problems_all_at_once(project_copy):
    """Duplicate rows, unknown codes, consent without a State, entry into force before consent, wrong date format."""
    acts = project_copy / "data" / "acts.csv"
    duplicate = append(acts, "ETS 189,FRA,signature,2003-01-28,,,,verified,a source,,")
    unknown = append(acts, "ETS 185,QQQ,signature,2003-01-28,,,,verified,a source,,")
    no_state = append(acts, "ETS 185,,ratification,2003-01-28,,,,verified,a source,,")
    append(acts, "CETS 224,FRA,ratification,2024-05-01,,,,verified,a source,,")
    early = append(acts, "CETS 224,FRA,entry-into-force,2024-01-01,,,,verified,a source,,")
    wrong = append(acts, "ETS 185,MOZ,accession,1 May 2024,,,,verified,a source,,")
    reversed_window = append(acts, "ETS 185,MEX,accession,,2024-06-30,2024-06-01,,verified,a source,,")
    outside = append(acts, "ETS 185,KEN,accession,2024-07-15,2024-06-01,2024-06-30,,verified,a source,,")
    no_predecessor = append(acts, "ETS 185,KAZ,succession,,,,XXZ,verified,a source,,")
    before_opening = append(acts, "ETS 185,URY,signature,2001-01-01,,,,verified,a source,,")
    messages = problems(project_copy / "data")
    assert any(f"acts.csv:{duplicate}: duplicate signature of FRA for ETS 189" in m for m in messages)
    assert any(f"acts.csv:{unknown}: party: unknown party 'QQQ'" in m for m in messages)
    assert any(f"acts.csv:{no_state}: party: an act needs a party" in m for m in messages)
    assert any(
        f"acts.csv:{early}: date: entry into force 2024-01-01 is before the consent 2024-05-01" in m for m in messages
    )
    assert any(f"acts.csv:{wrong}: date: '1 May 2024' is not a valid date" in m for m in messages)
    assert any(
        f"acts.csv:{reversed_window}: latest: earliest 2024-06-30 is after latest 2024-06-01" in m for m in messages
    )
    assert any(f"acts.csv:{outside}: date: date 2024-07-15 is outside its bounds" in m for m in messages)
    assert any(f"acts.csv:{no_predecessor}: predecessor: a succession names its predecessor" in m for m in messages)
    assert any(f"acts.csv:{before_opening}: date: signature 2001-01-01 is before ETS 185 opened" in m for m in messages)


def test_the_build_refuses_to_publish_bad_new_tables(project_copy, tmp_path):
    append(project_copy / "data" / "statements.csv", "x-9,rumour,state/FRA,,FRA,ETS 185,,,,,Text,verified,a source,")
    out = tmp_path / "out"
    with pytest.raises(DataError) as caught:
        build(out, copy_inputs(project_copy))
    assert any("statements.csv" in str(p) and "'rumour' is not one of" in str(p) for p in caught.value.problems)
    assert not out.exists()
