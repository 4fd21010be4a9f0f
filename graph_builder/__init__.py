"""Build the Budapest Convention knowledge graph: sources -> triples -> reasoning -> build/."""
