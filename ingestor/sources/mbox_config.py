"""The [[sources]] table of `type = "mbox"` (read by mbox.py)."""

from __future__ import annotations

from typing import Annotated, Literal

from ingestor.configsource import SourceConfig
from ingestor.configtypes import Text, local_path


class MboxSourceConfig(SourceConfig):
    type: Literal["mbox"]
    path: Annotated[Text, local_path("file")]  # relative to the config file
