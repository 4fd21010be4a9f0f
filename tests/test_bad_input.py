"""The new tables' bad input: each problem named with file:line by `validate`, and a failed build keeps
the last good one (one good build, then every kind of break at once)."""

from __future__ import annotations

import shutil

import pytest

from .conftest import copy_project
from .test_cli import run
from .test_sources import append


def replace_line(path, old: str, new: str) -> int:
    """Replace the line starting with old by new; return its line number."""
    lines = path.read_text(encoding="utf-8").splitlines()
    index = next(i for i, line in enumerate(lines) if line.startswith(old))
    lines[index] = new
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return index + 1


@pytest.fixture(scope="module")
def broken(tmp_path_factory, build_dir):
    """A copy of the project with a good build (the session's), broken in each of the issue's ways."""
    root = tmp_path_factory.mktemp("bad-input")
    copy_project(root)
    shutil.copytree(build_dir, root / "build")
    env = {"BKG_SOURCE_DIR": str(root), "BKG_BUILD_DIR": str(root / "build")}
    good = (root / "build" / "graph.nq").read_bytes()
    data = root / "data"
    lines = {
        "reversed": append(data / "acts.csv", "ETS 185,MEX,accession,,2024-06-30,2024-06-01,,verified,a source,,"),
        "unknown_party": append(data / "acts.csv", "ETS 185,ATLANTIS,accession,2024-06-01,,,,verified,a source,,"),
        "overlap": append(data / "coe_membership.csv", "GRC,1960-01-01,1962-01-01,verified,a source,"),
        "missing_number": replace_line(
            data / "treaty_rules.csv",
            "ETS 189,entry-into-force,",
            "ETS 189,entry-into-force,Art. 10(1),,,0,P3M,first-day-of-next-month,,verified,a source",
        ),
        "missing_period": replace_line(
            data / "treaty_rules.csv",
            "ETS 185,denunciation,",
            "ETS 185,denunciation,Art. 47(2),,,,,first-day-of-next-month,,verified,a source",
        ),
    }
    validate = run("validate", env=env)
    rebuild = run("build", env=env)
    return root, lines, validate, rebuild, good


@pytest.mark.parametrize(
    ("key", "where", "message"),
    [
        ("reversed", "acts.csv", "latest: earliest 2024-06-30 is after latest 2024-06-01"),
        ("unknown_party", "acts.csv", "party: unknown party 'ATLANTIS' (not in states.csv or organisations.csv)"),
        (
            "overlap",
            "coe_membership.csv",
            "joined: period from 1960-01-01 overlaps the period 1949-08-09 to 1969-12-12",
        ),
        ("missing_number", "treaty_rules.csv", "consents: a rule of entry-into-force needs its consents"),
        ("missing_period", "treaty_rules.csv", "period: a rule of denunciation needs its period"),
    ],
)
def test_validate_names_file_line_and_problem(broken, key, where, message):
    root, lines, validate, _, _ = broken
    assert validate.returncode == 1
    assert f"{root / 'data' / where}:{lines[key]}: {message}" in validate.stderr
    assert "Traceback" not in validate.stderr


def test_a_failed_build_keeps_the_last_good_build(broken):
    root, _, _, rebuild, good = broken
    assert rebuild.returncode == 1
    assert "keeps the last good build" in rebuild.stderr
    assert (root / "build" / "graph.nq").read_bytes() == good
