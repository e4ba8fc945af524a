"""A project through REFI-QDA: export, validate, import elsewhere, nothing lost."""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest
from click.testing import CliRunner

from workbench.cli import main
from workbench.codebook import service
from workbench.coding.refi import export_project, import_project
from workbench.project import Project

SMALL = Path(__file__).parent / "data" / "codebooks" / "small.yaml"
C1, C2, C3, C5 = "reddit:t1_c1", "reddit:t1_c2", "reddit:t1_c3", "reddit:t1_c5"


@pytest.fixture()
def coded(tmp_path: Path, data_dir: Path) -> Project:
    with Project.init(tmp_path / "study", actor="ann") as project:
        project.import_files([data_dir / "project" / "dump_a.ndjson",
                              data_dir / "project" / "dump_b.ndjson"])  # fmt: skip
        service.adopt(project, SMALL)
        project.store.add_codings([
            {"comment_id": C1, "code_id": "waiting", "coder": "ann", "memo": "four hours"},
            {"comment_id": C1, "code_id": "delays", "coder": "ben"},
            {"comment_id": C2, "code_id": "waiting", "coder": "ben", "span_start": 0,
             "span_end": 9, "memo": "same"},
            {"comment_id": C3, "code_id": "barriers.access", "coder": "ann", "span_start": 8,
             "span_end": 20},
            {"comment_id": C5, "code_id": "barriers.familiarity", "coder": "ben"},
        ], "ann", codebook_version=1)  # fmt: skip
        project.store.add_memo("code", "waiting", "Mostly the walk-in centre.", "ann")
        yield project


def _spans(project: Project) -> list[tuple]:
    frame = project.store.codings()
    return sorted((r.comment_id, r.code_id, r.coder, str(r.span_start), str(r.span_end),
                   r.memo if isinstance(r.memo, str) else "") for r in frame.itertuples())


def test_round_trip_through_qdpx_loses_nothing(coded: Project, tmp_path: Path,
                                               shared_fixtures: Path) -> None:
    import xmlschema

    out = export_project(coded, tmp_path / "study.qdpx")
    with zipfile.ZipFile(out) as archive:
        qde = archive.read("project.qde")
        names = archive.namelist()
    xmlschema.XMLSchema(shared_fixtures / "refi" / "Project.xsd").validate(qde)
    assert b"Alice_W" not in qde and not any(b"Alice_W" in zipfile.ZipFile(out).read(n)
                                             for n in names), "only pseudonyms leave"
    with Project.init(tmp_path / "elsewhere", actor="cat") as other:
        report = import_project(other, out)
        assert report["stored"] == 5 and report["coders"] == ["ann", "ben"]
        assert _spans(other) == _spans(coded)
        assert service.require(other).model_dump(exclude={"changes", "version"}) == (
            service.require(coded).model_dump(exclude={"changes", "version"})
        )
        memos = other.store.memos()
        assert memos[["target_kind", "target_id", "text"]].values.tolist() == [
            ["code", "waiting", "Mostly the walk-in centre."]
        ]
        texts = other.store.comments().set_index("comment_id")["text"]
        original = coded.store.comments().set_index("comment_id")["text"]
        for comment_id in (C1, C2, C3, C5):
            assert texts[comment_id] == original[comment_id]
        again = import_project(other, out)
        assert again["stored"] == 0, "importing twice stores nothing twice"


def test_qdc_export_validates_and_is_adopted(coded: Project, tmp_path: Path,
                                             shared_fixtures: Path) -> None:
    import xmlschema

    qdc = export_project(coded, tmp_path / "codebook.qdc")
    xmlschema.XMLSchema(shared_fixtures / "refi" / "Codebook.xsd").validate(str(qdc))
    with Project.init(tmp_path / "fresh") as fresh:
        service.adopt(fresh, qdc)
        assert service.require(fresh).model_dump(exclude={"changes", "version"}) == (
            service.require(coded).model_dump(exclude={"changes", "version"})
        )


def test_another_tools_project_imports_with_codes_and_codings(tmp_path: Path,
                                                              shared_fixtures: Path) -> None:
    result = CliRunner().invoke(main, ["init", str(tmp_path / "p")])
    assert result.exit_code == 0
    sample = shared_fixtures / "refi" / "qc_demo.qdpx"
    imported = CliRunner().invoke(main, ["import", str(tmp_path / "p"), str(sample), "--json"])
    assert imported.exit_code == 0, imported.output
    with Project.open(tmp_path / "p") as project:
        codebook = service.require(project)
        assert len(codebook.codes) == 262
        codings = project.store.codings()
        assert len(codings) == 205 and set(codings["coder"]) == {"cp"}
        assert codings["code_id"].nunique() == 77
        comments = project.store.comments()
        assert len(comments) == 2 and set(comments["platform"]) == {"refi-qda"}
        text = comments.set_index("comment_id")["text"]
        for row in codings.itertuples():
            assert 0 <= row.span_start < row.span_end <= len(text[row.comment_id])
        assert project.stats()["coders"] == 1


def test_export_refuses_other_suffixes(coded: Project, tmp_path: Path) -> None:
    from workbench.errors import CodingError

    with pytest.raises(CodingError, match=r"\.qdpx project or a \.qdc codebook"):
        export_project(coded, tmp_path / "study.zip")
