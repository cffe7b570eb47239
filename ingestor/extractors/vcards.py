"""A vCard 3.0 or 4.0 (`.vcf`, text/vcard) → the card's fields, mapped one to one: FN/N, ORG,
TITLE, TEL with its types, EMAIL, ADR (city, country), URL, NOTE. Parsed by vobject; pure."""

from __future__ import annotations

from typing import Any

from ingestor.extractors.cvfields import CvFields, _place
from ingestor.extractors.phones import Phone, PhoneType, find_phones

MAX_CARDS = 5


class VCardError(ValueError):
    """Not a vCard vobject can read."""


def vcard_fields(text: str, default_region: str) -> list[CvFields]:
    import vobject

    try:
        cards = []
        for i, card in enumerate(vobject.readComponents(text, ignoreUnreadable=True)):
            if i >= MAX_CARDS:
                break
            if getattr(card, "name", "").upper() == "VCARD":
                cards.append(_fields(card, default_region))
    except Exception as e:  # vobject raises its own ParseError and plain ValueErrors
        raise VCardError(f"unreadable vCard: {type(e).__name__}") from None
    return cards


def _values(card: Any, key: str) -> list[Any]:
    return list(card.contents.get(key, []))


def _fields(card: Any, default_region: str) -> CvFields:
    name = None
    if _values(card, "fn"):
        name = str(_values(card, "fn")[0].value).strip() or None
    if name is None and _values(card, "n"):
        n = _values(card, "n")[0].value
        name = " ".join(x for x in (n.given, n.family) if x) or None
    city = country = None
    for adr in _values(card, "adr"):
        value = adr.value
        city, country = _place(", ".join(x for x in (value.city, value.country) if x))
        city = city or (value.city or None)
        break
    region = country or default_region
    phones: list[Phone] = []
    for tel in _values(card, "tel"):
        types = {t.lower() for t in tel.params.get("TYPE", []) for t in t.split(",")}
        kind: PhoneType = "fax" if "fax" in types else "mobile" if "cell" in types else "work"
        for p in find_phones(
            str(tel.value),
            sender_domain=None,
            default_region=region,
            in_signature=True,
            hint_regions=[region],
        )[:1]:
            phones.append(Phone(p.number, kind, str(tel.value), p.extension, p.confidence))
    org = _values(card, "org")
    company = None
    if org:
        value = org[0].value
        company = (value[0] if isinstance(value, list) else str(value)).strip() or None
    title = str(_values(card, "title")[0].value).strip() if _values(card, "title") else None
    urls = [str(u.value).strip() for u in _values(card, "url") if str(u.value).strip()]
    return CvFields(
        name=name,
        emails=[str(e.value).strip().lower() for e in _values(card, "email")][:5],
        phones=phones[:5],
        city=city,
        country=country,
        title=title or None,
        company=company,
        linkedin=next((u for u in urls if "linkedin.com" in u), None),
        urls=urls[:5],
    )
