"""REFI-QDA codebooks (.qdc): our exports validate and come back exactly; foreign ones read."""

from __future__ import annotations

import uuid
from pathlib import Path

import pytest

from workbench.codebook.model import Change, Code, Codebook
from workbench.errors import ExchangeError
from workbench.exchange.describe import describe_code, read_code_description
from workbench.exchange.qdc import codebook_to_qdc, qdc_to_codebook
from workbench.exchange.xmlio import GUID_NAMESPACE, code_guid


def awkward_codebook() -> Codebook:
    """Every field in use, values hard to fold into a description, codes not in tree order."""
    return Codebook(
        id="barriers", title="Barriers: access & cost", version=4,
        description="Why people do not get care.\n\nSecond paragraph.",
        codes=[
            Code(id="access", label="Access", definition="People cannot reach a service.",
                 use_when="the comment names an obstacle\n(cost, distance)",
                 do_not_use_when="the obstacle is only feared; use worry",
                 examples=["the clinic closed at four", "two buses\neach way"],
                 color="#1f77b4"),
            Code(id="access.cost", label="Cost 💸", parent="access",
                 definition="Use when: this line looks like a label\n\nUse when: so does this",
                 examples=["", "- dash first"], color="#ABCDEF"),
            Code(id="worry", label="Worry", definition="Fear <of> & \"quotes\"\r\nwith CRLF\x07"),
            Code(id="access.cost.fees", label="Fees", parent="access.cost",
                 definition="  leading spaces and a trailing newline\n"),
            Code(id="old-cost", label="Old cost", status="merged", merged_into="access.cost"),
            Code(id="gone", label="Gone", status="retired", use_when="never"),
        ],
        changes=[
            Change(version=2, date="2024-05-01", who="alice", operation="merge",
                   rationale="duplicates\nof each other", codes=["old-cost", "access.cost"]),
            Change(version=3, date="2024-05-02T10:00:00Z", who="bob", operation="retire",
                   codes=["gone"]),
            Change(version=4, date="2024-05-03, late", who="carol, jr", operation="rename"),
        ],
    )  # fmt: skip


def test_guid_namespace_is_documented_derivation() -> None:
    assert GUID_NAMESPACE == uuid.uuid5(uuid.NAMESPACE_URL,
                                        "https://thread-workbench.invalid/refi-qda")
    assert code_guid("barriers", "access") == str(
        uuid.uuid5(GUID_NAMESPACE, "code:barriers/access"))


def test_export_validates_against_the_standard(shared_fixtures: Path) -> None:
    import xmlschema

    schema = xmlschema.XMLSchema(str(shared_fixtures / "refi" / "Codebook.xsd"))
    schema.validate(codebook_to_qdc(awkward_codebook()).decode("utf-8"))
    schema.validate(codebook_to_qdc(Codebook(id="one", title="One",
                                             codes=[Code(id="a", label="A")])).decode())


def test_round_trip_is_exact() -> None:
    codebook = awkward_codebook()
    assert qdc_to_codebook(codebook_to_qdc(codebook), "barriers.qdc") == codebook


def test_export_is_stable_and_guids_follow_ids_not_labels() -> None:
    codebook = awkward_codebook()
    first = codebook_to_qdc(codebook)
    assert codebook_to_qdc(codebook) == first
    assert code_guid("barriers", "access").encode() in first
    relabelled = codebook.model_copy(update={"codes": [
        c.model_copy(update={"label": f"{c.label} (new)"}) for c in codebook.codes]})
    assert code_guid("barriers", "access").encode() in codebook_to_qdc(relabelled)


def test_description_is_readable() -> None:
    text = codebook_to_qdc(awkward_codebook()).decode("utf-8")
    assert "People cannot reach a service.\n\nUse when: the comment names an obstacle\n" \
           "  (cost, distance)\n\nDo not use when: the obstacle is only feared" in text
    assert "Examples:\n  - the clinic closed at four\n  - two buses\n    each way" in text
    assert "Status: merged into access.cost" in text
    assert 'isCodable="false"' in text and 'color="#1f77b4"' in text
    # Only the ambiguous definition needed the exact JSON paragraph.
    assert text.count("Workbench exact:") == 3  # cost, fees (whitespace), worry (CRLF)


def test_descriptions_parse_back_only_when_in_shape() -> None:
    code = Code(id="a", label="A", definition="Def.", use_when="x", examples=["e"])
    assert read_code_description(describe_code(code))["use_when"] == "x"
    assert read_code_description("Use when: x\nnot indented") is None
    assert read_code_description("Free text only.")["definition"] == "Free text only."
    assert read_code_description("Status: pending") is None


FOREIGN = """<?xml version="1.0" encoding="utf-8"?>
<CodeBook xmlns="urn:QDA-XML:codebook:1.0" origin="Some QDA 2">
  <Codes>
    <Code guid="{D1F0A0C4-0000-4000-8000-000000000001}" name="Themes" isCodable="false">
      <Description>Folder for the themes.

Use when: this looks like ours but is a researcher's own note
that continues without indentation.</Description>
      <Code guid="d1f0a0c4-0000-4000-8000-000000000002" name="Trust" color="#a0b">
        <Code guid="d1f0a0c4-0000-4000-8000-000000000003" name="Trust" isCodable="true"
              color="green"/>
      </Code>
    </Code>
    <Code guid="d1f0a0c4-0000-4000-8000-000000000004" name="2020 election" isCodable="1"/>
    <Code guid="d1f0a0c4-0000-4000-8000-000000000005" name="Nested" isCodable="0">
      <Description>Use when: a
  b

Examples:
  - one</Description>
    </Code>
  </Codes>
</CodeBook>"""


def test_foreign_codebook() -> None:
    warnings: list[str] = []
    book = qdc_to_codebook(FOREIGN.encode(), Path("Team Codes.qdc"), warnings=warnings)
    assert book.id == "team-codes" and book.title == "Team Codes" and book.version == 1
    assert book.ids == ["themes", "trust", "trust-2", "code-2020-election", "nested"]
    themes = book.code("themes")
    assert themes.status == "retired" and themes.definition.startswith("Folder for the themes.")
    assert "continues without indentation" in themes.definition  # not in our shape: whole
    assert book.code("trust").parent == "themes" and book.code("trust-2").parent == "trust"
    assert book.code("trust").color == "#aa00bb" and book.code("trust").status == "active"
    assert book.code("trust-2").color is None
    assert any("'green' is not #RRGGBB" in w for w in warnings)
    nested = book.code("nested")  # in our shape without being ours: its fields are read
    assert (nested.use_when, nested.examples, nested.status) == ("a\nb", ["one"], "retired")


def test_ids_come_back_when_another_program_renames_or_reissues_guids() -> None:
    codebook = awkward_codebook()
    text = codebook_to_qdc(codebook).decode("utf-8")
    renamed = text.replace('name="Access"', 'name="Getting there"')
    back = qdc_to_codebook(renamed.encode(), "x.qdc")
    assert back.code("access").label == "Getting there"
    reissued = text.replace(code_guid("barriers", "access"), "11111111-2222-4333-8444-555555555555")
    assert qdc_to_codebook(reissued.encode(), "x.qdc") == codebook
    # Without our set and descriptions a code is foreign: an id from its name.
    stripped = text.split("<Sets>")[0] + "</CodeBook>"
    bare = stripped.replace(code_guid("barriers", "gone"), "11111111-2222-4333-8444-555555555555")
    assert qdc_to_codebook(bare.encode(), "x.qdc").code("gone").status == "retired"


@pytest.mark.parametrize(("data", "expected"), [
    (b"<CodeBook><Codes>", "x.qdc, line 1, column 18: is not well-formed XML"),
    (b"<Project name='p'/>", "the root element is <Project>, not <CodeBook>"),
    (b"<CodeBook><Codes>\n<Code name='A' isCodable='true'/></Codes></CodeBook>",
     "x.qdc, line 2, <Code name=\"A\">: a code has no guid"),
    (b"<CodeBook><Codes><Code guid='d1f0a0c4-0000-4000-8000-000000000001' name='A'/>\n"
     b"<Code guid='D1F0A0C4-0000-4000-8000-000000000001' name='B'/></Codes></CodeBook>",
     "is used by two codes (the first at line 1)"),
    (b"<!DOCTYPE x [<!ENTITY a 'b'>]><CodeBook/>", "declares XML entities"),
])  # fmt: skip
def test_malformed_codebooks_are_located(data: bytes, expected: str) -> None:
    with pytest.raises(ExchangeError) as caught:
        qdc_to_codebook(data, "x.qdc")
    assert expected in str(caught.value)


def test_a_codebook_without_codes_cannot_be_written() -> None:
    with pytest.raises(ExchangeError, match="needs at least one"):
        codebook_to_qdc(Codebook(id="empty", title="Empty"))
