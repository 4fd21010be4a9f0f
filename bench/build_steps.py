"""Time each build step at today's size and on synthetic inputs 10x and 100x larger.

Run from the project root:

    .venv/bin/python bench/build_steps.py --scales 1 10 100 --naive-up-to 10 --write docs/build-performance.md

Each scale runs the real pipeline (make_graphs, then write_build) on CSVs from bench/synthetic_data.py
and the project's own ontology/ and queries/. --naive-up-to also times owlrl as it comes over the
whole graph (the closure before this optimisation) and checks that it infers the same triples, and
times pyshacl over the union (the shapes before they were compiled to SPARQL) and checks that it
reports the same rows as the compiled shapes on a copy of the union broken on purpose
(tests/shape_mutations.py).
Not a test: numbers depend on the machine and its load.
"""

from __future__ import annotations

import argparse
import os
import platform
import shutil
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from budapest_kg.graph_builder.build import Inputs, Staging, make_graphs, read_inputs, write_build  # noqa: E402
from budapest_kg.graph_builder.checks import (  # noqa: E402
    load_store,
    query_violations,
    validate_shapes,
    validate_with_pyshacl,
)
from budapest_kg.graph_builder.dataset import Dataset  # noqa: E402
from budapest_kg.graph_builder.graphs import union  # noqa: E402
from budapest_kg.graph_builder.mapping import map_sources  # noqa: E402
from budapest_kg.graph_builder.ontology import load_turtle  # noqa: E402
from budapest_kg.graph_builder.reasoning import owl_closure  # noqa: E402
from budapest_kg.graph_builder.shape_queries import compile_shapes, run_shape_queries  # noqa: E402
from synthetic_data import generate  # noqa: E402

from tests.shape_mutations import mutate, normalise  # noqa: E402

STEPS = ("read", "map", "derive", "reason", "rules", "checks", "stats", "write")
START, END = "<!-- bench:start -->", "<!-- bench:end -->"


def prepare(scale: int, folder: Path) -> tuple[Inputs, dict[str, int]]:
    counts = generate(ROOT / "data", folder / "data", scale)
    shutil.copytree(ROOT / "ontology", folder / "ontology")
    shutil.copytree(ROOT / "queries", folder / "queries")
    checks = folder / "queries" / "checks"
    inputs = Inputs(data_dir=folder / "data", ontology_dir=folder / "ontology", checks_dir=checks)
    return inputs, counts


def measure(scale: int, naive: bool) -> dict:
    with tempfile.TemporaryDirectory(prefix=f"bkg-bench-{scale}x-") as tmp:
        folder = Path(tmp)
        inputs, counts = prepare(scale, folder)
        # As build() does: the on-disk store loads on a thread from the end of the rules step on.
        staging = Staging(folder / "build")
        result = make_graphs(inputs, ready=staging.load_store)
        seconds = {"stats": 0.0} | dict(result.manifest["seconds"])  # stats: a step of its own since s4-build
        start = time.perf_counter()
        write_build(result, folder / "build", staging)
        seconds["write"] = round(time.perf_counter() - start, 3)
        graphs = list(result.graphs.values())
        # The checks' parts again, as the build runs them: the graphs loaded once into the store the
        # rules, checks and statistics share (a part of the rules step), the shapes and queries there.
        start = time.perf_counter()
        dataset = Dataset(result.ntriples)
        loading = time.perf_counter() - start
        store, default = dataset.store, dataset.union(dataset.graphs)
        start = time.perf_counter()
        validate_shapes(inputs.ontology_dir / "shapes", graphs, store, default)
        shapes = time.perf_counter() - start
        start = time.perf_counter()
        query_violations(inputs.checks_dir, store, default)
        queries = time.perf_counter() - start
        row = {"scale": scale, **counts, "quads": result.manifest["triples"], "seconds": seconds,
               "load": round(loading, 3), "shapes": round(shapes, 3), "queries": round(queries, 3)}  # fmt: skip
        if naive:
            row |= compare_shapes(inputs.ontology_dir / "shapes", union(graphs))
        sources, ontology = read_inputs(inputs)
        data = map_sources(sources).data
        # CPU seconds of this process: on a shared machine wall time also counts other jobs.
        start = time.process_time()
        focused = owl_closure(ontology, data)
        row["focused_cpu"] = round(time.process_time() - start, 3)
        row["reasoned"] = f"{len(focused)} from {len(ontology) + len(data)}"
        if naive:
            start = time.process_time()
            reference = owl_closure(ontology, data, focused=False)
            row["naive_cpu"] = round(time.process_time() - start, 3)
            row["same"] = set(reference) == set(focused)
        return row


def compare_shapes(shapes_dir: Path, everything) -> dict:
    """pyshacl alone over the union, and whether it reports what the compiled shapes report on a broken copy."""
    paths = sorted(shapes_dir.glob("*.ttl"))
    start = time.perf_counter()
    for path in paths:
        validate_with_pyshacl(path, load_turtle([path]), everything)
    pyshacl_seconds = time.perf_counter() - start
    same, broken_rows = True, 0
    for path in paths:
        shapes = load_turtle([path])
        broken = mutate(everything, shapes)
        expected = normalise(validate_with_pyshacl(path, shapes, broken))
        same = same and expected == normalise(run_shape_queries(load_store([broken]), compile_shapes(shapes)))
        broken_rows += len(expected)
    return {"pyshacl": round(pyshacl_seconds, 3), "same_shapes": same, "broken_rows": broken_rows}


def table(rows: list[dict]) -> str:
    head = "| scale | states | treaties | acts | quads | triples inferred | " + " | ".join(STEPS)
    head += " | total | checks: load / SHACL / SPARQL / pyshacl alone | same SHACL rows (broken copy)"
    head += " | reason, CPU s: as built / owlrl whole graph | same inferences |"
    lines = [head, "|" + " --- |" * (head.count("|") - 1)]
    for row in rows:
        steps = [f"{row['seconds'][step]:.2f}" for step in STEPS]
        total = sum(row["seconds"][step] for step in STEPS)
        naive = f"{row['naive_cpu']:.2f}" if "naive_cpu" in row else "not run"
        same = ("yes" if row["same"] else "NO") if "same" in row else "not run"
        pyshacl = f"{row['pyshacl']:.2f}" if "pyshacl" in row else "not run"
        if "same_shapes" in row:
            same_shapes = f"{'yes' if row['same_shapes'] else 'NO'} ({row['broken_rows']} rows)"
        else:
            same_shapes = "not run"
        lines.append(
            f"| {row['scale']}x | {row['states.csv']} | {row['treaties.csv']} | {row['acts.csv']} | {row['quads']} "
            f"| {row['reasoned']} | "
            + " | ".join(steps)
            + f" | {total:.2f} | {row['load']:.2f} / {row['shapes']:.2f} / {row['queries']:.2f} / {pyshacl}"
            + f" | {same_shapes}"
            + f" | {row['focused_cpu']:.2f} / {naive} | {same} |"
        )
    return "\n".join(lines)


def write_table(path: Path, text: str) -> None:
    content = path.read_text(encoding="utf-8")
    before, rest = content.split(START, 1)
    _, after = rest.split(END, 1)
    path.write_text(f"{before}{START}\n{text}\n{END}{after}", encoding="utf-8")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scales", type=int, nargs="+", default=[1, 10, 100])
    parser.add_argument("--naive-up-to", type=int, default=10, help="also time the naive closure up to this scale")
    parser.add_argument("--write", type=Path, help="replace the table between the bench markers in this file")
    args = parser.parse_args()
    rows = []
    load_before = " ".join(f"{x:.2f}" for x in os.getloadavg())
    for scale in args.scales:
        print(f"scale {scale}x ...", file=sys.stderr, flush=True)
        rows.append(measure(scale, naive=scale <= args.naive_up_to))
        print(table(rows[-1:]).splitlines()[-1], file=sys.stderr, flush=True)
    text = (
        table(rows)
        + f"\n\nMachine: {platform.python_implementation()} {platform.python_version()}, "
        + (f"{platform.machine()}; measured {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}; ")
        + "load average before / after: "
        + f"{load_before} / {' '.join(f'{x:.2f}' for x in os.getloadavg())}."
    )
    print(text)
    if args.write:
        write_table(args.write, text)


if __name__ == "__main__":
    main()
