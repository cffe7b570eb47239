"""Cutting a person out of stored text: subjects, snippets, JSON payloads, calendar text.

Pure functions over `Needles` (a person's addresses, names and phone numbers), used by
store.forget on what is stored and by store.screen on what a sync brings in. A phone number
is matched by its digits with any separators between them ("+1 (415) 555-0199" for
+14155550199), an address or a name case-insensitively.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from ingestor.extractors.automated import _ROBOT_LOCAL_PART

CUT = "[removed]"
_SEPARATORS = r"[\s().\-/]*"
_MIN_DIGITS = 6  # shorter runs are dates and counts, not phone numbers
_MIN_NAME = 5  # "Li Na" is a full name; "A B" is not
_MIN_WORD = 8  # a one-word display name this long is cut too


@dataclass(frozen=True)
class Agency:
    """Who is on the agency's side of a conversation: the mailboxes' owners and the internal
    domains (with their subdomains). Everyone else, callers included, is outside."""

    owners: frozenset[str] = frozenset()
    domains: frozenset[str] = frozenset()

    def outside(self, address: str) -> bool:
        address = address.lower()
        if address.startswith("tel:"):
            return True
        if address in self.owners:
            return False
        parts = address.partition("@")[2].split(".")
        return not any(".".join(parts[i:]) in self.domains for i in range(len(parts)))

    def person(self, address: str, role: str | None) -> bool:
        """Whether a participant is a person outside the agency: not the agency, not a phone
        system that sent a voicemail ("sender" of a call), not a robot address."""
        if role == "sender" or not self.outside(address):
            return False
        return address.startswith("tel:") or not _ROBOT_LOCAL_PART.match(address.split("@")[0])


@dataclass(frozen=True)
class Needles:
    """What identifies one person in free text."""

    addresses: frozenset[str] = frozenset()
    names: frozenset[str] = frozenset()
    phones: frozenset[str] = frozenset()  # E.164
    _pattern: re.Pattern[str] | None = field(default=None, compare=False, repr=False)

    @classmethod
    def of(
        cls, addresses: Iterable[str], names: Iterable[str | None], phones: Iterable[str]
    ) -> Needles:
        addrs = frozenset(a.lower() for a in addresses if a and not a.startswith("tel:"))
        nums = frozenset(p for p in phones if p)
        nums |= {a[4:] for a in addresses if a and a.startswith("tel:")}
        kept = frozenset(n for n in (" ".join((x or "").split()) for x in names) if _name(n))
        parts = [re.escape(t) for t in sorted(addrs, key=len, reverse=True)]
        parts += [
            r"\s+".join(map(re.escape, n.split())) for n in sorted(kept, key=len, reverse=True)
        ]
        for number in sorted(nums):
            digits = re.sub(r"\D", "", number)
            for run in {digits, _national(number)}:
                if len(run) >= _MIN_DIGITS:
                    parts.append(r"\+?" + _SEPARATORS.join(run))
        pattern = re.compile("|".join(parts), re.IGNORECASE) if parts else None
        return cls(addrs, kept, nums, pattern)

    def __bool__(self) -> bool:
        return self._pattern is not None

    def cut(self, text: str | None) -> str | None:
        """`text` with every mention replaced by [removed]."""
        if text is None or self._pattern is None:
            return text
        return self._pattern.sub(CUT, text)

    def found_in(self, text: str | None) -> bool:
        return bool(text) and self._pattern is not None and bool(self._pattern.search(text or ""))

    def mentioned(self, value: Any) -> bool:
        """Whether a JSON value (dicts, lists, strings) mentions the person anywhere."""
        if isinstance(value, str):
            return self.found_in(value)
        if isinstance(value, dict):
            return any(self.mentioned(k) or self.mentioned(v) for k, v in value.items())
        if isinstance(value, list | tuple):
            return any(self.mentioned(v) for v in value)
        return False

    def scrub(self, value: Any) -> Any:
        """A JSON value with every mention cut from its strings (keys included)."""
        if isinstance(value, str):
            return self.cut(value)
        if isinstance(value, dict):
            return {self.cut(str(k)): self.scrub(v) for k, v in value.items()}
        if isinstance(value, list | tuple):
            return [self.scrub(v) for v in value]
        return value

    def scrub_ics(self, data: bytes) -> bytes:
        """Calendar text without the content lines naming the person (ATTENDEE, ORGANIZER,
        CONTACT, ...) and with their name cut from the rest (SUMMARY, DESCRIPTION)."""
        if self._pattern is None or not data:
            return data
        text = data.decode("utf-8", errors="replace")
        unfolded = re.sub(r"\r?\n[ \t]", "", text)
        kept: list[str] = []
        for line in unfolded.splitlines():
            name, _, _ = line.partition(":")
            prop = name.partition(";")[0].upper()
            if prop in ("ATTENDEE", "ORGANIZER", "CONTACT") and self.found_in(line):
                continue
            kept.append(self.cut(line) or "")
        return ("\r\n".join(kept) + "\r\n").encode("utf-8")


def _name(name: str) -> bool:
    """A name to cut everywhere: a full name ("Jane Doe"), or one word long enough not to be
    anyone's ("Zaragoza"); "Bob" or "Info" alone would cut other people's text."""
    return len(name) >= _MIN_NAME and (" " in name or len(name) >= _MIN_WORD)


def _national(number: str) -> str:
    """The digits after the country code, as people write them at home ("415 555 0199")."""
    import phonenumbers

    try:
        parsed = phonenumbers.parse(number, None)
    except phonenumbers.NumberParseException:
        return ""
    return str(parsed.national_number)
