"""The import controller, headless, against a real project on disk."""

from __future__ import annotations

import hashlib
import json
import stat
import subprocess
import sys
from pathlib import Path

import openpyxl
import pytest

from workbench.errors import MappingError, WorkbenchError
from workbench.import_session import (
    NEEDS_MAPPING,
    ORIGINALS_DIR,
    PREVIEW_COLUMNS,
    PREVIEW_TEXT_CHARS,
    SUMMARY_KEYS,
    ImportSession,
    csv_columns,
    safe_file_name,
)
from workbench.project import Project

AUTHORS = ("Ann_Example", "bob_example", "CaraInvented")


def reddit_line(n: int, author: str, body: str, parent: str = "t3_p1") -> str:
    record = {
        "id": f"c{n}",
        "author": author,
        "body": body,
        "created_utc": 1710000000 + n,
        "score": 1,
        "parent_id": parent,
        "link_id": "t3_p1",
        "subreddit": "x",
    }
    return json.dumps(record)


def reddit_dump(count: int = 3, long_text: bool = False) -> bytes:
    lines = []
    for n in range(1, count + 1):
        body = f"Comment number {n} about the walk-in centre."
        if long_text and n == 1:
            body = "word " * 200
        parent = "t3_p1" if n == 1 else f"t1_c{n - 1}"
        lines.append(reddit_line(n, AUTHORS[(n - 1) % len(AUTHORS)], body, parent))
    return ("\n".join(lines) + "\n").encode()


SURVEY = (
    b"Response ID,Answer,Submitted,Respondent\n"
    b"r1,The queue moved quickly this time,25/11/2026 14:05,Ann_Example\n"
    b'r2,"Staff were kind, but the wait was long",26/11/2026 09:30,bob_example\n'
    b"r3,N/A,26/11/2026 10:00,CaraInvented\n"
)


@pytest.fixture()
def project(tmp_path: Path) -> Project:
    with Project.init(tmp_path / "study", actor="tester") as opened:
        yield opened


@pytest.fixture()
def session(project: Project) -> ImportSession:
    return ImportSession(project, preview_rows=5)


# -- staging ---------------------------------------------------------------------------


def test_stage_keeps_originals_keyed_by_hash_under_safe_names(
    session: ImportSession, project: Project
) -> None:
    staged = session.stage(
        [
            ("../../evil/dump.ndjson", reddit_dump()),
            ("C:\\Users\\me\\survey.csv", SURVEY),
            ("dump.ndjson", reddit_dump(2)),
        ]
    )
    assert [s.name for s in staged] == ["dump.ndjson", "survey.csv", "dump.ndjson"]
    assert [s.shown_name for s in staged] == ["dump.ndjson", "survey.csv", "dump.ndjson"]
    originals = project.root / ORIGINALS_DIR
    for item, content in zip(staged, [reddit_dump(), SURVEY, reddit_dump(2)], strict=True):
        assert item.path.parent.parent == originals, "one folder per content hash"
        assert item.path.parent.name == hashlib.sha256(content).hexdigest()
        assert item.path.read_bytes() == content and item.path.stat().st_size == item.size
        assert stat.S_IMODE(item.path.parent.stat().st_mode) == 0o700
        assert stat.S_IMODE(item.path.stat().st_mode) == 0o600
    assert stat.S_IMODE(originals.stat().st_mode) == 0o700, "as private as the store"
    assert not (project.cache_dir / "uploads").exists(), "originals are not derived data"
    assert [s.format for s in staged] == ["reddit-dump", "csv", "reddit-dump"]
    assert staged[0].note == "reddit-dump" and not staged[0].needs_mapping


def test_the_same_file_is_kept_once_and_stays_after_the_import(
    session: ImportSession, project: Project
) -> None:
    first = session.stage([("a.ndjson", reddit_dump())])
    second = session.stage([("a.ndjson", reddit_dump())])
    assert first[0].path == second[0].path and session.staged == second
    outcome = session.run()
    assert outcome.ok, outcome.error
    assert second[0].path.is_file(), "the original is the import's provenance"
    [logged] = project.store.imports()["file"].tolist()[-1:]
    assert Path(logged) == second[0].path


@pytest.mark.parametrize("name", ["", "...", "..", "/", ".hidden.json", "a\x00b.json"])
def test_safe_file_name_never_escapes_or_hides(name: str) -> None:
    safe = safe_file_name(name)
    assert safe and "/" not in safe and "\\" not in safe
    assert not safe.startswith(".") and safe not in (".", "..")
    assert safe.isprintable()


def test_safe_file_name_keeps_suffixes_when_cutting() -> None:
    safe = safe_file_name("x" * 300 + ".ndjson.zst")
    assert len(safe) <= 120 and safe.endswith(".ndjson.zst")


def test_empty_upload_is_refused_and_nothing_is_written(
    session: ImportSession, project: Project
) -> None:
    session.stage([("old.ndjson", reddit_dump())])
    with pytest.raises(WorkbenchError, match=r"empty\.ndjson: is empty \(0 bytes\)"):
        session.stage([("good.ndjson", reddit_dump()), ("empty.ndjson", b"")])
    assert session.staged == [], "a failed upload must not leave older files ready to import"
    assert not list((project.root / ORIGINALS_DIR).rglob("good.ndjson"))


def test_import_uploads_reports_an_empty_file_as_error(session: ImportSession) -> None:
    outcome = session.import_uploads([("empty.csv", b"")])
    assert outcome.error is not None and "empty.csv" in outcome.error
    assert outcome.report is None and not outcome.ok


def test_generic_csv_is_reported_as_needing_a_mapping(session: ImportSession) -> None:
    [staged] = session.stage([("survey.csv", SURVEY)])
    assert staged.format == "csv" and staged.needs_mapping
    assert staged.columns == ["Response ID", "Answer", "Submitted", "Respondent"]
    assert NEEDS_MAPPING in staged.note and "'Answer'" in staged.note
    assert session.needs_mapping() and session.table_columns() == staged.columns
    assert session.suggested_mapping() == {
        "text": "Answer",
        "id": "Response ID",
        "time": "Submitted",
        "author": "Respondent",
    }
    outcome = session.run()
    assert outcome.error is not None
    assert "survey.csv" in outcome.error and NEEDS_MAPPING in outcome.error
    assert "'Answer'" in outcome.error and "'Respondent'" in outcome.error
    assert outcome.report is None


def test_unrecognised_file_is_noted_at_staging_and_named_at_import(
    session: ImportSession,
) -> None:
    [staged] = session.stage([("notes.json", b'{"hello": "world"}')])
    # One short line in the list, which names the file already; the import says the rest.
    assert staged.format is None
    assert staged.note == "is not an export format the workbench recognises"
    outcome = session.run()
    assert outcome.error is not None and outcome.error.count("notes.json") == 1
    assert "Known formats" in outcome.error


def test_run_without_staged_files_says_so(session: ImportSession) -> None:
    outcome = session.run()
    assert outcome.error is not None and "nothing to import" in outcome.error


def test_unknown_format_name_is_an_error(session: ImportSession) -> None:
    session.stage([("a.ndjson", reddit_dump())])
    outcome = session.run(format="myspace")
    assert outcome.error is not None and "'myspace'" in outcome.error


# -- importing -------------------------------------------------------------------------


def test_import_summarises_each_file(session: ImportSession, project: Project) -> None:
    session.stage([("dump.ndjson", reddit_dump(3))])
    outcome = session.run()
    assert outcome.ok and outcome.error is None
    assert outcome.summary == [
        {
            "file": "dump.ndjson",
            "format": "reddit-dump",
            "rows": 3,
            "new": 3,
            "updated": 0,
            "duplicate": 0,
            "gaps": 0,
            "skipped": 0,
            "non_substantive": 0,
        }
    ]
    assert list(outcome.summary[0]) == list(SUMMARY_KEYS)
    assert outcome.report is not None and outcome.report.totals()["new"] == 3
    assert project.stats()["comments"] == 3
    assert session.last_outcome is outcome


def test_reimport_counts_duplicates_and_previews_nothing_new(session: ImportSession) -> None:
    session.import_uploads([("dump.ndjson", reddit_dump(3))])
    again = session.import_uploads([("dump.ndjson", reddit_dump(3))])
    assert again.ok
    assert (again.summary[0]["new"], again.summary[0]["duplicate"]) == (0, 3)
    assert again.preview.empty and list(again.preview.columns) == list(PREVIEW_COLUMNS)


def test_preview_is_pseudonymised_short_and_from_this_import_only(
    session: ImportSession, project: Project
) -> None:
    session.import_uploads([("first.ndjson", reddit_dump(2))])
    later = [reddit_line(n, "NewPerson_Invented", f"Later comment {n}") for n in range(10, 18)]
    outcome = session.import_uploads([("later.ndjson", "\n".join(later).encode())])
    preview = outcome.preview
    assert list(preview.columns) == list(PREVIEW_COLUMNS)
    assert "author" not in preview.columns
    assert len(preview) == 5, "preview_rows caps the preview"
    assert preview["text"].str.startswith("Later comment").all()
    flat = preview.astype(str).to_string()
    for raw in (*AUTHORS, "NewPerson_Invented"):
        assert raw not in flat and raw.lower() not in flat.lower()
    assert preview["author_pseudonym"].str.startswith("anon_").all()
    assert project.stats()["comments"] == 10


def test_preview_text_is_cut(session: ImportSession) -> None:
    outcome = session.import_uploads([("long.ndjson", reddit_dump(1, long_text=True))])
    text = outcome.preview.loc[0, "text"]
    assert len(text) <= PREVIEW_TEXT_CHARS and text.endswith("…")


def test_bad_record_names_file_and_line_and_leaves_project_unchanged(
    session: ImportSession, project: Project
) -> None:
    session.import_uploads([("good.ndjson", reddit_dump(2))])
    before = project.stats()
    imports_before = len(project.store.imports())
    bad = (
        reddit_line(20, "Ann_Example", "fine")
        + "\n"
        + '{"id": "c21", "author": "x", "body": "cut off", "created_utc":\n'
        + reddit_line(22, "Ann_Example", "also fine")
        + "\n"
    ).encode()
    outcome = session.import_uploads([("more.ndjson", reddit_dump(3)), ("broken.ndjson", bad)])
    assert outcome.error is not None
    assert "broken.ndjson" in outcome.error and "line 2" in outcome.error
    assert outcome.report is None and outcome.summary == [] and outcome.preview.empty
    assert project.stats() == before
    assert len(project.store.imports()) == imports_before


def test_other_exceptions_propagate(
    session: ImportSession, monkeypatch: pytest.MonkeyPatch
) -> None:
    session.stage([("a.ndjson", reddit_dump())])

    def broken(*args: object, **kwargs: object) -> None:
        raise RuntimeError("a bug, not a user error")

    monkeypatch.setattr(session.project, "import_files", broken)
    with pytest.raises(RuntimeError, match="a bug"):
        session.run()


def test_csv_imports_with_a_mapping(session: ImportSession, project: Project) -> None:
    session.stage([("survey.csv", SURVEY)])
    mapping = session.mapping(
        "Answer", id="Response ID", time="Submitted", author="Respondent", thread="", dayfirst=True
    )
    assert mapping is not None and mapping.thread_column is None
    outcome = session.run(mapping=mapping)
    assert outcome.ok, outcome.error
    assert outcome.summary[0] | {} == {
        "file": "survey.csv",
        "format": "csv",
        "rows": 3,
        "new": 3,
        "updated": 0,
        "duplicate": 0,
        "gaps": 0,
        "skipped": 0,
        "non_substantive": 1,  # "N/A" is kept, and counted
    }
    assert outcome.preview["created_at"].iloc[0].day == 25
    assert "Ann_Example" not in outcome.preview.to_string()
    assert project.comments(private=True)["author"].tolist() == [
        "Ann_Example", "bob_example", "CaraInvented",
    ]  # fmt: skip


def test_mapping_without_text_column_is_none() -> None:
    assert ImportSession.mapping("") is None
    assert ImportSession.mapping(None, id="x") is None


def test_bad_mapping_column_comes_back_as_error(session: ImportSession) -> None:
    session.stage([("survey.csv", SURVEY)])
    outcome = session.run(mapping=session.mapping("Comment"))
    assert outcome.error is not None
    assert "survey.csv" in outcome.error and "'Comment'" in outcome.error


def test_date_order_is_inferred_from_the_column(session: ImportSession) -> None:
    session.stage([("survey.csv", SURVEY)])
    outcome = session.run(mapping=session.mapping("Answer", time="Submitted"))
    assert outcome.ok, outcome.error
    assert outcome.preview["created_at"].dt.day.tolist() == [25, 26, 26]


def test_contradicting_date_with_strict_names_row_and_leaves_project_unchanged(
    session: ImportSession, project: Project
) -> None:
    session.stage([("survey.csv", SURVEY)])
    mapping = session.mapping("Answer", time="Submitted", date_order="month-first", strict=True)
    assert mapping is not None and mapping.strict and mapping.date_order == "month-first"
    outcome = session.run(mapping=mapping)
    assert outcome.error is not None, "25/11/2026 read month first must not be misread"
    assert "survey.csv" in outcome.error and "row 2" in outcome.error
    assert "'25/11/2026 14:05'" in outcome.error
    assert project.stats()["comments"] == 0


def test_contradicting_date_without_strict_keeps_the_row_without_a_time(
    session: ImportSession, project: Project
) -> None:
    session.stage([("survey.csv", SURVEY)])
    outcome = session.run(
        mapping=session.mapping("Answer", time="Submitted", date_order="month-first")
    )
    assert outcome.ok, outcome.error
    assert outcome.preview["created_at"].isna().all()
    stored = project.comments().sort_values("text")
    assert [json.loads(a)["Submitted"] for a in stored["attributes"]] == [
        "26/11/2026 10:00",  # "N/A": kept, a non-substantive answer
        "26/11/2026 09:30",
        "25/11/2026 14:05",
    ]


def test_mapping_date_order_is_validated() -> None:
    with pytest.raises(MappingError, match="'dmy' is not a date order"):
        ImportSession.mapping("Answer", date_order="dmy")
    mapping = ImportSession.mapping("Answer", dayfirst=True)
    assert mapping is not None and mapping.declared_date_order == "day-first"


def test_forcing_csv_format_offers_the_mapping(session: ImportSession) -> None:
    session.stage([("answers.txt", SURVEY)])
    assert session.needs_mapping("csv")
    assert session.table_columns("csv") == ["Response ID", "Answer", "Submitted", "Respondent"]
    assert not session.needs_mapping("reddit-dump")


def test_mapping_columns_of_several_tables_are_the_shared_ones(session: ImportSession) -> None:
    other = b"Answer,Extra,Respondent\nhello,1,someone\n"
    session.stage([("a.csv", SURVEY), ("b.csv", other)])
    assert session.table_columns() == ["Answer", "Respondent"]


# -- csv_columns -----------------------------------------------------------------------


def test_csv_columns_reads_only_the_header(tmp_path: Path) -> None:
    path = tmp_path / "t.csv"
    path.write_bytes(b"text;when;;text\nhello;2026-01-01;x;y\n")
    assert csv_columns(path) == ["text", "when", "column_3", "text_2"]


def test_csv_columns_of_a_workbook(tmp_path: Path) -> None:
    book = openpyxl.Workbook()
    book.active.append(["Comment", "Date"])
    book.active.append(["Hi", "2026-01-01"])
    book.save(tmp_path / "t.xlsx")
    assert csv_columns(tmp_path / "t.xlsx") == ["Comment", "Date"]


@pytest.mark.parametrize("content", [b"", b"PK\x03\x04 not really a zip"])
def test_csv_columns_errors_are_workbench_errors(tmp_path: Path, content: bytes) -> None:
    path = tmp_path / "bad.xlsx"
    path.write_bytes(content)
    with pytest.raises(WorkbenchError, match="bad.xlsx"):
        csv_columns(path)


def test_csv_columns_of_a_missing_file(tmp_path: Path) -> None:
    with pytest.raises(WorkbenchError, match="missing.csv"):
        csv_columns(tmp_path / "missing.csv")


def test_the_controller_does_not_load_widgets() -> None:
    code = (
        "import sys, workbench.import_session; "
        "sys.exit(1 if {'ipywidgets', 'IPython'} & set(sys.modules) else 0)"
    )
    assert subprocess.run([sys.executable, "-c", code]).returncode == 0


def test_progress_and_loader_warnings_are_passed_on(session: ImportSession) -> None:
    calls: list[tuple[str, int]] = []
    session.stage([("dump.ndjson", reddit_dump(3)), ("twice.csv", b"Answer,Answer\nhi,ho\n")])
    outcome = session.run(mapping=session.mapping("Answer"), progress=lambda *a: calls.append(a))
    assert outcome.ok, outcome.error
    assert ("dump.ndjson", 3) in calls and ("twice.csv", 1) in calls
    assert any(w.startswith("twice.csv: ") and "'Answer_2'" in w for w in outcome.warnings)
