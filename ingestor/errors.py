"""The error hierarchy: every error a user can cause or meet derives from IngestorError."""

from __future__ import annotations


class IngestorError(Exception):
    """Root of every expected error; the CLI turns these into one-line messages."""


class ConfigError(IngestorError):
    """The configuration is invalid; carries every problem found, not just the first."""

    def __init__(self, path: str, problems: list[str]) -> None:
        self.path = path
        self.problems = problems
        super().__init__("\n".join(f"{path}: {p}" for p in problems))


class SourceError(IngestorError):
    """A source could not be read: bad password, dead server, TLS failure, broken file."""

    def __init__(self, source: str, message: str, ref: str | None = None) -> None:
        self.source = source
        self.ref = ref
        where = f"{source} ({ref})" if ref else source
        super().__init__(f"source {where}: {message}")


class StoreError(IngestorError):
    """The database could not be opened or migrated."""
