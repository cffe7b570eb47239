"""What two contacts have in common, so a merge of two unrelated people is warned about. Pure.

Shared: a name word (folded: any script, umlauts, case), an address, an address's local part
("j.smith" at two employers), a company, a phone. Free-mail domains say nothing by themselves.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from ingestor.resolve.fuzzy import fold


@dataclass(frozen=True)
class Person:
    name: str | None
    emails: tuple[str, ...]
    company: str | None
    phones: tuple[str, ...]


def shared_traits(a: Person, b: Person) -> list[str]:
    """What `a` and `b` share, as short phrases; empty: nothing at all (warn before a merge)."""
    out = []
    common_words = _words(a.name) & _words(b.name)
    if common_words:
        out.append("name: " + ", ".join(sorted(common_words)))
    addresses = {e.lower() for e in a.emails} & {e.lower() for e in b.emails}
    locals_ = _locals(a.emails) & _locals(b.emails)
    if addresses:
        out.append("address: " + ", ".join(sorted(addresses)))
    elif locals_:
        out.append("address name: " + ", ".join(sorted(locals_)))
    if a.company and b.company and fold(a.company) == fold(b.company):
        out.append(f"company: {a.company}")
    phones = set(a.phones) & set(b.phones)
    if phones:
        out.append("phone: " + ", ".join(sorted(phones)))
    return out


def _words(name: str | None) -> set[str]:
    return {w for w in fold(name or "").replace(".", " ").split() if len(w) > 1}


def _locals(emails: Iterable[str]) -> set[str]:
    return {e.split("@", 1)[0].lower() for e in emails if "@" in e and len(e.split("@", 1)[0]) > 2}
