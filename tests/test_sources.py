"""Bad input is reported with file:line, every problem at once; good input reads cleanly."""

from __future__ import annotations

import pytest
from budapest_kg.graph_builder.ontology import load_turtle
from budapest_kg.graph_builder.sources import DataError, read_sources


def append(path, text: str) -> int:
    """Append a line to path and return its line number."""
    content = path.read_text(encoding="utf-8")
    if not content.endswith("\n"):
        content += "\n"
    path.write_text(content + text + "\n", encoding="utf-8")
    return content.count("\n") + 1


def test_project_data_reads_without_problems(project_copy):
    sources = read_sources(project_copy / "data")
    assert {t.code for t in sources.treaties} == {"ETS 185", "ETS 189", "CETS 224", "UNTC XVIII-16"}
    assert len({s.iso3 for s in sources.states}) == len(sources.states)


def test_every_problem_is_reported_with_file_and_line(project_copy):
    acts = project_copy / "data" / "acts.csv"
    short = append(acts, "ETS 185,FRA,signature")
    unknown = append(acts, "ETS 185,XXZ,accession,2020-01-01,,,,verified,a source,,")
    impossible = append(acts, "ETS 189,CHN,signature,2021-02-30,,,,verified,a source,,")
    wrong_format = append(acts, "ETS 189,IND,signature,23/11/2001,,,,verified,a source,,")
    no_state = append(acts, "ETS 189,,accession,2020-01-01,,,,verified,a source,,")
    states = project_copy / "data" / "states.csv"
    append(states, "CHN,China")
    append(states, "IND,India")
    with pytest.raises(DataError) as caught:
        read_sources(project_copy / "data")
    messages = [str(p) for p in caught.value.problems]
    assert any(f"acts.csv:{short}: expected 11 fields, found 3" in m for m in messages)
    assert any(f"acts.csv:{unknown}: party: unknown party 'XXZ'" in m for m in messages)
    assert any(f"acts.csv:{impossible}: date: '2021-02-30' is not a valid date" in m for m in messages)
    assert any(f"acts.csv:{wrong_format}: date: '23/11/2001' is not a valid date" in m for m in messages)
    assert any(f"acts.csv:{no_state}: party: an act needs a party" in m for m in messages)


def test_unknown_iso_code_in_states_is_refused(project_copy):
    line = append(project_copy / "data" / "states.csv", "ZZZ,Nowhere")
    with pytest.raises(DataError) as caught:
        read_sources(project_copy / "data")
    assert [str(p).split("states.csv:")[1] for p in caught.value.problems] == [
        f"{line}: iso3: 'ZZZ' is not an ISO 3166-1 alpha-3 country code (nor a former one, ISO 3166-3)"
    ]


def test_duplicate_act_and_entry_into_force_before_consent(project_copy):
    acts = project_copy / "data" / "acts.csv"
    duplicate = append(acts, "ETS 185,FRA,ratification,2006-01-10,,,,verified,a source,,")
    append(project_copy / "data" / "states.csv", "CHN,China")
    append(acts, "CETS 224,CHN,accession,2022-05-20,,,,verified,a source,,")
    early = append(acts, "CETS 224,CHN,entry-into-force,2022-05-15,,,,verified,a source,,")
    with pytest.raises(DataError) as caught:
        read_sources(project_copy / "data")
    messages = [str(p) for p in caught.value.problems]
    assert any(
        f"acts.csv:{duplicate}: duplicate ratification of FRA for ETS 185 dated 2006-01-10" in m for m in messages
    )
    assert any(
        f"acts.csv:{early}: date: entry into force 2022-05-15 is before the consent 2022-05-20" in m for m in messages
    )


def test_broken_turtle_names_file_and_line(project_copy):
    broken = project_copy / "ontology" / "broken.ttl"
    broken.write_text('@prefix ex: <http://example.org/> .\nex:a ex:b ex:c .\nex:d ex:e "open\n', encoding="utf-8")
    with pytest.raises(DataError) as caught:
        load_turtle([broken])
    (problem,) = caught.value.problems
    assert str(problem).startswith(f"{broken}:3: broken Turtle")
