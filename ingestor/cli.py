"""Command line: the one place that prints, and that turns errors into one-line messages.

Exit codes: 0 success, 1 a source or input failed, 2 bad configuration or usage.
"""

from __future__ import annotations

import argparse
import contextlib
import csv
import json
import logging
import os
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ingestor import __version__
from ingestor.cli_args import sessions_for, settings_from
from ingestor.errors import ConfigError, IngestorError

if TYPE_CHECKING:
    from sqlalchemy.orm import Session, sessionmaker

    from ingestor.config import Defaults, Settings
    from ingestor.parsepool import Parsers

log = logging.getLogger(__name__)
Command = Callable[[argparse.Namespace], int]


def cmd_sync(args: argparse.Namespace) -> int:
    if not args.once:
        print(
            "ingestor: sync runs one pass and needs --once; use `ingestor run` for the daemon",
            file=sys.stderr,
        )
        return 2
    settings = settings_from(args)
    sources = [settings.source(args.source)] if args.source else list(settings.sources)
    if not sources:
        print("no sources configured", file=sys.stderr)
        return 1
    parsers = fork_parsers(settings)  # before the store and the sources are imported

    from dataclasses import replace

    from ingestor.cli_output import summary_line
    from ingestor.cli_progress import LogProgress, sync_display
    from ingestor.pipeline import Stages, dry_run, sync_source
    from ingestor.progress import observed
    from ingestor.resolve.plan import WritePlan

    def show(source: str, plan: WritePlan) -> None:
        for line in plan.describe():
            print(f"{source}: {line}")

    sessions = sessions_for(settings)
    failed = False
    stages = Stages(persist=dry_run(show)) if args.dry_run else Stages()
    # A dry run prints its plans: bars would be in their way.
    display = LogProgress() if args.dry_run else sync_display()
    stages = replace(stages, sources=observed(stages.sources, display), parsers=parsers)
    with display, contextlib.closing(parsers):
        for cfg in sources:
            display.begin(cfg.name)
            try:
                s = sync_source(cfg, settings.defaults, sessions, stages=stages)
            finally:
                display.end(cfg.name)
            print(summary_line(s) + (" (dry run: nothing written)" if args.dry_run else ""))
            failed = failed or not s.ok
    if not args.dry_run:
        check_ins(sessions, settings.defaults)
    return 1 if failed else 0


def check_ins(sessions: sessionmaker[Session], defaults: Defaults) -> None:
    from datetime import UTC, datetime

    from ingestor.store.followups import set_check_ins

    with sessions.begin() as s:
        set_check_ins(s, datetime.now(UTC), defaults.check_in_after_days)


def fork_parsers(settings: Settings) -> Parsers:
    """The parser processes for this command's syncs, forked now, while this process holds
    little more than the extractors they run: every page it has then is shared with them, and
    each page it writes later becomes theirs alone (measured on 20,000 small messages: a
    worker's PSS 73 MB against 85 MB when forked after the store, sources and web are
    imported). So nothing this module imports at its top may import the store (SQLAlchemy):
    tests/unit/test_cli_imports.py checks it."""
    import ingestor.process  # noqa: F401  (what the workers run: imported before the fork)
    from ingestor.parsepool import Parsers, pool_workers

    parsers = Parsers(pool_workers(settings.defaults.parse_workers))
    parsers.start()
    return parsers


def cmd_run(args: argparse.Namespace) -> int:
    import threading

    from ingestor.shutdown import stop_on_signals

    stopping = stop_on_signals(threading.Event())  # a SIGTERM while starting up stops it too
    settings = settings_from(args)
    parsers = fork_parsers(settings)

    from ingestor.daemon import Daemon

    Daemon(settings, sessions_for(settings), parsers=parsers, stopping=stopping).run_forever()
    return 0


def cmd_sources_check(args: argparse.Namespace) -> int:
    """Each source: can we connect and log in, and what does the self-check say of it?

    Exit 1 when a source cannot be reached; the self-check's flags are printed but do not
    change the exit code (before the first sync every source is "never synced")."""
    from ingestor.pipeline import check_source
    from ingestor.sources import make_source
    from ingestor.sources.base import Source

    settings = settings_from(args)
    failed = False
    marks: dict[str, dict[str, int]] = {}
    for cfg in settings.sources:
        made: list[Source] = []

        def make(c: Any, made: list[Source] = made) -> Source:
            made.append(make_source(c))
            return made[-1]

        try:
            lines = check_source(cfg, sources=make)
        except IngestorError as e:
            failed = True
            print(f"{cfg.name}: FAILED: {e}")
            continue
        print(f"{cfg.name}: ok")
        for line in lines:
            print(f"  {line}")
        if made and made[-1].server_marks():
            marks[cfg.name] = dict(made[-1].server_marks())
    for line in _self_check_lines(settings, marks):
        print(line)
    return 1 if failed else 0


def _self_check_lines(settings: Any, marks: dict[str, dict[str, int]]) -> list[str]:
    """The self-check's verdicts from the store, and how far each cursor is behind the
    server's UIDNEXT right now."""
    from datetime import UTC, datetime

    from ingestor.metrics import read_views
    from ingestor.runtime import Runtime
    from ingestor.store.ingest import load_cursors
    from ingestor.store.status import STORE_UNAVAILABLE
    from ingestor.store.unit import Store

    try:
        sessions = sessions_for(settings)
        views = Store(sessions).run(read_views, Runtime(settings.sources), datetime.now(UTC))
        with sessions() as s:
            cursors = {name: load_cursors(s, name) for name in marks}
    except (IngestorError, *STORE_UNAVAILABLE) as e:  # the checks above stand on their own
        first = str(e).strip().splitlines()[0] if str(e).strip() else type(e).__name__
        return [f"self-check: the store is unavailable ({first})"]
    lines = ["self-check:"]
    for name, folders in sorted(marks.items()):
        for folder, mark in sorted(folders.items()):
            cursor = cursors[name].get(folder)
            read = cursor.last_uid if cursor is not None else 0
            if mark > read:
                lines.append(
                    f"  {name}: {folder}: the server has UIDs up to {mark}, the cursor is at "
                    f"{read} ({mark - read} UIDs not read yet)"
                )
    flagged = [f for v in views for f in v.findings]
    lines += [f"  {f.line()}" for f in flagged]
    if len(lines) == 1:
        lines.append("  no flags")
    return lines


def cmd_export(args: argparse.Namespace) -> int:
    from ingestor.store import queries

    settings = settings_from(args)
    with sessions_for(settings)() as s:
        if args.format == "json":
            json.dump(queries.export(s), sys.stdout, ensure_ascii=False)
            sys.stdout.write("\n")
            return 0
        writer = csv.writer(sys.stdout)
        writer.writerow(
            ["id", "name", "emails", "phones", "title", "company", "location", "origin"]
        )
        for c in queries.contacts(s):
            writer.writerow(
                [
                    c["id"],
                    c["name"] or "",
                    ";".join(c["emails"]),
                    ";".join(p["number"] for p in c["phones"]),
                    c["title"] or "",
                    c["company"] or "",
                    c["location"] or "",
                    c["origin"],
                ]
            )
    return 0


def cmd_contacts_list(args: argparse.Namespace) -> int:
    from ingestor.cli_output import contacts_table
    from ingestor.store import queries

    settings = settings_from(args)
    with sessions_for(settings)() as s:
        print("\n".join(contacts_table(queries.contacts(s))))
    return 0


def cmd_tasks_list(args: argparse.Namespace) -> int:
    from datetime import UTC, datetime, timedelta

    from ingestor.store.tasks import list_tasks

    today = datetime.now(UTC).date()
    due_before = {"overdue": today, "today": today + timedelta(days=1)}.get(args.due or "")
    settings = settings_from(args)
    with sessions_for(settings)() as s:
        rows = list_tasks(s, status="open", due_before=due_before, today=today)
    if args.json:
        json.dump([r.as_json() for r in rows], sys.stdout)
        sys.stdout.write("\n")
        return 0
    for r in rows:
        late = " (overdue)" if r.due < today else ""
        who = r.contact_name or f"contact {r.contact_id}"
        print(f"{r.due.isoformat()}{late}  #{r.id} {r.kind:<9} {who}: {r.reason}")
    if not rows:
        print("no open tasks" + (f" due {args.due}" if args.due else ""))
    return 0


def cmd_why(args: argparse.Namespace) -> int:
    from ingestor.store import queries

    settings = settings_from(args)
    with sessions_for(settings)() as s:
        lines = queries.why(s, args.message_id)
    print("\n".join(lines))
    return 0 if not lines[0].endswith("never seen by any source") else 1


def cmd_db_upgrade(args: argparse.Namespace) -> int:
    from ingestor.store.database import open_engine, upgrade

    settings = settings_from(args)
    upgrade(open_engine(settings.store_url))
    print("database is at the latest schema")
    return 0


def cmd_extract(args: argparse.Namespace) -> int:
    from datetime import UTC, datetime

    from ingestor.extract import extract_file

    region = args.region
    if region is None and (args.config or os.environ.get("INGESTOR_CONFIG")):
        region = settings_from(args).defaults.phone_region
    result = extract_file(Path(args.path), (region or "US").upper(), datetime.now(UTC))
    if args.json:
        json.dump(result, sys.stdout, ensure_ascii=False)
        sys.stdout.write("\n")
        return 0
    sender = result["from"] or {}
    print(f"Message-ID: {result['message_id']}")
    print(f"From:       {sender.get('name') or ''} <{sender.get('email') or ''}>")
    print(f"Automated:  {result['automated']}")
    sig = result["signature"]
    if sig:
        print("Signature:")
        for key in ("name", "title", "company", "location"):
            if sig[key]:
                print(f"  {key:<9} {sig[key]}")
    for phone in result["phones"]:
        print(f"Phone:      {phone['number']} ({phone['type']}) from {phone['raw']!r}")
    for m in result["meetings"]:
        print(f"Meeting:    {m['occurred_at']} {m['kind']} {m['status']} {m['subject']!r}")
    return 0


def cmd_demo(args: argparse.Namespace) -> int:
    from ingestor.demo import run_demo

    return run_demo(Path(args.dir) if args.dir else None, serve=args.serve, port=args.port)


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="ingestor", description="Email and calendar ingestion for recruiters."
    )
    p.add_argument("--version", action="version", version=f"ingestor {__version__}")
    p.add_argument("--config", help="config file (default: $INGESTOR_CONFIG)")
    p.add_argument("--log-format", choices=("text", "json"), help="override [logging] format")
    p.add_argument("-v", "--verbose", action="store_true", help="debug logging")
    sub = p.add_subparsers(dest="command", required=True, metavar="COMMAND")

    def add(name: str, func: Command, help: str, parent: Any = sub) -> argparse.ArgumentParser:
        sp = parent.add_parser(name, help=help, description=help)
        sp.set_defaults(func=func)
        return sp

    sp = add("sync", cmd_sync, "one pass over the sources, with a summary per source")
    sp.add_argument("--once", action="store_true", help="run one pass and exit (required)")
    sp.add_argument("--source", help="only this source")
    sp.add_argument(
        "--dry-run",
        action="store_true",
        help="print what each batch would write (contacts, interactions, ledger) instead",
    )
    add("run", cmd_run, "run the daemon: poll every source on its interval")
    sources = sub.add_parser("sources", help="inspect sources").add_subparsers(
        dest="sub", required=True
    )
    add("check", cmd_sources_check, "connect, log in, list folders, and say what is wrong", sources)
    sp = add("export", cmd_export, "export contacts, interactions and the ledger")
    sp.add_argument("--format", choices=("json", "csv"), default="json")
    contacts = sub.add_parser("contacts", help="contacts").add_subparsers(dest="sub", required=True)
    add("list", cmd_contacts_list, "list contacts", contacts)
    tasks = sub.add_parser("tasks", help="follow-up tasks").add_subparsers(
        dest="sub", required=True
    )
    sp = add("list", cmd_tasks_list, "list open tasks, soonest due first", tasks)
    sp.add_argument(
        "--due", choices=("today", "overdue"), help="only those due by today, or overdue"
    )
    sp.add_argument("--json", action="store_true", help="as JSON (the export's task objects)")
    sp = add("why", cmd_why, "tell what happened to a message")
    sp.add_argument("message_id", metavar="MESSAGE-ID")
    db = sub.add_parser("db", help="database").add_subparsers(dest="sub", required=True)
    add("upgrade", cmd_db_upgrade, "migrate the database to the latest schema", db)
    sp = add("extract", cmd_extract, "run the extraction on one .eml or .ics file (no database)")
    sp.add_argument("--json", action="store_true", help="print one JSON object")
    sp.add_argument(
        "--region", help="phone region for numbers without +country code (default: config or US)"
    )
    sp.add_argument("path", metavar="PATH")
    sp = add(
        "demo", cmd_demo, "ingest the bundled sample mailbox into a fresh SQLite store and show it"
    )
    sp.add_argument("--dir", help="where to put the demo database (default: a temp directory)")
    sp.add_argument(
        "--serve", action="store_true", help="then serve the review UI with a demo user"
    )
    sp.add_argument("--port", type=int, default=8025, help="port for --serve (default 8025)")
    from ingestor.web.cli import register as register_web

    register_web(sub, add)
    from ingestor.auth_cli import register as register_auth

    register_auth(sub, add)
    from ingestor.privacy_cli import register as register_privacy

    register_privacy(sub, add)
    return p


def main(argv: Sequence[str] | None = None, own_logging: bool = True) -> int:
    """`own_logging=False` leaves the root logger as the caller set it (an embedding program,
    or tests that capture records)."""
    args = build_parser().parse_args(argv)
    from ingestor.logsetup import setup_logging

    if own_logging:
        setup_logging(args.log_format or "text", "DEBUG" if args.verbose else "INFO")
    try:
        if own_logging and (args.config or os.environ.get("INGESTOR_CONFIG")):
            # Honour [logging] from the file when it is valid; a bad file is reported below.
            try:
                s = settings_from(args)
                setup_logging(
                    args.log_format or s.log_format, "DEBUG" if args.verbose else s.log_level
                )
            except ConfigError:
                pass
        return int(args.func(args))
    except ConfigError as e:
        for problem in e.problems:
            print(f"{e.path}: {problem}", file=sys.stderr)
        return 2
    except IngestorError as e:
        print(f"ingestor: {e}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        return 0


if __name__ == "__main__":
    sys.exit(main())
