"""budapest-kg: the knowledge graph of the Budapest Convention on Cybercrime and its protocols.

This package is the contract shared by the builder (``budapest_kg.graph_builder``) and the endpoint
(``budapest_kg.endpoint``) — namespaces and IRI minting, where resources live, the query catalogue
reader — and the command line, the one place where the two sides meet.
"""

__version__ = "0.2.0"
