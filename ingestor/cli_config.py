"""Which configuration a command runs with: `--config PATH`, else `$INGESTOR_CONFIG`.

Shared by the main CLI and the command groups it registers (web, auth), so none of them has
to import another's private helpers.
"""

from __future__ import annotations

import argparse
import os
from typing import TYPE_CHECKING

from ingestor.config import Settings, load_settings
from ingestor.errors import ConfigError

if TYPE_CHECKING:
    from sqlalchemy.orm import Session, sessionmaker


def settings_of(args: argparse.Namespace) -> Settings:
    """The settings named on the command line or in the environment; none is an error."""
    path = args.config or os.environ.get("INGESTOR_CONFIG")
    if not path:
        raise ConfigError(
            "ingestor", ["no configuration: pass --config PATH or set INGESTOR_CONFIG"]
        )
    return load_settings(path)


def open_sessions(settings: Settings) -> sessionmaker[Session]:
    """The configured store, migrated to the latest schema."""
    from ingestor.store.database import open_store

    return open_store(settings.store_url)
