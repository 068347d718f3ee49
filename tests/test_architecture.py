"""Imports point one way: geo never imports streamlit; folium and geopy stay in their modules."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from .conftest import ROOT

GEO = ROOT / "geo"
ALLOWED = {
    "streamlit": set(),
    "streamlit_folium": set(),
    "folium": {"maps.py", "export.py"},
    "branca": {"maps.py", "export.py"},
    "geopy": {"online.py"},
}


def imported_roots(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    roots = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            roots |= {alias.name.split(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            roots.add(node.module.split(".")[0])
    return roots


@pytest.mark.parametrize("module", sorted(p.name for p in GEO.glob("*.py")))
def test_library_imports_stay_in_their_place(module: str) -> None:
    roots = imported_roots(GEO / module)
    for package, allowed in ALLOWED.items():
        if package in roots:
            assert module in allowed, f"geo/{module} imports {package}"


def test_errors_and_names_import_nothing_of_ours() -> None:
    for module in ("errors.py",):
        assert "geo" not in imported_roots(GEO / module)
