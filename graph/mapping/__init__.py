"""Records → triples: the mapper and the reference data with its builders."""
