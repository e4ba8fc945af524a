"""Suggestions on a small coded project, with the packaged model (no mocks).

The project is the codebook tests' one (dump_a, dump_b, the small codebook) plus a
dozen comments written here about waiting, access and not knowing the platform,
so that rankings mean something. It is built and embedded once per module and
copied for each test.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from click.testing import CliRunner

from workbench.cli import main
from workbench.codebook import service
from workbench.coding.suggest import code_text, unit_rows
from workbench.embed import encoder_for
from workbench.errors import CodingError
from workbench.project import Project
from workbench.suggest import (
    ACCEPTED,
    BackgroundSuggester,
    Suggester,
    SuggestError,
    accept,
    export_name,
    export_names,
)

SMALL = Path(__file__).parent / "data" / "codebooks" / "small.yaml"

EXTRA = {
    "w1": "Waited six hours in A&E before anyone saw my son.",
    "w2": "The queue at the walk-in centre took the whole afternoon.",
    "w3": "Three weeks until the next GP appointment is far too long to wait.",
    "a1": "I don't have internet at home so I can't use online booking.",
    "a2": "No smartphone here, so the app is no use to me.",
    "a3": "I work nights and can never get there during opening hours.",
    "f1": "I couldn't work out how to log in to the patient portal.",
    "f2": "Nobody explained how the new booking website works.",
    "f3": "The menus in the app confused me and I gave up.",
    "p1": "Parking at the hospital cost me twelve pounds.",
    "p2": "The car park charges are a scandal, eight pounds for an hour.",
    "k1": "The nurses were lovely and very kind to my mother.",
}


def rid(key: str) -> str:
    return f"reddit:t1_{key}"


def _dump(path: Path) -> Path:
    lines = [json.dumps({"id": key, "author": f"user_{key}", "body": body,
                         "created_utc": 1710002000 + n, "score": 1, "parent_id": "t3_p2",
                         "link_id": "t3_p2", "subreddit": "Riverside"})
             for n, (key, body) in enumerate(EXTRA.items())]  # fmt: skip
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def base(tmp_path_factory: pytest.TempPathFactory, data_dir: Path) -> Path:
    """The project, embedded once (comments and code descriptions are in its cache)."""
    root = tmp_path_factory.mktemp("suggest") / "study"
    with Project.init(root, actor="ann") as project:
        project.import_files([data_dir / "project" / "dump_a.ndjson"])
        project.import_files([data_dir / "project" / "dump_b.ndjson"])
        project.import_files([_dump(root.parent / "extra.ndjson")])
        service.adopt(project, SMALL)
        Suggester(project).refresh()
    return root


@pytest.fixture()
def study(base: Path, tmp_path: Path):
    target = tmp_path / "study"
    shutil.copytree(base, target)
    with Project.open(target) as project:
        yield project


def _code(project: Project, code_ids: dict[str, str], coder: str = "ann") -> None:
    project.store.add_codings([{"comment_id": rid(k), "code_id": c, "coder": coder}
                               for k, c in code_ids.items()], "ann",
                              codebook_version=service.require(project).version)  # fmt: skip


def _rank(suggestions, code_id: str) -> list[str]:
    return [s.comment_id for s in suggestions.for_code(code_id, None)]


# -- cold start: the codes' definitions and examples alone ---------------------------------


def test_cold_start_scores_are_cosine_to_the_code_description(study: Project) -> None:
    suggestions = Suggester(study).refresh()
    assert suggestions.mode == "cold-start" and suggestions.coded == 0
    assert set(suggestions.code_ids) == {"barriers", "barriers.access", "barriers.familiarity",
                                         "waiting", "delays"}
    assert rid("c4") not in suggestions.comment_ids, "a deleted comment has nothing to score"
    # The same cosine, computed independently with the packaged model.
    encoder = encoder_for(study)
    code = service.require(study).code("waiting")
    expected = unit_rows(encoder.embed([EXTRA["w1"]])) @ unit_rows(
        encoder.embed([code_text(code)])).T  # fmt: skip
    got = suggestions.for_comment(rid("w1"))
    assert dict((s.code_id, s.score) for s in got)["waiting"] == pytest.approx(
        float(expected[0, 0]), abs=2e-3)  # fmt: skip
    assert set(_rank(suggestions, "waiting")[:2]) == {rid("w1"), rid("w3")}
    assert _rank(suggestions, "barriers.access")[0] == rid("a2"), "like its example"


def test_cold_start_reason_names_the_codebook_example(study: Project) -> None:
    suggestions = Suggester(study).refresh()
    reason = suggestions.reason(rid("a2"), "barriers.access")
    assert reason.coded == ()
    assert reason.examples[0][0] == "I don't have a smartphone"
    assert reason.examples[0][1] > reason.definition - 1  # a cosine, reported
    assert "I don't have a smartphone" in str(reason)


# -- learning from codings ----------------------------------------------------------------


def test_retraining_follows_the_coders(study: Project) -> None:
    suggester = Suggester(study)
    cold = suggester.refresh()
    assert cold.for_comment(rid("p2"))[0].code_id != "waiting"
    # Coders decide that parking charges count as a barrier to access (not what the
    # definition says): the other parking comment must follow their decision.
    _code(study, {"p1": "barriers.access", "a1": "barriers.access", "w1": "waiting",
                  "w2": "waiting", "f1": "barriers.familiarity", "f2": "barriers.familiarity",
                  "c2": "delays"})
    learned = suggester.refresh()
    assert learned is not cold and learned.mode == "exclusive" and learned.coded == 7
    assert rid("p1") not in learned.comment_ids, "coded comments are not suggested"
    assert _rank(learned, "barriers.access").index(rid("p2")) < _rank(
        cold, "barriers.access").index(rid("p2"))  # fmt: skip
    assert learned.for_comment(rid("p2"))[0].code_id == "barriers.access"
    assert _rank(learned, "waiting")[0] == rid("w3")
    assert _rank(learned, "barriers.familiarity")[0] == rid("f3")
    scores = [s.score for s in learned.for_comment(rid("w3"))]
    assert all(0 <= s <= 1 for s in scores) and sum(scores) <= 1 + 1e-9


def test_codes_that_co_occur_get_one_model_each(study: Project) -> None:
    _code(study, {"w1": "waiting", "w2": "waiting", "c2": "delays", "a1": "barriers.access"})
    _code(study, {"w1": "delays"}, coder="ben")
    learned = Suggester(study).refresh()
    assert learned.mode == "multi-label"
    assert _rank(learned, "waiting")[0] == rid("w3")


def test_reasons_name_the_nearest_coded_examples(study: Project) -> None:
    _code(study, {"w1": "waiting", "w2": "waiting", "a1": "barriers.access",
                  "f1": "barriers.familiarity"})
    learned = Suggester(study).refresh()
    reason = learned.reason(rid("w3"), "waiting", n=2)
    vectors = {k: v for k, v in zip(
        ["w1", "w2", "w3"], unit_rows(encoder_for(study).embed(
            [EXTRA["w1"], EXTRA["w2"], EXTRA["w3"]])), strict=True)}  # fmt: skip
    similarity = {k: float(vectors[k] @ vectors["w3"]) for k in ("w1", "w2")}
    nearest = sorted(similarity, key=lambda k: -similarity[k])
    assert [c for c, _ in reason.coded] == [rid(k) for k in nearest]
    assert reason.coded[0][1] == pytest.approx(similarity[nearest[0]], abs=2e-3)
    assert rid(nearest[0]) in str(reason)


def test_refresh_refits_only_when_something_changed(study: Project) -> None:
    suggester = Suggester(study)
    first = suggester.refresh()
    assert suggester.refresh() is first
    _code(study, {"w1": "waiting"})
    second = suggester.refresh()
    assert second is not first and second.coded == 1
    assert suggester.refresh(force=True) is not second


def test_coders_filter_what_is_learned_and_what_counts_as_coded(study: Project) -> None:
    _code(study, {"w1": "waiting", "a1": "barriers.access"}, coder="ann")
    _code(study, {"f1": "barriers.familiarity"}, coder="ben")
    bens = Suggester(study, coders=["ben"]).refresh()
    assert bens.coded == 1 and rid("w1") in bens.comment_ids
    assert bens.coders == ("ben",)
    everyone = Suggester(study).refresh()
    assert everyone.coded == 3 and rid("w1") not in everyone.comment_ids


def test_ask_next_and_unknown_codes(study: Project) -> None:
    suggestions = Suggester(study, codes=["waiting", "delays"]).refresh()
    assert suggestions.code_ids == ("waiting", "delays")
    asked = suggestions.ask_next(3)
    assert len(asked) == 3 == len(set(asked)) and set(asked) <= set(suggestions.comment_ids)
    assert suggestions.ask_next(3) == asked, "seeded: the same comments again"
    assert sorted(suggestions.ask_next(100)) == sorted(suggestions.comment_ids)
    with pytest.raises(SuggestError, match="no code 'queues'.*active codes: barriers"):
        Suggester(study, codes=["queues"]).refresh()
    with pytest.raises(SuggestError, match="not among the uncoded comments"):
        suggestions.for_comment(rid("c4"))


# -- accepting ---------------------------------------------------------------------------


def test_accepting_records_the_origin(study: Project) -> None:
    suggester = Suggester(study)
    top = suggester.refresh().for_code("waiting", 1)[0]
    coding_id = accept(study, top.comment_id, "waiting", "ben", memo="suggested")
    codings = study.store.codings()
    row = codings[codings["coding_id"] == coding_id].iloc[0]
    assert (row["origin"], row["coder"], row["memo"]) == (ACCEPTED, "ben", "suggested")
    assert row["origin"] == "suggestion-accepted" and int(row["codebook_version"]) == 1
    assert accept(study, top.comment_id, "waiting", "ben") is None, "not stored twice"
    assert top.comment_id not in suggester.refresh().comment_ids
    with pytest.raises(SuggestError, match="no code 'nope'"):
        accept(study, top.comment_id, "nope", "ben")
    with pytest.raises(CodingError):
        accept(study, "reddit:t1_missing", "waiting", "ben")


# -- in the background ---------------------------------------------------------------------


def test_background_refresh_never_blocks_and_catches_up(study: Project) -> None:
    seen = []
    background = BackgroundSuggester(study, on_update=seen.append)
    assert background.latest is None
    frame = background.provider(study, "waiting", "ann")
    assert frame.empty and list(frame.columns) == ["comment_id", "code_id", "score", "reason"]
    background.start()
    try:
        first = background.wait(60)
        assert first is not None and first.mode == "cold-start"
        _code(study, {"w1": "waiting", "a1": "barriers.access"})
        background.request()
        second = background.wait(60)
        assert second is not first and second.coded == 2 and seen == [first, second]
        frame = background.provider(study, "waiting", "ann")
        assert frame["comment_id"].iloc[0] in {rid("w2"), rid("w3")}
        assert "like reddit:t1_w1" in frame["reason"].iloc[0]
        assert background.error is None
    finally:
        background.stop()


def test_background_keeps_errors_for_the_app(study: Project) -> None:
    errors = []
    background = BackgroundSuggester(study, codes=["nope"], on_error=errors.append).start()
    try:
        assert background.wait(60) is None
        assert isinstance(background.error, SuggestError) and errors == [background.error]
    finally:
        background.stop()


# -- the command line ------------------------------------------------------------------------


def test_cli_prints_scores_under_export_names(study: Project) -> None:
    _code(study, {"w1": "waiting", "a1": "barriers.access"})
    root = str(study.root)
    result = CliRunner().invoke(main, ["suggest", root, "--json"])
    assert result.exit_code == 0, result.output
    rows = json.loads(result.output)
    names = [r["comment_id"] for r in rows]
    assert "t1_w2" in names and "t1_w1" not in names and "t1_c4" not in names
    assert all(not n.startswith("reddit:") for n in names)
    assert all(set(r["scores"]) == {"barriers", "barriers.access", "barriers.familiarity",
                                    "waiting", "delays"} for r in rows)  # fmt: skip
    some = CliRunner().invoke(main, ["suggest", root, "--codes", "waiting,delays", "--json"])
    assert [set(r["scores"]) for r in json.loads(some.output)][0] == {"waiting", "delays"}
    text = CliRunner().invoke(main, ["suggest", root, "--codes", "waiting", "--top", "2"])
    assert text.exit_code == 0 and text.output.startswith(f"{len(rows)} uncoded comments")
    bad = CliRunner().invoke(main, ["suggest", root, "--codes", "queues"])
    assert bad.exit_code == 2 and "no code 'queues'" in bad.output


def test_export_names() -> None:
    assert export_name("reddit:t1_abc") == "t1_abc"
    assert export_name("x:1765432100000") == "1765432100000"
    assert export_name("mastodon:https://h.example/users/a/statuses/1") == (
        "https://h.example/users/a/statuses/1")  # fmt: skip
    assert export_name("csv:sha1-0123456789abcdef0123") == "csv:sha1-0123456789abcdef0123"
    names = export_names(["reddit:t1_a", "csv:t1_a", "csv:7"])
    assert names == {"reddit:t1_a": "reddit:t1_a", "csv:t1_a": "csv:t1_a", "csv:7": "7"}


def test_importing_suggest_loads_no_heavy_libraries() -> None:
    code = ("import sys, workbench.suggest, workbench.cli_suggest; "
            "bad = [m for m in ('sklearn', 'torch', 'scipy', 'sentence_transformers') "
            "if m in sys.modules]; print(bad); sys.exit(1 if bad else 0)")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr


def test_scores_are_finite(study: Project) -> None:
    _code(study, {"w1": "waiting", "a1": "barriers.access", "f1": "barriers.familiarity"})
    assert np.isfinite(Suggester(study).refresh().scores).all()
