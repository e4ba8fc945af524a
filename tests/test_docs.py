"""Docs are tested: every CLI command, option and setting appears in the README."""

from __future__ import annotations

from pathlib import Path

from workbench.cli import main
from workbench.settings import SETTINGS

README = (Path(__file__).resolve().parent.parent / "README.md").read_text(encoding="utf-8")


def test_every_command_and_option_is_documented() -> None:
    missing = []
    for name, command in main.commands.items():
        if f"workbench {name}" not in README:
            missing.append(f"workbench {name}")
        for param in command.params:
            for opt in getattr(param, "opts", []):
                if opt.startswith("--") and opt not in README:
                    missing.append(f"workbench {name} {opt}")
    assert missing == []


def test_every_setting_is_documented() -> None:
    assert [s.name for s in SETTINGS if f"`{s.name}`" not in README] == []


def test_readme_commands_match_ci() -> None:
    ci = (Path(__file__).resolve().parent.parent / ".ci" / "run").read_text()
    assert "make test" in ci and "make test" in README and "make demo" in README
