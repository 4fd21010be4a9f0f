"""The budapest-kg command, run as a user runs it: a subprocess with exit codes and stderr."""

from __future__ import annotations

import json
import socket
import subprocess
import sys
import urllib.request

import pytest

from . import expected as ex
from .conftest import call_command
from .conftest import run_command as run
from .servers import free_port


@pytest.mark.parametrize("command", ["build", "validate", "serve", "query"])
def test_help_for_each_command(command):
    result = call_command(command, "--help")  # in this process: the subprocess tests below cover the entry point
    assert result.returncode == 0
    assert f"usage: budapest-kg {command}" in result.stdout


def test_unknown_command_is_a_usage_error():
    result = run("frobnicate")
    assert result.returncode == 2
    assert "invalid choice: 'frobnicate'" in result.stderr


def test_query_against_the_build_as_json(build_dir):
    result = run(
        "query", "--build-dir", str(build_dir), "--format", "json",
        "PREFIX bkg: <https://w3id.org/budapest-kg/ontology#> "
        "SELECT (COUNT(?s) AS ?n) WHERE { ?s bkg:isPartyTo <https://w3id.org/budapest-kg/id/treaty/ets-185> }",
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["results"]["bindings"][0]["n"]["value"] == str(len(ex.parties("ETS 185")))


def test_named_query_as_table(build_dir):
    result = run("query", "--build-dir", str(build_dir), "--name", "parties")
    assert result.returncode == 0, result.stderr
    assert "United States" in result.stdout
    assert result.stdout.rstrip().endswith(f"({len(ex.parties_today('ETS 185'))} rows)")


def test_malformed_query_exits_non_zero_with_the_parser_message(build_dir):
    result = run("query", "--build-dir", str(build_dir), "SELECT WHERE {")
    assert result.returncode == 1
    assert result.stderr.startswith("error: ")
    assert "Traceback" not in result.stderr


def test_validate_lists_every_problem_and_fails(project_copy):
    with open(project_copy / "data" / "acts.csv", "a", encoding="utf-8") as handle:
        handle.write("ETS 185,QQQ,accession,2020-01-01,,,,verified,src,,\n")
        handle.write("ETS 185,FRA,signature,2001-13-01,,,,verified,src,,\n")
    (project_copy / "ontology" / "extra.ttl").write_text("this is not turtle\n", encoding="utf-8")
    result = run("validate", env={"BKG_SOURCE_DIR": str(project_copy)})
    assert result.returncode == 1
    assert "unknown party 'QQQ'" in result.stderr
    assert "'2001-13-01' is not a valid date" in result.stderr
    assert "extra.ttl:1: broken Turtle" in result.stderr
    assert "Traceback" not in result.stderr


def test_build_failure_via_cli_keeps_previous_build(project_copy):
    env = {"BKG_SOURCE_DIR": str(project_copy), "BKG_BUILD_DIR": str(project_copy / "build")}
    assert run("build", env=env).returncode == 0
    graph = project_copy / "build" / "graph.nq"
    before = graph.read_bytes()
    with open(project_copy / "data" / "acts.csv", "a", encoding="utf-8") as handle:
        handle.write("broken,row\n")
    result = run("build", env=env)
    assert result.returncode == 1
    assert "acts.csv" in result.stderr
    assert "keeps the last good build" in result.stderr
    assert graph.read_bytes() == before


def serve_command(build_dir, port: int) -> list[str]:
    return [sys.executable, "-m", "budapest_kg", "serve", "--build-dir", str(build_dir), "--port", str(port)]


def test_serve_says_where_the_site_and_the_endpoint_are(build_dir):
    port = free_port()
    process = subprocess.Popen([*serve_command(build_dir, port), "--workers", "0"], stderr=subprocess.PIPE, text=True)
    try:
        lines = [process.stderr.readline() for _ in range(3)]
        assert f"the site:            http://127.0.0.1:{port}/\n" in lines[1]
        assert f"the SPARQL endpoint: http://127.0.0.1:{port}/sparql\n" in lines[2]
        with socket.create_connection(("127.0.0.1", port), timeout=30):
            pass
        request = urllib.request.Request(f"http://127.0.0.1:{port}/", headers={"Accept": "text/html"})
        with urllib.request.urlopen(request, timeout=30) as response:
            assert response.status == 200
    finally:
        process.terminate()
        process.wait(timeout=30)


def test_serve_on_a_busy_port_is_one_line_and_exit_2(build_dir):
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        result = run("serve", "--build-dir", str(build_dir), "--port", str(port), "--workers", "0")
    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert lines == [f"error: cannot listen on 127.0.0.1:{port}: Address already in use; choose another with --port"]
