"""Project settings as data: one table of names, defaults and help text.

Precedence, lowest to highest: the defaults below < the project's
``workbench.yaml`` < ``WORKBENCH_<NAME>`` environment variables < explicit
overrides (CLI flags).
"""

from __future__ import annotations

import getpass
import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from workbench.errors import SettingsError

SETTINGS_FILE = "workbench.yaml"


@dataclass(frozen=True)
class Setting:
    """One setting: its name, type, default and help text."""

    name: str
    type: type
    default: Any
    help: str


def _default_actor() -> str:
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return "unknown"


SETTINGS: tuple[Setting, ...] = (
    Setting("name", str, "", "Human-readable project name."),
    Setting(
        "database",
        str,
        "sqlite:///workbench.sqlite",
        "Database URL. A relative sqlite path lives inside the project folder.",
    ),
    Setting("actor", str, "", "Who is recorded in events; empty means the login name."),
    Setting("batch_size", int, 50_000, "Rows read and stored per batch during an import."),
    Setting(
        "detect_language",
        bool,
        True,
        "Detect the language of comments the platform did not label, after each import.",
    ),
    Setting(
        "embedding_model",
        str,
        "all-MiniLM-L6-v2",
        "Sentence-transformers model name or folder used to embed comments.",
    ),
    Setting(
        "embedding_backend",
        str,
        "auto",
        "auto (fastest measured backend that keeps results the same), torch, torch-bf16, "
        "torch-fp16, onnx or onnx-int8.",
    ),
    Setting(
        "embedding_threads",
        int,
        0,
        "CPU threads for embedding; 0 means the cores free when embedding starts.",
    ),
    Setting(
        "long_texts",
        str,
        "chunk",
        "Comments over the model's token limit: chunk (embed windows, average them) "
        "or truncate.",
    ),
    Setting(
        "non_substantive_answers",
        list,
        [
            "did not answer", "didn't answer", "no answer", "not answered", "no response",
            "n/a", "na", "n.a", "none", "nothing", "nil", "null", "nan", "no comment",
            "no comments", "nothing to add", "nothing to say", "nothing else",
            "not applicable", "prefer not to say", "x",
        ],
        "Answers that say nothing (compared ignoring case, spacing and trailing full "
        "stops): kept in the project, left out of clustering and counted. A list in "
        "workbench.yaml; comma-separated in WORKBENCH_NON_SUBSTANTIVE_ANSWERS.",
    ),
    Setting(
        "non_substantive_min_chars",
        int,
        2,
        "Short-text rule: an answer with fewer letters or digits than this, and no emoji (\"-\", "
        "\".\", \"?\") is non-substantive too; 0 turns the rule off.",
    ),
    Setting(
        "cluster_non_substantive",
        bool,
        False,
        "Include non-substantive answers when clustering (they are left out by default).",
    ),
    Setting(
        "show_raw_text",
        bool,
        False,
        "Show comment text as written, @mentions of known authors included, for those "
        "entitled to see raw handles; by default mentions of authors the project knows "
        "are shown as their pseudonyms.",
    ),
)

_BY_NAME = {s.name: s for s in SETTINGS}


def _coerce(setting: Setting, value: Any, origin: str) -> Any:
    if isinstance(value, setting.type) and setting.type is not list and not (
        setting.type is int and isinstance(value, bool)
    ):
        return value
    if isinstance(value, str):
        text = value.strip()
        if setting.type is bool and text.lower() in (
            "1",
            "true",
            "yes",
            "on",
            "0",
            "false",
            "no",
            "off",
        ):
            return text.lower() in ("1", "true", "yes", "on")
        if setting.type is int:
            try:
                return int(text)
            except ValueError:
                pass
        if setting.type is str:
            return text
        if setting.type is list:
            return [part.strip() for part in text.split(",") if part.strip()]
    if setting.type is list and isinstance(value, tuple | set | frozenset):
        value = list(value)
    if setting.type is list and isinstance(value, list):
        # YAML reads a bare `no`, `yes`, `none` or `1` as a boolean, null or number: an
        # answer list means the words.
        words = {True: "yes", False: "no", None: "none"}
        if all(isinstance(v, str | int | float) or v is None for v in value):
            return [words[v] if v is None or isinstance(v, bool) else str(v) for v in value]
    raise SettingsError(
        f"{origin}: setting {setting.name!r} should be {setting.type.__name__}, got {value!r}"
    )


def resolve(
    project_file: Path | None = None,
    overrides: Mapping[str, Any] | None = None,
    environ: Mapping[str, str] | None = None,
) -> dict[str, Any]:
    """Return every setting's effective value.

    Parameters
    ----------
    project_file : Path, optional
        A ``workbench.yaml`` to read.
    overrides : mapping, optional
        Values that win over everything (CLI flags); ``None`` values are ignored.
    environ : mapping, optional
        Environment to read ``WORKBENCH_*`` variables from (default ``os.environ``).

    Raises
    ------
    SettingsError
        For an unknown setting name or a value of the wrong type.
    """
    values = {s.name: s.default for s in SETTINGS}
    if project_file is not None and project_file.exists():
        try:
            loaded = yaml.safe_load(project_file.read_text(encoding="utf-8")) or {}
        except yaml.YAMLError as exc:
            raise SettingsError(f"{project_file}: is not valid YAML ({exc})") from None
        if not isinstance(loaded, dict):
            raise SettingsError(f"{project_file}: expected a mapping of settings")
        for name, value in loaded.items():
            if name not in _BY_NAME:
                raise SettingsError(
                    f"{project_file}: unknown setting {name!r}; known: {', '.join(_BY_NAME)}"
                )
            values[name] = _coerce(_BY_NAME[name], value, str(project_file))
    env = os.environ if environ is None else environ
    for setting in SETTINGS:
        key = f"WORKBENCH_{setting.name.upper()}"
        if key in env:
            values[setting.name] = _coerce(setting, env[key], f"environment {key}")
    for name, value in (overrides or {}).items():
        if value is None:
            continue
        if name not in _BY_NAME:
            raise SettingsError(f"unknown setting {name!r}; known: {', '.join(_BY_NAME)}")
        values[name] = _coerce(_BY_NAME[name], value, "override")
    if not values["actor"]:
        values["actor"] = _default_actor()
    return values


def write(project_file: Path, values: Mapping[str, Any]) -> None:
    """Write the settings that differ from their defaults to ``project_file``."""
    body = {
        name: value
        for name, value in values.items()
        if name in _BY_NAME and value != _BY_NAME[name].default
    }
    header = "# Thread Workbench project settings. See `workbench settings --help`.\n"
    project_file.write_text(header + yaml.safe_dump(body, sort_keys=False), encoding="utf-8")


def update_file(project_file: Path, changes: Mapping[str, Any]) -> None:
    """Change some settings in ``project_file``, keeping the others as written.

    Raises
    ------
    SettingsError
        For an unknown setting name.
    """
    unknown = sorted(set(changes) - set(_BY_NAME))
    if unknown:
        raise SettingsError(f"{project_file}: unknown settings {unknown}")
    loaded = yaml.safe_load(project_file.read_text(encoding="utf-8")) or {}
    loaded.update(changes)
    header = "# Thread Workbench project settings. See `workbench settings --help`.\n"
    project_file.write_text(header + yaml.safe_dump(loaded, sort_keys=False), encoding="utf-8")
