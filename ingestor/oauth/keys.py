"""The token-encryption key: 32 random bytes as one line of standard base64, kept outside the
database (a 0600 file, an environment variable or a systemd credential)."""

from __future__ import annotations

import base64
import binascii
import os
import secrets
import stat
from pathlib import Path

from ingestor.config import KeySpec
from ingestor.errors import IngestorError

KEY_BYTES = 32


class TokenKeyError(IngestorError):
    """The key is missing, malformed or not the one the stored tokens were encrypted with."""


def generate_key_file(path: Path) -> None:
    """Write a new key to `path` (mode 0600); refuses to overwrite an existing file."""
    line = base64.b64encode(secrets.token_bytes(KEY_BYTES)) + b"\n"
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        raise TokenKeyError(f"{path} exists; a new key would orphan its tokens") from None
    except OSError as e:
        raise TokenKeyError(f"cannot create {path}: {e.strerror}") from None
    with os.fdopen(fd, "wb") as f:
        f.write(line)


def load_key(spec: KeySpec) -> bytes:
    """The key named by [secrets]; TokenKeyError says which source of it is wrong and how."""
    where = spec.describe()
    if spec.env is not None:
        text = os.environ.get(spec.env)
        if text is None:
            raise TokenKeyError(f"{where}: the environment variable is not set")
    elif spec.file is not None or spec.credential is not None:
        text = _read_file(spec, where)
    else:
        raise TokenKeyError(f"{where}; create a key with `ingestor auth keygen PATH`")
    try:
        key = base64.b64decode(text.strip(), validate=True)
    except (binascii.Error, ValueError):
        raise TokenKeyError(f"{where}: not one line of standard base64") from None
    if len(key) != KEY_BYTES:
        raise TokenKeyError(f"{where}: the key must be {KEY_BYTES} bytes, got {len(key)}")
    return key


def _read_file(spec: KeySpec, where: str) -> str:
    if spec.file is not None:
        path = Path(os.path.expandvars(os.path.expanduser(spec.file)))
    else:
        directory = os.environ.get("CREDENTIALS_DIRECTORY")
        if not directory:
            raise TokenKeyError(f"{where}: needs $CREDENTIALS_DIRECTORY (systemd LoadCredential=)")
        path = Path(directory) / str(spec.credential)
    try:
        mode = path.stat().st_mode
        if spec.file is not None and mode & (stat.S_IRWXG | stat.S_IRWXO):
            raise TokenKeyError(
                f"{where}: readable by others (mode {stat.S_IMODE(mode):04o}); chmod 600 it"
            )
        return path.read_text(encoding="ascii")
    except OSError as e:
        raise TokenKeyError(f"{where}: cannot read: {e.strerror}") from None
    except UnicodeDecodeError:
        raise TokenKeyError(f"{where}: not one line of standard base64") from None
