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

from ingestor.cli_args import settings_from

if TYPE_CHECKING:
    from ingestor.config import Settings
    from ingestor.store.unit import Store

Command = Callable[[argparse.Namespace], int]


def _say(text: str, err: bool = False) -> None:
    (sys.stderr if err else sys.stdout).write(text + "\n")


AddCommand = Callable[..., argparse.ArgumentParser]


def _store(args: argparse.Namespace) -> tuple[Settings, Store]:
    from ingestor.store.unit import Store

    settings = settings_from(args)
    return settings, Store.open(settings.store_url)


def _read_password(args: argparse.Namespace, name: str) -> str:
    from ingestor.store.accounts import UserError

    if args.password_stdin:
        return sys.stdin.readline().rstrip("\r\n")
    first = getpass.getpass(f"password for {name}: ")
    if first != getpass.getpass("again: "):
        raise UserError("the two passwords differ")
    return first


def cmd_serve(args: argparse.Namespace) -> int:
    from ingestor.runtime import Runtime
    from ingestor.web.server import serve

    settings, store = _store(args)
    host = args.host or settings.web.host
    port = args.port if args.port is not None else settings.web.port
    _say(f"serving the review UI on http://{host}:{port}/ (Ctrl-C stops)", err=True)
    from ingestor.privacy import retention_policy

    runtime = Runtime(
        settings.sources,
        internal_domains=settings.defaults.internal_domains,
        retention=retention_policy(settings.retention),
    )
    serve(store, host, port, runtime, settings.metrics.listen)
    return 0


def cmd_users_add(args: argparse.Namespace) -> int:
    from ingestor.store.accounts import add_user
    from ingestor.web.context import utcnow

    _, store = _store(args)
    password = _read_password(args, args.name)
    store.run(add_user, args.name, password, args.admin, utcnow())
    _say(f"user {args.name} added{' (admin)' if args.admin else ''}")
    return 0


def cmd_users_passwd(args: argparse.Namespace) -> int:
    from ingestor.store.accounts import set_password

    _, store = _store(args)
    password = _read_password(args, args.name)
    store.run(set_password, args.name, password)
    _say(f"password of {args.name} changed; their sessions were signed out")
    return 0


def cmd_tokens_create(args: argparse.Namespace) -> int:
    from ingestor.store.api_tokens import create_token
    from ingestor.web.context import utcnow

    _, store = _store(args)
    token = store.run(create_token, args.name, utcnow())
    _say(token)
    _say(
        f"token {args.name} created; it is shown only once. "
        "Send it as `Authorization: Bearer <token>`.",
        err=True,
    )
    return 0


def cmd_tokens_list(args: argparse.Namespace) -> int:
    from ingestor.store.api_tokens import list_tokens

    _, store = _store(args)
    for t in store.run(list_tokens):
        used = t.last_used_at.isoformat() if t.last_used_at else "never used"
        state = "revoked" if t.revoked else "active"
        _say(f"{t.name}\t{state}\tcreated {t.created_at.isoformat()}\t{used}")
    return 0


def cmd_tokens_revoke(args: argparse.Namespace) -> int:
    from ingestor.store.api_tokens import revoke_token
    from ingestor.web.context import utcnow

    _, store = _store(args)
    store.run(revoke_token, args.name, utcnow())
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
