"""Generic CSV / TSV / Excel tables read through a column mapping."""

from __future__ import annotations

import csv
import json
from datetime import UTC, datetime
from pathlib import Path

import pandas as pd
import pytest

from workbench import sources
from workbench.errors import MappingError, RecordError, SourceError
from workbench.sources import ColumnMapping
from workbench.sources.tabular import is_filler, parse_time


def ts(text: str) -> float:
    return datetime.fromisoformat(text).replace(tzinfo=UTC).timestamp()


# --- the real file -------------------------------------------------------------------


@pytest.fixture(scope="module")
def care_opinion(shared_fixtures: Path) -> Path:
    return shared_fixtures / "csv" / "care_opinion_co.csv"


def test_care_opinion_loads_every_row_with_codes(care_opinion: Path) -> None:
    with open(care_opinion, newline="", encoding="utf-8") as handle:
        reference = list(csv.DictReader(handle))
    assert len(reference) == 1977
    assert "feedback" in reference[0]  # the text column is called 'feedback'
    empty = sum(not r["feedback"].strip() for r in reference)
    mapping = ColumnMapping(text_column="feedback", id_column="row_index")
    frame = sources.read(care_opinion, mapping=mapping)
    assert frame.attrs["format"] == "csv"
    assert len(frame) == 1977 - empty, "filler answers are kept (the project flags them)"
    assert len(frame.attrs["skipped"]) == empty
    assert frame["comment_id"].is_unique
    assert set(frame["platform"]) == {"csv"}
    assert set(frame["thread_id"]) == {"csv:file:care_opinion_co"}
    assert (frame["depth"] == 1).all()
    first = json.loads(frame["attributes"].iloc[0])
    assert first["label"] == reference[0]["label"]
    assert first["subcategory"] == reference[0]["subcategory"]
    assert "row_index" not in first and "feedback" not in first
    labels = {json.loads(a)["label"] for a in frame["attributes"]}
    assert {"Staff", "Care received", "Access"} <= labels
    # junk in `criticality` is kept as text, not parsed
    criticality = {json.loads(a).get("criticality") for a in frame["attributes"]}
    assert {"xx", "x", "-3"} <= criticality


def test_care_opinion_embedded_newlines_survive(care_opinion: Path) -> None:
    with open(care_opinion, newline="", encoding="utf-8") as handle:
        reference = {r["row_index"]: r["feedback"] for r in csv.DictReader(handle)}
    multiline = [k for k, v in reference.items() if "\n" in v.strip()]
    assert len(multiline) > 1000
    frame = sources.read(care_opinion, mapping=ColumnMapping("feedback", id_column="row_index"))
    texts = dict(zip(frame["comment_id"], frame["text"], strict=True))
    for key in multiline[:50]:
        assert "\n" in texts[f"csv:{key}"]
        assert "\r" not in texts[f"csv:{key}"]


def test_care_opinion_without_mapping_lists_columns(care_opinion: Path) -> None:
    with pytest.raises(MappingError) as caught:
        sources.read(care_opinion)
    message = str(caught.value)
    assert "care_opinion_co.csv" in message
    assert "'feedback'" in message and "'label'" in message
    assert "--text-column" in message


def test_care_opinion_hash_ids_are_stable_and_distinct(care_opinion: Path) -> None:
    mapping = ColumnMapping(text_column="FEEDBACK")  # case-insensitive match
    first = sources.read(care_opinion, mapping=mapping)
    again = sources.read(care_opinion, mapping=mapping)
    assert first["comment_id"].is_unique
    assert first["comment_id"].tolist() == again["comment_id"].tolist()


# --- hand-written fixtures ------------------------------------------------------------

SURVEY = ColumnMapping(
    text_column="answer",
    id_column="response_id",
    time_column="submitted",
    author_column="respondent",
    dayfirst=True,
)


def test_bom_crlf_mixed_dates_fillers_and_duplicates(data_dir: Path) -> None:
    frame = sources.read(data_dir / "csv" / "survey_bom_crlf.csv", mapping=SURVEY)
    assert frame["comment_id"].tolist() == [
        "csv:R-001", "csv:R-002", "csv:R-003", "csv:R-004", "csv:R-005", "csv:R-006",
        "csv:R-007", "csv:R-009",
    ]  # fmt: skip
    # filler answers (N/A, none., -) are kept: the project flags them as non-substantive.
    # Rows as a spreadsheet numbers them; R-002 has an embedded CRLF, so lines shift by one
    assert frame.attrs["skipped"] == [("duplicate", "row 9 (line 10) (same as row 2)")]
    assert all(is_filler(t) for t in frame.set_index("comment_id").loc[
        ["csv:R-003", "csv:R-004", "csv:R-006"], "text"])  # fmt: skip
    rows = frame.set_index("comment_id")
    assert rows.loc["csv:R-002", "text"] == 'Waited four hours\nin the corridor, "no chairs"'
    assert rows.loc["csv:R-007", "text"] == "Café staff were lovely 😀"
    times = {cid: t.timestamp() for cid, t in rows["created_at"].dropna().items()}
    assert times["csv:R-001"] == ts("2026-11-25T14:05:00")
    assert times["csv:R-002"] == ts("2026-11-25T14:05:00")  # 25/11/2026 14:05, day first
    assert times["csv:R-005"] == ts("2026-11-26T00:00:00")
    assert times["csv:R-007"] == ts("2026-11-26T09:30:00")
    assert times["csv:R-009"] == ts("2026-11-27T08:15:00")  # Nov 27, 2026 8:15 AM
    assert rows.loc["csv:R-001", "author"] == "resp-a"
    assert json.loads(rows.loc["csv:R-002", "attributes"]) == {"ward": "A&E", "rating": "2"}
    assert json.loads(rows.loc["csv:R-005", "attributes"]) == {"rating": "3"}  # empty dropped
    assert rows.loc["csv:R-009", "text"] == "No"  # a short real answer is not filler


def test_tsv_reply_tree_with_custom_platform(data_dir: Path) -> None:
    mapping = ColumnMapping(
        text_column="text",
        id_column="id",
        thread_column="thread",
        parent_column="parent",
        author_column="author",
        time_column="posted",
        platform="forum",
    )
    frame = sources.read(data_dir / "csv" / "replies.tsv", mapping=mapping).set_index("comment_id")
    assert frame.loc["forum:c1", "text"] == "Reply to the opening, with a comma"
    assert frame.loc["forum:p1", "thread_id"] == "forum:thread:t1"
    assert frame.loc["forum:p1", "parent_id"] == "forum:thread:t1"
    assert frame.loc["forum:c1", "parent_id"] == "forum:p1"
    assert frame.loc["forum:c2", "parent_id"] == "forum:c1"
    assert frame["depth"].to_dict() == {"forum:p1": 1, "forum:c1": 2, "forum:c2": 3, "forum:q1": 1}
    assert frame.loc["forum:q1", "thread_id"] == "forum:thread:t2"
    assert set(frame["platform"]) == {"forum"}
    assert json.loads(frame.loc["forum:c1", "attributes"]) == {"code": "theme-b"}
    assert pd_isna(frame.loc["forum:c2", "attributes"])


def pd_isna(value: object) -> bool:
    import pandas as pd

    return bool(pd.isna(value))


def test_xlsx_written_with_openpyxl(tmp_path: Path) -> None:
    openpyxl = pytest.importorskip("openpyxl")
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "Intro"
    sheet.append(["This sheet is a cover page"])
    data = book.create_sheet("Responses")
    data.append(["ID", "When", "Comment", "Score", "Note"])
    data.append([101, datetime(2026, 11, 25, 14, 5), "Clean wards", 4.0, None])
    data.append([102, "25/11/2026 16:00", "n/a", 2, "skip me"])
    data.append([103, 46351.5, "Line one\nline two", 3.5, "serial date"])
    path = tmp_path / "responses.xlsx"
    book.save(path)
    mapping = ColumnMapping(
        text_column="comment", id_column="id", time_column="when", sheet="Responses", dayfirst=True
    )
    assert sources.detect(path, mapping=mapping) == "csv"
    frame = sources.read(path, mapping=mapping)
    assert frame["comment_id"].tolist() == ["csv:101", "csv:102", "csv:103"]
    assert frame.attrs["skipped"] == []  # "n/a" is kept, a non-substantive answer
    assert frame["text"].tolist() == ["Clean wards", "n/a", "Line one\nline two"]
    assert frame["created_at"].iloc[0].timestamp() == ts("2026-11-25T14:05:00")
    assert frame["created_at"].iloc[2].timestamp() == ts("2026-11-25T12:00:00")
    assert json.loads(frame["attributes"].iloc[0]) == {"Score": "4"}
    assert json.loads(frame["attributes"].iloc[2]) == {"Score": "3.5", "Note": "serial date"}
    by_index = sources.read(path, mapping=ColumnMapping("Comment", sheet=1))
    assert len(by_index) == 3
    with pytest.raises(MappingError, match=r"no sheet 'Answers'.*'Intro', 'Responses'"):
        sources.read(path, mapping=ColumnMapping("Comment", sheet="Answers"))


def test_cp1252_file_falls_back(tmp_path: Path) -> None:
    path = tmp_path / "legacy.csv"
    path.write_bytes("id;comment\r\n1;Caf\u00e9 \u2013 \u201cgood\u201d\r\n".encode("cp1252"))
    frame = sources.read(path, mapping=ColumnMapping("comment", id_column="id"))
    assert frame["text"].tolist() == ["Caf\u00e9 \u2013 \u201cgood\u201d"]


def test_gzip_and_hash_ids_repeat_identical_answers(tmp_path: Path) -> None:
    import gzip

    path = tmp_path / "answers.csv.gz"
    path.write_bytes(gzip.compress(b"answer\nExcellent\nExcellent\nPoor\n"))
    frame = sources.read(path, mapping=ColumnMapping("answer"))
    assert len(frame) == 3 and frame["comment_id"].is_unique
    assert set(frame["thread_id"]) == {"csv:file:answers"}
    assert frame["comment_id"].str.startswith("csv:sha1-").all()


# --- errors ---------------------------------------------------------------------------


def test_unparseable_date_is_flagged_and_kept(data_dir: Path) -> None:
    mapping = ColumnMapping(text_column="text", id_column="id", time_column="when")
    frame = sources.read(data_dir / "csv" / "bad_date.csv", mapping=mapping)
    assert len(frame) == 3
    assert frame.attrs["flagged"] == [("time-unreadable", "row 4: 'next Tuesday'")]
    row = frame.set_index("comment_id").loc["csv:3"]
    assert row["created_at"] is pd.NaT
    assert json.loads(row["attributes"]) == {"when": "next Tuesday"}


def test_unparseable_date_with_strict_names_row_column_and_value(data_dir: Path) -> None:
    mapping = ColumnMapping(text_column="text", id_column="id", time_column="when", strict=True)
    with pytest.raises(RecordError) as caught:
        sources.read(data_dir / "csv" / "bad_date.csv", mapping=mapping)
    message = str(caught.value)
    assert "bad_date.csv, row 4" in message
    assert "'when'" in message and "'next Tuesday'" in message
    assert "--strict" in message


def test_day_first_value_in_a_declared_month_first_column_with_strict(tmp_path: Path) -> None:
    path = tmp_path / "dates.csv"
    path.write_text("text,date\nfine,11/05/2026\nhmm,25/11/2026\n")
    month_first = ColumnMapping("text", time_column="date", date_order="month-first", strict=True)
    with pytest.raises(RecordError, match=r"row 3.*'25/11/2026'.*day/month/year.*--date-order"):
        sources.read(path, mapping=month_first)
    inferred = sources.read(path, mapping=ColumnMapping("text", time_column="date", strict=True))
    assert inferred["created_at"].dt.strftime("%Y-%m-%d").tolist() == ["2026-05-11", "2026-11-25"]


@pytest.mark.parametrize(
    ("mapping", "pattern"),
    [
        (ColumnMapping("comments"), r"no column 'comments' \(named as the text column\)"),
        (ColumnMapping("answer", id_column="key"), r"no column 'key'"),
        (ColumnMapping("answer", parent_column="ward"), r"needs an id column"),
    ],
)
def test_bad_mapping_lists_columns(data_dir: Path, mapping: ColumnMapping, pattern: str) -> None:
    with pytest.raises(MappingError, match=pattern) as caught:
        sources.read(data_dir / "csv" / "survey_bom_crlf.csv", mapping=mapping)
    assert "survey_bom_crlf.csv" in str(caught.value)
    if "no column" in pattern:
        assert "'response_id', 'submitted', 'respondent', 'answer', 'ward', 'rating'" in str(
            caught.value
        )


def test_conflicting_duplicate_id_names_both_rows(tmp_path: Path) -> None:
    path = tmp_path / "dupes.csv"
    path.write_text("id,text\n7,first\n8,other\n7,changed\n")
    with pytest.raises(RecordError, match=r"dupes.csv, row 4: id '7' is already used by row 2"):
        sources.read(path, mapping=ColumnMapping("text", id_column="id"))


def test_extra_unquoted_values_are_an_error(tmp_path: Path) -> None:
    path = tmp_path / "ragged.csv"
    path.write_text("id,text\n1,fine\n2,has, an unquoted comma\n3,short\n")
    with pytest.raises(RecordError, match=r"ragged.csv, row 3: has 3 values.*' an unquoted comma'"):
        sources.read(path, mapping=ColumnMapping("text", id_column="id"))


@pytest.mark.parametrize(
    ("content", "where", "problem"),
    [
        (b"", "", "is empty"),
        (b"\n\n", "", "is empty"),
        (b'id,text\n1,"never closed\n' + b"x" * 140_000, ", row 2", "is not valid CSV"),
        (b"text\nfine\n\x81\x8d\x90 not text", ", line 3", "neither UTF-8 nor Windows-1252"),
    ],
)
def test_malformed_files_raise_located_errors(
    tmp_path: Path, content: bytes, where: str, problem: str
) -> None:
    path = tmp_path / "broken.csv"
    path.write_bytes(content)
    with pytest.raises(SourceError) as caught:
        sources.read(path, format="csv", mapping=ColumnMapping("text"))
    assert str(caught.value).startswith(f"{path}{where}")
    assert problem in str(caught.value)


def test_old_xls_and_damaged_xlsx(tmp_path: Path) -> None:
    old = tmp_path / "old.xls"
    old.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 100)
    with pytest.raises(SourceError, match="save it as .xlsx|Save it as .xlsx"):
        sources.read(old, mapping=ColumnMapping("text"))
    damaged = tmp_path / "damaged.xlsx"
    damaged.write_bytes(b"PK\x03\x04 not really a zip")
    with pytest.raises(SourceError, match="damaged.xlsx: is not a readable .xlsx"):
        sources.read(damaged, mapping=ColumnMapping("text"))


# --- units ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text", ["", "  ", "N/A", "n/a", " none. ", "-", ".", "...", "No comment", "NOTHING", "nil!",
             "-/-", "nothing to add."],
)  # fmt: skip
def test_fillers(text: str) -> None:
    assert is_filler(text)


@pytest.mark.parametrize("text", ["No", "Fine", "👍", "Nothing was explained to me", "OK"])
def test_not_fillers(text: str) -> None:
    assert not is_filler(text)


@pytest.mark.parametrize(
    ("value", "dayfirst", "expected"),
    [
        ("2026-11-25T14:05:00Z", False, "2026-11-25T14:05:00"),
        ("2026-11-25 14:05", False, "2026-11-25T14:05:00"),
        ("25/11/2026 14:05", True, "2026-11-25T14:05:00"),
        ("11/25/2026 2:05 PM", False, "2026-11-25T14:05:00"),
        ("Nov 25 2026", False, "2026-11-25T00:00:00"),
        ("25 November 2026", True, "2026-11-25T00:00:00"),
        ("Wed, 25 Nov 2026 14:05:00 GMT", False, "2026-11-25T14:05:00"),
        ("1795615500", False, "2026-11-25T14:05:00"),
        ("1795615500000", False, "2026-11-25T14:05:00"),
        ("25.11.26", True, "2026-11-25T00:00:00"),
    ],
)
def test_parse_time_forms(value: str, dayfirst: bool, expected: str) -> None:
    assert parse_time(value, dayfirst=dayfirst) == ts(expected)


@pytest.mark.parametrize(
    "value", ["next Tuesday", "2026", "31/02/2026", "13/13/2026", "Foo 3 2026"]
)
def test_parse_time_rejects(value: str) -> None:
    with pytest.raises(ValueError):
        parse_time(value, dayfirst=True)


def test_sniff_is_low_and_content_based(tmp_path: Path) -> None:
    from workbench.sources.base import LOADERS
    from workbench.sources.fileio import read_sample

    loader = LOADERS["csv"]
    table = tmp_path / "export"
    table.write_text("a;b;c\n1;2;3\n4;5;6\n")
    assert loader.sniff(read_sample(table)) == pytest.approx(0.1)
    listing = tmp_path / "data.csv"
    listing.write_text("x,y\n1,2\n")
    assert loader.sniff(read_sample(listing)) == pytest.approx(0.2)
    document = tmp_path / "doc.txt"
    document.write_text('{"not": "a table"}')
    assert loader.sniff(read_sample(document)) == 0.0


def test_streams_in_batches(data_dir: Path) -> None:
    name, batches = sources.iter_batches(
        data_dir / "csv" / "survey_bom_crlf.csv", mapping=SURVEY, batch_size=2
    )
    sizes = [len(columns["comment_id"]) for columns, _ in batches]
    assert name == "csv"
    assert sizes == [2, 2, 2, 2, 0] or sizes == [2, 2, 2, 2]  # fillers are kept
