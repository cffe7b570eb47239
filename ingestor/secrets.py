"""Reads a source's password from where the config says it lives; never logs or echoes it."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

from ingestor.config import PasswordSpec
from ingestor.errors import SourceError


def read_password(source: str, spec: PasswordSpec | None, timeout: float = 30.0) -> str:
    if spec is None:
        raise SourceError(source, "no password configured")
    if spec.env is not None:
        value = os.environ.get(spec.env)
        if value is None:
            raise SourceError(source, f"environment variable {spec.env} is not set")
        return value
    if spec.file is not None:
        return _read_file(source, Path(os.path.expandvars(spec.file)))
    if spec.credential is not None:
        directory = os.environ.get("CREDENTIALS_DIRECTORY")
        if not directory:
            raise SourceError(
                source, "password_credential needs $CREDENTIALS_DIRECTORY (systemd LoadCredential=)"
            )
        return _read_file(source, Path(directory) / spec.credential)
    if spec.command is not None:
        try:
            done = subprocess.run(
                list(spec.command), capture_output=True, timeout=timeout, check=False, text=True
            )
        except (OSError, subprocess.TimeoutExpired) as e:
            raise SourceError(source, f"password_command {spec.command[0]!r} failed: {e}") from None
        if done.returncode != 0:
            # stderr may echo input; only its first line, never stdout (the secret).
            first = (done.stderr.strip().splitlines() or [""])[0][:200]
            raise SourceError(
                source, f"password_command exited {done.returncode}: {first}".rstrip(": ")
            )
        return done.stdout.splitlines()[0] if done.stdout else ""
    raise SourceError(source, "no password configured")


def _read_file(source: str, path: Path) -> str:
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as e:
        raise SourceError(source, f"cannot read password file {path}: {e.strerror}") from None
    return text.rstrip("\r\n")
