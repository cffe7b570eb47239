"""What the OAuth2 end-to-end tests share: running the CLI in this process with its logs kept."""

from __future__ import annotations

from pathlib import Path

import pytest

from ingestor.cli import main


def run(capsys: pytest.CaptureFixture[str], config: Path, *args: str) -> tuple[int, str]:
    """`ingestor --config CONFIG ARGS…` in this process: exit code and output."""
    rc = main(["--config", str(config), *args], own_logging=False)  # caplog keeps the records
    out, err = capsys.readouterr()
    return rc, out + err
