"""Build the Budapest Convention knowledge graph: sources -> triples -> reasoning -> build/."""

__version__ = "0.1.0"
