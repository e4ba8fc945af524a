"""Codebook YAML read with located errors and written round-trip (comments, key order)."""

from __future__ import annotations

import difflib
import re
from pathlib import Path

import pytest
from ruamel.yaml import YAML

from workbench.codebook.model import Code, Codebook
from workbench.codebook.yamlfile import dump, load, parse
from workbench.errors import CodebookError

ROOT = Path(__file__).resolve().parent.parent
STARTER = ROOT / "codebooks" / "social-media-health-qi.yaml"

SMALL = """\
# Analyst's note: keep families together.
id: small   # permanent
title: Small
version: 1
codes:
  # --- Barriers -------------------------------------------------
  - id: barriers
    label: Barriers
    definition: Something keeps people from taking part.
  - label: Access   # key order as the analyst wrote it: label first
    id: barriers.access
    parent: barriers
    color: '#d95f02'  # orange
    examples:
      - "I don't have a smartphone"
      - 'no wifi at home'

  # --- Waiting --------------------------------------------------
  - id: waiting
    label: Waiting times
    definition: How long people wait for care.

# Change log, newest last.
changes:
  - version: 1
    date: 2026-12-01
    who: tester
    operation: create
"""


@pytest.fixture(scope="module")
def starter() -> tuple[Codebook, str]:
    return load(STARTER)


def _comments(text: str) -> list[str]:
    return [line.split("#", 1)[1] for line in text.splitlines() if re.search(r"(^|\s)#", line)]


def _changed(before: str, after: str) -> list[str]:
    return [line for line in difflib.ndiff(before.splitlines(), after.splitlines())
            if line[:1] in "+-"]


def _code_keys(text: str) -> dict[str, list[str]]:
    document = YAML().load(text)
    return {code["id"]: list(code) for code in document["codes"]}


def _tidy(text: str) -> list[str]:
    return [line for line in text.splitlines() if line != line.rstrip() or len(line) > 100]


# -- reading ----------------------------------------------------------------------------


def test_load_returns_the_codebook_and_its_text(starter: tuple[Codebook, str]) -> None:
    codebook, text = starter
    assert text == STARTER.read_text(encoding="utf-8")
    assert codebook.code("barriers.access").parent == "barriers"
    assert codebook.code("feedback.praise").examples[0].startswith("Massive thank you")


def test_parse_small_codebook() -> None:
    codebook, document = parse(SMALL, "small.yaml")
    assert codebook.ids == ["barriers", "barriers.access", "waiting"]
    assert codebook.code("barriers.access").examples == ["I don't have a smartphone",
                                                         "no wifi at home"]
    assert document["codes"][1]["label"] == "Access"


def test_an_unquoted_date_is_read_as_text() -> None:
    codebook, _ = parse(SMALL)
    assert codebook.changes[0].date == "2026-12-01"
    with_time = SMALL.replace("date: 2026-12-01", "date: 2026-12-01 10:30:00")
    assert parse(with_time)[0].changes[0].date.startswith("2026-12-01")


def test_a_misspelt_key_is_named_with_its_line_and_code() -> None:
    text = SMALL.replace("    label: Waiting times", "    lable: Waiting times")
    with pytest.raises(CodebookError) as caught:
        parse(text, "small.yaml")
    error = caught.value
    assert (error.line, error.code_id) == (text.splitlines().index("    lable: Waiting times") + 1,
                                           "waiting")
    assert error.problem.startswith("lable: Extra inputs are not permitted (got 'Waiting times')")
    assert "check the spelling (allowed: id, label, parent," in error.problem
    assert str(error).startswith(f"small.yaml, line {error.line}, code 'waiting': ")


def test_an_unknown_codebook_key_is_named() -> None:
    text = SMALL.replace("title: Small\n", "title: Small\nauthor: me\n")
    with pytest.raises(CodebookError, match=r"small.yaml, line 4: author: ") as caught:
        parse(text, "small.yaml")
    assert caught.value.code_id is None
    assert "(allowed: id, title, version, description, codes, changes)" in str(caught.value)
    text = SMALL.replace("    who: tester\n", "    who: tester\n    by: ann\n")
    with pytest.raises(CodebookError, match=r"line 28: changes.by: .*allowed: version, date"):
        parse(text, "small.yaml")


def test_a_missing_label_points_at_the_code() -> None:
    text = SMALL.replace("    label: Barriers\n", "")
    with pytest.raises(CodebookError, match="label: Field required") as caught:
        parse(text, "small.yaml")
    assert (caught.value.line, caught.value.code_id) == (7, "barriers")


def test_a_bad_colour_is_quoted_with_its_line() -> None:
    text = SMALL.replace("color: '#d95f02'", "color: orange")
    with pytest.raises(CodebookError, match=r"\(got 'orange'\).*#rrggbb") as caught:
        parse(text, "small.yaml")
    assert (caught.value.line, caught.value.code_id) == (13, "barriers.access")


def test_a_duplicate_id_points_at_its_second_use() -> None:
    text = SMALL.replace("  - id: waiting\n", "  - id: barriers\n")
    with pytest.raises(CodebookError, match="used twice") as caught:
        parse(text, "small.yaml")
    assert (caught.value.line, caught.value.code_id) == (19, "barriers")


@pytest.mark.parametrize(
    ("text", "line", "problem"),
    [
        ("id: x\ntitle: T\ncodes:\n  - id: a\n    label: [unclosed\n", 6, "not valid YAML"),
        ("id: x\ntitle: T\ntitle: again\n", 3, "not valid YAML"),  # a key given twice
        ("- just\n- a list\n", 1, "expected a mapping"),
        ("", 1, "expected a mapping"),
    ],
)
def test_broken_files_are_located(text: str, line: int, problem: str) -> None:
    with pytest.raises(CodebookError, match=problem) as caught:
        parse(text, "broken.yaml")
    assert (str(caught.value.path), caught.value.line) == ("broken.yaml", line)


def test_load_names_a_missing_file(tmp_path: Path) -> None:
    with pytest.raises(CodebookError, match="file not found") as caught:
        load(tmp_path / "nope.yaml")
    assert caught.value.path == tmp_path / "nope.yaml"


def test_load_names_a_file_that_is_not_utf8(tmp_path: Path) -> None:
    path = tmp_path / "latin1.yaml"
    path.write_bytes("id: x\ntitle: Caf\u00e9\n".encode("latin-1"))
    with pytest.raises(CodebookError, match="UTF-8") as caught:
        load(path)
    assert caught.value.path == path


# -- writing round-trip -----------------------------------------------------------------


def test_an_unchanged_codebook_is_written_back_byte_for_byte(
    starter: tuple[Codebook, str],
) -> None:
    codebook, text = starter
    assert dump(codebook, text) == text
    small, _ = parse(SMALL)
    assert dump(small, SMALL) == SMALL


def test_a_new_label_changes_one_line(starter: tuple[Codebook, str]) -> None:
    codebook, text = starter
    edited = codebook.model_copy(deep=True)
    edited.code("barriers.access").label = "Getting online"
    written = dump(edited, text)
    assert _changed(text, written) == ["-     label: Access barriers",
                                       "+     label: Getting online"]
    assert parse(written)[0] == edited


def test_a_new_code_goes_last_and_keeps_every_comment_and_key_order(
    starter: tuple[Codebook, str],
) -> None:
    codebook, text = starter
    edited = codebook.model_copy(deep=True)
    edited.codes.append(Code(
        id="barriers.language", label="Language", parent="barriers",
        definition="The discussion is only in a language some of the people it concerns do not "
                   "read well, so they cannot follow it or take part.",
        use_when="Someone says the posts, forms or replies are not in their language.",
        do_not_use_when="The help offered is translation (use enablers.access.practical).",
        examples=["Posted only in English again, my nan can't read a word of it",
                  "Any chance of this in Welsh?"], color="#f5a05a",
    ))  # fmt: skip
    written = dump(edited, text)
    assert parse(written)[0] == edited
    assert _comments(written) == _comments(text), "every comment kept, in order"
    assert _code_keys(written) == _code_keys(text) | {"barriers.language": [
        "id", "label", "parent", "definition", "use_when", "do_not_use_when", "examples", "color"]}
    lines = written.splitlines()
    new, complaint = lines.index("  - id: barriers.language"), lines.index(
        "  - id: feedback.complaint")
    log_note = next(i for i, line in enumerate(lines) if line.startswith("# The change log"))
    assert complaint < new < log_note, "the note above `changes:` stays above it"
    assert all(line.startswith("+") for line in _changed(text, written)), "nothing else changed"
    assert _tidy(written) == [], "no trailing spaces, no line over 100 characters"
    assert "    definition: >-" in lines[new:log_note]


def test_a_key_added_before_a_section_heading_goes_above_the_heading(
    starter: tuple[Codebook, str],
) -> None:
    codebook, text = starter
    edited = codebook.model_copy(deep=True)
    edited.code("enablers.access.blended").status = "retired"  # last code of its section
    written = dump(edited, text)
    assert _changed(text, written) == ["+     status: retired"]
    lines = written.splitlines()
    status = lines.index("    status: retired")
    assert lines[status - 1] == "    color: '#c5e59c'"
    assert lines[status + 1:status + 4] == ["", "  # " + "-" * 75, "  # What goes wrong"]


def test_an_end_of_line_comment_stays_on_its_line_when_a_key_follows() -> None:
    codebook, _ = parse(SMALL)
    edited = codebook.model_copy(deep=True)
    access = edited.code("barriers.access")
    access.examples.append("data runs out by the 20th")
    access.status = "retired"
    waiting = edited.code("waiting")
    waiting.color = "#1f77b4"
    written = dump(edited, SMALL)
    assert parse(written)[0] == edited
    assert _comments(written) == _comments(SMALL)
    assert "    color: '#d95f02'  # orange\n" in written
    assert "      - \"I don't have a smartphone\"\n      - 'no wifi at home'\n" in written, (
        "unchanged examples keep their quotes")
    # The blank line and heading that followed barriers.access now follow its new key.
    assert "    status: retired\n\n  # --- Waiting" in written
    assert "    color: '#1f77b4'\n\n# Change log, newest last.\nchanges:" in written
    assert _code_keys(written)["barriers.access"] == [
        "label", "id", "parent", "color", "examples", "status"]


def test_a_new_version_keeps_the_unquoted_date_of_the_old_one() -> None:
    codebook, _ = parse(SMALL)
    edited = codebook.model_copy(deep=True)
    edited.version = 2
    edited.code("waiting").label = "Waiting"
    edited.changes.append(edited.changes[0].model_copy(update={
        "version": 2, "date": "2026-12-05T10:00:00Z", "operation": "rename",
        "rationale": "Shorter label, as the coders asked at the calibration meeting after they "
                     "had coded the first two hundred comments.",
        "codes": ["waiting"]}))  # fmt: skip
    written = dump(edited, SMALL)
    assert "    date: 2026-12-01\n" in written
    assert parse(written)[0] == edited
    assert _tidy(written) == []
    assert "version: 2\n" in written and "  - version: 2\n" in written


def test_dump_without_a_previous_file_writes_a_valid_codebook() -> None:
    codebook, _ = parse(SMALL)
    written = dump(codebook)
    assert parse(written)[0] == codebook
    assert "#" not in written.replace("'#", "")
    assert list(YAML().load(written)) == ["id", "title", "version", "codes", "changes"]


def test_text_that_cannot_be_folded_is_still_written_faithfully() -> None:
    codebook, _ = parse(SMALL)
    edited = codebook.model_copy(deep=True)
    awkward = ["  leading and trailing spaces  " * 4, "two  spaces " * 10, "line\nbreak " * 20,
               "x" * 150, "a-very-long-hyphenated-word-" * 6 + " end"]
    edited.code("waiting").examples = awkward
    edited.code("waiting").definition = "ümlaut and emoji 😀 " * 8 + "end"
    assert parse(dump(edited, SMALL))[0] == edited
