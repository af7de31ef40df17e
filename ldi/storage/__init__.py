"""Reading and writing files: confined safe reads, atomic writes and JSON-safe values."""
