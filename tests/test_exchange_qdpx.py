"""REFI-QDA projects (.qdpx): our exports validate and round-trip; real and quirky ones read."""

from __future__ import annotations

import re
import zipfile
from collections import Counter
from pathlib import Path

import pytest

from workbench.codebook.model import Code, Codebook
from workbench.errors import ExchangeError
from workbench.exchange import (
    QdaCoding,
    QdaNote,
    QdaProject,
    project_from_rows,
    read_qdpx,
    write_qdpx,
)
from workbench.exchange.xmlio import guid_for

CODEBOOK = Codebook(id="barriers", title="Barriers", version=2, codes=[  # not in tree order
    Code(id="access.cost", label="Cost", parent="access", color="#FF7F0E"),
    Code(id="worry", label="Worry", status="retired"),
    Code(id="access", label="Access", definition="Cannot reach a service.", color="#1f77b4",
         use_when="an obstacle is named", examples=["closed at four"]),
])  # fmt: skip

COMMENTS = [  # awkward: out of order, emoji, multi-line, empty, reply to a missing parent
    {"comment_id": "reddit:t1_b", "thread_id": "reddit:t3_x", "parent_id": "reddit:t1_a",
     "text": "Two buses 🚌 each way.\nToo long.", "author_pseudonym": "otter-3",
     "created_at": "2024-05-01T10:05:00Z"},
    {"comment_id": "reddit:t1_a", "thread_id": "reddit:t3_x", "parent_id": "reddit:t3_x",
     "text": "The clinic closed at four.", "author_pseudonym": "hedgehog-17",
     "created_at": "2024-05-01T10:00:00Z"},
    {"comment_id": "reddit:t1_c", "thread_id": "reddit:t3_x", "parent_id": "reddit:t1_zz",
     "text": "[deleted]", "author_pseudonym": None, "created_at": "2024-05-01T09:00:00Z"},
    {"comment_id": "mastodon:1", "thread_id": "mastodon:1", "parent_id": None, "text": "",
     "author_pseudonym": "fox", "created_at": None},
]  # fmt: skip

CODINGS = [
    {"comment_id": "reddit:t1_a", "code_id": "access", "coder": "alice", "span_start": None,
     "span_end": None, "memo": "clear case", "created_at": "2024-06-01T09:00:00.000Z"},
    {"comment_id": "reddit:t1_a", "code_id": "access", "coder": "bob", "span_start": 0,
     "span_end": 26, "memo": "whole text, as a span", "created_at": "2024-06-01T09:01:00Z"},
    {"comment_id": "reddit:t1_a", "code_id": "worry", "coder": "alice", "span_start": None,
     "span_end": None, "memo": "", "created_at": "2024-06-01T09:02:00Z"},
    {"comment_id": "reddit:t1_b", "code_id": "access.cost", "coder": "bob", "span_start": 4,
     "span_end": 15, "memo": "emoji inside\nthe span", "created_at": "2024-06-02T09:00:00Z"},
    {"comment_id": "mastodon:1", "code_id": "access", "coder": "alice", "span_start": None,
     "span_end": None},
]  # fmt: skip

MEMOS = [
    {"target_kind": "project", "target_id": None, "text": "Project memo", "author": "alice",
     "at": "2024-06-03T00:00:00Z"},
    {"target_kind": "code", "target_id": "access", "text": "Code memo", "author": "bob"},
    {"target_kind": "thread", "target_id": "reddit:t3_x", "text": "Thread memo", "author": "alice"},
    {"target_kind": "comment", "target_id": "reddit:t1_b", "text": "Comment <memo> & more",
     "author": "bob"},
]  # fmt: skip


def sample() -> QdaProject:
    return project_from_rows(CODEBOOK, COMMENTS, CODINGS, MEMOS, name="Study",
                             description="A test project.")


def qdpx(tmp_path: Path, qde: str, files: dict[str, bytes] | None = None,
         name: str = "in.qdpx") -> Path:  # fmt: skip
    """A hand-made .qdpx: ``project.qde`` (unless named in ``files``) plus ``files``."""
    path = tmp_path / name
    with zipfile.ZipFile(path, "w") as archive:
        if qde:
            archive.writestr("project.qde", qde)
        for member, data in (files or {}).items():
            archive.writestr(member, data)
    return path


def key(item: object) -> str:
    return repr(item)


# -- our own exports -------------------------------------------------------------------


def test_export_validates_against_the_standard(shared_fixtures: Path, tmp_path: Path) -> None:
    import xmlschema

    path = write_qdpx(tmp_path / "out.qdpx", sample())
    with zipfile.ZipFile(path) as archive:
        names = sorted(archive.namelist())
        qde = archive.read("project.qde").decode("utf-8")
    schema = xmlschema.XMLSchema(str(shared_fixtures / "refi" / "Project.xsd"))
    schema.validate(qde)
    thread = guid_for("thread", "reddit:t3_x")
    assert names == sorted(["project.qde", f"Sources/{thread}.txt",
                            f"Sources/{guid_for('thread', 'mastodon:1')}.txt"])
    assert f'plainTextPath="internal://{thread}.txt"' in qde


def test_round_trip_loses_nothing(tmp_path: Path) -> None:
    project = sample()
    back = read_qdpx(write_qdpx(tmp_path / "out.qdpx", project))
    assert back.warnings == []
    assert back.origin.startswith("Thread Workbench")
    assert back.codebook == CODEBOOK
    assert (back.name, back.description) == ("Study", "A test project.")
    assert back.users == project.users
    assert back.sources == project.sources
    assert sorted(back.codings, key=key) == sorted(project.codings, key=key)
    assert sorted(back.notes, key=key) == sorted(project.notes, key=key)


def test_threads_read_as_conversations_with_exact_comment_places(tmp_path: Path) -> None:
    project = sample()
    thread = next(s for s in project.sources if s.thread_id == "reddit:t3_x")
    assert [p.comment_id for p in thread.comments] == ["reddit:t1_c", "reddit:t1_a",
                                                       "reddit:t1_b"]
    assert thread.text.startswith("[reddit:t1_c] 2024-05-01T09:00:00Z\n[deleted]\n\n"
                                  "[reddit:t1_a] hedgehog-17 · 2024-05-01T10:00:00Z\n")
    assert "[reddit:t1_b] otter-3 · 2024-05-01T10:05:00Z · reply to reddit:t1_a\n" in thread.text
    for comment in COMMENTS:
        if comment["thread_id"] == "reddit:t3_x":
            place = thread.place(comment["comment_id"])
            assert thread.text[place.start:place.end] == comment["text"]
    back = read_qdpx(write_qdpx(tmp_path / "out.qdpx", project))
    by_comment = {(c.comment_id, c.coder, c.code_id): c for c in back.codings}
    whole = by_comment[("reddit:t1_a", "alice", "access")]
    assert (whole.span_start, whole.span_end, whole.memo) == (None, None, "clear case")
    as_span = by_comment[("reddit:t1_a", "bob", "access")]  # a span covering the comment
    assert (as_span.span_start, as_span.span_end) == (0, 26)
    emoji = by_comment[("reddit:t1_b", "bob", "access.cost")]
    source = back.source(emoji.source_guid)
    assert source.text[emoji.start:emoji.end] == "buses 🚌 each"[:11]
    assert emoji.created_at == "2024-06-02T09:00:00Z"


def test_exports_are_stable(tmp_path: Path) -> None:
    first = write_qdpx(tmp_path / "a.qdpx", sample())
    second = write_qdpx(tmp_path / "b.qdpx", sample())
    with zipfile.ZipFile(first) as a, zipfile.ZipFile(second) as b:
        assert a.read("project.qde") == b.read("project.qde")
    assert not list(tmp_path.glob("*.part"))


def test_rows_that_point_at_nothing_are_refused() -> None:
    with pytest.raises(ExchangeError, match="comment 'nope'.*not among the comments given"):
        project_from_rows(CODEBOOK, COMMENTS, [{"comment_id": "nope", "code_id": "access",
                                                "coder": "a"}])  # fmt: skip
    with pytest.raises(ExchangeError, match=r"span 0\.\.99 is not inside the comment's 26"):
        project_from_rows(CODEBOOK, COMMENTS, [{"comment_id": "reddit:t1_a", "code_id": "access",
                                                "coder": "a", "span_start": 0, "span_end": 99}])
    with pytest.raises(ExchangeError, match="code 'nope'.*not in codebook 'barriers'"):
        project_from_rows(CODEBOOK, COMMENTS, [{"comment_id": "reddit:t1_a", "code_id": "nope",
                                                "coder": "a"}])  # fmt: skip


def test_writer_checks_what_it_is_given(tmp_path: Path) -> None:
    project = sample()
    project.notes.append(QdaNote("x", "comment", "reddit:t1_missing"))
    with pytest.raises(ExchangeError, match="attached to comment 'reddit:t1_missing'"):
        write_qdpx(tmp_path / "x.qdpx", project)
    project = sample()
    project.codings.append(QdaCoding(project.sources[0].guid, "access", "eve", 0, 10**6))
    with pytest.raises(ExchangeError, match="not inside source"):
        write_qdpx(tmp_path / "x.qdpx", project)
    project = sample()
    project.sources[0].text = project.sources[0].text.replace("\n", "\r\n")
    with pytest.raises(ExchangeError, match="holds carriage returns"):
        write_qdpx(tmp_path / "x.qdpx", project)
    project = sample()
    project.codings[0].created_at = "yesterday"
    with pytest.raises(ExchangeError, match="'yesterday' is not a date and time"):
        write_qdpx(tmp_path / "x.qdpx", project)
    assert not (tmp_path / "x.qdpx").exists()


# -- a real file from another program --------------------------------------------------


def test_qc_demo_reads_with_codes_and_codings(shared_fixtures: Path) -> None:
    project = read_qdpx(shared_fixtures / "refi" / "qc_demo.qdpx")
    assert project.warnings == []
    assert (project.name, project.origin) == ("qc project", "qc 1.3.2")
    book = project.codebook
    assert len(book.codes) == 262
    assert [c.id for c in book.children(None)] == [
        "rq1-definition", "rq2-curriculum-and-instruction", "rq3-process"]
    assert max(len(book.path(c.id)) for c in book.codes) == 7
    assert all(c.status == "active" and c.color is None for c in book.codes)
    # Ten names are used twice in different branches; every id is unique.
    names = Counter(c.label for c in book.codes)
    assert sum(n - 1 for n in names.values()) == 10
    assert book.code("programming").parent == "competencies"
    assert book.code("programming-2").parent == "cs-as-programming"
    assert [(u.name, u.guid) for u in project.users] == [
        ("cp", "39633935-3331-3962-6632-373436373264")]
    assert [(s.name, len(s.text), s.offsets) for s in project.sources] == [
        ("board_2017.txt", 52543, "lf"), ("admin-1.txt", 31906, "lf")]
    board = project.sources[0]
    assert len(project.codings) == 205
    assert {c.source_guid for c in project.codings} == {board.guid}
    assert {c.coder for c in project.codings} == {"cp"}
    assert len({(c.start, c.end) for c in project.codings}) == 158  # selections
    assert len({c.code_id for c in project.codings}) == 77
    assert Counter(c.code_id for c in project.codings).most_common(1) == [("equity", 12)]
    first = project.codings[0]
    assert (first.start, first.end, first.code_id) == (320, 400, "fun")
    assert board.text[first.start:first.end].startswith("This district goal is engage every")
    assert project.notes == []


# -- quirks of other exporters ---------------------------------------------------------

CODES = """<CodeBook><Codes>
  <Code guid="c0000000-0000-4000-8000-000000000001" name="Second" isCodable="true"/>
  <Code guid="c0000000-0000-4000-8000-000000000002" name="Third" isCodable="true"/>
</Codes></CodeBook>"""
SRC = "a0000000-0000-4000-8000-00000000000a"
USER = '<Users><User guid="b0000000-0000-4000-8000-00000000000b" name="Jo"/></Users>'


def project_xml(origin: str, source: str, extra: str = "") -> str:
    return (f'<?xml version="1.0" encoding="utf-8"?><Project xmlns="urn:QDA-XML:project:1.0" '
            f'name="Other" origin="{origin}">{USER}{CODES}<Sources>{source}</Sources>{extra}'
            "</Project>")


def coded(start: int, end: int, code: int, user: bool = True) -> str:
    creator = ' creatingUser="b0000000-0000-4000-8000-00000000000b"' if user else ""
    return (f'<PlainTextSelection guid="e0000000-0000-4000-8000-{start:06d}{end:06d}" '
            f'startPosition="{start}" endPosition="{end}"><Coding guid="f0000000-0000-4000-8000-'
            f'{start:06d}{end:06d}"{creator}><CodeRef targetGUID="c0000000-0000-4000-8000-'
            f'00000000000{code}"/></Coding></PlainTextSelection>')


CRLF_TEXT = "Line one\r\nSecond line here\r\nThird"


def selected(project: QdaProject) -> list[str]:
    return [project.source(c.source_guid).text[c.start:c.end] for c in project.codings]


@pytest.mark.parametrize(("origin", "positions", "basis"), [
    ("NVivo 14", [(10, 16), (28, 33)], "crlf"),   # CRLF counted as two characters
    ("ATLAS.ti 23", [(9, 15), (26, 31)], "lf"),   # CRLF in the file, counted as one
    ("Unknown QDA", [(10, 16), (28, 33)], "crlf"),  # no hint: decided by word boundaries
    ("Unknown QDA", [(9, 15), (26, 31)], "lf"),
])  # fmt: skip
def test_external_crlf_text_in_an_uppercase_sources_folder(
        tmp_path: Path, origin: str, positions: list[tuple[int, int]], basis: str) -> None:
    source = (f'<TextSource guid="{SRC}" name="Interview" plainTextPath="internal://{SRC}.txt">'
              + "".join(coded(s, e, n) for n, (s, e) in enumerate(positions, start=1))
              + "</TextSource>")  # fmt: skip
    path = qdpx(tmp_path, project_xml(origin, source),
                {f"SOURCES/{SRC.upper()}.TXT": b"\xef\xbb\xbf" + CRLF_TEXT.encode()})
    project = read_qdpx(path)
    assert project.sources[0].text == "Line one\nSecond line here\nThird"
    assert project.sources[0].offsets == basis
    assert selected(project) == ["Second", "Third"]
    assert [c.code_id for c in project.codings] == ["second", "third"]
    assert [c.coder for c in project.codings] == ["Jo", "Jo"]


def test_the_caller_can_say_how_offsets_were_counted(tmp_path: Path) -> None:
    source = f'<TextSource guid="{SRC}" plainTextPath="internal://{SRC}.txt">{coded(10, 16, 1)}' \
             "</TextSource>"  # fmt: skip
    path = qdpx(tmp_path, project_xml("NVivo", source), {f"Sources/{SRC}.txt": CRLF_TEXT.encode()})
    assert selected(read_qdpx(path, line_ends="lf")) == ["econd "]
    with pytest.raises(ExchangeError, match="line_ends='cr'"):
        read_qdpx(path, line_ends="cr")


def test_inline_text_whose_offsets_counted_crlf(tmp_path: Path) -> None:
    # The XML parser turns the CRLFs of inline text into LFs; the offsets still count two.
    source = (f'<TextSource guid="{SRC}" name="Inline"><PlainTextContent>{CRLF_TEXT}'
              f"</PlainTextContent>{coded(10, 16, 1)}{coded(28, 33, 2)}</TextSource>")
    project = read_qdpx(qdpx(tmp_path, project_xml("MAXQDA 2022", source)))
    assert selected(project) == ["Second", "Third"]


def test_utf16_text_with_emoji_counted_in_utf16_units(tmp_path: Path) -> None:
    text = "Wait 🚌🚌 then Second and Third"

    def units(prefix: str) -> int:
        return len(prefix.encode("utf-16-le")) // 2

    second, third = units(text[:text.index("Second")]), units(text[:text.index("Third")])
    assert (second, third) == (15, 26)  # each bus is two UTF-16 units (code points: 13, 24)
    source = (f'<TextSource guid="{SRC}" plainTextPath="{SRC}.txt">'
              f"{coded(second, second + 6, 1)}{coded(third, third + 5, 2)}</TextSource>")
    path = qdpx(tmp_path, project_xml("Some QDA", source),
                {f"sources/{SRC}.txt": b"\xff\xfe" + text.encode("utf-16-le")})
    project = read_qdpx(path)
    assert project.sources[0].offsets == "lf+utf16"
    assert selected(project) == ["Second", "Third"]
    assert any("UTF-16" in w for w in project.warnings)


def test_missing_optional_attributes(tmp_path: Path) -> None:
    qde = ('<Project xmlns="urn:QDA-XML:project:1.0" name="Bare"><CodeBook><Codes>'
           '<Code guid="c0000000-0000-4000-8000-000000000001" name="Second"/></Codes></CodeBook>'
           f'<Sources><TextSource guid="{SRC}" plainTextPath="internal://Sources/talk.txt">'
           f"{coded(9, 15, 1, user=False)}</TextSource></Sources></Project>")
    project = read_qdpx(qdpx(tmp_path, qde, {"Sources/talk.txt": b"Line one\nSecond"}))
    assert project.users == [] and project.origin == ""
    assert project.sources[0].name == "talk.txt"
    assert project.codebook.code("second").status == "active"
    coding = project.codings[0]
    assert (coding.coder, coding.created_at, selected(project)) == ("unknown", None, ["Second"])
    assert any("name no coder" in w for w in project.warnings)


def test_memos_annotations_and_notes_of_other_programs(tmp_path: Path) -> None:
    note = ('<Note guid="d0000000-0000-4000-8000-00000000000{n}" name="{name}" '
            'creatingUser="b0000000-0000-4000-8000-00000000000b">'
            "<PlainTextContent>{text}</PlainTextContent></Note>")
    notes = "".join(note.format(n=n, name=f"N{n}", text=f"note {n}") for n in range(1, 5))
    linked = '<Links><Link guid="d1000000-0000-4000-8000-000000000001" ' \
             'originGUID="d0000000-0000-4000-8000-000000000002" ' \
             'targetGUID="e1000000-0000-4000-8000-000000000001"/></Links>'  # fmt: skip
    source = (
        f'<TextSource guid="{SRC}" name="Talk"><PlainTextContent>Line one\nSecond line here'
        "</PlainTextContent>"
        '<PlainTextSelection guid="e0000000-0000-4000-8000-000000000001" startPosition="9" '
        'endPosition="15"><Description>QualCoder memo</Description>'
        '<Coding guid="f0000000-0000-4000-8000-000000000001"><CodeRef '
        'targetGUID="c0000000-0000-4000-8000-000000000001"/><NoteRef '
        'targetGUID="d0000000-0000-4000-8000-000000000001"/></Coding></PlainTextSelection>'
        '<PlainTextSelection guid="e1000000-0000-4000-8000-000000000001" startPosition="0" '
        'endPosition="4"/>'
        '<PlainTextSelection guid="e2000000-0000-4000-8000-000000000001" startPosition="5" '
        'endPosition="8"><Description>MAXQDA comment</Description></PlainTextSelection>'
        '<NoteRef targetGUID="d0000000-0000-4000-8000-000000000003"/></TextSource>')
    project = read_qdpx(qdpx(tmp_path, project_xml("Mixed", source,
                                                   f"<Notes>{notes}</Notes>{linked}")))
    assert project.codings[0].memo == "QualCoder memo\n\nnote 1"
    notes_read = {(n.text, n.target_kind, n.target_id, n.start, n.end, n.author)
                  for n in project.notes}
    assert notes_read == {
        ("note 2", "source", SRC, 0, 4, "Jo"),          # NVivo: a Link to the selection
        ("MAXQDA comment", "source", SRC, 5, 8, None),  # a selection with only a description
        ("note 3", "source", SRC, None, None, "Jo"),    # on the whole source
        ("note 4", "project", None, None, None, "Jo"),  # referenced from nowhere
    }


def test_media_sources_are_skipped_and_pdfs_read_as_their_text(tmp_path: Path) -> None:
    region = ('<PDFSelection guid="a2000000-0000-4000-8000-00000000000a" page="1" firstX="0" '
              'firstY="0" secondX="1" secondY="1"><Coding guid="a3000000-0000-4000-8000-'
              '00000000000a"><CodeRef targetGUID="c0000000-0000-4000-8000-000000000001"/>'
              "</Coding></PDFSelection>")
    pdf = (f'<PDFSource guid="a1000000-0000-4000-8000-00000000000a" name="Report.pdf" '
           f'path="internal://x.pdf">{region}<Representation guid="{SRC}">'
           f"<PlainTextContent>Line one\nSecond</PlainTextContent>{coded(9, 15, 1)}"
           "</Representation></PDFSource>"
           '<AudioSource guid="a4000000-0000-4000-8000-00000000000a" path="internal://x.m4a">'
           '<AudioSelection guid="a5000000-0000-4000-8000-00000000000a" begin="0" end="9">'
           '<Coding guid="a6000000-0000-4000-8000-00000000000a"><CodeRef '
           'targetGUID="c0000000-0000-4000-8000-000000000002"/></Coding></AudioSelection>'
           "</AudioSource>")
    project = read_qdpx(qdpx(tmp_path, project_xml("X", pdf)))
    assert [(s.name, s.guid) for s in project.sources] == [("Report.pdf", SRC)]
    assert selected(project) == ["Second"]
    assert any("read through its plain-text representation" in w for w in project.warnings)
    assert any("skipped 1 AudioSource (only text is read) with 2 codings" in w
               for w in project.warnings)


def test_our_thread_edited_elsewhere_still_maps_to_comments(tmp_path: Path) -> None:
    """Another program re-exported our thread with a new first line, counting CRLFs."""
    project = sample()
    with zipfile.ZipFile(write_qdpx(tmp_path / "ours.qdpx", project)) as archive:
        qde = archive.read("project.qde").decode("utf-8")
        texts = {n: archive.read(n).decode() for n in archive.namelist() if n.endswith(".txt")}
    thread = next(s for s in project.sources if s.thread_id == "reddit:t3_x")
    prefix = "Imported thread\n"
    text = prefix + thread.text
    crlf = text.replace("\n", "\r\n")

    def recount(match: re.Match) -> str:  # its offsets, as that program counts them
        moved = int(match.group(2)) + len(prefix)
        return f'{match.group(1)}="{moved + text.count(chr(10), 0, moved)}"'

    head, rest = qde.split("</TextSource>", 1)
    qde = re.sub(r'(startPosition|endPosition)="(\d+)"', recount, head) + "</TextSource>" + rest
    # A coding made there on "clinic" (counted in CRLF characters), across two comments too.
    at = crlf.index("clinic")
    across = (crlf.index("four"), crlf.index("Two buses") + 3)
    qde = qde.replace('origin="Thread Workbench 0.1.0"', 'origin="NVivo 14"')
    qde = qde.replace("</Users>", USER[len("<Users>"):], 1)
    ours_code = "c0000000-0000-4000-8000-000000000001"
    added = coded(at, at + 6, 1).replace(ours_code, guid_for("code", "barriers", "access.cost")) \
        + coded(*across, 1).replace(ours_code, guid_for("code", "barriers", "worry"))
    qde = qde.replace("</TextSource>", added + "</TextSource>", 1)
    files = {f"Sources/{Path(n).name}": (crlf if thread.guid in n else texts[n]).encode()
             for n in texts}  # fmt: skip
    back = read_qdpx(qdpx(tmp_path, qde, files, name="edited.qdpx"))
    moved = back.source(thread.guid)
    assert moved.offsets == "crlf"
    assert len(back.warnings) == 2
    assert "found again by their header lines" in back.warnings[0]
    assert "offsets were counted as crlf" in back.warnings[1]
    assert [p.comment_id for p in moved.comments] == [p.comment_id for p in thread.comments]
    for comment in COMMENTS[:3]:
        place = moved.place(comment["comment_id"])
        assert moved.text[place.start:place.end] == comment["text"]
    new = [c for c in back.codings if c.coder == "Jo"]
    assert [(c.comment_id, c.code_id, c.span_start, c.span_end) for c in new] == [
        ("reddit:t1_a", "access.cost", 4, 10),
        ("reddit:t1_a", "worry", 21, 26), ("reddit:t1_b", "worry", 0, 3)]
    ours = [c for c in back.codings if c.coder != "Jo"]  # earlier codings keep their comments
    assert sorted((c.comment_id, c.code_id, c.coder, c.span_start) for c in ours) == sorted(
        (c.comment_id, c.code_id, c.coder, c.span_start) for c in project.codings)


# -- malformed input -------------------------------------------------------------------


def test_not_a_zip(tmp_path: Path) -> None:
    path = tmp_path / "notes.qdpx"
    path.write_text("hello")
    with pytest.raises(ExchangeError, match=r"notes\.qdpx: is not a REFI-QDA project: not a zip"):
        read_qdpx(path)
    with pytest.raises(ExchangeError, match="does not exist"):
        read_qdpx(tmp_path / "missing.qdpx")


def test_no_project_qde(tmp_path: Path) -> None:
    path = qdpx(tmp_path, "", {"Sources/a.txt": b"x"})
    with pytest.raises(ExchangeError, match=r"has no project\.qde \(it holds: Sources/a\.txt\)"):
        read_qdpx(path)


def test_a_differently_named_qde_is_found(tmp_path: Path) -> None:
    path = qdpx(tmp_path, "", {"My Project.qde": project_xml("X", "")})
    assert read_qdpx(path).name == "Other"


def test_a_zipped_project_folder_with_a_relative_path(tmp_path: Path) -> None:
    source = f'<TextSource guid="{SRC}" plainTextPath="relative:///talk%20one.txt">' \
             f"{coded(9, 15, 1)}</TextSource>"  # fmt: skip
    path = qdpx(tmp_path, "", {"Study/Study.qde": project_xml("X", source),
                               "Study/sources/talk one.txt": b"Line one\nSecond"})
    project = read_qdpx(path)
    assert selected(project) == ["Second"]
    assert any("points outside the archive; read Study/sources/talk one.txt" in w
               for w in project.warnings)


def test_xml_error_is_located(tmp_path: Path) -> None:
    path = qdpx(tmp_path, '<Project name="p">\n<Users>\n</Project>')
    with pytest.raises(ExchangeError) as caught:
        read_qdpx(path)
    assert "project.qde line 3, column 3: is not well-formed XML (mismatched tag)" in \
        str(caught.value)  # fmt: skip


def test_coding_of_an_unknown_code_is_located(tmp_path: Path) -> None:
    source = f'<TextSource guid="{SRC}"><PlainTextContent>Line one</PlainTextContent>' \
             f"{coded(0, 4, 9)}</TextSource>"  # fmt: skip
    with pytest.raises(ExchangeError) as caught:
        read_qdpx(qdpx(tmp_path, project_xml("X", source)))
    message = str(caught.value)
    assert "in.qdpx, project.qde line 4, <Coding guid=" in message
    assert "points to code c0000000-0000-4000-8000-000000000009, which is not in the codebook" \
        in message  # fmt: skip


@pytest.mark.parametrize(("source", "expected"), [
    (f'<TextSource guid="{SRC}" plainTextPath="internal://gone.txt"/>',
     "the text file 'internal://gone.txt' is not in the archive"),
    (f'<TextSource guid="{SRC}"><PlainTextContent>x</PlainTextContent><PlainTextSelection '
     'guid="e0000000-0000-4000-8000-000000000001" startPosition="one" endPosition="2"/>'
     "</TextSource>", "startPosition and endPosition must be whole numbers, not 'one'"),
])  # fmt: skip
def test_broken_sources_are_located(tmp_path: Path, source: str, expected: str) -> None:
    with pytest.raises(ExchangeError, match=expected):
        read_qdpx(qdpx(tmp_path, project_xml("X", source)))


def test_a_codebook_is_not_a_project(tmp_path: Path) -> None:
    with pytest.raises(ExchangeError, match="the root element is <CodeBook>, not <Project>"):
        read_qdpx(qdpx(tmp_path, CODES))


def test_a_foreign_project_survives_our_export(shared_fixtures: Path, tmp_path: Path) -> None:
    import xmlschema

    original = read_qdpx(shared_fixtures / "refi" / "qc_demo.qdpx")
    path = write_qdpx(tmp_path / "again.qdpx", original)
    with zipfile.ZipFile(path) as archive:
        xmlschema.XMLSchema(str(shared_fixtures / "refi" / "Project.xsd")).validate(
            archive.read("project.qde").decode("utf-8"))
    again = read_qdpx(path)
    assert again.warnings == []
    assert again.codebook == original.codebook
    assert (again.users, again.sources) == (original.users, original.sources)
    assert sorted(again.codings, key=key) == sorted(original.codings, key=key)
