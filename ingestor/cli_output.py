"""Tables printed by the CLI for people (the JSON exports are for programs)."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from ingestor.model import SyncSummary
from ingestor.store import queries
from ingestor.store.schema import Contact, Suggestion


def summary_line(s: SyncSummary) -> str:
    if not s.ok:
        return f"{s.source}: FAILED: {s.error}"
    return (
        f"{s.source}: ok: {s.seen} new, {s.ingested} ingested, {s.skipped} skipped, "
        f"{s.quarantined} quarantined, {s.duplicate} duplicate, {s.contacts_created} contacts created"
    )


def contacts_table(contacts: list[dict[str, Any]]) -> list[str]:
    lines = [f"{'ID':>4}  {'NAME':<24} {'EMAIL':<34} {'PHONE':<16} {'TITLE @ COMPANY':<44} LAST"]
    for c in contacts:
        role = " @ ".join(x for x in (c["title"], c["company"]) if x)
        phone = c["phones"][0]["number"] if c["phones"] else ""
        last = (c["last_interaction_at"] or "")[:10]
        lines.append(
            f"{c['id']:>4}  {(c['name'] or '-')[:24]:<24} {(c['emails'] or [''])[0][:34]:<34} "
            f"{phone:<16} {role[:44]:<44} {last}"
        )
    return lines


def interactions_table(interactions: list[dict[str, Any]], limit: int = 20) -> list[str]:
    lines = [f"{'WHEN (UTC)':<16} {'KIND':<8} {'STATUS':<10} {'SUBJECT':<50} WITH"]
    for i in interactions[:limit]:
        people = ", ".join(sorted({p["email"] for p in i["participants"] if p["contact_id"]}))
        status = i["direction"] if i["kind"] == "email" else i["status"]
        lines.append(
            f"{(i['occurred_at'] or '')[:16].replace('T', ' '):<16} {i['kind']:<8} {(status or '-'):<10} "
            f"{(i['subject'] or '')[:50]:<50} {people[:60]}"
        )
    if len(interactions) > limit:
        lines.append(f"… and {len(interactions) - limit} more (ingestor export --format json)")
    return lines


def split_by_time(
    interactions: list[dict[str, Any]], now: str
) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """(past, latest first), (upcoming, soonest first)."""
    ordered = sorted(interactions, key=lambda i: i["occurred_at"] or "")
    past = [i for i in ordered if (i["occurred_at"] or "") <= now]
    upcoming = [i for i in ordered if (i["occurred_at"] or "") > now]
    return past[::-1], upcoming


def suggestions_table(session: Session, limit: int = 15) -> list[str]:
    rows = session.execute(
        select(Suggestion, Contact.name)
        .join(Contact, Contact.id == Suggestion.contact_id)
        .where(Suggestion.status == "pending", Suggestion.kind != "new_contact")
        .order_by(Suggestion.id)
    ).all()
    created = session.scalar(
        select(func.count()).where(Suggestion.status == "pending", Suggestion.kind == "new_contact")
    )
    lines = [f"  {created} auto-created contacts to confirm"]
    for suggestion, name in rows[:limit]:
        lines.append(
            f"  {suggestion.kind:<12} {(name or '-')[:20]:<20} {suggestion.field or '':<8} "
            f"{(suggestion.old_value or '-')[:28]} -> {(suggestion.new_value or '')[:28]}"
            + ("  (likely job change)" if (suggestion.payload or {}).get("job_change") else "")
        )
    if len(rows) > limit:
        lines.append(f"  … and {len(rows) - limit} more")
    return lines


def print_demo(session: Session, summaries: list[SyncSummary], store_url: str) -> None:
    for s in summaries:
        print(summary_line(s))
    contacts = queries.contacts(session)
    past, upcoming = split_by_time(
        list(queries.interactions(session)), datetime.now(UTC).isoformat()
    )
    print(f"\nContacts ({len(contacts)}):")
    print("\n".join(contacts_table(contacts)))
    print(f"\nInteractions ({len(past)}, latest first):")
    print("\n".join(interactions_table(past)))
    print(f"\nUpcoming meetings ({len(upcoming)}):")
    print("\n".join(interactions_table(upcoming, limit=10)))
    print("\nPending suggestions for review:")
    print("\n".join(suggestions_table(session)))
    print(f"\nStore: {store_url}")


def print_web_login(url: str, username: str, password: str) -> None:
    print(f"\nReview UI: {url}  (Ctrl-C stops it)")
    print(f"Sign in as {username!r} with password {password!r}", flush=True)


def print_demo_config(path: Path, message_id: str | None) -> None:
    """How to use the demo's data with every other command."""
    print(f"\nThe demo's config is {path}; every command works on its data, e.g.:")
    if message_id:
        print(f"  ingestor --config {path} why '{message_id}'")
    print(f"  ingestor --config {path} contacts list")
