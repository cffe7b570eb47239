"""The [defaults] table, its bounds, and what a source table inherits from it.

A source inherits every value below that it does not set itself. Only `SOURCE_OVERRIDES` (and,
for calendar sources, `calendar_history`) may be set per source; the rest come from [defaults]
alone, as they always have.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Annotated

from pydantic import Field, PlainValidator, Strict

from ingestor.configsecrets import KeySpec
from ingestor.configtypes import (
    ConfigModel,
    FileContext,
    Flag,
    LowerNames,
    Region,
    between,
    days,
    duration,
    one_of,
    problem,
    size,
)

CONTACT_CREATION = ("all", "sent_only", "none")
MAX_PARSE_WORKERS = 16
MINUTE, HOUR, DAY = 60, 3600, 86400
GIB = 1024**3
MAX_POLL_INTERVAL = 7 * DAY
MAX_TIMEOUT = HOUR
MAX_LEASE_PERIOD = HOUR  # a dead instance's sources wait this long to be taken over
MAX_SIZE = GIB  # a message or a batch; bigger is a typo, or a memory blow-up
MAX_BATCH_MESSAGES = 100_000
MAX_PAST_DAYS = MAX_HISTORY_DAYS = 100 * 365
MAX_FUTURE_DAYS = 10 * 365

# Inherited values a source table may set for itself.
SOURCE_OVERRIDES = (
    "poll_interval",
    "phone_region",
    "contact_creation",
    "max_message_size",
    "timeout",
)
# Inherited values only [defaults] sets (calendar sources may also set calendar_history).
DEFAULTS_ONLY = (
    "batch_bytes",
    "batch_messages",
    "calendar_past_days",
    "calendar_future_days",
    "calendar_history_days",
)


# The types of the inherited values, shared by Defaults and SourceConfig.
PollInterval = Annotated[float, duration(MAX_POLL_INTERVAL)]
Timeout = Annotated[float, duration(MAX_TIMEOUT)]
Bytes = Annotated[int, size(MAX_SIZE)]
BatchMessages = Annotated[int, Strict(), between(1, MAX_BATCH_MESSAGES)]
PastDays = Annotated[int, Strict(), between(0, MAX_PAST_DAYS)]
FutureDays = Annotated[int, Strict(), between(0, MAX_FUTURE_DAYS)]
HistoryDays = Annotated[int, days(MAX_HISTORY_DAYS)]
ContactCreation = Annotated[str, Strict(), one_of(*CONTACT_CREATION)]


def _parse_workers(value: object) -> int | str:
    if value == "auto":
        return value
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= MAX_PARSE_WORKERS:
        raise problem(f'must be "auto" or 0 to {MAX_PARSE_WORKERS}, got {value!r}')
    return value


ParseWorkers = Annotated[int | str, PlainValidator(_parse_workers)]
LeasePeriod = Annotated[float, duration(MAX_LEASE_PERIOD)]
FollowupDays = Annotated[int, days(MAX_FUTURE_DAYS)]
HISTORY_KEY = "calendar_history"  # the file's name of calendar_history_days


class Defaults(ConfigModel):
    phone_region: Region = "US"
    internal_domains: LowerNames = ()
    contact_creation: ContactCreation = "all"
    poll_interval: PollInterval = 300.0
    blocklist: LowerNames = ()
    max_message_size: Bytes = 25 * 1024 * 1024
    batch_bytes: Bytes = 16 * 1024 * 1024
    batch_messages: BatchMessages = 500
    timeout: Timeout = 30.0
    calendar_past_days: PastDays = 365
    calendar_future_days: FutureDays = 180
    # How far back an infinite recurring series is expanded; `calendar_history = "3y"` in a file.
    calendar_history_days: HistoryDays = Field(default=3 * 365, validation_alias=HISTORY_KEY)
    parse_workers: ParseWorkers = "auto"  # one parser process on 2+ CPUs; 0: in-process
    lease_period: LeasePeriod = 60.0  # PostgreSQL: how long a source's lease holds unrenewed
    # A "not interested" (or "not now" without a time) reply: try again after this long.
    not_interested_after_days: FollowupDays = Field(
        default=90, validation_alias="not_interested_after"
    )
    # No interaction with a contact in a conversation for this long: a check-in task. 0 = off.
    check_in_after_days: FollowupDays = Field(default=0, validation_alias="check_in_after")
    # Keep each email's own words (its new text, up to 32 KB) for the message page; false keeps
    # the 240-character snippet only.
    store_bodies: Flag = True
    # Attached CVs and business cards are read into the candidate's profile.
    read_attachments: Flag = True
    ocr: Flag | None = None  # scans and card photos by tesseract; unset: on if it is installed
    store_attachments: Flag = False  # keep the files themselves, not only their fields


@dataclass(frozen=True)
class SourceContext(FileContext):
    """The context of a [[sources]] table: what it inherits, and where its OAuth token lives."""

    defaults: Defaults = field(default_factory=Defaults)
    key: KeySpec = field(default_factory=KeySpec)
    store_url: str = ""
