"""ingestor: turns recruiters' mailboxes and calendars into contacts and interactions."""

__version__ = "0.1.0"
