"""Property values and participants read from icalendar components, safe against broken values.

icalendar hands back a vBroken, a list or a typed value depending on the input; these helpers
turn each into plain text, or None, and never raise on hostile values.
"""

from __future__ import annotations

import html
import re
from typing import Any, Literal

from icalendar import Component, vBroken

from ingestor.extractors.occurrences import Attendee

MAX_TEXT_CHARS = 1_000  # summary, location
MAX_NAME_CHARS = 200
MAX_ATTENDEES = 500
MAX_SCAN_CHARS = 200_000  # of a description searched for links and numbers


def first_value(component: Component, name: str) -> Any:
    value = component.get(name)
    if isinstance(value, list):
        return value[0] if value else None
    return value


def attr_of(prop: Any, name: str) -> Any:
    """prop.name, or None; a vBroken raises on any attribute it lacks instead."""
    return None if prop is None or isinstance(prop, vBroken) else getattr(prop, name, None)


def all_values(component: Component, name: str) -> list[Any]:
    value = component.get(name)
    if value is None:
        return []
    return value if isinstance(value, list) else [value]


def text_of(component: Component, name: str, cap: int = MAX_TEXT_CHARS) -> str | None:
    value = first_value(component, name)
    if value is None:
        return None
    if isinstance(value, str):  # vText and friends are str subclasses: already unescaped
        text = str(value).strip()
    else:
        text = value.to_ical().decode("utf-8", "replace").strip()
    return text[:cap] if text else None


_EMAIL = re.compile(
    r"^[^@\s<>()\[\],;:\"]{1,200}@[^@\s<>()\[\],;:\"]{1,250}\.[^@\s<>()\[\],;:\"]+$"
)


def _person(prop: Any, role: Literal["organizer", "attendee"]) -> Attendee | None:
    params = getattr(prop, "params", None) or {}
    if str(params.get("CUTYPE", "")).upper() in ("ROOM", "RESOURCE"):
        return None  # meeting rooms and projectors are not contacts
    value = str(prop).strip()
    email = value[7:] if value.lower().startswith("mailto:") else str(params.get("EMAIL", ""))
    email = email.strip().lower()
    if not _EMAIL.match(email):
        return None
    name = str(params.get("CN", "")).strip().strip('"').strip()[:MAX_NAME_CHARS] or None
    partstat = str(params.get("PARTSTAT", "")).strip().lower()
    return Attendee(
        email,
        None if name and name.lower() == email else name,
        role,
        partstat or ("accepted" if role == "organizer" else "needs-action"),
    )


def participants(
    organizer_from: Component, attendees_from: Component
) -> tuple[Attendee | None, list[Attendee], bool]:
    organizer = None
    org_prop = first_value(organizer_from, "ORGANIZER")
    if org_prop is not None:
        organizer = _person(org_prop, "organizer")
    attendees: dict[str, Attendee] = {}
    props = all_values(attendees_from, "ATTENDEE")
    for prop in props[: MAX_ATTENDEES * 2]:
        person = _person(prop, "attendee")
        if person is None or person.email in attendees:
            continue
        if organizer is not None and person.email == organizer.email:
            # The organizer listed as attendee carries the organizer's own PARTSTAT.
            if "PARTSTAT" in (getattr(prop, "params", None) or {}):
                organizer = Attendee(
                    organizer.email, organizer.name or person.name, "organizer", person.partstat
                )
            continue
        attendees[person.email] = person
    people = list(attendees.values())
    return organizer, people[:MAX_ATTENDEES], len(people) > MAX_ATTENDEES


def description_of(comp: Component) -> str | None:
    text = text_of(comp, "DESCRIPTION", MAX_SCAN_CHARS)
    if text is None:
        alt = text_of(comp, "X-ALT-DESC", MAX_SCAN_CHARS)
        if alt:
            text = html.unescape(re.sub(r"<[^>]{0,2000}>", " ", alt)).strip() or None
    return text
