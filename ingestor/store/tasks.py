"""Tasks: what the UI, the API, the CLI and the export read, and what a recruiter does to them.

Writing tasks from mail is the ingest's business (store/followups.py carries out the plan);
here a person closes, dismisses or snoozes them. Every function takes the transaction first.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from ingestor.errors import IngestorError
from ingestor.store.schema import Contact, Task

STATUSES = ("open", "done", "dismissed", "snoozed", "expired")
KINDS = ("follow_up", "call_back", "check_in")


class TaskError(IngestorError):
    """A task command that cannot be carried out (unknown task, already closed)."""


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
        q = q.where(
            or_(
                Task.status == "open",
                (Task.status == "snoozed") & (Task.snoozed_until <= today),
            )
        )
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
        raise TaskError(f"task {task_id} is {task.status}; only open tasks can be snoozed")
    if until <= now.date():
        raise TaskError(f"snooze until {until.isoformat()}: that is not in the future")
    task.status, task.snoozed_until, task.due = "snoozed", until, until
    task.closed_by, task.closed_at = actor, now
    return _row(task, None)


def _close(tx: Session, task_id: int, status: str, actor: str, now: datetime) -> TaskRow:
    task = _task(tx, task_id)
    if task.status not in ("open", "snoozed", "expired"):
        raise TaskError(f"task {task_id} is already {task.status}")
    task.status, task.closed_by, task.closed_at = status, actor, now
    return _row(task, None)


def _task(tx: Session, task_id: int) -> Task:
    task = tx.get(Task, task_id)
    if task is None:
        raise TaskError(f"no task {task_id}")
    return task


def _row(t: Task, contact_name: str | None) -> TaskRow:
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
    )
