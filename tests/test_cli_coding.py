"""The ``workbench codebook`` and ``workbench codings`` commands, end to end."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
from click.testing import CliRunner

from workbench.cli import main

SMALL = Path(__file__).parent / "data" / "codebooks" / "small.yaml"


def _run(*args: str, input: str | None = None) -> object:
    return CliRunner().invoke(main, list(args), input=input)


def _study(tmp_path: Path, data_dir: Path) -> str:
    root = str(tmp_path / "study")
    assert _run("init", root).exit_code == 0
    assert _run("import", root, str(data_dir / "project" / "dump_a.ndjson")).exit_code == 0
    assert _run("codebook", "init", root, "--from", str(SMALL)).exit_code == 0
    return root


def test_validate_names_line_and_code(tmp_path: Path) -> None:
    ok = _run("codebook", "validate", str(SMALL))
    assert ok.exit_code == 0 and "valid, 5 codes" in ok.output
    bad = tmp_path / "bad.yaml"
    bad.write_text(SMALL.read_text().replace("id: waiting", "id: Waiting Times"))
    result = _run("codebook", "validate", str(bad))
    assert result.exit_code == 2
    assert "bad.yaml, line 19, code 'Waiting Times'" in result.output


def test_codings_round_trip_and_revisions(tmp_path: Path, data_dir: Path) -> None:
    root = _study(tmp_path, data_dir)
    sheet = tmp_path / "coded.csv"
    sheet.write_text("comment_id,code_id,start,end,memo\n"
                     "t1_c1,waiting,,,four hours\nc2,delays,0,4,\nreddit:t1_c3,trust,,,\n")
    refused = _run("codings", "import", root, str(sheet), "--coder", "ann")
    assert refused.exit_code == 2 and "line 4: code 'trust' is not in the codebook" in (
        refused.output
    )
    done = _run("codings", "import", root, str(sheet), "--coder", "ann", "--create-codes",
                "--json")
    assert done.exit_code == 0, done.output
    assert json.loads(done.output)["stored"] == 3
    dry = _run("codebook", "merge", root, "waiting", "delays", "--into", "waits", "--label",
               "Waits", "--dry-run")
    assert dry.exit_code == 0 and "dry run, nothing changed" in dry.output
    merged = _run("codebook", "merge", root, "waiting", "delays", "--into", "waits",
                  "--label", "Waits", "--rationale", "same theme")
    assert merged.exit_code == 0 and "2 codings of" not in merged.output
    out = tmp_path / "codings.csv"
    assert _run("codings", "export", root, str(out)).exit_code == 0
    exported = pd.read_csv(out)
    assert sorted(exported["code_id"]) == ["trust", "waits", "waits"]
    assert set(exported["coder"]) == {"ann"} and set(exported["origin"]) == {"migrated",
                                                                            "imported"}
    assert _run("codebook", "undo", root).exit_code == 0
    diff = _run("codebook", "diff", root, "2", "3")
    assert "merged into Waits (waits)" in diff.output
    stats = json.loads(_run("stats", root, "--json").output)
    assert (stats["codings"], stats["coders"]) == (3, 1)
    assert _run("codings", "export", root, str(out), "--format", "parquet").exit_code == 0
    assert len(pd.read_parquet(out)) == 3


def test_codebook_import_asks_before_applying(tmp_path: Path, data_dir: Path) -> None:
    root = _study(tmp_path, data_dir)
    exported = tmp_path / "cb.yaml"
    assert _run("codebook", "export", root, str(exported)).exit_code == 0
    exported.write_text(exported.read_text().replace("label: Delays", "label: Late care"))
    declined = _run("codebook", "import", root, str(exported), input="n\n")
    assert "Delays (delays) relabelled 'Late care'" in declined.output
    assert "nothing changed" in declined.output
    accepted = _run("codebook", "import", root, str(exported), input="y\n")
    assert accepted.exit_code == 0, accepted.output
    again = tmp_path / "again.yaml"
    _run("codebook", "export", root, str(again))
    assert "label: Late care" in again.read_text() and "# the commonest complaint" in (
        again.read_text()
    )


def test_add_rename_redefine_move_retire_split(tmp_path: Path, data_dir: Path) -> None:
    root = _study(tmp_path, data_dir)
    steps = [
        ("add", root, "trust", "--label", "Trust", "--parent", "barriers"),
        ("rename", root, "trust", "Trust in services"),
        ("redefine", root, "trust", "--definition", "Confidence in the service.",
         "--example", "I trust my GP", "--example", "They never listen"),
        ("move", root, "trust"),
        ("retire", root, "delays"),
        ("split", root, "barriers.access", "--into", "access.device=No device",
         "--into", "access.time=No time"),
    ]  # fmt: skip
    for step in steps:
        result = _run("codebook", *step)
        assert result.exit_code == 0, (step, result.output)
    versions = _run("codebook", "diff", root, "1", "7")
    assert "Trust in services (trust)" in versions.output or "new code Trust" in versions.output
    assert "Delays (delays) retired" in versions.output
    undo = _run("codings", "undo", root, "999")
    assert undo.exit_code == 2 and "no coding action 999" in undo.output
