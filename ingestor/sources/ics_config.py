"""The [[sources]] table of `type = "ics"` (read by ics.py): a feed URL or a local file."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import ValidationInfo

from ingestor.configsource import CALENDAR_NOT_IN_FILE, NetworkSourceConfig
from ingestor.configtypes import Problem, Text, Url, local_path


class IcsSourceConfig(NetworkSourceConfig):
    type: Literal["ics"]
    url: Url | None = None
    path: Annotated[Text, local_path()] | None = None  # relative to the config file

    not_in_file = CALENDAR_NOT_IN_FILE

    @classmethod
    def table_rules(cls, data: dict[str, Any], info: ValidationInfo) -> list[Problem]:
        found = super().table_rules(data, info)
        if (data.get("url") is None) == (data.get("path") is None):
            found.append(((), "give exactly one of url or path"))
        return found
