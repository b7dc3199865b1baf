"""Architecture rules: the arrows of DESIGN.md, a Qt-free core, a GUI without SQL, nothing at import."""

from __future__ import annotations

import ast
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import send_desk

PACKAGE = Path(send_desk.__file__).parent
QT_FREE = ("domain", "db", "values", "services", "reports", "cli")


def imported_modules(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)  # `from send_desk import gui` imports send_desk.gui: name both
            names.update(f"{node.module}.{alias.name}" for alias in node.names)
    return names


def test_core_layers_never_import_qt() -> None:
    offenders = {
        str(path.relative_to(PACKAGE)): sorted(
            m for m in imported_modules(path) if m.split(".")[0] == "PySide6"
        )
        for layer in QT_FREE
        for path in (PACKAGE / layer).rglob("*.py")
    }
    assert {k: v for k, v in offenders.items() if v} == {}


def test_domain_knows_nothing_of_the_database() -> None:
    offenders = {
        str(path.relative_to(PACKAGE)): sorted(
            m
            for m in imported_modules(path)
            if m.split(".")[0] == "sqlalchemy" or m.startswith("send_desk.db")
        )
        for path in (PACKAGE / "domain").rglob("*.py")
    }
    assert {k: v for k, v in offenders.items() if v} == {}


def test_gui_never_runs_sql() -> None:
    offenders = {
        str(path.relative_to(PACKAGE)): sorted(
            m
            for m in imported_modules(path)
            if m.split(".")[0] == "sqlalchemy" or m.startswith("send_desk.db")
        )
        for path in (PACKAGE / "gui").rglob("*.py")
    }
    assert {k: v for k, v in offenders.items() if v} == {}


def offenders(layer: str, forbidden: Callable[[str], bool]) -> dict[str, list[str]]:
    """Return, per module of a layer, the imports the rule forbids."""
    found = {
        str(path.relative_to(PACKAGE)): sorted(m for m in imported_modules(path) if forbidden(m))
        for path in (PACKAGE / layer).rglob("*.py")
    }
    return {k: v for k, v in found.items() if v}


def within(*prefixes: str) -> Callable[[str], bool]:
    """Return a test: is a module name one of these packages or inside one?"""
    return lambda name: any(name == p or name.startswith(p + ".") for p in prefixes)


def test_reports_never_import_services() -> None:
    assert offenders("reports", within("send_desk.services")) == {}


def test_cli_never_imports_the_gui() -> None:
    assert offenders("cli", within("send_desk.gui")) == {}


def test_values_import_only_the_domain_and_the_standard_library() -> None:
    allowed = within("send_desk.domain", "send_desk.values", "__future__", *sys.stdlib_module_names)
    assert offenders("values", lambda name: not allowed(name)) == {}


def test_printing_paints_without_widgets_services_or_the_database() -> None:
    forbidden = within(
        "PySide6.QtWidgets", "send_desk.services", "send_desk.db", "sqlalchemy", "send_desk.gui"
    )
    assert offenders("printing", forbidden) == {}


def test_gui_never_uses_the_service_context() -> None:
    uses = {}
    for path in (PACKAGE / "gui").rglob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        found = sorted(
            {
                node.lineno
                for node in ast.walk(tree)
                if (isinstance(node, ast.Attribute) and node.attr == "ctx")
                or (isinstance(node, ast.Name) and node.id == "ServiceContext")
            }
        )
        if found:
            uses[str(path.relative_to(PACKAGE))] = found
    assert uses == {}


def test_services_never_import_the_gui_printing_or_qt() -> None:
    assert offenders("services", within("send_desk.gui", "send_desk.printing", "PySide6")) == {}


def test_importing_every_module_does_nothing(tmp_path: Path) -> None:
    modules = sorted(
        ".".join(path.relative_to(PACKAGE.parent).with_suffix("").parts)
        for path in PACKAGE.rglob("*.py")
        if "migrations" not in path.parts and path.name != "__main__.py"
    )
    script = (
        "import importlib, sys\n"
        f"for name in {modules!r}:\n"
        "    importlib.import_module(name)\n"
        "from PySide6.QtCore import QCoreApplication\n"
        "assert QCoreApplication.instance() is None, 'a Qt application was created at import time'\n"
    )
    data = tmp_path / "data"
    result = subprocess.run(
        [sys.executable, "-c", script],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
        env={
            "SEND_DESK_DATA_DIR": str(data),
            "QT_QPA_PLATFORM": "offscreen",
            "PATH": "/usr/bin:/bin",
            "HOME": str(tmp_path),
        },
    )
    assert result.returncode == 0, result.stderr
    assert not data.exists()
