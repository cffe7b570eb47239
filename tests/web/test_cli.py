"""The web commands: users add/passwd, tokens create/list/revoke, and the wiring into main."""

from __future__ import annotations

import argparse
import io
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from ingestor.store.api_tokens import verify_token
from ingestor.store.database import open_store
from ingestor.store.web_schema import ApiToken, WebUser
from ingestor.web.cli import register
from tests.web.seed import NOW


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="ingestor")
    p.add_argument("--config")
    sub = p.add_subparsers(dest="command", required=True)

    def add(
        name: str, func: Callable[..., int], help: str, parent: Any = sub
    ) -> argparse.ArgumentParser:
        sp = parent.add_parser(name, help=help)
        sp.set_defaults(func=func)
        return sp

    register(sub, add)
    return p


@pytest.fixture
def config(tmp_path: Path) -> Path:
    path = tmp_path / "ingestor.toml"
    path.write_text(f'[store]\nurl = "sqlite:///{tmp_path / "db.sqlite"}"\n')
    return path


def _run(config: Path, *argv: str) -> int:
    args = _parser().parse_args(["--config", str(config), *argv])
    return int(args.func(args))


def test_users_add_from_stdin(
    config: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr("sys.stdin", io.StringIO("a long password\n"))
    assert _run(config, "users", "add", "anna", "--password-stdin", "--admin") == 0
    assert "user anna added (admin)" in capsys.readouterr().out
    sessions = open_store(f"sqlite:///{config.parent / 'db.sqlite'}")
    with sessions() as s:
        user = s.scalar(select(WebUser))
        assert user is not None and user.is_admin
        assert (
            user.password_hash.startswith("$argon2") and "a long password" not in user.password_hash
        )


def test_users_add_refuses_short_passwords_and_duplicates(
    config: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from ingestor.store.accounts import UserError

    monkeypatch.setattr("sys.stdin", io.StringIO("short\n"))
    with pytest.raises(UserError, match="at least 8"):
        _run(config, "users", "add", "anna", "--password-stdin")
    monkeypatch.setattr("sys.stdin", io.StringIO("a long password\n"))
    _run(config, "users", "add", "anna", "--password-stdin")
    monkeypatch.setattr("sys.stdin", io.StringIO("a long password\n"))
    with pytest.raises(UserError, match="already exists"):
        _run(config, "users", "add", "Anna", "--password-stdin")


def test_tokens_create_prints_once_and_stores_a_hash(
    config: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert _run(config, "tokens", "create", "crm") == 0
    token = capsys.readouterr().out.strip()
    assert token.startswith("ingr_") and len(token) > 40
    sessions = open_store(f"sqlite:///{config.parent / 'db.sqlite'}")
    with sessions.begin() as s:
        row = s.scalar(select(ApiToken))
        assert row is not None and token not in row.token_hash
        assert verify_token(s, token, NOW) == "crm"
    _run(config, "tokens", "list")
    listed = capsys.readouterr().out
    assert "crm\tactive" in listed and token not in listed
    _run(config, "tokens", "revoke", "crm")
    with sessions.begin() as s:
        assert verify_token(s, token, NOW) is None


def test_serve_options() -> None:
    args = _parser().parse_args(["serve"])
    assert args.host is None and args.port is None  # [web] host/port, 127.0.0.1:8025 by default
    args = _parser().parse_args(["serve", "--host", "0.0.0.0", "--port", "9000"])
    assert (args.host, args.port) == ("0.0.0.0", 9000)


def test_main_cli_has_the_web_commands() -> None:
    from ingestor.cli import build_parser

    parser = build_parser()
    for argv in (["serve"], ["users", "add", "x"], ["tokens", "create", "x"]):
        assert callable(parser.parse_args(argv).func)
