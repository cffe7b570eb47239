"""The privacy commands: `forget`, `export-person`, `audit list`, `retention [--dry-run]`.

`register(sub, add)` adds them to the main parser, like web/cli. Each prints one line (the
export: one JSON document); errors are left to `ingestor.cli.main`, which prints one line.
`forget` asks first only on a terminal, and logs only warnings and worse, to stderr.
"""

from __future__ import annotations

import argparse
import getpass
import json
import logging
import sys
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from ingestor.cli_args import sessions_for, settings_from

Command = Callable[[argparse.Namespace], int]
AddCommand = Callable[..., argparse.ArgumentParser]


def _say(text: str) -> None:
    sys.stdout.write(text + "\n")


def _actor() -> str:
    try:
        return f"cli:{getpass.getuser()}"
    except (KeyError, OSError):
        return "cli"


def _quiet(args: argparse.Namespace) -> None:
    if not getattr(args, "verbose", False):
        logging.getLogger().setLevel(logging.WARNING)


def cmd_forget(args: argparse.Namespace) -> int:
    from ingestor.privacy import agency_of
    from ingestor.store.forget import forget

    _quiet(args)
    settings = settings_from(args)
    sessions = sessions_for(settings)
    if not args.yes and sys.stdin.isatty():
        sys.stderr.write(f"forget {args.target} and erase everything held about them? [y/N] ")
        sys.stderr.flush()
        if sys.stdin.readline().strip().lower() not in ("y", "yes"):
            _say("nothing was erased")
            return 1
    now = datetime.now(UTC)
    with sessions.begin() as session:
        result = forget(session, args.target, agency_of(settings), _actor(), now, args.reason or "")
    _say(result.line())
    return 0


def cmd_export_person(args: argparse.Namespace) -> int:
    from ingestor.store.export_person import export_person

    _quiet(args)
    settings = settings_from(args)
    with sessions_for(settings).begin() as session:
        doc = export_person(session, args.target, _actor(), datetime.now(UTC))
    _say(json.dumps(doc, ensure_ascii=False, indent=2))
    return 0


def cmd_audit_list(args: argparse.Namespace) -> int:
    from ingestor.store.audit import list_audit

    settings = settings_from(args)
    with sessions_for(settings)() as session:
        entries = list_audit(session, kind=args.kind, limit=args.limit)
    if args.json:
        _say(json.dumps([e.as_json() for e in entries], ensure_ascii=False))
        return 0
    for e in entries:
        _say(e.line())
    return 0


def cmd_retention(args: argparse.Namespace) -> int:
    from ingestor.privacy import retention_policy, run_retention
    from ingestor.store import retention

    _quiet(args)
    settings = settings_from(args)
    sessions = sessions_for(settings)
    if args.dry_run:
        policy = retention_policy(settings.retention)
        with sessions() as session:
            due = retention.due(session, policy, datetime.now(UTC))
        shown = ", ".join(f"{n} {rule}" for rule, n in due.items())
        _say(f"would erase: {shown}" if due else "retention is off: nothing would go")
        return 0
    done = run_retention(settings, sessions)
    shown = ", ".join(f"{n} {rule}" for rule, n in done.items())
    _say(f"erased: {shown}" if done else "nothing was due")
    return 0


def register(sub: Any, add: AddCommand) -> None:
    """Add the privacy commands to the main parser's sub-commands."""
    sp = add("forget", cmd_forget, "erase everything held about a person, and keep them out")
    sp.add_argument("target", metavar="ADDRESS|CONTACT_ID")
    sp.add_argument("--reason", help="why (recorded only as: had a reason)")
    sp.add_argument("--yes", action="store_true", help="do not ask (asked only on a terminal)")
    sp = add("export-person", cmd_export_person, "print everything held about a person as JSON")
    sp.add_argument("target", metavar="ADDRESS|CONTACT_ID")
    audit = sub.add_parser("audit", help="the audit log").add_subparsers(dest="sub", required=True)
    sp = add("list", cmd_audit_list, "list audit entries, newest first", audit)
    sp.add_argument("--kind", choices=("forget", "export", "retention", "merge", "edit"))
    sp.add_argument("--limit", type=int, default=100, help="at most this many (default 100)")
    sp.add_argument("--json", action="store_true", help="as one JSON array")
    sp = add("retention", cmd_retention, "erase what [retention] says is kept too long")
    sp.add_argument("--dry-run", action="store_true", help="only say how much would go")
