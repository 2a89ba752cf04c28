"""Documents → records: the readers of planning documents and their language tables."""
