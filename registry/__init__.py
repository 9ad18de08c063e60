"""The workflows, the HTTP API and the `accord` CLI."""
