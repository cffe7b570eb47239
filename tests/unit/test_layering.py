"""Layering rules read from the source: web/ uses the store only through store functions, and
the CLI's command groups never import the main CLI back.

Every import statement counts, also those inside functions and `if TYPE_CHECKING:` blocks.
"""

from __future__ import annotations

import ast
from pathlib import Path

import ingestor

PACKAGE = Path(ingestor.__file__).parent


def _imports(path: Path) -> list[tuple[str, list[str], int]]:
    """(module, names imported from it, line) for every import statement in `path`."""
    found: list[tuple[str, list[str], int]] = []
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.Import):
            found += [(alias.name, [], node.lineno) for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            found.append((node.module, [a.name for a in node.names], node.lineno))
    return found


def _web_modules() -> list[Path]:
    modules = sorted((PACKAGE / "web").rglob("*.py"))
    assert len(modules) > 10, "ingestor/web/ not found where expected"
    return modules


def test_web_imports_no_sqlalchemy() -> None:
    offenders = [
        f"{path.relative_to(PACKAGE.parent)}:{line} imports {module}"
        for path in _web_modules()
        for module, _, line in _imports(path)
        if module == "sqlalchemy" or module.startswith("sqlalchemy.")
    ]
    assert offenders == []


def test_the_check_sees_every_kind_of_import(tmp_path: Path) -> None:
    sample = tmp_path / "sample.py"
    sample.write_text(
        "from typing import TYPE_CHECKING\n"
        "if TYPE_CHECKING:\n    from sqlalchemy.orm import Session\n"
        "def f():\n    import sqlalchemy\n"
    )
    assert [m for m, _, _ in _imports(sample)] == ["typing", "sqlalchemy.orm", "sqlalchemy"]


def test_command_groups_do_not_import_the_main_cli() -> None:
    """cli.py registers web/cli.py and auth_cli.py; they must not import it back, nor reach
    into another module's private names."""
    offenders = []
    for path in (PACKAGE / "web" / "cli.py", PACKAGE / "auth_cli.py"):
        for module, names, line in _imports(path):
            private = [n for n in names if n.startswith("_") and n != "__future__"]
            if module == "ingestor.cli" or (module == "ingestor" and "cli" in names) or private:
                offenders.append(f"{path.name}:{line} from {module} import {', '.join(names)}")
    assert offenders == []
