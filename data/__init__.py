"""Curated source tables, shipped in the package as budapest_kg.data (read with importlib.resources)."""
