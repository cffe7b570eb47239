"""The [[sources]] table of `type = "maildir"` (read by maildir.py)."""

from __future__ import annotations

from typing import Annotated, Literal

from ingestor.configsource import SourceConfig
from ingestor.configtypes import Names, Text, local_path


class MaildirSourceConfig(SourceConfig):
    type: Literal["maildir"]
    path: Annotated[Text, local_path("directory")]  # relative to the config file
    folders: Names = ()  # default: the root (INBOX) and every .Folder
