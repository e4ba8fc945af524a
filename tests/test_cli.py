"""The command line, run as a user would run it."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path


def run(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "workbench.cli", *args],
                          capture_output=True, text=True, timeout=300)


def test_init_import_stats_round_trip(tmp_path: Path, data_dir: Path) -> None:
    project = tmp_path / "study"
    assert run("init", str(project)).returncode == 0
    result = run("import", str(project), str(data_dir / "project" / "dump_a.ndjson"), "--json")
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout)
    assert report["totals"]["new"] == 4
    again = json.loads(run("import", str(project), str(data_dir / "project" / "dump_a.ndjson"),
                           "--json").stdout)
    assert again["totals"]["duplicate"] == 4 and again["totals"]["new"] == 0
    stats = json.loads(run("stats", str(project), "--json").stdout)
    assert stats["comments"] == 4
    assert stats["platforms"] == {"reddit": 4}
    assert stats["threads"] == 1
    assert stats["authors"] == 2  # Alice_W / alice_w, bob; the deleted author is nobody
    text = run("stats", str(project)).stdout
    assert "comments: 4" in text
    events = json.loads(run("events", str(project), "--json").stdout)
    assert [e["kind"] for e in events] == ["project-created", "import", "import"]


def test_bad_input_is_one_clear_line_and_exit_2(tmp_path: Path, data_dir: Path) -> None:
    project = tmp_path / "study"
    run("init", str(project))
    bad = data_dir / "project" / "dump_bad_middle.ndjson"
    result = run("import", str(project), str(bad))
    assert result.returncode == 2
    assert "Traceback" not in result.stderr
    assert "dump_bad_middle.ndjson" in result.stderr and "line 2" in result.stderr
    as_json = run("import", str(project), str(bad), "--json")
    assert as_json.returncode == 2
    assert "line 2" in json.loads(as_json.stdout)["error"]
    assert json.loads(run("stats", str(project), "--json").stdout)["comments"] == 0


def test_unknown_file_and_missing_project(tmp_path: Path) -> None:
    odd = tmp_path / "notes.txt"
    odd.write_text("just some notes, not an export\n")
    run("init", str(tmp_path / "p"))
    result = run("import", str(tmp_path / "p"), str(odd))
    assert result.returncode == 2 and "notes.txt" in result.stderr
    assert "--text-column" in result.stderr or "format" in result.stderr
    missing = run("stats", str(tmp_path / "nowhere"))
    assert missing.returncode == 2 and "workbench init" in missing.stderr


def test_formats_lists_every_loader() -> None:
    listed = json.loads(run("formats", "--json").stdout)
    for name in ("reddit-thread", "reddit-dump", "x-archive", "x-api-v2", "mastodon-outbox",
                 "mastodon-api", "youtube-api", "youtube-takeout", "facebook-dyi", "csv"):
        assert name in listed
