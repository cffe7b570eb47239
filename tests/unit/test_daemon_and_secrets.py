"""Secrets, backoff and log formats: small pieces with sharp edges."""

from __future__ import annotations

import json
import logging
import sys

import pytest

from ingestor.config import PasswordSpec
from ingestor.daemon import backoff_delay
from ingestor.errors import SourceError
from ingestor.logsetup import JournalFormatter, JsonFormatter
from ingestor.secrets import read_password


def test_password_sources(tmp_path, monkeypatch):
    monkeypatch.setenv("PW_ENV", "from-env")
    assert read_password("s", PasswordSpec(env="PW_ENV")) == "from-env"
    (tmp_path / "pw").write_text("from-file\n")
    assert read_password("s", PasswordSpec(file=str(tmp_path / "pw"))) == "from-file"
    monkeypatch.setenv("CREDENTIALS_DIRECTORY", str(tmp_path))
    assert read_password("s", PasswordSpec(credential="pw")) == "from-file"
    cmd = (sys.executable, "-c", "print('from-command')")
    assert read_password("s", PasswordSpec(command=cmd)) == "from-command"


def test_password_errors_never_contain_the_secret(tmp_path):
    leaky = (sys.executable, "-c", "import sys; print('topsecret'); sys.exit(3)")
    with pytest.raises(SourceError) as e:
        read_password("mail", PasswordSpec(command=leaky))
    assert "exited 3" in str(e.value) and "topsecret" not in str(e.value)
    with pytest.raises(SourceError, match="cannot read password file"):
        read_password("mail", PasswordSpec(file=str(tmp_path / "missing")))
    with pytest.raises(SourceError, match="environment variable NOT_SET_X is not set"):
        read_password("mail", PasswordSpec(env="NOT_SET_X"))


def test_backoff_doubles_and_caps():
    assert backoff_delay(300, 1) == 300
    assert backoff_delay(300, 2) == 600
    assert backoff_delay(10, 1) == 30  # never hammer a failing server
    assert backoff_delay(300, 20) == 3600


def record(msg: str, level: int = logging.WARNING) -> logging.LogRecord:
    return logging.LogRecord("ingestor.pipeline", level, __file__, 1, msg, (), None)


def test_log_formats():
    assert JournalFormatter(journal=True).format(record("hello")) == "<4>ingestor.pipeline: hello"
    assert (
        JournalFormatter(journal=False)
        .format(record("hello"))
        .endswith("WARNING ingestor.pipeline: hello")
    )
    entry = json.loads(JsonFormatter().format(record("héllo", logging.ERROR)))
    assert (
        entry["level"] == "error"
        and entry["message"] == "héllo"
        and entry["logger"] == "ingestor.pipeline"
    )
