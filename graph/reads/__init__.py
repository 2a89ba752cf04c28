"""Store → answers: the one read layer shared by the JSON API, the pages and the CLI."""
