"""The OAuth2 commands: `auth keygen`, `auth login`, `auth import`, `auth status`.

Like the rest of the CLI this module prints, and leaves errors to `ingestor.cli.main`. Nothing
it prints or raises carries a token.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ingestor.errors import IngestorError
from ingestor.sources.loginconfig import LoginSourceConfig

if TYPE_CHECKING:
    from ingestor.config import Settings
    from ingestor.oauth.client import OAuthClient
    from ingestor.store.tokens import TokenStore

AddCommand = Callable[..., argparse.ArgumentParser]
FLOWS = ("device", "loopback", "paste")


def _say(text: str) -> None:
    sys.stdout.write(text + "\n")
    sys.stdout.flush()


def _oauth_source(settings: Settings, name: str) -> LoginSourceConfig:
    cfg = settings.source(name)
    if not isinstance(cfg, LoginSourceConfig) or cfg.auth != "oauth2" or cfg.oauth is None:
        raise IngestorError(f'source {name} does not use OAuth2 (auth = "oauth2" in its table)')
    return cfg


def _store(args: argparse.Namespace, settings: Settings) -> TokenStore:
    from ingestor.cli_args import sessions_for
    from ingestor.oauth.keys import TokenKeyError, load_key
    from ingestor.store.tokens import TokenStore

    try:
        key = load_key(settings.secrets)
    except TokenKeyError as e:
        raise IngestorError(f"cannot read the token key: {e}") from None
    return TokenStore(sessions_for(settings), key)


def _client(cfg: LoginSourceConfig) -> OAuthClient:
    from ingestor.oauth.client import OAuthClient

    assert cfg.oauth is not None
    return OAuthClient(cfg.oauth, cfg.timeout, cfg.tls_verify, cfg.ca_file)


def cmd_keygen(args: argparse.Namespace) -> int:
    from ingestor.oauth.keys import generate_key_file

    path = Path(args.path)
    generate_key_file(path)
    _say(f"wrote a new token key to {path} (mode 0600); point [secrets] key_file at it")
    return 0


def cmd_login(args: argparse.Namespace) -> int:
    from ingestor.cli_args import settings_from
    from ingestor.oauth import flows
    from ingestor.oauth.client import OAuthError

    settings = settings_from(args)
    cfg = _oauth_source(settings, args.name)
    assert cfg.oauth is not None
    store = _store(args, settings)
    client = _client(cfg)
    flow = args.flow or cfg.oauth.flow
    try:
        if flow == "device":
            tokens = flows.device_flow(client, _say)
        elif flow == "loopback":
            tokens = flows.loopback_flow(client, _say)
        else:
            tokens = flows.paste_flow(client, _say, sys.stdin.readline)
    except OAuthError as e:
        raise IngestorError(f"{cfg.name}: sign-in failed: {e}") from None
    if tokens.refresh_token is None:
        raise IngestorError(
            f"{cfg.name}: the provider returned no refresh token; the scopes must allow "
            "offline access (Microsoft: offline_access)"
        )
    expires = datetime.now(UTC) + timedelta(seconds=tokens.expires_in)
    scopes = tokens.scopes or cfg.oauth.scopes
    store.save(cfg.name, cfg.oauth.client_id, tokens.refresh_token, scopes, expires)
    _say(f"{cfg.name}: signed in; the refresh token is stored encrypted")
    return 0


def cmd_import(args: argparse.Namespace) -> int:
    from ingestor.cli_args import settings_from
    from ingestor.oauth.access import explain
    from ingestor.oauth.client import OAuthError

    if not args.refresh_token_stdin:
        raise IngestorError("auth import needs --refresh-token-stdin")
    settings = settings_from(args)
    cfg = _oauth_source(settings, args.name)
    assert cfg.oauth is not None
    token = sys.stdin.readline().strip()
    if not token:
        raise IngestorError(f"{cfg.name}: no refresh token on stdin")
    store = _store(args, settings)
    # One refresh proves the token before anything is stored (a refused one leaves an earlier
    # sign-in alone) and yields its rotated successor, which is what gets stored.
    try:
        tokens = _client(cfg).refresh(token)
    except OAuthError as e:
        raise IngestorError(
            f"{cfg.name}: the refresh token was refused: {explain(cfg, e)}"
        ) from None
    expires = datetime.now(UTC) + timedelta(seconds=tokens.expires_in)
    scopes = tokens.scopes or cfg.oauth.scopes
    store.save(cfg.name, cfg.oauth.client_id, tokens.refresh_token or token, scopes, expires)
    _say(f"{cfg.name}: refresh token imported and verified; stored encrypted")
    return 0


def _when(at: datetime | None, now: datetime) -> str:
    if at is None:
        return "never"
    shown = at.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S UTC")
    return shown + (" (expired)" if at <= now else "")


def cmd_status(args: argparse.Namespace) -> int:
    from ingestor.cli_args import settings_from
    from ingestor.oauth.keys import TokenKeyError
    from ingestor.store.tokens import TokenStore

    settings = settings_from(args)
    sources = [
        s for s in settings.sources if isinstance(s, LoginSourceConfig) and s.auth == "oauth2"
    ]
    if not sources:
        _say("no OAuth2 sources configured")
        return 0
    try:
        store = _store(args, settings)
    except IngestorError as e:
        _say(f"{e}; the OAuth2 sources cannot sign in: {', '.join(s.name for s in sources)}")
        return 1
    infos = store.infos()
    now = datetime.now(UTC)
    failed = False
    for cfg in sources:
        info = infos.get(cfg.name)
        if info is None:
            failed = True
            _say(f'{cfg.name}: not signed in; run "ingestor auth login {cfg.name}"')
            continue
        try:
            TokenStore.load(store, cfg.name)
            token = "present"
        except TokenKeyError:
            failed = True
            token = (
                f'present but not decryptable with this key; run "ingestor auth login {cfg.name}"'
            )
        _say(f"{cfg.name}: refresh token {token}")
        details: list[tuple[str, Any]] = [
            ("user", cfg.username),
            ("client", info.client_id),
            ("signed in", _when(info.created_at, now)),
            ("last refresh", _when(info.refreshed_at, now)),
            ("access token until", _when(info.access_expires_at, now)),
            ("scopes", " ".join(info.scopes) or "-"),
        ]
        for label, value in details:
            _say(f"  {label + ':':<20}{value}")
    return 1 if failed else 0


def register(sub: Any, add: AddCommand) -> None:
    """Add the auth commands to the main parser's sub-commands."""
    auth = sub.add_parser("auth", help="OAuth2 sign-in of sources").add_subparsers(
        dest="sub", required=True
    )
    sp = add("keygen", cmd_keygen, "write a new token-encryption key (mode 0600)", auth)
    sp.add_argument("path", metavar="PATH")
    sp = add("login", cmd_login, "sign a source in and store its refresh token", auth)
    sp.add_argument("name", metavar="NAME")
    sp.add_argument(
        "--flow",
        choices=FLOWS,
        help="device (Microsoft's default), loopback (Google's default) or paste",
    )
    sp = add("import", cmd_import, "store a refresh token obtained elsewhere", auth)
    sp.add_argument("name", metavar="NAME")
    sp.add_argument(
        "--refresh-token-stdin", action="store_true", help="read the refresh token from stdin"
    )
    add("status", cmd_status, "the sign-in of every OAuth2 source (never the tokens)", auth)
