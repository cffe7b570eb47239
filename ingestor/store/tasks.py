"""Tasks: what the UI, the API, the CLI and the export read, and what a recruiter does to them.

Writing tasks from mail is the ingest's business (store/followups.py carries out the plan);
here a person closes, dismisses or snoozes them. Every function takes the transaction first.

"Open" as people see it is `open`, plus `snoozed` whose snooze has ended (snoozing moves the
due date to the snooze's end, so such a task is simply due then).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import ColumnElement, Select, and_, func, or_, select
from sqlalchemy.orm import Session

from ingestor.errors import IngestorError
from ingestor.store.schema import Contact, Interaction, Task

STATUSES = ("open", "done", "dismissed", "snoozed", "expired")
KINDS = ("follow_up", "call_back", "check_in")


class TaskError(IngestorError):
    """A task command that cannot be carried out (unknown task, already closed)."""


class NoSuchTask(TaskError):
    """The task id names no task (the API answers 404)."""


class TaskClosed(TaskError):
    """The task is done, dismissed or expired already (the API answers 409)."""


class BadSnooze(TaskError):
    """A snooze date that is not in the future (the API answers 400)."""


TITLES = {"follow_up": "Follow up with", "call_back": "Call back", "check_in": "Check in with"}


@dataclass(frozen=True)
class TaskRow:
    id: int
    contact_id: int
    contact_name: str | None
    kind: str
    reason: str
    due: date
    status: str
    interaction_id: int | None
    owner: str | None
    snoozed_until: date | None
    # The interaction it came from, for the UI (not part of the export shape).
    source_subject: str | None = None
    source_at: datetime | None = None

    @property
    def title(self) -> str:
        """What to do, naming the person: "Follow up with Jürgen Müller"."""
        who = self.contact_name or f"contact #{self.contact_id}"
        return f"{TITLES.get(self.kind, self.kind.replace('_', ' '))} {who}"

    def as_json(self) -> dict[str, Any]:
        """The export and API form (a contract: fields are only added)."""
        return {
            "id": self.id,
            "contact_id": self.contact_id,
            "kind": self.kind,
            "reason": self.reason,
            "due": self.due.isoformat(),
            "status": self.status,
            "interaction_id": self.interaction_id,
            "owner": self.owner,
        }


def list_tasks(
    tx: Session,
    status: str | None = None,
    due_before: date | None = None,
    contact_id: int | None = None,
    today: date | None = None,
    limit: int = 500,
) -> list[TaskRow]:
    """Tasks by due date. `status="open"` includes snoozed ones whose snooze ended by `today`."""
    q = select(Task, Contact.name).join(Contact, Contact.id == Task.contact_id)
    if status == "open" and today is not None:
        q = q.where(_open_by(today))
    elif status is not None:
        q = q.where(Task.status == status)
    if due_before is not None:
        q = q.where(Task.due < due_before)
    if contact_id is not None:
        q = q.where(Task.contact_id == contact_id)
    q = q.order_by(Task.due, Task.id).limit(limit)
    return [_row(t, name) for t, name in tx.execute(q)]


def all_tasks(tx: Session) -> list[dict[str, Any]]:
    """Every task, for the export."""
    return [_row(t, None).as_json() for t in tx.scalars(select(Task).order_by(Task.id))]


def done(tx: Session, task_id: int, actor: str, now: datetime) -> TaskRow:
    return _close(tx, task_id, "done", actor, now)


def dismiss(tx: Session, task_id: int, actor: str, now: datetime) -> TaskRow:
    return _close(tx, task_id, "dismissed", actor, now)


def snooze(tx: Session, task_id: int, until: date, actor: str, now: datetime) -> TaskRow:
    """Hide the task until `until`; it is open again (and due then) from that day."""
    task = _task(tx, task_id)
    if task.status not in ("open", "snoozed"):
        raise TaskClosed(f"task {task_id} is {task.status}; only open tasks can be snoozed")
    if until <= now.date():
        raise BadSnooze(f"snooze until {until.isoformat()}: that is not in the future")
    task.status, task.snoozed_until, task.due = "snoozed", until, until
    task.closed_by, task.closed_at = actor, now
    return _row(task, None)


def _close(tx: Session, task_id: int, status: str, actor: str, now: datetime) -> TaskRow:
    task = _task(tx, task_id)
    if task.status not in ("open", "snoozed", "expired"):
        raise TaskClosed(f"task {task_id} is already {task.status}")
    task.status, task.closed_by, task.closed_at = status, actor, now
    return _row(task, None)


def _task(tx: Session, task_id: int) -> Task:
    task = tx.get(Task, task_id)
    if task is None:
        raise NoSuchTask(f"no task {task_id}")
    return task


def _row(
    t: Task,
    contact_name: str | None,
    subject: str | None = None,
    occurred_at: datetime | None = None,
) -> TaskRow:
    return TaskRow(
        t.id,
        t.contact_id,
        contact_name,
        t.kind,
        t.reason,
        t.due,
        t.status,
        t.interaction_id,
        t.owner,
        t.snoozed_until,
        subject,
        occurred_at,
    )


def _open_by(today: date) -> ColumnElement[bool]:
    """Open as a person sees it on `today`: open, or snoozed until today or before."""
    return or_(
        Task.status == "open",
        and_(Task.status == "snoozed", Task.snoozed_until <= today),
    )


def _not_rejected() -> ColumnElement[bool]:
    """Not a task of a contact rejected as "not a contact": those wait, hidden, for a restore."""
    return Task.contact_id.not_in(select(Contact.id).where(Contact.status != "active"))


def _detailed() -> Select[Task, str | None, str | None, datetime]:
    """Tasks with their contact's name and the subject and time of the mail they came from."""
    return (
        select(Task, Contact.name, Interaction.subject, Interaction.occurred_at)
        .join(Contact, Contact.id == Task.contact_id)
        .outerjoin(Interaction, Interaction.id == Task.interaction_id)
    )


def _rows(tx: Session, q: Select[Task, str | None, str | None, datetime]) -> list[TaskRow]:
    return [_row(t, name, subject, at) for t, name, subject, at in tx.execute(q)]


def get_task(tx: Session, task_id: int) -> TaskRow | None:
    """One task with its contact's name and its source, or None."""
    found = _rows(tx, _detailed().where(Task.id == task_id))
    return found[0] if found else None


@dataclass(frozen=True)
class Board:
    """The /tasks page: open tasks by due date relative to `today`."""

    today: date
    overdue: list[TaskRow]
    due_today: list[TaskRow]
    upcoming: list[TaskRow]
    snoozed: int  # snoozed into the future: hidden until then
    total: int  # open tasks in all; more than the sections hold when over the limit
    owners: list[str]  # every mailbox owner with open or snoozed tasks, for the filter


def board(tx: Session, today: date, owner: str | None = None, limit: int = 500) -> Board:
    """Open tasks (snoozes ended by `today` included), oldest due first, in three sections."""
    # A rejected ("not a contact") contact's tasks wait, hidden, for its restore.
    q = _detailed().where(_open_by(today), Contact.status == "active")
    if owner:
        q = q.where(Task.owner == owner)
    rows = _rows(tx, q.order_by(Task.due, Task.id).limit(limit))
    total = len(rows)
    if total == limit:
        counted = select(func.count(Task.id)).where(_open_by(today), _not_rejected())
        total = tx.scalar(counted.where(Task.owner == owner) if owner else counted) or 0
    hidden = select(func.count(Task.id)).where(Task.status == "snoozed", Task.snoozed_until > today)
    if owner:
        hidden = hidden.where(Task.owner == owner)
    return Board(
        today,
        [r for r in rows if r.due < today],
        [r for r in rows if r.due == today],
        [r for r in rows if r.due > today],
        tx.scalar(hidden) or 0,
        total,
        task_owners(tx),
    )


def task_owners(tx: Session) -> list[str]:
    """The mailbox owners that open or snoozed tasks belong to."""
    owners = tx.scalars(
        select(Task.owner)
        .where(Task.status.in_(("open", "snoozed")), Task.owner.is_not(None))
        .distinct()
        .order_by(Task.owner)
    )
    return [o for o in owners if o]


def pending_tasks(
    tx: Session, contact_id: int | None = None, owner: str | None = None
) -> list[TaskRow]:
    """Open and snoozed tasks (each due on its due date, a snooze's end for snoozed ones), for
    a contact's page or a calendar feed; `owner` keeps one mailbox owner's."""
    q = _detailed().where(Task.status.in_(("open", "snoozed")))
    if contact_id is not None:
        q = q.where(Task.contact_id == contact_id)
    else:  # the feed: not the tasks of a rejected contact
        q = q.where(Contact.status == "active")
    if owner:
        q = q.where(Task.owner == owner)
    return _rows(tx, q.order_by(Task.due, Task.id))


def tasks_page(
    tx: Session,
    status: str | None,
    due_before: date | None,
    contact_id: int | None,
    after: int,
    limit: int,
    today: date,
) -> tuple[list[dict[str, Any]], bool]:
    """One page of tasks in id order (keyset, like the API's other lists), and whether more
    follow. `status="open"` is open as of `today` (see the module docstring); None is all."""
    q = select(Task).where(Task.id > after, _not_rejected())
    if status == "open":
        q = q.where(_open_by(today))
    elif status is not None:
        q = q.where(Task.status == status)
    if due_before is not None:
        q = q.where(Task.due < due_before)
    if contact_id is not None:
        q = q.where(Task.contact_id == contact_id)
    rows = list(tx.scalars(q.order_by(Task.id).limit(limit + 1)))
    return [_row(t, None).as_json() for t in rows[:limit]], len(rows) > limit
