"""The catalogue as a user meets it: over HTTP (Flask's test client) and through the budapest-kg command."""

from __future__ import annotations

import csv
import datetime as dt
import html
import io
import json
import subprocess
import urllib.parse
import xml.etree.ElementTree as ET

import pytest

from budapest_kg import resources

from .conftest import call_command
from .expected import Tables, query_metadata

SPARQL_RESULTS = "{http://www.w3.org/2005/sparql-results#}"


def get(site, path: str, accept: str | None = None) -> tuple[int, str, bytes]:
    answer = site.get(path, accept)
    return answer.status, answer.media, answer.body


def url(site, name: str, **params: str) -> str:
    return f"/queries/{name}" + ("?" + urllib.parse.urlencode(params) if params else "")


@pytest.fixture(scope="module")
def data() -> Tables:
    return Tables()


def test_catalogue_page_lists_every_query_with_its_description(client):
    status, media, body = get(client, "/queries", accept="text/html")
    assert (status, media) == (200, "text/html")
    page = body.decode("utf-8")
    text = html.unescape(page)
    for name, meta in query_metadata().items():
        assert f'href="/queries/{name}"' in page, name
        assert meta["description"] in text, name


def test_catalogue_as_json(client):
    status, media, body = get(client, "/queries?format=json")
    assert (status, media) == (200, "application/json")
    listed = {q["name"]: q for q in json.loads(body)["queries"]}
    metadata = query_metadata()
    assert set(listed) == set(metadata)
    for name, meta in metadata.items():
        assert listed[name]["summary"] == meta["summary"]
        assert listed[name]["url"] == f"/queries/{name}"
        assert listed[name]["sparql"] == (resources.PACKAGED.queries_dir / f"{name}.rq").read_text(encoding="utf-8")
    assert [p["name"] for p in listed["parties"]["params"]] == ["treaty", "date", "basis"]


def parse_rows(fmt: str, body: bytes) -> list[dict[str, str]]:
    text = body.decode("utf-8")
    if fmt == "json":
        return [{k: v["value"] for k, v in b.items()} for b in json.loads(text)["results"]["bindings"]]
    if fmt == "csv":
        return list(csv.DictReader(io.StringIO(text)))
    if fmt == "tsv":
        lines = text.splitlines()
        names = [n.lstrip("?") for n in lines[0].split("\t")]
        return [dict(zip(names, (v.strip('"') for v in line.split("\t")), strict=True)) for line in lines[1:]]
    root = ET.fromstring(body)
    return [
        {b.get("name"): "".join(b.itertext()) for b in result.iter(f"{SPARQL_RESULTS}binding")}
        for result in root.iter(f"{SPARQL_RESULTS}result")
    ]


@pytest.mark.parametrize(
    ("fmt", "media"),
    [
        ("json", "application/sparql-results+json"),
        ("xml", "application/sparql-results+xml"),
        ("csv", "text/csv"),
        ("tsv", "text/tab-separated-values"),
    ],
)
def test_parties_on_2010_in_every_result_format(client, data, fmt, media):
    expected = data.parties_on("185", dt.date(2010, 1, 1))
    for address, accept in (
        (url(client, "parties", treaty="185", date="2010-01-01", format=fmt), None),
        (url(client, "parties", treaty="185", date="2010-01-01"), media),
    ):
        status, got, body = get(client, address, accept)
        assert (status, got) == (200, media)
        rows = parse_rows(fmt, body)
        assert {r["iso3"] for r in rows} == expected


@pytest.mark.parametrize(
    ("params", "reason"),
    [
        ({"treaty": "185", "date": "2010-02-30"}, "parameter 'date': '2010-02-30' is not a date YYYY-MM-DD"),
        ({"treaty": "999"}, "parameter 'treaty': '999' is not one of 185, 189, 224"),
        ({"date": "yesterday"}, "parameter 'date': 'yesterday' is not a date"),
        ({"colour": "red"}, "unknown parameter(s) colour for 'parties'; accepted: basis, date, treaty"),
        ({"basis": "signature"}, "parameter 'basis': 'signature' is not one of in-force, consent"),
    ],
)
def test_bad_parameters_are_400_naming_the_parameter(client, params, reason):
    status, media, body = get(client, url(client, "parties", **params))
    assert status == 400
    assert media == "text/plain"
    assert reason in body.decode("utf-8")
    assert b"Traceback" not in body


def test_state_parameter_is_checked_against_the_graph(client, data):
    status, _, body = get(client, url(client, "state-profile", state="XKX"))
    assert status == 400
    assert "parameter 'state': 'XKX'" in body.decode()
    status, _, body = get(client, url(client, "state-profile"))
    assert status == 400
    assert "parameter 'state' is required" in body.decode()
    status, _, body = get(client, url(client, "state-profile", state="fra", format="json"))
    assert status == 200
    rows = parse_rows("json", body)
    expected = {(r["treaty"], r["act"]) for r in data.acts if r["party"] == "FRA"}
    found = {(r["treatyCode"], r["what"]) for r in rows if "treatyCode" in r and not r["what"].startswith("category:")}
    assert found == expected


def test_unknown_query_is_404_listing_the_known_ones(client):
    status, _, body = get(client, url(client, "no-such-query"))
    assert status == 404
    assert "no query named 'no-such-query'; known: " in body.decode()
    assert "parties-missing-protocol" in body.decode()


def test_graph_format_for_a_select_is_406(client):
    status, _, body = get(client, url(client, "parties", format="turtle"))
    assert status == 406
    assert "format=json" in body.decode()


@pytest.mark.parametrize("name", ["signatories-only", "parties-missing-protocol", "non-member-parties"])
def test_required_queries_answer_with_defaults(client, name):
    status, media, _ = get(client, url(client, name))
    assert (status, media) == (200, "application/sparql-results+json")


def run_cli(*args: str) -> subprocess.CompletedProcess:
    return call_command("query", *args)


def test_cli_runs_a_named_query_with_parameters(build_dir, data):
    result = run_cli(
        "--build-dir", str(build_dir), "--name", "non-member-parties",
        "--param", "treaty=185", "--param", "date=2015-06-30", "--format", "csv",
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    on = dt.date(2015, 6, 30)
    expected = data.parties_on("185", on) - data.members_on(on)
    assert {r["iso3"] for r in csv.DictReader(io.StringIO(result.stdout))} == expected


@pytest.mark.parametrize(
    ("args", "reason"),
    [
        (("--name", "parties", "--param", "date=2010-13-01"), "parameter 'date': '2010-13-01' is not a date"),
        (("--name", "parties", "--param", "treaty=18"), "parameter 'treaty': '18' is not one of 185, 189, 224"),
        (("--name", "parties", "--param", "treaty"), "--param 'treaty': expected key=value"),
        (("--name", "state-profile", "--param", "state=ZZZ"), "parameter 'state': 'ZZZ'"),
        (("--name", "nothing-here"), "no query named 'nothing-here'"),
        (("ASK {}", "--param", "a=1"), "--param goes with --name"),
    ],
)
def test_cli_bad_parameters_exit_2_naming_them(build_dir, args, reason):
    result = run_cli("--build-dir", str(build_dir), *args)
    assert result.returncode == 2
    assert reason in result.stderr
    assert "Traceback" not in result.stderr


def test_a_broken_query_file_stops_the_app_at_start(build_dir, tmp_path, monkeypatch):
    from budapest_kg.endpoint import create_app
    from budapest_kg.endpoint.config import Config

    from budapest_kg.catalogue import CatalogueError

    (tmp_path / "queries").mkdir()
    (tmp_path / "queries" / "broken.rq").write_text(
        "#+ summary: s\n#+ param: x | colour | red | c\nSELECT * WHERE { ?_x ?p ?o }\n"
    )
    monkeypatch.setenv("BKG_SOURCE_DIR", str(tmp_path))
    with pytest.raises(CatalogueError, match=r"broken\.rq:2: unknown parameter type 'colour'"):
        create_app(Config.load(build_dir=build_dir, workers=0))
