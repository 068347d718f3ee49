"""The README stays honest: every CLI command and option is documented, and the
test command CI runs is the README's."""

from __future__ import annotations

import argparse
import re

from geo.cli import build_parser

from .conftest import ROOT

README = (ROOT / "README.md").read_text(encoding="utf-8")


def subcommands() -> dict[str, argparse.ArgumentParser]:
    parser = build_parser()
    action = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
    return dict(action.choices)


def test_every_command_and_option_is_in_the_readme() -> None:
    for name, sub in subcommands().items():
        assert f"newsmap {name}" in README, name
        for action in sub._actions:
            for flag in action.option_strings:
                if flag in ("-h", "--help"):
                    continue
                assert flag in README, f"newsmap {name} {flag} is not documented"


def test_ci_runs_the_readme_test_command() -> None:
    commands = re.findall(r"^make (\w+)", README, re.M)
    assert commands[:2] == ["dashboard", "test"]
    ci = (ROOT / ".ci" / "run").read_text()
    assert "make test" in ci
