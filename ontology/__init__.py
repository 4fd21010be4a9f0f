"""The OWL ontology, SHACL shapes and rules, shipped in the package as budapest_kg.ontology."""
