"""The web commands: `serve`, `users add|passwd`, `tokens create|list|revoke`.

`register(sub, add)` adds them to the main parser; `add` is build_parser's helper. Like the
rest of the CLI, this module prints, and leaves errors to `ingestor.cli.main`.
"""

from __future__ import annotations

import argparse
import getpass
import sys
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from sqlalchemy.orm import Session, sessionmaker

Command = Callable[[argparse.Namespace], int]


def _say(text: str, err: bool = False) -> None:
    (sys.stderr if err else sys.stdout).write(text + "\n")


AddCommand = Callable[..., argparse.ArgumentParser]


def _store(args: argparse.Namespace) -> tuple[Any, sessionmaker[Session]]:
    from ingestor.cli_args import sessions_for, settings_from

    settings = settings_from(args)
    return settings, sessions_for(settings)


def _read_password(args: argparse.Namespace, name: str) -> str:
    from ingestor.web.auth import UserError

    if args.password_stdin:
        return sys.stdin.readline().rstrip("\r\n")
    first = getpass.getpass(f"password for {name}: ")
    if first != getpass.getpass("again: "):
        raise UserError("the two passwords differ")
    return first


def cmd_serve(args: argparse.Namespace) -> int:
    from ingestor.web.server import serve

    settings, sessions = _store(args)
    host = args.host or settings.web.host
    port = args.port if args.port is not None else settings.web.port
    _say(f"serving the review UI on http://{host}:{port}/ (Ctrl-C stops)", err=True)
    serve(sessions, host, port)
    return 0


def cmd_users_add(args: argparse.Namespace) -> int:
    from ingestor.web.auth import add_user
    from ingestor.web.context import utcnow

    _, sessions = _store(args)
    password = _read_password(args, args.name)
    with sessions.begin() as s:
        add_user(s, args.name, password, args.admin, utcnow())
    _say(f"user {args.name} added{' (admin)' if args.admin else ''}")
    return 0


def cmd_users_passwd(args: argparse.Namespace) -> int:
    from ingestor.web.auth import set_password

    _, sessions = _store(args)
    password = _read_password(args, args.name)
    with sessions.begin() as s:
        set_password(s, args.name, password)
    _say(f"password of {args.name} changed; their sessions were signed out")
    return 0


def cmd_tokens_create(args: argparse.Namespace) -> int:
    from ingestor.web.context import utcnow
    from ingestor.web.tokens import create_token

    _, sessions = _store(args)
    with sessions.begin() as s:
        token = create_token(s, args.name, utcnow())
    _say(token)
    _say(
        f"token {args.name} created; it is shown only once. "
        "Send it as `Authorization: Bearer <token>`.",
        err=True,
    )
    return 0


def cmd_tokens_list(args: argparse.Namespace) -> int:
    from ingestor.web.tokens import list_tokens

    _, sessions = _store(args)
    with sessions() as s:
        for t in list_tokens(s):
            used = t.last_used_at.isoformat() if t.last_used_at else "never used"
            state = "revoked" if t.revoked else "active"
            _say(f"{t.name}\t{state}\tcreated {t.created_at.isoformat()}\t{used}")
    return 0


def cmd_tokens_revoke(args: argparse.Namespace) -> int:
    from ingestor.web.context import utcnow
    from ingestor.web.tokens import revoke_token

    _, sessions = _store(args)
    with sessions.begin() as s:
        revoke_token(s, args.name, utcnow())
    _say(f"token {args.name} revoked")
    return 0


def register(sub: Any, add: AddCommand) -> None:
    """Add the web commands to the main parser's sub-commands."""
    sp = add("serve", cmd_serve, "serve the review UI and the REST API")
    sp.add_argument("--host", help="address to bind (default: [web] host, 127.0.0.1)")
    sp.add_argument("--port", type=int, help="port (default: [web] port, 8025)")

    users = sub.add_parser("users", help="users of the review UI").add_subparsers(
        dest="sub", required=True
    )
    for name, func, help in (
        ("add", cmd_users_add, "add a user of the review UI"),
        ("passwd", cmd_users_passwd, "change a user's password and sign them out"),
    ):
        sp = add(name, func, help, users)
        sp.add_argument("name", metavar="NAME")
        sp.add_argument(
            "--password-stdin", action="store_true", help="read the password from stdin"
        )
        if name == "add":
            sp.add_argument("--admin", action="store_true", help="may see the /sources page")

    tokens = sub.add_parser("tokens", help="REST API tokens").add_subparsers(
        dest="sub", required=True
    )
    sp = add("create", cmd_tokens_create, "create an API token and print it once", tokens)
    sp.add_argument("name", metavar="NAME")
    add("list", cmd_tokens_list, "list API tokens (never the tokens themselves)", tokens)
    sp = add("revoke", cmd_tokens_revoke, "revoke an API token", tokens)
    sp.add_argument("name", metavar="NAME")
