"""The query catalogue (named .rq files) and checks, shipped in the package as budapest_kg.queries."""
