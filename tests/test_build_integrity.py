"""A build is served only as it was written; killed builds leave nothing behind; tables are read as
people save them (issue 16, holes 3, 8 and 9).

The builds broken here are copies of the session's build: no test rebuilds the graph to break it.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from budapest_kg.endpoint import create_app
from budapest_kg.endpoint.config import Config
from budapest_kg.endpoint.manifest import ManifestError
from budapest_kg.graph_builder.build import Inputs, build, clear_leftovers
from budapest_kg.graph_builder.freshness import why_stale
from budapest_kg.graph_builder.sources import DataError, read_sources

from budapest_kg import artefacts

from .conftest import copy_inputs

# "store table": the largest table of the on-disk store (build/store/*.sst), what the engine reads.
ARTEFACTS = ("graph.nq", "ontology.html", "ontology.ttl", "store table")


def artefact(build: Path, name: str) -> Path:
    if name == "store table":
        return max((build / "store").glob("*.sst"), key=lambda p: p.stat().st_size)
    return build / name


@pytest.fixture
def build_copy(build_dir, tmp_path) -> Path:
    """A copy of the session's build, to break."""
    copy = tmp_path / "build"
    shutil.copytree(build_dir, copy)
    return copy


def cut_at_a_line_end(path: Path) -> None:
    lines = path.read_bytes().splitlines(keepends=True)
    path.write_bytes(b"".join(lines[: len(lines) // 2]))


def empty(path: Path) -> None:
    path.write_bytes(b"")


def flip_a_byte(path: Path) -> None:
    data = bytearray(path.read_bytes())
    data[len(data) // 2] ^= 0xFF
    path.write_bytes(bytes(data))


def forge_a_quad(path: Path) -> None:
    with open(path, "ab") as handle:
        handle.write(
            b"<https://w3id.org/budapest-kg/id/state/ATL> <http://www.w3.org/2000/01/rdf-schema#label>"
            b' "Atlantis" <https://w3id.org/budapest-kg/graph/data> .\n'
        )


CORRUPTIONS = {
    "cut at a line end": cut_at_a_line_end,
    "emptied": empty,
    "a forged quad": forge_a_quad,
    "a byte flipped": flip_a_byte,
}


def test_the_manifest_records_every_artefact_as_written(build_dir):
    manifest = json.loads((build_dir / "manifest.json").read_text())
    recorded = manifest["artefacts"]
    # Every file, the store's too, but the manifest and RocksDB's diagnostic log and lock (no data).
    files = [p.relative_to(build_dir).as_posix() for p in build_dir.rglob("*") if p.is_file()]
    skipped = {"manifest.json", "store/LOCK"} | {f for f in files if f.startswith("store/LOG")}
    assert sorted(recorded) == sorted(set(files) - skipped)
    assert {"graph.nq", "ontology.html", "ontology.ttl", "store/CURRENT"} <= set(recorded)
    assert any(name.startswith("store/") and name.endswith(".sst") for name in recorded)
    for name, fingerprint in recorded.items():
        data = (build_dir / name).read_bytes()
        assert fingerprint["bytes"] == len(data)
        assert fingerprint["sha256"] == hashlib.sha256(data).hexdigest()
    assert artefacts.mismatches(build_dir, manifest) == []


@pytest.mark.parametrize("corrupt", CORRUPTIONS)
@pytest.mark.parametrize("name", ARTEFACTS)
def test_a_changed_artefact_is_never_served(build_copy, name, corrupt):
    path = artefact(build_copy, name)
    CORRUPTIONS[corrupt](path)
    name = path.relative_to(build_copy).as_posix()
    with pytest.raises(ManifestError) as caught:
        create_app(Config.load(build_dir=build_copy, workers=0))
    message = str(caught.value)
    assert message.startswith(f"{build_copy}: the build does not match its manifest (")
    assert f"{name} has " in message
    assert "it is not served: build it again" in message
    assert why_stale(build_copy).startswith("it does not match its manifest")


@pytest.mark.parametrize("name", ["graph.nq", "store table"])
def test_a_file_changed_after_it_was_verified_is_caught_by_the_next_check(build_copy, name):
    """A file verified once is not hashed again while unchanged; written since (same size, its modification
    time set back), the next check in the same process still finds it changed."""
    manifest = json.loads((build_copy / "manifest.json").read_text())
    assert artefacts.mismatches(build_copy, manifest) == []
    path = artefact(build_copy, name)
    before = path.stat()
    time.sleep(0.05)  # past the file system's clock tick: the write gets a change time of its own
    flip_a_byte(path)
    os.utime(path, ns=(before.st_atime_ns, before.st_mtime_ns))
    assert path.stat().st_size == before.st_size
    written = manifest["artefacts"][path.relative_to(build_copy).as_posix()]["sha256"]
    shown = artefacts.shown(path)
    assert artefacts.mismatches(build_copy, manifest) == [
        f"{shown} has SHA-256 {sha256_of(path)[:16]}…, the build wrote {written[:16]}…"
    ]


def sha256_of(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_a_missing_artefact_is_named(build_copy):
    (build_copy / "ontology.ttl").unlink()
    with pytest.raises(ManifestError, match=r"ontology\.ttl is missing"):
        create_app(Config.load(build_dir=build_copy, workers=0))


@pytest.mark.parametrize("command", [["serve"], ["query", "ASK {}"]], ids=["serve", "query"])
def test_a_corrupt_build_that_cannot_be_built_again_is_refused(build_copy, project_copy, command):
    """serve (and query) build again when the build does not match its manifest; when that build fails too,
    the corrupt one is still refused: a clear error, exit 1, nothing served or answered."""
    forge_a_quad(build_copy / "graph.nq")
    with open(project_copy / "data" / "acts.csv", "a", encoding="utf-8") as handle:
        handle.write("ETS 185,FRA,signature,not-a-date,verified,src,,\n")
    options = ["--build-dir", str(build_copy), "--source", str(project_copy)]
    result = subprocess.run(
        [sys.executable, "-m", "budapest_kg", *command[:1], *options, *command[1:]],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 1
    assert "must be built again (it does not match its manifest: graph.nq has" in result.stderr
    assert "acts.csv" in result.stderr  # why the new build failed
    assert "the build does not match its manifest" in result.stderr
    assert "it is not served" in result.stderr
    assert "serving" not in result.stderr
    assert "Traceback" not in result.stderr


@pytest.mark.parametrize("name", ["graph.nq", "store table"])
def test_a_worker_never_loads_a_graph_changed_after_the_start(build_copy, name):
    """A replacement worker loads the files the server verified at start, or nothing (never a mix of builds)."""
    app = create_app(Config.load(build_dir=build_copy, workers=1, timeout=60))
    pool = app.extensions["bkg_engine"].engine
    try:
        flip_a_byte(artefact(build_copy, name))
        with pytest.raises(Exception, match="no longer holds the files this server verified at start"):
            pool._await_ready(pool._start())
    finally:
        pool.close()


# Killed builds: what a SIGKILL leaves, made by hand, then a real kill.


def leftovers(parent: Path) -> list[str]:
    return sorted(p.name for p in parent.iterdir() if p.name.startswith("."))


def dead_pid() -> int:
    """The id of a process that has exited."""
    child = subprocess.Popen([sys.executable, "-c", "pass"])
    child.wait()
    return child.pid


def test_the_next_build_clears_what_killed_builds_left(build_copy):
    parent = build_copy.parent
    pid = dead_pid()
    for name in (f".build-new-{pid}-abc", f".build-old-{pid}", ".build-new-x1y2z3"):  # the last: older naming
        (parent / name).mkdir()
        (parent / name / "graph.nq").write_text("<a:b> <a:b> <a:b> .\n")
    running = parent / f".build-new-{os.getppid()}-abc"  # a build still running beside this one: kept
    running.mkdir()
    clear_leftovers(build_copy)
    assert leftovers(parent) == [running.name]
    assert why_stale(build_copy) is None  # the build itself untouched


def test_a_kill_between_the_two_moves_loses_nothing(build_copy):
    """Killed after moving the last good build aside and before moving the new one in: the next build
    brings the last good one back before anything else."""
    parent = build_copy.parent
    aside = parent / f".build-old-{dead_pid()}"
    os.replace(build_copy, aside)
    (parent / f".build-new-{dead_pid()}-xyz").mkdir()
    clear_leftovers(build_copy)
    assert leftovers(parent) == []
    assert artefacts.mismatches(build_copy, json.loads((build_copy / "manifest.json").read_text())) == []


STEPS = ("read", "map", "reason", "rules", "checks", "write")


def test_a_build_stopped_at_each_step_and_killed_while_writing_leaves_the_last_good_build(build_copy, project_copy):
    """A real build is paused at the start of each step, where the folder must hold the last good build,
    intact; then killed (SIGKILL) as it starts writing. Whatever the kill left, the next build's first act
    leaves exactly one intact build and nothing else. (The whole data: a cut acts.csv fails the checks.)"""
    good = json.loads((build_copy / "manifest.json").read_text())
    env = {**os.environ, "BKG_SOURCE_DIR": str(project_copy), "BKG_BUILD_DIR": str(build_copy)}
    process = subprocess.Popen(
        [sys.executable, "-m", "budapest_kg", "build"], stderr=subprocess.PIPE, text=True, env=env
    )
    seen = []
    try:
        for line in process.stderr:
            step = line.split(":", 1)[0].strip()
            if step not in STEPS or not line.rstrip().endswith("..."):
                continue
            seen.append(step)
            if step == "write":
                process.kill()
                break
            process.send_signal(signal.SIGSTOP)
            assert json.loads((build_copy / "manifest.json").read_text()) == good, step
            assert artefacts.mismatches(build_copy, good) == [], step
            process.send_signal(signal.SIGCONT)
    finally:
        process.kill()
        process.wait()
    assert seen == list(STEPS)
    clear_leftovers(build_copy)
    assert leftovers(build_copy.parent) == []
    manifest = json.loads((build_copy / "manifest.json").read_text())
    assert artefacts.mismatches(build_copy, manifest) == []  # the last good build, or the new one whole


def test_a_build_that_fails_clears_leftovers_too(build_copy, project_copy):
    (build_copy.parent / f".build-new-{dead_pid()}-abc").mkdir()
    with open(project_copy / "data" / "acts.csv", "a", encoding="utf-8") as handle:
        handle.write("broken,row\n")
    with pytest.raises(DataError):
        build(build_copy, copy_inputs(project_copy))
    assert leftovers(build_copy.parent) == []


# Tables as people save them.


def test_a_byte_that_is_not_utf8_is_reported_on_its_line_and_column(project_copy):
    acts = project_copy / "data" / "acts.csv"
    lines = acts.read_bytes().splitlines(keepends=True)
    bad_line = 7
    lines[bad_line - 1] = lines[bad_line - 1].replace(b",verified,", b",v\xe9rified,", 1)
    acts.write_bytes(b"".join(lines))
    with pytest.raises(DataError) as caught:
        read_sources(project_copy / "data")
    messages = [str(p) for p in caught.value.problems]
    assert any(f"acts.csv:{bad_line}: status: not UTF-8 text: byte 0xE9" in m for m in messages), messages
    assert not any("acts.csv:0:" in m for m in messages)


def test_a_utf8_byte_order_mark_is_accepted(project_copy):
    for name in ("acts.csv", "states.csv", "treaties.csv"):
        path = project_copy / "data" / name
        path.write_bytes(b"\xef\xbb\xbf" + path.read_bytes())
    with_bom = read_sources(project_copy / "data")
    plain = read_sources(Inputs().data_dir)
    assert with_bom.acts == plain.acts
    assert with_bom.states == plain.states
