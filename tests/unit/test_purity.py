"""The domain package is pure: no module under ckanext/minato_plan/domain/ imports CKAN, Flask,
SQLAlchemy, rdflib or Redis, directly or through another module."""
import ast
import pathlib
import subprocess
import sys

import pytest

DOMAIN = pathlib.Path(__file__).resolve().parents[2] / "ckanext" / "minato_plan" / "domain"
FORBIDDEN = ("ckan", "ckanext.dcat", "ckanext.scheming", "flask", "sqlalchemy", "rdflib", "redis",
             "werkzeug")
MODULES = sorted(DOMAIN.rglob("*.py"))


def _imports(path: pathlib.Path) -> set[str]:
    names = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names.add(node.module)
    return names


def _forbidden(name: str) -> bool:
    return any(name == f or name.startswith(f + ".") for f in FORBIDDEN)


@pytest.mark.parametrize("path", MODULES, ids=lambda p: str(p.relative_to(DOMAIN)))
def test_no_module_imports_a_framework(path):
    assert sorted(n for n in _imports(path) if _forbidden(n)) == []


def test_no_relative_import_leaves_the_domain_package():
    for path in MODULES:
        depth = len(path.relative_to(DOMAIN).parts) - 1
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and node.level:
                assert node.level <= depth + 1, (path, node.module, node.level)


def test_importing_every_domain_module_loads_no_framework():
    modules = [".".join(("ckanext", "minato_plan", "domain", *p.relative_to(DOMAIN).with_suffix(
        "").parts)).removesuffix(".__init__") for p in MODULES]
    code = ("import importlib, sys\n"
            f"for m in {modules!r}: importlib.import_module(m)\n"
            f"bad = sorted(m for m in sys.modules if any(m == f or m.startswith(f + '.') "
            f"for f in {FORBIDDEN!r}))\n"
            "print(','.join(bad))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == ""


def test_the_check_would_catch_an_import(tmp_path):
    bad = tmp_path / "bad.py"
    bad.write_text("import ckan.model\nfrom flask import g\n", encoding="utf-8")
    assert sorted(n for n in _imports(bad) if _forbidden(n)) == ["ckan.model", "flask"]
