"""What one message says should happen next: the follow-up signals read_signals returns.

Frozen values with no I/O behind them; the lead turns them into tasks, flags and suggestions.
Every signal carries `evidence`: the header or the words that gave it away, for the ledger.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Literal

IntentKind = Literal["not_now", "not_interested", "referral", "unsubscribe"]
CallStatus = Literal["missed", "voicemail"]


@dataclass(frozen=True)
class OutOfOffice:
    """An automatic "I am away" reply. `return_date` is the date the text names as the end of
    the absence (None when it names none, or one in the past or over 120 days out); `due` is
    the first working day after it, or seven days after the message when there is none."""

    return_date: date | None
    due: date
    language: str | None
    evidence: str


@dataclass(frozen=True)
class LeftCompany:
    """The sender's mailbox says its owner has left; maybe who to write to instead."""

    replacement_name: str | None
    replacement_email: str | None
    evidence: str


@dataclass(frozen=True)
class ReplyIntent:
    """What a person's own reply asks for. `due` is the start of the period a `not_now` names;
    None for `not_interested` (and a `not_now` without a period): the caller applies its
    default. `referral_*` name the person a `referral` points to."""

    kind: IntentKind
    due: date | None
    referral_name: str | None
    referral_email: str | None
    evidence: str


@dataclass(frozen=True)
class Bounce:
    """A delivery failure report about `address`. `hard`: the address itself is gone (unknown
    user, disabled mailbox); a full mailbox, a spam block or a delay is soft."""

    hard: bool
    address: str
    bounced_at: datetime
    status: str  # the enhanced status code, e.g. "5.1.1"; "" when the report gives none
    diagnostic: str


@dataclass(frozen=True)
class PhoneCall:
    """A missed-call or voicemail email from a phone system. `system` names the system (e.g.
    "ringcentral"): its sender is a machine, never a contact."""

    system: str
    status: CallStatus
    number_e164: str | None
    caller_name: str | None
    duration_s: int | None
    transcript: str | None
    evidence: str


Signal = OutOfOffice | LeftCompany | ReplyIntent | Bounce | PhoneCall
