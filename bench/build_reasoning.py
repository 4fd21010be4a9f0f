"""CPU time of the OWL RL closure at today's size, with each optimisation on or off.

Run from the project root:  .venv/bin/python bench/build_reasoning.py [--repeat 2]

CPU time of this process (time.process_time), not wall time, so that other jobs on a shared machine
move the numbers less. Not a test.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import owlrl
from budapest_kg.graph_builder import reasoning
from budapest_kg.graph_builder.build import Inputs, read_inputs
from budapest_kg.graph_builder.graphs import union
from budapest_kg.graph_builder.mapping import map_sources
from rdflib import Graph


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=2)
    args = parser.parse_args()
    sources, ontology = read_inputs(Inputs())
    data = map_sources(sources).data
    everything = union((ontology, data))
    selected = reasoning.select_for_reasoning(ontology, data)
    variants = (
        ("owlrl as it comes, whole graph (before)", everything, owlrl.OWLRL_Semantics, "default"),
        ("only the triples axioms can use", selected, owlrl.OWLRL_Semantics, "default"),
        ("no reflexive owl:sameAs", everything, reasoning._WithoutReflexiveSameAs, "default"),
        ("both", selected, reasoning._WithoutReflexiveSameAs, "default"),
        ("both, on SimpleMemory (the build now)", selected, reasoning._WithoutReflexiveSameAs, "SimpleMemory"),
    )
    print("| variant | triples given to owlrl | CPU seconds |")
    print("| --- | --- | --- |")
    for name, source, semantics, store in variants:
        times = []
        for _ in range(args.repeat):
            work = Graph(store=store)
            for triple in source:
                work.add(triple)
            start = time.process_time()
            reasoning.expand(work, semantics)
            times.append(time.process_time() - start)
        print(f"| {name} | {len(source)} | {' / '.join(f'{t:.2f}' for t in times)} |", flush=True)


if __name__ == "__main__":
    main()
