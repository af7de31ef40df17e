"""Problem files: YAML to validated specs to domain objects."""
