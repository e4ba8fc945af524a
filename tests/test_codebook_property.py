"""Property: any sequence of revisions, undone in full, restores the codings exactly.

Hypothesis draws a sequence of operations (add, rename, redefine, move, merge,
split, retire) on a coded project, applies them, then undoes them all; the
codings (every row, by id, with coder, span and memo) and the codebook's codes
must be exactly as before.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from workbench.codebook import revisions, service
from workbench.codebook.model import Code
from workbench.errors import CodebookError
from workbench.project import Project

DATA = Path(__file__).parent / "data"
OPERATIONS = ("add", "rename", "redefine", "move", "merge", "split", "retire")


def _project(root: Path) -> Project:
    project = Project.init(root, actor="ann")
    project.import_files([DATA / "project" / "dump_a.ndjson", DATA / "project" / "dump_b.ndjson"])
    service.adopt(project, DATA / "codebooks" / "small.yaml")
    comments = project.store.comments()
    ids = comments["comment_id"].tolist()
    lengths = dict(zip(ids, comments["text"].str.len(), strict=True))
    codes = ["waiting", "delays", "barriers.access", "barriers.familiarity", "barriers"]
    rows = []
    for n, comment_id in enumerate(ids):
        for k, coder in enumerate(("ann", "ben", "cat")):
            code = codes[(n + k) % len(codes)]
            rows.append({"comment_id": comment_id, "code_id": code, "coder": coder,
                         "memo": f"memo {n}-{k}" if (n + k) % 2 else None})
            if lengths[comment_id] >= 3:  # a passage of the text (a deleted one has none)
                rows.append({"comment_id": comment_id, "code_id": codes[(n + 2 * k) % 3],
                             "coder": coder, "span_start": 0, "span_end": 3})
    project.store.add_codings(rows, "ann", codebook_version=1)
    return project


def _state(project: Project) -> tuple:
    codings = project.store.codings().drop(columns=["removed_by"]).to_dict(orient="records")
    return codings, service.require(project).model_dump(exclude={"version", "changes"})


def _plan(project: Project, data: st.DataObject, step: int) -> revisions.Plan:
    codebook = service.require(project)
    codings = project.store.codings()
    active = [c.id for c in codebook.active]
    pick = lambda label, items: data.draw(st.sampled_from(items), label=label)  # noqa: E731
    operation = pick("operation", OPERATIONS)
    fresh = [Code(id=f"new{step}.{i}", label=f"New {step}.{i}") for i in range(2)]
    used = service.used_ids(project)
    if operation == "add":
        return revisions.add(codebook, fresh[0], "ann", used_ids=used)
    code = pick("code", active)
    if operation == "rename":
        return revisions.rename(codebook, code, f"Label {step}", "ann")
    if operation == "redefine":
        return revisions.redefine(codebook, code, {"definition": f"Meaning {step}"}, "ann")
    if operation == "move":
        parent = pick("parent", [None, *[c for c in codebook.ids if c != code]])
        return revisions.move(codebook, code, parent, "ann")
    if operation == "retire":
        return revisions.retire(codebook, code, codings, "ann")
    if operation == "split":
        return revisions.split(codebook, code, fresh, codings, "ann", used_ids=used)
    others = [c for c in active if c != code]
    if not others:
        raise CodebookError("nothing to merge with")
    target = pick("target", [*others, "new"])
    into = fresh[0] if target == "new" else target
    return revisions.merge(codebook, [code], into, codings, "ann", used_ids=used)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data(), steps=st.integers(min_value=1, max_value=6))
def test_revisions_undone_in_full_restore_the_codings_exactly(data, steps: int) -> None:
    with tempfile.TemporaryDirectory() as folder, _project(Path(folder) / "p") as project:
        before = _state(project)
        applied = 0
        for step in range(steps):
            try:
                plan = _plan(project, data, step)
            except CodebookError:
                continue  # an operation that does not apply here (e.g. a loop): skipped
            service.apply(project, plan)
            applied += 1
        for _ in range(applied):
            service.apply(project, service.plan_undo(project))
        assert _state(project) == before
        assert service.require(project).version == 1 + 2 * applied
