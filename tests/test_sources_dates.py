"""Time columns that mix day/month and month/day dates (national feedback exports)."""

from __future__ import annotations

import gzip
import json
from datetime import UTC, datetime
from pathlib import Path

import openpyxl
import pandas as pd
import pytest
from click.testing import CliRunner

from workbench import pipeline, sources
from workbench.errors import MappingError, RecordError
from workbench.sources import ColumnMapping
from workbench.sources.tabletimes import DateOrderConflict, DateTally, date_order_of, parse_time


def day(frame: pd.DataFrame, comment_id: str) -> str | None:
    value = frame.set_index("comment_id").loc[comment_id, "created_at"]
    return None if pd.isna(value) else value.strftime("%Y-%m-%d %H:%M")


# Providers A and C write day/month/year, provider B month/day/year.
MIXED = (
    "id,provider,received,comment\n"
    "1,A,25/11/2026 14:05,The ward was spotless\n"
    "2,A,26/11/2026,Waited four hours\n"
    "3,B,11/26/2026,Parking was impossible\n"
    "4,C,27/11/2026 08:15,Kind nurses\n"
    "5,A,05/11/2026,Food was cold\n"
    "6,B,12/13/2026 9:30 AM,No chairs in the corridor\n"
    "7,C,2026-11-28T10:00:00Z,Clear letters\n"
    "8,C,13/12/2026,Friendly reception\n"
    "9,A,,No date given\n"
)
MAPPING = ColumnMapping("comment", id_column="id", time_column="received")


def write(tmp_path: Path, text: str, name: str = "feedback.csv") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def check_mixed(frame: pd.DataFrame) -> None:
    assert frame["comment_id"].tolist() == [f"csv:{n}" for n in range(1, 10)], "every row"
    assert day(frame, "csv:1") == "2026-11-25 14:05"
    assert day(frame, "csv:2") == "2026-11-26 00:00"
    assert day(frame, "csv:4") == "2026-11-27 08:15"
    assert day(frame, "csv:5") == "2026-11-05 00:00", "ambiguous: read in the majority order"
    assert day(frame, "csv:7") == "2026-11-28 10:00"
    assert day(frame, "csv:8") == "2026-12-13 00:00"
    assert day(frame, "csv:3") is None and day(frame, "csv:6") is None
    assert day(frame, "csv:9") is None
    rows = frame.set_index("comment_id")
    assert json.loads(rows.loc["csv:3", "attributes"]) == {
        "provider": "B",
        "received": "11/26/2026",
    }
    assert json.loads(rows.loc["csv:6", "attributes"])["received"] == "12/13/2026 9:30 AM"
    assert json.loads(rows.loc["csv:1", "attributes"]) == {"provider": "A"}
    assert json.loads(rows.loc["csv:9", "attributes"]) == {"provider": "A"}, "empty is no flag"


FLAGGED = [
    ("time-contradicts-date-order", "row 4: '11/26/2026'"),
    ("time-contradicts-date-order", "row 7: '12/13/2026 9:30 AM'"),
]


def test_mixed_orders_import_every_row_in_the_majority_order(tmp_path: Path) -> None:
    frame = sources.read(write(tmp_path, MIXED), mapping=MAPPING)
    check_mixed(frame)
    assert frame.attrs["flagged"] == FLAGGED
    assert frame.attrs["skipped"] == []
    (note,) = frame.attrs["warnings"]
    assert "'received' mixes date orders" in note
    assert "4 dates can only be day/month/year and 2 only month/day/year" in note
    assert "day/month/year (the majority)" in note and "--date-order" in note


def test_mixed_orders_flags_arrive_with_their_batches(tmp_path: Path) -> None:
    path = write(tmp_path, MIXED)
    _, batches = sources.iter_batches(path, mapping=MAPPING, batch_size=4)
    flagged = [batch.flagged for _, batch in batches]
    assert flagged[:2] == [[FLAGGED[0]], [FLAGGED[1]]]
    assert sum(flagged, []) == FLAGGED


def test_mixed_orders_in_a_compressed_file(tmp_path: Path) -> None:
    path = tmp_path / "feedback.csv.gz"
    path.write_bytes(gzip.compress(MIXED.encode()))
    frame = sources.read(path, mapping=MAPPING)
    check_mixed(frame)
    assert frame.attrs["flagged"] == FLAGGED


def test_mixed_orders_in_a_tsv_file(tmp_path: Path) -> None:
    path = write(tmp_path, MIXED.replace(",", "\t"), "feedback.tsv")
    frame = sources.read(path, mapping=MAPPING)
    check_mixed(frame)


def test_mixed_orders_in_a_workbook(tmp_path: Path) -> None:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "Export"
    for line in MIXED.splitlines():
        sheet.append([int(c) if c.isdigit() else (c or None) for c in line.split(",")])
    sheet.append([10, "B", datetime(2026, 11, 29, 12, 0), "A real date cell"])
    sheet.append([11, "B", "11/30/2026", "Month first again"])
    path = tmp_path / "feedback.xlsx"
    book.save(path)
    frame = sources.read(path, mapping=MAPPING)
    assert len(frame) == 11
    assert day(frame, "csv:1") == "2026-11-25 14:05"
    assert day(frame, "csv:10") == "2026-11-29 12:00"
    assert day(frame, "csv:3") is None and day(frame, "csv:11") is None
    assert [ref for _, ref in frame.attrs["flagged"]] == [
        "row 4: '11/26/2026'",
        "row 7: '12/13/2026 9:30 AM'",
        "row 12: '11/30/2026'",
    ]


def test_majority_month_first(tmp_path: Path) -> None:
    text = "text,when\na,11/25/2026\nb,11/26/2026\nc,25/11/2026\nd,05/11/2026\n"
    frame = sources.read(write(tmp_path, text), mapping=ColumnMapping("text", time_column="when"))
    assert frame["created_at"].dt.strftime("%m-%d").tolist()[:2] == ["11-25", "11-26"]
    assert frame["created_at"].dt.strftime("%m-%d").tolist()[3] == "05-11"
    assert frame.attrs["flagged"] == [("time-contradicts-date-order", "row 4: '25/11/2026'")]


def test_ambiguous_only_column_reads_month_first_and_warns(tmp_path: Path) -> None:
    text = "text,when\na,05/11/2026\nb,06/11/2026 10:00\nc,2026-01-01\n"
    frame = sources.read(write(tmp_path, text), mapping=ColumnMapping("text", time_column="when"))
    assert frame["created_at"].dt.strftime("%Y-%m-%d").tolist() == [
        "2026-05-11",
        "2026-06-11",
        "2026-01-01",
    ]
    assert frame.attrs["flagged"] == []
    (note,) = frame.attrs["warnings"]
    assert "all 2 numeric dates read both as day/month/year and as month/day/year" in note
    assert "read as month/day/year" in note
    assert "--date-order day-first" in note and "date_order" in note


def test_column_without_numeric_dates_gives_no_warning(tmp_path: Path) -> None:
    text = "text,when\na,2026-11-05\nb,Nov 6 2026\nc,1795615500\n"
    frame = sources.read(write(tmp_path, text), mapping=ColumnMapping("text", time_column="when"))
    assert frame.attrs["warnings"] == [] and frame.attrs["flagged"] == []
    assert frame["created_at"].notna().all()


def test_even_split_reads_month_first_and_warns(tmp_path: Path) -> None:
    text = "text,when\na,25/11/2026\nb,11/25/2026\n"
    frame = sources.read(write(tmp_path, text), mapping=ColumnMapping("text", time_column="when"))
    assert frame.attrs["flagged"] == [("time-contradicts-date-order", "row 2: '25/11/2026'")]
    assert "an even split" in frame.attrs["warnings"][0]


@pytest.mark.parametrize(
    "mapping",
    [
        ColumnMapping("comment", id_column="id", time_column="received", date_order="day-first"),
        ColumnMapping("comment", id_column="id", time_column="received", dayfirst=True),
        ColumnMapping(
            "comment", id_column="id", time_column="received", dayfirst=True, date_order="day-first"
        ),
    ],
)
def test_declared_day_first(tmp_path: Path, mapping: ColumnMapping) -> None:
    frame = sources.read(write(tmp_path, MIXED), mapping=mapping)
    check_mixed(frame)
    assert frame.attrs["flagged"] == FLAGGED
    assert frame.attrs["warnings"] == [], "a declared order needs no note"


def test_declared_order_overrides_the_majority(tmp_path: Path) -> None:
    mapping = ColumnMapping(
        "comment", id_column="id", time_column="received", date_order="month-first"
    )
    frame = sources.read(write(tmp_path, MIXED), mapping=mapping)
    assert day(frame, "csv:3") == "2026-11-26 00:00"
    assert day(frame, "csv:5") == "2026-05-11 00:00"
    assert day(frame, "csv:1") is None
    assert [ref for _, ref in frame.attrs["flagged"]] == [
        "row 2: '25/11/2026 14:05'",
        "row 3: '26/11/2026'",
        "row 5: '27/11/2026 08:15'",
        "row 9: '13/12/2026'",
    ]


def test_declared_order_on_ambiguous_column_reads_day_first(tmp_path: Path) -> None:
    text = "text,when\na,05/11/2026\nb,06/11/2026 10:00\n"
    mapping = ColumnMapping("text", time_column="when", date_order="day-first")
    frame = sources.read(write(tmp_path, text), mapping=mapping)
    assert frame["created_at"].dt.strftime("%m-%d").tolist() == ["11-05", "11-06"]
    assert frame.attrs["warnings"] == []


def test_unreadable_time_is_flagged_apart_from_contradictions(tmp_path: Path) -> None:
    text = MIXED + "10,B,next Tuesday,Soon\n11,B,31/02/2026,Not a day\n"
    frame = sources.read(write(tmp_path, text), mapping=MAPPING)
    assert frame.attrs["flagged"] == [
        *FLAGGED,
        ("time-unreadable", "row 11: 'next Tuesday'"),
        ("time-unreadable", "row 12: '31/02/2026'"),
    ]
    rows = frame.set_index("comment_id")
    assert json.loads(rows.loc["csv:10", "attributes"])["received"] == "next Tuesday"
    assert pd.isna(rows.loc["csv:11", "created_at"])


def test_strict_refuses_the_first_contradicting_row(tmp_path: Path) -> None:
    mapping = ColumnMapping("comment", id_column="id", time_column="received", strict=True)
    with pytest.raises(RecordError) as caught:
        sources.read(write(tmp_path, MIXED), mapping=mapping)
    error = caught.value
    assert error.record == "row 4" and error.path is not None
    assert error.path.endswith("feedback.csv")
    assert "'received'" in error.problem and "'11/26/2026'" in error.problem
    assert "month/day/year" in error.problem
    assert "day/month/year" in (error.hint or "")
    assert "--date-order" in (error.hint or "") and "--strict" in (error.hint or "")


def test_strict_refuses_an_unreadable_time(tmp_path: Path) -> None:
    text = "text,when\na,2026-11-05\nb,soon\n"
    mapping = ColumnMapping("text", time_column="when", date_order="day-first", strict=True)
    with pytest.raises(RecordError, match=r"when\.csv, row 3: column 'when' holds 'soon'"):
        sources.read(write(tmp_path, text, "when.csv"), mapping=mapping)


def test_strict_without_problems_imports(tmp_path: Path) -> None:
    text = "text,when\na,25/11/2026\nb,05/11/2026\n"
    mapping = ColumnMapping("text", time_column="when", strict=True)
    frame = sources.read(write(tmp_path, text), mapping=mapping)
    assert frame["created_at"].dt.strftime("%m-%d").tolist() == ["11-25", "11-05"]


# --- a mis-mapped time column ---------------------------------------------------------

WORDS = "text,ward,when\n" + "".join(
    f"answer {n},Ward {n},2026-11-{n + 1:02d}\n" for n in range(12)
)


@pytest.mark.parametrize("order", ["auto", "day-first", "month-first"])
def test_mis_mapped_time_column_is_refused(tmp_path: Path, order: str) -> None:
    mapping = ColumnMapping("text", time_column="ward", date_order=order)
    with pytest.raises(MappingError) as caught:
        sources.read(write(tmp_path, WORDS, "survey.csv"), mapping=mapping)
    message = str(caught.value)
    assert "survey.csv" in message and "'ward'" in message
    assert "12 of its 12 non-empty values" in message
    assert "'Ward 0', 'Ward 1', 'Ward 2'" in message
    assert "Check the mapping" in message


def test_small_file_all_unreadable_is_refused(tmp_path: Path) -> None:
    text = "text,when\na,soon\nb,later\n"
    with pytest.raises(MappingError, match=r"'when' does not hold dates or times"):
        sources.read(write(tmp_path, text), mapping=ColumnMapping("text", time_column="when"))


def test_a_minority_of_unreadable_times_is_only_flagged(tmp_path: Path) -> None:
    lines = [f"answer {n},2026-11-{n + 1:02d}" for n in range(6)] + [
        f"odd {n},sometime" for n in range(5)
    ]
    path = write(tmp_path, "text,when\n" + "\n".join(lines) + "\n")
    frame = sources.read(path, mapping=ColumnMapping("text", time_column="when"))
    assert len(frame) == 11
    assert [reason for reason, _ in frame.attrs["flagged"]] == ["time-unreadable"] * 5


def test_mostly_unreadable_in_a_larger_file_is_refused(tmp_path: Path) -> None:
    lines = [f"answer {n},2026-11-{n + 1:02d}" for n in range(5)] + [
        f"odd {n},sometime {n}" for n in range(6)
    ]
    path = write(tmp_path, "text,when\n" + "\n".join(lines) + "\n")
    with pytest.raises(MappingError, match="6 of its 11 non-empty values"):
        sources.read(path, mapping=ColumnMapping("text", time_column="when"))


def test_real_export_with_a_text_column_mapped_as_time_is_refused(
    shared_fixtures: Path,
) -> None:
    # The real Care Opinion export has no date column; mapping one of its text or
    # number columns as the time column must be caught, not import 1,977 empty times.
    path = shared_fixtures / "csv" / "care_opinion_co.csv"
    for column in ("organization", "row_index"):
        mapping = ColumnMapping("feedback", time_column=column)
        with pytest.raises(MappingError) as caught:
            sources.read(path, mapping=mapping)
        assert "care_opinion_co.csv" in str(caught.value)
        assert f"the time column {column!r} does not hold dates or times" in str(caught.value)


# --- the mapping ----------------------------------------------------------------------


def test_unknown_date_order_is_refused() -> None:
    with pytest.raises(MappingError) as caught:
        ColumnMapping("text", date_order="dayfirst")
    assert "'dayfirst' is not a date order" in str(caught.value)
    assert "'auto', 'day-first', 'month-first'" in str(caught.value)


def test_dayfirst_contradicting_month_first_is_refused() -> None:
    with pytest.raises(MappingError, match="contradicts its date_order 'month-first'"):
        ColumnMapping("text", dayfirst=True, date_order="month-first")


def test_declared_date_order() -> None:
    assert ColumnMapping("t").declared_date_order == "auto"
    assert ColumnMapping("t", dayfirst=True).declared_date_order == "day-first"
    assert ColumnMapping("t", date_order="month-first").declared_date_order == "month-first"


# --- one value --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("25/11/2026", "day-first"),
        ("11/25/2026 2:05 PM", "month-first"),
        ("05/11/2026", "either"),
        ("05.11.26", "either"),
        ("07/07/2026", None),
        ("31/02/2026", None),
        ("13/13/2026", None),
        ("2026/11/05", None),
        ("Nov 5 2026", None),
        ("", None),
        (None, None),
        (datetime(2026, 1, 1), None),
    ],
)
def test_date_order_of(value: object, expected: str | None) -> None:
    assert date_order_of(value) == expected


def test_contradiction_is_a_value_error_of_its_own() -> None:
    with pytest.raises(DateOrderConflict, match="only be read as day/month/year"):
        parse_time("25/11/2026")
    with pytest.raises(DateOrderConflict, match="only be read as month/day/year"):
        parse_time("11/25/2026", dayfirst=True)
    for neither in ("31/02/2026", "13/13/2026", "next Tuesday"):
        with pytest.raises(ValueError) as caught:
            parse_time(neither)
        assert not isinstance(caught.value, DateOrderConflict)
    assert parse_time("25/11/2026", dayfirst=True) == datetime(2026, 11, 25, tzinfo=UTC).timestamp()


def test_tally_counts() -> None:
    tally = DateTally()
    for value in ["25/11/2026", "26/11/2026", "11/25/2026", "05/11/2026", "2026-01-01", "", "x"]:
        tally.add(value)
    assert (tally.values, tally.day_first, tally.month_first, tally.either) == (6, 2, 1, 1)
    assert tally.unreadable == 1 and tally.examples == ["x"]
    assert tally.order() == "day-first" and not tally.misfit()


# --- through the reader process, a project and the command line ------------------------


def test_flags_survive_the_reader_process(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(pipeline, "PARALLEL_MIN_BYTES", 0)
    monkeypatch.setattr(pipeline.os, "cpu_count", lambda: 2)
    path = write(tmp_path, MIXED)
    name, batches = pipeline.produce_batches(path, "csv", MAPPING, 4)
    items = list(batches)
    assert name == "csv"
    assert sum((batch.flagged for _, batch in items), []) == FLAGGED
    assert any("mixes date orders" in w for _, batch in items for w in batch.warnings)


def test_project_import_stores_flagged_rows_without_a_time(tmp_path: Path) -> None:
    from workbench.project import Project

    path = write(tmp_path, MIXED)
    with Project.init(tmp_path / "study") as project:
        report = project.import_files([path], mapping=MAPPING)
        assert report.files[0].rows == 9
        comments = project.comments().set_index("comment_id")
    assert len(comments) == 9
    assert comments["created_at"].isna().sum() == 3  # rows 4 and 7, and the empty cell
    assert comments.loc["csv:3", "created_at"] is pd.NaT
    assert comments.loc["csv:6", "created_at"] is pd.NaT
    assert comments.loc["csv:1", "created_at"] == pd.Timestamp("2026-11-25 14:05", tz="UTC")
    assert json.loads(comments.loc["csv:3", "attributes"])["received"] == "11/26/2026"
    assert any("mixes date orders" in w for w in report.files[0].warnings)


def test_cli_date_order_and_strict(tmp_path: Path) -> None:
    from workbench.cli import main

    path = write(tmp_path, MIXED)
    project = str(tmp_path / "study")
    runner = CliRunner()
    assert runner.invoke(main, ["init", project]).exit_code == 0
    base = ["import", project, str(path), "--text-column", "comment", "--id-column", "id",
            "--time-column", "received"]  # fmt: skip
    refused = runner.invoke(main, [*base, "--strict"])
    assert refused.exit_code == 2
    assert "row 4" in refused.output and "'11/26/2026'" in refused.output
    clash = runner.invoke(main, [*base, "--dayfirst", "--date-order", "month-first"])
    assert clash.exit_code == 2 and "contradicts" in clash.output
    bad = runner.invoke(main, [*base, "--date-order", "dmy"])
    assert bad.exit_code == 2 and "'dmy' is not one of" in bad.output
    done = runner.invoke(main, [*base, "--date-order", "month-first", "--json"])
    assert done.exit_code == 0, done.output
    report = json.loads(done.output)
    assert report["totals"]["new"] == 9
