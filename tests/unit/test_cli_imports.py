"""The CLI forks its parser process before it imports the store (cli.fork_parsers): a
top-level import that pulls SQLAlchemy into `ingestor.cli` would put the whole store into the
parser's memory (measured: ~15 MB more PSS on a first sync) and slow every command's start."""

from __future__ import annotations

import subprocess
import sys


def test_the_cli_and_what_the_parsers_run_import_no_store():
    code = (
        "import sys, ingestor.cli, ingestor.process\n"
        "print(sorted(m for m in sys.modules if m.split('.')[0] == 'sqlalchemy'"
        " or m.startswith('ingestor.store')))"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=60
    ).stdout
    assert out.strip() == "[]"
