"""What every [[sources]] table holds, and how it inherits from [defaults].

Each source type declares its own model next to its module (imap_config.py beside imap.py, and
so on); they all derive from SourceConfig here, and config.py joins them into one union
discriminated by `type`. These modules import no protocol library, so loading a config never
pulls in imapclient or httpx, and source modules can import their model without a cycle.
"""

from __future__ import annotations

from typing import Any

from pydantic import Field, ValidationInfo

from ingestor.configdefaults import (
    DEFAULTS_ONLY,
    HISTORY_KEY,
    SOURCE_OVERRIDES,
    BatchMessages,
    Bytes,
    ContactCreation,
    FutureDays,
    HistoryDays,
    PastDays,
    PollInterval,
    SourceContext,
    Timeout,
)
from ingestor.configtypes import ConfigModel, ExistingFile, Flag, LowerNames, Problem, Region, Text


class SourceConfig(ConfigModel):
    """The keys of every source type; the ones not set come from [defaults].

    In code (tests) a plain SourceConfig stands for a source with no settings of its own, such
    as the in-memory source.
    """

    name: Text  # unique; shown in logs, the ledger and `sync --source`
    type: Text
    owner_addresses: LowerNames = ()  # the mailbox owner's addresses: inbound vs outbound
    # Inherited from [defaults], may be set per source:
    poll_interval: PollInterval = 300.0
    phone_region: Region = "US"
    contact_creation: ContactCreation = "all"
    max_message_size: Bytes = 25 * 1024 * 1024
    timeout: Timeout = 30.0
    # Inherited from [defaults] only (calendar sources may set calendar_history too):
    batch_bytes: Bytes = 16 * 1024 * 1024
    batch_messages: BatchMessages = 500
    calendar_past_days: PastDays = 365
    calendar_future_days: FutureDays = 180
    calendar_history_days: HistoryDays = Field(default=3 * 365, validation_alias=HISTORY_KEY)

    not_in_file = frozenset(DEFAULTS_ONLY)

    @classmethod
    def unknown_key(cls, key: str) -> str:
        if key == HISTORY_KEY:
            return "unknown key for this source type; set it in [defaults] (or in caldav, ics)"
        if key in DEFAULTS_ONLY and key != "calendar_history_days":
            return "unknown key in [[sources]]; set it in [defaults]"
        return super().unknown_key(key)

    @classmethod
    def table_rules(cls, data: dict[str, Any], info: ValidationInfo) -> list[Problem]:
        if isinstance(info.context, SourceContext):
            inherit(data, info.context)
        return []


def inherit(data: dict[str, Any], ctx: SourceContext) -> None:
    """Fill in, from the already valid [defaults], every inherited value the table leaves out."""
    for key in (*SOURCE_OVERRIDES, *DEFAULTS_ONLY):
        if key not in data and not (key == "calendar_history_days" and HISTORY_KEY in data):
            data[key] = getattr(ctx.defaults, key)


class NetworkSourceConfig(SourceConfig):
    """A source reached over the network, through TLS unless told otherwise."""

    tls_verify: Flag = True  # verify the server's certificate
    ca_file: ExistingFile | None = None  # the CA (or self-signed certificate) to trust instead


# A calendar source may bound its own history of infinite series (calendar_history).
CALENDAR_NOT_IN_FILE = frozenset(DEFAULTS_ONLY) - {"calendar_history_days"}
