"""Use cases: each runs in one transaction and is called alike by the API, the panel and the CLI."""
