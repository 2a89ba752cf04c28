"""Building the graph from documents and reference data (parser, mapper, store)."""
