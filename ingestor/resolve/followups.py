"""What a message's follow-up signal sets: tasks, flags, suggestions, bounces. Pure.

The signal itself comes from the extractors (ingestor.extractors.signals); here it meets the
contacts: whose task it is, when it is due, whether it is already stale. Due dates come from
the message's own Date header; a task due more than `expire_after_days` before the batch's
time is stored as expired, so a first sync of years of mail does not flood /tasks.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date, timedelta

from ingestor.extractors.signaltypes import (
    Bounce,
    LeftCompany,
    OutOfOffice,
    PhoneCall,
    ReplyIntent,
    Signal,
)
from ingestor.model import MessageFindings, Participant
from ingestor.resolve.plan import (
    BounceWrite,
    ContactRef,
    SuggestionWrite,
    TaskWrite,
    WritePlan,
)


@dataclass(frozen=True)
class FollowupPolicy:
    not_interested_days: int = 90  # "not interested" without a time: try again after this
    expire_after_days: int = 30  # due longer ago than this when read: stored as expired


DEFAULT_FOLLOWUPS = FollowupPolicy()
ContactFor = Callable[[Participant], ContactRef | None]


def machine_reason(signal: Signal) -> str | None:
    """The ledger reason of machine mail that carries a signal (it stays `skipped`)."""
    if isinstance(signal, OutOfOffice):
        until = signal.return_date or signal.due - timedelta(days=1)
        return f"out of office until {until.isoformat()}"
    if isinstance(signal, LeftCompany):
        return "auto-reply: no longer with the company"
    if isinstance(signal, Bounce):
        return f"{'hard' if signal.hard else 'soft'} bounce for {signal.address}"
    return None


def call_reason(call: PhoneCall) -> str:
    who = call.number_e164 or call.caller_name or "an unknown number"
    return f"{'voicemail' if call.status == 'voicemail' else 'missed call'} from {who}"


class Followups:
    """Adds a message's signal to the plan; one per batch, beside the resolver."""

    def __init__(self, plan: WritePlan, policy: FollowupPolicy, owner: str | None) -> None:
        self.plan = plan
        self.policy = policy
        self.owner = owner

    def task(
        self,
        kind: str,
        address: str,
        contact: ContactRef | None,
        due: date,
        reason: str,
        f: MessageFindings,
        key: str,
        interaction: str | None,
    ) -> None:
        stale = due < self.plan.now.date() - timedelta(days=self.policy.expire_after_days)
        self.plan.tasks.append(
            TaskWrite(
                dedup_key=f"{kind}:{key}",
                address=address,
                contact=contact,
                kind=kind,  # type: ignore[arg-type]
                reason=reason,
                due=due,
                status="expired" if stale else "open",
                interaction=interaction,
                message_id=f.parsed.message_id,
                owner=self.owner,
                signal_at=f.occurred_at,
            )
        )

    def machine(
        self,
        signal: Signal,
        f: MessageFindings,
        key: str,
        sender: ContactRef | None,
        contact_for: ContactFor,
    ) -> None:
        """Out-of-office, left-company and bounce mail: never a contact of its own."""
        address = f.parsed.sender.email if f.parsed.sender else ""
        if isinstance(signal, OutOfOffice) and address:
            reason = machine_reason(signal) or "out of office"
            self.task("follow_up", address, sender, signal.due, reason, f, key, None)
        elif isinstance(signal, LeftCompany) and address:
            left = {"job_change": True, "left": True, "evidence": signal.evidence}
            self._suggest(address, sender, "job_change", "company", None, None, left, f, None)
            new = (signal.replacement_email or "").lower()
            successor = Participant(new, signal.replacement_name, "to")
            if new and new != address and contact_for(successor) is not None:
                self.plan.referrals[new] = {"replaces": address, "evidence": signal.evidence}
        elif isinstance(signal, Bounce) and signal.hard:
            self.plan.hard_bounces.append(BounceWrite(signal.address.lower(), signal.bounced_at))

    def intent(
        self,
        signal: ReplyIntent,
        f: MessageFindings,
        key: str,
        sender: ContactRef,
        address: str,
        contact_for: ContactFor,
    ) -> None:
        """A person's own reply (stored as an interaction `key`)."""
        sent = f.occurred_at.date()
        if signal.kind == "not_now":
            due = signal.due or sent + timedelta(days=self.policy.not_interested_days)
            self.task("follow_up", address, sender, due, f"not now: {signal.evidence}", f, key, key)
        elif signal.kind == "not_interested":
            due = sent + timedelta(days=self.policy.not_interested_days)
            reason = f"not interested: {signal.evidence}"
            self.task("follow_up", address, sender, due, reason, f, key, key)
        elif signal.kind == "unsubscribe":
            self.plan.do_not_contact.add(sender)
        elif signal.kind == "referral" and signal.referral_email:
            email = signal.referral_email.lower()
            referred = contact_for(Participant(email, signal.referral_name, "to"))
            if referred is not None and referred != sender:
                self.plan.referrals[email] = {"referred_by": address, "evidence": signal.evidence}

    def call(
        self, call: PhoneCall, f: MessageFindings, key: str, caller: ContactRef | None
    ) -> None:
        if caller is not None:
            self.task(
                "call_back",
                call.number_e164 or "",
                caller,
                f.occurred_at.date(),
                call_reason(call),
                f,
                key,
                key,
            )

    def _suggest(
        self,
        address: str,
        contact: ContactRef | None,
        kind: str,
        field: str | None,
        old: str | None,
        new: str | None,
        payload: Mapping[str, object],
        f: MessageFindings,
        interaction: str | None,
    ) -> None:
        self.plan.suggestions.append(
            SuggestionWrite(
                address,
                contact,
                kind,
                field,
                old,
                new,
                dict(payload),
                interaction,
                f.parsed.message_id,
                f.occurred_at,
                f.parsed.subject,
            )
        )
